//! The conformance suite every [`Store`] backend must pass. Each backend's
//! tests call [`run_all`] with a factory of empty stores.

use chrono::{NaiveDate, TimeZone, Utc};
use vigil_model::{
    ActorRef, ClaimStatus, CopyKind, Count, CountExactness, Counts, DatePrecision, Decision,
    DecisionAction, Dimension, DocumentId, EventDate, EventReport, EventType, GeoPrecision,
    Incident, IncidentChange, IncidentId, IncidentStatus, Lang, NewDocument, NewSource, Origin,
    Place, Reliability, ReportId, Site, SiteKind, SourceKind, SubEventType,
};

mod narratives_alerts;
mod tallies;

pub use tallies::{check_weekly_counts, sample_incidents};

use crate::{
    report_page_after, BBox, DedupOptions, DocumentFilter, DocumentSort, IncidentFilter,
    InsertOutcome, NewIncident, ReportFilter, ReportSort, SearchQuery, SeenText, SortOrder,
    SourcePatch, Store, StoreError,
};

/// Runs every check against fresh stores from `make`.
pub fn run_all<S: Store>(make: &mut dyn FnMut() -> S) {
    sources_are_created_once_and_edited_by_analysts(&mut make());
    documents_are_deduplicated_exactly_and_nearly(&mut make());
    copies_and_publications_follow_the_rule(&mut make());
    equal_texts_forwarded_go_to_their_own_post(&mut make());
    a_repost_stored_before_its_original_yields_to_it(&mut make());
    an_original_seen_after_its_copies_still_takes_their_place(&mut make());
    the_closest_of_many_band_mates_is_found(&mut make());
    a_failing_batch_stores_nothing(&mut make());
    search_folds_arabic_and_english_and_filters(&mut make());
    reports_and_incidents_round_trip(&mut make());
    link_inputs_name_the_side_and_forwards(&mut make());
    document_listings_filter_sort_and_page(&mut make());
    report_listings_filter_sort_and_page(&mut make());
    search_hits_carry_highlight_offsets(&mut make());
    narratives_alerts::narrative_tags_replace_and_count(&mut make());
    narratives_alerts::alerts_fire_once_and_deliveries_are_recorded(&mut make());
    tallies::weekly_counts_are_the_rows_counted(&mut make());
}

/// A document as ingestion would prepare it.
pub fn doc(source: &str, text: &str, lang: &str, day: u32) -> NewDocument {
    let normalized = vigil_text::normalize(text);
    NewDocument {
        source: NewSource {
            kind: SourceKind::NewsMedia,
            ..NewSource::named(source)
        },
        external_id: Some(format!("{source}-{day}")),
        url: None,
        published: Some(Utc.with_ymd_and_hms(2019, 10, day, 12, 0, 0).unwrap()),
        edited: None,
        forwarded_from: None,
        lang: lang.parse().unwrap(),
        title: None,
        content_hash: vigil_text::content_hash(&normalized),
        bands: vigil_text::fingerprint(&normalized),
        normalized,
        text: text.to_string(),
        origin: Origin {
            file: Some("conformance".into()),
            line: Some(u64::from(day)),
            record: None,
        },
    }
}

const BOMBING: &str = "A double suicide bombing at a restaurant in the border town of Qamishli \
    killed three people and wounded nine others on Friday, officials said.";
const ESCAPE_AR: &str = "فرّ نحو ثمانمئة شخص من مخيم عين عيسى بعد قصف تركي على أطرافه، \
    وأكد مسؤولون أكراد الخبر في الرقة.";

fn sources_are_created_once_and_edited_by_analysts<S: Store>(store: &mut S) {
    let a = store
        .ensure_source(&NewSource::named("Levant Wire"))
        .unwrap();
    assert_eq!(a.kind, SourceKind::Other);
    let again = store
        .ensure_source(&NewSource {
            kind: SourceKind::NewsMedia,
            ..NewSource::named("levant wire")
        })
        .unwrap();
    assert_eq!(
        again, a,
        "ensure_source must not overwrite an existing source"
    );

    let (put, created) = store
        .put_source(&NewSource {
            kind: SourceKind::NewsMedia,
            reliability: Some(Reliability::B),
            languages: vec![Lang::en()],
            ..NewSource::named("Levant Wire")
        })
        .unwrap();
    assert!(!created);
    assert_eq!(
        (put.id, put.kind, put.reliability),
        (a.id, SourceKind::NewsMedia, Some(Reliability::B))
    );

    let patch = SourcePatch {
        affiliation: Some(Some("none".into())),
        reliability: Some(None),
        ..SourcePatch::default()
    };
    let edited = store.edit_source(&a.id.to_string(), &patch).unwrap();
    assert_eq!(edited.affiliation.as_deref(), Some("none"));
    assert_eq!(edited.reliability, None);
    assert_eq!(edited.languages, vec![Lang::en()], "unpatched fields stay");

    store
        .ensure_source(&NewSource::named("Other Wire"))
        .unwrap();
    let clash = SourcePatch {
        name: Some("other wire".into()),
        ..SourcePatch::default()
    };
    assert!(matches!(
        store.edit_source("Levant Wire", &clash),
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.edit_source("nope", &patch),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store
            .source(&format!("source:{}", a.id))
            .unwrap()
            .unwrap()
            .name,
        "Levant Wire"
    );
    assert!(store.source("missing").unwrap().is_none());
    let all = store.sources().unwrap();
    assert_eq!(
        all.iter()
            .map(|s| s.source.name.as_str())
            .collect::<Vec<_>>(),
        ["Levant Wire", "Other Wire"]
    );
}

fn documents_are_deduplicated_exactly_and_nearly<S: Store>(store: &mut S) {
    let d = DedupOptions::default();
    let first = store
        .insert_documents(&[doc("Wire A", BOMBING, "en", 11)], &d)
        .unwrap();
    let InsertOutcome::New { id, seen: None } = first[0] else {
        panic!("expected new, got {first:?}")
    };

    // The same file again: the same publication, nothing recorded.
    let again = store
        .insert_documents(&[doc("Wire A", BOMBING, "en", 11)], &d)
        .unwrap();
    assert_eq!(again, [InsertOutcome::Recollected { of: id }]);

    // The same text from another source: a copy, recorded once.
    let other = doc("Wire B", &BOMBING.to_uppercase(), "en", 11);
    let out = store.insert_documents(&[other.clone(), other], &d).unwrap();
    assert_eq!(
        out,
        [
            InsertOutcome::Copy {
                of: id,
                kind: CopyKind::Exact,
                promoted: false
            },
            InsertOutcome::Recollected { of: id }
        ]
    );

    // A repost with a word changed (the day) and a tag added: the day is
    // an event's detail, so this is a publication of its own (before
    // schema 0008 it was a near-duplicate); its likeness is reported.
    let edited = BOMBING.replace("Friday", "Saturday") + " #Qamishli";
    let out = store
        .insert_documents(&[doc("Supporters", &edited, "en", 12)], &d)
        .unwrap();
    let InsertOutcome::New {
        seen: Some(SeenText { of, similarity }),
        ..
    } = out[0]
    else {
        panic!("expected a publication like the first, got {out:?}")
    };
    assert_eq!(of, id);
    assert!(similarity > 0.7 && similarity < 1.0, "{similarity}");
    // With the tag alone: a repost, recorded once.
    let tagged = doc("Supporters", &format!("{BOMBING} #Qamishli"), "en", 13);
    let out = store
        .insert_documents(std::slice::from_ref(&tagged), &d)
        .unwrap();
    assert!(
        matches!(out[0], InsertOutcome::Copy { of, kind: CopyKind::Repost, promoted: false } if of == id),
        "{out:?}"
    );
    let out = store.insert_documents(&[tagged], &d).unwrap();
    assert_eq!(out, [InsertOutcome::Recollected { of: id }]);

    // Unrelated text: new.
    let out = store
        .insert_documents(&[doc("Wire A", ESCAPE_AR, "ar", 15)], &d)
        .unwrap();
    assert!(matches!(out[0], InsertOutcome::New { seen: None, .. }));

    let copies = store.copies(id).unwrap();
    assert_eq!(copies.len(), 2);
    assert_eq!(copies[0].kind, CopyKind::Exact);
    assert_eq!(copies[1].kind, CopyKind::Repost);
    assert!(copies[1].similarity > 0.7 && copies[1].similarity < 1.0);

    let ids = store.document_ids(DocumentId(0), 10).unwrap();
    assert_eq!(ids.len(), 3);
    assert_eq!(store.document_ids(ids[0], 10).unwrap(), &ids[1..]);
    assert_eq!(store.document_ids(DocumentId(0), 1).unwrap(), &ids[..1]);

    let stored = store.document(id).unwrap().unwrap();
    assert_eq!(stored.text, BOMBING);
    assert_eq!(stored.lang, Lang::en());
    assert_eq!(stored.bands.len(), vigil_text::BANDS);
    assert_eq!(stored.origin.line, Some(11));
    assert!(store.document(DocumentId(9999)).unwrap().is_none());

    // What extraction reads: the same fields, in the order asked, without
    // the ids that are not stored.
    let texts = store
        .document_texts(&[ids[1], DocumentId(9999), ids[0]])
        .unwrap();
    assert_eq!(texts.len(), 2);
    for (t, id) in texts.iter().zip([ids[1], ids[0]]) {
        let d = store.document(id).unwrap().unwrap();
        assert_eq!(
            (t.id, t.source_id, &t.lang, t.published, &t.text),
            (d.id, d.source_id, &d.lang, d.published, &d.text)
        );
    }

    let stats = store.stats().unwrap();
    assert_eq!((stats.documents, stats.sources), (3, 3));
    assert_eq!(stats.copies.iter().map(|c| c.1).sum::<u64>(), 2);
    assert_eq!(stats.languages.len(), 2);
}

/// What the store makes of a document offered after the official post
/// (README, "Copies and publications").
#[derive(Debug, Clone, Copy, PartialEq)]
enum Judged {
    /// The same publication again: nothing added.
    SamePost,
    /// A copy of the official post, of this kind.
    CopyOf(CopyKind),
    /// A publication of its own.
    Publication,
}

/// One rule, one row: (what it checks, source, external id, url, day,
/// forwarded from, text, judged).
type RuleRow = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    u32,
    Option<&'static str>,
    &'static str,
    Judged,
);

const OFFICIAL_CLAIM: &str =
    "مقتل 3 عناصر من ميليشيا قسد بتفجير عبوة ناسفة على دوريتهم في بلدة الشحيل";

const RULES: &[RuleRow] = &[
    ("same id again", "Official", Some("501"), None, 11, None, OFFICIAL_CLAIM, Judged::SamePost),
    ("same id again, text edited", "Official", Some("501"), None, 11, None,
     "مقتل 3 عناصر من ميليشيا قسد بتفجير عبوة ناسفة على دوريتهم في بلدة الشحيل شرق دير الزور", Judged::SamePost),
    ("same text, new id, same source", "Official", Some("502"), None, 14, None, OFFICIAL_CLAIM, Judged::Publication),
    ("a forward", "Supporters", Some("77"), None, 11, Some("Official"), OFFICIAL_CLAIM, Judged::CopyOf(CopyKind::Forward)),
    ("a repost with a hashtag added", "Aggregator", Some("a1"), None, 11, None,
     "#عاجل مقتل 3 عناصر من ميليشيا قسد بتفجير عبوة ناسفة على دوريتهم في بلدة الشحيل #ولاية_الخير", Judged::CopyOf(CopyKind::Repost)),
    ("a wire re-running it word for word", "Wire", Some("w1"), None, 12, None, OFFICIAL_CLAIM, Judged::CopyOf(CopyKind::Exact)),
    ("a repost with a different number", "Aggregator", Some("a2"), None, 11, None,
     "مقتل 4 عناصر من ميليشيا قسد بتفجير عبوة ناسفة على دوريتهم في بلدة الشحيل", Judged::Publication),
    ("a number word for a digit", "Aggregator", Some("a3"), None, 11, None,
     "مقتل ثلاثة عناصر من ميليشيا قسد بتفجير عبوة ناسفة على دوريتهم في بلدة الشحيل", Judged::Publication),
    ("a different village name", "Aggregator", Some("a4"), None, 11, None,
     "مقتل 3 عناصر من ميليشيا قسد بتفجير عبوة ناسفة على دوريتهم في بلدة ذيبان", Judged::Publication),
    ("a forward with a different village", "Supporters", Some("78"), None, 12, Some("Official"),
     "مقتل 3 عناصر من ميليشيا قسد بتفجير عبوة ناسفة على دوريتهم في بلدة البصيرة", Judged::Publication),
    ("no id: a file read once", "Feed", None, None, 13, None, OFFICIAL_CLAIM, Judged::CopyOf(CopyKind::Exact)),
    ("no id: the file read again", "Feed", None, None, 13, None, OFFICIAL_CLAIM, Judged::SamePost),
    ("no id: same text another day", "Feed", None, None, 15, None,
     "مقتل 3 عناصر من ميليشيا قسد بتفجير عبوة ناسفة على دوريتهم في بلدة الشحيل", Judged::CopyOf(CopyKind::Exact)),
    ("no id, a URL", "Site", None, Some("https://example.org/a/1"), 13, None, "Three SDF members were killed by an IED on their patrol in al-Shuhayl.", Judged::Publication),
    ("the same URL again", "Site", None, Some("https://example.org/a/1"), 14, None, "Three SDF members were killed by an IED on their patrol in al-Shuhayl town.", Judged::SamePost),
    ("the same text at another URL", "Site", None, Some("https://example.org/a/2"), 16, None, "Three SDF members were killed by an IED on their patrol in al-Shuhayl.", Judged::Publication),
];

/// Each rule of README's "Copies and publications", after one official
/// post: the row's document is the same post, a copy of it, or a
/// publication of its own.
fn copies_and_publications_follow_the_rule<S: Store>(store: &mut S) {
    let d = DedupOptions::default();
    let post = |source: &str,
                id: Option<&str>,
                url: Option<&str>,
                day: u32,
                fwd: Option<&str>,
                text: &str| {
        let mut n = doc(source, text, "ar", day);
        n.external_id = id.map(str::to_string);
        n.url = url.map(str::to_string);
        n.forwarded_from = fwd.map(str::to_string);
        n
    };
    let out = store
        .insert_documents(
            &[post(
                "Official",
                Some("501"),
                None,
                11,
                None,
                OFFICIAL_CLAIM,
            )],
            &d,
        )
        .unwrap();
    let InsertOutcome::New {
        id: official,
        seen: None,
    } = out[0]
    else {
        panic!("{out:?}")
    };
    let official_source = store.source("Official").unwrap().unwrap().id;
    let mut publications = 1;
    for &(name, source, id, url, day, fwd, text, want) in RULES {
        let out = store
            .insert_documents(&[post(source, id, url, day, fwd, text)], &d)
            .unwrap();
        let got = match out[0] {
            InsertOutcome::Recollected { .. } => Judged::SamePost,
            InsertOutcome::Copy {
                of,
                kind,
                promoted: false,
            } => {
                // Of the official channel's latest post with this text at
                // or before it.
                let original = store.document(of).unwrap().unwrap();
                let want_of = if day >= 14 {
                    DocumentId(official.0 + 1)
                } else {
                    official
                };
                assert_eq!(
                    (of, original.source_id),
                    (want_of, official_source),
                    "{name}"
                );
                Judged::CopyOf(kind)
            }
            InsertOutcome::New { .. } => {
                publications += 1;
                Judged::Publication
            }
            other => panic!("{name}: {other:?}"),
        };
        assert_eq!(got, want, "{name}");
    }
    assert_eq!(store.stats().unwrap().documents, publications);
    // Copies stay grouped under the official post; publications with its
    // text are rows of their own.
    let listed = store
        .list_documents(&DocumentFilter {
            limit: 100,
            ..DocumentFilter::default()
        })
        .unwrap();
    assert_eq!(listed.len() as u64, publications);
    let first = listed.iter().find(|s| s.id == official).unwrap();
    assert_eq!(first.copies, 4, "forward, repost, wire, feed");
    let hits = store
        .search(&SearchQuery {
            text: "الشحيل".into(),
            limit: 100,
            ..SearchQuery::default()
        })
        .unwrap();
    assert_eq!(
        hits.total, 4,
        "the post, the same words on day 14, the 4 and ثلاثة"
    );
}

/// Two posts of one channel with the same words (two attacks), each
/// forwarded: each forward is a copy of its own post, the latest one
/// published at or before it.
fn equal_texts_forwarded_go_to_their_own_post<S: Store>(store: &mut S) {
    let d = DedupOptions::default();
    let post = |source: &str, id: &str, day: u32| {
        let mut n = doc(source, OFFICIAL_CLAIM, "ar", day);
        n.external_id = Some(id.into());
        if source == "Supporters" {
            n.forwarded_from = Some("Official".into());
        }
        n
    };
    let out = store
        .insert_documents(
            &[
                post("Official", "1", 3),
                post("Supporters", "s1", 3),
                post("Official", "2", 10),
                post("Supporters", "s2", 11),
            ],
            &d,
        )
        .unwrap();
    let InsertOutcome::New { id: first, .. } = out[0] else {
        panic!("{out:?}")
    };
    let InsertOutcome::New {
        id: second,
        seen: Some(seen),
    } = out[2]
    else {
        panic!("{out:?}")
    };
    assert_eq!(
        (seen.of, seen.similarity),
        (first, 1.0),
        "a text seen before"
    );
    let forward = CopyKind::Forward;
    assert_eq!(
        (out[1], out[3]),
        (
            InsertOutcome::Copy {
                of: first,
                kind: forward,
                promoted: false
            },
            InsertOutcome::Copy {
                of: second,
                kind: forward,
                promoted: false
            }
        )
    );
    // A forward of a third post (day 20) read before that post (day 19):
    // recorded against the second for now, it moves to the third when
    // that comes.
    let out = store
        .insert_documents(&[post("Supporters", "s3", 20)], &d)
        .unwrap();
    assert!(matches!(out[0], InsertOutcome::Copy { of, .. } if of == second));
    let out = store
        .insert_documents(&[post("Official", "3", 19)], &d)
        .unwrap();
    let InsertOutcome::New { id: third, .. } = out[0] else {
        panic!("{out:?}")
    };
    let ext = |id: DocumentId| -> Vec<String> {
        store
            .copies(id)
            .unwrap()
            .into_iter()
            .filter_map(|c| c.external_id)
            .collect()
    };
    assert_eq!(
        (ext(first), ext(second), ext(third)),
        (
            vec!["s1".to_string()],
            vec!["s2".to_string()],
            vec!["s3".to_string()]
        )
    );
}

fn a_repost_stored_before_its_original_yields_to_it<S: Store>(store: &mut S) {
    let d = DedupOptions::default();
    // Reposts (later) arrive first: a verbatim forward and a copy with a
    // hashtag added (two posts of one channel: two message ids).
    let forward = doc("Supporters", BOMBING, "en", 14);
    let mut edited = doc("Supporters", &format!("{ESCAPE_AR} #عين_عيسى"), "ar", 14);
    edited.external_id = Some("Supporters-14b".into());
    let out = store
        .insert_documents(&[forward.clone(), edited.clone()], &d)
        .unwrap();
    let (InsertOutcome::New { id: a, .. }, InsertOutcome::New { id: b, .. }) = (out[0], out[1])
    else {
        panic!("{out:?}")
    };
    // Then the originals, published earlier.
    let mut escape = doc("Official", ESCAPE_AR, "ar", 11);
    escape.external_id = Some("Official-11b".into());
    let bombing = doc("Official", BOMBING, "en", 11);
    let out = store
        .insert_documents(&[bombing.clone(), escape.clone()], &d)
        .unwrap();
    assert_eq!(
        out,
        [
            InsertOutcome::Copy {
                of: a,
                kind: CopyKind::Exact,
                promoted: true
            },
            InsertOutcome::Copy {
                of: b,
                kind: CopyKind::Repost,
                promoted: true
            }
        ]
    );
    let official = store.source("Official").unwrap().unwrap().id;
    let supporters = store.source("Supporters").unwrap().unwrap().id;
    for id in [a, b] {
        let stored = store.document(id).unwrap().unwrap();
        assert_eq!(
            stored.source_id, official,
            "the original takes the document's place"
        );
        assert_eq!(stored.published.unwrap().format("%d").to_string(), "11");
        let copies = store.copies(id).unwrap();
        assert_eq!(copies.len(), 1);
        assert_eq!(
            copies[0].source_id, supporters,
            "the repost is kept as a copy"
        );
    }
    assert_eq!(store.document(b).unwrap().unwrap().text, ESCAPE_AR);
    // The index follows: the hashtag is gone, the original's words are there.
    let q = |t: &str| SearchQuery {
        text: t.into(),
        limit: 5,
        ..SearchQuery::default()
    };
    assert_eq!(
        store.search(&q("عين_عيسى")).unwrap().total,
        1,
        "the original's words"
    );
    assert_eq!(store.search(&q("#عين_عيسى عيسى")).unwrap().hits[0].id, b);
    // Everything again: the same publications, nothing changes.
    let again = store
        .insert_documents(&[forward, edited, bombing, escape], &d)
        .unwrap();
    assert_eq!(
        again,
        [
            InsertOutcome::Recollected { of: a },
            InsertOutcome::Recollected { of: b },
            InsertOutcome::Recollected { of: a },
            InsertOutcome::Recollected { of: b },
        ]
    );
    assert_eq!(store.stats().unwrap().documents, 2);
}

fn an_original_seen_after_its_copies_still_takes_their_place<S: Store>(store: &mut S) {
    let d = DedupOptions::default();
    // A repost with a tag (day 16), then a verbatim copy of the original
    // text from a third source (day 17): recorded as a copy of the repost.
    let repost = doc("Supporters", &format!("{ESCAPE_AR} #عين_عيسى"), "ar", 16);
    let out = store.insert_documents(&[repost], &d).unwrap();
    let InsertOutcome::New { id, .. } = out[0] else {
        panic!("{out:?}")
    };
    let out = store
        .insert_documents(&[doc("Aggregator", ESCAPE_AR, "ar", 17)], &d)
        .unwrap();
    assert!(
        matches!(out[0], InsertOutcome::Copy { of, kind: CopyKind::Repost, promoted: false } if of == id),
        "{out:?}"
    );
    // The original (day 11) has the same text as the recorded copy.
    let out = store
        .insert_documents(&[doc("Official", ESCAPE_AR, "ar", 11)], &d)
        .unwrap();
    assert!(
        matches!(out[0], InsertOutcome::Copy { of, promoted: true, .. } if of == id),
        "{out:?}"
    );
    let stored = store.document(id).unwrap().unwrap();
    assert_eq!(
        stored.source_id,
        store.source("Official").unwrap().unwrap().id,
        "the original takes the place"
    );
    assert_eq!(stored.text, ESCAPE_AR);
}

fn the_closest_of_many_band_mates_is_found<S: Store>(store: &mut S) {
    // Ten variations of one template, each its own publication.
    let strict = DedupOptions {
        near_threshold: 0.999,
        max_candidates: 3,
    };
    let variant = |i: u32| {
        format!("{BOMBING} The attack was the {i}th in the province this month; the {i}th victim was named.")
    };
    let docs: Vec<_> = (1..=10)
        .map(|i| doc("Wire A", &variant(i), "en", i))
        .collect();
    let out = store.insert_documents(&docs, &strict).unwrap();
    assert!(
        out.iter()
            .all(|o| matches!(o, InsertOutcome::New { seen: None, .. })),
        "{out:?}"
    );
    let InsertOutcome::New { id: newest, .. } = out[9] else {
        panic!()
    };
    // Another publication like the newest (a word changed): with only 3
    // candidates checked, it must be compared with the documents sharing
    // the most bands, not the oldest. (Before schema 0008 this found the
    // near-duplicate that a repost was taken for; now it tells which
    // publication a new one resembles.)
    let loose = DedupOptions {
        near_threshold: 0.7,
        max_candidates: 3,
    };
    let like = doc(
        "Supporters",
        &format!("{} #Qamishli", variant(10).replace("named", "buried")),
        "en",
        20,
    );
    let out = store.insert_documents(&[like], &loose).unwrap();
    assert!(
        matches!(out[0], InsertOutcome::New { seen: Some(SeenText { of, .. }), .. } if of == newest),
        "like {out:?}, expected the newest variant {newest}"
    );
}

fn a_failing_batch_stores_nothing<S: Store>(store: &mut S) {
    let good = doc("Wire A", BOMBING, "en", 11);
    let mut bad = doc("Wire A", ESCAPE_AR, "ar", 12);
    bad.source.name = "   ".into();
    assert!(store
        .insert_documents(&[good, bad], &DedupOptions::default())
        .is_err());
    assert_eq!(
        store.stats().unwrap().documents,
        0,
        "the batch must roll back whole"
    );
    assert_eq!(store.stats().unwrap().sources, 0);
}

fn search_folds_arabic_and_english_and_filters<S: Store>(store: &mut S) {
    let d = DedupOptions::default();
    store
        .insert_documents(
            &[
                doc("Wire A", BOMBING, "en", 11),
                doc("Monitor", ESCAPE_AR, "ar", 15),
                doc(
                    "Monitor",
                    "Shelling hit the outskirts of Ain Issa camp; residents fled.",
                    "en",
                    13,
                ),
                doc("Wire B", "هجوم بالرقة أسفر عن مقتل ستة مقاتلين", "ar", 17),
            ],
            &d,
        )
        .unwrap();
    let search = |text: &str| SearchQuery {
        text: text.into(),
        limit: 10,
        ..SearchQuery::default()
    };
    let total = |store: &S, q: SearchQuery| store.search(&q).unwrap().total;

    assert_eq!(total(store, search("qamishli")), 1);
    assert_eq!(
        total(store, search("QAMISHLI bombings")),
        1,
        "case folding and stemming"
    );
    assert_eq!(total(store, search("\"border town\"")), 1);
    assert_eq!(total(store, search("\"town border\"")), 0);
    assert_eq!(total(store, search("عيسى")), 1, "alef maksura folded");
    assert_eq!(total(store, search("مُخَيَّم")), 1, "diacritics in the query");
    assert_eq!(
        total(store, search("الرقة")),
        2,
        "article and fused preposition: الرقة ~ بالرقة"
    );
    assert_eq!(total(store, search("camp OR مخيم")), 2);
    assert_eq!(total(store, search("camp -shelling")), 0);

    let monitor = store.source("Monitor").unwrap().unwrap().id;
    let mut q = search("عيسى OR issa");
    assert_eq!(total(store, q.clone()), 2);
    q.langs = vec![Lang::ar()];
    assert_eq!(total(store, q.clone()), 1);
    q.langs.clear();
    q.sources = vec![monitor];
    q.until = NaiveDate::from_ymd_opt(2019, 10, 14);
    assert_eq!(total(store, q.clone()), 1);
    q.since = NaiveDate::from_ymd_opt(2019, 10, 14);
    assert_eq!(total(store, q.clone()), 0);
    let mut kinds = search("camp OR مخيم");
    kinds.source_kinds = vec![SourceKind::LocalMonitor];
    assert_eq!(
        total(store, kinds),
        0,
        "documents' sources are news_media in this suite"
    );

    let page = store
        .search(&SearchQuery {
            limit: 1,
            offset: 1,
            ..search("camp OR مخيم OR qamishli")
        })
        .unwrap();
    assert_eq!((page.total, page.hits.len()), (3, 1));
    let hit = &store.search(&search("nine")).unwrap().hits[0];
    assert!(hit.snippet.contains("[nine]"), "{}", hit.snippet);
    assert_eq!(hit.source, "Wire A");

    assert!(matches!(
        store.search(&search("-x")),
        Err(StoreError::InvalidQuery(_))
    ));
    assert!(matches!(
        store.search(&search("  ")),
        Err(StoreError::InvalidQuery(_))
    ));
    // FTS5 syntax typed by a user is searched as text, never run.
    assert_eq!(total(store, search("NEAR(camp residents) AND ^camp")), 0);
}

fn report(doc: DocumentId, killed: u32) -> EventReport {
    EventReport {
        id: ReportId(0),
        document_id: doc,
        event_type: EventType::ExplosionsRemoteViolence,
        sub_event_type: SubEventType::SuicideBomb,
        attack_mode: None,
        date: None,
        place: None,
        perpetrators: vec![],
        targets: vec![],
        counts: Counts {
            killed: Some(Count {
                value: killed,
                exactness: CountExactness::Exact,
            }),
            ..Counts::default()
        },
        attribution: None,
        claim_status: ClaimStatus::Reported,
        evidence: vec![],
    }
}

/// Linking learns, per report, whose side its source is on and whether its
/// document forwards another's post: neither corroborates a claim.
fn link_inputs_name_the_side_and_forwards<S: Store>(store: &mut S) {
    let claim = "The group's fighters detonated an explosive device on a patrol in al-Shuhayl.";
    let mut official = doc("Wadi Media", claim, "en", 11);
    official.source = NewSource {
        kind: SourceKind::MilitantOfficial,
        affiliation: Some("Islamic State".into()),
        ..NewSource::named("Wadi Media")
    };
    // A forward of a channel whose own post is not in the store.
    let mut forward = doc(
        "Supporters",
        "Fighters of the group attacked a checkpoint in Hajin with machine guns.",
        "en",
        12,
    );
    forward.forwarded_from = Some("Amaq Channel".into());
    let wire = doc("Wire A", BOMBING, "en", 13);
    let out = store
        .insert_documents(&[official, forward, wire], &DedupOptions::default())
        .unwrap();
    // (document, affiliation, forwarded).
    let mut want = Vec::new();
    for (n, o) in out.iter().enumerate() {
        if let InsertOutcome::New { id, .. } = o {
            store.replace_reports(*id, &[report(*id, 2)]).unwrap();
            want.push((*id, (n == 0).then(|| "Islamic State".to_string()), n == 1));
        }
    }
    assert_eq!(want.len(), 3, "three publications: {out:?}");
    let got: Vec<(DocumentId, Option<String>, bool)> = store
        .link_inputs(None)
        .unwrap()
        .into_iter()
        .map(|i| (i.report.document_id, i.affiliation, i.forwarded))
        .collect();
    assert_eq!(got, want);
}

fn reports_and_incidents_round_trip<S: Store>(store: &mut S) {
    let out = store
        .insert_documents(
            &[doc("Wire A", BOMBING, "en", 11)],
            &DedupOptions::default(),
        )
        .unwrap();
    let InsertOutcome::New { id: doc_id, .. } = out[0] else {
        panic!()
    };
    let ids = store
        .replace_reports(doc_id, &[report(doc_id, 3), report(doc_id, 4)])
        .unwrap();
    assert_eq!(ids.len(), 2);
    let back = store.reports(doc_id).unwrap();
    assert_eq!(back.iter().map(|r| r.id).collect::<Vec<_>>(), ids);
    assert_eq!(back[1].counts.killed.unwrap().value, 4);
    assert!(matches!(
        store.replace_reports(DocumentId(999), &[]),
        Err(StoreError::NotFound(_))
    ));

    // Linking reads the reports with their keys and their source's kind.
    let backlog = store.link_backlog().unwrap();
    assert_eq!(backlog.unlinked, 2);
    assert_eq!(backlog.undated, ids, "undated reports are listed");
    let inputs = store.link_inputs(None).unwrap();
    assert_eq!(inputs.len(), 2);
    assert_eq!(inputs[1].key.to_string(), format!("{}.1", doc_id.0));
    assert_eq!(inputs[0].source_kind, SourceKind::NewsMedia);
    let by_key = store.link_inputs_of(&[], &[inputs[1].key]).unwrap();
    assert_eq!(by_key[0].report.id, ids[1]);

    let incident = |reports: Vec<ReportId>| Incident {
        id: IncidentId(0),
        reports,
        status: IncidentStatus::Reported,
        event_type: EventType::ExplosionsRemoteViolence,
        sub_event_type: SubEventType::SuicideBomb,
        attack_mode: None,
        date: Some(EventDate {
            date: NaiveDate::from_ymd_opt(2019, 10, 11).unwrap(),
            precision: DatePrecision::Day,
        }),
        place: None,
        perpetrators: vec!["Islamic State".into()],
        targets: vec![],
        sites: vec![],
        source_kinds: vec![SourceKind::NewsMedia],
        counts: back[0].counts,
        claimed_counts: back[1].counts,
        edits: vec![],
    };
    let day = NaiveDate::from_ymd_opt(2019, 10, 11).unwrap();
    let new = NewIncident {
        incident: incident(ids.clone()),
        anchor: inputs[0].key,
        days: Some((day, day)),
        facets: vec![(Dimension::Perpetrator, "Islamic State".into())],
        read: inputs.iter().map(|i| (i.report.id, i.revision)).collect(),
    };
    let first = store
        .replace_incidents(None, std::slice::from_ref(&new))
        .unwrap();
    let got = store.incident(first[0]).unwrap().unwrap();
    assert_eq!(got.reports, ids);
    assert_eq!(got.claimed_counts.killed.unwrap().value, 4);
    assert_eq!(store.stats().unwrap().incidents, 1);
    assert_eq!(store.incidents_of(&ids[..1]).unwrap()[0].id, first[0]);
    assert_eq!(store.link_backlog().unwrap().unlinked, 0);
    assert!(
        matches!(
            store.replace_incidents(Some(&[]), std::slice::from_ref(&new)),
            Err(StoreError::Conflict(_))
        ),
        "a report belongs to one incident"
    );
    // Replacing an incident by one with the same anchor keeps its id.
    let again = store
        .replace_incidents(Some(&first), std::slice::from_ref(&new))
        .unwrap();
    assert_eq!(again, first);

    // Tallies read the date, the count and the facets.
    let rows = store.tally_rows(Some(day), Some(day)).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].killed, 3);
    assert_eq!(
        rows[0].facets,
        vec![(Dimension::Perpetrator, "Islamic State".to_string())]
    );
    assert!(store
        .tally_rows(None, Some(day.pred_opt().unwrap()))
        .unwrap()
        .is_empty());
    let only = |value: &str| {
        store
            .tally_rows_where(None, None, &[(Dimension::Perpetrator, value.into())])
            .unwrap()
            .len()
    };
    assert_eq!((only("islamic state"), only("Nobody")), (1, 0));
    let listed = store
        .list_incidents(&IncidentFilter {
            facets: vec![(Dimension::Perpetrator, "islamic state".into())],
            limit: 10,
            ..IncidentFilter::default()
        })
        .unwrap();
    assert_eq!(listed.len(), 1, "facet values match case-insensitively");

    // Decisions are kept in order and shown on the incident they touch.
    let decision = Decision {
        id: 0,
        who: "analyst".into(),
        at: Utc.with_ymd_and_hms(2019, 10, 12, 8, 0, 0).unwrap(),
        action: DecisionAction::Set {
            change: IncidentChange::Killed(3),
        },
        reports: vec![inputs[0].key],
        note: Some("hospital figure".into()),
    };
    let d1 = store.record_decision(&decision).unwrap();
    let d2 = store
        .record_decision(&Decision {
            action: DecisionAction::Confirm,
            note: None,
            ..decision.clone()
        })
        .unwrap();
    assert!(d2 > d1);
    let all = store.decisions().unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].action, decision.action);
    let got = store.incident(first[0]).unwrap().unwrap();
    assert_eq!(
        got.edits
            .iter()
            .map(|e| e.what.as_str())
            .collect::<Vec<_>>(),
        ["set killed=3: hospital figure", "confirm"]
    );

    // The same decision again (a request retried after its answer was
    // lost) is recorded once; after another decision it is a new one.
    let again = store.record_decision(&decision).unwrap();
    assert!(again > d2, "the same content after another decision is new");
    let retried = store
        .record_decisions(std::slice::from_ref(&decision), None)
        .unwrap();
    assert!(retried.repeated);
    assert_eq!(retried.decisions[0].id, again);
    assert_eq!(store.decisions().unwrap().len(), 3);
    // A request of several decisions is recognized whole.
    let pair = [
        Decision {
            action: DecisionAction::Dispute,
            ..decision.clone()
        },
        Decision {
            action: DecisionAction::Set {
                change: IncidentChange::Injured(2),
            },
            ..decision.clone()
        },
    ];
    let first_pair = store.record_decisions(&pair, None).unwrap();
    assert!(!first_pair.repeated);
    let second_pair = store.record_decisions(&pair, None).unwrap();
    assert!(second_pair.repeated);
    assert_eq!(second_pair.decisions, first_pair.decisions);
    // A client's Idempotency-Key names its request.
    let keyed = Decision {
        action: DecisionAction::Confirm,
        note: Some("keyed".into()),
        ..decision.clone()
    };
    let k1 = store
        .record_decisions(std::slice::from_ref(&keyed), Some("req-1"))
        .unwrap();
    let k2 = store
        .record_decisions(std::slice::from_ref(&keyed), Some("req-1"))
        .unwrap();
    assert!(k2.repeated);
    assert_eq!(k1.decisions[0].id, k2.decisions[0].id);
    assert!(matches!(
        store.record_decisions(&pair[..1], Some("req-1")),
        Err(StoreError::Conflict(_))
    ));
    // A retry under its key after a link gave the incident another report
    // is the same request (the soak test's retries got a 409 here); the
    // key sent about other reports only is not.
    let grown = Decision {
        reports: vec![inputs[0].key, inputs[1].key],
        ..keyed.clone()
    };
    let k3 = store
        .record_decisions(std::slice::from_ref(&grown), Some("req-1"))
        .unwrap();
    assert!(k3.repeated);
    assert_eq!(k3.decisions[0].id, k1.decisions[0].id);
    let elsewhere = Decision {
        reports: vec![inputs[1].key],
        ..keyed.clone()
    };
    assert!(matches!(
        store.record_decisions(std::slice::from_ref(&elsewhere), Some("req-1")),
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.decisions().unwrap().len(), 6);
    // What was recorded under a key, and nothing under a new one.
    assert_eq!(store.decisions_for_request("req-1").unwrap(), k1.decisions);
    assert!(store.decisions_for_request("req-new").unwrap().is_empty());

    // Re-extraction keeps the id of the report at each place (its key):
    // the incident keeps it and is marked for the next link; places the
    // document no longer has are removed.
    store.replace_reports(doc_id, &[report(doc_id, 3)]).unwrap();
    assert_eq!(store.reports(doc_id).unwrap()[0].id, ids[0]);
    assert_eq!(
        store.incident(first[0]).unwrap().unwrap().reports,
        ids[..1].to_vec()
    );
    let backlog = store.link_backlog().unwrap();
    assert_eq!(backlog.dirty, first);
    assert_eq!(backlog.unlinked, 0);
    assert_eq!(store.stats().unwrap().event_reports, 1);
    // A report rewritten since linking read it makes the write stale.
    store.replace_reports(doc_id, &[report(doc_id, 7)]).unwrap();
    assert_eq!(store.reports(doc_id).unwrap()[0].id, ids[0]);
    let stale = NewIncident {
        incident: incident(ids[..1].to_vec()),
        read: new.read[..1].to_vec(),
        ..new.clone()
    };
    assert!(matches!(
        store.replace_incidents(Some(&first), &[stale]),
        Err(StoreError::Stale(_))
    ));
    // The same reports again rewrite nothing.
    store.replace_reports(doc_id, &[report(doc_id, 7)]).unwrap();
    let now = store.link_inputs(None).unwrap();
    assert_eq!(now[0].revision, inputs[0].revision + 1);
    // The decision's key still names the report at that place.
    assert_eq!(
        store.link_inputs_of(&[], &decision.reports).unwrap()[0]
            .report
            .id,
        ids[0]
    );
    // A new incident with the stale one's anchor takes its place and id.
    let renewed = NewIncident {
        incident: incident(vec![store.reports(doc_id).unwrap()[0].id]),
        read: now.iter().map(|i| (i.report.id, i.revision)).collect(),
        ..new.clone()
    };
    assert_eq!(
        store.replace_incidents(Some(&[]), &[renewed]).unwrap(),
        first
    );
    assert!(store.link_backlog().unwrap().dirty.is_empty());
    store.replace_incidents(None, &[]).unwrap();
    assert_eq!(store.stats().unwrap().incidents, 0);

    // Sites round-trip and mark every incident for relinking.
    let site = Site {
        key: "al-hol-camp".into(),
        name: "al-Hol camp".into(),
        kind: SiteKind::DetentionCamp,
        names: vec![],
        lat: 36.38,
        lon: 41.15,
        radius_km: 3.0,
        named_km: 25.0,
    };
    store.put_sites(std::slice::from_ref(&site)).unwrap();
    assert_eq!(store.sites().unwrap(), vec![site.clone()]);
    assert!(matches!(
        store.put_sites(&[site.clone(), site]),
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.sites().unwrap().len(),
        1,
        "a failed put changes nothing"
    );
}

fn new_ids(outcomes: &[InsertOutcome]) -> Vec<DocumentId> {
    outcomes
        .iter()
        .map(|o| match o {
            InsertOutcome::New { id, .. } => *id,
            other => panic!("expected a new document, got {other:?}"),
        })
        .collect()
}

/// Walks every page of a document listing, `limit` at a time.
fn walk_documents<S: Store>(store: &S, filter: &DocumentFilter, limit: usize) -> Vec<DocumentId> {
    let mut out = Vec::new();
    let mut f = DocumentFilter {
        limit,
        ..filter.clone()
    };
    loop {
        let page = store.list_documents(&f).unwrap();
        assert!(page.len() <= limit);
        out.extend(page.iter().map(|d| d.id));
        match page.last() {
            Some(last) if page.len() == limit => f.after = Some(last.page_after(f.sort)),
            _ => return out,
        }
    }
}

fn document_listings_filter_sort_and_page<S: Store>(store: &mut S) {
    let d = DedupOptions::default();
    let mut undated = doc(
        "Wire B",
        "A statement with no date at all about Raqqa.",
        "en",
        1,
    );
    undated.published = None;
    let ids = new_ids(
        &store
            .insert_documents(
                &[
                    doc("Wire A", BOMBING, "en", 11),
                    doc("Monitor", ESCAPE_AR, "ar", 15),
                    undated,
                    doc(
                        "Monitor",
                        "Shelling hit Ain Issa camp; residents fled.",
                        "en",
                        13,
                    ),
                    // The same day as the first: the id breaks the tie.
                    doc(
                        "Wire B",
                        "Clashes west of Raqqa left two fighters dead.",
                        "en",
                        11,
                    ),
                ],
                &d,
            )
            .unwrap(),
    );
    let [bomb, escape, undated, shelling, clashes] = ids[..] else {
        panic!()
    };
    let all = DocumentFilter::default();
    let asc = vec![undated, bomb, clashes, shelling, escape];
    for limit in [1, 2, 3, 10] {
        assert_eq!(walk_documents(store, &all, limit), asc, "limit {limit}");
        let desc = DocumentFilter {
            order: SortOrder::Desc,
            ..all.clone()
        };
        let mut want = asc.clone();
        want.reverse();
        assert_eq!(
            walk_documents(store, &desc, limit),
            want,
            "desc, limit {limit}"
        );
        let by_id = DocumentFilter {
            sort: DocumentSort::Id,
            ..all.clone()
        };
        assert_eq!(
            walk_documents(store, &by_id, limit),
            ids,
            "by id, limit {limit}"
        );
    }
    let first = &store
        .list_documents(&DocumentFilter {
            limit: 1,
            order: SortOrder::Desc,
            ..all.clone()
        })
        .unwrap()[0];
    assert_eq!(first.id, escape);
    assert_eq!(first.source, "Monitor");
    assert_eq!(first.lang, Lang::ar());
    assert_eq!(first.bytes, ESCAPE_AR.len() as u64);

    let monitor = store.source("Monitor").unwrap().unwrap().id;
    let rows: &[(&str, DocumentFilter, Vec<DocumentId>)] = &[
        (
            "lang",
            DocumentFilter {
                langs: vec![Lang::ar()],
                ..all.clone()
            },
            vec![escape],
        ),
        (
            "source",
            DocumentFilter {
                sources: vec![monitor],
                ..all.clone()
            },
            vec![shelling, escape],
        ),
        (
            "kind",
            DocumentFilter {
                source_kinds: vec![SourceKind::LocalMonitor],
                ..all.clone()
            },
            vec![],
        ),
        (
            "text",
            DocumentFilter {
                text: Some("raqqa".into()),
                ..all.clone()
            },
            vec![undated, clashes],
        ),
        (
            "dates",
            DocumentFilter {
                since: NaiveDate::from_ymd_opt(2019, 10, 12),
                until: NaiveDate::from_ymd_opt(2019, 10, 13),
                ..all.clone()
            },
            vec![shelling],
        ),
    ];
    for (name, filter, want) in rows {
        assert_eq!(&walk_documents(store, filter, 2), want, "{name}");
    }
    assert!(matches!(
        store.list_documents(&DocumentFilter {
            text: Some("-x".into()),
            limit: 5,
            ..all
        }),
        Err(StoreError::InvalidQuery(_))
    ));
}

fn walk_reports<S: Store>(store: &S, filter: &ReportFilter, limit: usize) -> Vec<ReportId> {
    let mut out = Vec::new();
    let mut f = ReportFilter {
        limit,
        ..filter.clone()
    };
    loop {
        let page = store.list_reports(&f).unwrap();
        out.extend(page.iter().map(|r| r.id));
        match page.last() {
            Some(last) if page.len() == limit => f.after = Some(report_page_after(last, f.sort)),
            _ => return out,
        }
    }
}

fn placed(name: &str, lat: f64, lon: f64) -> Option<Place> {
    Some(Place {
        name: name.into(),
        gazetteer_name: None,
        geonames_id: None,
        lat: Some(lat),
        lon: Some(lon),
        province: None,
        country: Some("SY".into()),
        precision: GeoPrecision::Place,
    })
}

fn actor(canonical: Option<&str>, mention: &str) -> ActorRef {
    ActorRef {
        canonical: canonical.map(str::to_string),
        mention: mention.into(),
    }
}

fn report_listings_filter_sort_and_page<S: Store>(store: &mut S) {
    let docs = new_ids(
        &store
            .insert_documents(
                &[
                    doc("Wire A", BOMBING, "en", 11),
                    doc("Monitor", ESCAPE_AR, "ar", 15),
                ],
                &DedupOptions::default(),
            )
            .unwrap(),
    );
    let day = |d: u32| {
        Some(EventDate {
            date: NaiveDate::from_ymd_opt(2019, 10, d).unwrap(),
            precision: DatePrecision::Day,
        })
    };
    let bombing = EventReport {
        date: day(11),
        place: placed("Qamishli", 37.05, 41.23),
        perpetrators: vec![actor(Some("Islamic State"), "Daesh")],
        targets: vec![actor(None, "civilians")],
        ..report(docs[0], 3)
    };
    let undated = EventReport {
        event_type: EventType::Battles,
        sub_event_type: SubEventType::ArmedClash,
        claim_status: ClaimStatus::Claimed,
        ..report(docs[0], 2)
    };
    let shelling = EventReport {
        event_type: EventType::ExplosionsRemoteViolence,
        sub_event_type: SubEventType::ShellingArtilleryMissileAttack,
        date: day(13),
        place: placed("Ain Issa", 36.39, 38.86),
        perpetrators: vec![actor(Some("Turkish Armed Forces"), "Turkish shelling")],
        ..report(docs[1], 0)
    };
    let a = store.replace_reports(docs[0], &[bombing, undated]).unwrap();
    let b = store.replace_reports(docs[1], &[shelling]).unwrap();
    let (bombing, undated, shelling) = (a[0], a[1], b[0]);

    let all = ReportFilter::default();
    for limit in [1, 2, 5] {
        assert_eq!(
            walk_reports(store, &all, limit),
            vec![undated, bombing, shelling]
        );
        let desc = ReportFilter {
            order: SortOrder::Desc,
            ..all.clone()
        };
        assert_eq!(
            walk_reports(store, &desc, limit),
            vec![shelling, bombing, undated]
        );
        let by_id = ReportFilter {
            sort: ReportSort::Id,
            order: SortOrder::Desc,
            ..all.clone()
        };
        assert_eq!(
            walk_reports(store, &by_id, limit),
            vec![shelling, undated, bombing]
        );
    }
    let monitor = store.source("Monitor").unwrap().unwrap().id;
    let rows: &[(&str, ReportFilter, Vec<ReportId>)] = &[
        (
            "type",
            ReportFilter {
                event_types: vec![EventType::Battles],
                ..all.clone()
            },
            vec![undated],
        ),
        (
            "sub-type",
            ReportFilter {
                sub_event_types: vec![SubEventType::SuicideBomb, SubEventType::ArmedClash],
                ..all.clone()
            },
            vec![undated, bombing],
        ),
        (
            "claim",
            ReportFilter {
                claim_statuses: vec![ClaimStatus::Claimed],
                ..all.clone()
            },
            vec![undated],
        ),
        (
            "source",
            ReportFilter {
                sources: vec![monitor],
                ..all.clone()
            },
            vec![shelling],
        ),
        (
            "lang",
            ReportFilter {
                langs: vec![Lang::en()],
                ..all.clone()
            },
            vec![undated, bombing],
        ),
        (
            "canonical actor",
            ReportFilter {
                actors: vec!["islamic state".into()],
                ..all.clone()
            },
            vec![bombing],
        ),
        (
            "mention",
            ReportFilter {
                actors: vec!["DAESH".into()],
                ..all.clone()
            },
            vec![bombing],
        ),
        (
            "target",
            ReportFilter {
                actors: vec!["civilians".into()],
                ..all.clone()
            },
            vec![bombing],
        ),
        (
            "no such actor",
            ReportFilter {
                actors: vec!["Nobody".into()],
                ..all.clone()
            },
            vec![],
        ),
        (
            "dates",
            ReportFilter {
                since: NaiveDate::from_ymd_opt(2019, 10, 12),
                until: NaiveDate::from_ymd_opt(2019, 10, 13),
                ..all.clone()
            },
            vec![shelling],
        ),
        (
            "bbox",
            ReportFilter {
                bbox: Some(BBox {
                    min_lon: 40.0,
                    min_lat: 36.5,
                    max_lon: 42.0,
                    max_lat: 37.5,
                }),
                ..all.clone()
            },
            vec![bombing],
        ),
        (
            "bbox across the antimeridian",
            ReportFilter {
                bbox: Some(BBox {
                    min_lon: 170.0,
                    min_lat: 30.0,
                    max_lon: 39.0,
                    max_lat: 40.0,
                }),
                ..all.clone()
            },
            vec![shelling],
        ),
    ];
    for (name, filter, want) in rows {
        assert_eq!(&walk_reports(store, filter, 2), want, "{name}");
    }
    let one = store.report(bombing).unwrap().unwrap();
    assert_eq!((one.id, one.document_id), (bombing, docs[0]));
    assert_eq!(one.perpetrators[0].mention, "Daesh");
    assert!(store.report(ReportId(9999)).unwrap().is_none());

    // Re-extraction replaces the actors with the reports.
    store.replace_reports(docs[0], &[]).unwrap();
    let gone = ReportFilter {
        actors: vec!["Islamic State".into()],
        ..all
    };
    assert!(walk_reports(store, &gone, 5).is_empty());
}

fn search_hits_carry_highlight_offsets<S: Store>(store: &mut S) {
    store
        .insert_documents(
            &[doc(
                "Wire A",
                "[Update] Clashes near Raqqa; more clashes [expected] in Raqqa.",
                "en",
                11,
            )],
            &DedupOptions::default(),
        )
        .unwrap();
    let hit = &store
        .search(&SearchQuery {
            text: "raqqa".into(),
            limit: 5,
            ..SearchQuery::default()
        })
        .unwrap()
        .hits[0];
    assert_eq!(hit.highlights.len(), 2, "{hit:?}");
    let chars: Vec<char> = hit.passage.chars().collect();
    for h in &hit.highlights {
        let word: String = chars[h.start..h.end].iter().collect();
        assert_eq!(word, "raqqa", "{hit:?}");
    }
    assert!(!hit.passage.contains('\u{E000}'));
}
