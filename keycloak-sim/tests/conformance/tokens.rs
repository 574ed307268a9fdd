//! The token endpoint: offline grants, refresh, and its error answers.

use crate::server::{claims, keys, scopes, TestRealm, BACKUP, NO_OFFLINE};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn an_offline_grant_returns_an_offline_refresh_token_without_expiry() {
    let realm = TestRealm::create("tokens", json!({})).await;
    let body = realm.offline_login("alice").await;
    assert_eq!(
        keys(&body),
        [
            "access_token",
            "expires_in",
            "id_token",
            "not-before-policy",
            "refresh_expires_in",
            "refresh_token",
            "scope",
            "session_state",
            "token_type"
        ]
    );
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 300);
    assert_eq!(
        body["refresh_expires_in"], 0,
        "an offline token has no fixed end"
    );
    assert_eq!(body["not-before-policy"], 0);
    assert_eq!(
        scopes(&body["scope"]),
        ["email", "offline_access", "openid", "profile"]
    );

    let refresh = claims(body["refresh_token"].as_str().unwrap());
    assert_eq!(refresh["typ"], "Offline");
    assert_eq!(refresh["azp"], "backup-service");
    assert_eq!(refresh["iss"], realm.issuer());
    assert_eq!(refresh["aud"], realm.issuer());
    assert_eq!(refresh["sid"], body["session_state"]);
    assert!(
        refresh.get("exp").is_none(),
        "no exp without a max lifespan: {refresh}"
    );
    assert_eq!(
        scopes(&refresh["scope"]),
        [
            "acr",
            "basic",
            "email",
            "offline_access",
            "openid",
            "profile",
            "roles",
            "web-origins"
        ],
        "the refresh token keeps every granted scope"
    );

    let access = claims(body["access_token"].as_str().unwrap());
    assert_eq!(access["typ"], "Bearer");
    assert_eq!(access["iss"], realm.issuer());
    assert_eq!(access["sid"], body["session_state"]);
    assert_eq!(access["preferred_username"], "alice");
    assert_eq!(
        access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(),
        300
    );
    let realm_roles = access["realm_access"]["roles"].as_array().unwrap();
    assert!(realm_roles.contains(&json!("offline_access")), "{access}");
    realm.delete().await;
}

#[tokio::test]
async fn a_refresh_keeps_the_offline_session() {
    let realm = TestRealm::create("tokens", json!({})).await;
    let body = realm.offline_login("alice").await;
    let (status, refreshed) = realm
        .refresh(BACKUP, body["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    assert_eq!(refreshed["session_state"], body["session_state"]);
    assert_eq!(refreshed["refresh_expires_in"], 0);
    assert_eq!(
        claims(refreshed["refresh_token"].as_str().unwrap())["typ"],
        "Offline"
    );
    // Without rotation the old offline token stays valid.
    let (status, _) = realm
        .refresh(BACKUP, body["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(status, StatusCode::OK);
    realm.delete().await;
}

#[tokio::test]
async fn a_user_without_the_offline_access_role_gets_no_offline_token() {
    let realm = TestRealm::create("tokens", json!({})).await;
    let (status, body) = realm
        .password_grant(BACKUP, "eve", "openid offline_access")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"error": "not_allowed", "error_description": "Offline tokens not allowed for the user or client"})
    );
    // The same user signs in without offline access.
    let (status, body) = realm.password_grant(BACKUP, "eve", "openid").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        claims(body["refresh_token"].as_str().unwrap())["typ"],
        "Refresh"
    );
    realm.delete().await;
}

#[tokio::test]
async fn a_client_without_the_offline_access_scope_gets_no_offline_token() {
    let realm = TestRealm::create("tokens", json!({})).await;
    let (status, body) = realm
        .password_grant(NO_OFFLINE, "alice", "openid offline_access")
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_scope", "error_description": "Invalid scopes: openid offline_access"})
        )
    );
    let (status, body) = realm.password_grant(NO_OFFLINE, "alice", "openid").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        claims(body["refresh_token"].as_str().unwrap())["typ"],
        "Refresh"
    );
    realm.delete().await;
}

#[tokio::test]
async fn bad_credentials_and_clients_are_refused_with_keycloaks_errors() {
    let realm = TestRealm::create("tokens", json!({})).await;
    let mut form = vec![
        ("grant_type", "password"),
        ("client_id", "backup-service"),
        ("client_secret", "backup-service-secret"),
        ("username", "alice"),
        ("password", "wrong"),
    ];
    let (status, body) = realm.token(&form).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": "Invalid user credentials"})
        )
    );
    form[4] = ("password", "nobody");
    form[3] = ("username", "nobody");
    let (status, body) = realm.token(&form).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": "Invalid user credentials"})
        )
    );
    form[2] = ("client_secret", "wrong");
    let (status, body) = realm.token(&form).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({"error": "unauthorized_client", "error_description": "Invalid client or Invalid client credentials"})
        )
    );
    form[1] = ("client_id", "no-such-client");
    let (status, body) = realm.token(&form).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({"error": "invalid_client", "error_description": "Invalid client or Invalid client credentials"})
        )
    );
    realm.delete().await;
}

#[tokio::test]
async fn a_bad_refresh_token_is_refused_with_keycloaks_errors() {
    let realm = TestRealm::create("tokens", json!({})).await;
    let (status, body) = realm.refresh(BACKUP, "garbage").await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": "Invalid refresh token"})
        )
    );
    let offline = realm.offline_login("alice").await;
    let (status, body) = realm
        .refresh(NO_OFFLINE, offline["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": "Invalid refresh token. Token client and authorized client don't match"})
        )
    );
    realm.delete().await;
}

#[tokio::test]
async fn with_rotation_a_reused_offline_token_is_refused_and_ends_the_chain() {
    let realm = TestRealm::create("rotation", json!({"revokeRefreshToken": true})).await;
    let first = realm.offline_login("alice").await;
    let old = first["refresh_token"].as_str().unwrap();
    let (status, second) = realm.refresh(BACKUP, old).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let (status, body) = realm.refresh(BACKUP, old).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": "Maximum allowed refresh token reuse exceeded"})
        )
    );
    // The reuse detaches the client from the session: the newer token is dead too.
    let (status, body) = realm
        .refresh(BACKUP, second["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": "Session doesn't have required client"})
        )
    );
    realm.delete().await;
}

#[tokio::test]
async fn max_reuse_allows_that_many_extra_uses_of_one_token() {
    let realm = TestRealm::create(
        "rotation",
        json!({"revokeRefreshToken": true, "refreshTokenMaxReuse": 1}),
    )
    .await;
    let first = realm.offline_login("alice").await;
    let token = first["refresh_token"].as_str().unwrap();
    assert_eq!(realm.refresh(BACKUP, token).await.0, StatusCode::OK);
    assert_eq!(realm.refresh(BACKUP, token).await.0, StatusCode::OK);
    let (status, body) = realm.refresh(BACKUP, token).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": "Maximum allowed refresh token reuse exceeded"})
        )
    );
    realm.delete().await;
}
