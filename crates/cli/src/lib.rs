//! # tradelens-cli
//!
//! The `tradelens` command: the TradeLens core on files, for scripts and big batches.
//! Inputs are read in 64 KiB chunks through the core's streaming decoders and cleaned as they
//! pass, so `aggregate`, `forecast` and `validate` run in memory bounded by the number of
//! output buckets, whatever the file's size.
//!
//! ## Errors and exit codes
//! Nothing here panics on input. A usage mistake exits with 2, a file that cannot be read or
//! data that cannot be used with 1, each with one line on stderr naming the option, line,
//! field or value at fault. Rows that fail cleaning are not errors: `validate` reports them.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod aggregate;
pub mod args;
pub mod fit;
pub mod forecast;
pub mod html;
pub mod input;
pub mod tz;
pub mod validate;

use std::ffi::OsString;
use std::io::Write;

use args::Command;

/// Anything that stops a command.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// The command line is wrong.
    #[error(transparent)]
    Usage(#[from] args::UsageError),
    /// The input cannot be read.
    #[error(transparent)]
    Input(#[from] input::InputError),
    /// The time zone cannot be resolved.
    #[error(transparent)]
    Tz(#[from] tz::TzError),
    /// The fit was refused.
    #[error(transparent)]
    Fit(#[from] fit::FitError),
    /// The forecast was refused.
    #[error(transparent)]
    Forecast(#[from] forecast::ForecastRunError),
    /// Writing the output failed.
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
}

impl CliError {
    /// The process exit code: 2 for usage mistakes, 1 for everything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_)
            | CliError::Input(
                input::InputError::MapNotApplicable(_)
                | input::InputError::RowNotApplicable(_)
                | input::InputError::HtmlMapping(_),
            ) => 2,
            _ => 1,
        }
    }
}

/// Runs the command line `args` (without the program name), writing results to `out`.
pub fn run(args: impl IntoIterator<Item = OsString>, out: &mut impl Write) -> Result<(), CliError> {
    match args::parse(args)? {
        Command::Help => {
            out.write_all(args::USAGE.as_bytes())?;
            Ok(())
        }
        Command::Aggregate(a) => aggregate::run(&a, out),
        Command::Fit(f) => fit::run(&f, out),
        Command::Forecast(f) => forecast::run(&f, out),
        Command::Validate(v) => validate::run(&v, out),
    }
}
