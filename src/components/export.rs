//! Download buttons: the trades in memory, or the aggregates the dashboard shows, as CSV,
//! JSON or NDJSON (written by `core::export`; text cells are formula-guarded), through the
//! export filter: a time range, and one group of the current group-by field or all.

use leptos::prelude::*;
use tradelens_core::engine::Metric;
use tradelens_core::export::Format;

use tradelens_core::export::ExportFilter;
use tradelens_core::model::Field;

use crate::live::Live;
use crate::now_ms;
use crate::storage::export::{download_aggregates, download_trades, filtered_trades};

/// The time ranges offered: (value, label, length in ms; `None` for everything).
const RANGES: [(&str, &str, Option<i64>); 4] = [
    ("all", "All time", None),
    ("1h", "Last hour", Some(3_600_000)),
    ("24h", "Last 24 hours", Some(86_400_000)),
    ("7d", "Last 7 days", Some(7 * 86_400_000)),
];

const FORMATS: [(Format, &str); 3] = [
    (Format::Csv, "CSV"),
    (Format::Json, "JSON"),
    (Format::Ndjson, "NDJSON"),
];

/// "Export trades / aggregates as CSV · JSON · NDJSON"; needs a [`Live`] in context.
#[component]
pub fn ExportBar() -> impl IntoView {
    let live = expect_context::<Live>();
    let error = RwSignal::new(None::<String>);
    let range = RwSignal::new("all".to_string());
    let only = RwSignal::new(String::new());
    let field = move || live.spec.get().group_by.first().unwrap_or(Field::Symbol);
    // The groups to choose from: the current group-by field's values, by notional.
    let pace = live.throttled(std::time::Duration::from_secs(2));
    let groups = Memo::new(move |_| {
        pace.track();
        live.with_engine_untracked(|e| {
            // The first field's values (with a second field, each value once).
            let mut seen = std::collections::HashSet::new();
            e.top_groups(200)
                .into_iter()
                .filter_map(|(key, _)| e.label(key[0]).map(|l| l.to_string()))
                .filter(|l| seen.insert(l.clone()))
                .take(100)
                .collect::<Vec<String>>()
        })
    });
    // A new group-by field has other values: the choice goes back to all groups.
    Effect::new(move |prev: Option<Field>| {
        let f = field();
        if prev.is_some_and(|p| p != f) {
            only.set(String::new());
        }
        f
    });
    let filter = move || {
        let span = RANGES
            .iter()
            .find(|r| r.0 == range.get_untracked())
            .and_then(|r| r.2);
        let chosen = only.get_untracked();
        ExportFilter {
            from_ms: span.map(|s| now_ms() - s),
            to_ms: None,
            only: (!chosen.is_empty()).then(|| (field(), chosen.as_str().into())),
        }
    };
    let stem = move |what: &str| format!("tradelens-{}-{what}", live.mode.get_untracked().name());
    let buttons = move |aggregates: bool| {
        FORMATS
            .iter()
            .map(|&(format, label)| {
                let what = if aggregates { "aggregates" } else { "trades" };
                let testid = format!("export-{what}-{}", format.extension());
                let on_click = move |_| {
                    let filter = filter();
                    if aggregates && filter.only.is_some() && !live.spec.get_untracked().group_by.is_grouping() {
                        error.set(Some(
                            "Aggregates are not grouped: choose a \"Group by\" field to export one group's aggregates, or export all groups."
                                .into(),
                        ));
                        return;
                    }
                    let r = live.with_engine_untracked(|e| {
                        if aggregates {
                            // Percentiles and distinct counts only where the engine keeps
                            // their sketches: otherwise they would be columns of blanks.
                            let metrics: Vec<Metric> = Metric::ALL
                                .into_iter()
                                .filter(|&m| e.spec().sketches.provides(m))
                                .collect();
                            download_aggregates(&stem(what), format, e, &metrics, &filter)
                        } else {
                            download_trades(&stem(what), format, &filtered_trades(e, &filter))
                        }
                    });
                    error.set(r.err().map(|e| format!("Export failed: {e}")));
                };
                view! {
                    <button type="button" data-testid=testid on:click=on_click>
                        {label}
                    </button>
                }
            })
            .collect_view()
    };
    view! {
        <div class="export" data-testid="export">
            <label>
                "Export "
                <select
                    data-testid="export-range"
                    aria-label="Time range to export"
                    on:change=move |ev| range.set(event_target_value(&ev))
                >
                    {RANGES
                        .iter()
                        .map(|&(v, label, _)| view! { <option value=v>{label}</option> })
                        .collect_view()}
                </select>
            </label>
            <select
                data-testid="export-only"
                aria-label="Group to export"
                prop:value=move || only.get()
                on:change=move |ev| only.set(event_target_value(&ev))
            >
                <option value="">"all groups"</option>
                {move || {
                    groups
                        .get()
                        .into_iter()
                        .map(|g| {
                            let selected = only.get_untracked() == g;
                            view! { <option value=g.clone() selected=selected>{g.clone()}</option> }
                        })
                        .collect_view()
                }}
            </select>
            <span>"trades"</span>
            {buttons(false)}
            <span>"aggregates"</span>
            {buttons(true)}
            <span class="export-error" role="alert" data-testid="export-error">
                {move || error.get()}
            </span>
        </div>
    }
}
