//! The envelope every sealed record shares (chunks, rollup blocks): a 64-byte header that
//! starts with four magic bytes, a u16 version and u16 flags, and keeps a CRC-32 of the rest
//! at byte 60.

use super::bytes::{crc32, Reader};
use super::error::ChunkError;
use crate::model::Label;

/// Bytes of every sealed record's header.
pub const HEADER_LEN: usize = 64;

/// Offset of the CRC in every sealed record (chunks and rollup blocks).
pub(crate) const CRC_AT: usize = 60;

/// Writes the CRC of every byte but its own four.
pub(crate) fn seal(buf: &mut [u8]) {
    let crc = crc32(&[&buf[..CRC_AT], &buf[CRC_AT + 4..]]);
    buf[CRC_AT..CRC_AT + 4].copy_from_slice(&crc.to_le_bytes());
}

/// A header whose magic, version and flags were accepted.
pub(crate) struct Envelope;

impl Envelope {
    pub(crate) fn check_crc(&self, bytes: &[u8]) -> Result<(), ChunkError> {
        let stored = Reader::new(&bytes[CRC_AT..]).u32().unwrap_or(0);
        let computed = crc32(&[&bytes[..CRC_AT], &bytes[CRC_AT + 4..]]);
        if stored != computed {
            return Err(ChunkError::Checksum { stored, computed });
        }
        Ok(())
    }
}

/// Checks the parts every sealed record shares: a 64-byte header, magic, version, flags.
pub(crate) fn check_envelope(
    bytes: &[u8],
    magic: [u8; 4],
    version: u16,
) -> Result<Envelope, ChunkError> {
    if bytes.len() < HEADER_LEN {
        return Err(ChunkError::Length {
            len: bytes.len(),
            expected: HEADER_LEN as u64,
        });
    }
    let mut r = Reader::new(bytes);
    let found: [u8; 4] = r
        .take(4)
        .and_then(|m| m.try_into().ok())
        .unwrap_or_default();
    if found != magic {
        return Err(ChunkError::BadMagic { found });
    }
    let v = r.u16().unwrap_or(0);
    if v == 0 || v > version {
        return Err(ChunkError::UnsupportedVersion { found: v });
    }
    let flags = r.u16().unwrap_or(0);
    if flags != 0 {
        return Err(ChunkError::Reserved {
            offset: 6,
            value: u32::from(flags),
        });
    }
    Ok(Envelope)
}

pub(crate) fn reserved(bytes: &[u8], offset: usize) -> Result<(), ChunkError> {
    let mut r = Reader::new(bytes);
    r.pos = offset;
    match r.u32() {
        Some(0) => Ok(()),
        value => Err(ChunkError::Reserved {
            offset,
            value: value.unwrap_or(0),
        }),
    }
}

/// The string table: `lens[i]` bytes of `text` each, in order, exactly filling `text`.
pub(crate) fn read_strings(text: &[u8], lens: &[u32]) -> Result<Vec<Label>, ChunkError> {
    let mut strings = Vec::with_capacity(lens.len());
    let mut at = 0usize;
    for (index, &len) in lens.iter().enumerate() {
        let end = at.saturating_add(len as usize);
        let piece = text.get(at..end).ok_or(ChunkError::HeaderMismatch {
            field: "string bytes",
            header: text.len().to_string(),
            columns: format!("at least {end}"),
        })?;
        let s = std::str::from_utf8(piece).map_err(|_| ChunkError::BadString { index })?;
        strings.push(Label::from(s));
        at = end;
    }
    if at != text.len() {
        return Err(ChunkError::HeaderMismatch {
            field: "string bytes",
            header: text.len().to_string(),
            columns: at.to_string(),
        });
    }
    Ok(strings)
}
