//! Calendar buckets across daylight-saving changes, against dates worked out by hand.
//!
//! Transition tables are written here from the published rules (EU: last Sunday of March and
//! October at 01:00 UTC; US: second Sunday of March 02:00 local, first Sunday of November
//! 02:00 local; Chile 2024: clocks back at 2024-04-07 00:00 local, forward at 2024-09-08
//! 00:00 local). Instants: 2024-01-01T00:00Z is 1_704_067_200_000 ms; a day is 86_400_000.

use tradelens_core::engine::{BucketSize, Engine, EngineSpec, GroupBy, SketchSpec};
use tradelens_core::model::Trade;
use tradelens_core::zone::{Zone, ZoneError};

const H: i64 = 3_600_000;
const DAY: i64 = 24 * H;
const JAN1: i64 = 1_704_067_200_000;

/// Midnight UTC of day `n` of 2024 (1 = Jan 1).
const fn utc_day(n: i64) -> i64 {
    JAN1 + (n - 1) * DAY
}

// Day numbers in 2024 (a leap year): Mar 1 = 61, Mar 10 = 70, Mar 25 = 85, Mar 31 = 91,
// Apr 1 = 92, Sep 7 = 251, Sep 8 = 252, Sep 9 = 253, Oct 27 = 301, Nov 3 = 308.

fn berlin() -> Zone {
    Zone::with_transitions(
        "Europe/Berlin",
        H,
        vec![(utc_day(91) + H, 2 * H), (utc_day(301) + H, H)],
    )
    .unwrap()
}

fn new_york() -> Zone {
    // 02:00 EST = 07:00Z on Mar 10; 02:00 EDT = 06:00Z on Nov 3.
    Zone::with_transitions(
        "America/New_York",
        -5 * H,
        vec![
            (utc_day(70) + 7 * H, -4 * H),
            (utc_day(308) + 6 * H, -5 * H),
        ],
    )
    .unwrap()
}

fn santiago() -> Zone {
    // Apr 7 00:00 -03 = 03:00Z, back to -04; Sep 8 00:00 -04 = 04:00Z, forward to -03.
    Zone::with_transitions(
        "America/Santiago",
        -3 * H,
        vec![
            (utc_day(98) + 3 * H, -4 * H),
            (utc_day(252) + 4 * H, -3 * H),
        ],
    )
    .unwrap()
}

fn span(b: BucketSize, z: &Zone, t: i64) -> (i64, i64) {
    let start = b.start_in(z, t);
    (start, b.next_start_in(z, start))
}

#[test]
fn spring_forward_day_lasts_23_hours() {
    // 2024-03-31 in Berlin: 00:00 CET = Mar 30 23:00Z, ends 00:00 CEST Apr 1 = Mar 31 22:00Z.
    let (start, end) = span(BucketSize::D1, &berlin(), utc_day(91) + 12 * H);
    assert_eq!(start, utc_day(91) - H);
    assert_eq!(end, utc_day(91) + 22 * H);
    assert_eq!(end - start, 23 * H);
}

#[test]
fn fall_back_day_lasts_25_hours() {
    // 2024-10-27 in Berlin: 00:00 CEST = Oct 26 22:00Z, ends 00:00 CET Oct 28 = Oct 27 23:00Z.
    let (start, end) = span(BucketSize::D1, &berlin(), utc_day(301) + 12 * H);
    assert_eq!((start, end), (utc_day(301) - 2 * H, utc_day(301) + 23 * H));
}

#[test]
fn repeated_hour_is_two_hourly_buckets() {
    // 00:30Z and 01:30Z on Oct 27 are both 02:30 on Berlin clocks (CEST, then CET).
    let z = berlin();
    assert_eq!(
        BucketSize::H1.start_in(&z, utc_day(301) + H / 2),
        utc_day(301)
    );
    assert_eq!(
        BucketSize::H1.start_in(&z, utc_day(301) + 3 * H / 2),
        utc_day(301) + H
    );
}

#[test]
fn midnight_that_never_happens_starts_the_day_when_clocks_jump() {
    // Santiago skipped 2024-09-08 00:00-01:00: the day starts at the jump, 04:00Z, and lasts
    // 23 h to Sep 9 00:00 -03 = 03:00Z; the day before lasts 24 h from 04:00Z on Sep 7.
    let z = santiago();
    assert_eq!(
        span(BucketSize::D1, &z, utc_day(252) + 12 * H),
        (utc_day(252) + 4 * H, utc_day(253) + 3 * H)
    );
    assert_eq!(
        span(BucketSize::D1, &z, utc_day(251) + 12 * H),
        (utc_day(251) + 4 * H, utc_day(252) + 4 * H)
    );
    // Clocks went back at Apr 7 00:00 -03 (03:00Z) to Apr 6 23:00 -04, so Apr 6 23:00-24:00
    // happened twice and local midnight of Apr 7 is first reached at 04:00Z: Apr 6 runs from
    // 00:00 -03 (03:00Z) for 25 hours.
    assert_eq!(
        span(BucketSize::D1, &z, utc_day(97) + 12 * H),
        (utc_day(97) + 3 * H, utc_day(98) + 4 * H)
    );
}

#[test]
fn weeks_start_on_local_monday_and_months_on_the_first() {
    // The week of Wednesday 2024-03-27 in Berlin: Monday Mar 25 00:00 CET = Mar 24 23:00Z, to
    // Monday Apr 1 00:00 CEST = Mar 31 22:00Z: 167 hours.
    let (start, end) = span(BucketSize::W1, &berlin(), utc_day(87) + 12 * H);
    assert_eq!((start, end), (utc_day(85) - H, utc_day(91) + 22 * H));
    // March 2024 in New York: Mar 1 00:00 EST = 05:00Z to Apr 1 00:00 EDT = 04:00Z.
    let (start, end) = span(BucketSize::Mo1, &new_york(), utc_day(75));
    assert_eq!((start, end), (utc_day(61) + 5 * H, utc_day(92) + 4 * H));
}

#[test]
fn the_engine_counts_trades_per_local_day() {
    // One trade every 30 minutes from Mar 30 00:00Z to Apr 2 00:00Z (144 trades). Berlin days:
    // Mar 30 runs 29 23:00Z - 30 23:00Z, Mar 31 is 23 h to 31 22:00Z, Apr 1 is 24 h to
    // Apr 1 22:00Z, Apr 2 starts then. Counts: Mar 30 holds 00:00Z..22:30Z = 46 trades,
    // Mar 31 holds 23:00Z..21:30Z = 46, Apr 1 holds 22:00Z..21:30Z = 48, Apr 2 the last 4.
    let trades: Vec<Trade> = (0..144)
        .map(|i| Trade {
            id: i as u64,
            time_ms: utc_day(90) + i * H / 2,
            price: 1.0,
            qty: 1.0,
            side: None,
            symbol: "X".into(),
            dims: Default::default(),
        })
        .collect();
    let mut engine = Engine::new(EngineSpec {
        bucket: BucketSize::D1,
        group_by: GroupBy::NONE,
        sketches: SketchSpec::NONE,
    });
    engine.set_zone(berlin().into());
    engine.extend(&trades);
    let days: Vec<(i64, u64)> = engine
        .buckets()
        .map(|(k, b)| (k, b.total.count()))
        .collect();
    assert_eq!(
        days,
        vec![
            (utc_day(90) - H, 46),
            (utc_day(91) - H, 46),
            (utc_day(91) + 22 * H, 48),
            (utc_day(92) + 22 * H, 4)
        ]
    );
}

#[test]
fn bad_tables_are_refused() {
    assert_eq!(
        Zone::with_transitions("x", 0, vec![(10, H), (10, 0)]),
        Err(ZoneError::Unordered { index: 1 })
    );
    assert_eq!(
        Zone::fixed("x", 19 * H),
        Err(ZoneError::OffsetOutOfRange { offset_ms: 19 * H })
    );
}
