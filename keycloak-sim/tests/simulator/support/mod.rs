//! The simulator's test helpers: `oidc` starts a simulator and drives its OIDC endpoints;
//! this module adds tokens for the demo users and JSON requests to the admin API.

pub mod oidc;

use keycloak_sim::RunningSim;
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub async fn start() -> RunningSim {
    oidc::start_demo().await
}

pub fn client() -> reqwest::Client {
    reqwest::Client::new()
}

/// Token response of a password grant; panics unless it succeeds.
pub async fn password_grant(sim: &RunningSim, realm: &str, form: &[(&str, &str)]) -> Value {
    let response = client()
        .post(format!(
            "{}/realms/{realm}/protocol/openid-connect/token",
            sim.base_url()
        ))
        .form(&[&[("grant_type", "password")], form].concat())
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "password grant failed: {body}");
    body
}

/// Access token of the master realm's `admin` (via `admin-cli`).
pub async fn master_admin(sim: &RunningSim) -> String {
    user_token(sim, "master", "admin", "admin").await
}

/// Access token of a user (via the realm's public `admin-cli` client).
pub async fn user_token(sim: &RunningSim, realm: &str, username: &str, password: &str) -> String {
    let body = password_grant(
        sim,
        realm,
        &[
            ("client_id", "admin-cli"),
            ("username", username),
            ("password", password),
        ],
    )
    .await;
    body["access_token"].as_str().unwrap().to_owned()
}

/// Access token of a demo-realm user whose password equals the username.
pub async fn demo_token(sim: &RunningSim, username: &str) -> String {
    user_token(sim, "demo", username, username).await
}

/// An offline login of `username` through `backup-service`; returns the token response.
pub async fn offline_login(sim: &RunningSim, username: &str) -> Value {
    password_grant(
        sim,
        "demo",
        &[
            ("client_id", "backup-service"),
            ("client_secret", "backup-service-secret"),
            ("username", username),
            ("password", username),
            ("scope", "offline_access"),
        ],
    )
    .await
}

/// Refresh grant through `backup-service`; returns status and body.
pub async fn refresh(sim: &RunningSim, refresh_token: &str) -> (StatusCode, Value) {
    refresh_as(
        sim,
        ("backup-service", "backup-service-secret"),
        refresh_token,
    )
    .await
}

/// Refresh grant through a confidential demo client (clientId, secret).
async fn refresh_as(
    sim: &RunningSim,
    (client_id, secret): (&str, &str),
    refresh_token: &str,
) -> (StatusCode, Value) {
    let response = client()
        .post(format!(
            "{}/realms/demo/protocol/openid-connect/token",
            sim.base_url()
        ))
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", client_id),
            ("client_secret", secret),
            ("refresh_token", refresh_token),
        ])
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// A request with an optional bearer token and JSON body; returns status and body
/// (`Value::Null` for an empty body).
pub async fn call(
    sim: &RunningSim,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let mut request = client()
        .request(method, format!("{}{path}", sim.base_url()))
        .header("Accept", "application/json");
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
    };
    (status, body)
}

pub async fn get(sim: &RunningSim, path: &str, token: Option<&str>) -> (StatusCode, Value) {
    call(sim, Method::GET, path, token, None).await
}

/// The internal id of a demo client, read through the admin API.
pub async fn client_uuid(sim: &RunningSim, token: &str, client_id: &str) -> String {
    first_id(sim, token, &format!("clients?clientId={client_id}")).await
}

/// The id of a demo user, read through the admin API.
pub async fn user_id(sim: &RunningSim, token: &str, username: &str) -> String {
    first_id(sim, token, &format!("users?username={username}&exact=true")).await
}

/// The `id` of the first entry the demo realm's admin API lists at `query`.
async fn first_id(sim: &RunningSim, token: &str, query: &str) -> String {
    let (status, body) = get(sim, &format!("/admin/realms/demo/{query}"), Some(token)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body[0]["id"].as_str().unwrap().to_owned()
}

pub use oidc::advance_clock;

/// The simulator's virtual clock (`/_sim/clock`'s `now`).
pub async fn clock_now(sim: &RunningSim) -> i64 {
    let (status, body) = get(sim, "/_sim/clock", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["now"].as_i64().unwrap()
}

/// `field` of each entry of a JSON list, e.g. the names in a list of roles.
pub fn each<'a>(list: &'a Value, field: &str) -> Vec<&'a str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|entry| entry[field].as_str().unwrap())
        .collect()
}

/// `GET path` refuses alice (an end user, 403) and a request without a token
/// (401), with Keycloak's bodies.
pub async fn assert_admins_only(sim: &RunningSim, path: &str) {
    let alice = demo_token(sim, "alice").await;
    assert_eq!(
        get(sim, path, Some(&alice)).await,
        (StatusCode::FORBIDDEN, forbidden()),
        "{path}"
    );
    assert_eq!(
        get(sim, path, None).await,
        (StatusCode::UNAUTHORIZED, unauthorized()),
        "{path}"
    );
}

pub fn unauthorized() -> Value {
    serde_json::json!({ "error": "HTTP 401 Unauthorized" })
}

pub fn forbidden() -> Value {
    serde_json::json!({ "error": "HTTP 403 Forbidden" })
}

const PHOTO_PRINT_REDIRECT: &str = "http://127.0.0.1:4000/callback";

/// The `action` of the page's form, made absolute.
fn form_action(sim: &RunningSim, html: &str) -> String {
    let start = html.find("action=\"").expect("page has a form") + "action=\"".len();
    let end = start + html[start..].find('"').unwrap();
    let action = html[start..end].replace("&amp;", "&");
    if action.starts_with("http") {
        action
    } else {
        format!("{}{action}", sim.base_url())
    }
}

/// The `code` parameter of a redirect response.
fn code_of(response: &reqwest::Response) -> String {
    assert_eq!(
        response.status(),
        StatusCode::FOUND,
        "expected the redirect with the code"
    );
    let location = response.headers()["location"].to_str().unwrap();
    let url = reqwest::Url::parse(location).unwrap();
    let code = url
        .query_pairs()
        .find(|(k, _)| k == "code")
        .expect("code in redirect");
    code.1.into_owned()
}

/// Logs `username` into the consent-required `photo-print` client through the browser forms,
/// accepting the consent screen, with `scope=openid offline_access`; returns the token response.
pub async fn consent_login(sim: &RunningSim, username: &str) -> Value {
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let authorize = format!(
        "{}/realms/demo/protocol/openid-connect/auth?client_id=photo-print&response_type=code&scope=openid%20offline_access&redirect_uri={PHOTO_PRINT_REDIRECT}&state=s1",
        sim.base_url()
    );
    let login_page = browser
        .get(authorize)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Signed in, Keycloak redirects to the consent step (the OAUTH_GRANT required action).
    let signed_in = browser
        .post(form_action(sim, &login_page))
        .form(&[("username", username), ("password", username)])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::FOUND);
    let step = signed_in.headers()["location"].to_str().unwrap().to_owned();
    let consent_page = browser
        .get(step)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "name=\"code\" value=\"";
    let code_at = consent_page.find(marker).expect("a code input") + marker.len();
    let code = &consent_page[code_at..code_at + consent_page[code_at..].find('"').unwrap()];
    let redirect = browser
        .post(form_action(sim, &consent_page))
        .form(&[("code", code), ("accept", "Yes")])
        .send()
        .await
        .unwrap();
    let code = code_of(&redirect);
    let response = browser
        .post(format!(
            "{}/realms/demo/protocol/openid-connect/token",
            sim.base_url()
        ))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", PHOTO_PRINT_REDIRECT),
            ("client_id", "photo-print"),
            ("client_secret", "photo-print-secret"),
        ])
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "code exchange failed: {body}");
    body
}

/// Refresh grant through `photo-print`; returns status and body.
pub async fn refresh_photo_print(sim: &RunningSim, refresh_token: &str) -> (StatusCode, Value) {
    refresh_as(sim, ("photo-print", "photo-print-secret"), refresh_token).await
}
