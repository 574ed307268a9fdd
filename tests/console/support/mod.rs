//! `spawn_app()`: the real console on port 0 with a fresh database in a temporary directory,
//! against keycloak-sim or a real Keycloak (`keycloak::Backend`).

pub mod fault_proxy;
pub mod keycloak;
pub mod server_functions;

pub use keycloak::Backend;

use std::net::SocketAddr;

use offline_console::config::{Args, Config};
use offline_console::server;
use offline_console::state::AppState;
use tokio::net::TcpListener;

pub struct TestApp {
    pub addr: SocketAddr,
    pub url: String,
    pub state: AppState,
    pub keycloak: keycloak::TestKeycloak,
    database_url: String,
    /// The extra flags the console was started with, kept for restarts.
    extra: Vec<String>,
    server: Option<(
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<()>,
    )>,
    _dir: tempfile::TempDir,
}

/// Serves until the returned sender fires, then closes every connection.
fn serve(
    listener: TcpListener,
    router: axum::Router,
    client_timeout: std::time::Duration,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(async move {
        server::listen::serve(listener, router, client_timeout, async {
            let _ = stopped.await;
        })
        .await;
    });
    (stop, handle)
}

impl TestApp {
    /// A browser-like client. Its timeout turns a request that never gets an answer into a
    /// failing test instead of a hung test run.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(120))
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap()
    }

    /// The database file and its write-ahead log, as they lie on disk.
    pub fn database_files(&self) -> Vec<std::path::PathBuf> {
        let path = self.database_url.trim_start_matches("sqlite://");
        ["", "-wal", "-shm"]
            .iter()
            .map(|suffix| std::path::PathBuf::from(format!("{path}{suffix}")))
            .filter(|p| p.exists())
            .collect()
    }

    /// The base URL of the Keycloak under test (the simulator or the real server).
    pub fn keycloak_url(&self) -> &str {
        &self.keycloak.url
    }

    /// The simulator, for a test that needs its clock or faults.
    pub fn sim(&self) -> &keycloak_sim::RunningSim {
        self.keycloak.sim()
    }

    /// Stops the console as a crash would (its background jobs stop where
    /// they stand), then starts a new one on the same address and database
    /// file, as a restart does. Browser sessions live in the database too.
    pub async fn restart_console(&mut self) {
        let keycloak_url = self.keycloak.url.clone();
        self.restart_console_at(&keycloak_url).await;
    }

    /// `restart_console`, with the console pointed at another Keycloak URL.
    pub async fn restart_console_at(&mut self, keycloak_url: &str) {
        self.state.jobs.abort_all();
        if let Some((stop, server)) = self.server.take() {
            let _ = stop.send(());
            let _ = server.await;
        }
        // A dead process writes nothing more: let the database work already
        // handed to SQLite finish, and no other, before the new console starts.
        self.state.db.close().await;
        let listener = TcpListener::bind(self.addr).await.unwrap();
        let config = config_with(self.addr, keycloak_url, &self.database_url, &self.extra);
        let (router, state) = server::build(config).await.expect("console restarts");
        self.server = Some(serve(listener, router, state.config.client_timeout));
        self.state = state;
    }
}

/// The demo realms with the console's redirect URIs pointed at `console_url`, and `auditor`
/// in demo: an administrator who may read the realm (view-realm) but not change it.
pub fn demo_realms_for(console_url: &str) -> Vec<serde_json::Value> {
    keycloak_sim::demo_realms()
        .into_iter()
        .map(|mut realm| {
            if realm["realm"] == "demo" {
                realm["users"].as_array_mut().unwrap().push(serde_json::json!({
                    "username": "auditor", "enabled": true, "email": "auditor@example.com",
                    "emailVerified": true, "firstName": "Audit", "lastName": "Or",
                    "credentials": [{"type": "password", "value": "auditor", "temporary": false}],
                    "realmRoles": ["default-roles-demo"],
                    "clientRoles": {"realm-management": ["view-realm"]}
                }));
            }
            for client in realm["clients"].as_array_mut().into_iter().flatten() {
                if client["clientId"] == "offline-console" {
                    client["redirectUris"] = serde_json::json!([format!("{console_url}/*")]);
                    client["webOrigins"] = serde_json::json!([console_url]);
                    client["attributes"]["post.logout.redirect.uris"] =
                        serde_json::json!(format!("{console_url}/*"));
                }
            }
            realm
        })
        .collect()
}

pub async fn spawn_sim(console_url: &str) -> keycloak_sim::RunningSim {
    keycloak_sim::start(keycloak_sim::SimOptions {
        port: 0,
        imports: demo_realms_for(console_url)
            .into_iter()
            .map(keycloak_sim::RealmSource::Json)
            .collect(),
        data_dir: None,
        sim_api: true,
    })
    .await
    .expect("keycloak-sim starts")
}

/// HISTORY_KEY of every test console: 32 bytes 0x00..0x1f in base64.
pub const TEST_HISTORY_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// A test console's configuration, with extra command-line flags (e.g. shorter timeouts).
pub fn config_with<S: AsRef<str>>(
    addr: SocketAddr,
    keycloak_url: &str,
    database_url: &str,
    extra: &[S],
) -> Config {
    let public_url = format!("http://{addr}");
    let bind = addr.to_string();
    let mut args = vec![
        "offline-console",
        "--keycloak-url",
        keycloak_url,
        "--client-secret",
        "offline-console-secret",
        "--client-secrets",
        "master=offline-console-master-secret",
        "--public-url",
        &public_url,
        "--bind",
        &bind,
        "--database-url",
        database_url,
        "--history-key",
        TEST_HISTORY_KEY,
    ];
    args.extend(extra.iter().map(AsRef::as_ref));
    use clap::Parser;
    Config::from_args(Args::try_parse_from(args).unwrap()).unwrap()
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// `spawn_app` with a configuration change (e.g. no HISTORY_KEY).
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    spawn_configured(&[], adjust).await
}

/// `spawn_app` with extra console flags, e.g. shorter Keycloak timeouts.
pub async fn spawn_app_with_flags(extra: &[&str]) -> TestApp {
    spawn_configured(extra, |_| {}).await
}

async fn spawn_configured(extra: &[&str], adjust: impl FnOnce(&mut Config)) -> TestApp {
    // OC_TEST_LOG=<filter> (e.g. "info,tower_http=debug") prints every test console's logs.
    if let Ok(level) = std::env::var("OC_TEST_LOG") {
        offline_console::server::telemetry::init(&level, offline_console::config::LogFormat::Text);
    }
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let url = format!("http://{addr}");
    let keycloak = keycloak::start_for(&url).await;
    let dir = tempfile::tempdir().unwrap();
    let database_url = format!("sqlite://{}/console.db", dir.path().display());
    let mut config = config_with(addr, &keycloak.url, &database_url, extra);
    adjust(&mut config);
    let (router, state) = server::build(config).await.expect("console builds");
    let client_timeout = state.config.client_timeout;
    TestApp {
        addr,
        url,
        state,
        keycloak,
        database_url,
        extra: extra.iter().map(|flag| flag.to_string()).collect(),
        server: Some(serve(listener, router, client_timeout)),
        _dir: dir,
    }
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .unwrap_or_else(|| panic!("no Location header (status {})", response.status()))
        .to_str()
        .unwrap()
        .to_owned()
}

/// The `action` of the form with the given id, HTML entities decoded.
pub fn form_action(html: &str, form_id: &str) -> String {
    let start = html
        .find(&format!("id=\"{form_id}\""))
        .or_else(|| html.find("<form"))
        .unwrap_or_else(|| panic!("no form {form_id} in {html}"));
    let form_start = html[..start].rfind("<form").unwrap_or(start);
    let tag_end = form_start + html[form_start..].find('>').unwrap();
    let tag = &html[form_start..tag_end];
    let action_start = tag.find("action=\"").expect("form has an action") + 8;
    let action_end = action_start + tag[action_start..].find('"').unwrap();
    tag[action_start..action_end].replace("&amp;", "&")
}

/// Opens Keycloak's login page at `authorize` and submits its form, as a
/// browser would; returns Keycloak's answer to the submission.
pub async fn submit_login_form(
    app: &TestApp,
    http: &reqwest::Client,
    authorize: &str,
    username: &str,
    password: &str,
) -> reqwest::Response {
    let page = http.get(authorize).send().await.unwrap();
    assert_eq!(page.status(), 200, "Keycloak shows its login form");
    let action = form_action(&page.text().await.unwrap(), "kc-form-login");
    let action = if action.starts_with("http") {
        action
    } else {
        format!("{}{action}", app.keycloak_url())
    };
    http.post(action)
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .unwrap()
}

/// Signs in through Keycloak's (the simulator's) login form, as a browser would.
/// Returns the console's answer to the callback.
pub async fn sign_in(
    app: &TestApp,
    http: &reqwest::Client,
    realm: &str,
    username: &str,
    password: &str,
) -> reqwest::Response {
    let start = http
        .get(format!(
            "{}/auth/login?realm={realm}&next=/admin/{realm}",
            app.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        start.status(),
        303,
        "login starts with a redirect to Keycloak"
    );
    let answer = submit_login_form(app, http, &location(&start), username, password).await;
    assert_eq!(answer.status(), 302, "Keycloak redirects back with a code");
    let callback = location(&answer);
    assert!(
        callback.starts_with(&format!("{}/auth/callback?", app.url)),
        "{callback}"
    );
    http.get(callback).send().await.unwrap()
}

/// A browser-like client already signed in to the console.
pub async fn signed_in_client(
    app: &TestApp,
    realm: &str,
    username: &str,
    password: &str,
) -> reqwest::Client {
    let http = app.client();
    let done = sign_in(app, &http, realm, username, password).await;
    assert_eq!(done.status(), 303, "callback completes the sign-in");
    http
}

/// Calls a server function as a plain form post does (form-encoded POST, same origin); the
/// islands send JSON, which the server reads too (`api::codec`).
pub async fn call(
    app: &TestApp,
    http: &reqwest::Client,
    endpoint: &str,
    args: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    let response = http
        .post(format!("{}/api/{endpoint}", app.url))
        .header("origin", &app.url)
        .form(args)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
    (status, body)
}

/// `call` with arguments built at run time.
pub async fn call_owned(
    app: &TestApp,
    http: &reqwest::Client,
    endpoint: &str,
    args: &[(String, String)],
) -> (u16, serde_json::Value) {
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    call(app, http, endpoint, &args).await
}

/// A page of a demo client's offline sessions (`client` is its id).
pub async fn offline_sessions_page(
    app: &TestApp,
    http: &reqwest::Client,
    client: &str,
    first: u32,
    max: u32,
) -> (u16, serde_json::Value) {
    call(
        app,
        http,
        "offline_sessions",
        &[
            ("realm", "demo"),
            ("client", client),
            ("first", &first.to_string()),
            ("max", &max.to_string()),
        ],
    )
    .await
}

/// Revokes `session`, an offline session of `user` (an id) listed under `client` (a UUID).
pub async fn revoke_offline_session(
    app: &TestApp,
    http: &reqwest::Client,
    client: &str,
    user: &str,
    session: &str,
) -> (u16, serde_json::Value) {
    call(
        app,
        http,
        "revoke_offline_session",
        &[
            ("realm", "demo"),
            ("client", client),
            ("user", user),
            ("session", session),
        ],
    )
    .await
}

/// A demo user's consents, offline tokens and sessions (`user` is the id).
pub async fn user_access(
    app: &TestApp,
    http: &reqwest::Client,
    user: &str,
) -> (u16, serde_json::Value) {
    call(
        app,
        http,
        "user_access",
        &[("realm", "demo"), ("user", user)],
    )
    .await
}

/// Revokes a demo user's consent to `client_id` (`user` is the id).
pub async fn revoke_user_consent(
    app: &TestApp,
    http: &reqwest::Client,
    user: &str,
    client_id: &str,
) -> (u16, serde_json::Value) {
    call(
        app,
        http,
        "revoke_user_consent",
        &[("realm", "demo"), ("user", user), ("client_id", client_id)],
    )
    .await
}

/// The audit log's first page, unfiltered as the page first asks for it: newest first.
pub async fn audit_entries(app: &TestApp, http: &reqwest::Client) -> Vec<serde_json::Value> {
    let (status, log) = call(
        app,
        http,
        "audit_log",
        &[("filter[actor]", ""), ("first", "0"), ("max", "50")],
    )
    .await;
    assert_eq!(status, 200, "{log}");
    log["entries"].as_array().unwrap().clone()
}

/// Opens one of the console's pages (`path` from the root) with `http`'s cookies.
pub async fn get_page(app: &TestApp, http: &reqwest::Client, path: &str) -> reqwest::Response {
    http.get(format!("{}{path}", app.url)).send().await.unwrap()
}

/// realmadmin signed in to the demo realm, and backup-service's id.
pub async fn realmadmin_and_backup(app: &TestApp) -> (reqwest::Client, String) {
    let http = signed_in_client(app, "demo", "realmadmin", "realmadmin").await;
    let backup = client_uuid(app, &http, "backup-service").await;
    (http, backup)
}

/// The demo realm's confidential client with offline access: (clientId, secret).
const BACKUP_SERVICE: (&str, &str) = ("backup-service", "backup-service-secret");

/// An offline token for `username` from the demo realm's backup-service (password grant).
pub async fn backup_offline_token(app: &TestApp, username: &str) -> String {
    let (client, secret) = BACKUP_SERVICE;
    let response = reqwest::Client::new()
        .post(format!(
            "{}/realms/demo/protocol/openid-connect/token",
            app.keycloak_url()
        ))
        .basic_auth(client, Some(secret))
        .form(&[
            ("grant_type", "password"),
            ("username", username),
            ("password", username),
            ("scope", "offline_access"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    body["refresh_token"].as_str().unwrap().to_owned()
}

/// Uses a backup-service refresh token; returns status and body.
pub async fn refresh_backup(app: &TestApp, token: &str) -> (u16, serde_json::Value) {
    let (client, secret) = BACKUP_SERVICE;
    refresh(app, "demo", client, secret, token).await
}

/// Uses a refresh token at the token endpoint; returns status and body.
pub async fn refresh(
    app: &TestApp,
    realm: &str,
    client: &str,
    secret: &str,
    token: &str,
) -> (u16, serde_json::Value) {
    let response = reqwest::Client::new()
        .post(format!(
            "{}/realms/{realm}/protocol/openid-connect/token",
            app.keycloak_url()
        ))
        .basic_auth(client, Some(secret))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", token)])
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

/// Lets `seconds` of Keycloak's time pass: the simulator's clock jumps; a real Keycloak, whose
/// clock cannot be moved, is waited for. A test shortens the realm's lifespans on the real
/// server (`on_real`) so that these waits stay at a few seconds.
pub async fn let_time_pass(app: &TestApp, seconds: u64) {
    if Backend::is_real() {
        assert!(
            seconds <= 10,
            "a real wait of {seconds} s is too long for a test"
        );
        tokio::time::sleep(std::time::Duration::from_secs(seconds)).await;
    } else {
        advance_clock(app, seconds).await;
    }
}

/// `real` on a real Keycloak, `sim` on the simulator: a lifespan or wait short enough for real time.
pub fn on_real<T>(sim: T, real: T) -> T {
    if Backend::is_real() {
        real
    } else {
        sim
    }
}

pub async fn advance_clock(app: &TestApp, seconds: u64) {
    let response = reqwest::Client::new()
        .post(format!("{}/_sim/clock/advance", app.sim().base_url()))
        .json(&serde_json::json!({ "seconds": seconds }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

/// Users `<prefix>1`..`<prefix>N` with one offline session each for every client of `clients`:
/// the simulator's seeding API, or on the real server the admin API and the token endpoint.
pub async fn seed(app: &TestApp, realm: &str, users: u64, prefix: &str, clients: &[&str]) {
    if Backend::is_real() {
        assert_eq!(
            clients,
            ["backup-service"],
            "the real seeding knows backup-service"
        );
        keycloak::seed_real(app.keycloak_url(), realm, users, prefix, BACKUP_SERVICE).await;
        return;
    }
    let response = reqwest::Client::new()
        .post(format!("{}/_sim/realms/{realm}/seed", app.sim().base_url()))
        .json(&serde_json::json!({ "users": users, "prefix": prefix, "offlineClients": clients }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

/// The internal id of a demo client, found through the console's own search.
pub async fn client_uuid(app: &TestApp, http: &reqwest::Client, client_id: &str) -> String {
    demo_id(
        app,
        http,
        "search_clients",
        "clients",
        "client_id",
        client_id,
    )
    .await
}

/// The internal id of a demo user, found through the console's own search.
pub async fn user_uuid(app: &TestApp, http: &reqwest::Client, username: &str) -> String {
    demo_id(app, http, "search_users", "users", "username", username).await
}

async fn demo_id(
    app: &TestApp,
    http: &reqwest::Client,
    endpoint: &str,
    list: &str,
    name_field: &str,
    name: &str,
) -> String {
    let (status, body) = call(
        app,
        http,
        endpoint,
        &[
            ("realm", "demo"),
            ("search", name),
            ("first", "0"),
            ("max", "10"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item[name_field] == name)
        .unwrap_or_else(|| panic!("{name} in {body}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The master administrator's access token straight from Keycloak
/// (admin-cli, password grant), for arranging a test through the admin API.
pub async fn keycloak_admin_token(app: &TestApp) -> String {
    keycloak_admin_token_at(app.keycloak_url()).await
}

/// `keycloak_admin_token` for a Keycloak at `keycloak_url`.
pub async fn keycloak_admin_token_at(keycloak_url: &str) -> String {
    let response = reqwest::Client::new()
        .post(format!(
            "{keycloak_url}/realms/master/protocol/openid-connect/token"
        ))
        .form(&[
            ("grant_type", "password"),
            ("client_id", "admin-cli"),
            ("username", "admin"),
            ("password", "admin"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

/// A user's internal id, looked up through Keycloak's admin API.
pub async fn keycloak_user_id(app: &TestApp, realm: &str, username: &str) -> String {
    keycloak_first_id(
        app,
        &format!("{realm}/users?username={username}&exact=true"),
    )
    .await
}

/// Keycloak's admin API as the master realm's admin, asserting success on every call.
pub struct KeycloakAdmin {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl KeycloakAdmin {
    pub async fn new(app: &TestApp) -> KeycloakAdmin {
        KeycloakAdmin {
            base: app.keycloak_url().to_owned(),
            token: keycloak_admin_token(app).await,
            http: reqwest::Client::new(),
        }
    }

    pub async fn get(&self, path: &str) -> serde_json::Value {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.unwrap()
    }

    /// A create (201) or an action (204).
    pub async fn post(&self, path: &str, body: serde_json::Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        assert!(
            status == 201 || status == 204,
            "POST {path}: {status} {}",
            response.text().await.unwrap()
        );
    }

    /// Deletes what may not exist.
    pub async fn delete(&self, path: &str) {
        let response = self
            .http
            .delete(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        assert!(status == 204 || status == 404, "DELETE {path}: {status}");
    }
}

/// A demo client's internal id, looked up through Keycloak's admin API.
pub async fn keycloak_client_uuid(app: &TestApp, client_id: &str) -> String {
    keycloak_first_id(app, &format!("demo/clients?clientId={client_id}")).await
}

/// The `id` of the first item of an admin API list (`query` follows `/admin/realms/`).
async fn keycloak_first_id(app: &TestApp, query: &str) -> String {
    let items: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/admin/realms/{query}", app.keycloak_url()))
        .bearer_auth(keycloak_admin_token(app).await)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    items[0]["id"].as_str().unwrap().to_owned()
}

/// A partial realm update through Keycloak's admin API.
pub async fn keycloak_put_realm(app: &TestApp, realm: &str, body: serde_json::Value) {
    let response = reqwest::Client::new()
        .put(format!("{}/admin/realms/{realm}", app.keycloak_url()))
        .bearer_auth(keycloak_admin_token(app).await)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
}

/// The simulator's virtual clock (epoch seconds).
pub async fn sim_now(app: &TestApp) -> i64 {
    let body: serde_json::Value = reqwest::get(format!("{}/_sim/clock", app.sim().base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["now"].as_i64().unwrap()
}

/// Adds a fault in the proxy in front of Keycloak (the `/_sim/faults` body, e.g.
/// `{"pathPrefix": "/", "status": 500}`), on either backend; returns its id.
pub async fn add_fault(app: &TestApp, spec: serde_json::Value) -> String {
    app.keycloak.proxy.add(spec)
}

/// Makes requests under `path_prefix` meet `status`; returns the fault id.
pub async fn inject_fault(app: &TestApp, path_prefix: &str, status: u16) -> String {
    add_fault(
        app,
        serde_json::json!({ "pathPrefix": path_prefix, "status": status }),
    )
    .await
}

pub async fn clear_faults(app: &TestApp) {
    app.keycloak.proxy.faults.clear();
}

/// How many requests each fault has affected, oldest fault first.
pub fn fault_hits(app: &TestApp) -> Vec<u64> {
    app.keycloak.proxy.hits()
}

/// Submits the console's "connect history" form as a page at `origin` would.
pub async fn post_history_connect(
    app: &TestApp,
    http: &reqwest::Client,
    origin: &str,
    next: &str,
) -> reqwest::Response {
    http.post(format!("{}/history/connect", app.url))
        .header("origin", origin)
        .form(&[("next", next)])
        .send()
        .await
        .unwrap()
}

/// Posts the overview's "Disconnect history" form.
pub async fn post_history_disconnect(
    app: &TestApp,
    http: &reqwest::Client,
    next: &str,
) -> reqwest::Response {
    http.post(format!("{}/history/disconnect", app.url))
        .header("origin", &app.url)
        .form(&[("next", next)])
        .send()
        .await
        .unwrap()
}

/// Connects history as the signed-in administrator of `http`, whose username and password
/// are `account`: the console's connect form, Keycloak's authorization, the callback, and the
/// console's renewal of its own sign-in. Each authorization is answered by the SSO session at
/// once or, when Keycloak shows its login form, with `account`: Keycloak 26.7 turns the SSO
/// session into the offline one it grants, so the renewal meets the form there.
pub async fn connect_history(
    app: &TestApp,
    http: &reqwest::Client,
    account: (&str, &str),
) -> reqwest::Response {
    let start = post_history_connect(app, http, &app.url, "/admin/master").await;
    assert_eq!(start.status(), 303, "connect redirects to Keycloak");
    let authorize = location(&start);
    assert!(authorize.contains("offline_access"), "{authorize}");
    let answer = authorize_as(app, http, &authorize, account).await;
    let stored = http.get(location(&answer)).send().await.unwrap();
    if stored.status() != 303 {
        return stored;
    }
    let renew = location(&stored);
    assert!(renew.starts_with("/auth/login?"), "{renew}");
    let start = http
        .get(format!("{}{renew}", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), 303);
    let code = authorize_as(app, http, &location(&start), account).await;
    http.get(location(&code)).send().await.unwrap()
}

/// Keycloak's answer to an authorization request: a redirect with a code, from the SSO
/// session or after signing in as `account` on the login form.
async fn authorize_as(
    app: &TestApp,
    http: &reqwest::Client,
    authorize: &str,
    account: (&str, &str),
) -> reqwest::Response {
    let answer = http.get(authorize).send().await.unwrap();
    let answer = if answer.status() == 200 {
        submit_login_form(app, http, authorize, account.0, account.1).await
    } else {
        answer
    };
    assert_eq!(answer.status(), 302, "Keycloak redirects back with a code");
    answer
}

/// The realm policy form as the page first shows the demo realm's defaults.
const DEMO_POLICY_FORM: [(&str, &str); 11] = [
    ("offline_idle", "30"),
    ("offline_idle_unit", "days"),
    ("offline_max_enabled", "false"),
    ("offline_max", "60"),
    ("offline_max_unit", "days"),
    ("client_idle", "0"),
    ("client_idle_unit", "days"),
    ("client_max", "0"),
    ("client_max_unit", "days"),
    ("revoke_refresh_token", "false"),
    ("max_reuse", "0"),
];

/// The demo realm and its policy form (`form[field]`) with `changes` applied:
/// what `save_realm_policy` and `preview_policy_impact` both take.
fn demo_policy_args(changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let form = DEMO_POLICY_FORM.iter().map(|&(field, value)| {
        let value = changes
            .iter()
            .find(|(changed, _)| *changed == field)
            .map_or(value, |(_, v)| v);
        (format!("form[{field}]"), value.to_owned())
    });
    std::iter::once(("realm".to_owned(), "demo".to_owned()))
        .chain(form)
        .collect()
}

/// `save_realm_policy` arguments: the form with `changes`, and as `expected[...]`
/// the settings the page loaded (`realm_policy`'s `settings`).
pub fn save_policy_args(
    changes: &[(&str, &str)],
    loaded: &serde_json::Value,
) -> Vec<(String, String)> {
    let mut args = demo_policy_args(changes);
    for (key, value) in loaded.as_object().expect("policy settings") {
        args.push((format!("expected[{key}]"), value.to_string()));
    }
    args
}

/// `preview_policy_impact` arguments: the form with `changes`, for `client` (its id).
pub fn preview_policy_args(changes: &[(&str, &str)], client: &str) -> Vec<(String, String)> {
    let mut args = demo_policy_args(changes);
    args.push(("client".to_owned(), client.to_owned()));
    args
}

/// Saves the demo realm's policy form with `changes`, as loaded with `loaded` settings.
pub async fn save_policy(
    app: &TestApp,
    http: &reqwest::Client,
    changes: &[(&str, &str)],
    loaded: &serde_json::Value,
) -> (u16, serde_json::Value) {
    let args = save_policy_args(changes, loaded);
    call_owned(app, http, "save_realm_policy", &args).await
}

/// Previews the demo realm's policy form with `changes` for `client` (its id).
pub async fn preview_policy(
    app: &TestApp,
    http: &reqwest::Client,
    changes: &[(&str, &str)],
    client: &str,
) -> (u16, serde_json::Value) {
    let args = preview_policy_args(changes, client);
    call_owned(app, http, "preview_policy_impact", &args).await
}
