//! `GET /export/jobs/{id}/matches.csv|json`: the sessions a filter job
//! matched (a client's offline sessions, filtered), with each one's outcome,
//! read from the database a page at a time.

use axum::extract::Path;
use axum::response::Response;
use serde::Serialize;

use super::{serve, Chunks, Format, RowWriter};
use crate::auth::{AdminCaller, Caller};
use crate::error::AppError;
use crate::jobs::store;
use crate::model::time::clock::rfc3339;
use crate::state::AppState;

const PAGE: i64 = 500;

const COLUMNS: [&str; 7] = [
    "session_id",
    "username",
    "user_id",
    "started",
    "last_access",
    "outcome",
    "detail",
];

pub async fn job_matches(
    AdminCaller(caller): AdminCaller,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    serve(&file, "matches", |format| open(caller, &id, format)).await
}

/// Only the job's owner may export it; anyone else is told it does not exist.
async fn open(caller: Caller, id: &str, format: Format) -> Result<(String, MatchExport), AppError> {
    let who = caller.who();
    let job = store::get(&caller.state.db, id)
        .await
        .map_err(AppError::internal)?
        .filter(|job| job.is_owned_by(&who))
        .ok_or_else(|| AppError::NotFound("The job".into()))?;
    Ok((
        format!("{}-offline-sessions-matching", job.client_id),
        MatchExport {
            state: caller.state.clone(),
            id: job.id,
            writer: RowWriter::new(format, &COLUMNS),
            after: -1,
            ended: false,
        },
    ))
}

#[derive(Serialize)]
struct Row<'a> {
    session_id: &'a str,
    username: &'a str,
    user_id: &'a str,
    started: String,
    last_access: String,
    outcome: &'a str,
    detail: Option<&'a str>,
}

struct MatchExport {
    state: AppState,
    id: String,
    writer: RowWriter,
    /// Position of the last match written.
    after: i64,
    ended: bool,
}

impl Chunks for MatchExport {
    /// A page of matches at a time, in the order the job found them.
    async fn next_chunk(&mut self) -> Option<Result<String, String>> {
        if self.ended {
            return None;
        }
        let page = match store::matches_after(&self.state.db, &self.id, self.after, PAGE).await {
            Ok(page) => page,
            Err(e) => return Some(Err(e.to_string())),
        };
        let mut out = String::with_capacity(page.len() * 160);
        for (seq, outcome, m) in &page {
            let row = Row {
                session_id: &m.session_id,
                username: &m.username,
                user_id: &m.user_id,
                started: rfc3339(m.started_ms),
                last_access: rfc3339(m.last_access_ms),
                outcome,
                detail: m.detail.as_deref(),
            };
            let cells = [
                row.session_id,
                row.username,
                row.user_id,
                &row.started,
                &row.last_access,
                row.outcome,
                row.detail.unwrap_or_default(),
            ];
            self.writer.row(&mut out, cells, &row);
            self.after = *seq;
        }
        if (page.len() as i64) < PAGE {
            self.ended = true;
            self.writer.finish(&mut out);
        }
        Some(Ok(out))
    }
}
