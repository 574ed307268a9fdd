//! Building access, refresh and ID tokens and the token response (Keycloak's `TokenManager`).

use crate::id::{random_id, Id};
use crate::model::{Client, ClientScope, User, UserSession};
use crate::oidc::scopes::{refresh_scope_string, scope_string};
use crate::store::Realm;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub struct TokenRequest<'a> {
    pub realm: &'a Realm,
    pub issuer: &'a str,
    pub user: &'a User,
    pub client: &'a Client,
    /// The session the tokens belong to (the offline session for offline tokens).
    pub session: &'a UserSession,
    pub offline: bool,
    pub scopes: &'a [&'a ClientScope],
    pub openid: bool,
    pub nonce: Option<&'a str>,
    pub reuse_id: Option<Id>,
    pub now: i64,
    /// Client-credentials tokens: a transient session, so no `sid` and no refresh token.
    pub transient: bool,
}

fn has_scope(scopes: &[&ClientScope], name: &str) -> bool {
    scopes.iter().any(|s| s.name == name)
}

/// Claims from the `profile`, `email` and `basic` scopes' mappers.
fn user_claims(claims: &mut Map<String, Value>, request: &TokenRequest) {
    let user = request.user;
    if has_scope(request.scopes, "basic") {
        claims.insert("sub".into(), json!(user.id));
        if let Some(auth_time) = request.session.auth_time {
            claims.insert("auth_time".into(), json!(auth_time));
        }
    }
    if has_scope(request.scopes, "profile") {
        let full_name = [user.first_name.as_deref(), user.last_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        if !full_name.is_empty() {
            claims.insert("name".into(), json!(full_name));
        }
        claims.insert("preferred_username".into(), json!(user.username));
        if let Some(first) = &user.first_name {
            claims.insert("given_name".into(), json!(first));
        }
        if let Some(last) = &user.last_name {
            claims.insert("family_name".into(), json!(last));
        }
    }
    if has_scope(request.scopes, "email") {
        claims.insert("email_verified".into(), json!(user.email_verified));
        if let Some(email) = &user.email {
            claims.insert("email".into(), json!(email));
        }
    }
}

/// `realm_access`, `resource_access` and the audience resolved from them (`roles` scope).
fn role_claims(claims: &mut Map<String, Value>, request: &TokenRequest) {
    if !has_scope(request.scopes, "roles") {
        return;
    }
    let realm = request.realm;
    let roles = realm.token_roles(request.user, request.client, request.scopes);
    let mut realm_roles = Vec::new();
    let mut client_roles: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for role in roles.iter().filter_map(|id| realm.role(*id)) {
        match role.client.and_then(|c| realm.client(c)) {
            None => realm_roles.push(role.name.clone()),
            Some(owner) => client_roles
                .entry(owner.client_id.clone())
                .or_default()
                .push(role.name.clone()),
        }
    }
    realm_roles.sort();
    if !realm_roles.is_empty() {
        claims.insert("realm_access".into(), json!({ "roles": realm_roles }));
    }
    let audience: Vec<&String> = client_roles
        .keys()
        .filter(|c| **c != request.client.client_id)
        .collect();
    match audience.as_slice() {
        [] => {}
        [single] => {
            claims.insert("aud".into(), json!(single));
        }
        many => {
            claims.insert("aud".into(), json!(many));
        }
    }
    if !client_roles.is_empty() {
        let access: Map<String, Value> = client_roles
            .into_iter()
            .map(|(client, mut roles)| {
                roles.sort();
                (client, json!({ "roles": roles }))
            })
            .collect();
        claims.insert("resource_access".into(), Value::Object(access));
    }
}

/// Access-token lifetime end: lifespan capped by the session's maximum.
fn access_exp(request: &TokenRequest) -> i64 {
    let settings = &request.realm.settings;
    let lifespan = request
        .client
        .attribute_secs("access.token.lifespan")
        .unwrap_or(settings.access_token_lifespan);
    let exp = request.now.saturating_add(lifespan);
    if request.offline {
        match settings.offline_max() {
            Some(max) => exp.min(request.session.started.saturating_add(max)),
            None => exp,
        }
    } else {
        exp.min(
            request
                .session
                .started
                .saturating_add(settings.sso_max(request.session.remember_me)),
        )
    }
}

/// Refresh-token `exp`: `None` for offline tokens without max lifespan, as Keycloak's
/// `TokenManager.initToken` leaves it.
fn refresh_exp(request: &TokenRequest) -> Option<i64> {
    let realm = request.realm;
    if request.offline {
        realm.settings.offline_max()?;
        return Some(realm.offline_deadline(request.session, request.client));
    }
    Some(realm.client_session_deadline(request.session, request.client))
}

pub fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    B64.encode(&digest[..16])
}

/// The token endpoint's success body.
pub fn token_response(request: &TokenRequest) -> Value {
    let realm = request.realm;
    let scope = scope_string(request.openid, request.scopes);
    let session_id = request.session.id.to_string();
    let exp = access_exp(request);

    let mut access = Map::new();
    access.insert("exp".into(), json!(exp));
    access.insert("iat".into(), json!(request.now));
    access.insert("jti".into(), json!(random_id()));
    access.insert("iss".into(), json!(request.issuer));
    role_claims(&mut access, request);
    access.insert("typ".into(), json!("Bearer"));
    access.insert("azp".into(), json!(request.client.client_id));
    if !request.transient {
        access.insert("sid".into(), json!(session_id));
    }
    if has_scope(request.scopes, "acr") {
        access.insert("acr".into(), json!("1"));
    }
    if has_scope(request.scopes, "web-origins") && !request.client.web_origins.is_empty() {
        access.insert("allowed-origins".into(), json!(request.client.web_origins));
    }
    access.insert("scope".into(), json!(scope));
    user_claims(&mut access, request);
    let access_token = realm.key.sign(&Value::Object(access));

    let refresh_exp = refresh_exp(request).filter(|_| !request.transient);
    let mut refresh = Map::new();
    if let Some(exp) = refresh_exp {
        refresh.insert("exp".into(), json!(exp));
    }
    refresh.insert("iat".into(), json!(request.now));
    refresh.insert("jti".into(), json!(random_id()));
    refresh.insert("iss".into(), json!(request.issuer));
    refresh.insert("aud".into(), json!(request.issuer));
    refresh.insert("sub".into(), json!(request.user.id));
    refresh.insert(
        "typ".into(),
        json!(if request.offline {
            "Offline"
        } else {
            "Refresh"
        }),
    );
    refresh.insert("azp".into(), json!(request.client.client_id));
    refresh.insert("sid".into(), json!(session_id));
    refresh.insert(
        "scope".into(),
        json!(refresh_scope_string(request.openid, request.scopes)),
    );
    if let Some(reuse_id) = request.reuse_id {
        refresh.insert("reuse_id".into(), json!(reuse_id));
    }
    let refresh_token = realm.key.sign(&Value::Object(refresh));

    let mut response = Map::new();
    response.insert("access_token".into(), json!(access_token));
    response.insert("expires_in".into(), json!(exp - request.now));
    response.insert(
        "refresh_expires_in".into(),
        json!(refresh_exp.map_or(0, |e| e - request.now)),
    );
    if !request.transient {
        response.insert("refresh_token".into(), json!(refresh_token));
    }
    response.insert("token_type".into(), json!("Bearer"));
    if request.openid {
        let mut id = Map::new();
        id.insert("exp".into(), json!(exp));
        id.insert("iat".into(), json!(request.now));
        id.insert("jti".into(), json!(random_id()));
        id.insert("iss".into(), json!(request.issuer));
        id.insert("aud".into(), json!(request.client.client_id));
        id.insert("typ".into(), json!("ID"));
        id.insert("azp".into(), json!(request.client.client_id));
        if let Some(nonce) = request.nonce {
            id.insert("nonce".into(), json!(nonce));
        }
        if !request.transient {
            id.insert("sid".into(), json!(session_id));
        }
        id.insert("at_hash".into(), json!(at_hash(&access_token)));
        if has_scope(request.scopes, "acr") {
            id.insert("acr".into(), json!("1"));
        }
        user_claims(&mut id, request);
        response.insert("id_token".into(), json!(realm.key.sign(&Value::Object(id))));
    }
    response.insert(
        "not-before-policy".into(),
        json!(realm.not_before_policy(request.client, request.user)),
    );
    if !request.transient {
        response.insert("session_state".into(), json!(session_id));
    }
    response.insert("scope".into(), json!(scope));
    Value::Object(response)
}
