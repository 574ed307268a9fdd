//! `/users`, `/users/count`, `/users/{id}` (Keycloak's `UsersResource`, `UserResource`).

use serde::Deserialize;
use serde_json::{json, Value};

use super::paging::{Page, PageQuery};
use super::permissions::Permissions;
use super::reps::user::UserRep;
use super::user_search::{SearchableUser, UserQuery, UserQueryParams};
use crate::error::{ApiError, ApiResult};
use crate::id::Id;
use crate::model::User;
use crate::store::realm::Realm;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserListQuery {
    #[serde(flatten)]
    pub filters: UserQueryParams,
    #[serde(flatten)]
    pub page: PageQuery,
    pub brief_representation: Option<String>,
}

fn searchable(user: &User) -> SearchableUser<'_> {
    SearchableUser {
        id: user.id,
        username: &user.username,
        email: user.email.as_deref(),
        first_name: user.first_name.as_deref(),
        last_name: user.last_name.as_deref(),
        enabled: user.enabled,
        email_verified: user.email_verified,
        service_account: user.service_account_client_id.is_some(),
        attributes: &user.attributes,
    }
}

fn matching(realm: &Realm, query: UserQuery) -> impl Iterator<Item = &User> + '_ {
    realm
        .users_by_username()
        .filter(move |user| query.matches(&searchable(user)))
}

pub fn require_query(permissions: &Permissions) -> ApiResult<()> {
    if permissions.can_query_users() {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

pub fn require_view(permissions: &Permissions) -> ApiResult<()> {
    if permissions.can_view_users() {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

pub fn require_manage(permissions: &Permissions) -> ApiResult<()> {
    if permissions.can_manage_users() {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// `GET /users`: ordered by username, `max` defaults to 100.
pub fn list(realm: &Realm, permissions: &Permissions, query: &UserListQuery) -> ApiResult<Value> {
    require_query(permissions)?;
    let page = Page::with_default_max(&query.page).map_err(|_| super::not_an_integer())?;
    let brief = query
        .brief_representation
        .as_deref()
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let filter = UserQuery::from_params(&query.filters);
    let users = page.apply(matching(realm, filter));
    Ok(json!(users
        .into_iter()
        .map(|user| UserRep::new(user, permissions, brief))
        .collect::<Vec<_>>()))
}

/// `GET /users/count`: a bare integer.
pub fn count(
    realm: &Realm,
    permissions: &Permissions,
    filters: &UserQueryParams,
) -> ApiResult<Value> {
    require_query(permissions)?;
    let filter = UserQuery::from_params(filters);
    if filter == UserQuery::All {
        return Ok(json!(realm.person_count()));
    }
    let count = realm
        .users_unordered()
        .filter(|user| filter.matches(&searchable(user)))
        .count();
    Ok(json!(count))
}

/// Resolves `{id}`; unknown ids are 404 only for callers who may query users (anti-phishing).
pub fn find<'r>(realm: &'r Realm, permissions: &Permissions, id: &str) -> ApiResult<&'r User> {
    match Id::parse(id).and_then(|id| realm.user(id)) {
        Some(user) => Ok(user),
        None if permissions.can_query_users() => Err(ApiError::not_found("User not found")),
        None => Err(ApiError::forbidden()),
    }
}

/// `GET /users/{id}`.
pub fn get(permissions: &Permissions, user: &User) -> ApiResult<Value> {
    require_view(permissions)?;
    Ok(json!(UserRep::new(user, permissions, false)))
}
