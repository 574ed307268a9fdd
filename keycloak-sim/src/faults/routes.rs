//! `/_sim/faults`: register, list and remove faults.

use axum::extract::{FromRef, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde_json::json;

use super::{FaultRegistry, FaultSpec};
use crate::error::ApiError;
use crate::extract::JsonBody;

/// The `/_sim/faults` routes; the `/_sim/` router mounts them only with `--sim-api`.
pub fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    FaultRegistry: FromRef<S>,
{
    Router::new()
        .route("/_sim/faults", get(list).post(add).delete(clear))
        .route("/_sim/faults/{id}", delete(remove))
}

async fn add(State(faults): State<FaultRegistry>, JsonBody(spec): JsonBody<FaultSpec>) -> Response {
    if let Err(message) = spec.validate() {
        return ApiError::admin(StatusCode::BAD_REQUEST, message).into_response();
    }
    let fault = faults.add(spec);
    Json(json!({ "id": fault.id })).into_response()
}

async fn list(State(faults): State<FaultRegistry>) -> Response {
    Json(faults.list()).into_response()
}

async fn remove(State(faults): State<FaultRegistry>, Path(id): Path<String>) -> Response {
    if faults.remove(&id) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        ApiError::not_found("Fault not found").into_response()
    }
}

async fn clear(State(faults): State<FaultRegistry>) -> Response {
    faults.clear();
    StatusCode::NO_CONTENT.into_response()
}
