//! `tradelens forecast`: one metric per bucket (streamed through the aggregator), then the
//! core's seasonal regression or Holt-Winters for the buckets after the data ends.

use std::io::Write;

use tradelens_core::engine::{BucketSize, Metric};
use tradelens_core::stats::forecast::{self, HoltWintersSpec, Method, SeasonalSpec, Series};
use tradelens_core::zone::Zone;

use crate::aggregate::{number, report_rejects, Aggregator};
use crate::args::{ForecastArgs, MethodName};
use crate::input::CleanStream;
use crate::tz;
use crate::CliError;

/// The level of the prediction intervals printed.
pub const LEVEL: f64 = 0.95;
/// The longest dense series forecast from (about 11 years of hours).
pub const MAX_BUCKETS: usize = 100_000;

/// Why no forecast was made (beyond what the core's own error says).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ForecastRunError {
    /// No trade was accepted.
    #[error("no trades to forecast from")]
    NoData,
    /// The data span more buckets than a forecast reads.
    #[error("the data span more than {max} buckets of {bucket}; use a longer --bucket")]
    TooManyBuckets {
        /// The limit.
        max: usize,
        /// The bucket width.
        bucket: &'static str,
    },
    /// The core refused.
    #[error("{0}")]
    Core(#[from] forecast::ForecastError),
}

/// Holt-Winters season length for a bucket width: the cycle most trade data has at that
/// scale (the minute for seconds, the hour for minutes, the day for hours, the week for
/// days, the year for weeks and months).
pub fn season(bucket: BucketSize) -> usize {
    match bucket {
        BucketSize::S1 => 60,
        BucketSize::S5 => 12,
        BucketSize::S15 => 4,
        BucketSize::M1 => 60,
        BucketSize::M5 => 12,
        BucketSize::M15 => 96,
        BucketSize::H1 => 24,
        BucketSize::H4 => 6,
        BucketSize::D1 => 7,
        BucketSize::W1 => 52,
        BucketSize::Mo1 => 12,
    }
}

/// Every bucket from the first to the last with data: a missing bucket is 0 for an additive
/// metric (no trades, no volume) and the previous value for a price.
pub fn dense(
    bucket: BucketSize,
    zone: &Zone,
    metric: Metric,
    rows: &[(i64, f64)],
) -> Result<Vec<(i64, f64)>, ForecastRunError> {
    let (Some(&(first, _)), Some(&(last, _))) = (rows.first(), rows.last()) else {
        return Err(ForecastRunError::NoData);
    };
    let mut out = Vec::new();
    let mut k = 0;
    let mut t = first;
    let mut prev = rows[0].1;
    while t <= last {
        if out.len() >= MAX_BUCKETS {
            return Err(ForecastRunError::TooManyBuckets {
                max: MAX_BUCKETS,
                bucket: bucket.name(),
            });
        }
        let v = if k < rows.len() && rows[k].0 == t {
            k += 1;
            rows[k - 1].1
        } else if metric.is_additive() {
            0.0
        } else {
            prev
        };
        prev = v;
        out.push((t, v));
        t = bucket.next_start_in(zone, t);
    }
    Ok(out)
}

/// Runs `forecast`, writing CSV to `out`.
pub fn run(args: &ForecastArgs, out: &mut impl Write) -> Result<(), CliError> {
    let zone = match &args.tz {
        Some(spec) => tz::resolve(spec)?,
        None => Zone::utc(),
    };
    let mut stream = CleanStream::open(&args.input)?;
    let mut agg = Aggregator::new(args.bucket, zone.clone(), Vec::new())
        .with_sketches(&[args.metric], args.distinct);
    while let Some(batch) = stream.next_batch()? {
        for t in &batch {
            agg.push(t);
        }
    }
    report_rejects(&stream);
    let rows: Vec<(i64, f64)> = agg
        .rows()
        .into_iter()
        .filter_map(|(s, _, a)| args.metric.of(&a).map(|v| (s, v)))
        .collect();
    let series = dense(args.bucket, &zone, args.metric, &rows)?;
    let values: Vec<f64> = series.iter().map(|&(_, v)| v).collect();
    let last = series.last().map_or(0, |&(t, _)| t);
    let method = match args.method {
        MethodName::Seasonal => Method::Seasonal(SeasonalSpec {
            utc_offset_minutes: i32::try_from(zone.offset_at(last) / 60_000).unwrap_or(0),
            ..SeasonalSpec::default()
        }),
        MethodName::HoltWinters => Method::HoltWinters(HoltWintersSpec {
            period: season(args.bucket),
        }),
    };
    let s = Series {
        start_ms: series.first().map_or(0, |&(t, _)| t),
        step_ms: args.bucket.millis(),
        values: &values,
    };
    let f = forecast::forecast(&method, s, args.horizon, LEVEL).map_err(ForecastRunError::from)?;
    writeln!(out, "bucket_start,forecast,lower,upper")?;
    let mut t = last;
    for p in &f.points {
        t = args.bucket.next_start_in(&zone, t);
        writeln!(
            out,
            "{},{},{},{}",
            tz::rfc3339(&zone, t),
            number(Some(p.estimate)),
            number(Some(p.lower)),
            number(Some(p.upper))
        )?;
    }
    out.flush()?;
    Ok(())
}
