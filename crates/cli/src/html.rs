//! HTML pages (`--format html`): the whole page is read, at most [`PAGE_LIMIT`] bytes, parsed
//! with html5ever and its cells picked with `scraper`'s CSS selectors.
//!
//! html5ever follows the HTML5 tree-building algorithm browsers follow, so the tree is the one
//! the app's `DOMParser` builds (a `<tbody>` implied around bare `<tr>`s, unclosed `<td>`s
//! closed), and `selectors` is the CSS engine of Servo and Firefox: a mapping tried in the
//! browser picks the same cells here. As with `querySelectorAll`, the row selector is matched
//! against the whole document, and each cell selector inside a row yields the row's first
//! matching descendant (ancestors outside the row count for matching, as in the browser).

use scraper::{ElementRef, Html, Selector};
use tradelens_core::decode::html::{CellRow, CellSelector, HtmlMapping, HtmlMappingError};

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
    let doc = Html::parse_document(page);
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
