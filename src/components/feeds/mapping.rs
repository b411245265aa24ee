//! The mapping form and its preview: which source field feeds which trade field, and what the
//! first rows of a sample decode to, shown before anything is ingested. The same form maps
//! named fields (a `<select>` each) and HTML cells (a CSS selector typed or picked from the
//! suggestions of a `<datalist>`).

use std::sync::atomic::{AtomicU32, Ordering};

use leptos::prelude::*;
use tradelens_core::decode::generic::{Mapping, TimeFormat};
use tradelens_core::decode::time::EpochUnit;
use tradelens_core::feed::preview::{preview, Preview, SampleFormat};
use tradelens_core::format::{clock, date};
use tradelens_core::model::Side;

/// Rows the preview shows.
pub const PREVIEW_ROWS: usize = 5;

fn time_format_name(f: TimeFormat) -> &'static str {
    match f {
        TimeFormat::DateTime { .. } => "datetime",
        TimeFormat::Epoch(EpochUnit::Seconds) => "s",
        TimeFormat::Epoch(EpochUnit::Millis) => "ms",
        TimeFormat::Epoch(EpochUnit::Micros) => "us",
        TimeFormat::Epoch(EpochUnit::Nanos) => "ns",
    }
}

fn time_format_from(name: &str) -> TimeFormat {
    match name {
        "s" => TimeFormat::Epoch(EpochUnit::Seconds),
        "ms" => TimeFormat::Epoch(EpochUnit::Millis),
        "us" => TimeFormat::Epoch(EpochUnit::Micros),
        "ns" => TimeFormat::Epoch(EpochUnit::Nanos),
        _ => TimeFormat::DateTime {
            default_offset_min: Some(0),
        },
    }
}

/// How a source is chosen: from the names found, or typed (with those names suggested).
#[derive(Clone, Copy)]
enum Input {
    Select,
    /// Free text, suggestions from the `<datalist>` of [`list_id`] of this number.
    Typed(u32),
}

fn list_id(n: u32) -> String {
    format!("mapping-sources-{n}")
}

/// One control choosing a source field for a trade field.
fn field_select(
    label: &'static str,
    testid: &'static str,
    (fields, input): (Signal<Vec<String>>, Input),
    optional: bool,
    get: impl Fn(&Mapping) -> Option<String> + Send + Sync + 'static,
    set: impl Fn(&mut Mapping, Option<String>) + Send + Sync + 'static,
    mapping: RwSignal<Option<Mapping>>,
) -> impl IntoView {
    let current = move || mapping.with(|m| m.as_ref().and_then(&get).unwrap_or_default());
    let update = move |v: String| {
        mapping.update(|m| {
            if let Some(m) = m.as_mut() {
                let v = v.trim();
                set(m, (!v.is_empty()).then(|| v.to_string()));
            }
        })
    };
    if let Input::Typed(list) = input {
        return view! {
            <label class="field">
                <span>{label}</span>
                <input
                    type="text"
                    data-testid=testid
                    list=list_id(list)
                    spellcheck="false"
                    placeholder=if optional { "(none)" } else { "CSS selector" }
                    prop:value=current
                    on:input=move |ev| update(event_target_value(&ev))
                />
            </label>
        }
        .into_any();
    }
    view! {
        <label class="field">
            <span>{label}</span>
            <select
                data-testid=testid
                prop:value=current
                on:change=move |ev| update(event_target_value(&ev))
            >
                {optional.then(|| view! { <option value="">"(none)"</option> })}
                {move || {
                    fields
                        .get()
                        .into_iter()
                        .map(|f| view! { <option value=f.clone()>{f.clone()}</option> })
                        .collect_view()
                }}
            </select>
        </label>
    }
    .into_any()
}

/// Chooses the source field of each trade field, the time format and the decimal mark.
///
/// Props: `fields`, the names found in the sample; `mapping`, the mapping being edited
/// (`None` until the sample has a time and a price field); `typed`, sources are typed (CSS
/// selectors of HTML cells) with `fields` as suggestions, instead of chosen from `fields`.
#[component]
pub fn MappingEditor(
    /// Field names found in the sample.
    #[prop(into)]
    fields: Signal<Vec<String>>,
    /// The mapping being edited.
    mapping: RwSignal<Option<Mapping>>,
    /// Sources are typed, `fields` only suggested.
    #[prop(optional)]
    typed: bool,
) -> impl IntoView {
    // Each typed editor needs its own suggestion list id: two forms may show one at once.
    static NEXT_LIST: AtomicU32 = AtomicU32::new(0);
    let list = NEXT_LIST.fetch_add(u32::from(typed), Ordering::Relaxed);
    let input = if typed {
        Input::Typed(list)
    } else {
        Input::Select
    };
    let f = (fields, input);
    view! {
        <fieldset class="mapping" data-testid="mapping-editor">
            <legend>"Field mapping"</legend>
            {typed.then(|| view! {
                <datalist id=list_id(list)>
                    {move || fields.get().into_iter().map(|f| view! { <option value=f></option> }).collect_view()}
                </datalist>
            })}
            {field_select("Time", "map-time", f, false, |m| Some(m.time.clone()), |m, v| m.time = v.unwrap_or_default(), mapping)}
            {field_select("Price", "map-price", f, false, |m| Some(m.price.clone()), |m, v| m.price = v.unwrap_or_default(), mapping)}
            {field_select("Id", "map-id", f, true, |m| m.id.clone(), |m, v| m.id = v, mapping)}
            {field_select("Quantity", "map-qty", f, true, |m| m.qty.clone(), |m, v| m.qty = v, mapping)}
            {field_select("Side", "map-side", f, true, |m| m.side.clone(), |m, v| m.side = v, mapping)}
            {field_select("Symbol or product", "map-symbol", f, true, |m| m.symbol.clone(), |m, v| m.symbol = v, mapping)}
            <label class="field">
                <span>"Time format"</span>
                <select
                    data-testid="map-time-format"
                    prop:value=move || mapping.with(|m| m.as_ref().map_or("datetime", |m| time_format_name(m.time_format)))
                    on:change=move |ev| {
                        let f = time_format_from(&event_target_value(&ev));
                        mapping.update(|m| if let Some(m) = m.as_mut() { m.time_format = f });
                    }
                >
                    <option value="datetime">"Date and time (RFC 3339; UTC if no offset)"</option>
                    <option value="s">"Epoch seconds"</option>
                    <option value="ms">"Epoch milliseconds"</option>
                    <option value="us">"Epoch microseconds"</option>
                    <option value="ns">"Epoch nanoseconds"</option>
                </select>
            </label>
            <label class="field checkbox">
                <input
                    type="checkbox"
                    data-testid="map-decimal-comma"
                    prop:checked=move || mapping.with(|m| m.as_ref().is_some_and(|m| m.decimal_comma))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        mapping.update(|m| if let Some(m) = m.as_mut() { m.decimal_comma = on });
                    }
                />
                <span>"Decimal comma (1.234,56)"</span>
            </label>
        </fieldset>
    }
}

fn side_text(s: Option<Side>) -> &'static str {
    match s {
        Some(Side::Buy) => "buy",
        Some(Side::Sell) => "sell",
        None => "–",
    }
}

/// What the first rows of `sample` decode to under `mapping`: a table of trades (each column
/// header names its source field) and the rows that fail, with why. Nothing is ingested.
///
/// Props: `sample` (bytes), `format`, `mapping` (`None` shows a hint).
#[component]
pub fn MappingPreview(
    /// The sample's bytes.
    #[prop(into)]
    sample: Signal<Vec<u8>>,
    /// How the sample is written.
    #[prop(into)]
    format: Signal<SampleFormat>,
    /// The mapping to apply.
    #[prop(into)]
    mapping: Signal<Option<Mapping>>,
) -> impl IntoView {
    let result = Memo::new(move |_| {
        let m = mapping.get()?;
        Some(
            sample
                .with(|s| preview(format.get(), s, &m, PREVIEW_ROWS))
                .map_err(|e| e.to_string()),
        )
    });
    view! { <PreviewTable result=result mapping=mapping /> }
}

/// A decoded preview as a table: trades, each column header naming its source, and the
/// rows that fail, with why.
///
/// Props: `result` (`None` shows a hint, an error is shown as an alert), `mapping` (for the
/// column headers).
#[component]
pub fn PreviewTable(
    /// The preview, or why there is none.
    #[prop(into)]
    result: Signal<Option<Result<Preview, String>>>,
    /// The mapping applied.
    #[prop(into)]
    mapping: Signal<Option<Mapping>>,
) -> impl IntoView {
    let src = move |f: fn(&Mapping) -> Option<String>| {
        mapping.with(|m| {
            m.as_ref()
                .and_then(f)
                .map_or_else(|| "default".to_string(), |s| format!("← {s}"))
        })
    };
    view! {
        <div class="preview" data-testid="mapping-preview" aria-live="polite">
            {move || match result.get() {
                None => view! { <p class="hint">"Choose at least a time and a price field."</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" data-testid="preview-error" role="alert">{e}</p> }.into_any(),
                Some(Ok(p)) => {
                    let rows = p.decoded.trades.into_iter().map(|t| view! {
                        <tr data-testid="preview-row">
                            <td>{t.id.to_string()}</td>
                            <td>{format!("{} {}", date(t.time_ms), clock(t.time_ms, true))}</td>
                            <td>{t.price.to_string()}</td>
                            <td>{t.qty.to_string()}</td>
                            <td>{side_text(t.side)}</td>
                            <td>{t.symbol.to_string()}</td>
                        </tr>
                    }).collect_view();
                    let rejects = p.decoded.rejects.into_iter().map(|r| view! {
                        <li data-testid="preview-reject">{r.error.to_string()}</li>
                    }).collect_view();
                    view! {
                        <table>
                            <caption>"First rows as they would be ingested"</caption>
                            <thead><tr>
                                <th scope="col">"id " {move || src(|m| m.id.clone())}</th>
                                <th scope="col">"time " {move || src(|m| Some(m.time.clone()))}</th>
                                <th scope="col">"price " {move || src(|m| Some(m.price.clone()))}</th>
                                <th scope="col">"qty " {move || src(|m| m.qty.clone())}</th>
                                <th scope="col">"side " {move || src(|m| m.side.clone())}</th>
                                <th scope="col">"symbol " {move || src(|m| m.symbol.clone())}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                        <ul class="rejects">{rejects}</ul>
                    }.into_any()
                }
            }}
        </div>
    }
}
