//! Browser-facing protections: security headers and the same-origin rule for
//! every state-changing request.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;

/// Headers every response carries. The Content-Security-Policy of HTML pages is
/// set by the shell, because it carries the per-response script nonce.
pub async fn headers(request: Request<Body>, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
        ));
    response
}

/// Refuses state-changing requests that a browser marks as coming from another
/// site. Browsers always send `Origin` on POST; requests with neither `Origin`
/// nor `Sec-Fetch-Site` come from non-browser clients, which cannot be tricked
/// into sending the user's cookie, so they pass. A plain form post from one of
/// our own pages carries `Origin: null` (our `Referrer-Policy: no-referrer`
/// tells the browser to hide it), so then `Sec-Fetch-Site` decides.
pub async fn refuse_cross_site_mutations(
    State(state): State<AppState>,
    request: Request<Body>,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let allowed = match (origin, fetch_site) {
        (Some("null"), Some(site)) => site == "same-origin",
        (Some(origin), _) => origin == state.config.public_origin(),
        (None, Some(site)) => site == "same-origin" || site == "none",
        (None, None) => true,
    };
    if allowed {
        next.run(request).await
    } else {
        tracing::warn!(?origin, ?fetch_site, "refused a cross-site request");
        (
            StatusCode::FORBIDDEN,
            axum::Json(crate::error::AppError::CrossSite),
        )
            .into_response()
    }
}
