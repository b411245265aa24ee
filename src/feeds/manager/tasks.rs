//! A feed's asynchronous jobs: polling an HTTP source, backfilling gaps from REST history,
//! and importing a file in chunks.

use leptos::prelude::*;
use tradelens_core::decode::binance::Binance;
use tradelens_core::decode::coinbase::Coinbase;
use tradelens_core::decode::kraken::Kraken;
use tradelens_core::decode::time::EpochUnit;
use tradelens_core::decode::{Control, DecodeError, Decoded, PageCursor};
use tradelens_core::feed::gap::{Backfill, BackfillProgress};
use tradelens_core::feed::poll::{PollDecision, PollScheduler};
use tradelens_core::feed::venue::{Preset, Venue};
use tradelens_core::model::Label;
use web_sys::Blob;

use super::{random, FeedId, FeedSpec, Feeds, Phase};
use crate::feeds::file::{read_chunks, CancelFlag, ReadEnd, CHUNK_BYTES};
use crate::feeds::poll::{fetch_bytes, UseFetchOptions};
use crate::feeds::timer::sleep_ms;
use crate::now_ms;

impl Feeds {
    pub(super) async fn run_poll(self, id: FeedId, generation: u32, url: String, interval_ms: u64) {
        let mut scheduler = PollScheduler::new(interval_ms);
        let Some(Some((status, key))) =
            self.with_rt(|rt| rt.workers.get(&id).map(|w| (w.status, w.key.clone())))
        else {
            return;
        };
        while self.is_current(id, generation) {
            // Read before every request: a key bound, forgotten, or dropped by a shared link
            // (here or in another tab) counts from the next poll.
            let options = UseFetchOptions {
                if_none_match: scheduler.if_none_match().map(str::to_string),
                key: crate::feeds::keys::binding_for(&key),
                ..UseFetchOptions::default()
            };
            let mut r = random;
            let decision = match fetch_bytes(&url, &options).await {
                Ok(resp) => {
                    let d = scheduler.on_response(
                        resp.status,
                        resp.etag.as_deref(),
                        resp.retry_after.as_deref(),
                        &mut r,
                    );
                    if matches!(d, PollDecision::Ingest { .. }) && self.is_current(id, generation) {
                        status.update(|s| s.phase = Phase::Connected);
                        self.ingest_message(
                            id,
                            &String::from_utf8_lossy(&resp.body),
                            now_ms(),
                            false,
                        );
                    }
                    d
                }
                Err(e) => {
                    status.update(|s| s.error(&e));
                    scheduler.on_network_error(&mut r)
                }
            };
            if !self.is_current(id, generation) {
                return;
            }
            let wait = match decision {
                PollDecision::Ingest { next_in_ms } => next_in_ms,
                PollDecision::NotModified { next_in_ms } => {
                    status.update(|s| {
                        s.phase = Phase::Connected;
                        s.last_message_ms = Some(now_ms());
                    });
                    next_in_ms
                }
                PollDecision::Retry { in_ms, reason } => {
                    status.update(|s| {
                        s.error(&reason);
                        s.phase = Phase::Reconnecting {
                            at_ms: now_ms() + in_ms as i64,
                        };
                    });
                    in_ms
                }
                PollDecision::Stop { message } => {
                    status.update(|s| {
                        s.error(&message);
                        s.phase = Phase::Stopped(message);
                    });
                    return;
                }
            };
            sleep_ms(wait).await;
        }
    }

    pub(super) async fn run_backfill(self, id: FeedId) {
        let setup = self.with_rt(|rt| {
            let w = rt.workers.get_mut(&id)?;
            let FeedSpec::Venue(preset) = w.spec.clone() else {
                return None;
            };
            if w.backfilling {
                return None;
            }
            w.backfilling = true;
            Some((preset, w.status))
        });
        let Some(Some((preset, status))) = setup else {
            return;
        };
        while let Some(Some(gap)) =
            self.with_rt(|rt| rt.workers.get_mut(&id).and_then(|w| w.gaps.next_gap()))
        {
            let venue = preset.venue;
            let mut fill = Backfill::with_paging(gap, venue.paging(), venue.history_page());
            let mut attempts = 0;
            let progress = loop {
                let Some(url) = fill.next_request().and_then(|r| preset.history_url(&r)) else {
                    break fill.give_up();
                };
                match fetch_bytes(&url, &UseFetchOptions::default()).await {
                    Ok(resp) if resp.status == 200 => {
                        let text = String::from_utf8_lossy(&resp.body);
                        let (decoded, cursor) = decode_history(&preset, &text);
                        let ids: Vec<u64> = decoded
                            .as_ref()
                            .map(|d| d.trades.iter().map(|t| t.id).collect())
                            .unwrap_or_default();
                        let keep = self.has_sink();
                        let after =
                            self.with_rt(|rt| rt.pipeline(id, decoded, now_ms(), false, keep));
                        if let Some(after) = after {
                            self.after_batch(id, after);
                        }
                        if let Some(c) = cursor {
                            fill.set_cursor(&c);
                        }
                        match fill.on_page(&ids) {
                            BackfillProgress::More => continue,
                            done => break done,
                        }
                    }
                    Ok(resp) if resp.status == 429 && attempts < 3 => {
                        attempts += 1;
                        let secs = resp
                            .retry_after
                            .and_then(|s| s.trim().parse::<u64>().ok())
                            .unwrap_or(1)
                            .min(60);
                        sleep_ms(secs * 1000).await;
                    }
                    Ok(resp) => {
                        status.update(|s| s.error(format!("backfill: HTTP {}", resp.status)));
                        break fill.give_up();
                    }
                    Err(e) => {
                        status.update(|s| {
                            s.error(format!("backfill impossible, gap left unfilled: {e}"))
                        });
                        break fill.give_up();
                    }
                }
            };
            self.with_rt(|rt| {
                if let Some(w) = rt.workers.get_mut(&id) {
                    w.gaps.record(progress);
                    let (f, u) = (w.gaps.filled(), w.gaps.unfilled());
                    w.status.update(|s| {
                        s.gaps_filled = f;
                        s.gaps_unfilled = u;
                    });
                }
            });
        }
        self.with_rt(|rt| {
            if let Some(w) = rt.workers.get_mut(&id) {
                w.backfilling = false;
            }
        });
    }

    pub(super) async fn run_file(
        self,
        id: FeedId,
        generation: u32,
        blob: Blob,
        cancel: CancelFlag,
    ) {
        let Some(Some((status, spec))) =
            self.with_rt(|rt| rt.workers.get(&id).map(|w| (w.status, w.spec.clone())))
        else {
            return;
        };
        let FeedSpec::File { name, .. } = spec else {
            return;
        };
        status.update(|s| s.phase = Phase::Importing);
        // An error that stops the whole file (another encoding, a header without a mapped
        // column): the read stops after this chunk and the feed says why.
        let mut fatal = None;
        let feeds = self;
        let stop = cancel.clone();
        let result = read_chunks(&blob, &name, CHUNK_BYTES, &cancel, |bytes, p| {
            status.update(|s| s.progress = Some((p.done, p.total, p.rate)));
            if fatal.is_none() {
                fatal = feeds.ingest_chunk(id, bytes, false);
                if fatal.is_some() {
                    stop.cancel();
                }
            }
            // The next chunk is read once this one is saved: storage is never outrun.
            async move { feeds.flush_and_wait(id).await }
        })
        .await;
        if !self.is_current(id, generation) {
            return;
        }
        let result = match (fatal, result) {
            (None, Ok(ReadEnd::Finished)) => match self.ingest_chunk(id, &[], true) {
                Some(e) => Err(e.to_string()),
                None => Ok(ReadEnd::Finished),
            },
            (Some(e), _) => Err(e.to_string()),
            (None, Ok(end)) => Ok(end),
            (None, Err(e)) => Err(e.to_string()),
        };
        // Done means saved too.
        self.flush_and_wait(id).await;
        match result {
            Ok(ReadEnd::Finished) => self.set_phase(id, Phase::Done),
            Ok(ReadEnd::Cancelled) => self.set_phase(id, Phase::Stopped("import cancelled".into())),
            Err(msg) => status.update(|s| {
                s.error(&msg);
                s.phase = Phase::Stopped(msg);
            }),
        }
    }

    /// Decodes and queues one chunk of a file; returns the error that stops the file, if any.
    fn ingest_chunk(&self, id: FeedId, bytes: &[u8], eof: bool) -> Option<DecodeError> {
        let now = now_ms();
        let keep = self.has_sink();
        let out = self.with_rt(|rt| {
            let w = rt.workers.get_mut(&id)?;
            Some(match w.decoder.chunk(bytes, eof) {
                Ok(decoded) => Ok(rt.pipeline(id, Ok(decoded), now, false, keep)),
                Err(e) => Err(e),
            })
        });
        match out {
            Some(Some(Ok(after))) => {
                self.after_batch(id, after);
                None
            }
            Some(Some(Err(e))) => Some(e),
            _ => None,
        }
    }
}

/// One page of a venue's REST history: its trades, named as the venue's stream names them,
/// and the time cursor of the next page where the venue pages by time.
fn decode_history(preset: &Preset, text: &str) -> (Result<Decoded, DecodeError>, Option<String>) {
    let decoded = match preset.venue {
        Venue::Binance => Binance::new(EpochUnit::Millis, &preset.symbol).decode(text),
        Venue::Coinbase => Coinbase::new().decode_rest(text, &preset.symbol, None, None),
        Venue::Kraken => Kraken::new().decode_rest(text).map(|mut d| {
            // Kraken keys its answer by its own pair name (`XXBTZUSD`); the stream says
            // `BTC/USD`, and one symbol must not split into two groups.
            let symbol: Label = preset.symbol.as_str().into();
            for t in &mut d.trades {
                t.symbol = symbol.clone();
            }
            d
        }),
    };
    let cursor = decoded.as_ref().ok().and_then(|d| {
        d.events.iter().find_map(|e| match e {
            Control::Cursor(PageCursor::KrakenSince(c)) => Some(c.clone()),
            _ => None,
        })
    });
    (decoded, cursor)
}
