//! Entity ids: 128-bit values shown as UUID strings, like Keycloak's ids.

use rand::{Rng, RngCore, SeedableRng};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Stored as two `u64` halves (high, low) rather than a `u128`, so the id is 8-byte
/// aligned and entities holding it pack without padding.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Id([u64; 2]);

impl Id {
    pub const NONE: Id = Id([0, 0]);
    pub const MAX: Id = Id([u64::MAX, u64::MAX]);

    pub const fn from_u128(value: u128) -> Id {
        Id([(value >> 64) as u64, value as u64])
    }

    pub const fn as_u128(self) -> u128 {
        ((self.0[0] as u128) << 64) | self.0[1] as u128
    }

    pub fn parse(text: &str) -> Option<Id> {
        uuid::Uuid::try_parse(text)
            .ok()
            .map(|u| Id::from_u128(u.as_u128()))
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        uuid::Uuid::from_u128(self.as_u128()).hyphenated().fmt(f)
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        // Keycloak accepts any string id on import; non-UUID ids are mapped to a stable hash.
        Ok(Id::parse(&text).unwrap_or_else(|| Id::from_name(&text)))
    }
}

impl Id {
    /// A stable id derived from a non-UUID string (FNV-1a, 128 bit).
    pub fn from_name(name: &str) -> Id {
        let mut hash: u128 = 0x6c62272e07bb014262b821756295c58d;
        for byte in name.bytes() {
            hash ^= byte as u128;
            hash = hash.wrapping_mul(0x0000000001000000000000000000013B);
        }
        Id::from_u128(version4(hash))
    }
}

fn version4(raw: u128) -> u128 {
    uuid::Builder::from_random_bytes(raw.to_be_bytes())
        .into_uuid()
        .as_u128()
}

/// Deterministic id source: imports and seeds record their seed in the journal, so a replay
/// after a restart recreates the same ids (tokens keep naming valid users and sessions).
pub struct IdGen(rand::rngs::StdRng);

impl IdGen {
    pub fn from_seed(seed: u64) -> IdGen {
        IdGen(rand::rngs::StdRng::seed_from_u64(seed))
    }

    pub fn next_id(&mut self) -> Id {
        Id::from_u128(version4(self.0.gen()))
    }

    pub fn next_seed(&mut self) -> u64 {
        self.0.next_u64()
    }
}

/// A fresh random id (codes, token ids) that never needs to survive a replay.
pub fn random_id() -> Id {
    Id::from_u128(version4(rand::thread_rng().gen()))
}

pub fn random_seed() -> u64 {
    rand::thread_rng().gen()
}
