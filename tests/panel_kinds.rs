//! Browser tests of the panel kinds (candles, histogram, scatter, heatmap, trade table),
//! mounted alone on a paused demo: each draws, and the numbers it exposes equal an independent
//! computation over the engine's stored trades.

use std::collections::BTreeMap;

use leptos::prelude::*;
use tradelens::components::{
    CandlesPanel, HeatmapPanel, HistValue, HistogramPanel, ScatterPanel, TablePanel,
};
use tradelens::live::Live;
use tradelens_core::demo::DemoMode;
use tradelens_core::engine::{BucketSize, EngineSpec, GroupBy, Metric};
use tradelens_core::model::{Field, Side, Trade};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlCanvasElement, HtmlElement};

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A paused demo of `mode` with `panel` mounted alone under it.
fn mount<V: IntoView + 'static>(
    mode: DemoMode,
    panel: impl FnOnce() -> V + 'static,
) -> (HtmlElement, Live) {
    let root = fresh_container();
    let live = Live::new(mode, NOW);
    live.running.set(false);
    let handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(live);
        panel()
    });
    handle.forget();
    (root, live)
}

/// Waits until the canvas `testid` has drawn with `attr` set non-empty; returns the canvas.
async fn drawn(root: &HtmlElement, testid: &str, attr: &str) -> HtmlCanvasElement {
    let c = canvas(root, testid);
    wait_for(&format!("{testid} to draw its {attr}"), || {
        let draws: u64 = c
            .get_attribute("data-draws")
            .and_then(|d| d.parse().ok())
            .unwrap_or(0);
        draws > 0 && c.get_attribute(attr).is_some_and(|v| !v.is_empty())
    })
    .await;
    c
}

/// The stored trades, as (time, id, price, qty, symbol).
fn stored(live: Live) -> Vec<(i64, u64, f64, f64, String)> {
    live.with_engine_untracked(|e| {
        let t = e.table();
        (0..t.len())
            .map(|r| {
                let symbol = e
                    .label(t.label_id(Field::Symbol, r))
                    .map_or(String::new(), |l| l.to_string());
                (t.time_ms[r], t.id[r], t.price[r], t.qty[r], symbol)
            })
            .collect()
    })
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
}

/// Relative tolerance for sums the engine accumulates with compensation and the test plainly.
const SUM_REL: f64 = 1e-9;

/// OHLCV per one-minute bucket of `trades` (flooring UTC works for minute buckets in any
/// zone of whole-minute offsets), by (time, id) order.
fn minute_candles(trades: &[(i64, u64, f64, f64, String)]) -> BTreeMap<i64, [f64; 5]> {
    let mut sorted: Vec<_> = trades.to_vec();
    sorted.sort_by_key(|t| (t.0, t.1));
    let mut out: BTreeMap<i64, [f64; 5]> = BTreeMap::new();
    for (time, _, price, qty, _) in sorted {
        let start = time.div_euclid(60_000) * 60_000;
        let c = out
            .entry(start)
            .or_insert([price, price, price, price, 0.0]);
        c[1] = c[1].max(price);
        c[2] = c[2].min(price);
        c[3] = price;
        c[4] += qty;
    }
    out
}

/// `start=o/h/l/c/v` pairs of the candle panel.
fn shown_candles(c: &HtmlCanvasElement) -> Vec<(i64, [f64; 5])> {
    c.get_attribute("data-values")
        .unwrap_or_default()
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (t, v) = p.split_once('=').unwrap();
            let v: Vec<f64> = v.split('/').map(|x| x.parse().unwrap()).collect();
            (t.parse().unwrap(), [v[0], v[1], v[2], v[3], v[4]])
        })
        .collect()
}

fn assert_candles(shown: &[(i64, [f64; 5])], want: &BTreeMap<i64, [f64; 5]>) {
    assert!(!shown.is_empty());
    let newest: Vec<_> = want.iter().rev().take(shown.len()).collect();
    assert_eq!(shown.len(), newest.len().min(120));
    for ((t, v), (wt, w)) in shown.iter().rev().zip(newest) {
        assert_eq!(t, wt);
        assert_eq!(v[..4], w[..4], "OHLC at {t}");
        assert!(
            close(v[4], w[4], SUM_REL),
            "volume at {t}: {} vs {}",
            v[4],
            w[4]
        );
    }
}

#[wasm_bindgen_test]
async fn candles_equal_ohlcv_of_the_trades_in_total_and_per_symbol() {
    let symbol = RwSignal::new(None::<String>);
    let (root, live) = mount(DemoMode::Exchange, move || {
        view! { <CandlesPanel symbol=symbol /> }
    });
    assert_eq!(live.spec.get_untracked().bucket, BucketSize::M1);
    let c = drawn(&root, "chart-candles", "data-values").await;
    assert!(drawn_pixels(&c) > 0);
    let trades = stored(live);
    assert_candles(&shown_candles(&c), &minute_candles(&trades));
    assert_eq!(c.get_attribute("data-symbol").as_deref(), Some(""));

    // Grouped by symbol, one symbol's trades alone.
    let first = trades[0].4.clone();
    live.set_spec(EngineSpec {
        group_by: GroupBy::one(Field::Symbol),
        ..live.spec.get_untracked()
    });
    symbol.set(Some(first.clone()));
    wait_for("the symbol's candles", || {
        c.get_attribute("data-symbol").as_deref() == Some(first.as_str())
    })
    .await;
    let own: Vec<_> = trades.iter().filter(|t| t.4 == first).cloned().collect();
    assert!(own.len() < trades.len(), "the demo trades several symbols");
    assert_candles(&shown_candles(&c), &minute_candles(&own));
}

/// Hyndman–Fan type 7 quantile of sorted values.
fn quantile7(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = sorted[h.floor() as usize];
    let hi = sorted[(h.ceil() as usize).min(sorted.len() - 1)];
    lo + (h - h.floor()) * (hi - lo)
}

#[wasm_bindgen_test]
async fn histogram_bins_trade_sizes_by_freedman_diaconis() {
    let (root, live) = mount(DemoMode::Exchange, || {
        view! { <HistogramPanel value=HistValue::Size /> }
    });
    let c = drawn(&root, "chart-histogram", "data-values").await;
    assert!(drawn_pixels(&c) > 0);
    let mut qty: Vec<f64> = stored(live).into_iter().map(|t| t.3).collect();
    qty.sort_by(f64::total_cmp);
    let (min, max) = (qty[0], qty[qty.len() - 1]);
    let iqr = quantile7(&qty, 0.75) - quantile7(&qty, 0.25);
    let h = 2.0 * iqr / (qty.len() as f64).powf(1.0 / 3.0);
    assert!(h > 0.0 && max > min);
    let bins = (((max - min) / h).ceil() as usize).clamp(5, 100);
    let width = (max - min) / bins as f64;
    let mut want = vec![0u64; bins];
    for q in &qty {
        want[(((q - min) / width) as usize).min(bins - 1)] += 1;
    }
    let shown: Vec<u64> = c
        .get_attribute("data-values")
        .unwrap()
        .split(',')
        .map(|n| n.parse().unwrap())
        .collect();
    assert_eq!(shown, want);
    let lo: f64 = c.get_attribute("data-lo").unwrap().parse().unwrap();
    assert_eq!(lo, min);
    assert_eq!(c.get_attribute("data-value").as_deref(), Some("size"));
}

#[wasm_bindgen_test]
async fn scatter_line_is_the_least_squares_line_of_bucket_counts_and_notionals() {
    let (root, live) = mount(DemoMode::Orders, || {
        view! { <ScatterPanel x=Metric::Count y=Metric::Notional /> }
    });
    let c = drawn(&root, "chart-scatter", "data-slope").await;
    assert!(drawn_pixels(&c) > 0);
    // The orders demo's 15-minute buckets start on quarter hours in any whole-hour zone.
    assert_eq!(live.spec.get_untracked().bucket, BucketSize::M15);
    let mut per: BTreeMap<i64, (f64, f64)> = BTreeMap::new();
    for (time, _, price, qty, _) in stored(live) {
        let p = per.entry(time.div_euclid(900_000)).or_default();
        p.0 += 1.0;
        p.1 += price * qty;
    }
    // Closed-form simple regression: b = Sxy / Sxx, a = ȳ - b x̄, R² = Sxy² / (Sxx Syy).
    let n = per.len() as f64;
    let (mx, my) = per
        .values()
        .fold((0.0, 0.0), |a, p| (a.0 + p.0 / n, a.1 + p.1 / n));
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in per.values() {
        sxx += (x - mx) * (x - mx);
        sxy += (x - mx) * (y - my);
        syy += (y - my) * (y - my);
    }
    let slope = sxy / sxx;
    let intercept = my - slope * mx;
    let r2 = sxy * sxy / (sxx * syy);
    let num = |name: &str| -> f64 { c.get_attribute(name).unwrap().parse().unwrap() };
    assert_eq!(num("data-points") as usize, per.len());
    assert!(
        close(num("data-slope"), slope, 1e-8),
        "slope {} vs {slope}",
        num("data-slope")
    );
    assert!(
        close(num("data-intercept"), intercept, 1e-6),
        "intercept {} vs {intercept}",
        num("data-intercept")
    );
    assert!(close(num("data-r2"), r2, 1e-8));
    let title = query(&root, "figcaption").unwrap().text_content().unwrap();
    assert!(
        title.contains("slope") && title.contains("R²"),
        "title {title:?}"
    );

    // Daily buckets: a day of orders makes one or two points, too few for a line, and the
    // title says so instead of showing a slope.
    live.set_spec(EngineSpec {
        bucket: BucketSize::D1,
        ..live.spec.get_untracked()
    });
    wait_for("the title to say why there is no line", || {
        let title = query(&root, "figcaption").unwrap().text_content().unwrap();
        title.contains("no line: too few buckets")
    })
    .await;
    wait_for("the slope to be cleared", || {
        c.get_attribute("data-slope").as_deref() == Some("")
    })
    .await;
}

#[wasm_bindgen_test]
async fn heatmap_counts_trades_by_the_browsers_local_hour_and_weekday() {
    let (root, live) = mount(DemoMode::Orders, || {
        view! { <HeatmapPanel metric=Metric::Count /> }
    });
    let c = drawn(&root, "chart-heatmap", "data-values").await;
    assert!(drawn_pixels(&c) > 0);
    // Independent: the browser's own Date in its local time (Sunday = 0 there).
    let mut want: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for (time, ..) in stored(live) {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(time as f64));
        let day = (d.get_day() as usize + 6) % 7;
        *want.entry((day, d.get_hours() as usize)).or_default() += 1.0;
    }
    let shown: BTreeMap<(usize, usize), f64> = c
        .get_attribute("data-values")
        .unwrap()
        .split(',')
        .map(|p| {
            let (cell, v) = p.split_once('=').unwrap();
            let (d, h) = cell.split_once(':').unwrap();
            ((d.parse().unwrap(), h.parse().unwrap()), v.parse().unwrap())
        })
        .collect();
    assert_eq!(shown, want);
    let lo = want.values().copied().fold(f64::MAX, f64::min);
    let hi = want.values().copied().fold(f64::MIN, f64::max);
    assert_eq!(c.get_attribute("data-range"), Some(format!("{lo},{hi}")));
}

/// `n` trades after the demo's, prices and sizes scrambled so every sort differs.
fn many_trades(n: u64) -> Vec<Trade> {
    (0..n)
        .map(|i| Trade {
            id: 1_000_000_000 + i,
            time_ms: NOW + 1 + ((i * 7_919) % n) as i64,
            price: 100.0 + ((i * 104_729) % 10_007) as f64 / 10.0,
            qty: 1.0 + ((i * 31) % 97) as f64,
            side: Some(if i % 3 == 0 { Side::Sell } else { Side::Buy }),
            symbol: if i % 2 == 0 { "AAA" } else { "BBB" }.into(),
            dims: Default::default(),
        })
        .collect()
}

fn rows(root: &HtmlElement) -> Vec<web_sys::Element> {
    let list = root
        .query_selector_all("[data-testid=data-table-row]")
        .unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().unchecked_into())
        .collect()
}

/// Table rows (indexes into the engine's table) of the rendered rows, in display order.
fn shown_rows(root: &HtmlElement) -> Vec<usize> {
    rows(root)
        .iter()
        .map(|r| r.get_attribute("data-row").unwrap().parse().unwrap())
        .collect()
}

fn header(root: &HtmlElement, column: &str) -> HtmlElement {
    query(root, &format!("[role=columnheader][data-column={column}]"))
        .unwrap()
        .unchecked_into()
}

fn press(el: &HtmlElement, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    el.dispatch_event(&ev).unwrap();
}

#[wasm_bindgen_test]
async fn table_of_100k_trades_sorts_by_click_and_keyboard_rendering_only_rows_in_view() {
    let (root, live) = mount(DemoMode::Exchange, || view! { <TablePanel /> });
    live.ingest(&many_trades(120_000));
    let total = live.with_engine_untracked(|e| e.len());
    let table = query(&root, "[data-testid=data-table]").unwrap();
    // The demo alone holds more than 100,000 trades: wait for the added ones to count.
    let left_out = (total - 100_000).to_string();
    wait_for("the capped table", || {
        table.get_attribute("data-left-out").as_deref() == Some(left_out.as_str())
    })
    .await;
    assert_eq!(table.get_attribute("data-rows").as_deref(), Some("100000"));
    let note = query(&root, "[data-testid=data-table-note]")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(note.contains("newest 100,000"), "note {note:?}");

    // Independent: the newest 100,000 by (time, id), as table rows.
    let (time, id, price, qty) = live.with_engine_untracked(|e| {
        let t = e.table();
        (
            t.time_ms.clone(),
            t.id.clone(),
            t.price.clone(),
            t.qty.clone(),
        )
    });
    let mut by_time: Vec<usize> = (0..total).collect();
    by_time.sort_by_key(|&r| std::cmp::Reverse((time[r], id[r])));
    let newest = &by_time[..100_000];
    // Newest first to begin with.
    assert_eq!(
        header(&root, "time").get_attribute("aria-sort").as_deref(),
        Some("descending")
    );
    let shown = shown_rows(&root);
    assert!(
        !shown.is_empty() && shown.len() <= 40,
        "{} rows in the DOM",
        shown.len()
    );
    assert_eq!(shown[..], newest[..shown.len()]);

    // Click: price ascending; the first row holds the lowest price of the newest trades.
    header(&root, "price").click();
    wait_for("price ascending", || {
        header(&root, "price").get_attribute("aria-sort").as_deref() == Some("ascending")
    })
    .await;
    assert_eq!(
        header(&root, "time").get_attribute("aria-sort").as_deref(),
        Some("none")
    );
    let min = newest.iter().map(|&r| price[r]).fold(f64::MAX, f64::min);
    let max = newest.iter().map(|&r| price[r]).fold(f64::MIN, f64::max);
    wait_for("the cheapest trade on top", || {
        shown_rows(&root).first().is_some_and(|&r| price[r] == min)
    })
    .await;
    let shown = shown_rows(&root);
    assert!(shown.windows(2).all(|w| price[w[0]] <= price[w[1]]));
    assert!(shown.iter().all(|r| newest.contains(r)));

    // Scrolled to the end: the dearest trade is rendered, still only a window of rows.
    let viewport: HtmlElement = query(&root, "[data-testid=data-table-viewport]")
        .unwrap()
        .unchecked_into();
    viewport.set_scroll_top(viewport.scroll_height());
    assert!(
        viewport.scroll_top() > 0,
        "viewport {} of {} px, style {:?}",
        viewport.client_height(),
        viewport.scroll_height(),
        viewport.get_attribute("style")
    );
    wait_for("the last rows", || {
        rows(&root)
            .last()
            .and_then(|r| r.get_attribute("data-position"))
            .as_deref()
            == Some("99999")
    })
    .await;
    let shown = shown_rows(&root);
    assert!(shown.len() <= 40, "{} rows in the DOM", shown.len());
    assert_eq!(price[*shown.last().unwrap()], max);

    // Keyboard: Enter on the price header flips it, Space on qty sorts by size.
    viewport.set_scroll_top(0);
    press(&header(&root, "price"), "Enter");
    wait_for("price descending", || {
        header(&root, "price").get_attribute("aria-sort").as_deref() == Some("descending")
            && shown_rows(&root).first().is_some_and(|&r| price[r] == max)
    })
    .await;
    press(&header(&root, "qty"), " ");
    let least = newest.iter().map(|&r| qty[r]).fold(f64::MAX, f64::min);
    wait_for("qty ascending", || {
        header(&root, "qty").get_attribute("aria-sort").as_deref() == Some("ascending")
            && shown_rows(&root).first().is_some_and(|&r| qty[r] == least)
    })
    .await;
    assert_eq!(
        header(&root, "price").get_attribute("aria-sort").as_deref(),
        Some("none")
    );
}
