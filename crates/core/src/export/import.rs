//! Reading our own exports back, with the core's generic decoders.
//!
//! JSON and NDJSON exports read with [`JsonDecoder`](crate::decode::generic::JsonDecoder) or
//! [`NdjsonStream`](crate::decode::generic::NdjsonStream) and [`own_mapping`] as they are.
//! CSV goes through [`OwnCsv`], which is the generic [`CsvDecoder`] plus one step: when the
//! header row is exactly [`TRADE_COLUMNS`] (the marker of our own
//! export), text cells are passed through [`unguard`], which removes an apostrophe only where
//! [`guard`](super::guard()) would have put one. A foreign file with other columns is decoded
//! unchanged.
//!
//! What round-trips: ids, times (years 0 to 9999), the f64 bits of prices and quantities
//! (those cleaning accepts: above 0, at most [`crate::clean::MAX_AMOUNT`], and so is their
//! product; the decoders reject others), sides, symbols and dimensions, including quotes, commas, newlines, formula characters and
//! any Unicode. What does not, because the generic decoders trim fields and read an empty
//! field as missing: whitespace at either end of a label, an empty dimension (comes back
//! absent) and an empty symbol (the row is rejected).

use std::sync::Arc;

use super::{unguard, TRADE_COLUMNS};
use crate::decode::csv::DEFAULT_RECORD_LIMIT;
use crate::decode::generic::{CsvDecoder, Mapping, TimeFormat};
use crate::decode::{DecodeError, Decoded};
use crate::model::{Dim, Label, Trade};

/// The mapping of our trade exports' columns, for any of the three formats.
pub fn own_mapping() -> Mapping {
    let mut m = Mapping::new("time", "price");
    m.id = Some("id".into());
    m.qty = Some("qty".into());
    m.side = Some("side".into());
    m.symbol = Some("symbol".into());
    for d in Dim::ALL {
        m.dims[d.index()] = Some(crate::model::Field::Dim(d).name().into());
    }
    m.time_format = TimeFormat::DateTime {
        default_offset_min: None,
    };
    m
}

/// Whether a CSV header is our trade export's.
pub fn is_own_header(names: &[String]) -> bool {
    names.len() == TRADE_COLUMNS.len() && names.iter().zip(TRADE_COLUMNS).all(|(n, c)| n == c)
}

fn unguard_label(l: &mut Label) {
    let s = unguard(l);
    if s.len() != l.len() {
        *l = Arc::from(s);
    }
}

/// Strips the formula guard from a trade's text fields.
fn unguard_trade(t: &mut Trade) {
    unguard_label(&mut t.symbol);
    t.dims.iter_mut().flatten().for_each(unguard_label);
}

/// Streams a trades CSV: the generic decoder with [`own_mapping`], undoing the formula guard
/// when the header marks the file as our export.
#[derive(Debug)]
pub struct OwnCsv {
    decoder: CsvDecoder,
}

impl Default for OwnCsv {
    fn default() -> Self {
        OwnCsv::new()
    }
}

impl OwnCsv {
    /// A reader of records up to the default length limit.
    pub fn new() -> OwnCsv {
        OwnCsv {
            decoder: CsvDecoder::new(own_mapping(), DEFAULT_RECORD_LIMIT),
        }
    }

    /// Reads a chunk of bytes, split anywhere.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<Decoded, DecodeError> {
        let d = self.decoder.feed(chunk)?;
        Ok(self.unguard(d))
    }

    /// Ends the stream.
    pub fn finish(&mut self) -> Result<Decoded, DecodeError> {
        let d = self.decoder.finish()?;
        Ok(self.unguard(d))
    }

    /// Whether the header read so far marks our own export.
    pub fn is_own(&self) -> bool {
        self.decoder
            .header()
            .is_some_and(|h| is_own_header(h.names()))
    }

    fn unguard(&self, mut d: Decoded) -> Decoded {
        if self.is_own() {
            d.trades.iter_mut().for_each(unguard_trade);
        }
        d
    }
}
