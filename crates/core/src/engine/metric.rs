//! Metrics by name: what a panel, a URL or the command line asks of an aggregate.

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
}

impl Metric {
    /// Every metric.
    pub const ALL: [Metric; 17] = [
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
        }
    }

    /// Parses a name produced by [`Metric::name`] (also `revenue` for notional).
    pub fn from_name(name: &str) -> Option<Metric> {
        match name {
            "revenue" => Some(Metric::Notional),
            _ => Metric::ALL.into_iter().find(|m| m.name() == name),
        }
    }

    /// Whether an empty bucket counts as zero for this metric (sums do, prices do not).
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
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
