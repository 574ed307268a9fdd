//! What a job does: scan (the filter), then revoke the recorded matches.
//!
//! Memory stays bounded: the scan holds one page of Keycloak's answer, the
//! revocation one batch of matches; everything else is in the database.

use futures::StreamExt;

use super::store::{self, JobRecord};
use crate::audit::{self, Outcome, Recorder};
use crate::auth::{Caller, SignedIn};
use crate::keycloak::admin::Admin;
use crate::keycloak::KcError;
use crate::model::jobs::{Candidate, JobState, MatchRow};
use crate::server::AppState;

/// Sessions per Keycloak request while scanning.
const PAGE: u32 = 500;
/// Matches taken from the database at a time while revoking.
const BATCH: i64 = 32;
/// Revocations in flight at once: fast, without flooding Keycloak.
const CONCURRENCY: usize = 8;

#[derive(Debug, thiserror::Error)]
enum JobError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Keycloak(#[from] KcError),
}

impl JobError {
    /// Why the job stopped, for its owner.
    fn message(&self) -> String {
        match self {
            JobError::Keycloak(KcError::Unauthorized) => "The sign-in that started this job has ended (signed out, or Keycloak's session limit was reached), so the job cannot go on. Sessions already revoked stay revoked; sign in again and start a new dry run for the rest.".into(),
            JobError::Keycloak(KcError::Forbidden) => "Keycloak refused the job for lack of a role.".into(),
            JobError::Keycloak(KcError::NotFound(_)) => "The client or realm no longer exists.".into(),
            JobError::Keycloak(e) => format!("The job stopped: {}.", e.public_summary()),
            JobError::Database(_) => "The job stopped: the console's database failed (see the server log).".into(),
        }
    }
}

pub async fn run(state: AppState, id: String) {
    if let Err(e) = work(&state, &id).await {
        tracing::warn!(job = %id, error = %e, "job stopped");
        let stopped = store::transition(
            &state.db,
            &id,
            &[JobState::Scanning, JobState::Revoking],
            JobState::Failed,
            Some(&e.message()),
        )
        .await;
        if let Err(e) = stopped {
            tracing::error!(job = %id, error = %e, "recording a job's failure failed");
        }
    }
}

async fn work(state: &AppState, id: &str) -> Result<(), JobError> {
    let Some(job) = store::get(&state.db, id).await? else {
        return Ok(());
    };
    if !job.state.is_running() {
        return Ok(());
    }
    let Some(owner_session) = store::owner_session(&state.db, id).await? else {
        return Err(KcError::Unauthorized.into());
    };
    let owner = Caller::from_session_id(state.clone(), &owner_session)
        .await
        .map_err(|_| KcError::Unauthorized)?;
    match job.state {
        JobState::Scanning => scan(state, &owner, &job).await,
        _ => {
            let who = owner.who();
            let result = revoke(state, &owner, &job, &who).await;
            let outcome = *result.as_ref().unwrap_or(&JobState::Failed);
            // The summary is in the audit log before the job shows as finished.
            summarise(state, &job, &who, outcome).await?;
            match result {
                Ok(JobState::Done) => {
                    store::transition(&state.db, id, &[JobState::Revoking], JobState::Done, None)
                        .await?;
                    Ok(())
                }
                Ok(_) => Ok(()),
                Err(e) => Err(e),
            }
        }
    }
}

/// Pages through the client's sessions from where the scan stands, recording
/// matches page by page; a restart repeats at most the page in progress.
async fn scan(state: &AppState, owner: &Caller, job: &JobRecord) -> Result<(), JobError> {
    let admin = state.keycloak.admin(owner);
    let mut first = job.next_first;
    loop {
        if store::state(&state.db, &job.id).await? != Some(JobState::Scanning) {
            return Ok(());
        }
        let page = admin
            .offline_sessions(&job.realm, &job.client_uuid, first, PAGE)
            .await?;
        let matches: Vec<(u32, MatchRow)> = page
            .iter()
            .zip(first..)
            .filter(|(s, _)| {
                let candidate = Candidate {
                    username: &s.username,
                    started_ms: s.start,
                    last_access_ms: s.last_access,
                };
                job.filter.matches(candidate, job.as_of_ms, job.policy)
            })
            .map(|(s, position)| {
                let row = MatchRow {
                    session_id: s.id.clone(),
                    username: s.username.clone(),
                    user_id: s.user_id.clone(),
                    started_ms: s.start,
                    last_access_ms: s.last_access,
                    detail: None,
                };
                (position, row)
            })
            .collect();
        let next = first.saturating_add(page.len() as u32);
        store::record_page(&state.db, &job.id, next, page.len(), &matches).await?;
        if (page.len() as u32) < PAGE {
            store::transition(
                &state.db,
                &job.id,
                &[JobState::Scanning],
                JobState::Scanned,
                None,
            )
            .await?;
            return Ok(());
        }
        first = next;
    }
}

/// Revokes the pending matches until none is left (`Done`) or the job is
/// cancelled (its new state).
async fn revoke(
    state: &AppState,
    owner: &Caller,
    job: &JobRecord,
    who: &SignedIn,
) -> Result<JobState, JobError> {
    let admin = state.keycloak.admin(owner);
    settle_in_flight(state, &admin, job, who).await?;
    loop {
        match store::state(&state.db, &job.id).await? {
            Some(JobState::Revoking) => {}
            other => return Ok(other.unwrap_or(JobState::Cancelled)),
        }
        let batch = store::matches(&state.db, &job.id, "pending", BATCH).await?;
        if batch.is_empty() {
            // Nothing of this run is in flight now. A match still marked as
            // sending was claimed by a stopped run whose last database write
            // landed after this run began: settle it like the others.
            if settle_in_flight(state, &admin, job, who).await? > 0 {
                continue;
            }
            return Ok(JobState::Done);
        }
        let results: Vec<Result<(), JobError>> = futures::stream::iter(batch)
            .map(|m| revoke_one(state, &admin, job, who, m))
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        results.into_iter().collect::<Result<(), JobError>>()?;
    }
}

fn audit_reason(job: &JobRecord) -> String {
    format!("bulk revocation job {}: {}", job.id, job.filter.describe())
}

fn audit_target(job: &JobRecord, m: &MatchRow) -> String {
    format!(
        "offline session {} of user {} (client {})",
        m.session_id, m.username, job.client_id
    )
}

/// One revocation, recorded in the audit log before and after, and its
/// outcome kept with the match. Only a lost sign-in stops the whole job.
async fn revoke_one(
    state: &AppState,
    admin: &Admin<'_, Caller>,
    job: &JobRecord,
    who: &SignedIn,
    m: MatchRow,
) -> Result<(), JobError> {
    let db = &state.db;
    if !store::mark_sending(db, &job.id, &m.session_id).await? {
        return Ok(());
    }
    let audit = Recorder::begin(
        db,
        who,
        &job.realm,
        "bulk_revoke_offline_session",
        &audit_target(job, &m),
        Some(audit_reason(job)),
    )
    .await?;
    match admin
        .delete_offline_session(&job.realm, &m.session_id)
        .await
    {
        Ok(()) => {
            audit.succeeded(None).await?;
            store::finish_match(db, &job.id, &m.session_id, None).await?;
            Ok(())
        }
        Err(KcError::Unauthorized) => {
            // Keycloak refuses before acting: the session is still there.
            audit.failed(KcError::Unauthorized.to_string()).await?;
            store::requeue(db, &job.id, &m.session_id, None).await?;
            Err(KcError::Unauthorized.into())
        }
        Err(KcError::NotFound(_)) if m.detail.as_deref() == Some(IN_FLIGHT_AT_RESTART) => {
            // The revocation sent before the restart landed after the check.
            audit
                .succeeded(Some(
                    "already ended by the revocation sent before the console restarted".into(),
                ))
                .await?;
            store::finish_match(db, &job.id, &m.session_id, None).await?;
            Ok(())
        }
        Err(e) => {
            audit.did_not_succeed(&e).await?;
            store::finish_match(db, &job.id, &m.session_id, Some(failure_text(&e))).await?;
            Ok(())
        }
    }
}

/// Marks a match whose earlier revocation was in flight when the console stopped.
const IN_FLIGHT_AT_RESTART: &str = "in flight at a restart";

fn failure_text(e: &KcError) -> &'static str {
    match e {
        KcError::NotFound(_) => "the session had already ended",
        KcError::Forbidden => "Keycloak refused: revoking needs the manage-users role",
        other => other.public_summary(),
    }
}

/// Revocations that were in flight when the console stopped may or may not
/// have reached Keycloak. Rather than send them again, ask Keycloak whether
/// each session still exists: only those still there go back in the queue.
/// Returns how many matches it settled.
async fn settle_in_flight(
    state: &AppState,
    admin: &Admin<'_, Caller>,
    job: &JobRecord,
    who: &SignedIn,
) -> Result<usize, JobError> {
    let db = &state.db;
    let in_flight = store::matches(db, &job.id, "sending", i64::MAX).await?;
    let settled = in_flight.len();
    for m in in_flight {
        let still_there = match admin
            .user_offline_sessions(&job.realm, &m.user_id, &job.client_uuid)
            .await
        {
            Ok(sessions) => sessions.iter().any(|s| s.id == m.session_id),
            Err(KcError::NotFound(_)) => false,
            Err(e) => return Err(e.into()),
        };
        if still_there {
            store::requeue(db, &job.id, &m.session_id, Some(IN_FLIGHT_AT_RESTART)).await?;
            continue;
        }
        let (target, reason) = (audit_target(job, &m), audit_reason(job));
        let action = "bulk_revoke_offline_session";
        // The stop may have come after the success was audited but before it was counted.
        if !audit::store::recorded(db, action, &target, &reason, Outcome::Succeeded).await? {
            Recorder::begin(db, who, &job.realm, action, &target, Some(reason))
                .await?
                .succeeded(Some(
                    "revoked before the console restarted; not sent again".into(),
                ))
                .await?;
        }
        store::finish_match(db, &job.id, &m.session_id, None).await?;
    }
    Ok(settled)
}

/// The summary entry of a revocation run, with the job's counts as they stand.
async fn summarise(
    state: &AppState,
    job: &JobRecord,
    who: &SignedIn,
    outcome: JobState,
) -> Result<(), JobError> {
    let Some(now) = store::get(&state.db, &job.id).await? else {
        return Ok(());
    };
    let target = format!(
        "offline sessions of client {} matching: {}",
        job.client_id,
        job.filter.describe()
    );
    let audit = Recorder::begin(
        &state.db,
        who,
        &job.realm,
        "bulk_revoke_offline_sessions",
        &target,
        Some(audit_reason(job)),
    )
    .await?;
    let detail = format!(
        "{} revoked, {} failed, of {} matched; job {}",
        now.revoked,
        now.failed,
        now.matched,
        outcome.as_str()
    );
    if outcome == JobState::Done && now.failed == 0 {
        audit.succeeded(Some(detail)).await?;
    } else {
        audit.failed(detail).await?;
    }
    Ok(())
}
