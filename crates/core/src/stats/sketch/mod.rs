//! Mergeable sketches: quantiles with a relative error bound, and distinct counts.
//!
//! Both fold values with `push` and combine partial sketches with `merge`; merging the
//! sketches of two halves gives exactly the sketch of the whole, so sketches can be kept per
//! bucket and rolled up into any coarser window.

mod ddsketch;
mod hll;

pub use ddsketch::QuantileSketch;
pub use hll::DistinctCount;

use thiserror::Error;

/// Why a sketch could not be built or merged.
#[derive(Clone, Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum SketchError {
    /// Relative accuracy outside (0, 1).
    #[error("relative accuracy {alpha} is not strictly between 0 and 1")]
    BadAccuracy {
        /// The accuracy given.
        alpha: f64,
    },
    /// Quantile sketches built with different accuracies have different buckets.
    #[error("cannot merge a sketch of accuracy {theirs} into one of accuracy {ours}")]
    AccuracyMismatch {
        /// This sketch's accuracy.
        ours: f64,
        /// The other's.
        theirs: f64,
    },
    /// Precision outside the supported range.
    #[error("precision {precision} is outside {min}..={max}")]
    BadPrecision {
        /// The precision given.
        precision: u8,
        /// Smallest supported.
        min: u8,
        /// Largest supported.
        max: u8,
    },
    /// Distinct-count sketches with different register counts.
    #[error("cannot merge a sketch of precision {theirs} into one of precision {ours}")]
    PrecisionMismatch {
        /// This sketch's precision.
        ours: u8,
        /// The other's.
        theirs: u8,
    },
}
