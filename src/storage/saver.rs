//! The write path: batches wait in a bounded queue and one worker writes them in order, one
//! transaction each. The worker owns the connection: when it is closed it reopens (never
//! retrying on the stale handle) while batches wait; a full queue refuses the batch with an
//! error the caller shows, so nothing is dropped silently. On a full disk it runs retention
//! once and retries the batch.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::rc::Rc;

use futures_channel::oneshot;
use tradelens_core::model::Trade;
use tradelens_core::store::dedup::DedupLimits;
use tradelens_core::store::retention::{chunks_to_delete, rollup_cutoff, ChunkPolicy, Retention};
use tradelens_core::store::rollup::{minute_of, Rollup};

use super::db::{open, Db, OpenOptions, OpenReport};
use super::restore::{restore_all, RestorePage, Restorer, PAGE_BYTES};
use super::store::{
    delete_chunks, delete_rollups_before, load_feed, write_batch, FeedState, SaveReport,
    WriteFaults,
};
use super::tabs::{BatchChannel, Saved};
use super::StorageError;

/// Queue bounds and dedup memory.
#[derive(Clone)]
pub struct SaverOptions {
    /// How to open the database.
    pub open: OpenOptions,
    /// Batches that may wait for the database.
    pub max_batches: usize,
    /// Approximate bytes of trades that may wait.
    pub max_bytes: usize,
    /// Dedup index limits per feed.
    pub limits: DedupLimits,
    /// Told what happened when the user should know (storage full, retention ran, reopen).
    pub on_message: Option<Rc<dyn Fn(String)>>,
}

impl SaverOptions {
    /// Defaults for database `name`: 256 batches or 64 MB waiting.
    pub fn new(name: &str) -> SaverOptions {
        SaverOptions {
            open: OpenOptions::new(name),
            max_batches: 256,
            max_bytes: 64 << 20,
            limits: DedupLimits::default(),
            on_message: None,
        }
    }
}

enum Job {
    Save {
        feed: String,
        trades: Vec<Trade>,
        bytes: usize,
        reply: oneshot::Sender<Result<SaveReport, StorageError>>,
    },
    Retain {
        feed: String,
        retention: Retention,
        now_ms: i64,
        reply: oneshot::Sender<Result<usize, StorageError>>,
    },
    /// Saves a feed's retention setting, then applies it.
    SetRetention {
        feed: String,
        retention: Retention,
        json: String,
        now_ms: i64,
        reply: oneshot::Sender<Result<usize, StorageError>>,
    },
    /// Deletes one feed's records, or every feed's (`None`).
    Clear {
        feed: Option<String>,
        reply: oneshot::Sender<Result<(), StorageError>>,
    },
    /// Answers once every job queued before it is done.
    Barrier { reply: oneshot::Sender<()> },
}

struct Shared {
    opts: SaverOptions,
    db: RefCell<Option<Db>>,
    last_open: RefCell<Option<OpenReport>>,
    feeds: RefCell<HashMap<String, FeedState>>,
    queue: RefCell<VecDeque<Job>>,
    queued_bytes: Cell<usize>,
    running: Cell<bool>,
    faults: Cell<WriteFaults>,
    /// While an open is under way: who waits for it (one open at a time).
    opening: RefCell<Option<Vec<oneshot::Sender<()>>>>,
    /// Where saved batches are announced to other tabs (`None` without BroadcastChannel).
    channel: Option<BatchChannel>,
    /// Retention settings per feed, read when the database opens.
    policies: RefCell<HashMap<String, Retention>>,
    /// "Now" for retention after a save, ms (the wall clock unless a test sets one).
    clock: RefCell<Rc<dyn Fn() -> i64>>,
}

/// What one feed holds in storage, for the storage panel.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FeedSize {
    /// The feed's storage key.
    pub feed: String,
    /// Stored trades.
    pub trades: u64,
    /// Encoded bytes of its chunks.
    pub bytes: u64,
    /// Chunks.
    pub chunks: usize,
    /// Earliest and latest stored trade times, ms.
    pub span: Option<(i64, i64)>,
    /// Its retention setting, if one is set.
    pub retention: Option<Retention>,
}

/// The channel other tabs hear database `db`'s saved batches on.
pub fn channel_name(db: &str) -> String {
    format!("{db}:saved")
}

/// The storage writer; cheap to clone, all clones share one queue and connection.
#[derive(Clone)]
pub struct Saver {
    shared: Rc<Shared>,
}

fn stopped() -> StorageError {
    StorageError::Closed {
        message: "the storage writer stopped".into(),
    }
}

/// Rough in-memory size of a trade, for the queue bound.
const TRADE_BYTES: usize = 128;

impl Saver {
    /// A writer; the database opens with the first batch (or [`Saver::connect`]).
    pub fn new(opts: SaverOptions) -> Saver {
        Saver {
            shared: Rc::new(Shared {
                db: RefCell::new(None),
                last_open: RefCell::new(None),
                feeds: RefCell::new(HashMap::new()),
                queue: RefCell::new(VecDeque::new()),
                queued_bytes: Cell::new(0),
                running: Cell::new(false),
                faults: Cell::new(WriteFaults::default()),
                opening: RefCell::new(None),
                policies: RefCell::new(HashMap::new()),
                clock: RefCell::new(Rc::new(|| js_sys::Date::now() as i64)),
                channel: BatchChannel::new(&channel_name(&opts.open.name), None).ok(),
                opts,
            }),
        }
    }

    /// Opens the database now (if not open), reporting what the open did.
    pub async fn connect(&self) -> Result<OpenReport, StorageError> {
        self.shared.db().await?;
        Ok(self.shared.last_open.borrow().clone().unwrap_or_default())
    }

    /// The database's name.
    pub fn db_name(&self) -> &str {
        &self.shared.opts.open.name
    }

    /// The open connection, if any (tests close it to simulate the browser doing so).
    pub fn connection(&self) -> Option<Db> {
        self.shared.db.borrow().clone()
    }

    /// Saves `trades` of `feed`: resolves once the batch's transaction completed (or failed).
    /// Refused at once with [`StorageError::QueueFull`] when too much already waits.
    pub fn save_batch(
        &self,
        feed: &str,
        trades: &[Trade],
    ) -> impl Future<Output = Result<SaveReport, StorageError>> + 'static {
        let (reply, rx) = oneshot::channel();
        let bytes = trades.len() * TRADE_BYTES;
        let refused = self.refuse(bytes);
        if refused.is_none() {
            self.push(Job::Save {
                feed: feed.to_string(),
                trades: trades.to_vec(),
                bytes,
                reply,
            });
        }
        async move {
            match refused {
                Some(e) => Err(e),
                None => rx.await.unwrap_or_else(|_| {
                    Err(StorageError::Closed {
                        message: "the storage writer stopped".into(),
                    })
                }),
            }
        }
    }

    /// Deletes `feed`'s chunks that `policy` does not keep at `now_ms`; resolves to how many.
    pub fn apply_retention(
        &self,
        feed: &str,
        policy: ChunkPolicy,
        now_ms: i64,
    ) -> impl Future<Output = Result<usize, StorageError>> + 'static {
        let retention = Retention {
            raw: policy,
            ..Retention::default()
        };
        let (reply, rx) = oneshot::channel();
        self.push(Job::Retain {
            feed: feed.to_string(),
            retention,
            now_ms,
            reply,
        });
        async move {
            rx.await.unwrap_or_else(|_| {
                Err(StorageError::Closed {
                    message: "the storage writer stopped".into(),
                })
            })
        }
    }

    /// Sets `feed`'s retention (checked, then saved with strict durability) and applies it
    /// at `now_ms`; from then on it is applied after each of the feed's saves. Resolves to
    /// the chunks deleted now.
    pub async fn set_retention(
        &self,
        feed: &str,
        retention: Retention,
        now_ms: i64,
    ) -> Result<usize, StorageError> {
        retention.check().map_err(|e| StorageError::Invalid {
            message: e.to_string(),
        })?;
        let json = serde_json::to_string(&retention).map_err(|e| StorageError::Invalid {
            message: e.to_string(),
        })?;
        // Through the writer's queue, like every write: after the batches queued before it.
        let (reply, rx) = oneshot::channel();
        self.push(Job::SetRetention {
            feed: feed.to_string(),
            retention,
            json,
            now_ms,
            reply,
        });
        rx.await.unwrap_or_else(|_| Err(stopped()))
    }

    /// Sets the clock retention runs on after each save (tests and the demo's fixed clock).
    pub fn set_clock(&self, clock: Rc<dyn Fn() -> i64>) {
        *self.shared.clock.borrow_mut() = clock;
    }

    /// `feed`'s retention setting, if one is set (after the database opened).
    pub fn retention(&self, feed: &str) -> Option<Retention> {
        self.shared.policies.borrow().get(feed).copied()
    }

    /// Deletes every stored record of `feed` (trades, rollups, its dedup state), after the
    /// jobs already queued; its retention setting stays.
    pub async fn clear_feed(&self, feed: &str) -> Result<(), StorageError> {
        self.clear(Some(feed.to_string())).await
    }

    /// Deletes every feed's stored trades, rollups and dedup state, after the jobs already
    /// queued; the feed list and retention settings stay.
    pub async fn clear_all(&self) -> Result<(), StorageError> {
        self.clear(None).await
    }

    async fn clear(&self, feed: Option<String>) -> Result<(), StorageError> {
        let (reply, rx) = oneshot::channel();
        self.push(Job::Clear { feed, reply });
        rx.await.unwrap_or_else(|_| Err(stopped()))
    }

    /// What each stored feed holds, in feed order.
    pub async fn sizes(&self) -> Result<Vec<FeedSize>, StorageError> {
        let db = self.shared.db().await?;
        let mut out = Vec::new();
        for feed in super::store::stored_feeds(&db).await? {
            let state = self.shared.feed(&db, &feed).await?;
            let span = state
                .metas
                .iter()
                .map(|m| (m.time_min, m.time_max))
                .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)));
            out.push(FeedSize {
                trades: state.metas.iter().map(|m| m.count).sum(),
                bytes: state.metas.iter().map(|m| m.bytes).sum(),
                chunks: state.metas.len(),
                span,
                retention: self.retention(&feed),
                feed,
            });
        }
        Ok(out)
    }

    /// Resolves once every job queued before this call is done (saved or failed): how a
    /// producer that must not outrun storage waits for it. Never refused.
    pub fn barrier(&self) -> impl Future<Output = ()> + 'static {
        let (reply, rx) = oneshot::channel();
        self.push(Job::Barrier { reply });
        async move {
            let _ = rx.await;
        }
    }

    /// Every stored trade of `feed`, oldest first; `on_page` sees each page (newest first)
    /// with the fraction done.
    pub async fn restore(
        &self,
        feed: &str,
        on_page: impl FnMut(&RestorePage),
    ) -> Result<Vec<Trade>, StorageError> {
        let db = self.shared.db().await?;
        let state = self.feed_state(feed).await?;
        restore_all(&db, &state, on_page).await
    }

    /// Writes configuration record `key` (strict durability); see [`super::store::put_config`].
    pub async fn put_config(&self, key: &str, json: &str) -> Result<(), StorageError> {
        let db = self.shared.db().await?;
        super::store::put_config(&db, key, json).await
    }

    /// Trades of `feed`'s chunks after chunk `after`, read from the database as it is now
    /// (see [`super::store::chunks_after`]).
    pub async fn chunks_after(
        &self,
        feed: &str,
        after: Option<u64>,
    ) -> Result<(Vec<Trade>, Option<u64>), StorageError> {
        let db = self.shared.db().await?;
        super::store::chunks_after(&db, feed, after).await
    }

    /// Every stored trade of `feed`, page by page, newest first, without keeping them:
    /// `on_page` takes each page with the fraction done.
    pub async fn restore_pages(
        &self,
        feed: &str,
        mut on_page: impl FnMut(RestorePage),
    ) -> Result<(), StorageError> {
        let db = self.shared.db().await?;
        let state = self.feed_state(feed).await?;
        let mut r = Restorer::new(&db, &state, None, PAGE_BYTES);
        while let Some(page) = r.next_page().await {
            on_page(page?);
        }
        Ok(())
    }

    /// `feed`'s history that only rollups still hold: the one-minute rollups of minutes
    /// before its oldest stored trade (see [`super::store::rollups_before`]).
    pub async fn history_rollups(&self, feed: &str) -> Result<Vec<Rollup>, StorageError> {
        let db = self.shared.db().await?;
        let state = self.feed_state(feed).await?;
        let oldest = state.metas.iter().map(|m| m.time_min).min();
        let before = oldest.map(minute_of);
        super::store::rollups_before(&db, feed, before).await
    }

    /// Reads configuration record `key`.
    pub async fn get_config(&self, key: &str) -> Result<Option<String>, StorageError> {
        let db = self.shared.db().await?;
        super::store::get_config(&db, key).await
    }

    /// A copy of `feed`'s storage state (metas, index), loading it if needed.
    pub async fn feed_state(&self, feed: &str) -> Result<FeedState, StorageError> {
        let db = self.shared.db().await?;
        self.shared.feed(&db, feed).await
    }

    /// The next batch's transaction aborts instead of committing (fault injection for tests
    /// and demos).
    pub fn abort_next_commit(&self) {
        self.shared.faults.set(WriteFaults {
            abort_before_commit: true,
            ..WriteFaults::default()
        });
    }

    /// The next batch's transaction fails as on a full disk (fault injection).
    pub fn fail_next_commit_with_full_disk(&self) {
        self.shared.faults.set(WriteFaults {
            quota_before_commit: true,
            ..WriteFaults::default()
        });
    }

    /// Batches and approximate bytes waiting.
    pub fn queued(&self) -> (usize, usize) {
        (
            self.shared.queue.borrow().len(),
            self.shared.queued_bytes.get(),
        )
    }

    fn refuse(&self, bytes: usize) -> Option<StorageError> {
        let (batches, queued) = self.queued();
        let over = batches >= self.shared.opts.max_batches
            || (batches > 0 && queued + bytes > self.shared.opts.max_bytes);
        over.then_some(StorageError::QueueFull {
            batches,
            bytes: queued,
        })
    }

    fn push(&self, job: Job) {
        if let Job::Save { bytes, .. } = &job {
            self.shared
                .queued_bytes
                .set(self.shared.queued_bytes.get() + bytes);
        }
        self.shared.queue.borrow_mut().push_back(job);
        if !self.shared.running.replace(true) {
            let shared = self.shared.clone();
            wasm_bindgen_futures::spawn_local(async move {
                loop {
                    let job = shared.queue.borrow_mut().pop_front();
                    let Some(job) = job else { break };
                    shared.run(job).await;
                }
                shared.running.set(false);
            });
        }
    }
}

impl Shared {
    fn say(&self, message: String) {
        leptos::logging::warn!("{message}");
        if let Some(f) = &self.opts.on_message {
            f(message);
        }
    }

    /// The connection, reopening a closed one.
    async fn db(&self) -> Result<Db, StorageError> {
        let current = self.db.borrow().clone();
        match current {
            Some(db) if !db.is_closed() => Ok(db),
            Some(db) => {
                // A version change means a newer build owns the database now: reopening
                // would only block it. Any other close: reopen.
                if let Err(e @ StorageError::VersionChange { .. }) = db.database() {
                    return Err(e);
                }
                self.reopen().await
            }
            None => self.reopen().await,
        }
    }

    async fn reopen(&self) -> Result<Db, StorageError> {
        let wait = self.opening.borrow_mut().as_mut().map(|waiters| {
            let (tx, rx) = oneshot::channel();
            waiters.push(tx);
            rx
        });
        if let Some(rx) = wait {
            // Another caller is opening: use its connection (or fail as it did).
            let _ = rx.await;
            return match self.db.borrow().clone() {
                Some(db) if !db.is_closed() => Ok(db),
                _ => Err(StorageError::Unavailable {
                    message: "the database did not open".into(),
                }),
            };
        }
        *self.opening.borrow_mut() = Some(Vec::new());
        let r = self.open_now().await;
        for w in self.opening.borrow_mut().take().unwrap_or_default() {
            let _ = w.send(());
        }
        r
    }

    async fn open_now(&self) -> Result<Db, StorageError> {
        let (db, report) = open(&self.opts.open).await?;
        match super::store::policies(&db).await {
            Ok(rows) => {
                let mut map = self.policies.borrow_mut();
                for (feed, json) in rows {
                    match serde_json::from_str::<Retention>(&json) {
                        Ok(r) => {
                            map.insert(feed, r);
                        }
                        Err(e) => self.say(format!(
                            "The retention setting of {feed} could not be read ({e}); its data is kept until it is set again."
                        )),
                    }
                }
            }
            Err(e) => self.say(format!("Retention settings could not be read: {e}")),
        }
        // Metas may have changed while closed (another tab wrote): reload them lazily.
        self.feeds.borrow_mut().clear();
        *self.db.borrow_mut() = Some(db.clone());
        *self.last_open.borrow_mut() = Some(report);
        Ok(db)
    }

    async fn feed(&self, db: &Db, feed: &str) -> Result<FeedState, StorageError> {
        let have = self.feeds.borrow().get(feed).cloned();
        match have {
            Some(s) => Ok(s),
            None => {
                let s = load_feed(db, feed, self.opts.limits).await?;
                self.feeds.borrow_mut().insert(feed.to_string(), s.clone());
                Ok(s)
            }
        }
    }

    async fn run(&self, job: Job) {
        match job {
            Job::Save {
                feed,
                trades,
                bytes,
                reply,
            } => {
                let r = self.save(&feed, &trades).await;
                if let (Ok(report), Some(channel)) = (&r, &self.channel) {
                    if report.stored > 0 {
                        let time_max = trades.iter().map(|t| t.time_ms).max().unwrap_or(0);
                        let _ = channel.announce(&Saved {
                            feed: feed.clone(),
                            stored: report.stored as u32,
                            time_max,
                        });
                    }
                }
                self.queued_bytes
                    .set(self.queued_bytes.get().saturating_sub(bytes));
                let policy = self.policies.borrow().get(&feed).copied();
                if let (Ok(report), Some(retention)) = (&r, policy) {
                    if report.stored > 0 {
                        let now = (self.clock.borrow())();
                        if let Err(e) = self.retain(&feed, &retention, now).await {
                            self.say(format!("Retention of {feed} failed: {e}"));
                        }
                    }
                }
                let _ = reply.send(r);
            }
            Job::Retain {
                feed,
                retention,
                now_ms,
                reply,
            } => {
                let _ = reply.send(self.retain(&feed, &retention, now_ms).await);
            }
            Job::SetRetention {
                feed,
                retention,
                json,
                now_ms,
                reply,
            } => {
                let r = async {
                    let db = self.db().await?;
                    super::store::put_policy(&db, &feed, &json).await?;
                    self.policies.borrow_mut().insert(feed.clone(), retention);
                    self.retain(&feed, &retention, now_ms).await
                };
                let _ = reply.send(r.await);
            }
            Job::Clear { feed, reply } => {
                let r = async {
                    let db = self.db().await?;
                    super::store::clear(&db, feed.as_deref()).await?;
                    match &feed {
                        Some(f) => {
                            self.feeds.borrow_mut().remove(f);
                        }
                        None => self.feeds.borrow_mut().clear(),
                    }
                    Ok(())
                };
                let _ = reply.send(r.await);
            }
            Job::Barrier { reply } => {
                let _ = reply.send(());
            }
        }
    }

    async fn with_feed<R>(
        &self,
        feed: &str,
        f: impl AsyncFnOnce(&Db, &mut FeedState) -> Result<R, StorageError>,
    ) -> Result<R, StorageError> {
        let db = self.db().await?;
        let mut state = self.feed(&db, feed).await?;
        let r = f(&db, &mut state).await;
        if !db.is_closed() {
            self.feeds.borrow_mut().insert(feed.to_string(), state);
        }
        r
    }

    async fn save(&self, feed: &str, trades: &[Trade]) -> Result<SaveReport, StorageError> {
        let mut quota_retried = false;
        let mut reopened = 0;
        loop {
            let faults = self.faults.take();
            let r = self
                .with_feed(feed, async |db, state| {
                    write_batch(db, state, trades, faults).await
                })
                .await;
            match r {
                Err(e) if e.needs_reopen() && reopened < 2 => {
                    reopened += 1;
                    if let Some(db) = self.db.borrow().as_ref() {
                        db.close();
                    }
                }
                Err(StorageError::QuotaExceeded { message }) if !quota_retried => {
                    quota_retried = true;
                    match self.make_room(feed).await {
                        Ok(Some((n, from))) => self.say(format!(
                            "Browser storage was full: deleted the {n} oldest chunks of {from} and saved again."
                        )),
                        Ok(None) | Err(_) => {
                            return Err(StorageError::QuotaExceeded { message });
                        }
                    }
                }
                r => return r,
            }
        }
    }

    /// Frees space for a batch of `feed`: the older half (by bytes) of its own chunks; when
    /// it has none to spare, of the stored feed holding the most bytes. Resolves to how many
    /// chunks of which feed were deleted (`None`: nothing could be).
    async fn make_room(&self, feed: &str) -> Result<Option<(usize, String)>, StorageError> {
        let n = self.halve(feed).await?;
        if n > 0 {
            return Ok(Some((n, feed.to_string())));
        }
        let db = self.db().await?;
        let mut largest: Option<(u64, String)> = None;
        for other in super::store::stored_feeds(&db).await? {
            if other == feed {
                continue;
            }
            let state = self.feed(&db, &other).await?;
            let bytes: u64 = state.metas.iter().map(|m| m.bytes).sum();
            if state.metas.len() > 1 && largest.as_ref().is_none_or(|(b, _)| bytes > *b) {
                largest = Some((bytes, other));
            }
        }
        let Some((_, other)) = largest else {
            return Ok(None);
        };
        let n = self.halve(&other).await?;
        Ok((n > 0).then_some((n, other)))
    }

    /// Deletes the older half (by bytes) of `feed`'s chunks, keeping the newest.
    async fn halve(&self, feed: &str) -> Result<usize, StorageError> {
        self.with_feed(feed, async |db, state| {
            let bytes: u64 = state.metas.iter().map(|m| m.bytes).sum();
            let policy = ChunkPolicy {
                max_bytes: Some(bytes / 2),
                ..ChunkPolicy::default()
            };
            let ids = chunks_to_delete(&state.metas, &policy, 0);
            delete_chunks(db, state, &ids).await
        })
        .await
    }

    /// Applies `retention` to `feed` at `now_ms`: raw chunks, then rollup blocks. Resolves to
    /// the chunks deleted.
    async fn retain(
        &self,
        feed: &str,
        retention: &Retention,
        now_ms: i64,
    ) -> Result<usize, StorageError> {
        let deleted = self
            .with_feed(feed, async |db, state| {
                let ids = chunks_to_delete(&state.metas, &retention.raw, now_ms);
                delete_chunks(db, state, &ids).await
            })
            .await?;
        if let Some(cutoff) = rollup_cutoff(&retention.rollups, now_ms) {
            let db = self.db().await?;
            delete_rollups_before(&db, feed, cutoff).await?;
            // The cached latest block may have gone with them.
            if let Some(state) = self.feeds.borrow_mut().get_mut(feed) {
                state.rollups = None;
            }
        }
        Ok(deleted)
    }
}
