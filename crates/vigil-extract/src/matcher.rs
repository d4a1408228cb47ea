//! Phrase matching over tokens: every knowledge-base list (aliases,
//! triggers, cues) becomes one Aho–Corasick automaton over the document's
//! tokens joined by single spaces, so a phrase matches whatever the
//! punctuation or spacing between its words ("al-Qaeda", "al Qaeda"), and
//! an Arabic phrase also matches behind a fused conjunction or preposition
//! ("لقوات سوريا الديمقراطية", "وداعش").

use std::borrow::Cow;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Anchored, MatchKind, StartKind};

use crate::text::{Kind, Text};

/// Arabic proclitics that may be fused to the first word of a phrase.
const PROCLITICS: &[&str] = &["و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك"];

/// One compiled list of phrases, each with a payload.
#[derive(Debug, Clone)]
pub struct Matcher<T> {
    /// Names this list in a text's cache of matches (see `Text::hits`).
    id: usize,
    ac: Option<AhoCorasick>,
    payloads: Vec<T>,
    /// Acronyms that must be upper case in the original text ("IS", not "is").
    case_sensitive: Vec<bool>,
    /// Phrase length in tokens, for scoring specificity.
    lens: Vec<usize>,
}

/// A phrase found in a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit<'m, T> {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// The payload of the phrase.
    pub value: &'m T,
    /// Number of words in the phrase.
    pub words: usize,
}

/// A match as a text keeps it: tokens `start..end`, the phrase's index.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawHit {
    start: u32,
    end: u32,
    pattern: u32,
}

/// The joined form of a phrase: normalized tokens, dashes dropped.
pub fn joined(phrase: &str) -> String {
    let n = vigil_text::normalize(&fold_apostrophes(phrase));
    let t = Text::new(&n);
    join_tokens(&t, 0..t.tokens.len()).0
}

/// The dual and plural of an Arabic phrase of nouns and adjectives, as the
/// grammar builds them, so that a list names the singular once: a word in
/// ة takes تين/تان in the dual and ات in the plural ("عبوة ناسفة" →
/// "عبوتين ناسفتين", "عبوات ناسفة": a plural of things takes its adjective
/// in the feminine singular, so only the first word changes); another word
/// takes ين/ان in the dual ("هجوم" → "هجومين"). Broken plurals ("ألغام")
/// cannot be built and are listed as they are. Phrases of more than three
/// words, and words of fewer than three letters, are left alone.
pub fn arabic_inflections(phrase: &str) -> Vec<String> {
    let words: Vec<&str> = phrase.split_whitespace().collect();
    let arabic = |w: &str| w.chars().all(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
    if words.is_empty()
        || words.len() > 3
        || !words.iter().all(|w| arabic(w) && w.chars().count() >= 3)
    {
        return Vec::new();
    }
    let dual = |w: &str, ending: &str| match w.strip_suffix('ة') {
        Some(stem) => format!("{stem}ت{ending}"),
        None => format!("{w}{ending}"),
    };
    let mut out = Vec::new();
    for ending in ["ين", "ان"] {
        out.push(
            words
                .iter()
                .map(|w| dual(w, ending))
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    if let Some(stem) = words[0].strip_suffix('ة') {
        let mut plural = vec![format!("{stem}ات")];
        plural.extend(words[1..].iter().map(|w| w.to_string()));
        out.push(plural.join(" "));
    }
    // With the article: "هجوم" → "الهجوم", "عبوة ناسفة" → "العبوة
    // الناسفة" (an adjective agrees with its noun in definiteness).
    if !words.iter().any(|w| w.starts_with("ال")) {
        out.push(
            words
                .iter()
                .map(|w| format!("ال{w}"))
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    // A single noun with an attached pronoun: "اغتيال" → "اغتياله"
    // ("لاغتياله", in an attempt to assassinate him), "عملية" → "عمليته".
    if let [w] = words.as_slice() {
        let stem = w
            .strip_suffix('ة')
            .map_or_else(|| w.to_string(), |s| format!("{s}ت"));
        for p in ["ه", "ها", "هم", "هما"] {
            out.push(format!("{stem}{p}"));
        }
    }
    out
}

/// The conjugations of an Arabic verb given in the past tense's third
/// person masculine singular, as the first word of a phrase ("اغتال",
/// "أطلق النار"): the past with its persons (اغتالت، اغتالوا، اغتالا)
/// and object pronouns (اغتاله، اغتالوه، اغتالته), and the present (يغتال،
/// تغتال، يغتالون، يغتالان، يغتاله), where a leading alef of the past
/// (forms IV and VII-X: أطلق → يطلق, استهدف → يستهدف) drops. The verb
/// itself is the first form. Verbs whose first radical is a hamza (أسر →
/// يأسر) or whose stem changes (قام → يقوم) are listed by hand instead.
pub fn arabic_verb_forms(phrase: &str) -> Vec<String> {
    let mut words = phrase.split_whitespace();
    let Some(verb) = words.next() else {
        return Vec::new();
    };
    let rest: Vec<&str> = words.collect();
    let arabic = verb.chars().all(|c| ('\u{0621}'..='\u{064A}').contains(&c));
    if !arabic || verb.chars().count() < 3 {
        return vec![phrase.to_string()];
    }
    let present = verb
        .strip_prefix('ا')
        .or_else(|| verb.strip_prefix('أ'))
        .unwrap_or(verb);
    let mut forms = vec![verb.to_string()];
    for ending in [
        "ت", "وا", "ا", "تا", "ه", "ها", "هم", "ته", "تها", "تهم", "وه", "وها", "وهم",
    ] {
        forms.push(format!("{verb}{ending}"));
    }
    for prefix in ["ي", "ت"] {
        for ending in ["", "ون", "ان", "ه", "ها", "هم", "ونه", "ونهم"] {
            forms.push(format!("{prefix}{present}{ending}"));
        }
    }
    forms
        .into_iter()
        .map(|f| {
            std::iter::once(f.as_str())
                .chain(rest.iter().copied())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// `items` with the dual and plural of each Arabic phrase added (see
/// [`arabic_inflections`]), unless a form is already in the list: what
/// the list says outright wins. A phrase written with a leading `=`
/// ("=سيطرت": an intransitive verb takes no object pronoun) stands as it
/// is, uninflected; one written with a leading `+` ("+اغتال") is a verb,
/// and stands for its conjugations ([`arabic_verb_forms`]).
pub fn with_arabic_inflections<T: Clone>(items: Vec<(String, T)>) -> Vec<(String, T)> {
    let mut verbs: Vec<(String, T)> = Vec::new();
    let items: Vec<(String, T, bool)> = items
        .into_iter()
        .filter_map(|(p, v)| {
            if let Some(exact) = p.strip_prefix('=') {
                Some((exact.to_string(), v, false))
            } else if let Some(verb) = p.strip_prefix('+') {
                verbs.extend(arabic_verb_forms(verb).into_iter().map(|f| (f, v.clone())));
                None
            } else {
                Some((p, v, true))
            }
        })
        .collect();
    let listed: std::collections::HashSet<String> =
        items.iter().map(|(p, _, _)| joined(p)).collect();
    let mut out: Vec<(String, T)> = items
        .iter()
        .map(|(p, v, _)| (p.clone(), v.clone()))
        .collect();
    let mut added = std::collections::HashSet::new();
    // A verb's forms, but those the list gives outright.
    for (form, payload) in verbs {
        let j = joined(&form);
        if !listed.contains(&j) && added.insert(j) {
            out.push((form, payload));
        }
    }
    for (phrase, payload, _) in items.iter().filter(|i| i.2) {
        for form in arabic_inflections(phrase) {
            let j = joined(&form);
            if !listed.contains(&j) && added.insert(j) {
                out.push((form, payload.clone()));
            }
        }
    }
    out
}

fn fold_apostrophes(s: &str) -> Cow<'_, str> {
    // Most tokens hold no apostrophe: borrowed, not copied (this runs for
    // every token of every document).
    if !s.contains(['’', '‘', 'ʼ', '`', '´']) {
        return Cow::Borrowed(s);
    }
    s.chars()
        .map(|c| {
            if matches!(c, '’' | '‘' | 'ʼ' | '`' | '´') {
                '\''
            } else {
                c
            }
        })
        .collect::<String>()
        .into()
}

/// A token as phrases are matched against it: apostrophes folded, an
/// English possessive dropped ("al-Qaeda's" matches "al-Qaeda"), and an
/// Arabic "لل" (ل + ال, the article's alef elided) spelled out as "لال", so
/// that "للجيش" matches "الجيش" behind the proclitic ل.
fn surface(tok: &str) -> Cow<'_, str> {
    let base = match fold_apostrophes(tok) {
        Cow::Borrowed(b) => Cow::Borrowed(strip_possessive(b)),
        Cow::Owned(o) => Cow::Owned(strip_possessive(&o).to_string()),
    };
    match base.strip_prefix("لل") {
        Some(rest) if rest.chars().count() >= 2 => Cow::Owned(format!("لال{rest}")),
        _ => base,
    }
}

/// "al-Qaeda's" matches "al-Qaeda".
fn strip_possessive(tok: &str) -> &str {
    tok.strip_suffix("'s")
        .filter(|r| !r.is_empty())
        .unwrap_or(tok)
}

fn is_dash(s: &str) -> bool {
    matches!(s, "-" | "–" | "—" | "_")
}

/// Tokens `range` joined by spaces (dashes dropped), with the byte offset of
/// each included token in the joined string.
fn join_tokens(t: &Text<'_>, range: std::ops::Range<usize>) -> (String, Vec<(usize, usize)>) {
    let mut s = String::new();
    let mut starts = Vec::new();
    for i in range {
        let tok = t.tok(i);
        if t.kind(i) == Kind::Punct && is_dash(tok) {
            continue;
        }
        if !s.is_empty() {
            s.push(' ');
        }
        starts.push((s.len(), i));
        s.push_str(&surface(tok));
    }
    (s, starts)
}

impl<T> Matcher<T> {
    /// Compiles `(phrase, payload)` pairs. Empty phrases are dropped.
    pub fn new(items: impl IntoIterator<Item = (String, T)>) -> Matcher<T> {
        let mut pats = Vec::new();
        let mut payloads = Vec::new();
        let mut case_sensitive = Vec::new();
        let mut lens = Vec::new();
        for (phrase, payload) in items {
            let j = joined(&phrase);
            if j.is_empty() {
                continue;
            }
            let letters: Vec<char> = phrase.chars().filter(|c| c.is_alphabetic()).collect();
            case_sensitive.push(
                letters.len() <= 4
                    && !letters.is_empty()
                    && letters.iter().all(|c| c.is_uppercase()),
            );
            lens.push(j.split(' ').count());
            pats.push(j);
            payloads.push(payload);
        }
        let ac = (!pats.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .start_kind(StartKind::Both)
                .build(&pats)
                .expect("phrase automaton")
        });
        static NEXT_ID: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        Matcher {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            ac,
            payloads,
            case_sensitive,
            lens,
        }
    }

    /// Whether there are no phrases.
    pub fn is_empty(&self) -> bool {
        self.payloads.is_empty()
    }

    /// Every match in tokens `range`, leftmost-longest, whole tokens (an
    /// Arabic match may start after a fused proclitic).
    ///
    /// The extraction of one document asks for the same list over the same
    /// sentence many times (once per candidate event and field): the
    /// matches are kept in the text, by list and range, and found once.
    pub fn find<'m>(&'m self, t: &Text<'_>, range: std::ops::Range<usize>) -> Vec<Hit<'m, T>> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let key = (self.id, range.start, range.end);
        let cached = t.hits.borrow().get(&key).cloned();
        let found = cached.unwrap_or_else(|| {
            let found: std::rc::Rc<[RawHit]> = self.search(ac, t, range).into();
            t.hits.borrow_mut().insert(key, found.clone());
            found
        });
        found
            .iter()
            .map(|h| Hit {
                start: h.start as usize,
                end: h.end as usize,
                value: &self.payloads[h.pattern as usize],
                words: self.lens[h.pattern as usize],
            })
            .collect()
    }

    fn search(&self, ac: &AhoCorasick, t: &Text<'_>, range: std::ops::Range<usize>) -> Vec<RawHit> {
        // The whole document's tokens are joined once (every matcher reads
        // many ranges of the same text); a range is a slice of that join.
        let (s, all_starts) = t.joined.get_or_init(|| join_tokens(t, 0..t.tokens.len()));
        let s = s.as_str();
        let lo = all_starts.partition_point(|(_, i)| *i < range.start);
        let hi = all_starts.partition_point(|(_, i)| *i < range.end);
        let starts = &all_starts[lo..hi];
        let (Some(&(begin, _)), Some(&(last_b, last_i))) = (starts.first(), starts.last()) else {
            return Vec::new();
        };
        let end = last_b + surface(t.tok(last_i)).len();
        let token_at = |byte: usize| starts.partition_point(|(b, _)| *b <= byte).checked_sub(1);
        let mut out = Vec::new();
        // Overlapping search so that a match starting inside a token (after
        // a proclitic) is not hidden by a shorter match at the token start.
        let mut pos = begin;
        while pos < end {
            let Some(mut m) = ac.find(aho_corasick::Input::new(s).span(pos..end)) else {
                break;
            };
            // A longer phrase that runs into the middle of a token ("Mahdi
            // Army militia" in "Mahdi Army militiamen") hides the shorter
            // ones from the same start: retry those, ending at each earlier
            // token end in turn.
            let token_end = |j: usize| starts[j].0 + surface(t.tok(starts[j].1)).len();
            if let (Some(first), Some(last)) =
                (token_at(m.start()), token_at(m.end().saturating_sub(1)))
            {
                if m.end() != token_end(last) {
                    for j in (first..last).rev() {
                        let input = aho_corasick::Input::new(s)
                            .span(m.start()..token_end(j))
                            .anchored(Anchored::Yes);
                        if let Some(shorter) = ac.find(input).filter(|x| x.end() == token_end(j)) {
                            m = shorter;
                            break;
                        }
                    }
                }
            }
            let (Some(first), Some(last)) =
                (token_at(m.start()), token_at(m.end().saturating_sub(1)))
            else {
                break;
            };
            let (tok_start, tok_idx) = starts[first];
            let (last_start, last_idx) = starts[last];
            let last_end = last_start + surface(t.tok(last_idx)).len();
            let prefix = &s[tok_start..m.start()];
            let start_ok = prefix.is_empty() || PROCLITICS.contains(&prefix);
            let end_ok = m.end() == last_end;
            let id = m.pattern().as_usize();
            let case_ok = !self.case_sensitive[id] || {
                let orig = t.original_of(tok_idx, last_idx + 1);
                orig.chars()
                    .filter(|c| c.is_alphabetic())
                    .all(|c| c.is_uppercase())
            };
            if start_ok && end_ok && case_ok {
                out.push(RawHit {
                    start: tok_idx as u32,
                    end: last_idx as u32 + 1,
                    pattern: id as u32,
                });
                pos = m.end();
            } else {
                // Try again from the next character after this match's start.
                pos = m.start() + s[m.start()..].chars().next().map_or(1, char::len_utf8);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_phrases_are_inflected_for_number() {
        let rows: &[(&str, &[&str])] = &[
            (
                "عبوة ناسفة",
                &[
                    "عبوتين ناسفتين",
                    "عبوتان ناسفتان",
                    "عبوات ناسفة",
                    "العبوة الناسفة",
                ],
            ),
            (
                "سيارة مفخخة",
                &[
                    "سيارتين مفخختين",
                    "سيارتان مفخختان",
                    "سيارات مفخخة",
                    "السيارة المفخخة",
                ],
            ),
            (
                "هجوم",
                &[
                    "هجومين",
                    "هجومان",
                    "الهجوم",
                    "هجومه",
                    "هجومها",
                    "هجومهم",
                    "هجومهما",
                ],
            ),
            (
                "عملية",
                &[
                    "عمليتين",
                    "عمليتان",
                    "عمليات",
                    "العملية",
                    "عمليته",
                    "عمليتها",
                    "عمليتهم",
                    "عمليتهما",
                ],
            ),
            // A word with the article takes no other.
            (
                "الهجوم",
                &[
                    "الهجومين",
                    "الهجومان",
                    "الهجومه",
                    "الهجومها",
                    "الهجومهم",
                    "الهجومهما",
                ],
            ),
            // Short words, Latin script and long phrases are left alone.
            (
                "لغم",
                &[
                    "لغمين",
                    "لغمان",
                    "اللغم",
                    "لغمه",
                    "لغمها",
                    "لغمهم",
                    "لغمهما",
                ],
            ),
            ("فر", &[]),
            ("car bomb", &[]),
            ("قذيفة هاون على موقع", &[]),
        ];
        for (phrase, want) in rows {
            assert_eq!(arabic_inflections(phrase), *want, "{phrase}");
        }
        assert_eq!(
            arabic_verb_forms("أطلق النار")[..3],
            ["أطلق النار", "أطلقت النار", "أطلقوا النار"]
        );
        let forms = arabic_verb_forms("اغتال");
        for f in ["اغتالت", "اغتالوه", "يغتالون", "تغتال", "يغتاله"]
        {
            assert!(forms.iter().any(|g| g == f), "{f}");
        }
        let got =
            with_arabic_inflections(vec![("+اغتال".to_string(), 1), ("اغتال".to_string(), 2)]);
        assert_eq!(got.iter().filter(|(p, _)| p == "اغتال").count(), 1);
        assert!(got.contains(&("اغتال".to_string(), 2)));
        assert!(got.contains(&("يغتالون".to_string(), 1)));
        // A form the list gives outright keeps its own payload.
        let items = vec![("عبوة".to_string(), 1), ("عبوات".to_string(), 2)];
        let got = with_arabic_inflections(items);
        assert!(got.contains(&("عبوات".to_string(), 2)));
        assert!(!got.contains(&("عبوات".to_string(), 1)));
        assert!(got.contains(&("عبوتين".to_string(), 1)));
    }

    #[test]
    fn phrases_match_whole_tokens_across_punctuation_and_proclitics() {
        let m = Matcher::new([
            ("al-Qaeda".to_string(), "aq"),
            ("al-Qaeda in Iraq".to_string(), "aqi"),
            ("IS".to_string(), "is"),
            ("قوات سوريا الديمقراطية".to_string(), "sdf"),
            ("داعش".to_string(), "is"),
            ("Mahdi Army".to_string(), "mahdi"),
            ("Mahdi Army militia".to_string(), "mahdi militia"),
        ]);
        let rows: &[(&str, &[&str])] = &[
            ("Al Qaeda in Iraq claimed it", &["aqi"]),
            ("al-Qaeda's statement", &["aq"]),
            // A longer phrase ending inside a token does not hide a shorter
            // one from the same start.
            ("Mahdi Army militiamen attacked", &["mahdi"]),
            ("Mahdi Army militia attacked", &["mahdi militia"]),
            ("an al-Qaeda cell", &["aq"]),
            ("IS said it is behind it", &["is"]),
            (
                "هجوم لقوات سوريا الديمقراطية على مواقع داعش",
                &["sdf", "is"],
            ),
            ("وداعش", &["is"]),
            ("بداعشي", &[]),
        ];
        for (text, want) in rows {
            let t = Text::new(text);
            let got: Vec<&str> = m
                .find(&t, 0..t.tokens.len())
                .iter()
                .map(|h| *h.value)
                .collect();
            assert_eq!(got, *want, "{text}");
        }
    }
}
