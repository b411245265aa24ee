//! What can go wrong in a feed client; delivered to `on_error` callbacks and status lines.

use wasm_bindgen::JsValue;

/// A feed client error.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FeedError {
    /// The URL was refused by the browser (bad scheme, blocked port, CSP).
    #[error("cannot open {url}: {detail}")]
    Open {
        /// The URL.
        url: String,
        /// The browser's words.
        detail: String,
    },
    /// A message or body was larger than allowed and was dropped.
    #[error("a message of {size} bytes exceeds the {limit}-byte limit and was dropped")]
    TooLarge {
        /// Its size, bytes (an estimate for text).
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The server is reachable but does not allow this page to read it (no CORS headers).
    #[error("{url} does not allow this page to read it (CORS): use a CORS-enabled proxy")]
    Cors {
        /// The URL.
        url: String,
    },
    /// As [`FeedError::Cors`], for a request carrying an API key: the server may not allow
    /// the key's header.
    #[error(
        "{url} does not allow this page to read it with the header {header} (CORS: the server \
         must allow that header)"
    )]
    CorsWithKey {
        /// The URL.
        url: String,
        /// The header carrying the key (never its value).
        header: String,
    },
    /// The server answered a request carrying an API key with a redirect: it is not followed,
    /// as the key would go with it.
    #[error("{url} redirects elsewhere; a request carrying an API key is not redirected")]
    Redirected {
        /// The URL.
        url: String,
    },
    /// No response at all (offline, DNS, refused connection).
    #[error("no response from {url}")]
    Network {
        /// The URL.
        url: String,
    },
    /// Reading a file failed.
    #[error("reading {name} failed: {detail}")]
    File {
        /// The file name.
        name: String,
        /// The browser's words.
        detail: String,
    },
    /// A browser call failed unexpectedly.
    #[error("{what}: {detail}")]
    Browser {
        /// What was being done.
        what: &'static str,
        /// The browser's words.
        detail: String,
    },
}

impl FeedError {
    /// Wraps a JavaScript exception from `what`.
    pub fn browser(what: &'static str, e: JsValue) -> FeedError {
        FeedError::Browser {
            what,
            detail: js_text(&e),
        }
    }
}

/// A readable text of a JavaScript error value.
pub fn js_text(e: &JsValue) -> String {
    if let Some(s) = e.as_string() {
        return s;
    }
    js_sys::Reflect::get(e, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}
