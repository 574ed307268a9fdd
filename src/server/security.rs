//! Browser-facing protections: security headers and the same-origin rule for
//! every state-changing request.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use leptos::nonce::Nonce;

use crate::state::AppState;

/// This response's script nonce. It is made here, before the page renders, and handed to
/// leptos as its nonce, so the Content-Security-Policy header and the page's `<script nonce>`
/// always agree, whatever path the page took through the renderer.
#[derive(Clone)]
pub struct PageNonce(pub Nonce);

/// Headers every response carries, including the Content-Security-Policy: HTML pages may run
/// only the scripts carrying this response's nonce, every other response nothing at all.
pub async fn headers(
    State(state): State<AppState>,
    mut request: Request<Body>,
    next: Next,
) -> Response {
    let nonce = Nonce::new();
    request.extensions_mut().insert(PageNonce(nonce.clone()));
    let cacheable = is_static_asset(request.uri().path());
    let mut response = next.run(request).await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    let policy = if is_page {
        HeaderValue::from_str(&page_policy(&nonce, &state)).ok()
    } else {
        None
    };
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
    // Pages and answers hold one person's data: no browser or proxy may keep a copy.
    if !cacheable {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config.cookies_secure() {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        policy.unwrap_or(HeaderValue::from_static(
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
        )),
    );
    response
}

/// The site's own files (the bundle, styles, icons): the same for everyone.
fn is_static_asset(path: &str) -> bool {
    path.starts_with("/pkg/") || path.starts_with("/favicon")
}

/// Sign-out forms redirect to Keycloak's logout page, which `form-action` must allow.
fn page_policy(nonce: &Nonce, state: &AppState) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; frame-ancestors 'none'; form-action 'self' {}",
        state.config.keycloak_url.origin().ascii_serialization()
    )
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
