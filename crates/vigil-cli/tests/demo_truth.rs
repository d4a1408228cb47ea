//! The demo corpus's ground truth (data/demo/ground_truth.json) against
//! what the pipeline extracts: every document the ground truth cites for an
//! incident should yield a report of the same kind, at the same place, on
//! the same day; documents that describe no incident should yield none.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use vigil_extract::dates::local_day;
use vigil_extract::{DocInput, Extractor};
use vigil_geo::haversine_km;
use vigil_ingest::{prepare, read_file, walk, Item, PrepareOptions, ReadOptions, WalkEntry};
use vigil_model::{EventReport, NewSource, ReportId};
use vigil_store::{DedupOptions, InsertOutcome, Store};

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo")
}

#[derive(serde::Deserialize)]
struct SourcesFile {
    source: Vec<NewSource>,
}

/// Reports by the (file, record) of their documents' origins.
type ByOrigin = HashMap<(String, Option<String>), Vec<EventReport>>;

/// Loads the demo corpus and extracts every stored document; returns the
/// reports by (file, record) of the documents' origins.
fn extract_demo() -> ByOrigin {
    extract_demo_into(&mut *vigil_store::open_in_memory().unwrap(), |_| true)
}

/// Loads the documents of the demo corpus that `keep` accepts (by file)
/// into `store`, extracts and stores their reports; returns them by origin.
fn extract_demo_into(store: &mut dyn Store, keep: impl Fn(&str) -> bool) -> ByOrigin {
    let root = demo();
    let sources: SourcesFile =
        toml::from_str(&std::fs::read_to_string(root.join("sources.toml")).unwrap()).unwrap();
    for s in &sources.source {
        store.put_source(s).unwrap();
    }
    let dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    let mut docs = Vec::new();
    for entry in walk(&dirs, None) {
        let WalkEntry::File(path, format) = entry else {
            continue;
        };
        let rel = path.strip_prefix(&root).unwrap().display().to_string();
        if !keep(&rel) {
            continue;
        }
        read_file(&path, Some(format), &ReadOptions::default(), &mut |item| {
            if let Item::Document(mut raw) = item {
                raw.origin.file = Some(rel.clone());
                docs.push(prepare(raw, &PrepareOptions::default()));
            }
        })
        .unwrap();
    }
    let outcomes = store
        .insert_documents(&docs, &DedupOptions::default())
        .unwrap();
    let ex = Extractor::new();
    let mut out = HashMap::new();
    for o in outcomes {
        let InsertOutcome::New { id, .. } = o else {
            continue;
        };
        let doc = store.document(id).unwrap().unwrap();
        let source = store.source(&doc.source_id.to_string()).unwrap().unwrap();
        let input = DocInput {
            document_id: doc.id,
            lang: Some(doc.lang.clone()),
            published: doc
                .published
                .map(|p| local_day(p, ex.kb().calendar.zone(None, &[]))),
            source_kind: Some(source.kind),
            affiliation: source.affiliation.clone(),
            countries: Vec::new(),
        };
        let mut reports = ex.extract(&doc.text, &input);
        let ids = store.replace_reports(doc.id, &reports).unwrap();
        for (r, id) in reports.iter_mut().zip(ids) {
            r.id = id;
        }
        out.insert(
            (
                doc.origin.file.clone().unwrap_or_default(),
                doc.origin.record.clone(),
            ),
            reports,
        );
    }
    out
}

/// On how many of place (within 25 km), day and event type a report agrees
/// with a ground-truth incident: a document may tell several incidents (a
/// weekly brief), and each is scored on the report that agrees most.
fn agreement(inc: &Value, r: &EventReport) -> usize {
    let place = match (
        inc["place"]["lat"].as_f64(),
        inc["place"]["lon"].as_f64(),
        &r.place,
    ) {
        (Some(lat), Some(lon), Some(p)) => {
            haversine_km(lat, lon, p.lat.unwrap_or(0.0), p.lon.unwrap_or(0.0)) <= 25.0
        }
        _ => false,
    };
    let day = r.date.map(|d| d.date.to_string()).as_deref() == inc["date"].as_str();
    let kind = r.event_type.as_str() == inc["event_type"].as_str().unwrap_or_default();
    usize::from(place) + usize::from(day) + usize::from(kind)
}

#[test]
fn demo_ground_truth_is_reproduced() {
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(demo().join("ground_truth.json")).unwrap())
            .unwrap();
    let reports = extract_demo();
    let find = |d: &Value| -> Option<&Vec<EventReport>> {
        let file = d["file"].as_str()?.to_string();
        let record = d.get("record").and_then(Value::as_str).map(str::to_string);
        reports.get(&(file, record))
    };
    let (
        mut cited,
        mut found,
        mut same_type,
        mut same_place,
        mut same_day,
        mut same_killed,
        mut killed_coded,
    ) = (0, 0, 0, 0, 0, 0, 0);
    for inc in truth["incidents"].as_array().unwrap() {
        for d in inc["documents"].as_array().unwrap() {
            // Reposts are stored as copies of their original: not extracted.
            let Some(rs) = find(d) else { continue };
            cited += 1;
            let agreement = |r: &EventReport| agreement(inc, r);
            // The first of the best, so that ties keep the document's order.
            let best = rs.iter().rev().max_by_key(|r| agreement(r));
            let Some(r) = best else {
                println!(
                    "no report: {} {}",
                    d["file"],
                    d.get("record").unwrap_or(&Value::Null)
                );
                continue;
            };
            found += 1;
            same_type += usize::from(
                r.event_type.as_str() == inc["event_type"].as_str().unwrap_or_default(),
            );
            if let (Some(lat), Some(lon), Some(p)) = (
                inc["place"]["lat"].as_f64(),
                inc["place"]["lon"].as_f64(),
                &r.place,
            ) {
                same_place += usize::from(
                    haversine_km(lat, lon, p.lat.unwrap_or(0.0), p.lon.unwrap_or(0.0)) <= 25.0,
                );
            }
            same_day +=
                usize::from(r.date.map(|d| d.date.to_string()).as_deref() == inc["date"].as_str());
            if let Some(k) = inc["killed"].as_u64() {
                killed_coded += 1;
                same_killed += usize::from(r.counts.killed.map(|c| u64::from(c.value)) == Some(k));
            }
        }
    }
    let rate = |n: usize, d: usize| n as f64 / d.max(1) as f64;
    let summary = format!(
        "cited {cited}: report {:.2}, event type {:.2}, place ≤25 km {:.2}, day {:.2}, killed {:.2} (of {killed_coded})",
        rate(found, cited),
        rate(same_type, found),
        rate(same_place, found),
        rate(same_day, found),
        rate(same_killed, killed_coded),
    );
    println!("{summary}");
    // Floors at the rates measured when this test was written; raise them
    // as extraction improves, never lower them silently.
    // Measured 2026-11-25: report 0.95, type 0.70, place 0.74, day 0.81,
    // killed 0.49. 2026-11-26 (best-matching report of a document; attacks
    // on armed men are clashes; Arabic singular nouns count one; datelines
    // and lower-case articles): type 0.81, place 0.82, day 0.86, killed
    // 0.62.
    assert!(rate(found, cited) >= 0.90, "{summary}");
    assert!(rate(same_type, found) >= 0.75, "{summary}");
    assert!(rate(same_place, found) >= 0.78, "{summary}");
    assert!(rate(same_day, found) >= 0.80, "{summary}");
    assert!(rate(same_killed, killed_coded) >= 0.58, "{summary}");

    // The think tank's estimates are figures, not attacks.
    let think_tank: Vec<_> = reports
        .iter()
        .filter(|((f, _), _)| f.starts_with("thinktank/"))
        .collect();
    assert!(!think_tank.is_empty());
    for ((f, _), rs) in think_tank {
        assert!(rs.is_empty(), "{f} is an estimate, not an event: {rs:?}");
    }
}

/// Incident linking against the ground truth's incidents: of the pairs of
/// reports linked into one incident, how many the ground truth also puts
/// together (precision), and of the pairs it puts together, how many are
/// linked (recall). Each (document, incident) of the ground truth is
/// represented by the document's best-matching report, as above.
/// Each labelled report's ground-truth incident: the report of each cited
/// document that agrees most with the incident (a report standing for two
/// incidents is left out as ambiguous).
fn labels(truth: &Value, by_doc: &ByOrigin) -> HashMap<ReportId, String> {
    let mut label: HashMap<ReportId, String> = HashMap::new();
    for inc in truth["incidents"].as_array().unwrap() {
        let id = inc["id"].as_str().unwrap().to_string();
        for d in inc["documents"].as_array().unwrap() {
            let k = (
                d["file"].as_str().unwrap().to_string(),
                d.get("record").and_then(Value::as_str).map(str::to_string),
            );
            let Some(reports) = by_doc.get(&k) else {
                continue;
            };
            if let Some(best) = reports.iter().rev().max_by_key(|r| agreement(inc, r)) {
                if label
                    .insert(best.id, id.clone())
                    .is_some_and(|old| old != id)
                {
                    label.insert(best.id, String::new());
                }
            }
        }
    }
    label.retain(|_, v| !v.is_empty());
    label
}

/// Every incident's reports, as sorted report keys: what two runs of
/// linking are compared on.
fn memberships(store: &dyn Store) -> Vec<Vec<String>> {
    let inputs = store.link_inputs(None).unwrap();
    let key_of: HashMap<ReportId, String> = inputs
        .iter()
        .map(|i| (i.report.id, i.key.to_string()))
        .collect();
    let ids: Vec<ReportId> = inputs.iter().map(|i| i.report.id).collect();
    let mut out: Vec<Vec<String>> = store
        .incidents_of(&ids)
        .unwrap()
        .into_iter()
        .map(|s| {
            let mut keys: Vec<String> = s.reports.iter().map(|r| key_of[r].clone()).collect();
            keys.sort();
            keys
        })
        .collect();
    out.sort();
    out
}

#[test]
fn demo_incidents_are_linked_like_the_ground_truth() {
    use vigil_analyze::relink::{relink, RelinkOptions};
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(demo().join("ground_truth.json")).unwrap())
            .unwrap();
    let mut store = vigil_store::open_in_memory().unwrap();
    let by_doc = extract_demo_into(&mut *store, |_| true);
    let sites = vigil_analyze::sites::parse(
        "sites.toml",
        &std::fs::read_to_string(demo().join("sites.toml")).unwrap(),
    )
    .unwrap();
    store.put_sites(&sites).unwrap();
    let opts = RelinkOptions::default();
    let first = relink(&mut *store, &opts, &mut |_, _| {}).unwrap();
    let reports = store.link_inputs(None).unwrap().len();
    assert_eq!(first.new_reports as usize, reports);

    // Linked as the ground truth links them, pair by pair.
    let label = labels(&truth, &by_doc);
    let mut labelled: Vec<ReportId> = label.keys().copied().collect();
    labelled.sort();
    let incident_of: HashMap<ReportId, vigil_model::IncidentId> = store
        .incidents_of(&labelled)
        .unwrap()
        .into_iter()
        .flat_map(|s| s.reports.into_iter().map(move |r| (r, s.id)))
        .collect();
    let (mut linked, mut linked_right, mut same) = (0, 0, 0);
    for (x, a) in labelled.iter().enumerate() {
        for b in &labelled[x + 1..] {
            let together = incident_of[a] == incident_of[b];
            let truly = label[a] == label[b];
            linked += usize::from(together);
            linked_right += usize::from(together && truly);
            same += usize::from(truly);
            if truly != together && std::env::var("DEBUG_LINK").is_ok() {
                let show = |r: &ReportId| {
                    let i = &store.link_inputs_of(&[*r], &[]).unwrap()[0];
                    format!(
                        "{} {} {:?} {:?} {:?} {:?}",
                        i.key,
                        i.report.sub_event_type,
                        i.report.date.map(|d| (d.date.to_string(), d.precision)),
                        i.report
                            .place
                            .as_ref()
                            .map(|p| (p.name.clone(), p.precision)),
                        i.report
                            .perpetrators
                            .iter()
                            .map(|p| p.canonical.clone())
                            .collect::<Vec<_>>(),
                        i.source_kind
                    )
                };
                let what = if truly { "MISS" } else { "WRONG" };
                println!(
                    "{what} {} {}\n   {}\n   {}",
                    label[a],
                    label[b],
                    show(a),
                    show(b)
                );
            }
        }
    }
    let precision = linked_right as f64 / linked.max(1) as f64;
    let recall = linked_right as f64 / same.max(1) as f64;
    let summary = format!(
        "{reports} reports ({} labelled) in {} incidents; pairs linked {linked}, right {linked_right}: precision {precision:.2}; pairs of one incident {same}: recall {recall:.2}",
        labelled.len(),
        store.stats().unwrap().incidents,
    );
    println!("{summary}");
    // Measured 2026-11-26: precision 0.93, recall 0.70 (113 labelled
    // reports; 0.57 before attacked posts stopped being typed as bases
    // set up and bylines' dates stopped dating events). Most missed links
    // now are a report placed at the province ("Deir ez-Zor") or dated to
    // its publication by a text that gives no other date, and a mistyped
    // report (a demonstration). DEBUG_LINK=1 prints the missed pairs and
    // the wrong ones.
    assert!(precision >= 0.85, "{summary}");
    assert!(recall >= 0.65, "{summary}");

    // The ground truth's incidents at watched sites are attached to them.
    for inc in truth["incidents"].as_array().unwrap() {
        let Some(site) = inc["site"].as_str() else {
            continue;
        };
        let gt = inc["id"].as_str().unwrap();
        let mine: Vec<&ReportId> = labelled.iter().filter(|r| label[*r] == gt).collect();
        let attached = mine.iter().any(|r| {
            let inc = store.incident(incident_of[*r]).unwrap().unwrap();
            inc.sites.iter().any(|s| s == site)
        });
        assert!(attached, "{gt} should be at {site}");
    }

    // Linking again changes nothing; a full relink gives the same
    // incidents, with the same ids.
    let before = memberships(&*store);
    let again = relink(&mut *store, &opts, &mut |_, _| {}).unwrap();
    assert_eq!((again.new_reports, again.incidents_written), (0, 0));
    let ids_before: Vec<_> = store
        .incidents_of(&labelled)
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    let full = RelinkOptions {
        full: true,
        ..RelinkOptions::default()
    };
    relink(&mut *store, &full, &mut |_, _| {}).unwrap();
    assert_eq!(memberships(&*store), before);
    let ids_after: Vec<_> = store
        .incidents_of(&labelled)
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids_after, ids_before, "relinking keeps incident ids");

    // Documents arriving in two batches, linked after each, end as one
    // link of all.
    let mut twice = vigil_store::open_in_memory().unwrap();
    extract_demo_into(&mut *twice, |f| f.starts_with("telegram/"));
    twice.put_sites(&sites).unwrap();
    relink(&mut *twice, &opts, &mut |_, _| {}).unwrap();
    extract_demo_into(&mut *twice, |f| !f.starts_with("telegram/"));
    relink(&mut *twice, &opts, &mut |_, _| {}).unwrap();
    let mut once = vigil_store::open_in_memory().unwrap();
    extract_demo_into(&mut *once, |f| f.starts_with("telegram/"));
    extract_demo_into(&mut *once, |f| !f.starts_with("telegram/"));
    once.put_sites(&sites).unwrap();
    relink(&mut *once, &opts, &mut |_, _| {}).unwrap();
    assert_eq!(memberships(&*twice), memberships(&*once));
}

#[test]
fn the_surge_after_the_offensive_is_flagged_and_the_weeks_before_are_not() {
    use vigil_analyze::relink::{relink, RelinkOptions};
    use vigil_analyze::surge::SurgeOptions;
    use vigil_analyze::tally::{surges, tally, TallyQuery};
    use vigil_model::{Dimension, Measure, WeekStart};
    let mut store = vigil_store::open_in_memory().unwrap();
    extract_demo_into(&mut *store, |_| true);
    relink(&mut *store, &RelinkOptions::default(), &mut |_, _| {}).unwrap();
    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let rows = store.tally_rows(None, None).unwrap();
    let q = TallyQuery {
        measure: Measure::Claims,
        by: None,
        filters: vec![(Dimension::Target, "Syrian Democratic Forces".into())],
        week_start: WeekStart::Monday,
        from: day("2019-09-16"),
        to: day("2019-10-20"),
    };
    let series = tally(&rows, &q);
    let counts = series[0].counts();
    println!("claimed attacks on the SDF by week from 2019-09-16: {counts:?} (ground truth 10, 10, 10, 27, 12)");
    // Each week tested against the three before it.
    let verdict = |last: &str| {
        let q = TallyQuery {
            from: day(last) - chrono::Days::new(21),
            to: day(last),
            ..q.clone()
        };
        surges(&tally(&rows, &q), &SurgeOptions::default())[0].clone()
    };
    let offensive = verdict("2019-10-07");
    assert!(offensive.surge, "{counts:?}: {:?}", offensive.tests);
    let poisson = offensive
        .tests
        .iter()
        .find(|t| t.test == "poisson")
        .unwrap();
    assert!(poisson.p_value.unwrap() < 1e-3, "{:?}", poisson);
    let before = verdict("2019-09-30");
    assert!(!before.surge, "{counts:?}: {:?}", before.tests);

    // The store's own weekly counts give the same series as counting the
    // incidents one by one.
    use vigil_analyze::tally::series_from_counts;
    let queries = [
        q.clone(),
        TallyQuery {
            measure: Measure::Incidents,
            by: Some(Dimension::Province),
            filters: vec![],
            ..q.clone()
        },
        TallyQuery {
            measure: Measure::Fatalities,
            by: Some(Dimension::Perpetrator),
            week_start: WeekStart::Saturday,
            ..q.clone()
        },
        TallyQuery {
            measure: Measure::Claims,
            by: Some(Dimension::Site),
            filters: vec![],
            ..q.clone()
        },
    ];
    let plain = |series: Vec<vigil_analyze::tally::Series>| {
        series
            .into_iter()
            .map(|s| (s.key.as_ref().map(|k| k.to_lowercase()), s.counts()))
            .collect::<Vec<_>>()
    };
    for query in &queries {
        let by_store = store.weekly_counts(&query.weekly_count_query()).unwrap();
        assert_eq!(
            plain(series_from_counts(&by_store, query)),
            plain(tally(&rows, query)),
            "{query:?}"
        );
    }
}
