//! `/users`, `/users/count`, `/users/{id}`, role mappings and role members (Keycloak's
//! `UsersResource`, `UserResource`, `RoleMapperResource`).

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn usernames(body: &Value) -> Vec<&str> {
    each(body, "username")
}

/// Usernames of `GET /users?<query>`.
async fn found(sim: &keycloak_sim::RunningSim, token: &str, query: &str) -> Vec<String> {
    let (status, body) = get(
        sim,
        &format!("/admin/realms/demo/users?{query}"),
        Some(token),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    usernames(&body).into_iter().map(str::to_owned).collect()
}

const NONE: [&str; 0] = [];

const DEMO_PEOPLE: [&str; 11] = [
    "alice",
    "bob",
    "carol",
    "dave",
    "eve",
    "frank",
    "grace",
    "heidi",
    "helpdesk",
    "ivan",
    "realmadmin",
];

#[tokio::test]
async fn listing_without_filters_is_by_username_and_excludes_service_accounts() {
    let sim = start().await;
    let helpdesk = demo_token(&sim, "helpdesk").await;
    let (status, body) = get(&sim, "/admin/realms/demo/users", Some(&helpdesk)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(usernames(&body), DEMO_PEOPLE);
    let (status, body) = get(&sim, "/admin/realms/demo/users/count", Some(&helpdesk)).await;
    assert_eq!((status, body), (StatusCode::OK, json!(11)));
    let (_, body) = get(
        &sim,
        "/admin/realms/demo/users?first=2&max=3",
        Some(&helpdesk),
    )
    .await;
    assert_eq!(usernames(&body), ["carol", "dave", "eve"]);
}

#[tokio::test]
async fn search_modes_prefix_infix_exact_and_ids() {
    let sim = start().await;
    let helpdesk = demo_token(&sim, "helpdesk").await;
    let h = helpdesk.as_str();
    assert_eq!(found(&sim, h, "search=he").await, ["heidi", "helpdesk"]);
    assert_eq!(found(&sim, h, "search=*desk*").await, ["helpdesk"]);
    assert_eq!(found(&sim, h, "search=elp").await, NONE);
    assert_eq!(found(&sim, h, "search=%22heidi%22").await, ["heidi"]);
    assert_eq!(found(&sim, h, "search=%22hei%22").await, NONE);
    assert_eq!(
        found(&sim, h, "search=service").await,
        NONE,
        "service accounts excluded"
    );
    let alice = user_id(&sim, h, "alice").await;
    let bob = user_id(&sim, h, "bob").await;
    assert_eq!(
        found(&sim, h, &format!("search=id:{alice}%20{bob}")).await,
        ["alice", "bob"]
    );
    let (_, count) = get(
        &sim,
        "/admin/realms/demo/users/count?search=he",
        Some(&helpdesk),
    )
    .await;
    assert_eq!(count, json!(2));
}

#[tokio::test]
async fn field_filters_are_contained_in_unless_exact_and_include_service_accounts() {
    let sim = start().await;
    let helpdesk = demo_token(&sim, "helpdesk").await;
    let h = helpdesk.as_str();
    assert_eq!(
        found(&sim, h, "username=backup").await,
        ["service-account-backup-service"]
    );
    assert_eq!(found(&sim, h, "username=ali&exact=true").await, NONE);
    assert_eq!(found(&sim, h, "username=ALICE&exact=true").await, ["alice"]);
    assert_eq!(
        found(&sim, h, "email=example.com&username=dav").await,
        ["dave"]
    );
    assert_eq!(found(&sim, h, "idpAlias=github").await, NONE);
    let (_, count) = get(&sim, "/admin/realms/demo/users/count?username=e", Some(h)).await;
    assert_eq!(
        count,
        json!(found(&sim, h, "username=e&max=-1").await.len())
    );
}

#[tokio::test]
async fn brief_and_full_user_representations() {
    let sim = start().await;
    let helpdesk = demo_token(&sim, "helpdesk").await;
    let (_, brief) = get(
        &sim,
        "/admin/realms/demo/users?username=alice&exact=true&briefRepresentation=true",
        Some(&helpdesk),
    )
    .await;
    let brief = &brief[0];
    assert!(
        brief.get("requiredActions").is_none() && brief.get("totp").is_none(),
        "{brief}"
    );
    assert_eq!(brief["access"]["view"], true);
    let id = brief["id"].as_str().unwrap();
    let (status, full) = get(
        &sim,
        &format!("/admin/realms/demo/users/{id}"),
        Some(&helpdesk),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(full["username"], "alice");
    assert_eq!(full["enabled"], true);
    assert_eq!(full["totp"], false);
    assert_eq!(full["requiredActions"], json!([]));
    assert_eq!(full["notBefore"], 0);
    assert_eq!(
        full["access"],
        json!({ "view": true, "manage": false, "mapRoles": false, "manageGroupMembership": false, "impersonate": false })
    );
    assert!(
        full["createdTimestamp"].as_i64().unwrap() > 1_000_000_000_000,
        "epoch ms"
    );
}

#[tokio::test]
async fn user_endpoints_answer_401_403_and_404_as_keycloak() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    let alice = demo_token(&sim, "alice").await;
    let unknown = "/admin/realms/demo/users/00000000-0000-4000-8000-000000000000";
    assert_eq!(
        get(&sim, "/admin/realms/demo/users", None).await,
        (StatusCode::UNAUTHORIZED, unauthorized())
    );
    assert_eq!(
        get(&sim, "/admin/realms/demo/users/count", None).await,
        (StatusCode::UNAUTHORIZED, unauthorized())
    );
    assert_eq!(
        get(&sim, "/admin/realms/demo/users", Some(&alice)).await,
        (StatusCode::FORBIDDEN, forbidden())
    );
    assert_eq!(
        get(&sim, "/admin/realms/demo/users/count", Some(&alice)).await,
        (StatusCode::FORBIDDEN, forbidden())
    );
    assert_eq!(
        get(&sim, unknown, Some(&admin)).await,
        (StatusCode::NOT_FOUND, json!({ "error": "User not found" }))
    );
    // Anti-phishing: without query rights an unknown id is indistinguishable from a known one.
    assert_eq!(
        get(&sim, unknown, Some(&alice)).await,
        (StatusCode::FORBIDDEN, forbidden())
    );
    let bob = user_id(&sim, &admin, "bob").await;
    assert_eq!(
        get(
            &sim,
            &format!("/admin/realms/demo/users/{bob}"),
            Some(&alice)
        )
        .await,
        (StatusCode::FORBIDDEN, forbidden())
    );
}

#[tokio::test]
async fn realm_role_mappings_direct_and_effective() {
    let sim = start().await;
    let helpdesk = demo_token(&sim, "helpdesk").await;
    let alice = user_id(&sim, &helpdesk, "alice").await;
    let names = |body: &Value| -> Vec<String> {
        each(body, "name").into_iter().map(str::to_owned).collect()
    };
    let (status, direct) = get(
        &sim,
        &format!("/admin/realms/demo/users/{alice}/role-mappings/realm"),
        Some(&helpdesk),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&direct), ["default-roles-demo"]);
    assert_eq!(direct[0]["composite"], true);
    assert_eq!(direct[0]["clientRole"], false);
    let (_, effective) = get(
        &sim,
        &format!("/admin/realms/demo/users/{alice}/role-mappings/realm/composite"),
        Some(&helpdesk),
    )
    .await;
    assert_eq!(
        names(&effective),
        ["default-roles-demo", "offline_access", "uma_authorization"]
    );
    assert!(effective[0].get("attributes").is_none(), "brief by default");
    let (_, full) = get(
        &sim,
        &format!("/admin/realms/demo/users/{alice}/role-mappings/realm/composite?briefRepresentation=false"),
        Some(&helpdesk),
    )
    .await;
    assert_eq!(full[0]["attributes"], json!({}));
    let eve = user_id(&sim, &helpdesk, "eve").await;
    let (_, eve_roles) = get(
        &sim,
        &format!("/admin/realms/demo/users/{eve}/role-mappings/realm/composite"),
        Some(&helpdesk),
    )
    .await;
    assert!(!names(&eve_roles).contains(&"offline_access".to_owned()));
    let other = demo_token(&sim, "bob").await;
    let (status, body) = get(
        &sim,
        &format!("/admin/realms/demo/users/{alice}/role-mappings/realm"),
        Some(&other),
    )
    .await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, forbidden()));
}

#[tokio::test]
async fn role_members_need_realm_view_and_name_unknown_roles() {
    let sim = start().await;
    let realmadmin = demo_token(&sim, "realmadmin").await;
    let (status, body) = get(
        &sim,
        "/admin/realms/demo/roles/uma_authorization/users",
        Some(&realmadmin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(usernames(&body), ["eve"]);
    assert!(body[0].get("access").is_none());
    let (_, body) = get(
        &sim,
        "/admin/realms/demo/roles/default-roles-demo/users?first=1&max=2",
        Some(&realmadmin),
    )
    .await;
    assert_eq!(usernames(&body), ["bob", "carol"]);
    let (status, body) = get(
        &sim,
        "/admin/realms/demo/roles/no-such-role/users",
        Some(&realmadmin),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::NOT_FOUND,
            json!({ "error": "Could not find role" })
        )
    );
    let helpdesk = demo_token(&sim, "helpdesk").await;
    let (status, body) = get(
        &sim,
        "/admin/realms/demo/roles/uma_authorization/users",
        Some(&helpdesk),
    )
    .await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, forbidden()));
}
