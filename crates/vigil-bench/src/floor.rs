//! The floor: one aho-corasick pass over a text for every name Vigil's
//! extraction looks for (all gazetteer spellings, the knowledge base's
//! trigger words and cues, actor names and aliases). It is the cheapest
//! conceivable reading of the text: no normalization, no tokens, no
//! resolution, no classification. Vigil's extraction time is reported as a
//! multiple of it.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use vigil_geo::{Gazetteer, PlaceIdx};

/// The floor automaton and what went into it.
#[derive(Debug)]
pub struct Floor {
    ac: AhoCorasick,
    /// Gazetteer names (distinct, lower-cased).
    pub place_names: usize,
    /// Knowledge-base words (triggers, cues, actor names and aliases).
    pub kb_words: usize,
}

/// Every string in the arrays and string fields of a TOML document whose
/// key is one of `keys` (any key when `keys` is empty).
fn toml_strings(text: &str, keys: &[&str], out: &mut Vec<String>) {
    fn walk(v: &toml::Value, key: &str, keys: &[&str], out: &mut Vec<String>) {
        let wanted = keys.is_empty() || keys.contains(&key);
        match v {
            toml::Value::String(s) if wanted => out.push(s.clone()),
            toml::Value::Array(a) => a.iter().for_each(|x| walk(x, key, keys, out)),
            toml::Value::Table(t) => t.iter().for_each(|(k, x)| walk(x, k, keys, out)),
            _ => {}
        }
    }
    if let Ok(v) = text.parse::<toml::Table>() {
        for (k, x) in &v {
            walk(x, k, keys, out);
        }
    }
}

impl Floor {
    /// The floor over `gaz` and the bundled knowledge base. Names shorter
    /// than 3 characters are left out, as Vigil's name spotting leaves out
    /// single tokens that short.
    pub fn new(gaz: &Gazetteer) -> Floor {
        let mut names: Vec<String> = Vec::with_capacity(gaz.name_count());
        for i in 0..gaz.len() {
            for n in gaz.names_of(i as PlaceIdx) {
                if n.chars().count() >= 3 {
                    names.push(n.to_lowercase());
                }
            }
        }
        names.sort_unstable();
        names.dedup();
        let place_names = names.len();
        let mut kb = Vec::new();
        let files = vigil_extract::kb::KbFiles::bundled();
        toml_strings(
            files.get("actors.toml").1,
            &["name", "aliases", "aliases_ar"],
            &mut kb,
        );
        toml_strings(files.get("typology.toml").1, &[], &mut kb);
        toml_strings(files.get("claims.toml").1, &[], &mut kb);
        kb.retain(|w| w.chars().count() >= 2 && w.len() < 80);
        let kb_words = kb.len();
        names.extend(kb.into_iter().map(|w| w.to_lowercase()));
        names.sort_unstable();
        names.dedup();
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&names)
            .expect("the floor automaton builds");
        Floor {
            ac,
            place_names,
            kb_words,
        }
    }

    /// Number of patterns in the automaton.
    pub fn patterns(&self) -> usize {
        self.ac.patterns_len()
    }

    /// Matches in `text` (leftmost-longest, not overlapping).
    pub fn count(&self, text: &str) -> usize {
        self.ac.find_iter(text).count()
    }
}
