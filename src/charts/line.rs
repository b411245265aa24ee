//! Line chart over time: one or several series of (bucket start, value).
//!
//! The legend is HTML beside the canvas, not plotters' series labels: plotters measures legend
//! text by giving a span an inline style attribute, which the page's CSP (rightly) blocks.
//!
//! Each series is decimated to the plot's pixel columns before drawing ([`decimate`]): per
//! device-pixel column its first, lowest, highest and last point, which draws the same pixels
//! as every point, so a million points redraw as a few thousand.

use std::sync::Arc;

use plotters::prelude::*;
use tradelens_core::format::compact;
use tradelens_core::plot::{decimate, TimeView};
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
    /// The y axis's title, with its unit ("Revenue (USD)"); empty for none.
    pub y_label: String,
}

/// How a line chart is viewed: the visible time range and a shaded selection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineView {
    /// Visible times `(from, to)` in ms; `None` shows all the data.
    pub x_range: Option<(i64, i64)>,
    /// A selected time range `[from, to)` in ms, drawn as a shaded band.
    pub brush: Option<(i64, i64)>,
}

impl LineChart {
    /// The time span of the data, padded by one bucket when it is a single instant. Reads
    /// only each series' first and last points (series are in time order).
    pub fn extent(&self) -> Option<(i64, i64)> {
        let (mut x0, mut x1) = (i64::MAX, i64::MIN);
        for s in &self.series {
            if let (Some(first), Some(last)) = (s.points.first(), s.points.last()) {
                x0 = x0.min(first.0);
                x1 = x1.max(last.0);
            }
        }
        (x0 <= x1).then(|| (x0, x1.max(x0.saturating_add(self.bucket_ms))))
    }

    /// The visible time range under `x_range` (`None`: all the data); `None` without data.
    pub fn visible(&self, x_range: Option<(i64, i64)>) -> Option<TimeView> {
        let (min, max) = self.extent()?;
        Some(match x_range {
            Some((from, to)) => TimeView::clamped(from, to, min, max),
            None => TimeView { from: min, to: max },
        })
    }
}

/// Draws `chart` on `canvas` with everything visible.
pub fn draw_lines(
    canvas: &HtmlCanvasElement,
    chart: &LineChart,
    palette: &Palette,
) -> Result<(), ChartError> {
    draw_lines_in(canvas, chart, LineView::default(), palette)
}

/// Draws `chart` on `canvas` as `view` asks. The visible range goes on the canvas as
/// `data-x-range="from,to"` (ms), beside `data-plot-area`, so the pointer's time can be read.
pub fn draw_lines_in(
    canvas: &HtmlCanvasElement,
    chart: &LineChart,
    view: LineView,
    palette: &Palette,
) -> Result<(), ChartError> {
    let (root, dpr) = prepare(canvas, palette)?;
    let Some(visible) = chart.visible(view.x_range) else {
        // No data yet: an empty frame, not an error.
        let _ = canvas.remove_attribute("data-x-range");
        return Ok(());
    };
    let (x0, x1) = (visible.from, visible.to);
    let _ = canvas.set_attribute("data-x-range", &format!("{x0},{x1}"));
    let titled = !chart.y_label.is_empty();
    let margin = (10.0 * dpr) as i32;
    let y_area = (if titled { 70.0 } else { 52.0 } * dpr) as i32;
    // Plotters puts the plot between the margins and after the y labels: decimate for that
    // width now, so the y range can come from the few points kept (decimation keeps every
    // column's extremes, so their maximum is the data's).
    let predicted = usize::try_from(canvas.width() as i32 - 2 * margin - y_area).unwrap_or(0);
    let decimated = |columns: usize| -> Result<Vec<Vec<(i64, f64)>>, ChartError> {
        chart
            .series
            .iter()
            .map(|s| {
                let mut kept = Vec::with_capacity(4 * columns + 2);
                decimate(&s.points, x0, x1, columns, &mut kept)
                    .map_err(|e| ChartError::Draw(e.to_string()))?;
                Ok(kept)
            })
            .collect()
    };
    let mut drawn = decimated(predicted)?;
    let y1 = drawn
        .iter()
        .flatten()
        .filter(|p| (x0..=x1).contains(&p.0))
        .fold(0.0f64, |m, p| m.max(p.1));
    let y1 = if y1 > 0.0 { y1 * 1.1 } else { 1.0 };
    let span = x1 - x0;
    let zone = &chart.zone;
    let time_label = |x: &i64| local_time_label(zone, *x, chart.bucket_ms, span);
    let ticks = local_time_ticks(zone, x0, x1);
    let fg = palette.foreground;
    let mut ctx = ChartBuilder::on(&root)
        .margin(margin)
        .x_label_area_size((26.0 * dpr) as i32)
        .y_label_area_size(y_area)
        .build_cartesian_2d((x0..x1).with_key_points(ticks), 0.0..y1)?;
    ctx.configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(palette.grid.stroke_width(1))
        .axis_style(fg.stroke_width(dpr as u32))
        .x_labels(7)
        .y_labels(5)
        .x_label_formatter(&time_label)
        .y_label_formatter(&|y| compact(*y))
        .y_desc(chart.y_label.as_str())
        .axis_desc_style(font(11.0, dpr, &fg))
        .label_style(font(11.0, dpr, &fg))
        .draw()?;
    let (px, py) = ctx.plotting_area().get_pixel_range();
    mark_plot_area(canvas, px.clone(), py.clone());
    // The points just outside a zoomed range carry the line to the plot's edges; plotters
    // does not clip, so the canvas does.
    let clip = clip_to(canvas, &px, &py);
    if let Some((b0, b1)) = view.brush {
        let (b0, b1) = (b0.clamp(x0, x1), b1.clamp(x0, x1));
        if b0 < b1 {
            let shade = palette.foreground.mix(0.12).filled();
            ctx.draw_series(std::iter::once(Rectangle::new(
                [(b0, 0.0), (b1, y1)],
                shade,
            )))?;
        }
    }
    let columns = usize::try_from(px.end - px.start).unwrap_or(0);
    if columns != predicted {
        drawn = decimated(columns)?;
    }
    let width = (2.0 * dpr).round() as u32;
    for (i, drawn) in drawn.iter().enumerate() {
        let color = palette.series[i % palette.series.len()];
        if chart.area && chart.series.len() == 1 {
            ctx.draw_series(AreaSeries::new(drawn.iter().copied(), 0.0, color.mix(0.15)))?;
        }
        ctx.draw_series(LineSeries::new(
            drawn.iter().copied(),
            color.stroke_width(width),
        ))?;
    }
    if let Some(context) = clip {
        context.restore();
    }
    root.present()?;
    Ok(())
}

/// Clips the canvas's drawing to the rectangle `x` × `y` (device pixels) until the returned
/// context is restored; `None` if the canvas gave no 2D context (then nothing is clipped).
fn clip_to(
    canvas: &HtmlCanvasElement,
    x: &std::ops::Range<i32>,
    y: &std::ops::Range<i32>,
) -> Option<web_sys::CanvasRenderingContext2d> {
    use wasm_bindgen::JsCast;
    let context: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").ok().flatten()?.dyn_into().ok()?;
    context.save();
    context.begin_path();
    context.rect(
        f64::from(x.start),
        f64::from(y.start),
        f64::from(x.end - x.start),
        f64::from(y.end - y.start),
    );
    context.clip();
    Some(context)
}
