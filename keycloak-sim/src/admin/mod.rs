//! Admin REST API (`/admin/realms/...`, Keycloak's `services/.../resources/admin/`).

pub mod caller;
pub mod client_sessions;
pub mod client_urls;
pub mod clients;
pub mod expiry;
pub mod paging;
pub mod permissions;
pub mod query;
pub mod realm;
pub mod reps;
pub mod roles;
mod routes {
    mod access;
    pub mod clients;
    pub mod realms;
    pub mod users;
}
pub mod user_search;
pub mod user_sessions;
pub mod users;

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::model::Client;
use crate::state::AppState;

/// Adds `path` and `path/`: JAX-RS matches both, and Keycloak's JS admin client calls
/// collection paths with the trailing slash (`/clients/?clientId=...`).
pub(crate) fn route_with_trailing_slash(
    router: axum::Router<AppState>,
    path: &str,
    handler: axum::routing::MethodRouter<AppState>,
) -> axum::Router<AppState> {
    router
        .route(path, handler.clone())
        .route(&format!("{path}/"), handler)
}

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .merge(routes::realms::router())
        .merge(routes::clients::router())
        .merge(routes::users::router())
        .method_not_allowed_fallback(method_not_allowed)
}

/// A known admin path with another method: authenticated first, then JAX-RS's 405.
async fn method_not_allowed(_caller: caller::AdminCaller) -> ApiError {
    ApiError::jaxrs(
        StatusCode::METHOD_NOT_ALLOWED,
        "HTTP 405 Method Not Allowed",
    )
}

/// A `first`/`max` value that is not an integer: JAX-RS answers 404 for an unconvertible
/// `@QueryParam` (exact body UNCONFIRMED).
fn not_an_integer() -> ApiError {
    ApiError::jaxrs(StatusCode::NOT_FOUND, "HTTP 404 Not Found")
}

/// `GlobalRequestResult` of a push to the clients' admin URLs. The simulator sends nothing,
/// so clients with an admin URL are reported failed; no admin URL at all gives `{}`.
fn global_request_result<'a>(clients: impl Iterator<Item = &'a Client>) -> Value {
    let failed: Vec<&str> = clients
        .filter_map(|client| client.admin_url.as_deref())
        .filter(|url| !url.is_empty())
        .collect();
    if failed.is_empty() {
        json!({})
    } else {
        json!({ "failedRequests": failed })
    }
}
