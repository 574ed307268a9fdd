#![recursion_limit = "256"]
//! keycloak-sim: a Keycloak-26-compatible HTTP simulator (realms, OIDC login and tokens,
//! offline sessions and consents), started as a binary or inside a test process.

pub mod account;
pub mod admin;
pub mod auth;
mod builtins;
pub mod clock;
pub mod error;
pub mod extract;
pub mod faults;
mod http;
pub mod id;
pub mod import;
pub mod keys;
pub mod model;
pub mod oidc;
mod pages;
pub mod seed;
mod sim_api;
pub mod state;
pub mod store;

use crate::clock::Clock;
use crate::state::AppState;
use crate::store::journal::{self, Event, Journal};
use crate::store::Db;
use axum::serve::ListenerExt;
use serde_json::Value;
use std::net::SocketAddr;
use std::path::PathBuf;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A realm file to import at start.
#[derive(Clone, Debug)]
pub enum RealmSource {
    File(PathBuf),
    Json(Value),
}

#[derive(Clone, Debug, Default)]
pub struct SimOptions {
    /// 0 picks a free port.
    pub port: u16,
    pub imports: Vec<RealmSource>,
    /// Persist state here (journal); `None` keeps everything in memory.
    pub data_dir: Option<PathBuf>,
    /// Answer the `/_sim/` control API.
    pub sim_api: bool,
}

pub struct RunningSim {
    base_url: String,
    state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl RunningSim {
    /// e.g. `http://127.0.0.1:41234`
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Direct access to the state (for tests and tools in the same process).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Stops accepting connections and waits for in-flight requests to finish.
    pub async fn shutdown(mut self) {
        self.stop().await;
    }

    async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Stops serving, as a killed process does, but keeps the state, as a real Keycloak's
    /// database does: the port closes and open connections close after the request they carry.
    pub async fn kill(&mut self) {
        self.stop().await;
    }

    /// Serves the same state on the same port again after `kill`, as a restart does.
    pub async fn serve_again(&mut self) -> Result<(), StartError> {
        let port = self
            .base_url
            .rsplit(':')
            .next()
            .and_then(|port| port.parse().ok())
            .ok_or_else(|| StartError(format!("no port in {}", self.base_url)))?;
        let (_, shutdown, task) = serve(self.state.clone(), port).await?;
        self.shutdown = Some(shutdown);
        self.task = Some(task);
        Ok(())
    }

    /// Runs until the server stops (binary use).
    pub async fn wait(mut self) -> std::io::Result<()> {
        match self.task.take() {
            Some(task) => task.await.map_err(std::io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for RunningSim {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The demo realm files, built into the library so that a binary keeps
/// working after the checkout it was built in is gone.
const DEMO_REALM_FILES: [(&str, &str); 2] = [
    ("master.json", include_str!("../realms/master.json")),
    ("demo.json", include_str!("../realms/demo.json")),
];

/// The bundled demo realms (`realms/master.json`, then `realms/demo.json`) as JSON.
pub fn demo_realms() -> Vec<Value> {
    DEMO_REALM_FILES
        .iter()
        .map(|(name, text)| {
            serde_json::from_str(text)
                .unwrap_or_else(|e| panic!("the bundled realms/{name} is not JSON: {e}"))
        })
        .collect()
}

#[derive(Debug)]
pub struct StartError(pub String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}

/// Loads state (journal replay, then imports of realms not yet present; `master` first)
/// and starts serving on 127.0.0.1.
pub async fn start(options: SimOptions) -> Result<RunningSim, StartError> {
    let state = build_state(&options)?;
    let (port, shutdown, task) = serve(state.clone(), options.port).await?;
    Ok(RunningSim {
        base_url: format!("http://127.0.0.1:{port}"),
        state,
        shutdown: Some(shutdown),
        task: Some(task),
    })
}

type ServeTask = JoinHandle<std::io::Result<()>>;

async fn serve(
    state: AppState,
    port: u16,
) -> Result<(u16, oneshot::Sender<()>, ServeTask), StartError> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| StartError(format!("cannot bind port {port}: {e}")))?;
    let port = listener
        .local_addr()
        .map_err(|e| StartError(e.to_string()))?
        .port();
    // Keycloak serves through Vert.x, whose TCP_NODELAY defaults to true (Nagle off).
    let listener = listener.tap_io(|connection| {
        let _ = connection.set_nodelay(true);
    });
    let app = http::router(state);
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = rx.await;
        })
        .await
    });
    Ok((port, tx, task))
}

fn load_source(source: &RealmSource) -> Result<Value, StartError> {
    match source {
        RealmSource::Json(value) => Ok(value.clone()),
        RealmSource::File(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| StartError(format!("cannot read {}: {e}", path.display())))?;
            serde_json::from_str(&text)
                .map_err(|e| StartError(format!("{} is not JSON: {e}", path.display())))
        }
    }
}

fn build_state(options: &SimOptions) -> Result<AppState, StartError> {
    let clock = Clock::default();
    let mut db = Db::default();
    let journal = match &options.data_dir {
        None => None,
        Some(dir) => {
            let (journal, events) = Journal::open(dir)
                .map_err(|e| StartError(format!("cannot open {}: {e}", dir.display())))?;
            for event in events {
                replay(&mut db, &clock, event)?;
            }
            Some(journal)
        }
    };
    let mut sources = options
        .imports
        .iter()
        .map(load_source)
        .collect::<Result<Vec<_>, _>>()?;
    // master first: other realms register their `<realm>-realm` client in it.
    sources.sort_by_key(|s| s.get("realm").and_then(Value::as_str) != Some("master"));
    if db.realm("master").is_none()
        && !sources
            .iter()
            .any(|s| s.get("realm").and_then(Value::as_str) == Some("master"))
    {
        sources.insert(0, serde_json::json!({ "realm": "master", "enabled": true }));
    }
    let state = AppState::new(db, clock, journal, options.sim_api);
    for source in sources {
        let name = source.get("realm").and_then(Value::as_str).unwrap_or("");
        if state.read().realm(name).is_some() {
            continue;
        }
        let event = Event::Import {
            source,
            seed: id::random_seed(),
            now_ms: state.clock().now_ms(),
        };
        if let Event::Import {
            source,
            seed,
            now_ms,
        } = &event
        {
            import::import_realm(&mut state.write(), source, *seed, *now_ms).map_err(StartError)?;
        }
        state.record(&event);
    }
    Ok(state)
}

fn replay(db: &mut Db, clock: &Clock, event: Event) -> Result<(), StartError> {
    match event {
        Event::Import {
            source,
            seed,
            now_ms,
        } => {
            import::import_realm(db, &source, seed, now_ms).map_err(StartError)?;
        }
        Event::Seed {
            realm,
            users,
            prefix,
            clients,
            now,
            seed,
            ages,
        } => {
            let spec = seed::SeedSpec {
                realm: &realm,
                users,
                prefix: &prefix,
                clients: &clients,
                now,
                seed,
                ages,
            };
            seed::seed_realm(db, &spec).map_err(|e| StartError(format!("{e:?}")))?;
        }
        Event::ClockOffset { offset } => clock
            .advance(offset - clock.offset())
            .map_err(|_| StartError(format!("clock offset {offset} out of range")))?,
        change => journal::apply_change(db, change),
    }
    Ok(())
}
