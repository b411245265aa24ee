//! Order feeds behind an API key, for testing that a page sends a key where it should and
//! nowhere else.
//!
//! `GET /keyed/orders.{json,ndjson,csv,html}` answers as `/orders.*` when the request carries
//! the header [`KEY_HEADER`] with the configured key (`--api-key`, default [`DEFAULT_KEY`]),
//! and `401` otherwise. `GET /keyed/seen` counts the requests so far: with the right key,
//! without the header, and with a wrong value. CORS preflights (`OPTIONS`) are answered by
//! the server for every path, allowing [`KEY_HEADER`] and `Authorization`.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::json;

use crate::generic;
use crate::http::{Request, Response};
use crate::server::Hub;

/// The header that must carry the key.
pub const KEY_HEADER: &str = "X-Api-Key";
/// The key when `--api-key` is not given.
pub const DEFAULT_KEY: &str = "feedsim-test-key";

/// Requests to the keyed feeds so far.
#[derive(Debug, Default)]
pub struct Seen {
    with_key: AtomicU64,
    without_key: AtomicU64,
    wrong_key: AtomicU64,
}

impl Seen {
    /// The counts as JSON: `with_key`, `without_key`, `wrong_key`.
    pub fn json(&self) -> serde_json::Value {
        json!({
            "with_key": self.with_key.load(Ordering::Relaxed),
            "without_key": self.without_key.load(Ordering::Relaxed),
            "wrong_key": self.wrong_key.load(Ordering::Relaxed),
        })
    }
}

/// Answers a GET or HEAD under `/keyed/`.
pub fn handle(req: &Request, hub: &Hub) -> Response {
    let rest = &req.path["/keyed".len()..];
    if rest == "/seen" {
        return Response::json(200, &hub.keyed.json()).with_header("Cache-Control", "no-store");
    }
    if !rest.starts_with("/orders.") {
        return Response::json(404, &json!({"error": "not found", "path": req.path}));
    }
    let (counter, allowed) = match req.header(KEY_HEADER) {
        Some(v) if v == hub.config.api_key => (&hub.keyed.with_key, true),
        Some(_) => (&hub.keyed.wrong_key, false),
        None => (&hub.keyed.without_key, false),
    };
    counter.fetch_add(1, Ordering::Relaxed);
    if !allowed {
        return Response::json(
            401,
            &json!({"error": format!("this feed needs the header {KEY_HEADER} with the right key")}),
        )
        .with_header("WWW-Authenticate", format!("ApiKey header=\"{KEY_HEADER}\""));
    }
    let inner = Request {
        path: rest.to_string(),
        ..req.clone()
    };
    generic::poll(&inner, hub)
}
