//! Offline idle timeout and max lifespan on the virtual clock (Keycloak's
//! `SessionExpirationUtils`).

use crate::support::oidc::*;
use serde_json::json;

#[tokio::test]
async fn idle_timeout_is_reset_by_each_refresh() {
    let sim = start_demo().await;
    let tokens = login(&sim, BACKUP, "alice", "offline_access").await;
    let token = str_of(&tokens, "refresh_token");
    advance_clock(&sim, 2_592_000 - 10).await;
    assert_eq!(refresh(&sim, BACKUP, token).await.0, 200);
    advance_clock(&sim, 2_592_000 - 10).await;
    let (status, body) = refresh(&sim, BACKUP, token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["refresh_expires_in"], 0);
    // Keycloak does not load an idle-expired offline session: it is not found.
    advance_clock(&sim, 2_592_001).await;
    let (status, body) = refresh(&sim, BACKUP, token).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        oauth_error("invalid_grant", "Offline user session not found")
    );
}

#[tokio::test]
async fn max_lifespan_ends_the_session_when_enabled() {
    let sim = start_demo_with(|realm| {
        realm["offlineSessionMaxLifespanEnabled"] = json!(true);
        realm["offlineSessionMaxLifespan"] = json!(1000);
    })
    .await;
    // The deadline second below must not slip by a wall-clock tick on a busy machine.
    sim.state().clock().hold_wall_time();
    let tokens = login(&sim, BACKUP, "alice", "offline_access").await;
    assert_eq!(tokens["refresh_expires_in"], 1000);
    let refresh_claims = claims(str_of(&tokens, "refresh_token"));
    assert_eq!(
        refresh_claims["exp"].as_i64().unwrap() - refresh_claims["iat"].as_i64().unwrap(),
        1000
    );
    advance_clock(&sim, 600).await;
    let (status, body) = refresh(&sim, BACKUP, str_of(&tokens, "refresh_token")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["refresh_expires_in"], 400);
    // At the deadline second the token is not yet past its exp, but the session has ended.
    advance_clock(&sim, 400).await;
    let token = str_of(&body, "refresh_token").to_string();
    let (status, body) = refresh(&sim, BACKUP, &token).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        oauth_error("invalid_grant", "Offline session not active")
    );
    advance_clock(&sim, 1).await;
    let (status, body) = refresh(&sim, BACKUP, &token).await;
    assert_eq!(status, 400);
    assert_eq!(body, oauth_error("invalid_grant", "Token is not active"));
}

#[tokio::test]
async fn access_token_lifespan_follows_the_realm() {
    let sim = start_demo().await;
    let tokens = login(&sim, BACKUP, "alice", "").await;
    assert_eq!(tokens["expires_in"], 300);
    let access = claims(str_of(&tokens, "access_token"));
    assert_eq!(
        access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(),
        300
    );
    let (status, master) = token_request(
        &sim,
        "master",
        &[
            ("grant_type", "password"),
            ("client_id", "admin-cli"),
            ("username", "admin"),
            ("password", "admin"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(master["expires_in"], 60);
}
