//! `GET /export/jobs/{id}/matches.csv|json`: the sessions a filter job
//! matched (a client's offline sessions, filtered), with each one's outcome,
//! read from the database a page at a time.

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Serialize;
use tower_sessions::Session;

use super::{csv, download, format_of, refuse, rfc3339, Format};
use crate::auth::Caller;
use crate::error::AppError;
use crate::jobs::store;
use crate::server::AppState;

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
    State(state): State<AppState>,
    session: Session,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    let Some(format) = format_of(&file, "matches") else {
        return refuse(AppError::NotFound("The export".into()));
    };
    match open(state, session, &id, format).await {
        Ok((name, export)) => {
            let stream = futures::stream::unfold(export, |mut export| async move {
                export.next_chunk().await.map(|chunk| (chunk, export))
            });
            download(&name, format, Body::from_stream(stream))
        }
        Err(e) => refuse(e),
    }
}

/// Only the job's owner may export it; anyone else is told it does not exist.
async fn open(
    state: AppState,
    session: Session,
    id: &str,
    format: Format,
) -> Result<(String, MatchExport), AppError> {
    let caller = Caller::from_session(state, session)
        .await?
        .require_admin()?;
    let who = caller.who();
    let job = store::get(&caller.state.db, id)
        .await
        .map_err(AppError::internal)?
        .filter(|job| job.owner == who.username && job.owner_realm == who.realm)
        .ok_or_else(|| AppError::NotFound("The job".into()))?;
    Ok((
        format!("{}-offline-sessions-matching", job.client_id),
        MatchExport {
            state: caller.state.clone(),
            id: job.id,
            format,
            after: -1,
            started: false,
            rows_written: 0,
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
    format: Format,
    /// Position of the last match written.
    after: i64,
    started: bool,
    rows_written: u64,
    ended: bool,
}

impl MatchExport {
    async fn next_chunk(&mut self) -> Option<Result<Bytes, std::io::Error>> {
        if self.ended {
            return None;
        }
        let page = match store::matches_after(&self.state.db, &self.id, self.after, PAGE).await {
            Ok(page) => page,
            Err(e) => {
                self.ended = true;
                tracing::warn!(error = %e, "export of job matches aborted");
                return Some(Err(std::io::Error::other(e.to_string())));
            }
        };
        let mut out = String::with_capacity(page.len() * 160);
        if !self.started {
            self.started = true;
            match self.format {
                Format::Csv => csv::write_record(&mut out, COLUMNS),
                Format::Json => out.push('['),
            }
        }
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
            match self.format {
                Format::Csv => csv::write_record(
                    &mut out,
                    [
                        row.session_id,
                        row.username,
                        row.user_id,
                        &row.started,
                        &row.last_access,
                        row.outcome,
                        row.detail.unwrap_or_default(),
                    ],
                ),
                Format::Json => {
                    out.push_str(if self.rows_written == 0 { "\n" } else { ",\n" });
                    if let Ok(json) = serde_json::to_string(&row) {
                        out.push_str(&json);
                    }
                }
            }
            self.after = *seq;
            self.rows_written += 1;
        }
        if (page.len() as i64) < PAGE {
            self.ended = true;
            if self.format == Format::Json {
                out.push_str(if self.rows_written == 0 {
                    "]\n"
                } else {
                    "\n]\n"
                });
            }
        }
        Some(Ok(Bytes::from(out)))
    }
}
