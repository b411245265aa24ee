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
