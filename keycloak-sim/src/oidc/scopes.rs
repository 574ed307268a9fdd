//! Which client scopes a request asks for and which a user gets (Keycloak's
//! `DefaultClientSessionContext`).

use crate::error::ApiError;
use crate::id::Id;
use crate::model::{Client, ClientScope, User};
use crate::store::Realm;
use axum::http::StatusCode;

/// Requested scopes: the client's default scopes plus the optional ones named in `scope`.
pub struct RequestedScopes {
    pub openid: bool,
    pub scopes: Vec<Id>,
}

impl RequestedScopes {
    /// Offline requested ⇔ the `offline_access` client scope is among the requested scopes.
    pub fn offline_requested(&self, realm: &Realm) -> bool {
        realm
            .scope_by_name("offline_access")
            .is_some_and(|s| self.scopes.contains(&s.id))
    }
}

/// Parses the `scope` parameter; names that are neither `openid` nor a default/optional
/// scope of the client → `invalid_scope` / `Invalid scopes: <raw>`.
pub fn requested(
    realm: &Realm,
    client: &Client,
    raw: Option<&str>,
) -> Result<RequestedScopes, ApiError> {
    let (defaults, optionals) = realm.client_scopes(client);
    let mut scopes: Vec<Id> = defaults.iter().map(|s| s.id).collect();
    let mut openid = false;
    for name in raw.unwrap_or("").split_whitespace() {
        if name == "openid" {
            openid = true;
        } else if let Some(scope) = optionals.iter().find(|s| s.name == name) {
            if !scopes.contains(&scope.id) {
                scopes.push(scope.id);
            }
        } else if !defaults.iter().any(|s| s.name == name) {
            return Err(ApiError::oauth(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                format!("Invalid scopes: {}", raw.unwrap_or("")),
            ));
        }
    }
    Ok(RequestedScopes { openid, scopes })
}

/// The requested scopes the user is permitted (role scope-mappings checked).
pub fn permitted<'r>(
    realm: &'r Realm,
    user: &User,
    requested: &RequestedScopes,
) -> Vec<&'r ClientScope> {
    let roles = realm.effective_roles(user);
    requested
        .scopes
        .iter()
        .filter_map(|id| realm.scope(*id))
        .filter(|s| realm.scope_permitted(s, &roles))
        .collect()
}

/// Offline allowed ⇔ realm role `offline_access` is among the token roles.
pub fn offline_allowed(
    realm: &Realm,
    user: &User,
    client: &Client,
    scopes: &[&ClientScope],
) -> bool {
    realm
        .offline_access_role()
        .is_some_and(|role| realm.token_roles(user, client, scopes).contains(&role))
}

/// The `scope` claim: `openid` first when requested, then scopes included in token scope.
pub fn scope_string(openid: bool, scopes: &[&ClientScope]) -> String {
    let mut names: Vec<&str> = Vec::new();
    if openid {
        names.push("openid");
    }
    names.extend(
        scopes
            .iter()
            .filter(|s| s.include_in_token_scope())
            .map(|s| s.name.as_str()),
    );
    names.join(" ")
}

/// The refresh token's `scope` claim: every granted scope, also those left out of the access
/// token's (`acr`, `basic`, `roles`, `web-origins`), so that a refresh grants them again.
pub fn refresh_scope_string(openid: bool, scopes: &[&ClientScope]) -> String {
    let mut names: Vec<&str> = Vec::new();
    if openid {
        names.push("openid");
    }
    names.extend(scopes.iter().map(|s| s.name.as_str()));
    names.join(" ")
}
