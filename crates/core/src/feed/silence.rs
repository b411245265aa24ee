//! Dead-connection detection: a socket can stay open while nothing arrives (a stalled server,
//! a broken NAT). Each venue gets a deadline after which silence means "reconnect".

use super::venue::Venue;

/// Silence allowed before a connection is taken as dead, ms.
///
/// - Kraken sends a heartbeat about once a second when quiet; Kraken advises ~5 s.
/// - Coinbase's `heartbeat` channel ticks once a second per product: 5 missed beats.
/// - Binance pings at the protocol level every 20 s, which a browser never sees, and a quiet
///   symbol may not trade for a while: 30 s.
pub fn deadline_ms(venue: Venue) -> u64 {
    match venue {
        Venue::Kraken => 5_000,
        Venue::Coinbase => 5_000,
        Venue::Binance => 30_000,
    }
}

/// Watches one connection for silence.
#[derive(Clone, Debug, PartialEq)]
pub struct Watchdog {
    /// Silence allowed, ms.
    pub deadline_ms: u64,
    last_ms: i64,
}

impl Watchdog {
    /// A watchdog with `deadline_ms`, counting from `now_ms` (the connection just opened).
    pub fn new(deadline_ms: u64, now_ms: i64) -> Watchdog {
        Watchdog {
            deadline_ms,
            last_ms: now_ms,
        }
    }

    /// Something (data or heartbeat) arrived at `now_ms`.
    pub fn feed(&mut self, now_ms: i64) {
        self.last_ms = self.last_ms.max(now_ms);
    }

    /// Time since the last message, ms (0 if the clock went back).
    pub fn silent_for_ms(&self, now_ms: i64) -> u64 {
        now_ms.saturating_sub(self.last_ms).max(0) as u64
    }

    /// True when the connection has been silent longer than the deadline.
    pub fn is_dead(&self, now_ms: i64) -> bool {
        self.silent_for_ms(now_ms) > self.deadline_ms
    }
}
