//! Kraken WebSocket v2 and REST against the documented shapes.

mod common;

use common::*;
use serde_json::{json, Value};

fn assert_trade(d: &Value) {
    assert_eq!(
        keys(d),
        set(&[
            "symbol",
            "side",
            "price",
            "qty",
            "ord_type",
            "trade_id",
            "timestamp"
        ]),
        "{d}"
    );
    assert_eq!(d["symbol"], "BTC/USD");
    assert!(
        d["price"].is_f64() && d["qty"].is_f64(),
        "numbers, not strings"
    );
    assert!(matches!(d["side"].as_str(), Some("buy" | "sell")));
    assert!(matches!(d["ord_type"].as_str(), Some("market" | "limit")));
    assert!(d["trade_id"].is_u64());
    assert!(d["timestamp"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn subscribe_ack_snapshot_then_consecutive_updates() {
    let server = server(1000.0).await;
    let mut ws = ws(server.local_addr(), "/v2").await;
    let status = next_json(&mut ws).await;
    assert_eq!(status["channel"], "status");
    send(
        &mut ws,
        json!({"method": "subscribe", "params": {"channel": "trade", "symbol": ["BTC/USD"], "snapshot": true}, "req_id": 7}),
    )
    .await;
    let ack = next_json(&mut ws).await;
    assert_eq!(ack["method"], "subscribe");
    assert_eq!(ack["success"], true);
    assert_eq!(ack["req_id"], 7);
    assert_eq!(
        ack["result"],
        json!({"channel": "trade", "snapshot": true, "symbol": "BTC/USD"})
    );
    let snap = next_json(&mut ws).await;
    assert_eq!(keys(&snap), set(&["channel", "type", "data"]));
    assert_eq!(
        (snap["channel"].as_str(), snap["type"].as_str()),
        (Some("trade"), Some("snapshot"))
    );
    let data = snap["data"].as_array().unwrap();
    assert_eq!(data.len(), 50);
    let mut ids: Vec<u64> = data
        .iter()
        .map(|d| d["trade_id"].as_u64().unwrap())
        .collect();
    let mut multi = false;
    while ids.len() < 300 {
        let v = next_json(&mut ws).await;
        if v["channel"] == "heartbeat" {
            continue;
        }
        assert_eq!(v["type"], "update");
        let data = v["data"].as_array().unwrap();
        multi |= data.len() > 1;
        for d in data {
            assert_trade(d);
            ids.push(d["trade_id"].as_u64().unwrap());
        }
    }
    assert!(
        ids.windows(2).all(|w| w[1] == w[0] + 1),
        "snapshot then updates, no gap or repeat"
    );
    assert!(multi, "updates carry several trades at this rate");
}

#[tokio::test]
async fn unknown_pair_and_ping() {
    let server = server(10.0).await;
    let mut ws = ws(server.local_addr(), "/v2").await;
    next_json(&mut ws).await;
    send(
        &mut ws,
        json!({"method": "subscribe", "params": {"channel": "trade", "symbol": ["BTC/XYZ"]}}),
    )
    .await;
    let v = next_json(&mut ws).await;
    assert_eq!(v["success"], false);
    assert_eq!(v["symbol"], "BTC/XYZ");
    send(&mut ws, json!({"method": "ping", "req_id": 3})).await;
    let v = next_json(&mut ws).await;
    assert_eq!(
        (v["method"].as_str(), v["req_id"].as_u64()),
        (Some("pong"), Some(3))
    );
}

#[tokio::test]
async fn heartbeat_when_quiet() {
    let server = server(0.0).await;
    let mut ws = ws(server.local_addr(), "/v2").await;
    next_json(&mut ws).await;
    send(
        &mut ws,
        json!({"method": "subscribe", "params": {"channel": "trade", "symbol": ["SOL/USD"], "snapshot": false}}),
    )
    .await;
    assert_eq!(next_json(&mut ws).await["success"], true);
    assert_eq!(next_json(&mut ws).await, json!({"channel": "heartbeat"}));
}

#[tokio::test]
async fn rest_is_keyed_by_krakens_pair_name_with_a_since_cursor() {
    let server = server(500.0).await;
    let addr = server.local_addr();
    let page = |since: String| async move {
        let r = get(
            addr,
            &format!("/0/public/Trades?pair=XBTUSD&since={since}&count=100"),
        )
        .await;
        let v = r.json();
        assert_eq!(v["error"], json!([]));
        let result = v["result"].as_object().unwrap();
        assert_eq!(
            result.keys().cloned().collect::<Vec<_>>(),
            vec!["XXBTZUSD", "last"]
        );
        let rows = result["XXBTZUSD"].as_array().unwrap().clone();
        (rows, result["last"].as_str().unwrap().to_string())
    };
    let (rows, last) = page("0".into()).await;
    assert_eq!(rows.len(), 100);
    let row = rows[0].as_array().unwrap();
    assert_eq!(row.len(), 7);
    assert_decimal(&row[0]);
    assert_decimal(&row[1]);
    assert!(row[2].is_f64());
    assert!(matches!(row[3].as_str(), Some("b" | "s")));
    assert!(matches!(row[4].as_str(), Some("m" | "l")));
    assert_eq!(row[5], "");
    let id = |r: &Value| r[6].as_u64().unwrap();
    assert!(rows.windows(2).all(|w| id(&w[1]) == id(&w[0]) + 1));
    let (next, _) = page(last).await;
    assert_eq!(
        id(&next[0]),
        id(&rows[99]) + 1,
        "the cursor continues without overlap"
    );
    let bad = get(addr, "/0/public/Trades?pair=DOGEXYZ").await.json();
    assert_eq!(bad["error"], json!(["EQuery:Unknown asset pair"]));
}
