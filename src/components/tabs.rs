//! A tab bar following the WAI-ARIA tabs pattern: one tab in the tab order, arrow keys (and
//! Home, End) move between tabs and select them.

use leptos::html::Button;
use leptos::prelude::*;

/// One tab: its text, the `data-testid` of its button and the id of the panel it controls
/// (the button's id is the panel id with `tab-` in front).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tab {
    /// Visible name.
    pub label: &'static str,
    /// `data-testid` of the tab button.
    pub testid: &'static str,
    /// Id of the `role="tabpanel"` element the tab shows.
    pub panel: &'static str,
}

/// The tab bar. The page renders the panel for `selected`, with `role="tabpanel"`, the
/// tab's `panel` as id and `aria-labelledby` pointing at [`tab_id`].
#[component]
pub fn TabBar(
    /// Accessible name of the tab list.
    label: &'static str,
    /// The tabs, in order.
    tabs: &'static [Tab],
    /// Index of the selected tab; the bar writes it when the user picks another.
    selected: RwSignal<usize>,
) -> impl IntoView {
    let buttons: Vec<NodeRef<Button>> = tabs.iter().map(|_| NodeRef::new()).collect();
    let refs = buttons.clone();
    let select_and_focus = move |i: usize| {
        selected.set(i);
        if let Some(el) = refs.get(i).and_then(|r| r.get()) {
            // Focus failing only loses the keyboard position, never the selection.
            let _ = el.focus();
        }
    };
    let n = tabs.len();
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let current = selected.get_untracked();
        let next = match ev.key().as_str() {
            "ArrowRight" => (current + 1) % n,
            "ArrowLeft" => (current + n - 1) % n,
            "Home" => 0,
            "End" => n - 1,
            _ => return,
        };
        ev.prevent_default();
        select_and_focus(next);
    };
    view! {
        <div class="tabs" role="tablist" aria-label=label on:keydown=on_key>
            {tabs
                .iter()
                .zip(buttons)
                .enumerate()
                .map(|(i, (tab, node))| {
                    let is = move || selected.get() == i;
                    view! {
                        <button
                            type="button"
                            role="tab"
                            node_ref=node
                            id=tab_id(tab.panel)
                            data-testid=tab.testid
                            aria-controls=tab.panel
                            aria-selected=move || is().to_string()
                            tabindex=move || if is() { "0" } else { "-1" }
                            on:click=move |_| selected.set(i)
                        >
                            {tab.label}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// The id of the tab button that controls `panel`.
pub fn tab_id(panel: &str) -> String {
    format!("tab-{panel}")
}
