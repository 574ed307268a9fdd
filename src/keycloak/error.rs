//! Keycloak's answers mapped once into `KcError`; the three error-body
//! families (`errorMessage`, `error`+`error_description`, `error`) are read here.

use reqwest::{Response, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KcError {
    /// 401: the token is missing, expired or its session ended.
    #[error("keycloak: unauthorized")]
    Unauthorized,
    /// 403: the caller lacks a role.
    #[error("keycloak: forbidden")]
    Forbidden,
    #[error("keycloak: not found: {0}")]
    NotFound(String),
    #[error("keycloak: bad request: {0}")]
    BadRequest(String),
    #[error("keycloak: conflict: {0}")]
    Conflict(String),
    /// Could not connect (the request never reached Keycloak), 429 or 503.
    #[error("keycloak unavailable: {0}")]
    Unavailable(String),
    /// No answer within the configured timeout.
    #[error("keycloak timed out: {0}")]
    TimedOut(String),
    /// The connection dropped after the request was sent, before a full answer.
    #[error("keycloak dropped the connection: {0}")]
    Dropped(String),
    /// Any 5xx but 503: Keycloak failed while handling the request.
    #[error("keycloak failed: {0}")]
    ServerError(String),
    /// A 2xx whose body was not what Keycloak sends.
    #[error("keycloak sent an unexpected answer: {0}")]
    Malformed(String),
    /// A mutation was sent but no answer came (timeout or dropped connection):
    /// Keycloak may or may not have applied it.
    #[error("outcome unknown, keycloak did not confirm: {0}")]
    Unconfirmed(String),
}

impl KcError {
    pub fn from_transport(e: reqwest::Error) -> Self {
        let (timed_out, connect) = (e.is_timeout(), e.is_connect());
        // The URL may carry identifiers but never tokens; tokens travel in headers and bodies.
        let detail = e.without_url().to_string();
        if timed_out {
            KcError::TimedOut(detail)
        } else if connect {
            KcError::Unavailable(detail)
        } else {
            KcError::Dropped(detail)
        }
    }

    /// For a mutation: an error after which Keycloak may have acted becomes `Unconfirmed`.
    pub fn for_mutation(self) -> Self {
        match self {
            KcError::TimedOut(detail) | KcError::Dropped(detail) => KcError::Unconfirmed(detail),
            other => other,
        }
    }

    /// A short reason that is safe to show to anyone.
    pub fn public_summary(&self) -> &'static str {
        match self {
            KcError::Unauthorized => "Keycloak refused the credentials",
            KcError::Forbidden => "Keycloak refused the request for lack of a role",
            KcError::NotFound(_) => "Keycloak does not know the realm or resource",
            KcError::BadRequest(_) => "Keycloak rejected the request",
            KcError::Conflict(_) => "Keycloak reported a conflict",
            KcError::Unavailable(_) => "Keycloak did not answer",
            KcError::TimedOut(_) => "Keycloak did not answer in time",
            KcError::Dropped(_) => "Keycloak dropped the connection",
            KcError::ServerError(_) => "Keycloak failed with a server error",
            KcError::Malformed(_) => "Keycloak sent an unexpected answer",
            KcError::Unconfirmed(_) => {
                "Keycloak did not confirm the change; it may have been applied"
            }
        }
    }

    /// Whether retrying the same idempotent read may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            KcError::Unavailable(_)
                | KcError::TimedOut(_)
                | KcError::Dropped(_)
                | KcError::ServerError(_)
        )
    }
}

#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(rename = "errorMessage")]
    error_message: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

impl ErrorBody {
    fn message(self) -> String {
        self.error_message
            .or(self.error_description)
            .or(self.error)
            .unwrap_or_default()
    }
}

/// Maps a non-success status to `KcError`, reading whichever family the body is.
pub async fn check(response: Response) -> Result<Response, KcError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let body: ErrorBody = response.json().await.unwrap_or_default();
    Err(match status {
        StatusCode::UNAUTHORIZED => KcError::Unauthorized,
        StatusCode::FORBIDDEN => KcError::Forbidden,
        StatusCode::NOT_FOUND => KcError::NotFound(body.message()),
        StatusCode::CONFLICT => KcError::Conflict(body.message()),
        StatusCode::TOO_MANY_REQUESTS => KcError::Unavailable("429 Too Many Requests".into()),
        StatusCode::SERVICE_UNAVAILABLE => {
            KcError::Unavailable(format!("{status}: {}", body.message()))
        }
        s if s.is_server_error() => KcError::ServerError(format!("{s}: {}", body.message())),
        _ => KcError::BadRequest(body.message()),
    })
}

pub async fn json<T: DeserializeOwned>(response: Response) -> Result<T, KcError> {
    let response = check(response).await?;
    let bytes = response.bytes().await.map_err(KcError::from_transport)?;
    serde_json::from_slice(&bytes).map_err(|e| KcError::Malformed(e.to_string()))
}
