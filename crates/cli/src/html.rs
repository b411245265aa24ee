//! HTML pages (`--format html`): the whole page is read, at most [`PAGE_LIMIT`] bytes, parsed
//! with html5ever and its cells picked with `scraper`'s CSS selectors.
//!
//! The page is parsed as the app's `DOMParser` parses it: scripting off (a `<noscript>` holds
//! markup, not text), and after [`quiet_styles`], which the app needs for its CSP.
//!
//! html5ever follows the HTML5 tree-building algorithm browsers follow, so the tree is the one
//! the app's `DOMParser` builds (a `<tbody>` implied around bare `<tr>`s, unclosed `<td>`s
//! closed), and `selectors` is the CSS engine of Servo and Firefox: a mapping tried in the
//! browser picks the same cells here. As with `querySelectorAll`, the row selector is matched
//! against the whole document, and each cell selector inside a row yields the row's first
//! matching descendant (ancestors outside the row count for matching, as in the browser).

use html5ever::driver::{self, ParseOpts};
use html5ever::tendril::TendrilSink;
use html5ever::tree_builder::TreeBuilderOpts;
use scraper::{ElementRef, Html, HtmlTreeSink, Selector};
use tradelens_core::decode::html::{
    normalize, quiet_styles, CellRow, CellSelector, HtmlMapping, HtmlMappingError, STYLE_ATTRIBUTE,
};

/// The largest page read, bytes.
pub const PAGE_LIMIT: u64 = 256 << 20;

fn selector(field: &str, css: &str) -> Result<Selector, HtmlMappingError> {
    Selector::parse(css).map_err(|e| HtmlMappingError::Syntax {
        field: field.to_string(),
        selector: tradelens_core::decode::text::truncate(css, 120).to_string(),
        message: e.to_string(),
    })
}

/// The cells of every row of `page` under `mapping`, in [`HtmlMapping::cells`] order.
pub fn extract(page: &str, mapping: &HtmlMapping) -> Result<Vec<CellRow>, HtmlMappingError> {
    let cells = mapping.cells()?;
    let rows = selector("row", &mapping.rows)?;
    let compiled: Vec<(Option<Selector>, &CellSelector)> = cells
        .iter()
        .map(|c| {
            let css = (!c.css.is_empty())
                .then(|| selector(mapping.field_of(c), &c.css))
                .transpose()?;
            Ok((css, c))
        })
        .collect::<Result<_, HtmlMappingError>>()?;
    let doc = parse(page);
    Ok(doc
        .select(&rows)
        .map(|row| {
            compiled
                .iter()
                .map(|(css, cell)| {
                    let el = match css {
                        None => Some(row),
                        Some(s) => row.select(s).next(),
                    };
                    el.and_then(|e| read(e, cell))
                })
                .collect()
        })
        .collect())
}

/// `page` parsed as the app parses it: styles quieted, then as a `DOMParser` document.
pub fn parse(page: &str) -> Html {
    parse_scripting_off(&quiet_styles(page))
}

/// `page` parsed with scripting off, as a `DOMParser` document is.
pub fn parse_scripting_off(page: &str) -> Html {
    let opts = ParseOpts {
        tree_builder: TreeBuilderOpts {
            scripting_enabled: false,
            ..TreeBuilderOpts::default()
        },
        ..ParseOpts::default()
    };
    driver::parse_document(HtmlTreeSink::new(Html::new_document()), opts).one(page)
}

/// The attribute `cell` names, or the element's text (every descendant text node, as
/// `textContent`).
fn read(e: ElementRef<'_>, cell: &CellSelector) -> Option<String> {
    match &cell.attr {
        Some(a) => e.value().attr(a).map(str::to_string),
        None => Some(e.text().collect()),
    }
}

/// What of `doc` a mapping can read, in document order: every element but `<style>` and
/// `<noframes>`, with its attributes (the `style` attribute's rename undone) and its text
/// without theirs, whitespace collapsed. The outlines of a page parsed before and after
/// [`quiet_styles`] are equal when it changed nothing a mapping reads.
///
/// The text of `table`, `thead`, `tbody`, `tfoot` and `tr` is left out: a `<style>` may stand
/// directly in a table, a `<noframes>` is moved before it, and stray text next to it can move
/// with it. Rows are never read as text (a row offers its attributes, its cells their text).
pub fn outline(doc: &Html) -> Vec<String> {
    const TABLE_PARTS: [&str; 5] = ["table", "thead", "tbody", "tfoot", "tr"];
    let hidden = |v: &scraper::Node| {
        v.as_element()
            .is_some_and(|e| matches!(e.name(), "style" | "noframes"))
    };
    let shown = |n: &ego_tree::NodeRef<'_, scraper::Node>| {
        !hidden(n.value()) && !n.ancestors().any(|a| hidden(a.value()))
    };
    doc.tree
        .nodes()
        .filter(|n| shown(n))
        .filter_map(ElementRef::wrap)
        .map(|e| {
            let name = e.value().name();
            let mut attrs: Vec<String> = e
                .value()
                .attrs()
                .map(|(k, v)| format!("{}={v}", k.replace(STYLE_ATTRIBUTE, "style")))
                .collect();
            attrs.sort();
            let text: String = if TABLE_PARTS.contains(&name) {
                String::new()
            } else {
                e.descendants()
                    .filter(|d| shown(d))
                    .filter_map(|d| d.value().as_text().map(|t| t.to_string()))
                    .collect()
            };
            format!("<{name} {attrs:?}> {:?}", normalize(&text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(page: &str, mapping: &str) -> Vec<CellRow> {
        extract(page, &HtmlMapping::parse(mapping).unwrap()).unwrap()
    }

    fn text(rows: &[CellRow]) -> Vec<Vec<&str>> {
        rows.iter()
            .map(|r| r.iter().map(|c| c.as_deref().unwrap_or("-")).collect())
            .collect()
    }

    #[test]
    fn rows_get_an_implied_tbody_as_in_the_browser() {
        // No <tbody> in the source: the parser adds one, so `table > tr` matches nothing and
        // `tbody > tr` matches the rows, exactly as in the browser's DOM.
        let page = "<table><tr><td>1<td>2.5</table>";
        assert!(cells(page, "row=table > tr,time=td,price=td").is_empty());
        let rows = cells(
            page,
            "row=tbody > tr,time=td:nth-child(1),price=td:nth-child(2)",
        );
        assert_eq!(text(&rows), [["1", "2.5"]]);
    }

    #[test]
    fn cells_read_first_match_text_or_attribute() {
        let page = r#"<ul>
            <li data-id="7"><span class=p>1<b>0</b>.5</span><span class=p>99</span>
                <time datetime="2025-10-07T09:50:26Z">today</time></li>
            <li data-id="8"><span class=p>3</span></li>
        </ul>"#;
        let rows = cells(
            page,
            "row=li,id=@data-id,time=time@datetime,price=span.p,symbol=:scope > time",
        );
        assert_eq!(
            text(&rows),
            [
                ["7", "2025-10-07T09:50:26Z", "10.5", "today"],
                ["8", "-", "3", "-"],
            ]
        );
    }

    #[test]
    fn noscript_holds_markup_as_in_a_domparser_document() {
        let page = "<noscript><table><tr><td>1</td><td>2</td></tr></table></noscript>";
        assert_eq!(
            text(&cells(page, "row=tr,time=td,price=td:nth-child(2)")),
            [["1", "2"]]
        );
    }

    #[test]
    fn quieting_styles_changes_no_text_and_no_structure() {
        let plain = parse_scripting_off;
        let fixture = include_str!("../../core/tests/fixtures/orders_page.html");
        assert_eq!(outline(&parse(fixture)), outline(&plain(fixture)));
        assert!(parse(fixture).html().contains("<noframes>td.price"));
        // Token soup: quiet_styles finds tags, attributes, comments and raw text where
        // html5ever does, so nothing a mapping reads changes (inline SVG and MathML are not
        // modelled: see quiet_styles). 1.2 M pages of it agreed when this was written.
        let parts = [
            "<",
            ">",
            "/",
            "style",
            "STYLE",
            "=",
            "\"",
            "'",
            " ",
            "<!--",
            "-->",
            "--!>",
            "</",
            "textarea",
            "title",
            "<!",
            "é",
            "a",
            "td",
            "\n",
            "x=1",
            "<td ",
            "</style>",
            "script",
            "<script>",
            "</script>",
            "xmp",
            "noscript",
            "iframe",
            "plaintext",
            "\t",
            "?",
            "-",
            "<table>",
            "<tr>",
            "<td>",
            "<noframes>",
            "<head>",
        ];
        let mut rng = fastrand::Rng::with_seed(11);
        for _ in 0..5_000 {
            let page: String = (0..rng.usize(0..24))
                .map(|_| parts[rng.usize(0..parts.len())])
                .collect();
            if page.contains("data-tl-style") {
                continue;
            }
            assert_eq!(outline(&parse(&page)), outline(&plain(&page)), "{page:?}");
            // And no byte but the renames changes.
            let back = quiet_styles(&page)
                .replace(STYLE_ATTRIBUTE, "style")
                .replace("noframes", "style");
            let page_back = page.replace("noframes", "style");
            assert_eq!(back.to_lowercase(), page_back.to_lowercase(), "{page:?}");
        }
    }

    #[test]
    fn invalid_css_is_an_error_naming_the_field() {
        let m = HtmlMapping::parse("row=tr,time=td:nth-child(x),price=td").unwrap();
        let e = extract("<p>", &m).unwrap_err();
        assert!(
            matches!(&e, HtmlMappingError::Syntax { field, .. } if field == "time"),
            "{e}"
        );
        let m = HtmlMapping::parse("row=tr!,time=td,price=td").unwrap();
        assert!(matches!(
            extract("<p>", &m),
            Err(HtmlMappingError::Syntax { field, .. }) if field == "row"
        ));
    }
}
