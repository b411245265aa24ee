//! The live demo feed and the engine it feeds, shared by the whole dashboard.
//!
//! The feed and the engine sit in `StoredValue`s (not signals): they change many times a
//! second and are read in place. A `version` signal ticks after each change so views that read
//! them re-run.

use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use tradelens_core::dashboard::Scope;
use tradelens_core::demo::{DemoConfig, DemoFeed, DemoMode};
use tradelens_core::engine::{BucketSize, Engine, EngineSpec, Follower, GroupBy, SketchSpec};
use tradelens_core::model::Label;
use tradelens_core::model::Trade;
use tradelens_core::store::rollup::Rollup;
use tradelens_core::zone::Zone;

use crate::now_ms;
use crate::zone::browser_zone;

/// The browser's zone over the span any dashboard shows: a year back, a year ahead.
fn local_zone(now: i64) -> Arc<Zone> {
    const YEAR_MS: i64 = 366 * 86_400_000;
    Arc::new(browser_zone(now - YEAR_MS, now + YEAR_MS))
}

/// How often the feed is asked for new trades.
const TICK: Duration = Duration::from_millis(250);

/// How much history the demo replays when it starts, per mode.
pub fn history_ms(mode: DemoMode) -> i64 {
    match mode {
        DemoMode::Orders => 24 * 3_600_000,
        DemoMode::Exchange => 6 * 3_600_000,
    }
}

/// The view a mode opens with.
pub fn default_spec(mode: DemoMode) -> EngineSpec {
    match mode {
        DemoMode::Orders => EngineSpec {
            bucket: BucketSize::M15,
            group_by: GroupBy::NONE,
            sketches: SketchSpec::NONE,
        },
        DemoMode::Exchange => EngineSpec {
            bucket: BucketSize::M1,
            group_by: GroupBy::NONE,
            sketches: SketchSpec::NONE,
        },
    }
}

/// The engine's source tag of the demo's trades ([`Engine::set_source`]): replaced as a whole
/// when the demo resumes from storage or switches mode, while other feeds' trades stay.
pub const DEMO_SOURCE: u8 = 1;
/// The source tag of every other feed's trades.
pub const FEED_SOURCE: u8 = 0;

/// Adds the demo's `trades` to `engine` under [`DEMO_SOURCE`].
fn extend_demo(engine: &mut Engine, trades: &[Trade]) {
    engine.set_source(DEMO_SOURCE);
    engine.extend(trades);
    engine.set_source(FEED_SOURCE);
}

/// Receives every batch the demo feed produced, after the engine took it (storage hook).
pub type BatchSink = Rc<dyn Fn(DemoMode, &[Trade])>;

/// Shared live state; `Copy`, so components take it by value from context.
#[derive(Clone, Copy)]
pub struct Live {
    engine: StoredValue<Engine>,
    feed: StoredValue<DemoFeed>,
    /// Bumped after every change to the engine.
    pub version: RwSignal<u64>,
    /// Orders or exchange trades.
    pub mode: RwSignal<DemoMode>,
    /// Bucket size and group-by.
    pub spec: RwSignal<EngineSpec>,
    /// Whether new trades are being pulled.
    pub running: RwSignal<bool>,
    /// Bucket starts a backtested alert rule would have fired at, marked on the chart.
    pub alert_marks: RwSignal<Vec<i64>>,
    /// A time range `[from, to)` (ms) brushed on the dashboard chart; the other panels show
    /// only its buckets.
    pub brush: RwSignal<Option<(i64, i64)>>,
    // --- storage hook (feat/idb): a resumed demo continues the stored ids; batches go to
    // the sink (src/storage/demo.rs). ---
    id_offset: StoredValue<u64>,
    sink: StoredValue<Option<BatchSink>, LocalStorage>,
}

impl Live {
    /// A live state for `mode`, with its history already replayed up to `now`.
    pub fn new(mode: DemoMode, now: i64) -> Live {
        let spec = default_spec(mode);
        let zone = local_zone(now);
        let (feed, engine) = Self::start(mode, spec, zone, now);
        Live {
            engine: StoredValue::new(engine),
            feed: StoredValue::new(feed),
            version: RwSignal::new(0),
            mode: RwSignal::new(mode),
            spec: RwSignal::new(spec),
            running: RwSignal::new(true),
            alert_marks: RwSignal::new(Vec::new()),
            brush: RwSignal::new(None),
            id_offset: StoredValue::new(0),
            sink: StoredValue::new_local(None),
        }
    }

    fn start(mode: DemoMode, spec: EngineSpec, zone: Arc<Zone>, now: i64) -> (DemoFeed, Engine) {
        let mut feed = DemoFeed::new(DemoConfig::default_for(mode), now - history_ms(mode));
        let mut engine = Engine::new(spec);
        engine.set_zone(zone);
        extend_demo(&mut engine, &feed.generate_until(now));
        (feed, engine)
    }

    /// Switches to another demo mode, replaying its history.
    pub fn set_mode(&self, mode: DemoMode, now: i64) {
        if self.mode.get_untracked() == mode {
            return;
        }
        let spec = default_spec(mode);
        let mut feed = DemoFeed::new(DemoConfig::default_for(mode), now - history_ms(mode));
        let history = feed.generate_until(now);
        // The other feeds' trades stay; only the demo's are replaced.
        self.engine.update_value(|e| {
            e.remove_source(DEMO_SOURCE);
            e.set_spec(spec);
            extend_demo(e, &history);
        });
        self.feed.set_value(feed);
        self.id_offset.set_value(0);
        self.spec.set(spec);
        self.mode.set(mode);
        self.version.update(|v| *v += 1);
    }

    /// This live state seen through an engine of its own that follows this one's trades,
    /// bucketed and grouped by `scope` where it says so (else as this one is), and of only
    /// its symbol if it names one: what a panel with its own settings reads. It is brought up
    /// to date whenever this one changes, with only the trades added since.
    pub fn follow(&self, scope: Signal<Scope>) -> Live {
        let main = *self;
        let engine = StoredValue::new(Engine::new(main.spec.get_untracked()));
        let follower = StoredValue::new(Follower::default());
        let version = RwSignal::new(0);
        let spec = RwSignal::new(main.spec.get_untracked());
        Effect::new(move |_| {
            main.version.track();
            let scope = scope.get();
            let base = main.spec.get();
            let own = EngineSpec {
                bucket: scope.bucket.unwrap_or(base.bucket),
                group_by: scope.group_by.unwrap_or(base.group_by),
                sketches: base.sketches,
            };
            let symbol = scope.symbol.as_deref().map(Label::from);
            let changed = engine
                .try_update_value(|e| {
                    let mut changed = e.spec() != own;
                    e.set_spec(own);
                    follower.update_value(|f| {
                        f.set_symbol(symbol);
                        main.engine.with_value(|m| changed |= f.sync(m, e));
                    });
                    changed
                })
                .unwrap_or(false);
            if spec.get_untracked() != own {
                spec.set(own);
            }
            if changed {
                version.update(|v| *v += 1);
            }
        });
        Live {
            engine,
            version,
            spec,
            ..main
        }
    }

    /// Changes the time zone buckets follow; the engine recomputes from its stored trades.
    pub fn set_zone(&self, zone: Zone) {
        if self.engine.with_value(|e| **e.zone() == zone) {
            return;
        }
        self.engine.update_value(|e| e.set_zone(Arc::new(zone)));
        self.version.update(|v| *v += 1);
    }

    /// Changes bucket size or group-by; the engine recomputes from its stored trades.
    pub fn set_spec(&self, spec: EngineSpec) {
        self.engine.update_value(|e| e.set_spec(spec));
        self.spec.set(spec);
        self.version.update(|v| *v += 1);
    }

    /// Pulls every trade up to `now` from the feed into the engine.
    pub fn tick(&self, now: i64) {
        let mut trades = self
            .feed
            .try_update_value(|f| f.generate_until(now))
            .unwrap_or_default();
        if trades.is_empty() {
            return;
        }
        let offset = self.id_offset.get_value();
        trades.iter_mut().for_each(|t| t.id += offset);
        self.engine.update_value(|e| extend_demo(e, &trades));
        self.version.update(|v| *v += 1);
        self.send_to_sink(&trades);
    }

    // --- storage hook (feat/idb) ---

    /// Sends every batch the feed produces from now on to `sink`.
    pub fn set_sink(&self, sink: Option<BatchSink>) {
        self.sink.set_value(sink);
    }

    fn send_to_sink(&self, trades: &[Trade]) {
        let mode = self.mode.get_untracked();
        if let Some(sink) = self.sink.get_value() {
            sink(mode, trades);
        }
    }

    /// Restarts the demo from stored trades: the engine holds `restored` (any order), and
    /// the feed goes on from just after the latest of them (at most its mode's history back
    /// from `now`), with ids after theirs, so nothing is generated twice. Without stored
    /// trades the history is generated afresh. The trades generated up to `now` go to the
    /// sink.
    pub fn resume(&self, restored: Vec<Trade>, now: i64) {
        let mode = self.mode.get_untracked();
        let earliest = now - history_ms(mode);
        let start = restored
            .iter()
            .map(|t| t.time_ms + 1)
            .max()
            .map_or(earliest, |t| t.max(earliest));
        let offset = restored.iter().map(|t| t.id).max().unwrap_or(0);
        let mut feed = DemoFeed::new(DemoConfig::default_for(mode), start);
        let mut fresh = feed.generate_until(now);
        fresh.iter_mut().for_each(|t| t.id += offset);
        // The generated history goes, the stored one comes in; other feeds' trades stay.
        self.engine.update_value(|e| {
            e.remove_source(DEMO_SOURCE);
            extend_demo(e, &restored);
            extend_demo(e, &fresh);
        });
        self.feed.set_value(feed);
        self.id_offset.set_value(offset);
        self.version.update(|v| *v += 1);
        self.send_to_sink(&fresh);
    }

    /// Adds trades from any feed to the engine (already cleaned: the engine does not dedup)
    /// and bumps the version once for the whole batch.
    pub fn ingest(&self, trades: &[Trade]) {
        if trades.is_empty() {
            return;
        }
        self.engine.update_value(|e| e.extend(trades));
        self.version.update(|v| *v += 1);
    }

    /// Adds history known only as one-minute rollups (raw trades deleted by retention); see
    /// [`Engine::push_rollups`].
    /// `source` is [`DEMO_SOURCE`] for the demo's, else [`FEED_SOURCE`].
    pub fn add_rollups(&self, rollups: &[Rollup], source: u8) {
        if rollups.is_empty() {
            return;
        }
        self.engine.update_value(|e| {
            e.set_source(source);
            e.push_rollups(rollups);
            e.set_source(FEED_SOURCE);
        });
        self.version.update(|v| *v += 1);
    }

    /// Reads the engine; tracks `version`, so a view or effect calling this re-runs on change.
    pub fn with_engine<R>(&self, f: impl FnOnce(&Engine) -> R) -> R {
        self.version.track();
        self.engine.with_value(f)
    }

    /// Reads the engine without tracking anything: for work paced by [`Live::throttled`].
    pub fn with_engine_untracked<R>(&self, f: impl FnOnce(&Engine) -> R) -> R {
        self.engine.with_value(f)
    }

    /// A signal that follows `version` at most once per `min_gap` while trades stream in, and
    /// at once when the mode or the bucket size and group-by change: heavy views (fits,
    /// forecasts) recompute on it instead of on every quarter-second tick. Its value is the
    /// `version` it last let through.
    pub fn throttled(&self, min_gap: Duration) -> Signal<u64> {
        let live = *self;
        let passed = RwSignal::new(live.version.get_untracked());
        let gap_ms = min_gap.as_secs_f64() * 1e3;
        // (time of the last pass, mode and spec then)
        Effect::new(move |last: Option<(f64, DemoMode, EngineSpec)>| {
            let version = live.version.get();
            let (mode, spec) = (live.mode.get(), live.spec.get());
            let now = js_sys::Date::now();
            let due = match last {
                // Paused: nothing more is coming, so the latest change must not wait.
                _ if !live.running.get() => true,
                None => true,
                Some((at, m, s)) => m != mode || s != spec || now - at >= gap_ms,
            };
            if due {
                passed.set(version);
                (now, mode, spec)
            } else {
                last.unwrap_or((now, mode, spec))
            }
        });
        passed.into()
    }
}

/// Creates the live state, starts pulling trades every quarter second, and provides it.
pub fn provide_live_context(mode: DemoMode) -> Live {
    let live = Live::new(mode, now_ms());
    provide_context(live);
    match set_interval_with_handle(
        move || {
            if live.running.get_untracked() {
                live.tick(now_ms());
            }
        },
        TICK,
    ) {
        Ok(handle) => on_cleanup(move || handle.clear()),
        Err(e) => leptos::logging::error!("the demo feed could not start its timer: {e:?}"),
    }
    live
}
