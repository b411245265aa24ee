//! The trade table: every column sortable, only the rows in view in the DOM.

use std::time::Duration;

use leptos::prelude::*;
use tradelens_core::format::{clock, date, grouped};
use tradelens_core::model::Side;
use tradelens_core::views::table::{
    row_view, sorted_rows, Column, Direction, SortBy, SortedRows, MAX_ROWS,
};

use crate::live::Live;

/// Height of a row in CSS pixels. Set on the element itself (and the viewport's height and
/// overflow too), not left to the stylesheet: the arithmetic of what is in view depends on it.
const ROW_PX: usize = 28;
/// Rows the viewport shows (its height is this many rows).
const VIEW_ROWS: usize = 14;
/// Rows rendered beyond each edge of the viewport, so a fast scroll shows no gap.
const OVERSCAN: usize = 6;
/// Sorting up to 100,000 rows: at most once a second while trades stream in.
const RESORT_GAP: Duration = Duration::from_secs(1);

/// The height of `n` rows, as CSS.
fn spacer_px(n: usize) -> String {
    format!("{}px", n * ROW_PX)
}

/// The `aria-sort` value of `column` under `sort`.
fn aria_sort(sort: SortBy, column: Column) -> &'static str {
    match (sort.column == column, sort.direction) {
        (false, _) => "none",
        (true, Direction::Ascending) => "ascending",
        (true, Direction::Descending) => "descending",
    }
}

/// The order after a click on `column`: the other direction if it is the sorted column, else
/// that column ascending (time starts newest first).
fn next_sort(sort: SortBy, column: Column) -> SortBy {
    if sort.column == column {
        SortBy {
            column,
            direction: sort.direction.flipped(),
        }
    } else {
        SortBy {
            column,
            direction: if column == Column::Time {
                Direction::Descending
            } else {
                Direction::Ascending
            },
        }
    }
}

/// The range of display positions to render for a scroll offset.
fn visible(scroll_px: f64, rows: usize) -> std::ops::Range<usize> {
    let first = (scroll_px.max(0.0) / ROW_PX as f64) as usize;
    let from = first.saturating_sub(OVERSCAN).min(rows);
    let to = (first + VIEW_ROWS + OVERSCAN).min(rows);
    from..to
}

/// The cells of one trade as text, in column order; `None` if the row is gone from the table
/// (the view is re-sorted at most once a second, the table may have changed since).
fn cells(live: Live, row: u32) -> Option<[String; 6]> {
    live.with_engine_untracked(|e| {
        let t = e.table();
        let row = row as usize;
        if row >= t.len() {
            return None;
        }
        let v = row_view(t, row);
        let local = e.zone().to_local(v.time_ms);
        Some([
            format!("{} {}", date(local), clock(local, true)),
            v.symbol.map_or(String::new(), |s| s.to_string()),
            match v.side {
                Some(Side::Buy) => "buy".to_owned(),
                Some(Side::Sell) => "sell".to_owned(),
                None => String::new(),
            },
            grouped(v.price, 2),
            grouped(v.qty, 4),
            grouped(v.notional, 2),
        ])
    })
}

/// The engine's trades, newest 100,000 at most, sortable by any column (click, or Enter or
/// Space on a header). Only the rows in view (and a few beyond) are in the DOM; spacers above
/// and below stand for the rest, so scrolling stays smooth at 100,000 rows.
#[component]
pub fn TablePanel() -> impl IntoView {
    let live = expect_context::<Live>();
    let sort = RwSignal::new(SortBy::default());
    let pace = live.throttled(RESORT_GAP);
    let sorted = Memo::new(move |_| {
        pace.track();
        let s = sort.get();
        live.with_engine_untracked(|e| sorted_rows(e.table(), s, MAX_ROWS))
    });
    let total = Memo::new(move |_| sorted.with(|s: &SortedRows| s.rows.len()));
    let left_out = Memo::new(move |_| sorted.with(|s| s.left_out));
    let scroll = RwSignal::new(0.0f64);
    let viewport = NodeRef::<leptos::html::Div>::new();
    let range = Memo::new(move |_| visible(scroll.get(), total.get()));

    let header = Column::ALL
        .into_iter()
        .map(|column| {
            let activate = move || {
                sort.update(|s| *s = next_sort(*s, column));
            };
            view! {
                <div
                    class="dt-cell dt-header"
                    role="columnheader"
                    tabindex="0"
                    data-column=column.name()
                    aria-sort=move || aria_sort(sort.get(), column)
                    on:click=move |_| activate()
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" || ev.key() == " " {
                            ev.prevent_default();
                            activate();
                        }
                    }
                >
                    {column.title()}
                </div>
            }
        })
        .collect_view();

    let rows = move || {
        let r = range.get();
        // A new order (or new trades) re-renders the rows in view.
        sorted.with(|s| {
            s.rows[r.clone()]
                .iter()
                .enumerate()
                .map(|(k, &row)| {
                    let position = r.start + k;
                    let cells = cells(live, row).unwrap_or_default();
                    view! {
                        <div
                            class="dt-row"
                            role="row"
                            data-testid="data-table-row"
                            style:height=spacer_px(1)
                            style:overflow="hidden"
                            data-position=position
                            data-row=row
                            aria-rowindex=position + 2
                        >
                            {cells
                                .into_iter()
                                .map(|c| view! { <div class="dt-cell" role="cell">{c}</div> })
                                .collect_view()}
                        </div>
                    }
                })
                .collect_view()
        })
    };

    view! {
        <section class="panel data-table-panel">
            <h3>"Trades"</h3>
            <p class="dt-note" data-testid="data-table-note">
                {move || {
                    let (n, gone) = (total.get(), left_out.get());
                    if gone > 0 {
                        format!(
                            "Showing the newest {} of {} trades.",
                            grouped(n as f64, 0),
                            grouped((n + gone) as f64, 0),
                        )
                    } else {
                        format!("{} trades.", grouped(n as f64, 0))
                    }
                }}
            </p>
            <div
                class="data-table"
                role="table"
                aria-label="Trades"
                aria-rowcount=move || total.get() + 1
                data-testid="data-table"
                data-rows=move || total.get()
                data-left-out=move || left_out.get()
            >
                <div role="rowgroup" class="dt-head">
                    <div class="dt-row" role="row" aria-rowindex="1">{header}</div>
                </div>
                <div
                    class="dt-viewport"
                    node_ref=viewport
                    data-testid="data-table-viewport"
                    // Focusable, so the rows scroll with the keyboard too.
                    tabindex="0"
                    style:height=spacer_px(VIEW_ROWS)
                    style:overflow-y="auto"
                    on:scroll=move |_| {
                        if let Some(el) = viewport.get_untracked() {
                            scroll.set(f64::from(el.scroll_top()));
                        }
                    }
                >
                    <div role="rowgroup" class="dt-body">
                        <div
                            class="dt-spacer"
                            aria-hidden="true"
                            style:height=move || spacer_px(range.get().start)
                        ></div>
                        {rows}
                        <div
                            class="dt-spacer"
                            aria-hidden="true"
                            style:height=move || {
                                spacer_px(total.get().saturating_sub(range.get().end))
                            }
                        ></div>
                    </div>
                </div>
            </div>
        </section>
    }
}
