//! Ending offline tokens from the outside: RFC 7009 revocation, logout, the not-before policy.

use crate::server::{http, read, TestRealm, BACKUP};
use reqwest::{Method, StatusCode};
use serde_json::json;

fn not_found() -> serde_json::Value {
    json!({"error": "invalid_grant", "error_description": "Offline user session not found"})
}

#[tokio::test]
async fn revoking_an_offline_token_ends_its_session() {
    let realm = TestRealm::create("revoke", json!({})).await;
    let offline = realm.offline_login("alice").await;
    let revoke = realm.url("/protocol/openid-connect/revoke");
    let form = [
        ("client_id", "backup-service"),
        ("client_secret", "backup-service-secret"),
        ("token", offline["refresh_token"].as_str().unwrap()),
    ];
    let (status, body) = read(http().post(&revoke).form(&form).send().await.unwrap()).await;
    assert_eq!((status, body), (StatusCode::OK, json!(null)));
    assert_eq!(
        realm
            .refresh(BACKUP, offline["refresh_token"].as_str().unwrap())
            .await,
        (StatusCode::BAD_REQUEST, not_found())
    );
    assert!(realm.offline_sessions("backup-service").await.is_empty());
    // A token that is not one: 200 all the same, with an error body.
    let form = [
        ("client_id", "backup-service"),
        ("client_secret", "backup-service-secret"),
        ("token", "garbage"),
    ];
    let (status, body) = read(http().post(&revoke).form(&form).send().await.unwrap()).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::OK,
            json!({"error": "invalid_token", "error_description": "Invalid token"})
        )
    );
    realm.delete().await;
}

#[tokio::test]
async fn logout_with_an_offline_token_ends_its_session() {
    let realm = TestRealm::create("revoke", json!({})).await;
    let offline = realm.offline_login("bob").await;
    let form = [
        ("client_id", "backup-service"),
        ("client_secret", "backup-service-secret"),
        ("refresh_token", offline["refresh_token"].as_str().unwrap()),
    ];
    let response = http()
        .post(realm.url("/protocol/openid-connect/logout"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        realm
            .refresh(BACKUP, offline["refresh_token"].as_str().unwrap())
            .await,
        (StatusCode::BAD_REQUEST, not_found())
    );
    realm.delete().await;
}

#[tokio::test]
async fn a_not_before_policy_makes_older_offline_tokens_stale() {
    let realm = TestRealm::create("notbefore", json!({})).await;
    let offline = realm.offline_login("alice").await;
    let issued = crate::server::claims(offline["access_token"].as_str().unwrap())["iat"]
        .as_i64()
        .unwrap();
    // Not-before is compared in whole seconds: a token of the same second stays valid.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, _) = realm
        .admin(Method::PUT, "", Some(json!({"notBefore": issued + 1})))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = realm
        .refresh(BACKUP, offline["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": "Stale token"})
        )
    );
    // The session itself is still listed; a new grant works.
    assert_eq!(realm.offline_sessions("backup-service").await.len(), 1);
    let bob = realm.offline_login("bob").await;
    let (status, refreshed) = realm
        .refresh(BACKUP, bob["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    assert_eq!(refreshed["not-before-policy"], issued + 1);
    realm.delete().await;
}
