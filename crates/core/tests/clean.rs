//! Cleaning: each rejection reason, flags that keep the trade, bounded quarantine, and the
//! laws: replaying a batch accepts nothing new; arrival order does not change what is kept.

use tradelens_core::clean::{CleanConfig, Cleaner, IdOrder, Reason};
use tradelens_core::decode::binance::Binance;
use tradelens_core::decode::stripe::Stripe;
use tradelens_core::decode::time::EpochUnit;
use tradelens_core::decode::{Decoded, Position};
use tradelens_core::demo::{DemoConfig, DemoFeed, DemoMode};
use tradelens_core::model::Trade;

const NOW: i64 = 1_700_000_000_000; // 2023-11-14T22:13:20Z
const MIN: i64 = 60_000;

fn trade(id: u64, time_ms: i64, price: f64, qty: f64) -> Trade {
    Trade {
        id,
        time_ms,
        price,
        qty,
        side: None,
        symbol: "BTCUSD".into(),
        dims: Default::default(),
    }
}

fn batch(trades: Vec<Trade>) -> Decoded {
    Decoded {
        trades,
        ..Decoded::default()
    }
}

/// Demo trades of one symbol: the demo numbers trades per symbol, as Binance does, so one
/// symbol is one feed.
fn demo(minutes: i64) -> Vec<Trade> {
    let all = DemoFeed::new(
        DemoConfig::default_for(DemoMode::Exchange),
        NOW - minutes * MIN,
    )
    .generate_until(NOW);
    let first = all[0].symbol.clone();
    all.into_iter().filter(|t| t.symbol == first).collect()
}

#[test]
fn each_reason_rejects_with_counts() {
    let mut c = Cleaner::new(CleanConfig::default());
    let trades = vec![
        trade(1, NOW, 100.0, 1.0),
        trade(2, NOW, 0.0, 1.0),
        trade(3, NOW, -1.0, 1.0),
        trade(4, NOW, f64::NAN, 1.0),
        trade(5, NOW, 100.0, f64::INFINITY),
        trade(6, NOW, 100.0, 0.0),
        trade(7, NOW + 6 * MIN, 100.0, 1.0), // past the 5-minute tolerance
        trade(8, NOW + 4 * MIN, 100.0, 1.0), // within it
        trade(9, 1_700_000_000, 100.0, 1.0), // seconds read as ms: January 1970
        trade(1, NOW, 100.0, 1.0),           // same id again
    ];
    let out = c.clean("binance:BTCUSD", batch(trades), NOW);
    let ids: Vec<u64> = out.accepted.iter().map(|t| t.id).collect();
    assert_eq!(ids, vec![1, 8]);
    let r = &c.report().total;
    assert_eq!(r.accepted, 2);
    let count = |reason| r.by_reason.get(&reason).copied().unwrap_or(0);
    assert_eq!(count(Reason::InvalidPrice), 3);
    assert_eq!(count(Reason::InvalidQuantity), 2);
    assert_eq!(count(Reason::FutureTime), 1);
    assert_eq!(count(Reason::BadTime), 1);
    assert_eq!(count(Reason::Duplicate), 1);
    assert_eq!(r.rejected(), 8);
    assert_eq!(c.quarantine().len(), 8);
}

#[test]
fn decoder_rejects_are_quarantined_with_reason_and_position() {
    let mut b = Binance::new(EpochUnit::Millis, "BNBBTC");
    let page = r#"[{"id":1,"price":"4.0","qty":"1","time":1699999999000,"isBuyerMaker":true},
                   {"id":2,"price":"4.0","qty":"1","isBuyerMaker":true},
                   {"id":3,"price":"oops","qty":"1","time":1699999999000,"isBuyerMaker":true}]"#;
    let mut c = Cleaner::new(CleanConfig::default());
    let out = c.clean("binance:BNBBTC", b.decode(page).unwrap(), NOW);
    assert_eq!(out.accepted.len(), 1);
    let q: Vec<(Reason, Option<Position>)> = c
        .quarantine()
        .entries()
        .map(|e| (e.reason, e.position.clone()))
        .collect();
    assert_eq!(
        q,
        vec![
            (Reason::MissingTime, Some(Position::Item(1))),
            (Reason::InvalidPrice, Some(Position::Item(2))),
        ]
    );
    let e = c.quarantine().entries().nth(1).unwrap();
    assert!(e.raw.contains("oops") && e.detail.contains("oops"), "{e:?}");
    assert_eq!(&*e.feed, "binance:BNBBTC");
}

#[test]
fn replaying_a_batch_accepts_nothing_new() {
    let trades = demo(20);
    assert!(trades.len() > 1000, "{}", trades.len());
    for order in [IdOrder::Consecutive, IdOrder::Unordered] {
        let mut c = Cleaner::new(CleanConfig::default());
        c.set_id_order("demo", order);
        let first = c.clean("demo", batch(trades.clone()), NOW);
        assert_eq!(first.accepted.len(), trades.len(), "{:?}", c.report().total);
        let again = c.clean("demo", batch(trades.clone()), NOW);
        assert!(again.accepted.is_empty(), "{order:?}");
        assert_eq!(
            c.report().total.by_reason[&Reason::Duplicate],
            trades.len() as u64
        );
    }
}

#[test]
fn arrival_order_does_not_change_what_is_kept() {
    let mut trades = demo(10);
    // Every trade twice, then shuffled: gaps, backfill below the first id, duplicates.
    trades.extend(trades.clone());
    let mut rng = fastrand::Rng::with_seed(5);
    rng.shuffle(&mut trades);
    let mut c = Cleaner::new(CleanConfig::default());
    c.set_id_order("demo", IdOrder::Consecutive);
    let mut kept: Vec<u64> = Vec::new();
    for chunk in trades.chunks(97) {
        kept.extend(
            c.clean("demo", batch(chunk.to_vec()), NOW)
                .accepted
                .iter()
                .map(|t| t.id),
        );
    }
    kept.sort_unstable();
    let mut expected: Vec<u64> = demo(10).iter().map(|t| t.id).collect();
    expected.sort_unstable();
    assert!(
        kept == expected,
        "kept {} trades, expected {}",
        kept.len(),
        expected.len()
    );
}

#[test]
fn same_id_on_two_feeds_is_not_a_duplicate() {
    let mut c = Cleaner::new(CleanConfig::default());
    assert_eq!(
        c.clean("a", batch(vec![trade(7, NOW, 1.0, 1.0)]), NOW)
            .accepted
            .len(),
        1
    );
    assert_eq!(
        c.clean("b", batch(vec![trade(7, NOW, 1.0, 1.0)]), NOW)
            .accepted
            .len(),
        1
    );
    assert_eq!(c.report().feeds.len(), 2);
    assert_eq!(
        c.report().feeds.values().map(|f| f.accepted).sum::<u64>(),
        2
    );
}

#[test]
fn outliers_are_flagged_not_dropped() {
    let mut c = Cleaner::new(CleanConfig::default());
    // 30 prices 99.0, 99.1, ..., 101.9 cycling: median about 100.45, MAD about 0.75.
    let mut trades: Vec<Trade> = (0..30)
        .map(|i| trade(i, NOW, 99.0 + 0.1 * (i % 30) as f64, 1.0))
        .collect();
    trades.push(trade(100, NOW, 150.0, 1.0)); // z = 0.6745 * 49.55 / 0.75, about 44.6: flagged
    trades.push(trade(101, NOW, 101.0, 1.0)); // z about 0.5: not flagged
    let out = c.clean("x", batch(trades), NOW);
    assert_eq!(out.accepted.len(), 32);
    assert_eq!(out.flags, vec![(30, Reason::Outlier)]);
    assert_eq!(c.report().total.by_reason[&Reason::Outlier], 1);
    assert_eq!(c.report().total.rejected(), 0);
    assert!(c.quarantine().is_empty());
}

#[test]
fn quarantine_is_bounded_but_counts_are_not() {
    let config = CleanConfig {
        quarantine_capacity: 3,
        raw_limit: 10,
        ..CleanConfig::default()
    };
    let mut c = Cleaner::new(config);
    let bad: Vec<Trade> = (0..10).map(|i| trade(i, NOW, -1.0, 1.0)).collect();
    c.clean("x", batch(bad), NOW);
    assert_eq!(c.quarantine().len(), 3);
    assert!(c.quarantine().entries().all(|e| e.raw.len() <= 10));
    // The latest are kept: ids 7, 8, 9.
    assert!(c
        .quarantine()
        .entries()
        .next()
        .unwrap()
        .raw
        .starts_with("id=7"));
    assert_eq!(c.report().total.by_reason[&Reason::InvalidPrice], 10);
}

#[test]
fn skipped_rows_are_counted_not_quarantined() {
    let mut stripe = Stripe::new(4096);
    let mut batch = stripe
        .feed(include_bytes!("fixtures/stripe_payments.csv"))
        .unwrap();
    batch.append(stripe.finish().unwrap());
    let mut c = Cleaner::new(CleanConfig::default());
    // The fixture's payments are from January 2024: clean as of 2024-02-01T00:00:00Z.
    let out = c.clean("stripe", batch, 1_706_745_600_000);
    assert_eq!(out.accepted.len(), 2);
    // One payment refunded in full, one failed.
    assert_eq!(c.report().feeds["stripe"].skipped, 2);
    assert!(c.quarantine().is_empty());
}

#[test]
fn remembered_ids_from_storage_are_duplicates_and_count_nothing() {
    let mut c = Cleaner::new(CleanConfig::default());
    c.set_id_order("binance:BTCUSDT", IdOrder::Consecutive);
    // A million restored ids cost two integers for a consecutive feed.
    let stored: Vec<Trade> = (1..=1_000_000)
        .map(|id| trade(id, NOW - MIN, 100.0, 1.0))
        .collect();
    assert_eq!(c.remember("binance:BTCUSDT", stored).len(), 1_000_000);
    // Read again (another tab's batch overlapping what this tab holds): only the new one.
    let overlap = vec![
        trade(1_000_000, NOW - MIN, 100.0, 1.0),
        trade(1_000_001, NOW - MIN, 1.0, 1.0),
    ];
    let fresh = c.remember("binance:BTCUSDT", overlap);
    assert_eq!(fresh.iter().map(|t| t.id).collect::<Vec<_>>(), [1_000_001]);
    let again = c.clean(
        "binance:BTCUSDT",
        batch(vec![
            trade(999_999, NOW - MIN, 100.0, 1.0),
            trade(1_000_001, NOW - MIN, 100.0, 1.0),
            trade(1_000_002, NOW - MIN, 100.0, 1.0),
        ]),
        NOW,
    );
    let ids: Vec<u64> = again.accepted.iter().map(|t| t.id).collect();
    assert_eq!(ids, [1_000_002]);
    let counts = &c.report().feeds["binance:BTCUSDT"];
    assert_eq!(
        counts.accepted, 1,
        "restored ids are not counted as accepted again"
    );
    assert_eq!(counts.by_reason.get(&Reason::Duplicate), Some(&2));
}
