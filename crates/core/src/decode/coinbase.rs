//! Coinbase Exchange: WebSocket `match` / `last_match`, `heartbeat`, `subscriptions`,
//! `error`, and the REST trades page with its `CB-BEFORE` / `CB-AFTER` headers.
//!
//! `side` is the MAKER's side: `"sell"` means the taker bought. Times are RFC 3339 with
//! microseconds, cut to milliseconds. Unknown message types are [`Control::Ignored`].

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::json::{decimal, first_byte, from_raw, from_str, need, relocate};
use super::text::truncate;
use super::time::parse_datetime;
use super::{
    venue_trade, Control, DecodeError, Decoded, Interner, PageCursor, Position, Reject, Role,
};
use crate::model::{Label, Side, Trade};

/// A Coinbase decoder. Keep one per connection: it shares product labels between messages.
#[derive(Clone, Debug)]
pub struct Coinbase {
    venue: Label,
    labels: Interner,
}

impl Default for Coinbase {
    fn default() -> Self {
        Coinbase {
            venue: "coinbase".into(),
            labels: Interner::default(),
        }
    }
}

#[derive(Deserialize)]
struct Msg<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    trade_id: Option<u64>,
    #[serde(borrow)]
    time: Option<Cow<'a, str>>,
    #[serde(borrow)]
    product_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    size: Option<Cow<'a, str>>,
    #[serde(borrow)]
    price: Option<Cow<'a, str>>,
    #[serde(borrow)]
    side: Option<Cow<'a, str>>,
    last_trade_id: Option<u64>,
    #[serde(borrow)]
    message: Option<Cow<'a, str>>,
    #[serde(borrow)]
    reason: Option<Cow<'a, str>>,
    #[serde(borrow)]
    channels: Option<&'a RawValue>,
}

impl Coinbase {
    /// A new decoder.
    pub fn new() -> Coinbase {
        Coinbase::default()
    }

    /// Decodes one WebSocket message.
    pub fn decode(&mut self, text: &str) -> Result<Decoded, DecodeError> {
        let msg: Msg = from_str(text)?;
        let at = Position::Message;
        let mut out = Decoded::default();
        let kind = need(msg.kind.as_deref(), &at, "type", Role::Other)?;
        match kind {
            "match" | "last_match" => {
                let symbol = need(msg.product_id.as_deref(), &at, "product_id", Role::Symbol)?;
                let symbol = self.labels.get(symbol);
                match self.trade(&msg, &at, symbol) {
                    Ok(t) => out.trades.push(t),
                    Err(e) => out.rejects.push(Reject::new(e, text)),
                }
            }
            "heartbeat" => out.events.push(Control::Heartbeat {
                symbol: msg.product_id.as_deref().map(|p| self.labels.get(p)),
                last_trade_id: msg.last_trade_id,
            }),
            "subscriptions" => out.events.push(Control::Subscribed {
                detail: truncate(msg.channels.map_or("", |c| c.get()), 300).to_string(),
            }),
            "error" => out.events.push(Control::VenueError {
                code: None,
                message: match (&msg.message, &msg.reason) {
                    (Some(m), Some(r)) => format!("{m}: {r}"),
                    (Some(m), None) => m.to_string(),
                    (None, r) => r.as_deref().unwrap_or("").to_string(),
                },
            }),
            other => out.events.push(Control::Ignored {
                kind: truncate(other, 64).to_string(),
            }),
        }
        Ok(out)
    }

    /// Decodes one REST trades page of `product`; `cb_before` / `cb_after` are the response's
    /// `CB-BEFORE` / `CB-AFTER` header values, passed on as a [`PageCursor::Coinbase`].
    pub fn decode_rest(
        &mut self,
        text: &str,
        product: &str,
        cb_before: Option<&str>,
        cb_after: Option<&str>,
    ) -> Result<Decoded, DecodeError> {
        if first_byte(text) != Some(b'[') {
            // The venue answers errors with an object: {"message": "NotFound"}.
            let msg: Msg = from_str(text)?;
            let message = need(
                msg.message.as_deref(),
                &Position::Message,
                "message",
                Role::Other,
            )?;
            let mut out = Decoded::default();
            out.events.push(Control::VenueError {
                code: None,
                message: message.to_string(),
            });
            return Ok(out);
        }
        let items: Vec<&RawValue> = from_str(text)?;
        let symbol = self.labels.get(product);
        let mut out = Decoded::default();
        for (i, raw) in items.into_iter().enumerate() {
            let at = Position::Item(i);
            match from_raw::<Msg>(raw).and_then(|m| self.trade(&m, &at, symbol.clone())) {
                Ok(t) => out.trades.push(t),
                Err(e) => out.rejects.push(Reject::new(relocate(e, &at), raw.get())),
            }
        }
        if cb_before.is_some() || cb_after.is_some() {
            out.events.push(Control::Cursor(PageCursor::Coinbase {
                before: cb_before.map(str::to_string),
                after: cb_after.map(str::to_string),
            }));
        }
        Ok(out)
    }

    fn trade(&self, msg: &Msg, at: &Position, symbol: Label) -> Result<Trade, DecodeError> {
        let id = need(msg.trade_id, at, "trade_id", Role::Id)?;
        let price = decimal(msg.price.as_ref(), at, "price", Role::Price)?;
        let qty = decimal(msg.size.as_ref(), at, "size", Role::Qty)?;
        let time = need(msg.time.as_deref(), at, "time", Role::Time)?;
        let time_ms = parse_datetime(time, None).ok_or_else(|| {
            DecodeError::invalid(at.clone(), "time", Role::Time, time, "an RFC 3339 time")
        })?;
        // The maker's side: a maker selling means the taker bought.
        let side = match msg.side.as_deref() {
            Some("sell") => Some(Side::Buy),
            Some("buy") => Some(Side::Sell),
            Some(other) => {
                return Err(DecodeError::invalid(
                    at.clone(),
                    "side",
                    Role::Side,
                    other,
                    "`buy` or `sell`",
                ))
            }
            None => None,
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
