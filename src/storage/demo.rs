//! The demo's persistence. The demo feed is deterministic from its seed and start time, and
//! its ids count up from its start; so a reload must not regenerate history (that would be
//! a second, different history with the same ids). Instead, when the orders demo starts (page
//! load, or switching back to it), its stored trades are restored and the feed resumes just
//! after the latest of them, with ids after theirs ([`Live::resume`]); only the gap since
//! then is generated (with nothing stored, the history already in memory is saved as it is).
//! Its batches are buffered and saved every [`FLUSH_MS`] (or
//! [`FLUSH_TRADES`] trades, or when the page is hidden), so a slow feed does not cost a
//! transaction per quarter-second tick; a killed page loses at most that buffer.
//!
//! One tab saves the demo at a time: it holds the demo feed's Web Lock ([`super::tabs`]).
//! Another tab runs from memory and says so, and takes over (restoring what the first one
//! saved) when the holder closes.
//!
//! The exchange demo is not persisted: its ids count per symbol, so they are not unique
//! within one feed.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use tradelens_core::demo::DemoMode;
use tradelens_core::model::Trade;
use tradelens_core::store::retention::{ChunkPolicy, Retention};
use wasm_bindgen::prelude::*;

use super::context::{Storage, StorageStatus};
use super::export::engine_trades_of;
use super::saver::Saver;
use super::tabs::{lock_name, FeedLock};
use crate::live::{Live, DEMO_SOURCE, FEED_SOURCE};
use crate::now_ms;

/// The storage feed of the orders demo.
pub const DEMO_FEED: &str = "demo:orders";
/// Longest a generated trade waits in memory before it is saved, ms.
pub const FLUSH_MS: f64 = 2_000.0;
/// Trades that trigger a save at once.
pub const FLUSH_TRADES: usize = 4_096;
/// How long the demo's trades are kept: a week.
pub const KEEP_MS: i64 = 7 * 86_400_000;

/// A clock, ms since the epoch (tests pass a fixed one).
pub type Clock = Rc<dyn Fn() -> i64>;

#[derive(Default)]
struct Buffer {
    trades: RefCell<Vec<Trade>>,
    since: Cell<Option<f64>>,
    /// Saving only once the demo resumed from storage.
    active: Cell<bool>,
}

impl Buffer {
    fn flush(&self, storage: Storage) {
        let trades = std::mem::take(&mut *self.trades.borrow_mut());
        self.since.set(None);
        if trades.is_empty() {
            return;
        }
        // Queued now, in order; the result (or error banner) arrives later.
        let saving = storage.save_batch(DEMO_FEED, &trades);
        wasm_bindgen_futures::spawn_local(async move {
            let _ = saving.await;
        });
    }
}

/// Restores the orders demo from storage whenever it starts, and saves what it generates.
pub fn persist_demo(live: Live, storage: Storage) {
    persist_demo_with_clock(live, storage, Rc::new(now_ms));
}

/// [`persist_demo`] on the given clock.
pub fn persist_demo_with_clock(live: Live, storage: Storage, clock: Clock) {
    if let Some(saver) = storage.saver() {
        saver.set_clock(clock.clone());
    }
    let buffer = Rc::new(Buffer::default());
    let b = buffer.clone();
    let clock_for_effect = clock.clone();
    live.set_sink(Some(Rc::new(move |mode: DemoMode, trades: &[Trade]| {
        if mode != DemoMode::Orders || !b.active.get() {
            return;
        }
        b.trades.borrow_mut().extend_from_slice(trades);
        let now = clock() as f64;
        let since = *b.since.get().get_or_insert(now);
        b.since.set(Some(since));
        if b.trades.borrow().len() >= FLUSH_TRADES || now - since >= FLUSH_MS {
            b.flush(storage);
        }
    })));
    flush_when_hidden(buffer.clone(), storage);

    // Dropped with the owner (the page, or a test's mount): the lock is released.
    let lock: StoredValue<Option<FeedLock>, LocalStorage> = StoredValue::new_local(None);
    let b = buffer;
    let clock = clock_for_effect;
    Effect::new(move |_| {
        let mode = live.mode.get();
        // The batches so far belong to the demo that is stopping.
        if b.active.replace(false) {
            b.flush(storage);
        }
        if mode != DemoMode::Orders {
            return;
        }
        let b = b.clone();
        let clock = clock.clone();
        wasm_bindgen_futures::spawn_local(async move {
            resume(live, storage, &b, clock, lock).await;
        });
    });
}

async fn resume(
    live: Live,
    storage: Storage,
    buffer: &Buffer,
    clock: Clock,
    lock: StoredValue<Option<FeedLock>, LocalStorage>,
) {
    let Some(saver) = storage.saver() else { return };
    if lock.try_with_value(|l| l.is_none()).unwrap_or(false) {
        let name = lock_name(saver.db_name(), DEMO_FEED);
        let held = match FeedLock::try_acquire(&name).await {
            Ok(Some(l)) => Some(l),
            Ok(None) => {
                storage.message.set(Some(
                    "Another TradeLens tab is saving the demo: this tab's orders are not saved until that tab closes."
                        .into(),
                ));
                let l = FeedLock::acquire(&name).await.ok();
                storage.message.set(None);
                l
            }
            // No Web Locks in this browser: write as the only tab.
            Err(_) => None,
        };
        if lock.try_set_value(held).is_some() {
            return; // the page went away while waiting
        }
    }
    if saver.connect().await.is_err() {
        return; // the banner says trades are kept in memory only
    }
    let progress = storage.restore_progress;
    progress.set(Some(0.0));
    let restored = saver
        .restore(DEMO_FEED, |page| progress.set(Some(page.fraction)))
        .await;
    progress.set(None);
    let restored = match restored {
        Ok(r) => r,
        Err(e) => {
            storage
                .message
                .set(Some(format!("Saved trades could not be restored: {e}")));
            return;
        }
    };
    if live.mode.get_untracked() != DemoMode::Orders
        || storage.status.get_untracked() == StorageStatus::VersionChanged
    {
        return;
    }
    buffer.active.set(true);
    let n = restored.len();
    if restored.is_empty() {
        // First visit (or storage cleared): the demo's history is in memory already; save it
        // rather than generate it again.
        let history = live.with_engine_untracked(|e| engine_trades_of(e, DEMO_SOURCE));
        buffer.trades.borrow_mut().extend(history);
        buffer.flush(storage);
    } else {
        live.resume(restored, clock());
        add_history_rollups(live, storage, &saver, DEMO_FEED).await;
    }
    storage.demo_restored.set(Some(n));
    // The demo keeps a week unless the user set otherwise (storage panel); a setting is
    // applied after each save, this default once now.
    if saver.retention(DEMO_FEED).is_none() {
        let week = Retention {
            raw: ChunkPolicy {
                max_age_ms: Some(KEEP_MS),
                ..ChunkPolicy::default()
            },
            ..Retention::default()
        };
        if let Err(e) = saver.set_retention(DEMO_FEED, week, clock()).await {
            leptos::logging::warn!("retention of the demo's trades failed: {e}");
        }
    }
}

/// Adds to the engine the history of `feed` that only rollups still hold (minutes before its
/// oldest stored trade), so long-range charts outlive raw-trade retention.
pub async fn add_history_rollups(live: Live, storage: Storage, saver: &Saver, feed: &str) {
    match saver.history_rollups(feed).await {
        Ok(rollups) => {
            let source = if feed == DEMO_FEED {
                DEMO_SOURCE
            } else {
                FEED_SOURCE
            };
            live.add_rollups(&rollups, source)
        }
        Err(e) => storage.message.set(Some(format!(
            "The older history of {feed} (one-minute summaries) could not be read: {e}"
        ))),
    }
}

fn flush_when_hidden(buffer: Rc<Buffer>, storage: Storage) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_hide = Closure::<dyn FnMut()>::new(move || buffer.flush(storage));
    let _ = window.add_event_listener_with_callback("pagehide", on_hide.as_ref().unchecked_ref());
    if let Some(doc) = window.document() {
        let _ = doc
            .add_event_listener_with_callback("visibilitychange", on_hide.as_ref().unchecked_ref());
    }
    // For the page's lifetime.
    on_hide.forget();
}
