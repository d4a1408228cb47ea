//! Normalization: the folded form of text that search indexes, hashes
//! compare and extraction matches against.

use unicode_normalization::UnicodeNormalization;

/// What one character becomes in the normalized form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folded {
    /// Kept, possibly replaced (`أ` → `ا`, `A` → `a`, `٣` → `3`).
    Char(char),
    /// Whitespace: runs collapse to one space.
    Space,
    /// Dropped (diacritics, tatweel, zero-width and bidi controls).
    Drop,
}

/// Folds one character (already NFKC-composed): the per-character rule of
/// [`normalize`], exposed so that extraction can fold while keeping offsets.
pub fn fold_char(c: char) -> Folded {
    match c {
        // Arabic harakat, shadda, sukun, superscript alef, Quranic marks.
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' => Folded::Drop,
        // Tatweel (kashida) stretches words for layout only.
        '\u{0640}' => Folded::Drop,
        // Zero-width characters, bidi marks and overrides, BOM: invisible,
        // and a hostile text can hide words with them.
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}'
        | '\u{00AD}' => Folded::Drop,
        // Alef with hamza above/below, madda, wasla → bare alef.
        'أ' | 'إ' | 'آ' | 'ٱ' => Folded::Char('ا'),
        // Alef maksura and Farsi yeh → yeh; yeh with hamza → yeh.
        'ى' | 'ی' | 'ئ' => Folded::Char('ي'),
        // Teh marbuta → heh: writers use them interchangeably at word end.
        'ة' => Folded::Char('ه'),
        // Waw with hamza → waw.
        'ؤ' => Folded::Char('و'),
        // Keheh (Persian/Kurdish kaf) → kaf.
        'ک' => Folded::Char('ك'),
        // Eastern Arabic and Persian digits → ASCII digits.
        '\u{0660}'..='\u{0669}' => Folded::Char(digit(c as u32 - 0x0660)),
        '\u{06F0}'..='\u{06F9}' => Folded::Char(digit(c as u32 - 0x06F0)),
        // Arabic punctuation → its Latin counterpart, so tokenizers agree.
        '،' => Folded::Char(','),
        '؛' => Folded::Char(';'),
        '؟' => Folded::Char('?'),
        '٪' => Folded::Char('%'),
        c if c.is_whitespace() => Folded::Space,
        c if c.is_control() => Folded::Space,
        c => {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                // One-to-one lowercase (nearly every letter).
                (Some(l), None) => Folded::Char(l),
                // Multi-char lowercase (İ → i̇): keep the base letter.
                (Some(l), Some(_)) => Folded::Char(l),
                _ => Folded::Char(c),
            }
        }
    }
}

fn digit(n: u32) -> char {
    char::from_digit(n, 10).unwrap_or('0')
}

/// The normalized form of a text: NFKC (which also resolves Arabic
/// presentation forms and ligatures), Arabic diacritics and tatweel
/// removed, alef/yeh/teh-marbuta/hamza variants folded, Eastern Arabic
/// digits mapped to ASCII, case folded, invisible controls dropped and
/// whitespace collapsed to single spaces.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfkc() {
        match fold_char(c) {
            Folded::Drop => {}
            Folded::Space => pending_space = !out.is_empty(),
            Folded::Char(c) => {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                out.push(c);
            }
        }
    }
    out
}

/// [`normalize`], also returning for every byte of the normalized text the
/// index (in chars) of the original character it came from, plus one entry
/// for the end, so that spans found in the normalized text map back to the
/// original. NFKC is applied character by character here, which differs
/// from [`normalize`] only where NFKC would compose across characters (a
/// base letter and a separate combining accent).
pub fn normalize_with_offsets(text: &str) -> (String, Vec<u32>) {
    let mut out = String::with_capacity(text.len());
    let mut map: Vec<u32> = Vec::with_capacity(text.len() + 1);
    let mut pending_space: Option<u32> = None;
    let mut total = 0u32;
    for (i, orig) in text.chars().enumerate() {
        let i = i as u32;
        total = i + 1;
        // Letters, digits and punctuation of ASCII: lower case, nothing else.
        if orig.is_ascii_graphic() && pending_space.is_none() {
            out.push(orig.to_ascii_lowercase());
            map.push(i);
            continue;
        }
        let mut fold = |c: char| match fold_char(c) {
            Folded::Drop => {}
            Folded::Space => {
                if !out.is_empty() && pending_space.is_none() {
                    pending_space = Some(i);
                }
            }
            Folded::Char(c) => {
                if let Some(at) = pending_space.take() {
                    out.push(' ');
                    map.push(at);
                }
                let before = out.len();
                out.push(c);
                map.extend(std::iter::repeat_n(i, out.len() - before));
            }
        };
        if nfkc_stable(orig) {
            fold(orig);
        } else {
            std::iter::once(orig).nfkc().for_each(fold);
        }
    }
    map.push(total);
    (out, map)
}

/// Whether NFKC leaves a char alone, answered without the tables for
/// ASCII and the basic Arabic letters: most of what Vigil reads.
fn nfkc_stable(c: char) -> bool {
    c.is_ascii() || matches!(c, '\u{0621}'..='\u{064A}')
}

/// The words of a normalized text: maximal runs of letters, marks and
/// digits (so `ar-Raqqa` gives `ar`, `raqqa`, and `2019-10-09` gives three
/// numbers).
pub fn tokens(normalized: &str) -> impl Iterator<Item = &str> {
    normalized
        .split(|c: char| !(is_alphanumeric(c) || is_mark(c)))
        .filter(|t| !t.is_empty())
}

/// [`char::is_alphanumeric`], with the basic Arabic letters answered
/// first: the standard library looks every non-ASCII char up in its
/// tables, and half the text Vigil reads is Arabic.
pub fn is_alphanumeric(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{064A}') || c.is_alphanumeric()
}

fn is_mark(c: char) -> bool {
    // Combining marks that survive normalization (e.g. the dot of i̇).
    matches!(c, '\u{0300}'..='\u{036F}')
}

/// Prefixes stripped by [`light_stem_ar`], longest first: the article and
/// the conjunctions/prepositions that fuse with it.
const AR_PREFIXES: &[&str] = &["وال", "بال", "كال", "فال", "لل", "ال", "و", "ب", "ل", "ف"];
/// Suffixes stripped by [`light_stem_ar`], longest first: plural, dual,
/// feminine and possessive endings.
const AR_SUFFIXES: &[&str] = &["هما", "ات", "ان", "ون", "ين", "يه", "ها", "هم", "ه", "ي"];

/// A light stem of a normalized Arabic word, for search only: the article
/// and fused prepositions are stripped from the front (`بالرقه` → `رقه`) and
/// common endings from the back, keeping at least three letters. This is
/// deliberately light (after Larkey et al.'s light10): it lets a search for
/// `الرقة` find `بالرقة` without conflating roots.
pub fn light_stem_ar(word: &str) -> &str {
    if !word.chars().next().is_some_and(is_arabic_letter) {
        return word;
    }
    let letters = |s: &str| s.chars().count();
    let mut w = word;
    for p in AR_PREFIXES {
        if let Some(rest) = w.strip_prefix(p) {
            // One-letter prefixes only before a word long enough that the
            // letter is unlikely to be part of the root.
            let min = if p.chars().count() == 1 { 4 } else { 2 };
            if letters(rest) >= min {
                w = rest;
                break;
            }
        }
    }
    for s in AR_SUFFIXES {
        if let Some(rest) = w.strip_suffix(s) {
            if letters(rest) >= 3 {
                w = rest;
                break;
            }
        }
    }
    w
}

fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0620}'..='\u{064A}' | '\u{066E}'..='\u{06D3}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chars_taken_as_stable_are_left_alone_by_nfkc() {
        for c in (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| nfkc_stable(c))
        {
            let mut n = std::iter::once(c).nfkc();
            assert_eq!((n.next(), n.next()), (Some(c), None), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn ascii_letters_digits_and_punctuation_fold_to_lower_case_only() {
        // The shortcut of `normalize_with_offsets`.
        for c in (0u8..=127).map(char::from).filter(char::is_ascii_graphic) {
            assert_eq!(fold_char(c), Folded::Char(c.to_ascii_lowercase()), "{c:?}");
        }
    }

    #[test]
    fn alphanumeric_as_the_standard_library_says() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn normalization_table() {
        let rows: &[(&str, &str, &str)] = &[
            ("diacritics", "قُتِلَ", "قتل"),
            ("tatweel", "الرقـــة", "الرقه"),
            ("alef variants", "أإآٱ", "اااا"),
            ("alef maksura", "مستشفى", "مستشفي"),
            ("teh marbuta", "مدينة", "مدينه"),
            ("hamza carriers", "مسؤول رئيس", "مسوول رييس"),
            ("eastern digits", "٢٧ هجوما", "27 هجوما"),
            ("persian digits", "۱۲", "12"),
            ("english case", "Islamic STATE", "islamic state"),
            ("whitespace", "  a \t\n b  ", "a b"),
            ("bidi override", "ab\u{202E}cd", "abcd"),
            ("zero width", "داع\u{200C}ش", "داعش"),
            ("presentation forms", "\u{FEFB}", "لا"),
            ("arabic comma", "الحسكة، القامشلي", "الحسكه, القامشلي"),
            ("turkish dotted I keeps the base letter", "İdlib", "idlib"),
        ];
        for (name, input, want) in rows {
            assert_eq!(normalize(input), *want, "{name}");
        }
    }

    #[test]
    fn normalization_is_idempotent_on_samples() {
        for s in [
            "أعلنت قوات سوريا الديمقراطية",
            "Ras al-Ain (Serêkaniyê)",
            "٩ أكتوبر",
        ] {
            let once = normalize(s);
            assert_eq!(normalize(&once), once);
        }
    }

    #[test]
    fn offsets_map_normalized_bytes_back_to_original_chars() {
        for text in [
            "  Three  killed in QAMISHLI",
            "قُتِلَ ٣ أشخاص في الرقّة",
            "a\u{202E}b",
        ] {
            let (norm, map) = normalize_with_offsets(text);
            assert_eq!(norm, normalize(text), "{text}");
            assert_eq!(map.len(), norm.len() + 1);
        }
        let text = "Killed in  الرقّة today";
        let (norm, map) = normalize_with_offsets(text);
        let start = norm.find("الرقه").unwrap();
        let end = start + "الرقه".len();
        let chars: Vec<char> = text.chars().collect();
        let back: String = chars[map[start] as usize..map[end - 1] as usize + 1]
            .iter()
            .collect();
        assert_eq!(back, "الرقّة");
    }

    #[test]
    fn tokens_split_on_punctuation() {
        let t: Vec<_> = tokens("ras al-ain, 2019-10-09: الرقه").collect();
        assert_eq!(t, ["ras", "al", "ain", "2019", "10", "09", "الرقه"]);
    }

    #[test]
    fn light_stem_table() {
        let rows: &[(&str, &str)] = &[
            ("الرقه", "رقه"),
            ("بالرقه", "رقه"),
            ("والقامشلي", "قامشل"),
            ("القامشلي", "قامشل"),
            ("هجمات", "هجم"),
            ("مقاتلين", "مقاتل"),
            ("قتل", "قتل"),
            ("بيت", "بيت"),
            ("raqqa", "raqqa"),
        ];
        for (word, want) in rows {
            assert_eq!(light_stem_ar(word), *want, "{word}");
        }
    }
}
