//! A titled chart canvas that redraws itself, with an HTML legend and a visible error, PNG and
//! CSV downloads, and (for line charts) pointer and keyboard interaction.

use std::rc::Rc;

use leptos::prelude::*;
use web_sys::HtmlCanvasElement;

use super::chart_interact::LineInteraction;
use crate::charts::ChartError;
use crate::storage::export::download;
use crate::theme::{palette_of, use_color_scheme_changes, Palette};

/// The panel's data as CSV text (written by the core's export, formula-guarded).
pub type CsvSource = Rc<dyn Fn() -> String>;

/// What a panel offers beyond its chart: everything optional, `Default` is a plain panel
/// (which still has its "PNG" button).
#[derive(Clone, Default)]
pub struct PanelOptions {
    /// Where the "CSV" button gets the panel's data; no button without it.
    pub csv: Option<CsvSource>,
    /// Crosshair, zoom, pan and brush on a line chart.
    pub interaction: Option<LineInteraction>,
}

impl PanelOptions {
    /// Options with a CSV source.
    pub fn csv(mut self, source: impl Fn() -> String + 'static) -> Self {
        self.csv = Some(Rc::new(source));
        self
    }

    /// Options with interaction.
    pub fn interaction(mut self, interaction: LineInteraction) -> Self {
        self.interaction = Some(interaction);
        self
    }
}

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
    panel(
        title,
        testid,
        summary,
        legend,
        Box::new(draw),
        PanelOptions::default(),
    )
}

/// [`chart_panel`] with a CSV download and interaction ([`PanelOptions`]).
pub fn chart_panel_with(
    title: Signal<String>,
    testid: &'static str,
    summary: Signal<String>,
    legend: Signal<Vec<String>>,
    draw: impl Fn(&HtmlCanvasElement, &Palette) -> Result<(), ChartError> + 'static,
    options: PanelOptions,
) -> AnyView {
    panel(title, testid, summary, legend, Box::new(draw), options)
}

/// Downloads the canvas as `{stem}.png`.
fn download_png(canvas: &HtmlCanvasElement, stem: &str) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let url = canvas
        .to_data_url()
        .map_err(|e| format!("the browser could not encode the image: {e:?}"))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| format!("{e:?}"))?
        .unchecked_into();
    a.set_href(&url);
    a.set_download(&format!("{stem}.png"));
    a.set_class_name("hidden");
    let body = document.body().ok_or("no body")?;
    body.append_child(&a).map_err(|e| format!("{e:?}"))?;
    a.click();
    a.remove();
    Ok(())
}

/// How a panel draws its chart.
type Draw = Box<dyn Fn(&HtmlCanvasElement, &Palette) -> Result<(), ChartError>>;

/// Panels share a drawing budget per animation frame: every panel redraws on the same tick,
/// and drawn in one task six panels made a task of 50–100 ms, several frames missed at once
/// while trades streamed in. A panel whose turn would overrun the frame's budget draws in the
/// next frame instead; the first draw of a frame always goes ahead, so none waits for ever.
mod pacing {
    use std::cell::Cell;

    /// Drawing time a frame may take, ms, before later panels wait for the next frame.
    const BUDGET_MS: f64 = 8.0;

    thread_local! {
        /// When the current frame's first draw started (`performance.now()`), if one has.
        static STARTED: Cell<Option<f64>> = const { Cell::new(None) };
    }

    fn now() -> f64 {
        web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now())
    }

    /// True if a panel may draw now; the caller must then draw.
    pub fn may_draw() -> bool {
        let now = now();
        match STARTED.get() {
            Some(started) => now - started < BUDGET_MS,
            None => {
                STARTED.set(Some(now));
                leptos::prelude::request_animation_frame(|| STARTED.set(None));
                true
            }
        }
    }
}

fn panel(
    title: Signal<String>,
    testid: &'static str,
    summary: Signal<String>,
    legend: Signal<Vec<String>>,
    draw: Draw,
    options: PanelOptions,
) -> AnyView {
    let interaction = options.interaction;
    let canvas = interaction.map_or_else(NodeRef::<leptos::html::Canvas>::new, |i| i.canvas);
    let scheme = use_color_scheme_changes();
    let theme = use_context::<crate::settings::Settings>().map(|s| s.theme);
    let (resized, set_resized) = signal(0u32);
    let resize =
        window_event_listener(leptos::ev::resize, move |_| set_resized.update(|n| *n += 1));
    on_cleanup(move || resize.remove());
    let (error, set_error) = signal(None::<String>);
    let (draws, set_draws) = signal(0u64);
    // Bumped to draw in the next frame when this frame's budget is spent (see `pacing`).
    let (deferred, set_deferred) = signal(0u32);
    Effect::new(move |_| {
        scheme.track();
        resized.track();
        deferred.track();
        // The theme's attribute is set before the palette is read, whichever effect runs
        // first after a change.
        if let Some(theme) = theme {
            crate::settings::apply_theme(theme.get());
        }
        let Some(canvas) = canvas.get() else { return };
        if !pacing::may_draw() {
            request_animation_frame(move || {
                set_deferred.try_update(|n| *n = n.wrapping_add(1));
            });
            return;
        }
        match draw(&canvas, &palette_of(&canvas)) {
            Ok(()) | Err(ChartError::NotLaidOut) => {
                set_error.set(None);
                set_draws.update(|n| *n += 1);
            }
            Err(e) => set_error.set(Some(e.to_string())),
        }
    });
    // Kept apart from the drawing error, which every successful redraw clears.
    let (save_error, set_save_error) = signal(None::<String>);
    let png = move |_| {
        if let Some(c) = canvas.get_untracked() {
            set_save_error.set(download_png(&c, testid).err());
        }
    };
    let csv_button = options.csv.map(|source| {
        let save = move |_| {
            let saved = download(&format!("{testid}.csv"), "text/csv", &source());
            set_save_error.set(saved.err().map(|e| e.to_string()));
        };
        view! {
            <button type="button" data-testid="panel-csv" on:click=save>"CSV"</button>
        }
    });
    view! {
        <figure class="panel">
            <figcaption>{title}</figcaption>
            <div class="chart-stage">
                <canvas
                    node_ref=canvas
                    data-testid=testid
                    data-draws=move || draws.get().to_string()
                    role="img"
                    aria-label=summary
                    tabindex=interaction.map(|_| "0")
                    class:interactive=interaction.is_some()
                    on:pointermove=move |ev| if let Some(i) = interaction { i.pointer_move(&ev) }
                    on:pointerdown=move |ev| if let Some(i) = interaction { i.pointer_down(&ev) }
                    on:pointerup=move |ev| if let Some(i) = interaction { i.pointer_up(&ev) }
                    on:pointerleave=move |ev| if let Some(i) = interaction { i.pointer_leave(&ev) }
                    on:wheel=move |ev| if let Some(i) = interaction { i.wheel(&ev) }
                    on:keydown=move |ev| if let Some(i) = interaction { i.key_down(&ev) }
                ></canvas>
                {interaction.map(|i| i.overlay_view())}
            </div>
            <div class="panel-tools">
                {interaction.map(|i| i.controls_view())}
                <button type="button" data-testid="panel-png" on:click=png>"PNG"</button>
                {csv_button}
            </div>
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
            <Show when=move || save_error.get().is_some()>
                <p class="panel-error" role="alert">
                    "The download failed: "
                    {move || save_error.get().unwrap_or_default()}
                </p>
            </Show>
        </figure>
    }
    .into_any()
}
