//! The command line: `tradelens COMMAND [OPTIONS]`, parsed with `lexopt` into typed commands.
//! Every mistake is a [`UsageError`] naming the option and the value, and exits with code 2.

use std::ffi::OsString;
use std::path::PathBuf;

use tradelens_core::decode::generic::{split_entries, TARGETS};
use tradelens_core::decode::html::ROW;
use tradelens_core::engine::{BucketSize, DistinctOf, Metric};
use tradelens_core::model::Field;

use crate::input::Format;

/// The usage text printed by `--help` and after a usage error.
pub const USAGE: &str = "\
usage:
  tradelens aggregate --input FILE [--format FORMAT] [--map FIELD=SOURCE,...] --bucket DURATION
                      [--by FIELD[,FIELD]] [--tz ZONE] [--metrics LIST] [--distinct KEY]
  tradelens fit       --input FILE.csv --y COL --x COL[,COL...] [--degree N] [--no-intercept]
  tradelens forecast  --input FILE [--format FORMAT] [--map ...] --bucket DURATION --metric NAME
                      --horizon N [--method seasonal|holt-winters] [--tz ZONE] [--distinct KEY]
  tradelens validate  --input FILE [--format FORMAT] [--map ...]

FORMAT:   binance-trades binance-agg coinbase-trades kraken-trades json ndjson csv html shopify
          stripe (detected from the first bytes when omitted)
FIELD:    id time price qty side symbol category region channel customer, and row for html
SOURCE:   a CSV column name, a JSON key or pointer (/a/b), or for html a CSS selector run
          inside each row (first match, its text; `SELECTOR@attr` reads an attribute, `@attr`
          the row's own); row=SELECTOR picks the rows. html needs row, time and price:
            --format html --map 'row=table#orders tbody tr,time=td.t time@datetime,price=td.p'
          Entries split only at a comma followed by FIELD=, so SOURCE may hold commas
          (selector lists `td.a, td.b`, a column named `Amount, net`).
DURATION: 1s 5s 15s 1m 5m 15m 1h 4h 1d 1w 1mo
ZONE:     an IANA name (Europe/Berlin), UTC, or a fixed offset (+05:30)
METRICS:  count volume notional vwap open high low close min max mean std buy_volume
          sell_volume volume_delta imbalance aov (default: count,volume,notional,vwap,open,high,low,close)
          price_p50 price_p90 price_p95 price_p99 size_p50 size_p90 size_p95 size_p99:
          percentiles within 1% of the exact order statistic of rank floor(q (n - 1)) (DDSketch);
          distinct: distinct KEYs, relative standard error 1.6% (HyperLogLog)
KEY:      id (default: trade ids) or a FIELD other than id, time, price, qty, side, row

validate prints one JSON object on one line: file, format, bytes, accepted, rejected,
skipped, flagged (outliers, kept), reasons (rejected rows per reason name, e.g.
{\"duplicate\":3,\"invalid_price\":1}), first_time and last_time (earliest and latest accepted
trade, RFC 3339 UTC with milliseconds, null when none), and quarantined (the first 10
rejected rows, each {\"position\",\"reason\",\"detail\",\"raw\"}). Exit code 0 unless the file
cannot be read.
";

/// Why the command line was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UsageError {
    /// No command, or one that does not exist.
    #[error("unknown command `{0}` (expected aggregate, fit, forecast or validate)")]
    UnknownCommand(String),
    /// No command at all.
    #[error("no command given")]
    NoCommand,
    /// A required option is absent.
    #[error("missing required option --{0}")]
    Missing(&'static str),
    /// An option the command does not take, or a malformed argument.
    #[error("{0}")]
    Parse(String),
    /// An option's value cannot be used.
    #[error("--{option}: `{value}` is not {expected}")]
    BadValue {
        /// The option.
        option: &'static str,
        /// Its value.
        value: String,
        /// What would have been accepted.
        expected: &'static str,
    },
}

impl From<lexopt::Error> for UsageError {
    fn from(e: lexopt::Error) -> Self {
        UsageError::Parse(e.to_string())
    }
}

/// One `--map` entry: a trade field and where it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapEntry {
    /// id, time, price, qty, side, symbol, category, region, channel, customer, or row (html).
    pub field: String,
    /// Column name (CSV), key / JSON pointer, or CSS selector (html).
    pub source: String,
}

/// The input options shared by every command that reads trades.
#[derive(Clone, Debug, Default)]
pub struct InputArgs {
    /// The file to read.
    pub input: PathBuf,
    /// The format, or `None` to detect it.
    pub format: Option<Format>,
    /// Field mapping for the generic formats.
    pub map: Vec<MapEntry>,
}

/// `tradelens aggregate`.
#[derive(Clone, Debug)]
pub struct AggregateArgs {
    /// Input.
    pub input: InputArgs,
    /// Bucket width.
    pub bucket: BucketSize,
    /// Up to two grouping fields.
    pub by: Vec<Field>,
    /// Time zone spec (`None`: UTC).
    pub tz: Option<String>,
    /// Metrics to print, in order.
    pub metrics: Vec<Metric>,
    /// What the `distinct` metric counts.
    pub distinct: DistinctOf,
}

/// `tradelens fit`.
#[derive(Clone, Debug)]
pub struct FitArgs {
    /// A CSV file.
    pub input: PathBuf,
    /// Response column.
    pub y: String,
    /// Regressor columns.
    pub x: Vec<String>,
    /// Polynomial degree in the single x column.
    pub degree: Option<usize>,
    /// Fit without an intercept.
    pub no_intercept: bool,
}

/// Forecasting method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodName {
    /// Trend plus Fourier seasonality.
    Seasonal,
    /// Additive Holt-Winters.
    HoltWinters,
}

/// `tradelens forecast`.
#[derive(Clone, Debug)]
pub struct ForecastArgs {
    /// Input.
    pub input: InputArgs,
    /// Bucket width.
    pub bucket: BucketSize,
    /// The metric forecast.
    pub metric: Metric,
    /// Buckets to forecast.
    pub horizon: usize,
    /// Method.
    pub method: MethodName,
    /// Time zone spec (`None`: UTC).
    pub tz: Option<String>,
    /// What the `distinct` metric counts.
    pub distinct: DistinctOf,
}

/// A parsed command line.
#[derive(Clone, Debug)]
pub enum Command {
    /// Print the usage.
    Help,
    /// Aggregate into buckets.
    Aggregate(AggregateArgs),
    /// Least squares fit.
    Fit(FitArgs),
    /// Forecast a metric.
    Forecast(ForecastArgs),
    /// Decode, clean and report.
    Validate(InputArgs),
}

/// The default metrics of `aggregate`.
pub const DEFAULT_METRICS: [Metric; 8] = [
    Metric::Count,
    Metric::Volume,
    Metric::Notional,
    Metric::Vwap,
    Metric::Open,
    Metric::High,
    Metric::Low,
    Metric::Close,
];

/// Every option any command takes, collected before each command checks its own.
#[derive(Default)]
struct Raw {
    input: Option<PathBuf>,
    format: Option<String>,
    map: Vec<String>,
    bucket: Option<String>,
    by: Option<String>,
    tz: Option<String>,
    metrics: Option<String>,
    distinct: Option<String>,
    metric: Option<String>,
    horizon: Option<String>,
    method: Option<String>,
    y: Option<String>,
    x: Option<String>,
    degree: Option<String>,
    no_intercept: bool,
    help: bool,
    seen: Vec<&'static str>,
}

/// Parses the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, UsageError> {
    use lexopt::prelude::*;
    let mut p = lexopt::Parser::from_args(args);
    let command = match p.next()? {
        None => return Err(UsageError::NoCommand),
        Some(Short('h') | Long("help")) => return Ok(Command::Help),
        Some(Value(v)) => v.string()?,
        Some(other) => return Err(UsageError::Parse(other.unexpected().to_string())),
    };
    let mut raw = Raw::default();
    while let Some(arg) = p.next()? {
        let mut take = |name: &'static str, p: &mut lexopt::Parser| -> Result<String, UsageError> {
            raw.seen.push(name);
            Ok(p.value()?.string()?)
        };
        match arg {
            Long("input") | Short('i') => raw.input = Some(take("input", &mut p)?.into()),
            Long("format") | Short('f') => raw.format = Some(take("format", &mut p)?),
            Long("map") => {
                let v = take("map", &mut p)?;
                raw.map.push(v);
            }
            Long("bucket") => raw.bucket = Some(take("bucket", &mut p)?),
            Long("by") => raw.by = Some(take("by", &mut p)?),
            Long("tz") => raw.tz = Some(take("tz", &mut p)?),
            Long("metrics") => raw.metrics = Some(take("metrics", &mut p)?),
            Long("distinct") => raw.distinct = Some(take("distinct", &mut p)?),
            Long("metric") => raw.metric = Some(take("metric", &mut p)?),
            Long("horizon") => raw.horizon = Some(take("horizon", &mut p)?),
            Long("method") => raw.method = Some(take("method", &mut p)?),
            Long("y") => raw.y = Some(take("y", &mut p)?),
            Long("x") => raw.x = Some(take("x", &mut p)?),
            Long("degree") => raw.degree = Some(take("degree", &mut p)?),
            Long("no-intercept") => {
                raw.seen.push("no-intercept");
                raw.no_intercept = true;
            }
            Short('h') | Long("help") => raw.help = true,
            other => return Err(UsageError::Parse(other.unexpected().to_string())),
        }
    }
    if raw.help {
        return Ok(Command::Help);
    }
    match command.as_str() {
        "aggregate" => {
            only(
                &raw,
                &[
                    "input", "format", "map", "bucket", "by", "tz", "metrics", "distinct",
                ],
            )?;
            Ok(Command::Aggregate(AggregateArgs {
                input: input_args(&raw)?,
                bucket: bucket(&raw)?,
                by: by(&raw)?,
                tz: raw.tz.clone(),
                metrics: metrics(&raw)?,
                distinct: distinct(&raw)?,
            }))
        }
        "fit" => {
            only(&raw, &["input", "y", "x", "degree", "no-intercept"])?;
            let x: Vec<String> = split(raw.x.as_deref().ok_or(UsageError::Missing("x"))?);
            if x.is_empty() {
                return Err(UsageError::Missing("x"));
            }
            let degree = match &raw.degree {
                None => None,
                Some(d) => Some(d.parse::<usize>().ok().filter(|&d| d >= 1).ok_or_else(|| {
                    UsageError::BadValue {
                        option: "degree",
                        value: d.clone(),
                        expected: "a whole number from 1 up",
                    }
                })?),
            };
            if degree.is_some() && x.len() != 1 {
                return Err(UsageError::BadValue {
                    option: "x",
                    value: x.join(","),
                    expected: "a single column when --degree is given",
                });
            }
            Ok(Command::Fit(FitArgs {
                input: raw.input.clone().ok_or(UsageError::Missing("input"))?,
                y: raw.y.clone().ok_or(UsageError::Missing("y"))?,
                x,
                degree,
                no_intercept: raw.no_intercept,
            }))
        }
        "forecast" => {
            only(
                &raw,
                &[
                    "input", "format", "map", "bucket", "metric", "horizon", "method", "tz",
                    "distinct",
                ],
            )?;
            let m = raw.metric.as_deref().ok_or(UsageError::Missing("metric"))?;
            let metric = Metric::from_name(m).ok_or_else(|| UsageError::BadValue {
                option: "metric",
                value: m.to_string(),
                expected: "a metric name (see --help)",
            })?;
            let h = raw
                .horizon
                .as_deref()
                .ok_or(UsageError::Missing("horizon"))?;
            let horizon = h
                .parse::<usize>()
                .ok()
                .filter(|&h| (1..=100_000).contains(&h))
                .ok_or_else(|| UsageError::BadValue {
                    option: "horizon",
                    value: h.to_string(),
                    expected: "a whole number from 1 to 100000",
                })?;
            let method = match raw.method.as_deref() {
                None | Some("seasonal") => MethodName::Seasonal,
                Some("holt-winters") => MethodName::HoltWinters,
                Some(other) => {
                    return Err(UsageError::BadValue {
                        option: "method",
                        value: other.to_string(),
                        expected: "`seasonal` or `holt-winters`",
                    })
                }
            };
            Ok(Command::Forecast(ForecastArgs {
                input: input_args(&raw)?,
                bucket: bucket(&raw)?,
                metric,
                horizon,
                method,
                tz: raw.tz.clone(),
                distinct: distinct(&raw)?,
            }))
        }
        "validate" => {
            only(&raw, &["input", "format", "map"])?;
            Ok(Command::Validate(input_args(&raw)?))
        }
        other => Err(UsageError::UnknownCommand(other.to_string())),
    }
}

fn only(raw: &Raw, allowed: &[&str]) -> Result<(), UsageError> {
    match raw.seen.iter().find(|s| !allowed.contains(s)) {
        Some(s) => Err(UsageError::Parse(format!(
            "this command does not take --{s}"
        ))),
        None => Ok(()),
    }
}

fn split(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn input_args(raw: &Raw) -> Result<InputArgs, UsageError> {
    let format = match &raw.format {
        None => None,
        Some(f) => Some(Format::from_name(f).ok_or_else(|| UsageError::BadValue {
            option: "format",
            value: f.clone(),
            expected: "a format name (see --help)",
        })?),
    };
    let mut fields = vec![ROW];
    fields.extend(TARGETS);
    let mut map = Vec::new();
    for item in raw.map.iter().flat_map(|m| split_entries(m, &fields)) {
        let bad = || {
            UsageError::BadValue {
            option: "map",
            value: item.to_string(),
            expected: "FIELD=SOURCE with FIELD one of id,time,price,qty,side,symbol,category,region,channel,customer (and row for html)",
        }
        };
        let (field, source) = item.split_once('=').ok_or_else(bad)?;
        let (field, source) = (field.trim(), source.trim());
        if !fields.contains(&field) || source.is_empty() {
            return Err(bad());
        }
        map.push(MapEntry {
            field: field.to_string(),
            source: source.to_string(),
        });
    }
    Ok(InputArgs {
        input: raw.input.clone().ok_or(UsageError::Missing("input"))?,
        format,
        map,
    })
}

fn bucket(raw: &Raw) -> Result<BucketSize, UsageError> {
    let b = raw.bucket.as_deref().ok_or(UsageError::Missing("bucket"))?;
    BucketSize::from_name(b).ok_or_else(|| UsageError::BadValue {
        option: "bucket",
        value: b.to_string(),
        expected: "one of 1s,5s,15s,1m,5m,15m,1h,4h,1d,1w,1mo",
    })
}

fn by(raw: &Raw) -> Result<Vec<Field>, UsageError> {
    let Some(list) = &raw.by else {
        return Ok(Vec::new());
    };
    let names = split(list);
    if names.len() > 2 {
        return Err(UsageError::BadValue {
            option: "by",
            value: list.clone(),
            expected: "at most two fields",
        });
    }
    let mut fields = Vec::new();
    for n in names {
        let f = Field::from_name(&n).ok_or_else(|| UsageError::BadValue {
            option: "by",
            value: n.clone(),
            expected: "one of symbol,category,region,channel,customer",
        })?;
        if fields.contains(&f) {
            return Err(UsageError::BadValue {
                option: "by",
                value: list.clone(),
                expected: "two different fields",
            });
        }
        fields.push(f);
    }
    Ok(fields)
}

fn distinct(raw: &Raw) -> Result<DistinctOf, UsageError> {
    let Some(name) = &raw.distinct else {
        return Ok(DistinctOf::TradeId);
    };
    DistinctOf::from_name(name).ok_or_else(|| UsageError::BadValue {
        option: "distinct",
        value: name.clone(),
        expected: "id or one of symbol,category,region,channel,customer",
    })
}

fn metrics(raw: &Raw) -> Result<Vec<Metric>, UsageError> {
    let Some(list) = &raw.metrics else {
        return Ok(DEFAULT_METRICS.to_vec());
    };
    let names = split(list);
    if names.is_empty() {
        return Err(UsageError::BadValue {
            option: "metrics",
            value: list.clone(),
            expected: "a comma-separated list of metric names",
        });
    }
    names
        .iter()
        .map(|n| {
            Metric::from_name(n).ok_or_else(|| UsageError::BadValue {
                option: "metrics",
                value: n.clone(),
                expected: "a metric name (see --help)",
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<Command, UsageError> {
        parse(s.split_whitespace().map(OsString::from))
    }

    #[test]
    fn aggregate_defaults_and_errors() {
        let Command::Aggregate(a) =
            parse_str("aggregate --input t.csv --bucket 1h --by symbol,region").unwrap()
        else {
            panic!("not aggregate");
        };
        assert_eq!(a.metrics, DEFAULT_METRICS.to_vec());
        assert_eq!(a.by.len(), 2);
        assert!(matches!(
            parse_str("aggregate --input t.csv --bucket 2h"),
            Err(UsageError::BadValue {
                option: "bucket",
                ..
            })
        ));
        assert!(matches!(
            parse_str("aggregate --input t.csv"),
            Err(UsageError::Missing("bucket"))
        ));
        assert!(matches!(
            parse_str("aggregate --input t.csv --bucket 1h --map price"),
            Err(UsageError::BadValue { option: "map", .. })
        ));
        assert!(parse_str("aggregate --input t.csv --bucket 1h --y p").is_err());
        // A comma splits --map only before FIELD=: selector lists and odd column names stay.
        let args = [
            "validate",
            "--input",
            "p.html",
            "--map",
            "row=tr, time = td.t,price=td.a, td.b",
        ];
        let Command::Validate(v) = parse(args.map(OsString::from)).unwrap() else {
            panic!("not validate");
        };
        let pairs: Vec<(&str, &str)> = v
            .map
            .iter()
            .map(|e| (e.field.as_str(), e.source.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [("row", "tr"), ("time", "td.t"), ("price", "td.a, td.b")]
        );
        assert!(parse_str("frobnicate").is_err());
    }
}
