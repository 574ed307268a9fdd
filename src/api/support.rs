//! Shared plumbing of server functions: error mapping and HTTP status.

use std::future::Future;

use leptos::prelude::use_context;

use crate::audit::Recorder;
use crate::auth::Caller;
use crate::error::AppError;
use crate::keycloak::KcError;
use crate::model::ids::IdError;

/// Sets the response status to match the error, so scripts and tests see a
/// 401/403/404 rather than a generic 500.
///
/// The work is boxed at once: a page's future is moved several times while leptos sets up
/// its resource, and unboxed it holds every Keycloak call's state, so each move would copy
/// all of it.
pub fn respond<T>(
    result: impl Future<Output = Result<T, AppError>> + Send,
) -> impl Future<Output = Result<T, AppError>> + Send {
    let result = Box::pin(result);
    async move {
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
}

/// An administrative change, as the audit log records it and a refusal words it.
pub struct AuditedChange<'a> {
    pub realm: &'a str,
    /// The audit log's action, e.g. `revoke_offline_session`.
    pub action: &'a str,
    pub target: &'a str,
    /// The role Keycloak requires and the change in words, for a 403 message.
    pub role: &'a str,
    pub wording: &'a str,
}

/// Sends one change to Keycloak with its audit trail: the attempt is recorded
/// before `send` runs, the outcome after it, and only then is the answer given.
pub async fn audited<Sending>(
    caller: &Caller,
    change: AuditedChange<'_>,
    send: impl FnOnce() -> Sending,
) -> Result<(), AppError>
where
    Sending: Future<Output = Result<(), KcError>>,
{
    let (realm, role, wording) = (change.realm, change.role, change.wording);
    audited_as(caller, change, send, |e| {
        keycloak_error(e, realm, role, wording)
    })
    .await
}

/// `audited`, with the refusal worded by `explain` (the account API's errors read
/// differently from the admin API's).
pub async fn audited_as<Sending>(
    caller: &Caller,
    change: AuditedChange<'_>,
    send: impl FnOnce() -> Sending,
    explain: impl FnOnce(KcError) -> AppError,
) -> Result<(), AppError>
where
    Sending: Future<Output = Result<(), KcError>>,
{
    let audit = Recorder::begin(
        &caller.state.db,
        &caller.who(),
        change.realm,
        change.action,
        change.target,
        None,
    )
    .await
    .map_err(AppError::internal)?;
    match send().await {
        Ok(()) => audit.succeeded(None).await.map_err(AppError::internal),
        Err(e) => {
            audit
                .did_not_succeed(&e)
                .await
                .map_err(AppError::internal)?;
            Err(explain(e))
        }
    }
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
        KcError::TimedOut(detail) => {
            tracing::warn!(%detail, "keycloak timed out");
            AppError::KeycloakTimedOut
        }
        KcError::Dropped(detail) | KcError::ServerError(detail) | KcError::Malformed(detail) => {
            tracing::warn!(%detail, "keycloak failed");
            AppError::KeycloakFailed
        }
        KcError::Unconfirmed(detail) => {
            tracing::warn!(%detail, "keycloak did not confirm a change");
            AppError::Unconfirmed
        }
    }
}

impl From<IdError> for AppError {
    fn from(e: IdError) -> Self {
        AppError::InvalidInput(format!("{e}."))
    }
}

/// Keycloak's clock (epoch seconds), which decides expiry and not-before.
/// The caller's access token carries it: its `exp` is Keycloak's time and
/// `access_expires_at` this server's for the same instant. The estimate is as
/// fresh as the token (a 401 makes the console fetch a new one).
pub fn keycloak_now(caller: &crate::auth::Caller) -> i64 {
    use base64::Engine as _;
    let who = caller.who();
    let tokens = &who.tokens;
    let exp = tokens
        .access_token
        .split('.')
        .nth(1)
        .and_then(|payload| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload.trim_end_matches('='))
                .ok()
        })
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .and_then(|claims| claims.get("exp").and_then(serde_json::Value::as_i64));
    let skew = exp.map_or(0, |exp| exp - tokens.access_expires_at);
    crate::model::time::clock::now_secs() + skew
}
