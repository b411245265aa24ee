//! The theme and time-zone choices in the page's header.

use leptos::prelude::*;
use tradelens_core::settings::{Theme, ZoneChoice, ZONES};

use crate::settings::Settings;

/// A select of the colour theme (the system's by default) and one of the time zone.
#[component]
pub fn SettingsMenu() -> impl IntoView {
    let settings = expect_context::<Settings>();
    let browser = crate::zone::browser_zone_name();
    view! {
        <div class="settings">
            <label>
                "Theme "
                <select
                    data-testid="theme"
                    prop:value=move || settings.theme.get().name()
                    on:change=move |ev| {
                        if let Some(t) = Theme::from_name(&event_target_value(&ev)) {
                            settings.theme.set(t);
                        }
                    }
                >
                    {Theme::ALL
                        .into_iter()
                        .map(|t| view! { <option value=t.name()>{t.label()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Time zone "
                <select
                    data-testid="zone"
                    prop:value=move || settings.zone.get().name()
                    on:change=move |ev| {
                        if let Some(z) = ZoneChoice::from_name(&event_target_value(&ev)) {
                            settings.zone.set(z);
                        }
                    }
                >
                    <option value="browser">{format!("This browser's ({browser})")}</option>
                    {ZONES.into_iter().map(|z| view! { <option value=z>{z}</option> }).collect_view()}
                </select>
            </label>
            {move || {
                settings
                    .load_error
                    .get()
                    .map(|e| {
                        view! {
                            <p class="error" role="alert" data-testid="settings-error">
                                {e}
                            </p>
                        }
                    })
            }}
        </div>
    }
}
