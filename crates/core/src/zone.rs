//! Time zones as tables of offset changes, so calendar buckets (days, weeks, months) follow a
//! zone's local time across daylight-saving changes: a day there can last 23 or 25 hours.
//!
//! The core holds no time-zone database (it would weigh on the wasm download). A zone is built
//! from its transitions by whoever has the data: the browser from `Intl`, the command line from
//! the system's tz database.

use std::fmt;

/// Why a zone could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ZoneError {
    /// Transitions must be in strictly increasing time order.
    Unordered {
        /// Index of the first transition out of order.
        index: usize,
    },
    /// An offset beyond ±18 hours.
    OffsetOutOfRange {
        /// The offending offset in milliseconds.
        offset_ms: i64,
    },
}

impl fmt::Display for ZoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ZoneError::Unordered { index } => write!(
                f,
                "time-zone transition {index} is not after the one before it"
            ),
            ZoneError::OffsetOutOfRange { offset_ms } => {
                write!(f, "time-zone offset {offset_ms} ms is beyond ±18 hours")
            }
        }
    }
}

impl std::error::Error for ZoneError {}

const MAX_OFFSET_MS: i64 = 18 * 3_600_000;
/// Any local time lies within this distance of its UTC instant.
const SEARCH_MS: i64 = 27 * 3_600_000;

/// A time zone: an offset from UTC that changes at known instants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone {
    name: String,
    /// Offset before the first transition.
    initial_ms: i64,
    /// (UTC instant from which the offset applies, offset), in increasing time order.
    transitions: Vec<(i64, i64)>,
}

impl Zone {
    /// Coordinated Universal Time.
    pub fn utc() -> Zone {
        Zone {
            name: "UTC".to_owned(),
            initial_ms: 0,
            transitions: Vec::new(),
        }
    }

    /// A zone whose offset never changes.
    pub fn fixed(name: impl Into<String>, offset_ms: i64) -> Result<Zone, ZoneError> {
        Zone::with_transitions(name, offset_ms, Vec::new())
    }

    /// A zone with `initial_ms` as its offset before the first transition and the given
    /// (UTC instant, new offset) transitions.
    pub fn with_transitions(
        name: impl Into<String>,
        initial_ms: i64,
        transitions: Vec<(i64, i64)>,
    ) -> Result<Zone, ZoneError> {
        for &offset_ms in std::iter::once(&initial_ms).chain(transitions.iter().map(|(_, o)| o)) {
            if offset_ms.abs() > MAX_OFFSET_MS {
                return Err(ZoneError::OffsetOutOfRange { offset_ms });
            }
        }
        if let Some(index) = transitions.windows(2).position(|w| w[1].0 <= w[0].0) {
            return Err(ZoneError::Unordered { index: index + 1 });
        }
        Ok(Zone {
            name: name.into(),
            initial_ms,
            transitions,
        })
    }

    /// The zone's name (IANA name where it has one).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Offset from UTC in force at a UTC instant.
    pub fn offset_at(&self, utc_ms: i64) -> i64 {
        match self.transitions.partition_point(|&(t, _)| t <= utc_ms) {
            0 => self.initial_ms,
            i => self.transitions[i - 1].1,
        }
    }

    /// The offset in force at a UTC instant and the UTC interval [from, until) it holds over
    /// unchanged: from the transition before the instant to the one after it (`i64::MIN` and
    /// `i64::MAX` where there is none).
    pub fn offset_span(&self, utc_ms: i64) -> (i64, i64, i64) {
        let i = self.transitions.partition_point(|&(t, _)| t <= utc_ms);
        let (offset, from) = match i {
            0 => (self.initial_ms, i64::MIN),
            i => (self.transitions[i - 1].1, self.transitions[i - 1].0),
        };
        let until = self.transitions.get(i).map_or(i64::MAX, |&(t, _)| t);
        (offset, from, until)
    }

    /// Local wall-clock time (as milliseconds on a UTC-like axis) of a UTC instant.
    pub fn to_local(&self, utc_ms: i64) -> i64 {
        utc_ms + self.offset_at(utc_ms)
    }

    /// The first UTC instant whose local time is at or after `local_ms`. For a local time that
    /// occurs twice (clocks turned back) that is its first occurrence; for one that never
    /// occurs (clocks turned forward over it) it is the instant the clocks jumped.
    pub fn first_at_or_after(&self, local_ms: i64) -> i64 {
        // Every answer is local_ms minus one of the offsets in force near it.
        let from = self
            .transitions
            .partition_point(|&(t, _)| t <= local_ms - SEARCH_MS);
        let to = self
            .transitions
            .partition_point(|&(t, _)| t <= local_ms + SEARCH_MS);
        let before = if from == 0 {
            self.initial_ms
        } else {
            self.transitions[from - 1].1
        };
        std::iter::once(before)
            .chain(self.transitions[from..to].iter().map(|&(_, o)| o))
            .map(|offset| local_ms - offset)
            .filter(|&u| self.to_local(u) >= local_ms)
            .min()
            .unwrap_or(local_ms - before)
    }
}

impl Default for Zone {
    fn default() -> Self {
        Zone::utc()
    }
}
