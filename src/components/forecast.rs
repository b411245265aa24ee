//! The forecast panel: revenue per bucket, forecast ahead with a 95% band, each method's
//! backtest error, and unusual buckets marked.

use std::time::Duration;

use leptos::prelude::*;
use tradelens_core::demo::DemoMode;
use tradelens_core::engine::measure::{revenue_series, EvenSeries};
use tradelens_core::format::{compact, grouped};
use tradelens_core::stats::anomaly::{self, Anomaly};
use tradelens_core::stats::forecast::{self, Forecast, Method, Series};

use super::chart_panel::chart_panel;
use crate::charts::{draw_band_chart, BandChart, XAxis};
use crate::live::Live;

/// Level of the prediction band.
const LEVEL: f64 = 0.95;
/// History fitted, in buckets (a day of minutes).
const MAX_HISTORY: usize = 1_440;
/// Buckets forecast (and held out in the backtest): a quarter of the history, at most this.
const MAX_HORIZON: usize = 48;
/// A bucket outside this prediction interval of the seasonal fit for its own time is marked:
/// at 99%, about one ordinary bucket in a hundred is marked by chance.
pub const ANOMALY_LEVEL: f64 = 0.99;
/// Without a seasonal fit, a bucket further than this many robust z-scores from the median
/// is marked.
pub const ANOMALY_Z: f64 = 3.5;
/// The forecast recomputes at most this often while the demo streams.
const RECOMPUTE_GAP: Duration = Duration::from_secs(1);

/// Which forecasting method the user picked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodChoice {
    /// Trend plus daily (and weekly) Fourier terms.
    Seasonal,
    /// Additive Holt-Winters.
    HoltWinters,
}

impl MethodChoice {
    fn value(self) -> &'static str {
        match self {
            MethodChoice::Seasonal => "seasonal",
            MethodChoice::HoltWinters => "holt-winters",
        }
    }
}

/// Everything the panel shows, computed together.
#[derive(Clone, Debug, PartialEq)]
pub struct Outlook {
    /// The history fitted (the bucket in progress left out: it is not over).
    pub history: EvenSeries,
    /// The forecast, or why there is none.
    pub forecast: Result<Forecast, String>,
    /// (method name, backtest sMAPE in percent or why it failed).
    pub scores: Vec<(&'static str, Result<f64, String>)>,
    /// Buckets outside their [`ANOMALY_LEVEL`] interval under the seasonal fit, or (no fit)
    /// further than [`ANOMALY_Z`] robust z-scores from the median.
    pub anomalies: Vec<Anomaly>,
    /// Buckets forecast.
    pub horizon: usize,
}

/// Fits, forecasts, backtests and marks the engine's revenue series.
pub fn outlook(live: &Live, choice: MethodChoice) -> Option<Outlook> {
    let (mut s, offset) = live.with_engine_untracked(|e| {
        let s = revenue_series(e, MAX_HISTORY + 1)?;
        let offset_minutes = i32::try_from(e.zone().offset_at(s.start_ms) / 60_000).ok()?;
        Some((s, offset_minutes))
    })?;
    // The last bucket is still filling: forecasting from it would read as a collapse.
    s.times.pop();
    s.values.pop();
    let n = s.values.len();
    if n == 0 {
        return None;
    }
    let horizon = (n / 4).clamp(1, MAX_HORIZON);
    let series = Series {
        start_ms: s.start_ms,
        step_ms: s.step_ms,
        values: &s.values,
    };
    let seasonal = Method::seasonal_for(n, s.step_ms, offset);
    let holt = Method::holt_winters_for(n, s.step_ms);
    let chosen = match choice {
        MethodChoice::Seasonal => Some(seasonal),
        MethodChoice::HoltWinters => holt,
    };
    let forecast = match chosen {
        Some(m) => forecast::forecast(&m, series, horizon, LEVEL).map_err(|e| e.to_string()),
        None => {
            Err("Holt-Winters needs two full seasons (two hours, days or weeks of buckets)".into())
        }
    };
    // Each method as it would be sized with only the training part of the history.
    let train = n.saturating_sub(horizon);
    let mut methods = vec![Method::seasonal_for(train, s.step_ms, offset)];
    let holt_train = Method::holt_winters_for(train, s.step_ms);
    methods.extend(holt_train);
    let mut scores: Vec<(&'static str, Result<f64, String>)> =
        forecast::backtest(series, horizon, &methods, LEVEL)
            .into_iter()
            .zip(&methods)
            .map(|(r, m)| (m.name(), r.map(|s| s.smape).map_err(|e| e.to_string())))
            .collect();
    if holt_train.is_none() {
        scores.push((
            "Holt-Winters (additive)",
            Err("not enough history for a season".into()),
        ));
    }
    let in_sample = match seasonal {
        Method::Seasonal(spec) => forecast::seasonal_in_sample(&spec, series, ANOMALY_LEVEL).ok(),
        Method::HoltWinters(_) => None,
    };
    let anomalies = match in_sample {
        Some(intervals) => anomaly::outside_intervals(&s.values, &intervals),
        None => anomaly::robust_outliers(&s.values, ANOMALY_Z).unwrap_or_default(),
    };
    Some(Outlook {
        history: s,
        forecast,
        scores,
        anomalies,
        horizon,
    })
}

fn chart_of(o: &Outlook, live: &Live) -> BandChart {
    let h = &o.history;
    let future = |i: usize| {
        Series {
            start_ms: h.start_ms,
            step_ms: h.step_ms,
            values: &h.values,
        }
        .time_of(h.values.len() + i) as f64
    };
    let (line, outer) = match &o.forecast {
        Ok(f) => (
            f.points
                .iter()
                .enumerate()
                .map(|(i, p)| (future(i), p.estimate))
                .collect(),
            f.points
                .iter()
                .enumerate()
                .map(|(i, p)| (future(i), p.lower, p.upper))
                .collect(),
        ),
        Err(_) => (Vec::new(), Vec::new()),
    };
    BandChart {
        points: h
            .times
            .iter()
            .zip(&h.values)
            .map(|(&t, &v)| (t as f64, v))
            .collect(),
        connect: true,
        line,
        inner: Vec::new(),
        outer,
        marks: o
            .anomalies
            .iter()
            .filter_map(|a| Some((*h.times.get(a.index)? as f64, a.value)))
            .collect(),
        zero_line: false,
        x_axis: XAxis::Time(live.with_engine_untracked(|e| e.zone().clone())),
    }
}

fn describe(o: &Option<Outlook>) -> String {
    let Some(o) = o else {
        return "Revenue forecast: no data yet".to_owned();
    };
    let marks = format!("{} unusual buckets marked", o.anomalies.len());
    match &o.forecast {
        Ok(f) => match (f.points.first(), f.points.last()) {
            (Some(first), Some(last)) => format!(
                "Revenue forecast for the next {} buckets from {} past ones: next {} (95% band {} to {}), last {} (band {} to {}); {marks}",
                f.points.len(),
                o.history.values.len(),
                grouped(first.estimate, 0),
                grouped(first.lower, 0),
                grouped(first.upper, 0),
                grouped(last.estimate, 0),
                grouped(last.lower, 0),
                grouped(last.upper, 0),
            ),
            _ => format!("Revenue forecast: empty; {marks}"),
        },
        Err(e) => format!("Revenue forecast unavailable ({e}); {marks}"),
    }
}

/// Revenue per bucket with a forecast and its 95% band, a method picker, the backtest error
/// of each method and the count of unusual buckets. Recomputes when the view changes, and at
/// most once a second while the demo streams.
#[component]
pub fn ForecastPanel() -> impl IntoView {
    let live = expect_context::<Live>();
    let method = RwSignal::new(MethodChoice::Seasonal);
    let paced = live.throttled(RECOMPUTE_GAP);
    let result = Memo::new(move |_| {
        paced.track();
        outlook(&live, method.get())
    });
    let title = Signal::derive(move || {
        let what = if live.mode.get() == DemoMode::Orders {
            "Revenue"
        } else {
            "Notional"
        };
        format!("{what} forecast per {}", live.spec.get().bucket)
    });
    let summary = Signal::derive(move || describe(&result.get()));
    let on_method = move |ev| {
        method.set(match event_target_value(&ev).as_str() {
            "holt-winters" => MethodChoice::HoltWinters,
            _ => MethodChoice::Seasonal,
        })
    };
    let count = move || result.with(|r| r.as_ref().map_or(0, |o| o.anomalies.len()));
    let error = move || result.with(|r| r.as_ref().and_then(|o| o.forecast.clone().err()));
    view! {
        <section class="forecast" aria-label="Forecast">
            {chart_panel(
                title,
                "chart-forecast",
                summary,
                Signal::stored(Vec::new()),
                move |canvas, palette| match result.get() {
                    Some(o) => draw_band_chart(canvas, &chart_of(&o, &live), palette),
                    None => draw_band_chart(canvas, &empty_chart(), palette),
                },
            )}
            <div class="panel forecast-info">
                <label>
                    "Method "
                    <select
                        data-testid="forecast-method"
                        on:change=on_method
                        prop:value=move || method.get().value()
                    >
                        <option value=MethodChoice::Seasonal.value()>"Trend + seasonal regression"</option>
                        <option value=MethodChoice::HoltWinters.value()>"Holt-Winters (additive)"</option>
                    </select>
                </label>
                <Show when=move || error().is_some()>
                    <p class="panel-error" role="alert" data-testid="forecast-error">
                        {move || error().unwrap_or_default()}
                    </p>
                </Show>
                <p>
                    "Backtest, forecasting the last "
                    {move || result.with(|r| r.as_ref().map_or(0, |o| o.horizon))}
                    " buckets from those before (sMAPE, lower is better):"
                </p>
                <ul class="scores" data-testid="forecast-scores">
                    {move || {
                        result
                            .get()
                            .map(|o| o.scores)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|(name, score)| {
                                let text = match score {
                                    Ok(s) => format!("{s:.1}%"),
                                    Err(e) => format!("unavailable: {e}"),
                                };
                                view! { <li>{name} ": " {text}</li> }
                            })
                            .collect_view()
                    }}
                </ul>
                <p>
                    <output data-testid="anomaly-count" data-value=move || count().to_string()>
                        {count}
                    </output>
                    " unusual buckets (dots): outside the "
                    {format!("{}%", compact(ANOMALY_LEVEL * 100.0))}
                    " prediction interval of the seasonal fit for their time (with too little history for that fit, more than "
                    {compact(ANOMALY_Z)}
                    " robust z-scores from the median bucket)."
                </p>
            </div>
        </section>
    }
}

fn empty_chart() -> BandChart {
    BandChart {
        points: Vec::new(),
        connect: true,
        line: Vec::new(),
        inner: Vec::new(),
        outer: Vec::new(),
        marks: Vec::new(),
        zero_line: false,
        x_axis: XAxis::Number,
    }
}
