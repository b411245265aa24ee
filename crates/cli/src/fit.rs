//! `tradelens fit`: least squares of one CSV column on others (or on powers of one), by the
//! core's QR on centred, scaled columns; the result as JSON.

use std::fs::File;
use std::io::{Read, Write};
use std::path::PathBuf;

use tradelens_core::decode::csv::CsvTable;
use tradelens_core::decode::text::parse_decimal;
use tradelens_core::decode::DecodeError;
use tradelens_core::stats::ols::{self, OlsError, OlsFit};
use tradelens_core::stats::poly::{self, PolyError, PolyFit};

use crate::args::FitArgs;
use crate::input::{CHUNK, RECORD_LIMIT};

/// Why a fit could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FitError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
    /// The file has no header row.
    #[error("{0}: no header row")]
    NoHeader(PathBuf),
    /// A column named on the command line is not in the header.
    #[error("{path}: the header has no column `{column}`")]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
    },
    /// A record could not be read.
    #[error("{path}: {error}")]
    Record {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        error: DecodeError,
    },
    /// A cell is not a number.
    #[error("{path}: line {line}, column `{column}`: `{value}` is not a number")]
    NotANumber {
        /// The file.
        path: PathBuf,
        /// Line of the record.
        line: u64,
        /// The column.
        column: String,
        /// The cell.
        value: String,
    },
    /// The design is rank-deficient.
    #[error("cannot fit: the columns {columns:?} are linear combinations of the columns before them (or constant next to the intercept); drop them")]
    RankDeficient {
        /// The dependent columns.
        columns: Vec<String>,
    },
    /// Another refusal of the least squares fit.
    #[error("cannot fit: {0}")]
    Ols(OlsError),
    /// A refusal of the polynomial fit.
    #[error("cannot fit: {0}")]
    Poly(PolyError),
}

impl From<OlsError> for FitError {
    fn from(e: OlsError) -> Self {
        match e {
            OlsError::RankDeficient { columns } => FitError::RankDeficient { columns },
            other => FitError::Ols(other),
        }
    }
}

/// Reads the named columns of a CSV file as numbers, streaming its records.
pub fn read_columns(path: &PathBuf, names: &[&str]) -> Result<Vec<Vec<f64>>, FitError> {
    let io = |source| FitError::Io {
        path: path.clone(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    let mut table = CsvTable::new(RECORD_LIMIT);
    let mut cols: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    let mut index: Option<Vec<usize>> = None;
    let mut buf = vec![0; CHUNK];
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        for row in table.feed(&buf[..n], n == 0) {
            let rec = row.map_err(|error| FitError::Record {
                path: path.clone(),
                error,
            })?;
            let idx = match &index {
                Some(i) => i,
                None => {
                    let header = table
                        .header()
                        .ok_or_else(|| FitError::NoHeader(path.clone()))?;
                    let i = names
                        .iter()
                        .map(|c| {
                            header.index(c).ok_or_else(|| FitError::MissingColumn {
                                path: path.clone(),
                                column: c.to_string(),
                            })
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    index.insert(i)
                }
            };
            for ((col, &i), name) in cols.iter_mut().zip(idx.iter()).zip(names) {
                let cell = rec.fields.get(i).map_or("", |s| s.trim());
                let v = parse_decimal(cell).ok_or_else(|| FitError::NotANumber {
                    path: path.clone(),
                    line: rec.line,
                    column: name.to_string(),
                    value: cell.to_string(),
                })?;
                col.push(v);
            }
        }
        if n == 0 {
            break;
        }
    }
    if index.is_none() {
        // A header and no data: still check the names, so the error is the useful one.
        let header = table
            .header()
            .ok_or_else(|| FitError::NoHeader(path.clone()))?;
        for c in names {
            if header.index(c).is_none() {
                return Err(FitError::MissingColumn {
                    path: path.clone(),
                    column: c.to_string(),
                });
            }
        }
    }
    Ok(cols)
}

/// The result printed: coefficients in the named columns (or powers of x).
#[derive(Debug, Clone, PartialEq)]
pub struct FitReport {
    /// Observations.
    pub n: usize,
    /// (name, estimate, standard error), intercept first.
    pub coefficients: Vec<(String, f64, f64)>,
    /// R², when y varies.
    pub r_squared: Option<f64>,
    /// Adjusted R².
    pub adj_r_squared: Option<f64>,
    /// Residual standard error.
    pub residual_std_error: f64,
}

impl FitReport {
    fn from_ols(fit: &OlsFit) -> FitReport {
        FitReport {
            n: fit.n,
            coefficients: fit
                .coefficients
                .iter()
                .map(|c| (c.name.clone(), c.estimate, c.std_error))
                .collect(),
            r_squared: fit.r_squared,
            adj_r_squared: fit.adj_r_squared,
            residual_std_error: fit.residual_std_error,
        }
    }

    fn from_poly(fit: &PolyFit, x: &str) -> FitReport {
        let mut r = FitReport::from_ols(&fit.ols);
        let est = fit.power_coefficients();
        let se = fit.power_std_errors();
        r.coefficients = (0..=fit.degree)
            .map(|k| {
                let name = match k {
                    0 => ols::INTERCEPT.to_string(),
                    1 => x.to_string(),
                    k => format!("{x}^{k}"),
                };
                (name, est[k], se[k])
            })
            .collect();
        r
    }

    /// The report as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "n": self.n,
            "coefficients": self.coefficients.iter().map(|(name, estimate, se)| serde_json::json!({
                "name": name,
                "estimate": estimate,
                "std_error": se,
            })).collect::<Vec<_>>(),
            "r_squared": self.r_squared,
            "adj_r_squared": self.adj_r_squared,
            "residual_std_error": self.residual_std_error,
        })
    }
}

/// Fits as `args` asks.
pub fn fit(args: &FitArgs) -> Result<FitReport, FitError> {
    let mut names: Vec<&str> = vec![args.y.as_str()];
    names.extend(args.x.iter().map(String::as_str));
    let cols = read_columns(&args.input, &names)?;
    let (y, xs) = cols
        .split_first()
        .ok_or(FitError::Ols(OlsError::NoParameters))?;
    match args.degree {
        Some(d) if !args.no_intercept => {
            let x = &xs[0];
            let f = poly::fit(x, y, d).map_err(|e| match e {
                PolyError::Ols(o) => FitError::from(o),
                PolyError::NoSpread { .. } => FitError::RankDeficient {
                    columns: vec![args.x[0].clone()],
                },
                other => FitError::Poly(other),
            })?;
            Ok(FitReport::from_poly(&f, &args.x[0]))
        }
        Some(d) => {
            // Without an intercept the scaled basis (which needs one) does not apply: fit the
            // raw powers, centred and scaled column by column by the OLS itself.
            let x = &xs[0];
            let names: Vec<String> = (1..=d)
                .map(|k| match k {
                    1 => args.x[0].clone(),
                    k => format!("{}^{k}", args.x[0]),
                })
                .collect();
            let powers: Vec<Vec<f64>> = (1..=d)
                .map(|k| x.iter().map(|v| v.powi(k as i32)).collect())
                .collect();
            let columns: Vec<(&str, &[f64])> = names
                .iter()
                .zip(&powers)
                .map(|(n, p)| (n.as_str(), p.as_slice()))
                .collect();
            Ok(FitReport::from_ols(&ols::fit(&columns, y, false)?))
        }
        None => {
            let columns: Vec<(&str, &[f64])> = args
                .x
                .iter()
                .zip(xs)
                .map(|(n, c)| (n.as_str(), c.as_slice()))
                .collect();
            Ok(FitReport::from_ols(&ols::fit(
                &columns,
                y,
                !args.no_intercept,
            )?))
        }
    }
}

/// Runs `fit`, writing JSON to `out`.
pub fn run(args: &FitArgs, out: &mut impl Write) -> Result<(), crate::CliError> {
    let report = fit(args)?;
    let text = serde_json::to_string_pretty(&report.to_json()).unwrap_or_else(|_| "{}".to_string());
    writeln!(out, "{text}")?;
    out.flush()?;
    Ok(())
}
