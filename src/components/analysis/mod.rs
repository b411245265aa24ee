//! The Analysis page: a regression of one per-bucket measure on another (or on time) with its
//! table, scatter and residuals, a rolling trend refitted as buckets close, and the price
//! elasticity of each product.

mod elasticity;
mod fit;
mod fit_table;
mod rolling;

use std::time::Duration;

use leptos::prelude::*;
use tradelens_core::demo::DemoMode;
use tradelens_core::engine::measure::{product_elasticities, Measure};
use tradelens_core::format::grouped;
use tradelens_core::stats::poly::MAX_DEGREE;

pub use elasticity::ElasticityTable;
pub use fit::{analyse, measure_label, Analysis, FitChoice, FitView, LEVEL};
pub use fit_table::FitTable;
pub use rolling::{RollingTrendPanel, DEFAULT_WINDOW, TREND_METRICS, WINDOWS};

use super::chart_panel::chart_panel;
use crate::charts::{draw_band_chart, BandChart, XAxis};
use crate::live::Live;

/// Fits and elasticities recompute at most this often while the demo streams.
const RECOMPUTE_GAP: Duration = Duration::from_secs(1);

fn scatter_of(a: &Analysis, x_axis: XAxis) -> BandChart {
    let (line, inner, outer) = match &a.fit {
        Ok(f) => (
            f.curve.iter().map(|c| (c.x, c.mean.estimate)).collect(),
            f.curve
                .iter()
                .map(|c| (c.x, c.mean.lower, c.mean.upper))
                .collect(),
            f.curve
                .iter()
                .map(|c| (c.x, c.prediction.lower, c.prediction.upper))
                .collect(),
        ),
        Err(_) => (Vec::new(), Vec::new(), Vec::new()),
    };
    BandChart {
        points: a.x.iter().copied().zip(a.y.iter().copied()).collect(),
        connect: false,
        line,
        inner,
        outer,
        marks: Vec::new(),
        zero_line: false,
        x_axis,
    }
}

fn residuals_of(a: &Analysis, x_axis: XAxis) -> BandChart {
    let points = match &a.fit {
        Ok(f) => {
            a.x.iter()
                .copied()
                .zip(f.ols.residuals.iter().copied())
                .collect()
        }
        Err(_) => Vec::new(),
    };
    BandChart {
        points,
        connect: false,
        line: Vec::new(),
        inner: Vec::new(),
        outer: Vec::new(),
        marks: Vec::new(),
        zero_line: true,
        x_axis,
    }
}

/// A `<select>` of measures bound to `value`.
#[component]
fn MeasurePicker(
    /// Visible label.
    label: &'static str,
    /// `data-testid` of the select.
    testid: &'static str,
    /// The measures offered.
    options: Vec<Measure>,
    /// The chosen measure.
    value: RwSignal<Measure>,
) -> impl IntoView {
    view! {
        <label>
            {label}
            " "
            <select
                data-testid=testid
                prop:value=move || value.get().name()
                on:change=move |ev| {
                    if let Some(m) = Measure::from_name(&event_target_value(&ev)) {
                        value.set(m);
                    }
                }
            >
                {options
                    .into_iter()
                    .map(|m| view! { <option value=m.name()>{measure_label(m)}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}

/// The Analysis page; needs a [`Live`] in context.
#[component]
pub fn AnalysisPage() -> impl IntoView {
    let live = expect_context::<Live>();
    let y = RwSignal::new(Measure::Revenue);
    let x = RwSignal::new(Measure::Time);
    let degree = RwSignal::new(1usize);
    let paced = live.throttled(RECOMPUTE_GAP);
    let choice = Memo::new(move |_| FitChoice {
        y: y.get(),
        x: x.get(),
        degree: degree.get(),
    });
    // A fit holds floats that are rarely bitwise equal from one recompute to the next, and
    // it has no `PartialEq`: every recompute counts as a change.
    let analysis = Memo::new_with_compare(
        move |_| {
            paced.track();
            let c = choice.get();
            live.with_engine_untracked(|e| analyse(e, c))
        },
        |_, _| true,
    );
    let elasticities = Memo::new(move |_| {
        paced.track();
        if live.mode.get() != DemoMode::Orders {
            return Vec::new();
        }
        live.with_engine_untracked(|e| product_elasticities(e, LEVEL))
    });
    let x_axis = move || {
        if x.get() == Measure::Time {
            XAxis::Time(live.with_engine_untracked(|e| e.zone().clone()))
        } else {
            XAxis::Number
        }
    };
    let names = move || {
        let c = choice.get();
        (measure_label(c.y), measure_label(c.x))
    };
    let fit_view = move || analysis.with(|a| a.fit.clone().ok());
    let fit_error = move || analysis.with(|a| a.fit.clone().err());
    let scatter_title = Signal::derive(move || {
        let (y, x) = names();
        format!("{y} against {x} per {}", live.spec.get().bucket)
    });
    let scatter_summary = Signal::derive(move || {
        let (yn, xn) = names();
        analysis.with(|a| match &a.fit {
            Ok(f) => format!(
                "Scatter of {yn} on {xn}, {} buckets, with the fitted line and its 95% confidence and prediction bands; R² {}",
                a.x.len(),
                f.ols.r_squared.map_or("undefined".to_owned(), |r| grouped(r, 3))
            ),
            Err(e) => format!("Scatter of {yn} on {xn}, {} buckets; no fit: {e}", a.x.len()),
        })
    });
    let residual_summary = Signal::derive(move || {
        analysis.with(|a| match &a.fit {
            Ok(f) => format!(
                "Residuals of the fit against {}, {} points; residual standard error {}",
                names().1,
                f.ols.residuals.len(),
                grouped(f.ols.residual_std_error, 2)
            ),
            Err(_) => "Residuals: no fit".to_owned(),
        })
    });
    let orders = move || live.mode.get() == DemoMode::Orders;
    let y_options: Vec<Measure> = Measure::ALL
        .into_iter()
        .filter(|m| *m != Measure::Time)
        .collect();
    view! {
        <section class="analysis" aria-label="Regression">
            <div class="panel analysis-controls">
                <MeasurePicker label="y" testid="fit-y" options=y_options value=y />
                <MeasurePicker label="x" testid="fit-x" options=Measure::ALL.to_vec() value=x />
                <label>
                    "Degree "
                    <select
                        data-testid="fit-degree"
                        disabled=move || x.get() != Measure::Time
                        prop:value=move || degree.get().to_string()
                        on:change=move |ev| {
                            if let Ok(d) = event_target_value(&ev).parse::<usize>() {
                                degree.set(d.clamp(1, MAX_DEGREE));
                            }
                        }
                    >
                        {(1..=MAX_DEGREE)
                            .map(|d| view! { <option value=d.to_string()>{d}</option> })
                            .collect_view()}
                    </select>
                </label>
                <p class="note">
                    "Each point is one bucket of the current view (bucket size from the top bar). The degree applies when x is time."
                </p>
            </div>
            <Show when=move || fit_error().is_some()>
                <p class="panel-error" role="alert" data-testid="fit-error">
                    "No fit: "
                    {move || fit_error().unwrap_or_default()}
                </p>
            </Show>
            {move || fit_view().map(|f| view! { <FitTable fit=f /> })}
            <div class="charts charts-even">
                {chart_panel(
                    scatter_title,
                    "chart-scatter",
                    scatter_summary,
                    Signal::stored(Vec::new()),
                    move |canvas, palette| draw_band_chart(canvas, &scatter_of(&analysis.get(), x_axis()), palette),
                )}
                {chart_panel(
                    Signal::derive(move || format!("Residuals against {}", names().1)),
                    "chart-residuals",
                    residual_summary,
                    Signal::stored(Vec::new()),
                    move |canvas, palette| draw_band_chart(canvas, &residuals_of(&analysis.get(), x_axis()), palette),
                )}
            </div>
            <p class="note">
                "Dots: buckets. Line: the fit. Dark band: 95% confidence interval of the mean; light band: 95% prediction interval of a new bucket."
            </p>
        </section>
        <RollingTrendPanel />
        <section class="panel elasticity" aria-label="Price elasticity">
            <h2>"Price elasticity per product"</h2>
            <Show
                when=orders
                fallback=|| view! { <p>"Elasticities need shop orders: switch the demo to shop orders."</p> }
            >
                <p class="note">
                    "Log-log fit, per product, of units sold per bucket on the average price paid per bucket, with the units sold by other categories in the same bucket as a control for traffic (busy hours would otherwise pass for a price effect). The demo shop has known true elasticities, for example −1.8 for the Organic T-shirt and −2.6 for the Sheet mask, so you can check the estimates against them; a product whose category had no promotion in the window has little price variation and a wide interval."
                </p>
                <ElasticityTable rows=elasticities />
            </Show>
        </section>
    }
}
