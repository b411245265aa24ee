//! Generic CSV, streamed: feed chunks of bytes, get trades as records complete.

use std::borrow::Cow;

use super::Mapping;
use crate::decode::csv::{CheckedTable, CsvStream, CsvTable, Header, TableStep};
use crate::decode::{DecodeError, Decoded, Interner, Position, Reject};

/// Decodes a CSV stream with a header row and a [`Mapping`] of column names.
#[derive(Debug)]
pub struct CsvDecoder {
    /// The field mapping.
    pub mapping: Mapping,
    table: CheckedTable,
    labels: Interner,
}

impl CsvDecoder {
    /// A comma-separated decoder with records of at most `limit` bytes.
    pub fn new(mapping: Mapping, limit: usize) -> CsvDecoder {
        CsvDecoder::with_stream(mapping, CsvStream::new(limit))
    }

    /// A decoder over a configured [`CsvStream`] (another delimiter, say).
    pub fn with_stream(mapping: Mapping, stream: CsvStream) -> CsvDecoder {
        CsvDecoder {
            mapping,
            table: CheckedTable::new(CsvTable::from_stream(stream)),
            labels: Interner::default(),
        }
    }

    /// The header row, once read.
    pub fn header(&self) -> Option<&crate::decode::csv::Header> {
        self.table.header()
    }

    /// Reads a chunk. Fails when the header lacks a mapped column, and from then on.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<Decoded, DecodeError> {
        self.step(chunk, false)
    }

    /// Ends the stream, decoding a last record that had no final newline.
    pub fn finish(&mut self) -> Result<Decoded, DecodeError> {
        self.step(&[], true)
    }

    fn step(&mut self, chunk: &[u8], eof: bool) -> Result<Decoded, DecodeError> {
        let m = &self.mapping;
        let required = [
            Some(&m.time),
            Some(&m.price),
            m.id.as_ref(),
            m.qty.as_ref(),
            m.symbol.as_ref(),
        ];
        let check = |h: &Header| h.require(required.into_iter().flatten().map(String::as_str));
        let (header, rows) = match self.table.step(chunk, eof, check)? {
            TableStep::NoHeader(out) => return Ok(out),
            TableStep::Rows(header, rows) => (header, rows),
        };
        let mut out = Decoded::default();
        for row in rows {
            match row {
                Err(e) => out.rejects.push(Reject::new(e, "")),
                Ok(rec) => {
                    let raw = rec.to_csv_line();
                    let at = Position::Line(rec.line);
                    let get = |name: &str| header.get(&rec, name).map(Cow::Borrowed);
                    match self.mapping.trade(get, &at, &raw, &mut self.labels) {
                        Ok(t) => out.trades.push(t),
                        Err(e) => out.rejects.push(Reject::new(e, &raw)),
                    }
                }
            }
        }
        Ok(out)
    }
}
