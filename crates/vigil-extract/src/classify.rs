//! What kind of event a passage reports: ACLED sub-event type (or a class
//! outside ACLED), attack mode, and the RAND weapon class.
//!
//! Every trigger found is evidence with a weight: longer phrases weigh more
//! than single words ("suicide bomber" over "bomb"), the lead sentence more
//! than the rest. Where ACLED's own rules rank one kind of event over
//! another (a suicide bombing is a suicide bomb, not an attack on civilians;
//! a bombing is remote violence even when civilians die), the ranking is
//! applied on top of the weights.

use foldhash::{HashMap, HashMapExt};

use vigil_model::{AttackMode, SubEventType};

use crate::kb::{Class, Kb};
use crate::text::Text;

/// The classification of a passage.
#[derive(Debug, Clone, PartialEq)]
pub struct Classification {
    /// The winning class.
    pub class: Class,
    /// Its score.
    pub score: f64,
    /// Tokens of the strongest trigger of the winning class.
    pub evidence: (usize, usize),
}

/// ACLED precedence: when evidence for both is present, the first wins.
/// (A suicide bombing in a market is a suicide bomb; shelling that kills
/// civilians is shelling; clashes in which a town is taken are a change of
/// territory.)
const PRECEDENCE: &[(SubEventType, &[SubEventType])] = &[
    (
        SubEventType::SuicideBomb,
        &[
            SubEventType::RemoteExplosiveLandmineIed,
            SubEventType::Attack,
            SubEventType::ArmedClash,
            SubEventType::Grenade,
        ],
    ),
    (
        SubEventType::ChemicalWeapon,
        &[
            SubEventType::ShellingArtilleryMissileAttack,
            SubEventType::AirDroneStrike,
            SubEventType::Attack,
        ],
    ),
    (
        SubEventType::AirDroneStrike,
        &[
            SubEventType::ShellingArtilleryMissileAttack,
            SubEventType::Attack,
            SubEventType::ArmedClash,
        ],
    ),
    (
        SubEventType::RemoteExplosiveLandmineIed,
        &[SubEventType::Attack, SubEventType::ArmedClash],
    ),
    (
        SubEventType::ShellingArtilleryMissileAttack,
        &[SubEventType::Attack, SubEventType::ArmedClash],
    ),
    (SubEventType::Grenade, &[SubEventType::Attack]),
    (
        SubEventType::AbductionForcedDisappearance,
        &[SubEventType::Attack],
    ),
    (SubEventType::SexualViolence, &[SubEventType::Attack]),
    (
        SubEventType::NonStateActorOvertakesTerritory,
        &[SubEventType::ArmedClash],
    ),
    (
        SubEventType::GovernmentRegainsTerritory,
        &[SubEventType::ArmedClash],
    ),
    (
        SubEventType::ExcessiveForceAgainstProtesters,
        &[
            SubEventType::PeacefulProtest,
            SubEventType::ProtestWithIntervention,
            SubEventType::Attack,
        ],
    ),
    (
        SubEventType::ProtestWithIntervention,
        &[SubEventType::PeacefulProtest],
    ),
    (
        SubEventType::ViolentDemonstration,
        &[
            SubEventType::PeacefulProtest,
            SubEventType::ProtestWithIntervention,
        ],
    ),
];

/// Scores the sub-event classes over `sentences` (token ranges; the first
/// is the lead) and returns the best, if any trigger was found.
pub fn classify(
    kb: &Kb,
    t: &Text<'_>,
    sentences: &[std::ops::Range<usize>],
) -> Option<Classification> {
    classify_among(kb, t, sentences, false)
}

/// The best ACLED sub-event type of a passage, leaving out the classes
/// outside ACLED: for a passage that a class such as "attribution" (a
/// claim of responsibility) wins but that also tells the attack claimed.
pub fn classify_acled(
    kb: &Kb,
    t: &Text<'_>,
    sentences: &[std::ops::Range<usize>],
) -> Option<Classification> {
    classify_among(kb, t, sentences, true)
}

fn classify_among(
    kb: &Kb,
    t: &Text<'_>,
    sentences: &[std::ops::Range<usize>],
    acled_only: bool,
) -> Option<Classification> {
    candidates(kb, t, sentences, acled_only, &|_| true)
        .into_iter()
        .next()
}

/// Every class the rules found evidence for, best first (after ACLED's
/// precedence), each with its score and its strongest trigger: the classes
/// among which the event-type model may choose when the passage becomes a
/// report, since each has a span of the text to show for it. A trigger
/// counts only where `word(token)` says its first token is a word of the
/// text's own (not of a date or a place's name).
pub fn candidates(
    kb: &Kb,
    t: &Text<'_>,
    sentences: &[std::ops::Range<usize>],
    acled_only: bool,
    word: &dyn Fn(usize) -> bool,
) -> Vec<Classification> {
    let mut scores: HashMap<Class, (f64, (usize, usize), f64)> = HashMap::new();
    for (si, r) in sentences.iter().enumerate() {
        let lead = if si == 0 { 1.5 } else { 1.0 };
        for hit in kb.sub_event_triggers.find(t, r.clone()) {
            if !word(hit.start) {
                continue;
            }
            let w = lead * (1.0 + 0.6 * (hit.words as f64 - 1.0));
            let e = scores
                .entry(*hit.value)
                .or_insert((0.0, (hit.start, hit.end), 0.0));
            e.0 += w;
            if w > e.2 {
                e.1 = (hit.start, hit.end);
                e.2 = w;
            }
        }
    }
    for r in sentences {
        for hit in kb.weak_triggers.find(t, r.clone()) {
            if !word(hit.start) {
                continue;
            }
            let e = scores
                .entry(*hit.value)
                .or_insert((0.0, (hit.start, hit.end), 0.0));
            e.0 += WEAK;
        }
    }
    apply_context(kb, t, sentences, &mut scores);
    if acled_only {
        scores.retain(|c, _| matches!(c, Class::Acled(_)));
    }
    if scores.is_empty() {
        return Vec::new();
    }
    // Precedence: a present higher-ranked ACLED type absorbs the scores of
    // the types it outranks.
    for (winner, losers) in PRECEDENCE {
        let w = Class::Acled(*winner);
        if let Some(&(ws, _, _)) = scores.get(&w) {
            let mut absorbed = 0.0;
            for l in *losers {
                if let Some(e) = scores.get_mut(&Class::Acled(*l)) {
                    absorbed += e.0;
                    e.0 = 0.0;
                }
            }
            if let Some(e) = scores.get_mut(&w) {
                e.0 = ws + absorbed;
            }
        }
    }
    let mut out: Vec<Classification> = scores
        .into_iter()
        .filter(|(_, (score, _, _))| *score > 0.0)
        .map(|(class, (score, evidence, _))| Classification {
            class,
            score,
            evidence,
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| order(&a.class).cmp(&order(&b.class)))
    });
    out
}

/// The weight of a generic trigger ("explosion").
const WEAK: f64 = 0.35;

type Scores = HashMap<Class, (f64, (usize, usize), f64)>;

/// How many tokens after an attack word its object may start ("killed two
/// of the policemen").
const ARMED_OBJECT_WINDOW: usize = 4;

/// ACLED distinctions that hang on who acts and against whom, decided by
/// context cues (data/kb/typology.toml `[[context_cue]]`):
/// - weapons found or seized with no one hurt: disrupted weapons use;
/// - an attack verb silent about its target: an armed clash when armed
///   forces are named, else an attack;
/// - an attack on armed men (soldiers, police, fighters): an armed clash;
/// - territory taken: regained by the government when state forces act,
///   else overtaken by a non-state actor.
fn apply_context(kb: &Kb, t: &Text<'_>, sentences: &[std::ops::Range<usize>], scores: &mut Scores) {
    use crate::kb::Context;
    let hits: Vec<_> = sentences
        .iter()
        .flat_map(|r| kb.context.find(t, r.clone()))
        .collect();
    let has = |c: Context| hits.iter().any(|h| h.value.has(c));
    let first = |c: Context| {
        hits.iter()
            .find(|h| h.value.has(c))
            .map(|h| (h.start, h.end))
    };
    let mut add = |class: SubEventType, w: f64, ev: (usize, usize)| {
        let e = scores.entry(Class::Acled(class)).or_insert((0.0, ev, 0.0));
        e.0 += w;
    };
    let hurt = sentences.iter().any(|r| {
        kb.count_cues.find(t, r.clone()).iter().any(|h| {
            matches!(
                h.value,
                crate::kb::Outcome::Killed | crate::kb::Outcome::Injured
            )
        })
    });
    let weapons_named = sentences
        .iter()
        .any(|r| !kb.weapon_triggers.find(t, r.clone()).is_empty());
    if has(Context::Discovery) && (weapons_named || has(Context::WeaponItem)) && !hurt {
        add(
            SubEventType::DisruptedWeaponsUse,
            3.0,
            first(Context::Discovery).unwrap_or_default(),
        );
    }
    if let Some(ev) = first(Context::GenericAttack) {
        let n = hits
            .iter()
            .filter(|h| h.value.has(Context::GenericAttack))
            .count() as f64;
        // Armed forces as the object of the attack, not its subject
        // ("militants attacked a checkpoint", not "militants attacked a
        // wedding").
        let armed_object = hits
            .iter()
            .any(|h| h.value.has(Context::ArmedTarget) && h.start > ev.0);
        if armed_object {
            add(SubEventType::ArmedClash, n * 0.8, ev);
        } else {
            add(SubEventType::Attack, n * 0.8, ev);
        }
    }
    // ACLED's "attack" is violence against civilians; the same act against
    // armed men (soldiers, police, a group's fighters) is an armed clash:
    // "gunmen assassinated an SDF fighter", "اغتيال عنصر من قسد".
    let attack = Class::Acled(SubEventType::Attack);
    if let Some(&(w, ev, b)) = scores.get(&attack) {
        let sentence = sentences.iter().find(|r| r.contains(&ev.0));
        let armed_object = hits.iter().any(|h| {
            h.value.has(Context::ArmedTarget)
                && h.start >= ev.1
                && h.start <= ev.1 + ARMED_OBJECT_WINDOW
                && sentence.is_some_and(|r| r.contains(&h.start))
        });
        if armed_object {
            scores.remove(&attack);
            let e = scores
                .entry(Class::Acled(SubEventType::ArmedClash))
                .or_insert((0.0, ev, b));
            e.0 += w;
        }
    }
    // A post or checkpoint that is attacked is the object of violence, not
    // a base being set up: "هاجموا حاجزاً", "attacked an outpost".
    let base = Class::Acled(SubEventType::HeadquartersOrBaseEstablished);
    if let Some(&(w, ev, b)) = scores.get(&base) {
        let sentence = sentences.iter().find(|r| r.contains(&ev.0));
        let attacked = hits.iter().any(|h| {
            h.value.has(Context::GenericAttack)
                && h.end <= ev.0
                && sentence.is_some_and(|r| r.contains(&h.start))
        });
        if attacked {
            scores.remove(&base);
            let e = scores
                .entry(Class::Acled(SubEventType::ArmedClash))
                .or_insert((0.0, ev, b));
            e.0 += w;
        }
    }
    // Something exploded at a plant or a tank, and no bomb or attack is
    // named: an accident, not remote violence.
    let rem = Class::Acled(SubEventType::RemoteExplosiveLandmineIed);
    let strong_bomb = sentences.iter().any(|r| {
        kb.sub_event_triggers
            .find(t, r.clone())
            .iter()
            .any(|h| *h.value == rem)
    });
    let man_made = kb
        .sub_events
        .iter()
        .position(|s| s.key == "man_made_disaster")
        .map(Class::Outside);
    let something_blew =
        scores.contains_key(&rem) || man_made.is_some_and(|m| scores.contains_key(&m));
    if something_blew && has(Context::Industrial) && !strong_bomb && !has(Context::GenericAttack) {
        if let Some(i) = kb
            .sub_events
            .iter()
            .position(|s| s.key == "man_made_disaster")
        {
            let e = scores
                .entry(Class::Outside(i))
                .or_insert((0.0, (0, 0), 0.0));
            e.0 += 2.0;
        }
        scores.remove(&rem);
    }
    // Among protesters, clashes are a riot and arrests an intervention.
    if has(Context::Protest) {
        for (from, to) in [
            (SubEventType::ArmedClash, SubEventType::ViolentDemonstration),
            (SubEventType::Arrests, SubEventType::ProtestWithIntervention),
        ] {
            if let Some((w, ev, b)) = scores.remove(&Class::Acled(from)) {
                let e = scores.entry(Class::Acled(to)).or_insert((0.0, ev, b));
                e.0 += w;
            }
        }
    }
    let nsa = Class::Acled(SubEventType::NonStateActorOvertakesTerritory);
    let gov = Class::Acled(SubEventType::GovernmentRegainsTerritory);
    let territory = scores.get(&nsa).map_or(0.0, |e| e.0) + scores.get(&gov).map_or(0.0, |e| e.0);
    if territory > 0.0 {
        let state_acts = territory_taken_by_state(kb, t, sentences, &hits);
        let (win, lose) = if state_acts { (gov, nsa) } else { (nsa, gov) };
        let ev = scores
            .get(&win)
            .or(scores.get(&lose))
            .map_or((0, 0), |e| e.1);
        scores.remove(&lose);
        let e = scores.entry(win).or_insert((0.0, ev, 0.0));
        e.0 = territory;
    }
}

/// Whether the side taking territory is the state: the actor named
/// nearest before the first territory trigger in its sentence decides
/// ("government forces recaptured", "militants seized"); a named group
/// counts by its kind in the knowledge base.
fn territory_taken_by_state(
    kb: &Kb,
    t: &Text<'_>,
    sentences: &[std::ops::Range<usize>],
    hits: &[crate::matcher::Hit<'_, crate::kb::Contexts>],
) -> bool {
    use crate::kb::Context;
    let territory = |c: &Class| {
        matches!(
            c,
            Class::Acled(
                SubEventType::NonStateActorOvertakesTerritory
                    | SubEventType::GovernmentRegainsTerritory
            )
        )
    };
    for r in sentences {
        let Some(trigger) = kb
            .sub_event_triggers
            .find(t, r.clone())
            .into_iter()
            .find(|h| territory(h.value))
        else {
            continue;
        };
        // (position, is_state) of every actor cue before the trigger.
        let mut cues: Vec<(usize, bool)> = hits
            .iter()
            .filter(|h| r.contains(&h.start) && h.end <= trigger.start)
            .filter_map(|h| {
                if h.value.has(Context::StateActor) {
                    Some((h.start, true))
                } else if h.value.has(Context::NonStateActor) {
                    Some((h.start, false))
                } else {
                    None
                }
            })
            .collect();
        for a in kb.actor_names.find(t, r.start..trigger.start) {
            if let Some(state) = actor_is_state(kb.actors[*a.value].kind.as_str()) {
                cues.push((a.start, state));
            }
        }
        // Not an actor of the taking: the object of a preposition
        // ("a crackdown on Taliban militants recaptured", "freed from IS").
        cues.retain(|&(k, _)| {
            !(k.saturating_sub(2).max(r.start)..k)
                .any(|j| matches!(t.tok(j), "on" | "against" | "from" | "of" | "with" | "by"))
        });
        cues.sort_unstable();
        // Passive ("were pushed back from ... by the army"): the side named
        // after "by" took it; else the other side from the subject.
        let passive = trigger.start > r.start
            && matches!(
                t.tok(trigger.start - 1),
                "was" | "were" | "been" | "being" | "is" | "are"
            );
        if passive {
            let by = (trigger.end..r.end)
                .find(|&j| t.tok(j) == "by")
                .and_then(|b| {
                    let after: Vec<bool> = hits
                        .iter()
                        .filter(|h| h.start > b && h.start <= b + 4)
                        .filter_map(|h| {
                            if h.value.has(Context::StateActor) {
                                Some(true)
                            } else if h.value.has(Context::NonStateActor) {
                                Some(false)
                            } else {
                                None
                            }
                        })
                        .chain(
                            kb.actor_names
                                .find(t, b + 1..(b + 6).min(r.end))
                                .into_iter()
                                .filter_map(|a| actor_is_state(kb.actors[*a.value].kind.as_str())),
                        )
                        .collect();
                    after.first().copied()
                });
            if let Some(state) = by {
                return state;
            }
            if let Some(&(_, state)) = cues.first() {
                return !state;
            }
        }
        // Active: the subject, the first actor of the trigger's clause
        // ("In Anbar, the security forces and allied militias recaptured").
        let clause_start = (r.start..trigger.start)
            .rev()
            .find(|&j| matches!(t.tok(j), "," | ";" | ":"))
            .map_or(r.start, |j| j + 1);
        if let Some(&(_, state)) = cues
            .iter()
            .find(|c| c.0 >= clause_start)
            .or_else(|| cues.first())
        {
            return state;
        }
        return hits
            .iter()
            .any(|h| r.contains(&h.start) && h.value.has(Context::StateActor));
    }
    false
}

/// Whether an actor of this kind in the knowledge base is the state's
/// (`None`: neither, such as civilians).
fn actor_is_state(kind: &str) -> Option<bool> {
    match kind {
        "state_force" | "police" | "government" => Some(true),
        "jihadist_group" | "rebel_group" | "militia" => Some(false),
        _ => None,
    }
}

/// A stable order for ties.
fn order(c: &Class) -> usize {
    match c {
        Class::Acled(t) => SubEventType::ALL.iter().position(|x| x == t).unwrap_or(0),
        Class::Outside(i) => 100 + i,
    }
}

/// Attack modes, most specific first: the first present wins.
const MODE_ORDER: &[AttackMode] = &[
    AttackMode::PrisonAttackEscape,
    AttackMode::SuicideAttack,
    AttackMode::VehicleBomb,
    AttackMode::BombingIed,
    AttackMode::ShellingAirStrike,
    AttackMode::Kidnapping,
    AttackMode::Assassination,
    AttackMode::Arson,
    AttackMode::ArmedAssault,
    AttackMode::Other,
];

/// The attack mode of a passage, with its evidence, if any trigger names one.
pub fn attack_mode(
    kb: &Kb,
    t: &Text<'_>,
    sentences: &[std::ops::Range<usize>],
    word: &dyn Fn(usize) -> bool,
) -> Option<(AttackMode, (usize, usize))> {
    let hits: Vec<_> = sentences
        .iter()
        .flat_map(|r| kb.attack_triggers.find(t, r.clone()))
        .filter(|h| word(h.start))
        .collect();
    MODE_ORDER.iter().find_map(|m| {
        hits.iter()
            .find(|h| h.value == m)
            .map(|h| (*m, (h.start, h.end)))
    })
}

/// RAND weapon classes, most specific first.
const WEAPON_ORDER: &[&str] = &[
    "chemical",
    "remote_explosive",
    "explosives",
    "incendiary",
    "firearms",
    "melee",
    "other",
];

/// The RAND weapon class of a passage: the weapon named, else the one the
/// attack mode implies, else `unknown`.
pub fn weapon(
    kb: &Kb,
    t: &Text<'_>,
    sentences: &[std::ops::Range<usize>],
    mode: Option<AttackMode>,
    word: &dyn Fn(usize) -> bool,
) -> (String, Option<(usize, usize)>) {
    let hits: Vec<_> = sentences
        .iter()
        .flat_map(|r| kb.weapon_triggers.find(t, r.clone()))
        .filter(|h| word(h.start))
        .collect();
    let mut count: HashMap<&str, usize> = HashMap::new();
    for h in &hits {
        *count.entry(h.value.as_str()).or_default() += 1;
    }
    // Explosives named alongside a remote trigger are remote explosives;
    // otherwise the most specific class present.
    for w in WEAPON_ORDER {
        if count.contains_key(w) {
            let h = hits.iter().find(|h| h.value == w).map(|h| (h.start, h.end));
            return (w.to_string(), h);
        }
    }
    match mode.and_then(|m| kb.mode_weapon.get(&m)) {
        Some(w) => (w.clone(), None),
        None => ("unknown".to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class_of(text: &str) -> Option<String> {
        let kb = Kb::bundled();
        let t = Text::new(text);
        let c = classify(kb, &t, &t.sentences)?;
        Some(match c.class {
            Class::Acled(s) => s.to_string(),
            Class::Outside(i) => kb.sub_events[i].key.clone(),
        })
    }

    #[test]
    fn classification_table() {
        let rows: &[(&str, &str)] = &[
            (
                "A double suicide bombing at a restaurant in Qamishli killed three people.",
                "suicide_bomb",
            ),
            // Violence against armed men is a clash, against civilians an
            // attack.
            (
                "Gunmen assassinated an SDF fighter in Hajin on Tuesday.",
                "armed_clash",
            ),
            (
                "تبنى التنظيم اغتيال عنصر من قسد بمسدس في حي المشلب بمدينة الرقة.",
                "armed_clash",
            ),
            (
                "Gunmen assassinated a local teacher in Hajin on Tuesday.",
                "attack",
            ),
            // An attacked post is not a base being set up.
            (
                "قال تنظيم الدولة إن عناصره هاجموا نقطة عسكرية لقوات سوريا الديمقراطية في بلدة هجين.",
                "armed_clash",
            ),
            (
                "هجوم على حاجز لقوات سوريا الديمقراطية عند مدخل البصيرة",
                "armed_clash",
            ),
            (
                "The army set up a new military base near Hajin.",
                "headquarters_or_base_established",
            ),
            // Who took the ground: the subject of its clause, the agent of a
            // passive, never the object of a preposition.
            (
                "In the north, security forces and allied tribal militias recaptured two villages.",
                "government_regains_territory",
            ),
            (
                "Security forces in a crackdown on rebel fighters recaptured the crossing on Friday.",
                "government_regains_territory",
            ),
            (
                "The militants were pushed back from the hills by the army.",
                "government_regains_territory",
            ),
            (
                "The insurgents captured the district centre after a night of fighting.",
                "non_state_actor_overtakes_territory",
            ),
            (
                "A roadside bomb struck an army patrol near Tikrit.",
                "remote_explosive_landmine_ied",
            ),
            (
                "Turkish artillery shelled villages near Ras al-Ain.",
                "shelling_artillery_missile_attack",
            ),
            ("A drone strike hit a car near Idlib.", "air_drone_strike"),
            (
                "Clashes broke out between the SDF and Turkish-backed fighters near Tal Abyad.",
                "armed_clash",
            ),
            (
                "Gunmen kidnapped two aid workers in Mosul.",
                "abduction_forced_disappearance",
            ),
            (
                "Police arrested 12 suspects in a raid in Hasakah.",
                "arrests",
            ),
            (
                "Thousands marched peacefully in Beirut to demand reforms.",
                "peaceful_protest",
            ),
            (
                "تفجير انتحاري مزدوج يستهدف مطعما في القامشلي",
                "suicide_bomb",
            ),
            (
                "انفجار عبوة ناسفة بدورية لقسد في ريف دير الزور",
                "remote_explosive_landmine_ied",
            ),
            (
                "The think tank estimates 12,000 detainees are held in SDF custody.",
                "",
            ),
            (
                "Government forces captured the town after a week of fighting.",
                "government_regains_territory",
            ),
            (
                "Rebels captured the town after a week of fighting.",
                "non_state_actor_overtakes_territory",
            ),
            (
                "Iraqi paramilitary troops recaptured another village on Sunday.",
                "government_regains_territory",
            ),
            (
                "Police found two explosive devices near the station and made them safe.",
                "disrupted_weapons_use",
            ),
            (
                "Militants attacked a checkpoint, killing four soldiers.",
                "armed_clash",
            ),
            (
                "Militants attacked a wedding party, killing four guests.",
                "attack",
            ),
            (
                "A gas tank exploded at a chemical plant, injuring four workers.",
                "man_made_disaster",
            ),
            (
                "Clashes broke out between police and demonstrators in the capital.",
                "violent_demonstration",
            ),
            (
                "Police detained twelve protesters during a demonstration against the new law.",
                "protest_with_intervention",
            ),
            (
                "Turkish forces set up a new military post in the countryside of Idlib.",
                "headquarters_or_base_established",
            ),
            (
                "Police seized 40 rifles and 2,000 rounds of ammunition in a raid on a warehouse.",
                "disrupted_weapons_use",
            ),
        ];
        for (text, want) in rows {
            assert_eq!(class_of(text).unwrap_or_default(), *want, "{text}");
        }
    }

    #[test]
    fn weapons_and_modes() {
        let kb = Kb::bundled();
        let rows: &[(&str, &str, Option<AttackMode>)] = &[
            (
                "Gunmen shot dead a police officer.",
                "firearms",
                Some(AttackMode::Assassination),
            ),
            (
                "Gunmen stormed a checkpoint and opened fire.",
                "firearms",
                Some(AttackMode::ArmedAssault),
            ),
            (
                "A car bomb exploded near a market.",
                "explosives",
                Some(AttackMode::VehicleBomb),
            ),
            (
                "A remote-controlled bomb exploded under a bus.",
                "remote_explosive",
                Some(AttackMode::BombingIed),
            ),
            (
                "Attackers set fire to the office.",
                "incendiary",
                Some(AttackMode::Arson),
            ),
        ];
        for (text, want, mode) in rows {
            let t = Text::new(text);
            let m = attack_mode(kb, &t, &t.sentences, &|_| true).map(|m| m.0);
            assert_eq!(m, *mode, "{text}");
            assert_eq!(
                weapon(kb, &t, &t.sentences, m, &|_| true).0,
                *want,
                "{text}"
            );
        }
    }
}
