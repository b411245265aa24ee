//! The Feeds page's parts: adding feeds (venue presets, generic HTTP/SSE with a mapping
//! preview, HTML pages, file import), the feed list with a status line each, data quality and
//! the quarantine.

mod add_file;
mod add_http;
mod add_venue;
mod feed_list;
mod html_mapping;
mod mapping;
mod quality;
mod quarantine;
mod util;

pub use add_file::AddFileFeed;
pub use add_http::AddHttpFeed;
pub use add_venue::AddVenueFeed;
pub use feed_list::{FeedList, FeedRow};
pub use html_mapping::HtmlMappingEditor;
pub use mapping::{MappingEditor, MappingPreview, PreviewTable};
pub use quality::QualityPanel;
pub use quarantine::QuarantineList;
pub use util::{download_text, read_blob_prefix};
