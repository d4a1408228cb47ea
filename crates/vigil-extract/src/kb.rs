//! The knowledge base: actors, event typology and calendar words, loaded
//! from `data/kb/` (compiled in by default), checked, and compiled into
//! matchers.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use serde::Deserialize;
use vigil_model::{AttackMode, CountExactness, SubEventType};

use crate::dates::{Calendar, CalendarFile};
use crate::matcher::{joined, with_arabic_inflections, Matcher};
use crate::numbers::NumberWords;
use crate::KbError;

/// One actor of `actors.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// Stable key.
    pub key: String,
    /// Canonical name.
    pub name: String,
    /// Kind of actor (state_force, jihadist_group, …).
    pub kind: String,
    /// Broad camp.
    pub side: String,
    /// Key of the actor it belongs to, or "".
    pub parent: String,
    /// Key of the organization it grew from, or "".
    pub predecessor: String,
    /// Countries where it is active.
    pub countries: Vec<String>,
    /// Where it holds ground or fights, when that is a part of its
    /// countries (the SDF: north-east Syria): names of the gazetteer's
    /// provinces. A village named in a text about it lies there rather
    /// than at a namesake elsewhere.
    #[serde(default)]
    pub provinces: Vec<String>,
    /// Years active.
    pub active: String,
    /// Latin-script names.
    pub aliases: Vec<String>,
    /// Arabic-script names.
    pub aliases_ar: Vec<String>,
    /// What it is.
    pub notes: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActorsFile {
    actor: Vec<Actor>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TypologyFile {
    event_type: Vec<Named>,
    sub_event_type: Vec<SubEventDef>,
    attack_mode: Vec<AttackModeDef>,
    weapon: Vec<WeaponDef>,
    claim_cue: Vec<Cue>,
    count_cue: Vec<Cue>,
    number_word: Vec<NumberWordDef>,
    approx_cue: Vec<ApproxDef>,
    #[serde(default)]
    context_cue: Vec<Cue>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Named {
    key: String,
    #[allow(dead_code)]
    name: String,
    #[allow(dead_code)]
    definition: String,
}

/// A sub-event type of the typology, with its CASE 2021 code.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubEventDef {
    /// Key (an ACLED sub-event type, or a class outside ACLED).
    pub key: String,
    /// Its event type's key.
    pub event_type: String,
    /// Display name.
    pub name: String,
    /// CASE 2021 code.
    pub case2021: String,
    /// ACLED definition, paraphrased.
    pub definition: String,
    triggers_en: Vec<String>,
    triggers_ar: Vec<String>,
    /// Generic words that weigh little on their own ("explosion").
    #[serde(default)]
    weak_en: Vec<String>,
    #[serde(default)]
    weak_ar: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AttackModeDef {
    key: String,
    #[allow(dead_code)]
    name: String,
    weapon: String,
    triggers_en: Vec<String>,
    triggers_ar: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WeaponDef {
    key: String,
    #[allow(dead_code)]
    name: String,
    triggers_en: Vec<String>,
    triggers_ar: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cue {
    key: String,
    triggers_en: Vec<String>,
    triggers_ar: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NumberWordDef {
    #[allow(dead_code)]
    key: String,
    words: Vec<(String, u64)>,
    approx: Vec<String>,
    #[allow(dead_code)]
    dual_suffix_hint: Vec<String>,
    dual_words: Vec<String>,
    #[serde(default)]
    singular_words: Vec<String>,
    #[serde(default)]
    singular_cues: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ApproxDef {
    #[allow(dead_code)]
    key: String,
    about: Vec<String>,
    at_least: Vec<String>,
    at_most: Vec<String>,
}

/// What a count cue counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Killed.
    Killed,
    /// Injured.
    Injured,
    /// Abducted.
    Abducted,
    /// Freed or escaped.
    Freed,
}

/// Claim cue classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClaimCue {
    /// The perpetrator asserts it.
    Claimed,
    /// A party denies it.
    Denied,
    /// Confirmed.
    Confirmed,
    /// Said by someone (or hedged: "could not be verified").
    Reported,
}

/// Words that decide between event types by who acts and against whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    /// Weapons found or seized.
    Discovery,
    /// Armed forces or armed groups as targets.
    ArmedTarget,
    /// Government forces.
    StateActor,
    /// Non-state armed groups.
    NonStateActor,
    /// Attack verbs silent about the target.
    GenericAttack,
    /// Weapons and ammunition as things.
    WeaponItem,
    /// Plants, tanks, gas: accidents happen there.
    Industrial,
    /// Protesters and demonstrations.
    Protest,
    /// Words of a trend ("a rise in attacks", "تصاعد الهجمات"): what
    /// follows is counted over time, not one event.
    Trend,
    /// Words that open the telling of another event ("Separately,", "وفي
    /// هجوم آخر"): what follows is not the event before.
    AnotherEvent,
    /// Words of intent or threat ("vowed to", "هدد ب"): the attack words
    /// after them in their sentence tell what may happen, not an event.
    Intent,
}

impl Context {
    fn bit(self) -> u16 {
        1 << (self as u8)
    }
}

/// The contexts a phrase belongs to ("troops" are both an armed target
/// and a state actor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Contexts(u16);

impl Contexts {
    /// Whether the phrase belongs to `c`.
    pub fn has(self, c: Context) -> bool {
        self.0 & c.bit() != 0
    }
}

/// A classifiable sub-event: an ACLED sub-event type, or a class outside
/// ACLED (index into `Kb::outside`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// An ACLED sub-event type.
    Acled(SubEventType),
    /// A CASE 2021 class outside ACLED (its index in `Kb::sub_events`).
    Outside(usize),
}

/// The compiled knowledge base.
#[derive(Debug)]
pub struct Kb {
    /// Actors, by index.
    pub actors: Vec<Actor>,
    /// Actor index by key.
    pub actor_by_key: HashMap<String, usize>,
    /// Actor aliases → actor index.
    pub actor_names: Matcher<usize>,
    /// Sub-event types, in file order.
    pub sub_events: Vec<SubEventDef>,
    /// Triggers → sub-event class.
    pub sub_event_triggers: Matcher<Class>,
    /// Weak (generic) triggers → sub-event class.
    pub weak_triggers: Matcher<Class>,
    /// Context cues.
    pub context: Matcher<Contexts>,
    /// Triggers → attack mode.
    pub attack_triggers: Matcher<AttackMode>,
    /// The RAND weapon class each attack mode implies.
    pub mode_weapon: HashMap<AttackMode, String>,
    /// Triggers → weapon class.
    pub weapon_triggers: Matcher<String>,
    /// Claim cues.
    pub claim_cues: Matcher<ClaimCue>,
    /// Count cues.
    pub count_cues: Matcher<Outcome>,
    /// Number words and qualifiers.
    pub numbers: NumberWords,
    /// Arabic dual nouns meaning 2.
    pub dual_words: HashSet<String>,
    /// Arabic singular nouns of people meaning 1 ("مقتل عنصر").
    pub singular_words: HashSet<String>,
    /// Count cues whose pronoun suffix is their one victim ("مقتله").
    pub singular_cues: HashSet<String>,
    /// Count cues whose pronoun suffix is two victims ("مقتلهما"), made
    /// from `singular_cues`.
    pub dual_cues: HashSet<String>,
    /// Dates.
    pub calendar: Calendar,
    /// How groups claim attacks and name the parties (claims.toml).
    pub claims: crate::claims::ClaimLanguage,
    /// The event-type model beside the rules (event_model.tsv).
    pub event_model: crate::event_model::EventModel,
}

/// The files of a knowledge base, as `data/kb/` holds them. One loader
/// ([`KbFiles`]) reads them all, from the copy compiled into the binary or
/// from a directory of edited copies; [`Kb::load`] parses and checks them.
pub const FILES: [&str; 7] = [
    "actors.toml",
    "typology.toml",
    "calendar.toml",
    "claims.toml",
    "places.toml",
    "framing.toml",
    "event_model.tsv",
];

/// The bundled texts of [`FILES`], in the same order.
const BUNDLED_TEXTS: [&str; 7] = [
    include_str!("../../../data/kb/actors.toml"),
    include_str!("../../../data/kb/typology.toml"),
    include_str!("../../../data/kb/calendar.toml"),
    include_str!("../../../data/kb/claims.toml"),
    include_str!("../../../data/kb/places.toml"),
    // The store judges copies with the copy vigil-text compiles in; this
    // one is what `vigil kb check` validates (the same file).
    vigil_text::FRAMING_TOML,
    // Trained, not written: scripts/train_event_types.py.
    include_str!("../../../data/kb/event_model.tsv"),
];

/// One knowledge-base file: its name in [`FILES`], where it was read from
/// (as errors name it) and its text.
#[derive(Debug, Clone)]
pub struct KbFile {
    /// Its name in [`FILES`].
    pub name: &'static str,
    /// Where it was read from: `data/kb/NAME` for the bundled copy.
    pub path: String,
    /// Its text.
    pub text: std::borrow::Cow<'static, str>,
    /// Whether it is the bundled copy.
    pub bundled: bool,
}

/// Every file of a knowledge base, each from a directory or the bundled
/// default.
#[derive(Debug, Clone)]
pub struct KbFiles {
    files: Vec<KbFile>,
}

impl KbFiles {
    /// The files compiled into the binary.
    pub fn bundled() -> KbFiles {
        KbFiles {
            files: FILES
                .iter()
                .zip(BUNDLED_TEXTS)
                .map(|(&name, text)| KbFile {
                    name,
                    path: format!("data/kb/{name}"),
                    text: text.into(),
                    bundled: true,
                })
                .collect(),
        }
    }

    /// The files of `dir` (an edited copy of `data/kb/`). A file the
    /// directory lacks is the bundled one, so a directory may hold only
    /// what it changes; a `.toml` file that is not a knowledge-base file is
    /// an error, since a misspelt name would otherwise be ignored.
    pub fn from_dir(dir: &std::path::Path) -> Result<KbFiles, KbError> {
        let unreadable = |path: &std::path::Path, e: std::io::Error| KbError::Parse {
            file: path.display().to_string(),
            message: format!("cannot read it: {e}"),
        };
        let entries = std::fs::read_dir(dir).map_err(|e| unreadable(dir, e))?;
        for entry in entries {
            let path = entry.map_err(|e| unreadable(dir, e))?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.ends_with(".toml") && !FILES.contains(&name) {
                return Err(KbError::Invalid {
                    file: path.display().to_string(),
                    what: format!(
                        "not a knowledge-base file: the files are {}",
                        FILES.join(", ")
                    ),
                });
            }
        }
        let mut files = KbFiles::bundled();
        for f in &mut files.files {
            let path = dir.join(f.name);
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    f.path = path.display().to_string();
                    f.text = text.into();
                    f.bundled = false;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(unreadable(&path, e)),
            }
        }
        Ok(files)
    }

    /// Every file, in the order of [`FILES`].
    pub fn iter(&self) -> impl Iterator<Item = &KbFile> {
        self.files.iter()
    }

    /// The file named `name` (one of [`FILES`]) as (path, text).
    pub fn get(&self, name: &str) -> (&str, &str) {
        let f = self
            .files
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("{name} is not one of kb::FILES"));
        (&f.path, &f.text)
    }

    /// Replaces one file's text (for tests of a broken file).
    pub fn with(mut self, name: &str, text: &str) -> KbFiles {
        if let Some(f) = self.files.iter_mut().find(|f| f.name == name) {
            f.text = text.to_string().into();
            f.bundled = false;
        }
        self
    }
}

fn parse<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, KbError> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| text[..s.start].matches('\n').count() + 1);
        KbError::Parse {
            file: format!(
                "{file}{}",
                line.map(|l| format!(":{l}")).unwrap_or_default()
            ),
            message: e.message().to_string(),
        }
    })
}

impl Kb {
    /// The bundled knowledge base; panics only if the bundled files are
    /// broken, which `vigil kb check` and the tests rule out.
    pub fn bundled() -> &'static Kb {
        static KB: std::sync::OnceLock<Kb> = std::sync::OnceLock::new();
        KB.get_or_init(|| Kb::load(&KbFiles::bundled()).expect("bundled knowledge base is valid"))
    }

    /// Parses and checks a knowledge base's files. (`places.toml` is read
    /// with the gazetteer, by `places::Lexicon`.)
    pub fn load(files: &KbFiles) -> Result<Kb, KbError> {
        let actors = files.get("actors.toml");
        let typology = files.get("typology.toml");
        let calendar = files.get("calendar.toml");
        let claims = files.get("claims.toml");
        let af: ActorsFile = parse(actors.0, actors.1)?;
        let tf: TypologyFile = parse(typology.0, typology.1)?;
        let cf: CalendarFile = parse(calendar.0, calendar.1)?;
        let clf: crate::claims::ClaimsFile = parse(claims.0, claims.1)?;
        let invalid = |file: &str, what: String| KbError::Invalid {
            file: file.to_string(),
            what,
        };

        // Actors: unique keys, known relations, no alias for two actors.
        let mut actor_by_key = HashMap::new();
        for (i, a) in af.actor.iter().enumerate() {
            if actor_by_key.insert(a.key.clone(), i).is_some() {
                return Err(invalid(
                    actors.0,
                    format!("actor key {:?} is used twice", a.key),
                ));
            }
        }
        let mut owner: HashMap<String, usize> = HashMap::new();
        let mut names = Vec::new();
        for (i, a) in af.actor.iter().enumerate() {
            for (field, rel) in [("parent", &a.parent), ("predecessor", &a.predecessor)] {
                if !rel.is_empty() && !actor_by_key.contains_key(rel) {
                    return Err(invalid(
                        actors.0,
                        format!("actor {:?}: {field} {rel:?} is not an actor key", a.key),
                    ));
                }
            }
            for alias in std::iter::once(&a.name)
                .chain(&a.aliases)
                .chain(&a.aliases_ar)
            {
                let j = joined(alias);
                if j.is_empty() {
                    continue;
                }
                if let Some(&other) = owner.get(&j) {
                    if other != i {
                        return Err(invalid(
                            actors.0,
                            format!(
                                "alias {alias:?} belongs to both {:?} and {:?}",
                                af.actor[other].key, a.key
                            ),
                        ));
                    }
                    continue;
                }
                owner.insert(j, i);
                names.push((alias.clone(), i));
            }
        }

        // One party's terms for another and a group's names for itself
        // (claims.toml) resolve like aliases: a name belongs to one actor.
        let mut extra: Vec<(&String, Vec<&String>)> = Vec::new();
        for t in &clf.term {
            extra.push((&t.actor, t.ar.iter().chain(&t.en).collect()));
        }
        for n in &clf.self_name {
            let names = n.ar.iter().chain(&n.en);
            let provinces = n.provinces_ar.iter().chain(&n.provinces_en);
            extra.push((&n.actor, names.chain(provinces).collect()));
        }
        let file = claims.0;
        for (key, words) in extra {
            let Some(&i) = actor_by_key.get(key) else {
                return Err(invalid(
                    file,
                    format!("{key:?} is not an actor key of actors.toml"),
                ));
            };
            for alias in words {
                let j = joined(alias);
                match owner.get(&j) {
                    Some(&other) if other != i => {
                        return Err(invalid(
                            file,
                            format!(
                                "{alias:?} is a name of {:?} in actors.toml, not of {key:?}",
                                af.actor[other].key
                            ),
                        ))
                    }
                    Some(_) => {}
                    None => {
                        owner.insert(j, i);
                        names.push((alias.to_string(), i));
                    }
                }
            }
        }
        let claim_language = crate::claims::ClaimLanguage::new(claims.0, &clf, &actor_by_key)?;

        // Typology.
        let event_keys: HashSet<&str> = tf.event_type.iter().map(|e| e.key.as_str()).collect();
        let mut triggers = Vec::new();
        let mut weak = Vec::new();
        for (i, s) in tf.sub_event_type.iter().enumerate() {
            if !event_keys.contains(s.event_type.as_str()) {
                return Err(invalid(
                    typology.0,
                    format!(
                        "sub-event type {:?}: unknown event type {:?}",
                        s.key, s.event_type
                    ),
                ));
            }
            let class = match s.key.parse::<SubEventType>() {
                Ok(t) if s.event_type != "outside_acled" => {
                    if t.event_type().as_str() != s.event_type {
                        return Err(invalid(
                            typology.0,
                            format!(
                                "sub-event type {:?} belongs to {} in ACLED, not {}",
                                s.key,
                                t.event_type(),
                                s.event_type
                            ),
                        ));
                    }
                    Class::Acled(t)
                }
                _ if s.event_type == "outside_acled" => Class::Outside(i),
                Err(e) => return Err(invalid(typology.0, e.to_string())),
                Ok(_) => Class::Outside(i),
            };
            triggers.extend(
                s.triggers_en
                    .iter()
                    .chain(&s.triggers_ar)
                    .map(|t| (t.clone(), class)),
            );
            weak.extend(
                s.weak_en
                    .iter()
                    .chain(&s.weak_ar)
                    .map(|t| (t.clone(), class)),
            );
        }
        let mut attack = Vec::new();
        let mut mode_weapon = HashMap::new();
        for m in &tf.attack_mode {
            let mode: AttackMode = m
                .key
                .parse()
                .map_err(|e: vigil_model::ParseError| invalid(typology.0, e.to_string()))?;
            mode_weapon.insert(mode, m.weapon.clone());
            attack.extend(
                m.triggers_en
                    .iter()
                    .chain(&m.triggers_ar)
                    .map(|t| (t.clone(), mode)),
            );
        }
        let weapons: Vec<(String, String)> = tf
            .weapon
            .iter()
            .flat_map(|w| {
                w.triggers_en
                    .iter()
                    .chain(&w.triggers_ar)
                    .map(|t| (t.clone(), w.key.clone()))
            })
            .collect();
        let mut claims = Vec::new();
        for c in &tf.claim_cue {
            let cue = match c.key.as_str() {
                "claimed" => ClaimCue::Claimed,
                "denied" => ClaimCue::Denied,
                "confirmed" => ClaimCue::Confirmed,
                "reported" => ClaimCue::Reported,
                other => {
                    return Err(invalid(
                        typology.0,
                        format!(
                        "claim_cue key {other:?}: expected claimed, denied, confirmed or reported"
                    ),
                    ))
                }
            };
            claims.extend(
                c.triggers_en
                    .iter()
                    .chain(&c.triggers_ar)
                    .map(|t| (t.clone(), cue)),
            );
        }
        let mut counts = Vec::new();
        for c in &tf.count_cue {
            let o = match c.key.as_str() {
                "killed" => Outcome::Killed,
                "injured" => Outcome::Injured,
                "abducted" => Outcome::Abducted,
                "freed" => Outcome::Freed,
                other => {
                    return Err(invalid(
                        typology.0,
                        format!(
                            "count_cue key {other:?}: expected killed, injured, abducted or freed"
                        ),
                    ))
                }
            };
            counts.extend(
                c.triggers_en
                    .iter()
                    .chain(&c.triggers_ar)
                    .map(|t| (t.clone(), o)),
            );
        }
        let mut context: HashMap<String, Contexts> = HashMap::new();
        for c in &tf.context_cue {
            let k = match c.key.as_str() {
                "discovery" => Context::Discovery,
                "armed_target" => Context::ArmedTarget,
                "state_actor" => Context::StateActor,
                "nonstate_actor" => Context::NonStateActor,
                "generic_attack" => Context::GenericAttack,
                "weapon_item" => Context::WeaponItem,
                "industrial" => Context::Industrial,
                "protest" => Context::Protest,
                "trend" => Context::Trend,
                "another_event" => Context::AnotherEvent,
                "intent" => Context::Intent,
                other => {
                    return Err(invalid(
                        typology.0,
                        format!("context_cue key {other:?}: expected discovery, armed_target, state_actor, nonstate_actor, generic_attack, weapon_item, industrial, protest, trend, another_event or intent"),
                    ))
                }
            };
            for t in c.triggers_en.iter().chain(&c.triggers_ar) {
                context.entry(joined(t)).or_default().0 |= k.bit();
            }
        }
        let mut numbers = NumberWords::default();
        let mut dual_words = HashSet::new();
        let mut singular_words = HashSet::new();
        let mut singular_cues = HashSet::new();
        let mut dual_cues = HashSet::new();
        for n in &tf.number_word {
            let approx: HashSet<String> = n.approx.iter().map(|a| joined(a)).collect();
            for (w, v) in &n.words {
                let j = joined(w);
                let v = u32::try_from(*v).map_err(|_| {
                    invalid(typology.0, format!("number word {w:?}: {v} is too large"))
                })?;
                let e = if approx.contains(&j) {
                    CountExactness::About
                } else {
                    CountExactness::Exact
                };
                numbers.add_word(&j, v, e);
            }
            dual_words.extend(n.dual_words.iter().map(|w| joined(w)));
            singular_words.extend(n.singular_words.iter().map(|w| joined(w)));
            singular_cues.extend(n.singular_cues.iter().map(|w| joined(w)));
            // The nominative dual of a singular noun is two, whatever its
            // plural ("مقاتلان", "منتسبان"; "مقاتلين" may be the plural).
            for w in &n.singular_words {
                if let Some(dual) = crate::counts::arabic_nominative_dual(w) {
                    dual_words.insert(joined(&dual));
                }
            }
            // A cue with the dual pronoun is two ("أدى لمقتلهما").
            for c in &n.singular_cues {
                if let Some(dual) = crate::counts::arabic_dual_pronoun(c) {
                    dual_cues.insert(joined(&dual));
                }
            }
        }
        for a in &tf.approx_cue {
            for (list, e) in [
                (&a.about, CountExactness::About),
                (&a.at_least, CountExactness::AtLeast),
                (&a.at_most, CountExactness::AtMost),
            ] {
                for q in list {
                    numbers
                        .qualifiers
                        .push((joined(q).split(' ').map(str::to_string).collect(), e));
                }
            }
        }
        numbers
            .qualifiers
            .sort_by_key(|q| std::cmp::Reverse(q.0.len()));

        // Framing (what a repost may change and stay a copy): a number
        // word set aside would make "three killed" a copy of "four killed".
        let framing_file = files.get("framing.toml");
        let framing = vigil_text::Framing::from_toml(framing_file.0, framing_file.1)
            .map_err(|e| invalid(framing_file.0, e))?;
        let set_aside: HashSet<&str> = framing.words().collect();
        for n in &tf.number_word {
            for (w, _) in &n.words {
                let j = joined(w);
                if !j.contains(' ') && set_aside.contains(j.as_str()) {
                    return Err(invalid(
                        framing_file.0,
                        format!("{w:?} is a number word (typology.toml): numbers always count"),
                    ));
                }
            }
        }

        // The event-type model: its classes are typology keys.
        let model_file = files.get("event_model.tsv");
        let event_model =
            crate::event_model::EventModel::parse(model_file.0, model_file.1, |key| {
                let i = tf.sub_event_type.iter().position(|s| s.key == key)?;
                let s = &tf.sub_event_type[i];
                Some(match s.key.parse::<SubEventType>() {
                    Ok(t) if s.event_type != "outside_acled" => Class::Acled(t),
                    _ => Class::Outside(i),
                })
            })?;

        Ok(Kb {
            event_model,
            actor_names: Matcher::new(names),
            actors: af.actor,
            actor_by_key,
            sub_events: tf.sub_event_type,
            sub_event_triggers: Matcher::new(with_arabic_inflections(triggers)),
            weak_triggers: Matcher::new(with_arabic_inflections(weak)),
            context: Matcher::new(with_arabic_inflections(context.into_iter().collect())),
            attack_triggers: Matcher::new(with_arabic_inflections(attack)),
            mode_weapon,
            weapon_triggers: Matcher::new(with_arabic_inflections(weapons)),
            claim_cues: Matcher::new(claims),
            count_cues: Matcher::new({
                // Each one-victim cue's dual ("مقتله" → "مقتلهما").
                let duals: Vec<(String, Outcome)> = counts
                    .iter()
                    .filter(|(t, _)| singular_cues.contains(&joined(t)))
                    .filter_map(|(t, o)| Some((crate::counts::arabic_dual_pronoun(t)?, *o)))
                    .collect();
                counts.extend(duals);
                counts
            }),
            numbers,
            dual_words,
            singular_words,
            singular_cues,
            dual_cues,
            calendar: Calendar::from_file(&cf, calendar.0)?,
            claims: claim_language,
        })
    }

    /// The actor an alias resolves to, by exact (normalized) name.
    pub fn resolve_actor(&self, name: &str) -> Option<usize> {
        let t = crate::text::Text::new(name);
        let hits = self.actor_names.find(&t, 0..t.tokens.len());
        match hits.as_slice() {
            [h] if h.start == 0 && h.end == t.tokens.len() => Some(*h.value),
            _ => {
                // Case-insensitive for gold names ("IS" written "Is").
                let upper = name.to_uppercase();
                let t = crate::text::Text::new(&upper);
                let hits = self.actor_names.find(&t, 0..t.tokens.len());
                match hits.as_slice() {
                    [h] if h.start == 0 && h.end == t.tokens.len() => Some(*h.value),
                    _ => None,
                }
            }
        }
    }

    /// The chain of predecessors and parents of an actor (itself first).
    pub fn lineage(&self, actor: usize) -> Vec<usize> {
        let mut out = vec![actor];
        let mut i = 0;
        while i < out.len() {
            let a = &self.actors[out[i]];
            for rel in [&a.parent, &a.predecessor] {
                if let Some(&j) = self.actor_by_key.get(rel) {
                    if !out.contains(&j) {
                        out.push(j);
                    }
                }
            }
            i += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_kb_loads_and_resolves_names_in_both_scripts() {
        let kb = Kb::bundled();
        assert!(kb.actors.len() > 100);
        let is = kb.actor_by_key["islamic-state"];
        for name in ["Islamic State", "ISIS", "Daesh", "داعش", "تنظيم الدولة"] {
            assert_eq!(kb.resolve_actor(name), Some(is), "{name}");
        }
        let aqi = kb
            .resolve_actor("Tanzim Qa’idat al-Jihad fi Bilad al-Rafidayn")
            .unwrap();
        assert!(
            kb.lineage(is).len() >= 4,
            "IS has a lineage back to Tawhid wal-Jihad"
        );
        assert!(kb.lineage(aqi).contains(&kb.actor_by_key["al-qaeda"]));
        assert_eq!(
            kb.sub_events
                .iter()
                .filter(|s| s.event_type != "outside_acled")
                .count(),
            25
        );
    }

    #[test]
    fn a_broken_file_is_named_with_its_line() {
        let bad = "[[actor]]\nkey = \"x\"\nname = \"X\"\ncolour = \"red\"\n";
        let err = Kb::load(&KbFiles::bundled().with("actors.toml", bad)).unwrap_err();
        assert!(err.to_string().starts_with("data/kb/actors.toml:"), "{err}");
        assert!(err.to_string().contains("colour"), "{err}");

        let dup = KbFiles::bundled().get("actors.toml").1.to_string()
            + "\n[[actor]]\nkey = \"dup\"\nname = \"Dup\"\nkind = \"other\"\nside = \"other\"\nparent = \"\"\npredecessor = \"nowhere\"\ncountries = []\nactive = \"\"\naliases = []\naliases_ar = []\nnotes = \"\"\n";
        let err = Kb::load(&KbFiles::bundled().with("actors.toml", &dup)).unwrap_err();
        assert!(err.to_string().contains("nowhere"), "{err}");
    }

    #[test]
    fn a_number_word_is_never_framing() {
        let bundled = KbFiles::bundled().get("framing.toml").1.to_string();
        for (list, word) in [("framing = [", "ثلاثة"), ("en = [", "three")] {
            let bad = bundled.replacen(list, &format!("{list}\"{word}\", "), 1);
            let err = Kb::load(&KbFiles::bundled().with("framing.toml", &bad)).unwrap_err();
            assert!(err.to_string().contains("number word"), "{err}");
        }
    }
}
