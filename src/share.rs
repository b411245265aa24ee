//! A dashboard link's payload: the core's JSON, compressed with the browser's own
//! `CompressionStream("deflate-raw")` (no compression code in the wasm), in base64url.
//!
//! Decompression reads the output chunk by chunk and stops once it passes
//! [`MAX_DECODED_BYTES`]: a few kilobytes that inflate to gigabytes cost a few chunks, not the
//! gigabytes.

use js_sys::Uint8Array;
use tradelens_core::share::{
    base64, decode_json, encode_json, ShareError, SharedDashboard, MAX_DECODED_BYTES,
    MAX_ENCODED_BYTES,
};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStream, ReadableStreamDefaultReader, WritableStream};

// web-sys has these only behind `--cfg=web_sys_unstable_apis`, which would switch on every
// unstable API for the whole build; the two constructors and accessors needed are declared
// here instead (Baseline since 2023).
#[wasm_bindgen]
extern "C" {
    type CompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &CompressionStream) -> ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &CompressionStream) -> WritableStream;

    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &DecompressionStream) -> ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &DecompressionStream) -> WritableStream;
}

/// The format both streams use: deflate without zlib's header and checksum (smaller links).
const FORMAT: &str = "deflate-raw";

fn browser(what: &str, e: JsValue) -> ShareError {
    let text = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"));
    ShareError::Damaged(format!("{what}: {text}"))
}

/// Which of the browser's streams a transform runs through, named in its errors.
#[derive(Clone, Copy)]
enum Direction {
    Compress,
    Decompress,
}

impl Direction {
    fn stream(self) -> &'static str {
        match self {
            Direction::Compress => "the browser's compressor",
            Direction::Decompress => "the browser's decompressor",
        }
    }

    fn failed(self) -> &'static str {
        match self {
            Direction::Compress => "it does not compress",
            Direction::Decompress => "it does not decompress",
        }
    }
}

/// Writes `input` into `writable` and reads `readable` to its end, failing with
/// [`ShareError::TooLarge`] once the output passes `limit` bytes.
async fn transform(
    (writable, readable): (WritableStream, ReadableStream),
    input: &[u8],
    limit: usize,
    way: Direction,
) -> Result<Vec<u8>, ShareError> {
    let writer = writable
        .get_writer()
        .map_err(|e| browser(way.stream(), e))?;
    // Not awaited before reading: the stream pushes back until its output is read. Awaited in
    // a task of their own, so a rejection (damaged input, or the cancel below) is handled.
    let chunk = Uint8Array::from(input);
    let written = writer.write_with_chunk(&chunk);
    let closed = writer.close();
    wasm_bindgen_futures::spawn_local(async move {
        let _ = JsFuture::from(written).await;
        let _ = JsFuture::from(closed).await;
    });
    let reader: ReadableStreamDefaultReader = readable
        .get_reader()
        .dyn_into()
        .map_err(|e| browser(way.stream(), e.into()))?;
    let mut out = Vec::new();
    loop {
        let step = JsFuture::from(reader.read())
            .await
            .map_err(|e| browser(way.failed(), e))?;
        let done = js_sys::Reflect::get(&step, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            return Ok(out);
        }
        let bytes: Uint8Array = js_sys::Reflect::get(&step, &"value".into())
            .and_then(|v| v.dyn_into())
            .map_err(|e| browser(way.failed(), e))?;
        let n = bytes.length() as usize;
        if out.len() + n > limit {
            let _ = JsFuture::from(reader.cancel()).await;
            return Err(ShareError::TooLarge);
        }
        let start = out.len();
        out.resize(start + n, 0);
        bytes.copy_to(&mut out[start..]);
    }
}

/// `bytes` compressed with raw deflate by the browser.
pub async fn compress(bytes: &[u8]) -> Result<Vec<u8>, ShareError> {
    let way = Direction::Compress;
    let stream = CompressionStream::new(FORMAT).map_err(|e| browser(way.stream(), e))?;
    // Deflate never grows data by more than a few bytes per 16 KiB block.
    let limit = bytes.len() + bytes.len() / 8 + 64;
    transform((stream.writable(), stream.readable()), bytes, limit, way).await
}

/// Raw-deflate `bytes` decompressed by the browser, at most `limit` bytes of them: past that,
/// [`ShareError::TooLarge`] and the decompression is cancelled.
pub async fn decompress(bytes: &[u8], limit: usize) -> Result<Vec<u8>, ShareError> {
    let way = Direction::Decompress;
    let stream = DecompressionStream::new(FORMAT).map_err(|e| browser(way.stream(), e))?;
    transform((stream.writable(), stream.readable()), bytes, limit, way).await
}

/// The payload (after `#s1=`) of a link to `dash`.
pub async fn encode_payload(dash: &SharedDashboard) -> Result<String, ShareError> {
    let json = encode_json(dash)?;
    let text = base64::encode(&compress(&json).await?);
    if text.len() > MAX_ENCODED_BYTES {
        return Err(ShareError::TooLong { len: text.len() });
    }
    Ok(text)
}

/// The dashboard in a link's payload, checked field by field.
pub async fn decode_payload(payload: &str) -> Result<SharedDashboard, ShareError> {
    if payload.len() > MAX_ENCODED_BYTES {
        return Err(ShareError::TooLong { len: payload.len() });
    }
    let packed = base64::decode(payload)?;
    let json = decompress(&packed, MAX_DECODED_BYTES).await?;
    decode_json(&json)
}
