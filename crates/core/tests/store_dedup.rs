//! Chunk-index dedup: laws under random batches, replays, overlaps and reordering.

use std::collections::HashSet;

use tradelens_core::model::Trade;
use tradelens_core::store::dedup::{ChunkIndex, DedupLimits};
use tradelens_core::store::{ChunkBuilder, ChunkMeta};

fn trade(id: u64, time_ms: i64) -> Trade {
    Trade {
        id,
        time_ms,
        price: 1.0,
        qty: 1.0,
        side: None,
        symbol: "S".into(),
        dims: Default::default(),
    }
}

/// A feed with storage: an index, a builder, the stored chunks, and the truth.
struct Sim {
    rng: fastrand::Rng,
    consecutive: bool,
    index: ChunkIndex,
    builder: ChunkBuilder,
    chunks: Vec<(ChunkMeta, Vec<u64>)>,
    /// Every trade ever admitted, by id: the model of what storage holds.
    admitted: Vec<Trade>,
    admitted_ids: HashSet<u64>,
    next_id: u64,
    /// One new id in this many skips two ids.
    gap_every: u8,
    clock: i64,
}

impl Sim {
    fn new(seed: u64, consecutive: bool, limits: DedupLimits) -> Sim {
        Sim {
            rng: fastrand::Rng::with_seed(seed),
            consecutive,
            index: ChunkIndex::new(limits),
            builder: ChunkBuilder::new(50, 5_000),
            chunks: Vec::new(),
            admitted: Vec::new(),
            admitted_ids: HashSet::new(),
            next_id: 1_000,
            gap_every: 20,
            clock: 1_700_000_000_000,
        }
    }

    fn new_trade(&mut self) -> Trade {
        self.clock += self.rng.i64(0..50);
        let id = if self.consecutive {
            // Mostly consecutive, sometimes a gap (a missed message).
            if self.rng.u8(..self.gap_every) == 0 {
                self.next_id += 2;
            }
            self.next_id += 1;
            self.next_id
        } else {
            self.rng.u64(..)
        };
        trade(id, self.clock)
    }

    fn batch(&mut self) -> Vec<Trade> {
        let mut b = Vec::new();
        let kind = self.rng.u8(..4);
        // 0: new only; 1: replay only; 2: overlap; 3: overlap with duplicates inside the batch.
        if kind != 1 {
            for _ in 0..self.rng.usize(1..40) {
                b.push(self.new_trade());
            }
        }
        if kind != 0 && !self.admitted.is_empty() {
            for _ in 0..self.rng.usize(1..60) {
                let k = self.rng.usize(..self.admitted.len());
                b.push(self.admitted[k].clone());
            }
        }
        if kind == 3 && !b.is_empty() {
            let k = self.rng.usize(..b.len());
            b.push(b[k].clone());
        }
        self.rng.shuffle(&mut b);
        b
    }

    fn seal(&mut self, chunk: tradelens_core::store::Chunk) {
        let meta = chunk.meta("f", self.chunks.len() as u64);
        let ids = chunk.ids().to_vec();
        self.index.add_chunk(&meta, Some(&ids));
        self.chunks.push((meta, ids));
    }

    /// Runs one batch through admit and the builder; checks the laws; returns the refused
    /// new trades (new to the feed, but refused).
    fn step(&mut self) -> usize {
        let batch = self.batch();
        let horizon = self.index.horizon();
        let mut first_seen = HashSet::new();
        let truly_new: Vec<bool> = batch
            .iter()
            .map(|t| !self.admitted_ids.contains(&t.id) && first_seen.insert(t.id))
            .collect();
        let adm = self.index.admit(batch.clone());
        assert_eq!(
            adm.fresh.len() + adm.duplicates + adm.behind_horizon,
            batch.len()
        );
        let fresh: HashSet<u64> = adm.fresh.iter().map(|t| t.id).collect();
        let mut refused_new = 0;
        for (t, &new) in batch.iter().zip(&truly_new) {
            if !new {
                // Law: replay changes nothing. A stored trade is never admitted twice.
                continue;
            }
            if !fresh.contains(&t.id) {
                // Law: a new trade is only refused behind the horizon.
                let h = horizon.expect("refused a new trade while exact");
                assert!(
                    t.time_ms <= h,
                    "new trade {} at {} > horizon {h}",
                    t.id,
                    t.time_ms
                );
                refused_new += 1;
            }
        }
        for t in &adm.fresh {
            assert!(self.admitted_ids.insert(t.id), "admitted {} twice", t.id);
            self.admitted.push(t.clone());
        }
        let now = self.clock;
        for t in &adm.fresh {
            if let Some(c) = self.builder.push(t, now).unwrap() {
                self.seal(c);
            }
        }
        if let Some(c) = self.builder.poll(now + self.rng.i64(0..10_000)) {
            self.seal(c);
        }
        refused_new
    }
}

#[test]
fn exact_within_limits_replays_are_no_ops_and_new_trades_pass() {
    for (seed, consecutive) in [(1, true), (2, false), (3, true), (4, false)] {
        let limits = DedupLimits {
            max_ranges: 1024,
            exact_chunks: 10_000,
        };
        let mut sim = Sim::new(seed, consecutive, limits);
        for _ in 0..400 {
            assert_eq!(sim.step(), 0);
        }
        assert_eq!(sim.index.horizon(), None);
    }
}

#[test]
fn tight_limits_still_never_store_twice() {
    let limits = DedupLimits {
        max_ranges: 2,
        exact_chunks: 1,
    };
    for (seed, consecutive) in [(5, true), (6, false)] {
        let mut sim = Sim::new(seed, consecutive, limits);
        let refused: usize = (0..400).map(|_| sim.step()).sum();
        assert!(sim.index.horizon().is_some());
        assert!(sim.index.ranges() <= 2);
        // Only backfilled or reordered new trades can fall behind; most get through.
        assert!(refused * 10 < sim.admitted.len(), "{refused} refused");
    }
}

#[test]
fn an_index_rebuilt_from_metas_refuses_every_stored_trade() {
    for (seed, consecutive) in [(7, true), (8, false)] {
        let limits = DedupLimits {
            max_ranges: 8,
            exact_chunks: 3,
        };
        let mut sim = Sim::new(seed, consecutive, limits);
        for _ in 0..200 {
            sim.step();
        }
        if let Some(c) = sim.builder.finish() {
            sim.seal(c);
        }
        let metas: Vec<ChunkMeta> = sim.chunks.iter().map(|(m, _)| m.clone()).collect();
        let wanted = ChunkIndex::wants_ids(limits, &metas);
        assert!(wanted.len() <= 3);
        let mut rebuilt = ChunkIndex::new(limits);
        for (m, ids) in &sim.chunks {
            let ids = wanted.contains(&m.chunk_id).then_some(ids.as_slice());
            rebuilt.add_chunk(m, ids);
        }
        // Replaying all history, in any order, stores nothing.
        let mut all = sim.admitted.clone();
        sim.rng.shuffle(&mut all);
        let adm = rebuilt.admit(all);
        assert!(adm.fresh.is_empty(), "{} re-admitted", adm.fresh.len());
    }
}

#[test]
fn ranges_coalesce_and_forgetting_raises_the_horizon() {
    let mut ix = ChunkIndex::new(DedupLimits::default());
    let meta = |id: u64, lo: u64, hi: u64, t: i64| ChunkMeta {
        feed: "f".into(),
        chunk_id: id,
        time_min: t - 10,
        time_max: t,
        id_min: lo,
        id_max: hi,
        count: hi - lo + 1,
        bytes: 0,
    };
    // Backfill, live and a chunk bridging the gap: one range 1..=300.
    ix.add_chunk(&meta(0, 201, 300, 30), None);
    ix.add_chunk(&meta(1, 1, 100, 10), None);
    assert_eq!(ix.ranges(), 2);
    ix.add_chunk(&meta(2, 101, 200, 20), None);
    assert_eq!(ix.ranges(), 1);
    assert!(ix.contains(1) && ix.contains(300) && !ix.contains(301) && !ix.contains(0));
    assert_eq!(ix.horizon(), None);
    ix.forget(&meta(1, 1, 100, 10));
    assert_eq!(ix.horizon(), Some(10));
    // A new id at or before the horizon is refused and counted; after it, admitted.
    let adm = ix.admit(vec![trade(5000, 10), trade(5001, 11), trade(5001, 11)]);
    assert_eq!(
        (adm.behind_horizon, adm.duplicates, adm.fresh.len()),
        (1, 1, 1)
    );
    // A sparse chunk with no ids given is remembered by the horizon alone.
    let mut sparse = meta(3, 1000, 2000, 50);
    sparse.count = 2;
    ix.add_chunk(&sparse, None);
    assert_eq!(ix.horizon(), Some(50));
}

#[test]
fn a_chunk_with_few_gaps_is_kept_as_ranges() {
    let mut ix = ChunkIndex::new(DedupLimits::default());
    // Ids 1..=10 and 13..=20 (trades 11 and 12 never happened): two runs, no exact set.
    let ids: Vec<u64> = (1..=10).chain(13..=20).collect();
    let trades: Vec<Trade> = ids.iter().map(|&i| trade(i, i as i64)).collect();
    let chunk = tradelens_core::store::Chunk::from_trades(&trades).unwrap();
    let meta = chunk.meta("f", 0);
    assert!(!meta.is_dense());
    let wanted = ChunkIndex::wants_ids(DedupLimits::default(), std::slice::from_ref(&meta));
    assert_eq!(wanted, [0]);
    ix.add_chunk(&meta, Some(chunk.ids()));
    assert_eq!(ix.ranges(), 2);
    assert!(ix.contains(10) && !ix.contains(11) && ix.contains(13));
    assert_eq!(ix.horizon(), None);
}

#[test]
fn replays_of_chunks_deleted_by_retention_are_still_refused() {
    use tradelens_core::store::retention::{chunks_to_delete, ChunkPolicy};
    for (seed, consecutive) in [(9, true), (10, false)] {
        let mut sim = Sim::new(seed, consecutive, DedupLimits::default());
        for _ in 0..200 {
            sim.step();
        }
        let metas: Vec<ChunkMeta> = sim.chunks.iter().map(|(m, _)| m.clone()).collect();
        let policy = ChunkPolicy {
            max_rows: Some(500),
            ..Default::default()
        };
        let deleted = chunks_to_delete(&metas, &policy, sim.clock);
        assert!(!deleted.is_empty());
        for m in metas.iter().filter(|m| deleted.contains(&m.chunk_id)) {
            sim.index.forget(m);
        }
        let mut all = sim.admitted.clone();
        sim.rng.shuffle(&mut all);
        assert!(sim.index.admit(all).fresh.is_empty());
    }
}
