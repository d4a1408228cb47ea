//! Numbers as reports write them: digits (Eastern Arabic digits arrive as
//! ASCII after normalization), words in English and Arabic ("twenty-three",
//! "two hundred", "ثلاثة"), vague quantities ("dozens", "عشرات") and the
//! qualifiers that make a figure approximate ("nearly 800", "at least 12").

use foldhash::HashMap;

use vigil_model::CountExactness;

use crate::text::{Kind, Text};

/// Number words of one knowledge base, normalized.
#[derive(Debug, Default, Clone)]
pub struct NumberWords {
    /// Phrase (tokens) → (value, exactness it implies: `Exact`, or `About`
    /// for conventional stand-ins like "dozens"), keyed by first token.
    pub words: HashMap<String, Vec<(Vec<String>, u32, CountExactness)>>,
    /// Multipliers ("hundred", "thousand", "مئه", "الف").
    pub multipliers: HashMap<String, u32>,
    /// Qualifier phrases (as token sequences) and the exactness they give.
    pub qualifiers: Vec<(Vec<String>, CountExactness)>,
}

/// A number found in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberPhrase {
    /// Its value (the floor for vague quantities).
    pub value: u32,
    /// How it was stated.
    pub exactness: CountExactness,
    /// First token (including a qualifier).
    pub start: usize,
    /// One past the last token.
    pub end: usize,
}

impl NumberWords {
    /// Adds a number word or phrase (already joined: tokens separated by
    /// single spaces). "hundred", "thousand" and "million" words also act
    /// as multipliers ("two hundred").
    pub fn add_word(&mut self, joined: &str, value: u32, exactness: CountExactness) {
        let toks: Vec<String> = joined.split(' ').map(str::to_string).collect();
        if toks.len() == 1
            && matches!(value, 100 | 1000 | 1_000_000)
            && exactness == CountExactness::Exact
        {
            self.multipliers.insert(toks[0].clone(), value);
        }
        let entry = self.words.entry(toks[0].clone()).or_default();
        entry.push((toks, value, exactness));
        entry.sort_by_key(|e| std::cmp::Reverse(e.0.len()));
    }

    /// The number word or phrase at token `j`: value, exactness, end.
    fn word_at(
        &self,
        text: &Text<'_>,
        j: usize,
        strip_waw: bool,
    ) -> Option<(u32, CountExactness, usize)> {
        let first = text.tok(j);
        let first = if strip_waw {
            first.strip_prefix('و')?
        } else {
            first
        };
        let cands = self.words.get(first)?;
        cands.iter().find_map(|(toks, v, e)| {
            let n = toks.len();
            let fits = j + n <= text.tokens.len() && (1..n).all(|k| text.tok(j + k) == toks[k]);
            fits.then_some((*v, *e, j + n))
        })
    }

    /// The number starting at token `i` (a qualifier, then digits or
    /// words), if any.
    pub fn parse_at(&self, text: &Text<'_>, i: usize) -> Option<NumberPhrase> {
        let (qualifier, at) = self.qualifier_at(text, i);
        let (value, mut exactness, end) = self.bare_at(text, at)?;
        if let Some(q) = qualifier {
            // "about dozens" stays vague; "at least 12" is a floor.
            if exactness == CountExactness::Exact {
                exactness = q;
            }
        }
        Some(NumberPhrase {
            value,
            exactness,
            start: i,
            end,
        })
    }

    fn qualifier_at(&self, text: &Text<'_>, i: usize) -> (Option<CountExactness>, usize) {
        for (words, exactness) in &self.qualifiers {
            let n = words.len();
            if i + n <= text.tokens.len() && (0..n).all(|k| text.tok(i + k) == words[k]) {
                return (Some(*exactness), i + n);
            }
        }
        (None, i)
    }

    /// A number without qualifier: value, exactness, end token.
    fn bare_at(&self, text: &Text<'_>, i: usize) -> Option<(u32, CountExactness, usize)> {
        if i >= text.tokens.len() {
            return None;
        }
        if text.kind(i) == Kind::Number {
            let digits: String = text.tok(i).chars().filter(char::is_ascii_digit).collect();
            // "3.5" is not a head count; "1,200" is 1200.
            if text.tok(i).contains('.') {
                return None;
            }
            let mut value: u32 = digits.parse().ok()?;
            let mut end = i + 1;
            if let Some(m) = text
                .tokens
                .get(end)
                .and_then(|_| self.multipliers.get(text.tok(end)))
            {
                value = value.saturating_mul(*m);
                end += 1;
            }
            return Some((value, CountExactness::Exact, end));
        }
        // Words: a run of number words and multipliers, joined by "-", "and"
        // or Arabic "و" ("twenty-three", "one hundred and five", "خمسه وعشرون").
        let mut total: u32 = 0;
        let mut current: u32 = 0;
        let mut end = i;
        let mut j = i;
        let mut any = false;
        while j < text.tokens.len() {
            let w = text.tok(j);
            let found = self.word_at(text, j, false).or_else(|| {
                if any {
                    self.word_at(text, j, true)
                } else {
                    None
                }
            });
            if let Some((v, e, next)) = found.filter(|_| !self.multipliers.contains_key(w) || !any)
            {
                if e != CountExactness::Exact {
                    if any {
                        break;
                    }
                    return Some((v, e, next));
                }
                if self.multipliers.contains_key(w) && next == j + 1 {
                    // "hundred" alone: handled as a multiplier of 1.
                    current = current.max(1) * v;
                } else {
                    current += v;
                }
                any = true;
                j = next;
                end = j;
            } else if let Some(&m) = self.multipliers.get(w) {
                // "hundred" alone or "a hundred" means one hundred.
                let base = if current == 0 { 1 } else { current };
                if m >= 1000 {
                    total += base * m;
                    current = 0;
                } else {
                    current = base * m;
                }
                any = true;
                j += 1;
                end = j;
            } else if any && matches!(w, "-" | "and") {
                j += 1;
            } else {
                break;
            }
        }
        if !any {
            return None;
        }
        Some((total + current, CountExactness::Exact, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> NumberWords {
        let mut w = NumberWords::default();
        for (k, v) in [
            ("one", 1),
            ("two", 2),
            ("three", 3),
            ("five", 5),
            ("six", 6),
            ("nine", 9),
            ("twenty", 20),
            ("ثلاثه", 3),
            ("سته", 6),
            ("عشرون", 20),
            ("خمسه", 5),
            ("hundred", 100),
            ("thousand", 1000),
            ("a dozen", 12),
            ("احد عشر", 11),
        ] {
            w.add_word(k, v, CountExactness::Exact);
        }
        w.add_word("dozens", 24, CountExactness::About);
        w.qualifiers
            .push((vec!["at".into(), "least".into()], CountExactness::AtLeast));
        w.qualifiers
            .push((vec!["nearly".into()], CountExactness::About));
        w.qualifiers
            .push((vec!["نحو".into()], CountExactness::About));
        w
    }

    #[test]
    fn number_table() {
        let w = words();
        let rows: &[(&str, Option<(u32, CountExactness)>)] = &[
            ("12 people", Some((12, CountExactness::Exact))),
            ("1,200 people", Some((1200, CountExactness::Exact))),
            ("٣ اشخاص", Some((3, CountExactness::Exact))),
            ("twenty-three", Some((23, CountExactness::Exact))),
            ("one hundred and five", Some((105, CountExactness::Exact))),
            ("six people", Some((6, CountExactness::Exact))),
            ("two hundred", Some((200, CountExactness::Exact))),
            ("nine thousand", Some((9000, CountExactness::Exact))),
            ("at least 12", Some((12, CountExactness::AtLeast))),
            ("nearly 800", Some((800, CountExactness::About))),
            ("نحو 800", Some((800, CountExactness::About))),
            ("dozens of", Some((24, CountExactness::About))),
            ("a dozen", Some((12, CountExactness::Exact))),
            ("احد عشر شخصا", Some((11, CountExactness::Exact))),
            ("hundred", Some((100, CountExactness::Exact))),
            ("خمسه وعشرون", Some((25, CountExactness::Exact))),
            ("3.5 km", None),
            ("people", None),
        ];
        for (input, want) in rows {
            let t = Text::new(input);
            let got = w.parse_at(&t, 0).map(|n| (n.value, n.exactness));
            assert_eq!(got, *want, "{input}");
        }
    }
}
