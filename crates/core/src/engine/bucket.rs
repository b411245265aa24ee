//! Time buckets from one second to one month, in a time zone's local time.
//!
//! Buckets up to an hour are fixed widths aligned to local time: across a daylight-saving
//! change each keeps its length, and the repeated hour when clocks go back is two buckets.
//! Longer buckets (4 h, day, week, month) follow the local calendar: a day bucket runs from
//! local midnight to local midnight, 23 or 25 hours on the days clocks change.

use std::fmt;

use crate::civil::{civil_from_days, days_from_civil, weekday, DAY_MS};
use crate::zone::Zone;

const SECOND: i64 = 1_000;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;

/// The bucket holding an instant, and the UTC interval around the instant where every instant
/// falls in that same bucket: the zone's offset is unchanged and local time stays within the
/// bucket's local bounds. The engine keeps the last one, so a trade in the same bucket as the
/// one before it costs two comparisons instead of a zone lookup and a division.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BucketSpan {
    /// Start of the bucket ([`BucketSize::start_in`]).
    pub(crate) start: i64,
    /// First instant of the interval.
    pub(crate) from: i64,
    /// First instant after the interval.
    pub(crate) until: i64,
}

impl BucketSpan {
    /// Whether `utc_ms` lies in the interval, so its bucket starts at `start`.
    pub(crate) fn contains(&self, utc_ms: i64) -> bool {
        self.from <= utc_ms && utc_ms < self.until
    }
}

/// A bucket width, from one second to one day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BucketSize {
    /// 1 second.
    S1,
    /// 5 seconds.
    S5,
    /// 15 seconds.
    S15,
    /// 1 minute.
    M1,
    /// 5 minutes.
    M5,
    /// 15 minutes.
    M15,
    /// 1 hour.
    H1,
    /// 4 hours.
    H4,
    /// 1 day (local midnight to midnight).
    D1,
    /// 1 week, from Monday's local midnight.
    W1,
    /// 1 calendar month, from the first's local midnight.
    Mo1,
}

impl BucketSize {
    /// Every size, shortest first.
    pub const ALL: [BucketSize; 11] = [
        BucketSize::S1,
        BucketSize::S5,
        BucketSize::S15,
        BucketSize::M1,
        BucketSize::M5,
        BucketSize::M15,
        BucketSize::H1,
        BucketSize::H4,
        BucketSize::D1,
        BucketSize::W1,
        BucketSize::Mo1,
    ];

    /// Nominal width in milliseconds (days, weeks and months vary in local time: this is
    /// 24 h, 7 days and 30 days).
    pub const fn millis(self) -> i64 {
        match self {
            BucketSize::S1 => SECOND,
            BucketSize::S5 => 5 * SECOND,
            BucketSize::S15 => 15 * SECOND,
            BucketSize::M1 => MINUTE,
            BucketSize::M5 => 5 * MINUTE,
            BucketSize::M15 => 15 * MINUTE,
            BucketSize::H1 => HOUR,
            BucketSize::H4 => 4 * HOUR,
            BucketSize::D1 => 24 * HOUR,
            BucketSize::W1 => 7 * 24 * HOUR,
            BucketSize::Mo1 => 30 * 24 * HOUR,
        }
    }

    /// Short name such as `15m`, used in the UI, configs and URLs.
    pub const fn name(self) -> &'static str {
        match self {
            BucketSize::S1 => "1s",
            BucketSize::S5 => "5s",
            BucketSize::S15 => "15s",
            BucketSize::M1 => "1m",
            BucketSize::M5 => "5m",
            BucketSize::M15 => "15m",
            BucketSize::H1 => "1h",
            BucketSize::H4 => "4h",
            BucketSize::D1 => "1d",
            BucketSize::W1 => "1w",
            BucketSize::Mo1 => "1mo",
        }
    }

    /// Parses a name produced by [`BucketSize::name`].
    pub fn from_name(name: &str) -> Option<BucketSize> {
        BucketSize::ALL.into_iter().find(|b| b.name() == name)
    }

    /// Start of the UTC bucket holding `time_ms`; times before 1970 round down too.
    pub const fn start_of(self, time_ms: i64) -> i64 {
        time_ms - time_ms.rem_euclid(self.millis())
    }

    /// Start (a UTC instant) of the bucket holding `utc_ms` in `zone`'s local time.
    pub fn start_in(self, zone: &Zone, utc_ms: i64) -> i64 {
        let local = zone.to_local(utc_ms);
        match self {
            BucketSize::S1
            | BucketSize::S5
            | BucketSize::S15
            | BucketSize::M1
            | BucketSize::M5
            | BucketSize::M15
            | BucketSize::H1 => utc_ms - local.rem_euclid(self.millis()),
            BucketSize::H4 | BucketSize::D1 | BucketSize::W1 | BucketSize::Mo1 => {
                zone.first_at_or_after(self.local_floor(local))
            }
        }
    }

    /// The bucket holding `utc_ms` in `zone`, with the interval around `utc_ms` that shares
    /// it. Its start is [`BucketSize::start_in`]'s, by the same arithmetic: within the
    /// interval the offset and the local floor are those of `utc_ms`, and the start depends
    /// on nothing else.
    pub(crate) fn span_in(self, zone: &Zone, utc_ms: i64) -> BucketSpan {
        let (offset, from, until) = zone.offset_span(utc_ms);
        let floor = self.local_floor(utc_ms + offset);
        let start = match self {
            BucketSize::H4 | BucketSize::D1 | BucketSize::W1 | BucketSize::Mo1 => {
                zone.first_at_or_after(floor)
            }
            // utc - (local - floor), as start_in computes it.
            _ => floor - offset,
        };
        BucketSpan {
            start,
            from: from.max(floor.saturating_sub(offset)),
            until: until.min(self.local_next(floor).saturating_sub(offset)),
        }
    }

    /// Start of the bucket after the one starting at `start_utc_ms` in `zone`.
    pub fn next_start_in(self, zone: &Zone, start_utc_ms: i64) -> i64 {
        match self {
            BucketSize::H4 | BucketSize::D1 | BucketSize::W1 | BucketSize::Mo1 => {
                let local = self.local_floor(zone.to_local(start_utc_ms));
                zone.first_at_or_after(self.local_next(local))
            }
            _ => start_utc_ms + self.millis(),
        }
    }

    /// The local time at which the bucket after the one beginning at local time `floor`
    /// begins.
    fn local_next(self, floor: i64) -> i64 {
        match self {
            BucketSize::Mo1 => {
                let (y, m, _) = civil_from_days(floor.div_euclid(DAY_MS));
                let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                days_from_civil(y, m, 1) * DAY_MS
            }
            _ => floor.saturating_add(self.millis()),
        }
    }

    /// The local time at which the calendar bucket holding local time `local` begins.
    fn local_floor(self, local: i64) -> i64 {
        let days = local.div_euclid(DAY_MS);
        match self {
            BucketSize::W1 => (days - i64::from(weekday(days))) * DAY_MS,
            BucketSize::Mo1 => {
                let (y, m, _) = civil_from_days(days);
                days_from_civil(y, m, 1) * DAY_MS
            }
            _ => local - local.rem_euclid(self.millis()),
        }
    }
}

impl fmt::Display for BucketSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_of_rounds_down_including_before_the_epoch() {
        assert_eq!(BucketSize::M1.start_of(0), 0);
        assert_eq!(BucketSize::M1.start_of(59_999), 0);
        assert_eq!(BucketSize::M1.start_of(60_000), 60_000);
        assert_eq!(BucketSize::M1.start_of(-1), -60_000);
        // 2024-03-10T14:23:45.678Z lies in the hour starting 14:00:00Z = 1710079200000.
        assert_eq!(
            BucketSize::H1.start_of(1_710_080_625_678),
            1_710_079_200_000
        );
    }

    #[test]
    fn every_instant_of_a_span_has_the_spans_bucket() {
        const H: i64 = 3_600_000;
        // 2024-01-01T00:00Z; the zones change at whole hours, at a half hour and at an odd
        // minute, by an hour and by half an hour, forward and back, and once a month apart
        // so that week and month buckets straddle a change.
        let t0: i64 = 1_704_067_200_000;
        let zones = [
            Zone::utc(),
            Zone::fixed("+05:45", 5 * H + 45 * 60_000).unwrap(),
            Zone::with_transitions(
                "test",
                H,
                vec![
                    (t0 + 3 * H, 2 * H),
                    (t0 + 27 * H + 30 * 60_000, 3 * H / 2),
                    (t0 + 50 * H + 7 * 60_000, -10 * H),
                    (t0 + 30 * 24 * H, 11 * H),
                ],
            )
            .unwrap(),
        ];
        let step = 7 * 60_000 + 13_001;
        for zone in &zones {
            for b in BucketSize::ALL {
                let mut t = t0 - 40 * 24 * H;
                while t < t0 + 80 * 24 * H {
                    let span = b.span_in(zone, t);
                    assert_eq!(span.start, b.start_in(zone, t), "{b} at {t}");
                    assert!(span.contains(t), "{b} at {t}: {span:?}");
                    let last = span.until.min(t + 40 * 24 * H) - 1;
                    let first = span.from.max(t - 40 * 24 * H);
                    for u in [first, (first + t) / 2, (t + last) / 2, last] {
                        assert_eq!(b.start_in(zone, u), span.start, "{b}: {u} in {span:?}");
                    }
                    t += if b.millis() < H { step } else { step * 11 };
                }
            }
        }
    }

    #[test]
    fn names_round_trip_and_sizes_grow() {
        for w in BucketSize::ALL.windows(2) {
            assert!(w[0].millis() < w[1].millis());
        }
        for b in BucketSize::ALL {
            assert_eq!(BucketSize::from_name(b.name()), Some(b));
        }
    }
}
