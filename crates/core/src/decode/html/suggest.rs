//! Suggested cell selectors for a sample row, and a first mapping from them.

use std::borrow::Cow;

use super::{is_name, normalize};
use crate::decode::generic::Mapping;

/// What the page shows about one cell of a sample row, for [`suggest_cells`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CellInfo {
    /// The element's tag name, lower case (`td`).
    pub tag: String,
    /// Its classes.
    pub classes: Vec<String>,
    /// The column's header text, if the table has one.
    pub header: Option<String>,
    /// It holds a `<time datetime>` element.
    pub has_datetime: bool,
}

/// A cell selector offered to the user, with what it shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// The selector (`td.price`, `td:nth-child(2) time@datetime`).
    pub spec: String,
    /// A name for it: the column header, else its class, else its position.
    pub label: String,
}

/// Cell selectors for the element children of a sample row, in order: a class unique among
/// the row's cells when there is one (`td.price`), else the position (`td:nth-child(2)`);
/// before a cell's text, its `<time datetime>` attribute when it has one.
pub fn suggest_cells(row: &[CellInfo]) -> Vec<Suggestion> {
    let mut out = Vec::new();
    for (k, cell) in row.iter().enumerate() {
        if !is_name(&cell.tag, &[]) {
            continue;
        }
        let unique = cell.classes.iter().find(|c| {
            is_name(c, &[])
                && row
                    .iter()
                    .filter(|o| o.tag == cell.tag && o.classes.contains(c))
                    .count()
                    == 1
        });
        let (spec, fallback) = match unique {
            Some(c) => (format!("{}.{c}", cell.tag), c.clone()),
            None => (
                format!("{}:nth-child({})", cell.tag, k + 1),
                format!("column {}", k + 1),
            ),
        };
        let label = cell
            .header
            .as_deref()
            .map(normalize)
            .filter(|h| !h.is_empty())
            .map_or(fallback, Cow::into_owned);
        if cell.has_datetime {
            out.push(Suggestion {
                spec: format!("{spec} time@datetime"),
                label: label.clone(),
            });
        }
        out.push(Suggestion { spec, label });
    }
    out
}

/// A first mapping from suggested cells, by their labels as [`guess_mapping`] reads field
/// names (`Time`, `Price`, `Quantity`, `Product`...); `None` without a time and a price.
///
/// [`guess_mapping`]: crate::feed::preview::guess_mapping
pub fn guess_fields(suggestions: &[Suggestion]) -> Option<Mapping> {
    let labels: Vec<String> = suggestions.iter().map(|s| s.label.clone()).collect();
    let by_label = crate::feed::preview::guess_mapping(&labels)?;
    let spec_of = |label: &str| {
        suggestions
            .iter()
            .find(|s| s.label == label)
            .map(|s| s.spec.clone())
    };
    let mut m = Mapping::new("", "");
    for (target, label) in by_label.sources() {
        if let Some(spec) = spec_of(label) {
            m.set_source(target, &spec);
        }
    }
    m.time_format = by_label.time_format;
    (!m.time.is_empty() && !m.price.is_empty()).then_some(m)
}
