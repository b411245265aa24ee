//! Download buttons: the trades in memory, or the aggregates the dashboard shows, as CSV,
//! JSON or NDJSON (written by `core::export`; text cells are formula-guarded).

use leptos::prelude::*;
use tradelens_core::engine::Metric;
use tradelens_core::export::Format;

use crate::live::Live;
use crate::storage::export::{download_aggregates, download_trades, engine_trades};

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
    let stem = move |what: &str| format!("tradelens-{}-{what}", live.mode.get_untracked().name());
    let buttons = move |aggregates: bool| {
        FORMATS
            .iter()
            .map(|&(format, label)| {
                let what = if aggregates { "aggregates" } else { "trades" };
                let testid = format!("export-{what}-{}", format.extension());
                let on_click = move |_| {
                    let r = live.with_engine_untracked(|e| {
                        if aggregates {
                            // Percentiles and distinct counts only where the engine keeps
                            // their sketches: otherwise they would be columns of blanks.
                            let metrics: Vec<Metric> = Metric::ALL
                                .into_iter()
                                .filter(|&m| e.spec().sketches.provides(m))
                                .collect();
                            download_aggregates(&stem(what), format, e, &metrics)
                        } else {
                            download_trades(&stem(what), format, &engine_trades(e))
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
            <span>"Export trades"</span>
            {buttons(false)}
            <span>"aggregates"</span>
            {buttons(true)}
            <span class="export-error" role="alert">
                {move || error.get()}
            </span>
        </div>
    }
}
