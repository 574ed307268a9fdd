//! The Keycloak a test console talks to: keycloak-sim (the default) or a real Keycloak.
//!
//! `OC_TEST_KEYCLOAK=real` with `OC_TEST_KEYCLOAK_URL` (e.g. `http://127.0.0.1:18480`) points
//! every test at a real Keycloak 26 whose master realm comes from `keycloak-sim/realms/master.json`
//! (`admin`/`admin`). The tests address the demo realm by its name, so on the real server each
//! test gets its own fresh `demo` realm (deleted and created again through the admin API) and
//! the tests of a binary take turns; the simulator is started afresh for every test and needs
//! no turns. Either way the console reaches Keycloak through a fault proxy (`fault_proxy`).

use std::sync::{Arc, LazyLock};

use serde_json::{json, Value};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::fault_proxy::{self, FaultProxy};

/// Which Keycloak the tests run against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Backend {
    Simulator,
    Real { url: String },
}

impl Backend {
    /// Read once from `OC_TEST_KEYCLOAK` / `OC_TEST_KEYCLOAK_URL`; anything unexpected stops the
    /// run rather than quietly testing the simulator again.
    pub fn current() -> &'static Backend {
        static BACKEND: LazyLock<Backend> =
            LazyLock::new(|| match std::env::var("OC_TEST_KEYCLOAK").as_deref() {
                Err(_) | Ok("") | Ok("sim") => Backend::Simulator,
                Ok("real") => {
                    let url = std::env::var("OC_TEST_KEYCLOAK_URL")
                        .expect("OC_TEST_KEYCLOAK=real needs OC_TEST_KEYCLOAK_URL");
                    Backend::Real {
                        url: url.trim_end_matches('/').to_owned(),
                    }
                }
                Ok(other) => panic!("OC_TEST_KEYCLOAK must be sim or real, not {other:?}"),
            });
        &BACKEND
    }

    pub fn is_real() -> bool {
        matches!(Backend::current(), Backend::Real { .. })
    }
}

/// A test's Keycloak: the fault proxy the console reaches it through, and the simulator when
/// there is one.
pub struct TestKeycloak {
    /// The proxy's URL: what the console and the tests use.
    pub url: String,
    pub proxy: FaultProxy,
    pub sim: Option<keycloak_sim::RunningSim>,
    /// The real server's demo realm is this test's until the permit drops.
    _turn: Option<Arc<OwnedSemaphorePermit>>,
}

impl TestKeycloak {
    /// The simulator; a test that needs its clock or faults is simulator-only.
    pub fn sim(&self) -> &keycloak_sim::RunningSim {
        self.sim.as_ref().unwrap_or_else(|| {
            panic!("this test needs keycloak-sim's own API (its clock or faults): it runs on the simulator only")
        })
    }
}

impl TestKeycloak {
    /// Keycloak goes down as a crash takes it: the real server is killed with SIGKILL
    /// (through `scripts/keycloak/test-control.sh`), the simulator stops serving.
    pub async fn kill(&mut self) {
        match &mut self.sim {
            Some(sim) => sim.kill().await,
            None => control_real("kill").await,
        }
    }

    /// Keycloak starts again on the same port with the state it had; returns once it is ready.
    pub async fn start_again(&mut self) {
        match &mut self.sim {
            Some(sim) => sim.serve_again().await.expect("keycloak-sim serves again"),
            None => control_real("start").await,
        }
    }
}

/// Runs `scripts/keycloak/test-control.sh kill|start` for the real server of this test run.
async fn control_real(command: &str) {
    assert!(
        std::env::var_os("OC_TEST_KEYCLOAK_CONTROL").is_some(),
        "stopping the real Keycloak needs OC_TEST_KEYCLOAK_CONTROL (scripts/test.sh sets it)"
    );
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scripts/keycloak/test-control.sh"
    );
    let command_name = command.to_owned();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("bash")
            .arg(script)
            .arg(command_name)
            .stdin(std::process::Stdio::null())
            .output()
    })
    .await
    .unwrap()
    .expect("bash runs");
    assert!(
        output.status.success(),
        "test-control.sh {command}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The thread of the test holding the real server's turn, and the turn.
type Held = Option<(std::thread::ThreadId, std::sync::Weak<OwnedSemaphorePermit>)>;
static HELD: std::sync::Mutex<Held> = std::sync::Mutex::new(None);

/// Starts (the simulator) or prepares (the real server) Keycloak for a console at `console_url`.
pub async fn start_for(console_url: &str) -> TestKeycloak {
    match Backend::current() {
        Backend::Simulator => {
            let sim = super::spawn_sim(console_url).await;
            let proxy = fault_proxy::start(sim.base_url()).await;
            TestKeycloak {
                url: proxy.url.clone(),
                proxy,
                sim: Some(sim),
                _turn: None,
            }
        }
        Backend::Real { url } => {
            // A test that starts a second console while holding its turn keeps that turn and
            // the realm already prepared. The second console may be started from the test's
            // thread or, in a multi-threaded test, from one of its runtime's workers.
            let nested = HELD.lock().unwrap().as_ref().and_then(|(thread, turn)| {
                let worker = std::thread::current().name() == Some("tokio-runtime-worker");
                (*thread == std::thread::current().id() || worker)
                    .then(|| turn.upgrade())
                    .flatten()
            });
            if let Some(turn) = nested {
                let proxy = fault_proxy::start(url).await;
                return TestKeycloak {
                    url: proxy.url.clone(),
                    proxy,
                    sim: None,
                    _turn: Some(turn),
                };
            }
            static TURNS: LazyLock<Arc<Semaphore>> = LazyLock::new(|| Arc::new(Semaphore::new(1)));
            let turn = Arc::new(TURNS.clone().acquire_owned().await.unwrap());
            *HELD.lock().unwrap() = Some((std::thread::current().id(), Arc::downgrade(&turn)));
            let proxy = fault_proxy::start(url).await;
            prepare_real(&proxy.url, console_url).await;
            TestKeycloak {
                url: proxy.url.clone(),
                proxy,
                sim: None,
                _turn: Some(turn),
            }
        }
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap()
}

/// A fresh demo realm, the master realm's console client pointed at this console, and the
/// master administrator without the sessions and grants of earlier tests.
async fn prepare_real(url: &str, console_url: &str) {
    let token = super::keycloak_admin_token_at(url).await;
    let http = http();
    let gone = http
        .delete(format!("{url}/admin/realms/demo"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(
        gone.status() == 204 || gone.status() == 404,
        "deleting the last test's demo realm: {}",
        gone.status()
    );
    let mut demo = super::demo_realms_for(console_url)
        .into_iter()
        .find(|realm| realm["realm"] == "demo")
        .expect("the demo realm file");
    // Hashing is the slow part of a login on a real server; tests sign in and seed a lot.
    demo["passwordPolicy"] = json!("hashIterations(1)");
    let created = http
        .post(format!("{url}/admin/realms"))
        .bearer_auth(&token)
        .json(&demo)
        .send()
        .await
        .unwrap();
    let status = created.status();
    assert_eq!(
        status,
        201,
        "creating demo: {}",
        created.text().await.unwrap()
    );

    // Master's settings outlive a test: back to what the master realm file leaves them.
    let master = http
        .put(format!("{url}/admin/realms/master"))
        .bearer_auth(&token)
        .json(&json!({ "accessTokenLifespan": 60 }))
        .send()
        .await
        .unwrap();
    assert_eq!(master.status(), 204, "resetting master's token lifespan");

    let console_client = first(
        &http,
        &token,
        &format!("{url}/admin/realms/master/clients?clientId=offline-console"),
    )
    .await;
    let mut client = console_client;
    client["redirectUris"] = json!([format!("{console_url}/*")]);
    client["webOrigins"] = json!([console_url]);
    client["attributes"]["post.logout.redirect.uris"] = json!(format!("{console_url}/*"));
    let id = client["id"].as_str().unwrap().to_owned();
    let updated = http
        .put(format!("{url}/admin/realms/master/clients/{id}"))
        .bearer_auth(&token)
        .json(&client)
        .send()
        .await
        .unwrap();
    assert_eq!(
        updated.status(),
        204,
        "pointing master's console client here"
    );

    // Every master account's console grants: history connected by one (a Playwright run's
    // historian too) would be counted by the next test.
    let users: Value = http
        .get(format!("{url}/admin/realms/master/users?max=1000"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut admin_id = String::new();
    for user in users.as_array().into_iter().flatten() {
        let id = user["id"].as_str().unwrap();
        if user["username"] == "admin" {
            admin_id = id.to_owned();
        }
        let consents: Value = http
            .get(format!("{url}/admin/realms/master/users/{id}/consents"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for consent in consents.as_array().into_iter().flatten() {
            if consent["clientId"] == "offline-console" {
                let revoked = http
                    .delete(format!(
                        "{url}/admin/realms/master/users/{id}/consents/offline-console"
                    ))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(revoked.status(), 204, "revoking a console grant in master");
            }
        }
    }
    // Last: this ends the session of the token used above too.
    let logout = http
        .post(format!("{url}/admin/realms/master/users/{admin_id}/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 204, "signing admin out everywhere");
}

async fn first(http: &reqwest::Client, token: &str, url: &str) -> Value {
    let list: Value = http
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list[0].clone()
}

/// The real-server form of the simulator's seeding: users `<prefix>1`..`<prefix>N` (password =
/// username) imported through the admin API's partial import (which, like a realm import, takes
/// usernames the user-profile checks of a create would refuse), each with one offline session of
/// `client` obtained at the token endpoint as an application obtains it.
pub async fn seed_real(url: &str, realm: &str, users: u64, prefix: &str, client: (&str, &str)) {
    use futures::StreamExt;
    let token = super::keycloak_admin_token_at(url).await;
    let http = http();
    let usernames: Vec<String> = (1..=users)
        .map(|n| format!("{prefix}{n}").to_lowercase())
        .collect();
    for chunk in usernames.chunks(500) {
        let reps: Vec<Value> = chunk
            .iter()
            .map(|username| {
                // Unique like the username, in characters an address may hold.
                let hex: String = username.bytes().map(|b| format!("{b:02x}")).collect();
                json!({
                    "username": username,
                    "enabled": true,
                    "email": format!("seeded-{hex}@example.test"),
                    "firstName": username,
                    "lastName": "Seeded",
                    "credentials": [{ "type": "password", "value": username, "temporary": false }],
                    // An import grants no default roles by itself.
                    "realmRoles": [format!("default-roles-{realm}")],
                })
            })
            .collect();
        let imported = http
            .post(format!("{url}/admin/realms/{realm}/partialImport"))
            .bearer_auth(&token)
            .json(&json!({ "ifResourceExists": "SKIP", "users": reps }))
            .send()
            .await
            .unwrap();
        let status = imported.status();
        assert_eq!(
            status,
            200,
            "importing users: {}",
            imported.text().await.unwrap()
        );
    }
    futures::stream::iter(usernames)
        .map(|username| {
            let http = &http;
            async move {
                let granted = http
                    .post(format!(
                        "{url}/realms/{realm}/protocol/openid-connect/token"
                    ))
                    .basic_auth(client.0, Some(client.1))
                    .form(&[
                        ("grant_type", "password"),
                        ("username", username.as_str()),
                        ("password", username.as_str()),
                        ("scope", "offline_access"),
                    ])
                    .send()
                    .await
                    .unwrap();
                let status = granted.status();
                assert_eq!(
                    status,
                    200,
                    "offline grant of {username}: {}",
                    granted.text().await.unwrap()
                );
            }
        })
        .buffer_unordered(4)
        .collect::<Vec<()>>()
        .await;
}
