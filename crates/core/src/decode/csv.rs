//! Streaming CSV: feed chunks of bytes split anywhere (inside a quoted field, inside a UTF-8
//! character, between `\r` and `\n`), get whole records, in bounded memory.
//!
//! Built on `csv-core`, which parses RFC 4180 (quoted fields with commas, doubled quotes and
//! newlines) without allocating. Records end at `\n`; a `\r` before it is dropped, so CRLF
//! and LF files read alike. A UTF-8 byte order mark at the very start is skipped. Blank lines
//! are skipped. A record longer than the limit is skipped and reported as
//! [`DecodeError::TooLong`]; memory never exceeds about twice the limit. A record holding a
//! byte that is not UTF-8 is a [`DecodeError::Utf8`] naming the byte and its offset in the
//! stream.

use std::collections::VecDeque;

use csv_core::{ReadRecordResult, Reader, ReaderBuilder, Terminator};

use super::encoding::{BadByte, Utf8Scan, UTF8_BOM};
use super::{DecodeError, Decoded, Position, Reject};

/// Bad bytes remembered ahead of the records being read; past it (a binary file), a record's
/// bad byte is reported at the record's start.
const BAD_BYTES_KEPT: usize = 8192;

/// The default longest record, in bytes of field data.
pub const DEFAULT_RECORD_LIMIT: usize = 64 * 1024;

/// One CSV record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The line (1-based) the record starts on.
    pub line: u64,
    /// The fields, unquoted.
    pub fields: Vec<String>,
}

impl Record {
    /// The record written back as one CSV line, for quarantine and error messages.
    pub fn to_csv_line(&self) -> String {
        let quoted: Vec<String> = self
            .fields
            .iter()
            .map(|f| {
                if f.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", f.replace('"', "\"\""))
                } else {
                    f.clone()
                }
            })
            .collect();
        quoted.join(",")
    }
}

/// An incremental CSV reader over chunks of bytes.
#[derive(Debug)]
pub struct CsvStream {
    rdr: Reader,
    out: Vec<u8>,
    nout: usize,
    ends: Vec<usize>,
    nends: usize,
    limit: usize,
    /// Start line of a record being skipped for length, if any.
    skipping: Option<u64>,
    /// The first bytes of the stream, held until a byte order mark can be ruled out.
    head: Option<Vec<u8>>,
    last_byte: u8,
    /// Bytes of the stream the parser consumed, and where the record being read starts.
    consumed: u64,
    record_start: u64,
    utf8: Utf8Scan,
    /// Bytes that are not UTF-8, at or after `record_start`, in stream order.
    bad: VecDeque<BadByte>,
}

impl CsvStream {
    /// A reader of comma-separated records of at most `limit` bytes each.
    pub fn new(limit: usize) -> CsvStream {
        CsvStream::with_delimiter(limit, b',')
    }

    /// A reader with another delimiter (`;` is common where the decimal mark is a comma).
    pub fn with_delimiter(limit: usize, delimiter: u8) -> CsvStream {
        let limit = limit.max(1);
        CsvStream {
            rdr: ReaderBuilder::new()
                .delimiter(delimiter)
                .terminator(Terminator::Any(b'\n'))
                .build(),
            out: vec![0; limit.min(1024)],
            nout: 0,
            ends: vec![0; limit.min(64) + 1],
            nends: 0,
            limit,
            skipping: None,
            head: Some(Vec::with_capacity(3)),
            last_byte: 0,
            consumed: 0,
            record_start: 0,
            utf8: Utf8Scan::default(),
            bad: VecDeque::new(),
        }
    }

    /// Reads a chunk, appending every record it completes to `out`.
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<Result<Record, DecodeError>>) {
        if let Some(mut head) = self.head.take() {
            let take = (3 - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
            if head.len() < 3 {
                self.head = Some(head);
                return;
            }
            self.release_head(head, out);
            self.run(&chunk[take..], false, out);
        } else {
            self.run(chunk, false, out);
        }
    }

    /// Ends the stream: appends the last record if it had no final newline.
    pub fn finish(&mut self, out: &mut Vec<Result<Record, DecodeError>>) {
        if let Some(head) = self.head.take() {
            self.release_head(head, out);
        }
        self.run(&[], true, out);
    }

    fn release_head(&mut self, head: Vec<u8>, out: &mut Vec<Result<Record, DecodeError>>) {
        let body = match head.strip_prefix(UTF8_BOM) {
            Some(body) => {
                let skipped = UTF8_BOM.len() as u64;
                (self.consumed, self.record_start) = (skipped, skipped);
                self.utf8 = Utf8Scan::at(skipped);
                body
            }
            None => &head,
        };
        self.run(body, false, out);
    }

    fn run(&mut self, mut input: &[u8], eof: bool, out: &mut Vec<Result<Record, DecodeError>>) {
        let before = self.bad.len();
        self.utf8.scan(input, eof, &mut self.bad);
        if self.bad.len() > BAD_BYTES_KEPT {
            self.bad.truncate(before.max(BAD_BYTES_KEPT));
        }
        if input.is_empty() && !eof {
            // csv-core reads an empty input as the end of the stream.
            return;
        }
        loop {
            self.make_room();
            let (res, nin, nout, nend) = self.rdr.read_record(
                input,
                &mut self.out[self.nout..],
                &mut self.ends[self.nends..],
            );
            if nin > 0 {
                self.last_byte = input[nin - 1];
            }
            input = &input[nin..];
            self.consumed += nin as u64;
            self.nout += nout;
            self.nends += nend;
            match res {
                ReadRecordResult::Record => self.emit(out),
                ReadRecordResult::OutputFull | ReadRecordResult::OutputEndsFull => {}
                ReadRecordResult::InputEmpty if !eof => return,
                ReadRecordResult::InputEmpty | ReadRecordResult::End => {
                    if nin == 0 && nout == 0 && nend == 0 {
                        return;
                    }
                }
            }
        }
    }

    /// Grows the buffers up to the limit; past it, discards the record's bytes and marks it.
    fn make_room(&mut self) {
        let out_full = self.nout == self.out.len();
        let ends_full = self.nends == self.ends.len();
        if out_full && self.out.len() < self.limit {
            let n = (self.out.len() * 2).min(self.limit);
            self.out.resize(n, 0);
        } else if ends_full && self.ends.len() <= self.limit {
            let n = (self.ends.len() * 2).min(self.limit + 1);
            self.ends.resize(n, 0);
        } else if out_full || ends_full {
            if self.skipping.is_none() {
                self.skipping = Some(self.rdr.line().saturating_sub(self.newlines()));
            }
            self.nout = 0;
            self.nends = 0;
        }
    }

    fn newlines(&self) -> u64 {
        self.out[..self.nout]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
    }

    /// The first bad byte of the record that ends here, forgetting those before the end.
    fn bad_byte_of_record(&mut self) -> Option<BadByte> {
        let (start, end) = (self.record_start, self.consumed);
        self.record_start = end;
        let mut first = None;
        while let Some(b) = self.bad.front().copied().filter(|b| b.offset < end) {
            self.bad.pop_front();
            if b.offset >= start && first.is_none() {
                first = Some(b);
            }
        }
        first
    }

    fn emit(&mut self, out: &mut Vec<Result<Record, DecodeError>>) {
        // The record's terminator, when it had one, was counted as a line already.
        let end_line = if self.last_byte == b'\n' {
            self.rdr.line().saturating_sub(1)
        } else {
            self.rdr.line()
        };
        let line = end_line.saturating_sub(self.newlines()).max(1);
        let (nout, nends) = (self.nout, self.nends);
        self.nout = 0;
        self.nends = 0;
        let record_start = self.record_start;
        let bad = self.bad_byte_of_record();
        if let Some(start) = self.skipping.take() {
            out.push(Err(DecodeError::TooLong {
                at: Position::Line(start.max(1)),
                limit: self.limit,
            }));
            return;
        }
        let bytes = &self.out[..nout];
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let bad = bad.unwrap_or(BadByte {
                    offset: record_start,
                    byte: bytes[e.valid_up_to()],
                });
                out.push(Err(DecodeError::Utf8 {
                    at: Position::Line(line),
                    offset: bad.offset,
                    byte: bad.byte,
                }));
                return;
            }
        };
        let mut fields = Vec::with_capacity(nends);
        let mut start = 0;
        for &end in &self.ends[..nends] {
            // Ends are on field boundaries, which are ASCII, so slicing cannot split a char.
            let end = end.min(text.len());
            fields.push(text.get(start..end).unwrap_or("").to_string());
            start = end;
        }
        if let Some(last) = fields.last_mut() {
            if last.ends_with('\r') {
                last.pop();
            }
        }
        if fields.len() == 1 && fields[0].is_empty() {
            return;
        }
        out.push(Ok(Record { line, fields }));
    }
}

/// Column names of a CSV header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    names: Vec<String>,
}

impl Header {
    /// The header in `record`; names are trimmed.
    pub fn new(record: &Record) -> Header {
        Header {
            names: record.fields.iter().map(|f| f.trim().to_string()).collect(),
        }
    }

    /// The column names, trimmed, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The column named `name`: an exact match first, then ignoring ASCII case.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.names
            .iter()
            .position(|n| n == name)
            .or_else(|| self.names.iter().position(|n| n.eq_ignore_ascii_case(name)))
    }

    /// The field of `record` in column `name`, if both exist.
    pub fn get<'r>(&self, record: &'r Record, name: &str) -> Option<&'r str> {
        self.index(name)
            .and_then(|i| record.fields.get(i))
            .map(String::as_str)
    }

    /// Checks that every name in `required` is a column.
    pub fn require<'n>(
        &self,
        required: impl IntoIterator<Item = &'n str>,
    ) -> Result<(), DecodeError> {
        for name in required {
            if self.index(name).is_none() {
                return Err(DecodeError::MissingColumn {
                    column: name.to_string(),
                });
            }
        }
        Ok(())
    }
}

/// A CSV stream whose first record is its header.
#[derive(Debug)]
pub struct CsvTable {
    stream: CsvStream,
    header: Option<Header>,
    buf: Vec<Result<Record, DecodeError>>,
}

impl CsvTable {
    /// A table of records of at most `limit` bytes.
    pub fn new(limit: usize) -> CsvTable {
        CsvTable::from_stream(CsvStream::new(limit))
    }

    /// A table read from `stream` (to choose the delimiter).
    pub fn from_stream(stream: CsvStream) -> CsvTable {
        CsvTable {
            stream,
            header: None,
            buf: Vec::new(),
        }
    }

    /// The header, once read.
    pub fn header(&self) -> Option<&Header> {
        self.header.as_ref()
    }

    /// Reads a chunk (`eof` for the end of the stream) and returns the data records it
    /// completed; the first good record is kept as the header instead.
    pub fn feed(&mut self, chunk: &[u8], eof: bool) -> Vec<Result<Record, DecodeError>> {
        self.stream.feed(chunk, &mut self.buf);
        if eof {
            self.stream.finish(&mut self.buf);
        }
        let mut rows = std::mem::take(&mut self.buf);
        if self.header.is_none() {
            if let Some(k) = rows.iter().position(Result::is_ok) {
                if let Ok(h) = rows.remove(k) {
                    self.header = Some(Header::new(&h));
                }
            }
        }
        rows
    }
}

/// What one chunk of a [`CheckedTable`] gave.
#[derive(Debug)]
pub enum TableStep {
    /// No header yet: only the lines that failed before it, as rejects.
    NoHeader(Decoded),
    /// The header (checked) and the data records the chunk completed.
    Rows(Header, Vec<Result<Record, DecodeError>>),
}

/// A [`CsvTable`] whose header the reading decoder checks once: a failed check fails that
/// call and every later one, so a file without its needed columns yields nothing.
#[derive(Debug)]
pub struct CheckedTable {
    table: CsvTable,
    checked: bool,
    failed: Option<DecodeError>,
}

impl CheckedTable {
    /// Wraps a table whose header has not been checked yet.
    pub fn new(table: CsvTable) -> CheckedTable {
        CheckedTable {
            table,
            checked: false,
            failed: None,
        }
    }

    /// The header, once read.
    pub fn header(&self) -> Option<&Header> {
        self.table.header()
    }

    /// Reads a chunk (`eof` at the end); `check` runs on the header the first time there is one.
    pub fn step(
        &mut self,
        chunk: &[u8],
        eof: bool,
        check: impl FnOnce(&Header) -> Result<(), DecodeError>,
    ) -> Result<TableStep, DecodeError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let rows = self.table.feed(chunk, eof);
        let Some(header) = self.table.header().cloned() else {
            let mut out = Decoded::default();
            out.rejects.extend(
                rows.into_iter()
                    .filter_map(Result::err)
                    .map(|e| Reject::new(e, "")),
            );
            return Ok(TableStep::NoHeader(out));
        };
        if !self.checked {
            self.checked = true;
            if let Err(e) = check(&header) {
                self.failed = Some(e.clone());
                return Err(e);
            }
        }
        Ok(TableStep::Rows(header, rows))
    }
}
