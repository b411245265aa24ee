//! Writing batches: one readwrite transaction per batch holding its chunks and the merged
//! rollup blocks it touches. The feed's [`ChunkIndex`] decides what is new, so replaying a
//! batch stores nothing; it changes only once the transaction completes, so a failed batch
//! can be retried as it is.

use indexed_db_futures::database::{Database, ObjectStoreName};
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{
    Transaction, TransactionDurability, TransactionMode, TransactionOptions,
};
use indexed_db_futures::KeyRange;
use tradelens_core::model::Trade;
use tradelens_core::store::dedup::{ChunkIndex, DedupLimits};
use tradelens_core::store::rollup::{
    block_of, decode_rollups, encode_rollups, Rollup, Rollups, ROLLUP_BLOCK_MS,
};
use tradelens_core::store::{Chunk, ChunkBuilder, ChunkMeta};
use wasm_bindgen::{JsCast, JsValue};

use super::db::Db;
use super::record::{self, CHUNKS, META, POLICIES, ROLLUPS};
use super::StorageError;

/// Trades per chunk: a batch larger than this is cut into several chunks.
pub const MAX_CHUNK_TRADES: usize = 4096;

/// What one saved batch did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SaveReport {
    /// Trades written.
    pub stored: usize,
    /// Trades already stored (or earlier in the batch).
    pub duplicates: usize,
    /// Trades older than what the index still remembers, refused (see `core::store::dedup`).
    pub behind_horizon: usize,
    /// Chunks written.
    pub chunks: usize,
    /// Encoded bytes written (chunks only).
    pub bytes: u64,
}

/// A feed's storage state in memory: its chunk metas (in chunk id order, oldest first), its
/// dedup index and the id its next chunk gets.
#[derive(Clone, Debug)]
pub struct FeedState {
    /// The feed.
    pub feed: String,
    /// Metas of the stored chunks, oldest first.
    pub metas: Vec<ChunkMeta>,
    /// What is stored, for dedup.
    pub index: ChunkIndex,
    /// Id of the next chunk written.
    pub next_chunk_id: u64,
    /// The latest rollup block written, as stored (`None` until one is written: then it is
    /// read first).
    pub rollups: Option<(i64, Rollups)>,
}

/// A readwrite transaction on `stores` with `durability`, and the same transaction as a
/// `web_sys` handle (for issuing puts without awaiting them, and for its error).
fn readwrite<S: ObjectStoreName>(
    database: &Database,
    stores: S,
    durability: TransactionDurability,
) -> Result<(Transaction<'_>, web_sys::IdbTransaction), StorageError> {
    let tx = database
        .transaction(stores)
        .with_mode(TransactionMode::Readwrite)
        .with_options(TransactionOptions::new().with_durability(durability))
        .build()
        .map_err(StorageError::from)?;
    let raw = tx.as_sys().clone().unchecked_into();
    Ok((tx, raw))
}

/// Keys of `feed`'s records in a store keyed `[feed, number]`.
pub fn feed_range(feed: &str) -> KeyRange<JsValue> {
    KeyRange::Bound(
        record::key(feed, f64::NEG_INFINITY),
        false,
        record::key(feed, f64::INFINITY),
        false,
    )
}

/// Every record of `store` in key `range`, in key order (one readonly transaction).
async fn records_in(
    db: &Database,
    store: &str,
    range: KeyRange<JsValue>,
) -> Result<Vec<JsValue>, StorageError> {
    let tx = db.transaction(store).build().map_err(StorageError::from)?;
    let rows: Vec<JsValue> = tx
        .object_store(store)?
        .get_all::<JsValue>()
        .with_query::<JsValue, _>(range)
        .primitive()?
        .await?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Every record of `feed` in `store`, in key order.
pub async fn feed_records(
    db: &Database,
    store: &str,
    feed: &str,
) -> Result<Vec<JsValue>, StorageError> {
    records_in(db, store, feed_range(feed)).await
}

/// Loads `feed`'s metas and rebuilds its dedup index (reading the id columns it wants).
pub async fn load_feed(
    db: &Db,
    feed: &str,
    limits: DedupLimits,
) -> Result<FeedState, StorageError> {
    let rows = feed_records(db.database()?, CHUNKS, feed).await?;
    let mut metas = Vec::with_capacity(rows.len());
    for row in &rows {
        metas.push(record::chunk_meta(row)?);
    }
    let wants = ChunkIndex::wants_ids(limits, &metas);
    let mut index = ChunkIndex::new(limits);
    for (meta, row) in metas.iter().zip(&rows) {
        if wants.contains(&meta.chunk_id) {
            let chunk = decode(meta, row)?;
            index.add_chunk(meta, Some(chunk.ids()));
        } else {
            index.add_chunk(meta, None);
        }
    }
    if let Some(t) = forgotten_until(db.database()?, feed).await? {
        index.forget(&forgotten_meta(feed, t));
    }
    let next_chunk_id = metas.iter().map(|m| m.chunk_id + 1).max().unwrap_or(0);
    Ok(FeedState {
        feed: feed.to_string(),
        metas,
        index,
        next_chunk_id,
        rollups: None,
    })
}

/// The latest trade time of `feed`'s chunks deleted by retention, if any.
async fn forgotten_until(db: &Database, feed: &str) -> Result<Option<i64>, StorageError> {
    let tx = db.transaction(META).build().map_err(StorageError::from)?;
    let row: Option<JsValue> = tx
        .object_store(META)?
        .get(JsValue::from_str(&record::feed_meta_key(feed)))
        .primitive()?
        .await?;
    Ok(row.as_ref().and_then(record::forgotten_until))
}

/// A stand-in for deleted chunks up to `time_max`, for [`ChunkIndex::forget`].
fn forgotten_meta(feed: &str, time_max: i64) -> ChunkMeta {
    ChunkMeta {
        feed: feed.into(),
        chunk_id: u64::MAX,
        time_min: time_max,
        time_max,
        id_min: 0,
        id_max: 0,
        count: 0,
        bytes: 0,
    }
}

/// Decodes a chunk record, checking it against its meta.
pub fn decode(meta: &ChunkMeta, row: &JsValue) -> Result<Chunk, StorageError> {
    let corrupt = |reason: String| StorageError::Corrupt {
        key: format!("{}/{}", meta.feed, meta.chunk_id),
        reason,
    };
    let bytes = record::record_data(row)?;
    let chunk = Chunk::decode(&bytes).map_err(|e| corrupt(e.to_string()))?;
    if chunk.len() as u64 != meta.count {
        return Err(corrupt(format!(
            "{} trades, the index says {}",
            chunk.len(),
            meta.count
        )));
    }
    Ok(chunk)
}

/// Test and demo hooks into [`write_batch`].
#[derive(Clone, Copy, Debug, Default)]
pub struct WriteFaults {
    /// Abort the transaction after writing everything, instead of committing.
    pub abort_before_commit: bool,
    /// Abort it and report a full disk, as a `QuotaExceededError` at commit would.
    pub quota_before_commit: bool,
}

/// Cuts `fresh` trades into chunks numbered from `first_id`.
/// A chunk ready to write: meta, encoded bytes, id column.
type Cut = (ChunkMeta, Vec<u8>, Vec<u64>);

fn cut(feed: &str, fresh: &[Trade], first_id: u64) -> Result<Vec<Cut>, StorageError> {
    let mut builder = ChunkBuilder::new(MAX_CHUNK_TRADES, i64::MAX);
    let mut chunks = Vec::new();
    for t in fresh {
        if let Some(c) = builder.push(t, 0)? {
            chunks.push(c);
        }
    }
    chunks.extend(builder.finish());
    Ok(chunks
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            (
                c.meta(feed, first_id + i as u64),
                c.encode(),
                c.ids().to_vec(),
            )
        })
        .collect())
}

/// Stores the trades of `batch` that are new to `state`'s feed, in one transaction with
/// relaxed durability. `state` changes only when the transaction completed.
pub async fn write_batch(
    db: &Db,
    state: &mut FeedState,
    batch: &[Trade],
    faults: WriteFaults,
) -> Result<SaveReport, StorageError> {
    let mut index = state.index.clone();
    let admission = index.admit(batch.to_vec());
    let mut report = SaveReport {
        duplicates: admission.duplicates,
        behind_horizon: admission.behind_horizon,
        ..SaveReport::default()
    };
    if admission.fresh.is_empty() {
        return Ok(report);
    }
    let feed = state.feed.clone();
    let chunks = cut(&feed, &admission.fresh, state.next_chunk_id)?;
    let delta = Rollups::from_trades(&admission.fresh);

    let database = db.database()?;
    let (tx, raw) = readwrite(database, [CHUNKS, ROLLUPS], TransactionDurability::Relaxed)?;
    let fail = |e: indexed_db_futures::error::Error| StorageError::from_transaction(&raw, e);
    let fail_js = |e: JsValue| {
        StorageError::from_transaction(&raw, indexed_db_futures::error::Error::from(e))
    };
    // Only IndexedDB requests are awaited from here to the commit, and as few as possible: a
    // busy page pays a turn of its event loop for each. Puts are issued without waiting (a
    // failed one fails the commit); the feed's latest rollup block is kept in memory, so
    // only a new block is read first.
    let mut cache = state.rollups.take();
    let body = async {
        let chunk_store = raw.object_store(CHUNKS).map_err(fail_js)?;
        for (meta, bytes, _) in &chunks {
            chunk_store
                .put(&record::chunk_record(meta, bytes))
                .map_err(fail_js)?;
        }
        let rollup_store = raw.object_store(ROLLUPS).map_err(fail_js)?;
        for (block, rollups) in delta.blocks() {
            let mut merged = match cache.take() {
                Some((b, r)) if b == block => r,
                _ => {
                    let key = record::key(&feed, block as f64);
                    let have: Option<JsValue> = tx
                        .object_store(ROLLUPS)
                        .map_err(fail)?
                        .get(key)
                        .primitive()
                        .map_err(fail)?
                        .await
                        .map_err(fail)?;
                    match have.as_ref().map(record::record_data) {
                        Some(Ok(bytes)) => match decode_rollups(&bytes) {
                            Ok(v) => v.into_iter().collect(),
                            Err(e) => {
                                leptos::logging::warn!(
                                    "rollup block {feed}/{block} unreadable, rewritten: {e}"
                                );
                                Rollups::new()
                            }
                        },
                        _ => Rollups::new(),
                    }
                }
            };
            rollups.into_iter().for_each(|r| merged.add(r.clone()));
            let bytes = encode_rollups(merged.iter());
            rollup_store
                .put(&record::rollup_record(&feed, block, &bytes))
                .map_err(fail_js)?;
            cache = Some((block, merged));
        }
        Ok::<(), StorageError>(())
    };
    body.await?;
    if faults.abort_before_commit || faults.quota_before_commit {
        let _ = tx.abort().await;
        let message = "aborted on purpose".to_string();
        return Err(if faults.quota_before_commit {
            StorageError::QuotaExceeded { message }
        } else {
            StorageError::Aborted { message }
        });
    }
    tx.commit().await.map_err(fail)?;
    state.rollups = cache;

    for (meta, _, ids) in &chunks {
        index.add_chunk(meta, Some(ids));
        report.bytes += meta.bytes;
        state.metas.push(meta.clone());
    }
    report.stored = admission.fresh.len();
    report.chunks = chunks.len();
    state.next_chunk_id += chunks.len() as u64;
    state.index = index;
    Ok(report)
}

/// Deletes chunks `ids` of `state`'s feed in one transaction with strict durability (data is
/// removed for good), recording in the feed's `meta` record up to when trades were deleted,
/// then forgets them in the index.
pub async fn delete_chunks(
    db: &Db,
    state: &mut FeedState,
    ids: &[u64],
) -> Result<usize, StorageError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let forgotten = state
        .metas
        .iter()
        .filter(|m| ids.contains(&m.chunk_id))
        .map(|m| m.time_max)
        .max();
    let database = db.database()?;
    let (tx, raw) = readwrite(database, [CHUNKS, META], TransactionDurability::Strict)?;
    let fail = |e: indexed_db_futures::error::Error| StorageError::from_transaction(&raw, e);
    let body = async {
        let store = tx.object_store(CHUNKS)?;
        for &id in ids {
            store
                .delete(record::key(&state.feed, id as f64))
                .primitive()?
                .await?;
        }
        if let Some(t) = forgotten {
            let meta = tx.object_store(META)?;
            let key = JsValue::from_str(&record::feed_meta_key(&state.feed));
            let have: Option<JsValue> = meta.get(key).primitive()?.await?;
            let t = have
                .as_ref()
                .and_then(record::forgotten_until)
                .map_or(t, |h| h.max(t));
            meta.put(record::feed_meta_record(&state.feed, t))
                .primitive()?
                .await?;
        }
        Ok::<(), indexed_db_futures::error::Error>(())
    };
    if let Err(e) = body.await {
        return Err(fail(e));
    }
    tx.commit().await.map_err(fail)?;
    let (gone, kept): (Vec<ChunkMeta>, Vec<ChunkMeta>) = std::mem::take(&mut state.metas)
        .into_iter()
        .partition(|m| ids.contains(&m.chunk_id));
    gone.iter().for_each(|m| state.index.forget(m));
    state.metas = kept;
    Ok(gone.len())
}

/// Writes the configuration record `key` (its JSON text) with strict durability: settings
/// must survive a crash as surely as a deletion.
pub async fn put_config(db: &Db, key: &str, json: &str) -> Result<(), StorageError> {
    put_strict(db, META, record::config_record(key, json)).await
}

/// Puts one record in `store` in its own transaction with strict durability.
async fn put_strict(db: &Db, store: &str, record: JsValue) -> Result<(), StorageError> {
    let database = db.database()?;
    let (tx, raw) = readwrite(database, store, TransactionDurability::Strict)?;
    let fail = |e: indexed_db_futures::error::Error| StorageError::from_transaction(&raw, e);
    let body = async {
        tx.object_store(store)?.put(record).primitive()?.await?;
        Ok::<(), indexed_db_futures::error::Error>(())
    };
    body.await.map_err(fail)?;
    tx.commit().await.map_err(fail)
}

/// The JSON text of configuration record `key`, if stored.
pub async fn get_config(db: &Db, key: &str) -> Result<Option<String>, StorageError> {
    let tx = db
        .database()?
        .transaction(META)
        .build()
        .map_err(StorageError::from)?;
    let row: Option<JsValue> = tx
        .object_store(META)?
        .get(JsValue::from_str(&record::config_key(key)))
        .primitive()?
        .await?;
    Ok(row.as_ref().and_then(record::config_json))
}

/// Trades of `feed`'s chunks numbered after `after` (all when `None`), read straight from the
/// database (not through a writer's cached state): how a tab that does not write a feed
/// follows what the writing tab saves. Returns the trades and the highest chunk id read.
pub async fn chunks_after(
    db: &Db,
    feed: &str,
    after: Option<u64>,
) -> Result<(Vec<Trade>, Option<u64>), StorageError> {
    let from = after.map_or(f64::NEG_INFINITY, |a| a as f64 + 1.0);
    let range = KeyRange::Bound(
        record::key(feed, from),
        false,
        record::key(feed, f64::INFINITY),
        false,
    );
    let rows = records_in(db.database()?, CHUNKS, range).await?;
    let mut trades = Vec::new();
    let mut last = after;
    for row in &rows {
        let meta = record::chunk_meta(row)?;
        last = Some(last.map_or(meta.chunk_id, |l| l.max(meta.chunk_id)));
        trades.extend(decode(&meta, row)?.trades());
    }
    Ok((trades, last))
}

/// `feed`'s one-minute rollups of minutes before `before_ms` (all when `None`), oldest
/// first: the history of trades that retention deleted. An unreadable block is skipped with
/// a warning (its minutes show no history), the rest are returned.
pub async fn rollups_before(
    db: &Db,
    feed: &str,
    before_ms: Option<i64>,
) -> Result<Vec<Rollup>, StorageError> {
    let upper = before_ms.map_or(f64::INFINITY, |b| block_of(b) as f64);
    let range = KeyRange::Bound(
        record::key(feed, f64::NEG_INFINITY),
        false,
        record::key(feed, upper),
        false,
    );
    let rows = records_in(db.database()?, ROLLUPS, range).await?;
    let mut out = Vec::new();
    for row in &rows {
        match record::record_data(row).map(|b| decode_rollups(&b)) {
            Ok(Ok(block)) => out.extend(
                block
                    .into_iter()
                    .filter(|r| before_ms.is_none_or(|b| r.minute_ms() < b)),
            ),
            Ok(Err(e)) => leptos::logging::warn!("a rollup block of {feed} is unreadable: {e}"),
            Err(e) => leptos::logging::warn!("a rollup block of {feed} is unreadable: {e}"),
        }
    }
    out.sort_by_key(|r| r.minute_ms());
    Ok(out)
}

/// Deletes `feed`'s rollup blocks whose hour ended at or before `cutoff_ms` (rollup
/// retention), strict durability; returns how many blocks.
pub async fn delete_rollups_before(
    db: &Db,
    feed: &str,
    cutoff_ms: i64,
) -> Result<usize, StorageError> {
    let last = block_of(cutoff_ms) - ROLLUP_BLOCK_MS;
    let range = || {
        KeyRange::Bound(
            record::key(feed, f64::NEG_INFINITY),
            false,
            record::key(feed, last as f64),
            false,
        )
    };
    let database = db.database()?;
    let (tx, raw) = readwrite(database, ROLLUPS, TransactionDurability::Strict)?;
    let fail = |e: indexed_db_futures::error::Error| StorageError::from_transaction(&raw, e);
    let body = async {
        let store = tx.object_store(ROLLUPS)?;
        let n = store
            .get_all_keys::<JsValue>()
            .with_query::<JsValue, _>(range())
            .primitive()?
            .await?
            .count();
        if n > 0 {
            store.delete::<JsValue, _>(range()).primitive()?.await?;
        }
        Ok::<usize, indexed_db_futures::error::Error>(n)
    };
    let n = body.await.map_err(fail)?;
    tx.commit().await.map_err(fail)?;
    Ok(n)
}

/// Deletes the stored records of `feed`, or of every feed (`None`): chunks, rollups and
/// state records, in one transaction with strict durability. Configuration (the feed list)
/// and retention settings stay.
pub async fn clear(db: &Db, feed: Option<&str>) -> Result<(), StorageError> {
    let database = db.database()?;
    let (tx, raw) = readwrite(
        database,
        [CHUNKS, ROLLUPS, META],
        TransactionDurability::Strict,
    )?;
    let fail = |e: indexed_db_futures::error::Error| StorageError::from_transaction(&raw, e);
    let states = match feed {
        Some(f) => {
            let key = JsValue::from_str(&record::feed_meta_key(f));
            KeyRange::Bound(key.clone(), false, key, false)
        }
        None => KeyRange::Bound(
            JsValue::from_str(&record::feed_meta_key("")),
            false,
            JsValue::from_str(&record::feed_meta_key("\u{10FFFF}")),
            false,
        ),
    };
    let body = async {
        for store in [CHUNKS, ROLLUPS] {
            let store = tx.object_store(store)?;
            match feed {
                Some(f) => {
                    store
                        .delete::<JsValue, _>(feed_range(f))
                        .primitive()?
                        .await?
                }
                None => store.clear()?.await?,
            }
        }
        tx.object_store(META)?
            .delete::<JsValue, _>(states)
            .primitive()?
            .await?;
        Ok::<(), indexed_db_futures::error::Error>(())
    };
    body.await.map_err(fail)?;
    tx.commit().await.map_err(fail)
}

/// The feeds with stored chunks, in key order (read from the keys only).
pub async fn stored_feeds(db: &Db) -> Result<Vec<String>, StorageError> {
    let tx = db
        .database()?
        .transaction(CHUNKS)
        .build()
        .map_err(StorageError::from)?;
    let keys = tx
        .object_store(CHUNKS)?
        .get_all_keys::<JsValue>()
        .primitive()?
        .await?;
    let mut feeds: Vec<String> = Vec::new();
    for key in keys {
        let key = key?;
        let feed = js_sys::Reflect::get_u32(&key, 0)
            .ok()
            .and_then(|f| f.as_string());
        if let Some(f) = feed {
            if feeds.last() != Some(&f) {
                feeds.push(f);
            }
        }
    }
    Ok(feeds)
}

/// Writes `feed`'s retention setting (its JSON text), strict durability.
pub async fn put_policy(db: &Db, feed: &str, json: &str) -> Result<(), StorageError> {
    put_strict(db, POLICIES, record::policy_record(feed, json)).await
}

/// Every feed's retention setting: (feed, JSON text).
pub async fn policies(db: &Db) -> Result<Vec<(String, String)>, StorageError> {
    let tx = db
        .database()?
        .transaction(POLICIES)
        .build()
        .map_err(StorageError::from)?;
    let rows = tx
        .object_store(POLICIES)?
        .get_all::<JsValue>()
        .primitive()?
        .await?;
    let mut out = Vec::new();
    for row in rows {
        if let Some(p) = record::policy(&row?) {
            out.push(p);
        }
    }
    Ok(out)
}
