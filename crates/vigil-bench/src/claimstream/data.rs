//! The generator's data: the TOML files of `crates/vigil-bench/claimstream/`
//! (bundled into the binary), their schema and their checks.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::calendar::HijriTable;
use super::render::{is_known_slot, slots_of};

/// Everything the generator reads.
#[derive(Debug)]
pub struct Data {
    /// stream.toml
    pub stream: Stream,
    /// lexicon_ar.toml
    pub lexicon: Lexicon,
    /// templates_ar.toml
    pub ar: TemplatesAr,
    /// templates_en.toml
    pub en: TemplatesEn,
    /// wire.toml
    pub wire: Wire,
    /// noise.toml
    pub noise: Noise,
    /// hijri_umm_al_qura.toml
    pub hijri: HijriTable,
}

/// A data file that does not load or fails a check.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// Not TOML, or not the schema.
    #[error("claimstream/{file}: {source}")]
    Parse {
        /// The file.
        file: &'static str,
        /// What is wrong.
        source: toml::de::Error,
    },
    /// Loaded, but inconsistent.
    #[error("claimstream/{file}: {message}")]
    Check {
        /// The file.
        file: &'static str,
        /// What is wrong and where.
        message: String,
    },
}

/// stream.toml
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stream {
    /// The four channels.
    pub channels: Channels,
    /// Who the group attacks.
    pub target: Vec<Target>,
    /// Kinds of attack.
    pub kind: Vec<Kind>,
    /// Provinces places are drawn from.
    pub province: Vec<Province>,
    /// The Euphrates through Deir ez-Zor, upstream to downstream.
    pub euphrates: Vec<[f64; 2]>,
    /// How posts follow attacks.
    pub posting: Posting,
    /// How the truth marks the surge week.
    pub surge: SurgeRule,
}

/// The channels of a stream.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Channels {
    /// The group's official channel.
    pub official: Channel,
    /// A supporters' channel.
    pub supporter: Channel,
    /// The English translation channel.
    pub translation: Channel,
    /// The wire's feed.
    pub wire: Channel,
}

/// One channel or feed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    /// Folder under the output directory.
    pub dir: String,
    /// Channel or feed name (the source name).
    pub name: String,
    /// Public username (Telegram), if any.
    #[serde(default)]
    pub username: Option<String>,
    /// Channel id (Telegram).
    #[serde(default)]
    pub id: Option<i64>,
    /// Site address (feed).
    #[serde(default)]
    pub link: Option<String>,
    /// Source kind as sources.toml writes it.
    pub kind: String,
    /// The actor it speaks for.
    #[serde(default)]
    pub affiliation: Option<String>,
    /// Languages.
    pub languages: Vec<String>,
}

/// A target of the group's attacks.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Key used by the other files.
    pub key: String,
    /// Canonical actor name.
    pub actor: String,
    /// Whether the weekly truth counts attacks on it.
    pub counted: bool,
    /// Attacks on it per counted attack.
    pub share: f64,
    /// Which bank of the Euphrates in Deir ez-Zor ("left" or "right").
    pub side: String,
    /// Only these provinces (gazetteer names), when given.
    #[serde(default)]
    pub provinces: Vec<String>,
}

/// A kind of attack.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kind {
    /// Key used by the templates.
    pub key: String,
    /// Vigil's attack mode.
    pub attack_mode: String,
    /// Weight among kinds.
    pub weight: f64,
    /// Whether the attack was only attempted.
    #[serde(default)]
    pub attempted: bool,
    /// Its possible outcomes.
    pub outcomes: Vec<OutcomeSpec>,
}

/// One outcome of a kind: the figures it states.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeSpec {
    /// Key used by the templates.
    pub key: String,
    /// Weight among the kind's outcomes.
    pub weight: f64,
    /// Killed, inclusive range.
    #[serde(default)]
    pub killed: Option<[u32; 2]>,
    /// Injured, inclusive range.
    #[serde(default)]
    pub injured: Option<[u32; 2]>,
    /// Killed and injured as one figure, inclusive range.
    #[serde(default)]
    pub combined: Option<[u32; 2]>,
    /// Abducted, inclusive range.
    #[serde(default)]
    pub abducted: Option<[u32; 2]>,
}

/// A province places are drawn from.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Province {
    /// The gazetteer's admin-1 names for it.
    pub gazetteer: Vec<String>,
    /// Weight among provinces.
    pub weight: f64,
    /// The group's name.
    pub wilaya: String,
    /// The group's name after mid-2019.
    pub wilaya_2019: String,
    /// Its hashtag.
    pub wilaya_tag: String,
    /// The group's name in English.
    pub wilaya_en: String,
    /// The province in English.
    pub name_en: String,
    /// Phrases placing a village in its countryside.
    pub areas: Vec<String>,
    /// The same in English.
    pub areas_en: Vec<String>,
    /// Only places inside these bounds.
    #[serde(default)]
    pub bounds: Option<Bounds>,
    /// The Euphrates divides control: targets keep to their bank.
    #[serde(default)]
    pub banks: bool,
}

/// Lower bounds of longitude and latitude.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bounds {
    /// Westmost longitude.
    pub min_lon: f64,
    /// Southmost latitude.
    pub min_lat: f64,
}

/// How posts follow attacks.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Posting {
    pub house_style: f64,
    pub place_reuse: f64,
    pub repeated_pairs: [u32; 2],
    pub same_day: f64,
    pub after_midnight: f64,
    pub one_day_late: f64,
    pub two_days_late: f64,
    pub same_day_dated: f64,
    pub forward: f64,
    pub repost: f64,
    pub translation: f64,
    pub wire: f64,
    pub wire_relays_claim: f64,
    pub wire_roundup: f64,
    pub newsletter_items_per_post: usize,
    pub newsletter_delay_days: [i64; 2],
    pub newsletter_wilaya: String,
    pub newsletter_wilaya_tag: String,
    pub noise_official: [u32; 2],
    pub noise_supporter: [u32; 2],
    pub noise_translation: [u32; 2],
    pub wire_analysis_every_weeks: usize,
    pub skipped_records: [u32; 2],
}

/// The surge rule of the truth.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurgeRule {
    pub baseline_weeks: usize,
    pub ratio: f64,
    pub excess: f64,
}

/// lexicon_ar.toml
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lexicon {
    /// Number words before masculine nouns, 3-10.
    pub numbers: BTreeMap<String, String>,
    /// Weekdays, Monday first.
    pub weekdays: Vec<String>,
    /// Hijri months, Muharram first.
    pub hijri_months: Vec<String>,
    /// Counted nouns.
    pub noun: Vec<Noun>,
    /// Terms for enemies.
    pub enemy: Vec<Enemy>,
    /// English terms for enemies.
    pub enemy_en: Vec<EnemyEn>,
    /// Words before a place name, by kind of place.
    pub place_words: BTreeMap<String, Vec<String>>,
    /// The same in English.
    pub place_words_en: BTreeMap<String, Vec<String>>,
}

/// A counted noun in its forms.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Noun {
    pub key: String,
    #[serde(default = "yes")]
    pub casualty: bool,
    /// Only for the members of these targets (all when empty).
    #[serde(default)]
    pub targets: Vec<String>,
    pub sing: String,
    pub acc: String,
    pub dual: String,
    pub dual_nom: String,
    pub plural: String,
}

fn yes() -> bool {
    true
}

/// The group's term for an enemy.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Enemy {
    pub target: String,
    pub name: String,
    pub li: String,
    pub members: String,
}

/// English terms for an enemy.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnemyEn {
    pub target: String,
    pub names: Vec<String>,
}

/// templates_ar.toml
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplatesAr {
    /// Claim families.
    pub family: Vec<ClaimFamily>,
    /// Newsletter families.
    pub newsletter: Vec<NewsletterFamily>,
}

/// A family of claims of one kind.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimFamily {
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub holdout: bool,
    /// Overrides the kind's attack mode.
    #[serde(default)]
    pub attack_mode: Option<String>,
    /// Templates by outcome.
    pub outcomes: BTreeMap<String, Vec<String>>,
}

/// A family of newsletter posts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewsletterFamily {
    pub name: String,
    #[serde(default)]
    pub holdout: bool,
    /// The week's days, from {from}, {to}, {year}.
    pub range: String,
    pub header: Vec<String>,
    pub line: String,
    pub footer: Vec<String>,
    pub actions: BTreeMap<String, Vec<String>>,
    pub results: BTreeMap<String, Vec<String>>,
}

/// templates_en.toml
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplatesEn {
    /// One to nine.
    pub numbers: Vec<String>,
    /// Monday first.
    pub weekdays: Vec<String>,
    /// Muharram first.
    pub hijri_months: Vec<String>,
    pub family: Vec<EnFamily>,
}

/// A family of English renderings.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnFamily {
    pub name: String,
    #[serde(default)]
    pub holdout: bool,
    pub frames: Vec<String>,
    pub actions: BTreeMap<String, Vec<String>>,
    pub results: BTreeMap<String, Vec<String>>,
}

/// wire.toml
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wire {
    pub target_phrase: Vec<TargetPhrase>,
    pub family: Vec<WireFamily>,
    pub analysis: Vec<Analysis>,
}

/// How the wire names a target.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetPhrase {
    pub target: String,
    pub sing: Vec<String>,
    pub plural: Vec<String>,
    pub name: Vec<String>,
    pub short: String,
    /// Background lines a story may end with.
    pub context: Vec<String>,
}

/// A family of wire reports.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireFamily {
    pub name: String,
    #[serde(default)]
    pub holdout: bool,
    pub sources: Vec<String>,
    pub relay_claim: Vec<String>,
    pub no_claim: Vec<String>,
    pub relay_both: Vec<String>,
    pub no_claim_both: Vec<String>,
    pub titles: BTreeMap<String, Vec<String>>,
    pub leads: BTreeMap<String, Vec<String>>,
}

/// A wire analysis piece.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Analysis {
    pub title: String,
    pub text: String,
}

/// noise.toml
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Noise {
    pub official: Vec<String>,
    pub supporter: Vec<String>,
    pub translation: Vec<String>,
    /// Lines a supporter adds above a repost.
    pub repost_prefix: Vec<String>,
    /// Lines a supporter adds below a repost.
    pub repost_suffix: Vec<String>,
}

const STREAM: &str = include_str!("../../claimstream/stream.toml");
const LEXICON: &str = include_str!("../../claimstream/lexicon_ar.toml");
const TEMPLATES_AR: &str = include_str!("../../claimstream/templates_ar.toml");
const TEMPLATES_EN: &str = include_str!("../../claimstream/templates_en.toml");
const WIRE: &str = include_str!("../../claimstream/wire.toml");
const NOISE: &str = include_str!("../../claimstream/noise.toml");
const HIJRI: &str = include_str!("../../claimstream/hijri_umm_al_qura.toml");

fn parse<T: serde::de::DeserializeOwned>(file: &'static str, text: &str) -> Result<T, DataError> {
    toml::from_str(text).map_err(|source| DataError::Parse { file, source })
}

impl Data {
    /// The bundled data, loaded and checked.
    pub fn bundled() -> Result<Data, DataError> {
        let data = Data {
            stream: parse("stream.toml", STREAM)?,
            lexicon: parse("lexicon_ar.toml", LEXICON)?,
            ar: parse("templates_ar.toml", TEMPLATES_AR)?,
            en: parse("templates_en.toml", TEMPLATES_EN)?,
            wire: parse("wire.toml", WIRE)?,
            noise: parse("noise.toml", NOISE)?,
            hijri: HijriTable::parse(HIJRI).map_err(|source| DataError::Parse {
                file: "hijri_umm_al_qura.toml",
                source,
            })?,
        };
        data.check()?;
        Ok(data)
    }

    /// The kind with this key.
    pub fn kind(&self, key: &str) -> &Kind {
        self.stream
            .kind
            .iter()
            .find(|k| k.key == key)
            .expect("kinds are checked")
    }

    /// The target the weekly truth counts.
    pub fn counted_target(&self) -> &Target {
        self.stream
            .target
            .iter()
            .find(|t| t.counted)
            .expect("targets are checked")
    }

    /// The target with this key.
    pub fn target(&self, key: &str) -> &Target {
        self.stream
            .target
            .iter()
            .find(|t| t.key == key)
            .expect("targets are checked")
    }

    /// Checks what serde cannot: every kind's families and outcomes, every
    /// slot name, the holdout split, the references between files.
    fn check(&self) -> Result<(), DataError> {
        let kinds: BTreeSet<&str> = self.stream.kind.iter().map(|k| k.key.as_str()).collect();
        let targets: BTreeSet<&str> = self.stream.target.iter().map(|t| t.key.as_str()).collect();
        let fail = |file: &'static str, message: String| Err(DataError::Check { file, message });
        if self.stream.target.iter().filter(|t| t.counted).count() != 1 {
            return fail(
                "stream.toml",
                "exactly one target has `counted = true`: the weekly truth counts attacks on it"
                    .into(),
            );
        }
        for t in &self.stream.target {
            if t.side != "left" && t.side != "right" {
                return fail(
                    "stream.toml",
                    format!(
                        "target {}: side {:?} is not \"left\" or \"right\"",
                        t.key, t.side
                    ),
                );
            }
        }
        // Every template's slots are known.
        let mut texts: Vec<(&'static str, String, &str)> = Vec::new();
        for f in &self.ar.family {
            for (o, ts) in &f.outcomes {
                for t in ts {
                    texts.push(("templates_ar.toml", format!("{}.{o}", f.name), t));
                }
            }
        }
        for f in &self.ar.newsletter {
            for t in f.header.iter().chain(&f.footer).chain([&f.line, &f.range]) {
                texts.push(("templates_ar.toml", f.name.clone(), t));
            }
            for (k, ts) in f.actions.iter().chain(&f.results) {
                for t in ts {
                    texts.push(("templates_ar.toml", format!("{}.{k}", f.name), t));
                }
            }
        }
        for f in &self.en.family {
            for t in &f.frames {
                texts.push(("templates_en.toml", f.name.clone(), t));
            }
            for (k, ts) in f.actions.iter().chain(&f.results) {
                for t in ts {
                    texts.push(("templates_en.toml", format!("{}.{k}", f.name), t));
                }
            }
        }
        for f in &self.wire.family {
            for t in f
                .sources
                .iter()
                .chain(&f.relay_claim)
                .chain(&f.no_claim)
                .chain(&f.relay_both)
                .chain(&f.no_claim_both)
            {
                texts.push(("wire.toml", f.name.clone(), t));
            }
            for (k, ts) in f.titles.iter().chain(&f.leads) {
                for t in ts {
                    texts.push(("wire.toml", format!("{}.{k}", f.name), t));
                }
            }
        }
        for p in &self.wire.target_phrase {
            for t in &p.context {
                texts.push(("wire.toml", p.target.clone(), t));
            }
        }
        for a in &self.wire.analysis {
            texts.push(("wire.toml", "analysis".into(), &a.text));
        }
        for t in self
            .noise
            .official
            .iter()
            .chain(&self.noise.supporter)
            .chain(&self.noise.translation)
        {
            texts.push(("noise.toml", "noise".into(), t));
        }
        for (file, at, text) in &texts {
            for slot in slots_of(text) {
                if !is_known_slot(slot) {
                    return fail(file, format!("{at}: unknown slot {{{slot}}} in {text:?}"));
                }
            }
        }
        // Claim families: every kind has three or more, one or more held
        // out and two or more not; each covers every outcome of its kind.
        for k in &self.stream.kind {
            let fams: Vec<&ClaimFamily> =
                self.ar.family.iter().filter(|f| f.kind == k.key).collect();
            let held = fams.iter().filter(|f| f.holdout).count();
            if fams.len() < 3 || held == 0 || fams.len() - held < 2 {
                return fail(
                    "templates_ar.toml",
                    format!(
                        "kind {}: {} families, {held} held out; each kind needs three or more, one or more held out and two or more not",
                        k.key,
                        fams.len()
                    ),
                );
            }
            for f in fams {
                for o in &k.outcomes {
                    if f.outcomes.get(&o.key).is_none_or(Vec::is_empty) {
                        return fail(
                            "templates_ar.toml",
                            format!(
                                "family {}: no template for outcome {} of kind {}",
                                f.name, o.key, k.key
                            ),
                        );
                    }
                }
            }
        }
        for f in &self.ar.family {
            if !kinds.contains(f.kind.as_str()) {
                return fail(
                    "templates_ar.toml",
                    format!("family {}: unknown kind {}", f.name, f.kind),
                );
            }
        }
        // The families keyed by kind and outcome (newsletter, English,
        // wire) cover every pair, and each file holds out one or more.
        let pairs: Vec<(&str, &str)> = self
            .stream
            .kind
            .iter()
            .flat_map(|k| {
                k.outcomes
                    .iter()
                    .map(move |o| (k.key.as_str(), o.key.as_str()))
            })
            .collect();
        let covers = |actions: &BTreeMap<String, Vec<String>>, k: &str, o: &str| {
            actions.contains_key(&format!("{k}.{o}")) || actions.contains_key(k)
        };
        let covers_outcome = |results: &BTreeMap<String, Vec<String>>, k: &str, o: &str| {
            results.contains_key(&format!("{k}.{o}")) || results.contains_key(o)
        };
        for (file, name, actions, results) in self
            .ar
            .newsletter
            .iter()
            .map(|f| ("templates_ar.toml", &f.name, &f.actions, &f.results))
            .chain(
                self.en
                    .family
                    .iter()
                    .map(|f| ("templates_en.toml", &f.name, &f.actions, &f.results)),
            )
        {
            for (k, o) in &pairs {
                if !covers(actions, k, o) || !covers_outcome(results, k, o) {
                    return fail(
                        file,
                        format!("family {name}: nothing for kind {k}, outcome {o}"),
                    );
                }
            }
        }
        for f in &self.wire.family {
            for (k, o) in &pairs {
                let lead = f.leads.contains_key(&format!("{k}.{o}")) || f.leads.contains_key(*k);
                let title = f.titles.contains_key(&format!("{k}.{o}")) || f.titles.contains_key(*k);
                if !lead || !title {
                    return fail(
                        "wire.toml",
                        format!("family {}: no lead or title for {k}.{o}", f.name),
                    );
                }
            }
        }
        let split = |held: usize, all: usize| held > 0 && held < all;
        if !split(
            self.ar.newsletter.iter().filter(|f| f.holdout).count(),
            self.ar.newsletter.len(),
        ) {
            return fail(
                "templates_ar.toml",
                "newsletters need a held-out family and another".into(),
            );
        }
        if !split(
            self.en.family.iter().filter(|f| f.holdout).count(),
            self.en.family.len(),
        ) {
            return fail(
                "templates_en.toml",
                "families need a held-out one and another".into(),
            );
        }
        if !split(
            self.wire.family.iter().filter(|f| f.holdout).count(),
            self.wire.family.len(),
        ) {
            return fail(
                "wire.toml",
                "families need a held-out one and another".into(),
            );
        }
        for e in &self.lexicon.enemy {
            if !targets.contains(e.target.as_str()) {
                return fail(
                    "lexicon_ar.toml",
                    format!("enemy {:?}: unknown target {}", e.name, e.target),
                );
            }
        }
        for t in &targets {
            if !self.lexicon.enemy.iter().any(|e| e.target == *t)
                || !self.lexicon.enemy_en.iter().any(|e| e.target == *t)
                || !self.wire.target_phrase.iter().any(|p| p.target == *t)
            {
                return fail(
                    "lexicon_ar.toml",
                    format!("target {t} has no Arabic or English term, or no wire phrase"),
                );
            }
        }
        for n in 3..=10 {
            if !self.lexicon.numbers.contains_key(&n.to_string()) {
                return fail("lexicon_ar.toml", format!("no number word for {n}"));
            }
        }
        if self.lexicon.weekdays.len() != 7 || self.lexicon.hijri_months.len() != 12 {
            return fail(
                "lexicon_ar.toml",
                "7 weekdays and 12 Hijri months are needed".into(),
            );
        }
        if self.en.weekdays.len() != 7
            || self.en.hijri_months.len() != 12
            || self.en.numbers.len() != 9
        {
            return fail(
                "templates_en.toml",
                "7 weekdays, 12 Hijri months and the numbers one to nine are needed".into(),
            );
        }
        if !self.lexicon.noun.iter().any(|n| n.casualty)
            || !self.lexicon.noun.iter().any(|n| n.key == "rocket")
        {
            return fail(
                "lexicon_ar.toml",
                "a casualty noun and the noun `rocket` are needed".into(),
            );
        }
        let p = &self.stream.posting;
        let shares = p.same_day + p.after_midnight + p.one_day_late + p.two_days_late;
        if (shares - 1.0).abs() > 1e-6 {
            return fail(
                "stream.toml",
                format!("posting delays add up to {shares}, not 1"),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_data_loads_and_passes_its_checks() {
        let d = Data::bundled().unwrap_or_else(|e| panic!("{e}"));
        assert!(d.ar.family.len() >= 27);
    }
}
