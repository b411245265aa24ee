//! Coinbase feed and REST against the documented shapes.

mod common;

use common::*;
use serde_json::{json, Value};

fn assert_match(v: &Value, kind: &str) {
    assert_eq!(
        keys(v),
        set(&[
            "type",
            "trade_id",
            "maker_order_id",
            "taker_order_id",
            "side",
            "size",
            "price",
            "product_id",
            "sequence",
            "time"
        ]),
        "{v}"
    );
    assert_eq!(v["type"], kind);
    assert_eq!(v["product_id"], "BTC-USD");
    assert!(v["trade_id"].is_u64() && v["sequence"].is_u64());
    assert!(matches!(v["side"].as_str(), Some("buy" | "sell")));
    assert_decimal(&v["size"]);
    assert_decimal(&v["price"]);
    assert_eq!(v["maker_order_id"].as_str().unwrap().len(), 36);
    let time = v["time"].as_str().unwrap();
    assert!(time.ends_with('Z') && time.len() == 27, "{time}");
}

#[tokio::test]
async fn subscribe_then_last_match_matches_and_heartbeats() {
    let server = server(500.0).await;
    let mut ws = ws(server.local_addr(), "/").await;
    send(
        &mut ws,
        json!({"type": "subscribe", "channels": [
            {"name": "matches", "product_ids": ["BTC-USD"]},
            {"name": "heartbeat", "product_ids": ["BTC-USD"]}]}),
    )
    .await;
    let subs = next_json(&mut ws).await;
    assert_eq!(subs["type"], "subscriptions");
    assert_eq!(
        subs["channels"][0],
        json!({"name": "matches", "product_ids": ["BTC-USD"]})
    );
    let last = next_json(&mut ws).await;
    assert_match(&last, "last_match");
    let mut prev = last["trade_id"].as_u64().unwrap();
    let mut matches = 0;
    let mut heartbeat = None;
    while matches < 50 || heartbeat.is_none() {
        let v = next_json(&mut ws).await;
        match v["type"].as_str().unwrap() {
            "match" => {
                assert_match(&v, "match");
                let id = v["trade_id"].as_u64().unwrap();
                assert_eq!(id, prev + 1, "consecutive after last_match");
                prev = id;
                matches += 1;
            }
            "heartbeat" => {
                assert_eq!(
                    keys(&v),
                    set(&["type", "sequence", "last_trade_id", "product_id", "time"])
                );
                // Never ahead of the matches delivered before it.
                assert_eq!(v["last_trade_id"].as_u64().unwrap(), prev);
                heartbeat = Some(v);
            }
            other => panic!("unexpected {other}"),
        }
    }
}

#[tokio::test]
async fn invalid_product_gets_an_error_message() {
    let server = server(10.0).await;
    let mut ws = ws(server.local_addr(), "/coinbase").await;
    send(
        &mut ws,
        json!({"type": "subscribe", "product_ids": ["DOGE-EUR"], "channels": ["matches"]}),
    )
    .await;
    let v = next_json(&mut ws).await;
    assert_eq!(v["type"], "error");
    assert!(v["reason"].as_str().unwrap().contains("DOGE-EUR"));
}

#[tokio::test]
async fn rest_pages_backwards_with_cb_after_and_forwards_with_cb_before() {
    let server = server(500.0).await;
    let addr = server.local_addr();
    let ids = |r: &Resp| -> Vec<u64> {
        r.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["trade_id"].as_u64().unwrap())
            .collect()
    };
    let first = get(addr, "/products/BTC-USD/trades?after=1000&limit=10").await;
    assert_eq!(first.status, 200);
    let item = &first.json()[0];
    assert_eq!(
        keys(item),
        set(&["time", "trade_id", "price", "size", "side"])
    );
    assert_eq!(
        ids(&first),
        (990..1000).rev().collect::<Vec<_>>(),
        "newest first"
    );
    assert_eq!(first.header("cb-before"), Some("999"));
    assert_eq!(first.header("cb-after"), Some("990"));
    let older = get(addr, "/products/BTC-USD/trades?after=990&limit=10").await;
    assert_eq!(ids(&older), (980..990).rev().collect::<Vec<_>>());
    let newer = get(addr, "/products/BTC-USD/trades?before=999&limit=5").await;
    assert_eq!(ids(&newer), (1000..1005).rev().collect::<Vec<_>>());
    assert_eq!(get(addr, "/products/DOGE-EUR/trades").await.status, 404);
}
