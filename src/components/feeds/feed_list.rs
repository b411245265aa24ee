//! The feed list: one row per feed with its status line and its actions.

use leptos::prelude::*;
use tradelens_core::format::grouped;

use tradelens_core::feed::venue::Preset;

use crate::feeds::keys::use_keys;
use crate::feeds::manager::FeedId;
use crate::feeds::{FeedEntry, FeedSpec, FeedStatus, Feeds, Phase};
use crate::live::Live;
use crate::now_ms;

/// The status line of a feed, in words.
pub fn status_text(spec: &FeedSpec, s: &FeedStatus, now: i64) -> String {
    let mut parts = vec![match &s.phase {
        Phase::Restoring => "Restoring saved trades…".to_string(),
        Phase::Standby => {
            "Another tab holds this feed's connection: it takes over when that tab closes"
                .to_string()
        }
        Phase::Connecting => "Connecting…".to_string(),
        Phase::Connected if matches!(spec, FeedSpec::Demo) => "Running".to_string(),
        Phase::Connected => "Connected".to_string(),
        Phase::Reconnecting { at_ms } => {
            format!("Reconnecting in {} s", ((at_ms - now).max(0) + 999) / 1000)
        }
        Phase::Paused => "Paused".to_string(),
        Phase::Importing => "Importing".to_string(),
        Phase::Done => "Imported".to_string(),
        Phase::Stopped(why) => format!("Stopped: {why}"),
    }];
    if matches!(spec, FeedSpec::Demo) {
        return parts.remove(0);
    }
    if let Some(t) = s.last_message_ms {
        parts.push(format!(
            "last message {} s ago",
            grouped((now - t).max(0) as f64 / 1000.0, 1)
        ));
    }
    parts.push(format!("{} trades", grouped(s.accepted as f64, 0)));
    if s.restored > 0 {
        parts.push(format!("{} restored", grouped(s.restored as f64, 0)));
    }
    parts.push(format!("{}/s", grouped(s.rate, 1)));
    if matches!(spec, FeedSpec::Venue(_)) {
        parts.push(format!(
            "gaps: {} filled, {} unfilled",
            grouped(s.gaps_filled as f64, 0),
            grouped(s.gaps_unfilled as f64, 0)
        ));
    }
    if let Some((done, total, rate)) = s.progress {
        parts.push(format!(
            "{} of {} MB at {} MB/s",
            grouped(done / 1e6, 1),
            grouped(total / 1e6, 1),
            grouped(rate / 1e6, 1)
        ));
    }
    if s.errors > 0 {
        parts.push(format!(
            "{} error{}{}",
            s.errors,
            if s.errors == 1 { "" } else { "s" },
            s.recent_errors
                .back()
                .map(|e| format!(": {e}"))
                .unwrap_or_default()
        ));
    }
    parts.join(" · ")
}

/// One feed: title, status line (with raw figures in `data-*` for tests), progress for
/// imports, the origin its API key is bound to (with "Forget key"), and pause/resume, edit,
/// cancel and remove. Removing a feed forgets its key too.
///
/// Props: `entry`, the feed shown.
#[component]
pub fn FeedRow(
    /// The feed shown.
    entry: FeedEntry,
) -> impl IntoView {
    let feeds = expect_context::<Feeds>();
    let keys = use_keys();
    let FeedEntry { id, spec, status } = entry;
    // The row follows edits: another symbol is another title and key.
    let current = RwSignal::new(spec.clone());
    let title = move || current.with(FeedSpec::title);
    let key = move || current.with(FeedSpec::key);
    let is_demo = matches!(spec, FeedSpec::Demo);
    let is_file = matches!(spec, FeedSpec::File { .. });
    let editable = matches!(
        spec,
        FeedSpec::Venue(_) | FeedSpec::Poll { .. } | FeedSpec::Sse { .. }
    );
    // The demo runs inside `Live`; the dashboard's own pause button drives it too.
    let live = expect_context::<Live>();
    let line = move || {
        if is_demo {
            let running = live.running.get();
            return if running { "Running" } else { "Paused" }.to_string();
        }
        current.with(|spec| status.with(|s| status_text(spec, s, now_ms())))
    };
    let phase = move || match (is_demo, live.running.get()) {
        (true, true) => "connected",
        (true, false) => "paused",
        (false, _) => status.with(|s| s.phase.name()),
    };
    let paused = move || phase() == "paused";
    // Only a polled feed sends a key (an EventSource or a socket cannot carry a header).
    let bound = move || {
        current
            .with(|s| matches!(s, FeedSpec::Poll { .. }).then(|| s.key()))
            .and_then(|k| keys.bound(&k))
    };
    let key_message = RwSignal::new(None::<String>);
    let forget = move |_| {
        key_message.set(match keys.forget(&key()) {
            Ok(()) => None,
            Err(e) => Some(e.to_string()),
        });
    };
    let remove = move |_| {
        // A key stays only with a listed feed: a later feed at this address (from a shared
        // link, say) must not find it.
        if let Err(e) = keys.forget(&key()) {
            leptos::logging::warn!("the removed feed's API key could not be forgotten: {e}");
        }
        feeds.remove(id);
    };
    let importing = move || status.with(|s| s.phase == Phase::Importing);
    let editing = RwSignal::new(false);
    let edit_url = RwSignal::new(match &spec {
        FeedSpec::Venue(p) => p.ws_base.clone(),
        FeedSpec::Poll { url, .. } | FeedSpec::Sse { url, .. } => url.clone(),
        _ => String::new(),
    });
    let (edit_symbol, edit_wait) = match &spec {
        FeedSpec::Venue(p) => (p.symbol.clone(), (p.max_backoff_ms / 1000).to_string()),
        _ => (String::new(), String::new()),
    };
    let edit_symbol = RwSignal::new(edit_symbol);
    let edit_wait = RwSignal::new(edit_wait);
    let is_venue = matches!(spec, FeedSpec::Venue(_));
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let u = edit_url.get_untracked();
        let mut new = current.get_untracked();
        match &mut new {
            FeedSpec::Venue(p) => {
                let symbol = edit_symbol.get_untracked();
                let symbol = if symbol.trim().is_empty() {
                    p.symbol.clone()
                } else {
                    symbol
                };
                let wait = edit_wait.get_untracked().trim().parse().unwrap_or(f64::NAN);
                // The REST base stays unless the socket moved host: then it follows it.
                let rest = if u.trim().trim_end_matches('/') == p.ws_base {
                    p.rest_base.clone()
                } else {
                    String::new()
                };
                *p = Preset::new(p.venue, &symbol)
                    .with_bases(&u, &rest)
                    .with_max_backoff_secs(wait);
            }
            FeedSpec::Poll { url, .. } | FeedSpec::Sse { url, .. } => *url = u,
            _ => {}
        }
        // The key follows the feed to a new address of the same origin only.
        let old_key = current.with_untracked(FeedSpec::key);
        if let FeedSpec::Poll { url, .. } = &new {
            key_message.set(
                keys.moved(&old_key, &new.key(), url)
                    .err()
                    .map(|e| e.to_string()),
            );
        }
        current.set(new.clone());
        feeds.edit(id, new);
        editing.set(false);
    };
    let toggle = move |_| {
        if paused() {
            feeds.resume(id);
        } else {
            feeds.pause(id);
        }
    };
    let data = move |f: fn(&FeedStatus) -> String| move || status.with(f);
    view! {
        <li
            class="feed-row"
            data-testid="feed-row"
            data-feed-id=id.to_string()
            data-feed-key=key
            data-state=phase
            data-accepted=data(|s| s.accepted.to_string())
            data-restored=data(|s| s.restored.to_string())
            data-stored-read=data(|s| s.stored_read.to_string())
            data-saved=data(|s| s.saved.to_string())
            data-first-id=data(|s| s.ids.map(|i| i.0.to_string()).unwrap_or_default())
            data-last-id=data(|s| s.ids.map(|i| i.1.to_string()).unwrap_or_default())
            data-gaps-filled=data(|s| s.gaps_filled.to_string())
            data-gaps-unfilled=data(|s| s.gaps_unfilled.to_string())
            data-reconnects=data(|s| s.reconnects.to_string())
            data-errors=data(|s| s.errors.to_string())
        >
            <div class="feed-head">
                <span class="feed-title">{title}</span>
                <span class=move || format!("badge state-{}", phase())>{phase}</span>
            </div>
            <p class="feed-status" data-testid="feed-status" role="status" aria-live="off">{line}</p>
            {move || {
                bound()
                    .map(|b| {
                        view! {
                            <p class="feed-key" data-testid="feed-key">
                                <span data-testid="feed-key-origin" data-origin=b.origin.clone()>
                                    {format!("Key bound to {} (header {})", b.origin, b.header)}
                                </span>
                                <button type="button" data-testid="feed-key-forget" on:click=forget>
                                    "Forget key"
                                </button>
                            </p>
                        }
                    })
            }}
            <p class="error" role="alert" data-testid="feed-key-error">{move || key_message.get()}</p>
            <Show when=move || status.with(|s| s.progress.is_some() && matches!(s.phase, Phase::Importing))>
                <progress
                    data-testid="feed-progress"
                    aria-label=move || format!("Import of {}", title())
                    max=move || status.with(|s| s.progress.map_or(1.0, |p| p.1.max(1.0)).to_string())
                    value=move || status.with(|s| s.progress.map_or(0.0, |p| p.0).to_string())
                ></progress>
            </Show>
            <div class="feed-actions">
                <Show when=move || !is_file>
                    <button type="button" data-testid="feed-pause" aria-pressed=move || paused().to_string() on:click=toggle>
                        {move || if paused() { "Resume" } else { "Pause" }}
                    </button>
                </Show>
                <Show when=move || is_file && importing()>
                    <button type="button" data-testid="feed-cancel" on:click=move |_| feeds.cancel_import(id)>"Cancel import"</button>
                </Show>
                <Show when=move || editable>
                    <button type="button" data-testid="feed-edit" aria-expanded=move || editing.get().to_string() on:click=move |_| editing.update(|e| *e = !*e)>
                        "Edit"
                    </button>
                </Show>
                <Show when=move || !is_demo>
                    <button type="button" class="danger" data-testid="feed-remove" on:click=remove>"Remove"</button>
                </Show>
            </div>
            <Show when=move || editing.get()>
                <form class="feed-edit" on:submit=save>
                    <Show when=move || is_venue>
                        <label class="field">
                            <span>"Symbol"</span>
                            <input data-testid="feed-edit-symbol" required prop:value=move || edit_symbol.get() on:input=move |ev| edit_symbol.set(event_target_value(&ev)) />
                        </label>
                        <label class="field">
                            <span>"Longest reconnect wait, s"</span>
                            <input type="number" min="1" max="600" data-testid="feed-edit-max-wait" prop:value=move || edit_wait.get() on:input=move |ev| edit_wait.set(event_target_value(&ev)) />
                        </label>
                    </Show>
                    <label class="field wide">
                        <span>"URL (WebSocket base for venues)"</span>
                        <input type="url" data-testid="feed-edit-url" prop:value=move || edit_url.get() on:input=move |ev| edit_url.set(event_target_value(&ev)) />
                    </label>
                    <button type="submit" data-testid="feed-edit-save">"Save and reconnect"</button>
                </form>
            </Show>
        </li>
    }
}

fn entry_key(e: &FeedEntry) -> FeedId {
    e.id
}

/// Every feed, the demo first. No props: needs [`Feeds`] in context.
#[component]
pub fn FeedList() -> impl IntoView {
    let feeds = expect_context::<Feeds>();
    view! {
        <ul class="feed-list" data-testid="feed-list" aria-label="Feeds">
            <For each=move || feeds.entries.get() key=entry_key let:entry>
                <FeedRow entry=entry />
            </For>
        </ul>
    }
}
