//! Resource-owner password grant (Keycloak's `ResourceOwnerPasswordCredentialsGrantType`).

use super::login::{create_or_update_offline, create_session};
use super::scopes;
use super::token::{in_realm_as_client, TokenCall};
use super::tokens::{token_response, TokenRequest};
use crate::error::{ApiError, ApiResult};
use crate::id::Id;
use crate::store::Realm;
use axum::http::StatusCode;
use serde_json::Value;

pub fn grant(call: &TokenCall) -> ApiResult<Value> {
    in_realm_as_client(call, |realm, client_id, now| {
        exchange(call, realm, client_id, now)
    })
}

fn exchange(call: &TokenCall, realm: &mut Realm, client_id: Id, now: i64) -> ApiResult<Value> {
    let client = realm.client(client_id).expect("authenticated");
    if !client.direct_access_grants_enabled {
        return Err(ApiError::oauth(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            "Client not allowed for direct access grants",
        ));
    }
    if client.consent_required {
        return Err(ApiError::oauth(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "Client requires user consent",
        ));
    }
    let invalid_credentials = || {
        ApiError::oauth(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "Invalid user credentials",
        )
    };
    let username = call.form.get("username").ok_or_else(invalid_credentials)?;
    let password = call.form.get("password").ok_or_else(invalid_credentials)?;
    let user = realm
        .user_by_username(username)
        .filter(|u| u.service_account_client_id.is_none())
        .filter(|u| u.password.as_deref() == Some(password))
        .ok_or_else(invalid_credentials)?;
    if !user.enabled {
        return Err(ApiError::invalid_grant("Account disabled"));
    }
    let requested = scopes::requested(realm, client, call.form.get("scope"))?;
    let permitted = scopes::permitted(realm, user, &requested);
    let offline = requested.offline_requested(realm);
    if offline && !scopes::offline_allowed(realm, user, client, &permitted) {
        return Err(ApiError::offline_not_allowed());
    }
    let user_id = user.id;
    let permitted_ids: Vec<_> = permitted.iter().map(|s| s.id).collect();
    let session_id = create_session(realm, user_id, Some(client_id), call.peer.ip(), now, false);
    if offline {
        create_or_update_offline(realm, session_id, client_id, now);
        // The online session of a password grant is dropped when the token is offline.
        realm.sessions.remove(session_id);
    }
    let realm = &*realm;
    let permitted: Vec<_> = permitted_ids
        .iter()
        .filter_map(|id| realm.scope(*id))
        .collect();
    let session = if offline {
        realm.offline().get(session_id)
    } else {
        realm.sessions.get(session_id)
    }
    .expect("just created");
    let reuse_id = realm
        .settings
        .revoke_refresh_token
        .then(crate::id::random_id);
    Ok(token_response(&TokenRequest {
        realm,
        issuer: &call.issuer,
        user: realm.user(user_id).expect("present"),
        client: realm.client(client_id).expect("present"),
        session,
        offline,
        scopes: &permitted,
        openid: requested.openid,
        nonce: None,
        reuse_id,
        now,
        transient: false,
    }))
}
