//! What every handler and server function can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use tower_sessions::Expiry;

use tower_sessions_sqlx_store::SqliteStore;

use crate::auth::caller::RefreshLocks;
use crate::auth::oidc::Oidc;
use crate::auth::sealed_store::SealedSessionStore;
use crate::auth::session_store::CachedSessionStore;
use crate::config::Config;
use crate::crypto::SealingKey;
use crate::db::Pool;
use crate::history::HistoryLock;
use crate::jobs::JobTasks;
use crate::keycloak::Keycloak;
use crate::server::limits::{ExportStreams, RequestSlots};

/// Where browser sessions live: in memory in front of the database, sealed at rest. Shared by
/// the request layer and by jobs that act through their owner's session.
pub type ConsoleSessionStore = CachedSessionStore<SealedSessionStore<SqliteStore>>;

/// Cloned for every request, extractor and render context, so cloning is one reference count.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
    pub db: Pool,
    pub keycloak: Keycloak,
    pub oidc: Oidc,
    pub refresh_locks: RefreshLocks,
    pub jobs: JobTasks,
    /// The store behind browser sessions, for jobs acting through their owner's session.
    pub session_store: ConsoleSessionStore,
    /// Seals sign-ins at rest, and the session id a job acts through.
    pub session_key: SealingKey,
    pub session_expiry: Expiry,
    pub history: HistoryLock,
    pub request_slots: RequestSlots,
    pub export_streams: Arc<ExportStreams>,
}

impl AppState {
    pub fn new(
        config: Config,
        db: Pool,
        session_store: ConsoleSessionStore,
        session_key: SealingKey,
    ) -> Self {
        let leptos_options = LeptosOptions::builder()
            .output_name("offline-console")
            .site_root(config.site_root.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .site_addr(config.bind)
            .build();
        let keycloak = Keycloak::new(config.keycloak_url.clone(), config.keycloak_timeouts);
        let oidc = Oidc::new(&config, keycloak.clone());
        let session_expiry = Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::try_from(config.session_lifetime)
                .unwrap_or(tower_sessions::cookie::time::Duration::hours(8)),
        );
        let config_slots = config.max_concurrent_requests;
        AppState(Arc::new(Shared {
            leptos_options,
            config: Arc::new(config),
            db,
            keycloak,
            oidc,
            refresh_locks: RefreshLocks::default(),
            jobs: JobTasks::default(),
            session_store,
            session_key,
            session_expiry,
            history: HistoryLock::default(),
            request_slots: RequestSlots::new(config_slots),
            export_streams: Arc::default(),
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
