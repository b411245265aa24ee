//! Small text helpers every dialect shares: strict decimals, id hashing, side words.

use crate::model::Side;

/// Parses plain decimal text (`12`, `-0.5`, `4.00000100`, `.5`, `1e-3`) to the nearest `f64`.
///
/// Accepts an optional sign, digits with at most one `.`, and an optional exponent. Rejects
/// everything else, including `NaN`, `inf`, hex, blanks and the empty string, and any value
/// too large to be finite. Rust's `str::parse::<f64>` is correctly rounded, so the result is
/// the `f64` closest to the decimal written.
pub fn parse_decimal(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    let mut digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    s.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Parses a decimal written with a decimal comma (`1.234,56` or `1 234,56`): `.`, spaces and
/// no-break spaces are read as digit grouping and dropped, and the comma is the decimal point.
pub fn parse_decimal_comma(s: &str) -> Option<f64> {
    let cleaned: String = s
        .chars()
        .filter(|c| !matches!(c, '.' | ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    parse_decimal(&cleaned)
}

/// 64-bit FNV-1a of `bytes`: offset basis `0xcbf29ce484222325`, prime `0x100000001b3`.
///
/// Stable across versions and platforms, so ids stored today match ids decoded tomorrow.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The `u64` id of a textual id: plain decimal digits that fit a `u64` are the number itself;
/// anything else (`#1001`, `ch_3Ma...`, a UUID) is the [`fnv1a`] hash of its UTF-8 bytes.
pub fn id_from_text(s: &str) -> u64 {
    if !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = s.parse::<u64>() {
            return n;
        }
    }
    fnv1a(s.as_bytes())
}

/// Reads a side word: `buy`/`b`/`bid` or `sell`/`s`/`ask`, any case, surrounding blanks ignored.
pub fn parse_side(s: &str) -> Option<Side> {
    let w = s.trim();
    for (word, side) in [
        ("buy", Side::Buy),
        ("b", Side::Buy),
        ("bid", Side::Buy),
        ("sell", Side::Sell),
        ("s", Side::Sell),
        ("ask", Side::Sell),
    ] {
        if w.eq_ignore_ascii_case(word) {
            return Some(side);
        }
    }
    None
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
pub fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_strict() {
        assert_eq!(parse_decimal("4.00000100"), Some(4.000001));
        assert_eq!(parse_decimal("-.5"), Some(-0.5));
        assert_eq!(parse_decimal("1e-3"), Some(0.001));
        for bad in [
            "", "NaN", "inf", "-inf", "0x10", " 1", "1 ", "1.2.3", ".", "e5", "1e", "1e400", "+",
        ] {
            assert_eq!(parse_decimal(bad), None, "{bad:?}");
        }
        assert_eq!(parse_decimal_comma("1.234,56"), Some(1234.56));
        for (w, side) in [("BUY", Side::Buy), (" b ", Side::Buy), ("Bid", Side::Buy)] {
            assert_eq!(parse_side(w), Some(side));
        }
        for (w, side) in [("sell", Side::Sell), ("S", Side::Sell), ("ASK", Side::Sell)] {
            assert_eq!(parse_side(w), Some(side));
        }
        assert_eq!(parse_side("long"), None);
    }

    #[test]
    fn fnv1a_known_answers() {
        // Published FNV-1a 64 test vectors: "" -> offset basis, "a" -> 0xaf63dc4c8601ec8c.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(id_from_text("86327327"), 86_327_327);
        assert_eq!(id_from_text("#1001"), fnv1a(b"#1001"));
        assert_eq!(truncate("héllo", 2), "h");
    }
}
