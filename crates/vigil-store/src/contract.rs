//! The store contract: what every backend (SQLite now, PostgreSQL next)
//! provides, checked by the conformance suite (the `conformance` feature).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde::Serialize;
use vigil_model::{
    Alert, AlertId, ClaimStatus, CopyKind, Decision, DecisionAction, Delivery, DeliveryAttempt,
    Dimension, Document, DocumentCopy, DocumentId, EventReport, EventType, Incident, IncidentId,
    IncidentStatus, Lang, Measure, NarrativeDayCount, NarrativeTag, NewAlert, NewDocument,
    NewSource, Reliability, ReportId, ReportKey, Site, Source, SourceId, SourceKind, Span,
    SubEventType, WeekStart,
};

use crate::StoreError;

/// Result of the store's operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How the store tells a publication's text from others. Which documents
/// are copies does not depend on these options: a copy is the same
/// publication again, or another source's forward, repost or re-run of a
/// stored publication (README, "Copies and publications").
#[derive(Debug, Clone, Copy)]
pub struct DedupOptions {
    /// A new publication whose word-shingle resemblance to a stored one
    /// is at least this (0..=1) is reported as like it
    /// ([`InsertOutcome::New`]'s `seen`): a formulaic stream, not a copy.
    pub near_threshold: f64,
    /// At most this many LSH candidates are checked per document.
    pub max_candidates: usize,
}

impl Default for DedupOptions {
    fn default() -> Self {
        DedupOptions {
            near_threshold: 0.7,
            max_candidates: 32,
        }
    }
}

/// A stored publication whose text a new publication repeats or resembles.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SeenText {
    /// The stored publication (the most recently stored, for equal texts).
    pub of: DocumentId,
    /// Word-shingle resemblance to it; 1 when the texts are the same but
    /// for framing.
    pub similarity: f64,
}

/// What happened to one document offered to the store.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum InsertOutcome {
    /// Stored as a new publication, with its own event reports to come,
    /// even when its text equals another's.
    New {
        /// Its id.
        id: DocumentId,
        /// A stored publication with the same text (but for framing) or
        /// one like it, when there is one.
        seen: Option<SeenText>,
    },
    /// The same publication reaching the store again (same source and
    /// external id or URL; without either, same source, time and text):
    /// nothing added.
    Recollected {
        /// The stored document it is, or whose copy it is.
        of: DocumentId,
    },
    /// Another source's forward, repost or re-run of a stored
    /// publication: recorded as a copy of it.
    Copy {
        /// The publication it copies.
        of: DocumentId,
        /// How it copies it.
        kind: CopyKind,
        /// It was published before the stored document it repeats, so it
        /// took that document's place (same id) and the stored one was
        /// recorded as its copy.
        promoted: bool,
    },
}

/// Changes to a source's analyst-set fields; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct SourcePatch {
    /// New name.
    pub name: Option<String>,
    /// New kind.
    pub kind: Option<SourceKind>,
    /// New affiliation (`Some(None)` clears it).
    pub affiliation: Option<Option<String>>,
    /// New languages.
    pub languages: Option<Vec<Lang>>,
    /// New reliability grade (`Some(None)` clears it).
    pub reliability: Option<Option<Reliability>>,
    /// New address (`Some(None)` clears it).
    pub url: Option<Option<String>>,
    /// New notes (`Some(None)` clears them).
    pub notes: Option<Option<String>>,
}

/// A source with its document counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = SourceOut))]
pub struct SourceSummary {
    /// The source.
    #[serde(flatten)]
    pub source: Source,
    /// Documents stored from it.
    pub documents: u64,
    /// Copies (forwards, reposts) of other sources' publications seen in it.
    pub copies: u64,
}

/// A full-text search with filters.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    /// Words, "quoted phrases", `OR`, `-excluded`, `prefix*`.
    pub text: String,
    /// Only these sources (by id).
    pub sources: Vec<SourceId>,
    /// Only these source kinds.
    pub source_kinds: Vec<SourceKind>,
    /// Only these languages.
    pub langs: Vec<Lang>,
    /// Published on or after this day.
    pub since: Option<NaiveDate>,
    /// Published on or before this day.
    pub until: Option<NaiveDate>,
    /// Hits to return.
    pub limit: usize,
    /// Hits to skip.
    pub offset: usize,
}

/// One search hit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
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
    /// A passage of the (normalized) text with matches in `[`…`]`.
    pub snippet: String,
    /// The same passage without the brackets.
    pub passage: String,
    /// Where the matches are in `passage`, in Unicode code points.
    pub highlights: Vec<Span>,
    /// BM25 score (lower is better, as SQLite reports it).
    pub rank: f64,
}

/// A page of search hits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    /// Hits matching the query and filters, in all.
    pub total: u64,
    /// This page.
    pub hits: Vec<SearchHit>,
}

/// Which way a listing runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Smallest first; items without the key (no date) come first.
    #[default]
    Asc,
    /// Largest first; items without the key come last.
    Desc,
}

/// Where the next page of a keyset listing starts: the sort key and id of
/// the last item of the previous page. Pages never repeat or skip an item,
/// even when items are added between requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageAfter {
    /// The last item's sort key as the store keeps it (`None` for an item
    /// without one, or when sorting by id).
    pub key: Option<String>,
    /// The last item's id.
    pub id: i64,
}

/// What a document listing is ordered by (then by id).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentSort {
    /// Publication time.
    #[default]
    Published,
    /// Id (the order they were stored in).
    Id,
}

/// A filtered, ordered page of documents.
#[derive(Debug, Clone, Default)]
pub struct DocumentFilter {
    /// Only documents matching this search (same language as [`SearchQuery::text`]).
    pub text: Option<String>,
    /// Only these sources.
    pub sources: Vec<SourceId>,
    /// Only these source kinds.
    pub source_kinds: Vec<SourceKind>,
    /// Only these languages.
    pub langs: Vec<Lang>,
    /// Published on or after this day.
    pub since: Option<NaiveDate>,
    /// Published on or before this day.
    pub until: Option<NaiveDate>,
    /// Sort key.
    pub sort: DocumentSort,
    /// Direction.
    pub order: SortOrder,
    /// Start after this item (from [`DocumentSummary::page_after`]).
    pub after: Option<PageAfter>,
    /// Items to return.
    pub limit: usize,
}

/// A document in a listing: what identifies it, without its text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = DocumentSummaryOut))]
pub struct DocumentSummary {
    /// The document.
    pub id: DocumentId,
    /// Its source.
    pub source_id: SourceId,
    /// Its source's name.
    pub source: String,
    /// Its source's kind.
    pub source_kind: SourceKind,
    /// When published.
    pub published: Option<DateTime<Utc>>,
    /// Language.
    pub lang: Lang,
    /// Title.
    pub title: Option<String>,
    /// Address.
    pub url: Option<String>,
    /// Size of the text in bytes (UTF-8).
    pub bytes: u64,
    /// Copies (the forwards, reposts and re-runs of it) recorded for it.
    pub copies: u64,
}

impl DocumentSummary {
    /// Where the page after this item starts, for `sort`.
    pub fn page_after(&self, sort: DocumentSort) -> PageAfter {
        PageAfter {
            key: match sort {
                DocumentSort::Published => self.published.as_ref().map(crate::sqlite_ts),
                DocumentSort::Id => None,
            },
            id: self.id.0,
        }
    }
}

/// What an event report listing is ordered by (then by id).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportSort {
    /// Event date.
    #[default]
    Date,
    /// Id.
    Id,
}

/// A rectangle on the map: longitudes and latitudes in WGS84 degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BBox {
    /// West edge.
    pub min_lon: f64,
    /// South edge.
    pub min_lat: f64,
    /// East edge.
    pub max_lon: f64,
    /// North edge.
    pub max_lat: f64,
}

/// A filtered, ordered page of event reports.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    /// Events on or after this day.
    pub since: Option<NaiveDate>,
    /// Events on or before this day.
    pub until: Option<NaiveDate>,
    /// Only these ACLED event types.
    pub event_types: Vec<EventType>,
    /// Only these ACLED sub-event types.
    pub sub_event_types: Vec<SubEventType>,
    /// Only these claim statuses.
    pub claim_statuses: Vec<ClaimStatus>,
    /// Only reports from documents of these sources.
    pub sources: Vec<SourceId>,
    /// Only reports from documents in these languages.
    pub langs: Vec<Lang>,
    /// Only reports naming one of these actors (canonical name or the
    /// words of the text, case-insensitive) on either side.
    pub actors: Vec<String>,
    /// Only reports placed inside this rectangle.
    pub bbox: Option<BBox>,
    /// Sort key.
    pub sort: ReportSort,
    /// Direction.
    pub order: SortOrder,
    /// Start after this item (from [`report_page_after`]).
    pub after: Option<PageAfter>,
    /// Items to return.
    pub limit: usize,
}

/// Where the page after this report starts, for `sort`.
pub fn report_page_after(report: &EventReport, sort: ReportSort) -> PageAfter {
    PageAfter {
        key: match sort {
            ReportSort::Date => report.date.map(|d| d.date.to_string()),
            ReportSort::Id => None,
        },
        id: report.id.0,
    }
}

/// Counts over the whole store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// Sources.
    pub sources: u64,
    /// Stored documents.
    pub documents: u64,
    /// Copies recorded, by kind.
    pub copies: Vec<(CopyKind, u64)>,
    /// Documents per language, most first.
    pub languages: Vec<(Lang, u64)>,
    /// Documents per source kind, most first.
    pub source_kinds: Vec<(SourceKind, u64)>,
    /// Earliest publication time.
    pub first_published: Option<DateTime<Utc>>,
    /// Latest publication time.
    pub last_published: Option<DateTime<Utc>>,
    /// Event reports.
    pub event_reports: u64,
    /// Incidents.
    pub incidents: u64,
}

/// What extraction reads of a document.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentText {
    /// The document.
    pub id: DocumentId,
    /// Its source.
    pub source_id: SourceId,
    /// Its language.
    pub lang: Lang,
    /// When the source published it.
    pub published: Option<DateTime<Utc>>,
    /// Its text as received.
    pub text: String,
}

/// A report as linking reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkInput {
    /// The report.
    pub report: EventReport,
    /// Its key, which survives re-extraction.
    pub key: ReportKey,
    /// How many times re-extraction has rewritten it: an incident built
    /// from it is written only while it is still this revision.
    pub revision: i64,
    /// The kind of its document's source.
    pub source_kind: SourceKind,
    /// The actor its document's source speaks for or is aligned with,
    /// where it has one: a report from a perpetrator's own side never
    /// corroborates its claim.
    pub affiliation: Option<String>,
    /// Its document forwards another source's post (`forwarded_from`): a
    /// copy, which never counts as an independent account.
    pub forwarded: bool,
    /// The source of its document: two claims a channel published apart
    /// are two attacks (a channel does not claim one attack twice).
    pub source_id: SourceId,
    /// How many events its document's reports tell, by their distinct
    /// days and places (a headline and its body tell one): more than one
    /// is a list (a newsletter's, a roundup's), which repeats events told
    /// before.
    pub document_events: u32,
}

/// What linking has left to do.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinkBacklog {
    /// Reports in no incident.
    pub unlinked: u64,
    /// The days the dated ones among them, and the incidents to redo,
    /// span.
    pub days: Option<(NaiveDate, NaiveDate)>,
    /// The undated reports in no incident, or in one to redo.
    pub undated: Vec<ReportId>,
    /// Incidents to redo (one of their reports was re-extracted).
    pub dirty: Vec<IncidentId>,
}

/// An incident's reports and the days they span.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentSpan {
    /// The incident.
    pub id: IncidentId,
    /// The earliest and latest day its reports may tell of.
    pub days: Option<(NaiveDate, NaiveDate)>,
    /// Its reports.
    pub reports: Vec<ReportId>,
}

/// An incident as linking builds it, before it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewIncident {
    /// The incident (its id is ignored; `reports` are its members).
    pub incident: Incident,
    /// The key of its earliest report, which keeps its id across relinks.
    pub anchor: ReportKey,
    /// The earliest and latest day its reports may tell of.
    pub days: Option<(NaiveDate, NaiveDate)>,
    /// What tallies split and filter it by.
    pub facets: Vec<(Dimension, String)>,
    /// The revision (see [`LinkInput::revision`]) of each of its reports as
    /// linking read them: when one was rewritten since (a re-extraction in
    /// another process), [`Store::replace_incidents`] fails with
    /// [`StoreError::Stale`] and the caller reads again. Reports not listed
    /// need only exist.
    pub read: Vec<(ReportId, i64)>,
}

/// What an incident listing is ordered by (then by id).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentSort {
    /// Event date.
    #[default]
    Date,
    /// Killed (the conservative count).
    Killed,
    /// Id.
    Id,
}

/// A filtered, ordered page of incidents.
#[derive(Debug, Clone, Default)]
pub struct IncidentFilter {
    /// Events on or after this day.
    pub since: Option<NaiveDate>,
    /// Events on or before this day.
    pub until: Option<NaiveDate>,
    /// Only these statuses.
    pub statuses: Vec<IncidentStatus>,
    /// Only incidents with every one of these (dimension, value) pairs
    /// (values case-insensitive).
    pub facets: Vec<(Dimension, String)>,
    /// Only incidents placed inside this rectangle.
    pub bbox: Option<BBox>,
    /// Sort key.
    pub sort: IncidentSort,
    /// Direction.
    pub order: SortOrder,
    /// Start after this item (from [`incident_page_after`]).
    pub after: Option<PageAfter>,
    /// Items to return.
    pub limit: usize,
}

/// Which alerts a listing returns, newest first (by firing time, then by
/// id, both descending), and where the page starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertFilter {
    /// Only alerts not yet acknowledged.
    pub unacked_only: bool,
    /// Only these rules (keys); all when empty.
    pub rules: Vec<String>,
    /// Only these rule kinds (`surge`, `narrative_rising`, …); all when empty.
    pub kinds: Vec<String>,
    /// Fired on or after this UTC day.
    pub since: Option<NaiveDate>,
    /// Fired on or before this UTC day.
    pub until: Option<NaiveDate>,
    /// The last alert of the previous page ([`alert_page_after`]).
    pub after: Option<PageAfter>,
    /// At most this many.
    pub limit: usize,
}

/// Where a page of alerts that ends with `alert` resumes.
pub fn alert_page_after(alert: &Alert) -> PageAfter {
    PageAfter {
        key: Some(crate::sqlite_ts(&alert.fired_at)),
        id: alert.id.0,
    }
}

/// The days a weekly series of the store's incidents covers: from the
/// first dated incident to the last, but not from before the first
/// document was published. Weeks before the store's sources were read
/// were not observed, and are not weeks of zero: a post recalling an
/// event of months before would otherwise add months of zeros to every
/// baseline. (When every incident is older than the documents, as in an
/// archive of history, all of them.)
pub fn incident_span<S: Store + ?Sized>(store: &S) -> Result<Option<(NaiveDate, NaiveDate)>> {
    let end = |order| -> Result<Option<NaiveDate>> {
        Ok(store
            .list_incidents(&IncidentFilter {
                order,
                since: Some(NaiveDate::MIN),
                limit: 1,
                ..IncidentFilter::default()
            })?
            .first()
            .and_then(|i| i.date)
            .map(|d| d.date))
    };
    let (Some(first), Some(last)) = (end(SortOrder::Asc)?, end(SortOrder::Desc)?) else {
        return Ok(None);
    };
    let observed = store
        .published_span()?
        .map(|(p, _)| p.date_naive())
        .filter(|&p| p > first && p <= last);
    Ok(Some((observed.unwrap_or(first), last)))
}

/// Where the page after this incident starts, for `sort`.
pub fn incident_page_after(incident: &Incident, sort: IncidentSort) -> PageAfter {
    PageAfter {
        key: match sort {
            IncidentSort::Date => incident.date.map(|d| d.date.to_string()),
            IncidentSort::Killed => incident.counts.killed.map(|c| format!("{:010}", c.value)),
            IncidentSort::Id => None,
        },
        id: incident.id.0,
    }
}

/// What a tally reads of one incident.
#[derive(Debug, Clone, PartialEq)]
pub struct TallyRow {
    /// The incident.
    pub id: IncidentId,
    /// Its best-estimate date.
    pub date: NaiveDate,
    /// Killed (the conservative count; 0 when not stated).
    pub killed: u32,
    /// Its status.
    pub status: IncidentStatus,
    /// What tallies split and filter it by.
    pub facets: Vec<(Dimension, String)>,
}

/// What [`Store::weekly_counts`] counts.
#[derive(Debug, Clone)]
pub struct WeeklyCountQuery {
    /// Incidents, claimed attacks or fatalities.
    pub measure: Measure,
    /// One series per value of this dimension.
    pub by: Option<Dimension>,
    /// Only incidents with each of these (dimension, value) pairs.
    pub filters: Vec<(Dimension, String)>,
    /// The first day of a week.
    pub week_start: WeekStart,
    /// Events on or after this day.
    pub since: NaiveDate,
    /// Events on or before this day.
    pub until: NaiveDate,
}

/// One week of one series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyCount {
    /// The value of the `by` dimension.
    pub key: Option<String>,
    /// The week's first day.
    pub week: NaiveDate,
    /// The count.
    pub value: u64,
}

/// What [`Store::record_decisions`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedDecisions {
    /// The decisions with their ids, in the request's order: those
    /// recorded before, when `repeated`.
    pub decisions: Vec<Decision>,
    /// The request had been recorded before: nothing was written.
    pub repeated: bool,
}

/// What makes two decisions the same decision: who took it, what it does,
/// the reports it is about (as a set) and the note, as a SHA-256 digest in
/// hex. The time is left out: a retried request is made later.
pub fn decision_digest(d: &Decision) -> String {
    use sha2::Digest;
    let mut reports = d.reports.clone();
    reports.sort_unstable();
    reports.dedup();
    let content = serde_json::json!({
        "who": d.who,
        "action": d.action,
        "reports": reports,
        "note": d.note,
    });
    let hash = sha2::Sha256::digest(content.to_string().as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `retry`, sent under the Idempotency-Key that recorded `stored`,
/// is the same request: the same analyst, actions and notes, about the
/// same event. A split names its reports, so they must be the same; the
/// other actions take the incident's reports when they are made, and
/// linking may add reports to the incident, or take some away, between a
/// request and its retry, so the two need only share one. (Comparing every
/// report refused a client's retry with a conflict whenever a link ran in
/// between; the soak test found it.)
pub fn same_request(stored: &[Decision], retry: &[Decision]) -> bool {
    stored.len() == retry.len()
        && stored.iter().zip(retry).all(|(s, r)| {
            let mut a = s.reports.clone();
            let mut b = r.reports.clone();
            a.sort_unstable();
            a.dedup();
            b.sort_unstable();
            b.dedup();
            let reports = if s.action == DecisionAction::Split {
                a == b
            } else {
                a.iter().any(|k| b.binary_search(k).is_ok())
            };
            s.who == r.who && s.action == r.action && s.note == r.note && reports
        })
}

/// Held while this process owns a step of the store's work (see
/// [`Store::lock_linking`]); the step is free again when it is dropped.
pub struct StepLock {
    _held: Option<Box<dyn std::any::Any + Send>>,
}

impl StepLock {
    /// A lock that holds nothing: for a store no other process can reach.
    pub fn none() -> StepLock {
        StepLock { _held: None }
    }

    /// A lock held as long as `guard` lives (a locked file, a connection
    /// holding an advisory lock).
    pub fn held(guard: impl std::any::Any + Send) -> StepLock {
        StepLock {
            _held: Some(Box::new(guard)),
        }
    }
}

impl std::fmt::Debug for StepLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StepLock")
            .field("held", &self._held.is_some())
            .finish()
    }
}

/// The store contract.
///
/// Writes that take a batch are atomic: every item of the batch is stored
/// or none is.
pub trait Store {
    /// The source with this name (case-insensitive), created from `source`
    /// if missing. An existing source is never changed by this: the
    /// analyst's settings win over what a file says.
    fn ensure_source(&mut self, source: &NewSource) -> Result<Source>;

    /// Creates the source, or updates every field of the one with its name
    /// (a sources file is the analyst's word). Returns it and whether it
    /// was created.
    fn put_source(&mut self, source: &NewSource) -> Result<(Source, bool)>;

    /// Changes some fields of a source, found by id or name.
    fn edit_source(&mut self, key: &str, patch: &SourcePatch) -> Result<Source>;

    /// A source by id or name.
    fn source(&self, key: &str) -> Result<Option<Source>>;

    /// Every source with its counts, by name.
    fn sources(&self) -> Result<Vec<SourceSummary>>;

    /// Stores a batch of documents atomically, judging each against the
    /// store and the batch's earlier documents: the same publication
    /// again adds nothing, another source's forward, repost or re-run of a
    /// stored publication is recorded as its copy, and every other
    /// document is a new publication (README, "Copies and publications").
    fn insert_documents(
        &mut self,
        docs: &[NewDocument],
        dedup: &DedupOptions,
    ) -> Result<Vec<InsertOutcome>>;

    /// A document by id.
    fn document(&self, id: DocumentId) -> Result<Option<Document>>;

    /// Ids of stored documents after `after`, in id order, at most `limit`
    /// (for walking the whole store in pages).
    fn document_ids(&self, after: DocumentId, limit: usize) -> Result<Vec<DocumentId>>;

    /// What extraction reads of the documents `ids`, in that order, leaving
    /// out ids that are not stored. Lighter than [`Store::document`], which
    /// also reads the normalized text and the fingerprint.
    fn document_texts(&self, ids: &[DocumentId]) -> Result<Vec<DocumentText>>;

    /// The copies (reposts) recorded for a document.
    fn copies(&self, id: DocumentId) -> Result<Vec<DocumentCopy>>;

    /// Full-text search with filters, best first. `total` counts every
    /// match. When more than [`crate::RANKED_MATCHES`] documents
    /// match (after filters), only that many of the most recently stored
    /// are ranked by relevance, and the others follow them, newest first:
    /// ranking every match of a common word took ~0.1 s at 1,000,000
    /// documents.
    fn search(&self, query: &SearchQuery) -> Result<SearchResults>;

    /// Counts over the store.
    fn stats(&self) -> Result<Stats>;

    /// The first and last publication times of the stored documents.
    fn published_span(&self) -> Result<Option<(DateTime<Utc>, DateTime<Utc>)>>;

    /// A page of documents matching the filter, in its order.
    fn list_documents(&self, filter: &DocumentFilter) -> Result<Vec<DocumentSummary>>;

    /// A page of event reports matching the filter, in its order.
    fn list_reports(&self, filter: &ReportFilter) -> Result<Vec<EventReport>>;

    /// An event report by id.
    fn report(&self, id: ReportId) -> Result<Option<EventReport>>;

    /// Replaces the event reports of a document (re-extraction) and returns
    /// their ids, in order. A report keeps the id of the one it replaces at
    /// its place (document and ordinal, its [`ReportKey`]), so ids are
    /// stable across re-extraction: an unchanged report is untouched, a
    /// changed one stays in its incident, which is marked for the next
    /// link, and the places the document no longer has are removed.
    fn replace_reports(
        &mut self,
        doc: DocumentId,
        reports: &[EventReport],
    ) -> Result<Vec<ReportId>>;

    /// [`Store::replace_reports`] for many documents in one transaction:
    /// all of them are replaced, or none (an error names the document).
    fn replace_many_reports(
        &mut self,
        docs: &[(DocumentId, &[EventReport])],
    ) -> Result<Vec<Vec<ReportId>>>;

    /// The event reports of a document.
    fn reports(&self, doc: DocumentId) -> Result<Vec<EventReport>>;

    // Incidents, decisions and sites.

    /// What linking has left to do: the reports in no incident, and the
    /// incidents one of whose reports was re-extracted.
    fn link_backlog(&self) -> Result<LinkBacklog>;

    /// Marks every incident to be redone by the next link (a full relink
    /// that keeps incident ids).
    fn mark_incidents_dirty(&mut self) -> Result<()>;

    /// Takes the store's link lock for as long as the returned guard
    /// lives: one link run at a time writes incidents, since two would
    /// each replace incidents the other has just written. When another
    /// process holds it, calls `waiting` once and waits its turn.
    fn lock_linking(&self, waiting: &mut dyn FnMut()) -> Result<StepLock>;

    /// Reports as linking reads them: those dated within `days` (by their
    /// first possible day), or every report when `days` is `None`.
    /// Ordered by id.
    fn link_inputs(&self, days: Option<(NaiveDate, NaiveDate)>) -> Result<Vec<LinkInput>>;

    /// Reports as linking reads them, by id or key (the union of both).
    fn link_inputs_of(&self, ids: &[ReportId], keys: &[ReportKey]) -> Result<Vec<LinkInput>>;

    /// The incidents holding any of these reports.
    fn incidents_of(&self, reports: &[ReportId]) -> Result<Vec<IncidentSpan>>;

    /// Replaces incidents in one transaction: removes `remove` (every
    /// incident when `None`) and stores `add`. A new incident whose anchor
    /// is a removed one's, or a stale one's (marked for relinking), takes
    /// its place and keeps its id. Returns the ids of `add`.
    fn replace_incidents(
        &mut self,
        remove: Option<&[IncidentId]>,
        add: &[NewIncident],
    ) -> Result<Vec<IncidentId>>;

    /// An incident with its reports and the decisions about it.
    fn incident(&self, id: IncidentId) -> Result<Option<Incident>>;

    /// A filtered, ordered page of incidents.
    fn list_incidents(&self, filter: &IncidentFilter) -> Result<Vec<Incident>>;

    /// Every dated incident from `since` to `until` (inclusive), with what
    /// tallies count and split by.
    fn tally_rows(
        &self,
        since: Option<NaiveDate>,
        until: Option<NaiveDate>,
    ) -> Result<Vec<TallyRow>> {
        self.tally_rows_where(since, until, &[])
    }

    /// As [`Store::tally_rows`], only incidents with each of these
    /// (dimension, value) pairs (values case-insensitive): a filtered
    /// series reads only its incidents.
    fn tally_rows_where(
        &self,
        since: Option<NaiveDate>,
        until: Option<NaiveDate>,
        filters: &[(Dimension, String)],
    ) -> Result<Vec<TallyRow>>;

    /// Weekly counts done by the store: for each value of `by` (one
    /// series when `None`) and each week with something to count, the
    /// measure over incidents from `since` to `until` with each of
    /// `filters`. Weeks with nothing are left out (the caller fills them).
    fn weekly_counts(&self, q: &WeeklyCountQuery) -> Result<Vec<WeeklyCount>>;

    /// Records an analyst's decision and marks the incidents it touches,
    /// so that the next link applies it. Returns its id (that of the same
    /// decision recorded before, for a repeat: see
    /// [`Store::record_decisions`]).
    fn record_decision(&mut self, decision: &Decision) -> Result<i64> {
        Ok(self
            .record_decisions(std::slice::from_ref(decision), None)?
            .decisions
            .first()
            .map_or(0, |d| d.id))
    }

    /// Records the decisions of one request of an analyst's, in order, in
    /// one transaction, and marks the incidents they touch so that the next
    /// link applies them. Once: when the latest decisions about their
    /// reports are already these (the same analyst, action, reports and
    /// note: [`decision_digest`]), as when a request whose answer was lost
    /// is sent again, nothing is written and those are returned
    /// (`repeated`). With `request_key` (a client's Idempotency-Key),
    /// decisions recorded under that key are returned instead, and a key
    /// sent before with another request ([`same_request`]) is a
    /// [`StoreError::Conflict`].
    fn record_decisions(
        &mut self,
        decisions: &[Decision],
        request_key: Option<&str>,
    ) -> Result<RecordedDecisions>;

    /// Every decision, oldest first.
    fn decisions(&self) -> Result<Vec<Decision>>;

    /// The decisions recorded under a client's request key
    /// (Idempotency-Key), oldest first; none when the key is new.
    fn decisions_for_request(&self, request_key: &str) -> Result<Vec<Decision>>;

    /// Replaces the watched sites; every incident is relinked on the next
    /// link, so that sites attach anew.
    fn put_sites(&mut self, sites: &[Site]) -> Result<()>;

    /// The watched sites, by key.
    fn sites(&self) -> Result<Vec<Site>>;

    // Narratives and alerts

    /// Documents to tag with the narratives file whose digest is `digest`,
    /// after `after` in id order, at most `limit`: those never tagged or
    /// tagged with another version of the file; every document when `all`.
    fn documents_to_tag(
        &self,
        digest: &str,
        all: bool,
        after: DocumentId,
        limit: usize,
    ) -> Result<Vec<DocumentId>>;

    /// How many documents [`Store::documents_to_tag`] walks in all.
    fn count_documents_to_tag(&self, digest: &str, all: bool) -> Result<u64>;

    /// Replaces the narrative tags of a batch of documents (a document with
    /// no tags loses its old ones) and marks them tagged under `digest`,
    /// atomically.
    fn replace_narrative_tags(
        &mut self,
        digest: &str,
        tagged_at: DateTime<Utc>,
        batch: &[(DocumentId, Vec<NarrativeTag>)],
    ) -> Result<()>;

    /// A document's narrative tags with their evidence, by narrative then
    /// position.
    fn narrative_tags(&self, doc: DocumentId) -> Result<Vec<NarrativeTag>>;

    /// Tagged documents per publication day (UTC) and source kind, in all
    /// (`narrative: None`) and per narrative, published within the days
    /// given. Undated documents are left out.
    fn narrative_day_counts(
        &self,
        since: Option<NaiveDate>,
        until: Option<NaiveDate>,
    ) -> Result<Vec<NarrativeDayCount>>;

    /// Documents carrying `narrative`, published within `since..=until`
    /// (UTC days), in id order: the evidence of a rising narrative.
    fn narrative_documents(
        &self,
        narrative: &str,
        since: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<DocumentId>>;

    /// Stores an alert and one pending delivery per channel in one
    /// transaction, unless an alert with its dedup key exists: then nothing
    /// is written and `None` returned. A delivery's payload is the stored
    /// alert as JSON.
    fn insert_alert(&mut self, alert: &NewAlert) -> Result<Option<Alert>>;

    /// An alert by id.
    fn alert(&self, id: AlertId) -> Result<Option<Alert>>;

    /// The newest alerts first, at most `limit`; only those not yet
    /// acknowledged when `unacked_only`.
    fn list_alerts(&self, unacked_only: bool, limit: usize) -> Result<Vec<Alert>>;

    /// Alerts filtered and keyset-paged, newest first (see [`AlertFilter`]).
    fn alerts_page(&self, filter: &AlertFilter) -> Result<Vec<Alert>>;

    /// Acknowledges an alert. An alert already acknowledged keeps its
    /// first acknowledgment.
    fn ack_alert(&mut self, id: AlertId, by: &str, at: DateTime<Utc>) -> Result<Alert>;

    /// Pending deliveries due at `now`, oldest due first, at most `limit`.
    fn due_deliveries(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Delivery>>;

    /// When the earliest pending delivery is due, if any is pending.
    fn next_delivery_at(&self) -> Result<Option<DateTime<Utc>>>;

    /// The deliveries of an alert.
    fn deliveries(&self, alert: AlertId) -> Result<Vec<Delivery>>;

    /// Records one attempt at a delivery and moves it to the attempt's
    /// status; a delivery no longer pending is left as it is (`Conflict`).
    fn record_delivery_attempt(
        &mut self,
        delivery: i64,
        attempt: &DeliveryAttempt,
    ) -> Result<Delivery>;

    /// The attempts made at a delivery, oldest first.
    fn delivery_attempts(&self, delivery: i64) -> Result<Vec<DeliveryAttempt>>;

    /// The last document a watch rule has checked.
    fn alert_cursor(&self, rule: &str) -> Result<Option<DocumentId>>;

    /// Moves a watch rule's cursor to `last`.
    fn set_alert_cursor(&mut self, rule: &str, last: DocumentId) -> Result<()>;
}
