//! HTTP GET through `fetch`, bounded and conditional, with CORS refusals told apart from
//! network failures.
//!
//! A cross-origin `fetch` that the server does not allow fails exactly like an unreachable
//! server (a `TypeError`, by design of the platform). To say which it was, a second request in
//! `no-cors` mode is sent: it succeeds with an opaque response when the server answered, so
//! the first failure was CORS.

use js_sys::Uint8Array;
use tradelens_core::feed::keys::KeyBinding;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Headers, ReadableStreamDefaultReader, RequestInit, RequestMode, RequestRedirect, Response,
    ResponseType,
};

use super::error::js_text;
use super::FeedError;

/// The largest body read, bytes.
pub const MAX_BODY_BYTES: usize = 16 << 20;

/// A response read in full (up to the limit).
#[derive(Clone, Debug, PartialEq)]
pub struct Fetched {
    /// HTTP status.
    pub status: u16,
    /// `ETag` header.
    pub etag: Option<String>,
    /// `Retry-After` header.
    pub retry_after: Option<String>,
    /// The body as bytes (empty for 304).
    pub body: Vec<u8>,
}

/// Options of [`fetch_bytes`].
#[derive(Clone, Debug)]
pub struct UseFetchOptions {
    /// Sent as `If-None-Match` when set.
    pub if_none_match: Option<String>,
    /// Largest body read, bytes.
    pub max_body_bytes: usize,
    /// An API key: sent, as its header, only when the request's origin is exactly the one it
    /// is bound to; a redirect is then not followed (the key would go with it).
    pub key: Option<KeyBinding>,
}

impl Default for UseFetchOptions {
    fn default() -> Self {
        UseFetchOptions {
            if_none_match: None,
            max_body_bytes: MAX_BODY_BYTES,
            key: None,
        }
    }
}

/// GETs `url`: the status, caching headers and at most `max_body_bytes` of body.
pub async fn fetch_bytes(url: &str, options: &UseFetchOptions) -> Result<Fetched, FeedError> {
    let window = web_sys::window().ok_or(FeedError::Browser {
        what: "fetch",
        detail: "no window".into(),
    })?;
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_mode(RequestMode::Cors);
    let key = options.key.as_ref().and_then(|k| k.header_for(url));
    if options.if_none_match.is_some() || key.is_some() {
        // Errors name the header, never a value (the browser's own words could quote it).
        let headers = Headers::new().map_err(|e| FeedError::browser("headers", e))?;
        if let Some(tag) = &options.if_none_match {
            headers
                .set("If-None-Match", tag)
                .map_err(|e| FeedError::browser("headers", e))?;
        }
        if let Some((name, value)) = key {
            headers.set(name, value).map_err(|_| FeedError::Browser {
                what: "headers",
                detail: format!("the browser refused the header {name}"),
            })?;
            init.set_redirect(RequestRedirect::Manual);
        }
        init.set_headers(&headers);
    }
    let response = match JsFuture::from(window.fetch_with_str_and_init(url, &init)).await {
        Ok(r) => r,
        Err(_) => {
            return Err(match (diagnose(url).await, key) {
                (FeedError::Cors { url }, Some((header, _))) => FeedError::CorsWithKey {
                    url,
                    header: header.to_owned(),
                },
                (e, _) => e,
            })
        }
    };
    let response: Response = response
        .dyn_into()
        .map_err(|e| FeedError::browser("fetch", e))?;
    if response.type_() == ResponseType::Opaqueredirect {
        return Err(FeedError::Redirected { url: url.into() });
    }
    let header = |name: &str| response.headers().get(name).ok().flatten();
    let etag = header("ETag");
    let retry_after = header("Retry-After");
    if let Some(len) = header("Content-Length").and_then(|l| l.trim().parse::<usize>().ok()) {
        if len > options.max_body_bytes {
            return Err(FeedError::TooLarge {
                size: len,
                limit: options.max_body_bytes,
            });
        }
    }
    let body = match response.body() {
        Some(stream) => read_limited(stream, options.max_body_bytes).await?,
        None => Vec::new(),
    };
    Ok(Fetched {
        status: response.status(),
        etag,
        retry_after,
        body,
    })
}

/// Reads a body stream, failing as soon as it exceeds `limit` bytes.
async fn read_limited(stream: web_sys::ReadableStream, limit: usize) -> Result<Vec<u8>, FeedError> {
    let reader: ReadableStreamDefaultReader = stream
        .get_reader()
        .dyn_into()
        .map_err(|e| FeedError::browser("reading a response", e.into()))?;
    let mut out = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|e| FeedError::browser("reading a response", e))?;
        let done = js_sys::Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            return Ok(out);
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into())
            .map_err(|e| FeedError::browser("reading a response", e))?;
        let bytes: Uint8Array = value
            .dyn_into()
            .map_err(|e| FeedError::browser("reading a response", e))?;
        let n = bytes.length() as usize;
        if out.len() + n > limit {
            let _ = JsFuture::from(reader.cancel()).await;
            return Err(FeedError::TooLarge {
                size: out.len() + n,
                limit,
            });
        }
        let start = out.len();
        out.resize(start + n, 0);
        bytes.copy_to(&mut out[start..]);
    }
}

/// After a failed CORS request: `Cors` when the server answers a `no-cors` request.
pub async fn diagnose(url: &str) -> FeedError {
    let Some(window) = web_sys::window() else {
        return FeedError::Network { url: url.into() };
    };
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_mode(RequestMode::NoCors);
    match JsFuture::from(window.fetch_with_str_and_init(url, &init)).await {
        Ok(_) => FeedError::Cors { url: url.into() },
        Err(e) => {
            leptos::logging::log!("{url}: no response ({})", js_text(&e));
            FeedError::Network { url: url.into() }
        }
    }
}
