//! The IndexedDB schema as data: what each version holds, and the forward steps from any
//! version to the current one. The app applies the steps in its `upgradeneeded` handler;
//! nothing here touches IndexedDB.
//!
//! Versions:
//! 1. `chunks` (key `[feed, chunk_id]`, index `by_time` on `[feed, time_max]`), `rollups`
//!    (key `[feed, minute_from]`: a block of minutes), `meta` (key `key`: per-feed state).
//! 2. index `chunks.by_id` on `[feed, id_min]` (find the chunks that may hold an id without
//!    scanning), store `policies` (key `feed`: retention per feed).
//! 3. store `alert_history` (key `[at_ms, rule_id, state]`: one record per alert transition,
//!    in time order, so the newest are read with a backward cursor).
//!
//! Record bytes carry their own layout version (chunks, rollup blocks), so a layout change
//! ships as a [`Step::Transform`] over a store's blobs; [`upgrade_chunk`] is that function
//! for chunks.

use std::collections::BTreeMap;

use thiserror::Error;

use super::{Chunk, ChunkError};

/// The schema version this build creates and reads.
pub const CURRENT_VERSION: u32 = 3;

/// The store of alert transitions (version 3).
pub const ALERT_HISTORY: &str = "alert_history";
/// Its key: time first, so a key range or cursor walks the history in time order; rule and
/// state make two transitions in one millisecond distinct.
pub const ALERT_HISTORY_KEY: [&str; 3] = ["at_ms", "rule_id", "state"];

/// An index of a store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexDef {
    /// Index name.
    pub name: &'static str,
    /// Record properties the index key is made of, in order.
    pub key_path: Vec<&'static str>,
    /// Whether two records may not share a key.
    pub unique: bool,
}

/// An object store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreDef {
    /// Record properties the primary key is made of, in order.
    pub key_path: Vec<&'static str>,
    /// Indexes by name.
    pub indexes: BTreeMap<&'static str, IndexDef>,
}

/// Everything a database of one version holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schema {
    /// The version (0: a database just created, with nothing in it).
    pub version: u32,
    /// Stores by name.
    pub stores: BTreeMap<&'static str, StoreDef>,
}

/// Rewrites one record's bytes.
pub type Transform = fn(&[u8]) -> Result<Vec<u8>, ChunkError>;

/// One step of an upgrade.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Step {
    /// `createObjectStore(name, { keyPath })`.
    CreateStore {
        /// Store name.
        name: &'static str,
        /// Primary key path.
        key_path: Vec<&'static str>,
    },
    /// `createIndex(index.name, index.key_path, { unique })` on `store`.
    CreateIndex {
        /// Store name.
        store: &'static str,
        /// The index.
        index: IndexDef,
    },
    /// `deleteIndex(name)` on `store`.
    DeleteIndex {
        /// Store name.
        store: &'static str,
        /// Index name.
        name: &'static str,
    },
    /// `deleteObjectStore(name)`.
    DeleteStore {
        /// Store name.
        name: &'static str,
    },
    /// Rewrites the bytes in property `field` of every record of `store` with `f`; a record
    /// `f` refuses is deleted and counted.
    Transform {
        /// Store name.
        store: &'static str,
        /// The record property holding bytes.
        field: &'static str,
        /// What the rewrite does, for the upgrade log.
        what: &'static str,
        /// The rewrite.
        f: Transform,
    },
}

/// The steps from `to - 1` to `to`.
#[derive(Clone, Debug)]
pub struct Migration {
    /// The version these steps produce.
    pub to: u32,
    /// In order.
    pub steps: Vec<Step>,
}

/// Why a schema could not be described or upgraded.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The database was written by a newer build.
    #[error("database is at schema version {found}; this build reads up to {CURRENT_VERSION}")]
    TooNew {
        /// The database's version.
        found: u32,
    },
    /// A step creates a store or index that exists.
    #[error("version {version}: {what} `{name}` already exists")]
    Exists {
        /// The migration's target version.
        version: u32,
        /// Store or index.
        what: &'static str,
        /// Its name.
        name: String,
    },
    /// A step uses a store or index that does not exist.
    #[error("version {version}: no {what} `{name}`")]
    Missing {
        /// The migration's target version.
        version: u32,
        /// Store or index.
        what: &'static str,
        /// Its name.
        name: String,
    },
}

fn index(name: &'static str, key_path: &[&'static str]) -> IndexDef {
    IndexDef {
        name,
        key_path: key_path.to_vec(),
        unique: false,
    }
}

fn store(key_path: &[&'static str], indexes: Vec<IndexDef>) -> StoreDef {
    StoreDef {
        key_path: key_path.to_vec(),
        indexes: indexes.into_iter().map(|i| (i.name, i)).collect(),
    }
}

/// What a database of `version` holds, written out in full (not derived from migrations, so
/// the test that migrations reproduce it means something); `None` for an unknown version.
pub fn describe(version: u32) -> Option<Schema> {
    let v1 = [
        (
            "chunks",
            store(
                &["feed", "chunk_id"],
                vec![index("by_time", &["feed", "time_max"])],
            ),
        ),
        ("rollups", store(&["feed", "minute_from"], vec![])),
        ("meta", store(&["key"], vec![])),
    ];
    let stores: BTreeMap<_, _> = match version {
        0 => BTreeMap::new(),
        1 => v1.into_iter().collect(),
        2 => [
            (
                "chunks",
                store(
                    &["feed", "chunk_id"],
                    vec![
                        index("by_time", &["feed", "time_max"]),
                        index("by_id", &["feed", "id_min"]),
                    ],
                ),
            ),
            ("rollups", store(&["feed", "minute_from"], vec![])),
            ("meta", store(&["key"], vec![])),
            ("policies", store(&["feed"], vec![])),
        ]
        .into_iter()
        .collect(),
        3 => [
            (
                "chunks",
                store(
                    &["feed", "chunk_id"],
                    vec![
                        index("by_time", &["feed", "time_max"]),
                        index("by_id", &["feed", "id_min"]),
                    ],
                ),
            ),
            ("rollups", store(&["feed", "minute_from"], vec![])),
            ("meta", store(&["key"], vec![])),
            ("policies", store(&["feed"], vec![])),
            ("alert_history", store(&ALERT_HISTORY_KEY, vec![])),
        ]
        .into_iter()
        .collect(),
        _ => return None,
    };
    Some(Schema { version, stores })
}

/// Every migration, oldest first: `migrations()[k]` goes from version `k` to `k + 1`.
pub fn migrations() -> Vec<Migration> {
    vec![
        Migration {
            to: 1,
            steps: vec![
                Step::CreateStore {
                    name: "chunks",
                    key_path: vec!["feed", "chunk_id"],
                },
                Step::CreateIndex {
                    store: "chunks",
                    index: index("by_time", &["feed", "time_max"]),
                },
                Step::CreateStore {
                    name: "rollups",
                    key_path: vec!["feed", "minute_from"],
                },
                Step::CreateStore {
                    name: "meta",
                    key_path: vec!["key"],
                },
            ],
        },
        Migration {
            to: 2,
            steps: vec![
                Step::CreateIndex {
                    store: "chunks",
                    index: index("by_id", &["feed", "id_min"]),
                },
                Step::CreateStore {
                    name: "policies",
                    key_path: vec!["feed"],
                },
            ],
        },
        Migration {
            to: 3,
            steps: vec![Step::CreateStore {
                name: ALERT_HISTORY,
                key_path: ALERT_HISTORY_KEY.to_vec(),
            }],
        },
    ]
}

/// The migrations that bring a database at version `from` to [`CURRENT_VERSION`], in order
/// (none when it is current).
pub fn plan(from: u32) -> Result<Vec<Migration>, SchemaError> {
    if from > CURRENT_VERSION {
        return Err(SchemaError::TooNew { found: from });
    }
    Ok(migrations().into_iter().filter(|m| m.to > from).collect())
}

/// The schema `migrations` turn `schema` into, checking each step is possible, as IndexedDB
/// would. Transforms change records, not the schema; their store must exist.
pub fn apply(schema: &Schema, migrations: &[Migration]) -> Result<Schema, SchemaError> {
    let mut s = schema.clone();
    for m in migrations {
        let version = m.to;
        let missing = |what, name: &str| SchemaError::Missing {
            version,
            what,
            name: name.to_string(),
        };
        let exists = |what, name: &str| SchemaError::Exists {
            version,
            what,
            name: name.to_string(),
        };
        for step in &m.steps {
            match step {
                Step::CreateStore { name, key_path } => {
                    if s.stores.contains_key(name) {
                        return Err(exists("store", name));
                    }
                    s.stores.insert(name, store(key_path, vec![]));
                }
                Step::DeleteStore { name } => {
                    s.stores
                        .remove(name)
                        .ok_or_else(|| missing("store", name))?;
                }
                Step::CreateIndex { store, index } => {
                    let st = s
                        .stores
                        .get_mut(store)
                        .ok_or_else(|| missing("store", store))?;
                    if st.indexes.contains_key(index.name) {
                        return Err(exists("index", index.name));
                    }
                    st.indexes.insert(index.name, index.clone());
                }
                Step::DeleteIndex { store, name } => {
                    let st = s
                        .stores
                        .get_mut(store)
                        .ok_or_else(|| missing("store", store))?;
                    st.indexes
                        .remove(name)
                        .ok_or_else(|| missing("index", name))?;
                }
                Step::Transform { store, .. } => {
                    if !s.stores.contains_key(store) {
                        return Err(missing("store", store));
                    }
                }
            }
        }
        s.version = version;
    }
    Ok(s)
}

/// Reads a chunk of any layout this build supports and writes it in the current layout: the
/// [`Step::Transform`] a chunk layout change would ship. With one layout so far it checks the
/// chunk and writes it back unchanged.
pub fn upgrade_chunk(bytes: &[u8]) -> Result<Vec<u8>, ChunkError> {
    Chunk::decode(bytes).map(|c| c.encode())
}
