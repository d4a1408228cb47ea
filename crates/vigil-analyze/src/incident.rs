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

use crate::link::{link_from, report_days, Apart, LinkOptions, Origin};

/// A report is a claim when the perpetrator's own media carry it, or when
/// it is worded as one (a news report that relays the claim: "IS said via
/// Amaq …", "claimed responsibility in a statement").
fn is_claim(i: &LinkInput) -> bool {
    matches!(
        i.source_kind,
        SourceKind::MilitantOfficial | SourceKind::MilitantSupporter
    ) || i.report.claim_status == ClaimStatus::Claimed
}

/// The actors whose side an incident's reports cannot corroborate: its
/// perpetrators, each with the actors it belongs to or grew from.
#[derive(Debug, Default)]
struct Sides {
    /// Knowledge-base actors (with their lineage).
    actors: BTreeSet<usize>,
    /// Names the knowledge base does not know, lower-cased.
    names: BTreeSet<String>,
}

impl Sides {
    /// The sides of `perpetrators` and of `claimants` (the actors the
    /// claims' sources speak for: a channel's claim may name no one).
    fn of<'a>(perpetrators: impl Iterator<Item = &'a str>) -> Sides {
        let kb = vigil_extract::kb::Kb::bundled();
        let mut sides = Sides::default();
        for p in perpetrators {
            match kb.resolve_actor(p) {
                Some(a) => sides.actors.extend(kb.lineage(a)),
                None => {
                    sides.names.insert(p.trim().to_lowercase());
                }
            }
        }
        sides
    }

    /// Whether a source affiliated with `affiliation` is on one of these
    /// sides (the same actor, a part of it, or what it belongs to).
    fn holds(&self, affiliation: &str) -> bool {
        let kb = vigil_extract::kb::Kb::bundled();
        match kb.resolve_actor(affiliation) {
            Some(a) => {
                kb.lineage(a).iter().any(|x| self.actors.contains(x))
                    || self.actors.iter().any(|&p| kb.lineage(p).contains(&a))
            }
            None => self.names.contains(&affiliation.trim().to_lowercase()),
        }
    }
}

/// Whether a report is an independent account of the event, which turns a
/// claim into a corroborated one: a third party's own account ("police
/// said a bomb killed two soldiers"), not a claim or a report relaying one,
/// not a forward of another's post, and not from a source on a
/// perpetrator's side.
fn is_independent(i: &LinkInput, sides: &Sides) -> bool {
    !is_claim(i) && !i.forwarded && !i.affiliation.as_deref().is_some_and(|a| sides.holds(a))
}

/// Where a report comes from, for linking. A channel speaks in its own
/// voice when it is the group's own media, or when no one has classed it:
/// an unclassed channel that posts claims is most often the group's own.
/// News media, NGOs, governments and monitors relay claims, and supporters
/// repost them.
fn origin(i: &LinkInput) -> Origin {
    Origin {
        source: Some(i.source_id),
        own_voice: matches!(
            i.source_kind,
            SourceKind::MilitantOfficial | SourceKind::Other
        ),
        forwarded: i.forwarded,
        list: i.document_events > 1,
    }
}

/// Why two reports cannot tell one event, weighing where each comes from
/// as linking does; `None` when they may.
pub fn why_apart(a: &LinkInput, b: &LinkInput, opts: &LinkOptions) -> Option<Apart> {
    crate::link::apart_from((&a.report, origin(a)), (&b.report, origin(b)), opts)
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
    let origins: Vec<Origin> = inputs.iter().map(origin).collect();
    let mut groups = link_from(&reports, &origins, opts);
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
    sides: &Sides,
    field: impl Fn(&Counts) -> Option<Count> + Copy,
) -> Option<Count> {
    let independent: Vec<&LinkInput> = members
        .iter()
        .copied()
        .filter(|m| is_independent(m, sides))
        .collect();
    pick_count(&independent, field, false).or_else(|| pick_count(members, field, false))
}

/// Claim only, corroborated (a claim and an independent account), confirmed
/// (an independent source confirms it), disputed (someone denies it) or
/// reported (no claim). Relays of the claim, forwards and reports from the
/// perpetrator's side are not independent.
fn status(members: &[&LinkInput], sides: &Sides) -> IncidentStatus {
    let denied = members
        .iter()
        .any(|m| m.report.claim_status == ClaimStatus::Denied);
    let claim = members.iter().any(|m| is_claim(m));
    let independent: Vec<_> = members
        .iter()
        .filter(|m| is_independent(m, sides))
        .collect();
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
    let perpetrators = actor_names(members.iter().flat_map(|m| m.report.perpetrators.iter()));
    let sides = if members.iter().any(|m| m.affiliation.is_some()) {
        let claimants = members
            .iter()
            .filter(|m| is_claim(m))
            .filter_map(|m| m.affiliation.as_deref());
        Sides::of(perpetrators.iter().map(String::as_str).chain(claimants))
    } else {
        Sides::default()
    };
    let counts = Counts {
        killed: conservative(&members, &sides, |c| c.killed),
        injured: conservative(&members, &sides, |c| c.injured),
        abducted: conservative(&members, &sides, |c| c.abducted),
        freed: conservative(&members, &sides, |c| c.freed),
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
        status: status(&members, &sides),
        event_type: sub_event_type.event_type(),
        sub_event_type,
        attack_mode: most_common(members.iter().filter_map(|m| m.report.attack_mode)),
        date,
        sites: at_sites(&members, sites, named),
        place,
        perpetrators,
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
        read: members.iter().map(|m| (m.report.id, m.revision)).collect(),
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

/// Filters as the incidents' facets spell their values: an actor named by
/// any alias of the bundled knowledge base ("SDF", "قسد") becomes its
/// canonical name ("Syrian Democratic Forces"); every other value is kept.
pub fn canonical_filters(filters: Vec<(Dimension, String)>) -> Vec<(Dimension, String)> {
    let kb = vigil_extract::kb::Kb::bundled();
    filters
        .into_iter()
        .map(|(dim, value)| match dim {
            Dimension::Perpetrator | Dimension::Target => {
                let canonical = kb
                    .resolve_actor(value.trim())
                    .map(|i| kb.actors[i].name.clone());
                (dim, canonical.unwrap_or(value))
            }
            _ => (dim, value),
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};
    use vigil_extract::{DocInput, Extractor};
    use vigil_model::{DocumentId, Lang};

    /// One document's reports, extracted, as linking reads them.
    fn extracted(doc: i64, text: &str, lang: &str, kind: SourceKind, day: &str) -> Vec<LinkInput> {
        let input = DocInput {
            document_id: DocumentId(doc),
            lang: Some(lang.parse::<Lang>().unwrap()),
            published: Some(day.parse::<NaiveDate>().unwrap()),
            source_kind: Some(kind),
            affiliation: (kind == SourceKind::MilitantOfficial).then(|| "Islamic State".into()),
            countries: Vec::new(),
        };
        Extractor::new()
            .extract(text, &input)
            .into_iter()
            .enumerate()
            .map(|(n, mut r)| {
                r.id = vigil_model::ReportId(doc * 10 + n as i64);
                LinkInput {
                    report: r,
                    key: ReportKey {
                        document_id: DocumentId(doc),
                        ordinal: n as u32,
                    },
                    revision: 0,
                    source_kind: kind,
                    affiliation: None,
                    forwarded: false,
                    source_id: vigil_model::SourceId(doc),
                    document_events: 1,
                }
            })
            .collect()
    }

    use vigil_model::ReportKey;
    use SourceKind::{MilitantOfficial, NewsMedia};

    const CLAIM_AR: &str = "تبنى تنظيم الدولة الإسلامية تفجير عبوة ناسفة بدورية لقوات سوريا الديمقراطية في بلدة الشحيل بريف دير الزور، وادعى مقتل ثلاثة عناصر.";
    const NEWS_EN: &str = "A roadside bomb struck a Syrian Democratic Forces patrol in al-Shuhayl in the Deir ez-Zor countryside, killing two fighters, a local monitoring group said.";

    #[test]
    fn pairs_that_must_and_must_not_link() {
        // (what, first document, second document, one incident?)
        type Doc = (&'static str, &'static str, SourceKind, &'static str);
        let rows: &[(&str, Doc, Doc, bool)] = &[
            (
                "an Arabic claim and an English news report of the same attack",
                (CLAIM_AR, "ar", MilitantOfficial, "2019-09-16"),
                (NEWS_EN, "en", NewsMedia, "2019-09-16"),
                true,
            ),
            (
                "the same attack reported the next day",
                (CLAIM_AR, "ar", MilitantOfficial, "2019-09-16"),
                (NEWS_EN, "en", NewsMedia, "2019-09-17"),
                true,
            ),
            (
                "a bomb in another town the same day",
                (CLAIM_AR, "ar", MilitantOfficial, "2019-09-16"),
                (
                    "A roadside bomb struck a Syrian Democratic Forces patrol in Qamishli, killing two fighters, a monitoring group said.",
                    "en",
                    NewsMedia,
                    "2019-09-16",
                ),
                false,
            ),
            (
                "the same town a week later",
                (CLAIM_AR, "ar", MilitantOfficial, "2019-09-16"),
                (NEWS_EN, "en", NewsMedia, "2019-09-23"),
                false,
            ),
            (
                "the attack told as a clash, at the same town and day",
                (CLAIM_AR, "ar", MilitantOfficial, "2019-09-16"),
                (
                    "Syrian Democratic Forces fighters clashed with Islamic State militants in al-Shuhayl in the Deir ez-Zor countryside, a local monitoring group said.",
                    "en",
                    NewsMedia,
                    "2019-09-16",
                ),
                true,
            ),
            (
                "arrests, not an attack, at the same town and day",
                (CLAIM_AR, "ar", MilitantOfficial, "2019-09-16"),
                (
                    "Syrian Democratic Forces arrested five suspected Islamic State members in a raid in al-Shuhayl in the Deir ez-Zor countryside, a local monitoring group said.",
                    "en",
                    NewsMedia,
                    "2019-09-16",
                ),
                false,
            ),
            (
                "two different groups blamed for bombs at one place",
                (
                    "Islamic State militants detonated a roadside bomb against a Syrian Democratic Forces patrol in al-Shuhayl, a monitoring group said.",
                    "en",
                    NewsMedia,
                    "2019-09-16",
                ),
                (
                    "Hayat Tahrir al-Sham militants detonated a roadside bomb against a Syrian Democratic Forces patrol in al-Shuhayl, a monitoring group said.",
                    "en",
                    NewsMedia,
                    "2019-09-16",
                ),
                false,
            ),
        ];
        for (what, a, b, together) in rows {
            let mut inputs = extracted(1, a.0, a.1, a.2, a.3);
            inputs.extend(extracted(2, b.0, b.1, b.2, b.3));
            assert_eq!(inputs.len(), 2, "{what}: one report per document");
            let built = build(&inputs, &[], &[], &HashMap::new(), &LinkOptions::default());
            assert_eq!(built.len() == 1, *together, "{what}: {built:#?}");
        }
    }

    #[test]
    fn estimates_weigh_claims_against_independent_reports() {
        let mut inputs = extracted(1, CLAIM_AR, "ar", MilitantOfficial, "2019-09-16");
        inputs.extend(extracted(2, NEWS_EN, "en", NewsMedia, "2019-09-16"));
        let built = build(&inputs, &[], &[], &HashMap::new(), &LinkOptions::default());
        let inc = &built[0].incident;
        assert_eq!(inc.status, IncidentStatus::Corroborated);
        assert_eq!(
            inc.counts.killed.unwrap().value,
            2,
            "the independent figure"
        );
        assert_eq!(
            inc.claimed_counts.killed.unwrap().value,
            3,
            "the claim's figure"
        );
        assert_eq!(inc.perpetrators, ["Islamic State"]);
        assert_eq!(inc.targets, ["Syrian Democratic Forces"]);
        assert_eq!(
            inc.source_kinds,
            [SourceKind::MilitantOfficial, SourceKind::NewsMedia]
        );
        assert_eq!(built[0].anchor.to_string(), "1.0");
        assert!(built[0]
            .facets
            .contains(&(Dimension::Status, "corroborated".into())));
        // The claim alone.
        let alone = build(
            &inputs[..1],
            &[],
            &[],
            &HashMap::new(),
            &LinkOptions::default(),
        );
        assert_eq!(alone[0].incident.status, IncidentStatus::ClaimOnly);
    }

    /// A report of one attack as linking reads it, built by hand: who
    /// carries it, how it is worded, whom it blames and its toll.
    struct Carried {
        kind: SourceKind,
        claim: ClaimStatus,
        affiliation: Option<&'static str>,
        forwarded: bool,
        perpetrator: Option<&'static str>,
        killed: Option<u32>,
    }

    fn carried(kind: SourceKind, claim: ClaimStatus) -> Carried {
        Carried {
            kind,
            claim,
            affiliation: None,
            forwarded: false,
            perpetrator: Some("Islamic State"),
            killed: None,
        }
    }

    impl Carried {
        fn by(self, affiliation: &'static str) -> Carried {
            Carried {
                affiliation: Some(affiliation),
                ..self
            }
        }
        fn forwarded(self) -> Carried {
            Carried {
                forwarded: true,
                ..self
            }
        }
        fn blaming(self, perpetrator: Option<&'static str>) -> Carried {
            Carried {
                perpetrator,
                ..self
            }
        }
        fn killed(self, n: u32) -> Carried {
            Carried {
                killed: Some(n),
                ..self
            }
        }

        fn input(&self, n: i64) -> LinkInput {
            let day = NaiveDate::from_ymd_opt(2019, 10, 17).unwrap();
            let report = vigil_model::EventReport {
                id: vigil_model::ReportId(n),
                document_id: DocumentId(n),
                event_type: vigil_model::EventType::Battles,
                sub_event_type: vigil_model::SubEventType::ArmedClash,
                attack_mode: None,
                date: Some(EventDate {
                    date: day,
                    precision: DatePrecision::Day,
                }),
                place: None,
                perpetrators: self
                    .perpetrator
                    .map(|p| vigil_model::ActorRef {
                        canonical: Some(p.to_string()),
                        mention: p.to_string(),
                    })
                    .into_iter()
                    .collect(),
                targets: Vec::new(),
                counts: Counts {
                    killed: self.killed.map(|value| Count {
                        value,
                        exactness: CountExactness::Exact,
                    }),
                    ..Counts::default()
                },
                attribution: None,
                claim_status: self.claim,
                evidence: Vec::new(),
            };
            LinkInput {
                report,
                key: ReportKey {
                    document_id: DocumentId(n),
                    ordinal: 0,
                },
                revision: 0,
                source_kind: self.kind,
                affiliation: self.affiliation.map(str::to_string),
                forwarded: self.forwarded,
                source_id: vigil_model::SourceId(n),
                document_events: 1,
            }
        }
    }

    #[test]
    fn relays_forwards_and_the_perpetrators_side_do_not_corroborate_a_claim() {
        use vigil_model::ClaimStatus::{Claimed, Confirmed, Denied, Reported};
        use IncidentStatus as S;
        use SourceKind::{Government, LocalMonitor, MilitantSupporter};
        let official = || carried(MilitantOfficial, Claimed).by("Islamic State");
        // (what, the reports of one attack, its status).
        let rows: Vec<(&str, Vec<Carried>, IncidentStatus)> = vec![
            ("the group's claim alone", vec![official()], S::ClaimOnly),
            (
                "a wire relaying the claim (\"IS said via Amaq …\")",
                vec![official(), carried(NewsMedia, Claimed)],
                S::ClaimOnly,
            ),
            (
                "a relay alone is a claim",
                vec![carried(NewsMedia, Claimed)],
                S::ClaimOnly,
            ),
            (
                "a supporters' channel forwarding it",
                vec![
                    official(),
                    carried(MilitantSupporter, Claimed)
                        .by("Islamic State")
                        .forwarded(),
                ],
                S::ClaimOnly,
            ),
            (
                "a news channel forwarding it",
                vec![official(), carried(NewsMedia, Reported).forwarded()],
                S::ClaimOnly,
            ),
            (
                "a news outlet on the group's side",
                vec![official(), carried(NewsMedia, Reported).by("Islamic State")],
                S::ClaimOnly,
            ),
            (
                "…named by an alias",
                vec![official(), carried(NewsMedia, Reported).by("ISIS")],
                S::ClaimOnly,
            ),
            (
                "…naming no perpetrator, beside a channel's claim that names none",
                vec![
                    official().blaming(None),
                    carried(NewsMedia, Reported).by("داعش").blaming(None),
                ],
                S::ClaimOnly,
            ),
            (
                "…saying it is confirmed",
                vec![
                    official(),
                    carried(NewsMedia, Confirmed).by("Islamic State"),
                ],
                S::ClaimOnly,
            ),
            (
                "police's own account of the attack",
                vec![official(), carried(Government, Reported)],
                S::Corroborated,
            ),
            (
                "the target's side telling it (an SDF-aligned monitor)",
                vec![
                    official(),
                    carried(LocalMonitor, Reported).by("Syrian Democratic Forces"),
                ],
                S::Corroborated,
            ),
            (
                "a third party's account naming no perpetrator",
                vec![official(), carried(NewsMedia, Reported).blaming(None)],
                S::Corroborated,
            ),
            (
                "a relay and an account",
                vec![
                    official(),
                    carried(NewsMedia, Claimed),
                    carried(NewsMedia, Reported),
                ],
                S::Corroborated,
            ),
            (
                "an independent confirmation",
                vec![official(), carried(Government, Confirmed)],
                S::Confirmed,
            ),
            (
                "an account alone",
                vec![carried(Government, Reported)],
                S::Reported,
            ),
            (
                "a denial",
                vec![official(), carried(Government, Denied)],
                S::Disputed,
            ),
        ];
        for (what, reports, want) in &rows {
            let inputs: Vec<LinkInput> = reports
                .iter()
                .enumerate()
                .map(|(n, c)| c.input(n as i64 + 1))
                .collect();
            let built = build(&inputs, &[], &[], &HashMap::new(), &LinkOptions::default());
            assert_eq!(built.len(), 1, "{what}: one incident");
            assert_eq!(built[0].incident.status, *want, "{what}");
        }

        // The conservative toll is an independent source's, not that of a
        // source on the perpetrator's side.
        let inputs: Vec<LinkInput> = [
            official().killed(7),
            carried(NewsMedia, Reported).by("Islamic State").killed(3),
            carried(Government, Reported).killed(4),
        ]
        .iter()
        .enumerate()
        .map(|(n, c)| c.input(n as i64 + 1))
        .collect();
        let built = build(&inputs, &[], &[], &HashMap::new(), &LinkOptions::default());
        assert_eq!(built[0].incident.counts.killed.unwrap().value, 4);
        assert_eq!(built[0].incident.claimed_counts.killed.unwrap().value, 7);
    }

    #[test]
    fn decisions_are_applied_in_order_and_ignore_reports_gone() {
        let mut inputs = extracted(1, CLAIM_AR, "ar", MilitantOfficial, "2019-09-16");
        inputs.extend(extracted(2, NEWS_EN, "en", NewsMedia, "2019-09-16"));
        // A report of another town, which linking keeps apart.
        inputs.extend(extracted(
            3,
            "A roadside bomb struck a Syrian Democratic Forces patrol in Qamishli, killing two fighters, a monitoring group said.",
            "en",
            NewsMedia,
            "2019-09-16",
        ));
        let key = |d: i64| ReportKey {
            document_id: DocumentId(d),
            ordinal: 0,
        };
        let decision = |id: i64, action: DecisionAction, reports: Vec<ReportKey>| Decision {
            id,
            who: "analyst".into(),
            at: Utc.with_ymd_and_hms(2019, 10, 1, 9, 0, 0).unwrap(),
            action,
            reports,
            note: None,
        };
        let opts = LinkOptions::default();
        let none = HashMap::new();
        assert_eq!(build(&inputs, &[], &[], &none, &opts).len(), 2);
        let merge = decision(1, DecisionAction::Merge, vec![key(1), key(2), key(3)]);
        let merged = build(&inputs, std::slice::from_ref(&merge), &[], &none, &opts);
        assert_eq!(merged.len(), 1);
        let set = decision(
            2,
            DecisionAction::Set {
                change: IncidentChange::Killed(4),
            },
            vec![key(3)],
        );
        let confirm = decision(3, DecisionAction::Confirm, vec![key(2)]);
        let split = decision(4, DecisionAction::Split, vec![key(3)]);
        let all = [merge.clone(), set.clone(), confirm.clone(), split.clone()];
        let out = build(&inputs, &all, &[], &none, &opts);
        assert_eq!(out.len(), 2, "split after the merge");
        let with = |d: i64| {
            out.iter()
                .find(|n| n.incident.reports.iter().any(|r| r.0 == d * 10))
                .unwrap()
        };
        // The edit and the confirmation were made while all three were
        // one incident; the split took report 3 out after.
        assert_eq!(with(1).incident.status, IncidentStatus::Confirmed);
        assert_eq!(with(1).incident.counts.killed.unwrap().value, 4);
        assert_eq!(with(3).incident.reports.len(), 1);
        assert_eq!(with(3).incident.status, IncidentStatus::Reported);
        // A decision about reports no longer there changes nothing.
        let gone = decision(5, DecisionAction::Dispute, vec![key(9)]);
        assert_eq!(
            build(&inputs, &[gone], &[], &none, &opts),
            build(&inputs, &[], &[], &none, &opts)
        );
    }

    #[test]
    fn filters_name_actors_by_any_alias() {
        let f = canonical_filters(vec![
            (Dimension::Target, "SDF".into()),
            (Dimension::Perpetrator, "داعش".into()),
            (Dimension::Province, "Deir ez-Zor".into()),
            (Dimension::Target, "nobody we know".into()),
        ]);
        assert_eq!(
            f,
            [
                (Dimension::Target, "Syrian Democratic Forces".to_string()),
                (Dimension::Perpetrator, "Islamic State".to_string()),
                (Dimension::Province, "Deir ez-Zor".to_string()),
                (Dimension::Target, "nobody we know".to_string()),
            ]
        );
    }
}
