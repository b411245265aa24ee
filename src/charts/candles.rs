//! Candlesticks over time with volume bars below: two plot areas on one canvas sharing the
//! time axis.

use std::sync::Arc;

use plotters::prelude::*;
use tradelens_core::format::compact;
use tradelens_core::views::candles::Candle;
use tradelens_core::zone::Zone;
use web_sys::HtmlCanvasElement;

use super::{font, local_time_label, local_time_ticks, mark_plot_area, prepare, ChartError};
use crate::theme::Palette;

/// What a candle chart shows.
#[derive(Clone, Debug, PartialEq)]
pub struct CandleChart {
    /// Candles in time order.
    pub candles: Vec<Candle>,
    /// Bucket width in ms: each candle's slot.
    pub bucket_ms: i64,
    /// Times are labelled in this zone's local time.
    pub zone: Arc<Zone>,
}

/// Share of the height given to prices; volume gets the rest.
const PRICE_SHARE: f64 = 0.72;

/// Draws `chart` on `canvas`: rising candles in the third series colour, falling ones in the
/// second; volume bars in the first.
pub fn draw_candles(
    canvas: &HtmlCanvasElement,
    chart: &CandleChart,
    palette: &Palette,
) -> Result<(), ChartError> {
    let (root, dpr) = prepare(canvas, palette)?;
    let (Some(first), Some(last)) = (chart.candles.first(), chart.candles.last()) else {
        return Ok(());
    };
    let w = chart.bucket_ms.max(1);
    let (x0, x1) = (first.start_ms, last.start_ms + w);
    let (lo, hi) = chart
        .candles
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), c| {
            (lo.min(c.low), hi.max(c.high))
        });
    let pad = if hi > lo {
        (hi - lo) * 0.05
    } else {
        hi.abs().max(1.0) * 0.01
    };
    let vmax = chart.candles.iter().map(|c| c.volume).fold(0.0, f64::max);
    let vmax = if vmax > 0.0 { vmax * 1.1 } else { 1.0 };
    let zone = &chart.zone;
    let span = x1 - x0;
    let time_label = |x: &i64| local_time_label(zone, *x, w, span);
    let fg = palette.foreground;
    let height = f64::from(root.dim_in_pixel().1);
    let (top, bottom) = root.split_vertically((height * PRICE_SHARE) as u32);
    let margin = (10.0 * dpr) as i32;
    let y_labels = (56.0 * dpr) as i32;

    let ticks = local_time_ticks(zone, x0, x1);
    // Both areas take the same key points: the grid lines line up, and plotters' own search
    // for integer key points never ends when asked for none.
    let mut prices = ChartBuilder::on(&top)
        .margin(margin)
        .y_label_area_size(y_labels)
        .build_cartesian_2d(
            (x0..x1).with_key_points(ticks.clone()),
            (lo - pad)..(hi + pad),
        )?;
    prices
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(palette.grid.stroke_width(1))
        .axis_style(fg.stroke_width(dpr as u32))
        .x_labels(7)
        .x_label_formatter(&|_| String::new())
        .y_labels(5)
        .y_label_formatter(&|y| compact(*y))
        .label_style(font(11.0, dpr, &fg))
        .draw()?;
    let (px, py) = prices.plotting_area().get_pixel_range();
    mark_plot_area(canvas, px, py);
    let (up, down) = (
        palette.series[2 % palette.series.len()],
        palette.series[1 % palette.series.len()],
    );
    let body = w * 7 / 10;
    for c in &chart.candles {
        let color = if c.close >= c.open { up } else { down };
        let mid = c.start_ms + w / 2;
        prices.draw_series(std::iter::once(PathElement::new(
            vec![(mid, c.low), (mid, c.high)],
            color.stroke_width(dpr.round() as u32),
        )))?;
        // A flat candle still shows as a thin bar.
        let (a, b) = (c.open.min(c.close), c.open.max(c.close));
        let b = if b > a { b } else { a + pad * 0.02 };
        prices.draw_series(std::iter::once(Rectangle::new(
            [(mid - body / 2, a), (mid + body / 2, b)],
            color.filled(),
        )))?;
    }

    let mut volume = ChartBuilder::on(&bottom)
        .margin(margin)
        .margin_top(0)
        .x_label_area_size((24.0 * dpr) as i32)
        .y_label_area_size(y_labels)
        .build_cartesian_2d((x0..x1).with_key_points(ticks), 0.0..vmax)?;
    volume
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(palette.grid.stroke_width(1))
        .axis_style(fg.stroke_width(dpr as u32))
        .x_labels(7)
        .y_labels(3)
        .x_label_formatter(&time_label)
        .y_label_formatter(&|y| compact(*y))
        .label_style(font(11.0, dpr, &fg))
        .draw()?;
    let bar = palette.series[0];
    volume.draw_series(chart.candles.iter().map(|c| {
        let mid = c.start_ms + w / 2;
        Rectangle::new(
            [(mid - body / 2, 0.0), (mid + body / 2, c.volume)],
            bar.mix(0.6).filled(),
        )
    }))?;
    root.present()?;
    Ok(())
}
