//! Logout (Keycloak's `LogoutEndpoint`) and revocation (`TokenRevocationEndpoint`).

use crate::support::oidc::*;
use serde_json::{json, Value};

const MOBILE: (&str, Option<&str>) = ("mobile-app", None);
const MOBILE_REDIRECT: &str = "http://127.0.0.1:4001/cb";

async fn post_form(url: String, form: &[(&str, &str)]) -> (reqwest::StatusCode, String) {
    let response = http().post(url).form(form).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

fn endpoint(sim: &keycloak_sim::RunningSim, name: &str) -> String {
    format!(
        "{}/realms/demo/protocol/openid-connect/{name}",
        sim.base_url()
    )
}

/// Mobile-app tokens through a sign-in of its own: the console's offline code exchange turned
/// the earlier SSO session into the offline one, as Keycloak 26.7 does.
async fn mobile_tokens(sim: &keycloak_sim::RunningSim, scope: &str) -> Value {
    let params = [
        ("client_id", "mobile-app"),
        ("redirect_uri", MOBILE_REDIRECT),
        ("response_type", "code"),
        ("scope", scope),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    let redirect = browser_login(&mut Browser::new(), sim, &params, "alice").await;
    let code = url_param(&redirect, "code").unwrap();
    let (status, body) = exchange_code(sim, MOBILE, &code, MOBILE_REDIRECT, Some(VERIFIER)).await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn logout_with_regular_token_keeps_offline_session_and_offline_logout_ends_it() {
    let sim = start_demo().await;
    let mut browser = Browser::new();
    let offline =
        console_browser_tokens(&mut browser, &sim, "alice", "openid offline_access").await;
    assert_eq!(claims(str_of(&offline, "refresh_token"))["typ"], "Offline");
    let regular = mobile_tokens(&sim, "openid").await;
    assert_ne!(sid_of(&offline), sid_of(&regular), "two sign-ins");

    let (status, body) = post_form(
        endpoint(&sim, "logout"),
        &[
            ("client_id", "mobile-app"),
            ("refresh_token", str_of(&regular, "refresh_token")),
        ],
    )
    .await;
    assert_eq!((status.as_u16(), body.as_str()), (204, ""));
    let (status, body) = refresh(&sim, MOBILE, str_of(&regular, "refresh_token")).await;
    assert_eq!(
        (status.as_u16(), body),
        (400, oauth_error("invalid_grant", "Session not active"))
    );
    let (status, body) = refresh(&sim, CONSOLE, str_of(&offline, "refresh_token")).await;
    assert_eq!(status, 200, "{body}");

    let (status, _) = post_form(
        endpoint(&sim, "logout"),
        &[
            ("client_id", "offline-console"),
            ("client_secret", "offline-console-secret"),
            ("refresh_token", str_of(&body, "refresh_token")),
        ],
    )
    .await;
    assert_eq!(status, 204);
    let (status, body) = refresh(&sim, CONSOLE, str_of(&offline, "refresh_token")).await;
    assert_eq!(
        (status.as_u16(), body),
        (
            400,
            oauth_error("invalid_grant", "Offline user session not found")
        )
    );
}

#[tokio::test]
async fn logout_errors() {
    let sim = start_demo().await;
    let tokens = login(&sim, BACKUP, "alice", "").await;
    let (status, body) = post_form(
        endpoint(&sim, "logout"),
        &[
            ("client_id", "backup-service"),
            ("client_secret", "backup-service-secret"),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        oauth_error("invalid_request", "No refresh token")
    );
    let (status, body) = post_form(
        endpoint(&sim, "logout"),
        &[
            ("client_id", "backup-service"),
            ("client_secret", "wrong"),
            ("refresh_token", str_of(&tokens, "refresh_token")),
        ],
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        oauth_error(
            "unauthorized_client",
            "Invalid client or Invalid client credentials"
        )
    );
}

#[tokio::test]
async fn revoking_an_offline_token_ends_only_that_clients_offline_access() {
    let sim = start_demo().await;
    let console =
        console_browser_tokens(&mut Browser::new(), &sim, "alice", "offline_access").await;
    let mobile = mobile_tokens(&sim, "offline_access").await;
    with_demo(&sim, |realm| {
        assert_eq!(
            realm.offline().get(sid_of(&console)).unwrap().clients.len(),
            1
        );
        assert_eq!(
            realm.offline().get(sid_of(&mobile)).unwrap().clients.len(),
            1
        );
    });

    let (status, body) = post_form(
        endpoint(&sim, "revoke"),
        &[
            ("token", str_of(&console, "refresh_token")),
            ("client_id", "offline-console"),
            ("client_secret", "offline-console-secret"),
        ],
    )
    .await;
    assert_eq!((status.as_u16(), body.as_str()), (200, ""));
    let (status, body) = refresh(&sim, CONSOLE, str_of(&console, "refresh_token")).await;
    assert_eq!(
        (status.as_u16(), body),
        (
            400,
            oauth_error("invalid_grant", "Offline user session not found")
        )
    );
    assert_eq!(
        refresh(&sim, MOBILE, str_of(&mobile, "refresh_token"))
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn revoking_the_last_client_deletes_the_offline_session() {
    let sim = start_demo().await;
    let tokens = login(&sim, BACKUP, "alice", "offline_access").await;
    let (status, _) = post_form(
        endpoint(&sim, "revoke"),
        &[
            ("token", str_of(&tokens, "refresh_token")),
            ("client_id", "backup-service"),
            ("client_secret", "backup-service-secret"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = refresh(&sim, BACKUP, str_of(&tokens, "refresh_token")).await;
    assert_eq!(
        (status.as_u16(), body),
        (
            400,
            oauth_error("invalid_grant", "Offline user session not found")
        )
    );
    // Revoking it again: the session is unknown now.
    let (status, body) = post_form(
        endpoint(&sim, "revoke"),
        &[
            ("token", str_of(&tokens, "refresh_token")),
            ("client_id", "backup-service"),
            ("client_secret", "backup-service-secret"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"error": "invalid_token", "error_description": "Invalid token"})
    );
}

#[tokio::test]
async fn revocation_errors() {
    let sim = start_demo().await;
    let tokens = login(&sim, BACKUP, "alice", "openid").await;
    let backup = [
        ("client_id", "backup-service"),
        ("client_secret", "backup-service-secret"),
    ];
    let cases: Vec<FormCase> = vec![
        (
            backup.to_vec(),
            400,
            oauth_error("invalid_request", "Token not provided"),
        ),
        (
            [backup.to_vec(), vec![("token", "garbage")]].concat(),
            200,
            json!({"error": "invalid_token", "error_description": "Invalid token"}),
        ),
        (
            [
                backup.to_vec(),
                vec![("token", str_of(&tokens, "id_token"))],
            ]
            .concat(),
            400,
            oauth_error("unsupported_token_type", "Unsupported token type"),
        ),
        (
            vec![
                ("client_id", "no-offline-app"),
                ("client_secret", "no-offline-app-secret"),
                ("token", str_of(&tokens, "refresh_token")),
            ],
            400,
            oauth_error("invalid_request", "Unmatching clients"),
        ),
        (
            [backup.to_vec(), vec![("token", "a"), ("token", "b")]].concat(),
            400,
            oauth_error("invalid_request", "duplicated parameter"),
        ),
    ];
    for (form, status, body) in cases {
        let (got_status, got_body) = post_form(endpoint(&sim, "revoke"), &form).await;
        assert_eq!(got_status, status, "{form:?}");
        assert_eq!(
            serde_json::from_str::<Value>(&got_body).unwrap(),
            body,
            "{form:?}"
        );
    }
}

#[tokio::test]
async fn revoked_access_token_is_refused_by_userinfo() {
    let sim = start_demo().await;
    let tokens = login(&sim, BACKUP, "alice", "openid").await;
    let access = str_of(&tokens, "access_token");
    let userinfo = |token: String| {
        let url = endpoint(&sim, "userinfo");
        async move { http().get(url).bearer_auth(token).send().await.unwrap() }
    };
    let before = userinfo(access.to_string()).await;
    assert_eq!(before.status(), 200);
    let body: Value = before.json().await.unwrap();
    assert_eq!(body["preferred_username"], "alice");
    assert_eq!(body["email"], "alice@example.com");
    let (status, _) = post_form(
        endpoint(&sim, "revoke"),
        &[("token", access), backup_pair().0, backup_pair().1],
    )
    .await;
    assert_eq!(status, 200);
    let after = userinfo(access.to_string()).await;
    assert_json_answer(
        after,
        401,
        oauth_error("invalid_token", "Token verification failed"),
    )
    .await;
}

fn backup_pair() -> ((&'static str, &'static str), (&'static str, &'static str)) {
    (
        ("client_id", "backup-service"),
        ("client_secret", "backup-service-secret"),
    )
}

#[tokio::test]
async fn rp_initiated_logout_ends_sso_but_not_offline_access() {
    let sim = start_demo().await;
    let mut browser = Browser::new();
    let tokens = console_browser_tokens(&mut browser, &sim, "alice", "openid offline_access").await;
    assert!(browser.has_cookie("KEYCLOAK_IDENTITY"));
    let url = format!(
        "{}?id_token_hint={}&post_logout_redirect_uri={}&state=bye",
        endpoint(&sim, "logout"),
        str_of(&tokens, "id_token"),
        encode("http://127.0.0.1:3000/signed-out")
    );
    let response = browser.get(&url).await;
    assert_eq!(response.status(), 302);
    assert_eq!(
        location(&response),
        "http://127.0.0.1:3000/signed-out?state=bye"
    );
    assert!(!browser.has_cookie("KEYCLOAK_IDENTITY"));
    // The next authorization shows the login form again.
    let page = browser.get(&console_auth_url(&sim, &[])).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("id=\"kc-form-login\""));
    assert_eq!(
        refresh(&sim, CONSOLE, str_of(&tokens, "refresh_token"))
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn rp_initiated_logout_refuses_unregistered_redirects() {
    let sim = start_demo().await;
    let mut browser = Browser::new();
    let tokens = console_browser_tokens(&mut browser, &sim, "alice", "openid").await;
    let url = format!(
        "{}?id_token_hint={}&post_logout_redirect_uri={}",
        endpoint(&sim, "logout"),
        str_of(&tokens, "id_token"),
        encode("http://evil.example/")
    );
    let response = browser.get(&url).await;
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Invalid redirect uri"));
    let missing_hint = browser
        .get(&format!(
            "{}?post_logout_redirect_uri={}",
            endpoint(&sim, "logout"),
            encode("http://127.0.0.1:3000/x")
        ))
        .await;
    assert_eq!(missing_hint.status(), 400);
    assert!(missing_hint
        .text()
        .await
        .unwrap()
        .contains("Missing parameters: id_token_hint"));
}

#[tokio::test]
async fn logout_without_id_token_hint_asks_for_confirmation() {
    let sim = start_demo().await;
    let mut browser = Browser::new();
    console_browser_tokens(&mut browser, &sim, "alice", "openid").await;
    let page = browser.get(&endpoint(&sim, "logout")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("name=\"confirmLogout\" id=\"kc-logout\""),
        "{html}"
    );
    assert!(
        browser.has_cookie("KEYCLOAK_IDENTITY"),
        "nothing ended before confirming"
    );
    let confirmed = browser
        .post(
            &form_action(&html),
            &[("confirm", "true"), ("confirmLogout", "Logout")],
        )
        .await;
    assert_eq!(confirmed.status(), 200);
    assert!(confirmed
        .text()
        .await
        .unwrap()
        .contains("You are logged out"));
    assert!(!browser.has_cookie("KEYCLOAK_IDENTITY"));
    let page = browser.get(&console_auth_url(&sim, &[])).await;
    assert_eq!(page.status(), 200, "the SSO session ended");
}
