//! Alert evaluation against hand-derived answers: every expected transition below is worked
//! out in the comment above it, not by running the evaluator.

use tradelens_core::alerts::{backtest, Condition, Evaluator, Rule, RuleError, RuleSeries, State};
use tradelens_core::engine::Metric;

const MIN: i64 = 60_000;

fn rule(condition: Condition, for_ms: i64, cooldown_ms: i64) -> Rule {
    Rule {
        id: 3,
        name: "test rule".into(),
        series: RuleSeries {
            metric: Metric::High,
            group: Some("BTCUSDT".into()),
        },
        condition,
        for_ms,
        cooldown_ms,
    }
}

/// One bucket a minute from 0, with these values.
fn minutes(values: &[f64]) -> Vec<(i64, Option<f64>)> {
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| (i as i64 * MIN, Some(v)))
        .collect()
}

/// (bucket start in minutes, state) of each event.
fn transitions(rule: &Rule, series: &[(i64, Option<f64>)]) -> Vec<(i64, State)> {
    backtest(rule, series)
        .unwrap()
        .into_iter()
        .map(|e| (e.at_ms / MIN, e.state))
        .collect()
}

#[test]
fn threshold_fires_and_resolves() {
    // 99 (no), 101 > 100 fires at minute 1, 102 stays, 100 is not above 100: resolves at 3,
    // 101 fires again at 4 (no cooldown).
    let r = rule(Condition::Above { value: 100.0 }, 0, 0);
    let s = minutes(&[99.0, 101.0, 102.0, 100.0, 101.0]);
    assert_eq!(
        transitions(&r, &s),
        [(1, State::Firing), (3, State::Resolved), (4, State::Firing)]
    );
    let below = rule(Condition::Below { value: 100.0 }, 0, 0);
    // Only 99 at minute 0 is below; 101 at minute 1 resolves.
    assert_eq!(
        transitions(&below, &s),
        [(0, State::Firing), (1, State::Resolved)]
    );
}

#[test]
fn for_duration_needs_an_unbroken_run() {
    // for = 2 minutes. Run from minute 0: held 0, 1, then 2 minutes at minute 2: fires there
    // (exactly `for` is enough). 99 at 3 resolves; the run from 4 has held 1 minute at 5.
    let r = rule(Condition::Above { value: 100.0 }, 2 * MIN, 0);
    let s = minutes(&[101.0, 101.0, 101.0, 99.0, 101.0, 101.0]);
    assert_eq!(
        transitions(&r, &s),
        [(2, State::Firing), (3, State::Resolved)]
    );
    // A break at minute 1 restarts the run at 2: it has held 2 minutes at minute 4, not 2.
    let s = minutes(&[101.0, 99.0, 101.0, 101.0, 101.0]);
    assert_eq!(transitions(&r, &s), [(4, State::Firing)]);
}

#[test]
fn cooldown_delays_the_next_firing() {
    // cooldown 3 minutes. Fires at 0, resolves at 1 (last transition 1). Alarming again from
    // 2: 2 - 1 = 1 and 3 - 1 = 2 minutes are inside the cooldown; at 4, 3 minutes have passed:
    // fires at 4.
    let r = rule(Condition::Above { value: 100.0 }, 0, 3 * MIN);
    let s = minutes(&[101.0, 99.0, 101.0, 101.0, 101.0]);
    assert_eq!(
        transitions(&r, &s),
        [(0, State::Firing), (1, State::Resolved), (4, State::Firing)]
    );
    // A run that ends inside the cooldown never fires: 101 at 2 and 3, 99 at 4.
    let s = minutes(&[101.0, 99.0, 101.0, 101.0, 99.0, 99.0]);
    assert_eq!(
        transitions(&r, &s),
        [(0, State::Firing), (1, State::Resolved)]
    );
}

#[test]
fn for_and_cooldown_together() {
    // for 1 minute, cooldown 2 minutes. Run 0..=1 fires at 1; 99 at 2 resolves (last
    // transition 2). Run from 3: held 1 minute at 4, but 4 - 2 = 2 is exactly the cooldown:
    // fires at 4.
    let r = rule(Condition::Above { value: 100.0 }, MIN, 2 * MIN);
    let s = minutes(&[101.0, 101.0, 99.0, 101.0, 101.0]);
    assert_eq!(
        transitions(&r, &s),
        [(1, State::Firing), (2, State::Resolved), (4, State::Firing)]
    );
}

/// 30 calm minutes cycling 100, 101, 102, a spike of 130 at minute 30, then calm again.
fn spike_fixture() -> Vec<(i64, Option<f64>)> {
    let mut v: Vec<f64> = (0..40).map(|i| 100.0 + f64::from(i % 3)).collect();
    v[30] = 130.0;
    minutes(&v)
}

#[test]
fn robust_z_marks_the_spike() {
    // Window 20 before minute 30 = minutes 10..=29, i % 3 = 1, 2, 0, ...: seven 101s, seven
    // 102s, six 100s. Sorted, the 10th and 11th are 101: median 101. Deviations: seven 0s,
    // thirteen 1s: MAD 1, scale 1.4826. z(130) = 29 / 1.4826 = 19.6 > 5: fires at 30.
    // A calm value is at most |100 - 101| / 1.4826 = 0.67 away. At 31 (101) the window
    // 11..=30 holds the spike but median and MAD stay 101 and 1: z = 0, resolves.
    let r = rule(Condition::RobustZ { z: 5.0, window: 20 }, 0, 0);
    let events = backtest(&r, &spike_fixture()).unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(
        (events[0].at_ms, events[0].state, events[0].value),
        (30 * MIN, State::Firing, Some(130.0))
    );
    assert_eq!(events[0].rule_id, 3);
    assert!(events[0].message.starts_with("test rule: "));
    assert_eq!(
        (events[1].at_ms, events[1].state),
        (31 * MIN, State::Resolved)
    );
}

#[test]
fn forecast_band_marks_the_spike() {
    // Calm values lie within 1 of a flat trend whose residuals have σ ≈ 0.8, so the 99% band
    // is about ±2.2 wide around 101: no calm value leaves it; 130 is 29 away. The spike
    // pulls later fits up by under 1 (29 / 31 points), so only minute 30 fires; 31 resolves.
    let r = rule(Condition::OutsideForecast { level: 0.99 }, 0, 0);
    let t = transitions(&r, &spike_fixture());
    assert_eq!(t, [(30, State::Firing), (31, State::Resolved)]);
}

#[test]
fn percent_change_in_either_direction() {
    // Over 2 buckets: at index 2, (111 - 100) / 100 = +11% >= 10: fires; at 3,
    // (120 - 105) / 105 = +14%: still firing; at 4, (121 - 111) / 111 = +9% < 10: resolves.
    let up = rule(
        Condition::PctChange {
            pct: 10.0,
            over_buckets: 2,
        },
        0,
        0,
    );
    let s = minutes(&[100.0, 105.0, 111.0, 120.0, 121.0]);
    assert_eq!(
        transitions(&up, &s),
        [(2, State::Firing), (4, State::Resolved)]
    );
    // -10% over 1 bucket: 100 -> 95 is -5%; 95 -> 85 is -10.5%: fires at 2.
    let down = rule(
        Condition::PctChange {
            pct: -10.0,
            over_buckets: 1,
        },
        0,
        0,
    );
    let s = minutes(&[100.0, 95.0, 85.0]);
    assert_eq!(transitions(&down, &s), [(2, State::Firing)]);
    // Against a base of 0 the change is undefined: nothing fires.
    let s = minutes(&[0.0, 5.0]);
    assert_eq!(transitions(&down, &s), []);
}

#[test]
fn non_finite_values_count_as_missing() {
    // NaN at minute 1 and infinity at 3 are no value: the run breaks and the rule resolves
    // there; finite values above 100 fire again.
    let r = rule(Condition::Above { value: 100.0 }, 0, 0);
    let s = [
        (0, Some(101.0)),
        (MIN, Some(f64::NAN)),
        (2 * MIN, Some(101.0)),
        (3 * MIN, Some(f64::INFINITY)),
    ];
    let events = backtest(&r, &s).unwrap();
    let got: Vec<_> = events.iter().map(|e| (e.at_ms / MIN, e.state)).collect();
    assert_eq!(
        got,
        [
            (0, State::Firing),
            (1, State::Resolved),
            (2, State::Firing),
            (3, State::Resolved)
        ]
    );
    assert_eq!(events[1].value, None);
}

#[test]
fn invalid_rules_are_refused_not_run() {
    let r = rule(Condition::Above { value: f64::NAN }, 0, 0);
    assert!(matches!(
        backtest(&r, &minutes(&[1.0])),
        Err(RuleError::NotFinite { .. })
    ));
    let r = rule(Condition::Above { value: 1.0 }, -5, 0);
    assert!(Evaluator::new(r).is_err());
}

#[test]
fn out_of_order_buckets_are_ignored() {
    // Minute 2 (101) fires. Minute 1 (50) arrives late: ignored, the rule stays firing.
    // Minute 2 again (50): also ignored. Two buckets counted as out of order.
    let mut ev = Evaluator::new(rule(Condition::Above { value: 100.0 }, 0, 0)).unwrap();
    let fired = ev.observe(2 * MIN, Some(101.0)).unwrap();
    assert_eq!(fired.state, State::Firing);
    assert_eq!(ev.observe(MIN, Some(50.0)), None);
    assert_eq!(ev.observe(2 * MIN, Some(50.0)), None);
    assert!(ev.is_firing());
    assert_eq!(ev.out_of_order(), 2);
    // Minute 3 (50) is new: resolves.
    assert_eq!(
        ev.observe(3 * MIN, Some(50.0)).unwrap().state,
        State::Resolved
    );
}

#[test]
fn silence_fires_on_the_clock_and_resolves_on_data() {
    // 90 s of silence: data at 0; at 60 s 60 s have passed (no); at 90 s exactly 90 (fires);
    // a bucket with a value at 120 s resolves; at 150 s only 30 s have passed.
    let mut ev = Evaluator::new(rule(Condition::NoData { secs: 90 }, 0, 0)).unwrap();
    assert_eq!(ev.observe(0, Some(1.0)), None);
    assert_eq!(ev.tick(60_000), None);
    let e = ev.tick(90_000).unwrap();
    assert_eq!((e.at_ms, e.state, e.value), (90_000, State::Firing, None));
    assert_eq!(
        ev.observe(120_000, Some(1.0)).unwrap().state,
        State::Resolved
    );
    assert_eq!(ev.tick(150_000), None);
    // Bucket 140 s, fed after the reading at 150 s (it closed late), moves nothing back: a
    // reading at 240 s has 100 s of silence since that bucket, >= 90: fires, dated 240 s.
    assert_eq!(ev.observe(140_000, Some(1.0)), None);
    assert_eq!(ev.tick(240_000).unwrap().at_ms, 240_000);
    // A bucket without a value fed now, starting at 200 s, is dated at the clock: 240 s.
    // It keeps the rule firing (still silent), so no event.
    assert_eq!(ev.observe(200_000, None), None);
    assert!(ev.is_firing());
    // In a backtest, buckets without a value are the silence: minute 0 has data, 1 and 2
    // none; 2 minutes >= 90 s at minute 2 fires, data at 3 resolves.
    let r = rule(Condition::NoData { secs: 90 }, 0, 0);
    let s = [
        (0, Some(1.0)),
        (MIN, None),
        (2 * MIN, None),
        (3 * MIN, Some(2.0)),
    ];
    assert_eq!(
        transitions(&r, &s),
        [(2, State::Firing), (3, State::Resolved)]
    );
}

#[test]
fn the_clock_only_moves_silence_rules() {
    let mut ev = Evaluator::new(rule(Condition::Above { value: 1.0 }, 0, 0)).unwrap();
    assert_eq!(ev.tick(1_000_000), None);
    assert_eq!(ev.last_bucket(), None);
}
