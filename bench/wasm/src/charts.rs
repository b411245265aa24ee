//! The app's line chart redrawn on a real canvas: a panel of `n` points (one second apart, a
//! random walk), drawn by the same [`draw_lines`] the dashboard uses, decimation included.
//! `bench/web/charts.mjs` times a million points against a thousand in the same page.

use std::sync::Arc;

use tradelens::charts::{draw_lines, LineChart, Series};
use tradelens::theme::Palette;
use tradelens_core::zone::Zone;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// A line panel of synthetic points bound to a canvas.
#[wasm_bindgen]
pub struct LinePanelBench {
    canvas: HtmlCanvasElement,
    chart: LineChart,
    palette: Palette,
}

#[wasm_bindgen]
impl LinePanelBench {
    /// `points` points one second apart on `canvas` (which must be laid out).
    #[wasm_bindgen(constructor)]
    pub fn new(canvas: HtmlCanvasElement, points: usize) -> LinePanelBench {
        let t0 = 1_764_000_000_000i64;
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut v = 1_000.0f64;
        let series = (0..points)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                v = (v + (x % 2001) as f64 / 100.0 - 10.0).max(0.0);
                (t0 + i as i64 * 1_000, v)
            })
            .collect();
        LinePanelBench {
            canvas,
            chart: LineChart {
                series: vec![Series {
                    name: "Total".to_owned(),
                    points: series,
                }],
                bucket_ms: 1_000,
                area: true,
                zone: Arc::new(Zone::utc()),
                y_label: "Revenue (USD)".to_owned(),
            },
            palette: Palette::default(),
        }
    }

    /// Decimates the series to `columns` columns over its whole span, without drawing:
    /// the share of a redraw that depends on the number of points. Returns the points kept.
    pub fn decimate_only(&self, columns: usize) -> Result<usize, JsError> {
        let points = &self.chart.series[0].points;
        let (Some(first), Some(last)) = (points.first(), points.last()) else {
            return Ok(0);
        };
        let mut out = Vec::with_capacity(4 * columns + 2);
        tradelens_core::plot::decimate(points, first.0, last.0, columns, &mut out)
            .map_err(|e| JsError::new(&e.to_string()))?;
        Ok(out.len())
    }

    /// Redraws the whole panel once (axes, area and line).
    pub fn redraw(&self) -> Result<(), JsError> {
        draw_lines(&self.canvas, &self.chart, &self.palette)
            .map_err(|e| JsError::new(&e.to_string()))
    }
}
