//! Retention: known answers and laws of the deletion plan.

use tradelens_core::store::retention::{
    chunks_to_delete, rollup_cutoff, ChunkPolicy, Retention, RetentionError, RollupPolicy,
};
use tradelens_core::store::ChunkMeta;

/// Chunk `i` holds 100 trades, 1000 bytes, and trades up to time `i * 1000`.
fn metas(n: u64) -> Vec<ChunkMeta> {
    (0..n)
        .map(|i| ChunkMeta {
            feed: "f".into(),
            chunk_id: 10 + i,
            time_min: i as i64 * 1000 - 500,
            time_max: i as i64 * 1000,
            id_min: i * 100,
            id_max: i * 100 + 99,
            count: 100,
            bytes: 1000,
        })
        .collect()
}

#[test]
fn known_answers() {
    let m = metas(5);
    let rows = ChunkPolicy {
        max_rows: Some(250),
        ..Default::default()
    };
    // 500 rows; dropping the three oldest leaves 200 <= 250 (two would leave 300).
    assert_eq!(chunks_to_delete(&m, &rows, 0), [10, 11, 12]);
    let bytes = ChunkPolicy {
        max_bytes: Some(3000),
        ..Default::default()
    };
    assert_eq!(chunks_to_delete(&m, &bytes, 0), [10, 11]);
    // At now = 5000 with age 2500, the cutoff is 2500: chunks ending at 0, 1000, 2000 go.
    let age = ChunkPolicy {
        max_age_ms: Some(2500),
        ..Default::default()
    };
    assert_eq!(chunks_to_delete(&m, &age, 5000), [10, 11, 12]);
    // Far in the future everything is expired, but the newest chunk stays.
    assert_eq!(chunks_to_delete(&m, &age, 1_000_000), [10, 11, 12, 13]);
    let tiny = ChunkPolicy {
        max_rows: Some(1),
        ..Default::default()
    };
    assert_eq!(chunks_to_delete(&m[..1], &tiny, 0), Vec::<u64>::new());
    assert!(chunks_to_delete(&[], &tiny, 0).is_empty());
    assert!(chunks_to_delete(&m, &ChunkPolicy::default(), 0).is_empty());
}

#[test]
fn deletion_plan_laws() {
    let mut rng = fastrand::Rng::with_seed(1);
    for _ in 0..2000 {
        let n = rng.usize(0..12);
        let mut clock = 0i64;
        let m: Vec<ChunkMeta> = (0..n as u64)
            .map(|i| {
                clock += rng.i64(0..1000);
                ChunkMeta {
                    feed: "f".into(),
                    chunk_id: i,
                    time_min: clock - 10,
                    // Late trades: a chunk may end before its predecessor did.
                    time_max: clock - rng.i64(0..300),
                    id_min: 0,
                    id_max: 0,
                    count: rng.u64(1..200),
                    bytes: rng.u64(50..5000),
                }
            })
            .collect();
        let p = ChunkPolicy {
            max_age_ms: rng.bool().then(|| rng.i64(0..5000)),
            max_rows: rng.bool().then(|| rng.u64(0..1000)),
            max_bytes: rng.bool().then(|| rng.u64(0..20_000)),
        };
        let now = clock + rng.i64(0..3000);
        let del = chunks_to_delete(&m, &p, now);
        // Oldest first, never the newest.
        assert!(del.windows(2).all(|w| w[0] < w[1]));
        if let Some(newest) = m.last() {
            assert!(!del.contains(&newest.chunk_id));
        }
        let kept: Vec<&ChunkMeta> = m.iter().filter(|c| !del.contains(&c.chunk_id)).collect();
        let rows: u64 = kept.iter().map(|c| c.count).sum();
        let bytes: u64 = kept.iter().map(|c| c.bytes).sum();
        let within = p.max_rows.is_none_or(|r| rows <= r) && p.max_bytes.is_none_or(|b| bytes <= b);
        // Within limits, unless only the newest chunk is left.
        assert!(within || kept.len() == 1);
        // Every expired chunk but the newest goes; a kept one is never expired.
        for c in &kept[..kept.len().saturating_sub(1)] {
            assert!(p.max_age_ms.is_none_or(|a| c.time_max >= now - a));
        }
        // Minimal: restoring the newest deleted chunk that was not expired breaks a limit.
        let expired = |c: &ChunkMeta| p.max_age_ms.is_some_and(|a| c.time_max < now - a);
        let last_extra = m
            .iter()
            .rev()
            .find(|c| del.contains(&c.chunk_id) && !expired(c));
        if let Some(c) = last_extra {
            let over_rows = p.max_rows.is_some_and(|r| rows + c.count > r);
            let over_bytes = p.max_bytes.is_some_and(|b| bytes + c.bytes > b);
            assert!(over_rows || over_bytes);
        }
    }
}

#[test]
fn rollups_outlive_raw_trades() {
    let day = 86_400_000;
    let ok = Retention {
        raw: ChunkPolicy {
            max_age_ms: Some(day),
            ..Default::default()
        },
        rollups: RollupPolicy {
            max_age_ms: Some(30 * day),
        },
    };
    assert_eq!(ok.check(), Ok(()));
    let short = Retention {
        rollups: RollupPolicy {
            max_age_ms: Some(day / 2),
        },
        ..ok
    };
    assert!(matches!(
        short.check(),
        Err(RetentionError::RollupsShorterThanRaw { .. })
    ));
    // Raw kept forever but rollups aged out: also refused.
    let forever = Retention {
        raw: ChunkPolicy::default(),
        ..ok
    };
    assert!(forever.check().is_err());
    // Minute 0..59_999 is expired at now = 60_000 + age (its last ms, 59_999, is older than
    // now - age = 60_000), and the minute starting 60_000 is not.
    let p = RollupPolicy {
        max_age_ms: Some(day),
    };
    assert_eq!(rollup_cutoff(&p, 60_000 + day), Some(1));
    assert_eq!(rollup_cutoff(&RollupPolicy::default(), 0), None);
}

#[test]
fn a_refused_retention_says_why_in_words() {
    use tradelens_core::store::retention::{Retention, RollupPolicy};
    let r = Retention {
        raw: ChunkPolicy::default(),
        rollups: RollupPolicy {
            max_age_ms: Some(90 * 60_000),
        },
    };
    assert_eq!(
        r.check().unwrap_err().to_string(),
        "one-minute summaries would be kept 90 minutes, less than raw trades (forever): keep them at least as long"
    );
}
