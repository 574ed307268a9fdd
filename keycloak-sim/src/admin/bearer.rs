//! Bearer access-token authentication of the admin and account APIs
//! (`AppAuthManager.authenticateBearerToken` → `AuthenticationManager.verifyIdentityToken`):
//! any failure is a 401, decided before the addressed realm or resource is looked at.

use axum::http::{header, HeaderMap};
use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::id::Id;
use crate::store::{Db, Realm};

/// A validated access token and the realm that issued it.
#[derive(Debug, Clone)]
pub struct Bearer {
    pub realm: String,
    pub user: Id,
    pub claims: Value,
}

impl Bearer {
    /// Roles of `client_id` in the token's `resource_access` claim.
    pub fn client_roles(&self, client_id: &str) -> Vec<String> {
        self.claims["resource_access"][client_id]["roles"]
            .as_array()
            .map(|roles| {
                roles
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether `aud` (string or array) names `audience`.
    pub fn has_audience(&self, audience: &str) -> bool {
        match &self.claims["aud"] {
            Value::String(aud) => aud == audience,
            Value::Array(auds) => auds.iter().any(|aud| aud.as_str() == Some(audience)),
            _ => false,
        }
    }
}

/// Validates `Authorization: Bearer <token>`: signature of the issuing realm's key, issuer URL
/// of this server, `typ` Bearer, not expired, not revoked, user enabled, and a live regular or
/// offline session for `sid`.
pub fn authenticate(db: &Db, headers: &HeaderMap, now: i64) -> ApiResult<Bearer> {
    let token = bearer_token(headers).ok_or_else(ApiError::unauthorized)?;
    let unverified = crate::keys::peek_claims(token).ok_or_else(ApiError::unauthorized)?;
    let issuer = unverified["iss"].as_str().unwrap_or_default();
    let realm_name = issuer
        .rsplit_once("/realms/")
        .map(|(_, name)| name)
        .ok_or_else(ApiError::unauthorized)?;
    let realm = db.realm(realm_name).ok_or_else(ApiError::unauthorized)?;
    let claims = realm.key.verify(token).ok_or_else(ApiError::unauthorized)?;
    let valid = claims["iss"].as_str() == Some(&crate::oidc::urls::issuer(headers, realm_name))
        && claims["typ"].as_str() == Some("Bearer")
        && claims["exp"].as_i64().is_some_and(|exp| exp > now)
        && !is_revoked(db, &claims);
    if !valid {
        return Err(ApiError::unauthorized());
    }
    let user = claims["sub"]
        .as_str()
        .and_then(Id::parse)
        .filter(|id| realm.user(*id).is_some_and(|user| user.enabled))
        .ok_or_else(ApiError::unauthorized)?;
    let session = claims["sid"].as_str().and_then(Id::parse);
    if !session.is_some_and(|sid| session_alive(realm, sid, user, now)) {
        return Err(ApiError::unauthorized());
    }
    Ok(Bearer {
        realm: realm_name.to_owned(),
        user,
        claims,
    })
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn is_revoked(db: &Db, claims: &Value) -> bool {
    claims["jti"]
        .as_str()
        .and_then(Id::parse)
        .is_some_and(|jti| db.revoked_access_tokens.contains_key(&jti))
}

/// A regular session within its SSO deadline, else an offline session not yet expired.
fn session_alive(realm: &Realm, sid: Id, user: Id, now: i64) -> bool {
    if let Some(session) = realm.sessions.get(sid) {
        if session.user == user && realm.sso_deadline(session) > now {
            return true;
        }
    }
    realm
        .offline()
        .get(sid)
        .is_some_and(|session| session.user == user && !realm.offline_session_expired(session, now))
}
