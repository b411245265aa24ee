//! Cutting a stream of accepted trades into chunks.

use std::collections::HashSet;

use super::chunk::{Chunk, ChunkError, Intern};
use crate::model::Trade;

/// Groups trades into chunks: a chunk is cut when it holds `max_trades`, or when it has been
/// open `max_open_ms` (so a slow feed still reaches storage within that delay).
#[derive(Debug)]
pub struct ChunkBuilder {
    max_trades: usize,
    max_open_ms: i64,
    open: Chunk,
    intern: Intern,
    seen: HashSet<u64>,
    opened_at_ms: Option<i64>,
}

impl ChunkBuilder {
    /// A builder cutting at `max_trades` trades (at least 1) or `max_open_ms` ms of wall time.
    pub fn new(max_trades: usize, max_open_ms: i64) -> ChunkBuilder {
        ChunkBuilder {
            max_trades: max_trades.max(1),
            max_open_ms,
            open: Chunk::empty(),
            intern: Intern::new(),
            seen: HashSet::new(),
            opened_at_ms: None,
        }
    }

    /// Adds a trade at wall time `now_ms`; returns the chunk this completes, if any. A trade
    /// whose id is already in the open chunk, or whose time the layout cannot hold, is refused
    /// and the open chunk is unchanged.
    pub fn push(&mut self, trade: &Trade, now_ms: i64) -> Result<Option<Chunk>, ChunkError> {
        if self.seen.contains(&trade.id) {
            return Err(ChunkError::DuplicateId { id: trade.id });
        }
        self.open.append(trade, &mut self.intern)?;
        self.seen.insert(trade.id);
        self.opened_at_ms.get_or_insert(now_ms);
        if self.open.len() >= self.max_trades {
            return Ok(self.finish());
        }
        Ok(None)
    }

    /// The open chunk, if it has been open at least `max_open_ms` at `now_ms`.
    pub fn poll(&mut self, now_ms: i64) -> Option<Chunk> {
        let due = self
            .opened_at_ms
            .is_some_and(|t| now_ms.saturating_sub(t) >= self.max_open_ms);
        if due {
            self.finish()
        } else {
            None
        }
    }

    /// Trades waiting in the open chunk.
    pub fn pending(&self) -> usize {
        self.open.len()
    }

    /// Cuts the open chunk now (page hide, shutdown), if it holds any trade.
    pub fn finish(&mut self) -> Option<Chunk> {
        self.intern.clear();
        self.seen.clear();
        self.opened_at_ms = None;
        let c = std::mem::replace(&mut self.open, Chunk::empty());
        (!c.is_empty()).then_some(c)
    }
}
