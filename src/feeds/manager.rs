//! The `Feeds` context: the list of feeds, each with its configuration and live status, and
//! the pipeline every feed runs through: decoder → shared [`Cleaner`] → [`Live`] engine.
//!
//! Trades accepted between two ticks wait in one bounded buffer and enter the engine together
//! (one version bump per tick, not per message); the buffer is flushed early when full, so
//! memory stays bounded whatever the rate. The tick (4 per second) also runs the watchdogs,
//! the rotation schedule and the per-feed rates.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use leptos::prelude::*;
use tradelens_core::clean::{CleanConfig, Cleaner};
use tradelens_core::decode::binance::Binance;
use tradelens_core::decode::time::EpochUnit;
use tradelens_core::decode::{Control, DecodeError, Decoded};
use tradelens_core::feed::backoff::Backoff;
use tradelens_core::feed::gap::{Backfill, BackfillProgress, GapTracker};
use tradelens_core::feed::poll::{PollDecision, PollScheduler};
use tradelens_core::feed::preview::SampleFormat;
use tradelens_core::feed::rotation::{Rotation, RotationStep};
use tradelens_core::feed::silence::{deadline_ms, Watchdog};
use tradelens_core::feed::venue::Venue;
use tradelens_core::model::Trade;
use web_sys::Blob;

use super::decoder::Decoder;
use super::file::{read_chunks, CancelFlag, ReadEnd, CHUNK_BYTES};
use super::poll::{fetch_bytes, UseFetchOptions};
pub use super::spec::{FeedEntry, FeedId, FeedSpec, FeedStatus, FileFormat, Phase};
use super::sse::{open_event_source, UseEventSourceOptions, UseEventSourceReturn, MAX_EVENT_BYTES};
use super::timer::sleep_ms;
use super::websocket::{
    open_websocket, UseWebSocketOptions, UseWebSocketReturn, MAX_MESSAGE_BYTES,
};
use super::FeedError;
use crate::live::Live;
use crate::now_ms;

/// Accepted trades held between ticks, at most; past it they are flushed at once.
const PENDING_LIMIT: usize = 20_000;
/// Largest JSON array file (it cannot be streamed; NDJSON and CSV can).
const JSON_FILE_LIMIT: f64 = 64.0 * 1024.0 * 1024.0;
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
}

struct Runtime {
    next_id: FeedId,
    next_conn: u32,
    cleaner: Cleaner,
    workers: HashMap<FeedId, Worker>,
    pending: Vec<Trade>,
    quality_dirty: bool,
}

/// All feeds of the page; `Copy`, read with `expect_context::<Feeds>()`.
#[derive(Clone, Copy)]
pub struct Feeds {
    /// The feed list, in the order added. The demo is always first.
    pub entries: RwSignal<Vec<FeedEntry>>,
    /// Bumped when the quality report or quarantine changed.
    pub quality_version: RwSignal<u64>,
    runtime: StoredValue<Rc<RefCell<Runtime>>, LocalStorage>,
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
            runtime: StoredValue::new_local(Rc::new(RefCell::new(runtime))),
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
        let status = RwSignal::new(FeedStatus::default());
        let key = spec.key();
        let id = self
            .with_rt(|rt| {
                let id = rt.next_id;
                rt.next_id += 1;
                if let FeedSpec::Venue(p) = &spec {
                    rt.cleaner.set_id_order(&key, p.venue.id_order());
                }
                let rotation = match &spec {
                    FeedSpec::Venue(p) if p.venue == Venue::Binance => {
                        Rotation::new(Rotation::BINANCE_AFTER_MS)
                    }
                    _ => Rotation::new(u64::MAX / 4),
                };
                rt.workers.insert(
                    id,
                    Worker {
                        key,
                        decoder: Decoder::for_spec(&spec),
                        spec: spec.clone(),
                        status,
                        generation: 0,
                        source: Source::None,
                        conn: 0,
                        rotating: None,
                        backoff: Backoff::default(),
                        watchdog: None,
                        rotation,
                        gaps: GapTracker::default(),
                        backfilling: false,
                        retry: None,
                        rate: VecDeque::new(),
                        failed_before: false,
                    },
                );
                id
            })
            .unwrap_or(0);
        if id == 0 {
            return 0;
        }
        self.entries
            .update(|v| v.push(FeedEntry { id, spec, status }));
        self.start(id);
        id
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
        }
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
    }

    /// Replaces a feed's configuration and restarts it (its counts carry on).
    pub fn edit(&self, id: FeedId, spec: FeedSpec) {
        if id == 0 || matches!(spec, FeedSpec::File { .. } | FeedSpec::Demo) {
            return;
        }
        self.with_rt(|rt| {
            if let Some(w) = rt.workers.get_mut(&id) {
                stop_worker(w);
                w.decoder = Decoder::for_spec(&spec);
                w.spec = spec.clone();
                w.backoff.reset();
            }
        });
        self.entries.update(|v| {
            if let Some(e) = v.iter_mut().find(|e| e.id == id) {
                e.spec = spec;
            }
        });
        self.start(id);
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
            FeedSpec::Sse { url, .. } => self.open_sse(id, generation, &url, status),
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

    fn new_conn(&self) -> u32 {
        self.with_rt(|rt| {
            rt.next_conn = rt.next_conn.wrapping_add(1).max(1);
            rt.next_conn
        })
        .unwrap_or(0)
    }

    fn open_socket(
        &self,
        id: FeedId,
        conn: u32,
        url: &str,
    ) -> Result<UseWebSocketReturn, FeedError> {
        let feeds = *self;
        open_websocket(
            url,
            UseWebSocketOptions {
                max_message_bytes: MAX_MESSAGE_BYTES,
                on_open: Rc::new(move || feeds.on_open(id, conn)),
                on_message: Rc::new(move |text| feeds.on_socket_message(id, conn, &text)),
                on_close: Rc::new(move |code, reason| feeds.on_close(id, conn, code, reason)),
                on_error: Rc::new(move |e| feeds.on_error(id, conn, e)),
            },
        )
    }

    fn on_open(&self, id: FeedId, conn: u32) {
        let now = now_ms();
        let done = self.with_rt(|rt| {
            let w = rt.workers.get_mut(&id)?;
            let rotating = w
                .rotating
                .as_ref()
                .filter(|(c, _)| *c == conn)
                .map(|(_, s)| s);
            let sock = match (&w.source, rotating) {
                (_, Some(s)) => s,
                (Source::Socket(s), None) if w.conn == conn => s,
                _ => return None,
            };
            let subscribe = match &w.spec {
                FeedSpec::Venue(p) => p.subscribe_message(),
                _ => None,
            };
            // A rotation's new socket subscribes too.
            let sent = subscribe.and_then(|msg| sock.send(&msg).err());
            if rotating.is_none() {
                w.backoff.on_open(now);
                w.rotation.on_open(now);
                let venue = match &w.spec {
                    FeedSpec::Venue(p) => p.venue,
                    _ => Venue::Binance,
                };
                w.watchdog = Some(Watchdog::new(deadline_ms(venue), now));
            }
            Some((w.status, sent))
        });
        if let Some(Some((status, err))) = done {
            status.update(|s| {
                s.phase = Phase::Connected;
                if let Some(e) = err {
                    s.error(e);
                }
            });
        }
    }

    fn on_error(&self, id: FeedId, conn: u32, e: FeedError) {
        if let Some(Some(status)) = self.with_rt(|rt| {
            rt.workers
                .get(&id)
                .filter(|w| w.conn == conn)
                .map(|w| w.status)
        }) {
            status.update(|s| s.error(e));
        }
    }

    fn on_close(&self, id: FeedId, conn: u32, code: u16, reason: String) {
        let current = self.with_rt(|rt| {
            let w = rt.workers.get_mut(&id)?;
            if w.rotating.as_ref().is_some_and(|(c, _)| *c == conn) {
                // The replacement failed: keep the old socket, retry at the next poll.
                if let Some((_, s)) = w.rotating.take() {
                    bury(Source::Socket(s));
                }
                w.rotation.on_new_failed();
                return Some(false);
            }
            Some(w.conn == conn)
        });
        if current != Some(Some(true)) {
            return;
        }
        let why = if reason.is_empty() {
            format!("connection closed (code {code})")
        } else {
            format!("connection closed (code {code}: {reason})")
        };
        self.fail(id, why, None);
    }

    /// The current connection is gone: wait (back-off, or `delay_ms`) and reconnect.
    fn fail(&self, id: FeedId, why: String, delay_ms: Option<u64>) {
        let now = now_ms();
        let feeds = *self;
        let plan = self.with_rt(|rt| {
            let w = rt.workers.get_mut(&id)?;
            stop_worker(w);
            w.generation += 1;
            w.failed_before = true;
            let mut r = random;
            let delay = delay_ms.unwrap_or_else(|| w.backoff.next_delay_ms(&mut r));
            w.retry =
                set_timeout_with_handle(move || feeds.start(id), super::timer::ms(delay)).ok();
            Some((w.status, delay))
        });
        if let Some(Some((status, delay))) = plan {
            status.update(|s| {
                s.error(&why);
                s.phase = Phase::Reconnecting {
                    at_ms: now + delay as i64,
                };
            });
        }
    }

    fn on_socket_message(&self, id: FeedId, conn: u32, text: &str) {
        let now = now_ms();
        let step = self.with_rt(|rt| {
            let w = rt.workers.get_mut(&id)?;
            if w.rotating.as_ref().is_some_and(|(c, _)| *c == conn) {
                // The replacement carries data: it becomes the connection, the old one closes.
                if w.rotation.on_new_ready(now) == Some(RotationStep::CloseOld) {
                    if let Some((c, new)) = w.rotating.take() {
                        let old = std::mem::replace(&mut w.source, Source::Socket(new));
                        bury(old);
                        w.conn = c;
                        w.backoff.on_open(now);
                    }
                }
                return Some(true);
            }
            Some(w.conn == conn)
        });
        if step != Some(Some(true)) {
            return;
        }
        self.ingest_message(id, text, now, true);
    }

    /// Decodes, cleans and queues one message; acts on its control events.
    fn ingest_message(&self, id: FeedId, text: &str, now: i64, track_gaps: bool) {
        let out = self.with_rt(|rt| {
            let w = rt.workers.get_mut(&id)?;
            if let Some(wd) = w.watchdog.as_mut() {
                wd.feed(now);
            }
            w.backoff.on_message(now);
            let decoded = w.decoder.message(text);
            Some(rt.pipeline(id, decoded, now, track_gaps))
        });
        if let Some(Some(after)) = out {
            self.after_batch(id, after);
        }
    }

    fn after_batch(&self, id: FeedId, after: AfterBatch) {
        if after.shutdown {
            self.fail(id, "the venue announced a shutdown".into(), Some(0));
        }
        if after.backfill {
            let feeds = *self;
            leptos::task::spawn_local(async move { feeds.run_backfill(id).await });
        }
        if after.flush {
            self.flush();
        }
    }

    /// Moves queued trades into the engine.
    pub fn flush(&self) {
        let trades = self
            .with_rt(|rt| std::mem::take(&mut rt.pending))
            .unwrap_or_default();
        self.live.ingest(&trades);
    }

    /// Called 4 times a second: flush, watchdogs, rotation, rates, quality.
    pub fn tick(&self) {
        self.flush();
        let now = now_ms();
        let mut dead = vec![];
        let mut rotate = vec![];
        let dirty = self.with_rt(|rt| {
            for (&id, w) in rt.workers.iter_mut() {
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

    /// Opens the replacement socket of a rotation; the old one closes when it carries data.
    fn rotate(&self, id: FeedId, generation: u32) {
        let Some(Some(FeedSpec::Venue(preset))) = self.with_rt(|rt| {
            rt.workers
                .get(&id)
                .filter(|w| w.generation == generation)
                .map(|w| w.spec.clone())
        }) else {
            return;
        };
        let conn = self.new_conn();
        let result = self.open_socket(id, conn, &preset.ws_url());
        self.with_rt(|rt| {
            if let Some(w) = rt.workers.get_mut(&id) {
                match result {
                    Ok(s) => w.rotating = Some((conn, s)),
                    Err(_) => w.rotation.on_new_failed(),
                }
            }
        });
    }

    fn open_sse(&self, id: FeedId, generation: u32, url: &str, status: RwSignal<FeedStatus>) {
        let feeds = *self;
        let opened = open_event_source(
            url,
            UseEventSourceOptions {
                max_event_bytes: MAX_EVENT_BYTES,
                on_open: Rc::new(move || {
                    if feeds.is_current(id, generation) {
                        status.update(|s| s.phase = Phase::Connected);
                    }
                }),
                on_message: Rc::new(move |data| {
                    if feeds.is_current(id, generation) {
                        feeds.ingest_message(id, &data, now_ms(), false);
                    }
                }),
                on_error: Rc::new(move |e, closed| {
                    if !feeds.is_current(id, generation) {
                        return;
                    }
                    status.update(|s| {
                        s.error(&e);
                        s.phase = if closed {
                            Phase::Stopped(e.to_string())
                        } else {
                            // The browser retries by itself after its own delay.
                            Phase::Connecting
                        };
                    });
                }),
            },
        );
        match opened {
            Ok(es) => {
                self.with_rt(|rt| {
                    if let Some(w) = rt.workers.get_mut(&id) {
                        w.source = Source::Events(es);
                    }
                });
            }
            Err(e) => status.update(|s| {
                s.error(&e);
                s.phase = Phase::Stopped(e.to_string());
            }),
        }
    }

    async fn run_poll(self, id: FeedId, generation: u32, url: String, interval_ms: u64) {
        let mut scheduler = PollScheduler::new(interval_ms);
        let Some(Some(status)) = self.with_rt(|rt| rt.workers.get(&id).map(|w| w.status)) else {
            return;
        };
        while self.is_current(id, generation) {
            let options = UseFetchOptions {
                if_none_match: scheduler.if_none_match().map(str::to_string),
                ..UseFetchOptions::default()
            };
            let mut r = random;
            let decision = match fetch_bytes(&url, &options).await {
                Ok(resp) => {
                    let d = scheduler.on_response(
                        resp.status,
                        resp.etag.as_deref(),
                        resp.retry_after.as_deref(),
                        &mut r,
                    );
                    if matches!(d, PollDecision::Ingest { .. }) && self.is_current(id, generation) {
                        status.update(|s| s.phase = Phase::Connected);
                        self.ingest_message(
                            id,
                            &String::from_utf8_lossy(&resp.body),
                            now_ms(),
                            false,
                        );
                    }
                    d
                }
                Err(e) => {
                    status.update(|s| s.error(&e));
                    scheduler.on_network_error(&mut r)
                }
            };
            if !self.is_current(id, generation) {
                return;
            }
            let wait = match decision {
                PollDecision::Ingest { next_in_ms } => next_in_ms,
                PollDecision::NotModified { next_in_ms } => {
                    status.update(|s| {
                        s.phase = Phase::Connected;
                        s.last_message_ms = Some(now_ms());
                    });
                    next_in_ms
                }
                PollDecision::Retry { in_ms, reason } => {
                    status.update(|s| {
                        s.error(&reason);
                        s.phase = Phase::Reconnecting {
                            at_ms: now_ms() + in_ms as i64,
                        };
                    });
                    in_ms
                }
                PollDecision::Stop { message } => {
                    status.update(|s| {
                        s.error(&message);
                        s.phase = Phase::Stopped(message);
                    });
                    return;
                }
            };
            sleep_ms(wait).await;
        }
    }

    async fn run_backfill(self, id: FeedId) {
        let setup = self.with_rt(|rt| {
            let w = rt.workers.get_mut(&id)?;
            let FeedSpec::Venue(preset) = w.spec.clone() else {
                return None;
            };
            if w.backfilling {
                return None;
            }
            w.backfilling = true;
            Some((preset, w.status))
        });
        let Some(Some((preset, status))) = setup else {
            return;
        };
        let mut rest = Binance::new(EpochUnit::Millis, &preset.symbol);
        while let Some(Some(gap)) =
            self.with_rt(|rt| rt.workers.get_mut(&id).and_then(|w| w.gaps.next_gap()))
        {
            let mut fill = Backfill::new(gap, Backfill::BINANCE_PAGE);
            let mut attempts = 0;
            let progress = loop {
                let Some(req) = fill.next_request() else {
                    break fill.give_up();
                };
                let url = preset.binance_history_url(req.from_id, req.limit);
                match fetch_bytes(&url, &UseFetchOptions::default()).await {
                    Ok(resp) if resp.status == 200 => {
                        let text = String::from_utf8_lossy(&resp.body);
                        let decoded = rest.decode(&text);
                        let ids: Vec<u64> = decoded
                            .as_ref()
                            .map(|d| d.trades.iter().map(|t| t.id).collect())
                            .unwrap_or_default();
                        let after = self.with_rt(|rt| rt.pipeline(id, decoded, now_ms(), false));
                        if let Some(after) = after {
                            self.after_batch(id, after);
                        }
                        match fill.on_page(&ids) {
                            BackfillProgress::More => continue,
                            done => break done,
                        }
                    }
                    Ok(resp) if resp.status == 429 && attempts < 3 => {
                        attempts += 1;
                        let secs = resp
                            .retry_after
                            .and_then(|s| s.trim().parse::<u64>().ok())
                            .unwrap_or(1)
                            .min(60);
                        sleep_ms(secs * 1000).await;
                    }
                    Ok(resp) => {
                        status.update(|s| s.error(format!("backfill: HTTP {}", resp.status)));
                        break fill.give_up();
                    }
                    Err(e) => {
                        status.update(|s| {
                            s.error(format!("backfill impossible, gap left unfilled: {e}"))
                        });
                        break fill.give_up();
                    }
                }
            };
            self.with_rt(|rt| {
                if let Some(w) = rt.workers.get_mut(&id) {
                    w.gaps.record(progress);
                    let (f, u) = (w.gaps.filled(), w.gaps.unfilled());
                    w.status.update(|s| {
                        s.gaps_filled = f;
                        s.gaps_unfilled = u;
                    });
                }
            });
        }
        self.with_rt(|rt| {
            if let Some(w) = rt.workers.get_mut(&id) {
                w.backfilling = false;
            }
        });
    }

    async fn run_file(self, id: FeedId, generation: u32, blob: Blob, cancel: CancelFlag) {
        let Some(Some((status, spec))) =
            self.with_rt(|rt| rt.workers.get(&id).map(|w| (w.status, w.spec.clone())))
        else {
            return;
        };
        let FeedSpec::File { name, format, .. } = spec else {
            return;
        };
        status.update(|s| s.phase = Phase::Importing);
        let whole_json = format == FileFormat::Generic(SampleFormat::JsonArray);
        if whole_json && blob.size() > JSON_FILE_LIMIT {
            let msg = "JSON arrays over 64 MB cannot be streamed: export NDJSON or CSV".to_string();
            status.update(|s| {
                s.error(&msg);
                s.phase = Phase::Stopped(msg);
            });
            return;
        }
        let mut json_buf: Vec<u8> = Vec::new();
        let feeds = self;
        let result = read_chunks(&blob, &name, CHUNK_BYTES, &cancel, |bytes, p| {
            status.update(|s| s.progress = Some((p.done, p.total, p.rate)));
            if whole_json {
                json_buf.extend_from_slice(bytes);
                return;
            }
            feeds.ingest_chunk(id, bytes, false);
        })
        .await;
        if !self.is_current(id, generation) {
            return;
        }
        match result {
            Ok(ReadEnd::Finished) => {
                if whole_json {
                    self.ingest_chunk(id, &json_buf, true);
                } else {
                    self.ingest_chunk(id, &[], true);
                }
                self.flush();
                status.update(|s| s.phase = Phase::Done);
            }
            Ok(ReadEnd::Cancelled) => {
                self.flush();
                status.update(|s| s.phase = Phase::Stopped("import cancelled".into()));
            }
            Err(e) => status.update(|s| {
                s.error(&e);
                s.phase = Phase::Stopped(e.to_string());
            }),
        }
    }

    fn ingest_chunk(&self, id: FeedId, bytes: &[u8], eof: bool) {
        let now = now_ms();
        let out = self.with_rt(|rt| {
            let w = rt.workers.get_mut(&id)?;
            let decoded = w.decoder.chunk(bytes, eof);
            Some(rt.pipeline(id, decoded, now, false))
        });
        if let Some(Some(after)) = out {
            self.after_batch(id, after);
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

/// What the caller must do after a batch went through the pipeline.
#[derive(Default)]
struct AfterBatch {
    shutdown: bool,
    backfill: bool,
    flush: bool,
}

impl Runtime {
    /// Cleaner → pending buffer; gap tracking; status counts.
    fn pipeline(
        &mut self,
        id: FeedId,
        decoded: Result<Decoded, DecodeError>,
        now: i64,
        track_gaps: bool,
    ) -> AfterBatch {
        let mut after = AfterBatch::default();
        let Some(w) = self.workers.get_mut(&id) else {
            return after;
        };
        let decoded = match decoded {
            Ok(d) => d,
            Err(e) => {
                // A message that could not be read at all: quarantined like a bad row.
                let mut d = Decoded::default();
                d.rejects.push(tradelens_core::decode::Reject {
                    raw: String::new(),
                    error: e,
                });
                d
            }
        };
        // The quality panel re-reads the report at the next tick, at most 4 times a second.
        self.quality_dirty |= !decoded.trades.is_empty() || !decoded.rejects.is_empty();
        let cleaned = self.cleaner.clean(&w.key, decoded, now);
        let mut venue_error = None;
        for e in &cleaned.events {
            match e {
                Control::ServerShutdown { .. } => after.shutdown = true,
                Control::VenueError { code, message } => {
                    venue_error = Some(match code {
                        Some(c) => format!("venue error {c}: {message}"),
                        None => format!("venue error: {message}"),
                    })
                }
                _ => {}
            }
        }
        let backfills = matches!(&w.spec, FeedSpec::Venue(p) if p.venue.backfills_by_id());
        if track_gaps && matches!(w.spec, FeedSpec::Venue(_)) {
            for t in &cleaned.accepted {
                w.gaps.observe(t.id);
            }
            if w.gaps.pending() > 0 {
                if backfills {
                    after.backfill = !w.backfilling;
                } else {
                    w.gaps.abandon_pending();
                }
            }
        }
        let n = cleaned.accepted.len() as u64;
        let ids = cleaned
            .accepted
            .iter()
            .fold(None::<(u64, u64)>, |acc, t| match acc {
                None => Some((t.id, t.id)),
                Some((lo, hi)) => Some((lo.min(t.id), hi.max(t.id))),
            });
        let (filled, unfilled) = (w.gaps.filled(), w.gaps.unfilled());
        let is_venue = matches!(w.spec, FeedSpec::Venue(_));
        w.status.update(|s| {
            s.last_message_ms = Some(now);
            s.accepted += n;
            if is_venue {
                if let Some((lo, hi)) = ids {
                    s.ids = Some(match s.ids {
                        None => (lo, hi),
                        Some((a, b)) => (a.min(lo), b.max(hi)),
                    });
                }
            }
            s.gaps_filled = filled;
            s.gaps_unfilled = unfilled;
            if let Some(e) = venue_error {
                s.error(e);
            }
        });
        self.pending.extend(cleaned.accepted);
        after.flush = self.pending.len() >= PENDING_LIMIT;
        after
    }
}

/// Closes a worker's sources and timers (callbacks of its generation are then ignored).
fn stop_worker(w: &mut Worker) {
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
