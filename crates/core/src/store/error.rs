//! What can go wrong building or reading stored records.

use thiserror::Error;

use super::chunk::CHUNK_VERSION;

/// Why a chunk could not be built or decoded.
#[derive(Clone, Debug, PartialEq, Error)]
#[non_exhaustive]
pub enum ChunkError {
    /// A chunk holds at least one trade.
    #[error("a chunk needs at least one trade")]
    Empty,
    /// More trades or string bytes than a u32 counts.
    #[error("too large for one chunk: {what}")]
    TooLarge {
        /// What overflowed.
        what: &'static str,
    },
    /// A trade time a Float64Array cannot hold exactly.
    #[error("trade {id}: time {time_ms} ms is beyond ±2^53 ms")]
    TimeOutOfRange {
        /// The trade's id.
        id: u64,
        /// Its time.
        time_ms: i64,
    },
    /// Two trades of one chunk share an id.
    #[error("trade id {id} appears twice in one chunk")]
    DuplicateId {
        /// The repeated id.
        id: u64,
    },
    /// Fewer bytes than the header, or than the header's counts need.
    #[error("chunk is {len} bytes, expected {expected}")]
    Length {
        /// Bytes given.
        len: usize,
        /// Bytes the header (or a bare header) needs.
        expected: u64,
    },
    /// Not a chunk at all.
    #[error("bad magic {found:?}, expected `TLCK` or `TLRU`")]
    BadMagic {
        /// The first four bytes.
        found: [u8; 4],
    },
    /// A layout this code does not read.
    #[error("chunk layout version {found}, this build reads up to {CHUNK_VERSION} for chunks")]
    UnsupportedVersion {
        /// The version in the header.
        found: u16,
    },
    /// A reserved header field is not zero.
    #[error("reserved header field at byte {offset} is {value}, expected 0")]
    Reserved {
        /// Byte offset of the field.
        offset: usize,
        /// Its value.
        value: u32,
    },
    /// The bytes changed since they were written.
    #[error("checksum mismatch: stored {stored:#010x}, computed {computed:#010x}")]
    Checksum {
        /// CRC in the header.
        stored: u32,
        /// CRC of the bytes.
        computed: u32,
    },
    /// A string of the table is not UTF-8.
    #[error("string {index} of the table is not UTF-8")]
    BadString {
        /// Its index.
        index: usize,
    },
    /// A label index past the string table.
    #[error("row {row}: {column} index {index} is past the {strings} strings")]
    BadLabel {
        /// Row in the chunk.
        row: usize,
        /// Column name.
        column: &'static str,
        /// The index found.
        index: u32,
        /// Strings in the table.
        strings: u32,
    },
    /// A side byte other than 0, 1, 2.
    #[error("row {row}: side byte {value}, expected 0, 1 or 2")]
    BadSide {
        /// Row in the chunk.
        row: usize,
        /// The byte.
        value: u8,
    },
    /// A time that is not an integral f64 within ±2^53.
    #[error("row {row}: time {value} is not a whole number of ms within ±2^53")]
    BadTime {
        /// Row in the chunk.
        row: usize,
        /// The value.
        value: f64,
    },
    /// The header's summary disagrees with the columns.
    #[error("header {field} is {header}, the columns give {columns}")]
    HeaderMismatch {
        /// Which field.
        field: &'static str,
        /// The header's value.
        header: String,
        /// The value computed from the columns.
        columns: String,
    },
}
