//! Browser tests of the Alerts panel: adding rules through the form, firing on a spike the
//! test injects, the title badge, the history in IndexedDB (its own database, deleted first),
//! the backtest and its marks on the chart, and bad stored rules.

use leptos::prelude::*;
use tradelens::alerts::{history, rules};
use tradelens::components::{AlertsPanel, RevenuePanel};
use tradelens::live::{history_ms, Live};
use tradelens::storage::db::{self, delete_database};
use tradelens_core::alerts::State;
use tradelens_core::demo::{DemoConfig, DemoFeed, DemoMode};
use tradelens_core::engine::{BucketSize, EngineSpec, Metric};
use tradelens_core::model::Trade;
use tradelens_core::store::schema;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

fn local_storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

/// Where the demo's history ends: ten minutes before the real clock, on a whole minute. The
/// rules judge buckets by the real clock (a bucket is closed once its end has passed, and
/// one that ended over `STALE_MS` ago is late history, not news), so the spike the test
/// injects must be recent.
fn demo_end() -> i64 {
    (tradelens::now_ms() / 60_000 - 10) * 60_000
}

/// Mounts the metric chart and the Alerts panel over a paused exchange demo ending at
/// `end`, in one-second buckets, with the history in database `db`.
fn mount_at(db: &'static str, end: i64) -> (HtmlElement, Live) {
    let root = fresh_container();
    let live = Live::new(DemoMode::Exchange, end);
    live.running.set(false);
    live.set_spec(EngineSpec {
        bucket: BucketSize::S1,
        ..live.spec.get_untracked()
    });
    let handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(live);
        view! {
            <RevenuePanel metric=Metric::High on_metric=Callback::new(|_| ()) />
            <AlertsPanel db_name=db />
        }
    });
    handle.forget();
    (root, live)
}

fn mount(db: &'static str) -> (HtmlElement, Live) {
    mount_at(db, demo_end())
}

fn el(root: &HtmlElement, testid: &str) -> HtmlElement {
    query(root, &format!("[data-testid={testid}]"))
        .unwrap_or_else(|| panic!("no {testid}"))
        .unchecked_into()
}

/// Types `text` into the input with `testid`, as a user would (an input event).
fn type_into(root: &HtmlElement, testid: &str, text: &str) {
    let input: HtmlInputElement = el(root, testid).unchecked_into();
    input.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let ev = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
    input.dispatch_event(&ev).unwrap();
}

fn all(root: &HtmlElement, selector: &str) -> Vec<web_sys::Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.unchecked_into())
        .collect()
}

/// The highest price the demo generated up to `end`: computed from the seeded feed itself.
fn demo_high(end: i64) -> f64 {
    let mut feed = DemoFeed::new(
        DemoConfig::default_for(DemoMode::Exchange),
        end - history_ms(DemoMode::Exchange),
    );
    feed.generate_until(end)
        .iter()
        .map(|t| t.price)
        .fold(f64::MIN, f64::max)
}

fn trade(id: u64, time_ms: i64, price: f64) -> Trade {
    Trade {
        id,
        time_ms,
        price,
        qty: 1.0,
        side: None,
        symbol: "SPIKE".into(),
        dims: [None, None, None, None],
    }
}

#[wasm_bindgen_test]
async fn a_spike_fires_the_rule_records_history_and_the_backtest_marks_it() {
    const DB: &str = "tl-test-alerts";
    delete_database(DB).await.unwrap();
    local_storage().remove_item(rules::KEY).unwrap();
    let end = demo_end();
    let (root, live) = mount_at(DB, end);
    wait_for("the history to open", || {
        attr(&root, "[data-testid=alert-history-store]", "data-store").as_deref() == Some("db")
    })
    .await;

    // A threshold half again above the highest price in the history: nothing there crosses it.
    let high = demo_high(end);
    let threshold = (high * 1.5).round();
    type_into(&root, "alert-name", "spike watch");
    choose(&root, "alert-metric", "high");
    choose(&root, "alert-kind", "above");
    type_into(&root, "alert-value", &threshold.to_string());
    el(&root, "alert-add").click();
    wait_for("the rule row", || {
        attr(&root, "[data-testid=alert-rule]", "data-state").as_deref() == Some("ok")
    })
    .await;
    // Stored for the next visit, in the plain serde form.
    let stored = local_storage().get_item(rules::KEY).unwrap().unwrap();
    assert!(stored.contains("\"name\":\"spike watch\""), "{stored}");
    assert!(stored.contains("\"kind\":\"above\""), "{stored}");

    // A spike in the second before last (its bucket is over), then a calm trade in the next
    // second once that one is over too.
    let spike_bucket = (tradelens::now_ms() / 1_000 - 2) * 1_000;
    live.ingest(&[trade(u64::MAX - 1, spike_bucket + 500, high * 2.0)]);
    wait_for("the rule to fire", || {
        attr(&root, "[data-testid=alert-rule]", "data-state").as_deref() == Some("firing")
    })
    .await;
    assert_eq!(common::document().title(), "(1) TradeLens");
    // Its bucket is closed once the clock passes spike_bucket + 2 s.
    live.ingest(&[trade(u64::MAX, spike_bucket + 1_500, high)]);
    wait_for("the rule to resolve", || {
        attr(&root, "[data-testid=alert-rule]", "data-state").as_deref() == Some("ok")
    })
    .await;
    assert_eq!(common::document().title(), "TradeLens");

    // Two history rows, newest first: resolved at the calm bucket, fired at the spike's.
    wait_for("two history rows", || {
        all(&root, "[data-testid=alert-history]").len() == 2
    })
    .await;
    let rows: Vec<(String, String)> = all(&root, "[data-testid=alert-history]")
        .iter()
        .map(|r| {
            (
                r.get_attribute("data-state").unwrap(),
                r.get_attribute("data-at").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("resolved".to_string(), (spike_bucket + 1_000).to_string()),
            ("firing".to_string(), spike_bucket.to_string())
        ]
    );

    // The same two events are in IndexedDB, read back from a connection of our own.
    let db = history::open(DB).await.unwrap();
    let mut stored = Vec::new();
    for _ in 0..300 {
        stored = history::latest(&db, 50).await.unwrap().0;
        if stored.len() == 2 {
            break;
        }
        next_frame().await;
    }
    let got: Vec<(State, i64)> = stored.iter().map(|e| (e.state, e.at_ms)).collect();
    assert_eq!(
        got,
        [
            (State::Resolved, spike_bucket + 1_000),
            (State::Firing, spike_bucket)
        ]
    );
    assert_eq!(stored[1].value, Some(high * 2.0));
    db.close();

    // The backtest over the engine's buckets finds the spike's bucket only, and the chart
    // marks it.
    el(&root, "alert-backtest-run").click();
    wait_for("the backtest", || {
        query(&root, "[data-testid=alert-backtest]").is_some()
    })
    .await;
    assert_eq!(
        attr(&root, "[data-testid=alert-backtest]", "data-count").as_deref(),
        Some("1")
    );
    let c = canvas(&root, "chart-revenue");
    let want = spike_bucket.to_string();
    wait_for("the chart's marks", || {
        c.get_attribute("data-marks").as_deref() == Some(want.as_str())
    })
    .await;

    // Deleting the rule empties the list and the stored rules.
    el(&root, "alert-delete").click();
    wait_for("the list to empty", || {
        query(&root, "[data-testid=alert-rule]").is_none()
    })
    .await;
    assert_eq!(local_storage().get_item(rules::KEY).unwrap().unwrap(), "[]");
}

#[wasm_bindgen_test]
async fn form_mistakes_are_shown_not_added() {
    local_storage().remove_item(rules::KEY).unwrap();
    let (root, _live) = mount("tl-test-alerts-form");
    type_into(&root, "alert-name", "bad");
    choose(&root, "alert-kind", "above");
    type_into(&root, "alert-value", "abc");
    el(&root, "alert-add").click();
    wait_for("the error", || {
        query(&root, "[data-testid=alert-error]").is_some()
    })
    .await;
    let text = el(&root, "alert-error").text_content().unwrap();
    assert!(text.contains("must be a number"), "{text}");
    assert_eq!(
        el(&root, "alert-error").get_attribute("role").as_deref(),
        Some("alert")
    );
    // A number the rule refuses: a z-score window below 5 buckets.
    choose(&root, "alert-kind", "robust_z");
    wait_for("the window field", || {
        query(&root, "[data-testid=alert-window]").is_some()
    })
    .await;
    type_into(&root, "alert-value", "3");
    type_into(&root, "alert-window", "2");
    el(&root, "alert-add").click();
    wait_for("the window error", || {
        el(&root, "alert-error")
            .text_content()
            .unwrap()
            .contains("window")
    })
    .await;
    assert!(query(&root, "[data-testid=alert-rule]").is_none());
    assert!(local_storage().get_item(rules::KEY).unwrap().is_none());
}

#[wasm_bindgen_test]
async fn bad_stored_rules_are_reported_and_skipped() {
    // Rule 1 is valid; rule 2's threshold is beyond what a rule accepts; rule 3 is not a rule.
    let stored = r#"[
        {"id":1,"name":"ok","series":{"metric":"high","group":null},"condition":{"kind":"above","value":5.0},"for_ms":0,"cooldown_ms":0},
        {"id":2,"name":"huge","series":{"metric":"high","group":null},"condition":{"kind":"above","value":1e300},"for_ms":0,"cooldown_ms":0},
        {"id":3}
    ]"#;
    local_storage().set_item(rules::KEY, stored).unwrap();
    let (root, _live) = mount("tl-test-alerts-bad");
    wait_for("the rules", || {
        query(&root, "[data-testid=alert-rule]").is_some()
            || query(&root, "[data-testid=alert-error]").is_some()
    })
    .await;
    let text = el(&root, "alert-error").text_content().unwrap();
    assert_eq!(all(&root, "[data-testid=alert-rule]").len(), 1, "{text}");
    assert!(text.contains("rule 2") && text.contains("rule 3"), "{text}");

    local_storage().set_item(rules::KEY, "not json").unwrap();
    let (root, _live) = mount("tl-test-alerts-bad");
    wait_for("the error", || {
        query(&root, "[data-testid=alert-error]").is_some()
    })
    .await;
    assert!(el(&root, "alert-error")
        .text_content()
        .unwrap()
        .contains("could not be read"));
    assert!(query(&root, "[data-testid=alert-rule]").is_none());
    local_storage().remove_item(rules::KEY).unwrap();
}

#[wasm_bindgen_test]
async fn late_history_moves_the_state_without_announcing_it() {
    local_storage().remove_item(rules::KEY).unwrap();
    let end = demo_end();
    let (root, live) = mount_at("tl-test-alerts-late", end);
    let high = demo_high(end);
    type_into(&root, "alert-name", "late");
    choose(&root, "alert-metric", "high");
    choose(&root, "alert-kind", "above");
    type_into(&root, "alert-value", &(high * 1.5).round().to_string());
    el(&root, "alert-add").click();
    wait_for("the rule row", || {
        attr(&root, "[data-testid=alert-rule]", "data-state").as_deref() == Some("ok")
    })
    .await;
    // A spike five minutes ago (after the demo's end, so after every bucket judged): its
    // bucket ended far more than STALE_MS ago, as restored trades do. The rule fires (its
    // state follows the data) but nothing is recorded or announced.
    let old = (tradelens::now_ms() / 1_000 - 300) * 1_000;
    live.ingest(&[trade(1, old, high * 2.0)]);
    wait_for("the rule to fire", || {
        attr(&root, "[data-testid=alert-rule]", "data-state").as_deref() == Some("firing")
    })
    .await;
    assert!(query(&root, "[data-testid=alert-history]").is_none());
    assert_eq!(
        attr(&root, "[data-testid=alert-notified]", "data-count").as_deref(),
        Some("0")
    );
    // Gone again, so the shared document's title carries no badge into other tests.
    el(&root, "alert-delete").click();
    wait_for("the list to empty", || {
        query(&root, "[data-testid=alert-rule]").is_none()
    })
    .await;
    assert_eq!(common::document().title(), "TradeLens");
    local_storage().remove_item(rules::KEY).unwrap();
}

#[wasm_bindgen_test]
async fn without_storage_the_history_stays_in_memory_and_says_so() {
    // A database a newer build wrote (one version ahead): this build cannot open it, so the
    // history must fall back to memory.
    const DB: &str = "tl-test-alerts-memory";
    delete_database(DB).await.unwrap();
    let mut migrations = schema::migrations();
    migrations.push(schema::Migration {
        to: schema::CURRENT_VERSION + 1,
        steps: Vec::new(),
    });
    let (newer, _) = db::open(&db::OpenOptions {
        version: schema::CURRENT_VERSION + 1,
        migrations,
        ..db::OpenOptions::new(DB)
    })
    .await
    .unwrap();
    newer.close();

    local_storage().remove_item(rules::KEY).unwrap();
    let end = demo_end();
    let (root, live) = mount_at(DB, end);
    wait_for("the memory fallback", || {
        attr(&root, "[data-testid=alert-history-store]", "data-store").as_deref() == Some("memory")
    })
    .await;
    let note = el(&root, "alert-history-store").text_content().unwrap();
    assert!(note.contains("in memory only"), "{note}");

    // An event still reaches the history shown.
    let high = demo_high(end);
    type_into(&root, "alert-name", "memory");
    choose(&root, "alert-metric", "high");
    choose(&root, "alert-kind", "above");
    type_into(&root, "alert-value", &(high * 1.5).round().to_string());
    el(&root, "alert-add").click();
    wait_for("the rule row", || {
        query(&root, "[data-testid=alert-rule]").is_some()
    })
    .await;
    let spike_bucket = (tradelens::now_ms() / 1_000 - 2) * 1_000;
    live.ingest(&[trade(7, spike_bucket + 100, high * 2.0)]);
    wait_for("the history row", || {
        attr(&root, "[data-testid=alert-history]", "data-at") == Some(spike_bucket.to_string())
    })
    .await;
    el(&root, "alert-delete").click();
    wait_for("the list to empty", || {
        query(&root, "[data-testid=alert-rule]").is_none()
    })
    .await;
    local_storage().remove_item(rules::KEY).unwrap();
    delete_database(DB).await.unwrap();
}
