//! Polling an HTTP source politely: a fixed interval, conditional requests with the last
//! `ETag`, `429` honouring `Retry-After`, `418` (Binance's IP ban) stopping for good, and
//! server errors backing off with jitter.

use super::backoff::Backoff;

/// What to do after a poll.
#[derive(Clone, Debug, PartialEq)]
pub enum PollDecision {
    /// New content: decode and ingest the body, poll again after `next_in_ms`.
    Ingest {
        /// Delay before the next poll, ms.
        next_in_ms: u64,
    },
    /// `304 Not Modified`: nothing new, poll again after `next_in_ms`.
    NotModified {
        /// Delay before the next poll, ms.
        next_in_ms: u64,
    },
    /// A temporary failure: try again after `in_ms`.
    Retry {
        /// Delay before the next attempt, ms.
        in_ms: u64,
        /// What went wrong, for the status line.
        reason: String,
    },
    /// Stop polling; show `message`.
    Stop {
        /// Why polling stopped.
        message: String,
    },
}

/// The schedule of one polled source.
#[derive(Clone, Debug, PartialEq)]
pub struct PollScheduler {
    /// Time between successful polls, ms.
    pub interval_ms: u64,
    etag: Option<String>,
    backoff: Backoff,
    stopped: Option<String>,
}

/// The longest `Retry-After` honoured, seconds; longer is capped (a typo in a proxy's header
/// should not silence a feed for a day).
pub const MAX_RETRY_AFTER_S: u64 = 3_600;

impl PollScheduler {
    /// A schedule polling every `interval_ms` (at least 250 ms).
    pub fn new(interval_ms: u64) -> PollScheduler {
        PollScheduler {
            interval_ms: interval_ms.max(250),
            etag: None,
            backoff: Backoff::default(),
            stopped: None,
        }
    }

    /// The value for `If-None-Match`, when the last response had an `ETag`.
    pub fn if_none_match(&self) -> Option<&str> {
        self.etag.as_deref()
    }

    /// Why polling stopped, if it did.
    pub fn stopped(&self) -> Option<&str> {
        self.stopped.as_deref()
    }

    /// Decides after a response with `status`, its `ETag` and `Retry-After` headers.
    pub fn on_response(
        &mut self,
        status: u16,
        etag: Option<&str>,
        retry_after: Option<&str>,
        random: &mut dyn FnMut() -> f64,
    ) -> PollDecision {
        match status {
            200..=299 => {
                self.backoff.reset();
                if let Some(e) = etag.filter(|e| !e.is_empty()) {
                    self.etag = Some(e.to_string());
                }
                PollDecision::Ingest {
                    next_in_ms: self.interval_ms,
                }
            }
            304 => {
                self.backoff.reset();
                PollDecision::NotModified {
                    next_in_ms: self.interval_ms,
                }
            }
            429 => {
                let in_ms = match retry_after.and_then(|v| v.trim().parse::<u64>().ok()) {
                    Some(s) => s.min(MAX_RETRY_AFTER_S) * 1000,
                    None => self.backoff.next_delay_ms(random),
                };
                PollDecision::Retry {
                    in_ms: in_ms.max(self.interval_ms),
                    reason: "rate limited (HTTP 429)".to_string(),
                }
            }
            401 => self.stop(
                "HTTP 401 Unauthorized: the server wants an API key, or refused the one sent; \
                 polling stopped (bind a key to this feed's address in the HTTP form)"
                    .to_string(),
            ),
            403 => self.stop(
                "HTTP 403 Forbidden: the server refused this request (a key without access?); \
                 polling stopped"
                    .to_string(),
            ),
            418 => self.stop(
                "HTTP 418: the server has banned this address for making too many requests; \
                 polling stopped"
                    .to_string(),
            ),
            500..=599 => PollDecision::Retry {
                in_ms: self.backoff.next_delay_ms(random).max(self.interval_ms),
                reason: format!("server error (HTTP {status})"),
            },
            _ => self.stop(format!("HTTP {status}: check the URL; polling stopped")),
        }
    }

    /// Decides after a request that got no response at all (offline, DNS, CORS refusal).
    pub fn on_network_error(&mut self, random: &mut dyn FnMut() -> f64) -> PollDecision {
        PollDecision::Retry {
            in_ms: self.backoff.next_delay_ms(random).max(self.interval_ms),
            reason: "no response".to_string(),
        }
    }

    fn stop(&mut self, message: String) -> PollDecision {
        self.stopped = Some(message.clone());
        PollDecision::Stop { message }
    }
}
