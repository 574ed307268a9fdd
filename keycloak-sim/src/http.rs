//! The router: OIDC, simulator controls, and the admin/account APIs of issue 4.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::Router;

/// Request bodies above this are refused.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(crate::oidc::router())
        .merge(crate::sim_api::router())
        .merge(crate::admin::router())
        .merge(crate::account::router())
        .fallback(|| async { ApiError::not_found("HTTP 404 Not Found") })
        .layer(axum::middleware::from_fn_with_state(
            state.shared().faults.clone(),
            crate::faults::layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::sim_api::gate,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}
