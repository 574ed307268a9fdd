//! Query-string extraction as JAX-RS `@QueryParam` does it: the first value of a repeated
//! parameter wins and unknown parameters are ignored, so extraction itself never fails.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::ApiError;

pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let mut fields = Map::new();
        for (key, value) in form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes()) {
            fields
                .entry(key.into_owned())
                .or_insert_with(|| Value::String(value.into_owned()));
        }
        Ok(QueryParams(
            serde_json::from_value(Value::Object(fields)).unwrap_or_default(),
        ))
    }
}

/// Java's `Boolean.parseBoolean` for boolean query parameters.
pub fn is_true(value: Option<&str>) -> bool {
    value.is_some_and(|v| v.eq_ignore_ascii_case("true"))
}
