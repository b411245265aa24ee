//! An hour-of-day by weekday heatmap with a colour scale of its range.

use plotters::prelude::*;
use tradelens_core::format::compact;
use tradelens_core::views::heatmap::{Heatmap, HOURS, WEEKDAYS, WEEKDAY_NAMES};
use web_sys::HtmlCanvasElement;

use super::{font, mark_plot_area, prepare, ChartError};
use crate::theme::Palette;

/// Steps drawn in the colour scale.
const SCALE_STEPS: i32 = 32;

/// The colour of share `s` (0..=1) of the range: from a pale tint of the first series colour
/// to the colour itself.
fn shade(palette: &Palette, s: f64) -> RGBColor {
    let (bg, c) = (palette.background, palette.series[0]);
    let s = 0.12 + 0.88 * s.clamp(0.0, 1.0);
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * s).round() as u8;
    RGBColor(mix(bg.0, c.0), mix(bg.1, c.1), mix(bg.2, c.2))
}

/// Draws `map`: Monday on top, hours left to right, empty cells left blank; the scale on the
/// right runs from the lowest value (bottom) to the highest (top).
pub fn draw_heatmap(
    canvas: &HtmlCanvasElement,
    map: &Heatmap,
    palette: &Palette,
) -> Result<(), ChartError> {
    let (root, dpr) = prepare(canvas, palette)?;
    let Some((lo, hi)) = map.range() else {
        return Ok(());
    };
    let fg = palette.foreground;
    let width = root.dim_in_pixel().0;
    let (grid, scale) = root.split_horizontally(width.saturating_sub((80.0 * dpr) as u32));
    // Hour h spans [h, h + 1); weekday d (Monday on top) the rows [2 (6 - d), 2 (7 - d)),
    // two units high so that its middle, where its label goes, is a whole number (plotters
    // formats key points of whole-number axes only). Hours are labelled at their start.
    let hour_ticks: Vec<i32> = (0..HOURS as i32).step_by(3).collect();
    let day_ticks: Vec<i32> = (0..WEEKDAYS as i32).map(|r| 2 * r + 1).collect();
    let mut ctx = ChartBuilder::on(&grid)
        .margin((10.0 * dpr) as i32)
        .x_label_area_size((24.0 * dpr) as i32)
        .y_label_area_size((40.0 * dpr) as i32)
        .build_cartesian_2d(
            (0..HOURS as i32).with_key_points(hour_ticks),
            (0..2 * WEEKDAYS as i32).with_key_points(day_ticks),
        )?;
    let row_of = |day: usize| 2 * (WEEKDAYS - 1 - day) as i32;
    ctx.configure_mesh()
        .disable_mesh()
        .axis_style(fg.stroke_width(dpr as u32))
        .x_labels(HOURS)
        .y_labels(WEEKDAYS)
        .x_label_formatter(&|h| format!("{h:02}"))
        .y_label_formatter(&|r| {
            let day = WEEKDAYS as i32 - 1 - r.div_euclid(2);
            usize::try_from(day)
                .ok()
                .and_then(|d| WEEKDAY_NAMES.get(d))
                .map_or(String::new(), |n| (*n).to_owned())
        })
        .label_style(font(11.0, dpr, &fg))
        .draw()?;
    let (px, py) = ctx.plotting_area().get_pixel_range();
    mark_plot_area(canvas, px, py);
    let share = |v: f64| if hi > lo { (v - lo) / (hi - lo) } else { 1.0 };
    ctx.draw_series(map.cells.iter().enumerate().flat_map(|(day, hours)| {
        hours.iter().enumerate().filter_map(move |(hour, v)| {
            let v = (*v)?;
            let (x, y) = (hour as i32, row_of(day));
            let mut r = Rectangle::new([(x, y), (x + 1, y + 2)], shade(palette, share(v)).filled());
            r.set_margin(1, 1, 1, 1);
            Some(r)
        })
    }))?;

    // The colour scale: a bar from lo (bottom) to hi (top), labelled at both ends.
    let mut bar = ChartBuilder::on(&scale)
        .margin((10.0 * dpr) as i32)
        .margin_top((24.0 * dpr) as i32)
        .margin_right((36.0 * dpr) as i32)
        .margin_bottom((34.0 * dpr) as i32)
        .build_cartesian_2d(0..1, 0..SCALE_STEPS)?;
    bar.draw_series((0..SCALE_STEPS).map(|i| {
        let s = (f64::from(i) + 0.5) / f64::from(SCALE_STEPS);
        Rectangle::new([(0, i), (1, i + 1)], shade(palette, s).filled())
    }))?;
    let text = font(11.0, dpr, &fg);
    let (bx, by) = bar.plotting_area().get_pixel_range();
    let x = bx.start;
    let label = |s: String, y: i32| Text::new(s, (x, y), text.clone());
    root.draw(&label(compact(hi), by.start - (16.0 * dpr) as i32))?;
    root.draw(&label(compact(lo), by.end + (2.0 * dpr) as i32))?;
    root.present()?;
    Ok(())
}
