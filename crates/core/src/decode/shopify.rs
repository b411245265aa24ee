//! Shopify's order export CSV: one row per line item, order-level fields filled on the first
//! row of each order only, so they are carried down while `Name` stays the same.
//!
//! Each line item becomes one [`Trade`]:
//! - `id`: [`fnv1a`] of the order name, a `0x1F` separator, and the 0-based line index in
//!   decimal (`"#1001\u{1f}0"` for the first line of order `#1001`);
//! - `price` = `Lineitem price`, `qty` = `Lineitem quantity`, `symbol` = `Lineitem name`;
//! - `time` = `Created at` (`2025-10-07 09:50:26 +0200`);
//! - dims: Customer = `Email`, Channel = `Source`, Region = `Billing Country`, else
//!   `Shipping Country`; Category = the `Lineitem sku` prefix before its first `-`
//!   (`TEE-BLK-M` -> `TEE`), none when the SKU has no `-`. The export carries no product
//!   type, and shops commonly prefix SKUs by product family; a user mapping can do better.
//! - side: none (an order is not a market trade).
//!
//! Orders whose `Financial Status` is `voided` or `refunded` are [`Control::Skipped`]: they
//! are not revenue. Partially refunded orders are kept at their line prices.

use super::csv::{CheckedTable, CsvTable, Header, Record, TableStep};
use super::text::{fnv1a, parse_decimal};
use super::time::parse_datetime;
use super::{Control, DecodeError, Decoded, Interner, Position, Reject, Role};
use crate::model::{Dim, Label, Trade};

const NAME: &str = "Name";
const CREATED: &str = "Created at";
const QTY: &str = "Lineitem quantity";
const ITEM: &str = "Lineitem name";
const PRICE: &str = "Lineitem price";
const SKU: &str = "Lineitem sku";
/// Order-level fields carried down from an order's first row.
const CARRIED: [&str; 5] = [
    "Email",
    "Financial Status",
    CREATED,
    "Source",
    "Billing Country",
];
const SHIPPING_COUNTRY: &str = "Shipping Country";

/// The id of line `index` of order `name`: see the module docs.
pub fn line_id(name: &str, index: u64) -> u64 {
    fnv1a(format!("{name}\u{1f}{index}").as_bytes())
}

/// Decodes a Shopify order export, streamed in chunks.
#[derive(Debug)]
pub struct Shopify {
    table: CheckedTable,
    labels: Interner,
    order: String,
    line_index: u64,
    carried: [String; 6],
}

impl Shopify {
    /// A decoder with records of at most `limit` bytes.
    pub fn new(limit: usize) -> Shopify {
        Shopify {
            table: CheckedTable::new(CsvTable::new(limit)),
            labels: Interner::default(),
            order: String::new(),
            line_index: 0,
            carried: Default::default(),
        }
    }

    /// Reads a chunk of the file. Fails when the header lacks a needed column.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<Decoded, DecodeError> {
        self.step(chunk, false)
    }

    /// Ends the file.
    pub fn finish(&mut self) -> Result<Decoded, DecodeError> {
        self.step(&[], true)
    }

    fn step(&mut self, chunk: &[u8], eof: bool) -> Result<Decoded, DecodeError> {
        let check = |h: &Header| h.require([NAME, CREATED, QTY, ITEM, PRICE]);
        let (header, rows) = match self.table.step(chunk, eof, check)? {
            TableStep::NoHeader(out) => return Ok(out),
            TableStep::Rows(header, rows) => (header, rows),
        };
        let mut out = Decoded::default();
        for row in rows {
            match row {
                Err(e) => out.rejects.push(Reject::new(e, "")),
                Ok(rec) => self.row(&header, &rec, &mut out),
            }
        }
        Ok(out)
    }

    fn row(&mut self, header: &Header, rec: &Record, out: &mut Decoded) {
        let at = Position::Line(rec.line);
        let get = |name: &str| {
            header
                .get(rec, name)
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let Some(name) = get(NAME) else {
            let e = DecodeError::missing(at, NAME, Role::Id);
            out.rejects.push(Reject::new(e, &rec.to_csv_line()));
            return;
        };
        if name != self.order {
            self.order = name.to_string();
            self.line_index = 0;
            self.carried = Default::default();
        } else {
            self.line_index += 1;
        }
        for (k, field) in CARRIED.iter().chain([&SHIPPING_COUNTRY]).enumerate() {
            if let Some(v) = get(field) {
                self.carried[k] = v.to_string();
            }
        }
        let status = self.carried[1].to_ascii_lowercase();
        if status == "voided" || status == "refunded" {
            out.events.push(Control::Skipped {
                at,
                reason: format!("order {name} is {status}"),
            });
            return;
        }
        match self.trade(&get, &at) {
            Ok(t) => out.trades.push(t),
            Err(e) => out.rejects.push(Reject::new(e, &rec.to_csv_line())),
        }
    }

    fn trade<'r>(
        &mut self,
        get: &impl Fn(&str) -> Option<&'r str>,
        at: &Position,
    ) -> Result<Trade, DecodeError> {
        let number = |field: &str, role: Role| -> Result<f64, DecodeError> {
            let v = get(field).ok_or_else(|| DecodeError::missing(at.clone(), field, role))?;
            parse_decimal(v)
                .ok_or_else(|| DecodeError::invalid(at.clone(), field, role, v, "a decimal number"))
        };
        let price = number(PRICE, Role::Price)?;
        let qty = number(QTY, Role::Qty)?;
        let created = self.carried[2].as_str();
        if created.is_empty() {
            return Err(DecodeError::missing(at.clone(), CREATED, Role::Time));
        }
        let time_ms = parse_datetime(created, None).ok_or_else(|| {
            DecodeError::invalid(
                at.clone(),
                CREATED,
                Role::Time,
                created,
                "`YYYY-MM-DD HH:MM:SS +ZZZZ`",
            )
        })?;
        let item = get(ITEM).ok_or_else(|| DecodeError::missing(at.clone(), ITEM, Role::Symbol))?;
        let mut dims: [Option<Label>; 4] = Default::default();
        let mut label = |s: &str| (!s.is_empty()).then(|| self.labels.get(s));
        dims[Dim::Customer.index()] = label(&self.carried[0]);
        dims[Dim::Channel.index()] = label(&self.carried[3]);
        dims[Dim::Region.index()] = label(&self.carried[4]).or_else(|| label(&self.carried[5]));
        dims[Dim::Category.index()] = get(SKU)
            .and_then(|sku| sku.split_once('-'))
            .and_then(|(prefix, _)| label(prefix));
        Ok(Trade {
            id: line_id(&self.order, self.line_index),
            time_ms,
            price,
            qty,
            side: None,
            symbol: self.labels.get(item),
            dims,
        })
    }
}
