//! The path of every batch: decoder output → cleaner → pending buffer for the engine, with
//! gap tracking for venue streams and the feed's counts.

use leptos::prelude::*;
use tradelens_core::decode::{Control, DecodeError, Decoded};

use super::{FeedId, FeedSpec, Feeds, Runtime, PENDING_LIMIT};

impl Feeds {
    /// Decodes, cleans and queues one message; acts on its control events.
    pub(super) fn ingest_message(&self, id: FeedId, text: &str, now: i64, track_gaps: bool) {
        let keep = self.has_sink();
        let out = self.with_rt(|rt| {
            let w = rt.workers.get_mut(&id)?;
            if let Some(wd) = w.watchdog.as_mut() {
                wd.feed(now);
            }
            w.backoff.on_message(now);
            let decoded = Ok(w.decoder.message(text));
            Some(rt.pipeline(id, decoded, now, track_gaps, keep))
        });
        if let Some(Some(after)) = out {
            self.after_batch(id, after);
        }
    }

    pub(super) fn after_batch(&self, id: FeedId, after: AfterBatch) {
        if after.shutdown {
            self.fail(id, "the venue announced a shutdown".into(), Some(0));
        }
        if after.backfill {
            let feeds = *self;
            leptos::task::spawn_local(async move { feeds.run_backfill(id).await });
        }
        if after.flush {
            self.flush();
        }
    }
}

/// What the caller must do after a batch went through the pipeline.
#[derive(Default)]
pub(super) struct AfterBatch {
    shutdown: bool,
    backfill: bool,
    flush: bool,
}

impl Runtime {
    /// Cleaner → pending buffer; gap tracking; status counts.
    pub(super) fn pipeline(
        &mut self,
        id: FeedId,
        decoded: Result<Decoded, DecodeError>,
        now: i64,
        track_gaps: bool,
        keep: bool,
    ) -> AfterBatch {
        let mut after = AfterBatch::default();
        let Some(w) = self.workers.get_mut(&id) else {
            return after;
        };
        let decoded = match decoded {
            Ok(d) => d,
            Err(e) => {
                // A message that could not be read at all: quarantined like a bad row.
                let mut d = Decoded::default();
                d.rejects.push(tradelens_core::decode::Reject {
                    raw: String::new(),
                    error: e,
                });
                d
            }
        };
        // The quality panel re-reads the report at the next tick, at most 4 times a second.
        self.quality_dirty |= !decoded.trades.is_empty() || !decoded.rejects.is_empty();
        let cleaned = self.cleaner.clean(&w.key, decoded, now);
        let mut venue_error = None;
        let mut published = None;
        for e in &cleaned.events {
            match e {
                Control::Heartbeat {
                    last_trade_id: Some(id),
                    ..
                } => published = Some(*id),
                Control::ServerShutdown { .. } => after.shutdown = true,
                Control::VenueError { code, message } => {
                    venue_error = Some(match code {
                        Some(c) => format!("venue error {c}: {message}"),
                        None => format!("venue error: {message}"),
                    })
                }
                _ => {}
            }
        }
        if track_gaps && matches!(w.spec, FeedSpec::Venue(_)) {
            for t in &cleaned.accepted {
                w.gaps.observe_trade(t.id, t.time_ms);
            }
            if let Some(id) = published {
                w.gaps.observe_published(id);
            }
            if w.gaps.pending() > 0 {
                after.backfill = !w.backfilling;
            }
        }
        let n = cleaned.accepted.len() as u64;
        let ids = cleaned
            .accepted
            .iter()
            .fold(None::<(u64, u64)>, |acc, t| match acc {
                None => Some((t.id, t.id)),
                Some((lo, hi)) => Some((lo.min(t.id), hi.max(t.id))),
            });
        // Counts reach the status line at the next tick: a signal update per message would
        // re-render the row thousands of times a second.
        let t = &mut w.tally;
        t.last_message_ms = Some(now);
        t.accepted += n;
        if matches!(w.spec, FeedSpec::Venue(_)) {
            if let Some((lo, hi)) = ids {
                t.ids = Some(t.ids.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
            }
        }
        t.dirty = true;
        if let Some(e) = venue_error {
            w.status.update(|s| s.error(e));
        }
        if keep && !cleaned.accepted.is_empty() {
            self.unsaved.push((w.key.clone(), cleaned.accepted.clone()));
        }
        self.pending.extend(cleaned.accepted);
        after.flush = self.pending.len() >= PENDING_LIMIT;
        after
    }
}
