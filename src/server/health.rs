//! Liveness and readiness probes.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::state::AppState;

/// The process is up and answering.
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The console can do its job: the database answers, Keycloak serves the admin realm's
/// discovery document, and new requests do not wait for a slot.
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
    let slots = &state.request_slots;
    let requests = match slots.saturated_for() {
        Some(busy) if busy >= super::limits::SATURATED_AFTER => json!({
            "status": "failing",
            "error": format!(
                "all {} request slots have been busy for {} ms; new requests wait",
                slots.capacity(),
                busy.as_millis()
            ),
        }),
        _ => json!({ "status": "ok" }),
    };
    let ready =
        database["status"] == "ok" && keycloak["status"] == "ok" && requests["status"] == "ok";
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(json!({
            "status": if ready { "ready" } else { "not ready" },
            "checks": { "database": database, "keycloak": keycloak, "requests": requests },
        })),
    )
}
