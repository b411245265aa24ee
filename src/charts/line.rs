//! Line chart over time: one or several series of (bucket start, value).
//!
//! The legend is HTML beside the canvas, not plotters' series labels: plotters measures legend
//! text by giving a span an inline style attribute, which the page's CSP (rightly) blocks.

use std::sync::Arc;

use plotters::prelude::*;
use tradelens_core::format::compact;
use tradelens_core::zone::Zone;
use web_sys::HtmlCanvasElement;

use super::{font, local_time_label, local_time_ticks, mark_plot_area, prepare, ChartError};
use crate::theme::Palette;

/// One named series of points (time in ms since the epoch, value).
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// Points in time order.
    pub points: Vec<(i64, f64)>,
}

/// What a line chart shows.
#[derive(Clone, Debug, PartialEq)]
pub struct LineChart {
    /// The series, drawn in palette order.
    pub series: Vec<Series>,
    /// Bucket width in ms: picks the time label format and pads the x range.
    pub bucket_ms: i64,
    /// Fill the area under a single series.
    pub area: bool,
    /// Times are labelled in this zone's local time.
    pub zone: Arc<Zone>,
}

/// Draws `chart` on `canvas`.
pub fn draw_lines(
    canvas: &HtmlCanvasElement,
    chart: &LineChart,
    palette: &Palette,
) -> Result<(), ChartError> {
    let (root, dpr) = prepare(canvas, palette)?;
    let points = chart.series.iter().flat_map(|s| s.points.iter());
    let (mut x0, mut x1, mut y1) = (i64::MAX, i64::MIN, 0.0f64);
    for &(x, y) in points {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    if x0 > x1 {
        // No data yet: an empty frame, not an error.
        return Ok(());
    }
    let x1 = x1.max(x0 + chart.bucket_ms);
    let y1 = if y1 > 0.0 { y1 * 1.1 } else { 1.0 };
    let span = x1 - x0;
    let zone = &chart.zone;
    let time_label = |x: &i64| local_time_label(zone, *x, chart.bucket_ms, span);
    let ticks = local_time_ticks(zone, x0, x1);
    let fg = palette.foreground;
    let mut ctx = ChartBuilder::on(&root)
        .margin((10.0 * dpr) as i32)
        .x_label_area_size((26.0 * dpr) as i32)
        .y_label_area_size((52.0 * dpr) as i32)
        .build_cartesian_2d((x0..x1).with_key_points(ticks), 0.0..y1)?;
    ctx.configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(palette.grid.stroke_width(1))
        .axis_style(fg.stroke_width(dpr as u32))
        .x_labels(7)
        .y_labels(5)
        .x_label_formatter(&time_label)
        .y_label_formatter(&|y| compact(*y))
        .label_style(font(11.0, dpr, &fg))
        .draw()?;
    let (px, py) = ctx.plotting_area().get_pixel_range();
    mark_plot_area(canvas, px, py);
    let width = (2.0 * dpr).round() as u32;
    for (i, s) in chart.series.iter().enumerate() {
        let color = palette.series[i % palette.series.len()];
        if chart.area && chart.series.len() == 1 {
            ctx.draw_series(AreaSeries::new(
                s.points.iter().copied(),
                0.0,
                color.mix(0.15),
            ))?;
        }
        ctx.draw_series(LineSeries::new(
            s.points.iter().copied(),
            color.stroke_width(width),
        ))?;
    }
    root.present()?;
    Ok(())
}
