//! Binance streams and REST against the documented shapes.

mod common;

use common::*;
use serde_json::Value;
use tokio_tungstenite::tungstenite::Error as WsError;

fn assert_trade(d: &Value, symbol: &str) {
    assert_eq!(
        keys(d),
        set(&["e", "E", "s", "t", "p", "q", "T", "m", "M"]),
        "{d}"
    );
    assert_eq!(d["e"], "trade");
    assert_eq!(d["s"], symbol);
    assert!(d["t"].is_u64() && d["E"].is_i64() && d["T"].is_i64());
    assert_decimal(&d["p"]);
    assert_decimal(&d["q"]);
    assert!(d["m"].is_boolean() && d["M"].is_boolean());
}

#[tokio::test]
async fn trade_stream_is_consecutive_and_matches_the_sent_record() {
    let server = server(2000.0).await;
    let addr = server.local_addr();
    let mut ws = ws(addr, "/ws/btcusdt@trade").await;
    let mut ids = Vec::new();
    while ids.len() < 200 {
        let d = next_json(&mut ws).await;
        assert_trade(&d, "BTCUSDT");
        assert!(
            d["T"].as_i64().unwrap() < 10_000_000_000_000,
            "milliseconds"
        );
        ids.push(d["t"].as_u64().unwrap());
    }
    // A clean shutdown flushes everything sent, then closes: nothing lost, nothing doubled.
    let hub = server.hub().clone();
    server.shutdown();
    while let Some(t) = next_text(&mut ws).await {
        let d: Value = serde_json::from_str(&t).unwrap();
        ids.push(d["t"].as_u64().unwrap());
    }
    assert!(ids.windows(2).all(|w| w[1] == w[0] + 1), "consecutive ids");
    let sent = hub.sent.to_json(None, true);
    let rec = &sent["connections"][0]["symbols"]["BTC-USD"];
    assert_eq!(rec["ids"], serde_json::json!(ids));
    assert_eq!(rec["count"], ids.len() as u64);
    assert_eq!(rec["first_id"], ids[0]);
    assert_eq!(rec["last_id"], *ids.last().unwrap());
    assert_eq!(rec["duplicates"], 0);
    assert_eq!(rec["missing"], 0);
    assert_eq!(rec["checksum"], checksum(&ids));
}

#[tokio::test]
async fn combined_streams_wrap_events_and_honour_microseconds() {
    let server = server(2000.0).await;
    let path = "/stream?streams=btcusdt@trade/ethusdt@aggTrade&timeUnit=MICROSECOND";
    let mut ws = ws(server.local_addr(), path).await;
    let (mut trade, mut agg) = (false, false);
    while !(trade && agg) {
        let v = next_json(&mut ws).await;
        assert_eq!(keys(&v), set(&["stream", "data"]));
        let d = &v["data"];
        assert!(
            d["T"].as_i64().unwrap() > 1_000_000_000_000_000,
            "microseconds: {d}"
        );
        match v["stream"].as_str().unwrap() {
            "btcusdt@trade" => {
                assert_trade(d, "BTCUSDT");
                trade = true;
            }
            "ethusdt@aggTrade" => {
                assert_eq!(
                    keys(d),
                    set(&["e", "E", "s", "a", "p", "q", "f", "l", "T", "m", "M"])
                );
                assert_eq!(d["e"], "aggTrade");
                assert_eq!(d["s"], "ETHUSDT");
                assert!(d["f"].as_u64() <= d["l"].as_u64());
                agg = true;
            }
            other => panic!("unexpected stream {other}"),
        }
    }
}

#[tokio::test]
async fn unknown_symbol_is_refused_at_the_handshake() {
    let server = server(10.0).await;
    let addr = server.local_addr();
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let err = tokio_tungstenite::client_async(format!("ws://{addr}/ws/dogeusdt@trade"), stream)
        .await
        .unwrap_err();
    match err {
        WsError::Http(resp) => assert_eq!(resp.status(), 400),
        e => panic!("unexpected {e}"),
    }
}

#[tokio::test]
async fn gap_injection_skips_exactly_n_ids_that_rest_backfills() {
    let server = server(2000.0).await;
    let addr = server.local_addr();
    let mut ws = ws(addr, "/ws/btcusdt@trade").await;
    let mut last = next_json(&mut ws).await["t"].as_u64().unwrap();
    post(addr, "/control/gap?venue=binance&symbol=BTC-USD&n=7").await;
    let jump = loop {
        let t = next_json(&mut ws).await["t"].as_u64().unwrap();
        if t != last + 1 {
            break (last, t);
        }
        last = t;
    };
    assert_eq!(jump.1 - jump.0 - 1, 7, "exactly 7 ids skipped");
    // The following ids are consecutive again.
    let after = next_json(&mut ws).await["t"].as_u64().unwrap();
    assert_eq!(after, jump.1 + 1);
    // The skipped trades exist in REST, as after a real dropped message.
    let r = get(
        addr,
        &format!(
            "/api/v3/historicalTrades?symbol=BTCUSDT&fromId={}&limit=7",
            jump.0 + 1
        ),
    )
    .await;
    let ids: Vec<u64> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, ((jump.0 + 1)..jump.1).collect::<Vec<_>>());
    let sent = get(addr, "/control/sent?venue=binance").await.json();
    assert_eq!(sent["connections"][0]["symbols"]["BTC-USD"]["missing"], 7);
}

#[tokio::test]
async fn server_shutdown_is_announced_then_the_stream_closes() {
    let server = server(200.0).await;
    let addr = server.local_addr();
    let mut ws = ws(addr, "/ws/ethusdt@trade").await;
    next_json(&mut ws).await;
    post(addr, "/control/shutdown?venue=binance").await;
    loop {
        let v = next_json(&mut ws).await;
        if v["e"] == "serverShutdown" {
            assert_eq!(keys(&v), set(&["e", "E"]));
            break;
        }
    }
    assert!(
        next_text(&mut ws).await.is_none(),
        "closed after the announcement"
    );
}

#[tokio::test]
async fn replay_duplicates_and_malformed_messages_are_sent_and_recorded() {
    let server = server(1000.0).await;
    let addr = server.local_addr();
    let mut ws = ws(addr, "/ws/btcusdt@trade").await;
    for _ in 0..5 {
        next_json(&mut ws).await;
    }
    post(addr, "/control/replay?venue=binance&n=3").await;
    post(addr, "/control/malformed?venue=binance").await;
    let (mut max, mut dups, mut malformed) = (0u64, 0, false);
    while dups < 3 || !malformed {
        let t = next_text(&mut ws).await.unwrap();
        match serde_json::from_str::<Value>(&t) {
            Ok(v) => {
                let id = v["t"].as_u64().unwrap();
                if id <= max {
                    dups += 1;
                }
                max = max.max(id);
            }
            Err(_) => malformed = true,
        }
    }
    let sent = get(addr, "/control/sent").await.json();
    assert_eq!(
        sent["connections"][0]["symbols"]["BTC-USD"]["duplicates"],
        3
    );
}

#[tokio::test]
async fn rest_trades_pages_by_id_and_reports_bad_symbols() {
    let server = server(500.0).await;
    let addr = server.local_addr();
    let r = get(addr, "/api/v3/trades?symbol=BTCUSDT&limit=5").await;
    assert_eq!(r.status, 200);
    let list = r.json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 5);
    assert_eq!(
        keys(&list[0]),
        set(&[
            "id",
            "price",
            "qty",
            "quoteQty",
            "time",
            "isBuyerMaker",
            "isBestMatch"
        ])
    );
    assert_decimal(&list[0]["price"]);
    let r = get(
        addr,
        "/api/v3/historicalTrades?symbol=BTCUSDT&fromId=100&limit=20",
    )
    .await;
    let ids: Vec<u64> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, (100..120).collect::<Vec<_>>());
    let r = get(addr, "/api/v3/aggTrades?symbol=ETHUSDT&fromId=10&limit=3").await;
    let agg = r.json();
    assert_eq!(
        keys(&agg[0]),
        set(&["a", "p", "q", "f", "l", "T", "m", "M"])
    );
    assert_eq!(agg[0]["a"], 10);
    let r = get(addr, "/api/v3/trades?symbol=DOGEUSDT").await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json(),
        serde_json::json!({"code": -1121, "msg": "Invalid symbol."})
    );
    assert_eq!(get(addr, "/api/v3/trades").await.json()["code"], -1102);
}

#[tokio::test]
async fn send_delivers_any_text_as_one_message() {
    let server = server(50.0).await;
    let addr = server.local_addr();
    let mut ws = ws(addr, "/ws/btcusdt@trade").await;
    next_json(&mut ws).await;
    // Percent-encoded as a client would: markup, quotes, an ampersand and a newline.
    let text = "<img src=x onerror=alert(1)> & \"quoted\"\nnext line";
    let query: String = text
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    post(addr, &format!("/control/send?venue=binance&text={query}")).await;
    loop {
        let t = next_text(&mut ws).await.unwrap();
        if serde_json::from_str::<Value>(&t).is_err() {
            assert_eq!(t, text);
            break;
        }
    }
    // GET works too (for a browser address bar); without `text` it is refused.
    assert_eq!(get(addr, "/control/send?venue=binance").await.status, 400);
}
