//! The storage panel: what each feed keeps on this device (trades, bytes, time span), its
//! retention setting, and "clear" per feed and for everything, each behind a confirmation.
//! Sizes come from the writer's chunk metas (no trade is read) and refresh every few seconds
//! while the panel is open.
//!
//! Clearing deletes the records, then reloads the page: the engine, the cleaner's memory and
//! the feeds' gap tracking are rebuilt from what is left, which is simpler and surer than
//! unpicking one feed's trades from the shared engine.

use leptos::prelude::*;
use tradelens_core::format::{date, grouped};
use tradelens_core::store::retention::{age_text, ChunkPolicy, Retention, RollupPolicy};

use crate::now_ms;
use crate::storage::quota::{megabytes, persisted};
use crate::storage::{FeedSize, Storage};

const DAY_MS: f64 = 86_400_000.0;
/// How often the sizes refresh while the panel is open.
const REFRESH_MS: u64 = 3_000;

/// What a confirmation is for.
#[derive(Clone, Debug, PartialEq)]
enum Clear {
    Feed(String),
    All,
}

/// "Keeps 7 days, 1,000,000 trades, summaries forever".
pub fn describe(r: Option<Retention>) -> String {
    let Some(r) = r else {
        return "everything".into();
    };
    let mut parts = Vec::new();
    if let Some(a) = r.raw.max_age_ms {
        parts.push(age_text(a));
    }
    if let Some(n) = r.raw.max_rows {
        parts.push(format!("{} trades", grouped(n as f64, 0)));
    }
    if let Some(b) = r.raw.max_bytes {
        parts.push(megabytes(b as f64));
    }
    if parts.is_empty() {
        parts.push("all trades".into());
    }
    let summaries = r.rollups.max_age_ms.map_or("forever".into(), age_text);
    format!("{}; summaries {summaries}", parts.join(", "))
}

/// A number input's value as a limit: blank is none; anything else must be a positive number.
fn limit(text: &str, what: &str) -> Result<Option<f64>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(Some(x)),
        _ => Err(format!(
            "{what}: \"{t}\" is not a positive number (leave it blank for no limit)"
        )),
    }
}

/// The retention the form's four fields describe.
pub fn parse_retention(
    days: &str,
    rows: &str,
    mb: &str,
    rollup_days: &str,
) -> Result<Retention, String> {
    let days = limit(days, "Keep trades for (days)")?;
    let rows = limit(rows, "At most (trades)")?;
    let mb = limit(mb, "At most (MB)")?;
    let rollup_days = limit(rollup_days, "Keep summaries for (days)")?;
    let r = Retention {
        raw: ChunkPolicy {
            max_age_ms: days.map(|d| (d * DAY_MS) as i64),
            max_rows: rows.map(|n| n.ceil() as u64),
            max_bytes: mb.map(|m| (m * 1e6) as u64),
        },
        rollups: RollupPolicy {
            max_age_ms: rollup_days.map(|d| (d * DAY_MS) as i64),
        },
    };
    r.check().map_err(|e| e.to_string())?;
    Ok(r)
}

fn field_text(x: Option<f64>) -> String {
    x.map(|v| format!("{}", (v * 1e6).round() / 1e6))
        .unwrap_or_default()
}

fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// The storage panel; renders nothing without a [`Storage`] in context.
#[component]
pub fn StoragePanel() -> impl IntoView {
    let Some(storage) = use_context::<Storage>() else {
        return ().into_any();
    };
    let open = RwSignal::new(false);
    let sizes = RwSignal::new(Vec::<FeedSize>::new());
    let loaded = RwSignal::new(false);
    let persistent = RwSignal::new(None::<bool>);
    let message = RwSignal::new(None::<String>);
    let confirm = RwSignal::new(None::<Clear>);
    let editing = RwSignal::new(None::<String>);

    let refresh = move || {
        let Some(saver) = storage.saver() else { return };
        wasm_bindgen_futures::spawn_local(async move {
            match saver.sizes().await {
                Ok(s) => {
                    sizes.set(s);
                    loaded.set(true);
                }
                Err(e) => message.set(Some(format!("Storage sizes could not be read: {e}"))),
            }
            persistent.set(persisted().await.ok());
        });
        storage.refresh_usage(true);
    };
    Effect::new(move |_| {
        if open.get() {
            refresh();
        }
    });
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if open.get_untracked() && confirm.get_untracked().is_none() {
                refresh();
            }
        },
        std::time::Duration::from_millis(REFRESH_MS),
    ) {
        on_cleanup(move || handle.clear());
    }

    let do_clear = move |what: Clear| {
        let Some(saver) = storage.saver() else { return };
        message.set(Some("Deleting…".into()));
        wasm_bindgen_futures::spawn_local(async move {
            let r = match &what {
                Clear::Feed(f) => saver.clear_feed(f).await,
                Clear::All => saver.clear_all().await,
            };
            confirm.set(None);
            match r {
                Ok(()) => {
                    message.set(Some("Deleted. Reloading…".into()));
                    reload();
                }
                Err(e) => message.set(Some(format!("Nothing was deleted: {e}"))),
            }
        });
    };

    let row = move |s: FeedSize| {
        let feed = s.feed.clone();
        let span = s
            .span
            .map(|(a, b)| format!("{} – {}", date(a), date(b)))
            .unwrap_or_default();
        let (f1, f2, f3) = (feed.clone(), feed.clone(), feed.clone());
        let f1 = StoredValue::new(f1);
        let is_editing = move || f1.with_value(|f| editing.get().as_deref() == Some(f.as_str()));
        let retention = s.retention;
        view! {
            <tr data-testid="storage-feed" data-feed=feed.clone() data-trades=s.trades.to_string()>
                <th scope="row">{feed.clone()}</th>
                <td class="num">{grouped(s.trades as f64, 0)}</td>
                <td class="num">{megabytes(s.bytes as f64)}</td>
                <td>{span}</td>
                <td data-testid="storage-keeps">{describe(retention)}</td>
                <td>
                    <button
                        type="button"
                        data-testid="storage-edit"
                        aria-expanded=move || is_editing().to_string()
                        on:click=move |_| {
                            editing.update(|e| {
                                *e = if e.as_deref() == Some(f2.as_str()) { None } else { Some(f2.clone()) }
                            })
                        }
                    >
                        "Retention…"
                    </button>
                    " "
                    <button
                        type="button"
                        data-testid="storage-clear"
                        on:click=move |_| confirm.set(Some(Clear::Feed(f3.clone())))
                    >
                        "Clear…"
                    </button>
                </td>
            </tr>
            <Show when=is_editing>
                <tr>
                    <td colspan="6">
                        <RetentionForm feed=feed.clone() current=retention message editing />
                    </td>
                </tr>
            </Show>
        }
    };

    let confirm_text = move || {
        confirm.get().map(|c| match c {
            Clear::Feed(f) => {
                let n = sizes
                    .with(|s| s.iter().find(|x| x.feed == f).map(|x| x.trades))
                    .unwrap_or(0);
                format!(
                    "Delete the {} saved trades and the one-minute summaries of {f} from this device? This cannot be undone. The page reloads afterwards.",
                    grouped(n as f64, 0)
                )
            }
            Clear::All => "Delete every feed's saved trades and summaries from this device? The feed list and settings stay. This cannot be undone. The page reloads afterwards.".into(),
        })
    };
    let cancel_ref = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if confirm.get().is_some() {
            if let Some(b) = cancel_ref.get() {
                let _ = b.focus();
            }
        }
    });

    view! {
        <details
            class="storage-panel"
            data-testid="storage-panel"
            on:toggle=move |ev| {
                let el: web_sys::HtmlDetailsElement = event_target(&ev);
                open.set(el.open());
            }
        >
            <summary>"Storage on this device"</summary>
            <p data-testid="storage-health">
                {move || storage.usage.get().map(|u| format!("Used: {}. ", u.describe()))}
                {move || match persistent.get() {
                    Some(true) => "Persistent: yes (the browser will not evict it).",
                    Some(false) => "Persistent: no (the browser may evict it when the disk is short; it is asked after your first click).",
                    None => "",
                }}
            </p>
            <Show
                when=move || loaded.get() && sizes.with(|s| s.is_empty())
                fallback=move || {
                    view! {
                        <table class="storage-table">
                            <thead>
                                <tr>
                                    <th scope="col">"Feed"</th>
                                    <th scope="col">"Trades"</th>
                                    <th scope="col" title="Bytes of the stored chunks before the browser compresses them">"Encoded size"</th>
                                    <th scope="col">"Dates (UTC)"</th>
                                    <th scope="col">"Keeps"</th>
                                    <th scope="col">"Actions"</th>
                                </tr>
                            </thead>
                            <tbody>
                                <For each=move || sizes.get() key=|s| format!("{s:?}") children=row />
                            </tbody>
                        </table>
                    }
                }
            >
                <p>"Nothing is saved on this device yet."</p>
            </Show>
            <button
                type="button"
                data-testid="storage-clear-all"
                on:click=move |_| confirm.set(Some(Clear::All))
            >
                "Clear all saved data…"
            </button>
            <Show when=move || confirm.get().is_some()>
                <div
                    class="confirm"
                    role="alertdialog"
                    aria-labelledby="storage-confirm-text"
                    data-testid="storage-confirm"
                    on:keydown=move |ev: web_sys::KeyboardEvent| {
                        if ev.key() == "Escape" {
                            confirm.set(None);
                        }
                    }
                >
                    <p id="storage-confirm-text">{confirm_text}</p>
                    <button
                        type="button"
                        class="danger"
                        data-testid="storage-confirm-delete"
                        on:click=move |_| {
                            if let Some(c) = confirm.get_untracked() {
                                do_clear(c);
                            }
                        }
                    >
                        "Delete"
                    </button>
                    " "
                    <button
                        type="button"
                        node_ref=cancel_ref
                        data-testid="storage-confirm-cancel"
                        on:click=move |_| confirm.set(None)
                    >
                        "Cancel"
                    </button>
                </div>
            </Show>
            <p class="storage-message" role="status" data-testid="storage-message">
                {move || message.get()}
            </p>
        </details>
    }
    .into_any()
}

/// The retention form of one feed.
#[component]
fn RetentionForm(
    feed: String,
    current: Option<Retention>,
    message: RwSignal<Option<String>>,
    editing: RwSignal<Option<String>>,
) -> impl IntoView {
    let storage = expect_context::<Storage>();
    let r = current.unwrap_or_default();
    let days = RwSignal::new(field_text(r.raw.max_age_ms.map(|a| a as f64 / DAY_MS)));
    let rows = RwSignal::new(field_text(r.raw.max_rows.map(|n| n as f64)));
    let mb = RwSignal::new(field_text(r.raw.max_bytes.map(|b| b as f64 / 1e6)));
    let rollup_days = RwSignal::new(field_text(r.rollups.max_age_ms.map(|a| a as f64 / DAY_MS)));
    let error = RwSignal::new(None::<String>);
    let id = |what: &str| {
        format!(
            "retention-{what}-{}",
            feed.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
        )
    };
    let ids = [id("days"), id("rows"), id("mb"), id("rollups")];
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parsed = parse_retention(&days.get(), &rows.get(), &mb.get(), &rollup_days.get());
        let retention = match parsed {
            Ok(r) => r,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        error.set(None);
        let Some(saver) = storage.saver() else { return };
        let feed = feed.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match saver.set_retention(&feed, retention, now_ms()).await {
                Ok(n) => {
                    message.set(Some(format!(
                        "Retention of {feed} saved: keeps {}. {n} chunks deleted now.",
                        describe(Some(retention))
                    )));
                    editing.set(None);
                }
                Err(e) => error.set(Some(format!("Not saved: {e}"))),
            }
        });
    };
    let input =
        move |id: String, label: &'static str, value: RwSignal<String>, testid: &'static str| {
            view! {
                <label for=id.clone()>{label}</label>
                <input
                    id=id
                    type="number"
                    min="0"
                    step="any"
                    inputmode="decimal"
                    placeholder="no limit"
                    data-testid=testid
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            }
        };
    let [a, b, c, d] = ids;
    view! {
        <form class="retention-form" data-testid="retention-form" on:submit=save>
            {input(a, "Keep trades for (days)", days, "retention-days")}
            {input(b, "At most (trades)", rows, "retention-rows")}
            {input(c, "At most (MB)", mb, "retention-mb")}
            {input(d, "Keep one-minute summaries for (days)", rollup_days, "retention-rollups")}
            <button type="submit" data-testid="retention-save">"Save"</button>
            <p class="error" role="alert" data-testid="retention-error">{move || error.get()}</p>
        </form>
    }
}
