//! Helpers shared by the integration tests: an in-process server, a tiny HTTP client and a
//! WebSocket client with bounded waits.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;
use tradelens_feedsim::{Config, Server};

/// A fixed start so the streams are the same on every run.
pub const START_MS: i64 = 1_750_000_000_000;

/// Longest wait for any one thing in a test.
pub const WAIT: Duration = Duration::from_secs(5);

pub async fn server(rate: f64) -> Server {
    server_with(Config {
        rate,
        order_rate: 2000.0,
        start_ms: Some(START_MS),
        backfill_seconds: 10,
        ..Config::default()
    })
    .await
}

pub async fn server_with(config: Config) -> Server {
    Server::start(config).await.expect("server starts")
}

/// A response: status, headers (lower-case names), body.
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == &name.to_ascii_lowercase())
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// Sends one request with `Connection: close` and reads the whole response.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
) -> Resp {
    tokio::time::timeout(WAIT, async {
        let mut s = TcpStream::connect(addr).await.unwrap();
        let mut req =
            format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("Content-Length: 0\r\n\r\n");
        s.write_all(req.as_bytes()).await.unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).await.unwrap();
        let text = String::from_utf8(raw).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let mut lines = head.lines();
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers = lines
            .map(|l| {
                let (k, v) = l.split_once(':').unwrap();
                (k.trim().to_ascii_lowercase(), v.trim().to_string())
            })
            .collect();
        Resp {
            status,
            headers,
            body: body.to_string(),
        }
    })
    .await
    .expect("HTTP response in time")
}

pub async fn get(addr: SocketAddr, target: &str) -> Resp {
    request(addr, "GET", target, &[]).await
}

pub async fn post(addr: SocketAddr, target: &str) -> Resp {
    let r = request(addr, "POST", target, &[]).await;
    assert_eq!(r.status, 200, "{target}: {}", r.body);
    r
}

pub type Ws = WebSocketStream<TcpStream>;

pub async fn ws(addr: SocketAddr, path: &str) -> Ws {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (ws, _) = tokio_tungstenite::client_async(format!("ws://{addr}{path}"), stream)
        .await
        .expect("handshake");
    ws
}

/// The next text message parsed as JSON, waiting at most [`WAIT`].
pub async fn next_json(ws: &mut Ws) -> Value {
    let text = next_text(ws).await.expect("a message");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The next text message, or `None` when the stream closed.
pub async fn next_text(ws: &mut Ws) -> Option<String> {
    loop {
        let msg = tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("message in time");
        match msg {
            Some(Ok(Message::Text(t))) => return Some(t.to_string()),
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => continue,
        }
    }
}

pub async fn send(ws: &mut Ws, v: Value) {
    ws.send(Message::Text(v.to_string().into())).await.unwrap();
}

/// The keys of a JSON object.
pub fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().expect("an object").keys().cloned().collect()
}

pub fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// A decimal string as the venues send them.
pub fn assert_decimal(v: &Value) {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("expected a decimal string, got {v}"));
    assert!(s.parse::<f64>().is_ok_and(|x| x > 0.0), "{s}");
}

/// FNV-1a over the ids' little-endian bytes: the checksum `/control/sent` reports.
pub fn checksum(ids: &[u64]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for id in ids {
        for b in id.to_le_bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}
