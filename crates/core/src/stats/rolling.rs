//! Rolling regression over the last N observations, refitted as buckets close.
//!
//! The window is a ring buffer; each [`RollingOls::fit`] re-solves it by Householder QR, which
//! costs O(N p²) flops — about 2,000 multiply-adds for a 60-bucket window and a trend with an
//! intercept, negligible at bucket-close rates. A Givens update/downdate would be O(p²) per
//! bucket but drifts in floating point (downdating is not backward stable); at dashboard
//! window sizes the fresh solve is both simpler and exact to the last digit.

use std::collections::VecDeque;

use thiserror::Error;

use super::ols::{self, OlsError, OlsFit};

/// Why a rolling regression could not be set up or fed.
#[derive(Clone, Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum RollingError {
    /// The window cannot hold more observations than parameters.
    #[error("a window of {window} cannot fit {parameters} parameters (need window > p)")]
    WindowTooSmall {
        /// Window length.
        window: usize,
        /// Parameters, the intercept included.
        parameters: usize,
    },
    /// A row with the wrong number of regressors.
    #[error("row has {len} regressors, the model {expected}")]
    WrongRowLength {
        /// Regressors given.
        len: usize,
        /// Regressors expected.
        expected: usize,
    },
}

/// Least squares over a sliding window of the most recent rows.
#[derive(Clone, Debug)]
pub struct RollingOls {
    names: Vec<String>,
    intercept: bool,
    window: usize,
    rows: VecDeque<(Vec<f64>, f64)>,
}

impl RollingOls {
    /// A window of `window` rows over the named regressors.
    pub fn new(names: &[&str], window: usize, intercept: bool) -> Result<Self, RollingError> {
        let parameters = names.len() + usize::from(intercept);
        if window <= parameters {
            return Err(RollingError::WindowTooSmall { window, parameters });
        }
        Ok(RollingOls {
            names: names.iter().map(|s| s.to_string()).collect(),
            intercept,
            window,
            rows: VecDeque::with_capacity(window),
        })
    }

    /// Adds one observation, evicting the oldest once the window is full.
    pub fn push(&mut self, x: &[f64], y: f64) -> Result<(), RollingError> {
        if x.len() != self.names.len() {
            return Err(RollingError::WrongRowLength {
                len: x.len(),
                expected: self.names.len(),
            });
        }
        if self.rows.len() == self.window {
            self.rows.pop_front();
        }
        self.rows.push_back((x.to_vec(), y));
        Ok(())
    }

    /// Rows currently in the window.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the window is empty.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The window's length N.
    pub fn window(&self) -> usize {
        self.window
    }

    /// Whether the window holds its full N rows.
    pub fn is_full(&self) -> bool {
        self.rows.len() == self.window
    }

    /// Fits the rows in the window (fewer than N while it fills). O(N p²).
    pub fn fit(&self) -> Result<OlsFit, OlsError> {
        let columns: Vec<Vec<f64>> = (0..self.names.len())
            .map(|j| self.rows.iter().map(|(x, _)| x[j]).collect())
            .collect();
        let y: Vec<f64> = self.rows.iter().map(|(_, y)| *y).collect();
        let named: Vec<(&str, &[f64])> = self
            .names
            .iter()
            .zip(&columns)
            .map(|(n, c)| (n.as_str(), c.as_slice()))
            .collect();
        ols::fit(&named, &y, self.intercept)
    }
}
