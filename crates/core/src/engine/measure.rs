//! The engine's buckets as plain columns, ready for the statistics: one measure per bucket,
//! an evenly spaced series for forecasts, and per-product price and units for elasticities.

use std::collections::{BTreeMap, HashMap};

use super::{Agg, Engine, LabelId, Metric, NO_LABEL};
use crate::model::{Dim, Field, Label};
use crate::stats::elasticity::{self, Elasticity, ElasticityError};
use crate::sum::Sum;

/// A per-bucket quantity that can be put on an axis of a regression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Measure {
    /// Revenue (orders) or notional (trades): Σ price · quantity.
    Revenue,
    /// Number of orders or trades.
    Count,
    /// Units or base-asset volume: Σ quantity.
    Volume,
    /// Volume-weighted average price, Σ price · quantity / Σ quantity: the mean price of a unit.
    Vwap,
    /// Mean value of one order or trade: revenue / count.
    MeanValue,
    /// Start of the bucket, epoch milliseconds.
    Time,
}

impl Measure {
    /// Every measure, in the order pickers list them.
    pub const ALL: [Measure; 6] = [
        Measure::Revenue,
        Measure::Count,
        Measure::Volume,
        Measure::Vwap,
        Measure::MeanValue,
        Measure::Time,
    ];

    /// A stable short name (for `<option value>` and config).
    pub const fn name(self) -> &'static str {
        match self {
            Measure::Revenue => "revenue",
            Measure::Count => "count",
            Measure::Volume => "volume",
            Measure::Vwap => "vwap",
            Measure::MeanValue => "mean-value",
            Measure::Time => "time",
        }
    }

    /// The measure called `name`, if any.
    pub fn from_name(name: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The measure of the bucket starting at `start_ms` with aggregate `agg`; `None` when
    /// undefined (the VWAP of a bucket without volume).
    pub fn of(self, start_ms: i64, agg: &Agg) -> Option<f64> {
        match self.metric() {
            Some(metric) => metric.of(agg),
            None => Some(start_ms as f64),
        }
    }

    /// The aggregate metric behind this measure; `None` for time.
    pub const fn metric(self) -> Option<Metric> {
        match self {
            Measure::Revenue => Some(Metric::Notional),
            Measure::Count => Some(Metric::Count),
            Measure::Volume => Some(Metric::Volume),
            Measure::Vwap => Some(Metric::Vwap),
            Measure::MeanValue => Some(Metric::AverageValue),
            Measure::Time => None,
        }
    }
}

/// (x, y) over the engine's buckets in time order, bucket totals; a bucket where either
/// measure is undefined is left out of both columns, so they stay paired.
pub fn paired(engine: &Engine, x: Measure, y: Measure) -> (Vec<f64>, Vec<f64>) {
    engine
        .buckets()
        .filter_map(|(start, b)| Some((x.of(start, &b.total)?, y.of(start, &b.total)?)))
        .unzip()
}

/// An evenly spaced series of one measure: `values[i]` belongs to the i-th bucket from
/// `start_ms`, buckets without trades counting as 0.
#[derive(Clone, Debug, PartialEq)]
pub struct EvenSeries {
    /// Start of the first bucket, epoch milliseconds.
    pub start_ms: i64,
    /// Nominal bucket width in milliseconds (calendar buckets vary around it by an hour).
    pub step_ms: i64,
    /// Bucket start times, epoch milliseconds.
    pub times: Vec<i64>,
    /// One value per bucket.
    pub values: Vec<f64>,
}

/// Revenue (notional) of the last `max_buckets` buckets, with the empty buckets in between
/// filled with 0: a forecast needs even spacing, and an outage is a real zero, not a gap.
/// `None` when the engine holds no trade.
pub fn revenue_series(engine: &Engine, max_buckets: usize) -> Option<EvenSeries> {
    let mut points = engine.series(Metric::Notional, None, i64::MIN);
    let skip = points.len().saturating_sub(max_buckets.max(1));
    points.drain(..skip);
    let (times, values): (Vec<i64>, Vec<f64>) = points
        .into_iter()
        .map(|(t, v)| (t, v.unwrap_or(0.0)))
        .unzip();
    Some(EvenSeries {
        start_ms: *times.first()?,
        step_ms: engine.spec().bucket.millis(),
        times,
        values,
    })
}

/// One product's demand in one bucket.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DemandPoint {
    /// The product (symbol) label.
    pub product: LabelId,
    /// Start of the bucket.
    pub bucket_ms: i64,
    /// Average price paid per unit in the bucket: revenue / units.
    pub price: f64,
    /// Units sold in the bucket.
    pub units: f64,
    /// Units sold in the bucket by products of other categories (by every other product when
    /// the product has no category): the shop's traffic, untouched by a promotion of this
    /// product's category.
    pub traffic: f64,
}

/// Average price, units and traffic of every product in every bucket of the engine's bucket
/// size, whatever its group-by, in (product, bucket) order. A bucket without traffic is left
/// out (its logarithm is undefined). Cost: one pass over the stored trades.
pub fn demand_points(engine: &Engine) -> Vec<DemandPoint> {
    let bucket = engine.spec().bucket;
    let zone = engine.zone();
    let table = engine.table();
    let category = Field::Dim(Dim::Category);
    // (product, bucket) -> (revenue, units, category)
    let mut cells: BTreeMap<(LabelId, i64), (Sum, Sum, LabelId)> = BTreeMap::new();
    let mut per_category: HashMap<(LabelId, i64), Sum> = HashMap::new();
    let mut per_bucket: HashMap<i64, Sum> = HashMap::new();
    for row in 0..table.len() {
        let start = bucket.start_in(zone, table.time_ms[row]);
        let qty = table.qty[row];
        let cat = table.label_id(category, row);
        let cell = cells
            .entry((table.label_id(Field::Symbol, row), start))
            .or_insert_with(|| (Sum::default(), Sum::default(), cat));
        cell.0.push(table.price[row] * qty);
        cell.1.push(qty);
        per_category.entry((cat, start)).or_default().push(qty);
        per_bucket.entry(start).or_default().push(qty);
    }
    cells
        .into_iter()
        .filter_map(|((product, bucket_ms), (revenue, units, cat))| {
            let units = units.value();
            let all = per_bucket.get(&bucket_ms).map_or(0.0, Sum::value);
            let own = if cat == NO_LABEL {
                units
            } else {
                per_category.get(&(cat, bucket_ms)).map_or(0.0, Sum::value)
            };
            let traffic = all - own;
            (units > 0.0 && traffic > 0.0).then(|| DemandPoint {
                product,
                bucket_ms,
                price: revenue.value() / units,
                units,
                traffic,
            })
        })
        .collect()
}

/// One product's estimated price elasticity.
#[derive(Clone, Debug, PartialEq)]
pub struct ProductElasticity {
    /// The product's name.
    pub product: Label,
    /// The estimate, or why there is none (one price only, too few buckets).
    pub fit: Result<Elasticity, ElasticityError>,
}

/// The price elasticity of every product, from its buckets' average price and units with the
/// traffic as a control ([`elasticity::fit_with_traffic`]), intervals at `level`; in name order.
pub fn product_elasticities(engine: &Engine, level: f64) -> Vec<ProductElasticity> {
    let mut columns: BTreeMap<LabelId, [Vec<f64>; 3]> = BTreeMap::new();
    for p in demand_points(engine) {
        let c = columns.entry(p.product).or_default();
        c[0].push(p.price);
        c[1].push(p.units);
        c[2].push(p.traffic);
    }
    let mut out: Vec<ProductElasticity> = columns
        .into_iter()
        .map(|(id, [price, units, traffic])| ProductElasticity {
            product: engine
                .label(id)
                .cloned()
                .unwrap_or_else(|| Label::from("(none)")),
            fit: elasticity::fit_with_traffic(&price, &units, &traffic, level),
        })
        .collect();
    out.sort_by(|a, b| a.product.cmp(&b.product));
    out
}
