//! Charts drawn with plotters on a canvas, sharp on HiDPI screens: the canvas holds
//! `devicePixelRatio` device pixels per CSS pixel and every size is scaled to match.

mod band;
mod bars;
mod candles;
mod heatmap;
mod histogram;
mod line;
mod marks;
mod scatter;

pub use band::{draw_band_chart, Band, BandChart, XAxis};
pub use bars::{draw_bars, Bar};
pub use candles::{draw_candles, CandleChart};
pub use heatmap::draw_heatmap;
pub use histogram::draw_histogram;
pub use line::{draw_lines, draw_lines_in, LineChart, LineView, Series};
pub use marks::draw_marks;
pub use scatter::draw_scatter;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use tradelens_core::format::{clock, date, time_ticks};
use tradelens_core::zone::Zone;
use web_sys::HtmlCanvasElement;

use crate::theme::Palette;

/// Why a chart could not be drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum ChartError {
    /// The canvas has no size yet (not laid out, or hidden).
    NotLaidOut,
    /// The browser gave no 2D context.
    NoContext,
    /// Plotters failed while drawing.
    Draw(String),
}

impl std::fmt::Display for ChartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChartError::NotLaidOut => f.write_str("the chart has no size yet"),
            ChartError::NoContext => f.write_str("the browser gave no 2D canvas context"),
            ChartError::Draw(e) => write!(f, "drawing failed: {e}"),
        }
    }
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        ChartError::Draw(e.to_string())
    }
}

/// Sizes the canvas's backing store to its CSS size times the device pixel ratio and returns
/// a drawing area over it, filled with the background, plus the scale factor.
pub fn prepare(
    canvas: &HtmlCanvasElement,
    palette: &Palette,
) -> Result<(DrawingArea<CanvasBackend, Shift>, f64), ChartError> {
    let dpr = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .clamp(1.0, 4.0);
    let (css_w, css_h) = (canvas.client_width(), canvas.client_height());
    if css_w <= 0 || css_h <= 0 {
        return Err(ChartError::NotLaidOut);
    }
    let (w, h) = (
        (f64::from(css_w) * dpr).round() as u32,
        (f64::from(css_h) * dpr).round() as u32,
    );
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
    }
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or(ChartError::NoContext)?;
    let root = backend.into_drawing_area();
    root.fill(&palette.background)?;
    Ok((root, dpr))
}

/// A font of `css_px` CSS pixels, scaled for the canvas.
pub fn font(css_px: f64, dpr: f64, color: &RGBColor) -> TextStyle<'static> {
    ("sans-serif", css_px * dpr).into_font().color(color)
}

/// Records the plot area in device pixels on the canvas (`data-plot-area="x,y,w,h"`), so
/// tests and tools can find where data is drawn.
pub fn mark_plot_area(
    canvas: &HtmlCanvasElement,
    x: std::ops::Range<i32>,
    y: std::ops::Range<i32>,
) {
    let value = format!(
        "{},{},{},{}",
        x.start,
        y.start,
        x.end - x.start,
        y.end - y.start
    );
    // Failing to set a data attribute only loses the test hook, never the chart.
    let _ = canvas.set_attribute("data-plot-area", &value);
}

/// Ticks for a time axis from `x0` to `x1` (ms): round local clock times in `zone`, at most
/// seven, as instants.
pub fn local_time_ticks(zone: &Zone, x0: i64, x1: i64) -> Vec<i64> {
    time_ticks(zone.to_local(x0), zone.to_local(x1), 7)
        .into_iter()
        .map(|local| zone.first_at_or_after(local))
        .filter(|t| (x0..=x1).contains(t))
        .collect()
}

/// A time-axis label in `zone`: the date for daily buckets or spans over three days, else the
/// clock time, with seconds for sub-minute buckets or spans under ten minutes.
pub fn local_time_label(zone: &Zone, t: i64, bucket_ms: i64, span_ms: i64) -> String {
    let local = zone.to_local(t);
    if bucket_ms >= 86_400_000 || span_ms > 3 * 86_400_000 {
        date(local)
    } else {
        clock(local, bucket_ms < 60_000 || span_ms < 600_000)
    }
}
