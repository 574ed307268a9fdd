//! `POST /realms/{realm}/protocol/openid-connect/token` (Keycloak's `protocol/oidc/grants/` and
//! `TokenManager`).

use crate::error::{ApiError, ApiResult};
use crate::extract::FormParams;
use crate::oidc::client_auth;
use crate::oidc::urls::issuer;
use crate::state::AppState;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::net::SocketAddr;

/// What every grant needs from the request.
pub struct TokenCall<'a> {
    pub state: &'a AppState,
    pub realm: &'a str,
    pub headers: &'a HeaderMap,
    pub form: &'a FormParams,
    pub peer: SocketAddr,
    pub issuer: String,
}

pub async fn token(
    State(state): State<AppState>,
    Path(realm): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    form: FormParams,
) -> Response {
    let call = TokenCall {
        state: &state,
        realm: &realm,
        headers: &headers,
        form: &form,
        peer,
        issuer: issuer(&headers, &realm),
    };
    match dispatch(&call) {
        Ok(body) => (
            [
                (axum::http::header::CACHE_CONTROL, "no-store"),
                (axum::http::header::PRAGMA, "no-cache"),
            ],
            Json(body),
        )
            .into_response(),
        Err(err) => err.into_response(),
    }
}

fn dispatch(call: &TokenCall) -> ApiResult<serde_json::Value> {
    if call.state.read().realm(call.realm).is_none() {
        return Err(ApiError::realm_does_not_exist());
    }
    let grant_type = call
        .form
        .get("grant_type")
        .ok_or_else(|| ApiError::invalid_request("Missing form parameter: grant_type"))?;
    match grant_type {
        "password" => super::grant_password::grant(call),
        "client_credentials" => super::grant_client_credentials::grant(call),
        "refresh_token" => super::grant_refresh::grant(call),
        "authorization_code" => super::grant_code::grant(call),
        _ => Err(ApiError::oauth(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Unsupported grant_type",
        )),
    }
}

/// Where the grants that may change the realm start: the realm (else `Realm does
/// not exist`), then client authentication. `grant` gets the realm, the
/// authenticated client and the time of the call; changes are journaled after it.
pub fn in_realm_as_client<T>(
    call: &TokenCall,
    grant: impl FnOnce(&mut crate::store::Realm, crate::id::Id, i64) -> ApiResult<T>,
) -> ApiResult<T> {
    let now = call.state.now();
    let mut db = call.state.write();
    let realm = db
        .realm_mut(call.realm)
        .ok_or_else(ApiError::realm_does_not_exist)?;
    let client_id = authenticate_client(realm, call)?;
    grant(realm, client_id, now)
}

/// Client authentication shared by the grants; bearer-only clients cannot get tokens.
/// A form parameter sent twice is refused right after it (Keycloak 26's order).
pub fn authenticate_client(
    realm: &crate::store::Realm,
    call: &TokenCall,
) -> ApiResult<crate::id::Id> {
    let client = client_auth::authenticate(realm, call.headers, call.form)?;
    if call.form.has_duplicates() {
        return Err(ApiError::invalid_request("duplicated parameter"));
    }
    if client.bearer_only {
        return Err(ApiError::oauth(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "Bearer-only not allowed",
        ));
    }
    Ok(client.id)
}
