//! Stripe's payments export CSV (Dashboard, Payments, Export).
//!
//! Columns used: `id`, `Created date (UTC)` (older exports and some docs say `Created (UTC)`:
//! both accepted), `Amount`, `Amount Refunded`, `Currency`, `Status`, `Customer Email`,
//! `Description`, and `Card Issue Country` when present. Amounts are decimal major units
//! (`1,234.50`: grouping commas dropped). Times are UTC, with or without seconds.
//!
//! Each succeeded payment becomes one [`Trade`]: `id` = [`id_from_text`] of the `ch_`/`py_`
//! id (FNV-1a), `price` = `Amount` - `Amount Refunded` (net revenue), `qty` = 1, `symbol` =
//! `Description` (or `payment`), dims Customer = `Customer Email`, Channel = `stripe`,
//! Region = `Card Issue Country`. Skipped, as [`Control::Skipped`] with the reason:
//! - payments whose `Status` is not `Paid`/`Succeeded`/`Refunded`/`Partially refunded`
//!   (failed, canceled, uncaptured...): no money moved;
//! - payments refunded in full (net <= 0): the refund cancels the sale.

use super::csv::{CheckedTable, CsvTable, Header, Record, TableStep};
use super::text::{id_from_text, parse_decimal};
use super::time::parse_datetime;
use super::{Control, DecodeError, Decoded, Interner, Position, Reject, Role};
use crate::model::{Dim, Label, Trade};

const ID: &str = "id";
const CREATED: [&str; 2] = ["Created date (UTC)", "Created (UTC)"];
const AMOUNT: &str = "Amount";
const REFUNDED: &str = "Amount Refunded";
const STATUS: &str = "Status";
const KEPT: [&str; 4] = ["paid", "succeeded", "refunded", "partially refunded"];

/// Decodes a Stripe payments export, streamed in chunks.
#[derive(Debug)]
pub struct Stripe {
    table: CheckedTable,
    labels: Interner,
    venue: Label,
    created: &'static str,
}

fn amount(s: &str) -> Option<f64> {
    parse_decimal(&s.replace(',', ""))
}

impl Stripe {
    /// A decoder with records of at most `limit` bytes.
    pub fn new(limit: usize) -> Stripe {
        Stripe {
            table: CheckedTable::new(CsvTable::new(limit)),
            labels: Interner::default(),
            venue: "stripe".into(),
            created: CREATED[0],
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
        let created = &mut self.created;
        let check = |h: &Header| {
            *created = CREATED
                .into_iter()
                .find(|c| h.index(c).is_some())
                .unwrap_or(CREATED[0]);
            h.require([ID, *created, AMOUNT, STATUS])
        };
        let (header, rows) = match self.table.step(chunk, eof, check)? {
            TableStep::NoHeader(out) => return Ok(out),
            TableStep::Rows(header, rows) => (header, rows),
        };
        let mut out = Decoded::default();
        for row in rows {
            match row {
                Err(e) => out.rejects.push(Reject::new(e, "")),
                Ok(rec) => match self.row(&header, &rec, &mut out) {
                    Ok(()) => {}
                    Err(e) => out.rejects.push(Reject::new(e, &rec.to_csv_line())),
                },
            }
        }
        Ok(out)
    }

    fn row(&mut self, header: &Header, rec: &Record, out: &mut Decoded) -> Result<(), DecodeError> {
        let at = Position::Line(rec.line);
        let get = |name: &str| {
            header
                .get(rec, name)
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let need = |name: &str, role: Role| {
            get(name).ok_or_else(|| DecodeError::missing(at.clone(), name, role))
        };
        let status = need(STATUS, Role::Other)?;
        if !KEPT.iter().any(|k| status.eq_ignore_ascii_case(k)) {
            out.events.push(Control::Skipped {
                at,
                reason: format!("payment status is {status}"),
            });
            return Ok(());
        }
        let id = need(ID, Role::Id)?;
        let gross_text = need(AMOUNT, Role::Price)?;
        let gross = amount(gross_text).ok_or_else(|| {
            DecodeError::invalid(
                at.clone(),
                AMOUNT,
                Role::Price,
                gross_text,
                "a decimal amount",
            )
        })?;
        let refunded = match get(REFUNDED) {
            None => 0.0,
            Some(r) => amount(r).ok_or_else(|| {
                DecodeError::invalid(at.clone(), REFUNDED, Role::Price, r, "a decimal amount")
            })?,
        };
        let net = gross - refunded;
        if net <= 0.0 {
            out.events.push(Control::Skipped {
                at,
                reason: format!("payment {id} was refunded in full"),
            });
            return Ok(());
        }
        let created = need(self.created, Role::Time)?;
        let time_ms = parse_datetime(created, Some(0)).ok_or_else(|| {
            DecodeError::invalid(
                at.clone(),
                self.created,
                Role::Time,
                created,
                "`YYYY-MM-DD HH:MM[:SS]` (UTC)",
            )
        })?;
        let mut dims: [Option<Label>; 4] = Default::default();
        dims[Dim::Channel.index()] = Some(self.venue.clone());
        dims[Dim::Customer.index()] = get("Customer Email").map(|e| self.labels.get(e));
        dims[Dim::Region.index()] = get("Card Issue Country").map(|c| self.labels.get(c));
        out.trades.push(Trade {
            id: id_from_text(id),
            time_ms,
            price: net,
            qty: 1.0,
            side: None,
            symbol: self.labels.get(get("Description").unwrap_or("payment")),
            dims,
        });
        Ok(())
    }
}
