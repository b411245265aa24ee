//! Vertical marks on a line chart at given times: where a backtested alert rule would have
//! fired. Drawn over the finished chart with the canvas 2D API, at the x positions
//! `draw_lines_in` used (the chart's visible range and its plot area, `data-plot-area`).

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::{ChartError, LineChart, LineView};

/// The marks' colour: red, readable on the light and dark backgrounds.
const MARK_COLOUR: &str = "rgba(220, 38, 38, 0.85)";

/// Draws a thin vertical line at each time of `marks` inside the chart's range, and writes the
/// times drawn to the canvas's `data-marks` (comma-separated epoch ms; the test hook).
pub fn draw_marks(
    canvas: &HtmlCanvasElement,
    chart: &LineChart,
    view: LineView,
    marks: &[i64],
) -> Result<(), ChartError> {
    let area: Vec<f64> = canvas
        .get_attribute("data-plot-area")
        .unwrap_or_default()
        .split(',')
        .filter_map(|v| v.parse().ok())
        .collect();
    // The range `draw_lines_in` drew: the zoomed one, clamped to the data, or all of it.
    let range = chart.visible(view.x_range).map(|v| (v.from, v.to));
    let (Some((x0, x1)), &[px, py, w, h]) = (range, &area[..]) else {
        let _ = canvas.set_attribute("data-marks", "");
        return Ok(());
    };
    let shown: Vec<i64> = marks
        .iter()
        .copied()
        .filter(|t| (x0..=x1).contains(t))
        .collect();
    let _ = canvas.set_attribute(
        "data-marks",
        &shown
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(","),
    );
    if shown.is_empty() {
        return Ok(());
    }
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
        .ok_or(ChartError::NoContext)?;
    let dpr = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .clamp(1.0, 4.0);
    let line = (2.0 * dpr).round();
    ctx.set_fill_style_str(MARK_COLOUR);
    let span = (x1 - x0) as f64;
    for t in shown {
        let x = px + (t - x0) as f64 / span * w;
        ctx.fill_rect(x - line / 2.0, py, line, h);
    }
    Ok(())
}
