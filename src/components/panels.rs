//! Chart panels: a chosen metric (revenue to begin with) over time and the top groups.

use leptos::prelude::*;
use tradelens_core::demo::DemoMode;
use tradelens_core::engine::{Engine, GroupBy, Metric};
use tradelens_core::export::{bars_csv, series_csv};
use tradelens_core::format::{clock, compact, grouped};
use tradelens_core::model::Field;

use super::chart_interact::LineInteraction;
use super::chart_metric::{axis_label, error_note, metric_label, metric_select};
use super::chart_panel::{chart_panel_with, PanelOptions};
use super::controls::groups_plural;
use crate::charts::{draw_bars, draw_lines_in, Bar, LineChart, Series};
use crate::live::Live;

/// At most this many buckets are drawn (one day of minutes).
const MAX_BUCKETS: i64 = 1_440;
/// Lines drawn when grouping.
const MAX_LINES: usize = 5;

/// Points of a series drawn into the canvas's `data-values` (tests and tools read them).
const EXPOSED_POINTS: usize = 120;

fn metric_series(e: &Engine, metric: Metric, y_label: String) -> LineChart {
    let spec = e.spec();
    let width = spec.bucket.millis();
    let from = e
        .buckets()
        .next_back()
        .map_or(0, |(last, _)| last - (MAX_BUCKETS - 1) * width);
    let series = if !spec.group_by.is_grouping() {
        vec![Series {
            name: "Total".to_owned(),
            points: e
                .buckets_from(from)
                .filter_map(|(k, b)| metric.of(&b.total).map(|v| (k, v)))
                .collect(),
        }]
    } else {
        e.top_groups(MAX_LINES)
            .into_iter()
            .map(|(key, _)| Series {
                name: e.group_name(key, "(none)"),
                points: e
                    .buckets_from(from)
                    .filter_map(|(k, b)| match b.group(key) {
                        Some(a) => metric.of(a).map(|v| (k, v)),
                        None if metric.is_additive() => Some((k, 0.0)),
                        None => None,
                    })
                    .collect(),
            })
            .collect()
    };
    LineChart {
        series,
        bucket_ms: width,
        area: true,
        zone: e.zone().clone(),
        y_label,
    }
}

fn describe_revenue(chart: &LineChart, what: &str) -> String {
    let Some(total) = chart.series.first() else {
        return format!("{what}: no data yet");
    };
    let Some(&(last_t, last_v)) = total.points.last() else {
        return format!("{what}: no data yet");
    };
    let (peak_t, peak_v) =
        total
            .points
            .iter()
            .copied()
            .fold((last_t, last_v), |a, p| if p.1 > a.1 { p } else { a });
    let zone = &chart.zone;
    format!(
        "{what} over {} buckets; {} latest {} at {}, peak {} at {} ({})",
        total.points.len(),
        total.name,
        grouped(last_v, 2),
        clock(zone.to_local(last_t), false),
        grouped(peak_v, 2),
        clock(zone.to_local(peak_t), false),
        zone.name()
    )
}

/// `(bucket start, value)` pairs of the first series' last points, `t=v` comma-separated,
/// values printed exactly (Rust's shortest round-trip form).
fn exposed_values(chart: &LineChart) -> String {
    chart.series.first().map_or(String::new(), |s| {
        let skip = s.points.len().saturating_sub(EXPOSED_POINTS);
        s.points[skip..]
            .iter()
            .map(|(t, v)| format!("{t}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    })
}

/// A chosen metric per bucket as a line chart (revenue, or notional, to begin with); one line
/// per top group when grouping. The title states an estimated metric's error bound; the
/// dashboard keeps the engine's sketches in step with the metrics its panels show.
#[component]
pub fn RevenuePanel(
    /// The metric drawn.
    #[prop(into)]
    metric: Signal<Metric>,
    /// Called with the metric the visitor picks.
    on_metric: Callback<Metric>,
) -> impl IntoView {
    let live = expect_context::<Live>();
    let chart = Memo::new(move |_| {
        let m = metric.get();
        let y_label = axis_label(m, live.mode.get());
        live.with_engine(|e| metric_series(e, m, y_label))
    });
    let title = Signal::derive(move || {
        let spec = live.spec.get();
        let m = metric.get();
        let what = metric_label(m, live.mode.get());
        let note = error_note(m).map_or(String::new(), |n| format!(" ({n})"));
        if spec.group_by.is_grouping() {
            format!(
                "{what} per {} by {}{note}",
                spec.bucket,
                groups_plural(spec.group_by, live.mode.get())
            )
        } else {
            format!("{what} per {}{note}", spec.bucket)
        }
    });
    let summary = Signal::derive(move || describe_revenue(&chart.get(), &title.get()));
    let legend = Signal::derive(move || {
        let c = chart.get();
        if c.series.len() > 1 {
            c.series.into_iter().map(|s| s.name).collect()
        } else {
            Vec::new()
        }
    });
    let picker = metric_select("Metric ", "chart-metric", "chart-metric", metric, on_metric);
    let interaction = LineInteraction::new(chart.into(), live.brush);
    let csv = move || {
        chart.with_untracked(|c| {
            let series: Vec<(&str, &[(i64, f64)])> = c
                .series
                .iter()
                .map(|s| (s.name.as_str(), &s.points[..]))
                .collect();
            series_csv(&series)
        })
    };
    let chart = chart_panel_with(
        title,
        "chart-revenue",
        summary,
        legend,
        move |canvas, palette| {
            let view = interaction.view();
            let marks = live.alert_marks.get();
            chart.with(|c| {
                let _ = canvas.set_attribute("data-bucket", &c.bucket_ms.to_string());
                let _ = canvas.set_attribute("data-metric", metric.get_untracked().name());
                let _ = canvas.set_attribute("data-values", &exposed_values(c));
                draw_lines_in(canvas, c, view, palette)
                    .and_then(|()| crate::charts::draw_marks(canvas, c, view, &marks))
            })
        },
        PanelOptions::default().csv(csv).interaction(interaction),
    );
    view! { <div class="metric-chart">{picker}{chart}</div> }
}

/// The groups (products, when not grouping) with the highest revenue, as bars.
#[component]
pub fn TopPanel(
    /// How many bars.
    #[prop(into)]
    top_n: Signal<u8>,
) -> impl IntoView {
    let live = expect_context::<Live>();
    let bars = Memo::new(move |_| {
        let n = usize::from(top_n.get());
        let brush = live.brush.get();
        live.with_engine(|e| match brush {
            Some((from, to)) => e
                .top_groups_between(from, to, n)
                .into_iter()
                .map(|(key, agg)| Bar {
                    name: e.group_name(key, "(none)"),
                    value: agg.notional(),
                })
                .collect::<Vec<_>>(),
            None => e
                .top_groups(n)
                .into_iter()
                .map(|(key, agg)| Bar {
                    name: e.group_name(key, "(none)"),
                    value: agg.notional(),
                })
                .collect::<Vec<_>>(),
        })
    });
    let title = Signal::derive(move || {
        let group_by = live.spec.get().group_by;
        let group_by = if group_by.is_grouping() {
            group_by
        } else {
            GroupBy::one(Field::Symbol)
        };
        let name = groups_plural(group_by, live.mode.get());
        format!(
            "Top {} {name} by {}{}",
            top_n.get(),
            if live.mode.get() == DemoMode::Orders {
                "revenue"
            } else {
                "notional"
            },
            selection_note(live)
        )
    });
    let summary = Signal::derive(move || {
        let list: Vec<String> = bars
            .get()
            .iter()
            .map(|b| format!("{} {}", b.name, compact(b.value)))
            .collect();
        format!(
            "{}: {}",
            title.get(),
            if list.is_empty() {
                "no data yet".to_owned()
            } else {
                list.join(", ")
            }
        )
    });
    let csv = move || {
        let column = if live.mode.get_untracked() == DemoMode::Orders {
            "revenue"
        } else {
            "notional"
        };
        bars.with_untracked(|b| {
            let rows: Vec<(&str, f64)> = b.iter().map(|b| (b.name.as_str(), b.value)).collect();
            bars_csv(column, &rows)
        })
    };
    chart_panel_with(
        title,
        "chart-top",
        summary,
        Signal::stored(Vec::new()),
        move |canvas, palette| draw_bars(canvas, &bars.get(), palette),
        PanelOptions::default().csv(csv),
    )
}

/// " (selection 10:00–11:00)" while a time range is brushed, in the dashboard's zone; else
/// empty. Panels filtered by the selection put it in their title.
pub fn selection_note(live: Live) -> String {
    let Some((from, to)) = live.brush.get() else {
        return String::new();
    };
    let zone = live.with_engine_untracked(|e| e.zone().clone());
    let seconds = to - from < 600_000;
    format!(
        " (selection {}–{})",
        clock(zone.to_local(from), seconds),
        clock(zone.to_local(to), seconds)
    )
}
