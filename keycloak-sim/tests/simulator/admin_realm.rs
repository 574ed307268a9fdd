//! `/admin/realms`, realm GET/PUT (Keycloak's `RealmAdminResource`), cross-realm administration
//! (`AdminRoot`, `fgap/RealmPermissions`), logout-all and push-revocation.

use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn realm_names(body: &Value) -> Vec<&str> {
    each(body, "realm")
}

#[tokio::test]
async fn realm_list_shows_what_the_caller_may_see() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    let (status, body) = get(&sim, "/admin/realms", Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(realm_names(&body), ["demo", "master"]);
    assert_eq!(body[0]["offlineSessionIdleTimeout"], 2592000);

    let (_, brief) = get(&sim, "/admin/realms?briefRepresentation=true", Some(&admin)).await;
    let demo_id = body[0]["id"].clone();
    assert_eq!(
        brief[0],
        json!({ "id": demo_id, "realm": "demo", "enabled": true })
    );

    let realmadmin = demo_token(&sim, "realmadmin").await;
    let (_, body) = get(&sim, "/admin/realms", Some(&realmadmin)).await;
    assert_eq!(realm_names(&body), ["demo"]);
    assert_eq!(body[0]["accessTokenLifespan"], 300);

    let helpdesk = demo_token(&sim, "helpdesk").await;
    assert_eq!(
        get(&sim, "/admin/realms", Some(&helpdesk)).await,
        (StatusCode::OK, json!([{ "realm": "demo" }]))
    );
    assert_admins_only(&sim, "/admin/realms").await;
}

#[tokio::test]
async fn realm_rep_is_full_with_view_realm_and_reduced_for_other_admins() {
    let sim = start().await;
    let realmadmin = demo_token(&sim, "realmadmin").await;
    let (status, full) = get(&sim, "/admin/realms/demo", Some(&realmadmin)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(full["realm"], "demo");
    assert_eq!(full["offlineSessionIdleTimeout"], 2592000);
    assert_eq!(full["offlineSessionMaxLifespanEnabled"], false);
    assert_eq!(full["offlineSessionMaxLifespan"], 5184000);
    assert_eq!(full["revokeRefreshToken"], false);
    assert_eq!(full["notBefore"], 0);
    let helpdesk = demo_token(&sim, "helpdesk").await;
    assert_eq!(
        get(&sim, "/admin/realms/demo", Some(&helpdesk)).await,
        (
            StatusCode::OK,
            json!({
                "realm": "demo",
                "supportedLocales": [],
                "bruteForceProtected": false,
                "organizationsEnabled": false,
                "registrationEmailAsUsername": false,
            })
        )
    );
    assert_admins_only(&sim, "/admin/realms/demo").await;
}

#[tokio::test]
async fn unknown_realm_and_foreign_tokens() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    let realmadmin = demo_token(&sim, "realmadmin").await;
    let not_found = (
        StatusCode::NOT_FOUND,
        json!({ "error": "Realm not found." }),
    );
    assert_eq!(
        get(&sim, "/admin/realms/nowhere", Some(&admin)).await,
        not_found
    );
    assert_eq!(
        get(&sim, "/admin/realms/nowhere/users", Some(&admin)).await,
        not_found
    );
    assert_eq!(
        get(&sim, "/admin/realms/nowhere/users", None).await,
        (StatusCode::UNAUTHORIZED, unauthorized())
    );
    // A demo-realm token cannot administer master, whatever its roles.
    assert_eq!(
        get(&sim, "/admin/realms/master", Some(&realmadmin)).await,
        (StatusCode::FORBIDDEN, forbidden())
    );
    assert_eq!(
        get(&sim, "/admin/realms/master/users", Some(&realmadmin)).await,
        (StatusCode::FORBIDDEN, forbidden())
    );
    // The master admin administers demo through the demo-realm client roles.
    assert_eq!(
        get(&sim, "/admin/realms/demo/users/count", Some(&admin)).await,
        (StatusCode::OK, json!(11))
    );
    assert_eq!(
        get(&sim, "/admin/realms/master/users/count", Some(&admin)).await,
        (StatusCode::OK, json!(1))
    );
    // Unknown resources under a realm: authentication and the realm come first.
    let unknown = "/admin/realms/demo/no/such/resource";
    assert_eq!(
        get(&sim, unknown, None).await,
        (StatusCode::UNAUTHORIZED, unauthorized())
    );
    assert_eq!(
        get(&sim, unknown, Some(&admin)).await,
        (
            StatusCode::NOT_FOUND,
            json!({ "error": "HTTP 404 Not Found" })
        )
    );
    assert_eq!(
        get(&sim, "/admin/realms/master/nothing", Some(&realmadmin)).await,
        (StatusCode::FORBIDDEN, forbidden())
    );
    assert_eq!(
        get(&sim, "/admin/realms/nowhere/nothing", Some(&admin)).await,
        not_found
    );
    let wrong_method = (
        StatusCode::METHOD_NOT_ALLOWED,
        json!({ "error": "HTTP 405 Method Not Allowed" }),
    );
    assert_eq!(
        call(
            &sim,
            Method::POST,
            "/admin/realms/demo/users/count",
            Some(&admin),
            None
        )
        .await,
        wrong_method
    );
    assert_eq!(
        call(
            &sim,
            Method::POST,
            "/admin/realms/demo/users/count",
            None,
            None
        )
        .await,
        (StatusCode::UNAUTHORIZED, unauthorized())
    );
}

#[tokio::test]
async fn put_is_a_partial_update_and_needs_manage_realm() {
    let sim = start().await;
    let realmadmin = demo_token(&sim, "realmadmin").await;
    let (_, before) = get(&sim, "/admin/realms/demo", Some(&realmadmin)).await;
    let patch = json!({
        "offlineSessionIdleTimeout": 86400,
        "offlineSessionMaxLifespanEnabled": true,
        "offlineSessionMaxLifespan": 604800,
        "ssoSessionMaxLifespan": null,
    });
    assert_eq!(
        call(
            &sim,
            Method::PUT,
            "/admin/realms/demo",
            Some(&realmadmin),
            Some(&patch)
        )
        .await,
        (StatusCode::NO_CONTENT, Value::Null)
    );
    let (_, after) = get(&sim, "/admin/realms/demo", Some(&realmadmin)).await;
    let mut expected = before.clone();
    expected["offlineSessionIdleTimeout"] = json!(86400);
    expected["offlineSessionMaxLifespanEnabled"] = json!(true);
    expected["offlineSessionMaxLifespan"] = json!(604800);
    assert_eq!(after, expected);

    // The admin console's "Revocation → Set to now" sends the realm name and notBefore.
    // The clock moves first so that the admin's own token is certainly older than "now".
    advance_clock(&sim, 5).await;
    let now = clock_now(&sim).await;
    let set_now = json!({ "realm": "demo", "notBefore": now });
    assert_eq!(
        call(
            &sim,
            Method::PUT,
            "/admin/realms/demo",
            Some(&realmadmin),
            Some(&set_now)
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    // As in Keycloak, that also ends every token issued before it, the admin's own included.
    assert_eq!(
        get(&sim, "/admin/realms/demo", Some(&realmadmin)).await,
        (StatusCode::UNAUTHORIZED, unauthorized())
    );
    let realmadmin = demo_token(&sim, "realmadmin").await;
    assert_eq!(
        get(&sim, "/admin/realms/demo", Some(&realmadmin)).await.1["notBefore"],
        now
    );

    let helpdesk = demo_token(&sim, "helpdesk").await;
    assert_eq!(
        call(
            &sim,
            Method::PUT,
            "/admin/realms/demo",
            Some(&helpdesk),
            Some(&patch)
        )
        .await,
        (StatusCode::FORBIDDEN, forbidden())
    );
    assert_eq!(
        call(&sim, Method::PUT, "/admin/realms/demo", None, Some(&patch)).await,
        (StatusCode::UNAUTHORIZED, unauthorized())
    );
}

#[tokio::test]
async fn put_rejects_what_keycloak_rejects() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    let bad = |body: Value| {
        let sim = &sim;
        let admin = admin.clone();
        async move {
            call(
                sim,
                Method::PUT,
                "/admin/realms/master",
                Some(&admin),
                Some(&body),
            )
            .await
        }
    };
    assert_eq!(
        bad(json!({ "realm": "renamed" })).await,
        (
            StatusCode::BAD_REQUEST,
            json!({ "errorMessage": "Can't rename master realm" })
        )
    );
    assert_eq!(
        bad(json!({ "accessCodeLifespanLogin": 0, "accessCodeLifespanUserAction": 300 })).await,
        (
            StatusCode::BAD_REQUEST,
            json!({ "errorMessage": "AccessCodeLifespanLogin or AccessCodeLifespanUserAction cannot be 0" })
        )
    );
    assert_eq!(
        bad(json!({ "offlineSessionIdleTimeout": "a month" })).await,
        (
            StatusCode::BAD_REQUEST,
            json!({ "error": "unknown_error", "error_description": "Cannot parse the JSON" })
        )
    );
    let (status, body) = call(
        &sim,
        Method::GET,
        "/admin/realms/master",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(
        (status, body["offlineSessionIdleTimeout"].clone()),
        (StatusCode::OK, json!(2592000))
    );
}

#[tokio::test]
async fn logout_all_ends_regular_sessions_keeps_offline_ones_and_sets_not_before() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    let offline = offline_login(&sim, "alice").await;
    demo_token(&sim, "bob").await;
    let helpdesk = demo_token(&sim, "helpdesk").await;
    assert_eq!(
        call(
            &sim,
            Method::POST,
            "/admin/realms/demo/logout-all",
            Some(&helpdesk),
            None
        )
        .await,
        (StatusCode::FORBIDDEN, forbidden())
    );
    advance_clock(&sim, 1).await;
    let before = clock_now(&sim).await;
    assert_eq!(
        call(
            &sim,
            Method::POST,
            "/admin/realms/demo/logout-all",
            Some(&admin),
            None
        )
        .await,
        (StatusCode::OK, json!({}))
    );
    let after = clock_now(&sim).await;
    let (_, realm) = get(&sim, "/admin/realms/demo", Some(&admin)).await;
    let not_before = realm["notBefore"].as_i64().unwrap();
    assert!(
        (before..=after).contains(&not_before),
        "notBefore {not_before} is the logout time"
    );
    let (_, stats) = get(
        &sim,
        "/admin/realms/demo/client-session-stats",
        Some(&admin),
    )
    .await;
    assert_eq!(stats.as_array().unwrap().len(), 1);
    assert_eq!(
        (
            stats[0]["clientId"].clone(),
            stats[0]["active"].clone(),
            stats[0]["offline"].clone()
        ),
        (json!("backup-service"), json!("0"), json!("1"))
    );
    assert_eq!(
        refresh(&sim, offline["refresh_token"].as_str().unwrap()).await,
        (
            StatusCode::BAD_REQUEST,
            json!({ "error": "invalid_grant", "error_description": "Stale token" })
        )
    );
}

#[tokio::test]
async fn push_revocation_needs_manage_realm() {
    let sim = start().await;
    let realmadmin = demo_token(&sim, "realmadmin").await;
    assert_eq!(
        call(
            &sim,
            Method::POST,
            "/admin/realms/demo/push-revocation",
            Some(&realmadmin),
            None
        )
        .await,
        (StatusCode::OK, json!({}))
    );
    let helpdesk = demo_token(&sim, "helpdesk").await;
    assert_eq!(
        call(
            &sim,
            Method::POST,
            "/admin/realms/demo/push-revocation",
            Some(&helpdesk),
            None
        )
        .await,
        (StatusCode::FORBIDDEN, forbidden())
    );
}
