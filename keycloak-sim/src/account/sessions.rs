//! `/sessions` and `/sessions/devices` (`SessionResource`): regular sessions only, times in
//! epoch **seconds**. The simulator records no user agent, so every session is on Keycloak's
//! "unknown" device.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::caller::AccountCaller;
use super::messages::localize;
use crate::error::{ApiError, ApiResult};
use crate::model::UserSession;
use crate::state::AppState;
use crate::store::Realm;

/// `DeviceRepresentation.unknown()`.
const UNKNOWN: &str = "Other";
const UNKNOWN_VERSION: &str = "Unknown";

pub async fn list(caller: AccountCaller, State(state): State<AppState>) -> ApiResult<Json<Value>> {
    caller.require_one_of(&["manage-account", "view-profile"])?;
    state.shared().sweeps.sweep(&state, &caller.realm);
    let db = state.read();
    let realm = db
        .realm(&caller.realm)
        .ok_or_else(ApiError::realm_does_not_exist)?;
    let reps: Vec<Value> = realm
        .sessions
        .for_user(caller.caller.user)
        .into_iter()
        .map(|session| session_rep(realm, session, &caller))
        .collect();
    Ok(Json(Value::Array(reps)))
}

pub async fn devices(
    caller: AccountCaller,
    State(state): State<AppState>,
) -> ApiResult<Json<Value>> {
    caller.require_one_of(&["manage-account", "view-profile"])?;
    state.shared().sweeps.sweep(&state, &caller.realm);
    let db = state.read();
    let realm = db
        .realm(&caller.realm)
        .ok_or_else(ApiError::realm_does_not_exist)?;
    let sessions = realm.sessions.for_user(caller.caller.user);
    if sessions.is_empty() {
        return Ok(Json(json!([])));
    }
    let current = sessions.iter().any(|s| is_current(s, &caller));
    let last_access = sessions.iter().map(|s| s.last_refresh).max().unwrap_or(0);
    let reps: Vec<Value> = sessions
        .into_iter()
        .map(|session| session_rep(realm, session, &caller))
        .collect();
    Ok(Json(json!([{
        "os": UNKNOWN,
        "osVersion": UNKNOWN_VERSION,
        "device": UNKNOWN,
        "lastAccess": last_access,
        "current": current,
        "mobile": false,
        "sessions": reps,
    }])))
}

fn is_current(session: &UserSession, caller: &AccountCaller) -> bool {
    caller.session_id() == Some(session.id)
}

fn session_rep(realm: &Realm, session: &UserSession, caller: &AccountCaller) -> Value {
    let clients: Vec<Value> = session
        .clients
        .iter()
        .filter_map(|cs| realm.client(cs.client))
        .map(|client| {
            let mut rep = json!({
                "clientId": client.client_id,
                "userConsentRequired": false,
                "inUse": false,
                "offlineAccess": false,
            });
            if let Some(name) = &client.name {
                rep["clientName"] = json!(localize(name));
            }
            rep
        })
        .collect();
    json!({
        "id": session.id.to_string(),
        "ipAddress": session.ip.to_string(),
        "started": session.started,
        "lastAccess": session.last_refresh,
        "expires": session.started + realm.settings.sso_max(session.remember_me),
        "browser": format!("{UNKNOWN}/{UNKNOWN_VERSION}"),
        "current": is_current(session, caller),
        "clients": clients,
    })
}
