//! Cleaning: decoded trades in, accepted trades out, every rejection explained.
//!
//! For each trade, in order:
//! 1. price and quantity must be finite, above zero and at most [`MAX_AMOUNT`], and so must
//!    their product ([`Reason::InvalidPrice`], [`Reason::InvalidQuantity`]): a larger value is
//!    a typo or hostile, and would overflow the sums every aggregate keeps;
//! 2. the time must be from 2000 on ([`Reason::BadTime`]: earlier is almost always seconds
//!    read as milliseconds) and at most `future_tolerance_ms` past `now`
//!    ([`Reason::FutureTime`]);
//! 3. the (feed, trade id) pair must be new ([`Reason::Duplicate`], see [`dedup`]);
//! 4. the price is compared with the symbol's recent prices: more than `outlier_z` robust
//!    z-scores away, the trade is accepted but flagged [`Reason::Outlier`] (see [`outlier`]).
//!
//! Rows the decoder already rejected arrive as [`Reject`]s and are quarantined under the
//! reason their error stands for (a missing time is [`Reason::MissingTime`]).
//! Rejected rows go to the bounded [`Quarantine`]; the [`QualityReport`] counts everything.
//! Only accepted trades enter the dedup memory, so replaying a batch accepts nothing new.
//!
//! A feed id names one sequence of trade ids: venues number trades per symbol (Binance `t`,
//! Coinbase `trade_id` per product, Kraken per pair), so a feed is a venue and a symbol, like
//! `binance:BTCUSDT`; a shop export is one feed.

pub mod dedup;
pub mod export;
pub mod outlier;
mod report;

pub use dedup::{IdOrder, SeenIds};
pub use report::{FeedCounts, QualityReport, Quarantine, QuarantineEntry, Reason};

use std::collections::HashMap;

use crate::decode::{Control, Decoded, Reject};
use crate::model::{Label, Trade};
use outlier::PriceWindow;

/// The largest price, quantity and price × quantity accepted: 10^15, a thousand times the
/// largest trades ever made, yet far enough from `f64::MAX` that sums of billions of them stay
/// finite.
pub const MAX_AMOUNT: f64 = 1e15;

/// 2000-01-01T00:00:00Z in ms: earlier trade times are taken as a unit mistake.
pub const EARLIEST_MS: i64 = 946_684_800_000;

/// Cleaning settings.
#[derive(Clone, Debug, PartialEq)]
pub struct CleanConfig {
    /// How far past `now` a trade time may be (clock skew), in ms. Default 5 minutes.
    pub future_tolerance_ms: i64,
    /// Loose ids remembered per feed for dedup. Default 65 536.
    pub dedup_capacity: usize,
    /// Recent prices per (feed, symbol) for the outlier test. Default 64.
    pub outlier_window: usize,
    /// Symbols per feed with a price window; past it, new symbols go untested, so memory stays
    /// bounded (shops can have many products). Default 1024.
    pub outlier_symbols: usize,
    /// Fewest recent prices before the outlier test applies. Default 20.
    pub outlier_min: usize,
    /// Robust z-score past which a price is flagged. Default 6 (trade prices have fat tails;
    /// 3.5, the textbook value for normal data, would flag ordinary jumps).
    pub outlier_z: f64,
    /// Entries the quarantine keeps. Default 1000.
    pub quarantine_capacity: usize,
    /// Bytes of raw text kept per quarantine entry. Default 512.
    pub raw_limit: usize,
}

impl Default for CleanConfig {
    fn default() -> Self {
        CleanConfig {
            future_tolerance_ms: 5 * 60 * 1000,
            dedup_capacity: 65_536,
            outlier_window: 64,
            outlier_symbols: 1024,
            outlier_min: 20,
            outlier_z: 6.0,
            quarantine_capacity: 1000,
            raw_limit: 512,
        }
    }
}

/// The result of cleaning one batch.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cleaned {
    /// Accepted trades, in input order.
    pub accepted: Vec<Trade>,
    /// Indexes into `accepted` of flagged trades, with the reason.
    pub flags: Vec<(usize, Reason)>,
    /// The batch's control events, passed through.
    pub events: Vec<Control>,
}

struct FeedState {
    seen: SeenIds,
    prices: HashMap<Label, PriceWindow>,
}

/// Cleans batches from any number of feeds; keeps per-feed dedup and price memory.
pub struct Cleaner {
    config: CleanConfig,
    orders: HashMap<Label, IdOrder>,
    feeds: HashMap<Label, FeedState>,
    quarantine: Quarantine,
    report: QualityReport,
}

impl Cleaner {
    /// A cleaner with `config`.
    pub fn new(config: CleanConfig) -> Cleaner {
        Cleaner {
            quarantine: Quarantine::new(config.quarantine_capacity, config.raw_limit),
            config,
            orders: HashMap::new(),
            feeds: HashMap::new(),
            report: QualityReport::default(),
        }
    }

    /// Declares how `feed` numbers its trades (default [`IdOrder::Unordered`]). Call before
    /// its first batch.
    pub fn set_id_order(&mut self, feed: &str, order: IdOrder) {
        self.orders.insert(feed.into(), order);
    }

    /// The rejected rows kept.
    pub fn quarantine(&self) -> &Quarantine {
        &self.quarantine
    }

    /// Counts since the start.
    pub fn report(&self) -> &QualityReport {
        &self.report
    }

    /// Cleans one decoded batch of `feed`, with `now_ms` the current time.
    pub fn clean(&mut self, feed: &str, batch: Decoded, now_ms: i64) -> Cleaned {
        let feed: Label = self
            .feeds
            .get_key_value(feed)
            .map_or_else(|| feed.into(), |(k, _)| k.clone());
        for r in batch.rejects {
            self.reject_decoded(&feed, r);
        }
        for e in &batch.events {
            if matches!(e, Control::Skipped { .. }) {
                self.report.count_skipped(&feed);
            }
        }
        let mut out = Cleaned {
            events: batch.events,
            ..Cleaned::default()
        };
        for t in batch.trades {
            match self.check(&feed, &t, now_ms) {
                Err(reason) => {
                    self.report.count(&feed, Some(reason));
                    self.quarantine.push(QuarantineEntry {
                        reason,
                        feed: feed.clone(),
                        raw: render(&t),
                        position: None,
                        detail: reason.explain().to_string(),
                    });
                }
                Ok(flag) => {
                    self.report.count(&feed, None);
                    if let Some(r) = flag {
                        self.report.count(&feed, Some(r));
                        out.flags.push((out.accepted.len(), r));
                    }
                    out.accepted.push(t);
                }
            }
        }
        out
    }

    fn reject_decoded(&mut self, feed: &Label, r: Reject) {
        let reason = Reason::of_decode_error(&r.error);
        self.report.count(feed, Some(reason));
        self.quarantine.push(QuarantineEntry {
            reason,
            feed: feed.clone(),
            raw: r.raw,
            position: r.error.position().cloned(),
            detail: r.error.to_string(),
        });
    }

    /// Takes in trades of `feed` delivered before (restored from storage): they are marked
    /// seen, so a replayed or backfilled copy is a duplicate; returns those that were not
    /// seen already (the rest are in memory). Counts nothing in the report.
    pub fn remember(&mut self, feed: &str, trades: Vec<Trade>) -> Vec<Trade> {
        let feed: Label = feed.into();
        let state = feed_state(&mut self.feeds, &self.orders, &self.config, &feed);
        trades
            .into_iter()
            .filter(|t| state.seen.insert(t.id))
            .collect()
    }

    /// `Err(reason)` to reject; `Ok(Some(flag))` to accept flagged.
    fn check(&mut self, feed: &Label, t: &Trade, now_ms: i64) -> Result<Option<Reason>, Reason> {
        let amount = |x: f64| x > 0.0 && x <= MAX_AMOUNT;
        if !amount(t.price) {
            return Err(Reason::InvalidPrice);
        }
        if !amount(t.qty) || !amount(t.price * t.qty) {
            return Err(Reason::InvalidQuantity);
        }
        if t.time_ms < EARLIEST_MS {
            return Err(Reason::BadTime);
        }
        if t.time_ms > now_ms.saturating_add(self.config.future_tolerance_ms) {
            return Err(Reason::FutureTime);
        }
        let cfg = &self.config;
        let state = feed_state(&mut self.feeds, &self.orders, cfg, feed);
        if !state.seen.insert(t.id) {
            return Err(Reason::Duplicate);
        }
        if !state.prices.contains_key(&t.symbol) && state.prices.len() >= cfg.outlier_symbols {
            return Ok(None);
        }
        let window = state.prices.entry(t.symbol.clone()).or_default();
        let flag = window
            .robust_z(t.price, cfg.outlier_min)
            .filter(|z| *z > cfg.outlier_z)
            .map(|_| Reason::Outlier);
        window.push(t.price, cfg.outlier_window);
        Ok(flag)
    }
}

/// `feed`'s state, created with its id order on first use.
fn feed_state<'a>(
    feeds: &'a mut HashMap<Label, FeedState>,
    orders: &HashMap<Label, IdOrder>,
    cfg: &CleanConfig,
    feed: &Label,
) -> &'a mut FeedState {
    feeds.entry(feed.clone()).or_insert_with(|| FeedState {
        seen: SeenIds::new(
            orders.get(feed).copied().unwrap_or(IdOrder::Unordered),
            cfg.dedup_capacity,
        ),
        prices: HashMap::new(),
    })
}

fn render(t: &Trade) -> String {
    format!(
        "id={} time_ms={} price={} qty={} symbol={}",
        t.id,
        t.time_ms,
        Short(t.price),
        Short(t.qty),
        t.symbol
    )
}

/// A number as written by `{}`, but in exponent form when that would take over 20 digits.
struct Short(f64);

impl std::fmt::Display for Short {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_finite() && (self.0 == 0.0 || self.0.abs() >= 1e-6 && self.0.abs() < 1e20) {
            write!(f, "{}", self.0)
        } else {
            write!(f, "{:e}", self.0)
        }
    }
}
