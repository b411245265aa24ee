//! The demo feed: deterministic for a seed, independent of how it is chunked, and shaped like
//! the data it stands for.

use tradelens_core::demo::{DemoConfig, DemoFeed, DemoMode};
use tradelens_core::model::{Dim, Side, Trade};

const START: i64 = 1_700_000_000_000; // 2023-11-14T22:13:20Z, a Tuesday
const HOUR: i64 = 3_600_000;

fn generate(mode: DemoMode, seed: u64, hours: i64) -> Vec<Trade> {
    let config = DemoConfig {
        seed,
        ..DemoConfig::default_for(mode)
    };
    DemoFeed::new(config, START).generate_until(START + hours * HOUR)
}

#[test]
fn same_seed_same_stream_other_seed_other_stream() {
    for mode in [DemoMode::Orders, DemoMode::Exchange] {
        let a = generate(mode, 7, 2);
        assert!(!a.is_empty());
        assert_eq!(a, generate(mode, 7, 2), "{mode:?}");
        assert_ne!(a, generate(mode, 8, 2), "{mode:?}");
    }
}

#[test]
fn chunking_does_not_change_the_stream() {
    for mode in [DemoMode::Orders, DemoMode::Exchange] {
        let whole = generate(mode, 3, 1);
        let mut feed = DemoFeed::new(
            DemoConfig {
                seed: 3,
                ..DemoConfig::default_for(mode)
            },
            START,
        );
        let mut pieces = Vec::new();
        let mut t = START;
        // Uneven steps, some inside a second, some spanning many.
        for step in [1, 250, 999, 1_001, 7_777, 60_000].iter().cycle() {
            t = (t + step).min(START + HOUR);
            pieces.extend(feed.generate_until(t));
            if t == START + HOUR {
                break;
            }
        }
        assert_eq!(whole, pieces, "{mode:?}");
    }
}

#[test]
fn trades_are_valid_and_in_time_order() {
    for mode in [DemoMode::Orders, DemoMode::Exchange] {
        let trades = generate(mode, 11, 3);
        assert!(trades.windows(2).all(|w| w[0].time_ms <= w[1].time_ms));
        assert!(trades
            .iter()
            .all(|t| t.time_ms >= START && t.time_ms < START + 3 * HOUR));
        assert!(trades
            .iter()
            .all(|t| t.price.is_finite() && t.price > 0.0 && t.qty > 0.0));
    }
}

#[test]
fn orders_show_daily_seasonality() {
    // Three days: the quiet hour (03 UTC) has far fewer orders than the busy one (15 UTC).
    let trades = generate(DemoMode::Orders, 5, 72);
    let in_hour = |h: i64| {
        trades
            .iter()
            .filter(|t| t.time_ms.rem_euclid(24 * HOUR) / HOUR == h)
            .count()
    };
    let (quiet, busy) = (in_hour(3), in_hour(15));
    assert!(
        busy as f64 > 2.0 * quiet as f64,
        "busy {busy}, quiet {quiet}"
    );
}

#[test]
fn discounted_items_sell_more_units_per_hour() {
    // Elasticity is real: for the same product, the discounted price is bought more often than
    // its share of time at that price alone would give. Compare units at list price with units
    // at any discount, per product, over a week: the price ratio and the unit ratio must have
    // opposite signs in the log-log sense (units up when price down).
    let trades = generate(DemoMode::Orders, 9, 24 * 7);
    let tee: Vec<&Trade> = trades
        .iter()
        .filter(|t| &*t.symbol == "Organic T-shirt")
        .collect();
    let list = 19.99;
    let (full, discounted): (Vec<&&Trade>, Vec<&&Trade>) =
        tee.iter().partition(|t| t.price == list);
    assert!(!full.is_empty() && !discounted.is_empty());
    // With elasticity -1.8 and everyday discounts of 5-15 % at probability 0.12/0.12/0.06, the
    // expected discounted share of orders outside promotions is
    // sum(p_d * (1-d)^-1.8) / (0.7 + sum(...)) = 0.3614 / 1.0614 = 0.34, above the 0.30 share of
    // time, and promotions push it higher still.
    let share = discounted.len() as f64 / tee.len() as f64;
    assert!(share > 0.32, "discounted share {share}");
}

#[test]
fn orders_carry_dimensions_and_exchange_trades_carry_sides() {
    let orders = generate(DemoMode::Orders, 1, 1);
    assert!(orders
        .iter()
        .all(|t| Dim::ALL.iter().all(|d| t.dims[d.index()].is_some())));
    let trades = generate(DemoMode::Exchange, 1, 1);
    let buys = trades.iter().filter(|t| t.side == Some(Side::Buy)).count();
    assert!(trades.iter().all(|t| t.side.is_some()));
    let share = buys as f64 / trades.len() as f64;
    assert!((0.4..0.6).contains(&share), "buy share {share}");
}

#[test]
fn exchange_prices_sit_on_the_tick_grid_and_sizes_are_heavy_tailed() {
    let trades = generate(DemoMode::Exchange, 2, 2);
    for t in trades.iter().filter(|t| &*t.symbol == "BTC-USD") {
        let cents = t.price * 100.0;
        assert!(
            (cents - cents.round()).abs() < 1e-6,
            "price {} off the 0.01 grid",
            t.price
        );
    }
    let mut sizes: Vec<f64> = trades
        .iter()
        .filter(|t| &*t.symbol == "BTC-USD")
        .map(|t| t.qty)
        .collect();
    sizes.sort_by(f64::total_cmp);
    let median = sizes[sizes.len() / 2];
    let max = sizes[sizes.len() - 1];
    // A Pareto tail with index 1.5 puts the largest of thousands far above the median.
    assert!(max > 50.0 * median, "max {max}, median {median}");
}
