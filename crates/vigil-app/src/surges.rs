//! The surge test of one week: each series' count that week against the
//! weeks before it, with the incidents behind it.

use chrono::{Days, NaiveDate};
use vigil_analyze::surge::SurgeOptions;
use vigil_analyze::tally::{surges_in_store, week_of, SeriesSurge, TallyQuery};
use vigil_model::{Dimension, Measure, WeekStart};
use vigil_store::Store;

/// Which week, which series.
#[derive(Debug, Clone)]
pub struct AtWeek {
    /// A day of the week tested; the store's last incident's by default.
    pub week: Option<NaiveDate>,
    /// The day weeks start on.
    pub week_start: WeekStart,
    /// What is counted.
    pub measure: Measure,
    /// One series per value of this dimension (one series without).
    pub by: Option<Dimension>,
    /// Only incidents with these facets.
    pub filters: Vec<(Dimension, String)>,
    /// The tests and their baseline.
    pub opts: SurgeOptions,
}

/// The verdicts of one week.
#[derive(Debug, Clone)]
pub struct WeekSurges {
    /// The first day of the week tested.
    pub week: NaiveDate,
    /// Series tested.
    pub tested: usize,
    /// Every series' verdict, surges first, then by count (highest first).
    pub found: Vec<SeriesSurge>,
}

/// Tests the week of `q.week` (else of the store's last incident) against
/// the `q.opts.baseline_weeks` weeks before it; `None` when no week is
/// given and the store has no dated incident.
pub fn at_week<S: Store + ?Sized>(
    store: &S,
    q: &AtWeek,
) -> vigil_store::Result<Option<WeekSurges>> {
    let Some(week) = q.week.or(vigil_store::incident_span(store)?.map(|x| x.1)) else {
        return Ok(None);
    };
    let last = week_of(week, q.week_start);
    let first = last - Days::new(7 * q.opts.baseline_weeks as u64);
    let tally = TallyQuery {
        measure: q.measure,
        by: q.by,
        filters: q.filters.clone(),
        week_start: q.week_start,
        from: first,
        to: last,
    };
    let (tested, mut found) = surges_in_store(store, &tally, &q.opts)?;
    found.sort_by(|a, b| b.surge.cmp(&a.surge).then(b.count.cmp(&a.count)));
    Ok(Some(WeekSurges {
        week: last,
        tested,
        found,
    }))
}
