//! How much the origin stores and may store (`navigator.storage.estimate()`), and a request
//! for persistent storage (`navigator.storage.persist()`) made after the user's first
//! gesture, when browsers are most willing to grant it and no prompt comes out of nowhere.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::StorageError;

/// Usage and quota in bytes, as the browser estimates them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Bytes used by this origin.
    pub usage: f64,
    /// Bytes this origin may use.
    pub quota: f64,
}

impl Estimate {
    /// Share of the quota used, in `[0, 1]`; `None` when the quota is unknown (zero).
    pub fn used_fraction(&self) -> Option<f64> {
        (self.quota > 0.0).then(|| (self.usage / self.quota).clamp(0.0, 1.0))
    }
}

/// Bytes as "12.3 MB" or "1.2 GB".
pub fn megabytes(bytes: f64) -> String {
    if bytes >= 1e9 {
        format!("{:.1} GB", bytes / 1e9)
    } else {
        format!("{:.1} MB", bytes / 1e6)
    }
}

impl Estimate {
    /// "12.3 MB of 1.2 GB (1%)".
    pub fn describe(&self) -> String {
        let share = self
            .used_fraction()
            .map(|f| format!(" ({:.0}%)", f * 100.0))
            .unwrap_or_default();
        format!(
            "{} of {}{share}",
            megabytes(self.usage),
            megabytes(self.quota)
        )
    }
}

fn manager() -> Result<web_sys::StorageManager, StorageError> {
    web_sys::window()
        .map(|w| w.navigator().storage())
        .ok_or_else(|| StorageError::Unavailable {
            message: "no window".into(),
        })
}

/// The browser's estimate of usage and quota.
pub async fn estimate() -> Result<Estimate, StorageError> {
    let v = JsFuture::from(manager()?.estimate()?).await?;
    let num = |k: &str| {
        Reflect::get(&v, &JsValue::from_str(k))
            .ok()
            .and_then(|x| x.as_f64())
            .unwrap_or(0.0)
    };
    Ok(Estimate {
        usage: num("usage"),
        quota: num("quota"),
    })
}

/// Whether the origin's storage is persistent (`navigator.storage.persisted()`).
pub async fn persisted() -> Result<bool, StorageError> {
    let v = JsFuture::from(manager()?.persisted()?).await?;
    Ok(v.as_bool().unwrap_or(false))
}

/// Asks for persistent storage; resolves to whether it is granted.
pub async fn persist() -> Result<bool, StorageError> {
    let v = JsFuture::from(manager()?.persist()?).await?;
    Ok(v.as_bool().unwrap_or(false))
}

/// Calls [`persist`] once, after the first click or key press on the page; `on_result` gets
/// whether storage is persistent.
pub fn persist_after_first_gesture(on_result: impl Fn(bool) + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let done = Rc::new(Cell::new(false));
    let on_result = Rc::new(on_result);
    let handler = Closure::<dyn FnMut()>::new(move || {
        if done.replace(true) {
            return;
        }
        let on_result = on_result.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match persist().await {
                Ok(granted) => on_result(granted),
                Err(e) => leptos::logging::warn!("persistent storage request failed: {e}"),
            }
        });
    });
    for event in ["pointerdown", "keydown"] {
        let _ = window.add_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
    }
    // Lives as long as the page: the listeners stay, and do nothing after the first call.
    handler.forget();
}
