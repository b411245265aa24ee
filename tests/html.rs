//! Browser tests of HTML pages: the browser's own `DOMParser` builds an inert document, the
//! mapping picks rows and cells in it, and the core converts them. The page is a saved shop
//! page shared with the command line's tests.

use leptos::prelude::*;
use tradelens::feeds::html::{extract, guess, parse_page};
use tradelens_core::decode::html::{HtmlDecoder, HtmlMapping, HtmlMappingError};
use tradelens_core::decode::Position;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

const PAGE: &str = include_str!("../crates/core/tests/fixtures/orders_page.html");
const MAP: &str = "row=#orders tbody tr,id=td.order,time=td.time time@datetime,\
                   price=td.price,qty=td.qty,symbol=td.product,category=td.category";

#[wasm_bindgen_test]
fn a_saved_page_decodes_through_the_browsers_parser() {
    let doc = parse_page(PAGE).unwrap();
    // The parsed document is separate from ours: its title is the page's.
    assert_eq!(doc.title(), "Recent orders – Tea & Cake Shop");
    let mapping = HtmlMapping::parse(MAP).unwrap();
    let rows = extract(&doc, &mapping).unwrap();
    assert_eq!(rows.len(), 6);
    let out = HtmlDecoder::new(mapping).unwrap().decode_rows(&rows, 1);
    // Decoding keeps the repeated #1001 (dedup is the cleaner's job); #1003 has no price.
    assert_eq!(out.trades.len(), 5);
    let t = &out.trades[1];
    assert_eq!((t.price, t.qty, &*t.symbol), (4.25, 1.0, "Carrot cake"));
    // The escaped markup in a cell is its text, not an element.
    assert_eq!(&*out.trades[2].symbol, "<script>alert(1)</script>");
    assert_eq!(out.rejects.len(), 1);
    assert_eq!(out.rejects[0].error.position(), Some(&Position::Row(3)));
    assert!(out.rejects[0]
        .error
        .to_string()
        .contains("`td.price` (price) has value `n/a`"));
}

#[wasm_bindgen_test]
async fn nothing_in_a_parsed_page_runs_or_loads() {
    let window = web_sys::window().unwrap();
    let page = r#"<table><tr><td class=p>1</td><td class=t>2025-10-07T09:50:26Z</td>
        <td><img src="x" onerror="window.__tl_pwned = 1"><script>window.__tl_pwned = 2</script>
        <iframe srcdoc="<script>parent.__tl_pwned = 3</script>"></iframe></td></tr></table>"#;
    let doc = parse_page(page).unwrap();
    let m = HtmlMapping::parse("row=tr,time=td.t,price=td.p,symbol=td:nth-child(3)").unwrap();
    let rows = extract(&doc, &m).unwrap();
    // The script's text is the cell's text content; it never ran.
    assert!(rows[0][2]
        .as_deref()
        .unwrap()
        .contains("window.__tl_pwned = 2"));
    for _ in 0..10 {
        next_frame().await;
    }
    let pwned = js_sys::Reflect::get(&window, &JsValue::from_str("__tl_pwned")).unwrap();
    assert!(pwned.is_undefined(), "a handler ran: {pwned:?}");
}

#[wasm_bindgen_test]
fn the_tree_is_html5s_and_bad_css_is_an_error_not_a_panic() {
    // No <tbody> written: the parser adds one, so `table > tr` selects nothing (as in the
    // command line's parser, which builds the same tree).
    let doc = parse_page("<table><tr><td>1<td>2.5</table>").unwrap();
    let direct = HtmlMapping::parse("row=table > tr,time=td,price=td").unwrap();
    assert!(extract(&doc, &direct).unwrap().is_empty());
    let implied =
        HtmlMapping::parse("row=table > tbody > tr,time=td,price=td:nth-child(2)").unwrap();
    assert_eq!(
        extract(&doc, &implied).unwrap(),
        [[Some("1".to_string()), Some("2.5".to_string())]]
    );
    // querySelectorAll throws SyntaxError: the error names the field.
    for (text, field) in [
        ("row=tr!,time=td,price=td", "row"),
        ("row=tr,time=td,price=td:nth-child(x)", "price"),
    ] {
        let m = HtmlMapping::parse(text).unwrap();
        match extract(&doc, &m) {
            Err(HtmlMappingError::Syntax {
                field: f, message, ..
            }) => {
                assert_eq!(f, field);
                assert!(!message.is_empty());
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[wasm_bindgen_test]
fn a_first_guess_comes_from_the_tables_header() {
    let (rows, m) = guess(PAGE);
    assert_eq!(rows, "table tbody tr");
    assert_eq!(m.time, "td.time time@datetime");
    assert_eq!(m.price, "td.price");
    assert_eq!(m.qty.as_deref(), Some("td.qty"));
    assert_eq!(m.symbol.as_deref(), Some("td.product"));
    // Nothing recognisable: empty selectors to type, and the usual rows.
    let (rows, m) = guess("<ul><li>a</li></ul>");
    assert_eq!(
        (rows.as_str(), m.time.as_str(), m.price.as_str()),
        ("li", "", "")
    );
}

fn count(root: &HtmlElement, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

#[wasm_bindgen_test]
async fn the_html_mapping_form_previews_rows_and_reports_bad_selectors() {
    use tradelens::components::feeds::HtmlMappingEditor;
    let root = fresh_container();
    let (r, m) = guess(PAGE);
    let rows = RwSignal::new(r);
    let mapping = RwSignal::new(Some(m));
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <HtmlMappingEditor page=Signal::derive(|| PAGE.to_string()) rows=rows mapping=mapping /> }
    });
    handle.forget();
    wait_for("preview rows", || {
        count(&root, "[data-testid=preview-row]") == 5
    })
    .await;
    assert_eq!(
        attr(&root, "[data-testid=html-row-count]", "data-count").as_deref(),
        Some("6")
    );
    let text = root.text_content().unwrap();
    assert!(text.contains("price ← td.price"), "{text}");
    assert!(text.contains("<script>alert(1)</script>"), "{text}");
    assert_eq!(
        count(&root, "script"),
        0,
        "markup in cells is shown as text"
    );
    assert_eq!(count(&root, "[data-testid=preview-reject]"), 1);
    // The suggestions are the first data row's cells.
    assert!(count(&root, "datalist option[value='td.qty']") == 1);
    // A selector the browser refuses says so, in place of the preview.
    rows.set("tr!".into());
    wait_for("the row selector error", || {
        query(&root, "[data-testid=html-rows-error]").is_some()
    })
    .await;
    let e = query(&root, "[data-testid=preview-error]").unwrap();
    assert!(
        e.text_content()
            .unwrap()
            .contains("the selector for `row` is not valid CSS"),
        "{:?}",
        e.text_content()
    );
    assert_eq!(count(&root, "[data-testid=preview-row]"), 0);
}

#[wasm_bindgen_test]
async fn importing_a_saved_page_ingests_and_quarantines() {
    use tradelens::feeds::spec::FileFormat;
    use tradelens::feeds::FeedSpec;
    use tradelens_core::feed::preview::SampleFormat;
    let (live, feeds) = paused_feeds();
    let before = live.with_engine(|e| e.len());
    let m = HtmlMapping::parse(MAP).unwrap();
    let spec = FeedSpec::File {
        name: "orders_page.html".into(),
        format: FileFormat::Generic(SampleFormat::Html),
        mapping: Some(m.fields),
        rows: Some(m.rows),
    };
    let status = import_file(feeds, spec, PAGE.as_bytes()).await;
    assert_eq!(status.accepted, 4);
    assert_eq!(live.with_engine(|e| e.len()), before + 4);
    let reasons = feeds
        .with_cleaner(|c| {
            c.quarantine()
                .entries()
                .map(|e| e.reason.name())
                .collect::<Vec<_>>()
        })
        .unwrap();
    assert_eq!(reasons, ["invalid_price", "duplicate"]);
}
