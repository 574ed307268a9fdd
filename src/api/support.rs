//! Shared plumbing of server functions: error mapping and HTTP status.

use leptos::prelude::use_context;

use crate::error::AppError;
use crate::keycloak::KcError;
use crate::model::ids::IdError;

/// Sets the response status to match the error, so scripts and tests see a
/// 401/403/404 rather than a generic 500.
pub async fn respond<T>(
    result: impl std::future::Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    let result = result.await;
    if let Err(e) = &result {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = axum::http::StatusCode::from_u16(e.status()) {
                response.set_status(status);
            }
        }
    }
    result
}

/// What a Keycloak failure means to the person, naming the role a 403 lacks.
pub fn keycloak_error(e: KcError, realm: &str, role: &str, action: &str) -> AppError {
    match e {
        KcError::Unauthorized => AppError::NotSignedIn,
        KcError::Forbidden => AppError::Forbidden(format!(
            "You need the realm-management role \u{201c}{role}\u{201d} for realm \u{201c}{realm}\u{201d} to {action}."
        )),
        KcError::NotFound(what) => AppError::NotFound(if what.is_empty() {
            "The item".into()
        } else {
            what
        }),
        KcError::BadRequest(message) => AppError::InvalidInput(if message.is_empty() {
            "Keycloak rejected the request.".into()
        } else {
            message
        }),
        KcError::Conflict(message) => AppError::Conflict(message),
        KcError::Unavailable(detail) => {
            tracing::warn!(%detail, "keycloak unavailable");
            AppError::KeycloakUnavailable
        }
        KcError::Malformed(detail) => AppError::internal(format!("keycloak answer: {detail}")),
    }
}

impl From<IdError> for AppError {
    fn from(e: IdError) -> Self {
        AppError::InvalidInput(format!("{e}."))
    }
}

/// Milliseconds since the epoch, for "3 days ago".
pub fn now_ms() -> i64 {
    crate::auth::oidc::now() * 1000
}
