//! `GET|POST …/userinfo` with a bearer access token.

use super::scopes;
use crate::auth::{bearer_token, validate_access_token};
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde_json::{json, Map, Value};

pub async fn userinfo(
    State(state): State<AppState>,
    Path(realm_name): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let db = state.read();
    let realm = db
        .realm(&realm_name)
        .ok_or_else(ApiError::realm_does_not_exist)?;
    let token = bearer_token(&headers).ok_or_else(|| ApiError::bearer_challenge(&realm_name))?;
    let invalid = || {
        ApiError::oauth(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "Token verification failed",
        )
    };
    let claims = validate_access_token(realm, &db, token, state.now()).ok_or_else(invalid)?;
    let client = claims
        .get("azp")
        .and_then(Value::as_str)
        .and_then(|c| realm.client_by_client_id(c))
        .ok_or_else(invalid)?;
    let user = claims
        .get("sub")
        .and_then(Value::as_str)
        .and_then(crate::id::Id::parse)
        .and_then(|id| realm.user(id))
        .ok_or_else(invalid)?;
    let requested = scopes::requested(realm, client, claims.get("scope").and_then(Value::as_str))
        .map_err(|_| invalid())?;
    let granted = scopes::permitted(realm, user, &requested);
    let has = |name: &str| granted.iter().any(|s| s.name == name);
    let mut body = Map::new();
    body.insert("sub".into(), json!(user.id));
    if has("email") {
        body.insert("email_verified".into(), json!(user.email_verified));
    }
    if has("profile") {
        let name: Vec<&str> = [user.first_name.as_deref(), user.last_name.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if !name.is_empty() {
            body.insert("name".into(), json!(name.join(" ")));
        }
        body.insert("preferred_username".into(), json!(user.username));
        if let Some(v) = &user.first_name {
            body.insert("given_name".into(), json!(v));
        }
        if let Some(v) = &user.last_name {
            body.insert("family_name".into(), json!(v));
        }
    }
    if has("email") {
        if let Some(v) = &user.email {
            body.insert("email".into(), json!(v));
        }
    }
    Ok(Json(Value::Object(body)))
}
