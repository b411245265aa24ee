//! Adding a venue feed: venue, symbol and optional base URL overrides.

use leptos::prelude::*;
use tradelens_core::feed::venue::{Preset, Venue, COMMON_PAIRS};

use crate::feeds::{FeedSpec, Feeds};

/// A form adding a Binance, Coinbase or Kraken trade stream. Empty base URLs use the venue's
/// public endpoints; a WebSocket base override also moves the REST base (for backfill) to
/// the same host unless a REST base is given. No props: needs [`Feeds`] in context.
#[component]
pub fn AddVenueFeed() -> impl IntoView {
    let feeds = expect_context::<Feeds>();
    let venue = RwSignal::new(Venue::Binance);
    let symbol = RwSignal::new(COMMON_PAIRS[0].to_string());
    let ws_base = RwSignal::new(String::new());
    let rest_base = RwSignal::new(String::new());
    let max_wait = RwSignal::new(String::new());
    let preset = move || {
        Preset::new(venue.get(), &symbol.get())
            .with_bases(&ws_base.get(), &rest_base.get())
            .with_max_backoff_secs(max_wait.get().trim().parse().unwrap_or(f64::NAN))
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if symbol.get_untracked().trim().is_empty() {
            return;
        }
        feeds.add(FeedSpec::Venue(preset()));
    };
    view! {
        <form class="add-feed" data-testid="add-venue" on:submit=on_submit>
            <h3>"Exchange trades"</h3>
            <label class="field">
                <span>"Venue"</span>
                <select
                    data-testid="venue-select"
                    prop:value=move || venue.get().name()
                    on:change=move |ev| {
                        if let Some(v) = Venue::from_name(&event_target_value(&ev)) {
                            venue.set(v);
                        }
                    }
                >
                    {Venue::ALL
                        .iter()
                        .map(|v| view! { <option value=v.name()>{v.title()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label class="field">
                <span>"Symbol"</span>
                <input
                    data-testid="venue-symbol"
                    list="venue-symbols"
                    required
                    prop:value=move || symbol.get()
                    on:input=move |ev| symbol.set(event_target_value(&ev))
                />
                <datalist id="venue-symbols">
                    {COMMON_PAIRS.iter().map(|p| view! { <option value=*p></option> }).collect_view()}
                </datalist>
            </label>
            <label class="field wide">
                <span>"WebSocket base URL (optional)"</span>
                <input
                    type="url"
                    data-testid="venue-ws-base"
                    placeholder=move || venue.get().default_ws_base()
                    prop:value=move || ws_base.get()
                    on:input=move |ev| ws_base.set(event_target_value(&ev))
                />
            </label>
            <label class="field wide">
                <span>"REST base URL for backfill (optional)"</span>
                <input
                    type="url"
                    data-testid="venue-rest-base"
                    placeholder=move || venue.get().default_rest_base()
                    prop:value=move || rest_base.get()
                    on:input=move |ev| rest_base.set(event_target_value(&ev))
                />
            </label>
            <label class="field">
                <span>"Longest reconnect wait, s (optional)"</span>
                <input
                    type="number"
                    min="1"
                    max="600"
                    data-testid="venue-max-wait"
                    placeholder="60"
                    prop:value=move || max_wait.get()
                    on:input=move |ev| max_wait.set(event_target_value(&ev))
                />
            </label>
            <p class="hint" data-testid="venue-url">{move || format!("Connects to {}", preset().ws_url())}</p>
            <button type="submit" data-testid="venue-add">"Add feed"</button>
        </form>
    }
}
