//! What can go wrong with the browser's storage, in one enum the UI can match on.

use indexed_db_futures::error::{DomException, Error as IdbError, OpenDbError};
use thiserror::Error;
use tradelens_core::store::ChunkError;
use wasm_bindgen::{JsCast, JsValue};

/// Why a storage operation failed. Every variant keeps the browser's message.
#[derive(Clone, Debug, PartialEq, Error)]
#[non_exhaustive]
pub enum StorageError {
    /// The origin's storage quota is used up (`QuotaExceededError`, also when it arrives as the
    /// error of an aborted transaction).
    #[error("browser storage is full: {message}")]
    QuotaExceeded {
        /// The browser's message.
        message: String,
    },
    /// Another tab opened a newer version of the database; this connection was closed.
    #[error("another tab upgraded the database to version {new_version:?}; reload this tab")]
    VersionChange {
        /// The version the other tab asked for (`None`: the database is being deleted).
        new_version: Option<u32>,
    },
    /// Opening waits for other tabs holding an older version open.
    #[error("the database upgrade waits for other TradeLens tabs to close")]
    Blocked,
    /// The connection was closed (by the browser, or after a version change); reopen, never
    /// retry on the stale handle.
    #[error("the database connection was closed: {message}")]
    Closed {
        /// What closed it.
        message: String,
    },
    /// IndexedDB cannot be used here (private mode, disabled, a database written by a newer
    /// build, or an error the browser gives no reason for).
    #[error("browser storage is unavailable: {message}")]
    Unavailable {
        /// The browser's message.
        message: String,
    },
    /// A setting that cannot be applied as given (nothing was changed).
    #[error("{message}")]
    Invalid {
        /// What is wrong with it.
        message: String,
    },
    /// A stored record could not be read back.
    #[error("stored record {key} is unreadable: {reason}")]
    Corrupt {
        /// The record's key, as text.
        key: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A transaction was aborted (deliberately, or by an error the browser gave no name for);
    /// nothing of it was stored.
    #[error("the storage transaction was aborted: {message}")]
    Aborted {
        /// The browser's message.
        message: String,
    },
    /// The queue of batches waiting for the database is full; this batch was not stored.
    #[error(
        "{batches} batches ({bytes} bytes) already wait for storage; this batch was not stored"
    )]
    QueueFull {
        /// Batches waiting.
        batches: usize,
        /// Their approximate size.
        bytes: usize,
    },
    /// A batch could not be cut into chunks (a trade the chunk layout refuses).
    #[error("a trade cannot be stored: {0}")]
    Chunk(#[from] ChunkError),
}

impl StorageError {
    /// Whether the same batch may well succeed if tried again later: the writer was busy,
    /// the connection closed, or the transaction aborted. Not a full disk: the writer has
    /// already freed what it could and retried; retrying ever larger batches only makes
    /// Chromium's failed writes hold more of the quota (seen in e2e/quota.test.mjs).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            StorageError::QueueFull { .. }
                | StorageError::Closed { .. }
                | StorageError::Aborted { .. }
        )
    }

    /// Whether the connection must be reopened before trying again.
    pub fn needs_reopen(&self) -> bool {
        matches!(self, StorageError::Closed { .. })
    }

    /// Classifies a DOM exception by its name.
    pub fn from_dom(e: &web_sys::DomException) -> StorageError {
        let message = format!("{}: {}", e.name(), e.message());
        match e.name().as_str() {
            "QuotaExceededError" => StorageError::QuotaExceeded { message },
            "InvalidStateError" => StorageError::Closed { message },
            "AbortError" => StorageError::Aborted { message },
            "VersionError" => StorageError::Unavailable { message },
            _ => StorageError::Unavailable { message },
        }
    }

    /// Classifies a failed transaction: the transaction's own `error` names the cause when a
    /// request error or a commit failure (quota) aborted it; else the library's error.
    pub fn from_transaction(tx: &web_sys::IdbTransaction, fallback: IdbError) -> StorageError {
        match tx.error() {
            Some(e) => StorageError::from_dom(&e),
            None => StorageError::from(fallback),
        }
    }
}

impl From<IdbError> for StorageError {
    fn from(e: IdbError) -> Self {
        match e {
            IdbError::DomException(d) => {
                let raw: &web_sys::DomException = match &d {
                    DomException::InvalidStateError(x)
                    | DomException::TransactionInactiveError(x)
                    | DomException::NotFoundError(x)
                    | DomException::ConstraintError(x)
                    | DomException::InvalidAccessError(x)
                    | DomException::DataError(x)
                    | DomException::AbortError(x)
                    | DomException::ReadOnlyError(x)
                    | DomException::DataCloneError(x)
                    | DomException::SyntaxError(x)
                    | DomException::Other(x) => x,
                    // `DomException` is non-exhaustive upstream.
                    #[allow(unreachable_patterns)]
                    _ => {
                        return StorageError::Unavailable {
                            message: d.to_string(),
                        }
                    }
                };
                StorageError::from_dom(raw)
            }
            other => StorageError::Aborted {
                message: other.to_string(),
            },
        }
    }
}

impl From<OpenDbError> for StorageError {
    fn from(e: OpenDbError) -> Self {
        match e {
            OpenDbError::Base(b) => StorageError::from(b),
            other => StorageError::Unavailable {
                message: other.to_string(),
            },
        }
    }
}

impl From<JsValue> for StorageError {
    fn from(v: JsValue) -> Self {
        match v.dyn_ref::<web_sys::DomException>() {
            Some(d) => StorageError::from_dom(d),
            None => StorageError::Unavailable {
                message: format!("{v:?}"),
            },
        }
    }
}
