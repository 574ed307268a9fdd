//! Consents, a user's sessions, session deletion and logout (Keycloak's `UserResource`,
//! `RealmAdminResource`).

use crate::support::*;
use keycloak_sim::model::Consent;
use keycloak_sim::RunningSim;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// Stores a consent of `username` to `client_id` for the given scopes, as the consent screen
/// would, and returns its timestamp (ms).
fn store_consent(sim: &RunningSim, username: &str, client_id: &str, scopes: &[&str]) -> i64 {
    let mut db = sim.state().write();
    let realm = db.realm_mut("demo").unwrap();
    let user = realm.user_by_username(username).unwrap().id;
    let client = realm.client_by_client_id(client_id).unwrap().id;
    let granted_scopes = scopes
        .iter()
        .map(|name| realm.scope_by_name(name).unwrap().id)
        .collect();
    let now_ms = sim.state().clock().now_ms();
    realm.put_consent(
        user,
        client,
        Consent {
            granted_scopes,
            created: now_ms,
            last_updated: now_ms,
        },
    );
    now_ms
}

fn consents_path(user: &str) -> String {
    format!("/admin/realms/demo/users/{user}/consents")
}

#[tokio::test]
async fn an_offline_token_without_consent_shows_as_a_synthetic_entry() {
    let sim = start().await;
    let helpdesk = demo_token(&sim, "helpdesk").await;
    offline_login(&sim, "alice").await;
    let alice = user_id(&sim, &helpdesk, "alice").await;
    let backup = client_uuid(&sim, &helpdesk, "backup-service").await;
    let (status, body) = get(&sim, &consents_path(&alice), Some(&helpdesk)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!([{
            "clientId": "backup-service",
            "grantedClientScopes": [],
            "additionalGrants": [{ "client": backup, "key": "Offline Token" }],
        }])
    );
    let bob = user_id(&sim, &helpdesk, "bob").await;
    assert_eq!(
        get(&sim, &consents_path(&bob), Some(&helpdesk)).await,
        (StatusCode::OK, json!([]))
    );
}

#[tokio::test]
async fn stored_consents_come_first_with_scope_names_and_ms_dates() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    offline_login(&sim, "alice").await;
    let at = store_consent(&sim, "alice", "photo-print", &["profile", "offline_access"]);
    let alice = user_id(&sim, &admin, "alice").await;
    let backup = client_uuid(&sim, &admin, "backup-service").await;
    let (_, body) = get(&sim, &consents_path(&alice), Some(&admin)).await;
    assert_eq!(
        body,
        json!([
            {
                "clientId": "photo-print",
                "grantedClientScopes": ["profile", "offline_access"],
                "createdDate": at,
                "lastUpdatedDate": at,
                "additionalGrants": [],
            },
            {
                "clientId": "backup-service",
                "grantedClientScopes": [],
                "additionalGrants": [{ "client": backup, "key": "Offline Token" }],
            },
        ])
    );
}

#[tokio::test]
async fn revoking_an_offline_only_grant_kills_the_offline_token() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    let token = offline_login(&sim, "alice").await;
    let alice = user_id(&sim, &admin, "alice").await;
    let path = format!("{}/backup-service", consents_path(&alice));
    let (status, body) = call(&sim, Method::DELETE, &path, Some(&admin), None).await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
    let (status, body) = refresh(&sim, token["refresh_token"].as_str().unwrap()).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({ "error": "invalid_grant", "error_description": "Offline user session not found" })
        )
    );
    assert_eq!(
        get(&sim, &consents_path(&alice), Some(&admin)).await.1,
        json!([])
    );
    let (status, body) = call(&sim, Method::DELETE, &path, Some(&admin), None).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::NOT_FOUND,
            json!({ "error": "Consent nor offline token not found" })
        )
    );
}

#[tokio::test]
async fn revoking_one_client_leaves_other_clients_offline_access() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    let token = offline_login(&sim, "alice").await;
    store_consent(&sim, "alice", "photo-print", &["profile"]);
    let alice = user_id(&sim, &admin, "alice").await;
    let (status, _) = call(
        &sim,
        Method::DELETE,
        &format!("{}/photo-print", consents_path(&alice)),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, body) = get(&sim, &consents_path(&alice), Some(&admin)).await;
    assert_eq!(body.as_array().unwrap().len(), 1);
    assert_eq!(body[0]["clientId"], "backup-service");
    let (status, body) = refresh(&sim, token["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn consent_endpoints_check_rights_and_name_missing_clients() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    let helpdesk = demo_token(&sim, "helpdesk").await;
    let bob_token = demo_token(&sim, "bob").await;
    offline_login(&sim, "alice").await;
    let alice = user_id(&sim, &admin, "alice").await;
    let revoke = format!("{}/backup-service", consents_path(&alice));
    assert_eq!(
        get(&sim, &consents_path(&alice), None).await,
        (StatusCode::UNAUTHORIZED, unauthorized())
    );
    assert_eq!(
        get(&sim, &consents_path(&alice), Some(&bob_token)).await,
        (StatusCode::FORBIDDEN, forbidden())
    );
    assert_eq!(
        call(&sim, Method::DELETE, &revoke, Some(&helpdesk), None).await,
        (StatusCode::FORBIDDEN, forbidden())
    );
    assert_eq!(
        call(&sim, Method::DELETE, &revoke, None, None).await,
        (StatusCode::UNAUTHORIZED, unauthorized())
    );
    assert_eq!(
        call(
            &sim,
            Method::DELETE,
            &format!("{}/no-such-app", consents_path(&alice)),
            Some(&admin),
            None
        )
        .await,
        (
            StatusCode::NOT_FOUND,
            json!({ "error": "Client not found" })
        )
    );
    let unknown_user = consents_path("00000000-0000-4000-8000-000000000000");
    assert_eq!(
        get(&sim, &unknown_user, Some(&admin)).await,
        (StatusCode::NOT_FOUND, json!({ "error": "User not found" }))
    );
}

#[tokio::test]
async fn user_sessions_are_regular_only_and_offline_ones_are_per_client() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    offline_login(&sim, "alice").await;
    demo_token(&sim, "alice").await;
    let alice = user_id(&sim, &admin, "alice").await;
    let cli = client_uuid(&sim, &admin, "admin-cli").await;
    let backup = client_uuid(&sim, &admin, "backup-service").await;
    let (status, regular) = get(
        &sim,
        &format!("/admin/realms/demo/users/{alice}/sessions"),
        Some(&admin),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(regular.as_array().unwrap().len(), 1);
    assert_eq!(regular[0]["clients"], json!({ cli.clone(): "admin-cli" }));
    let offline_path =
        |client: &str| format!("/admin/realms/demo/users/{alice}/offline-sessions/{client}");
    let (status, offline) = get(&sim, &offline_path(&backup), Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(offline.as_array().unwrap().len(), 1);
    assert_eq!(
        offline[0]["clients"],
        json!({ backup.clone(): "backup-service" })
    );
    assert_eq!(
        get(&sim, &offline_path(&cli), Some(&admin)).await,
        (StatusCode::OK, json!([]))
    );
    assert_eq!(
        get(
            &sim,
            &offline_path("00000000-0000-4000-8000-000000000000"),
            Some(&admin)
        )
        .await,
        (
            StatusCode::NOT_FOUND,
            json!({ "error": "Client not found" })
        )
    );
    let bob_token = demo_token(&sim, "bob").await;
    assert_eq!(
        get(
            &sim,
            &format!("/admin/realms/demo/users/{alice}/sessions"),
            Some(&bob_token)
        )
        .await,
        (StatusCode::FORBIDDEN, forbidden())
    );
}

#[tokio::test]
async fn logout_ends_regular_sessions_and_makes_offline_tokens_stale() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    let token = offline_login(&sim, "alice").await;
    demo_token(&sim, "alice").await;
    let alice = user_id(&sim, &admin, "alice").await;
    let helpdesk = demo_token(&sim, "helpdesk").await;
    let logout = format!("/admin/realms/demo/users/{alice}/logout");
    assert_eq!(
        call(&sim, Method::POST, &logout, Some(&helpdesk), None).await,
        (StatusCode::FORBIDDEN, forbidden())
    );
    // Tokens issued in the same second as the logout stay valid (not-before is in seconds).
    advance_clock(&sim, 1).await;
    assert_eq!(
        call(&sim, Method::POST, &logout, Some(&admin), None).await,
        (StatusCode::NO_CONTENT, Value::Null)
    );
    assert_eq!(
        get(
            &sim,
            &format!("/admin/realms/demo/users/{alice}/sessions"),
            Some(&admin)
        )
        .await
        .1,
        json!([])
    );
    let backup = client_uuid(&sim, &admin, "backup-service").await;
    let (_, offline) = get(
        &sim,
        &format!("/admin/realms/demo/users/{alice}/offline-sessions/{backup}"),
        Some(&admin),
    )
    .await;
    assert_eq!(offline.as_array().unwrap().len(), 1, "offline session kept");
    let (status, body) = refresh(&sim, token["refresh_token"].as_str().unwrap()).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({ "error": "invalid_grant", "error_description": "Stale token" })
        )
    );
}

#[tokio::test]
async fn deleting_a_session_honours_is_offline() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    let token = offline_login(&sim, "alice").await;
    let backup = client_uuid(&sim, &admin, "backup-service").await;
    let (_, sessions) = get(
        &sim,
        &format!("/admin/realms/demo/clients/{backup}/offline-sessions"),
        Some(&admin),
    )
    .await;
    let id = sessions[0]["id"].as_str().unwrap().to_owned();
    let path = |offline: &str| format!("/admin/realms/demo/sessions/{id}{offline}");
    let not_found = (
        StatusCode::NOT_FOUND,
        json!({ "error": "Sesssion not found" }),
    );
    assert_eq!(
        call(&sim, Method::DELETE, &path(""), Some(&admin), None).await,
        not_found,
        "regular lookup only"
    );
    let helpdesk = demo_token(&sim, "helpdesk").await;
    assert_eq!(
        call(
            &sim,
            Method::DELETE,
            &path("?isOffline=true"),
            Some(&helpdesk),
            None
        )
        .await,
        (StatusCode::FORBIDDEN, forbidden())
    );
    assert_eq!(
        call(
            &sim,
            Method::DELETE,
            &path("?isOffline=true"),
            Some(&admin),
            None
        )
        .await,
        (StatusCode::NO_CONTENT, Value::Null)
    );
    assert_eq!(
        get(
            &sim,
            &format!("/admin/realms/demo/clients/{backup}/offline-session-count"),
            Some(&admin)
        )
        .await
        .1,
        json!({ "count": 0 })
    );
    assert_eq!(
        call(
            &sim,
            Method::DELETE,
            &path("?isOffline=true"),
            Some(&admin),
            None
        )
        .await,
        not_found
    );
    assert_eq!(
        refresh(&sim, token["refresh_token"].as_str().unwrap()).await,
        (
            StatusCode::BAD_REQUEST,
            json!({ "error": "invalid_grant", "error_description": "Offline user session not found" })
        )
    );

    let bob = demo_token(&sim, "bob").await;
    let bob_sid = oidc::claims(&bob)["sid"].as_str().unwrap().to_owned();
    let regular = format!("/admin/realms/demo/sessions/{bob_sid}");
    assert_eq!(
        call(&sim, Method::DELETE, &regular, Some(&admin), None).await,
        (StatusCode::NO_CONTENT, Value::Null)
    );
    assert_eq!(
        get(&sim, "/admin/realms/demo/users", Some(&bob)).await.0,
        StatusCode::UNAUTHORIZED,
        "session gone"
    );
}

#[tokio::test]
async fn revoking_a_granted_consent_ends_that_clients_offline_token() {
    let sim = start().await;
    let admin = master_admin(&sim).await;
    let photo = consent_login(&sim, "alice").await;
    assert_eq!(
        oidc::claims(photo["refresh_token"].as_str().unwrap())["typ"],
        "Offline"
    );
    let backup = offline_login(&sim, "alice").await;
    let alice = user_id(&sim, &admin, "alice").await;
    let photo_print = client_uuid(&sim, &admin, "photo-print").await;
    let (_, consents) = get(&sim, &consents_path(&alice), Some(&admin)).await;
    assert_eq!(consents[0]["clientId"], "photo-print");
    assert_eq!(
        consents[0]["grantedClientScopes"],
        json!(["profile", "email", "roles", "offline_access"])
    );
    assert_eq!(
        consents[0]["additionalGrants"],
        json!([{ "client": photo_print, "key": "Offline Token" }])
    );
    assert_eq!(consents[1]["clientId"], "backup-service");

    let path = format!("{}/photo-print", consents_path(&alice));
    assert_eq!(
        call(&sim, Method::DELETE, &path, Some(&admin), None).await,
        (StatusCode::NO_CONTENT, Value::Null)
    );
    assert_eq!(
        refresh_photo_print(&sim, photo["refresh_token"].as_str().unwrap()).await,
        (
            StatusCode::BAD_REQUEST,
            json!({ "error": "invalid_grant", "error_description": "Offline user session not found" })
        )
    );
    let (status, body) = refresh(&sim, backup["refresh_token"].as_str().unwrap()).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "other client keeps offline access: {body}"
    );
    let (_, consents) = get(&sim, &consents_path(&alice), Some(&admin)).await;
    assert_eq!(consents.as_array().unwrap().len(), 1);
}
