//! Data quality: rows accepted, skipped and rejected per reason, over all feeds and per feed.

use leptos::prelude::*;
use tradelens_core::clean::Reason;
use tradelens_core::format::grouped;

use crate::feeds::Feeds;

const REASONS: [Reason; 8] = [
    Reason::InvalidPrice,
    Reason::InvalidQuantity,
    Reason::MissingTime,
    Reason::BadTime,
    Reason::FutureTime,
    Reason::Duplicate,
    Reason::Malformed,
    Reason::Outlier,
];

/// A table with a row per feed (and a total row) and a column per reason. No props: needs
/// [`Feeds`] in context.
#[component]
pub fn QualityPanel() -> impl IntoView {
    let feeds = expect_context::<Feeds>();
    let rows = move || {
        feeds
            .with_cleaner(|c| {
                let r = c.report();
                let mut rows: Vec<(String, Vec<u64>)> = r
                    .feeds
                    .iter()
                    .map(|(k, f)| (k.to_string(), counts(f)))
                    .collect();
                rows.push(("All feeds".to_string(), counts(&r.total)));
                rows
            })
            .unwrap_or_default()
    };
    view! {
        <section class="panel quality" aria-labelledby="quality-title" data-testid="quality-panel">
            <h3 id="quality-title">"Data quality"</h3>
            <div class="table-scroll">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">"Feed"</th>
                            <th scope="col">"accepted"</th>
                            <th scope="col">"skipped"</th>
                            {REASONS.iter().map(|r| view! { <th scope="col" title=r.explain()>{r.name()}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {move || rows().into_iter().map(|(feed, c)| view! {
                            <tr data-testid="quality-row" data-feed=feed.clone()>
                                <th scope="row">{feed.clone()}</th>
                                {c.into_iter().map(|n| view! { <td>{grouped(n as f64, 0)}</td> }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

fn counts(f: &tradelens_core::clean::FeedCounts) -> Vec<u64> {
    let mut v = vec![f.accepted, f.skipped];
    v.extend(
        REASONS
            .iter()
            .map(|r| f.by_reason.get(r).copied().unwrap_or(0)),
    );
    v
}
