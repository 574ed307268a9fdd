//! Expired sessions leave the listings and counts. Keycloak 26 loads sessions from its
//! database with `lastSessionRefresh >= <oldest still valid>` (`JpaUserSessionPersisterProvider`,
//! deadlines from `SessionExpirationUtils`) and a background task deletes them; here a
//! sweep removes the realm's expired regular and offline sessions before the admin and account
//! APIs read them.
//!
//! A sweep scans every session of the realm, so it runs at most once per realm and wall-clock
//! minute, and again after the virtual clock moved or the realm's session timeouts changed:
//! listings stay O(page) while a clock jump or a shorter timeout takes effect at once.

use parking_lot::Mutex;
use std::collections::HashMap;

use crate::id::Id;
use crate::state::AppState;

#[derive(Default)]
pub struct ExpirySweeps {
    done: Mutex<HashMap<String, SweepKey>>,
}

/// What a sweep's result depends on.
#[derive(Clone, PartialEq, Eq)]
struct SweepKey {
    minute: i64,
    clock_offset: i64,
    timeouts: [i64; 5],
}

impl ExpirySweeps {
    pub fn sweep(&self, state: &AppState, realm_name: &str) {
        let now = state.now();
        let (key, expired_regular, expired_offline) = {
            let db = state.read();
            let Some(realm) = db.realm(realm_name) else {
                return;
            };
            let settings = &realm.settings;
            let key = SweepKey {
                minute: now.div_euclid(60),
                clock_offset: state.clock().offset(),
                timeouts: [
                    settings.offline_idle(),
                    settings.offline_max().unwrap_or(0),
                    settings.sso_idle(false),
                    settings.sso_max(false),
                    settings.sso_idle(true).min(settings.sso_max(true)),
                ],
            };
            if self.done.lock().get(realm_name) == Some(&key) {
                return;
            }
            let regular: Vec<Id> = realm
                .sessions
                .iter()
                .filter(|session| realm.sso_deadline(session) <= now)
                .map(|session| session.id)
                .collect();
            let offline: Vec<Id> = realm
                .offline()
                .iter()
                .filter(|session| realm.offline_session_expired(session, now))
                .map(|session| session.id)
                .collect();
            (key, regular, offline)
        };
        if !expired_regular.is_empty() || !expired_offline.is_empty() {
            let mut db = state.write();
            if let Some(realm) = db.realm_mut(realm_name) {
                for id in expired_regular {
                    realm.sessions.remove(id);
                }
                for id in expired_offline {
                    realm.remove_offline_session(id);
                }
            }
        }
        self.done.lock().insert(realm_name.to_owned(), key);
    }
}
