//! The keyed order feeds: the key opens them, its absence or a wrong one is a 401, preflights
//! allow the key's header, and `/keyed/seen` counts each kind of request.

mod common;

use common::*;
use tradelens_feedsim::keyed::{DEFAULT_KEY, KEY_HEADER};
use tradelens_feedsim::Config;

#[tokio::test]
async fn the_key_opens_the_feed_and_every_request_is_counted() {
    let server = server(50.0).await;
    let addr = server.local_addr();
    let seen = |r: Resp| r.json();
    assert_eq!(
        seen(get(addr, "/keyed/seen").await),
        serde_json::json!({"with_key": 0, "without_key": 0, "wrong_key": 0})
    );

    let without = get(addr, "/keyed/orders.json?limit=5").await;
    assert_eq!(without.status, 401);
    // The browser shows a 401 only when CORS lets it read the answer.
    assert_eq!(without.header("access-control-allow-origin"), Some("*"));
    assert!(without.json()["error"]
        .as_str()
        .unwrap()
        .contains(KEY_HEADER));

    let wrong = request(
        addr,
        "GET",
        "/keyed/orders.json?limit=5",
        &[(KEY_HEADER, "nope")],
    )
    .await;
    assert_eq!(wrong.status, 401);

    // The same orders as the open feed: the same five, by until_id, since orders arrive every
    // tick (2,000 a second here).
    let open = get(addr, "/orders.json?limit=5").await;
    let last = open.json().as_array().unwrap()[4]["id"].as_u64().unwrap();
    let keyed = request(
        addr,
        "GET",
        &format!("/keyed/orders.json?limit=5&until_id={last}"),
        &[("x-api-key", DEFAULT_KEY)],
    )
    .await;
    assert_eq!(keyed.status, 200, "{}", keyed.body);
    assert_eq!(keyed.json().as_array().unwrap().len(), 5);
    assert_eq!(keyed.body, open.body);

    assert_eq!(
        seen(get(addr, "/keyed/seen").await),
        serde_json::json!({"with_key": 1, "without_key": 1, "wrong_key": 1})
    );
    server.shutdown();
}

#[tokio::test]
async fn preflights_allow_the_key_header_and_are_not_counted() {
    let server = server(50.0).await;
    let addr = server.local_addr();
    let pre = request(
        addr,
        "OPTIONS",
        "/keyed/orders.ndjson",
        &[
            ("Origin", "http://127.0.0.1:1"),
            ("Access-Control-Request-Method", "GET"),
            ("Access-Control-Request-Headers", "x-api-key"),
        ],
    )
    .await;
    assert_eq!(pre.status, 204);
    let allowed = pre.header("access-control-allow-headers").unwrap();
    assert!(
        allowed
            .split(',')
            .any(|h| h.trim().eq_ignore_ascii_case(KEY_HEADER)),
        "{allowed}"
    );
    assert_eq!(get(addr, "/keyed/seen").await.json()["without_key"], 0);
    server.shutdown();
}

#[tokio::test]
async fn the_key_is_set_on_the_command_line() {
    let config = Config::from_args(["--api-key".to_string(), "other key".to_string()]).unwrap();
    assert_eq!(config.api_key, "other key");
    assert!(Config::from_args(["--api-key".to_string(), "a\nb".to_string()]).is_err());
    let server = server_with(config).await;
    let addr = server.local_addr();
    let r = request(
        addr,
        "GET",
        "/keyed/orders.csv",
        &[(KEY_HEADER, "other key")],
    )
    .await;
    assert_eq!(r.status, 200);
    assert!(r.body.starts_with("id,"), "{}", r.body);
    assert_eq!(
        request(
            addr,
            "GET",
            "/keyed/orders.csv",
            &[(KEY_HEADER, DEFAULT_KEY)]
        )
        .await
        .status,
        401
    );
    server.shutdown();
}
