//! What a repost may change and still be the same publication.
//!
//! A forward, a repost or a wire re-running a story is a copy of a stored
//! publication only when the two texts are equal once framing is set
//! aside: hashtags, @handles, URLs, emoji, symbols and punctuation, the
//! framing words and the function words of `data/kb/framing.toml`. Every
//! other word counts, so two texts that differ in a number (digits or
//! words), a date, a place, an actor or a target have different
//! [`core_hash`]es and are never copies of each other. Word order counts
//! too: the key is the sequence of the words kept, not their set.
//!
//! ```
//! use vigil_text::{core_hash, normalize};
//! let key = |t: &str| core_hash(&normalize(t));
//! let claim = "مقتل 3 عناصر من قسد بتفجير عبوة في الشحيل";
//! assert_eq!(key(claim), key("#عاجل | مقتل 3 عناصر من قسد بتفجير عبوة في الشحيل 🔴 t.me/x"));
//! assert_ne!(key(claim), key("مقتل 4 عناصر من قسد بتفجير عبوة في الشحيل"));
//! assert_ne!(key(claim), key("مقتل 3 عناصر من قسد بتفجير عبوة في البصيرة"));
//! ```

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::Deserialize;
use vigil_model::ContentHash;

use crate::dedup::content_hash;
use crate::normalize::{normalize, tokens};

/// The bundled list (`data/kb/framing.toml`).
pub const FRAMING_TOML: &str = include_str!("../../../data/kb/framing.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FramingFile {
    framing: Vec<String>,
    stopwords: Stopwords,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stopwords {
    en: Vec<String>,
    ar: Vec<String>,
}

/// The framing words and stopwords, normalized.
#[derive(Debug, Clone, Default)]
pub struct Framing {
    /// Framing phrases as word sequences, longest first.
    phrases: Vec<Vec<String>>,
    /// Single words set aside (one-word framing entries and stopwords).
    words: HashSet<String>,
}

impl Framing {
    /// Parses and checks a framing file; `path` names it in errors. An
    /// entry must hold a word, no digit, and appear once (after
    /// normalization); a stopword is one word.
    pub fn from_toml(path: &str, text: &str) -> Result<Framing, String> {
        let f: FramingFile = toml::from_str(text).map_err(|e| format!("{path}: {e}"))?;
        let mut seen = HashSet::new();
        let mut out = Framing::default();
        let lists = [("framing", &f.framing), ("stopwords.en", &f.stopwords.en)];
        for (list, entries) in lists.into_iter().chain([("stopwords.ar", &f.stopwords.ar)]) {
            for e in entries {
                let words: Vec<String> = tokens(&normalize(e)).map(str::to_string).collect();
                if words.is_empty() {
                    return Err(format!("{path}: {list}: {e:?} holds no word"));
                }
                if words.iter().any(|w| w.chars().any(|c| c.is_numeric())) {
                    return Err(format!(
                        "{path}: {list}: {e:?} holds a digit (numbers always count)"
                    ));
                }
                if !seen.insert(words.join(" ")) {
                    return Err(format!(
                        "{path}: {list}: {e:?} is listed twice (after normalization)"
                    ));
                }
                if list != "framing" && words.len() > 1 {
                    return Err(format!("{path}: {list}: {e:?}: a stopword is one word"));
                }
                if words.len() == 1 {
                    out.words
                        .insert(words.into_iter().next().unwrap_or_default());
                } else {
                    out.phrases.push(words);
                }
            }
        }
        out.phrases.sort_by_key(|p| std::cmp::Reverse(p.len()));
        Ok(out)
    }

    /// The bundled list, parsed once.
    pub fn bundled() -> &'static Framing {
        static BUNDLED: OnceLock<Framing> = OnceLock::new();
        BUNDLED.get_or_init(|| {
            Framing::from_toml("data/kb/framing.toml", FRAMING_TOML)
                .expect("the bundled framing list is valid")
        })
    }

    /// Every single word this list sets aside (for cross-checks against
    /// other lists, such as number words).
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.words
            .iter()
            .map(String::as_str)
            .chain(self.phrases.iter().flatten().map(String::as_str))
    }

    /// The words of a normalized text that make it the publication it is:
    /// its words without hashtags, @handles, URLs, framing words and
    /// stopwords, in order. Emoji, symbols and punctuation are not words.
    pub fn core_words<'a>(&self, normalized: &'a str) -> Vec<&'a str> {
        let mut words: Vec<&'a str> = Vec::new();
        for chunk in normalized.split(' ') {
            if is_tag_or_link(chunk) {
                continue;
            }
            words.extend(tokens(chunk));
        }
        let mut out = Vec::with_capacity(words.len());
        let mut i = 0;
        'next: while i < words.len() {
            for p in &self.phrases {
                if words.len() - i >= p.len() && p.iter().zip(&words[i..]).all(|(a, b)| a == b) {
                    i += p.len();
                    continue 'next;
                }
            }
            if !self.words.contains(words[i]) {
                out.push(words[i]);
            }
            i += 1;
        }
        out
    }

    /// [`core_hash`] under this list.
    pub fn core_hash(&self, normalized: &str) -> ContentHash {
        let words = self.core_words(normalized);
        if words.is_empty() {
            // A text of framing alone ("#breaking"): only the same text
            // is the same post.
            return content_hash(normalized);
        }
        content_hash(&format!("core:{}", words.join(" ")))
    }
}

/// Whether a space-separated chunk of normalized text is a hashtag, an
/// @handle or a link (with whatever punctuation clings to it).
fn is_tag_or_link(chunk: &str) -> bool {
    let c = chunk.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '#' && c != '@');
    c.starts_with('#')
        || c.starts_with('@')
        || c.contains("://")
        || c.starts_with("www.")
        || c.starts_with("t.me/")
}

/// The key under which texts that differ only in framing are equal: the
/// digest of [`Framing::core_words`] with the bundled list (the digest of
/// the whole normalized text when nothing but framing is left).
pub fn core_hash(normalized: &str) -> ContentHash {
    Framing::bundled().core_hash(normalized)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(t: &str) -> ContentHash {
        core_hash(&normalize(t))
    }

    /// (name, a, b, same publication's text?)
    const CASES: &[(&str, &str, &str, bool)] = &[
        (
            "identical",
            "Five SDF fighters killed in Shuhayl",
            "Five SDF fighters killed in Shuhayl",
            true,
        ),
        (
            "hashtag added",
            "Five SDF fighters killed in Shuhayl",
            "#Breaking Five SDF fighters killed in Shuhayl #Syria",
            true,
        ),
        (
            "handle and link",
            "Five SDF fighters killed in Shuhayl",
            "Five SDF fighters killed in Shuhayl via @amaq_news https://t.me/x/1",
            true,
        ),
        (
            "emoji and punctuation",
            "Five SDF fighters killed in Shuhayl",
            "🔴 Five SDF fighters killed — in Shuhayl!!",
            true,
        ),
        (
            "function words",
            "Five SDF fighters were killed in Shuhayl",
            "Five SDF fighters killed at Shuhayl",
            true,
        ),
        (
            "framing words ar",
            "مقتل خمسة عناصر من قسد في الشحيل",
            "عاجل: مقتل خمسة عناصر من قسد في الشحيل - المصدر",
            true,
        ),
        (
            "a credit line",
            "مقتل خمسة عناصر من قسد في الشحيل",
            "📌 نقلا عن القناة الرسمية: مقتل خمسة عناصر من قسد في الشحيل",
            true,
        ),
        (
            "a statement label",
            "مقتل خمسة عناصر من قسد في الشحيل",
            "بيان: مقتل خمسة عناصر من قسد في الشحيل",
            true,
        ),
        (
            "forwarded from",
            "مقتل خمسة عناصر من قسد في الشحيل",
            "Forwarded from ولاية الخير: مقتل خمسة عناصر من قسد في الشحيل",
            false,
        ),
        (
            "number digits",
            "مقتل 5 عناصر من قسد في الشحيل",
            "مقتل 6 عناصر من قسد في الشحيل",
            false,
        ),
        (
            "number words",
            "مقتل خمسة عناصر من قسد في الشحيل",
            "مقتل ستة عناصر من قسد في الشحيل",
            false,
        ),
        ("eastern digits fold", "مقتل ٥ عناصر", "مقتل 5 عناصر", true),
        (
            "village",
            "مقتل خمسة عناصر من قسد في الشحيل",
            "مقتل خمسة عناصر من قسد في البصيرة",
            false,
        ),
        (
            "date",
            "Five SDF fighters killed in Shuhayl on 9 October",
            "Five SDF fighters killed in Shuhayl on 10 October",
            false,
        ),
        (
            "month",
            "killed on 9 October",
            "killed on 9 November",
            false,
        ),
        (
            "actor",
            "IS claimed the attack",
            "HTS claimed the attack",
            false,
        ),
        (
            "negation",
            "The group claimed the attack",
            "The group did not claim the attack",
            false,
        ),
        (
            "english number words",
            "two soldiers killed",
            "three soldiers killed",
            false,
        ),
        ("word order", "SDF attacked IS", "IS attacked SDF", false),
        ("framing only", "#breaking", "#urgent", false),
    ];

    #[test]
    fn framing_cases() {
        for (name, a, b, same) in CASES {
            assert_eq!(key(a) == key(b), *same, "{name}: {a:?} vs {b:?}");
        }
    }

    #[test]
    fn bundled_list_is_valid() {
        let f = Framing::bundled();
        assert!(f.words.contains("عاجل"));
        assert!(f.phrases.iter().any(|p| p == &["forwarded", "from"]));
    }

    #[test]
    fn bad_lists_are_refused() {
        let bad = [
            (
                r#"framing = ["10 things"]
[stopwords]
en = []
ar = []"#,
                "digit",
            ),
            (
                r#"framing = ["via", "VIA"]
[stopwords]
en = []
ar = []"#,
                "twice",
            ),
            (
                r#"framing = []
[stopwords]
en = ["of the"]
ar = []"#,
                "one word",
            ),
            (
                r#"framing = []
[stopwords]
en = []"#,
                "ar",
            ),
        ];
        for (text, why) in bad {
            let e = Framing::from_toml("f.toml", text).unwrap_err();
            assert!(e.contains(why), "{e}");
        }
    }
}
