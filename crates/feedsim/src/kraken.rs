//! Kraken spot: WebSocket v2 at `/v2` (`status` on connect; `subscribe` to the `trade`
//! channel answered by one ack per symbol, a snapshot of the last 50 trades when asked, then
//! `update` messages carrying every trade of a symbol in a step, and a `heartbeat` each quiet
//! second); REST `/0/public/Trades?pair=&since=&count=` keyed by Kraken's own pair name with a
//! nanosecond `last` cursor.
//!
//! `side` is the taker's side. Prices and quantities are JSON numbers on the WebSocket and
//! strings in REST.

use serde_json::{json, Value};

use crate::format::{now_ms, rfc3339};
use crate::http::{Request, Response};
use crate::market::{Batch, Market, Tick, Venue};
use crate::server::Hub;
use crate::symbols::{self, COUNT, INSTRUMENTS};
use crate::ws::{Dialect, Out, Reply};

/// Trades in a subscription snapshot.
const SNAPSHOT: usize = 50;

/// A Kraken v2 connection.
#[derive(Debug, Default)]
struct Kraken {
    subscribed: [bool; COUNT],
    /// Highest id covered by the snapshot, per symbol.
    floor: [u64; COUNT],
    /// Whether anything was sent since the last heartbeat check.
    busy: bool,
}

/// A fresh Kraken dialect.
pub fn dialect() -> Box<dyn Dialect> {
    Box::new(Kraken::default())
}

fn side(t: &Tick) -> &'static str {
    if t.taker_buy {
        "buy"
    } else {
        "sell"
    }
}

/// Kraken marks roughly one trade in five as coming from a limit order.
fn ord_type(t: &Tick) -> &'static str {
    if t.id.is_multiple_of(5) {
        "limit"
    } else {
        "market"
    }
}

fn ws_trade(t: &Tick) -> String {
    let d = INSTRUMENTS[t.sym].price_decimals;
    format!(
        r#"{{"symbol":"{}","side":"{}","price":{:.d$},"qty":{:.8},"ord_type":"{}","trade_id":{},"timestamp":"{}"}}"#,
        INSTRUMENTS[t.sym].kraken_ws,
        side(t),
        t.price,
        t.qty,
        ord_type(t),
        t.id,
        rfc3339(t.time_ns, 6)
    )
}

fn trade_message(kind: &str, ticks: &[Tick]) -> Out {
    let data: Vec<String> = ticks.iter().map(ws_trade).collect();
    Out {
        text: format!(
            r#"{{"channel":"trade","type":"{kind}","data":[{}]}}"#,
            data.join(",")
        ),
        ids: ticks.iter().map(|t| (t.sym, t.id)).collect(),
    }
}

fn stamp() -> String {
    rfc3339(now_ms() * 1_000_000, 6)
}

impl Kraken {
    fn subscribe(&mut self, v: &Value, market: &Market) -> Vec<Out> {
        let params = v.get("params").cloned().unwrap_or(Value::Null);
        let req_id = v.get("req_id").cloned();
        let channel = params.get("channel").and_then(Value::as_str).unwrap_or("");
        let snapshot = params
            .get("snapshot")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let names: Vec<String> = params
            .get("symbol")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        let with_req = |mut m: Value| {
            if let Some(r) = &req_id {
                m["req_id"] = r.clone();
            }
            Out::plain(m.to_string())
        };
        let fail = |error: String, symbol: Option<&str>| {
            let mut m = json!({"error": error, "method": "subscribe", "success": false,
                "time_in": stamp(), "time_out": stamp()});
            if let Some(s) = symbol {
                m["symbol"] = json!(s);
            }
            with_req(m)
        };
        if channel != "trade" {
            return vec![fail(format!("Channel {channel} not supported"), None)];
        }
        if names.is_empty() {
            return vec![fail("Missing field `symbol`".into(), None)];
        }
        let mut out = Vec::new();
        for name in &names {
            let Some(sym) = symbols::by_kraken_ws(name) else {
                out.push(fail(
                    format!("Currency pair not supported {name}"),
                    Some(name),
                ));
                continue;
            };
            let time_in = stamp();
            out.push(with_req(json!({
                "method": "subscribe",
                "result": {"channel": "trade", "snapshot": snapshot, "symbol": name},
                "success": true,
                "time_in": time_in,
                "time_out": stamp(),
            })));
            self.subscribed[sym] = true;
            let last = market.newest(sym, SNAPSHOT);
            self.floor[sym] = last.last().map_or(0, |t| t.id);
            if snapshot {
                out.push(trade_message("snapshot", &last));
            }
        }
        out
    }
}

impl Dialect for Kraken {
    fn venue(&self) -> Venue {
        Venue::Kraken
    }

    fn open(&mut self, _market: &Market) -> Vec<Out> {
        vec![Out::plain(
            json!({"channel": "status", "type": "update", "data": [{
                "version": "2.0.0", "system": "online", "api_version": "v2",
                "connection_id": now_ms() as u64 * 1000,
            }]})
            .to_string(),
        )]
    }

    fn on_text(&mut self, text: &str, market: &Market) -> Reply {
        let Ok(v) = serde_json::from_str::<Value>(text) else {
            return vec![Out::plain(
                json!({"error": "Malformed request", "success": false,
                    "time_in": stamp(), "time_out": stamp()})
                .to_string(),
            )]
            .into();
        };
        match v.get("method").and_then(Value::as_str) {
            Some("subscribe") => self.subscribe(&v, market).into(),
            Some("ping") => {
                let mut m = json!({"method": "pong", "time_in": stamp(), "time_out": stamp()});
                if let Some(r) = v.get("req_id") {
                    m["req_id"] = r.clone();
                }
                vec![Out::plain(m.to_string())].into()
            }
            Some("unsubscribe") => {
                let names: Vec<&str> = v["params"]["symbol"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let mut out = Vec::new();
                for n in names {
                    if let Some(s) = symbols::by_kraken_ws(n) {
                        self.subscribed[s] = false;
                        out.push(Out::plain(
                            json!({"method": "unsubscribe",
                            "result": {"channel": "trade", "symbol": n}, "success": true,
                            "time_in": stamp(), "time_out": stamp()})
                            .to_string(),
                        ));
                    }
                }
                out.into()
            }
            _ => vec![Out::plain(
                json!({"error": "Method not supported", "success": false,
                    "time_in": stamp(), "time_out": stamp()})
                .to_string(),
            )]
            .into(),
        }
    }

    fn on_batch(&mut self, batch: &Batch) -> Vec<Out> {
        let mut per_sym: [Vec<Tick>; COUNT] = Default::default();
        for (t, skipped) in batch.for_venue(Venue::Kraken) {
            if self.subscribed[t.sym] && !skipped && t.id > self.floor[t.sym] {
                per_sym[t.sym].push(*t);
            }
        }
        let out: Vec<Out> = per_sym
            .iter()
            .filter(|v| !v.is_empty())
            .map(|v| trade_message("update", v))
            .collect();
        self.busy |= !out.is_empty();
        out
    }

    fn on_second(&mut self, _seconds_open: u64) -> Reply {
        let quiet = !std::mem::take(&mut self.busy);
        if quiet && self.subscribed.iter().any(|&s| s) {
            vec![Out::plain(r#"{"channel":"heartbeat"}"#.to_string())].into()
        } else {
            Reply::default()
        }
    }

    fn malformed(&self) -> String {
        r#"{"channel":"trade","type":"update","data":[{"symbol":"#.to_string()
    }
}

/// Answers `/0/public/Trades`: trades after the `since` cursor (nanoseconds, or seconds when
/// small), oldest first, up to `count` (default and maximum 1000); without `since`, the newest.
pub fn rest(req: &Request, hub: &Hub) -> Response {
    let err = |e: &str| Response::json(200, &json!({"error": [e]}));
    if req.path != "/0/public/Trades" {
        return err("EGeneral:Unknown method");
    }
    let Some(pair) = req.param("pair") else {
        return err("EGeneral:Invalid arguments");
    };
    let Some(sym) = symbols::by_kraken_rest(pair) else {
        return err("EQuery:Unknown asset pair");
    };
    let Ok(count) = req.num::<usize>("count") else {
        return err("EGeneral:Invalid arguments");
    };
    let count = count.unwrap_or(1000).clamp(1, 1000);
    // A nanosecond cursor does not fit an f64 exactly: parse integers as integers.
    let since_ns: Option<i64> = match req.param("since").filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match (s.parse::<i64>(), s.parse::<f64>()) {
            (Ok(n), _) if n >= 1_000_000_000_000 => Some(n),
            (_, Ok(secs)) if secs.is_finite() => Some((secs * 1e9) as i64),
            _ => return err("EGeneral:Invalid arguments"),
        },
    };
    let page: Vec<Tick> = hub.market.with_history(sym, |h| match since_ns {
        Some(ns) => h
            .iter()
            .filter(|t| t.time_ns > ns)
            .take(count)
            .copied()
            .collect(),
        None => h
            .iter()
            .skip(h.len().saturating_sub(count))
            .copied()
            .collect(),
    });
    let rows: Vec<String> = page
        .iter()
        .map(|t| {
            format!(
                r#"["{:.5}","{:.8}",{:.6},"{}","{}","",{}]"#,
                t.price,
                t.qty,
                t.time_ns as f64 / 1e9,
                if t.taker_buy { "b" } else { "s" },
                if ord_type(t) == "limit" { "l" } else { "m" },
                t.id
            )
        })
        .collect();
    let last = page.last().map(|t| t.time_ns).or(since_ns).unwrap_or(0);
    Response::json_text(
        200,
        format!(
            r#"{{"error":[],"result":{{"{}":[{}],"last":"{last}"}}}}"#,
            INSTRUMENTS[sym].kraken_rest,
            rows.join(",")
        ),
    )
}
