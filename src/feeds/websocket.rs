//! A WebSocket with bounded messages and callbacks, never a panic.
//!
//! `binaryType` is `arraybuffer`, so binary frames arrive as bytes (decoded as UTF-8 text,
//! which is what every venue sends). A message over the size limit is dropped before it is
//! copied into WebAssembly memory, and reported to `on_error`.

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket};

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
    ws: WebSocket,
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

impl UseWebSocketReturn {
    /// Sends a text message; failures go to the caller.
    pub fn send(&self, text: &str) -> Result<(), FeedError> {
        self.ws
            .send_with_str(text)
            .map_err(|e| FeedError::browser("sending on the WebSocket", e))
    }

    /// True while the socket is open.
    pub fn is_open(&self) -> bool {
        self.ws.ready_state() == WebSocket::OPEN
    }
}

impl UseWebSocketReturn {
    /// Detaches every callback and closes the socket; nothing is reported after this.
    pub fn detach(&self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        self.ws.set_onerror(None);
        let _ = self.ws.close_with_code(1000);
    }
}

impl Drop for UseWebSocketReturn {
    fn drop(&mut self) {
        self.detach();
    }
}

/// Opens a WebSocket to `url` with `options`.
pub fn open_websocket(
    url: &str,
    options: UseWebSocketOptions,
) -> Result<UseWebSocketReturn, FeedError> {
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
        ws,
        _on_open: on_open,
        _on_message: on_message,
        _on_close: on_close,
        _on_error: on_error,
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
