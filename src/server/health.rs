//! Liveness and readiness probes.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use super::AppState;

/// The process is up and answering.
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The console can do its job: the database answers and Keycloak serves the
/// admin realm's discovery document.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let (database, keycloak) = tokio::join!(
        crate::db::ping(&state.db),
        state.keycloak.discovery(&state.config.admin_realm)
    );
    let database = match database {
        Ok(()) => json!({ "status": "ok" }),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: database check failed");
            json!({ "status": "failing", "error": "the database did not answer" })
        }
    };
    let keycloak = match keycloak {
        Ok(_) => json!({ "status": "ok" }),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: keycloak check failed");
            json!({ "status": "failing", "error": e.public_summary() })
        }
    };
    let ready = database["status"] == "ok" && keycloak["status"] == "ok";
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(json!({
            "status": if ready { "ready" } else { "not ready" },
            "checks": { "database": database, "keycloak": keycloak },
        })),
    )
}
