//! Routes `/admin/realms`, `/admin/realms/{realm}` and the realm-level session actions.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{any, delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::admin::caller::AdminCaller;
use crate::admin::query::{is_true, QueryParams};
use crate::admin::realm;
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::state::AppState;

use super::access::{change_realm, read_realm, routes};

pub fn router() -> Router<AppState> {
    let router = routes(
        Router::new(),
        "/admin/realms",
        [
            ("", get(list)),
            ("/{realm}", get(get_one).put(update)),
            ("/{realm}/client-session-stats", get(client_session_stats)),
            ("/{realm}/sessions/{session}", delete(delete_session)),
            ("/{realm}/logout-all", post(logout_all)),
            ("/{realm}/push-revocation", post(push_revocation)),
        ],
    );
    // Any other path under a realm: Keycloak authenticates before it finds no resource.
    router.route("/admin/realms/{realm}/{*rest}", any(unknown_resource))
}

async fn unknown_resource(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path((name, _)): Path<(String, String)>,
) -> ApiError {
    let db = state.read();
    match caller.permissions(&db, &name) {
        Ok(_) => ApiError::not_found("HTTP 404 Not Found"),
        Err(error) => error,
    }
}

/// `GET /admin/realms[?briefRepresentation=true]`: (brief or full) reps of realms the caller may view, `{"realm": name}` for realms
/// it administers otherwise, 403 when there are none.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RealmListQuery {
    brief_representation: Option<String>,
}

async fn list(
    caller: AdminCaller,
    State(state): State<AppState>,
    QueryParams(query): QueryParams<RealmListQuery>,
) -> ApiResult<Json<Value>> {
    let brief = is_true(query.brief_representation.as_deref());
    let db = state.read();
    let reps: Vec<Value> = db
        .realms()
        .filter_map(|realm| {
            let permissions = caller.permissions_if_admin_realm(realm.name())?;
            if permissions.can_view_realm() && brief {
                // ModelToRepresentation.toBriefRepresentation
                let mut rep = json!({
                    "id": realm.settings.id.to_string(),
                    "realm": realm.name(),
                    "enabled": realm.settings.enabled,
                });
                if let Some(display_name) = &realm.settings.display_name {
                    rep["displayName"] = json!(display_name);
                }
                Some(rep)
            } else if permissions.can_view_realm() {
                serde_json::to_value(&realm.settings).ok()
            } else if permissions.is_admin() {
                Some(json!({ "realm": realm.name() }))
            } else {
                None
            }
        })
        .collect();
    if reps.is_empty() {
        return Err(ApiError::forbidden());
    }
    Ok(Json(Value::Array(reps)))
}

async fn get_one(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<Json<Value>> {
    read_realm(&caller, &state, &name, realm::get).map(Json)
}

async fn update(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path(name): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<StatusCode> {
    change_realm(&caller, &state, &name, |realm, permissions| {
        realm::update(realm, permissions, &body)
    })
}

async fn client_session_stats(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<Json<Value>> {
    state.shared().sweeps.sweep(&state, &name);
    read_realm(&caller, &state, &name, realm::client_session_stats).map(Json)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeleteSessionQuery {
    is_offline: Option<String>,
}

async fn delete_session(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path((name, session)): Path<(String, String)>,
    QueryParams(query): QueryParams<DeleteSessionQuery>,
) -> ApiResult<StatusCode> {
    state.shared().sweeps.sweep(&state, &name);
    change_realm(&caller, &state, &name, |realm, permissions| {
        realm::delete_session(
            realm,
            permissions,
            &session,
            is_true(query.is_offline.as_deref()),
        )
    })
}

async fn logout_all(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<Json<Value>> {
    let now = state.now();
    change_realm(&caller, &state, &name, |realm, permissions| {
        realm::logout_all(realm, permissions, now)
    })
    .map(Json)
}

async fn push_revocation(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<Json<Value>> {
    read_realm(&caller, &state, &name, realm::push_revocation).map(Json)
}
