//! Columnar chunks: a run of trades of one feed, as typed columns in one binary record.
//!
//! IndexedDB pays per record and per transaction, so trades are stored a few thousand to a
//! record. A chunk is encoded to one little-endian byte string the app stores as a
//! `Uint8Array`, next to its [`ChunkMeta`] (the indexed fields).
//!
//! # Layout, version 1
//!
//! All integers and floats little-endian. `n` trades, `s` strings, `L` bytes of string text.
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 4 | magic `TLCK` |
//! | 4 | 2 | layout version (`1`) |
//! | 6 | 2 | flags, `0` (reserved) |
//! | 8 | 4 | `n`, trades (at least 1) |
//! | 12 | 4 | `s`, strings in the table |
//! | 16 | 4 | `L`, bytes of string text |
//! | 20 | 4 | reserved, `0` |
//! | 24 | 8 | min time, f64 ms |
//! | 32 | 8 | max time, f64 ms |
//! | 40 | 8 | min id, u64 |
//! | 48 | 8 | max id, u64 |
//! | 56 | 4 | reserved, `0` |
//! | 60 | 4 | CRC-32 of every byte but these four |
//! | 64 | 8n | ids, u64 |
//! | 64+8n | 8n | times, f64 ms since the epoch (integral, \|t\| ≤ 2⁵³−1) |
//! | 64+16n | 8n | prices, f64 |
//! | 64+24n | 8n | quantities, f64 |
//! | 64+32n | 4n | symbols, u32 index into the string table |
//! | 64+36n | 4·4n | category, region, channel, customer: u32 index, `u32::MAX` = none |
//! | 64+52n | 4s | string lengths in bytes, u32 |
//! | 64+52n+4s | n | sides: `0` none, `1` buy, `2` sell |
//! | 64+53n+4s | L | string text, UTF-8, concatenated |
//!
//! Every 8-byte column starts at a multiple of 8 and every 4-byte column at a multiple of 4,
//! so the app can view the record's `ArrayBuffer` without copying.
//!
//! Why these types, for the JavaScript side:
//! - **times are f64**: a `Float64Array` is the simplest typed array, `Date` takes it as is,
//!   and every millisecond timestamp within ±285,000 years is an exact f64 integer; chunks
//!   refuse times past 2⁵³−1 ms rather than round them.
//! - **ids are u64**: venue ids and FNV-1a hashes of text ids use all 64 bits, so an f64
//!   would merge distinct ids. JavaScript reads them as a `BigUint64Array`, or as a
//!   `Uint32Array` of (low, high) pairs; an id whose high word is below 2²¹ is a safe
//!   `Number` (`low + high * 2**32`).
//!
//! Decoding checks everything (length, checksum, string table, indexes, sides, times, the
//! header's ranges against the columns, distinct ids) and never panics: corrupt bytes are a
//! [`ChunkError`].

use std::collections::{HashMap, HashSet};

use super::bytes::{Reader, Writer};
use super::envelope::{check_envelope, read_strings, reserved, seal};
pub use super::error::ChunkError;
use super::meta::ChunkMeta;
use crate::model::{Label, Side, Trade};

/// The four bytes every chunk starts with.
pub const CHUNK_MAGIC: [u8; 4] = *b"TLCK";
/// The chunk layout this code writes (and the newest it reads).
pub const CHUNK_VERSION: u16 = 1;
/// Bytes before the first column.
pub const CHUNK_HEADER_LEN: usize = super::envelope::HEADER_LEN;
/// A dimension column's value for "no label".
pub const NO_LABEL: u32 = u32::MAX;
/// The largest time a chunk holds, in ms: the largest integer every f64 below it represents.
pub const MAX_TIME_MS: i64 = (1 << 53) - 1;

/// A run of trades of one feed, stored column by column.
///
/// Built with [`Chunk::from_trades`] or a [`ChunkBuilder`](super::ChunkBuilder), so it is never empty, its ids are
/// distinct and its times fit the layout.
#[derive(Clone, Debug, PartialEq)]
pub struct Chunk {
    ids: Vec<u64>,
    times: Vec<i64>,
    prices: Vec<f64>,
    qtys: Vec<f64>,
    sides: Vec<u8>,
    symbols: Vec<u32>,
    dims: [Vec<u32>; 4],
    strings: Vec<Label>,
    string_bytes: usize,
}

/// Interns labels into a chunk's string table.
pub(crate) type Intern = HashMap<Label, u32>;

fn side_byte(s: Option<Side>) -> u8 {
    match s {
        None => 0,
        Some(Side::Buy) => 1,
        Some(Side::Sell) => 2,
    }
}

impl Chunk {
    pub(crate) fn empty() -> Chunk {
        Chunk {
            ids: Vec::new(),
            times: Vec::new(),
            prices: Vec::new(),
            qtys: Vec::new(),
            sides: Vec::new(),
            symbols: Vec::new(),
            dims: Default::default(),
            strings: Vec::new(),
            string_bytes: 0,
        }
    }

    fn label(&mut self, l: &Label, intern: &mut Intern) -> Result<u32, ChunkError> {
        if let Some(&i) = intern.get(l) {
            return Ok(i);
        }
        let too_large = ChunkError::TooLarge {
            what: "string table",
        };
        let bytes = self
            .string_bytes
            .checked_add(l.len())
            .ok_or(too_large.clone())?;
        let i = u32::try_from(self.strings.len()).map_err(|_| too_large.clone())?;
        if bytes > u32::MAX as usize || i == NO_LABEL {
            return Err(too_large);
        }
        self.string_bytes = bytes;
        self.strings.push(l.clone());
        intern.insert(l.clone(), i);
        Ok(i)
    }

    /// Appends a trade; the caller has checked its id is new to the chunk.
    pub(crate) fn append(&mut self, t: &Trade, intern: &mut Intern) -> Result<(), ChunkError> {
        if !(-MAX_TIME_MS..=MAX_TIME_MS).contains(&t.time_ms) {
            return Err(ChunkError::TimeOutOfRange {
                id: t.id,
                time_ms: t.time_ms,
            });
        }
        if self.ids.len() >= u32::MAX as usize {
            return Err(ChunkError::TooLarge {
                what: "trade count",
            });
        }
        // Labels first: a failure leaves the columns untouched (the table may keep a spare).
        let symbol = self.label(&t.symbol, intern)?;
        let mut dims = [NO_LABEL; 4];
        for (slot, d) in dims.iter_mut().zip(&t.dims) {
            if let Some(l) = d {
                *slot = self.label(l, intern)?;
            }
        }
        self.ids.push(t.id);
        self.times.push(t.time_ms);
        self.prices.push(t.price);
        self.qtys.push(t.qty);
        self.sides.push(side_byte(t.side));
        self.symbols.push(symbol);
        for (col, v) in self.dims.iter_mut().zip(dims) {
            col.push(v);
        }
        Ok(())
    }

    /// A chunk of `trades`, in the order given.
    pub fn from_trades(trades: &[Trade]) -> Result<Chunk, ChunkError> {
        let mut c = Chunk::empty();
        let mut intern = Intern::new();
        let mut seen = HashSet::with_capacity(trades.len());
        for t in trades {
            if !seen.insert(t.id) {
                return Err(ChunkError::DuplicateId { id: t.id });
            }
            c.append(t, &mut intern)?;
        }
        if c.ids.is_empty() {
            return Err(ChunkError::Empty);
        }
        Ok(c)
    }

    /// The trades, in stored order; labels are shared between trades.
    pub fn trades(&self) -> Vec<Trade> {
        (0..self.len())
            .map(|i| {
                let label = |k: u32| self.strings.get(k as usize).cloned();
                Trade {
                    id: self.ids[i],
                    time_ms: self.times[i],
                    price: self.prices[i],
                    qty: self.qtys[i],
                    side: match self.sides[i] {
                        1 => Some(Side::Buy),
                        2 => Some(Side::Sell),
                        _ => None,
                    },
                    // Indexes were checked on the way in; "" is unreachable.
                    symbol: label(self.symbols[i]).unwrap_or_else(|| "".into()),
                    dims: std::array::from_fn(|d| label(self.dims[d][i])),
                }
            })
            .collect()
    }

    /// Number of trades (at least one).
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Always false: a chunk holds at least one trade.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The id column.
    pub fn ids(&self) -> &[u64] {
        &self.ids
    }

    /// The time column, ms since the epoch.
    pub fn times(&self) -> &[i64] {
        &self.times
    }

    /// Earliest and latest trade time.
    pub fn time_range(&self) -> (i64, i64) {
        min_max(&self.times)
    }

    /// Smallest and largest id.
    pub fn id_range(&self) -> (u64, u64) {
        min_max(&self.ids)
    }

    /// Size of [`Chunk::encode`]'s output, without encoding.
    pub fn encoded_len(&self) -> usize {
        let (n, s) = (self.len(), self.strings.len());
        CHUNK_HEADER_LEN + 53 * n + 4 * s + self.string_bytes
    }

    /// The index entry of this chunk, stored as chunk `chunk_id` of `feed`.
    pub fn meta(&self, feed: &str, chunk_id: u64) -> ChunkMeta {
        let (time_min, time_max) = self.time_range();
        let (id_min, id_max) = self.id_range();
        ChunkMeta {
            feed: feed.into(),
            chunk_id,
            time_min,
            time_max,
            id_min,
            id_max,
            count: self.len() as u64,
            bytes: self.encoded_len() as u64,
        }
    }

    /// The binary layout described in the [module docs](self).
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::with_capacity(self.encoded_len());
        let (tmin, tmax) = self.time_range();
        let (imin, imax) = self.id_range();
        w.bytes(&CHUNK_MAGIC);
        w.u16(CHUNK_VERSION);
        w.u16(0);
        w.u32(self.len() as u32);
        w.u32(self.strings.len() as u32);
        w.u32(self.string_bytes as u32);
        w.u32(0);
        w.f64(tmin as f64);
        w.f64(tmax as f64);
        w.u64(imin);
        w.u64(imax);
        w.u32(0);
        w.u32(0); // checksum, filled below
        self.ids.iter().for_each(|&v| w.u64(v));
        self.times.iter().for_each(|&v| w.f64(v as f64));
        self.prices.iter().for_each(|&v| w.f64(v));
        self.qtys.iter().for_each(|&v| w.f64(v));
        self.symbols.iter().for_each(|&v| w.u32(v));
        for col in &self.dims {
            col.iter().for_each(|&v| w.u32(v));
        }
        self.strings.iter().for_each(|s| w.u32(s.len() as u32));
        w.bytes(&self.sides);
        self.strings.iter().for_each(|s| w.bytes(s.as_bytes()));
        seal(&mut w.buf);
        w.buf
    }

    /// Reads bytes written by [`Chunk::encode`], checking everything.
    pub fn decode(bytes: &[u8]) -> Result<Chunk, ChunkError> {
        let header = check_envelope(bytes, CHUNK_MAGIC, CHUNK_VERSION)?;
        let mut r = Reader::new(bytes);
        r.pos = 8;
        let get = |v: Option<u32>| v.unwrap_or(0);
        let n = get(r.u32()) as usize;
        let s = get(r.u32()) as usize;
        let l = get(r.u32()) as usize;
        let expected = CHUNK_HEADER_LEN as u64 + 53 * n as u64 + 4 * s as u64 + l as u64;
        if bytes.len() as u64 != expected {
            return Err(ChunkError::Length {
                len: bytes.len(),
                expected,
            });
        }
        header.check_crc(bytes)?;
        reserved(bytes, 20)?;
        reserved(bytes, 56)?;
        if n == 0 {
            return Err(ChunkError::Empty);
        }
        let mut r = Reader::new(bytes);
        r.pos = 24;
        let h_tmin = r.f64().unwrap_or(f64::NAN);
        let h_tmax = r.f64().unwrap_or(f64::NAN);
        let h_imin = r.u64().unwrap_or(0);
        let h_imax = r.u64().unwrap_or(0);
        r.pos = CHUNK_HEADER_LEN;
        // The length check above guarantees every read below succeeds; `unwrap_or` keeps a
        // mistake in that reasoning an error, not a panic.
        let u64s = |r: &mut Reader| (0..n).map(|_| r.u64().unwrap_or(0)).collect::<Vec<_>>();
        let ids = u64s(&mut r);
        let time_bits = u64s(&mut r);
        let prices = u64s(&mut r).into_iter().map(f64::from_bits).collect();
        let qtys = u64s(&mut r).into_iter().map(f64::from_bits).collect();
        let u32s = |r: &mut Reader, k: usize| (0..k).map(|_| r.u32().unwrap_or(0)).collect();
        let symbols: Vec<u32> = u32s(&mut r, n);
        let dims: [Vec<u32>; 4] = std::array::from_fn(|_| u32s(&mut r, n));
        let lens: Vec<u32> = u32s(&mut r, s);
        let sides = r.take(n).unwrap_or_default().to_vec();
        let text = r.take(l).unwrap_or_default();

        let mut times = Vec::with_capacity(n);
        for (row, bits) in time_bits.into_iter().enumerate() {
            let value = f64::from_bits(bits);
            let ok = value.fract() == 0.0 && value.abs() <= MAX_TIME_MS as f64;
            if !ok {
                return Err(ChunkError::BadTime { row, value });
            }
            times.push(value as i64);
        }
        let strings = read_strings(text, &lens)?;
        let check = |column: &'static str, col: &[u32], none_ok: bool| {
            for (row, &index) in col.iter().enumerate() {
                if (index as usize) >= s && !(none_ok && index == NO_LABEL) {
                    return Err(ChunkError::BadLabel {
                        row,
                        column,
                        index,
                        strings: s as u32,
                    });
                }
            }
            Ok(())
        };
        check("symbol", &symbols, false)?;
        for (name, col) in ["category", "region", "channel", "customer"]
            .iter()
            .zip(&dims)
        {
            check(name, col, true)?;
        }
        if let Some(row) = sides.iter().position(|&b| b > 2) {
            return Err(ChunkError::BadSide {
                row,
                value: sides[row],
            });
        }
        let mut seen = HashSet::with_capacity(n);
        if let Some(&id) = ids.iter().find(|&&id| !seen.insert(id)) {
            return Err(ChunkError::DuplicateId { id });
        }
        let c = Chunk {
            ids,
            times,
            prices,
            qtys,
            sides,
            symbols,
            dims,
            strings,
            string_bytes: l,
        };
        let (tmin, tmax) = c.time_range();
        let (imin, imax) = c.id_range();
        let mismatch = |field, header: String, columns: String| {
            Err(ChunkError::HeaderMismatch {
                field,
                header,
                columns,
            })
        };
        if h_tmin != tmin as f64 || h_tmax != tmax as f64 {
            return mismatch(
                "time range",
                format!("{h_tmin}..{h_tmax}"),
                format!("{tmin}..{tmax}"),
            );
        }
        if (h_imin, h_imax) != (imin, imax) {
            return mismatch(
                "id range",
                format!("{h_imin}..{h_imax}"),
                format!("{imin}..{imax}"),
            );
        }
        Ok(c)
    }
}

fn min_max<T: Copy + Ord + Default>(v: &[T]) -> (T, T) {
    let lo = v.iter().copied().min().unwrap_or_default();
    let hi = v.iter().copied().max().unwrap_or_default();
    (lo, hi)
}
