//! OHLC candles with volume, one per bucket of the engine's spec, for all trades or one
//! symbol.

use crate::engine::{Bucket, Engine, GroupKey};
use crate::model::Field;

/// One bucket's open, high, low, close and volume.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candle {
    /// Bucket start (ms since the epoch).
    pub start_ms: i64,
    /// Price of the bucket's earliest trade.
    pub open: f64,
    /// Highest price.
    pub high: f64,
    /// Lowest price.
    pub low: f64,
    /// Price of the bucket's latest trade.
    pub close: f64,
    /// Total quantity.
    pub volume: f64,
}

/// Candles of the newest buckets, oldest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Candles {
    /// At most the `max` newest buckets holding trades (of the symbol, when filtered).
    pub candles: Vec<Candle>,
    /// The symbol the candles are of, when the filter could apply: the engine groups by
    /// symbol alone and has trades of it. `None`: the bucket totals.
    pub symbol: Option<String>,
    /// How many symbols the candles mix, when known (the engine groups by symbol or not at
    /// all): prices of several symbols in one candle mean little, and the panel says so.
    pub symbols: Option<usize>,
}

/// Whether the engine's buckets hold one group per symbol.
fn grouped_by_symbol(e: &Engine) -> bool {
    let g = e.spec().group_by;
    g.first() == Some(Field::Symbol) && g.then().is_none()
}

/// The group key of `symbol` when the engine groups by symbol alone.
fn symbol_key(e: &Engine, symbol: &str) -> Option<GroupKey> {
    if !grouped_by_symbol(e) {
        return None;
    }
    e.buckets()
        .flat_map(|(_, b)| b.groups.iter().map(|(k, _)| *k))
        .find(|k| e.label(k[0]).is_some_and(|l| &**l == symbol))
}

/// The candles of the `max` newest buckets. With a `symbol` that the engine groups by, the
/// symbol's own trades; otherwise (no symbol, not grouped by symbol, unknown symbol) the
/// bucket totals. Buckets without a price (rollups only, no trades) are left out.
pub fn candles(e: &Engine, symbol: Option<&str>, max: usize) -> Candles {
    let key = symbol.and_then(|s| symbol_key(e, s));
    let agg_of = |b: &Bucket| match key {
        Some(k) => b.group(k).cloned(),
        None => Some(b.total.clone()),
    };
    let mut candles: Vec<Candle> = e
        .buckets()
        .rev()
        .filter_map(|(start_ms, b)| {
            let a = agg_of(b)?;
            Some(Candle {
                start_ms,
                open: a.open()?,
                high: a.high()?,
                low: a.low()?,
                close: a.close()?,
                volume: a.volume(),
            })
        })
        .take(max)
        .collect();
    candles.reverse();
    let g = e.spec().group_by;
    let symbols = if key.is_some() {
        Some(1)
    } else if !g.is_grouping() || grouped_by_symbol(e) {
        // Group totals are kept per symbol in both cases.
        Some(e.top_groups(usize::MAX).len())
    } else {
        None
    };
    Candles {
        candles,
        symbol: key.and(symbol.map(str::to_owned)),
        symbols,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{BucketSize, EngineSpec, GroupBy, SketchSpec};
    use crate::model::Trade;

    fn trade(id: u64, time_ms: i64, price: f64, qty: f64, symbol: &str) -> Trade {
        Trade {
            id,
            time_ms,
            price,
            qty,
            side: None,
            symbol: symbol.into(),
            dims: Default::default(),
        }
    }

    /// Two one-minute buckets; trades pushed out of time order so open and close must come
    /// from times, not arrival.
    fn trades() -> Vec<Trade> {
        let m = 60_000;
        vec![
            trade(2, 20_000, 11.0, 1.0, "A"),
            trade(1, 10_000, 10.0, 2.0, "A"),
            trade(3, 30_000, 9.0, 0.5, "B"),
            trade(4, 40_000, 12.0, 1.5, "A"),
            trade(5, m + 5_000, 20.0, 1.0, "B"),
            trade(6, m + 1_000, 21.0, 3.0, "A"),
        ]
    }

    fn engine(group_by: GroupBy) -> Engine {
        let mut e = Engine::new(EngineSpec {
            bucket: BucketSize::M1,
            group_by,
            sketches: SketchSpec::NONE,
        });
        e.extend(&trades());
        e
    }

    #[test]
    fn totals_by_hand() {
        let c = candles(&engine(GroupBy::NONE), Some("A"), 10);
        // Not grouped by symbol: the filter cannot apply, the totals of A and B are shown.
        assert_eq!(c.symbol, None);
        assert_eq!(c.symbols, Some(2));
        // Minute 0: times 10s 20s 30s 40s -> open 10, close 12; high 12, low 9; volume
        // 2 + 1 + 0.5 + 1.5 = 5. Minute 1: times 61s (21.0) then 65s (20.0).
        let want = vec![
            Candle {
                start_ms: 0,
                open: 10.0,
                high: 12.0,
                low: 9.0,
                close: 12.0,
                volume: 5.0,
            },
            Candle {
                start_ms: 60_000,
                open: 21.0,
                high: 21.0,
                low: 20.0,
                close: 20.0,
                volume: 4.0,
            },
        ];
        assert_eq!(c.candles, want);
    }

    #[test]
    fn one_symbol_when_grouped_by_symbol() {
        let c = candles(&engine(GroupBy::one(Field::Symbol)), Some("B"), 10);
        assert_eq!(c.symbol.as_deref(), Some("B"));
        assert_eq!(c.symbols, Some(1));
        let want = vec![
            Candle {
                start_ms: 0,
                open: 9.0,
                high: 9.0,
                low: 9.0,
                close: 9.0,
                volume: 0.5,
            },
            Candle {
                start_ms: 60_000,
                open: 20.0,
                high: 20.0,
                low: 20.0,
                close: 20.0,
                volume: 1.0,
            },
        ];
        assert_eq!(c.candles, want);
        // An unknown symbol falls back to the totals and says so.
        let c = candles(&engine(GroupBy::one(Field::Symbol)), Some("Z"), 10);
        assert_eq!(c.symbol, None);
        assert_eq!(c.candles[0].volume, 5.0);
    }

    #[test]
    fn keeps_the_newest_buckets() {
        let c = candles(&engine(GroupBy::NONE), None, 1);
        assert_eq!(c.candles.len(), 1);
        assert_eq!(c.candles[0].start_ms, 60_000);
        assert!(candles(&Engine::default(), None, 5).candles.is_empty());
        // Grouped by another field, the symbols mixed are not known from the groups.
        let e = engine(GroupBy::one(Field::Dim(crate::model::Dim::Region)));
        assert_eq!(candles(&e, Some("A"), 5).symbols, None);
    }
}
