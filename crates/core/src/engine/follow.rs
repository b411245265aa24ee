//! An engine of its own spec that follows another's trades: a panel that buckets or groups
//! differently from the dashboard, or shows one symbol only, keeps one of these and brings
//! it up to date with only the rows added since its last look.

use super::Engine;
use crate::model::{Field, Label, Trade};

/// Rows copied per step: bounds the temporary trades a catch-up builds.
const STEP: usize = 65_536;

/// Keeps an engine (of any spec) holding another engine's trades and rollups, or only one
/// symbol's when it has a filter: what it has copied so far, and the filter.
#[derive(Clone, Debug, Default)]
pub struct Follower {
    symbol: Option<Label>,
    /// The followed engine's generation, rows and rollups seen.
    seen: (u64, usize, usize),
}

impl Follower {
    /// A follower of every trade, or only those of `symbol`.
    pub fn new(symbol: Option<Label>) -> Follower {
        Follower {
            symbol,
            seen: (0, 0, 0),
        }
    }

    /// The symbol filter.
    pub fn symbol(&self) -> Option<&Label> {
        self.symbol.as_ref()
    }

    /// Changes the symbol filter; the next [`Follower::sync`] starts over.
    pub fn set_symbol(&mut self, symbol: Option<Label>) {
        if symbol != self.symbol {
            self.symbol = symbol;
            self.seen = (u64::MAX, 0, 0);
        }
    }

    /// Brings `own` up to date with `main`: only the rows and rollups added since the last
    /// call, unless `main` took some out (a source replaced) or the filter changed, when
    /// `own` starts over; `own` takes `main`'s zone. `own` keeps its spec. Whether `own`
    /// changed.
    pub fn sync(&mut self, main: &Engine, own: &mut Engine) -> bool {
        let mut changed = false;
        if main.zone() != own.zone() {
            own.set_zone(main.zone().clone());
            changed = true;
        }
        if self.seen.0 != main.generation {
            *own = Engine::new(own.spec());
            own.set_zone(main.zone().clone());
            self.seen = (main.generation, 0, 0);
            changed = true;
        }
        let table = &main.table;
        let wanted = self.symbol.as_ref().map(|s| {
            (0..)
                .map_while(|id| table.label(id).map(|l| (id, l)))
                .find(|(_, l)| *l == s)
                .map(|(id, _)| id)
        });
        // A filter naming a symbol the table does not hold yet matches nothing yet.
        let matches = |row: usize| match wanted {
            None => true,
            Some(None) => false,
            Some(Some(id)) => table.label_id(Field::Symbol, row) == id,
        };
        while self.seen.1 < table.len() {
            let end = (self.seen.1 + STEP).min(table.len());
            let trades: Vec<Trade> = (self.seen.1..end)
                .filter(|&row| matches(row))
                .map(|row| table.trade(row))
                .collect();
            changed |= !trades.is_empty();
            own.extend(&trades);
            self.seen.1 = end;
        }
        for s in &main.summaries[self.seen.2.min(main.summaries.len())..] {
            let Some(symbol) = table.label(s.1) else {
                continue;
            };
            if self.symbol.as_ref().is_none_or(|f| f == symbol) {
                own.push_summary(s.0, symbol, s.2.clone());
                changed = true;
            }
        }
        self.seen.2 = main.summaries.len();
        changed
    }
}
