//! Binance decoder: documented payloads, variants, errors with positions, and no panics.

mod common;

use tradelens_core::decode::binance::Binance;
use tradelens_core::decode::time::EpochUnit;
use tradelens_core::decode::{Control, DecodeError, Position, Role};
use tradelens_core::model::{Dim, Side};

const TRADE: &str = r#"{"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","T":1672515782136,"m":true,"M":true}"#;
const AGG: &str = r#"{"e":"aggTrade","E":1672515782136,"s":"BNBBTC","a":26129,"p":"0.01633102","q":"4.70443515","f":27781,"l":27781,"T":1498793709153,"m":false,"M":true}"#;
const OLD_TRADE: &str = r#"{"e":"trade","E":123456789,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","b":88,"a":50,"T":123456785,"m":true,"M":true}"#;
const REST_TRADES: &str = r#"[{"id":28457,"price":"4.00000100","qty":"12.00000000","quoteQty":"48.000012","time":1499865549590,"isBuyerMaker":true,"isBestMatch":true},
 {"id":28458,"price":"4.00000200","qty":"1.5","quoteQty":"6.000003","time":1499865549591,"isBuyerMaker":false,"isBestMatch":true}]"#;
const REST_AGG: &str = r#"[{"a":26129,"p":"0.01633102","q":"4.70443515","f":27781,"l":27781,"T":1498793709153,"m":true,"M":true}]"#;

fn dec() -> Binance {
    Binance::new(EpochUnit::Millis, "BNBBTC")
}

#[test]
fn trade_event_known_answer() {
    let d = dec().decode(TRADE).unwrap();
    assert_eq!(d.trades.len(), 1);
    let t = &d.trades[0];
    assert_eq!(t.id, 12345);
    assert_eq!(t.time_ms, 1_672_515_782_136);
    assert_eq!((t.price, t.qty), (0.001, 100.0));
    // m = true: the buyer was the maker, so the taker sold.
    assert_eq!(t.side, Some(Side::Sell));
    assert_eq!(&*t.symbol, "BNBBTC");
    assert_eq!(t.dims[Dim::Channel.index()].as_deref(), Some("binance"));
}

#[test]
fn agg_trade_uses_aggregate_id_and_taker_buy() {
    let t = &dec().decode(AGG).unwrap().trades[0];
    assert_eq!(
        (t.id, t.time_ms, t.side),
        (26129, 1_498_793_709_153, Some(Side::Buy))
    );
    assert_eq!(t.price, 0.01633102);
}

#[test]
fn old_payload_with_order_ids_still_parses_and_keeps_trade_id() {
    // `a` here is the seller's order id (removed in 2024), not an aggregate id.
    let t = &dec().decode(OLD_TRADE).unwrap().trades[0];
    assert_eq!(t.id, 12345);
}

#[test]
fn combined_stream_wrapper() {
    let wrapped = format!(r#"{{"stream":"bnbbtc@trade","data":{TRADE}}}"#);
    assert_eq!(
        dec().decode(&wrapped).unwrap(),
        dec().decode(TRADE).unwrap()
    );
}

#[test]
fn microsecond_time_unit() {
    let micro = TRADE.replace("\"T\":1672515782136", "\"T\":1672515782136987");
    let t = &Binance::new(EpochUnit::Micros, "X")
        .decode(&micro)
        .unwrap()
        .trades[0];
    // 1_672_515_782_136_987 us floors to 1_672_515_782_136 ms.
    assert_eq!(t.time_ms, 1_672_515_782_136);
}

#[test]
fn control_messages() {
    let mut b = dec();
    let d = b
        .decode(r#"{"e":"serverShutdown","E":1700000000000}"#)
        .unwrap();
    assert_eq!(
        d.events,
        vec![Control::ServerShutdown {
            time_ms: Some(1_700_000_000_000)
        }]
    );
    let d = b.decode(r#"{"result":null,"id":1}"#).unwrap();
    assert!(matches!(d.events[..], [Control::Subscribed { .. }]));
    let d = b
        .decode(r#"{"code":-1121,"msg":"Invalid symbol."}"#)
        .unwrap();
    assert_eq!(
        d.events,
        vec![Control::VenueError {
            code: Some(-1121),
            message: "Invalid symbol.".into()
        }]
    );
    let d = b
        .decode(r#"{"error":{"code":2,"msg":"Invalid request: unknown variant"},"id":7}"#)
        .unwrap();
    assert_eq!(
        d.events,
        vec![Control::VenueError {
            code: Some(2),
            message: "Invalid request: unknown variant".into()
        }]
    );
    let d = b.decode(r#"{"e":"kline","E":1}"#).unwrap();
    assert_eq!(
        d.events,
        vec![Control::Ignored {
            kind: "kline".into()
        }]
    );
    assert!(d.trades.is_empty());
}

#[test]
fn rest_pages() {
    let d = dec().decode(REST_TRADES).unwrap();
    assert_eq!(d.trades.len(), 2);
    assert_eq!(d.trades[0].id, 28457);
    assert_eq!(d.trades[0].price, 4.000001);
    assert_eq!(d.trades[0].side, Some(Side::Sell));
    assert_eq!(d.trades[1].side, Some(Side::Buy));
    assert_eq!(&*d.trades[0].symbol, "BNBBTC");
    let d = dec().decode(REST_AGG).unwrap();
    assert_eq!(
        (d.trades[0].id, d.trades[0].side),
        (26129, Some(Side::Sell))
    );
}

#[test]
fn malformed_json_says_where() {
    let err = dec().decode(r#"{"e":"trade","p":"1",}"#).unwrap_err();
    match err {
        DecodeError::Json {
            at: Position::LineColumn { line: 1, column },
            ..
        } => assert!(column > 15),
        other => panic!("{other:?}"),
    }
    assert!(matches!(dec().decode("{}"), Err(DecodeError::Shape { .. })));
}

#[test]
fn bad_field_is_a_reject_naming_field_and_value() {
    let d = dec()
        .decode(&TRADE.replace("\"0.001\"", "\"NaN\""))
        .unwrap();
    assert!(d.trades.is_empty());
    assert_eq!(
        d.rejects[0].error,
        DecodeError::Invalid {
            at: Position::Message,
            field: "p".into(),
            role: Role::Price,
            value: "NaN".into(),
            expected: "a decimal number",
        }
    );
    let d = dec()
        .decode(&REST_TRADES.replace("\"1.5\"", "\"1,5\""))
        .unwrap();
    assert_eq!(d.trades.len(), 1);
    assert_eq!(d.rejects[0].error.position(), Some(&Position::Item(1)));
    assert_eq!(d.rejects[0].error.role(), Some(Role::Qty));
    let d = dec()
        .decode(&TRADE.replace("\"T\":1672515782136,", ""))
        .unwrap();
    assert!(
        matches!(&d.rejects[0].error, DecodeError::Missing { field, role: Role::Time, .. } if field == "T")
    );
}

#[test]
fn never_panics_on_mutated_input() {
    let mut b = dec();
    for (k, fixture) in [TRADE, AGG, OLD_TRADE, REST_TRADES, REST_AGG]
        .iter()
        .enumerate()
    {
        for m in common::text_mutations(fixture, k as u64, 400) {
            let _ = b.decode(&m);
        }
    }
}
