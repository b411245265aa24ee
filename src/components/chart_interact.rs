//! Pointer and keyboard interaction on a line chart: a hover crosshair with the values under
//! it, zoom and pan on the time axis, and a brushed time range shared with the other panels.
//!
//! The crosshair and the brush being dragged are drawn on an overlay canvas over the chart, so
//! a pointer move never redraws the chart itself; the chart redraws only when the visible
//! range or the selection changes. Times under the pointer come from the plot area the chart
//! recorded on its canvas (`data-plot-area`, device pixels) and the visible range, computed
//! by the same [`LineChart::visible`] the drawing uses.

use leptos::html::Canvas;
use leptos::prelude::*;
use tradelens_core::format::grouped;
use tradelens_core::plot::{nearest, TimeView};
use wasm_bindgen::JsCast;
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, KeyboardEvent, PointerEvent, WheelEvent,
};

use crate::charts::{local_time_label, LineChart, LineView};
use crate::theme::palette_of;

/// Zoom factor of one wheel notch or `+` key (the `-` key undoes it).
const ZOOM_IN: f64 = 0.8;
/// Share of the visible span one Shift+Arrow press pans by.
const PAN_STEP: f64 = 0.1;

/// A drag in progress.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Drag {
    /// Panning: where the pointer went down (CSS px) and the view then.
    Pan { start_x: f64, view: TimeView },
    /// Brushing from the instant `anchor` to `to`.
    Brush { anchor: i64, to: i64 },
}

/// A crosshair reading: the bucket start and each series' (name, value there).
type Reading = (i64, Vec<(String, Option<f64>)>);

/// The interaction state of one line chart; `Copy`, every part is a signal or node ref.
#[derive(Clone, Copy)]
pub struct LineInteraction {
    chart: Signal<LineChart>,
    /// The chart's canvas (the panel renders it with this ref).
    pub(crate) canvas: NodeRef<Canvas>,
    overlay: NodeRef<Canvas>,
    /// The zoomed range; `None` shows all the data.
    x_range: RwSignal<Option<(i64, i64)>>,
    /// Start of the bucket under the crosshair.
    cursor: RwSignal<Option<i64>>,
    /// Whether a plain drag brushes (the "Brush" toggle) rather than pans.
    brush_mode: RwSignal<bool>,
    drag: RwSignal<Option<Drag>>,
    /// The selection shared with the other panels.
    brush: RwSignal<Option<(i64, i64)>>,
}

impl LineInteraction {
    /// Interaction on `chart`, whose selection is `brush`.
    pub fn new(chart: Signal<LineChart>, brush: RwSignal<Option<(i64, i64)>>) -> Self {
        let this = LineInteraction {
            chart,
            canvas: NodeRef::new(),
            overlay: NodeRef::new(),
            x_range: RwSignal::new(None),
            cursor: RwSignal::new(None),
            brush_mode: RwSignal::new(false),
            drag: RwSignal::new(None),
            brush,
        };
        Effect::new(move |_| this.draw_overlay());
        this
    }

    /// How the chart is to be drawn now (tracks the zoom and the selection).
    pub fn view(&self) -> LineView {
        LineView {
            x_range: self.x_range.get(),
            brush: self.brush.get(),
        }
    }

    fn visible(&self) -> Option<TimeView> {
        let x_range = self.x_range.get_untracked();
        self.chart.with_untracked(|c| c.visible(x_range))
    }

    fn extent(&self) -> Option<(i64, i64)> {
        self.chart.with_untracked(LineChart::extent)
    }

    /// The plot area in CSS pixels, `(left, width)`, and the device pixel ratio.
    fn plot_area(canvas: &HtmlCanvasElement) -> Option<(f64, f64, f64)> {
        let area = canvas.get_attribute("data-plot-area")?;
        let mut parts = area.split(',').map(|p| p.parse::<f64>().ok());
        let (x, _, w) = (parts.next()??, parts.next()??, parts.next()??);
        let css = f64::from(canvas.client_width());
        let dpr = if css > 0.0 {
            f64::from(canvas.width()) / css
        } else {
            1.0
        };
        (w > 0.0 && dpr > 0.0).then_some((x / dpr, w / dpr, dpr))
    }

    /// The instant under the CSS x offset `x` of the canvas.
    fn time_at(&self, x: f64) -> Option<i64> {
        let (left, width, _) = Self::plot_area(&self.canvas.get_untracked()?)?;
        Some(self.visible()?.time_at((x - left) / width))
    }

    /// The bucket starts of the first series that has points.
    fn with_buckets<R>(&self, f: impl FnOnce(&[(i64, f64)]) -> R) -> R {
        self.chart.with_untracked(|c| {
            let points = c
                .series
                .iter()
                .find(|s| !s.points.is_empty())
                .map_or(&[][..], |s| &s.points[..]);
            f(points)
        })
    }

    /// Start of the bucket nearest `t`.
    fn bucket_near(&self, t: i64) -> Option<i64> {
        self.with_buckets(|p| nearest(p, t).map(|i| p[i].0))
    }

    /// `[start of the bucket holding lo, end of the bucket holding hi)`.
    fn snapped(&self, lo: i64, hi: i64) -> Option<(i64, i64)> {
        let bucket_ms = self.chart.with_untracked(|c| c.bucket_ms);
        self.with_buckets(|p| {
            let first = p.first()?.0;
            let holding = |t: i64| p.partition_point(|q| q.0 <= t).checked_sub(1);
            let from = holding(lo).map_or(first, |i| p[i].0);
            let to = match holding(hi) {
                Some(i) => p.get(i + 1).map_or(p[i].0 + bucket_ms, |q| q.0),
                None => first + bucket_ms,
            };
            (from < to).then_some((from, to))
        })
    }

    fn set_view(&self, view: TimeView) {
        let full = self
            .extent()
            .is_none_or(|(min, max)| view.from <= min && view.to >= max);
        self.x_range.set(if full {
            None
        } else {
            Some((view.from, view.to))
        });
    }

    /// Zooms by `factor` about the instant `at` (the centre when `None`).
    fn zoom(&self, factor: f64, at: Option<i64>) {
        let (Some(view), Some((min, max))) = (self.visible(), self.extent()) else {
            return;
        };
        let at = at.unwrap_or(view.time_at(0.5));
        self.set_view(view.zoom(factor, at, min, max));
    }

    fn pan_by(&self, delta_ms: i64) {
        let (Some(view), Some((min, max))) = (self.visible(), self.extent()) else {
            return;
        };
        self.set_view(view.pan(delta_ms, min, max));
    }

    /// Shows all the data again.
    pub fn reset_zoom(&self) {
        self.x_range.set(None);
    }

    /// Pointer moved over the canvas: drag, or move the crosshair.
    pub fn pointer_move(&self, ev: &PointerEvent) {
        let x = f64::from(ev.offset_x());
        match self.drag.get_untracked() {
            Some(Drag::Pan { start_x, view }) => {
                let Some(canvas) = self.canvas.get_untracked() else {
                    return;
                };
                let Some((_, width, _)) = Self::plot_area(&canvas) else {
                    return;
                };
                let Some((min, max)) = self.extent() else {
                    return;
                };
                let delta = -((x - start_x) / width * view.span() as f64).round() as i64;
                self.set_view(view.pan(delta, min, max));
            }
            Some(Drag::Brush { anchor, .. }) => {
                if let Some(to) = self.time_at(x) {
                    self.drag.set(Some(Drag::Brush { anchor, to }));
                }
            }
            None => {
                let t = self.time_at(x).and_then(|t| self.bucket_near(t));
                if t != self.cursor.get_untracked() {
                    self.cursor.set(t);
                }
            }
        }
    }

    /// Primary button down: start a pan, or a brush with Shift or the Brush toggle on.
    pub fn pointer_down(&self, ev: &PointerEvent) {
        if ev.button() != 0 {
            return;
        }
        let x = f64::from(ev.offset_x());
        let drag = if ev.shift_key() || self.brush_mode.get_untracked() {
            self.time_at(x).map(|t| Drag::Brush { anchor: t, to: t })
        } else {
            self.visible().map(|view| Drag::Pan { start_x: x, view })
        };
        if drag.is_some() {
            if let Some(canvas) = self.canvas.get_untracked() {
                // Keeps the drag going outside the canvas; losing it only ends the drag early.
                let _ = canvas.set_pointer_capture(ev.pointer_id());
            }
            self.drag.set(drag);
        }
    }

    /// Button up: a finished brush becomes the selection, snapped to whole buckets.
    pub fn pointer_up(&self, _ev: &PointerEvent) {
        if let Some(Drag::Brush { anchor, to }) = self.drag.get_untracked() {
            if anchor != to {
                if let Some(range) = self.snapped(anchor.min(to), anchor.max(to)) {
                    self.brush.set(Some(range));
                }
            }
        }
        self.drag.set(None);
    }

    /// Pointer left: the crosshair goes unless a drag holds the pointer.
    pub fn pointer_leave(&self, _ev: &PointerEvent) {
        if self.drag.get_untracked().is_none() {
            self.cursor.set(None);
        }
    }

    /// Wheel: zoom about the instant under the pointer.
    pub fn wheel(&self, ev: &WheelEvent) {
        if ev.delta_y() == 0.0 {
            return;
        }
        ev.prevent_default();
        let at = self.time_at(f64::from(ev.offset_x()));
        let factor = if ev.delta_y() < 0.0 {
            ZOOM_IN
        } else {
            1.0 / ZOOM_IN
        };
        self.zoom(factor, at);
    }

    /// Keys when the canvas has focus: arrows move the crosshair a bucket, Shift+arrows pan,
    /// `+` and `-` zoom about the crosshair, Escape hides it.
    pub fn key_down(&self, ev: &KeyboardEvent) {
        let handled = match (ev.key().as_str(), ev.shift_key()) {
            ("ArrowLeft", true) | ("ArrowRight", true) => {
                let sign = if ev.key() == "ArrowLeft" { -1.0 } else { 1.0 };
                if let Some(view) = self.visible() {
                    self.pan_by((sign * PAN_STEP * view.span() as f64).round() as i64);
                }
                true
            }
            ("ArrowLeft", false) => {
                self.step_cursor(-1);
                true
            }
            ("ArrowRight", false) => {
                self.step_cursor(1);
                true
            }
            ("+", _) | ("=", _) => {
                self.zoom(ZOOM_IN, self.cursor.get_untracked());
                true
            }
            ("-", _) | ("_", _) => {
                self.zoom(1.0 / ZOOM_IN, self.cursor.get_untracked());
                true
            }
            ("Escape", _) => {
                self.cursor.set(None);
                true
            }
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
    }

    /// Moves the crosshair `step` buckets; from none, starts at the last visible bucket
    /// (going left) or the first (going right).
    fn step_cursor(&self, step: isize) {
        let view = self.visible();
        let cursor = self.cursor.get_untracked();
        let next = self.with_buckets(|p| {
            let i = match cursor.and_then(|t| nearest(p, t)) {
                Some(i) => i.checked_add_signed(step)?,
                None => {
                    let view = view?;
                    if step < 0 {
                        p.partition_point(|q| q.0 <= view.to).checked_sub(1)?
                    } else {
                        p.partition_point(|q| q.0 < view.from)
                    }
                }
            };
            p.get(i).map(|q| q.0)
        });
        if let Some(t) = next {
            self.cursor.set(Some(t));
        }
    }

    /// The crosshair's reading: the bucket start and each series' (name, value there).
    fn reading(&self) -> Option<Reading> {
        let t = self.cursor.get()?;
        let values = self.chart.with(|c| {
            c.series
                .iter()
                .map(|s| {
                    let v = s
                        .points
                        .binary_search_by_key(&t, |p| p.0)
                        .ok()
                        .map(|i| s.points[i].1);
                    (s.name.clone(), v)
                })
                .collect()
        });
        Some((t, values))
    }

    fn time_text(&self, t: i64) -> String {
        let x_range = self.x_range.get();
        self.chart.with(|c| {
            let span = c.visible(x_range).map_or(0, TimeView::span);
            local_time_label(&c.zone, t, c.bucket_ms, span)
        })
    }

    /// The crosshair's text: "10:15 · Total 1,234.56".
    fn reading_text(&self) -> String {
        let Some((t, values)) = self.reading() else {
            return String::new();
        };
        let values: Vec<String> = values
            .iter()
            .map(|(name, v)| {
                format!(
                    "{name} {}",
                    v.map_or_else(|| "–".to_owned(), |v| grouped(v, 2))
                )
            })
            .collect();
        format!("{} · {}", self.time_text(t), values.join("; "))
    }

    /// Draws the crosshair and the brush being dragged on the overlay canvas.
    fn draw_overlay(&self) {
        let cursor = self.cursor.get();
        let drag = self.drag.get();
        let x_range = self.x_range.get();
        let text = self.reading_text();
        let (Some(main), Some(overlay)) = (self.canvas.get(), self.overlay.get()) else {
            return;
        };
        if overlay.width() != main.width() || overlay.height() != main.height() {
            overlay.set_width(main.width());
            overlay.set_height(main.height());
        }
        let Some(context) = overlay
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
        else {
            return;
        };
        context.clear_rect(
            0.0,
            0.0,
            f64::from(overlay.width()),
            f64::from(overlay.height()),
        );
        let Some(area) = main.get_attribute("data-plot-area") else {
            return;
        };
        let a: Vec<f64> = area.split(',').filter_map(|p| p.parse().ok()).collect();
        let [px, py, pw, ph] = a[..] else { return };
        let Some(view) = self.chart.with_untracked(|c| c.visible(x_range)) else {
            return;
        };
        let x_of = |t: i64| px + view.fraction_of(t).clamp(0.0, 1.0) * pw;
        let palette = palette_of(&main);
        let fg = palette.foreground;
        let color = format!("rgb({},{},{})", fg.0, fg.1, fg.2);
        let dpr = Self::plot_area(&main).map_or(1.0, |(_, _, d)| d);
        if let Some(Drag::Brush { anchor, to }) = drag {
            let (a, b) = (x_of(anchor.min(to)), x_of(anchor.max(to)));
            context.set_global_alpha(0.15);
            context.set_fill_style_str(&color);
            context.fill_rect(a, py, b - a, ph);
            context.set_global_alpha(1.0);
        }
        if let Some(t) = cursor {
            let f = view.fraction_of(t);
            if (0.0..=1.0).contains(&f) {
                let x = (px + f * pw).round() + 0.5;
                context.set_stroke_style_str(&color);
                context.set_line_width(dpr);
                context.begin_path();
                context.move_to(x, py);
                context.line_to(x, py + ph);
                context.stroke();
                context.set_fill_style_str(&color);
                context.set_font(&format!("{}px sans-serif", (11.0 * dpr).round()));
                let right_half = f > 0.5;
                context.set_text_align(if right_half { "right" } else { "left" });
                let dx = if right_half { -4.0 * dpr } else { 4.0 * dpr };
                let _ = context.fill_text(&text, x + dx, py + 12.0 * dpr);
            }
        }
    }

    /// The overlay canvas, to sit over the chart's canvas.
    pub fn overlay_view(&self) -> AnyView {
        let overlay = self.overlay;
        view! { <canvas node_ref=overlay class="chart-overlay" aria-hidden="true"></canvas> }
            .into_any()
    }

    /// The crosshair reading for screen readers and tests, and the zoom and brush controls.
    pub fn controls_view(&self) -> AnyView {
        let this = *self;
        let values = move || {
            this.reading().map_or(String::new(), |(_, v)| {
                v.iter()
                    .map(|(_, v)| v.map_or(String::new(), |v| v.to_string()))
                    .collect::<Vec<_>>()
                    .join(",")
            })
        };
        let time = move || this.reading().map_or(String::new(), |(t, _)| t.to_string());
        view! {
            <p class="crosshair" data-testid="crosshair" aria-live="polite" data-time=time data-values=values>
                {move || this.reading_text()}
            </p>
            <div class="chart-controls">
                <button
                    type="button"
                    data-testid="zoom-reset"
                    prop:disabled=move || this.x_range.get().is_none()
                    on:click=move |_| this.reset_zoom()
                >
                    "Reset zoom"
                </button>
                <button
                    type="button"
                    data-testid="brush-toggle"
                    aria-pressed=move || this.brush_mode.get().to_string()
                    on:click=move |_| this.brush_mode.update(|b| *b = !*b)
                >
                    "Brush"
                </button>
                <Show when=move || this.brush.get().is_some()>
                    <button type="button" data-testid="brush-clear" on:click=move |_| this.brush.set(None)>
                        "Clear selection"
                    </button>
                </Show>
            </div>
        }
        .into_any()
    }
}
