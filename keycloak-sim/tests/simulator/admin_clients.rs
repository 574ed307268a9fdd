//! `/admin/realms/{realm}/clients...` (Keycloak's `ClientsResource`, `ClientResource`).

use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn client_id_filter_is_an_exact_match_returning_one_or_no_client() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    let (status, body) = get(
        &sim,
        "/admin/realms/demo/clients?clientId=backup-service",
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.as_array().unwrap().len(), 1);
    assert_eq!(body[0]["clientId"], "backup-service");
    assert_eq!(body[0]["secret"], "backup-service-secret");
    assert_eq!(
        body[0]["access"],
        json!({ "view": true, "manage": true, "configure": true })
    );
    let (status, body) = get(
        &sim,
        "/admin/realms/demo/clients?clientId=backup",
        Some(&admin),
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!([])));
}

#[tokio::test]
async fn search_is_a_substring_match_ordered_by_client_id_and_paged() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    let ids = |body: &Value| -> Vec<String> {
        each(body, "clientId")
            .into_iter()
            .map(str::to_owned)
            .collect()
    };
    let (status, body) = get(
        &sim,
        "/admin/realms/demo/clients?clientId=APP&search=true",
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&body), ["mobile-app", "no-offline-app"]);
    let (_, all) = get(&sim, "/admin/realms/demo/clients", Some(&admin)).await;
    let all = ids(&all);
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted);
    assert!(
        all.contains(&"realm-management".to_owned()) && all.contains(&"photo-print".to_owned())
    );
    let (_, page) = get(
        &sim,
        "/admin/realms/demo/clients?first=1&max=2",
        Some(&admin),
    )
    .await;
    assert_eq!(ids(&page), all[1..3]);
}

#[tokio::test]
async fn listing_needs_a_token_and_a_client_or_user_query_role() {
    let sim = start().await;
    let (status, body) = get(&sim, "/admin/realms/demo/clients", None).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthorized()));
    let (status, body) = get(&sim, "/admin/realms/demo/clients", Some("not-a-jwt")).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthorized()));
    let alice = demo_token(&sim, "alice").await;
    let (status, body) = get(&sim, "/admin/realms/demo/clients", Some(&alice)).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, forbidden()));
}

#[tokio::test]
async fn helpdesk_views_clients_with_masked_secrets_and_no_manage_access() {
    let sim = start().await;
    let helpdesk = demo_token(&sim, "helpdesk").await;
    let id = client_uuid(&sim, &helpdesk, "backup-service").await;
    let (status, body) = get(
        &sim,
        &format!("/admin/realms/demo/clients/{id}"),
        Some(&helpdesk),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["id"], id.as_str());
    assert_eq!(body["secret"], "**********");
    assert_eq!(
        body["access"],
        json!({ "view": true, "manage": false, "configure": false })
    );
    assert_eq!(body["optionalClientScopes"][0], "offline_access");
}

#[tokio::test]
async fn unknown_client_is_404_for_listers_and_403_for_others() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    let path = "/admin/realms/demo/clients/00000000-0000-4000-8000-000000000000";
    let (status, body) = get(&sim, path, Some(&admin)).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::NOT_FOUND,
            json!({ "error": "Could not find client" })
        )
    );
    let (status, body) = get(
        &sim,
        "/admin/realms/demo/clients/not-a-uuid/session-count",
        Some(&admin),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::NOT_FOUND,
            json!({ "error": "Could not find client" })
        )
    );
    let alice = demo_token(&sim, "alice").await;
    let (status, body) = get(&sim, path, Some(&alice)).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, forbidden()));
}

#[tokio::test]
async fn put_updates_only_the_fields_sent_and_needs_manage_clients() {
    let sim = start().await;
    let realmadmin = demo_token(&sim, "realmadmin").await;
    let id = client_uuid(&sim, &realmadmin, "photo-print").await;
    let path = format!("/admin/realms/demo/clients/{id}");
    let (_, before) = get(&sim, &path, Some(&realmadmin)).await;
    let patch = json!({ "description": "Prints photos", "attributes": { "client.offline.session.idle.timeout": "3600" } });
    let (status, body) = call(&sim, Method::PUT, &path, Some(&realmadmin), Some(&patch)).await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
    let (_, after) = get(&sim, &path, Some(&realmadmin)).await;
    assert_eq!(after["description"], "Prints photos");
    assert_eq!(
        after["attributes"]["client.offline.session.idle.timeout"],
        "3600"
    );
    assert_eq!(after["consentRequired"], before["consentRequired"]);
    assert_eq!(after["redirectUris"], before["redirectUris"]);

    let helpdesk = demo_token(&sim, "helpdesk").await;
    let (status, body) = call(&sim, Method::PUT, &path, Some(&helpdesk), Some(&patch)).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, forbidden()));
    let (status, body) = call(&sim, Method::PUT, &path, None, Some(&patch)).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthorized()));

    let taken = json!({ "clientId": "backup-service" });
    let (status, body) = call(&sim, Method::PUT, &path, Some(&realmadmin), Some(&taken)).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::CONFLICT,
            json!({ "errorMessage": "Client already exists" })
        )
    );
    let wrong_type = json!({ "consentRequired": "sometimes" });
    let (status, body) = call(
        &sim,
        Method::PUT,
        &path,
        Some(&realmadmin),
        Some(&wrong_type),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({ "error": "unknown_error", "error_description": "Cannot parse the JSON" })
        )
    );
}

#[tokio::test]
async fn internal_realm_management_client_is_never_manageable() {
    let sim = start().await;
    let realmadmin = demo_token(&sim, "realmadmin").await;
    let (_, body) = get(
        &sim,
        "/admin/realms/demo/clients?clientId=realm-management",
        Some(&realmadmin),
    )
    .await;
    assert_eq!(
        body[0]["access"],
        json!({ "view": true, "manage": false, "configure": false })
    );
    let id = body[0]["id"].as_str().unwrap();
    let (status, body) = call(
        &sim,
        Method::PUT,
        &format!("/admin/realms/demo/clients/{id}"),
        Some(&realmadmin),
        Some(&json!({ "description": "x" })),
    )
    .await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, forbidden()));
}

#[tokio::test]
async fn default_and_optional_client_scopes_list_ids_and_names() {
    let sim = start().await;
    let helpdesk = demo_token(&sim, "helpdesk").await;
    let id = client_uuid(&sim, &helpdesk, "backup-service").await;
    let (status, body) = get(
        &sim,
        &format!("/admin/realms/demo/clients/{id}/optional-client-scopes"),
        Some(&helpdesk),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let names = each(&body, "name");
    assert!(names.contains(&"offline_access"));
    assert!(body[0]["id"].as_str().unwrap().len() == 36);
    assert_eq!(body[0].as_object().unwrap().len(), 2);
    let (status, body) = get(
        &sim,
        &format!("/admin/realms/demo/clients/{id}/default-client-scopes"),
        Some(&helpdesk),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let names = each(&body, "name");
    assert!(names.contains(&"profile") && !names.contains(&"offline_access"));
    let alice = demo_token(&sim, "alice").await;
    let (status, body) = get(
        &sim,
        &format!("/admin/realms/demo/clients/{id}/default-client-scopes"),
        Some(&alice),
    )
    .await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, forbidden()));
}

#[tokio::test]
async fn realm_scope_mappings_direct_and_composite() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    let restricted = client_uuid(&sim, &admin, "no-offline-app").await;
    let (status, body) = get(
        &sim,
        &format!("/admin/realms/demo/clients/{restricted}/scope-mappings/realm"),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let direct = each(&body, "name");
    assert!(!direct.contains(&"offline_access"));
    let (_, composite) = get(
        &sim,
        &format!("/admin/realms/demo/clients/{restricted}/scope-mappings/realm/composite"),
        Some(&admin),
    )
    .await;
    let composite = each(&composite, "name");
    assert!(!composite.contains(&"offline_access"));

    let full_scope = client_uuid(&sim, &admin, "backup-service").await;
    let (_, body) = get(
        &sim,
        &format!("/admin/realms/demo/clients/{full_scope}/scope-mappings/realm/composite?briefRepresentation=true"),
        Some(&admin),
    )
    .await;
    let offline = body
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "offline_access")
        .unwrap();
    assert_eq!(offline["clientRole"], false);
    assert_eq!(offline["composite"], false);
    assert!(offline.get("attributes").is_none(), "brief form: {offline}");
    let alice = demo_token(&sim, "alice").await;
    let (status, _) = get(
        &sim,
        &format!("/admin/realms/demo/clients/{full_scope}/scope-mappings/realm"),
        Some(&alice),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn push_revocation_needs_manage_and_reports_nothing_without_admin_urls() {
    let sim = start().await;
    let realmadmin = demo_token(&sim, "realmadmin").await;
    let id = client_uuid(&sim, &realmadmin, "backup-service").await;
    let path = format!("/admin/realms/demo/clients/{id}/push-revocation");
    let (status, body) = call(&sim, Method::POST, &path, Some(&realmadmin), None).await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    let helpdesk = demo_token(&sim, "helpdesk").await;
    let (status, body) = call(&sim, Method::POST, &path, Some(&helpdesk), None).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, forbidden()));
}
