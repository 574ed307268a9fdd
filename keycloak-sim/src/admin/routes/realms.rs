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
use crate::id::random_seed;
use crate::import;
use crate::state::AppState;
use crate::store::journal::Event;

use super::access::{change_realm, read_realm, routes};

pub fn router() -> Router<AppState> {
    let router = routes(
        Router::new(),
        "/admin/realms",
        [
            ("", get(list).post(create)),
            ("/{realm}", get(get_one).put(update).delete(remove)),
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
            let permissions = caller.admin_realm_permissions(realm.name())?;
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

/// `POST /admin/realms`: imports a RealmRepresentation (`RealmsAdminResource.importRealm`).
/// Only a `master` token whose user may create realms (`create-realm` or `admin`).
async fn create(
    caller: AdminCaller,
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<(StatusCode, [(axum::http::HeaderName, String); 1])> {
    if caller.0.realm != "master"
        || !(caller.0.has_realm_role("create-realm") || caller.0.has_realm_role("admin"))
    {
        return Err(ApiError::forbidden());
    }
    let name = match body.get("realm").and_then(Value::as_str) {
        Some(name) if !name.trim().is_empty() => name.to_owned(),
        _ => {
            return Err(ApiError::admin(
                StatusCode::BAD_REQUEST,
                "Realm name cannot be empty",
            ))
        }
    };
    let event = Event::Import {
        source: body,
        seed: random_seed(),
        now_ms: state.clock().now_ms(),
    };
    {
        let mut db = state.write();
        if db.realm(&name).is_some() {
            return Err(ApiError::admin(
                StatusCode::CONFLICT,
                format!("Realm {name} already exists"),
            ));
        }
        if let Event::Import {
            source,
            seed,
            now_ms,
        } = &event
        {
            import::import_realm(&mut db, source, *seed, *now_ms)
                .map_err(|message| ApiError::admin(StatusCode::BAD_REQUEST, message))?;
        }
        state.record(&event);
    }
    let location = format!(
        "{}/admin/realms/{name}",
        crate::oidc::urls::base_url(&headers)
    );
    Ok((
        StatusCode::CREATED,
        [(axum::http::header::LOCATION, location)],
    ))
}

/// `DELETE /admin/realms/{realm}`: needs manage-realm there (`RealmAdminResource.deleteRealm`).
async fn remove(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    let mut db = state.write();
    let permissions = caller.permissions(&db, &name)?;
    if !permissions.can_manage_realm() {
        return Err(ApiError::forbidden());
    }
    db.remove_realm(&name);
    state.record(&Event::RealmRemoved { realm: name });
    Ok(StatusCode::NO_CONTENT)
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
