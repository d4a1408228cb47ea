//! The use cases over an in-memory store: what the CLI and the server
//! both rely on.

use std::path::Path;

use vigil_analyze::surge::SurgeOptions;
use vigil_analyze::tally::week_of;
use vigil_app::surges::{at_week, AtWeek};
use vigil_app::{link, sites, NoProgress};
use vigil_model::{Measure, WeekStart};
use vigil_store::conformance;

fn any_week(week: Option<chrono::NaiveDate>) -> AtWeek {
    AtWeek {
        week,
        week_start: WeekStart::Monday,
        measure: Measure::Incidents,
        by: None,
        filters: Vec::new(),
        opts: SurgeOptions::default(),
    }
}

#[test]
fn an_empty_store_has_no_week_to_test_and_no_sites() {
    let store = vigil_store::open_in_memory().unwrap();
    assert!(at_week(&*store, &any_week(None)).unwrap().is_none());
    assert!(sites::totals(&*store).unwrap().is_empty());
}

#[test]
fn the_week_tested_is_the_last_incidents_by_default_with_surges_first() {
    let mut store = vigil_store::open_in_memory().unwrap();
    store
        .replace_incidents(None, &conformance::sample_incidents())
        .unwrap();
    let (_, last) = vigil_store::incident_span(&*store).unwrap().unwrap();
    let got = at_week(&*store, &any_week(None)).unwrap().unwrap();
    assert_eq!(got.week, week_of(last, WeekStart::Monday));
    assert_eq!(got.tested, 1);
    let given = at_week(&*store, &any_week(Some(last))).unwrap().unwrap();
    assert_eq!(given.week, got.week);
    let order: Vec<_> = got
        .found
        .iter()
        .map(|f| (!f.surge, u64::MAX - f.count))
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
}

#[test]
fn every_loaded_site_has_its_totals_even_without_incidents() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo/sites.toml");
    let loaded = sites::load(&file).unwrap();
    let mut store = vigil_store::open_in_memory().unwrap();
    store.put_sites(&loaded).unwrap();
    link::link(&mut *store, &Default::default(), &NoProgress).unwrap();
    let totals = sites::totals(&*store).unwrap();
    assert_eq!(totals.len(), loaded.len());
    for t in &totals {
        assert_eq!((t.incidents, t.killed, t.last), (0, 0, None), "{}", t.key);
        assert_eq!(t.key, t.site.key);
    }
}
