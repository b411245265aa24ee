//! WebSocket plumbing shared by the venue dialects: the handshake, and one loop per
//! connection that interleaves trade batches, heartbeats, client messages and faults, with
//! bounded queues (a client that lags or stops reading is dropped, never buffered forever).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::broadcast::error::RecvError;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};
use tokio_tungstenite::WebSocketStream;

use crate::control::Action;
use crate::http::{self, Request, Response};
use crate::market::{Batch, Market, Venue};
use crate::sent::ConnHandle;
use crate::server::Hub;
use crate::{binance, coinbase, kraken};

/// Largest message or frame accepted from a client.
pub const MAX_CLIENT_MESSAGE: usize = 64 * 1024;
/// Trade messages kept per connection for `replay`.
const REPLAY_RING: usize = 1000;

/// One message to send, with the trades it carries (symbol index, id).
#[derive(Debug, Clone)]
pub struct Out {
    /// JSON text.
    pub text: String,
    /// Trades carried, for the sent record.
    pub ids: Vec<(usize, u64)>,
}

impl Out {
    /// A message carrying no trade.
    pub fn plain(text: String) -> Out {
        Out {
            text,
            ids: Vec::new(),
        }
    }
}

/// What a dialect answers: messages, and whether to close afterwards.
#[derive(Debug, Default)]
pub struct Reply {
    /// Messages to send.
    pub out: Vec<Out>,
    /// Close with this code and reason after sending.
    pub close: Option<(u16, String)>,
}

impl From<Vec<Out>> for Reply {
    fn from(out: Vec<Out>) -> Reply {
        Reply { out, close: None }
    }
}

/// A venue's way of speaking over one connection.
pub trait Dialect: Send {
    /// The venue, for fault targeting and the sent record.
    fn venue(&self) -> Venue;
    /// Messages sent right after the handshake.
    fn open(&mut self, _market: &Market) -> Vec<Out> {
        Vec::new()
    }
    /// Answers a text message from the client.
    fn on_text(&mut self, text: &str, market: &Market) -> Reply;
    /// Formats the trades of a batch this connection wants.
    fn on_batch(&mut self, batch: &Batch) -> Vec<Out>;
    /// Called once a second (heartbeats, subscribe deadlines).
    fn on_second(&mut self, seconds_open: u64) -> Reply;
    /// A truncated message for the `malformed` fault.
    fn malformed(&self) -> String;
    /// The message announcing a shutdown, if the venue has one.
    fn server_shutdown(&self) -> Option<String> {
        None
    }
    /// How often the server pings.
    fn ping_every(&self) -> Option<u64> {
        None
    }
}

/// Answers a WebSocket upgrade: picks the dialect from the path, completes the handshake and
/// runs the connection.
pub async fn upgrade(mut stream: TcpStream, leftover: Vec<u8>, req: Request, hub: Arc<Hub>) {
    let cors = hub.cors.load(std::sync::atomic::Ordering::Relaxed);
    let dialect: Result<Box<dyn Dialect>, Response> = match req.path.as_str() {
        p if p.starts_with("/ws/") || p == "/stream" => binance::dialect(&req),
        "/" | "/coinbase" => Ok(coinbase::dialect()),
        "/v2" | "/kraken" => Ok(kraken::dialect()),
        _ => Err(Response::json(
            404,
            &serde_json::json!({"error": "no WebSocket endpoint here", "path": req.path}),
        )),
    };
    let key = req.header("sec-websocket-key").map(str::to_string);
    let dialect = match (dialect, key) {
        (Ok(d), Some(_)) if req.header("sec-websocket-version") != Some("13") => {
            drop(d);
            let resp = Response::empty(426).with_header("Sec-WebSocket-Version", "13");
            let _ = http::write_response(&mut stream, &resp, cors, false, false).await;
            return;
        }
        (Ok(d), Some(key)) => (d, key),
        (Ok(_), None) => {
            let resp = Response::json(
                400,
                &serde_json::json!({"error": "missing Sec-WebSocket-Key"}),
            );
            let _ = http::write_response(&mut stream, &resp, cors, false, false).await;
            return;
        }
        (Err(resp), _) => {
            let _ = http::write_response(&mut stream, &resp, cors, false, false).await;
            return;
        }
    };
    let (dialect, key) = dialect;
    let head = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n\r\n",
        derive_accept_key(key.as_bytes())
    );
    if stream.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_CLIENT_MESSAGE))
        .max_frame_size(Some(MAX_CLIENT_MESSAGE))
        .max_write_buffer_size(8 * 1024 * 1024);
    let ws =
        WebSocketStream::from_partially_read(stream, leftover, Role::Server, Some(config)).await;
    let target = match req.query.is_empty() {
        true => req.path.clone(),
        false => {
            let q: Vec<String> = req.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("{}?{}", req.path, q.join("&"))
        }
    };
    let conn = hub.sent.open(dialect.venue(), &target);
    run(ws, dialect, &hub, &conn).await;
    conn.close();
}

type Ws = WebSocketStream<TcpStream>;

/// Sends messages within the send timeout; records trade ids; keeps trade messages for replay.
async fn send(
    ws: &mut Ws,
    outs: Vec<Out>,
    conn: &ConnHandle,
    ring: &mut VecDeque<(Utf8Bytes, Vec<(usize, u64)>)>,
    timeout: Duration,
) -> bool {
    if outs.is_empty() {
        return true;
    }
    let result = tokio::time::timeout(timeout, async {
        for o in outs {
            let text: Utf8Bytes = o.text.into();
            ws.feed(Message::Text(text.clone())).await?;
            if !o.ids.is_empty() {
                conn.record(&o.ids);
                if ring.len() == REPLAY_RING {
                    ring.pop_front();
                }
                ring.push_back((text, o.ids));
            }
        }
        ws.flush().await
    })
    .await;
    matches!(result, Ok(Ok(())))
}

async fn close(ws: &mut Ws, code: CloseCode, reason: &str) {
    let frame = CloseFrame {
        code,
        reason: reason.to_string().into(),
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), ws.close(Some(frame))).await;
}

async fn run(mut ws: Ws, mut dialect: Box<dyn Dialect>, hub: &Hub, conn: &ConnHandle) {
    let mut trades = hub.market.subscribe();
    let mut control = hub.control.subscribe();
    let mut shutdown = hub.shutdown.clone();
    let timeout = hub.config.send_timeout;
    let mut ring = VecDeque::new();
    let venue = dialect.venue();
    let first = dialect.open(&hub.market);
    if !send(&mut ws, first, conn, &mut ring, timeout).await {
        return;
    }
    let mut second = tokio::time::interval_at(
        tokio::time::Instant::now() + Duration::from_secs(1),
        Duration::from_secs(1),
    );
    let mut seconds_open = 0u64;
    loop {
        let reply: Reply = tokio::select! {
            _ = shutdown.changed() => {
                close(&mut ws, CloseCode::Away, "feedsim shutting down").await;
                return;
            }
            batch = trades.recv() => match batch {
                Ok(b) => dialect.on_batch(&b).into(),
                Err(RecvError::Lagged(_)) => {
                    close(&mut ws, CloseCode::Policy, "slow client: too far behind").await;
                    return;
                }
                Err(RecvError::Closed) => return,
            },
            event = control.recv() => match event {
                Ok(e) if e.venues & venue.bit() != 0 => match e.action {
                    Action::Drop => return,
                    Action::Stall(d) => {
                        tokio::select! {
                            _ = tokio::time::sleep(d) => {}
                            _ = shutdown.changed() => return,
                        }
                        Reply::default()
                    }
                    Action::Malformed => vec![Out::plain(dialect.malformed())].into(),
                    Action::Send(text) => vec![Out::plain(text.to_string())].into(),
                    Action::Replay(n) => {
                        let skip = ring.len().saturating_sub(n);
                        let again: Vec<Out> = ring
                            .iter()
                            .skip(skip)
                            .map(|(t, ids)| Out { text: t.to_string(), ids: ids.clone() })
                            .collect();
                        again.into()
                    }
                    Action::Shutdown => Reply {
                        out: dialect.server_shutdown().map(Out::plain).into_iter().collect(),
                        close: Some((1001, "server shutdown".into())),
                    },
                },
                Ok(_) | Err(RecvError::Lagged(_)) => Reply::default(),
                Err(RecvError::Closed) => return,
            },
            _ = second.tick() => {
                seconds_open += 1;
                if dialect.ping_every().is_some_and(|p| seconds_open.is_multiple_of(p))
                    && ws.send(Message::Ping(Vec::new().into())).await.is_err()
                {
                    return;
                }
                dialect.on_second(seconds_open)
            }
            msg = ws.next() => match msg {
                Some(Ok(Message::Text(t))) => dialect.on_text(t.as_str(), &hub.market),
                Some(Ok(Message::Binary(_))) => Reply {
                    out: Vec::new(),
                    close: Some((1003, "binary messages are not supported".into())),
                },
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => Reply::default(),
            },
        };
        if !send(&mut ws, reply.out, conn, &mut ring, timeout).await {
            return;
        }
        if let Some((code, reason)) = reply.close {
            close(&mut ws, CloseCode::from(code), &reason).await;
            return;
        }
    }
}
