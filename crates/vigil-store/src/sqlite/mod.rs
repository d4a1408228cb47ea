//! The embedded backend: one SQLite file, WAL journal.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::Value;
use rusqlite::{
    params, params_from_iter, Connection, ErrorCode, OptionalExtension, Row, Transaction,
    TransactionBehavior,
};
use vigil_model::{
    ContentHash, CopyKind, Decision, Document, DocumentCopy, DocumentId, EventReport, Incident,
    IncidentId, Lang, NewDocument, NewSource, Origin, ReportId, ReportKey, Site, Source, SourceId,
    Span,
};

mod incidents;

use crate::contract::*;
use crate::query;
use crate::StoreError;

mod alerts;
mod narratives;

/// Migrations, in order; `PRAGMA user_version` counts those applied.
/// Append only: a released migration is never edited.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_initial",
        include_str!("../../migrations/0001_initial.sql"),
    ),
    (
        "0002_api_indexes",
        include_str!("../../migrations/0002_api_indexes.sql"),
    ),
    (
        "0003_document_bands_index",
        include_str!("../../migrations/0003_document_bands_index.sql"),
    ),
    (
        "0004_incidents",
        include_str!("../../migrations/0004_incidents.sql"),
    ),
    (
        "0005_narratives_alerts",
        include_str!("../../migrations/0005_narratives_alerts.sql"),
    ),
    (
        "0006_facet_days",
        include_str!("../../migrations/0006_facet_days.sql"),
    ),
    (
        "0007_document_shingles",
        include_str!("../../migrations/0007_document_shingles.sql"),
    ),
    (
        "0008_publications",
        include_str!("../../migrations/0008_publications.sql"),
    ),
    (
        "0009_stable_reports_decisions_once",
        include_str!("../../migrations/0009_stable_reports_decisions_once.sql"),
    ),
];

/// The migration that rebuilds `documents` and `document_copies` (SQLite
/// drops a UNIQUE constraint only so): foreign keys are off while it runs,
/// or dropping the old table would delete every row that refers to it,
/// and are checked before it commits. Its code step follows its SQL.
const PUBLICATIONS: &str = "0008_publications";

/// How long a write waits, in all, for other writers to finish before it
/// fails (see [`SqliteStore::set_write_wait`]).
const WRITE_WAIT: Duration = Duration::from_secs(600);

/// The SQLite store.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    /// The database file; `None` in memory.
    path: Option<PathBuf>,
    write_wait: Duration,
    /// When this connection's last write began, and (set by a commit
    /// hook) when one last committed: see [`SqliteStore::tx`].
    write_began: Option<Instant>,
    committed: Arc<Mutex<Option<Instant>>>,
}

impl SqliteStore {
    /// The schema version this build migrates to (the number of migrations).
    pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

    /// Opens (creating if needed) the database file and brings its schema
    /// up to date.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Sqlite {
                context: format!("creating {}", dir.display()),
                source: rusqlite::Error::ToSqlConversionFailure(Box::new(e)),
            })?;
        }
        let conn = Connection::open(path)
            .map_err(StoreError::sqlite(format!("opening {}", path.display())))?;
        Self::init(conn, Some(path.to_path_buf()))
    }

    /// A store in memory, for tests and one-off runs.
    pub fn open_in_memory() -> Result<SqliteStore> {
        let conn = Connection::open_in_memory().map_err(StoreError::sqlite("opening in memory"))?;
        Self::init(conn, None)
    }

    fn init(conn: Connection, path: Option<PathBuf>) -> Result<SqliteStore> {
        let pragmas = if path.is_some() {
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
        } else {
            ""
        };
        // A 64 MiB page cache (SQLite's default is 2 MiB): ingesting into
        // a store of 100,000 documents spent a tenth of its time re-reading
        // pages of the candidates' texts and the indexes.
        conn.execute_batch(&format!(
            "{pragmas} PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;
             PRAGMA cache_size = -65536;"
        ))
        .map_err(StoreError::sqlite("setting up the connection"))?;
        let committed = Arc::new(Mutex::new(None));
        let hook = Arc::clone(&committed);
        conn.commit_hook(Some(move || {
            if let Ok(mut at) = hook.lock() {
                *at = Some(Instant::now());
            }
            false
        }));
        let mut store = SqliteStore {
            conn,
            path,
            write_wait: WRITE_WAIT,
            write_began: None,
            committed,
        };
        store.migrate()?;
        Ok(store)
    }

    /// Sets how long a write waits, in all, for other processes writing to
    /// the same file (10 minutes by default) before it fails with
    /// "database is locked". Each write is one transaction; one started
    /// while another process's is open waits for it to end.
    pub fn set_write_wait(&mut self, wait: Duration) {
        self.write_wait = wait;
    }

    /// Sets this connection's page cache to `mib` MiB (64 by default).
    /// Bulk jobs over a large store (ingest, extract, link) read the same
    /// index pages again and again: at 1,000,000 documents, ingest ran
    /// ~17% faster with 256 MiB. The cache grows only as pages are read.
    pub fn set_cache_mib(&self, mib: u32) -> Result<()> {
        self.conn
            .execute_batch(&format!("PRAGMA cache_size = -{}", u64::from(mib) * 1024))
            .map_err(StoreError::sqlite("setting the page cache"))
    }

    fn migrate(&mut self) -> Result<()> {
        let known = MIGRATIONS.len() as i64;
        loop {
            let version = self.schema_version()?;
            if version > known {
                return Err(StoreError::TooNew {
                    found: version,
                    known,
                });
            }
            let Some(&(name, sql)) = MIGRATIONS.get(version as usize) else {
                return Ok(());
            };
            let rebuild = name == PUBLICATIONS;
            if rebuild {
                // A no-op inside a transaction: set before it starts.
                self.conn
                    .execute_batch("PRAGMA foreign_keys = OFF")
                    .map_err(StoreError::sqlite("turning foreign keys off"))?;
            }
            let tx = self.tx()?;
            // Another process opening the store at the same time may have
            // applied it while this one waited for the write lock.
            let now: i64 = tx
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .map_err(StoreError::sqlite("reading the schema version"))?;
            if now == version {
                tx.execute_batch(sql)
                    .map_err(StoreError::sqlite(format!("applying migration {name}")))?;
                if rebuild {
                    rejudge_copies(&tx)?;
                    let broken: Option<String> = tx
                        .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
                        .optional()
                        .map_err(StoreError::sqlite("checking foreign keys"))?;
                    if let Some(table) = broken {
                        return Err(StoreError::Corrupt {
                            table: "documents",
                            column: "id",
                            message: format!(
                                "migration {name} left a row of {table} pointing nowhere"
                            ),
                        });
                    }
                }
                tx.execute_batch(&format!("PRAGMA user_version = {}", version + 1))
                    .map_err(StoreError::sqlite("recording the schema version"))?;
                tx.commit()
                    .map_err(StoreError::sqlite(format!("committing migration {name}")))?;
            } else {
                drop(tx);
            }
            if rebuild {
                self.conn
                    .execute_batch("PRAGMA foreign_keys = ON")
                    .map_err(StoreError::sqlite("turning foreign keys on"))?;
            }
        }
    }

    /// The schema version (number of migrations applied).
    pub fn schema_version(&self) -> Result<i64> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(StoreError::sqlite("reading the schema version"))
    }

    /// Starts a write. IMMEDIATE, so that the write lock is taken at the
    /// start, while the busy timeout applies: a deferred transaction that
    /// read first could not wait for it and failed with "database is
    /// locked" as soon as another process was writing. When the busy
    /// timeout (5 s) runs out, it tries again, pausing longer each time,
    /// until `write_wait` has passed.
    fn tx(&mut self) -> Result<Transaction<'_>> {
        self.give_way();
        let started = Instant::now();
        let mut pause = Duration::from_millis(20);
        loop {
            match Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate) {
                Ok(tx) => {
                    self.write_began = Some(Instant::now());
                    return Ok(tx);
                }
                Err(e) if is_busy(&e) && started.elapsed() < self.write_wait => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_secs(1));
                }
                Err(e) => {
                    return Err(StoreError::Sqlite {
                        context: format!(
                            "starting a write (waited {:.1} s for other writers)",
                            started.elapsed().as_secs_f64()
                        ),
                        source: e,
                    })
                }
            }
        }
    }

    /// Lets a writer in another process have its turn. SQLite's busy
    /// handler polls for the lock (every 100 ms at most), so a bulk job
    /// that commits a long batch and at once begins the next would keep
    /// the lock nearly always: a second `vigil ingest` waited for the
    /// whole of the first. After a write that held the lock for over a
    /// second, the next one begins only once the lock has been free for
    /// 150 ms: a few per cent of a bulk job's time, nothing for short
    /// writes.
    fn give_way(&mut self) {
        const LONG: Duration = Duration::from_secs(1);
        const GAP: Duration = Duration::from_millis(150);
        let Some(began) = self.write_began.take() else {
            return;
        };
        let committed = self.committed.lock().ok().and_then(|mut c| c.take());
        if let Some(end) = committed.filter(|end| *end > began && *end - began > LONG) {
            let free = end.elapsed();
            if free < GAP {
                std::thread::sleep(GAP - free);
            }
        }
    }

    /// The file whose lock says who links the store: beside the database,
    /// as SQLite's own `-wal` and `-shm` files are.
    fn link_lock_path(&self) -> Option<PathBuf> {
        let path = self.path.as_ref()?;
        let mut name = path.file_name()?.to_os_string();
        name.push("-link.lock");
        Some(path.with_file_name(name))
    }
}

/// Another connection holds the lock a statement needs.
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(f.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// The code step of migration 0008: gives every document its
/// framing-free key, and judges the recorded copies again by the rule of
/// README's "Copies and publications". An exact copy from the source of
/// the document it was recorded against, with another external id or URL
/// (or, without either, another publication time), is a publication of
/// its own: it becomes a document again, with the original's text and
/// its own source, ids, time and origin, so that `vigil extract` gives it
/// its reports. Exact copies from other sources stay copies. Near copies
/// did not keep their text and stay as they are (`vigil stats` counts
/// them; re-ingesting their files judges them again).
fn rejudge_copies(tx: &Transaction<'_>) -> Result<()> {
    let err = || StoreError::sqlite("migration 0008: judging copies again");
    {
        let mut read = tx
            .prepare("SELECT id, normalized FROM documents")
            .map_err(err())?;
        let mut write = tx
            .prepare("UPDATE documents SET core_hash = ?2 WHERE id = ?1")
            .map_err(err())?;
        let mut rows = read.query([]).map_err(err())?;
        while let Some(r) = rows.next().map_err(err())? {
            let id: i64 = r.get(0).map_err(err())?;
            let normalized: String = r.get(1).map_err(err())?;
            write
                .execute(params![id, vigil_text::core_hash(&normalized).0.to_vec()])
                .map_err(err())?;
        }
    }
    type CopyRow = (
        i64,
        i64,
        i64,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let mut stmt = tx
        .prepare(
            "SELECT c.id, c.document_id, c.source_id, c.external_id, c.url, c.published
               FROM document_copies c JOIN documents d ON d.id = c.document_id
              WHERE c.kind = 'exact' AND c.source_id = d.source_id
                AND c.content_hash = d.content_hash
              ORDER BY c.id",
        )
        .map_err(err())?;
    let rows: Vec<CopyRow> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .and_then(|rows| rows.collect())
        .map_err(err())?;
    for (row, of, source, external_id, url, published) in rows {
        let t = cached_row(
            tx,
            &format!("SELECT {DOC_COLS} FROM documents d WHERE d.id = ?1"),
            [of],
            doc_tuple,
        )
        .map_err(err())?;
        let original = tuple_to_document(t, Vec::new())?;
        let same_publication = match (&external_id, &url) {
            (None, None) => {
                original.external_id.is_none()
                    && original.url.is_none()
                    && opt_ts(&original.published) == published
            }
            _ => {
                (external_id.is_some() && external_id == original.external_id)
                    || (url.is_some() && url == original.url)
            }
        };
        if same_publication {
            continue;
        }
        let (origin_file, origin_line, origin_record): (
            Option<String>,
            Option<u64>,
            Option<String>,
        ) = tx
            .query_row(
                "SELECT origin_file, origin_line, origin_record FROM document_copies WHERE id = ?1",
                [row],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(err())?;
        let bands: Vec<u32> = tx
            .prepare_cached("SELECT band FROM document_bands WHERE document_id = ?1 ORDER BY band")
            .and_then(|mut s| {
                s.query_map([of], |r| r.get::<_, i64>(0))
                    .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            })
            .map_err(err())?
            .into_iter()
            .map(|b| (b & 0xFFFF_FFFF) as u32)
            .collect();
        let revived = NewDocument {
            source: NewSource::named(""),
            external_id,
            url,
            published: parse_ts(published, "document_copies", "published")?,
            edited: None,
            forwarded_from: None,
            lang: original.lang.clone(),
            title: original.title.clone(),
            text: original.text.clone(),
            normalized: original.normalized.clone(),
            content_hash: original.content_hash,
            bands,
            origin: Origin {
                file: origin_file,
                line: origin_line,
                record: origin_record,
            },
        };
        let core = vigil_text::core_hash(&original.normalized);
        write_document(tx, None, SourceId(source), &revived, &core, None)?;
        tx.execute("DELETE FROM document_copies WHERE id = ?1", [row])
            .map_err(err())?;
    }
    Ok(())
}

/// Replaces the reports of one document inside `tx`. A report keeps the
/// id of the one it replaces at its place (its key: document and
/// ordinal), so ids are stable across re-extraction and the incidents that
/// hold them keep them: an unchanged report is left as it is; a changed
/// one is rewritten in place, its revision counted and its incident
/// marked for the next link; places the document no longer has are
/// removed (and their incidents marked).
fn replace_reports_in(
    tx: &Transaction<'_>,
    doc: DocumentId,
    reports: &[EventReport],
) -> Result<Vec<ReportId>> {
    // Cached statements: a run of `vigil extract` replaces the reports of
    // every document.
    let exists: Option<i64> = tx
        .prepare_cached("SELECT id FROM documents WHERE id = ?1")
        .and_then(|mut s| s.query_row([doc.0], |r| r.get(0)))
        .optional()
        .map_err(StoreError::sqlite("checking document"))?;
    if exists.is_none() {
        return Err(StoreError::NotFound(format!("document {doc}")));
    }
    let old: Vec<(i64, String)> = tx
        .prepare_cached(
            "SELECT id, body FROM event_reports WHERE document_id = ?1 ORDER BY ordinal",
        )
        .and_then(|mut s| {
            s.query_map([doc.0], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(StoreError::sqlite(format!(
            "reading reports of document {doc}"
        )))?;
    let changed = |id: i64| -> Result<()> {
        // The incident holding the old report is redone by the next link.
        tx.prepare_cached(
            "UPDATE incidents SET dirty = 1 WHERE id = (
                SELECT incident_id FROM incident_reports WHERE report_id = ?1)",
        )
        .and_then(|mut s| s.execute([id]))
        .map_err(StoreError::sqlite(format!(
            "marking the incident of report {id} of document {doc}"
        )))?;
        Ok(())
    };
    let mut ids = Vec::with_capacity(reports.len());
    for (ordinal, r) in reports.iter().enumerate() {
        let body = serde_json::to_string(r).map_err(|e| StoreError::Corrupt {
            table: "event_reports",
            column: "body",
            message: e.to_string(),
        })?;
        let values = params![
            doc.0,
            r.event_type.as_str(),
            r.sub_event_type.as_str(),
            r.date.map(|d| d.date.to_string()),
            r.place.as_ref().and_then(|p| p.lat),
            r.place.as_ref().and_then(|p| p.lon),
            r.claim_status.as_str(),
            body,
            ordinal as u32
        ];
        let id = match old.get(ordinal) {
            Some((id, was)) if *was == body => {
                ids.push(ReportId(*id));
                continue;
            }
            Some(&(id, _)) => {
                changed(id)?;
                tx.prepare_cached(
                    "UPDATE event_reports SET document_id = ?1, event_type = ?2,
                        sub_event_type = ?3, event_date = ?4, lat = ?5, lon = ?6,
                        claim_status = ?7, body = ?8, ordinal = ?9, revision = revision + 1
                      WHERE id = ?10",
                )
                .and_then(|mut update| {
                    let mut args: Vec<&dyn rusqlite::ToSql> = values.to_vec();
                    args.push(&id);
                    update.execute(args.as_slice())
                })
                .map_err(StoreError::sqlite(format!(
                    "rewriting a report of document {doc}"
                )))?;
                tx.prepare_cached("DELETE FROM report_actors WHERE report_id = ?1")
                    .and_then(|mut s| s.execute([id]))
                    .map_err(StoreError::sqlite(format!(
                        "clearing the actors of a report of document {doc}"
                    )))?;
                id
            }
            None => {
                tx.prepare_cached(
                    "INSERT INTO event_reports (document_id, event_type, sub_event_type,
                        event_date, lat, lon, claim_status, body, ordinal)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .and_then(|mut insert| insert.execute(values))
                .map_err(StoreError::sqlite(format!(
                    "storing a report of document {doc}"
                )))?;
                tx.last_insert_rowid()
            }
        };
        let mut actors = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO report_actors (name, report_id, role)
                 VALUES (?1, ?2, ?3)",
            )
            .map_err(StoreError::sqlite("preparing report actors"))?;
        let sides = [("perpetrator", &r.perpetrators), ("target", &r.targets)];
        for (role, side) in sides {
            for a in side.iter() {
                for name in [a.canonical.as_deref(), Some(a.mention.as_str())]
                    .into_iter()
                    .flatten()
                    .filter(|n| !n.trim().is_empty())
                {
                    actors
                        .execute(params![name.trim(), id, role])
                        .map_err(StoreError::sqlite(format!(
                            "storing the actors of a report of document {doc}"
                        )))?;
                }
            }
        }
        ids.push(ReportId(id));
    }
    // Places the document no longer has.
    for &(id, _) in old.iter().skip(reports.len()) {
        changed(id)?;
        tx.prepare_cached("DELETE FROM event_reports WHERE id = ?1")
            .and_then(|mut s| s.execute([id]))
            .map_err(StoreError::sqlite(format!(
                "removing a report of document {doc}"
            )))?;
    }
    Ok(ids)
}

fn ts(t: &DateTime<Utc>) -> String {
    crate::sqlite_ts(t)
}

fn opt_ts(t: &Option<DateTime<Utc>>) -> Option<String> {
    t.as_ref().map(ts)
}

fn parse_ts(
    s: Option<String>,
    table: &'static str,
    column: &'static str,
) -> Result<Option<DateTime<Utc>>> {
    s.map(|s| {
        DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| StoreError::Corrupt {
                table,
                column,
                message: format!("{s:?}: {e}"),
            })
    })
    .transpose()
}

fn parse_col<T: std::str::FromStr>(
    s: String,
    table: &'static str,
    column: &'static str,
) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    s.parse().map_err(|e: T::Err| StoreError::Corrupt {
        table,
        column,
        message: e.to_string(),
    })
}

fn hash_from(blob: Vec<u8>, table: &'static str) -> Result<ContentHash> {
    let arr: [u8; 16] = blob.try_into().map_err(|_| StoreError::Corrupt {
        table,
        column: "content_hash",
        message: "not 16 bytes".into(),
    })?;
    Ok(ContentHash(arr))
}

/// A source key is an id (`12`, `source:12`) or a name.
fn source_where(key: &str) -> (&'static str, Value) {
    match key.parse::<SourceId>() {
        Ok(id) => ("id = ?1", Value::Integer(id.0)),
        Err(_) => ("name = ?1", Value::Text(key.trim().to_string())),
    }
}

const SOURCE_COLS: &str = "id, name, kind, affiliation, languages, reliability, url, notes";

struct SourceRow {
    id: i64,
    name: String,
    kind: String,
    affiliation: Option<String>,
    languages: String,
    reliability: Option<String>,
    url: Option<String>,
    notes: Option<String>,
}

fn source_row(r: &Row<'_>) -> rusqlite::Result<SourceRow> {
    Ok(SourceRow {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: r.get(2)?,
        affiliation: r.get(3)?,
        languages: r.get(4)?,
        reliability: r.get(5)?,
        url: r.get(6)?,
        notes: r.get(7)?,
    })
}

impl SourceRow {
    fn into_source(self) -> Result<Source> {
        Ok(Source {
            id: SourceId(self.id),
            name: self.name,
            kind: parse_col(self.kind, "sources", "kind")?,
            affiliation: self.affiliation,
            languages: serde_json::from_str(&self.languages).map_err(|e| StoreError::Corrupt {
                table: "sources",
                column: "languages",
                message: e.to_string(),
            })?,
            reliability: self
                .reliability
                .map(|r| parse_col(r, "sources", "reliability"))
                .transpose()?,
            url: self.url,
            notes: self.notes,
        })
    }
}

fn get_source(conn: &Connection, key: &str) -> Result<Option<Source>> {
    let (cond, val) = source_where(key);
    cached_row(
        conn,
        &format!("SELECT {SOURCE_COLS} FROM sources WHERE {cond}"),
        [val],
        source_row,
    )
    .optional()
    .map_err(StoreError::sqlite(format!("reading source {key:?}")))?
    .map(SourceRow::into_source)
    .transpose()
}

fn languages_json(langs: &[Lang]) -> String {
    serde_json::to_string(langs).unwrap_or_else(|_| "[]".into())
}

fn insert_source(conn: &Connection, s: &NewSource) -> Result<Source> {
    let name = s.name.trim();
    if name.is_empty() {
        return Err(StoreError::Conflict(
            "a source needs a non-empty name".into(),
        ));
    }
    conn.execute(
        "INSERT INTO sources (name, kind, affiliation, languages, reliability, url, notes, created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            name,
            s.kind.as_str(),
            s.affiliation,
            languages_json(&s.languages),
            s.reliability.map(|r| r.as_str()),
            s.url,
            s.notes,
            ts(&Utc::now())
        ],
    )
    .map_err(StoreError::sqlite(format!("creating source {name:?}")))?;
    get_source(conn, name)?.ok_or_else(|| StoreError::NotFound(format!("source {name:?}")))
}

fn ensure_source_in(conn: &Connection, s: &NewSource) -> Result<Source> {
    match get_source(conn, &s.name)? {
        Some(existing) => Ok(existing),
        None => insert_source(conn, s),
    }
}

const DOC_COLS: &str =
    "d.id, d.source_id, d.external_id, d.url, d.published, d.collected, d.edited,
    d.forwarded_from, d.lang, d.title, d.text, d.normalized, d.content_hash,
    d.origin_file, d.origin_line, d.origin_record";

type DocTuple = (
    i64,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    String,
    String,
    Vec<u8>,
    Option<String>,
    Option<u64>,
    Option<String>,
);

fn doc_tuple(r: &Row<'_>) -> rusqlite::Result<DocTuple> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
        r.get(12)?,
        r.get(13)?,
        r.get(14)?,
        r.get(15)?,
    ))
}

fn tuple_to_document(t: DocTuple, bands: Vec<u32>) -> Result<Document> {
    const T: &str = "documents";
    Ok(Document {
        id: DocumentId(t.0),
        source_id: SourceId(t.1),
        external_id: t.2,
        url: t.3,
        published: parse_ts(t.4, T, "published")?,
        collected: parse_ts(Some(t.5), T, "collected")?.unwrap_or_default(),
        edited: parse_ts(t.6, T, "edited")?,
        forwarded_from: t.7,
        lang: parse_col(t.8, T, "lang")?,
        title: t.9,
        text: t.10,
        normalized: t.11,
        content_hash: hash_from(t.12, T)?,
        bands,
        origin: Origin {
            file: t.13,
            line: t.14,
            record: t.15,
        },
    })
}

/// Band keys are stored with their band index in the high bits, so that
/// equal keys in different bands never meet.
fn band_key(index: usize, key: u32) -> i64 {
    ((index as i64) << 32) | i64::from(key)
}

/// Inserts one document, deduplicating it; runs inside the batch's
/// transaction so that later documents of the batch see earlier ones.
/// `query_row` through the connection's statement cache: ingest runs the
/// same few statements for every document, and preparing them anew each
/// time was 7% of its time.
fn cached_row<T, P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.prepare_cached(sql)?.query_row(params, f)
}

/// `execute` through the connection's statement cache (see [`cached_row`]).
fn cached_exec<P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

fn insert_one(
    tx: &Transaction<'_>,
    doc: &NewDocument,
    dedup: &DedupOptions,
) -> Result<InsertOutcome> {
    let source = ensure_source_in(tx, &doc.source)?;
    if let Some(of) = recollected(tx, source.id, doc)? {
        return Ok(InsertOutcome::Recollected { of });
    }
    let core = vigil_text::core_hash(&doc.normalized);
    if let Some((of, exact)) = original_of(tx, source.id, doc, &core)? {
        // A forward is never the original, whatever its date says.
        if doc.forwarded_from.is_none() && published_earlier(tx, of, doc)? {
            let kind = promote(tx, of, source.id, doc, &core)?;
            return Ok(InsertOutcome::Copy {
                of,
                kind,
                promoted: true,
            });
        }
        let kind = if doc.forwarded_from.is_some() {
            CopyKind::Forward
        } else if exact {
            CopyKind::Exact
        } else {
            CopyKind::Repost
        };
        let similarity = if exact {
            1.0
        } else {
            resemblance_to(tx, of, &doc.normalized)?
        };
        record_copy(tx, of, source.id, doc, kind, similarity)?;
        return Ok(InsertOutcome::Copy {
            of,
            kind,
            promoted: false,
        });
    }
    // A publication. Tell whether its text was seen before (formulaic
    // streams repeat their texts): that changes nothing stored.
    let same_text: Option<i64> = cached_row(
        tx,
        "SELECT id FROM documents WHERE core_hash = ?1 ORDER BY id DESC LIMIT 1",
        [core.0.to_vec()],
        |r| r.get(0),
    )
    .optional()
    .map_err(StoreError::sqlite(format!(
        "looking up the text of {}",
        doc.origin
    )))?;
    let shingles = vigil_text::shingles(&doc.normalized);
    let seen = match same_text {
        Some(of) => Some(SeenText {
            of: DocumentId(of),
            similarity: 1.0,
        }),
        None => {
            nearest(tx, doc, &shingles, dedup)?.map(|(of, similarity)| SeenText { of, similarity })
        }
    };
    let id = write_document(tx, None, source.id, doc, &core, Some(&shingles))?;
    if seen.is_some_and(|s| s.similarity >= 1.0) {
        reattach_copies(tx, id, source.id, doc)?;
    }
    Ok(InsertOutcome::New { id, seen })
}

/// Moves to the new publication `id` the copies that it fits better than
/// the publication they were recorded against: a forward of a channel's
/// second post with the same words, read before that post, went to the
/// first; the latest post at or before a copy is its original.
fn reattach_copies(
    tx: &Transaction<'_>,
    id: DocumentId,
    source: SourceId,
    doc: &NewDocument,
) -> Result<()> {
    let Some(published) = doc.published else {
        return Ok(());
    };
    cached_exec(
        tx,
        "UPDATE document_copies SET document_id = ?1
          WHERE source_id <> ?2 AND kind <> 'near' AND published >= ?3
            AND document_id IN (SELECT o.id FROM documents o, documents n
                                 WHERE n.id = ?1 AND o.core_hash = n.core_hash
                                   AND o.id <> ?1 AND o.published < ?3)",
        params![id.0, source.0, ts(&published)],
    )
    .map_err(StoreError::sqlite(format!(
        "moving copies to {}",
        doc.origin
    )))?;
    Ok(())
}

/// The stored document (or the original of the stored copy) that `doc` is
/// the same publication as: same source and external id, or same source
/// and URL; when it has neither, same source, publication time and text.
/// A sighting recorded as a near copy before schema 0008 is forgotten
/// here, so that the caller judges it again by the current rule.
fn recollected(
    tx: &Transaction<'_>,
    source: SourceId,
    doc: &NewDocument,
) -> Result<Option<DocumentId>> {
    let err = || StoreError::sqlite(format!("looking up {} in the store", doc.origin));
    let mut keys: Vec<(&str, Value)> = Vec::new();
    if let Some(x) = &doc.external_id {
        keys.push(("external_id = ?2", Value::Text(x.clone())));
    }
    if let Some(u) = &doc.url {
        keys.push(("url = ?2", Value::Text(u.clone())));
    }
    let hash = Value::Blob(doc.content_hash.0.to_vec());
    let published = opt_ts(&doc.published).map_or(Value::Null, Value::Text);
    let anonymous = "external_id IS NULL AND url IS NULL AND content_hash = ?2 AND published IS ?3";
    let conds: Vec<(&str, Vec<Value>)> = if keys.is_empty() {
        vec![(anonymous, vec![hash, published])]
    } else {
        keys.into_iter().map(|(c, v)| (c, vec![v])).collect()
    };
    for (cond, values) in conds {
        let args = |first: i64| {
            std::iter::once(Value::Integer(first))
                .chain(values.iter().cloned())
                .collect::<Vec<_>>()
        };
        let stored: Option<i64> = cached_row(
            tx,
            &format!(
                "SELECT id FROM documents WHERE source_id = ?1 AND {cond} ORDER BY id LIMIT 1"
            ),
            params_from_iter(args(source.0)),
            |r| r.get(0),
        )
        .optional()
        .map_err(err())?;
        if let Some(id) = stored {
            return Ok(Some(DocumentId(id)));
        }
        let copy: Option<(i64, i64, String)> = cached_row(
            tx,
            &format!(
                "SELECT id, document_id, kind FROM document_copies
                  WHERE source_id = ?1 AND {cond} ORDER BY id LIMIT 1"
            ),
            params_from_iter(args(source.0)),
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        .map_err(err())?;
        if let Some((row, of, kind)) = copy {
            if parse_col::<CopyKind>(kind, "document_copies", "kind")? == CopyKind::Near {
                cached_exec(tx, "DELETE FROM document_copies WHERE id = ?1", [row])
                    .map_err(err())?;
                return Ok(None);
            }
            return Ok(Some(DocumentId(of)));
        }
    }
    Ok(None)
}

/// The publication of another source that `doc` copies, if any: one
/// whose text is `doc`'s but for framing (`core`), and whether it is the
/// same text exactly. A forward copies a publication of any source. Among several (one channel's equal texts on
/// different days), the latest published at or before `doc`, else the
/// earliest after it.
fn original_of(
    tx: &Transaction<'_>,
    source: SourceId,
    doc: &NewDocument,
    core: &ContentHash,
) -> Result<Option<(DocumentId, bool)>> {
    let err = || StoreError::sqlite(format!("looking up the original of {}", doc.origin));
    let mut stmt = tx
        .prepare_cached(
            "SELECT id, published, content_hash = ?3 FROM documents
              WHERE core_hash = ?1 AND (source_id <> ?2 OR ?4)",
        )
        .map_err(err())?;
    // A forward is a copy of the stored publication with its text even in
    // the forwarding channel's own feed: it republishes, it does not tell.
    let forward = doc.forwarded_from.is_some();
    let rows: Vec<(i64, Option<String>, bool)> = stmt
        .query_map(
            params![
                core.0.to_vec(),
                source.0,
                doc.content_hash.0.to_vec(),
                forward
            ],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .and_then(|rows| rows.collect())
        .map_err(err())?;
    let mut best: Option<((u8, i64, i64), i64, bool)> = None;
    for (id, published, exact) in rows {
        let published = parse_ts(published, "documents", "published")?;
        // Lower ranks first: at or before `doc`, latest first; then after
        // it, earliest first; then undated; the oldest id breaks ties.
        let rank = match (published, doc.published) {
            (Some(p), Some(d)) if p <= d => (0, -p.timestamp(), id),
            (Some(p), _) => (1, p.timestamp(), id),
            (None, _) => (2, 0, id),
        };
        if best.as_ref().is_none_or(|b| rank < b.0) {
            best = Some((rank, id, exact));
        }
    }
    Ok(best.map(|(_, id, exact)| (DocumentId(id), exact)))
}

/// Word-shingle resemblance of `normalized` to the stored document `id`.
fn resemblance_to(tx: &Transaction<'_>, id: DocumentId, normalized: &str) -> Result<f64> {
    let theirs: String = cached_row(
        tx,
        "SELECT normalized FROM documents WHERE id = ?1",
        [id.0],
        |r| r.get(0),
    )
    .map_err(StoreError::sqlite(format!("reading document {id}")))?;
    Ok(vigil_text::resemblance(normalized, &theirs))
}

/// Stores `doc` as a new document, or over the document `id` (keeping
/// the id), and indexes it; `core` is its text's framing-free key,
/// `shingles` its text's shingles, when already made.
fn write_document(
    tx: &Transaction<'_>,
    id: Option<DocumentId>,
    source: SourceId,
    doc: &NewDocument,
    core: &ContentHash,
    shingles: Option<&[u64]>,
) -> Result<DocumentId> {
    let ctx = |what: &str| format!("{what} for {}", doc.origin);
    let norm_title = doc
        .title
        .as_deref()
        .map(vigil_text::normalize)
        .unwrap_or_default();
    let stems = query::stems(&doc.normalized);
    let values = params![
        source.0,
        doc.external_id,
        doc.url,
        opt_ts(&doc.published),
        ts(&Utc::now()),
        opt_ts(&doc.edited),
        doc.forwarded_from,
        doc.lang.as_str(),
        doc.title,
        doc.text,
        norm_title,
        doc.normalized,
        stems,
        doc.content_hash.0.to_vec(),
        doc.origin.file,
        doc.origin.line,
        doc.origin.record,
        id.map(|i| i.0),
        core.0.to_vec(),
    ];
    let sql = if id.is_some() {
        "UPDATE documents SET source_id = ?1, external_id = ?2, url = ?3, published = ?4,
            collected = ?5, edited = ?6, forwarded_from = ?7, lang = ?8, title = ?9, text = ?10,
            norm_title = ?11, normalized = ?12, stems = ?13, content_hash = ?14,
            origin_file = ?15, origin_line = ?16, origin_record = ?17, core_hash = ?19
         WHERE id = ?18"
    } else {
        "INSERT INTO documents (source_id, external_id, url, published, collected, edited,
            forwarded_from, lang, title, text, norm_title, normalized, stems, content_hash,
            origin_file, origin_line, origin_record, id, core_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
            ?19)"
    };
    cached_exec(tx, sql, values).map_err(StoreError::sqlite(ctx("storing the document")))?;
    let id = id.map_or_else(|| tx.last_insert_rowid(), |i| i.0);
    cached_exec(
        tx,
        "INSERT INTO documents_fts (rowid, norm_title, normalized, stems) VALUES (?1, ?2, ?3, ?4)",
        params![id, norm_title, doc.normalized, stems],
    )
    .map_err(StoreError::sqlite(ctx("indexing the document")))?;
    let mut band_stmt = tx
        .prepare_cached("INSERT OR IGNORE INTO document_bands (band, document_id) VALUES (?1, ?2)")
        .map_err(StoreError::sqlite("preparing band insert"))?;
    for (i, key) in doc.bands.iter().enumerate() {
        band_stmt
            .execute(params![band_key(i, *key), id])
            .map_err(StoreError::sqlite(ctx("storing the fingerprint")))?;
    }
    let made;
    let shingles = match shingles {
        Some(s) => s,
        None => {
            made = vigil_text::shingles(&doc.normalized);
            &made
        }
    };
    let blob: Vec<u8> = shingles.iter().flat_map(|h| h.to_le_bytes()).collect();
    cached_exec(
        tx,
        "INSERT OR REPLACE INTO document_shingles (document_id, shingles) VALUES (?1, ?2)",
        params![id, blob],
    )
    .map_err(StoreError::sqlite(ctx("storing the shingles")))?;
    Ok(DocumentId(id))
}

/// Whether `doc` was published before the stored document `id`: then it is
/// the original and the stored one the repost.
fn published_earlier(tx: &Transaction<'_>, id: DocumentId, doc: &NewDocument) -> Result<bool> {
    let Some(new) = doc.published else {
        return Ok(false);
    };
    let stored: Option<String> = cached_row(
        tx,
        "SELECT published FROM documents WHERE id = ?1",
        [id.0],
        |r| r.get(0),
    )
    .map_err(StoreError::sqlite(format!("reading document {id}")))?;
    Ok(parse_ts(stored, "documents", "published")?.is_some_and(|old| new < old))
}

/// Makes `doc` the stored document `id` (keeping the id, so links to it
/// hold) and records what was stored as a copy of it. Used when a repost
/// was ingested before its original: the original's source and time are
/// what an analyst needs to see first.
///
/// Returns how the stored document copies `doc`.
fn promote(
    tx: &Transaction<'_>,
    id: DocumentId,
    source: SourceId,
    doc: &NewDocument,
    core: &ContentHash,
) -> Result<CopyKind> {
    let ctx = |what: &str| format!("{what} for {}", doc.origin);
    let old = cached_row(
        tx,
        &format!("SELECT {DOC_COLS} FROM documents d WHERE d.id = ?1"),
        [id.0],
        doc_tuple,
    )
    .map_err(StoreError::sqlite(ctx("reading the stored document")))?;
    let (old_title, old_stems): (String, String) = cached_row(
        tx,
        "SELECT norm_title, stems FROM documents WHERE id = ?1",
        [id.0],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .map_err(StoreError::sqlite(ctx("reading the stored document")))?;
    let old = tuple_to_document(old, Vec::new())?;
    let exact = old.content_hash == doc.content_hash;
    let kind = if old.forwarded_from.is_some() {
        CopyKind::Forward
    } else if exact {
        CopyKind::Exact
    } else {
        CopyKind::Repost
    };
    let similarity = if exact {
        1.0
    } else {
        vigil_text::resemblance(&old.normalized, &doc.normalized)
    };
    let as_copy = NewDocument {
        source: NewSource::named(""),
        external_id: old.external_id.clone(),
        url: old.url.clone(),
        published: old.published,
        edited: old.edited,
        forwarded_from: old.forwarded_from.clone(),
        lang: old.lang.clone(),
        title: old.title.clone(),
        text: String::new(),
        normalized: String::new(),
        content_hash: old.content_hash,
        bands: Vec::new(),
        origin: old.origin.clone(),
    };
    record_copy(tx, id, old.source_id, &as_copy, kind, similarity)?;
    cached_exec(
        tx,
        "INSERT INTO documents_fts (documents_fts, rowid, norm_title, normalized, stems)
         VALUES ('delete', ?1, ?2, ?3, ?4)",
        params![id.0, old_title, old.normalized, old_stems],
    )
    .map_err(StoreError::sqlite(ctx("unindexing the repost")))?;
    cached_exec(
        tx,
        "DELETE FROM document_bands WHERE document_id = ?1",
        [id.0],
    )
    .map_err(StoreError::sqlite(ctx("clearing the repost's fingerprint")))?;
    write_document(tx, Some(id), source, doc, core, None)?;
    Ok(kind)
}

/// The stored document most like `doc`, if it clears the threshold.
fn nearest(
    tx: &Transaction<'_>,
    doc: &NewDocument,
    mine: &[u64],
    dedup: &DedupOptions,
) -> Result<Option<(DocumentId, f64)>> {
    if doc.bands.is_empty() {
        return Ok(None);
    }
    // The candidates sharing the most bands first (the likeliest to be
    // near-duplicates), newest first among equals. Taking the oldest
    // band-mates instead missed reposts of newer stories once a band was
    // shared by more than `max_candidates` documents (benchmarks/README.md,
    // "near-duplicates missed"). Counted here rather than by SQL's GROUP
    // BY: at 1,000,000 documents a document's bands hold ~1,100 rows, and
    // sorting them in SQLite's temporary B-trees was the larger cost.
    let err = || StoreError::sqlite("finding near-duplicate candidates");
    let mut shared: std::collections::HashMap<i64, u32> = std::collections::HashMap::new();
    let mut mates = tx
        .prepare_cached("SELECT document_id FROM document_bands WHERE band = ?1")
        .map_err(err())?;
    for (i, key) in doc.bands.iter().enumerate() {
        let mut rows = mates.query([band_key(i, *key)]).map_err(err())?;
        while let Some(r) = rows.next().map_err(err())? {
            *shared.entry(r.get(0).map_err(err())?).or_default() += 1;
        }
    }
    let mut ranked: Vec<(u32, i64)> = shared.into_iter().map(|(id, n)| (n, id)).collect();
    let by_rank = |a: &(u32, i64), b: &(u32, i64)| b.cmp(a);
    if ranked.len() > dedup.max_candidates {
        ranked.select_nth_unstable_by(dedup.max_candidates, by_rank);
        ranked.truncate(dedup.max_candidates);
    }
    ranked.sort_unstable_by(by_rank);
    // Their stored shingles; the text only of a document stored before
    // there were (schema 0007): reading documents' rows was a quarter of
    // ingest into a store of 1,000,000 documents.
    let mut stored = tx
        .prepare_cached("SELECT shingles FROM document_shingles WHERE document_id = ?1")
        .map_err(err())?;
    let mut text = tx
        .prepare_cached("SELECT normalized FROM documents WHERE id = ?1")
        .map_err(err())?;
    let mut candidates = Vec::with_capacity(ranked.len());
    for &(_, id) in &ranked {
        let blob: Option<Vec<u8>> = stored
            .query_row([id], |r| r.get(0))
            .optional()
            .map_err(err())?;
        let shingles = match blob {
            Some(b) => b
                .chunks_exact(8)
                .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
                .collect(),
            None => {
                let normalized: String = text.query_row([id], |r| r.get(0)).map_err(err())?;
                vigil_text::shingles(&normalized)
            }
        };
        candidates.push((id, shingles));
    }
    let mut best: Option<(DocumentId, f64)> = None;
    for (id, theirs) in candidates {
        let sim = vigil_text::resemblance_of(mine, &theirs);
        if sim >= dedup.near_threshold && best.is_none_or(|(_, b)| sim > b) {
            best = Some((DocumentId(id), sim));
        }
    }
    Ok(best)
}

/// Records a copy of the stored document `of` seen in `source`.
fn record_copy(
    tx: &Transaction<'_>,
    of: DocumentId,
    source: SourceId,
    doc: &NewDocument,
    kind: CopyKind,
    similarity: f64,
) -> Result<()> {
    cached_exec(
        tx,
        "INSERT INTO document_copies (document_id, source_id, external_id, url,
            published, kind, similarity, content_hash, collected, origin_file, origin_line,
            origin_record)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            of.0,
            source.0,
            doc.external_id,
            doc.url,
            opt_ts(&doc.published),
            kind.as_str(),
            similarity,
            doc.content_hash.0.to_vec(),
            ts(&Utc::now()),
            doc.origin.file,
            doc.origin.line,
            doc.origin.record,
        ],
    )
    .map_err(StoreError::sqlite(format!(
        "recording a copy for {}",
        doc.origin
    )))?;
    Ok(())
}

fn count(conn: &Connection, sql: &str) -> Result<u64> {
    conn.query_row(sql, [], |r| r.get::<_, i64>(0))
        .map(|n| n as u64)
        .map_err(StoreError::sqlite(format!("counting ({sql})")))
}

fn grouped<T: std::str::FromStr>(
    conn: &Connection,
    sql: &str,
    column: &'static str,
) -> Result<Vec<(T, u64)>>
where
    T::Err: std::fmt::Display,
{
    let mut stmt = conn
        .prepare(sql)
        .map_err(StoreError::sqlite("preparing stats"))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(StoreError::sqlite("reading stats"))?;
    rows.into_iter()
        .map(|(k, n)| Ok((parse_col(k, "documents", column)?, n as u64)))
        .collect()
}

fn day_start(d: NaiveDate) -> String {
    format!("{d}T00:00:00Z")
}

/// A query matching more than this many documents (after filters) has
/// only its most recently stored ones ranked by relevance; the others
/// follow them, newest first. Ranking costs a few microseconds a match
/// (bm25 reads each document's length): a word in one document in sixteen
/// at 1,000,000 documents took ~100 ms to rank. See [`Store::search`].
pub const RANKED_MATCHES: usize = 10_000;

impl SqliteStore {
    /// [`Store::search`], ranking at most `ranked` matches by relevance.
    fn search_ranking(&self, q: &SearchQuery, ranked: usize) -> Result<SearchResults> {
        let fts = query::compile(&q.text)?;
        let mut conds = vec!["documents_fts MATCH ?".to_string()];
        let mut args: Vec<Value> = vec![Value::Text(fts)];
        let list = |n: usize| vec!["?"; n].join(",");
        if !q.sources.is_empty() {
            conds.push(format!("d.source_id IN ({})", list(q.sources.len())));
            args.extend(q.sources.iter().map(|s| Value::Integer(s.0)));
        }
        if !q.source_kinds.is_empty() {
            conds.push(format!("s.kind IN ({})", list(q.source_kinds.len())));
            args.extend(
                q.source_kinds
                    .iter()
                    .map(|k| Value::Text(k.as_str().into())),
            );
        }
        if !q.langs.is_empty() {
            conds.push(format!("d.lang IN ({})", list(q.langs.len())));
            args.extend(q.langs.iter().map(|l| Value::Text(l.as_str().into())));
        }
        if let Some(since) = q.since {
            conds.push("d.published >= ?".into());
            args.push(Value::Text(day_start(since)));
        }
        if let Some(until) = q.until {
            conds.push("d.published < ?".into());
            let next = until.succ_opt().unwrap_or(until);
            args.push(Value::Text(day_start(next)));
        }
        // Without a filter on the document or its source, the matches are
        // counted and ranked in the index alone: every indexed row is a
        // document (the index is written with it and never without), and
        // every document has a source. Looking each match up cost more
        // than ranking it for a common word (62,500 matches at 1,000,000
        // documents).
        let filtered = conds.len() > 1;
        let from = if filtered {
            format!(
                "FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid
                 JOIN sources s ON s.id = d.source_id WHERE {}",
                conds.join(" AND ")
            )
        } else {
            "FROM documents_fts WHERE documents_fts MATCH ?".to_string()
        };
        let map_err = |e: rusqlite::Error| match e {
            rusqlite::Error::SqliteFailure(_, Some(msg)) if msg.contains("fts5") => {
                StoreError::InvalidQuery(msg)
            }
            e => StoreError::Sqlite {
                context: "searching".into(),
                source: e,
            },
        };
        let total: i64 = self
            .conn
            .query_row(
                &format!("SELECT count(*) {from}"),
                params_from_iter(args.iter()),
                |r| r.get(0),
            )
            .map_err(map_err)?;
        // Only the `ranked` most recently stored matches are ranked: those
        // from the `ranked`-th newest on (all of them when there are
        // fewer). The others follow them, newest first.
        let cut: i64 = if total as usize > ranked && ranked > 0 {
            self.conn
                .query_row(
                    &format!(
                        "SELECT documents_fts.rowid {from}
                          ORDER BY documents_fts.rowid DESC LIMIT 1 OFFSET {}",
                        ranked - 1
                    ),
                    params_from_iter(args.iter()),
                    |r| r.get(0),
                )
                .map_err(map_err)?
        } else {
            0
        };
        // The page is ordered first, by id and bm25 only; its snippets
        // after, for its rows alone (CROSS JOIN keeps that order).
        // snippet() reads a document's text back and tokenizes it again,
        // and in one query SQLite made it for every match before sorting:
        // 0.3 s for a common word. bm25 is computed for the ranked only
        // (CASE evaluates it lazily), and never in the outer query: there
        // each row is a new search, and bm25 counts the matches of each
        // phrase in the whole index again. The others' rank is 0.
        let sql = format!(
            "SELECT d.id, s.name, d.published, d.lang, d.title,
                snippet(documents_fts, 1, char(57344), char(57345), ' … ', 24),
                COALESCE(p.rank, 0.0)
               FROM (SELECT documents_fts.rowid AS id, documents_fts.rowid < {cut} AS later,
                            CASE WHEN documents_fts.rowid >= {cut}
                                 THEN bm25(documents_fts, 4.0, 1.0, 0.5) END AS rank
                     {from}
                     ORDER BY 2, 3, CASE WHEN documents_fts.rowid < {cut}
                                         THEN -documents_fts.rowid ELSE documents_fts.rowid END
                     LIMIT {} OFFSET {}) p
              CROSS JOIN documents_fts ON documents_fts.rowid = p.id
              CROSS JOIN documents d ON d.id = p.id
               JOIN sources s ON s.id = d.source_id
              WHERE documents_fts MATCH ?
              ORDER BY p.later, p.rank, CASE WHEN p.later THEN -p.id ELSE p.id END",
            q.limit.max(1),
            q.offset
        );
        args.push(args[0].clone());
        let mut stmt = self.conn.prepare(&sql).map_err(map_err)?;
        type HitRow = (
            i64,
            String,
            Option<String>,
            String,
            Option<String>,
            String,
            f64,
        );
        let rows: Vec<HitRow> = stmt
            .query_map(params_from_iter(args.iter()), |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })
            .and_then(|rows| rows.collect())
            .map_err(map_err)?;
        let hits = rows
            .into_iter()
            .map(|r| {
                Ok(SearchHit {
                    id: DocumentId(r.0),
                    source: r.1,
                    published: parse_ts(r.2, "documents", "published")?,
                    lang: parse_col(r.3, "documents", "lang")?,
                    title: r.4,
                    snippet: r.5.replace(MARK_OPEN, "[").replace(MARK_CLOSE, "]"),
                    passage: r.5.replace([MARK_OPEN, MARK_CLOSE], ""),
                    highlights: highlights(&r.5),
                    rank: r.6,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(SearchResults {
            total: total as u64,
            hits,
        })
    }
}

impl Store for SqliteStore {
    fn ensure_source(&mut self, source: &NewSource) -> Result<Source> {
        let tx = self.tx()?;
        let s = ensure_source_in(&tx, source)?;
        tx.commit()
            .map_err(StoreError::sqlite("committing source"))?;
        Ok(s)
    }

    fn put_source(&mut self, s: &NewSource) -> Result<(Source, bool)> {
        let tx = self.tx()?;
        let out = match get_source(&tx, &s.name)? {
            None => (insert_source(&tx, s)?, true),
            Some(existing) => {
                tx.execute(
                    "UPDATE sources SET kind = ?2, affiliation = ?3, languages = ?4,
                        reliability = ?5, url = ?6, notes = ?7 WHERE id = ?1",
                    params![
                        existing.id.0,
                        s.kind.as_str(),
                        s.affiliation,
                        languages_json(&s.languages),
                        s.reliability.map(|r| r.as_str()),
                        s.url,
                        s.notes
                    ],
                )
                .map_err(StoreError::sqlite(format!("updating source {:?}", s.name)))?;
                let updated = get_source(&tx, &existing.id.to_string())?
                    .ok_or_else(|| StoreError::NotFound(format!("source {:?}", s.name)))?;
                (updated, false)
            }
        };
        tx.commit()
            .map_err(StoreError::sqlite("committing source"))?;
        Ok(out)
    }

    fn edit_source(&mut self, key: &str, patch: &SourcePatch) -> Result<Source> {
        let tx = self.tx()?;
        let cur = get_source(&tx, key)?.ok_or_else(|| {
            StoreError::NotFound(format!("source {key:?} (see `vigil source list`)"))
        })?;
        let name = patch.name.clone().unwrap_or(cur.name.clone());
        if !name.eq_ignore_ascii_case(&cur.name) && get_source(&tx, &name)?.is_some() {
            return Err(StoreError::Conflict(format!(
                "a source named {name:?} already exists"
            )));
        }
        tx.execute(
            "UPDATE sources SET name = ?2, kind = ?3, affiliation = ?4, languages = ?5,
                reliability = ?6, url = ?7, notes = ?8 WHERE id = ?1",
            params![
                cur.id.0,
                name,
                patch.kind.unwrap_or(cur.kind).as_str(),
                patch.affiliation.clone().unwrap_or(cur.affiliation),
                languages_json(patch.languages.as_ref().unwrap_or(&cur.languages)),
                patch
                    .reliability
                    .unwrap_or(cur.reliability)
                    .map(|r| r.as_str()),
                patch.url.clone().unwrap_or(cur.url),
                patch.notes.clone().unwrap_or(cur.notes),
            ],
        )
        .map_err(StoreError::sqlite(format!("editing source {key:?}")))?;
        let out = get_source(&tx, &cur.id.to_string())?
            .ok_or_else(|| StoreError::NotFound(format!("source {key:?}")))?;
        tx.commit()
            .map_err(StoreError::sqlite("committing source edit"))?;
        Ok(out)
    }

    fn source(&self, key: &str) -> Result<Option<Source>> {
        get_source(&self.conn, key)
    }

    fn sources(&self) -> Result<Vec<SourceSummary>> {
        let cols = SOURCE_COLS
            .split(", ")
            .map(|c| format!("s.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {cols},
                    (SELECT count(*) FROM documents d WHERE d.source_id = s.id),
                    (SELECT count(*) FROM document_copies c WHERE c.source_id = s.id)
                 FROM sources s ORDER BY s.name COLLATE NOCASE"
            ))
            .map_err(StoreError::sqlite("listing sources"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((source_row(r)?, r.get::<_, i64>(8)?, r.get::<_, i64>(9)?))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(StoreError::sqlite("listing sources"))?;
        rows.into_iter()
            .map(|(s, d, c)| {
                Ok(SourceSummary {
                    source: s.into_source()?,
                    documents: d as u64,
                    copies: c as u64,
                })
            })
            .collect()
    }

    fn insert_documents(
        &mut self,
        docs: &[NewDocument],
        dedup: &DedupOptions,
    ) -> Result<Vec<InsertOutcome>> {
        let tx = self.tx()?;
        let mut out = Vec::with_capacity(docs.len());
        for doc in docs {
            out.push(insert_one(&tx, doc, dedup)?);
        }
        tx.commit()
            .map_err(StoreError::sqlite("committing documents"))?;
        Ok(out)
    }

    fn document(&self, id: DocumentId) -> Result<Option<Document>> {
        let t = self
            .conn
            .prepare_cached(&format!(
                "SELECT {DOC_COLS} FROM documents d WHERE d.id = ?1"
            ))
            .and_then(|mut s| s.query_row([id.0], doc_tuple))
            .optional()
            .map_err(StoreError::sqlite(format!("reading document {id}")))?;
        let Some(t) = t else { return Ok(None) };
        let mut stmt = self
            .conn
            .prepare_cached("SELECT band FROM document_bands WHERE document_id = ?1 ORDER BY band")
            .map_err(StoreError::sqlite("reading bands"))?;
        let bands = stmt
            .query_map([id.0], |r| r.get::<_, i64>(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(StoreError::sqlite("reading bands"))?
            .into_iter()
            .map(|b| (b & 0xFFFF_FFFF) as u32)
            .collect();
        tuple_to_document(t, bands).map(Some)
    }

    fn document_texts(&self, ids: &[DocumentId]) -> Result<Vec<DocumentText>> {
        let err = || StoreError::sqlite("reading documents' texts");
        let mut stmt = self
            .conn
            .prepare_cached("SELECT source_id, lang, published, text FROM documents WHERE id = ?1")
            .map_err(err())?;
        let mut out = Vec::with_capacity(ids.len());
        for &id in ids {
            let row = stmt
                .query_row([id.0], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                })
                .optional()
                .map_err(err())?;
            let Some((source, lang, published, text)) = row else {
                continue;
            };
            out.push(DocumentText {
                id,
                source_id: SourceId(source),
                lang: parse_col(lang, "documents", "lang")?,
                published: parse_ts(published, "documents", "published")?,
                text,
            });
        }
        Ok(out)
    }

    fn document_ids(&self, after: DocumentId, limit: usize) -> Result<Vec<DocumentId>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM documents WHERE id > ?1 ORDER BY id LIMIT ?2")
            .map_err(StoreError::sqlite("listing documents"))?;
        stmt.query_map(params![after.0, limit as i64], |r| {
            r.get::<_, i64>(0).map(DocumentId)
        })
        .and_then(|rows| rows.collect())
        .map_err(StoreError::sqlite("listing documents"))
    }

    fn copies(&self, id: DocumentId) -> Result<Vec<DocumentCopy>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT document_id, source_id, external_id, url, published, kind, similarity,
                    content_hash, origin_file, origin_line, origin_record
                 FROM document_copies WHERE document_id = ?1 ORDER BY id",
            )
            .map_err(StoreError::sqlite("reading copies"))?;
        type Row11 = (
            i64,
            i64,
            Option<String>,
            Option<String>,
            Option<String>,
            String,
            f64,
            Vec<u8>,
            Option<String>,
            Option<u64>,
            Option<String>,
        );
        let rows: Vec<Row11> = stmt
            .query_map([id.0], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                ))
            })
            .and_then(|rows| rows.collect())
            .map_err(StoreError::sqlite("reading copies"))?;
        rows.into_iter()
            .map(|r| {
                Ok(DocumentCopy {
                    document_id: DocumentId(r.0),
                    source_id: SourceId(r.1),
                    external_id: r.2,
                    url: r.3,
                    published: parse_ts(r.4, "document_copies", "published")?,
                    kind: parse_col(r.5, "document_copies", "kind")?,
                    similarity: r.6,
                    content_hash: hash_from(r.7, "document_copies")?,
                    origin: Origin {
                        file: r.8,
                        line: r.9,
                        record: r.10,
                    },
                })
            })
            .collect()
    }

    fn search(&self, q: &SearchQuery) -> Result<SearchResults> {
        self.search_ranking(q, RANKED_MATCHES)
    }

    fn published_span(&self) -> Result<Option<(DateTime<Utc>, DateTime<Utc>)>> {
        let (first, last): (Option<String>, Option<String>) = self
            .conn
            .query_row(
                "SELECT min(published), max(published) FROM documents",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(StoreError::sqlite("reading date range"))?;
        Ok(parse_ts(first, "documents", "published")?.zip(parse_ts(
            last,
            "documents",
            "published",
        )?))
    }

    fn stats(&self) -> Result<Stats> {
        let c = &self.conn;
        let span = self.published_span()?;
        Ok(Stats {
            sources: count(c, "SELECT count(*) FROM sources")?,
            documents: count(c, "SELECT count(*) FROM documents")?,
            copies: grouped(
                c,
                "SELECT kind, count(*) FROM document_copies GROUP BY kind ORDER BY kind",
                "kind",
            )?,
            languages: grouped(
                c,
                "SELECT lang, count(*) n FROM documents GROUP BY lang ORDER BY n DESC, lang",
                "lang",
            )?,
            source_kinds: grouped(
                c,
                "SELECT s.kind, count(*) n FROM documents d JOIN sources s ON s.id = d.source_id
                 GROUP BY s.kind ORDER BY n DESC, s.kind",
                "kind",
            )?,
            first_published: span.map(|s| s.0),
            last_published: span.map(|s| s.1),
            event_reports: count(c, "SELECT count(*) FROM event_reports")?,
            incidents: count(c, "SELECT count(*) FROM incidents")?,
        })
    }

    fn replace_reports(
        &mut self,
        doc: DocumentId,
        reports: &[EventReport],
    ) -> Result<Vec<ReportId>> {
        Ok(self
            .replace_many_reports(&[(doc, reports)])?
            .pop()
            .unwrap_or_default())
    }

    fn replace_many_reports(
        &mut self,
        docs: &[(DocumentId, &[EventReport])],
    ) -> Result<Vec<Vec<ReportId>>> {
        let tx = self.tx()?;
        let mut all = Vec::with_capacity(docs.len());
        for &(doc, reports) in docs {
            all.push(replace_reports_in(&tx, doc, reports)?);
        }
        tx.commit()
            .map_err(StoreError::sqlite("committing reports"))?;
        Ok(all)
    }

    fn reports(&self, doc: DocumentId) -> Result<Vec<EventReport>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, body FROM event_reports WHERE document_id = ?1 ORDER BY id")
            .map_err(StoreError::sqlite("reading reports"))?;
        let rows = stmt
            .query_map([doc.0], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(StoreError::sqlite("reading reports"))?;
        rows.into_iter()
            .map(|(id, body)| report_from(id, doc.0, &body))
            .collect()
    }

    fn list_documents(&self, f: &DocumentFilter) -> Result<Vec<DocumentSummary>> {
        let (sql, args) = documents_sql(f)?;
        let map_err = |e: rusqlite::Error| match e {
            rusqlite::Error::SqliteFailure(_, Some(msg)) if msg.contains("fts5") => {
                StoreError::InvalidQuery(msg)
            }
            e => StoreError::Sqlite {
                context: "listing documents".into(),
                source: e,
            },
        };
        let mut stmt = self.conn.prepare_cached(&sql).map_err(map_err)?;
        type SummaryRow = (
            i64,
            i64,
            String,
            String,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
            i64,
            i64,
        );
        let rows: Vec<SummaryRow> = stmt
            .query_map(params_from_iter(args.iter()), |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                ))
            })
            .and_then(|rows| rows.collect())
            .map_err(map_err)?;
        rows.into_iter()
            .map(|r| {
                Ok(DocumentSummary {
                    id: DocumentId(r.0),
                    source_id: SourceId(r.1),
                    source: r.2,
                    source_kind: parse_col(r.3, "sources", "kind")?,
                    published: parse_ts(r.4, "documents", "published")?,
                    lang: parse_col(r.5, "documents", "lang")?,
                    title: r.6,
                    url: r.7,
                    bytes: r.8.max(0) as u64,
                    copies: r.9.max(0) as u64,
                })
            })
            .collect()
    }

    fn list_reports(&self, f: &ReportFilter) -> Result<Vec<EventReport>> {
        let (sql, args) = reports_sql(f);
        let mut stmt = self
            .conn
            .prepare_cached(&sql)
            .map_err(StoreError::sqlite("listing reports"))?;
        let rows = stmt
            .query_map(params_from_iter(args.iter()), |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(StoreError::sqlite("listing reports"))?;
        rows.into_iter()
            .map(|(id, doc, body)| report_from(id, doc, &body))
            .collect()
    }

    fn report(&self, id: ReportId) -> Result<Option<EventReport>> {
        let row: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT document_id, body FROM event_reports WHERE id = ?1",
                [id.0],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(StoreError::sqlite(format!("reading report {id}")))?;
        row.map(|(doc, body)| report_from(id.0, doc, &body))
            .transpose()
    }

    fn link_backlog(&self) -> Result<LinkBacklog> {
        incidents::link_backlog(&self.conn)
    }

    fn mark_incidents_dirty(&mut self) -> Result<()> {
        let tx = self.tx()?;
        tx.execute("UPDATE incidents SET dirty = 1", [])
            .map_err(StoreError::sqlite("marking incidents for relinking"))?;
        tx.commit().map_err(StoreError::sqlite(
            "committing incidents marked for relinking",
        ))
    }

    fn lock_linking(&self, waiting: &mut dyn FnMut()) -> Result<StepLock> {
        let Some(path) = self.link_lock_path() else {
            // In memory: no other process can reach the store.
            return Ok(StepLock::none());
        };
        let err = |e: std::io::Error| StoreError::Sqlite {
            context: format!("locking {} for linking", path.display()),
            source: rusqlite::Error::ToSqlConversionFailure(Box::new(e)),
        };
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(err)?;
        // The operating system releases the lock when the process ends,
        // however it ends: a killed link never blocks the next.
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                waiting();
                file.lock().map_err(err)?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(err(e)),
        }
        Ok(StepLock::held(file))
    }

    fn link_inputs(&self, days: Option<(NaiveDate, NaiveDate)>) -> Result<Vec<LinkInput>> {
        incidents::link_inputs(&self.conn, days)
    }

    fn link_inputs_of(&self, ids: &[ReportId], keys: &[ReportKey]) -> Result<Vec<LinkInput>> {
        incidents::link_inputs_of(&self.conn, ids, keys)
    }

    fn incidents_of(&self, reports: &[ReportId]) -> Result<Vec<IncidentSpan>> {
        incidents::incidents_of(&self.conn, reports)
    }

    fn replace_incidents(
        &mut self,
        remove: Option<&[IncidentId]>,
        add: &[NewIncident],
    ) -> Result<Vec<IncidentId>> {
        let tx = self.tx()?;
        let ids = incidents::replace_incidents(&tx, remove, add)?;
        tx.commit()
            .map_err(StoreError::sqlite("committing incidents"))?;
        Ok(ids)
    }

    fn incident(&self, id: IncidentId) -> Result<Option<Incident>> {
        incidents::incident(&self.conn, id)
    }

    fn list_incidents(&self, filter: &IncidentFilter) -> Result<Vec<Incident>> {
        incidents::list_incidents(&self.conn, filter)
    }

    fn tally_rows_where(
        &self,
        since: Option<NaiveDate>,
        until: Option<NaiveDate>,
        filters: &[(vigil_model::Dimension, String)],
    ) -> Result<Vec<TallyRow>> {
        incidents::tally_rows(&self.conn, since, until, filters)
    }

    fn weekly_counts(&self, q: &WeeklyCountQuery) -> Result<Vec<WeeklyCount>> {
        incidents::weekly_counts(&self.conn, q)
    }

    fn record_decisions(
        &mut self,
        decisions: &[Decision],
        request_key: Option<&str>,
    ) -> Result<RecordedDecisions> {
        let tx = self.tx()?;
        let recorded = incidents::record_decisions(&tx, decisions, request_key)?;
        tx.commit()
            .map_err(StoreError::sqlite("committing decisions"))?;
        Ok(recorded)
    }

    fn decisions(&self) -> Result<Vec<Decision>> {
        incidents::decisions(&self.conn)
    }

    fn decisions_for_request(&self, request_key: &str) -> Result<Vec<Decision>> {
        incidents::decisions_for_request(&self.conn, request_key)
    }

    fn put_sites(&mut self, sites: &[Site]) -> Result<()> {
        let tx = self.tx()?;
        incidents::put_sites(&tx, sites)?;
        tx.commit().map_err(StoreError::sqlite("committing sites"))
    }

    fn sites(&self) -> Result<Vec<Site>> {
        incidents::sites(&self.conn)
    }

    // Narratives and alerts: in narratives.rs and alerts.rs.

    fn documents_to_tag(
        &self,
        digest: &str,
        all: bool,
        after: DocumentId,
        limit: usize,
    ) -> Result<Vec<DocumentId>> {
        self.documents_to_tag_impl(digest, all, after, limit)
    }

    fn count_documents_to_tag(&self, digest: &str, all: bool) -> Result<u64> {
        self.count_documents_to_tag_impl(digest, all)
    }

    fn replace_narrative_tags(
        &mut self,
        digest: &str,
        tagged_at: DateTime<Utc>,
        batch: &[(DocumentId, Vec<vigil_model::NarrativeTag>)],
    ) -> Result<()> {
        self.replace_narrative_tags_impl(digest, tagged_at, batch)
    }

    fn narrative_tags(&self, doc: DocumentId) -> Result<Vec<vigil_model::NarrativeTag>> {
        self.narrative_tags_impl(doc)
    }

    fn narrative_day_counts(
        &self,
        since: Option<NaiveDate>,
        until: Option<NaiveDate>,
    ) -> Result<Vec<vigil_model::NarrativeDayCount>> {
        self.narrative_day_counts_impl(since, until)
    }

    fn narrative_documents(
        &self,
        narrative: &str,
        since: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<DocumentId>> {
        self.narrative_documents_impl(narrative, since, until)
    }

    fn insert_alert(
        &mut self,
        alert: &vigil_model::NewAlert,
    ) -> Result<Option<vigil_model::Alert>> {
        self.insert_alert_impl(alert)
    }

    fn alert(&self, id: vigil_model::AlertId) -> Result<Option<vigil_model::Alert>> {
        self.alert_impl(id)
    }

    fn list_alerts(&self, unacked_only: bool, limit: usize) -> Result<Vec<vigil_model::Alert>> {
        self.list_alerts_impl(unacked_only, limit)
    }

    fn alerts_page(&self, filter: &crate::AlertFilter) -> Result<Vec<vigil_model::Alert>> {
        self.alerts_page_impl(filter)
    }

    fn ack_alert(
        &mut self,
        id: vigil_model::AlertId,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<vigil_model::Alert> {
        self.ack_alert_impl(id, by, at)
    }

    fn due_deliveries(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<vigil_model::Delivery>> {
        self.due_deliveries_impl(now, limit)
    }

    fn next_delivery_at(&self) -> Result<Option<DateTime<Utc>>> {
        self.next_delivery_at_impl()
    }

    fn deliveries(&self, alert: vigil_model::AlertId) -> Result<Vec<vigil_model::Delivery>> {
        self.deliveries_impl(alert)
    }

    fn record_delivery_attempt(
        &mut self,
        delivery: i64,
        attempt: &vigil_model::DeliveryAttempt,
    ) -> Result<vigil_model::Delivery> {
        self.record_delivery_attempt_impl(delivery, attempt)
    }

    fn delivery_attempts(&self, delivery: i64) -> Result<Vec<vigil_model::DeliveryAttempt>> {
        self.delivery_attempts_impl(delivery)
    }

    fn alert_cursor(&self, rule: &str) -> Result<Option<DocumentId>> {
        self.alert_cursor_impl(rule)
    }

    fn set_alert_cursor(&mut self, rule: &str, last: DocumentId) -> Result<()> {
        self.set_alert_cursor_impl(rule, last)
    }
}

fn documents_sql(f: &DocumentFilter) -> Result<(String, Vec<Value>)> {
    let mut conds: Vec<String> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    if let Some(text) = &f.text {
        conds.push("d.id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)".into());
        args.push(Value::Text(query::compile(text)?));
    }
    in_list(
        &mut conds,
        &mut args,
        "d.source_id",
        f.sources.iter().map(|s| Value::Integer(s.0)),
    );
    in_list(
        &mut conds,
        &mut args,
        "s.kind",
        f.source_kinds
            .iter()
            .map(|k| Value::Text(k.as_str().into())),
    );
    in_list(
        &mut conds,
        &mut args,
        "d.lang",
        f.langs.iter().map(|l| Value::Text(l.as_str().into())),
    );
    if let Some(since) = f.since {
        conds.push("d.published >= ?".into());
        args.push(Value::Text(day_start(since)));
    }
    if let Some(until) = f.until {
        conds.push("d.published < ?".into());
        args.push(Value::Text(day_start(until.succ_opt().unwrap_or(until))));
    }
    let key = match f.sort {
        DocumentSort::Published => Some("d.published"),
        DocumentSort::Id => None,
    };
    if let Some(after) = &f.after {
        keyset(key, "d.id", f.order, after, &mut conds, &mut args);
    }
    let sql = format!(
        "SELECT d.id, d.source_id, s.name, s.kind, d.published, d.lang, d.title, d.url,
                length(CAST(d.text AS BLOB)),
                (SELECT count(*) FROM document_copies c WHERE c.document_id = d.id)
             FROM documents d JOIN sources s ON s.id = d.source_id
             {} ORDER BY {} LIMIT {}",
        where_clause(&conds),
        order_by(key, "d.id", f.order),
        f.limit
    );
    Ok((sql, args))
}

fn reports_sql(f: &ReportFilter) -> (String, Vec<Value>) {
    let mut conds: Vec<String> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    if let Some(since) = f.since {
        conds.push("r.event_date >= ?".into());
        args.push(Value::Text(since.to_string()));
    }
    if let Some(until) = f.until {
        conds.push("r.event_date <= ?".into());
        args.push(Value::Text(until.to_string()));
    }
    in_list(
        &mut conds,
        &mut args,
        "r.event_type",
        f.event_types.iter().map(|t| Value::Text(t.as_str().into())),
    );
    in_list(
        &mut conds,
        &mut args,
        "r.sub_event_type",
        f.sub_event_types
            .iter()
            .map(|t| Value::Text(t.as_str().into())),
    );
    in_list(
        &mut conds,
        &mut args,
        "r.claim_status",
        f.claim_statuses
            .iter()
            .map(|t| Value::Text(t.as_str().into())),
    );
    in_list(
        &mut conds,
        &mut args,
        "d.source_id",
        f.sources.iter().map(|s| Value::Integer(s.0)),
    );
    in_list(
        &mut conds,
        &mut args,
        "d.lang",
        f.langs.iter().map(|l| Value::Text(l.as_str().into())),
    );
    if !f.actors.is_empty() {
        conds.push(format!(
            "r.id IN (SELECT report_id FROM report_actors WHERE name IN ({}))",
            vec!["?"; f.actors.len()].join(",")
        ));
        args.extend(f.actors.iter().map(|a| Value::Text(a.trim().to_string())));
    }
    if let Some(b) = f.bbox {
        conds.push("r.lat BETWEEN ? AND ?".into());
        args.push(Value::Real(b.min_lat));
        args.push(Value::Real(b.max_lat));
        // A box across the antimeridian has its west edge east of its
        // east edge.
        if b.min_lon <= b.max_lon {
            conds.push("r.lon BETWEEN ? AND ?".into());
        } else {
            conds.push("(r.lon >= ? OR r.lon <= ?)".into());
        }
        args.push(Value::Real(b.min_lon));
        args.push(Value::Real(b.max_lon));
    }
    let key = match f.sort {
        ReportSort::Date => Some("r.event_date"),
        ReportSort::Id => None,
    };
    if let Some(after) = &f.after {
        keyset(key, "r.id", f.order, after, &mut conds, &mut args);
    }
    let join = if f.sources.is_empty() && f.langs.is_empty() {
        ""
    } else {
        "JOIN documents d ON d.id = r.document_id"
    };
    let sql = format!(
        "SELECT r.id, r.document_id, r.body FROM event_reports r {join}
             {} ORDER BY {} LIMIT {}",
        where_clause(&conds),
        order_by(key, "r.id", f.order),
        f.limit
    );
    (sql, args)
}

/// Marks around the matches in a snippet: private-use code points, which
/// normalized text never holds, so that brackets in a text are not taken
/// for them.
const MARK_OPEN: char = '\u{E000}';
const MARK_CLOSE: char = '\u{E001}';

/// Where the marked matches are in a snippet once the marks are removed,
/// in code points.
fn highlights(marked: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut start = None;
    for c in marked.chars() {
        match c {
            MARK_OPEN => start = Some(pos),
            MARK_CLOSE => {
                if let Some(s) = start.take() {
                    out.push(Span { start: s, end: pos });
                }
            }
            _ => pos += 1,
        }
    }
    out
}

fn report_from(id: i64, doc: i64, body: &str) -> Result<EventReport> {
    let mut r: EventReport = serde_json::from_str(body).map_err(|e| StoreError::Corrupt {
        table: "event_reports",
        column: "body",
        message: e.to_string(),
    })?;
    r.id = ReportId(id);
    r.document_id = DocumentId(doc);
    Ok(r)
}

fn in_list(
    conds: &mut Vec<String>,
    args: &mut Vec<Value>,
    column: &str,
    values: impl ExactSizeIterator<Item = Value>,
) {
    if values.len() == 0 {
        return;
    }
    conds.push(format!(
        "{column} IN ({})",
        vec!["?"; values.len()].join(",")
    ));
    args.extend(values);
}

fn where_clause(conds: &[String]) -> String {
    if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    }
}

/// Ascending puts items without a key first (SQLite sorts NULL lowest),
/// descending puts them last; [`keyset`] follows the same rule.
fn order_by(key: Option<&str>, id: &str, order: SortOrder) -> String {
    let dir = match order {
        SortOrder::Asc => "ASC",
        SortOrder::Desc => "DESC",
    };
    match key {
        Some(k) => format!("{k} {dir}, {id} {dir}"),
        None => format!("{id} {dir}"),
    }
}

/// The condition for "after this item" in the order of [`order_by`].
fn keyset(
    key: Option<&str>,
    id: &str,
    order: SortOrder,
    after: &PageAfter,
    conds: &mut Vec<String>,
    args: &mut Vec<Value>,
) {
    let Some(k) = key else {
        let op = if order == SortOrder::Asc { ">" } else { "<" };
        conds.push(format!("{id} {op} ?"));
        args.push(Value::Integer(after.id));
        return;
    };
    match (&after.key, order) {
        (Some(v), SortOrder::Asc) => {
            conds.push(format!("({k} > ? OR ({k} = ? AND {id} > ?))"));
            args.extend([Value::Text(v.clone()), Value::Text(v.clone())]);
        }
        (Some(v), SortOrder::Desc) => {
            conds.push(format!(
                "({k} < ? OR ({k} = ? AND {id} < ?) OR {k} IS NULL)"
            ));
            args.extend([Value::Text(v.clone()), Value::Text(v.clone())]);
        }
        (None, SortOrder::Asc) => {
            conds.push(format!("(({k} IS NULL AND {id} > ?) OR {k} IS NOT NULL)"))
        }
        (None, SortOrder::Desc) => conds.push(format!("({k} IS NULL AND {id} < ?)")),
    }
    args.push(Value::Integer(after.id));
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigil_model::{ClaimStatus, EventType};

    /// A query with more matches than are ranked ranks the newest of them
    /// as it ranks them all, lists the others after, newest first, and
    /// pages through that one order; the total counts every match.
    #[test]
    fn a_common_word_ranks_its_newest_matches_only() {
        let mut store = SqliteStore::open_in_memory().unwrap();
        let docs: Vec<NewDocument> = (0..30u32)
            .map(|n| {
                let word = if n % 3 == 0 {
                    "drone drone drone"
                } else {
                    "drone"
                };
                let text = format!(
                    "{word} alpha{n} bravo{} charlie{} delta{} echo{} foxtrot{} golf{}",
                    n * 7,
                    n * 11,
                    n * 13,
                    n * 17,
                    n * 19,
                    n * 23
                );
                let mut d = crate::conformance::doc("Wire", &text, "en", 1 + n % 28);
                // Two posts of one day are two messages.
                d.external_id = Some(format!("wire-{n}"));
                d
            })
            .collect();
        let stored = store
            .insert_documents(&docs, &DedupOptions::default())
            .unwrap();
        let mut ids: Vec<i64> = stored
            .iter()
            .filter_map(|o| match o {
                InsertOutcome::New { id, .. } => Some(id.0),
                _ => None,
            })
            .collect();
        assert_eq!(ids.len(), 30, "every document is new");
        let q = |offset: usize, limit: usize| SearchQuery {
            text: "drone".into(),
            limit,
            offset,
            ..SearchQuery::default()
        };
        let hits = |r: SearchResults| r.hits.iter().map(|h| h.id.0).collect::<Vec<_>>();
        let all = store.search_ranking(&q(0, 30), 1000).unwrap();
        assert_eq!(all.total, 30);
        assert_eq!(
            hits(store.search(&q(0, 30)).unwrap()),
            hits(all.clone()),
            "below the cap every match is ranked"
        );
        let some = store.search_ranking(&q(0, 30), 10).unwrap();
        assert_eq!(some.total, 30, "the total counts every match");
        ids.sort_unstable_by(|a, b| b.cmp(a));
        let newest: Vec<i64> = ids[..10].to_vec();
        let ranked: Vec<i64> = hits(all)
            .into_iter()
            .filter(|id| newest.contains(id))
            .collect();
        let got = hits(some.clone());
        assert_eq!(got[..10], ranked[..], "the newest ten, by relevance");
        assert_eq!(got[10..], ids[10..], "then the others, newest first");
        assert!(some.hits[0].rank <= some.hits[9].rank, "ranks are bm25's");
        let page = store.search_ranking(&q(5, 10), 10).unwrap();
        assert_eq!(hits(page), got[5..15], "pages follow the one order");
    }

    /// Every listing the API can ask for reads through an index: no plan
    /// line scans a table without one.
    #[test]
    fn listings_use_indexes() {
        let store = SqliteStore::open_in_memory().unwrap();
        let after = Some(PageAfter {
            key: Some("2019-10-11".into()),
            id: 7,
        });
        let docs = [
            DocumentFilter::default(),
            DocumentFilter {
                order: SortOrder::Desc,
                after: after.clone(),
                ..DocumentFilter::default()
            },
            DocumentFilter {
                langs: vec![Lang::ar()],
                ..DocumentFilter::default()
            },
            DocumentFilter {
                sources: vec![SourceId(1)],
                since: NaiveDate::from_ymd_opt(2019, 10, 1),
                ..DocumentFilter::default()
            },
            DocumentFilter {
                text: Some("raqqa".into()),
                ..DocumentFilter::default()
            },
        ];
        let reports = [
            ReportFilter::default(),
            ReportFilter {
                order: SortOrder::Desc,
                after,
                ..ReportFilter::default()
            },
            ReportFilter {
                event_types: vec![EventType::Battles],
                ..ReportFilter::default()
            },
            ReportFilter {
                claim_statuses: vec![ClaimStatus::Claimed],
                ..ReportFilter::default()
            },
            ReportFilter {
                actors: vec!["Islamic State".into()],
                ..ReportFilter::default()
            },
            ReportFilter {
                bbox: Some(BBox {
                    min_lon: 38.0,
                    min_lat: 35.0,
                    max_lon: 42.0,
                    max_lat: 37.5,
                }),
                ..ReportFilter::default()
            },
            ReportFilter {
                sources: vec![SourceId(1)],
                langs: vec![Lang::en()],
                ..ReportFilter::default()
            },
        ];
        let mut plans: Vec<(String, Vec<Value>)> = docs
            .iter()
            .map(|f| {
                documents_sql(&DocumentFilter {
                    limit: 50,
                    ..f.clone()
                })
                .unwrap()
            })
            .collect();
        plans.extend(reports.iter().map(|f| {
            reports_sql(&ReportFilter {
                limit: 50,
                ..f.clone()
            })
        }));
        for (sql, args) in plans {
            let mut stmt = store
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap();
            let lines: Vec<String> = stmt
                .query_map(params_from_iter(args.iter()), |r| r.get::<_, String>(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            for line in &lines {
                let scan = line.starts_with("SCAN ") && !line.contains(" USING ");
                let virtual_table = line.contains("VIRTUAL TABLE");
                assert!(!scan || virtual_table, "{line}\nin the plan of {sql}");
            }
        }
    }

    /// A document is read by id with its band keys and copies: neither read
    /// may scan a table (the band keys once did, making `vigil extract` over
    /// a store quadratic).
    #[test]
    fn reading_a_document_uses_indexes() {
        let store = SqliteStore::open_in_memory().unwrap();
        for sql in [
            "SELECT band FROM document_bands WHERE document_id = 1 ORDER BY band",
            "SELECT document_id FROM document_copies WHERE document_id = 1 ORDER BY id",
            "SELECT id FROM event_reports WHERE document_id = 1",
        ] {
            let mut stmt = store
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap();
            let lines: Vec<String> = stmt
                .query_map([], |r| r.get::<_, String>(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            for line in &lines {
                let scan = line.starts_with("SCAN ") && !line.contains(" USING ");
                assert!(!scan, "{line}\nin the plan of {sql}");
            }
        }
    }
}
