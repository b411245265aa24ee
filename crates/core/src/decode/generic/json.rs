//! Generic JSON: an array of objects, or NDJSON (one object per line).

use std::borrow::Cow;

use serde_json::value::RawValue;
use serde_json::Value;

use super::Mapping;
use crate::decode::json::{from_raw, from_str, relocate};
use crate::decode::split::{ArraySplitter, LineSplitter, Piece};
use crate::decode::{DecodeError, Decoded, Interner, Position, Reject};

/// Decodes generic JSON with a [`Mapping`].
#[derive(Clone, Debug)]
pub struct JsonDecoder {
    /// The field mapping.
    pub mapping: Mapping,
    labels: Interner,
}

/// The text of a scalar at a JSON pointer (`/a/0/b`) or top-level key; `None` for null.
fn lookup<'v>(v: &'v Value, name: &str) -> Option<Cow<'v, str>> {
    let found = if name.starts_with('/') {
        v.pointer(name)
    } else {
        v.get(name)
    }?;
    match found {
        Value::Null => None,
        Value::String(s) => Some(Cow::Borrowed(s.as_str())),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
        other => Some(Cow::Owned(other.to_string())),
    }
}

impl JsonDecoder {
    /// A decoder for `mapping`.
    pub fn new(mapping: Mapping) -> JsonDecoder {
        JsonDecoder {
            mapping,
            labels: Interner::default(),
        }
    }

    /// Decodes a JSON array of objects; a bad element is a [`Reject`] at its index.
    pub fn decode_array(&mut self, text: &str) -> Result<Decoded, DecodeError> {
        let items: Vec<&RawValue> = from_str(text.trim_start_matches('\u{feff}'))?;
        let mut out = Decoded::default();
        for (i, raw) in items.into_iter().enumerate() {
            self.item(raw, Position::Item(i), &mut out);
        }
        Ok(out)
    }

    /// Decodes NDJSON: one object per line, blank lines skipped, `first_line` numbering the
    /// first line (1 for a whole file). A bad line is a [`Reject`] at its line.
    pub fn decode_ndjson(&mut self, text: &str, first_line: u64) -> Decoded {
        let mut out = Decoded::default();
        for (k, line) in text.lines().enumerate() {
            // A byte order mark can only open the text, but is harmless to look for anywhere.
            let line = line.trim_start_matches('\u{feff}').trim();
            if line.is_empty() {
                continue;
            }
            let at = Position::Line(first_line + k as u64);
            match from_str::<&RawValue>(line) {
                Ok(raw) => self.item(raw, at, &mut out),
                Err(e) => out.rejects.push(Reject::new(relocate(e, &at), line)),
            }
        }
        out
    }

    fn item(&mut self, raw: &RawValue, at: Position, out: &mut Decoded) {
        let result = from_raw::<Value>(raw).and_then(|v| {
            if !v.is_object() {
                return Err(DecodeError::shape(at.clone(), "expected an object"));
            }
            self.mapping
                .trade(|name| lookup(&v, name), &at, raw.get(), &mut self.labels)
        });
        match result {
            Ok(t) => out.trades.push(t),
            Err(e) => out.rejects.push(Reject::new(relocate(e, &at), raw.get())),
        }
    }
}

/// NDJSON streamed in chunks split anywhere, one line at a time, in bounded memory: a line
/// longer than the limit is skipped and reported as [`DecodeError::TooLong`]. A UTF-8 byte
/// order mark at the start is skipped; a line holding a byte that is not UTF-8 is a
/// [`DecodeError::Utf8`] with the byte's offset in the stream.
#[derive(Clone, Debug)]
pub struct NdjsonStream {
    decoder: JsonDecoder,
    lines: LineSplitter,
    limit: usize,
}

impl NdjsonStream {
    /// A stream of lines of at most `limit` bytes, decoded with `mapping`.
    pub fn new(mapping: Mapping, limit: usize) -> NdjsonStream {
        let limit = limit.max(1);
        NdjsonStream {
            decoder: JsonDecoder::new(mapping),
            lines: LineSplitter::new(limit),
            limit,
        }
    }

    /// Reads a chunk, decoding every line it completes.
    pub fn feed(&mut self, chunk: &[u8]) -> Decoded {
        self.step(chunk, false)
    }

    /// Ends the stream, decoding a last line that had no final newline.
    pub fn finish(&mut self) -> Decoded {
        self.step(&[], true)
    }

    fn step(&mut self, chunk: &[u8], eof: bool) -> Decoded {
        let mut pieces = Vec::new();
        self.lines.feed(chunk, eof, &mut pieces);
        let decoder = &mut self.decoder;
        let at = |i: u64| Position::Line(i + 1);
        decode_pieces(pieces, self.limit, at, |index, text, _, out| {
            out.append(decoder.decode_ndjson(text, index + 1));
        })
    }
}

/// A JSON array of objects streamed in chunks split anywhere, one element at a time, in
/// bounded memory: an element longer than the limit is skipped and reported as
/// [`DecodeError::TooLong`]; an array cut off before its end keeps every whole element and
/// reports the cut one as [`DecodeError::Truncated`]. A UTF-8 byte order mark is skipped.
#[derive(Clone, Debug)]
pub struct JsonArrayStream {
    decoder: JsonDecoder,
    split: ArraySplitter,
    limit: usize,
}

impl JsonArrayStream {
    /// A stream of elements of at most `limit` bytes, decoded with `mapping`.
    pub fn new(mapping: Mapping, limit: usize) -> JsonArrayStream {
        let limit = limit.max(1);
        JsonArrayStream {
            decoder: JsonDecoder::new(mapping),
            split: ArraySplitter::new(limit),
            limit,
        }
    }

    /// Reads a chunk, decoding every element it completes. Fails when the text is not a JSON
    /// array at all.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<Decoded, DecodeError> {
        self.step(chunk, false)
    }

    /// Ends the stream: an element or array left open is reported as cut off.
    pub fn finish(&mut self) -> Result<Decoded, DecodeError> {
        self.step(&[], true)
    }

    /// Like [`JsonArrayStream::finish`] for a sample cut from the start of a larger text: an
    /// element the cut left open is dropped silently.
    pub fn finish_sample(&mut self) -> Result<Decoded, DecodeError> {
        let mut out = self.step(&[], true)?;
        out.rejects
            .retain(|r| !matches!(r.error, DecodeError::Truncated { .. }));
        Ok(out)
    }

    fn step(&mut self, chunk: &[u8], eof: bool) -> Result<Decoded, DecodeError> {
        let mut pieces = Vec::new();
        self.split.feed(chunk, eof, &mut pieces);
        if let Some(b) = self.split.not_array {
            return Err(DecodeError::NotAnArray {
                found: char::from(b),
            });
        }
        let decoder = &mut self.decoder;
        let at = |i: u64| Position::Item(i as usize);
        Ok(decode_pieces(
            pieces,
            self.limit,
            at,
            |index, text, bytes, out| match from_str::<&RawValue>(text) {
                Ok(raw) => decoder.item(raw, at(index), out),
                Err(e) => out.rejects.push(Reject::new(
                    relocate(e, &at(index)),
                    &String::from_utf8_lossy(bytes),
                )),
            },
        ))
    }
}

/// Decodes the pieces a splitter cut: `whole` gets each whole one's index and text (with its
/// bytes); one that is not UTF-8, too long or cut off is a reject at `at(index)`.
fn decode_pieces(
    pieces: Vec<Piece>,
    limit: usize,
    at: impl Fn(u64) -> Position,
    mut whole: impl FnMut(u64, &str, &[u8], &mut Decoded),
) -> Decoded {
    let mut out = Decoded::default();
    for piece in pieces {
        match piece {
            Piece::Whole {
                index,
                offset,
                bytes,
            } => match utf8_text(&bytes, offset, at(index)) {
                Ok(text) => whole(index, text, &bytes, &mut out),
                Err(r) => out.rejects.push(r),
            },
            Piece::TooLong(index) => {
                let e = DecodeError::TooLong {
                    at: at(index),
                    limit,
                };
                out.rejects.push(Reject::new(e, ""));
            }
            // Only arrays are cut: a last line without its newline is still a line.
            Piece::Cut(index, bytes) => out.rejects.push(Reject::new(
                DecodeError::Truncated { at: at(index) },
                &String::from_utf8_lossy(&bytes),
            )),
        }
    }
    out
}

/// The text of a piece, or the reject naming its first byte that is not UTF-8.
fn utf8_text(bytes: &[u8], offset: u64, at: Position) -> Result<&str, Reject> {
    std::str::from_utf8(bytes).map_err(|e| {
        let k = e.valid_up_to();
        let error = DecodeError::Utf8 {
            at,
            offset: offset + k as u64,
            byte: bytes[k],
        };
        Reject::new(error, &String::from_utf8_lossy(bytes))
    })
}
