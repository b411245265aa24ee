//! A histogram: equal-width bins of counts.

use plotters::prelude::*;
use tradelens_core::format::compact;
use tradelens_core::views::histogram::Histogram;
use web_sys::HtmlCanvasElement;

use super::{font, mark_plot_area, prepare, ChartError};
use crate::theme::Palette;

/// Draws `hist` on `canvas`; nothing but the background when there is none.
pub fn draw_histogram(
    canvas: &HtmlCanvasElement,
    hist: Option<&Histogram>,
    palette: &Palette,
) -> Result<(), ChartError> {
    let (root, dpr) = prepare(canvas, palette)?;
    let Some(h) = hist else { return Ok(()) };
    let top = h.counts.iter().copied().max().unwrap_or(0).max(1) as f64 * 1.1;
    let fg = palette.foreground;
    let mut ctx = ChartBuilder::on(&root)
        .margin((10.0 * dpr) as i32)
        .x_label_area_size((26.0 * dpr) as i32)
        .y_label_area_size((52.0 * dpr) as i32)
        .build_cartesian_2d(h.lo..h.hi(), 0.0..top)?;
    ctx.configure_mesh()
        .disable_x_mesh()
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
    let color = palette.series[0];
    ctx.draw_series(
        h.counts
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(i, &n)| {
                let x = h.lo + h.width * i as f64;
                let mut r = Rectangle::new([(x, 0.0), (x + h.width, n as f64)], color.filled());
                r.set_margin(0, 0, 1, 1);
                r
            }),
    )?;
    root.present()?;
    Ok(())
}
