//! Ordered per-client index of user sessions: append-only slots plus a Fenwick tree of
//! live slots, so counting is O(1) and a page (`first`, `max`) costs O(log n + max).
//! Order = the order in which the client session was attached, which never changes
//! while nothing is added or removed, so paging neither repeats nor skips sessions.

use crate::id::Id;

#[derive(Default, Debug)]
pub struct ClientIndex {
    slots: Vec<Id>,
    fenwick: Vec<u32>,
    live: usize,
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
        slot as u32
    }

    /// Frees a slot; returns whether it held `session`.
    pub fn remove(&mut self, slot: u32, session: Id) -> bool {
        let slot = slot as usize;
        if self.slots.get(slot) != Some(&session) {
            return false;
        }
        self.slots[slot] = Id::NONE;
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

    /// Up to `max` live sessions starting at live position `first`.
    pub fn page(&self, first: usize, max: usize) -> Vec<Id> {
        if first >= self.live || max == 0 {
            return Vec::new();
        }
        let start = self.select(first);
        self.slots[start..]
            .iter()
            .copied()
            .filter(|id| *id != Id::NONE)
            .take(max)
            .collect()
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

    /// Slot index of the live entry at position `k` (0-based); requires `k < live`.
    fn select(&self, k: usize) -> usize {
        let mut pos = 0;
        let mut remaining = k as u32 + 1;
        let mut step = self.fenwick.len().next_power_of_two();
        while step > 0 {
            let next = pos + step;
            if next <= self.fenwick.len() && self.fenwick[next - 1] < remaining {
                pos = next;
                remaining -= self.fenwick[next - 1];
            }
            step >>= 1;
        }
        pos
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_skip_removed_entries_in_insertion_order() {
        let mut index = ClientIndex::default();
        let ids: Vec<Id> = (1..=100).map(Id::from_u128).collect();
        let slots: Vec<u32> = ids.iter().map(|id| index.push(*id)).collect();
        for n in (0..100).step_by(3) {
            assert!(index.remove(slots[n], ids[n]));
        }
        let expected: Vec<Id> = (0..100).filter(|n| n % 3 != 0).map(|n| ids[n]).collect();
        assert_eq!(index.len(), expected.len());
        assert_eq!(index.page(0, 1000), expected);
        assert_eq!(index.page(10, 5), expected[10..15].to_vec());
        assert_eq!(index.page(66, 5), expected[66..].to_vec());
        assert!(index.page(67, 5).is_empty());
        let moved = index.compact();
        assert_eq!(moved.len(), expected.len());
        assert_eq!(index.page(10, 5), expected[10..15].to_vec());
    }
}
