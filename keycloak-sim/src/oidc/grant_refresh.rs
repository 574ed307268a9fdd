//! Refresh-token grant: every check of Keycloak's `RefreshTokenGrantType` and
//! `TokenManager.refreshAccessToken`, in its order, then rotation.

use super::refresh_token::{decode, detach_client, ensure_live_session, session_of, RefreshClaims};
use super::scopes::{self, RequestedScopes};
use super::token::{in_realm_as_client, TokenCall};
use super::tokens::{token_response, TokenRequest};
use crate::error::{ApiError, ApiResult};
use crate::id::Id;
use crate::model::ReuseState;
use crate::store::Realm;
use axum::http::StatusCode;
use serde_json::Value;

pub fn grant(call: &TokenCall) -> ApiResult<Value> {
    in_realm_as_client(call, |realm, client_id, now| {
        exchange(call, realm, client_id, now)
    })
}

fn exchange(call: &TokenCall, realm: &mut Realm, client_id: Id, now: i64) -> ApiResult<Value> {
    let encoded = call
        .form
        .get("refresh_token")
        .ok_or_else(|| ApiError::invalid_request("No refresh token"))?;
    let token = decode(realm, encoded, &call.issuer, now)?;
    if token.azp != realm.client(client_id).expect("authenticated").client_id {
        return Err(ApiError::invalid_grant(
            "Invalid refresh token. Token client and authorized client don't match",
        ));
    }
    ensure_live_session(realm, &token, now)?;
    let requested = match validate(realm, &token, client_id, call.form.get("scope"), now) {
        Ok(requested) => requested,
        Err(Failure::Plain(err)) => return Err(err),
        Err(Failure::DetachClient(err)) => {
            detach_client(realm, token.offline, token.session, client_id);
            return Err(err);
        }
    };
    if realm.settings.revoke_refresh_token {
        if let Err(err) = rotate(realm, &token, client_id, now) {
            detach_client(realm, token.offline, token.session, client_id);
            return Err(err);
        }
    }
    touch_session(realm, &token, client_id, now);
    let realm = &*realm;
    let session = session_of(realm, &token).expect("validated");
    let user = realm.user(session.user).expect("validated");
    let client = realm.client(client_id).expect("authenticated");
    let permitted = scopes::permitted(realm, user, &requested);
    Ok(token_response(&TokenRequest {
        realm,
        issuer: &call.issuer,
        user,
        client,
        session,
        offline: token.offline,
        scopes: &permitted,
        openid: requested.openid,
        nonce: None,
        reuse_id: realm
            .settings
            .revoke_refresh_token
            .then(|| token.reuse_id.unwrap_or_else(crate::id::random_id)),
        now,
        transient: false,
    }))
}

enum Failure {
    Plain(ApiError),
    /// Failures after which Keycloak drops the client session.
    DetachClient(ApiError),
}

impl From<ApiError> for Failure {
    fn from(err: ApiError) -> Self {
        Failure::Plain(err)
    }
}

/// The checks on a live session: user, client session, not-before, offline access still
/// granted and consent, in Keycloak's order.
fn validate(
    realm: &Realm,
    token: &RefreshClaims,
    client_id: Id,
    narrowed: Option<&str>,
    now: i64,
) -> Result<RequestedScopes, Failure> {
    let session = session_of(realm, token).expect("checked live");
    let client = realm.client(client_id).expect("authenticated");
    let user = realm
        .user(session.user)
        .ok_or_else(|| ApiError::invalid_grant("Unknown user"))?;
    if !user.enabled {
        return Err(ApiError::invalid_grant("User disabled").into());
    }
    if token.iat < session.started {
        return Err(ApiError::invalid_grant(
            "Refresh token issued before the user session started",
        )
        .into());
    }
    let client_session = session
        .client(client_id)
        .ok_or_else(|| ApiError::invalid_grant("Session doesn't have required client"))?;
    let deadline = if token.offline {
        realm.offline_deadline(session, client)
    } else {
        realm.client_session_deadline(session, client)
    };
    if deadline <= now {
        return Err(Failure::DetachClient(ApiError::invalid_grant(
            "Client session not active",
        )));
    }
    if token.iat < client_session.started {
        return Err(ApiError::invalid_grant(
            "refresh token issued before the client session started",
        )
        .into());
    }
    if token.iat < realm.client_realm_not_before(client) || token.iat < user.not_before {
        return Err(ApiError::invalid_grant("Stale token").into());
    }
    let requested = requested_scopes(realm, client_id, token, narrowed)?;
    if token.offline && !requested.offline_requested(realm) {
        return Err(ApiError::invalid_grant(
            "Offline session invalid because offline access not granted anymore",
        )
        .into());
    }
    check_consent(realm, session.user, client_id, &requested)?;
    let permitted = scopes::permitted(realm, user, &requested);
    if requested.offline_requested(realm)
        && !scopes::offline_allowed(realm, user, client, &permitted)
    {
        return Err(ApiError::offline_not_allowed().into());
    }
    Ok(requested)
}

/// The token's scopes, optionally narrowed by a `scope` parameter (which may not widen them).
fn requested_scopes(
    realm: &Realm,
    client_id: Id,
    token: &RefreshClaims,
    narrowed: Option<&str>,
) -> ApiResult<RequestedScopes> {
    let client = realm.client(client_id).expect("authenticated");
    let granted: Vec<&str> = token.scope.split_whitespace().collect();
    let names = match narrowed {
        Some(raw) => {
            if raw.split_whitespace().any(|n| !granted.contains(&n)) {
                return Err(ApiError::oauth(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    format!("Invalid scopes: {raw}"),
                ));
            }
            raw.to_string()
        }
        None => token.scope.clone(),
    };
    let (defaults, optionals) = realm.client_scopes(client);
    let named: Vec<&str> = names.split_whitespace().collect();
    let mut scopes: Vec<Id> = defaults.iter().map(|s| s.id).collect();
    scopes.extend(
        optionals
            .iter()
            .filter(|s| named.contains(&s.name.as_str()))
            .map(|s| s.id),
    );
    Ok(RequestedScopes {
        openid: named.contains(&"openid"),
        scopes,
    })
}

/// Every consent-screen scope still has to be consented.
fn check_consent(
    realm: &Realm,
    user: Id,
    client_id: Id,
    requested: &RequestedScopes,
) -> ApiResult<()> {
    let client = realm.client(client_id).expect("authenticated");
    if !client.consent_required {
        return Ok(());
    }
    let granted = realm
        .consent(user, client_id)
        .map(|c| c.granted_scopes.as_slice())
        .unwrap_or(&[]);
    let missing = requested
        .scopes
        .iter()
        .filter_map(|id| realm.scope(*id))
        .filter(|s| s.display_on_consent_screen())
        .any(|s| !granted.contains(&s.id));
    if missing {
        return Err(ApiError::oauth(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "Client no longer has requested consent from user",
        ));
    }
    Ok(())
}

/// `revokeRefreshToken` tracking per `reuse_id` on the client session (Keycloak's
/// `TokenManager.validateTokenReuse`).
fn rotate(realm: &mut Realm, token: &RefreshClaims, client_id: Id, now: i64) -> ApiResult<()> {
    let max_reuse = realm.settings.refresh_token_max_reuse;
    let session = if token.offline {
        realm.offline_session_mut(token.session)
    } else {
        realm.sessions.touch(token.session)
    };
    let client_session = session
        .and_then(|s| s.client_mut(client_id))
        .expect("checked by the caller");
    let key = token.reuse_id.unwrap_or(Id::NONE);
    let position = match client_session.reuse.iter().position(|r| r.reuse_id == key) {
        Some(position) => position,
        None => {
            client_session.reuse.push(ReuseState {
                reuse_id: key,
                token_id: token.jti,
                count: 0,
                last_refresh: 0,
            });
            client_session.reuse.len() - 1
        }
    };
    let state = &mut client_session.reuse[position];
    if state.token_id != token.jti {
        if token.iat < state.last_refresh {
            return Err(ApiError::invalid_grant("Stale token"));
        }
        state.token_id = token.jti;
        state.count = 0;
    }
    if state.count > max_reuse {
        return Err(ApiError::invalid_grant(
            "Maximum allowed refresh token reuse exceeded",
        ));
    }
    state.count += 1;
    state.last_refresh = now;
    Ok(())
}

/// A successful refresh resets the idle timers of the client session and user session.
fn touch_session(realm: &mut Realm, token: &RefreshClaims, client_id: Id, now: i64) {
    let session = if token.offline {
        realm.offline_session_mut(token.session)
    } else {
        realm.sessions.touch(token.session)
    };
    if let Some(session) = session {
        session.last_refresh = now;
        if let Some(client_session) = session.client_mut(client_id) {
            client_session.timestamp = now;
        }
    }
}
