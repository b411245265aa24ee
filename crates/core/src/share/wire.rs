//! The JSON shape of a link (formats 1 and 2): names as text, every object closed to unknown
//! fields, read into the typed [`SharedDashboard`] only after each field is checked.

use serde::{Deserialize, Serialize};

use super::check::{self, unknown};
use super::{ShareError, SharedDashboard, SharedFeed, FORMAT, MAX_FEEDS, MAX_RULES, MAX_TEXT};
use crate::alerts::Rule;
use crate::dashboard::{
    Height, Layout, PanelKind, PanelView, Scope, TradeValue, MAX_PANELS,
    MAX_SYMBOL as MAX_PANEL_SYMBOL, MAX_TOP_N,
};
use crate::decode::generic::{Mapping, TimeFormat};
use crate::decode::time::EpochUnit;
use crate::demo::DemoMode;
use crate::engine::{BucketSize, GroupBy, Metric};
use crate::feed::preview::SampleFormat;
use crate::feed::venue::{Preset, Venue};
use crate::model::{Dim, Field};
use crate::settings::{Theme, ZoneChoice};

/// Longest symbol in a venue's spelling.
const MAX_SYMBOL: usize = 32;
/// Longest SSE event type.
const MAX_EVENT: usize = 64;
/// Slowest poll a link may ask for: a day.
const MAX_INTERVAL_MS: i64 = 86_400_000;
/// Largest default offset of times without one: ±18 hours, in minutes.
const MAX_OFFSET_MIN: i64 = 18 * 60;

/// Only the format number, read before anything else: a newer format may have fields this
/// page does not know, and its reader must hear "newer", not "unknown field".
#[derive(Deserialize)]
struct Version {
    v: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Wire {
    v: u64,
    mode: String,
    bucket: String,
    #[serde(default)]
    group_by: Vec<String>,
    /// Format 1 only: the one chart's metric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metric: Option<String>,
    #[serde(default)]
    feeds: Vec<WireFeed>,
    /// Format 2: the panels, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    panels: Option<Vec<WirePanel>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    theme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    zone: Option<String>,
    /// Format 2: the alert rules, in their own checked form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    rules: Vec<Rule>,
    /// Format 2: the selected time range `[from, to)`, ms since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    range: Option<[i64; 2]>,
}

/// A panel: its kind, the settings that kind has (and no others), its size.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WirePanel {
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metric: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    x: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    top_n: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    of: Option<String>,
    #[serde(default)]
    wide: bool,
    #[serde(default = "medium")]
    height: String,
    /// The panel's own bucket size, group-by and symbol, where not the dashboard's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bucket: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    group_by: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    symbol: Option<String>,
}

fn medium() -> String {
    Height::Medium.name().to_owned()
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
enum WireFeed {
    Venue {
        venue: String,
        symbol: String,
        ws: String,
        rest: String,
        max_backoff_ms: u64,
    },
    Poll {
        url: String,
        format: String,
        mapping: WireMapping,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rows: Option<String>,
        interval_ms: u64,
    },
    Sse {
        url: String,
        event: String,
        mapping: WireMapping,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireMapping {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    time: String,
    price: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    qty: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    side: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    symbol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    customer: Option<String>,
    time_format: WireTime,
    #[serde(default)]
    decimal_comma: bool,
    default_symbol: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum WireTime {
    /// `s`, `ms`, `us` or `ns` since the epoch.
    Epoch(String),
    DateTime {
        default_offset_min: Option<i32>,
    },
}

const UNITS: [(EpochUnit, &str); 4] = [
    (EpochUnit::Seconds, "s"),
    (EpochUnit::Millis, "ms"),
    (EpochUnit::Micros, "us"),
    (EpochUnit::Nanos, "ns"),
];

impl From<&SharedDashboard> for Wire {
    fn from(d: &SharedDashboard) -> Wire {
        Wire {
            v: FORMAT,
            mode: d.mode.name().to_owned(),
            bucket: d.bucket.name().to_owned(),
            group_by: d.group_by.fields().map(|f| f.name().to_owned()).collect(),
            metric: None,
            feeds: d.feeds.iter().map(WireFeed::from).collect(),
            panels: Some(d.layout.panels().iter().map(WirePanel::from).collect()),
            theme: Some(d.theme.name().to_owned()),
            zone: Some(d.zone.name().to_owned()),
            rules: d.rules.clone(),
            range: d.range.map(|(a, b)| [a, b]),
        }
    }
}

impl From<&crate::dashboard::Panel> for WirePanel {
    fn from(p: &crate::dashboard::Panel) -> WirePanel {
        let name = |m: Metric| Some(m.name().to_owned());
        let mut w = WirePanel {
            kind: p.view.kind().name().to_owned(),
            metric: None,
            x: None,
            top_n: None,
            of: None,
            wide: p.wide,
            height: p.height.name().to_owned(),
            bucket: p.scope.bucket.map(|b| b.name().to_owned()),
            group_by: p
                .scope
                .group_by
                .map(|g| g.fields().map(|f| f.name().to_owned()).collect()),
            symbol: p.scope.symbol.clone(),
        };
        match p.view {
            PanelView::Line { metric } | PanelView::Heatmap { metric } => w.metric = name(metric),
            PanelView::Scatter { x, y } => {
                w.x = name(x);
                w.metric = name(y);
            }
            PanelView::Bars { top_n } => w.top_n = Some(top_n),
            PanelView::Histogram { of } => w.of = Some(of.name().to_owned()),
            PanelView::Kpi | PanelView::Candles | PanelView::Table | PanelView::Forecast => {}
        }
        w
    }
}

/// Reads a panel, refusing a setting its kind does not have.
fn panel(at: &str, w: WirePanel) -> Result<((PanelView, bool, Height), Scope), ShareError> {
    let field = |name: &str| format!("{at} {name}");
    let kind = PanelKind::from_name(&w.kind).ok_or_else(|| unknown(&field("kind"), &w.kind))?;
    let height =
        Height::from_name(&w.height).ok_or_else(|| unknown(&field("height"), &w.height))?;
    let metric = |name: &str, value: &Option<String>| -> Result<Metric, ShareError> {
        let value = value.as_deref().unwrap_or_default();
        Metric::from_name(value).ok_or_else(|| unknown(&field(name), value))
    };
    let view = match kind {
        PanelKind::Line => PanelView::Line {
            metric: metric("metric", &w.metric)?,
        },
        PanelKind::Heatmap => PanelView::Heatmap {
            metric: metric("metric", &w.metric)?,
        },
        PanelKind::Scatter => PanelView::Scatter {
            x: metric("x", &w.x)?,
            y: metric("metric", &w.metric)?,
        },
        PanelKind::Bars => {
            let top_n = w.top_n.unwrap_or(8);
            check::range(&field("top N"), i64::from(top_n), 1, i64::from(MAX_TOP_N))?;
            PanelView::Bars { top_n }
        }
        PanelKind::Histogram => {
            let of = w.of.as_deref().unwrap_or_default();
            PanelView::Histogram {
                of: TradeValue::from_name(of).ok_or_else(|| unknown(&field("value"), of))?,
            }
        }
        PanelKind::Kpi => PanelView::Kpi,
        PanelKind::Candles => PanelView::Candles,
        PanelKind::Table => PanelView::Table,
        PanelKind::Forecast => PanelView::Forecast,
    };
    // A setting the kind does not use is refused, not ignored: it means the link was made
    // by something else than this page, or altered.
    let stray = [
        ("metric", w.metric.is_some() && view.metrics().is_empty()),
        ("x", w.x.is_some() && kind != PanelKind::Scatter),
        ("top N", w.top_n.is_some() && kind != PanelKind::Bars),
        ("value", w.of.is_some() && kind != PanelKind::Histogram),
    ];
    if let Some((name, _)) = stray.into_iter().find(|(_, bad)| *bad) {
        return Err(ShareError::Shape(format!(
            "{} has a {name}, which a {} panel does not have",
            at,
            kind.name()
        )));
    }
    let scope = Scope {
        bucket: match &w.bucket {
            None => None,
            Some(b) => Some(BucketSize::from_name(b).ok_or_else(|| unknown(&field("bucket"), b))?),
        },
        group_by: match &w.group_by {
            None => None,
            Some(names) => Some(group_by(&field("group-by"), names)?),
        },
        symbol: match w.symbol {
            None => None,
            Some(s) => {
                check::text(&field("symbol"), &s, MAX_PANEL_SYMBOL)?;
                Some(s)
            }
        },
    };
    Ok(((view, w.wide, height), scope))
}

/// Up to two group-by fields by name.
fn group_by(at: &str, names: &[String]) -> Result<GroupBy, ShareError> {
    check::range(&format!("number of {at} fields"), names.len() as i64, 0, 2)?;
    let fields = names
        .iter()
        .map(|name| Field::from_name(name).ok_or_else(|| unknown(at, name)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(GroupBy::new(
        fields.first().copied(),
        fields.get(1).copied(),
    ))
}

impl From<&SharedFeed> for WireFeed {
    fn from(f: &SharedFeed) -> WireFeed {
        match f {
            SharedFeed::Venue(p) => WireFeed::Venue {
                venue: p.venue.name().to_owned(),
                symbol: p.symbol.clone(),
                ws: p.ws_base.clone(),
                rest: p.rest_base.clone(),
                max_backoff_ms: p.max_backoff_ms,
            },
            SharedFeed::Poll {
                url,
                format,
                mapping,
                rows,
                interval_ms,
            } => WireFeed::Poll {
                url: url.clone(),
                format: format.name().to_owned(),
                mapping: mapping.into(),
                rows: rows.clone(),
                interval_ms: *interval_ms,
            },
            SharedFeed::Sse {
                url,
                event,
                mapping,
            } => WireFeed::Sse {
                url: url.clone(),
                event: event.clone(),
                mapping: mapping.into(),
            },
        }
    }
}

impl From<&Mapping> for WireMapping {
    fn from(m: &Mapping) -> WireMapping {
        let dim = |d: Dim| m.dims[d.index()].clone();
        WireMapping {
            id: m.id.clone(),
            time: m.time.clone(),
            price: m.price.clone(),
            qty: m.qty.clone(),
            side: m.side.clone(),
            symbol: m.symbol.clone(),
            category: dim(Dim::Category),
            region: dim(Dim::Region),
            channel: dim(Dim::Channel),
            customer: dim(Dim::Customer),
            time_format: match m.time_format {
                TimeFormat::Epoch(unit) => WireTime::Epoch(
                    UNITS
                        .iter()
                        .find(|(u, _)| *u == unit)
                        .map_or("ms", |(_, n)| n)
                        .to_owned(),
                ),
                TimeFormat::DateTime { default_offset_min } => {
                    WireTime::DateTime { default_offset_min }
                }
            },
            decimal_comma: m.decimal_comma,
            default_symbol: m.default_symbol.clone(),
        }
    }
}

/// Reads and checks a link's JSON (already within the decoded size limit).
pub(super) fn decode(json: &[u8]) -> Result<SharedDashboard, ShareError> {
    let shape = |e: serde_json::Error| ShareError::Shape(e.to_string());
    let Version { v } = serde_json::from_slice(json).map_err(shape)?;
    if v > FORMAT {
        return Err(ShareError::FutureVersion { version: v });
    }
    if v == 0 {
        return Err(ShareError::BadVersion { version: v });
    }
    let w: Wire = serde_json::from_slice(json).map_err(shape)?;
    let mode = DemoMode::from_name(&w.mode).ok_or_else(|| unknown("demo mode", &w.mode))?;
    let bucket =
        BucketSize::from_name(&w.bucket).ok_or_else(|| unknown("bucket size", &w.bucket))?;
    let group_by = group_by("group-by", &w.group_by)?;
    let layout = match (v, w.metric, w.panels) {
        (1, Some(metric), None) => {
            let metric =
                Metric::from_name(&metric).ok_or_else(|| unknown("chart metric", &metric))?;
            let mut layout = Layout::default();
            let line = layout
                .panels()
                .iter()
                .find(|p| p.view.kind() == PanelKind::Line);
            if let Some(id) = line.map(|p| p.id) {
                layout.set_view(id, PanelView::Line { metric });
            }
            layout
        }
        (1, _, _) => {
            return Err(ShareError::Shape(
                "a format-1 link has one chart metric and no panels".to_owned(),
            ))
        }
        (_, Some(_), _) | (_, _, None) => {
            return Err(ShareError::Shape(
                "a dashboard lists its panels, each with its own metric".to_owned(),
            ))
        }
        (_, None, Some(panels)) => {
            if panels.len() > MAX_PANELS {
                return Err(ShareError::TooManyPanels {
                    count: panels.len(),
                });
            }
            let (panels, scopes): (Vec<_>, Vec<_>) = panels
                .into_iter()
                .enumerate()
                .map(|(i, p)| panel(&format!("panel {}", i + 1), p))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .unzip();
            let mut layout =
                Layout::from_panels(panels).map_err(|_| ShareError::TooManyPanels {
                    count: MAX_PANELS + 1,
                })?;
            let ids: Vec<u32> = layout.panels().iter().map(|p| p.id).collect();
            for (id, scope) in ids.into_iter().zip(scopes) {
                layout.set_scope(id, scope);
            }
            layout
        }
    };
    let theme = match w.theme {
        None => Theme::System,
        Some(t) => Theme::from_name(&t).ok_or_else(|| unknown("theme", &t))?,
    };
    if w.rules.len() > MAX_RULES {
        return Err(ShareError::TooManyRules {
            count: w.rules.len(),
        });
    }
    for (i, rule) in w.rules.iter().enumerate() {
        rule.validate().map_err(|e| ShareError::BadRule {
            at: i + 1,
            why: e.to_string(),
        })?;
        if w.rules[..i].iter().any(|r| r.id == rule.id) {
            return Err(ShareError::BadRule {
                at: i + 1,
                why: format!("its id {} is another rule's", rule.id),
            });
        }
    }
    let range = match w.range {
        None => None,
        Some([from, to]) => {
            // Years 1970 to 2200: any instant a feed can carry.
            const LATEST: i64 = 7_258_118_400_000;
            check::range("selected range start", from, 0, LATEST)?;
            check::range("selected range end", to, from.saturating_add(1), LATEST)?;
            Some((from, to))
        }
    };
    let zone = match w.zone {
        None => ZoneChoice::Browser,
        Some(z) => ZoneChoice::from_name(&z).ok_or_else(|| unknown("time zone", &z))?,
    };
    if w.feeds.len() > MAX_FEEDS {
        return Err(ShareError::TooManyFeeds {
            count: w.feeds.len(),
        });
    }
    let feeds = w
        .feeds
        .into_iter()
        .enumerate()
        .map(|(i, f)| feed(&format!("feed {}", i + 1), f))
        .collect::<Result<_, _>>()?;
    Ok(SharedDashboard {
        mode,
        bucket,
        group_by,
        feeds,
        layout,
        theme,
        zone,
        rules: w.rules,
        range,
    })
}

const HTTP: [&str; 2] = ["http", "https"];
const WS: [&str; 2] = ["ws", "wss"];

fn feed(at: &str, f: WireFeed) -> Result<SharedFeed, ShareError> {
    let field = |name: &str| format!("{at} {name}");
    Ok(match f {
        WireFeed::Venue {
            venue,
            symbol,
            ws,
            rest,
            max_backoff_ms,
        } => {
            let venue = Venue::from_name(&venue).ok_or_else(|| unknown(&field("venue"), &venue))?;
            check::name(&field("symbol"), &symbol, MAX_SYMBOL, "-_/.:")?;
            check::url(&field("stream URL"), &ws, &WS, "ws or wss")?;
            check::url(&field("REST URL"), &rest, &HTTP, "http or https")?;
            check::range(
                &field("longest reconnection wait (ms)"),
                i64::try_from(max_backoff_ms).unwrap_or(i64::MAX),
                1_000,
                600_000,
            )?;
            SharedFeed::Venue(Preset {
                venue,
                symbol,
                ws_base: ws,
                rest_base: rest,
                max_backoff_ms,
            })
        }
        WireFeed::Poll {
            url,
            format,
            mapping: m,
            rows,
            interval_ms,
        } => {
            check::url(&field("URL"), &url, &HTTP, "http or https")?;
            let format = SampleFormat::from_name(&format)
                .ok_or_else(|| unknown(&field("format"), &format))?;
            let mapping = self::mapping(&field("mapping"), m)?;
            if let Some(rows) = &rows {
                check::text(&field("row selector"), rows, MAX_TEXT)?;
            }
            check::range(
                &field("poll interval (ms)"),
                i64::try_from(interval_ms).unwrap_or(i64::MAX),
                1_000,
                MAX_INTERVAL_MS,
            )?;
            SharedFeed::Poll {
                url,
                format,
                mapping,
                rows,
                interval_ms,
            }
        }
        WireFeed::Sse {
            url,
            event,
            mapping: m,
        } => {
            check::url(&field("URL"), &url, &HTTP, "http or https")?;
            if !event.is_empty() {
                check::name(&field("event type"), &event, MAX_EVENT, "-_.:")?;
            }
            SharedFeed::Sse {
                url,
                event,
                mapping: self::mapping(&field("mapping"), m)?,
            }
        }
    })
}

fn mapping(at: &str, m: WireMapping) -> Result<Mapping, ShareError> {
    let source = |name: &str, value: &Option<String>| match value {
        Some(v) => check::text(&format!("{at} {name}"), v, MAX_TEXT),
        None => Ok(()),
    };
    source("time", &Some(m.time.clone()))?;
    source("price", &Some(m.price.clone()))?;
    source("default symbol", &Some(m.default_symbol.clone()))?;
    for (name, value) in [
        ("id", &m.id),
        ("qty", &m.qty),
        ("side", &m.side),
        ("symbol", &m.symbol),
        ("category", &m.category),
        ("region", &m.region),
        ("channel", &m.channel),
        ("customer", &m.customer),
    ] {
        source(name, value)?;
    }
    let time_format = match m.time_format {
        WireTime::Epoch(unit) => TimeFormat::Epoch(
            UNITS
                .iter()
                .find(|(_, n)| *n == unit)
                .map(|(u, _)| *u)
                .ok_or_else(|| unknown(&format!("{at} epoch unit"), &unit))?,
        ),
        WireTime::DateTime { default_offset_min } => {
            if let Some(min) = default_offset_min {
                check::range(
                    &format!("{at} default offset (minutes)"),
                    i64::from(min),
                    -MAX_OFFSET_MIN,
                    MAX_OFFSET_MIN,
                )?;
            }
            TimeFormat::DateTime { default_offset_min }
        }
    };
    let mut dims: [Option<String>; 4] = Default::default();
    dims[Dim::Category.index()] = m.category;
    dims[Dim::Region.index()] = m.region;
    dims[Dim::Channel.index()] = m.channel;
    dims[Dim::Customer.index()] = m.customer;
    Ok(Mapping {
        id: m.id,
        time: m.time,
        price: m.price,
        qty: m.qty,
        side: m.side,
        symbol: m.symbol,
        dims,
        time_format,
        decimal_comma: m.decimal_comma,
        default_symbol: m.default_symbol,
    })
}
