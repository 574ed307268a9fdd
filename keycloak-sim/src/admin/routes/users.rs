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
use crate::admin::route_with_trailing_slash;
use crate::admin::user_search::UserQueryParams;
use crate::admin::{roles, user_sessions, users};
use crate::error::{ApiError, ApiResult};
use crate::model::User;
use crate::state::AppState;
use crate::store::Realm;

pub fn router() -> Router<AppState> {
    let base = "/admin/realms/{realm}/users";
    let mut router = Router::new();
    router = route_with_trailing_slash(router, base, get(list));
    router = route_with_trailing_slash(router, &format!("{base}/count"), get(count));
    router = route_with_trailing_slash(router, &format!("{base}/{{id}}"), get(get_one));
    router = route_with_trailing_slash(router, &format!("{base}/{{id}}/sessions"), get(sessions));
    router = route_with_trailing_slash(
        router,
        &format!("{base}/{{id}}/offline-sessions/{{client}}"),
        get(offline_sessions),
    );
    router = route_with_trailing_slash(router, &format!("{base}/{{id}}/consents"), get(consents));
    router = route_with_trailing_slash(
        router,
        &format!("{base}/{{id}}/consents/{{client}}"),
        delete(revoke_consent),
    );
    router = route_with_trailing_slash(router, &format!("{base}/{{id}}/logout"), post(logout));
    router = route_with_trailing_slash(
        router,
        &format!("{base}/{{id}}/role-mappings/realm"),
        get(realm_role_mappings),
    );
    router = route_with_trailing_slash(
        router,
        &format!("{base}/{{id}}/role-mappings/realm/composite"),
        get(composite_realm_role_mappings),
    );
    router = route_with_trailing_slash(
        router,
        "/admin/realms/{realm}/roles/{role}/users",
        get(role_members),
    );
    router
}

async fn list(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path(realm): Path<String>,
    QueryParams(query): QueryParams<users::UserListQuery>,
) -> ApiResult<Json<Value>> {
    let db = state.read();
    let permissions = caller.permissions(&db, &realm)?;
    let realm = db
        .realm(&realm)
        .ok_or_else(ApiError::admin_realm_not_found)?;
    users::list(realm, &permissions, &query).map(Json)
}

async fn count(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path(realm): Path<String>,
    QueryParams(filters): QueryParams<UserQueryParams>,
) -> ApiResult<Json<Value>> {
    let db = state.read();
    let permissions = caller.permissions(&db, &realm)?;
    let realm = db
        .realm(&realm)
        .ok_or_else(ApiError::admin_realm_not_found)?;
    users::count(realm, &permissions, &filters).map(Json)
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
    let db = state.read();
    let permissions = caller.permissions(&db, realm)?;
    let realm = db
        .realm(realm)
        .ok_or_else(ApiError::admin_realm_not_found)?;
    let user = users::find(realm, &permissions, id)?;
    read(realm, &permissions, user).map(Json)
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
    let mut db = state.write();
    let permissions = caller.permissions(&db, &realm)?;
    let realm = db
        .realm_mut(&realm)
        .ok_or_else(ApiError::admin_realm_not_found)?;
    let user = users::find(realm, &permissions, &id)?.id;
    user_sessions::revoke_consent(realm, &permissions, user, &client)
}

async fn logout(
    caller: AdminCaller,
    State(state): State<AppState>,
    Path((realm, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let now = state.now();
    let mut db = state.write();
    let permissions = caller.permissions(&db, &realm)?;
    let realm = db
        .realm_mut(&realm)
        .ok_or_else(ApiError::admin_realm_not_found)?;
    let user = users::find(realm, &permissions, &id)?.id;
    user_sessions::logout(realm, &permissions, user, now)
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
    let db = state.read();
    let permissions = caller.permissions(&db, &realm)?;
    let realm = db
        .realm(&realm)
        .ok_or_else(ApiError::admin_realm_not_found)?;
    let brief = crate::admin::query::is_true(query.brief_representation.as_deref());
    roles::role_members(realm, &permissions, &role, &query.page, brief).map(Json)
}
