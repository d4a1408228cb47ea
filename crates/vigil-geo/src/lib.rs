//! Vigil's gazetteer: places with their names in Latin and Arabic script,
//! an index from normalized name to places, and name spotting in text.
//!
//! The default gazetteer is bundled: `data/gazetteer/places.tsv.gz` (built
//! from GeoNames, Who's On First and Natural Earth by
//! `scripts/build_gazetteer.py`, see `data/gazetteer/ATTRIBUTION.md`) is
//! indexed at compile time and loaded once, on first use, by
//! [`Gazetteer::bundled`]. Another table in the same format can be loaded
//! with [`Gazetteer::from_tsv`].
//!
//! Names are matched on their key: [`vigil_text::normalize`], then
//! [`vigil_text::tokens`] joined by single spaces, with Latin diacritics
//! folded (`Qāmishlī` = `Qamishli`), so `al-Hol`, `Al Hol` and `AL-HOL` are
//! one name. The index also holds each name without apostrophes
//! (`Ra’s al ‘Ayn` = `Ras al Ayn`) and, for Arab countries, with its
//! leading article as `al` and without it (`Ash Shaddadah` =
//! `al-Shaddadah` = `Shaddadah`).
//!
//! ```
//! use vigil_geo::{Gazetteer, PlaceKind};
//!
//! let gaz = Gazetteer::bundled();
//! let hits = gaz.lookup("القامشلي");
//! assert!(hits.iter().any(|&i| gaz.place(i).country == "SY"));
//!
//! let text = vigil_text::normalize("Shelling near Ras al-Ain on Friday");
//! let found = gaz.find_names(&text);
//! assert_eq!(&text[found[0].start..found[0].end], "ras al-ain");
//! ```

mod geonames;
mod table;

use std::borrow::Cow;
use std::collections::HashSet;

use foldhash::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use fst::raw::{Node, Output};

pub use geonames::{ImportOptions, ImportReport, Rejected, MAX_REJECTED};
pub use table::{GeoError, GeoPlace, PlaceIdx, PlaceKind};

use table::Table;

/// Longest name, in tokens, that [`Gazetteer::find_names`] looks for.
const MAX_NAME_TOKENS: usize = 6;

/// A single-token name shorter than this (in characters) is never spotted
/// in text: too many two-letter words are also places somewhere.
const MIN_SINGLE_TOKEN_CHARS: usize = 3;

/// A gazetteer: places, their names and a name index.
pub struct Gazetteer {
    /// Names this gazetteer in the per-thread memo of `find_names`.
    id: usize,
    table: Table,
    map: fst::Map<Cow<'static, [u8]>>,
    postings: Vec<PlaceIdx>,
    stop: HashSet<String>,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gazetteer")
            .field("places", &self.table.places.len())
            .field("names", &self.table.name_spans.len())
            .field("keys", &self.map.len())
            .field("stopnames", &self.stop.len())
            .finish()
    }
}

/// A gazetteer name found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct NameMatch {
    /// Byte offset of the first token of the name in the normalized text.
    pub start: usize,
    /// Byte offset just past its last token.
    pub end: usize,
    /// The places the name may refer to (never empty), most prominent
    /// first as in [`Gazetteer::lookup`].
    pub places: Vec<PlaceIdx>,
}

static BUNDLED_PLACES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/places.bin"));
static BUNDLED_FST: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/names.fst"));
static BUNDLED_POSTINGS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/postings.bin"));
static BUNDLED_STOPNAMES: &str = include_str!(concat!(env!("OUT_DIR"), "/stopnames.txt"));

impl Gazetteer {
    /// The bundled default gazetteer, loaded on first use.
    pub fn bundled() -> &'static Gazetteer {
        static BUNDLED: OnceLock<Gazetteer> = OnceLock::new();
        BUNDLED.get_or_init(|| {
            // These bytes were written by this crate's build script from
            // the same code that reads them: a failure is a build bug.
            let table = Table::from_bytes(BUNDLED_PLACES).expect("bundled places table is valid");
            let map =
                fst::Map::new(Cow::Borrowed(BUNDLED_FST)).expect("bundled name index is valid");
            Gazetteer {
                id: next_id(),
                table,
                map,
                postings: table::postings_from_bytes(BUNDLED_POSTINGS),
                stop: BUNDLED_STOPNAMES.lines().map(str::to_string).collect(),
            }
        })
    }

    /// Reads a places table in the format of `data/gazetteer/places.tsv`
    /// (plain TSV with its header, not gzip) and indexes it. The stoplist
    /// is the bundled one.
    pub fn from_tsv(reader: impl std::io::Read) -> Result<Gazetteer, GeoError> {
        Gazetteer::from_table(Table::from_tsv(reader)?)
    }

    /// Indexes a table (read from TSV, or built by the GeoNames import).
    fn from_table(table: Table) -> Result<Gazetteer, GeoError> {
        let index = table::build_index(&table)?;
        let map =
            fst::Map::new(Cow::Owned(index.fst)).map_err(|e| GeoError::Index(e.to_string()))?;
        Ok(Gazetteer {
            id: next_id(),
            table,
            map,
            postings: index.postings,
            stop: BUNDLED_STOPNAMES.lines().map(str::to_string).collect(),
        })
    }

    /// Writes this gazetteer, indexed, into the directory `dir` (created;
    /// replaced whole if it exists, so a reader never sees half of one),
    /// for [`Gazetteer::open`].
    pub fn save(&self, dir: &Path) -> Result<(), GeoError> {
        let tmp = sibling(dir, "tmp");
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)?;
        }
        std::fs::create_dir_all(&tmp)?;
        std::fs::write(tmp.join(SAVED_PLACES), self.table.to_bytes())?;
        std::fs::write(tmp.join(SAVED_FST), self.map.as_fst().as_bytes())?;
        std::fs::write(
            tmp.join(SAVED_POSTINGS),
            table::postings_to_bytes(&self.postings),
        )?;
        let old = sibling(dir, "old");
        if dir.exists() {
            if old.exists() {
                std::fs::remove_dir_all(&old)?;
            }
            std::fs::rename(dir, &old)?;
        }
        std::fs::rename(&tmp, dir)?;
        if old.exists() {
            std::fs::remove_dir_all(&old)?;
        }
        Ok(())
    }

    /// Loads a gazetteer written by [`Gazetteer::save`], checking that its
    /// files agree with each other.
    pub fn open(dir: &Path) -> Result<Gazetteer, GeoError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path).map_err(|e| GeoError::Saved {
                path: path.clone(),
                message: e.to_string(),
            })
        };
        let broken = |name: &str, what: &str| GeoError::Saved {
            path: dir.join(name),
            message: what.to_string(),
        };
        let table = Table::from_bytes(&read(SAVED_PLACES)?)
            .ok_or_else(|| broken(SAVED_PLACES, "not a Vigil places table"))?;
        let map = fst::Map::new(Cow::Owned(read(SAVED_FST)?))
            .map_err(|e| broken(SAVED_FST, &format!("not a name index ({e})")))?;
        let raw = read(SAVED_POSTINGS)?;
        if raw.len() % 4 != 0 {
            return Err(broken(SAVED_POSTINGS, "truncated"));
        }
        let postings = table::postings_from_bytes(&raw);
        if postings.iter().any(|&p| p as usize >= table.places.len()) {
            return Err(broken(SAVED_POSTINGS, "names a place the table lacks"));
        }
        let mut stream = map.stream();
        while let Some((_, v)) = fst::Streamer::next(&mut stream) {
            let start = (v >> table::LEN_BITS) as usize;
            let len = (v & ((1 << table::LEN_BITS) - 1)) as usize;
            if start + len > postings.len() {
                return Err(broken(SAVED_FST, "points past the postings"));
            }
        }
        Ok(Gazetteer {
            id: next_id(),
            table,
            map,
            postings,
            stop: BUNDLED_STOPNAMES.lines().map(str::to_string).collect(),
        })
    }

    /// Number of names (all spellings of all places).
    pub fn name_count(&self) -> usize {
        self.table.name_spans.len()
    }

    /// Number of places.
    pub fn len(&self) -> usize {
        self.table.places.len()
    }

    /// Whether there are no places.
    pub fn is_empty(&self) -> bool {
        self.table.places.is_empty()
    }

    /// The place at `idx` (an index from [`lookup`](Self::lookup) or
    /// [`find_names`](Self::find_names)).
    ///
    /// # Panics
    /// If `idx` is not below [`len`](Self::len).
    pub fn place(&self, idx: PlaceIdx) -> &GeoPlace {
        &self.table.places[idx as usize]
    }

    /// The places named exactly `name` (normalized here; whole name, any
    /// script or spelling the gazetteer holds), most prominent first
    /// (country, city, province, town, district, camp, village, …; then by
    /// population); empty if none.
    pub fn lookup(&self, name: &str) -> &[PlaceIdx] {
        match self.map.get(table::query_key(name)) {
            Some(v) => self.postings_of(v),
            None => &[],
        }
    }

    /// All names of the place at `idx`, main name first.
    pub fn names_of(&self, idx: PlaceIdx) -> Vec<&str> {
        self.table.names_of(idx as usize).collect()
    }

    fn postings_of(&self, value: u64) -> &[PlaceIdx] {
        let start = (value >> table::LEN_BITS) as usize;
        let len = (value & ((1 << table::LEN_BITS) - 1)) as usize;
        &self.postings[start..start + len]
    }

    /// Every gazetteer name in `normalized` (text already passed through
    /// [`vigil_text::normalize`]): names of 1 to 6 tokens, leftmost first,
    /// longest at each position, not overlapping. Spans are byte offsets
    /// into `normalized`, on token boundaries.
    ///
    /// Skipped: single tokens shorter than 3 characters, and the stoplist
    /// (`data/gazetteer/stopnames.txt`: common words that are also places
    /// somewhere, such as "said" or "police"). A leading Arabic proclitic
    /// (و ف ب ل ك, and لل for the article) is tried off when the whole
    /// token names nothing: `بالرقة` finds الرقة, spanning the whole token.
    pub fn find_names(&self, normalized: &str) -> Vec<NameMatch> {
        let base = normalized.as_ptr() as usize;
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut folded = String::with_capacity(normalized.len());
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        for t in vigil_text::tokens(normalized) {
            let start = t.as_ptr() as usize - base;
            spans.push((start, start + t.len()));
            let a = folded.len();
            table::fold_latin(t, &mut folded);
            ranges.push((a, folded.len()));
        }
        let tok = |j: usize| &folded[ranges[j].0..ranges[j].1];

        let fst = self.map.as_fst();
        let mut out = Vec::new();
        let mut key = String::new();
        let mut finals: Vec<(usize, u64)> = Vec::new();
        let mut memo = FIRST_TOKENS.with(|m| m.take());
        if memo.0 != self.id || memo.1.len() > FIRST_TOKENS_MAX {
            memo = (self.id, HashMap::default());
        }
        let mut i = 0;
        while i < spans.len() {
            let mut found = None;
            let mut forms = first_token_forms(tok(i));
            if forms.len() > 1 && self.stop.contains(tok(i)) {
                // A known word (كانا "they were") is not a proclitic plus
                // a name (ك + انا).
                forms.truncate(1);
            }
            for first in forms {
                // Walk the fst along `first`, " ", next token, …; each
                // final state at a token end is a name.
                finals.clear();
                // Where the fst stands after the first token: the same
                // few hundred words start most tokens of every text.
                let after_first = match memo.1.get(first.as_ref()) {
                    Some(&at) => at,
                    None => {
                        let mut node = fst.root();
                        let mut output = Output::zero();
                        let at = first
                            .bytes()
                            .all(|b| step(fst, &mut node, &mut output, b))
                            .then(|| (node.addr(), output.value()));
                        memo.1.insert(first.to_string(), at);
                        at
                    }
                };
                let Some((addr, value)) = after_first else {
                    continue;
                };
                let mut node = fst.node(addr);
                let mut output = Output::new(value);
                if node.is_final() {
                    finals.push((i, output.cat(node.final_output()).value()));
                }
                let last = (i + MAX_NAME_TOKENS).min(spans.len());
                for j in i + 1..last {
                    if !step(fst, &mut node, &mut output, b' ')
                        || !tok(j).bytes().all(|b| step(fst, &mut node, &mut output, b))
                    {
                        break;
                    }
                    if node.is_final() {
                        finals.push((j, output.cat(node.final_output()).value()));
                    }
                }
                // Longest first; skip short single tokens and stopnames.
                for &(j, value) in finals.iter().rev() {
                    if j == i && first.chars().count() < MIN_SINGLE_TOKEN_CHARS {
                        continue;
                    }
                    key.clear();
                    key.push_str(&first);
                    for k in i + 1..=j {
                        key.push(' ');
                        key.push_str(tok(k));
                    }
                    if self.stop.contains(&key) {
                        continue;
                    }
                    found = Some((j, value));
                    break;
                }
                if found.is_some() {
                    break;
                }
            }
            match found {
                Some((j, value)) => {
                    out.push(NameMatch {
                        start: spans[i].0,
                        end: spans[j].1,
                        places: self.postings_of(value).to_vec(),
                    });
                    i = j + 1;
                }
                None => i += 1,
            }
        }
        FIRST_TOKENS.with(|m| m.set(memo));
        out
    }
}

/// Memo of `find_names`, per thread: for the gazetteer with this id, the
/// fst node (and output) reached by a first token's bytes, or `None` when
/// no name starts with that word. Cleared past `FIRST_TOKENS_MAX` words.
type FirstTokens = (
    usize,
    HashMap<String, Option<(fst::raw::CompiledAddr, u64)>>,
);

thread_local! {
    static FIRST_TOKENS: std::cell::Cell<FirstTokens> = std::cell::Cell::new((usize::MAX, HashMap::default()));
}

const FIRST_TOKENS_MAX: usize = 100_000;

fn next_id() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Follows the transition on `b`; false if there is none.
fn step<'a>(
    fst: &'a fst::raw::Fst<Cow<'static, [u8]>>,
    node: &mut Node<'a>,
    out: &mut Output,
    b: u8,
) -> bool {
    match node.find_input(b) {
        Some(t) => {
            let t = node.transition(t);
            *out = out.cat(t.out);
            *node = fst.node(t.addr);
            true
        }
        None => false,
    }
}

/// The forms of a first token to look up: the token itself, then, for an
/// Arabic token with proclitics, the token without them (`والرقه` →
/// `الرقه`, `بمنبج` → `منبج`, `للرقه` → `الرقه`), each keeping at least
/// two letters.
fn first_token_forms(token: &str) -> Vec<Cow<'_, str>> {
    let mut forms = vec![Cow::Borrowed(token)];
    // Two letters may start a longer name (وتل ابيض → تل ابيض); a single
    // token that short is never spotted anyway.
    let long_enough = |s: &str| s.chars().count() >= 2;
    let mut rest = token;
    // Conjunction (wa-, fa-), then a preposition (bi-, li-, ka-).
    if let Some(r) = rest.strip_prefix(['و', 'ف']) {
        if long_enough(r) {
            forms.push(Cow::Borrowed(r));
            rest = r;
        }
    }
    if let Some(r) = rest.strip_prefix("لل") {
        // li- + al- is written لل: the name is ال + the rest.
        if long_enough(r) {
            forms.push(Cow::Owned(format!("ال{r}")));
        }
    } else if let Some(r) = rest.strip_prefix(['ب', 'ل', 'ك']) {
        if long_enough(r) {
            forms.push(Cow::Borrowed(r));
        }
    }
    forms
}

/// Files of a saved gazetteer.
const SAVED_PLACES: &str = "places.bin";
const SAVED_FST: &str = "names.fst";
const SAVED_POSTINGS: &str = "postings.bin";

/// `dir` with `.suffix` appended to its last component.
fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let mut name = dir.file_name().unwrap_or_default().to_os_string();
    name.push(".");
    name.push(suffix);
    dir.with_file_name(name)
}

/// Great-circle distance in kilometres between two points given in
/// degrees (haversine, mean Earth radius 6371.0088 km).
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0088 * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proclitic_forms() {
        let forms = |t: &str| -> Vec<String> {
            first_token_forms(t)
                .into_iter()
                .map(|c| c.into_owned())
                .collect()
        };
        assert_eq!(forms("raqqa"), ["raqqa"]);
        assert_eq!(forms("بالرقه"), ["بالرقه", "الرقه"]);
        assert_eq!(forms("وبالرقه"), ["وبالرقه", "بالرقه", "الرقه"]);
        assert_eq!(forms("للرقه"), ["للرقه", "الرقه"]);
        assert_eq!(forms("بمنبج"), ["بمنبج", "منبج"]);
        assert_eq!(forms("وتل"), ["وتل", "تل"]);
        // Too short once stripped.
        assert_eq!(forms("بي"), ["بي"]);
    }

    #[test]
    fn keys() {
        assert_eq!(table::query_key("Al Qāmishlī"), "al qamishli");
        assert_eq!(table::query_key("Şanlıurfa"), "sanliurfa");
        assert_eq!(table::query_key("Ra’s al ‘Ayn"), "ra s al ayn");
        let mut k = Vec::new();
        table::index_keys("Ra’s al ‘Ayn", "SY", &mut k);
        assert_eq!(k, ["ra s al ayn", "ras al ayn"]);
        k.clear();
        table::index_keys("Ash Shaddādah", "SY", &mut k);
        assert_eq!(k, ["ash shaddadah", "al shaddadah", "shaddadah"]);
        k.clear();
        table::index_keys("El Paso", "US", &mut k);
        assert_eq!(k, ["el paso"]);
    }
}
