//! Short-lived copies of reads that pages repeat and that rarely change (the
//! realm representation for its offline policy, the client for its lifespan
//! overrides, the realm switcher's list of realms), per caller, so a sessions
//! page costs two Keycloak reads instead of five.
//!
//! Entries live `TTL` and all of them are dropped the moment this console
//! changes a realm (`forget_all`), so the console's own policy edits show at
//! once; a change made elsewhere (Keycloak's own console) shows within `TTL`.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TTL: Duration = Duration::from_secs(5);
/// Bounds memory whatever the number of callers and clients.
const CAPACITY: usize = 1024;

type Value = Arc<dyn Any + Send + Sync>;

#[derive(Default)]
pub struct ReadCache(Mutex<Entries>);

#[derive(Default)]
struct Entries {
    /// Bumped by every change, so a read that began before it is never stored.
    generation: u64,
    by_key: HashMap<String, (Instant, Value)>,
}

impl ReadCache {
    fn entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn get<T: Send + Sync + 'static>(&self, key: &str) -> Option<Arc<T>> {
        let entries = self.entries();
        let (stored, value) = entries.by_key.get(key)?;
        if stored.elapsed() >= TTL {
            return None;
        }
        value.clone().downcast().ok()
    }

    /// The generation to hand back to `put` with what a read returns.
    pub fn generation(&self) -> u64 {
        self.entries().generation
    }

    /// Stores `value` unless something changed since its read began.
    pub fn put<T: Send + Sync + 'static>(&self, key: String, read_began: u64, value: Arc<T>) {
        let mut entries = self.entries();
        if entries.generation != read_began {
            return;
        }
        if entries.by_key.len() >= CAPACITY {
            entries
                .by_key
                .retain(|_, (stored, _)| stored.elapsed() < TTL);
            if entries.by_key.len() >= CAPACITY {
                entries.by_key.clear();
            }
        }
        entries.by_key.insert(key, (Instant::now(), value));
    }

    pub fn forget_all(&self) {
        let mut entries = self.entries();
        entries.generation += 1;
        entries.by_key.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_drops_entries_and_refuses_reads_begun_before_it() {
        let cache = ReadCache::default();
        let began = cache.generation();
        cache.put("a".into(), began, Arc::new(1u32));
        assert_eq!(cache.get::<u32>("a").as_deref(), Some(&1));
        assert_eq!(cache.get::<String>("a"), None);

        let in_flight = cache.generation();
        cache.forget_all();
        assert_eq!(cache.get::<u32>("a"), None);
        cache.put("a".into(), in_flight, Arc::new(2u32));
        assert_eq!(cache.get::<u32>("a"), None);
    }
}
