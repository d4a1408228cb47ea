//! The alert feed: alerts as `vigil alerts check` stored them, each with
//! its webhook deliveries and their attempts, the incidents and documents
//! behind it, and the analyst's acknowledgment.
//!
//! Acknowledging is idempotent: the first acknowledgment is kept (who and
//! when), and acknowledging again answers 200 with that first one and
//! `newly_acknowledged: false`, so a double click or a retried request is
//! never an error.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vigil_model::{
    Alert, AlertId, Delivery, DocumentId, EventType, IncidentId, IncidentStatus, Lang, SourceId,
    SubEventType,
};
use vigil_store::{alert_page_after, AlertFilter, Store};

use crate::api::{id_param, no_query, page};
use crate::params::{self, parse_query, Cursor};
use crate::{ApiError, AppState, ErrorBody};

type ApiResult<T> = Result<Json<T>, ApiError>;

/// The kinds of alert rule (`kind` of a `[[rule]]` in the rules file).
pub const ALERT_KINDS: &[&str] = &["surge", "site", "narrative_rising", "watch", "fatalities"];

/// The sort label kept in alert cursors: newest first, always.
const SORT: &str = "-fired_at";

// ---- answers ---------------------------------------------------------------

/// What an alert points at.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertEvidenceOut {
    /// Documents that carry the condition.
    pub documents: Vec<DocumentId>,
    /// Incidents that meet the condition.
    pub incidents: Vec<IncidentId>,
    /// The week tested (its first day), for series conditions.
    pub week: Option<NaiveDate>,
    /// The series or narrative tested.
    pub series: Option<String>,
    /// Figures behind the verdict (`count`, `baseline`, `p_value`, `test`, …).
    pub facts: BTreeMap<String, String>,
}

/// An alert of the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertOut {
    /// Stable id.
    pub id: AlertId,
    /// The rule's key.
    pub rule: String,
    /// The rule's kind (`surge`, `site`, `narrative_rising`, `watch`, `fatalities`).
    pub kind: String,
    /// What makes it one condition (the store keeps one alert per key).
    pub dedup_key: String,
    /// One line for people.
    pub title: String,
    /// When it fired.
    pub fired_at: DateTime<Utc>,
    /// Who acknowledged it (absent while unacknowledged).
    pub acknowledged_by: Option<String>,
    /// When.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// What it points at.
    pub evidence: AlertEvidenceOut,
}

impl From<Alert> for AlertOut {
    fn from(a: Alert) -> AlertOut {
        AlertOut {
            id: a.id,
            rule: a.rule,
            kind: a.kind,
            dedup_key: a.dedup_key,
            title: a.title,
            fired_at: a.fired_at,
            acknowledged_by: a.acknowledged_by,
            acknowledged_at: a.acknowledged_at,
            evidence: AlertEvidenceOut {
                documents: a.evidence.documents,
                incidents: a.evidence.incidents,
                week: a.evidence.week,
                series: a.evidence.series,
                facts: a.evidence.facts,
            },
        }
    }
}

/// A page of alerts, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertPage {
    /// This page.
    pub items: Vec<AlertOut>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// One attempt at a delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptOut {
    /// When it started.
    pub at: DateTime<Utc>,
    /// The HTTP status received, if any.
    pub http_status: Option<u16>,
    /// What went wrong (absent on success).
    pub error: Option<String>,
    /// Where the delivery stood after it (`pending`, `delivered`, `dead`).
    pub status: String,
}

/// An alert's delivery to one webhook channel.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryOut {
    /// Stable id.
    pub id: i64,
    /// The channel's key (a `[[webhook]]` of the rules file).
    pub channel: String,
    /// `pending` (tried again at `next_attempt_at`), `delivered` or `dead` (given up).
    pub status: String,
    /// Attempts made so far.
    pub attempts: u32,
    /// Not tried again before this time.
    pub next_attempt_at: DateTime<Utc>,
    /// What went wrong last, if anything.
    pub last_error: Option<String>,
    /// Every attempt, oldest first.
    pub attempt_log: Vec<AttemptOut>,
}

/// A document behind an alert.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertDocumentOut {
    /// Its id (`/api/v1/documents/{id}`).
    pub id: DocumentId,
    /// Its source.
    pub source_id: SourceId,
    /// That source's name.
    pub source: String,
    /// When published.
    pub published: Option<DateTime<Utc>>,
    /// Language.
    pub lang: Lang,
    /// Title.
    pub title: Option<String>,
}

/// An incident behind an alert.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertIncidentOut {
    /// Its id (`/api/v1/incidents/{id}`).
    pub id: IncidentId,
    /// Its day, when known.
    pub date: Option<NaiveDate>,
    /// Event type.
    pub event_type: EventType,
    /// Sub-event type.
    pub sub_event_type: SubEventType,
    /// Where, by name.
    pub place: Option<String>,
    /// Its review status.
    pub status: IncidentStatus,
}

/// One alert with its deliveries and the evidence behind it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertDetailOut {
    /// The alert.
    #[serde(flatten)]
    pub alert: AlertOut,
    /// Its webhook deliveries (none when its rule names no channel).
    pub deliveries: Vec<DeliveryOut>,
    /// The documents of `evidence.documents` that are still stored.
    pub documents: Vec<AlertDocumentOut>,
    /// The incidents of `evidence.incidents` that still exist (relinking
    /// may have merged or renumbered some; those are left out).
    pub incidents: Vec<AlertIncidentOut>,
}

/// The answer to an acknowledgment.
#[derive(Debug, Serialize, ToSchema)]
pub struct AckOut {
    /// The alert, acknowledged.
    pub alert: AlertOut,
    /// Whether this request acknowledged it (false: it was already, and
    /// the first acknowledgment is kept).
    pub newly_acknowledged: bool,
}

// ---- parameters ------------------------------------------------------------

/// Filters and paging of the alert feed.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AlertParams {
    /// `true` for unacknowledged alerts only; `false` (default) for all.
    unacked: Option<String>,
    /// Only these rules (keys of the rules file), comma-separated.
    rule: Option<String>,
    /// Only these kinds of rule, comma-separated: surge, site, narrative_rising, watch, fatalities.
    kind: Option<String>,
    /// Fired on or after this day (YYYY-MM-DD, UTC).
    from: Option<String>,
    /// Fired on or before this day (YYYY-MM-DD, UTC).
    to: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Items per page, 1 to 500 (default 50).
    limit: Option<String>,
}

const ALERT_TAKES: &[&str] = &["unacked", "rule", "kind", "from", "to", "cursor", "limit"];

fn flag(name: &str, v: &Option<String>) -> Result<bool, ApiError> {
    match v.as_deref().map(str::trim) {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(s) => Err(ApiError::bad_request(format!(
            "{name}: {s:?} is not true or false"
        ))),
    }
}

// ---- handlers --------------------------------------------------------------

/// The alert feed, newest first, filtered and paged.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "alerts", params(AlertParams),
    responses((status = 200, body = AlertPage), (status = 400, body = ErrorBody)))]
pub async fn list_alerts(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<AlertPage> {
    let p: AlertParams = parse_query(raw.as_deref(), ALERT_TAKES)?;
    let limit = params::limit(&p.limit)?;
    let after = Cursor::decode(&p.cursor, SORT)?.map(|c| c.after());
    let (since, until) = params::date_range(&p.from, &p.to)?;
    let kinds: Vec<String> = params::list("kind", &p.kind)?;
    if let Some(k) = kinds.iter().find(|k| !ALERT_KINDS.contains(&k.as_str())) {
        return Err(ApiError::bad_request(format!(
            "kind: {k:?} is not a kind of alert rule; use {}",
            ALERT_KINDS.join(", ")
        )));
    }
    let filter = AlertFilter {
        unacked_only: flag("unacked", &p.unacked)?,
        rules: params::list("rule", &p.rule)?,
        kinds,
        since,
        until,
        after,
        limit: limit + 1,
    };
    let rows = state.pool.run(move |s| Ok(s.alerts_page(&filter)?)).await?;
    let (rows, next_cursor) = page(rows, limit, |a| {
        let at = alert_page_after(a);
        Cursor {
            s: SORT.into(),
            k: at.key,
            i: at.id,
        }
    });
    Ok(Json(AlertPage {
        items: rows.into_iter().map(AlertOut::from).collect(),
        next_cursor,
    }))
}

fn existing(s: &dyn Store, id: AlertId) -> Result<Alert, ApiError> {
    s.alert(id)?
        .ok_or_else(|| ApiError::not_found(format!("alert {id} not found; see /api/v1/alerts")))
}

fn delivery_out(s: &dyn Store, d: Delivery) -> Result<DeliveryOut, ApiError> {
    let attempt_log = s
        .delivery_attempts(d.id)?
        .into_iter()
        .map(|a| AttemptOut {
            at: a.at,
            http_status: a.http_status,
            error: a.error,
            status: a.status.as_str().into(),
        })
        .collect();
    Ok(DeliveryOut {
        id: d.id,
        channel: d.channel,
        status: d.status.as_str().into(),
        attempts: d.attempts,
        next_attempt_at: d.next_attempt_at,
        last_error: d.last_error,
        attempt_log,
    })
}

/// One alert with its deliveries (and their attempts) and the incidents
/// and documents behind it.
#[utoipa::path(get, path = "/api/v1/alerts/{id}", tag = "alerts",
    params(("id" = i64, Path, description = "The alert's id")),
    responses((status = 200, body = AlertDetailOut), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_alert(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<AlertDetailOut> {
    no_query(&raw)?;
    let id: AlertId = id_param("alert", &id)?;
    let out = state
        .pool
        .run(move |s| {
            let alert = existing(s, id)?;
            let deliveries = s
                .deliveries(id)?
                .into_iter()
                .map(|d| delivery_out(s, d))
                .collect::<Result<_, _>>()?;
            let names: HashMap<SourceId, String> = s
                .sources()?
                .into_iter()
                .map(|x| (x.source.id, x.source.name))
                .collect();
            let mut documents = Vec::new();
            for &d in &alert.evidence.documents {
                let Some(doc) = s.document(d)? else { continue };
                documents.push(AlertDocumentOut {
                    id: doc.id,
                    source: names.get(&doc.source_id).cloned().unwrap_or_default(),
                    source_id: doc.source_id,
                    published: doc.published,
                    lang: doc.lang,
                    title: doc.title,
                });
            }
            let mut incidents = Vec::new();
            for &i in &alert.evidence.incidents {
                let Some(inc) = s.incident(i)? else { continue };
                incidents.push(AlertIncidentOut {
                    id: inc.id,
                    date: inc.date.map(|d| d.date),
                    event_type: inc.event_type,
                    sub_event_type: inc.sub_event_type,
                    place: inc.place.map(|p| p.name),
                    status: inc.status,
                });
            }
            Ok(AlertDetailOut {
                alert: alert.into(),
                deliveries,
                documents,
                incidents,
            })
        })
        .await?;
    Ok(Json(out))
}

/// Acknowledge an alert (X-Vigil-Analyst names who; the server's clock
/// says when). Idempotent: an alert already acknowledged keeps its first
/// acknowledgment and the answer says `newly_acknowledged: false`.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/ack", tag = "alerts",
    params(("id" = i64, Path, description = "The alert's id"),
        ("X-Vigil-Analyst" = String, Header, description = "Who acknowledges it: a name in any script, as UTF-8 or percent-encoded UTF-8")),
    responses((status = 200, body = AckOut), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn ack(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> ApiResult<AckOut> {
    no_query(&raw)?;
    let who = crate::incidents::analyst(&headers)?;
    let id: AlertId = id_param("alert", &id)?;
    let out = state
        .pool
        .write(move |s| {
            let before = existing(s, id)?;
            let after = s.ack_alert(id, &who, Utc::now())?;
            let newly = before.acknowledged_at.is_none();
            if newly {
                tracing::info!(alert = %id, who = %who, "alert acknowledged");
            }
            Ok(AckOut {
                alert: after.into(),
                newly_acknowledged: newly,
            })
        })
        .await?;
    Ok(Json(out))
}
