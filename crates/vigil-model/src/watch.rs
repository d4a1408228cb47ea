//! What watching produces: narrative tags on documents, and alerts with
//! their deliveries (the outbox).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{AlertId, DocumentId, IncidentId, ParseError, Span};

/// One narrative term found in a document: the evidence of a tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NarrativeTag {
    /// The narrative's key.
    pub narrative: String,
    /// The term of the narratives file that matched.
    pub term: String,
    /// Where it matched in the document's text, in code points.
    pub span: Span,
}

/// What an alert points at: the documents, incidents and week behind it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AlertEvidence {
    /// Documents that carry the condition.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<DocumentId>,
    /// Incidents that meet the condition.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incidents: Vec<IncidentId>,
    /// The week tested (its first day), for series conditions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub week: Option<NaiveDate>,
    /// The series or narrative tested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<String>,
    /// Figures behind the verdict (`count`, `baseline`, `p_value`, `test`, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facts: BTreeMap<String, String>,
}

/// An alert about to be stored, with the channels it goes to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewAlert {
    /// The rule's key.
    pub rule: String,
    /// The rule's kind (`surge`, `site`, `narrative_rising`, `watch`, `fatalities`).
    pub kind: String,
    /// What makes this alert one condition: the store keeps one alert per key.
    pub dedup_key: String,
    /// One line for people.
    pub title: String,
    /// What it points at.
    pub evidence: AlertEvidence,
    /// When it fired.
    pub fired_at: DateTime<Utc>,
    /// Webhook channels (keys) to deliver it to.
    pub channels: Vec<String>,
}

/// A stored alert: the in-app feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// Stable id.
    pub id: AlertId,
    /// The rule's key.
    pub rule: String,
    /// The rule's kind.
    pub kind: String,
    /// The condition's key.
    pub dedup_key: String,
    /// One line for people.
    pub title: String,
    /// What it points at.
    pub evidence: AlertEvidence,
    /// When it fired.
    pub fired_at: DateTime<Utc>,
    /// Who acknowledged it.
    pub acknowledged_by: Option<String>,
    /// When.
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not yet delivered; tried again at its next attempt time.
    Pending,
    /// Accepted by the receiver (a 2xx answer).
    Delivered,
    /// Given up after the last retry: the dead-letter record.
    Dead,
}

impl DeliveryStatus {
    /// The name used in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Dead => "dead",
        }
    }
}

impl std::str::FromStr for DeliveryStatus {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        match s {
            "pending" => Ok(DeliveryStatus::Pending),
            "delivered" => Ok(DeliveryStatus::Delivered),
            "dead" => Ok(DeliveryStatus::Dead),
            _ => Err(ParseError::new(
                "delivery status",
                s,
                "pending, delivered or dead",
            )),
        }
    }
}

/// One alert's delivery to one channel (a row of the outbox).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    /// Stable id.
    pub id: i64,
    /// The alert.
    pub alert_id: AlertId,
    /// The channel's key.
    pub channel: String,
    /// The exact body to send (signed as is).
    pub payload: String,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made so far.
    pub attempts: u32,
    /// Not to be tried before this time.
    pub next_attempt_at: DateTime<Utc>,
    /// What went wrong last, if anything.
    pub last_error: Option<String>,
}

/// The result of one delivery attempt, as the delivery pass decided it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryAttempt {
    /// When the attempt started.
    pub at: DateTime<Utc>,
    /// The HTTP status received, if any.
    pub http_status: Option<u16>,
    /// What went wrong (`None` on success).
    pub error: Option<String>,
    /// Where the delivery stands after it.
    pub status: DeliveryStatus,
    /// When to try again (for `Pending`).
    pub next_attempt_at: DateTime<Utc>,
}

/// Documents tagged on one day from one kind of source: with a narrative,
/// its documents; without, every tagged document (the share's denominator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NarrativeDayCount {
    /// The UTC day of publication.
    pub day: NaiveDate,
    /// The kind of source.
    pub source_kind: crate::SourceKind,
    /// The narrative, or `None` for all tagged documents.
    pub narrative: Option<String>,
    /// Documents.
    pub documents: u64,
}
