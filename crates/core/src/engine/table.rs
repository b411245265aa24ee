//! The columnar in-memory table the engine keeps every trade in, so that a new bucket size or
//! group-by can be computed again without asking the source.

use std::collections::HashMap;

use crate::model::{Field, Label, Side, Trade};
use crate::stats::sketch::DistinctCount;

/// Interned label id; [`NO_LABEL`] where a trade has no value for a field.
pub type LabelId = u32;

/// The id standing for "no value".
pub const NO_LABEL: LabelId = LabelId::MAX;

/// Slots in the interning cache (a power of two).
const CACHE_SLOTS: usize = 64;

/// Labels interned to small integers, so columns hold `u32`s instead of strings.
#[derive(Clone, Debug, Default)]
pub struct Dictionary {
    labels: Vec<Label>,
    /// Per label, the stable hash of its text ([`DistinctCount::hash_of`]): what distinct
    /// counts of a field count, so that their sketches merge across engines and runs.
    hashes: Vec<u64>,
    ids: HashMap<Label, LabelId>,
    /// Address of a label allocation the dictionary itself holds, and its id. Sources hand out
    /// the same `Arc` for every trade of a symbol, so most lookups end here without hashing
    /// the text. Only allocations kept alive by `labels` are cached, so an address can never be
    /// reused by another string while it is in the cache.
    cache: Vec<(usize, LabelId)>,
}

impl Dictionary {
    /// The id of `label`, adding it if new.
    #[inline]
    pub fn intern(&mut self, label: &Label) -> LabelId {
        let addr = std::sync::Arc::as_ptr(label) as *const u8 as usize;
        let slot = (addr >> 4) & (CACHE_SLOTS - 1);
        match self.cache.get(slot) {
            Some(&(cached, id)) if cached == addr => id,
            _ => self.intern_uncached(label, addr, slot),
        }
    }

    /// [`Dictionary::intern`] past the address cache: kept out of line, so that the cache
    /// hit, nearly every call, is a few instructions inlined into the caller.
    #[cold]
    #[inline(never)]
    fn intern_uncached(&mut self, label: &Label, addr: usize, slot: usize) -> LabelId {
        let id = match self.ids.get(label) {
            Some(&id) => id,
            None => {
                let id = LabelId::try_from(self.labels.len()).unwrap_or(NO_LABEL - 1);
                self.labels.push(label.clone());
                self.hashes.push(DistinctCount::hash_of(&**label));
                self.ids.insert(label.clone(), id);
                id
            }
        };
        if self
            .get(id)
            .is_some_and(|held| std::sync::Arc::ptr_eq(held, label))
        {
            if self.cache.is_empty() {
                self.cache = vec![(0, NO_LABEL); CACHE_SLOTS];
            }
            self.cache[slot] = (addr, id);
        }
        id
    }

    /// The label behind an id.
    pub fn get(&self, id: LabelId) -> Option<&Label> {
        self.labels.get(id as usize)
    }

    /// The stable hash of the text of a label id.
    pub fn hash(&self, id: LabelId) -> Option<u64> {
        self.hashes.get(id as usize).copied()
    }
}

const SIDE_NONE: u8 = 0;
const SIDE_BUY: u8 = 1;
const SIDE_SELL: u8 = 2;

/// Trades stored column by column.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// Trade ids.
    pub id: Vec<u64>,
    /// Event times (ms since the epoch).
    pub time_ms: Vec<i64>,
    /// Prices.
    pub price: Vec<f64>,
    /// Quantities.
    pub qty: Vec<f64>,
    side: Vec<u8>,
    symbol: Vec<LabelId>,
    /// One column per dimension, cut short after the last row with a value: rows past its
    /// end have none. Exchange trades carry no dimensions, so they store nothing here.
    dims: [Vec<LabelId>; 4],
    /// Where each trade came from (see [`super::Engine::set_source`]).
    source: Vec<u8>,
    /// The source of trades pushed now.
    pub(crate) current_source: u8,
    dict: Dictionary,
}

impl Table {
    /// The id of `label` in this table's dictionary, adding it if new.
    pub fn intern_label(&mut self, label: &Label) -> LabelId {
        self.dict.intern(label)
    }

    /// Makes room for `additional` more rows in every column a trade always fills.
    pub(crate) fn reserve(&mut self, additional: usize) {
        self.id.reserve(additional);
        self.time_ms.reserve(additional);
        self.price.reserve(additional);
        self.qty.reserve(additional);
        self.side.reserve(additional);
        self.symbol.reserve(additional);
        self.source.reserve(additional);
    }

    /// Appends a trade and returns its row.
    pub fn push(&mut self, t: &Trade) -> usize {
        let row = self.id.len();
        self.id.push(t.id);
        self.time_ms.push(t.time_ms);
        self.price.push(t.price);
        self.qty.push(t.qty);
        self.side.push(match t.side {
            None => SIDE_NONE,
            Some(Side::Buy) => SIDE_BUY,
            Some(Side::Sell) => SIDE_SELL,
        });
        let symbol = self.dict.intern(&t.symbol);
        self.symbol.push(symbol);
        for (col, value) in self.dims.iter_mut().zip(&t.dims) {
            if let Some(l) = value {
                col.resize(row, NO_LABEL);
                col.push(self.dict.intern(l));
            }
        }
        self.source.push(self.current_source);
        row
    }

    /// The trade at `row`, as it was pushed.
    pub fn trade(&self, row: usize) -> Trade {
        let label = |id: LabelId| self.dict.get(id).cloned();
        Trade {
            id: self.id[row],
            time_ms: self.time_ms[row],
            price: self.price[row],
            qty: self.qty[row],
            side: self.side(row),
            symbol: label(self.symbol[row]).unwrap_or_else(|| Label::from("")),
            dims: std::array::from_fn(|d| {
                self.dims[d]
                    .get(row)
                    .copied()
                    .filter(|&id| id != NO_LABEL)
                    .and_then(label)
            }),
        }
    }

    /// The source a row was pushed from.
    pub fn source(&self, row: usize) -> u8 {
        self.source[row]
    }

    /// Keeps only the rows of sources other than `source`, in order; returns how many went.
    pub(crate) fn remove_source(&mut self, source: u8) -> usize {
        let keep: Vec<bool> = self.source.iter().map(|&s| s != source).collect();
        let gone = keep.iter().filter(|k| !**k).count();
        if gone == 0 {
            return 0;
        }
        fn retain<T: Copy>(col: &mut Vec<T>, keep: &[bool]) {
            let mut i = 0;
            col.retain(|_| {
                i += 1;
                keep[i - 1]
            });
        }
        retain(&mut self.id, &keep);
        retain(&mut self.time_ms, &keep);
        retain(&mut self.price, &keep);
        retain(&mut self.qty, &keep);
        retain(&mut self.side, &keep);
        retain(&mut self.symbol, &keep);
        for col in &mut self.dims {
            retain(col, &keep[..col.len()]);
        }
        retain(&mut self.source, &keep);
        gone
    }

    /// Appends trades given as columns (already checked to be of equal length, with symbol
    /// indexes within `labels`). Each label is interned once, on its first use.
    pub(crate) fn push_columns(&mut self, c: &super::Columns<'_>) {
        self.id.extend_from_slice(c.id);
        self.time_ms.extend_from_slice(c.time_ms);
        self.price.extend_from_slice(c.price);
        self.qty.extend_from_slice(c.qty);
        self.side.extend(c.side.iter().map(|s| match s {
            None => SIDE_NONE,
            Some(Side::Buy) => SIDE_BUY,
            Some(Side::Sell) => SIDE_SELL,
        }));
        let mut ids: Vec<Option<LabelId>> = vec![None; c.labels.len()];
        for &s in c.symbol {
            let id =
                *ids[s as usize].get_or_insert_with(|| self.dict.intern(&c.labels[s as usize]));
            self.symbol.push(id);
        }
        self.source.resize(self.id.len(), self.current_source);
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.id.len()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }

    /// The taker side at a row.
    pub fn side(&self, row: usize) -> Option<Side> {
        match self.side[row] {
            SIDE_BUY => Some(Side::Buy),
            SIDE_SELL => Some(Side::Sell),
            _ => None,
        }
    }

    /// The label id of a field at a row ([`NO_LABEL`] when absent).
    pub fn label_id(&self, field: Field, row: usize) -> LabelId {
        match field {
            Field::Symbol => self.symbol[row],
            Field::Dim(d) => self.dims[d.index()].get(row).copied().unwrap_or(NO_LABEL),
        }
    }

    /// The text of a label id.
    pub fn label(&self, id: LabelId) -> Option<&Label> {
        self.dict.get(id)
    }

    /// `DistinctCount::hash_of` the text of a label id, kept from when it was interned;
    /// `None` for [`NO_LABEL`].
    pub fn label_hash(&self, id: LabelId) -> Option<u64> {
        self.dict.hash(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_text_in_other_allocations_gets_the_same_id() {
        let mut d = Dictionary::default();
        let a: Label = "BTC-USD".into();
        let b: Label = "BTC-USD".into();
        let c: Label = "ETH-USD".into();
        let id = d.intern(&a);
        // Cached by address, then looked up by text from a different allocation.
        assert_eq!(d.intern(&a), id);
        assert_eq!(d.intern(&b), id);
        drop(b);
        // A new allocation, perhaps at b's old address, with other text: a new id.
        let other: Label = "SOL-USD".into();
        assert_ne!(d.intern(&other), id);
        assert_ne!(d.intern(&c), id);
        assert_eq!(d.get(id).map(|l| &**l), Some("BTC-USD"));
    }
}
