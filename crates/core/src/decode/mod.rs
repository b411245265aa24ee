//! Decoders: bytes or text of one venue's dialect in, [`Trade`]s and control events out.
//!
//! Every decoder follows the same contract:
//! - it never panics, whatever the input;
//! - input that cannot be read at all (malformed JSON, an unknown message shape) is an
//!   `Err(DecodeError)` saying where;
//! - a single trade or row that cannot be read (a price that is not a number, a missing time)
//!   becomes a [`Reject`] inside [`Decoded`], so the rest of the message survives and the
//!   cleaning step can quarantine it with a reason;
//! - control messages (shutdown notices, heartbeats, acks, venue errors, page cursors) are
//!   [`Control`] events: the feed client acts on them, they never become trades.
//!
//! Prices and quantities are parsed from decimal text with [`text::parse_decimal`], which is
//! correctly rounded. String identifiers map to `u64` with [`text::id_from_text`] (numbers as
//! themselves, anything else by 64-bit FNV-1a).
//!
//! HTML pages are parsed outside the core (the browser's own parser, or the command line's):
//! [`html`] maps the cells they extract, with the generic decoders' conversions.

pub mod binance;
pub mod coinbase;
pub mod csv;
pub mod encoding;
mod error;
pub mod generic;
pub mod html;
mod json;
pub mod kraken;
pub mod shopify;
pub mod split;
pub mod stripe;
pub mod text;
pub mod time;

pub use error::{DecodeError, Position, Role};

use crate::model::{Dim, Label, Side, Trade};

/// The longest raw text a [`Reject`] keeps, in bytes.
pub const RAW_LIMIT: usize = 512;

/// What one message, page or chunk decoded to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Decoded {
    /// Trades read, in input order.
    pub trades: Vec<Trade>,
    /// Control events, in input order.
    pub events: Vec<Control>,
    /// Trades or rows that could not be read, with why.
    pub rejects: Vec<Reject>,
}

impl Decoded {
    /// Appends everything in `other` to `self`.
    pub fn append(&mut self, mut other: Decoded) {
        self.trades.append(&mut other.trades);
        self.events.append(&mut other.events);
        self.rejects.append(&mut other.rejects);
    }

    /// True when nothing at all was decoded.
    pub fn is_empty(&self) -> bool {
        self.trades.is_empty() && self.events.is_empty() && self.rejects.is_empty()
    }

    /// Rejects the trades of any other symbol than `symbol` (ASCII case aside), quoting `raw`:
    /// for a stream subscribed to one symbol. Venues number trades per symbol, so a stray
    /// symbol's trade would take the id of one of the feed's own and have it dropped as a
    /// duplicate.
    pub fn keep_symbol(&mut self, symbol: &str, raw: &str) {
        if self
            .trades
            .iter()
            .all(|t| t.symbol.eq_ignore_ascii_case(symbol))
        {
            return;
        }
        let single = self.trades.len() == 1;
        for (i, t) in std::mem::take(&mut self.trades).into_iter().enumerate() {
            if t.symbol.eq_ignore_ascii_case(symbol) {
                self.trades.push(t);
                continue;
            }
            let at = if single {
                Position::Message
            } else {
                Position::Item(i)
            };
            let e = DecodeError::invalid(
                at,
                "symbol",
                Role::Symbol,
                &t.symbol,
                "the symbol this feed subscribed to",
            );
            self.rejects.push(Reject::new(e, raw));
        }
    }
}

/// A trade or row that could not be decoded.
#[derive(Clone, Debug, PartialEq)]
pub struct Reject {
    /// What was wrong, and where.
    pub error: DecodeError,
    /// The offending input, truncated to [`RAW_LIMIT`] bytes.
    pub raw: String,
}

impl Reject {
    pub(crate) fn new(error: DecodeError, raw: &str) -> Reject {
        Reject {
            error,
            raw: text::truncate(raw, RAW_LIMIT).to_string(),
        }
    }
}

/// A message that is not a trade but that a feed client must act on or may show.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Control {
    /// The venue will close the connection (Binance `serverShutdown`): reconnect at once.
    ServerShutdown {
        /// When the venue sent the notice, ms since the epoch, if it said.
        time_ms: Option<i64>,
    },
    /// A keep-alive. Coinbase's carries the last trade id, to notice dropped matches.
    Heartbeat {
        /// The product or symbol the heartbeat is for, if any.
        symbol: Option<Label>,
        /// The id of the last trade the venue published on it, if stated.
        last_trade_id: Option<u64>,
    },
    /// The venue acknowledged a subscription request.
    Subscribed {
        /// The venue's own words (channel list, request id), for a log line.
        detail: String,
    },
    /// A venue status message (Kraken `status`: system online, maintenance...).
    Status {
        /// The venue's own words.
        detail: String,
    },
    /// The venue reported an error instead of data.
    VenueError {
        /// The venue's numeric code, if it gave one (Binance `-1121`).
        code: Option<i64>,
        /// The venue's message.
        message: String,
    },
    /// Where the next page of a paginated REST history starts.
    Cursor(PageCursor),
    /// A row that was read but deliberately not turned into a trade (a failed payment, a voided
    /// order): counted and shown, never an error.
    Skipped {
        /// Where in the input.
        at: Position,
        /// Why it was skipped.
        reason: String,
    },
    /// A message of a type this decoder does not know; venues add types over time.
    Ignored {
        /// The message's type name.
        kind: String,
    },
}

/// A pagination cursor of a venue's REST trade history.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PageCursor {
    /// Kraken's `last`: pass as `since` to get the next page (a nanosecond time cursor).
    KrakenSince(String),
    /// Coinbase's `CB-BEFORE` / `CB-AFTER` response headers.
    Coinbase {
        /// Pass as `before` for newer trades.
        before: Option<String>,
        /// Pass as `after` for older trades.
        after: Option<String>,
    },
}

/// Hands out shared [`Label`]s for repeated names, so decoding many trades of one symbol
/// allocates the name once. Holds at most [`Interner::CAPACITY`] names.
#[derive(Clone, Debug, Default)]
pub struct Interner {
    labels: Vec<Label>,
}

impl Interner {
    /// How many distinct names are kept; past it the oldest is dropped.
    pub const CAPACITY: usize = 64;

    /// The shared label for `name`.
    pub fn get(&mut self, name: &str) -> Label {
        if let Some(l) = self.labels.iter().find(|l| &***l == name) {
            return l.clone();
        }
        if self.labels.len() >= Self::CAPACITY {
            self.labels.remove(0);
        }
        let l: Label = name.into();
        self.labels.push(l.clone());
        l
    }
}

/// A trade from an exchange venue: the venue's name goes in the channel dimension, which is
/// how the same symbol on several venues is told apart.
pub(crate) fn venue_trade(
    venue: &Label,
    id: u64,
    time_ms: i64,
    price: f64,
    qty: f64,
    side: Option<Side>,
    symbol: Label,
) -> Trade {
    let mut dims: [Option<Label>; 4] = Default::default();
    dims[Dim::Channel.index()] = Some(venue.clone());
    Trade {
        id,
        time_ms,
        price,
        qty,
        side,
        symbol,
        dims,
    }
}
