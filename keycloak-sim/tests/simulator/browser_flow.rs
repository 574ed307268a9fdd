//! The browser login and consent forms driven over HTTP, codes, PKCE and redirect URIs.

use crate::support::oidc::*;
use serde_json::Value;

#[tokio::test]
async fn login_form_uses_keycloak_field_names_and_reports_bad_passwords() {
    let sim = start_demo().await;
    let mut browser = Browser::new();
    let page = browser
        .get(&console_auth_url(
            &sim,
            &[("state", "s1"), ("nonce", "n1"), ("scope", "openid")],
        ))
        .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for marker in [
        "id=\"kc-form-login\"",
        "name=\"username\"",
        "name=\"password\"",
        "name=\"login\" id=\"kc-login\"",
    ] {
        assert!(html.contains(marker), "{marker} missing in {html}");
    }
    let action = form_action(&html);
    let wrong = browser
        .post(&action, &[("username", "alice"), ("password", "nope")])
        .await;
    assert_eq!(wrong.status(), 200);
    let html = wrong.text().await.unwrap();
    assert!(html.contains("Invalid username or password."));
    let ok = browser
        .post(
            &form_action(&html),
            &[("username", "alice"), ("password", "alice")],
        )
        .await;
    assert_eq!(ok.status(), 302);
    let redirect = location(&ok);
    assert!(
        redirect.starts_with(&format!("{CONSOLE_REDIRECT}?")),
        "{redirect}"
    );
    assert_eq!(url_param(&redirect, "state").as_deref(), Some("s1"));
    assert_eq!(
        url_param(&redirect, "iss"),
        Some(format!("{}/realms/demo", sim.base_url()))
    );
    assert!(browser.has_cookie("KEYCLOAK_IDENTITY"));
    let code = url_param(&redirect, "code").unwrap();
    let (status, tokens) = exchange_console_code(&sim, &code).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(
        url_param(&redirect, "session_state"),
        tokens["session_state"].as_str().map(String::from)
    );
    let id_token = claims(str_of(&tokens, "id_token"));
    assert_eq!(id_token["nonce"], "n1");
    assert_eq!(id_token["aud"], "offline-console");
    let access = claims(str_of(&tokens, "access_token"));
    assert!(access.get("nonce").is_none());
    assert_eq!(access["auth_time"], id_token["auth_time"]);
    assert_eq!(access["aud"], "account");
}

#[tokio::test]
async fn sso_cookie_skips_the_form_on_the_second_authorization() {
    let sim = start_demo().await;
    let mut browser = Browser::new();
    console_browser_tokens(&mut browser, &sim, "alice", "openid").await;
    let again = browser
        .get(&console_auth_url(&sim, &[("state", "s2")]))
        .await;
    assert_eq!(again.status(), 302);
    let redirect = location(&again);
    assert_eq!(url_param(&redirect, "state").as_deref(), Some("s2"));
    let code = url_param(&redirect, "code").unwrap();
    assert_eq!(exchange_console_code(&sim, &code).await.0, 200);
    // prompt=login shows the form despite the cookie.
    let forced = browser
        .get(&console_auth_url(&sim, &[("prompt", "login")]))
        .await;
    assert_eq!(forced.status(), 200);
}

#[tokio::test]
async fn consent_screen_lists_scopes_and_is_remembered() {
    let sim = start_demo().await;
    let mut browser = Browser::new();
    let params = [
        ("client_id", "photo-print"),
        ("redirect_uri", PHOTO_REDIRECT),
        ("response_type", "code"),
        ("scope", "openid offline_access"),
        ("state", "p"),
    ];
    let page = browser.get(&auth_url(&sim, "demo", &params)).await;
    let html = page.text().await.unwrap();
    let signed_in = browser
        .post(
            &form_action(&html),
            &[("username", "bob"), ("password", "bob")],
        )
        .await;
    let html = consent_page(&mut browser, &sim, signed_in).await;
    for marker in [
        "name=\"accept\" id=\"kc-login\"",
        "name=\"cancel\" id=\"kc-cancel\"",
        "Offline Access",
        "User profile",
        "Email address",
    ] {
        assert!(html.contains(marker), "{marker} missing in {html}");
    }
    let accepted = answer_consent(&mut browser, &sim, &html, ("accept", "Yes")).await;
    assert_eq!(accepted.status(), 302);
    let code = url_param(&location(&accepted), "code").unwrap();
    let (status, tokens) = exchange_code(&sim, PHOTO, &code, PHOTO_REDIRECT, None).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(claims(str_of(&tokens, "refresh_token"))["typ"], "Offline");
    let (bob, photo) = (user_id(&sim, "bob"), client_uuid(&sim, "photo-print"));
    let granted: Vec<String> = with_demo(&sim, |realm| {
        let consent = realm.consent(bob, photo).expect("consent stored");
        let mut names: Vec<String> = consent
            .granted_scopes
            .iter()
            .map(|id| realm.scope(*id).unwrap().name.clone())
            .collect();
        names.sort();
        names
    });
    assert_eq!(granted, ["email", "offline_access", "profile", "roles"]);
    // The offline exchange ended the SSO session; signing in again skips the consent screen.
    let again = browser.get(&auth_url(&sim, "demo", &params)).await;
    assert_eq!(again.status(), 200, "the login form");
    let html = again.text().await.unwrap();
    let signed_in = browser
        .post(
            &form_action(&html),
            &[("username", "bob"), ("password", "bob")],
        )
        .await;
    assert_eq!(signed_in.status(), 302);
    assert!(url_param(&location(&signed_in), "code").is_some());
}

#[tokio::test]
async fn cancelled_consent_redirects_with_access_denied() {
    let sim = start_demo().await;
    let mut browser = Browser::new();
    let page = browser
        .get(&auth_url(
            &sim,
            "demo",
            &[
                ("client_id", "photo-print"),
                ("redirect_uri", PHOTO_REDIRECT),
                ("response_type", "code"),
                ("state", "c"),
            ],
        ))
        .await;
    let html = page.text().await.unwrap();
    let signed_in = browser
        .post(
            &form_action(&html),
            &[("username", "bob"), ("password", "bob")],
        )
        .await;
    let html = consent_page(&mut browser, &sim, signed_in).await;
    let cancelled = answer_consent(&mut browser, &sim, &html, ("cancel", "No")).await;
    assert_eq!(cancelled.status(), 302);
    let redirect = location(&cancelled);
    assert!(redirect.starts_with(PHOTO_REDIRECT));
    assert_eq!(
        url_param(&redirect, "error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(url_param(&redirect, "state").as_deref(), Some("c"));
    assert!(url_param(&redirect, "code").is_none());
}

async fn fresh_code(
    browser: &mut Browser,
    sim: &keycloak_sim::RunningSim,
    params: &[(&str, &str)],
) -> String {
    let redirect = browser_login(browser, sim, params, "carol").await;
    url_param(&redirect, "code").unwrap()
}

#[tokio::test]
async fn replayed_code_is_refused_and_ends_its_session() {
    let sim = start_demo().await;
    let mut browser = Browser::new();
    let code = fresh_code(&mut browser, &sim, &console_auth_params(&[])).await;
    let (status, tokens) = exchange_console_code(&sim, &code).await;
    assert_eq!(status, 200);
    let (status, body) = exchange_console_code(&sim, &code).await;
    assert_eq!(
        (status.as_u16(), body),
        (400, oauth_error("invalid_grant", "Code not valid"))
    );
    let (status, body) = refresh(&sim, CONSOLE, str_of(&tokens, "refresh_token")).await;
    assert_eq!(
        (status.as_u16(), body),
        (400, oauth_error("invalid_grant", "Session not active"))
    );
}

#[tokio::test]
async fn expired_code_is_refused() {
    let sim = start_demo().await;
    let mut browser = Browser::new();
    let code = fresh_code(&mut browser, &sim, &console_auth_params(&[])).await;
    advance_clock(&sim, 61).await;
    let (status, body) = exchange_console_code(&sim, &code).await;
    assert_eq!(
        (status.as_u16(), body),
        (400, oauth_error("invalid_grant", "Code not valid"))
    );
}

#[tokio::test]
async fn pkce_failures_have_keycloaks_four_answers() {
    let sim = start_demo().await;
    let mut browser = Browser::new();
    let cases: [(Option<&str>, &str); 3] = [
        (None, "PKCE code verifier not specified"),
        (
            Some("short"),
            "PKCE verification failed: Invalid code verifier",
        ),
        (
            Some("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            "PKCE verification failed: Code mismatch",
        ),
    ];
    for (verifier, description) in cases {
        let code = fresh_code(&mut Browser::new(), &sim, &console_auth_params(&[])).await;
        let (status, body) = exchange_code(&sim, CONSOLE, &code, CONSOLE_REDIRECT, verifier).await;
        assert_eq!(
            (status.as_u16(), body),
            (400, oauth_error("invalid_grant", description))
        );
        // A failed exchange spends the code.
        let (_, body) = exchange_console_code(&sim, &code).await;
        assert_eq!(body, oauth_error("invalid_grant", "Code not valid"));
    }
    let plain_code = fresh_code(
        &mut browser,
        &sim,
        &[
            ("client_id", "no-offline-app"),
            ("redirect_uri", "http://127.0.0.1:4002/cb"),
            ("response_type", "code"),
        ],
    )
    .await;
    let (status, body) = exchange_code(
        &sim,
        NO_OFFLINE,
        &plain_code,
        "http://127.0.0.1:4002/cb",
        Some(VERIFIER),
    )
    .await;
    assert_eq!(
        (status.as_u16(), body),
        (
            400,
            oauth_error(
                "invalid_grant",
                "PKCE code verifier specified but challenge not present in authorization"
            )
        )
    );
}

#[tokio::test]
async fn plain_pkce_and_wildcard_redirects_work() {
    let sim = start_demo_with(|realm| {
        client_json(realm, "offline-console")["attributes"]["pkce.code.challenge.method"] =
            "plain".into();
    })
    .await;
    let redirect_uri = "http://localhost:3000/deep/path?x=1";
    let code = fresh_code(
        &mut Browser::new(),
        &sim,
        &[
            ("client_id", "offline-console"),
            ("redirect_uri", redirect_uri),
            ("response_type", "code"),
            ("code_challenge", VERIFIER),
            ("code_challenge_method", "plain"),
        ],
    )
    .await;
    let (status, body) = exchange_code(&sim, CONSOLE, &code, redirect_uri, Some(VERIFIER)).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn code_exchange_checks_redirect_uri_then_client() {
    let sim = start_demo().await;
    let code = fresh_code(&mut Browser::new(), &sim, &console_auth_params(&[])).await;
    let (status, body) = exchange_code(
        &sim,
        CONSOLE,
        &code,
        "http://127.0.0.1:3000/other",
        Some(VERIFIER),
    )
    .await;
    assert_eq!(
        (status.as_u16(), body),
        (400, oauth_error("invalid_grant", "Incorrect redirect_uri"))
    );
    let code = fresh_code(&mut Browser::new(), &sim, &console_auth_params(&[])).await;
    let (status, body) =
        exchange_code(&sim, NO_OFFLINE, &code, CONSOLE_REDIRECT, Some(VERIFIER)).await;
    assert_eq!(
        (status.as_u16(), body),
        (
            400,
            oauth_error(
                "invalid_grant",
                "Auth error: Found different client_id in clientSession"
            )
        )
    );
}

#[tokio::test]
async fn unregistered_redirect_uri_gets_an_error_page_and_no_redirect() {
    let sim = start_demo().await;
    let response = http()
        .get(auth_url(
            &sim,
            "demo",
            &[
                ("client_id", "offline-console"),
                ("redirect_uri", "http://evil.example/cb"),
                ("response_type", "code"),
            ],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Invalid parameter: redirect_uri"));
    let unknown = http()
        .get(auth_url(
            &sim,
            "demo",
            &[("client_id", "nobody"), ("response_type", "code")],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 400);
    assert!(unknown.text().await.unwrap().contains("Client not found."));
}

#[tokio::test]
async fn authorization_errors_go_back_to_the_client() {
    let sim = start_demo().await;
    let cases = [
        (
            vec![
                ("client_id", "mobile-app"),
                ("redirect_uri", "http://127.0.0.1:4001/cb"),
                ("response_type", "code"),
            ],
            "invalid_request",
            "Missing parameter: code_challenge",
        ),
        (
            vec![
                ("client_id", "offline-console"),
                ("redirect_uri", CONSOLE_REDIRECT),
                ("response_type", "code"),
                ("scope", "openid bogus"),
            ],
            "invalid_scope",
            "Invalid scopes: openid bogus",
        ),
        (
            vec![
                ("client_id", "offline-console"),
                ("redirect_uri", CONSOLE_REDIRECT),
            ],
            "invalid_request",
            "Missing parameter: response_type",
        ),
    ];
    for (params, error, description) in cases {
        let response = http()
            .get(auth_url(&sim, "demo", &params))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 302, "{params:?}");
        let redirect = location(&response);
        assert_eq!(
            url_param(&redirect, "error").as_deref(),
            Some(error),
            "{redirect}"
        );
        assert_eq!(
            url_param(&redirect, "error_description").as_deref(),
            Some(description)
        );
    }
}

#[tokio::test]
async fn userinfo_returns_profile_claims() {
    let sim = start_demo().await;
    let tokens = console_browser_tokens(&mut Browser::new(), &sim, "alice", "openid").await;
    let response = http()
        .get(format!(
            "{}/realms/demo/protocol/openid-connect/userinfo",
            sim.base_url()
        ))
        .bearer_auth(str_of(&tokens, "access_token"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "sub": user_id(&sim, "alice").to_string(),
            "email_verified": true,
            "name": "Alice Anderson",
            "preferred_username": "alice",
            "given_name": "Alice",
            "family_name": "Anderson",
            "email": "alice@example.com",
        })
    );
}

#[tokio::test]
async fn prompt_none_without_sso_returns_login_required() {
    let sim = start_demo().await;
    let response = http()
        .get(console_auth_url(
            &sim,
            &[("prompt", "none"), ("state", "q")],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    let redirect = location(&response);
    assert_eq!(
        url_param(&redirect, "error").as_deref(),
        Some("login_required")
    );
    assert_eq!(url_param(&redirect, "state").as_deref(), Some("q"));
}

#[tokio::test]
async fn userinfo_without_a_token_is_challenged() {
    let sim = start_demo().await;
    let response = http()
        .get(format!(
            "{}/realms/demo/protocol/openid-connect/userinfo",
            sim.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer realm=\"demo\""
    );
    assert!(response.text().await.unwrap().is_empty());
}

#[tokio::test]
async fn forged_or_stale_form_posts_get_an_error_page() {
    let sim = start_demo().await;
    let mut browser = Browser::new();
    let page = browser.get(&console_auth_url(&sim, &[])).await;
    let login_action = form_action(&page.text().await.unwrap());
    // The login form's id posted to the consent action: nobody is authenticated yet.
    let consent_action =
        login_action.replace("/login-actions/authenticate", "/login-actions/consent");
    let forged = browser.post(&consent_action, &[("accept", "Yes")]).await;
    assert_eq!(forged.status(), 400);
    assert!(forged.headers().get("location").is_none());
    let expired = "Your login attempt timed out. Login will start from the beginning.";
    assert!(forged.text().await.unwrap().contains(expired));
    // The id was used up; posting the login form again is stale.
    let stale = browser
        .post(
            &login_action,
            &[("username", "alice"), ("password", "alice")],
        )
        .await;
    assert_eq!(stale.status(), 400);
    assert!(stale.text().await.unwrap().contains(expired));
}
