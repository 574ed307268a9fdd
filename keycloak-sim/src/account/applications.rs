//! `/applications` and `/applications/{clientId}/consent` (`AccountRestService`).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::caller::AccountCaller;
use super::messages::localize;
use crate::admin::query::QueryParams;
use crate::error::{ApiError, ApiResult};
use crate::id::Id;
use crate::model::{Client, Consent};
use crate::state::AppState;
use crate::store::Realm;

#[derive(Debug, Default, Deserialize)]
pub struct ApplicationsQuery {
    name: Option<String>,
}

/// Clients of the user's regular sessions (`inUse`), offline sessions (`offlineAccess`),
/// stored consents and `alwaysDisplayInConsole` clients; bearer-only clients dropped;
/// `name` filters case-insensitively on the client name. Ordered by clientId.
pub async fn list(
    caller: AccountCaller,
    State(state): State<AppState>,
    headers: HeaderMap,
    QueryParams(query): QueryParams<ApplicationsQuery>,
) -> ApiResult<Json<Value>> {
    caller.require_one_of(&["manage-account", "view-applications"])?;
    state.shared().sweeps.sweep(&state, &caller.realm);
    let db = state.read();
    let realm = db
        .realm(&caller.realm)
        .ok_or_else(ApiError::realm_does_not_exist)?;
    let user = caller.caller.user;
    let session_clients = |sessions: Vec<&crate::model::UserSession>| -> Vec<Id> {
        sessions
            .iter()
            .flat_map(|s| s.clients.iter().map(|c| c.client))
            .collect()
    };
    let in_use = session_clients(realm.sessions.for_user(user));
    let offline = session_clients(realm.offline().for_user(user));
    let consents: BTreeMap<Id, &Consent> = realm.consents_of_user(user).collect();
    let mut shown: BTreeMap<&str, &Client> = BTreeMap::new();
    let candidates = in_use
        .iter()
        .chain(&offline)
        .chain(consents.keys())
        .filter_map(|id| realm.client(*id))
        .chain(
            realm
                .clients_by_client_id()
                .filter(|c| c.always_display_in_console),
        );
    for client in candidates {
        shown.insert(client.client_id.as_str(), client);
    }
    let base_url = crate::oidc::urls::base_url(&headers);
    let wanted = query.name.map(|name| name.to_lowercase());
    let reps: Vec<Value> = shown
        .into_values()
        .filter(|client| !client.bearer_only && !client.client_id.is_empty())
        .filter(|client| match &wanted {
            None => true,
            Some(wanted) => client
                .name
                .as_deref()
                .is_some_and(|name| localize(name).to_lowercase().contains(wanted)),
        })
        .map(|client| {
            let mut rep = json!({
                "clientId": client.client_id,
                "userConsentRequired": client.consent_required,
                "inUse": in_use.contains(&client.id),
                "offlineAccess": offline.contains(&client.id),
            });
            let mut set = |key: &str, value: Option<String>| {
                if let Some(value) = value {
                    rep[key] = json!(value);
                }
            };
            set("clientName", client.name.as_deref().map(localize));
            set("description", client.description.clone());
            set("rootUrl", client.root_url.clone());
            set("baseUrl", client.base_url.clone());
            set("effectiveUrl", effective_url(client, &base_url));
            if let Some(consent) = consents.get(&client.id) {
                set("logoUri", client.attributes.get("logoUri").cloned());
                set("policyUri", client.attributes.get("policyUri").cloned());
                set("tosUri", client.attributes.get("tosUri").cloned());
                rep["consent"] = consent_rep(realm, consent);
            }
            rep
        })
        .collect();
    Ok(Json(Value::Array(reps)))
}

/// `ResolveRelative.resolveRelativeUri`: a base URL starting with `/` is resolved against the
/// root URL (with `${authBaseUrl}` replaced) or, without one, against this server.
fn effective_url(client: &Client, server: &str) -> Option<String> {
    let base = client.base_url.as_deref()?;
    if !base.starts_with('/') {
        return Some(base.to_owned());
    }
    let root = client
        .root_url
        .as_deref()
        .filter(|root| !root.is_empty())
        .map(|root| {
            root.replace("${authBaseUrl}", server)
                .replace("${authAdminUrl}", server)
        })
        .unwrap_or_else(|| server.to_owned());
    Some(format!("{}{base}", root.trim_end_matches('/')))
}

/// Account `ConsentRepresentation`: granted scopes with consent-screen names, dates in ms.
fn consent_rep(realm: &Realm, consent: &Consent) -> Value {
    let scopes: Vec<Value> = consent
        .granted_scopes
        .iter()
        .filter_map(|id| realm.scope(*id))
        .map(|scope| {
            let mut rep = json!({ "id": scope.id.to_string(), "name": scope.consent_text() });
            if let Some(text) = scope
                .attributes
                .get("consent.screen.text")
                .filter(|t| !t.is_empty())
            {
                rep["displayText"] = json!(localize(text));
            }
            rep
        })
        .collect();
    json!({
        "grantedScopes": scopes,
        "createdDate": consent.created,
        "lastUpdatedDate": consent.last_updated,
    })
}

fn no_such_client(client_id: &str) -> ApiError {
    ApiError::admin(
        StatusCode::NOT_FOUND,
        format!("No client with clientId: {client_id} found."),
    )
}

/// `GET /applications/{clientId}/consent`: 200 with the consent, 204 when there is none.
pub async fn consent(
    caller: AccountCaller,
    State(state): State<AppState>,
    Path((_, client_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    caller.require_one_of(&["manage-account", "view-consent", "manage-consent"])?;
    state.shared().sweeps.sweep(&state, &caller.realm);
    let db = state.read();
    let realm = db
        .realm(&caller.realm)
        .ok_or_else(ApiError::realm_does_not_exist)?;
    let client = realm
        .client_by_client_id(&client_id)
        .ok_or_else(|| no_such_client(&client_id))?;
    Ok(match realm.consent(caller.caller.user, client.id) {
        Some(consent) => Json(consent_rep(realm, consent)).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

/// `DELETE /applications/{clientId}/consent`: revokes consent and offline tokens (Keycloak's
/// `UserConsentManager.revokeConsentToClient`); 204 whether or not anything was there.
pub async fn revoke_consent(
    caller: AccountCaller,
    State(state): State<AppState>,
    Path((_, client_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    caller.require_one_of(&["manage-account", "manage-consent"])?;
    state.shared().sweeps.sweep(&state, &caller.realm);
    let mut db = state.write();
    let realm = db
        .realm_mut(&caller.realm)
        .ok_or_else(ApiError::realm_does_not_exist)?;
    let client = realm
        .client_by_client_id(&client_id)
        .map(|client| client.id)
        .ok_or_else(|| no_such_client(&client_id))?;
    realm.revoke_consent(caller.caller.user, client);
    Ok(StatusCode::NO_CONTENT)
}
