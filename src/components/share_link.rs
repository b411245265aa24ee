//! Sharing the dashboard by link: the "Copy link" button, opening a link (a clear message if
//! it is refused; a dialog naming the hosts its feeds contact before anything is applied), and
//! the URL's fragment kept current so back and forward follow the dashboard's changes.
//!
//! API keys: a link never carries one (a feed's spec has none), and a feed a link adds never
//! gets one. Any key this browser kept for the address of a feed the link adds is forgotten
//! when the link is applied, after the dialog has said so; the visitor binds a key again
//! through the HTTP form if they mean to. Feeds already in the list are not changed by a link,
//! and keep theirs.

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tradelens_core::engine::EngineSpec;
use tradelens_core::share::{
    fragment_payload, hosts, ShareError, SharedDashboard, SharedFeed, FRAGMENT_PREFIX,
};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use super::chart_metric::chart_metrics;
use crate::alerts::Alerts;
use crate::feeds::keys::{binding_for, use_keys, Keys};
use crate::feeds::{FeedSpec, Feeds};
use crate::live::Live;
use crate::now_ms;
use crate::settings::Settings;
use crate::share::{decode_payload, encode_payload};

/// The dashboard as a link would carry it. Tracks everything it reads.
fn current(
    live: Live,
    feeds: Feeds,
    settings: Settings,
    alerts: Option<Alerts>,
) -> SharedDashboard {
    let spec = live.spec.get();
    SharedDashboard {
        mode: live.mode.get(),
        bucket: spec.bucket,
        group_by: spec.group_by,
        layout: settings.layout.get(),
        theme: settings.theme.get(),
        zone: settings.zone.get(),
        rules: alerts.map(|a| a.rules.get()).unwrap_or_default(),
        range: live.brush.get(),
        feeds: feeds
            .saved_feeds()
            .into_iter()
            .filter_map(|(spec, _)| shared_feed(spec))
            .collect(),
    }
}

/// The part of a feed a link may carry: files (their bytes are not in a link) are left out.
fn shared_feed(spec: FeedSpec) -> Option<SharedFeed> {
    Some(match spec {
        FeedSpec::Venue(p) => SharedFeed::Venue(p),
        FeedSpec::Poll {
            url,
            format,
            mapping,
            rows,
            interval_ms,
        } => SharedFeed::Poll {
            url,
            format,
            mapping,
            rows,
            interval_ms,
        },
        FeedSpec::Sse {
            url,
            event,
            mapping,
        } => SharedFeed::Sse {
            url,
            event,
            mapping,
        },
        FeedSpec::Demo | FeedSpec::File { .. } => return None,
    })
}

fn feed_spec(feed: SharedFeed) -> FeedSpec {
    match feed {
        SharedFeed::Venue(p) => FeedSpec::Venue(p),
        SharedFeed::Poll {
            url,
            format,
            mapping,
            rows,
            interval_ms,
        } => FeedSpec::Poll {
            url,
            format,
            mapping,
            rows,
            interval_ms,
        },
        SharedFeed::Sse {
            url,
            event,
            mapping,
        } => FeedSpec::Sse {
            url,
            event,
            mapping,
        },
    }
}

/// Checks what the core cannot: every panel's metric must be one the link's mode offers.
fn offered(dash: &SharedDashboard) -> Result<(), ShareError> {
    let offered = chart_metrics(dash.mode);
    match dash
        .layout
        .metrics()
        .into_iter()
        .find(|m| !offered.iter().any(|(o, _)| o == m))
    {
        None => Ok(()),
        Some(m) => Err(ShareError::Unknown {
            field: format!("panel metric in {} mode", dash.mode.name()),
            value: m.name().to_owned(),
        }),
    }
}

/// The hosts `dash` would contact that the page's feeds do not already.
fn new_hosts(dash: &SharedDashboard, feeds: Feeds) -> Vec<String> {
    let known = hosts(&SharedDashboard {
        feeds: feeds
            .saved_feeds()
            .into_iter()
            .filter_map(|(s, _)| shared_feed(s))
            .collect(),
        ..SharedDashboard::default()
    });
    hosts(dash)
        .into_iter()
        .filter(|h| !known.contains(h))
        .collect()
}

/// The keys of the feeds of `dash` that the list lacks: the feeds applying it adds.
fn added_keys(dash: &SharedDashboard, feeds: Feeds) -> Vec<String> {
    let listed: Vec<String> = feeds
        .entries
        .with_untracked(|v| v.iter().map(|e| e.spec.key()).collect());
    let mut added: Vec<String> = dash
        .feeds
        .iter()
        .map(|f| feed_spec(f.clone()).key())
        .filter(|k| !listed.contains(k))
        .collect();
    added.sort();
    added.dedup();
    added
}

/// The origins of the keys this browser keeps for feeds applying `dash` would add: they are
/// forgotten, not sent.
fn keys_dropped(dash: &SharedDashboard, feeds: Feeds) -> Vec<String> {
    let mut origins: Vec<String> = added_keys(dash, feeds)
        .iter()
        .filter_map(|k| binding_for(k).map(|b| b.origin().to_owned()))
        .collect();
    origins.sort();
    origins.dedup();
    origins
}

/// Sets the controls and panels to `dash`, then adds (and so starts) each of its feeds the
/// list lacks, each without an API key: any kept for its address is forgotten first. Returns
/// what the visitor must know when some of that failed.
fn apply(
    live: Live,
    feeds: Feeds,
    settings: Settings,
    alerts: Option<Alerts>,
    keys: Keys,
    dash: SharedDashboard,
) -> Option<String> {
    let added = added_keys(&dash, feeds);
    live.set_mode(dash.mode, now_ms());
    live.set_spec(EngineSpec {
        bucket: dash.bucket,
        group_by: dash.group_by,
        ..live.spec.get_untracked()
    });
    settings.layout.set(dash.layout);
    settings.theme.set(dash.theme);
    settings.zone.set(dash.zone);
    live.brush.set(dash.range);
    if let Some(alerts) = alerts {
        let same = alerts.rules.with_untracked(|r| *r == dash.rules);
        if !same {
            if let Err(e) = alerts.set_rules(dash.rules) {
                alerts.message.set(Some(format!(
                    "The link's alert rules were applied but not saved: {e}"
                )));
            }
        }
    }
    // A feed whose kept key could not be forgotten is not added: it would send the key.
    let (forgotten, problem) = match keys.forget_all(&added) {
        Ok(_) => (true, None),
        Err(e) => (
            false,
            Some(format!(
                "The link's feeds were not added: {e}, and a key kept for one of their \
                 addresses would have been sent."
            )),
        ),
    };
    for feed in dash.feeds {
        let spec = feed_spec(feed);
        let key = spec.key();
        if added.contains(&key) && (forgotten || binding_for(&key).is_none()) {
            feeds.add(spec);
        }
    }
    problem
}

/// Where this tab remembers the fragment it wrote last (sessionStorage: this tab only, kept
/// across reloads), so a reload of its own address is not taken for a link from elsewhere.
const OWN_FRAGMENT_KEY: &str = "tradelens.own-fragment";

fn own_fragment() -> Option<String> {
    web_sys::window()
        .and_then(|w| w.session_storage().ok().flatten())
        .and_then(|s| s.get_item(OWN_FRAGMENT_KEY).ok().flatten())
}

fn remember_own_fragment(hash: &str) {
    if let Some(s) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        // Without sessionStorage a reload asks again before reconnecting: safe, if redundant.
        let _ = s.set_item(OWN_FRAGMENT_KEY, hash);
    }
}

fn location() -> Option<web_sys::Location> {
    web_sys::window().map(|w| w.location())
}

fn current_hash() -> String {
    location().and_then(|l| l.hash().ok()).unwrap_or_default()
}

/// The page's address with `payload` as its fragment.
fn link_to(payload: &str) -> String {
    let base = location()
        .and_then(|l| l.href().ok())
        .map(|h| h.split('#').next().unwrap_or_default().to_owned())
        .unwrap_or_default();
    format!("{base}{FRAGMENT_PREFIX}{payload}")
}

/// A link waiting for the visitor's consent.
#[derive(Clone)]
struct Pending {
    dash: SharedDashboard,
    hosts: Vec<String>,
    /// Origins of kept API keys that applying it forgets.
    dropped: Vec<String>,
}

/// "Copy link", the refusal message and the consent dialog; keeps the fragment current.
#[component]
pub fn ShareLink() -> impl IntoView {
    let live = expect_context::<Live>();
    let feeds = expect_context::<Feeds>();
    let settings = expect_context::<Settings>();
    let alerts = use_context::<Alerts>();
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(None::<Pending>);
    let keys = use_keys();
    // Why applying a link did not add all of its feeds.
    let key_problem = RwSignal::new(None::<String>);
    // The link shown when the clipboard refused it, and what the copy did.
    let fallback = RwSignal::new(None::<String>);
    let copied = RwSignal::new(None::<String>);
    // The fragment follows the dashboard only once a link on load is dealt with.
    let ready = RwSignal::new(false);
    // Set while a state from history is applied: its fragment is replaced, not pushed.
    let from_history = StoredValue::new(false);
    let sequence = StoredValue::new(0u64);
    // Feeds added from a link hold signals: they must belong to this component (which lives
    // as long as the page), not to the dialog whose button added them, nor to no owner at
    // all in a task.
    let owner = StoredValue::new_local(Owner::current());
    let apply = move |dash: SharedDashboard| {
        let problem = match owner.get_value() {
            Some(o) => o.with(|| apply(live, feeds, settings, alerts, keys, dash)),
            None => apply(live, feeds, settings, alerts, keys, dash),
        };
        key_problem.set(problem);
    };

    // Reads a link's fragment. The dialog asks only when the link's feeds would contact a
    // host this page does not: the settings alone are harmless, and a reload of a page
    // whose address holds its own state must not ask about it.
    let open = move |hash: String| {
        let Some(payload) = fragment_payload(&hash).map(str::to_owned) else {
            ready.set(true);
            return;
        };
        spawn_local(async move {
            match decode_payload(&payload)
                .await
                .and_then(|d| offered(&d).map(|()| d))
            {
                Err(e) => {
                    error.set(Some(e.to_string()));
                    ready.set(true);
                }
                Ok(mut dash) => {
                    // This tab's own address, reloaded: its feeds come back from storage, so
                    // only the settings are applied, and nothing is asked.
                    if own_fragment().as_deref() == Some(hash.as_str()) {
                        dash.feeds.clear();
                    }
                    let hosts = new_hosts(&dash, feeds);
                    // Forgetting a kept key is asked about too, even for a known host.
                    let dropped = keys_dropped(&dash, feeds);
                    if !hosts.is_empty() || !dropped.is_empty() {
                        pending.set(Some(Pending {
                            dash,
                            hosts,
                            dropped,
                        }));
                    } else {
                        from_history.set_value(true);
                        apply(dash);
                        ready.set(true);
                    }
                }
            }
        });
    };
    open(current_hash());
    let popstate = window_event_listener(ev::popstate, move |_| {
        error.set(None);
        open(current_hash())
    });
    on_cleanup(move || popstate.remove());

    // Keeps the fragment current: a change made here is a new history entry; the first
    // write (over no fragment, or a refused one) and a state from history replace theirs.
    let written = StoredValue::new(false);
    Effect::new(move |_| {
        let dash = current(live, feeds, settings, alerts);
        if !ready.get() {
            return;
        }
        let replace = from_history.get_value() || !written.get_value();
        from_history.set_value(false);
        let seq = sequence.get_value() + 1;
        sequence.set_value(seq);
        spawn_local(async move {
            let payload = match encode_payload(&dash).await {
                Ok(p) => p,
                Err(e) => {
                    leptos::logging::warn!("the address cannot hold this dashboard: {e}");
                    return;
                }
            };
            if sequence.get_value() != seq {
                return;
            }
            let hash = format!("{FRAGMENT_PREFIX}{payload}");
            written.set_value(true);
            remember_own_fragment(&hash);
            if current_hash() == hash {
                return;
            }
            let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else {
                return;
            };
            let _ = if replace {
                history.replace_state_with_url(&JsValue::NULL, "", Some(&hash))
            } else {
                history.push_state_with_url(&JsValue::NULL, "", Some(&hash))
            };
        });
    });

    let cancel = move || {
        pending.set(None);
        ready.set(true);
    };
    let accept = move || {
        if let Some(p) = pending.get_untracked() {
            from_history.set_value(true);
            apply(p.dash);
            pending.set(None);
        }
        ready.set(true);
    };
    let copy = move |_| {
        let dash = untrack(|| current(live, feeds, settings, alerts));
        copied.set(None);
        fallback.set(None);
        spawn_local(async move {
            let link = match encode_payload(&dash).await {
                Ok(payload) => link_to(&payload),
                Err(e) => {
                    copied.set(Some(format!("This dashboard cannot be shared: {e}")));
                    return;
                }
            };
            let written = match web_sys::window() {
                Some(w) => JsFuture::from(w.navigator().clipboard().write_text(&link))
                    .await
                    .is_ok(),
                None => false,
            };
            if written {
                copied.set(Some("Link copied".into()));
            } else {
                fallback.set(Some(link));
            }
        });
    };
    let field = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = field.get() {
            input.select();
        }
    });
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = cancel_button.get() {
            let _ = button.focus();
        }
    });
    let on_keydown = move |ev: ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            cancel();
        }
    };
    let dialog = move || {
        pending.get().map(|p| {
            let summary = summary(&p.dash);
            let titles: Vec<String> = p
                .dash
                .feeds
                .iter()
                .map(|f| feed_spec(f.clone()).title())
                .collect();
            let polled = p.dash.feeds.iter().any(|f| matches!(f, SharedFeed::Poll { .. }));
            let dropped = p.dropped.clone();
            let key_note = (polled || !dropped.is_empty()).then(|| {
                let forgotten = (!dropped.is_empty()).then(|| {
                    view! {
                        " Keys kept in this browser for these addresses will be forgotten, not sent: "
                        <ul class="share-hosts">
                            {dropped
                                .into_iter()
                                .map(|o| view! { <li data-testid="share-key-dropped">{o}</li> })
                                .collect_view()}
                        </ul>
                    }
                });
                view! {
                    <div data-testid="share-keys">
                        <p>
                            "Its feeds get no API key from this browser; to send one, bind it yourself in the HTTP form."
                        </p>
                        {forgotten}
                    </div>
                }
            });
            let hosts = if p.hosts.is_empty() {
                view! { <p>"It contacts no host this page does not already."</p> }.into_any()
            } else {
                view! {
                    <p>"Its feeds will connect to these hosts:"</p>
                    <ul class="share-hosts">
                        {p.hosts.into_iter().map(|h| view! { <li data-testid="share-host">{h}</li> }).collect_view()}
                    </ul>
                }
                .into_any()
            };
            view! {
                <div class="dialog-backdrop">
                    <div
                        class="dialog"
                        role="dialog"
                        aria-modal="true"
                        aria-labelledby="share-consent-title"
                        data-testid="share-consent"
                        on:keydown=on_keydown
                    >
                        <h2 id="share-consent-title">"Open this shared dashboard?"</h2>
                        <p data-testid="share-summary">{summary}</p>
                        {hosts}
                        <Show when={
                            let empty = titles.is_empty();
                            move || !empty
                        }>
                            <p>"Feeds it adds:"</p>
                        </Show>
                        <ul class="share-feeds">
                            {titles.clone().into_iter().map(|t| view! { <li data-testid="share-feed">{t}</li> }).collect_view()}
                        </ul>
                        {key_note}
                        <div class="dialog-buttons">
                            <button type="button" data-testid="share-open" on:click=move |_| accept()>
                                "Open"
                            </button>
                            <button
                                type="button"
                                data-testid="share-cancel"
                                node_ref=cancel_button
                                on:click=move |_| cancel()
                            >
                                "Cancel"
                            </button>
                        </div>
                    </div>
                </div>
            }
        })
    };
    view! {
        <div class="share">
            <button type="button" data-testid="share-copy" on:click=copy>
                "Copy link"
            </button>
            <span role="status" data-testid="share-copied">{move || copied.get()}</span>
            {move || {
                fallback.get().map(|link| {
                    view! {
                        <label class="share-fallback">
                            "The browser did not let this page copy; the link is selected, copy it yourself: "
                            <input type="text" readonly data-testid="share-link-field" node_ref=field prop:value=link />
                        </label>
                    }
                })
            }}
            {dismissable(error, "share-error", " Nothing was changed. ")}
            {dismissable(key_problem, "share-keys-error", " ")}
            {dialog}
        </div>
    }
}

/// An alert with a "Dismiss" button while `message` holds one: the message, then `after`.
fn dismissable(
    message: RwSignal<Option<String>>,
    testid: &'static str,
    after: &'static str,
) -> impl IntoView {
    move || {
        message.get().map(|e| {
            view! {
                <p class="share-error" role="alert" data-testid=testid>
                    {e} {after}
                    <button type="button" on:click=move |_| message.set(None)>"Dismiss"</button>
                </p>
            }
        })
    }
}

/// The settings a link sets, in words.
fn summary(dash: &SharedDashboard) -> String {
    let groups = super::controls::groups_plural(dash.group_by, dash.mode);
    let panels: Vec<&str> = dash
        .layout
        .panels()
        .iter()
        .map(|p| p.view.kind().label())
        .collect();
    // The brushed range, in UTC (the link's zone may be "the browser's", unknown here).
    let range = dash.range.map_or(String::new(), |(from, to)| {
        use tradelens_core::format::{clock, date};
        format!(
            " · time range: {} {} – {} {} UTC",
            date(from),
            clock(from, true),
            date(to),
            clock(to, true)
        )
    });
    format!(
        "{} demo · {} buckets · {} · panels: {} · theme: {} · time zone: {}{range}",
        match dash.mode {
            tradelens_core::demo::DemoMode::Orders => "Shop orders",
            tradelens_core::demo::DemoMode::Exchange => "Exchange trades",
        },
        dash.bucket.name(),
        if groups.is_empty() {
            "no grouping".to_owned()
        } else {
            format!("by {groups}")
        },
        panels.join(", "),
        dash.theme.label(),
        dash.zone.name(),
    )
}
