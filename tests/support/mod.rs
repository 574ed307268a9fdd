//! `spawn_app()`: the real console and a real keycloak-sim, both on port 0,
//! with a fresh database in a temporary directory.
#![allow(dead_code)]

use std::net::SocketAddr;

use offline_console::config::{Args, Config};
use offline_console::server::{self, AppState};
use tokio::net::TcpListener;

pub struct TestApp {
    pub addr: SocketAddr,
    pub url: String,
    pub state: AppState,
    pub sim: keycloak_sim::RunningSim,
    _dir: tempfile::TempDir,
}

impl TestApp {
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap()
    }

    pub fn sim_url(&self) -> &str {
        self.sim.base_url()
    }
}

/// The demo realms with the console's redirect URIs pointed at `console_url`.
pub fn demo_realms_for(console_url: &str) -> Vec<keycloak_sim::RealmSource> {
    keycloak_sim::demo_realms()
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let mut realm: serde_json::Value = serde_json::from_str(&text).unwrap();
            for client in realm["clients"].as_array_mut().into_iter().flatten() {
                if client["clientId"] == "offline-console" {
                    client["redirectUris"] = serde_json::json!([format!("{console_url}/*")]);
                    client["webOrigins"] = serde_json::json!([console_url]);
                    client["attributes"]["post.logout.redirect.uris"] =
                        serde_json::json!(format!("{console_url}/*"));
                }
            }
            keycloak_sim::RealmSource::Json(realm)
        })
        .collect()
}

pub async fn spawn_sim(console_url: &str) -> keycloak_sim::RunningSim {
    keycloak_sim::start(keycloak_sim::SimOptions {
        port: 0,
        imports: demo_realms_for(console_url),
        data_dir: None,
        sim_api: true,
    })
    .await
    .expect("keycloak-sim starts")
}

pub fn config(addr: SocketAddr, keycloak_url: &str, database_url: &str) -> Config {
    let public_url = format!("http://{addr}");
    let bind = addr.to_string();
    let args = [
        "offline-console",
        "--keycloak-url",
        keycloak_url,
        "--client-secret",
        "offline-console-secret",
        "--public-url",
        &public_url,
        "--bind",
        &bind,
        "--database-url",
        database_url,
    ];
    use clap::Parser;
    Config::from_args(Args::try_parse_from(args).unwrap()).unwrap()
}

pub async fn spawn_app() -> TestApp {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let url = format!("http://{addr}");
    let sim = spawn_sim(&url).await;
    let dir = tempfile::tempdir().unwrap();
    let database_url = format!("sqlite://{}/console.db", dir.path().display());
    let config = config(addr, sim.base_url(), &database_url);
    let (router, state) = server::build(config).await.expect("console builds");
    tokio::spawn(async move { axum::serve(listener, router).await });
    TestApp {
        addr,
        url,
        state,
        sim,
        _dir: dir,
    }
}
