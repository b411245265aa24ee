//! What a feed is (its configuration) and how it is doing (its status).

use std::collections::VecDeque;

use leptos::prelude::*;
use tradelens_core::decode::generic::Mapping;
use tradelens_core::feed::preview::SampleFormat;
use tradelens_core::feed::venue::Preset;

/// Error lines kept per feed.
const ERRORS_KEPT: usize = 5;

/// A feed's stable identity in this page.
pub type FeedId = u32;

/// A file's dialect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FileFormat {
    /// JSON, NDJSON, CSV or an HTML page, with a mapping.
    Generic(SampleFormat),
    /// Shopify's order export.
    Shopify,
    /// Stripe's payments export.
    Stripe,
}

/// What a feed reads; saved (as JSON) in the feed list, so it carries no secret.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum FeedSpec {
    /// The built-in demo (runs inside [`Live`]).
    Demo,
    /// A venue's public trade stream.
    Venue(Preset),
    /// An HTTP endpoint polled for JSON, NDJSON, CSV or an HTML page.
    Poll {
        /// URL.
        url: String,
        /// Body format.
        format: SampleFormat,
        /// Field mapping (for HTML, cell selectors: `td.price`, `time@datetime`).
        mapping: Mapping,
        /// HTML pages: the CSS selector of the rows.
        rows: Option<String>,
        /// Time between polls, ms.
        interval_ms: u64,
    },
    /// Server-sent events, each event's data one or more JSON objects.
    Sse {
        /// URL.
        url: String,
        /// Named event type carrying the data (`event: order`), besides unnamed events.
        event: String,
        /// Field mapping.
        mapping: Mapping,
    },
    /// A file imported once.
    File {
        /// File name.
        name: String,
        /// Dialect.
        format: FileFormat,
        /// Mapping, for generic formats.
        mapping: Option<Mapping>,
        /// HTML pages: the CSS selector of the rows.
        rows: Option<String>,
    },
}

impl FeedSpec {
    /// The id the cleaner and quality report know this feed by.
    pub fn key(&self) -> String {
        match self {
            FeedSpec::Demo => "demo".into(),
            FeedSpec::Venue(p) => p.feed_id(),
            FeedSpec::Poll { url, .. } | FeedSpec::Sse { url, .. } => url.clone(),
            FeedSpec::File { name, .. } => format!("file:{name}"),
        }
    }

    /// A short title for the list.
    pub fn title(&self) -> String {
        match self {
            FeedSpec::Demo => "Built-in demo".into(),
            FeedSpec::Venue(p) => format!("{} {}", p.venue.title(), p.symbol),
            FeedSpec::Poll { url, format, .. } => format!("HTTP {} {url}", format.name()),
            FeedSpec::Sse { url, .. } => format!("SSE {url}"),
            FeedSpec::File { name, .. } => format!("File {name}"),
        }
    }
}

/// Where a feed stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// Bringing back the feed's saved trades before connecting.
    Restoring,
    /// Another tab holds this feed's connection; this one waits to take over.
    Standby,
    /// Opening a connection.
    Connecting,
    /// Receiving.
    Connected,
    /// Waiting before the next attempt, until this time (ms since the epoch).
    Reconnecting {
        /// When the next attempt starts.
        at_ms: i64,
    },
    /// Stopped by the user.
    Paused,
    /// Reading a file.
    Importing,
    /// A file was read to its end.
    Done,
    /// Stopped for good, with why.
    Stopped(String),
}

impl Phase {
    /// Machine name, for `data-state`.
    pub fn name(&self) -> &'static str {
        match self {
            Phase::Restoring => "restoring",
            Phase::Standby => "standby",
            Phase::Connecting => "connecting",
            Phase::Connected => "connected",
            Phase::Reconnecting { .. } => "reconnecting",
            Phase::Paused => "paused",
            Phase::Importing => "importing",
            Phase::Done => "done",
            Phase::Stopped(_) => "stopped",
        }
    }
}

/// A feed's live status, shown in its status line.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedStatus {
    /// Where it stands.
    pub phase: Phase,
    /// When the last message arrived, ms since the epoch.
    pub last_message_ms: Option<i64>,
    /// Trades accepted into the engine (after dedup) since the page opened.
    pub accepted: u64,
    /// Trades restored from storage when the page opened (or read from another tab's saves).
    pub restored: u64,
    /// Trades this page saved to storage (new to it: replays are not counted).
    pub saved: u64,
    /// Trades read from storage, duplicates included (equal to `restored` unless storage
    /// held a trade twice, or one this page already had).
    pub stored_read: u64,
    /// Trades per second over the last few seconds.
    pub rate: f64,
    /// Lowest and highest trade id accepted (venue feeds).
    pub ids: Option<(u64, u64)>,
    /// Missing ids recovered by backfill.
    pub gaps_filled: u64,
    /// Missing ids not recovered.
    pub gaps_unfilled: u64,
    /// Reconnections after a failure.
    pub reconnects: u32,
    /// Errors seen.
    pub errors: u64,
    /// The latest errors, newest last.
    pub recent_errors: VecDeque<String>,
    /// File import: bytes read, size, bytes per second.
    pub progress: Option<(f64, f64, f64)>,
}

impl Default for FeedStatus {
    fn default() -> Self {
        FeedStatus {
            phase: Phase::Connecting,
            last_message_ms: None,
            accepted: 0,
            restored: 0,
            stored_read: 0,
            saved: 0,
            rate: 0.0,
            ids: None,
            gaps_filled: 0,
            gaps_unfilled: 0,
            reconnects: 0,
            errors: 0,
            recent_errors: VecDeque::new(),
            progress: None,
        }
    }
}

impl FeedStatus {
    /// Counts an error and keeps its text among the latest.
    pub fn error(&mut self, e: impl ToString) {
        self.errors += 1;
        if self.recent_errors.len() == ERRORS_KEPT {
            self.recent_errors.pop_front();
        }
        self.recent_errors.push_back(e.to_string());
    }
}

/// One row of the feed list.
#[derive(Clone, Debug)]
pub struct FeedEntry {
    /// Identity.
    pub id: FeedId,
    /// Configuration.
    pub spec: FeedSpec,
    /// Live status.
    pub status: RwSignal<FeedStatus>,
}
