//! A deterministic, seedable demo feed that works offline: e-commerce orders or exchange
//! trades. It replays any stretch of history instantly and then goes on live.
//!
//! Trades are generated a whole second at a time, so the stream depends only on the seed, the
//! mode, the rate and the start time, never on how often it is asked for more.

mod exchange;
mod orders;
mod random;

pub use exchange::ExchangeGen;
pub use orders::{OrderGen, Product, CATEGORIES};

use crate::model::Trade;

/// Which kind of demo data to produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DemoMode {
    /// E-commerce orders (one line item per order).
    Orders,
    /// Exchange trades on three symbols.
    Exchange,
}

impl DemoMode {
    /// Stable machine name.
    pub const fn name(self) -> &'static str {
        match self {
            DemoMode::Orders => "orders",
            DemoMode::Exchange => "exchange",
        }
    }

    /// Parses a name produced by [`DemoMode::name`].
    pub fn from_name(name: &str) -> Option<DemoMode> {
        [DemoMode::Orders, DemoMode::Exchange]
            .into_iter()
            .find(|m| m.name() == name)
    }
}

/// How to set up a demo feed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DemoConfig {
    /// Orders or exchange trades.
    pub mode: DemoMode,
    /// Seed: the same seed gives the same stream.
    pub seed: u64,
    /// Orders per second at the weekday daily peak, or trades per second outside bursts.
    pub rate: f64,
}

impl DemoConfig {
    /// The defaults the app uses for a mode.
    pub fn default_for(mode: DemoMode) -> Self {
        let rate = match mode {
            DemoMode::Orders => 4.0,
            DemoMode::Exchange => 8.0,
        };
        DemoConfig {
            mode,
            seed: 42,
            rate,
        }
    }
}

#[derive(Debug)]
enum Generator {
    Orders(OrderGen),
    Exchange(ExchangeGen),
}

/// A demo feed positioned at a point in time.
#[derive(Debug)]
pub struct DemoFeed {
    generator: Generator,
    /// Start of the next second to generate.
    next_second_ms: i64,
    /// Generated trades not yet handed out (all in one second, sorted by time).
    pending: Vec<Trade>,
    /// Trades before this time are never handed out.
    start_ms: i64,
}

impl DemoFeed {
    /// A feed whose first trade is at or after `start_ms`.
    pub fn new(config: DemoConfig, start_ms: i64) -> Self {
        let rate = if config.rate.is_finite() {
            config.rate.max(0.0)
        } else {
            0.0
        };
        let generator = match config.mode {
            DemoMode::Orders => Generator::Orders(OrderGen::new(config.seed, rate)),
            DemoMode::Exchange => Generator::Exchange(ExchangeGen::new(config.seed, rate)),
        };
        DemoFeed {
            generator,
            next_second_ms: start_ms.div_euclid(1000) * 1000,
            pending: Vec::new(),
            start_ms,
        }
    }

    /// Every trade with time before `end_ms` not handed out yet, in time order.
    pub fn generate_until(&mut self, end_ms: i64) -> Vec<Trade> {
        let mut out = Vec::new();
        loop {
            let ready = self.pending.partition_point(|t| t.time_ms < end_ms);
            out.extend(self.pending.drain(..ready));
            if !self.pending.is_empty() || self.next_second_ms >= end_ms {
                break;
            }
            let second = self.next_second_ms;
            match &mut self.generator {
                Generator::Orders(g) => g.second(second, &mut self.pending),
                Generator::Exchange(g) => g.second(second, &mut self.pending),
            }
            self.pending.retain(|t| t.time_ms >= self.start_ms);
            self.next_second_ms += 1000;
        }
        out
    }
}
