//! The authenticated admin of a request and its rights in the addressed realm.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::permissions::Permissions;
use crate::auth::{authenticate, Caller};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::Db;

/// Extracting it authenticates the request (401 on any token problem).
pub struct AdminCaller(pub Caller);

impl FromRequestParts<AppState> for AdminCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let db = state.read();
        authenticate(&db, &parts.headers, state.now()).map(AdminCaller)
    }
}

impl AdminCaller {
    /// Rights in realm `name`: 404 for an unknown realm, 403 for a token of another realm
    /// than `master` (`RealmsAdminResource.getRealmAdmin`). A `master` token uses the
    /// `<realm>-realm` client roles, a same-realm token those of `realm-management`.
    pub fn permissions(&self, db: &Db, name: &str) -> ApiResult<Permissions> {
        if db.realm(name).is_none() {
            return Err(ApiError::admin_realm_not_found());
        }
        self.admin_realm_permissions(name)
            .ok_or_else(ApiError::forbidden)
    }

    /// `None` when this token may not administer realm `name` at all.
    pub fn admin_realm_permissions(&self, name: &str) -> Option<Permissions> {
        let admin_client = if self.0.realm == "master" {
            format!("{name}-realm")
        } else if self.0.realm == name {
            "realm-management".to_owned()
        } else {
            return None;
        };
        let roles = self
            .0
            .client_roles
            .get(&admin_client)
            .cloned()
            .unwrap_or_default();
        Some(Permissions::new(roles, name == "master"))
    }
}
