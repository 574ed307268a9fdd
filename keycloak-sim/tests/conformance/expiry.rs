//! Offline sessions ending by time, on the server's own clock: an idle timeout of a few
//! seconds and a max lifespan lowered after the token was issued, with real waits.

use crate::server::{TestRealm, BACKUP};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn an_offline_session_idle_longer_than_the_timeout_is_gone() {
    // Keycloak keeps session times in whole seconds: the waits leave a second either way.
    let realm = TestRealm::create("idle", json!({"offlineSessionIdleTimeout": 5})).await;
    let alice = realm.offline_login("alice").await;
    let bob = realm.offline_login("bob").await;
    // Used within the timeout, a session lives on.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (status, alice) = realm
        .refresh(BACKUP, alice["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(status, StatusCode::OK, "{alice}");
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (status, _) = realm
        .refresh(BACKUP, alice["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(status, StatusCode::OK);
    // Left alone past it, a session ends, and its token reads as a session not found.
    let (status, body) = realm
        .refresh(BACKUP, bob["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": "Offline user session not found"})
        )
    );
    realm.delete().await;
}

#[tokio::test]
async fn a_max_lifespan_lowered_after_issue_ends_the_session() {
    let realm = TestRealm::create("maxlife", json!({})).await;
    let alice = realm.offline_login("alice").await;
    assert_eq!(alice["refresh_expires_in"], 0);
    let (status, _) = realm
        .admin(
            Method::PUT,
            "",
            Some(json!({"offlineSessionMaxLifespanEnabled": true, "offlineSessionMaxLifespan": 2})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (status, body) = realm
        .refresh(BACKUP, alice["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": "Offline session not active"})
        )
    );
    // A grant under the max lifespan gets a refresh token that says when it ends.
    let (status, bob) = realm
        .password_grant(BACKUP, "bob", "openid offline_access")
        .await;
    assert_eq!(status, StatusCode::OK, "{bob}");
    assert_eq!(bob["refresh_expires_in"], 2);
    realm.delete().await;
}
