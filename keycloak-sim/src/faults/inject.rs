//! The middleware that applies a matching fault to a request.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{Fault, FaultRegistry};
use crate::error::ApiError;

/// Applies the oldest fault matching the request path, to the fraction `rate` of requests:
/// waits `latencyMs`, then drops the connection (`reset`), answers `status`, or lets it through
/// and then drops the connection (`resetAfter`) or spoils the body (`malformedBody`).
/// The simulator applies it to itself; a test's fault proxy applies it in front of any Keycloak.
pub async fn layer(State(faults): State<FaultRegistry>, request: Request, next: Next) -> Response {
    let roll = rand::random::<f64>();
    let Some(fault) = faults.apply(request.uri().path(), roll) else {
        return next.run(request).await;
    };
    if fault.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.latency_ms)).await;
    }
    if fault.reset {
        return connection_reset();
    }
    match fault
        .status
        .and_then(|code| StatusCode::from_u16(code).ok())
    {
        Some(status) => injected_error(status).into_response(),
        None => after_handling(&fault, next.run(request).await),
    }
}

/// Faults that strike once Keycloak has handled (and maybe applied) the request.
fn after_handling(fault: &Fault, handled: Response) -> Response {
    if fault.reset_after {
        return connection_reset();
    }
    if fault.malformed_body {
        let (mut parts, _) = handled.into_parts();
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::from(MALFORMED_BODY));
    }
    handled
}

/// Truncated JSON, as a proxy cutting an answer short would deliver it.
const MALFORMED_BODY: &str = "{\"id\": \"trunc";

/// A response whose body fails before its first byte: hyper then closes the connection without
/// writing the buffered head, so the client sees the connection drop with no response at all.
fn connection_reset() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<Bytes, _>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "fault injection: reset",
        ))
    });
    Response::new(Body::from_stream(failing))
}

/// The body Keycloak's error handler gives an exception with this status: `HTTP <code> <reason>`
/// for client errors, `unknown_error` plus the "consult the server log" text for server errors.
fn injected_error(status: StatusCode) -> ApiError {
    if status.is_server_error() {
        ApiError::Jaxrs {
            status,
            error: "unknown_error".into(),
            description: Some("For more on this error consult the server log.".into()),
        }
    } else {
        let reason = status.canonical_reason().unwrap_or("Error");
        ApiError::jaxrs(status, format!("HTTP {} {}", status.as_u16(), reason))
    }
}
