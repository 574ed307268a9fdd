//! The steps every admin route takes before its own work: the routes (with and
//! without a trailing slash), then the caller's permissions in the realm and
//! the realm itself, in Keycloak's order (401/403 before 404).

use axum::routing::MethodRouter;
use axum::Router;

use crate::admin::caller::AdminCaller;
use crate::admin::permissions::Permissions;
use crate::admin::route_with_trailing_slash;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::Realm;

/// Adds each `(suffix, handler)` at `base` + suffix, with and without a trailing slash.
pub fn routes<const N: usize>(
    router: Router<AppState>,
    base: &str,
    routes: [(&str, MethodRouter<AppState>); N],
) -> Router<AppState> {
    routes
        .into_iter()
        .fold(router, |router, (suffix, handler)| {
            route_with_trailing_slash(router, &format!("{base}{suffix}"), handler)
        })
}

/// Runs `read` on the realm `name` with the caller's permissions there.
pub fn read_realm<T>(
    caller: &AdminCaller,
    state: &AppState,
    name: &str,
    read: impl FnOnce(&Realm, &Permissions) -> ApiResult<T>,
) -> ApiResult<T> {
    let db = state.read();
    let permissions = caller.permissions(&db, name)?;
    let realm = db.realm(name).ok_or_else(ApiError::admin_realm_not_found)?;
    read(realm, &permissions)
}

/// Runs `change` on the realm `name` with the caller's permissions there; the
/// change is journaled when it returns.
pub fn change_realm<T>(
    caller: &AdminCaller,
    state: &AppState,
    name: &str,
    change: impl FnOnce(&mut Realm, &Permissions) -> ApiResult<T>,
) -> ApiResult<T> {
    let mut db = state.write();
    let permissions = caller.permissions(&db, name)?;
    let realm = db
        .realm_mut(name)
        .ok_or_else(ApiError::admin_realm_not_found)?;
    change(realm, &permissions)
}
