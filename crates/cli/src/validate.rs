//! `tradelens validate`: decode and clean the whole file, then report what was accepted,
//! skipped and rejected (per reason), the span of the accepted trades' times, and the first
//! rejected rows, as one JSON object on one line. Rejects are the point of the report, not a
//! failure: the exit code is 0 unless the file cannot be read.
//!
//! ```json
//! {"file":"v.csv","format":"csv","bytes":123,"accepted":2,"rejected":2,"skipped":0,"flagged":0,
//!  "reasons":{"invalid_price":1,"duplicate":1},
//!  "first_time":"2024-03-30T10:00:00.000Z","last_time":"2024-03-30T10:04:00.250Z",
//!  "quarantined":[{"position":"line 3","reason":"invalid_price",
//!    "detail":"line 3: field `price` (price) has value `abc`, expected a decimal number",
//!    "raw":"2,2024-03-30T10:01:00Z,abc"},
//!   {"position":null,"reason":"duplicate","detail":"already received (same feed and trade id)",
//!    "raw":"id=1 time_ms=1711792920000 price=10 qty=1 symbol=all"}]}
//! ```
//!
//! (one line when printed). `reasons` counts the rejected rows per reason, only those with
//! any, and adds up to `rejected`; outliers are kept and counted in `flagged` instead.
//! `first_time` and `last_time` are the earliest and latest times of the accepted trades, RFC
//! 3339 in UTC with milliseconds, `null` when none was accepted. `quarantined` holds the first
//! rejected rows, at most ten, in the order they were rejected; `position` is `null` where
//! unknown, as for rows rejected after decoding (a duplicate, a time before 2000), whose `raw`
//! is then the decoded trade.

use std::io::Write;

use serde_json::Value;
use tradelens_core::clean::{CleanConfig, QuarantineEntry, Reason};
use tradelens_core::export::rfc3339_ms;

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
    // The earliest and latest time of the accepted trades (flagged outliers included).
    let mut span: Option<(i64, i64)> = None;
    while let Some(accepted) = stream.next_batch()? {
        for t in &accepted {
            span = Some(span.map_or((t.time_ms, t.time_ms), |(lo, hi)| {
                (lo.min(t.time_ms), hi.max(t.time_ms))
            }));
        }
        let q = stream.cleaner.quarantine();
        if first.len() < SHOWN && q.len() > first.len() {
            // The quarantine drops its oldest rows only past its capacity; until then its
            // first entries are the file's first rejects.
            first = q.entries().take(SHOWN).cloned().collect();
        }
    }
    let t = &stream.cleaner.report().total;
    // Outliers are kept and only flagged: counted in `flagged`, not among the rejects, so the
    // reasons add up to `rejected`.
    let reasons: Vec<(&str, String)> = Reason::ALL
        .into_iter()
        .filter(|r| *r != Reason::Outlier)
        .filter_map(|r| {
            let n = t.by_reason.get(&r).copied().unwrap_or(0);
            (n > 0).then(|| (r.name(), json(n)))
        })
        .collect();
    let quarantined: Vec<String> = first
        .iter()
        .map(|e| {
            object(&[
                (
                    "position",
                    json(e.position.as_ref().map(ToString::to_string)),
                ),
                ("reason", json(e.reason.name())),
                ("detail", json(e.detail.as_str())),
                ("raw", json(e.raw.as_str())),
            ])
        })
        .collect();
    let flagged = t.by_reason.get(&Reason::Outlier).copied().unwrap_or(0);
    let fields = [
        ("file", json(args.input.display().to_string())),
        ("format", json(stream.trades.format().name())),
        ("bytes", json(stream.trades.bytes)),
        ("accepted", json(t.accepted)),
        ("rejected", json(t.rejected())),
        ("skipped", json(t.skipped)),
        ("flagged", json(flagged)),
        ("reasons", object(&reasons)),
        ("first_time", json(span.map(|(lo, _)| rfc3339_ms(lo)))),
        ("last_time", json(span.map(|(_, hi)| rfc3339_ms(hi)))),
        ("quarantined", format!("[{}]", quarantined.join(","))),
    ];
    writeln!(out, "{}", object(&fields))?;
    out.flush()?;
    Ok(())
}

/// A value as compact JSON text (`None` is `null`).
fn json(v: impl Into<Value>) -> String {
    v.into().to_string()
}

/// A compact JSON object of members given as JSON text, keys in the order given (serde_json's
/// own map sorts its keys unless its `preserve_order` feature is on).
fn object(members: &[(&str, String)]) -> String {
    let members: Vec<String> = members
        .iter()
        .map(|(k, v)| format!("{}:{v}", json(*k)))
        .collect();
    format!("{{{}}}", members.join(","))
}
