//! The stored records as JavaScript objects: a chunk record is its [`ChunkMeta`] fields (the
//! indexed ones) plus `data`, the encoded chunk as a `Uint8Array`; a rollup record is
//! `{feed, minute_from, data}`. Keys are arrays `[feed, number]`.
//!
//! `id_min` and `id_max` are 8-byte big-endian `ArrayBuffer`s ([`id_key`]), so ids past 2^53
//! keep their order; times, counts and sizes are numbers (exact below 2^53).

use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use tradelens_core::store::meta::{id_from_key, id_key};
use tradelens_core::store::ChunkMeta;
use wasm_bindgen::{JsCast, JsValue};

use super::StorageError;

/// Store names (schema in `tradelens_core::store::schema`).
pub const CHUNKS: &str = "chunks";
/// Rollup blocks.
pub const ROLLUPS: &str = "rollups";
/// Per-feed state, keyed `key`.
pub const META: &str = "meta";
/// Retention per feed, keyed `feed`.
pub const POLICIES: &str = "policies";

/// A feed's retention record: its JSON text under `json`.
pub fn policy_record(feed: &str, json: &str) -> JsValue {
    let o = Object::new();
    set(&o, "feed", &JsValue::from_str(feed));
    set(&o, "json", &JsValue::from_str(json));
    o.into()
}

/// (feed, JSON text) of a retention record.
pub fn policy(record: &JsValue) -> Option<(String, String)> {
    Some((
        get(record, "feed").as_string()?,
        get(record, "json").as_string()?,
    ))
}

/// The `meta` key of a feed's state record.
pub fn feed_meta_key(feed: &str) -> String {
    format!("feed:{feed}")
}

/// The `meta` key of configuration record `name` (the feed list...).
pub fn config_key(name: &str) -> String {
    format!("config:{name}")
}

/// A configuration record: its JSON text under `json`.
pub fn config_record(name: &str, json: &str) -> JsValue {
    let o = Object::new();
    set(&o, "key", &JsValue::from_str(&config_key(name)));
    set(&o, "json", &JsValue::from_str(json));
    o.into()
}

/// The JSON text of a configuration record.
pub fn config_json(record: &JsValue) -> Option<String> {
    get(record, "json").as_string()
}

/// A feed's state record: `forgotten_until` is the latest trade time of any chunk retention
/// deleted, so a reload still refuses replays of deleted trades.
pub fn feed_meta_record(feed: &str, forgotten_until: i64) -> JsValue {
    let o = Object::new();
    set(&o, "key", &JsValue::from_str(&feed_meta_key(feed)));
    set(&o, "feed", &JsValue::from_str(feed));
    set(
        &o,
        "forgotten_until",
        &JsValue::from_f64(forgotten_until as f64),
    );
    o.into()
}

/// `forgotten_until` of a feed's state record.
pub fn forgotten_until(record: &JsValue) -> Option<i64> {
    int(&get(record, "forgotten_until"), "forgotten_until").ok()
}

fn set(o: &Object, k: &str, v: &JsValue) {
    // Setting a property on a plain object cannot fail.
    let _ = Reflect::set(o, &JsValue::from_str(k), v);
}

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

/// The key `[feed, n]`.
pub fn key(feed: &str, n: f64) -> JsValue {
    Array::of2(&JsValue::from_str(feed), &JsValue::from_f64(n)).into()
}

/// Bytes as a fresh `Uint8Array` (a copy out of wasm memory).
pub fn bytes_js(bytes: &[u8]) -> Uint8Array {
    Uint8Array::from(bytes)
}

fn id_js(id: u64) -> JsValue {
    bytes_js(&id_key(id)).buffer().into()
}

fn id_of(v: &JsValue) -> Option<u64> {
    let buf = v.dyn_ref::<ArrayBuffer>()?;
    id_from_key(&Uint8Array::new(buf).to_vec())
}

/// A chunk record: the meta's fields and the encoded chunk.
pub fn chunk_record(meta: &ChunkMeta, data: &[u8]) -> JsValue {
    let o = Object::new();
    set(&o, "feed", &JsValue::from_str(&meta.feed));
    set(&o, "chunk_id", &JsValue::from_f64(meta.chunk_id as f64));
    set(&o, "time_min", &JsValue::from_f64(meta.time_min as f64));
    set(&o, "time_max", &JsValue::from_f64(meta.time_max as f64));
    set(&o, "id_min", &id_js(meta.id_min));
    set(&o, "id_max", &id_js(meta.id_max));
    set(&o, "count", &JsValue::from_f64(meta.count as f64));
    set(&o, "bytes", &JsValue::from_f64(meta.bytes as f64));
    set(&o, "data", &bytes_js(data));
    o.into()
}

fn int(v: &JsValue, field: &str) -> Result<i64, String> {
    v.as_f64()
        .filter(|x| x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0)
        .map(|x| x as i64)
        .ok_or_else(|| format!("field {field} is {v:?}, not an integer"))
}

/// The meta of a chunk record.
pub fn chunk_meta(record: &JsValue) -> Result<ChunkMeta, StorageError> {
    let corrupt = |reason: String| StorageError::Corrupt {
        key: format!("{:?}/{:?}", get(record, "feed"), get(record, "chunk_id")),
        reason,
    };
    let feed = get(record, "feed")
        .as_string()
        .ok_or_else(|| corrupt("no feed".into()))?;
    let n = |f: &str| int(&get(record, f), f).map_err(corrupt);
    let id = |f: &str| id_of(&get(record, f)).ok_or_else(|| corrupt(format!("bad {f}")));
    Ok(ChunkMeta {
        feed: feed.into(),
        chunk_id: n("chunk_id")? as u64,
        time_min: n("time_min")?,
        time_max: n("time_max")?,
        id_min: id("id_min")?,
        id_max: id("id_max")?,
        count: n("count")? as u64,
        bytes: n("bytes")? as u64,
    })
}

/// A rollup block record.
pub fn rollup_record(feed: &str, minute_from: i64, data: &[u8]) -> JsValue {
    let o = Object::new();
    set(&o, "feed", &JsValue::from_str(feed));
    set(&o, "minute_from", &JsValue::from_f64(minute_from as f64));
    set(&o, "data", &bytes_js(data));
    o.into()
}

/// The bytes in field `name` of a record (`Uint8Array` or `ArrayBuffer`), if any.
pub fn record_data_field(record: &JsValue, name: &str) -> Option<Vec<u8>> {
    let data = get(record, name);
    if let Some(a) = data.dyn_ref::<Uint8Array>() {
        return Some(a.to_vec());
    }
    data.dyn_ref::<ArrayBuffer>()
        .map(|b| Uint8Array::new(b).to_vec())
}

/// The `data` bytes of a record.
pub fn record_data(record: &JsValue) -> Result<Vec<u8>, StorageError> {
    record_data_field(record, "data").ok_or_else(|| StorageError::Corrupt {
        key: format!("{:?}", get(record, "feed")),
        reason: "no data bytes".into(),
    })
}

/// Sets a named field to bytes.
pub fn set_bytes(record: &JsValue, name: &str, data: &[u8]) {
    if let Some(o) = record.dyn_ref::<Object>() {
        set(o, name, &bytes_js(data));
    }
}
