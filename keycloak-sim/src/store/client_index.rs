//! Per-client index of user sessions: append-only slots plus a Fenwick tree of live slots,
//! so counting is O(1). Pages are in session-id order, as Keycloak's store lists them; the
//! sorted ids are built on the first page after a change and kept until the next one, so
//! paging an unchanged index costs O(max) and neither repeats nor skips sessions.

use crate::id::Id;

#[derive(Default, Debug)]
pub struct ClientIndex {
    slots: Vec<Id>,
    fenwick: Vec<u32>,
    live: usize,
    by_id: std::sync::OnceLock<Vec<Id>>,
}

impl ClientIndex {
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Appends a session; returns its slot.
    pub fn push(&mut self, session: Id) -> u32 {
        let slot = self.slots.len();
        self.slots.push(session);
        let i = slot + 1;
        let low = i & i.wrapping_neg();
        let covered = self.prefix(i - 1) - self.prefix(i - low);
        self.fenwick.push(covered + 1);
        self.live += 1;
        self.by_id = Default::default();
        slot as u32
    }

    /// Frees a slot; returns whether it held `session`.
    pub fn remove(&mut self, slot: u32, session: Id) -> bool {
        let slot = slot as usize;
        if self.slots.get(slot) != Some(&session) {
            return false;
        }
        self.slots[slot] = Id::NONE;
        self.by_id = Default::default();
        let mut i = slot + 1;
        while i <= self.fenwick.len() {
            self.fenwick[i - 1] -= 1;
            i += i & i.wrapping_neg();
        }
        self.live -= 1;
        true
    }

    /// Whether half the slots are vacant, so a rebuild pays off.
    pub fn needs_compaction(&self) -> bool {
        self.slots.len() > 64 && self.live * 2 < self.slots.len()
    }

    /// Rebuilds without vacant slots; returns (session, new slot) for every live entry.
    pub fn compact(&mut self) -> Vec<(Id, u32)> {
        let live: Vec<Id> = self
            .slots
            .iter()
            .copied()
            .filter(|id| *id != Id::NONE)
            .collect();
        *self = ClientIndex::default();
        live.into_iter().map(|id| (id, self.push(id))).collect()
    }

    /// Up to `max` live sessions starting at position `first` in session-id order.
    pub fn page(&self, first: usize, max: usize) -> Vec<Id> {
        if first >= self.live || max == 0 {
            return Vec::new();
        }
        let sorted = self.by_id.get_or_init(|| {
            let mut live: Vec<Id> = self
                .slots
                .iter()
                .copied()
                .filter(|id| *id != Id::NONE)
                .collect();
            live.sort_unstable();
            live
        });
        sorted[first..].iter().copied().take(max).collect()
    }

    /// Sum of live flags in slots `[0, i)`.
    fn prefix(&self, mut i: usize) -> u32 {
        let mut sum = 0;
        while i > 0 {
            sum += self.fenwick[i - 1];
            i -= i & i.wrapping_neg();
        }
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_skip_removed_entries_in_id_order() {
        let mut index = ClientIndex::default();
        // Attached in reverse id order, listed in id order.
        let ids: Vec<Id> = (1..=100).rev().map(Id::from_u128).collect();
        let slots: Vec<u32> = ids.iter().map(|id| index.push(*id)).collect();
        for n in (0..100).step_by(3) {
            assert!(index.remove(slots[n], ids[n]));
        }
        let mut expected: Vec<Id> = (0..100).filter(|n| n % 3 != 0).map(|n| ids[n]).collect();
        expected.sort();
        assert_eq!(index.len(), expected.len());
        assert_eq!(index.page(0, 1000), expected);
        assert_eq!(index.page(10, 5), expected[10..15].to_vec());
        assert_eq!(index.page(66, 5), expected[66..].to_vec());
        assert!(index.page(67, 5).is_empty());
        let moved = index.compact();
        assert_eq!(moved.len(), expected.len());
        assert_eq!(index.page(10, 5), expected[10..15].to_vec());
        index.push(Id::from_u128(1000));
        assert_eq!(
            index.page(expected.len(), 1),
            vec![Id::from_u128(1000)],
            "a change is seen by the next page"
        );
    }
}
