//! Browser tests: the dashboard mounted in real Chromium, drawing on a real canvas.
//!
//! Each test mounts into a fresh element and waits for conditions (animation frames), never
//! for a fixed time.

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use tradelens::app::Dashboard;
use tradelens::live::{history_ms, Live};
use tradelens::theme::parse_hex;
use tradelens_core::demo::{DemoConfig, DemoFeed, DemoMode};
use tradelens_core::engine::{BucketSize, DistinctOf, EngineSpec, GroupBy, SketchSpec};
use tradelens_core::model::{Dim, Field};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlCanvasElement, HtmlElement, HtmlSelectElement};

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

fn mount_dashboard(mode: DemoMode) -> (HtmlElement, Live) {
    let root = fresh_container();
    let live = Live::new(mode, NOW);
    let handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(live);
        tradelens::feeds::provide_feeds_context(live);
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
        group_by: GroupBy::NONE,
        sketches: SketchSpec::NONE,
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
        label.starts_with("Top 8 products by revenue:"),
        "label {label:?}"
    );
}

#[wasm_bindgen_test]
async fn grouping_by_product_then_region_names_the_pairs() {
    let (root, live) = mount_dashboard(DemoMode::Orders);
    let then = || -> HtmlSelectElement {
        query(&root, "[data-testid=group-then-select]")
            .unwrap()
            .unchecked_into()
    };
    // Nothing to refine before a first field is picked.
    assert!(then().disabled());
    choose(&root, "group-select", "symbol");
    wait_for("the second selector to open", || !then().disabled()).await;
    choose(&root, "group-then-select", "region");
    assert_eq!(
        live.spec.get_untracked().group_by,
        GroupBy::two(Field::Symbol, Field::Dim(Dim::Region))
    );
    let c = canvas(&root, "chart-top");
    wait_for("bars per product and region", || {
        c.get_attribute("aria-label")
            .is_some_and(|l| l.starts_with("Top 8 products × regions by revenue:"))
    })
    .await;
    let label = c.get_attribute("aria-label").unwrap();
    assert!(label.contains(" · "), "pairs are named: {label:?}");
    // Grouping by nothing clears the second field too.
    choose(&root, "group-select", "");
    assert_eq!(live.spec.get_untracked().group_by, GroupBy::NONE);
    wait_for("the second selector to close", || then().disabled()).await;
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

// ---- Feeds: the browser is the subject (Blob reading, mapping preview, import) ----

const ORDERS_CSV: &str = "id,time,price,quantity,product\n\
    1,2025-10-07T09:50:26Z,10.5,2,tea\n\
    2,2025-10-07T09:51:00Z,oops,1,cake\n\
    3,2025-10-07T09:52:00Z,4,1,cake\n\
    4,2025-10-07T09:53:00Z,6.25,3,\"scone, plain\"\n";

#[wasm_bindgen_test]
async fn a_blob_is_read_in_chunks_with_progress() {
    use tradelens::feeds::file::{read_chunks, CancelFlag, ReadEnd};
    // 2 500 bytes in chunks of 1 000: 1 000, 1 000, 500.
    let data: Vec<u8> = (0..2_500u32).map(|i| (i % 251) as u8).collect();
    let blob = blob_of(&data);
    let mut chunks: Vec<Vec<u8>> = vec![];
    let mut progress = vec![];
    let end = read_chunks(&blob, "t.bin", 1_000, &CancelFlag::default(), |c, p| {
        chunks.push(c.to_vec());
        progress.push((p.done, p.total));
        std::future::ready(())
    })
    .await
    .unwrap();
    assert_eq!(end, ReadEnd::Finished);
    assert_eq!(
        chunks.iter().map(Vec::len).collect::<Vec<_>>(),
        [1_000, 1_000, 500]
    );
    assert_eq!(chunks.concat(), data);
    assert_eq!(
        progress,
        [(1_000.0, 2_500.0), (2_000.0, 2_500.0), (2_500.0, 2_500.0)]
    );
    // Cancelling after the first chunk stops the read there.
    let cancel = CancelFlag::default();
    let mut n = 0;
    let end = read_chunks(&blob, "t.bin", 1_000, &cancel, |_, _| {
        n += 1;
        cancel.cancel();
        std::future::ready(())
    })
    .await
    .unwrap();
    assert_eq!((end, n), (ReadEnd::Cancelled, 1));
}

#[wasm_bindgen_test]
async fn the_mapping_preview_shows_rows_before_ingesting() {
    use tradelens::components::feeds::MappingPreview;
    use tradelens_core::decode::generic::Mapping;
    use tradelens_core::feed::preview::{fields, guess_mapping, SampleFormat};
    let root = fresh_container();
    let sample = ORDERS_CSV.as_bytes().to_vec();
    let m = guess_mapping(&fields(SampleFormat::Csv, &sample)).unwrap();
    let mapping = RwSignal::new(Some(m));
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <MappingPreview
                sample=Signal::derive(move || sample.clone())
                format=Signal::derive(|| SampleFormat::Csv)
                mapping=mapping
            />
        }
    });
    handle.forget();
    let rows = |root: &HtmlElement| {
        root.query_selector_all("[data-testid=preview-row]")
            .unwrap()
            .length()
    };
    wait_for("preview rows", || rows(&root) == 3).await;
    let text = root.text_content().unwrap();
    // Each column names its source; the bad row is listed with its reason, not ingested.
    assert!(text.contains("price ← price"), "{text}");
    assert!(text.contains("qty ← quantity"), "{text}");
    assert!(text.contains("scone, plain"), "{text}");
    assert_eq!(
        root.query_selector_all("[data-testid=preview-reject]")
            .unwrap()
            .length(),
        1
    );
    // Mapping a column the sample lacks says so instead of showing rows.
    mapping.set(Some(Mapping::new("time", "cost")));
    wait_for("the missing-column error", || {
        query(&root, "[data-testid=preview-error]").is_some()
    })
    .await;
    assert_eq!(rows(&root), 0);
}

#[wasm_bindgen_test]
async fn importing_a_csv_blob_streams_into_the_engine_and_quarantine() {
    use tradelens::feeds::spec::FileFormat;
    use tradelens::feeds::FeedSpec;
    use tradelens_core::feed::preview::{fields, guess_mapping, SampleFormat};
    let (live, feeds) = paused_feeds();
    let before = live.with_engine(|e| e.len());
    let mapping = guess_mapping(&fields(SampleFormat::Csv, ORDERS_CSV.as_bytes()));
    let spec = FeedSpec::File {
        name: "orders.csv".into(),
        format: FileFormat::Generic(SampleFormat::Csv),
        mapping,
        rows: None,
    };
    let s = import_file(feeds, spec, ORDERS_CSV.as_bytes()).await;
    assert_eq!(s.accepted, 3);
    assert_eq!(
        s.progress.map(|p| (p.0, p.1)),
        Some((ORDERS_CSV.len() as f64, ORDERS_CSV.len() as f64))
    );
    assert_eq!(live.with_engine(|e| e.len()), before + 3);
    let quarantined = feeds
        .with_cleaner(|c| {
            c.quarantine()
                .entries()
                .map(|e| (e.reason.name(), e.raw.clone()))
                .collect::<Vec<_>>()
        })
        .unwrap();
    assert_eq!(quarantined.len(), 1);
    assert_eq!(quarantined[0].0, "invalid_price");
    assert!(quarantined[0].1.contains("oops"));
}

#[wasm_bindgen_test]
async fn use_feed_reports_errors_to_on_error_and_reconnects() {
    use std::cell::RefCell;
    use std::rc::Rc;
    use tradelens::feeds::{
        provide_feeds_context, use_feed_with_options, FeedSpec, Phase, UseFeedOptions,
    };
    use tradelens_core::feed::venue::{Preset, Venue};
    let root = fresh_container();
    let errors: Rc<RefCell<Vec<String>>> = Rc::default();
    let e = errors.clone();
    let status = Rc::new(RefCell::new(None));
    let s = status.clone();
    let handle = leptos::mount::mount_to(root, move || {
        let live = Live::new(DemoMode::Orders, NOW);
        provide_context(live);
        provide_feeds_context(live);
        // Port 9 on loopback: nothing listens, the connection is refused.
        let preset = Preset::new(Venue::Binance, "BTC-USD").with_bases("ws://127.0.0.1:9", "");
        let feed = use_feed_with_options(
            FeedSpec::Venue(preset),
            UseFeedOptions {
                on_error: Rc::new(move |msg| e.borrow_mut().push(msg)),
                remove_on_cleanup: true,
            },
        );
        *s.borrow_mut() = Some(feed.status);
        view! { <p>"feed"</p> }
    });
    handle.forget();
    wait_for("an error", || !errors.borrow().is_empty()).await;
    assert!(
        errors.borrow().iter().any(|m| m.contains("127.0.0.1:9")),
        "{:?}",
        errors.borrow()
    );
    let status = status.borrow().unwrap();
    wait_for("a reconnect", || {
        matches!(
            status.get_untracked().phase,
            Phase::Reconnecting { .. } | Phase::Connecting
        ) && status.get_untracked().errors >= 1
    })
    .await;
}

/// The `t=v` pairs a line chart exposes in `data-values`.
fn shown_values(c: &HtmlCanvasElement) -> Vec<(i64, f64)> {
    c.get_attribute("data-values")
        .unwrap_or_default()
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (t, v) = p.split_once('=').unwrap();
            (t.parse().unwrap(), v.parse().unwrap())
        })
        .collect()
}

#[wasm_bindgen_test]
async fn median_price_is_within_the_sketch_bound_of_exact_medians() {
    // The orders demo's opening bucket, 15 minutes, starts on quarter hours (see
    // tests/analysis.rs), so flooring UTC times gives the app's buckets.
    const BUCKET_MS: i64 = 900_000;
    let (root, live) = mount_dashboard(DemoMode::Orders);
    assert!(!live.spec.get_untracked().sketches.price);
    let c = canvas(&root, "chart-revenue");
    choose(&root, "chart-metric", "price_p50");
    wait_for("the median chart", || {
        c.get_attribute("data-metric").as_deref() == Some("price_p50")
            && !shown_values(&c).is_empty()
    })
    .await;
    assert!(live.spec.get_untracked().sketches.price);
    let title = query(&root, "figure:has([data-testid=chart-revenue]) figcaption")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(
        title.starts_with("Median price per") && title.contains("within 1%"),
        "{title:?}"
    );
    // Exact medians: the order statistic of rank ⌊(n − 1) / 2⌋ of each bucket's prices, the
    // rank the sketch promises to be within 1% of.
    let mut feed = DemoFeed::new(
        DemoConfig::default_for(DemoMode::Orders),
        NOW - history_ms(DemoMode::Orders),
    );
    let mut prices: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    for t in feed.generate_until(NOW) {
        prices
            .entry(t.time_ms - t.time_ms.rem_euclid(BUCKET_MS))
            .or_default()
            .push(t.price);
    }
    let shown = shown_values(&c);
    assert!(shown.len() >= 90, "{} buckets shown", shown.len());
    for (t, v) in shown {
        let mut p = prices
            .remove(&t)
            .unwrap_or_else(|| panic!("bucket {t} has no trades"));
        p.sort_by(f64::total_cmp);
        let exact = p[(p.len() - 1) / 2];
        // 1% relative, plus a hair for the rounding of the bound itself.
        assert!(
            (v - exact).abs() <= 0.01 * exact * (1.0 + 1e-9),
            "bucket {t}: {v} vs exact median {exact} of {} prices",
            p.len()
        );
    }
    // Back to revenue: the sketch is turned off again.
    choose(&root, "chart-metric", "notional");
    wait_for("the revenue chart", || {
        c.get_attribute("data-metric").as_deref() == Some("notional")
    })
    .await;
    assert!(live.spec.get_untracked().sketches.is_none());
}

#[wasm_bindgen_test]
async fn distinct_customers_are_offered_for_orders_only_and_near_exact_counts() {
    const BUCKET_MS: i64 = 900_000;
    let (root, live) = mount_dashboard(DemoMode::Orders);
    let c = canvas(&root, "chart-revenue");
    choose(&root, "chart-metric", "distinct");
    wait_for("the distinct chart", || {
        c.get_attribute("data-metric").as_deref() == Some("distinct")
            && !shown_values(&c).is_empty()
    })
    .await;
    assert_eq!(
        live.spec.get_untracked().sketches.distinct,
        Some(DistinctOf::Field(Field::Dim(Dim::Customer)))
    );
    let title = query(&root, "figure:has([data-testid=chart-revenue]) figcaption")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(
        title.starts_with("Distinct customers per") && title.contains("1.6%"),
        "{title:?}"
    );
    let mut feed = DemoFeed::new(
        DemoConfig::default_for(DemoMode::Orders),
        NOW - history_ms(DemoMode::Orders),
    );
    let mut customers: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
    for t in feed.generate_until(NOW) {
        let set = customers
            .entry(t.time_ms - t.time_ms.rem_euclid(BUCKET_MS))
            .or_default();
        if let Some(c) = &t.dims[Dim::Customer.index()] {
            set.insert(c.to_string());
        }
    }
    let shown = shown_values(&c);
    assert!(shown.len() >= 90, "{} buckets shown", shown.len());
    for (t, v) in shown {
        let exact = customers.get(&t).map_or(0, BTreeSet::len) as f64;
        // Four standard errors of 1.625% (HyperLogLog, p = 12); at these small counts the
        // sketch counts empty registers and is nearly exact.
        assert!(
            (v - exact).abs() <= 4.0 * 0.01625 * exact.max(1.0),
            "bucket {t}: {v} vs {exact} customers"
        );
    }
    // Exchange trades have no customer: no distinct count is offered, and the chart goes
    // back to notional.
    live.set_mode(DemoMode::Exchange, NOW);
    wait_for("notional again", || {
        c.get_attribute("data-metric").as_deref() == Some("notional")
    })
    .await;
    assert!(query(&root, "[data-testid=chart-metric] option[value=distinct]").is_none());
    assert!(query(&root, "[data-testid=chart-metric] option[value=price_p50]").is_some());
    assert!(live.spec.get_untracked().sketches.is_none());
}
