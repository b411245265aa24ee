//! `use_feed`: start a feed from a component, leptos-use style. The feed joins the page's
//! [`Feeds`] list (so it shows in the feed list and the quality panel); its errors go to an
//! `on_error` callback, never a panic, and a missing context is such an error too.

use std::rc::Rc;

use leptos::prelude::*;

use super::manager::FeedId;
use super::{FeedSpec, FeedStatus, Feeds};

/// Options of [`use_feed_with_options`].
#[derive(Clone)]
pub struct UseFeedOptions {
    /// Called with the text of each error the feed reports.
    pub on_error: Rc<dyn Fn(String)>,
    /// Remove the feed when the calling component is dropped. Default `false`: feeds outlive
    /// the form that added them.
    pub remove_on_cleanup: bool,
}

impl Default for UseFeedOptions {
    fn default() -> Self {
        UseFeedOptions {
            on_error: Rc::new(|e| leptos::logging::warn!("feed error: {e}")),
            remove_on_cleanup: false,
        }
    }
}

/// What [`use_feed_with_options`] returns.
#[derive(Clone)]
pub struct UseFeedReturn {
    /// The feed's id; `None` when no [`Feeds`] context exists.
    pub id: Option<FeedId>,
    /// Its live status.
    pub status: Signal<FeedStatus>,
    /// Stops it.
    pub pause: Rc<dyn Fn()>,
    /// Starts it again.
    pub resume: Rc<dyn Fn()>,
    /// Stops and forgets it.
    pub remove: Rc<dyn Fn()>,
}

/// [`use_feed_with_options`] with default options.
pub fn use_feed(spec: FeedSpec) -> UseFeedReturn {
    use_feed_with_options(spec, UseFeedOptions::default())
}

/// Adds and starts a feed of `spec`.
pub fn use_feed_with_options(spec: FeedSpec, options: UseFeedOptions) -> UseFeedReturn {
    let Some(feeds) = use_context::<Feeds>() else {
        (options.on_error)("no Feeds context: call provide_feeds_context in App".into());
        return UseFeedReturn {
            id: None,
            status: Signal::derive(FeedStatus::default),
            pause: Rc::new(|| {}),
            resume: Rc::new(|| {}),
            remove: Rc::new(|| {}),
        };
    };
    let id = feeds.add(spec);
    let status = feeds
        .entries
        .with_untracked(|v| v.iter().find(|e| e.id == id).map(|e| e.status))
        .unwrap_or_else(|| RwSignal::new(FeedStatus::default()));
    let on_error = options.on_error.clone();
    let seen = StoredValue::new(0u64);
    Effect::new(move |_| {
        let (count, last) = status.with(|s| (s.errors, s.recent_errors.back().cloned()));
        if count > seen.get_value() {
            seen.set_value(count);
            if let Some(e) = last {
                on_error(e);
            }
        }
    });
    if options.remove_on_cleanup {
        on_cleanup(move || feeds.remove(id));
    }
    UseFeedReturn {
        id: Some(id),
        status: status.into(),
        pause: Rc::new(move || feeds.pause(id)),
        resume: Rc::new(move || feeds.resume(id)),
        remove: Rc::new(move || feeds.remove(id)),
    }
}
