//! The `Feeds` context: the list of feeds, each with its configuration and live status, and
//! the pipeline every feed runs through: decoder → shared [`Cleaner`] → [`Live`] engine.
//!
//! Trades accepted between two ticks wait in one bounded buffer and enter the engine together
//! (one version bump per tick, not per message); the buffer is flushed early when full, so
//! memory stays bounded whatever the rate. The tick (4 per second) also runs the watchdogs,
//! the rotation schedule and the per-feed rates.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;
use tradelens_core::clean::{CleanConfig, Cleaner};
use tradelens_core::feed::backoff::Backoff;
use tradelens_core::feed::gap::GapTracker;
use tradelens_core::feed::rotation::{Rotation, RotationStep};
use tradelens_core::feed::silence::Watchdog;
use tradelens_core::feed::venue::Venue;
use tradelens_core::model::Trade;
use web_sys::Blob;

mod connection;
mod pipeline;
mod tasks;

use super::decoder::Decoder;
use super::file::CancelFlag;
pub use super::spec::{FeedEntry, FeedId, FeedSpec, FeedStatus, FileFormat, Phase};
use super::sse::UseEventSourceReturn;
use super::websocket::UseWebSocketReturn;
use crate::live::Live;
use crate::now_ms;

/// Accepted trades held between ticks, at most; past it they are flushed at once.
const PENDING_LIMIT: usize = 20_000;
/// Window of the trades-per-second figure, ms.
const RATE_WINDOW_MS: i64 = 5_000;

enum Source {
    None,
    Socket(UseWebSocketReturn),
    Events(UseEventSourceReturn),
    File(CancelFlag),
}

struct Worker {
    key: String,
    spec: FeedSpec,
    status: RwSignal<FeedStatus>,
    /// Bumped on every (re)start, pause and removal: callbacks of older generations are
    /// ignored.
    generation: u32,
    source: Source,
    /// The connection number of `source` when it is a socket (0: none).
    conn: u32,
    /// During a rotation: the new socket and its number, until it carries data.
    rotating: Option<(u32, UseWebSocketReturn)>,
    decoder: Decoder,
    backoff: Backoff,
    watchdog: Option<Watchdog>,
    rotation: Rotation,
    gaps: GapTracker,
    backfilling: bool,
    retry: Option<TimeoutHandle>,
    rate: VecDeque<(i64, u64)>,
    failed_before: bool,
    /// Held while the feed is listed (its Web Lock); dropped on removal.
    keep: Option<Box<dyn std::any::Any>>,
    /// Counts since the last tick, not yet in `status`.
    tally: Tally,
    /// Ids and times of a venue feed's restored trades, until [`Feeds::restore_done`].
    restoring: Vec<(u64, i64)>,
}

/// What a feed's batches changed since the status was last published.
#[derive(Default)]
struct Tally {
    last_message_ms: Option<i64>,
    accepted: u64,
    ids: Option<(u64, u64)>,
    dirty: bool,
}

impl Worker {
    /// Moves the tally into the status signal (one update, once per tick at most).
    fn publish(&mut self) {
        if !std::mem::take(&mut self.tally.dirty) {
            return;
        }
        let t = std::mem::take(&mut self.tally);
        let (filled, unfilled) = (self.gaps.filled(), self.gaps.unfilled());
        self.status.update(|s| {
            if t.last_message_ms.is_some() {
                s.last_message_ms = t.last_message_ms;
            }
            s.accepted += t.accepted;
            if let Some((lo, hi)) = t.ids {
                s.ids = Some(s.ids.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
            }
            s.gaps_filled = filled;
            s.gaps_unfilled = unfilled;
        });
    }
}

struct Runtime {
    next_id: FeedId,
    next_conn: u32,
    cleaner: Cleaner,
    workers: HashMap<FeedId, Worker>,
    pending: Vec<Trade>,
    /// The same trades, by feed key, for the sink (only while one is set).
    unsaved: Vec<(String, Vec<Trade>)>,
    quality_dirty: bool,
}

/// Where each flushed batch of a feed's accepted trades goes besides the engine (storage):
/// called with the feed's key, its trades in acceptance order, and whether the sink must
/// pass them on now rather than gather them (a file import waiting for its chunk); the future
/// resolves when the batch is done with (saved or failed), for callers that must not outrun
/// it.
pub type FeedSink = Rc<dyn Fn(&str, Vec<Trade>, bool) -> Pin<Box<dyn Future<Output = ()>>>>;

/// All feeds of the page; `Copy`, read with `expect_context::<Feeds>()`.
#[derive(Clone, Copy)]
pub struct Feeds {
    /// The feed list, in the order added. The demo is always first.
    pub entries: RwSignal<Vec<FeedEntry>>,
    /// Bumped when the quality report or quarantine changed.
    pub quality_version: RwSignal<u64>,
    /// Bumped when what is worth saving of the list changed: a feed added, removed, edited,
    /// paused or resumed.
    pub revision: RwSignal<u64>,
    runtime: StoredValue<Rc<RefCell<Runtime>>, LocalStorage>,
    sink: StoredValue<Option<FeedSink>, LocalStorage>,
    live: Live,
}

fn random() -> f64 {
    js_sys::Math::random()
}

impl Feeds {
    /// A feed list holding only the demo, feeding `live`.
    pub fn new(live: Live) -> Feeds {
        let runtime = Runtime {
            next_id: 1,
            next_conn: 1,
            cleaner: Cleaner::new(CleanConfig::default()),
            workers: HashMap::new(),
            pending: Vec::new(),
            unsaved: Vec::new(),
            quality_dirty: false,
        };
        let demo = FeedEntry {
            id: 0,
            spec: FeedSpec::Demo,
            status: RwSignal::new(FeedStatus {
                phase: Phase::Connected,
                ..FeedStatus::default()
            }),
        };
        Feeds {
            entries: RwSignal::new(vec![demo]),
            quality_version: RwSignal::new(0),
            revision: RwSignal::new(0),
            runtime: StoredValue::new_local(Rc::new(RefCell::new(runtime))),
            sink: StoredValue::new_local(None),
            live,
        }
    }

    /// Runs `f` on the runtime; `None` if it is busy (a re-entrant call) or gone.
    fn with_rt<R>(&self, f: impl FnOnce(&mut Runtime) -> R) -> Option<R> {
        let rt = self.runtime.try_get_value()?;
        let mut guard = rt.try_borrow_mut().ok()?;
        Some(f(&mut guard))
    }

    /// Reads the cleaner (quality report, quarantine); tracks [`Feeds::quality_version`].
    pub fn with_cleaner<R>(&self, f: impl FnOnce(&Cleaner) -> R) -> Option<R> {
        self.quality_version.track();
        let rt = self.runtime.try_get_value()?;
        let guard = rt.try_borrow().ok()?;
        Some(f(&guard.cleaner))
    }

    /// Adds a feed and starts it; returns its id.
    pub fn add(&self, spec: FeedSpec) -> FeedId {
        let id = self.add_stopped(spec);
        if id != 0 {
            self.start(id);
        }
        id
    }

    /// Adds a feed without starting it (its history is restored first; then
    /// [`Feeds::resume`] starts it); returns its id, 0 if the list is gone.
    pub fn add_stopped(&self, spec: FeedSpec) -> FeedId {
        let status = RwSignal::new(FeedStatus::default());
        let id = self
            .with_rt(|rt| {
                let id = rt.next_id;
                rt.next_id += 1;
                let worker = Worker {
                    key: String::new(),
                    decoder: Decoder::for_spec(&FeedSpec::Demo),
                    spec: FeedSpec::Demo,
                    status,
                    generation: 0,
                    source: Source::None,
                    conn: 0,
                    rotating: None,
                    backoff: Backoff::default(),
                    watchdog: None,
                    rotation: Rotation::new(u64::MAX / 4),
                    gaps: GapTracker::default(),
                    backfilling: false,
                    retry: None,
                    rate: VecDeque::new(),
                    failed_before: false,
                    keep: None,
                    tally: Tally::default(),
                    restoring: Vec::new(),
                };
                let w = rt.workers.entry(id).or_insert(worker);
                configure(w, &mut rt.cleaner, &spec);
                id
            })
            .unwrap_or(0);
        if id == 0 {
            return 0;
        }
        self.entries
            .update(|v| v.push(FeedEntry { id, spec, status }));
        status.update(|s| s.phase = Phase::Restoring);
        self.touched();
        id
    }

    /// Sends every flushed batch of accepted trades to `sink` too, by feed.
    pub fn set_sink(&self, sink: Option<FeedSink>) {
        self.sink.set_value(sink);
    }

    /// The engine every feed feeds.
    pub fn live(&self) -> Live {
        self.live
    }

    /// Takes in a feed's stored history: the engine gets the trades, the cleaner knows their
    /// ids (a replay or backfill of one is a duplicate), and a venue feed's gap tracking
    /// continues after the newest, so what arrived while the page was closed is backfilled.
    pub fn restored(&self, id: FeedId, trades: Vec<Trade>) {
        if trades.is_empty() {
            return;
        }
        let read = trades.len() as u64;
        let out = self.with_rt(|rt| {
            let w = rt.workers.get_mut(&id)?;
            let fresh = rt.cleaner.remember(&w.key, trades);
            let venue = matches!(w.spec, FeedSpec::Venue(_));
            if venue {
                // Gap tracking needs them in id order: see `Feeds::restore_done`.
                w.restoring.extend(fresh.iter().map(|t| (t.id, t.time_ms)));
            }
            Some((w.status, venue, fresh))
        });
        let Some(Some((status, venue, fresh))) = out else {
            return;
        };
        status.update(|s| s.stored_read += read);
        if fresh.is_empty() {
            return;
        }
        let lo = fresh.iter().map(|t| t.id).min().unwrap_or(0);
        let hi = fresh.iter().map(|t| t.id).max().unwrap_or(0);
        status.update(|s| {
            s.restored += fresh.len() as u64;
            if venue {
                s.ids = Some(s.ids.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
            }
        });
        self.live.ingest(&fresh);
    }

    /// The history restored so far is all there is (before the feed connects): a venue
    /// feed's gap tracking goes through the restored ids in order, so a hole inside them (a
    /// backfill that was not saved yet when the page died, while later live trades were) is
    /// backfilled like any gap, and the feed's next trade is checked against the newest.
    pub fn restore_done(&self, id: FeedId) {
        let backfill = self.with_rt(|rt| {
            let w = rt.workers.get_mut(&id)?;
            let mut ids = std::mem::take(&mut w.restoring);
            ids.sort_unstable();
            for (trade, time_ms) in ids {
                w.gaps.observe_trade(trade, time_ms);
            }
            Some(w.gaps.pending() > 0 && !w.backfilling)
        });
        if backfill == Some(Some(true)) {
            let feeds = *self;
            leptos::task::spawn_local(async move { feeds.run_backfill(id).await });
        }
    }

    /// Another tab holds this feed's connection: stop it here and wait.
    pub fn standby(&self, id: FeedId) {
        let status = self.with_rt(|rt| {
            rt.workers.get_mut(&id).map(|w| {
                stop_worker(w);
                w.status
            })
        });
        if let Some(Some(s)) = status {
            s.update(|s| s.phase = Phase::Standby);
        }
    }

    /// Sets a feed's phase (an import restored from storage is done), its counts brought up
    /// to date first.
    pub fn set_phase(&self, id: FeedId, phase: Phase) {
        let status = self.with_rt(|rt| {
            rt.workers.get_mut(&id).map(|w| {
                w.publish();
                w.status
            })
        });
        if let Some(Some(s)) = status {
            s.update(|s| s.phase = phase);
        }
    }

    /// Keeps `token` (a Web Lock) for as long as the feed is in the list.
    pub fn keep(&self, id: FeedId, token: Box<dyn std::any::Any>) {
        self.with_rt(|rt| {
            if let Some(w) = rt.workers.get_mut(&id) {
                w.keep = Some(token);
            }
        });
    }

    /// Storage saved `stored` new trades of the feed keyed `key`.
    pub fn note_saved(&self, key: &str, stored: usize) {
        let status =
            self.with_rt(|rt| rt.workers.values().find(|w| w.key == key).map(|w| w.status));
        if let Some(Some(s)) = status {
            s.update(|s| s.saved += stored as u64);
        }
    }

    /// Whether feed `id` is still in the list.
    pub fn contains(&self, id: FeedId) -> bool {
        self.with_rt(|rt| rt.workers.contains_key(&id))
            .unwrap_or(false)
    }

    /// The feeds worth keeping across reloads (not the demo), in list order, each with
    /// whether it is paused. Tracks [`Feeds::revision`].
    pub fn saved_feeds(&self) -> Vec<(FeedSpec, bool)> {
        self.revision.track();
        self.entries.with_untracked(|v| {
            v.iter()
                .filter(|e| !matches!(e.spec, FeedSpec::Demo))
                .map(|e| {
                    let paused = e.status.with_untracked(|s| s.phase == Phase::Paused);
                    (e.spec.clone(), paused)
                })
                .collect()
        })
    }

    /// Imports `blob` as the file feed `spec` (which must be a [`FeedSpec::File`]).
    pub fn import(&self, spec: FeedSpec, blob: Blob) -> FeedId {
        let id = self.add(spec);
        let cancel = CancelFlag::default();
        let ok = self.with_rt(|rt| {
            rt.workers.get_mut(&id).map(|w| {
                w.source = Source::File(cancel.clone());
                w.generation
            })
        });
        if let Some(Some(generation)) = ok {
            let feeds = *self;
            leptos::task::spawn_local(async move {
                feeds.run_file(id, generation, blob, cancel).await;
            });
        }
        id
    }

    /// Stops a feed without forgetting it.
    pub fn pause(&self, id: FeedId) {
        if id == 0 {
            self.live.running.set(false);
            self.set_demo_phase(Phase::Paused);
            return;
        }
        let status = self.with_rt(|rt| {
            rt.workers.get_mut(&id).map(|w| {
                stop_worker(w);
                w.status
            })
        });
        if let Some(Some(s)) = status {
            s.update(|s| s.phase = Phase::Paused);
            self.touched();
        }
    }

    fn touched(&self) {
        self.revision.update(|r| *r += 1);
    }

    /// Starts a paused feed again, with a fresh back-off.
    pub fn resume(&self, id: FeedId) {
        if id == 0 {
            self.live.running.set(true);
            self.set_demo_phase(Phase::Connected);
            return;
        }
        self.with_rt(|rt| {
            if let Some(w) = rt.workers.get_mut(&id) {
                w.backoff.reset();
                w.failed_before = false;
            }
        });
        self.start(id);
        self.touched();
    }

    /// Stops and forgets a feed (its trades stay in the engine). The demo cannot be removed.
    pub fn remove(&self, id: FeedId) {
        if id == 0 {
            return;
        }
        self.with_rt(|rt| {
            if let Some(mut w) = rt.workers.remove(&id) {
                stop_worker(&mut w);
            }
        });
        self.entries.update(|v| v.retain(|e| e.id != id));
        self.touched();
    }

    /// Replaces a feed's configuration and restarts it (its counts carry on).
    pub fn edit(&self, id: FeedId, spec: FeedSpec) {
        if id == 0 || matches!(spec, FeedSpec::File { .. } | FeedSpec::Demo) {
            return;
        }
        self.with_rt(|rt| {
            if let Some(w) = rt.workers.get_mut(&id) {
                stop_worker(w);
                configure(w, &mut rt.cleaner, &spec);
            }
        });
        self.entries.update(|v| {
            if let Some(e) = v.iter_mut().find(|e| e.id == id) {
                e.spec = spec;
            }
        });
        self.start(id);
        self.touched();
    }

    fn set_demo_phase(&self, phase: Phase) {
        if let Some(e) = self.entries.get_untracked().first() {
            e.status.update(|s| s.phase = phase);
        }
    }

    /// (Re)opens a feed's source.
    fn start(&self, id: FeedId) {
        let Some(Some((spec, generation, status, reconnect))) = self.with_rt(|rt| {
            rt.workers.get_mut(&id).map(|w| {
                stop_worker(w);
                w.generation += 1;
                (w.spec.clone(), w.generation, w.status, w.failed_before)
            })
        }) else {
            return;
        };
        status.update(|s| {
            s.phase = Phase::Connecting;
            if reconnect {
                s.reconnects += 1;
            }
        });
        match spec {
            FeedSpec::Venue(preset) => {
                let url = preset.ws_url();
                let conn = self.new_conn();
                match self.open_socket(id, conn, &url) {
                    Ok(sock) => {
                        self.with_rt(|rt| {
                            if let Some(w) = rt.workers.get_mut(&id) {
                                w.source = Source::Socket(sock);
                                w.conn = conn;
                            }
                        });
                    }
                    Err(e) => status.update(|s| {
                        s.error(&e);
                        s.phase = Phase::Stopped(e.to_string());
                    }),
                }
            }
            FeedSpec::Sse { url, event, .. } => self.open_sse(id, generation, &url, &event, status),
            FeedSpec::Poll {
                url, interval_ms, ..
            } => {
                let feeds = *self;
                leptos::task::spawn_local(async move {
                    feeds.run_poll(id, generation, url, interval_ms).await;
                });
            }
            FeedSpec::File { .. } => status.update(|s| s.phase = Phase::Importing),
            FeedSpec::Demo => {}
        }
    }

    fn is_current(&self, id: FeedId, generation: u32) -> bool {
        self.with_rt(|rt| rt.workers.get(&id).map(|w| w.generation) == Some(generation))
            .unwrap_or(false)
    }

    /// Moves queued trades into the engine, and each feed's share to the sink.
    pub fn flush(&self) {
        for saving in self.flush_batches(None) {
            leptos::task::spawn_local(saving);
        }
    }

    /// [`Feeds::flush`], resolving once the sink is done with every batch: a file import
    /// waits for it before reading on, so storage is never outrun.
    pub async fn flush_and_wait(&self, id: FeedId) {
        for saving in self.flush_batches(Some(id)) {
            saving.await;
        }
    }

    /// Hands the pending batches to the sink; with `now`, feed `now` must be passed on
    /// at once, what the sink gathered of it before included (a file import waiting for its
    /// chunk: the tick may have taken its trades a moment earlier).
    fn flush_batches(&self, now: Option<FeedId>) -> Vec<Pin<Box<dyn Future<Output = ()>>>> {
        let (trades, unsaved) = self
            .with_rt(|rt| {
                (
                    std::mem::take(&mut rt.pending),
                    std::mem::take(&mut rt.unsaved),
                )
            })
            .unwrap_or_default();
        self.live.ingest(&trades);
        let Some(sink) = self.sink.try_get_value().flatten() else {
            return Vec::new();
        };
        // One batch per feed: consecutive batches of a feed are merged.
        let mut merged: Vec<(String, Vec<Trade>)> = Vec::new();
        for (key, batch) in unsaved {
            match merged.iter_mut().find(|(k, _)| *k == key) {
                Some((_, b)) => b.extend(batch),
                None => merged.push((key, batch)),
            }
        }
        let forced = now.and_then(|id| {
            self.with_rt(|rt| rt.workers.get(&id).map(|w| w.key.clone()))
                .flatten()
        });
        if let Some(k) = &forced {
            if !merged.iter().any(|(key, _)| key == k) {
                merged.push((k.clone(), Vec::new()));
            }
        }
        merged
            .into_iter()
            .map(|(key, batch)| {
                let at_once = forced.as_deref() == Some(key.as_str());
                sink(&key, batch, at_once)
            })
            .collect()
    }

    /// True while a sink takes the feeds' batches.
    pub(super) fn has_sink(&self) -> bool {
        self.sink.try_with_value(Option::is_some).unwrap_or(false)
    }

    /// Called 4 times a second: flush, watchdogs, rotation, rates, quality.
    pub fn tick(&self) {
        self.flush();
        let now = now_ms();
        let mut dead = vec![];
        let mut rotate = vec![];
        let dirty = self.with_rt(|rt| {
            for (&id, w) in rt.workers.iter_mut() {
                w.publish();
                if let (Some(wd), Source::Socket(_)) = (&w.watchdog, &w.source) {
                    if wd.is_dead(now) {
                        dead.push((id, wd.silent_for_ms(now)));
                    }
                }
                if matches!(w.source, Source::Socket(_))
                    && w.rotation.poll(now) == Some(RotationStep::OpenNew)
                {
                    rotate.push((id, w.generation));
                }
                let accepted = w.status.with_untracked(|s| s.accepted);
                w.rate.push_back((now, accepted));
                while w
                    .rate
                    .front()
                    .is_some_and(|&(t, _)| now - t > RATE_WINDOW_MS)
                {
                    w.rate.pop_front();
                }
                let rate = match (w.rate.front(), w.rate.back()) {
                    (Some(&(t0, a0)), Some(&(t1, a1))) if t1 > t0 => {
                        (a1 - a0) as f64 * 1000.0 / (t1 - t0) as f64
                    }
                    _ => 0.0,
                };
                w.status.update(|s| s.rate = rate);
            }
            std::mem::take(&mut rt.quality_dirty)
        });
        if dirty == Some(true) {
            self.quality_version.update(|v| *v += 1);
        }
        for (id, silent) in dead {
            self.fail(
                id,
                format!(
                    "no message for {:.1} s: connection taken as dead",
                    silent as f64 / 1000.0
                ),
                None,
            );
        }
        for (id, generation) in rotate {
            self.rotate(id, generation);
        }
    }

    /// Cancels a file import in progress.
    pub fn cancel_import(&self, id: FeedId) {
        self.with_rt(|rt| {
            if let Some(Source::File(c)) = rt.workers.get(&id).map(|w| &w.source) {
                c.cancel();
            }
        });
    }
}

/// Sets a worker up for `spec`: its key, decoder, reconnection policy and rotation. A new key
/// (another symbol or URL) is a new id sequence: its gap tracking starts afresh.
fn configure(w: &mut Worker, cleaner: &mut Cleaner, spec: &FeedSpec) {
    let key = spec.key();
    if let FeedSpec::Venue(p) = spec {
        cleaner.set_id_order(&key, p.venue.id_order());
    }
    if key != w.key {
        w.gaps = GapTracker::default();
        w.status.update(|s| s.ids = None);
    }
    w.key = key;
    w.decoder = Decoder::for_spec(spec);
    w.backoff = match spec {
        FeedSpec::Venue(p) => p.backoff(),
        _ => Backoff::default(),
    };
    w.rotation = match spec {
        FeedSpec::Venue(p) if p.venue == Venue::Binance => {
            Rotation::new(Rotation::BINANCE_AFTER_MS)
        }
        _ => Rotation::new(u64::MAX / 4),
    };
    w.spec = spec.clone();
}

/// Closes a worker's sources and timers (callbacks of its generation are then ignored).
fn stop_worker(w: &mut Worker) {
    w.publish();
    w.generation += 1;
    if let Source::File(c) = &w.source {
        c.cancel();
    }
    bury(std::mem::replace(&mut w.source, Source::None));
    if let Some((_, s)) = w.rotating.take() {
        bury(Source::Socket(s));
    }
    w.conn = 0;
    w.watchdog = None;
    if let Some(t) = w.retry.take() {
        t.clear();
    }
}

/// Detaches a source now and frees it after the current callback returns: the source may be
/// the very one whose callback is running, and a callback must not free itself.
fn bury(source: Source) {
    match &source {
        Source::Socket(s) => s.detach(),
        Source::Events(e) => e.detach(),
        Source::File(_) | Source::None => return,
    }
    leptos::task::spawn_local(async move { drop(source) });
}

/// Creates the feed list (the demo first), runs its tick, and provides it.
pub fn provide_feeds_context(live: Live) -> Feeds {
    let feeds = Feeds::new(live);
    provide_context(feeds);
    match set_interval_with_handle(move || feeds.tick(), super::timer::ms(250)) {
        Ok(handle) => on_cleanup(move || handle.clear()),
        Err(e) => leptos::logging::error!("the feed list could not start its timer: {e:?}"),
    }
    feeds
}
