//! The Keycloak a test console talks to: keycloak-sim (the default) or a real Keycloak.
//!
//! `OC_TEST_KEYCLOAK=real` with `OC_TEST_KEYCLOAK_URL` (e.g. `http://127.0.0.1:18480`) points
//! every test at a real Keycloak 26 whose master realm comes from `keycloak-sim/realms/master.json`
//! (`admin`/`admin`). The tests address the demo realm by its name, so on the real server each
//! test gets its own fresh `demo` realm (deleted and created again through the admin API) and
//! the tests of a binary take turns; the simulator is started afresh for every test and needs
//! no turns.

use std::sync::LazyLock;

use serde_json::{json, Value};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

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

/// A test's Keycloak: its base URL, and the simulator when there is one.
pub struct TestKeycloak {
    pub url: String,
    pub sim: Option<keycloak_sim::RunningSim>,
    /// The real server's demo realm is this test's until the permit drops.
    _turn: Option<OwnedSemaphorePermit>,
}

impl TestKeycloak {
    /// The simulator; a test that needs its clock or faults is simulator-only.
    pub fn sim(&self) -> &keycloak_sim::RunningSim {
        self.sim.as_ref().unwrap_or_else(|| {
            panic!("this test needs keycloak-sim's own API (its clock or faults): it runs on the simulator only")
        })
    }
}

/// Starts (the simulator) or prepares (the real server) Keycloak for a console at `console_url`.
pub async fn start_for(console_url: &str) -> TestKeycloak {
    match Backend::current() {
        Backend::Simulator => {
            let sim = super::spawn_sim(console_url).await;
            TestKeycloak {
                url: sim.base_url().to_owned(),
                sim: Some(sim),
                _turn: None,
            }
        }
        Backend::Real { url } => {
            static TURNS: LazyLock<std::sync::Arc<Semaphore>> =
                LazyLock::new(|| std::sync::Arc::new(Semaphore::new(1)));
            let turn = TURNS.clone().acquire_owned().await.unwrap();
            prepare_real(url, console_url).await;
            TestKeycloak {
                url: url.clone(),
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

    let admin = first(
        &http,
        &token,
        &format!("{url}/admin/realms/master/users?username=admin&exact=true"),
    )
    .await;
    let admin_id = admin["id"].as_str().unwrap();
    let consents: Value = http
        .get(format!(
            "{url}/admin/realms/master/users/{admin_id}/consents"
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for consent in consents.as_array().into_iter().flatten() {
        let client_id = consent["clientId"].as_str().unwrap();
        if client_id == "offline-console" {
            let revoked = http
                .delete(format!(
                    "{url}/admin/realms/master/users/{admin_id}/consents/{client_id}"
                ))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_eq!(revoked.status(), 204, "revoking admin's console grant");
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
/// username) created through the admin API, each with one offline session of `client` obtained
/// at the token endpoint as an application obtains it.
pub async fn seed_real(url: &str, realm: &str, users: u64, prefix: &str, client: (&str, &str)) {
    use futures::StreamExt;
    let token = super::keycloak_admin_token_at(url).await;
    let http = http();
    futures::stream::iter(1..=users)
        .map(|n| {
            let (http, token) = (&http, &token);
            async move {
                let username = format!("{prefix}{n}").to_lowercase();
                let created = http
                    .post(format!("{url}/admin/realms/{realm}/users"))
                    .bearer_auth(token)
                    .json(&json!({
                        "username": username,
                        "enabled": true,
                        "email": format!("{username}@example.test"),
                        "firstName": username,
                        "lastName": "Seeded",
                        "credentials": [{ "type": "password", "value": username, "temporary": false }],
                    }))
                    .send()
                    .await
                    .unwrap();
                assert!(
                    created.status() == 201 || created.status() == 409,
                    "creating {username}: {}",
                    created.status()
                );
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
