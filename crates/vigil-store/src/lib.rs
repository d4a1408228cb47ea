//! The store: where sources, documents, event reports and incidents live.
//!
//! [`Store`] is the contract every backend meets; the conformance suite
//! (the `conformance` feature, for tests only) checks it. Callers hold the
//! contract: [`open`] is the one place that picks a backend, today the
//! embedded default, [`SqliteStore`]: one SQLite file in WAL mode,
//! migrated on open, with an FTS5 index over the normalized text (see
//! `vigil_text::normalize`) so that Arabic and English search alike.
//!
//! ```
//! use vigil_store::Store;
//! let store = vigil_store::open_in_memory().unwrap();
//! assert_eq!(store.stats().unwrap().documents, 0);
//! ```

#[cfg(any(test, feature = "conformance"))]
pub mod conformance;
mod contract;
mod query;
mod sqlite;

pub use contract::*;
pub use sqlite::{SqliteStore, RANKED_MATCHES};

/// A store behind its contract, whatever the backend.
pub type BoxStore = Box<dyn Store + Send>;

/// How to open a store.
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenOptions {
    /// Page cache in MiB, for a command that works through a whole store
    /// (ingest, extract, link); the backend's default when `None`.
    pub cache_mib: Option<u32>,
}

/// Opens (creating and migrating) the store at `path`. This is the
/// composition root of every binary: the only place above the backends
/// that chooses one.
pub fn open(path: &std::path::Path) -> Result<BoxStore> {
    open_with(path, &OpenOptions::default())
}

/// [`open`] with options.
pub fn open_with(path: &std::path::Path, opts: &OpenOptions) -> Result<BoxStore> {
    let store = SqliteStore::open(path)?;
    if let Some(mib) = opts.cache_mib {
        store.set_cache_mib(mib)?;
    }
    Ok(Box::new(store))
}

/// An empty store in memory, for tests and examples.
pub fn open_in_memory() -> Result<BoxStore> {
    Ok(Box::new(SqliteStore::open_in_memory()?))
}

/// Compiles an analyst's search text (the language of `vigil search` and
/// the API's `q=`) to the FTS5 query the store runs, or says why it cannot
/// be searched. The store calls it itself; it is public so that the fuzz
/// target and its corpus replay reach exactly the code that parses what a
/// user types.
pub use query::compile as compile_search;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened, read or written.
    #[error("{context}: {source}")]
    Sqlite {
        /// What the store was doing.
        context: String,
        /// The SQLite error.
        source: rusqlite::Error,
    },
    /// The database was written by a newer Vigil.
    #[error(
        "database schema version {found} is newer than this Vigil knows ({known}); upgrade Vigil"
    )]
    TooNew {
        /// Version in the file.
        found: i64,
        /// Latest version this build knows.
        known: i64,
    },
    /// A search query that cannot be run.
    #[error("invalid search: {0}")]
    InvalidQuery(String),
    /// Something asked for does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// A change that would break a rule (a duplicate name).
    #[error("{0}")]
    Conflict(String),
    /// What a step read has changed since (another process re-extracted a
    /// document whose reports it was linking): the step reads again.
    #[error("changed while in use: {0}")]
    Stale(String),
    /// A stored value does not parse (the file was edited by hand?).
    #[error("corrupt value in {table}.{column}: {message}")]
    Corrupt {
        /// Table.
        table: &'static str,
        /// Column.
        column: &'static str,
        /// What is wrong.
        message: String,
    },
}

/// A time as the store keeps it (RFC 3339, UTC, seconds): the sort key of
/// [`DocumentSort::Published`].
pub fn sqlite_ts(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl StoreError {
    pub(crate) fn sqlite(context: impl Into<String>) -> impl FnOnce(rusqlite::Error) -> StoreError {
        let context = context.into();
        move |source| StoreError::Sqlite { context, source }
    }
}
