//! Why a shared link was refused, in words a visitor can act on.

use super::{FORMAT, MAX_DECODED_BYTES, MAX_ENCODED_BYTES, MAX_FEEDS, MAX_RULES};
use crate::dashboard::MAX_PANELS;

/// Why a dashboard link could not be read (or a dashboard could not be written into one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShareError {
    /// The encoded payload is over [`MAX_ENCODED_BYTES`].
    #[error("This link is too long: {len} characters of dashboard, at most {MAX_ENCODED_BYTES} are read")]
    TooLong {
        /// Length of the payload.
        len: usize,
    },
    /// The decoded JSON is (or would grow) over [`MAX_DECODED_BYTES`].
    #[error("This link unpacks to more than {MAX_DECODED_BYTES} bytes of dashboard; it was refused unread")]
    TooLarge,
    /// Not base64url, not deflate, or not JSON: the link was cut or altered.
    #[error("This link is damaged (cut short or altered): {0}")]
    Damaged(String),
    /// Made by a newer TradeLens.
    #[error("This link was made by a newer TradeLens (format {version}); this page reads format {FORMAT}")]
    FutureVersion {
        /// The link's format.
        version: u64,
    },
    /// A format number no TradeLens writes.
    #[error("This link names format {version}, which no TradeLens writes; this page reads format {FORMAT}")]
    BadVersion {
        /// The link's format.
        version: u64,
    },
    /// The JSON does not have the dashboard's shape (an unknown field, a wrong type).
    #[error("This link's dashboard is not valid: {0}")]
    Shape(String),
    /// A name the page does not know (a bucket size, a field, a venue ...).
    #[error("This link's {field} is {value:?}, which this page does not know")]
    Unknown {
        /// Where, e.g. `bucket` or `feeds[1].venue`.
        field: String,
        /// The value, cut to a readable length.
        value: String,
    },
    /// A text over its length limit.
    #[error("This link's {field} is {len} characters long, at most {max} are allowed")]
    TextTooLong {
        /// Where.
        field: String,
        /// Its length in characters.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A text with characters it may not hold (control characters, or outside its set).
    #[error("This link's {field} holds a character it may not: {found:?}")]
    BadCharacter {
        /// Where.
        field: String,
        /// The first offending character.
        found: char,
    },
    /// A number out of its range.
    #[error("This link's {field} is {value}, outside {min}..={max}")]
    OutOfRange {
        /// Where.
        field: String,
        /// The value.
        value: i64,
        /// Lowest allowed.
        min: i64,
        /// Highest allowed.
        max: i64,
    },
    /// More feeds than a link may carry.
    #[error("This link lists {count} feeds, at most {MAX_FEEDS} are allowed")]
    TooManyFeeds {
        /// How many it lists.
        count: usize,
    },
    /// More panels than a dashboard holds.
    #[error("This link lists {count} panels, at most {MAX_PANELS} are allowed")]
    TooManyPanels {
        /// How many it lists.
        count: usize,
    },
    /// More alert rules than a link carries.
    #[error("This link lists {count} alert rules, at most {MAX_RULES} are allowed")]
    TooManyRules {
        /// How many it lists.
        count: usize,
    },
    /// An alert rule that does not pass its checks.
    #[error("This link's alert rule {at} is not valid: {why}")]
    BadRule {
        /// Its place in the list, from 1.
        at: usize,
        /// What is wrong.
        why: String,
    },
    /// A URL whose scheme is not one a feed may use.
    #[error("This link's {field} uses {scheme:?}; feeds may only use {allowed}")]
    Scheme {
        /// Where.
        field: String,
        /// The scheme found (cut to a readable length).
        scheme: String,
        /// The schemes allowed there.
        allowed: &'static str,
    },
    /// A URL that is not one (no host, spaces ...).
    #[error("This link's {field} is not a usable URL: {why}")]
    BadUrl {
        /// Where.
        field: String,
        /// What is wrong.
        why: &'static str,
    },
    /// A URL carrying a user name or password.
    #[error("This link's {field} carries a user name or password (user:pass@); secrets never go into a link")]
    Credentials {
        /// Where.
        field: String,
    },
    /// A URL with a query parameter named like a secret.
    #[error("This link's {field} has a query parameter {name:?} that looks like a secret; secrets never go into a link")]
    SecretParameter {
        /// Where.
        field: String,
        /// The parameter's name.
        name: String,
    },
}
