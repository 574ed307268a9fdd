//! Routes under `/admin/realms/{realm}/clients`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::Value;

use crate::admin::caller::AdminCaller;
use crate::admin::paging::PageQuery;
use crate::admin::permissions::Permissions;
use crate::admin::query::{is_true, QueryParams};
use crate::admin::{client_sessions, clients};
use crate::error::ApiResult;
use crate::extract::JsonBody;
use crate::model::Client;
use crate::state::AppState;
use crate::store::Realm;

use super::access::{change_realm, read_realm, routes};

pub fn router() -> Router<AppState> {
    routes(
        Router::new(),
        "/admin/realms/{realm}/clients",
        [
            ("", get(list)),
            ("/{id}", get(get_one).put(update)),
            ("/{id}/default-client-scopes", get(default_scopes)),
            ("/{id}/optional-client-scopes", get(optional_scopes)),
            ("/{id}/scope-mappings/realm", get(scope_mappings)),
            (
                "/{id}/scope-mappings/realm/composite",
                get(composite_scope_mappings),
            ),
            ("/{id}/session-count", get(session_count)),
            ("/{id}/user-sessions", get(user_sessions)),
            ("/{id}/offline-session-count", get(offline_session_count)),
            ("/{id}/offline-sessions", get(offline_sessions)),
            ("/{id}/push-revocation", post(push_revocation)),
        ],
    )
}

type ClientPath = Path<(String, String)>;

async fn list(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path(realm): Path<String>,
    QueryParams(query): QueryParams<clients::ClientListQuery>,
) -> ApiResult<Json<Value>> {
    read_realm(&caller, &state, &realm, |realm, permissions| {
        clients::list(realm, permissions, &query)
    })
    .map(Json)
}

/// Runs `read` on the addressed client after the realm and anti-phishing checks.
fn with_client(
    caller: &AdminCaller,
    state: &AppState,
    (realm, id): &(String, String),
    read: impl FnOnce(&Realm, &Permissions, &Client) -> ApiResult<Value>,
) -> ApiResult<Json<Value>> {
    state.shared().sweeps.sweep(state, realm);
    read_realm(caller, state, realm, |realm, permissions| {
        let client = clients::find(realm, permissions, id)?;
        read(realm, permissions, client)
    })
    .map(Json)
}

async fn get_one(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path(path): ClientPath,
) -> ApiResult<Json<Value>> {
    with_client(&caller, &state, &path, |_, permissions, client| {
        clients::get(permissions, client)
    })
}

async fn update(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path((realm, id)): ClientPath,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<StatusCode> {
    change_realm(&caller, &state, &realm, |realm, permissions| {
        clients::update(realm, permissions, &id, &body)
    })
}

async fn default_scopes(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path(path): ClientPath,
) -> ApiResult<Json<Value>> {
    with_client(&caller, &state, &path, |realm, permissions, client| {
        clients::client_scopes(realm, permissions, client, true)
    })
}

async fn optional_scopes(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path(path): ClientPath,
) -> ApiResult<Json<Value>> {
    with_client(&caller, &state, &path, |realm, permissions, client| {
        clients::client_scopes(realm, permissions, client, false)
    })
}

async fn scope_mappings(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path(path): ClientPath,
) -> ApiResult<Json<Value>> {
    with_client(&caller, &state, &path, clients::realm_scope_mappings)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BriefQuery {
    brief_representation: Option<String>,
}

async fn composite_scope_mappings(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path(path): ClientPath,
    QueryParams(query): QueryParams<BriefQuery>,
) -> ApiResult<Json<Value>> {
    // `@DefaultValue("false")` here, unlike the user role mappings.
    let brief = is_true(query.brief_representation.as_deref());
    with_client(&caller, &state, &path, |realm, permissions, client| {
        clients::composite_realm_scope_mappings(realm, permissions, client, brief)
    })
}

async fn session_count(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path(path): ClientPath,
) -> ApiResult<Json<Value>> {
    with_client(&caller, &state, &path, client_sessions::session_count)
}

async fn offline_session_count(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path(path): ClientPath,
) -> ApiResult<Json<Value>> {
    with_client(
        &caller,
        &state,
        &path,
        client_sessions::offline_session_count,
    )
}

async fn user_sessions(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path(path): ClientPath,
    QueryParams(page): QueryParams<PageQuery>,
) -> ApiResult<Json<Value>> {
    with_client(&caller, &state, &path, |realm, permissions, client| {
        client_sessions::user_sessions(realm, permissions, client, &page)
    })
}

async fn offline_sessions(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path(path): ClientPath,
    QueryParams(page): QueryParams<PageQuery>,
) -> ApiResult<Json<Value>> {
    with_client(&caller, &state, &path, |realm, permissions, client| {
        client_sessions::offline_sessions(realm, permissions, client, &page)
    })
}

async fn push_revocation(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path(path): ClientPath,
) -> ApiResult<Json<Value>> {
    with_client(&caller, &state, &path, |_, permissions, client| {
        clients::push_revocation(permissions, client)
    })
}
