//! The trade model: one executed trade or one order line, whatever the source.

use std::fmt;
use std::sync::Arc;

/// A short shared text (symbol, product, category...). Cloning it is a reference-count bump,
/// so a generator or decoder can hand out the same label for many trades cheaply.
pub type Label = Arc<str>;

/// Which side took liquidity: the taker bought or the taker sold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// The taker (aggressor) bought.
    Buy,
    /// The taker (aggressor) sold.
    Sell,
}

/// The named dimensions a trade or order can carry besides its symbol or product.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dim {
    /// Product category.
    Category,
    /// Sales region or venue region.
    Region,
    /// Sales channel (web, app, marketplace) or venue.
    Channel,
    /// Customer identifier.
    Customer,
}

impl Dim {
    /// Every dimension, in storage order.
    pub const ALL: [Dim; 4] = [Dim::Category, Dim::Region, Dim::Channel, Dim::Customer];

    /// Position of this dimension in [`Trade::dims`].
    pub const fn index(self) -> usize {
        self as usize
    }
}

/// A field trades can be grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// The symbol (exchange trades) or product (orders).
    Symbol,
    /// One of the named dimensions.
    Dim(Dim),
}

impl Field {
    /// Every groupable field.
    pub const ALL: [Field; 5] = [
        Field::Symbol,
        Field::Dim(Dim::Category),
        Field::Dim(Dim::Region),
        Field::Dim(Dim::Channel),
        Field::Dim(Dim::Customer),
    ];

    /// Stable machine name, used in configs and URLs.
    pub const fn name(self) -> &'static str {
        match self {
            Field::Symbol => "symbol",
            Field::Dim(Dim::Category) => "category",
            Field::Dim(Dim::Region) => "region",
            Field::Dim(Dim::Channel) => "channel",
            Field::Dim(Dim::Customer) => "customer",
        }
    }

    /// Parses a name produced by [`Field::name`].
    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One trade (exchange feeds) or one order line (shops).
#[derive(Clone, Debug, PartialEq)]
pub struct Trade {
    /// Identifier, unique within its feed (and symbol, for venues that number per symbol).
    pub id: u64,
    /// Event time, milliseconds since the Unix epoch (UTC).
    pub time_ms: i64,
    /// Price per unit, parsed from the source's decimal text.
    pub price: f64,
    /// Quantity in units.
    pub qty: f64,
    /// The taker's side, where the source states it.
    pub side: Option<Side>,
    /// Symbol (exchange trades) or product name (orders).
    pub symbol: Label,
    /// Named dimensions, indexed by [`Dim::index`].
    pub dims: [Option<Label>; 4],
}

impl Trade {
    /// Price times quantity: the trade's notional value or the order line's revenue.
    pub fn notional(&self) -> f64 {
        self.price * self.qty
    }

    /// The value of a groupable field, if the trade has it.
    pub fn field(&self, field: Field) -> Option<&Label> {
        match field {
            Field::Symbol => Some(&self.symbol),
            Field::Dim(d) => self.dims[d.index()].as_ref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_round_trip() {
        for f in Field::ALL {
            assert_eq!(Field::from_name(f.name()), Some(f));
        }
        assert_eq!(Field::from_name("price"), None);
    }
}
