//! A metric by hour of day and weekday, in the dashboard's time zone.

use leptos::prelude::*;
use tradelens_core::engine::Metric;
use tradelens_core::format::grouped;
use tradelens_core::views::heatmap::{heatmap, Heatmap, HOURS, WEEKDAY_NAMES};

use super::super::chart_metric::metric_label;
use super::super::chart_panel::chart_panel;
use crate::charts::draw_heatmap;
use crate::live::Live;

/// `day:hour=value` per non-empty cell (Monday = 0), comma-separated, values exact.
fn exposed(h: &Heatmap) -> String {
    let mut out = Vec::new();
    for (d, hours) in h.cells.iter().enumerate() {
        for (hour, v) in hours.iter().enumerate() {
            if let Some(v) = v {
                out.push(format!("{d}:{hour}={v}"));
            }
        }
    }
    out.join(",")
}

/// A cell value for people: whole numbers (counts) without decimals.
fn plain(v: f64) -> String {
    grouped(v, if v.fract() == 0.0 { 0 } else { 2 })
}

/// The busiest cell, as "Tue 14:00".
fn peak(h: &Heatmap) -> Option<(String, f64)> {
    let mut best: Option<(usize, f64)> = None;
    for (i, v) in h.cells.iter().flatten().enumerate() {
        if let Some(v) = *v {
            if best.is_none_or(|(_, b)| v > b) {
                best = Some((i, v));
            }
        }
    }
    best.map(|(i, v)| {
        (
            format!("{} {:02}:00", WEEKDAY_NAMES[i / HOURS], i % HOURS),
            v,
        )
    })
}

/// The metric over the trades of each (weekday, hour) of local time: sums add up, other
/// metrics are computed over the cell's trades. A colour scale shows the range.
#[component]
pub fn HeatmapPanel(
    /// What each cell shows.
    #[prop(into)]
    metric: Signal<Metric>,
) -> impl IntoView {
    let live = expect_context::<Live>();
    let map = Memo::new(move |_| {
        let m = metric.get();
        live.with_engine(|e| (heatmap(e, m), e.zone().name().to_owned()))
    });
    let title = Signal::derive(move || {
        let what = metric_label(metric.get(), live.mode.get());
        format!(
            "{what} by hour and weekday ({})",
            map.with(|(_, zone)| zone.clone())
        )
    });
    let summary = Signal::derive(move || {
        map.with(|(h, _)| match (h.range(), peak(h)) {
            (Some((lo, hi)), Some((at, _))) => format!(
                "{}: values from {} to {}, highest on {at}",
                title.get(),
                plain(lo),
                plain(hi)
            ),
            _ => format!("{}: no data yet", title.get()),
        })
    });
    chart_panel(
        title,
        "chart-heatmap",
        summary,
        Signal::stored(Vec::new()),
        move |canvas, palette| {
            let (h, _) = map.get();
            let range = h
                .range()
                .map_or(String::new(), |(lo, hi)| format!("{lo},{hi}"));
            let _ = canvas.set_attribute("data-values", &exposed(&h));
            let _ = canvas.set_attribute("data-range", &range);
            let _ = canvas.set_attribute("data-metric", metric.get_untracked().name());
            draw_heatmap(canvas, &h, palette)
        },
    )
}
