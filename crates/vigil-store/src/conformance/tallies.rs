//! Conformance checks of weekly counts: the store's own counting must give
//! the numbers one gets by counting the rows a tally reads.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use vigil_model::{
    Count, CountExactness, Counts, DatePrecision, Dimension, DocumentId, EventDate, EventType,
    Incident, IncidentId, IncidentStatus, Measure, ReportKey, SubEventType, WeekStart,
};

use crate::{NewIncident, Store, TallyRow, WeeklyCountQuery};

/// Perpetrators as linking writes them: canonical names (what "Daesh" or
/// "ISIS" resolve to), spelt in more than one case by different incidents,
/// and two sides on some incidents.
const PERPETRATORS: &[&[&str]] = &[
    &["Islamic State"],
    &["islamic state"],
    &["Syrian Arab Army"],
    &["Islamic State", "Hay'at Tahrir al-Sham"],
    &["Hay'at Tahrir al-Sham"],
    &[],
];
const PROVINCES: &[&str] = &["Aleppo", "Idlib", "aleppo", "Deir ez-Zor"];
const TARGETS: &[&str] = &["Syrian Arab Army", "Civilians", "SDF"];

/// A seeded spread of 400 incidents over eleven weeks for tally checks:
/// every weekday, every status, killed counts stated (zero included) or
/// not, undated ones, and perpetrators, provinces and targets spelt in
/// more than one case.
pub fn sample_incidents() -> Vec<NewIncident> {
    let start = NaiveDate::from_ymd_opt(2025, 2, 26).unwrap();
    let mut seed: u64 = 0x5eed;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    (0..400u32)
        .map(|n| {
            let date = (next(12) > 0).then(|| start + Days::new(next(77)));
            let status = IncidentStatus::ALL[next(IncidentStatus::ALL.len() as u64) as usize];
            let killed = match next(4) {
                0 => None,
                1 => Some(0),
                _ => Some(next(30) as u32),
            };
            let perpetrators = PERPETRATORS[next(PERPETRATORS.len() as u64) as usize];
            let province = PROVINCES[next(PROVINCES.len() as u64) as usize];
            let target = TARGETS[next(TARGETS.len() as u64) as usize];
            let mut facets: Vec<(Dimension, String)> = perpetrators
                .iter()
                .map(|p| (Dimension::Perpetrator, p.to_string()))
                .collect();
            facets.push((Dimension::Province, province.into()));
            facets.push((Dimension::Target, target.into()));
            facets.push((Dimension::Status, status.as_str().into()));
            NewIncident {
                incident: Incident {
                    id: IncidentId(0),
                    reports: vec![],
                    status,
                    event_type: EventType::ExplosionsRemoteViolence,
                    sub_event_type: SubEventType::SuicideBomb,
                    attack_mode: None,
                    date: date.map(|date| EventDate {
                        date,
                        precision: DatePrecision::Day,
                    }),
                    place: None,
                    perpetrators: perpetrators.iter().map(|p| p.to_string()).collect(),
                    targets: vec![target.into()],
                    sites: vec![],
                    source_kinds: vec![],
                    counts: Counts {
                        killed: killed.map(|value| Count {
                            value,
                            exactness: CountExactness::Exact,
                        }),
                        ..Counts::default()
                    },
                    claimed_counts: Counts::default(),
                    edits: vec![],
                },
                anchor: ReportKey {
                    document_id: DocumentId(1),
                    ordinal: n,
                },
                days: date.map(|d| (d, d)),
                facets,
                read: vec![],
            }
        })
        .collect()
}

/// The first day of `day`'s week, found by stepping back a day at a time
/// until the weekday's English name is the week start's: a check of the
/// store's arithmetic on day numbers that shares none of it.
fn week_of(day: NaiveDate, start: WeekStart) -> NaiveDate {
    let mut d = day;
    while !d
        .format("%A")
        .to_string()
        .eq_ignore_ascii_case(start.as_str())
    {
        d = d
            .pred_opt()
            .expect("a day after the first representable one");
    }
    d
}

/// (lower-cased key, week) → value, counted from the rows by hand; weeks
/// with nothing left out, as `weekly_counts` leaves them out.
fn by_hand(rows: &[TallyRow], q: &WeeklyCountQuery) -> BTreeMap<(Option<String>, NaiveDate), u64> {
    let mut out = BTreeMap::new();
    for row in rows {
        if row.date < q.since || row.date > q.until {
            continue;
        }
        let value = match q.measure {
            Measure::Incidents => 1,
            Measure::Claims => u64::from(matches!(
                row.status,
                IncidentStatus::ClaimOnly | IncidentStatus::Corroborated
            )),
            Measure::Fatalities => u64::from(row.killed),
        };
        let keys: Vec<Option<String>> = match q.by {
            None => vec![None],
            Some(dim) => row
                .facets
                .iter()
                .filter(|(d, _)| *d == dim)
                .map(|(_, v)| Some(v.to_lowercase()))
                .collect(),
        };
        for key in keys {
            *out.entry((key, week_of(row.date, q.week_start)))
                .or_insert(0) += value;
        }
    }
    out.retain(|_, v| *v > 0);
    out
}

/// `weekly_counts` gives, for every measure, split, filter (canonical
/// actors and provinces in any case, one or two at once) and week start,
/// the numbers of counting the incidents' rows one by one.
pub(super) fn weekly_counts_are_the_rows_counted<S: Store>(store: &mut S) {
    store.replace_incidents(None, &sample_incidents()).unwrap();
    check_weekly_counts(store);
}

/// Checks [`Store::weekly_counts`] against the incidents' rows counted by
/// hand ([`Store::tally_rows_where`]), over the incidents of
/// [`sample_incidents`] (or any others in `store`).
pub fn check_weekly_counts<S: Store>(store: &S) {
    let filter_sets: Vec<Vec<(Dimension, String)>> = vec![
        vec![],
        vec![(Dimension::Perpetrator, "Islamic State".into())],
        vec![(Dimension::Perpetrator, " ISLAMIC STATE ".into())],
        vec![(Dimension::Province, "aleppo".into())],
        vec![
            (Dimension::Perpetrator, "islamic state".into()),
            (Dimension::Province, "Aleppo".into()),
        ],
        vec![(Dimension::Perpetrator, "Nobody".into())],
    ];
    let spans = [
        // Every day of the incidents, and a span that cuts weeks in two.
        (
            NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
        ),
        (
            NaiveDate::from_ymd_opt(2025, 3, 13).unwrap(),
            NaiveDate::from_ymd_opt(2025, 4, 2).unwrap(),
        ),
    ];
    let mut checked = 0;
    for filters in &filter_sets {
        let rows = store.tally_rows_where(None, None, filters).unwrap();
        for measure in Measure::ALL {
            for by in [
                None,
                Some(Dimension::Perpetrator),
                Some(Dimension::Province),
                Some(Dimension::Target),
            ] {
                for week_start in WeekStart::ALL {
                    for (since, until) in spans {
                        let q = WeeklyCountQuery {
                            measure: *measure,
                            by,
                            filters: filters.clone(),
                            week_start: *week_start,
                            since,
                            until,
                        };
                        let got = store.weekly_counts(&q).unwrap();
                        let mut counted = BTreeMap::new();
                        for c in &got {
                            assert_eq!(
                                week_of(c.week, q.week_start),
                                c.week,
                                "a week starts on its first day: {q:?}"
                            );
                            *counted
                                .entry((c.key.as_ref().map(|k| k.to_lowercase()), c.week))
                                .or_insert(0) += c.value;
                        }
                        assert_eq!(counted, by_hand(&rows, &q), "{q:?}");
                        checked += got.len();
                    }
                }
            }
        }
    }
    assert!(checked > 1000, "the check counted something: {checked}");
}
