//! `/_sim/faults`: register, list and remove faults.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde_json::json;

use super::{FaultRegistry, FaultSpec};
use crate::error::ApiError;

/// The `/_sim/faults` routes, bound to `registry`; mounted only with `--sim-api`.
pub fn routes<S: Clone + Send + Sync + 'static>(registry: FaultRegistry) -> Router<S> {
    Router::new()
        .route("/_sim/faults", get(list).post(add).delete(clear))
        .route("/_sim/faults/{id}", delete(remove))
        .with_state(registry)
}

async fn add(
    State(registry): State<FaultRegistry>,
    body: Result<Json<FaultSpec>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let spec = match body {
        Ok(Json(spec)) => spec,
        Err(_) => return ApiError::unparsable_json().into_response(),
    };
    if let Err(message) = spec.validate() {
        return ApiError::admin(StatusCode::BAD_REQUEST, message).into_response();
    }
    let fault = registry.add(spec);
    Json(json!({ "id": fault.id })).into_response()
}

async fn list(State(registry): State<FaultRegistry>) -> Response {
    Json(registry.list()).into_response()
}

async fn remove(State(registry): State<FaultRegistry>, Path(id): Path<String>) -> Response {
    if registry.remove(&id) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        ApiError::not_found("Fault not found").into_response()
    }
}

async fn clear(State(registry): State<FaultRegistry>) -> Response {
    registry.clear();
    StatusCode::NO_CONTENT.into_response()
}
