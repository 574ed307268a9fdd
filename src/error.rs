//! The one error type that crosses the wire. Its messages are written for the
//! person using the console; internal detail is logged on the server, never sent.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    NotSignedIn,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} was not found.")]
    NotFound(String),
    #[error("{0}")]
    InvalidInput(String),
    #[error("{0}")]
    Conflict(String),
    #[error("The request was refused because it did not come from this console.")]
    CrossSite,
    #[error("Keycloak did not answer in time or is unavailable; please try again shortly.")]
    KeycloakUnavailable,
    #[error("Keycloak did not answer within the console's time limit; please try again shortly.")]
    KeycloakTimedOut,
    #[error(
        "Keycloak failed or sent an answer the console cannot read; please try again shortly."
    )]
    KeycloakFailed,
    #[error("Keycloak did not confirm the change, so it may or may not have been made. Reload to check before trying again.")]
    Unconfirmed,
    #[error("{0}")]
    TooMany(String),
    #[error("The console is busy; please try again shortly.")]
    Busy,
    #[error("The request did not arrive in time; please try again.")]
    TooSlow,
    #[error("The request is larger than the console accepts.")]
    TooLarge,
    #[error("Something went wrong on our side. It has been logged; please try again.")]
    Internal,
    #[error("The console could not be reached: {0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status that goes with the error, so that scripts and tests see
    /// more than a generic 500.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotSignedIn => 401,
            AppError::Forbidden(_) | AppError::CrossSite => 403,
            AppError::NotFound(_) => 404,
            AppError::InvalidInput(_) => 400,
            AppError::Conflict(_) => 409,
            AppError::KeycloakUnavailable | AppError::Busy => 503,
            AppError::TooMany(_) => 429,
            AppError::TooSlow => 408,
            AppError::TooLarge => 413,
            AppError::KeycloakFailed => 502,
            AppError::KeycloakTimedOut | AppError::Unconfirmed => 504,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(message) => AppError::Transport(message),
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::MissingArg(detail) => {
                AppError::InvalidInput(format!("The request was malformed: {detail}."))
            }
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function failed");
                #[cfg(not(feature = "ssr"))]
                let _ = other;
                AppError::Internal
            }
        }
    }
}

impl AppError {
    /// A signed-in person without any administrative role on an administrators' page.
    pub fn admin_only() -> Self {
        AppError::Forbidden(
            "This page is for realm administrators. Your account has no administrative roles."
                .into(),
        )
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Logs the internal detail and returns the opaque error.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        AppError::Internal
    }
}
