//! `POST …/revoke` (RFC 7009, Keycloak's `TokenRevocationEndpoint`).

use super::client_auth;
use super::urls::issuer;
use crate::error::ApiError;
use crate::extract::FormParams;
use crate::id::Id;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

pub async fn revoke(
    State(state): State<AppState>,
    Path(realm): Path<String>,
    headers: HeaderMap,
    form: FormParams,
) -> Response {
    run(&state, &realm, &headers, &form).unwrap_or_else(IntoResponse::into_response)
}

/// Undecodable token, unknown session or user: 200 with this body.
fn invalid_token() -> Response {
    (
        StatusCode::OK,
        Json(json!({"error": "invalid_token", "error_description": "Invalid token"})),
    )
        .into_response()
}

fn run(
    state: &AppState,
    realm_name: &str,
    headers: &HeaderMap,
    form: &FormParams,
) -> Result<Response, ApiError> {
    let mut db = state.write();
    let realm = db
        .realm_mut(realm_name)
        .ok_or_else(ApiError::realm_does_not_exist)?;
    if form.has_duplicates() {
        return Err(ApiError::invalid_request("duplicated parameter"));
    }
    let client = client_auth::authenticate(realm, headers, form)?;
    if client.bearer_only {
        return Err(ApiError::oauth(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "Bearer-only not allowed",
        ));
    }
    let client_id = client.id;
    let client_name = client.client_id.clone();
    let token = form
        .get("token")
        .ok_or_else(|| ApiError::invalid_request("Token not provided"))?;
    let Some(claims) = realm.key.verify(token).filter(|c| {
        c.get("iss").and_then(Value::as_str) == Some(issuer(headers, realm_name).as_str())
    }) else {
        return Ok(invalid_token());
    };
    let typ = claims
        .get("typ")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !["Refresh", "Offline", "Bearer"].contains(&typ) {
        return Err(ApiError::oauth(
            StatusCode::BAD_REQUEST,
            "unsupported_token_type",
            "Unsupported token type",
        ));
    }
    if claims.get("azp").and_then(Value::as_str) != Some(client_name.as_str()) {
        return Err(ApiError::invalid_request("Unmatching clients"));
    }
    let session = claims
        .get("sid")
        .and_then(Value::as_str)
        .and_then(Id::parse);
    if typ == "Bearer" {
        let now = state.now();
        db.revoked_access_tokens.retain(|_, exp| *exp > now);
        let jti = claims
            .get("jti")
            .and_then(Value::as_str)
            .and_then(Id::parse);
        let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
        if let Some(jti) = jti {
            db.revoked_access_tokens.insert(jti, exp);
        }
        return Ok(StatusCode::OK.into_response());
    }
    let Some(session) = session else {
        return Ok(invalid_token());
    };
    let store_has =
        |s: Option<&crate::model::UserSession>| s.is_some_and(|s| realm.user(s.user).is_some());
    if typ == "Offline" {
        if !store_has(realm.offline().get(session)) {
            return Ok(invalid_token());
        }
        realm.detach_offline_client(session, client_id);
    } else if !store_has(realm.sessions.get(session)) {
        return Ok(invalid_token());
    }
    realm.sessions.detach_client_and_prune(session, client_id);
    Ok(StatusCode::OK.into_response())
}
