//! The alert history in IndexedDB: one record per transition in store `alert_history`
//! (schema version 3, `tradelens_core::store::schema`), keyed `[at_ms, rule_id, state]` so a
//! backward cursor reads the newest first. The record holds the event's JSON under `json`.

use indexed_db_futures::cursor::CursorDirection;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{TransactionDurability, TransactionMode, TransactionOptions};
use js_sys::{Object, Reflect};
use tradelens_core::alerts::{Event, State};
use tradelens_core::store::schema::ALERT_HISTORY;
use wasm_bindgen::{JsCast, JsValue};

use crate::storage::db::{self, Db, OpenOptions};
use crate::storage::StorageError;

/// Events the panel shows, newest first.
pub const SHOWN: usize = 50;

/// Opens database `name` (the app's, or a test's) at the current schema.
pub async fn open(name: &str) -> Result<Db, StorageError> {
    db::open(&OpenOptions::new(name)).await.map(|(db, _)| db)
}

fn state_name(s: State) -> &'static str {
    match s {
        State::Firing => "firing",
        State::Resolved => "resolved",
    }
}

fn record(e: &Event) -> Result<JsValue, StorageError> {
    let json = serde_json::to_string(e).map_err(|err| StorageError::Invalid {
        message: format!("alert event not serialisable: {err}"),
    })?;
    let o = Object::new();
    let set = |k: &str, v: JsValue| Reflect::set(&o, &JsValue::from_str(k), &v).map(|_| ());
    set("at_ms", JsValue::from_f64(e.at_ms as f64))?;
    set("rule_id", JsValue::from_f64(f64::from(e.rule_id)))?;
    set("state", JsValue::from_str(state_name(e.state)))?;
    set("json", JsValue::from_str(&json))?;
    Ok(o.into())
}

/// Writes one event, in its own transaction with strict durability (an alert the user was
/// told about must not vanish on a crash).
pub async fn append(db: &Db, e: &Event) -> Result<(), StorageError> {
    let rec = record(e)?;
    let tx = db
        .database()?
        .transaction(ALERT_HISTORY)
        .with_mode(TransactionMode::Readwrite)
        .with_options(TransactionOptions::new().with_durability(TransactionDurability::Strict))
        .build()
        .map_err(StorageError::from)?;
    let raw: web_sys::IdbTransaction = tx.as_sys().clone().unchecked_into();
    let fail = |err: indexed_db_futures::error::Error| StorageError::from_transaction(&raw, err);
    let body = async {
        tx.object_store(ALERT_HISTORY)?
            .put(rec)
            .primitive()?
            .await?;
        Ok::<(), indexed_db_futures::error::Error>(())
    };
    body.await.map_err(fail)?;
    tx.commit().await.map_err(fail)
}

/// The newest `n` events, newest first, and how many records could not be read.
pub async fn latest(db: &Db, n: usize) -> Result<(Vec<Event>, usize), StorageError> {
    let tx = db
        .database()?
        .transaction(ALERT_HISTORY)
        .build()
        .map_err(StorageError::from)?;
    let store = tx.object_store(ALERT_HISTORY)?;
    let mut out = Vec::new();
    let mut unreadable = 0;
    let Some(mut cursor) = store
        .open_cursor()
        .with_direction(CursorDirection::Prev)
        .await?
    else {
        return Ok((out, 0));
    };
    while out.len() < n {
        let Some(rec) = cursor.next_record::<JsValue>().await? else {
            break;
        };
        let json = Reflect::get(&rec, &JsValue::from_str("json"))
            .ok()
            .and_then(|v| v.as_string());
        match json.and_then(|j| serde_json::from_str::<Event>(&j).ok()) {
            Some(e) => out.push(e),
            None => unreadable += 1,
        }
    }
    Ok((out, unreadable))
}
