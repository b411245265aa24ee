//! The record of what each stream connection sent, for `/control/sent`: tests compare it with
//! what their client received to prove "0 lost, 0 duplicated".

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use serde_json::{json, Map, Value};

use crate::format::{fnv1a_step, FNV_OFFSET};
use crate::market::{lock, Venue};
use crate::symbols::INSTRUMENTS;

/// Most ids kept per connection and symbol for `?ids=1`.
const MAX_IDS: usize = 1_000_000;
/// Most connection records kept.
const MAX_RECORDS: usize = 1_000;

/// What one connection sent of one symbol.
#[derive(Clone, Debug)]
pub struct SymStats {
    /// Trade messages' ids sent, duplicates included.
    pub count: u64,
    /// First id sent.
    pub first: u64,
    /// Highest id sent.
    pub last: u64,
    /// Ids sent again (not above the highest sent before).
    pub duplicates: u64,
    /// Ids skipped over (sum of jumps above one).
    pub missing: u64,
    /// FNV-1a over the ids in send order.
    pub checksum: u64,
    /// Ids in send order, up to a bound.
    pub ids: Vec<u64>,
}

impl SymStats {
    fn new() -> SymStats {
        SymStats {
            count: 0,
            first: 0,
            last: 0,
            duplicates: 0,
            missing: 0,
            checksum: FNV_OFFSET,
            ids: Vec::new(),
        }
    }

    fn push(&mut self, id: u64) {
        if self.count == 0 {
            self.first = id;
            self.last = id;
        } else if id <= self.last {
            self.duplicates += 1;
        } else {
            self.missing += id - self.last - 1;
            self.last = id;
        }
        self.count += 1;
        self.checksum = fnv1a_step(self.checksum, id);
        if self.ids.len() < MAX_IDS {
            self.ids.push(id);
        }
    }

    fn to_json(&self, with_ids: bool) -> Value {
        let mut v = json!({
            "count": self.count,
            "first_id": self.first,
            "last_id": self.last,
            "duplicates": self.duplicates,
            "missing": self.missing,
            "checksum": format!("{:016x}", self.checksum),
        });
        if with_ids {
            v["ids"] = json!(self.ids);
            v["ids_truncated"] = json!(self.count as usize > self.ids.len());
        }
        v
    }
}

/// One stream connection's record.
#[derive(Debug)]
pub struct ConnRecord {
    /// Connection number, from 1.
    pub id: u64,
    /// Venue dialect spoken.
    pub venue: Venue,
    /// Request path and query.
    pub path: String,
    /// Whether it is still open.
    pub open: bool,
    /// Per symbol (demo naming, or `orders`).
    pub symbols: BTreeMap<String, SymStats>,
}

/// A connection's handle on its record.
#[derive(Clone, Debug)]
pub struct ConnHandle(Arc<Mutex<ConnRecord>>);

impl ConnHandle {
    /// Records ids sent: (symbol index, id) pairs.
    pub fn record(&self, ids: &[(usize, u64)]) {
        if ids.is_empty() {
            return;
        }
        let mut r = lock(&self.0);
        for &(sym, id) in ids {
            r.symbols
                .entry(INSTRUMENTS[sym].demo.to_string())
                .or_insert_with(SymStats::new)
                .push(id);
        }
    }

    /// Records ids sent under a named key (the orders feed).
    pub fn record_named(&self, key: &str, ids: &[u64]) {
        let mut r = lock(&self.0);
        let s = r
            .symbols
            .entry(key.to_string())
            .or_insert_with(SymStats::new);
        ids.iter().for_each(|&id| s.push(id));
    }

    /// Marks the connection closed.
    pub fn close(&self) {
        lock(&self.0).open = false;
    }

    /// The connection number.
    pub fn id(&self) -> u64 {
        lock(&self.0).id
    }
}

/// Every connection's record, newest last, bounded.
#[derive(Debug, Default)]
pub struct SentRegistry {
    conns: Mutex<VecDeque<ConnHandle>>,
    next: Mutex<u64>,
}

impl SentRegistry {
    /// Registers a new connection.
    pub fn open(&self, venue: Venue, path: &str) -> ConnHandle {
        let id = {
            let mut n = lock(&self.next);
            *n += 1;
            *n
        };
        let h = ConnHandle(Arc::new(Mutex::new(ConnRecord {
            id,
            venue,
            path: path.to_string(),
            open: true,
            symbols: BTreeMap::new(),
        })));
        let mut conns = lock(&self.conns);
        if conns.len() == MAX_RECORDS {
            conns.pop_front();
        }
        conns.push_back(h.clone());
        h
    }

    /// Open connections.
    pub fn open_count(&self) -> usize {
        lock(&self.conns).iter().filter(|c| lock(&c.0).open).count()
    }

    /// Forgets the records of closed connections.
    pub fn clear_closed(&self) {
        lock(&self.conns).retain(|c| lock(&c.0).open);
    }

    /// The `/control/sent` document.
    pub fn to_json(&self, venue: Option<Venue>, with_ids: bool) -> Value {
        let conns = lock(&self.conns).clone();
        let mut list = Vec::new();
        let mut totals: BTreeMap<&str, BTreeMap<String, (u64, u64, u64)>> = BTreeMap::new();
        for c in conns {
            let r = lock(&c.0);
            if venue.is_some_and(|v| v != r.venue) {
                continue;
            }
            let mut syms = Map::new();
            for (k, s) in &r.symbols {
                syms.insert(k.clone(), s.to_json(with_ids));
                let t = totals
                    .entry(r.venue.name())
                    .or_default()
                    .entry(k.clone())
                    .or_insert((0, u64::MAX, 0));
                t.0 += s.count;
                t.1 = t.1.min(s.first);
                t.2 = t.2.max(s.last);
            }
            list.push(json!({
                "id": r.id, "venue": r.venue.name(), "path": r.path, "open": r.open,
                "symbols": syms,
            }));
        }
        let totals: Map<String, Value> = totals
            .into_iter()
            .map(|(v, syms)| {
                let m: Map<String, Value> = syms
                    .into_iter()
                    .map(|(k, (n, a, b))| (k, json!({"count": n, "first_id": a, "last_id": b})))
                    .collect();
                (v.to_string(), Value::Object(m))
            })
            .collect();
        json!({ "connections": list, "totals": totals })
    }
}
