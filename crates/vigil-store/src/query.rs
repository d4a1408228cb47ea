//! The search language analysts type, compiled to an FTS5 query over the
//! normalized columns.
//!
//! Words are ANDed; `"a phrase"`; `a OR b`; `-word` excludes; `word*` is a
//! prefix. Every term is normalized exactly as documents are, so `أكتوبر`
//! finds `اكتوبر`; an Arabic word also matches its light stem, so `الرقة`
//! finds `بالرقة`. Everything the user types ends up inside FTS5 string
//! literals: no input can inject FTS5 syntax.

use crate::StoreError;

/// The FTS5 query for a user's search text.
pub fn compile(input: &str) -> Result<String, StoreError> {
    let mut positive: Vec<String> = Vec::new();
    let mut negative: Vec<String> = Vec::new();
    let mut pending_or = false;
    for raw in split_terms(input) {
        if !raw.quoted && raw.text == "OR" {
            pending_or = !positive.is_empty();
            continue;
        }
        let (negated, text) = match raw.text.strip_prefix('-') {
            Some(rest) if !raw.quoted && !rest.is_empty() => (true, rest),
            _ => (false, raw.text.as_str()),
        };
        let (prefix, text) = match text.strip_suffix('*') {
            Some(rest) if !raw.quoted => (true, rest),
            _ => (false, text),
        };
        let Some(term) = term(text, prefix) else {
            continue;
        };
        if negated {
            negative.push(term);
        } else if pending_or {
            let last = positive.pop().unwrap_or_default();
            positive.push(format!("({last} OR {term})"));
            pending_or = false;
        } else {
            positive.push(term);
        }
    }
    if positive.is_empty() {
        return Err(StoreError::InvalidQuery(if negative.is_empty() {
            format!("{input:?} has no words to search for")
        } else {
            "a search needs at least one word to include, not only excluded ones".to_string()
        }));
    }
    let mut q = positive.join(" AND ");
    for n in negative {
        q = format!("({q}) NOT {n}");
    }
    Ok(q)
}

struct RawTerm {
    text: String,
    quoted: bool,
}

fn split_terms(input: &str) -> Vec<RawTerm> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_quote = false;
    for c in input.chars() {
        match c {
            '"' | '«' | '»' | '“' | '”' => {
                if in_quote || !cur.is_empty() {
                    out.push(RawTerm {
                        text: std::mem::take(&mut cur),
                        quoted: in_quote,
                    });
                }
                in_quote = !in_quote;
            }
            c if c.is_whitespace() && !in_quote => {
                if !cur.is_empty() {
                    out.push(RawTerm {
                        text: std::mem::take(&mut cur),
                        quoted: false,
                    });
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(RawTerm {
            text: cur,
            quoted: in_quote,
        });
    }
    out
}

/// One term: a phrase of its normalized tokens, or'ed with the stem column
/// for a single Arabic word.
fn term(text: &str, prefix: bool) -> Option<String> {
    let normalized = vigil_text::normalize(text);
    let toks: Vec<&str> = vigil_text::tokens(&normalized).collect();
    if toks.is_empty() {
        return None;
    }
    let phrase = quote(&toks.join(" "));
    if prefix {
        return Some(format!("{phrase}*"));
    }
    if let [one] = toks.as_slice() {
        let stem = vigil_text::light_stem_ar(one);
        if stem != *one {
            return Some(format!(
                "({phrase} OR stems : {} OR stems : {phrase})",
                quote(stem)
            ));
        }
        if is_arabic(one) {
            // The word may itself be a stem of indexed words (`رقه`).
            return Some(format!("({phrase} OR stems : {phrase})"));
        }
    }
    Some(phrase)
}

fn is_arabic(word: &str) -> bool {
    word.chars()
        .next()
        .is_some_and(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The stems column for a normalized text: the light stem of each Arabic
/// word that has one different from the word.
pub fn stems(normalized: &str) -> String {
    let mut out = String::new();
    for tok in vigil_text::tokens(normalized) {
        let stem = vigil_text::light_stem_ar(tok);
        if stem != tok {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(stem);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compile_table() {
        let rows: &[(&str, &str)] = &[
            ("Qamishli", r#""qamishli""#),
            ("car bomb", r#""car" AND "bomb""#),
            (r#""car bomb" prison"#, r#""car bomb" AND "prison""#),
            ("escape OR escaped", r#"("escape" OR "escaped")"#),
            ("camp -Hol", r#"("camp") NOT "hol""#),
            ("al-Hol", r#""al hol""#),
            ("priso*", r#""priso"*"#),
            ("الرقة", r#"("الرقه" OR stems : "رقه" OR stems : "الرقه")"#),
            ("٢٧", r#""27""#),
            (r#"x" OR 1=1 --"#, r#""x" AND "or 1 1""#),
        ];
        for (input, want) in rows {
            assert_eq!(compile(input).unwrap(), *want, "{input}");
        }
    }

    #[test]
    fn empty_and_negative_only_queries_are_errors() {
        assert!(compile("   ").is_err());
        assert!(compile("-camp")
            .unwrap_err()
            .to_string()
            .contains("at least one word"));
        assert!(compile("***").is_err());
    }

    #[test]
    fn stems_column_holds_only_changed_arabic_words() {
        assert_eq!(stems("هجوم بالرقه raqqa"), "رقه");
    }
}
