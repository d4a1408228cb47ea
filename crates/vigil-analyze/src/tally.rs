//! Weekly tallies of incidents, claimed attacks or fatalities, split by a
//! dimension, and the surge test of each series' last week.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Days, NaiveDate};
use serde::Serialize;
use vigil_model::{Dimension, IncidentId, IncidentStatus, Measure, WeekStart};
use vigil_store::{Store, TallyRow, WeeklyCount, WeeklyCountQuery};

use crate::surge::{run_all, SurgeOptions, SurgeResult};

/// What to count, over which weeks, split and filtered how.
#[derive(Debug, Clone)]
pub struct TallyQuery {
    /// Incidents, claimed attacks or fatalities.
    pub measure: Measure,
    /// One series per value of this dimension (one series in all when
    /// `None`).
    pub by: Option<Dimension>,
    /// Only incidents with each of these (dimension, value) pairs
    /// (case-insensitive).
    pub filters: Vec<(Dimension, String)>,
    /// The first day of each week.
    pub week_start: WeekStart,
    /// The first week counted: the week holding this day.
    pub from: NaiveDate,
    /// The last week counted: the week holding this day.
    pub to: NaiveDate,
}

/// One week of a series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Week {
    /// Its first day.
    pub start: NaiveDate,
    /// The count.
    pub value: u64,
    /// The incidents behind it, when counted from rows (`tally`); not
    /// listed when counted in the store (`series_from_counts`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub incidents: Vec<IncidentId>,
}

/// A weekly series: every week from the first to the last, zeros included.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    /// The value of the `by` dimension (`None` for the one series).
    pub key: Option<String>,
    /// The weeks, oldest first.
    pub weeks: Vec<Week>,
}

impl Series {
    /// The counts, oldest first.
    pub fn counts(&self) -> Vec<u64> {
        self.weeks.iter().map(|w| w.value).collect()
    }
}

/// The first day of the week holding `day` (see [`WeekStart::week_of`]).
pub fn week_of(day: NaiveDate, start: WeekStart) -> NaiveDate {
    start.week_of(day)
}

fn is_claimed(status: IncidentStatus) -> bool {
    matches!(
        status,
        IncidentStatus::ClaimOnly | IncidentStatus::Corroborated
    )
}

impl TallyQuery {
    /// The store's weekly counts this query needs, from the first day of
    /// its first week to the last day of its last.
    pub fn weekly_count_query(&self) -> WeeklyCountQuery {
        WeeklyCountQuery {
            measure: self.measure,
            by: self.by,
            filters: self.filters.clone(),
            week_start: self.week_start,
            since: week_of(self.from, self.week_start),
            until: week_of(self.to, self.week_start) + Days::new(6),
        }
    }
}

/// Counts `rows` per week into series.
pub fn tally(rows: &[TallyRow], q: &TallyQuery) -> Vec<Series> {
    let first = week_of(q.from, q.week_start);
    let last = week_of(q.to, q.week_start);
    let weeks: Vec<NaiveDate> = std::iter::successors(Some(first), |w| {
        Some(*w + Days::new(7)).filter(|n| *n <= last)
    })
    .collect();
    let filters: Vec<(Dimension, String)> = q
        .filters
        .iter()
        .map(|(d, v)| (*d, v.trim().to_lowercase()))
        .collect();
    // Series key (lower-cased for grouping) → (display key, weekly values).
    let mut series: BTreeMap<Option<String>, (Option<String>, Vec<Week>)> = BTreeMap::new();
    let empty = || {
        weeks
            .iter()
            .map(|&start| Week {
                start,
                value: 0,
                incidents: Vec::new(),
            })
            .collect::<Vec<_>>()
    };
    if q.by.is_none() {
        series.insert(None, (None, empty()));
    }
    for row in rows {
        if row.date < first || row.date > last + Days::new(6) {
            continue;
        }
        let passes = filters.iter().all(|(d, v)| {
            row.facets
                .iter()
                .any(|(fd, fv)| fd == d && fv.to_lowercase() == *v)
        });
        if !passes {
            continue;
        }
        let value = match q.measure {
            Measure::Incidents => 1,
            Measure::Claims => u64::from(is_claimed(row.status)),
            Measure::Fatalities => u64::from(row.killed),
        };
        if q.measure == Measure::Claims && value == 0 {
            continue;
        }
        let slot = ((week_of(row.date, q.week_start) - first).num_days() / 7) as usize;
        let keys: Vec<Option<String>> = match q.by {
            None => vec![None],
            Some(dim) => row
                .facets
                .iter()
                .filter(|(d, _)| *d == dim)
                .map(|(_, v)| Some(v.clone()))
                .collect(),
        };
        for key in keys {
            let group = key.as_ref().map(|k| k.to_lowercase());
            let entry = series
                .entry(group)
                .or_insert_with(|| (key.clone(), empty()));
            let week = &mut entry.1[slot];
            week.value += value;
            week.incidents.push(row.id);
        }
    }
    series
        .into_values()
        .map(|(key, weeks)| Series { key, weeks })
        .collect()
}

/// The same series as [`tally`], from the store's weekly counts
/// ([`vigil_store::Store::weekly_counts`]): faster over a large store, but
/// without the incidents behind each week.
pub fn series_from_counts(counts: &[WeeklyCount], q: &TallyQuery) -> Vec<Series> {
    let first = week_of(q.from, q.week_start);
    let last = week_of(q.to, q.week_start);
    let weeks = ((last - first).num_days() / 7 + 1).max(0) as usize;
    let empty = || -> Vec<Week> {
        (0..weeks)
            .map(|n| Week {
                start: first + Days::new(7 * n as u64),
                value: 0,
                incidents: Vec::new(),
            })
            .collect()
    };
    let mut series: BTreeMap<Option<String>, (Option<String>, Vec<Week>)> = BTreeMap::new();
    if q.by.is_none() {
        series.insert(None, (None, empty()));
    }
    for c in counts {
        if c.week < first || c.week > last {
            continue;
        }
        let slot = ((c.week - first).num_days() / 7) as usize;
        let group = c.key.as_ref().map(|k| k.to_lowercase());
        let entry = series
            .entry(group)
            .or_insert_with(|| (c.key.clone(), empty()));
        entry.1[slot].value += c.value;
    }
    series
        .into_values()
        .map(|(key, weeks)| Series { key, weeks })
        .collect()
}

/// A series' last week tested against the weeks before it.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesSurge {
    /// The series' key.
    pub key: Option<String>,
    /// The week tested.
    pub week: NaiveDate,
    /// Its count.
    pub count: u64,
    /// The incidents behind it.
    pub incidents: Vec<IncidentId>,
    /// Each test's verdict.
    pub tests: Vec<SurgeResult>,
    /// Whether any test flagged it.
    pub surge: bool,
}

/// Runs every surge test on the last week of each series, the `baseline`
/// weeks before it as the baseline. Series too short are skipped.
pub fn surges(series: &[Series], opts: &SurgeOptions) -> Vec<SeriesSurge> {
    series
        .iter()
        .filter(|s| s.weeks.len() > opts.baseline_weeks)
        .map(|s| {
            let last = s.weeks.last().expect("a series longer than its baseline");
            let tests = run_all(&s.counts(), opts);
            SeriesSurge {
                key: s.key.clone(),
                week: last.start,
                count: last.value,
                incidents: last.incidents.clone(),
                surge: tests.iter().any(|t| t.surge),
                tests,
            }
        })
        .collect()
}

/// The surge test of each series' last week (the week holding `q.to`)
/// against the weeks before it from `q.from`, counted by the store, and the
/// number of series tested.
///
/// The same verdicts as [`surges`] over [`tally`] of every row of those
/// weeks, without reading them: a surge scan at 1,000,000 reports read
/// ~4 weeks of incidents with their facets to list the incidents behind
/// every count (109–142 ms, `benchmarks/record/2026-11-26-query-1000000-quiet.md`).
/// The counts come from [`Store::weekly_counts`]; only the rows of the
/// tested week are read, for the incidents behind each verdict.
pub fn surges_in_store<S: Store + ?Sized>(
    store: &S,
    q: &TallyQuery,
    opts: &SurgeOptions,
) -> vigil_store::Result<(usize, Vec<SeriesSurge>)> {
    let counted = q.weekly_count_query();
    let mut counts = store.weekly_counts(&counted)?;
    if q.measure == Measure::Fatalities && q.by.is_some() {
        // A series whose incidents killed no one has no weekly count, but
        // `tally` keeps it (all zeros): list it too.
        let seen: HashSet<Option<String>> = counts
            .iter()
            .map(|c| c.key.as_ref().map(|k| k.to_lowercase()))
            .collect();
        let every = store.weekly_counts(&WeeklyCountQuery {
            measure: Measure::Incidents,
            ..counted
        })?;
        counts.extend(
            every
                .into_iter()
                .filter(|c| !seen.contains(&c.key.as_ref().map(|k| k.to_lowercase())))
                .map(|c| WeeklyCount { value: 0, ..c }),
        );
    }
    let series = series_from_counts(&counts, q);
    let mut found = surges(&series, opts);
    // The incidents behind the tested week's counts.
    let last = week_of(q.to, q.week_start);
    let rows = store.tally_rows_where(Some(last), Some(last + Days::new(6)), &q.filters)?;
    let week = TallyQuery {
        from: last,
        to: last,
        ..q.clone()
    };
    let mut behind: HashMap<Option<String>, Vec<IncidentId>> = tally(&rows, &week)
        .into_iter()
        .map(|s| {
            let incidents = s.weeks.into_iter().flat_map(|w| w.incidents).collect();
            (s.key.map(|k| k.to_lowercase()), incidents)
        })
        .collect();
    for f in &mut found {
        let key = f.key.as_ref().map(|k| k.to_lowercase());
        f.incidents = behind.remove(&key).unwrap_or_default();
    }
    Ok((series.len(), found))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn row(
        id: i64,
        date: &str,
        killed: u32,
        status: IncidentStatus,
        facets: &[(Dimension, &str)],
    ) -> TallyRow {
        TallyRow {
            id: IncidentId(id),
            date: day(date),
            killed,
            status,
            facets: facets.iter().map(|(d, v)| (*d, v.to_string())).collect(),
        }
    }

    #[test]
    fn weeks_start_on_the_day_the_analyst_chooses() {
        // Claimed attacks on Thu 27 Dec 2018, Tue 1 Jan 2019, Tue 29 Oct,
        // Wed 30 Oct, Fri 1 Nov, Tue 31 Dec 2019 and Wed 1 Jan 2020; the
        // tally runs from Thu 20 Dec 2018 to Tue 7 Jan 2020.
        // (week start, first week, the weeks that count any).
        let rows: Vec<TallyRow> = [
            "2018-12-27",
            "2019-01-01",
            "2019-10-29",
            "2019-10-30",
            "2019-11-01",
            "2019-12-31",
            "2020-01-01",
        ]
        .iter()
        .enumerate()
        .map(|(n, d)| row(n as i64 + 1, d, 0, IncidentStatus::ClaimOnly, &[]))
        .collect();
        type Weeks = &'static [(&'static str, u64)];
        let table: &[(WeekStart, &str, Weeks)] = &[
            (
                WeekStart::Monday,
                "2018-12-17",
                &[
                    ("2018-12-24", 1),
                    ("2018-12-31", 1),
                    ("2019-10-28", 3),
                    ("2019-12-30", 2),
                ],
            ),
            (
                WeekStart::Tuesday,
                "2018-12-18",
                &[
                    ("2018-12-25", 1),
                    ("2019-01-01", 1),
                    ("2019-10-29", 3),
                    ("2019-12-31", 2),
                ],
            ),
            (
                // Wednesday weeks: 26 Dec 2018 - 1 Jan 2019 crosses the
                // year's end, 30 Oct - 5 Nov 2019 the month's; 1 Jan 2020
                // is a Wednesday and starts a week.
                WeekStart::Wednesday,
                "2018-12-19",
                &[
                    ("2018-12-26", 2),
                    ("2019-10-23", 1),
                    ("2019-10-30", 2),
                    ("2019-12-25", 1),
                    ("2020-01-01", 1),
                ],
            ),
            (
                WeekStart::Thursday,
                "2018-12-20",
                &[
                    ("2018-12-27", 2),
                    ("2019-10-24", 2),
                    ("2019-10-31", 1),
                    ("2019-12-26", 2),
                ],
            ),
            (
                WeekStart::Friday,
                "2018-12-14",
                &[
                    ("2018-12-21", 1),
                    ("2018-12-28", 1),
                    ("2019-10-25", 2),
                    ("2019-11-01", 1),
                    ("2019-12-27", 2),
                ],
            ),
            (
                WeekStart::Saturday,
                "2018-12-15",
                &[
                    ("2018-12-22", 1),
                    ("2018-12-29", 1),
                    ("2019-10-26", 3),
                    ("2019-12-28", 2),
                ],
            ),
            (
                WeekStart::Sunday,
                "2018-12-16",
                &[
                    ("2018-12-23", 1),
                    ("2018-12-30", 1),
                    ("2019-10-27", 3),
                    ("2019-12-29", 2),
                ],
            ),
        ];
        assert_eq!(table.len(), WeekStart::ALL.len());
        for (ws, first, nonzero) in table {
            let q = TallyQuery {
                measure: Measure::Claims,
                by: None,
                filters: Vec::new(),
                week_start: *ws,
                from: day("2018-12-20"),
                to: day("2020-01-07"),
            };
            let series = tally(&rows, &q);
            let weeks = &series[0].weeks;
            assert_eq!(weeks[0].start, day(first), "{ws}");
            assert!(
                weeks
                    .windows(2)
                    .all(|w| (w[1].start - w[0].start).num_days() == 7),
                "{ws}: consecutive weeks"
            );
            let got: Vec<(String, u64)> = weeks
                .iter()
                .filter(|w| w.value > 0)
                .map(|w| (w.start.to_string(), w.value))
                .collect();
            let want: Vec<(String, u64)> =
                nonzero.iter().map(|(d, n)| (d.to_string(), *n)).collect();
            assert_eq!(got, want, "{ws}");
            assert_eq!(weeks.iter().map(|w| w.value).sum::<u64>(), 7, "{ws}");
            // The store's counts give the same weeks.
            let counts: Vec<WeeklyCount> = nonzero
                .iter()
                .map(|(d, n)| WeeklyCount {
                    key: None,
                    week: day(d),
                    value: *n,
                })
                .collect();
            assert_eq!(
                series_from_counts(&counts, &q)[0].counts(),
                series[0].counts(),
                "{ws}"
            );
        }
    }

    #[test]
    fn counts_fill_every_week_and_split_by_dimension() {
        use Dimension::*;
        use IncidentStatus::*;
        let rows = vec![
            row(
                1,
                "2019-09-30",
                2,
                ClaimOnly,
                &[(Target, "SDF"), (Province, "Al-Hasakah")],
            ),
            row(
                2,
                "2019-10-01",
                0,
                Reported,
                &[(Target, "sdf"), (Province, "Deir ez-Zor")],
            ),
            row(
                3,
                "2019-10-14",
                5,
                Corroborated,
                &[(Target, "SDF"), (Province, "Al-Hasakah")],
            ),
            row(4, "2019-10-15", 1, ClaimOnly, &[(Target, "Syrian Army")]),
            row(5, "2019-12-01", 9, ClaimOnly, &[(Target, "SDF")]),
        ];
        let q = TallyQuery {
            measure: Measure::Incidents,
            by: None,
            filters: vec![(Target, "sdf".into())],
            week_start: WeekStart::Monday,
            from: day("2019-09-30"),
            to: day("2019-10-20"),
        };
        let one = tally(&rows, &q);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].counts(), [2, 0, 1], "a week with nothing counts 0");
        assert_eq!(one[0].weeks[0].incidents, [IncidentId(1), IncidentId(2)]);

        let claims = tally(
            &rows,
            &TallyQuery {
                measure: Measure::Claims,
                ..q.clone()
            },
        );
        assert_eq!(claims[0].counts(), [1, 0, 1]);
        let dead = tally(
            &rows,
            &TallyQuery {
                measure: Measure::Fatalities,
                ..q.clone()
            },
        );
        assert_eq!(dead[0].counts(), [2, 0, 5]);

        let by = tally(
            &rows,
            &TallyQuery {
                by: Some(Province),
                ..q.clone()
            },
        );
        let got: Vec<(Option<&str>, Vec<u64>)> =
            by.iter().map(|s| (s.key.as_deref(), s.counts())).collect();
        assert_eq!(
            got,
            [
                (Some("Al-Hasakah"), vec![1, 0, 1]),
                (Some("Deir ez-Zor"), vec![1, 0, 0])
            ]
        );
        // Split by target: "SDF" and "sdf" are one series.
        let by = tally(
            &rows,
            &TallyQuery {
                by: Some(Target),
                filters: vec![],
                ..q
            },
        );
        assert_eq!(by.len(), 2);
        assert_eq!(by[0].counts(), [2, 0, 1]);
        assert_eq!(by[1].key.as_deref(), Some("Syrian Army"));
    }

    #[test]
    fn the_last_week_of_each_series_is_tested() {
        let rows: Vec<TallyRow> = [10u32, 10, 10, 27]
            .iter()
            .enumerate()
            .flat_map(|(w, &n)| {
                (0..n).map(move |i| {
                    let date = day("2019-09-16") + Days::new(7 * w as u64);
                    row(
                        (w * 100 + i as usize) as i64,
                        &date.to_string(),
                        0,
                        IncidentStatus::ClaimOnly,
                        &[],
                    )
                })
            })
            .collect();
        let q = TallyQuery {
            measure: Measure::Claims,
            by: None,
            filters: vec![],
            week_start: WeekStart::Monday,
            from: day("2019-09-16"),
            to: day("2019-10-07"),
        };
        let s = tally(&rows, &q);
        let found = surges(&s, &SurgeOptions::default());
        assert_eq!(found.len(), 1);
        assert!(found[0].surge);
        assert_eq!(found[0].count, 27);
        assert_eq!(found[0].incidents.len(), 27);
        let poisson = found[0].tests.iter().find(|t| t.test == "poisson").unwrap();
        assert!((poisson.p_value.unwrap() - 6.42e-6).abs() < 0.01e-6);
    }

    /// The store's counts give the verdicts, counts and incidents of
    /// `surges` over every row, for each measure, split, filter (an alias
    /// resolved to its canonical name, a province in another case) and
    /// week; series whose incidents killed no one included.
    #[test]
    fn surges_in_store_are_the_surges_of_the_rows() {
        use vigil_store::conformance;
        let mut store = vigil_store::open_in_memory().unwrap();
        store
            .replace_incidents(None, &conformance::sample_incidents())
            .unwrap();
        let opts = SurgeOptions::default();
        let filter_sets = [
            vec![],
            crate::incident::canonical_filters(vec![(Dimension::Perpetrator, "داعش".into())]),
            vec![(Dimension::Province, "ALEPPO".into())],
        ];
        let mut flagged = 0;
        for filters in &filter_sets {
            for measure in Measure::ALL {
                for by in [
                    None,
                    Some(Dimension::Perpetrator),
                    Some(Dimension::Province),
                ] {
                    for week in ["2025-04-07", "2025-04-29", "2025-05-12"] {
                        let last = week_of(day(week), WeekStart::Monday);
                        let q = TallyQuery {
                            measure: *measure,
                            by,
                            filters: filters.clone(),
                            week_start: WeekStart::Monday,
                            from: last - Days::new(7 * opts.baseline_weeks as u64),
                            to: last,
                        };
                        let rows = store
                            .tally_rows_where(Some(q.from), Some(last + Days::new(6)), &q.filters)
                            .unwrap();
                        let series = tally(&rows, &q);
                        let want = surges(&series, &opts);
                        let (tested, got) = surges_in_store(&*store, &q, &opts).unwrap();
                        assert_eq!(tested, series.len(), "{q:?}");
                        let view = |s: &[SeriesSurge]| -> Vec<_> {
                            s.iter()
                                .map(|s| {
                                    (
                                        s.key.as_ref().map(|k| k.to_lowercase()),
                                        s.week,
                                        s.count,
                                        s.incidents.clone(),
                                        s.surge,
                                        format!("{:?}", s.tests),
                                    )
                                })
                                .collect()
                        };
                        assert_eq!(view(&got), view(&want), "{q:?}");
                        flagged += got.iter().filter(|s| s.surge).count();
                    }
                }
            }
        }
        assert!(flagged > 0, "some week is a surge");
    }
}
