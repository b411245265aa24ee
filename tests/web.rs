//! Browser tests: the dashboard mounted in real Chromium, drawing on a real canvas.
//!
//! Each test mounts into a fresh element and waits for conditions (animation frames), never
//! for a fixed time.

use leptos::prelude::*;
use tradelens::app::Dashboard;
use tradelens::live::{history_ms, Live};
use tradelens::theme::parse_hex;
use tradelens_core::demo::{DemoConfig, DemoFeed, DemoMode};
use tradelens_core::engine::{BucketSize, EngineSpec};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

/// A fixed "now", so each test knows exactly which trades the demo produced.
const NOW: i64 = 1_764_000_000_000;

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh, laid-out container at desktop width.
fn fresh_container() -> HtmlElement {
    let el: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    el.set_attribute("style", "width: 1000px").unwrap();
    document().body().unwrap().append_child(&el).unwrap();
    el
}

async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .request_animation_frame(&resolve)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// Waits up to 300 frames for `cond`; panics with `what` if it never holds.
async fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..300 {
        if cond() {
            return;
        }
        next_frame().await;
    }
    panic!("timed out waiting for {what}");
}

fn query(root: &HtmlElement, selector: &str) -> Option<web_sys::Element> {
    root.query_selector(selector).unwrap()
}

fn canvas(root: &HtmlElement, testid: &str) -> HtmlCanvasElement {
    query(root, &format!("[data-testid={testid}]"))
        .unwrap()
        .unchecked_into()
}

fn attr(root: &HtmlElement, selector: &str, name: &str) -> Option<String> {
    query(root, selector).and_then(|e| e.get_attribute(name))
}

/// Pixels in the chart's plot area that differ from its top-left background pixel.
fn drawn_pixels(canvas: &HtmlCanvasElement) -> usize {
    let area = canvas
        .get_attribute("data-plot-area")
        .expect("plot area recorded");
    let v: Vec<f64> = area.split(',').map(|s| s.parse().unwrap()).collect();
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    let bg = ctx.get_image_data(0.0, 0.0, 1.0, 1.0).unwrap().data().0;
    let data = ctx.get_image_data(v[0], v[1], v[2], v[3]).unwrap().data().0;
    data.chunks(4).filter(|px| px[..3] != bg[..3]).count()
}

fn mount_dashboard(mode: DemoMode) -> (HtmlElement, Live) {
    let root = fresh_container();
    let live = Live::new(mode, NOW);
    let handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(live);
        view! { <Dashboard /> }
    });
    handle.forget();
    (root, live)
}

#[wasm_bindgen_test]
async fn kpis_show_what_the_demo_generated() {
    let (root, _live) = mount_dashboard(DemoMode::Orders);
    // Independent count: the same seeded feed, run here without the app.
    let mut feed = DemoFeed::new(
        DemoConfig::default_for(DemoMode::Orders),
        NOW - history_ms(DemoMode::Orders),
    );
    let trades = feed.generate_until(NOW);
    let revenue: f64 = trades.iter().map(|t| t.price * t.qty).sum();
    wait_for("KPI values", || {
        attr(&root, "[data-testid=kpi-count]", "data-value").is_some_and(|v| !v.is_empty())
    })
    .await;
    let count: f64 = attr(&root, "[data-testid=kpi-count]", "data-value")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(count as usize, trades.len());
    let shown: f64 = attr(&root, "[data-testid=kpi-revenue]", "data-value")
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (shown - revenue).abs() <= 1e-9 * revenue,
        "revenue {shown} vs {revenue}"
    );
    let text = query(&root, "[data-testid=kpi-revenue]")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(
        text.starts_with('$') && text.contains(','),
        "revenue shown as {text:?}"
    );
}

#[wasm_bindgen_test]
async fn revenue_chart_draws_data_sharp_on_hidpi() {
    let (root, _live) = mount_dashboard(DemoMode::Orders);
    let c = canvas(&root, "chart-revenue");
    wait_for("the revenue chart to draw", || {
        c.get_attribute("data-plot-area").is_some()
    })
    .await;
    let dpr = web_sys::window().unwrap().device_pixel_ratio();
    assert_eq!(
        c.width(),
        (f64::from(c.client_width()) * dpr).round() as u32
    );
    assert!(
        drawn_pixels(&c) > 500,
        "only {} pixels drawn",
        drawn_pixels(&c)
    );
    let label = c.get_attribute("aria-label").unwrap();
    assert!(label.starts_with("Revenue per 15m"), "label {label:?}");
}

#[wasm_bindgen_test]
async fn changing_the_bucket_size_redraws() {
    let (root, live) = mount_dashboard(DemoMode::Orders);
    let c = canvas(&root, "chart-revenue");
    wait_for("first draw", || {
        c.get_attribute("data-bucket").as_deref() == Some("900000")
    })
    .await;
    let draws = |c: &HtmlCanvasElement| {
        c.get_attribute("data-draws")
            .unwrap()
            .parse::<u64>()
            .unwrap()
    };
    let before = draws(&c);
    live.set_spec(EngineSpec {
        bucket: BucketSize::H1,
        group_by: None,
    });
    wait_for("redraw at 1h", || {
        c.get_attribute("data-bucket").as_deref() == Some("3600000")
    })
    .await;
    assert!(draws(&c) > before);
    assert!(drawn_pixels(&c) > 500);
}

#[wasm_bindgen_test]
async fn top_products_are_drawn_and_named() {
    let (root, _live) = mount_dashboard(DemoMode::Orders);
    let c = canvas(&root, "chart-top");
    wait_for("the bars to draw", || {
        c.get_attribute("data-plot-area").is_some()
    })
    .await;
    assert!(drawn_pixels(&c) > 500);
    let label = c.get_attribute("aria-label").unwrap();
    assert!(
        label.starts_with("Top products by revenue:"),
        "label {label:?}"
    );
}

#[wasm_bindgen_test]
async fn exchange_mode_relabels_the_kpis() {
    let (root, live) = mount_dashboard(DemoMode::Orders);
    live.set_mode(DemoMode::Exchange, NOW);
    wait_for("exchange labels", || {
        root.text_content()
            .unwrap_or_default()
            .contains("Trades per second")
    })
    .await;
    let mut feed = DemoFeed::new(
        DemoConfig::default_for(DemoMode::Exchange),
        NOW - history_ms(DemoMode::Exchange),
    );
    let n = feed.generate_until(NOW).len();
    wait_for("the exchange count", || {
        attr(&root, "[data-testid=kpi-count]", "data-value").and_then(|v| v.parse::<f64>().ok())
            == Some(n as f64)
    })
    .await;
}

#[wasm_bindgen_test]
fn palette_colours_parse() {
    assert_eq!(
        parse_hex("#2563eb").map(|c| (c.0, c.1, c.2)),
        Some((0x25, 0x63, 0xeb))
    );
    assert_eq!(parse_hex(" #FFFFFF ").map(|c| c.0), Some(255));
    assert!(parse_hex("2563eb").is_none());
    assert!(parse_hex("#25é3eb").is_none());
}
