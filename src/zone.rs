//! The visitor's own time zone, read from the browser, as a core [`Zone`].

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
fn local_name() -> String {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    js_sys::Reflect::get(&options, &JsValue::from_str("timeZone"))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| "local".to_owned())
}

/// The browser's zone between `from_ms` and `to_ms`: offsets sampled daily, each change found
/// to the millisecond by bisection (zones change at most a few times a year, and never twice
/// within a day).
pub fn browser_zone(from_ms: i64, to_ms: i64) -> Zone {
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
    Zone::with_transitions(local_name(), initial, transitions)
        .unwrap_or_else(|_| Zone::fixed("UTC", 0).unwrap_or_default())
}
