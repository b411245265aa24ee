//! The app shell: live state, header with controls, KPIs and charts.

use leptos::prelude::*;
use tradelens_core::demo::DemoMode;

use crate::components::{Controls, KpiRow, RevenuePanel, TopPanel};
use crate::feeds::provide_feeds_context;
use crate::live::{provide_live_context, Live};
use crate::pages::FeedsPage;

/// The whole page: a dashboard fed by the built-in demo and any feeds added.
#[component]
pub fn App() -> impl IntoView {
    let live = provide_live_context(DemoMode::Orders);
    provide_feeds_context(live);
    view! {
        <Dashboard />
        // ---- Feeds page: insertion point (feat/feeds) ----
        // A self-contained page; with a tab bar it becomes the "Feeds" tab's content.
        <FeedsPage />
        // ---- end of Feeds page insertion point ----
    }
}

/// The dashboard; needs a [`Live`] in context.
#[component]
pub fn Dashboard() -> impl IntoView {
    let live = expect_context::<Live>();
    let status = move || {
        let (n, zone) = live.with_engine(|e| (e.len(), e.zone().name().to_owned()));
        let state = if live.running.get() {
            "Live demo"
        } else {
            "Paused"
        };
        format!(
            "{state} · {} in memory · times in {zone}",
            tradelens_core::format::grouped(n as f64, 0)
        )
    };
    view! {
        <header class="topbar">
            <h1>"TradeLens"</h1>
            <Controls />
        </header>
        <main id="main">
            <KpiRow />
            <div class="charts">
                <RevenuePanel />
                <TopPanel />
            </div>
        </main>
        <footer class="status" data-testid="status" role="status">{status}</footer>
    }
}
