//! The authenticated user of an account API request (`AccountLoader.getAccountRestService`).

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};

use crate::auth::{authenticate, Caller};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Extraction runs Keycloak's checks in order: realm exists (404), the request asks for JSON
/// (else Keycloak serves its account console page: here 404), the `account` client exists and
/// is enabled (404), a valid bearer token of this realm (401), audience `account` (401), not a
/// service account (401).
pub struct AccountCaller {
    pub realm: String,
    pub caller: Caller,
}

impl FromRequestParts<AppState> for AccountCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let realm_name = realm_in_path(parts, state).await?;
        let db = state.read();
        let realm = db
            .realm(&realm_name)
            .ok_or_else(ApiError::realm_does_not_exist)?;
        if !wants_json(&parts.headers) {
            return Err(ApiError::not_found("HTTP 404 Not Found"));
        }
        if !realm
            .client_by_client_id("account")
            .is_some_and(|c| c.enabled)
        {
            return Err(ApiError::not_found("account management not enabled"));
        }
        let caller = authenticate(&db, &parts.headers, state.now())?;
        if caller.realm != realm_name || !caller.audience.iter().any(|aud| aud == "account") {
            return Err(ApiError::unauthorized());
        }
        let service_account = realm
            .user(caller.user)
            .is_none_or(|user| user.service_account_client_id.is_some());
        if service_account {
            return Err(ApiError::unauthorized());
        }
        Ok(AccountCaller {
            realm: realm_name,
            caller,
        })
    }
}

impl AccountCaller {
    /// `Auth.requireOneOf`: one of the `account` client roles in the token, else 403.
    pub fn require_one_of(&self, roles: &[&str]) -> ApiResult<()> {
        if roles
            .iter()
            .any(|role| self.caller.has_client_role("account", role))
        {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }

    /// The token's session id (`current` in session listings).
    pub fn session_id(&self) -> Option<crate::id::Id> {
        self.caller.session
    }
}

async fn realm_in_path(parts: &mut Parts, state: &AppState) -> ApiResult<String> {
    #[derive(serde::Deserialize)]
    struct RealmParam {
        realm: String,
    }
    Path::<RealmParam>::from_request_parts(parts, state)
        .await
        .map(|Path(param)| param.realm)
        .map_err(|_| ApiError::realm_does_not_exist())
}

/// `Accept` lists `application/json`, or the body is JSON.
fn wants_json(headers: &HeaderMap) -> bool {
    let mentions_json = |name| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.to_ascii_lowercase().contains("application/json"))
    };
    mentions_json(header::ACCEPT) || mentions_json(header::CONTENT_TYPE)
}
