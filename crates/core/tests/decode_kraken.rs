//! Kraken decoder: documented payloads, variants, errors with positions, and no panics.

mod common;

use tradelens_core::decode::kraken::Kraken;
use tradelens_core::decode::{Control, DecodeError, PageCursor, Position, Role};
use tradelens_core::model::Side;

const SNAPSHOT: &str = r#"{"channel":"trade","type":"snapshot","data":[
 {"symbol":"MATIC/USD","side":"buy","price":0.5147,"qty":6423.46326,"ord_type":"limit","trade_id":4665846,"timestamp":"2023-09-25T07:48:36.925533Z"},
 {"symbol":"MATIC/USD","side":"sell","price":0.5147,"qty":1136.19677815,"ord_type":"market","trade_id":4665847,"timestamp":"2023-09-25T07:49:36.925603Z"}]}"#;
const REST: &str = r#"{"error":[],"result":{"XXBTZUSD":[["30243.40000","0.34507674",1688669597.8277369,"b","m","",61044952],["30243.30000","0.00100000",1688669597.8281361,"s","l","",61044953]],"last":"1688671969993150842"}}"#;

#[test]
fn ws_snapshot_many_trades_known_answer() {
    let d = Kraken::new().decode(SNAPSHOT).unwrap();
    assert_eq!(d.trades.len(), 2);
    let t = &d.trades[0];
    assert_eq!((t.id, t.side), (4_665_846, Some(Side::Buy)));
    // Numbers are read from their JSON text: exactly the f64 nearest 0.5147.
    assert_eq!((t.price, t.qty), (0.5147, 6423.46326));
    assert_eq!(&*t.symbol, "MATIC/USD");
    // 2023-09-25T07:48:36.925533Z -> ...36.925 s.
    assert_eq!(t.time_ms % 1000, 925);
    assert_eq!(d.trades[1].side, Some(Side::Sell));
    let update = SNAPSHOT.replace("snapshot", "update");
    assert_eq!(Kraken::new().decode(&update).unwrap().trades, d.trades);
}

#[test]
fn ws_control_messages() {
    let mut k = Kraken::new();
    assert_eq!(
        k.decode(r#"{"channel":"heartbeat"}"#).unwrap().events,
        vec![Control::Heartbeat {
            symbol: None,
            last_trade_id: None
        }]
    );
    let status = r#"{"channel":"status","type":"update","data":[{"api_version":"v2","connection_id":1,"system":"online","version":"2.0.0"}]}"#;
    assert!(
        matches!(&k.decode(status).unwrap().events[..], [Control::Status { detail }] if detail.contains("online"))
    );
    let ack = r#"{"method":"subscribe","result":{"channel":"trade","snapshot":true,"symbol":"BTC/USD"},"success":true,"time_in":"2023-09-25T09:04:31.742599Z","time_out":"2023-09-25T09:04:31.742648Z"}"#;
    assert!(matches!(
        &k.decode(ack).unwrap().events[..],
        [Control::Subscribed { .. }]
    ));
    let nack = r#"{"method":"subscribe","error":"Currency pair not supported","success":false}"#;
    assert!(
        matches!(&k.decode(nack).unwrap().events[..], [Control::VenueError { message, .. }] if message.contains("pair"))
    );
    assert!(matches!(
        &k.decode(r#"{"channel":"book","type":"update"}"#)
            .unwrap()
            .events[..],
        [Control::Ignored { .. }]
    ));
}

#[test]
fn rest_page_takes_the_venue_pair_key_and_cursor() {
    let d = Kraken::new().decode_rest(REST).unwrap();
    assert_eq!(d.trades.len(), 2);
    let t = &d.trades[0];
    assert_eq!(&*t.symbol, "XXBTZUSD");
    assert_eq!(
        (t.id, t.price, t.qty, t.side),
        (61_044_952, 30243.4, 0.34507674, Some(Side::Buy))
    );
    // 1688669597.8277369 s is 1688669597827.7369 ms, floored.
    assert_eq!(t.time_ms, 1_688_669_597_827);
    assert_eq!(d.trades[1].side, Some(Side::Sell));
    assert_eq!(
        d.events,
        vec![Control::Cursor(PageCursor::KrakenSince(
            "1688671969993150842".into()
        ))]
    );
}

#[test]
fn rest_errors_and_old_tuples() {
    let d = Kraken::new()
        .decode_rest(r#"{"error":["EQuery:Unknown asset pair"]}"#)
        .unwrap();
    assert!(
        matches!(&d.events[..], [Control::VenueError { message, .. }] if message == "EQuery:Unknown asset pair")
    );
    // Tuples from before trade ids existed get a hash id, stable across decodes.
    let old = r#"{"error":[],"result":{"XXBTZUSD":[["1.5","2",1.25,"s","l",""]],"last":"1"}}"#;
    let a = Kraken::new().decode_rest(old).unwrap();
    assert_eq!(a.trades[0].time_ms, 1250);
    assert_eq!(
        a.trades[0].id,
        Kraken::new().decode_rest(old).unwrap().trades[0].id
    );
}

#[test]
fn errors_name_field_and_position() {
    let mut k = Kraken::new();
    let d = k
        .decode(&SNAPSHOT.replace("\"qty\":1136.19677815", "\"qty\":\"lots\""))
        .unwrap();
    assert_eq!(d.trades.len(), 1);
    assert_eq!(d.rejects[0].error.position(), Some(&Position::Item(1)));
    assert_eq!(d.rejects[0].error.role(), Some(Role::Qty));
    let d = k
        .decode_rest(&REST.replace("\"b\",\"m\"", "\"x\",\"m\""))
        .unwrap();
    assert!(
        matches!(&d.rejects[0].error, DecodeError::Invalid { role: Role::Side, value, .. } if value == "x")
    );
    assert!(matches!(
        k.decode_rest("{\"error\":[]}"),
        Err(DecodeError::Missing { .. })
    ));
    // A message cut off is named so; one that is wrong JSON is malformed.
    assert!(matches!(
        k.decode("{\"channel\":"),
        Err(DecodeError::Truncated { .. })
    ));
    assert!(matches!(
        k.decode("{\"channel\":]"),
        Err(DecodeError::Json { .. })
    ));
}

#[test]
fn never_panics_on_mutated_input() {
    let mut k = Kraken::new();
    for (seed, fixture) in [(7, SNAPSHOT), (8, REST)] {
        for m in common::text_mutations(fixture, seed, 800) {
            let _ = k.decode(&m);
            let _ = k.decode_rest(&m);
        }
    }
}
