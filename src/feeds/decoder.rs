//! One decoder per feed, whatever its dialect: whole messages (sockets, events, polled bodies)
//! or chunks of a stream (files). A polled body is a whole document each time: CSV gets a
//! fresh CSV decoder per body (its header comes again), an HTML page is parsed whole.
//!
//! A message that cannot be read at all is quarantined with its own text, so the user sees
//! what arrived. A stream (a file) is checked for its encoding on its first chunk; an error
//! that stops the whole stream (UTF-16, a header without a mapped column, not a JSON array)
//! is the `Err` of [`Decoder::chunk`], for the import to stop and say so.

use tradelens_core::decode::binance::Binance;
use tradelens_core::decode::coinbase::Coinbase;
use tradelens_core::decode::encoding::sniff;
use tradelens_core::decode::generic::{
    CsvDecoder, JsonArrayStream, JsonDecoder, Mapping, NdjsonStream,
};
use tradelens_core::decode::html::{HtmlDecoder, HtmlMapping};
use tradelens_core::decode::kraken::Kraken;
use tradelens_core::decode::shopify::Shopify;
use tradelens_core::decode::stripe::Stripe;
use tradelens_core::decode::text::truncate;
use tradelens_core::decode::time::EpochUnit;
use tradelens_core::decode::{DecodeError, Decoded, Position, Reject, RAW_LIMIT};
use tradelens_core::feed::preview::SampleFormat;
use tradelens_core::feed::venue::Venue;

use super::html;
use super::spec::{FeedSpec, FileFormat};

/// Records longest accepted from generic sources, bytes.
const RECORD_LIMIT: usize = 64 * 1024;

/// The decoder of one feed.
pub struct Decoder {
    kind: Kind,
    /// The one symbol a venue stream subscribed to.
    symbol: Option<String>,
    /// A stream's first chunk was seen (and its encoding checked).
    started: bool,
}

enum Kind {
    /// Nothing to decode (the demo).
    None,
    Binance(Binance),
    Coinbase(Coinbase),
    Kraken(Kraken),
    /// JSON array or NDJSON messages (polled bodies, events).
    Json(JsonDecoder),
    /// A streamed JSON array file.
    JsonArray(JsonArrayStream),
    Ndjson(NdjsonStream),
    Csv(CsvDecoder),
    /// Polled CSV: every body is a whole file with its header.
    CsvBodies(Mapping),
    /// HTML pages: a polled body, or a file gathered whole (at most [`html::PAGE_LIMIT`]
    /// bytes) and decoded at its end.
    Html {
        /// The cell decoder.
        decoder: Box<HtmlDecoder>,
        /// A file's bytes so far.
        page: Vec<u8>,
        /// The file passed the limit: the rest is dropped and the end reports it.
        too_long: bool,
    },
    /// The feed's mapping cannot be used: every message says why.
    Unusable(String),
    Shopify(Shopify),
    Stripe(Stripe),
}

impl Decoder {
    /// The decoder a feed needs.
    pub fn for_spec(spec: &FeedSpec) -> Decoder {
        let kind = match spec {
            FeedSpec::Demo => Kind::None,
            FeedSpec::Venue(p) => match p.venue {
                Venue::Binance => Kind::Binance(Binance::new(EpochUnit::Millis, &p.symbol)),
                Venue::Coinbase => Kind::Coinbase(Coinbase::new()),
                Venue::Kraken => Kind::Kraken(Kraken::new()),
            },
            FeedSpec::Poll {
                format: SampleFormat::Csv,
                mapping,
                ..
            } => Kind::CsvBodies(mapping.clone()),
            FeedSpec::Poll {
                format: SampleFormat::Html,
                mapping,
                rows,
                ..
            } => html_kind(rows.as_deref(), mapping),
            FeedSpec::Poll { mapping, .. } | FeedSpec::Sse { mapping, .. } => {
                Kind::Json(JsonDecoder::new(mapping.clone()))
            }
            FeedSpec::File {
                format: FileFormat::Generic(SampleFormat::Html),
                mapping: Some(m),
                rows,
                ..
            } => html_kind(rows.as_deref(), m),
            FeedSpec::File {
                format, mapping, ..
            } => match (format, mapping) {
                (FileFormat::Shopify, _) => Kind::Shopify(Shopify::new(RECORD_LIMIT)),
                (FileFormat::Stripe, _) => Kind::Stripe(Stripe::new(RECORD_LIMIT)),
                (FileFormat::Generic(SampleFormat::Csv), Some(m)) => {
                    Kind::Csv(CsvDecoder::new(m.clone(), RECORD_LIMIT))
                }
                (FileFormat::Generic(SampleFormat::Ndjson), Some(m)) => {
                    Kind::Ndjson(NdjsonStream::new(m.clone(), RECORD_LIMIT))
                }
                (FileFormat::Generic(_), Some(m)) => {
                    Kind::JsonArray(JsonArrayStream::new(m.clone(), RECORD_LIMIT))
                }
                (FileFormat::Generic(_), None) => Kind::None,
            },
        };
        Decoder {
            kind,
            symbol: match spec {
                FeedSpec::Venue(p) => Some(p.symbol.clone()),
                _ => None,
            },
            started: false,
        }
    }

    /// One message (socket, event) or whole body. Never fails: a message that cannot be read
    /// at all comes back as a reject quoting it.
    pub fn message(&mut self, text: &str) -> Decoded {
        let decoded = match &mut self.kind {
            Kind::CsvBodies(m) => {
                let mut d = CsvDecoder::new(m.clone(), RECORD_LIMIT);
                d.feed(text.as_bytes()).and_then(|mut out| {
                    out.append(d.finish()?);
                    Ok(out)
                })
            }
            Kind::Html { decoder, .. } => html::decode_page(decoder, text),
            Kind::Unusable(why) => Err(DecodeError::shape(Position::Message, why.clone())),
            Kind::Binance(d) => d.decode(text),
            Kind::Coinbase(d) => d.decode(text),
            Kind::Kraken(d) => d.decode(text),
            Kind::Json(d) => {
                if text
                    .trim_start_matches('\u{feff}')
                    .trim_start()
                    .starts_with('[')
                {
                    d.decode_array(text)
                } else {
                    Ok(d.decode_ndjson(text, 1))
                }
            }
            _ => Ok(Decoded::default()),
        };
        let mut decoded = decoded.unwrap_or_else(|error| {
            let mut d = Decoded::default();
            d.rejects.push(Reject {
                error,
                raw: truncate(text, RAW_LIMIT).to_string(),
            });
            d
        });
        if let Some(symbol) = &self.symbol {
            decoded.keep_symbol(symbol, text);
        }
        decoded
    }

    /// One chunk of a stream; `eof` ends it. An `Err` stops the stream: nothing later in it
    /// can be read.
    pub fn chunk(&mut self, bytes: &[u8], eof: bool) -> Result<Decoded, DecodeError> {
        if !std::mem::replace(&mut self.started, true) {
            sniff(bytes)?;
        }
        match &mut self.kind {
            Kind::Csv(d) => fed(d, bytes, eof, CsvDecoder::feed, CsvDecoder::finish),
            Kind::JsonArray(d) => fed(
                d,
                bytes,
                eof,
                JsonArrayStream::feed,
                JsonArrayStream::finish,
            ),
            Kind::Ndjson(d) => fed(d, bytes, eof, |d, b| Ok(d.feed(b)), |d| Ok(d.finish())),
            Kind::Shopify(d) => fed(d, bytes, eof, Shopify::feed, Shopify::finish),
            Kind::Stripe(d) => fed(d, bytes, eof, Stripe::feed, Stripe::finish),
            Kind::Html {
                decoder,
                page,
                too_long,
            } => {
                if page.len() + bytes.len() > html::PAGE_LIMIT {
                    *too_long = true;
                    *page = Vec::new();
                } else if !*too_long {
                    page.extend_from_slice(bytes);
                }
                if !eof {
                    return Ok(Decoded::default());
                }
                if std::mem::take(too_long) {
                    return Err(DecodeError::TooLong {
                        at: Position::Message,
                        limit: html::PAGE_LIMIT,
                    });
                }
                let text = String::from_utf8_lossy(&std::mem::take(page)).into_owned();
                html::decode_page(decoder, &text)
            }
            // The other kinds read whole messages, not streams.
            _ => Ok(Decoded::default()),
        }
    }
}

/// The decoder of an HTML feed: row selector `rows`, cells as `fields` says.
fn html_kind(rows: Option<&str>, fields: &Mapping) -> Kind {
    let mapping = HtmlMapping {
        rows: rows.unwrap_or_default().to_string(),
        fields: fields.clone(),
    };
    match HtmlDecoder::new(mapping) {
        Ok(d) => Kind::Html {
            decoder: Box::new(d),
            page: Vec::new(),
            too_long: false,
        },
        Err(e) => Kind::Unusable(e.to_string()),
    }
}

type Step<T> = fn(&mut T, &[u8]) -> Result<Decoded, DecodeError>;

/// Feeds `bytes` to a stream decoder, and ends it when `eof`.
fn fed<T>(
    d: &mut T,
    bytes: &[u8],
    eof: bool,
    feed: Step<T>,
    finish: fn(&mut T) -> Result<Decoded, DecodeError>,
) -> Result<Decoded, DecodeError> {
    let mut out = feed(d, bytes)?;
    if eof {
        out.append(finish(d)?);
    }
    Ok(out)
}
