//! Downloads: trades and aggregates as CSV, JSON or NDJSON (written by `core::export`, with
//! its formula guard), handed to the browser as a `Blob` behind an object URL and a
//! temporary `<a download>`.
//!
//! The page's CSP allows this: a download is a navigation, which `connect-src` does not
//! govern, and `img-src` lists `blob:` for the object URLs charts may use.

use tradelens_core::engine::{Engine, Metric};
use tradelens_core::export::{self, ExportFilter, Format};
use tradelens_core::model::{Dim, Field, Trade};
use wasm_bindgen::prelude::*;

use super::StorageError;

/// Offers `text` as a file named `file_name` of type `mime`.
pub fn download(file_name: &str, mime: &str, text: &str) -> Result<(), StorageError> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| StorageError::Unavailable {
            message: "no document".into(),
        })?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(&format!("{mime};charset=utf-8"));
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(file_name);
    a.set_class_name("hidden");
    let body = document.body().ok_or_else(|| StorageError::Unavailable {
        message: "no body".into(),
    })?;
    body.append_child(&a)?;
    a.click();
    a.remove();
    // The click has started the download; the URL is no longer needed.
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Downloads `trades` in `format` as `{stem}.{ext}`.
pub fn download_trades(stem: &str, format: Format, trades: &[Trade]) -> Result<(), StorageError> {
    let text = export::trades(format, trades);
    download(
        &format!("{stem}.{}", format.extension()),
        format.mime(),
        &text,
    )
}

/// Downloads the engine's aggregates (`metrics` per bucket and group) that `filter` keeps, in
/// `format`.
pub fn download_aggregates(
    stem: &str,
    format: Format,
    engine: &Engine,
    metrics: &[Metric],
    filter: &ExportFilter,
) -> Result<(), StorageError> {
    let group_by = engine.spec().group_by;
    let rows: Vec<_> = export::engine_rows(engine)
        .into_iter()
        .filter(|r| filter.keeps_row(r, group_by))
        .collect();
    let text = export::aggregates(format, metrics, &rows);
    download(
        &format!("{stem}.{}", format.extension()),
        format.mime(),
        &text,
    )
}

/// The engine's trades that `filter` keeps, in arrival order.
pub fn filtered_trades(engine: &Engine, filter: &ExportFilter) -> Vec<Trade> {
    let mut out = engine_trades(engine);
    out.retain(|t| filter.keeps_trade(t));
    out
}

/// The engine's trades, in arrival order.
pub fn engine_trades(engine: &Engine) -> Vec<Trade> {
    trades_where(engine, |_| true)
}

/// The engine's trades pushed from `source` ([`Engine::set_source`]), in arrival order.
pub fn engine_trades_of(engine: &Engine, source: u8) -> Vec<Trade> {
    trades_where(engine, |row| engine.table().source(row) == source)
}

fn trades_where(engine: &Engine, keep: impl Fn(usize) -> bool) -> Vec<Trade> {
    let t = engine.table();
    let label = |field: Field, row: usize| t.label(t.label_id(field, row)).cloned();
    (0..t.len())
        .filter(|&row| keep(row))
        .map(|row| Trade {
            id: t.id[row],
            time_ms: t.time_ms[row],
            price: t.price[row],
            qty: t.qty[row],
            side: t.side(row),
            symbol: label(Field::Symbol, row).unwrap_or_else(|| "".into()),
            dims: Dim::ALL.map(|d| label(Field::Dim(d), row)),
        })
        .collect()
}
