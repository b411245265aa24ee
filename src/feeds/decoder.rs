//! One decoder per feed, whatever its dialect: whole messages (sockets, events, polled bodies)
//! or chunks of a stream (files). A polled body is a whole document each time: CSV gets a
//! fresh CSV decoder per body (its header comes again), an HTML page is parsed whole.

use tradelens_core::decode::binance::Binance;
use tradelens_core::decode::coinbase::Coinbase;
use tradelens_core::decode::generic::{CsvDecoder, JsonDecoder, Mapping, NdjsonStream};
use tradelens_core::decode::html::{HtmlDecoder, HtmlMapping};
use tradelens_core::decode::kraken::Kraken;
use tradelens_core::decode::shopify::Shopify;
use tradelens_core::decode::stripe::Stripe;
use tradelens_core::decode::time::EpochUnit;
use tradelens_core::decode::{DecodeError, Decoded, Position};
use tradelens_core::feed::preview::SampleFormat;
use tradelens_core::feed::venue::Venue;

use super::html;
use super::spec::{FeedSpec, FileFormat};

/// Records longest accepted from generic sources, bytes.
const RECORD_LIMIT: usize = 64 * 1024;

/// The decoder of one feed.
pub enum Decoder {
    /// Nothing to decode (the demo).
    None,
    /// Binance.
    Binance(Binance),
    /// Coinbase.
    Coinbase(Coinbase),
    /// Kraken.
    Kraken(Kraken),
    /// JSON array or NDJSON messages.
    Json(JsonDecoder),
    /// Streamed NDJSON.
    Ndjson(NdjsonStream),
    /// Streamed CSV.
    Csv(CsvDecoder),
    /// Polled CSV: every body is a whole file with its header.
    CsvBodies(Mapping),
    /// HTML pages: a polled body, or a file gathered whole (at most
    /// [`html::PAGE_LIMIT`] bytes) and decoded at its end.
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
    /// Shopify export.
    Shopify(Shopify),
    /// Stripe export.
    Stripe(Stripe),
}

impl Decoder {
    /// The decoder a feed needs.
    pub fn for_spec(spec: &FeedSpec) -> Decoder {
        match spec {
            FeedSpec::Demo => Decoder::None,
            FeedSpec::Venue(p) => match p.venue {
                Venue::Binance => Decoder::Binance(Binance::new(EpochUnit::Millis, &p.symbol)),
                Venue::Coinbase => Decoder::Coinbase(Coinbase::new()),
                Venue::Kraken => Decoder::Kraken(Kraken::new()),
            },
            FeedSpec::Poll {
                format: SampleFormat::Csv,
                mapping,
                ..
            } => Decoder::CsvBodies(mapping.clone()),
            FeedSpec::Poll {
                format: SampleFormat::Html,
                mapping,
                rows,
                ..
            } => Decoder::html(rows.as_deref(), mapping),
            FeedSpec::Poll { mapping, .. } | FeedSpec::Sse { mapping, .. } => {
                Decoder::Json(JsonDecoder::new(mapping.clone()))
            }
            FeedSpec::File {
                format: FileFormat::Generic(SampleFormat::Html),
                mapping: Some(m),
                rows,
                ..
            } => Decoder::html(rows.as_deref(), m),
            FeedSpec::File {
                format, mapping, ..
            } => match (format, mapping) {
                (FileFormat::Shopify, _) => Decoder::Shopify(Shopify::new(RECORD_LIMIT)),
                (FileFormat::Stripe, _) => Decoder::Stripe(Stripe::new(RECORD_LIMIT)),
                (FileFormat::Generic(SampleFormat::Csv), Some(m)) => {
                    Decoder::Csv(CsvDecoder::new(m.clone(), RECORD_LIMIT))
                }
                (FileFormat::Generic(SampleFormat::Ndjson), Some(m)) => {
                    Decoder::Ndjson(NdjsonStream::new(m.clone(), RECORD_LIMIT))
                }
                (FileFormat::Generic(_), Some(m)) => Decoder::Json(JsonDecoder::new(m.clone())),
                (FileFormat::Generic(_), None) => Decoder::None,
            },
        }
    }

    fn html(rows: Option<&str>, fields: &Mapping) -> Decoder {
        let mapping = HtmlMapping {
            rows: rows.unwrap_or_default().to_string(),
            fields: fields.clone(),
        };
        match HtmlDecoder::new(mapping) {
            Ok(d) => Decoder::Html {
                decoder: Box::new(d),
                page: Vec::new(),
                too_long: false,
            },
            Err(e) => Decoder::Unusable(e.to_string()),
        }
    }

    /// One message (socket, event) or whole body.
    pub fn message(&mut self, text: &str) -> Result<Decoded, DecodeError> {
        match self {
            Decoder::CsvBodies(m) => {
                let mut d = CsvDecoder::new(m.clone(), RECORD_LIMIT);
                let mut out = d.feed(text.as_bytes())?;
                out.append(d.finish()?);
                Ok(out)
            }
            Decoder::Html { decoder, .. } => html::decode_page(decoder, text),
            Decoder::Unusable(why) => Err(DecodeError::shape(Position::Message, why.clone())),
            Decoder::Binance(d) => d.decode(text),
            Decoder::Coinbase(d) => d.decode(text),
            Decoder::Kraken(d) => d.decode(text),
            Decoder::Json(d) => {
                if text.trim_start().starts_with('[') {
                    d.decode_array(text)
                } else {
                    Ok(d.decode_ndjson(text, 1))
                }
            }
            _ => Ok(Decoded::default()),
        }
    }

    /// One chunk of a stream; `eof` ends it.
    pub fn chunk(&mut self, bytes: &[u8], eof: bool) -> Result<Decoded, DecodeError> {
        match self {
            Decoder::Csv(d) => {
                let mut out = d.feed(bytes)?;
                if eof {
                    out.append(d.finish()?);
                }
                Ok(out)
            }
            Decoder::Ndjson(d) => {
                let mut out = d.feed(bytes);
                if eof {
                    out.append(d.finish());
                }
                Ok(out)
            }
            Decoder::Shopify(d) => {
                let mut out = d.feed(bytes)?;
                if eof {
                    out.append(d.finish()?);
                }
                Ok(out)
            }
            Decoder::Stripe(d) => {
                let mut out = d.feed(bytes)?;
                if eof {
                    out.append(d.finish()?);
                }
                Ok(out)
            }
            Decoder::Html {
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
            _ => self.message(&String::from_utf8_lossy(bytes)),
        }
    }
}
