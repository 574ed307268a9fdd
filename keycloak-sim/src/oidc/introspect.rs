//! `POST …/token/introspect` (RFC 7662): an authenticated client asks whether a token is
//! active; an active access token comes back with its claims.

use super::client_auth;
use crate::auth::validate_access_token;
use crate::error::ApiError;
use crate::extract::FormParams;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{json, Value};

pub async fn introspect(
    State(state): State<AppState>,
    Path(realm_name): Path<String>,
    headers: HeaderMap,
    form: FormParams,
) -> Result<Json<Value>, ApiError> {
    let db = state.read();
    let realm = db
        .realm(&realm_name)
        .ok_or_else(ApiError::realm_does_not_exist)?;
    client_auth::authenticate(realm, &headers, &form)?;
    let token = form.get("token").unwrap_or_default();
    let Some(claims) = validate_access_token(realm, &db, token, state.now()) else {
        return Ok(Json(json!({ "active": false })));
    };
    let mut body = (*claims).clone();
    body["active"] = json!(true);
    body["client_id"] = claims.get("azp").cloned().unwrap_or(Value::Null);
    body["token_type"] = json!("Bearer");
    if let Some(username) = claims.get("preferred_username") {
        body["username"] = username.clone();
    }
    Ok(Json(body))
}
