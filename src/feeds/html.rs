//! HTML pages in the browser: parsed by the browser's own `DOMParser` into an inert document
//! (no script runs, nothing loads, nothing is shown), rows picked with `querySelectorAll`,
//! each cell with `querySelector` inside its row, and the cells handed to the core's
//! [`HtmlDecoder`]. A selector the browser refuses (`SyntaxError`) is an
//! [`HtmlMappingError::Syntax`] naming the field, never a panic.
//!
//! Chromium checks the inline styles of even an inert document against this page's CSP and
//! reports each one it blocks; [`quiet_styles`] renames them away before parsing.

use tradelens_core::decode::generic::Mapping;
use tradelens_core::decode::html::{
    guess_fields, normalize, quiet_styles, suggest_cells, CellInfo, CellRow, CellSelector,
    HtmlDecoder, HtmlMapping, HtmlMappingError, Suggestion,
};
use tradelens_core::decode::{DecodeError, Decoded, Position};
use tradelens_core::feed::preview::{preview_cells, Preview};
use wasm_bindgen::JsCast;
use web_sys::{Document, DomParser, Element, SupportedType};

use super::error::js_text;

/// The largest HTML page imported from a file, bytes: a page is parsed whole.
pub const PAGE_LIMIT: usize = 64 << 20;

/// Row selectors tried, in order, when guessing where a page's rows are.
const ROW_GUESSES: [&str; 3] = ["table tbody tr", "tr", "li"];

/// Parses `text` as an HTML document that nothing runs or loads.
pub fn parse_page(text: &str) -> Result<Document, String> {
    DomParser::new()
        .and_then(|p| p.parse_from_string(&quiet_styles(text), SupportedType::TextHtml))
        .map_err(|e| format!("the browser could not parse the page: {}", js_text(&e)))
}

fn syntax(field: &str, css: &str, e: &wasm_bindgen::JsValue) -> HtmlMappingError {
    HtmlMappingError::Syntax {
        field: field.to_string(),
        selector: tradelens_core::decode::text::truncate(css, 120).to_string(),
        message: js_text(e),
    }
}

/// The elements `css` selects in `doc`, in document order.
fn select_all(doc: &Document, field: &str, css: &str) -> Result<Vec<Element>, HtmlMappingError> {
    let list = doc
        .query_selector_all(css)
        .map_err(|e| syntax(field, css, &e))?;
    Ok((0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect())
}

/// The cells of every row of `doc` under `mapping`, in [`HtmlMapping::cells`] order.
pub fn extract(doc: &Document, mapping: &HtmlMapping) -> Result<Vec<CellRow>, HtmlMappingError> {
    let cells = mapping.cells()?;
    // Every cell selector is tried once on the document, so a bad one is reported even when
    // no row matches.
    for c in cells.iter().filter(|c| !c.css.is_empty()) {
        doc.query_selector(&c.css)
            .map_err(|e| syntax(mapping.field_of(c), &c.css, &e))?;
    }
    let rows = select_all(doc, "row", &mapping.rows)?;
    Ok(rows
        .iter()
        .map(|row| cells.iter().map(|c| read(row, c)).collect())
        .collect())
}

/// The text (`textContent`) or attribute a cell selector reads in `row`.
fn read(row: &Element, cell: &CellSelector) -> Option<String> {
    let el = if cell.css.is_empty() {
        Some(row.clone())
    } else {
        row.query_selector(&cell.css).ok().flatten()
    }?;
    match &cell.attr {
        Some(a) => el.get_attribute(a),
        None => el.text_content(),
    }
}

/// Decodes a whole page with `decoder` (a polled body or an imported file).
pub fn decode_page(decoder: &mut HtmlDecoder, text: &str) -> Result<Decoded, DecodeError> {
    let doc = parse_page(text).map_err(|e| DecodeError::shape(Position::Message, e))?;
    let rows = extract(&doc, decoder.mapping())
        .map_err(|e| DecodeError::shape(Position::Message, e.to_string()))?;
    Ok(decoder.decode_rows(&rows, 1))
}

/// What the first rows of a sample page decode to under `mapping`.
pub fn preview_page(text: &str, mapping: &HtmlMapping, max_rows: usize) -> Result<Preview, String> {
    let doc = parse_page(text)?;
    let rows = extract(&doc, mapping).map_err(|e| e.to_string())?;
    preview_cells(mapping, &rows, Vec::new(), max_rows).map_err(|e| e.to_string())
}

/// Checks the row selector and every cell selector of `fields` with the browser's own CSS
/// parser.
pub fn check_mapping(rows: &str, fields: &Mapping) -> Result<(), String> {
    let mapping = HtmlMapping {
        rows: rows.to_string(),
        fields: fields.clone(),
    };
    let doc = parse_page("")?;
    extract(&doc, &mapping).map(drop).map_err(|e| e.to_string())
}

/// How many rows `rows` selects in a sample page, and the cell selectors suggested for them.
pub fn sample_rows(text: &str, rows: &str) -> Result<(usize, Vec<String>), String> {
    let doc = parse_page(text)?;
    let n = select_all(&doc, "row", rows)
        .map_err(|e| e.to_string())?
        .len();
    let specs = suggestions(&doc, rows)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|s| s.spec)
        .collect();
    Ok((n, specs))
}

/// Cell selectors for the first row `rows` selects in `doc` that has element children,
/// labelled by its table's header cells where there are some.
pub fn suggestions(doc: &Document, rows: &str) -> Result<Vec<Suggestion>, HtmlMappingError> {
    let all = select_all(doc, "row", rows)?;
    // A header row of <th> cells has nothing to map.
    let Some(row) = all
        .iter()
        .find(|r| children(r).iter().any(|c| c.local_name() != "th"))
    else {
        return Ok(Vec::new());
    };
    let headers: Vec<String> = row
        .closest("table")
        .ok()
        .flatten()
        .and_then(|t| t.query_selector("thead tr, tr:has(> th)").ok().flatten())
        .map(|tr| {
            children(&tr)
                .iter()
                .map(|c| normalize(&c.text_content().unwrap_or_default()).into_owned())
                .collect()
        })
        .unwrap_or_default();
    let info: Vec<CellInfo> = children(row)
        .iter()
        .enumerate()
        .map(|(k, c)| CellInfo {
            tag: c.local_name(),
            classes: c
                .class_name()
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            header: headers.get(k).cloned(),
            has_datetime: c.query_selector("time[datetime]").ok().flatten().is_some(),
        })
        .collect();
    Ok(suggest_cells(&info))
}

fn children(e: &Element) -> Vec<Element> {
    let mut out = Vec::new();
    let mut next = e.first_element_child();
    while let Some(c) = next {
        next = c.next_element_sibling();
        out.push(c);
    }
    out
}

/// A first guess for a sample page: the first of a few usual row selectors that matches,
/// and cell selectors from its cells' headers; empty time and price selectors, to be typed,
/// when none is recognisable.
pub fn guess(text: &str) -> (String, Mapping) {
    let Ok(doc) = parse_page(text) else {
        return (ROW_GUESSES[0].to_string(), Mapping::new("", ""));
    };
    let rows = ROW_GUESSES
        .into_iter()
        .find(|r| doc.query_selector(r).ok().flatten().is_some())
        .unwrap_or(ROW_GUESSES[0]);
    let mut mapping = suggestions(&doc, rows)
        .ok()
        .and_then(|s| guess_fields(&s))
        .unwrap_or_else(|| Mapping::new("", ""));
    // Dates without an offset are read as UTC here, as the generic form does.
    mapping.time_format = tradelens_core::decode::generic::TimeFormat::DateTime {
        default_offset_min: Some(0),
    };
    (rows.to_string(), mapping)
}
