//! The Alerts section of the dashboard: a form to add a rule, the rules with their state, a
//! backtest per rule (marked on the metric chart), notification and sound settings, and the
//! alert history. State and evaluation live in `crate::alerts`.

use std::time::Duration;

use leptos::prelude::*;
use tradelens_core::alerts::{describe, Condition, Rule, RuleSeries, State};
use tradelens_core::engine::Metric;
use tradelens_core::format::{clock, date};
use web_sys::NotificationPermission;

use crate::alerts::{history, notify, Alerts, HistoryStore};
use crate::live::Live;
use crate::now_ms;
use crate::storage::db::DB_NAME;

/// Rules are evaluated at most this often while trades stream.
const EVALUATE_GAP: Duration = Duration::from_millis(500);
/// The clock is read this often for silence rules, trades or not.
const CLOCK_EVERY: Duration = Duration::from_secs(1);

/// The condition kinds offered: (value, label, what the number means, window label).
const KINDS: [(&str, &str, &str, Option<&str>); 6] = [
    ("above", "Above", "Threshold", None),
    ("below", "Below", "Threshold", None),
    (
        "pct_change",
        "Percent change",
        "Percent (negative: a fall)",
        Some("Buckets back"),
    ),
    (
        "robust_z",
        "Robust z-score",
        "z-score",
        Some("Window (buckets)"),
    ),
    (
        "outside_forecast",
        "Outside forecast band",
        "Level (0.5 to 0.9999)",
        None,
    ),
    ("no_data", "No data", "Seconds", None),
];

/// Reads the form into a condition.
fn condition(kind: &str, value: &str, window: &str) -> Result<Condition, String> {
    let number = |text: &str, what: &str| {
        text.trim()
            .parse::<f64>()
            .map_err(|_| format!("{what} must be a number, got \"{}\"", text.trim()))
    };
    let count = |text: &str| {
        text.trim()
            .parse::<usize>()
            .map_err(|_| format!("the window must be a whole number, got \"{}\"", text.trim()))
    };
    Ok(match kind {
        "above" => Condition::Above {
            value: number(value, "the threshold")?,
        },
        "below" => Condition::Below {
            value: number(value, "the threshold")?,
        },
        "pct_change" => Condition::PctChange {
            pct: number(value, "the percent")?,
            over_buckets: count(window)?,
        },
        "robust_z" => Condition::RobustZ {
            z: number(value, "the z-score")?,
            window: count(window)?,
        },
        "outside_forecast" => Condition::OutsideForecast {
            level: number(value, "the level")?,
        },
        "no_data" => {
            let secs = number(value, "the seconds")?;
            if secs.fract() != 0.0 || !secs.is_finite() {
                return Err("the seconds must be a whole number".into());
            }
            Condition::NoData { secs: secs as i64 }
        }
        other => return Err(format!("unknown condition \"{other}\"")),
    })
}

/// Seconds typed in a field, as ms.
fn millis(text: &str, what: &str) -> Result<i64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(0);
    }
    let s: f64 = t
        .parse()
        .map_err(|_| format!("{what} must be a number of seconds, got \"{t}\""))?;
    if !s.is_finite() {
        return Err(format!("{what} must be a finite number of seconds"));
    }
    // Out-of-range values saturate here and are refused by the rule's validation.
    Ok((s * 1e3).round() as i64)
}

fn when(ms: i64) -> String {
    format!("{} {} UTC", date(ms), clock(ms, true))
}

fn rule_text(r: &Rule) -> String {
    let series = match &r.series.group {
        Some(g) => format!("{} of {g}", r.series.metric.name()),
        None => format!("{} (all)", r.series.metric.name()),
    };
    let mut s = format!("{}: {series} {}", r.name, describe(&r.condition));
    if r.for_ms > 0 {
        s.push_str(&format!(", for {} s", r.for_ms as f64 / 1e3));
    }
    if r.cooldown_ms > 0 {
        s.push_str(&format!(", cooldown {} s", r.cooldown_ms as f64 / 1e3));
    }
    s
}

/// Creates the page's alert state (rules from this browser, history in database `db_name`),
/// provides it, and evaluates the rules as buckets close for as long as the calling owner
/// lives: on engine changes (paced) and on the clock, for silence rules. Needs a [`Live`] in
/// context.
pub fn provide_alerts_context(db_name: &str) -> Alerts {
    let live = expect_context::<Live>();
    let alerts = Alerts::new(db_name);
    provide_context(alerts);
    let paced = live.throttled(EVALUATE_GAP);
    Effect::new(move |_| {
        paced.track();
        alerts.rules.track();
        alerts.evaluate(&live, now_ms());
    });
    match set_interval_with_handle(move || alerts.evaluate(&live, now_ms()), CLOCK_EVERY) {
        Ok(handle) => on_cleanup(move || handle.clear()),
        Err(e) => alerts
            .message
            .set(Some(format!("Silence rules cannot read the clock: {e:?}"))),
    }
    on_cleanup(move || {
        notify::set_title(0);
        live.alert_marks.set(Vec::new());
    });
    alerts
}

/// The Alerts section; needs a [`Live`] in context. It shows the page's alert state if one is
/// provided (the dashboard does, so rules run whichever page is shown), else makes its own
/// with the history in `db_name` (the app's database by default; tests pass their own).
#[component]
pub fn AlertsPanel(#[prop(optional, into)] db_name: Option<String>) -> impl IntoView {
    let alerts = use_context::<Alerts>()
        .unwrap_or_else(|| provide_alerts_context(db_name.as_deref().unwrap_or(DB_NAME)));
    // The section's children read the state from context.
    provide_context(alerts);

    view! {
        <section class="alerts panel" aria-labelledby="alerts-title" data-testid="alerts">
            <h2 id="alerts-title">"Alerts"</h2>
            <Show when=move || alerts.message.get().is_some()>
                <p class="error" role="alert" data-testid="alert-error">
                    {move || alerts.message.get().unwrap_or_default()}
                </p>
            </Show>
            <RuleForm />
            <Settings />
            <RuleList />
            <BacktestView />
            <HistoryView />
        </section>
    }
}

#[component]
fn RuleForm() -> impl IntoView {
    let alerts = expect_context::<Alerts>();
    let name = RwSignal::new(String::new());
    let metric = RwSignal::new(Metric::High.name().to_string());
    let group = RwSignal::new(String::new());
    let kind = RwSignal::new("above".to_string());
    let value = RwSignal::new(String::new());
    let window = RwSignal::new("20".to_string());
    let for_s = RwSignal::new("0".to_string());
    let cooldown_s = RwSignal::new("0".to_string());
    let kind_info = move || {
        let k = kind.get();
        KINDS
            .iter()
            .find(|(v, ..)| *v == k)
            .copied()
            .unwrap_or(KINDS[0])
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let built = (|| -> Result<Rule, String> {
            let m = Metric::from_name(&metric.get_untracked())
                .ok_or_else(|| "pick a metric".to_string())?;
            let g = group.get_untracked().trim().to_string();
            Ok(Rule {
                id: alerts.next_id(),
                name: name.get_untracked().trim().to_string(),
                series: RuleSeries {
                    metric: m,
                    group: (!g.is_empty()).then_some(g),
                },
                condition: condition(
                    &kind.get_untracked(),
                    &value.get_untracked(),
                    &window.get_untracked(),
                )?,
                for_ms: millis(&for_s.get_untracked(), "\"for\"")?,
                cooldown_ms: millis(&cooldown_s.get_untracked(), "the cooldown")?,
            })
        })();
        match built.and_then(|r| alerts.add(r)) {
            Ok(()) => {
                alerts.message.set(None);
                name.set(String::new());
            }
            Err(e) => alerts
                .message
                .set(Some(format!("The rule was not added: {e}"))),
        }
    };
    view! {
        <form class="alert-form" on:submit=submit aria-label="Add an alert rule">
            <label>
                "Name "
                <input type="text" maxlength="80" required data-testid="alert-name"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev)) />
            </label>
            <label>
                "Metric "
                <select data-testid="alert-metric" prop:value=move || metric.get()
                    on:change=move |ev| metric.set(event_target_value(&ev))>
                    {Metric::ALL
                        .into_iter()
                        .map(|m| view! { <option value=m.name()>{m.name()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Group (blank: all) "
                <input type="text" data-testid="alert-group" placeholder="e.g. BTCUSDT"
                    prop:value=move || group.get()
                    on:input=move |ev| group.set(event_target_value(&ev)) />
            </label>
            <label>
                "Condition "
                <select data-testid="alert-kind" prop:value=move || kind.get()
                    on:change=move |ev| kind.set(event_target_value(&ev))>
                    {KINDS
                        .into_iter()
                        .map(|(v, l, ..)| view! { <option value=v>{l}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                {move || kind_info().2}
                " "
                <input type="text" inputmode="decimal" data-testid="alert-value"
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev)) />
            </label>
            <Show when=move || kind_info().3.is_some()>
                <label>
                    {move || kind_info().3.unwrap_or_default()}
                    " "
                    <input type="text" inputmode="numeric" data-testid="alert-window"
                        prop:value=move || window.get()
                        on:input=move |ev| window.set(event_target_value(&ev)) />
                </label>
            </Show>
            <label>
                "For (s) "
                <input type="text" inputmode="decimal" data-testid="alert-for"
                    prop:value=move || for_s.get()
                    on:input=move |ev| for_s.set(event_target_value(&ev)) />
            </label>
            <label>
                "Cooldown (s) "
                <input type="text" inputmode="decimal" data-testid="alert-cooldown"
                    prop:value=move || cooldown_s.get()
                    on:input=move |ev| cooldown_s.set(event_target_value(&ev)) />
            </label>
            <button type="submit" data-testid="alert-add">"Add rule"</button>
        </form>
    }
}

#[component]
fn Settings() -> impl IntoView {
    let alerts = expect_context::<Alerts>();
    let permission = RwSignal::new(notify::permission());
    let ask = move |_| {
        leptos::task::spawn_local(async move {
            match notify::request_permission().await {
                Ok(p) => permission.set(Some(p)),
                Err(e) => alerts
                    .message
                    .set(Some(format!("Notifications are not available: {e}"))),
            }
        });
    };
    let status = move || match permission.get() {
        None => "not supported by this browser",
        Some(NotificationPermission::Granted) => "on",
        Some(NotificationPermission::Denied) => "blocked in the browser's site settings",
        Some(_) => "off",
    };
    view! {
        <div class="alert-settings">
            <button type="button" data-testid="alert-notify" on:click=ask
                disabled=move || permission.get() == Some(NotificationPermission::Granted)>
                "Enable notifications"
            </button>
            <span data-testid="alert-notify-status">" Notifications: " {status}</span>
            <label>
                <input type="checkbox" data-testid="alert-sound"
                    prop:checked=move || alerts.sound.get()
                    on:change=move |ev| alerts.sound.set(event_target_checked(&ev)) />
                " Sound"
            </label>
            <span data-testid="alert-notified" data-count=move || alerts.notified.get().to_string()></span>
        </div>
    }
}

#[component]
fn RuleList() -> impl IntoView {
    let alerts = expect_context::<Alerts>();
    let live = expect_context::<Live>();
    let remove = move |id: u32| {
        if let Err(e) = alerts.remove(id) {
            alerts.message.set(Some(e));
        }
        if alerts
            .backtest
            .with_untracked(|b| b.as_ref().is_some_and(|b| b.rule_id == id))
        {
            alerts.backtest.set(None);
            live.alert_marks.set(Vec::new());
        }
    };
    let run = move |id: u32| {
        let result = alerts.run_backtest(&live, id, now_ms());
        live.alert_marks
            .set(result.as_ref().map(|r| r.fired.clone()).unwrap_or_default());
        alerts.backtest.set(result);
    };
    view! {
        <Show
            when=move || !alerts.rules.with(Vec::is_empty)
            fallback=|| view! { <p data-testid="alert-empty">"No rules yet."</p> }
        >
            <ul class="alert-rules" aria-label="Alert rules">
                <For each=move || alerts.rules.get() key=|r| r.id let:rule>
                    {
                        let id = rule.id;
                        let firing = move || alerts.firing.with(|f| f.contains(&id));
                        let text = rule_text(&rule);
                        let label = rule.name.clone();
                        view! {
                            <li data-testid="alert-rule" data-rule-id=id.to_string()
                                data-state=move || if firing() { "firing" } else { "ok" }>
                                <span class="alert-state">{move || if firing() { "FIRING" } else { "ok" }}</span>
                                " " {text} " "
                                <button type="button" data-testid="alert-backtest-run"
                                    aria-label=format!("Backtest {label}") on:click=move |_| run(id)>
                                    "Backtest"
                                </button>
                                <button type="button" data-testid="alert-delete"
                                    aria-label=format!("Delete {}", rule.name) on:click=move |_| remove(id)>
                                    "Delete"
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </Show>
    }
}

#[component]
fn BacktestView() -> impl IntoView {
    let alerts = expect_context::<Alerts>();
    view! {
        {move || alerts.backtest.get().map(|b| {
            let count = b.fired.len();
            let times = b.fired.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            view! {
                <div class="alert-backtest" data-testid="alert-backtest" data-count=count.to_string()
                    data-times=times>
                    {match b.error {
                        Some(e) => format!("Backtest of {}: {e}", b.name),
                        None => format!(
                            "Backtest of {} over the buckets in memory: would have fired {count} time{}{}",
                            b.name,
                            if count == 1 { "" } else { "s" },
                            if count == 0 { String::new() } else {
                                format!(
                                    " ({}), marked on the chart",
                                    b.fired.iter().rev().take(10).map(|&t| when(t)).collect::<Vec<_>>().join(", ")
                                )
                            },
                        ),
                    }}
                </div>
            }
        })}
    }
}

#[component]
fn HistoryView() -> impl IntoView {
    let alerts = expect_context::<Alerts>();
    let store_note = move || match alerts.store.get() {
        HistoryStore::Opening => "Opening the history…".to_string(),
        HistoryStore::Db => format!(
            "The last {} events, newest first, kept in this browser.",
            history::SHOWN
        ),
        HistoryStore::Memory(why) => {
            format!("The history is kept in memory only and will be lost on reload: {why}")
        }
    };
    view! {
        <h3>"History"</h3>
        <p data-testid="alert-history-store"
            data-store=move || match alerts.store.get() {
                HistoryStore::Opening => "opening",
                HistoryStore::Db => "db",
                HistoryStore::Memory(_) => "memory",
            }>
            {store_note}
        </p>
        <ol class="alert-history" aria-label="Alert history">
            {move || alerts.history.get().into_iter().map(|e| {
                let state = match e.state {
                    State::Firing => "firing",
                    State::Resolved => "resolved",
                };
                view! {
                    <li data-testid="alert-history" data-state=state data-rule-id=e.rule_id.to_string()
                        data-at=e.at_ms.to_string()>
                        {when(e.at_ms)} " " {state} ": " {e.message}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
