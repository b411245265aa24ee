//! The dashboard's layout: which panels it shows, in which order, how big, each with its own
//! settings. The app draws the panels; this module only keeps the list and its rules, so a
//! saved or shared layout is read through the same checks as one built by hand.
//!
//! ```
//! use tradelens_core::dashboard::{Height, Layout, PanelView};
//! use tradelens_core::engine::Metric;
//!
//! let mut layout = Layout::default();
//! let id = layout.add(PanelView::Line { metric: Metric::Count })?;
//! layout.move_by(id, -1);
//! layout.set_height(id, Height::Large);
//! assert_eq!(layout.panels()[layout.panels().len() - 2].id, id);
//! # Ok::<(), tradelens_core::dashboard::LayoutFull>(())
//! ```

use crate::engine::{BucketSize, GroupBy, Metric};

/// Most panels a dashboard holds.
pub const MAX_PANELS: usize = 12;
/// Most bars a top-N panel draws.
pub const MAX_TOP_N: u8 = 20;

/// What a panel shows, with the settings of its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PanelView {
    /// Headline numbers.
    Kpi,
    /// A metric per bucket, one line per top group when grouping.
    Line {
        /// The metric drawn.
        metric: Metric,
    },
    /// Open, high, low and close per bucket, with volume below.
    Candles,
    /// The top groups by notional.
    Bars {
        /// How many bars.
        top_n: u8,
    },
    /// The distribution of a trade value.
    Histogram {
        /// Which value.
        of: TradeValue,
    },
    /// One metric against another, one point per bucket, with a fitted line.
    Scatter {
        /// Horizontal axis.
        x: Metric,
        /// Vertical axis.
        y: Metric,
    },
    /// A metric by hour of day and weekday.
    Heatmap {
        /// The metric summed (or averaged) per cell.
        metric: Metric,
    },
    /// The trades themselves, sortable.
    Table,
    /// The forecast with its intervals.
    Forecast,
}

/// A value each trade has, for distributions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TradeValue {
    /// The trade's price.
    Price,
    /// The trade's quantity.
    Size,
}

impl TradeValue {
    /// Code name.
    pub fn name(self) -> &'static str {
        match self {
            TradeValue::Price => "price",
            TradeValue::Size => "size",
        }
    }

    /// The value named `name`.
    pub fn from_name(name: &str) -> Option<TradeValue> {
        [TradeValue::Price, TradeValue::Size]
            .into_iter()
            .find(|v| v.name() == name)
    }
}

/// The kinds of panel, without their settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PanelKind {
    /// [`PanelView::Kpi`].
    Kpi,
    /// [`PanelView::Line`].
    Line,
    /// [`PanelView::Candles`].
    Candles,
    /// [`PanelView::Bars`].
    Bars,
    /// [`PanelView::Histogram`].
    Histogram,
    /// [`PanelView::Scatter`].
    Scatter,
    /// [`PanelView::Heatmap`].
    Heatmap,
    /// [`PanelView::Table`].
    Table,
    /// [`PanelView::Forecast`].
    Forecast,
}

impl PanelKind {
    /// Every kind, in the order the "Add panel" menu lists them.
    pub const ALL: [PanelKind; 9] = [
        PanelKind::Kpi,
        PanelKind::Line,
        PanelKind::Candles,
        PanelKind::Bars,
        PanelKind::Histogram,
        PanelKind::Scatter,
        PanelKind::Heatmap,
        PanelKind::Table,
        PanelKind::Forecast,
    ];

    /// Code name, as links and saved layouts write it.
    pub fn name(self) -> &'static str {
        match self {
            PanelKind::Kpi => "kpi",
            PanelKind::Line => "line",
            PanelKind::Candles => "candles",
            PanelKind::Bars => "bars",
            PanelKind::Histogram => "histogram",
            PanelKind::Scatter => "scatter",
            PanelKind::Heatmap => "heatmap",
            PanelKind::Table => "table",
            PanelKind::Forecast => "forecast",
        }
    }

    /// The kind named `name`.
    pub fn from_name(name: &str) -> Option<PanelKind> {
        PanelKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// What the menu calls it.
    pub fn label(self) -> &'static str {
        match self {
            PanelKind::Kpi => "Key figures",
            PanelKind::Line => "Line chart",
            PanelKind::Candles => "Candlesticks with volume",
            PanelKind::Bars => "Top N bars",
            PanelKind::Histogram => "Histogram",
            PanelKind::Scatter => "Scatter with fit",
            PanelKind::Heatmap => "Heatmap (hour × weekday)",
            PanelKind::Table => "Data table",
            PanelKind::Forecast => "Forecast",
        }
    }

    /// A new panel of this kind, with its default settings.
    pub fn default_view(self) -> PanelView {
        match self {
            PanelKind::Kpi => PanelView::Kpi,
            PanelKind::Line => PanelView::Line {
                metric: Metric::Notional,
            },
            PanelKind::Candles => PanelView::Candles,
            PanelKind::Bars => PanelView::Bars { top_n: 8 },
            PanelKind::Histogram => PanelView::Histogram {
                of: TradeValue::Price,
            },
            PanelKind::Scatter => PanelView::Scatter {
                x: Metric::Count,
                y: Metric::Vwap,
            },
            PanelKind::Heatmap => PanelView::Heatmap {
                metric: Metric::Notional,
            },
            PanelKind::Table => PanelView::Table,
            PanelKind::Forecast => PanelView::Forecast,
        }
    }
}

impl PanelView {
    /// The panel's kind.
    pub fn kind(&self) -> PanelKind {
        match self {
            PanelView::Kpi => PanelKind::Kpi,
            PanelView::Line { .. } => PanelKind::Line,
            PanelView::Candles => PanelKind::Candles,
            PanelView::Bars { .. } => PanelKind::Bars,
            PanelView::Histogram { .. } => PanelKind::Histogram,
            PanelView::Scatter { .. } => PanelKind::Scatter,
            PanelView::Heatmap { .. } => PanelKind::Heatmap,
            PanelView::Table => PanelKind::Table,
            PanelView::Forecast => PanelKind::Forecast,
        }
    }

    /// The metrics the panel draws (the engine keeps the sketches they need).
    pub fn metrics(&self) -> Vec<Metric> {
        match *self {
            PanelView::Line { metric } | PanelView::Heatmap { metric } => vec![metric],
            PanelView::Scatter { x, y } => vec![x, y],
            _ => Vec::new(),
        }
    }
}

/// A panel's height.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Height {
    /// Short.
    Small,
    /// The usual.
    #[default]
    Medium,
    /// Tall.
    Large,
}

impl Height {
    /// Every height, smallest first.
    pub const ALL: [Height; 3] = [Height::Small, Height::Medium, Height::Large];

    /// Code name.
    pub fn name(self) -> &'static str {
        match self {
            Height::Small => "s",
            Height::Medium => "m",
            Height::Large => "l",
        }
    }

    /// The height named `name`.
    pub fn from_name(name: &str) -> Option<Height> {
        Height::ALL.into_iter().find(|h| h.name() == name)
    }

    /// What a menu shows.
    pub fn label(self) -> &'static str {
        match self {
            Height::Small => "Small",
            Height::Medium => "Medium",
            Height::Large => "Large",
        }
    }
}

/// Longest symbol a panel filters on.
pub const MAX_SYMBOL: usize = 64;

/// What a panel aggregates, where it differs from the dashboard: its own bucket size, its own
/// group-by, only one symbol's trades. `None` everywhere (the default) is the dashboard's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    /// Bucket size, if not the dashboard's.
    pub bucket: Option<BucketSize>,
    /// Group-by, if not the dashboard's.
    pub group_by: Option<GroupBy>,
    /// Only this symbol's (or product's) trades.
    pub symbol: Option<String>,
}

impl Scope {
    /// Whether the panel shows the dashboard's own aggregates.
    pub fn is_dashboard(&self) -> bool {
        *self == Scope::default()
    }
}

/// One panel on the dashboard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Panel {
    /// Stable within a layout, so the page keeps a panel's state while others move.
    pub id: u32,
    /// What it shows.
    pub view: PanelView,
    /// Spans the dashboard's full width (else half, on a wide screen).
    pub wide: bool,
    /// Its height.
    pub height: Height,
    /// What it aggregates.
    pub scope: Scope,
}

/// The panels were not added: the dashboard holds [`MAX_PANELS`] already.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("A dashboard holds at most {MAX_PANELS} panels; remove one first")]
pub struct LayoutFull;

/// The dashboard's panels, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    panels: Vec<Panel>,
    next_id: u32,
}

impl Default for Layout {
    /// The dashboard a first visit shows: key figures, the metric over time, the top groups
    /// and the forecast.
    fn default() -> Self {
        let mut layout = Layout::empty();
        let wide = |view| (view, true);
        let half = |view| (view, false);
        for (view, wide) in [
            wide(PanelView::Kpi),
            half(PanelKind::Line.default_view()),
            half(PanelKind::Bars.default_view()),
            wide(PanelView::Forecast),
        ] {
            layout.push(view, wide, Height::Medium);
        }
        layout
    }
}

impl Layout {
    /// A dashboard without panels.
    pub fn empty() -> Layout {
        Layout {
            panels: Vec::new(),
            next_id: 1,
        }
    }

    /// A layout of `panels` as given (ids renumbered from 1), at most [`MAX_PANELS`].
    pub fn from_panels(
        panels: impl IntoIterator<Item = (PanelView, bool, Height)>,
    ) -> Result<Layout, LayoutFull> {
        let mut layout = Layout::empty();
        for (view, wide, height) in panels {
            if layout.panels.len() == MAX_PANELS {
                return Err(LayoutFull);
            }
            layout.push(view, wide, height);
        }
        Ok(layout)
    }

    fn push(&mut self, view: PanelView, wide: bool, height: Height) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        self.panels.push(Panel {
            id,
            view,
            wide,
            height,
            scope: Scope::default(),
        });
        id
    }

    /// The panels, in order.
    pub fn panels(&self) -> &[Panel] {
        &self.panels
    }

    /// The panel with `id`.
    pub fn get(&self, id: u32) -> Option<&Panel> {
        self.panels.iter().find(|p| p.id == id)
    }

    /// Adds a panel at the end (half width, or full width for key figures, tables and
    /// forecasts, which need the room) and returns its id.
    pub fn add(&mut self, view: PanelView) -> Result<u32, LayoutFull> {
        if self.panels.len() >= MAX_PANELS {
            return Err(LayoutFull);
        }
        let wide = matches!(
            view.kind(),
            PanelKind::Kpi | PanelKind::Table | PanelKind::Forecast
        );
        Ok(self.push(view, wide, Height::Medium))
    }

    /// Removes the panel with `id`; whether there was one.
    pub fn remove(&mut self, id: u32) -> bool {
        let before = self.panels.len();
        self.panels.retain(|p| p.id != id);
        self.panels.len() != before
    }

    /// Moves the panel with `id` by `delta` places (negative: earlier), stopping at either
    /// end; whether it moved.
    pub fn move_by(&mut self, id: u32, delta: isize) -> bool {
        let Some(from) = self.panels.iter().position(|p| p.id == id) else {
            return false;
        };
        let last = self.panels.len() - 1;
        let to = from.saturating_add_signed(delta).min(last);
        if to == from {
            return false;
        }
        let panel = self.panels.remove(from);
        self.panels.insert(to, panel);
        true
    }

    fn with(&mut self, id: u32, f: impl FnOnce(&mut Panel)) -> bool {
        self.panels.iter_mut().find(|p| p.id == id).map(f).is_some()
    }

    /// Sets the width of the panel with `id`.
    pub fn set_wide(&mut self, id: u32, wide: bool) -> bool {
        self.with(id, |p| p.wide = wide)
    }

    /// Sets the height of the panel with `id`.
    pub fn set_height(&mut self, id: u32, height: Height) -> bool {
        self.with(id, |p| p.height = height)
    }

    /// Changes what the panel with `id` shows.
    pub fn set_view(&mut self, id: u32, view: PanelView) -> bool {
        self.with(id, |p| p.view = view)
    }

    /// Sets what the panel with `id` aggregates.
    pub fn set_scope(&mut self, id: u32, scope: Scope) -> bool {
        self.with(id, |p| p.scope = scope)
    }

    /// Every metric some panel draws, without repeats.
    pub fn metrics(&self) -> Vec<Metric> {
        let mut out = Vec::new();
        for m in self.panels.iter().flat_map(|p| p.view.metrics()) {
            if !out.contains(&m) {
                out.push(m);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(l: &Layout) -> Vec<u32> {
        l.panels().iter().map(|p| p.id).collect()
    }

    #[test]
    fn the_default_dashboard_is_the_one_the_page_always_showed() {
        let l = Layout::default();
        let kinds: Vec<_> = l.panels().iter().map(|p| p.view.kind()).collect();
        assert_eq!(
            kinds,
            [
                PanelKind::Kpi,
                PanelKind::Line,
                PanelKind::Bars,
                PanelKind::Forecast
            ]
        );
        assert_eq!(ids(&l), [1, 2, 3, 4]);
    }

    #[test]
    fn panels_move_within_the_ends_and_keep_their_ids() {
        let mut l = Layout::default();
        assert!(l.move_by(4, -2));
        assert_eq!(ids(&l), [1, 4, 2, 3]);
        assert!(!l.move_by(1, -1), "already first");
        assert!(l.move_by(1, 10), "clamped to the end");
        assert_eq!(ids(&l), [4, 2, 3, 1]);
        assert!(!l.move_by(99, 1), "no such panel");
    }

    #[test]
    fn ids_are_never_reused_after_a_removal() {
        let mut l = Layout::default();
        assert!(l.remove(4));
        assert!(!l.remove(4));
        let id = l.add(PanelView::Table).unwrap();
        assert_eq!(id, 5);
        assert!(l.get(id).unwrap().wide, "tables get the full width");
    }

    #[test]
    fn a_full_dashboard_refuses_more_panels_and_stays_as_it_was() {
        let mut l = Layout::empty();
        for _ in 0..MAX_PANELS {
            l.add(PanelView::Kpi).unwrap();
        }
        let before = l.clone();
        assert_eq!(l.add(PanelView::Table), Err(LayoutFull));
        assert_eq!(l, before);
        let many = std::iter::repeat_n((PanelView::Kpi, true, Height::Small), MAX_PANELS + 1);
        assert_eq!(Layout::from_panels(many), Err(LayoutFull));
    }

    #[test]
    fn settings_change_only_the_panel_named() {
        let mut l = Layout::default();
        assert!(l.set_height(2, Height::Large));
        assert!(l.set_wide(2, true));
        assert!(l.set_view(
            3,
            PanelView::Scatter {
                x: Metric::Volume,
                y: Metric::Vwap
            }
        ));
        assert_eq!(l.get(2).unwrap().height, Height::Large);
        assert!(l.get(2).unwrap().wide);
        assert_eq!(l.get(1).unwrap().height, Height::Medium);
        assert_eq!(
            l.metrics(),
            [Metric::Notional, Metric::Volume, Metric::Vwap]
        );
        assert!(!l.set_height(42, Height::Small));
    }

    #[test]
    fn names_round_trip() {
        for k in PanelKind::ALL {
            assert_eq!(PanelKind::from_name(k.name()), Some(k));
            assert_eq!(k.default_view().kind(), k);
        }
        for h in Height::ALL {
            assert_eq!(Height::from_name(h.name()), Some(h));
        }
        for v in [TradeValue::Price, TradeValue::Size] {
            assert_eq!(TradeValue::from_name(v.name()), Some(v));
        }
        assert_eq!(PanelKind::from_name("Line"), None);
    }
}
