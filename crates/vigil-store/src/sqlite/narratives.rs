//! Narrative tags: which documents were tagged with which narratives file,
//! and the tags with their evidence.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter};
use serde::{Deserialize, Serialize};
use vigil_model::{DocumentId, NarrativeDayCount, NarrativeTag, Span};

use super::{day_start, parse_col, ts, SqliteStore};
use crate::contract::Result;
use crate::StoreError;

/// One match as kept in `document_narratives.evidence`.
#[derive(Serialize, Deserialize)]
struct Evidence {
    term: String,
    span: Span,
}

/// The condition selecting documents to tag, with `?1` the digest.
fn to_tag_cond(all: bool) -> &'static str {
    if all {
        "1"
    } else {
        "NOT EXISTS (SELECT 1 FROM narrative_tagging t WHERE t.document_id = d.id AND t.digest = ?1)"
    }
}

impl SqliteStore {
    pub(super) fn documents_to_tag_impl(
        &self,
        digest: &str,
        all: bool,
        after: DocumentId,
        limit: usize,
    ) -> Result<Vec<DocumentId>> {
        let sql = format!(
            "SELECT d.id FROM documents d WHERE {} AND d.id > ?2 ORDER BY d.id LIMIT ?3",
            to_tag_cond(all)
        );
        let mut stmt = self
            .conn
            .prepare_cached(&sql)
            .map_err(StoreError::sqlite("listing documents to tag"))?;
        let rows = stmt
            .query_map(params![digest, after.0, limit as i64], |r| {
                r.get::<_, i64>(0)
            })
            .map_err(StoreError::sqlite("listing documents to tag"))?;
        rows.map(|r| {
            r.map(DocumentId)
                .map_err(StoreError::sqlite("reading documents to tag"))
        })
        .collect()
    }

    pub(super) fn count_documents_to_tag_impl(&self, digest: &str, all: bool) -> Result<u64> {
        let sql = format!(
            "SELECT count(*) FROM documents d WHERE {} AND ?1 = ?1",
            to_tag_cond(all)
        );
        self.conn
            .query_row(&sql, [digest], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(StoreError::sqlite("counting documents to tag"))
    }

    pub(super) fn replace_narrative_tags_impl(
        &mut self,
        digest: &str,
        tagged_at: DateTime<Utc>,
        batch: &[(DocumentId, Vec<NarrativeTag>)],
    ) -> Result<()> {
        let tx = self.tx()?;
        {
            let mut clear = tx
                .prepare_cached("DELETE FROM document_narratives WHERE document_id = ?1")
                .map_err(StoreError::sqlite("clearing narrative tags"))?;
            let mut mark = tx
                .prepare_cached(
                    "INSERT INTO narrative_tagging (document_id, digest, tagged_at)
                     VALUES (?1, ?2, ?3)
                     ON CONFLICT (document_id) DO UPDATE SET digest = ?2, tagged_at = ?3",
                )
                .map_err(StoreError::sqlite("marking tagged documents"))?;
            let mut put = tx
                .prepare_cached(
                    "INSERT INTO document_narratives (document_id, narrative, evidence)
                     VALUES (?1, ?2, ?3)",
                )
                .map_err(StoreError::sqlite("storing narrative tags"))?;
            let at = ts(&tagged_at);
            for (doc, tags) in batch {
                clear.execute([doc.0]).map_err(StoreError::sqlite(format!(
                    "clearing tags of document {doc}"
                )))?;
                mark.execute(params![doc.0, digest, at])
                    .map_err(|e| match e {
                        rusqlite::Error::SqliteFailure(f, _)
                            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                        {
                            StoreError::NotFound(format!("document {doc}"))
                        }
                        e => StoreError::Sqlite {
                            context: format!("marking document {doc} tagged"),
                            source: e,
                        },
                    })?;
                let mut by_narrative: std::collections::BTreeMap<&str, Vec<Evidence>> =
                    Default::default();
                for t in tags {
                    by_narrative
                        .entry(&t.narrative)
                        .or_default()
                        .push(Evidence {
                            term: t.term.clone(),
                            span: t.span,
                        });
                }
                for (narrative, mut evidence) in by_narrative {
                    evidence.sort_by_key(|e| (e.span.start, e.span.end));
                    let json = serde_json::to_string(&evidence).map_err(|e| {
                        StoreError::Conflict(format!("evidence does not serialize: {e}"))
                    })?;
                    put.execute(params![doc.0, narrative, json])
                        .map_err(StoreError::sqlite(format!("tagging document {doc}")))?;
                }
            }
        }
        tx.commit()
            .map_err(StoreError::sqlite("committing narrative tags"))
    }

    pub(super) fn narrative_tags_impl(&self, doc: DocumentId) -> Result<Vec<NarrativeTag>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT narrative, evidence FROM document_narratives
                 WHERE document_id = ?1 ORDER BY narrative",
            )
            .map_err(StoreError::sqlite("reading narrative tags"))?;
        let rows: Vec<(String, String)> = stmt
            .query_map([doc.0], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect())
            .map_err(StoreError::sqlite("reading narrative tags"))?;
        let mut out = Vec::new();
        for (narrative, json) in rows {
            let evidence: Vec<Evidence> =
                serde_json::from_str(&json).map_err(|e| StoreError::Corrupt {
                    table: "document_narratives",
                    column: "evidence",
                    message: e.to_string(),
                })?;
            out.extend(evidence.into_iter().map(|e| NarrativeTag {
                narrative: narrative.clone(),
                term: e.term,
                span: e.span,
            }));
        }
        Ok(out)
    }

    pub(super) fn narrative_day_counts_impl(
        &self,
        since: Option<NaiveDate>,
        until: Option<NaiveDate>,
    ) -> Result<Vec<NarrativeDayCount>> {
        let mut conds = vec!["d.published IS NOT NULL".to_string()];
        let mut args: Vec<Value> = Vec::new();
        if let Some(s) = since {
            args.push(Value::Text(day_start(s)));
            conds.push(format!("d.published >= ?{}", args.len()));
        }
        if let Some(u) = until.and_then(|u| u.succ_opt()) {
            args.push(Value::Text(day_start(u)));
            conds.push(format!("d.published < ?{}", args.len()));
        }
        let cond = conds.join(" AND ");
        let sql = format!(
            "SELECT substr(d.published, 1, 10) AS day, s.kind, NULL, count(*)
               FROM narrative_tagging t
               JOIN documents d ON d.id = t.document_id
               JOIN sources s ON s.id = d.source_id
              WHERE {cond}
              GROUP BY day, s.kind
             UNION ALL
             SELECT substr(d.published, 1, 10) AS day, s.kind, n.narrative, count(*)
               FROM document_narratives n
               JOIN documents d ON d.id = n.document_id
               JOIN sources s ON s.id = d.source_id
              WHERE {cond}
              GROUP BY day, s.kind, n.narrative
             ORDER BY 1, 2, 3"
        );
        let mut stmt = self
            .conn
            .prepare(&sql)
            .map_err(StoreError::sqlite("counting tagged documents"))?;
        let rows: Vec<(String, String, Option<String>, i64)> = stmt
            .query_map(params_from_iter(args), |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .and_then(|rows| rows.collect())
            .map_err(StoreError::sqlite("counting tagged documents"))?;
        rows.into_iter()
            .map(|(day, kind, narrative, n)| {
                Ok(NarrativeDayCount {
                    day: parse_col(day, "documents", "published")?,
                    source_kind: parse_col(kind, "sources", "kind")?,
                    narrative,
                    documents: n as u64,
                })
            })
            .collect()
    }

    pub(super) fn narrative_documents_impl(
        &self,
        narrative: &str,
        since: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<DocumentId>> {
        let end = until.succ_opt().unwrap_or(until);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT d.id FROM document_narratives n JOIN documents d ON d.id = n.document_id
                  WHERE n.narrative = ?1 AND d.published >= ?2 AND d.published < ?3
                  ORDER BY d.id",
            )
            .map_err(StoreError::sqlite("listing a narrative's documents"))?;
        let ids: Vec<i64> = stmt
            .query_map(params![narrative, day_start(since), day_start(end)], |r| {
                r.get(0)
            })
            .and_then(|rows| rows.collect())
            .map_err(StoreError::sqlite("listing a narrative's documents"))?;
        Ok(ids.into_iter().map(DocumentId).collect())
    }
}
