//! The storage context: one [`Saver`] for the page, its state as signals, and the banner that
//! says when trades are not being kept.
//!
//! Live feeds call [`Storage::save_batch`] with each accepted batch; that is the whole
//! integration.

use std::future::Future;
use std::rc::Rc;

use leptos::prelude::*;
use tradelens_core::format::grouped;
use tradelens_core::model::Trade;

use super::db::DB_NAME;
use super::quota::{estimate, Estimate};
use super::saver::{Saver, SaverOptions};
use super::store::SaveReport;
use super::StorageError;

/// Where storage stands, for the banner.
#[derive(Clone, Debug, PartialEq)]
pub enum StorageStatus {
    /// Opening (or upgrading) the database.
    Opening,
    /// Trades are being saved.
    Ready,
    /// The upgrade waits for other TradeLens tabs to close.
    Blocked,
    /// Another tab upgraded the database; this tab must reload to keep saving.
    VersionChanged,
    /// The database could not be opened: the app runs from memory.
    MemoryOnly(String),
}

impl StorageStatus {
    /// What the banner says, if anything.
    pub fn banner(&self) -> Option<String> {
        match self {
            StorageStatus::Opening | StorageStatus::Ready => None,
            StorageStatus::Blocked => Some(
                "TradeLens is open in another tab with an older version: close that tab so this one can save trades."
                    .into(),
            ),
            StorageStatus::VersionChanged => Some(
                "A newer TradeLens opened in another tab: reload this tab to keep saving trades."
                    .into(),
            ),
            StorageStatus::MemoryOnly(why) => Some(format!(
                "Trades are kept in memory only and will be lost on reload: {why}"
            )),
        }
    }
}

/// The page's storage; `Copy`, read with `expect_context::<Storage>()`.
#[derive(Clone, Copy)]
pub struct Storage {
    saver: StoredValue<Saver, LocalStorage>,
    /// Where storage stands.
    pub status: RwSignal<StorageStatus>,
    /// The last thing the user should know about storage (full disk, retention ran).
    pub message: RwSignal<Option<String>>,
    /// Share of saved trades restored, while a restore runs.
    pub restore_progress: RwSignal<Option<f64>>,
    /// The orders demo's saved orders, once restored (or 0 when there were none and its
    /// history was saved instead): until then the dashboard shows a freshly generated day.
    pub demo_restored: RwSignal<Option<usize>>,
    /// The origin's usage and quota, refreshed after saves (at most every [`USAGE_EVERY_MS`]).
    pub usage: RwSignal<Option<Estimate>>,
    usage_at: StoredValue<f64>,
}

/// How often the usage estimate is refreshed while saving, ms.
pub const USAGE_EVERY_MS: f64 = 10_000.0;

impl Storage {
    /// A storage on database `name`, opening it now.
    pub fn new(name: &str) -> Storage {
        let status = RwSignal::new(StorageStatus::Opening);
        let message = RwSignal::new(None);
        let mut opts = SaverOptions::new(name);
        opts.open.on_blocked = Some(Rc::new(move || status.set(StorageStatus::Blocked)));
        opts.open.on_version_change =
            Some(Rc::new(move |_| status.set(StorageStatus::VersionChanged)));
        opts.on_message = Some(Rc::new(move |m| message.set(Some(m))));
        let saver = Saver::new(opts);
        let storage = Storage {
            saver: StoredValue::new_local(saver.clone()),
            status,
            message,
            restore_progress: RwSignal::new(None),
            demo_restored: RwSignal::new(None),
            usage: RwSignal::new(None),
            usage_at: StoredValue::new(f64::NEG_INFINITY),
        };
        wasm_bindgen_futures::spawn_local(async move {
            match saver.connect().await {
                Ok(_) => {
                    status.set(StorageStatus::Ready);
                    storage.refresh_usage(true);
                }
                Err(e) => status.set(StorageStatus::MemoryOnly(e.to_string())),
            }
        });
        storage
    }

    /// Refreshes [`Storage::usage`], unless it is recent and `force` is false.
    pub fn refresh_usage(&self, force: bool) {
        let now = js_sys::Date::now();
        let last = self.usage_at.try_get_value().unwrap_or(now);
        if !force && now - last < USAGE_EVERY_MS {
            return;
        }
        self.usage_at.set_value(now);
        let usage = self.usage;
        wasm_bindgen_futures::spawn_local(async move {
            match estimate().await {
                Ok(e) => usage.set(Some(e)),
                Err(e) => leptos::logging::warn!("storage estimate failed: {e}"),
            }
        });
    }

    /// The writer, for restore, retention and tests.
    pub fn saver(&self) -> Option<Saver> {
        self.saver.try_get_value()
    }

    /// Saves a batch of `feed`'s accepted trades; resolves once its transaction completed.
    /// Errors also go to [`Storage::message`], so a failed save is never silent.
    pub fn save_batch(
        &self,
        feed: &str,
        trades: &[Trade],
    ) -> impl Future<Output = Result<SaveReport, StorageError>> + 'static {
        let unavailable = match self.status.get_untracked() {
            StorageStatus::MemoryOnly(why) => Some(StorageError::Unavailable { message: why }),
            StorageStatus::VersionChanged => {
                Some(StorageError::VersionChange { new_version: None })
            }
            _ => None,
        };
        let pending = match (&unavailable, self.saver()) {
            (None, Some(s)) => Some(s.save_batch(feed, trades)),
            _ => None,
        };
        let message = self.message;
        let storage = *self;
        async move {
            let r = match pending {
                Some(p) => p.await,
                None => Err(unavailable.unwrap_or(StorageError::Unavailable {
                    message: "storage was disposed".into(),
                })),
            };
            if r.is_ok() {
                storage.refresh_usage(false);
            }
            if let Err(e) = &r {
                // Unavailable/version change already show the banner.
                if !matches!(
                    e,
                    StorageError::Unavailable { .. } | StorageError::VersionChange { .. }
                ) {
                    message.set(Some(format!("A batch of trades was not saved: {e}")));
                }
            }
            r
        }
    }
}

/// Creates the page's storage on [`DB_NAME`], asks for persistent storage after the first
/// gesture, and provides it.
pub fn provide_storage_context() -> Storage {
    let storage = Storage::new(DB_NAME);
    super::quota::persist_after_first_gesture(|granted| {
        leptos::logging::log!("persistent storage granted: {granted}");
    });
    provide_context(storage);
    storage
}

/// The storage banner: shown while trades are not being kept, or after a storage event the
/// user should know about.
/// Renders nothing without a [`Storage`] in context (components mounted alone in tests).
#[component]
pub fn StorageBanner() -> impl IntoView {
    let Some(storage) = use_context::<Storage>() else {
        return ().into_any();
    };
    let text = move || {
        storage
            .status
            .with(|s| s.banner())
            .or_else(|| storage.message.get())
    };
    let progress = move || {
        storage
            .restore_progress
            .get()
            .map(|f| format!("Restoring saved trades… {:.0}%", f * 100.0))
    };
    let reload = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    };
    let version_changed = move || storage.status.get() == StorageStatus::VersionChanged;
    view! {
        <Show when=move || text().is_some()>
            <div class="storage-banner" role="alert" data-testid="storage-banner">
                {text}
                <Show when=version_changed>
                    " "
                    <button type="button" data-testid="storage-reload" on:click=reload>
                        "Reload"
                    </button>
                </Show>
            </div>
        </Show>
        <p
            class="storage-usage"
            data-testid="storage-usage"
            data-demo-restored=move || storage.demo_restored.get().map(|n| n.to_string())
        >
            {move || storage.usage.get().map(|u| format!("Saved on this device: {}", u.describe()))}
            {move || {
                storage
                    .demo_restored
                    .get()
                    .filter(|n| *n > 0)
                    .map(|n| format!(" · {} saved demo orders restored", grouped(n as f64, 0)))
            }}
        </p>
        <Show when=move || progress().is_some()>
            <div class="storage-progress" role="status" data-testid="storage-progress">
                {progress}
            </div>
        </Show>
    }
    .into_any()
}
