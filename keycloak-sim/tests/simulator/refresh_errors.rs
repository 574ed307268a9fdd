//! One test per refresh failure, in the order Keycloak's `RefreshTokenGrantType` and
//! `TokenManager` check them, each with its exact status and body.

use crate::support::oidc::*;
use keycloak_sim::model::Consent;
use serde_json::json;

const OFFLINE: &str = "offline_access";

async fn offline_token(sim: &keycloak_sim::RunningSim, user: &str) -> serde_json::Value {
    login(sim, BACKUP, user, OFFLINE).await
}

fn assert_error(result: (reqwest::StatusCode, serde_json::Value), error: &str, description: &str) {
    assert_eq!(result.0, 400, "{}", result.1);
    assert_eq!(result.1, oauth_error(error, description));
}

#[tokio::test]
async fn a_refresh_without_a_token_is_refused() {
    let sim = start_demo().await;
    let result = token_request(
        &sim,
        "demo",
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "backup-service"),
            ("client_secret", "backup-service-secret"),
        ],
    )
    .await;
    assert_error(result, "invalid_request", "No refresh token");
}

#[tokio::test]
async fn an_undecodable_or_wrong_type_token_is_refused() {
    let sim = start_demo().await;
    assert_error(
        refresh(&sim, BACKUP, "not.a-token").await,
        "invalid_grant",
        "Invalid refresh token",
    );
    let tokens = offline_token(&sim, "alice").await;
    let access = str_of(&tokens, "access_token");
    assert_error(
        refresh(&sim, BACKUP, access).await,
        "invalid_grant",
        "Invalid refresh token",
    );
}

#[tokio::test]
async fn a_token_from_another_issuer_is_refused() {
    let sim = start_demo().await;
    let port = sim.base_url().rsplit(':').next().unwrap().to_string();
    let response = http()
        .post(token_url(&sim, "demo"))
        .header("host", format!("localhost:{port}"))
        .form(&[
            ("grant_type", "password"),
            ("client_id", "backup-service"),
            ("client_secret", "backup-service-secret"),
            ("username", "alice"),
            ("password", "alice"),
        ])
        .send()
        .await
        .unwrap();
    let tokens: serde_json::Value = response.json().await.unwrap();
    let expected = format!(
        "Invalid token issuer. Expected '{}/realms/demo'",
        sim.base_url()
    );
    assert_error(
        refresh(&sim, BACKUP, str_of(&tokens, "refresh_token")).await,
        "invalid_grant",
        &expected,
    );
}

#[tokio::test]
async fn a_token_issued_before_the_realm_not_before_is_refused() {
    let sim = start_demo().await;
    let tokens = offline_token(&sim, "alice").await;
    let now = sim.state().now();
    with_demo(&sim, |realm| {
        realm
            .update_settings(&json!({ "notBefore": now + 10 }))
            .unwrap()
    });
    assert_error(
        refresh(&sim, BACKUP, str_of(&tokens, "refresh_token")).await,
        "invalid_grant",
        "Stale token",
    );
}

#[tokio::test]
async fn an_expired_refresh_token_is_refused() {
    let sim = start_demo().await;
    let tokens = login(&sim, BACKUP, "alice", "").await;
    assert_eq!(tokens["refresh_expires_in"], 1800);
    advance_clock(&sim, 1801).await;
    assert_error(
        refresh(&sim, BACKUP, str_of(&tokens, "refresh_token")).await,
        "invalid_grant",
        "Token is not active",
    );
}

#[tokio::test]
async fn a_token_of_another_client_is_refused() {
    let sim = start_demo().await;
    let tokens = offline_token(&sim, "alice").await;
    assert_error(
        refresh(&sim, NO_OFFLINE, str_of(&tokens, "refresh_token")).await,
        "invalid_grant",
        "Invalid refresh token. Token client and authorized client don't match",
    );
}

#[tokio::test]
async fn a_token_whose_offline_session_is_gone_is_refused() {
    let sim = start_demo().await;
    let tokens = offline_token(&sim, "alice").await;
    assert!(with_demo(&sim, |realm| realm.delete_session(sid_of(&tokens), true)));
    assert_error(
        refresh(&sim, BACKUP, str_of(&tokens, "refresh_token")).await,
        "invalid_grant",
        "Offline user session not found",
    );
}

#[tokio::test]
async fn an_offline_session_idle_past_its_timeout_is_not_found() {
    let sim = start_demo().await;
    let tokens = offline_token(&sim, "alice").await;
    advance_clock(&sim, 2_592_001).await;
    let token = str_of(&tokens, "refresh_token");
    assert_error(
        refresh(&sim, BACKUP, token).await,
        "invalid_grant",
        "Offline user session not found",
    );
    assert_error(
        refresh(&sim, BACKUP, token).await,
        "invalid_grant",
        "Offline user session not found",
    );
}

#[tokio::test]
async fn a_token_whose_regular_session_is_gone_is_refused() {
    let sim = start_demo().await;
    let tokens = login(&sim, BACKUP, "alice", "").await;
    assert!(with_demo(&sim, |realm| realm.delete_session(sid_of(&tokens), false)));
    assert_error(
        refresh(&sim, BACKUP, str_of(&tokens, "refresh_token")).await,
        "invalid_grant",
        "Session not active",
    );
}

#[tokio::test]
async fn a_disabled_users_token_is_refused() {
    let sim = start_demo().await;
    let tokens = offline_token(&sim, "alice").await;
    let alice = user_id(&sim, "alice");
    with_demo(&sim, |realm| realm.user_mut(alice).unwrap().enabled = false);
    assert_error(
        refresh(&sim, BACKUP, str_of(&tokens, "refresh_token")).await,
        "invalid_grant",
        "User disabled",
    );
}

#[tokio::test]
async fn a_token_older_than_its_user_session_is_refused() {
    let sim = start_demo().await;
    let tokens = offline_token(&sim, "alice").await;
    advance_clock(&sim, 5).await;
    let now = sim.state().now();
    with_demo(&sim, |realm| {
        realm.offline_session_mut(sid_of(&tokens)).unwrap().started = now
    });
    assert_error(
        refresh(&sim, BACKUP, str_of(&tokens, "refresh_token")).await,
        "invalid_grant",
        "Refresh token issued before the user session started",
    );
}

#[tokio::test]
async fn a_session_without_this_client_refuses_its_token() {
    let sim = start_demo().await;
    let mut browser = Browser::new();
    let console = console_browser_tokens(&mut browser, &sim, "alice", "openid").await;
    // Same SSO session, second client: no login form this time.
    let page = browser
        .get(&auth_url(
            &sim,
            "demo",
            &[
                ("client_id", "mobile-app"),
                ("redirect_uri", "http://127.0.0.1:4001/cb"),
                ("response_type", "code"),
                ("code_challenge", CHALLENGE),
                ("code_challenge_method", "S256"),
            ],
        ))
        .await;
    assert_eq!(page.status(), 302);
    // Revoking the console's refresh token detaches it; the session lives on for mobile-app.
    let revoked = http()
        .post(format!(
            "{}/realms/demo/protocol/openid-connect/revoke",
            sim.base_url()
        ))
        .form(&[
            ("token", str_of(&console, "refresh_token")),
            ("client_id", "offline-console"),
            ("client_secret", "offline-console-secret"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    assert_error(
        refresh(&sim, CONSOLE, str_of(&console, "refresh_token")).await,
        "invalid_grant",
        "Session doesn't have required client",
    );
}

#[tokio::test]
async fn an_idle_expired_client_session_refuses_its_token() {
    let sim = start_demo_with(|realm| {
        client_json(realm, "backup-service")["attributes"] =
            json!({ "client.offline.session.idle.timeout": "100" });
    })
    .await;
    let tokens = offline_token(&sim, "alice").await;
    advance_clock(&sim, 101).await;
    let token = str_of(&tokens, "refresh_token");
    assert_error(
        refresh(&sim, BACKUP, token).await,
        "invalid_grant",
        "Client session not active",
    );
    assert_error(
        refresh(&sim, BACKUP, token).await,
        "invalid_grant",
        "Session doesn't have required client",
    );
}

#[tokio::test]
async fn a_token_older_than_its_client_session_is_refused() {
    let sim = start_demo().await;
    let mut browser = Browser::new();
    let tokens = console_browser_tokens(&mut browser, &sim, "alice", "openid").await;
    advance_clock(&sim, 5).await;
    // A new authorization in the same SSO session restarts the console's client session.
    let again = browser.get(&console_auth_url(&sim, &[])).await;
    assert_eq!(again.status(), 302);
    assert_error(
        refresh(&sim, CONSOLE, str_of(&tokens, "refresh_token")).await,
        "invalid_grant",
        "refresh token issued before the client session started",
    );
}

#[tokio::test]
async fn a_token_issued_before_the_client_not_before_is_refused() {
    let sim = start_demo().await;
    let tokens = offline_token(&sim, "alice").await;
    let now = sim.state().now();
    let backup = client_uuid(&sim, "backup-service");
    with_demo(&sim, |realm| {
        realm.client_mut(backup).unwrap().not_before = now + 10
    });
    assert_error(
        refresh(&sim, BACKUP, str_of(&tokens, "refresh_token")).await,
        "invalid_grant",
        "Stale token",
    );
}

#[tokio::test]
async fn a_token_issued_before_an_admin_logout_of_the_user_is_refused() {
    let sim = start_demo().await;
    let tokens = offline_token(&sim, "alice").await;
    advance_clock(&sim, 1).await;
    let now = sim.state().now();
    let alice = user_id(&sim, "alice");
    assert!(with_demo(&sim, |realm| realm.logout_user(alice, now)));
    // The offline session is still there, but its tokens are stale.
    assert!(with_demo(&sim, |realm| realm
        .offline()
        .get(sid_of(&tokens))
        .is_some()));
    assert_error(
        refresh(&sim, BACKUP, str_of(&tokens, "refresh_token")).await,
        "invalid_grant",
        "Stale token",
    );
}

#[tokio::test]
async fn a_client_that_lost_the_offline_access_scope_cannot_refresh() {
    let sim = start_demo().await;
    let tokens = offline_token(&sim, "alice").await;
    let backup = client_uuid(&sim, "backup-service");
    with_demo(&sim, |realm| {
        realm
            .client_mut(backup)
            .unwrap()
            .optional_client_scopes
            .retain(|s| s != OFFLINE)
    });
    assert_error(
        refresh(&sim, BACKUP, str_of(&tokens, "refresh_token")).await,
        "invalid_grant",
        "Offline session invalid because offline access not granted anymore",
    );
}

#[tokio::test]
async fn a_withdrawn_consent_ends_the_offline_token() {
    let sim = start_demo().await;
    let mut browser = Browser::new();
    let redirect = browser_login(
        &mut browser,
        &sim,
        &[
            ("client_id", "photo-print"),
            ("redirect_uri", PHOTO_REDIRECT),
            ("response_type", "code"),
            ("scope", "openid offline_access"),
        ],
        "alice",
    )
    .await;
    let code = url_param(&redirect, "code").unwrap();
    let (status, tokens) = exchange_code(&sim, PHOTO, &code, PHOTO_REDIRECT, None).await;
    assert_eq!(status, 200, "{tokens}");
    let (alice, photo) = (user_id(&sim, "alice"), client_uuid(&sim, "photo-print"));
    with_demo(&sim, |realm| {
        realm.put_consent(
            alice,
            photo,
            Consent {
                granted_scopes: vec![],
                created: 0,
                last_updated: 0,
            },
        )
    });
    assert_error(
        refresh(&sim, PHOTO, str_of(&tokens, "refresh_token")).await,
        "invalid_scope",
        "Client no longer has requested consent from user",
    );
}

async fn rotating_sim(max_reuse: i64) -> keycloak_sim::RunningSim {
    start_demo_with(|realm| {
        realm["revokeRefreshToken"] = json!(true);
        realm["refreshTokenMaxReuse"] = json!(max_reuse);
    })
    .await
}

#[tokio::test]
async fn a_superseded_rotated_token_is_stale() {
    let sim = rotating_sim(0).await;
    let first = offline_token(&sim, "alice").await;
    advance_clock(&sim, 1).await;
    let (status, second) = refresh(&sim, BACKUP, str_of(&first, "refresh_token")).await;
    assert_eq!(status, 200);
    advance_clock(&sim, 1).await;
    let (status, _) = refresh(&sim, BACKUP, str_of(&second, "refresh_token")).await;
    assert_eq!(status, 200);
    advance_clock(&sim, 1).await;
    assert_error(
        refresh(&sim, BACKUP, str_of(&first, "refresh_token")).await,
        "invalid_grant",
        "Stale token",
    );
}

#[tokio::test]
async fn a_token_reused_beyond_the_reuse_count_is_refused() {
    let sim = rotating_sim(0).await;
    let first = offline_token(&sim, "alice").await;
    let token = str_of(&first, "refresh_token");
    assert_eq!(refresh(&sim, BACKUP, token).await.0, 200);
    assert_error(
        refresh(&sim, BACKUP, token).await,
        "invalid_grant",
        "Maximum allowed refresh token reuse exceeded",
    );
}

#[tokio::test]
async fn a_user_who_lost_the_offline_access_role_cannot_refresh() {
    let sim = start_demo().await;
    let tokens = offline_token(&sim, "alice").await;
    let alice = user_id(&sim, "alice");
    with_demo(&sim, |realm| {
        let uma = realm.realm_role("uma_authorization").unwrap().id;
        realm.user_mut(alice).unwrap().roles = vec![uma];
    });
    let result = refresh(&sim, BACKUP, str_of(&tokens, "refresh_token")).await;
    assert_error(
        result,
        "not_allowed",
        "Offline tokens not allowed for the user or client",
    );
}
