//! What cleaning did, for the user: reasons, the quarantine of rejected rows, and counts.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;

use crate::decode::text::truncate;
use crate::decode::{DecodeError, Position, Role};
use crate::model::Label;

/// Why a row was rejected, or why an accepted trade was flagged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Reason {
    /// The price is not a number above zero and at most [`super::MAX_AMOUNT`], or could not be
    /// read.
    InvalidPrice,
    /// The quantity is not a number above zero and at most [`super::MAX_AMOUNT`], nor is price
    /// × quantity, or the quantity could not be read.
    InvalidQuantity,
    /// The row has no time.
    MissingTime,
    /// The time could not be read, or is implausibly early (a unit mistake).
    BadTime,
    /// The time is further in the future than the clock tolerance.
    FutureTime,
    /// The feed delivered this trade id before.
    Duplicate,
    /// The row could not be read for another reason (shape, side, encoding, length).
    Malformed,
    /// Accepted, but the price is far from the symbol's recent prices (flag only).
    Outlier,
}

impl Reason {
    /// Every reason, in report order.
    pub const ALL: [Reason; 8] = [
        Reason::InvalidPrice,
        Reason::InvalidQuantity,
        Reason::MissingTime,
        Reason::BadTime,
        Reason::FutureTime,
        Reason::Duplicate,
        Reason::Malformed,
        Reason::Outlier,
    ];

    /// Stable machine name.
    pub const fn name(self) -> &'static str {
        match self {
            Reason::InvalidPrice => "invalid_price",
            Reason::InvalidQuantity => "invalid_quantity",
            Reason::MissingTime => "missing_time",
            Reason::BadTime => "bad_time",
            Reason::FutureTime => "future_time",
            Reason::Duplicate => "duplicate",
            Reason::Malformed => "malformed",
            Reason::Outlier => "outlier",
        }
    }

    /// One sentence for the user.
    pub const fn explain(self) -> &'static str {
        match self {
            Reason::InvalidPrice => "price missing, unreadable, not above zero or above 1e15",
            Reason::InvalidQuantity => {
                "quantity missing, unreadable, not above zero, or it or price × quantity above 1e15"
            }
            Reason::MissingTime => "no time given",
            Reason::BadTime => "time unreadable or before 2000 (wrong unit?)",
            Reason::FutureTime => "time too far in the future",
            Reason::Duplicate => "already received (same feed and trade id)",
            Reason::Malformed => "row could not be read",
            Reason::Outlier => "price far from recent prices (kept, flagged)",
        }
    }

    /// The reason a decoding error stands for.
    pub fn of_decode_error(e: &DecodeError) -> Reason {
        match (e, e.role()) {
            (_, Some(Role::Price)) => Reason::InvalidPrice,
            (_, Some(Role::Qty)) => Reason::InvalidQuantity,
            (DecodeError::Missing { .. }, Some(Role::Time)) => Reason::MissingTime,
            (_, Some(Role::Time)) => Reason::BadTime,
            _ => Reason::Malformed,
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One quarantined row.
#[derive(Clone, Debug, PartialEq)]
pub struct QuarantineEntry {
    /// Why it was rejected.
    pub reason: Reason,
    /// The feed it came from.
    pub feed: Label,
    /// Its raw text (or a rendering of the decoded trade), truncated.
    pub raw: String,
    /// Where in the input, when known.
    pub position: Option<Position>,
    /// The details (the decoder's message, the offending value).
    pub detail: String,
}

/// The latest rejected rows, at most `capacity` of them, each raw text at most `raw_limit`
/// bytes. The counts in [`QualityReport`] are kept in full, whatever the quarantine dropped.
#[derive(Clone, Debug)]
pub struct Quarantine {
    entries: VecDeque<QuarantineEntry>,
    capacity: usize,
    raw_limit: usize,
}

impl Quarantine {
    /// An empty quarantine.
    pub fn new(capacity: usize, raw_limit: usize) -> Quarantine {
        Quarantine {
            entries: VecDeque::new(),
            capacity,
            raw_limit,
        }
    }

    /// Adds an entry, truncating its raw text, dropping the oldest past capacity.
    pub fn push(&mut self, mut entry: QuarantineEntry) {
        if self.capacity == 0 {
            return;
        }
        entry.raw = truncate(&entry.raw, self.raw_limit).to_string();
        entry.detail = truncate(&entry.detail, self.raw_limit).to_string();
        if self.entries.len() == self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    /// The entries, oldest first.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = &QuarantineEntry> {
        self.entries.iter()
    }

    /// Number of entries held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Counts of one feed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeedCounts {
    /// Trades accepted (flagged ones included).
    pub accepted: u64,
    /// Rows a decoder deliberately left out ([`crate::decode::Control::Skipped`]: failed
    /// payments, voided orders): not errors, but the user should see how many.
    pub skipped: u64,
    /// Rows rejected or trades flagged, per reason.
    pub by_reason: BTreeMap<Reason, u64>,
}

impl FeedCounts {
    /// Rows rejected, all reasons but [`Reason::Outlier`] (a flag, not a rejection).
    pub fn rejected(&self) -> u64 {
        self.by_reason
            .iter()
            .filter(|(r, _)| **r != Reason::Outlier)
            .map(|(_, n)| n)
            .sum()
    }
}

/// What cleaning did since the cleaner was made: never truncated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QualityReport {
    /// Counts over all feeds.
    pub total: FeedCounts,
    /// Counts per feed.
    pub feeds: BTreeMap<Label, FeedCounts>,
}

impl QualityReport {
    pub(crate) fn count_skipped(&mut self, feed: &Label) {
        self.total.skipped += 1;
        self.feeds.entry(feed.clone()).or_default().skipped += 1;
    }

    pub(crate) fn count(&mut self, feed: &Label, reason: Option<Reason>) {
        let f = self.feeds.entry(feed.clone()).or_default();
        for c in [&mut self.total, f] {
            match reason {
                None => c.accepted += 1,
                Some(r) => *c.by_reason.entry(r).or_default() += 1,
            }
        }
    }
}
