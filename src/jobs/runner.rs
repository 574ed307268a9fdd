//! What a job does: scan (the filter), then revoke the recorded matches.
//!
//! Memory stays bounded: the scan holds one page of Keycloak's answer, the
//! revocation one batch of matches; everything else is in the database.

use futures::StreamExt;

use super::store::{self, JobRecord};
use crate::audit::{self, Outcome, Recorder};
use crate::auth::{Caller, SignedIn};
use crate::db::Pool;
use crate::keycloak::admin::Admin;
use crate::keycloak::KcError;
use crate::model::ids::{SessionId, UserId};
use crate::model::jobs::{Candidate, JobState, MatchRow};
use crate::state::AppState;

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
            JobError::Keycloak(KcError::Forbidden) => "Keycloak refused to revoke: the account that started this job lacks the realm-management role \u{201c}manage-users\u{201d} for this realm (it may have been taken away while the job ran). The job stopped there; sessions already revoked stay revoked, the rest were not sent.".into(),
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
    let owner = Caller::for_job(state.clone(), id, &owner_session)
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
    // A job whose filter cannot be read was failed as it was read (`store::record`).
    let Some(filter) = job.filter.as_ref() else {
        return Ok(());
    };
    let admin = state.keycloak.admin(owner);
    let mut first = job.next_first;
    let mut patience = Patience::default();
    loop {
        if store::state(&state.db, &job.id).await? != Some(JobState::Scanning) {
            return Ok(());
        }
        let page = match admin
            .offline_sessions(&job.realm, &job.client_uuid, first, PAGE)
            .await
        {
            Ok(page) => page,
            Err(e) if keycloak_away(&e) => {
                patience.wait(&job.id, &e).await;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        patience.reset();
        let matches: Vec<(u32, MatchRow)> = page
            .iter()
            .zip(first..)
            .filter(|(s, _)| {
                let candidate = Candidate {
                    username: &s.username,
                    started_ms: s.start,
                    last_access_ms: s.last_access,
                };
                filter.matches(candidate, job.as_of_ms, job.policy)
            })
            .map(|(s, position)| {
                let row = MatchRow {
                    session_id: s.id.clone(),
                    username: s.username.clone(),
                    user_id: s.user_id.clone(),
                    started_ms: s.start,
                    last_access_ms: s.last_access,
                    detail: None,
                    other_clients: s
                        .clients
                        .iter()
                        .filter(|(uuid, _)| **uuid != job.client_uuid.as_str())
                        .map(|(_, client_id)| client_id.clone())
                        .collect(),
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
    let mut patience = Patience::default();
    let mut unsettled = true;
    loop {
        match store::state(&state.db, &job.id).await? {
            Some(JobState::Revoking) => {}
            other => return Ok(other.unwrap_or(JobState::Cancelled)),
        }
        if unsettled {
            match settle_in_flight(state, &admin, job, who).await {
                Ok(_) => unsettled = false,
                Err(JobError::Keycloak(e)) if keycloak_away(&e) => {
                    patience.wait(&job.id, &e).await;
                    continue;
                }
                Err(e) => return Err(e),
            }
        }
        let batch = store::matches(&state.db, &job.id, "pending", BATCH).await?;
        if batch.is_empty() {
            // Nothing of this run is in flight now. A match still marked as
            // sending was claimed by a stopped run whose last database write
            // landed after this run began: settle it like the others.
            if store::count_matches(&state.db, &job.id, "sending").await? > 0 {
                unsettled = true;
                continue;
            }
            if patience.ever_waited {
                match recheck_revoked(state, &admin, job, who).await {
                    Ok(0) => {}
                    Ok(_) => {
                        patience.ever_waited = false;
                        continue;
                    }
                    Err(JobError::Keycloak(e)) if keycloak_away(&e) => {
                        patience.wait(&job.id, &e).await;
                        continue;
                    }
                    Err(e) => return Err(e),
                }
            }
            return Ok(JobState::Done);
        }
        let claimed = claim(&state.db, job, who, batch).await?;
        let answered: Vec<Answered> = futures::stream::iter(claimed)
            .map(|(m, audit)| async {
                let answer = match SessionId::parse(&m.session_id) {
                    Ok(session) => admin.delete_offline_session(&job.realm, &session).await,
                    Err(e) => Err(KcError::BadRequest(e.to_string())),
                };
                (m, audit, answer)
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        match record_outcomes(&state.db, job, answered).await? {
            Verdict::Answered => patience.reset(),
            Verdict::SignInLost => return Err(KcError::Unauthorized.into()),
            Verdict::Forbidden => return Err(KcError::Forbidden.into()),
            Verdict::KeycloakAway(e) => {
                // Revocations whose answer was lost are settled by asking Keycloak first.
                unsettled = true;
                patience.wait(&job.id, &e).await;
            }
        }
    }
}

/// Keycloak is down, restarting or overloaded: nothing is known about the request itself,
/// so a job waits for Keycloak instead of failing the sessions it has left.
fn keycloak_away(e: &KcError) -> bool {
    matches!(
        e,
        KcError::Unavailable(_)
            | KcError::TimedOut(_)
            | KcError::Dropped(_)
            | KcError::Unconfirmed(_)
    )
}

/// The pause between attempts while Keycloak is away: one second, doubling up to fifteen.
#[derive(Default)]
struct Patience {
    failures: u32,
    /// Keycloak was away during this run: what it acknowledged may not have been kept.
    ever_waited: bool,
}

impl Patience {
    const FIRST: std::time::Duration = std::time::Duration::from_secs(1);
    const LONGEST: std::time::Duration = std::time::Duration::from_secs(15);

    async fn wait(&mut self, job: &str, e: &KcError) {
        let pause = Self::FIRST
            .saturating_mul(1 << self.failures.min(4))
            .min(Self::LONGEST);
        self.failures += 1;
        self.ever_waited = true;
        tracing::warn!(job = %job, error = %e, pause_s = pause.as_secs(), "keycloak away; the job waits");
        tokio::time::sleep(pause).await;
    }

    fn reset(&mut self) {
        self.failures = 0;
    }
}

/// What a batch's answers mean for the job.
enum Verdict {
    /// Keycloak answered every revocation (success or not): carry on.
    Answered,
    /// Keycloak refused the job's sign-in: stop.
    SignInLost,
    /// Keycloak refused the revocations for lack of a role: stop rather than send the rest.
    Forbidden,
    /// Some revocations got no answer: wait for Keycloak, then carry on.
    KeycloakAway(KcError),
}

/// The bulk revocation of one session, in the audit log.
const REVOKE_ACTION: &str = "bulk_revoke_offline_session";

fn audit_reason(job: &JobRecord) -> String {
    format!("bulk revocation job {}: {}", job.id, job.filter_text())
}

fn audit_target(job: &JobRecord, m: &MatchRow) -> String {
    format!(
        "offline session {} of user {} (client {})",
        m.session_id, m.username, job.client_id
    )
}

/// A claimed match, its audit trail, and Keycloak's answer to its revocation.
type Answered = (MatchRow, Recorder, Result<(), KcError>);

/// Claims a batch of matches and writes each one's audit attempt, in one
/// transaction: every revocation's attempt is durable before it is sent, at
/// one disk sync per batch rather than per session.
async fn claim(
    db: &Pool,
    job: &JobRecord,
    who: &SignedIn,
    batch: Vec<MatchRow>,
) -> Result<Vec<(MatchRow, Recorder)>, sqlx::Error> {
    let reason = audit_reason(job);
    let mut tx = db.begin().await?;
    let mut claimed = Vec::with_capacity(batch.len());
    for m in batch {
        if !store::mark_sending(&mut tx, &job.id, &m.session_id).await? {
            continue;
        }
        let target = audit_target(job, &m);
        let reason = Some(reason.clone());
        let audit = Recorder::begin_in(
            &mut tx,
            db,
            who,
            job.realm.as_str(),
            REVOKE_ACTION,
            &target,
            reason,
        )
        .await?;
        claimed.push((m, audit));
    }
    tx.commit().await?;
    Ok(claimed)
}

/// Closes each revocation's audit trail and records its outcome with its
/// match, in one transaction, so the job's counts never run ahead of the
/// audit log. A revocation Keycloak refused for the sign-in, or never
/// received, goes back in the queue; one whose answer was lost stays in
/// flight until Keycloak says whether the session is gone.
async fn record_outcomes(
    db: &Pool,
    job: &JobRecord,
    answered: Vec<Answered>,
) -> Result<Verdict, sqlx::Error> {
    let mut tx = db.begin().await?;
    let mut sign_in_lost = false;
    let mut forbidden = false;
    let mut away = None;
    for (m, audit, answer) in answered {
        match answer {
            Ok(()) => {
                audit.succeeded_in(&mut tx, None).await?;
                store::finish_match(&mut tx, &job.id, &m.session_id, None).await?;
            }
            Err(KcError::Unauthorized) => {
                // Keycloak refuses before acting: the session is still there.
                sign_in_lost = true;
                audit
                    .failed_in(&mut tx, KcError::Unauthorized.to_string())
                    .await?;
                store::requeue(&mut tx, &job.id, &m.session_id, None).await?;
            }
            Err(KcError::Forbidden) => {
                // Refused before acting, like a lost sign-in: the session waits for a new job.
                forbidden = true;
                audit
                    .failed_in(&mut tx, failure_text(&KcError::Forbidden).into())
                    .await?;
                store::requeue(&mut tx, &job.id, &m.session_id, None).await?;
            }
            Err(KcError::NotFound(_)) if m.detail.as_deref() == Some(IN_FLIGHT_AT_RESTART) => {
                // An earlier attempt, whose answer was lost, landed after the check.
                let detail = "already ended by an earlier attempt whose answer was lost";
                audit.succeeded_in(&mut tx, Some(detail.into())).await?;
                store::finish_match(&mut tx, &job.id, &m.session_id, None).await?;
            }
            Err(e @ KcError::Unavailable(_)) => {
                audit.did_not_succeed_in(&mut tx, &e).await?;
                store::requeue(&mut tx, &job.id, &m.session_id, None).await?;
                away = Some(e);
            }
            Err(e) if keycloak_away(&e) => {
                audit.did_not_succeed_in(&mut tx, &e).await?;
                away = Some(e);
            }
            Err(e) => {
                audit.did_not_succeed_in(&mut tx, &e).await?;
                let failure = Some(failure_text(&e));
                store::finish_match(&mut tx, &job.id, &m.session_id, failure).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(match (sign_in_lost, forbidden, away) {
        (true, _, _) => Verdict::SignInLost,
        (false, true, _) => Verdict::Forbidden,
        (false, false, Some(e)) => Verdict::KeycloakAway(e),
        (false, false, None) => Verdict::Answered,
    })
}

/// Keycloak acknowledges a revocation before its database has it: a Keycloak that crashed
/// meanwhile comes back with the session. After an outage the job looks again at the client's
/// sessions, and a session it counted as revoked that is still there is audited as lost and
/// sent again. Returns how many came back.
async fn recheck_revoked(
    state: &AppState,
    admin: &Admin<'_, Caller>,
    job: &JobRecord,
    who: &SignedIn,
) -> Result<usize, JobError> {
    let mut back = 0;
    let mut first = 0;
    loop {
        let page = admin
            .offline_sessions(&job.realm, &job.client_uuid, first, PAGE)
            .await?;
        for session in &page {
            if !store::is_revoked(&state.db, &job.id, &session.id).await? {
                continue;
            }
            let m = MatchRow {
                session_id: session.id.clone(),
                username: session.username.clone(),
                user_id: session.user_id.clone(),
                started_ms: session.start,
                last_access_ms: session.last_access,
                detail: None,
                other_clients: Vec::new(),
            };
            let (target, reason) = (audit_target(job, &m), Some(audit_reason(job)));
            let mut tx = state.db.begin().await?;
            if store::revoke_again(&mut tx, &job.id, &session.id, LOST_IN_A_RESTART).await? {
                Recorder::begin_in(
                    &mut tx,
                    &state.db,
                    who,
                    job.realm.as_str(),
                    REVOKE_ACTION,
                    &target,
                    reason,
                )
                .await?
                .failed_in(&mut tx, LOST_IN_A_RESTART.into())
                .await?;
                back += 1;
            }
            tx.commit().await?;
        }
        if (page.len() as u32) < PAGE {
            if back > 0 {
                tracing::warn!(job = %job.id, sessions = back, "keycloak lost acknowledged revocations; sending them again");
            }
            return Ok(back);
        }
        first += PAGE;
    }
}

/// Why a revocation Keycloak had acknowledged is sent again.
const LOST_IN_A_RESTART: &str =
    "Keycloak acknowledged the revocation but still has the session (lost in a restart); sent again";

/// Marks a match whose earlier revocation got no answer (the console or Keycloak stopped).
/// Stored with the match, so its text stays as older consoles wrote it.
const IN_FLIGHT_AT_RESTART: &str = "in flight at a restart";

fn failure_text(e: &KcError) -> &'static str {
    match e {
        KcError::NotFound(_) => "the session had already ended",
        KcError::Forbidden => "Keycloak refused: revoking needs the manage-users role",
        other => other.public_summary(),
    }
}

/// Revocations that got no answer (the console stopped, or Keycloak did) may
/// or may not have reached Keycloak. Rather than send them again, ask Keycloak whether
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
        let user = UserId::parse(&m.user_id).map_err(|e| KcError::BadRequest(e.to_string()))?;
        let still_there = match admin
            .user_offline_sessions(&job.realm, &user, &job.client_uuid)
            .await
        {
            Ok(sessions) => sessions.iter().any(|s| s.id == m.session_id),
            Err(KcError::NotFound(_)) => false,
            Err(e) => return Err(e.into()),
        };
        if still_there {
            let note = Some(IN_FLIGHT_AT_RESTART);
            store::requeue(&mut *db.acquire().await?, &job.id, &m.session_id, note).await?;
            continue;
        }
        let (target, reason) = (audit_target(job, &m), audit_reason(job));
        // Only a job stopped by an older console, which audited a success and
        // counted it in separate transactions, can have its success recorded already.
        let audited =
            audit::store::recorded(db, REVOKE_ACTION, &target, &reason, Outcome::Succeeded).await?;
        let mut tx = db.begin().await?;
        if !audited {
            let detail = "revoked by an earlier attempt whose answer was lost; not sent again";
            Recorder::begin_in(
                &mut tx,
                db,
                who,
                job.realm.as_str(),
                REVOKE_ACTION,
                &target,
                Some(reason),
            )
            .await?
            .succeeded_in(&mut tx, Some(detail.into()))
            .await?;
        }
        store::finish_match(&mut tx, &job.id, &m.session_id, None).await?;
        tx.commit().await?;
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
        job.filter_text()
    );
    let audit = Recorder::begin(
        &state.db,
        who,
        job.realm.as_str(),
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
