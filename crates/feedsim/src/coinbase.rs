//! Coinbase Exchange: the WebSocket feed at `/` (or `/coinbase`) wants a `subscribe` within
//! 5 s, answers `subscriptions`, one `last_match` per product, then `match` messages and, when
//! subscribed to `heartbeat`, one heartbeat per product per second carrying `last_trade_id`.
//! REST `/products/{id}/trades` pages newest first with `CB-BEFORE` / `CB-AFTER`.
//!
//! `side` is the maker's side: `sell` means the taker bought.

use serde_json::{json, Value};

use crate::format::{now_ms, pseudo_uuid, rfc3339};
use crate::http::{Request, Response};
use crate::market::{Batch, Market, Tick, Venue};
use crate::server::Hub;
use crate::symbols::{self, COUNT, INSTRUMENTS};
use crate::ws::{Dialect, Out, Reply};

/// Seconds a client has to subscribe.
const SUBSCRIBE_WITHIN_S: u64 = 5;

/// A Coinbase feed connection.
#[derive(Debug, Default)]
struct Coinbase {
    subscribed: bool,
    matches: [bool; COUNT],
    heartbeat: [bool; COUNT],
    /// Highest trade id of each product seen in batches or `last_match` (skipped ones too).
    last_id: [u64; COUNT],
}

/// A fresh Coinbase dialect.
pub fn dialect() -> Box<dyn Dialect> {
    Box::new(Coinbase::default())
}

/// Coinbase's per-product `sequence` of a match: increasing, not consecutive (other message
/// types of the full channel take numbers in between).
fn sequence(id: u64) -> u64 {
    10_000_000 + id * 3
}

fn maker_side(t: &Tick) -> &'static str {
    if t.taker_buy {
        "sell"
    } else {
        "buy"
    }
}

fn dec(x: f64) -> String {
    format!("{x:.8}")
}

fn match_message(t: &Tick, kind: &str) -> Out {
    let salt = (t.sym as u64) << 56 | t.id;
    let text = format!(
        r#"{{"type":"{kind}","trade_id":{},"maker_order_id":"{}","taker_order_id":"{}","side":"{}","size":"{}","price":"{}","product_id":"{}","sequence":{},"time":"{}"}}"#,
        t.id,
        pseudo_uuid(salt),
        pseudo_uuid(!salt),
        maker_side(t),
        dec(t.qty),
        dec(t.price),
        INSTRUMENTS[t.sym].coinbase,
        sequence(t.id),
        rfc3339(t.time_ns, 6),
    );
    Out {
        text,
        ids: vec![(t.sym, t.id)],
    }
}

fn error(message: &str, reason: &str) -> Out {
    Out::plain(json!({"type": "error", "message": message, "reason": reason}).to_string())
}

impl Coinbase {
    fn subscribe(&mut self, v: &Value, market: &Market) -> Reply {
        let top: Vec<&str> = v
            .get("product_ids")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut wanted: Vec<(String, Vec<&str>)> = Vec::new();
        for ch in v
            .get("channels")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            match ch {
                Value::String(name) => wanted.push((name.clone(), top.clone())),
                Value::Object(o) => {
                    let name = o.get("name").and_then(Value::as_str).unwrap_or("");
                    let ids = o
                        .get("product_ids")
                        .and_then(Value::as_array)
                        .map(|a| a.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_else(|| top.clone());
                    wanted.push((name.to_string(), ids));
                }
                _ => {}
            }
        }
        if wanted.is_empty() {
            return vec![error("Failed to subscribe", "No channels provided")].into();
        }
        let mut new_matches = Vec::new();
        for (name, ids) in &wanted {
            if name != "matches" && name != "heartbeat" {
                return vec![error(
                    "Failed to subscribe",
                    &format!("{name} is not a valid channel"),
                )]
                .into();
            }
            for id in ids {
                let Some(sym) = symbols::by_coinbase(id) else {
                    return vec![error(
                        "Failed to subscribe",
                        &format!("{id} is not a valid product"),
                    )]
                    .into();
                };
                if name == "matches" {
                    if !self.matches[sym] {
                        new_matches.push(sym);
                    }
                    self.matches[sym] = true;
                } else {
                    self.heartbeat[sym] = true;
                }
            }
        }
        self.subscribed = true;
        let mut out = vec![Out::plain(self.subscriptions())];
        for sym in new_matches {
            if let Some(t) = market.last(sym) {
                self.last_id[sym] = self.last_id[sym].max(t.id);
                out.push(match_message(&t, "last_match"));
            }
        }
        out.into()
    }

    fn subscriptions(&self) -> String {
        let list = |flags: &[bool; COUNT]| -> Vec<&str> {
            (0..COUNT)
                .filter(|&i| flags[i])
                .map(|i| INSTRUMENTS[i].coinbase)
                .collect()
        };
        let mut channels = Vec::new();
        if self.matches.iter().any(|&b| b) {
            channels.push(json!({"name": "matches", "product_ids": list(&self.matches)}));
        }
        if self.heartbeat.iter().any(|&b| b) {
            channels.push(json!({"name": "heartbeat", "product_ids": list(&self.heartbeat)}));
        }
        json!({"type": "subscriptions", "channels": channels}).to_string()
    }
}

impl Dialect for Coinbase {
    fn venue(&self) -> Venue {
        Venue::Coinbase
    }

    fn on_text(&mut self, text: &str, market: &Market) -> Reply {
        let Ok(v) = serde_json::from_str::<Value>(text) else {
            return vec![error("Failed to parse message", "malformed JSON")].into();
        };
        match v.get("type").and_then(Value::as_str) {
            Some("subscribe") => self.subscribe(&v, market),
            Some("unsubscribe") => {
                let ids: Vec<&str> = v
                    .get("product_ids")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                for id in ids {
                    if let Some(s) = symbols::by_coinbase(id) {
                        self.matches[s] = false;
                        self.heartbeat[s] = false;
                    }
                }
                vec![Out::plain(self.subscriptions())].into()
            }
            _ => vec![error("Failed to subscribe", "unknown message type")].into(),
        }
    }

    fn on_batch(&mut self, batch: &Batch) -> Vec<Out> {
        let mut out = Vec::new();
        for (t, skipped) in batch.for_venue(Venue::Coinbase) {
            // Trades at or below `last_match` were already covered by it.
            if !self.matches[t.sym] || t.id <= self.last_id[t.sym] {
                continue;
            }
            self.last_id[t.sym] = t.id;
            if !skipped {
                out.push(match_message(t, "match"));
            }
        }
        out
    }

    fn on_second(&mut self, seconds_open: u64) -> Reply {
        if !self.subscribed {
            if seconds_open >= SUBSCRIBE_WITHIN_S {
                return Reply {
                    out: vec![error(
                        "Failed to subscribe",
                        "You must send a subscribe message within 5 seconds of connecting",
                    )],
                    close: Some((1008, "subscribe timeout".into())),
                };
            }
            return Reply::default();
        }
        let now = now_ms() * 1_000_000;
        (0..COUNT)
            .filter(|&s| self.heartbeat[s])
            .map(|s| {
                Out::plain(format!(
                    r#"{{"type":"heartbeat","sequence":{},"last_trade_id":{},"product_id":"{}","time":"{}"}}"#,
                    sequence(self.last_id[s]),
                    self.last_id[s],
                    INSTRUMENTS[s].coinbase,
                    rfc3339(now, 6)
                ))
            })
            .collect::<Vec<_>>()
            .into()
    }

    fn malformed(&self) -> String {
        r#"{"type":"match","trade_id":"#.to_string()
    }
}

/// Answers `/products/{id}/trades?limit=&before=&after=`: newest first; `after=X` gives
/// older trades (ids below X), `before=X` newer ones (ids above X, the closest first page).
pub fn rest(req: &Request, hub: &Hub) -> Response {
    let rest = req.path.trim_start_matches("/products/");
    let Some((product, "trades")) = rest.split_once('/') else {
        return Response::json(404, &json!({"message": "NotFound"}));
    };
    let Some(sym) = symbols::by_coinbase(product) else {
        return Response::json(404, &json!({"message": "NotFound"}));
    };
    let parsed = (
        req.num::<usize>("limit"),
        req.num::<u64>("before"),
        req.num::<u64>("after"),
    );
    let (limit, before, after) = match parsed {
        (Ok(l), Ok(b), Ok(a)) => (l.unwrap_or(100).clamp(1, 1000), b, a),
        _ => return Response::json(400, &json!({"message": "Invalid pagination parameter"})),
    };
    let page: Vec<Tick> = hub.market.with_history(sym, |h| match (before, after) {
        (Some(b), _) => h.iter().filter(|t| t.id > b).take(limit).copied().collect(),
        (None, Some(a)) => {
            let older: Vec<Tick> = h.iter().filter(|t| t.id < a).copied().collect();
            older[older.len().saturating_sub(limit)..].to_vec()
        }
        (None, None) => h
            .iter()
            .skip(h.len().saturating_sub(limit))
            .copied()
            .collect(),
    });
    let list: Vec<Value> = page
        .iter()
        .rev()
        .map(|t| {
            json!({
                "time": rfc3339(t.time_ns, 3),
                "trade_id": t.id,
                "price": dec(t.price),
                "size": dec(t.qty),
                "side": maker_side(t),
            })
        })
        .collect();
    let mut resp = Response::json(200, &Value::Array(list));
    if let (Some(newest), Some(oldest)) = (page.last(), page.first()) {
        resp = resp
            .with_header("CB-BEFORE", newest.id.to_string())
            .with_header("CB-AFTER", oldest.id.to_string());
    }
    resp
}
