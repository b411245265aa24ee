//! Stream connections of a feed: WebSockets (open, subscribe, close, reconnect with back-off,
//! planned rotation) and EventSources.

use std::rc::Rc;

use leptos::prelude::*;
use tradelens_core::feed::rotation::RotationStep;
use tradelens_core::feed::silence::{deadline_ms, Watchdog};
use tradelens_core::feed::venue::Venue;

use super::{bury, random, stop_worker, FeedId, FeedSpec, FeedStatus, Feeds, Phase, Source};
use crate::feeds::sse::{open_event_source, UseEventSourceOptions, MAX_EVENT_BYTES};
use crate::feeds::websocket::{
    open_websocket, UseWebSocketOptions, UseWebSocketReturn, MAX_MESSAGE_BYTES,
};
use crate::feeds::FeedError;
use crate::now_ms;

impl Feeds {
    pub(super) fn new_conn(&self) -> u32 {
        self.with_rt(|rt| {
            rt.next_conn = rt.next_conn.wrapping_add(1).max(1);
            rt.next_conn
        })
        .unwrap_or(0)
    }

    pub(super) fn open_socket(
        &self,
        id: FeedId,
        conn: u32,
        url: &str,
    ) -> Result<UseWebSocketReturn, FeedError> {
        let feeds = *self;
        open_websocket(
            url,
            UseWebSocketOptions {
                max_message_bytes: MAX_MESSAGE_BYTES,
                on_open: Rc::new(move || feeds.on_open(id, conn)),
                on_message: Rc::new(move |text| feeds.on_socket_message(id, conn, &text)),
                on_close: Rc::new(move |code, reason| feeds.on_close(id, conn, code, reason)),
                on_error: Rc::new(move |e| feeds.on_error(id, conn, e)),
            },
        )
    }

    fn on_open(&self, id: FeedId, conn: u32) {
        let now = now_ms();
        let done = self.with_rt(|rt| {
            let w = rt.workers.get_mut(&id)?;
            let rotating = w
                .rotating
                .as_ref()
                .filter(|(c, _)| *c == conn)
                .map(|(_, s)| s);
            let sock = match (&w.source, rotating) {
                (_, Some(s)) => s,
                (Source::Socket(s), None) if w.conn == conn => s,
                _ => return None,
            };
            let subscribe = match &w.spec {
                FeedSpec::Venue(p) => p.subscribe_message(),
                _ => None,
            };
            // A rotation's new socket subscribes too.
            let sent = subscribe.and_then(|msg| sock.send(&msg).err());
            if rotating.is_none() {
                w.backoff.on_open(now);
                w.rotation.on_open(now);
                let venue = match &w.spec {
                    FeedSpec::Venue(p) => p.venue,
                    _ => Venue::Binance,
                };
                w.watchdog = Some(Watchdog::new(deadline_ms(venue), now));
            }
            Some((w.status, sent))
        });
        if let Some(Some((status, err))) = done {
            status.update(|s| {
                s.phase = Phase::Connected;
                if let Some(e) = err {
                    s.error(e);
                }
            });
        }
    }

    fn on_error(&self, id: FeedId, conn: u32, e: FeedError) {
        if let Some(Some(status)) = self.with_rt(|rt| {
            rt.workers
                .get(&id)
                .filter(|w| w.conn == conn)
                .map(|w| w.status)
        }) {
            status.update(|s| s.error(e));
        }
    }

    fn on_close(&self, id: FeedId, conn: u32, code: u16, reason: String) {
        let current = self.with_rt(|rt| {
            let w = rt.workers.get_mut(&id)?;
            if w.rotating.as_ref().is_some_and(|(c, _)| *c == conn) {
                // The replacement failed: keep the old socket, retry at the next poll.
                if let Some((_, s)) = w.rotating.take() {
                    bury(Source::Socket(s));
                }
                w.rotation.on_new_failed();
                return Some(false);
            }
            Some(w.conn == conn)
        });
        if current != Some(Some(true)) {
            return;
        }
        let why = if reason.is_empty() {
            format!("connection closed (code {code})")
        } else {
            format!("connection closed (code {code}: {reason})")
        };
        self.fail(id, why, None);
    }

    /// The current connection is gone: wait (back-off, or `delay_ms`) and reconnect.
    pub(super) fn fail(&self, id: FeedId, why: String, delay_ms: Option<u64>) {
        let now = now_ms();
        let feeds = *self;
        let plan = self.with_rt(|rt| {
            let w = rt.workers.get_mut(&id)?;
            stop_worker(w);
            w.generation += 1;
            w.failed_before = true;
            let mut r = random;
            let delay = delay_ms.unwrap_or_else(|| w.backoff.next_delay_ms(&mut r));
            w.retry =
                set_timeout_with_handle(move || feeds.start(id), crate::feeds::timer::ms(delay))
                    .ok();
            Some((w.status, delay))
        });
        if let Some(Some((status, delay))) = plan {
            status.update(|s| {
                s.error(&why);
                s.phase = Phase::Reconnecting {
                    at_ms: now + delay as i64,
                };
            });
        }
    }

    fn on_socket_message(&self, id: FeedId, conn: u32, text: &str) {
        let now = now_ms();
        let step = self.with_rt(|rt| {
            let w = rt.workers.get_mut(&id)?;
            if w.rotating.as_ref().is_some_and(|(c, _)| *c == conn) {
                // The replacement carries data: it becomes the connection, the old one closes.
                if w.rotation.on_new_ready(now) == Some(RotationStep::CloseOld) {
                    if let Some((c, new)) = w.rotating.take() {
                        let old = std::mem::replace(&mut w.source, Source::Socket(new));
                        bury(old);
                        w.conn = c;
                        w.backoff.on_open(now);
                    }
                }
                return Some(true);
            }
            Some(w.conn == conn)
        });
        if step != Some(Some(true)) {
            return;
        }
        self.ingest_message(id, text, now, true);
    }

    /// Opens the replacement socket of a rotation; the old one closes when it carries data.
    pub(super) fn rotate(&self, id: FeedId, generation: u32) {
        let Some(Some(FeedSpec::Venue(preset))) = self.with_rt(|rt| {
            rt.workers
                .get(&id)
                .filter(|w| w.generation == generation)
                .map(|w| w.spec.clone())
        }) else {
            return;
        };
        let conn = self.new_conn();
        let result = self.open_socket(id, conn, &preset.ws_url());
        self.with_rt(|rt| {
            if let Some(w) = rt.workers.get_mut(&id) {
                match result {
                    Ok(s) => w.rotating = Some((conn, s)),
                    Err(_) => w.rotation.on_new_failed(),
                }
            }
        });
    }

    pub(super) fn open_sse(
        &self,
        id: FeedId,
        generation: u32,
        url: &str,
        event: &str,
        status: RwSignal<FeedStatus>,
    ) {
        let feeds = *self;
        let opened = open_event_source(
            url,
            UseEventSourceOptions {
                max_event_bytes: MAX_EVENT_BYTES,
                event_types: vec![event.to_string()],
                on_open: Rc::new(move || {
                    if feeds.is_current(id, generation) {
                        status.update(|s| s.phase = Phase::Connected);
                    }
                }),
                on_message: Rc::new(move |data| {
                    if feeds.is_current(id, generation) {
                        feeds.ingest_message(id, &data, now_ms(), false);
                    }
                }),
                on_error: Rc::new(move |e, closed| {
                    if !feeds.is_current(id, generation) {
                        return;
                    }
                    status.update(|s| {
                        s.error(&e);
                        s.phase = if closed {
                            Phase::Stopped(e.to_string())
                        } else {
                            // The browser retries by itself after its own delay.
                            Phase::Connecting
                        };
                    });
                }),
            },
        );
        match opened {
            Ok(es) => {
                self.with_rt(|rt| {
                    if let Some(w) = rt.workers.get_mut(&id) {
                        w.source = Source::Events(es);
                    }
                });
            }
            Err(e) => status.update(|s| {
                s.error(&e);
                s.phase = Phase::Stopped(e.to_string());
            }),
        }
    }
}
