//! Fault injection (issue 4 fills this in).

use crate::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

#[derive(Default)]
pub struct FaultRegistry {}

/// Middleware applied to every request.
pub async fn layer(State(_state): State<AppState>, request: Request, next: Next) -> Response {
    next.run(request).await
}
