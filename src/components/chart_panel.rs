//! A titled chart canvas that redraws itself, with an HTML legend and a visible error.

use leptos::prelude::*;
use web_sys::HtmlCanvasElement;

use crate::charts::ChartError;
use crate::theme::{palette_of, use_color_scheme_changes, Palette};

/// Legend swatch classes in the stylesheet (`swatch-1` ...), matching `--chart-series-N`.
const SWATCHES: usize = 6;

/// A titled canvas redrawn whenever `draw` reads a changed signal, the window is resized or the
/// colour scheme changes. A drawing failure is shown in the panel, never thrown.
pub fn chart_panel(
    title: Signal<String>,
    testid: &'static str,
    summary: Signal<String>,
    legend: Signal<Vec<String>>,
    draw: impl Fn(&HtmlCanvasElement, &Palette) -> Result<(), ChartError> + 'static,
) -> AnyView {
    // One copy of the panel's code for every chart, not one per drawing closure: the panel is
    // most of the code and the call is not hot.
    panel(title, testid, summary, legend, Box::new(draw))
}

/// How a panel draws its chart.
type Draw = Box<dyn Fn(&HtmlCanvasElement, &Palette) -> Result<(), ChartError>>;

fn panel(
    title: Signal<String>,
    testid: &'static str,
    summary: Signal<String>,
    legend: Signal<Vec<String>>,
    draw: Draw,
) -> AnyView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let scheme = use_color_scheme_changes();
    let theme = use_context::<crate::settings::Settings>().map(|s| s.theme);
    let (resized, set_resized) = signal(0u32);
    let resize =
        window_event_listener(leptos::ev::resize, move |_| set_resized.update(|n| *n += 1));
    on_cleanup(move || resize.remove());
    let (error, set_error) = signal(None::<String>);
    let (draws, set_draws) = signal(0u64);
    Effect::new(move |_| {
        scheme.track();
        resized.track();
        // The theme's attribute is set before the palette is read, whichever effect runs
        // first after a change.
        if let Some(theme) = theme {
            crate::settings::apply_theme(theme.get());
        }
        let Some(canvas) = canvas.get() else { return };
        match draw(&canvas, &palette_of(&canvas)) {
            Ok(()) | Err(ChartError::NotLaidOut) => {
                set_error.set(None);
                set_draws.update(|n| *n += 1);
            }
            Err(e) => set_error.set(Some(e.to_string())),
        }
    });
    view! {
        <figure class="panel">
            <figcaption>{title}</figcaption>
            <canvas
                node_ref=canvas
                data-testid=testid
                data-draws=move || draws.get().to_string()
                role="img"
                aria-label=summary
            ></canvas>
            <Show when=move || !legend.get().is_empty()>
                <ul class="legend" aria-label="Legend">
                    {move || {
                        legend
                            .get()
                            .into_iter()
                            .enumerate()
                            .map(|(i, name)| {
                                view! {
                                    <li>
                                        <span class=format!("swatch swatch-{}", i % SWATCHES + 1) aria-hidden="true"></span>
                                        {name}
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </Show>
            <Show when=move || error.get().is_some()>
                <p class="panel-error" role="alert">
                    "This chart could not be drawn: "
                    {move || error.get().unwrap_or_default()}
                </p>
            </Show>
        </figure>
    }
    .into_any()
}
