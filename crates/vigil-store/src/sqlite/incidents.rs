//! Incidents, analysts' decisions and watched sites in SQLite.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Transaction};
use vigil_model::{
    Decision, Dimension, DocumentId, Incident, IncidentEdit, IncidentId, ReportId, ReportKey, Site,
    SourceId,
};

use super::{in_list, keyset, order_by, parse_col, report_from, ts, where_clause};
use crate::contract::*;
use crate::StoreError;

/// A reusable mapping of SQLite errors, with what the store was doing.
fn sql_err(context: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |source| StoreError::Sqlite {
        context: context.into(),
        source,
    }
}

fn corrupt(table: &'static str, e: serde_json::Error) -> StoreError {
    StoreError::Corrupt {
        table,
        column: "body",
        message: e.to_string(),
    }
}

fn day(s: Option<String>) -> rusqlite::Result<Option<NaiveDate>> {
    s.map(|s| {
        s.parse::<NaiveDate>().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
    })
    .transpose()
}

pub(super) fn link_backlog(conn: &Connection) -> Result<LinkBacklog> {
    let err = sql_err("reading what linking has left to do");
    let (unlinked, first, last): (u64, Option<String>, Option<String>) = conn
        .query_row(
            "SELECT COUNT(*), MIN(event_date), MAX(event_date) FROM event_reports r
              WHERE NOT EXISTS (SELECT 1 FROM incident_reports ir WHERE ir.report_id = r.id)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(&err)?;
    let mut stmt = conn
        .prepare(
            "SELECT id FROM event_reports r WHERE event_date IS NULL
               AND NOT EXISTS (SELECT 1 FROM incident_reports ir
                                 JOIN incidents i ON i.id = ir.incident_id
                                WHERE ir.report_id = r.id AND i.dirty = 0)
             ORDER BY id",
        )
        .map_err(&err)?;
    let undated = stmt
        .query_map([], |r| r.get(0).map(ReportId))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(&err)?;
    let mut stmt = conn
        .prepare("SELECT id, first_day, last_day FROM incidents WHERE dirty = 1 ORDER BY id")
        .map_err(&err)?;
    let dirty = stmt
        .query_map([], |r| {
            Ok((IncidentId(r.get(0)?), day(r.get(1)?)?, day(r.get(2)?)?))
        })
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(&err)?;
    let mut days = day(first).map_err(&err)?.zip(day(last).map_err(&err)?);
    // A re-extracted report stays in its incident (same id) but may now
    // tell of other days: the days of the reports of incidents to redo.
    let (first, last): (Option<String>, Option<String>) = conn
        .query_row(
            "SELECT MIN(r.event_date), MAX(r.event_date) FROM incidents i
               JOIN incident_reports ir ON ir.incident_id = i.id
               JOIN event_reports r ON r.id = ir.report_id
              WHERE i.dirty = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(&err)?;
    let held = day(first).map_err(&err)?.zip(day(last).map_err(&err)?);
    for (_, a, b) in dirty.iter().chain(std::iter::once(&(
        IncidentId(0),
        held.map(|h| h.0),
        held.map(|h| h.1),
    ))) {
        if let (Some(a), Some(b)) = (a, b) {
            days = Some(match days {
                Some((x, y)) => (x.min(*a), y.max(*b)),
                None => (*a, *b),
            });
        }
    }
    Ok(LinkBacklog {
        unlinked,
        days,
        undated,
        dirty: dirty.into_iter().map(|d| d.0).collect(),
    })
}

const LINK_COLUMNS: &str = "SELECT r.id, r.document_id, r.ordinal, s.kind, r.body, r.revision,
             s.affiliation, d.forwarded_from IS NOT NULL, d.source_id,
             (SELECT COUNT(DISTINCT COALESCE(x.event_date, '') || '|'
                     || COALESCE(json_extract(x.body, '$.place.name'), ''))
                FROM event_reports x WHERE x.document_id = r.document_id)
      FROM event_reports r
      JOIN documents d ON d.id = r.document_id
      JOIN sources s ON s.id = d.source_id";

fn link_rows(conn: &Connection, sql: &str, args: impl rusqlite::Params) -> Result<Vec<LinkInput>> {
    let err = sql_err("reading reports to link");
    let mut stmt = conn.prepare_cached(sql).map_err(&err)?;
    let rows = stmt
        .query_map(args, |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, u32>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, bool>(7)?,
                r.get::<_, i64>(8)?,
                r.get::<_, u32>(9)?,
            ))
        })
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(&err)?;
    rows.into_iter()
        .map(
            |(id, doc, ordinal, kind, body, revision, affiliation, forwarded, source, reports)| {
                Ok(LinkInput {
                    report: report_from(id, doc, &body)?,
                    key: ReportKey {
                        document_id: DocumentId(doc),
                        ordinal,
                    },
                    revision,
                    source_kind: parse_col(kind, "sources", "kind")?,
                    affiliation: affiliation.filter(|a| !a.trim().is_empty()),
                    forwarded,
                    source_id: SourceId(source),
                    document_events: reports,
                })
            },
        )
        .collect()
}

pub(super) fn link_inputs(
    conn: &Connection,
    days: Option<(NaiveDate, NaiveDate)>,
) -> Result<Vec<LinkInput>> {
    match days {
        Some((first, last)) => link_rows(
            conn,
            &format!("{LINK_COLUMNS} WHERE r.event_date BETWEEN ?1 AND ?2 ORDER BY r.id"),
            params![first.to_string(), last.to_string()],
        ),
        None => link_rows(conn, &format!("{LINK_COLUMNS} ORDER BY r.id"), []),
    }
}

pub(super) fn link_inputs_of(
    conn: &Connection,
    ids: &[ReportId],
    keys: &[ReportKey],
) -> Result<Vec<LinkInput>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        out.extend(link_rows(
            conn,
            &format!(
                "{LINK_COLUMNS} WHERE r.id IN ({})",
                vec!["?"; chunk.len()].join(",")
            ),
            params_from_iter(chunk.iter().map(|i| i.0)),
        )?);
    }
    for k in keys {
        out.extend(link_rows(
            conn,
            &format!("{LINK_COLUMNS} WHERE r.document_id = ?1 AND r.ordinal = ?2"),
            params![k.document_id.0, k.ordinal],
        )?);
    }
    out.sort_by_key(|i| i.report.id);
    out.dedup_by_key(|i| i.report.id);
    Ok(out)
}

pub(super) fn incidents_of(conn: &Connection, reports: &[ReportId]) -> Result<Vec<IncidentSpan>> {
    let err = sql_err("reading the incidents of reports");
    let mut ids: Vec<i64> = Vec::new();
    for chunk in reports.chunks(500) {
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT DISTINCT incident_id FROM incident_reports WHERE report_id IN ({})",
                vec!["?"; chunk.len()].join(",")
            ))
            .map_err(&err)?;
        let found = stmt
            .query_map(params_from_iter(chunk.iter().map(|r| r.0)), |r| r.get(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<i64>>>())
            .map_err(&err)?;
        ids.extend(found);
    }
    ids.sort_unstable();
    ids.dedup();
    let mut span = conn
        .prepare_cached("SELECT first_day, last_day FROM incidents WHERE id = ?1")
        .map_err(&err)?;
    let mut members = conn
        .prepare_cached(
            "SELECT report_id FROM incident_reports WHERE incident_id = ?1 ORDER BY report_id",
        )
        .map_err(&err)?;
    ids.into_iter()
        .map(|id| {
            let (a, b) = span
                .query_row([id], |r| Ok((day(r.get(0)?)?, day(r.get(1)?)?)))
                .map_err(&err)?;
            let reports = members
                .query_map([id], |r| r.get(0).map(ReportId))
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(&err)?;
            Ok(IncidentSpan {
                id: IncidentId(id),
                days: a.zip(b),
                reports,
            })
        })
        .collect()
}

pub(super) fn replace_incidents(
    tx: &Transaction<'_>,
    remove: Option<&[IncidentId]>,
    add: &[NewIncident],
) -> Result<Vec<IncidentId>> {
    let err = sql_err("replacing incidents");
    // The removed incidents' anchors, so that the new ones keep their ids.
    let mut anchors: HashMap<(i64, u32), i64> = HashMap::new();
    {
        let mut read = |sql: &str, args: Vec<i64>| -> Result<()> {
            let mut stmt = tx.prepare_cached(sql).map_err(&err)?;
            let rows = stmt
                .query_map(params_from_iter(args), |r| {
                    Ok(((r.get(1)?, r.get(2)?), r.get(0)?))
                })
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(&err)?;
            anchors.extend(rows);
            Ok(())
        };
        match remove {
            None => read(
                "SELECT id, anchor_document, anchor_ordinal FROM incidents",
                Vec::new(),
            )?,
            Some(ids) => {
                for chunk in ids.chunks(500) {
                    read(
                        &format!(
                            "SELECT id, anchor_document, anchor_ordinal FROM incidents
                              WHERE id IN ({})",
                            vec!["?"; chunk.len()].join(",")
                        ),
                        chunk.iter().map(|i| i.0).collect(),
                    )?;
                }
            }
        }
    }
    match remove {
        None => {
            // Faster than cascading row by row.
            tx.execute_batch(
                "DELETE FROM incident_facets; DELETE FROM incident_reports;
                 DELETE FROM incidents;",
            )
            .map_err(&err)?;
        }
        Some(ids) => {
            let mut del = tx
                .prepare_cached("DELETE FROM incidents WHERE id = ?1")
                .map_err(&err)?;
            for id in ids {
                del.execute([id.0]).map_err(&err)?;
            }
        }
    }
    let mut insert = tx
        .prepare_cached(
            "INSERT INTO incidents (id, anchor_document, anchor_ordinal, status, event_type,
                sub_event_type, event_date, first_day, last_day, lat, lon, killed, body)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )
        .map_err(&err)?;
    let mut member = tx
        .prepare_cached("INSERT INTO incident_reports (incident_id, report_id) VALUES (?1, ?2)")
        .map_err(&err)?;
    let mut facet = tx
        .prepare_cached(
            "INSERT OR IGNORE INTO incident_facets
                (dimension, value, incident_id, day, killed, status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .map_err(&err)?;
    let mut stale = tx
        .prepare_cached(
            "SELECT id FROM incidents
              WHERE anchor_document = ?1 AND anchor_ordinal = ?2 AND dirty = 1",
        )
        .map_err(&err)?;
    // Reports read before this transaction began may have been replaced
    // since (a re-extraction in another process): then the caller reads
    // again rather than link what is gone.
    let mut exists = tx
        .prepare_cached("SELECT 1 FROM event_reports WHERE id = ?1")
        .map_err(&err)?;
    for r in add.iter().flat_map(|n| &n.incident.reports) {
        if !exists.exists([r.0]).map_err(&err)? {
            return Err(StoreError::Stale(format!(
                "report {r} was removed after it was read for linking"
            )));
        }
    }
    let mut same = tx
        .prepare_cached("SELECT 1 FROM event_reports WHERE id = ?1 AND revision = ?2")
        .map_err(&err)?;
    for (r, revision) in add.iter().flat_map(|n| &n.read) {
        if !same.exists(params![r.0, revision]).map_err(&err)? {
            return Err(StoreError::Stale(format!(
                "report {r} was re-extracted after it was read for linking"
            )));
        }
    }
    let mut ids = Vec::with_capacity(add.len());
    for n in add {
        let inc = &n.incident;
        let body = serde_json::to_string(&Incident {
            reports: Vec::new(),
            edits: Vec::new(),
            ..inc.clone()
        })
        .map_err(|e| corrupt("incidents", e))?;
        let mut keep = anchors
            .get(&(n.anchor.document_id.0, n.anchor.ordinal))
            .copied();
        if keep.is_none() {
            // A stale incident (its reports re-extracted) with the same
            // anchor: this one replaces it and keeps its id.
            let stale: Option<i64> = stale
                .query_row(params![n.anchor.document_id.0, n.anchor.ordinal], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(&err)?;
            if let Some(id) = stale {
                tx.execute("DELETE FROM incidents WHERE id = ?1", [id])
                    .map_err(&err)?;
                keep = Some(id);
            }
        }
        let place = inc.place.as_ref();
        insert
            .execute(params![
                keep,
                n.anchor.document_id.0,
                n.anchor.ordinal,
                inc.status.as_str(),
                inc.event_type.as_str(),
                inc.sub_event_type.as_str(),
                inc.date.map(|d| d.date.to_string()),
                n.days.map(|d| d.0.to_string()),
                n.days.map(|d| d.1.to_string()),
                place.and_then(|p| p.lat),
                place.and_then(|p| p.lon),
                inc.counts.killed.map(|c| c.value),
                body
            ])
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    StoreError::Conflict(format!(
                        "an incident anchored on report {} is already stored",
                        n.anchor
                    ))
                }
                e => StoreError::Sqlite {
                    context: "storing an incident".into(),
                    source: e,
                },
            })?;
        let id = tx.last_insert_rowid();
        for r in &inc.reports {
            member.execute(params![id, r.0]).map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    StoreError::Conflict(format!(
                        "report {r} does not exist or already belongs to another incident"
                    ))
                }
                e => StoreError::Sqlite {
                    context: "linking reports".into(),
                    source: e,
                },
            })?;
        }
        // What weekly counts read of the incident, on each of its facets.
        let day = inc.date.map(|d| julian_day(d.date));
        let killed = inc.counts.killed.map(|c| c.value);
        for (dim, value) in &n.facets {
            facet
                .execute(params![
                    dim.as_str(),
                    value,
                    id,
                    day,
                    killed,
                    inc.status.as_str()
                ])
                .map_err(&err)?;
        }
        ids.push(IncidentId(id));
    }
    Ok(ids)
}

/// Reads incidents' bodies and fills in their reports; the decisions only
/// when `with_edits` (one incident's page).
fn read_incidents(
    conn: &Connection,
    rows: Vec<(i64, String)>,
    with_edits: bool,
) -> Result<Vec<Incident>> {
    let err = sql_err("reading incidents");
    let mut members = conn
        .prepare_cached(
            "SELECT report_id FROM incident_reports WHERE incident_id = ?1 ORDER BY report_id",
        )
        .map_err(&err)?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, body) in rows {
        let mut inc: Incident = serde_json::from_str(&body).map_err(|e| corrupt("incidents", e))?;
        inc.id = IncidentId(id);
        inc.reports = members
            .query_map([id], |r| r.get(0).map(ReportId))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(&err)?;
        if with_edits {
            inc.edits = decisions_where(
                conn,
                "WHERE d.id IN (SELECT k.decision_id FROM decision_reports k
                   JOIN event_reports r ON r.document_id = k.document_id AND r.ordinal = k.ordinal
                   JOIN incident_reports ir ON ir.report_id = r.id
                  WHERE ir.incident_id = ?1)",
                [id],
            )?
            .into_iter()
            .map(|d| IncidentEdit {
                what: match &d.note {
                    Some(n) => format!("{}: {n}", d.action),
                    None => d.action.to_string(),
                },
                who: d.who,
                when: d.at,
            })
            .collect();
        }
        out.push(inc);
    }
    Ok(out)
}

pub(super) fn incident(conn: &Connection, id: IncidentId) -> Result<Option<Incident>> {
    let body: Option<String> = conn
        .query_row("SELECT body FROM incidents WHERE id = ?1", [id.0], |r| {
            r.get(0)
        })
        .optional()
        .map_err(StoreError::sqlite(format!("reading incident {id}")))?;
    match body {
        None => Ok(None),
        Some(body) => Ok(read_incidents(conn, vec![(id.0, body)], true)?.pop()),
    }
}

pub(super) fn list_incidents(conn: &Connection, f: &IncidentFilter) -> Result<Vec<Incident>> {
    let mut conds: Vec<String> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    if let Some(since) = f.since {
        conds.push("i.event_date >= ?".into());
        args.push(Value::Text(since.to_string()));
    }
    if let Some(until) = f.until {
        conds.push("i.event_date <= ?".into());
        args.push(Value::Text(until.to_string()));
    }
    in_list(
        &mut conds,
        &mut args,
        "i.status",
        f.statuses.iter().map(|s| Value::Text(s.as_str().into())),
    );
    for (dim, value) in &f.facets {
        // A value few incidents have is a short list to look them up by. A
        // common one is checked incident by incident while the date (or
        // id) index is walked in the page's order, which stops after a
        // page: the list of every incident of one perpetrator (80,000 at
        // 1,000,000 reports), sorted, took ~0.5 s (benchmarks/query.sh).
        if facet_has_at_least(conn, *dim, value, FEW_INCIDENTS)? {
            conds.push(
                "EXISTS (SELECT 1 FROM incident_facets f
                          WHERE f.dimension = ? AND f.value = ? AND f.incident_id = i.id)"
                    .into(),
            );
        } else {
            conds.push(
                "i.id IN (SELECT incident_id FROM incident_facets WHERE dimension = ? AND value = ?)"
                    .into(),
            );
        }
        args.push(Value::Text(dim.as_str().into()));
        args.push(Value::Text(value.trim().into()));
    }
    if let Some(b) = f.bbox {
        conds.push("i.lat BETWEEN ? AND ?".into());
        args.push(Value::Real(b.min_lat));
        args.push(Value::Real(b.max_lat));
        if b.min_lon <= b.max_lon {
            conds.push("i.lon BETWEEN ? AND ?".into());
        } else {
            conds.push("(i.lon >= ? OR i.lon <= ?)".into());
        }
        args.push(Value::Real(b.min_lon));
        args.push(Value::Real(b.max_lon));
    }
    let key = match f.sort {
        IncidentSort::Date => Some("i.event_date"),
        IncidentSort::Killed => {
            Some("(CASE WHEN i.killed IS NULL THEN NULL ELSE printf('%010d', i.killed) END)")
        }
        IncidentSort::Id => None,
    };
    if let Some(after) = &f.after {
        keyset(key, "i.id", f.order, after, &mut conds, &mut args);
    }
    // The page's ids first, then their bodies: sorting the bodies of every
    // match (a month is ~16,000 incidents at 1,000,000 reports) cost more
    // than finding them.
    let sql = format!(
        "SELECT i.id FROM incidents i {} ORDER BY {} LIMIT {}",
        where_clause(&conds),
        order_by(key, "i.id", f.order),
        f.limit
    );
    let err = sql_err("listing incidents");
    let mut stmt = conn.prepare_cached(&sql).map_err(&err)?;
    let ids = stmt
        .query_map(params_from_iter(args.iter()), |r| r.get::<_, i64>(0))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(&err)?;
    let mut body = conn
        .prepare_cached("SELECT body FROM incidents WHERE id = ?1")
        .map_err(&err)?;
    let rows = ids
        .into_iter()
        .map(|id| body.query_row([id], |r| Ok((id, r.get::<_, String>(0)?))))
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(&err)?;
    read_incidents(conn, rows, false)
}

/// Below this many incidents a facet value is looked up as a list.
const FEW_INCIDENTS: usize = 2000;

/// Whether at least `n` incidents have `value` in `dim` (reads at most `n`
/// index entries).
fn facet_has_at_least(conn: &Connection, dim: Dimension, value: &str, n: usize) -> Result<bool> {
    let found: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM (SELECT 1 FROM incident_facets
                WHERE dimension = ?1 AND value = ?2 LIMIT ?3)",
        )
        .and_then(|mut s| s.query_row(params![dim.as_str(), value.trim(), n as i64], |r| r.get(0)))
        .map_err(sql_err("counting incidents of a facet"))?;
    Ok(found as usize >= n)
}

pub(super) fn tally_rows(
    conn: &Connection,
    since: Option<NaiveDate>,
    until: Option<NaiveDate>,
    filters: &[(Dimension, String)],
) -> Result<Vec<TallyRow>> {
    let err = sql_err("reading incidents to tally");
    let mut args: Vec<Value> = vec![
        Value::Text(since.map(|d| d.to_string()).unwrap_or_default()),
        Value::Text(
            until
                .map(|d| d.to_string())
                .unwrap_or_else(|| "9999-12-31".into()),
        ),
    ];
    let mut cond = String::from("i.event_date BETWEEN ? AND ?");
    for (dim, value) in filters {
        cond.push_str(
            " AND i.id IN (SELECT incident_id FROM incident_facets
                            WHERE dimension = ? AND value = ?)",
        );
        args.push(Value::Text(dim.as_str().into()));
        args.push(Value::Text(value.trim().into()));
    }
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT i.id, i.event_date, i.killed, i.status FROM incidents i
              WHERE {cond} ORDER BY i.id"
        ))
        .map_err(&err)?;
    let mut rows: Vec<TallyRow> = stmt
        .query_map(params_from_iter(args.iter()), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<u32>>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(&err)?
        .into_iter()
        .map(|(id, date, killed, status)| {
            Ok(TallyRow {
                id: IncidentId(id),
                date: parse_col(date, "incidents", "event_date")?,
                killed: killed.unwrap_or(0),
                status: parse_col(status, "incidents", "status")?,
                facets: Vec::new(),
            })
        })
        .collect::<Result<_>>()?;
    // The facets of the same incidents in one pass, joined in memory.
    let index: HashMap<i64, usize> = rows.iter().enumerate().map(|(n, r)| (r.id.0, n)).collect();
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT f.incident_id, f.dimension, f.value FROM incident_facets f
               JOIN incidents i ON i.id = f.incident_id WHERE {cond}"
        ))
        .map_err(&err)?;
    let mut facets = stmt.query(params_from_iter(args.iter())).map_err(&err)?;
    while let Some(r) = facets.next().map_err(&err)? {
        let id: i64 = r.get(0).map_err(&err)?;
        let Some(&n) = index.get(&id) else { continue };
        let dim = r
            .get_ref(1)
            .map_err(&err)?
            .as_str()
            .map_err(|e| StoreError::Corrupt {
                table: "incident_facets",
                column: "dimension",
                message: e.to_string(),
            })?;
        let dim = Dimension::ALL
            .iter()
            .copied()
            .find(|d| d.as_str() == dim)
            .ok_or_else(|| StoreError::Corrupt {
                table: "incident_facets",
                column: "dimension",
                message: format!("unknown dimension {dim:?}"),
            })?;
        let value: String = r.get(2).map_err(&err)?;
        rows[n].facets.push((dim, value));
    }
    Ok(rows)
}

/// Julian day number of 0000-12-31 (chrono's day 0 from the common era):
/// a day's Julian day number is its days from the common era plus this.
const JULIAN_CE: i64 = 1_721_425;

/// A day as its Julian day number: consecutive integers, Mondays ≡ 0 (mod
/// 7). `CAST(julianday(d) + 0.5 AS INTEGER)` in SQL.
pub(super) fn julian_day(day: NaiveDate) -> i64 {
    i64::from(day.num_days_from_ce()) + JULIAN_CE
}

fn from_julian_day(n: i64) -> Option<NaiveDate> {
    i32::try_from(n - JULIAN_CE)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

pub(super) fn weekly_counts(conn: &Connection, q: &WeeklyCountQuery) -> Result<Vec<WeeklyCount>> {
    use vigil_model::Measure;
    let err = sql_err("counting incidents by week");
    // Every count reads one row per incident (and per value of `by`) with
    // the incident's day, killed and status on it: a facet row (0006) when
    // there is a facet to start from, else the incident itself. Starting
    // from the facet rows of a filter or of `by` reads a contiguous range
    // of an index instead of looking each incident up (0.16–0.3 s for
    // 40,000–80,000 incidents at 1,000,000 reports).
    let mut args: Vec<Value> = Vec::new();
    let (since, until) = (julian_day(q.since), julian_day(q.until));
    let (mut from, mut cond, rest) = match q.filters.split_first() {
        Some(((dim, value), rest)) => {
            args.extend([
                Value::Text(dim.as_str().into()),
                Value::Text(value.trim().into()),
                Value::Integer(since),
                Value::Integer(until),
            ]);
            (
                "incident_facets d".to_string(),
                "d.dimension = ? AND d.value = ? AND d.day BETWEEN ? AND ?".to_string(),
                rest,
            )
        }
        None => match q.by {
            Some(dim) => {
                args.extend([
                    Value::Text(dim.as_str().into()),
                    Value::Integer(since),
                    Value::Integer(until),
                ]);
                (
                    "incident_facets d".to_string(),
                    "d.dimension = ? AND d.day BETWEEN ? AND ?".to_string(),
                    &q.filters[..],
                )
            }
            None => {
                args.extend([
                    Value::Text(q.since.to_string()),
                    Value::Text(q.until.to_string()),
                ]);
                (
                    "(SELECT id AS incident_id, CAST(julianday(event_date) + 0.5 AS INTEGER) AS day,
                             killed, status
                        FROM incidents WHERE event_date BETWEEN ? AND ?) d"
                        .to_string(),
                    "1".to_string(),
                    &q.filters[..],
                )
            }
        },
    };
    let key = match (q.by, q.filters.is_empty()) {
        (None, _) => None,
        // The facet rows started from are those of `by`.
        (Some(_), true) => Some("d.value"),
        (Some(dim), false) => {
            from.push_str(
                " JOIN incident_facets k ON k.incident_id = d.incident_id AND k.dimension = ?",
            );
            args.insert(0, Value::Text(dim.as_str().into()));
            Some("k.value")
        }
    };
    for (dim, value) in rest {
        cond.push_str(
            " AND EXISTS (SELECT 1 FROM incident_facets g
                           WHERE g.dimension = ? AND g.value = ? AND g.incident_id = d.incident_id)",
        );
        args.push(Value::Text(dim.as_str().into()));
        args.push(Value::Text(value.trim().into()));
    }
    // Julian day numbers count Mondays as 0 (mod 7), Tuesdays 1, …
    // Sundays 6: a day `day` is `(day + shift) % 7` days past the first day
    // of its week when `shift` is 7 less that day's number (mod 7).
    let shift = i64::from((7 - q.week_start.days_from_monday()) % 7);
    let measure = match q.measure {
        Measure::Incidents => "COUNT(*)",
        Measure::Claims => "SUM(d.status IN ('claim_only', 'corroborated'))",
        Measure::Fatalities => "SUM(COALESCE(d.killed, 0))",
    };
    // Grouped by day in SQL (one value's rows come in order of day, so
    // without a sort), by week here: grouping 80,000 rows by a computed
    // week took SQLite 70 ms of the 90.
    let (select_key, group) = match key {
        Some(k) => (format!("MIN({k})"), format!("{k}, d.day")),
        None => ("NULL".to_string(), "d.day".to_string()),
    };
    let sql =
        format!("SELECT {select_key}, d.day, {measure} FROM {from} WHERE {cond} GROUP BY {group}");
    let mut stmt = conn.prepare_cached(&sql).map_err(&err)?;
    let mut rows = stmt.query(params_from_iter(args.iter())).map_err(&err)?;
    // (value as NOCASE compares it, week) -> (its first spelling in binary
    // order within the week, the count): what GROUP BY value, week gave.
    let mut weeks: HashMap<(Option<String>, i64), (Option<String>, i64)> = HashMap::new();
    while let Some(r) = rows.next().map_err(&err)? {
        let key: Option<String> = r.get(0).map_err(&err)?;
        let day: i64 = r.get(1).map_err(&err)?;
        let value: i64 = r.get(2).map_err(&err)?;
        let week = day - (day + shift) % 7;
        let slot = weeks
            .entry((key.as_ref().map(|k| k.to_ascii_lowercase()), week))
            .or_insert((None, 0));
        if slot.0.is_none() || key < slot.0 {
            slot.0 = key;
        }
        slot.1 += value;
    }
    let mut out: Vec<(Option<String>, i64, i64)> = weeks
        .into_iter()
        .filter(|(_, (_, value))| *value > 0)
        .map(|((_, week), (key, value))| (key, week, value))
        .collect();
    out.sort();
    out.into_iter()
        .map(|(key, week, value)| {
            Ok(WeeklyCount {
                key,
                week: from_julian_day(week).ok_or_else(|| StoreError::Corrupt {
                    table: "incident_facets",
                    column: "day",
                    message: format!("{week} is not a Julian day number"),
                })?,
                value: value as u64,
            })
        })
        .collect()
}

/// The latest `n` decisions about any of `keys`, oldest first.
fn latest_about(conn: &Connection, keys: &[ReportKey], n: usize) -> Result<Vec<Decision>> {
    let err = sql_err("reading the latest decisions about reports");
    let mut stmt = conn
        .prepare_cached(
            "SELECT decision_id FROM decision_reports WHERE document_id = ?1 AND ordinal = ?2
              ORDER BY decision_id DESC LIMIT ?3",
        )
        .map_err(&err)?;
    let mut ids = std::collections::BTreeSet::new();
    for k in keys {
        let found = stmt
            .query_map(params![k.document_id.0, k.ordinal, n as i64], |r| {
                r.get::<_, i64>(0)
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(&err)?;
        ids.extend(found);
    }
    let mut out = Vec::new();
    for id in ids.into_iter().rev().take(n) {
        out.extend(decisions_where(conn, "WHERE d.id = ?1", [id])?);
    }
    out.reverse();
    Ok(out)
}

fn same_content(stored: &[Decision], digests: &[String]) -> bool {
    stored.len() == digests.len()
        && stored
            .iter()
            .zip(digests)
            .all(|(d, digest)| decision_digest(d) == *digest)
}

pub(super) fn record_decisions(
    tx: &Transaction<'_>,
    ds: &[Decision],
    request_key: Option<&str>,
) -> Result<RecordedDecisions> {
    let err = sql_err("recording a decision");
    let digests: Vec<String> = ds.iter().map(decision_digest).collect();
    if let Some(k) = request_key {
        let before = decisions_where(tx, "WHERE d.request_key = ?1", [k])?;
        if !before.is_empty() {
            if crate::contract::same_request(&before, ds) {
                return Ok(RecordedDecisions {
                    decisions: before,
                    repeated: true,
                });
            }
            return Err(StoreError::Conflict(format!(
                "Idempotency-Key {k:?} was sent before with another request (decision {}); \
                 send a new key with each new request",
                before[0].id
            )));
        }
    }
    // The same content in the same state: the latest decisions about
    // these reports are these.
    let mut keys: Vec<ReportKey> = ds.iter().flat_map(|d| d.reports.iter().copied()).collect();
    keys.sort_unstable();
    keys.dedup();
    let latest = latest_about(tx, &keys, ds.len())?;
    if !ds.is_empty() && same_content(&latest, &digests) {
        return Ok(RecordedDecisions {
            decisions: latest,
            repeated: true,
        });
    }
    let mut after = latest.last().map_or(0, |d| d.id);
    let mut out = Vec::with_capacity(ds.len());
    for (d, digest) in ds.iter().zip(&digests) {
        let body = serde_json::to_string(d).map_err(|e| corrupt("decisions", e))?;
        // The unique index on (digest, after_id) is the last word: the same
        // decision in the same state is never written twice.
        let written = tx
            .execute(
                "INSERT OR IGNORE INTO decisions (who, at, body, digest, after_id, request_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![d.who, ts(&d.at), body, digest, after, request_key],
            )
            .map_err(&err)?;
        let id = if written == 1 {
            tx.last_insert_rowid()
        } else {
            tx.query_row(
                "SELECT id FROM decisions WHERE digest = ?1 AND after_id = ?2",
                params![digest, after],
                |r| r.get(0),
            )
            .map_err(&err)?
        };
        let mut key = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO decision_reports (document_id, ordinal, decision_id)
                 VALUES (?1, ?2, ?3)",
            )
            .map_err(&err)?;
        for k in &d.reports {
            key.execute(params![k.document_id.0, k.ordinal, id])
                .map_err(&err)?;
        }
        // The incidents it touches are redone by the next link.
        tx.execute(
            "UPDATE incidents SET dirty = 1 WHERE id IN (
                SELECT ir.incident_id FROM decision_reports k
                  JOIN event_reports r ON r.document_id = k.document_id AND r.ordinal = k.ordinal
                  JOIN incident_reports ir ON ir.report_id = r.id
                 WHERE k.decision_id = ?1)",
            [id],
        )
        .map_err(&err)?;
        out.push(Decision { id, ..d.clone() });
        after = id;
    }
    Ok(RecordedDecisions {
        decisions: out,
        repeated: false,
    })
}

fn decisions_where(
    conn: &Connection,
    cond: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<Decision>> {
    let err = sql_err("reading decisions");
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT d.id, d.body FROM decisions d {cond} ORDER BY d.id"
        ))
        .map_err(&err)?;
    let rows = stmt
        .query_map(args, |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(&err)?;
    rows.into_iter()
        .map(|(id, body)| {
            let mut d: Decision =
                serde_json::from_str(&body).map_err(|e| corrupt("decisions", e))?;
            d.id = id;
            Ok(d)
        })
        .collect()
}

pub(super) fn decisions(conn: &Connection) -> Result<Vec<Decision>> {
    decisions_where(conn, "", [])
}

pub(super) fn decisions_for_request(conn: &Connection, key: &str) -> Result<Vec<Decision>> {
    decisions_where(conn, "WHERE d.request_key = ?1", [key])
}

pub(super) fn put_sites(tx: &Transaction<'_>, sites: &[Site]) -> Result<()> {
    let err = sql_err("storing sites");
    tx.execute("DELETE FROM sites", []).map_err(&err)?;
    let mut insert = tx
        .prepare_cached("INSERT INTO sites (key, body) VALUES (?1, ?2)")
        .map_err(&err)?;
    for s in sites {
        let body = serde_json::to_string(s).map_err(|e| corrupt("sites", e))?;
        insert.execute(params![s.key, body]).map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                StoreError::Conflict(format!("site key {:?} is given twice", s.key))
            }
            e => StoreError::Sqlite {
                context: "storing sites".into(),
                source: e,
            },
        })?;
    }
    tx.execute("UPDATE incidents SET dirty = 1", [])
        .map_err(&err)?;
    Ok(())
}

pub(super) fn sites(conn: &Connection) -> Result<Vec<Site>> {
    let err = sql_err("reading sites");
    let mut stmt = conn
        .prepare_cached("SELECT body FROM sites ORDER BY key")
        .map_err(&err)?;
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(&err)?;
    rows.iter()
        .map(|b| serde_json::from_str(b).map_err(|e| corrupt("sites", e)))
        .collect()
}
