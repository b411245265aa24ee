//! Live feeds' persistence.
//!
//! - Every flushed batch of a feed's accepted trades is saved under the feed's key (one
//!   relaxed transaction per batch, deduplicated by the writer: see [`super::saver`]).
//! - The feed list (no secrets: [`FeedSpec`]) is a configuration record written with strict
//!   durability whenever it changes, and read at load: each feed comes back stopped, its
//!   stored trades are restored page by page, newest first, with progress shown, then it
//!   connects. A venue feed's gap tracking resumes after its newest stored id, so what the
//!   venue published while the page was closed is backfilled.
//! - One tab holds each feed's connection: the feed's Web Lock. A tab that finds the lock
//!   taken shows the feed in standby, follows what the holder saves (announced on the batch
//!   channel, read from IndexedDB), and connects when the holder goes away.
//!
//! A list that cannot be read, or was written by a newer version, is left as it is: this page
//! then runs without it and says so, rather than overwrite it.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tradelens_core::model::Trade;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;

use super::context::{Storage, StorageStatus};
use super::saver::{channel_name, Saver};
use super::tabs::{lock_name, BatchChannel, FeedLock, Saved};
use crate::feeds::{FeedId, FeedSpec, Feeds, Phase};

/// The configuration record holding the feed list.
pub const FEED_LIST: &str = "feeds";
/// Version of the feed list's format.
pub const LIST_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct SavedList {
    version: u32,
    feeds: Vec<SavedFeed>,
}

#[derive(Serialize, Deserialize)]
struct SavedFeed {
    spec: FeedSpec,
    #[serde(default)]
    paused: bool,
}

/// Saves `feeds`' batches and list in `storage`, and brings the saved list back.
pub fn persist_feeds(feeds: Feeds, storage: Storage) {
    let gathered = Rc::new(Gathered::default());
    let g = gathered.clone();
    let g2 = gathered.clone();
    feeds.set_sink(Some(Rc::new(
        move |key: &str, trades: Vec<Trade>, now: bool| match g.add(key, trades, now) {
            Some(batch) => save(&g, feeds, storage, key, batch),
            // Nothing gathered, but earlier batches may still wait in the writer's queue.
            None if now => {
                let done = storage.saver().map(|s| s.barrier());
                Box::pin(async move {
                    if let Some(done) = done {
                        done.await;
                    }
                })
            }
            None => Box::pin(std::future::ready(())),
        },
    )));
    // Quiet feeds' gathered trades are saved within a second too, and all of them when the
    // page is hidden or closed.
    let g = gathered.clone();
    match set_interval_with_handle(
        move || {
            g.due(false)
                .into_iter()
                .for_each(|(k, b)| spawn_local(save(&g2, feeds, storage, &k, b)))
        },
        std::time::Duration::from_millis(SAVE_EVERY_MS as u64 / 2),
    ) {
        Ok(handle) => on_cleanup(move || handle.clear()),
        Err(e) => leptos::logging::error!("the feeds' save timer could not start: {e:?}"),
    }
    save_when_hidden(gathered, feeds, storage);
    let loaded = StoredValue::new_local(false);
    let known: StoredValue<HashSet<FeedId>, LocalStorage> =
        StoredValue::new_local(HashSet::from([0]));
    Effect::new(move |_| {
        let saved = feeds.saved_feeds();
        if !loaded.get_value() {
            return;
        }
        let entries = feeds.entries.get_untracked();
        // Feeds added on this page since the list loaded: take their lock too.
        for e in &entries {
            let new = known.try_update_value(|k| k.insert(e.id)).unwrap_or(false);
            if let (true, Some(saver)) = (new, storage.saver()) {
                spawn_local(hold(
                    feeds,
                    storage,
                    saver,
                    e.id,
                    e.spec.clone(),
                    Start::Running,
                ));
            }
        }
        if storage.status.get_untracked() != StorageStatus::Ready {
            return;
        }
        let list = SavedList {
            version: LIST_VERSION,
            feeds: saved
                .into_iter()
                .map(|(spec, paused)| SavedFeed { spec, paused })
                .collect(),
        };
        let Ok(json) = serde_json::to_string(&list) else {
            return;
        };
        let Some(saver) = storage.saver() else { return };
        spawn_local(async move {
            if let Err(e) = saver.put_config(FEED_LIST, &json).await {
                storage
                    .message
                    .set(Some(format!("The feed list was not saved: {e}")));
            }
        });
    });
    spawn_local(load(feeds, storage, loaded, known));
}

/// Longest a feed's accepted trade waits before it is saved, ms: each feed is saved in about
/// one transaction a second however fast it runs (under load, every transaction costs the
/// page several turns of its event loop).
pub const SAVE_EVERY_MS: f64 = 1_000.0;
/// Trades of one feed that are saved at once, however recent.
pub const SAVE_TRADES: usize = 16_384;

/// Trades of one feed that may wait for storage (gathered, or refused by a busy writer and
/// waiting to be retried); beyond this the oldest waiting are given up, with a message.
pub const MAX_WAITING: usize = 1 << 20;

/// Trades accepted but not yet handed to the writer, by feed.
#[derive(Default)]
pub struct Gathered {
    feeds: RefCell<Vec<(String, Vec<Trade>, f64)>>,
}

impl Gathered {
    /// The index of `key`'s entry, added (empty, since `t`) if new.
    fn slot(feeds: &mut Vec<(String, Vec<Trade>, f64)>, key: &str, t: f64) -> usize {
        match feeds.iter().position(|(k, _, _)| k == key) {
            Some(i) => i,
            None => {
                feeds.push((key.to_string(), Vec::new(), t));
                feeds.len() - 1
            }
        }
    }

    /// Puts back a batch the writer refused (busy, closed, aborted), ahead of what
    /// gathered since, so it is retried with the feed's next save (about a second later).
    /// Returns how many trades had to be given up to stay within [`MAX_WAITING`].
    pub fn requeue(&self, key: &str, mut batch: Vec<Trade>) -> usize {
        let t = js_sys::Date::now();
        let mut feeds = self.feeds.borrow_mut();
        let i = Self::slot(&mut feeds, key, t);
        let (_, waiting, since) = &mut feeds[i];
        if waiting.is_empty() {
            *since = t;
        }
        batch.append(waiting);
        let over = batch.len().saturating_sub(MAX_WAITING);
        batch.drain(..over);
        *waiting = batch;
        over
    }

    /// Adds `trades` of `key`; returns the feed's whole batch when it is due (or `now`).
    pub fn add(&self, key: &str, trades: Vec<Trade>, now: bool) -> Option<Vec<Trade>> {
        let t = js_sys::Date::now();
        let mut feeds = self.feeds.borrow_mut();
        let i = Self::slot(&mut feeds, key, t);
        let (_, batch, since) = &mut feeds[i];
        if batch.is_empty() {
            *since = t;
        }
        batch.extend(trades);
        (now || batch.len() >= SAVE_TRADES || t - *since >= SAVE_EVERY_MS)
            .then(|| std::mem::take(batch))
            .filter(|b| !b.is_empty())
    }

    /// The batches due (every non-empty one when `all`).
    pub fn due(&self, all: bool) -> Vec<(String, Vec<Trade>)> {
        let t = js_sys::Date::now();
        self.feeds
            .borrow_mut()
            .iter_mut()
            .filter(|(_, b, since)| !b.is_empty() && (all || t - *since >= SAVE_EVERY_MS))
            .map(|(k, b, _)| (k.clone(), std::mem::take(b)))
            .collect()
    }
}

/// Hands `batch` of feed `key` to the writer; resolves once it is saved or failed. A batch
/// the writer could not take now (busy, connection closed, aborted) goes
/// back to `gathered` and is retried with the feed's next save; other failures (storage
/// unavailable, a newer tab) show in the storage banner.
fn save(
    gathered: &Rc<Gathered>,
    feeds: Feeds,
    storage: Storage,
    key: &str,
    batch: Vec<Trade>,
) -> Pin<Box<dyn Future<Output = ()>>> {
    let saving = storage.save_batch(key, &batch);
    let key = key.to_string();
    let gathered = gathered.clone();
    Box::pin(async move {
        match saving.await {
            Ok(report) => feeds.note_saved(&key, report.stored),
            Err(e) if e.is_retryable() => {
                let n = batch.len();
                let lost = gathered.requeue(&key, batch);
                let more = if lost > 0 {
                    format!(
                        " {lost} older waiting trades were given up to stay within {MAX_WAITING}."
                    )
                } else {
                    String::new()
                };
                storage.message.set(Some(format!(
                    "{n} trades of {key} wait to be saved ({e}); retrying.{more}"
                )));
            }
            Err(_) => {}
        }
    })
}

fn save_when_hidden(gathered: Rc<Gathered>, feeds: Feeds, storage: Storage) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_hide = Closure::<dyn FnMut()>::new(move || {
        for (k, b) in gathered.due(true) {
            spawn_local(save(&gathered, feeds, storage, &k, b));
        }
    });
    let _ = window.add_event_listener_with_callback("pagehide", on_hide.as_ref().unchecked_ref());
    if let Some(doc) = window.document() {
        let _ = doc
            .add_event_listener_with_callback("visibilitychange", on_hide.as_ref().unchecked_ref());
    }
    // For the page's lifetime.
    on_hide.forget();
}

async fn load(
    feeds: Feeds,
    storage: Storage,
    loaded: StoredValue<bool, LocalStorage>,
    known: StoredValue<HashSet<FeedId>, LocalStorage>,
) {
    let Some(saver) = storage.saver() else { return };
    if saver.connect().await.is_err() {
        return; // memory only: the banner says so
    }
    let kept_as_is = "it is kept as it is, and feeds added on this page are not saved";
    let specs = match saver.get_config(FEED_LIST).await {
        Ok(None) => Vec::new(),
        Ok(Some(json)) => match serde_json::from_str::<SavedList>(&json) {
            Ok(list) if list.version <= LIST_VERSION => list.feeds,
            Ok(list) => {
                storage.message.set(Some(format!(
                    "The saved feed list was written by a newer TradeLens (format {}): {kept_as_is}.",
                    list.version
                )));
                return;
            }
            Err(e) => {
                storage.message.set(Some(format!(
                    "The saved feed list could not be read ({e}): {kept_as_is}."
                )));
                return;
            }
        },
        Err(e) => {
            storage.message.set(Some(format!(
                "The saved feed list could not be read ({e}): {kept_as_is}."
            )));
            return;
        }
    };
    let added: Vec<(FeedId, SavedFeed)> = specs
        .into_iter()
        .map(|f| (feeds.add_stopped(f.spec.clone()), f))
        .filter(|(id, _)| *id != 0)
        .collect();
    known.update_value(|k| k.extend(added.iter().map(|(id, _)| *id)));
    loaded.set_value(true);
    for (id, f) in added {
        let start = if f.paused {
            Start::Paused
        } else {
            Start::Restore
        };
        spawn_local(hold(feeds, storage, saver.clone(), id, f.spec, start));
    }
}

/// How a feed whose lock is being taken starts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Start {
    /// Added on this page and running already.
    Running,
    /// From the saved list: restore its history, then connect.
    Restore,
    /// From the saved list, paused: restore its history and stay paused.
    Paused,
}

/// Takes feed `id`'s Web Lock and keeps it while the feed is listed; restores its history
/// first for a feed from the saved list, then starts it (unless it was saved paused). Without
/// the lock the feed waits in standby, following the holder's saves, until the lock is free.
async fn hold(
    feeds: Feeds,
    storage: Storage,
    saver: Saver,
    id: FeedId,
    spec: FeedSpec,
    start: Start,
) {
    let restore = start != Start::Running;
    let key = spec.key();
    let name = lock_name(saver.db_name(), &key);
    let (lock, followed) = match FeedLock::try_acquire(&name).await {
        Ok(Some(l)) => (Some(l), false),
        Ok(None) => {
            feeds.standby(id);
            let last = Rc::new(Cell::new(None));
            follow(feeds, &saver, id, &key, &last).await;
            let channel = {
                let (saver, key, last) = (saver.clone(), key.clone(), last.clone());
                BatchChannel::new(
                    &channel_name(saver.db_name()),
                    Some(Box::new(move |s: Saved| {
                        if s.feed == key {
                            let (saver, key, last) = (saver.clone(), key.clone(), last.clone());
                            spawn_local(
                                async move { follow(feeds, &saver, id, &key, &last).await },
                            );
                        }
                    })),
                )
                .ok()
            };
            let l = FeedLock::acquire(&name).await.ok();
            drop(channel);
            // What the holder saved last, before it went away.
            follow(feeds, &saver, id, &key, &last).await;
            (l, true)
        }
        // No Web Locks in this browser: this tab acts alone.
        Err(_) => (None, false),
    };
    if !feeds.contains(id) {
        return; // removed while waiting: the lock is released here
    }
    if let Some(l) = lock {
        feeds.keep(id, Box::new(l));
    }
    if restore && !followed {
        let progress = storage.restore_progress;
        progress.set(Some(0.0));
        let r = saver
            .restore_pages(&key, |page| {
                progress.set(Some(page.fraction));
                feeds.restored(id, page.trades);
            })
            .await;
        progress.set(None);
        if let Err(e) = r {
            storage.message.set(Some(format!(
                "Saved trades of {} could not be restored: {e}",
                spec.title()
            )));
        }
        super::demo::add_history_rollups(feeds.live(), storage, &saver, &key).await;
    }
    if !restore && !followed {
        return; // added on this page, running, and now holding its lock
    }
    feeds.restore_done(id);
    if matches!(spec, FeedSpec::File { .. }) {
        feeds.set_phase(id, Phase::Done);
    } else if start == Start::Paused {
        feeds.set_phase(id, Phase::Paused);
    } else {
        feeds.resume(id);
    }
}

/// Reads what the writing tab saved of `key` since chunk `last`, into feed `id`.
async fn follow(feeds: Feeds, saver: &Saver, id: FeedId, key: &str, last: &Cell<Option<u64>>) {
    match saver.chunks_after(key, last.get()).await {
        Ok((trades, upto)) => {
            if upto > last.get() {
                last.set(upto);
            }
            feeds.restored(id, trades);
        }
        Err(e) => leptos::logging::warn!("following {key} failed: {e}"),
    }
}
