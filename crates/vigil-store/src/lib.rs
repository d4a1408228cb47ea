//! The store: where sources, documents, event reports and incidents live.
//!
//! [`Store`] is the contract every backend meets; [`conformance`] checks it.
//! [`SqliteStore`] is the embedded default: one SQLite file in WAL mode,
//! migrated on open, with an FTS5 index over the normalized text (see
//! `vigil_text::normalize`) so that Arabic and English search alike.
//!
//! ```
//! use vigil_store::{SqliteStore, Store};
//! let store = SqliteStore::open_in_memory().unwrap();
//! assert_eq!(store.stats().unwrap().documents, 0);
//! ```

pub mod conformance;
mod contract;
mod query;
mod sqlite;

pub use contract::*;
pub use sqlite::{SqliteStore, RANKED_MATCHES};

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
