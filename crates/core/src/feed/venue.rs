//! Venue presets: default endpoints, symbol spelling, stream URLs and subscribe messages.
//!
//! Every base URL can be overridden (a self-hosted proxy, the loopback simulator); REST bases
//! of an overridden WebSocket base are derived from it (same host, `ws`→`http`,
//! `wss`→`https`) unless given too.

use crate::clean::IdOrder;
use crate::decode::text::truncate;
use crate::feed::backoff::Backoff;
use crate::feed::gap::{Backfill, PageRequest, Paging};

/// A public exchange feed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Venue {
    /// Binance spot.
    Binance,
    /// Coinbase Exchange.
    Coinbase,
    /// Kraken spot (WebSocket v2).
    Kraken,
}

/// Symbols offered in the chooser, in the `BASE-QUOTE` spelling.
pub const COMMON_PAIRS: [&str; 3] = ["BTC-USD", "ETH-USD", "SOL-USD"];

impl Venue {
    /// Every venue.
    pub const ALL: [Venue; 3] = [Venue::Binance, Venue::Coinbase, Venue::Kraken];

    /// Machine name, as in feed ids (`binance:BTCUSDT`).
    pub const fn name(self) -> &'static str {
        match self {
            Venue::Binance => "binance",
            Venue::Coinbase => "coinbase",
            Venue::Kraken => "kraken",
        }
    }

    /// Display name.
    pub const fn title(self) -> &'static str {
        match self {
            Venue::Binance => "Binance",
            Venue::Coinbase => "Coinbase",
            Venue::Kraken => "Kraken",
        }
    }

    /// Parses [`Venue::name`].
    pub fn from_name(name: &str) -> Option<Venue> {
        Venue::ALL.into_iter().find(|v| v.name() == name)
    }

    /// Default WebSocket base.
    pub const fn default_ws_base(self) -> &'static str {
        match self {
            Venue::Binance => "wss://stream.binance.com:9443",
            Venue::Coinbase => "wss://ws-feed.exchange.coinbase.com",
            Venue::Kraken => "wss://ws.kraken.com/v2",
        }
    }

    /// Default REST base (market data, no key).
    pub const fn default_rest_base(self) -> &'static str {
        match self {
            Venue::Binance => "https://data-api.binance.vision",
            Venue::Coinbase => "https://api.exchange.coinbase.com",
            Venue::Kraken => "https://api.kraken.com",
        }
    }

    /// How the venue numbers trades of one symbol.
    pub const fn id_order(self) -> IdOrder {
        match self {
            Venue::Binance | Venue::Coinbase | Venue::Kraken => IdOrder::Consecutive,
        }
    }

    /// How the venue's public trade history pages, for backfilling gaps.
    pub const fn paging(self) -> Paging {
        match self {
            Venue::Binance => Paging::FromId,
            Venue::Coinbase => Paging::BelowId,
            Venue::Kraken => Paging::SinceTime,
        }
    }

    /// The venue's largest history page.
    pub const fn history_page(self) -> u32 {
        match self {
            Venue::Binance => Backfill::BINANCE_PAGE,
            Venue::Coinbase => Backfill::COINBASE_PAGE,
            Venue::Kraken => Backfill::KRAKEN_PAGE,
        }
    }

    /// The venue's spelling of a pair written `BASE-QUOTE`, `BASE/QUOTE` or already in the
    /// venue's form. Binance has no USD books, so `USD` quotes become `USDT` there.
    pub fn symbol(self, pair: &str) -> String {
        let pair = pair.trim().to_ascii_uppercase();
        let split = pair
            .split_once(['-', '/', '_'])
            .map(|(b, q)| (b.to_string(), q.to_string()));
        match (self, split) {
            (Venue::Binance, Some((b, q))) => {
                let q = if q == "USD" { "USDT".to_string() } else { q };
                format!("{b}{q}")
            }
            (Venue::Binance, None) => pair,
            (Venue::Coinbase, Some((b, q))) => format!("{b}-{q}"),
            (Venue::Kraken, Some((b, q))) => format!("{b}/{q}"),
            (_, None) => pair,
        }
    }

    /// The feed id of `symbol` (already in the venue's spelling).
    pub fn feed_id(self, symbol: &str) -> String {
        format!("{}:{}", self.name(), symbol)
    }

    /// The subscribe message to send once the socket opens, if the venue needs one.
    pub fn subscribe_message(self, symbol: &str) -> Option<String> {
        let s = json_string(symbol);
        match self {
            Venue::Binance => None,
            Venue::Coinbase => Some(format!(
                r#"{{"type":"subscribe","channels":[{{"name":"matches","product_ids":[{s}]}},{{"name":"heartbeat","product_ids":[{s}]}}]}}"#
            )),
            Venue::Kraken => Some(format!(
                r#"{{"method":"subscribe","params":{{"channel":"trade","symbol":[{s}],"snapshot":false}}}}"#
            )),
        }
    }
}

/// A JSON string literal of `s` (symbols are short; control characters are escaped).
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in truncate(s, 64).chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Percent-encodes a query value (symbols such as `BTC/USD`).
fn query_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The REST base matching a WebSocket base: same scheme family and host, no path.
pub fn rest_base_from_ws(ws_base: &str) -> Option<String> {
    let (scheme, rest) = ws_base.trim().split_once("://")?;
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "ws" | "http" => "http",
        "wss" | "https" => "https",
        _ => return None,
    };
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .filter(|h| !h.is_empty())?;
    Some(format!("{scheme}://{host}"))
}

/// Endpoints and symbol of one venue feed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Preset {
    /// The venue.
    pub venue: Venue,
    /// Symbol in the venue's spelling.
    pub symbol: String,
    /// WebSocket base URL, no trailing slash.
    pub ws_base: String,
    /// REST base URL, no trailing slash.
    pub rest_base: String,
    /// Longest wait before a reconnection, ms ([`Backoff`]'s cap; 60 s by default, as the
    /// venues advise).
    ///
    /// [`Backoff`]: crate::feed::backoff::Backoff
    pub max_backoff_ms: u64,
}

impl Preset {
    /// The venue's public endpoints for `pair` (any spelling, see [`Venue::symbol`]).
    pub fn new(venue: Venue, pair: &str) -> Preset {
        Preset {
            venue,
            symbol: venue.symbol(pair),
            ws_base: venue.default_ws_base().to_string(),
            rest_base: venue.default_rest_base().to_string(),
            max_backoff_ms: Backoff::default().cap_ms,
        }
    }

    /// The same feed with reconnection waits capped at `seconds` (at least 1 s, at most
    /// 10 minutes; anything else keeps the default).
    pub fn with_max_backoff_secs(mut self, seconds: f64) -> Preset {
        if seconds.is_finite() && (1.0..=600.0).contains(&seconds) {
            self.max_backoff_ms = (seconds * 1000.0) as u64;
        }
        self
    }

    /// The reconnection policy of this feed: 1 s doubling up to its cap, full jitter.
    pub fn backoff(&self) -> Backoff {
        let d = Backoff::default();
        Backoff::new(d.base_ms, self.max_backoff_ms, d.stable_ms)
    }

    /// The same feed at another WebSocket base; the REST base follows it unless `rest_base`
    /// is given. Empty strings mean "keep the default".
    pub fn with_bases(mut self, ws_base: &str, rest_base: &str) -> Preset {
        let ws = ws_base.trim().trim_end_matches('/');
        if !ws.is_empty() {
            self.ws_base = ws.to_string();
            if let Some(r) = rest_base_from_ws(ws) {
                self.rest_base = r;
            }
        }
        let rest = rest_base.trim().trim_end_matches('/');
        if !rest.is_empty() {
            self.rest_base = rest.to_string();
        }
        self
    }

    /// The feed id (`binance:BTCUSDT`).
    pub fn feed_id(&self) -> String {
        self.venue.feed_id(&self.symbol)
    }

    /// The WebSocket URL to open.
    pub fn ws_url(&self) -> String {
        match self.venue {
            Venue::Binance => format!(
                "{}/ws/{}@trade",
                self.ws_base,
                self.symbol.to_ascii_lowercase()
            ),
            Venue::Coinbase | Venue::Kraken => self.ws_base.clone(),
        }
    }

    /// The subscribe message, if any.
    pub fn subscribe_message(&self) -> Option<String> {
        self.venue.subscribe_message(&self.symbol)
    }

    /// Binance: the history page starting at `from_id`.
    pub fn binance_history_url(&self, from_id: u64, limit: u32) -> String {
        format!(
            "{}/api/v3/historicalTrades?symbol={}&fromId={from_id}&limit={limit}",
            self.rest_base,
            query_value(&self.symbol)
        )
    }

    /// The REST URL of one history page; `None` if the request does not fit the venue's
    /// paging.
    pub fn history_url(&self, req: &PageRequest) -> Option<String> {
        let base = &self.rest_base;
        match (self.venue, req) {
            (Venue::Binance, &PageRequest::FromId { from_id, limit }) => {
                Some(self.binance_history_url(from_id, limit))
            }
            (Venue::Coinbase, &PageRequest::BelowId { below_id, limit }) => Some(format!(
                "{base}/products/{}/trades?after={below_id}&limit={limit}",
                query_value(&self.symbol)
            )),
            (Venue::Kraken, PageRequest::Since { since, limit }) => Some(format!(
                "{base}/0/public/Trades?pair={}&since={}&count={limit}",
                query_value(&kraken_rest_pair(&self.symbol)),
                query_value(since)
            )),
            _ => None,
        }
    }
}

/// Kraken's REST spelling of a WebSocket v2 symbol: `BTC/USD` → `XBTUSD` (Kraken's REST
/// names bitcoin XBT; its answer keys the pair by its own full name, such as `XXBTZUSD`).
pub fn kraken_rest_pair(ws_symbol: &str) -> String {
    ws_symbol
        .split('/')
        .map(|part| if part == "BTC" { "XBT" } else { part })
        .collect()
}
