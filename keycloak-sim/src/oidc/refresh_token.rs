//! Decoding a refresh token and finding its session: the checks the refresh grant,
//! logout and revocation share (Keycloak's `TokenManager.verifyRefreshToken` and `validateToken`).

use crate::error::ApiError;
use crate::id::Id;
use crate::model::UserSession;
use crate::store::Realm;
use serde_json::Value;

/// A verified refresh token's claims.
pub struct RefreshClaims {
    pub offline: bool,
    pub session: Id,
    pub iat: i64,
    pub azp: String,
    pub scope: String,
    pub jti: Id,
    pub reuse_id: Option<Id>,
}

/// Signature, `typ`, issuer, realm not-before and expiry checks.
pub fn decode(
    realm: &Realm,
    token: &str,
    issuer: &str,
    now: i64,
) -> Result<RefreshClaims, ApiError> {
    let invalid = || ApiError::invalid_grant("Invalid refresh token");
    let claims = realm.key.verify(token).ok_or_else(invalid)?;
    let offline = match claims.get("typ").and_then(Value::as_str) {
        Some("Refresh") => false,
        Some("Offline") => true,
        _ => return Err(invalid()),
    };
    let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_string);
    if text("iss").as_deref() != Some(issuer) {
        return Err(ApiError::invalid_grant(&format!(
            "Invalid token issuer. Expected '{issuer}'"
        )));
    }
    let iat = claims
        .get("iat")
        .and_then(Value::as_i64)
        .ok_or_else(invalid)?;
    if iat < realm.settings.not_before {
        return Err(ApiError::invalid_grant("Stale token"));
    }
    if let Some(exp) = claims.get("exp").and_then(Value::as_i64) {
        if exp != 0 && now > exp {
            return Err(ApiError::invalid_grant("Token is not active"));
        }
    }
    let session = text("sid")
        .and_then(|s| Id::parse(&s))
        .ok_or_else(invalid)?;
    let jti = text("jti")
        .and_then(|s| Id::parse(&s))
        .ok_or_else(invalid)?;
    Ok(RefreshClaims {
        offline,
        session,
        iat,
        azp: text("azp").unwrap_or_default(),
        scope: text("scope").unwrap_or_default(),
        jti,
        reuse_id: text("reuse_id").and_then(|s| Id::parse(&s)),
    })
}

/// The token's user session must exist and be active; expired ones are removed.
pub fn ensure_live_session(
    realm: &mut Realm,
    token: &RefreshClaims,
    now: i64,
) -> Result<(), ApiError> {
    if token.offline {
        let session = realm
            .offline()
            .get(token.session)
            .ok_or_else(|| ApiError::invalid_grant("Offline user session not found"))?;
        // Keycloak loads offline sessions without the idle-expired ones, so such a session
        // is not found; one past its max lifespan is found and then refused.
        if realm.offline_session_idle_expired(session, now) {
            realm.remove_offline_session(token.session);
            return Err(ApiError::invalid_grant("Offline user session not found"));
        }
        if realm.offline_session_expired(session, now) {
            realm.remove_offline_session(token.session);
            return Err(ApiError::invalid_grant("Offline session not active"));
        }
    } else {
        let session = realm
            .sessions
            .get(token.session)
            .ok_or_else(|| ApiError::invalid_grant("Session not active"))?;
        if realm.sso_deadline(session) <= now {
            realm.sessions.remove(token.session);
            return Err(ApiError::invalid_grant("Session not active"));
        }
    }
    Ok(())
}

/// The token's session (regular or offline store).
pub fn session_of<'r>(realm: &'r Realm, token: &RefreshClaims) -> Option<&'r UserSession> {
    if token.offline {
        realm.offline().get(token.session)
    } else {
        realm.sessions.get(token.session)
    }
}

/// Detaches a client session from the token's (regular or offline) session.
pub fn detach_client(realm: &mut Realm, offline: bool, session: Id, client: Id) {
    if offline {
        realm.detach_offline_client_unpruned(session, client);
    } else {
        realm.sessions.detach_client(session, client);
    }
}
