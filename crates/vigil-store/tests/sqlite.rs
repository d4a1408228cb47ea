//! The SQLite backend against the store contract, plus file-level behaviour.

use vigil_store::{conformance, SqliteStore, Store, StoreError};

#[test]
fn in_memory_store_conforms() {
    conformance::run_all(&mut || SqliteStore::open_in_memory().unwrap());
}

#[test]
fn file_store_conforms_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    conformance::run_all(&mut || {
        n += 1;
        SqliteStore::open(&dir.path().join(format!("s{n}/vigil.sqlite"))).unwrap()
    });
    let path = dir.path().join("s2/vigil.sqlite");
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(
        store.stats().unwrap().documents,
        2,
        "data survives reopening"
    );
    assert_eq!(store.schema_version().unwrap(), 2);
}

#[test]
fn a_database_from_a_newer_vigil_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.sqlite");
    drop(SqliteStore::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("PRAGMA user_version = 99").unwrap();
    drop(conn);
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::TooNew { found: 99, .. }), "{err}");
    assert!(err.to_string().contains("upgrade Vigil"));
}
