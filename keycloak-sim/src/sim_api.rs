//! `/_sim/` controls (only with `--sim-api`): virtual clock and bulk seeding.

use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::id::random_seed;
use crate::seed::{seed_realm, SeedAges, SeedSpec, MAX_SEED_AGE_SECS};
use crate::state::AppState;
use crate::store::journal::Event;
use axum::extract::{Path, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/_sim/clock", get(clock))
        .route("/_sim/clock/advance", post(advance))
        .route("/_sim/realms/{realm}/seed", post(seed))
        .merge(crate::faults::routes())
}

/// Without `--sim-api` every `/_sim/` path is unknown (404).
pub async fn gate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    use axum::response::IntoResponse;
    if !state.shared().sim_api && request.uri().path().starts_with("/_sim/") {
        return ApiError::not_found("HTTP 404 Not Found").into_response();
    }
    next.run(request).await
}

async fn clock(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "now": state.now() }))
}

#[derive(Deserialize)]
struct Advance {
    seconds: i64,
}

async fn advance(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<Advance>,
) -> ApiResult<Json<Value>> {
    let out_of_range = || {
        ApiError::admin(
            axum::http::StatusCode::BAD_REQUEST,
            format!(
                "seconds must be between 0 and {}",
                crate::clock::MAX_OFFSET_SECS
            ),
        )
    };
    if body.seconds < 0 {
        return Err(out_of_range());
    }
    state
        .clock()
        .advance(body.seconds)
        .map_err(|_| out_of_range())?;
    state.record(&Event::ClockOffset {
        offset: state.clock().offset(),
    });
    Ok(Json(json!({ "now": state.now() })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SeedBody {
    users: u64,
    #[serde(default = "default_prefix")]
    prefix: String,
    #[serde(default)]
    offline_clients: Vec<String>,
    #[serde(flatten)]
    ages: SeedAges,
}

/// Larger seeds would not fit in memory anyway (about 800 bytes per user).
const MAX_SEED_USERS: u64 = 10_000_000;

fn default_prefix() -> String {
    "user".into()
}

async fn seed(
    State(state): State<AppState>,
    Path(realm): Path<String>,
    JsonBody(body): JsonBody<SeedBody>,
) -> ApiResult<Json<Value>> {
    if body.users > MAX_SEED_USERS {
        return Err(ApiError::admin(
            axum::http::StatusCode::BAD_REQUEST,
            format!("users must be between 0 and {MAX_SEED_USERS}"),
        ));
    }
    if !body.ages.is_valid() {
        return Err(ApiError::admin(
            axum::http::StatusCode::BAD_REQUEST,
            format!(
                "startedAgoSecs and idleAgoSecs must be [low, high] with 0 <= low <= high <= {MAX_SEED_AGE_SECS}"
            ),
        ));
    }
    let spec = SeedSpec {
        realm: &realm,
        users: body.users,
        prefix: &body.prefix,
        clients: &body.offline_clients,
        now: state.now(),
        seed: random_seed(),
        ages: body.ages,
    };
    let created = {
        let mut db = state.write();
        let created = seed_realm(&mut db, &spec)?;
        state.record(&Event::Seed {
            realm: realm.clone(),
            users: body.users,
            prefix: body.prefix.clone(),
            clients: body.offline_clients.clone(),
            now: spec.now,
            seed: spec.seed,
            ages: spec.ages,
        });
        created
    };
    Ok(Json(json!({ "created": created })))
}
