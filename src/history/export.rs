//! `GET /history.csv`: every run with its per-client counts, streamed a few
//! runs at a time. A failed run is one row with its outcome and no counts.

use axum::body::Body;
use axum::response::Response;

use super::{sees_realm, store};
use crate::auth::{AdminCaller, SignedIn};
use crate::export::{csv, download, Format};
use crate::model::time::clock::rfc3339;

const RUNS_PER_CHUNK: u32 = 50;

const HEADER: [&str; 11] = [
    "time",
    "outcome",
    "realm",
    "client",
    "active",
    "offline",
    "offline_0_1d",
    "offline_1_7d",
    "offline_7_30d",
    "offline_over_30d",
    "detail",
];

fn rows(
    who: &SignedIn,
    chunk: &[(crate::model::history::HistoryRun, Option<store::Point>)],
) -> String {
    let mut out = String::new();
    for (run, point) in chunk {
        let time = rfc3339(run.keycloak_ms);
        let outcome = if run.succeeded { "succeeded" } else { "failed" };
        match point {
            Some(p) if sees_realm(who, &p.realm) => {
                let numbers = [
                    p.active, p.offline, p.ages[0], p.ages[1], p.ages[2], p.ages[3],
                ]
                .map(|n| n.to_string());
                let mut cells = vec![
                    time.as_str(),
                    outcome,
                    p.realm.as_str(),
                    p.client_id.as_str(),
                ];
                cells.extend(numbers.iter().map(String::as_str));
                cells.push("");
                csv::write_record(&mut out, cells);
            }
            Some(_) => {}
            None => {
                let detail = run.detail.as_deref().unwrap_or("");
                csv::write_record(
                    &mut out,
                    [
                        time.as_str(),
                        outcome,
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        detail,
                    ],
                );
            }
        }
    }
    out
}

pub async fn history_csv(AdminCaller(caller): AdminCaller) -> Response {
    let who = caller.who();
    let state = &caller.state;
    let db = state.db.clone();
    // (after this run id, header still to send, finished)
    let chunks = futures_util::stream::unfold((0i64, true, false), move |(after, header, done)| {
        let (db, who) = (db.clone(), who.clone());
        async move {
            if header {
                let mut out = String::new();
                csv::write_record(&mut out, HEADER);
                return Some((Ok(out), (after, false, false)));
            }
            if done {
                return None;
            }
            match store::export_chunk(&db, after, RUNS_PER_CHUNK).await {
                Ok(chunk) if chunk.is_empty() => None,
                Ok(chunk) => {
                    let last = chunk.last().map_or(after, |(run, _)| run.id);
                    let runs = chunk
                        .iter()
                        .map(|(run, _)| run.id)
                        .collect::<std::collections::BTreeSet<_>>()
                        .len();
                    Some((
                        Ok(rows(&who, &chunk)),
                        (last, false, runs < RUNS_PER_CHUNK as usize),
                    ))
                }
                Err(e) => {
                    tracing::error!(error = %e, "history export failed");
                    Some((
                        Err(std::io::Error::other("history export failed")),
                        (after, false, true),
                    ))
                }
            }
        }
    });
    download("offline-history", Format::Csv, Body::from_stream(chunks))
}
