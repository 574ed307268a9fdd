//! Server-function errors raised before the function body runs (arguments that
//! are missing or cannot be decoded) leave leptos' generic 500 on the response;
//! this gives them the status of the `AppError` they carry, e.g. 400.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::AppError;

/// Error answers are a short JSON `AppError`; anything larger is not one.
const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn error_status(request: Request<Body>, next: Next) -> Response {
    let response = next.run(request).await;
    let is_fn_error = response
        .headers()
        .contains_key(leptos::server_fn::error::SERVER_FN_ERROR_HEADER);
    if !is_fn_error || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        if let Ok(status) = StatusCode::from_u16(error.status()) {
            parts.status = status;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
