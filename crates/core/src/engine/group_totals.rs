//! The engine's per-group totals, kept by dense group ids, and where each group last had a
//! trade.
//!
//! A trade's group is looked up twice, for its total and for its aggregate in the bucket, and
//! the groups of a stream come mixed (three symbols interleaved, say), so neither lookup can
//! count on the previous trade's group. A key of one label, what grouping by one field makes
//! (and totals by symbol when not grouping), is found by indexing a table with its label id;
//! a pair of labels through a hash map. The group's place among its latest bucket's groups is
//! remembered, so a trade in that bucket reaches its aggregate without searching.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::{Agg, GroupKey, LabelId, NO_LABEL};

/// Per group, in order of first appearance: its key, its total, and its latest place.
#[derive(Clone, Debug, Default)]
pub(crate) struct GroupTotals {
    keys: Vec<GroupKey>,
    totals: Vec<Agg>,
    /// Per group, (bucket position, index among that bucket's groups) where its latest trade
    /// went; [`NOWHERE`] before one did. Buckets only ever gain groups at the end, and are
    /// cleared only with these totals, so a place stays right once found.
    places: Vec<(usize, usize)>,
    /// Id + 1 by [`slot`] of the first label, for keys without a second; 0 where none. At
    /// most four bytes per label of the table's dictionary, which holds far more per label.
    singles: Vec<u32>,
    /// Ids of keys with a second label, by [`pack`]ed key.
    pairs: HashMap<u64, u32, BuildHasherDefault<KeyHasher>>,
}

/// The place of a group that has had no trade in a bucket yet.
pub(crate) const NOWHERE: (usize, usize) = (usize::MAX, usize::MAX);

impl GroupTotals {
    /// The id of `key`, with a total made by `new` if the group is new.
    pub(crate) fn id(&mut self, key: GroupKey, new: impl FnOnce() -> Agg) -> usize {
        let found = if key[1] == NO_LABEL {
            let s = slot(key[0]);
            match self.singles.get(s) {
                Some(&id) if id > 0 => return id as usize - 1,
                Some(_) => {}
                None => self.singles.resize(s + 1, 0),
            }
            self.singles[s] = self.keys.len() as u32 + 1;
            None
        } else {
            match self.pairs.entry(pack(key)) {
                Entry::Occupied(e) => Some(*e.get() as usize),
                Entry::Vacant(e) => {
                    e.insert(self.keys.len() as u32);
                    None
                }
            }
        };
        found.unwrap_or_else(|| {
            self.keys.push(key);
            self.totals.push(new());
            self.places.push(NOWHERE);
            self.keys.len() - 1
        })
    }

    /// The total of group `id`.
    pub(crate) fn total_mut(&mut self, id: usize) -> &mut Agg {
        &mut self.totals[id]
    }

    /// Where group `id`'s latest trade went: (bucket position, index among its groups).
    pub(crate) fn place(&self, id: usize) -> (usize, usize) {
        self.places[id]
    }

    /// Records where group `id`'s latest trade went.
    pub(crate) fn set_place(&mut self, id: usize, place: (usize, usize)) {
        self.places[id] = place;
    }

    /// Every group's key and total, in order of first appearance.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (GroupKey, &Agg)> {
        self.keys.iter().copied().zip(&self.totals)
    }

    /// Forgets every group.
    pub(crate) fn clear(&mut self) {
        self.keys.clear();
        self.totals.clear();
        self.places.clear();
        self.singles.clear();
        self.pairs.clear();
    }
}

/// A dense index for a label id ([`NO_LABEL`] first).
pub(crate) fn slot(label: LabelId) -> usize {
    if label == NO_LABEL {
        0
    } else {
        label as usize + 1
    }
}

/// A group key as one u64 (first label in the high half), for hashing.
fn pack(key: GroupKey) -> u64 {
    (u64::from(key[0]) << 32) | u64::from(key[1])
}

/// Hashes a packed group key with one 64 x 64 -> 128-bit multiplication, folding the halves
/// so that the low bits (the table's slot) and the high bits (its tag) both depend on every
/// bit of the key. The standard map's SipHash took a twentieth of per-trade ingest; its
/// resistance to chosen keys is not needed here, as keys are label ids the engine numbers
/// itself in order of first appearance.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        let product = u128::from(self.0 ^ n) * 0x9e37_79b9_7f4a_7c15;
        self.0 = (product as u64) ^ ((product >> 64) as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_first_appearance_for_single_labels_and_pairs() {
        let mut g = GroupTotals::default();
        let keys: [GroupKey; 5] = [
            [7, NO_LABEL],
            [NO_LABEL, NO_LABEL],
            [7, 3],
            [NO_LABEL, 3],
            [0, NO_LABEL],
        ];
        for (i, &k) in keys.iter().enumerate() {
            assert_eq!(g.id(k, Agg::default), i);
        }
        for (i, &k) in keys.iter().enumerate().rev() {
            assert_eq!(g.id(k, || unreachable!("{k:?} is known")), i);
        }
        assert_eq!(g.iter().map(|(k, _)| k).collect::<Vec<_>>(), keys);
        assert_eq!(g.place(2), NOWHERE);
        g.clear();
        assert_eq!(g.id([0, NO_LABEL], Agg::default), 0);
    }
}
