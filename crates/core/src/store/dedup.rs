//! Which trades of an incoming batch are new to a feed's storage, in bounded memory.
//!
//! A [`ChunkIndex`] is kept per feed. It is rebuilt at load from the [`ChunkMeta`]s of the
//! stored chunks (oldest first) plus, for the last few chunks whose ids are not consecutive,
//! their id columns ([`ChunkIndex::wants_ids`] says which), and kept current as batches are
//! admitted and chunks sealed.
//!
//! It remembers ids three ways:
//! - **ranges**: a chunk whose ids are exactly `id_min..=id_max` (consecutive venue ids:
//!   Binance, Coinbase, Kraken) is remembered by its range alone; adjacent ranges coalesce, so a
//!   gap-free feed costs one range however long it runs. At most
//!   [`DedupLimits::max_ranges`] ranges are kept.
//!   A chunk with a few gaps (at most [`RUNS_AS_RANGES`] runs of consecutive ids) is
//!   remembered as its runs when its ids are given.
//! - **exact sets**: the ids of the last [`DedupLimits::exact_chunks`] chunks whose ids are not
//!   consecutive (hashed order ids, a venue with gaps).
//! - **pending**: ids admitted but not yet in a sealed chunk (the open chunk of a
//!   [`super::ChunkBuilder`]).
//!
//! When a limit forces it to forget ids (the range or exact set with the oldest trades goes
//! first), or when retention deletes chunks ([`ChunkIndex::forget`]), the index raises its
//! **horizon** to the latest trade time it forgot.
//!
//! # Guarantee
//!
//! 1. *Replay is a no-op.* A trade whose id was admitted or stored is never admitted again, as
//!    long as it comes back with the same time: either its id is still remembered, or its time
//!    is at or before the horizon, and a trade at or before the horizon whose id is not
//!    remembered is refused (counted in [`Admission::behind_horizon`]).
//! 2. *Nothing new is lost silently.* A trade is refused as a duplicate only if its id was
//!    admitted or stored; a new trade is refused only if its time is at or before the
//!    horizon, and then it is counted as such. Until a limit is hit or a chunk is forgotten,
//!    the horizon is unset and the index is exact.
//!
//! Memory: at most `max_ranges` ranges (24 bytes each), `exact_chunks` chunks of ids, and the
//! pending ids.

use std::collections::{BTreeMap, HashSet, VecDeque};

use super::ChunkMeta;
use crate::model::Trade;

/// A chunk whose ids form at most this many consecutive runs (a venue feed with a few missed
/// trades) is remembered as ranges rather than as an exact set.
pub const RUNS_AS_RANGES: usize = 8;

/// The maximal runs of consecutive values in `ids`, if there are at most `max` of them.
fn runs(ids: &[u64], max: usize) -> Option<Vec<(u64, u64)>> {
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out: Vec<(u64, u64)> = Vec::new();
    for id in sorted {
        match out.last_mut() {
            Some((_, hi)) if hi.checked_add(1) == Some(id) => *hi = id,
            _ => {
                if out.len() == max {
                    return None;
                }
                out.push((id, id));
            }
        }
    }
    Some(out)
}

/// How much a [`ChunkIndex`] may remember.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DedupLimits {
    /// Coalesced id ranges of chunks with consecutive ids.
    pub max_ranges: usize,
    /// Chunks with non-consecutive ids whose id sets are kept.
    pub exact_chunks: usize,
}

impl Default for DedupLimits {
    /// 1024 ranges (a gap-free feed needs one) and the last 16 sparse chunks.
    fn default() -> Self {
        DedupLimits {
            max_ranges: 1024,
            exact_chunks: 16,
        }
    }
}

/// The outcome of [`ChunkIndex::admit`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Admission {
    /// Trades new to the feed, in batch order: store these.
    pub fresh: Vec<Trade>,
    /// Trades whose id is stored, pending, or earlier in the same batch.
    pub duplicates: usize,
    /// Trades at or before the horizon whose id is no longer remembered: possibly stored,
    /// refused so that a replay can never store twice.
    pub behind_horizon: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    end: u64,
    time_max: i64,
}

#[derive(Clone, Debug)]
struct Exact {
    chunk_id: u64,
    ids: HashSet<u64>,
    time_max: i64,
}

/// The dedup state of one feed. See the [module docs](self) for what it guarantees.
#[derive(Clone, Debug)]
pub struct ChunkIndex {
    limits: DedupLimits,
    /// Start id -> span, disjoint and non-adjacent.
    ranges: BTreeMap<u64, Span>,
    exact: VecDeque<Exact>,
    pending: HashSet<u64>,
    horizon: Option<i64>,
}

impl ChunkIndex {
    /// An empty index (a feed with nothing stored).
    pub fn new(limits: DedupLimits) -> ChunkIndex {
        ChunkIndex {
            limits,
            ranges: BTreeMap::new(),
            exact: VecDeque::new(),
            pending: HashSet::new(),
            horizon: None,
        }
    }

    /// Of stored chunks `metas` (oldest first), the ids of those whose id columns the index
    /// wants at load: the last `exact_chunks` chunks whose ids are not consecutive.
    pub fn wants_ids(limits: DedupLimits, metas: &[ChunkMeta]) -> Vec<u64> {
        let mut v: Vec<u64> = metas
            .iter()
            .rev()
            .filter(|m| !m.is_dense())
            .take(limits.exact_chunks)
            .map(|m| m.chunk_id)
            .collect();
        v.reverse();
        v
    }

    /// Latest trade time the index may have forgotten ids at; `None` while it is exact.
    pub fn horizon(&self) -> Option<i64> {
        self.horizon
    }

    /// Number of id ranges held.
    pub fn ranges(&self) -> usize {
        self.ranges.len()
    }

    fn raise_horizon(&mut self, t: i64) {
        self.horizon = Some(self.horizon.map_or(t, |h| h.max(t)));
    }

    /// Whether `id` is remembered as stored or pending.
    pub fn contains(&self, id: u64) -> bool {
        self.pending.contains(&id)
            || self
                .ranges
                .range(..=id)
                .next_back()
                .is_some_and(|(_, s)| s.end >= id)
            || self.exact.iter().any(|e| e.ids.contains(&id))
    }

    /// Splits `batch` into trades to store and trades to drop; the fresh ones become pending.
    pub fn admit(&mut self, batch: Vec<Trade>) -> Admission {
        let mut out = Admission::default();
        for t in batch {
            if self.contains(t.id) {
                out.duplicates += 1;
            } else if self.horizon.is_some_and(|h| t.time_ms <= h) {
                out.behind_horizon += 1;
            } else {
                self.pending.insert(t.id);
                out.fresh.push(t);
            }
        }
        out
    }

    /// Records a stored chunk (at load, oldest first, or once a chunk is written). `ids` is its
    /// id column, needed only when the chunk's ids are not consecutive; without it such a
    /// chunk is remembered by the horizon alone.
    pub fn add_chunk(&mut self, meta: &ChunkMeta, ids: Option<&[u64]>) {
        if meta.is_dense() {
            if !self.pending.is_empty() {
                self.pending
                    .retain(|id| !(meta.id_min..=meta.id_max).contains(id));
            }
            self.insert_range(meta.id_min, meta.id_max, meta.time_max);
            while self.ranges.len() > self.limits.max_ranges {
                self.evict_range();
            }
            return;
        }
        if let Some(ids) = ids {
            for id in ids {
                self.pending.remove(id);
            }
            if let Some(runs) = runs(ids, RUNS_AS_RANGES) {
                for (lo, hi) in runs {
                    self.insert_range(lo, hi, meta.time_max);
                }
                while self.ranges.len() > self.limits.max_ranges {
                    self.evict_range();
                }
                return;
            }
        }
        match ids {
            Some(ids) if self.limits.exact_chunks > 0 => {
                self.exact.push_back(Exact {
                    chunk_id: meta.chunk_id,
                    ids: ids.iter().copied().collect(),
                    time_max: meta.time_max,
                });
                while self.exact.len() > self.limits.exact_chunks {
                    if let Some(e) = self.exact.pop_front() {
                        self.raise_horizon(e.time_max);
                    }
                }
            }
            _ => self.raise_horizon(meta.time_max),
        }
    }

    /// Records that a chunk was deleted (retention). Its ids may stay remembered; either way
    /// the horizon covers it, so a replay of its trades is still refused.
    pub fn forget(&mut self, meta: &ChunkMeta) {
        self.exact.retain(|e| e.chunk_id != meta.chunk_id);
        self.raise_horizon(meta.time_max);
    }

    fn insert_range(&mut self, mut start: u64, mut end: u64, mut time_max: i64) {
        // Absorb every range that overlaps or touches [start, end].
        loop {
            let touching = self
                .ranges
                .range(..=end.saturating_add(1))
                .next_back()
                .filter(|(&s, span)| {
                    span.end.saturating_add(1) >= start && s <= end.saturating_add(1)
                })
                .map(|(&s, &span)| (s, span));
            let Some((s, span)) = touching else { break };
            self.ranges.remove(&s);
            start = start.min(s);
            end = end.max(span.end);
            time_max = time_max.max(span.time_max);
        }
        self.ranges.insert(start, Span { end, time_max });
    }

    fn evict_range(&mut self) {
        let oldest = self
            .ranges
            .iter()
            .min_by_key(|(_, s)| s.time_max)
            .map(|(&k, s)| (k, s.time_max));
        if let Some((k, t)) = oldest {
            self.ranges.remove(&k);
            self.raise_horizon(t);
        }
    }
}
