//! Helpers shared by the integration tests: a simulator on port 0 and an HTTP client.

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
        .map(RealmSource::Json)
        .collect()
}

/// The demo realm file as JSON, for tests that adjust it before import.
pub fn demo_realm_json() -> Value {
    keycloak_sim::demo_realms().swap_remove(1)
}

/// The bundled demo realms written out as files (`master.json`, `demo.json`),
/// for tests of importing a file. Written from the library's embedded copy,
/// not read from the checkout: test binaries live in a shared target directory
/// and may outlive the checkout they were built in. The directory is named by
/// the content, so concurrent test processes share it and never leave more.
pub fn demo_realm_files() -> [std::path::PathBuf; 2] {
    use std::hash::{Hash, Hasher};
    let realms = keycloak_sim::demo_realms();
    let texts: Vec<String> = realms.iter().map(Value::to_string).collect();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    texts.hash(&mut hasher);
    let dir =
        std::env::temp_dir().join(format!("keycloak-sim-demo-realms-{:016x}", hasher.finish()));
    std::fs::create_dir_all(&dir).unwrap();
    let files = [dir.join("master.json"), dir.join("demo.json")];
    for (file, text) in files.iter().zip(texts) {
        if !file.exists() {
            // Rename is atomic: a concurrent reader sees no file or a whole one.
            let partial = dir.join(format!("{}.{}", std::process::id(), text.len()));
            std::fs::write(&partial, text).unwrap();
            std::fs::rename(&partial, file).unwrap();
        }
    }
    files
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

/// The JSON answer to `GET path` (from the simulator's root).
pub async fn get_json(sim: &RunningSim, path: &str) -> Value {
    http()
        .get(format!("{}{path}", sim.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Asserts an answer's status and its JSON body.
pub async fn assert_json_answer(response: reqwest::Response, status: u16, body: Value) {
    assert_eq!(response.status(), status);
    assert_eq!(response.json::<Value>().await.unwrap(), body);
}

pub fn oauth_error(error: &str, description: &str) -> Value {
    serde_json::json!({ "error": error, "error_description": description })
}

/// A minimal browser: keeps cookies, never follows redirects.
pub struct Browser {
    http: reqwest::Client,
    cookies: Vec<(String, String)>,
}

impl Browser {
    pub fn new() -> Browser {
        Browser {
            http: http(),
            cookies: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn remember(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all("set-cookie") {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(k, _)| k != name);
            if !value.is_empty() && !text.contains("Max-Age=0") {
                self.cookies.push((name.to_string(), value.to_string()));
            }
        }
    }

    pub fn has_cookie(&self, name: &str) -> bool {
        self.cookies.iter().any(|(k, _)| k == name)
    }

    pub async fn get(&mut self, url: &str) -> reqwest::Response {
        let response = self
            .http
            .get(url)
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.remember(&response);
        response
    }

    pub async fn post(&mut self, url: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let response = self
            .http
            .post(url)
            .header("cookie", self.cookie_header())
            .form(form)
            .send()
            .await
            .unwrap();
        self.remember(&response);
        response
    }
}

/// The `action` of the page's (first) form, HTML-unescaped.
pub fn form_action(html: &str) -> String {
    let start = html.find("action=\"").expect("form action") + 8;
    let end = start + html[start..].find('"').unwrap();
    html[start..end].replace("&amp;", "&")
}

pub fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_string()
}

/// A URL made absolute against the simulator (consent forms post to a relative action).
pub fn absolute(sim: &RunningSim, url: &str) -> String {
    if url.starts_with('/') {
        format!("{}{url}", sim.base_url())
    } else {
        url.to_string()
    }
}

/// The value of the hidden `code` input of a consent page.
pub fn consent_code(html: &str) -> String {
    let marker = "name=\"code\" value=\"";
    let start = html.find(marker).expect("a code input") + marker.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_string()
}

/// After the login form of a consent-required client: Keycloak redirects to the OAUTH_GRANT
/// step; returns that consent page.
pub async fn consent_page(
    browser: &mut Browser,
    sim: &RunningSim,
    signed_in: reqwest::Response,
) -> String {
    assert_eq!(
        signed_in.status(),
        StatusCode::FOUND,
        "redirect to the consent step"
    );
    let step = location(&signed_in);
    assert!(
        step.contains("/login-actions/required-action?execution=OAUTH_GRANT&"),
        "{step}"
    );
    let page = browser.get(&absolute(sim, &step)).await;
    assert_eq!(page.status(), StatusCode::OK);
    page.text().await.unwrap()
}

/// Posts the consent page's form with its code and `answer` (`accept` or `cancel`).
pub async fn answer_consent(
    browser: &mut Browser,
    sim: &RunningSim,
    html: &str,
    answer: (&str, &str),
) -> reqwest::Response {
    let code = consent_code(html);
    browser
        .post(
            &absolute(sim, &form_action(html)),
            &[("code", code.as_str()), answer],
        )
        .await
}

/// A query (or fragment) parameter of a URL.
pub fn url_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once(['?', '#'])?.1;
    form_urlencoded_pairs(query)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn form_urlencoded_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.replace('+', " ").into_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

pub fn auth_url(sim: &RunningSim, realm: &str, params: &[(&str, &str)]) -> String {
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    format!(
        "{}/realms/{realm}/protocol/openid-connect/auth?{}",
        sim.base_url(),
        query.join("&")
    )
}

pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Drives the login form (and the consent screen when shown); returns the final redirect.
pub async fn browser_login(
    browser: &mut Browser,
    sim: &RunningSim,
    params: &[(&str, &str)],
    user: &str,
) -> String {
    let page = browser.get(&auth_url(sim, "demo", params)).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    let mut response = browser
        .post(
            &form_action(&html),
            &[("username", user), ("password", user), ("credentialId", "")],
        )
        .await;
    if location(&response).contains("/login-actions/required-action?") {
        let html = consent_page(browser, sim, response).await;
        response = answer_consent(browser, sim, &html, ("accept", "Yes")).await;
    }
    assert_eq!(response.status(), StatusCode::FOUND);
    location(&response)
}

/// Exchanges a code at the token endpoint.
pub async fn exchange_code(
    sim: &RunningSim,
    client: (&str, Option<&str>),
    code: &str,
    redirect_uri: &str,
    verifier: Option<&str>,
) -> (StatusCode, Value) {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("client_id", client.0),
        ("code", code),
        ("redirect_uri", redirect_uri),
    ];
    if let Some(secret) = client.1 {
        form.push(("client_secret", secret));
    }
    if let Some(verifier) = verifier {
        form.push(("code_verifier", verifier));
    }
    token_request(sim, "demo", &form).await
}

pub const CONSOLE: (&str, Option<&str>) = ("offline-console", Some("offline-console-secret"));
pub const CONSOLE_REDIRECT: &str = "http://127.0.0.1:3000/callback";
pub const PHOTO: (&str, Option<&str>) = ("photo-print", Some("photo-print-secret"));
pub const PHOTO_REDIRECT: &str = "http://127.0.0.1:4000/cb";
pub const NO_OFFLINE: (&str, Option<&str>) = ("no-offline-app", Some("no-offline-app-secret"));

/// S256 PKCE pair (verifier, challenge) used by the browser tests.
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// The console's authorization request parameters (code flow, S256 PKCE) plus `extra`.
pub fn console_auth_params<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut params = vec![
        ("client_id", "offline-console"),
        ("redirect_uri", CONSOLE_REDIRECT),
        ("response_type", "code"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    params.extend_from_slice(extra);
    params
}

/// The console's authorization URL in the demo realm, with `extra` parameters.
pub fn console_auth_url(sim: &RunningSim, extra: &[(&str, &str)]) -> String {
    auth_url(sim, "demo", &console_auth_params(extra))
}

/// Exchanges a code from `console_auth_params` as the console does (with its PKCE verifier).
pub async fn exchange_console_code(sim: &RunningSim, code: &str) -> (StatusCode, Value) {
    exchange_code(sim, CONSOLE, code, CONSOLE_REDIRECT, Some(VERIFIER)).await
}

/// Browser login at the console (S256 PKCE) and code exchange; returns the token body.
pub async fn console_browser_tokens(
    browser: &mut Browser,
    sim: &RunningSim,
    user: &str,
    scope: &str,
) -> Value {
    let params = console_auth_params(&[("scope", scope), ("state", "st")]);
    let redirect = browser_login(browser, sim, &params, user).await;
    let code = url_param(&redirect, "code").expect("code in redirect");
    let (status, body) = exchange_console_code(sim, &code).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Direct access to the demo realm through the store API (what admin handlers use).
pub fn with_demo<R>(
    sim: &RunningSim,
    change: impl FnOnce(&mut keycloak_sim::store::Realm) -> R,
) -> R {
    let mut db = sim.state().write();
    change(db.realm_mut("demo").unwrap())
}

pub fn user_id(sim: &RunningSim, username: &str) -> keycloak_sim::id::Id {
    with_demo(sim, |realm| realm.user_by_username(username).unwrap().id)
}

pub fn client_uuid(sim: &RunningSim, client_id: &str) -> keycloak_sim::id::Id {
    with_demo(sim, |realm| {
        realm.client_by_client_id(client_id).unwrap().id
    })
}

/// The demo realm with changes, started alongside master.
pub async fn start_demo_with(change: impl FnOnce(&mut Value)) -> RunningSim {
    let mut demo = demo_realm_json();
    change(&mut demo);
    let [master, _] = demo_realm_files();
    start_with(vec![RealmSource::File(master), RealmSource::Json(demo)]).await
}

/// Mutable access to a client in a realm file.
pub fn client_json<'a>(realm: &'a mut Value, client_id: &str) -> &'a mut Value {
    realm["clients"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|c| c["clientId"] == client_id)
        .unwrap()
}

pub fn sid_of(token_body: &Value) -> keycloak_sim::id::Id {
    keycloak_sim::id::Id::parse(
        claims(str_of(token_body, "refresh_token"))["sid"]
            .as_str()
            .unwrap(),
    )
    .unwrap()
}

/// Request headers carrying a token body's access token, as a client would send them.
pub fn bearer(sim: &RunningSim, tokens: &Value) -> axum::http::HeaderMap {
    let mut headers = axum::http::HeaderMap::new();
    let token = format!("Bearer {}", str_of(tokens, "access_token"));
    headers.insert("authorization", token.parse().unwrap());
    headers.insert(
        "host",
        sim.base_url()
            .trim_start_matches("http://")
            .parse()
            .unwrap(),
    );
    headers
}

/// A table row: form parameters, expected status, expected JSON body.
pub type FormCase<'a> = (Vec<(&'a str, &'a str)>, u16, Value);
