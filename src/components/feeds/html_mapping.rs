//! The mapping form of an HTML page: the row selector, one cell selector per trade field
//! (typed, or picked from the cells of the first row), and the preview of the first rows,
//! all before anything is ingested.

use leptos::prelude::*;
use tradelens_core::decode::generic::Mapping;
use tradelens_core::decode::html::HtmlMapping;

use super::mapping::{MappingEditor, PreviewTable, PREVIEW_ROWS};
use crate::feeds::html::{preview_page, sample_rows};

/// The row selector, the cell mapping and the preview of a sample page.
///
/// Props: `page`, the sample page's text; `rows`, the row selector being edited; `mapping`,
/// the cell selectors being edited (time and price must be set for a preview).
#[component]
pub fn HtmlMappingEditor(
    /// The sample page's text.
    #[prop(into)]
    page: Signal<String>,
    /// The row selector being edited.
    rows: RwSignal<String>,
    /// The cell selectors being edited.
    mapping: RwSignal<Option<Mapping>>,
) -> impl IntoView {
    let sampled = Memo::new(move |_| {
        let r = rows.get();
        page.with(|t| sample_rows(t, &r))
    });
    let suggested = Signal::derive(move || {
        sampled.with(|s| {
            s.as_ref()
                .map(|(_, specs)| specs.clone())
                .unwrap_or_default()
        })
    });
    let result = Memo::new(move |_| {
        let m = mapping.get()?;
        if m.time.trim().is_empty() || m.price.trim().is_empty() {
            return None;
        }
        let html = HtmlMapping {
            rows: rows.get(),
            fields: m,
        };
        Some(page.with(|t| preview_page(t, &html, PREVIEW_ROWS)))
    });
    view! {
        <label class="field wide">
            <span>"Rows (CSS selector)"</span>
            <input
                type="text"
                data-testid="html-rows"
                spellcheck="false"
                placeholder="table tbody tr"
                prop:value=move || rows.get()
                on:input=move |ev| rows.set(event_target_value(&ev))
            />
        </label>
        {move || match sampled.get() {
            Ok((n, _)) => view! {
                <p class="hint" data-testid="html-row-count" data-count=n.to_string()>
                    {format!("{n} rows match")}
                </p>
            }.into_any(),
            Err(e) => view! { <p class="error" data-testid="html-rows-error" role="alert">{e}</p> }.into_any(),
        }}
        <p class="hint">
            "Each field is a CSS selector run inside a row (its first match, as text); "
            "selector@attribute reads an attribute, @attribute the row's own."
        </p>
        <MappingEditor fields=suggested mapping=mapping typed=true />
        <PreviewTable result=result mapping=mapping />
    }
}
