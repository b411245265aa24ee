//! Adding a generic HTTP feed (polled JSON, NDJSON, CSV or an HTML page) or an SSE stream:
//! load a sample, map its fields, check the preview, then add. A page is read only where its
//! host allows this page to (CORS); a refusal is said as such.
//!
//! A polled source may take an API key: a header name and a value, checked by
//! `tradelens_core::feed::keys` and kept in this browser only ([`crate::feeds::keys`]), bound
//! to the exact origin of the URL. The value goes nowhere else: not the feed's spec, the saved
//! list, a shared link, a message; the field is emptied once the key is kept.

use std::rc::Rc;

use leptos::prelude::*;
use tradelens_core::decode::generic::Mapping;
use tradelens_core::feed::keys::{KeyBinding, KeyError};
use tradelens_core::feed::preview::{fields, guess_mapping, SampleFormat, SAMPLE_LIMIT};

use super::html_mapping::HtmlMappingEditor;
use super::mapping::{MappingEditor, MappingPreview};
use crate::feeds::html;
use crate::feeds::keys::use_keys;
use crate::feeds::poll::{fetch_bytes, UseFetchOptions};
use crate::feeds::sse::{open_event_source, UseEventSourceOptions, MAX_EVENT_BYTES};
use crate::feeds::{FeedSpec, Feeds};

/// The header an API key goes in unless the visitor names another.
pub const DEFAULT_KEY_HEADER: &str = "X-Api-Key";

/// A form adding a polled HTTP source or an SSE stream with a field mapping. The sample is
/// fetched (or pasted) and previewed; nothing is ingested before "Add feed". No props: needs
/// [`Feeds`] in context (and uses the page's [`crate::feeds::keys::Keys`]).
#[component]
pub fn AddHttpFeed() -> impl IntoView {
    let feeds = expect_context::<Feeds>();
    let keys = use_keys();
    let url = RwSignal::new(String::new());
    // "json", "ndjson", "csv", "html" (polled) or "sse".
    let kind = RwSignal::new("json".to_string());
    let interval_s = RwSignal::new(5u64);
    // SSE: the named event type carrying data, besides unnamed `message` events.
    let event = RwSignal::new(String::new());
    let sample = RwSignal::new(Vec::<u8>::new());
    let mapping = RwSignal::new(None::<Mapping>);
    // HTML pages: the row selector.
    let rows = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    // The optional API key of a polled source, and why it was refused.
    let key_header = RwSignal::new(DEFAULT_KEY_HEADER.to_string());
    let key_value = RwSignal::new(String::new());
    let key_error = RwSignal::new(None::<String>);
    // Which input the refusal is about ("header", "value", or "" for neither).
    let key_invalid = RwSignal::new("");
    let refuse_key = move |e: KeyError| {
        key_invalid.set(match e {
            KeyError::Header(_) => "header",
            KeyError::Value => "value",
            _ => "",
        });
        key_error.set(Some(e.to_string()));
    };
    let key_ok = move || {
        key_error.set(None);
        key_invalid.set("");
    };
    // The key the form holds for `url`: none when its value is empty or the source is SSE
    // (an EventSource cannot send a header).
    let key_for = move |url: &str| -> Result<Option<KeyBinding>, KeyError> {
        let value = key_value.get_untracked();
        if value.is_empty() || kind.get_untracked() == "sse" {
            return Ok(None);
        }
        KeyBinding::new(url, &key_header.get_untracked(), &value).map(Some)
    };
    let sse_probe = StoredValue::new_local(None::<crate::feeds::sse::UseEventSourceReturn>);
    let format = Signal::derive(move || {
        SampleFormat::from_name(&kind.get()).unwrap_or(SampleFormat::Ndjson)
    });
    let is_html = move || format.get() == SampleFormat::Html;
    let field_names = Signal::derive(move || sample.with(|s| fields(format.get(), s)));
    let page = Signal::derive(move || sample.with(|s| String::from_utf8_lossy(s).into_owned()));
    let set_sample = move |bytes: Vec<u8>| {
        if format.get_untracked() == SampleFormat::Html {
            let (r, m) = html::guess(&String::from_utf8_lossy(&bytes));
            rows.set(r);
            mapping.set(Some(m));
        } else if mapping.get_untracked().is_none() {
            mapping.set(guess_mapping(&fields(format.get_untracked(), &bytes)));
        }
        sample.set(bytes);
    };
    let load = move |_| {
        let u = url.get_untracked();
        if u.trim().is_empty() {
            message.set("Enter a URL first.".into());
            return;
        }
        // The sample is fetched with the key being entered, which is kept only once the feed
        // is added.
        let key = match key_for(&u) {
            Ok(k) => k,
            Err(e) => {
                refuse_key(e);
                message.set("Correct the API key first.".into());
                return;
            }
        };
        key_ok();
        message.set("Loading a sample…".into());
        if kind.get_untracked() == "sse" {
            // The first event is the sample; the probe closes after it.
            let opened = open_event_source(
                &u,
                UseEventSourceOptions {
                    max_event_bytes: MAX_EVENT_BYTES,
                    event_types: vec![event.get_untracked()],
                    on_open: Rc::new(|| {}),
                    on_message: Rc::new(move |data: String| {
                        set_sample(data.into_bytes());
                        message.set("Sample loaded from the first event.".into());
                        // Closed after this callback returns: a callback must not free itself.
                        leptos::task::spawn_local(async move { sse_probe.set_value(None) });
                    }),
                    on_error: Rc::new(move |e, _| message.set(e.to_string())),
                },
            );
            match opened {
                Ok(es) => sse_probe.set_value(Some(es)),
                Err(e) => message.set(e.to_string()),
            }
            return;
        }
        leptos::task::spawn_local(async move {
            let options = UseFetchOptions {
                max_body_bytes: 16 << 20,
                key,
                ..UseFetchOptions::default()
            };
            match fetch_bytes(&u, &options).await {
                Ok(r) if r.status == 200 => {
                    let mut body = r.body;
                    body.truncate(SAMPLE_LIMIT * 4);
                    set_sample(body);
                    message.set("Sample loaded.".into());
                }
                Ok(r) => message.set(format!("HTTP {} from {u}", r.status)),
                Err(e) => message.set(e.to_string()),
            }
        });
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(m) = mapping.get_untracked() else {
            message.set("Load or paste a sample and map at least time and price.".into());
            return;
        };
        let u = url.get_untracked();
        let html_rows =
            (format.get_untracked() == SampleFormat::Html).then(|| rows.get_untracked());
        if let Some(r) = &html_rows {
            if let Err(e) = html::check_mapping(r, &m) {
                message.set(e);
                return;
            }
        }
        let key = match key_for(&u) {
            Ok(k) => k,
            Err(e) => {
                refuse_key(e);
                message.set(
                    "Correct the API key, or empty its value to add the feed without one.".into(),
                );
                return;
            }
        };
        key_ok();
        let spec = if kind.get_untracked() == "sse" {
            FeedSpec::Sse {
                url: u,
                event: event.get_untracked(),
                mapping: m,
            }
        } else {
            FeedSpec::Poll {
                url: u,
                format: format.get_untracked(),
                mapping: m,
                rows: html_rows,
                interval_ms: interval_s.get_untracked().max(1) * 1000,
            }
        };
        let Some(key) = key else {
            feeds.add(spec);
            message.set("Feed added.".into());
            return;
        };
        let feed_key = spec.key();
        let origin = key.origin().to_owned();
        if let Err(e) = keys.bind(&feed_key, key) {
            key_error.set(Some(format!("{e}; the feed was not added.")));
            return;
        }
        key_value.set(String::new());
        // Binding a key to a feed already listed (one a shared link added, say) restarts it
        // with the key rather than adding it twice.
        let listed = feeds.entries.with_untracked(|v| {
            v.iter()
                .find(|e| matches!(e.spec, FeedSpec::Poll { .. }) && e.spec.key() == feed_key)
                .map(|e| e.id)
        });
        match listed {
            Some(id) => {
                feeds.edit(id, spec);
                message.set(format!(
                    "Key bound to {origin}; the feed restarted with it."
                ));
            }
            None => {
                feeds.add(spec);
                message.set(format!("Feed added; its key is sent only to {origin}."));
            }
        }
    };
    view! {
        <form class="add-feed" data-testid="add-http" on:submit=on_submit>
            <h3>"HTTP or SSE source"</h3>
            <label class="field wide">
                <span>"URL"</span>
                <input
                    type="url"
                    required
                    data-testid="http-url"
                    placeholder="https://example.com/orders.ndjson"
                    prop:value=move || url.get()
                    on:input=move |ev| url.set(event_target_value(&ev))
                />
            </label>
            <label class="field">
                <span>"Format"</span>
                <select
                    data-testid="http-format"
                    prop:value=move || kind.get()
                    on:change=move |ev| {
                        kind.set(event_target_value(&ev));
                        mapping.set(None);
                        let s = sample.get_untracked();
                        if !s.is_empty() {
                            set_sample(s);
                        }
                    }
                >
                    <option value="json">"JSON array (polled)"</option>
                    <option value="ndjson">"NDJSON (polled)"</option>
                    <option value="csv">"CSV (polled)"</option>
                    <option value="html">"HTML page (polled; the site must allow it, CORS)"</option>
                    <option value="sse">"Server-sent events (JSON data)"</option>
                </select>
            </label>
            <label class="field" class:hidden=move || kind.get() == "sse">
                <span>"Poll every (s)"</span>
                <input
                    type="number"
                    min="1"
                    data-testid="http-interval"
                    prop:value=move || interval_s.get().to_string()
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse() {
                            interval_s.set(v);
                        }
                    }
                />
            </label>
            <label class="field" class:hidden=move || kind.get() != "sse">
                <span>"Event type (optional)"</span>
                <input
                    data-testid="http-event"
                    placeholder="message"
                    prop:value=move || event.get()
                    on:input=move |ev| event.set(event_target_value(&ev))
                />
            </label>
            <fieldset class="api-key" class:hidden=move || kind.get() == "sse" data-testid="http-key">
                <legend>"API key (optional)"</legend>
                <label class="field">
                    <span>"Header"</span>
                    <input
                        data-testid="http-key-header"
                        autocomplete="off"
                        spellcheck="false"
                        maxlength="64"
                        aria-invalid=move || (key_invalid.get() == "header").to_string()
                        aria-describedby="http-key-hint http-key-error"
                        prop:value=move || key_header.get()
                        on:input=move |ev| {
                            key_header.set(event_target_value(&ev));
                            key_ok();
                        }
                    />
                </label>
                <label class="field">
                    <span>"Key"</span>
                    <input
                        type="password"
                        data-testid="http-key-value"
                        autocomplete="off"
                        spellcheck="false"
                        aria-invalid=move || (key_invalid.get() == "value").to_string()
                        aria-describedby="http-key-hint http-key-error"
                        prop:value=move || key_value.get()
                        on:input=move |ev| {
                            key_value.set(event_target_value(&ev));
                            key_ok();
                        }
                    />
                </label>
                <p class="error" role="alert" id="http-key-error" data-testid="http-key-error">
                    {move || key_error.get()}
                </p>
                <p class="hint" id="http-key-hint">
                    "Kept in this browser only, sent only to the exact origin of the URL, never put in a shared link."
                </p>
                <p class="error" data-testid="http-key-problem">{move || keys.problem.get()}</p>
            </fieldset>
            <button type="button" data-testid="http-load" on:click=load>"Load sample"</button>
            <label class="field wide">
                <span>"…or paste a sample"</span>
                <textarea
                    rows="3"
                    data-testid="http-sample"
                    on:change=move |ev| {
                        mapping.set(None);
                        set_sample(event_target_value(&ev).into_bytes());
                    }
                ></textarea>
            </label>
            <p class="hint" role="status" data-testid="http-message">{move || message.get()}</p>
            <Show when=move || !sample.with(Vec::is_empty) && !is_html()>
                <MappingEditor fields=field_names mapping=mapping />
                <MappingPreview sample=sample format=format mapping=mapping />
            </Show>
            <Show when=move || !sample.with(Vec::is_empty) && is_html()>
                <HtmlMappingEditor page=page rows=rows mapping=mapping />
            </Show>
            <button type="submit" data-testid="http-add" disabled=move || mapping.with(Option::is_none)>
                "Add feed"
            </button>
        </form>
    }
}
