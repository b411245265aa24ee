//! The TradeLens core engine behind a columnar JavaScript interface, so the browser benchmarks
//! (`bench/web`) drive exactly the engine the app uses: trades go in as typed-array columns,
//! per-minute, per-symbol aggregates come out as typed-array columns.
//!
//! Columns: `time` (ms since the epoch, `Float64Array`), `symbol` (index into the symbol names
//! given to [`BenchEngine::new`], `Uint32Array`), `price` and `qty` (`Float64Array`), `side`
//! (0 = taker bought, 1 = taker sold, `Uint8Array`).
//!
//! [`decode`] drives the app's decoders the same way: Binance messages and CSV chunks;
//! [`charts`] redraws the app's line chart on a canvas.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod charts;
pub mod decode;

use std::collections::HashMap;

use tradelens_core::engine::{
    Agg, BucketSize, Columns, Engine, EngineSpec, GroupBy, LabelId, SketchSpec,
};
use tradelens_core::model::{Field, Label, Side};
use wasm_bindgen::prelude::*;

/// An engine aggregating per one-minute bucket and symbol, fed with columns.
#[wasm_bindgen]
pub struct BenchEngine {
    engine: Engine,
    symbols: Vec<Label>,
    /// Input symbol index of each symbol name.
    index: HashMap<Label, u32>,
    next_id: u64,
}

/// Per (bucket, symbol) aggregates, one row per pair, in bucket then first-appearance order.
#[wasm_bindgen]
#[derive(Default)]
pub struct Aggregates {
    bucket: Vec<f64>,
    symbol: Vec<u32>,
    count: Vec<f64>,
    volume: Vec<f64>,
    notional: Vec<f64>,
    vwap: Vec<f64>,
    open: Vec<f64>,
    high: Vec<f64>,
    low: Vec<f64>,
    close: Vec<f64>,
}

#[wasm_bindgen]
impl BenchEngine {
    /// An empty engine knowing these symbol names (the `symbol` column indexes them).
    #[wasm_bindgen(constructor)]
    pub fn new(symbol_names: Vec<String>) -> BenchEngine {
        let symbols: Vec<Label> = symbol_names
            .iter()
            .map(|s| Label::from(s.as_str()))
            .collect();
        let index = symbols.iter().cloned().zip(0u32..).collect();
        BenchEngine {
            engine: Engine::new(EngineSpec {
                bucket: BucketSize::M1,
                group_by: GroupBy::one(Field::Symbol),
                sketches: SketchSpec::NONE,
            }),
            symbols,
            index,
            next_id: 0,
        }
    }

    /// Adds trades given as columns of equal length, through the engine's batch path
    /// ([`Engine::extend_columns`]).
    pub fn append(
        &mut self,
        time: &[f64],
        symbol: &[u32],
        price: &[f64],
        qty: &[f64],
        side: &[u8],
    ) -> Result<(), JsError> {
        let n = time.len() as u64;
        let id: Vec<u64> = (self.next_id..self.next_id + n).collect();
        let time_ms: Vec<i64> = time.iter().map(|&t| t as i64).collect();
        let side: Vec<Option<Side>> = side
            .iter()
            .map(|&s| Some(if s == 0 { Side::Buy } else { Side::Sell }))
            .collect();
        self.engine
            .extend_columns(Columns {
                id: &id,
                time_ms: &time_ms,
                price,
                qty,
                side: &side,
                symbol,
                labels: &self.symbols,
            })
            .map_err(|e| JsError::new(&e.to_string()))?;
        self.next_id += n;
        Ok(())
    }

    /// Number of trades held.
    pub fn len(&self) -> usize {
        self.engine.len()
    }

    /// Whether no trade has been added.
    pub fn is_empty(&self) -> bool {
        self.engine.is_empty()
    }

    /// Aggregates of every bucket.
    pub fn aggregate(&self) -> Aggregates {
        self.aggregate_from(f64::NEG_INFINITY)
    }

    /// Aggregates of the buckets starting at or after `from_ms` (what an append touched).
    pub fn aggregate_from(&self, from_ms: f64) -> Aggregates {
        let from = if from_ms.is_finite() {
            from_ms as i64
        } else {
            i64::MIN
        };
        let mut out = Aggregates::default();
        let mut ids: HashMap<LabelId, u32> = HashMap::new();
        for (start, bucket) in self.engine.buckets_from(from) {
            for (key, agg) in &bucket.groups {
                let symbol = *ids.entry(key[0]).or_insert_with(|| {
                    self.engine
                        .label(key[0])
                        .and_then(|l| self.index.get(l).copied())
                        .unwrap_or(u32::MAX)
                });
                out.push(start, symbol, agg);
            }
        }
        out
    }
}

impl Aggregates {
    fn push(&mut self, start: i64, symbol: u32, agg: &Agg) {
        self.bucket.push(start as f64);
        self.symbol.push(symbol);
        self.count.push(agg.count() as f64);
        self.volume.push(agg.volume());
        self.notional.push(agg.notional());
        self.vwap.push(agg.vwap().unwrap_or(f64::NAN));
        self.open.push(agg.open().unwrap_or(f64::NAN));
        self.high.push(agg.high().unwrap_or(f64::NAN));
        self.low.push(agg.low().unwrap_or(f64::NAN));
        self.close.push(agg.close().unwrap_or(f64::NAN));
    }
}

#[wasm_bindgen]
impl Aggregates {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.bucket.len()
    }
    /// Bucket starts (ms since the epoch).
    pub fn bucket(&self) -> Vec<f64> {
        self.bucket.clone()
    }
    /// Symbol indexes.
    pub fn symbol(&self) -> Vec<u32> {
        self.symbol.clone()
    }
    /// Trade counts.
    pub fn count(&self) -> Vec<f64> {
        self.count.clone()
    }
    /// Total quantities.
    pub fn volume(&self) -> Vec<f64> {
        self.volume.clone()
    }
    /// Totals of price times quantity.
    pub fn notional(&self) -> Vec<f64> {
        self.notional.clone()
    }
    /// Volume-weighted average prices (NaN for zero volume).
    pub fn vwap(&self) -> Vec<f64> {
        self.vwap.clone()
    }
    /// Prices of the earliest trades.
    pub fn open(&self) -> Vec<f64> {
        self.open.clone()
    }
    /// Highest prices.
    pub fn high(&self) -> Vec<f64> {
        self.high.clone()
    }
    /// Lowest prices.
    pub fn low(&self) -> Vec<f64> {
        self.low.clone()
    }
    /// Prices of the latest trades.
    pub fn close(&self) -> Vec<f64> {
        self.close.clone()
    }
}
