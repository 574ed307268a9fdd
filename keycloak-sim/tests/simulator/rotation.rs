//! `revokeRefreshToken` with `refreshTokenMaxReuse` 0 and 2 (Keycloak's
//! `TokenManager.validateTokenReuse`).

use crate::support::oidc::*;
use serde_json::json;

async fn rotating(max_reuse: i64) -> keycloak_sim::RunningSim {
    start_demo_with(|realm| {
        realm["revokeRefreshToken"] = json!(true);
        realm["refreshTokenMaxReuse"] = json!(max_reuse);
    })
    .await
}

#[tokio::test]
async fn max_reuse_zero_each_token_works_once_and_reuse_kills_the_client_session() {
    let sim = rotating(0).await;
    let first = login(&sim, BACKUP, "alice", "offline_access").await;
    let reuse_id = claims(str_of(&first, "refresh_token"))["reuse_id"].clone();
    assert!(reuse_id.is_string());
    let (status, second) = refresh(&sim, BACKUP, str_of(&first, "refresh_token")).await;
    assert_eq!(status, 200);
    assert_eq!(
        claims(str_of(&second, "refresh_token"))["reuse_id"],
        reuse_id
    );
    let (status, body) = refresh(&sim, BACKUP, str_of(&first, "refresh_token")).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        oauth_error(
            "invalid_grant",
            "Maximum allowed refresh token reuse exceeded"
        )
    );
    let (status, body) = refresh(&sim, BACKUP, str_of(&second, "refresh_token")).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        oauth_error("invalid_grant", "Session doesn't have required client")
    );
}

#[tokio::test]
async fn max_reuse_two_allows_three_uses() {
    let sim = rotating(2).await;
    let first = login(&sim, BACKUP, "alice", "offline_access").await;
    let token = str_of(&first, "refresh_token");
    for use_number in 1..=3 {
        let (status, body) = refresh(&sim, BACKUP, token).await;
        assert_eq!(status, 200, "use {use_number}: {body}");
    }
    let (status, body) = refresh(&sim, BACKUP, token).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        oauth_error(
            "invalid_grant",
            "Maximum allowed refresh token reuse exceeded"
        )
    );
}

#[tokio::test]
async fn without_rotation_a_token_can_be_reused() {
    let sim = start_demo().await;
    let first = login(&sim, BACKUP, "alice", "offline_access").await;
    assert!(claims(str_of(&first, "refresh_token"))
        .get("reuse_id")
        .is_none());
    for _ in 0..3 {
        assert_eq!(
            refresh(&sim, BACKUP, str_of(&first, "refresh_token"))
                .await
                .0,
            200
        );
    }
}
