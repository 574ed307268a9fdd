//! `GET /audit.csv?<filters>`: the filtered audit log as a CSV download,
//! streamed page by page (newest first) so a long log never sits in memory.

use axum::body::Body;
use axum::extract::Query;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{csv, store};
use crate::auth::AdminCaller;
use crate::error::AppError;
use crate::model::audit::AuditFilter;

const CHUNK_ROWS: u32 = 500;

fn refuse(e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, e.to_string()).into_response()
}

pub async fn download(
    AdminCaller(caller): AdminCaller,
    Query(filter): Query<AuditFilter>,
) -> Response {
    let who = caller.who();
    let state = &caller.state;
    if let Err(problem) = filter.check() {
        return refuse(AppError::InvalidInput(problem));
    }
    let visible = store::Visible::to(&who);
    let db = state.db.clone();
    // (before this id, finished): each step sends the header or one chunk of rows.
    let chunks = futures_util::stream::unfold(
        (None::<i64>, false, true),
        move |(before, finished, header)| {
            let (db, filter, visible) = (db.clone(), filter.clone(), visible.clone());
            async move {
                if header {
                    return Some((Ok(csv::HEADER.to_owned()), (before, false, false)));
                }
                if finished {
                    return None;
                }
                match store::page_before(&db, &filter, &visible, before, CHUNK_ROWS).await {
                    Ok(entries) if entries.is_empty() => None,
                    Ok(entries) => {
                        let last = entries.last().map(|e| e.id);
                        let done = entries.len() < CHUNK_ROWS as usize;
                        let text: String = entries.iter().map(csv::row).collect();
                        Some((Ok(text), (last, done, false)))
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "audit export failed");
                        Some((
                            Err(std::io::Error::other("audit export failed")),
                            (before, true, false),
                        ))
                    }
                }
            }
        },
    );
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit-log.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Body::from_stream(chunks),
    )
        .into_response()
}
