//! Restore at load: a feed's chunks, newest first, in pages of bounded size
//! (`core::store::restore::restore_pages`), each page read in its own readonly transaction,
//! so the page can show the latest trades at once and fill in older ones behind them.

use std::collections::{HashMap, VecDeque};

use indexed_db_futures::prelude::*;
use tradelens_core::model::Trade;
use tradelens_core::store::restore::restore_pages;
use tradelens_core::store::ChunkMeta;
use wasm_bindgen::JsValue;

use super::db::Db;
use super::record::{self, CHUNKS};
use super::store::{decode, FeedState};
use super::StorageError;

/// Encoded bytes read per page by default.
pub const PAGE_BYTES: u64 = 4 << 20;

/// One page of restored trades.
#[derive(Clone, Debug, Default)]
pub struct RestorePage {
    /// Trades of this page's chunks, chunk by chunk, newest chunk first.
    pub trades: Vec<Trade>,
    /// Share of the feed's stored trades restored so far, in `[0, 1]`.
    pub fraction: f64,
    /// Chunks of this page that could not be read (skipped; the rest restored).
    pub corrupt: Vec<StorageError>,
}

/// Reads a feed's chunks page by page: call [`Restorer::next_page`] until it returns `None`.
pub struct Restorer {
    db: Db,
    feed: String,
    metas: HashMap<u64, ChunkMeta>,
    pages: VecDeque<Vec<u64>>,
    total: u64,
    done: u64,
}

impl Restorer {
    /// A restore of `state`'s chunks whose latest trade is at or after `since_ms` (all when
    /// `None`).
    pub fn new(db: &Db, state: &FeedState, since_ms: Option<i64>, page_bytes: u64) -> Restorer {
        let pages: VecDeque<Vec<u64>> = restore_pages(&state.metas, since_ms, page_bytes).into();
        let metas: HashMap<u64, ChunkMeta> = state
            .metas
            .iter()
            .map(|m| (m.chunk_id, m.clone()))
            .collect();
        let total = pages
            .iter()
            .flatten()
            .filter_map(|id| metas.get(id))
            .map(|m| m.count)
            .sum();
        Restorer {
            db: db.clone(),
            feed: state.feed.clone(),
            metas,
            pages,
            total,
            done: 0,
        }
    }

    /// Trades this restore will yield.
    pub fn total_trades(&self) -> u64 {
        self.total
    }

    /// The next page, newest first; `None` once every page was read.
    pub async fn next_page(&mut self) -> Option<Result<RestorePage, StorageError>> {
        let ids = self.pages.pop_front()?;
        Some(self.read(&ids).await)
    }

    async fn read(&mut self, ids: &[u64]) -> Result<RestorePage, StorageError> {
        let database = self.db.database()?;
        let tx = database.transaction(CHUNKS).build()?;
        let store = tx.object_store(CHUNKS)?;
        let mut rows = Vec::with_capacity(ids.len());
        for &id in ids {
            let row: Option<JsValue> = store
                .get(record::key(&self.feed, id as f64))
                .primitive()?
                .await?;
            rows.push((id, row));
        }
        drop(store);
        drop(tx);
        let mut page = RestorePage::default();
        for (id, row) in rows {
            let Some(meta) = self.metas.get(&id) else {
                continue;
            };
            self.done += meta.count;
            match row.as_ref().map(|r| decode(meta, r)) {
                Some(Ok(chunk)) => page.trades.extend(chunk.trades()),
                Some(Err(e)) => page.corrupt.push(e),
                None => {} // deleted since the metas were read (retention)
            }
        }
        page.fraction = if self.total == 0 {
            1.0
        } else {
            self.done as f64 / self.total as f64
        };
        Ok(page)
    }
}

/// Every restorable trade of `state`'s feed, oldest first, calling `on_page` after each
/// page with the fraction done.
pub async fn restore_all(
    db: &Db,
    state: &FeedState,
    mut on_page: impl FnMut(&RestorePage),
) -> Result<Vec<Trade>, StorageError> {
    let mut r = Restorer::new(db, state, None, PAGE_BYTES);
    let mut out = Vec::with_capacity(r.total_trades() as usize);
    while let Some(page) = r.next_page().await {
        let page = page?;
        on_page(&page);
        out.extend(page.trades);
    }
    out.sort_by_key(|t| (t.time_ms, t.id));
    Ok(out)
}
