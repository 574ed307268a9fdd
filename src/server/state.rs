//! What every handler and server function can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::auth::caller::RefreshLocks;
use crate::auth::oidc::Oidc;
use crate::config::Config;
use crate::db::Pool;
use crate::history::HistoryLock;
use crate::jobs::JobTasks;
use crate::keycloak::Keycloak;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
    pub db: Pool,
    pub keycloak: Keycloak,
    pub oidc: Oidc,
    pub refresh_locks: RefreshLocks,
    pub jobs: JobTasks,
    pub history: HistoryLock,
}

impl AppState {
    pub fn new(config: Config, db: Pool) -> Self {
        let leptos_options = LeptosOptions::builder()
            .output_name("offline-console")
            .site_root(config.site_root.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .site_addr(config.bind)
            .build();
        let keycloak = Keycloak::new(config.keycloak_url.clone());
        let oidc = Oidc::new(&config, keycloak.clone());
        AppState {
            leptos_options,
            config: Arc::new(config),
            db,
            keycloak,
            oidc,
            refresh_locks: RefreshLocks::default(),
            jobs: JobTasks::default(),
            history: HistoryLock::default(),
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
