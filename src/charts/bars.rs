//! Horizontal bar chart: a ranked list of named values.

use plotters::prelude::*;
use tradelens_core::format::compact;
use web_sys::HtmlCanvasElement;

use super::{font, mark_plot_area, prepare, ChartError};
use crate::theme::Palette;

/// One bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// Label shown beside the bar.
    pub name: String,
    /// Length of the bar.
    pub value: f64,
}

/// Longest label kept whole; longer ones are cut with an ellipsis so bars keep their room.
const LABEL_CHARS: usize = 18;

fn short(name: &str) -> String {
    if name.chars().count() <= LABEL_CHARS {
        name.to_owned()
    } else {
        let mut s: String = name.chars().take(LABEL_CHARS - 1).collect();
        s.push('…');
        s
    }
}

/// Draws `bars` top to bottom in the given order.
pub fn draw_bars(
    canvas: &HtmlCanvasElement,
    bars: &[Bar],
    palette: &Palette,
) -> Result<(), ChartError> {
    let (root, dpr) = prepare(canvas, palette)?;
    if bars.is_empty() {
        return Ok(());
    }
    let n = bars.len() as i32;
    // A segmented range a..b has b - a + 1 segments: 0..n-1 gives one per bar (one spare row
    // remains when there is a single bar).
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let x1 = if max > 0.0 { max * 1.08 } else { 1.0 };
    let fg = palette.foreground;
    let mut ctx = ChartBuilder::on(&root)
        .margin((10.0 * dpr) as i32)
        .x_label_area_size((24.0 * dpr) as i32)
        .y_label_area_size((130.0 * dpr) as i32)
        .build_cartesian_2d(0.0..x1, (0..(n - 1).max(1)).into_segmented())?;
    let label = |v: &SegmentValue<i32>| match v {
        // Row 0 is drawn at the bottom; the first bar belongs at the top.
        SegmentValue::CenterOf(i) => bars
            .get((n - 1 - i) as usize)
            .map(|b| short(&b.name))
            .unwrap_or_default(),
        _ => String::new(),
    };
    ctx.configure_mesh()
        .disable_y_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(palette.grid.stroke_width(1))
        .axis_style(fg.stroke_width(dpr as u32))
        .x_labels(5)
        .y_labels(bars.len())
        .x_label_formatter(&|x| compact(*x))
        .y_label_formatter(&label)
        .label_style(font(11.0, dpr, &fg))
        .draw()?;
    let (px, py) = ctx.plotting_area().get_pixel_range();
    mark_plot_area(canvas, px, py);
    let color = palette.series[0];
    ctx.draw_series(bars.iter().enumerate().map(|(i, b)| {
        let row = n - 1 - i as i32;
        let mut r = Rectangle::new(
            [
                (0.0, SegmentValue::Exact(row)),
                (b.value.max(0.0), SegmentValue::Exact(row + 1)),
            ],
            color.filled(),
        );
        r.set_margin((3.0 * dpr) as u32, (3.0 * dpr) as u32, 0, 0);
        r
    }))?;
    root.present()?;
    Ok(())
}
