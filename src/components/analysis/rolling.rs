//! The rolling trend panel: slope per bucket of one metric over the last N closed buckets,
//! refitted when a bucket closes or a late trade changes one in the window (see
//! `tradelens_core::engine::trend`), with the slope over time.

use leptos::prelude::*;
use tradelens_core::engine::trend::{RollingTrend, TrendPoint};
use tradelens_core::engine::Metric;
use tradelens_core::format::grouped;

use super::super::chart_panel::chart_panel;
use crate::charts::{draw_band_chart, BandChart, XAxis};
use crate::live::Live;

/// Window lengths offered, in buckets.
pub const WINDOWS: [usize; 3] = [12, 24, 48];
/// The window the panel opens with.
pub const DEFAULT_WINDOW: usize = 24;

/// Metrics the trend can follow, with their names for people.
pub const TREND_METRICS: [(Metric, &str); 5] = [
    (Metric::Notional, "Revenue / notional"),
    (Metric::Count, "Count"),
    (Metric::Volume, "Volume"),
    (Metric::Vwap, "VWAP"),
    (Metric::AverageValue, "Mean order value"),
];

fn label_of(metric: Metric) -> &'static str {
    TREND_METRICS
        .iter()
        .find(|(m, _)| *m == metric)
        .map_or("metric", |(_, l)| l)
}

fn num(x: f64) -> String {
    if x.abs() >= 1e4 {
        grouped(x, 0)
    } else {
        format!("{x:.4}")
    }
}

fn chart_of(history: &[TrendPoint], live: Live) -> BandChart {
    BandChart {
        points: history
            .iter()
            .map(|p| (p.bucket_ms as f64, p.slope))
            .collect(),
        connect: true,
        line: Vec::new(),
        inner: history
            .iter()
            .map(|p| {
                (
                    p.bucket_ms as f64,
                    p.slope - p.std_error,
                    p.slope + p.std_error,
                )
            })
            .collect(),
        outer: Vec::new(),
        marks: Vec::new(),
        zero_line: true,
        x_axis: XAxis::Time(live.with_engine_untracked(|e| e.zone().clone())),
    }
}

/// A rolling straight-line trend of a chosen metric; needs a [`Live`] in context. The slope
/// cell carries the raw numbers and the refit count in data attributes for tests and tools.
#[component]
pub fn RollingTrendPanel() -> impl IntoView {
    let live = expect_context::<Live>();
    let metric = RwSignal::new(Metric::Notional);
    let window = RwSignal::new(DEFAULT_WINDOW);
    let trend = StoredValue::new(RollingTrend::new());
    // Bumped when the trend changed: on a bucket closing or a change of view, not per tick.
    let changed = RwSignal::new(0u64);
    Effect::new(move |_| {
        let (m, w) = (metric.get(), window.get());
        let moved = live.with_engine(|e| {
            trend
                .try_update_value(|t| t.update(e, m, w))
                .unwrap_or(false)
        });
        if moved {
            changed.update(|n| *n += 1);
        }
    });
    let read = move |f: &dyn Fn(&RollingTrend) -> String| {
        changed.track();
        trend.with_value(|t| f(t))
    };
    let latest = move || {
        changed.track();
        trend.with_value(|t| t.latest().cloned())
    };
    let title = Signal::derive(move || {
        format!(
            "Slope of {} per {} over the last {} closed buckets",
            label_of(metric.get()),
            live.spec.get().bucket,
            window.get()
        )
    });
    let summary = Signal::derive(move || {
        read(&|t| match t.latest() {
            Some(p) => format!(
                "Line of the rolling slope over {} fits; latest {} ± {} per bucket",
                t.history().len(),
                num(p.slope),
                num(p.std_error)
            ),
            None => "Rolling slope: no fit yet".to_owned(),
        })
    });
    view! {
        <section class="panel rolling-trend" aria-label="Rolling trend">
            <h2>"Rolling trend"</h2>
            <div class="analysis-controls">
                <label>
                    "Metric "
                    <select
                        data-testid="trend-metric"
                        prop:value=move || metric.get().name()
                        on:change=move |ev| {
                            if let Some(m) = Metric::from_name(&event_target_value(&ev)) {
                                metric.set(m);
                            }
                        }
                    >
                        {TREND_METRICS
                            .iter()
                            .map(|(m, l)| view! { <option value=m.name()>{*l}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    "Window (buckets) "
                    <select
                        data-testid="trend-window"
                        prop:value=move || window.get().to_string()
                        on:change=move |ev| {
                            if let Ok(w) = event_target_value(&ev).parse::<usize>() {
                                if WINDOWS.contains(&w) {
                                    window.set(w);
                                }
                            }
                        }
                    >
                        {WINDOWS
                            .iter()
                            .map(|w| view! { <option value=w.to_string()>{*w}</option> })
                            .collect_view()}
                    </select>
                </label>
            </div>
            <p class="note">
                "Least-squares line through the last closed buckets (the bucket still filling is left out), refitted each time a bucket closes or a late trade changes one in the window."
            </p>
            <table
                data-testid="trend-table"
                data-refits=move || read(&|t| t.refits().to_string())
                data-open-bucket=move || read(&|t| t.open_bucket().map_or(String::new(), |b| b.to_string()))
            >
                <thead>
                    <tr>
                        <th scope="col">"Slope per bucket"</th>
                        <th scope="col">"Std. error"</th>
                        <th scope="col">"R²"</th>
                        <th scope="col">"Buckets"</th>
                    </tr>
                </thead>
                <tbody>
                    <tr>
                        <td
                            data-testid="trend-slope"
                            data-value=move || latest().map(|p| p.slope.to_string())
                            data-bucket=move || latest().map(|p| p.bucket_ms.to_string())
                        >
                            {move || latest().map_or("–".to_owned(), |p| num(p.slope))}
                        </td>
                        <td
                            data-testid="trend-se"
                            data-value=move || latest().map(|p| p.std_error.to_string())
                        >
                            {move || latest().map_or("–".to_owned(), |p| num(p.std_error))}
                        </td>
                        <td
                            data-testid="trend-r2"
                            data-value=move || latest().and_then(|p| p.r_squared).map(|r| r.to_string())
                        >
                            {move || {
                                latest()
                                    .and_then(|p| p.r_squared)
                                    .map_or("–".to_owned(), |r| format!("{r:.3}"))
                            }}
                        </td>
                        <td data-testid="trend-n" data-value=move || latest().map(|p| p.n.to_string())>
                            {move || latest().map_or("–".to_owned(), |p| p.n.to_string())}
                        </td>
                    </tr>
                </tbody>
            </table>
            <Show when=move || latest().is_none() && !read(&|t| t.error().unwrap_or_default().to_owned()).is_empty()>
                <p class="panel-error" role="alert" data-testid="trend-error">
                    "No trend yet: "
                    {move || read(&|t| t.error().unwrap_or_default().to_owned())}
                </p>
            </Show>
            {chart_panel(
                title,
                "chart-trend",
                summary,
                Signal::stored(Vec::new()),
                move |canvas, palette| {
                    changed.track();
                    let chart = trend.with_value(|t| chart_of(t.history(), live));
                    draw_band_chart(canvas, &chart, palette)
                },
            )}
            <p class="note">"Line: the slope at each bucket close. Band: ± one standard error."</p>
        </section>
    }
}
