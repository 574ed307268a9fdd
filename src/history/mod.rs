//! History: the console as an offline-access client of Keycloak. An
//! administrator grants the console an offline token (stored sealed with
//! HISTORY_KEY); a scheduler uses it to record session counts over time.

pub mod access;
pub mod connect;
pub mod crypto;
pub mod disconnect;
pub mod export;
pub mod scheduler;
pub mod snapshot;
pub mod store;

use std::sync::Arc;

use axum::routing::post;
use axum::Router;

use crate::state::AppState;

/// Held for every use of the stored token: one refresh at a time, since with
/// `revokeRefreshToken` and max reuse 0 a second concurrent refresh would end the grant.
pub type HistoryLock = Arc<tokio::sync::Mutex<()>>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/history/connect", post(connect::begin))
        .route("/history/disconnect", post(disconnect::disconnect))
}

/// Whose eyes a realm's history is for: those who may read its session
/// counts in Keycloak (view-realm, as `client-session-stats` requires).
pub fn sees_realm(who: &crate::auth::SignedIn, realm: &str) -> bool {
    let holds = |roles: Option<&std::collections::BTreeSet<String>>| {
        roles.is_some_and(|r| {
            ["view-realm", "manage-realm", "realm-admin"]
                .iter()
                .any(|role| r.contains(*role))
        })
    };
    (who.realm == realm && holds(who.client_roles.get("realm-management")))
        || (who.realm == "master" && holds(who.client_roles.get(&format!("{realm}-realm"))))
}
