//! Incidents: linked reports weighed together. Each gets a best estimate of
//! every field, a status, the watched sites it is at, and what tallies split
//! it by; then analysts' decisions are applied, in the order they were made,
//! so that they survive relinking and re-extraction.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use vigil_geo::haversine_km;
use vigil_model::{
    ClaimStatus, Count, CountExactness, Counts, DatePrecision, Decision, DecisionAction, Dimension,
    EventDate, GeoPrecision, Incident, IncidentChange, IncidentId, IncidentStatus, ReportId, Site,
    SourceKind,
};
use vigil_store::{LinkInput, NewIncident};

use crate::link::{link, report_days, LinkOptions};

/// A report is a claim when the perpetrator's own media carry it, or when
/// it is worded as one.
fn is_claim(i: &LinkInput) -> bool {
    matches!(
        i.source_kind,
        SourceKind::MilitantOfficial | SourceKind::MilitantSupporter
    ) || i.report.claim_status == ClaimStatus::Claimed
}

/// Links `inputs` into incidents, applies `decisions` and attaches `sites`.
/// The same inputs give the same incidents, in order of their anchors.
///
/// `named` holds, for reports placed near a site whose document names it,
/// that site's key.
pub fn build(
    inputs: &[LinkInput],
    decisions: &[Decision],
    sites: &[Site],
    named: &HashMap<ReportId, Vec<String>>,
    opts: &LinkOptions,
) -> Vec<NewIncident> {
    let reports: Vec<_> = inputs.iter().map(|i| &i.report).collect();
    let mut groups = link(&reports, opts);
    let overrides = apply_decisions(inputs, decisions, &mut groups);
    let mut out: Vec<NewIncident> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| !g.is_empty())
        .map(|(n, members)| {
            let members: Vec<&LinkInput> = members.iter().map(|&i| &inputs[i]).collect();
            let mut new = estimate(&members, sites, named);
            for o in overrides.get(&n).into_iter().flatten() {
                apply(&mut new.incident, o);
            }
            new.facets = facets(&new.incident);
            new
        })
        .collect();
    out.sort_by_key(|n| n.anchor);
    out
}

/// What a decision leaves on the incident it targets, in decision order.
#[derive(Debug, Clone, Copy)]
enum Override {
    Status(IncidentStatus),
    Change(IncidentChange),
}

/// Applies merges and splits to `groups` (indexes into `inputs`) and
/// returns the other decisions by group.
fn apply_decisions(
    inputs: &[LinkInput],
    decisions: &[Decision],
    groups: &mut Vec<Vec<usize>>,
) -> HashMap<usize, Vec<(i64, Override)>> {
    let by_key: HashMap<_, usize> = inputs.iter().enumerate().map(|(n, i)| (i.key, n)).collect();
    let mut group_of = vec![0usize; inputs.len()];
    for (g, members) in groups.iter().enumerate() {
        for &m in members {
            group_of[m] = g;
        }
    }
    let mut overrides: HashMap<usize, Vec<(i64, Override)>> = HashMap::new();
    for d in decisions {
        let present: Vec<usize> = d
            .reports
            .iter()
            .filter_map(|k| by_key.get(k).copied())
            .collect();
        let Some(&first) = present.first() else {
            continue;
        };
        match d.action {
            DecisionAction::Merge => {
                let mut touched: Vec<usize> = present.iter().map(|&i| group_of[i]).collect();
                touched.sort_unstable();
                touched.dedup();
                let into = touched[0];
                for &g in &touched[1..] {
                    let moved = std::mem::take(&mut groups[g]);
                    for &m in &moved {
                        group_of[m] = into;
                    }
                    groups[into].extend(moved);
                    if let Some(o) = overrides.remove(&g) {
                        let kept = overrides.entry(into).or_default();
                        kept.extend(o);
                        kept.sort_by_key(|(id, _)| *id);
                    }
                }
            }
            DecisionAction::Split => {
                let new = groups.len();
                for &i in &present {
                    groups[group_of[i]].retain(|&m| m != i);
                    group_of[i] = new;
                }
                groups.push(present);
            }
            DecisionAction::Confirm => overrides
                .entry(group_of[first])
                .or_default()
                .push((d.id, Override::Status(IncidentStatus::Confirmed))),
            DecisionAction::Dispute => overrides
                .entry(group_of[first])
                .or_default()
                .push((d.id, Override::Status(IncidentStatus::Disputed))),
            DecisionAction::Set { change } => overrides
                .entry(group_of[first])
                .or_default()
                .push((d.id, Override::Change(change))),
        }
    }
    overrides
}

fn apply(inc: &mut Incident, (_, o): &(i64, Override)) {
    let exact = |value| {
        Some(Count {
            value,
            exactness: CountExactness::Exact,
        })
    };
    match *o {
        Override::Status(s) => inc.status = s,
        Override::Change(IncidentChange::Killed(n)) => inc.counts.killed = exact(n),
        Override::Change(IncidentChange::Injured(n)) => inc.counts.injured = exact(n),
        Override::Change(IncidentChange::Abducted(n)) => inc.counts.abducted = exact(n),
        Override::Change(IncidentChange::Freed(n)) => inc.counts.freed = exact(n),
        Override::Change(IncidentChange::Date(d)) => {
            inc.date = Some(EventDate {
                date: d,
                precision: DatePrecision::Day,
            })
        }
        Override::Change(IncidentChange::SubEventType(t)) => {
            inc.sub_event_type = t;
            inc.event_type = t.event_type();
        }
    }
}

/// The most common value, ties going to the one seen first.
fn most_common<T: Ord + Copy>(values: impl Iterator<Item = T>) -> Option<T> {
    let mut counts: BTreeMap<T, (usize, usize)> = BTreeMap::new();
    for (n, v) in values.enumerate() {
        let e = counts.entry(v).or_insert((0, n));
        e.0 += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1)))
        .map(|(v, _)| v)
}

/// One count over reports: the lowest any gives (`pick` = min) or the
/// highest (max).
fn pick_count(
    members: &[&LinkInput],
    field: impl Fn(&Counts) -> Option<Count>,
    highest: bool,
) -> Option<Count> {
    let values = members.iter().filter_map(|m| field(&m.report.counts));
    if highest {
        values.max_by_key(|c| c.value)
    } else {
        values.min_by_key(|c| c.value)
    }
}

/// The conservative figure: the lowest an independent source gives, else
/// the lowest claimed.
fn conservative(
    members: &[&LinkInput],
    field: impl Fn(&Counts) -> Option<Count> + Copy,
) -> Option<Count> {
    let independent: Vec<&LinkInput> = members.iter().copied().filter(|m| !is_claim(m)).collect();
    pick_count(&independent, field, false).or_else(|| pick_count(members, field, false))
}

fn status(members: &[&LinkInput]) -> IncidentStatus {
    let denied = members
        .iter()
        .any(|m| m.report.claim_status == ClaimStatus::Denied);
    let claim = members.iter().any(|m| is_claim(m));
    let independent: Vec<_> = members.iter().filter(|m| !is_claim(m)).collect();
    let confirmed = independent
        .iter()
        .any(|m| m.report.claim_status == ClaimStatus::Confirmed);
    if denied {
        IncidentStatus::Disputed
    } else if confirmed {
        IncidentStatus::Confirmed
    } else if claim && !independent.is_empty() {
        IncidentStatus::Corroborated
    } else if claim {
        IncidentStatus::ClaimOnly
    } else {
        IncidentStatus::Reported
    }
}

fn actor_names<'a>(sides: impl Iterator<Item = &'a vigil_model::ActorRef>) -> Vec<String> {
    let set: BTreeSet<String> = sides
        .map(|a| {
            a.canonical
                .clone()
                .unwrap_or_else(|| a.mention.trim().to_string())
        })
        .filter(|n| !n.is_empty())
        .collect();
    set.into_iter().collect()
}

/// The best estimate of each field from an incident's reports.
fn estimate(
    members: &[&LinkInput],
    sites: &[Site],
    named: &HashMap<ReportId, Vec<String>>,
) -> NewIncident {
    let mut members: Vec<&LinkInput> = members.to_vec();
    members.sort_by_key(|m| m.report.id);
    let sub_event_type = most_common(members.iter().map(|m| m.report.sub_event_type))
        .expect("an incident has a report");
    // The most precise date, the earliest of those.
    let date = members
        .iter()
        .filter_map(|m| m.report.date)
        .min_by_key(|d| (d.precision as u8, d.date));
    // The most precise place, the most often named of those.
    let rank = |p: GeoPrecision| match p {
        GeoPrecision::Place => 0,
        GeoPrecision::Near => 1,
        GeoPrecision::Region => 2,
    };
    let places: Vec<&vigil_model::Place> = members
        .iter()
        .filter_map(|m| m.report.place.as_ref())
        .collect();
    let best_rank = places.iter().map(|p| rank(p.precision)).min();
    let place = best_rank.and_then(|best| {
        let at_best: Vec<&&vigil_model::Place> = places
            .iter()
            .filter(|p| rank(p.precision) == best)
            .collect();
        let id = most_common(at_best.iter().map(|p| p.geonames_id));
        at_best
            .into_iter()
            .find(|p| Some(p.geonames_id) == id)
            .map(|p| (*p).clone())
    });
    let mut days = None;
    for m in &members {
        if let Some((a, b)) = report_days(&m.report) {
            days = Some(match days {
                Some((x, y)) => (a.min(x), b.max(y)),
                None => (a, b),
            });
        }
    }
    let mut source_kinds: Vec<SourceKind> = members.iter().map(|m| m.source_kind).collect();
    source_kinds.sort();
    source_kinds.dedup();
    let counts = Counts {
        killed: conservative(&members, |c| c.killed),
        injured: conservative(&members, |c| c.injured),
        abducted: conservative(&members, |c| c.abducted),
        freed: conservative(&members, |c| c.freed),
    };
    let claimed_counts = Counts {
        killed: pick_count(&members, |c| c.killed, true),
        injured: pick_count(&members, |c| c.injured, true),
        abducted: pick_count(&members, |c| c.abducted, true),
        freed: pick_count(&members, |c| c.freed, true),
    };
    let incident = Incident {
        id: IncidentId(0),
        reports: members.iter().map(|m| m.report.id).collect(),
        status: status(&members),
        event_type: sub_event_type.event_type(),
        sub_event_type,
        attack_mode: most_common(members.iter().filter_map(|m| m.report.attack_mode)),
        date,
        sites: at_sites(&members, sites, named),
        place,
        perpetrators: actor_names(members.iter().flat_map(|m| m.report.perpetrators.iter())),
        targets: actor_names(members.iter().flat_map(|m| m.report.targets.iter())),
        source_kinds,
        counts,
        claimed_counts,
        edits: Vec::new(),
    };
    NewIncident {
        incident,
        anchor: members
            .iter()
            .map(|m| m.key)
            .min()
            .expect("an incident has a report"),
        days,
        facets: Vec::new(),
    }
}

/// The sites an incident is at: one of its reports places it within the
/// site's radius (to the town, or near it), or near it in a document that
/// names the site (`named`).
fn at_sites(
    members: &[&LinkInput],
    sites: &[Site],
    named: &HashMap<ReportId, Vec<String>>,
) -> Vec<String> {
    let mut keys = BTreeSet::new();
    for m in members {
        keys.extend(named.get(&m.report.id).into_iter().flatten().cloned());
    }
    for site in sites {
        let hit = members
            .iter()
            .filter_map(|m| m.report.place.as_ref())
            .any(|p| site_distance(p, site).is_some_and(|km| km <= site.radius_km));
        if hit {
            keys.insert(site.key.clone());
        }
    }
    keys.into_iter().collect()
}

/// How far a report's place is from a site, in km, when the place is a
/// town or near one.
pub fn site_distance(p: &vigil_model::Place, site: &Site) -> Option<f64> {
    if p.precision == GeoPrecision::Region {
        return None;
    }
    p.lat
        .zip(p.lon)
        .map(|(lat, lon)| haversine_km(lat, lon, site.lat, site.lon))
}

/// What tallies split and filter an incident by.
pub fn facets(inc: &Incident) -> Vec<(Dimension, String)> {
    let mut out: Vec<(Dimension, String)> = Vec::new();
    out.extend(
        inc.perpetrators
            .iter()
            .map(|p| (Dimension::Perpetrator, p.clone())),
    );
    out.extend(inc.targets.iter().map(|t| (Dimension::Target, t.clone())));
    out.push((Dimension::EventType, inc.event_type.as_str().into()));
    out.push((Dimension::SubEventType, inc.sub_event_type.as_str().into()));
    if let Some(m) = inc.attack_mode {
        out.push((Dimension::AttackMode, m.as_str().into()));
    }
    if let Some(p) = inc.place.as_ref().and_then(|p| p.province.clone()) {
        out.push((Dimension::Province, p));
    }
    out.extend(inc.sites.iter().map(|s| (Dimension::Site, s.clone())));
    out.push((Dimension::Status, inc.status.as_str().into()));
    out.extend(
        inc.source_kinds
            .iter()
            .map(|k| (Dimension::SourceKind, k.as_str().into())),
    );
    out
}
