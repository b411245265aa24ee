//! Importing a file: pick or drop it, choose its dialect, map and preview generic formats,
//! then stream it in chunks (progress, rate and cancel live in its row of the feed list). A
//! saved HTML page is read whole, up to [`html::PAGE_LIMIT`] bytes.

use leptos::prelude::*;
use tradelens_core::decode::encoding::sniff;
use tradelens_core::decode::generic::Mapping;
use tradelens_core::feed::preview::{fields, guess_mapping, SampleFormat, SAMPLE_LIMIT};
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, File, HtmlInputElement};

use super::html_mapping::HtmlMappingEditor;
use super::mapping::{MappingEditor, MappingPreview};
use super::util::read_blob_prefix;
use crate::feeds::html;
use crate::feeds::spec::FileFormat;
use crate::feeds::{FeedSpec, Feeds};

fn format_name(f: FileFormat) -> &'static str {
    match f {
        FileFormat::Generic(g) => g.name(),
        FileFormat::Shopify => "shopify",
        FileFormat::Stripe => "stripe",
    }
}

fn format_from(name: &str) -> FileFormat {
    match name {
        "shopify" => FileFormat::Shopify,
        "stripe" => FileFormat::Stripe,
        other => FileFormat::Generic(SampleFormat::from_name(other).unwrap_or(SampleFormat::Csv)),
    }
}

/// A file picker and drop zone. Generic files (CSV, NDJSON, JSON, a saved HTML page) show the
/// mapping form and a preview of their first rows; Shopify and Stripe exports need no
/// mapping. A file in another encoding than UTF-8 is refused at once, saying which. No props:
/// needs [`Feeds`] in context.
///
/// `data-state` on the form: `empty`, `reading` (the sample), `ready`, or `refused`.
#[component]
pub fn AddFileFeed() -> impl IntoView {
    let feeds = expect_context::<Feeds>();
    let file = StoredValue::new_local(None::<File>);
    let name = RwSignal::new(String::new());
    let format = RwSignal::new(FileFormat::Generic(SampleFormat::Csv));
    let sample = RwSignal::new(Vec::<u8>::new());
    let mapping = RwSignal::new(None::<Mapping>);
    // HTML pages: the row selector.
    let rows = RwSignal::new(String::new());
    let dragging = RwSignal::new(false);
    let message = RwSignal::new(String::new());
    let state = RwSignal::new("empty");
    // Why the chosen file cannot be imported at all (its encoding), if it cannot.
    let refused = RwSignal::new(None::<String>);
    let generic = Signal::derive(move || match format.get() {
        FileFormat::Generic(g) => Some(g),
        _ => None,
    });
    let sample_format = Signal::derive(move || generic.get().unwrap_or(SampleFormat::Csv));
    let is_html = move || generic.get() == Some(SampleFormat::Html);
    let field_names = Signal::derive(move || sample.with(|s| fields(sample_format.get(), s)));
    let page = Signal::derive(move || sample.with(|s| String::from_utf8_lossy(s).into_owned()));
    // The first guess of a mapping for the sample in `format`.
    let guess = move |f: FileFormat, bytes: &[u8]| match f {
        FileFormat::Generic(SampleFormat::Html) => {
            let (r, m) = html::guess(&String::from_utf8_lossy(bytes));
            rows.set(r);
            Some(m)
        }
        FileFormat::Generic(g) => guess_mapping(&fields(g, bytes)),
        _ => None,
    };

    let choose = move |f: File| {
        let n = f.name();
        let lower = n.to_ascii_lowercase();
        let guessed = if lower.contains("shopify") || lower.starts_with("orders_export") {
            FileFormat::Shopify
        } else if lower.contains("stripe") || lower.contains("payments") {
            FileFormat::Stripe
        } else {
            FileFormat::Generic(SampleFormat::guess(&n))
        };
        format.set(guessed);
        name.set(n);
        mapping.set(None);
        sample.set(Vec::new());
        refused.set(None);
        state.set("reading");
        file.set_value(Some(f.clone()));
        leptos::task::spawn_local(async move {
            match read_blob_prefix(&f, SAMPLE_LIMIT).await {
                Ok(bytes) => {
                    if let Err(e) = sniff(&bytes) {
                        message.set(e.to_string());
                        refused.set(Some(e.to_string()));
                        state.set("refused");
                        return;
                    }
                    mapping.set(guess(format.get_untracked(), &bytes));
                    sample.set(bytes);
                    message.set(String::new());
                    state.set("ready");
                }
                Err(e) => {
                    message.set(e.to_string());
                    state.set("refused");
                }
            }
        });
    };
    let on_pick = move |ev: leptos::ev::Event| {
        let input: Option<HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        if let Some(f) = input.and_then(|i| i.files()).and_then(|l| l.get(0)) {
            choose(f);
        }
    };
    let on_drop = move |ev: DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(f) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|l| l.get(0))
        {
            choose(f);
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(f) = file.get_value() else {
            message.set("Choose a file first.".into());
            return;
        };
        if let Some(why) = refused.get_untracked() {
            message.set(why);
            return;
        }
        let fmt = format.get_untracked();
        let m = mapping.get_untracked();
        if matches!(fmt, FileFormat::Generic(_)) && m.is_none() {
            message.set("Map at least a time and a price field.".into());
            return;
        }
        let html_rows =
            (fmt == FileFormat::Generic(SampleFormat::Html)).then(|| rows.get_untracked());
        if let (Some(r), Some(m)) = (&html_rows, &m) {
            if f.size() > html::PAGE_LIMIT as f64 {
                message.set(format!(
                    "HTML pages are read whole, up to {} MB: this one is {:.0} MB",
                    html::PAGE_LIMIT >> 20,
                    f.size() / f64::from(1 << 20)
                ));
                return;
            }
            if let Err(e) = html::check_mapping(r, m) {
                message.set(e);
                return;
            }
        }
        feeds.import(
            FeedSpec::File {
                name: f.name(),
                format: fmt,
                mapping: m,
                rows: html_rows,
            },
            f.into(),
        );
        message.set("Import started: see its progress in the feed list.".into());
    };
    view! {
        <form class="add-feed" data-testid="add-file" data-state=move || state.get() on:submit=on_submit>
            <h3>"File import"</h3>
            <div
                class="dropzone"
                class:dragging=move || dragging.get()
                data-testid="file-drop"
                on:dragover=move |ev: DragEvent| {
                    ev.prevent_default();
                    dragging.set(true);
                }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop
            >
                <label class="field">
                    <span>"Choose a file or drop it here (CSV, NDJSON, JSON, a saved HTML page, Shopify or Stripe export)"</span>
                    <input type="file" data-testid="file-input" accept=".csv,.ndjson,.jsonl,.json,.html,.htm,text/csv,application/json,text/html" on:change=on_pick />
                </label>
                <p class="hint">{move || name.get()}</p>
            </div>
            <label class="field">
                <span>"Format"</span>
                <select
                    data-testid="file-format"
                    prop:value=move || format_name(format.get())
                    on:change=move |ev| {
                        let f = format_from(&event_target_value(&ev));
                        format.set(f);
                        mapping.set(sample.with_untracked(|s| guess(f, s)));
                    }
                >
                    <option value="csv">"CSV"</option>
                    <option value="ndjson">"NDJSON"</option>
                    <option value="json">"JSON array"</option>
                    <option value="html">"HTML page, saved (up to 64 MB)"</option>
                    <option value="shopify">"Shopify order export"</option>
                    <option value="stripe">"Stripe payments export"</option>
                </select>
            </label>
            <Show when=move || generic.get().is_some() && !sample.with(Vec::is_empty) && !is_html()>
                <MappingEditor fields=field_names mapping=mapping />
                <MappingPreview sample=sample format=sample_format mapping=mapping />
            </Show>
            <Show when=move || !sample.with(Vec::is_empty) && is_html()>
                <HtmlMappingEditor page=page rows=rows mapping=mapping />
            </Show>
            <p class="hint" role="status" data-testid="file-message">{move || message.get()}</p>
            <button type="submit" data-testid="file-import" disabled=move || name.with(String::is_empty)>
                "Import"
            </button>
        </form>
    }
}
