//! Decoding in the browser, driven from JavaScript the way the app is fed: one call per
//! WebSocket message (the text crosses from JS into wasm each time), one call per chunk of a
//! file. The corpus is the native benchmarks' own (`tradelens_bench`), so the two compare.

use tradelens_bench::{binance_messages, csv_mapping, csv_text, demo_trades, DECODE_HOURS};
use tradelens_core::decode::binance::Binance;
use tradelens_core::decode::generic::CsvDecoder;
use tradelens_core::decode::time::EpochUnit;
use tradelens_core::demo::DemoMode;
use wasm_bindgen::prelude::*;

/// The decoding corpus: the native benchmarks' demo trades as Binance `@trade` messages and
/// as one generic CSV text.
#[wasm_bindgen]
pub struct DecodeCorpus {
    messages: Vec<String>,
    csv: Vec<u8>,
    trades: usize,
}

#[wasm_bindgen]
impl DecodeCorpus {
    /// Generates the corpus (about 106,000 trades).
    #[wasm_bindgen(constructor)]
    pub fn new() -> DecodeCorpus {
        let trades = demo_trades(DemoMode::Exchange, DECODE_HOURS);
        DecodeCorpus {
            messages: binance_messages(&trades),
            csv: csv_text(&trades).into_bytes(),
            trades: trades.len(),
        }
    }

    /// The messages, one string each.
    pub fn messages(&self) -> Vec<String> {
        self.messages.clone()
    }

    /// The CSV text's bytes (header first).
    pub fn csv(&self) -> Vec<u8> {
        self.csv.clone()
    }

    /// Trades in the corpus (messages, and CSV rows).
    pub fn trades(&self) -> usize {
        self.trades
    }

    /// Decodes every message in a loop inside wasm, without crossing from JS per message:
    /// set against [`BinanceMessages::decode`], it shows what the crossing costs.
    pub fn decode_messages_inside(&self) -> usize {
        let mut d = Binance::new(EpochUnit::Millis, "BTCUSDT");
        self.messages
            .iter()
            .map(|m| d.decode(m).map_or(0, |x| x.trades.len()))
            .sum()
    }
}

impl Default for DecodeCorpus {
    fn default() -> Self {
        DecodeCorpus::new()
    }
}

/// A Binance stream decoder, one message at a time.
#[wasm_bindgen]
pub struct BinanceMessages(Binance);

#[wasm_bindgen]
impl BinanceMessages {
    /// A decoder for one `BTCUSDT` connection.
    #[wasm_bindgen(constructor)]
    pub fn new() -> BinanceMessages {
        BinanceMessages(Binance::new(EpochUnit::Millis, "BTCUSDT"))
    }

    /// Decodes one message; returns the trades it held.
    pub fn decode(&mut self, message: &str) -> usize {
        self.0.decode(message).map_or(0, |d| d.trades.len())
    }
}

impl Default for BinanceMessages {
    fn default() -> Self {
        BinanceMessages::new()
    }
}

/// The generic CSV decoder with the corpus's mapping, fed chunk by chunk.
#[wasm_bindgen]
pub struct CsvChunks(CsvDecoder);

#[wasm_bindgen]
impl CsvChunks {
    /// A decoder for records of at most 1 MiB, as in the native benchmark.
    #[wasm_bindgen(constructor)]
    pub fn new() -> CsvChunks {
        CsvChunks(CsvDecoder::new(csv_mapping(), 1 << 20))
    }

    /// Decodes a chunk; returns the trades it completed.
    pub fn feed(&mut self, chunk: &[u8]) -> usize {
        self.0.feed(chunk).map_or(0, |d| d.trades.len())
    }

    /// Ends the text; returns the trades of a last record without a newline.
    pub fn finish(&mut self) -> usize {
        self.0.finish().map_or(0, |d| d.trades.len())
    }
}

impl Default for CsvChunks {
    fn default() -> Self {
        CsvChunks::new()
    }
}
