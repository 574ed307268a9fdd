//! Placeholder until the grant lands.

use super::token::TokenCall;
use crate::error::{ApiError, ApiResult};
use axum::http::StatusCode;
use serde_json::Value;

pub fn grant(_call: &TokenCall) -> ApiResult<Value> {
    Err(ApiError::oauth(
        StatusCode::BAD_REQUEST,
        "unsupported_grant_type",
        "Unsupported grant_type",
    ))
}
