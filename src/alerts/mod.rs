//! Alerts in the page: the rules (kept in localStorage), one core evaluator per rule fed the
//! engine's buckets as they close, notifications, the history (IndexedDB, else memory) and
//! backtests. The panel is `components::alerts`; the rules themselves are
//! `tradelens_core::alerts`.

pub mod history;
pub mod notify;
pub mod rules;

use std::collections::BTreeMap;

use leptos::prelude::*;
use tradelens_core::alerts::{backtest, Condition, Evaluator, Event, Rule, State};
use tradelens_core::engine::{Engine, GroupKey, Metric};

use crate::live::Live;
use crate::storage::db::Db;

/// A bucket that ended longer ago than this when it is judged is history arriving late
/// (trades restored from storage, a feed's backfill): it moves the rule's state but is not
/// announced or recorded again.
pub const STALE_MS: i64 = 30_000;
/// The most buckets one pass judges: after a long gap (a page restored from last month's
/// trades, at one-second buckets) the rules look at the latest ones only.
pub const MAX_PASS_BUCKETS: i64 = 20_000;

/// Where the history is kept.
#[derive(Clone, Debug, PartialEq)]
pub enum HistoryStore {
    /// Opening the database.
    Opening,
    /// In IndexedDB.
    Db,
    /// In memory only, and why.
    Memory(String),
}

/// A backtest's result for the panel.
#[derive(Clone, Debug, PartialEq)]
pub struct BacktestResult {
    /// The rule run.
    pub rule_id: u32,
    /// Its name.
    pub name: String,
    /// Bucket starts where it would have fired.
    pub fired: Vec<i64>,
    /// Why it could not run, if so.
    pub error: Option<String>,
}

/// The page's alert state; `Copy`.
#[derive(Clone, Copy)]
pub struct Alerts {
    /// The rules, in the order added.
    pub rules: RwSignal<Vec<Rule>>,
    evaluators: StoredValue<BTreeMap<u32, Evaluator>>,
    /// Ids of the rules firing.
    pub firing: RwSignal<Vec<u32>>,
    /// The latest events, newest first, at most [`history::SHOWN`].
    pub history: RwSignal<Vec<Event>>,
    /// Where the history is kept.
    pub store: RwSignal<HistoryStore>,
    /// The last problem the user should know of (bad stored rules, a failed write).
    pub message: RwSignal<Option<String>>,
    /// Beep on firing.
    pub sound: RwSignal<bool>,
    /// Notifications shown since the page opened.
    pub notified: RwSignal<u32>,
    /// The latest backtest.
    pub backtest: RwSignal<Option<BacktestResult>>,
    db: StoredValue<Option<Db>, LocalStorage>,
}

impl Alerts {
    /// Alerts with the stored rules, keeping the history in database `db_name`.
    pub fn new(db_name: &str) -> Alerts {
        let loaded = rules::load();
        let alerts = Alerts {
            rules: RwSignal::new(Vec::new()),
            evaluators: StoredValue::new(BTreeMap::new()),
            firing: RwSignal::new(Vec::new()),
            history: RwSignal::new(Vec::new()),
            store: RwSignal::new(HistoryStore::Opening),
            message: RwSignal::new(loaded.problem),
            sound: RwSignal::new(false),
            notified: RwSignal::new(0),
            backtest: RwSignal::new(None),
            db: StoredValue::new_local(None),
        };
        for r in loaded.rules {
            alerts.insert(r);
        }
        let name = db_name.to_string();
        leptos::task::spawn_local(async move {
            match history::open(&name).await {
                Ok(db) => {
                    match history::latest(&db, history::SHOWN).await {
                        Ok((events, unreadable)) => {
                            alerts.history.update(|h| {
                                // Events raised while the database opened come first.
                                h.extend(events);
                                h.truncate(history::SHOWN);
                            });
                            if unreadable > 0 {
                                alerts.message.set(Some(format!(
                                    "{unreadable} stored alert events could not be read."
                                )));
                            }
                        }
                        Err(e) => alerts
                            .message
                            .set(Some(format!("The alert history could not be read: {e}"))),
                    }
                    alerts.db.set_value(Some(db));
                    alerts.store.set(HistoryStore::Db);
                }
                Err(e) => alerts.store.set(HistoryStore::Memory(e.to_string())),
            }
        });
        alerts
    }

    fn insert(&self, rule: Rule) {
        if let Ok(ev) = Evaluator::new(rule.clone()) {
            self.evaluators.update_value(|m| {
                m.insert(rule.id, ev);
            });
            self.rules.update(|r| r.push(rule));
        }
    }

    /// An id no rule has.
    pub fn next_id(&self) -> u32 {
        self.rules
            .with_untracked(|r| r.iter().map(|r| r.id).max().map_or(1, |m| m + 1))
    }

    /// Adds a rule after checking it, and stores the rules.
    pub fn add(&self, rule: Rule) -> Result<(), String> {
        rule.validate().map_err(|e| e.to_string())?;
        if self.rules.with_untracked(Vec::len) >= rules::MAX_RULES {
            return Err(format!("at most {} rules", rules::MAX_RULES));
        }
        self.insert(rule);
        self.rules.with_untracked(|r| rules::save(r))
    }

    /// Replaces every rule by `rules` (a shared link's), each checked, and stores them; their
    /// states start afresh.
    pub fn set_rules(&self, rules: Vec<Rule>) -> Result<(), String> {
        self.evaluators.update_value(BTreeMap::clear);
        self.rules.set(Vec::new());
        self.firing.set(Vec::new());
        notify::set_title(0);
        for rule in rules.into_iter().take(rules::MAX_RULES) {
            if rule.validate().is_ok() {
                self.insert(rule);
            }
        }
        self.rules.with_untracked(|r| rules::save(r))
    }

    /// Removes a rule and stores the rules.
    pub fn remove(&self, id: u32) -> Result<(), String> {
        self.evaluators.update_value(|m| {
            m.remove(&id);
        });
        self.rules.update(|r| r.retain(|r| r.id != id));
        self.firing.update(|f| f.retain(|&i| i != id));
        notify::set_title(self.firing.with_untracked(Vec::len));
        self.rules.with_untracked(|r| rules::save(r))
    }

    /// Feeds every rule the buckets of `live`'s engine that closed by `now` and it has not
    /// seen, reads the clock for silence rules, and handles the events.
    pub fn evaluate(&self, live: &Live, now: i64) {
        let events = live.with_engine_untracked(|e| {
            let mut out = Vec::new();
            self.evaluators.update_value(|m| {
                for ev in m.values_mut() {
                    out.extend(feed(e, ev, now));
                }
            });
            out
        });
        let firing: Vec<u32> = self.evaluators.with_value(|m| {
            m.values()
                .filter(|e| e.is_firing())
                .map(|e| e.rule().id)
                .collect()
        });
        if firing != self.firing.get_untracked() {
            notify::set_title(firing.len());
            self.firing.set(firing);
        }
        for e in events {
            self.record(e);
        }
    }

    /// Tells the user of an event and keeps it.
    fn record(&self, e: Event) {
        let seen = self.history.with_untracked(|h| {
            h.iter()
                .any(|o| (o.rule_id, o.at_ms, o.state) == (e.rule_id, e.at_ms, e.state))
        });
        if seen {
            return;
        }
        if e.state == State::Firing {
            let name = self
                .rules
                .with_untracked(|r| r.iter().find(|r| r.id == e.rule_id).map(|r| r.name.clone()))
                .unwrap_or_default();
            if notify::show(&format!("TradeLens alert: {name}"), &e.message) {
                self.notified.update(|n| *n += 1);
            }
            if self.sound.get_untracked() {
                notify::beep();
            }
        }
        self.history.update(|h| {
            h.insert(0, e.clone());
            h.truncate(history::SHOWN);
        });
        let Some(db) = self.db.get_value() else {
            return;
        };
        let alerts = *self;
        leptos::task::spawn_local(async move {
            if let Err(err) = history::append(&db, &e).await {
                alerts.message.set(Some(format!(
                    "An alert event could not be stored; the history is in memory only: {err}"
                )));
                alerts.db.set_value(None);
                alerts.store.set(HistoryStore::Memory(err.to_string()));
            }
        });
    }

    /// Runs rule `id` over the engine's closed buckets by `now`.
    pub fn run_backtest(&self, live: &Live, id: u32, now: i64) -> Option<BacktestResult> {
        let rule = self
            .rules
            .with_untracked(|r| r.iter().find(|r| r.id == id).cloned())?;
        let series = live.with_engine_untracked(|e| closed_series(e, &rule, None, now));
        let (fired, error) = match backtest(&rule, &series) {
            Ok(events) => (
                events
                    .into_iter()
                    .filter(|e| e.state == State::Firing)
                    .map(|e| e.at_ms)
                    .collect(),
                None,
            ),
            Err(e) => (Vec::new(), Some(e.to_string())),
        };
        Some(BacktestResult {
            rule_id: id,
            name: rule.name,
            fired,
            error,
        })
    }
}

/// The group whose name is `name`.
fn find_group(e: &Engine, name: &str) -> Option<GroupKey> {
    e.top_groups(usize::MAX)
        .into_iter()
        .map(|(k, _)| k)
        .find(|&k| e.group_name(k, "(none)") == name)
}

/// The rule's series from the first bucket after `after` to the last one closed by `now`. A
/// silence rule reads trade counts, an empty bucket having no value.
fn closed_series(e: &Engine, rule: &Rule, after: Option<i64>, now: i64) -> Vec<(i64, Option<f64>)> {
    let silence = matches!(rule.condition, Condition::NoData { .. });
    let metric = if silence {
        Metric::Count
    } else {
        rule.series.metric
    };
    let key = match &rule.series.group {
        None => None,
        Some(name) => match find_group(e, name) {
            Some(k) => Some(k),
            None => return Vec::new(),
        },
    };
    let (bucket, zone) = (e.spec().bucket, e.zone());
    let Some((last, _)) = e.buckets().next_back() else {
        return Vec::new();
    };
    let width = bucket.next_start_in(zone, last) - last;
    let earliest = last.saturating_sub(width.saturating_mul(MAX_PASS_BUCKETS));
    let from = after.map_or(earliest, |t| t.saturating_add(1).max(earliest));
    e.series(metric, key, from)
        .into_iter()
        .take_while(|&(start, _)| bucket.next_start_in(zone, start) <= now)
        .map(|(start, v)| (start, if silence { v.filter(|&c| c > 0.0) } else { v }))
        .collect()
}

/// Feeds `ev` what closed since it last looked. The first time, the whole history primes
/// it (windows fill, the state settles) without raising events: only what happens from now
/// on is news.
fn feed(e: &Engine, ev: &mut Evaluator, now: i64) -> Vec<Event> {
    let priming = ev.last_bucket().is_none();
    let series = closed_series(e, ev.rule(), ev.last_bucket(), now);
    let (bucket, zone) = (e.spec().bucket, e.zone());
    let mut out: Vec<Event> = series
        .into_iter()
        .filter_map(|(at, v)| {
            let event = ev.observe(at, v)?;
            // Late history: judged, not announced (see STALE_MS).
            (bucket.next_start_in(zone, at) >= now - STALE_MS).then_some(event)
        })
        .collect();
    out.extend(ev.tick(now));
    if priming {
        out.clear();
    }
    out
}
