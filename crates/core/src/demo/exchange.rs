//! Demo exchange trades: a random-walk price on each symbol's tick grid, heavy-tailed sizes,
//! taker sides that lean with the move, and bursts of activity.

use fastrand::Rng;

use super::random::{pareto, poisson, student_t3, weighted};
use crate::model::{Dim, Label, Side, Trade};

/// (symbol, start price, price decimals, quantity decimals, minimum size, share of trades)
const SYMBOLS: [(&str, f64, i32, i32, f64, f64); 3] = [
    ("BTC-USD", 65_000.0, 2, 5, 0.001, 0.5),
    ("ETH-USD", 3_400.0, 2, 4, 0.02, 0.3),
    ("SOL-USD", 150.0, 3, 3, 0.5, 0.2),
];
/// Standard deviation of the relative price step per trade.
const STEP_SIGMA: f64 = 6e-5;
/// Chance per second that a burst starts, and its rate multiplier.
const BURST_CHANCE: f64 = 0.02;
const BURST_FACTOR: f64 = 4.0;

#[derive(Debug)]
struct Book {
    symbol: Label,
    ticks: i64,
    price_scale: f64,
    qty_scale: f64,
    min_size: f64,
    next_id: u64,
}

/// Generates one second of trades at a time.
#[derive(Debug)]
pub struct ExchangeGen {
    rng: Rng,
    base_rate: f64,
    books: Vec<Book>,
    shares: Vec<f64>,
    burst_left_s: u32,
    venue: Label,
    class: Label,
}

impl ExchangeGen {
    /// A generator with `base_rate` trades per second outside bursts.
    pub fn new(seed: u64, base_rate: f64) -> Self {
        ExchangeGen {
            rng: Rng::with_seed(seed),
            base_rate,
            books: SYMBOLS
                .iter()
                .map(|&(symbol, start, pd, qd, min_size, _)| {
                    let price_scale = 10f64.powi(pd);
                    Book {
                        symbol: symbol.into(),
                        ticks: (start * price_scale).round() as i64,
                        price_scale,
                        qty_scale: 10f64.powi(qd),
                        min_size,
                        next_id: 1,
                    }
                })
                .collect(),
            shares: SYMBOLS.iter().map(|s| s.5).collect(),
            burst_left_s: 0,
            venue: "Demo exchange".into(),
            class: "Spot".into(),
        }
    }

    /// Trades of the second starting at `second_ms`, sorted by time.
    pub fn second(&mut self, second_ms: i64, out: &mut Vec<Trade>) {
        if self.burst_left_s > 0 {
            self.burst_left_s -= 1;
        } else if self.rng.f64() < BURST_CHANCE {
            self.burst_left_s = self.rng.u32(5..=30);
        }
        let factor = if self.burst_left_s > 0 {
            BURST_FACTOR
        } else {
            1.0
        };
        let n = poisson(&mut self.rng, self.base_rate * factor);
        let mut offsets: Vec<i64> = (0..n).map(|_| self.rng.i64(0..1000)).collect();
        offsets.sort_unstable();
        for offset in offsets {
            let b = weighted(&mut self.rng, &self.shares);
            let step = student_t3(&mut self.rng) * STEP_SIGMA;
            let book = &mut self.books[b];
            let moved = (book.ticks as f64 * step).round() as i64;
            book.ticks = (book.ticks + moved).max(1);
            let side = match moved.signum() {
                1 => Side::Buy,
                -1 => Side::Sell,
                _ if self.rng.bool() => Side::Buy,
                _ => Side::Sell,
            };
            // Sizes: Pareto tail with index 1.5, capped at 5,000 times the minimum.
            let size = (book.min_size * pareto(&mut self.rng, 1.5)).min(book.min_size * 5_000.0);
            let qty = ((size * book.qty_scale).round() / book.qty_scale).max(book.min_size);
            let mut dims: [Option<Label>; 4] = Default::default();
            dims[Dim::Category.index()] = Some(self.class.clone());
            dims[Dim::Channel.index()] = Some(self.venue.clone());
            out.push(Trade {
                id: book.next_id,
                time_ms: second_ms + offset,
                price: book.ticks as f64 / book.price_scale,
                qty,
                side: Some(side),
                symbol: book.symbol.clone(),
                dims,
            });
            book.next_id += 1;
        }
    }
}
