//! Client-credentials grant: tokens for the client's service-account user, without a
//! refresh token (Keycloak's default "use refresh tokens for client credentials" = off).

use super::scopes;
use super::token::{authenticate_client, TokenCall};
use super::tokens::{token_response, TokenRequest};
use crate::error::{ApiError, ApiResult};
use crate::model::UserSession;
use axum::http::StatusCode;
use serde_json::Value;

pub fn grant(call: &TokenCall) -> ApiResult<Value> {
    let now = call.state.now();
    let db = call.state.read();
    let realm = db
        .realm(call.realm)
        .ok_or_else(ApiError::realm_does_not_exist)?;
    let client_id = authenticate_client(realm, call)?;
    let client = realm.client(client_id).expect("authenticated");
    if client.public_client {
        return Err(ApiError::oauth(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            "Public client not allowed to retrieve service account",
        ));
    }
    let user = realm
        .users_by_username()
        .find(|u| u.service_account_client_id == Some(client_id))
        .filter(|_| client.service_accounts_enabled)
        .ok_or_else(|| {
            ApiError::oauth(
                StatusCode::BAD_REQUEST,
                "unauthorized_client",
                "Client not enabled to retrieve service account",
            )
        })?;
    let requested = scopes::requested(realm, client, call.form.get("scope"))?;
    let permitted = scopes::permitted(realm, user, &requested);
    let session = UserSession {
        id: crate::id::random_id(),
        user: user.id,
        started: now,
        last_refresh: now,
        ip: call.peer.ip(),
        remember_me: false,
        auth_time: None,
        clients: Vec::new(),
    };
    Ok(token_response(&TokenRequest {
        realm,
        issuer: &call.issuer,
        user,
        client,
        session: &session,
        offline: false,
        scopes: &permitted,
        openid: requested.openid,
        nonce: None,
        reuse_id: None,
        now,
        transient: true,
    }))
}
