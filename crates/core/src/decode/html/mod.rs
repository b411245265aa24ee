//! HTML pages: a CSS selector picks the rows, and one selector per trade field picks a cell
//! inside each row (`td.price`), optionally reading an attribute instead of the text
//! (`time@datetime`, `@data-id` for the row's own attribute).
//!
//! The core parses no HTML. The browser extracts cells with its own parser (`DOMParser`, an
//! inert document) and the command line with an HTML5 parser; both hand over, for each row,
//! the text of every [`CellSelector`] of [`HtmlMapping::cells`] in that order. [`HtmlDecoder`]
//! turns those cells into trades through the generic [`Mapping`], whose field names are the
//! cell selectors here: times, epoch units, decimal commas, sides and errors are exactly those
//! of CSV and JSON, and an error names the row (1-based) and the selector.
//!
//! Cell text is normalised before use, the same way whichever parser extracted it: runs of
//! whitespace become one space, and the ends are trimmed. A row in which no selector matched
//! anything (a header row of `<th>` cells, a spacer) is skipped and counted, not rejected.

mod styles;
mod suggest;

pub use styles::{quiet_styles, STYLE_ATTRIBUTE};
pub use suggest::{guess_fields, suggest_cells, CellInfo, Suggestion};

use std::borrow::Cow;

use super::csv::Record;
use super::generic::{split_entries, Mapping, TARGETS};
use super::{Control, Decoded, Interner, Position, Reject};

/// The name of the row selector's entry in a mapping text.
pub const ROW: &str = "row";
/// The longest selector accepted, in bytes.
pub const SELECTOR_LIMIT: usize = 1024;

/// The text of each cell of one row, in [`HtmlMapping::cells`] order: `None` when the
/// selector matched nothing in the row, or the element lacks the attribute.
pub type CellRow = Vec<Option<String>>;

/// Why an HTML mapping cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HtmlMappingError {
    /// A field's selector is empty.
    #[error("the selector for `{field}` is empty")]
    Empty {
        /// The field (`row`, `time`, ...).
        field: String,
    },
    /// A selector is longer than [`SELECTOR_LIMIT`].
    #[error("the selector for `{field}` is longer than {limit} bytes")]
    TooLong {
        /// The field.
        field: String,
        /// The limit, bytes.
        limit: usize,
    },
    /// A bracket, parenthesis or quote is not closed, or one is closed that was never opened.
    #[error(
        "the selector for `{field}` has an unbalanced bracket, parenthesis or quote: `{selector}`"
    )]
    Unbalanced {
        /// The field.
        field: String,
        /// The selector, truncated.
        selector: String,
    },
    /// What follows `@` is not an attribute name.
    #[error(
        "the selector for `{field}` names the attribute `{attr}`, which is not an attribute name"
    )]
    BadAttribute {
        /// The field.
        field: String,
        /// The text after `@`, truncated.
        attr: String,
    },
    /// An `=` outside brackets: never CSS, most likely a misspelt field name that the mapping
    /// text did not split at (`price=td.p,colour=td.c`).
    #[error("the selector for `{field}` has `=` outside brackets: `{selector}` (a misspelt field? fields are row, {})", TARGETS.join(", "))]
    StrayEquals {
        /// The field.
        field: String,
        /// The selector, truncated.
        selector: String,
    },
    /// The row selector reads an attribute; rows are elements.
    #[error("the row selector `{selector}` cannot read an attribute (`@`): it picks elements")]
    RowAttribute {
        /// The selector, truncated.
        selector: String,
    },
    /// The HTML parser refused a selector (the browser throws `SyntaxError`).
    #[error("the selector for `{field}` is not valid CSS: `{selector}` ({message})")]
    Syntax {
        /// The field.
        field: String,
        /// The selector, truncated.
        selector: String,
        /// The parser's words.
        message: String,
    },
    /// A mapping text entry is not `FIELD=SELECTOR`.
    #[error("`{entry}` is not FIELD=SELECTOR with FIELD one of row, {}", TARGETS.join(", "))]
    NotAnEntry {
        /// The entry, truncated.
        entry: String,
    },
    /// A required field is not mapped.
    #[error("no selector for `{field}`: an HTML mapping needs row, time and price")]
    Missing {
        /// The field.
        field: &'static str,
    },
}

fn cut(s: &str) -> String {
    super::text::truncate(s, 120).to_string()
}

/// One cell selector: CSS evaluated inside a row (the first match counts, as with
/// `querySelector`), and the attribute to read instead of the text, if any. An empty CSS part
/// with an attribute reads the row element's own attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellSelector {
    /// The CSS selector, trimmed; empty for the row itself.
    pub css: String,
    /// The attribute read instead of the element's text.
    pub attr: Option<String>,
}

impl CellSelector {
    /// Parses `css` or `css@attr` for `field` (used in error messages). The last `@` outside
    /// brackets, parentheses and quotes starts the attribute, so `a[href$="@x.org"]` is
    /// plain CSS. Checks balance and the attribute name; CSS syntax itself is left to the
    /// parser that runs the selector.
    pub fn parse(field: &str, spec: &str) -> Result<CellSelector, HtmlMappingError> {
        let spec = spec.trim();
        if spec.is_empty() {
            return Err(HtmlMappingError::Empty {
                field: field.to_string(),
            });
        }
        if spec.len() > SELECTOR_LIMIT {
            return Err(HtmlMappingError::TooLong {
                field: field.to_string(),
                limit: SELECTOR_LIMIT,
            });
        }
        let at = top_level_at(spec).ok_or_else(|| HtmlMappingError::Unbalanced {
            field: field.to_string(),
            selector: cut(spec),
        })?;
        let (css, attr) = match at {
            None => (spec, None),
            Some(k) => (spec[..k].trim(), Some(spec[k + 1..].trim())),
        };
        if let Some(a) = attr {
            if !is_name(a, &['.', ':']) {
                return Err(HtmlMappingError::BadAttribute {
                    field: field.to_string(),
                    attr: cut(a),
                });
            }
        }
        if top_level_equals(css) {
            return Err(HtmlMappingError::StrayEquals {
                field: field.to_string(),
                selector: cut(spec),
            });
        }
        if css.is_empty() && attr.is_none() {
            return Err(HtmlMappingError::Empty {
                field: field.to_string(),
            });
        }
        Ok(CellSelector {
            css: css.to_string(),
            attr: attr.map(str::to_ascii_lowercase),
        })
    }

    /// The selector written back as `css@attr`.
    pub fn spec(&self) -> String {
        match &self.attr {
            Some(a) if self.css.is_empty() => format!("@{a}"),
            Some(a) => format!("{}@{a}", self.css),
            None => self.css.clone(),
        }
    }
}

/// The byte offset of the last `@` outside brackets, parentheses and quotes (`Some(None)`
/// when there is none), or `None` when those do not balance.
fn top_level_at(s: &str) -> Option<Option<usize>> {
    top_level(s, '@')
}

/// Whether `s` (balanced) has an `=` outside brackets, parentheses and quotes.
fn top_level_equals(s: &str) -> bool {
    matches!(top_level(s, '='), Some(Some(_)))
}

/// The byte offset of the last `mark` outside brackets, parentheses and quotes (`Some(None)`
/// when there is none), or `None` when those do not balance.
fn top_level(s: &str, mark: char) -> Option<Option<usize>> {
    let mut depth: Vec<char> = Vec::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut found = None;
    for (k, c) in s.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (_, '\\') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[') => depth.push(']'),
            (None, '(') => depth.push(')'),
            // A closer that does not close the innermost opener: unbalanced.
            (None, ']' | ')') if depth.pop() != Some(c) => return None,
            (None, c) if c == mark && depth.is_empty() => found = Some(k),
            _ => {}
        }
    }
    (quote.is_none() && depth.is_empty() && !escaped).then_some(found)
}

/// A name of ASCII letters, digits, `-`, `_` and the characters of `also`, starting with a
/// letter or `_`: with `.` and `:`, an attribute name this module accepts (`datetime`,
/// `data-id`, `xlink:href`); with nothing more, a CSS identifier that needs no escaping.
pub(super) fn is_name(s: &str, also: &[char]) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || also.contains(&c))
}

/// Where an HTML page's trades are: the row selector and, in [`HtmlMapping::fields`], one
/// cell selector (`css` or `css@attr`) per mapped trade field, with the generic mapping's
/// time format, decimal mark and default symbol.
#[derive(Clone, Debug, PartialEq)]
pub struct HtmlMapping {
    /// The CSS selector of the rows, run on the whole document.
    pub rows: String,
    /// The generic mapping whose field names are cell selectors.
    pub fields: Mapping,
}

impl HtmlMapping {
    /// Parses a mapping text, `row=SELECTOR,time=SELECTOR,price=SELECTOR[,FIELD=SELECTOR...]`
    /// with FIELD one of [`TARGETS`]; entries split at commas followed by `FIELD=` only, so
    /// selector lists keep their commas. A field given twice keeps its last selector. Times
    /// are RFC 3339 with an offset until [`Mapping::time_format`] says otherwise.
    pub fn parse(text: &str) -> Result<HtmlMapping, HtmlMappingError> {
        let mut names = vec![ROW];
        names.extend(TARGETS);
        let mut entries = Vec::new();
        for entry in split_entries(text, &names) {
            let parsed = entry
                .split_once('=')
                .map(|(f, s)| (f.trim(), s.trim()))
                .filter(|(f, _)| names.contains(f));
            entries.push(parsed.ok_or_else(|| HtmlMappingError::NotAnEntry { entry: cut(entry) })?);
        }
        HtmlMapping::from_entries(entries)
    }

    /// A mapping from `(field, selector)` pairs (fields as in [`HtmlMapping::parse`]).
    pub fn from_entries<'e>(
        entries: impl IntoIterator<Item = (&'e str, &'e str)>,
    ) -> Result<HtmlMapping, HtmlMappingError> {
        let mut rows = None;
        let mut fields = Mapping::new("", "");
        for (field, selector) in entries {
            if field == ROW {
                rows = Some(selector.to_string());
            } else if !fields.set_source(field, selector) {
                return Err(HtmlMappingError::NotAnEntry {
                    entry: cut(&format!("{field}={selector}")),
                });
            }
        }
        let rows = rows.ok_or(HtmlMappingError::Missing { field: ROW })?;
        for (name, value) in [("time", &fields.time), ("price", &fields.price)] {
            if value.trim().is_empty() {
                return Err(HtmlMappingError::Missing { field: name });
            }
        }
        let m = HtmlMapping { rows, fields };
        m.cells()?;
        Ok(m)
    }

    /// The first field (`time`, `price`...) whose selector is `cell`, for messages.
    pub fn field_of(&self, cell: &CellSelector) -> &'static str {
        self.fields
            .sources()
            .into_iter()
            .find(|(f, spec)| CellSelector::parse(f, spec).as_ref() == Ok(cell))
            .map_or("cell", |(f, _)| f)
    }

    /// Checks every selector and returns the distinct cell selectors, in the order the
    /// extractor must fill a [`CellRow`].
    pub fn cells(&self) -> Result<Vec<CellSelector>, HtmlMappingError> {
        let row = CellSelector::parse(ROW, &self.rows)?;
        if row.attr.is_some() {
            return Err(HtmlMappingError::RowAttribute {
                selector: cut(&self.rows),
            });
        }
        let mut cells: Vec<CellSelector> = Vec::new();
        for (field, spec) in self.fields.sources() {
            let c = CellSelector::parse(field, spec)?;
            if !cells.contains(&c) {
                cells.push(c);
            }
        }
        Ok(cells)
    }
}

/// Collapses runs of whitespace to one space and trims: the text of a cell as a user reads it,
/// whichever parser extracted it.
pub fn normalize(text: &str) -> Cow<'_, str> {
    let t = text.trim();
    let mut prev_space = false;
    let tidy = t.chars().all(|c| {
        let ok = c == ' ' && !prev_space || !c.is_whitespace();
        prev_space = c.is_whitespace();
        ok
    });
    if tidy {
        return Cow::Borrowed(t);
    }
    Cow::Owned(t.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Turns the cells extracted from HTML pages into trades with an [`HtmlMapping`].
#[derive(Clone, Debug)]
pub struct HtmlDecoder {
    mapping: HtmlMapping,
    cells: Vec<CellSelector>,
    /// Each selector as the generic mapping names it, with the cell it reads.
    lookup: Vec<(String, usize)>,
    labels: Interner,
}

impl HtmlDecoder {
    /// A decoder for `mapping`, once its selectors are checked.
    pub fn new(mapping: HtmlMapping) -> Result<HtmlDecoder, HtmlMappingError> {
        let cells = mapping.cells()?;
        let mut lookup = Vec::new();
        for (field, spec) in mapping.fields.sources() {
            let c = CellSelector::parse(field, spec)?;
            if let Some(k) = cells.iter().position(|x| *x == c) {
                lookup.push((spec.to_string(), k));
            }
        }
        Ok(HtmlDecoder {
            mapping,
            cells,
            lookup,
            labels: Interner::default(),
        })
    }

    /// The mapping.
    pub fn mapping(&self) -> &HtmlMapping {
        &self.mapping
    }

    /// The cells to extract from each row, in [`CellRow`] order.
    pub fn cells(&self) -> &[CellSelector] {
        &self.cells
    }

    /// Decodes the rows of one page; `first_row` numbers the first of them (1 for a whole
    /// page). A row missing cells (shorter than [`HtmlDecoder::cells`]) reads them as absent.
    pub fn decode_rows(&mut self, rows: &[CellRow], first_row: u64) -> Decoded {
        let mut out = Decoded::default();
        for (k, row) in rows.iter().enumerate() {
            let at = Position::Row(first_row.saturating_add(k as u64));
            let values: Vec<Option<Cow<'_, str>>> = (0..self.cells.len())
                .map(|i| row.get(i).and_then(Option::as_deref).map(normalize))
                .collect();
            if values.iter().all(Option::is_none) {
                out.events.push(Control::Skipped {
                    at,
                    reason: "no mapped cell in this row (a header row?)".into(),
                });
                continue;
            }
            let raw = Record {
                line: 0,
                fields: values
                    .iter()
                    .map(|v| v.as_deref().unwrap_or("").to_string())
                    .collect(),
            }
            .to_csv_line();
            let lookup = &self.lookup;
            let get = |name: &str| {
                let &(_, i) = lookup.iter().find(|(n, _)| n == name)?;
                values[i].clone()
            };
            match self.mapping.fields.trade(get, &at, &raw, &mut self.labels) {
                Ok(t) => out.trades.push(t),
                Err(e) => out.rejects.push(Reject::new(e, &raw)),
            }
        }
        out
    }
}
