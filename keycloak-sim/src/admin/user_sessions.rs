//! A user's sessions, consents and logout (Keycloak's `UserResource`).

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::permissions::Permissions;
use super::reps::session::UserSessionRep;
use super::users::{require_manage, require_view};
use crate::error::{ApiError, ApiResult};
use crate::id::Id;
use crate::model::User;
use crate::store::realm::Realm;

/// `GET /users/{id}/sessions`: regular sessions only.
pub fn sessions(realm: &Realm, permissions: &Permissions, user: &User) -> ApiResult<Value> {
    require_view(permissions)?;
    let client_id_of = |id| realm.client(id).map(|c| c.client_id.as_str());
    let reps: Vec<UserSessionRep> = realm
        .sessions
        .for_user(user.id)
        .into_iter()
        .map(|session| UserSessionRep::new(session, user, client_id_of))
        .collect();
    Ok(json!(reps))
}

/// `GET /users/{id}/offline-sessions/{clientUuid}`: offline sessions holding that client, with
/// that client session's timestamp as `lastAccess`.
pub fn offline_sessions(
    realm: &Realm,
    permissions: &Permissions,
    user: &User,
    client_uuid: &str,
) -> ApiResult<Value> {
    require_view(permissions)?;
    let Some(client) = Id::parse(client_uuid).and_then(|id| realm.client(id)) else {
        return Err(ApiError::not_found("Client not found"));
    };
    let client_id_of = |id| realm.client(id).map(|c| c.client_id.as_str());
    let reps: Vec<UserSessionRep> = realm
        .offline()
        .for_user(user.id)
        .into_iter()
        .filter(|session| session.client(client.id).is_some())
        .map(|session| {
            UserSessionRep::new(session, user, client_id_of)
                .with_client_last_access(session, client.id)
        })
        .collect();
    Ok(json!(reps))
}

/// `GET /users/{id}/consents`: stored consents, then offline-only entries, as Keycloak's
/// `UserResource` lists them.
pub fn consents(realm: &Realm, permissions: &Permissions, user: &User) -> ApiResult<Value> {
    require_view(permissions)?;
    let entries = realm.user_consent_entries(user.id);
    let reps: Vec<Value> = entries
        .into_iter()
        .map(|entry| {
            let granted: Vec<String> = entry
                .consent
                .map(|consent| {
                    consent
                        .granted_scopes
                        .iter()
                        .filter_map(|id| realm.scope(*id).map(|scope| scope.name.clone()))
                        .collect()
                })
                .unwrap_or_default();
            let additional = if entry.has_offline_session {
                json!([{ "client": entry.client.id.to_string(), "key": "Offline Token" }])
            } else {
                json!([])
            };
            // An offline-only entry has no consent, and Keycloak leaves its dates out.
            let mut rep = json!({
                "clientId": entry.client.client_id,
                "grantedClientScopes": granted,
                "additionalGrants": additional,
            });
            if let Some(consent) = entry.consent {
                rep["createdDate"] = json!(consent.created);
                rep["lastUpdatedDate"] = json!(consent.last_updated);
            }
            rep
        })
        .collect();
    Ok(Value::Array(reps))
}

/// `DELETE /users/{id}/consents/{clientId}` (human clientId): 204 when a consent or an offline
/// token was revoked, else 404.
pub fn revoke_consent(
    realm: &mut Realm,
    permissions: &Permissions,
    user: Id,
    client_id: &str,
) -> ApiResult<StatusCode> {
    require_manage(permissions)?;
    let Some(client) = realm.client_by_client_id(client_id).map(|c| c.id) else {
        return Err(ApiError::not_found("Client not found"));
    };
    if realm.revoke_consent(user, client) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("Consent nor offline token not found"))
    }
}

/// `POST /users/{id}/logout`: user not-before = now, regular sessions ended.
pub fn logout(
    realm: &mut Realm,
    permissions: &Permissions,
    user: Id,
    now: i64,
) -> ApiResult<StatusCode> {
    require_manage(permissions)?;
    realm.logout_user(user, now);
    Ok(StatusCode::NO_CONTENT)
}
