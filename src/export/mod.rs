//! Downloads streamed straight from Keycloak's pages: CSV for spreadsheets,
//! JSON for programs. Memory stays constant whatever the row count.

pub mod csv;
pub mod matches;
pub mod sessions;
pub mod user_access;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::error::AppError;
use crate::server::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/export/{realm}/clients/{client}/{file}",
            get(sessions::offline_sessions),
        )
        .route(
            "/export/{realm}/users/{user}/{file}",
            get(user_access::user_access),
        )
        .route("/export/jobs/{id}/{file}", get(matches::job_matches))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
        }
    }
}

/// `offline-sessions.csv` -> CSV, for the file name `stem`.
pub fn format_of(file: &str, stem: &str) -> Option<Format> {
    let extension = file.strip_prefix(stem)?.strip_prefix('.')?;
    [Format::Csv, Format::Json]
        .into_iter()
        .find(|f| f.extension() == extension)
}

/// A file name safe in a header on every platform: other characters become `_`.
fn file_name(name: &str, format: Format) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{}.{}", safe.trim_start_matches('.'), format.extension())
}

/// The headers of a download; the body follows as it is produced.
pub fn download(name: &str, format: Format, body: axum::body::Body) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", file_name(name, format));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The same JSON error body and status that server functions answer with.
pub fn refuse(error: AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(error)).into_response()
}

/// Epoch milliseconds as RFC 3339 UTC, e.g. `2026-11-26T08:40:00Z`.
pub fn rfc3339(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_the_file_name() {
        assert_eq!(
            format_of("offline-sessions.csv", "offline-sessions"),
            Some(Format::Csv)
        );
        assert_eq!(
            format_of("offline-sessions.json", "offline-sessions"),
            Some(Format::Json)
        );
        assert_eq!(format_of("offline-sessions.xml", "offline-sessions"), None);
        assert_eq!(format_of("users.csv", "offline-sessions"), None);
    }

    #[test]
    fn file_names_cannot_break_the_header() {
        assert_eq!(file_name("a\"b/c\r\nd ü", Format::Csv), "a_b_c__d__.csv");
        assert_eq!(file_name("../x", Format::Json), "_x.json");
    }

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(rfc3339(1_795_682_400_000), "2026-11-26T08:40:00Z");
        assert_eq!(rfc3339(1_795_682_400_123), "2026-11-26T08:40:00.123Z");
    }
}
