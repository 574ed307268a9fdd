//! The browser login: Keycloak's login and consent forms, the code flow with PKCE, and the
//! consent it records. Forms are found and filled the way a browser would: by their ids and
//! names, posting to whatever action the page gives.

use crate::server::{claims, scopes, TestRealm};
use base64::Engine;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sha2::Digest;

const PHOTO_PRINT_REDIRECT: &str = "http://127.0.0.1:4000/callback";

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The `action` of the form whose opening tag holds `marker` (e.g. `id="kc-form-login"`).
fn form_action(html: &str, marker: &str) -> String {
    let tag_at = html
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in the page:\n{html}"));
    let form_start = html[..tag_at].rfind("<form").expect("inside a form");
    let tag = &html[form_start..html[form_start..].find('>').unwrap() + form_start];
    let action_at = tag.find("action=\"").expect("the form has an action") + "action=\"".len();
    let action = &tag[action_at..];
    action[..action.find('"').unwrap()].replace("&amp;", "&")
}

/// An action or location made absolute against the server's base URL.
fn absolute(url: &str) -> String {
    if url.starts_with('/') {
        format!("{}{url}", crate::server::server().base_url)
    } else {
        url.to_owned()
    }
}

/// The hidden inputs of the form whose opening tag holds `marker`, as a browser submits them.
fn hidden_inputs(html: &str, marker: &str) -> Vec<(String, String)> {
    let tag_at = html.find(marker).unwrap();
    let form_start = html[..tag_at].rfind("<form").unwrap();
    let form = &html[form_start..form_start + html[form_start..].find("</form>").unwrap()];
    let attribute = |tag: &str, name: &str| {
        let at = tag.find(&format!("{name}=\""))? + name.len() + 2;
        Some(tag[at..at + tag[at..].find('"')?].replace("&amp;", "&"))
    };
    form.split("<input")
        .skip(1)
        .map(|rest| &rest[..rest.find('>').unwrap_or(rest.len())])
        .filter(|tag| attribute(tag, "type").as_deref() == Some("hidden"))
        .filter_map(|tag| {
            Some((
                attribute(tag, "name")?,
                attribute(tag, "value").unwrap_or_default(),
            ))
        })
        .collect()
}

fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

struct Login {
    browser: reqwest::Client,
    verifier: String,
}

impl Login {
    /// Opens the authorization endpoint for photo-print; returns the login page's HTML.
    async fn start(realm: &TestRealm, scope: &str) -> (Login, String) {
        Login::start_with(realm, scope, browser()).await
    }

    /// `start` in a browser that may already hold Keycloak's cookies.
    async fn start_with(
        realm: &TestRealm,
        scope: &str,
        browser: reqwest::Client,
    ) -> (Login, String) {
        let verifier: String =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(sha2::Sha256::digest(verifier.as_bytes()));
        let response = browser
            .get(realm.url("/protocol/openid-connect/auth"))
            .query(&[
                ("client_id", "photo-print"),
                ("redirect_uri", PHOTO_PRINT_REDIRECT),
                ("response_type", "code"),
                ("scope", scope),
                ("state", "state-1"),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let html = response.text().await.unwrap();
        (Login { browser, verifier }, html)
    }

    async fn post(&self, action: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.browser
            .post(absolute(action))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Signs in on the login page; Keycloak then redirects to the consent step, whose page
    /// this returns.
    async fn sign_in_to_consent(&self, realm: &TestRealm, login_page: &str, user: &str) -> String {
        let action = form_action(login_page, "id=\"kc-form-login\"");
        let response = self
            .post(
                &action,
                &[("username", user), ("password", user), ("credentialId", "")],
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::FOUND,
            "signed in: on to the consent step"
        );
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            location
                .starts_with(&realm.url("/login-actions/required-action?execution=OAUTH_GRANT&")),
            "{location}"
        );
        let response = self.browser.get(absolute(&location)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.text().await.unwrap()
    }

    /// Accepts on the consent page; returns the redirect to the client.
    async fn accept(&self, consent_page: &str) -> String {
        let action = form_action(consent_page, "id=\"kc-login\"");
        assert!(
            absolute(&action).contains("/login-actions/consent?"),
            "{action}"
        );
        let mut form = hidden_inputs(consent_page, "id=\"kc-login\"");
        form.push(("accept".into(), "Yes".into()));
        let response = self
            .browser
            .post(absolute(&action))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FOUND);
        response.headers()["location"].to_str().unwrap().to_owned()
    }

    async fn exchange(&self, realm: &TestRealm, code: &str) -> (StatusCode, Value) {
        realm
            .token(&[
                ("grant_type", "authorization_code"),
                ("client_id", "photo-print"),
                ("client_secret", "photo-print-secret"),
                ("code", code),
                ("redirect_uri", PHOTO_PRINT_REDIRECT),
                ("code_verifier", &self.verifier),
            ])
            .await
    }
}

#[tokio::test]
async fn the_login_form_has_keycloaks_ids_and_refuses_a_wrong_password() {
    let realm = TestRealm::create("browser", json!({})).await;
    let (login, html) = Login::start(&realm, "openid").await;
    for part in [
        "id=\"kc-form-login\"",
        "name=\"username\"",
        "name=\"password\"",
        "id=\"kc-login\"",
    ] {
        assert!(html.contains(part), "{part} missing from the login page");
    }
    let action = form_action(&html, "id=\"kc-form-login\"");
    assert!(
        action.starts_with(&realm.url("/login-actions/authenticate")),
        "{action}"
    );
    let response = login
        .post(
            &action,
            &[
                ("username", "alice"),
                ("password", "wrong"),
                ("credentialId", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("Invalid username or password."), "{html}");
    assert!(
        html.contains("id=\"kc-form-login\""),
        "the form is shown again"
    );
    realm.delete().await;
}

#[tokio::test]
async fn consent_then_code_with_pkce_gives_an_offline_token_and_records_the_consent() {
    let realm = TestRealm::create("browser", json!({})).await;
    let (login, html) = Login::start(&realm, "openid offline_access").await;
    let html = login.sign_in_to_consent(&realm, &html, "alice").await;
    assert!(
        html.contains("Offline Access"),
        "the consent page names offline access:\n{html}"
    );
    assert!(html.contains("id=\"kc-login\"") && html.contains("id=\"kc-cancel\""));
    let location = login.accept(&html).await;
    assert!(
        location.starts_with(&format!("{PHOTO_PRINT_REDIRECT}?")),
        "{location}"
    );
    assert_eq!(query_param(&location, "state").as_deref(), Some("state-1"));
    assert_eq!(query_param(&location, "iss"), Some(realm.issuer()));
    let code = query_param(&location, "code").expect("a code");

    let (status, tokens) = login.exchange(&realm, &code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(
        claims(tokens["refresh_token"].as_str().unwrap())["typ"],
        "Offline"
    );
    assert!(scopes(&tokens["scope"]).contains(&"offline_access"));
    // A code is good once.
    let (status, body) = login.exchange(&realm, &code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");

    let user = realm.user_id("alice").await;
    let (_, consents) = realm
        .admin(Method::GET, &format!("/users/{user}/consents"), None)
        .await;
    let consent = consents
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["clientId"] == "photo-print")
        .expect("a consent");
    let granted: Vec<&str> = consent["grantedClientScopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(granted.contains(&"offline_access"), "{consent}");
    assert!(
        consent["createdDate"].as_i64().unwrap() > 1_700_000_000_000,
        "{consent}"
    );
    assert_eq!(consent["additionalGrants"][0]["key"], "Offline Token");
    realm.delete().await;
}

#[tokio::test]
async fn a_wrong_code_verifier_is_refused() {
    let realm = TestRealm::create("browser", json!({})).await;
    let (mut login, html) = Login::start(&realm, "openid").await;
    let html = login.sign_in_to_consent(&realm, &html, "bob").await;
    let location = login.accept(&html).await;
    let code = query_param(&location, "code").expect("a code");
    login.verifier = "a-verifier-that-does-not-match-the-challenge-at-all".into();
    let (status, body) = login.exchange(&realm, &code).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": "PKCE verification failed: Code mismatch"})
        )
    );
    realm.delete().await;
}

/// Keycloak 26.7 with persistent sessions turns the browser's online session into the offline
/// one when a code is exchanged for an offline token: the SSO session is gone, so the same
/// browser is asked to sign in again.
#[tokio::test]
async fn an_offline_code_exchange_turns_the_online_session_into_the_offline_one() {
    let realm = TestRealm::create("browser", json!({})).await;
    let (login, html) = Login::start(&realm, "openid offline_access").await;
    let html = login.sign_in_to_consent(&realm, &html, "alice").await;
    let location = login.accept(&html).await;
    let code = query_param(&location, "code").expect("a code");
    let user = realm.user_id("alice").await;
    let (_, online) = realm
        .admin(Method::GET, &format!("/users/{user}/sessions"), None)
        .await;
    assert_eq!(online.as_array().unwrap().len(), 1, "signed in: {online}");
    let online_id = online[0]["id"].as_str().unwrap().to_owned();

    let (status, tokens) = login.exchange(&realm, &code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let (_, online) = realm
        .admin(Method::GET, &format!("/users/{user}/sessions"), None)
        .await;
    assert_eq!(online, json!([]), "no online session is left");
    let offline = realm.offline_sessions("photo-print").await;
    assert_eq!(offline.len(), 1, "{offline:?}");
    assert_eq!(offline[0]["id"], online_id, "the same session, now offline");
    assert_eq!(
        claims(tokens["refresh_token"].as_str().unwrap())["sid"],
        online_id
    );

    let (_, html) = Login::start_with(&realm, "openid", login.browser.clone()).await;
    assert!(
        html.contains("id=\"kc-form-login\""),
        "the browser has no SSO session any more"
    );
    realm.delete().await;
}

/// The conversion also ends the codes the SSO session issued to other clients and not yet
/// exchanged: a 26.7 offline session is born with one client.
#[tokio::test]
async fn a_code_from_the_sso_session_is_not_valid_once_another_turned_it_offline() {
    let realm = TestRealm::create("browser", json!({})).await;
    let (login, html) = Login::start(&realm, "openid offline_access").await;
    let html = login.sign_in_to_consent(&realm, &html, "alice").await;
    let photo_code = query_param(&login.accept(&html).await, "code").expect("a code");
    let (mobile_verifier, mobile_challenge) = (
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
    let response = login
        .browser
        .get(realm.url("/protocol/openid-connect/auth"))
        .query(&[
            ("client_id", "mobile-app"),
            ("redirect_uri", "http://127.0.0.1:4001/cb"),
            ("response_type", "code"),
            ("scope", "openid offline_access"),
            ("code_challenge", mobile_challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND, "signed in already");
    let mobile_code = query_param(response.headers()["location"].to_str().unwrap(), "code")
        .expect("a code for the second client");

    let (status, tokens) = login.exchange(&realm, &photo_code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let (status, body) = realm
        .token(&[
            ("grant_type", "authorization_code"),
            ("client_id", "mobile-app"),
            ("code", &mobile_code),
            ("redirect_uri", "http://127.0.0.1:4001/cb"),
            ("code_verifier", mobile_verifier),
        ])
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": "Code not valid"})
        )
    );
    let photo = realm.offline_sessions("photo-print").await;
    assert_eq!(photo.len(), 1, "{photo:?}");
    assert_eq!(
        photo[0]["clients"].as_object().unwrap().len(),
        1,
        "{photo:?}"
    );
    assert_eq!(
        realm.offline_sessions("mobile-app").await,
        Vec::<Value>::new()
    );
    realm.delete().await;
}
