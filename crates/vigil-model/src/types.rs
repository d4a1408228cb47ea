//! The records of the pipeline: sources, documents, event reports,
//! incidents, sites and narratives.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    AttackMode, ClaimStatus, CopyKind, CountExactness, DatePrecision, EventType, GeoPrecision,
    IncidentStatus, ParseError, Reliability, SiteKind, SourceKind, SubEventType,
};

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident, $prefix:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::Integer)
                    .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                        utoipa::openapi::KnownFormat::Int64,
                    )))
                    .minimum(Some(1))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = ParseError;
            /// Accepts `12` or the prefixed form `doc:12`.
            fn from_str(s: &str) -> Result<Self, ParseError> {
                let t = s.trim();
                let digits = t.strip_prefix(concat!($prefix, ":")).unwrap_or(t);
                digits
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .map($name)
                    .ok_or_else(|| ParseError::new(
                        concat!($prefix, " id"),
                        s,
                        concat!("a positive number, optionally prefixed `", $prefix, ":`"),
                    ))
            }
        }
    };
}

id_type!(
    /// A source's stable id in the store.
    SourceId,
    "source"
);
id_type!(
    /// A document's stable id in the store.
    DocumentId,
    "doc"
);
id_type!(
    /// An event report's stable id in the store.
    ReportId,
    "report"
);
id_type!(
    /// An incident's stable id in the store.
    IncidentId,
    "incident"
);
id_type!(
    /// An alert's stable id in the store.
    AlertId,
    "alert"
);

/// A language as an ISO 639-1 code (`ar`, `en`, `ku`, `tr`, …), or `und`
/// when it could not be told. Checked once on entry: 2–3 lowercase ASCII
/// letters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Lang(String);

impl Lang {
    /// Arabic.
    pub fn ar() -> Lang {
        Lang("ar".into())
    }
    /// English.
    pub fn en() -> Lang {
        Lang("en".into())
    }
    /// Kurdish (Kurmanji or Sorani).
    pub fn ku() -> Lang {
        Lang("ku".into())
    }
    /// Turkish.
    pub fn tr() -> Lang {
        Lang("tr".into())
    }
    /// Undetermined: a valid answer when the text is too short or mixed.
    pub fn und() -> Lang {
        Lang("und".into())
    }
    /// A code known to be valid (from a table); anything invalid gives `und`.
    pub fn from_code(code: &str) -> Lang {
        code.parse().unwrap_or_else(|_| Lang::und())
    }
    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// Whether this is `und`.
    pub fn is_undetermined(&self) -> bool {
        self.0 == "und"
    }
    /// Whether the language is written right to left.
    pub fn is_rtl(&self) -> bool {
        matches!(self.0.as_str(), "ar" | "fa" | "ur" | "he" | "ps" | "ckb")
    }
}

impl std::str::FromStr for Lang {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let code = s.trim().to_ascii_lowercase();
        // Accept region-tagged forms such as `en-US` or `ar_SY`.
        let code = code
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_string();
        let ok = (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase());
        if ok {
            Ok(Lang(code))
        } else {
            Err(ParseError::new(
                "language code",
                s,
                "an ISO 639-1 code such as ar, en, ku, tr, or und",
            ))
        }
    }
}

impl TryFrom<String> for Lang {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, ParseError> {
        s.parse()
    }
}

impl From<Lang> for String {
    fn from(l: Lang) -> String {
        l.0
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An outlet or channel that documents come from.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// Stable id in the store.
    pub id: SourceId,
    /// Unique name, as analysts refer to it ("Amaq", "Reuters").
    pub name: String,
    /// What kind of outlet it is.
    pub kind: SourceKind,
    /// The actor it speaks for or is aligned with, where it has one.
    pub affiliation: Option<String>,
    /// Languages it publishes in.
    pub languages: Vec<Lang>,
    /// Analyst-set reliability on the Admiralty scale.
    pub reliability: Option<Reliability>,
    /// Home page, channel link or feed address.
    pub url: Option<String>,
    /// Free-text notes by the analyst.
    pub notes: Option<String>,
}

/// A source to create or update: a [`Source`] without its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSource {
    /// Unique name.
    pub name: String,
    /// What kind of outlet it is.
    #[serde(default = "default_kind")]
    pub kind: SourceKind,
    /// The actor it speaks for or is aligned with.
    #[serde(default)]
    pub affiliation: Option<String>,
    /// Languages it publishes in.
    #[serde(default)]
    pub languages: Vec<Lang>,
    /// Admiralty reliability grade A–F.
    #[serde(default)]
    pub reliability: Option<Reliability>,
    /// Home page, channel link or feed address.
    #[serde(default)]
    pub url: Option<String>,
    /// Free-text notes.
    #[serde(default)]
    pub notes: Option<String>,
}

fn default_kind() -> SourceKind {
    SourceKind::Other
}

impl NewSource {
    /// A source of kind `other` with nothing but a name.
    pub fn named(name: impl Into<String>) -> Self {
        NewSource {
            name: name.into(),
            kind: SourceKind::Other,
            affiliation: None,
            languages: Vec::new(),
            reliability: None,
            url: None,
            notes: None,
        }
    }
}

/// A 128-bit digest of a document's normalized text, shown as 32 hex digits;
/// equal hashes mean exact duplicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ContentHash(pub [u8; 16]);

impl std::fmt::Display for ContentHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for ContentHash {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let err = || ParseError::new("content hash", s, "32 hexadecimal digits");
        if s.len() != 32 || !s.is_ascii() {
            return Err(err());
        }
        let mut out = [0u8; 16];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(|_| err())?;
        }
        Ok(ContentHash(out))
    }
}

impl TryFrom<String> for ContentHash {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, ParseError> {
        s.parse()
    }
}

impl From<ContentHash> for String {
    fn from(h: ContentHash) -> String {
        h.to_string()
    }
}

/// Where a record came from on disk, for errors and provenance.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Origin {
    /// The file it was read from.
    pub file: Option<String>,
    /// The 1-based line (JSONL, CSV, XML) where the record starts.
    pub line: Option<u64>,
    /// The record's id within the file (a Telegram message id, a feed item guid).
    pub record: Option<String>,
}

impl std::fmt::Display for Origin {
    /// `file:line (record id)`, leaving out what is unknown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = self.file.clone().unwrap_or_default();
        if let Some(line) = self.line {
            out.push_str(&format!(":{line}"));
        }
        if let Some(rec) = &self.record {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&format!("(record {rec})"));
        }
        if out.is_empty() {
            out.push_str("<unknown origin>");
        }
        f.write_str(&out)
    }
}

/// A document ready to store: normalized, hashed, language-identified, with
/// its source named but not yet resolved to an id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewDocument {
    /// The source it came from, by name; created if missing.
    pub source: NewSource,
    /// The source's own id for it (a message id, a guid).
    pub external_id: Option<String>,
    /// Its address, where it has one.
    pub url: Option<String>,
    /// When the source published it.
    pub published: Option<DateTime<Utc>>,
    /// When it was last edited, where the source says.
    pub edited: Option<DateTime<Utc>>,
    /// Where it was forwarded from (Telegram), a repost's origin.
    pub forwarded_from: Option<String>,
    /// Language, detected or given.
    pub lang: Lang,
    /// Title or headline.
    pub title: Option<String>,
    /// The text as received, cleaned of markup (what analysts read).
    pub text: String,
    /// The normalized text used for search, hashing and matching.
    pub normalized: String,
    /// Digest of the normalized text.
    pub content_hash: ContentHash,
    /// MinHash LSH band keys of the normalized text's word shingles, for
    /// finding near-duplicates (see `vigil_text::fingerprint`).
    pub bands: Vec<u32>,
    /// Where it was read from.
    pub origin: Origin,
}

/// A stored document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Stable id.
    pub id: DocumentId,
    /// Its source.
    pub source_id: SourceId,
    /// The source's own id for it.
    pub external_id: Option<String>,
    /// Its address.
    pub url: Option<String>,
    /// When the source published it.
    pub published: Option<DateTime<Utc>>,
    /// When Vigil stored it.
    pub collected: DateTime<Utc>,
    /// When it was last edited.
    pub edited: Option<DateTime<Utc>>,
    /// Where it was forwarded from.
    pub forwarded_from: Option<String>,
    /// Language.
    pub lang: Lang,
    /// Title or headline.
    pub title: Option<String>,
    /// Text as received, cleaned of markup.
    pub text: String,
    /// Normalized text.
    pub normalized: String,
    /// Digest of the normalized text.
    pub content_hash: ContentHash,
    /// MinHash LSH band keys of the normalized text.
    pub bands: Vec<u32>,
    /// Where it was read from.
    pub origin: Origin,
}

/// Another sighting of a stored document: the same text (or nearly) seen
/// again from a source, kept as a link rather than a second copy.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentCopy {
    /// The stored document it repeats.
    pub document_id: DocumentId,
    /// The source it was seen in.
    pub source_id: SourceId,
    /// That source's id for it.
    pub external_id: Option<String>,
    /// Its address there.
    pub url: Option<String>,
    /// When that source published it.
    pub published: Option<DateTime<Utc>>,
    /// Exact or near duplicate.
    pub kind: CopyKind,
    /// Resemblance (Jaccard of word shingles) to the stored text, 1 for exact copies.
    pub similarity: f64,
    /// Digest of the copy's own normalized text.
    pub content_hash: ContentHash,
    /// Where it was read from.
    pub origin: Origin,
}

/// A span of text, in Unicode code points, end exclusive.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
}

/// A count stated in a report, with how it was stated.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    /// The figure (the floor for `at_least`, the ceiling for `at_most`).
    pub value: u32,
    /// How it was stated.
    pub exactness: CountExactness,
}

/// The human toll and captives of one event.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counts {
    /// Killed.
    pub killed: Option<Count>,
    /// Injured.
    pub injured: Option<Count>,
    /// Abducted or taken hostage.
    pub abducted: Option<Count>,
    /// Freed or escaped.
    pub freed: Option<Count>,
}

/// A date with how precisely it is known.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDate {
    /// The date (the first day of the week/month/year when less precise).
    pub date: NaiveDate,
    /// How precisely it is known.
    pub precision: DatePrecision,
}

/// A place as resolved against the gazetteer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// The name as written in the text.
    pub name: String,
    /// The gazetteer's main (English or Latin-script) name of the place
    /// resolved, where one was: "Al-Hasakah" for "الحسكة".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gazetteer_name: Option<String>,
    /// GeoNames id of the resolved place, where one was found.
    pub geonames_id: Option<i64>,
    /// Latitude, WGS84.
    pub lat: Option<f64>,
    /// Longitude, WGS84.
    pub lon: Option<f64>,
    /// Province (admin-1) name.
    pub province: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// How precisely the place is known.
    pub precision: GeoPrecision,
}

impl Place {
    /// The name as written, with the gazetteer's beside it where that
    /// differs: "الحسكة (Al-Hasakah)".
    pub fn label(&self) -> String {
        match &self.gazetteer_name {
            Some(g) if *g != self.name => format!("{} ({g})", self.name),
            _ => self.name.clone(),
        }
    }

    /// The gazetteer's (Latin-script) name where there is one, else the
    /// name as written: for tables in a terminal, where right-to-left
    /// names break the columns.
    pub fn latin(&self) -> &str {
        self.gazetteer_name.as_deref().unwrap_or(&self.name)
    }
}

/// An actor as named in a report.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorRef {
    /// The knowledge base's canonical name, where resolved.
    pub canonical: Option<String>,
    /// The name as written in the text.
    pub mention: String,
}

/// Which field of a report a span of evidence supports.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The field name (`event_type`, `killed`, `place`, …).
    pub field: String,
    /// The supporting span in the document text.
    pub span: Span,
    /// The sentence containing it.
    pub sentence: Span,
    /// How the span was read, where the words alone do not say it: the
    /// calendar a Hijri date was converted with ("Hijri date 18/2/1441 AH,
    /// Umm al-Qura calendar: Thursday 2019-10-17").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One document's account of one event.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventReport {
    /// Stable id (0 before it is stored).
    pub id: ReportId,
    /// The document it comes from.
    pub document_id: DocumentId,
    /// ACLED event type.
    pub event_type: EventType,
    /// ACLED sub-event type.
    pub sub_event_type: SubEventType,
    /// Attack mode, where it applies.
    pub attack_mode: Option<AttackMode>,
    /// When it happened.
    pub date: Option<EventDate>,
    /// Where it happened.
    pub place: Option<Place>,
    /// The side that carried it out.
    pub perpetrators: Vec<ActorRef>,
    /// The side it was carried out against.
    pub targets: Vec<ActorRef>,
    /// Killed, injured, abducted, freed.
    pub counts: Counts,
    /// Who says so (a named spokesman, outlet or official).
    pub attribution: Option<String>,
    /// Claimed, reported, confirmed or denied.
    pub claim_status: ClaimStatus,
    /// The spans that support each field.
    pub evidence: Vec<Evidence>,
}

/// An analyst's change to an incident, as shown beside it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentEdit {
    /// Who made it.
    pub who: String,
    /// When.
    pub when: DateTime<Utc>,
    /// What was done (`confirm`, `merge`, `split`, `set killed=6`, …).
    pub what: String,
}

/// Where a report sits: its document, and its place among that document's
/// reports (0, 1, …). Unlike a report's id, which re-extraction replaces,
/// the key stays, so analysts' decisions are anchored on it. Written
/// `DOC.N` (`12.0`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ReportKey {
    /// The document.
    pub document_id: DocumentId,
    /// The report's place among the document's reports.
    pub ordinal: u32,
}

impl std::fmt::Display for ReportKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.document_id.0, self.ordinal)
    }
}

impl std::str::FromStr for ReportKey {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let bad = || ParseError::new("report key", s, "DOCUMENT.N, e.g. 12.0");
        let (doc, n) = s.trim().split_once('.').ok_or_else(bad)?;
        Ok(ReportKey {
            document_id: DocumentId(doc.parse().map_err(|_| bad())?),
            ordinal: n.parse().map_err(|_| bad())?,
        })
    }
}

/// A field an analyst sets on an incident, overriding the estimate.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "field", content = "value", rename_all = "snake_case")]
pub enum IncidentChange {
    /// Killed.
    Killed(u32),
    /// Injured.
    Injured(u32),
    /// Abducted or taken hostage.
    Abducted(u32),
    /// Freed or escaped.
    Freed(u32),
    /// The day it happened.
    Date(NaiveDate),
    /// The sub-event type (the event type follows from it).
    SubEventType(SubEventType),
}

impl IncidentChange {
    /// Parses `FIELD=VALUE` (`killed=6`, `date=2019-10-11`,
    /// `sub_event_type=suicide_bomb`).
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let fields = "killed, injured, abducted, freed, date or sub_event_type";
        let (field, value) = s.split_once('=').ok_or_else(|| {
            ParseError::new("change", s, format!("FIELD=VALUE, FIELD one of {fields}"))
        })?;
        let value = value.trim();
        let number = || {
            value
                .parse::<u32>()
                .map_err(|_| ParseError::new("count", value, "a whole number"))
        };
        match field.trim() {
            "killed" => IncidentChange::Killed(number()?),
            "injured" => IncidentChange::Injured(number()?),
            "abducted" => IncidentChange::Abducted(number()?),
            "freed" => IncidentChange::Freed(number()?),
            "date" => IncidentChange::Date(
                value
                    .parse()
                    .map_err(|_| ParseError::new("date", value, "YYYY-MM-DD"))?,
            ),
            "sub_event_type" | "type" => IncidentChange::SubEventType(value.parse()?),
            other => return Err(ParseError::new("field", other, fields)),
        }
        .check()
    }

    /// The days an analyst may date an event to. A date outside is a slip
    /// (0000-01-01 or 9999-12-31 made the overview's default tally
    /// 521,776 weeks long).
    pub fn date_range() -> std::ops::RangeInclusive<NaiveDate> {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a valid date");
        day(1900, 1, 1)..=day(2100, 12, 31)
    }

    /// Checks a change that came from outside: a date within
    /// [`IncidentChange::date_range`]. (Decisions already stored are read
    /// as they are.)
    pub fn check(self) -> Result<Self, ParseError> {
        match self {
            IncidentChange::Date(d) if !Self::date_range().contains(&d) => Err(ParseError::new(
                "date",
                &d.to_string(),
                "a day from 1900-01-01 to 2100-12-31",
            )),
            other => Ok(other),
        }
    }
}

impl std::fmt::Display for IncidentChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IncidentChange::Killed(n) => write!(f, "killed={n}"),
            IncidentChange::Injured(n) => write!(f, "injured={n}"),
            IncidentChange::Abducted(n) => write!(f, "abducted={n}"),
            IncidentChange::Freed(n) => write!(f, "freed={n}"),
            IncidentChange::Date(d) => write!(f, "date={d}"),
            IncidentChange::SubEventType(t) => write!(f, "sub_event_type={t}"),
        }
    }
}

/// An analyst's decision about incidents, kept in the order made and
/// applied again after every relinking, so it survives re-extraction.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// Its id in the store (0 before it is stored); later decisions win.
    pub id: i64,
    /// Who made it.
    pub who: String,
    /// When.
    pub at: DateTime<Utc>,
    /// What it does.
    pub action: DecisionAction,
    /// The reports it is about. Merge: every report of the incidents
    /// merged. Split: the reports taken out into an incident of their own.
    /// Otherwise: the incident's reports when the decision was made (the
    /// incident that holds the first of them still present is meant).
    pub reports: Vec<ReportKey>,
    /// Why, in the analyst's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What an analyst's decision does.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum DecisionAction {
    /// The reports tell one event.
    Merge,
    /// The reports tell an event of their own.
    Split,
    /// The event is confirmed.
    Confirm,
    /// The event is disputed or denied.
    Dispute,
    /// A field's value, overriding the estimate.
    Set {
        /// The field and its value.
        change: IncidentChange,
    },
}

impl std::fmt::Display for DecisionAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecisionAction::Merge => f.write_str("merge"),
            DecisionAction::Split => f.write_str("split"),
            DecisionAction::Confirm => f.write_str("confirm"),
            DecisionAction::Dispute => f.write_str("dispute"),
            DecisionAction::Set { change } => write!(f, "set {change}"),
        }
    }
}

/// The reports of one real event, linked, with the best estimate of each
/// field.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    /// Stable id: relinking keeps it while the incident's earliest report
    /// stays in it.
    pub id: IncidentId,
    /// Its reports.
    pub reports: Vec<ReportId>,
    /// Claim only, reported, corroborated, confirmed or disputed.
    pub status: IncidentStatus,
    /// Best estimate of the event type.
    pub event_type: EventType,
    /// Best estimate of the sub-event type.
    pub sub_event_type: SubEventType,
    /// Attack mode, where a report gives one.
    pub attack_mode: Option<AttackMode>,
    /// Best estimate of the date.
    pub date: Option<EventDate>,
    /// Best estimate of the place.
    pub place: Option<Place>,
    /// The sides that carried it out (canonical names where known).
    pub perpetrators: Vec<String>,
    /// The sides it was carried out against.
    pub targets: Vec<String>,
    /// Keys of the watched sites it is at or near.
    pub sites: Vec<String>,
    /// Kinds of the sources that report it.
    pub source_kinds: Vec<SourceKind>,
    /// Conservative counts, as conflict-data coders record them: the
    /// lowest figure an independent source gives, else the lowest claimed.
    pub counts: Counts,
    /// The highest figures any report gives.
    pub claimed_counts: Counts,
    /// Analysts' decisions about it, oldest first.
    pub edits: Vec<IncidentEdit>,
}

/// A name in one script or language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalName {
    /// The name.
    pub text: String,
    /// Its language.
    pub lang: Lang,
}

/// A watched place: a prison, camp or base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// Short stable key (`al-hol-camp`).
    pub key: String,
    /// Display name.
    pub name: String,
    /// What kind of site.
    pub kind: SiteKind,
    /// Its names in every script.
    #[serde(default)]
    pub names: Vec<LocalName>,
    /// Latitude, WGS84.
    pub lat: f64,
    /// Longitude, WGS84.
    pub lon: f64,
    /// Radius within which an incident is at the site, in km.
    pub radius_km: f64,
    /// A report placed within this distance (km) is at the site when its
    /// document names the site: one of `names`, which may hold the word
    /// reports use for it ("prison", "سجن") where it is the only one there.
    #[serde(default = "default_named_km")]
    pub named_km: f64,
}

fn default_named_km() -> f64 {
    25.0
}

/// A named propaganda theme tracked over time: one `[[narrative]]` of a
/// narratives file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Narrative {
    /// Short stable key (`detainee-release`): letters, digits and dashes.
    pub key: String,
    /// Display name.
    pub name: String,
    /// What the theme is, in neutral report language.
    pub description: String,
    /// English terms and phrases that carry it; matched as whole words
    /// against the normalized text (case, punctuation and spacing folded).
    #[serde(default)]
    pub terms_en: Vec<String>,
    /// Arabic terms and phrases that carry it; matched as whole words after
    /// folding (hamza, teh marbuta, alef maksura, diacritics), also behind a
    /// fused conjunction or preposition (و، ف، ب، ل، ك).
    #[serde(default)]
    pub terms_ar: Vec<String>,
}

/// A string schema for the types that serialize as checked strings.
#[cfg(feature = "openapi")]
fn string_schema(pattern: &str) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .pattern(Some(pattern))
        .into()
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Lang {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        string_schema("^[a-z]{2,3}$")
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Lang {}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for ContentHash {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        string_schema("^[0-9a-f]{32}$")
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for ContentHash {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edited_dates_lie_in_a_sane_range() {
        // (change as typed, Ok(date) or Err(part of the message))
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("date=2019-10-11", Ok("2019-10-11")),
            ("date=1900-01-01", Ok("1900-01-01")),
            ("date=2100-12-31", Ok("2100-12-31")),
            ("date=1899-12-31", Err("from 1900-01-01 to 2100-12-31")),
            ("date=0000-01-01", Err("from 1900-01-01 to 2100-12-31")),
            ("date=9999-12-31", Err("from 1900-01-01 to 2100-12-31")),
            ("date=soon", Err("YYYY-MM-DD")),
        ];
        for (typed, want) in cases {
            match (IncidentChange::parse(typed), want) {
                (Ok(IncidentChange::Date(d)), Ok(day)) => assert_eq!(d.to_string(), *day),
                (Err(e), Err(part)) => assert!(e.to_string().contains(part), "{typed}: {e}"),
                (got, _) => panic!("{typed}: {got:?}"),
            }
        }
        // Decisions stored before the check are still read.
        let stored: IncidentChange =
            serde_json::from_str(r#"{"field": "date", "value": "9999-12-31"}"#).unwrap();
        assert!(stored.check().is_err());
    }

    #[test]
    fn lang_is_checked_once_and_normalized() {
        assert_eq!("en-US".parse::<Lang>().unwrap(), Lang::en());
        assert_eq!("AR".parse::<Lang>().unwrap(), Lang::ar());
        assert!("english".parse::<Lang>().is_err());
        assert!("".parse::<Lang>().is_err());
        assert!(serde_json::from_str::<Lang>("\"12\"").is_err());
        assert!(Lang::ar().is_rtl() && !Lang::en().is_rtl());
    }

    #[test]
    fn ids_accept_the_prefixed_form() {
        assert_eq!("doc:12".parse::<DocumentId>().unwrap(), DocumentId(12));
        assert_eq!("12".parse::<DocumentId>().unwrap(), DocumentId(12));
        assert!("doc:-1".parse::<DocumentId>().is_err());
        assert!("source:3".parse::<DocumentId>().is_err());
    }

    #[test]
    fn content_hash_round_trips_as_hex() {
        let h = ContentHash([0xab; 16]);
        let s = h.to_string();
        assert_eq!(s.len(), 32);
        assert_eq!(s.parse::<ContentHash>().unwrap(), h);
        assert!("xyz".parse::<ContentHash>().is_err());
    }

    #[test]
    fn records_round_trip_through_json() {
        let report = EventReport {
            id: ReportId(1),
            document_id: DocumentId(2),
            event_type: EventType::ExplosionsRemoteViolence,
            sub_event_type: SubEventType::SuicideBomb,
            attack_mode: Some(AttackMode::SuicideAttack),
            date: Some(EventDate {
                date: NaiveDate::from_ymd_opt(2019, 10, 11).unwrap(),
                precision: DatePrecision::Day,
            }),
            place: Some(Place {
                name: "Qamishli".into(),
                gazetteer_name: Some("Qamishli".into()),
                geonames_id: Some(163_270),
                lat: Some(37.05),
                lon: Some(41.22),
                province: Some("Al-Hasakah".into()),
                country: Some("SY".into()),
                precision: GeoPrecision::Place,
            }),
            perpetrators: vec![ActorRef {
                canonical: Some("Islamic State".into()),
                mention: "IS".into(),
            }],
            targets: vec![],
            counts: Counts {
                killed: Some(Count {
                    value: 3,
                    exactness: CountExactness::Exact,
                }),
                injured: Some(Count {
                    value: 9,
                    exactness: CountExactness::Exact,
                }),
                ..Counts::default()
            },
            attribution: Some("a news wire".into()),
            claim_status: ClaimStatus::Reported,
            evidence: vec![Evidence {
                field: "killed".into(),
                span: Span { start: 10, end: 15 },
                sentence: Span { start: 0, end: 80 },
                note: None,
            }],
        };
        let json = serde_json::to_string(&report).unwrap();
        assert_eq!(serde_json::from_str::<EventReport>(&json).unwrap(), report);

        let site: Site = serde_json::from_str(
            r#"{"key":"al-hol","name":"al-Hol camp","kind":"detention_camp",
                "names":[{"text":"مخيم الهول","lang":"ar"}],"lat":36.37,"lon":41.15,"radius_km":3}"#,
        )
        .unwrap();
        assert_eq!(
            serde_json::from_value::<Site>(serde_json::to_value(&site).unwrap()).unwrap(),
            site
        );
        assert!(serde_json::from_str::<Site>(
            r#"{"key":"x","name":"x","kind":"prison","lat":1,"lon":1,"radius_km":1,"colour":"red"}"#
        )
        .is_err());
    }
}
