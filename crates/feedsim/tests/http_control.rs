//! REST faults, CORS, the generic order feeds and connection-level faults.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tradelens_feedsim::Config;

#[tokio::test]
async fn injected_429_carries_retry_after_then_service_resumes() {
    let server = server(50.0).await;
    let addr = server.local_addr();
    post(
        addr,
        "/control/http?status=429&retry_after=7&count=2&path=/api/v3/",
    )
    .await;
    // Other paths are not affected.
    assert_eq!(
        get(addr, "/0/public/Trades?pair=XBTUSD&count=1")
            .await
            .status,
        200
    );
    for _ in 0..2 {
        let r = get(addr, "/api/v3/trades?symbol=BTCUSDT&limit=1").await;
        assert_eq!(r.status, 429);
        assert_eq!(r.header("retry-after"), Some("7"));
        assert!(r.json()["code"].is_i64());
    }
    assert_eq!(
        get(addr, "/api/v3/trades?symbol=BTCUSDT&limit=1")
            .await
            .status,
        200
    );
    post(addr, "/control/http?status=418").await;
    let r = get(addr, "/products/BTC-USD/trades").await;
    assert_eq!(r.status, 418);
    assert!(r.header("retry-after").is_some());
    post(addr, "/control/http?status=503&retry_after=2").await;
    assert_eq!(get(addr, "/orders.json").await.status, 503);
    post(addr, "/control/http?status=500").await;
    let r = get(addr, "/orders.json").await;
    assert_eq!(r.status, 500);
    assert_eq!(r.header("retry-after"), None);
}

#[tokio::test]
async fn cors_headers_by_default_and_none_when_switched_off() {
    let server = server(10.0).await;
    let addr = server.local_addr();
    let r = get(addr, "/api/v3/trades?symbol=BTCUSDT&limit=1").await;
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert!(r
        .header("access-control-expose-headers")
        .unwrap()
        .contains("CB-AFTER"));
    let pre = request(
        addr,
        "OPTIONS",
        "/orders.json",
        &[
            ("Origin", "http://x.test"),
            ("Access-Control-Request-Method", "GET"),
        ],
    )
    .await;
    assert_eq!(pre.status, 204);
    assert_eq!(pre.header("access-control-allow-origin"), Some("*"));
    post(addr, "/control/cors?enabled=false").await;
    let r = get(addr, "/products/BTC-USD/trades?limit=1").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), None);

    let quiet = server_with(Config {
        cors: false,
        rate: 10.0,
        ..Config::default()
    })
    .await;
    let r = get(quiet.local_addr(), "/orders.csv").await;
    assert_eq!(r.status, 200);
    assert!(r
        .headers
        .iter()
        .all(|(k, _)| !k.starts_with("access-control")));
}

#[tokio::test]
async fn order_polling_uses_etags_and_four_formats() {
    let server = server(0.0).await;
    let addr = server.local_addr();
    let r = get(addr, "/orders.json?limit=20").await;
    assert_eq!(r.status, 200);
    let list = r.json();
    let first = &list[0];
    assert_eq!(
        keys(first),
        set(&[
            "id", "time", "time_ms", "product", "category", "quantity", "price", "total", "region",
            "channel", "customer"
        ])
    );
    assert!(r.header("etag").is_some_and(|e| e.starts_with('"')));
    assert_eq!(list.as_array().unwrap().len(), 20);
    let nd = get(addr, "/orders.ndjson?limit=3").await;
    assert_eq!(nd.body.lines().count(), 3);
    for line in nd.body.lines() {
        serde_json::from_str::<Value>(line).unwrap();
    }
    let csv = get(addr, "/orders.csv?limit=3").await;
    let mut lines = csv.body.lines();
    assert_eq!(
        lines.next(),
        Some("id,time,product,category,quantity,price,total,region,channel,customer")
    );
    assert_eq!(lines.count(), 3);
    // The page holds the same newest orders, one `<tr data-id>` each, after a header row.
    let ids: Vec<u64> = get(addr, "/orders.json?limit=3")
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_u64().unwrap())
        .collect();
    // Orders arrive every tick (2,000 a second here): the page asks for the same three.
    let page = get(
        addr,
        &format!("/orders.html?limit=3&until_id={}", ids.last().unwrap()),
    )
    .await;
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/html")));
    assert_eq!(
        page.header("access-control-allow-origin"),
        Some("*"),
        "polled from the app's origin"
    );
    assert!(page.body.contains("<thead><tr><th>Order</th>"));
    let page_ids: Vec<u64> = page
        .body
        .split("<tr data-id=\"")
        .skip(1)
        .map(|r| r.split('"').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(page_ids, ids);
    assert!(page.body.contains("<td class=\"time\"><time datetime=\"20"));
}

#[tokio::test]
async fn unchanged_orders_answer_304() {
    // No live orders (rate 0 after the backfill): the same query is unchanged.
    let server = server_with(Config {
        order_rate: 0.0,
        rate: 0.0,
        ..Config::default()
    })
    .await;
    let addr = server.local_addr();
    let r = get(addr, "/orders.json").await;
    let etag = r.header("etag").unwrap().to_string();
    let r = request(addr, "GET", "/orders.json", &[("If-None-Match", &etag)]).await;
    assert_eq!(r.status, 304);
    assert_eq!(r.header("etag"), Some(etag.as_str()));
}

async fn sse_events(addr: std::net::SocketAddr, headers: &str, n: usize) -> Vec<(u64, Value)> {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "GET /sse/orders HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n{headers}\r\n"
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut lines = BufReader::new(s).lines();
    let mut events = Vec::new();
    let mut id = None;
    tokio::time::timeout(WAIT, async {
        while events.len() < n {
            let line = lines.next_line().await.unwrap().unwrap();
            if let Some(v) = line.strip_prefix("id: ") {
                id = Some(v.parse::<u64>().unwrap());
            } else if let Some(d) = line.strip_prefix("data: ") {
                events.push((id.take().unwrap(), serde_json::from_str(d).unwrap()));
            }
        }
    })
    .await
    .expect("events in time");
    events
}

#[tokio::test]
async fn sse_streams_orders_and_resumes_after_last_event_id() {
    let server = server(0.0).await;
    let addr = server.local_addr();
    let events = sse_events(addr, "", 5).await;
    assert!(events.windows(2).all(|w| w[1].0 == w[0].0 + 1));
    assert!(events.iter().all(|(id, v)| v["id"] == *id));
    let from = events[0].0;
    let resumed = sse_events(addr, &format!("Last-Event-ID: {from}\r\n"), 3).await;
    let ids: Vec<u64> = resumed.iter().map(|e| e.0).collect();
    assert_eq!(ids, vec![from + 1, from + 2, from + 3]);
}

#[tokio::test]
async fn drop_closes_streams_and_stall_silences_them() {
    let server = server(1000.0).await;
    let addr = server.local_addr();
    let mut a = ws(addr, "/ws/btcusdt@trade").await;
    next_json(&mut a).await;
    post(addr, "/control/stall?venue=binance&seconds=0.6").await;
    // Drain what was in flight, then measure the silence.
    let began = Instant::now();
    let mut longest = Duration::ZERO;
    let mut at = Instant::now();
    while began.elapsed() < Duration::from_millis(1200) {
        next_text(&mut a).await.unwrap();
        longest = longest.max(at.elapsed());
        at = Instant::now();
    }
    assert!(
        longest >= Duration::from_millis(450),
        "silent for {longest:?}"
    );
    post(addr, "/control/drop?venue=binance").await;
    while next_text(&mut a).await.is_some() {}
    // The record says it is closed.
    let sent = tokio::time::timeout(WAIT, async {
        loop {
            let s = get(addr, "/control/sent?venue=binance").await.json();
            if s["connections"][0]["open"] == false {
                break s;
            }
            // Polled over HTTP, as an outside test would.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .unwrap();
    assert_eq!(sent["connections"][0]["venue"], "binance");
}

#[tokio::test]
async fn spike_multiplies_the_next_price() {
    let server = server(1000.0).await;
    let addr = server.local_addr();
    let mut a = ws(addr, "/ws/btcusdt@trade").await;
    let p0: f64 = next_json(&mut a).await["p"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    post(addr, "/control/spike?symbol=BTC-USD&factor=10").await;
    loop {
        let p: f64 = next_json(&mut a).await["p"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        if p > p0 * 5.0 {
            break;
        }
    }
}

#[tokio::test]
async fn control_rejects_bad_input_and_unknown_paths_are_404() {
    let server = server(10.0).await;
    let addr = server.local_addr();
    assert_eq!(
        request(addr, "POST", "/control/gap?symbol=DOGE", &[])
            .await
            .status,
        400
    );
    assert_eq!(
        request(addr, "POST", "/control/nope", &[]).await.status,
        400
    );
    assert_eq!(get(addr, "/nowhere").await.status, 404);
    assert_eq!(get(addr, "/control/status").await.json()["rate"], 10.0);
}

#[tokio::test]
async fn connection_limit_refuses_with_503() {
    let server = server_with(Config {
        max_connections: 1,
        rate: 10.0,
        ..Config::default()
    })
    .await;
    let addr = server.local_addr();
    let _held = ws(addr, "/ws/btcusdt@trade").await;
    let r = get(addr, "/orders.json").await;
    assert_eq!(r.status, 503);
}

#[tokio::test]
async fn a_client_that_stops_reading_is_dropped_not_buffered() {
    let server = server_with(Config {
        rate: 20_000.0,
        queue: 8,
        send_timeout: Duration::from_millis(200),
        backfill_seconds: 0,
        ..Config::default()
    })
    .await;
    let addr = server.local_addr();
    // Handshake, then never read again.
    let _stuck = ws(
        addr,
        "/stream?streams=btcusdt@trade/ethusdt@trade/solusdt@trade",
    )
    .await;
    let sent = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let s = get(addr, "/control/sent?venue=binance").await.json();
            if s["connections"][0]["open"] == false {
                break s;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("the stuck client is dropped");
    assert!(
        sent["connections"][0]["symbols"]["BTC-USD"]["count"]
            .as_u64()
            .unwrap()
            > 0
    );
}
