//! Reading a file (or any `Blob`) in chunks: `Blob.slice` then `arrayBuffer`, one chunk in
//! memory at a time, with progress, rate and cancellation. A 1 GB file streams through the
//! core's chunked decoders without ever being held whole.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

use super::error::js_text;
use super::FeedError;

/// The default chunk size, bytes.
pub const CHUNK_BYTES: usize = 1 << 20;

/// A shared "stop" switch for a read in progress.
#[derive(Clone, Debug, Default)]
pub struct CancelFlag(Rc<Cell<bool>>);

impl CancelFlag {
    /// Asks the read to stop after the current chunk.
    pub fn cancel(&self) {
        self.0.set(true);
    }

    /// True once cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.0.get()
    }
}

/// Where a read stands.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ReadProgress {
    /// Bytes read so far.
    pub done: f64,
    /// Size of the blob.
    pub total: f64,
    /// Bytes per second since the start.
    pub rate: f64,
}

/// How a read ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadEnd {
    /// Every byte was read.
    Finished,
    /// The flag was raised.
    Cancelled,
}

/// Reads `blob` in chunks of `chunk` bytes, calling `on_chunk` with each and the progress,
/// and awaiting what it returns before reading on (so a slow consumer slows the reading,
/// and memory stays bounded).
pub async fn read_chunks<F: std::future::Future<Output = ()>>(
    blob: &Blob,
    name: &str,
    chunk: usize,
    cancel: &CancelFlag,
    mut on_chunk: impl FnMut(&[u8], ReadProgress) -> F,
) -> Result<ReadEnd, FeedError> {
    let total = blob.size();
    let chunk = chunk.max(1) as f64;
    let started = crate::now_ms();
    let mut at = 0.0;
    let mut buf = Vec::new();
    while at < total {
        if cancel.is_cancelled() {
            return Ok(ReadEnd::Cancelled);
        }
        let end = (at + chunk).min(total);
        let part = blob
            .slice_with_f64_and_f64(at, end)
            .map_err(|e| file_error(name, &e))?;
        let buffer = JsFuture::from(part.array_buffer())
            .await
            .map_err(|e| file_error(name, &e))?;
        let bytes: Uint8Array = Uint8Array::new(&buffer.unchecked_into());
        buf.resize(bytes.length() as usize, 0);
        bytes.copy_to(&mut buf);
        at = end;
        let secs = ((crate::now_ms() - started) as f64 / 1000.0).max(0.001);
        on_chunk(
            &buf,
            ReadProgress {
                done: at,
                total,
                rate: at / secs,
            },
        )
        .await;
    }
    Ok(ReadEnd::Finished)
}

fn file_error(name: &str, e: &wasm_bindgen::JsValue) -> FeedError {
    FeedError::File {
        name: name.into(),
        detail: js_text(e),
    }
}
