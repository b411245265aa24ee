//! Opt-in sketches per aggregate: percentiles of price and size (DDSketch, relative error
//! α = 1%) and a distinct count (HyperLogLog, p = 12, standard error 1.625%).
//!
//! An aggregate keeps a sketch only when the [`SketchSpec`] asks for it, so the per-trade path
//! of the core metrics pays one untaken branch when no sketch metric is shown. A sketch metric
//! of an aggregate without its sketch is `None`, never a wrong number: merging an aggregate
//! that lacks a sketch into one that has it drops the sketch.

use super::Metric;
use crate::model::Field;
use crate::stats::sketch::{DistinctCount, QuantileSketch};

/// What [`Metric::Distinct`] counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DistinctOf {
    /// Trade (or order line) ids: a trade pushed twice counts once.
    TradeId,
    /// Values of a field, such as customers or products; trades without a value are not
    /// counted.
    Field(Field),
}

impl DistinctOf {
    /// `id`, or the field's name.
    pub const fn name(self) -> &'static str {
        match self {
            DistinctOf::TradeId => "id",
            DistinctOf::Field(f) => f.name(),
        }
    }

    /// Parses a name produced by [`DistinctOf::name`].
    pub fn from_name(name: &str) -> Option<DistinctOf> {
        match name {
            "id" => Some(DistinctOf::TradeId),
            _ => Field::from_name(name).map(DistinctOf::Field),
        }
    }
}

/// Which sketches each aggregate keeps. The default keeps none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SketchSpec {
    /// A quantile sketch of prices: `price_p50` … `price_p99`.
    pub price: bool,
    /// A quantile sketch of sizes (quantities): `size_p50` … `size_p99`.
    pub size: bool,
    /// A distinct count of this key: `distinct`.
    pub distinct: Option<DistinctOf>,
}

impl SketchSpec {
    /// No sketch: only the core metrics are defined.
    pub const NONE: SketchSpec = SketchSpec {
        price: false,
        size: false,
        distinct: None,
    };

    /// Every sketch, the distinct count counting `of`.
    pub const fn all(of: DistinctOf) -> SketchSpec {
        SketchSpec {
            price: true,
            size: true,
            distinct: Some(of),
        }
    }

    /// The sketches `metrics` need, a distinct count counting `of`.
    pub fn for_metrics(metrics: &[Metric], of: DistinctOf) -> SketchSpec {
        SketchSpec {
            price: metrics.iter().any(|m| m.price_quantile().is_some()),
            size: metrics.iter().any(|m| m.size_quantile().is_some()),
            distinct: metrics.contains(&Metric::Distinct).then_some(of),
        }
    }

    /// Whether no sketch is kept.
    pub const fn is_none(self) -> bool {
        !self.price && !self.size && self.distinct.is_none()
    }

    /// Whether aggregates built with this spec define `metric` (every core metric is).
    pub const fn provides(self, metric: Metric) -> bool {
        if metric.price_quantile().is_some() {
            self.price
        } else if metric.size_quantile().is_some() {
            self.size
        } else if matches!(metric, Metric::Distinct) {
            self.distinct.is_some()
        } else {
            true
        }
    }
}

/// The sketches of one aggregate (boxed in it: three words of `Option`s would widen every
/// aggregate, sketched or not).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Sketches {
    pub(crate) price: Option<QuantileSketch>,
    pub(crate) size: Option<QuantileSketch>,
    pub(crate) distinct: Option<DistinctCount>,
}

impl Sketches {
    /// Empty sketches as `spec` asks; `None` when it asks for none.
    pub(crate) fn new(spec: SketchSpec) -> Option<Box<Sketches>> {
        (!spec.is_none()).then(|| {
            Box::new(Sketches {
                price: spec.price.then(QuantileSketch::default),
                size: spec.size.then(QuantileSketch::default),
                distinct: spec.distinct.map(|_| DistinctCount::default()),
            })
        })
    }

    pub(crate) fn push(&mut self, price: f64, qty: f64) {
        if let Some(s) = &mut self.price {
            s.push(price);
        }
        if let Some(s) = &mut self.size {
            s.push(qty);
        }
    }

    pub(crate) fn push_distinct(&mut self, key: u64) {
        if let Some(d) = &mut self.distinct {
            d.push_u64(key);
        }
    }

    /// Folds in another aggregate's sketches; a sketch the other lacks (or cannot merge, being
    /// of another accuracy) is dropped, as it no longer covers every trade.
    pub(crate) fn merge(&mut self, other: &Sketches) {
        fn both<T>(
            ours: &mut Option<T>,
            theirs: &Option<T>,
            merge: impl FnOnce(&mut T, &T) -> bool,
        ) {
            let kept = match (ours.as_mut(), theirs) {
                (Some(a), Some(b)) => merge(a, b),
                _ => false,
            };
            if !kept {
                *ours = None;
            }
        }
        both(&mut self.price, &other.price, |a, b| a.merge(b).is_ok());
        both(&mut self.size, &other.size, |a, b| a.merge(b).is_ok());
        both(&mut self.distinct, &other.distinct, |a, b| {
            a.merge(b).is_ok()
        });
    }
}
