//! Helpers shared by the integration tests: a simulator on port 0 and an HTTP client.
#![allow(dead_code)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use keycloak_sim::{RealmSource, RunningSim, SimOptions};
use reqwest::StatusCode;
use serde_json::Value;

pub async fn start_demo() -> RunningSim {
    start_with(demo_sources()).await
}

pub fn demo_sources() -> Vec<RealmSource> {
    keycloak_sim::demo_realms()
        .into_iter()
        .map(RealmSource::File)
        .collect()
}

/// The demo realm file as JSON, for tests that adjust it before import.
pub fn demo_realm_json() -> Value {
    let path = &keycloak_sim::demo_realms()[1];
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub async fn start_with(imports: Vec<RealmSource>) -> RunningSim {
    keycloak_sim::start(SimOptions {
        port: 0,
        imports,
        data_dir: None,
        sim_api: true,
    })
    .await
    .expect("simulator starts")
}

/// An HTTP client that does not follow redirects (tests inspect them).
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub fn token_url(sim: &RunningSim, realm: &str) -> String {
    format!(
        "{}/realms/{realm}/protocol/openid-connect/token",
        sim.base_url()
    )
}

/// POSTs a form to the token endpoint; returns status and JSON body.
pub async fn token_request(
    sim: &RunningSim,
    realm: &str,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    let response = http()
        .post(token_url(sim, realm))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// Password grant with a confidential client's secret in the form.
pub async fn password_grant(
    sim: &RunningSim,
    realm: &str,
    client: (&str, Option<&str>),
    user: &str,
    scope: &str,
) -> (StatusCode, Value) {
    let mut form = vec![
        ("grant_type", "password"),
        ("client_id", client.0),
        ("username", user),
        ("password", user),
        ("scope", scope),
    ];
    if let Some(secret) = client.1 {
        form.push(("client_secret", secret));
    }
    token_request(sim, realm, &form).await
}

pub const BACKUP: (&str, Option<&str>) = ("backup-service", Some("backup-service-secret"));

/// A successful password grant's body (panics with the error otherwise).
pub async fn login(
    sim: &RunningSim,
    client: (&str, Option<&str>),
    user: &str,
    scope: &str,
) -> Value {
    let (status, body) = password_grant(sim, "demo", client, user, scope).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

pub async fn refresh(
    sim: &RunningSim,
    client: (&str, Option<&str>),
    token: &str,
) -> (StatusCode, Value) {
    let mut form = vec![
        ("grant_type", "refresh_token"),
        ("client_id", client.0),
        ("refresh_token", token),
    ];
    if let Some(secret) = client.1 {
        form.push(("client_secret", secret));
    }
    token_request(sim, "demo", &form).await
}

pub fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&B64.decode(payload).unwrap()).unwrap()
}

pub fn str_of<'a>(body: &'a Value, field: &str) -> &'a str {
    body[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} missing in {body}"))
}

pub async fn advance_clock(sim: &RunningSim, seconds: i64) {
    let response = http()
        .post(format!("{}/_sim/clock/advance", sim.base_url()))
        .json(&serde_json::json!({ "seconds": seconds }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

pub fn oauth_error(error: &str, description: &str) -> Value {
    serde_json::json!({ "error": error, "error_description": description })
}
