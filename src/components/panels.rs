//! Chart panels: revenue over time and the top groups.

use leptos::prelude::*;
use tradelens_core::demo::DemoMode;
use tradelens_core::engine::{Engine, GroupBy};
use tradelens_core::format::{clock, compact, grouped};
use tradelens_core::model::Field;

use super::chart_panel::chart_panel;
use super::controls::groups_plural;
use crate::charts::{draw_bars, draw_lines, Bar, LineChart, Series};
use crate::live::Live;

/// At most this many buckets are drawn (one day of minutes).
const MAX_BUCKETS: i64 = 1_440;
/// Lines drawn when grouping.
const MAX_LINES: usize = 5;
/// Bars drawn.
const MAX_BARS: usize = 8;

fn revenue_series(e: &Engine) -> LineChart {
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
                .map(|(k, b)| (k, b.total.notional()))
                .collect(),
        }]
    } else {
        e.top_groups(MAX_LINES)
            .into_iter()
            .map(|(key, _)| Series {
                name: e.group_name(key, "(none)"),
                points: e
                    .buckets_from(from)
                    .map(|(k, b)| (k, b.group(key).map_or(0.0, |a| a.notional())))
                    .collect(),
            })
            .collect()
    };
    LineChart {
        series,
        bucket_ms: width,
        area: true,
        zone: e.zone().clone(),
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

/// Revenue (or notional) per bucket as a line chart; one line per top group when grouping.
#[component]
pub fn RevenuePanel() -> impl IntoView {
    let live = expect_context::<Live>();
    let chart = Memo::new(move |_| live.with_engine(revenue_series));
    let title = Signal::derive(move || {
        let spec = live.spec.get();
        let what = if live.mode.get() == DemoMode::Orders {
            "Revenue"
        } else {
            "Notional"
        };
        if spec.group_by.is_grouping() {
            format!(
                "{what} per {} by {}",
                spec.bucket,
                groups_plural(spec.group_by, live.mode.get())
            )
        } else {
            format!("{what} per {}", spec.bucket)
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
    chart_panel(
        title,
        "chart-revenue",
        summary,
        legend,
        move |canvas, palette| {
            let c = chart.get();
            let _ = canvas.set_attribute("data-bucket", &c.bucket_ms.to_string());
            draw_lines(canvas, &c, palette)
        },
    )
}

/// The groups (products, when not grouping) with the highest revenue, as bars.
#[component]
pub fn TopPanel() -> impl IntoView {
    let live = expect_context::<Live>();
    let bars = Memo::new(move |_| {
        live.with_engine(|e| {
            e.top_groups(MAX_BARS)
                .into_iter()
                .map(|(key, agg)| Bar {
                    name: e.group_name(key, "(none)"),
                    value: agg.notional(),
                })
                .collect::<Vec<_>>()
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
            "Top {name} by {}",
            if live.mode.get() == DemoMode::Orders {
                "revenue"
            } else {
                "notional"
            }
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
    chart_panel(
        title,
        "chart-top",
        summary,
        Signal::stored(Vec::new()),
        move |canvas, palette| draw_bars(canvas, &bars.get(), palette),
    )
}
