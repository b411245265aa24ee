//! Schema versions and migrations; data written by the first layout still opens.

use tradelens_core::model::{Side, Trade};
use tradelens_core::store::schema::{
    apply, describe, migrations, plan, upgrade_chunk, Migration, SchemaError, Step, CURRENT_VERSION,
};
use tradelens_core::store::Chunk;

#[test]
fn migrating_from_any_version_yields_the_current_schema() {
    let current = describe(CURRENT_VERSION).unwrap();
    for from in 0..=CURRENT_VERSION {
        let start = describe(from).unwrap();
        let steps = plan(from).unwrap();
        assert_eq!(steps.len() as u32, CURRENT_VERSION - from);
        assert_eq!(apply(&start, &steps).unwrap(), current, "from {from}");
    }
    // Each migration alone turns version k into version k + 1.
    for (k, m) in migrations().into_iter().enumerate() {
        let k = k as u32;
        assert_eq!(m.to, k + 1);
        assert_eq!(
            apply(&describe(k).unwrap(), &[m]).unwrap(),
            describe(k + 1).unwrap()
        );
    }
    assert_eq!(
        plan(CURRENT_VERSION + 1).unwrap_err(),
        SchemaError::TooNew {
            found: CURRENT_VERSION + 1
        }
    );
    assert!(describe(CURRENT_VERSION + 1).is_none());
}

#[test]
fn impossible_steps_are_refused() {
    let v1 = describe(1).unwrap();
    let again = plan(0).unwrap();
    assert!(matches!(
        apply(&v1, &again),
        Err(SchemaError::Exists { what: "store", .. })
    ));
    let transform = Migration {
        to: 9,
        steps: vec![Step::Transform {
            store: "trades",
            field: "data",
            what: "rewrite",
            f: upgrade_chunk,
        }],
    };
    assert!(matches!(
        apply(&v1, &[transform]),
        Err(SchemaError::Missing { what: "store", .. })
    ));
}

/// The trades in `fixtures/chunk_v1.hex`.
fn fixture_trades() -> Vec<Trade> {
    vec![
        Trade {
            id: 86_327_327,
            time_ms: 1_700_000_000_123,
            price: 37_000.1,
            qty: 0.5,
            side: Some(Side::Sell),
            symbol: "BTCUSDT".into(),
            dims: [None, None, Some("binance".into()), None],
        },
        Trade {
            id: 86_327_328,
            time_ms: 1_700_000_000_456,
            price: 37_000.2,
            qty: 0.001,
            side: Some(Side::Buy),
            symbol: "BTCUSDT".into(),
            dims: [None, None, Some("binance".into()), None],
        },
    ]
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn a_chunk_written_by_layout_1_still_opens() {
    // Written by the first chunk layout and pinned: if this fails, the layout changed, and a
    // version bump with an upgrade transform is due instead of editing the fixture.
    let pinned: String = include_str!("fixtures/chunk_v1.hex")
        .split_whitespace()
        .collect();
    let bytes: Vec<u8> = (0..pinned.len() / 2)
        .map(|i| u8::from_str_radix(&pinned[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let chunk = Chunk::decode(&bytes).unwrap();
    assert_eq!(chunk.trades(), fixture_trades());
    assert_eq!(upgrade_chunk(&bytes).unwrap(), bytes);
    assert_eq!(
        hex(&Chunk::from_trades(&fixture_trades()).unwrap().encode()),
        pinned
    );
}

#[test]
fn version_3_adds_the_alert_history_store_and_nothing_else() {
    // A database at version 2 (the previous build) needs exactly one step.
    let steps = plan(2).unwrap();
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].to, 3);
    let v2 = describe(2).unwrap();
    let v3 = apply(&v2, &steps).unwrap();
    let history = &v3.stores["alert_history"];
    assert_eq!(history.key_path, ["at_ms", "rule_id", "state"]);
    assert!(history.indexes.is_empty());
    // Every store of version 2 is still there, unchanged.
    for (name, def) in &v2.stores {
        assert_eq!(&v3.stores[name], def, "{name}");
    }
    assert_eq!(v3.stores.len(), v2.stores.len() + 1);
}
