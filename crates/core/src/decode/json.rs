//! Shared JSON plumbing: parse errors with positions, field readers that name the field.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::text::{id_from_text, parse_decimal};
use super::{DecodeError, Position, Role};

/// Parses `text` as `T`, turning a parse failure into [`DecodeError::Json`] with its position.
pub(crate) fn from_str<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, DecodeError> {
    serde_json::from_str(text).map_err(|e| json_error(&e))
}

/// Parses a nested raw value as `T`; positions are then relative to that value.
pub(crate) fn from_raw<'a, T: Deserialize<'a>>(raw: &'a RawValue) -> Result<T, DecodeError> {
    from_str(raw.get())
}

pub(crate) fn json_error(e: &serde_json::Error) -> DecodeError {
    let at = Position::LineColumn {
        line: e.line() as u64,
        column: e.column() as u64,
    };
    if e.is_eof() {
        return DecodeError::Truncated { at };
    }
    // serde_json ends its messages with the position, which `at` already says.
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    DecodeError::Json {
        at,
        message: text.strip_suffix(&suffix).unwrap_or(&text).to_string(),
    }
}

/// The first non-blank byte of a text: tells an array (REST page) from an object (event).
pub(crate) fn first_byte(text: &str) -> Option<u8> {
    text.bytes().find(|b| !b.is_ascii_whitespace())
}

/// A required field.
pub(crate) fn need<T>(
    v: Option<T>,
    at: &Position,
    field: &str,
    role: Role,
) -> Result<T, DecodeError> {
    v.ok_or_else(|| DecodeError::missing(at.clone(), field, role))
}

/// A required decimal-text field (`"p":"0.001"`).
pub(crate) fn decimal(
    v: Option<&Cow<'_, str>>,
    at: &Position,
    field: &str,
    role: Role,
) -> Result<f64, DecodeError> {
    let s = need(v, at, field, role)?;
    parse_decimal(s)
        .ok_or_else(|| DecodeError::invalid(at.clone(), field, role, s, "a decimal number"))
}

/// A required JSON number, read from its own text so no precision is lost on the way.
pub(crate) fn number(
    v: Option<&RawValue>,
    at: &Position,
    field: &str,
    role: Role,
) -> Result<f64, DecodeError> {
    let raw = need(v, at, field, role)?.get();
    let s = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw);
    parse_decimal(s).ok_or_else(|| DecodeError::invalid(at.clone(), field, role, raw, "a number"))
}

/// An id given as a JSON number or string.
pub(crate) fn id(v: Option<&RawValue>, at: &Position, field: &str) -> Result<u64, DecodeError> {
    let raw = need(v, at, field, Role::Id)?.get();
    if let Some(s) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        return Ok(id_from_text(s));
    }
    raw.parse::<u64>().map_err(|_| {
        DecodeError::invalid(
            at.clone(),
            field,
            Role::Id,
            raw,
            "a non-negative integer or a string",
        )
    })
}

/// A required JSON integer (a time), read from its own text, so that one out of range is an
/// error naming its field rather than a failure of the whole message.
pub(crate) fn integer(
    v: Option<&RawValue>,
    at: &Position,
    field: &str,
    role: Role,
) -> Result<i64, DecodeError> {
    let raw = need(v, at, field, role)?.get();
    raw.parse::<i64>()
        .map_err(|_| DecodeError::invalid(at.clone(), field, role, raw, "an integer"))
}

/// A JSON error inside an array item is reported at that item, with the item's own line and
/// column in the message.
pub(crate) fn relocate(e: DecodeError, at: &Position) -> DecodeError {
    match e {
        DecodeError::Json { at: inner, message } => DecodeError::Json {
            at: at.clone(),
            message: format!("{message} (at {inner} of the item)"),
        },
        DecodeError::Truncated { .. } => DecodeError::Truncated { at: at.clone() },
        other => other,
    }
}
