//! Role mappings of a user and members of a realm role (`RoleMapperResource`,
//! `RoleContainerResource`).

use serde_json::{json, Value};

use super::paging::{Page, PageQuery};
use super::permissions::Permissions;
use super::reps::role::RoleRep;
use super::reps::user::UserRep;
use super::users::require_view;
use crate::error::{ApiError, ApiResult};
use crate::model::User;
use crate::store::realm::Realm;

/// `GET /users/{id}/role-mappings/realm`: realm roles mapped directly, brief form.
pub fn realm_mappings(realm: &Realm, permissions: &Permissions, user: &User) -> ApiResult<Value> {
    require_view(permissions)?;
    let realm_id = realm.settings.id.to_string();
    let roles = realm
        .realm_roles()
        .filter(|role| user.roles.contains(&role.id))
        .map(|role| RoleRep::new(role, &realm_id, true));
    Ok(json!(roles.collect::<Vec<_>>()))
}

/// `GET /users/{id}/role-mappings/realm/composite?briefRepresentation=` (default true):
/// effective realm roles, composites expanded.
pub fn composite_realm_mappings(
    realm: &Realm,
    permissions: &Permissions,
    user: &User,
    brief: bool,
) -> ApiResult<Value> {
    require_view(permissions)?;
    let realm_id = realm.settings.id.to_string();
    let effective = realm.effective_roles(user);
    let roles = realm
        .realm_roles()
        .filter(|role| effective.contains(&role.id))
        .map(|role| RoleRep::new(role, &realm_id, brief));
    Ok(json!(roles.collect::<Vec<_>>()))
}

/// `GET /roles/{role-name}/users?first=&max=&briefRepresentation=`: users with a direct
/// mapping to the realm role, by username; needs realm view (`RolePermissions.requireView`).
pub fn role_members(
    realm: &Realm,
    permissions: &Permissions,
    role_name: &str,
    query: &PageQuery,
    brief: bool,
) -> ApiResult<Value> {
    if !permissions.can_view_realm() {
        return Err(ApiError::forbidden());
    }
    let page = Page::with_default_max(query).map_err(|_| super::not_an_integer())?;
    let Some(role) = realm.realm_role(role_name) else {
        return Err(ApiError::not_found("Could not find role"));
    };
    let members = realm
        .users_by_username()
        .filter(|user| user.roles.contains(&role.id));
    let reps: Vec<UserRep> = page
        .apply(members)
        .into_iter()
        .map(|user| UserRep::without_access(user, brief))
        .collect();
    Ok(json!(reps))
}
