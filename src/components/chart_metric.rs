//! The metrics a dashboard chart can show, named for people, with the sketch each needs and
//! the error bound it is shown with.

use tradelens_core::demo::DemoMode;
use tradelens_core::engine::{DistinctOf, EngineSpec, Metric, SketchSpec};
use tradelens_core::model::{Dim, Field};
use tradelens_core::stats::sketch::{DistinctCount, QuantileSketch};

/// What the orders demo counts distinct of: its customers. Exchange trades have no
/// customer-like field (distinct trade ids would just be the count), so they get no distinct.
pub const DISTINCT_CUSTOMERS: DistinctOf = DistinctOf::Field(Field::Dim(Dim::Customer));

/// The metrics offered in `mode`, with their names.
pub fn chart_metrics(mode: DemoMode) -> Vec<(Metric, &'static str)> {
    let sum = if mode == DemoMode::Orders {
        "Revenue"
    } else {
        "Notional"
    };
    let mut out = vec![
        (Metric::Notional, sum),
        (Metric::Count, "Count"),
        (Metric::Volume, "Volume"),
        (Metric::Vwap, "VWAP"),
        (Metric::PriceP50, "Median price"),
        (Metric::PriceP90, "Price p90"),
        (Metric::PriceP95, "Price p95"),
        (Metric::PriceP99, "Price p99"),
        (Metric::SizeP50, "Median size"),
        (Metric::SizeP90, "Size p90"),
        (Metric::SizeP95, "Size p95"),
        (Metric::SizeP99, "Size p99"),
    ];
    if mode == DemoMode::Orders {
        out.push((Metric::Distinct, "Distinct customers"));
    }
    out
}

/// The name of `metric` in `mode`, or its code name if it is not offered there.
pub fn metric_label(metric: Metric, mode: DemoMode) -> &'static str {
    chart_metrics(mode)
        .into_iter()
        .find(|(m, _)| *m == metric)
        .map_or(metric.name(), |(_, l)| l)
}

/// Relative error bound of a percentile (DDSketch α), as a fraction.
pub const QUANTILE_ERROR: f64 = QuantileSketch::DEFAULT_ALPHA;

/// Relative standard error of the distinct count: 1.04 / √(2^p) for HyperLogLog.
pub fn distinct_error() -> f64 {
    1.04 / f64::from(1u32 << DistinctCount::DEFAULT_PRECISION).sqrt()
}

/// The error note a chart of `metric` carries, if the metric is estimated.
pub fn error_note(metric: Metric) -> Option<String> {
    if metric.price_quantile().is_some() || metric.size_quantile().is_some() {
        Some(format!(
            "estimated within {}% (DDSketch)",
            QUANTILE_ERROR * 100.0
        ))
    } else if metric == Metric::Distinct {
        Some(format!(
            "estimated, standard error {:.1}% (HyperLogLog)",
            distinct_error() * 100.0
        ))
    } else {
        None
    }
}

/// `spec` with the sketches `metric` needs turned on and the others off (sketches cost time
/// per trade), or `None` if it already has exactly those.
pub fn spec_for(spec: EngineSpec, metric: Metric) -> Option<EngineSpec> {
    let sketches = SketchSpec::for_metrics(&[metric], DISTINCT_CUSTOMERS);
    (spec.sketches != sketches).then_some(EngineSpec { sketches, ..spec })
}

/// The currency money is shown in: the dashboard's KPIs show it as `$`, and the demo feeds
/// price in US dollars.
pub const CURRENCY: &str = "USD";

/// The unit of `metric`'s values: a count, a quantity, or the currency for prices and sums
/// of money.
pub fn metric_unit(metric: Metric) -> &'static str {
    match metric {
        Metric::Count | Metric::Distinct => "count",
        Metric::Volume
        | Metric::BuyVolume
        | Metric::SellVolume
        | Metric::VolumeDelta
        | Metric::SizeP50
        | Metric::SizeP90
        | Metric::SizeP95
        | Metric::SizeP99 => "quantity",
        Metric::Imbalance => "ratio",
        _ => CURRENCY,
    }
}

/// The y-axis title of a chart of `metric` in `mode`: its name and unit, "Revenue (USD)".
pub fn axis_label(metric: Metric, mode: DemoMode) -> String {
    format!("{} ({})", metric_label(metric, mode), metric_unit(metric))
}

/// A labelled select of the metrics the demo mode offers. The select is named by its label
/// text; `class` styles the label.
pub fn metric_select(
    label: &'static str,
    class: &'static str,
    testid: &'static str,
    value: leptos::prelude::Signal<Metric>,
    on_change: leptos::prelude::Callback<Metric>,
) -> impl leptos::IntoView {
    use leptos::prelude::*;
    let live = expect_context::<crate::live::Live>();
    view! {
        <label class=class>
            {label}
            <select
                data-testid=testid
                prop:value=move || value.get().name()
                on:change=move |ev| {
                    let name = event_target_value(&ev);
                    let offered = chart_metrics(live.mode.get_untracked());
                    if let Some((m, _)) = offered.into_iter().find(|(m, _)| m.name() == name) {
                        on_change.run(m);
                    }
                }
            >
                {move || {
                    chart_metrics(live.mode.get())
                        .into_iter()
                        .map(|(m, l)| view! { <option value=m.name()>{l}</option> })
                        .collect_view()
                }}
            </select>
        </label>
    }
}
