//! The HTTP server: state, middleware, routes, start and graceful shutdown.

pub mod fn_status;
pub mod health;
pub mod limits;
pub mod listen;
pub mod security;
pub mod telemetry;

use std::sync::OnceLock;
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tokio::net::TcpListener;
use tower_sessions::cookie::SameSite;
use tower_sessions::{ExpiredDeletion, SessionManagerLayer};
use tower_sessions_sqlx_store::SqliteStore;

use crate::app::{shell, App};
use crate::auth::sealed_store::SealedSessionStore;
use crate::auth::session_store::CachedSessionStore;
use crate::config::Config;
use crate::state::AppState;

/// Name of the console's session cookie.
pub const SESSION_COOKIE: &str = "oc_session";
/// On https the cookie carries the `__Host-` prefix: browsers then keep it only as sent by
/// this host, Secure, for the whole site, so a sibling subdomain cannot plant or shadow it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-oc_session";

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Database(#[from] crate::db::DbError),
    #[error(transparent)]
    SessionKey(#[from] crate::auth::session_key::SessionKeyError),
    #[error("BIND_ADDR: cannot listen on {addr}: {reason}")]
    Bind { addr: String, reason: String },
    #[error("resuming background jobs failed: {0}")]
    Jobs(String),
    #[error("serving HTTP failed: {0}")]
    Serve(String),
}

/// Builds the whole application: database, session store, routes, middleware.
/// The state is returned too, for background tasks and tests.
pub async fn build(config: Config) -> Result<(Router, AppState), StartError> {
    let db = crate::db::connect(&config.database_url).await?;
    let session_key = crate::auth::session_key::load_or_create(&config)?;
    let session_store = SqliteStore::new(db.clone());
    session_store
        .migrate()
        .await
        .map_err(|e| crate::db::DbError::Migrate(e.to_string()))?;
    tokio::spawn(
        session_store
            .clone()
            .continuously_delete_expired(Duration::from_secs(300)),
    );
    let session_store =
        CachedSessionStore::new(SealedSessionStore::new(session_store, session_key.clone()));
    let secure = config.cookies_secure();
    let state = AppState::new(config, db, session_store.clone(), session_key);
    let sessions = SessionManagerLayer::new(session_store)
        .with_name(if secure {
            SECURE_SESSION_COOKIE
        } else {
            SESSION_COOKIE
        })
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure)
        .with_path("/")
        .with_expiry(state.session_expiry);
    crate::jobs::resume_unfinished(&state)
        .await
        .map_err(|e| StartError::Jobs(e.to_string()))?;
    crate::history::scheduler::start(&state)
        .await
        .map_err(|e| StartError::Jobs(format!("history: {e}")))?;
    let routes = route_list();
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            provide_context(crate::auth::session::RequestSignedIn::default());
            // The nonce the security layer put in this request's Content-Security-Policy.
            let nonce = use_context::<axum::http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<security::PageNonce>().cloned());
            match nonce {
                Some(security::PageNonce(nonce)) => provide_context(nonce),
                None => leptos::nonce::provide_nonce(),
            }
        }
    };
    let options = state.leptos_options.clone();
    let exports = Router::new()
        .route("/audit.csv", get(crate::audit::export::download))
        .route("/history.csv", get(crate::history::export::history_csv))
        .merge(crate::export::router())
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limits::count_export,
        ));
    let router = Router::new()
        .merge(exports)
        .merge(crate::auth::routes::router())
        .merge(crate::history::router())
        .leptos_routes_with_context(&state, routes, context.clone(), move || {
            shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(axum::middleware::from_fn(fn_status::error_status))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::refuse_cross_site_mutations,
        ))
        .layer(sessions)
        // Outside the session layer, so a waiting request holds no session or buffers.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limits::in_a_slot,
        ))
        // Probes stay answerable while the console is busy.
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        // Outside the slots: a slow or oversized upload never holds one.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limits::read_body_first,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ));
    let router = telemetry::with_request_layers(router).with_state(state.clone());
    Ok((router, state))
}

/// The paths of the console's pages as the router serves them (`/admin/{realm}`, ...): a test
/// that must meet every page takes them from here.
pub fn page_paths() -> Vec<String> {
    route_list()
        .iter()
        .map(|route| route.path().to_owned())
        .collect()
}

/// The console's routes, generated once per process. Generating them sets leptos'
/// process-wide "suppress resource loading" flag, and any resource first polled meanwhile,
/// in any render, stays pending for good (leptos #4773): a console built while another
/// renders (the tests, an in-process restart) would hang that page.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Binds, serves until SIGINT/SIGTERM, then drains in-flight requests.
pub async fn run(config: Config) -> Result<(), StartError> {
    let addr = config.bind;
    let public_url = config.public_url.clone();
    let (router, state) = build(config).await?;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| StartError::Bind {
            addr: addr.to_string(),
            reason: e.to_string(),
        })?;
    let bound = listener
        .local_addr()
        .map_err(|e| StartError::Serve(e.to_string()))?;
    tracing::info!(%bound, %public_url, "offline-console listening");
    let client_timeout = state.config.client_timeout;
    listen::serve(listener, router, client_timeout, shutdown_signal()).await;
    // Jobs stop with the process; the next start resumes them from the database.
    state.jobs.abort_all();
    tracing::info!("offline-console stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received, draining requests");
}
