//! Which trade ids a feed has already delivered, in bounded memory.
//!
//! Two structures answer "seen before?":
//! - for feeds with consecutive ids (Binance `t`, Coinbase `trade_id`, Kraken `trade_id`), a
//!   contiguous interval `[lo, hi]` of ids all seen: it grows at either end as ids arrive
//!   (live ids past `hi`, backfill below `lo`) and costs two integers however long the feed;
//! - for every feed, a set of the most recent ids outside that interval, at most `capacity`
//!   of them, forgetting the oldest first. Ids absorbed into the interval leave the set.
//!
//! An id forgotten by the set (more than `capacity` newer ids arrived outside the interval
//! since) would be accepted again: the price of bounded memory. Replaying a batch is a no-op
//! as long as the batch holds at most `capacity` ids outside the interval.

use std::collections::{HashSet, VecDeque};

/// How a feed numbers its trades.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdOrder {
    /// Consecutive integers (exchange trade ids): a watermark interval covers them cheaply.
    Consecutive,
    /// No order (hashed ids of orders or payments): only the recent-id set applies.
    Unordered,
}

/// Seen ids of one feed.
#[derive(Clone, Debug)]
pub struct SeenIds {
    order: IdOrder,
    interval: Option<(u64, u64)>,
    set: HashSet<u64>,
    fifo: VecDeque<u64>,
    capacity: usize,
}

impl SeenIds {
    /// An empty record for a feed numbered as `order`, remembering `capacity` loose ids.
    pub fn new(order: IdOrder, capacity: usize) -> SeenIds {
        SeenIds {
            order,
            interval: None,
            set: HashSet::new(),
            fifo: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    /// Records `id`; false when it was seen before.
    pub fn insert(&mut self, id: u64) -> bool {
        if let Some((lo, hi)) = self.interval {
            if (lo..=hi).contains(&id) {
                return false;
            }
        }
        if self.set.contains(&id) {
            return false;
        }
        if self.order == IdOrder::Consecutive {
            match self.interval {
                None => {
                    self.interval = Some((id, id));
                    self.absorb();
                    return true;
                }
                Some((lo, hi)) if id == hi.wrapping_add(1) || id.wrapping_add(1) == lo => {
                    self.interval = Some((lo.min(id), hi.max(id)));
                    self.absorb();
                    return true;
                }
                Some(_) => {}
            }
        }
        self.set.insert(id);
        self.fifo.push_back(id);
        while self.fifo.len() > self.capacity {
            if let Some(old) = self.fifo.pop_front() {
                self.set.remove(&old);
            }
        }
        true
    }

    /// Pulls ids adjacent to the interval out of the set and into it.
    fn absorb(&mut self) {
        let Some((mut lo, mut hi)) = self.interval else {
            return;
        };
        while hi < u64::MAX && self.set.remove(&(hi + 1)) {
            hi += 1;
        }
        while lo > 0 && self.set.remove(&(lo - 1)) {
            lo -= 1;
        }
        self.interval = Some((lo, hi));
        // Stale fifo entries (absorbed ids) are dropped lazily, so the queue never outgrows
        // the set by much.
        if self.fifo.len() > 2 * self.set.len() + 16 {
            let set = &self.set;
            self.fifo.retain(|id| set.contains(id));
        }
    }

    /// The interval of ids all seen, for consecutive feeds.
    pub fn interval(&self) -> Option<(u64, u64)> {
        self.interval
    }

    /// How many ids the recent set holds.
    pub fn loose(&self) -> usize {
        self.set.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_grows_both_ways_and_absorbs_gaps() {
        let mut s = SeenIds::new(IdOrder::Consecutive, 8);
        assert!(s.insert(10) && s.insert(11) && s.insert(13));
        assert_eq!((s.interval(), s.loose()), (Some((10, 11)), 1));
        assert!(s.insert(12));
        assert_eq!((s.interval(), s.loose()), (Some((10, 13)), 0));
        assert!(s.insert(9));
        assert!(!s.insert(9) && !s.insert(13) && !s.insert(11));
        assert_eq!(s.interval(), Some((9, 13)));
    }

    #[test]
    fn unordered_set_is_bounded() {
        let mut s = SeenIds::new(IdOrder::Unordered, 3);
        for id in [5, 1, 9, 4] {
            assert!(s.insert(id));
        }
        assert_eq!(s.loose(), 3);
        assert!(!s.insert(4));
        // 5 was the oldest and is forgotten.
        assert!(s.insert(5));
    }
}
