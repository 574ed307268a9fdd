//! Account REST API (`/realms/{realm}/account/...`, contract §3).

mod applications;
mod caller;
mod messages;
mod sessions;

use axum::routing::get;
use axum::Router;

use crate::admin::route_with_trailing_slash;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    let mut router = Router::new();
    // Unversioned and `v1` paths reach the same resources (`AccountLoader`).
    for base in ["/realms/{realm}/account", "/realms/{realm}/account/v1"] {
        router = route_with_trailing_slash(
            router,
            &format!("{base}/applications"),
            get(applications::list),
        );
        router = route_with_trailing_slash(
            router,
            &format!("{base}/applications/{{client}}/consent"),
            get(applications::consent).delete(applications::revoke_consent),
        );
        router =
            route_with_trailing_slash(router, &format!("{base}/sessions"), get(sessions::list));
        router = route_with_trailing_slash(
            router,
            &format!("{base}/sessions/devices"),
            get(sessions::devices),
        );
    }
    router
}
