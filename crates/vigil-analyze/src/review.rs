//! The analyst's review actions (confirm, dispute, edit, merge, split), in
//! one place for every front end: `vigil incident ...` and the API's
//! `POST /api/v1/incidents/{id}/...` only parse, call [`review`] and print.
//!
//! A review action becomes [`Decision`]s anchored on the keys of the
//! reports it is about (document and place in it, which re-extraction
//! keeps), never on the incident's id: an incident is rebuilt by every
//! link, and its status and edits are those of the decisions about its
//! reports. The decisions are recorded first, once (a retried request
//! records nothing more: see [`Store::record_decisions`]), then linking
//! applies them. When that link cannot run now, the decisions stay
//! recorded and the next link applies them ([`Reviewed::pending`]).
//!
//! An incident that holds no reports (re-extraction removed the places its
//! reports had, and no link has run since) cannot be decided on: there is
//! nothing to anchor the decision on, and [`ReviewError::NoReports`] says
//! to link first.

use chrono::{DateTime, Utc};
use vigil_model::{Decision, DecisionAction, IncidentChange, IncidentId, ReportId, ReportKey};
use vigil_store::{Store, StoreError};

use crate::relink::{relink_waiting, RelinkOptions};

/// What the analyst does to an incident.
#[derive(Debug, Clone, PartialEq)]
pub enum ReviewAction {
    /// The incident and these others tell one event.
    Merge {
        /// The other incidents.
        with: Vec<IncidentId>,
    },
    /// These reports of the incident tell an event of their own.
    Split {
        /// The reports to take out (some of the incident's, not all).
        reports: Vec<ReportId>,
    },
    /// The event is confirmed.
    Confirm,
    /// The event is disputed or denied.
    Dispute,
    /// Values that override the incident's estimates, one decision each.
    Edit {
        /// The fields and their values.
        changes: Vec<IncidentChange>,
    },
}

/// One review request.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    /// The incident it is about (for a merge, the first).
    pub incident: IncidentId,
    /// What is done.
    pub action: ReviewAction,
    /// Who does it.
    pub who: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Why, in the analyst's words.
    pub note: Option<String>,
    /// The client's key for this request (an `Idempotency-Key` header):
    /// the same key again returns the decisions recorded under it.
    pub request_key: Option<String>,
}

/// What a review did.
#[derive(Debug, Clone, PartialEq)]
pub struct Reviewed {
    /// The decisions, with their ids (those recorded before, when
    /// `repeated`).
    pub decisions: Vec<Decision>,
    /// The same request had been recorded before: nothing was added.
    pub repeated: bool,
    /// The incidents that hold the decisions' reports now.
    pub incidents: Vec<IncidentId>,
    /// Why linking could not apply the decisions now (they are recorded,
    /// and the next link applies them); `None` when it did.
    pub pending: Option<String>,
}

/// Why a review was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// The incident reviewed does not exist.
    #[error("no incident {0}")]
    NoIncident(IncidentId),
    /// An incident to merge with does not exist.
    #[error("no incident {0} to merge with")]
    NoOtherIncident(IncidentId),
    /// A report to split out is not the incident's.
    #[error("report {report} is not in incident {incident}; its reports are {have}")]
    NotInIncident {
        /// The report named.
        report: ReportId,
        /// The incident.
        incident: IncidentId,
        /// Its reports, comma-separated.
        have: String,
    },
    /// A split names every report of the incident.
    #[error("that is every report of incident {0}: name only those to take out")]
    EveryReport(IncidentId),
    /// The split names no report.
    #[error("no report named: name the reports to take out of incident {0}")]
    NoneNamed(IncidentId),
    /// The incident holds no reports to anchor the decision on.
    #[error(
        "incident {0} holds no reports now: re-extraction removed them since it was linked. \
         Run `vigil link`, then decide on the incidents that hold the reports"
    )]
    NoReports(IncidentId),
    /// An Idempotency-Key sent before with another request.
    #[error("{0}")]
    KeyReused(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The keys of reports, in key order.
pub fn keys_of<S: Store + ?Sized>(
    store: &S,
    reports: &[ReportId],
) -> Result<Vec<ReportKey>, StoreError> {
    let mut keys: Vec<ReportKey> = store
        .link_inputs_of(reports, &[])?
        .into_iter()
        .map(|i| i.key)
        .collect();
    keys.sort_unstable();
    Ok(keys)
}

/// The reports of an incident, refusing one without any.
fn reports_of<S: Store + ?Sized>(
    store: &S,
    id: IncidentId,
    missing: fn(IncidentId) -> ReviewError,
) -> Result<Vec<ReportId>, ReviewError> {
    let inc = store.incident(id)?.ok_or(missing(id))?;
    if inc.reports.is_empty() {
        return Err(ReviewError::NoReports(id));
    }
    Ok(inc.reports)
}

/// Records a review's decisions (once) and links, so that the answer and
/// every later read show their effect; `waiting` is called if another
/// process is linking the store and this one waits its turn.
pub fn review<S: Store + ?Sized>(
    store: &mut S,
    r: &Review,
    waiting: &mut dyn FnMut(),
) -> Result<Reviewed, ReviewError> {
    let own = match (
        reports_of(store, r.incident, ReviewError::NoIncident),
        &r.request_key,
    ) {
        // A retry whose first try was recorded and then relinked its
        // incident away (under another id): the key says it is that
        // request, whose answer is what was recorded.
        (Err(ReviewError::NoIncident(_)), Some(key)) => {
            let before = store.decisions_for_request(key)?;
            if before.is_empty() {
                return Err(ReviewError::NoIncident(r.incident));
            }
            let keys: Vec<_> = before.iter().flat_map(|d| d.reports.clone()).collect();
            return Ok(Reviewed {
                incidents: incidents_holding(store, &keys)?,
                decisions: before,
                repeated: true,
                pending: None,
            });
        }
        (own, _) => own?,
    };
    let (reports, actions) = match &r.action {
        ReviewAction::Merge { with } => {
            let mut reports = own;
            for &other in with.iter().filter(|&&o| o != r.incident) {
                reports.extend(reports_of(store, other, ReviewError::NoOtherIncident)?);
            }
            (reports, vec![DecisionAction::Merge])
        }
        ReviewAction::Split { reports } => {
            if reports.is_empty() {
                return Err(ReviewError::NoneNamed(r.incident));
            }
            if let Some(&report) = reports.iter().find(|x| !own.contains(x)) {
                return Err(ReviewError::NotInIncident {
                    report,
                    incident: r.incident,
                    have: own
                        .iter()
                        .map(|x| x.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            if own.iter().all(|x| reports.contains(x)) {
                return Err(ReviewError::EveryReport(r.incident));
            }
            (reports.clone(), vec![DecisionAction::Split])
        }
        ReviewAction::Confirm => (own, vec![DecisionAction::Confirm]),
        ReviewAction::Dispute => (own, vec![DecisionAction::Dispute]),
        ReviewAction::Edit { changes } => (
            own,
            changes
                .iter()
                .map(|&change| DecisionAction::Set { change })
                .collect(),
        ),
    };
    let keys = keys_of(store, &reports)?;
    if keys.is_empty() {
        // Its reports were removed between reading the incident and now.
        return Err(ReviewError::NoReports(r.incident));
    }
    let decisions: Vec<Decision> = actions
        .into_iter()
        .map(|action| Decision {
            id: 0,
            who: r.who.clone(),
            at: r.at,
            action,
            reports: keys.clone(),
            note: r.note.clone(),
        })
        .collect();
    let recorded = match store.record_decisions(&decisions, r.request_key.as_deref()) {
        Err(StoreError::Conflict(m)) => return Err(ReviewError::KeyReused(m)),
        other => other?,
    };
    // Recorded: from here on the decisions take effect at the latest with
    // the next link, whatever happens to this one.
    let pending = relink_waiting(store, &RelinkOptions::default(), &mut |_, _| {}, waiting)
        .err()
        .map(|e| e.to_string());
    Ok(Reviewed {
        incidents: incidents_holding(store, &keys)?,
        decisions: recorded.decisions,
        repeated: recorded.repeated,
        pending,
    })
}

/// The incidents that hold the reports of `keys` now.
fn incidents_holding<S: Store + ?Sized>(
    store: &S,
    keys: &[ReportKey],
) -> Result<Vec<IncidentId>, ReviewError> {
    let ids: Vec<ReportId> = store
        .link_inputs_of(&[], keys)?
        .into_iter()
        .map(|i| i.report.id)
        .collect();
    Ok(store
        .incidents_of(&ids)?
        .into_iter()
        .map(|s| s.id)
        .collect())
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use vigil_model::{
        ClaimStatus, Counts, DatePrecision, EventDate, EventReport, EventType, IncidentStatus,
        SubEventType,
    };
    use vigil_store::{conformance, DedupOptions, InsertOutcome};

    use super::*;
    use crate::relink::relink;

    fn report(doc: vigil_model::DocumentId, attribution: &str) -> EventReport {
        EventReport {
            id: ReportId(0),
            document_id: doc,
            event_type: EventType::ExplosionsRemoteViolence,
            sub_event_type: SubEventType::RemoteExplosiveLandmineIed,
            attack_mode: None,
            date: Some(EventDate {
                date: NaiveDate::from_ymd_opt(2019, 10, 15).unwrap(),
                precision: DatePrecision::Day,
            }),
            place: None,
            perpetrators: vec![],
            targets: vec![],
            counts: Counts::default(),
            attribution: Some(attribution.into()),
            claim_status: ClaimStatus::Reported,
            evidence: vec![],
        }
    }

    fn request(incident: IncidentId, action: ReviewAction) -> Review {
        Review {
            incident,
            action,
            who: "Sara".into(),
            at: Utc::now(),
            note: None,
            request_key: None,
        }
    }

    /// Issue 20: a decision taken after a re-extraction and before the
    /// link was about no report and was lost; a retry recorded it twice.
    #[test]
    fn a_decision_before_link_takes_once_and_an_empty_incident_is_refused() {
        let mut store = vigil_store::open_in_memory().unwrap();
        let out = store
            .insert_documents(
                &[conformance::doc("Wire", "A bomb hit a patrol.", "en", 15)],
                &DedupOptions::default(),
            )
            .unwrap();
        let InsertOutcome::New { id: doc, .. } = out[0] else {
            panic!("{out:?}")
        };
        let ids = store
            .replace_reports(doc, &[report(doc, "police")])
            .unwrap();
        relink(&mut *store, &Default::default(), &mut |_, _| {}).unwrap();
        let inc = store.incidents_of(&ids).unwrap()[0].id;

        // Re-extraction changes the report; no link yet.
        let again = store
            .replace_reports(doc, &[report(doc, "officials")])
            .unwrap();
        assert_eq!(again, ids);
        assert_eq!(store.link_backlog().unwrap().dirty, [inc]);
        let done = review(
            &mut *store,
            &request(inc, ReviewAction::Confirm),
            &mut || {},
        )
        .unwrap();
        assert_eq!((done.incidents.clone(), done.repeated), (vec![inc], false));
        assert_eq!(done.pending, None);
        let got = store.incident(inc).unwrap().unwrap();
        assert_eq!(got.status, IncidentStatus::Confirmed);
        // The same request again: the same decision, nothing added.
        let retry = review(
            &mut *store,
            &request(inc, ReviewAction::Confirm),
            &mut || {},
        )
        .unwrap();
        assert!(retry.repeated);
        assert_eq!(retry.decisions, done.decisions);
        assert_eq!(store.decisions().unwrap().len(), 1);

        // Splits name some of the incident's reports, not all, not others.
        let all = ReviewAction::Split {
            reports: ids.clone(),
        };
        assert!(matches!(
            review(&mut *store, &request(inc, all), &mut || {}),
            Err(ReviewError::EveryReport(_))
        ));
        let other = ReviewAction::Split {
            reports: vec![ReportId(999)],
        };
        assert!(matches!(
            review(&mut *store, &request(inc, other), &mut || {}),
            Err(ReviewError::NotInIncident { .. })
        ));
        assert!(matches!(
            review(
                &mut *store,
                &request(IncidentId(999), ReviewAction::Confirm),
                &mut || {}
            ),
            Err(ReviewError::NoIncident(_))
        ));

        // A keyed request, then its retry after a link moved its reports
        // to an incident under another id (the soak test's 404): the
        // retry is answered with what was recorded.
        let keyed = |incident| Review {
            request_key: Some("k-1".into()),
            ..request(incident, ReviewAction::Dispute)
        };
        let first = review(&mut *store, &keyed(inc), &mut || {}).unwrap();
        assert!(!first.repeated);
        let gone = IncidentId(998);
        let retry = review(&mut *store, &keyed(gone), &mut || {}).unwrap();
        assert!(retry.repeated);
        assert_eq!(retry.decisions, first.decisions);
        assert_eq!(retry.incidents, [inc]);
        assert_eq!(store.decisions().unwrap().len(), 2);
        // A new key on an incident that is gone is still no incident.
        let fresh = Review {
            request_key: Some("k-2".into()),
            ..request(gone, ReviewAction::Dispute)
        };
        assert!(matches!(
            review(&mut *store, &fresh, &mut || {}),
            Err(ReviewError::NoIncident(_))
        ));

        // Its reports removed, the incident holds none until the next
        // link: refused, and nothing recorded.
        store.replace_reports(doc, &[]).unwrap();
        let err = review(
            &mut *store,
            &request(inc, ReviewAction::Dispute),
            &mut || {},
        )
        .unwrap_err();
        assert!(matches!(err, ReviewError::NoReports(_)), "{err}");
        assert!(err.to_string().contains("vigil link"), "{err}");
        assert_eq!(store.decisions().unwrap().len(), 2);
    }
}
