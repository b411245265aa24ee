//! Metrics by name: what a panel, a URL or the command line asks of an aggregate.
//!
//! Percentiles and the distinct count come from sketches the aggregate keeps only when asked
//! ([`super::SketchSpec`]): price and size percentiles within 1% of the exact order statistic
//! of rank ⌊q (n - 1)⌋ (DDSketch, α = 0.01), the distinct count with a relative standard error
//! of 1.625% (HyperLogLog, p = 12). Without the sketch they are `None`.

use std::fmt;

use super::Agg;

/// One number computed from an [`Agg`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Number of trades or order lines.
    Count,
    /// Total quantity.
    Volume,
    /// Price times quantity, summed (revenue for orders).
    Notional,
    /// Volume-weighted average price.
    Vwap,
    /// Price of the earliest trade.
    Open,
    /// Highest price.
    High,
    /// Lowest price.
    Low,
    /// Price of the latest trade.
    Close,
    /// Lowest price (same as `low`, under the name analysts of orders use).
    Min,
    /// Highest price (same as `high`).
    Max,
    /// Mean price per trade.
    Mean,
    /// Standard deviation of prices.
    Std,
    /// Volume where the taker bought.
    BuyVolume,
    /// Volume where the taker sold.
    SellVolume,
    /// Buy minus sell volume.
    VolumeDelta,
    /// (buy - sell) / (buy + sell).
    Imbalance,
    /// Notional per trade: average order value.
    AverageValue,
    /// Median price (one value per trade), within 1%.
    PriceP50,
    /// 90th percentile of prices, within 1%.
    PriceP90,
    /// 95th percentile of prices, within 1%.
    PriceP95,
    /// 99th percentile of prices, within 1%.
    PriceP99,
    /// Median trade size (quantity), within 1%.
    SizeP50,
    /// 90th percentile of sizes, within 1%.
    SizeP90,
    /// 95th percentile of sizes, within 1%.
    SizeP95,
    /// 99th percentile of sizes, within 1%.
    SizeP99,
    /// Number of distinct trade ids or field values (customers, say), standard error 1.625%.
    Distinct,
}

impl Metric {
    /// Every metric.
    pub const ALL: [Metric; 26] = [
        Metric::Count,
        Metric::Volume,
        Metric::Notional,
        Metric::Vwap,
        Metric::Open,
        Metric::High,
        Metric::Low,
        Metric::Close,
        Metric::Min,
        Metric::Max,
        Metric::Mean,
        Metric::Std,
        Metric::BuyVolume,
        Metric::SellVolume,
        Metric::VolumeDelta,
        Metric::Imbalance,
        Metric::AverageValue,
        Metric::PriceP50,
        Metric::PriceP90,
        Metric::PriceP95,
        Metric::PriceP99,
        Metric::SizeP50,
        Metric::SizeP90,
        Metric::SizeP95,
        Metric::SizeP99,
        Metric::Distinct,
    ];

    /// Machine name (CSV headers, URLs, `--metrics`).
    pub const fn name(self) -> &'static str {
        match self {
            Metric::Count => "count",
            Metric::Volume => "volume",
            Metric::Notional => "notional",
            Metric::Vwap => "vwap",
            Metric::Open => "open",
            Metric::High => "high",
            Metric::Low => "low",
            Metric::Close => "close",
            Metric::Min => "min",
            Metric::Max => "max",
            Metric::Mean => "mean",
            Metric::Std => "std",
            Metric::BuyVolume => "buy_volume",
            Metric::SellVolume => "sell_volume",
            Metric::VolumeDelta => "volume_delta",
            Metric::Imbalance => "imbalance",
            Metric::AverageValue => "aov",
            Metric::PriceP50 => "price_p50",
            Metric::PriceP90 => "price_p90",
            Metric::PriceP95 => "price_p95",
            Metric::PriceP99 => "price_p99",
            Metric::SizeP50 => "size_p50",
            Metric::SizeP90 => "size_p90",
            Metric::SizeP95 => "size_p95",
            Metric::SizeP99 => "size_p99",
            Metric::Distinct => "distinct",
        }
    }

    /// The quantile q of prices this metric is, if it is one.
    pub const fn price_quantile(self) -> Option<f64> {
        match self {
            Metric::PriceP50 => Some(0.5),
            Metric::PriceP90 => Some(0.9),
            Metric::PriceP95 => Some(0.95),
            Metric::PriceP99 => Some(0.99),
            _ => None,
        }
    }

    /// The quantile q of sizes this metric is, if it is one.
    pub const fn size_quantile(self) -> Option<f64> {
        match self {
            Metric::SizeP50 => Some(0.5),
            Metric::SizeP90 => Some(0.9),
            Metric::SizeP95 => Some(0.95),
            Metric::SizeP99 => Some(0.99),
            _ => None,
        }
    }

    /// Parses a name produced by [`Metric::name`] (also `revenue` for notional).
    pub fn from_name(name: &str) -> Option<Metric> {
        match name {
            "revenue" => Some(Metric::Notional),
            _ => Metric::ALL.into_iter().find(|m| m.name() == name),
        }
    }

    /// Whether an empty bucket counts as zero for this metric (sums do; prices, percentiles
    /// and distinct counts, which do not add up over buckets, do not).
    pub const fn is_additive(self) -> bool {
        matches!(
            self,
            Metric::Count
                | Metric::Volume
                | Metric::Notional
                | Metric::BuyVolume
                | Metric::SellVolume
                | Metric::VolumeDelta
        )
    }

    /// The metric's value for an aggregate; `None` where it is undefined (no trades, no volume).
    pub fn of(self, a: &Agg) -> Option<f64> {
        match self {
            Metric::Count => Some(a.count() as f64),
            Metric::Volume => Some(a.volume()),
            Metric::Notional => Some(a.notional()),
            Metric::Vwap => a.vwap(),
            Metric::Open => a.open(),
            Metric::High | Metric::Max => a.high(),
            Metric::Low | Metric::Min => a.low(),
            Metric::Close => a.close(),
            Metric::Mean => a.mean_price(),
            Metric::Std => a.std_price(),
            Metric::BuyVolume => Some(a.buy_volume()),
            Metric::SellVolume => Some(a.sell_volume()),
            Metric::VolumeDelta => Some(a.volume_delta()),
            Metric::Imbalance => a.imbalance(),
            Metric::AverageValue => a.mean_notional(),
            Metric::Distinct => a.distinct(),
            m => match (m.price_quantile(), m.size_quantile()) {
                (Some(q), _) => a.price_quantile(q),
                (_, Some(q)) => a.size_quantile(q),
                _ => None,
            },
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
