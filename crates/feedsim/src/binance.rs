//! Binance spot: `/ws/<symbol>@trade`, `/ws/<symbol>@aggTrade`, combined
//! `/stream?streams=a@trade/b@aggTrade` (each event wrapped as `{"stream","data"}`),
//! `timeUnit=MICROSECOND`, `serverShutdown`, a ping every 20 s; REST `/api/v3/trades`,
//! `/api/v3/historicalTrades` and `/api/v3/aggTrades`.
//!
//! Aggregate trades map one to one onto trades here (`a` = `f` = `l` = the trade id).

use serde_json::{json, Value};

use crate::format::now_ms;
use crate::http::{Request, Response};
use crate::market::{Batch, Market, Tick, Venue};
use crate::server::Hub;
use crate::symbols::{self, INSTRUMENTS};
use crate::ws::{Dialect, Out, Reply};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Trade,
    AggTrade,
}

/// A Binance stream connection.
#[derive(Debug)]
struct Binance {
    combined: bool,
    micro: bool,
    streams: Vec<(usize, Kind)>,
}

fn parse_stream(name: &str) -> Option<(usize, Kind)> {
    let (sym, kind) = name.split_once('@')?;
    let kind = match kind {
        "trade" => Kind::Trade,
        "aggTrade" => Kind::AggTrade,
        _ => return None,
    };
    // Streams are lower case on Binance; upper case is refused there too.
    if sym.chars().any(|c| c.is_ascii_uppercase()) {
        return None;
    }
    Some((symbols::by_binance(sym)?, kind))
}

fn invalid_symbol() -> Response {
    Response::json(400, &json!({"code": -1121, "msg": "Invalid symbol."}))
}

/// The dialect for a `/ws/...` or `/stream?streams=...` request, or the error to answer.
pub fn dialect(req: &Request) -> Result<Box<dyn Dialect>, Response> {
    let (combined, names) = if req.path == "/stream" {
        (true, req.param("streams").unwrap_or("").to_string())
    } else {
        (false, req.path.trim_start_matches("/ws/").to_string())
    };
    let mut streams = Vec::new();
    for name in names.split('/').filter(|s| !s.is_empty()) {
        streams.push(parse_stream(name).ok_or_else(invalid_symbol)?);
    }
    if streams.is_empty() && !combined {
        return Err(invalid_symbol());
    }
    let micro = req
        .param("timeUnit")
        .is_some_and(|u| u.eq_ignore_ascii_case("microsecond"));
    Ok(Box::new(Binance {
        combined,
        micro,
        streams,
    }))
}

fn stream_name(sym: usize, kind: Kind) -> String {
    let s = INSTRUMENTS[sym].binance.to_lowercase();
    match kind {
        Kind::Trade => format!("{s}@trade"),
        Kind::AggTrade => format!("{s}@aggTrade"),
    }
}

/// Binance quotes prices and quantities with 8 decimals.
fn dec(x: f64) -> String {
    format!("{x:.8}")
}

impl Binance {
    fn time(&self, t: &Tick) -> i64 {
        if self.micro {
            t.time_us()
        } else {
            t.time_ms()
        }
    }

    fn event(&self, t: &Tick, kind: Kind) -> String {
        let sym = INSTRUMENTS[t.sym].binance;
        let time = self.time(t);
        // The event leaves the matching engine a moment after the trade.
        let event_time = time + if self.micro { 1_000 } else { 1 };
        let (p, q, m) = (dec(t.price), dec(t.qty), !t.taker_buy);
        let data = match kind {
            Kind::Trade => format!(
                r#"{{"e":"trade","E":{event_time},"s":"{sym}","t":{},"p":"{p}","q":"{q}","T":{time},"m":{m},"M":true}}"#,
                t.id
            ),
            Kind::AggTrade => format!(
                r#"{{"e":"aggTrade","E":{event_time},"s":"{sym}","a":{id},"p":"{p}","q":"{q}","f":{id},"l":{id},"T":{time},"m":{m},"M":true}}"#,
                id = t.id
            ),
        };
        if self.combined {
            format!(
                r#"{{"stream":"{}","data":{data}}}"#,
                stream_name(t.sym, kind)
            )
        } else {
            data
        }
    }
}

impl Dialect for Binance {
    fn venue(&self) -> Venue {
        Venue::Binance
    }

    fn on_text(&mut self, text: &str, _market: &Market) -> Reply {
        // Live SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS, as Binance accepts them.
        let Ok(v) = serde_json::from_str::<Value>(text) else {
            return vec![Out::plain(
                json!({"error": {"code": 3, "msg": "Invalid JSON"}}).to_string(),
            )]
            .into();
        };
        let id = v.get("id").cloned().unwrap_or(Value::Null);
        let params: Vec<&str> = v
            .get("params")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let result = match v.get("method").and_then(Value::as_str) {
            Some("SUBSCRIBE") => {
                let parsed: Option<Vec<_>> = params.iter().map(|p| parse_stream(p)).collect();
                match parsed {
                    Some(list) => {
                        for s in list {
                            if !self.streams.contains(&s) {
                                self.streams.push(s);
                            }
                        }
                        Value::Null
                    }
                    None => {
                        let err = json!({"error": {"code": 2, "msg": "Invalid request: unknown stream"}, "id": id});
                        return vec![Out::plain(err.to_string())].into();
                    }
                }
            }
            Some("UNSUBSCRIBE") => {
                let gone: Vec<_> = params.iter().filter_map(|p| parse_stream(p)).collect();
                self.streams.retain(|s| !gone.contains(s));
                Value::Null
            }
            Some("LIST_SUBSCRIPTIONS") => {
                json!(self
                    .streams
                    .iter()
                    .map(|&(s, k)| stream_name(s, k))
                    .collect::<Vec<_>>())
            }
            _ => {
                let err = json!({"error": {"code": 2, "msg": "Invalid request: unknown method"}, "id": id});
                return vec![Out::plain(err.to_string())].into();
            }
        };
        vec![Out::plain(json!({"result": result, "id": id}).to_string())].into()
    }

    fn on_batch(&mut self, batch: &Batch) -> Vec<Out> {
        let mut out = Vec::new();
        for (t, skipped) in batch.for_venue(Venue::Binance) {
            if skipped {
                continue;
            }
            for &(sym, kind) in &self.streams {
                if sym == t.sym {
                    out.push(Out {
                        text: self.event(t, kind),
                        ids: vec![(t.sym, t.id)],
                    });
                }
            }
        }
        out
    }

    fn on_second(&mut self, _seconds_open: u64) -> Reply {
        Reply::default()
    }

    fn malformed(&self) -> String {
        r#"{"e":"trade","E":"#.to_string()
    }

    fn server_shutdown(&self) -> Option<String> {
        let data = format!(r#"{{"e":"serverShutdown","E":{}}}"#, now_ms());
        Some(if self.combined {
            format!(r#"{{"stream":"serverShutdown","data":{data}}}"#)
        } else {
            data
        })
    }

    fn ping_every(&self) -> Option<u64> {
        Some(20)
    }
}

fn rest_trade(t: &Tick) -> Value {
    json!({
        "id": t.id,
        "price": dec(t.price),
        "qty": dec(t.qty),
        "quoteQty": dec(t.price * t.qty),
        "time": t.time_ms(),
        "isBuyerMaker": !t.taker_buy,
        "isBestMatch": true,
    })
}

fn rest_agg(t: &Tick) -> Value {
    json!({
        "a": t.id, "p": dec(t.price), "q": dec(t.qty), "f": t.id, "l": t.id,
        "T": t.time_ms(), "m": !t.taker_buy, "M": true,
    })
}

fn bad_param(name: &str) -> Response {
    Response::json(
        400,
        &json!({"code": -1100, "msg": format!("Illegal characters found in parameter '{name}'; legal range is '^[0-9]{{1,20}}$'.")}),
    )
}

/// Answers `/api/v3/...`.
pub fn rest(req: &Request, hub: &Hub) -> Response {
    let Some(symbol) = req.param("symbol").filter(|s| !s.is_empty()) else {
        return Response::json(
            400,
            &json!({"code": -1102, "msg": "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."}),
        );
    };
    // REST symbols are upper case on Binance.
    let sym = match symbols::by_binance(symbol) {
        Some(s) if symbol.chars().all(|c| !c.is_ascii_lowercase()) => s,
        _ => return invalid_symbol(),
    };
    let num = |name: &str| req.num::<u64>(name).map_err(|_| bad_param(name));
    let (limit, from_id, start, end) = match (
        num("limit"),
        num("fromId"),
        num("startTime"),
        num("endTime"),
    ) {
        (Ok(l), Ok(f), Ok(s), Ok(e)) => (l.unwrap_or(500).clamp(1, 1000) as usize, f, s, e),
        (Err(r), ..) | (_, Err(r), ..) | (_, _, Err(r), _) | (.., Err(r)) => return r,
    };
    let m = &hub.market;
    let list: Vec<Value> = match req.path.as_str() {
        "/api/v3/trades" => m.newest(sym, limit).iter().map(rest_trade).collect(),
        "/api/v3/historicalTrades" => match from_id {
            Some(f) => m.from_id(sym, f, limit).iter().map(rest_trade).collect(),
            None => m.newest(sym, limit).iter().map(rest_trade).collect(),
        },
        "/api/v3/aggTrades" => {
            let ticks = match (from_id, start, end) {
                (Some(f), _, _) => m.from_id(sym, f, limit),
                (None, None, None) => m.newest(sym, limit),
                (None, s, e) => {
                    let (s, e) = (s.unwrap_or(0) as i64, e.map_or(i64::MAX, |e| e as i64));
                    m.with_history(sym, |h| {
                        h.iter()
                            .filter(|t| (s..=e).contains(&t.time_ms()))
                            .take(limit)
                            .copied()
                            .collect()
                    })
                }
            };
            ticks.iter().map(rest_agg).collect()
        }
        _ => {
            return Response::json(404, &json!({"code": -1000, "msg": "Unknown endpoint."}));
        }
    };
    Response::json(200, &Value::Array(list))
}
