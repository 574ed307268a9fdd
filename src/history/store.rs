//! SQL for the history: the connection (sealed token), runs and points.

use sqlx::Row;

use crate::db::Pool;
use crate::model::history::{DisconnectReason, Disconnected, HistoryConnection, HistoryRun};

/// The connection row as stored; `sealed` is `None` once disconnected.
pub struct StoredConnection {
    pub info: HistoryConnection,
    pub sealed: Option<Vec<u8>>,
    pub generation: i64,
}

/// One client's counts in one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point {
    pub realm: String,
    pub client_id: String,
    pub active: u64,
    pub offline: u64,
    /// Offline sessions by last access: under a day, 1-7, 7-30, over 30 days.
    pub ages: [u64; 4],
}

pub async fn connection(db: &Pool) -> Result<Option<StoredConnection>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT realm, username, connected_at_ms, sealed_token, generation, status, reason_kind, reason, disconnected_at_ms \
         FROM history_connection WHERE id = 1",
    )
    .fetch_optional(db)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let disconnected = if row.try_get::<&str, _>("status")? == "disconnected" {
        Some(Disconnected {
            reason: DisconnectReason::parse(
                &row.try_get::<Option<String>, _>("reason_kind")?
                    .unwrap_or_default(),
            ),
            detail: row
                .try_get::<Option<String>, _>("reason")?
                .unwrap_or_default(),
            at_ms: row
                .try_get::<Option<i64>, _>("disconnected_at_ms")?
                .unwrap_or_default(),
        })
    } else {
        None
    };
    Ok(Some(StoredConnection {
        info: HistoryConnection {
            realm: row.try_get("realm")?,
            username: row.try_get("username")?,
            connected_at_ms: row.try_get("connected_at_ms")?,
            disconnected,
        },
        sealed: row.try_get("sealed_token")?,
        generation: row.try_get("generation")?,
    }))
}

/// The generation the next sealed token gets (one past any stored before).
pub async fn next_generation(db: &Pool) -> Result<i64, sqlx::Error> {
    let current: Option<i64> =
        sqlx::query_scalar("SELECT generation FROM history_connection WHERE id = 1")
            .fetch_optional(db)
            .await?;
    Ok(current.map_or(0, |g| g + 1))
}

/// Stores a new connection, replacing any earlier one.
pub async fn connect(
    db: &Pool,
    realm: &str,
    username: &str,
    now_ms: i64,
    sealed: &[u8],
    generation: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO history_connection (id, realm, username, connected_at_ms, sealed_token, generation, status) \
         VALUES (1, $1, $2, $3, $4, $5, 'connected') \
         ON CONFLICT (id) DO UPDATE SET realm = excluded.realm, username = excluded.username, \
           connected_at_ms = excluded.connected_at_ms, sealed_token = excluded.sealed_token, \
           generation = excluded.generation, status = 'connected', reason_kind = NULL, reason = NULL, \
           disconnected_at_ms = NULL",
    )
    .bind(realm)
    .bind(username)
    .bind(now_ms)
    .bind(sealed)
    .bind(generation)
    .execute(db)
    .await
    .map(|_| ())
}

/// Stores the rotated token and the run's Keycloak time in one transaction.
/// Fails (changing nothing) unless the stored generation is still `previous`.
pub async fn store_rotation(
    db: &Pool,
    previous: i64,
    sealed: &[u8],
    run_id: i64,
    keycloak_ms: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let updated = sqlx::query(
        "UPDATE history_connection SET sealed_token = $1, generation = $2 \
         WHERE id = 1 AND generation = $3 AND status = 'connected'",
    )
    .bind(sealed)
    .bind(previous + 1)
    .bind(previous)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    sqlx::query("UPDATE history_runs SET keycloak_ms = $1 WHERE id = $2")
        .bind(keycloak_ms)
        .bind(run_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// Forgets the token and records why Keycloak refused it.
pub async fn disconnect(
    db: &Pool,
    reason: DisconnectReason,
    detail: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE history_connection SET status = 'disconnected', sealed_token = NULL, \
         reason_kind = $1, reason = $2, disconnected_at_ms = $3 WHERE id = 1",
    )
    .bind(reason.as_str())
    .bind(detail)
    .bind(now_ms)
    .execute(db)
    .await
    .map(|_| ())
}

/// Keycloak's clock minus this server's, from the last run that read it.
pub async fn keycloak_offset_ms(db: &Pool) -> Result<i64, sqlx::Error> {
    let offset: Option<i64> = sqlx::query_scalar(
        "SELECT keycloak_ms - started_at_ms FROM history_runs WHERE outcome = 'succeeded' ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(db)
    .await?;
    Ok(offset.unwrap_or(0))
}

pub async fn start_run(db: &Pool, started_at_ms: i64) -> Result<i64, sqlx::Error> {
    let estimate = started_at_ms + keycloak_offset_ms(db).await?;
    sqlx::query_scalar(
        "INSERT INTO history_runs (started_at_ms, keycloak_ms, outcome) VALUES ($1, $2, 'running') RETURNING id",
    )
    .bind(started_at_ms)
    .bind(estimate)
    .fetch_one(db)
    .await
}

pub async fn fail_run(db: &Pool, run_id: i64, detail: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE history_runs SET outcome = 'failed', detail = $1 WHERE id = $2")
        .bind(detail)
        .bind(run_id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Runs a crash interrupted are failures: their gap stays visible.
pub async fn fail_interrupted_runs(db: &Pool) -> Result<u64, sqlx::Error> {
    sqlx::query(
        "UPDATE history_runs SET outcome = 'failed', detail = 'interrupted (the console stopped)' \
         WHERE outcome = 'running'",
    )
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}

/// The points and the run's success, in one transaction.
pub async fn finish_run(db: &Pool, run_id: i64, points: &[Point]) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    for p in points {
        sqlx::query(
            "INSERT INTO history_points (run_id, realm, client_id, active, offline, age_0_1, age_1_7, age_7_30, age_over_30) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(run_id)
        .bind(&p.realm)
        .bind(&p.client_id)
        .bind(p.active as i64)
        .bind(p.offline as i64)
        .bind(p.ages[0] as i64)
        .bind(p.ages[1] as i64)
        .bind(p.ages[2] as i64)
        .bind(p.ages[3] as i64)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE history_runs SET outcome = 'succeeded', detail = NULL WHERE id = $1")
        .bind(run_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// A succeeded run that no snapshot took: its points were derived (the demo's past), and
/// its detail says so wherever runs are listed.
pub async fn record_derived_run(
    db: &Pool,
    at_ms: i64,
    points: &[Point],
) -> Result<(), sqlx::Error> {
    let run_id: i64 = sqlx::query_scalar(
        "INSERT INTO history_runs (started_at_ms, keycloak_ms, outcome) VALUES ($1, $1, 'running') RETURNING id",
    )
    .bind(at_ms)
    .fetch_one(db)
    .await?;
    finish_run(db, run_id, points).await?;
    sqlx::query("UPDATE history_runs SET detail = $1 WHERE id = $2")
        .bind(crate::model::history::DERIVED_RUN_DETAIL)
        .bind(run_id)
        .execute(db)
        .await
        .map(|_| ())
}

fn run(row: &sqlx::sqlite::SqliteRow) -> Result<HistoryRun, sqlx::Error> {
    Ok(HistoryRun {
        id: row.try_get("id")?,
        keycloak_ms: row.try_get("keycloak_ms")?,
        succeeded: row.try_get::<&str, _>("outcome")? == "succeeded",
        detail: row.try_get("detail")?,
    })
}

pub async fn last_run(db: &Pool) -> Result<Option<HistoryRun>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, keycloak_ms, outcome, detail FROM history_runs WHERE outcome <> 'running' ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(db)
    .await?;
    row.as_ref().map(run).transpose()
}

/// When the last run (of any outcome) started, by this server's clock.
pub async fn last_started_ms(db: &Pool) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT MAX(started_at_ms) FROM history_runs")
        .fetch_one(db)
        .await
}

/// Finished runs, oldest first, at most the latest `limit`.
pub async fn runs(db: &Pool, limit: u32) -> Result<Vec<HistoryRun>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, keycloak_ms, outcome, detail FROM \
         (SELECT id, keycloak_ms, outcome, detail FROM history_runs WHERE outcome <> 'running' \
          ORDER BY id DESC LIMIT $1) ORDER BY id",
    )
    .bind(limit as i64)
    .fetch_all(db)
    .await?;
    rows.iter().map(run).collect()
}

/// Offline counts from `first_run` on: (run, realm, client, offline).
pub async fn offline_points(
    db: &Pool,
    first_run: i64,
) -> Result<Vec<(i64, String, String, u64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT run_id, realm, client_id, offline FROM history_points WHERE run_id >= $1 \
         ORDER BY realm, client_id, run_id",
    )
    .bind(first_run)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("run_id")?,
                r.try_get("realm")?,
                r.try_get("client_id")?,
                r.try_get::<i64, _>("offline")?.max(0) as u64,
            ))
        })
        .collect()
}

/// One CSV chunk: runs after `after_run`, up to `runs` of them, with their points.
pub async fn export_chunk(
    db: &Pool,
    after_run: i64,
    runs: u32,
) -> Result<Vec<(HistoryRun, Option<Point>)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT r.id, r.keycloak_ms, r.outcome, r.detail, p.realm, p.client_id, p.active, p.offline, \
                p.age_0_1, p.age_1_7, p.age_7_30, p.age_over_30 \
         FROM (SELECT id, keycloak_ms, outcome, detail FROM history_runs \
               WHERE id > $1 AND outcome <> 'running' ORDER BY id LIMIT $2) r \
         LEFT JOIN history_points p ON p.run_id = r.id ORDER BY r.id, p.realm, p.client_id",
    )
    .bind(after_run)
    .bind(runs as i64)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| {
            let count = |column: &str| -> Result<u64, sqlx::Error> {
                Ok(row.try_get::<i64, _>(column)?.max(0) as u64)
            };
            let point = match row.try_get::<Option<String>, _>("realm")? {
                None => None,
                Some(realm) => Some(Point {
                    realm,
                    client_id: row.try_get("client_id")?,
                    active: count("active")?,
                    offline: count("offline")?,
                    ages: [
                        count("age_0_1")?,
                        count("age_1_7")?,
                        count("age_7_30")?,
                        count("age_over_30")?,
                    ],
                }),
            };
            Ok((run(row)?, point))
        })
        .collect()
}
