//! Timestamps: epoch numbers in any unit and calendar date-times, to milliseconds (UTC).
//!
//! Sub-millisecond digits are cut toward the past (floor), so a trade at `...27.028459Z` is at
//! millisecond `...27.028`. All arithmetic is on integers: no float rounding of timestamps.

/// The unit of an epoch timestamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum EpochUnit {
    /// Seconds (Kraken REST, often with a fraction).
    Seconds,
    /// Milliseconds (Binance default).
    Millis,
    /// Microseconds (Binance with `timeUnit=MICROSECOND`).
    Micros,
    /// Nanoseconds.
    Nanos,
}

impl EpochUnit {
    const fn nanos(self) -> i128 {
        match self {
            EpochUnit::Seconds => 1_000_000_000,
            EpochUnit::Millis => 1_000_000,
            EpochUnit::Micros => 1_000,
            EpochUnit::Nanos => 1,
        }
    }
}

/// Milliseconds of an integer epoch value in `unit` (floor), or `None` if out of range.
pub fn epoch_to_ms(value: i64, unit: EpochUnit) -> Option<i64> {
    let ns = i128::from(value) * unit.nanos();
    i64::try_from(ns.div_euclid(1_000_000)).ok()
}

/// Milliseconds of a decimal epoch text (`1688669597.8277369` seconds), exactly (floor).
///
/// Accepts an optional `-`, digits, and an optional fraction; nothing else.
pub fn epoch_text_to_ms(s: &str, unit: EpochUnit) -> Option<i64> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty() || int.len() > 30 || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) || (body.contains('.') && frac.is_empty()) {
        return None;
    }
    let int: i128 = int.parse().ok()?;
    // Keep 9 fraction digits: finer than a nanosecond of a second, which is all we can use.
    let mut frac_scaled: i128 = 0;
    for k in 0..9 {
        let d = frac.as_bytes().get(k).map_or(0, |b| i128::from(b - b'0'));
        frac_scaled = frac_scaled * 10 + d;
    }
    let ns_abs = int
        .checked_mul(unit.nanos())?
        .checked_add(frac_scaled * unit.nanos() / 1_000_000_000)?;
    let ns = if neg { -ns_abs } else { ns_abs };
    i64::try_from(ns.div_euclid(1_000_000)).ok()
}

/// Days from 1970-01-01 to the proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A cursor over ASCII bytes for the date-time grammar.
struct Cur<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cur<'_> {
    fn digits(&mut self, n: usize) -> Option<u32> {
        let s = self.b.get(self.i..self.i + n)?;
        let mut v = 0u32;
        for &c in s {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(c - b'0');
        }
        self.i += n;
        Some(v)
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
}

/// Parses a calendar date-time to milliseconds since the epoch (UTC).
///
/// Accepts RFC 3339 (`2014-11-07T08:19:27.028459Z`, `...+02:00`) and the spreadsheet style
/// `2025-10-07 09:50:26 +0200`: date, `T` or a space, `HH:MM`, optional `:SS`, optional
/// fraction, then an optional space and `Z`, `±HH:MM` or `±HHMM`. With no offset written the
/// time is read at `default_offset_min` minutes east of UTC, or rejected if that is `None`.
pub fn parse_datetime(s: &str, default_offset_min: Option<i32>) -> Option<i64> {
    let mut c = Cur {
        b: s.trim().as_bytes(),
        i: 0,
    };
    let year = i64::from(c.digits(4)?);
    let month = c.eat(b'-').then(|| c.digits(2))??;
    let day = c.eat(b'-').then(|| c.digits(2))??;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
        return None;
    }
    let hour = c.digits(2)?;
    let minute = c.eat(b':').then(|| c.digits(2))??;
    let second = if c.eat(b':') { c.digits(2)? } else { 0 };
    // 60 is a leap second: counted as the next second's start, as Unix time does.
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut millis = 0i64;
    if c.eat(b'.') || c.eat(b',') {
        let start = c.i;
        while let Some(d) = c.peek().filter(u8::is_ascii_digit) {
            if c.i - start < 3 {
                millis = millis * 10 + i64::from(d - b'0');
            }
            c.i += 1;
        }
        let n = c.i - start;
        if n == 0 {
            return None;
        }
        for _ in n..3 {
            millis *= 10;
        }
    }
    c.eat(b' ');
    let offset_min: i64 = match c.peek() {
        Some(b'Z' | b'z') => {
            c.i += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            c.i += 1;
            let h = c.digits(2)?;
            c.eat(b':');
            let m = c.digits(2)?;
            if h > 23 || m > 59 {
                return None;
            }
            let v = i64::from(h * 60 + m);
            if sign == b'-' {
                -v
            } else {
                v
            }
        }
        None => i64::from(default_offset_min?),
        Some(_) => return None,
    };
    if c.i != c.b.len() {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset_min * 60;
    Some(secs * 1000 + millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers() {
        // 2014-11-07: 16381 days after 1970-01-01; 08:19:27 = 29967 s.
        // (16381 * 86400 + 29967) * 1000 + 28 = 1_415_348_367_028.
        assert_eq!(
            parse_datetime("2014-11-07T08:19:27.028459Z", None),
            Some(1_415_348_367_028)
        );
        // 09:50:26 at +02:00 is 07:50:26Z.
        assert_eq!(
            parse_datetime("2025-10-07 09:50:26 +0200", None),
            parse_datetime("2025-10-07T07:50:26Z", None)
        );
        assert_eq!(parse_datetime("2025-10-07 09:50", None), None);
        assert_eq!(
            parse_datetime("2025-10-07 09:50", Some(0)).map(|t| t % 60_000),
            Some(0)
        );
        assert_eq!(parse_datetime("2023-02-29T00:00:00Z", None), None);
        // 1688669597.8277369 s floors to ...597827 ms.
        assert_eq!(
            epoch_text_to_ms("1688669597.8277369", EpochUnit::Seconds),
            Some(1_688_669_597_827)
        );
        assert_eq!(
            epoch_to_ms(1_672_515_782_136_001, EpochUnit::Micros),
            Some(1_672_515_782_136)
        );
        assert_eq!(epoch_to_ms(-1, EpochUnit::Micros), Some(-1));
        assert_eq!(epoch_text_to_ms("1.", EpochUnit::Seconds), None);
    }
}
