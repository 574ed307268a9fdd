//! Bearer access-token validation for the admin and account APIs: who is calling.

use crate::error::ApiError;
use crate::id::Id;
use crate::keys::peek_issuer;
use crate::oidc::urls::base_url;
use crate::store::{Db, Realm};
use axum::http::{header, HeaderMap};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The authenticated caller of an API request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Realm that issued the token.
    pub realm: String,
    pub user: Id,
    pub username: String,
    /// `azp`: the client the token was issued to.
    pub client_id: String,
    /// `sid` (absent for client-credentials tokens).
    pub session: Option<Id>,
    /// Realm roles the user holds through this client's scope (composites expanded).
    pub realm_roles: BTreeSet<String>,
    /// clientId → client roles, likewise.
    pub client_roles: BTreeMap<String, BTreeSet<String>>,
    /// `aud` of the token.
    pub audience: Vec<String>,
}

impl Caller {
    pub fn has_realm_role(&self, role: &str) -> bool {
        self.realm_roles.contains(role)
    }

    pub fn has_client_role(&self, client_id: &str, role: &str) -> bool {
        self.client_roles
            .get(client_id)
            .is_some_and(|roles| roles.contains(role))
    }

    /// Whether the caller holds `role` of the client administering `realm`:
    /// `realm-management` in the same realm, or `<realm>-realm` for master callers.
    pub fn has_management_role(&self, realm: &str, role: &str) -> bool {
        if self.realm == realm && realm != "master" {
            return self.has_client_role("realm-management", role)
                || (role != "realm-admin"
                    && self.has_client_role("realm-management", "realm-admin"));
        }
        self.realm == "master" && self.has_client_role(&format!("{realm}-realm"), role)
    }
}

/// `Authorization: Bearer <token>` → the caller, or 401 `{"error":"HTTP 401 Unauthorized"}`
/// when the header is missing, the token unparsable, its realm unknown, or it is
/// invalid, expired, revoked, stale or its session gone (as Keycloak's
/// `AdminRoot.authenticateRealmAdminRequest` answers).
pub fn authenticate(db: &Db, headers: &HeaderMap, now: i64) -> Result<Caller, ApiError> {
    let token = bearer_token(headers).ok_or_else(ApiError::unauthorized)?;
    let issuer = peek_issuer(token).ok_or_else(ApiError::unauthorized)?;
    let realm_name = issuer
        .strip_prefix(&format!("{}/realms/", base_url(headers)))
        .ok_or_else(ApiError::unauthorized)?;
    let realm = db.realm(realm_name).ok_or_else(ApiError::unauthorized)?;
    let claims = validate_access_token(realm, db, token, now).ok_or_else(ApiError::unauthorized)?;
    caller(realm, claims).ok_or_else(ApiError::unauthorized)
}

pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Claims of a valid access token of `realm` (signature, `typ`, expiry, revocation,
/// not-before, user enabled, session alive).
pub fn validate_access_token(realm: &Realm, db: &Db, token: &str, now: i64) -> Option<Arc<Value>> {
    let claims = realm.key.verify(token)?;
    if claims.get("typ")?.as_str()? != "Bearer" {
        return None;
    }
    let exp = claims.get("exp")?.as_i64()?;
    let iat = claims.get("iat")?.as_i64()?;
    if exp <= now {
        return None;
    }
    let jti = claims
        .get("jti")
        .and_then(Value::as_str)
        .and_then(Id::parse);
    if jti.is_some_and(|j| db.revoked_access_tokens.contains_key(&j)) {
        return None;
    }
    let client = realm.client_by_client_id(claims.get("azp")?.as_str()?)?;
    let session = claims
        .get("sid")
        .and_then(Value::as_str)
        .and_then(Id::parse);
    let user_id = match session {
        Some(sid) => {
            let live = realm
                .sessions
                .get(sid)
                .filter(|s| realm.sso_deadline(s) > now)
                .or_else(|| {
                    realm
                        .offline()
                        .get(sid)
                        .filter(|s| !realm.offline_session_expired(s, now))
                })?;
            live.user
        }
        None => Id::parse(claims.get("sub")?.as_str()?)?,
    };
    let user = realm.user(user_id)?;
    if !user.enabled || iat < realm.client_realm_not_before(client) || iat < user.not_before {
        return None;
    }
    Some(claims)
}

fn caller(realm: &Realm, claims: Arc<Value>) -> Option<Caller> {
    let client = realm.client_by_client_id(claims.get("azp")?.as_str()?)?;
    let session = claims
        .get("sid")
        .and_then(Value::as_str)
        .and_then(Id::parse);
    let user_id = match session {
        Some(sid) => {
            realm
                .sessions
                .get(sid)
                .or_else(|| realm.offline().get(sid))?
                .user
        }
        None => Id::parse(claims.get("sub")?.as_str()?)?,
    };
    let user = realm.user(user_id)?;
    let scope_names: Vec<&str> = claims
        .get("scope")
        .and_then(Value::as_str)
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let (defaults, optionals) = realm.client_scopes(client);
    let scopes: Vec<_> = defaults
        .into_iter()
        .chain(
            optionals
                .into_iter()
                .filter(|s| scope_names.contains(&s.name.as_str())),
        )
        .collect();
    let mut realm_roles = BTreeSet::new();
    let mut client_roles: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for role in realm
        .token_roles(user, client, &scopes)
        .iter()
        .filter_map(|id| realm.role(*id))
    {
        match role.client.and_then(|c| realm.client(c)) {
            None => {
                realm_roles.insert(role.name.clone());
            }
            Some(owner) => {
                client_roles
                    .entry(owner.client_id.clone())
                    .or_default()
                    .insert(role.name.clone());
            }
        }
    }
    let audience = match claims.get("aud") {
        Some(Value::String(one)) => vec![one.clone()],
        Some(Value::Array(many)) => many
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    Some(Caller {
        realm: realm.name().to_string(),
        user: user.id,
        username: user.username.to_string(),
        client_id: client.client_id.clone(),
        session,
        realm_roles,
        client_roles,
        audience,
    })
}
