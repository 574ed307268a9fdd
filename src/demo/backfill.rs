//! The history a daily snapshot would have recorded over the last weeks, derived from the
//! sessions Keycloak holds now: a session counts from the day it started, and is taken to
//! have been as idle then as it is now. Sessions that ended before today are not known, so
//! the derived past is a lower bound; the demo prints that it was derived.

use super::cohorts::Cohort;
use super::COHORTS;
use crate::db::Pool;
use crate::history::store::{self, Point};
use crate::keycloak::{KcError, Keycloak};
use crate::model::history::age_bucket;
use crate::model::ids::{ClientId, ClientUuid, RealmName};
use crate::model::time::clock::now_ms;

/// Days of history derived, today's snapshot included.
pub const DAYS: i64 = 28;
const DAY_MS: i64 = 86_400_000;
const PAGE: u32 = 500;

/// One offline session's times, in epoch milliseconds.
#[derive(Clone, Copy, Debug)]
pub struct SessionTimes {
    pub start: i64,
    pub last_access: i64,
}

/// One snapshot per day, oldest first, at today's time of day: (when, points per client).
pub fn daily_points(
    realm: &str,
    clients: &[(String, Vec<SessionTimes>)],
    now_ms: i64,
) -> Vec<(i64, Vec<Point>)> {
    (0..DAYS)
        .rev()
        .map(|days_ago| {
            let at = now_ms - days_ago * DAY_MS;
            let points = clients
                .iter()
                .map(|(client_id, sessions)| {
                    let mut ages = [0u64; 4];
                    let mut offline = 0;
                    for s in sessions.iter().filter(|s| s.start <= at) {
                        let idle_now = now_ms.saturating_sub(s.last_access);
                        let last_access_then = (at - idle_now).max(s.start);
                        ages[age_bucket(at, last_access_then)] += 1;
                        offline += 1;
                    }
                    Point {
                        realm: realm.to_owned(),
                        client_id: client_id.clone(),
                        active: 0,
                        offline,
                        ages,
                    }
                })
                .collect();
            (at, points)
        })
        .collect()
}

/// Derives and stores the history, unless the history already holds a run.
/// Returns the number of runs stored.
pub async fn fill_history(
    db: &Pool,
    keycloak: &Keycloak,
    token: &String,
    realm: &RealmName,
) -> Result<Option<usize>, String> {
    let stored = store::runs(db, 1).await.map_err(|e| e.to_string())?;
    if !stored.is_empty() {
        return Ok(None);
    }
    let mut clients = Vec::new();
    for client_id in demo_clients(COHORTS) {
        let sessions = sessions_of(keycloak, token, realm, client_id)
            .await
            .map_err(|e| format!("reading the offline sessions of {client_id}: {e}"))?;
        clients.push((client_id.to_owned(), sessions));
    }
    let runs = daily_points(realm.as_str(), &clients, now_ms());
    for (at, points) in &runs {
        store::record_derived_run(db, *at, points)
            .await
            .map_err(|e| format!("storing the derived history: {e}"))?;
    }
    Ok(Some(runs.len()))
}

/// Every client a cohort seeds, and the client real grants use, once each.
fn demo_clients(cohorts: &[Cohort]) -> Vec<&'static str> {
    let mut clients: Vec<&'static str> = cohorts
        .iter()
        .flat_map(|c| c.clients.iter().copied())
        .chain([super::grants::REAL_CLIENT])
        .collect();
    clients.sort_unstable();
    clients.dedup();
    clients
}

async fn sessions_of(
    keycloak: &Keycloak,
    token: &String,
    realm: &RealmName,
    client_id: &str,
) -> Result<Vec<SessionTimes>, KcError> {
    let admin = keycloak.admin(token);
    let client_id = ClientId::parse(client_id).map_err(|e| KcError::Malformed(e.to_string()))?;
    let Some(client) = admin.client_by_client_id(realm, &client_id).await? else {
        return Ok(Vec::new());
    };
    let uuid = ClientUuid::parse(&client.id).map_err(|e| KcError::Malformed(e.to_string()))?;
    let mut sessions = Vec::new();
    loop {
        let page = admin
            .offline_sessions(realm, &uuid, sessions.len() as u32, PAGE)
            .await?;
        let last_page = page.len() < PAGE as usize;
        sessions.extend(page.into_iter().map(|s| SessionTimes {
            start: s.start,
            last_access: s.last_access,
        }));
        if last_page {
            return Ok(sessions);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;

    fn session(started_days_ago: i64, idle_days: i64) -> SessionTimes {
        SessionTimes {
            start: NOW - started_days_ago * DAY_MS,
            last_access: NOW - idle_days * DAY_MS,
        }
    }

    #[test]
    fn a_session_counts_from_the_day_it_started() {
        let clients = vec![(
            "app".to_owned(),
            vec![session(3, 0), session(10, 0), session(100, 0)],
        )];
        let runs = daily_points("demo", &clients, NOW);
        assert_eq!(runs.len(), DAYS as usize);
        let counts: Vec<u64> = runs.iter().map(|(_, p)| p[0].offline).collect();
        assert_eq!(counts[DAYS as usize - 1], 3, "today: all three");
        assert_eq!(
            counts[DAYS as usize - 4],
            3,
            "three days ago: the newest had just started"
        );
        assert_eq!(counts[DAYS as usize - 5], 2, "four days ago: not yet");
        assert_eq!(counts[0], 1, "27 days ago: only the oldest");
        assert_eq!(runs.last().unwrap().0, NOW);
        assert_eq!(runs[0].0, NOW - (DAYS - 1) * DAY_MS);
    }

    #[test]
    fn idle_time_is_carried_back_but_never_before_the_start() {
        // Idle 20 days now: 20 days idle a week ago too (7-30 bucket); one that started
        // two days ago and was never refreshed was a day idle yesterday, not three.
        let clients = vec![("app".to_owned(), vec![session(40, 20), session(2, 2)])];
        let runs = daily_points("demo", &clients, NOW);
        let week_ago = &runs[DAYS as usize - 8].1[0];
        assert_eq!((week_ago.offline, week_ago.ages), (1, [0, 0, 1, 0]));
        let yesterday = &runs[DAYS as usize - 2].1[0];
        assert_eq!((yesterday.offline, yesterday.ages), (2, [0, 1, 1, 0]));
    }
}
