//! Numbers and times as people read them. Pure text, so the app and the command line agree.

/// `x` with `decimals` places and thousands separated by commas; `-` for a non-finite value.
pub fn grouped(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "-".to_owned();
    }
    let text = format!("{:.*}", decimals, x.abs());
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(text.len() + int.len() / 3 + 1);
    // A value that rounds to zero shows no minus sign.
    if x < 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A short form for axis labels: `950`, `12.5k`, `3.4M`, `1.2B`.
pub fn compact(x: f64) -> String {
    if !x.is_finite() {
        return "-".to_owned();
    }
    let a = x.abs();
    let (value, suffix) = match a {
        a if a >= 1e9 => (x / 1e9, "B"),
        a if a >= 1e6 => (x / 1e6, "M"),
        a if a >= 1e3 => (x / 1e3, "k"),
        _ => (x, ""),
    };
    let text = if value.abs() >= 100.0 || (suffix.is_empty() && value.fract() == 0.0) {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    };
    let text = text.strip_suffix(".0").map(str::to_owned).unwrap_or(text);
    format!("{text}{suffix}")
}

/// Calendar date and time of day in UTC, from milliseconds since the epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UtcTime {
    /// Year.
    pub year: i64,
    /// Month, 1 to 12.
    pub month: u32,
    /// Day of the month, 1 to 31.
    pub day: u32,
    /// Hour, 0 to 23.
    pub hour: u32,
    /// Minute, 0 to 59.
    pub minute: u32,
    /// Second, 0 to 59.
    pub second: u32,
}

impl UtcTime {
    /// Splits a timestamp (ms since the epoch, UTC) into calendar fields.
    pub fn from_millis(ms: i64) -> UtcTime {
        let secs = ms.div_euclid(1000);
        let sod = secs.rem_euclid(86_400);
        let (year, month, day) = crate::civil::civil_from_days(secs.div_euclid(86_400));
        UtcTime {
            year,
            month,
            day,
            hour: (sod / 3600) as u32,
            minute: (sod % 3600 / 60) as u32,
            second: (sod % 60) as u32,
        }
    }
}

/// `HH:MM` (or `HH:MM:SS` when `seconds`) in UTC.
pub fn clock(ms: i64, seconds: bool) -> String {
    let t = UtcTime::from_millis(ms);
    if seconds {
        format!("{:02}:{:02}:{:02}", t.hour, t.minute, t.second)
    } else {
        format!("{:02}:{:02}", t.hour, t.minute)
    }
}

/// `YYYY-MM-DD` in UTC.
pub fn date(ms: i64) -> String {
    let t = UtcTime::from_millis(ms);
    format!("{:04}-{:02}-{:02}", t.year, t.month, t.day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_separates_thousands_and_rounds() {
        assert_eq!(grouped(0.0, 0), "0");
        assert_eq!(grouped(999.0, 0), "999");
        assert_eq!(grouped(1000.0, 0), "1,000");
        assert_eq!(grouped(1234567.891, 2), "1,234,567.89");
        assert_eq!(grouped(-1234.5, 1), "-1,234.5");
        assert_eq!(grouped(-0.004, 2), "0.00");
        assert_eq!(grouped(f64::NAN, 2), "-");
    }

    #[test]
    fn compact_uses_suffixes() {
        assert_eq!(compact(950.0), "950");
        assert_eq!(compact(12_500.0), "12.5k");
        assert_eq!(compact(3_400_000.0), "3.4M");
        assert_eq!(compact(250_000.0), "250k");
        assert_eq!(compact(2.5), "2.5");
        assert_eq!(compact(-1_000.0), "-1k");
    }

    #[test]
    fn utc_calendar_matches_known_dates() {
        // 1_700_000_000_000 ms is 2023-11-14T22:13:20Z (well known).
        assert_eq!(
            UtcTime::from_millis(1_700_000_000_000),
            UtcTime {
                year: 2023,
                month: 11,
                day: 14,
                hour: 22,
                minute: 13,
                second: 20
            }
        );
        // 2024-02-29 is a leap day: 19782 days after the epoch.
        assert_eq!(date(19_782 * 86_400_000), "2024-02-29");
        assert_eq!(date(-1), "1969-12-31");
        assert_eq!(clock(-1, true), "23:59:59");
    }
}

/// Round tick positions for a time axis from `from_ms` to `to_ms`: the smallest step from a
/// list of clock-friendly steps (1 s ... 1 day) that gives at most `max_ticks` ticks, each a
/// multiple of the step in UTC.
pub fn time_ticks(from_ms: i64, to_ms: i64, max_ticks: usize) -> Vec<i64> {
    const STEPS: [i64; 17] = [
        1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000,
        1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000,
    ];
    const DAY: i64 = 86_400_000;
    if to_ms <= from_ms || max_ticks == 0 {
        return Vec::new();
    }
    let span = to_ms - from_ms;
    let max = max_ticks as i64;
    let step = STEPS
        .into_iter()
        .find(|s| span / s < max)
        .unwrap_or_else(|| DAY * (span / DAY / max + 1));
    let first = from_ms + (step - from_ms.rem_euclid(step)) % step;
    (0..)
        .map(|i| first + i * step)
        .take_while(|&t| t <= to_ms)
        .collect()
}

#[cfg(test)]
mod tick_tests {
    use super::time_ticks;

    #[test]
    fn ticks_fall_on_round_times() {
        // A span of 80,000,000 ms (22 h 13 min 20 s) with at most 7 ticks: 3 h steps give
        // 80e6 / 10.8e6 = 7 (not fewer than 7), 6 h steps give 3, so the step is 6 h and every
        // tick is a multiple of 21,600,000 ms.
        let from = 1_699_920_000_000; // 2023-11-14T00:00:00Z minus 80,000,000 ms
        let ticks = time_ticks(from, from + 80_000_000, 7);
        assert!(ticks.iter().all(|t| t % 21_600_000 == 0), "{ticks:?}");
        assert!(ticks.len() <= 7 && !ticks.is_empty());
        assert!(ticks.iter().all(|&t| t >= from && t <= from + 80_000_000));
        // One minute with at most 7 ticks: 10 s steps.
        let ticks = time_ticks(60_000, 120_000, 7);
        assert_eq!(
            ticks,
            vec![60_000, 70_000, 80_000, 90_000, 100_000, 110_000, 120_000]
        );
        assert!(time_ticks(5, 5, 7).is_empty());
    }
}
