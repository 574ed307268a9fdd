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

    async fn save(&self, record: &Record) -> Result<()> {
        let _write = self.memory.writes.lock().await;
        self.store.save(record).await?;
        self.memory.remember(record);
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
