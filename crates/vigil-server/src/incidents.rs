//! Incidents, the analyst's review actions on them, weekly tallies with
//! their surge tests, and watched sites.
//!
//! A review action is recorded by [`vigil_analyze::review`], as `vigil
//! incident ...` records it: decisions anchored on the incident's reports,
//! with who (the `X-Vigil-Analyst` header) and when (the server's clock),
//! once (a retry, with or without an `Idempotency-Key`, adds nothing),
//! then linked at once so that the answer and every later read show their
//! effect.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vigil_analyze::incident::canonical_filters;
use vigil_analyze::review::{review, Review, ReviewAction, ReviewError};
use vigil_analyze::surge::{SurgeOptions, SurgeResult};
use vigil_analyze::tally::{series_from_counts, surges, week_of, Series, TallyQuery};
use vigil_app::surges::{at_week, AtWeek, WeekSurges};
use vigil_model::{
    DecisionAction, Dimension, EventReport, Incident, IncidentChange, IncidentId, IncidentStatus,
    Measure, ReportId, SiteKind, SourceKind, WeekStart,
};
use vigil_store::{incident_page_after, IncidentFilter, IncidentSort, Store};

use crate::api::{bbox, evidence_of, id_param, no_query, page, DocumentRef, EvidenceOut};
use crate::params::{self, parse_query};
use crate::{ApiError, AppState, ErrorBody};

type ApiResult<T> = Result<Json<T>, ApiError>;

/// The request header that names the analyst making a decision.
pub const ANALYST_HEADER: &str = "x-vigil-analyst";

/// The request header with the client's key for a request it may retry.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

// ---- answers ---------------------------------------------------------------

/// A page of incidents.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentPage {
    /// This page.
    pub items: Vec<Incident>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A source as an incident page shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceBrief {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: SourceKind,
    /// The analyst's Admiralty grade (a–f), if set.
    pub reliability: Option<String>,
}

/// One report of an incident, with its source and its evidence quoted.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentReportOut {
    /// The report.
    pub report: EventReport,
    /// Its document.
    pub document: DocumentRef,
    /// The document's source.
    pub source: SourceBrief,
    /// Each evidence span with its words and sentence.
    pub evidence: Vec<EvidenceOut>,
}

/// An incident with every report side by side.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentOut {
    /// The incident (its `edits` are the decisions about it, with who and when).
    pub incident: Incident,
    /// Its reports, in the incident's order, quoted: the first
    /// 500 (`MAX_LIMIT`) (all of their ids are in `incident.reports`).
    pub reports: Vec<IncidentReportOut>,
    /// Reports left out of `reports` beyond 500: see them
    /// one by one at `/api/v1/reports/{id}`.
    pub reports_omitted: usize,
}

/// A recorded review action and where its reports are now.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionOut {
    /// The decision's id.
    pub decision: i64,
    /// Who made it (the `X-Vigil-Analyst` header).
    pub who: String,
    /// When the server recorded it.
    pub at: DateTime<Utc>,
    /// What it does.
    pub action: DecisionAction,
    /// Why, in the analyst's words.
    pub note: Option<String>,
    /// The incidents that hold its reports after relinking.
    pub incidents: Vec<IncidentId>,
    /// The same request had been recorded before (a retry): this is the
    /// decision recorded then, and nothing was added.
    pub repeated: bool,
    /// Linking has applied it. When false, it is recorded and the next
    /// link (`vigil link`, or the next review action) applies it.
    pub applied: bool,
}

/// One week of a tally, tested against the weeks before it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TallyWeek {
    /// The week's first day.
    pub start: NaiveDate,
    /// The count. The incidents behind it are those of
    /// `/api/v1/incidents` with the same filters, `from` this week's first
    /// day `to` its last.
    pub value: u64,
    /// Mean of the `baseline_weeks` before it (absent for the first weeks of the store).
    pub baseline: Option<f64>,
    /// Whether any surge test flags this week against its baseline.
    pub surge: bool,
    /// The tests that flag it (`poisson`, `negative_binomial`, `ears_c1`, …).
    pub flagged_by: Vec<String>,
}

/// One weekly series.
#[derive(Debug, Serialize, ToSchema)]
pub struct TallySeries {
    /// The value of the `by` dimension (absent for the single series).
    pub key: Option<String>,
    /// Every week from `from` to `to`, zeros included.
    pub weeks: Vec<TallyWeek>,
}

/// A weekly tally.
#[derive(Debug, Serialize, ToSchema)]
pub struct TallyOut {
    /// What is counted.
    pub measure: Measure,
    /// The first day of each week.
    pub week_start: WeekStart,
    /// The first week (its first day).
    pub from: Option<NaiveDate>,
    /// The last week (its first day).
    pub to: Option<NaiveDate>,
    /// Weeks in each week's baseline.
    pub baseline_weeks: usize,
    /// The series, one per value of `by`: at most 50 (`MAX_SERIES`), the
    /// largest by their total over the weeks shown, in the store's order.
    pub series: Vec<TallySeries>,
    /// Series left out beyond 50 (the smallest); filter on a
    /// value to see its series.
    pub omitted_series: usize,
}

/// The most series a tally or a surge test answers (`by` a dimension with
/// many values, such as `perpetrator` in a large store): 520 weeks of one
/// series are some 40 kB.
pub const MAX_SERIES: usize = 50;

/// Keeps the [`MAX_SERIES`] largest of `items` by `size`, in their order;
/// how many were left out.
fn largest<T>(items: &mut Vec<T>, size: impl Fn(&T) -> f64) -> usize {
    if items.len() <= MAX_SERIES {
        return 0;
    }
    let mut order: Vec<(usize, f64)> = items.iter().map(&size).enumerate().collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut keep = vec![false; items.len()];
    for (i, _) in order.into_iter().take(MAX_SERIES) {
        keep[i] = true;
    }
    let omitted = items.len() - MAX_SERIES;
    let mut at = 0;
    items.retain(|_| {
        at += 1;
        keep[at - 1]
    });
    omitted
}

/// One series' week tested against the weeks before it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SurgeOut {
    /// The series (the value of `by`; absent for the single series).
    pub key: Option<String>,
    /// The week tested.
    pub week: NaiveDate,
    /// Its count.
    pub count: u64,
    /// The incidents behind it.
    pub incidents: Vec<IncidentId>,
    /// Each test's verdict.
    #[schema(value_type = Vec<Object>)]
    pub tests: Vec<SurgeResult>,
    /// Whether any test flags it.
    pub surge: bool,
}

/// Surge tests of one week.
#[derive(Debug, Serialize, ToSchema)]
pub struct SurgesOut {
    /// What is counted.
    pub measure: Measure,
    /// The week tested (its first day).
    pub week: Option<NaiveDate>,
    /// Weeks in the baseline.
    pub baseline_weeks: usize,
    /// Each series' verdict, surges first, then the largest counts: at
    /// most 50 (`MAX_SERIES`).
    pub items: Vec<SurgeOut>,
    /// Series left out beyond 50 (no surge, the smallest counts).
    pub omitted_series: usize,
}

/// A watched site with what happened there.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteOut {
    /// Its key.
    pub key: String,
    /// Its name.
    pub name: String,
    /// Prison, detention camp, base, …
    pub kind: SiteKind,
    /// Its names in other scripts and spellings.
    pub names: Vec<String>,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Incidents within this many km are at the site.
    pub radius_km: f64,
    /// Incidents at or near it.
    pub incidents: u64,
    /// People killed in them (conservative counts).
    pub killed: u64,
    /// The latest incident's date.
    pub last: Option<NaiveDate>,
}

/// The list of sites.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteList {
    /// Every watched site, by key.
    pub items: Vec<SiteOut>,
}

// ---- parameters ------------------------------------------------------------

/// Filters, order and paging of incidents. A dimension given names one
/// value (case-insensitive); several dimensions must all hold.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IncidentParams {
    /// Events on or after this day (YYYY-MM-DD).
    from: Option<String>,
    /// Events on or before this day (YYYY-MM-DD).
    to: Option<String>,
    /// Statuses, comma-separated (claim_only, reported, corroborated, confirmed, disputed).
    status: Option<String>,
    /// Only incidents placed in this box: `minLon,minLat,maxLon,maxLat`.
    bbox: Option<String>,
    /// Only incidents this side carried out.
    perpetrator: Option<String>,
    /// Only incidents against this side.
    target: Option<String>,
    /// Only this ACLED event type.
    event_type: Option<String>,
    /// Only this ACLED sub-event type.
    sub_event_type: Option<String>,
    /// Only this attack mode.
    attack_mode: Option<String>,
    /// Only this province.
    province: Option<String>,
    /// Only incidents at this watched site (its key).
    site: Option<String>,
    /// Only incidents reported by this kind of source.
    source_kind: Option<String>,
    /// `date`, `-date` (default `date`), `killed`, `-killed`, `id` or `-id`.
    sort: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Items per page, 1 to 500 (default 50).
    limit: Option<String>,
}

const INCIDENT_TAKES: &[&str] = &[
    "from",
    "to",
    "status",
    "bbox",
    "perpetrator",
    "target",
    "event_type",
    "sub_event_type",
    "attack_mode",
    "province",
    "site",
    "source_kind",
    "sort",
    "cursor",
    "limit",
];

/// A weekly tally: what to count, split and filter by, over which weeks.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TallyParams {
    /// `incidents` (default), `claims` or `fatalities`.
    measure: Option<String>,
    /// One series per value of this dimension (perpetrator, target, event_type, sub_event_type, attack_mode, province, site, status, source_kind).
    by: Option<String>,
    /// The first week: the week holding this day (default: the first incident's, or 520 weeks before `to`). A tally spans at most 520 weeks (ten years): from and to further apart are a 400; page through longer spans 520 weeks at a time.
    from: Option<String>,
    /// The last week: the week holding this day (default: the last incident's, or 520 weeks after `from`).
    to: Option<String>,
    /// The first day of each week, any day named in English, any case: `monday` (default, ISO weeks), `tuesday`, `wednesday`, `thursday`, `friday`, `saturday` (ACLED's weeks) or `sunday`.
    week_start: Option<String>,
    /// Weeks in each week's baseline, 1 to 52 (default 3).
    baseline_weeks: Option<String>,
    /// Only incidents this side carried out.
    perpetrator: Option<String>,
    /// Only incidents against this side.
    target: Option<String>,
    /// Only this ACLED event type.
    event_type: Option<String>,
    /// Only this ACLED sub-event type.
    sub_event_type: Option<String>,
    /// Only this attack mode.
    attack_mode: Option<String>,
    /// Only this province.
    province: Option<String>,
    /// Only incidents at this watched site.
    site: Option<String>,
    /// Only incidents with this status.
    status: Option<String>,
    /// Only incidents reported by this kind of source.
    source_kind: Option<String>,
}

const TALLY_TAKES: &[&str] = &[
    "measure",
    "by",
    "from",
    "to",
    "week_start",
    "baseline_weeks",
    "perpetrator",
    "target",
    "event_type",
    "sub_event_type",
    "attack_mode",
    "province",
    "site",
    "status",
    "source_kind",
];

/// Surge tests of one week, per series.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SurgeParams {
    /// The week tested: the week holding this day (default: the last incident's).
    week: Option<String>,
    /// `incidents` (default), `claims` or `fatalities`.
    measure: Option<String>,
    /// Test one series per value of this dimension.
    by: Option<String>,
    /// The first day of each week, any day named in English, any case: `monday` (default, ISO weeks), `tuesday`, `wednesday`, `thursday`, `friday`, `saturday` (ACLED's weeks) or `sunday`.
    week_start: Option<String>,
    /// Weeks in the baseline, 1 to 52 (default 3).
    baseline_weeks: Option<String>,
    /// Only incidents this side carried out.
    perpetrator: Option<String>,
    /// Only incidents against this side.
    target: Option<String>,
    /// Only this ACLED event type.
    event_type: Option<String>,
    /// Only this province.
    province: Option<String>,
    /// Only incidents at this watched site.
    site: Option<String>,
    /// Only incidents with this status.
    status: Option<String>,
}

const SURGE_TAKES: &[&str] = &[
    "week",
    "measure",
    "by",
    "week_start",
    "baseline_weeks",
    "perpetrator",
    "target",
    "event_type",
    "province",
    "site",
    "status",
];

/// What a review action says besides who.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// Why, in the analyst's words.
    #[serde(default)]
    pub note: Option<String>,
}

/// A merge: this incident and these others tell one event.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    /// The other incidents' ids.
    pub with: Vec<i64>,
    /// Why.
    #[serde(default)]
    pub note: Option<String>,
}

/// A split: these reports tell an event of their own.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitBody {
    /// The ids of the reports to take out (some, not all, of the incident's).
    pub reports: Vec<i64>,
    /// Why.
    #[serde(default)]
    pub note: Option<String>,
}

/// An edit: values that override the estimates.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditBody {
    /// The changes, e.g. `{"field": "killed", "value": 6}`.
    pub changes: Vec<IncidentChange>,
    /// Why.
    #[serde(default)]
    pub note: Option<String>,
}

/// The filters given, actors by their canonical names.
fn dimension_filters(pairs: &[(Dimension, &Option<String>)]) -> Vec<(Dimension, String)> {
    canonical_filters(
        pairs
            .iter()
            .filter_map(|(d, v)| {
                v.as_deref()
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(|v| (*d, v.to_string()))
            })
            .collect(),
    )
}

fn one<T: std::str::FromStr>(name: &str, v: &Option<String>) -> Result<Option<T>, ApiError>
where
    T::Err: std::fmt::Display,
{
    v.as_deref()
        .map(|s| {
            s.trim()
                .parse::<T>()
                .map_err(|e| ApiError::bad_request(format!("{name}: {e}")))
        })
        .transpose()
}

fn baseline_weeks(v: &Option<String>) -> Result<usize, ApiError> {
    match v {
        None => Ok(SurgeOptions::default().baseline_weeks),
        Some(s) => s
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=52).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "baseline_weeks: {s:?} is not a number of weeks from 1 to 52"
                ))
            }),
    }
}

// ---- handlers: incidents -----------------------------------------------------

/// Incidents, filtered, sorted and paged.
#[utoipa::path(get, path = "/api/v1/incidents", tag = "incidents", params(IncidentParams),
    responses((status = 200, body = IncidentPage), (status = 400, body = ErrorBody)))]
pub async fn list_incidents(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<IncidentPage> {
    let p: IncidentParams = parse_query(raw.as_deref(), INCIDENT_TAKES)?;
    let paging = params::Paging::parse(&p.limit, &p.sort, &p.cursor, &["date", "killed", "id"])?;
    let sort = match paging.key {
        "killed" => IncidentSort::Killed,
        "id" => IncidentSort::Id,
        _ => IncidentSort::Date,
    };
    let (since, until) = params::date_range(&p.from, &p.to)?;
    let statuses: Vec<IncidentStatus> = params::list("status", &p.status)?;
    let bbox = bbox(&p.bbox)?;
    // Typed dimensions are checked here, so a typo is a 400, not an empty page.
    one::<vigil_model::EventType>("event_type", &p.event_type)?;
    one::<vigil_model::SubEventType>("sub_event_type", &p.sub_event_type)?;
    one::<vigil_model::AttackMode>("attack_mode", &p.attack_mode)?;
    one::<SourceKind>("source_kind", &p.source_kind)?;
    let facets = dimension_filters(&[
        (Dimension::Perpetrator, &p.perpetrator),
        (Dimension::Target, &p.target),
        (Dimension::EventType, &p.event_type),
        (Dimension::SubEventType, &p.sub_event_type),
        (Dimension::AttackMode, &p.attack_mode),
        (Dimension::Province, &p.province),
        (Dimension::Site, &p.site),
        (Dimension::SourceKind, &p.source_kind),
    ]);
    let filter = IncidentFilter {
        since,
        until,
        statuses,
        facets,
        bbox,
        sort,
        order: paging.order,
        after: paging.after.clone(),
        limit: paging.limit + 1,
    };
    let rows = state
        .pool
        .run(move |s| Ok(s.list_incidents(&filter)?))
        .await?;
    let (items, next_cursor) = page(rows, paging.limit, |i| {
        paging.cursor(incident_page_after(i, sort))
    });
    Ok(Json(IncidentPage { items, next_cursor }))
}

fn incident_out(s: &dyn Store, id: IncidentId) -> Result<IncidentOut, ApiError> {
    let Some(incident) = s.incident(id)? else {
        return Err(ApiError::not_found(format!(
            "incident {id} not found; see /api/v1/incidents (a merge can retire an id: its reports are in the merged incident)"
        )));
    };
    // Only the sources of its reports, each read once: `sources()` counts
    // every source's documents, a scan of the whole store on every page
    // (an incident page took 108 ms at 1,000,000 documents, 0.8 ms after;
    // benchmarks/query.sh).
    let mut sources: HashMap<i64, Option<SourceBrief>> = HashMap::new();
    let mut reports = Vec::new();
    // An incident may gather any number of reports; each is quoted with its
    // evidence, so the answer stops at a page's worth.
    let reports_omitted = incident.reports.len().saturating_sub(crate::MAX_LIMIT);
    for rid in incident.reports.iter().take(crate::MAX_LIMIT) {
        let Some(report) = s.report(*rid)? else {
            continue;
        };
        let d = s.document(report.document_id)?.ok_or_else(|| {
            ApiError::internal(&format!(
                "report {rid} has no document {}",
                report.document_id
            ))
        })?;
        if let Entry::Vacant(e) = sources.entry(d.source_id.0) {
            let brief = s.source(&d.source_id.0.to_string())?.map(|x| SourceBrief {
                id: x.id.0,
                name: x.name,
                kind: x.kind,
                reliability: x.reliability.map(|r| r.to_string()),
            });
            e.insert(brief);
        }
        let source = sources[&d.source_id.0].as_ref().map_or_else(
            || SourceBrief {
                id: d.source_id.0,
                name: String::new(),
                kind: SourceKind::Other,
                reliability: None,
            },
            |b| SourceBrief {
                id: b.id,
                name: b.name.clone(),
                kind: b.kind,
                reliability: b.reliability.clone(),
            },
        );
        let evidence = evidence_of(&report, &d.text);
        reports.push(IncidentReportOut {
            document: DocumentRef {
                id: d.id,
                source_id: d.source_id,
                lang: d.lang,
                published: d.published,
                title: d.title,
            },
            source,
            evidence,
            report,
        });
    }
    Ok(IncidentOut {
        incident,
        reports,
        reports_omitted,
    })
}

/// One incident with every report side by side: source, kind, reliability,
/// claim status and the evidence quoted.
#[utoipa::path(get, path = "/api/v1/incidents/{id}", tag = "incidents",
    params(("id" = i64, Path, description = "The incident's id")),
    responses((status = 200, body = IncidentOut), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_incident(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<IncidentOut> {
    no_query(&raw)?;
    let id: IncidentId = id_param("incident", &id)?;
    Ok(Json(state.pool.run(move |s| incident_out(s, id)).await?))
}

// ---- handlers: review actions ---------------------------------------------------

/// The analyst named by the `X-Vigil-Analyst` header, in any script: the
/// header's bytes as UTF-8 (`X-Vigil-Analyst: Zeynep Kılıç`), or
/// percent-encoded UTF-8 (`X-Vigil-Analyst: %D8%B3%D8%A7%D8%B1%D8%A9`, as
/// `encodeURIComponent` writes it; browsers send only Latin-1 in
/// headers, so the dashboard encodes). A `%` followed by two hex digits
/// is always read as an escape: send a literal one as `%25`.
pub(crate) fn analyst(headers: &HeaderMap) -> Result<String, ApiError> {
    let missing = || {
        ApiError::bad_request(
            "X-Vigil-Analyst: required; send the name of the analyst making this decision in the X-Vigil-Analyst header",
        )
    };
    let v = headers.get(ANALYST_HEADER).ok_or_else(missing)?;
    let not_text = || {
        ApiError::bad_request(
            "X-Vigil-Analyst: not UTF-8 text; send the name as UTF-8, or percent-encoded \
             UTF-8 (encodeURIComponent)",
        )
    };
    let raw = std::str::from_utf8(v.as_bytes()).map_err(|_| not_text())?;
    let name = percent_decode(raw).ok_or_else(not_text)?.trim().to_string();
    if name.is_empty() {
        return Err(missing());
    }
    if name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiError::bad_request(
            "X-Vigil-Analyst: a name of at most 100 characters without control characters",
        ));
    }
    Ok(name)
}

/// Decodes `%XX` escapes; `None` when what they spell is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_string());
    }
    let hex = |b: u8| char::from(b).to_digit(16).map(|d| d as u8);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                out.push(hi << 4 | lo);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn body<T: serde::de::DeserializeOwned>(bytes: &Bytes, shape: &str) -> Result<T, ApiError> {
    let raw = if bytes.iter().all(u8::is_ascii_whitespace) {
        &b"{}"[..]
    } else {
        &bytes[..]
    };
    serde_json::from_slice(raw)
        .map_err(|e| ApiError::bad_request(format!("body: {e}; send JSON like {shape}")))
}

fn note(n: Option<String>) -> Result<Option<String>, ApiError> {
    let n = n.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    if n.as_ref().is_some_and(|s| s.chars().count() > 2000) {
        return Err(ApiError::bad_request("note: at most 2000 characters"));
    }
    Ok(n)
}

/// The client's key for a request it may send again (`Idempotency-Key`):
/// the same key returns the decisions recorded under it.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(v) = headers.get(IDEMPOTENCY_HEADER) else {
        return Ok(None);
    };
    let key = v.to_str().ok().map(str::trim).unwrap_or_default();
    if key.is_empty() || key.len() > 200 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::bad_request(
            "Idempotency-Key: 1 to 200 visible ASCII characters, new for each request \
             (a UUID will do); leave it out to rely on the content alone",
        ));
    }
    Ok(Some(key.to_string()))
}

/// A refused review as an answer that says what to change.
fn review_error(e: ReviewError) -> ApiError {
    match e {
        ReviewError::NoIncident(id) => {
            ApiError::not_found(format!("incident {id} not found; see /api/v1/incidents"))
        }
        ReviewError::NoOtherIncident(id) => {
            ApiError::bad_request(format!("with: no incident {id}; see /api/v1/incidents"))
        }
        ReviewError::NoReports(_) | ReviewError::KeyReused(_) => ApiError {
            status: StatusCode::CONFLICT,
            message: e.to_string(),
        },
        ReviewError::NotInIncident { .. } | ReviewError::EveryReport(_) => {
            ApiError::bad_request(format!("reports: {e}"))
        }
        ReviewError::NoneNamed(_) => {
            ApiError::bad_request("reports: empty; name the reports to take out of the incident")
        }
        ReviewError::Store(e) => ApiError::from(e),
    }
}

/// Records the review (once), links, and says where its reports are now.
fn decide(
    s: &mut dyn Store,
    incident: IncidentId,
    action: ReviewAction,
    who: String,
    note: Option<String>,
    request_key: Option<String>,
) -> Result<Vec<DecisionOut>, ApiError> {
    let request = Review {
        incident,
        action,
        who,
        at: Utc::now(),
        note,
        request_key,
    };
    let done = review(s, &request, &mut || {
        tracing::info!("waiting for another link run on this store");
    })
    .map_err(review_error)?;
    if let Some(why) = &done.pending {
        // Recorded: the next link applies it. The analyst is told it is
        // not yet applied; the cause is for the log.
        tracing::warn!(incident = %incident, error = %why, "decision recorded, linking deferred");
    }
    Ok(done
        .decisions
        .into_iter()
        .map(|d| {
            tracing::info!(decision = d.id, who = %d.who, action = %d.action,
                repeated = done.repeated, "review decision recorded");
            DecisionOut {
                decision: d.id,
                who: d.who,
                at: d.at,
                action: d.action,
                note: d.note,
                incidents: done.incidents.clone(),
                repeated: done.repeated,
                applied: done.pending.is_none(),
            }
        })
        .collect())
}

/// The one decision of a review that makes one.
fn single(mut out: Vec<DecisionOut>) -> Result<DecisionOut, ApiError> {
    out.pop()
        .ok_or_else(|| ApiError::internal(&"a review recorded no decision"))
}

/// Confirm: the event is confirmed.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/confirm", tag = "review",
    params(("id" = i64, Path, description = "The incident's id"),
        ("X-Vigil-Analyst" = String, Header, description = "Who makes the decision: a name in any script, as UTF-8 or percent-encoded UTF-8"),
        ("Idempotency-Key" = Option<String>, Header, description = "A key new for each request (a UUID): sent again with a retry, it returns the decision recorded under it")),
    request_body(content = ReviewBody, description = "An optional note; an empty body will do"),
    responses((status = 200, body = DecisionOut), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "The incident holds no reports to decide on (run `vigil link`), or the Idempotency-Key was sent with another request", body = ErrorBody)))]
pub async fn confirm(
    state: State<AppState>,
    id: Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> ApiResult<DecisionOut> {
    verdict(state, id, headers, bytes, ReviewAction::Confirm).await
}

/// Dispute: the event is disputed or denied.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/dispute", tag = "review",
    params(("id" = i64, Path, description = "The incident's id"),
        ("X-Vigil-Analyst" = String, Header, description = "Who makes the decision: a name in any script, as UTF-8 or percent-encoded UTF-8"),
        ("Idempotency-Key" = Option<String>, Header, description = "A key new for each request (a UUID): sent again with a retry, it returns the decision recorded under it")),
    request_body(content = ReviewBody, description = "An optional note; an empty body will do"),
    responses((status = 200, body = DecisionOut), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "The incident holds no reports to decide on (run `vigil link`), or the Idempotency-Key was sent with another request", body = ErrorBody)))]
pub async fn dispute(
    state: State<AppState>,
    id: Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> ApiResult<DecisionOut> {
    verdict(state, id, headers, bytes, ReviewAction::Dispute).await
}

async fn verdict(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
    action: ReviewAction,
) -> ApiResult<DecisionOut> {
    let who = analyst(&headers)?;
    let key = idempotency_key(&headers)?;
    let id: IncidentId = id_param("incident", &id)?;
    let b: ReviewBody = body(&bytes, r#"{"note": "why"}"#)?;
    let note = note(b.note)?;
    let out = state
        .pool
        .write(move |s| single(decide(s, id, action, who, note, key)?))
        .await?;
    Ok(Json(out))
}

/// Merge: this incident and the others tell one event.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/merge", tag = "review",
    params(("id" = i64, Path, description = "The incident's id"),
        ("X-Vigil-Analyst" = String, Header, description = "Who makes the decision: a name in any script, as UTF-8 or percent-encoded UTF-8"),
        ("Idempotency-Key" = Option<String>, Header, description = "A key new for each request (a UUID): sent again with a retry, it returns the decision recorded under it")),
    request_body = MergeBody,
    responses((status = 200, body = DecisionOut), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "An incident holds no reports to decide on (run `vigil link`), or the Idempotency-Key was sent with another request", body = ErrorBody)))]
pub async fn merge(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> ApiResult<DecisionOut> {
    let who = analyst(&headers)?;
    let key = idempotency_key(&headers)?;
    let id: IncidentId = id_param("incident", &id)?;
    let b: MergeBody = body(&bytes, r#"{"with": [12, 15], "note": "why"}"#)?;
    let note = note(b.note)?;
    if b.with.is_empty() {
        return Err(ApiError::bad_request(
            "with: empty; name the other incidents to merge with this one",
        ));
    }
    if b.with.contains(&id.0) {
        return Err(ApiError::bad_request(format!(
            "with: lists incident {id} itself; name the other incidents"
        )));
    }
    let with = b.with.iter().map(|&i| IncidentId(i)).collect();
    let out = state
        .pool
        .write(move |s| single(decide(s, id, ReviewAction::Merge { with }, who, note, key)?))
        .await?;
    Ok(Json(out))
}

/// Split: these reports tell an event of their own.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/split", tag = "review",
    params(("id" = i64, Path, description = "The incident's id"),
        ("X-Vigil-Analyst" = String, Header, description = "Who makes the decision: a name in any script, as UTF-8 or percent-encoded UTF-8"),
        ("Idempotency-Key" = Option<String>, Header, description = "A key new for each request (a UUID): sent again with a retry, it returns the decision recorded under it")),
    request_body = SplitBody,
    responses((status = 200, body = DecisionOut), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "The incident holds no reports to decide on (run `vigil link`), or the Idempotency-Key was sent with another request", body = ErrorBody)))]
pub async fn split(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> ApiResult<DecisionOut> {
    let who = analyst(&headers)?;
    let key = idempotency_key(&headers)?;
    let id: IncidentId = id_param("incident", &id)?;
    let b: SplitBody = body(&bytes, r#"{"reports": [40], "note": "why"}"#)?;
    let note = note(b.note)?;
    if b.reports.is_empty() {
        return Err(ApiError::bad_request(
            "reports: empty; name the reports to take out of the incident",
        ));
    }
    let reports = b.reports.iter().map(|&r| ReportId(r)).collect();
    let out = state
        .pool
        .write(move |s| {
            single(decide(
                s,
                id,
                ReviewAction::Split { reports },
                who,
                note,
                key,
            )?)
        })
        .await?;
    Ok(Json(out))
}

/// Edit: values that override the incident's estimates.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/edit", tag = "review",
    params(("id" = i64, Path, description = "The incident's id"),
        ("X-Vigil-Analyst" = String, Header, description = "Who makes the decision: a name in any script, as UTF-8 or percent-encoded UTF-8"),
        ("Idempotency-Key" = Option<String>, Header, description = "A key new for each request (a UUID): sent again with a retry, it returns the decisions recorded under it")),
    request_body = EditBody,
    responses((status = 200, body = Vec<DecisionOut>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "The incident holds no reports to decide on (run `vigil link`), or the Idempotency-Key was sent with another request", body = ErrorBody)))]
pub async fn edit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> ApiResult<Vec<DecisionOut>> {
    let who = analyst(&headers)?;
    let key = idempotency_key(&headers)?;
    let id: IncidentId = id_param("incident", &id)?;
    let b: EditBody = body(
        &bytes,
        r#"{"changes": [{"field": "killed", "value": 6}], "note": "why"}"#,
    )?;
    let note = note(b.note)?;
    if b.changes.is_empty() {
        return Err(ApiError::bad_request(
            "changes: empty; give at least one {\"field\": ..., \"value\": ...}",
        ));
    }
    for change in &b.changes {
        change
            .check()
            .map_err(|e| ApiError::bad_request(format!("changes: {e}")))?;
    }
    let changes = b.changes;
    let out = state
        .pool
        .write(move |s| decide(s, id, ReviewAction::Edit { changes }, who, note, key))
        .await?;
    Ok(Json(out))
}

// ---- handlers: tallies, surges, sites --------------------------------------------

/// Weekly counts of incidents, claims or fatalities, each week with its
/// baseline and surge verdict.
#[utoipa::path(get, path = "/api/v1/tally", tag = "tallies", params(TallyParams),
    responses((status = 200, body = TallyOut), (status = 400, body = ErrorBody)))]
pub async fn get_tally(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<TallyOut> {
    let p: TallyParams = parse_query(raw.as_deref(), TALLY_TAKES)?;
    let measure: Measure = one("measure", &p.measure)?.unwrap_or(Measure::Incidents);
    let by: Option<Dimension> = one("by", &p.by)?;
    let week_start: WeekStart = one("week_start", &p.week_start)?.unwrap_or(WeekStart::Monday);
    let bw = baseline_weeks(&p.baseline_weeks)?;
    let (from, to) = params::date_range(&p.from, &p.to)?;
    let (p_from, p_to) = (from, to);
    if let (Some(f), Some(t)) = (from, to) {
        params::bounded_weeks(from, to, (f, t), week_start)?;
    }
    one::<vigil_model::EventType>("event_type", &p.event_type)?;
    one::<vigil_model::SubEventType>("sub_event_type", &p.sub_event_type)?;
    one::<vigil_model::AttackMode>("attack_mode", &p.attack_mode)?;
    one::<SourceKind>("source_kind", &p.source_kind)?;
    one::<IncidentStatus>("status", &p.status)?;
    let filters = dimension_filters(&[
        (Dimension::Perpetrator, &p.perpetrator),
        (Dimension::Target, &p.target),
        (Dimension::EventType, &p.event_type),
        (Dimension::SubEventType, &p.sub_event_type),
        (Dimension::AttackMode, &p.attack_mode),
        (Dimension::Province, &p.province),
        (Dimension::Site, &p.site),
        (Dimension::Status, &p.status),
        (Dimension::SourceKind, &p.source_kind),
    ]);
    let out = state
        .pool
        .run(move |s| {
            let span = vigil_store::incident_span(s)?;
            let (Some(from), Some(to)) = (from.or(span.map(|x| x.0)), to.or(span.map(|x| x.1)))
            else {
                return Ok(TallyOut {
                    measure,
                    week_start,
                    from: None,
                    to: None,
                    baseline_weeks: bw,
                    series: Vec::new(),
                    omitted_series: 0,
                });
            };
            let (first, last) = params::bounded_weeks(p_from, p_to, (from, to), week_start)?;
            // The baseline of the first weeks shown lies before them, but
            // not before the store's first week: weeks before collection
            // began are unknown, not quiet, and would make every early
            // week a surge.
            let store_first = span.map_or(first, |(a, _)| week_of(a, week_start));
            let counted_from = (first - Days::new(7 * bw as u64)).max(store_first.min(first));
            let q = TallyQuery {
                measure,
                by,
                filters,
                week_start,
                from: counted_from,
                to: last,
            };
            let counts = s.weekly_counts(&q.weekly_count_query())?;
            let opts = SurgeOptions {
                baseline_weeks: bw,
                ..SurgeOptions::default()
            };
            let mut series: Vec<TallySeries> = series_from_counts(&counts, &q)
                .into_iter()
                .map(|sr| tested(&sr, first, &opts))
                .collect();
            let omitted_series = largest(&mut series, |sr| {
                sr.weeks.iter().map(|w| w.value).sum::<u64>() as f64
            });
            Ok(TallyOut {
                measure,
                week_start,
                from: Some(first),
                to: Some(last),
                baseline_weeks: bw,
                series,
                omitted_series,
            })
        })
        .await?;
    Ok(Json(out))
}

/// Each week of `series` from `first` on, tested against the weeks before.
fn tested(series: &Series, first: NaiveDate, opts: &SurgeOptions) -> TallySeries {
    let weeks = series
        .weeks
        .iter()
        .enumerate()
        .filter(|(_, w)| w.start >= first)
        .map(|(i, w)| {
            let (baseline, surge, flagged_by) = if i >= opts.baseline_weeks {
                let window = Series {
                    key: series.key.clone(),
                    weeks: series.weeks[i - opts.baseline_weeks..=i].to_vec(),
                };
                let verdict = surges(std::slice::from_ref(&window), opts);
                match verdict.first() {
                    Some(v) => (
                        v.tests.first().map(|t| t.baseline),
                        v.surge,
                        v.tests
                            .iter()
                            .filter(|t| t.surge)
                            .map(|t| t.test.to_string())
                            .collect(),
                    ),
                    None => (None, false, Vec::new()),
                }
            } else {
                (None, false, Vec::new())
            };
            TallyWeek {
                start: w.start,
                value: w.value,
                baseline,
                surge,
                flagged_by,
            }
        })
        .collect();
    TallySeries {
        key: series.key.clone(),
        weeks,
    }
}

/// Surge tests of one week (the last by default) for each series.
#[utoipa::path(get, path = "/api/v1/surges", tag = "tallies", params(SurgeParams),
    responses((status = 200, body = SurgesOut), (status = 400, body = ErrorBody)))]
pub async fn get_surges(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<SurgesOut> {
    let p: SurgeParams = parse_query(raw.as_deref(), SURGE_TAKES)?;
    let measure: Measure = one("measure", &p.measure)?.unwrap_or(Measure::Incidents);
    let by: Option<Dimension> = one("by", &p.by)?;
    let week_start: WeekStart = one("week_start", &p.week_start)?.unwrap_or(WeekStart::Monday);
    let bw = baseline_weeks(&p.baseline_weeks)?;
    let week = params::date("week", &p.week)?;
    one::<vigil_model::EventType>("event_type", &p.event_type)?;
    one::<IncidentStatus>("status", &p.status)?;
    let filters = dimension_filters(&[
        (Dimension::Perpetrator, &p.perpetrator),
        (Dimension::Target, &p.target),
        (Dimension::EventType, &p.event_type),
        (Dimension::Province, &p.province),
        (Dimension::Site, &p.site),
        (Dimension::Status, &p.status),
    ]);
    let out = state
        .pool
        .run(move |s| {
            let q = AtWeek {
                week,
                week_start,
                measure,
                by,
                filters,
                opts: SurgeOptions {
                    baseline_weeks: bw,
                    ..SurgeOptions::default()
                },
            };
            let Some(WeekSurges {
                week: last,
                mut found,
                ..
            }) = at_week(s, &q)?
            else {
                return Ok(SurgesOut {
                    measure,
                    week: None,
                    baseline_weeks: bw,
                    items: Vec::new(),
                    omitted_series: 0,
                });
            };
            let omitted_series = found.len().saturating_sub(MAX_SERIES);
            found.truncate(MAX_SERIES);
            Ok(SurgesOut {
                measure,
                week: Some(last),
                baseline_weeks: bw,
                items: found
                    .into_iter()
                    .map(|f| SurgeOut {
                        key: f.key,
                        week: f.week,
                        count: f.count,
                        incidents: f.incidents,
                        tests: f.tests,
                        surge: f.surge,
                    })
                    .collect(),
                omitted_series,
            })
        })
        .await?;
    Ok(Json(out))
}

/// Every watched site with its incidents.
#[utoipa::path(get, path = "/api/v1/sites", tag = "sites",
    responses((status = 200, body = SiteList), (status = 400, body = ErrorBody)))]
pub async fn list_sites(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<SiteList> {
    no_query(&raw)?;
    let out = state
        .pool
        .run(|s| {
            let items = vigil_app::sites::totals(s)?
                .into_iter()
                .map(|t| SiteOut {
                    incidents: t.incidents,
                    killed: t.killed,
                    last: t.last,
                    names: t.site.names.iter().map(|n| n.text.clone()).collect(),
                    key: t.site.key,
                    name: t.site.name,
                    kind: t.site.kind,
                    lat: t.site.lat,
                    lon: t.site.lon,
                    radius_km: t.site.radius_km,
                })
                .collect();
            Ok(SiteList { items })
        })
        .await?;
    Ok(Json(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_keeps_its_largest_series_in_their_order() {
        let mut few: Vec<u32> = (0..MAX_SERIES as u32).collect();
        assert_eq!(largest(&mut few, |v| f64::from(*v)), 0);
        assert_eq!(few.len(), MAX_SERIES);
        // Twice as many as allowed, the large ones interleaved with small.
        let mut many: Vec<u32> = (0..2 * MAX_SERIES as u32)
            .map(|i| if i % 2 == 0 { 1000 + i } else { i })
            .collect();
        assert_eq!(largest(&mut many, |v| f64::from(*v)), MAX_SERIES);
        assert_eq!(many.len(), MAX_SERIES);
        assert!(many.iter().all(|v| *v >= 1000), "{many:?}");
        assert!(many.windows(2).all(|w| w[0] < w[1]), "order kept: {many:?}");
    }
}
