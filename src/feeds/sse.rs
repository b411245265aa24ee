//! Server-sent events through `EventSource`: each event's data is handed over as text,
//! bounded in size. The browser reconnects by itself (sending `Last-Event-ID`); errors are
//! reported, and a source the browser gave up on is reported as closed.

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventSource, MessageEvent};

use super::FeedError;

/// The largest event data accepted, bytes (UTF-16 units, an upper bound check).
pub const MAX_EVENT_BYTES: usize = 1 << 20;

/// Callbacks and limits of [`open_event_source`].
#[derive(Clone)]
pub struct UseEventSourceOptions {
    /// Largest event data accepted.
    pub max_event_bytes: usize,
    /// Named event types to receive besides unnamed (`message`) ones, such as `order` for
    /// `event: order` lines.
    pub event_types: Vec<String>,
    /// The connection opened (or reopened).
    pub on_open: Rc<dyn Fn()>,
    /// An event's data.
    pub on_message: Rc<dyn Fn(String)>,
    /// An error; `closed` is true when the browser will not retry.
    pub on_error: Rc<dyn Fn(FeedError, bool)>,
}

/// An open event source; dropping it closes it and detaches the callbacks.
pub struct UseEventSourceReturn {
    es: EventSource,
    event_types: Vec<String>,
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

impl UseEventSourceReturn {
    /// Detaches every callback and closes the source.
    pub fn detach(&self) {
        self.es.set_onopen(None);
        self.es.set_onmessage(None);
        self.es.set_onerror(None);
        for t in &self.event_types {
            let _ = self
                .es
                .remove_event_listener_with_callback(t, self._on_message.as_ref().unchecked_ref());
        }
        self.es.close();
    }
}

impl Drop for UseEventSourceReturn {
    fn drop(&mut self) {
        self.detach();
    }
}

/// Opens an `EventSource` on `url`.
pub fn open_event_source(
    url: &str,
    options: UseEventSourceOptions,
) -> Result<UseEventSourceReturn, FeedError> {
    let es = EventSource::new(url).map_err(|e| FeedError::Open {
        url: url.into(),
        detail: super::error::js_text(&e),
    })?;
    let o = options.clone();
    let on_open = Closure::<dyn FnMut(Event)>::new(move |_| (o.on_open)());
    let o = options.clone();
    let limit = options.max_event_bytes;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let data = ev.data();
        match data.dyn_ref::<js_sys::JsString>() {
            Some(s) if s.length() as usize > limit => (o.on_error)(
                FeedError::TooLarge {
                    size: s.length() as usize,
                    limit,
                },
                false,
            ),
            Some(s) => (o.on_message)(String::from(s)),
            None => {}
        }
    });
    let types = options.event_types.clone();
    let o = UseEventSourceOptions {
        event_types: types,
        ..options
    };
    let es2 = es.clone();
    let u = url.to_string();
    let on_error = Closure::<dyn FnMut(Event)>::new(move |_| {
        let closed = es2.ready_state() == EventSource::CLOSED;
        (o.on_error)(FeedError::Network { url: u.clone() }, closed);
    });
    es.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    es.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    es.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let event_types: Vec<String> = options
        .event_types
        .iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty() && t != "message")
        .collect();
    for t in &event_types {
        es.add_event_listener_with_callback(t, on_message.as_ref().unchecked_ref())
            .map_err(|e| FeedError::browser("listening for SSE events", e))?;
    }
    Ok(UseEventSourceReturn {
        es,
        event_types,
        _on_open: on_open,
        _on_message: on_message,
        _on_error: on_error,
    })
}
