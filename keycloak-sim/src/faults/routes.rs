//! `/_sim/faults`: register, list and remove faults.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde_json::json;

use super::{FaultRegistry, FaultSpec};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

/// The `/_sim/faults` routes; the `/_sim/` router mounts them only with `--sim-api`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/_sim/faults", get(list).post(add).delete(clear))
        .route("/_sim/faults/{id}", delete(remove))
}

fn registry(state: &AppState) -> &FaultRegistry {
    &state.shared().faults
}

async fn add(State(state): State<AppState>, JsonBody(spec): JsonBody<FaultSpec>) -> Response {
    if let Err(message) = spec.validate() {
        return ApiError::admin(StatusCode::BAD_REQUEST, message).into_response();
    }
    let fault = registry(&state).add(spec);
    Json(json!({ "id": fault.id })).into_response()
}

async fn list(State(state): State<AppState>) -> Response {
    Json(registry(&state).list()).into_response()
}

async fn remove(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    if registry(&state).remove(&id) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        ApiError::not_found("Fault not found").into_response()
    }
}

async fn clear(State(state): State<AppState>) -> Response {
    registry(&state).clear();
    StatusCode::NO_CONTENT.into_response()
}
