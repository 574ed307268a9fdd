//! Sign-ins at rest. The session table is keyed by a hash of the cookie's session id, and a
//! session's data (its Keycloak tokens among it) is sealed with the session key, bound to its
//! row and expiry. A copy of the database therefore holds no cookie a browser could present
//! and no token Keycloak would accept; a row that does not open is no session at all.

use std::collections::HashMap;

use async_trait::async_trait;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result, SessionStore};

use crate::crypto::SealingKey;

/// The one field of a stored record's data: the sealed JSON of the session's data.
const SEALED_FIELD: &str = "sealed";

#[derive(Debug, Clone)]
pub struct SealedSessionStore<S> {
    store: S,
    key: SealingKey,
}

impl<S> SealedSessionStore<S> {
    pub fn new(store: S, key: SealingKey) -> Self {
        SealedSessionStore { store, key }
    }
}

/// The row a session id is stored under: the first 128 bits of its SHA-256. The id is 128
/// random bits, so the hash cannot be turned back into it.
pub fn stored_id(id: &Id) -> Id {
    let digest = Sha256::new()
        .chain_update(b"offline-console session id v1 ")
        .chain_update(id.0.to_le_bytes())
        .finalize();
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest[..16]);
    Id(i128::from_le_bytes(first))
}

fn associated_data(stored: &Id, record: &Record) -> Vec<u8> {
    format!(
        "offline-console session v1 {stored} until {}",
        record.expiry_date.unix_timestamp()
    )
    .into_bytes()
}

impl<S> SealedSessionStore<S> {
    fn seal(&self, record: &Record) -> Result<Record> {
        let stored = stored_id(&record.id);
        let plain = serde_json::to_vec(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
        let sealed = crate::crypto::seal(&self.key, &associated_data(&stored, record), &plain);
        let sealed = base64::engine::general_purpose::STANDARD_NO_PAD.encode(sealed);
        Ok(Record {
            id: stored,
            data: HashMap::from([(SEALED_FIELD.to_owned(), serde_json::Value::String(sealed))]),
            expiry_date: record.expiry_date,
        })
    }

    /// The session stored in `row` under `id`; `None` when it does not open (another key,
    /// another row's data, an altered expiry).
    fn open(&self, id: Id, row: Record) -> Option<Record> {
        let sealed = row.data.get(SEALED_FIELD)?.as_str()?;
        let sealed = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(sealed)
            .ok()?;
        let plain = crate::crypto::open(&self.key, &associated_data(&row.id, &row), &sealed)?;
        let data = serde_json::from_slice(&plain).ok()?;
        Some(Record {
            id,
            data,
            expiry_date: row.expiry_date,
        })
    }
}

#[async_trait]
impl<S: SessionStore> SessionStore for SealedSessionStore<S> {
    async fn create(&self, record: &mut Record) -> Result<()> {
        loop {
            let mut row = self.seal(record)?;
            let wanted = row.id;
            self.store.create(&mut row).await?;
            if row.id == wanted {
                return Ok(());
            }
            // The hashed id was taken, and the inner store filed the row under an id of its
            // own choosing, which no cookie maps to: drop it and draw a new session id.
            self.store.delete(&row.id).await?;
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        self.store.save(&self.seal(record)?).await
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let Some(row) = self.store.load(&stored_id(id)).await? else {
            return Ok(None);
        };
        let opened = self.open(*id, row);
        if opened.is_none() {
            tracing::info!(
                "a stored session did not open with the session key; treating it as signed out"
            );
        }
        Ok(opened)
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.store.delete(&stored_id(id)).await
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::OffsetDateTime;
    use tower_sessions::MemoryStore;

    use super::*;

    fn record() -> Record {
        Record {
            id: Id::default(),
            data: HashMap::from([(
                "tokens".to_owned(),
                json!({ "refresh_token": "eyJhbGciOi.secret" }),
            )]),
            expiry_date: OffsetDateTime::now_utc() + time::Duration::hours(1),
        }
    }

    #[tokio::test]
    async fn the_store_sees_neither_the_session_id_nor_its_data() {
        let inner = MemoryStore::default();
        let store = SealedSessionStore::new(inner.clone(), SealingKey::generate());
        let mut session = record();
        store.create(&mut session).await.unwrap();

        assert_eq!(
            inner.load(&session.id).await.unwrap(),
            None,
            "not under its id"
        );
        let row = inner.load(&stored_id(&session.id)).await.unwrap().unwrap();
        assert!(!format!("{row:?}").contains("secret"), "{row:?}");
        assert_eq!(
            store.load(&session.id).await.unwrap(),
            Some(session.clone())
        );

        store.delete(&session.id).await.unwrap();
        assert_eq!(inner.load(&stored_id(&session.id)).await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_row_opens_only_with_its_key_its_own_id_and_its_expiry() {
        let inner = MemoryStore::default();
        let key = SealingKey::generate();
        let store = SealedSessionStore::new(inner.clone(), key.clone());
        let (mut mine, mut theirs) = (record(), record());
        store.create(&mut mine).await.unwrap();
        store.create(&mut theirs).await.unwrap();

        let other_key = SealingKey::generate();
        let elsewhere = SealedSessionStore::new(inner.clone(), other_key);
        assert_eq!(elsewhere.load(&mine.id).await.unwrap(), None, "another key");

        // Their sealed data copied into my row, and my row given a longer life.
        let mut moved = inner.load(&stored_id(&theirs.id)).await.unwrap().unwrap();
        moved.id = stored_id(&mine.id);
        inner.save(&moved).await.unwrap();
        assert_eq!(
            store.load(&mine.id).await.unwrap(),
            None,
            "another row's data"
        );
        let mut extended = inner.load(&stored_id(&theirs.id)).await.unwrap().unwrap();
        extended.expiry_date += time::Duration::days(30);
        inner.save(&extended).await.unwrap();
        assert_eq!(
            store.load(&theirs.id).await.unwrap(),
            None,
            "an altered expiry"
        );
    }
}
