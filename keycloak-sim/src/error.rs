//! Every error body the simulator sends is built here, in Keycloak's three families
//! (`ErrorResponse`, `ErrorResponseException`, `KeycloakErrorHandler`) plus the HTML error
//! page of the login flows.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{json, Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// Family A, admin `ErrorResponse`: `{"errorMessage": ...}`.
    Admin { status: StatusCode, message: String },
    /// Family B, OAuth2: `{"error": ..., "error_description": ...}`.
    OAuth {
        status: StatusCode,
        error: String,
        description: String,
    },
    /// Family C, unmapped JAX-RS exception: `{"error": <message>}` (+ description for 5xx / parse errors).
    Jaxrs {
        status: StatusCode,
        error: String,
        description: Option<String>,
    },
    /// Login-flow error page (HTML), as Keycloak's `error.ftl`.
    Page { status: StatusCode, message: String },
    /// A bearer endpoint called without a token: 401, no body.
    Challenge { realm: String },
}

impl ApiError {
    pub fn admin(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError::Admin {
            status,
            message: message.into(),
        }
    }

    pub fn oauth(status: StatusCode, error: &str, description: impl Into<String>) -> Self {
        ApiError::OAuth {
            status,
            error: error.to_string(),
            description: description.into(),
        }
    }

    pub fn invalid_grant(description: &str) -> Self {
        Self::oauth(StatusCode::BAD_REQUEST, "invalid_grant", description)
    }

    pub fn invalid_request(description: &str) -> Self {
        Self::oauth(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    /// Unknown or disabled client (Keycloak's `AuthenticationProcessor.handleClientAuthException`).
    pub fn invalid_client() -> Self {
        Self::oauth(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Invalid client or Invalid client credentials",
        )
    }

    /// Confidential client with a wrong or missing secret (Keycloak's
    /// `ClientIdAndSecretAuthenticator`).
    pub fn bad_client_secret() -> Self {
        Self::oauth(
            StatusCode::UNAUTHORIZED,
            "unauthorized_client",
            "Invalid client or Invalid client credentials",
        )
    }

    pub fn offline_not_allowed() -> Self {
        Self::oauth(
            StatusCode::BAD_REQUEST,
            "not_allowed",
            "Offline tokens not allowed for the user or client",
        )
    }

    /// 401 with an empty body and `WWW-Authenticate: Bearer realm="<realm>"`, as Keycloak's
    /// bearer-token endpoints answer a request without a token.
    pub fn bearer_challenge(realm: &str) -> Self {
        ApiError::Challenge {
            realm: realm.to_owned(),
        }
    }

    pub fn jaxrs(status: StatusCode, error: impl Into<String>) -> Self {
        ApiError::Jaxrs {
            status,
            error: error.into(),
            description: None,
        }
    }

    /// `NotFoundException(message)` → 404 `{"error": message}`.
    pub fn not_found(message: &str) -> Self {
        Self::jaxrs(StatusCode::NOT_FOUND, message)
    }

    /// `NotAuthorizedException` → 401 `{"error":"HTTP 401 Unauthorized"}` with `WWW-Authenticate: Bearer`.
    pub fn unauthorized() -> Self {
        Self::jaxrs(StatusCode::UNAUTHORIZED, "HTTP 401 Unauthorized")
    }

    /// `ForbiddenException()` → 403 `{"error":"HTTP 403 Forbidden"}`.
    pub fn forbidden() -> Self {
        Self::jaxrs(StatusCode::FORBIDDEN, "HTTP 403 Forbidden")
    }

    /// `/realms/{unknown}/...` (public endpoints).
    pub fn realm_does_not_exist() -> Self {
        Self::not_found("Realm does not exist")
    }

    /// `/admin/realms/{unknown}/...`.
    pub fn admin_realm_not_found() -> Self {
        Self::not_found("Realm not found.")
    }

    /// JSON body that cannot be parsed (as Keycloak's `KeycloakErrorHandler` answers; exact
    /// `error` code UNCONFIRMED).
    pub fn unparsable_json() -> Self {
        ApiError::Jaxrs {
            status: StatusCode::BAD_REQUEST,
            error: "unknown_error".into(),
            description: Some("Cannot parse the JSON".into()),
        }
    }

    pub fn body_too_large() -> Self {
        Self::jaxrs(
            StatusCode::PAYLOAD_TOO_LARGE,
            "HTTP 413 Request Entity Too Large",
        )
    }

    pub fn server_error() -> Self {
        ApiError::Jaxrs {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            error: "unknown_error".into(),
            description: Some("For more on this error consult the server log.".into()),
        }
    }

    pub fn page(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError::Page {
            status,
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Admin { status, .. }
            | ApiError::OAuth { status, .. }
            | ApiError::Jaxrs { status, .. }
            | ApiError::Page { status, .. } => *status,
            ApiError::Challenge { .. } => StatusCode::UNAUTHORIZED,
        }
    }

    /// The JSON body (`None` for HTML pages).
    pub fn body(&self) -> Option<Value> {
        match self {
            ApiError::Admin { message, .. } => Some(json!({ "errorMessage": message })),
            ApiError::OAuth {
                error, description, ..
            } => Some(json!({ "error": error, "error_description": description })),
            ApiError::Jaxrs {
                error, description, ..
            } => {
                let mut body = Map::new();
                body.insert("error".into(), Value::from(error.as_str()));
                if let Some(description) = description {
                    body.insert(
                        "error_description".into(),
                        Value::from(description.as_str()),
                    );
                }
                Some(Value::Object(body))
            }
            ApiError::Page { .. } | ApiError::Challenge { .. } => None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let ApiError::Page { message, .. } = &self {
            return (status, Html(crate::pages::error_page(message))).into_response();
        }
        if let ApiError::Challenge { realm } = &self {
            let challenge = format!("Bearer realm=\"{realm}\"");
            let mut response = status.into_response();
            if let Ok(value) = HeaderValue::from_str(&challenge) {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, value);
            }
            return response;
        }
        let body = self.body().unwrap_or(Value::Null);
        let mut response = (status, axum::Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED && matches!(self, ApiError::Jaxrs { .. }) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
