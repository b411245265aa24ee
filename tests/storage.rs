//! Browser tests of the IndexedDB layer, on the browser's real IndexedDB. Each test uses its
//! own database and deletes it first, so a failed run leaves nothing that changes the next.
//! Nothing sleeps: every step awaits the IndexedDB request or transaction it depends on.

use std::cell::RefCell;
use std::rc::Rc;

use tradelens::live::Live;
use tradelens::storage::db::{delete_database, OpenOptions};
use tradelens::storage::demo::{persist_demo_with_clock, DEMO_FEED};
use tradelens::storage::record;
use tradelens::storage::{Saver, SaverOptions, StorageError};
use tradelens_core::demo::{DemoConfig, DemoFeed, DemoMode};
use tradelens_core::model::Trade;
use tradelens_core::store::retention::ChunkPolicy;
use tradelens_core::store::schema::{self, upgrade_chunk, Step};
use tradelens_core::store::Chunk;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A fixed "now", so each test knows exactly which trades the demo produced.
const NOW: i64 = 1_764_000_000_000;
const FEED: &str = "demo:orders";

/// `minutes` of demo orders ending at [`NOW`].
fn demo_trades(minutes: i64) -> Vec<Trade> {
    let mut feed = DemoFeed::new(
        DemoConfig::default_for(DemoMode::Orders),
        NOW - minutes * 60_000,
    );
    feed.generate_until(NOW)
}

fn sorted(mut v: Vec<Trade>) -> Vec<Trade> {
    v.sort_by_key(|t| (t.time_ms, t.id));
    v
}

/// A writer on a fresh database `name` (deleted first).
async fn fresh(name: &str) -> Saver {
    delete_database(name)
        .await
        .expect("delete the test database");
    Saver::new(SaverOptions::new(name))
}

/// A second writer on the same database, as after a reload: nothing in memory.
fn reloaded(name: &str) -> Saver {
    Saver::new(SaverOptions::new(name))
}

#[wasm_bindgen_test]
async fn saved_batches_restore_equal_to_the_input() {
    let name = "tl-test-round-trip";
    let saver = fresh(name).await;
    let trades = demo_trades(90);
    assert!(trades.len() > 1000, "{} trades", trades.len());
    for batch in trades.chunks(700) {
        let r = saver.save_batch(FEED, batch).await.unwrap();
        assert_eq!(r.stored, batch.len());
    }
    let mut fractions = Vec::new();
    let restored = reloaded(name)
        .restore(FEED, |page| fractions.push(page.fraction))
        .await
        .unwrap();
    assert_eq!(restored, sorted(trades));
    // Progress only grows and ends at 1.
    assert!(fractions.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(fractions.last().copied(), Some(1.0));
}

#[wasm_bindgen_test]
async fn replayed_and_overlapping_batches_store_nothing_new() {
    let name = "tl-test-replay";
    let saver = fresh(name).await;
    let trades = demo_trades(30);
    let (a, b) = (&trades[..200], &trades[100..300]);
    assert_eq!(saver.save_batch(FEED, a).await.unwrap().stored, 200);
    let again = saver.save_batch(FEED, a).await.unwrap();
    assert_eq!((again.stored, again.duplicates, again.chunks), (0, 200, 0));
    let overlap = saver.save_batch(FEED, b).await.unwrap();
    assert_eq!((overlap.stored, overlap.duplicates), (100, 100));
    // After a reload the index is rebuilt from what is stored: still nothing new.
    let after = reloaded(name);
    let replay = after.save_batch(FEED, &trades[..300]).await.unwrap();
    assert_eq!((replay.stored, replay.duplicates), (0, 300));
    let restored = after.restore(FEED, |_| {}).await.unwrap();
    assert_eq!(restored, sorted(trades[..300].to_vec()));
}

#[wasm_bindgen_test]
async fn an_aborted_transaction_stores_nothing_and_the_batch_can_be_retried() {
    let name = "tl-test-abort";
    let saver = fresh(name).await;
    let trades = demo_trades(20);
    saver.abort_next_commit();
    let err = saver.save_batch(FEED, &trades).await.unwrap_err();
    assert!(matches!(err, StorageError::Aborted { .. }), "{err:?}");
    assert!(reloaded(name)
        .restore(FEED, |_| {})
        .await
        .unwrap()
        .is_empty());
    let r = saver.save_batch(FEED, &trades).await.unwrap();
    assert_eq!(r.stored, trades.len());
    assert_eq!(
        reloaded(name).restore(FEED, |_| {}).await.unwrap(),
        sorted(trades)
    );
}

#[wasm_bindgen_test]
async fn a_closed_connection_is_reopened_not_reused() {
    let name = "tl-test-reopen";
    let saver = fresh(name).await;
    let trades = demo_trades(20);
    saver.save_batch(FEED, &trades[..10]).await.unwrap();
    let old = saver.connection().unwrap();
    old.close();
    let r = saver.save_batch(FEED, &trades[10..]).await.unwrap();
    assert_eq!(r.stored, trades.len() - 10);
    assert!(old.is_closed());
    assert!(!saver.connection().unwrap().is_closed());
}

#[wasm_bindgen_test]
async fn a_full_queue_refuses_the_batch_with_an_error() {
    let name = "tl-test-queue";
    delete_database(name).await.unwrap();
    let mut opts = SaverOptions::new(name);
    opts.max_batches = 1;
    let saver = Saver::new(opts);
    let trades = demo_trades(10);
    // The worker has not run yet when the second batch arrives: one batch already waits.
    let first = saver.save_batch(FEED, &trades[..5]);
    let second = saver.save_batch(FEED, &trades[5..]);
    let err = second.await.unwrap_err();
    assert!(
        matches!(err, StorageError::QueueFull { batches: 1, .. }),
        "{err:?}"
    );
    assert_eq!(first.await.unwrap().stored, 5);
}

#[wasm_bindgen_test]
async fn retention_deletes_the_oldest_chunks() {
    let name = "tl-test-retention";
    let saver = fresh(name).await;
    let trades = demo_trades(60);
    let batches: Vec<&[Trade]> = trades.chunks(trades.len() / 5 + 1).collect();
    assert_eq!(batches.len(), 5);
    for b in &batches {
        saver.save_batch(FEED, b).await.unwrap();
    }
    let keep = (batches[3].len() + batches[4].len()) as u64;
    let policy = ChunkPolicy {
        max_rows: Some(keep),
        ..ChunkPolicy::default()
    };
    assert_eq!(saver.apply_retention(FEED, policy, NOW).await.unwrap(), 3);
    let kept: Vec<Trade> = batches[3..].concat();
    let after = reloaded(name);
    assert_eq!(after.restore(FEED, |_| {}).await.unwrap(), sorted(kept));
    // Replaying a deleted batch does not bring it back.
    let replay = after.save_batch(FEED, batches[0]).await.unwrap();
    assert_eq!(replay.stored, 0);
}

#[wasm_bindgen_test]
fn quota_exceeded_is_recognised_in_a_failed_transaction() {
    let e = web_sys::DomException::new_with_message_and_name("full", "QuotaExceededError").unwrap();
    assert!(matches!(
        StorageError::from_dom(&e),
        StorageError::QuotaExceeded { .. }
    ));
}

// --- databases written by an older build, with raw IndexedDB calls ---

/// The chunk the core pinned as written by layout 1.
fn v1_chunk_bytes() -> Vec<u8> {
    let hex: String = include_str!("../crates/core/tests/fixtures/chunk_v1.hex")
        .split_whitespace()
        .collect();
    (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

/// Awaits an IndexedDB request.
async fn request(req: &web_sys::IdbRequest) -> Result<JsValue, JsValue> {
    let req2 = req.clone();
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let r = req2.clone();
        let ok = Closure::once_into_js(move || resolve.call1(&JsValue::NULL, &r.result().unwrap()));
        let r = req2.clone();
        let err = Closure::once_into_js(move || {
            reject.call1(&JsValue::NULL, &r.error().ok().flatten().into())
        });
        req2.set_onsuccess(Some(ok.unchecked_ref()));
        req2.set_onerror(Some(err.unchecked_ref()));
    });
    JsFuture::from(promise).await
}

/// Writes database `name` at schema version 1, as the first build did: its three stores,
/// and `records` in `chunks`.
async fn write_v1(name: &str, records: Vec<JsValue>) {
    delete_database(name).await.unwrap();
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let open = factory.open_with_u32(name, 1).unwrap();
    let o = open.clone();
    let records = RefCell::new(records);
    let upgrade = Closure::once_into_js(move || {
        let db: web_sys::IdbDatabase = o.result().unwrap().unchecked_into();
        let params = web_sys::IdbObjectStoreParameters::new();
        let kp = |parts: &[&str]| -> JsValue {
            parts
                .iter()
                .map(|p| JsValue::from_str(p))
                .collect::<js_sys::Array>()
                .into()
        };
        params.set_key_path(&kp(&["feed", "chunk_id"]));
        let chunks = db
            .create_object_store_with_optional_parameters("chunks", &params)
            .unwrap();
        chunks
            .create_index_with_str_sequence("by_time", &kp(&["feed", "time_max"]))
            .unwrap();
        params.set_key_path(&kp(&["feed", "minute_from"]));
        db.create_object_store_with_optional_parameters("rollups", &params)
            .unwrap();
        params.set_key_path(&JsValue::from_str("key"));
        db.create_object_store_with_optional_parameters("meta", &params)
            .unwrap();
        for r in records.take() {
            chunks.put(&r).unwrap();
        }
    });
    open.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    let db: web_sys::IdbDatabase = request(&open).await.unwrap().unchecked_into();
    assert_eq!(db.version(), 1.0);
    db.close();
}

fn v1_record(chunk_id: u64, bytes: &[u8]) -> JsValue {
    let meta = Chunk::decode(&v1_chunk_bytes())
        .unwrap()
        .meta("binance:BTCUSDT", chunk_id);
    record::chunk_record(&meta, bytes)
}

#[wasm_bindgen_test]
async fn a_version_1_database_opens_and_migrates() {
    let name = "tl-test-v1";
    let bytes = v1_chunk_bytes();
    write_v1(name, vec![v1_record(0, &bytes)]).await;
    let saver = reloaded(name);
    let report = saver.connect().await.unwrap();
    assert_eq!(report.from_version, 1);
    let db = saver.connection().unwrap();
    assert_eq!(db.version(), schema::CURRENT_VERSION);
    let expected = Chunk::decode(&bytes).unwrap().trades();
    assert_eq!(
        saver.restore("binance:BTCUSDT", |_| {}).await.unwrap(),
        expected
    );
    // The version 2 index and store exist.
    let raw: web_sys::IdbDatabase = {
        use indexed_db_futures::internals::SystemRepr;
        db.database().unwrap().as_sys().clone().unchecked_into()
    };
    assert!(raw.object_store_names().contains("policies"));
    let tx = raw.transaction_with_str("chunks").unwrap();
    assert!(tx
        .object_store("chunks")
        .unwrap()
        .index_names()
        .contains("by_id"));
    // Saving the same trades again stores nothing: the index was rebuilt from the v1 chunk.
    let r = saver
        .save_batch("binance:BTCUSDT", &expected)
        .await
        .unwrap();
    assert_eq!(r.stored, 0);
}

#[wasm_bindgen_test]
async fn transform_steps_rewrite_records_and_drop_unreadable_ones() {
    let name = "tl-test-transform";
    let bytes = v1_chunk_bytes();
    let mut corrupt = bytes.clone();
    corrupt[70] ^= 0xff;
    write_v1(name, vec![v1_record(0, &bytes), v1_record(1, &corrupt)]).await;
    let mut opts = SaverOptions::new(name);
    let mut migrations = schema::migrations();
    migrations[1].steps.push(Step::Transform {
        store: "chunks",
        field: "data",
        what: "rewrite chunks in the current layout",
        f: upgrade_chunk,
    });
    opts.open = OpenOptions {
        migrations,
        ..opts.open
    };
    let saver = Saver::new(opts);
    let report = saver.connect().await.unwrap();
    assert_eq!(
        (report.from_version, report.transformed, report.dropped),
        (1, 1, 1)
    );
    let got = Rc::new(RefCell::new(0));
    let g = got.clone();
    let restored = saver
        .restore("binance:BTCUSDT", move |p| {
            *g.borrow_mut() += p.corrupt.len()
        })
        .await
        .unwrap();
    assert_eq!(restored, Chunk::decode(&bytes).unwrap().trades());
    assert_eq!(*got.borrow(), 0);
}

#[wasm_bindgen_test]
async fn another_tab_upgrading_closes_this_connection() {
    let name = "tl-test-versionchange";
    let saver = fresh(name).await;
    let trades = demo_trades(10);
    saver.save_batch(FEED, &trades[..5]).await.unwrap();
    // "Another tab" opens a newer version: ours must close at once or that open blocks.
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let open = factory
        .open_with_u32(name, schema::CURRENT_VERSION + 1)
        .unwrap();
    let other: web_sys::IdbDatabase = request(&open).await.unwrap().unchecked_into();
    other.close();
    assert!(saver.connection().unwrap().is_closed());
    let err = saver.save_batch(FEED, &trades[5..]).await.unwrap_err();
    assert!(matches!(err, StorageError::VersionChange { .. }), "{err:?}");
}

// --- the demo resumes from storage ---

async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .request_animation_frame(&resolve)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// Trades stored for `feed` in database `name`, by chunk metas.
async fn stored_count(name: &str, feed: &str) -> u64 {
    reloaded(name)
        .feed_state(feed)
        .await
        .map(|s| s.metas.iter().map(|m| m.count).sum())
        .unwrap_or(0)
}

/// Waits up to 600 frames until `feed` in `name` stores `want()` trades.
async fn wait_stored(name: &str, feed: &str, want: impl Fn() -> u64) -> u64 {
    for _ in 0..600 {
        let (have, want) = (stored_count(name, feed).await, want());
        if have == want && want > 0 {
            return have;
        }
        next_frame().await;
    }
    panic!("stored trades never matched the engine");
}

/// One page session: storage, the orders demo and its persistence, mounted at clock `now`;
/// dropping the handle closes it (as closing the tab would).
fn session(name: &str, now: i64) -> (Live, impl Drop) {
    use leptos::prelude::*;
    let document = web_sys::window().unwrap().document().unwrap();
    let root: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let live_out = Rc::new(RefCell::new(None));
    let out = live_out.clone();
    let name = name.to_string();
    let handle = leptos::mount::mount_to(root, move || {
        let storage = tradelens::storage::Storage::new(&name);
        let live = Live::new(DemoMode::Orders, now);
        persist_demo_with_clock(live, storage, Rc::new(move || now));
        *out.borrow_mut() = Some(live);
        view! { <div /> }
    });
    let live = live_out.borrow_mut().take().unwrap();
    (live, handle)
}

fn hide_page() {
    let e = web_sys::Event::new("pagehide").unwrap();
    web_sys::window().unwrap().dispatch_event(&e).unwrap();
}

#[wasm_bindgen_test]
async fn the_demo_resumes_after_a_reload_without_duplicates() {
    let name = "tl-test-demo";
    delete_database(name).await.unwrap();
    // First visit: nothing stored, the demo generates its history and saves it.
    let (first, first_tab) = session(name, NOW);
    let len = move || first.with_engine_untracked(|e| e.len() as u64);
    first.tick(NOW + 60_000);
    hide_page();
    let saved = wait_stored(name, DEMO_FEED, len).await;
    let before = sorted(reloaded(name).restore(DEMO_FEED, |_| {}).await.unwrap());
    drop(first_tab);

    // Reload two minutes later: the engine holds the saved trades plus the gap, generated
    // once, and storage then holds exactly what the engine holds.
    let (second, _second_tab) = session(name, NOW + 180_000);
    let len2 = move || second.with_engine_untracked(|e| e.len() as u64);
    for _ in 0..600 {
        hide_page();
        if stored_count(name, DEMO_FEED).await > saved {
            break;
        }
        next_frame().await;
    }
    let total = wait_stored(name, DEMO_FEED, len2).await;
    assert!(total > saved, "{total} <= {saved}");
    let after = sorted(reloaded(name).restore(DEMO_FEED, |_| {}).await.unwrap());
    assert_eq!(after[..before.len()], before[..]);
    let ids: std::collections::HashSet<u64> = after.iter().map(|t| t.id).collect();
    assert_eq!(ids.len(), after.len());
    assert!(after[before.len()..]
        .iter()
        .all(|t| t.time_ms > before.last().unwrap().time_ms));
}

// --- tabs ---

#[wasm_bindgen_test]
async fn a_feed_lock_has_one_holder_at_a_time() {
    use tradelens::storage::tabs::FeedLock;
    let feed = "tl-test-lock";
    let held = FeedLock::try_acquire(feed)
        .await
        .unwrap()
        .expect("the lock is free");
    assert!(FeedLock::try_acquire(feed).await.unwrap().is_none());
    held.release();
    // The lock manager frees the lock once the holder's promise settles.
    for _ in 0..300 {
        if let Some(again) = FeedLock::try_acquire(feed).await.unwrap() {
            again.release();
            return;
        }
        next_frame().await;
    }
    panic!("the released lock never became free");
}

#[wasm_bindgen_test]
async fn saved_batches_are_announced_to_other_tabs() {
    use tradelens::storage::tabs::{BatchChannel, Saved};
    let heard = Rc::new(RefCell::new(Vec::new()));
    let h = heard.clone();
    let _listener = BatchChannel::new(
        "tl-test-channel",
        Some(Box::new(move |s| h.borrow_mut().push(s))),
    )
    .unwrap();
    let sender = BatchChannel::new("tl-test-channel", None).unwrap();
    let saved = Saved {
        feed: FEED.into(),
        stored: 42,
        time_max: NOW,
    };
    sender.announce(&saved).unwrap();
    for _ in 0..300 {
        if !heard.borrow().is_empty() {
            break;
        }
        next_frame().await;
    }
    assert_eq!(*heard.borrow(), vec![saved]);
}

#[wasm_bindgen_test]
async fn rollup_blocks_merge_across_batches() {
    use tradelens::storage::record::ROLLUPS;
    use tradelens::storage::store::feed_records;
    use tradelens_core::store::rollup::{decode_rollups, Rollups};
    let name = "tl-test-rollups";
    let saver = fresh(name).await;
    let trades = demo_trades(150);
    // Batches that split minutes and hours between them.
    for batch in trades.chunks(333) {
        saver.save_batch(FEED, batch).await.unwrap();
    }
    saver.save_batch(FEED, &trades).await.unwrap(); // a replay adds nothing
    let db = saver.connection().unwrap();
    let rows = feed_records(db.database().unwrap(), ROLLUPS, FEED)
        .await
        .unwrap();
    let stored: Rollups = rows
        .iter()
        .flat_map(|r| decode_rollups(&record::record_data(r).unwrap()).unwrap())
        .collect();
    let expected = Rollups::from_trades(&trades);
    assert_eq!(stored.len(), expected.len());
    for r in expected.iter() {
        let s = stored.get(r.symbol(), r.minute_ms()).unwrap();
        assert_eq!(s.count(), r.count());
        assert_eq!((s.open(), s.close()), (r.open(), r.close()));
        assert_eq!((s.high(), s.low()), (r.high(), r.low()));
        // Compensated sums: merging blocks equals one pass to the last bit.
        assert_eq!(s.volume(), r.volume());
    }
}

#[wasm_bindgen_test]
async fn other_tabs_hear_of_saved_batches() {
    use tradelens::storage::saver::channel_name;
    use tradelens::storage::tabs::BatchChannel;
    let name = "tl-test-announce";
    let heard = Rc::new(RefCell::new(Vec::new()));
    let h = heard.clone();
    let _other_tab = BatchChannel::new(
        &channel_name(name),
        Some(Box::new(move |s| h.borrow_mut().push(s))),
    )
    .unwrap();
    let saver = fresh(name).await;
    let trades = demo_trades(10);
    saver.save_batch(FEED, &trades).await.unwrap();
    saver.save_batch(FEED, &trades).await.unwrap(); // stores nothing: not announced
    for _ in 0..300 {
        if !heard.borrow().is_empty() {
            break;
        }
        next_frame().await;
    }
    let heard = heard.borrow();
    assert_eq!(heard.len(), 1);
    assert_eq!(heard[0].stored as usize, trades.len());
    assert_eq!(heard[0].time_max, trades.last().unwrap().time_ms);
}

#[wasm_bindgen_test]
async fn a_full_disk_runs_retention_and_retries_the_batch_once() {
    let name = "tl-test-quota";
    delete_database(name).await.unwrap();
    let said = Rc::new(RefCell::new(Vec::<String>::new()));
    let s = said.clone();
    let mut opts = SaverOptions::new(name);
    opts.on_message = Some(Rc::new(move |m| s.borrow_mut().push(m)));
    let saver = Saver::new(opts);
    let trades = demo_trades(60);
    let batches: Vec<&[Trade]> = trades.chunks(trades.len() / 4 + 1).collect();
    for b in &batches[..3] {
        saver.save_batch(FEED, b).await.unwrap();
    }
    saver.fail_next_commit_with_full_disk();
    let r = saver.save_batch(FEED, batches[3]).await.unwrap();
    assert_eq!(r.stored, batches[3].len());
    // The older half of the bytes went (the oldest chunks first); the new batch is stored.
    let kept = sorted(reloaded(name).restore(FEED, |_| {}).await.unwrap());
    assert!(kept.len() < trades.len());
    assert!(kept.ends_with(&sorted(batches[3].to_vec())));
    assert!(!kept.iter().any(|t| t.id == batches[0][0].id));
    assert_eq!(said.borrow().len(), 1, "{:?}", said.borrow());
    assert!(said.borrow()[0].contains("storage was full"));
}

#[wasm_bindgen_test]
async fn a_full_disk_with_nothing_to_delete_is_an_error() {
    let saver = fresh("tl-test-quota-empty").await;
    saver.fail_next_commit_with_full_disk();
    let err = saver.save_batch(FEED, &demo_trades(5)).await.unwrap_err();
    assert!(matches!(err, StorageError::QuotaExceeded { .. }), "{err:?}");
    // Nothing was stored, and the batch can be saved once there is room.
    let r = saver.save_batch(FEED, &demo_trades(5)).await.unwrap();
    assert_eq!(r.stored, demo_trades(5).len());
}

#[wasm_bindgen_test]
async fn an_upgrade_blocked_by_an_old_tab_says_so_and_goes_on_when_it_closes() {
    let name = "tl-test-blocked";
    write_v1(name, vec![]).await;
    // "An old tab": a version 1 connection that ignores versionchange.
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let open = factory.open_with_u32(name, 1).unwrap();
    let old: web_sys::IdbDatabase = request(&open).await.unwrap().unchecked_into();
    let blocked = Rc::new(RefCell::new(false));
    let b = blocked.clone();
    let old_tab = old.clone();
    let mut opts = OpenOptions::new(name);
    // Told to close other tabs: the user does.
    opts.on_blocked = Some(Rc::new(move || {
        *b.borrow_mut() = true;
        old_tab.close();
    }));
    let (db, report) = tradelens::storage::db::open(&opts).await.unwrap();
    assert!(*blocked.borrow());
    assert_eq!(report.from_version, 1);
    assert_eq!(db.version(), schema::CURRENT_VERSION);
}

#[wasm_bindgen_test]
async fn the_browser_estimates_usage_and_quota() {
    let e = tradelens::storage::quota::estimate().await.unwrap();
    assert!(e.quota > 0.0, "{e:?}");
    assert!(e.used_fraction().is_some_and(|f| (0.0..=1.0).contains(&f)));
    assert!(e.describe().contains(" of "));
}

#[wasm_bindgen_test]
async fn configuration_records_round_trip_and_survive_a_reload() {
    let name = "tl-test-config";
    let saver = fresh(name).await;
    assert_eq!(saver.get_config("feeds").await.unwrap(), None);
    let list = r#"{"version":1,"feeds":[{"spec":"Demo","paused":true}]}"#;
    saver.put_config("feeds", list).await.unwrap();
    saver.put_config("other", "[]").await.unwrap();
    // Overwritten, not appended.
    saver.put_config("feeds", list).await.unwrap();
    let after = reloaded(name);
    assert_eq!(
        after.get_config("feeds").await.unwrap().as_deref(),
        Some(list)
    );
    assert_eq!(
        after.get_config("other").await.unwrap().as_deref(),
        Some("[]")
    );
    // A configuration record is not a feed: restoring a feed of that name finds nothing.
    assert!(after.restore("feeds", |_| {}).await.unwrap().is_empty());
}

#[wasm_bindgen_test]
async fn another_tab_follows_a_feed_chunk_by_chunk() {
    let name = "tl-test-follow";
    let writer = fresh(name).await;
    let follower = reloaded(name);
    let trades = demo_trades(60);
    let (a, b) = trades.split_at(trades.len() / 2);
    writer.save_batch(FEED, a).await.unwrap();
    let (first, upto) = follower.chunks_after(FEED, None).await.unwrap();
    assert_eq!(sorted(first), sorted(a.to_vec()));
    let upto = upto.expect("chunks were read");
    // Nothing new yet: nothing read, the position stays.
    assert_eq!(
        follower.chunks_after(FEED, Some(upto)).await.unwrap(),
        (vec![], Some(upto))
    );
    // The writer's next batch (a replay of part of the first, plus new trades): only the new
    // chunks are read.
    writer
        .save_batch(FEED, &trades[a.len() - 10..])
        .await
        .unwrap();
    let (next, later) = follower.chunks_after(FEED, Some(upto)).await.unwrap();
    assert_eq!(sorted(next), sorted(b.to_vec()));
    assert!(later > Some(upto));
}

#[wasm_bindgen_test]
async fn a_barrier_resolves_once_everything_queued_before_it_is_saved() {
    let name = "tl-test-barrier";
    let saver = fresh(name).await;
    let trades = demo_trades(120);
    // Queued without waiting, as a producer that only waits at the barrier.
    let pending: Vec<_> = trades
        .chunks(500)
        .map(|b| saver.save_batch(FEED, b))
        .collect();
    saver.barrier().await;
    assert_eq!(saver.queued(), (0, 0), "nothing waits after the barrier");
    for p in pending {
        assert!(p.await.is_ok());
    }
    let restored = reloaded(name).restore(FEED, |_| {}).await.unwrap();
    assert_eq!(restored, sorted(trades));
}

#[wasm_bindgen_test]
async fn rollups_keep_the_history_retention_deleted() {
    let name = "tl-test-history-rollups";
    let saver = fresh(name).await;
    let trades = demo_trades(60);
    let batches: Vec<&[Trade]> = trades.chunks(trades.len() / 5 + 1).collect();
    for b in &batches {
        saver.save_batch(FEED, b).await.unwrap();
    }
    // Nothing deleted yet: no minute is known only from rollups.
    assert!(saver.history_rollups(FEED).await.unwrap().is_empty());
    let policy = ChunkPolicy {
        max_rows: Some((batches[3].len() + batches[4].len()) as u64),
        ..ChunkPolicy::default()
    };
    assert_eq!(saver.apply_retention(FEED, policy, NOW).await.unwrap(), 3);
    let kept: Vec<Trade> = batches[3..].concat();
    let oldest_kept = kept.iter().map(|t| t.time_ms).min().unwrap();
    let boundary = oldest_kept.div_euclid(60_000) * 60_000;
    // After a reload, the rollups are of every minute before the oldest kept trade, and they
    // count exactly the deleted trades of those minutes, volume and all.
    let after = reloaded(name);
    let rollups = after.history_rollups(FEED).await.unwrap();
    let gone: Vec<&Trade> = trades.iter().filter(|t| t.time_ms < boundary).collect();
    assert!(!gone.is_empty());
    let count: u64 = rollups.iter().map(|r| r.count()).sum();
    assert_eq!(count, gone.len() as u64);
    assert!(rollups.iter().all(|r| r.minute_ms() < boundary));
    let volume: f64 = rollups.iter().map(|r| r.volume()).sum();
    let expected: f64 = gone.iter().map(|t| t.qty).sum();
    assert!(
        (volume - expected).abs() <= 1e-9 * expected,
        "{volume} vs {expected}"
    );
    // In an engine with the kept trades, every trade is counted once.
    let mut engine = tradelens_core::engine::Engine::default();
    engine.extend(after.restore(FEED, |_| {}).await.unwrap().iter());
    engine.push_rollups(rollups.iter());
    let in_boundary_minute = trades
        .iter()
        .filter(|t| t.time_ms >= boundary && t.time_ms < oldest_kept)
        .count() as u64;
    assert_eq!(
        engine.total().count() + in_boundary_minute,
        trades.len() as u64
    );
}

#[wasm_bindgen_test]
async fn a_retention_setting_is_kept_applied_at_once_and_after_each_save() {
    use tradelens_core::store::retention::{Retention, RollupPolicy};
    let name = "tl-test-retention-setting";
    let saver = fresh(name).await;
    let trades = demo_trades(60);
    let batches: Vec<&[Trade]> = trades.chunks(trades.len() / 6 + 1).collect();
    for b in &batches[..4] {
        saver.save_batch(FEED, b).await.unwrap();
    }
    // Rollups kept less long than raw trades: refused, nothing stored.
    let bad = Retention {
        raw: ChunkPolicy {
            max_age_ms: Some(3_600_000),
            ..ChunkPolicy::default()
        },
        rollups: RollupPolicy {
            max_age_ms: Some(60_000),
        },
    };
    let refused = saver.set_retention(FEED, bad, NOW).await;
    assert!(
        matches!(refused, Err(StorageError::Invalid { .. })),
        "{refused:?}"
    );
    assert_eq!(saver.retention(FEED), None);

    let keep = batches[3].len() as u64;
    let good = Retention {
        raw: ChunkPolicy {
            max_rows: Some(keep),
            ..ChunkPolicy::default()
        },
        ..Retention::default()
    };
    assert_eq!(saver.set_retention(FEED, good, NOW).await.unwrap(), 3);
    let sizes = saver.sizes().await.unwrap();
    assert_eq!(sizes.len(), 1);
    assert_eq!(sizes[0].trades, keep);
    assert_eq!(sizes[0].retention, Some(good));

    // After a reload the setting is read back and applied after the next save.
    let after = reloaded(name);
    after.connect().await.unwrap();
    assert_eq!(after.retention(FEED), Some(good));
    after.save_batch(FEED, batches[4]).await.unwrap();
    let sizes = after.sizes().await.unwrap();
    assert_eq!(sizes[0].trades, batches[4].len() as u64);
    assert_eq!(sizes[0].chunks, 1);
}

#[wasm_bindgen_test]
async fn rollup_retention_deletes_whole_old_hours_only() {
    use tradelens_core::store::retention::{Retention, RollupPolicy};
    let name = "tl-test-rollup-retention";
    let saver = fresh(name).await;
    // Three hours of orders, then raw trades cut to the newest chunk.
    let trades = demo_trades(180);
    for b in trades.chunks(trades.len() / 3 + 1) {
        saver.save_batch(FEED, b).await.unwrap();
    }
    let rows = |n| Retention {
        raw: ChunkPolicy {
            max_rows: Some(n),
            ..ChunkPolicy::default()
        },
        ..Retention::default()
    };
    saver.set_retention(FEED, rows(1), NOW).await.unwrap();
    let before = saver.history_rollups(FEED).await.unwrap();
    assert!(before.iter().any(|r| r.minute_ms() < NOW - 2 * 3_600_000));
    // Rollups older than 90 minutes go, by whole hour blocks: every minute left is in an
    // hour that had not ended 90 minutes ago, and nothing newer than that was deleted.
    let age = 90 * 60_000;
    let mut keep_rollups = rows(1);
    keep_rollups.raw.max_age_ms = Some(age);
    keep_rollups.rollups = RollupPolicy {
        max_age_ms: Some(age),
    };
    saver.set_retention(FEED, keep_rollups, NOW).await.unwrap();
    let after = reloaded(name).history_rollups(FEED).await.unwrap();
    let hour = 3_600_000;
    assert!(after.len() < before.len());
    assert!(after
        .iter()
        .all(|r| r.minute_ms().div_euclid(hour) * hour + hour > NOW - age - 60_000));
    let kept_from = NOW - age;
    let expected = before.iter().filter(|r| r.minute_ms() >= kept_from).count();
    assert!(after.iter().filter(|r| r.minute_ms() >= kept_from).count() == expected);
}

#[wasm_bindgen_test]
async fn clearing_a_feed_deletes_its_trades_rollups_and_dedup_state_only() {
    let name = "tl-test-clear";
    let saver = fresh(name).await;
    let trades = demo_trades(30);
    saver.save_batch(FEED, &trades).await.unwrap();
    saver.save_batch("other", &trades[..100]).await.unwrap();
    saver.put_config("feeds", "{\"v\":1}").await.unwrap();
    saver.clear_feed(FEED).await.unwrap();
    let after = reloaded(name);
    assert!(after.restore(FEED, |_| {}).await.unwrap().is_empty());
    assert!(after.history_rollups(FEED).await.unwrap().is_empty());
    let sizes = after.sizes().await.unwrap();
    assert_eq!(
        sizes
            .iter()
            .map(|s| (s.feed.as_str(), s.trades))
            .collect::<Vec<_>>(),
        vec![("other", 100)]
    );
    // Cleared means forgotten: the same trades are stored again.
    assert_eq!(
        after.save_batch(FEED, &trades).await.unwrap().stored,
        trades.len()
    );
    // Clearing everything keeps the configuration.
    after.clear_all().await.unwrap();
    let last = reloaded(name);
    assert!(last.sizes().await.unwrap().is_empty());
    assert!(last.restore("other", |_| {}).await.unwrap().is_empty());
    assert_eq!(
        last.get_config("feeds").await.unwrap().as_deref(),
        Some("{\"v\":1}")
    );
}

#[wasm_bindgen_test]
fn the_retention_form_reads_blank_as_no_limit_and_refuses_nonsense() {
    use tradelens::components::storage_panel::{describe, parse_retention};
    let r = parse_retention("7", "", "2.5", "").unwrap();
    assert_eq!(r.raw.max_age_ms, Some(7 * 86_400_000));
    assert_eq!(r.raw.max_bytes, Some(2_500_000));
    assert_eq!(r.raw.max_rows, None);
    assert!(parse_retention("-1", "", "", "").is_err());
    assert!(parse_retention("abc", "", "", "").is_err());
    // Summaries kept less long than trades: refused, in words.
    let e = parse_retention("7", "", "", "1").unwrap_err();
    assert!(e.contains("1 day"), "{e}");
    assert_eq!(describe(Some(r)), "7 days, 2.5 MB; summaries forever");
}

#[wasm_bindgen_test]
fn a_refused_batch_waits_ahead_of_newer_trades_within_a_bound() {
    use tradelens::storage::feeds::{Gathered, MAX_WAITING};
    let trades = demo_trades(10);
    let (old, new) = trades.split_at(trades.len() / 2);
    let g = Gathered::default();
    assert_eq!(g.add("f", new.to_vec(), false), None);
    // The refused (older) batch goes back ahead of what was gathered since.
    assert_eq!(g.requeue("f", old.to_vec()), 0);
    let due = g.due(true);
    assert_eq!(due, vec![("f".to_string(), trades.clone())]);
    // Past the bound, the oldest waiting trades are given up, and counted.
    let many: Vec<Trade> = (0..MAX_WAITING + 10)
        .map(|i| Trade {
            id: i as u64,
            ..trades[0].clone()
        })
        .collect();
    assert_eq!(g.requeue("f", many), 10);
    let due = g.due(true);
    assert_eq!(due[0].1.len(), MAX_WAITING);
    assert_eq!(due[0].1[0].id, 10);
}

#[wasm_bindgen_test]
async fn a_full_disk_takes_room_from_the_largest_other_feed_when_this_one_has_none() {
    let name = "tl-test-quota-other";
    let saver = fresh(name).await;
    let trades = demo_trades(60);
    for b in trades.chunks(trades.len() / 4 + 1) {
        saver.save_batch("big", b).await.unwrap();
    }
    saver.save_batch("small", &trades[..50]).await.unwrap();
    // "new" has nothing stored: the room comes from "big", never from "small" (one chunk).
    saver.fail_next_commit_with_full_disk();
    let r = saver.save_batch("new", &trades[..10]).await.unwrap();
    assert_eq!(r.stored, 10);
    let after = reloaded(name);
    let sizes = after.sizes().await.unwrap();
    let of = |f: &str| sizes.iter().find(|s| s.feed == f).map(|s| s.chunks);
    assert!(of("big").unwrap() < 4, "{sizes:?}");
    assert_eq!(of("small"), Some(1));
    assert_eq!(of("new"), Some(1));
}

#[wasm_bindgen_test]
fn resuming_or_switching_the_demo_keeps_other_feeds_trades() {
    let owner = leptos::prelude::Owner::new();
    owner.with(|| {
        let live = Live::new(DemoMode::Orders, NOW);
        let other: Vec<Trade> = (0..100u64)
            .map(|id| Trade {
                id,
                symbol: "FILE-ONLY".into(),
                ..demo_trades(1)[0].clone()
            })
            .collect();
        live.ingest(&other);
        let of_file = |live: &Live| {
            live.with_engine_untracked(|e| {
                tradelens::storage::export::engine_trades(e)
                    .iter()
                    .filter(|t| &*t.symbol == "FILE-ONLY")
                    .count()
            })
        };
        assert_eq!(of_file(&live), 100);
        // The demo's generated history is replaced by the stored one: the file's trades stay.
        let restored = demo_trades(30);
        live.resume(restored.clone(), NOW);
        assert_eq!(of_file(&live), 100);
        let demo = live.with_engine_untracked(|e| {
            tradelens::storage::export::engine_trades_of(e, tradelens::live::DEMO_SOURCE).len()
        });
        // The stored 30 minutes and what came after them up to now (nothing much): not the
        // 24 hours generated at start.
        assert!(
            (restored.len()..restored.len() + 10).contains(&demo),
            "{demo} demo trades for {} restored",
            restored.len()
        );
        live.set_mode(DemoMode::Exchange, NOW);
        assert_eq!(of_file(&live), 100);
    });
}
