//! The distribution of trade prices or sizes.

use std::time::Duration;

use leptos::prelude::*;
use tradelens_core::format::grouped;
use tradelens_core::views::histogram::{histogram, HistValue, Histogram};

use super::super::chart_panel::chart_panel;
use crate::charts::draw_histogram;
use crate::live::Live;

/// Binning reads every stored trade (linear, no sort): at most once a second while trades
/// stream in.
const RECOMPUTE_GAP: Duration = Duration::from_secs(1);

fn label(v: HistValue) -> &'static str {
    match v {
        HistValue::Price => "price",
        HistValue::Size => "size",
    }
}

/// A histogram of one value per stored trade, binned by the Freedman–Diaconis rule (5 to 100
/// bins).
#[component]
pub fn HistogramPanel(
    /// Trade price or trade size.
    #[prop(into)]
    value: Signal<HistValue>,
) -> impl IntoView {
    let live = expect_context::<Live>();
    let pace = live.throttled(RECOMPUTE_GAP);
    let hist = Memo::new(move |_| {
        pace.track();
        let v = value.get();
        live.with_engine_untracked(|e| histogram(v.column(e.table())))
    });
    let title = Signal::derive(move || format!("Distribution of trade {}", label(value.get())));
    let summary = Signal::derive(move || match hist.get() {
        None => format!("{}: no data yet", title.get()),
        Some(h) => {
            let (i, n) = h
                .counts
                .iter()
                .copied()
                .enumerate()
                .max_by_key(|&(i, n)| (n, std::cmp::Reverse(i)))
                .unwrap_or((0, 0));
            let from = h.lo + h.width * i as f64;
            format!(
                "{}: {} trades in {} bins from {} to {}; most ({}) between {} and {}",
                title.get(),
                grouped(h.total() as f64, 0),
                h.counts.len(),
                grouped(h.lo, 2),
                grouped(h.hi(), 2),
                grouped(n as f64, 0),
                grouped(from, 2),
                grouped(from + h.width, 2),
            )
        }
    });
    chart_panel(
        title,
        "chart-histogram",
        summary,
        Signal::stored(Vec::new()),
        move |canvas, palette| {
            let h: Option<Histogram> = hist.get();
            let (lo, width, counts) = h.as_ref().map_or_else(Default::default, |h| {
                let counts: Vec<String> = h.counts.iter().map(u64::to_string).collect();
                (h.lo.to_string(), h.width.to_string(), counts.join(","))
            });
            let _ = canvas.set_attribute("data-value", value.get_untracked().name());
            let _ = canvas.set_attribute("data-lo", &lo);
            let _ = canvas.set_attribute("data-width", &width);
            let _ = canvas.set_attribute("data-values", &counts);
            draw_histogram(canvas, h.as_ref(), palette)
        },
    )
}
