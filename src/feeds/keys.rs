//! API keys kept in this browser's localStorage under [`STORAGE_KEY`], one per feed (by its
//! [`FeedSpec::key`](super::FeedSpec::key)), each bound to the exact origin of the feed's
//! address (`tradelens_core::feed::keys`). Nothing else holds a key: not the feed's spec, the
//! saved feed list, a shared link, a log or an error message.
//!
//! The poll task reads its feed's binding before each request ([`binding_for`]), so a key
//! bound, forgotten or dropped by a shared link (in this tab or another) takes effect on the
//! next poll. Components read and change bindings through the [`Keys`] context, which keeps
//! them reactive.

use leptos::prelude::*;
use tradelens_core::feed::keys::{encode_bindings, parse_bindings, KeyBinding, LoadedBindings};

/// The localStorage key.
pub const STORAGE_KEY: &str = "tradelens.keys";

/// Why a binding could not be kept or removed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyStoreError {
    /// This browser gives the page no localStorage (a privacy setting, a sandbox).
    #[error("this browser does not let the page keep data ({0}), so no API key can be kept")]
    Unavailable(String),
    /// Writing was refused: storage full, or forbidden.
    #[error("the API keys could not be saved in this browser ({0})")]
    Write(String),
}

fn storage() -> Result<web_sys::Storage, KeyStoreError> {
    web_sys::window()
        .ok_or_else(|| KeyStoreError::Unavailable("no window".into()))?
        .local_storage()
        .map_err(|e| KeyStoreError::Unavailable(super::error::js_text(&e)))?
        .ok_or_else(|| KeyStoreError::Unavailable("localStorage is missing".into()))
}

/// The stored bindings, each checked; a problem reading them is said, never a panic.
pub fn load() -> LoadedBindings {
    let text = match storage().map(|s| s.get_item(STORAGE_KEY)) {
        Ok(Ok(Some(t))) => t,
        Ok(Ok(None)) => return LoadedBindings::default(),
        Ok(Err(e)) => {
            return LoadedBindings {
                problem: Some(format!(
                    "The API keys kept in this browser could not be read ({}); none is sent.",
                    super::error::js_text(&e)
                )),
                ..LoadedBindings::default()
            }
        }
        // No localStorage: there is nothing stored to read, and binding says why it fails.
        Err(_) => return LoadedBindings::default(),
    };
    parse_bindings(&text)
}

/// The binding of the feed keyed `feed`, if one is stored.
pub fn binding_for(feed: &str) -> Option<KeyBinding> {
    load().bindings.remove(feed)
}

/// Changes the stored bindings with `change` and writes them back (removing the entry when
/// none is left). Bindings that were unreadable are not written back: they are dropped.
fn update(
    change: impl FnOnce(&mut tradelens_core::feed::keys::Bindings),
) -> Result<(), KeyStoreError> {
    let store = storage()?;
    let mut bindings = load().bindings;
    change(&mut bindings);
    let written = if bindings.is_empty() {
        store.remove_item(STORAGE_KEY)
    } else {
        store.set_item(STORAGE_KEY, &encode_bindings(&bindings))
    };
    written.map_err(|e| KeyStoreError::Write(dom_error_name(&e)))
}

/// The DOMException's name and message (`QuotaExceededError: …`), which never hold the data
/// that was being written.
fn dom_error_name(e: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    match e.dyn_ref::<web_sys::DomException>() {
        Some(d) if d.name() == "QuotaExceededError" => "its storage for this site is full".into(),
        Some(d) => format!("{}: {}", d.name(), d.message()),
        None => super::error::js_text(e),
    }
}

/// Keeps `binding` for the feed keyed `feed` (replacing any).
pub fn store(feed: &str, binding: KeyBinding) -> Result<(), KeyStoreError> {
    update(|b| {
        b.insert(feed.to_owned(), binding);
    })
}

/// Removes the bindings of the feeds keyed `feeds`; returns the origins whose keys were
/// removed (empty when none was stored).
pub fn remove(feeds: &[String]) -> Result<Vec<String>, KeyStoreError> {
    let mut origins = Vec::new();
    let stored = load().bindings;
    if !feeds.iter().any(|f| stored.contains_key(f)) {
        return Ok(origins);
    }
    update(|b| {
        for f in feeds {
            if let Some(k) = b.remove(f) {
                origins.push(k.origin().to_owned());
            }
        }
    })?;
    origins.sort();
    origins.dedup();
    Ok(origins)
}

/// What a feed row shows of its binding: never the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoundKey {
    /// The origin the key is sent to.
    pub origin: String,
    /// The header carrying it.
    pub header: String,
}

/// The page's view of the stored keys; `Copy`, read with [`use_keys`].
#[derive(Clone, Copy)]
pub struct Keys {
    /// Bumped on every change made through this context.
    revision: RwSignal<u64>,
    /// Why the stored keys were not read, if they were not.
    pub problem: RwSignal<Option<String>>,
}

impl Keys {
    fn new() -> Keys {
        Keys {
            revision: RwSignal::new(0),
            problem: RwSignal::new(load().problem),
        }
    }

    /// The key bound for the feed keyed `feed`, without its value; tracks changes.
    pub fn bound(&self, feed: &str) -> Option<BoundKey> {
        self.revision.track();
        binding_for(feed).map(|k| BoundKey {
            origin: k.origin().to_owned(),
            header: k.header().to_owned(),
        })
    }

    fn changed(&self) {
        self.problem.set(load().problem);
        self.revision.update(|r| *r += 1);
    }

    /// Keeps `binding` for the feed keyed `feed`.
    pub fn bind(&self, feed: &str, binding: KeyBinding) -> Result<(), KeyStoreError> {
        let done = store(feed, binding);
        self.changed();
        done
    }

    /// Forgets the key of the feed keyed `feed` (the feed goes on without it).
    pub fn forget(&self, feed: &str) -> Result<(), KeyStoreError> {
        let done = remove(&[feed.to_owned()]).map(|_| ());
        self.changed();
        done
    }

    /// Forgets the keys of the feeds keyed `feeds`; returns the origins they were bound to.
    pub fn forget_all(&self, feeds: &[String]) -> Result<Vec<String>, KeyStoreError> {
        let done = remove(feeds);
        self.changed();
        done
    }

    /// The feed keyed `old` now reads `new_url` (keyed `new`): its key follows when the new
    /// address has the same origin, and is forgotten otherwise (a key never goes to an
    /// origin the visitor did not bind it to).
    pub fn moved(&self, old: &str, new: &str, new_url: &str) -> Result<(), KeyStoreError> {
        if old == new || binding_for(old).is_none() {
            return Ok(());
        }
        let done = update(|b| {
            if let Some(k) = b.remove(old) {
                if k.header_for(new_url).is_some() {
                    b.insert(new.to_owned(), k);
                }
            }
        });
        self.changed();
        done
    }
}

/// Creates the page's [`Keys`] and provides it.
pub fn provide_keys_context() -> Keys {
    let keys = Keys::new();
    provide_context(keys);
    keys
}

/// The page's [`Keys`]; one of its own, provided here, when none is in context (a component
/// mounted alone in a test).
pub fn use_keys() -> Keys {
    use_context::<Keys>().unwrap_or_else(provide_keys_context)
}
