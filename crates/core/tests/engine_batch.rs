//! Batch ingest (`Engine::extend_columns`) against the per-trade path (`Engine::push`): the
//! same buckets, groups in the same order, the same counts and prices exactly, and sums equal
//! to rounding, over trades arriving out of order in uneven batches.

use fastrand::Rng;
use tradelens_core::engine::{
    Agg, BucketSize, Columns, ColumnsError, Engine, EngineSpec, GroupBy, GroupKey, SketchSpec,
};
use tradelens_core::model::{Dim, Field, Label, Side, Trade};

/// Merging compensated sums rounds differently from pushing their terms one by one; both stay
/// within a few ulps of the exact sum, so 1e-12 of the total is a wide margin.
const REL_TOL: f64 = 1e-12;

fn same_sum(a: f64, b: f64) -> bool {
    (a - b).abs() <= REL_TOL * a.abs().max(b.abs()).max(1.0)
}

fn symbols() -> Vec<Label> {
    ["A", "B", "C", "D"].iter().map(|&s| s.into()).collect()
}

/// Trades over 20 minutes, mostly in time order with some arriving late, many sharing a
/// millisecond, prices and sizes over several orders of magnitude, no dimensions.
fn trades(seed: u64, n: usize) -> (Vec<Trade>, Vec<u32>) {
    let mut rng = Rng::with_seed(seed);
    let labels = symbols();
    let base = 1_700_000_000_000i64;
    let mut symbol = Vec::with_capacity(n);
    let trades = (0..n)
        .map(|i| {
            let late = if rng.usize(0..10) == 0 {
                rng.i64(0..120_000)
            } else {
                0
            };
            let s = rng.u32(0..labels.len() as u32);
            symbol.push(s);
            Trade {
                id: i as u64,
                time_ms: base + (i as i64 * 1_200_000 / n as i64) / 5 * 5 - late,
                price: 10f64.powf(rng.f64() * 4.0 - 1.0),
                qty: 10f64.powf(rng.f64() * 6.0 - 3.0),
                side: match rng.u8(0..3) {
                    0 => None,
                    1 => Some(Side::Buy),
                    _ => Some(Side::Sell),
                },
                symbol: labels[s as usize].clone(),
                dims: Default::default(),
            }
        })
        .collect();
    (trades, symbol)
}

fn assert_same_agg(a: &Agg, b: &Agg, at: &str) {
    assert_eq!(a.count(), b.count(), "{at}: count");
    assert_eq!(a.open(), b.open(), "{at}: open");
    assert_eq!(a.high(), b.high(), "{at}: high");
    assert_eq!(a.low(), b.low(), "{at}: low");
    assert_eq!(a.close(), b.close(), "{at}: close");
    for (name, x, y) in [
        ("volume", a.volume(), b.volume()),
        ("notional", a.notional(), b.notional()),
        ("buy", a.buy_volume(), b.buy_volume()),
        ("sell", a.sell_volume(), b.sell_volume()),
        (
            "mean price",
            a.mean_price().unwrap_or(0.0),
            b.mean_price().unwrap_or(0.0),
        ),
    ] {
        assert!(same_sum(x, y), "{at}: {name} {x} vs {y}");
    }
}

fn assert_same_engine(one: &Engine, batch: &Engine) {
    assert_eq!(one.len(), batch.len());
    assert_same_agg(one.total(), batch.total(), "total");
    let (a, b): (Vec<_>, Vec<_>) = (one.buckets().collect(), batch.buckets().collect());
    assert_eq!(a.len(), b.len(), "buckets");
    for ((ka, ba), (kb, bb)) in a.iter().zip(&b) {
        assert_eq!(ka, kb);
        assert_same_agg(&ba.total, &bb.total, &format!("bucket {ka}"));
        let names = |e: &Engine, g: &[(GroupKey, Agg)]| -> Vec<String> {
            g.iter().map(|(key, _)| e.group_name(*key, "-")).collect()
        };
        assert_eq!(
            names(one, &ba.groups),
            names(batch, &bb.groups),
            "group order in {ka}"
        );
        for ((_, x), (_, y)) in ba.groups.iter().zip(&bb.groups) {
            assert_same_agg(x, y, &format!("bucket {ka} group"));
        }
    }
    let tops = |e: &Engine| -> Vec<(String, u64)> {
        e.top_groups(10)
            .into_iter()
            .map(|(key, a)| (e.group_name(key, "-"), a.count()))
            .collect()
    };
    assert_eq!(tops(one), tops(batch));
    let last = one.table().time_ms.iter().max().copied().unwrap_or(0);
    assert_eq!(
        one.rate_per_second(last, 60),
        batch.rate_per_second(last, 60)
    );
}

/// The columns of some trades, owned, to lend out as [`Columns`].
struct Owned {
    id: Vec<u64>,
    time_ms: Vec<i64>,
    price: Vec<f64>,
    qty: Vec<f64>,
    side: Vec<Option<Side>>,
}

impl Owned {
    fn of(trades: &[Trade]) -> Owned {
        Owned {
            id: trades.iter().map(|t| t.id).collect(),
            time_ms: trades.iter().map(|t| t.time_ms).collect(),
            price: trades.iter().map(|t| t.price).collect(),
            qty: trades.iter().map(|t| t.qty).collect(),
            side: trades.iter().map(|t| t.side).collect(),
        }
    }

    fn columns<'a>(&'a self, symbol: &'a [u32], labels: &'a [Label]) -> Columns<'a> {
        Columns {
            id: &self.id,
            time_ms: &self.time_ms,
            price: &self.price,
            qty: &self.qty,
            side: &self.side,
            symbol,
            labels,
        }
    }
}

#[test]
fn batches_equal_pushing_trades_one_by_one() {
    let labels = symbols();
    for (seed, spec) in [
        (
            1,
            EngineSpec {
                bucket: BucketSize::M1,
                group_by: GroupBy::one(Field::Symbol),
                sketches: SketchSpec::NONE,
            },
        ),
        (
            2,
            EngineSpec {
                bucket: BucketSize::S15,
                group_by: GroupBy::NONE,
                sketches: SketchSpec::NONE,
            },
        ),
        (
            3,
            EngineSpec {
                bucket: BucketSize::M5,
                group_by: GroupBy::one(Field::Dim(Dim::Category)),
                sketches: SketchSpec::NONE,
            },
        ),
        (
            4,
            EngineSpec {
                bucket: BucketSize::M1,
                group_by: GroupBy::two(Field::Symbol, Field::Dim(Dim::Region)),
                sketches: SketchSpec::NONE,
            },
        ),
        // Columns carry no region: every trade has the same first label, so the groups of a
        // run differ only in their second (the run's chain of groups per first label).
        (
            5,
            EngineSpec {
                bucket: BucketSize::M1,
                group_by: GroupBy::two(Field::Dim(Dim::Region), Field::Symbol),
                sketches: SketchSpec::NONE,
            },
        ),
    ] {
        let (trades, symbol) = trades(seed, 5_000);
        let mut one = Engine::new(spec);
        one.extend(&trades);
        let mut batch = Engine::new(spec);
        // Uneven batches, one of them empty.
        let mut from = 0;
        for size in [0, 1, 700, 2_000, 1_299, 1_000] {
            let part = Owned::of(&trades[from..from + size]);
            batch
                .extend_columns(part.columns(&symbol[from..from + size], &labels))
                .unwrap();
            from += size;
        }
        assert_eq!(from, trades.len());
        assert_same_engine(&one, &batch);
        // Changing the spec recomputes from the stored columns: the batch stored them all.
        let other = EngineSpec {
            bucket: BucketSize::H1,
            group_by: GroupBy::one(Field::Symbol),
            sketches: SketchSpec::NONE,
        };
        one.set_spec(other);
        batch.set_spec(other);
        assert_same_engine(&one, &batch);
    }
}

#[test]
fn a_bad_batch_adds_nothing() {
    let labels = symbols();
    let mut e = Engine::default();
    let cols = Columns {
        id: &[1, 2],
        time_ms: &[0, 1],
        price: &[1.0, 2.0],
        qty: &[1.0],
        side: &[None, None],
        symbol: &[0, 1],
        labels: &labels,
    };
    assert_eq!(
        e.extend_columns(cols),
        Err(ColumnsError::Length {
            column: "qty",
            len: 1,
            expected: 2
        })
    );
    let cols = Columns {
        qty: &[1.0, 1.0],
        symbol: &[0, 9],
        ..cols
    };
    assert_eq!(
        e.extend_columns(cols),
        Err(ColumnsError::Symbol {
            row: 1,
            index: 9,
            labels: 4
        })
    );
    assert!(e.is_empty());
    assert_eq!(e.buckets().count(), 0);
}
