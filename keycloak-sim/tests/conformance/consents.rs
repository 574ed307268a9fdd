//! A user's consents and offline tokens in the admin API, and revoking them.

use crate::server::{TestRealm, BACKUP};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn an_offline_token_shows_as_a_consent_with_an_offline_grant() {
    let realm = TestRealm::create("consents", json!({})).await;
    let offline = realm.offline_login("alice").await;
    let user = realm.user_id("alice").await;
    let client = realm.client_uuid("backup-service").await;
    let (status, consents) = realm
        .admin(Method::GET, &format!("/users/{user}/consents"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        consents,
        json!([{
            "clientId": "backup-service",
            "grantedClientScopes": [],
            "additionalGrants": [{"client": client, "key": "Offline Token"}],
        }])
    );
    let (status, sessions) = realm
        .admin(
            Method::GET,
            &format!("/users/{user}/offline-sessions/{client}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(sessions[0]["id"], offline["session_state"]);
    realm.delete().await;
}

#[tokio::test]
async fn revoking_a_consent_ends_the_offline_token() {
    let realm = TestRealm::create("consents", json!({})).await;
    let offline = realm.offline_login("alice").await;
    realm.offline_login("bob").await;
    let user = realm.user_id("alice").await;
    let (status, body) = realm
        .admin(
            Method::DELETE,
            &format!("/users/{user}/consents/backup-service"),
            None,
        )
        .await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, json!(null)));
    let (_, consents) = realm
        .admin(Method::GET, &format!("/users/{user}/consents"), None)
        .await;
    assert_eq!(consents, json!([]));
    let (status, body) = realm
        .refresh(BACKUP, offline["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": "Offline user session not found"})
        )
    );
    let left: Vec<_> = realm
        .offline_sessions("backup-service")
        .await
        .into_iter()
        .map(|s| s["username"].clone())
        .collect();
    assert_eq!(left, [json!("bob")]);
    let (status, body) = realm
        .admin(
            Method::DELETE,
            &format!("/users/{user}/consents/backup-service"),
            None,
        )
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::NOT_FOUND,
            json!({"error": "Consent nor offline token not found"})
        )
    );
    let (status, body) = realm
        .admin(
            Method::DELETE,
            &format!("/users/{user}/consents/no-such-client"),
            None,
        )
        .await;
    assert_eq!(
        (status, body),
        (StatusCode::NOT_FOUND, json!({"error": "Client not found"}))
    );
    let (status, body) = realm
        .admin(
            Method::GET,
            "/users/00000000-0000-0000-0000-000000000000/consents",
            None,
        )
        .await;
    assert_eq!(
        (status, body),
        (StatusCode::NOT_FOUND, json!({"error": "User not found"}))
    );
    realm.delete().await;
}
