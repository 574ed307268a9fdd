//! The server a conformance test talks to, and a fresh realm per test.
//!
//! `KEYCLOAK_CONFORMANCE_URL` unset: keycloak-sim, started once in this process with the
//! demo realms. Set (e.g. `http://127.0.0.1:8080`): that server, a real Keycloak whose
//! master realm has `admin`/`admin` (the repository's `realms/master.json`). Every test
//! creates its own realm from `realms/demo.json` through the admin API and deletes it at the
//! end, so tests run in parallel and a run leaves the server as it found it.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::sync::OnceLock;

pub struct Server {
    pub base_url: String,
}

/// The server of this run (started on first use when it is the simulator).
pub fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| match std::env::var("KEYCLOAK_CONFORMANCE_URL") {
        Ok(url) if !url.is_empty() => Server {
            base_url: url.trim_end_matches('/').to_owned(),
        },
        _ => Server {
            base_url: start_simulator(),
        },
    })
}

/// Starts keycloak-sim on a runtime of its own, so that it outlives any one test's runtime.
fn start_simulator() -> String {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime for the simulator");
        runtime.block_on(async move {
            let sim = keycloak_sim::start(keycloak_sim::SimOptions {
                port: 0,
                imports: keycloak_sim::demo_realms()
                    .into_iter()
                    .map(keycloak_sim::RealmSource::Json)
                    .collect(),
                data_dir: None,
                sim_api: false,
            })
            .await
            .expect("keycloak-sim starts");
            sender.send(sim.base_url().to_owned()).unwrap();
            let _ = sim.wait().await;
        });
    });
    receiver.recv().expect("keycloak-sim reports its address")
}

/// An HTTP client that does not follow redirects (tests inspect them).
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A realm of its own for one test, made from `realms/demo.json`.
pub struct TestRealm {
    pub name: String,
    pub base: String,
}

/// The demo realm file under another name: its `default-roles-demo` references follow.
pub fn demo_realm_named(name: &str) -> Value {
    let demo = keycloak_sim::demo_realms().swap_remove(1);
    let text = demo
        .to_string()
        .replace("default-roles-demo", &format!("default-roles-{name}"));
    let mut realm: Value = serde_json::from_str(&text).unwrap();
    realm["realm"] = json!(name);
    realm
}

impl TestRealm {
    /// A new realm from the demo file, with `settings` merged into its top level.
    pub async fn create(label: &str, settings: Value) -> TestRealm {
        let name = format!("{label}-{:08x}", rand::random::<u32>());
        let mut realm = demo_realm_named(&name);
        if let Value::Object(extra) = settings {
            for (key, value) in extra {
                realm[key] = value;
            }
        }
        let base = server().base_url.clone();
        let response = http()
            .post(format!("{base}/admin/realms"))
            .bearer_auth(master_admin_token().await)
            .json(&realm)
            .send()
            .await
            .unwrap();
        let status = response.status();
        assert_eq!(
            status,
            StatusCode::CREATED,
            "creating realm {name}: {}",
            response.text().await.unwrap()
        );
        TestRealm { name, base }
    }

    /// Deletes the realm; call it last in a test.
    pub async fn delete(self) {
        let response = http()
            .delete(format!("{}/admin/realms/{}", self.base, self.name))
            .bearer_auth(master_admin_token().await)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/realms/{}{path}", self.base, self.name)
    }

    pub fn issuer(&self) -> String {
        self.url("")
    }

    pub fn admin_url(&self, path: &str) -> String {
        format!("{}/admin/realms/{}{path}", self.base, self.name)
    }

    /// A token endpoint request; status and JSON body.
    pub async fn token(&self, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let response = http()
            .post(self.url("/protocol/openid-connect/token"))
            .form(form)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap())
    }

    /// Password grant (password = username) through a confidential client.
    pub async fn password_grant(
        &self,
        client: Client,
        user: &str,
        scope: &str,
    ) -> (StatusCode, Value) {
        let mut form = vec![
            ("grant_type", "password"),
            ("client_id", client.id),
            ("username", user),
            ("password", user),
            ("scope", scope),
        ];
        if let Some(secret) = client.secret {
            form.push(("client_secret", secret));
        }
        self.token(&form).await
    }

    /// A successful `offline_access` password grant of `user` through backup-service.
    pub async fn offline_login(&self, user: &str) -> Value {
        let (status, body) = self
            .password_grant(BACKUP, user, "openid offline_access")
            .await;
        assert_eq!(status, StatusCode::OK, "offline login of {user}: {body}");
        body
    }

    pub async fn refresh(&self, client: Client, refresh_token: &str) -> (StatusCode, Value) {
        let mut form = vec![
            ("grant_type", "refresh_token"),
            ("client_id", client.id),
            ("refresh_token", refresh_token),
        ];
        if let Some(secret) = client.secret {
            form.push(("client_secret", secret));
        }
        self.token(&form).await
    }

    /// A user's access token through the realm's `admin-cli` client.
    pub async fn user_token(&self, user: &str) -> String {
        let (status, body) = self
            .token(&[
                ("grant_type", "password"),
                ("client_id", "admin-cli"),
                ("username", user),
                ("password", user),
            ])
            .await;
        assert_eq!(status, StatusCode::OK, "token of {user}: {body}");
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// An admin API call as the master administrator; status and body (JSON, text, or null).
    pub async fn admin(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let token = master_admin_token().await;
        self.admin_as(&token, method, path, body).await
    }

    pub async fn admin_as(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = http()
            .request(method, self.admin_url(path))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        read(request.send().await.unwrap()).await
    }

    pub async fn client_uuid(&self, client_id: &str) -> String {
        let (status, clients) = self
            .admin(Method::GET, &format!("/clients?clientId={client_id}"), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{clients}");
        clients[0]["id"].as_str().unwrap().to_owned()
    }

    pub async fn user_id(&self, username: &str) -> String {
        let (status, users) = self
            .admin(
                Method::GET,
                &format!("/users?username={username}&exact=true"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{users}");
        users[0]["id"].as_str().unwrap().to_owned()
    }

    /// The realm's offline sessions of a client (by clientId).
    pub async fn offline_sessions(&self, client_id: &str) -> Vec<Value> {
        let uuid = self.client_uuid(client_id).await;
        let (status, sessions) = self
            .admin(
                Method::GET,
                &format!("/clients/{uuid}/offline-sessions"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{sessions}");
        sessions.as_array().unwrap().clone()
    }
}

/// Status and body: JSON when it parses, the text as a JSON string otherwise, null when empty.
pub async fn read(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}

/// A fresh access token of master's `admin` (a token made before a realm existed does not
/// hold that realm's roles on every server, so each call gets a new one).
pub async fn master_admin_token() -> String {
    let base = &server().base_url;
    let response = http()
        .post(format!(
            "{base}/realms/master/protocol/openid-connect/token"
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
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "master admin token: {body}");
    body["access_token"].as_str().unwrap().to_owned()
}

#[derive(Clone, Copy)]
pub struct Client {
    pub id: &'static str,
    pub secret: Option<&'static str>,
}

pub const BACKUP: Client = Client {
    id: "backup-service",
    secret: Some("backup-service-secret"),
};
pub const NO_OFFLINE: Client = Client {
    id: "no-offline-app",
    secret: Some("no-offline-app-secret"),
};

/// A JWT's payload.
pub fn claims(jwt: &str) -> Value {
    use base64::Engine;
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

/// The keys of a JSON object, sorted.
pub fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    keys
}

/// A scope string as a sorted list (servers order scopes differently from one call to the next).
pub fn scopes(value: &Value) -> Vec<&str> {
    let mut scopes: Vec<&str> = value.as_str().unwrap().split(' ').collect();
    scopes.sort();
    scopes
}
