//! Routes under `/admin/realms/{realm}/users` and `/roles/{role-name}/users`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::Value;

use crate::admin::caller::AdminCaller;
use crate::admin::paging::PageQuery;
use crate::admin::permissions::Permissions;
use crate::admin::query::QueryParams;
use crate::admin::user_search::UserQueryParams;
use crate::admin::{roles, user_sessions, users};
use crate::error::ApiResult;
use crate::model::User;
use crate::state::AppState;
use crate::store::Realm;

use super::access::{change_realm, read_realm, routes};

pub fn router() -> Router<AppState> {
    let router = routes(
        Router::new(),
        "/admin/realms/{realm}/users",
        [
            ("", get(list)),
            ("/count", get(count)),
            ("/{id}", get(get_one)),
            ("/{id}/sessions", get(sessions)),
            ("/{id}/offline-sessions/{client}", get(offline_sessions)),
            ("/{id}/consents", get(consents)),
            ("/{id}/consents/{client}", delete(revoke_consent)),
            ("/{id}/logout", post(logout)),
            ("/{id}/role-mappings/realm", get(realm_role_mappings)),
            (
                "/{id}/role-mappings/realm/composite",
                get(composite_realm_role_mappings),
            ),
        ],
    );
    routes(
        router,
        "/admin/realms/{realm}/roles/{role}/users",
        [("", get(role_members))],
    )
}

async fn list(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path(realm): Path<String>,
    QueryParams(query): QueryParams<users::UserListQuery>,
) -> ApiResult<Json<Value>> {
    read_realm(&caller, &state, &realm, |realm, permissions| {
        users::list(realm, permissions, &query)
    })
    .map(Json)
}

async fn count(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path(realm): Path<String>,
    QueryParams(filters): QueryParams<UserQueryParams>,
) -> ApiResult<Json<Value>> {
    read_realm(&caller, &state, &realm, |realm, permissions| {
        users::count(realm, permissions, &filters)
    })
    .map(Json)
}

/// Runs `read` on the addressed user after the realm and anti-phishing checks.
fn with_user(
    caller: &AdminCaller,
    state: &AppState,
    realm: &str,
    id: &str,
    read: impl FnOnce(&Realm, &Permissions, &User) -> ApiResult<Value>,
) -> ApiResult<Json<Value>> {
    state.shared().sweeps.sweep(state, realm);
    read_realm(caller, state, realm, |realm, permissions| {
        let user = users::find(realm, permissions, id)?;
        read(realm, permissions, user)
    })
    .map(Json)
}

async fn get_one(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path((realm, id)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    with_user(&caller, &state, &realm, &id, |_, permissions, user| {
        users::get(permissions, user)
    })
}

async fn sessions(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path((realm, id)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    with_user(&caller, &state, &realm, &id, user_sessions::sessions)
}

async fn offline_sessions(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path((realm, id, client)): Path<(String, String, String)>,
) -> ApiResult<Json<Value>> {
    with_user(&caller, &state, &realm, &id, |realm, permissions, user| {
        user_sessions::offline_sessions(realm, permissions, user, &client)
    })
}

async fn consents(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path((realm, id)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    with_user(&caller, &state, &realm, &id, user_sessions::consents)
}

async fn revoke_consent(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path((realm, id, client)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    state.shared().sweeps.sweep(&state, &realm);
    change_realm(&caller, &state, &realm, |realm, permissions| {
        let user = users::find(realm, permissions, &id)?.id;
        user_sessions::revoke_consent(realm, permissions, user, &client)
    })
}

async fn logout(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path((realm, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let now = state.now();
    change_realm(&caller, &state, &realm, |realm, permissions| {
        let user = users::find(realm, permissions, &id)?.id;
        user_sessions::logout(realm, permissions, user, now)
    })
}

async fn realm_role_mappings(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path((realm, id)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    with_user(&caller, &state, &realm, &id, roles::realm_mappings)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MembersQuery {
    brief_representation: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

async fn composite_realm_role_mappings(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path((realm, id)): Path<(String, String)>,
    QueryParams(query): QueryParams<MembersQuery>,
) -> ApiResult<Json<Value>> {
    // `@DefaultValue("true")`: only an explicit "false" asks for the full form.
    let brief = query
        .brief_representation
        .is_none_or(|v| v.eq_ignore_ascii_case("true"));
    with_user(&caller, &state, &realm, &id, |realm, permissions, user| {
        roles::composite_realm_mappings(realm, permissions, user, brief)
    })
}

async fn role_members(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path((realm, role)): Path<(String, String)>,
    QueryParams(query): QueryParams<MembersQuery>,
) -> ApiResult<Json<Value>> {
    read_realm(&caller, &state, &realm, |realm, permissions| {
        let brief = crate::admin::query::is_true(query.brief_representation.as_deref());
        roles::role_members(realm, permissions, &role, &query.page, brief)
    })
    .map(Json)
}
