//! Fixed-width time buckets (UTC). Calendar buckets in a time zone come with the analytics work.

use std::fmt;

const SECOND: i64 = 1_000;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;

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
    /// 1 day (UTC midnight to midnight).
    D1,
}

impl BucketSize {
    /// Every size, shortest first.
    pub const ALL: [BucketSize; 9] = [
        BucketSize::S1,
        BucketSize::S5,
        BucketSize::S15,
        BucketSize::M1,
        BucketSize::M5,
        BucketSize::M15,
        BucketSize::H1,
        BucketSize::H4,
        BucketSize::D1,
    ];

    /// Width in milliseconds.
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
        }
    }

    /// Parses a name produced by [`BucketSize::name`].
    pub fn from_name(name: &str) -> Option<BucketSize> {
        BucketSize::ALL.into_iter().find(|b| b.name() == name)
    }

    /// Start of the bucket holding `time_ms`; times before 1970 round down too.
    pub const fn start_of(self, time_ms: i64) -> i64 {
        time_ms - time_ms.rem_euclid(self.millis())
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
    fn names_round_trip_and_sizes_grow() {
        for w in BucketSize::ALL.windows(2) {
            assert!(w[0].millis() < w[1].millis());
        }
        for b in BucketSize::ALL {
            assert_eq!(BucketSize::from_name(b.name()), Some(b));
        }
    }
}
