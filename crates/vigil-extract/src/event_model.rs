//! The statistical event-type model that sits beside the rules.
//!
//! The rules (`classify`) name a class only when a trigger of it is in the
//! text, and rank classes by fixed weights. Many passages tell their kind of
//! event in words no trigger list holds ("the two sides signed", "the
//! caseload has begun climbing"), and many hold triggers of several
//! classes. The model reads the whole passage: TF-IDF over its words, word
//! pairs and the character 3-5-grams of its words, and a multinomial
//! logistic regression over them, trained by
//! `scripts/train_event_types.py` from the tuning part of the CASE 2021
//! dev file and written to `data/kb/event_model.tsv` (weights over
//! features; no record is in it).
//!
//! The model was trained on English text only; a passage written mostly in
//! another script (Arabic) keeps the rules' class (the file's `script`
//! line says which text the model read).
//!
//! The two are combined as the script calibrated them: the class of a
//! passage is the argmax over classes of `log p(class) + rule_weight` when
//! the class is the rules' own choice, `log p(class)` otherwise. So the
//! rules decide when the model has no strong reason against them, and the
//! model decides when the rules find nothing. In an event report the
//! evidence of the type is always a span of the text: the trigger of the
//! chosen class where the rules found one, else the rules' own trigger (see
//! `Extractor::extract_detailed`).
//!
//! The features are computed exactly as the script computes them:
//! lower-cased runs of letters and digits (ASCII digits read as 0, Arabic
//! short vowels and tatweel dropped), each word as "w:word", each pair of
//! adjacent words as "b:" and the 64-bit FNV-1a of "one two" in hex (the
//! file holds no run of words), and each 3-, 4- and 5-character window of
//! " word " (the word padded with a space) as "c:…".

use foldhash::{HashMap, HashMapExt};

use crate::kb::Class;
use crate::KbError;

/// A trained event-type model (`data/kb/event_model.tsv`).
#[derive(Debug, Clone)]
pub struct EventModel {
    /// The classes, in the order of the weights.
    pub classes: Vec<Class>,
    bias: Vec<f32>,
    /// The weight of the rules' vote, in log-probability units.
    pub rule_weight: f64,
    /// Whether the model read only Latin-script text in training (then it
    /// has nothing to say about an Arabic passage).
    latin_only: bool,
    /// Feature (the 64-bit FNV-1a of its name, so that reading a passage
    /// builds no strings) → (its number, idf, first weight in `weights`,
    /// number of weights).
    features: HashMap<u64, (u32, f32, u32, u16)>,
    /// (class, weight) pairs of every feature, one run per feature.
    weights: Vec<(u16, f32)>,
}

impl EventModel {
    /// Parses the model file; `class_of` maps a class key of the file to
    /// the knowledge base's class (`None`: unknown, an error).
    pub fn parse(
        file: &str,
        text: &str,
        class_of: impl Fn(&str) -> Option<Class>,
    ) -> Result<EventModel, KbError> {
        let bad = |line: usize, what: String| KbError::Parse {
            file: format!("{file}:{line}"),
            message: what,
        };
        let mut classes: Vec<Class> = Vec::new();
        let mut bias: Vec<f32> = Vec::new();
        let mut rule_weight = None;
        let mut latin_only = false;
        let mut features = HashMap::new();
        let mut weights = Vec::new();
        let num = |line: usize, s: &str| -> Result<f32, KbError> {
            s.parse::<f32>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| bad(line, format!("{s:?} is not a number")))
        };
        for (i, row) in text.lines().enumerate() {
            let line = i + 1;
            if row.starts_with('#') || row.trim().is_empty() {
                continue;
            }
            let mut cells = row.split('\t');
            let head = cells.next().unwrap_or_default();
            match head {
                "classes" => {
                    for key in cells {
                        let c = class_of(key).ok_or_else(|| {
                            bad(line, format!("class {key:?} is not in typology.toml"))
                        })?;
                        classes.push(c);
                    }
                }
                "bias" => {
                    for b in cells {
                        bias.push(num(line, b)?);
                    }
                }
                "script" => {
                    latin_only = match cells.next().unwrap_or_default() {
                        "latin" => true,
                        "any" => false,
                        other => return Err(bad(line, format!("script {other:?}: latin or any"))),
                    };
                }
                "rule_weight" => {
                    rule_weight = Some(f64::from(num(line, cells.next().unwrap_or_default())?));
                }
                feature => {
                    if classes.is_empty() {
                        return Err(bad(line, "features before the classes line".into()));
                    }
                    let idf = num(line, cells.next().unwrap_or_default())?;
                    let start = weights.len();
                    // (A feature may have no weight left after pruning: it
                    // still counts in the norm of the passage's vector.)
                    let cells = cells.next().unwrap_or_default();
                    for cell in cells.split(' ').filter(|c| !c.is_empty()) {
                        let (k, w) = cell
                            .split_once(':')
                            .ok_or_else(|| bad(line, format!("{cell:?} is not class:weight")))?;
                        let k: u16 = k
                            .parse()
                            .ok()
                            .filter(|&k| usize::from(k) < classes.len())
                            .ok_or_else(|| bad(line, format!("no class number {k:?}")))?;
                        weights.push((k, num(line, w)?));
                    }
                    let n = u16::try_from(weights.len() - start)
                        .map_err(|_| bad(line, "too many weights".into()))?;
                    let start =
                        u32::try_from(start).map_err(|_| bad(line, "too many features".into()))?;
                    let id = u32::try_from(features.len())
                        .map_err(|_| bad(line, "too many features".into()))?;
                    if features
                        .insert(fnv1a(feature.bytes()), (id, idf, start, n))
                        .is_some()
                    {
                        return Err(bad(line, format!("feature {feature:?} twice")));
                    }
                }
            }
        }
        if classes.is_empty() || bias.len() != classes.len() {
            return Err(KbError::Invalid {
                file: file.to_string(),
                what: format!(
                    "{} classes and {} biases: one bias per class is needed",
                    classes.len(),
                    bias.len()
                ),
            });
        }
        let rule_weight = rule_weight.ok_or_else(|| KbError::Invalid {
            file: file.to_string(),
            what: "no rule_weight line".into(),
        })?;
        Ok(EventModel {
            classes,
            bias,
            rule_weight,
            latin_only,
            features,
            weights,
        })
    }

    /// The number of features with weights.
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// Whether the model has no features.
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// Log-probabilities of the classes (in the order of `classes`) for a
    /// passage.
    pub fn log_probs(&self, text: &str) -> Vec<f64> {
        // Term counts of the known features.
        // Feature number → (count, idf, first weight, weights).
        type Counts = HashMap<u32, (u32, f32, u32, u16)>;
        let mut counts: Counts = HashMap::new();
        let seen = |key: u64, counts: &mut Counts| {
            if let Some(&(id, idf, start, n)) = self.features.get(&key) {
                counts.entry(id).or_insert((0, idf, start, n)).0 += 1;
            }
        };
        let toks = tokens(text);
        let mut padded = String::new();
        let mut bounds: Vec<usize> = Vec::new();
        for (i, t) in toks.iter().enumerate() {
            seen(fnv1a(b"w:".iter().copied().chain(t.bytes())), &mut counts);
            if let Some(next) = toks.get(i + 1) {
                let h = fnv1a(t.bytes().chain([b' ']).chain(next.bytes()));
                let hex = hex16(h);
                seen(fnv1a(b"b:".iter().copied().chain(hex)), &mut counts);
            }
            // The 3-5-character windows of " word ".
            padded.clear();
            padded.push(' ');
            padded.push_str(t);
            padded.push(' ');
            bounds.clear();
            bounds.extend(padded.char_indices().map(|(k, _)| k));
            bounds.push(padded.len());
            let chars = bounds.len() - 1;
            for n in 3..=5 {
                for a in 0..chars.saturating_sub(n - 1) {
                    let gram = &padded.as_bytes()[bounds[a]..bounds[a + n]];
                    seen(
                        fnv1a(b"c:".iter().copied().chain(gram.iter().copied())),
                        &mut counts,
                    );
                }
            }
        }
        // Sublinear TF-IDF, L2-normalized, as scikit-learn's
        // TfidfVectorizer(sublinear_tf=True) computes it over the
        // vocabulary (every feature of the file, with or without weights).
        let mut scores: Vec<f64> = self.bias.iter().map(|&b| f64::from(b)).collect();
        let values: Vec<(usize, usize, f64)> = counts
            .iter()
            .map(|(_, &(c, idf, start, n))| {
                let start = start as usize;
                let tfidf = (1.0 + f64::from(c).ln()) * f64::from(idf);
                (start, start + usize::from(n), tfidf)
            })
            .collect();
        let norm = values.iter().map(|(_, _, v)| v * v).sum::<f64>().sqrt();
        if norm > 0.0 {
            for &(start, end, v) in &values {
                for &(c, w) in &self.weights[start..end] {
                    scores[usize::from(c)] += v / norm * f64::from(w);
                }
            }
        }
        let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let log_sum = scores.iter().map(|s| (s - max).exp()).sum::<f64>().ln() + max;
        scores.iter().map(|s| s - log_sum).collect()
    }

    /// Whether the model can read a passage: a model trained on Latin
    /// script only reads passages written mostly in it.
    pub fn reads(&self, text: &str) -> bool {
        if !self.latin_only {
            return true;
        }
        let (mut letters, mut latin) = (0usize, 0usize);
        for c in text.chars().filter(|c| c.is_alphabetic()) {
            letters += 1;
            if c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c) {
                latin += 1;
            }
        }
        2 * latin >= letters
    }

    /// The combined choice among `allowed` classes (all the model's when
    /// `None`): the model's log-probability, plus the rules' weight for the
    /// rules' class. `None` when no allowed class is the model's.
    pub fn choose(
        &self,
        text: &str,
        rules: Option<Class>,
        allowed: Option<&[Class]>,
    ) -> Option<(Class, f64)> {
        if !self.reads(text) {
            return rules
                .filter(|r| allowed.is_none_or(|a| a.contains(r)))
                .map(|r| (r, 0.0));
        }
        let lp = self.log_probs(text);
        self.classes
            .iter()
            .zip(lp)
            .filter(|(c, _)| allowed.is_none_or(|a| a.contains(c)))
            .map(|(c, l)| {
                let vote = if Some(*c) == rules {
                    self.rule_weight
                } else {
                    0.0
                };
                (*c, l + vote)
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }
}

/// 64-bit FNV-1a: the name of a word pair in the file (so that the file
/// holds no run of words), and the key of every feature in memory.
fn fnv1a(bytes: impl Iterator<Item = u8>) -> u64 {
    bytes.fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A 64-bit number as 16 lower-case hex digits.
fn hex16(h: u64) -> [u8; 16] {
    let mut out = [0u8; 16];
    for (k, b) in out.iter_mut().enumerate() {
        let nibble = (h >> (60 - 4 * k)) & 0xf;
        *b = b"0123456789abcdef"[nibble as usize];
    }
    out
}

/// Arabic short vowels, shadda, sukun, dagger alif and tatweel: not letters
/// of a word's spelling.
fn dropped(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}')
}

/// Lower-cased runs of letters and digits; ASCII digits become 0.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if dropped(c) {
            continue;
        }
        if c.is_alphanumeric() {
            cur.push(if c.is_ascii_digit() { '0' } else { c });
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::Kb;
    use vigil_model::SubEventType;

    #[test]
    fn tokens_as_the_script_reads_them() {
        assert_eq!(
            tokens("Police arrested 12 suspects; ١٢ مُعتقلاً"),
            ["police", "arrested", "00", "suspects", "١٢", "معتقلا"]
        );
    }

    #[test]
    fn word_pairs_are_hashed_as_the_script_hashes_them() {
        // scripts/train_event_types.py: fnv1a("car bomb"), fnv1a("قتل عنصر").
        let h = |s: &str| String::from_utf8(hex16(fnv1a(s.bytes())).to_vec()).unwrap_or_default();
        assert_eq!(h("car bomb"), "ec422872f5c34f0b");
        assert_eq!(h("قتل عنصر"), "82c9fcbcc627bd8b");
    }

    #[test]
    fn the_bundled_model_loads() {
        let m = &Kb::bundled().event_model;
        assert!(m.classes.len() >= 25, "{} classes", m.classes.len());
        assert!(m.len() > 1000, "{} features", m.len());
        let lp = m.log_probs("Police fired tear gas at protesters.");
        let total: f64 = lp.iter().map(|l| l.exp()).sum();
        assert!((total - 1.0).abs() < 1e-6, "{total}");
    }

    #[test]
    fn clear_sentences_get_their_class() {
        let m = &Kb::bundled().event_model;
        let rows: &[(&str, SubEventType)] = &[
            (
                "Demonstrators gathered peacefully in the main square to protest against rising prices.",
                SubEventType::PeacefulProtest,
            ),
            (
                "A suicide bomber blew himself up at a checkpoint, killing five soldiers.",
                SubEventType::SuicideBomb,
            ),
            (
                "Police arrested three men suspected of planning attacks in a raid on Tuesday.",
                SubEventType::Arrests,
            ),
        ];
        for (text, want) in rows {
            let best = m.choose(text, None, None).map(|c| c.0);
            assert_eq!(best, Some(Class::Acled(*want)), "{text}");
        }
    }

    #[test]
    fn an_arabic_passage_keeps_the_rules_class() {
        let m = &Kb::bundled().event_model;
        let rules = Class::Acled(SubEventType::RemoteExplosiveLandmineIed);
        let text = "انفجار عبوة ناسفة بدورية لقسد في ريف دير الزور";
        assert!(!m.reads(text));
        assert_eq!(m.choose(text, Some(rules), None).map(|c| c.0), Some(rules));
        assert!(m.reads("A roadside bomb hit a patrol near Deir ez-Zor."));
    }

    #[test]
    fn a_broken_file_names_its_line() {
        let err = EventModel::parse(
            "m.tsv",
            "classes\tattack\nbias\t0.1\nw:x\tabc\t0:1\n",
            |_| Some(Class::Acled(SubEventType::Attack)),
        )
        .unwrap_err();
        assert!(err.to_string().contains("m.tsv:3"), "{err}");
        let err = EventModel::parse("m.tsv", "classes\tnope\n", |_| None).unwrap_err();
        assert!(err.to_string().contains("nope"), "{err}");
    }
}
