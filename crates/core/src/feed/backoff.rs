//! Reconnect delays: exponential back-off with full jitter, reset after stable traffic.
//!
//! The n-th consecutive failure waits a uniformly random time in `[0, min(cap, base · 2ⁿ))`
//! ("full jitter"): clients that lost the same server at once spread out instead of returning
//! together. Kraken's advice is 1 s doubling to 60 s, the defaults here. A connection counts
//! as stable once it has been open `stable_ms` and carried at least one message since; only
//! then does the next failure start again from `base` (a server that accepts and drops at once
//! must not be hammered every second).

/// Back-off state of one feed.
#[derive(Clone, Debug, PartialEq)]
pub struct Backoff {
    /// First ceiling, ms. Default 1 000.
    pub base_ms: u64,
    /// Largest ceiling, ms. Default 60 000.
    pub cap_ms: u64,
    /// Open time with traffic after which the back-off resets, ms. Default 30 000.
    pub stable_ms: u64,
    failures: u32,
    connected_at: Option<i64>,
    messages: u64,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff::new(1_000, 60_000, 30_000)
    }
}

impl Backoff {
    /// A back-off from `base_ms` doubling to `cap_ms`, reset after `stable_ms` of traffic.
    pub fn new(base_ms: u64, cap_ms: u64, stable_ms: u64) -> Backoff {
        Backoff {
            base_ms: base_ms.max(1),
            cap_ms: cap_ms.max(base_ms.max(1)),
            stable_ms,
            failures: 0,
            connected_at: None,
            messages: 0,
        }
    }

    /// Consecutive failures since the last reset.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// The ceiling of the next delay: `min(cap, base · 2^failures)`.
    pub fn ceiling_ms(&self) -> u64 {
        let shift = self.failures.min(32);
        self.base_ms.saturating_mul(1u64 << shift).min(self.cap_ms)
    }

    /// The connection opened at `now_ms`.
    pub fn on_open(&mut self, now_ms: i64) {
        self.connected_at = Some(now_ms);
        self.messages = 0;
    }

    /// A message arrived at `now_ms`; resets the back-off once the connection is stable.
    pub fn on_message(&mut self, now_ms: i64) {
        self.messages = self.messages.saturating_add(1);
        if let Some(at) = self.connected_at {
            if now_ms.saturating_sub(at) >= self.stable_ms as i64 {
                self.failures = 0;
            }
        }
    }

    /// The connection failed or closed: returns how long to wait before the next attempt.
    /// `random` returns values in `[0, 1)`; anything else is clamped into that range.
    pub fn next_delay_ms(&mut self, random: &mut dyn FnMut() -> f64) -> u64 {
        let ceiling = self.ceiling_ms();
        self.failures = self.failures.saturating_add(1);
        self.connected_at = None;
        self.messages = 0;
        let r = random();
        let r = if r.is_finite() {
            r.clamp(0.0, 1.0)
        } else {
            0.0
        };
        // Strictly below the ceiling, as the interval is half-open.
        ((r * ceiling as f64) as u64).min(ceiling.saturating_sub(1))
    }

    /// Forgets all failures (the user pressed "reconnect now", say).
    pub fn reset(&mut self) {
        self.failures = 0;
    }
}
