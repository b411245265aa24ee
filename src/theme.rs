//! Chart colours come from the stylesheet's custom properties, so charts follow the same light
//! or dark theme as the rest of the page.

use leptos::prelude::*;
use plotters::style::RGBColor;
use wasm_bindgen::JsCast;

/// Colours a chart draws with.
#[derive(Clone, Debug, PartialEq)]
pub struct Palette {
    /// Canvas background.
    pub background: RGBColor,
    /// Axis text and lines.
    pub foreground: RGBColor,
    /// Grid lines.
    pub grid: RGBColor,
    /// Series colours, in order.
    pub series: Vec<RGBColor>,
}

impl Default for Palette {
    fn default() -> Self {
        Palette {
            background: RGBColor(255, 255, 255),
            foreground: RGBColor(40, 44, 52),
            grid: RGBColor(228, 231, 236),
            series: vec![
                RGBColor(37, 99, 235),
                RGBColor(234, 88, 12),
                RGBColor(22, 163, 74),
            ],
        }
    }
}

/// Parses `#rrggbb`.
pub fn parse_hex(text: &str) -> Option<RGBColor> {
    let hex = text.trim().strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some(RGBColor(byte(0)?, byte(2)?, byte(4)?))
}

/// Reads the palette from the CSS custom properties of `element`.
pub fn palette_of(element: &web_sys::Element) -> Palette {
    let fallback = Palette::default();
    let Some(style) = web_sys::window().and_then(|w| w.get_computed_style(element).ok().flatten())
    else {
        return fallback;
    };
    let var = |name: &str| {
        style
            .get_property_value(name)
            .ok()
            .and_then(|v| parse_hex(&v))
    };
    let series: Vec<RGBColor> = (1..=6)
        .filter_map(|i| var(&format!("--chart-series-{i}")))
        .collect();
    Palette {
        background: var("--chart-bg").unwrap_or(fallback.background),
        foreground: var("--chart-fg").unwrap_or(fallback.foreground),
        grid: var("--chart-grid").unwrap_or(fallback.grid),
        series: if series.is_empty() {
            fallback.series
        } else {
            series
        },
    }
}

/// A signal that flips whenever the system colour scheme changes, so charts redraw with the
/// new palette.
pub fn use_color_scheme_changes() -> ReadSignal<u32> {
    let (changes, set_changes) = signal(0u32);
    let query = web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten());
    if let Some(query) = query {
        let callback = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
            set_changes.update(|n| *n += 1)
        });
        if query
            .add_event_listener_with_callback("change", callback.as_ref().unchecked_ref())
            .is_ok()
        {
            // The listener lives as long as the page.
            callback.forget();
        }
    }
    changes
}
