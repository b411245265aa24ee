//! Text cells: the formula-injection guard and RFC 4180 quoting.

use std::borrow::Cow;

/// Whether a text cell starting with `c` is guarded: the OWASP formula triggers, and the
/// apostrophe itself so that [`unguard`] is exact.
fn needs_guard(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r' | '\'')
}

/// A text cell made inert for spreadsheets: a leading apostrophe when it starts with `=`, `+`,
/// `-`, `@`, tab, carriage return or an apostrophe.
pub fn guard(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some(c) if needs_guard(c) => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// Undoes [`guard`]: drops a leading apostrophe that is followed by a character `guard`
/// protects. Other text, including a lone leading apostrophe, is returned as is.
pub fn unguard(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.chars().next().is_some_and(needs_guard) => rest,
        _ => s,
    }
}

/// A CSV field: quoted, quotes doubled, when it holds a delimiter, quote, CR or LF.
pub(crate) fn quote(s: &str) -> Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_is_undone_exactly() {
        for s in [
            "=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'", "'=x", "''", "plain", "", "é",
        ] {
            assert_eq!(unguard(&guard(s)), s, "{s:?}");
        }
        assert_eq!(guard("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard("BTC-USD"), "BTC-USD");
        // A foreign cell with a lone apostrophe is not ours to strip.
        assert_eq!(unguard("'abc"), "'abc");
        assert_eq!(quote("a,\"b\""), "\"a,\"\"b\"\"\"");
        assert_eq!(quote("plain"), "plain");
    }
}
