//! Opening the database at the schema version of `tradelens_core::store::schema`, applying
//! the migration plan in `upgradeneeded`, and watching the connection afterwards.
//!
//! - **blocked**: another tab holds an older version open; [`OpenOptions::on_blocked`] asks the
//!   user to close it, and the open goes on once it closes.
//! - **versionchange**: another tab wants a newer version; this connection closes at once (so
//!   that tab is not blocked) and [`OpenOptions::on_version_change`] offers a reload.
//! - **close**: the browser closed the connection; the handle is marked closed and every later
//!   use is [`StorageError::Closed`], so callers reopen instead of retrying on it.
//!
//! Opening never deletes the user's database: a failure is an error, and the app runs from
//! memory.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use indexed_db_futures::database::Database;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use js_sys::Array;
use tradelens_core::store::schema::{self, Migration, Step};
use wasm_bindgen::prelude::*;
use web_sys::{IdbCursorWithValue, IdbObjectStoreParameters, IdbRequest, IdbTransaction};

use super::record;
use super::StorageError;

/// The app's database name.
pub const DB_NAME: &str = "tradelens";

/// A callback without arguments, shared.
pub type Notify = Rc<dyn Fn()>;

/// How to open a database.
#[derive(Clone)]
pub struct OpenOptions {
    /// Database name ([`DB_NAME`] in the app; tests use their own).
    pub name: String,
    /// Version to open at.
    pub version: u32,
    /// Migrations, `migrations[k]` from version `k` to `k + 1` ([`schema::migrations`]).
    pub migrations: Vec<Migration>,
    /// Called when the open waits for other tabs to close.
    pub on_blocked: Option<Notify>,
    /// Called after this connection closed because another tab upgrades the database, with
    /// the version it asks for.
    pub on_version_change: Option<Rc<dyn Fn(Option<u32>)>>,
}

impl OpenOptions {
    /// The app's database at the current schema.
    pub fn new(name: &str) -> OpenOptions {
        OpenOptions {
            name: name.to_string(),
            version: schema::CURRENT_VERSION,
            migrations: schema::migrations(),
            on_blocked: None,
            on_version_change: None,
        }
    }
}

/// What opening did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenReport {
    /// The version the database had (0: created now).
    pub from_version: u32,
    /// Records rewritten by transform steps.
    pub transformed: u32,
    /// Records a transform step refused, deleted (unreadable already).
    pub dropped: u32,
}

struct Inner {
    db: Database,
    closed: Rc<RefCell<Option<StorageError>>>,
    _on_version_change: Closure<dyn FnMut(web_sys::IdbVersionChangeEvent)>,
    _on_close: Closure<dyn FnMut()>,
}

/// An open connection; cheap to clone. Once closed it stays closed: reopen with [`open`].
#[derive(Clone)]
pub struct Db {
    inner: Rc<Inner>,
}

impl Db {
    /// The connection, unless it was closed.
    pub fn database(&self) -> Result<&Database, StorageError> {
        match &*self.inner.closed.borrow() {
            Some(e) => Err(e.clone()),
            None => Ok(&self.inner.db),
        }
    }

    /// Whether the connection is closed.
    pub fn is_closed(&self) -> bool {
        self.inner.closed.borrow().is_some()
    }

    /// Closes the connection (pending transactions finish first).
    pub fn close(&self) {
        mark_closed(
            &self.inner.closed,
            &self.inner.db,
            "closed by the app".into(),
        );
    }

    /// The database's version.
    pub fn version(&self) -> u32 {
        self.inner.db.version() as u32
    }
}

fn mark_closed(closed: &RefCell<Option<StorageError>>, db: &Database, message: String) {
    db.as_sys().close();
    closed
        .borrow_mut()
        .get_or_insert(StorageError::Closed { message });
}

/// Records the outcome of callback-driven transform steps inside the upgrade transaction.
#[derive(Default)]
struct UpgradeState {
    from: Cell<u32>,
    transformed: Cell<u32>,
    dropped: Cell<u32>,
    error: RefCell<Option<StorageError>>,
    /// Cursor callbacks, kept alive until the open finishes.
    closures: RefCell<Vec<Closure<dyn FnMut()>>>,
}

/// Opens the database, upgrading it as needed.
pub async fn open(opts: &OpenOptions) -> Result<(Db, OpenReport), StorageError> {
    let state = Rc::new(UpgradeState::default());
    let request_cell: Rc<RefCell<Option<web_sys::IdbOpenDbRequest>>> = Rc::default();
    let migrations = opts.migrations.clone();
    let target = opts.version;
    let on_blocked = opts.on_blocked.clone();
    let request = Database::open(opts.name.as_str())
        .with_version(target)
        .with_on_blocked(move |_| {
            if let Some(f) = &on_blocked {
                f();
            }
            Ok(())
        })
        .with_on_upgrade_needed({
            let state = state.clone();
            let request_cell = request_cell.clone();
            move |event, db| {
                let from = event.old_version() as u32;
                state.from.set(from);
                let tx = request_cell.borrow().as_ref().and_then(|r| r.transaction());
                let Some(tx) = tx else {
                    return Err(JsValue::from_str("no upgrade transaction").into());
                };
                let plan: Vec<&Migration> = migrations
                    .iter()
                    .filter(|m| m.to > from && m.to <= target)
                    .collect();
                for m in plan {
                    for step in &m.steps {
                        apply_step(&db, &tx, step, &state).map_err(|e| {
                            let msg = format!("migration to version {}: {e:?}", m.to);
                            indexed_db_futures::error::Error::from(JsValue::from_str(&msg))
                        })?;
                    }
                }
                Ok(())
            }
        })
        .build()
        .map_err(StorageError::from)?;
    *request_cell.borrow_mut() = Some(request.as_sys().clone());
    let db = request.await.map_err(|e| {
        state
            .error
            .borrow_mut()
            .take()
            .unwrap_or_else(|| StorageError::from(e))
    })?;
    if let Some(e) = state.error.borrow_mut().take() {
        db.close();
        return Err(e);
    }
    let report = OpenReport {
        from_version: state.from.get(),
        transformed: state.transformed.get(),
        dropped: state.dropped.get(),
    };
    Ok((watch(db, opts.on_version_change.clone()), report))
}

fn watch(db: Database, on_change: Option<Rc<dyn Fn(Option<u32>)>>) -> Db {
    let closed = Rc::new(RefCell::new(None));
    let raw: web_sys::IdbDatabase = db.as_sys().clone().unchecked_into();
    let on_version_change = {
        let raw = raw.clone();
        let closed = closed.clone();
        Closure::<dyn FnMut(web_sys::IdbVersionChangeEvent)>::new(
            move |e: web_sys::IdbVersionChangeEvent| {
                // Close at once so the other tab's upgrade is not blocked by this one.
                raw.close();
                let new_version = e.new_version().map(|v| v as u32);
                *closed.borrow_mut() = Some(StorageError::VersionChange { new_version });
                if let Some(f) = &on_change {
                    f(new_version);
                }
            },
        )
    };
    let on_close = {
        let closed = closed.clone();
        Closure::<dyn FnMut()>::new(move || {
            closed.borrow_mut().get_or_insert(StorageError::Closed {
                message: "the browser closed the connection".into(),
            });
        })
    };
    raw.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
    raw.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    Db {
        inner: Rc::new(Inner {
            db,
            closed,
            _on_version_change: on_version_change,
            _on_close: on_close,
        }),
    }
}

/// A key path: one property as a string (so keys are plain values), several as an array.
fn key_path(parts: &[&str]) -> JsValue {
    if let [one] = parts {
        return JsValue::from_str(one);
    }
    parts
        .iter()
        .map(|p| JsValue::from_str(p))
        .collect::<Array>()
        .into()
}

fn apply_step(
    db: &Database,
    tx: &IdbTransaction,
    step: &Step,
    state: &Rc<UpgradeState>,
) -> Result<(), JsValue> {
    let raw: &web_sys::IdbDatabase = db.as_sys().unchecked_ref();
    match step {
        Step::CreateStore { name, key_path: kp } => {
            let params = IdbObjectStoreParameters::new();
            params.set_key_path(&key_path(kp));
            raw.create_object_store_with_optional_parameters(name, &params)?;
        }
        Step::CreateIndex { store, index } => {
            let params = web_sys::IdbIndexParameters::new();
            params.set_unique(index.unique);
            tx.object_store(store)?
                .create_index_with_str_sequence_and_optional_parameters(
                    index.name,
                    &key_path(&index.key_path),
                    &params,
                )?;
        }
        Step::DeleteIndex { store, name } => tx.object_store(store)?.delete_index(name)?,
        Step::DeleteStore { name } => raw.delete_object_store(name)?,
        Step::Transform {
            store, field, f, ..
        } => {
            transform(tx, store, field, *f, state)?;
        }
        _ => return Err(JsValue::from_str("unknown migration step")),
    }
    Ok(())
}

/// Walks `store` with a cursor inside the upgrade transaction, rewriting `field` of each
/// record with `f`; a record `f` refuses is deleted and counted. Driven by request callbacks:
/// the upgrade transaction (and so the open) completes only after the walk.
fn transform(
    tx: &IdbTransaction,
    store: &str,
    field: &'static str,
    f: schema::Transform,
    state: &Rc<UpgradeState>,
) -> Result<(), JsValue> {
    let request: IdbRequest = tx.object_store(store)?.open_cursor()?;
    let req = request.clone();
    let st = state.clone();
    let on_success = Closure::<dyn FnMut()>::new(move || {
        let Ok(result) = req.result() else { return };
        let Some(cursor) = result.dyn_ref::<IdbCursorWithValue>() else {
            return; // done
        };
        let step = || -> Result<(), JsValue> {
            let value = cursor.value()?;
            let bytes = record::record_data_field(&value, field);
            match bytes.map(|b| f(&b)) {
                Some(Ok(new)) => {
                    record::set_bytes(&value, field, &new);
                    cursor.update(&value)?;
                    st.transformed.set(st.transformed.get() + 1);
                }
                _ => {
                    cursor.delete()?;
                    st.dropped.set(st.dropped.get() + 1);
                }
            }
            cursor.continue_()
        };
        if let Err(e) = step() {
            *st.error.borrow_mut() = Some(StorageError::from(e));
            let _ = tx_abort(&req);
        }
    });
    request.set_onsuccess(Some(on_success.as_ref().unchecked_ref()));
    state.closures.borrow_mut().push(on_success);
    Ok(())
}

fn tx_abort(req: &IdbRequest) -> Result<(), JsValue> {
    match req.transaction() {
        Some(tx) => tx.abort(),
        None => Ok(()),
    }
}

/// Deletes database `name` (tests, and an explicit user action; never on a failure).
pub async fn delete_database(name: &str) -> Result<(), StorageError> {
    Database::delete_by_name(name)
        .map_err(StorageError::from)?
        .await
        .map_err(StorageError::from)
}
