//! `AppState`: the shared state every handler receives.

use crate::clock::Clock;
use crate::faults::FaultRegistry;
use crate::oidc::flows::Flows;
use crate::store::journal::{self, Event, Journal};
use crate::store::Db;
use parking_lot::{Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    db: RwLock<Db>,
    clock: Clock,
    journal: Option<Mutex<Journal>>,
    /// In-flight browser logins and authorization codes (not persisted, as in Keycloak
    /// they live in the authentication-session cache).
    pub flows: Mutex<Flows>,
    pub faults: FaultRegistry,
    /// Expired-session sweeps of the admin and account APIs.
    pub sweeps: crate::admin::expiry::ExpirySweeps,
    pub sim_api: bool,
}

impl AppState {
    pub fn new(db: Db, clock: Clock, journal: Option<Journal>, sim_api: bool) -> AppState {
        AppState(Arc::new(Shared {
            db: RwLock::new(db),
            clock,
            journal: journal.map(Mutex::new),
            flows: Mutex::new(Flows::default()),
            faults: FaultRegistry::default(),
            sweeps: Default::default(),
            sim_api,
        }))
    }

    pub fn read(&self) -> RwLockReadGuard<'_, Db> {
        self.0.db.read()
    }

    /// Write access; changes the realms mark are journaled when the guard drops.
    pub fn write(&self) -> DbWrite<'_> {
        DbWrite {
            guard: self.0.db.write(),
            journal: self.0.journal.as_ref(),
        }
    }

    pub fn clock(&self) -> &Clock {
        &self.0.clock
    }

    pub fn now(&self) -> i64 {
        self.0.clock.now()
    }

    pub fn shared(&self) -> &Shared {
        &self.0
    }

    /// Records an event that is not an entity change (import, seed, clock).
    pub fn record(&self, event: &Event) {
        if let Some(journal) = &self.0.journal {
            if let Err(err) = journal.lock().append(event) {
                eprintln!("keycloak-sim: journal write failed: {err}");
            }
        }
    }
}

pub struct DbWrite<'a> {
    guard: RwLockWriteGuard<'a, Db>,
    journal: Option<&'a Mutex<Journal>>,
}

impl Deref for DbWrite<'_> {
    type Target = Db;
    fn deref(&self) -> &Db {
        &self.guard
    }
}

impl DerefMut for DbWrite<'_> {
    fn deref_mut(&mut self) -> &mut Db {
        &mut self.guard
    }
}

impl Drop for DbWrite<'_> {
    fn drop(&mut self) {
        let events = journal::drain_changes(&mut self.guard);
        if let (Some(journal), false) = (self.journal, events.is_empty()) {
            if let Err(err) = journal.lock().append_all(&events) {
                eprintln!("keycloak-sim: journal write failed: {err}");
            }
        }
    }
}

impl axum::extract::FromRef<AppState> for FaultRegistry {
    fn from_ref(state: &AppState) -> Self {
        state.shared().faults.clone()
    }
}
