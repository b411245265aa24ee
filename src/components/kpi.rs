//! KPI cards: one headline number each, updated live.

use leptos::prelude::*;
use tradelens_core::demo::DemoMode;
use tradelens_core::format::grouped;

use super::panels::selection_note;
use crate::live::Live;
use crate::now_ms;

/// One KPI: a label and a live value. The value element carries `data-testid` and the raw
/// number in `data-value`, so tests read the number rather than parse the formatted text.
#[component]
pub fn KpiCard(
    /// What the number is.
    #[prop(into)]
    label: Signal<&'static str>,
    /// Test id of the value element; begins with `kpi-`.
    testid: &'static str,
    /// The value; `None` shows a dash.
    #[prop(into)]
    value: Signal<Option<f64>>,
    /// How to show the value.
    format: fn(f64) -> String,
) -> impl IntoView {
    view! {
        <div class="kpi">
            <span class="kpi-label">{label}</span>
            <output
                class="kpi-value"
                data-testid=testid
                data-value=move || value.get().map(|v| v.to_string()).unwrap_or_default()
                aria-live="off"
            >
                {move || value.get().map_or_else(|| "–".to_owned(), format)}
            </output>
        </div>
    }
}

fn money(x: f64) -> String {
    format!("${}", grouped(x, 2))
}

fn count(x: f64) -> String {
    grouped(x, 0)
}

fn rate(x: f64) -> String {
    format!("{}/s", grouped(x, 1))
}

/// The headline figures of the live data: count, revenue, average value and rate.
#[component]
pub fn KpiRow() -> impl IntoView {
    let live = expect_context::<Live>();
    let orders = move || live.mode.get() == DemoMode::Orders;
    // Count, revenue and average follow a brushed selection; the rate is always the live one.
    let total = Memo::new(move |_| {
        let brush = live.brush.get();
        live.with_engine(|e| {
            let selected = brush.map(|(from, to)| e.total_between(from, to));
            let t = selected.as_ref().unwrap_or(e.total());
            (
                t.count() as f64,
                t.notional(),
                t.mean_notional(),
                e.rate_per_second(now_ms(), 10),
            )
        })
    });
    let note = move || selection_note(live);
    view! {
        <section class="kpis" aria-label=move || format!("Key figures{}", note())>
            <Show when=move || live.brush.get().is_some()>
                <p class="kpi-selection" data-testid="kpi-selection">
                    {move || format!("Count, revenue and average{}", note())}
                </p>
            </Show>
            <KpiCard
                label=Signal::derive(move || if orders() { "Orders" } else { "Trades" })
                testid="kpi-count"
                value=Signal::derive(move || Some(total.get().0))
                format=count
            />
            <KpiCard
                label=Signal::derive(move || if orders() { "Revenue" } else { "Notional" })
                testid="kpi-revenue"
                value=Signal::derive(move || Some(total.get().1))
                format=money
            />
            <KpiCard
                label=Signal::derive(move || if orders() { "Average order value" } else { "Average trade value" })
                testid="kpi-average"
                value=Signal::derive(move || total.get().2)
                format=money
            />
            <KpiCard
                label=Signal::derive(move || if orders() { "Orders per second" } else { "Trades per second" })
                testid="kpi-rate"
                value=Signal::derive(move || Some(total.get().3))
                format=rate
            />
        </section>
    }
}
