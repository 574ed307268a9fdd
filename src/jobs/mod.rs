//! Background jobs over a client's offline sessions: they run without a
//! browser, keep their state in the database and resume after a restart.

pub mod runner;
pub mod store;

use std::sync::{Arc, Mutex};

use tokio::task::AbortHandle;

use crate::state::AppState;

/// Jobs one person may have scanning or revoking at once: each holds Keycloak's attention
/// (a page of sessions or a batch of revocations at a time), shared with everyone else.
pub const RUNNING_PER_PERSON: i64 = 3;

/// The running job tasks of this process.
#[derive(Clone, Default)]
pub struct JobTasks(Arc<Mutex<Vec<AbortHandle>>>);

impl JobTasks {
    pub fn spawn(&self, state: AppState, job_id: String) {
        let handle = tokio::spawn(runner::run(state, job_id)).abort_handle();
        let mut tasks = self.0.lock().unwrap_or_else(|p| p.into_inner());
        tasks.retain(|task| !task.is_finished());
        tasks.push(handle);
    }

    /// Another background task that stops with the jobs (the history scheduler).
    pub fn track(&self, handle: AbortHandle) {
        let mut tasks = self.0.lock().unwrap_or_else(|p| p.into_inner());
        tasks.retain(|task| !task.is_finished());
        tasks.push(handle);
    }

    /// Stops every job where it stands, as a crash would; their state is in
    /// the database and the next start resumes them.
    pub fn abort_all(&self) {
        let mut tasks = self.0.lock().unwrap_or_else(|p| p.into_inner());
        for task in tasks.drain(..) {
            task.abort();
        }
    }
}

/// Picks up the jobs a previous run of the console left unfinished.
pub async fn resume_unfinished(state: &AppState) -> Result<usize, sqlx::Error> {
    let jobs = store::unfinished(&state.db).await?;
    for job in &jobs {
        store::restart_phase(&state.db, job).await?;
        tracing::info!(job = %job.id, state = job.state.as_str(), "resuming a job");
        state.jobs.spawn(state.clone(), job.id.clone());
    }
    Ok(jobs.len())
}
