//! Narratives: each propaganda theme's weekly share of the tagged
//! documents, per kind of source, with the "rising" verdict of the surge
//! tests, and the documents tagged with it, their matched terms as
//! evidence.
//!
//! The weekly table is [`vigil_analyze::narratives::weekly`] over the
//! store's per-day counts, as `vigil narratives weekly` computes it. The
//! tags live in the store (`vigil narratives tag`), so the store alone is
//! enough; the narratives file only adds each narrative's display name and
//! description, and lists narratives no document carries yet. `vigil
//! serve` gives the server the same file `vigil narratives` reads
//! (`--narratives FILE`, the bundled one by default, see
//! [`crate::AppState::with_narratives`]); without one, the narratives are
//! the keys found in the store.

use std::collections::BTreeSet;

use axum::extract::{Path, RawQuery, State};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vigil_analyze::narratives::{weekly, NarrativeWeek, WeeklyOptions};
use vigil_analyze::surge::{SurgeOptions, SurgeResult};
use vigil_model::{DocumentId, Lang, NarrativeDayCount, SourceId, SourceKind, Span, WeekStart};
use vigil_store::Store;

use crate::api::page;
use crate::params::{self, parse_query, Cursor};
use crate::{ApiError, AppState, ErrorBody};

type ApiResult<T> = Result<Json<T>, ApiError>;

// ---- answers ---------------------------------------------------------------

/// A narrative's share of one kind of source's tagged documents in a week.
#[derive(Debug, Serialize, ToSchema)]
pub struct KindShareOut {
    /// The kind of source.
    pub source_kind: SourceKind,
    /// Documents of that kind carrying the narrative.
    pub documents: u64,
    /// Documents of that kind tagged that week (with any narrative or none).
    pub tagged: u64,
    /// documents / tagged.
    pub share: f64,
}

/// A narrative's week.
#[derive(Debug, Serialize, ToSchema)]
pub struct NarrativeWeekOut {
    /// The week's first day.
    pub week: NaiveDate,
    /// Documents carrying the narrative, every kind of source together.
    pub documents: u64,
    /// Documents tagged that week.
    pub tagged: u64,
    /// documents / tagged (0 when nothing was tagged).
    pub share: f64,
    /// Whether a surge test flags the week's document count against the
    /// weeks before it.
    pub rising: bool,
    /// Each test's verdict.
    #[schema(value_type = Vec<Object>)]
    pub tests: Vec<SurgeResult>,
    /// The share per kind of source that had tagged documents that week.
    pub kinds: Vec<KindShareOut>,
}

/// A narrative with its weekly shares.
#[derive(Debug, Serialize, ToSchema)]
pub struct NarrativeOut {
    /// Its key (`/api/v1/narratives/{key}/documents`).
    pub key: String,
    /// Display name (the key when the server has no narratives file).
    pub name: String,
    /// What the theme is (empty without a narratives file).
    pub description: String,
    /// Documents carrying it in the weeks shown.
    pub documents: u64,
    /// The verdict on the last week shown: rising or not.
    pub rising: bool,
    /// The weeks shown that a test flags.
    pub rising_weeks: Vec<NaiveDate>,
    /// Every week shown, oldest first, empty weeks included.
    pub weeks: Vec<NarrativeWeekOut>,
}

/// Every narrative, in the order of the narratives file.
#[derive(Debug, Serialize, ToSchema)]
pub struct NarrativeList {
    /// The day weeks start on.
    pub week_start: WeekStart,
    /// Weeks in each surge test's baseline.
    pub baseline_weeks: usize,
    /// The narratives.
    pub items: Vec<NarrativeOut>,
}

/// One match of a narrative term in a document.
#[derive(Debug, Serialize, ToSchema)]
pub struct TermMatchOut {
    /// The term of the narratives file that matched.
    pub term: String,
    /// Where it matched in the document's text, in code points.
    pub span: Span,
    /// The words matched, as written in the document.
    pub text: String,
    /// Up to 60 code points either side of the match.
    pub excerpt: String,
    /// Where the match is in `excerpt`, in code points.
    pub excerpt_span: Span,
}

/// A document tagged with a narrative, with its matches.
#[derive(Debug, Serialize, ToSchema)]
pub struct NarrativeDocumentOut {
    /// Its id (`/api/v1/documents/{id}`).
    pub id: DocumentId,
    /// Its source.
    pub source_id: SourceId,
    /// That source's name.
    pub source: String,
    /// That source's kind.
    pub source_kind: SourceKind,
    /// When published.
    pub published: Option<DateTime<Utc>>,
    /// Language.
    pub lang: Lang,
    /// Title.
    pub title: Option<String>,
    /// Every match of the narrative's terms, in text order.
    pub matches: Vec<TermMatchOut>,
}

/// A page of a narrative's documents, newest stored first.
#[derive(Debug, Serialize, ToSchema)]
pub struct NarrativeDocumentPage {
    /// This page.
    pub items: Vec<NarrativeDocumentOut>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

// ---- parameters ------------------------------------------------------------

/// The weeks of the narratives' table.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NarrativeParams {
    /// The first day of each week, any day named in English, any case: `monday` (default, ISO weeks), `tuesday`, `wednesday`, `thursday`, `friday`, `saturday` (ACLED's weeks) or `sunday`.
    week_start: Option<String>,
    /// First week shown: the week holding this day (YYYY-MM-DD); earlier weeks still serve as baseline. At most 520 weeks (ten years) are shown: from and to further apart are a 400; a bound left out comes within 520 weeks of the other.
    from: Option<String>,
    /// Last week shown: the week holding this day (YYYY-MM-DD).
    to: Option<String>,
}

/// Which of a narrative's documents, and the page.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NarrativeDocumentParams {
    /// Published on or after this day (YYYY-MM-DD, UTC).
    from: Option<String>,
    /// Published on or before this day (YYYY-MM-DD, UTC).
    to: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Items per page, 1 to 500 (default 50).
    limit: Option<String>,
}

const NARRATIVE_TAKES: &[&str] = &["week_start", "from", "to"];
const DOCUMENT_TAKES: &[&str] = &["from", "to", "cursor", "limit"];

/// The narratives known: the file's, in its order, then any other key the
/// store's tags carry (a file edited since tagging), sorted.
fn known(state: &AppState, counts: &[NarrativeDayCount]) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = state
        .narratives
        .as_deref()
        .map(|set| {
            set.narratives()
                .iter()
                .map(|n| (n.key.clone(), n.name.clone(), n.description.clone()))
                .collect()
        })
        .unwrap_or_default();
    let stored: BTreeSet<&str> = counts
        .iter()
        .filter_map(|c| c.narrative.as_deref())
        .collect();
    for k in stored {
        if !out.iter().any(|(key, _, _)| key == k) {
            out.push((k.to_string(), k.to_string(), String::new()));
        }
    }
    out
}

// ---- handlers --------------------------------------------------------------

/// Every narrative with its weekly share of the tagged documents, per kind
/// of source, and the rising verdict of each week.
#[utoipa::path(get, path = "/api/v1/narratives", tag = "narratives", params(NarrativeParams),
    responses((status = 200, body = NarrativeList), (status = 400, body = ErrorBody)))]
pub async fn list_narratives(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<NarrativeList> {
    let p: NarrativeParams = parse_query(raw.as_deref(), NARRATIVE_TAKES)?;
    let week_start: WeekStart = match p.week_start.as_deref() {
        None => WeekStart::Monday,
        Some(s) => s
            .trim()
            .parse()
            .map_err(|e| ApiError::bad_request(format!("week_start: {e}")))?,
    };
    let (from, to) = params::date_range(&p.from, &p.to)?;
    if let (Some(f), Some(t)) = (from, to) {
        params::bounded_weeks(from, to, (f, t), week_start)?;
    }
    // Every week before `to` counts: the first weeks shown need their baseline.
    let counts = state
        .pool
        .run(move |s| Ok(s.narrative_day_counts(None, to)?))
        .await?;
    // At most MAX_WEEKS shown: a bound left out comes within them of the other.
    let days = counts.iter().map(|c| c.day);
    let (from, to) = match (days.clone().min(), days.max()) {
        (Some(a), Some(b)) => {
            let (f, t) = params::bounded_weeks(from, to, (a, b), week_start)?;
            (Some(f), Some(t))
        }
        _ => (from, to),
    };
    let known = known(&state, &counts);
    let keys: Vec<String> = known.iter().map(|(k, _, _)| k.clone()).collect();
    let opts = WeeklyOptions {
        week_start,
        from,
        to,
        surge: SurgeOptions::default(),
    };
    let rows = weekly(&counts, &keys, &opts);
    let items = known
        .into_iter()
        .map(|(key, name, description)| narrative_out(key, name, description, &rows))
        .collect();
    Ok(Json(NarrativeList {
        week_start,
        baseline_weeks: opts.surge.baseline_weeks,
        items,
    }))
}

/// One narrative's weeks from the rows of [`weekly`] (each all-kinds row
/// followed by that week's per-kind rows).
fn narrative_out(
    key: String,
    name: String,
    description: String,
    rows: &[NarrativeWeek],
) -> NarrativeOut {
    let mut weeks: Vec<NarrativeWeekOut> = Vec::new();
    for r in rows.iter().filter(|r| r.narrative == key) {
        match r.source_kind {
            None => weeks.push(NarrativeWeekOut {
                week: r.week,
                documents: r.documents,
                tagged: r.tagged,
                share: r.share,
                rising: r.rising.unwrap_or(false),
                tests: r.tests.clone(),
                kinds: Vec::new(),
            }),
            Some(kind) => {
                if let Some(w) = weeks.last_mut().filter(|w| w.week == r.week) {
                    w.kinds.push(KindShareOut {
                        source_kind: kind,
                        documents: r.documents,
                        tagged: r.tagged,
                        share: r.share,
                    });
                }
            }
        }
    }
    NarrativeOut {
        documents: weeks.iter().map(|w| w.documents).sum(),
        rising: weeks.last().is_some_and(|w| w.rising),
        rising_weeks: weeks.iter().filter(|w| w.rising).map(|w| w.week).collect(),
        key,
        name,
        description,
        weeks,
    }
}

/// The documents tagged with a narrative, newest stored first, each with
/// the matches of the narrative's terms (term, offsets, the words and an
/// excerpt). Undated documents are left out when `from` or `to` is given.
#[utoipa::path(get, path = "/api/v1/narratives/{key}/documents", tag = "narratives",
    params(("key" = String, Path, description = "The narrative's key"), NarrativeDocumentParams),
    responses((status = 200, body = NarrativeDocumentPage), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn narrative_documents(
    State(state): State<AppState>,
    Path(key): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<NarrativeDocumentPage> {
    let p: NarrativeDocumentParams = parse_query(raw.as_deref(), DOCUMENT_TAKES)?;
    let limit = params::limit(&p.limit)?;
    let after = Cursor::decode(&p.cursor, "-id")?.map(|c| c.i);
    let (since, until) = params::date_range(&p.from, &p.to)?;
    let in_file = state
        .narratives
        .as_deref()
        .is_some_and(|set| set.narratives().iter().any(|n| n.key == key));
    let (rows, next_cursor) = state
        .pool
        .run(move |s| {
            let ids = tagged_ids(s, &key, since, until)?;
            if ids.is_empty() && !in_file && !any_tagged(s, &key)? {
                return Err(ApiError::not_found(format!(
                    "narrative {key:?} not found; see /api/v1/narratives"
                )));
            }
            let ids: Vec<DocumentId> = ids
                .into_iter()
                .rev()
                .filter(|d| after.is_none_or(|a| d.0 < a))
                .take(limit + 1)
                .collect();
            let (ids, next) = page(ids, limit, |d| Cursor {
                s: "-id".into(),
                k: None,
                i: d.0,
            });
            let sources = s.sources()?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                let Some(d) = s.document(id)? else { continue };
                let src = sources.iter().find(|x| x.source.id == d.source_id);
                let chars: Vec<char> = d.text.chars().collect();
                let matches = s
                    .narrative_tags(id)?
                    .into_iter()
                    .filter(|t| t.narrative == key)
                    .map(|t| term_match(&chars, t.term, t.span))
                    .collect();
                out.push(NarrativeDocumentOut {
                    id: d.id,
                    source_id: d.source_id,
                    source: src.map(|x| x.source.name.clone()).unwrap_or_default(),
                    source_kind: src.map_or(SourceKind::Other, |x| x.source.kind),
                    published: d.published,
                    lang: d.lang,
                    title: d.title,
                    matches,
                });
            }
            Ok((out, next))
        })
        .await?;
    Ok(Json(NarrativeDocumentPage {
        items: rows,
        next_cursor,
    }))
}

/// The ids of the documents carrying `key`, published within the days
/// (every dated document when neither is given), in id order.
fn tagged_ids(
    s: &dyn Store,
    key: &str,
    since: Option<NaiveDate>,
    until: Option<NaiveDate>,
) -> Result<Vec<DocumentId>, ApiError> {
    // Four-digit years: the store compares days as text, and the day after
    // 9999-12-31 would be written "+10000-01-01", before every date.
    let first = NaiveDate::from_ymd_opt(1000, 1, 1).unwrap_or_default();
    let last = NaiveDate::from_ymd_opt(9999, 12, 30).unwrap_or_default();
    Ok(s.narrative_documents(key, since.unwrap_or(first), until.unwrap_or(last))?)
}

/// Whether any dated document ever carried `key`.
fn any_tagged(s: &dyn Store, key: &str) -> Result<bool, ApiError> {
    Ok(s.narrative_day_counts(None, None)?
        .iter()
        .any(|c| c.narrative.as_deref() == Some(key)))
}

/// Context either side of a match.
const EXCERPT: usize = 60;

fn term_match(chars: &[char], term: String, span: Span) -> TermMatchOut {
    let end = span.end.min(chars.len());
    let start = span.start.min(end);
    let from = start.saturating_sub(EXCERPT);
    let to = (end + EXCERPT).min(chars.len());
    TermMatchOut {
        term,
        span,
        text: chars[start..end].iter().collect(),
        excerpt: chars[from..to].iter().collect(),
        excerpt_span: Span {
            start: start - from,
            end: end - from,
        },
    }
}
