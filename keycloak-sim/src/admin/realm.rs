//! Realm-level endpoints (`RealmAdminResource`): realm rep and update, session statistics,
//! session deletion, logout-all and push-revocation.

use axum::http::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::permissions::Permissions;
use super::users::require_manage;
use crate::error::{ApiError, ApiResult};
use crate::id::Id;
use crate::store::realm::Realm;

/// `GET /admin/realms/{realm}`: the full rep with view-realm, else the reduced rep any admin
/// of the realm may read.
pub fn get(realm: &Realm, permissions: &Permissions) -> ApiResult<Value> {
    if permissions.can_view_realm() {
        return serde_json::to_value(&realm.settings).map_err(|_| ApiError::server_error());
    }
    if !permissions.is_admin() {
        return Err(ApiError::forbidden());
    }
    let mut rep = json!({
        "realm": realm.name(),
        "supportedLocales": [],
        "bruteForceProtected": realm.settings.brute_force_protected,
        "organizationsEnabled": false,
    });
    if let Some(display_name) = &realm.settings.display_name {
        rep["displayName"] = json!(display_name);
    }
    if permissions.can_view_users() {
        rep["registrationEmailAsUsername"] = json!(false);
    }
    Ok(rep)
}

/// `PUT /admin/realms/{realm}`: partial update, absent or null fields keep their values.
pub fn update(realm: &mut Realm, permissions: &Permissions, body: &Value) -> ApiResult<StatusCode> {
    if !permissions.can_manage_realm() {
        return Err(ApiError::forbidden());
    }
    let Some(fields) = body.as_object() else {
        return Err(ApiError::unparsable_json());
    };
    if let Some(new_name) = fields.get("realm").and_then(Value::as_str) {
        if new_name != realm.name() {
            let message = if realm.name() == "master" {
                "Can't rename master realm"
            } else {
                "keycloak-sim does not support renaming a realm"
            };
            return Err(ApiError::admin(StatusCode::BAD_REQUEST, message));
        }
    }
    let lifespan = |key: &str| fields.get(key).and_then(Value::as_i64);
    if let (Some(login), Some(action)) = (
        lifespan("accessCodeLifespanLogin"),
        lifespan("accessCodeLifespanUserAction"),
    ) {
        if login < 1 || action < 1 {
            return Err(ApiError::admin(
                StatusCode::BAD_REQUEST,
                "AccessCodeLifespanLogin or AccessCodeLifespanUserAction cannot be 0",
            ));
        }
    }
    realm
        .update_settings(body)
        .map_err(|_| ApiError::unparsable_json())?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /client-session-stats`: one entry per client with sessions; counts are strings.
pub fn client_session_stats(realm: &Realm, permissions: &Permissions) -> ApiResult<Value> {
    if !permissions.can_view_realm() {
        return Err(ApiError::forbidden());
    }
    let mut counts: BTreeMap<Id, (usize, usize)> = BTreeMap::new();
    for (client, active) in realm.sessions.clients_with_sessions() {
        counts.entry(client).or_default().0 = active;
    }
    for (client, offline) in realm.offline().clients_with_sessions() {
        counts.entry(client).or_default().1 = offline;
    }
    let mut stats: Vec<(&str, Value)> = counts
        .into_iter()
        .filter_map(|(id, (active, offline))| {
            let client = realm.client(id)?;
            Some((
                client.client_id.as_str(),
                json!({
                    "id": id.to_string(),
                    "clientId": client.client_id,
                    "active": active.to_string(),
                    "offline": offline.to_string(),
                }),
            ))
        })
        .collect();
    stats.sort_by(|a, b| a.0.cmp(b.0));
    Ok(Value::Array(
        stats.into_iter().map(|(_, stat)| stat).collect(),
    ))
}

/// `DELETE /sessions/{id}?isOffline=` (Keycloak's `RealmAdminResource.deleteSession`).
pub fn delete_session(
    realm: &mut Realm,
    permissions: &Permissions,
    id: &str,
    offline: bool,
) -> ApiResult<StatusCode> {
    require_manage(permissions)?;
    match Id::parse(id) {
        Some(id) if realm.delete_session(id, offline) => Ok(StatusCode::NO_CONTENT),
        // Keycloak's message, triple s included.
        _ => Err(ApiError::not_found("Sesssion not found")),
    }
}

/// `POST /logout-all`: realm not-before = now (`ResourceAdminManager.logoutAll`) and every
/// regular session removed; offline sessions stay but their tokens become stale.
pub fn logout_all(realm: &mut Realm, permissions: &Permissions, now: i64) -> ApiResult<Value> {
    require_manage(permissions)?;
    realm
        .update_settings(&json!({ "notBefore": now }))
        .map_err(|_| ApiError::server_error())?;
    let ids: Vec<Id> = realm.sessions.iter().map(|session| session.id).collect();
    for id in ids {
        realm.sessions.remove(id);
    }
    Ok(super::global_request_result(realm.clients_by_client_id()))
}

/// `POST /push-revocation`.
pub fn push_revocation(realm: &Realm, permissions: &Permissions) -> ApiResult<Value> {
    if !permissions.can_manage_realm() {
        return Err(ApiError::forbidden());
    }
    Ok(super::global_request_result(realm.clients_by_client_id()))
}
