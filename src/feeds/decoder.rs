//! One decoder per feed, whatever its dialect: whole messages (sockets, events, polled bodies)
//! or chunks of a stream (files).

use tradelens_core::decode::binance::Binance;
use tradelens_core::decode::coinbase::Coinbase;
use tradelens_core::decode::generic::{CsvDecoder, JsonDecoder, NdjsonStream};
use tradelens_core::decode::kraken::Kraken;
use tradelens_core::decode::shopify::Shopify;
use tradelens_core::decode::stripe::Stripe;
use tradelens_core::decode::time::EpochUnit;
use tradelens_core::decode::{DecodeError, Decoded};
use tradelens_core::feed::preview::SampleFormat;
use tradelens_core::feed::venue::Venue;

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
            FeedSpec::Poll { mapping, .. } | FeedSpec::Sse { mapping, .. } => {
                Decoder::Json(JsonDecoder::new(mapping.clone()))
            }
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

    /// One message (socket, event) or whole body.
    pub fn message(&mut self, text: &str) -> Result<Decoded, DecodeError> {
        match self {
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
            _ => self.message(&String::from_utf8_lossy(bytes)),
        }
    }
}
