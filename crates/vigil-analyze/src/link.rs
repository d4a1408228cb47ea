//! Incident linking: which event reports tell the same real event.
//!
//! Two reports are compatible when they have the same sub-event type (or
//! two types of violence, at the same town on the same day: sources type
//! one attack differently), dates within `max_days` (widened by each date's precision: a report
//! dated only to a week may be any day of it), places within `max_km`
//! (widened when a place is only near a town or only a province), not two
//! different towns each named precisely, perpetrators that do not
//! contradict (one names none, or they share one), and death tolls that
//! do not (two independent reports' tolls of 2 and 40 are two events).
//! A report joins the existing incident all of whose reports it is
//! compatible with, the nearest in time and place if there are several;
//! otherwise it starts a new incident. Reports are taken in order of date,
//! then id, so the same reports always give the same incidents.

use std::borrow::Borrow;
use std::collections::HashMap;

use chrono::NaiveDate;
use vigil_geo::haversine_km;
use vigil_model::{DatePrecision, EventReport, GeoPrecision, ReportId, SubEventType};

/// Settings of linking.
#[derive(Debug, Clone)]
pub struct LinkOptions {
    /// Days between two reports' dates (both known to the day).
    pub max_days: i64,
    /// Kilometres between two reports' places (both the named town).
    pub max_km: f64,
}

impl Default for LinkOptions {
    fn default() -> Self {
        LinkOptions {
            max_days: 1,
            max_km: 25.0,
        }
    }
}

/// The fields of a report that linking reads.
#[derive(Debug, Clone)]
struct Key {
    id: ReportId,
    sub_event_type: vigil_model::SubEventType,
    /// Earliest and latest day the event may have taken place.
    days: Option<(NaiveDate, NaiveDate)>,
    point: Option<(f64, f64)>,
    /// How far the point may be from where it happened.
    slack_km: f64,
    province: Option<String>,
    /// The gazetteer id of the town the report names (at it or near it).
    town: Option<i64>,
    perpetrators: Vec<String>,
    /// Killed, as an independent (not claimed) report gives it.
    killed: Option<u32>,
}

/// The earliest and latest day a report may tell of, for linking: `None`
/// when it is undated or dated only to a year, too vague to tell one event
/// from another.
pub fn report_days(r: &EventReport) -> Option<(NaiveDate, NaiveDate)> {
    let d = r.date?;
    let wide = match d.precision {
        DatePrecision::Day => 0,
        DatePrecision::Week => 6,
        DatePrecision::Month => 30,
        DatePrecision::Year => return None,
    };
    Some((d.date, d.date + chrono::Days::new(wide)))
}

fn key(r: &EventReport) -> Key {
    let days = report_days(r);
    let (point, slack_km, province) = match &r.place {
        Some(p) => (
            p.lat.zip(p.lon),
            match p.precision {
                GeoPrecision::Place => 0.0,
                GeoPrecision::Near => 25.0,
                GeoPrecision::Region => f64::INFINITY,
            },
            p.province.clone(),
        ),
        None => (None, f64::INFINITY, None),
    };
    let town = r
        .place
        .as_ref()
        .filter(|p| p.precision != GeoPrecision::Region)
        .and_then(|p| p.geonames_id);
    let mut perpetrators: Vec<String> = r
        .perpetrators
        .iter()
        .map(|a| {
            a.canonical
                .clone()
                .unwrap_or_else(|| a.mention.to_lowercase())
        })
        .collect();
    perpetrators.sort();
    perpetrators.dedup();
    Key {
        id: r.id,
        sub_event_type: r.sub_event_type,
        days,
        point,
        slack_km,
        province,
        town,
        perpetrators,
        killed: r
            .counts
            .killed
            .filter(|_| r.claim_status != vigil_model::ClaimStatus::Claimed)
            .map(|c| c.value),
    }
}

/// Which reports may tell one event: any two acts of political violence
/// (battles, explosions, violence against civilians), else the same
/// sub-event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Family {
    Violence,
    Other(SubEventType),
}

fn family(t: SubEventType) -> Family {
    use vigil_model::EventType;
    match t.event_type() {
        EventType::Battles
        | EventType::ExplosionsRemoteViolence
        | EventType::ViolenceAgainstCivilians => Family::Violence,
        _ => Family::Other(t),
    }
}

/// Two independent reports' death tolls that cannot be one event's: the
/// larger more than twice the smaller plus five (early and final tolls
/// differ, but not 2 against 40). Claims are left out: they inflate.
fn tolls_contradict(a: Option<u32>, b: Option<u32>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => x.max(y) > 2 * x.min(y) + 5,
        _ => false,
    }
}

/// Days between two date ranges (0 when they overlap).
fn gap_days(a: (NaiveDate, NaiveDate), b: (NaiveDate, NaiveDate)) -> i64 {
    if a.1 < b.0 {
        (b.0 - a.1).num_days()
    } else if b.1 < a.0 {
        (a.0 - b.1).num_days()
    } else {
        0
    }
}

/// How far apart two reports are, or `None` when they cannot be one event:
/// (days apart, km apart) for ranking.
fn distance(a: &Key, b: &Key, opts: &LinkOptions) -> Option<(i64, f64)> {
    if family(a.sub_event_type) != family(b.sub_event_type) {
        return None;
    }
    let days = match (a.days, b.days) {
        (Some(x), Some(y)) => gap_days(x, y),
        _ => return None,
    };
    if days > opts.max_days {
        return None;
    }
    // Sources often type one attack differently (a claim's clash, a
    // wire's bombing): two types of violence link only at the same town
    // on the same day, and rank after a match of type.
    let retyped = a.sub_event_type != b.sub_event_type;
    if retyped && (days > 0 || a.town.is_none() || a.town != b.town) {
        return None;
    }
    // Two reports that each name a different town tell of two events.
    if let (Some(x), Some(y)) = (a.town, b.town) {
        if x != y {
            return None;
        }
    }
    let km = match (a.point, b.point) {
        (Some(p), Some(q)) => {
            let d = haversine_km(p.0, p.1, q.0, q.1);
            let slack = a.slack_km + b.slack_km;
            if slack.is_infinite() {
                // A province or no place: only the same province links.
                if a.province.is_some() && a.province != b.province {
                    return None;
                }
                opts.max_km
            } else if d > opts.max_km + slack {
                return None;
            } else {
                d
            }
        }
        // No place on one side: same day, and nothing else contradicts.
        _ if days == 0 => opts.max_km,
        _ => return None,
    };
    let contradicts = !a.perpetrators.is_empty()
        && !b.perpetrators.is_empty()
        && !a.perpetrators.iter().any(|p| b.perpetrators.contains(p));
    if contradicts || tolls_contradict(a.killed, b.killed) {
        return None;
    }
    Some((days + i64::from(retyped), km))
}

/// Groups reports into incidents: each inner list holds indexes into
/// `reports`, and every report is in exactly one incident. Deterministic.
///
/// Reports are swept in order of their first possible day; an incident
/// whose latest report ends more than `max_days` before the report at hand
/// can no longer take reports and leaves the sweep. Open incidents are kept
/// by the town they name: a report naming a town is compared only with the
/// incidents at that town and those naming none (two towns never link), so
/// the work grows with the reports times the incidents open at one town,
/// not with the square of the reports a day (at 1,000,000 documents a day
/// holds thousands of open incidents).
pub fn link<R: Borrow<EventReport>>(reports: &[R], opts: &LinkOptions) -> Vec<Vec<usize>> {
    let keys: Vec<Key> = reports.iter().map(|r| key(r.borrow())).collect();
    let mut order: Vec<usize> = (0..reports.len()).collect();
    order.sort_by_key(|&i| (keys[i].days.map(|d| d.0), keys[i].id));
    let mut incidents: Vec<Vec<usize>> = Vec::new();
    let mut open: HashMap<Family, Open> = HashMap::new();
    for i in order {
        let Some((start, end)) = keys[i].days else {
            // Undated: nothing to link with.
            incidents.push(vec![i]);
            continue;
        };
        let town = keys[i].town;
        let open = open.entry(family(keys[i].sub_event_type)).or_default();
        let mut best: Option<((i64, f64), usize, Slot)> = None;
        open.each_candidate(town, start, opts.max_days, |slot, n| {
            let mut worst = (0i64, 0.0f64);
            for &m in &incidents[n] {
                let Some((d, km)) = distance(&keys[i], &keys[m], opts) else {
                    return;
                };
                worst = (worst.0.max(d), worst.1.max(km));
            }
            let better = best.as_ref().is_none_or(|(w, b, _)| {
                worst
                    .0
                    .cmp(&w.0)
                    .then(worst.1.total_cmp(&w.1))
                    .then(n.cmp(b))
                    .is_lt()
            });
            if better {
                best = Some((worst, n, slot));
            }
        });
        match best {
            Some((_, n, slot)) => {
                incidents[n].push(i);
                open.joined(slot, town, end);
            }
            None => {
                open.add(town, (incidents.len(), end));
                incidents.push(vec![i]);
            }
        }
    }
    incidents
}

/// Where an open incident is kept: under its town (`Some`) or with those
/// naming none, at an index of that list.
#[derive(Debug, Clone, Copy)]
struct Slot(Option<i64>, usize);

/// The open incidents of one family: (incident, the last day it covers),
/// by the town their reports name. The reports of one incident name at most
/// one town, since two towns never link.
#[derive(Debug, Default)]
struct Open {
    by_town: HashMap<i64, Vec<(usize, NaiveDate)>>,
    townless: Vec<(usize, NaiveDate)>,
}

impl Open {
    fn list(&mut self, town: Option<i64>) -> &mut Vec<(usize, NaiveDate)> {
        match town {
            Some(t) => self.by_town.entry(t).or_default(),
            None => &mut self.townless,
        }
    }

    /// Calls `f(slot, incident)` for each incident still open on `start`
    /// that a report at `town` may join (every open incident when the
    /// report names no town), closing those that ended too long before.
    fn each_candidate(
        &mut self,
        town: Option<i64>,
        start: NaiveDate,
        max_days: i64,
        mut f: impl FnMut(Slot, usize),
    ) {
        let mut visit = |at: Option<i64>, list: &mut Vec<(usize, NaiveDate)>| {
            list.retain(|&(_, last)| (start - last).num_days() <= max_days);
            for (k, &(n, _)) in list.iter().enumerate() {
                f(Slot(at, k), n);
            }
        };
        match town {
            Some(t) => {
                if let Some(list) = self.by_town.get_mut(&t) {
                    visit(Some(t), list);
                }
            }
            None => {
                for (&t, list) in self.by_town.iter_mut() {
                    visit(Some(t), list);
                }
            }
        }
        visit(None, &mut self.townless);
    }

    fn add(&mut self, town: Option<i64>, entry: (usize, NaiveDate)) {
        self.list(town).push(entry);
    }

    /// A report at `town` ending on `end` joined the incident at `slot`.
    fn joined(&mut self, slot: Slot, town: Option<i64>, end: NaiveDate) {
        let Slot(at, k) = slot;
        let list = self.list(at);
        list[k].1 = list[k].1.max(end);
        if at.is_none() && town.is_some() {
            // The incident now names a town.
            let entry = list.swap_remove(k);
            self.add(town, entry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigil_model::{ActorRef, EventDate, Place, SubEventType};

    fn report(id: i64, day: u32, place: (f64, f64), perp: Option<&str>) -> EventReport {
        let mut r: EventReport = serde_json::from_value(serde_json::json!({
            "id": id, "document_id": id, "event_type": "explosions_remote_violence",
            "sub_event_type": "remote_explosive_landmine_ied", "attack_mode": null,
            "date": null, "place": null, "perpetrators": [], "targets": [],
            "counts": {"killed": null, "injured": null, "abducted": null, "freed": null},
            "attribution": null, "claim_status": "reported", "evidence": []
        }))
        .unwrap();
        r.date = Some(EventDate {
            date: NaiveDate::from_ymd_opt(2019, 10, day).unwrap(),
            precision: DatePrecision::Day,
        });
        r.place = Some(Place {
            name: "x".into(),
            gazetteer_name: None,
            geonames_id: Some((place.0 * 1000.0) as i64),
            lat: Some(place.0),
            lon: Some(place.1),
            province: Some("Al-Hasakah".into()),
            country: Some("SY".into()),
            precision: GeoPrecision::Place,
        });
        r.perpetrators = perp
            .map(|p| {
                vec![ActorRef {
                    canonical: Some(p.into()),
                    mention: p.into(),
                }]
            })
            .unwrap_or_default();
        r
    }

    const QAMISHLI: (f64, f64) = (37.052, 41.231);
    const HASAKAH: (f64, f64) = (36.502, 40.748);

    fn retype(mut r: EventReport, t: SubEventType) -> EventReport {
        r.sub_event_type = t;
        r.event_type = t.event_type();
        r
    }

    #[test]
    fn independent_tolls_that_cannot_agree_keep_reports_apart() {
        let with = |id: i64, killed: u32, status: vigil_model::ClaimStatus| {
            let mut r = report(id, 11, QAMISHLI, None);
            r.counts.killed = Some(vigil_model::Count {
                value: killed,
                exactness: vigil_model::CountExactness::Exact,
            });
            r.claim_status = status;
            r
        };
        use vigil_model::ClaimStatus::{Claimed, Reported};
        let rows = [
            (
                "an early and a final toll",
                (3, Reported),
                (9, Reported),
                true,
            ),
            ("2 against 40", (2, Reported), (40, Reported), false),
            ("a claim inflates", (2, Reported), (40, Claimed), true),
        ];
        for (what, a, b, together) in rows {
            let got = link(
                &[with(1, a.0, a.1), with(2, b.0, b.1)],
                &LinkOptions::default(),
            );
            assert_eq!(got.len() == 1, together, "{what}");
        }
    }

    #[test]
    fn two_types_of_violence_link_only_at_one_town_on_one_day() {
        let bomb = report(1, 11, QAMISHLI, Some("Islamic State"));
        let rows = [
            ("a clash the same day in the same town", 11, QAMISHLI, true),
            ("a clash the next day", 12, QAMISHLI, false),
            ("a clash 13 km away", 11, (36.95, 41.15), false),
        ];
        for (what, day, place, together) in rows {
            let clash = retype(report(2, day, place, None), SubEventType::ArmedClash);
            let got = link(&[bomb.clone(), clash], &LinkOptions::default());
            assert_eq!(got.len() == 1, together, "{what}");
        }
        // The same sub-event type is preferred over another.
        let reports = [
            retype(report(2, 11, QAMISHLI, None), SubEventType::ArmedClash),
            report(1, 11, QAMISHLI, None),
            report(3, 11, QAMISHLI, None),
        ];
        let got = link(&reports, &LinkOptions::default());
        assert!(
            got.iter().any(|g| g.contains(&1) && g.contains(&2)),
            "{got:?}"
        );
    }

    #[test]
    fn reports_naming_no_town_link_with_reports_naming_one() {
        // Only the province: precision Region, no town.
        let in_province = |id: i64| {
            let mut r = report(id, 11, QAMISHLI, None);
            r.place.as_mut().unwrap().precision = GeoPrecision::Region;
            r
        };
        let rows: [(&str, Vec<EventReport>); 3] = [
            (
                "an incident naming no town takes a town, then keeps taking it",
                vec![
                    in_province(1),
                    report(2, 11, QAMISHLI, None),
                    report(3, 11, QAMISHLI, None),
                ],
            ),
            (
                "a report naming no town joins an incident at a town",
                vec![
                    report(1, 11, QAMISHLI, None),
                    in_province(2),
                    report(3, 11, QAMISHLI, None),
                ],
            ),
            (
                "the same, the report naming no town first among equals",
                vec![
                    in_province(1),
                    in_province(2),
                    report(3, 11, QAMISHLI, None),
                ],
            ),
        ];
        for (what, reports) in rows {
            let got = link(&reports, &LinkOptions::default());
            assert_eq!(got, vec![vec![0, 1, 2]], "{what}");
        }
        // Once an incident names a town, another town's report starts its own.
        let reports = [
            in_province(1),
            report(2, 11, QAMISHLI, None),
            report(3, 11, HASAKAH, None),
        ];
        assert_eq!(
            link(&reports, &LinkOptions::default()),
            vec![vec![0, 1], vec![2]]
        );
    }

    #[test]
    fn the_same_event_links_and_others_do_not() {
        let clash = retype(report(6, 11, QAMISHLI, None), SubEventType::Arrests);
        let reports = vec![
            report(1, 11, QAMISHLI, Some("Islamic State")),
            report(2, 11, QAMISHLI, None),
            report(3, 12, QAMISHLI, None),       // a day later
            report(8, 11, (36.95, 41.15), None), // another town, 13 km away
            report(4, 11, HASAKAH, None),        // 75 km away
            report(5, 11, QAMISHLI, Some("Kurdistan Workers' Party")),
            clash,
            report(7, 20, QAMISHLI, None), // nine days later
        ];
        let got = link(&reports, &LinkOptions::default());
        let ids: Vec<Vec<i64>> = got
            .iter()
            .map(|g| g.iter().map(|&i| reports[i].id.0).collect())
            .collect();
        assert_eq!(
            ids,
            vec![vec![1, 2, 3], vec![4], vec![5], vec![6], vec![8], vec![7]]
        );
        // Same input, any order: same incidents.
        let mut shuffled = reports.clone();
        shuffled.reverse();
        let again = link(&shuffled, &LinkOptions::default());
        let mut ids2: Vec<Vec<i64>> = again
            .iter()
            .map(|g| {
                let mut v: Vec<i64> = g.iter().map(|&i| shuffled[i].id.0).collect();
                v.sort();
                v
            })
            .collect();
        ids2.sort();
        let mut ids1 = ids.clone();
        ids1.sort();
        assert_eq!(ids1, ids2);
    }
}
