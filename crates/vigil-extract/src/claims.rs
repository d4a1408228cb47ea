//! The claim language (`data/kb/claims.toml`): how a group claims its
//! attacks, the names it uses for itself and for its enemies, and on which
//! side of an act a name stands.
//!
//! Three questions, each answered from the grammar of the clause rather
//! than from the nearness of a name:
//!
//! - **Who claims it?** The subject of a claim verb (Arabic verb-subject
//!   order: the first name after the verb, also when the verb carries the
//!   act as an object pronoun, "هجوم تبناه تنظيم الدولة"), the name a
//!   responsibility noun governs ("مسؤولية تنظيم الدولة عن"), or the
//!   subject of the verb announcing a possessed responsibility ("أعلن
//!   التنظيم مسؤوليته"). An outlet as claimant stands for the group it
//!   speaks for.
//! - **Whose voice is it?** A text that names the group as only the group
//!   names itself ("جنود الخلافة", its provinces, its opening formula)
//!   speaks for the group: its report is a claim, and the group the doer
//!   where the text names none.
//! - **Who was it done to?** A name that a noun of people or things
//!   governs ("عناصر قسد", "دورية لقسد", "an SDF patrol"), itself the
//!   complement of what was done ("مقتل خمسة من عناصر قسد"), the subject
//!   of a passive ("قتل ثلاثة عناصر من قسد"), or counted, is the victim's
//!   side, never the doer; a generic enemy term ("المرتدين") is a target
//!   with no actor unless a name beside it or the place's holder at the
//!   time tells which.

use chrono::NaiveDate;
use foldhash::{HashMap, HashMapExt, HashSet};
use serde::Deserialize;
use vigil_model::AttackMode;

use crate::matcher::{joined, Hit, Matcher};
use crate::text::{Kind, Text};
use crate::KbError;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClaimsFile {
    claim: ClaimDef,
    #[serde(default)]
    outlet: Vec<OutletDef>,
    #[serde(default)]
    pub(crate) self_name: Vec<SelfNameDef>,
    #[serde(default)]
    bare_reference: Vec<BareRefDef>,
    #[serde(default)]
    pub(crate) term: Vec<TermDef>,
    #[serde(default)]
    generic_term: Vec<GenericDef>,
    #[serde(default)]
    control: Vec<ControlDef>,
    #[serde(default)]
    voice_reading: Vec<VoiceReadingDef>,
    victims: VictimsDef,
    #[serde(default)]
    implied_count: Vec<ImpliedDef>,
    #[serde(default)]
    force_noun: Vec<ForceNounDef>,
    attempt: WordsDef,
    mode_inference: ModeInferenceDef,
    confirmation: ConfirmationDef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfirmationDef {
    speech_ar: Vec<String>,
    speech_en: Vec<String>,
    speaker_nouns_ar: Vec<String>,
    speaker_nouns_en: Vec<String>,
    own_losses_ar: Vec<String>,
    own_losses_en: Vec<String>,
    loss_verbs: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModeInferenceDef {
    sniping_ar: Vec<String>,
    sniping_en: Vec<String>,
    shooting_ar: Vec<String>,
    shooting_en: Vec<String>,
    clash_ar: Vec<String>,
    clash_en: Vec<String>,
}

/// What a passage says of how an attack was made, when no word names its
/// mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ModeCue {
    Sniping,
    Shooting,
    Clash,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimDef {
    verbs_ar: Vec<String>,
    object_suffixes: Vec<String>,
    announce_ar: Vec<String>,
    announce_en: Vec<String>,
    responsibility_ar: Vec<String>,
    responsibility_en: Vec<String>,
    possessive_ar: Vec<String>,
    announce_window: usize,
    clause_breaks_ar: Vec<String>,
    clause_breaks_en: Vec<String>,
    claim_verbs_en: Vec<String>,
    claim_nouns_en: Vec<String>,
    speech_en: Vec<String>,
    anaphors_en: Vec<String>,
    subject_window_en: usize,
    subject_gap_en: Vec<String>,
    claim_nouns_ar: Vec<String>,
    media_words_ar: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OutletDef {
    actor: String,
    speaks_for: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SelfNameDef {
    pub(crate) actor: String,
    #[serde(default)]
    pub(crate) ar: Vec<String>,
    #[serde(default)]
    pub(crate) en: Vec<String>,
    #[serde(default)]
    pub(crate) provinces_ar: Vec<String>,
    #[serde(default)]
    pub(crate) provinces_en: Vec<String>,
    #[serde(default)]
    openings_ar: Vec<String>,
    #[serde(default)]
    openings_en: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BareRefDef {
    actor: String,
    ar: Vec<String>,
    en: Vec<String>,
    countries: Vec<String>,
    since: String,
}

/// Another actor's name as a group's voice uses it, in some countries
/// (`[[voice_reading]]`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VoiceReadingDef {
    used_by: String,
    name: String,
    reads_as: String,
    countries: Vec<String>,
}

/// One party's term for another (`[[term]]`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TermDef {
    pub(crate) actor: String,
    pub(crate) used_by: String,
    /// Only its user says it: a text using it speaks in the user's voice.
    #[serde(default)]
    voice: bool,
    #[serde(default)]
    pub(crate) ar: Vec<String>,
    #[serde(default)]
    pub(crate) en: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GenericDef {
    used_by: String,
    #[serde(default)]
    voice: bool,
    ar: Vec<String>,
    en: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ControlDef {
    country: String,
    province: String,
    actor: String,
    since: String,
    until: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VictimsDef {
    patient_nouns_ar: Vec<String>,
    passive_ar: Vec<String>,
    event_nouns_ar: Vec<String>,
    agent_verbs_ar: Vec<String>,
    active_verbs_ar: Vec<String>,
    agent_nouns_ar: Vec<String>,
    by_ar: Vec<String>,
    member_nouns_ar: Vec<String>,
    asset_nouns_ar: Vec<String>,
    linkers_ar: Vec<String>,
    patient_words_en: Vec<String>,
    owners_en: Vec<String>,
    member_nouns_en: Vec<String>,
    asset_nouns_en: Vec<String>,
    modifiers_en: Vec<String>,
    passive_en: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ForceNounDef {
    en: Vec<String>,
    ar: Vec<String>,
    actors: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImpliedDef {
    attack_mode: String,
    killed: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WordsDef {
    ar: Vec<String>,
    en: Vec<String>,
}

/// Who held a province in a period.
#[derive(Debug, Clone)]
struct Control {
    country: String,
    province: String,
    actor: usize,
    since: NaiveDate,
    until: Option<NaiveDate>,
}

/// Where a name stands in its clause (see [`ClaimLanguage::side`]), with
/// the token that shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The side the act was done to.
    Victim(usize),
    /// The doer.
    Agent(usize),
    /// Named through its people, nothing telling which side.
    Member(usize),
}

/// The compiled claim language.
#[derive(Debug)]
pub struct ClaimLanguage {
    verbs: Matcher<()>,
    announce: Matcher<()>,
    /// Responsibility nouns; `true` for a possessive form ("مسؤوليته").
    responsibility: Matcher<bool>,
    announce_window: usize,
    breaks: HashSet<String>,
    claim_verbs_en: HashSet<String>,
    claim_nouns_en: HashSet<String>,
    speech_en: HashSet<String>,
    anaphors_en: HashSet<String>,
    subject_window_en: usize,
    subject_gap_en: HashSet<String>,
    /// Nouns of a claim whose complement is the claimant ("ادعاءات
    /// التنظيم", "ما نشرته معرفات تنظيم الدولة").
    claim_nouns_ar: Matcher<()>,
    media_words_ar: HashSet<String>,
    /// Bare words for one group where no group is named, and where and
    /// since when they stand for it.
    bare: Matcher<usize>,
    bare_where: HashMap<usize, (Vec<String>, NaiveDate)>,
    /// (voice, actor named, actor meant, countries): in the voice's own
    /// texts about those countries, the name stands for the actor meant.
    voice_readings: Vec<(usize, usize, usize, Vec<String>)>,
    /// Outlet actor → the actor it speaks for.
    outlets: HashMap<usize, usize>,
    /// Self-names and opening formulae → the actor whose voice they are.
    voice: Matcher<usize>,
    generic: Matcher<()>,
    control: Vec<Control>,
    patient_nouns: HashSet<String>,
    passive: HashSet<String>,
    event_nouns: HashSet<String>,
    agent_verbs: HashSet<String>,
    /// Active verbs whose subject follows them, with and without an
    /// object pronoun ("استهدف", "نفذه").
    active_verbs: HashSet<String>,
    agent_nouns: HashSet<String>,
    /// Two-word "by" phrases ("من قبل", "على يد") and one-word ones.
    by_phrases: HashSet<(String, String)>,
    by_words: HashSet<String>,
    members: HashSet<String>,
    assets: HashSet<String>,
    linkers: HashSet<String>,
    patient_en: HashSet<String>,
    /// Participles whose "by" or "to" names an owner ("a station run by
    /// the SDF", "fields belonging to an SDF commander").
    owners_en: HashSet<String>,
    members_en: HashSet<String>,
    assets_en: HashSet<String>,
    modifiers_en: HashSet<String>,
    passive_en: HashSet<String>,
    implied: Vec<(AttackMode, u32)>,
    attempt: Matcher<()>,
    mode_cues: Matcher<ModeCue>,
    saying_ar: HashSet<String>,
    saying_en: HashSet<String>,
    speaker_nouns: HashSet<String>,
    own_losses: Matcher<()>,
    loss_verbs: HashSet<String>,
    /// Common nouns of a state's forces → index into `force_actors`.
    force_nouns: Matcher<usize>,
    /// Per force noun list: country → actor.
    force_actors: Vec<HashMap<String, usize>>,
}

/// The forms an Arabic word of a list may take in text, normalized: as
/// listed, behind a fused و or ف, ب, ل or ك (and "لل" for ل + ال).
fn ar_forms(tok: &str) -> impl Iterator<Item = String> + '_ {
    let mut out = vec![tok.to_string()];
    let letters = |s: &str| s.chars().count();
    let mut stems = vec![tok];
    for c in ["و", "ف"] {
        if let Some(rest) = tok.strip_prefix(c) {
            if letters(rest) >= 2 {
                stems.push(rest);
            }
        }
    }
    for s in stems.clone() {
        for c in ["ب", "ل", "ك"] {
            if let Some(rest) = s.strip_prefix(c) {
                if letters(rest) >= 2 {
                    stems.push(rest);
                }
            }
        }
        if let Some(rest) = s.strip_prefix("لل") {
            if letters(rest) >= 2 {
                out.push(format!("ال{rest}"));
            }
        }
    }
    out.extend(stems.into_iter().skip(1).map(str::to_string));
    out.into_iter()
}

fn word_set(words: &[String]) -> HashSet<String> {
    words.iter().map(|w| joined(w)).collect()
}

/// Arabic nouns with the forms the grammar gives them: dual and plural
/// (see `matcher::arabic_inflections`), and the accusative of an
/// indefinite noun not in ة ("عنصر" → "عنصرا").
fn noun_set(words: &[String]) -> HashSet<String> {
    let mut out = word_set(words);
    for w in words {
        for f in crate::matcher::arabic_inflections(w) {
            out.insert(joined(&f));
        }
        if !w.ends_with('ة') && !w.ends_with('ا') && w.chars().count() >= 3 && !w.is_ascii() {
            out.insert(joined(&format!("{w}ا")));
        }
    }
    out
}

/// An Arabic verb with an attached pronoun: the final ى (normalized ي)
/// is written ا before it ("تبنى" + "ه" → "تبناه").
fn with_suffix(verb: &str, suffix: &str) -> String {
    match verb.strip_suffix('ى') {
        Some(stem) => format!("{stem}ا{suffix}"),
        None => format!("{verb}{suffix}"),
    }
}

impl ClaimLanguage {
    /// Compiles `claims.toml`, resolving actor keys with `actor_by_key`.
    pub(crate) fn new(
        file: &str,
        f: &ClaimsFile,
        actor_by_key: &HashMap<String, usize>,
    ) -> Result<ClaimLanguage, KbError> {
        let invalid = |what: String| KbError::Invalid {
            file: file.to_string(),
            what,
        };
        let actor = |key: &str, field: &str| {
            actor_by_key.get(key).copied().ok_or_else(|| {
                invalid(format!(
                    "{field} {key:?} is not an actor key of actors.toml"
                ))
            })
        };
        let c = &f.claim;
        let mut verbs = Vec::new();
        for v in &c.verbs_ar {
            verbs.push((v.clone(), ()));
            for s in &c.object_suffixes {
                verbs.push((with_suffix(v, s), ()));
            }
        }
        let announce = c
            .announce_ar
            .iter()
            .chain(&c.announce_en)
            .map(|w| (w.clone(), ()));
        let mut responsibility: Vec<(String, bool)> = Vec::new();
        for r in &c.responsibility_ar {
            responsibility.push((r.clone(), false));
            if !r.starts_with("ال") {
                let stem = r.strip_suffix('ة').unwrap_or(r);
                for p in &c.possessive_ar {
                    responsibility.push((format!("{stem}ت{p}"), true));
                }
            }
        }
        for r in &c.responsibility_en {
            responsibility.push((r.clone(), false));
            for p in ["its", "their", "his"] {
                responsibility.push((format!("{p} {r}"), true));
            }
        }
        let mut outlets = HashMap::new();
        for o in &f.outlet {
            outlets.insert(
                actor(&o.actor, "outlet actor")?,
                actor(&o.speaks_for, "outlet speaks_for")?,
            );
        }
        let day = |s: &str, field: &str| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| invalid(format!("{field} {s:?} is not YYYY-MM-DD")))
        };
        let mut voice = Vec::new();
        for n in &f.self_name {
            let a = actor(&n.actor, "self_name actor")?;
            let names = n.ar.iter().chain(&n.en);
            let provinces = n.provinces_ar.iter().chain(&n.provinces_en);
            let openings = n.openings_ar.iter().chain(&n.openings_en);
            voice.extend(
                names
                    .chain(provinces)
                    .chain(openings)
                    .map(|w| (w.clone(), a)),
            );
        }
        for t in &f.term {
            actor(&t.actor, "term actor")?;
            let user = actor(&t.used_by, "term used_by")?;
            if t.voice {
                voice.extend(t.ar.iter().chain(&t.en).map(|w| (w.clone(), user)));
            }
        }
        let mut generic = Vec::new();
        for g in &f.generic_term {
            let user = actor(&g.used_by, "generic_term used_by")?;
            generic.extend(g.ar.iter().chain(&g.en).map(|w| (w.clone(), ())));
            if g.voice {
                voice.extend(g.ar.iter().chain(&g.en).map(|w| (w.clone(), user)));
            }
        }
        let mut bare = Vec::new();
        let mut bare_where = HashMap::new();
        for b in &f.bare_reference {
            let a = actor(&b.actor, "bare_reference actor")?;
            bare.extend(b.ar.iter().chain(&b.en).map(|w| (w.clone(), a)));
            let since = day(&b.since, "bare_reference since")?;
            bare_where.insert(a, (b.countries.clone(), since));
        }
        let mut voice_readings = Vec::new();
        for v in &f.voice_reading {
            voice_readings.push((
                actor(&v.used_by, "voice_reading used_by")?,
                actor(&v.name, "voice_reading name")?,
                actor(&v.reads_as, "voice_reading reads_as")?,
                v.countries.clone(),
            ));
        }
        let mut control = Vec::new();
        for k in &f.control {
            control.push(Control {
                country: k.country.clone(),
                province: k.province.clone(),
                actor: actor(&k.actor, "control actor")?,
                since: day(&k.since, "control since")?,
                until: if k.until.is_empty() {
                    None
                } else {
                    Some(day(&k.until, "control until")?)
                },
            });
        }
        let mut implied = Vec::new();
        for i in &f.implied_count {
            let mode: AttackMode = i
                .attack_mode
                .parse()
                .map_err(|e: vigil_model::ParseError| invalid(e.to_string()))?;
            implied.push((mode, i.killed));
        }
        let mut force_nouns = Vec::new();
        let mut force_actors = Vec::new();
        for (i, fnd) in f.force_noun.iter().enumerate() {
            let mut by_country = HashMap::new();
            for (country, key) in &fnd.actors {
                by_country.insert(country.clone(), actor(key, "force_noun actor")?);
            }
            force_actors.push(by_country);
            force_nouns.extend(fnd.en.iter().chain(&fnd.ar).map(|w| (w.clone(), i)));
        }
        let v = &f.victims;
        Ok(ClaimLanguage {
            verbs: Matcher::new(verbs),
            announce: Matcher::new(announce),
            responsibility: Matcher::new(responsibility),
            announce_window: c.announce_window,
            breaks: word_set(&[c.clause_breaks_ar.clone(), c.clause_breaks_en.clone()].concat()),
            claim_verbs_en: word_set(&c.claim_verbs_en),
            claim_nouns_en: word_set(&c.claim_nouns_en),
            speech_en: word_set(&c.speech_en),
            anaphors_en: word_set(&c.anaphors_en),
            subject_window_en: c.subject_window_en,
            subject_gap_en: word_set(&c.subject_gap_en),
            claim_nouns_ar: Matcher::new(c.claim_nouns_ar.iter().map(|w| (w.clone(), ()))),
            media_words_ar: word_set(&c.media_words_ar),
            bare: Matcher::new(bare),
            bare_where,
            voice_readings,
            outlets,
            voice: Matcher::new(voice),
            generic: Matcher::new(generic),
            control,
            patient_nouns: noun_set(&v.patient_nouns_ar),
            passive: word_set(&v.passive_ar),
            event_nouns: noun_set(&v.event_nouns_ar),
            agent_verbs: word_set(&v.agent_verbs_ar),
            active_verbs: {
                let mut set = word_set(&v.active_verbs_ar);
                for w in &v.active_verbs_ar {
                    for p in &c.object_suffixes {
                        set.insert(joined(&with_suffix(w, p)));
                    }
                }
                set
            },
            agent_nouns: noun_set(&v.agent_nouns_ar),
            by_phrases: v
                .by_ar
                .iter()
                .filter_map(|p| {
                    let j = joined(p);
                    let (a, b) = j.split_once(' ')?;
                    Some((a.to_string(), b.to_string()))
                })
                .collect(),
            by_words: word_set(
                &v.by_ar
                    .iter()
                    .filter(|p| !p.contains(' '))
                    .cloned()
                    .collect::<Vec<_>>(),
            ),
            members: noun_set(&v.member_nouns_ar),
            assets: noun_set(&v.asset_nouns_ar),
            linkers: word_set(&v.linkers_ar),
            patient_en: word_set(&v.patient_words_en),
            owners_en: word_set(&v.owners_en),
            members_en: word_set(&v.member_nouns_en),
            assets_en: word_set(&v.asset_nouns_en),
            modifiers_en: word_set(&v.modifiers_en),
            passive_en: word_set(&v.passive_en),
            implied,
            mode_cues: {
                let m = &f.mode_inference;
                let tag = |list: &[String], cue: ModeCue| {
                    list.iter()
                        .map(move |w| (w.clone(), cue))
                        .collect::<Vec<_>>()
                };
                Matcher::new(
                    [
                        tag(&m.sniping_ar, ModeCue::Sniping),
                        tag(&m.sniping_en, ModeCue::Sniping),
                        tag(&m.shooting_ar, ModeCue::Shooting),
                        tag(&m.shooting_en, ModeCue::Shooting),
                        tag(&m.clash_ar, ModeCue::Clash),
                        tag(&m.clash_en, ModeCue::Clash),
                    ]
                    .concat(),
                )
            },
            saying_ar: word_set(&f.confirmation.speech_ar),
            saying_en: word_set(&f.confirmation.speech_en),
            speaker_nouns: word_set(
                &[
                    f.confirmation.speaker_nouns_ar.clone(),
                    f.confirmation.speaker_nouns_en.clone(),
                ]
                .concat(),
            ),
            loss_verbs: word_set(&f.confirmation.loss_verbs),
            own_losses: Matcher::new(
                f.confirmation
                    .own_losses_ar
                    .iter()
                    .chain(&f.confirmation.own_losses_en)
                    .map(|w| (w.clone(), ())),
            ),
            force_nouns: Matcher::new(force_nouns),
            force_actors,
            attempt: Matcher::new(
                f.attempt
                    .ar
                    .iter()
                    .chain(&f.attempt.en)
                    .map(|w| (w.clone(), ())),
            ),
        })
    }

    fn in_set(set: &HashSet<String>, tok: &str) -> bool {
        if tok.is_ascii() {
            return set.contains(tok);
        }
        ar_forms(tok).any(|f| set.contains(&f))
    }

    /// Whether a thing that belongs to a side (a patrol, a checkpoint, a
    /// vehicle: "دورية", "نقطة") follows an attack word ending at `end`,
    /// within a few words: the attack has a concrete object.
    pub fn object_after(&self, t: &Text<'_>, r: &std::ops::Range<usize>, end: usize) -> bool {
        (end..(end + 4).min(r.end)).any(|k| {
            let w = t.tok(k);
            Self::in_set(&self.assets, w) || self.assets_en.contains(w)
        })
    }

    /// The actor an outlet speaks for, or the actor itself.
    pub fn speaker_of(&self, actor: usize) -> usize {
        self.outlets.get(&actor).copied().unwrap_or(actor)
    }

    /// Whether `actor` is an outlet.
    pub fn is_outlet(&self, actor: usize) -> bool {
        self.outlets.contains_key(&actor)
    }

    /// The actor whose own voice the text is (a self-name or an opening
    /// formula), with the tokens that show it.
    pub fn voice(&self, t: &Text<'_>) -> Option<(usize, (usize, usize))> {
        self.voice
            .find(t, 0..t.tokens.len())
            .first()
            .map(|h| (*h.value, (h.start, h.end)))
    }

    /// Whether the passage tells an attempt ("محاولة اغتيال", "a failed
    /// attempt"), with the cue's tokens.
    pub fn attempt(
        &self,
        t: &Text<'_>,
        sentences: &[std::ops::Range<usize>],
    ) -> Option<(usize, usize)> {
        sentences.iter().find_map(|r| {
            self.attempt
                .find(t, r.clone())
                .first()
                .map(|h| (h.start, h.end))
        })
    }

    /// The attack mode a passage implies when no word names it: sniping
    /// is an armed assault; shooting, or a killing by no named means, of
    /// `one_victim` is an assassination; shooting, a clash, or a plain
    /// `attack` is an armed assault. With the cue's tokens.
    pub fn infer_mode(
        &self,
        t: &Text<'_>,
        sentences: &[std::ops::Range<usize>],
        one_victim: bool,
        killing: Option<(usize, usize)>,
        attack: Option<(usize, usize)>,
    ) -> Option<(AttackMode, (usize, usize))> {
        let cues: Vec<_> = sentences
            .iter()
            .flat_map(|r| self.mode_cues.find(t, r.clone()))
            .collect();
        let first = |c: ModeCue| {
            cues.iter()
                .find(|h| *h.value == c)
                .map(|h| (h.start, h.end))
        };
        if let Some(span) = first(ModeCue::Sniping) {
            return Some((AttackMode::ArmedAssault, span));
        }
        let shooting = first(ModeCue::Shooting);
        if one_victim {
            if let Some(span) = shooting.or(killing) {
                return Some((AttackMode::Assassination, span));
            }
        }
        shooting
            .or_else(|| first(ModeCue::Clash))
            .or(attack)
            .map(|span| (AttackMode::ArmedAssault, span))
    }

    /// The killed count an attack mode implies when the text gives none.
    pub fn implied_killed(&self, mode: AttackMode) -> Option<u32> {
        self.implied
            .iter()
            .find(|(m, _)| *m == mode)
            .map(|(_, k)| *k)
    }

    /// The holder of a province on a day, for a generic enemy term.
    pub fn holder(&self, country: &str, province: &str, day: NaiveDate) -> Option<usize> {
        self.control
            .iter()
            .find(|c| {
                c.country == country
                    && c.province == province
                    && c.since <= day
                    && c.until.is_none_or(|u| day <= u)
            })
            .map(|c| c.actor)
    }

    /// Names that claim the act in sentence `r`: (index into `actors`,
    /// first and last-plus-one token of the claim's cue).
    pub fn claimants(
        &self,
        t: &Text<'_>,
        r: &std::ops::Range<usize>,
        actors: &[Hit<'_, usize>],
    ) -> Vec<(usize, (usize, usize))> {
        let mut out = Vec::new();
        for v in self.verbs.find(t, r.clone()) {
            if negated(t, r, v.start) {
                continue;
            }
            if let Some(i) = self.subject_of(t, r, actors, v.start, v.end) {
                out.push((i, (v.start, v.end)));
            }
        }
        // "ادعاءات التنظيم عن ...", "ما نشرته معرفات تنظيم الدولة": whose
        // claim it is, also when a denial is about it.
        for n in self.claim_nouns_ar.find(t, r.clone()) {
            let mut k = n.end;
            while k < r.end
                && k < n.end + 4
                && (Self::in_set(&self.media_words_ar, t.tok(k)) || t.kind(k) == Kind::Punct)
                && !actors.iter().any(|a| a.start == k)
            {
                k += 1;
            }
            if let Some(i) = actors.iter().position(|a| a.start == k) {
                out.push((i, (n.start, actors[i].end)));
            }
        }
        for n in self.responsibility.find(t, r.clone()) {
            if negated(t, r, n.start) {
                continue;
            }
            let from = n.start.saturating_sub(self.announce_window).max(r.start);
            let verb = self
                .announce
                .find(t, from..n.start)
                .into_iter()
                .rev()
                .find(|a| a.end <= n.start);
            // "مسؤولية تنظيم الدولة عن": the name the noun governs.
            let governed = actors.iter().position(|a| a.start == n.end);
            let claimant = match (governed, *n.value) {
                (Some(i), false) => Some(i),
                _ => verb.and_then(|a| self.subject_of(t, r, actors, a.start, a.end)),
            };
            // A responsibility noun claims only with an announcing verb or
            // a claimant it governs ("responsibility for security" does
            // not).
            if let (Some(i), true) = (claimant, verb.is_some() || governed.is_some()) {
                let start = verb.map_or(n.start, |a| a.start);
                out.push((i, (start, n.end)));
            }
        }
        out
    }

    /// The claim verbs of sentence `r` that no negation governs ("وهو ما
    /// تبناه التنظيم"): a claim even when its claimant is a bare word.
    pub fn claim_verbs(&self, t: &Text<'_>, r: &std::ops::Range<usize>) -> Option<(usize, usize)> {
        self.verbs
            .find(t, r.clone())
            .into_iter()
            .find(|v| !negated(t, r, v.start))
            .map(|v| (v.start, v.end))
    }

    /// Who speaks in sentence `r`: the name a statement opens with ("SDF
    /// Press Center: …"), or the subject of a verb of saying ("أعلنت قوات
    /// سوريا الديمقراطية", "أعلن الإعلام الحربي للحشد", "a PMF official
    /// said", "The Ministry of Peshmerga Affairs announced"). An index
    /// into `actors`, with the cue's token.
    pub fn speaker(
        &self,
        t: &Text<'_>,
        r: &std::ops::Range<usize>,
        actors: &[Hit<'_, usize>],
    ) -> Option<(usize, usize)> {
        let office =
            |j: usize| t.kind(j) == Kind::Punct || Self::in_set(&self.speaker_nouns, t.tok(j));
        // "X: …" at the head of the sentence.
        if let Some(i) = actors.iter().position(|a| a.start < r.start + 6) {
            let colon = (actors[i].end..(actors[i].end + 4).min(r.end))
                .find(|&k| t.tok(k) == ":")
                .filter(|&k| (actors[i].end..k).all(office));
            if let Some(k) = colon {
                return Some((i, k));
            }
        }
        for k in r.clone() {
            let w = t.tok(k);
            let found = if !w.is_ascii() && Self::in_set(&self.saying_ar, w) {
                // The subject after the verb, past the nouns of a
                // speaker's office ("المركز الإعلامي ل", "وزارة شؤون").
                actors
                    .iter()
                    .position(|a| a.start > k && a.start <= k + 5 && (k + 1..a.start).all(office))
            } else if self.saying_en.contains(w) {
                actors
                    .iter()
                    .rposition(|a| a.end <= k && a.end + 3 >= k && (a.end..k).all(office))
            } else {
                None
            };
            if let Some(i) = found {
                return Some((i, k));
            }
        }
        None
    }

    /// Whether the verb at `k` mourns (who mourns speaks of its own dead).
    pub fn mourns(&self, t: &Text<'_>, k: usize) -> bool {
        Self::in_set(&self.loss_verbs, t.tok(k))
    }

    /// A side's own losses told in the first person ("two of our
    /// fighters", "أحد مقاتليها"): the tokens.
    pub fn own_losses(&self, t: &Text<'_>, r: &std::ops::Range<usize>) -> Option<(usize, usize)> {
        self.own_losses
            .find(t, r.clone())
            .first()
            .map(|h| (h.start, h.end))
    }

    /// English claimants of sentence `r`: the subject of a verb of
    /// claiming or saying ("IS claimed it on Tuesday", "the group said in a
    /// statement"), or the owner of a claim ("per the IS claim", "the
    /// group's statement"). `None` stands for an anaphor ("the group"),
    /// which the caller resolves to the group last named. Only actors that
    /// `can_claim` (non-state groups and outlets: a ministry saying
    /// something reports it) count, and never the victims' side.
    pub fn claimants_en(
        &self,
        t: &Text<'_>,
        r: &std::ops::Range<usize>,
        actors: &[Hit<'_, usize>],
        numbers: &crate::numbers::NumberWords,
        can_claim: &dyn Fn(usize) -> bool,
        nouns_only: bool,
    ) -> Vec<(Option<usize>, (usize, usize))> {
        let mut out = Vec::new();
        for k in r.clone() {
            let w = t.tok(k);
            let verb =
                !nouns_only && (self.claim_verbs_en.contains(w) || self.speech_en.contains(w));
            let noun = self.claim_nouns_en.contains(w);
            if !(verb || noun) || (!nouns_only && negated(t, r, k)) {
                continue;
            }
            let det = k > r.start && matches!(t.tok(k - 1), "the" | "a" | "an" | "this" | "that");
            // "the claim could not be verified": a noun with no owner.
            let owner_window = if noun && !verb || det {
                3
            } else {
                self.subject_window_en
            };
            let from = k.saturating_sub(owner_window).max(r.start);
            // Not across another clause: a semicolon, "while", "but".
            let from = (from..k)
                .rev()
                .find(|&j| matches!(t.tok(j), ";" | "while" | "but" | "whereas"))
                .map_or(from, |j| j + 1);
            // The subject stands right before its verb, past only an
            // apposition's words ("IS, in a statement on its Amaq agency,
            // said"); "an SDF patrol …, officials said" has another.
            let subject = actors
                .iter()
                .enumerate()
                .rev()
                .find(|(_, a)| a.end <= k && a.start >= from)
                .map(|(i, _)| i)
                .filter(|&i| {
                    (actors[i].end..k)
                        .all(|j| t.kind(j) == Kind::Punct || self.subject_gap_en.contains(t.tok(j)))
                });
            match subject {
                Some(i)
                    if can_claim(*actors[i].value)
                        && self.victim(t, r, actors, i, numbers).is_none() =>
                {
                    out.push((Some(i), (actors[i].start, k + 1)));
                }
                Some(_) => {}
                None => {
                    let anaphor = (from..k).any(|j| {
                        self.anaphors_en.contains(t.tok(j))
                            && j > r.start
                            && matches!(t.tok(j - 1), "the" | "a" | "its")
                    });
                    if anaphor {
                        out.push((None, (from, k + 1)));
                    }
                }
            }
        }
        out
    }

    /// Whether the bare words for a group stand for it in a text about
    /// `countries`, published on `day`.
    pub fn bare_applies(&self, countries: &[String], day: Option<NaiveDate>) -> bool {
        self.bare_where.values().any(|(cs, since)| {
            cs.iter().any(|c| countries.contains(c)) && day.is_some_and(|d| d >= *since)
        })
    }

    /// The actor that `actor`'s name stands for in a text in `voice`'s
    /// voice about `country` (the Islamic State's "PKK" in Syria is the
    /// SDF): `actor` itself unless a `[[voice_reading]]` says otherwise.
    pub fn read_in_voice(
        &self,
        voice: Option<usize>,
        actor: usize,
        country: Option<&str>,
    ) -> usize {
        let (Some(voice), Some(country)) = (voice, country) else {
            return actor;
        };
        self.voice_readings
            .iter()
            .find(|(v, a, _, cs)| *v == voice && *a == actor && cs.iter().any(|c| c == country))
            .map_or(actor, |r| r.2)
    }

    /// What `actor`'s name may stand for in `voice`'s own texts: each
    /// actor meant, with the countries where it does (the Islamic State's
    /// "PKK" is the SDF in Syria).
    pub fn voice_meanings(
        &self,
        voice: usize,
        actor: usize,
    ) -> impl Iterator<Item = (usize, &[String])> + '_ {
        self.voice_readings
            .iter()
            .filter(move |(v, a, _, _)| *v == voice && *a == actor)
            .map(|(_, _, meant, cs)| (*meant, cs.as_slice()))
    }

    /// The bare words for a group in sentence `r`, as actor mentions.
    pub fn bare_hits(&self, t: &Text<'_>, r: &std::ops::Range<usize>) -> Vec<Hit<'_, usize>> {
        self.bare.find(t, r.clone())
    }

    /// A bare word for one group ("التنظيم") in `sentences`, where the
    /// report's place is in one of its countries and its day no earlier
    /// than the word's use for the group: (actor, tokens).
    pub fn bare_reference(
        &self,
        t: &Text<'_>,
        sentences: &[std::ops::Range<usize>],
        country: Option<&str>,
        day: Option<NaiveDate>,
    ) -> Option<(usize, (usize, usize))> {
        sentences.iter().find_map(|r| {
            self.bare.find(t, r.clone()).into_iter().find_map(|h| {
                let (countries, since) = self.bare_where.get(h.value)?;
                let here = country.is_none_or(|c| countries.iter().any(|x| x == c));
                let then = day.is_none_or(|d| d >= *since);
                (here && then).then_some((*h.value, (h.start, h.end)))
            })
        })
    }

    /// The subject of a verb at `start..end`: Arabic, the first name after
    /// it within a few words (not past a clause break), else a name right
    /// before it; English, the nearest name before it.
    fn subject_of(
        &self,
        t: &Text<'_>,
        r: &std::ops::Range<usize>,
        actors: &[Hit<'_, usize>],
        start: usize,
        end: usize,
    ) -> Option<usize> {
        let arabic = !t.tok(start).is_ascii();
        let before = actors.iter().rposition(|a| a.end <= start).filter(|&i| {
            start - actors[i].end <= 2 && (actors[i].end..start).all(|k| t.kind(k) != Kind::Punct)
        });
        if !arabic {
            return before;
        }
        let after = actors.iter().position(|a| a.start >= end).filter(|&i| {
            let gap = end..actors[i].start;
            gap.len() <= 4
                && gap
                    .clone()
                    .all(|k| t.kind(k) != Kind::Punct && !Self::in_set(&self.breaks, t.tok(k)))
        });
        // A name right before the verb is its subject (a headline's
        // "تنظيم الدولة يتبنى هجوما على قسد"): the name after is the
        // object's.
        let adjacent = before.filter(|&i| actors[i].end == start);
        adjacent
            .or(after)
            .or(before)
            .filter(|&i| i < actors.len() && r.contains(&actors[i].start))
    }

    /// Where actor `i` of `actors` stands in its clause, when the grammar
    /// says: the side the act was done to, the doer, or a side named only
    /// through its people ("عناصر قسد") with nothing to tell which.
    pub fn side(
        &self,
        t: &Text<'_>,
        r: &std::ops::Range<usize>,
        actors: &[Hit<'_, usize>],
        i: usize,
        numbers: &crate::numbers::NumberWords,
    ) -> Option<Side> {
        let h = &actors[i];
        // A Latin-script name inside Arabic ("لمرتدي PKK") is read by the
        // Arabic grammar around it.
        let word_before = (r.start..h.start).rev().find(|&k| t.kind(k) == Kind::Word);
        let in_arabic = word_before.is_some_and(|k| !t.tok(k).is_ascii());
        if t.tok(h.start).is_ascii() && !in_arabic {
            return self.side_en(t, r, h, numbers);
        }
        // The noun phrase the name ends: a noun of people, things or
        // doers, a few words, a linker, the name ("عناصر من قسد", "دورية
        // راجلة لقسد", "آلية لـ #قسد", "خلايا تابعة لتنظيم الدولة", "عنصر
        // في قسد", "مرتدي الجيش العراقي").
        let mut k = h.start;
        while k > r.start
            && (Self::in_set(&self.linkers, t.tok(k - 1))
                || matches!(t.tok(k - 1), "#" | "\"" | "«" | "»" | "'"))
        {
            k -= 1;
        }
        let is = |set: &HashSet<String>, j: usize| Self::in_set(set, t.tok(j));
        let holder = (k.saturating_sub(3).max(r.start)..k)
            .rev()
            .find(|&j| is(&self.assets, j) || is(&self.members, j) || is(&self.agent_nouns, j));
        let generic_before = self
            .generic
            .find(t, k.saturating_sub(1).max(r.start)..h.start)
            .into_iter()
            .any(|g| g.end == k);
        let head = holder.or(generic_before.then(|| k - 1)).unwrap_or(h.start);
        // Back over a count and "من" ("خمسة من عناصر قسد").
        let mut b = head;
        let mut counted = false;
        while b > r.start {
            if t.kind(b - 1) == Kind::Number || numbers.parse_at(t, b - 1).is_some() {
                counted = true;
                b -= 1;
            } else if t.tok(b - 1) == "من" && holder.is_some() {
                b -= 1;
            } else {
                break;
            }
        }
        let prev = b.checked_sub(1).filter(|&p| p >= r.start);
        // A noun of people whose spelling shows the accusative or genitive
        // (the dual and plural in ين, the indefinite in ا: "عنصرين",
        // "مقاتلين", "عنصرا") is no verb's subject: after an active verb
        // it is the object ("قنص عنصرين من قسد"); a subject would read
        // "عنصران", "مقاتلون".
        let oblique = holder.is_some_and(|j| {
            let w = t.tok(j);
            is(&self.members, j) && (w.ends_with("ين") || w.ends_with('ا'))
        });
        let asset = holder.is_some_and(|j| is(&self.assets, j));
        let doers = holder.is_some_and(|j| is(&self.agent_nouns, j));

        // The doer: the subject before its verb ("مقاتلو الدولة الإسلامية
        // يغتالون", "عناصر من داعش خطفوا"), after "by" ("من قبل مجهولين",
        // "على يد عناصر داعش"), the complement of an attack's noun or means
        // ("بهجوم لمقاتلي الدولة", "برصاص خلية تابعة لداعش", "هجوم داعش"),
        // or the subject after an active verb, also one that carries the
        // act as a pronoun ("هجوم نفذه عناصر من التنظيم", "شنه عناصر
        // داعش", "هاجمت خلايا التنظيم").
        if !asset {
            if let Some(v) = (h.end..(h.end + 2).min(r.end)).find(|&v| is(&self.agent_verbs, v)) {
                if (h.end..v).all(|j| t.kind(j) == Kind::Punct) {
                    return Some(Side::Agent(v));
                }
            }
            if let Some(p) = prev {
                let by = p > r.start
                    && self
                        .by_phrases
                        .contains(&(t.tok(p - 1).to_string(), t.tok(p).to_string()))
                    || Self::in_set(&self.by_words, t.tok(p));
                if by || (is(&self.event_nouns, p) && !counted) {
                    return Some(Side::Agent(p));
                }
                // Unvowelled, a verb that may be read as passive before a
                // noun of people ("قنص عنصر لقسد": a headline's "the
                // sniping of an SDF member") is active only with an object
                // after it ("قنص عنصر من قسد مدنيا").
                let patient = holder.is_some_and(|j| is(&self.members, j))
                    && is(&self.passive, p)
                    && !self.object_follows(t, r, h.end);
                if is(&self.active_verbs, p) && !counted && !oblique && !patient {
                    return Some(Side::Agent(p));
                }
            }
        }
        if holder.is_none() && !generic_before {
            // The name itself after what was done to it ("اغتيال مسؤول",
            // "استهداف قسد"), or the subject of a passive with no object
            // after it ("قتل شرطي").
            return match prev {
                Some(p) if is(&self.patient_nouns, p) => Some(Side::Victim(p)),
                Some(p) if is(&self.passive, p) && !self.object_follows(t, r, h.end) => {
                    Some(Side::Victim(p))
                }
                _ => None,
            };
        }
        // Things belong to the side attacked.
        if asset {
            return Some(Side::Victim(head));
        }
        if doers {
            return Some(Side::Agent(head));
        }
        // People: victims when counted or governed by what was done to
        // them; after a verb that is passive or active unvowelled ("قتل"),
        // an object after the noun phrase makes it the subject.
        if counted
            || prev.is_some_and(|p| is(&self.patient_nouns, p))
            || (oblique && prev.is_some_and(|p| is(&self.active_verbs, p)))
        {
            return Some(Side::Victim(head));
        }
        if let Some(p) = prev.filter(|&p| is(&self.passive, p)) {
            return Some(if self.object_follows(t, r, h.end) {
                Side::Agent(p)
            } else {
                Side::Victim(head)
            });
        }
        Some(Side::Member(head))
    }

    /// Whether an object follows a noun phrase ending at `end`: a noun of
    /// people in the accusative ("عنصراً", "جنديين"), a number, or a thing.
    fn object_follows(&self, t: &Text<'_>, r: &std::ops::Range<usize>, end: usize) -> bool {
        // What follows a preposition is no object ("في منزلهما", in their
        // house).
        let stop = (end..(end + 3).min(r.end))
            .find(|&k| {
                matches!(
                    t.tok(k),
                    "في" | "على" | "من" | "الى" | "عند" | "قرب" | "داخل" | "امام" | "بين"
                )
            })
            .unwrap_or((end + 3).min(r.end));
        (end..stop).any(|k| {
            let w = t.tok(k);
            t.kind(k) == Kind::Number
                || (Self::in_set(&self.members, w) && (w.ends_with('ا') || w.ends_with("ين")))
                || Self::in_set(&self.assets, w)
        })
    }

    /// Whether actor `i` is the side the act was done to, with the cue's
    /// first token.
    pub fn victim(
        &self,
        t: &Text<'_>,
        r: &std::ops::Range<usize>,
        actors: &[Hit<'_, usize>],
        i: usize,
        numbers: &crate::numbers::NumberWords,
    ) -> Option<usize> {
        match self.side(t, r, actors, i, numbers) {
            Some(Side::Victim(k)) => Some(k),
            _ => None,
        }
    }

    /// English: "members of the SDF", "a checkpoint of the Syrian
    /// Democratic Forces", "an SDF patrol", "two Iraqi soldiers", "SDF
    /// fighters were killed", "killing five SDF fighters".
    fn side_en(
        &self,
        t: &Text<'_>,
        r: &std::ops::Range<usize>,
        h: &Hit<'_, usize>,
        numbers: &crate::numbers::NumberWords,
    ) -> Option<Side> {
        let number = |k: usize| t.kind(k) == Kind::Number || numbers.parse_at(t, k).is_some();
        // Back over determiners, counts and quantifiers: (first token,
        // counted).
        let back = |mut b: usize| {
            let mut counted = false;
            while b > r.start {
                let w = t.tok(b - 1);
                if number(b - 1) {
                    counted = true;
                } else if !matches!(
                    w,
                    "the" | "a" | "an" | "at" | "least" | "some" | "another" | "one"
                ) {
                    break;
                }
                b -= 1;
            }
            (b, counted)
        };
        let patient_before = |b: usize| b > r.start && Self::in_set(&self.patient_en, t.tok(b - 1));
        // "was shot", or a participle right after the noun group that takes
        // no object ("a Syrian army soldier killed by an IS sniper", "2 NDF
        // killed."): the reduced passive of headlines and lists. An active
        // verb there has its object next ("the SDF killed two").
        let passive_after = |e: usize| {
            let reduced = e < r.end
                && self.passive_en.contains(t.tok(e))
                && (e + 1 >= r.end
                    || matches!(
                        t.tok(e + 1),
                        "by" | "in"
                            | "on"
                            | "at"
                            | "near"
                            | "during"
                            | "when"
                            | "while"
                            | "after"
                            | "and"
                            | ","
                            | "."
                            | ";"
                            | ":"
                            | ")"
                    ));
            // "was shot", "was found shot dead", "were reportedly killed".
            reduced
                || (e..(e + 4).min(r.end)).any(|k| {
                    matches!(t.tok(k), "was" | "were" | "been")
                        && (k + 1..(k + 3).min(r.end)).any(|j| {
                            self.passive_en.contains(t.tok(j))
                                && (j == k + 1
                                    || matches!(
                                        t.tok(k + 1),
                                        "found" | "reportedly" | "later" | "then" | "also"
                                    ))
                        })
                })
        };
        // The people or things the name owns, before it with "of".
        let mut k = h.start;
        while k > r.start
            && (t.kind(k - 1) == Kind::Punct
                || matches!(t.tok(k - 1), "the" | "a" | "an" | "'s")
                || self.modifiers_en.contains(t.tok(k - 1)))
            && h.start - k < 8
        {
            k -= 1;
        }
        if k >= r.start + 2 && t.tok(k - 1) == "of" {
            // The noun before "of", past quotes: an "intelligence member"
            // of the SDF.
            let m = (r.start..k - 1).rev().find(|&j| t.kind(j) != Kind::Punct)?;
            if self.assets_en.contains(t.tok(m)) {
                return Some(Side::Victim(m));
            }
            if self.members_en.contains(t.tok(m)) {
                let (b, counted) = back(m);
                return Some(if counted || patient_before(b) || passive_after(h.end) {
                    Side::Victim(m)
                } else {
                    Side::Member(m)
                });
            }
        }
        // The noun after the name (past a closing quote): "an SDF patrol",
        // "SDF fighters", a "PKK militia" vehicle.
        let next = (h.end..(h.end + 2).min(r.end)).find(|&j| t.kind(j) != Kind::Punct);
        let after = next.map(|j| t.tok(j));
        let (b, counted) = back(h.start);
        let patient = patient_before(b);
        let n = next.unwrap_or(h.end);
        // The owner of what was hit: "a pumping station run by the SDF",
        // "wheat fields belonging to an SDF commander".
        if b >= r.start + 2
            && matches!(t.tok(b - 1), "by" | "to")
            && self.owners_en.contains(t.tok(b - 2))
        {
            return Some(Side::Victim(b - 2));
        }
        if after.is_some_and(|w| self.assets_en.contains(w)) {
            return Some(Side::Victim(n));
        }
        if after.is_some_and(|w| self.members_en.contains(w)) {
            return Some(if counted || patient || passive_after(n + 1) {
                Side::Victim(n)
            } else {
                Side::Member(n)
            });
        }
        // The name itself after what was done ("an attack on the SDF"),
        // or before a passive ("a policeman was shot dead").
        if passive_after(h.end) {
            return Some(Side::Victim(h.end));
        }
        patient.then(|| Side::Victim(b - 1))
    }

    /// A state's forces named by a common noun on the victims' side ("a
    /// policeman was shot dead", "قتل جندي"), as the force of `country`:
    /// (actor, tokens).
    pub fn force_target(
        &self,
        t: &Text<'_>,
        sentences: &[std::ops::Range<usize>],
        country: &str,
        numbers: &crate::numbers::NumberWords,
    ) -> Option<(usize, (usize, usize))> {
        sentences.iter().find_map(|r| {
            let hits = self.force_nouns.find(t, r.clone());
            hits.iter().enumerate().find_map(|(i, h)| {
                let actor = *self.force_actors[*h.value].get(country)?;
                let hits: Vec<Hit<'_, usize>> = hits.to_vec();
                match self.side(t, r, &hits, i, numbers) {
                    Some(Side::Victim(_)) => Some((actor, (h.start, h.end))),
                    _ => None,
                }
            })
        })
    }

    /// A generic enemy term in a victim's place in `r` ("استهداف
    /// المرتدين", "قتل عنصرين من المرتدين"), as tokens.
    pub fn generic_target(
        &self,
        t: &Text<'_>,
        r: &std::ops::Range<usize>,
    ) -> Option<(usize, usize)> {
        self.generic.find(t, r.clone()).into_iter().find_map(|g| {
            let mut k = g.start;
            while k > r.start && Self::in_set(&self.linkers, t.tok(k - 1)) {
                k -= 1;
            }
            let governed = (k.saturating_sub(3).max(r.start)..k).any(|j| {
                let w = t.tok(j);
                Self::in_set(&self.patient_nouns, w)
                    || Self::in_set(&self.passive, w)
                    || Self::in_set(&self.members, w)
                    || Self::in_set(&self.assets, w)
                    || Self::in_set(&self.patient_en, w)
                    || t.kind(j) == Kind::Number
            });
            governed.then_some((g.start, g.end))
        })
    }
}

/// "not confirmed", "no group has claimed", "لم يتبن", "دون أن تتبنى أي
/// جهة", "without any group claiming": a negation in the three words
/// before the cue.
pub(crate) fn negated(t: &Text<'_>, r: &std::ops::Range<usize>, cue: usize) -> bool {
    (cue.saturating_sub(3).max(r.start)..cue).any(|k| {
        matches!(
            t.tok(k),
            "not"
                | "no"
                | "nobody"
                | "never"
                | "without"
                | "لم"
                | "لا"
                | "ولم"
                | "دون"
                | "بدون"
                | "ودون"
        )
    })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use vigil_model::SourceKind;

    use crate::{DocInput, Extractor};

    /// One claim, read end to end: (text, source kind, perpetrator,
    /// target, claim status, attack mode, killed).
    type Row<'a> = (
        &'a str,
        Option<SourceKind>,
        Option<&'a str>,
        Option<&'a str>,
        &'a str,
        &'a str,
        u32,
    );

    #[test]
    fn claim_table() {
        let rows: &[Row<'_>] = &[
            // The group's voice: its province, its name for its fighters
            // and for the SDF make the text a claim with no source known.
            (
                "ولاية البركة: فجر جنود الخلافة عبوة ناسفة على آلية لميليشيا PKK المرتدة قرب الشدادي، ما أدى لمقتل عنصرين.",
                None,
                Some("Islamic State"),
                Some("Syrian Democratic Forces"),
                "claimed",
                "bombing_ied",
                2,
            ),
            // The accusative shows the object: two members sniped, not
            // two members sniping.
            (
                "قنص جنود الخلافة عنصرين من ميليشيا قسد المرتدة قرب قرية ذيبان شرق دير الزور.",
                Some(SourceKind::MilitantOfficial),
                Some("Islamic State"),
                Some("Syrian Democratic Forces"),
                "claimed",
                "armed_assault",
                0,
            ),
            // An ambush set (accusative) for a patrol of the SDF.
            (
                "نصب جنود الخلافة كميناً لدورية من ميليشيا قسد قرب الشحيل، ما أدى لمقتل ثلاثة عناصر.",
                Some(SourceKind::MilitantOfficial),
                Some("Islamic State"),
                Some("Syrian Democratic Forces"),
                "claimed",
                "armed_assault",
                3,
            ),
            // The owner of what was hit is the target: "run by".
            (
                "An IED struck a water station run by the Syrian Democratic Forces near al-Kharita on Monday, and the Islamic State claimed the attack.",
                Some(SourceKind::NewsMedia),
                Some("Islamic State"),
                Some("Syrian Democratic Forces"),
                "claimed",
                "bombing_ied",
                0,
            ),
            // A dual trigger and dual things: "two IEDs on two vehicles".
            (
                "فجر جنود الخلافة عبوتين ناسفتين على آليتين للحشد الرافضي قرب بيجي.",
                Some(SourceKind::MilitantOfficial),
                Some("Islamic State"),
                Some("Popular Mobilization Forces"),
                "claimed",
                "bombing_ied",
                0,
            ),
            // Shooting one person with no mode named: an assassination.
            (
                "قتل عنصر من قوات سوريا الديمقراطية برصاص مسلحين في بلدة ذيبان، وتبنى تنظيم الدولة العملية.",
                Some(SourceKind::LocalMonitor),
                Some("Islamic State"),
                Some("Syrian Democratic Forces"),
                "claimed",
                "assassination",
                1,
            ),
            // An attempt implies no death.
            (
                "محاولة اغتيال عنصر من قسد في بلدة الصور وإصابته بجروح.",
                Some(SourceKind::MilitantOfficial),
                Some("Islamic State"),
                Some("Syrian Democratic Forces"),
                "claimed",
                "assassination",
                0,
            ),
            // English: the group's statement, members "of" the side.
            (
                "Islamic State militants attacked a checkpoint of the Syrian Democratic Forces near Shuhayl on Sunday, killing three fighters, the group said in a statement on Telegram.",
                Some(SourceKind::NewsMedia),
                Some("Islamic State"),
                Some("Syrian Democratic Forces"),
                "claimed",
                "armed_assault",
                3,
            ),
            // A soldier of the country where it happened; the group named
            // afterwards claims it.
            (
                "An Iraqi policeman was shot dead in Daquq on Thursday. Islamic State claimed the killing in a brief statement.",
                Some(SourceKind::NewsMedia),
                Some("Islamic State"),
                Some("Iraqi Police"),
                "claimed",
                "assassination",
                1,
            ),
            (
                "A policeman was shot dead in Daquq, south of Kirkuk, on Thursday, security sources said.",
                Some(SourceKind::NewsMedia),
                None,
                Some("Iraqi Police"),
                "reported",
                "assassination",
                1,
            ),
            // A generic enemy term is no actor where no force held the
            // province alone.
            (
                "ولاية الخير: استهداف تجمع للمرتدين بقذائف الهاون في مدينة الميادين.",
                None,
                Some("Islamic State"),
                None,
                "claimed",
                "shelling_air_strike",
                0,
            ),
        ];
        let ex = Extractor::new();
        for (text, kind, perpetrator, target, status, mode, killed) in rows {
            let doc = DocInput {
                published: NaiveDate::from_ymd_opt(2019, 10, 14),
                source_kind: *kind,
                affiliation: kind.map(|_| "Islamic State".to_string()),
                ..DocInput::default()
            };
            let r = ex
                .extract(text, &doc)
                .into_iter()
                .next()
                .unwrap_or_else(|| panic!("no report: {text}"));
            let first = |v: &[vigil_model::ActorRef]| v.first().and_then(|a| a.canonical.clone());
            assert_eq!(
                first(&r.perpetrators).as_deref(),
                *perpetrator,
                "perpetrator: {text}"
            );
            assert_eq!(first(&r.targets).as_deref(), *target, "target: {text}");
            assert_eq!(r.claim_status.as_str(), *status, "claim status: {text}");
            assert_eq!(
                r.attack_mode.map(|m| m.as_str()),
                Some(*mode),
                "mode: {text}"
            );
            assert_eq!(
                r.counts.killed.map_or(0, |c| c.value),
                *killed,
                "killed: {text}"
            );
        }
    }

    /// Analysis and history are not events: a rise in attacks, a group's
    /// channel recalling a defeat of months before, a month's name.
    #[test]
    fn trends_and_history_report_no_event() {
        let ex = Extractor::new();
        for (text, kind) in [
            (
                "تعليق القناة: منشور يربط تصاعد الهجمات خلال الأسبوعين الماضيين بخسارة التنظيم آخر مناطق سيطرته في الباغوز في آذار 2019.",
                Some(SourceKind::MilitantSupporter),
            ),
            (
                "Analysts link the rise in attacks on the SDF in Deir ez-Zor to the loss of al-Baghuz in March 2019.",
                Some(SourceKind::NewsMedia),
            ),
        ] {
            let doc = DocInput {
                published: NaiveDate::from_ymd_opt(2019, 10, 19),
                source_kind: kind,
                affiliation: Some("Islamic State".to_string()),
                ..DocInput::default()
            };
            let reports = ex.extract(text, &doc);
            assert!(reports.is_empty(), "{text}: {reports:?}");
        }
    }
}
