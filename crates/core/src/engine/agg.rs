//! The per-bucket, per-group aggregate: count, volume, notional, VWAP, OHLC, price moments
//! and volume by taker side; percentiles and a distinct count when sketches are kept.

use super::sketch::{SketchSpec, Sketches};
use crate::model::Side;
use crate::stats::moments::Moments;
use crate::store::rollup::Rollup;
use crate::sum::Sum;

/// A price at a point in the trade order: trades are ordered by (time, id), so open and close
/// do not depend on the order in which trades arrive.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Mark {
    time_ms: i64,
    id: u64,
    price: f64,
}

impl Mark {
    fn key(&self) -> (i64, u64) {
        (self.time_ms, self.id)
    }
}

/// Aggregate of a set of trades. Folds one trade at a time and merges with another aggregate;
/// either way the result is the same whatever order the trades came in.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Agg {
    count: u64,
    volume: Sum,
    notional: Sum,
    open: Option<Mark>,
    close: Option<Mark>,
    high: f64,
    low: f64,
    /// Volume where the taker bought, and where the taker sold.
    buy: Sum,
    sell: Sum,
    /// Mean and spread of prices (each trade counts once, whatever its size).
    prices: Moments,
    /// Trades known only through one-minute rollups (their raw trades were deleted by
    /// retention): counted in every sum and in OHLC, but not in the price moments or the
    /// sketches, so the mean, spread and percentiles of prices are unknown while any are
    /// included.
    summarised: u64,
    /// Percentile and distinct-count sketches, when asked for (see [`SketchSpec`]).
    sketches: Option<Box<Sketches>>,
}

impl Agg {
    /// An empty aggregate keeping the sketches `spec` asks for; with [`SketchSpec::NONE`] the
    /// same as `Agg::default()`.
    pub fn with_sketches(spec: SketchSpec) -> Agg {
        Agg {
            sketches: Sketches::new(spec),
            ..Agg::default()
        }
    }

    /// Adds one trade (its price and size to the percentile sketches, if kept).
    pub fn push(&mut self, time_ms: i64, id: u64, price: f64, qty: f64, side: Option<Side>) {
        let mark = Mark { time_ms, id, price };
        if self.count == 0 {
            self.high = price;
            self.low = price;
        } else {
            self.high = self.high.max(price);
            self.low = self.low.min(price);
        }
        if self.open.is_none_or(|o| mark.key() < o.key()) {
            self.open = Some(mark);
        }
        if self.close.is_none_or(|c| mark.key() >= c.key()) {
            self.close = Some(mark);
        }
        self.count += 1;
        self.volume.push(qty);
        self.notional.push(price * qty);
        self.prices.push(price);
        match side {
            Some(Side::Buy) => self.buy.push(qty),
            Some(Side::Sell) => self.sell.push(qty),
            None => {}
        }
        if let Some(s) = &mut self.sketches {
            s.push(price, qty);
        }
    }

    /// Adds one trade's key to the distinct count, if kept: call it once per pushed trade
    /// that has a key (its id, or `DistinctCount::hash_of` the counted label's text).
    pub fn push_distinct(&mut self, key: u64) {
        if let Some(s) = &mut self.sketches {
            s.push_distinct(key);
        }
    }

    /// Adds every trade another aggregate holds.
    pub fn merge(&mut self, other: &Agg) {
        let Some((o_open, o_close)) = other.open.zip(other.close) else {
            return;
        };
        if self.count == 0 {
            *self = other.clone();
            return;
        }
        self.high = self.high.max(other.high);
        self.low = self.low.min(other.low);
        if self.open.is_none_or(|o| o_open.key() < o.key()) {
            self.open = Some(o_open);
        }
        if self.close.is_none_or(|c| o_close.key() >= c.key()) {
            self.close = Some(o_close);
        }
        self.count += other.count;
        self.volume.merge(&other.volume);
        self.notional.merge(&other.notional);
        self.prices.merge(&other.prices);
        self.buy.merge(&other.buy);
        self.sell.merge(&other.sell);
        self.summarised += other.summarised;
        match (&mut self.sketches, &other.sketches) {
            (Some(ours), Some(theirs)) => ours.merge(theirs),
            // Our sketches would no longer cover every trade: no percentile beats a wrong one.
            (Some(_), None) => self.sketches = None,
            (None, _) => {}
        }
    }

    /// The aggregate of the trades a one-minute rollup summarises: the same count, sums and
    /// OHLC as folding those trades would give; their price moments are unknown.
    pub fn from_rollup(r: &Rollup) -> Agg {
        let mark = |m: crate::store::rollup::Mark| Mark {
            time_ms: m.time_ms,
            id: m.id,
            price: m.price,
        };
        let (volume, notional, buy, sell) = r.sums();
        Agg {
            count: r.count(),
            volume,
            notional,
            open: Some(mark(r.open())),
            close: Some(mark(r.close())),
            high: r.high(),
            low: r.low(),
            buy,
            sell,
            prices: Moments::default(),
            summarised: r.count(),
            sketches: None,
        }
    }

    /// Trades included only through rollups (see [`Agg::from_rollup`]).
    pub fn summarised(&self) -> u64 {
        self.summarised
    }

    /// Number of trades.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Total quantity.
    pub fn volume(&self) -> f64 {
        self.volume.value()
    }

    /// Total of price times quantity (revenue, for orders).
    pub fn notional(&self) -> f64 {
        self.notional.value()
    }

    /// Volume-weighted average price; `None` when the volume is zero.
    pub fn vwap(&self) -> Option<f64> {
        let v = self.volume();
        (v != 0.0).then(|| self.notional() / v)
    }

    /// Notional per trade (average order value, for orders); `None` when empty.
    pub fn mean_notional(&self) -> Option<f64> {
        (self.count > 0).then(|| self.notional() / self.count as f64)
    }

    /// Price of the earliest trade.
    pub fn open(&self) -> Option<f64> {
        self.open.map(|m| m.price)
    }

    /// Price of the latest trade.
    pub fn close(&self) -> Option<f64> {
        self.close.map(|m| m.price)
    }

    /// Highest price.
    pub fn high(&self) -> Option<f64> {
        (self.count > 0).then_some(self.high)
    }

    /// Lowest price.
    pub fn low(&self) -> Option<f64> {
        (self.count > 0).then_some(self.low)
    }

    /// Mean price per trade (unweighted; see [`Agg::vwap`] for the volume-weighted mean).
    pub fn mean_price(&self) -> Option<f64> {
        self.prices.mean().filter(|_| self.summarised == 0)
    }

    /// Sample standard deviation of prices; `None` below two trades.
    pub fn std_price(&self) -> Option<f64> {
        self.prices.std_dev().filter(|_| self.summarised == 0)
    }

    /// Volume where the taker bought.
    pub fn buy_volume(&self) -> f64 {
        self.buy.value()
    }

    /// Volume where the taker sold.
    pub fn sell_volume(&self) -> f64 {
        self.sell.value()
    }

    /// Buy volume minus sell volume (the bucket's contribution to cumulative volume delta).
    pub fn volume_delta(&self) -> f64 {
        self.buy.value() - self.sell.value()
    }

    /// The q-quantile of prices (0 <= q <= 1), within 1% of the exact order statistic of rank
    /// ⌊q (n - 1)⌋; `None` when empty or without a price sketch.
    pub fn price_quantile(&self, q: f64) -> Option<f64> {
        self.sketches.as_ref()?.price.as_ref()?.quantile(q)
    }

    /// The q-quantile of sizes, as [`Agg::price_quantile`] is of prices.
    pub fn size_quantile(&self, q: f64) -> Option<f64> {
        self.sketches.as_ref()?.size.as_ref()?.quantile(q)
    }

    /// Estimated number of distinct keys (relative standard error 1.625%); `None` without a
    /// distinct-count sketch.
    pub fn distinct(&self) -> Option<f64> {
        Some(self.sketches.as_ref()?.distinct.as_ref()?.estimate())
    }

    /// (buy - sell) / (buy + sell), from -1 (all sells) to 1 (all buys); `None` without sided
    /// volume.
    pub fn imbalance(&self) -> Option<f64> {
        let (b, s) = (self.buy.value(), self.sell.value());
        (b + s > 0.0).then(|| (b - s) / (b + s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_aggregate_has_no_prices() {
        let a = Agg::default();
        assert_eq!(a.count(), 0);
        assert_eq!(a.vwap(), None);
        assert_eq!(a.open(), None);
        assert_eq!(a.high(), None);
        assert_eq!(a.mean_notional(), None);
    }

    #[test]
    fn ohlc_follows_trade_time_not_arrival() {
        // Arrive as t=3, t=1, t=2: open is the t=1 price, close the t=3 price.
        let mut a = Agg::default();
        a.push(3, 30, 13.0, 1.0, None);
        a.push(1, 10, 11.0, 2.0, None);
        a.push(2, 20, 9.0, 1.0, None);
        assert_eq!(a.open(), Some(11.0));
        assert_eq!(a.close(), Some(13.0));
        assert_eq!(a.high(), Some(13.0));
        assert_eq!(a.low(), Some(9.0));
        // VWAP = (13 + 22 + 9) / 4 = 11.
        assert_eq!(a.vwap(), Some(11.0));
    }

    #[test]
    fn merge_equals_single_pass_in_either_order() {
        let trades: Vec<(i64, u64, f64, f64)> = (0..50)
            .map(|i| {
                (
                    ((i * 7919) % 50) as i64,
                    i as u64,
                    100.0 + (i as f64 * 1.3).sin(),
                    1.0 + i as f64 / 10.0,
                )
            })
            .collect();
        let mut whole = Agg::default();
        trades
            .iter()
            .for_each(|t| whole.push(t.0, t.1, t.2, t.3, None));
        let (l, r) = trades.split_at(17);
        let fold = |ts: &[(i64, u64, f64, f64)]| {
            let mut a = Agg::default();
            ts.iter().for_each(|t| a.push(t.0, t.1, t.2, t.3, None));
            a
        };
        for (mut a, b) in [(fold(l), fold(r)), (fold(r), fold(l))] {
            a.merge(&b);
            assert_eq!(a.count(), whole.count());
            assert_eq!(a.open(), whole.open());
            assert_eq!(a.close(), whole.close());
            assert_eq!(a.high(), whole.high());
            assert_eq!(a.low(), whole.low());
            assert!((a.notional() - whole.notional()).abs() <= 1e-12 * whole.notional());
        }
    }
}
