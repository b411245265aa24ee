//! The index entry of a stored chunk.

use crate::model::Label;

/// The IndexedDB index entry of one stored chunk: everything needed to plan reads, dedup and
/// retention without opening the chunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkMeta {
    /// The feed (`binance:BTCUSDT`, a shop's order export...).
    pub feed: Label,
    /// Sequence number of the chunk within its feed, increasing in write order.
    pub chunk_id: u64,
    /// Earliest trade time, ms.
    pub time_min: i64,
    /// Latest trade time, ms.
    pub time_max: i64,
    /// Smallest trade id.
    pub id_min: u64,
    /// Largest trade id.
    pub id_max: u64,
    /// Trades in the chunk.
    pub count: u64,
    /// Size of the encoded chunk.
    pub bytes: u64,
}

impl ChunkMeta {
    /// Whether the chunk's ids are exactly `id_min..=id_max` (consecutive venue ids), so the
    /// range alone says which ids it holds. Relies on ids within a chunk being distinct.
    pub fn is_dense(&self) -> bool {
        self.id_max
            .checked_sub(self.id_min)
            .and_then(|d| d.checked_add(1))
            == Some(self.count)
    }
}

/// An id as an IndexedDB key: 8 bytes big-endian, stored as an `ArrayBuffer`. IndexedDB
/// compares binary keys byte by byte, so their order is the ids' numeric order, where a
/// JavaScript number would round ids past 2^53 together. Use it for `id_min` and `id_max`.
pub fn id_key(id: u64) -> [u8; 8] {
    id.to_be_bytes()
}

/// The id of an [`id_key`], if `key` is 8 bytes.
pub fn id_from_key(key: &[u8]) -> Option<u64> {
    key.try_into().ok().map(u64::from_be_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_keys_sort_like_ids() {
        let ids = [
            0,
            1,
            255,
            256,
            (1 << 53) + 1,
            (1 << 53) + 2,
            u64::MAX - 1,
            u64::MAX,
        ];
        for w in ids.windows(2) {
            assert!(id_key(w[0]) < id_key(w[1]));
        }
        for id in ids {
            assert_eq!(id_from_key(&id_key(id)), Some(id));
        }
        assert_eq!(id_from_key(&[1, 2, 3]), None);
    }
}
