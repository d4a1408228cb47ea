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
    assert_eq!(store.schema_version().unwrap(), SqliteStore::SCHEMA_VERSION);
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

#[test]
fn migration_0002_indexes_the_actors_of_existing_reports() {
    use vigil_model::EventReport;
    use vigil_store::{DedupOptions, InsertOutcome, ReportFilter};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.sqlite");
    let mut store = SqliteStore::open(&path).unwrap();
    let out = store
        .insert_documents(
            &[conformance::doc(
                "Wire",
                "Daesh attacked a checkpoint.",
                "en",
                11,
            )],
            &DedupOptions::default(),
        )
        .unwrap();
    let InsertOutcome::New { id } = out[0] else {
        panic!()
    };
    let report: EventReport = serde_json::from_value(serde_json::json!({
        "id": 0, "document_id": id.0, "event_type": "battles", "sub_event_type": "armed_clash",
        "attack_mode": null, "date": null, "place": null,
        "perpetrators": [{"canonical": "Islamic State", "mention": "Daesh"}],
        "targets": [], "counts": {"killed": null, "injured": null, "abducted": null, "freed": null},
        "attribution": null, "claim_status": "reported", "evidence": []
    }))
    .unwrap();
    store.replace_reports(id, &[report]).unwrap();
    drop(store);
    // Back to the schema of version 1, with the report in it.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TABLE report_actors; DROP INDEX event_reports_type; DROP INDEX event_reports_sub_type;
         DROP INDEX event_reports_claim; DROP INDEX event_reports_place;
         DROP INDEX document_bands_document;
         DROP TABLE incident_facets; DROP TABLE decision_reports; DROP TABLE decisions;
         DROP TABLE sites; DROP INDEX event_reports_key; DROP TABLE incident_reports;
         DROP TABLE incidents; ALTER TABLE event_reports DROP COLUMN ordinal;
         CREATE TABLE incidents (id INTEGER PRIMARY KEY, status TEXT NOT NULL, body TEXT NOT NULL);
         CREATE TABLE incident_reports (incident_id INTEGER NOT NULL, report_id INTEGER NOT NULL);
         CREATE TABLE incident_edits (id INTEGER PRIMARY KEY, incident_id INTEGER NOT NULL,
             who TEXT NOT NULL, at TEXT NOT NULL, what TEXT NOT NULL);
         DROP TABLE narrative_tagging; DROP TABLE document_narratives;
         DROP TABLE alert_delivery_attempts; DROP TABLE alert_deliveries; DROP TABLE alerts;
         DROP TABLE alert_cursors; DROP TABLE document_shingles;
         PRAGMA user_version = 1;",
    )
    .unwrap();
    drop(conn);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SqliteStore::SCHEMA_VERSION);
    assert_eq!(
        store.link_inputs(None).unwrap()[0].key.ordinal,
        0,
        "0004 numbers existing reports"
    );
    for name in ["islamic state", "DAESH"] {
        let found = store
            .list_reports(&ReportFilter {
                actors: vec![name.into()],
                limit: 10,
                ..ReportFilter::default()
            })
            .unwrap();
        assert_eq!(found.len(), 1, "{name}");
    }
}

#[test]
fn migration_0006_gives_existing_facets_their_days() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.sqlite");
    let mut store = SqliteStore::open(&path).unwrap();
    store
        .replace_incidents(None, &conformance::sample_incidents())
        .unwrap();
    drop(store);
    // Back to the schema of version 5, with the incidents in it.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP INDEX incident_facets_day; DROP INDEX incident_facets_value_day;
         DROP INDEX incidents_date_killed;
         ALTER TABLE incident_facets DROP COLUMN day;
         ALTER TABLE incident_facets DROP COLUMN killed;
         ALTER TABLE incident_facets DROP COLUMN status;
         DROP TABLE document_shingles;
         PRAGMA user_version = 5;",
    )
    .unwrap();
    drop(conn);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SqliteStore::SCHEMA_VERSION);
    conformance::check_weekly_counts(&store);
}

#[test]
fn documents_stored_before_migration_0007_are_still_found_as_originals() {
    use vigil_store::{DedupOptions, InsertOutcome};
    let text = "Two members of the Asayish were killed when a roadside bomb hit \
        their patrol on the road between Qamishli and Amuda on Tuesday, local \
        sources said, and a third was wounded.";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.sqlite");
    let mut store = SqliteStore::open(&path).unwrap();
    let d = DedupOptions::default();
    let out = store
        .insert_documents(&[conformance::doc("Wire", text, "en", 11)], &d)
        .unwrap();
    let InsertOutcome::New { id } = out[0] else {
        panic!("{out:?}")
    };
    drop(store);
    // Back to the schema of version 6: the document has no stored shingles.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("DROP TABLE document_shingles; PRAGMA user_version = 6;")
        .unwrap();
    drop(conn);
    let mut store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SqliteStore::SCHEMA_VERSION);
    // A repost with a tag: its candidate's text is shingled instead.
    let repost = format!("{text} #Qamishli");
    let out = store
        .insert_documents(&[conformance::doc("Channel", &repost, "en", 12)], &d)
        .unwrap();
    assert!(
        matches!(out[0], InsertOutcome::NearDuplicate { of, .. } if of == id),
        "{out:?}"
    );
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let stored: i64 = conn
        .query_row("SELECT count(*) FROM document_shingles", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, 0, "a near-duplicate stores no document");
}
