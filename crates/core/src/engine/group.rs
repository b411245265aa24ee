//! What trades are grouped by within a bucket: nothing, one field, or a pair of fields
//! (product x region, symbol x customer), and the key of one group.

use std::fmt;

use super::{LabelId, Table, NO_LABEL};
use crate::model::Field;

/// The key of a group: the label ids of the grouped fields at a trade, in the order of
/// [`GroupBy::fields`]. Unused places hold [`NO_LABEL`], as does a field the trade lacks.
pub type GroupKey = [LabelId; 2];

/// Up to two fields to group by, outermost first. Built only through [`GroupBy::new`] and its
/// shorthands, so the second field is set only after a first, and never equals it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct GroupBy {
    fields: [Option<Field>; 2],
}

impl GroupBy {
    /// No grouping: buckets hold only their total.
    pub const NONE: GroupBy = GroupBy {
        fields: [None, None],
    };

    /// Groups by `first`, then within it by `then`. A missing first field lets `then` take
    /// its place, and the same field twice is grouping by it once.
    pub const fn new(first: Option<Field>, then: Option<Field>) -> GroupBy {
        let fields = match (first, then) {
            (None, t) => [t, None],
            (Some(f), Some(t)) if field_eq(f, t) => [Some(f), None],
            (f, t) => [f, t],
        };
        GroupBy { fields }
    }

    /// Groups by one field.
    pub const fn one(field: Field) -> GroupBy {
        GroupBy::new(Some(field), None)
    }

    /// Groups by `first`, then by `then`.
    pub const fn two(first: Field, then: Field) -> GroupBy {
        GroupBy::new(Some(first), Some(then))
    }

    /// The outer field, if grouping.
    pub const fn first(self) -> Option<Field> {
        self.fields[0]
    }

    /// The inner field, if grouping by two.
    pub const fn then(self) -> Option<Field> {
        self.fields[1]
    }

    /// Whether groups are keyed by the symbol alone (or, not grouping, by symbol in the group
    /// totals): the only groups one-minute rollups, which know just the symbol, can join.
    pub fn keyed_by_symbol_alone(self) -> bool {
        matches!(
            (self.first(), self.then()),
            (None | Some(Field::Symbol), None)
        )
    }

    /// Whether buckets are split into groups at all.
    pub const fn is_grouping(self) -> bool {
        self.fields[0].is_some()
    }

    /// Number of fields grouped by: 0, 1 or 2.
    pub const fn len(self) -> usize {
        self.fields[0].is_some() as usize + self.fields[1].is_some() as usize
    }

    /// Whether no field is grouped by (same as `!is_grouping()`).
    pub const fn is_empty(self) -> bool {
        !self.is_grouping()
    }

    /// The fields, outermost first.
    pub fn fields(self) -> impl Iterator<Item = Field> {
        self.fields.into_iter().flatten()
    }

    /// The key of the group of the trade at `row`. Without grouping the key is the symbol,
    /// which is what the engine's per-group totals (top symbols) follow then.
    pub(crate) fn key(self, table: &Table, row: usize) -> GroupKey {
        let first = self.fields[0].unwrap_or(Field::Symbol);
        let then = match self.fields[1] {
            Some(f) => table.label_id(f, row),
            None => NO_LABEL,
        };
        [table.label_id(first, row), then]
    }
}

impl From<Option<Field>> for GroupBy {
    fn from(field: Option<Field>) -> GroupBy {
        GroupBy::new(field, None)
    }
}

impl From<Field> for GroupBy {
    fn from(field: Field) -> GroupBy {
        GroupBy::one(field)
    }
}

/// `Field` equality usable in a `const fn` (derived `PartialEq` is not const).
const fn field_eq(a: Field, b: Field) -> bool {
    match (a, b) {
        (Field::Symbol, Field::Symbol) => true,
        (Field::Dim(x), Field::Dim(y)) => x.index() == y.index(),
        _ => false,
    }
}

impl fmt::Display for GroupBy {
    /// `region`, `symbol,region`, or empty: the form `--by` and configs use.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, field) in self.fields().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(field.name())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Dim;

    #[test]
    fn second_field_moves_up_and_duplicates_collapse() {
        let region = Field::Dim(Dim::Region);
        assert_eq!(GroupBy::new(None, Some(region)), GroupBy::one(region));
        assert_eq!(GroupBy::two(region, region), GroupBy::one(region));
        assert_eq!(GroupBy::new(None, None), GroupBy::NONE);
        let pair = GroupBy::two(Field::Symbol, region);
        assert_eq!(pair.len(), 2);
        assert_eq!(pair.first(), Some(Field::Symbol));
        assert_eq!(pair.then(), Some(region));
        assert_eq!(pair.to_string(), "symbol,region");
        assert_eq!(GroupBy::NONE.len(), 0);
        assert!(GroupBy::NONE.is_empty());
    }
}
