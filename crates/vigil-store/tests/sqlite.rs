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
        3,
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
    let InsertOutcome::New { id, .. } = out[0] else {
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
    conn.execute_batch(UNDO_0009).unwrap();
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
    conn.execute_batch(UNDO_0009).unwrap();
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
    let InsertOutcome::New { id, .. } = out[0] else {
        panic!("{out:?}")
    };
    drop(store);
    // Back to the schema of version 6: the document has no stored shingles.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(UNDO_0009).unwrap();
    conn.execute_batch("DROP TABLE document_shingles; PRAGMA user_version = 6;")
        .unwrap();
    drop(conn);
    let mut store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SqliteStore::SCHEMA_VERSION);
    // A publication like it (the day changed): its candidate's text is
    // shingled instead. (Before schema 0008 a repost with a tag was the
    // case; it is now a copy, found by its text without framing.)
    let like = text.replace("Tuesday", "Wednesday");
    let out = store
        .insert_documents(&[conformance::doc("Channel", &like, "en", 12)], &d)
        .unwrap();
    assert!(
        matches!(out[0], InsertOutcome::New { seen: Some(s), .. } if s.of == id),
        "{out:?}"
    );
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let stored: i64 = conn
        .query_row("SELECT count(*) FROM document_shingles", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        stored, 1,
        "the new publication's shingles, not the old one's"
    );
}

/// A store of schema 7 as Vigil 0.7 wrote it: one channel's text posted
/// twice (the second post recorded as an exact copy of the first, from the
/// same source), the same text forwarded by another source (an exact
/// copy), one file read twice (no row), and a post of the channel taken for
/// a near-duplicate (its text not kept).
fn schema_7_store(path: &std::path::Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    for sql in [
        include_str!("../migrations/0001_initial.sql"),
        include_str!("../migrations/0002_api_indexes.sql"),
        include_str!("../migrations/0003_document_bands_index.sql"),
        include_str!("../migrations/0004_incidents.sql"),
        include_str!("../migrations/0005_narratives_alerts.sql"),
        include_str!("../migrations/0006_facet_days.sql"),
        include_str!("../migrations/0007_document_shingles.sql"),
    ] {
        conn.execute_batch(sql).unwrap();
    }
    let text = "مقتل عنصر من قسد باستهداف سيارته في بلدة الشحيل";
    let normalized = vigil_text::normalize(text);
    let hash = vigil_text::content_hash(&normalized).0.to_vec();
    let near_hash = vigil_text::content_hash("another text").0.to_vec();
    conn.execute_batch(
        "INSERT INTO sources (id, name, kind, created) VALUES
           (1, 'Wilayat al-Khayr', 'militant_official', '2019-10-01T00:00:00Z'),
           (2, 'Supporters', 'militant_supporter', '2019-10-01T00:00:00Z');",
    )
    .unwrap();
    conn.execute(
        "INSERT INTO documents (id, source_id, external_id, url, published, collected, lang,
            text, normalized, content_hash, origin_file, origin_line)
         VALUES (1, 1, '101', NULL, '2019-10-02T09:00:00Z', '2019-10-30T00:00:00Z', 'ar',
            ?1, ?2, ?3, 'khayr.json', 1)",
        rusqlite::params![text, normalized, hash],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO documents_fts (rowid, norm_title, normalized, stems) VALUES (1, '', ?1, '')",
        [&normalized],
    )
    .unwrap();
    let copy = |source: i64, id: &str, day: u32, kind: &str, hash: &[u8], line: u32| {
        conn.execute(
            "INSERT INTO document_copies (document_id, source_id, external_id, published, kind,
                similarity, content_hash, collected, origin_file, origin_line)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, '2019-10-30T00:00:00Z', 'khayr.json', ?7)",
            rusqlite::params![
                source,
                id,
                format!("2019-10-{day:02}T09:00:00Z"),
                kind,
                if kind == "exact" { 1.0 } else { 0.8 },
                hash,
                line
            ],
        )
        .unwrap();
    };
    copy(1, "107", 9, "exact", &hash, 2);
    copy(2, "9001", 2, "exact", &hash, 3);
    copy(1, "112", 14, "near", &near_hash, 4);
    conn.execute_batch("PRAGMA user_version = 7").unwrap();
}

#[test]
fn migration_0008_turns_same_source_copies_into_publications() {
    use vigil_model::CopyKind;
    use vigil_store::{DedupOptions, InsertOutcome, SearchQuery};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.sqlite");
    schema_7_store(&path);
    let mut store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SqliteStore::SCHEMA_VERSION);

    // The channel's second post is a publication again: the original's
    // text, its own id, time and origin.
    let ids = store.document_ids(vigil_model::DocumentId(0), 10).unwrap();
    assert_eq!(ids.len(), 2, "{ids:?}");
    let original = store.document(ids[0]).unwrap().unwrap();
    let revived = store.document(ids[1]).unwrap().unwrap();
    assert_eq!(revived.text, original.text);
    assert_eq!(revived.source_id, original.source_id);
    assert_eq!(revived.external_id.as_deref(), Some("107"));
    assert_eq!(
        revived.published.unwrap().to_rfc3339(),
        "2019-10-09T09:00:00+00:00"
    );
    assert_eq!(revived.origin.line, Some(2));
    // Extraction reads it like any document.
    assert_eq!(store.document_texts(&[revived.id]).unwrap().len(), 1);
    // Searches list both publications, each once.
    let hits = store
        .search(&SearchQuery {
            text: "الشحيل".into(),
            limit: 10,
            ..SearchQuery::default()
        })
        .unwrap();
    assert_eq!(hits.total, 2);

    // The forward by another source stays a copy; the near copy stays, as
    // one that could not be judged again.
    let copies = store.copies(original.id).unwrap();
    let kinds: Vec<(String, CopyKind)> = copies
        .iter()
        .map(|c| (c.external_id.clone().unwrap(), c.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("9001".to_string(), CopyKind::Exact),
            ("112".to_string(), CopyKind::Near)
        ]
    );
    let stats = store.stats().unwrap();
    assert!(
        stats.copies.contains(&(CopyKind::Near, 1)),
        "{:?}",
        stats.copies
    );

    // Re-ingesting: the posts already stored are the same publications;
    // the one recorded as a near copy is judged again and is a publication.
    let post = |id: &str, day: u32, text: &str| {
        let mut d = conformance::doc("Wilayat al-Khayr", text, "ar", day);
        d.external_id = Some(id.into());
        d
    };
    let d = DedupOptions::default();
    let out = store
        .insert_documents(
            &[
                post("101", 2, &original.text),
                post("107", 9, &original.text),
                post(
                    "112",
                    14,
                    "مقتل عنصرين من قسد باستهداف سيارتهم في بلدة ذيبان",
                ),
            ],
            &d,
        )
        .unwrap();
    assert_eq!(out[0], InsertOutcome::Recollected { of: original.id });
    assert_eq!(out[1], InsertOutcome::Recollected { of: revived.id });
    assert!(matches!(out[2], InsertOutcome::New { .. }), "{out:?}");
    assert_eq!(store.stats().unwrap().documents, 3);
    assert!(!store
        .stats()
        .unwrap()
        .copies
        .iter()
        .any(|(k, n)| *k == CopyKind::Near && *n > 0));
}

/// What takes a store of the current schema back to schema 8's tables.
const UNDO_0009: &str = "DROP INDEX decisions_once; DROP INDEX decisions_request;
     DROP INDEX decision_reports_decision;
     ALTER TABLE decisions DROP COLUMN digest; ALTER TABLE decisions DROP COLUMN after_id;
     ALTER TABLE decisions DROP COLUMN request_key;
     ALTER TABLE event_reports DROP COLUMN revision;";

/// A store as schema 8 left it: a document with two reports and a decision
/// about the first, without the columns and indexes 0009 adds.
fn schema_8_store(path: &std::path::Path) -> (vigil_model::DocumentId, Vec<vigil_model::ReportId>) {
    use vigil_store::{DedupOptions, InsertOutcome};
    let mut store = SqliteStore::open(path).unwrap();
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
    let InsertOutcome::New { id, .. } = out[0] else {
        panic!()
    };
    let report = |killed: u32| vigil_model::EventReport {
        id: vigil_model::ReportId(0),
        document_id: id,
        event_type: vigil_model::EventType::Battles,
        sub_event_type: vigil_model::SubEventType::ArmedClash,
        attack_mode: None,
        date: None,
        place: None,
        perpetrators: vec![],
        targets: vec![],
        counts: vigil_model::Counts {
            killed: Some(vigil_model::Count {
                value: killed,
                exactness: vigil_model::CountExactness::Exact,
            }),
            ..Default::default()
        },
        attribution: None,
        claim_status: vigil_model::ClaimStatus::Reported,
        evidence: vec![],
    };
    let ids = store.replace_reports(id, &[report(1), report(2)]).unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(UNDO_0009).unwrap();
    // A decision as schema 8 wrote it.
    conn.execute(
        "INSERT INTO decisions (id, who, at, body) VALUES (1, 'sara', '2019-10-12T08:00:00Z',
            json_object('id', 0, 'who', 'sara', 'at', '2019-10-12T08:00:00Z',
                        'action', json_object('action', 'confirm'),
                        'reports', json_array(json_object('document_id', ?1, 'ordinal', 0))))",
        [id.0],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO decision_reports (document_id, ordinal, decision_id) VALUES (?1, 0, 1)",
        [id.0],
    )
    .unwrap();
    conn.execute_batch("PRAGMA user_version = 8").unwrap();
    (id, ids)
}

#[test]
fn migration_0009_keeps_report_ids_and_recognizes_decisions_made_before() {
    use vigil_model::{Decision, DecisionAction, ReportKey};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.sqlite");
    let (doc, ids) = schema_8_store(&path);
    let mut store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SqliteStore::SCHEMA_VERSION);

    // Re-extraction after the migration keeps the ids at each place.
    let mut reports = store.reports(doc).unwrap();
    reports[0].counts.killed.as_mut().unwrap().value = 5;
    let again = store.replace_reports(doc, &reports).unwrap();
    assert_eq!(again, ids);
    assert_eq!(store.link_inputs(None).unwrap()[0].revision, 1);

    // The decision made before is recognized when it is sent again.
    let before = store.decisions().unwrap();
    assert_eq!(before.len(), 1);
    let retried = store
        .record_decisions(
            &[Decision {
                id: 0,
                at: chrono::Utc::now(),
                ..before[0].clone()
            }],
            None,
        )
        .unwrap();
    assert!(retried.repeated, "{retried:?}");
    assert_eq!(retried.decisions[0].id, 1);
    assert_eq!(before[0].action, DecisionAction::Confirm);
    assert_eq!(
        before[0].reports,
        [ReportKey {
            document_id: doc,
            ordinal: 0
        }]
    );
    assert_eq!(store.decisions().unwrap().len(), 1);
}
