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
    quiet_styles, CellRow, CellSelector, HtmlMapping, HtmlMappingError,
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

/// `page` parsed as a `DOMParser` document.
pub fn parse(page: &str) -> Html {
    let opts = ParseOpts {
        tree_builder: TreeBuilderOpts {
            scripting_enabled: false,
            ..TreeBuilderOpts::default()
        },
        ..ParseOpts::default()
    };
    driver::parse_document(HtmlTreeSink::new(Html::new_document()), opts).one(&*quiet_styles(page))
}

/// The attribute `cell` names, or the element's text (every descendant text node, as
/// `textContent`).
fn read(e: ElementRef<'_>, cell: &CellSelector) -> Option<String> {
    match &cell.attr {
        Some(a) => e.value().attr(a).map(str::to_string),
        None => Some(e.text().collect()),
    }
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

    /// Every element's name, attributes and own text, in document order, with the renames
    /// of `quiet_styles` undone.
    fn shape(doc: &Html) -> Vec<String> {
        doc.tree
            .nodes()
            .map(|n| match n.value() {
                scraper::Node::Element(e) => {
                    let name = e.name().replace("noframes", "style");
                    // scraper keeps attributes sorted by name: sort again after the rename.
                    let mut attrs: Vec<String> = e
                        .attrs()
                        .map(|(k, v)| format!("{}={v}", k.replace("data-tl-style", "style")))
                        .collect();
                    attrs.sort();
                    format!("<{name} {attrs:?}>")
                }
                scraper::Node::Text(t) => format!("{:?}", &**t),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn quieting_styles_changes_no_text_and_no_structure() {
        let plain = |p: &str| {
            driver::parse_document(
                HtmlTreeSink::new(Html::new_document()),
                ParseOpts {
                    tree_builder: TreeBuilderOpts {
                        scripting_enabled: false,
                        ..TreeBuilderOpts::default()
                    },
                    ..ParseOpts::default()
                },
            )
            .one(p)
        };
        let fixture = include_str!("../../core/tests/fixtures/orders_page.html");
        assert_eq!(shape(&parse(fixture)), shape(&plain(fixture)));
        assert!(parse(fixture).html().contains("<noframes>td.price"));
        // Token soup: html5ever and quiet_styles agree on where tags, attributes, comments
        // and raw text are (inline SVG and MathML are not modelled: see quiet_styles).
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
        ];
        let mut rng = fastrand::Rng::with_seed(11);
        for _ in 0..5_000 {
            let page: String = (0..rng.usize(0..24))
                .map(|_| parts[rng.usize(0..parts.len())])
                .collect();
            if page.contains("noframes") || page.contains("data-tl-style") {
                continue;
            }
            assert_eq!(shape(&parse(&page)), shape(&plain(&page)), "{page:?}");
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
