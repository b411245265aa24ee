//! Browser tests of chart interaction: the crosshair reads the engine's buckets, zoom and pan
//! change the visible range, a brushed range filters the bars and the KPIs.
//!
//! Expected values come from the engine's buckets read here directly, never from the chart.

use std::collections::BTreeMap;

use leptos::prelude::*;
use tradelens::app::Dashboard;
use tradelens::live::Live;
use tradelens_core::demo::DemoMode;
use tradelens_core::engine::{BucketSize, EngineSpec, GroupBy, SketchSpec};
use tradelens_core::format::compact;
use tradelens_core::model::{Dim, Field};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlCanvasElement, HtmlElement};

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

fn mount_dashboard() -> (HtmlElement, Live) {
    let root = fresh_container();
    let live = Live::new(DemoMode::Orders, NOW);
    live.running.set(false);
    let handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(live);
        tradelens::feeds::provide_feeds_context(live);
        view! { <Dashboard /> }
    });
    handle.forget();
    (root, live)
}

async fn drawn_revenue(root: &HtmlElement) -> HtmlCanvasElement {
    let c = canvas(root, "chart-revenue");
    wait_for("the revenue chart to draw", || {
        c.get_attribute("data-x-range").is_some()
    })
    .await;
    c
}

fn key(c: &HtmlCanvasElement, key: &str, shift: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    c.dispatch_event(&ev).unwrap();
}

/// A pointer event at `x` CSS pixels from the canvas's left edge.
fn pointer(c: &HtmlCanvasElement, kind: &str, x: f64, shift: bool) {
    let rect = c.get_bounding_client_rect();
    let init = web_sys::PointerEventInit::new();
    init.set_bubbles(true);
    init.set_client_x((rect.left() + x).round() as i32);
    init.set_client_y((rect.top() + rect.height() / 2.0).round() as i32);
    init.set_shift_key(shift);
    init.set_button(0);
    init.set_pointer_id(1);
    let ev = web_sys::PointerEvent::new_with_event_init_dict(kind, &init).unwrap();
    c.dispatch_event(&ev).unwrap();
}

fn x_range(c: &HtmlCanvasElement) -> (i64, i64) {
    let r = c.get_attribute("data-x-range").unwrap();
    let (a, b) = r.split_once(',').unwrap();
    (a.parse().unwrap(), b.parse().unwrap())
}

/// The plot area in CSS pixels: (left, width).
fn plot_css(c: &HtmlCanvasElement) -> (f64, f64) {
    let v: Vec<f64> = c
        .get_attribute("data-plot-area")
        .unwrap()
        .split(',')
        .map(|s| s.parse().unwrap())
        .collect();
    let dpr = f64::from(c.width()) / f64::from(c.client_width());
    (v[0] / dpr, v[2] / dpr)
}

fn crosshair(root: &HtmlElement) -> (String, String) {
    (
        attr(root, "[data-testid=crosshair]", "data-time").unwrap_or_default(),
        attr(root, "[data-testid=crosshair]", "data-values").unwrap_or_default(),
    )
}

#[wasm_bindgen_test]
async fn arrow_keys_move_the_crosshair_over_the_engines_buckets() {
    let (root, live) = mount_dashboard();
    let c = drawn_revenue(&root).await;
    // Revenue per bucket, read from the engine: the last three buckets.
    let buckets: Vec<(i64, f64)> =
        live.with_engine_untracked(|e| e.buckets().map(|(k, b)| (k, b.total.notional())).collect());
    let n = buckets.len();
    assert!(n > 3);
    c.focus().unwrap();
    key(&c, "ArrowLeft", false);
    let want = |i: usize| (buckets[i].0.to_string(), buckets[i].1.to_string());
    wait_for("the crosshair on the last bucket", || {
        crosshair(&root) == want(n - 1)
    })
    .await;
    key(&c, "ArrowLeft", false);
    key(&c, "ArrowLeft", false);
    wait_for("the crosshair two buckets back", || {
        crosshair(&root) == want(n - 3)
    })
    .await;
    key(&c, "ArrowRight", false);
    wait_for("the crosshair one bucket on", || {
        crosshair(&root) == want(n - 2)
    })
    .await;
    let text = query(&root, "[data-testid=crosshair]")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(text.contains("Total "), "reading {text:?}");
    assert_eq!(
        attr(&root, "[data-testid=crosshair]", "aria-live").as_deref(),
        Some("polite")
    );
}

#[wasm_bindgen_test]
async fn zoom_and_pan_change_the_visible_range_and_reset_restores_it() {
    let (root, _live) = mount_dashboard();
    let c = drawn_revenue(&root).await;
    let full = x_range(&c);
    c.focus().unwrap();
    key(&c, "+", false);
    wait_for("a zoomed range", || x_range(&c) != full).await;
    let zoomed = x_range(&c);
    assert!(
        zoomed.1 - zoomed.0 < full.1 - full.0,
        "{zoomed:?} in {full:?}"
    );
    assert!(zoomed.0 >= full.0 && zoomed.1 <= full.1);
    // Zoomed about the middle (no crosshair): 0.8 of the span, centred.
    let span = (full.1 - full.0) as f64;
    assert!(((zoomed.1 - zoomed.0) as f64 - 0.8 * span).abs() <= 2.0);
    key(&c, "ArrowLeft", true);
    wait_for("a panned range", || x_range(&c) != zoomed).await;
    let panned = x_range(&c);
    assert!(panned.0 < zoomed.0);
    assert_eq!(panned.1 - panned.0, zoomed.1 - zoomed.0);
    // Dragging right pans back towards earlier times too.
    let (left, width) = plot_css(&c);
    pointer(&c, "pointerdown", left + width * 0.5, false);
    pointer(&c, "pointermove", left + width * 0.6, false);
    pointer(&c, "pointerup", left + width * 0.6, false);
    wait_for("a dragged range", || x_range(&c).0 < panned.0).await;
    let reset: HtmlElement = query(&root, "[data-testid=zoom-reset]")
        .unwrap()
        .unchecked_into();
    reset.click();
    wait_for("the whole range again", || x_range(&c) == full).await;
}

#[wasm_bindgen_test]
async fn a_brushed_range_filters_the_bars_and_kpis_to_its_buckets() {
    let (root, live) = mount_dashboard();
    live.set_spec(EngineSpec {
        bucket: BucketSize::H1,
        group_by: GroupBy::one(Field::Dim(Dim::Category)),
        sketches: SketchSpec::NONE,
    });
    let c = canvas(&root, "chart-revenue");
    wait_for("hourly buckets drawn", || {
        c.get_attribute("data-bucket").as_deref() == Some("3600000")
            && c.get_attribute("data-x-range").is_some()
    })
    .await;
    // Shift+drag over the middle of the plot.
    let (left, width) = plot_css(&c);
    pointer(&c, "pointerdown", left + width * 0.3, true);
    pointer(&c, "pointermove", left + width * 0.55, true);
    pointer(&c, "pointerup", left + width * 0.55, true);
    wait_for("a selection", || live.brush.get_untracked().is_some()).await;
    let (from, to) = live.brush.get_untracked().unwrap();
    // By hand: revenue per category over the engine's buckets in [from, to).
    let (expected, count, starts) = live.with_engine_untracked(|e| {
        let mut per: BTreeMap<String, f64> = BTreeMap::new();
        let mut count = 0;
        let mut starts = Vec::new();
        for (k, b) in e.buckets() {
            starts.push(k);
            if (from..to).contains(&k) {
                count += b.total.count();
                for (g, agg) in &b.groups {
                    *per.entry(e.group_name(*g, "(none)")).or_default() += agg.notional();
                }
            }
        }
        let mut v: Vec<(String, f64)> = per.into_iter().collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1));
        v.truncate(8);
        (v, count, starts)
    });
    // Snapped to whole buckets, several of them.
    assert!(starts.contains(&from), "{from} is a bucket start");
    assert!(starts.iter().filter(|k| (from..to).contains(k)).count() >= 2);
    let top = canvas(&root, "chart-top");
    let listed: String = expected
        .iter()
        .map(|(n, v)| format!("{n} {}", compact(*v)))
        .collect::<Vec<_>>()
        .join(", ");
    wait_for("bars over the selection", || {
        top.get_attribute("aria-label")
            .is_some_and(|l| l.contains("(selection ") && l.ends_with(&listed))
    })
    .await;
    wait_for("KPIs over the selection", || {
        attr(&root, "[data-testid=kpi-count]", "data-value") == Some((count as f64).to_string())
    })
    .await;
    assert!(query(&root, "[data-testid=kpi-selection]").is_some());
    let clear: HtmlElement = query(&root, "[data-testid=brush-clear]")
        .unwrap()
        .unchecked_into();
    clear.click();
    wait_for("the whole range in the bars again", || {
        top.get_attribute("aria-label")
            .is_some_and(|l| !l.contains("(selection "))
    })
    .await;
    assert_eq!(live.brush.get_untracked(), None);
    let all = live.with_engine_untracked(|e| e.total().count());
    wait_for("KPIs over everything", || {
        attr(&root, "[data-testid=kpi-count]", "data-value") == Some((all as f64).to_string())
    })
    .await;
}
