//! History: its status, "snapshot now" and the trends series.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::history::{HistoryStatus, SnapshotSummary, Trends};

#[server(prefix = "/api", endpoint = "history_status", protocol = crate::api::codec::JsonOrForm)]
pub async fn load_history_status() -> Result<HistoryStatus, AppError> {
    crate::api::support::respond(ssr::status()).await
}

/// Takes a snapshot now with the stored offline token.
#[server(prefix = "/api", endpoint = "snapshot_history", protocol = crate::api::codec::JsonOrForm)]
pub async fn snapshot_history() -> Result<SnapshotSummary, AppError> {
    crate::api::support::respond(ssr::snapshot()).await
}

/// Offline sessions per client over the recorded runs, for the realms the caller may view.
#[server(prefix = "/api", endpoint = "history_trends", protocol = crate::api::codec::JsonOrForm)]
pub async fn history_trends() -> Result<Trends, AppError> {
    crate::api::support::respond(ssr::trends()).await
}

#[cfg(feature = "ssr")]
mod ssr {
    use std::collections::BTreeMap;

    use super::*;
    use crate::audit::Recorder;
    use crate::auth::Caller;
    use crate::history::connect::NO_KEY;
    use crate::history::snapshot::{self, SnapshotError};
    use crate::history::{sees_realm, store};
    use crate::model::history::{grows_unusually, weekly_growth, ClientSeries};
    use crate::model::time::clock::now_ms;

    /// The trends page shows at most this many of the latest runs (over a year of nights).
    const MAX_RUNS: u32 = 400;

    pub async fn status() -> Result<HistoryStatus, AppError> {
        let caller = Caller::admin().await?;
        let db = &caller.state.db;
        Ok(HistoryStatus {
            key_configured: caller.state.config.history_key.is_some(),
            connection: store::connection(db)
                .await
                .map_err(AppError::internal)?
                .map(|c| c.info),
            last_run: store::last_run(db).await.map_err(AppError::internal)?,
            interval_secs: caller.state.config.history_interval.as_secs(),
            now_ms: now_ms(),
        })
    }

    pub async fn snapshot() -> Result<SnapshotSummary, AppError> {
        let caller = Caller::admin().await?;
        let state = &caller.state;
        if state.config.history_key.is_none() {
            return Err(AppError::Conflict(NO_KEY.into()));
        }
        let who = caller.who();
        let connection = store::connection(&state.db)
            .await
            .map_err(AppError::internal)?
            .ok_or_else(|| {
                AppError::Conflict(
                    "History is not connected. Connect it on the overview page first.".into(),
                )
            })?;
        if let Some(d) = connection.info.disconnected {
            return Err(AppError::Conflict(format!(
                "History is disconnected: {}. Reconnect it on the overview page.",
                d.reason.explain()
            )));
        }
        let realm = connection.info.realm;
        if !sees_realm(&who, &realm) {
            return Err(AppError::Forbidden(format!(
                "You need the realm-management role \u{201c}view-realm\u{201d} for realm \u{201c}{realm}\u{201d}, whose administrator connected history, to take a snapshot."
            )));
        }
        let audit = Recorder::begin(
            &state.db,
            &who,
            &who.realm,
            "history_snapshot",
            "history snapshot",
            None,
        )
        .await
        .map_err(AppError::internal)?;
        match snapshot::take(state).await {
            Ok(summary) => {
                let detail = format!(
                    "{} clients in {} realms, {} offline sessions",
                    summary.clients, summary.realms, summary.offline_sessions
                );
                audit
                    .succeeded(Some(detail))
                    .await
                    .map_err(AppError::internal)?;
                Ok(summary)
            }
            Err(e) => {
                audit
                    .failed(e.to_string())
                    .await
                    .map_err(AppError::internal)?;
                Err(match e {
                    SnapshotError::NoKey => AppError::Conflict(NO_KEY.into()),
                    SnapshotError::NotConnected => AppError::Conflict(
                        "History is not connected. Connect it on the overview page first.".into(),
                    ),
                    SnapshotError::Disconnected(d) => AppError::Conflict(format!(
                        "History is disconnected: {}. Reconnect it on the overview page.",
                        d.reason.explain()
                    )),
                    SnapshotError::Unavailable(_) => AppError::KeycloakUnavailable,
                    SnapshotError::Failed(detail) => AppError::Conflict(format!(
                        "The snapshot could not be completed: {detail}."
                    )),
                    SnapshotError::Store(e) => AppError::internal(e),
                })
            }
        }
    }

    pub async fn trends() -> Result<Trends, AppError> {
        let caller = Caller::admin().await?;
        let who = caller.who();
        let db = &caller.state.db;
        let runs = store::runs(db, MAX_RUNS)
            .await
            .map_err(AppError::internal)?;
        let Some(first) = runs.first().map(|r| r.id) else {
            return Ok(Trends {
                runs,
                series: Vec::new(),
            });
        };
        let index: BTreeMap<i64, usize> = runs.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        // A successful run without a row for the client counted no session: 0.
        let empty: Vec<Option<u64>> = runs.iter().map(|r| r.succeeded.then_some(0)).collect();
        let mut by_client: BTreeMap<(String, String), Vec<Option<u64>>> = BTreeMap::new();
        for (run, realm, client, offline) in store::offline_points(db, first)
            .await
            .map_err(AppError::internal)?
        {
            if !sees_realm(&who, &realm) {
                continue;
            }
            if let Some(i) = index.get(&run) {
                by_client
                    .entry((realm, client))
                    .or_insert_with(|| empty.clone())[*i] = Some(offline);
            }
        }
        let times: Vec<i64> = runs.iter().map(|r| r.keycloak_ms).collect();
        let mut series: Vec<ClientSeries> = by_client
            .into_iter()
            .map(|((realm, client_id), offline)| {
                let growth = weekly_growth(&times, &offline);
                ClientSeries {
                    realm,
                    client_id,
                    latest: offline.iter().rev().find_map(|v| *v).unwrap_or(0),
                    weekly_growth: growth.map(|(g, _)| g),
                    unusual: growth.is_some_and(|(g, before)| grows_unusually(g, before)),
                    offline,
                }
            })
            .collect();
        series.sort_by(|a, b| {
            b.latest
                .cmp(&a.latest)
                .then_with(|| (&a.realm, &a.client_id).cmp(&(&b.realm, &b.client_id)))
        });
        Ok(Trends { runs, series })
    }
}
