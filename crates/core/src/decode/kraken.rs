//! Kraken spot: WebSocket v2 (`trade` snapshot/update, `heartbeat`, `status`, method replies)
//! and the REST `Trades` page.
//!
//! WebSocket prices and quantities are JSON numbers: they are read from their own text, so no
//! precision is lost. The REST result is keyed by Kraken's own pair name (`XXBTZUSD` for a
//! request of `XBTUSD`): the decoder takes whichever key is not `last`. REST tuples are
//! `[price, volume, time (float seconds), b/s, m/l, misc, trade_id]`; tuples from before
//! Kraken added `trade_id` get the FNV-1a hash of the tuple's text as id.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::json::{decimal, from_raw, from_str, id, need, number, relocate};
use super::text::{fnv1a, parse_side, truncate};
use super::time::{epoch_text_to_ms, parse_datetime, EpochUnit};
use super::{
    venue_trade, Control, DecodeError, Decoded, Interner, PageCursor, Position, Reject, Role,
};
use crate::model::{Label, Trade};

/// A Kraken decoder. Keep one per connection: it shares symbol labels between messages.
#[derive(Clone, Debug)]
pub struct Kraken {
    venue: Label,
    labels: Interner,
}

impl Default for Kraken {
    fn default() -> Self {
        Kraken {
            venue: "kraken".into(),
            labels: Interner::default(),
        }
    }
}

#[derive(Deserialize)]
struct WsMsg<'a> {
    #[serde(borrow)]
    channel: Option<Cow<'a, str>>,
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
    #[serde(borrow)]
    method: Option<Cow<'a, str>>,
    success: Option<bool>,
    #[serde(borrow)]
    error: Option<Cow<'a, str>>,
    #[serde(borrow)]
    result: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct WsTrade<'a> {
    #[serde(borrow)]
    symbol: Option<Cow<'a, str>>,
    #[serde(borrow)]
    side: Option<Cow<'a, str>>,
    #[serde(borrow)]
    price: Option<&'a RawValue>,
    #[serde(borrow)]
    qty: Option<&'a RawValue>,
    #[serde(borrow)]
    trade_id: Option<&'a RawValue>,
    #[serde(borrow)]
    timestamp: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Rest<'a> {
    #[serde(default)]
    error: Vec<String>,
    #[serde(borrow)]
    result: Option<BTreeMap<Cow<'a, str>, &'a RawValue>>,
}

impl Kraken {
    /// A new decoder.
    pub fn new() -> Kraken {
        Kraken::default()
    }

    /// Decodes one WebSocket v2 message.
    pub fn decode(&mut self, text: &str) -> Result<Decoded, DecodeError> {
        let msg: WsMsg = from_str(text)?;
        let mut out = Decoded::default();
        if let Some(method) = msg.method.as_deref() {
            if msg.success == Some(false) || msg.error.is_some() {
                out.events.push(Control::VenueError {
                    code: None,
                    message: msg.error.as_deref().unwrap_or("request failed").to_string(),
                });
            } else {
                let result = msg.result.map_or("", |r| r.get());
                out.events.push(Control::Subscribed {
                    detail: truncate(&format!("{method} {result}"), 300).to_string(),
                });
            }
            return Ok(out);
        }
        let channel = need(
            msg.channel.as_deref(),
            &Position::Message,
            "channel",
            Role::Other,
        )?;
        match channel {
            "trade" => {
                let data = need(msg.data, &Position::Message, "data", Role::Other)?;
                let items: Vec<&RawValue> = from_raw(data)?;
                for (i, raw) in items.into_iter().enumerate() {
                    let at = Position::Item(i);
                    match from_raw::<WsTrade>(raw).and_then(|t| self.ws_trade(&t, &at)) {
                        Ok(t) => out.trades.push(t),
                        Err(e) => out.rejects.push(Reject::new(relocate(e, &at), raw.get())),
                    }
                }
            }
            "heartbeat" => out.events.push(Control::Heartbeat {
                symbol: None,
                last_trade_id: None,
            }),
            "status" => out.events.push(Control::Status {
                detail: truncate(msg.data.map_or("", |d| d.get()), 300).to_string(),
            }),
            other => out.events.push(Control::Ignored {
                kind: truncate(
                    &format!("{other} {}", msg.kind.as_deref().unwrap_or("")),
                    64,
                )
                .trim_end()
                .to_string(),
            }),
        }
        Ok(out)
    }

    fn ws_trade(&mut self, t: &WsTrade, at: &Position) -> Result<Trade, DecodeError> {
        let id = id(t.trade_id, at, "trade_id")?;
        let price = number(t.price, at, "price", Role::Price)?;
        let qty = number(t.qty, at, "qty", Role::Qty)?;
        let ts = need(t.timestamp.as_deref(), at, "timestamp", Role::Time)?;
        let time_ms = parse_datetime(ts, None).ok_or_else(|| {
            DecodeError::invalid(at.clone(), "timestamp", Role::Time, ts, "an RFC 3339 time")
        })?;
        let side = match t.side.as_deref() {
            None => None,
            Some(s) => Some(parse_side(s).ok_or_else(|| {
                DecodeError::invalid(at.clone(), "side", Role::Side, s, "`buy` or `sell`")
            })?),
        };
        let symbol = self
            .labels
            .get(need(t.symbol.as_deref(), at, "symbol", Role::Symbol)?);
        Ok(venue_trade(
            &self.venue,
            id,
            time_ms,
            price,
            qty,
            side,
            symbol,
        ))
    }

    /// Decodes one REST `Trades` response; `last` becomes a [`PageCursor::KrakenSince`].
    /// Trades are named by the pair key Kraken returned.
    pub fn decode_rest(&mut self, text: &str) -> Result<Decoded, DecodeError> {
        let rest: Rest = from_str(text)?;
        let mut out = Decoded::default();
        for e in &rest.error {
            out.events.push(Control::VenueError {
                code: None,
                message: e.clone(),
            });
        }
        let Some(result) = rest.result else {
            if rest.error.is_empty() {
                return Err(DecodeError::missing(
                    Position::Message,
                    "result",
                    Role::Other,
                ));
            }
            return Ok(out);
        };
        for (key, value) in &result {
            if key == "last" {
                let raw = value.get();
                let cursor = raw
                    .strip_prefix('"')
                    .and_then(|r| r.strip_suffix('"'))
                    .unwrap_or(raw);
                out.events
                    .push(Control::Cursor(PageCursor::KrakenSince(cursor.to_string())));
                continue;
            }
            let symbol = self.labels.get(key);
            let rows: Vec<Vec<&RawValue>> = from_raw(value)?;
            for (i, row) in rows.iter().enumerate() {
                let at = Position::Item(i);
                match self.rest_row(row, &at, symbol.clone()) {
                    Ok(t) => out.trades.push(t),
                    Err(e) => {
                        let raw: Vec<&str> = row.iter().map(|r| r.get()).collect();
                        out.rejects
                            .push(Reject::new(e, &format!("[{}]", raw.join(","))));
                    }
                }
            }
        }
        Ok(out)
    }

    fn rest_row(
        &self,
        row: &[&RawValue],
        at: &Position,
        symbol: Label,
    ) -> Result<Trade, DecodeError> {
        let text = |k: usize, name: &str, role: Role| -> Result<Cow<'_, str>, DecodeError> {
            let raw = need(row.get(k), at, name, role)?;
            let s = raw.get();
            Ok(Cow::Borrowed(
                s.strip_prefix('"')
                    .and_then(|r| r.strip_suffix('"'))
                    .unwrap_or(s),
            ))
        };
        let price = decimal(
            Some(&text(0, "price", Role::Price)?),
            at,
            "price",
            Role::Price,
        )?;
        let qty = decimal(
            Some(&text(1, "volume", Role::Qty)?),
            at,
            "volume",
            Role::Qty,
        )?;
        let time = text(2, "time", Role::Time)?;
        let time_ms = epoch_text_to_ms(&time, EpochUnit::Seconds).ok_or_else(|| {
            DecodeError::invalid(at.clone(), "time", Role::Time, &time, "epoch seconds")
        })?;
        let side_text = text(3, "side", Role::Side)?;
        let side = Some(parse_side(&side_text).ok_or_else(|| {
            DecodeError::invalid(at.clone(), "side", Role::Side, &side_text, "`b` or `s`")
        })?);
        let id = match row.get(6) {
            Some(raw) => id(Some(*raw), at, "trade_id")?,
            None => {
                let joined: Vec<&str> = row.iter().map(|r| r.get()).collect();
                fnv1a(joined.join(",").as_bytes())
            }
        };
        Ok(venue_trade(
            &self.venue,
            id,
            time_ms,
            price,
            qty,
            side,
            symbol,
        ))
    }
}
