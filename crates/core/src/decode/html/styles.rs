//! Inline styles out of a page before it is parsed.
//!
//! The app parses pages with the browser's `DOMParser`. The document it builds is inert, but
//! Chromium still checks each `<style>` element and `style` attribute in it against the app's
//! own Content-Security-Policy (`style-src 'self'`), blocks it, and reports a violation to the
//! console: a saved shop page holds hundreds (a `type` other than CSS does not stop the check).
//! No style is data, so before parsing, `<style>` elements become `<noframes>` elements and
//! `style` attributes become [`STYLE_ATTRIBUTE`]. The parser reads a `<noframes>` as it reads
//! a `<style>`: raw text, allowed in the head (also inside `<noscript>`) and the body; only
//! directly inside a table, where a `<style>` stays, is it moved before the table, with stray
//! text next to it. No cell changes: every other byte is kept. The command line does the
//! same, so its tree matches the browser's. (`<script>` would stay in a table but leaves a
//! `<noscript>` in the head, and its escapes read text differently.)
//!
//! A small tokenizer finds them where the HTML tokenizer would: in tags, not in text,
//! comments or the raw text of `<script>` (with its escapes, `<!--<script>`), `<textarea>` and
//! the like. It does not follow the tree builder, so inside inline SVG or MathML (where CDATA
//! sections exist and `<title>` holds markup) it may read a stretch differently from the
//! browser; a test checks it against html5ever on token soup without those.

use std::borrow::Cow;

/// What a `style` attribute is renamed to.
pub const STYLE_ATTRIBUTE: &str = "data-tl-style";
/// What a `<style>` element is renamed to.
const STYLE_ELEMENT: &str = "noframes";

/// Elements whose content is text up to their end tag (RAWTEXT and RCDATA, with scripting
/// off as in a `DOMParser` document: `<noscript>` holds markup there).
const RAW_TEXT: [&[u8]; 8] = [
    b"style",
    b"script",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"title",
    b"textarea",
];

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let hay = b.get(from..)?;
    hay.windows(needle.len())
        .position(|w| w == needle)
        .map(|k| from + k)
}

/// `page` with `<style>` elements renamed `<noframes>` and `style` attributes
/// [`STYLE_ATTRIBUTE`]; borrowed when it has neither.
pub fn quiet_styles(page: &str) -> Cow<'_, str> {
    let b = page.as_bytes();
    if !b.windows(5).any(|w| w.eq_ignore_ascii_case(b"style")) {
        return Cow::Borrowed(page);
    }
    let mut edits: Vec<(usize, usize, &'static str)> = Vec::new();
    let mut i = 0;
    while let Some(k) = find(b, i, b"<") {
        i = k;
        match b.get(i + 1).copied() {
            Some(b'!') => i = markup_declaration(b, i),
            Some(b'?') => i = find(b, i, b">").map_or(b.len(), |k| k + 1),
            Some(b'/') => match b.get(i + 2) {
                Some(c) if c.is_ascii_alphabetic() => i = tag(b, i + 2, None).1,
                // `</>` is dropped; `</` then anything else opens a bogus comment.
                Some(_) => i = find(b, i + 2, b">").map_or(b.len(), |k| k + 1),
                None => break,
            },
            Some(c) if c.is_ascii_alphabetic() => {
                let (name, end) = tag(b, i + 1, Some(&mut edits));
                i = end;
                let name = &b[name.0..name.1];
                if name.eq_ignore_ascii_case(b"plaintext") {
                    break;
                }
                if let Some(raw) = RAW_TEXT.iter().find(|r| name.eq_ignore_ascii_case(r)) {
                    let Some(close) = raw_text_end(b, i, raw) else {
                        break;
                    };
                    if *raw == b"style" {
                        edits.push((close + 2, close + 2 + raw.len(), STYLE_ELEMENT));
                    }
                    // Past the end tag, through its `>`.
                    i = tag(b, close + 2, None).1;
                }
            }
            _ => i += 1,
        }
    }
    if edits.is_empty() {
        return Cow::Borrowed(page);
    }
    let mut out = String::with_capacity(page.len() + 8 * edits.len());
    let mut at = 0;
    for (start, end, with) in edits {
        // Edits are on ASCII names found in order: on char boundaries, not overlapping.
        out.push_str(&page[at..start]);
        out.push_str(with);
        at = end;
    }
    out.push_str(&page[at..]);
    Cow::Owned(out)
}

/// After `<!` at `i`: a comment (`<!-- ... -->`, `--!>` too) or a doctype or bogus comment
/// up to `>`. Returns where the text after it starts.
fn markup_declaration(b: &[u8], i: usize) -> usize {
    if b[i..].starts_with(b"<!--") {
        let body = i + 4;
        if b[body..].starts_with(b">") {
            return body + 1;
        }
        if b[body..].starts_with(b"->") {
            return body + 2;
        }
        let dash = find(b, body, b"-->").map(|k| k + 3);
        let bang = find(b, body, b"--!>").map(|k| k + 4);
        return match (dash, bang) {
            (Some(d), Some(e)) => d.min(e),
            (Some(d), None) => d,
            (None, Some(e)) => e,
            (None, None) => b.len(),
        };
    }
    find(b, i, b">").map_or(b.len(), |k| k + 1)
}

/// Whether `b[i..]` opens the tag `name` (in any case, then a space, `/` or `>`), after
/// `prefix` (`<` or `</`).
fn tag_at(b: &[u8], i: usize, prefix: &[u8], name: &[u8]) -> bool {
    let start = i + prefix.len();
    let after = start + name.len();
    b[i..].starts_with(prefix)
        && b.get(start..after)
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
        && b.get(after)
            .is_some_and(|&c| is_space(c) || c == b'/' || c == b'>')
    // At the end of the page the name is text, not a tag.
}

/// The position of the end tag `</name` closing raw text that starts at `from`.
fn raw_text_end(b: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    if name == b"script" {
        return script_end(b, from);
    }
    let mut at = from;
    while let Some(k) = find(b, at, b"</") {
        if tag_at(b, k, b"</", name) {
            return Some(k);
        }
        at = k + 2;
    }
    None
}

/// The end of a script's text: `</script` unless inside `<!--<script>...</script>-->`
/// (the script data escaped and double escaped states).
fn script_end(b: &[u8], from: usize) -> Option<usize> {
    #[derive(PartialEq)]
    enum State {
        Data,
        Escaped,
        DoubleEscaped,
    }
    let mut state = State::Data;
    let mut i = from;
    while i < b.len() {
        let rest = &b[i..];
        match state {
            State::Data if rest.starts_with(b"<!--") => {
                // The dashes count towards a closing `-->`: `<!-->` ends at once.
                state = State::Escaped;
                i += 2;
                continue;
            }
            State::Data | State::Escaped if tag_at(b, i, b"</", b"script") => return Some(i),
            State::Escaped | State::DoubleEscaped if rest.starts_with(b"-->") => {
                state = State::Data;
                i += 3;
                continue;
            }
            State::Escaped if tag_at(b, i, b"<", b"script") => state = State::DoubleEscaped,
            State::DoubleEscaped if tag_at(b, i, b"</", b"script") => state = State::Escaped,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Reads a tag whose name starts at `start`, through its attributes, to just after its `>`
/// (or the end of the page). Returns the name's span and that position; records renames in
/// `edits` when given (start tags).
fn tag(
    b: &[u8],
    start: usize,
    mut edits: Option<&mut Vec<(usize, usize, &'static str)>>,
) -> ((usize, usize), usize) {
    let n = b.len();
    let mut j = start;
    while j < n && !(is_space(b[j]) || b[j] == b'/' || b[j] == b'>') {
        j += 1;
    }
    let name = (start, j);
    if let Some(e) = edits.as_deref_mut() {
        if b[start..j].eq_ignore_ascii_case(b"style") {
            e.push((start, j, STYLE_ELEMENT));
        }
    }
    loop {
        while j < n && (is_space(b[j]) || b[j] == b'/') {
            j += 1;
        }
        if j >= n {
            return (name, n);
        }
        if b[j] == b'>' {
            return (name, j + 1);
        }
        // An attribute name; a leading `=` belongs to it.
        let attr = j;
        j += 1;
        while j < n && !(is_space(b[j]) || matches!(b[j], b'/' | b'>' | b'=')) {
            j += 1;
        }
        if let Some(e) = edits.as_deref_mut() {
            if b[attr..j].eq_ignore_ascii_case(b"style") {
                e.push((attr, j, STYLE_ATTRIBUTE));
            }
        }
        while j < n && is_space(b[j]) {
            j += 1;
        }
        if j < n && b[j] == b'=' {
            j += 1;
            while j < n && is_space(b[j]) {
                j += 1;
            }
            match b.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    j = find(b, j + 1, &[q]).map_or(n, |k| k + 1);
                }
                Some(b'>') => return (name, j + 1),
                Some(_) => {
                    while j < n && !is_space(b[j]) && b[j] != b'>' {
                        j += 1;
                    }
                }
                None => return (name, n),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_are_renamed_and_nothing_else() {
        let cases = [
            ("<p>style</p>", "<p>style</p>"),
            (
                "<STYLE type=text/css>p { x: '<style>' }</Style ><td style=\"a\" class=b>",
                "<noframes type=text/css>p { x: '<style>' }</noframes ><td data-tl-style=\"a\" class=b>",
            ),
            (
                "<td title='style=x' STYLE = 'color:red'>style=1</td>",
                "<td title='style=x' data-tl-style = 'color:red'>style=1</td>",
            ),
            // Comments, raw text and end tags are left alone.
            (
                "<!-- <td style=x> --><script>a='<p style=x>'</script><textarea><b style=1></textarea>",
                "<!-- <td style=x> --><script>a='<p style=x>'</script><textarea><b style=1></textarea>",
            ),
            ("</p style=x><i/style=y>", "</p style=x><i/data-tl-style=y>"),
            ("<style>unclosed <td style=x>", "<noframes>unclosed <td style=x>"),
            ("<styles><b stylex=1>", "<styles><b stylex=1>"),
            ("<!--><style>", "<!--><noframes>"),
            ("<a href=x?style=1 style>é</a>", "<a href=x?style=1 data-tl-style>é</a>"),
            ("<plaintext><p style=x>", "<plaintext><p style=x>"),
            ("<script><!--<script>'<style>'</script>--></script><b style>", "<script><!--<script>'<style>'</script>--></script><b data-tl-style>"),
            ("<style>x</style", "<noframes>x</style"),
            // `</` not before a letter opens a bogus comment, to the next `>`.
            ("</\"<style>x=1<b style>", "</\"<style>x=1<b data-tl-style>"),
        ];
        for (page, want) in cases {
            assert_eq!(quiet_styles(page), want, "{page}");
        }
        assert!(matches!(quiet_styles("<p>no styles</p>"), Cow::Borrowed(_)));
    }

    // Its law, that html5ever reads the same elements, attributes and text before and after
    // (renames aside), needs an HTML parser: the command line tests it, and the html fuzz
    // target.
}
