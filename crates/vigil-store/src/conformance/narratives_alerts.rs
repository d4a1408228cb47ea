//! Conformance checks of narrative tags and alerts.

use chrono::{Duration, TimeZone, Utc};
use vigil_model::{
    AlertEvidence, DeliveryAttempt, DeliveryStatus, DocumentId, NarrativeTag, NewAlert, SourceKind,
    Span,
};

use super::{doc, new_ids};
use crate::{DedupOptions, Store, StoreError};

fn tag(narrative: &str, term: &str, start: usize, end: usize) -> NarrativeTag {
    NarrativeTag {
        narrative: narrative.into(),
        term: term.into(),
        span: Span { start, end },
    }
}

/// Tagging is incremental by digest, re-tagging replaces, and day counts
/// hold every tagged document (the share's denominator) and each
/// narrative's.
pub(super) fn narrative_tags_replace_and_count<S: Store>(store: &mut S) {
    let docs = [
        doc(
            "Wire",
            "Officials said it was an attempt to free inmates.",
            "en",
            1,
        ),
        doc(
            "Wire",
            "A second story about revenge and free inmates.",
            "en",
            2,
        ),
        doc("Wire", "Nothing of interest in this text at all.", "en", 9),
    ];
    let ids = new_ids(
        &store
            .insert_documents(&docs, &DedupOptions::default())
            .unwrap(),
    );
    let at = Utc.with_ymd_and_hms(2019, 10, 20, 0, 0, 0).unwrap();

    assert_eq!(store.count_documents_to_tag("v1", false).unwrap(), 3);
    let first = store
        .documents_to_tag("v1", false, DocumentId(0), 2)
        .unwrap();
    assert_eq!(first, ids[..2]);
    store
        .replace_narrative_tags(
            "v1",
            at,
            &[
                (ids[0], vec![tag("release", "free inmates", 36, 48)]),
                (
                    ids[1],
                    vec![
                        tag("revenge", "revenge", 21, 28),
                        tag("release", "free inmates", 33, 45),
                    ],
                ),
                (ids[2], vec![]),
            ],
        )
        .unwrap();
    assert_eq!(store.count_documents_to_tag("v1", false).unwrap(), 0);
    assert!(store
        .documents_to_tag("v1", false, DocumentId(0), 10)
        .unwrap()
        .is_empty());
    assert_eq!(
        store.documents_to_tag("v1", true, ids[0], 10).unwrap(),
        ids[1..],
        "--all walks every document"
    );
    assert_eq!(
        store.count_documents_to_tag("v2", false).unwrap(),
        3,
        "a new version of the file tags everything again"
    );
    assert_eq!(
        store.narrative_tags(ids[1]).unwrap(),
        vec![
            tag("release", "free inmates", 33, 45),
            tag("revenge", "revenge", 21, 28)
        ]
    );

    let counts = store.narrative_day_counts(None, None).unwrap();
    let got: Vec<(String, Option<&str>, u64)> = counts
        .iter()
        .map(|c| (c.day.to_string(), c.narrative.as_deref(), c.documents))
        .collect();
    assert_eq!(
        got,
        [
            ("2019-10-01".to_string(), None, 1),
            ("2019-10-01".to_string(), Some("release"), 1),
            ("2019-10-02".to_string(), None, 1),
            ("2019-10-02".to_string(), Some("release"), 1),
            ("2019-10-02".to_string(), Some("revenge"), 1),
            ("2019-10-09".to_string(), None, 1),
        ]
    );
    assert!(counts
        .iter()
        .all(|c| c.source_kind == SourceKind::NewsMedia));
    let window = store
        .narrative_day_counts(
            Some("2019-10-02".parse().unwrap()),
            Some("2019-10-02".parse().unwrap()),
        )
        .unwrap();
    assert_eq!(window.len(), 3);
    assert_eq!(
        store
            .narrative_documents(
                "release",
                "2019-09-30".parse().unwrap(),
                "2019-10-06".parse().unwrap()
            )
            .unwrap(),
        ids[..2]
    );

    // Re-tagging replaces: the second document loses "revenge".
    store
        .replace_narrative_tags(
            "v2",
            at,
            &[(ids[1], vec![tag("release", "free inmates", 33, 45)])],
        )
        .unwrap();
    assert_eq!(
        store.narrative_tags(ids[1]).unwrap(),
        vec![tag("release", "free inmates", 33, 45)]
    );
    assert_eq!(store.count_documents_to_tag("v2", false).unwrap(), 2);
    let counts = store.narrative_day_counts(None, None).unwrap();
    assert!(!counts
        .iter()
        .any(|c| c.narrative.as_deref() == Some("revenge")));

    // A batch naming a missing document stores nothing.
    let err = store
        .replace_narrative_tags(
            "v3",
            at,
            &[
                (ids[0], vec![]),
                (DocumentId(9999), vec![tag("release", "x", 0, 1)]),
            ],
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err}");
    assert_eq!(
        store.narrative_tags(ids[0]).unwrap().len(),
        1,
        "atomic batch"
    );
}

fn new_alert(key: &str, channels: &[&str]) -> NewAlert {
    NewAlert {
        rule: "r1".into(),
        kind: "watch".into(),
        dedup_key: key.into(),
        title: format!("alert {key}"),
        evidence: AlertEvidence {
            documents: vec![DocumentId(3)],
            ..AlertEvidence::default()
        },
        fired_at: Utc.with_ymd_and_hms(2019, 10, 13, 8, 0, 0).unwrap(),
        channels: channels.iter().map(|c| c.to_string()).collect(),
    }
}

/// One alert per dedup key, written with its deliveries; attempts move a
/// delivery to delivered or dead and are kept; acknowledgment sticks.
pub(super) fn alerts_fire_once_and_deliveries_are_recorded<S: Store>(store: &mut S) {
    let a = store
        .insert_alert(&new_alert("r1:doc:3", &["hook"]))
        .unwrap()
        .expect("first time fires");
    assert!(
        store
            .insert_alert(&new_alert("r1:doc:3", &["hook"]))
            .unwrap()
            .is_none(),
        "same condition: no second alert"
    );
    let b = store
        .insert_alert(&new_alert("r1:doc:4", &["hook", "other"]))
        .unwrap()
        .unwrap();
    assert_eq!(store.alert(a.id).unwrap().unwrap(), a);
    let listed = store.list_alerts(false, 10).unwrap();
    assert_eq!(listed.len(), 2);

    let d = store.deliveries(a.id).unwrap();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].status, DeliveryStatus::Pending);
    let payload: serde_json::Value = serde_json::from_str(&d[0].payload).unwrap();
    assert_eq!(payload["dedup_key"], "r1:doc:3");
    assert_eq!(payload["id"], a.id.0);
    assert_eq!(store.deliveries(b.id).unwrap().len(), 2);

    let now = a.fired_at;
    assert_eq!(store.due_deliveries(now, 10).unwrap().len(), 3);
    assert_eq!(store.next_delivery_at().unwrap(), Some(now));

    // A failed attempt, then success.
    let later = now + Duration::milliseconds(250);
    let after_fail = store
        .record_delivery_attempt(
            d[0].id,
            &DeliveryAttempt {
                at: now,
                http_status: Some(500),
                error: Some("HTTP 500".into()),
                status: DeliveryStatus::Pending,
                next_attempt_at: later,
            },
        )
        .unwrap();
    assert_eq!(
        (after_fail.attempts, after_fail.next_attempt_at),
        (1, later)
    );
    assert_eq!(
        store.due_deliveries(now, 10).unwrap().len(),
        2,
        "not due before its next attempt"
    );
    let done = store
        .record_delivery_attempt(
            d[0].id,
            &DeliveryAttempt {
                at: later,
                http_status: Some(200),
                error: None,
                status: DeliveryStatus::Delivered,
                next_attempt_at: later,
            },
        )
        .unwrap();
    assert_eq!((done.status, done.attempts), (DeliveryStatus::Delivered, 2));
    let again = store.record_delivery_attempt(
        d[0].id,
        &DeliveryAttempt {
            at: later,
            http_status: Some(200),
            error: None,
            status: DeliveryStatus::Delivered,
            next_attempt_at: later,
        },
    );
    assert!(
        matches!(again, Err(StoreError::Conflict(_))),
        "a delivered delivery is not attempted again"
    );
    let attempts = store.delivery_attempts(d[0].id).unwrap();
    assert_eq!(
        attempts.iter().map(|a| a.http_status).collect::<Vec<_>>(),
        [Some(500), Some(200)]
    );

    // The dead letter.
    let db = store.deliveries(b.id).unwrap();
    let dead = store
        .record_delivery_attempt(
            db[0].id,
            &DeliveryAttempt {
                at: now,
                http_status: None,
                error: Some("timed out".into()),
                status: DeliveryStatus::Dead,
                next_attempt_at: now,
            },
        )
        .unwrap();
    assert_eq!(dead.status, DeliveryStatus::Dead);
    assert_eq!(dead.last_error.as_deref(), Some("timed out"));
    assert_eq!(store.due_deliveries(later, 10).unwrap().len(), 1);

    // Acknowledgment.
    let acked = store
        .ack_alert(a.id, "analyst", now + Duration::hours(1))
        .unwrap();
    assert_eq!(acked.acknowledged_by.as_deref(), Some("analyst"));
    let twice = store
        .ack_alert(a.id, "someone else", now + Duration::hours(2))
        .unwrap();
    assert_eq!(twice.acknowledged_by.as_deref(), Some("analyst"));
    assert_eq!(twice.acknowledged_at, acked.acknowledged_at);
    let unacked = store.list_alerts(true, 10).unwrap();
    assert_eq!(unacked.iter().map(|a| a.id).collect::<Vec<_>>(), [b.id]);
    assert!(matches!(
        store.ack_alert(vigil_model::AlertId(999), "x", now),
        Err(StoreError::NotFound(_))
    ));

    // Filtered, keyset-paged listings: newest first, no repeats or gaps.
    let mut c = new_alert("r2:doc:5", &[]);
    c.rule = "r2".into();
    c.kind = "surge".into();
    c.fired_at = Utc.with_ymd_and_hms(2019, 10, 20, 8, 0, 0).unwrap();
    let c = store.insert_alert(&c).unwrap().unwrap();
    let page = |f: crate::AlertFilter| -> Vec<vigil_model::AlertId> {
        store
            .alerts_page(&f)
            .unwrap()
            .iter()
            .map(|a| a.id)
            .collect()
    };
    let all = crate::AlertFilter {
        limit: 10,
        ..Default::default()
    };
    assert_eq!(page(all.clone()), [c.id, b.id, a.id]);
    let first = store
        .alerts_page(&crate::AlertFilter {
            limit: 2,
            ..all.clone()
        })
        .unwrap();
    let rest = crate::AlertFilter {
        after: Some(crate::alert_page_after(&first[1])),
        ..all.clone()
    };
    assert_eq!(page(rest), [a.id], "the page after the second");
    assert_eq!(
        page(crate::AlertFilter {
            unacked_only: true,
            ..all.clone()
        }),
        [c.id, b.id]
    );
    assert_eq!(
        page(crate::AlertFilter {
            rules: vec!["r2".into()],
            ..all.clone()
        }),
        [c.id]
    );
    assert_eq!(
        page(crate::AlertFilter {
            kinds: vec!["watch".into()],
            ..all.clone()
        }),
        [b.id, a.id]
    );
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2019, 10, d).unwrap();
    assert_eq!(
        page(crate::AlertFilter {
            since: Some(day(14)),
            ..all.clone()
        }),
        [c.id]
    );
    assert_eq!(
        page(crate::AlertFilter {
            until: Some(day(13)),
            ..all.clone()
        }),
        [b.id, a.id]
    );

    // Watch cursors.
    assert_eq!(store.alert_cursor("w").unwrap(), None);
    store.set_alert_cursor("w", DocumentId(7)).unwrap();
    store.set_alert_cursor("w", DocumentId(9)).unwrap();
    assert_eq!(store.alert_cursor("w").unwrap(), Some(DocumentId(9)));
}
