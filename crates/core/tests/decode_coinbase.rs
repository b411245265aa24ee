//! Coinbase decoder: documented payloads, variants, errors with positions, and no panics.

mod common;

use tradelens_core::decode::coinbase::Coinbase;
use tradelens_core::decode::{Control, DecodeError, PageCursor, Position, Role};
use tradelens_core::model::Side;

const MATCH: &str = r#"{"type":"match","trade_id":10,"sequence":50,"maker_order_id":"ac928c66-ca53-498f-9c13-a110027a60e8","taker_order_id":"132fb6ae-456b-4654-b4e0-d681ac05cea1","time":"2014-11-07T08:19:27.028459Z","product_id":"BTC-USD","size":"5.23512","price":"400.23","side":"sell"}"#;
const HEARTBEAT: &str = r#"{"type":"heartbeat","sequence":90,"last_trade_id":20,"product_id":"BTC-USD","time":"2014-11-07T08:19:28.464459Z"}"#;
const SUBS: &str =
    r#"{"type":"subscriptions","channels":[{"name":"matches","product_ids":["BTC-USD"]}]}"#;
const ERROR: &str =
    r#"{"type":"error","message":"Failed to subscribe","reason":"BTC-XYZ is not a valid product"}"#;
const REST: &str = r#"[{"time":"2020-03-20T00:36:59.860Z","trade_id":86327327,"price":"6225.32000000","size":"0.06469797","side":"sell"},
{"time":"2020-03-20T00:36:58.123Z","trade_id":86327326,"price":"6225.31000000","size":"0.1","side":"buy"}]"#;

#[test]
fn match_known_answer() {
    let d = Coinbase::new().decode(MATCH).unwrap();
    let t = &d.trades[0];
    assert_eq!(t.id, 10);
    // 2014-11-07T08:19:27.028459Z: 16381 days * 86400 s + 29967 s, then .028 s (floor).
    assert_eq!(t.time_ms, 1_415_348_367_028);
    assert_eq!((t.price, t.qty), (400.23, 5.23512));
    // The maker sold, so the taker bought.
    assert_eq!(t.side, Some(Side::Buy));
    assert_eq!(&*t.symbol, "BTC-USD");
}

#[test]
fn last_match_reads_like_match() {
    let last = MATCH.replace("\"match\"", "\"last_match\"");
    assert_eq!(
        Coinbase::new().decode(&last).unwrap(),
        Coinbase::new().decode(MATCH).unwrap()
    );
}

#[test]
fn control_messages_and_unknown_types() {
    let mut c = Coinbase::new();
    let d = c.decode(HEARTBEAT).unwrap();
    assert!(
        matches!(&d.events[..], [Control::Heartbeat { last_trade_id: Some(20), symbol: Some(s) }] if &**s == "BTC-USD")
    );
    assert!(
        matches!(&c.decode(SUBS).unwrap().events[..], [Control::Subscribed { detail }] if detail.contains("matches"))
    );
    assert_eq!(
        c.decode(ERROR).unwrap().events,
        vec![Control::VenueError {
            code: None,
            message: "Failed to subscribe: BTC-XYZ is not a valid product".into()
        }]
    );
    let d = c.decode(r#"{"type":"ticker_batch","price":"1"}"#).unwrap();
    assert_eq!(
        d.events,
        vec![Control::Ignored {
            kind: "ticker_batch".into()
        }]
    );
}

#[test]
fn rest_page_with_cursors() {
    let d = Coinbase::new()
        .decode_rest(REST, "BTC-USD", Some("86327327"), Some("86327326"))
        .unwrap();
    assert_eq!(d.trades.len(), 2);
    assert_eq!(
        (d.trades[0].id, d.trades[0].side),
        (86327327, Some(Side::Buy))
    );
    assert_eq!(d.trades[1].side, Some(Side::Sell));
    assert_eq!(d.trades[0].price, 6225.32);
    assert_eq!(
        d.events,
        vec![Control::Cursor(PageCursor::Coinbase {
            before: Some("86327327".into()),
            after: Some("86327326".into())
        })]
    );
    let d = Coinbase::new()
        .decode_rest(r#"{"message":"NotFound"}"#, "X", None, None)
        .unwrap();
    assert!(matches!(&d.events[..], [Control::VenueError { .. }]));
}

#[test]
fn errors_name_field_and_position() {
    let mut c = Coinbase::new();
    let d = c
        .decode(&MATCH.replace("2014-11-07T08", "2014-13-07T08"))
        .unwrap();
    assert!(
        matches!(&d.rejects[0].error, DecodeError::Invalid { role: Role::Time, field, .. } if field == "time")
    );
    let d = c
        .decode_rest(&REST.replace("\"0.1\"", "\"\""), "BTC-USD", None, None)
        .unwrap();
    assert_eq!(d.trades.len(), 1);
    assert_eq!(d.rejects[0].error.position(), Some(&Position::Item(1)));
    assert!(matches!(c.decode("[1,"), Err(DecodeError::Json { .. })));
    assert!(matches!(c.decode("{}"), Err(DecodeError::Missing { .. })));
}

#[test]
fn never_panics_on_mutated_input() {
    let mut c = Coinbase::new();
    for (k, fixture) in [MATCH, HEARTBEAT, SUBS, ERROR, REST].iter().enumerate() {
        for m in common::text_mutations(fixture, 100 + k as u64, 400) {
            let _ = c.decode(&m);
            let _ = c.decode_rest(&m, "BTC-USD", None, None);
        }
    }
}
