//! The app shell: live state, header with tabs and controls, and the selected page.

use leptos::prelude::*;
use tradelens_core::demo::DemoMode;

use crate::components::StoragePanel;
use crate::components::{
    tab_id, AnalysisPage, Controls, ExportBar, PanelGrid, SettingsMenu, ShareLink, Tab, TabBar,
};
use crate::feeds::provide_feeds_context;
use crate::live::{provide_live_context, Live};
use crate::pages::FeedsPage;
use crate::storage::{provide_storage_context, StorageBanner};

/// The whole page: a dashboard fed by the built-in demo and any feeds added.
#[component]
pub fn App() -> impl IntoView {
    let storage = provide_storage_context();
    let live = provide_live_context(DemoMode::Orders);
    // Storage hook (feat/idb): the demo resumes from saved trades and saves what it makes.
    crate::storage::demo::persist_demo(live, storage);
    let feeds = provide_feeds_context(live);
    crate::feeds::keys::provide_keys_context();
    crate::storage::feeds::persist_feeds(feeds, storage);
    view! { <Dashboard /> }
}

/// The pages, in tab order.
const PAGES: [Tab; 2] = [
    Tab {
        label: "Dashboard",
        testid: "tab-dashboard",
        panel: "page-dashboard",
    },
    Tab {
        label: "Analysis",
        testid: "tab-analysis",
        panel: "page-analysis",
    },
];

/// The dashboard's panels, as the visitor arranged them.
#[component]
pub fn DashboardPage() -> impl IntoView {
    view! {
        <PanelGrid />
        <crate::components::AlertsPanel />
    }
}

/// The page shell: title, tabs, controls, the selected page and the status line; needs a
/// [`Live`] and [`crate::feeds::Feeds`] in context, and provides the dashboard's
/// [`crate::settings::Settings`].
#[component]
pub fn Dashboard() -> impl IntoView {
    let live = expect_context::<Live>();
    crate::settings::provide_settings_context();
    crate::components::provide_alerts_context(crate::storage::db::DB_NAME);
    let selected = RwSignal::new(0usize);
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
            <TabBar label="Pages" tabs=&PAGES selected=selected />
            <Controls />
            <SettingsMenu />
            <ShareLink />
        </header>
        <main>
            <div
                role="tabpanel"
                id=move || PAGES[selected.get()].panel
                aria-labelledby=move || tab_id(PAGES[selected.get()].panel)
            >
                {move || match selected.get() {
                    1 => view! { <AnalysisPage /> }.into_any(),
                    _ => view! { <DashboardPage /> }.into_any(),
                }}
            </div>
            // The feeds stay on screen whichever page is shown: their status is part of
            // reading any chart.
            <FeedsPage />
            <StorageBanner />
            <StoragePanel />
            <ExportBar />
        </main>
        <footer class="status">
            <p role="status" data-testid="status">{status}</p>
        </footer>
    }
}
