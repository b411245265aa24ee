//! The simulated market: demo trades generated as wall-clock time passes, kept in a bounded
//! per-symbol history (for REST and snapshots) and broadcast in batches to the streams.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::broadcast;
use tradelens_core::demo::{DemoConfig, DemoFeed, DemoMode};
use tradelens_core::model::{Side, Trade};

use crate::symbols::{self, COUNT};

/// The venues whose streams can be targeted by faults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Venue {
    /// Binance spot streams.
    Binance,
    /// Coinbase Exchange feed.
    Coinbase,
    /// Kraken WebSocket v2.
    Kraken,
    /// The generic orders SSE stream.
    Orders,
}

impl Venue {
    /// Every venue.
    pub const ALL: [Venue; 4] = [
        Venue::Binance,
        Venue::Coinbase,
        Venue::Kraken,
        Venue::Orders,
    ];

    /// Stable machine name.
    pub const fn name(self) -> &'static str {
        match self {
            Venue::Binance => "binance",
            Venue::Coinbase => "coinbase",
            Venue::Kraken => "kraken",
            Venue::Orders => "orders",
        }
    }

    /// Parses a name produced by [`Venue::name`].
    pub fn from_name(name: &str) -> Option<Venue> {
        Venue::ALL.into_iter().find(|v| v.name() == name)
    }

    /// This venue's bit in a [`VenueMask`].
    pub const fn bit(self) -> VenueMask {
        1 << self as u8
    }
}

/// A set of venues, one bit per [`Venue`].
pub type VenueMask = u8;

/// One trade as the simulator keeps it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tick {
    /// Symbol index into [`symbols::INSTRUMENTS`].
    pub sym: usize,
    /// Trade id, consecutive per symbol.
    pub id: u64,
    /// Trade time in nanoseconds; unique and increasing per symbol (trades within one
    /// millisecond are a microsecond apart), so time cursors never split a millisecond.
    pub time_ns: i64,
    /// Price.
    pub price: f64,
    /// Quantity.
    pub qty: f64,
    /// Whether the taker bought.
    pub taker_buy: bool,
}

impl Tick {
    /// Trade time in milliseconds.
    pub fn time_ms(&self) -> i64 {
        self.time_ns.div_euclid(1_000_000)
    }

    /// Trade time in microseconds.
    pub fn time_us(&self) -> i64 {
        self.time_ns.div_euclid(1_000)
    }
}

/// Trades generated in one step, with the venues whose streams must leave each one out.
#[derive(Debug, Default)]
pub struct Batch {
    /// Trades in time order.
    pub ticks: Vec<Tick>,
    /// For each tick, the venues that skip it (an injected gap).
    pub skip: Vec<VenueMask>,
}

impl Batch {
    /// The ticks a venue streams, with whether each is to be skipped.
    pub fn for_venue(&self, venue: Venue) -> impl Iterator<Item = (&Tick, bool)> {
        self.ticks
            .iter()
            .zip(&self.skip)
            .map(move |(t, m)| (t, m & venue.bit() != 0))
    }
}

#[derive(Debug, Default)]
struct Faults {
    /// Remaining trades to leave out, per venue and symbol.
    gap: [[u64; COUNT]; 4],
    /// Price factor applied to the next trade of a symbol.
    spike: [Option<f64>; COUNT],
}

#[derive(Debug)]
struct State {
    history: [VecDeque<Tick>; COUNT],
    /// Last (time in ms, microsecond offset) per symbol, to make times unique.
    last_time: [(i64, i64); COUNT],
    faults: Faults,
    generated: u64,
}

/// The market: history plus the live broadcast.
#[derive(Debug)]
pub struct Market {
    state: Mutex<State>,
    tx: broadcast::Sender<Arc<Batch>>,
    max_history: usize,
}

/// Locks a mutex, going on with the data if a panicking holder poisoned it.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Market {
    /// An empty market keeping at most `max_history` trades per symbol, broadcasting with room
    /// for `queue` batches per receiver (a receiver further behind is dropped).
    pub fn new(max_history: usize, queue: usize) -> Market {
        let (tx, _) = broadcast::channel(queue.max(1));
        Market {
            state: Mutex::new(State {
                history: Default::default(),
                last_time: [(i64::MIN, 0); COUNT],
                faults: Faults::default(),
                generated: 0,
            }),
            tx,
            max_history: max_history.max(1),
        }
    }

    /// A receiver of every batch from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Batch>> {
        self.tx.subscribe()
    }

    /// Takes generated demo trades: applies pending faults, stores, broadcasts.
    pub fn push(&self, trades: &[Trade]) {
        if trades.is_empty() {
            return;
        }
        let mut batch = Batch::default();
        {
            let mut st = lock(&self.state);
            for t in trades {
                let Some(sym) = symbols::by_demo(&t.symbol) else {
                    continue;
                };
                let (last_ms, k) = st.last_time[sym];
                let micro = if t.time_ms == last_ms {
                    (k + 1).min(999)
                } else {
                    0
                };
                st.last_time[sym] = (t.time_ms, micro);
                let mut price = t.price;
                if let Some(f) = st.faults.spike[sym].take() {
                    price *= f;
                }
                let tick = Tick {
                    sym,
                    id: t.id,
                    time_ns: t.time_ms * 1_000_000 + micro * 1_000,
                    price,
                    qty: t.qty,
                    taker_buy: t.side != Some(Side::Sell),
                };
                let mut mask = 0;
                for v in Venue::ALL {
                    let left = &mut st.faults.gap[v as usize][sym];
                    if *left > 0 {
                        *left -= 1;
                        mask |= v.bit();
                    }
                }
                let h = &mut st.history[sym];
                if h.len() == self.max_history {
                    h.pop_front();
                }
                h.push_back(tick);
                batch.ticks.push(tick);
                batch.skip.push(mask);
            }
            st.generated += batch.ticks.len() as u64;
        }
        // No receiver is fine: nobody is streaming.
        let _ = self.tx.send(Arc::new(batch));
    }

    /// Makes the streams of `venues` leave out the next `n` trades of `sym` (they stay in the
    /// history, as when a feed drops messages).
    pub fn inject_gap(&self, venues: VenueMask, sym: usize, n: u64) {
        let mut st = lock(&self.state);
        for v in Venue::ALL {
            if venues & v.bit() != 0 {
                st.faults.gap[v as usize][sym] += n;
            }
        }
    }

    /// Multiplies the price of the next trade of `sym` by `factor`.
    pub fn inject_spike(&self, sym: usize, factor: f64) {
        lock(&self.state).faults.spike[sym] = Some(factor);
    }

    /// Trades generated so far.
    pub fn generated(&self) -> u64 {
        lock(&self.state).generated
    }

    /// Runs `f` on the history of a symbol (oldest first; ids consecutive).
    pub fn with_history<R>(&self, sym: usize, f: impl FnOnce(&VecDeque<Tick>) -> R) -> R {
        f(&lock(&self.state).history[sym])
    }

    /// The newest `n` trades of a symbol, oldest first.
    pub fn newest(&self, sym: usize, n: usize) -> Vec<Tick> {
        self.with_history(sym, |h| {
            h.iter().skip(h.len().saturating_sub(n)).copied().collect()
        })
    }

    /// Up to `n` trades of a symbol with id >= `from`, oldest first.
    pub fn from_id(&self, sym: usize, from: u64, n: usize) -> Vec<Tick> {
        self.with_history(sym, |h| {
            let first = h.front().map_or(0, |t| t.id);
            let skip = from.saturating_sub(first) as usize;
            h.iter().skip(skip).take(n).copied().collect()
        })
    }

    /// The last trade of a symbol.
    pub fn last(&self, sym: usize) -> Option<Tick> {
        self.with_history(sym, |h| h.back().copied())
    }
}

/// The exchange demo feed configured as the simulator uses it.
pub fn exchange_feed(seed: u64, rate: f64, start_ms: i64) -> DemoFeed {
    DemoFeed::new(
        DemoConfig {
            mode: DemoMode::Exchange,
            seed,
            rate,
        },
        start_ms,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gap_skips_exactly_n_for_the_venue_only() {
        let m = Market::new(1000, 16);
        let mut rx = m.subscribe();
        m.inject_gap(Venue::Binance.bit(), 0, 3);
        let mut feed = exchange_feed(1, 200.0, 1_700_000_000_000);
        m.push(&feed.generate_until(1_700_000_001_000));
        let b = rx.try_recv().unwrap();
        let skipped: Vec<u64> = b
            .for_venue(Venue::Binance)
            .filter(|(t, s)| *s && t.sym == 0)
            .map(|(t, _)| t.id)
            .collect();
        assert_eq!(skipped, vec![1, 2, 3]);
        assert_eq!(b.for_venue(Venue::Kraken).filter(|(_, s)| *s).count(), 0);
        // Times are unique and increasing per symbol.
        let h = m.newest(0, 1000);
        assert!(h
            .windows(2)
            .all(|w| w[0].time_ns < w[1].time_ns && w[0].id + 1 == w[1].id));
    }
}
