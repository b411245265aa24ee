//! A dashboard in a link: what it holds, its JSON form, and the checks every field passes.
//!
//! The app writes [`SharedDashboard`] as JSON ([`encode_json`]), compresses it and puts it in
//! the URL's hash fragment; the page that opens the link undoes both and calls
//! [`decode_json`], which refuses anything it cannot vouch for: a newer format, an unknown
//! field or name, an over-long text, a control character, a URL that is not http, https, ws
//! or wss, carries `user:pass@` or a query parameter named like a secret, more than
//! [`MAX_FEEDS`] feeds. Markup in a text is kept as it is: it is data, and the page shows it
//! as text. [`hosts`] lists whom the feeds will contact, for the page to ask before it does.
//!
//! Format 2 holds the demo mode, the bucket size, up to two group-by fields, the feeds, the
//! panels ([`Layout`]), the theme, the time zone, the alert rules and a selected time range. Format 1 (no panels, theme or zone; one
//! chart metric) is still read: its metric goes to the default layout's line chart. A page
//! refuses a format newer than its own with [`ShareError::FutureVersion`].
//!
//! ```
//! use tradelens_core::share::{decode_json, encode_json, hosts, SharedDashboard, SharedFeed};
//! use tradelens_core::feed::venue::{Preset, Venue};
//!
//! let mut dash = SharedDashboard::default();
//! dash.feeds.push(SharedFeed::Venue(Preset::new(Venue::Coinbase, "BTC-USD")));
//! let json = encode_json(&dash)?;
//! assert_eq!(decode_json(&json)?, dash);
//! assert_eq!(hosts(&dash), ["ws-feed.exchange.coinbase.com", "api.exchange.coinbase.com"]);
//! # Ok::<(), tradelens_core::share::ShareError>(())
//! ```

pub mod base64;
mod check;
mod error;
mod wire;

pub use error::ShareError;

use crate::alerts::Rule;
use crate::dashboard::{Layout, PanelView};
use crate::decode::generic::Mapping;
use crate::demo::DemoMode;
use crate::engine::{BucketSize, GroupBy, Metric};
use crate::feed::preview::SampleFormat;
use crate::feed::venue::Preset;
use crate::settings::{Theme, ZoneChoice};

/// The link format this crate writes and reads.
pub const FORMAT: u64 = 2;
/// Longest payload (base64url text after `#s1=`) a page reads.
pub const MAX_ENCODED_BYTES: usize = 8 * 1024;
/// Largest decoded JSON a page reads; decompression stops past it.
pub const MAX_DECODED_BYTES: usize = 64 * 1024;
/// Most feeds a link carries.
pub const MAX_FEEDS: usize = 16;
/// Most alert rules a link carries.
pub const MAX_RULES: usize = 50;
/// Longest free text (a mapping source, a CSS selector, a symbol name for rows without one).
pub const MAX_TEXT: usize = 200;

/// What a link reproduces of a dashboard.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedDashboard {
    /// Demo data: shop orders or exchange trades.
    pub mode: DemoMode,
    /// Bucket size.
    pub bucket: BucketSize,
    /// Group-by fields.
    pub group_by: GroupBy,
    /// The feeds besides the demo, in list order.
    pub feeds: Vec<SharedFeed>,
    /// The panels.
    pub layout: Layout,
    /// The colour theme.
    pub theme: Theme,
    /// The time zone of buckets and axes.
    pub zone: ZoneChoice,
    /// The alert rules.
    pub rules: Vec<Rule>,
    /// A selected time range `[from, to)` (ms since the epoch) the panels are filtered to.
    pub range: Option<(i64, i64)>,
}

impl SharedDashboard {
    /// The metric of the first line chart, if there is one: what a format-1 link held.
    pub fn line_metric(&self) -> Option<Metric> {
        self.layout.panels().iter().find_map(|p| match p.view {
            PanelView::Line { metric } => Some(metric),
            _ => None,
        })
    }
}

impl Default for SharedDashboard {
    fn default() -> Self {
        SharedDashboard {
            mode: DemoMode::Orders,
            bucket: BucketSize::M15,
            group_by: GroupBy::NONE,
            feeds: Vec::new(),
            layout: Layout::default(),
            theme: Theme::System,
            zone: ZoneChoice::Browser,
            rules: Vec::new(),
            range: None,
        }
    }
}

/// A feed a link may carry: never a file (its bytes are not in the link) and never a secret.
#[derive(Clone, Debug, PartialEq)]
pub enum SharedFeed {
    /// A venue's public trade stream.
    Venue(Preset),
    /// An HTTP endpoint polled.
    Poll {
        /// URL (http or https).
        url: String,
        /// Body format.
        format: SampleFormat,
        /// Field mapping.
        mapping: Mapping,
        /// HTML pages: the CSS selector of the rows.
        rows: Option<String>,
        /// Time between polls, ms.
        interval_ms: u64,
    },
    /// Server-sent events.
    Sse {
        /// URL (http or https).
        url: String,
        /// Named event type carrying the data.
        event: String,
        /// Field mapping.
        mapping: Mapping,
    },
}

/// The JSON form of `dash`, checked as [`decode_json`] would check it: a page never writes a
/// link it would refuse (a URL with a token in it, say).
pub fn encode_json(dash: &SharedDashboard) -> Result<Vec<u8>, ShareError> {
    let json = serde_json::to_vec(&wire::Wire::from(dash))
        .map_err(|e| ShareError::Shape(e.to_string()))?;
    decode_json(&json)?;
    Ok(json)
}

/// Reads and checks a link's JSON.
pub fn decode_json(json: &[u8]) -> Result<SharedDashboard, ShareError> {
    if json.len() > MAX_DECODED_BYTES {
        return Err(ShareError::TooLarge);
    }
    wire::decode(json)
}

/// What opens a link's payload in the URL's fragment: `#s1=<payload>`.
pub const FRAGMENT_PREFIX: &str = "#s1=";

/// The payload of a shared-dashboard fragment (`location.hash`), if it is one.
pub fn fragment_payload(hash: &str) -> Option<&str> {
    hash.strip_prefix(FRAGMENT_PREFIX)
}

/// The distinct hosts (`host` or `host:port`) the feeds of `dash` will contact, in order of
/// first appearance.
pub fn hosts(dash: &SharedDashboard) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let urls = dash.feeds.iter().flat_map(|f| match f {
        SharedFeed::Venue(p) => vec![p.ws_base.as_str(), p.rest_base.as_str()],
        SharedFeed::Poll { url, .. } | SharedFeed::Sse { url, .. } => vec![url.as_str()],
    });
    for url in urls {
        let any = ["http", "https", "ws", "wss"];
        if let Ok(u) = check::url("url", url, &any, "") {
            if !out.contains(&u.host) {
                out.push(u.host);
            }
        }
    }
    out
}
