//! Endpoints the discovery document advertises for flows the simulator does not run (device
//! grant, CIBA, pushed authorization, dynamic registration) and the session-status iframe.
//! Each answers as Keycloak does for a client that may not use the flow, after the same
//! client authentication, so a caller sees Keycloak's errors rather than a missing route.

use super::client_auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::FormParams;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Html;

fn authenticated_client(
    state: &AppState,
    realm: &str,
    headers: &HeaderMap,
    form: &FormParams,
) -> ApiResult<()> {
    let db = state.read();
    let realm = db.realm(realm).ok_or_else(ApiError::realm_does_not_exist)?;
    client_auth::authenticate(realm, headers, form).map(|_| ())
}

/// `GET …/login-status-iframe.html`: the page relying parties embed for session status.
pub async fn login_status_iframe(
    State(state): State<AppState>,
    Path(realm): Path<String>,
) -> ApiResult<Html<&'static str>> {
    state
        .read()
        .realm(&realm)
        .ok_or_else(ApiError::realm_does_not_exist)?;
    Ok(Html("<!doctype html>\n<html>\n  <head>\n    <meta charset=\"utf-8\">\n  </head>\n  <body>\n  </body>\n</html>\n"))
}

/// `GET …/auth/device`: the page where a person types a device's user code.
pub async fn device_page(
    State(state): State<AppState>,
    Path(realm): Path<String>,
) -> ApiResult<Html<String>> {
    state
        .read()
        .realm(&realm)
        .ok_or_else(ApiError::realm_does_not_exist)?;
    let realm = crate::pages::escape(&realm);
    Ok(Html(format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in to {realm}</title></head>\n<body><h1>Device Login</h1><form id=\"kc-user-verify-device-user-code-form\" method=\"post\"><label for=\"device-user-code\">Enter the code provided by your device and click Submit</label><input id=\"device-user-code\" name=\"device_user\" type=\"text\"><input type=\"submit\" value=\"Submit\"></form></body></html>\n"
    )))
}

/// `POST …/auth/device` and `POST …/ext/ciba/auth`: no client here may start these flows.
pub async fn client_authenticated_flow(
    State(state): State<AppState>,
    Path(realm): Path<String>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    form: FormParams,
) -> ApiError {
    if let Err(error) = authenticated_client(&state, &realm, &headers, &form) {
        return error;
    }
    if uri.path().ends_with("/ciba/auth") {
        ApiError::oauth(
            StatusCode::UNAUTHORIZED,
            "invalid_grant",
            "Client not allowed OIDC CIBA Grant",
        )
    } else {
        ApiError::oauth(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            "Client is not allowed to initiate OAuth 2.0 Device Authorization Grant. The flow is disabled for the client.",
        )
    }
}

/// `POST …/ext/par/request`: authentication first, then the request's parameters.
pub async fn par(
    State(state): State<AppState>,
    Path(realm): Path<String>,
    headers: HeaderMap,
    form: FormParams,
) -> ApiError {
    if authenticated_client(&state, &realm, &headers, &form).is_err() {
        return ApiError::oauth(
            StatusCode::UNAUTHORIZED,
            "invalid_request",
            "Authentication failed.",
        );
    }
    ApiError::oauth(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        "Invalid parameter: redirect_uri",
    )
}

/// `POST …/clients-registrations/openid-connect`: JSON only; anonymous registration is
/// refused by the realm's default "Trusted Hosts" policy.
pub async fn registration(
    State(state): State<AppState>,
    Path(realm): Path<String>,
    headers: HeaderMap,
) -> ApiError {
    if state.read().realm(&realm).is_none() {
        return ApiError::realm_does_not_exist();
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json {
        return ApiError::jaxrs(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "The content-type header value did not match the value in @Consumes",
        );
    }
    ApiError::oauth(
        StatusCode::FORBIDDEN,
        "insufficient_scope",
        "Policy 'Trusted Hosts' rejected request to client-registration service. Details: Host not trusted.",
    )
}
