//! `tradelens validate`: decode and clean the whole file, then report what was accepted,
//! skipped and rejected (per reason), and the first rejected rows. Rejects are the point of
//! the report, not a failure: the exit code is 0 unless the file cannot be read.

use std::io::Write;

use tradelens_core::clean::{CleanConfig, QuarantineEntry, Reason};

use crate::args::InputArgs;
use crate::input::CleanStream;
use crate::CliError;

/// Rejected rows shown.
pub const SHOWN: usize = 10;
/// Rows the quarantine keeps while reading: enough that the first [`SHOWN`] survive a chunk
/// full of rejects (a 64 KiB chunk holds at most a few thousand rows).
const QUARANTINE: usize = 20_000;

/// Runs `validate`, writing the report to `out`.
pub fn run(args: &InputArgs, out: &mut impl Write) -> Result<(), CliError> {
    let config = CleanConfig {
        quarantine_capacity: QUARANTINE,
        ..CleanConfig::default()
    };
    let mut stream = CleanStream::open_with(args, config)?;
    let mut first: Vec<QuarantineEntry> = Vec::new();
    while stream.next_batch()?.is_some() {
        let q = stream.cleaner.quarantine();
        if first.len() < SHOWN && q.len() > first.len() {
            // The quarantine drops its oldest rows only past its capacity; until then its
            // first entries are the file's first rejects.
            first = q.entries().take(SHOWN).cloned().collect();
        }
    }
    let report = stream.cleaner.report();
    let t = &report.total;
    writeln!(out, "file: {}", args.input.display())?;
    writeln!(out, "format: {}", stream.trades.format().name())?;
    writeln!(out, "bytes: {}", stream.trades.bytes)?;
    writeln!(out, "accepted: {}", t.accepted)?;
    writeln!(out, "skipped: {}", t.skipped)?;
    writeln!(out, "rejected: {}", t.rejected())?;
    let flagged = t.by_reason.get(&Reason::Outlier).copied().unwrap_or(0);
    writeln!(out, "flagged: {flagged}")?;
    writeln!(out, "by reason:")?;
    for r in Reason::ALL {
        let n = t.by_reason.get(&r).copied().unwrap_or(0);
        if n > 0 {
            writeln!(out, "  {:<17} {n:>10}  {}", r.name(), r.explain())?;
        }
    }
    if !first.is_empty() {
        writeln!(out, "first quarantined rows:")?;
        for e in &first {
            let at = e
                .position
                .as_ref()
                .map_or_else(|| "-".to_string(), ToString::to_string);
            writeln!(out, "  {at}: {}: {}", e.reason.name(), e.detail)?;
            if !e.raw.is_empty() {
                writeln!(out, "    {}", e.raw.replace('\n', "\\n"))?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
