//! Two metrics per bucket against each other, with the least-squares line.

use leptos::prelude::*;
use tradelens_core::engine::Metric;
use tradelens_core::format::grouped;
use tradelens_core::stats::ols::OlsError;
use tradelens_core::views::scatter::{scatter, Scatter};

use super::super::chart_metric::metric_label;
use super::super::chart_panel::chart_panel;
use crate::charts::draw_scatter;
use crate::live::Live;

/// At most this many buckets (the newest) are plotted and fitted.
const MAX_POINTS: usize = 1_440;

/// A number for a title: four significant digits, without exponent for everyday sizes.
fn short(x: f64) -> String {
    if x != 0.0 && (x.abs() >= 1e6 || x.abs() < 1e-3) {
        format!("{x:.3e}")
    } else {
        let decimals = (3 - x.abs().log10().floor() as i32).clamp(0, 6) as usize;
        grouped(x, decimals)
    }
}

/// Why no line was fitted, in a few words for the title (the summary has the full error).
fn why_no_line(e: &OlsError) -> String {
    match e {
        OlsError::TooFewObservations { .. } => "too few buckets yet".to_owned(),
        OlsError::RankDeficient { .. } => "x does not vary".to_owned(),
        e => e.to_string(),
    }
}

/// One point per bucket (x metric, y metric of the bucket's trades) and the fitted line
/// y = a + b x, with slope, intercept and R² in the title.
#[component]
pub fn ScatterPanel(
    /// The metric along x.
    #[prop(into)]
    x: Signal<Metric>,
    /// The metric along y.
    #[prop(into)]
    y: Signal<Metric>,
) -> impl IntoView {
    let live = expect_context::<Live>();
    let data = Memo::new(move |_| {
        let (x, y) = (x.get(), y.get());
        live.with_engine(|e| scatter(e, x, y, MAX_POINTS))
    });
    let names = move || {
        let mode = live.mode.get();
        (metric_label(x.get(), mode), metric_label(y.get(), mode))
    };
    let title = Signal::derive(move || {
        let (xn, yn) = names();
        let spec = live.spec.get();
        let fit = data.with(|s: &Scatter| match &s.fit {
            Ok(f) => format!(
                ": slope {}, intercept {}, R² {}",
                short(f.slope),
                short(f.intercept),
                f.r_squared
                    .map_or("undefined".to_owned(), |r| format!("{r:.3}"))
            ),
            Err(e) => format!(" (no line: {})", why_no_line(e)),
        });
        format!("{yn} against {xn} per {}{fit}", spec.bucket)
    });
    let summary = Signal::derive(move || {
        data.with(|s| {
            let fit = match &s.fit {
                Ok(f) => format!(
                    "fitted line y = {} + {} x, R² {}",
                    short(f.intercept),
                    short(f.slope),
                    f.r_squared
                        .map_or("undefined".to_owned(), |r| format!("{r:.3}"))
                ),
                Err(e) => format!("no line fitted: {e}"),
            };
            format!("{} over {} buckets; {fit}", title.get(), s.points.len())
        })
    });
    let legend = Signal::derive(|| vec!["Buckets".to_owned(), "Least-squares line".to_owned()]);
    chart_panel(
        title,
        "chart-scatter",
        summary,
        legend,
        move |canvas, palette| {
            let s = data.get();
            let (slope, intercept, r2) = match &s.fit {
                Ok(f) => (
                    f.slope.to_string(),
                    f.intercept.to_string(),
                    f.r_squared.map(|r| r.to_string()).unwrap_or_default(),
                ),
                Err(_) => Default::default(),
            };
            let _ = canvas.set_attribute("data-slope", &slope);
            let _ = canvas.set_attribute("data-intercept", &intercept);
            let _ = canvas.set_attribute("data-r2", &r2);
            let _ = canvas.set_attribute("data-points", &s.points.len().to_string());
            draw_scatter(canvas, &s, palette)
        },
    )
}
