//! The endpoints under `/api/v1`, their parameters and their answers.

use axum::extract::{Path, RawQuery, State};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vigil_model::{
    ClaimStatus, DocumentCopy, DocumentId, EventReport, EventType, Lang, Origin, ReportId,
    SourceId, SourceKind, Span, SubEventType,
};
/// A document in a listing, without its text.
pub use vigil_store::DocumentSummary as DocumentSummaryOut;
/// A source with its counts (the schema is derived on the store's type).
pub use vigil_store::SourceSummary as SourceOut;
use vigil_store::{
    report_page_after, BBox, DocumentFilter, DocumentSort, ReportFilter, ReportSort, SearchQuery,
    Store,
};

use crate::params::{self, parse_query, Cursor};
use crate::{ApiError, AppState, ErrorBody};

type ApiResult<T> = Result<Json<T>, ApiError>;

// ---- answers ---------------------------------------------------------------

/// One document with its full text and its copies.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentOut {
    /// Stable id.
    pub id: DocumentId,
    /// Its source.
    pub source_id: SourceId,
    /// Its source's name.
    pub source: String,
    /// Id in the source (a message id, a feed guid).
    pub external_id: Option<String>,
    /// Address.
    pub url: Option<String>,
    /// When published.
    pub published: Option<DateTime<Utc>>,
    /// When Vigil read it.
    pub collected: DateTime<Utc>,
    /// When last edited at the source.
    pub edited: Option<DateTime<Utc>>,
    /// Where a forwarded message came from.
    pub forwarded_from: Option<String>,
    /// Language.
    pub lang: Lang,
    /// Title.
    pub title: Option<String>,
    /// The text as read (evidence spans index into it, in code points).
    pub text: String,
    /// Digest of the normalized text (32 hex digits).
    #[schema(value_type = String)]
    pub content_hash: String,
    /// Where it was read from.
    pub origin: Origin,
    /// Its copies: forwards, reposts and re-runs by other sources (README,
    /// "Copies and publications"), never independent sources; the first
    /// 500 (`MAX_LIMIT`) recorded.
    pub copies: Vec<DocumentCopy>,
    /// Copies recorded in all (more than `copies` holds when a publication
    /// was reposted more than 500 times).
    pub copies_total: usize,
    /// Ids of the event reports extracted from it.
    pub reports: Vec<ReportId>,
}

/// One search hit.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHitOut {
    /// The document.
    pub id: DocumentId,
    /// Its source's name.
    pub source: String,
    /// When published.
    pub published: Option<DateTime<Utc>>,
    /// Language.
    pub lang: Lang,
    /// Title.
    pub title: Option<String>,
    /// A passage of the normalized text around the matches.
    pub passage: String,
    /// Where the matches are in `passage`, in Unicode code points.
    pub highlights: Vec<Span>,
    /// BM25 score (lower is a better match).
    pub rank: f64,
}

/// The document an event report comes from.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentRef {
    /// Stable id.
    pub id: DocumentId,
    /// Its source.
    pub source_id: SourceId,
    /// Language.
    pub lang: Lang,
    /// When published.
    pub published: Option<DateTime<Utc>>,
    /// Title.
    pub title: Option<String>,
}

/// A span of evidence with its words.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceOut {
    /// The field it supports (`event_type`, `killed`, `place`, …).
    pub field: String,
    /// Where it is in the document text, in code points.
    pub span: Span,
    /// The words of the span.
    pub text: String,
    /// Where its sentence is.
    pub sentence: Span,
    /// The sentence.
    pub sentence_text: String,
    /// How the span was read, where the words alone do not say it (the
    /// calendar of a Hijri date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One event report, its document and its evidence quoted.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportOut {
    /// The report (its `evidence` holds the spans).
    pub report: EventReport,
    /// The document it comes from.
    pub document: DocumentRef,
    /// Each evidence span with the words it covers.
    pub evidence: Vec<EvidenceOut>,
}

/// A value and how many have it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Bucket {
    /// The value (a language code, a source kind, a copy kind).
    pub key: String,
    /// How many.
    pub count: u64,
}

/// Counts over the whole store.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatsOut {
    /// Sources.
    pub sources: u64,
    /// Stored documents.
    pub documents: u64,
    /// Copies recorded, by kind.
    pub copies: Vec<Bucket>,
    /// Documents per language, most first.
    pub languages: Vec<Bucket>,
    /// Documents per source kind, most first.
    pub source_kinds: Vec<Bucket>,
    /// Earliest publication time.
    pub first_published: Option<DateTime<Utc>>,
    /// Latest publication time.
    pub last_published: Option<DateTime<Utc>>,
    /// Event reports.
    pub event_reports: u64,
    /// Incidents.
    pub incidents: u64,
}

macro_rules! page_type {
    ($(#[$m:meta])* $name:ident, $item:ty) => {
        $(#[$m])*
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $name {
            /// This page.
            pub items: Vec<$item>,
            /// Pass as `cursor` for the next page; absent on the last page.
            pub next_cursor: Option<String>,
        }
    };
}

page_type!(
    /// A page of sources.
    SourcePage,
    SourceOut
);
page_type!(
    /// A page of documents.
    DocumentPage,
    DocumentSummaryOut
);
page_type!(
    /// A page of event reports.
    ReportPage,
    ReportItemOut
);

/// An event report in a listing, with where it comes from.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportItemOut {
    /// The report.
    #[serde(flatten)]
    pub report: EventReport,
    /// The source of its document.
    pub source_id: SourceId,
    /// That source's name.
    pub source: String,
    /// The language of its document.
    pub lang: Lang,
}

/// A page of search hits, best first.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchPage {
    /// This page.
    pub items: Vec<SearchHitOut>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// Hits in all.
    pub total: u64,
}

/// An endpoint of the API.
#[derive(Debug, Serialize, ToSchema)]
pub struct Endpoint {
    /// Its path.
    pub path: String,
    /// What it answers.
    pub description: String,
}

/// What this server serves.
#[derive(Debug, Serialize, ToSchema)]
pub struct Index {
    /// The server.
    pub name: String,
    /// Its version.
    pub version: String,
    /// The OpenAPI description.
    pub openapi: String,
    /// The endpoints.
    pub endpoints: Vec<Endpoint>,
}

// ---- parameters ------------------------------------------------------------

/// Paging only.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Items per page, 1 to 500 (default 50).
    limit: Option<String>,
}

/// Filters, order and paging of documents.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DocumentParams {
    /// Only documents matching this search (words, "a phrase", a OR b, -excluded, prefix*).
    q: Option<String>,
    /// Only these sources: ids or names, comma-separated.
    source: Option<String>,
    /// Only these source kinds, comma-separated (militant_official, news_media, …).
    kind: Option<String>,
    /// Only these languages, comma-separated ISO 639-1 codes.
    lang: Option<String>,
    /// Published on or after this day (YYYY-MM-DD).
    from: Option<String>,
    /// Published on or before this day (YYYY-MM-DD).
    to: Option<String>,
    /// `published`, `-published` (default `published`), `id` or `-id`. Undated documents sort first ascending, last descending.
    sort: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Items per page, 1 to 500 (default 50).
    limit: Option<String>,
}

/// A full-text search.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What to search for (required): words, "a phrase", a OR b, -excluded, prefix*; Arabic is matched on normalized forms and light stems.
    q: Option<String>,
    /// Only these sources: ids or names, comma-separated.
    source: Option<String>,
    /// Only these source kinds, comma-separated.
    kind: Option<String>,
    /// Only these languages, comma-separated.
    lang: Option<String>,
    /// Published on or after this day (YYYY-MM-DD).
    from: Option<String>,
    /// Published on or before this day (YYYY-MM-DD).
    to: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Hits per page, 1 to 500 (default 50).
    limit: Option<String>,
}

/// Filters, order and paging of event reports.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// Events on or after this day (YYYY-MM-DD).
    from: Option<String>,
    /// Events on or before this day (YYYY-MM-DD).
    to: Option<String>,
    /// ACLED event types, comma-separated (battles, explosions_remote_violence, …).
    event_type: Option<String>,
    /// ACLED sub-event types, comma-separated (suicide_bomb, armed_clash, …).
    sub_event_type: Option<String>,
    /// Claim statuses, comma-separated (claimed, reported, confirmed, denied).
    claim_status: Option<String>,
    /// Only reports from these sources: ids or names, comma-separated.
    source: Option<String>,
    /// Only reports from documents in these languages, comma-separated.
    lang: Option<String>,
    /// Only reports naming one of these actors on either side (canonical name or as written; case-insensitive), comma-separated.
    actor: Option<String>,
    /// Only reports placed in this box: `minLon,minLat,maxLon,maxLat` (WGS84 degrees; minLon > maxLon crosses the antimeridian).
    bbox: Option<String>,
    /// `date`, `-date` (default `date`), `id` or `-id`. Undated reports sort first ascending, last descending.
    sort: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Items per page, 1 to 500 (default 50).
    limit: Option<String>,
}

const PAGE_TAKES: &[&str] = &["cursor", "limit"];
const DOCUMENT_TAKES: &[&str] = &[
    "q", "source", "kind", "lang", "from", "to", "sort", "cursor", "limit",
];
const SEARCH_TAKES: &[&str] = &[
    "q", "source", "kind", "lang", "from", "to", "cursor", "limit",
];
const REPORT_TAKES: &[&str] = &[
    "from",
    "to",
    "event_type",
    "sub_event_type",
    "claim_status",
    "source",
    "lang",
    "actor",
    "bbox",
    "sort",
    "cursor",
    "limit",
];

/// Sources by id or name; each must exist.
fn sources(store: &dyn Store, v: &Option<String>) -> Result<Vec<SourceId>, ApiError> {
    params::list::<String>("source", v)?
        .into_iter()
        .map(|key| {
            store.source(&key)?.map(|s| s.id).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "source: no source {key:?}; use an id or name from /api/v1/sources"
                ))
            })
        })
        .collect()
}

pub(crate) fn bbox(v: &Option<String>) -> Result<Option<BBox>, ApiError> {
    let Some(s) = v else { return Ok(None) };
    let bad = |why: &str| {
        ApiError::bad_request(format!(
            "bbox: {s:?} {why}; use minLon,minLat,maxLon,maxLat in degrees, e.g. 38,35,42,37.5"
        ))
    };
    let n: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad("is not four numbers"))?;
    let [min_lon, min_lat, max_lon, max_lat] = n[..] else {
        return Err(bad("is not four numbers"));
    };
    if n.iter().any(|x| !x.is_finite())
        || ![min_lon, max_lon]
            .iter()
            .all(|x| (-180.0..=180.0).contains(x))
        || ![min_lat, max_lat]
            .iter()
            .all(|x| (-90.0..=90.0).contains(x))
    {
        return Err(bad(
            "is out of range (longitudes -180..180, latitudes -90..90)",
        ));
    }
    if min_lat > max_lat {
        return Err(bad("has its south edge north of its north edge"));
    }
    Ok(Some(BBox {
        min_lon,
        min_lat,
        max_lon,
        max_lat,
    }))
}

pub(crate) fn id_param<T: std::str::FromStr>(what: &str, raw: &str) -> Result<T, ApiError> {
    raw.parse::<T>().map_err(|_| {
        ApiError::bad_request(format!(
            "{what} id {raw:?} is not a positive number; ids are the `id` fields of listings"
        ))
    })
}

/// Keeps the first `limit` of `limit + 1` rows, with a cursor when there were more.
pub(crate) fn page<T>(
    mut rows: Vec<T>,
    limit: usize,
    cursor: impl Fn(&T) -> Cursor,
) -> (Vec<T>, Option<String>) {
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(|r| cursor(r).encode());
        (rows, next)
    } else {
        (rows, None)
    }
}

// ---- handlers --------------------------------------------------------------

/// The index of the API.
#[utoipa::path(get, path = "/api/v1", tag = "meta",
    responses((status = 200, description = "What this server serves", body = Index)))]
pub async fn index() -> Json<Index> {
    let endpoints = crate::ROUTES
        .iter()
        .map(|(path, description)| Endpoint {
            path: (*path).into(),
            description: (*description).into(),
        })
        .collect();
    Json(Index {
        name: "Vigil".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        openapi: "/api/openapi.json".into(),
        endpoints,
    })
}

/// Every source with its counts, by id.
#[utoipa::path(get, path = "/api/v1/sources", tag = "sources", params(PageParams),
    responses((status = 200, body = SourcePage), (status = 400, body = ErrorBody)))]
pub async fn list_sources(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<SourcePage> {
    let p: PageParams = parse_query(raw.as_deref(), PAGE_TAKES)?;
    let limit = params::limit(&p.limit)?;
    let after = Cursor::decode(&p.cursor, "id")?.map(|c| c.i).unwrap_or(0);
    let mut all = state.pool.run(|s| Ok(s.sources()?)).await?;
    all.sort_by_key(|s| s.source.id);
    let rows: Vec<SourceOut> = all
        .into_iter()
        .filter(|s| s.source.id.0 > after)
        .take(limit + 1)
        .collect();
    let (items, next_cursor) = page(rows, limit, |s| Cursor {
        s: "id".into(),
        k: None,
        i: s.source.id.0,
    });
    Ok(Json(SourcePage { items, next_cursor }))
}

/// One source with its counts.
#[utoipa::path(get, path = "/api/v1/sources/{id}", tag = "sources",
    params(("id" = i64, Path, description = "The source's id")),
    responses((status = 200, body = SourceOut), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_source(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<SourceOut> {
    no_query(&raw)?;
    let id: SourceId = id_param("source", &id)?;
    let all = state.pool.run(|s| Ok(s.sources()?)).await?;
    all.into_iter()
        .find(|s| s.source.id == id)
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("source {id} not found; see /api/v1/sources")))
}

/// Documents, filtered, sorted and paged.
#[utoipa::path(get, path = "/api/v1/documents", tag = "documents", params(DocumentParams),
    responses((status = 200, body = DocumentPage), (status = 400, body = ErrorBody)))]
pub async fn list_documents(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<DocumentPage> {
    let p: DocumentParams = parse_query(raw.as_deref(), DOCUMENT_TAKES)?;
    let paging = params::Paging::parse(&p.limit, &p.sort, &p.cursor, &["published", "id"])?;
    let (limit, order, after) = (paging.limit, paging.order, paging.after.clone());
    let sort = if paging.key == "id" {
        DocumentSort::Id
    } else {
        DocumentSort::Published
    };
    let (since, until) = params::date_range(&p.from, &p.to)?;
    let source_kinds: Vec<SourceKind> = params::list("kind", &p.kind)?;
    let langs: Vec<Lang> = params::list("lang", &p.lang)?;
    let text = p.q.filter(|q| !q.trim().is_empty());
    let rows = state
        .pool
        .run(move |s| {
            let filter = DocumentFilter {
                text,
                sources: sources(s, &p.source)?,
                source_kinds,
                langs,
                since,
                until,
                sort,
                order,
                after,
                limit: limit + 1,
            };
            Ok(s.list_documents(&filter)?)
        })
        .await?;
    let (rows, next_cursor) = page(rows, limit, |d| paging.cursor(d.page_after(sort)));
    Ok(Json(DocumentPage {
        items: rows,
        next_cursor,
    }))
}

pub(crate) fn no_query(raw: &Option<String>) -> Result<(), ApiError> {
    match raw.as_deref().filter(|q| !q.is_empty()) {
        None => Ok(()),
        Some(q) => {
            let name = q.split(['=', '&']).next().unwrap_or(q);
            Err(ApiError::bad_request(format!(
                "unknown query parameter `{name}`; this endpoint takes none"
            )))
        }
    }
}

/// One document with its full text, its copies and its reports.
#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "documents",
    params(("id" = i64, Path, description = "The document's id")),
    responses((status = 200, body = DocumentOut), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_document(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<DocumentOut> {
    no_query(&raw)?;
    let id: DocumentId = id_param("document", &id)?;
    let out = state
        .pool
        .run(move |s| {
            let Some(d) = s.document(id)? else {
                return Err(ApiError::not_found(format!(
                    "document {id} not found; see /api/v1/documents"
                )));
            };
            let source = s
                .source(&d.source_id.to_string())?
                .map(|s| s.name)
                .unwrap_or_default();
            // A much-forwarded message can have any number of copies.
            let mut copies = s.copies(id)?;
            let copies_total = copies.len();
            copies.truncate(crate::MAX_LIMIT);
            let reports = s.reports(id)?.into_iter().map(|r| r.id).collect();
            Ok(DocumentOut {
                id: d.id,
                source_id: d.source_id,
                source,
                external_id: d.external_id,
                url: d.url,
                published: d.published,
                collected: d.collected,
                edited: d.edited,
                forwarded_from: d.forwarded_from,
                lang: d.lang,
                title: d.title,
                text: d.text,
                content_hash: d.content_hash.to_string(),
                origin: d.origin,
                copies,
                copies_total,
                reports,
            })
        })
        .await?;
    Ok(Json(out))
}

/// Full-text search, best match first.
///
/// `total` counts every match. A query matching more than 10,000 documents
/// (after filters) ranks by relevance only the 10,000 stored most
/// recently; the other matches follow them, newest first. Narrow a common
/// word with more words or filters to rank all of its matches.
#[utoipa::path(get, path = "/api/v1/search", tag = "documents", params(SearchParams),
    responses((status = 200, body = SearchPage), (status = 400, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<SearchPage> {
    let p: SearchParams = parse_query(raw.as_deref(), SEARCH_TAKES)?;
    let limit = params::limit(&p.limit)?;
    let Some(text) = p.q.clone().filter(|q| !q.trim().is_empty()) else {
        return Err(ApiError::bad_request(
            "q: required; give the words to search for, e.g. q=Qamishli",
        ));
    };
    let offset = Cursor::decode(&p.cursor, "rank")?.map(|c| c.i).unwrap_or(0) as usize;
    let (since, until) = params::date_range(&p.from, &p.to)?;
    let source_kinds: Vec<SourceKind> = params::list("kind", &p.kind)?;
    let langs: Vec<Lang> = params::list("lang", &p.lang)?;
    let results = state
        .pool
        .run(move |s| {
            let q = SearchQuery {
                text,
                sources: sources(s, &p.source)?,
                source_kinds,
                langs,
                since,
                until,
                limit,
                offset,
            };
            Ok(s.search(&q)?)
        })
        .await?;
    let end = offset + results.hits.len();
    let next_cursor = ((end as u64) < results.total && !results.hits.is_empty()).then(|| {
        Cursor {
            s: "rank".into(),
            k: None,
            i: end as i64,
        }
        .encode()
    });
    let items = results
        .hits
        .into_iter()
        .map(|h| SearchHitOut {
            id: h.id,
            source: h.source,
            published: h.published,
            lang: h.lang,
            title: h.title,
            passage: h.passage,
            highlights: h.highlights,
            rank: h.rank,
        })
        .collect();
    Ok(Json(SearchPage {
        items,
        next_cursor,
        total: results.total,
    }))
}

/// Event reports, filtered, sorted and paged.
#[utoipa::path(get, path = "/api/v1/reports", tag = "reports", params(ReportParams),
    responses((status = 200, body = ReportPage), (status = 400, body = ErrorBody)))]
pub async fn list_reports(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<ReportPage> {
    let p: ReportParams = parse_query(raw.as_deref(), REPORT_TAKES)?;
    let paging = params::Paging::parse(&p.limit, &p.sort, &p.cursor, &["date", "id"])?;
    let (limit, order, after) = (paging.limit, paging.order, paging.after.clone());
    let sort = if paging.key == "id" {
        ReportSort::Id
    } else {
        ReportSort::Date
    };
    let (since, until) = params::date_range(&p.from, &p.to)?;
    let event_types: Vec<EventType> = params::list("event_type", &p.event_type)?;
    let sub_event_types: Vec<SubEventType> = params::list("sub_event_type", &p.sub_event_type)?;
    let claim_statuses: Vec<ClaimStatus> = params::list("claim_status", &p.claim_status)?;
    let langs: Vec<Lang> = params::list("lang", &p.lang)?;
    let actors: Vec<String> = params::list("actor", &p.actor)?;
    let bbox = bbox(&p.bbox)?;
    let rows = state
        .pool
        .run(move |s| {
            let filter = ReportFilter {
                since,
                until,
                event_types,
                sub_event_types,
                claim_statuses,
                sources: sources(s, &p.source)?,
                langs,
                actors,
                bbox,
                sort,
                order,
                after,
                limit: limit + 1,
            };
            let rows = s.list_reports(&filter)?;
            let (rows, next_cursor) =
                page(rows, limit, |r| paging.cursor(report_page_after(r, sort)));
            Ok((with_sources(s, rows)?, next_cursor))
        })
        .await?;
    let (items, next_cursor) = rows;
    Ok(Json(ReportPage { items, next_cursor }))
}

/// Each report with its document's source and language (one document and
/// the sources read once per page, not per report).
fn with_sources(s: &dyn Store, rows: Vec<EventReport>) -> Result<Vec<ReportItemOut>, ApiError> {
    let names: std::collections::HashMap<SourceId, String> = s
        .sources()?
        .into_iter()
        .map(|x| (x.source.id, x.source.name))
        .collect();
    let mut docs: std::collections::HashMap<DocumentId, (SourceId, Lang)> = Default::default();
    rows.into_iter()
        .map(|report| {
            let (source_id, lang) = match docs.get(&report.document_id) {
                Some(d) => d.clone(),
                None => {
                    let d = s.document(report.document_id)?.ok_or_else(|| {
                        ApiError::internal(&format!(
                            "report {} has no document {}",
                            report.id, report.document_id
                        ))
                    })?;
                    docs.insert(report.document_id, (d.source_id, d.lang.clone()));
                    (d.source_id, d.lang)
                }
            };
            Ok(ReportItemOut {
                source: names.get(&source_id).cloned().unwrap_or_default(),
                source_id,
                lang,
                report,
            })
        })
        .collect()
}

/// One event report with its document and its evidence quoted.
#[utoipa::path(get, path = "/api/v1/reports/{id}", tag = "reports",
    params(("id" = i64, Path, description = "The report's id")),
    responses((status = 200, body = ReportOut), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_report(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<ReportOut> {
    no_query(&raw)?;
    let id: ReportId = id_param("report", &id)?;
    let out = state
        .pool
        .run(move |s| {
            let Some(report) = s.report(id)? else {
                return Err(ApiError::not_found(format!(
                    "report {id} not found; see /api/v1/reports"
                )));
            };
            let d = s.document(report.document_id)?.ok_or_else(|| {
                ApiError::internal(&format!(
                    "report {id} has no document {}",
                    report.document_id
                ))
            })?;
            let evidence = evidence_of(&report, &d.text);
            Ok(ReportOut {
                report,
                document: DocumentRef {
                    id: d.id,
                    source_id: d.source_id,
                    lang: d.lang,
                    published: d.published,
                    title: d.title,
                },
                evidence,
            })
        })
        .await?;
    Ok(Json(out))
}

/// A report's evidence spans with the words and sentences they cover in
/// `text` (its document's).
pub(crate) fn evidence_of(report: &EventReport, text: &str) -> Vec<EvidenceOut> {
    let chars: Vec<char> = text.chars().collect();
    let cut = |sp: Span| -> String {
        let end = sp.end.min(chars.len());
        chars[sp.start.min(end)..end].iter().collect()
    };
    report
        .evidence
        .iter()
        .map(|e| EvidenceOut {
            field: e.field.clone(),
            span: e.span,
            text: cut(e.span),
            sentence: e.sentence,
            sentence_text: cut(e.sentence),
            note: e.note.clone(),
        })
        .collect()
}

/// Counts over the whole store.
#[utoipa::path(get, path = "/api/v1/stats", tag = "meta",
    responses((status = 200, body = StatsOut), (status = 400, body = ErrorBody)))]
pub async fn stats(State(state): State<AppState>, RawQuery(raw): RawQuery) -> ApiResult<StatsOut> {
    no_query(&raw)?;
    let st = state.pool.run(|s| Ok(s.stats()?)).await?;
    let buckets = |v: Vec<(String, u64)>| {
        v.into_iter()
            .map(|(key, count)| Bucket { key, count })
            .collect()
    };
    Ok(Json(StatsOut {
        sources: st.sources,
        documents: st.documents,
        copies: buckets(
            st.copies
                .into_iter()
                .map(|(k, n)| (k.to_string(), n))
                .collect(),
        ),
        languages: buckets(
            st.languages
                .into_iter()
                .map(|(k, n)| (k.to_string(), n))
                .collect(),
        ),
        source_kinds: buckets(
            st.source_kinds
                .into_iter()
                .map(|(k, n)| (k.to_string(), n))
                .collect(),
        ),
        first_published: st.first_published,
        last_published: st.last_published,
        event_reports: st.event_reports,
        incidents: st.incidents,
    }))
}

/// The OpenAPI 3 description of this API.
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")))]
pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(crate::openapi())
}

/// Unknown paths.
pub async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint; GET /api/v1 lists the endpoints, / is the dashboard")
}

/// Known paths, other methods.
pub async fn method_not_allowed() -> ApiError {
    ApiError {
        status: axum::http::StatusCode::METHOD_NOT_ALLOWED,
        message: "method not allowed here: reads are GET; the only writes are the review actions, POST /api/v1/incidents/{id}/confirm|dispute|merge|split|edit, and POST /api/v1/alerts/{id}/ack".into(),
    }
}
