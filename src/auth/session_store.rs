//! The session store with an in-memory copy in front. Every request loads its
//! session; a SQLite read and decode on each one was the largest fixed cost of
//! a page. Writes go to SQLite first, then to the copy (write-through), one at
//! a time, so the copy never holds anything SQLite does not; SQLite stays the
//! truth across restarts.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Result, SessionStore};

/// Bounds memory whatever the number of sessions; a session not in memory is
/// simply read from SQLite again.
const CAPACITY: usize = 4096;

#[derive(Debug, Clone)]
pub struct CachedSessionStore<S> {
    store: S,
    memory: Arc<Memory>,
}

#[derive(Debug, Default)]
struct Memory {
    records: Mutex<Records>,
    /// Serialises writes so SQLite and the copy see them in the same order.
    writes: tokio::sync::Mutex<()>,
}

#[derive(Debug, Default)]
struct Records {
    /// Bumped by every write, so a load that began before one is not kept.
    generation: u64,
    by_id: HashMap<Id, Record>,
}

fn is_active(record: &Record) -> bool {
    record.expiry_date > OffsetDateTime::now_utc()
}

impl<S> CachedSessionStore<S> {
    pub fn new(store: S) -> Self {
        CachedSessionStore {
            store,
            memory: Arc::default(),
        }
    }
}

impl Memory {
    fn records(&self) -> MutexGuard<'_, Records> {
        self.records.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn remember(&self, record: &Record) {
        let mut records = self.records();
        records.generation += 1;
        records.insert(record.clone());
    }

    fn forget(&self, id: &Id) {
        let mut records = self.records();
        records.generation += 1;
        records.by_id.remove(id);
    }
}

impl Records {
    fn insert(&mut self, record: Record) {
        if self.by_id.len() >= CAPACITY && !self.by_id.contains_key(&record.id) {
            self.by_id.retain(|_, r| is_active(r));
            if self.by_id.len() >= CAPACITY {
                self.by_id.clear();
            }
        }
        self.by_id.insert(record.id, record);
    }
}

#[async_trait]
impl<S: SessionStore> SessionStore for CachedSessionStore<S> {
    async fn create(&self, record: &mut Record) -> Result<()> {
        let _write = self.memory.writes.lock().await;
        self.store.create(record).await?;
        self.memory.remember(record);
        Ok(())
    }

    /// Saves a session that was loaded earlier. One deleted meanwhile (signed out) stays
    /// deleted, and tokens renewed meanwhile are kept (`keep_newest_sign_in`).
    async fn save(&self, record: &Record) -> Result<()> {
        let _write = self.memory.writes.lock().await;
        let cached = self.memory.records().by_id.get(&record.id).cloned();
        let stored = match cached {
            Some(stored) => Some(stored),
            None => self.store.load(&record.id).await?,
        };
        let Some(stored) = stored else {
            return Ok(());
        };
        let mut record = record.clone();
        super::session::keep_newest_sign_in(&stored, &mut record);
        self.store.save(&record).await?;
        self.memory.remember(&record);
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let began = {
            let records = self.memory.records();
            if let Some(record) = records.by_id.get(id) {
                return Ok(is_active(record).then(|| record.clone()));
            }
            records.generation
        };
        let loaded = self.store.load(id).await?;
        if let Some(record) = &loaded {
            let mut records = self.memory.records();
            if records.generation == began {
                records.insert(record.clone());
            }
        }
        Ok(loaded)
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        let _write = self.memory.writes.lock().await;
        self.store.delete(id).await?;
        self.memory.forget(id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use tower_sessions::MemoryStore;

    use super::*;
    use crate::auth::session::SIGNED_IN_KEY;

    fn record(id: Id, renewals: u64, refresh: &str) -> Record {
        Record {
            id,
            data: HashMap::from([(
                SIGNED_IN_KEY.to_owned(),
                json!({ "renewals": renewals, "tokens": { "refresh_token": refresh } }),
            )]),
            expiry_date: OffsetDateTime::now_utc() + time::Duration::hours(1),
        }
    }

    #[tokio::test]
    async fn a_copy_loaded_before_a_renewal_never_puts_the_old_tokens_back() {
        let store = CachedSessionStore::new(MemoryStore::default());
        let mut first = record(Id::default(), 0, "first");
        store.create(&mut first).await.unwrap();
        let id = first.id;
        store.save(&record(id, 1, "rotated")).await.unwrap();

        // A request that loaded the session before the renewal saves it with a notice.
        let mut stale = record(id, 0, "first");
        stale.data.insert("notice".into(), json!("removed"));
        store.save(&stale).await.unwrap();
        let kept = store.load(&id).await.unwrap().unwrap();
        assert_eq!(
            kept.data[SIGNED_IN_KEY]["tokens"]["refresh_token"],
            "rotated"
        );
        assert_eq!(kept.data["notice"], "removed", "its own change is kept");
        // The same from SQLite's side of the cache.
        let reread = store.store.load(&id).await.unwrap().unwrap();
        assert_eq!(reread.data[SIGNED_IN_KEY]["renewals"], 1);
    }

    #[tokio::test]
    async fn a_session_deleted_meanwhile_is_not_saved_back() {
        let store = CachedSessionStore::new(MemoryStore::default());
        let mut signed_in = record(Id::default(), 3, "t");
        store.create(&mut signed_in).await.unwrap();
        store.delete(&signed_in.id).await.unwrap();
        store.save(&signed_in).await.unwrap();
        assert!(store.load(&signed_in.id).await.unwrap().is_none());
        assert!(store.store.load(&signed_in.id).await.unwrap().is_none());
    }
}
