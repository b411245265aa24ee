//! Time zones read from the browser as core [`Zone`]s: the visitor's own, or one named by the
//! dashboard's zone setting (offsets from `Intl.DateTimeFormat`, which knows every IANA zone).

use js_sys::{Array, Intl, Object, Reflect};
use tradelens_core::civil::days_from_civil;
use tradelens_core::settings::ZoneChoice;
use tradelens_core::zone::Zone;
use wasm_bindgen::JsValue;

const DAY_MS: i64 = 86_400_000;

/// Offset of the browser's local time from UTC at an instant, in ms.
fn local_offset(utc_ms: i64) -> i64 {
    let minutes = js_sys::Date::new(&JsValue::from_f64(utc_ms as f64)).get_timezone_offset();
    // getTimezoneOffset is UTC minus local, in minutes.
    -(minutes.round() as i64) * 60_000
}

/// The IANA name of the browser's zone, or `local` where the browser does not say.
pub fn browser_zone_name() -> String {
    local_name()
}

fn local_name() -> String {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    js_sys::Reflect::get(&options, &JsValue::from_str("timeZone"))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| "local".to_owned())
}

/// The browser's zone between `from_ms` and `to_ms`.
pub fn browser_zone(from_ms: i64, to_ms: i64) -> Zone {
    sampled_zone(local_name(), local_offset, from_ms, to_ms)
}

/// The zone `choice` names, between `from_ms` and `to_ms`.
pub fn chosen_zone(choice: ZoneChoice, from_ms: i64, to_ms: i64) -> Zone {
    match choice {
        ZoneChoice::Browser => browser_zone(from_ms, to_ms),
        ZoneChoice::Named("UTC") => Zone::utc(),
        ZoneChoice::Named(name) => match named_offsets(name) {
            Some(format) => sampled_zone(
                name.to_owned(),
                |t| intl_offset(&format, t).unwrap_or(0),
                from_ms,
                to_ms,
            ),
            // Every zone offered is one all browsers know; one that does not falls back to
            // the visitor's own, which is still a right answer in its own terms.
            None => browser_zone(from_ms, to_ms),
        },
    }
}

/// A formatter printing the civil time in zone `name` as numbers, or `None` if the browser
/// does not know the zone.
fn named_offsets(name: &str) -> Option<Intl::DateTimeFormat> {
    let options = Object::new();
    let set =
        |k: &str, v: &str| Reflect::set(&options, &JsValue::from_str(k), &JsValue::from_str(v));
    set("timeZone", name).ok()?;
    set("hourCycle", "h23").ok()?;
    for part in ["year", "month", "day", "hour", "minute", "second"] {
        set(part, "numeric").ok()?;
    }
    // Only names from the core's list get here (every browser knows them; an unknown one
    // would throw); the resolved name is checked all the same.
    let format = Intl::DateTimeFormat::new(&Array::of1(&"en-US".into()), &options);
    let resolved = Reflect::get(&format.resolved_options(), &JsValue::from_str("timeZone"))
        .ok()?
        .as_string()?;
    (resolved == name).then_some(format)
}

/// The offset of the civil time `format` prints at `utc_ms` from UTC, in ms.
fn intl_offset(format: &Intl::DateTimeFormat, utc_ms: i64) -> Option<i64> {
    let utc_s = utc_ms.div_euclid(1000) * 1000;
    let date = js_sys::Date::new(&JsValue::from_f64(utc_s as f64));
    let mut civil = [0i64; 6];
    for part in format.format_to_parts(&date).iter() {
        let kind = Reflect::get(&part, &JsValue::from_str("type"))
            .ok()?
            .as_string()?;
        let index = ["year", "month", "day", "hour", "minute", "second"]
            .iter()
            .position(|k| *k == kind);
        if let Some(i) = index {
            let value = Reflect::get(&part, &JsValue::from_str("value"))
                .ok()?
                .as_string()?;
            civil[i] = value.parse().ok()?;
        }
    }
    let [y, mo, d, h, mi, s] = civil;
    let local = days_from_civil(y, u32::try_from(mo).ok()?, u32::try_from(d).ok()?) * DAY_MS
        + (h % 24) * 3_600_000
        + mi * 60_000
        + s * 1000;
    Some(local - utc_s)
}

/// A zone from its offset function between `from_ms` and `to_ms`: offsets sampled daily, each
/// change found to the millisecond by bisection (zones change at most a few times a year, and
/// never twice within a day).
fn sampled_zone(name: String, offset_at: impl Fn(i64) -> i64, from_ms: i64, to_ms: i64) -> Zone {
    let local_offset = offset_at;
    let initial = local_offset(from_ms);
    let mut transitions = Vec::new();
    let (mut t, mut offset) = (from_ms, initial);
    while t < to_ms {
        let next = t + DAY_MS;
        let next_offset = local_offset(next);
        if next_offset != offset {
            // The change lies in (t, next]: find the first instant with the new offset.
            let (mut lo, mut hi) = (t, next);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if local_offset(mid) == offset {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            transitions.push((hi, next_offset));
            offset = next_offset;
        }
        t = next;
    }
    Zone::with_transitions(name, initial, transitions)
        .unwrap_or_else(|_| Zone::fixed("UTC", 0).unwrap_or_default())
}
