//! Persistence for `--data-dir`: an append-only journal of JSON lines in `journal.jsonl`.
//! Imports and seeds are recorded with the random seed they used (replaying them recreates
//! the same ids and keys); every other change is recorded as the entity's new state, or
//! its removal. Each write is flushed to the OS before the response is sent, so
//! acknowledged changes survive a `kill -9`.

use super::Db;
use crate::id::Id;
use crate::model::{Client, Consent, RealmSettings, User, UserSession};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "camelCase")]
pub enum Event {
    Import {
        source: Value,
        seed: u64,
        now_ms: i64,
    },
    Seed {
        realm: String,
        users: u64,
        prefix: String,
        clients: Vec<String>,
        now: i64,
        seed: u64,
        #[serde(default)]
        ages: crate::seed::SeedAges,
    },
    ClockOffset {
        offset: i64,
    },
    Settings {
        realm: String,
        settings: RealmSettings,
    },
    /// The user's serde form omits its password and roles, so they travel alongside.
    User {
        realm: String,
        user: User,
        roles: Vec<Id>,
        #[serde(default)]
        password: Option<Box<str>>,
    },
    Client {
        realm: String,
        client: Client,
        scope_mappings: Vec<Id>,
    },
    Consent {
        realm: String,
        user: Id,
        client: Id,
        consent: Option<Consent>,
    },
    OfflineSession {
        realm: String,
        id: Id,
        session: Option<UserSession>,
    },
    /// `DELETE /admin/realms/{realm}`.
    RealmRemoved {
        realm: String,
    },
}

pub struct Journal {
    out: BufWriter<File>,
}

impl Journal {
    /// Opens (creating) the journal and returns the events already in it. A torn last
    /// line (crash mid-write) is dropped.
    pub fn open(dir: &Path) -> io::Result<(Journal, Vec<Event>)> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join("journal.jsonl");
        let mut events = Vec::new();
        if path.exists() {
            for line in BufReader::new(File::open(&path)?).lines() {
                match serde_json::from_str::<Event>(&line?) {
                    Ok(event) => events.push(event),
                    Err(_) => break,
                }
            }
        }
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        Ok((
            Journal {
                out: BufWriter::new(file),
            },
            events,
        ))
    }

    pub fn append(&mut self, event: &Event) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, event)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }

    pub fn append_all(&mut self, events: &[Event]) -> io::Result<()> {
        for event in events {
            serde_json::to_writer(&mut self.out, event)?;
            self.out.write_all(b"\n")?;
        }
        self.out.flush()
    }
}

/// Collects (and clears) the changes realms marked since the last call.
pub fn drain_changes(db: &mut Db) -> Vec<Event> {
    let mut events = Vec::new();
    for realm in db.realms_mut() {
        let dirty = realm.dirty.take();
        let name = realm.name().to_string();
        if dirty.settings {
            events.push(Event::Settings {
                realm: name.clone(),
                settings: realm.settings.clone(),
            });
        }
        for id in dirty.users {
            if let Some(user) = realm.user(id) {
                events.push(Event::User {
                    realm: name.clone(),
                    user: user.clone(),
                    roles: user.roles.clone(),
                    password: user.password.clone(),
                });
            }
        }
        for id in dirty.clients {
            if let Some(client) = realm.client(id) {
                events.push(Event::Client {
                    realm: name.clone(),
                    client: client.clone(),
                    scope_mappings: client.scope_mappings.clone(),
                });
            }
        }
        for (user, client) in dirty.consents {
            events.push(Event::Consent {
                realm: name.clone(),
                user,
                client,
                consent: realm.consent_entry((user, client)).cloned(),
            });
        }
        for id in dirty.offline {
            events.push(Event::OfflineSession {
                realm: name.clone(),
                id,
                session: realm.offline_session_for_journal(id).cloned(),
            });
        }
    }
    events
}

/// Applies a recorded entity change (imports, seeds and the clock are replayed by the
/// state module, which owns those code paths).
pub fn apply_change(db: &mut Db, event: Event) {
    match event {
        Event::Settings { realm, settings } => {
            if let Some(realm) = db.realm_mut(&realm) {
                realm.settings = settings;
            }
        }
        Event::User {
            realm,
            mut user,
            roles,
            password,
        } => {
            if let Some(realm) = db.realm_mut(&realm) {
                user.roles = roles;
                user.password = password;
                realm.insert_user(user);
            }
        }
        Event::Client {
            realm,
            mut client,
            scope_mappings,
        } => {
            if let Some(realm) = db.realm_mut(&realm) {
                if let Some(existing) = realm.client(client.id) {
                    client.roles = existing.roles.clone();
                }
                client.scope_mappings = scope_mappings;
                realm.insert_client(client);
            }
        }
        Event::Consent {
            realm,
            user,
            client,
            consent,
        } => {
            if let Some(realm) = db.realm_mut(&realm) {
                match consent {
                    Some(consent) => realm.insert_consent_unjournaled(user, client, consent),
                    None => realm.remove_consent_unjournaled(user, client),
                }
            }
        }
        Event::OfflineSession { realm, id, session } => {
            if let Some(realm) = db.realm_mut(&realm) {
                match session {
                    Some(session) => realm.insert_offline_unjournaled(session),
                    None => realm.remove_offline_unjournaled(id),
                }
            }
        }
        Event::RealmRemoved { realm } => {
            db.remove_realm(&realm);
        }
        Event::Import { .. } | Event::Seed { .. } | Event::ClockOffset { .. } => {}
    }
}
