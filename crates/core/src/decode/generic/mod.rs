//! Generic feeds: a JSON array, NDJSON or CSV, with a user's [`Mapping`] from source fields to
//! trade fields.
//!
//! A field is named by a JSON pointer (`/trade/price`) or a top-level key (`price`) for JSON,
//! and by its header name for CSV. Without an id field, a row's id is the FNV-1a hash of its
//! raw text, so replaying the same file yields the same ids (and dedups), while two identical
//! rows are taken as one.

mod csv;
mod json;

pub use self::csv::CsvDecoder;
pub use self::json::{JsonArrayStream, JsonDecoder, NdjsonStream};

use super::text::{fnv1a, id_from_text, parse_decimal, parse_decimal_comma, parse_side};
use super::time::{epoch_text_to_ms, parse_datetime, EpochUnit};
use super::{DecodeError, Interner, Position, Role};
use crate::clean::MAX_AMOUNT;
use crate::model::{Dim, Label, Trade};

/// How the time field is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TimeFormat {
    /// A number since the Unix epoch, in this unit (a fraction is allowed).
    Epoch(EpochUnit),
    /// RFC 3339 or `YYYY-MM-DD HH:MM:SS +ZZZZ`; without an offset, read at this many minutes
    /// east of UTC, or rejected when `None`.
    DateTime {
        /// Offset for times written without one.
        default_offset_min: Option<i32>,
    },
}

/// The trade fields a mapping feeds, by the names mapping texts and the command line use.
pub const TARGETS: [&str; 10] = [
    "id", "time", "price", "qty", "side", "symbol", "category", "region", "channel", "customer",
];

/// Splits a mapping text `FIELD=SOURCE,FIELD=SOURCE,...` into its entries, trimmed.
///
/// Only a comma followed by one of `fields` and `=` (blanks allowed around both) ends an
/// entry, so a source may itself hold commas: a CSS selector list (`td.a, td.b`) or a column
/// named `Amount, net`. Empty entries, and commas ending the text, are dropped.
pub fn split_entries<'t>(text: &'t str, fields: &[&str]) -> Vec<&'t str> {
    let text = text.trim_end_matches(|c: char| c == ',' || c.is_whitespace());
    let starts_entry = |rest: &str| {
        let rest = rest.trim_start();
        fields.iter().any(|f| {
            rest.strip_prefix(f)
                .is_some_and(|after| after.trim_start().starts_with('='))
        })
    };
    let mut out = Vec::new();
    let mut start = 0;
    for (k, c) in text.char_indices() {
        if c == ',' && starts_entry(&text[k + 1..]) {
            out.push(text[start..k].trim());
            start = k + 1;
        }
    }
    out.push(text[start..].trim());
    out.retain(|e| !e.is_empty());
    out
}

/// Which source field feeds which trade field.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Mapping {
    /// Id field; `None` hashes the raw row instead.
    pub id: Option<String>,
    /// Time field.
    pub time: String,
    /// Price field.
    pub price: String,
    /// Quantity field; `None` means every row is one unit (orders).
    pub qty: Option<String>,
    /// Side field (buy/sell/b/s/bid/ask, any case).
    pub side: Option<String>,
    /// Symbol or product field; `None` uses [`Mapping::default_symbol`].
    pub symbol: Option<String>,
    /// Dimension fields, indexed by [`Dim::index`].
    pub dims: [Option<String>; 4],
    /// How times are written.
    pub time_format: TimeFormat,
    /// Numbers use a decimal comma (`1.234,56`).
    pub decimal_comma: bool,
    /// Symbol for rows without one.
    pub default_symbol: String,
}

impl Mapping {
    /// A mapping of the three required fields; everything else off, RFC 3339 times.
    pub fn new(time: &str, price: &str) -> Mapping {
        Mapping {
            id: None,
            time: time.to_string(),
            price: price.to_string(),
            qty: None,
            side: None,
            symbol: None,
            dims: Default::default(),
            time_format: TimeFormat::DateTime {
                default_offset_min: None,
            },
            decimal_comma: false,
            default_symbol: "all".to_string(),
        }
    }

    /// Sets the source of the trade field named `target` (one of [`TARGETS`]); `false`, and
    /// no change, for any other name.
    pub fn set_source(&mut self, target: &str, source: &str) -> bool {
        let s = Some(source.to_string());
        match target {
            "id" => self.id = s,
            "time" => self.time = source.to_string(),
            "price" => self.price = source.to_string(),
            "qty" => self.qty = s,
            "side" => self.side = s,
            "symbol" => self.symbol = s,
            other => match Dim::ALL
                .into_iter()
                .find(|&d| crate::model::Field::Dim(d).name() == other)
            {
                Some(d) => self.dims[d.index()] = s,
                None => return false,
            },
        }
        true
    }

    /// Every mapped source with the trade field it feeds, in [`TARGETS`] order.
    pub fn sources(&self) -> Vec<(&'static str, &str)> {
        let mut out = vec![
            ("id", self.id.as_deref()),
            ("time", Some(self.time.as_str())),
            ("price", Some(self.price.as_str())),
            ("qty", self.qty.as_deref()),
            ("side", self.side.as_deref()),
            ("symbol", self.symbol.as_deref()),
        ];
        for d in Dim::ALL {
            out.push((
                crate::model::Field::Dim(d).name(),
                self.dims[d.index()].as_deref(),
            ));
        }
        out.into_iter()
            .filter_map(|(t, s)| s.map(|s| (t, s)))
            .collect()
    }

    /// Builds a trade from a row, given a way to look a field up.
    pub(crate) fn trade<'r>(
        &self,
        get: impl Fn(&str) -> Option<std::borrow::Cow<'r, str>>,
        at: &Position,
        raw: &str,
        labels: &mut Interner,
    ) -> Result<Trade, DecodeError> {
        let field = |name: &str, role: Role| {
            get(name)
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| DecodeError::missing(at.clone(), name, role))
        };
        // Amounts are checked here too, not only when cleaning, so the message names the line.
        let amount = |name: &str, role: Role| -> Result<f64, DecodeError> {
            let v = field(name, role)?;
            let t = v.trim();
            let parsed = if self.decimal_comma {
                parse_decimal_comma(t)
            } else {
                parse_decimal(t)
            };
            let x = parsed.ok_or_else(|| {
                DecodeError::invalid(at.clone(), name, role, t, "a decimal number")
            })?;
            if x > 0.0 && x <= MAX_AMOUNT {
                Ok(x)
            } else {
                Err(DecodeError::invalid(
                    at.clone(),
                    name,
                    role,
                    t,
                    "a number above 0 and at most 1e15",
                ))
            }
        };
        let id = match &self.id {
            Some(name) => id_from_text(field(name, Role::Id)?.trim()),
            None => fnv1a(raw.as_bytes()),
        };
        let price = amount(&self.price, Role::Price)?;
        let qty = match &self.qty {
            Some(name) => {
                let qty = amount(name, Role::Qty)?;
                if price * qty > MAX_AMOUNT {
                    let product = format!("{qty} (price × quantity = {:e})", price * qty);
                    return Err(DecodeError::invalid(
                        at.clone(),
                        name,
                        Role::Qty,
                        &product,
                        "price × quantity at most 1e15",
                    ));
                }
                qty
            }
            None => 1.0,
        };
        let time_text = field(&self.time, Role::Time)?;
        let t = time_text.trim();
        let time_ms = match self.time_format {
            TimeFormat::Epoch(unit) => epoch_text_to_ms(t, unit),
            TimeFormat::DateTime { default_offset_min } => parse_datetime(t, default_offset_min),
        }
        .ok_or_else(|| {
            DecodeError::invalid(
                at.clone(),
                &self.time,
                Role::Time,
                t,
                "a time in the mapped format",
            )
        })?;
        let side = match &self.side {
            Some(name) => match get(name).filter(|v| !v.trim().is_empty()) {
                None => None,
                Some(v) => Some(parse_side(&v).ok_or_else(|| {
                    DecodeError::invalid(at.clone(), name, Role::Side, &v, "buy/sell/b/s/bid/ask")
                })?),
            },
            None => None,
        };
        let symbol = match &self.symbol {
            Some(name) => labels.get(field(name, Role::Symbol)?.trim()),
            None => labels.get(&self.default_symbol),
        };
        let mut dims: [Option<Label>; 4] = Default::default();
        for d in Dim::ALL {
            if let Some(name) = &self.dims[d.index()] {
                dims[d.index()] = get(name)
                    .filter(|v| !v.trim().is_empty())
                    .map(|v| labels.get(v.trim()));
            }
        }
        Ok(Trade {
            id,
            time_ms,
            price,
            qty,
            side,
            symbol,
            dims,
        })
    }
}
