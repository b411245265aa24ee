//! Feed client logic without any I/O: when to reconnect, when a connection is dead, when to
//! rotate it, which trades are missing and how to ask for them, when to poll again, and what
//! each venue's URLs and subscribe messages look like.
//!
//! The browser app owns the sockets and timers; it asks these types what to do and tells them
//! what happened, passing the current time in milliseconds (and, for jitter, a random source),
//! so every decision here is deterministic and tested natively.

pub mod backoff;
pub mod gap;
pub mod keys;
pub mod poll;
pub mod preview;
pub mod rotation;
pub mod silence;
pub mod venue;

pub use backoff::Backoff;
pub use gap::{Backfill, Gap, GapTracker, PageRequest, Paging};
pub use poll::{PollDecision, PollScheduler};
pub use rotation::{Rotation, RotationStep};
pub use silence::Watchdog;
pub use venue::{Preset, Venue};
