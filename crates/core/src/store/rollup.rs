//! One-minute rollups per (feed, symbol, minute): OHLC, volume, notional, VWAP, count and
//! volume by taker side. Kept longer than raw trades, so long-range charts outlive them.
//!
//! A [`Rollup`] folds trades one at a time and merges with another rollup of the same key;
//! open and close are the trades first and last in (time, id) order, so the result does not
//! depend on arrival order, and a late trade simply updates its minute. Sums are compensated
//! ([`Sum`]) and stored with their compensation, so a stored rollup continues exactly.
//!
//! Rollups are stored in blocks (one IndexedDB record per feed and block of minutes) with the
//! same envelope as chunks: magic `TLRU`, layout version 1, counts, CRC-32 at byte 60. After
//! the 64-byte header (n rollups, s strings, L text bytes; min and max minute as f64 at 24
//! and 32), eighteen 8-byte columns of n values: minute (f64 ms), count (u64), open time
//! (f64), open id (u64), open price, close time (f64), close id (u64), close price, high, low,
//! then (sum, compensation) pairs of volume, notional, buy volume and sell volume; then
//! symbols (u32 index), string lengths (u32), string text.

use std::collections::{BTreeMap, HashSet};

use super::bytes::{Reader, Writer};
use super::chunk::{ChunkError, MAX_TIME_MS};
use super::envelope::{check_envelope, read_strings, reserved, seal, HEADER_LEN};
use crate::model::{Label, Side, Trade};
use crate::sum::Sum;

/// Milliseconds in a rollup's minute.
pub const MINUTE_MS: i64 = 60_000;
/// The four bytes every rollup block starts with.
pub const ROLLUP_MAGIC: [u8; 4] = *b"TLRU";
/// The rollup block layout this code writes.
pub const ROLLUP_VERSION: u16 = 1;

/// Span of minutes stored in one rollup record (one IndexedDB record per feed and hour).
pub const ROLLUP_BLOCK_MS: i64 = 3_600_000;

/// Start of the rollup block (UTC hour) holding `time_ms`: the record key's `minute_from`.
pub fn block_of(time_ms: i64) -> i64 {
    time_ms.div_euclid(ROLLUP_BLOCK_MS) * ROLLUP_BLOCK_MS
}

/// Start of the UTC minute holding `time_ms`.
pub fn minute_of(time_ms: i64) -> i64 {
    time_ms.div_euclid(MINUTE_MS) * MINUTE_MS
}

/// A trade's price at its place in (time, id) order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mark {
    /// Trade time, ms.
    pub time_ms: i64,
    /// Trade id.
    pub id: u64,
    /// Trade price.
    pub price: f64,
}

impl Mark {
    fn key(&self) -> (i64, u64) {
        (self.time_ms, self.id)
    }
}

/// The aggregate of one symbol's trades in one minute of one feed.
#[derive(Clone, Debug, PartialEq)]
pub struct Rollup {
    symbol: Label,
    minute_ms: i64,
    count: u64,
    open: Mark,
    close: Mark,
    high: f64,
    low: f64,
    volume: Sum,
    notional: Sum,
    buy: Sum,
    sell: Sum,
}

impl Rollup {
    /// The rollup of a single trade.
    pub fn of(t: &Trade) -> Rollup {
        let mark = Mark {
            time_ms: t.time_ms,
            id: t.id,
            price: t.price,
        };
        let mut r = Rollup {
            symbol: t.symbol.clone(),
            minute_ms: minute_of(t.time_ms),
            count: 1,
            open: mark,
            close: mark,
            high: t.price,
            low: t.price,
            volume: Sum::default(),
            notional: Sum::default(),
            buy: Sum::default(),
            sell: Sum::default(),
        };
        r.add_sums(t);
        r
    }

    fn add_sums(&mut self, t: &Trade) {
        self.volume.push(t.qty);
        self.notional.push(t.price * t.qty);
        match t.side {
            Some(Side::Buy) => self.buy.push(t.qty),
            Some(Side::Sell) => self.sell.push(t.qty),
            None => {}
        }
    }

    /// Adds a trade of the same symbol and minute; `false` (and no change) otherwise.
    pub fn push(&mut self, t: &Trade) -> bool {
        if t.symbol != self.symbol || minute_of(t.time_ms) != self.minute_ms {
            return false;
        }
        self.merge(&Rollup::of(t))
    }

    /// Adds another rollup of the same key; `false` (and no change) otherwise.
    pub fn merge(&mut self, o: &Rollup) -> bool {
        if o.symbol != self.symbol || o.minute_ms != self.minute_ms {
            return false;
        }
        self.count += o.count;
        if o.open.key() < self.open.key() {
            self.open = o.open;
        }
        if o.close.key() >= self.close.key() {
            self.close = o.close;
        }
        self.high = self.high.max(o.high);
        self.low = self.low.min(o.low);
        self.volume.merge(&o.volume);
        self.notional.merge(&o.notional);
        self.buy.merge(&o.buy);
        self.sell.merge(&o.sell);
        true
    }

    /// The symbol.
    pub fn symbol(&self) -> &Label {
        &self.symbol
    }
    /// Start of the minute, ms since the epoch (UTC).
    pub fn minute_ms(&self) -> i64 {
        self.minute_ms
    }
    /// Number of trades (at least one).
    pub fn count(&self) -> u64 {
        self.count
    }
    /// First trade in (time, id) order.
    pub fn open(&self) -> Mark {
        self.open
    }
    /// Last trade in (time, id) order.
    pub fn close(&self) -> Mark {
        self.close
    }
    /// Highest price.
    pub fn high(&self) -> f64 {
        self.high
    }
    /// Lowest price.
    pub fn low(&self) -> f64 {
        self.low
    }
    /// Total quantity.
    pub fn volume(&self) -> f64 {
        self.volume.value()
    }
    /// Total price times quantity.
    pub fn notional(&self) -> f64 {
        self.notional.value()
    }
    /// Volume-weighted average price; `None` when the volume is zero.
    pub fn vwap(&self) -> Option<f64> {
        let v = self.volume();
        (v != 0.0).then(|| self.notional() / v)
    }
    /// The compensated sums as kept: volume, notional, buy volume, sell volume.
    pub fn sums(&self) -> (Sum, Sum, Sum, Sum) {
        (self.volume, self.notional, self.buy, self.sell)
    }
    /// Volume where the taker bought.
    pub fn buy_volume(&self) -> f64 {
        self.buy.value()
    }
    /// Volume where the taker sold.
    pub fn sell_volume(&self) -> f64 {
        self.sell.value()
    }
}

/// The rollups of one feed, by (minute, symbol). Collect decoded rollups into one with
/// `collect()`; rollups of the same key merge.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rollups {
    map: BTreeMap<(i64, Label), Rollup>,
}

impl Rollups {
    /// No rollups.
    pub fn new() -> Rollups {
        Rollups::default()
    }

    /// The rollups of `trades`: a batch's delta, to merge into stored rollups.
    pub fn from_trades(trades: &[Trade]) -> Rollups {
        let mut r = Rollups::new();
        trades.iter().for_each(|t| r.push(t));
        r
    }

    /// Adds a trade to its minute.
    pub fn push(&mut self, t: &Trade) {
        self.add(Rollup::of(t));
    }

    /// Merges a rollup into the one of its key, or inserts it.
    pub fn add(&mut self, r: Rollup) {
        let key = (r.minute_ms, r.symbol.clone());
        match self.map.get_mut(&key) {
            Some(have) => {
                have.merge(&r);
            }
            None => {
                self.map.insert(key, r);
            }
        }
    }

    /// Merges every rollup of `other`.
    pub fn merge(&mut self, other: &Rollups) {
        other.iter().for_each(|r| self.add(r.clone()));
    }

    /// The rollup of `symbol` in the minute starting at `minute_ms`.
    pub fn get(&self, symbol: &str, minute_ms: i64) -> Option<&Rollup> {
        self.map.get(&(minute_ms, Label::from(symbol)))
    }

    /// Every rollup, by minute then symbol.
    pub fn iter(&self) -> impl Iterator<Item = &Rollup> {
        self.map.values()
    }

    /// Number of (minute, symbol) rollups.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The rollups grouped by block ([`block_of`]): one stored record each. A batch's delta
    /// touches few blocks; the app reads those records, merges, and writes them back in the
    /// batch's transaction.
    pub fn blocks(&self) -> BTreeMap<i64, Vec<&Rollup>> {
        let mut out: BTreeMap<i64, Vec<&Rollup>> = BTreeMap::new();
        for r in self.map.values() {
            out.entry(block_of(r.minute_ms)).or_default().push(r);
        }
        out
    }

    /// Drops rollups of minutes before `cutoff_ms` (retention); returns how many.
    pub fn drop_before(&mut self, cutoff_ms: i64) -> usize {
        let before = self.map.len();
        self.map.retain(|(m, _), _| *m >= cutoff_ms);
        before - self.map.len()
    }
}

impl FromIterator<Rollup> for Rollups {
    fn from_iter<I: IntoIterator<Item = Rollup>>(iter: I) -> Self {
        let mut r = Rollups::new();
        iter.into_iter().for_each(|x| r.add(x));
        r
    }
}

/// Encodes rollups as one block (layout in the [module docs](self)).
pub fn encode_rollups<'a>(rollups: impl IntoIterator<Item = &'a Rollup>) -> Vec<u8> {
    let rs: Vec<&Rollup> = rollups.into_iter().collect();
    let mut strings: Vec<&Label> = Vec::new();
    let mut index: BTreeMap<&str, u32> = BTreeMap::new();
    let symbols: Vec<u32> = rs
        .iter()
        .map(|r| {
            *index.entry(&r.symbol).or_insert_with(|| {
                strings.push(&r.symbol);
                strings.len() as u32 - 1
            })
        })
        .collect();
    let text: usize = strings.iter().map(|s| s.len()).sum();
    let n = rs.len();
    let mut w = Writer::with_capacity(HEADER_LEN + 148 * n + 4 * strings.len() + text);
    let lo = rs.iter().map(|r| r.minute_ms).min().unwrap_or(0);
    let hi = rs.iter().map(|r| r.minute_ms).max().unwrap_or(0);
    w.bytes(&ROLLUP_MAGIC);
    w.u16(ROLLUP_VERSION);
    w.u16(0);
    w.u32(n as u32);
    w.u32(strings.len() as u32);
    w.u32(text as u32);
    w.u32(0);
    w.f64(lo as f64);
    w.f64(hi as f64);
    w.bytes(&[0; 24]); // reserved, then the CRC
    let pairs = |w: &mut Writer, f: &dyn Fn(&Rollup) -> Sum| {
        let parts: Vec<(f64, f64)> = rs.iter().map(|r| f(r).parts()).collect();
        parts.iter().for_each(|p| w.f64(p.0));
        parts.iter().for_each(|p| w.f64(p.1));
    };
    rs.iter().for_each(|r| w.f64(r.minute_ms as f64));
    rs.iter().for_each(|r| w.u64(r.count));
    rs.iter().for_each(|r| w.f64(r.open.time_ms as f64));
    rs.iter().for_each(|r| w.u64(r.open.id));
    rs.iter().for_each(|r| w.f64(r.open.price));
    rs.iter().for_each(|r| w.f64(r.close.time_ms as f64));
    rs.iter().for_each(|r| w.u64(r.close.id));
    rs.iter().for_each(|r| w.f64(r.close.price));
    rs.iter().for_each(|r| w.f64(r.high));
    rs.iter().for_each(|r| w.f64(r.low));
    pairs(&mut w, &|r| r.volume);
    pairs(&mut w, &|r| r.notional);
    pairs(&mut w, &|r| r.buy);
    pairs(&mut w, &|r| r.sell);
    symbols.iter().for_each(|&s| w.u32(s));
    strings.iter().for_each(|s| w.u32(s.len() as u32));
    strings.iter().for_each(|s| w.bytes(s.as_bytes()));
    seal(&mut w.buf);
    w.buf
}

fn time_at(row: usize, bits: u64) -> Result<i64, ChunkError> {
    let value = f64::from_bits(bits);
    if value.fract() == 0.0 && value.abs() <= MAX_TIME_MS as f64 {
        Ok(value as i64)
    } else {
        Err(ChunkError::BadTime { row, value })
    }
}

/// Reads a block written by [`encode_rollups`], checking everything; never panics.
pub fn decode_rollups(bytes: &[u8]) -> Result<Vec<Rollup>, ChunkError> {
    let env = check_envelope(bytes, ROLLUP_MAGIC, ROLLUP_VERSION)?;
    let mut r = Reader::new(bytes);
    r.pos = 8;
    let n = r.u32().unwrap_or(0) as usize;
    let s = r.u32().unwrap_or(0) as usize;
    let l = r.u32().unwrap_or(0) as usize;
    let expected = HEADER_LEN as u64 + 148 * n as u64 + 4 * s as u64 + l as u64;
    if bytes.len() as u64 != expected {
        return Err(ChunkError::Length {
            len: bytes.len(),
            expected,
        });
    }
    env.check_crc(bytes)?;
    for offset in [20, 40, 44, 48, 52, 56] {
        reserved(bytes, offset)?;
    }
    r.pos = HEADER_LEN;
    let col = |r: &mut Reader| (0..n).map(|_| r.u64().unwrap_or(0)).collect::<Vec<u64>>();
    let cols: Vec<Vec<u64>> = (0..18).map(|_| col(&mut r)).collect();
    let symbols: Vec<u32> = (0..n).map(|_| r.u32().unwrap_or(0)).collect();
    let lens: Vec<u32> = (0..s).map(|_| r.u32().unwrap_or(0)).collect();
    let text = r.take(l).unwrap_or_default();
    let strings = read_strings(text, &lens)?;
    let f = |c: usize, row: usize| f64::from_bits(cols[c][row]);
    let sum = |c: usize, row: usize| Sum::from_parts(f(c, row), f(c + 1, row));
    let mut out = Vec::with_capacity(n);
    let mut keys = HashSet::with_capacity(n);
    for row in 0..n {
        let minute_ms = time_at(row, cols[0][row])?;
        let open_t = time_at(row, cols[2][row])?;
        let close_t = time_at(row, cols[5][row])?;
        let symbol = strings
            .get(symbols[row] as usize)
            .cloned()
            .ok_or(ChunkError::BadLabel {
                row,
                column: "symbol",
                index: symbols[row],
                strings: s as u32,
            })?;
        let open = Mark {
            time_ms: open_t,
            id: cols[3][row],
            price: f(4, row),
        };
        let close = Mark {
            time_ms: close_t,
            id: cols[6][row],
            price: f(7, row),
        };
        let inside = |t: i64| minute_of(t) == minute_ms;
        let sound = minute_of(minute_ms) == minute_ms
            && cols[1][row] > 0
            && inside(open_t)
            && inside(close_t)
            && open.key() <= close.key();
        if !sound || !keys.insert((minute_ms, symbol.clone())) {
            return Err(ChunkError::HeaderMismatch {
                field: "rollup",
                header: format!("row {row}"),
                columns: "an inconsistent or repeated minute".to_string(),
            });
        }
        out.push(Rollup {
            symbol,
            minute_ms,
            count: cols[1][row],
            open,
            close,
            high: f(8, row),
            low: f(9, row),
            volume: sum(10, row),
            notional: sum(12, row),
            buy: sum(14, row),
            sell: sum(16, row),
        });
    }
    let lo = out.iter().map(|r| r.minute_ms).min().unwrap_or(0) as f64;
    let hi = out.iter().map(|r| r.minute_ms).max().unwrap_or(0) as f64;
    let mut r = Reader::new(bytes);
    r.pos = 24;
    let (h_lo, h_hi) = (r.f64().unwrap_or(f64::NAN), r.f64().unwrap_or(f64::NAN));
    if (h_lo, h_hi) != (lo, hi) {
        return Err(ChunkError::HeaderMismatch {
            field: "minute range",
            header: format!("{h_lo}..{h_hi}"),
            columns: format!("{lo}..{hi}"),
        });
    }
    Ok(out)
}
