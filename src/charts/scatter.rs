//! A scatter plot with a fitted straight line.

use plotters::prelude::*;
use tradelens_core::format::compact;
use tradelens_core::views::scatter::Scatter;
use web_sys::HtmlCanvasElement;

use super::{font, mark_plot_area, prepare, ChartError};
use crate::theme::Palette;

/// A range around `lo..hi` with a margin, never empty.
fn padded(lo: f64, hi: f64) -> std::ops::Range<f64> {
    let pad = if hi > lo {
        (hi - lo) * 0.06
    } else {
        hi.abs().max(1.0) * 0.05
    };
    (lo - pad)..(hi + pad)
}

/// Draws the points of `s` and, when there is one, its fitted line across the x range.
pub fn draw_scatter(
    canvas: &HtmlCanvasElement,
    s: &Scatter,
    palette: &Palette,
) -> Result<(), ChartError> {
    let (root, dpr) = prepare(canvas, palette)?;
    if s.points.is_empty() {
        return Ok(());
    }
    let bounds = |f: fn(&(f64, f64)) -> f64| {
        s.points
            .iter()
            .map(f)
            .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)))
    };
    let (x_lo, x_hi) = bounds(|p| p.0);
    let (y_lo, y_hi) = bounds(|p| p.1);
    let fg = palette.foreground;
    let mut ctx = ChartBuilder::on(&root)
        .margin((10.0 * dpr) as i32)
        .x_label_area_size((26.0 * dpr) as i32)
        .y_label_area_size((56.0 * dpr) as i32)
        .build_cartesian_2d(padded(x_lo, x_hi), padded(y_lo, y_hi))?;
    ctx.configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(palette.grid.stroke_width(1))
        .axis_style(fg.stroke_width(dpr as u32))
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(&|x| compact(*x))
        .y_label_formatter(&|y| compact(*y))
        .label_style(font(11.0, dpr, &fg))
        .draw()?;
    let (px, py) = ctx.plotting_area().get_pixel_range();
    mark_plot_area(canvas, px, py);
    let dot = palette.series[0];
    let radius = (3.0 * dpr).round() as i32;
    ctx.draw_series(
        s.points
            .iter()
            .map(|&p| Circle::new(p, radius, dot.mix(0.7).filled())),
    )?;
    if let Ok(line) = &s.fit {
        let color = palette.series[1 % palette.series.len()];
        ctx.draw_series(LineSeries::new(
            [(x_lo, line.at(x_lo)), (x_hi, line.at(x_hi))],
            color.stroke_width((2.0 * dpr).round() as u32),
        ))?;
    }
    root.present()?;
    Ok(())
}
