//! Small browser helpers shared by the Feeds components.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

use crate::feeds::FeedError;

/// The first `n` bytes of a blob (a file's sample for the mapping preview).
pub async fn read_blob_prefix(blob: &Blob, n: usize) -> Result<Vec<u8>, FeedError> {
    let end = (n as f64).min(blob.size());
    let part = blob
        .slice_with_f64_and_f64(0.0, end)
        .map_err(|e| FeedError::browser("slicing a file", e))?;
    let buf = JsFuture::from(part.array_buffer())
        .await
        .map_err(|e| FeedError::browser("reading a file", e))?;
    Ok(Uint8Array::new(&buf.unchecked_into()).to_vec())
}

/// Offers `text` as a file download named `name` (a blob URL, revoked right after).
pub fn download_text(name: &str, mime: &str, text: &str) -> Result<(), FeedError> {
    let parts = Array::of1(&text.into());
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| FeedError::browser("making the download", e))?;
    let url = Url::create_object_url_with_blob(&blob)
        .map_err(|e| FeedError::browser("making the download", e))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| FeedError::Browser {
            what: "making the download",
            detail: "no document".into(),
        })?;
    let a: HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| FeedError::browser("making the download", e))?
        .unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = Url::revoke_object_url(&url);
    Ok(())
}
