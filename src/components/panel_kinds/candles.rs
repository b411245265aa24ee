//! Candlesticks with volume per bucket, for all trades or one symbol.

use leptos::prelude::*;
use tradelens_core::format::{clock, grouped};
use tradelens_core::views::candles::{candles, Candles};

use super::super::chart_panel::chart_panel;
use crate::charts::{draw_candles, CandleChart};
use crate::live::Live;

/// At most this many candles are drawn.
const MAX_CANDLES: usize = 120;

/// `start=open/high/low/close/volume` per candle, comma-separated, numbers printed exactly.
fn exposed(c: &Candles) -> String {
    c.candles
        .iter()
        .map(|c| {
            format!(
                "{}={}/{}/{}/{}/{}",
                c.start_ms, c.open, c.high, c.low, c.close, c.volume
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// OHLC candles of the engine's buckets with volume bars below.
#[component]
pub fn CandlesPanel(
    /// Only this symbol's trades, when the engine groups by symbol; else all trades.
    #[prop(into)]
    symbol: Signal<Option<String>>,
) -> impl IntoView {
    let live = expect_context::<Live>();
    let chart = Memo::new(move |_| {
        let symbol = symbol.get();
        live.with_engine(|e| {
            let c = candles(e, symbol.as_deref(), MAX_CANDLES);
            (c, e.spec().bucket.millis(), e.zone().clone())
        })
    });
    let title = Signal::derive(move || {
        let bucket = live.spec.get().bucket;
        let (shown, mixed) = chart.with(|(c, _, _)| (c.symbol.clone(), c.symbols.unwrap_or(1)));
        match (shown, symbol.get()) {
            (Some(s), _) => format!("{s} candles per {bucket} with volume"),
            (None, Some(s)) if mixed > 1 => format!(
                "Candles per {bucket} with volume, {mixed} symbols mixed ({s} needs grouping by symbol)"
            ),
            (None, None) if mixed > 1 => format!(
                "Candles per {bucket} with volume, {mixed} symbols mixed (pick one symbol)"
            ),
            (None, _) => format!("Candles per {bucket} with volume"),
        }
    });
    let summary = Signal::derive(move || {
        chart.with(|(c, _, zone)| match c.candles.last() {
            None => format!("{}: no data yet", title.get()),
            Some(last) => format!(
                "{} over {} buckets; latest at {} ({}): open {}, high {}, low {}, close {}, volume {}",
                title.get(),
                c.candles.len(),
                clock(zone.to_local(last.start_ms), false),
                zone.name(),
                grouped(last.open, 2),
                grouped(last.high, 2),
                grouped(last.low, 2),
                grouped(last.close, 2),
                grouped(last.volume, 4),
            ),
        })
    });
    chart_panel(
        title,
        "chart-candles",
        summary,
        // In swatch order: volume bars in the first series colour, falling candles in the
        // second, rising ones in the third.
        Signal::derive(|| {
            vec![
                "Volume".to_owned(),
                "Falling".to_owned(),
                "Rising".to_owned(),
            ]
        }),
        move |canvas, palette| {
            let (c, bucket_ms, zone) = chart.get();
            let _ = canvas.set_attribute("data-values", &exposed(&c));
            let _ = canvas.set_attribute("data-symbol", c.symbol.as_deref().unwrap_or(""));
            let chart = CandleChart {
                candles: c.candles,
                bucket_ms,
                zone,
            };
            draw_candles(canvas, &chart, palette)
        },
    )
}
