//! Vertical marks on a line chart at given times: where a backtested alert rule would have
//! fired. Drawn over the finished chart with the canvas 2D API, at the x positions
//! `draw_lines` used (its time range and its plot area, `data-plot-area`), so the line chart's
//! own code stays untouched.

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::{ChartError, LineChart};

/// The marks' colour: red, readable on the light and dark backgrounds.
const MARK_COLOUR: &str = "rgba(220, 38, 38, 0.85)";

/// The chart's time range as `draw_lines` computes it: first to last point, at least a
/// bucket wide.
fn x_range(chart: &LineChart) -> Option<(i64, i64)> {
    let xs = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0));
    let (x0, x1) = xs.fold((i64::MAX, i64::MIN), |(a, b), x| (a.min(x), b.max(x)));
    (x0 <= x1).then(|| (x0, x1.max(x0 + chart.bucket_ms)))
}

/// Draws a thin vertical line at each time of `marks` inside the chart's range, and writes the
/// times drawn to the canvas's `data-marks` (comma-separated epoch ms; the test hook).
pub fn draw_marks(
    canvas: &HtmlCanvasElement,
    chart: &LineChart,
    marks: &[i64],
) -> Result<(), ChartError> {
    let area: Vec<f64> = canvas
        .get_attribute("data-plot-area")
        .unwrap_or_default()
        .split(',')
        .filter_map(|v| v.parse().ok())
        .collect();
    let (Some((x0, x1)), &[px, py, w, h]) = (x_range(chart), &area[..]) else {
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
