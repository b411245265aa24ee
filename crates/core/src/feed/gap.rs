//! Gaps in consecutive trade ids, and backfill requests to close them.
//!
//! Venues that number each symbol's trades 1, 2, 3… show a lost message as a jump in ids. The
//! tracker notices jumps, hands out [`Backfill`]s that page through the venue's history, and
//! counts how many ids were filled and how many stayed unfilled (history refused, blocked by
//! CORS, or too old), so the screen never claims completeness it does not have.
//!
//! The three venues page differently ([`Paging`]): Binance upwards from an id
//! (`historicalTrades?fromId=`), Coinbase downwards below an id (`trades?after=`, newest
//! first), Kraken forwards in time from a nanosecond cursor (`Trades?since=`, the response's
//! `last` being the next cursor), which is why a gap remembers the time of the trade before it.

use std::collections::VecDeque;

/// Ids missing between two received trades: `from..=to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gap {
    /// First missing id.
    pub from: u64,
    /// Last missing id.
    pub to: u64,
    /// Time of the trade just before the gap (id `from - 1`), ms, when known: where a
    /// time-cursor history starts.
    pub after_ms: Option<i64>,
}

impl Gap {
    /// The gap `from..=to`, with no time known.
    pub const fn new(from: u64, to: u64) -> Gap {
        Gap {
            from,
            to,
            after_ms: None,
        }
    }

    /// Number of missing ids.
    pub fn len(&self) -> u64 {
        self.to.saturating_sub(self.from).saturating_add(1)
    }

    /// Never true: a gap holds at least one id.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// How a venue's history is paged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paging {
    /// Upwards from an id, oldest first (Binance `historicalTrades?fromId=`).
    FromId,
    /// Downwards, ids strictly below a bound, newest first (Coinbase `trades?after=`).
    BelowId,
    /// Forwards from a time cursor in nanoseconds (Kraken `Trades?since=`).
    SinceTime,
}

/// One page to request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageRequest {
    /// Trades from `from_id` upwards, at most `limit`.
    FromId {
        /// First id wanted.
        from_id: u64,
        /// Page size.
        limit: u32,
    },
    /// The newest trades with ids below `below_id`, at most `limit`.
    BelowId {
        /// Exclusive upper bound.
        below_id: u64,
        /// Page size.
        limit: u32,
    },
    /// Trades after the time cursor `since` (nanoseconds, as the venue spells it).
    Since {
        /// The cursor.
        since: String,
        /// Page size.
        limit: u32,
    },
}

/// Where a backfill stands after a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackfillProgress {
    /// More pages are needed: request [`Backfill::next_request`].
    More,
    /// Every id of the gap came back.
    Done {
        /// Ids filled by this backfill.
        filled: u64,
    },
    /// The venue returned nothing new, or skipped ids: the rest stays missing.
    Stuck {
        /// Ids filled by this backfill.
        filled: u64,
        /// Ids still missing.
        unfilled: u64,
    },
}

/// Paging through the history of one gap.
#[derive(Clone, Debug, PartialEq)]
pub struct Backfill {
    /// The gap being filled.
    pub gap: Gap,
    paging: Paging,
    page: u32,
    /// Lowest id not yet covered (upward paging).
    next_from: u64,
    /// Highest id not yet covered, plus one (downward paging).
    below: u64,
    /// Time cursor (time paging): the one to send, and whether the last page moved it.
    cursor: Option<String>,
    cursor_moved: bool,
    filled: u64,
    finished: bool,
}

impl Backfill {
    /// Binance's largest page.
    pub const BINANCE_PAGE: u32 = 1000;
    /// Coinbase's largest page.
    pub const COINBASE_PAGE: u32 = 1000;
    /// Kraken's largest page.
    pub const KRAKEN_PAGE: u32 = 1000;

    /// A backfill of `gap` paging upwards by id in pages of `page` trades.
    pub fn new(gap: Gap, page: u32) -> Backfill {
        Backfill::with_paging(gap, Paging::FromId, page)
    }

    /// A backfill of `gap` paged as `paging` says. A time cursor needs the gap's
    /// [`Gap::after_ms`]; without it the backfill has nothing to ask for and gives up.
    pub fn with_paging(gap: Gap, paging: Paging, page: u32) -> Backfill {
        // Back by one nanosecond from the millisecond of the trade before the gap: trades of
        // that same millisecond come back too (ignored when known), none is skipped.
        let cursor = gap
            .after_ms
            .map(|ms| (i128::from(ms) * 1_000_000 - 1).max(0).to_string());
        let mut b = Backfill {
            gap,
            paging,
            page: page.max(1),
            next_from: gap.from,
            below: gap.to.saturating_add(1),
            cursor,
            cursor_moved: true,
            filled: 0,
            finished: false,
        };
        if paging == Paging::SinceTime && b.cursor.is_none() {
            b.finished = true;
        }
        b
    }

    fn left(&self) -> u64 {
        match self.paging {
            Paging::BelowId => self.below.saturating_sub(self.gap.from),
            Paging::FromId | Paging::SinceTime => {
                self.gap.to.saturating_add(1).saturating_sub(self.next_from)
            }
        }
    }

    /// The next page to ask for, or `None` when the gap is covered or given up.
    pub fn next_request(&self) -> Option<PageRequest> {
        let left = self.left();
        if self.finished || left == 0 {
            return None;
        }
        let limit = left.min(u64::from(self.page)) as u32;
        Some(match self.paging {
            Paging::FromId => PageRequest::FromId {
                from_id: self.next_from,
                limit,
            },
            Paging::BelowId => PageRequest::BelowId {
                below_id: self.below,
                limit,
            },
            Paging::SinceTime => PageRequest::Since {
                since: self.cursor.clone()?,
                limit: self.page,
            },
        })
    }

    /// The time cursor the venue gave for the next page (Kraken's `last`); call before
    /// [`Backfill::on_page`].
    pub fn set_cursor(&mut self, cursor: &str) {
        self.cursor_moved = self.cursor.as_deref() != Some(cursor);
        self.cursor = Some(cursor.to_string());
    }

    /// The ids a page returned (any order; ids outside what is still missing are ignored).
    pub fn on_page(&mut self, ids: &[u64]) -> BackfillProgress {
        if self.finished {
            return self.give_up();
        }
        let moved = match self.paging {
            Paging::FromId | Paging::SinceTime => {
                let start = self.next_from;
                let mut top = start;
                for &id in ids.iter().filter(|&&id| id >= start) {
                    if id <= self.gap.to {
                        self.filled += 1;
                    }
                    top = top.max(id.saturating_add(1));
                }
                self.next_from = top;
                top > start
                    || (self.paging == Paging::SinceTime && self.cursor_moved && !ids.is_empty())
            }
            Paging::BelowId => {
                let below = self.below;
                let mut low = below;
                for &id in ids.iter().filter(|&&id| id < below) {
                    if id >= self.gap.from {
                        self.filled += 1;
                    }
                    low = low.min(id);
                }
                self.below = low.max(self.gap.from);
                low < below
            }
        };
        if !moved {
            return self.give_up();
        }
        if self.left() == 0 {
            self.finished = true;
            return self.outcome();
        }
        BackfillProgress::More
    }

    fn outcome(&self) -> BackfillProgress {
        let unfilled = self.gap.len().saturating_sub(self.filled);
        if unfilled == 0 {
            BackfillProgress::Done {
                filled: self.filled,
            }
        } else {
            BackfillProgress::Stuck {
                filled: self.filled,
                unfilled,
            }
        }
    }

    /// History is unavailable (blocked, refused, exhausted): whatever is left stays missing.
    pub fn give_up(&mut self) -> BackfillProgress {
        self.finished = true;
        self.outcome()
    }
}

/// Tracks the highest id of one consecutive-id sequence and the gaps found in it.
#[derive(Clone, Debug, PartialEq)]
pub struct GapTracker {
    last: Option<u64>,
    /// Time of the trade with id `last`, when known.
    last_ms: Option<i64>,
    pending: VecDeque<Gap>,
    max_pending: usize,
    max_backfill: u64,
    filled: u64,
    unfilled: u64,
}

/// Largest gap backfilled by default, in ids: a page restarted over a long stored history
/// is away from a busy symbol for as long as the restore takes (the simulator's BTC runs at
/// about 2,500 ids a second when it sends 5,000 trades a second in all). A million ids is a
/// thousand pages of Binance's 1,000; they are fetched one after another and a 429 waits its
/// `Retry-After`, so the bound is on time and requests, never on memory.
pub const MAX_BACKFILL_IDS: u64 = 1_000_000;

impl Default for GapTracker {
    fn default() -> Self {
        GapTracker::new(16, MAX_BACKFILL_IDS)
    }
}

impl GapTracker {
    /// A tracker queueing at most `max_pending` gaps, and backfilling gaps of at most
    /// `max_backfill` ids (bigger ones, or ones past the queue, are unfilled at once).
    pub fn new(max_pending: usize, max_backfill: u64) -> GapTracker {
        GapTracker {
            last: None,
            last_ms: None,
            pending: VecDeque::new(),
            max_pending,
            max_backfill,
            filled: 0,
            unfilled: 0,
        }
    }

    /// The highest id seen.
    pub fn last(&self) -> Option<u64> {
        self.last
    }

    /// Sees a received id; returns the gap it reveals, if any (also queued for backfill).
    pub fn observe(&mut self, id: u64) -> Option<Gap> {
        self.observe_at(id, None)
    }

    /// Sees a received trade and its time: a gap it reveals knows when the trade before it
    /// happened, so a time-cursor history ([`Paging::SinceTime`]) can start there.
    pub fn observe_trade(&mut self, id: u64, time_ms: i64) -> Option<Gap> {
        self.observe_at(id, Some(time_ms))
    }

    fn observe_at(&mut self, id: u64, time_ms: Option<i64>) -> Option<Gap> {
        let Some(last) = self.last else {
            self.last = Some(id);
            self.last_ms = time_ms;
            return None;
        };
        if id <= last {
            return None;
        }
        let after_ms = self.last_ms;
        self.last = Some(id);
        if time_ms.is_some() {
            self.last_ms = time_ms;
        }
        if id == last + 1 {
            return None;
        }
        let gap = Gap {
            from: last + 1,
            to: id - 1,
            after_ms,
        };
        if gap.len() > self.max_backfill || self.pending.len() >= self.max_pending {
            self.unfilled = self.unfilled.saturating_add(gap.len());
        } else {
            self.pending.push_back(gap);
        }
        Some(gap)
    }

    /// The venue says it published every id up to `id` (Coinbase's heartbeat
    /// `last_trade_id`): ids past the highest seen are missing, and `id` becomes the highest.
    pub fn observe_published(&mut self, id: u64) -> Option<Gap> {
        match self.last {
            Some(last) if id > last => {
                // As if `id + 1` had arrived, then `id` is the highest seen after all.
                let gap = self.observe(id.saturating_add(1));
                self.last = Some(id);
                gap
            }
            _ => None,
        }
    }

    /// Takes the next queued gap to backfill.
    pub fn next_gap(&mut self) -> Option<Gap> {
        self.pending.pop_front()
    }

    /// Gaps waiting for backfill.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Marks every queued gap unfilled (no backfill possible for this venue or right now).
    pub fn abandon_pending(&mut self) {
        while let Some(g) = self.pending.pop_front() {
            self.unfilled = self.unfilled.saturating_add(g.len());
        }
    }

    /// Records the outcome of a backfill.
    pub fn record(&mut self, progress: BackfillProgress) {
        match progress {
            BackfillProgress::More => {}
            BackfillProgress::Done { filled } => self.filled = self.filled.saturating_add(filled),
            BackfillProgress::Stuck { filled, unfilled } => {
                self.filled = self.filled.saturating_add(filled);
                self.unfilled = self.unfilled.saturating_add(unfilled);
            }
        }
    }

    /// Ids recovered by backfill.
    pub fn filled(&self) -> u64 {
        self.filled
    }

    /// Ids known missing and not recovered.
    pub fn unfilled(&self) -> u64 {
        self.unfilled
    }
}
