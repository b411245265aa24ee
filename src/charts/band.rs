//! A fit chart: observed points, a fitted (or forecast) line, shaded interval bands and
//! marked points, on a numeric or time x axis. Draws the scatter with its regression line,
//! the residual plot and the forecast.

use std::sync::Arc;

use plotters::prelude::*;
use tradelens_core::format::compact;
use tradelens_core::zone::Zone;
use web_sys::HtmlCanvasElement;

use super::{font, local_time_label, mark_plot_area, prepare, ChartError};
use crate::theme::Palette;

/// How x values are labelled.
#[derive(Clone, Debug, PartialEq)]
pub enum XAxis {
    /// Plain numbers.
    Number,
    /// Epoch milliseconds, labelled in this zone's local time.
    Time(Arc<Zone>),
}

/// An interval band: (x, lower, upper) in x order.
pub type Band = Vec<(f64, f64, f64)>;

/// What a fit chart shows; every part may be empty.
#[derive(Clone, Debug, PartialEq)]
pub struct BandChart {
    /// Observed points.
    pub points: Vec<(f64, f64)>,
    /// Join the observed points with a line (a series) rather than dots (a scatter).
    pub connect: bool,
    /// The fitted or forecast line.
    pub line: Vec<(f64, f64)>,
    /// Narrow band (confidence of the mean), shaded darker.
    pub inner: Band,
    /// Wide band (prediction), shaded lighter.
    pub outer: Band,
    /// Points to mark (anomalies), drawn as larger dots in the second series colour.
    pub marks: Vec<(f64, f64)>,
    /// Draw the line y = 0 (residual plots).
    pub zero_line: bool,
    /// Labelling of x.
    pub x_axis: XAxis,
}

/// The smallest and largest of the finite values, padded by 5% (or by 1 when all are equal).
fn padded(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo > hi {
        return None;
    }
    let pad = if hi > lo { (hi - lo) * 0.05 } else { 1.0 };
    Some((lo - pad, hi + pad))
}

fn band_polygon(band: &Band) -> Vec<(f64, f64)> {
    let finite =
        |&&(x, lo, hi): &&(f64, f64, f64)| x.is_finite() && lo.is_finite() && hi.is_finite();
    band.iter()
        .filter(finite)
        .map(|&(x, _, hi)| (x, hi))
        .chain(band.iter().rev().filter(finite).map(|&(x, lo, _)| (x, lo)))
        .collect()
}

/// Draws `chart` on `canvas`; an empty chart is an empty frame, not an error.
pub fn draw_band_chart(
    canvas: &HtmlCanvasElement,
    chart: &BandChart,
    palette: &Palette,
) -> Result<(), ChartError> {
    let (root, dpr) = prepare(canvas, palette)?;
    let bands = chart.inner.iter().chain(&chart.outer);
    let xs = chart
        .points
        .iter()
        .chain(&chart.line)
        .map(|p| p.0)
        .chain(bands.clone().map(|b| b.0));
    let ys = chart
        .points
        .iter()
        .chain(&chart.line)
        .chain(&chart.marks)
        .map(|p| p.1)
        .chain(bands.flat_map(|b| [b.1, b.2]))
        .chain(chart.zero_line.then_some(0.0));
    let (Some((x0, x1)), Some((y0, y1))) = (padded(xs), padded(ys)) else {
        return Ok(());
    };
    let fg = palette.foreground;
    let (span_ms, zone) = match &chart.x_axis {
        XAxis::Time(zone) => ((x1 - x0) as i64, Some(zone.clone())),
        XAxis::Number => (0, None),
    };
    let x_label = move |x: &f64| match &zone {
        Some(zone) => local_time_label(zone, *x as i64, 60_000, span_ms),
        None => compact(*x),
    };
    let mut ctx = ChartBuilder::on(&root)
        .margin((10.0 * dpr) as i32)
        .x_label_area_size((26.0 * dpr) as i32)
        .y_label_area_size((52.0 * dpr) as i32)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    ctx.configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(palette.grid.stroke_width(1))
        .axis_style(fg.stroke_width(dpr as u32))
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(&x_label)
        .y_label_formatter(&|y| compact(*y))
        .label_style(font(11.0, dpr, &fg))
        .draw()?;
    let (px, py) = ctx.plotting_area().get_pixel_range();
    mark_plot_area(canvas, px, py);
    let main = palette.series[0];
    let second = palette.series[1 % palette.series.len()];
    for (band, alpha) in [(&chart.outer, 0.12), (&chart.inner, 0.25)] {
        let poly = band_polygon(band);
        if poly.len() >= 3 {
            ctx.draw_series(std::iter::once(Polygon::new(
                poly,
                main.mix(alpha).filled(),
            )))?;
        }
    }
    let width = (2.0 * dpr).round() as u32;
    if chart.zero_line {
        ctx.draw_series(LineSeries::new([(x0, 0.0), (x1, 0.0)], fg.stroke_width(1)))?;
    }
    let finite = |p: &&(f64, f64)| p.0.is_finite() && p.1.is_finite();
    if chart.connect {
        ctx.draw_series(LineSeries::new(
            chart.points.iter().filter(finite).copied(),
            fg.mix(0.7).stroke_width(width.max(1) / 2 + 1),
        ))?;
    } else {
        let r = (2.5 * dpr).round() as u32;
        ctx.draw_series(
            chart
                .points
                .iter()
                .filter(finite)
                .map(|&p| Circle::new(p, r, fg.mix(0.6).filled())),
        )?;
    }
    ctx.draw_series(LineSeries::new(
        chart.line.iter().filter(finite).copied(),
        main.stroke_width(width),
    ))?;
    let r = (4.0 * dpr).round() as u32;
    ctx.draw_series(
        chart
            .marks
            .iter()
            .filter(finite)
            .map(|&p| Circle::new(p, r, second.filled())),
    )?;
    root.present()?;
    Ok(())
}
