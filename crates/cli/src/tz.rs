//! `--tz`: an IANA zone from the system's tz database, UTC, or a fixed offset, turned into
//! the core's [`Zone`] (a table of offset changes), and RFC 3339 times in that zone.

use std::path::Path;

use jiff::tz::TimeZone;
use jiff::Timestamp;
use tradelens_core::civil::{civil_from_days, DAY_MS};
use tradelens_core::zone::{Zone, ZoneError};

/// Transitions are taken from 1900 to 2200: every date a trade file can hold.
const FROM_S: i64 = -2_208_988_800;
const TO_S: i64 = 7_258_118_400;
/// A zone with more transitions than this over that span is not a real zone.
const MAX_TRANSITIONS: usize = 20_000;

/// Why a zone could not be resolved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TzError {
    /// The machine has no tz database to look names up in.
    #[error("time zone `{name}`: no tz database on this machine (looked in {dir}); install the tzdata package, set TZDIR, or give a fixed offset like +01:00")]
    NoDatabase {
        /// The zone asked for.
        name: String,
        /// Where it was looked for.
        dir: String,
    },
    /// The name is not in the database, and not an offset either.
    #[error("time zone `{name}` is unknown: {reason}")]
    Unknown {
        /// The zone asked for.
        name: String,
        /// What the database said.
        reason: String,
    },
    /// The zone's offsets cannot be represented.
    #[error("time zone `{name}`: {source}")]
    Invalid {
        /// The zone.
        name: String,
        /// Why.
        source: ZoneError,
    },
}

/// Parses `±HH:MM`, `±HHMM` or `±HH` to milliseconds east of UTC.
fn fixed_offset_ms(s: &str) -> Option<i64> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|&c| c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit())
        || !matches!(digits.len(), 2 | 4)
        || rest.len() > 5
    {
        return None;
    }
    let h: i64 = digits[..2].parse().ok()?;
    let m: i64 = if digits.len() == 4 {
        digits[2..].parse().ok()?
    } else {
        0
    };
    (h <= 18 && m < 60).then_some(sign * (h * 3_600_000 + m * 60_000))
}

/// Resolves a `--tz` value.
pub fn resolve(spec: &str) -> Result<Zone, TzError> {
    let s = spec.trim();
    if s.eq_ignore_ascii_case("UTC") || s == "Z" || s.eq_ignore_ascii_case("GMT") {
        return Ok(Zone::utc());
    }
    if let Some(ms) = fixed_offset_ms(s) {
        return Zone::fixed(s, ms).map_err(|source| TzError::Invalid {
            name: s.to_string(),
            source,
        });
    }
    let dir = std::env::var("TZDIR").unwrap_or_else(|_| "/usr/share/zoneinfo".to_string());
    if !Path::new(&dir).is_dir() {
        return Err(TzError::NoDatabase {
            name: s.to_string(),
            dir,
        });
    }
    let tz = TimeZone::get(s).map_err(|e| TzError::Unknown {
        name: s.to_string(),
        reason: e.to_string(),
    })?;
    let start = Timestamp::from_second(FROM_S).unwrap_or(Timestamp::MIN);
    let initial_ms = i64::from(tz.to_offset(start).seconds()) * 1000;
    let mut transitions: Vec<(i64, i64)> = Vec::new();
    for t in tz.following(start).take(MAX_TRANSITIONS) {
        let at = t.timestamp().as_millisecond();
        if at > TO_S * 1000 {
            break;
        }
        let offset = i64::from(t.offset().seconds()) * 1000;
        // Abbreviation-only or DST-flag-only changes keep the offset: not a transition here.
        let last = transitions.last().map_or(initial_ms, |&(_, o)| o);
        if offset != last {
            transitions.push((at, offset));
        }
    }
    Zone::with_transitions(s, initial_ms, transitions).map_err(|source| TzError::Invalid {
        name: s.to_string(),
        source,
    })
}

/// RFC 3339 of a UTC instant in the zone's local time: `2024-03-31T00:00:00+01:00`
/// (milliseconds shown only when not zero).
pub fn rfc3339(zone: &Zone, utc_ms: i64) -> String {
    let offset = zone.offset_at(utc_ms);
    let local = utc_ms + offset;
    let (y, mo, d) = civil_from_days(local.div_euclid(DAY_MS));
    let ms_of_day = local.rem_euclid(DAY_MS);
    let (h, mi, s, ms) = (
        ms_of_day / 3_600_000,
        ms_of_day / 60_000 % 60,
        ms_of_day / 1000 % 60,
        ms_of_day % 1000,
    );
    let sign = if offset < 0 { '-' } else { '+' };
    let off_min = offset.abs() / 60_000;
    let frac = if ms == 0 {
        String::new()
    } else {
        format!(".{ms:03}")
    };
    format!(
        "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}{sign}{:02}:{:02}",
        off_min / 60,
        off_min % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_utc() {
        assert_eq!(fixed_offset_ms("+05:30"), Some(19_800_000));
        assert_eq!(fixed_offset_ms("-0800"), Some(-28_800_000));
        assert_eq!(fixed_offset_ms("+1"), None);
        assert_eq!(fixed_offset_ms("+25:00"), None);
        let z = resolve("+05:30").unwrap();
        assert_eq!(rfc3339(&z, 0), "1970-01-01T05:30:00+05:30");
        assert_eq!(
            rfc3339(&resolve("UTC").unwrap(), 1_500),
            "1970-01-01T00:00:01.500+00:00"
        );
    }

    #[test]
    fn berlin_changes_offset_on_2024_03_31() {
        if !Path::new("/usr/share/zoneinfo/Europe/Berlin").exists() {
            return; // No tz database here: the error path is tested below.
        }
        let z = resolve("Europe/Berlin").unwrap();
        // 2024-03-31T01:00:00Z = 1_711_846_800_000: clocks go from 02:00 CET to 03:00 CEST.
        assert_eq!(z.offset_at(1_711_846_800_000 - 1), 3_600_000);
        assert_eq!(z.offset_at(1_711_846_800_000), 7_200_000);
        assert_eq!(rfc3339(&z, 1_711_846_800_000), "2024-03-31T03:00:00+02:00");
        assert!(matches!(
            resolve("Mars/Olympus_Mons"),
            Err(TzError::Unknown { .. })
        ));
    }
}
