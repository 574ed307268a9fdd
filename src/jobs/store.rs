//! SQL for session jobs and their matches (`$N` placeholders, see `db`).

use sqlx::Row;

use crate::auth::SignedIn;
use crate::db::{Connection, Pool};
use crate::model::ids::{ClientUuid, RealmName};
use crate::model::jobs::{JobState, MatchRow, SessionFilter, SessionJob};
use crate::model::policy::EffectivePolicy;

/// How many matches the page shows as a sample, and failures as a list.
const SAMPLE: i64 = 10;
/// Matches per INSERT while scanning: 7 values each, far below SQLite's limit of 32,766.
const ROWS_PER_INSERT: usize = 100;

/// Everything the runner needs to carry on, as stored.
#[derive(Debug, Clone)]
pub struct JobRecord {
    pub id: String,
    pub realm: RealmName,
    pub client_uuid: ClientUuid,
    pub client_id: String,
    pub owner: String,
    pub owner_realm: String,
    /// Keycloak's id of the owner (`sub`): the job is theirs, whatever their username becomes.
    pub owner_id: String,
    /// `None` when the stored filter cannot be read: such a job is failed, never run with a
    /// guess (the default filter matches every session).
    pub filter: Option<SessionFilter>,
    pub policy: Option<EffectivePolicy>,
    pub as_of_ms: i64,
    pub state: JobState,
    pub total: u64,
    pub scanned: u64,
    pub matched: u64,
    pub revoked: u64,
    pub failed: u64,
    pub next_first: u32,
    pub error: Option<String>,
    pub phase_started_ms: i64,
    pub phase_done: u64,
    /// Why the stored row could not be read in full, when it could not.
    unreadable: Option<String>,
}

impl JobRecord {
    /// The filter in words, for the page and the audit log.
    pub fn filter_text(&self) -> String {
        self.filter.as_ref().map_or_else(
            || "a filter that can no longer be read".to_owned(),
            SessionFilter::describe,
        )
    }

    /// Whether `who` owns this job: the same Keycloak account, not merely the same username.
    pub fn is_owned_by(&self, who: &SignedIn) -> bool {
        self.owner_realm == who.realm && !self.owner_id.is_empty() && self.owner_id == who.user_id
    }
}

pub struct NewJob<'a> {
    pub id: &'a str,
    pub realm: &'a str,
    pub client_uuid: &'a str,
    pub client_id: &'a str,
    pub owner: &'a SignedIn,
    /// The owner's browser session, which the job acts through.
    pub owner_session: &'a str,
    pub filter: &'a SessionFilter,
    pub policy: Option<EffectivePolicy>,
    pub as_of_ms: i64,
    pub total: u64,
    pub now_ms: i64,
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

pub async fn insert(db: &Pool, job: NewJob<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO session_jobs (id, realm, client_uuid, client_id, owner, owner_realm, filter, policy, \
         as_of_ms, state, total, owner_session, phase_started_ms, created_at, owner_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'scanning', $10, $11, $12, $13, $14)",
    )
    .bind(job.id)
    .bind(job.realm)
    .bind(job.client_uuid)
    .bind(job.client_id)
    .bind(&job.owner.username)
    .bind(&job.owner.realm)
    .bind(to_json(job.filter))
    .bind(job.policy.map(|p| to_json(&p)))
    .bind(job.as_of_ms)
    .bind(job.total as i64)
    .bind(job.owner_session)
    .bind(job.now_ms)
    .bind(crate::model::time::clock::rfc3339(job.now_ms))
    .bind(&job.owner.user_id)
    .execute(db)
    .await
    .map(|_| ())
}

/// The columns `record` reads.
const JOB_COLUMNS: &str = "id, realm, client_uuid, client_id, owner, owner_realm, owner_id, \
    filter, policy, as_of_ms, state, total, scanned, matched, revoked, failed, next_first, error, \
    phase_started_ms, phase_done";

/// A stored job. One whose filter, policy or state does not parse comes back failed, with
/// the reason as its error: a job is never run on a guess.
fn record(row: &sqlx::sqlite::SqliteRow) -> Result<JobRecord, sqlx::Error> {
    let count =
        |name: &str| -> Result<u64, sqlx::Error> { Ok(row.try_get::<i64, _>(name)?.max(0) as u64) };
    let stored_filter: &str = row.try_get("filter")?;
    let stored_policy: Option<&str> = row.try_get("policy")?;
    let stored_state: &str = row.try_get("state")?;
    let filter = serde_json::from_str::<SessionFilter>(stored_filter);
    let policy = stored_policy
        .map(serde_json::from_str::<EffectivePolicy>)
        .transpose();
    let state = JobState::parse(stored_state);
    let unreadable = match (&filter, &policy, state) {
        (Err(e), _, _) => Some(format!("its stored filter cannot be read ({e})")),
        (_, Err(e), _) => Some(format!("its stored session policy cannot be read ({e})")),
        (_, _, None) => Some(format!(
            "its stored state \u{201c}{stored_state}\u{201d} is unknown"
        )),
        _ => None,
    };
    let error: Option<String> = row.try_get("error")?;
    Ok(JobRecord {
        id: row.try_get("id")?,
        realm: parsed(row, "realm", RealmName::parse)?,
        client_uuid: parsed(row, "client_uuid", ClientUuid::parse)?,
        client_id: row.try_get("client_id")?,
        owner: row.try_get("owner")?,
        owner_realm: row.try_get("owner_realm")?,
        owner_id: row
            .try_get::<Option<String>, _>("owner_id")?
            .unwrap_or_default(),
        filter: filter.ok(),
        policy: policy.ok().flatten(),
        as_of_ms: row.try_get("as_of_ms")?,
        state: match (&unreadable, state) {
            (None, Some(state)) => state,
            _ => JobState::Failed,
        },
        total: count("total")?,
        scanned: count("scanned")?,
        matched: count("matched")?,
        revoked: count("revoked")?,
        failed: count("failed")?,
        next_first: u32::try_from(row.try_get::<i64, _>("next_first")?).unwrap_or(u32::MAX),
        error: match &unreadable {
            Some(why) => Some(unreadable_message(why)),
            None => error,
        },
        phase_started_ms: row.try_get("phase_started_ms")?,
        phase_done: count("phase_done")?,
        unreadable,
    })
}

/// A text column parsed into its type; one that does not parse is a decoding error.
fn parsed<T>(
    row: &sqlx::sqlite::SqliteRow,
    column: &str,
    parse: impl FnOnce(&str) -> Result<T, crate::model::ids::IdError>,
) -> Result<T, sqlx::Error> {
    let text: &str = row.try_get(column)?;
    parse(text).map_err(|e| sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: Box::new(e),
    })
}

fn unreadable_message(why: &str) -> String {
    format!(
        "This job was stopped because {why}. Sessions already revoked stay revoked; start a new dry run for the rest."
    )
}

/// Records as failed, once, a job whose row could not be read, so that it stops everywhere
/// (a running task, a restart) and its page says why.
async fn fail_unreadable(db: &Pool, job: &JobRecord) -> Result<(), sqlx::Error> {
    if job.unreadable.is_some() {
        sqlx::query(
            "UPDATE session_jobs SET state = 'failed', error = $1, owner_session = NULL \
             WHERE id = $2 AND state <> 'failed'",
        )
        .bind(&job.error)
        .bind(&job.id)
        .execute(db)
        .await?;
    }
    Ok(())
}

/// Reads jobs, failing for good those that cannot be read.
async fn records(
    db: &Pool,
    rows: &[sqlx::sqlite::SqliteRow],
) -> Result<Vec<JobRecord>, sqlx::Error> {
    let mut jobs = Vec::with_capacity(rows.len());
    for row in rows {
        let job = record(row)?;
        fail_unreadable(db, &job).await?;
        jobs.push(job);
    }
    Ok(jobs)
}

pub async fn get(db: &Pool, id: &str) -> Result<Option<JobRecord>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {JOB_COLUMNS} FROM session_jobs WHERE id = $1"
    ))
    .bind(id)
    .fetch_all(db)
    .await?;
    Ok(records(db, &rows).await?.pop())
}

/// The newest job of this person (by Keycloak id) for this client.
pub async fn latest(
    db: &Pool,
    realm: &str,
    client_uuid: &str,
    owner: &SignedIn,
) -> Result<Option<JobRecord>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {JOB_COLUMNS} FROM session_jobs WHERE realm = $1 AND client_uuid = $2 \
         AND owner_realm = $3 AND owner_id = $4 ORDER BY created_at DESC, rowid DESC LIMIT 1"
    ))
    .bind(realm)
    .bind(client_uuid)
    .bind(&owner.realm)
    .bind(&owner.user_id)
    .fetch_all(db)
    .await?;
    Ok(records(db, &rows).await?.pop())
}

/// Jobs a restart must pick up again.
pub async fn unfinished(db: &Pool) -> Result<Vec<JobRecord>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {JOB_COLUMNS} FROM session_jobs WHERE state IN ('scanning', 'revoking')"
    ))
    .fetch_all(db)
    .await?;
    Ok(records(db, &rows)
        .await?
        .into_iter()
        .filter(|job| job.state.is_running())
        .collect())
}

/// How many of this person's jobs are running, in every realm and client.
pub async fn running_of(db: &Pool, owner: &SignedIn) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM session_jobs WHERE owner_realm = $1 AND owner_id = $2 \
         AND state IN ('scanning', 'revoking')",
    )
    .bind(&owner.realm)
    .bind(&owner.user_id)
    .fetch_one(db)
    .await
}

pub async fn state(db: &Pool, id: &str) -> Result<Option<JobState>, sqlx::Error> {
    let state: Option<String> = sqlx::query_scalar("SELECT state FROM session_jobs WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?;
    Ok(state.as_deref().and_then(JobState::parse))
}

/// The id of the browser session the job acts through, while it runs.
pub async fn owner_session(db: &Pool, id: &str) -> Result<Option<String>, sqlx::Error> {
    let session: Option<Option<String>> =
        sqlx::query_scalar("SELECT owner_session FROM session_jobs WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?;
    Ok(session.flatten())
}

/// Moves the job from one state to another; false when it was not in `from`
/// (e.g. cancelled meanwhile). Leaving a running state forgets the owner's session.
pub async fn transition(
    db: &Pool,
    id: &str,
    from: &[JobState],
    to: JobState,
    error: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let from: Vec<&str> = from.iter().map(|s| s.as_str()).collect();
    let placeholders = (0..from.len())
        .map(|i| format!("${}", i + 4))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "UPDATE session_jobs SET state = $1, error = COALESCE($2, error), \
         owner_session = CASE WHEN $1 IN ('scanning', 'revoking') THEN owner_session ELSE NULL END, \
         phase_started_ms = $3 WHERE id = ${} AND state IN ({placeholders})",
        from.len() + 4
    );
    let mut query = sqlx::query(&sql)
        .bind(to.as_str())
        .bind(error)
        .bind(crate::model::time::clock::now_ms());
    for state in from {
        query = query.bind(state);
    }
    let done = query.bind(id).execute(db).await?;
    Ok(done.rows_affected() == 1)
}

/// Starts the revocation through the confirming person's browser session.
pub async fn start_revoking(db: &Pool, id: &str, session: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE session_jobs SET state = 'revoking', owner_session = $1, phase_started_ms = $2, \
         phase_done = 0 WHERE id = $3 AND state = 'scanned'",
    )
    .bind(session)
    .bind(crate::model::time::clock::now_ms())
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// After a restart the pace is measured afresh.
pub async fn restart_phase(db: &Pool, job: &JobRecord) -> Result<(), sqlx::Error> {
    let done = match job.state {
        JobState::Scanning => job.scanned,
        _ => job.revoked + job.failed,
    };
    sqlx::query("UPDATE session_jobs SET phase_started_ms = $1, phase_done = $2 WHERE id = $3")
        .bind(crate::model::time::clock::now_ms())
        .bind(done as i64)
        .bind(&job.id)
        .execute(db)
        .await
        .map(|_| ())
}

/// One page of the scan, atomically: its matches (with their position in the
/// scan), the counts and the next position.
pub async fn record_page(
    db: &Pool,
    id: &str,
    next_first: u32,
    scanned: usize,
    matches: &[(u32, MatchRow)],
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    let mut added = 0u64;
    // Many rows per statement: each statement is a round trip to sqlx's SQLite worker thread.
    for chunk in matches.chunks(ROWS_PER_INSERT) {
        let mut insert = sqlx::QueryBuilder::new(
            "INSERT OR IGNORE INTO session_job_matches \
             (job_id, seq, session_id, username, user_id, started_ms, last_access_ms, other_clients) ",
        );
        insert.push_values(chunk, |mut row, (position, m)| {
            row.push_bind(id)
                .push_bind(i64::from(*position))
                .push_bind(&m.session_id)
                .push_bind(&m.username)
                .push_bind(&m.user_id)
                .push_bind(m.started_ms)
                .push_bind(m.last_access_ms)
                .push_bind((!m.other_clients.is_empty()).then(|| m.other_clients.join(",")));
        });
        // Not kept in the connection's statement cache: the last chunk of
        // each page has its own length, so its own statement.
        let statement = insert.build().persistent(false);
        added += statement.execute(&mut *tx).await?.rows_affected();
    }
    sqlx::query(
        "UPDATE session_jobs SET scanned = scanned + $1, matched = matched + $2, next_first = $3 \
         WHERE id = $4 AND next_first < $3",
    )
    .bind(scanned as i64)
    .bind(added as i64)
    .bind(i64::from(next_first))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// The columns `match_row` reads.
const MATCH_COLUMNS: &str =
    "session_id, username, user_id, started_ms, last_access_ms, detail, other_clients";

fn match_row(row: &sqlx::sqlite::SqliteRow) -> Result<MatchRow, sqlx::Error> {
    Ok(MatchRow {
        session_id: row.try_get("session_id")?,
        username: row.try_get("username")?,
        user_id: row.try_get("user_id")?,
        started_ms: row.try_get("started_ms")?,
        last_access_ms: row.try_get("last_access_ms")?,
        detail: row.try_get("detail")?,
        other_clients: row
            .try_get::<Option<String>, _>("other_clients")?
            .map(|list| list.split(',').map(str::to_owned).collect())
            .unwrap_or_default(),
    })
}

/// Matches with this outcome, in the order found.
pub async fn matches(
    db: &Pool,
    id: &str,
    outcome: &str,
    limit: i64,
) -> Result<Vec<MatchRow>, sqlx::Error> {
    let rows = sqlx::query(
        &format!("SELECT {MATCH_COLUMNS} FROM session_job_matches WHERE job_id = $1 AND outcome = $2 ORDER BY seq LIMIT $3"),
    )
    .bind(id)
    .bind(outcome)
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.iter().map(match_row).collect()
}

/// How many matches have this outcome.
pub async fn count_matches(db: &Pool, id: &str, outcome: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM session_job_matches WHERE job_id = $1 AND outcome = $2",
    )
    .bind(id)
    .bind(outcome)
    .fetch_one(db)
    .await
}

/// One page of all matches after position `after` in the scan, with their
/// outcome and position, for exports (keyset paging: constant cost per page).
pub async fn matches_after(
    db: &Pool,
    id: &str,
    after: i64,
    limit: i64,
) -> Result<Vec<(i64, String, MatchRow)>, sqlx::Error> {
    let rows = sqlx::query(
        &format!("SELECT seq, outcome, {MATCH_COLUMNS} FROM session_job_matches WHERE job_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"),
    )
    .bind(id)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("seq")?,
                row.try_get("outcome")?,
                match_row(row)?,
            ))
        })
        .collect()
}

/// Claims a pending match for sending; false when it is no longer pending.
pub async fn mark_sending(
    tx: &mut Connection,
    id: &str,
    session_id: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE session_job_matches SET outcome = 'sending' \
         WHERE job_id = $1 AND session_id = $2 AND outcome = 'pending'",
    )
    .bind(id)
    .bind(session_id)
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Puts a match being sent back in the queue, with a note for its next attempt.
pub async fn requeue(
    tx: &mut Connection,
    id: &str,
    session_id: &str,
    note: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE session_job_matches SET outcome = 'pending', detail = COALESCE($1, detail) \
         WHERE job_id = $2 AND session_id = $3 AND outcome = 'sending'",
    )
    .bind(note)
    .bind(id)
    .bind(session_id)
    .execute(tx)
    .await
    .map(|_| ())
}

/// Records a revocation's result and counts it; both land when `tx` commits.
pub async fn finish_match(
    tx: &mut Connection,
    id: &str,
    session_id: &str,
    failure: Option<&str>,
) -> Result<(), sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE session_job_matches SET outcome = $1, detail = $2 \
         WHERE job_id = $3 AND session_id = $4 AND outcome IN ('pending', 'sending')",
    )
    .bind(if failure.is_some() {
        "failed"
    } else {
        "revoked"
    })
    .bind(failure)
    .bind(id)
    .bind(session_id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 1 {
        let column = if failure.is_some() {
            "failed"
        } else {
            "revoked"
        };
        sqlx::query(&format!(
            "UPDATE session_jobs SET {column} = {column} + 1 WHERE id = $1"
        ))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Puts a match counted as revoked back in the queue: Keycloak still has its session.
pub async fn revoke_again(
    tx: &mut Connection,
    id: &str,
    session_id: &str,
    note: &str,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE session_job_matches SET outcome = 'pending', detail = $1 \
         WHERE job_id = $2 AND session_id = $3 AND outcome = 'revoked'",
    )
    .bind(note)
    .bind(id)
    .bind(session_id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 1 {
        sqlx::query("UPDATE session_jobs SET revoked = revoked - 1 WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(updated.rows_affected() == 1)
}

/// Whether this match is counted as revoked.
pub async fn is_revoked(db: &Pool, id: &str, session_id: &str) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM session_job_matches WHERE job_id = $1 AND session_id = $2 AND outcome = 'revoked'",
    )
    .bind(id)
    .bind(session_id)
    .fetch_optional(db)
    .await?;
    Ok(found.is_some())
}

/// The job as the page shows it, with a sample of matches and the first failures.
pub async fn view(db: &Pool, job: JobRecord, now_ms: i64) -> Result<SessionJob, sqlx::Error> {
    let sample = sqlx::query(&format!(
        "SELECT {MATCH_COLUMNS} FROM session_job_matches WHERE job_id = $1 ORDER BY seq LIMIT $2"
    ))
    .bind(&job.id)
    .bind(SAMPLE)
    .fetch_all(db)
    .await?;
    let failures = matches(db, &job.id, "failed", SAMPLE).await?;
    let shared: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM session_job_matches WHERE job_id = $1 AND other_clients IS NOT NULL",
    )
    .bind(&job.id)
    .fetch_one(db)
    .await?;
    let lists: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT other_clients FROM session_job_matches \
         WHERE job_id = $1 AND other_clients IS NOT NULL LIMIT $2",
    )
    .bind(&job.id)
    .bind(SAMPLE)
    .fetch_all(db)
    .await?;
    let shared_with: std::collections::BTreeSet<String> = lists
        .iter()
        .flat_map(|list| list.split(','))
        .map(str::to_owned)
        .collect();
    let mut view = SessionJob {
        filter_text: job.filter_text(),
        id: job.id,
        realm: job.realm.into(),
        client_uuid: job.client_uuid.into(),
        client_id: job.client_id,
        filter: job.filter,
        as_of_ms: job.as_of_ms,
        state: job.state,
        total: job.total,
        scanned: job.scanned,
        matched: job.matched,
        revoked: job.revoked,
        failed: job.failed,
        eta_secs: None,
        error: job.error,
        sample: sample.iter().map(match_row).collect::<Result<_, _>>()?,
        failures,
        shared: shared.max(0) as u64,
        shared_with: shared_with.into_iter().collect(),
    };
    view.eta_secs = estimate(&view, job.phase_started_ms, job.phase_done, now_ms);
    Ok(view)
}

/// Seconds left at the pace of the current phase so far.
fn estimate(job: &SessionJob, started_ms: i64, done_then: u64, now_ms: i64) -> Option<u64> {
    if !job.state.is_running() {
        return None;
    }
    let (done, of) = job.progress();
    let progressed = done.checked_sub(done_then).filter(|d| *d > 0)?;
    let elapsed_ms = u64::try_from(now_ms - started_ms).ok()?;
    let left = of.saturating_sub(done);
    Some(left.saturating_mul(elapsed_ms) / progressed / 1000)
}
