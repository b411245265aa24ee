//! The listener: one port for WebSocket streams, REST, generic feeds and the control API.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, watch, Semaphore};
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::control::{self, ControlEvent, HttpFault};
use crate::format::now_ms;
use crate::generic::{self, Orders};
use crate::http::{self, ReadError, Request, Response};
use crate::keyed::{self, Seen};
use crate::market::{exchange_feed, Market};
use crate::sent::SentRegistry;
use crate::{binance, coinbase, kraken, ws};

/// Shared state of a running simulator.
#[derive(Debug)]
pub struct Hub {
    /// Settings.
    pub config: Config,
    /// Simulated time at start, ms since the epoch.
    pub start_ms: i64,
    /// Exchange trades.
    pub market: Market,
    /// E-commerce orders.
    pub orders: Orders,
    /// Actions for stream connections.
    pub control: broadcast::Sender<ControlEvent>,
    /// What each stream sent.
    pub sent: SentRegistry,
    /// Pending REST failure.
    pub http_fault: Mutex<Option<HttpFault>>,
    /// Whether CORS headers are sent.
    pub cors: AtomicBool,
    /// Requests to the keyed feeds, by whether they carried the key.
    pub keyed: Seen,
    /// Becomes true on shutdown.
    pub shutdown: watch::Receiver<bool>,
}

/// A running simulator.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    hub: Arc<Hub>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Server {
    /// Binds (loopback only) and starts serving and generating.
    pub async fn start(config: Config) -> io::Result<Server> {
        if !config.bind.ip().is_loopback() {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!("{} is not a loopback address", config.bind),
            ));
        }
        let listener = TcpListener::bind(config.bind).await?;
        let addr = listener.local_addr()?;
        let (stop, shutdown) = watch::channel(false);
        let start_ms = config.start_ms.unwrap_or_else(now_ms);
        let backfill_ms = config.backfill_seconds as i64 * 1000;
        let market = Market::new(config.history, config.queue);
        let mut feed = exchange_feed(config.seed, config.rate, start_ms - backfill_ms);
        market.push(&feed.generate_until(start_ms));
        let orders = Orders::new(config.history, config.queue);
        let mut order_feed =
            generic::order_feed(config.seed, config.order_rate, start_ms - backfill_ms);
        orders.push(order_feed.generate_until(start_ms));
        let hub = Arc::new(Hub {
            cors: AtomicBool::new(config.cors),
            keyed: Seen::default(),
            control: broadcast::channel(64).0,
            sent: SentRegistry::default(),
            http_fault: Mutex::new(None),
            start_ms,
            market,
            orders,
            shutdown,
            config,
        });
        let gen_hub = hub.clone();
        tokio::spawn(async move {
            let began = tokio::time::Instant::now();
            let mut every = tokio::time::interval(gen_hub.config.tick);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            let mut shutdown = gen_hub.shutdown.clone();
            loop {
                tokio::select! {
                    _ = every.tick() => {}
                    _ = shutdown.changed() => break,
                }
                let now = gen_hub.start_ms + began.elapsed().as_millis() as i64;
                gen_hub.market.push(&feed.generate_until(now));
                gen_hub.orders.push(order_feed.generate_until(now));
            }
        });
        let task = tokio::spawn(accept_loop(listener, hub.clone()));
        if let Some(secs) = hub.config.max_seconds {
            let stop = stop.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(secs)).await;
                let _ = stop.send(true);
            });
        }
        Ok(Server {
            addr,
            hub,
            stop,
            task,
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The shared state (for in-process tests).
    pub fn hub(&self) -> &Arc<Hub> {
        &self.hub
    }

    /// Asks every task to finish: streams get a close frame (1001).
    pub fn shutdown(&self) {
        let _ = self.stop.send(true);
    }

    /// Resolves when a shutdown was asked for (by [`Server::shutdown`] or `--max-seconds`).
    pub async fn stopped(&self) {
        let mut rx = self.stop.subscribe();
        let _ = rx.wait_for(|&stop| stop).await;
    }

    /// Waits until the server has stopped accepting (after [`Server::shutdown`] or
    /// `--max-seconds`), then gives open connections a moment to send their close frames.
    pub async fn wait(self) {
        let _ = self.task.await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn accept_loop(listener: TcpListener, hub: Arc<Hub>) {
    let limit = Arc::new(Semaphore::new(hub.config.max_connections));
    let mut shutdown = hub.shutdown.clone();
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = shutdown.changed() => break,
        };
        let Ok((mut stream, _peer)) = accepted else {
            // Out of descriptors and the like: back off instead of spinning.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        match limit.clone().try_acquire_owned() {
            Ok(permit) => {
                let hub = hub.clone();
                tokio::spawn(async move {
                    serve_connection(stream, hub).await;
                    drop(permit);
                });
            }
            Err(_) => {
                tokio::spawn(async move {
                    let resp =
                        Response::json(503, &serde_json::json!({"error": "too many connections"}))
                            .with_header("Retry-After", "1");
                    let _ = http::write_response(&mut stream, &resp, true, false, false).await;
                    let _ = stream.shutdown().await;
                });
            }
        }
    }
}

/// Serves one TCP connection: HTTP requests (kept alive) until a WebSocket upgrade or an SSE
/// stream takes it over.
async fn serve_connection(mut stream: TcpStream, hub: Arc<Hub>) {
    let mut buf = Vec::new();
    let mut wait = Duration::from_secs(10);
    for _ in 0..1000 {
        let req = match http::read_request(&mut stream, &mut buf, wait).await {
            Ok(r) => r,
            Err(ReadError::Closed | ReadError::Timeout | ReadError::Io(_)) => return,
            Err(ReadError::TooLarge) => {
                let resp = Response::json(413, &serde_json::json!({"error": "request too large"}));
                let _ = http::write_response(&mut stream, &resp, cors(&hub), false, false).await;
                return;
            }
            Err(e) => {
                let msg = format!("{e:?}");
                let resp = Response::json(400, &serde_json::json!({ "error": msg }));
                let _ = http::write_response(&mut stream, &resp, cors(&hub), false, false).await;
                return;
            }
        };
        if req.is_websocket() {
            ws::upgrade(stream, buf, req, hub).await;
            return;
        }
        if req.method == "GET" && req.path == "/sse/orders" {
            if let Some(resp) = control::take_http_fault(&hub, &req.path) {
                let _ = http::write_response(&mut stream, &resp, cors(&hub), false, false).await;
                return;
            }
            generic::serve_sse(stream, req, hub).await;
            return;
        }
        let resp = route(&req, &hub);
        let keep = req.keep_alive && !*hub.shutdown.borrow();
        let head_only = req.method == "HEAD";
        if http::write_response(&mut stream, &resp, cors(&hub), keep, head_only)
            .await
            .is_err()
            || !keep
        {
            let _ = stream.shutdown().await;
            return;
        }
        wait = Duration::from_secs(5);
    }
}

fn cors(hub: &Hub) -> bool {
    hub.cors.load(Ordering::Relaxed)
}

/// Answers a plain HTTP request.
fn route(req: &Request, hub: &Hub) -> Response {
    if req.method == "OPTIONS" {
        return Response::empty(204).with_header("Access-Control-Max-Age", "600");
    }
    if req.path.starts_with("/control/") {
        return control::handle(req, hub);
    }
    if req.method != "GET" && req.method != "HEAD" {
        return Response::json(405, &serde_json::json!({"error": "method not allowed"}))
            .with_header("Allow", "GET, HEAD, OPTIONS");
    }
    if let Some(resp) = control::take_http_fault(hub, &req.path) {
        return resp;
    }
    let p = req.path.as_str();
    if p.starts_with("/api/v3/") {
        binance::rest(req, hub)
    } else if p.starts_with("/products/") {
        coinbase::rest(req, hub)
    } else if p.starts_with("/0/public/") {
        kraken::rest(req, hub)
    } else if p.starts_with("/orders.") {
        generic::poll(req, hub)
    } else if p.starts_with("/keyed/") {
        keyed::handle(req, hub)
    } else if p == "/" || p == "/health" {
        Response::typed(200, "text/plain", "feedsim: see /control/status\n".into())
    } else {
        Response::json(404, &serde_json::json!({"error": "not found", "path": p}))
    }
}

/// Resolves on SIGTERM or Ctrl-C (SIGINT). The SIGTERM handler is installed when this is
/// called, not when first polled: call it before announcing the address, so a signal sent as
/// soon as the address is read is never missed (and never kills the process uncleanly).
/// Needs a Tokio runtime.
pub fn stop_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        #[cfg(unix)]
        if let Some(mut term) = term {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}
