//! Who did it to whom, and who says so: actor mentions in perpetrator and
//! target roles, and the report's claim status.
//!
//! A perpetrator needs an explicit cue, of one of three kinds, listed in
//! this order of trust (the first perpetrator is the one a reader names):
//!
//! 1. a claim: "X claimed responsibility", "the attack was claimed by the
//!    group loyal to ..., X", "a group calling itself X", "X released a
//!    video of the killing", "X said it carried out", "تبنى تنظيم
//!    الدولة", "أعلن تنظيم الدولة مسؤوليته عن";
//! 2. an agent phrase: "by X", "suspected X gunmen opened fire", "gunmen
//!    from X stormed", X as the subject of an attack verb;
//! 3. the writer's own attribution: "X is likely responsible for the
//!    attack", "X is known to operate in the area" (when it is the only
//!    group named so), "it is likely that the same group is behind it".
//!
//! A group merely named nearby is not a perpetrator: a wrong name costs an
//! analyst more than a blank. Nor is a group named by a third party's
//! blame or suspicion ("officials blamed X", "X is suspected", "X may be
//! responsible"), one given as another time's name ("X, formerly Y"), a
//! modifier ("an al-Qaeda-linked group"), a generalization ("attacks by X
//! are frequent") or a responder ("US forces killed two of the
//! attackers").

use vigil_model::ClaimStatus;

use crate::claims::{negated, Side};
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
    /// A generic enemy term in the victim's place ("المرتدين"), when no
    /// named actor is: resolved by who held the place, or kept generic.
    pub generic_target: Option<(usize, usize)>,
}

/// Words naming the members of a group ("IS fighters", "عناصر التنظيم").
const AGENTS: &[&str] = &[
    "fighters",
    "militants",
    "gunmen",
    "remnants",
    "sniper",
    "snipers",
    "squad",
    "squads",
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
    "planted",
    "torched",
    "hijacked",
    "assaulted",
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
    "سياره",
    "اليه",
    "عربه",
    "قاعده",
    "قواعد",
    "مقرات",
    "حواجز",
    "نقاط",
    "مقاتل",
    "قائد",
    "قياده",
    "تجمع",
    "تجمعات",
    "ثكنه",
];
/// Arabic nouns of people after which "في" still leads to their side
/// ("عنصراً في قسد").
const AR_MEMBER_NOUNS: &[&str] = &["عنصر", "عناصر", "مقاتل", "مقاتلي", "قائد"];

/// An Arabic cue word as the cue lists hold it: without a fused ب, و, ف
/// or ل, and without the accusative ending ("بدوريه" → "دوريه", "حاجزا" →
/// "حاجز").
fn ar_cue_form(tok: &str) -> &str {
    let letters = |s: &str| s.chars().count();
    let mut w = tok;
    for p in ["ب", "و", "ف", "ل"] {
        if let Some(rest) = w.strip_prefix(p) {
            if letters(rest) >= 3 {
                w = rest;
                break;
            }
        }
    }
    match w.strip_suffix('ا') {
        Some(rest) if letters(rest) >= 3 => rest,
        _ => w,
    }
}

fn is_target_cue(tok: &str) -> bool {
    TARGET_CUES.contains(&tok) || (is_arabic(tok) && TARGET_CUES.contains(&ar_cue_form(tok)))
}
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

/// Words after a name that make it a modifier of another noun, not an
/// actor in its own right: "an al-Qaeda-linked group", "al-Qaeda
/// affiliated Tanzim ...". Not when a preposition follows ("Ansar
/// al-Sunnah linked to al-Qaeda").
const MODIFIER_NEXT: &[&str] = &[
    "linked",
    "affiliated",
    "allied",
    "backed",
    "inspired",
    "aligned",
    "associated",
    "connected",
    "related",
];
/// Words before "to"/"with" that tie a doer to a name without making the
/// name the doer: "gunmen linked to al-Qaeda", "a militant loyal to X".
const LINKED: &[&str] = &[
    "linked",
    "affiliated",
    "tied",
    "ties",
    "links",
    "loyal",
    "allied",
    "connected",
    "associated",
    "close",
    "sympathetic",
    "opposed",
];
/// Words before a name that make it a modifier: "anti-al-Qaeda forces",
/// "pro-government militias".
const MODIFIER_PREV: &[&str] = &["anti", "pro", "non", "ex"];
/// Words shortly before a name that make it another time's name of the
/// group that acted: "ISI, formerly the Mujahideen Shura Council",
/// "(now calling itself ...)", "known in 2005 as ...". Their years are
/// not the report's: the name in use is the other one.
const FORMER_CUES: &[&str] = &["formerly", "now", "later", "renamed", "previously"];
/// Words between "by" and the name in an agent phrase: "kidnapped by a
/// group calling itself X", "by gunmen from X", "by suspected X members".
const BY_FILLER: &[&str] = &[
    "the",
    "a",
    "an",
    // "killed by gunfire from an ISIS cell", "by an IS sniper".
    "gunfire",
    "fire",
    "from",
    "cell",
    "cells",
    "remnants",
    "sniper",
    "snipers",
    "suspected",
    "alleged",
    "militants",
    "fighters",
    "members",
    "member",
    "gunmen",
    "insurgents",
    "elements",
    "militant",
    "islamist",
    "armed",
    "group",
    "of",
    "from",
    "calling",
    "itself",
    "themselves",
    "identifying",
    "as",
    "jointly",
    "both",
    "previously",
    "unknown",
    "little",
    "known",
    "new",
    "newly",
    "shadowy",
    "obscure",
    "extremist",
    "insurgent",
];
/// Participles whose "by" names an owner, a reporter or a responder, not
/// who carried out the attack: "a checkpoint manned by the Awakening",
/// "the incident was reported by the police", "arrested by police".
/// "Blamed" is here too: in the incident data an official's blame is not
/// taken as the perpetrator (see `roles`).
const NOT_AGENT_BY: &[&str] = &[
    "used",
    "manned",
    "run",
    "operated",
    "owned",
    "guarded",
    "led",
    "headed",
    "backed",
    "supported",
    "funded",
    "financed",
    "controlled",
    "staffed",
    "occupied",
    "frequented",
    "visited",
    "attended",
    "protected",
    "escorted",
    "patrolled",
    "secured",
    "sponsored",
    "founded",
    "formed",
    "created",
    "established",
    "trained",
    "employed",
    "hired",
    "reported",
    "announced",
    "confirmed",
    "stated",
    "denied",
    "condemned",
    "criticized",
    "criticised",
    "arrested",
    "detained",
    "found",
    "discovered",
    "defused",
    "dismantled",
    "rescued",
    "freed",
    "released",
    "repelled",
    "foiled",
    "thwarted",
    "surrounded",
    "blamed",
    "accused",
    "dominated",
    "inhabited",
    "populated",
    "considered",
    "designated",
    "recognized",
    "recognised",
    "followed",
    "replaced",
    "issued",
    "posted",
    "published",
    "guard",
    "supplied",
    "contracted",
];
/// Words of a generalization rather than a report of one event.
const HABITUAL: &[&str] = &[
    "frequent",
    "frequently",
    "often",
    "usually",
    "routinely",
    "regularly",
    "increasingly",
    "common",
    "commonly",
    "typically",
    "generally",
    "sometimes",
    "repeatedly",
];
/// Month names, skipped with a date between a participle and its "by".
const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
/// Adverbs between a participle and its "by": "used mainly by".
const ADVERBS: &[&str] = &[
    "mainly",
    "mostly",
    "primarily",
    "largely",
    "frequently",
    "often",
    "heavily",
    "regularly",
    "jointly",
    "also",
    "reportedly",
    "allegedly",
    "later",
    "then",
    "all",
    "both",
    "apparently",
    "usually",
    "exclusively",
    "partly",
];
/// Words that end the description between "claimed by" and the
/// claimant's name: past them a name belongs to another clause.
const CLAIM_STOP: &[&str] = &[
    "saying",
    "said",
    "says",
    "which",
    "who",
    "that",
    "because",
    "after",
    "against",
    "on",
    "targeting",
    "while",
];
/// Nouns for those who carried out an act, as the subject of a
/// self-identification ("the kidnappers identified themselves as X").
const PERPETRATOR_NOUNS: &[&str] = &[
    "group",
    "kidnappers",
    "captors",
    "abductors",
    "attackers",
    "assailants",
    "perpetrators",
    "gunmen",
    "militants",
    "insurgents",
    "bomber",
    "hijackers",
];
/// What a group releases to claim an act ("X released a video showing
/// the killing", "X posted a statement").
const RELEASE_VERBS: &[&str] = &[
    "released",
    "posted",
    "issued",
    "aired",
    "broadcast",
    "published",
    "distributed",
];
const RELEASE_OBJECTS: &[&str] = &[
    "posting",
    "message",
    "recording",
    "audiotape",
    "video",
    "videotape",
    "tape",
    "statement",
    "footage",
    "communique",
    "pictures",
    "photographs",
    "photos",
];
/// Words after a released video or statement that make it an appeal, not
/// a claim.
const APPEALS: &[&str] = &[
    "calling",
    "urging",
    "appealing",
    "asking",
    "praising",
    "condemning",
    "denouncing",
    "denying",
    "rejecting",
    "explaining",
    "mourning",
    "announcing",
];
/// Words between a group and a verb of its own report ("X said it had
/// kidnapped", "X announced that they were holding").
const SELF_REPORT: &[&str] = &[
    "said",
    "says",
    "announced",
    "stated",
    "claimed",
    "claims",
    "claiming",
];
/// Verbs a group's own report uses for its act, beyond `ATTACK_VERBS`.
const SELF_REPORT_VERBS: &[&str] = &[
    "holding",
    "responsible",
    "behind",
    "beheaded",
    "abducted",
    "kidnapped",
    "killed",
    "executed",
    "carried",
];
/// Words a writer's attribution puts between the name and
/// "responsible"/"behind": "X is most likely responsible", "X was also
/// behind".
const ATTRIBUTION_FILLER: &[&str] = &[
    "is",
    "was",
    "are",
    "were",
    "be",
    "being",
    "to",
    "that",
    "been",
    "have",
    "also",
    "most",
    "more",
    "likely",
    "probably",
    "almost",
    "certainly",
    "clearly",
    "very",
    "highly",
    "again",
    "therefore",
    "then",
    "the",
    "only",
    "main",
    "group",
    "organization",
    "ones",
    "one",
    "directly",
    "ultimately",
];
/// Hedges that keep a suspicion from being an attribution ("X may be
/// responsible", "either X or Y"), and the verbs that make it someone
/// else's belief ("officials believe X is behind it"). In the incident
/// data such reported suspicions are mostly left without a perpetrator.
const HEDGES: &[&str] = &[
    "may",
    "might",
    "could",
    "possibly",
    "either",
    "not",
    "whether",
    "unclear",
    "believe",
    "believed",
    "believes",
    "suspected",
    "suspects",
    "thought",
    "speculate",
    "speculated",
    "accused",
    "blamed",
    "both",
    "cannot",
    "never",
];
/// Verbs of a group's standing activity in an area.
const PRESENCE_VERBS: &[&str] = &[
    "active",
    "operates",
    "operate",
    "operating",
    "targets",
    "attacks",
    "uses",
    "performs",
    "conducts",
    "carries",
    "delivers",
    "continues",
];
/// Nouns of a group's presence or manner after its name: "X
/// strongholds", "an area of X activity", "X's signature".
const PRESENCE_NOUNS: &[&str] = &[
    "activity",
    "activities",
    "stronghold",
    "strongholds",
    "presence",
    "hallmark",
    "hallmarks",
    "signature",
    "trademark",
    "style",
];
/// Nouns before a name by which the writer likens the act to its usual
/// ones or places it in its ground: "the hallmarks of X", "consistent
/// with X", "a stronghold of X".
const MANNER_NOUNS: &[&str] = &[
    "hallmark",
    "hallmarks",
    "signature",
    "trademark",
    "characteristic",
    "typical",
    "consistent",
    "pattern",
    "style",
    "stronghold",
    "strongholds",
];
/// Words before a name by which the writer assigns the act to it.
const ATTRIBUTION_CUES: &[&str] = &[
    "perpetrator",
    "perpetrators",
    "attribute",
    "attributed",
    "attributing",
];
/// Words that, with a plural such as "groups", put a group among others:
/// "X and other groups", "several militant groups operate there".
const SEVERAL: &[&str] = &[
    "other", "others", "several", "number", "among", "many", "various",
];
/// Words that, with "responsibility" or "perpetrator", say who did it is
/// not known: "responsibility for the attack cannot be determined".
const UNKNOWN: &[&str] = &[
    "difficult",
    "unclear",
    "unknown",
    "uncertain",
    "uncertainty",
    "cannot",
    "undetermined",
    "impossible",
];
/// Words between a name and the sign of its presence: "X is known to",
/// "X is extremely active in", "X also operates in", "X has repeatedly
/// used".
const PRESENCE_FILLER: &[&str] = &[
    "is",
    "are",
    "was",
    "were",
    "been",
    "has",
    "have",
    "had",
    "also",
    "still",
    "extremely",
    "very",
    "highly",
    "actively",
    "frequently",
    "usually",
    "often",
    "repeatedly",
    "continuously",
    "regularly",
    "relentlessly",
    "mainly",
    "heavily",
    "well",
    "as",
    "a",
    "an",
    "which",
    "in",
    "area",
    "region",
    "the",
];
/// Arabic: the verb of "أعلن تنظيم الدولة مسؤوليته عن ..." and the
/// noun that closes it, with the name between them.
/// Both are written normalized (`vigil_text::normalize`: أ → ا, ؤ → و).
const AR_ANNOUNCE: &[&str] = &["اعلن", "اعلنت", "واعلن", "واعلنت", "يعلن", "تعلن"];
const AR_RESPONSIBILITY: &[&str] = &["مسووليته", "مسووليتها", "مسووليتهم", "المسووليه"];

/// Why an actor is taken for the perpetrator, in order of trust: the
/// order in which perpetrators are listed, so that the first is the one
/// a reader would name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Basis {
    /// It claimed the act or named itself to its victims: "X claimed
    /// responsibility", "a group calling itself X", "X released a video
    /// of the killing", "تبنى تنظيم الدولة".
    Claim,
    /// The report tells it as the doer: "by X", "X gunmen opened fire".
    Agent,
    /// The report's writer holds it responsible: "X is likely
    /// responsible for the attack".
    Attribution,
}

/// Finds roles and claim status in `sentences` (token ranges).
/// `source_claims` is the actor a militant official source speaks for:
/// its own reports are claims, and it is the perpetrator where the text
/// names none.
///
/// Suspicion and blame: a name is the perpetrator when the report says it
/// did it ("suspected X militants detonated", "by X"), when it claims it,
/// or when the writer states it is responsible ("X is likely behind the
/// attack"). A third party's blame or suspicion reported as such
/// ("officials blamed X", "X is suspected", "X may be responsible") is
/// not: in the coded incident data such reports are mostly left without a
/// perpetrator.
pub fn roles(
    kb: &Kb,
    t: &Text<'_>,
    sentences: &[std::ops::Range<usize>],
    source_claims: Option<usize>,
    bare: bool,
) -> Roles {
    let mut out = Roles::default();
    let mut perps: Vec<(Basis, RoleMention)> = Vec::new();
    let mut claimed_by_name = None;
    let uncertain = sentences.iter().any(|r| {
        let has = |list: &[&str]| r.clone().any(|k| list.contains(&t.tok(k)));
        has(&[
            "responsibility",
            "responsible",
            "perpetrator",
            "perpetrators",
        ]) && has(UNKNOWN)
    });
    // The last group named as a possible subject, for "it is likely that
    // the group is responsible".
    let mut antecedent: Option<RoleMention> = None;
    // Who can claim an act: not a state's forces or officials (what they
    // say is a report), not a category of people.
    let can_claim = |a: usize| {
        let actor = &kb.actors[a];
        let category = actor.countries.is_empty() && actor.active.is_empty();
        let state = matches!(
            actor.kind.as_str(),
            "state_force" | "police" | "government" | "international_force" | "civilians"
        );
        !state && !category
    };
    // The last group named that could have acted (not a victim), for "the
    // group said": (sentence's actor hit, as a mention).
    let mut last_group: Option<RoleMention> = None;
    for r in sentences {
        let actors = actor_hits(kb, t, r, bare);
        let cues = kb.claim_cues.find(t, r.clone());
        let s = Sentence {
            kb,
            t,
            r: r.clone(),
            actors: &actors,
            uncertain,
        };
        let mut claimants = s.claimants(&cues);
        for (i, (a, _)) in kb.claims.claimants(t, r, &actors) {
            if !claimants.iter().any(|c| c.0 == i) && !s.excluded(i) {
                claimants.push((i, a));
            }
        }
        // English verbs of claiming and saying, and the owner of a claim;
        // in a denial only the owner of the claim denied ("denied ISIS
        // claims that"), not who says ("the group said it had no role").
        {
            let denial = cues.iter().any(|c| *c.value == ClaimCue::Denied);
            let found = kb
                .claims
                .claimants_en(t, r, &actors, &kb.numbers, &can_claim, denial);
            for (who, (a, b)) in found {
                match who {
                    Some(i) => {
                        if !claimants.iter().any(|c| c.0 == i) && !s.excluded(i) && !s.former(i) {
                            claimants.push((i, a));
                        }
                    }
                    None => {
                        // "the group said": the group last named before.
                        let here = actors
                            .iter()
                            .enumerate()
                            .rev()
                            .filter(|(i, h)| {
                                h.end <= a
                                    && can_claim(*h.value)
                                    && !s.excluded(*i)
                                    && kb.claims.victim(t, r, &actors, *i, &kb.numbers).is_none()
                            })
                            .map(|(_, h)| RoleMention {
                                actor: *h.value,
                                start: h.start,
                                end: h.end,
                                cue: a,
                            })
                            .next();
                        if let Some(g) = here.or(last_group) {
                            claimed_by_name.get_or_insert((a, b));
                            let m = RoleMention { cue: a, ..g };
                            match perps.iter_mut().find(|p| p.1.actor == g.actor) {
                                Some(p) => *p = (Basis::Claim, m),
                                None => perps.push((Basis::Claim, m)),
                            }
                        }
                    }
                }
            }
        }
        if let Some(cue) = s.anaphoric_attribution() {
            // "X ..., and is likely responsible": the sentence's subject;
            // "they", "the group": the last group named.
            let eligible = |(i, h): &(usize, &Hit<'_, usize>)| {
                h.end <= cue && !s.excluded(*i) && s.subject_like(*i)
            };
            let here = if t.tok(cue) == "and" {
                actors.iter().enumerate().find(eligible)
            } else {
                actors.iter().enumerate().rev().find(eligible)
            };
            let here = here.map(|(_, h)| RoleMention {
                actor: *h.value,
                start: h.start,
                end: h.end,
                cue,
            });
            if let Some(m) = here
                .or(antecedent)
                .filter(|m| !perps.iter().any(|p| p.1.actor == m.actor))
            {
                perps.push((Basis::Attribution, RoleMention { cue, ..m }));
            }
        }
        if let Some((_, h)) = actors
            .iter()
            .enumerate()
            .rev()
            .find(|(i, _)| !s.excluded(*i) && s.subject_like(*i))
        {
            antecedent = Some(RoleMention {
                actor: *h.value,
                start: h.start,
                end: h.end,
                cue: h.start,
            });
        }
        for (i, h) in actors.iter().enumerate() {
            let actor = *h.value;
            let claim = claimants
                .iter()
                .find(|c| c.0 == i)
                .map(|c| (Basis::Claim, c.1));
            // The side the act was done to is never its doer, however
            // near an attack verb it stands ("مقتل خمسة من عناصر قسد
            // بتفجير عبوة استهدفت سيارتهم"), unless it claims the act.
            let side = if claim.is_none() {
                kb.claims.side(t, r, &actors, i, &kb.numbers)
            } else {
                None
            };
            let target = |cue: usize| RoleMention {
                actor,
                start: h.start,
                end: h.end,
                cue,
            };
            if let Some(Side::Victim(cue)) = side {
                push(&mut out.targets, target(cue));
                continue;
            }
            let found = claim
                .or_else(|| match side {
                    Some(Side::Agent(cue)) if !s.excluded(i) => Some((Basis::Agent, cue)),
                    _ => None,
                })
                .or_else(|| s.perpetrator_cue(i));
            if let Some((basis, cue)) = found {
                if basis == Basis::Claim && claimed_by_name.is_none() {
                    claimed_by_name = Some((cue.min(h.start), h.end.max(cue + 1)));
                }
                let m = RoleMention {
                    actor,
                    start: h.start,
                    end: h.end,
                    cue,
                };
                match perps.iter_mut().find(|p| p.1.actor == actor) {
                    Some(p) if basis < p.0 => *p = (basis, m),
                    Some(_) => {}
                    None => perps.push((basis, m)),
                }
            } else if let Some(Side::Member(cue)) = side {
                // Named through its people and not the doer: the side
                // the act was done to ("تحركات عنصرين من قسد").
                push(&mut out.targets, target(cue));
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
        for (i, h) in actors.iter().enumerate() {
            if can_claim(*h.value)
                && !s.excluded(i)
                && !out.targets.iter().any(|m| m.start == h.start)
            {
                last_group = Some(RoleMention {
                    actor: *h.value,
                    start: h.start,
                    end: h.end,
                    cue: h.start,
                });
            }
        }
        for c in &cues {
            let negated = negated(t, r, c.start);
            let status = match c.value {
                ClaimCue::Claimed if negated => ClaimStatus::Reported,
                ClaimCue::Claimed => ClaimStatus::Claimed,
                ClaimCue::Denied => ClaimStatus::Denied,
                ClaimCue::Confirmed if !negated => ClaimStatus::Confirmed,
                ClaimCue::Confirmed | ClaimCue::Reported => ClaimStatus::Reported,
            };
            if out.claim.is_none_or(|(s, _)| rank(status) > rank(s)) {
                out.claim = Some((status, (c.start, c.end)));
            }
            if *c.value == ClaimCue::Reported && out.attribution.is_none() {
                out.attribution = speaker(t, r, c);
            }
        }
    }
    // A claim found without a cue word ("a group calling itself X", "X
    // released a video of the killing") still makes the report a claim.
    if let Some(span) = claimed_by_name {
        if out
            .claim
            .is_none_or(|(s, _)| rank(ClaimStatus::Claimed) > rank(s))
        {
            out.claim = Some((ClaimStatus::Claimed, span));
        }
    }
    // Claimants first, then doers, then the writer's attribution; within
    // each, in the order of the text. An outlet stands for the group it
    // speaks for ("أعلنت وكالة أعماق ...": Islamic State).
    perps.sort_by_key(|p| p.0);
    for (_, m) in perps {
        let m = RoleMention {
            actor: kb.claims.speaker_of(m.actor),
            ..m
        };
        push(&mut out.perpetrators, m);
    }
    if out.targets.is_empty() {
        out.generic_target = sentences
            .iter()
            .find_map(|r| kb.claims.generic_target(t, r));
    }
    // A target that is also named perpetrator stays perpetrator only.
    let perps: Vec<usize> = out.perpetrators.iter().map(|p| p.actor).collect();
    out.targets.retain(|m| !perps.contains(&m.actor));
    confirmations(kb, t, sentences, &perps, bare, &mut out);
    if let Some(actor) = source_claims {
        if out.perpetrators.is_empty() {
            out.perpetrators.push(RoleMention {
                actor,
                start: 0,
                end: 0,
                cue: 0,
            });
        }
        // The group whose claim it is was not the victim of its own
        // attack ("بسيارة مفخخة يقودها أحد مقاتلي الدولة").
        out.targets.retain(|m| m.actor != actor);
        // The group's own media asserting its attack is a claim, whatever
        // verbs it uses; only a denial changes that.
        if !matches!(out.claim, Some((ClaimStatus::Denied, _))) {
            out.claim = Some((ClaimStatus::Claimed, out.claim.map_or((0, 0), |c| c.1)));
        }
    }
    out
}

/// What the sides say of the act: a claim verb with no claimant named
/// ("وهو ما تبناه التنظيم") still makes the report a claim; the attacked
/// side speaking of its losses ("SDF Press Center: two of our fighters
/// were killed", "أعلنت قسد مقتل ثلاثة من مقاتليها", "a PMF official
/// said") confirms it, and is the target where none is named.
fn confirmations(
    kb: &Kb,
    t: &Text<'_>,
    sentences: &[std::ops::Range<usize>],
    perps: &[usize],
    bare: bool,
    out: &mut Roles,
) {
    let raise = |out: &mut Roles, status: ClaimStatus, span: (usize, usize)| {
        if out.claim.is_none_or(|(s, _)| rank(status) > rank(s)) {
            out.claim = Some((status, span));
        }
    };
    if let Some(span) = sentences.iter().find_map(|r| kb.claims.claim_verbs(t, r)) {
        raise(out, ClaimStatus::Claimed, span);
    }
    for r in sentences {
        let actors = actor_hits(kb, t, r, bare);
        let Some((i, cue)) = kb.claims.speaker(t, r, &actors) else {
            continue;
        };
        let h = &actors[i];
        let actor = *h.value;
        // An outlet telling the attack ("أعلنت وكالة أعماق مقتل أربعة
        // جنود") carries its group's claim.
        if kb.claims.is_outlet(actor) {
            raise(
                out,
                ClaimStatus::Claimed,
                (h.start.min(cue), h.end.max(cue + 1)),
            );
            if out.perpetrators.is_empty() {
                out.perpetrators.push(RoleMention {
                    actor: kb.claims.speaker_of(actor),
                    start: h.start,
                    end: h.end,
                    cue,
                });
            }
            break;
        }
        if perps.contains(&actor) {
            continue;
        }
        // A group telling an act against others, with no doer named ("أعلن
        // تنظيم داعش عبر وكالة أعماق مقتل ثلاثة عناصر من قسد"): its claim.
        let group = {
            let a = &kb.actors[actor];
            let category = a.countries.is_empty() && a.active.is_empty();
            let state = matches!(
                a.kind.as_str(),
                "state_force" | "police" | "government" | "international_force" | "civilians"
            );
            !state && !category
        };
        let denial = matches!(out.claim, Some((ClaimStatus::Denied, _)))
            || kb
                .claim_cues
                .find(t, r.clone())
                .iter()
                .any(|c| *c.value == ClaimCue::Denied);
        let own = sentences
            .iter()
            .find_map(|s| kb.claims.own_losses(t, s))
            .or_else(|| kb.claims.mourns(t, cue).then_some((cue, cue + 1)));
        if group
            && own.is_none()
            && perps.is_empty()
            && out.perpetrators.is_empty()
            && !denial
            && !out.targets.is_empty()
            && out.targets.iter().all(|m| m.actor != actor)
        {
            raise(
                out,
                ClaimStatus::Claimed,
                (h.start.min(cue), h.end.max(cue + 1)),
            );
            out.perpetrators.push(RoleMention {
                actor,
                start: h.start,
                end: h.end,
                cue,
            });
            break;
        }
        let target = out.targets.iter().any(|m| m.actor == actor);
        // "أكدت قسد مقتل مقاتلين اثنين إثر انفجار لغم زرعه داعش": a side
        // that tells deaths right after its name, another side the doer,
        // tells its own.
        let tells_deaths = !perps.is_empty()
            && kb
                .count_cues
                .find(t, h.end..(h.end + 3).min(r.end))
                .iter()
                .any(|c| c.start <= h.end + 1);
        if !target && (own.is_some() || tells_deaths) && out.targets.is_empty() {
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
        if out.targets.iter().any(|m| m.actor == actor) {
            raise(
                out,
                ClaimStatus::Confirmed,
                (h.start.min(cue), h.end.max(cue + 1)),
            );
        }
        break;
    }
}

/// The actors named in sentence `r`: their names, and where `bare` (the
/// text is from a region and time where it stands for one group), the
/// bare words for that group ("التنظيم") where no name covers them.
fn actor_hits<'k>(
    kb: &'k Kb,
    t: &Text<'_>,
    r: &std::ops::Range<usize>,
    bare: bool,
) -> Vec<Hit<'k, usize>> {
    let mut hits = kb.actor_names.find(t, r.clone());
    if bare {
        let named = hits.clone();
        hits.extend(
            kb.claims
                .bare_hits(t, r)
                .into_iter()
                .filter(|b| !named.iter().any(|h| h.start < b.end && b.start < h.end)),
        );
        hits.sort_by_key(|h| h.start);
    }
    hits
}

/// Stronger statements win: denied > confirmed > claimed > reported./// Stronger statements win: denied > confirmed > claimed > reported.
fn rank(s: ClaimStatus) -> u8 {
    match s {
        ClaimStatus::Denied => 3,
        ClaimStatus::Confirmed => 2,
        ClaimStatus::Claimed => 1,
        ClaimStatus::Reported => 0,
    }
}

fn push(list: &mut Vec<RoleMention>, m: RoleMention) {
    if !list.iter().any(|x| x.actor == m.actor) {
        list.push(m);
    }
}

fn is_arabic(s: &str) -> bool {
    s.chars().next().is_some_and(|c| !c.is_ascii())
}

/// One sentence and the actor names in it.
struct Sentence<'a, 't> {
    kb: &'a Kb,
    t: &'a Text<'t>,
    r: std::ops::Range<usize>,
    actors: &'a [Hit<'a, usize>],
    /// The passage says who did it cannot be told: no group is pointed
    /// at by its presence in the area.
    uncertain: bool,
}

impl Sentence<'_, '_> {
    fn tok(&self, i: usize) -> &str {
        self.t.tok(i)
    }

    fn is_dash(&self, i: usize) -> bool {
        self.t.kind(i) == Kind::Punct && matches!(self.tok(i), "-" | "–" | "—")
    }

    /// The next token after `i` that is not a dash, in the sentence.
    fn next_word(&self, i: usize) -> Option<usize> {
        (i..self.r.end).find(|&k| !self.is_dash(k))
    }

    /// The last token before `i` that is not a dash, in the sentence.
    fn prev_word(&self, i: usize) -> Option<usize> {
        (self.r.start..i).rev().find(|&k| !self.is_dash(k))
    }

    /// Whether the name is a modifier of another noun ("al-Qaeda-linked")
    /// or a category that cannot act (civilians, journalists).
    fn excluded(&self, i: usize) -> bool {
        let h = &self.actors[i];
        let a = &self.kb.actors[*h.value];
        // Target categories: civilians, journalists, contractors, officials
        // (no countries, no years: a kind of person, not an organization).
        if a.kind == "civilians" || (a.countries.is_empty() && a.active.is_empty()) {
            return true;
        }
        if self.linked(i) {
            return true;
        }
        if let Some(n) = self.next_word(h.end) {
            let after = self.next_word(n + 1).map(|k| self.tok(k));
            if MODIFIER_NEXT.contains(&self.tok(n)) && !matches!(after, Some("to" | "with" | "by"))
            {
                return true;
            }
        }
        self.prev_word(h.start)
            .is_some_and(|p| MODIFIER_PREV.contains(&self.tok(p)))
    }

    /// "gunmen linked to al-Qaeda": the name is what the doer is tied to.
    fn linked(&self, i: usize) -> bool {
        let mut b = self.actors[i].start;
        while b > self.r.start && matches!(self.tok(b - 1), "the" | "a" | "an") {
            b -= 1;
        }
        b >= self.r.start + 2
            && matches!(self.tok(b - 1), "to" | "with")
            && LINKED.contains(&self.tok(b - 2))
    }

    /// Whether the name is given as the group's name at another time.
    fn former(&self, i: usize) -> bool {
        let h = &self.actors[i];
        let from = h.start.saturating_sub(5).max(self.r.start);
        let from = self.actors[..i].last().map_or(from, |p| p.end.max(from));
        let window = from..h.start;
        window.clone().any(|k| FORMER_CUES.contains(&self.tok(k)))
            || (window.clone().any(|k| self.tok(k) == "known")
                && window.clone().any(|k| self.t.kind(k) == Kind::Number))
    }

    /// Words between two tokens that are neither punctuation nor part of
    /// another name.
    fn gap(&self, from: usize, to: usize) -> impl Iterator<Item = usize> + '_ {
        (from..to).filter(move |&k| {
            self.t.kind(k) != Kind::Punct
                && !self.actors.iter().any(|a| (a.start..a.end).contains(&k))
        })
    }

    /// Names that claim the act, with the cue's first token: the claimant
    /// of each claim cue, and names a group gives itself.
    fn claimants(&self, cues: &[Hit<'_, ClaimCue>]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for c in cues.iter().filter(|c| *c.value == ClaimCue::Claimed) {
            if negated(self.t, &self.r, c.start) {
                continue;
            }
            if let Some(i) = self.claimant(c) {
                out.push((i, c.start));
            }
        }
        for i in 0..self.actors.len() {
            if let Some(cue) = self.self_named(i).or_else(|| self.released(i)) {
                out.push((i, cue));
            }
        }
        if let Some(x) = self.arabic_announced() {
            out.push(x);
        }
        out
    }

    /// The name a claim cue belongs to.
    fn claimant(&self, c: &Hit<'_, ClaimCue>) -> Option<usize> {
        let actors = self.actors;
        let ok = |i: &usize| !self.excluded(*i);
        if is_arabic(self.tok(c.start)) {
            // "تبنى تنظيم الدولة الهجوم": the first name after the cue;
            // a headline's "تنظيم الدولة يتبنى" has it just before.
            // A cue that ends in "its members" ("أن عناصره اغتالوا عنصراً
            // في قسد") names its claimant before it: a name after is
            // what the claim is about.
            let own_members = matches!(self.tok(c.end - 1), "عناصره" | "مقاتليه");
            let after = (0..actors.len())
                .find(|&i| actors[i].start >= c.end)
                .filter(|&i| actors[i].start - c.end <= 6 && ok(&i) && !own_members)
                // Nor past "أن"/"إن" ("ادعى التنظيم أن ..."): what follows
                // is what is claimed.
                .filter(|&i| !(c.end..actors[i].start).any(|k| self.tok(k) == "ان"));
            let before = (0..actors.len())
                .rev()
                .find(|&i| actors[i].end <= c.start)
                .filter(|&i| c.start - actors[i].end <= 2 && ok(&i));
            // A name right before the verb is its subject ("تنظيم الدولة
            // يتبنى هجوما على دورية للجيش"): the name after is the target.
            let adjacent = before.filter(|&i| actors[i].end == c.start);
            return adjacent.or(after).or(before);
        }
        // Passive: "was claimed by the group loyal to ..., X".
        let by = (c.start..(c.end + 2).min(self.r.end)).find(|&k| self.tok(k) == "by");
        if let Some(by) = by {
            let mut best = None;
            let mut linked = None;
            for i in (0..actors.len()).filter(|&i| actors[i].start > by) {
                let gap: Vec<usize> = self.gap(by + 1, actors[i].start).collect();
                if gap.len() > 12 || gap.iter().any(|&k| CLAIM_STOP.contains(&self.tok(k))) {
                    break;
                }
                if ok(&i) {
                    if !self.former(i) {
                        return Some(i);
                    }
                    best = best.or(Some(i));
                } else if self.linked(i) {
                    linked = linked.or(Some(i));
                }
            }
            // "claimed by a group affiliated with X" names X's wing.
            let best = best.or(linked);
            if best.is_some() {
                return best;
            }
        }
        // Active: the nearest name before the cue, past appositions
        // ("X, formerly Y, claimed", "X, an al-Qaeda-linked group,
        // claimed").
        let mut best = None;
        for i in (0..actors.len())
            .rev()
            .filter(|&i| actors[i].end <= c.start)
        {
            if self.gap(actors[i].end, c.start).count() > 10 {
                break;
            }
            if ok(&i) && !self.after_target_word(i) {
                if !self.former(i) {
                    return Some(i);
                }
                best = best.or(Some(i));
            }
        }
        best
    }

    /// "on X", "against X": the name is what the act was aimed at.
    fn after_target_word(&self, i: usize) -> bool {
        let h = &self.actors[i];
        let mut b = h.start;
        while b > self.r.start && matches!(self.tok(b - 1), "the" | "a" | "an" | "of") {
            b -= 1;
        }
        b > self.r.start && TARGET_CUES.contains(&self.tok(b - 1)) && !is_arabic(self.tok(b - 1))
    }

    /// "a group calling itself X", "the kidnappers identified themselves
    /// as X", "a group called X": the cue's token.
    fn self_named(&self, i: usize) -> Option<usize> {
        let h = &self.actors[i];
        if self.excluded(i) || self.former(i) {
            return None;
        }
        let from = h.start.saturating_sub(6).max(self.r.start);
        let from = self.actors[..i].last().map_or(from, |p| p.end.max(from));
        let cue = (from..h.start).rev().find(|&k| {
            matches!(
                self.tok(k),
                "itself"
                    | "themselves"
                    | "calling"
                    | "called"
                    | "identified"
                    | "identifying"
                    | "belonged"
                    | "represent"
                    | "representing"
                    | "claiming"
                    | "claimed"
            )
        })?;
        if cue > self.r.start && self.tok(cue - 1) == "so" {
            return None;
        }
        // Between the cue and the name only an article, "as", "being
        // from", "part of" and the like.
        if (cue + 1..h.start).any(|k| {
            self.t.kind(k) == Kind::Word
                && !matches!(
                    self.tok(k),
                    "the"
                        | "a"
                        | "an"
                        | "as"
                        | "being"
                        | "from"
                        | "of"
                        | "part"
                        | "members"
                        | "member"
                        | "to"
                        | "be"
                        | "their"
                        | "its"
                        | "group"
                )
        }) {
            return None;
        }
        let reflexive = (cue.saturating_sub(2).max(self.r.start)..=(cue + 1).min(self.r.end - 1))
            .any(|k| matches!(self.tok(k), "itself" | "themselves"));
        // "claiming to be", "claimed to represent": only with "to".
        if matches!(self.tok(cue), "claiming" | "claimed")
            && !(cue + 1 < h.start && self.tok(cue + 1) == "to")
        {
            return None;
        }
        let doer = (cue.saturating_sub(8).max(self.r.start)..cue)
            .any(|k| PERPETRATOR_NOUNS.contains(&self.tok(k)) || AGENTS.contains(&self.tok(k)));
        (reflexive || doer).then_some(cue)
    }

    /// "X released a video showing ...", "X posted a statement", "X said
    /// it had kidnapped", "X claimed to have killed".
    /// Only a non-state group's own statements are claims: a ministry's
    /// or an army's statement is a report.
    fn released(&self, i: usize) -> Option<usize> {
        let h = &self.actors[i];
        let kind = self.kb.actors[*h.value].kind.as_str();
        if self.excluded(i)
            || matches!(
                kind,
                "state_force" | "police" | "government" | "international_force"
            )
        {
            return None;
        }
        let end = self.r.end;
        let verb = (h.end..(h.end + 3).min(end)).find(|&k| RELEASE_VERBS.contains(&self.tok(k)));
        if let Some(v) = verb {
            let object =
                (v + 1..(v + 4).min(end)).find(|&k| RELEASE_OBJECTS.contains(&self.tok(k)));
            // "issued a video calling on students to ..." is an appeal.
            let appeal = object
                .is_some_and(|o| (o + 1..(o + 3).min(end)).any(|k| APPEALS.contains(&self.tok(k))));
            if object.is_some() && !appeal {
                return Some(v);
            }
        }
        let said = (h.end..(h.end + 3).min(end)).find(|&k| SELF_REPORT.contains(&self.tok(k)))?;
        // "announced (the following day) that it ...".
        let mut k = (said + 1..(said + 5).min(end))
            .find(|&k| matches!(self.tok(k), "that" | "it" | "they" | "its" | "to"))
            .unwrap_or(said + 1);
        if k < end && self.tok(k) == "that" {
            k += 1;
        }
        let subject = k < end && matches!(self.tok(k), "it" | "they" | "its");
        let to_have = k + 1 < end && self.tok(k) == "to" && self.tok(k + 1) == "have";
        if !(subject || to_have) {
            return None;
        }
        (k + 1..(k + 4).min(end))
            .find(|&j| {
                let w = self.tok(j);
                ATTACK_VERBS.contains(&w) || SELF_REPORT_VERBS.contains(&w)
            })
            .map(|_| said)
    }

    /// "أعلن تنظيم الدولة مسؤوليته عن ...": the name between the verb and
    /// "مسؤوليته", with the verb's token.
    fn arabic_announced(&self) -> Option<(usize, usize)> {
        for (i, h) in self.actors.iter().enumerate() {
            let from = h.start.saturating_sub(3).max(self.r.start);
            let Some(verb) = (from..h.start).find(|&k| AR_ANNOUNCE.contains(&self.tok(k))) else {
                continue;
            };
            let to = (h.end + 4).min(self.r.end);
            if (h.end..to).any(|k| AR_RESPONSIBILITY.contains(&self.tok(k))) && !self.excluded(i) {
                return Some((i, verb));
            }
        }
        None
    }

    /// Why actor `i` is the perpetrator, short of a claim, and the cue's
    /// first token.
    fn perpetrator_cue(&self, i: usize) -> Option<(Basis, usize)> {
        if self.excluded(i) {
            return None;
        }
        self.agent(i)
            .map(|c| (Basis::Agent, c))
            .or_else(|| self.attributed(i).map(|c| (Basis::Attribution, c)))
    }

    fn agent(&self, i: usize) -> Option<usize> {
        let (t, r, h) = (self.t, &self.r, &self.actors[i]);
        // Generalizations ("attacks by X on Y are frequent") tell of no
        // particular event.
        if self.habitual() {
            return None;
        }
        // "by X", "by suspected X", "by a group calling itself X", "by
        // gunmen from X"; not "a checkpoint manned by X".
        let mut b = h.start;
        let mut steps = 0;
        while b > r.start
            && steps < 6
            && (BY_FILLER.contains(&t.tok(b - 1)) || t.tok(b - 1) == "," || self.is_dash(b - 1))
        {
            b -= 1;
            steps += 1;
        }
        if b > r.start && t.tok(b - 1) == "by" {
            let mut p = self.prev_word(b - 1);
            // Past adverbs and a date: "used mainly by", "freed on
            // December 31, 2005 by".
            while let Some(q) = p.filter(|&q| {
                ADVERBS.contains(&t.tok(q))
                    || t.kind(q) == Kind::Number
                    || MONTHS.contains(&t.tok(q))
                    || matches!(t.tok(q), "," | "on")
            }) {
                p = self.prev_word(q);
            }
            let verb = p.map(|p| t.tok(p));
            // "two of the attackers were killed by US forces": the doer
            // of a response, not of the attack.
            let responders = (r.start.max(b.saturating_sub(10))..b - 1).any(|k| self.doer_noun(k));
            // "may have been carried out by X" is a guess.
            let guess = (r.start.max(b.saturating_sub(6))..b).any(|k| {
                matches!(t.tok(k), "may" | "might")
                    || (t.tok(k) == "could" && k + 1 < b && t.tok(k + 1) == "have")
            });
            if !verb.is_some_and(|v| NOT_AGENT_BY.contains(&v)) && !responders && !guess {
                return Some(b - 1);
            }
        }
        if let Some(by) = self.by_descriptor(i) {
            return Some(by);
        }
        // "X fighters attacked", "X gunmen opened fire", "an X suicide
        // bomber", "gunmen from X stormed", "عناصر من داعش هاجموا".
        let mut next = self.next_word(h.end);
        if next.is_some_and(|k| t.tok(k) == "suicide") {
            next = self.next_word(next.map_or(h.end, |k| k + 1));
        }
        let agent_after = next.is_some_and(|k| AGENTS.contains(&t.tok(k)));
        let mut a = h.start;
        while a > r.start && matches!(t.tok(a - 1), "the" | "of" | "from" | "من" | ",") {
            a -= 1;
        }
        let agent_before = a > r.start && AGENTS.contains(&t.tok(a - 1));
        // "houses of Iraqi policemen detonated": the name qualifies
        // another noun.
        let genitive = !agent_before && h.start > r.start && t.tok(h.start - 1) == "of";
        // An auxiliary or adverb may stand between: "X has attacked", "X
        // later kidnapped".
        let mut v = if agent_after {
            next.map_or(h.end, |k| k + 1)
        } else {
            h.end
        };
        while v < r.end
            && (matches!(
                t.tok(v),
                "has" | "had" | "have" | "reportedly" | "allegedly" | "also" | "then" | "later"
            ) || self.is_dash(v))
        {
            v += 1;
        }
        let verb_after = (v..(v + 4).min(r.end)).find(|&k| ATTACK_VERBS.contains(&t.tok(k)));
        let passive = verb_after
            .is_some_and(|k| k > h.end && matches!(t.tok(k - 1), "were" | "was" | "been" | "be"));
        if let Some(k) = verb_after {
            if !passive
                && (agent_after || agent_before || (k == v && !genitive))
                && !self.against_doers(k)
            {
                return Some(k);
            }
        }
        // A subject at the head of the sentence, with an apposition
        // before its verb: "Mahdi Army fighters, a group loyal to ...,
        // stormed the offices", "X, an al-Qaeda-linked group,
        // assassinated ...".
        let subject_start = if agent_before { a - 1 } else { h.start };
        // "An Islamic militant group, X, abducted ...".
        let described = subject_start > r.start + 1
            && t.tok(subject_start - 1) == ","
            && subject_start - r.start <= 6
            && matches!(
                t.tok(subject_start - 2),
                "group" | "organization" | "movement" | "militia" | "faction"
            );
        let subject_start = if described { r.start } else { subject_start };
        let head = (r.start..subject_start).all(|k| {
            t.kind(k) == Kind::Punct
                || matches!(t.tok(k), "the" | "a" | "an" | "suspected" | "alleged")
        });
        let apposition = next.is_some_and(|k| t.tok(k) == ",");
        if head && (agent_after || agent_before || apposition) {
            let from = next.map_or(h.end, |k| k + 1);
            let verb = (from..(from + 15).min(r.end)).find(|&k| ATTACK_VERBS.contains(&t.tok(k)));
            if let Some(k) = verb {
                // A finite verb of the subject: not "the target of
                // attacks", not after a copula, not a participle
                // ("X, linked to ..., killed" is fine; "is known for
                // attacks" is not).
                let noun = matches!(
                    t.tok(k - 1),
                    "the" | "a" | "an" | "of" | "insurgent" | "terrorist" | "militant" | "such"
                ) || matches!(
                    t.tok(k),
                    "attack" | "attacks" | "strikes" | "targets" | "kills"
                );
                let copula = (from..k)
                    .any(|j| matches!(t.tok(j), "is" | "are" | "was" | "were" | "be" | "been"));
                let comma_before =
                    agent_after || agent_before || t.tok(k - 1) == "," || t.tok(k - 1) == ")";
                let other = self
                    .actors
                    .iter()
                    .enumerate()
                    .any(|(j, o)| o.start > h.end && o.end <= k && !self.excluded(j));
                if !noun && !copula && comma_before && !other && !self.against_doers(k) {
                    return Some(k);
                }
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
        if v > r.start && ATTACK_VERBS.contains(&t.tok(v - 1)) && is_arabic(t.tok(v - 1)) {
            return Some(v - 1);
        }
        None
    }

    /// "killed by the group loyal to Abu Musab al-Zarqawi, X", "by men
    /// claiming to be part of ...'s group, X": a description of a group
    /// between "by" and its name. The "by".
    fn by_descriptor(&self, i: usize) -> Option<usize> {
        let (t, r, h) = (self.t, &self.r, &self.actors[i]);
        let from = h.start.saturating_sub(14).max(r.start);
        let by = (from..h.start).rev().find(|&k| t.tok(k) == "by")?;
        let mut k = by + 1;
        while k < h.start && matches!(t.tok(k), "the" | "a" | "an") {
            k += 1;
        }
        let head = k < h.start
            && (matches!(t.tok(k), "group" | "organization" | "network" | "men")
                || AGENTS.contains(&t.tok(k)));
        let stop = (by + 1..h.start).any(|j| {
            CLAIM_STOP.contains(&t.tok(j))
                || matches!(
                    t.tok(j),
                    "according" | "in" | "near" | "at" | "who" | "police" | "wearing" | "dressed"
                )
        });
        let other = self.actors[..i]
            .iter()
            .enumerate()
            .any(|(j, a)| a.start > by && !self.excluded(j));
        let verb = self.prev_word(by).map(|p| t.tok(p));
        (head && !stop && !other && !verb.is_some_and(|v| NOT_AGENT_BY.contains(&v))).then_some(by)
    }

    /// A word for the doers of the attack being told: "the attackers",
    /// "three of the gunmen", "the perpetrators" (not "20 militants",
    /// which may be another side of a fight).
    fn doer_noun(&self, k: usize) -> bool {
        let w = self.tok(k);
        let back = k > self.r.start && matches!(self.tok(k - 1), "the" | "these" | "those");
        matches!(
            w,
            "attackers"
                | "attacker"
                | "assailants"
                | "assailant"
                | "perpetrators"
                | "perpetrator"
                | "kidnappers"
                | "captors"
                | "abductors"
                | "hijackers"
                | "bomber"
                | "bombers"
        ) || (back
            && AGENTS.contains(&w)
            && !matches!(w, "members" | "elements" | "cell" | "cells"))
    }

    /// "US forces killed three of the attackers": the verb's object is the
    /// doers, so its subject responded to the attack.
    fn against_doers(&self, verb: usize) -> bool {
        let to = (verb + 6).min(self.r.end);
        (verb + 1..to).any(|k| self.doer_noun(k))
    }

    /// Whether the sentence generalizes ("attacks on police are frequent",
    /// "clerics are often targeted by X") rather than tells an event.
    fn habitual(&self) -> bool {
        self.r.clone().any(|k| HABITUAL.contains(&self.tok(k)))
    }

    /// The writer holds X responsible: "X is likely responsible for the
    /// attack", "X was behind it", "the most likely perpetrator is X",
    /// "attribute the attack to X", or points at the one group known in
    /// the area ("X is known to operate in the area", "the only group
    /// active there is X"). Not when hedged or held by others ("X may be
    /// responsible", "officials believe X is behind it"), nor when the
    /// sentence names two candidates ("both X and Y operate there").
    fn attributed(&self, i: usize) -> Option<usize> {
        let (t, r, h) = (self.t, &self.r, &self.actors[i]);
        let hedged = |from: usize, to: usize| {
            (from.max(r.start)..to.min(r.end)).any(|k| HEDGES.contains(&t.tok(k)))
        };
        // "X is (most likely) responsible", "X was behind", "X is most
        // likely to have fired the rockets", "X is the organization that
        // carried out the attack".
        let mut k = h.end;
        let mut copula = false;
        let mut likely = false;
        while k < r.end && k < h.end + 7 && ATTRIBUTION_FILLER.contains(&t.tok(k)) {
            copula |= matches!(t.tok(k), "is" | "was" | "are" | "were" | "be" | "being");
            likely |= matches!(t.tok(k), "likely" | "probably" | "certainly" | "that");
            k += 1;
        }
        let act = k < r.end
            && (matches!(t.tok(k), "responsible" | "behind")
                || (likely
                    && (matches!(t.tok(k), "committed" | "perpetrated" | "carried")
                        || ATTACK_VERBS.contains(&t.tok(k)))));
        if copula && act && !hedged(r.start, k) {
            return Some(k);
        }
        // "the most likely perpetrator is X", "attribute the attack to X".
        let from = h.start.saturating_sub(5).max(r.start);
        if let Some(cue) = (from..h.start).find(|&k| ATTRIBUTION_CUES.contains(&t.tok(k))) {
            let linked = (cue + 1..h.start).any(|k| matches!(t.tok(k), "is" | "was" | "to"));
            let between = self.actors[..i].iter().any(|a| a.start > cue);
            if linked && !between && !hedged(r.start, h.end) {
                return Some(cue);
            }
        }
        // The one group whose presence the writer points at: "X is known
        // to operate in the area", "X is extremely active in Basra", "X
        // usually targets the police", "X has repeatedly used such
        // tactics", "X is the main group in the area", "an area of X
        // activity", "the attack bears the hallmarks of X".
        if !self.subject_like(i) {
            return None;
        }
        let others = self.actors.iter().enumerate().any(|(j, o)| {
            j != i && *o.value != *h.value && !self.excluded(j) && self.subject_like(j)
        });
        let open = !others && !self.several() && !self.uncertain && !hedged(r.start, h.end + 6);
        if !open {
            return None;
        }
        let mut k = h.end;
        let mut perfect = false;
        let mut passive = false;
        while k < r.end && k < h.end + 5 && PRESENCE_FILLER.contains(&t.tok(k)) {
            perfect |= matches!(t.tok(k), "has" | "have" | "had");
            passive |= matches!(t.tok(k), "is" | "are" | "was" | "were" | "been");
            k += 1;
        }
        let w = if k < r.end { t.tok(k) } else { "" };
        // "X targets the police", not "X are the targets of attacks".
        let noun = (h.end..k).any(|j| matches!(t.tok(j), "is" | "are" | "was" | "were" | "been"))
            || (k > h.end && matches!(t.tok(k - 1), "the" | "a" | "an"));
        let presence = (PRESENCE_VERBS.contains(&w) && (w == "active" || !noun))
            || (perfect && !passive && matches!(w, "used" | "targeted" | "attacked" | "carried"))
            || (matches!(w, "known" | "know") && k + 1 < r.end && t.tok(k + 1) == "to")
            || ((h.end..=k.min(r.end - 1)).any(|j| t.tok(j) == "the")
                && (h.end..(k + 4).min(r.end)).any(|j| {
                    matches!(
                        t.tok(j),
                        "only" | "main" | "major" | "prominent" | "primary"
                    ) || (t.tok(j) == "most"
                        && j + 1 < r.end
                        && matches!(t.tok(j + 1), "likely" | "probable" | "possible"))
                }));
        if presence {
            return Some(k);
        }
        // "the only group that would attack such an area is X", "the most
        // prominent insurgent group in the area is X".
        let mut b = h.start;
        while b > r.start && matches!(t.tok(b - 1), "the" | "a" | "an") {
            b -= 1;
        }
        if b > r.start && t.tok(b - 1) == "is" {
            let from = b.saturating_sub(14).max(r.start);
            let only = (from..b).find(|&k| {
                matches!(t.tok(k), "only" | "main" | "prominent" | "primary")
                    && (k + 1..(k + 4).min(b)).any(|j| {
                        matches!(
                            t.tok(j),
                            "group" | "element" | "organization" | "perpetrator" | "suspect"
                        )
                    })
            });
            if let Some(k) = only {
                return Some(k);
            }
        }
        // "it is likely that the attacker is a member of X", "such a group
        // belongs to X".
        if b >= r.start + 2
            && matches!(
                (t.tok(b - 2), t.tok(b - 1)),
                ("belongs" | "belong" | "belonged", "to") | ("member" | "members", "of")
            )
            && (r.start..b).any(|k| matches!(t.tok(k), "likely" | "certain" | "certainly"))
        {
            return Some(b - 2);
        }
        let former = |k: usize| k > r.start && matches!(t.tok(k - 1), "former" | "old");
        if let Some(n) = self.next_word(h.end) {
            if PRESENCE_NOUNS.contains(&t.tok(n)) && !former(h.start) {
                return Some(n);
            }
        }
        // "the hallmarks of X", "a stronghold of X", "consistent with X".
        let cue = (from..h.start).find(|&k| MANNER_NOUNS.contains(&t.tok(k)))?;
        let linked = (cue + 1..h.start).any(|k| matches!(t.tok(k), "of" | "with"));
        let between = self.actors[..i].iter().any(|a| a.start > cue);
        (linked && !between && !former(cue)).then_some(cue)
    }

    /// Whether the sentence puts the group among others: "both X and Y",
    /// "in addition to X", "several militant groups operate there", "X
    /// or other Shiite militias".
    fn several(&self) -> bool {
        let (t, r) = (self.t, &self.r);
        let groups = (r.start..r.end).any(|k| {
            matches!(
                t.tok(k),
                "groups" | "militias" | "factions" | "organizations" | "organisations"
            )
        });
        (r.start..r.end).any(|k| match t.tok(k) {
            "both" | "either" => true,
            "addition" => self.actors.iter().any(|a| a.start > k && a.start <= k + 3),
            w => groups && SEVERAL.contains(&w),
        })
    }

    /// "it is likely that the same group is responsible", "they are
    /// almost certainly behind it", "committed by the same group": the
    /// writer's attribution to a group named before.
    fn anaphoric_attribution(&self) -> Option<usize> {
        let (t, r) = (self.t, &self.r);
        if self.uncertain || (r.start..r.end).any(|k| HEDGES.contains(&t.tok(k))) {
            return None;
        }
        for k in r.clone() {
            let w = t.tok(k);
            let prev = if k > r.start { t.tok(k - 1) } else { "" };
            let group = matches!(w, "group" | "organization" | "groups")
                && matches!(prev, "the" | "same" | "such" | "this");
            // "X is known to target them, and is likely responsible".
            let continued = w == "and"
                && k + 1 < r.end
                && matches!(t.tok(k + 1), "is" | "was" | "are" | "were");
            if !(group || continued || matches!(w, "they" | "their" | "it")) {
                continue;
            }
            if w == "their" && k + 1 < r.end && t.tok(k + 1) == "responsibility" {
                return Some(k);
            }
            let mut j = k + 1;
            let mut copula = false;
            while j < r.end && j < k + 7 && ATTRIBUTION_FILLER.contains(&t.tok(j)) {
                copula |= matches!(t.tok(j), "is" | "was" | "are" | "were" | "be");
                j += 1;
            }
            if copula
                && j < r.end
                && matches!(t.tok(j), "responsible" | "behind")
                && (w != "it" || (r.start..k).any(|x| matches!(t.tok(x), "likely" | "certain")))
            {
                return Some(k);
            }
            if prev == "same" && k >= r.start + 3 && t.tok(k - 3) == "by" {
                return Some(k);
            }
        }
        None
    }

    /// Whether the name can be the subject of its clause: not after "on",
    /// "against", "of" ("attacks on X", "most against Iraqi army
    /// targets", "houses of X").
    fn subject_like(&self, i: usize) -> bool {
        let h = &self.actors[i];
        let mut b = h.start;
        while b > self.r.start && matches!(self.tok(b - 1), "the" | "a" | "an") {
            b -= 1;
        }
        !(b > self.r.start
            && (TARGET_CUES.contains(&self.tok(b - 1)) || matches!(self.tok(b - 1), "of" | "with"))
            && !ATTRIBUTION_CUES
                .iter()
                .chain(MANNER_NOUNS)
                .any(|c| (b.saturating_sub(4).max(self.r.start)..b).any(|k| self.tok(k) == *c)))
    }
}

fn target_cue(t: &Text<'_>, r: &std::ops::Range<usize>, h: &Hit<'_, usize>) -> Option<usize> {
    let mut b = h.start;
    while b > r.start && matches!(t.tok(b - 1), "the" | "a" | "an" | "of" | "من" | "ل") {
        b -= 1;
    }
    if b > r.start && is_target_cue(t.tok(b - 1)) {
        return Some(b - 1);
    }
    // "عنصراً في قوات سوريا الديمقراطية": a member of that side.
    if b > r.start + 1
        && t.tok(b - 1) == "في"
        && AR_MEMBER_NOUNS.contains(&ar_cue_form(t.tok(b - 2)))
    {
        return Some(b - 2);
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
        return (end > start).then(|| (t.original_of(start, end).to_string(), (start, end)));
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
        return (start < end).then(|| (t.original_of(start, end).to_string(), (start, end)));
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
        let r = roles(kb, &t, &t.sentences, src, false);
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
                "قال تنظيم الدولة الإسلامية إن عناصره هاجموا حاجزاً لقوات سوريا الديمقراطية في بلدة ذيبان.",
                None,
                &["islamic-state"],
                &["syrian-democratic-forces"],
                Some(ClaimStatus::Claimed),
            ),
            (
                "تبنى تنظيم الدولة تفجير عبوة ناسفة بدورية لقسد على الطريق.",
                None,
                &["islamic-state"],
                &["syrian-democratic-forces"],
                Some(ClaimStatus::Claimed),
            ),
            (
                "ادعى التنظيم أن عناصره اغتالوا عنصراً في قوات سوريا الديمقراطية وسط مدينة الرقة.",
                None,
                &[],
                &["syrian-democratic-forces"],
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
            // A group telling an act against others, no doer named: its claim.
            (
                "أعلن تنظيم داعش عبر وكالة أعماق مقتل ثلاثة عناصر من قسد بهجوم في ريف دير الزور",
                None,
                &["islamic-state"],
                &["syrian-democratic-forces"],
                Some(ClaimStatus::Claimed),
            ),
            // The attacked side telling its losses confirms, and claims nothing.
            (
                "أكدت قسد مقتل مقاتلين اثنين إثر انفجار لغم زرعه داعش قرب العريشة",
                None,
                &["islamic-state"],
                &["syrian-democratic-forces"],
                Some(ClaimStatus::Confirmed),
            ),
            // The speaker's own, told in the third person.
            (
                "The SDF denied that any of its fighters were killed by a car bomb near Hajin.",
                None,
                &[],
                &["syrian-democratic-forces"],
                Some(ClaimStatus::Denied),
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
            // Claim phrasings: the claimant past appositions and former names.
            (
                "The Islamic State of Iraq, formerly the Mujahideen Shura Council, claimed responsibility for the ambush.",
                None,
                &["islamic-state-of-iraq"],
                &[],
                Some(ClaimStatus::Claimed),
            ),
            (
                "The blast was claimed by the group loyal to Abu Musab al-Zarqawi, al-Qaeda in Iraq.",
                None,
                &["al-qaeda-in-iraq"],
                &[],
                Some(ClaimStatus::Claimed),
            ),
            (
                "An al-Qaeda-linked group, Ansar al-Sunnah, said it carried out the raid.",
                None,
                &["ansar-al-sunnah"],
                &[],
                Some(ClaimStatus::Claimed),
            ),
            (
                "Responsibility for the shooting was claimed by the al-Qaeda affiliated Islamic State of Iraq.",
                None,
                &["islamic-state-of-iraq"],
                &[],
                Some(ClaimStatus::Claimed),
            ),
            (
                "A car bomb exploded near a market in Baquba, killing six people. Two days later, al-Qaeda in Iraq claimed responsibility in a statement posted on a website.",
                None,
                &["al-qaeda-in-iraq"],
                &[],
                Some(ClaimStatus::Claimed),
            ),
            // A group naming itself, or releasing its own video, claims.
            (
                "Two engineers were kidnapped by a group calling itself the Islamic Army.",
                None,
                &["islamic-army-in-iraq"],
                &[],
                Some(ClaimStatus::Claimed),
            ),
            (
                "The kidnappers identified themselves as members of the Islamic Army in Iraq.",
                None,
                &["islamic-army-in-iraq"],
                &[],
                Some(ClaimStatus::Claimed),
            ),
            (
                "A group calling itself the Divine Wrath Brigades fired mortars at the PUK offices.",
                None,
                &["divine-wrath-brigades"],
                &["patriotic-union-of-kurdistan"],
                Some(ClaimStatus::Claimed),
            ),
            (
                "Ansar al-Sunnah released a video showing the execution of three drivers.",
                None,
                &["ansar-al-sunnah"],
                &[],
                Some(ClaimStatus::Claimed),
            ),
            (
                "The Islamic Army in Iraq later announced that it was holding the two journalists.",
                None,
                &["islamic-army-in-iraq"],
                &[],
                Some(ClaimStatus::Claimed),
            ),
            // Several groups: the claimant comes first.
            (
                "Suspected Mahdi Army militiamen attacked the convoy. The Islamic State of Iraq later claimed the attack.",
                None,
                &["islamic-state-of-iraq", "mahdi-army"],
                &[],
                Some(ClaimStatus::Claimed),
            ),
            (
                "No group has claimed responsibility for the blast.",
                None,
                &[],
                &[],
                Some(ClaimStatus::Reported),
            ),
            // Agents: a subject with an apposition, "gunmen from X".
            (
                "Mahdi Army fighters, loyal to a Shiite cleric, set fire to the company's offices.",
                None,
                &["mahdi-army"],
                &[],
                None,
            ),
            (
                "Gunmen from the Mahdi Army stormed a liquor store.",
                None,
                &["mahdi-army"],
                &[],
                None,
            ),
            // "By" that names an owner, not a doer.
            (
                "A bomb hit a checkpoint manned by Awakening Council members.",
                None,
                &[],
                &["awakening-councils"],
                None,
            ),
            // The writer's attribution counts; a third party's blame or a
            // hedged suspicion does not.
            (
                "It is likely that al-Qaeda in Iraq is responsible for the attack on the market.",
                None,
                &["al-qaeda-in-iraq"],
                &[],
                None,
            ),
            (
                "Police blamed the Mahdi Army for the bombing.",
                None,
                &[],
                &[],
                None,
            ),
            // The one group the writer places in the area; not one of two.
            // The victims' side is not the doer, however near the attack
            // verb: "five members of the SDF were killed by a bomb that
            // targeted their car; IS claimed the attack".
            (
                "مقتل خمسة من عناصر قسد بتفجير عبوة ناسفة استهدفت سيارتهم في الشدادي بريف الحسكة، وتبنى تنظيم الدولة الهجوم",
                None,
                &["islamic-state"],
                &["syrian-democratic-forces"],
                Some(ClaimStatus::Claimed),
            ),
            // A claim verb carrying the act as an object pronoun: "in an
            // attack that IS claimed".
            (
                "قتل ثلاثة عناصر من قوات سوريا الديمقراطية في هجوم تبناه تنظيم الدولة الإسلامية على حاجز في بلدة الصور",
                None,
                &["islamic-state"],
                &["syrian-democratic-forces"],
                Some(ClaimStatus::Claimed),
            ),
            // An outlet announcing a group's responsibility: the group it
            // names (or speaks for) is the claimant.
            (
                "أعلنت وكالة أعماق مسؤولية تنظيم الدولة عن اغتيال مسؤول محلي في بلدة الكشكية",
                None,
                &["islamic-state"],
                &[],
                Some(ClaimStatus::Claimed),
            ),
            (
                "أعلنت وكالة أعماق المسؤولية عن تفجير استهدف دورية للجيش العراقي",
                None,
                &["islamic-state"],
                &["iraqi-army"],
                Some(ClaimStatus::Claimed),
            ),
            // A possessed responsibility: the announcing verb's subject.
            (
                "أعلن تنظيم الدولة الإسلامية مسؤوليته عن الهجوم على حاجز للجيش السوري",
                None,
                &["islamic-state"],
                &["syrian-arab-army"],
                Some(ClaimStatus::Claimed),
            ),
            // One party's term for another resolves to the neutral actor.
            (
                "استهدف جنود الخلافة آلية لميليشيا قسد بعبوة ناسفة",
                None,
                &["islamic-state"],
                &["syrian-democratic-forces"],
                None,
            ),
            // The subject of an active attack verb is the doer even with
            // a noun of members: "SDF members raided a village".
            (
                "هاجم عناصر قسد قرية الحصين واعتقلوا عشرة مدنيين",
                None,
                &["syrian-democratic-forces"],
                &[],
                None,
            ),
            (
                "A roadside bomb wounded two civilians in Hilla. The Mahdi Army is known to operate in the district.",
                None,
                &["mahdi-army"],
                &["civilians"],
                None,
            ),
            (
                "A roadside bomb wounded two civilians in Hilla. Both the Mahdi Army and Ansar al-Sunnah operate in the district.",
                None,
                &[],
                &["civilians"],
                None,
            ),
            (
                "A car bomb hit a checkpoint in Mosul. It is almost certain that the group is behind the attack, as Ansar al-Sunnah is active there.",
                None,
                &["ansar-al-sunnah"],
                &[],
                None,
            ),
            // A described group between "by" and its name.
            (
                "Two drivers were beheaded by the group led by Abu Musab al-Zarqawi, al-Qaeda in Iraq.",
                None,
                &["al-qaeda-in-iraq"],
                &[],
                None,
            ),
            // Not perpetrators: responders, generalizations, appeals.
            (
                "Gunmen attacked a police station in Ramadi. US forces killed two of the attackers.",
                None,
                &[],
                &[],
                None,
            ),
            (
                "Attacks on Shiite pilgrims by Sunni insurgents are frequent in the province.",
                None,
                &[],
                &["pilgrims"],
                None,
            ),
            (
                "Ansar al-Sunnah issued a video calling on students to boycott the university.",
                None,
                &[],
                &[],
                None,
            ),
            (
                "Officials said al-Qaeda in Iraq may be responsible for the attack.",
                None,
                &[],
                &[],
                Some(ClaimStatus::Reported),
            ),
            // Arabic claims: the name between "أعلن" and "مسؤوليته", a
            // headline's subject before "يتبنى".
            (
                "أعلن تنظيم الدولة مسؤوليته عن تفجير سيارة مفخخة في بغداد",
                None,
                &["islamic-state"],
                &[],
                Some(ClaimStatus::Claimed),
            ),
            (
                "تنظيم الدولة يتبنى هجوما على دورية للجيش العراقي",
                None,
                &["islamic-state"],
                &["iraqi-army"],
                Some(ClaimStatus::Claimed),
            ),
            (
                "تبنت هيئة تحرير الشام الهجوم على حاجز للجيش العراقي",
                None,
                &["hayat-tahrir-al-sham"],
                &["iraqi-army"],
                Some(ClaimStatus::Claimed),
            ),
            // A headline's "the sniping of a member of ...": no object
            // follows, so the verb is read as passive and the member's side
            // is the victim; a Latin-script name is read by the Arabic
            // grammar around it.
            (
                "قنص عنصر لقسد في قرية الهادي",
                Some("islamic-state"),
                &["islamic-state"],
                &["syrian-democratic-forces"],
                Some(ClaimStatus::Claimed),
            ),
            (
                "قنص عنصر لمرتدي PKK في قرية الهادي",
                Some("islamic-state"),
                &["islamic-state"],
                &["pkk"],
                Some(ClaimStatus::Claimed),
            ),
        ];
        let mut failed = Vec::new();
        for (text, src, perps, targets, claim) in rows {
            let (p, tg, c) = run(text, *src);
            let p: Vec<&str> = p.iter().map(String::as_str).collect();
            let tg: Vec<&str> = tg.iter().map(String::as_str).collect();
            if (p.as_slice(), tg.as_slice(), c) != (*perps, *targets, *claim) {
                failed.push(format!("{text}\n  got {p:?} {tg:?} {c:?}"));
            }
        }
        assert!(failed.is_empty(), "{}", failed.join("\n"));
    }

    #[test]
    fn arabic_word_lists_are_normalized() {
        for w in AR_ANNOUNCE.iter().chain(AR_RESPONSIBILITY) {
            assert_eq!(vigil_text::normalize(w), *w);
        }
    }
}
