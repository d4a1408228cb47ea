//! Incident linking: which event reports tell the same real event.
//!
//! Two reports are compatible when they are both political violence (a
//! riot or destruction of property told with an attack mode counts) or of
//! one sub-event type; their dates are within `max_days` (widened by each
//! date's precision: a report dated only to a week may be any day of it);
//! two types of violence are at one town on one day, or, told as one kind
//! of attack, a day apart at one town or on one day where one names only
//! the province; their places are within `max_km` (widened when a place is
//! only near a town or only a province), not two different towns each
//! named precisely (two reports calling a village by one name on one day
//! name one village, whichever namesake each reading chose); perpetrators do not contradict (one names none, or
//! they share one), nor targets (the SDF and the Syrian army are two
//! attacks), nor independent death tolls (2 and 40 are two events); and
//! they are not two claims a channel published apart (a group does not
//! claim one attack twice; a newsletter's list repeats them). A report
//! joins the existing incident all of whose reports it is compatible
//! with, the one with most evidence (same town, attack mode, target,
//! toll) and then the nearest if there are several; otherwise it starts a
//! new incident. Reports are taken in order of date, then id, so the same
//! reports always give the same incidents.

use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use vigil_geo::haversine_km;
use vigil_model::{
    AttackMode, ClaimStatus, DatePrecision, DocumentId, EventReport, GeoPrecision, ReportId,
    SourceId, SubEventType,
};

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

/// Where a report comes from, as far as linking weighs it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Origin {
    /// The source of its document, where known.
    pub source: Option<SourceId>,
    /// The source speaks in its own voice for the perpetrator (a group's
    /// channel, or a channel no one has classed) rather than relaying
    /// others: a claim it publishes is its own.
    pub own_voice: bool,
    /// Its document forwards another's post.
    pub forwarded: bool,
    /// Its document holds several reports: a list (a newsletter's, a
    /// roundup's) that repeats events told before.
    pub list: bool,
}

/// The fields of a report that linking reads.
#[derive(Debug, Clone)]
struct Key {
    id: ReportId,
    document: DocumentId,
    sub_event_type: vigil_model::SubEventType,
    family: Family,
    mode: Option<AttackMode>,
    /// Earliest and latest day the event may have taken place.
    days: Option<(NaiveDate, NaiveDate)>,
    point: Option<(f64, f64)>,
    /// How far the point may be from where it happened.
    slack_km: f64,
    province: Option<String>,
    /// The gazetteer id of the town the report names (at it or near it).
    town: Option<i64>,
    /// The point of the place the report names precisely, to about a km.
    spot: Option<(i32, i32)>,
    /// The names of the town the report names precisely (normalized): as
    /// written, what the source said, where `town` is our reading; and the
    /// gazetteer's main name of the place read, which one village's names
    /// in two scripts share ("القنيطرة" and "Quneitra" both read as a
    /// Quneitra).
    names: Vec<String>,
    /// The country of its place.
    country: Option<String>,
    perpetrators: Vec<String>,
    /// The knowledge base's actors the targets are, with all they belong
    /// to (the SDF for the YPG): two reports whose targets share none of
    /// them were attacks on two sides.
    targets: Vec<usize>,
    /// Killed, as an independent (not claimed) report gives it.
    killed: Option<u32>,
    /// Killed as any report gives it, for ranking.
    any_killed: Option<u32>,
    /// For a channel's own claim of one event: the channel.
    own_claim: Option<SourceId>,
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

/// A place's point to about a km: two reports at the same point name one
/// place even where the gazetteer gives it no id (OCHA's villages).
fn spot_of(lat: f64, lon: f64) -> (i32, i32) {
    ((lat * 100.0).round() as i32, (lon * 100.0).round() as i32)
}

/// The namesakes of a written name that count for linking: a name of a
/// hundred places ("Hay al-Askari") says little.
const NAMESAKES: usize = 12;

/// A place's name without the word for village, town or city before it
/// nor the article ("قرية حميرة", "Al Humayrah" and "Humayrah" are one
/// name), normalized.
fn bare_name(normalized: &str) -> String {
    let mut n = normalized;
    for noun in ["قريه ", "بلده ", "مدينه ", "village of ", "town of "] {
        n = n.strip_prefix(noun).unwrap_or(n);
    }
    for article in ["al-", "al ", "el-", "el ", "ال"] {
        if let Some(rest) = n.strip_prefix(article) {
            if rest.chars().count() >= 2 {
                n = rest;
                break;
            }
        }
    }
    n.to_string()
}

/// The targets' actors with their lineage, resolved once per name.
fn target_actors(r: &EventReport, cache: &mut HashMap<String, Vec<usize>>) -> Vec<usize> {
    let kb = vigil_extract::kb::Kb::bundled();
    let mut out: Vec<usize> = Vec::new();
    for a in &r.targets {
        let Some(name) = a.canonical.as_deref() else {
            continue;
        };
        let lineage = cache.entry(name.to_string()).or_insert_with(|| {
            kb.resolve_actor(name)
                .map(|x| kb.lineage(x))
                .unwrap_or_default()
        });
        out.extend(lineage.iter().copied());
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn key(r: &EventReport, origin: Origin, cache: &mut HashMap<String, Vec<usize>>) -> Key {
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
    let spot = r
        .place
        .as_ref()
        .filter(|p| p.precision == GeoPrecision::Place)
        .and_then(|p| p.lat.zip(p.lon))
        .map(|(lat, lon)| spot_of(lat, lon));
    // The names of a village, "in" or "near" it: one village by name.
    let mut names: Vec<String> = r
        .place
        .iter()
        .filter(|p| p.precision != GeoPrecision::Region)
        .flat_map(|p| [Some(p.name.as_str()), p.gazetteer_name.as_deref()])
        .flatten()
        .map(|n| bare_name(&vigil_text::normalize(n)))
        .filter(|n| !n.is_empty())
        .collect();
    names.dedup();
    // Every place the name as written may be ("سويدية": a Raqqa and a
    // Hasakah village), as '@' and the gazetteer's index: a report that
    // read one namesake and a report that read another, or the same
    // village spelt in Latin letters, still share one.
    if let Some(p) = r
        .place
        .as_ref()
        .filter(|p| p.precision != GeoPrecision::Region)
    {
        let gaz = vigil_geo::Gazetteer::bundled();
        for w in [Some(p.name.as_str()), p.gazetteer_name.as_deref()]
            .into_iter()
            .flatten()
        {
            names.extend(
                gaz.lookup(w)
                    .iter()
                    .take(NAMESAKES)
                    .map(|i| format!("@{i}")),
            );
        }
        names.sort();
        names.dedup();
    }
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
    let claimed = r.claim_status == ClaimStatus::Claimed;
    Key {
        id: r.id,
        document: r.document_id,
        sub_event_type: r.sub_event_type,
        family: family(r.sub_event_type, r.attack_mode),
        mode: r.attack_mode,
        days,
        point,
        slack_km,
        province,
        town,
        spot,
        names,
        country: r.place.as_ref().and_then(|p| p.country.clone()),
        perpetrators,
        targets: target_actors(r, cache),
        killed: r.counts.killed.filter(|_| !claimed).map(|c| c.value),
        any_killed: r.counts.killed.map(|c| c.value),
        own_claim: origin
            .source
            .filter(|_| claimed && origin.own_voice && !origin.forwarded && !origin.list),
    }
}

/// Which reports may tell one event: any two acts of political violence
/// (battles, explosions, violence against civilians, and riots or
/// destruction of property told as an attack), else the same sub-event
/// type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Family {
    Violence,
    Other(SubEventType),
}

fn family(t: SubEventType, mode: Option<AttackMode>) -> Family {
    use vigil_model::EventType;
    match t.event_type() {
        EventType::Battles
        | EventType::ExplosionsRemoteViolence
        | EventType::ViolenceAgainstCivilians => Family::Violence,
        // A riot or a destruction of property told with how an attack was
        // made (a bombing, an arson) is an attack that a source typed as
        // the crowd's or the property's: a wire's "riot" for an IED on a
        // patrol, a translation's burnt property for an arson on a
        // checkpoint. Arrests, agreements and the like that name an attack
        // tell of what followed it, not of the attack.
        EventType::Riots if mode.is_some() => Family::Violence,
        _ if t == SubEventType::LootingPropertyDestruction && mode.is_some() => Family::Violence,
        _ => Family::Other(t),
    }
}

/// Whether two reports tell one kind of attack: an IED, a car bomb and a
/// suicide bomber are one bombing to different sources, a raid and a
/// shooting one assault; the rest only as themselves. A report that names
/// no mode (or an unknown or other one) tells nothing either way.
fn modes_alike(a: Option<AttackMode>, b: Option<AttackMode>) -> bool {
    use AttackMode::*;
    let group = |m: AttackMode| match m {
        BombingIed | SuicideAttack | VehicleBomb => Some(0),
        ArmedAssault | Assassination => Some(1),
        Unknown | Other => None,
        m => Some(2 + m as usize),
    };
    match (a.and_then(group), b.and_then(group)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
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

/// Why two reports cannot tell one event: the first test that fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Apart {
    /// Not both political violence, nor the same sub-event type.
    Family,
    /// One or both undated, or too far apart in days.
    Days,
    /// Typed differently and not at one town on one day; a day apart at
    /// one town, or on one day where one names no town, only when told as
    /// one kind of attack (not a bombing and a kidnapping).
    Type,
    /// Two different towns, each named.
    Towns,
    /// Too far apart, or in two provinces.
    Place,
    /// Perpetrators that share no one.
    Perpetrators,
    /// Targets on two sides (the SDF against the Syrian army).
    Targets,
    /// Independent tolls that cannot agree.
    Tolls,
    /// Two claims a channel published apart: two attacks.
    SameChannel,
}

impl Apart {
    /// What keeps the two reports apart, in words.
    pub fn describe(self) -> &'static str {
        match self {
            Apart::Family => "one tells political violence and the other does not, or they are of two sub-event types outside it",
            Apart::Days => "one or both are undated (or dated only to a year), or they are too many days apart (--max-days)",
            Apart::Type => "typed differently, and neither at one town on one day nor told as one kind of attack",
            Apart::Towns => "each names a different town",
            Apart::Place => "their places are too far apart (--max-km), or in two provinces",
            Apart::Perpetrators => "their perpetrators share no one",
            Apart::Targets => "their targets are on two sides",
            Apart::Tolls => "independent death tolls that cannot be one event's",
            Apart::SameChannel => "two claims one channel published apart: a channel claims each attack once",
        }
    }
}

/// How two compatible reports relate, for choosing among incidents.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Near {
    /// Days apart, plus one when typed differently.
    days: i64,
    km: f64,
    /// What they share beyond compatibility: the same town, attack mode,
    /// target, toll.
    evidence: u32,
    /// At one town.
    same_town: bool,
}

/// How far apart two reports are, or why they cannot be one event.
fn distance(a: &Key, b: &Key, opts: &LinkOptions) -> Result<Near, Apart> {
    distance_at(a, b, opts, false)
}

/// Whether two reports name one town: the same gazetteer id, or the same
/// point (a village without an id); or, on one day, the same name.
fn one_town(a: &Key, b: &Key) -> bool {
    let same_day = matches!((a.days, b.days), (Some(x), Some(y)) if gap_days(x, y) == 0);
    a.town.is_some() && a.town == b.town
        || a.spot.is_some() && a.spot == b.spot
        || same_day && a.names.iter().any(|n| b.names.contains(n))
}

/// [`distance`], where `bridged` says a third report names one town with
/// each of the two (a wire's "Al Husayniyah" read as the claim's town, the
/// claim's "الحسينية" said again in a newsletter that read a namesake):
/// they are then at one town too.
fn distance_at(a: &Key, b: &Key, opts: &LinkOptions, bridged: bool) -> Result<Near, Apart> {
    if a.family != b.family {
        return Err(Apart::Family);
    }
    let days = match (a.days, b.days) {
        (Some(x), Some(y)) => gap_days(x, y),
        _ => return Err(Apart::Days),
    };
    if days > opts.max_days {
        return Err(Apart::Days);
    }
    if a.own_claim.is_some() && a.own_claim == b.own_claim && a.document != b.document {
        // A group's channel claims each attack once; two of its claims
        // are two attacks, even with word-for-word the same text.
        return Err(Apart::SameChannel);
    }
    // One town: the same gazetteer id, or the same point (a village
    // without an id). Two points apart are not two towns by themselves:
    // a camp, a quarter or a namesake entry lies beside its town.
    // Two reports that call the village by the same name, on the same
    // day, name one village, whichever namesake each reading chose ("قرية
    // مشهد" in a claim and in the newsletter's list, read in two
    // provinces): the name is what the sources said, the namesake our
    // guess.
    let same_name = bridged || days == 0 && a.names.iter().any(|n| b.names.contains(n));
    let same_town =
        a.town.is_some() && a.town == b.town || a.spot.is_some() && a.spot == b.spot || same_name;
    // Sources often type one attack differently (a claim's bombing, a
    // monitor's clash, a translation's attack): two types of violence link
    // at one town on one day; told as one kind of attack, also a day apart
    // at one town (the wire's "on Tuesday"), or on one day where one names
    // no town (only the district or province).
    let retyped = a.sub_event_type != b.sub_event_type;
    let alike = modes_alike(a.mode, b.mode);
    let one_town = a.town.is_none() && a.spot.is_none() || b.town.is_none() && b.spot.is_none();
    if retyped && !(same_town && (days == 0 || alike) || one_town && days == 0 && alike) {
        return Err(Apart::Type);
    }
    // Two reports that each name a different town tell of two events.
    if let (Some(x), Some(y), false) = (a.town, b.town, same_name) {
        if x != y {
            return Err(Apart::Towns);
        }
    }
    let km = match (a.point, b.point) {
        _ if same_name => 0.0,
        (Some(p), Some(q)) => {
            let d = haversine_km(p.0, p.1, q.0, q.1);
            let slack = a.slack_km + b.slack_km;
            if slack.is_infinite() {
                // A province or a country: only places in it link.
                let apart =
                    |x: &Option<String>, y: &Option<String>| x.is_some() && y.is_some() && x != y;
                if apart(&a.province, &b.province) || apart(&a.country, &b.country) {
                    return Err(Apart::Place);
                }
                opts.max_km
            } else if d > opts.max_km + slack {
                return Err(Apart::Place);
            } else {
                d
            }
        }
        // No place on one side: same day, and nothing else contradicts.
        _ if days == 0 => opts.max_km,
        _ => return Err(Apart::Place),
    };
    let contradicts = !a.perpetrators.is_empty()
        && !b.perpetrators.is_empty()
        && !a.perpetrators.iter().any(|p| b.perpetrators.contains(p));
    if contradicts {
        return Err(Apart::Perpetrators);
    }
    let shared_target = a.targets.iter().any(|t| b.targets.contains(t));
    if !a.targets.is_empty() && !b.targets.is_empty() && !shared_target {
        return Err(Apart::Targets);
    }
    if tolls_contradict(a.killed, b.killed) {
        return Err(Apart::Tolls);
    }
    let evidence = 2 * u32::from(same_town)
        + u32::from(a.mode.is_some() && a.mode == b.mode)
        + u32::from(shared_target)
        + u32::from(a.any_killed.is_some() && a.any_killed == b.any_killed);
    Ok(Near {
        days: days + i64::from(retyped),
        km,
        evidence,
        same_town,
    })
}

/// Why two reports cannot tell one event, or `None` when they may (both
/// from unknown sources). For diagnostics and tests.
pub fn apart(a: &EventReport, b: &EventReport, opts: &LinkOptions) -> Option<Apart> {
    apart_from((a, Origin::default()), (b, Origin::default()), opts)
}

/// [`apart`] for reports whose origins are known.
pub fn apart_from(
    a: (&EventReport, Origin),
    b: (&EventReport, Origin),
    opts: &LinkOptions,
) -> Option<Apart> {
    let mut cache = HashMap::new();
    let (x, y) = (key(a.0, a.1, &mut cache), key(b.0, b.1, &mut cache));
    distance(&x, &y, opts).err()
}

/// Groups reports into incidents: each inner list holds indexes into
/// `reports`, and every report is in exactly one incident. Deterministic.
/// The reports' origins are unknown: see [`link_from`].
pub fn link<R: Borrow<EventReport>>(reports: &[R], opts: &LinkOptions) -> Vec<Vec<usize>> {
    link_from(reports, &[], opts)
}

/// Groups reports into incidents, knowing where each comes from
/// (`origins[i]` for `reports[i]`; missing ones are unknown).
///
/// Reports are swept in order of their first possible day; an incident
/// whose latest report ends more than `max_days` before the report at hand
/// can no longer take reports and leaves the sweep. Open incidents are kept
/// by the town they name: a report naming a town is compared only with the
/// incidents at that town and those naming none (two towns never link), so
/// the work grows with the reports times the incidents open at one town,
/// not with the square of the reports a day (at 1,000,000 documents a day
/// holds thousands of open incidents). Among the incidents a report may
/// join, it joins the one with the most evidence of being its event (the
/// same town, attack mode, target, toll), then the nearest in days and km.
pub fn link_from<R: Borrow<EventReport>>(
    reports: &[R],
    origins: &[Origin],
    opts: &LinkOptions,
) -> Vec<Vec<usize>> {
    let mut cache = HashMap::new();
    let keys: Vec<Key> = reports
        .iter()
        .enumerate()
        .map(|(i, r)| {
            key(
                r.borrow(),
                origins.get(i).copied().unwrap_or_default(),
                &mut cache,
            )
        })
        .collect();
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
        let names = keys[i].names.as_slice();
        let open = open.entry(keys[i].family).or_default();
        // Rank: most evidence, then fewest days, then fewest km, then the
        // oldest incident.
        let mut best: Option<((u32, i64, f64), usize)> = None;
        open.each_candidate(town, names, start, opts.max_days, |n| {
            let (mut days, mut km, mut evidence) = (0i64, 0.0f64, 0u32);
            let members = &incidents[n];
            let near: Vec<Result<Near, Apart>> = members
                .iter()
                .map(|&m| distance(&keys[i], &keys[m], opts))
                .collect();
            // The members this report names one town with.
            let at_its_town: Vec<usize> = members
                .iter()
                .zip(&near)
                .filter(|(_, r)| r.is_ok_and(|x| x.same_town))
                .map(|(&m, _)| m)
                .collect();
            for (&m, r) in members.iter().zip(near) {
                let r = match r {
                    Err(Apart::Place | Apart::Towns | Apart::Type)
                        if at_its_town.iter().any(|&b| one_town(&keys[b], &keys[m])) =>
                    {
                        distance_at(&keys[i], &keys[m], opts, true)
                    }
                    r => r,
                };
                let Ok(near) = r else {
                    return;
                };
                days = days.max(near.days);
                km = km.max(near.km);
                evidence = evidence.max(near.evidence);
            }
            let rank = (evidence, days, km);
            let better = best.as_ref().is_none_or(|(w, b)| {
                w.0.cmp(&rank.0)
                    .then(rank.1.cmp(&w.1))
                    .then(rank.2.total_cmp(&w.2))
                    .then(n.cmp(b))
                    .is_lt()
            });
            if better {
                best = Some((rank, n));
            }
        });
        match best {
            Some((_, n)) => {
                incidents[n].push(i);
                open.joined(n, town, names, end);
            }
            None => {
                open.add(incidents.len(), town, names, end);
                incidents.push(vec![i]);
            }
        }
    }
    incidents
}

/// The open incidents of one family, with the last day each covers, found
/// by the town their reports name and by the name they give it: two
/// reports calling a village by one name on one day may have read it as
/// two namesakes (see `distance`), and must still meet.
#[derive(Debug, Default)]
struct Open {
    last: HashMap<usize, NaiveDate>,
    by_town: HashMap<i64, Vec<usize>>,
    by_name: HashMap<String, Vec<usize>>,
    townless: Vec<usize>,
}

impl Open {
    /// Calls `f(incident)` once for each incident still open on `start`
    /// that a report at `town` (called `name`) may join: those at its
    /// town, those of its name and those naming none (every open incident
    /// when the report names no town), dropping those that ended too long
    /// before.
    fn each_candidate(
        &mut self,
        town: Option<i64>,
        names: &[String],
        start: NaiveDate,
        max_days: i64,
        mut f: impl FnMut(usize),
    ) {
        let last = &self.last;
        let mut stale: Vec<usize> = Vec::new();
        let mut seen: HashSet<usize> = HashSet::new();
        let mut visit = |list: &mut Vec<usize>| {
            list.retain(|n| {
                let fresh = last
                    .get(n)
                    .is_some_and(|&l| (start - l).num_days() <= max_days);
                if !fresh {
                    stale.push(*n);
                }
                fresh
            });
            for &n in list.iter() {
                if seen.insert(n) {
                    f(n);
                }
            }
        };
        match town {
            Some(t) => {
                if let Some(list) = self.by_town.get_mut(&t) {
                    visit(list);
                }
            }
            None => self.by_town.values_mut().for_each(&mut visit),
        }
        for name in names {
            if let Some(list) = self.by_name.get_mut(name) {
                visit(list);
            }
        }
        visit(&mut self.townless);
        // An incident closed in one list is closed in all: the lists not
        // visited drop it when next visited.
        for n in stale {
            self.last.remove(&n);
        }
    }

    /// A new incident, of a report at `town` called `name`, ending on `end`.
    fn add(&mut self, n: usize, town: Option<i64>, names: &[String], end: NaiveDate) {
        self.last.insert(n, end);
        match town {
            Some(t) => self.by_town.entry(t).or_default().push(n),
            None => self.townless.push(n),
        }
        for name in names {
            self.by_name.entry(name.clone()).or_default().push(n);
        }
    }

    /// A report at `town` called `name`, ending on `end`, joined incident
    /// `n`.
    fn joined(&mut self, n: usize, town: Option<i64>, names: &[String], end: NaiveDate) {
        let last = self.last.entry(n).or_insert(end);
        *last = (*last).max(end);
        if let Some(t) = town {
            if let Some(k) = self.townless.iter().position(|&m| m == n) {
                // The incident now names a town.
                self.townless.swap_remove(k);
                self.by_town.entry(t).or_default().push(n);
            }
        }
        for name in names {
            let list = self.by_name.entry(name.clone()).or_default();
            if !list.contains(&n) {
                list.push(n);
            }
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
            // Each point its own name: two towns are called apart.
            name: format!("town at {:.3} {:.3}", place.0, place.1),
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
    fn one_name_on_one_day_is_one_village_whichever_namesake_was_read() {
        // "قرية مشهد" in a claim (read as OCHA's village in Hasakah, which
        // has no gazetteer id) and in the group's weekly list (read as its
        // namesake in Idlib).
        let named = |id: i64, day: u32, place: (f64, f64), name: &str| {
            let mut r = report(id, day, place, Some("Islamic State"));
            if id == 1 {
                r = at_village(r, place);
            }
            r.place.as_mut().unwrap().name = name.into();
            r
        };
        let idlib = (35.93, 36.63);
        let rows = [
            ("the same name the same day", 11, "مشهد", true),
            ("the same name a day later", 12, "مشهد", false),
            ("another name the same day", 11, "حطين", false),
        ];
        for (what, day, name, together) in rows {
            let claim = named(1, 11, HASAKAH, "مشهد");
            let list = named(2, day, idlib, name);
            let got = link(&[claim, list], &LinkOptions::default());
            assert_eq!(got.len() == 1, together, "{what}");
        }
    }

    #[test]
    fn near_a_village_names_the_village() {
        // A wire's "near the village of Quneitra" (Raqqa) and the weekly
        // list's "قرية القنيطرة" read at a Hasakah namesake, on one day.
        let wire = {
            let mut r = report(1, 12, (36.664, 39.224), None);
            let p = r.place.as_mut().unwrap();
            p.name = "Quneitra".into();
            p.province = Some("Al-Raqqah".into());
            p.precision = GeoPrecision::Near;
            r
        };
        let list = {
            let mut r = report(2, 12, (37.028, 41.885), Some("Islamic State"));
            r.place.as_mut().unwrap().name = "القنيطرة".into();
            r
        };
        assert_eq!(link(&[wire, list], &LinkOptions::default()).len(), 1);
    }

    #[test]
    fn names_in_two_scripts_meet_through_the_gazetteer_and_a_third_report() {
        // The claim's "الحسينية" and the wire's "Al Husayniyah", both read
        // as the Deir ez-Zor village; the newsletter's "الحسينية", read as
        // an Aleppo namesake and typed as a clash.
        let at = |id: i64, place: (f64, f64), name: &str, gazetteer: &str| {
            let mut r = report(id, 11, place, Some("Islamic State"));
            let p = r.place.as_mut().unwrap();
            p.name = name.into();
            p.gazetteer_name = Some(gazetteer.into());
            p.geonames_id = Some((place.0 * 1000.0) as i64);
            r
        };
        let dez = (35.359, 40.151);
        let aleppo = (36.631, 36.631);
        // (Names the gazetteer lacks: its namesakes would join the wire
        // and the list by themselves, see below.)
        let claim = at(1, dez, "خربة زعتر", "Khirbat Zaatar");
        let list = retype(
            at(2, aleppo, "خربة زعتر", "Tell Zaatar"),
            SubEventType::ArmedClash,
        );
        let wire = at(3, dez, "Khirbat Zaatar", "Khirbat Zaatar");
        let got = link(
            &[claim.clone(), list.clone(), wire.clone()],
            &LinkOptions::default(),
        );
        assert_eq!(got, vec![vec![0, 1, 2]]);
        // Without the claim between them, the wire and the list are two
        // towns.
        assert_eq!(link(&[list, wire], &LinkOptions::default()).len(), 2);
        // One script's name and the other's meet through the gazetteer's.
        let arabic = at(1, dez, "القنيطرة", "Quneitra");
        let mut latin = at(2, (36.9, 40.0), "Quneitra", "Quneitra");
        latin.place.as_mut().unwrap().geonames_id = None;
        assert_eq!(link(&[arabic, latin], &LinkOptions::default()).len(), 1);
        // A written name that may be the other's place: the newsletter's
        // "الحسينية" read at an Aleppo namesake, the wire's "Al Husayniyah"
        // in Deir ez-Zor.
        let list = retype(
            at(2, aleppo, "الحسينية", "Hasan Kakawi"),
            SubEventType::ArmedClash,
        );
        let wire = at(3, dez, "Al Husayniyah", "Al Husayniyah");
        assert_eq!(link(&[list, wire], &LinkOptions::default()).len(), 1);
    }

    #[test]
    fn a_name_is_compared_without_its_article_or_the_word_for_village() {
        assert_eq!(bare_name("قريه حميره"), "حميره");
        assert_eq!(bare_name("al humayrah"), "humayrah");
        assert_eq!(bare_name("al-hadi"), "hadi");
        assert_eq!(bare_name("الزر"), "زر");
        assert_eq!(bare_name("al"), "al");
        assert_eq!(bare_name("village of zir"), "zir");
    }

    #[test]
    fn a_country_links_with_its_towns_and_not_with_others() {
        let town = report(1, 11, HASAKAH, Some("Islamic State"));
        let country = |code: &str| {
            let mut r = report(2, 11, (35.0, 38.0), Some("Islamic State"));
            let p = r.place.as_mut().unwrap();
            (p.province, p.country, p.precision) = (None, Some(code.into()), GeoPrecision::Region);
            r
        };
        let opts = LinkOptions::default();
        assert_eq!(link(&[town.clone(), country("SY")], &opts).len(), 1);
        assert_eq!(link(&[town, country("IQ")], &opts).len(), 2);
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

    /// A report as extraction gives it, for the rules below.
    fn told(
        id: i64,
        day: u32,
        t: SubEventType,
        mode: Option<vigil_model::AttackMode>,
        target: Option<&str>,
    ) -> EventReport {
        let mut r = retype(report(id, day, QAMISHLI, Some("Islamic State")), t);
        r.attack_mode = mode;
        r.targets = target
            .map(|p| {
                vec![ActorRef {
                    canonical: Some(p.into()),
                    mention: p.into(),
                }]
            })
            .unwrap_or_default();
        r
    }

    /// At a village the gazetteer gives no id (OCHA's), at `at`.
    fn at_village(mut r: EventReport, at: (f64, f64)) -> EventReport {
        let p = r.place.as_mut().unwrap();
        p.geonames_id = None;
        (p.lat, p.lon) = (Some(at.0), Some(at.1));
        p.name = format!("village at {:.3} {:.3}", at.0, at.1);
        r
    }

    /// Only the province named.
    fn in_province(mut r: EventReport) -> EventReport {
        let p = r.place.as_mut().unwrap();
        p.precision = GeoPrecision::Region;
        p.geonames_id = None;
        r
    }

    fn claimed(mut r: EventReport) -> EventReport {
        r.claim_status = vigil_model::ClaimStatus::Claimed;
        r
    }

    use vigil_model::AttackMode::{ArmedAssault, BombingIed, Kidnapping, SuicideAttack};
    use SubEventType::{
        AbductionForcedDisappearance as Abduction, ArmedClash, Attack,
        RemoteExplosiveLandmineIed as RemoteExplosive, SuicideBomb,
    };

    #[test]
    fn a_report_that_names_how_an_attack_was_made_is_violence_whatever_its_type() {
        // "An IED struck an SDF patrol in Tal Nabhan" read by a wire parser
        // as a violent demonstration, beside the group's claim of the IED.
        let claim = told(1, 11, RemoteExplosive, Some(BombingIed), None);
        let riot = |mode| told(2, 11, SubEventType::ViolentDemonstration, mode, None);
        let opts = LinkOptions::default();
        assert_eq!(apart(&claim, &riot(Some(BombingIed)), &opts), None);
        assert_eq!(
            apart(&claim, &riot(None), &opts),
            Some(Apart::Family),
            "a riot that names no attack is another event"
        );
        // "Security forces arrested three men after the bombing": what
        // followed the attack, not the attack.
        let arrests = told(3, 11, SubEventType::Arrests, Some(BombingIed), None);
        assert_eq!(apart(&claim, &arrests, &opts), Some(Apart::Family));
    }

    #[test]
    fn a_channel_does_not_claim_one_attack_twice() {
        // Word-for-word the same claim of an assassination in one village,
        // posted twice on one day: two attacks. A newsletter's list repeats
        // them; a wire relaying the claim is another source.
        let a = claimed(told(1, 11, Attack, Some(ArmedAssault), None));
        let mut b = claimed(told(2, 11, Attack, Some(ArmedAssault), None));
        b.document_id = vigil_model::DocumentId(2);
        let channel = Origin {
            source: Some(SourceId(7)),
            own_voice: true,
            ..Origin::default()
        };
        let opts = LinkOptions::default();
        let rows = [
            (
                "two posts of the channel",
                channel,
                channel,
                Some(Apart::SameChannel),
            ),
            (
                "a post and the channel's newsletter list",
                channel,
                Origin {
                    list: true,
                    ..channel
                },
                None,
            ),
            (
                "the channel and a wire relaying its claim",
                channel,
                Origin {
                    source: Some(SourceId(8)),
                    own_voice: false,
                    ..channel
                },
                None,
            ),
            (
                "two stories of one wire relaying claims",
                Origin {
                    own_voice: false,
                    ..channel
                },
                Origin {
                    own_voice: false,
                    ..channel
                },
                None,
            ),
            (
                "a supporter's forward of the post",
                channel,
                Origin {
                    forwarded: true,
                    ..channel
                },
                None,
            ),
        ];
        for (what, x, y, want) in rows {
            assert_eq!(apart_from((&a, x), (&b, y), &opts), want, "{what}");
        }
        // And linking keeps them apart, with a third report between.
        let wire = told(3, 11, Attack, Some(ArmedAssault), None);
        let wire_origin = Origin {
            source: Some(SourceId(8)),
            ..Origin::default()
        };
        let got = link_from(&[a, b, wire], &[channel, channel, wire_origin], &opts);
        assert_eq!(got.len(), 2, "{got:?}");
    }

    #[test]
    fn sources_type_one_attack_differently_at_one_place() {
        // OCHA's villages carry no gazetteer id: their point names them.
        const HITTIN: (f64, f64) = (35.9967, 38.9729);
        const BIR_ADMAN: (f64, f64) = (36.0339, 39.8835);
        let claim = at_village(told(1, 11, ArmedClash, Some(ArmedAssault), None), HITTIN);
        let opts = LinkOptions::default();
        let rows = [
            (
                "the translation's attack at the same village",
                at_village(told(2, 11, Attack, Some(ArmedAssault), None), HITTIN),
                None,
            ),
            (
                "the wire's, a day later, at the same village",
                at_village(told(2, 12, Attack, Some(ArmedAssault), None), HITTIN),
                None,
            ),
            (
                "an attack at another village",
                at_village(told(2, 11, Attack, Some(ArmedAssault), None), BIR_ADMAN),
                Some(Apart::Type),
            ),
            (
                // Not two towns by their points alone (a camp beside its
                // town): the distance decides.
                "the same type at a place without an id 8 km away",
                at_village(
                    told(2, 11, ArmedClash, Some(ArmedAssault), None),
                    (35.99, 39.06),
                ),
                None,
            ),
            (
                "a kidnapping at the same village the next day",
                at_village(told(2, 12, Abduction, Some(Kidnapping), None), HITTIN),
                Some(Apart::Type),
            ),
            (
                "a kidnapping in the province the same day",
                in_province(told(2, 11, Abduction, Some(Kidnapping), None)),
                Some(Apart::Type),
            ),
            (
                "the wire's attack in the province, the same day",
                in_province(told(2, 11, Attack, Some(ArmedAssault), None)),
                None,
            ),
            (
                "the same, a day later",
                in_province(told(2, 12, Attack, Some(ArmedAssault), None)),
                Some(Apart::Type),
            ),
        ];
        for (what, other, want) in rows {
            assert_eq!(apart(&claim, &other, &opts), want, "{what}");
        }
        // A suicide bomber and an IED are one bombing to two sources.
        let ied = in_province(told(1, 11, RemoteExplosive, Some(BombingIed), None));
        let suicide = told(2, 11, SuicideBomb, Some(SuicideAttack), None);
        assert_eq!(apart(&ied, &suicide, &opts), None);
    }

    #[test]
    fn attacks_on_two_sides_are_two_events() {
        let sdf = "Syrian Democratic Forces";
        let on = |id, target| told(id, 11, RemoteExplosive, Some(BombingIed), target);
        let opts = LinkOptions::default();
        let rows = [
            (
                "the Syrian army",
                Some("Syrian Arab Army"),
                Some(Apart::Targets),
            ),
            (
                "the YPG, part of the SDF",
                Some("People's Protection Units"),
                None,
            ),
            ("no target named", None, None),
            (
                "a name the knowledge base does not know",
                Some("apostates"),
                None,
            ),
        ];
        for (what, target, want) in rows {
            assert_eq!(
                apart(&on(1, Some(sdf)), &on(2, target), &opts),
                want,
                "{what}"
            );
        }
    }

    #[test]
    fn a_report_joins_the_incident_with_most_evidence() {
        // Two attacks in the province on one day: an IED on an SDF patrol
        // at Qamishli and a kidnapping near Hasakah. The wire's report names
        // only the province, the IED and the SDF: it joins the IED, though
        // the kidnapping's incident is as near and older.
        let sdf = Some("Syrian Democratic Forces");
        let kidnapping = {
            let mut r = told(1, 11, Attack, Some(Kidnapping), None);
            let place = r.place.as_mut().unwrap();
            place.geonames_id = Some(2);
            place.name = "Hasakah".into();
            r
        };
        let ied = told(2, 11, RemoteExplosive, Some(BombingIed), sdf);
        let wire = in_province(told(3, 11, RemoteExplosive, Some(BombingIed), sdf));
        let got = link(&[kidnapping, ied, wire], &LinkOptions::default());
        assert_eq!(got, vec![vec![0], vec![1, 2]]);
    }
}
