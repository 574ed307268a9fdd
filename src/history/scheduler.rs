//! The in-process scheduler: a snapshot every HISTORY_INTERVAL (nightly by
//! default), counted from the last attempt so a restart keeps the rhythm.
//! When Keycloak does not answer it retries with growing pauses; each failed
//! attempt stays in the series as a gap.

use std::time::Duration;

use super::snapshot::{self, SnapshotError};
use super::store;
use crate::model::time::clock::now_ms;
use crate::state::AppState;

/// Pauses before the retries after Keycloak did not answer; then the regular interval.
const RETRIES: [Duration; 4] = [
    Duration::from_secs(60),
    Duration::from_secs(300),
    Duration::from_secs(1800),
    Duration::from_secs(3600),
];

/// Marks runs a crash interrupted as failed and starts the scheduler task.
pub async fn start(state: &AppState) -> Result<(), sqlx::Error> {
    store::fail_interrupted_runs(&state.db).await?;
    let first = first_wait(state).await?;
    let handle = tokio::spawn(run(state.clone(), first)).abort_handle();
    state.jobs.track(handle);
    Ok(())
}

async fn first_wait(state: &AppState) -> Result<Duration, sqlx::Error> {
    let interval = state.config.history_interval;
    let Some(last_ms) = store::last_started_ms(&state.db).await? else {
        return Ok(interval);
    };
    let due_ms = last_ms + interval.as_millis() as i64;
    Ok(Duration::from_millis((due_ms - now_ms()).max(0) as u64))
}

async fn run(state: AppState, first: Duration) {
    let interval = state.config.history_interval;
    let mut wait = first;
    let mut retry = 0;
    loop {
        tokio::time::sleep(wait).await;
        wait = match snapshot::take(&state).await {
            Ok(summary) => {
                tracing::info!(
                    run = summary.run.id,
                    clients = summary.clients,
                    "history snapshot taken"
                );
                retry = 0;
                interval
            }
            Err(SnapshotError::Unavailable(_)) if retry < RETRIES.len() => {
                retry += 1;
                RETRIES[retry - 1].min(interval)
            }
            Err(_) => {
                retry = 0;
                interval
            }
        };
    }
}
