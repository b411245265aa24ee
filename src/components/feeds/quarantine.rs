//! The quarantine: rejected rows with reason, feed, what was wrong and where, and raw text
//! (all shown as text, never as markup), and a CSV export safe to open in a spreadsheet.

use leptos::prelude::*;
use tradelens_core::clean::export::quarantine_csv;

use super::util::download_text;
use crate::feeds::Feeds;

/// Rows shown on screen (the export has all the quarantine holds).
const SHOWN: usize = 200;

/// The latest quarantined rows, newest first, and an export button. No props: needs
/// [`Feeds`] in context.
#[component]
pub fn QuarantineList() -> impl IntoView {
    let feeds = expect_context::<Feeds>();
    let error = RwSignal::new(String::new());
    let rows = move || {
        feeds
            .with_cleaner(|c| {
                let q = c.quarantine();
                q.entries()
                    .skip(q.len().saturating_sub(SHOWN))
                    .map(|e| {
                        (
                            e.reason.name(),
                            e.feed.to_string(),
                            e.raw.clone(),
                            e.detail.clone(),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .map(|mut v| {
                v.reverse();
                v
            })
            .unwrap_or_default()
    };
    let count = move || feeds.with_cleaner(|c| c.quarantine().len()).unwrap_or(0);
    let export = move |_| {
        let csv = feeds
            .with_cleaner(|c| quarantine_csv(c.quarantine().entries()))
            .unwrap_or_default();
        if let Err(e) = download_text("tradelens-quarantine.csv", "text/csv", &csv) {
            error.set(e.to_string());
        }
    };
    view! {
        <section class="panel quarantine" aria-labelledby="quarantine-title" data-testid="quarantine">
            <h3 id="quarantine-title">"Quarantine " <span data-testid="quarantine-count">{count}</span></h3>
            <button type="button" data-testid="quarantine-export" on:click=export disabled=move || count() == 0>
                "Export CSV"
            </button>
            <p class="error" role="alert">{move || error.get()}</p>
            <div class="table-scroll">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">"Reason"</th>
                            <th scope="col">"Feed"</th>
                            <th scope="col">"What and where"</th>
                            <th scope="col">"Raw"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || rows().into_iter().map(|(reason, feed, raw, detail)| {
                            let key = feed.clone();
                            view! {
                                <tr data-testid="quarantine-row" data-reason=reason data-feed=key>
                                    <td>{reason}</td>
                                    <td>{feed}</td>
                                    <td data-testid="quarantine-detail">{detail}</td>
                                    <td><code class="raw" data-testid="quarantine-raw">{raw}</code></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
