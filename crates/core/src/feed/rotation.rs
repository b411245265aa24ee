//! Planned reconnection before a venue's connection age limit (Binance closes a connection
//! after 24 h). To lose nothing, the new socket opens first; the old one closes only once the
//! new one carries data, and dedup by trade id absorbs the overlap.

/// What the client should do next about rotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RotationStep {
    /// Open a second connection alongside the current one.
    OpenNew,
    /// The new connection carries data: close the old one and keep the new.
    CloseOld,
}

/// Rotation schedule of one feed.
#[derive(Clone, Debug, PartialEq)]
pub struct Rotation {
    /// Rotate this long after the connection opened, ms.
    pub after_ms: u64,
    opened_at: Option<i64>,
    pending: bool,
}

impl Rotation {
    /// Binance: connections live 24 h at most; rotate 15 minutes before.
    pub const BINANCE_AFTER_MS: u64 = 24 * 3_600_000 - 15 * 60_000;

    /// A schedule rotating `after_ms` after each connection opens.
    pub fn new(after_ms: u64) -> Rotation {
        Rotation {
            after_ms,
            opened_at: None,
            pending: false,
        }
    }

    /// The (current) connection opened at `now_ms`.
    pub fn on_open(&mut self, now_ms: i64) {
        self.opened_at = Some(now_ms);
        self.pending = false;
    }

    /// When the next rotation is due, ms since the epoch.
    pub fn due_at(&self) -> Option<i64> {
        self.opened_at
            .map(|t| t.saturating_add(self.after_ms.min(i64::MAX as u64) as i64))
    }

    /// Called on a timer: `Some(OpenNew)` once, when rotation is due.
    pub fn poll(&mut self, now_ms: i64) -> Option<RotationStep> {
        match self.due_at() {
            Some(due) if !self.pending && now_ms >= due => {
                self.pending = true;
                Some(RotationStep::OpenNew)
            }
            _ => None,
        }
    }

    /// The new connection delivered its first message at `now_ms`: close the old one; the new
    /// one's age counts from now.
    pub fn on_new_ready(&mut self, now_ms: i64) -> Option<RotationStep> {
        if !self.pending {
            return None;
        }
        self.on_open(now_ms);
        Some(RotationStep::CloseOld)
    }

    /// The new connection failed: keep the old one and try again at the next poll.
    pub fn on_new_failed(&mut self) {
        self.pending = false;
    }

    /// True while a new connection is being opened alongside the old one.
    pub fn in_progress(&self) -> bool {
        self.pending
    }
}
