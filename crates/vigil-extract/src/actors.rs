//! Who did it to whom, and who says so: actor mentions in perpetrator and
//! target roles, and the report's claim status.
//!
//! A perpetrator needs an explicit cue: a claim ("X claimed
//! responsibility", "تبنى تنظيم الدولة"), an agent phrase ("by X", "X
//! gunmen opened fire"), or X as the subject of an attack verb. A group
//! merely named nearby is not a perpetrator: a wrong name costs an analyst
//! more than a blank.

use vigil_model::ClaimStatus;

use crate::kb::{ClaimCue, Kb};
use crate::matcher::Hit;
use crate::text::{Kind, Text};

/// An actor in a role, with the tokens that name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleMention {
    /// Index into `Kb::actors`.
    pub actor: usize,
    /// First token of the name.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// First token of the cue that gave the role.
    pub cue: usize,
}

/// Roles and claim status of a passage.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Roles {
    /// The side that carried it out.
    pub perpetrators: Vec<RoleMention>,
    /// The side it was carried out against.
    pub targets: Vec<RoleMention>,
    /// Claim status and its cue's tokens, when a cue decided it.
    pub claim: Option<(ClaimStatus, (usize, usize))>,
    /// Who says so, as written.
    pub attribution: Option<(String, (usize, usize))>,
}

/// Words naming the members of a group ("IS fighters", "عناصر التنظيم").
const AGENTS: &[&str] = &[
    "fighters",
    "militants",
    "gunmen",
    "insurgents",
    "members",
    "operatives",
    "bomber",
    "bombers",
    "cell",
    "cells",
    "elements",
    "militiamen",
    "attackers",
    "suspects",
    "terrorists",
    "jihadists",
    "عناصر",
    "مسلحو",
    "مسلحين",
    "مقاتلو",
    "مقاتلي",
    "خلايا",
    "خليه",
    "انتحاري",
    "انتحاريو",
];
/// Attack verbs that make the actor before them (English) or after them
/// (Arabic verb-first order) the perpetrator.
const ATTACK_VERBS: &[&str] = &[
    "attacked",
    "attacks",
    "attack",
    "killed",
    "kills",
    "detonated",
    "detonate",
    "bombed",
    "shelled",
    "stormed",
    "ambushed",
    "targeted",
    "targets",
    "struck",
    "strikes",
    "launched",
    "opened",
    "shot",
    "kidnapped",
    "abducted",
    "executed",
    "seized",
    "captured",
    "raided",
    "fired",
    "hit",
    "carried",
    "blew",
    "assassinated",
    "beheaded",
    "set",
    "استهدف",
    "استهدفت",
    "هاجم",
    "هاجمت",
    "شن",
    "شنت",
    "فجر",
    "فجرت",
    "قصف",
    "قصفت",
    "اغتال",
    "اغتالت",
    "اختطف",
    "اختطفت",
    "قتل",
    "قتلت",
    "نفذ",
    "نفذت",
    "اقتحم",
    "اقتحمت",
    "اعدم",
    "اعدمت",
];
/// Words after which an actor is the target ("targeting X", "against X").
const TARGET_CUES: &[&str] = &[
    "targeting",
    "targeted",
    "against",
    "attacked",
    "attacking",
    "ambushed",
    "ambushing",
    "on",
    "at",
    "killing",
    "wounding",
    "kidnapping",
    "استهداف",
    "استهدفت",
    "استهدف",
    "ضد",
    "على",
    "دوريه",
    "دوريات",
    "حاجز",
    "مقر",
    "نقطه",
    "عنصر",
    "عناصر",
    "مقاتلي",
    "رتل",
    "ارتال",
    "موقع",
    "مواقع",
    "لصالح",
];
/// Words after an actor that make it the target ("an SDF patrol").
const TARGET_NOUNS: &[&str] = &[
    "patrol",
    "patrols",
    "convoy",
    "checkpoint",
    "checkpoints",
    "base",
    "bases",
    "position",
    "positions",
    "post",
    "vehicle",
    "vehicles",
    "headquarters",
    "soldiers",
    "troops",
    "officers",
    "officer",
    "recruits",
    "personnel",
    "commander",
    "member",
    "members",
    "fighter",
    "fighters",
    "policemen",
    "police",
    "station",
    "office",
    "offices",
];

/// Finds roles and claim status in `sentences` (token ranges).
/// `source_claims` is the actor a militant official source speaks for:
/// its own reports are claims, and it is the perpetrator where the text
/// names none.
pub fn roles(
    kb: &Kb,
    t: &Text<'_>,
    sentences: &[std::ops::Range<usize>],
    source_claims: Option<usize>,
) -> Roles {
    let mut out = Roles::default();
    for r in sentences {
        let actors = kb.actor_names.find(t, r.clone());
        let cues = kb.claim_cues.find(t, r.clone());
        for h in &actors {
            let actor = *h.value;
            if let Some(cue) = perpetrator_cue(t, r, h, &actors, &cues) {
                push(
                    &mut out.perpetrators,
                    RoleMention {
                        actor,
                        start: h.start,
                        end: h.end,
                        cue,
                    },
                );
            } else if let Some(cue) = target_cue(t, r, h) {
                push(
                    &mut out.targets,
                    RoleMention {
                        actor,
                        start: h.start,
                        end: h.end,
                        cue,
                    },
                );
            }
        }
        for c in &cues {
            let negated =
                c.start > r.start && matches!(t.tok(c.start - 1), "not" | "no" | "لم" | "لا");
            let status = match c.value {
                ClaimCue::Claimed => ClaimStatus::Claimed,
                ClaimCue::Denied => ClaimStatus::Denied,
                ClaimCue::Confirmed if !negated => ClaimStatus::Confirmed,
                ClaimCue::Confirmed | ClaimCue::Reported => ClaimStatus::Reported,
            };
            // Stronger statements win: denied > confirmed > claimed > reported.
            let rank = |s: ClaimStatus| match s {
                ClaimStatus::Denied => 3,
                ClaimStatus::Confirmed => 2,
                ClaimStatus::Claimed => 1,
                ClaimStatus::Reported => 0,
            };
            if out.claim.is_none_or(|(s, _)| rank(status) > rank(s)) {
                out.claim = Some((status, (c.start, c.end)));
            }
            if *c.value == ClaimCue::Reported && out.attribution.is_none() {
                out.attribution = speaker(t, r, c);
            }
        }
    }
    // A target that is also named perpetrator stays perpetrator only.
    let perps: Vec<usize> = out.perpetrators.iter().map(|p| p.actor).collect();
    out.targets.retain(|m| !perps.contains(&m.actor));
    if let Some(actor) = source_claims {
        if out.perpetrators.is_empty() {
            out.perpetrators.push(RoleMention {
                actor,
                start: 0,
                end: 0,
                cue: 0,
            });
        }
        // The group's own media asserting its attack is a claim, whatever
        // verbs it uses; only a denial changes that.
        if !matches!(out.claim, Some((ClaimStatus::Denied, _))) {
            out.claim = Some((ClaimStatus::Claimed, out.claim.map_or((0, 0), |c| c.1)));
        }
    }
    out
}

fn push(list: &mut Vec<RoleMention>, m: RoleMention) {
    if !list.iter().any(|x| x.actor == m.actor) {
        list.push(m);
    }
}

fn perpetrator_cue(
    t: &Text<'_>,
    r: &std::ops::Range<usize>,
    h: &Hit<'_, usize>,
    actors: &[Hit<'_, usize>],
    cues: &[Hit<'_, ClaimCue>],
) -> Option<usize> {
    // A claim next to the name: "X claimed responsibility" (English: the
    // name before the cue), "تبنى تنظيم الدولة" (Arabic: the first name
    // after it). Only the nearest name: the target often follows.
    for c in cues.iter().filter(|c| *c.value == ClaimCue::Claimed) {
        let arabic = t
            .tok(c.start)
            .chars()
            .next()
            .is_some_and(|ch| !ch.is_ascii());
        if arabic {
            let first_after = actors.iter().find(|a| a.start >= c.end);
            if first_after.is_some_and(|a| a.start == h.start && h.start - c.end <= 6) {
                return Some(c.start);
            }
        } else {
            let last_before = actors.iter().rev().find(|a| a.end <= c.start);
            if last_before.is_some_and(|a| a.start == h.start && c.start - h.end <= 6) {
                return Some(c.start);
            }
        }
    }
    // "by X", "by suspected X".
    let mut b = h.start;
    while b > r.start
        && matches!(
            t.tok(b - 1),
            "the" | "suspected" | "alleged" | "militants" | "fighters" | "members" | "of"
        )
    {
        b -= 1;
    }
    if b > r.start && t.tok(b - 1) == "by" {
        return Some(b - 1);
    }
    // "X fighters attacked", "X gunmen opened fire", "عناصر من داعش هاجموا".
    let after = if h.end < r.end { t.tok(h.end) } else { "" };
    let agent_after = AGENTS.contains(&after);
    let agent_before = h.start > r.start + 1 && AGENTS.contains(&t.tok(h.start - 1))
        || (h.start > r.start + 1
            && t.tok(h.start - 1) == "من"
            && AGENTS.contains(&t.tok(h.start - 2)));
    let verb_after = (h.end..(h.end + 4).min(r.end)).find(|&k| ATTACK_VERBS.contains(&t.tok(k)));
    let passive =
        verb_after.is_some_and(|k| k > h.end && matches!(t.tok(k - 1), "were" | "was" | "been"));
    if let Some(k) = verb_after {
        if !passive && (agent_after || agent_before || k == h.end) {
            return Some(k);
        }
    }
    // Arabic verb-first: "استهدف تنظيم الدولة دورية".
    let mut v = h.start;
    while v > r.start
        && matches!(
            t.tok(v - 1),
            "تنظيم" | "عناصر" | "مسلحو" | "مقاتلو" | "جماعه"
        )
    {
        v -= 1;
    }
    if v > r.start
        && ATTACK_VERBS.contains(&t.tok(v - 1))
        && t.tok(v - 1).chars().next().is_some_and(|c| !c.is_ascii())
    {
        return Some(v - 1);
    }
    None
}

fn target_cue(t: &Text<'_>, r: &std::ops::Range<usize>, h: &Hit<'_, usize>) -> Option<usize> {
    let mut b = h.start;
    while b > r.start && matches!(t.tok(b - 1), "the" | "a" | "an" | "of" | "من" | "ل") {
        b -= 1;
    }
    if b > r.start && TARGET_CUES.contains(&t.tok(b - 1)) {
        return Some(b - 1);
    }
    // Arabic construct: "دورية لقوات سوريا الديمقراطية" — the proclitic ل
    // is inside the name's first token.
    if h.end < r.end && TARGET_NOUNS.contains(&t.tok(h.end)) {
        return Some(h.end);
    }
    None
}

/// "officials said", "according to the monitor": up to four words naming
/// who says so.
fn speaker(
    t: &Text<'_>,
    r: &std::ops::Range<usize>,
    c: &Hit<'_, ClaimCue>,
) -> Option<(String, (usize, usize))> {
    let cue = t.tok(c.start);
    if matches!(cue, "according" | "بحسب" | "حسب" | "وفقا" | "نقلا") {
        let start = c.end;
        let mut end = start;
        while end < r.end && end - start < 5 && t.kind(end) != Kind::Punct {
            end += 1;
        }
        return (end > start).then(|| (t.original_of(start, end), (start, end)));
    }
    let verb = c.end - 1;
    if matches!(t.tok(verb), "said" | "says" | "told" | "reported") && verb > r.start {
        let end = verb;
        let mut start = end;
        while start > r.start
            && end - start < 4
            && t.kind(start - 1) == Kind::Word
            && !matches!(t.tok(start - 1), "and" | "he" | "she" | "it" | "they")
        {
            start -= 1;
        }
        return (start < end).then(|| (t.original_of(start, end), (start, end)));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, source: Option<&str>) -> (Vec<String>, Vec<String>, Option<ClaimStatus>) {
        let kb = Kb::bundled();
        let t = Text::new(text);
        let src = source.map(|k| kb.actor_by_key[k]);
        let r = roles(kb, &t, &t.sentences, src);
        let names = |v: &[RoleMention]| v.iter().map(|m| kb.actors[m.actor].key.clone()).collect();
        (
            names(&r.perpetrators),
            names(&r.targets),
            r.claim.map(|c| c.0),
        )
    }

    #[test]
    fn role_table() {
        type Row<'a> = (
            &'a str,
            Option<&'a str>,
            &'a [&'a str],
            &'a [&'a str],
            Option<ClaimStatus>,
        );
        let rows: &[Row<'_>] = &[
            (
                "The Islamic State of Iraq claimed responsibility for the bombing.",
                None,
                &["islamic-state-of-iraq"],
                &[],
                Some(ClaimStatus::Claimed),
            ),
            (
                "Responsibility was claimed by Ansar al-Sunnah.",
                None,
                &["ansar-al-sunnah"],
                &[],
                Some(ClaimStatus::Claimed),
            ),
            (
                "IS fighters attacked an SDF patrol near al-Shuhayl, officials said.",
                None,
                &["islamic-state"],
                &["syrian-democratic-forces"],
                Some(ClaimStatus::Reported),
            ),
            (
                "An SDF patrol was attacked near al-Shuhayl.",
                None,
                &[],
                &["syrian-democratic-forces"],
                None,
            ),
            (
                "تبنى تنظيم الدولة استهداف دورية لقوات سوريا الديمقراطية بعبوة ناسفة",
                None,
                &["islamic-state"],
                &["syrian-democratic-forces"],
                Some(ClaimStatus::Claimed),
            ),
            (
                "استهداف دورية لقسد بعبوة ناسفة قرب الشحيل",
                Some("islamic-state"),
                &["islamic-state"],
                &["syrian-democratic-forces"],
                Some(ClaimStatus::Claimed),
            ),
            (
                "The attack could not be independently verified.",
                None,
                &[],
                &[],
                Some(ClaimStatus::Reported),
            ),
            (
                "Kurdish officials independently confirmed the escape.",
                None,
                &[],
                &[],
                Some(ClaimStatus::Confirmed),
            ),
            (
                "The SDF denied the claim.",
                None,
                &[],
                &[],
                Some(ClaimStatus::Denied),
            ),
            (
                "Analysts say al-Qaeda remains a threat in the region.",
                None,
                &[],
                &[],
                None,
            ),
        ];
        for (text, src, perps, targets, claim) in rows {
            let (p, tg, c) = run(text, *src);
            let p: Vec<&str> = p.iter().map(String::as_str).collect();
            let tg: Vec<&str> = tg.iter().map(String::as_str).collect();
            assert_eq!(
                (p.as_slice(), tg.as_slice(), c),
                (*perps, *targets, *claim),
                "{text}"
            );
        }
    }
}
