//! Reading trades from a file in fixed-size chunks, in bounded memory: format names and
//! detection, the generic field mapping, the core's streaming decoders, and cleaning.
//!
//! Memory is bounded by the chunk (64 KiB), the longest record (1 MiB), and the cleaner's
//! own bounded memories (dedup ids, price windows, quarantine), whatever the file's size.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use tradelens_core::clean::{CleanConfig, Cleaner};
use tradelens_core::decode::binance::Binance;
use tradelens_core::decode::coinbase::Coinbase;
use tradelens_core::decode::encoding::sniff;
use tradelens_core::decode::generic::{
    CsvDecoder, JsonArrayStream, Mapping, NdjsonStream, TimeFormat,
};
use tradelens_core::decode::html::{
    normalize, CellRow, CellSelector, HtmlDecoder, HtmlMapping, HtmlMappingError, ROW,
};
use tradelens_core::decode::kraken::Kraken;
use tradelens_core::decode::shopify::Shopify;
use tradelens_core::decode::split::{ArraySplitter, LineSplitter, Piece};
use tradelens_core::decode::stripe::Stripe;
use tradelens_core::decode::text::truncate;
use tradelens_core::decode::time::EpochUnit;
use tradelens_core::decode::{csv::CsvTable, DecodeError, Decoded, Position, Reject, RAW_LIMIT};
use tradelens_core::model::Trade;

use crate::args::InputArgs;
use crate::html;

/// Bytes read from the file at a time.
pub const CHUNK: usize = 64 * 1024;
/// The longest CSV record, NDJSON line or array element, in bytes.
pub const RECORD_LIMIT: usize = 1024 * 1024;

/// An input format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Binance REST `trades` / `historicalTrades` pages, or recorded `@trade` events.
    BinanceTrades,
    /// Binance REST `aggTrades` pages, or recorded `@aggTrade` events.
    BinanceAgg,
    /// Coinbase REST trades pages, or recorded `match` messages.
    CoinbaseTrades,
    /// Kraken REST `Trades` pages or WebSocket v2 trade messages, one per line.
    KrakenTrades,
    /// A JSON array of objects, mapped with `--map`.
    Json,
    /// One JSON object per line, mapped with `--map`.
    Ndjson,
    /// CSV with a header, mapped with `--map`.
    Csv,
    /// An HTML page, rows and cells picked by CSS selectors in `--map`.
    Html,
    /// Shopify's order export.
    Shopify,
    /// Stripe's payments export.
    Stripe,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 10] = [
        Format::BinanceTrades,
        Format::BinanceAgg,
        Format::CoinbaseTrades,
        Format::KrakenTrades,
        Format::Json,
        Format::Ndjson,
        Format::Csv,
        Format::Html,
        Format::Shopify,
        Format::Stripe,
    ];

    /// The name used by `--format`.
    pub const fn name(self) -> &'static str {
        match self {
            Format::BinanceTrades => "binance-trades",
            Format::BinanceAgg => "binance-agg",
            Format::CoinbaseTrades => "coinbase-trades",
            Format::KrakenTrades => "kraken-trades",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
            Format::Csv => "csv",
            Format::Html => "html",
            Format::Shopify => "shopify",
            Format::Stripe => "stripe",
        }
    }

    /// Parses a name produced by [`Format::name`].
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether `--map` applies.
    pub const fn is_generic(self) -> bool {
        matches!(
            self,
            Format::Json | Format::Ndjson | Format::Csv | Format::Html
        )
    }

    /// Whether trade ids are numbered per symbol (venues), so dedup is per symbol.
    const fn is_venue(self) -> bool {
        matches!(
            self,
            Format::BinanceTrades
                | Format::BinanceAgg
                | Format::CoinbaseTrades
                | Format::KrakenTrades
        )
    }
}

/// Why the input could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
    /// The input as a whole cannot be decoded (a header without a needed column, say).
    #[error("{path}: {error}{hint}")]
    Decode {
        /// The file.
        path: PathBuf,
        /// What the decoder said.
        error: Box<DecodeError>,
        /// A suggestion, or empty.
        hint: &'static str,
    },
    /// `--map` was given for a format that does not take it.
    #[error("--map applies to the csv, json, ndjson and html formats, not {0}")]
    MapNotApplicable(&'static str),
    /// `--map row=...` was given for a format other than html.
    #[error("--map row=SELECTOR applies to the html format only, not {0}")]
    RowNotApplicable(&'static str),
    /// The html mapping cannot be used (no row selector, a selector that is not CSS...).
    #[error("--map: {0}")]
    HtmlMapping(#[from] HtmlMappingError),
    /// An HTML page is read whole, and this one is too large.
    #[error("{path} is {size} bytes: HTML pages are read whole, up to {limit} bytes")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size, bytes.
        size: u64,
        /// The limit, bytes.
        limit: u64,
    },
}

/// Recognizes a format from the first bytes of a file: a JSON array or NDJSON (venue shapes
/// by their field names), HTML (`<!doctype html>`, `<html>`, `<table>`... any markup first),
/// else CSV (Shopify and Stripe by their header names).
pub fn detect(head: &[u8]) -> Format {
    let text = String::from_utf8_lossy(head);
    let body = text.trim_start_matches('\u{feff}').trim_start();
    let compact: String = body
        .chars()
        .take(4096)
        .filter(|c| !c.is_whitespace())
        .collect();
    let c = |k: &str| compact.contains(k);
    match body.as_bytes().first() {
        Some(b'[') => {
            if c("\"isBuyerMaker\"") {
                Format::BinanceTrades
            } else if c("\"a\":") && c("\"f\":") && c("\"l\":") {
                Format::BinanceAgg
            } else if c("\"trade_id\":") && c("\"size\":") && c("\"side\":") {
                Format::CoinbaseTrades
            } else {
                Format::Json
            }
        }
        Some(b'<') => Format::Html,
        Some(b'{') => {
            if c("\"e\":\"trade\"") {
                Format::BinanceTrades
            } else if c("\"e\":\"aggTrade\"") {
                Format::BinanceAgg
            } else if c("\"type\":\"match\"") || c("\"type\":\"last_match\"") {
                Format::CoinbaseTrades
            } else if c("\"channel\":\"trade\"") || (c("\"error\":[") && c("\"result\":{")) {
                Format::KrakenTrades
            } else {
                Format::Ndjson
            }
        }
        _ => {
            let header = body.lines().next().unwrap_or("");
            let h = |k: &str| header.contains(k);
            if h("Lineitem quantity") && h("Name") {
                Format::Shopify
            } else if h("Created date (UTC)") || (h("Created (UTC)") && h("Amount")) {
                Format::Stripe
            } else {
                Format::Csv
            }
        }
    }
}

/// The generic mapping from `--map`, with `time` and `price` defaulting to columns of those
/// names, and the time format taken from the first value of the time field: digits are an
/// epoch number whose unit follows from its size, anything else a date-time (UTC when it
/// carries no offset).
pub fn mapping(args: &InputArgs, format: Format, head: &[u8]) -> Mapping {
    let mut m = Mapping::new("time", "price");
    for e in &args.map {
        m.set_source(&e.field, &e.source);
    }
    m.time_format = match first_time(format, head, &m.time) {
        Some(t) => time_format_of(&t),
        None => TimeFormat::DateTime {
            default_offset_min: Some(0),
        },
    };
    m
}

/// The time format a sample value is written in.
fn time_format_of(sample: &str) -> TimeFormat {
    let s = sample.trim();
    let digits = s.strip_prefix('-').unwrap_or(s);
    let int = digits.split_once('.').map_or(digits, |(i, _)| i);
    if !int.is_empty() && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        // Today in seconds has 10 digits, in ms 13, in µs 16, in ns 19.
        let unit = match int.len() {
            0..=11 => EpochUnit::Seconds,
            12..=14 => EpochUnit::Millis,
            15..=17 => EpochUnit::Micros,
            _ => EpochUnit::Nanos,
        };
        TimeFormat::Epoch(unit)
    } else {
        TimeFormat::DateTime {
            default_offset_min: Some(0),
        }
    }
}

/// The first value of the time field in the first bytes of the file.
fn first_time(format: Format, head: &[u8], field: &str) -> Option<String> {
    match format {
        Format::Csv => {
            let mut t = CsvTable::new(RECORD_LIMIT);
            let rows = t.feed(head, false);
            let header = t.header()?.clone();
            rows.iter()
                .flatten()
                .find_map(|r| header.get(r, field).map(str::to_string))
        }
        Format::Ndjson | Format::Json => {
            let mut pieces = Vec::new();
            if format == Format::Json {
                ArraySplitter::new(RECORD_LIMIT).feed(head, false, &mut pieces);
            } else {
                LineSplitter::new(RECORD_LIMIT).feed(head, false, &mut pieces);
            }
            pieces.iter().find_map(|p| match p {
                Piece::Whole { bytes, .. } => {
                    let v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
                    let found = if field.starts_with('/') {
                        v.pointer(field)
                    } else {
                        v.get(field)
                    }?;
                    Some(match found {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                }
                Piece::TooLong(_) | Piece::Cut(..) => None,
            })
        }
        _ => None,
    }
}

/// A venue decoder that reads one message or page at a time.
enum Venue {
    Binance(Binance),
    Coinbase(Coinbase, String),
    Kraken(Kraken),
}

impl Venue {
    /// Decodes one line: a WebSocket message or a REST page.
    fn message(&mut self, text: &str) -> Result<Decoded, DecodeError> {
        match self {
            Venue::Binance(b) => b.decode(text),
            Venue::Coinbase(c, product) => {
                if text.trim_start().starts_with('[') {
                    c.decode_rest(text, product, None, None)
                } else {
                    c.decode(text)
                }
            }
            Venue::Kraken(k) => {
                if text.contains("\"result\"") || text.contains("\"error\":[") {
                    k.decode_rest(text)
                } else {
                    k.decode(text)
                }
            }
        }
    }
}

enum Decoder {
    Csv(Box<CsvDecoder>),
    Shopify(Box<Shopify>),
    Stripe(Box<Stripe>),
    Ndjson(Box<NdjsonStream>),
    Json(Box<JsonArrayStream>),
    Html(Box<HtmlPage>),
    Array(ArraySplitter, Venue),
    Lines(LineSplitter, Venue),
}

/// Moves an error found in a single piece (parsed as if alone) to where the piece is.
fn relocate(e: DecodeError, at: &Position) -> DecodeError {
    let inner_at = |p: &Position| match p {
        Position::Item(0) | Position::Message => at.clone(),
        other => other.clone(),
    };
    match e {
        DecodeError::Json { at: inner, message } => DecodeError::Json {
            at: at.clone(),
            message: format!("{message} (at {inner} of the piece)"),
        },
        DecodeError::Missing { at: a, field, role } => DecodeError::Missing {
            at: inner_at(&a),
            field,
            role,
        },
        DecodeError::Invalid {
            at: a,
            field,
            role,
            value,
            expected,
        } => DecodeError::Invalid {
            at: inner_at(&a),
            field,
            role,
            value,
            expected,
        },
        DecodeError::Shape { at: a, detail } => DecodeError::Shape {
            at: inner_at(&a),
            detail,
        },
        other => other,
    }
}

fn reject(error: DecodeError, raw: &[u8]) -> Reject {
    Reject {
        error,
        raw: truncate(&String::from_utf8_lossy(raw), RAW_LIMIT).to_string(),
    }
}

/// Decodes one piece with a single-piece decoder and moves its positions to the piece's.
fn decode_piece(
    piece: Piece,
    at: impl Fn(u64) -> Position,
    f: impl FnOnce(&str) -> Result<Decoded, DecodeError>,
) -> Decoded {
    let mut d = Decoded::default();
    let (index, offset, bytes) = match piece {
        Piece::Whole {
            index,
            offset,
            bytes,
        } => (index, offset, bytes),
        Piece::TooLong(i) => {
            let error = DecodeError::TooLong {
                at: at(i),
                limit: RECORD_LIMIT,
            };
            d.rejects.push(reject(error, b""));
            return d;
        }
        Piece::Cut(i, bytes) => {
            d.rejects
                .push(reject(DecodeError::Truncated { at: at(i) }, &bytes));
            return d;
        }
    };
    let at = at(index);
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            let k = e.valid_up_to();
            let error = DecodeError::Utf8 {
                at,
                offset: offset + k as u64,
                byte: bytes[k],
            };
            d.rejects.push(reject(error, &bytes));
            return d;
        }
    };
    match f(text) {
        Ok(mut d) => {
            for r in &mut d.rejects {
                r.error = relocate(r.error.clone(), &at);
            }
            d
        }
        Err(e) => {
            d.rejects.push(reject(relocate(e, &at), &bytes));
            d
        }
    }
}

/// A file read chunk by chunk into decoded batches.
pub struct TradeStream {
    path: PathBuf,
    file: File,
    format: Format,
    decoder: Decoder,
    head: Option<Vec<u8>>,
    buf: Vec<u8>,
    done: bool,
    /// Bytes read so far.
    pub bytes: u64,
}

impl TradeStream {
    /// Opens `args.input`, detecting the format when none is given.
    pub fn open(args: &InputArgs) -> Result<TradeStream, InputError> {
        let path = args.input.clone();
        let io = |source| InputError::Io {
            path: path.clone(),
            source,
        };
        let mut file = File::open(&path).map_err(io)?;
        let mut head = vec![0; CHUNK];
        let n = read_full(&mut file, &mut head).map_err(io)?;
        head.truncate(n);
        let decode_error = |error: DecodeError| InputError::Decode {
            path: path.clone(),
            error: Box::new(error),
            hint: "",
        };
        // The same refusal of other encodings as the app's file import.
        sniff(&head).map_err(decode_error)?;
        let format = args.format.unwrap_or_else(|| detect(&head));
        if !args.map.is_empty() && !format.is_generic() {
            return Err(InputError::MapNotApplicable(format.name()));
        }
        if format != Format::Html && args.map.iter().any(|e| e.field == ROW) {
            return Err(InputError::RowNotApplicable(format.name()));
        }
        let stem = file_stem(&path);
        let first = head
            .iter()
            .copied()
            .find(|b| !b.is_ascii_whitespace() && !matches!(b, 0xef | 0xbb | 0xbf));
        let venue = match format {
            Format::BinanceTrades | Format::BinanceAgg => {
                Some(Venue::Binance(Binance::new(EpochUnit::Millis, &stem)))
            }
            Format::CoinbaseTrades => Some(Venue::Coinbase(Coinbase::new(), stem.clone())),
            Format::KrakenTrades => Some(Venue::Kraken(Kraken::new())),
            _ => None,
        };
        let decoder = match (format, venue) {
            (_, Some(v)) if first == Some(b'[') => {
                Decoder::Array(ArraySplitter::new(RECORD_LIMIT), v)
            }
            (_, Some(v)) => Decoder::Lines(LineSplitter::new(RECORD_LIMIT), v),
            (Format::Csv, _) => Decoder::Csv(Box::new(CsvDecoder::new(
                mapping(args, format, &head),
                RECORD_LIMIT,
            ))),
            (Format::Json, _) => {
                if let Some(b) = first.filter(|&b| b != b'[') {
                    return Err(decode_error(DecodeError::NotAnArray {
                        found: char::from(b),
                    }));
                }
                Decoder::Json(Box::new(JsonArrayStream::new(
                    mapping(args, format, &head),
                    RECORD_LIMIT,
                )))
            }
            (Format::Ndjson, _) => Decoder::Ndjson(Box::new(NdjsonStream::new(
                mapping(args, format, &head),
                RECORD_LIMIT,
            ))),
            (Format::Html, _) => {
                let page = HtmlPage::read(args, &path, &mut file, head)?;
                let bytes = page.bytes;
                return Ok(TradeStream {
                    path,
                    file,
                    format,
                    decoder: Decoder::Html(Box::new(page)),
                    bytes,
                    head: None,
                    buf: Vec::new(),
                    done: false,
                });
            }
            (Format::Shopify, _) => Decoder::Shopify(Box::new(Shopify::new(RECORD_LIMIT))),
            _ => Decoder::Stripe(Box::new(Stripe::new(RECORD_LIMIT))),
        };
        Ok(TradeStream {
            path,
            file,
            format,
            decoder,
            bytes: n as u64,
            head: Some(head),
            buf: vec![0; CHUNK],
            done: false,
        })
    }

    /// The format being read.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The next decoded batch, or `None` at the end of the file.
    pub fn next_batch(&mut self) -> Result<Option<Decoded>, InputError> {
        if self.done {
            return Ok(None);
        }
        if let Decoder::Html(page) = &mut self.decoder {
            let batch = page.next_batch();
            self.done = batch.is_none();
            return Ok(batch);
        }
        let (chunk, eof) = match self.head.take() {
            Some(h) => {
                let eof = h.len() < CHUNK;
                (h, eof)
            }
            None => {
                let n =
                    read_full(&mut self.file, &mut self.buf).map_err(|source| InputError::Io {
                        path: self.path.clone(),
                        source,
                    })?;
                self.bytes += n as u64;
                (self.buf[..n].to_vec(), n < CHUNK)
            }
        };
        self.done = eof;
        let fatal = |error: DecodeError, path: &Path| InputError::Decode {
            path: path.to_path_buf(),
            hint: if matches!(error, DecodeError::MissingColumn { .. }) {
                " (name the column with --map FIELD=COLUMN)"
            } else {
                ""
            },
            error: Box::new(error),
        };
        let mut out = Decoded::default();
        match &mut self.decoder {
            Decoder::Csv(d) => {
                out.append(d.feed(&chunk).map_err(|e| fatal(e, &self.path))?);
                if eof {
                    out.append(d.finish().map_err(|e| fatal(e, &self.path))?);
                }
            }
            Decoder::Shopify(d) => {
                out.append(d.feed(&chunk).map_err(|e| fatal(e, &self.path))?);
                if eof {
                    out.append(d.finish().map_err(|e| fatal(e, &self.path))?);
                }
            }
            Decoder::Stripe(d) => {
                out.append(d.feed(&chunk).map_err(|e| fatal(e, &self.path))?);
                if eof {
                    out.append(d.finish().map_err(|e| fatal(e, &self.path))?);
                }
            }
            Decoder::Ndjson(d) => {
                out.append(d.feed(&chunk));
                if eof {
                    out.append(d.finish());
                }
            }
            Decoder::Json(d) => {
                out.append(d.feed(&chunk).map_err(|e| fatal(e, &self.path))?);
                if eof {
                    out.append(d.finish().map_err(|e| fatal(e, &self.path))?);
                }
            }
            // Read whole when opened, and answered above.
            Decoder::Html(_) => {}
            Decoder::Array(split, venue) => {
                let mut pieces = Vec::new();
                split.feed(&chunk, eof, &mut pieces);
                if let Some(b) = split.not_array.take() {
                    let found = char::from(b);
                    return Err(fatal(DecodeError::NotAnArray { found }, &self.path));
                }
                for p in pieces {
                    out.append(decode_piece(
                        p,
                        |i| Position::Item(i as usize),
                        |text| venue.message(&format!("[{text}]")),
                    ));
                }
            }
            Decoder::Lines(split, venue) => {
                let mut pieces = Vec::new();
                split.feed(&chunk, eof, &mut pieces);
                for p in pieces {
                    out.append(decode_piece(
                        p,
                        |i| Position::Line(i + 1),
                        |text| venue.message(text),
                    ));
                }
            }
        }
        Ok(Some(out))
    }
}

/// An HTML page read whole and its cells extracted, decoded a batch of rows at a time so
/// the cleaner's quarantine keeps the first rejects of a large page.
struct HtmlPage {
    decoder: HtmlDecoder,
    rows: Vec<CellRow>,
    next: usize,
    bytes: u64,
}

impl HtmlPage {
    /// Rows decoded per batch.
    const BATCH: usize = 4096;

    /// Reads the rest of `file` after `head`, extracts the cells of `args.map`'s mapping,
    /// and takes the time format from the first time cell, as for CSV.
    fn read(
        args: &InputArgs,
        path: &Path,
        file: &mut File,
        mut page: Vec<u8>,
    ) -> Result<HtmlPage, InputError> {
        let io = |source| InputError::Io {
            path: path.to_path_buf(),
            source,
        };
        let size = file.metadata().map_err(io)?.len();
        let too_large = |size| InputError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit: html::PAGE_LIMIT,
        };
        if size > html::PAGE_LIMIT {
            return Err(too_large(size));
        }
        // The file may grow while read: never past the limit.
        let rest = html::PAGE_LIMIT + 1 - page.len() as u64;
        file.take(rest).read_to_end(&mut page).map_err(io)?;
        if page.len() as u64 > html::PAGE_LIMIT {
            return Err(too_large(page.len() as u64));
        }
        let mut mapping = HtmlMapping::from_entries(
            args.map
                .iter()
                .map(|e| (e.field.as_str(), e.source.as_str())),
        )?;
        let rows = html::extract(&String::from_utf8_lossy(&page), &mapping)?;
        let time = CellSelector::parse("time", &mapping.fields.time)?;
        let k = mapping.cells()?.iter().position(|c| *c == time);
        mapping.fields.time_format = rows
            .iter()
            .filter_map(|r| r.get(k?)?.as_deref())
            .map(normalize)
            .find(|t| !t.is_empty())
            .map_or(
                TimeFormat::DateTime {
                    default_offset_min: Some(0),
                },
                |t| time_format_of(&t),
            );
        Ok(HtmlPage {
            decoder: HtmlDecoder::new(mapping)?,
            rows,
            next: 0,
            bytes: page.len() as u64,
        })
    }

    fn next_batch(&mut self) -> Option<Decoded> {
        if self.next >= self.rows.len() {
            return None;
        }
        let end = (self.next + Self::BATCH).min(self.rows.len());
        let out = self
            .decoder
            .decode_rows(&self.rows[self.next..end], self.next as u64 + 1);
        self.next = end;
        Some(out)
    }
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().to_uppercase())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "UNKNOWN".to_string())
}

/// Reads until `buf` is full or the file ends.
fn read_full(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Decoded batches through the cleaner: only accepted trades come out.
pub struct CleanStream {
    /// The decoded stream.
    pub trades: TradeStream,
    /// The cleaner, with its report and quarantine.
    pub cleaner: Cleaner,
    now_ms: i64,
}

impl CleanStream {
    /// Opens and decodes `args`, cleaning with the default settings but no outlier test:
    /// an outlier is only a flag (the trade is kept), so aggregates do not change, and the
    /// test's rolling median costs more than all the rest of the cleaning.
    pub fn open(args: &InputArgs) -> Result<CleanStream, InputError> {
        let config = CleanConfig {
            outlier_symbols: 0,
            ..CleanConfig::default()
        };
        CleanStream::open_with(args, config)
    }

    /// Opens and decodes `args`, cleaning with `config`.
    pub fn open_with(args: &InputArgs, config: CleanConfig) -> Result<CleanStream, InputError> {
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        Ok(CleanStream {
            trades: TradeStream::open(args)?,
            cleaner: Cleaner::new(config),
            now_ms,
        })
    }

    /// The accepted trades of the next batch, or `None` at the end.
    pub fn next_batch(&mut self) -> Result<Option<Vec<Trade>>, InputError> {
        let Some(mut batch) = self.trades.next_batch()? else {
            return Ok(None);
        };
        let format = self.trades.format();
        if !format.is_venue() {
            let c = self.cleaner.clean(format.name(), batch, self.now_ms);
            return Ok(Some(c.accepted));
        }
        // Venues number trades per symbol: one feed (and dedup memory) per symbol.
        let mut trades = std::mem::take(&mut batch.trades);
        let mut accepted = Vec::with_capacity(trades.len());
        accepted.extend(
            self.cleaner
                .clean(format.name(), batch, self.now_ms)
                .accepted,
        );
        while let Some(first) = trades.first() {
            let symbol = first.symbol.clone();
            let (same, rest): (Vec<Trade>, Vec<Trade>) =
                trades.into_iter().partition(|t| t.symbol == symbol);
            trades = rest;
            let feed = format!("{}:{symbol}", format.name());
            let part = Decoded {
                trades: same,
                ..Decoded::default()
            };
            accepted.extend(self.cleaner.clean(&feed, part, self.now_ms).accepted);
        }
        Ok(Some(accepted))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats_from_first_bytes() {
        let cases: [(&str, Format); 12] = [
            (
                r#"[{"id":1,"price":"1","qty":"1","time":1,"isBuyerMaker":true}]"#,
                Format::BinanceTrades,
            ),
            (
                r#"[{"a":1,"p":"1","q":"1","f":1,"l":1,"T":1,"m":true}]"#,
                Format::BinanceAgg,
            ),
            (
                r#"[{"time":"x","trade_id":1,"price":"1","size":"1","side":"buy"}]"#,
                Format::CoinbaseTrades,
            ),
            (
                r#"{"error":[],"result":{"XXBTZUSD":[]}}"#,
                Format::KrakenTrades,
            ),
            (r#"[{"t":1}]"#, Format::Json),
            ("{\"t\":1}\n{\"t\":2}\n", Format::Ndjson),
            ("time,price\n1,2\n", Format::Csv),
            ("Name,Email,Created at,Lineitem quantity\n", Format::Shopify),
            ("id,Created date (UTC),Amount,Status\n", Format::Stripe),
            ("<!DOCTYPE html>\n<html><body>", Format::Html),
            (
                "\u{feff}\n  <table><tr><td>1</td></tr></table>",
                Format::Html,
            ),
            ("<html lang=en>", Format::Html),
        ];
        for (text, f) in cases {
            assert_eq!(detect(text.as_bytes()), f, "{text}");
        }
    }

    #[test]
    fn epoch_units_follow_from_size() {
        assert_eq!(
            time_format_of("1700000000"),
            TimeFormat::Epoch(EpochUnit::Seconds)
        );
        assert_eq!(
            time_format_of("1700000000.5"),
            TimeFormat::Epoch(EpochUnit::Seconds)
        );
        assert_eq!(
            time_format_of("1700000000000"),
            TimeFormat::Epoch(EpochUnit::Millis)
        );
        assert_eq!(
            time_format_of("1700000000000000"),
            TimeFormat::Epoch(EpochUnit::Micros)
        );
        assert!(matches!(
            time_format_of("2024-03-31T00:00:00Z"),
            TimeFormat::DateTime { .. }
        ));
    }
}
