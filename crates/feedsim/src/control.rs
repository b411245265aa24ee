//! Fault injection and the record of what was sent.
//!
//! Every action is `POST /control/<action>?...` (GET works too, for a browser address bar);
//! `venue` is `binance`, `coinbase`, `kraken`, `orders` or `all` (the default):
//!
//! | action | parameters | effect |
//! |---|---|---|
//! | `drop` | `venue` | closes matching stream connections at once, without a close frame |
//! | `stall` | `venue`, `seconds` | matching streams send nothing (not even heartbeats) for that long |
//! | `gap` | `venue`, `symbol`, `n` | streams leave out the next `n` trades of `symbol` (REST still has them) |
//! | `malformed` | `venue` | each matching stream sends one truncated JSON message |
//! | `send` | `venue`, `text` | each matching stream sends `text` as it is, as one message (an SSE event's data) |
//! | `replay` | `venue`, `n` | each matching stream sends its last `n` trade messages again |
//! | `shutdown` | `venue` | Binance streams send `serverShutdown` then close; others close (1001) |
//! | `http` | `status`, `count`, `retry_after`, `path` | the next `count` REST responses under `path` get `status` |
//! | `spike` | `symbol`, `factor` | the next trade of `symbol` has its price multiplied by `factor` |
//! | `cors` | `enabled` | turns CORS headers on or off |
//! | `clear-sent` | | forgets the records of closed connections |
//!
//! `GET /control/sent` returns, per stream connection and per symbol, the count, first and
//! last trade id, duplicates, missing ids and an FNV-1a checksum of the ids in send order
//! (see [`crate::format::fnv1a_step`]); `?ids=1` adds the full id lists ([`crate::sent`]).
//! `GET /control/status` returns the configuration and counters.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::http::{Request, Response};
use crate::market::{lock, Venue, VenueMask};
use crate::server::Hub;
use crate::symbols::{self, INSTRUMENTS};

/// What a stream connection is told to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Close the TCP connection without a close frame.
    Drop,
    /// Send nothing for this long.
    Stall(Duration),
    /// Send one truncated JSON message.
    Malformed,
    /// Send this text as one message, whatever it holds (hostile input for clients).
    Send(Arc<str>),
    /// Send the last `n` trade messages again.
    Replay(usize),
    /// Announce a shutdown (Binance `serverShutdown`) and close.
    Shutdown,
}

/// An action for the stream connections of some venues.
#[derive(Clone, Debug, PartialEq)]
pub struct ControlEvent {
    /// Venues concerned.
    pub venues: VenueMask,
    /// What to do.
    pub action: Action,
}

/// A pending REST failure.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpFault {
    /// Status to answer with.
    pub status: u16,
    /// `Retry-After` in seconds, if any.
    pub retry_after: Option<u64>,
    /// Responses left to fail.
    pub remaining: u32,
    /// Only paths starting with this fail.
    pub path_prefix: String,
}

fn venues_param(req: &Request) -> Result<VenueMask, String> {
    match req.param("venue").unwrap_or("all") {
        "all" | "" => Ok(Venue::ALL.iter().fold(0, |m, v| m | v.bit())),
        name => Venue::from_name(name)
            .map(Venue::bit)
            .ok_or_else(|| format!("unknown venue '{name}'")),
    }
}

fn symbol_param(req: &Request) -> Result<usize, String> {
    let s = req.param("symbol").ok_or("missing 'symbol'")?;
    symbols::by_any(s).ok_or_else(|| format!("unknown symbol '{s}'"))
}

/// Answers a `/control/...` request.
pub fn handle(req: &Request, hub: &Hub) -> Response {
    match run(req, hub) {
        Ok(v) => Response::json(200, &v),
        Err(e) => Response::json(400, &json!({ "error": e })),
    }
}

fn broadcast(hub: &Hub, venues: VenueMask, action: Action) -> Value {
    let receivers = hub
        .control
        .send(ControlEvent { venues, action })
        .unwrap_or(0);
    json!({ "ok": true, "receivers": receivers })
}

fn run(req: &Request, hub: &Hub) -> Result<Value, String> {
    let action = req.path.trim_start_matches("/control/");
    match action {
        "sent" => {
            let venue = match req.param("venue") {
                None | Some("all") => None,
                Some(v) => Some(Venue::from_name(v).ok_or(format!("unknown venue '{v}'"))?),
            };
            let ids = matches!(req.param("ids"), Some("1" | "true"));
            Ok(hub.sent.to_json(venue, ids))
        }
        "status" => Ok(json!({
            "generated_trades": hub.market.generated(),
            "generated_orders": hub.orders.generated(),
            "open_streams": hub.sent.open_count(),
            "cors": hub.cors.load(Ordering::Relaxed),
            "rate": hub.config.rate,
            "order_rate": hub.config.order_rate,
            "seed": hub.config.seed,
            "start_ms": hub.start_ms,
        })),
        "clear-sent" => {
            hub.sent.clear_closed();
            Ok(json!({ "ok": true }))
        }
        "drop" => Ok(broadcast(hub, venues_param(req)?, Action::Drop)),
        "malformed" => Ok(broadcast(hub, venues_param(req)?, Action::Malformed)),
        "send" => {
            let text = req.param("text").ok_or("missing 'text'")?;
            Ok(broadcast(
                hub,
                venues_param(req)?,
                Action::Send(text.into()),
            ))
        }
        "shutdown" => Ok(broadcast(hub, venues_param(req)?, Action::Shutdown)),
        "stall" => {
            let secs: f64 = req.num("seconds")?.unwrap_or(5.0);
            if !(0.0..=3600.0).contains(&secs) {
                return Err("'seconds' must be within 0..=3600".into());
            }
            let d = Duration::from_secs_f64(secs);
            Ok(broadcast(hub, venues_param(req)?, Action::Stall(d)))
        }
        "replay" => {
            let n: usize = req.num("n")?.unwrap_or(10);
            Ok(broadcast(hub, venues_param(req)?, Action::Replay(n)))
        }
        "gap" => {
            let n: u64 = req.num("n")?.unwrap_or(1);
            let sym = symbol_param(req)?;
            let venues = venues_param(req)?;
            if venues == Venue::Orders.bit() {
                return Err("gaps apply to the exchange streams, not to orders".into());
            }
            hub.market.inject_gap(venues, sym, n);
            Ok(json!({ "ok": true, "symbol": INSTRUMENTS[sym].demo, "n": n }))
        }
        "spike" => {
            let factor: f64 = req.num("factor")?.unwrap_or(10.0);
            if !factor.is_finite() || factor <= 0.0 {
                return Err("'factor' must be a positive number".into());
            }
            let sym = symbol_param(req)?;
            hub.market.inject_spike(sym, factor);
            Ok(json!({ "ok": true, "symbol": INSTRUMENTS[sym].demo, "factor": factor }))
        }
        "http" => {
            let status: u16 = req.num("status")?.unwrap_or(429);
            if !(400..=599).contains(&status) {
                return Err("'status' must be 4xx or 5xx".into());
            }
            let retry_after = match req.num::<u64>("retry_after")? {
                Some(s) => Some(s),
                None if status == 429 || status == 418 || status == 503 => Some(1),
                None => None,
            };
            let fault = HttpFault {
                status,
                retry_after,
                remaining: req.num("count")?.unwrap_or(1),
                path_prefix: req.param("path").unwrap_or("/").to_string(),
            };
            *lock(&hub.http_fault) = Some(fault.clone());
            Ok(json!({ "ok": true, "status": status, "remaining": fault.remaining }))
        }
        "cors" => {
            let on = !matches!(req.param("enabled"), Some("0" | "false" | "off"));
            hub.cors.store(on, Ordering::Relaxed);
            Ok(json!({ "ok": true, "cors": on }))
        }
        other => Err(format!("unknown control action '{other}'")),
    }
}

/// Takes one pending REST failure for `path`, if any.
pub fn take_http_fault(hub: &Hub, path: &str) -> Option<Response> {
    let mut slot = lock(&hub.http_fault);
    let fault = slot.as_mut()?;
    if !path.starts_with(&fault.path_prefix) {
        return None;
    }
    fault.remaining = fault.remaining.saturating_sub(1);
    let (status, retry) = (fault.status, fault.retry_after);
    if fault.remaining == 0 {
        *slot = None;
    }
    let body = match status {
        429 => json!({"code": -1003, "msg": "Too many requests; injected by feedsim."}),
        418 => {
            json!({"code": -1003, "msg": "Way too many requests; IP banned (injected by feedsim)."})
        }
        s => json!({"code": -1000, "msg": format!("Injected HTTP {s} by feedsim.")}),
    };
    let mut resp = Response::json(status, &body);
    if let Some(r) = retry {
        resp = resp.with_header("Retry-After", r.to_string());
    }
    Some(resp)
}
