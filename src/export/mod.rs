//! Downloads streamed straight from Keycloak's pages: CSV for spreadsheets,
//! JSON for programs. Memory stays constant whatever the row count.

pub mod csv;
pub mod matches;
pub mod sessions;
pub mod user_access;

use std::future::Future;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;

use crate::error::AppError;
use crate::state::AppState;

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

/// A download produced a piece at a time, so memory holds one piece.
pub trait Chunks: Send + 'static {
    /// The next piece of the file, `None` after the last. An error ends the
    /// response abruptly, so a partial file is never mistaken for a whole one.
    fn next_chunk(&mut self) -> impl Future<Output = Option<Result<String, String>>> + Send;
}

/// Answers `GET …/{stem}.csv|json`: `open` checks the caller and prepares the
/// export (a refusal is a proper status), then the body streams.
pub async fn serve<E, Open>(file: &str, stem: &str, open: impl FnOnce(Format) -> Open) -> Response
where
    E: Chunks,
    Open: Future<Output = Result<(String, E), AppError>>,
{
    let Some(format) = format_of(file, stem) else {
        return refuse(AppError::NotFound("The export".into()));
    };
    let (name, export) = match open(format).await {
        Ok(opened) => opened,
        Err(e) => return refuse(e),
    };
    let stream = futures::stream::unfold(Some(export), |export| async move {
        let mut export = export?;
        match export.next_chunk().await? {
            Ok(chunk) => Some((Ok(Bytes::from(chunk)), Some(export))),
            Err(e) => {
                tracing::warn!(error = %e, "export aborted");
                Some((Err(std::io::Error::other(e)), None))
            }
        }
    });
    download(&name, format, Body::from_stream(stream))
}

/// Writes the rows of one file in its format: CSV with a header record, or a
/// JSON array of objects.
pub struct RowWriter {
    format: Format,
    columns: &'static [&'static str],
    started: bool,
    rows: u64,
}

impl RowWriter {
    pub fn new(format: Format, columns: &'static [&'static str]) -> Self {
        RowWriter {
            format,
            columns,
            started: false,
            rows: 0,
        }
    }

    fn start(&mut self, out: &mut String) {
        if !self.started {
            self.started = true;
            match self.format {
                Format::Csv => csv::write_record(out, self.columns.iter().copied()),
                Format::Json => out.push('['),
            }
        }
    }

    /// One row: `cells` in column order for CSV, `row` as a JSON object.
    pub fn row<'a>(
        &mut self,
        out: &mut String,
        cells: impl IntoIterator<Item = &'a str>,
        row: &impl Serialize,
    ) {
        self.start(out);
        match self.format {
            Format::Csv => csv::write_record(out, cells),
            Format::Json => {
                out.push_str(if self.rows == 0 { "\n" } else { ",\n" });
                // Rows are plain strings, numbers and options: serialising cannot fail.
                if let Ok(json) = serde_json::to_string(row) {
                    out.push_str(&json);
                }
            }
        }
        self.rows += 1;
    }

    /// Ends the file (the header alone when there were no rows).
    pub fn finish(&mut self, out: &mut String) {
        self.start(out);
        if self.format == Format::Json {
            out.push_str(if self.rows == 0 { "]\n" } else { "\n]\n" });
        }
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }
}

/// The same JSON error body and status that server functions answer with.
pub fn refuse(error: AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(error)).into_response()
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
}
