//! The dashboard's own settings: its panels, theme and time zone. Created once in `App`,
//! read with `expect_context::<Settings>()`. They are saved in this browser's localStorage in
//! the same checked form a shared link uses, so a damaged or hostile saved value is refused
//! with a message, never half applied.

use leptos::prelude::*;
use tradelens_core::dashboard::Layout;
use tradelens_core::settings::{Theme, ZoneChoice};
use tradelens_core::share::{decode_json, encode_json, SharedDashboard};

use crate::live::Live;
use crate::now_ms;
use crate::zone::chosen_zone;

/// Where the settings are saved.
pub const STORAGE_KEY: &str = "tradelens.dashboard";

/// The dashboard's settings; `Copy`, so components take it by value from context.
#[derive(Clone, Copy)]
pub struct Settings {
    /// The panels.
    pub layout: RwSignal<Layout>,
    /// Light, dark, or the system's.
    pub theme: RwSignal<Theme>,
    /// The zone of buckets and axes.
    pub zone: RwSignal<ZoneChoice>,
    /// Why the saved settings were not read, if they were not.
    pub load_error: RwSignal<Option<String>>,
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The saved settings, if any: `Err` with the reason when they cannot be read.
fn load() -> Result<Option<SharedDashboard>, String> {
    let Some(text) = local_storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten()) else {
        return Ok(None);
    };
    decode_json(text.as_bytes())
        .map(Some)
        .map_err(|e| e.to_string())
}

fn save(layout: &Layout, theme: Theme, zone: ZoneChoice) {
    let dash = SharedDashboard {
        layout: layout.clone(),
        theme,
        zone,
        ..SharedDashboard::default()
    };
    let Ok(json) = encode_json(&dash) else { return };
    if let (Some(storage), Ok(text)) = (local_storage(), String::from_utf8(json)) {
        // A full or forbidden localStorage loses only the layout, never data: the dashboard
        // keeps working as it is on screen.
        let _ = storage.set_item(STORAGE_KEY, &text);
    }
}

/// Sets `data-theme` on the document: absent for the system's theme, which the stylesheet
/// follows by its media query.
pub fn apply_theme(theme: Theme) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let _ = match theme {
        Theme::System => root.remove_attribute("data-theme"),
        t => root.set_attribute("data-theme", t.name()),
    };
}

/// Creates the settings from what this browser saved, provides them, and keeps the theme,
/// the engine's zone and the saved copy in step with them. Needs a [`Live`] in context.
pub fn provide_settings_context() -> Settings {
    let live = expect_context::<Live>();
    let (saved, load_error) = match load() {
        Ok(saved) => (saved, None),
        Err(e) => (
            None,
            Some(format!(
                "The saved dashboard layout could not be read ({e}); the default one is shown"
            )),
        ),
    };
    let saved = saved.unwrap_or_default();
    let settings = Settings {
        layout: RwSignal::new(saved.layout),
        theme: RwSignal::new(saved.theme),
        zone: RwSignal::new(saved.zone),
        load_error: RwSignal::new(load_error),
    };
    Effect::new(move |_| apply_theme(settings.theme.get()));
    Effect::new(move |_| {
        const YEAR_MS: i64 = 366 * 86_400_000;
        let now = now_ms();
        live.set_zone(chosen_zone(
            settings.zone.get(),
            now - YEAR_MS,
            now + YEAR_MS,
        ));
    });
    // Saves after the first change only: a page that was just opened has nothing new to
    // save, and must not overwrite saved settings it could not read.
    Effect::new(move |first: Option<()>| {
        let layout = settings.layout.get();
        let (theme, zone) = (settings.theme.get(), settings.zone.get());
        if first.is_some() {
            save(&layout, theme, zone);
        }
    });
    provide_context(settings);
    settings
}
