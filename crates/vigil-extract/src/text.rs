//! The analysed text: normalized form, tokens with offsets back to the
//! original, and sentences.

use vigil_model::Span;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Letters (and apostrophes inside a word: `qa'ida`).
    Word,
    /// Digits, with `,` or `.` between digit groups (`1,200`, `3.5`).
    Number,
    /// One punctuation character.
    Punct,
}

/// A token of the normalized text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte range in the normalized text.
    pub start: usize,
    /// End of the byte range (exclusive).
    pub end: usize,
    /// What it is.
    pub kind: Kind,
}

/// A document ready for extraction.
#[derive(Debug)]
pub struct Text<'a> {
    /// The original text.
    pub original: &'a str,
    /// The normalized text (see `vigil_text::normalize`).
    pub norm: String,
    /// For each byte of `norm` (and its end), the original char index.
    map: Vec<u32>,
    /// Byte offset in `original` of each char, and its length at the end:
    /// slicing by char span without walking the text from its start.
    char_starts: Vec<u32>,
    /// Tokens of `norm`, in order.
    pub tokens: Vec<Token>,
    /// Sentences as token index ranges.
    pub sentences: Vec<std::ops::Range<usize>>,
    /// Every token joined as phrase matching reads them, with the byte
    /// offset and index of each token: built on the first match, once per
    /// document (see `matcher::Matcher::find`).
    pub(crate) joined: std::cell::OnceCell<(String, Vec<(usize, usize)>)>,
    /// Phrase matches found so far, by list and token range (see
    /// `matcher::Matcher::find`).
    pub(crate) hits: std::cell::RefCell<HitCache>,
}

/// Matches of a phrase list (by its id) over a token range.
pub(crate) type HitCache =
    foldhash::HashMap<(usize, usize, usize), std::rc::Rc<[crate::matcher::RawHit]>>;

/// Words after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "sgt", "capt", "cpt", "st", "no", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "vs", "etc",
    "inc", "co", "corp", "jr", "sr", "gov", "sen", "rep", "brig", "cpl", "pvt", "adm", "cmdr",
    "pres", "approx", "est", "fig", "mt", "ft",
];

impl<'a> Text<'a> {
    /// Normalizes, tokenizes and splits a text into sentences.
    pub fn new(original: &'a str) -> Text<'a> {
        let (norm, map) = vigil_text::normalize_with_offsets(original);
        let tokens = tokenize(&norm);
        let char_starts = original
            .char_indices()
            .map(|(b, _)| b as u32)
            .chain([original.len() as u32])
            .collect();
        let mut text = Text {
            original,
            norm,
            map,
            char_starts,
            tokens,
            sentences: Vec::new(),
            joined: std::cell::OnceCell::new(),
            hits: Default::default(),
        };
        text.sentences = text.split_sentences();
        text
    }

    /// The normalized text of a token.
    pub fn tok(&self, i: usize) -> &str {
        let t = self.tokens[i];
        &self.norm[t.start..t.end]
    }

    /// The token's kind.
    pub fn kind(&self, i: usize) -> Kind {
        self.tokens[i].kind
    }

    /// The span in the original text (in chars) of tokens `a..b`.
    pub fn span(&self, a: usize, b: usize) -> Span {
        let start = self.map[self.tokens[a].start] as usize;
        let end = self.map[self.tokens[b - 1].end - 1] as usize + 1;
        Span { start, end }
    }

    /// The original text of tokens `a..b`.
    pub fn original_of(&self, a: usize, b: usize) -> &str {
        let s = self.span(a, b);
        self.original_chars(s.start, s.end)
    }

    /// The original text of chars `from..to` (clamped to the text).
    fn original_chars(&self, from: usize, to: usize) -> &str {
        &self.original[self.byte_of(from)..self.byte_of(to.max(from))]
    }

    /// The byte offset in the original text of char `c` (the text's length
    /// past its end).
    pub fn byte_of(&self, c: usize) -> usize {
        self.char_starts[c.min(self.char_starts.len() - 1)] as usize
    }

    /// The span (in chars) of a sentence.
    pub fn sentence_span(&self, sentence: usize) -> Span {
        let r = &self.sentences[sentence];
        self.span(r.start, r.end)
    }

    /// The sentence containing token `i`.
    pub fn sentence_of(&self, i: usize) -> usize {
        self.sentences.partition_point(|r| r.end <= i)
    }

    /// Whether the original text has a line break between tokens `i` and
    /// `i + 1`.
    fn line_break_after(&self, i: usize) -> bool {
        let (Some(a), Some(b)) = (self.tokens.get(i), self.tokens.get(i + 1)) else {
            return false;
        };
        let from = self.map[a.end - 1] as usize + 1;
        let to = self.map[b.start] as usize;
        self.original_chars(from, to).contains('\n')
    }

    fn split_sentences(&self) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        for i in 0..self.tokens.len() {
            let boundary = match (self.kind(i), self.tok(i)) {
                (Kind::Punct, "!" | "?" | "…") => true,
                (Kind::Punct, ".") => {
                    let prev = i.checked_sub(1).map(|p| (self.kind(p), self.tok(p)));
                    let abbreviation = match prev {
                        Some((Kind::Word, w)) => {
                            ABBREVIATIONS.contains(&w) || w.chars().count() == 1
                        }
                        _ => false,
                    };
                    // "3.5" never gets here (one token); "U.S." ends only at
                    // the last dot, and not even there before a lower-case
                    // continuation, which normalization hides, so accept it.
                    !abbreviation
                }
                _ => false,
            } || self.line_break_after(i);
            if boundary {
                if i + 1 > start {
                    out.push(start..i + 1);
                }
                start = i + 1;
            }
        }
        if start < self.tokens.len() {
            out.push(start..self.tokens.len());
        }
        out
    }
}

fn tokenize(norm: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = norm.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let end_of = |j: usize| chars.get(j).map_or(norm.len(), |x| x.0);
        if c.is_ascii_digit() {
            let mut j = i + 1;
            while j < chars.len() {
                let d = chars[j].1;
                let joins = (d == ',' || d == '.')
                    && chars.get(j + 1).is_some_and(|n| n.1.is_ascii_digit());
                if d.is_ascii_digit() || joins {
                    j += if joins { 2 } else { 1 };
                } else {
                    break;
                }
            }
            out.push(Token {
                start,
                end: end_of(j),
                kind: Kind::Number,
            });
            i = j;
        } else if vigil_text::is_alphanumeric(c) {
            let mut j = i + 1;
            while j < chars.len() {
                let d = chars[j].1;
                let apostrophe = matches!(d, '\'' | '’' | 'ʼ' | '‘')
                    && chars.get(j + 1).is_some_and(|n| n.1.is_alphabetic());
                if (vigil_text::is_alphanumeric(d) && !d.is_ascii_digit())
                    || is_mark(d)
                    || apostrophe
                {
                    j += 1;
                } else {
                    break;
                }
            }
            // A possessive is a word of its own: "Iraq's" is "Iraq" + "'s".
            let possessive =
                j >= i + 3 && matches!(chars[j - 2].1, '\'' | '’' | 'ʼ') && chars[j - 1].1 == 's';
            if possessive {
                out.push(Token {
                    start,
                    end: end_of(j - 2),
                    kind: Kind::Word,
                });
                out.push(Token {
                    start: end_of(j - 2),
                    end: end_of(j),
                    kind: Kind::Word,
                });
            } else {
                out.push(Token {
                    start,
                    end: end_of(j),
                    kind: Kind::Word,
                });
            }
            i = j;
        } else {
            out.push(Token {
                start,
                end: end_of(i + 1),
                kind: Kind::Punct,
            });
            i += 1;
        }
    }
    out
}

fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn possessive_is_its_own_token() {
        let t = Text::new("Iraq's oil, Baghdad’s markets, Qa'ida, it's");
        let toks: Vec<&str> = (0..t.tokens.len()).map(|i| t.tok(i)).collect();
        assert_eq!(
            toks,
            [
                "iraq", "'s", "oil", ",", "baghdad", "’s", "markets", ",", "qa'ida", ",", "it",
                "'s"
            ]
        );
    }

    #[test]
    fn tokens_keep_numbers_and_apostrophes_whole() {
        let t = Text::new("Al-Qa'ida killed 1,200; ٣ wounded.");
        let toks: Vec<&str> = (0..t.tokens.len()).map(|i| t.tok(i)).collect();
        assert_eq!(
            toks,
            ["al", "-", "qa'ida", "killed", "1,200", ";", "3", "wounded", "."]
        );
        assert_eq!(t.kind(4), Kind::Number);
        assert_eq!(t.original_of(6, 8), "٣ wounded");
    }

    #[test]
    fn sentences_split_on_stops_and_line_breaks_not_abbreviations() {
        let t =
            Text::new("IRAQ.  Gunmen shot Lt. Col. Ali near the U.S. base. Two died\nAnother line");
        let sents: Vec<&str> = (0..t.sentences.len())
            .map(|s| {
                let r = t.sentences[s].clone();
                t.original_of(r.start, r.end)
            })
            .collect();
        assert_eq!(
            sents,
            [
                "IRAQ.",
                "Gunmen shot Lt. Col. Ali near the U.S. base.",
                "Two died",
                "Another line"
            ]
        );
        assert_eq!(t.sentence_of(3), 1);
    }
}
