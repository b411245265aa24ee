//! Binance spot: WebSocket `@trade` / `@aggTrade` events (bare or in the combined-stream
//! wrapper), `serverShutdown`, subscription replies, error objects, and the REST pages of
//! `trades` / `historicalTrades` and `aggTrades`.
//!
//! `m` (`isBuyerMaker` in REST) is true when the buyer was the maker, so the taker SOLD.
//! Trade ids are per symbol and consecutive; aggregate trades use their aggregate id `a`.
//! Old `@trade` payloads also carry `b` and `a` (order ids, removed in 2024): ignored.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::json::{decimal, first_byte, from_raw, from_str, id, integer, need, relocate};
use super::time::{epoch_to_ms, EpochUnit};
use super::{venue_trade, Control, DecodeError, Decoded, Interner, Position, Reject, Role};
use crate::model::{Label, Side, Trade};

/// A Binance decoder. Keep one per connection: it shares symbol labels between messages.
#[derive(Clone, Debug)]
pub struct Binance {
    /// Unit of every timestamp: milliseconds, or microseconds with `timeUnit=MICROSECOND`.
    pub time_unit: EpochUnit,
    /// Symbol given to REST trades, whose items do not name it (the `symbol=` query).
    pub rest_symbol: Label,
    venue: Label,
    labels: Interner,
}

/// Every field any Binance object may carry; serde ignores the rest. Numbers a trade needs
/// are kept as raw text, so a value out of range rejects that trade naming the field, instead
/// of failing the message as malformed.
#[derive(Deserialize)]
struct Msg<'a> {
    #[serde(borrow)]
    e: Option<Cow<'a, str>>,
    #[serde(rename = "E", borrow)]
    event_time: Option<&'a RawValue>,
    #[serde(borrow)]
    s: Option<Cow<'a, str>>,
    #[serde(borrow)]
    t: Option<&'a RawValue>,
    #[serde(borrow)]
    a: Option<&'a RawValue>,
    #[serde(borrow)]
    p: Option<Cow<'a, str>>,
    #[serde(borrow)]
    q: Option<Cow<'a, str>>,
    #[serde(rename = "T", borrow)]
    trade_time: Option<&'a RawValue>,
    m: Option<bool>,
    #[serde(borrow)]
    stream: Option<Cow<'a, str>>,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    result: Option<&'a RawValue>,
    code: Option<i64>,
    #[serde(borrow)]
    msg: Option<Cow<'a, str>>,
    #[serde(borrow)]
    error: Option<&'a RawValue>,
}

/// A REST trade (`id`, `price`, `qty`, `time`, `isBuyerMaker`) or aggregate trade (`a`...).
#[derive(Deserialize)]
struct RestItem<'a> {
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    price: Option<Cow<'a, str>>,
    #[serde(borrow)]
    qty: Option<Cow<'a, str>>,
    #[serde(borrow)]
    time: Option<&'a RawValue>,
    #[serde(rename = "isBuyerMaker")]
    is_buyer_maker: Option<bool>,
    #[serde(borrow)]
    a: Option<&'a RawValue>,
    #[serde(borrow)]
    p: Option<Cow<'a, str>>,
    #[serde(borrow)]
    q: Option<Cow<'a, str>>,
    #[serde(rename = "T", borrow)]
    trade_time: Option<&'a RawValue>,
    m: Option<bool>,
}

fn taker(buyer_is_maker: Option<bool>) -> Option<Side> {
    buyer_is_maker.map(|m| if m { Side::Sell } else { Side::Buy })
}

impl Binance {
    /// A decoder for timestamps in `time_unit`, naming REST trades `rest_symbol`.
    pub fn new(time_unit: EpochUnit, rest_symbol: &str) -> Binance {
        Binance {
            time_unit,
            rest_symbol: rest_symbol.into(),
            venue: "binance".into(),
            labels: Interner::default(),
        }
    }

    /// Decodes one WebSocket message or one REST response body.
    pub fn decode(&mut self, text: &str) -> Result<Decoded, DecodeError> {
        let mut out = Decoded::default();
        if first_byte(text) == Some(b'[') {
            let items: Vec<&RawValue> = from_str(text)?;
            for (i, raw) in items.into_iter().enumerate() {
                let at = Position::Item(i);
                match from_raw::<RestItem>(raw).and_then(|it| self.rest_trade(&it, &at)) {
                    Ok(t) => out.trades.push(t),
                    Err(e) => out.rejects.push(Reject::new(relocate(e, &at), raw.get())),
                }
            }
            return Ok(out);
        }
        let msg: Msg = from_str(text)?;
        let msg = match (&msg.stream, msg.data) {
            (Some(_), Some(data)) => from_raw::<Msg>(data)?,
            _ => msg,
        };
        self.event(&msg, text, &mut out)?;
        Ok(out)
    }

    fn event(&mut self, msg: &Msg, raw: &str, out: &mut Decoded) -> Result<(), DecodeError> {
        let at = Position::Message;
        match msg.e.as_deref() {
            Some("trade" | "aggTrade") => match self.ws_trade(msg, &at) {
                Ok(t) => out.trades.push(t),
                Err(e) => out.rejects.push(Reject::new(e, raw)),
            },
            Some("serverShutdown") => out.events.push(Control::ServerShutdown {
                time_ms: msg
                    .event_time
                    .and_then(|t| t.get().parse().ok())
                    .and_then(|t| epoch_to_ms(t, self.time_unit)),
            }),
            Some(other) => out.events.push(Control::Ignored {
                kind: other.to_string(),
            }),
            None if msg.code.is_some() || msg.error.is_some() => {
                // REST: {"code":-1121,"msg":...}; WebSocket API: {"error":{"code":2,"msg":...},"id":1}.
                let inner = msg.error.and_then(|e| from_raw::<Msg>(e).ok());
                let source = inner.as_ref().unwrap_or(msg);
                let message = match (&source.msg, msg.error) {
                    (Some(m), _) => m.to_string(),
                    (None, Some(e)) => e.get().to_string(),
                    (None, None) => String::new(),
                };
                out.events.push(Control::VenueError {
                    code: source.code,
                    message,
                });
            }
            None if msg.id.is_some() => out.events.push(Control::Subscribed {
                detail: format!(
                    "id {} result {}",
                    msg.id.map_or("", |r| r.get()),
                    msg.result.map_or("null", |r| r.get())
                ),
            }),
            None => return Err(DecodeError::shape(at, "no event type `e`, `code` or `id`")),
        }
        Ok(())
    }

    fn ws_trade(&mut self, msg: &Msg, at: &Position) -> Result<Trade, DecodeError> {
        let agg = msg.e.as_deref() == Some("aggTrade");
        let id = if agg {
            id(msg.a, at, "a")?
        } else {
            id(msg.t, at, "t")?
        };
        let price = decimal(msg.p.as_ref(), at, "p", Role::Price)?;
        let qty = decimal(msg.q.as_ref(), at, "q", Role::Qty)?;
        let time = integer(msg.trade_time, at, "T", Role::Time)?;
        let time_ms = epoch_to_ms(time, self.time_unit).ok_or_else(|| {
            DecodeError::invalid(
                at.clone(),
                "T",
                Role::Time,
                &time.to_string(),
                "an epoch time",
            )
        })?;
        let symbol = self
            .labels
            .get(need(msg.s.as_deref(), at, "s", Role::Symbol)?);
        Ok(venue_trade(
            &self.venue,
            id,
            time_ms,
            price,
            qty,
            taker(msg.m),
            symbol,
        ))
    }

    fn rest_trade(&mut self, it: &RestItem, at: &Position) -> Result<Trade, DecodeError> {
        let (id, price, qty, time, m) = if it.a.is_some() {
            let id = id(it.a, at, "a")?;
            let price = decimal(it.p.as_ref(), at, "p", Role::Price)?;
            let qty = decimal(it.q.as_ref(), at, "q", Role::Qty)?;
            (
                id,
                price,
                qty,
                integer(it.trade_time, at, "T", Role::Time)?,
                it.m,
            )
        } else {
            let id = id(it.id, at, "id")?;
            let price = decimal(it.price.as_ref(), at, "price", Role::Price)?;
            let qty = decimal(it.qty.as_ref(), at, "qty", Role::Qty)?;
            (
                id,
                price,
                qty,
                integer(it.time, at, "time", Role::Time)?,
                it.is_buyer_maker,
            )
        };
        let time_ms = epoch_to_ms(time, self.time_unit).ok_or_else(|| {
            DecodeError::invalid(
                at.clone(),
                "time",
                Role::Time,
                &time.to_string(),
                "an epoch time",
            )
        })?;
        let symbol = self.rest_symbol.clone();
        Ok(venue_trade(
            &self.venue,
            id,
            time_ms,
            price,
            qty,
            taker(m),
            symbol,
        ))
    }
}
