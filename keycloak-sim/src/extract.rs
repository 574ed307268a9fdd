//! Request-body extractors whose rejections use the error module's bodies.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

/// A form-encoded body as ordered (name, value) pairs (duplicates kept, so endpoints
/// can refuse them as Keycloak does).
pub struct FormParams(pub Vec<(String, String)>);

impl FormParams {
    pub fn parse(body: &[u8]) -> FormParams {
        FormParams(form_urlencoded::parse(body).into_owned().collect())
    }

    /// First value of a parameter; empty values count as absent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// Whether any parameter name occurs more than once.
    pub fn has_duplicates(&self) -> bool {
        let mut names: Vec<&str> = self.0.iter().map(|(k, _)| k.as_str()).collect();
        names.sort_unstable();
        names.windows(2).any(|w| w[0] == w[1])
    }

    /// The raw value, including an empty one (`code=` differs from no `code`).
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl<S: Send + Sync> FromRequest<S> for FormParams {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let body = read_body(request, state).await?;
        Ok(FormParams::parse(&body))
    }
}

/// A JSON body deserialized into `T`; unparsable → 400 "Cannot parse the JSON".
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let body = read_body(request, state).await?;
        serde_json::from_slice(&body)
            .map(JsonBody)
            .map_err(|_| ApiError::unparsable_json())
    }
}

async fn read_body<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::body_too_large()
            } else {
                ApiError::invalid_request("Invalid request body")
            }
        })
}
