//! What went wrong while decoding, and where.

use std::fmt;

use super::text::truncate;

/// The longest offending value an error quotes, in bytes.
const VALUE_LIMIT: usize = 80;

/// Where in the input a problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Position {
    /// The whole message.
    Message,
    /// The n-th trade (0-based) of a message or page.
    Item(usize),
    /// A line and column (both 1-based) of a text.
    LineColumn {
        /// Line, 1-based.
        line: u64,
        /// Column, 1-based.
        column: u64,
    },
    /// The record starting on this line (1-based) of a CSV or NDJSON text.
    Line(u64),
    /// The n-th row (1-based) an HTML page's row selector matched.
    Row(u64),
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Message => f.write_str("message"),
            Position::Item(i) => write!(f, "item {i}"),
            Position::LineColumn { line, column } => write!(f, "line {line}, column {column}"),
            Position::Line(l) => write!(f, "line {l}"),
            Position::Row(r) => write!(f, "row {r}"),
        }
    }
}

/// What a field stands for in a trade, whatever the venue calls it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// The trade or order id.
    Id,
    /// The event time.
    Time,
    /// The price.
    Price,
    /// The quantity.
    Qty,
    /// The taker side.
    Side,
    /// The symbol or product.
    Symbol,
    /// Anything else (message type, dimension, status...).
    Other,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Id => "id",
            Role::Time => "time",
            Role::Price => "price",
            Role::Qty => "quantity",
            Role::Side => "side",
            Role::Symbol => "symbol",
            Role::Other => "other",
        })
    }
}

/// Why input could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The text is not well-formed JSON, or not of the shape expected there.
    #[error("malformed JSON at {at}: {message}")]
    Json {
        /// Where the JSON parser stopped.
        at: Position,
        /// The parser's explanation.
        message: String,
    },
    /// A required field is absent (or null).
    #[error("{at}: field `{field}` ({role}) is missing")]
    Missing {
        /// Where.
        at: Position,
        /// The field's name in the source.
        field: String,
        /// What the field stands for.
        role: Role,
    },
    /// A field is present but its value cannot be used.
    #[error("{at}: field `{field}` ({role}) has value `{value}`, expected {expected}")]
    Invalid {
        /// Where.
        at: Position,
        /// The field's name in the source.
        field: String,
        /// What the field stands for.
        role: Role,
        /// The offending value, truncated.
        value: String,
        /// What would have been accepted.
        expected: &'static str,
    },
    /// The message is well-formed but not one this decoder knows how to read.
    #[error("{at}: unexpected message: {detail}")]
    Shape {
        /// Where.
        at: Position,
        /// What was found.
        detail: String,
    },
    /// A CSV record or NDJSON line is longer than the configured limit.
    #[error("{at}: the record is longer than {limit} bytes, the limit: skipped")]
    TooLong {
        /// Where the record starts.
        at: Position,
        /// The limit in bytes.
        limit: usize,
    },
    /// A record holds a byte that is not UTF-8.
    #[error(
        "{at}: not valid UTF-8: byte 0x{byte:02X} at offset {offset} (text in Latin-1 or \
         Windows-1252? save it as UTF-8)"
    )]
    Utf8 {
        /// Where the record starts.
        at: Position,
        /// Offset of the first bad byte from the start of the input (file, body or message).
        offset: u64,
        /// The bad byte.
        byte: u8,
    },
    /// The input as a whole is in another encoding than UTF-8.
    #[error("the text is {encoding}, not UTF-8 ({evidence}): save it as UTF-8 and try again")]
    Encoding {
        /// The encoding it looks like.
        encoding: &'static str,
        /// What shows it.
        evidence: &'static str,
    },
    /// The input was to be a JSON array but starts with something else.
    #[error("expected a JSON array (`[`), found `{found}`")]
    NotAnArray {
        /// The first byte found, as a character.
        found: char,
    },
    /// The input ends in the middle of a JSON value: it was cut off.
    #[error("{at}: the text ends in the middle of a JSON value: it was cut off (truncated)")]
    Truncated {
        /// Where the cut value starts.
        at: Position,
    },
    /// A CSV header lacks a column the decoder needs.
    #[error("the header has no column `{column}`")]
    MissingColumn {
        /// The column's name.
        column: String,
    },
}

impl DecodeError {
    /// A [`DecodeError::Missing`].
    pub fn missing(at: Position, field: &str, role: Role) -> DecodeError {
        DecodeError::Missing {
            at,
            field: field.to_string(),
            role,
        }
    }

    /// A [`DecodeError::Invalid`], quoting at most 80 bytes of `value`.
    pub fn invalid(
        at: Position,
        field: &str,
        role: Role,
        value: &str,
        expected: &'static str,
    ) -> DecodeError {
        DecodeError::Invalid {
            at,
            field: field.to_string(),
            role,
            value: truncate(value, VALUE_LIMIT).to_string(),
            expected,
        }
    }

    /// A [`DecodeError::Shape`].
    pub fn shape(at: Position, detail: impl Into<String>) -> DecodeError {
        DecodeError::Shape {
            at,
            detail: truncate(&detail.into(), 200).to_string(),
        }
    }

    /// What the offending field stands for, if the error is about one field.
    pub fn role(&self) -> Option<Role> {
        match self {
            DecodeError::Missing { role, .. } | DecodeError::Invalid { role, .. } => Some(*role),
            _ => None,
        }
    }

    /// Where the problem is, if the error says.
    pub fn position(&self) -> Option<&Position> {
        match self {
            DecodeError::Json { at, .. }
            | DecodeError::Missing { at, .. }
            | DecodeError::Invalid { at, .. }
            | DecodeError::Shape { at, .. }
            | DecodeError::TooLong { at, .. }
            | DecodeError::Utf8 { at, .. }
            | DecodeError::Truncated { at } => Some(at),
            DecodeError::MissingColumn { .. }
            | DecodeError::Encoding { .. }
            | DecodeError::NotAnArray { .. } => None,
        }
    }
}
