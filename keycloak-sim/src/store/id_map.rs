//! A map from `Id` to entities stored in a slab: the hash index holds 4-byte slots
//! instead of whole entities, which roughly halves memory at a million entries.

use crate::id::Id;
use std::collections::HashMap;

/// Entities that carry their own id.
pub trait Keyed {
    fn key(&self) -> Id;
}

impl Keyed for crate::model::User {
    fn key(&self) -> Id {
        self.id
    }
}

impl Keyed for crate::model::UserSession {
    fn key(&self) -> Id {
        self.id
    }
}

#[derive(Debug)]
pub struct IdMap<T> {
    slots: Vec<Option<T>>,
    index: HashMap<Id, u32>,
    free: Vec<u32>,
}

impl<T> Default for IdMap<T> {
    fn default() -> Self {
        IdMap {
            slots: Vec::new(),
            index: HashMap::new(),
            free: Vec::new(),
        }
    }
}

impl<T: Keyed> IdMap<T> {
    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    pub fn contains_key(&self, id: &Id) -> bool {
        self.index.contains_key(id)
    }

    pub fn get(&self, id: &Id) -> Option<&T> {
        let slot = *self.index.get(id)?;
        self.slots[slot as usize].as_ref()
    }

    pub fn get_mut(&mut self, id: &Id) -> Option<&mut T> {
        let slot = *self.index.get(id)?;
        self.slots[slot as usize].as_mut()
    }

    /// Inserts under the entity's own id; returns the entity it replaced.
    pub fn insert(&mut self, value: T) -> Option<T> {
        let id = value.key();
        if let Some(slot) = self.index.get(&id) {
            return self.slots[*slot as usize].replace(value);
        }
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(value);
                slot
            }
            None => {
                self.slots.push(Some(value));
                (self.slots.len() - 1) as u32
            }
        };
        self.index.insert(id, slot);
        None
    }

    pub fn remove(&mut self, id: &Id) -> Option<T> {
        let slot = self.index.remove(id)?;
        self.free.push(slot);
        self.slots[slot as usize].take()
    }

    pub fn values(&self) -> impl Iterator<Item = &T> + '_ {
        self.slots.iter().flatten()
    }

    pub fn reserve(&mut self, additional: usize) {
        self.slots
            .reserve_exact(additional.saturating_sub(self.free.len()));
        self.index.reserve(additional);
    }
}
