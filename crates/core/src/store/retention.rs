//! Retention: which stored chunks and rollups of a feed to delete, as pure functions.
//!
//! Raw trades are bounded per feed by age, rows and bytes; one-minute rollups by age only, and
//! for at least as long as raw trades ([`Retention::check`]), so long-range charts still have
//! data once raw trades age out. The newest chunk is never deleted, so a feed that outgrows a
//! limit with its latest chunk alone still shows its latest trades.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::rollup::MINUTE_MS;
use super::ChunkMeta;

/// Limits on one feed's raw trades; `None` is no limit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChunkPolicy {
    /// Delete chunks whose every trade is older than this, ms.
    pub max_age_ms: Option<i64>,
    /// Keep at most this many trades.
    pub max_rows: Option<u64>,
    /// Keep at most this many encoded bytes.
    pub max_bytes: Option<u64>,
}

/// Limits on one feed's rollups; `None` is no limit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RollupPolicy {
    /// Delete rollups of minutes that ended longer ago than this, ms.
    pub max_age_ms: Option<i64>,
}

/// A feed's retention: raw trades and rollups.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Retention {
    /// Raw trade chunks.
    pub raw: ChunkPolicy,
    /// One-minute rollups.
    pub rollups: RollupPolicy,
}

/// A retention policy that cannot be applied as written.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RetentionError {
    /// A negative age.
    #[error("{what} max age is {value} ms; ages are at least 0")]
    NegativeAge {
        /// Which policy.
        what: &'static str,
        /// The age given.
        value: i64,
    },
    /// Rollups would go before the raw trades they summarise.
    #[error(
        "one-minute summaries would be kept {}, less than raw trades ({}): keep them at least as long",
        age_text(*rollups_ms),
        age_text(*raw_ms)
    )]
    RollupsShorterThanRaw {
        /// Rollup max age.
        rollups_ms: i64,
        /// Raw max age (or none: kept forever).
        raw_ms: i64,
    },
}

/// An age as people say it: "90 minutes", "7 days", "forever" (`i64::MAX`).
pub fn age_text(ms: i64) -> String {
    const MIN: i64 = 60_000;
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    match ms {
        i64::MAX => "forever".into(),
        ms if ms % (86_400_000) == 0 && ms > 0 => plural(ms / 86_400_000, "day"),
        ms if ms % (60 * MIN) == 0 && ms > 0 => plural(ms / (60 * MIN), "hour"),
        ms if ms % MIN == 0 => plural(ms / MIN, "minute"),
        ms => format!("{ms} ms"),
    }
}

impl Retention {
    /// Checks ages are non-negative and rollups outlive raw trades.
    pub fn check(&self) -> Result<(), RetentionError> {
        for (what, age) in [
            ("raw", self.raw.max_age_ms),
            ("rollup", self.rollups.max_age_ms),
        ] {
            if let Some(value) = age.filter(|&a| a < 0) {
                return Err(RetentionError::NegativeAge { what, value });
            }
        }
        if let Some(rollups_ms) = self.rollups.max_age_ms {
            let raw_ms = self.raw.max_age_ms.unwrap_or(i64::MAX);
            if rollups_ms < raw_ms {
                return Err(RetentionError::RollupsShorterThanRaw { rollups_ms, raw_ms });
            }
        }
        Ok(())
    }
}

/// The chunks to delete, oldest first, given the feed's chunk `metas` in write order (newest
/// last) at time `now_ms`.
///
/// Deleted: every chunk but the newest whose latest trade is older than `max_age_ms`; then,
/// oldest first, as few more chunks as bring the rows and bytes kept within their limits. The
/// newest chunk is always kept.
pub fn chunks_to_delete(metas: &[ChunkMeta], policy: &ChunkPolicy, now_ms: i64) -> Vec<u64> {
    let Some((_newest, older)) = metas.split_last() else {
        return Vec::new();
    };
    let cutoff = policy.max_age_ms.map(|a| now_ms.saturating_sub(a));
    let mut delete: Vec<bool> = older
        .iter()
        .map(|m| cutoff.is_some_and(|c| m.time_max < c))
        .collect();
    let kept = |f: fn(&ChunkMeta) -> u64, delete: &[bool]| -> u64 {
        metas
            .iter()
            .enumerate()
            .filter(|(i, _)| !delete.get(*i).copied().unwrap_or(false))
            .map(|(_, m)| f(m))
            .fold(0u64, u64::saturating_add)
    };
    let mut rows = kept(|m| m.count, &delete);
    let mut bytes = kept(|m| m.bytes, &delete);
    let over = |rows: u64, bytes: u64| {
        policy.max_rows.is_some_and(|r| rows > r) || policy.max_bytes.is_some_and(|b| bytes > b)
    };
    for (i, m) in older.iter().enumerate() {
        if !over(rows, bytes) {
            break;
        }
        if !delete[i] {
            delete[i] = true;
            rows -= m.count;
            bytes -= m.bytes;
        }
    }
    older
        .iter()
        .zip(delete)
        .filter(|(_, d)| *d)
        .map(|(m, _)| m.chunk_id)
        .collect()
}

/// Rollups of minutes starting before this are expired at `now_ms` (their whole minute ended
/// longer than `max_age_ms` ago); `None` when rollups are kept forever.
pub fn rollup_cutoff(policy: &RollupPolicy, now_ms: i64) -> Option<i64> {
    // A minute's last millisecond is minute + 59_999; expired when that is before now - age.
    policy
        .max_age_ms
        .map(|a| now_ms.saturating_sub(a).saturating_sub(MINUTE_MS - 1))
}
