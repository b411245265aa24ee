//! Gaps in consecutive trade ids, and backfill requests to close them.
//!
//! Venues that number each symbol's trades 1, 2, 3… (Binance `t`) show a lost message as a
//! jump in ids. The tracker notices jumps, hands out [`Backfill`]s that page through the
//! venue's history (`historicalTrades?fromId=`, at most 1000 per page), and counts how many
//! ids were filled and how many stayed unfilled (history refused, blocked by CORS, or too
//! old), so the screen never claims completeness it does not have.

use std::collections::VecDeque;

/// Ids missing between two received trades: `from..=to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gap {
    /// First missing id.
    pub from: u64,
    /// Last missing id.
    pub to: u64,
}

impl Gap {
    /// Number of missing ids.
    pub fn len(&self) -> u64 {
        self.to.saturating_sub(self.from).saturating_add(1)
    }

    /// Never true: a gap holds at least one id.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// One page to request: trades from `from_id`, at most `limit` of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackfillRequest {
    /// First id wanted.
    pub from_id: u64,
    /// Page size.
    pub limit: u32,
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
    /// The venue returned nothing new: the rest stays missing.
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
    page: u32,
    next_from: u64,
    filled: u64,
}

impl Backfill {
    /// Binance's largest page.
    pub const BINANCE_PAGE: u32 = 1000;

    /// A backfill of `gap` in pages of `page` trades.
    pub fn new(gap: Gap, page: u32) -> Backfill {
        Backfill {
            gap,
            page: page.max(1),
            next_from: gap.from,
            filled: 0,
        }
    }

    /// The next page to ask for, or `None` when the gap is covered.
    pub fn next_request(&self) -> Option<BackfillRequest> {
        if self.next_from > self.gap.to {
            return None;
        }
        let left = self.gap.to - self.next_from + 1;
        Some(BackfillRequest {
            from_id: self.next_from,
            limit: left.min(u64::from(self.page)) as u32,
        })
    }

    /// The ids a page returned (any order; ids outside the gap are ignored for counting).
    pub fn on_page(&mut self, ids: &[u64]) -> BackfillProgress {
        let start = self.next_from;
        let mut top = start;
        for &id in ids.iter().filter(|&&id| id >= start) {
            if id <= self.gap.to {
                self.filled += 1;
            }
            top = top.max(id.saturating_add(1));
        }
        if top == start {
            return self.give_up();
        }
        self.next_from = top;
        if self.next_from > self.gap.to {
            BackfillProgress::Done {
                filled: self.filled,
            }
        } else {
            BackfillProgress::More
        }
    }

    /// History is unavailable (blocked, refused): whatever is left stays missing.
    pub fn give_up(&mut self) -> BackfillProgress {
        let unfilled = self.gap.len().saturating_sub(self.filled);
        self.next_from = self.gap.to.saturating_add(1);
        BackfillProgress::Stuck {
            filled: self.filled,
            unfilled,
        }
    }
}

/// Tracks the highest id of one consecutive-id sequence and the gaps found in it.
#[derive(Clone, Debug, PartialEq)]
pub struct GapTracker {
    last: Option<u64>,
    pending: VecDeque<Gap>,
    max_pending: usize,
    max_backfill: u64,
    filled: u64,
    unfilled: u64,
}

impl Default for GapTracker {
    fn default() -> Self {
        GapTracker::new(16, 100_000)
    }
}

impl GapTracker {
    /// A tracker queueing at most `max_pending` gaps, and backfilling gaps of at most
    /// `max_backfill` ids (bigger ones, or ones past the queue, are unfilled at once).
    pub fn new(max_pending: usize, max_backfill: u64) -> GapTracker {
        GapTracker {
            last: None,
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
        let Some(last) = self.last else {
            self.last = Some(id);
            return None;
        };
        if id <= last {
            return None;
        }
        self.last = Some(id);
        if id == last + 1 {
            return None;
        }
        let gap = Gap {
            from: last + 1,
            to: id - 1,
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
