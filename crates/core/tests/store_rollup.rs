//! One-minute rollups: against a plain computation, order of arrival, merging, storage.

use std::collections::BTreeMap;

use tradelens_core::model::{Side, Trade};
use tradelens_core::store::bytes::crc32;
use tradelens_core::store::rollup::{decode_rollups, encode_rollups, minute_of, Rollup, Rollups};

/// Trades over 5 minutes and 3 symbols with dyadic prices and quantities (multiples of 1/4
/// and 1/8, small), so every product and sum is exact and any summation order gives the same
/// bits: the comparisons below can be exact.
fn trades(seed: u64, n: usize) -> Vec<Trade> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let t0 = 1_700_000_020_000; // 40 s into the minute starting 1_699_999_980_000
    (0..n as u64)
        .map(|id| Trade {
            id,
            time_ms: t0 + rng.i64(0..300_000),
            price: 100.0 + rng.u32(0..400) as f64 / 4.0,
            qty: rng.u32(1..64) as f64 / 8.0,
            side: [None, Some(Side::Buy), Some(Side::Sell)][rng.usize(..3)],
            symbol: ["BTC", "ETH", "SOL"][rng.usize(..3)].into(),
            dims: Default::default(),
        })
        .collect()
}

#[derive(Debug, PartialEq)]
struct Plain {
    count: u64,
    open: f64,
    high: f64,
    low: f64,
    close: f64,
    volume: f64,
    vwap: f64,
    buy: f64,
    sell: f64,
}

/// The definition, computed the obvious way: group, sort by (time, id), add up.
fn plain(trades: &[Trade]) -> BTreeMap<(i64, String), Plain> {
    let mut groups: BTreeMap<(i64, String), Vec<&Trade>> = BTreeMap::new();
    for t in trades {
        let key = (t.time_ms.div_euclid(60_000) * 60_000, t.symbol.to_string());
        groups.entry(key).or_default().push(t);
    }
    groups
        .into_iter()
        .map(|(k, mut v)| {
            v.sort_by_key(|t| (t.time_ms, t.id));
            let volume: f64 = v.iter().map(|t| t.qty).sum();
            let notional: f64 = v.iter().map(|t| t.price * t.qty).sum();
            let side = |s| v.iter().filter(|t| t.side == Some(s)).map(|t| t.qty).sum();
            let p = Plain {
                count: v.len() as u64,
                open: v[0].price,
                high: v.iter().map(|t| t.price).fold(f64::MIN, f64::max),
                low: v.iter().map(|t| t.price).fold(f64::MAX, f64::min),
                close: v[v.len() - 1].price,
                volume,
                vwap: notional / volume,
                buy: side(Side::Buy),
                sell: side(Side::Sell),
            };
            (k, p)
        })
        .collect()
}

fn as_plain(r: &Rollups) -> BTreeMap<(i64, String), Plain> {
    r.iter()
        .map(|r| {
            let p = Plain {
                count: r.count(),
                open: r.open().price,
                high: r.high(),
                low: r.low(),
                close: r.close().price,
                volume: r.volume(),
                vwap: r.vwap().unwrap(),
                buy: r.buy_volume(),
                sell: r.sell_volume(),
            };
            ((r.minute_ms(), r.symbol().to_string()), p)
        })
        .collect()
}

#[test]
fn rollups_equal_the_plain_computation() {
    let ts = trades(1, 2000);
    let r = Rollups::from_trades(&ts);
    assert_eq!(as_plain(&r), plain(&ts));
    // 300 s starting 40 s into a minute touch 6 minutes; 3 symbols: 18 keys.
    assert_eq!(r.len(), 18);
}

#[test]
fn order_of_arrival_and_late_trades_do_not_change_rollups() {
    let ts = trades(2, 1500);
    let whole = Rollups::from_trades(&ts);
    let mut rng = fastrand::Rng::with_seed(3);
    for _ in 0..5 {
        let mut shuffled = ts.clone();
        rng.shuffle(&mut shuffled);
        // Law: merging partial rollups of any split equals one pass over all trades.
        let cut = rng.usize(..shuffled.len());
        let mut a = Rollups::from_trades(&shuffled[..cut]);
        let b = Rollups::from_trades(&shuffled[cut..]);
        a.merge(&b);
        assert_eq!(a, whole);
    }
    // A late trade updates its own minute and nothing else.
    let mut late = whole.clone();
    let mut t = ts[0].clone();
    t.id = 1_000_000;
    t.price = 1.0;
    late.push(&t);
    let m = minute_of(t.time_ms);
    assert_eq!(late.get(&t.symbol, m).unwrap().low(), 1.0);
    assert_eq!(late.len(), whole.len());
    let changed = late
        .iter()
        .zip(whole.iter())
        .filter(|(x, y)| x != y)
        .count();
    assert_eq!(changed, 1);
}

#[test]
fn merge_refuses_another_key() {
    let ts = trades(4, 50);
    let mut r = Rollup::of(&ts[0]);
    let other = ts.iter().find(|t| t.symbol != ts[0].symbol).unwrap();
    let before = r.clone();
    assert!(!r.push(other));
    assert_eq!(r, before);
}

#[test]
fn decode_of_encode_is_identity() {
    // Random, non-dyadic values: the compensation terms are non-zero and must survive.
    let mut ts = trades(5, 3000);
    let mut rng = fastrand::Rng::with_seed(6);
    for t in &mut ts {
        t.price *= 1.0 + rng.f64() / 3.0;
        t.qty *= std::f64::consts::PI;
    }
    let r = Rollups::from_trades(&ts);
    let bytes = encode_rollups(r.iter());
    let back = decode_rollups(&bytes).unwrap();
    assert_eq!(back, r.iter().cloned().collect::<Vec<_>>());
    assert!(decode_rollups(&encode_rollups([])).unwrap().is_empty());
}

#[test]
fn corrupt_blocks_are_refused_without_panic() {
    let r = Rollups::from_trades(&trades(7, 20));
    let bytes = encode_rollups(r.iter());
    for k in 0..bytes.len() {
        assert!(decode_rollups(&bytes[..k]).is_err());
    }
    for bit in 0..bytes.len() * 8 {
        let mut v = bytes.clone();
        v[bit / 8] ^= 1 << (bit % 8);
        assert!(decode_rollups(&v).is_err(), "bit {bit}");
        // Resealed, the structure checks run; they must not panic either.
        let crc = crc32(&[&v[..60], &v[64..]]);
        v[60..64].copy_from_slice(&crc.to_le_bytes());
        let _ = decode_rollups(&v);
    }
}

#[test]
fn a_late_trade_merges_into_its_stored_block() {
    // What the app does per batch: the delta's blocks, merged with the stored records.
    let ts = trades(8, 400);
    let (old, new) = ts.split_at(300);
    let stored: BTreeMap<i64, Vec<u8>> = Rollups::from_trades(old)
        .blocks()
        .into_iter()
        .map(|(k, rs)| (k, encode_rollups(rs)))
        .collect();
    let mut merged = Rollups::new();
    for (block, rs) in Rollups::from_trades(new).blocks() {
        let mut have: Rollups = match stored.get(&block) {
            Some(bytes) => decode_rollups(bytes).unwrap().into_iter().collect(),
            None => Rollups::new(),
        };
        have.merge(&rs.into_iter().cloned().collect());
        merged.merge(&have);
    }
    for (block, bytes) in &stored {
        if !Rollups::from_trades(new).blocks().contains_key(block) {
            merged.merge(&decode_rollups(bytes).unwrap().into_iter().collect());
        }
    }
    assert_eq!(merged, Rollups::from_trades(&ts));
}
