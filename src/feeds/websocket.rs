//! A WebSocket with bounded messages and callbacks, never a panic.
//!
//! In the app the socket lives in a dedicated worker (`assets/socket-worker.js`, named by the
//! page's `tradelens-socket-worker` meta tag) that hands its messages over in batches: at
//! thousands of messages a second the browser's per-message work (a receive, a task, an event
//! and a call into wasm each) had saturated the main thread. The callbacks are the same either
//! way, called once per message in arrival order. Pages without the meta tag (the browser
//! tests) and pages whose worker failed to start open the socket in their own thread.
//!
//! `binaryType` is `arraybuffer`, so binary frames arrive as bytes (decoded as UTF-8 text,
//! which is what every venue sends). A message over the size limit is dropped before it is
//! copied into WebAssembly memory, and reported to `on_error`. The worker bounds what the page
//! has not yet read: past 64 MB it closes the socket, and the feed reconnects (venue feeds
//! then backfill the gap by trade id).

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket, Worker};

use super::FeedError;

/// The default largest message, bytes. Venue messages are a few hundred bytes; Kraken
/// snapshots a few kilobytes.
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;

/// Callbacks and limits of [`open_websocket`].
#[derive(Clone)]
pub struct UseWebSocketOptions {
    /// Largest message accepted, bytes.
    pub max_message_bytes: usize,
    /// The socket opened.
    pub on_open: Rc<dyn Fn()>,
    /// A text message (or a binary one, read as UTF-8).
    pub on_message: Rc<dyn Fn(String)>,
    /// The socket closed: code and reason (1006 without a close frame).
    pub on_close: Rc<dyn Fn(u16, String)>,
    /// Something went wrong; the socket may still be open.
    pub on_error: Rc<dyn Fn(FeedError)>,
}

/// An open socket. Dropping it detaches the callbacks and closes the socket, so a stale
/// connection never reports into a feed that moved on.
pub struct UseWebSocketReturn {
    transport: Transport,
}

/// Where the socket lives: in this thread, or in a dedicated worker that batches its messages.
enum Transport {
    Direct {
        ws: WebSocket,
        _on_open: Closure<dyn FnMut(Event)>,
        _on_message: Closure<dyn FnMut(MessageEvent)>,
        _on_close: Closure<dyn FnMut(CloseEvent)>,
        _on_error: Closure<dyn FnMut(Event)>,
    },
    Worker {
        worker: Worker,
        state: Rc<WorkerState>,
        _on_message: Closure<dyn FnMut(MessageEvent)>,
        _on_error: Closure<dyn FnMut(Event)>,
    },
}

/// What the page knows of a worker's socket.
#[derive(Default)]
struct WorkerState {
    open: Cell<bool>,
    detached: Cell<bool>,
    /// Bytes (UTF-16 units, as the worker counts) read since the last acknowledgement.
    read: Cell<f64>,
}

/// The page acknowledges what it has read once per this many units: often enough for the
/// worker's 64 MB bound, rarely enough that the acknowledgements cost nothing (one post per
/// batch was 8% of the main thread at 10,000 messages/s).
const ACK_EVERY: f64 = (1 << 20) as f64;

impl UseWebSocketReturn {
    /// Sends a text message; failures go to the caller (or, for a worker's socket, to
    /// `on_error` once the worker has tried).
    pub fn send(&self, text: &str) -> Result<(), FeedError> {
        match &self.transport {
            Transport::Direct { ws, .. } => ws
                .send_with_str(text)
                .map_err(|e| FeedError::browser("sending on the WebSocket", e)),
            Transport::Worker { worker, .. } => {
                post(worker, &[("t", "send".into()), ("text", text.into())])
                    .map_err(|e| FeedError::browser("sending on the WebSocket", e))
            }
        }
    }

    /// True while the socket is open.
    pub fn is_open(&self) -> bool {
        match &self.transport {
            Transport::Direct { ws, .. } => ws.ready_state() == WebSocket::OPEN,
            Transport::Worker { state, .. } => state.open.get() && !state.detached.get(),
        }
    }

    /// Detaches every callback and closes the socket; nothing is reported after this.
    pub fn detach(&self) {
        match &self.transport {
            Transport::Direct { ws, .. } => {
                ws.set_onopen(None);
                ws.set_onmessage(None);
                ws.set_onclose(None);
                ws.set_onerror(None);
                let _ = ws.close_with_code(1000);
            }
            Transport::Worker { worker, state, .. } => {
                if !state.detached.replace(true) {
                    worker.set_onmessage(None);
                    worker.set_onerror(None);
                    // The worker closes its socket and then itself.
                    if post(worker, &[("t", "close".into())]).is_err() {
                        worker.terminate();
                    }
                }
            }
        }
    }
}

impl Drop for UseWebSocketReturn {
    fn drop(&mut self) {
        self.detach();
    }
}

/// Opens a WebSocket to `url` with `options`: in the page's socket worker when the page
/// names one (`<meta name="tradelens-socket-worker" content="…">`, see
/// `assets/socket-worker.js`) and it has not failed before, else in this thread.
pub fn open_websocket(
    url: &str,
    options: UseWebSocketOptions,
) -> Result<UseWebSocketReturn, FeedError> {
    match worker_script() {
        Some(script) => open_in_worker(&script, url, options),
        None => open_direct(url, options),
    }
}

thread_local! {
    /// Set when the socket worker failed to start: later sockets open in this thread.
    static WORKER_FAILED: Cell<bool> = const { Cell::new(false) };
}

/// The socket worker's script, if the page names one and it has not failed.
fn worker_script() -> Option<String> {
    if WORKER_FAILED.with(Cell::get) {
        return None;
    }
    web_sys::window()?
        .document()?
        .query_selector("meta[name=tradelens-socket-worker]")
        .ok()??
        .get_attribute("content")
        .filter(|s| !s.is_empty())
}

/// Posts a plain object of `fields` to `worker`.
fn post(worker: &Worker, fields: &[(&str, JsValue)]) -> Result<(), JsValue> {
    let message = js_sys::Object::new();
    for (k, v) in fields {
        js_sys::Reflect::set(&message, &JsValue::from_str(k), v)?;
    }
    worker.post_message(&message)
}

fn field(obj: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn open_in_worker(
    script: &str,
    url: &str,
    options: UseWebSocketOptions,
) -> Result<UseWebSocketReturn, FeedError> {
    let worker =
        Worker::new(script).map_err(|e| FeedError::browser("starting the socket worker", e))?;
    let state = Rc::new(WorkerState::default());
    let limit = options.max_message_bytes;
    let (o, st, w, u) = (
        options.clone(),
        state.clone(),
        worker.clone(),
        url.to_string(),
    );
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let m = ev.data();
        if st.detached.get() {
            return;
        }
        match field(&m, "t").as_string().as_deref() {
            Some("open") => {
                st.open.set(true);
                (o.on_open)();
            }
            Some("msgs") => {
                let batch: js_sys::Array = field(&m, "data").unchecked_into();
                for text in batch.iter() {
                    // A callback may detach this socket (a venue's shutdown notice): the rest
                    // of the batch then belongs to no one.
                    if st.detached.get() {
                        return;
                    }
                    if let Some(text) = text.as_string() {
                        (o.on_message)(text);
                    }
                }
                let read = st.read.get() + field(&m, "bytes").as_f64().unwrap_or(0.0);
                if read >= ACK_EVERY {
                    let _ = post(&w, &[("t", "ack".into()), ("bytes", read.into())]);
                    st.read.set(0.0);
                } else {
                    st.read.set(read);
                }
            }
            Some("too-large") => {
                let size = field(&m, "size").as_f64().unwrap_or(0.0) as usize;
                (o.on_error)(FeedError::TooLarge { size, limit });
            }
            Some("send-failed") => (o.on_error)(FeedError::Browser {
                what: "sending on the WebSocket",
                detail: field(&m, "detail").as_string().unwrap_or_default(),
            }),
            Some("open-failed") => {
                let detail = field(&m, "detail").as_string().unwrap_or_default();
                (o.on_error)(FeedError::Open {
                    url: u.clone(),
                    detail,
                });
                (o.on_close)(1006, String::new());
            }
            Some("error") => (o.on_error)(FeedError::Network { url: u.clone() }),
            Some("close") => {
                st.open.set(false);
                let code = field(&m, "code").as_f64().unwrap_or(1006.0) as u16;
                (o.on_close)(code, field(&m, "reason").as_string().unwrap_or_default());
            }
            Some("overrun") => {
                st.open.set(false);
                let mb = field(&m, "bytes").as_f64().unwrap_or(0.0) / 1e6;
                (o.on_close)(
                    4000,
                    format!("this page fell {mb:.0} MB behind the feed; reconnecting"),
                );
            }
            _ => {}
        }
    });
    let (o, st) = (options.clone(), state.clone());
    let on_error = Closure::<dyn FnMut(Event)>::new(move |ev: Event| {
        // The script failed to load or threw: later sockets open in the page itself.
        ev.prevent_default();
        WORKER_FAILED.with(|f| f.set(true));
        if st.detached.get() {
            return;
        }
        st.open.set(false);
        let detail = ev
            .dyn_ref::<web_sys::ErrorEvent>()
            .map(|e| e.message())
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| "the script did not load".into());
        (o.on_error)(FeedError::Browser {
            what: "the socket worker",
            detail,
        });
        (o.on_close)(1006, "the socket worker stopped".into());
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    post(
        &worker,
        &[
            ("t", "open".into()),
            ("url", url.into()),
            ("max", (limit as f64).into()),
        ],
    )
    .map_err(|e| FeedError::browser("starting the socket worker", e))?;
    Ok(UseWebSocketReturn {
        transport: Transport::Worker {
            worker,
            state,
            _on_message: on_message,
            _on_error: on_error,
        },
    })
}

fn open_direct(url: &str, options: UseWebSocketOptions) -> Result<UseWebSocketReturn, FeedError> {
    let ws = WebSocket::new(url).map_err(|e| FeedError::Open {
        url: url.to_string(),
        detail: super::error::js_text(&e),
    })?;
    ws.set_binary_type(BinaryType::Arraybuffer);
    let limit = options.max_message_bytes;
    let o = options.clone();
    let on_open = Closure::<dyn FnMut(Event)>::new(move |_| (o.on_open)());
    let o = options.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        match message_text(&ev.data(), limit) {
            Ok(text) => (o.on_message)(text),
            Err(e) => (o.on_error)(e),
        }
    });
    let o = options.clone();
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |ev: CloseEvent| {
        (o.on_close)(ev.code(), ev.reason())
    });
    let o = options;
    let u = url.to_string();
    let on_error = Closure::<dyn FnMut(Event)>::new(move |_| {
        (o.on_error)(FeedError::Network { url: u.clone() });
    });
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    ws.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(UseWebSocketReturn {
        transport: Transport::Direct {
            ws,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
            _on_error: on_error,
        },
    })
}

/// The text of a message's data, checked against `limit` before copying.
fn message_text(data: &JsValue, limit: usize) -> Result<String, FeedError> {
    if let Some(s) = data.dyn_ref::<js_sys::JsString>() {
        // UTF-16 units: each is at most 3 bytes of UTF-8; at least 1.
        let units = s.length() as usize;
        if units > limit {
            return Err(FeedError::TooLarge { size: units, limit });
        }
        return Ok(String::from(s));
    }
    if let Some(buf) = data.dyn_ref::<js_sys::ArrayBuffer>() {
        let size = buf.byte_length() as usize;
        if size > limit {
            return Err(FeedError::TooLarge { size, limit });
        }
        let bytes = js_sys::Uint8Array::new(buf).to_vec();
        return Ok(String::from_utf8_lossy(&bytes).into_owned());
    }
    Err(FeedError::Browser {
        what: "reading a WebSocket message",
        detail: "neither text nor bytes".to_string(),
    })
}
