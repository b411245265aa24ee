//! Generic JSON: an array of objects, or NDJSON (one object per line).

use std::borrow::Cow;

use serde_json::value::RawValue;
use serde_json::Value;

use super::Mapping;
use crate::decode::json::{from_raw, from_str, relocate};
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
        let items: Vec<&RawValue> = from_str(text)?;
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
            let line = line.trim();
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
/// longer than the limit is skipped and reported as [`DecodeError::TooLong`].
#[derive(Clone, Debug)]
pub struct NdjsonStream {
    decoder: JsonDecoder,
    buf: Vec<u8>,
    limit: usize,
    /// Number of the line being read, 1-based.
    line: u64,
    too_long: bool,
}

impl NdjsonStream {
    /// A stream of lines of at most `limit` bytes, decoded with `mapping`.
    pub fn new(mapping: Mapping, limit: usize) -> NdjsonStream {
        NdjsonStream {
            decoder: JsonDecoder::new(mapping),
            buf: Vec::new(),
            limit: limit.max(1),
            line: 1,
            too_long: false,
        }
    }

    /// Reads a chunk, decoding every line it completes.
    pub fn feed(&mut self, chunk: &[u8]) -> Decoded {
        let mut out = Decoded::default();
        let mut rest = chunk;
        while !rest.is_empty() {
            let (part, done) = match rest.iter().position(|&b| b == b'\n') {
                Some(k) => (&rest[..k], true),
                None => (rest, false),
            };
            if !self.too_long {
                if self.buf.len() + part.len() > self.limit {
                    self.too_long = true;
                    self.buf = Vec::new();
                } else {
                    self.buf.extend_from_slice(part);
                }
            }
            rest = &rest[(part.len() + usize::from(done)).min(rest.len())..];
            if done {
                self.end_line(&mut out);
            }
        }
        out
    }

    /// Ends the stream, decoding a last line that had no final newline.
    pub fn finish(&mut self) -> Decoded {
        let mut out = Decoded::default();
        if self.too_long || !self.buf.is_empty() {
            self.end_line(&mut out);
        }
        out
    }

    fn end_line(&mut self, out: &mut Decoded) {
        let line = self.line;
        let at = Position::Line(line);
        self.line += 1;
        if std::mem::take(&mut self.too_long) {
            let e = DecodeError::TooLong {
                at,
                limit: self.limit,
            };
            out.rejects.push(Reject::new(e, ""));
            return;
        }
        let bytes = std::mem::take(&mut self.buf);
        match std::str::from_utf8(&bytes) {
            Ok(text) => out.append(self.decoder.decode_ndjson(text, line)),
            Err(e) => {
                let e = DecodeError::Utf8 {
                    at,
                    offset: e.valid_up_to(),
                };
                out.rejects
                    .push(Reject::new(e, &String::from_utf8_lossy(&bytes)));
            }
        }
    }
}
