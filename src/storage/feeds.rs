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

use std::cell::Cell;
use std::collections::HashSet;
use std::rc::Rc;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tradelens_core::model::Trade;
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
    feeds.set_sink(Some(Rc::new(move |key: &str, trades: Vec<Trade>| {
        // Queued now, in order; a failure shows in the storage banner.
        let saving = storage.save_batch(key, &trades);
        Box::pin(async move {
            let _ = saving.await;
        })
    })));
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
    }
    if matches!(spec, FeedSpec::File { .. }) {
        feeds.set_phase(id, Phase::Done);
    } else if start == Start::Paused {
        feeds.set_phase(id, Phase::Paused);
    } else if restore || followed {
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
