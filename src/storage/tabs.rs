//! Several tabs, one writer per feed: a Web Lock (`navigator.locks`) named after the feed is
//! held by the tab that writes it, and a `BroadcastChannel` tells the other tabs when a batch
//! was saved, so they can reload it instead of writing it twice.
//!
//! `LockManager` is behind `web_sys_unstable_apis`, so the two calls used are bound here.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;

use super::StorageError;

#[wasm_bindgen]
extern "C" {
    /// `navigator.locks`.
    type LockManager;
    #[wasm_bindgen(method, catch, js_name = request)]
    fn request(
        this: &LockManager,
        name: &str,
        options: &JsValue,
        callback: &Function,
    ) -> Result<Promise, JsValue>;
}

fn lock_manager() -> Result<LockManager, StorageError> {
    let navigator =
        web_sys::window()
            .map(|w| w.navigator())
            .ok_or_else(|| StorageError::Unavailable {
                message: "no window".into(),
            })?;
    let locks = Reflect::get(&navigator, &JsValue::from_str("locks"))?;
    if locks.is_undefined() || locks.is_null() {
        return Err(StorageError::Unavailable {
            message: "Web Locks are not supported".into(),
        });
    }
    Ok(locks.unchecked_into())
}

/// The Web Lock name of the writer of `feed` in database `db`.
pub fn lock_name(db: &str, feed: &str) -> String {
    format!("{db}:writer:{feed}")
}

/// A held Web Lock; released when dropped (or with [`FeedLock::release`]).
pub struct FeedLock {
    release: Option<Function>,
    _callback: Closure<dyn FnMut(JsValue) -> JsValue>,
}

impl FeedLock {
    /// Takes lock `name` if no other tab (or holder) has it; `None` if one has.
    pub async fn try_acquire(name: &str) -> Result<Option<FeedLock>, StorageError> {
        Self::request(name, true).await
    }

    /// Takes lock `name`, waiting as long as another holder has it.
    pub async fn acquire(name: &str) -> Result<FeedLock, StorageError> {
        Self::request(name, false)
            .await?
            .ok_or_else(|| StorageError::Unavailable {
                message: format!("lock {name} was not granted"),
            })
    }

    async fn request(name: &str, if_available: bool) -> Result<Option<FeedLock>, StorageError> {
        let manager = lock_manager()?;
        let options = Object::new();
        Reflect::set(
            &options,
            &"ifAvailable".into(),
            &JsValue::from_bool(if_available),
        )?;
        // The callback gets the lock (or null) and returns a promise that keeps the lock
        // until it resolves: its resolver is the release.
        let granted: Rc<RefCell<Option<Option<Function>>>> = Rc::default();
        let (tx, rx) = futures_channel::oneshot::channel::<()>();
        let tx = RefCell::new(Some(tx));
        let g = granted.clone();
        let callback = Closure::<dyn FnMut(JsValue) -> JsValue>::new(move |lock: JsValue| {
            let result = if lock.is_null() {
                *g.borrow_mut() = Some(None);
                JsValue::UNDEFINED
            } else {
                let mut resolver = None;
                let hold = Promise::new(&mut |resolve, _| resolver = Some(resolve));
                *g.borrow_mut() = Some(resolver);
                hold.into()
            };
            if let Some(tx) = tx.borrow_mut().take() {
                let _ = tx.send(());
            }
            result
        });
        let _done = manager.request(name, &options, callback.as_ref().unchecked_ref())?;
        let _ = rx.await;
        let release = granted.borrow_mut().take().flatten();
        Ok(release.map(|release| FeedLock {
            release: Some(release),
            _callback: callback,
        }))
    }

    /// Releases the lock now.
    pub fn release(mut self) {
        self.release_now();
    }

    fn release_now(&mut self) {
        if let Some(f) = self.release.take() {
            let _ = f.call0(&JsValue::NULL);
        }
    }
}

impl Drop for FeedLock {
    fn drop(&mut self) {
        self.release_now();
    }
}

/// The channel name tabs announce saved batches on.
pub const CHANNEL: &str = "tradelens-batches";

/// A saved batch, as announced to the other tabs.
#[derive(Clone, Debug, PartialEq)]
pub struct Saved {
    /// The feed.
    pub feed: String,
    /// Trades stored.
    pub stored: u32,
    /// Latest trade time stored, ms.
    pub time_max: i64,
}

/// A `BroadcastChannel` of saved batches; listening stops when dropped.
pub struct BatchChannel {
    channel: web_sys::BroadcastChannel,
    _on_message: Option<Closure<dyn FnMut(web_sys::MessageEvent)>>,
}

impl BatchChannel {
    /// Joins channel `name` ([`CHANNEL`] in the app); `on_saved` hears the other tabs.
    pub fn new(
        name: &str,
        on_saved: Option<Box<dyn Fn(Saved)>>,
    ) -> Result<BatchChannel, StorageError> {
        let channel = web_sys::BroadcastChannel::new(name)?;
        let on_message = on_saved.map(|f| {
            let c = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
                move |e: web_sys::MessageEvent| {
                    let data = e.data();
                    let get =
                        |k: &str| Reflect::get(&data, &JsValue::from_str(k)).unwrap_or_default();
                    let (Some(feed), Some(stored), Some(time_max)) = (
                        get("feed").as_string(),
                        get("stored").as_f64(),
                        get("time_max").as_f64(),
                    ) else {
                        return; // not ours
                    };
                    f(Saved {
                        feed,
                        stored: stored as u32,
                        time_max: time_max as i64,
                    });
                },
            );
            channel.set_onmessage(Some(c.as_ref().unchecked_ref()));
            c
        });
        Ok(BatchChannel {
            channel,
            _on_message: on_message,
        })
    }

    /// Tells the other tabs a batch was saved.
    pub fn announce(&self, saved: &Saved) -> Result<(), StorageError> {
        let o = Object::new();
        Reflect::set(&o, &"feed".into(), &JsValue::from_str(&saved.feed))?;
        Reflect::set(
            &o,
            &"stored".into(),
            &JsValue::from_f64(saved.stored as f64),
        )?;
        Reflect::set(
            &o,
            &"time_max".into(),
            &JsValue::from_f64(saved.time_max as f64),
        )?;
        self.channel.post_message(&o)?;
        Ok(())
    }
}

impl Drop for BatchChannel {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}
