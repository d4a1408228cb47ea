//! Places: gazetteer names found in the text, filtered (an English place
//! name is capitalized; "Aleppo University" is an organisation; "Jason
//! Jones" and "Jones said" are people; a word inside `#floods_Kuwait` is
//! part of a hashtag), completed with the mentions a name index cannot see
//! (demonyms, acronyms, "Paducah, Ky."), resolved to one place each, and
//! read with their relation ("near Raqqa", "35 km west of Raqqa":
//! precision 2 at the anchor).
//!
//! Resolution scores every candidate of a mention by population and kind,
//! whether the mention is the place's own main name (GeoNames lists
//! "Texas" among San Antonio's alternate names), the countries and
//! provinces the document names, and nearness to the other places named.
//! The region's countries are a prior whose weight depends on the text:
//! strong when nothing in it points elsewhere, weak when it names places
//! outside the region (a local U.S. paper's "Alexandria" is in Louisiana).
//! The words behind these rules are data: `data/kb/places.toml`.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::sync::OnceLock;

use serde::Deserialize;
use vigil_geo::{haversine_km, Gazetteer, PlaceIdx, PlaceKind};
use vigil_model::GeoPrecision;

use crate::text::{Kind, Text};
use crate::KbError;

/// The bundled `data/kb/places.toml`.
pub const BUNDLED: (&str, &str) = (
    "data/kb/places.toml",
    include_str!("../../../data/kb/places.toml"),
);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    person: PersonFile,
    names: NamesFile,
    relations: RelationsFile,
    compounds: CompoundsFile,
    #[serde(default)]
    group_province: Vec<GroupProvinceFile>,
    demonyms: HashMap<String, String>,
    acronyms: HashMap<String, String>,
    state_abbreviations: HashMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NamesFile {
    place_prefixes: Vec<String>,
    arabic_script_countries: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RelationsFile {
    near: Vec<String>,
    links: Vec<String>,
    weak_links: Vec<String>,
    max_link_words: usize,
    place_nouns: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CompoundsFile {
    km: f64,
    generic_first_words: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupProvinceFile {
    name_ar: Vec<String>,
    name_en: Vec<String>,
    /// The name without "ولاية"/"Wilayat", read only right after a link
    /// word ("شرقي الخير", "in western al-Khayr"): alone it is a common
    /// word ("الخير", the good).
    #[serde(default)]
    short_ar: Vec<String>,
    #[serde(default)]
    short_en: Vec<String>,
    /// The name as the sector of a larger province, read only after that
    /// province's name and a dash ("Wilayat al-Iraq - North Baghdad"):
    /// alone it is a direction ("in north Baghdad").
    #[serde(default)]
    sector_ar: Vec<String>,
    #[serde(default)]
    sector_en: Vec<String>,
    province: String,
    used_by: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonFile {
    titles: Vec<String>,
    relations: Vec<String>,
    first_names: Vec<String>,
    speech_verbs: Vec<String>,
    apposition_nouns: Vec<String>,
}

/// The words of `places.toml`, normalized.
#[derive(Debug, Default)]
pub struct Lexicon {
    titles: HashSet<String>,
    relations: HashSet<String>,
    first_names: HashSet<String>,
    speech_verbs: HashSet<String>,
    apposition_nouns: HashSet<String>,
    place_prefixes: HashSet<String>,
    /// Countries whose small towns an Arabic-script name may stand for.
    arabic_script_countries: HashSet<String>,
    /// Normalized demonym → the country's name.
    demonyms: HashMap<String, String>,
    /// Acronym as written → the place's name.
    acronyms: HashMap<String, String>,
    /// Normalized abbreviation (no period) → the state's name.
    state_abbreviations: HashMap<String, String>,
    /// Words that put a place near the name after them ("near", "ريف").
    near: HashSet<String>,
    /// Words between a village and the place that holds it ("بريف",
    /// "in the … countryside").
    links: HashSet<String>,
    /// Links too common to say alone that a place precedes ("في", "in").
    weak_links: HashSet<String>,
    /// At most this many link words between the two names.
    max_link_words: usize,
    /// Nouns that say a village or town follows ("قرية", "بلدة").
    place_nouns: HashSet<String>,
    /// How close the villages that a compound name's first word may stand
    /// for must lie to each other, in km.
    compound_km: f64,
    /// First words of compound names never read alone ("تل", "عين").
    generic_first_words: HashSet<String>,
    /// The group's names for its provinces: first token → (the phrase's
    /// tokens, the real province or country).
    group_provinces: HashMap<String, Vec<(Vec<String>, PlaceIdx)>>,
    /// Their short names, read only after a link word (same shape).
    group_provinces_short: HashMap<String, Vec<(Vec<String>, PlaceIdx)>>,
    /// Their sector names, read only after a province and a dash.
    group_sectors: HashMap<String, Vec<(Vec<String>, PlaceIdx)>>,
}

/// The tokens of a phrase as `Text` reads them, without hyphens: "Wilayat
/// al-Khayr" → `wilayat al khayr`.
fn phrase_tokens(phrase: &str) -> Vec<String> {
    vigil_text::tokens(&vigil_text::normalize(phrase))
        .map(str::to_string)
        .collect()
}

impl Lexicon {
    /// Parses a `places.toml`; every name it maps to must be in `gaz`.
    pub fn from_toml(file: &str, text: &str, gaz: &Gazetteer) -> Result<Lexicon, KbError> {
        let f: LexiconFile = toml::from_str(text).map_err(|e| KbError::Parse {
            file: file.to_string(),
            message: e.to_string(),
        })?;
        let norm = |v: Vec<String>| v.iter().map(|w| vigil_text::normalize(w)).collect();
        let invalid = |what: String| KbError::Invalid {
            file: file.to_string(),
            what,
        };
        let mut group_provinces: HashMap<String, Vec<(Vec<String>, PlaceIdx)>> = HashMap::new();
        let mut group_provinces_short: HashMap<String, Vec<(Vec<String>, PlaceIdx)>> =
            HashMap::new();
        let mut group_sectors: HashMap<String, Vec<(Vec<String>, PlaceIdx)>> = HashMap::new();
        for g in &f.group_province {
            let place = admin_place(gaz, &g.province).ok_or_else(|| {
                invalid(format!(
                    "group_province `{}`: `{}` is not a country or province of the gazetteer",
                    g.name_ar
                        .first()
                        .or(g.name_en.first())
                        .map_or("", String::as_str),
                    g.province
                ))
            })?;
            if g.used_by.trim().is_empty() || g.name_ar.is_empty() {
                return Err(invalid(format!(
                    "group_province for `{}` needs `used_by` and at least one `name_ar`",
                    g.province
                )));
            }
            let lists = [
                (&g.name_ar, &g.name_en, &mut group_provinces),
                (&g.short_ar, &g.short_en, &mut group_provinces_short),
                (&g.sector_ar, &g.sector_en, &mut group_sectors),
            ];
            for (ar, en, map) in lists {
                for name in ar.iter().chain(en) {
                    let tokens = phrase_tokens(name);
                    let Some(first) = tokens.first().cloned() else {
                        return Err(invalid(format!(
                            "group_province name `{name}` has no words"
                        )));
                    };
                    map.entry(first).or_default().push((tokens, place));
                }
            }
        }
        if f.relations.max_link_words == 0 || f.compounds.km.is_nan() || f.compounds.km <= 0.0 {
            return Err(invalid(
                "relations.max_link_words and compounds.km must be positive".to_string(),
            ));
        }
        let lex = Lexicon {
            titles: norm(f.person.titles),
            relations: norm(f.person.relations),
            first_names: norm(f.person.first_names),
            speech_verbs: norm(f.person.speech_verbs),
            apposition_nouns: norm(f.person.apposition_nouns),
            place_prefixes: norm(f.names.place_prefixes),
            arabic_script_countries: f.names.arabic_script_countries.into_iter().collect(),
            demonyms: f
                .demonyms
                .into_iter()
                .map(|(k, v)| (vigil_text::normalize(&k), v))
                .collect(),
            acronyms: f.acronyms,
            state_abbreviations: f
                .state_abbreviations
                .into_iter()
                .map(|(k, v)| (vigil_text::normalize(&k), v))
                .collect(),
            near: norm(f.relations.near),
            links: norm(f.relations.links),
            weak_links: norm(f.relations.weak_links),
            max_link_words: f.relations.max_link_words,
            place_nouns: norm(f.relations.place_nouns),
            compound_km: f.compounds.km,
            generic_first_words: norm(f.compounds.generic_first_words),
            group_provinces,
            group_provinces_short,
            group_sectors,
        };
        let targets = lex
            .demonyms
            .values()
            .chain(lex.acronyms.values())
            .chain(lex.state_abbreviations.values());
        for name in targets {
            if admin_place(gaz, name).is_none() {
                return Err(KbError::Invalid {
                    file: file.to_string(),
                    what: format!("`{name}` is not a country, province or region of the gazetteer"),
                });
            }
        }
        Ok(lex)
    }

    /// The bundled lexicon, parsed on first use.
    pub fn bundled() -> &'static Lexicon {
        static LEX: OnceLock<Lexicon> = OnceLock::new();
        LEX.get_or_init(|| {
            // Checked by the test `lexicon_is_valid`: a failure is a build bug.
            Lexicon::from_toml(BUNDLED.0, BUNDLED.1, Gazetteer::bundled())
                .expect("bundled places.toml is valid")
        })
    }
}

/// The country, province or region named exactly `name` (its main name).
fn admin_place(gaz: &Gazetteer, name: &str) -> Option<PlaceIdx> {
    gaz.lookup(name).iter().copied().find(|&i| {
        let p = gaz.place(i);
        is_admin(p) && vigil_text::normalize(&p.name) == vigil_text::normalize(name)
    })
}

/// A country, first-level division, continent or region: a place that
/// stands for an area rather than a point.
fn is_admin(p: &vigil_geo::GeoPlace) -> bool {
    matches!(p.kind, PlaceKind::Country | PlaceKind::Province) || is_region(p)
}

/// A continent or a named region (`fcode` CONT or RGN).
fn is_region(p: &vigil_geo::GeoPlace) -> bool {
    matches!(p.fcode.as_str(), "CONT" | "RGN")
}

/// A place named in the text, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceMention {
    /// First token of the name.
    pub start: usize,
    /// One past its last token.
    pub end: usize,
    /// The place chosen.
    pub place: PlaceIdx,
    /// Every candidate of the name.
    pub candidates: Vec<PlaceIdx>,
    /// Precision given by the wording ("near X" is 2).
    pub precision: GeoPrecision,
    /// First token of the relation phrase, if any ("near", "35 km west of").
    pub relation_start: Option<usize>,
    /// Whether a locative preposition introduces it ("in", "at", "في").
    pub locative: bool,
    /// The kind of place the wording names ("the village of X", "قرية X",
    /// "X district"), if it names one.
    pub kind_hint: Option<PlaceKind>,
}

/// The population from which a city outside the Arabic-writing countries
/// is read from an Arabic-script name (باريس, نيويورك).
const FOREIGN_CITY_IN_ARABIC: u64 = 500_000;

/// Words after a name that make it part of an organisation's or a
/// person's name.
const ORG_AFTER: &[&str] = &[
    "university",
    "post",
    "times",
    "news",
    "airport",
    "stadium",
    "club",
    "fc",
    "hotel",
    "bank",
    "company",
    "council",
    "governorate",
    "province",
    "street",
    "road",
    "agency",
    "radio",
    "tv",
    "television",
    "channel",
    "media",
    "group",
    "institute",
    "center",
    "centre",
    "hospital",
    "department",
    "service",
    "administration",
    "corporation",
    "corp",
    "inc",
    "party",
    "court",
    "ministry",
    "motor",
    "motors",
    "virus",
    "army",
    "brigade",
    "brigades",
    "battalion",
    "militia",
    "front",
    "movement",
    "جامعه",
    "مطار",
    "فندق",
    "شارع",
];
/// Words before a name that make it part of an organisation or a title.
const ORG_BEFORE: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "dr",
    "sheikh",
    "president",
    "minister",
    "general",
    "gen",
    "abu",
    "ابو",
    "الشيخ",
    "جامعه",
];
/// Locative prepositions.
const LOCATIVE: &[&str] = &[
    "in",
    "at",
    "inside",
    "into",
    "from",
    "في",
    "داخل",
    "بمدينه",
    "ببلده",
    "بقريه",
    "مدينه",
    "بلده",
    "قريه",
    "بلدة",
];

/// What the forces a text names say about where its places are.
#[derive(Debug, Clone, Default)]
pub struct Forces {
    /// The countries of forces of one country each ("the SDF" → Syria,
    /// "Peshmerga" → Iraq): evidence of the country, as a demonym is.
    pub countries: Vec<String>,
    /// (sentence, country, province): where the forces a sentence names
    /// hold ground or fight (`provinces` in actors.toml). A village's
    /// namesake there is the one the sentence means; another sentence (a
    /// newsletter's next item, on another front) may mean another.
    pub theatre: Vec<(std::ops::Range<usize>, String, String)>,
}

/// The provinces named `names` in the gazetteer, within `countries`: each
/// as (country, province), or the first name that is no such province.
pub fn provinces_named<'n>(
    gaz: &Gazetteer,
    names: &'n [String],
    countries: &[String],
) -> Result<Vec<(String, String)>, &'n str> {
    names
        .iter()
        .map(|n| {
            gaz.lookup(n)
                .iter()
                .map(|&c| gaz.place(c))
                .find(|p| p.kind == PlaceKind::Province && countries.contains(&p.country))
                .and_then(|p| Some((p.country.clone(), p.province.clone()?)))
                .ok_or(n.as_str())
        })
        .collect()
}

/// Places named in tokens `range`.
pub fn find(
    gaz: &Gazetteer,
    t: &Text<'_>,
    range: std::ops::Range<usize>,
    context_countries: &[String],
    forces: &Forces,
) -> Vec<PlaceMention> {
    if range.is_empty() {
        return Vec::new();
    }
    let lex = Lexicon::bundled();
    let doc = Doc::new(t, range.clone());
    let from = t.tokens[range.start].start;
    let to = t.tokens[range.end - 1].end;
    let matches = gaz.find_names(&t.norm[from..to]);
    let token_at = |byte: usize| t.tokens.partition_point(|tk| tk.start < byte);
    let mut out: Vec<PlaceMention> = Vec::new();
    // Words found to be people's names in this text: their other
    // mentions are people too ("Jason Jones … Jones said").
    let mut people: HashSet<String> = HashSet::new();
    // Tokens that the name index spotted, kept or not: a word the rules
    // below reject (a person, a hashtag's part) is not read again by `cued`.
    let mut spotted = vec![false; t.tokens.len()];
    // Where the last name read ends: a name read over the next match
    // consumes it.
    let mut consumed = range.start;
    for m in matches {
        let mut start = token_at(from + m.start);
        let mut end = token_at(from + m.end);
        spotted[start..end.min(t.tokens.len())].fill(true);
        if start >= end || end > range.end || start < consumed {
            continue;
        }
        let mut places = m.places;
        // "قرية حسن زيد": a name that begins with the word for village
        // (a gazetteer's "Qaryat Hassan"), where the words after that word
        // run on to a longer name of their own, is that longer name.
        if end - start >= 2 && matches!(t.tok(start), "قريه" | "بلده" | "مدينه") {
            let longer = (end + 1..=(end + 2).min(range.end)).rev().find_map(|e| {
                if t.kind(e - 1) != Kind::Word {
                    return None;
                }
                let found = gaz.lookup(t.original_of(start + 1, e));
                (!found.is_empty()).then(|| (e, found.to_vec()))
            });
            if let Some((e, found)) = longer {
                (start, end, places) = (start + 1, e, found);
                spotted[start..end].fill(true);
            }
        }
        // "Qba salhya": a name written, capitals and all, as the gazetteer
        // writes one of its places is that name, whatever its case, when
        // its first words name nothing ("Basra province" is Basra and a
        // noun).
        let as_written = || {
            let original = t.original_of(start, end);
            original.contains(' ')
                && original.starts_with(|c: char| c.is_uppercase())
                && places.iter().any(|&p| gaz.names_of(p).contains(&original))
                && (start + 1..end).all(|e| gaz.lookup(t.original_of(start, e)).is_empty())
        };
        if !looks_like_a_name(t, start, end) && !as_written() {
            // "Basra province" is a name too, but written so it is the
            // name "Basra" and a common noun.
            let shorter = (start + 1..end).rev().find_map(|e| {
                let found = gaz.lookup(t.original_of(start, e));
                (!found.is_empty() && looks_like_a_name(t, start, e)).then(|| (e, found.to_vec()))
            });
            // "the eastern Deir ez-Zor countryside": a lower-case word
            // that began a longer match ("Eastern Deir …") hid the name
            // that starts after it, which may run past the match.
            // Not past an article: "al-Sharqi" in "Jurdi al-Sharqi" is
            // part of a name the transliterations read whole.
            let article = LOWER_ARTICLES.contains(&t.tok(start));
            let later = || {
                (start + 1..if article { start } else { end })
                    .filter(|&s| t.kind(s) == Kind::Word)
                    .find_map(|s| {
                        (s + 1..=(end + 4).min(range.end)).rev().find_map(|e| {
                            let found = gaz.lookup(t.original_of(s, e));
                            (!found.is_empty()
                                && t.kind(e - 1) == Kind::Word
                                && looks_like_a_name(t, s, e))
                            .then(|| (s, e, found.to_vec()))
                        })
                    })
            };
            match shorter {
                Some((e, found)) => (end, places) = (e, found),
                None => match later() {
                    Some((s, e, found)) => {
                        (start, end, places) = (s, e, found);
                        spotted[start..end].fill(true);
                    }
                    None => continue,
                },
            }
        }
        consumed = end;
        let next = if end < range.end { t.tok(end) } else { "" };
        // "Diyala province": the province, whatever else bears the name.
        let mut candidates = places;
        // An Arabic word names a small town abroad only by accident of the
        // gazetteer's alternate names (روان, a given name, for Rouen).
        if !t
            .original_of(start, end)
            .starts_with(|c: char| c.is_ascii())
        {
            candidates.retain(|&c| {
                let p = gaz.place(c);
                lex.arabic_script_countries.contains(&p.country)
                    || is_admin(p)
                    || p.population >= FOREIGN_CITY_IN_ARABIC
            });
            if candidates.is_empty() {
                continue;
            }
        }
        // "Canadian", "Spanish": the country, not the village of Canadian
        // (Texas) or Spanish (Ontario).
        if end - start == 1 {
            if let Some(p) = lex
                .demonyms
                .get(t.tok(start))
                .and_then(|n| admin_place(gaz, n))
            {
                candidates = vec![p];
            }
        }
        if matches!(next, "province" | "governorate") {
            candidates.retain(|&c| gaz.place(c).kind == PlaceKind::Province);
            if candidates.is_empty() {
                continue;
            }
        } else if ORG_AFTER.contains(&next) {
            continue;
        }
        if start > range.start && ORG_BEFORE.contains(&t.tok(start - 1)) {
            continue;
        }
        if in_hashtag(t, &range, start, end) || doc.in_url(t, start) {
            continue;
        }
        if continues_in_arabic(t, &range, start, end)
            || names_an_organisation(t, &range, start)
            || ends_a_longer_name(t, &range, start, &out)
        {
            continue;
        }
        if doc.is_acronym_like(t, start, end)
            && !lex.acronyms.contains_key(t.original_of(start, end))
        {
            continue;
        }
        if let Some(person) = person_name(lex, gaz, t, &range, start, end, &candidates) {
            people.insert(person);
            continue;
        }
        if doc.common_word_at_sentence_start(t, start, end) {
            continue;
        }
        // "U.S." and "N.Y.": the name's last period is part of it.
        if end < range.end
            && t.tok(end) == "."
            && t.tokens[end - 1].end == t.tokens[end].start
            && t.original_of(start, end).contains('.')
        {
            end += 1;
        }
        out.push(mention(t, &range, start, end, candidates));
    }
    out.retain(|m| m.end - m.start > 1 || !people.contains(t.tok(m.start)));
    // "ولاية الخير", "Wilayat al-Barakah": the group's names for its
    // provinces, whatever words inside them also name.
    let group = group_provinces(lex, t, &range);
    if !group.is_empty() {
        out.retain(|m| !group.iter().any(|g| m.start < g.1 && g.0 < m.end));
        for (start, end, place) in group {
            out.push(mention(t, &range, start, end, vec![place]));
        }
        out.sort_by_key(|m| m.start);
    }
    // Acronyms, demonyms, "Town, Ky.": mentions that no name index finds.
    // (A mention found here ends at or before the next word: the names
    // found before the loop are the only ones that can cover a word.)
    let covered = covered_tokens(t, &out);
    // The countries of the forces the text names count as a demonym does.
    let mut evidence: Vec<String> = forces.countries.clone();
    for i in range.clone() {
        if t.kind(i) != Kind::Word || covered[i] {
            continue;
        }
        let w = t.tok(i);
        if let Some(name) = lex.acronyms.get(t.original_of(i, i + 1)) {
            // "US$10": a currency.
            let currency = i + 1 < range.end
                && t.tok(i + 1) == "$"
                && t.tokens[i].end == t.tokens[i + 1].start;
            if let (false, Some(p)) = (currency, admin_place(gaz, name)) {
                out.push(mention(t, &range, i, i + 1, vec![p]));
            }
        } else if let Some(name) = lex.demonyms.get(w) {
            let Some(p) = admin_place(gaz, name) else {
                continue;
            };
            evidence.push(gaz.place(p).country.clone());
            let original = t.original_of(i, i + 1);
            if original.starts_with(|c: char| c.is_ascii_uppercase()) {
                out.push(mention(t, &range, i, i + 1, vec![p]));
            }
        } else if let Some(name) = lex.state_abbreviations.get(w) {
            // Only in "Town, Ky.": after a place and a comma, before a period.
            let after_place =
                i >= range.start + 2 && t.tok(i - 1) == "," && out.iter().any(|m| m.end == i - 1);
            let period = i + 1 < range.end && t.tok(i + 1) == ".";
            let capital = t
                .original_of(i, i + 1)
                .starts_with(|c: char| c.is_ascii_uppercase());
            if let (true, true, true, Some(p)) =
                (after_place, period, capital, admin_place(gaz, name))
            {
                out.push(mention(t, &range, i, i + 2, vec![p]));
            }
        }
    }
    out.sort_by_key(|m| m.start);
    // "قرية الكرامة", "بلدة صور", "سويدان بريف دير الزور": names that the
    // wording says are places (see `cued`).
    let compounds = cued(
        lex,
        gaz,
        t,
        &range,
        &mut out,
        context_countries,
        &spotted,
        &forces.theatre,
    );
    // Spellings the gazetteer lacks ("Hretan", "Joubar"), in a text about
    // the region.
    let regional = out.iter().any(|m| {
        let p = gaz.place(m.candidates[0]);
        context_countries.contains(&p.country)
    }) || evidence.iter().any(|c| context_countries.contains(c));
    let mut extra = transliterations(gaz, t, &range, &out, context_countries, regional);
    // A whole name read over the pieces the gazetteer matched ("Tal Hamis").
    out.retain(|m| !extra.iter().any(|e| e.start <= m.start && m.end <= e.end));
    extra.extend(arabic_spellings(gaz, t, &range, &out, context_countries));
    let guessed: Vec<usize> = extra.iter().map(|m| m.start).collect();
    if !extra.is_empty() {
        out.extend(extra);
        out.sort_by_key(|m| m.start);
    }
    let holders = holders(lex, gaz, t, &range, &out);
    resolve(
        gaz,
        t,
        &mut out,
        context_countries,
        &evidence,
        &forces.theatre,
        &holders,
    );
    if !compounds.is_empty() {
        first_words(lex, gaz, &mut out, &holders, compounds);
    }
    if !guessed.is_empty() {
        // A name read from its spelling alone must lie near the other
        // places the text names, when it names any, or in the province of
        // one ("east of Deir Ezzor" is the province's east): "Al-Tayaran
        // square" in a Baghdad report is no village 500 km away.
        let anchors: Vec<&vigil_geo::GeoPlace> = out
            .iter()
            .filter(|m| !guessed.contains(&m.start))
            .map(|m| gaz.place(m.place))
            .filter(|p| is_local(p.kind) && !is_region(p))
            .collect();
        out.retain(|m| {
            let p = gaz.place(m.place);
            !guessed.contains(&m.start)
                || anchors.is_empty()
                || anchors.iter().any(|a| {
                    haversine_km(a.lat, a.lon, p.lat, p.lon) <= 60.0
                        || (a.country == p.country
                            && a.province.is_some()
                            && a.province == p.province)
                })
        });
    }
    inside_towns(gaz, t, &range, &mut out);
    lone_villages_abroad(gaz, t, &mut out);
    out
}

/// "Gunmen killed a member of the Bayaa district council", "زخات مطر على
/// الجهراء": a single word that names only small villages and quarters
/// (OCHA and Who's On First list thousands, many of them also words,
/// surnames or the names of quarters elsewhere) is no place when the
/// text's towns and provinces all
/// lie in other countries and it names the village's country in no way,
/// unless the wording says which place is meant ("near X", "the village
/// of X").
fn lone_villages_abroad(gaz: &Gazetteer, t: &Text<'_>, out: &mut Vec<PlaceMention>) {
    let minor = |m: &PlaceMention| {
        m.candidates.iter().all(|&c| {
            let p = gaz.place(c);
            matches!(p.kind, PlaceKind::Village | PlaceKind::Neighbourhood) && p.population == 0
        })
    };
    // Where the text's towns and provinces are ("Iranian shelling of
    // Nalparez", "US troops in Haqlaniyah" name no town elsewhere).
    let countries: HashSet<String> = out
        .iter()
        .filter(|m| !minor(m) && gaz.place(m.place).kind != PlaceKind::Country)
        .map(|m| gaz.place(m.place).country.clone())
        .collect();
    if countries.is_empty() {
        return;
    }
    // A country the text names ("Syria", "Syrian") keeps its villages.
    let named: HashSet<String> = out
        .iter()
        .filter(|m| !minor(m))
        .map(|m| gaz.place(m.place).country.clone())
        .collect();
    out.retain(|m| {
        let p = gaz.place(m.place);
        let one_word = !t.original_of(m.start, m.end).contains(char::is_whitespace);
        let named_so = m.relation_start.is_some()
            || (m.kind_hint == Some(p.kind)
                && matches!(p.kind, PlaceKind::Village | PlaceKind::Town));
        !one_word || named_so || !minor(m) || named.contains(&p.country)
    });
}

/// An Arabic word and its forms without proclitics: without a leading
/// و or ف, then without ب, ل or ك (at least two letters left): `بريف` →
/// `ريف`, `لناحيه` → `ناحيه`, `وبولايه` → `ولايه`.
fn bare_forms(w: &str) -> Vec<&str> {
    let mut out = vec![w];
    let long = |s: &str| s.chars().count() >= 2;
    let mut rest = w;
    if let Some(r) = rest.strip_prefix(['و', 'ف']) {
        if long(r) {
            out.push(r);
            rest = r;
        }
    }
    if let Some(r) = rest.strip_prefix(['ب', 'ل', 'ك']) {
        if long(r) {
            out.push(r);
        }
    }
    out
}

/// Whether `w`, or `w` without its proclitics, is one of `set`.
fn in_set(set: &HashSet<String>, w: &str) -> bool {
    bare_forms(w).into_iter().any(|f| set.contains(f))
}

/// Whether a word is written in Arabic letters.
fn arabic_word(w: &str) -> bool {
    w.starts_with(|c: char| ('\u{0621}'..='\u{064A}').contains(&c))
}

/// The group's province names in tokens `range`: (first token, one past
/// the last, the real province or country), longest at each position.
fn group_provinces(
    lex: &Lexicon,
    t: &Text<'_>,
    range: &std::ops::Range<usize>,
) -> Vec<(usize, usize, PlaceIdx)> {
    let mut found = Vec::new();
    let mut i = range.start;
    while i < range.end {
        let mut hit: Option<(usize, PlaceIdx)> = None;
        // A short name only right after a link word ("شرقي الخير").
        let after_link = i > range.start
            && bare_forms(t.tok(i - 1))
                .into_iter()
                .any(|w| lex.links.contains(w));
        // A sector after the province just named and a dash ("Wilayat
        // al-Iraq - North Baghdad", "ولاية العراق - شمال بغداد").
        let after_province = i > range.start
            && matches!(t.tok(i - 1), "-" | "–" | "—" | ":")
            && found.last().is_some_and(|&(_, end, _)| end + 1 == i);
        if t.kind(i) == Kind::Word {
            for first in bare_forms(t.tok(i)) {
                let full = lex.group_provinces.get(first).into_iter();
                let short = lex
                    .group_provinces_short
                    .get(first)
                    .filter(|_| after_link || after_province)
                    .into_iter();
                let sector = lex
                    .group_sectors
                    .get(first)
                    .filter(|_| after_province)
                    .into_iter();
                let phrases: Vec<&(Vec<String>, PlaceIdx)> =
                    full.chain(short).chain(sector).flatten().collect();
                if phrases.is_empty() {
                    continue;
                }
                for (tokens, place) in phrases {
                    let place = *place;
                    let mut k = i + 1;
                    let mut all = true;
                    for want in &tokens[1..] {
                        while k < range.end && t.tok(k) == "-" {
                            k += 1;
                        }
                        if k >= range.end || t.tok(k) != want {
                            all = false;
                            break;
                        }
                        k += 1;
                    }
                    if all && hit.is_none_or(|(e, _)| k > e) {
                        hit = Some((k, place));
                    }
                }
                if hit.is_some() {
                    break;
                }
            }
        }
        match hit {
            Some((end, place)) => {
                found.push((i, end, place));
                i = end;
            }
            None => i += 1,
        }
    }
    found
}

/// Whether a place can hold villages: a province, district, city or town.
fn holds_villages(kind: PlaceKind) -> bool {
    matches!(
        kind,
        PlaceKind::Province | PlaceKind::District | PlaceKind::City | PlaceKind::Town
    )
}

/// The mention (index into `out`, sorted by start) that the words from
/// token `from` link to as the place holding what comes before: a few
/// link words ("بريف", "شرق", "in the", ", east of"; a leading comma
/// only with a word after it), then a name whose candidates include a
/// province, district, city or town.
fn holder_after(
    lex: &Lexicon,
    gaz: &Gazetteer,
    t: &Text<'_>,
    range: &std::ops::Range<usize>,
    from: usize,
    out: &[PlaceMention],
) -> Option<(usize, bool)> {
    let mut k = from;
    if k < range.end && t.tok(k) == "," {
        k += 1;
    }
    let (mut words, mut strong) = (0, false);
    while k < range.end && words <= lex.max_link_words {
        if let Ok(j) = out.binary_search_by_key(&k, |m| m.start) {
            let holds = out[j]
                .candidates
                .iter()
                .any(|&c| holds_villages(gaz.place(c).kind));
            return (words > 0 && holds).then_some((j, strong));
        }
        if t.kind(k) == Kind::Word && in_set(&lex.links, t.tok(k)) {
            words += 1;
            strong |= !in_set(&lex.weak_links, t.tok(k));
        } else if t.tok(k) != "-" {
            return None;
        }
        k += 1;
    }
    None
}

/// For each mention, the mentions that hold it, nearest first: "الطيانة
/// التابعة لناحية ذيبان بريف دير الزور" gives الطيانة ذيبان and then دير
/// الزور.
fn holders(
    lex: &Lexicon,
    gaz: &Gazetteer,
    t: &Text<'_>,
    range: &std::ops::Range<usize>,
    out: &[PlaceMention],
) -> Vec<Vec<usize>> {
    let next: Vec<Option<usize>> = out
        .iter()
        .map(|m| holder_after(lex, gaz, t, range, m.end, out).map(|h| h.0))
        .collect();
    (0..out.len())
        .map(|i| {
            let mut chain = Vec::new();
            let mut at = next[i];
            while let Some(j) = at {
                if j == i || chain.contains(&j) || chain.len() >= 3 {
                    break;
                }
                chain.push(j);
                at = next[j];
            }
            chain
        })
        .collect()
}

/// Names read where the wording says a place follows: after a place noun
/// ("قرية", "بلدة") or before a link to the place that holds it ("…
/// بريف الرقة"). Such a word is read as a place although it is a common
/// word too (الكرامة, الصور: the stoplist), with or without its article
/// where the gazetteer writes the other form (صور, الصور), or as the first
/// word of a two-word village name (سويدان). So is a word after "في" in
/// a sentence that names forces, where they fight has a village of that
/// name ("تفجير عبوة على دورية لقسد في الكرامة"): that village. Adds those
/// mentions to `out` and the other spellings to single-word Arabic
/// mentions already there; returns, by the mention's first token, the
/// two-word villages each word may stand for (settled by `first_words`
/// once resolved).
#[allow(clippy::too_many_arguments)]
fn cued(
    lex: &Lexicon,
    gaz: &Gazetteer,
    t: &Text<'_>,
    range: &std::ops::Range<usize>,
    out: &mut Vec<PlaceMention>,
    region: &[String],
    spotted: &[bool],
    theatre: &[(std::ops::Range<usize>, String, String)],
) -> Vec<(usize, Vec<PlaceIdx>)> {
    // "قرية الكرامة": GeoNames names Iraqi villages "Qaryat al Karamah",
    // and the words are also the village of al-Karama; the noun is no part
    // of the name of the others.
    for m in out.iter_mut() {
        if m.end - m.start < 2 || !in_set(&lex.place_nouns, t.tok(m.start)) {
            continue;
        }
        let rest = t.original_of(m.start + 1, m.end);
        let mut more: Vec<PlaceIdx> = gaz.lookup(rest).to_vec();
        if m.end - m.start == 2 {
            more.extend(cued_candidates(lex, gaz, t.tok(m.start + 1), region).0);
        }
        // Villages and towns of the region: "مدينة الكويت" is Kuwait City,
        // not the country.
        more.retain(|&c| {
            let p = gaz.place(c);
            region.contains(&p.country) && is_local(p.kind) && !is_region(p)
        });
        if more.is_empty() {
            continue;
        }
        // The span keeps its noun ("مدينة X" is the name as written).
        for c in more {
            if !m.candidates.contains(&c) {
                m.candidates.push(c);
            }
        }
    }
    let covered = covered_tokens(t, out);
    let mut compounds = Vec::new();
    let mut added = Vec::new();
    for i in range.clone() {
        let w = t.tok(i);
        if t.kind(i) != Kind::Word
            || !arabic_word(w)
            || w.chars().count() < 3
            || in_set(&lex.links, w)
            || in_set(&lex.near, w)
        {
            continue;
        }
        let at = out.binary_search_by_key(&i, |m| m.start).ok();
        let single = at.is_some_and(|j| out[j].end == i + 1);
        if (covered[i] || spotted[i]) && !single {
            continue;
        }
        // Only before a link with a word of place in it ("بريف", "شرق",
        // "التابعة لناحية") to a place of the region: "5 حالات في عدن"
        // names no village حالات, nor "المدارس التابعة لمنطقة الأحمدي" a
        // quarter of Damascus.
        let holder = holder_after(lex, gaz, t, range, i + 1, out).filter(|&(j, strong)| {
            strong
                && out[j].candidates.iter().any(|&c| {
                    let p = gaz.place(c);
                    holds_villages(p.kind) && region.contains(&p.country)
                })
        });
        let (named, compound) = if holder.is_some() {
            cued_candidates(lex, gaz, t.tok(i), region)
        } else if i > range.start && t.tok(i - 1) == "في" {
            let in_theatre = |c: &PlaceIdx| {
                let p = gaz.place(*c);
                theatre.iter().any(|(r, country, province)| {
                    r.contains(&i) && *country == p.country && p.province.as_ref() == Some(province)
                })
            };
            let (named, _) = cued_candidates(lex, gaz, t.tok(i), region);
            (named.into_iter().filter(in_theatre).collect(), Vec::new())
        } else {
            continue;
        };

        match at.filter(|_| single) {
            Some(j) => {
                for c in named {
                    if !out[j].candidates.contains(&c) {
                        out[j].candidates.push(c);
                    }
                }
            }
            None => {
                let candidates = if named.is_empty() {
                    compound.clone()
                } else {
                    named
                };
                if candidates.is_empty() {
                    continue;
                }
                added.push(mention(t, range, i, i + 1, candidates));
            }
        }
        if !compound.is_empty() {
            compounds.push((i, compound));
        }
    }
    if !added.is_empty() {
        out.extend(added);
        out.sort_by_key(|m| m.start);
    }
    compounds
}

/// The places a cued Arabic word may name: by the word (without its
/// proclitics, the first form that names anything) and the word with its
/// article added or taken off; and the two-word villages of the region
/// that begin with it.
fn cued_candidates(
    lex: &Lexicon,
    gaz: &Gazetteer,
    word: &str,
    region: &[String],
) -> (Vec<PlaceIdx>, Vec<PlaceIdx>) {
    static FIRST_WORDS: OnceLock<HashMap<String, Vec<PlaceIdx>>> = OnceLock::new();
    let index = FIRST_WORDS.get_or_init(|| {
        let mut index: HashMap<String, Vec<PlaceIdx>> = HashMap::new();
        for i in 0..gaz.len() as PlaceIdx {
            let p = gaz.place(i);
            if !matches!(p.country.as_str(), "SY" | "IQ") || !is_local(p.kind) {
                continue;
            }
            for name in gaz.names_of(i) {
                let n = vigil_text::normalize(name);
                if let Some((first, second)) = n.split_once(' ') {
                    if arabic_word(first) && !second.contains(' ') {
                        let e = index.entry(first.to_string()).or_default();
                        if !e.contains(&i) {
                            e.push(i);
                        }
                    }
                }
            }
        }
        index
    });
    // Villages and towns of the region: the word is read as a place for
    // its wording, not for its fame ("السيول" is no Seoul).
    let keep = |c: PlaceIdx| {
        let p = gaz.place(c);
        region.contains(&p.country) && is_local(p.kind) && !is_region(p)
    };
    for form in bare_forms(word) {
        let other = match form.strip_prefix("ال") {
            Some(rest) if rest.chars().count() >= 3 => rest.to_string(),
            Some(_) => continue,
            None => format!("ال{form}"),
        };
        let mut named: Vec<PlaceIdx> = Vec::new();
        let mut compound: Vec<PlaceIdx> = Vec::new();
        for f in [form, other.as_str()] {
            named.extend(gaz.lookup(f).iter().copied().filter(|&c| keep(c)));
            if !lex.generic_first_words.contains(f) {
                compound.extend(
                    index
                        .get(f)
                        .into_iter()
                        .flatten()
                        .copied()
                        .filter(|&c| region.contains(&gaz.place(c).country)),
                );
            }
        }
        named.dedup();
        compound.retain(|c| !named.contains(c));
        compound.sort_unstable();
        compound.dedup();
        if !named.is_empty() || !compound.is_empty() {
            let mut seen = HashSet::new();
            named.retain(|&c| seen.insert(c));
            return (named, compound);
        }
    }
    (Vec::new(), Vec::new())
}

/// "سويدان" for سويدان جزيرة and سويدان شامية: a word that begins two-word
/// village names stands for them only in the province the text places it
/// in (its holder, else the one province the text names), and only when
/// the villages it begins there lie together (within `compounds.km`). A
/// place of the word's own name in that province keeps it; a mention with
/// nothing else to stand for is dropped.
fn first_words(
    lex: &Lexicon,
    gaz: &Gazetteer,
    out: &mut Vec<PlaceMention>,
    holders: &[Vec<usize>],
    compounds: Vec<(usize, Vec<PlaceIdx>)>,
) {
    let named_provinces: HashSet<(&str, &str)> = out
        .iter()
        .map(|m| gaz.place(m.place))
        .filter(|p| p.kind == PlaceKind::Province)
        .filter_map(|p| Some((p.country.as_str(), p.province.as_deref()?)))
        .collect();
    let the_province = (named_provinces.len() == 1)
        .then(|| named_provinces.iter().next().copied())
        .flatten();
    let mut drop = Vec::new();
    let mut set = Vec::new();
    for (start, compound) in compounds {
        let Ok(i) = out.binary_search_by_key(&start, |m| m.start) else {
            continue;
        };
        let held = holders[i]
            .iter()
            .map(|&j| gaz.place(out[j].place))
            .find(|h| holds_villages(h.kind))
            .and_then(|h| Some((h.country.as_str(), h.province.as_deref()?)));
        // With no province named, the villages the word begins anywhere
        // (twins such as الكستن التحتاني and الكستن الفوقاني).
        let area = held.or(the_province);
        let inside = |c: PlaceIdx| {
            let p = gaz.place(c);
            area.is_none_or(|(country, province)| {
                p.country == country && p.province.as_deref() == Some(province)
            })
        };
        let own = out[i]
            .candidates
            .iter()
            .any(|&c| !compound.contains(&c) && (area.is_none() || inside(c)));
        if own {
            continue;
        }
        let there: Vec<PlaceIdx> = compound.iter().copied().filter(|&c| inside(c)).collect();
        let together = there.iter().all(|&a| {
            there.iter().all(|&b| {
                let (pa, pb) = (gaz.place(a), gaz.place(b));
                haversine_km(pa.lat, pa.lon, pb.lat, pb.lon) <= lex.compound_km
            })
        });
        if !there.is_empty() && together {
            set.push((i, there));
        } else if out[i].candidates.iter().all(|c| compound.contains(c)) {
            drop.push(i);
        }
    }
    for (i, there) in set {
        out[i].place = there[0];
        for c in there {
            if !out[i].candidates.contains(&c) {
                out[i].candidates.push(c);
            }
        }
    }
    let mut k = 0;
    out.retain(|_| {
        k += 1;
        !drop.contains(&(k - 1))
    });
}

/// For each token of the text, whether one of `mentions` spans it.
fn covered_tokens(t: &Text<'_>, mentions: &[PlaceMention]) -> Vec<bool> {
    let mut covered = vec![false; t.tokens.len()];
    for m in mentions {
        covered[m.start..m.end.min(t.tokens.len())].fill(true);
    }
    covered
}

/// Capitalized names that no gazetteer name matches, read as another
/// transliteration of a place of the region ("Hretan" for Huraytan,
/// "Joubar" for Jobar, "Hatetit Al Jarsh" for Hatitat al Jarash): the same
/// consonants in the same order, and spellings close enough. Only where
/// the wording says a place follows ("in X", "the village of X", "X
/// district").
fn transliterations(
    gaz: &Gazetteer,
    t: &Text<'_>,
    range: &std::ops::Range<usize>,
    out: &[PlaceMention],
    region: &[String],
    regional: bool,
) -> Vec<PlaceMention> {
    let lex = Lexicon::bundled();
    let near = &lex.near;
    let covered = covered_tokens(t, out);
    let covered = |i: usize| covered[i];
    let capital = |i: usize| {
        t.kind(i) == Kind::Word
            && t.original_of(i, i + 1)
                .starts_with(|c: char| c.is_ascii_uppercase())
    };
    // "Tal Hamis", "Jadid Bakkara": a name whose generic first word ("tell",
    // "new") the gazetteer matched alone, and whose next word it read as
    // another place. The whole is one name; the pieces are no places.
    let generic_start = |i: usize| {
        out.iter().any(|m| m.start == i && m.end == i + 1)
            && lex.generic_first_words.contains(t.tok(i))
            && i + 1 < range.end
            && capital(i + 1)
            && t.tokens[i].end < t.tokens[i + 1].start
    };
    let mut found = Vec::new();
    let mut i = range.start;
    while i < range.end {
        let generic = capital(i) && covered(i) && generic_start(i);
        if !capital(i) || (covered(i) && !generic) {
            i += 1;
            continue;
        }
        // The name: capitalized words, with particles ("Al-Kastan",
        // "Hatetit Al Jarsh"), up to four words.
        let mut end = i + 1;
        let mut words = 1;
        let noun = |k: usize| {
            matches!(
                t.tok(k),
                "village"
                    | "town"
                    | "city"
                    | "district"
                    | "neighborhood"
                    | "neighbourhood"
                    | "area"
                    | "province"
                    | "governorate"
                    | "camp"
            )
        };
        while end < range.end && words < 4 && (generic || !covered(end)) && !noun(end) {
            if capital(end) && t.tokens[end - 1].end < t.tokens[end].start || t.tok(end) == "-" {
                if t.tok(end) != "-" {
                    words += 1;
                }
                end += 1;
            } else if capital(end) && t.tok(end - 1) == "-" {
                words += 1;
                end += 1;
            } else if end + 2 < range.end
                && matches!(t.tok(end), "al" | "el")
                && t.tok(end + 1) == "-"
                && capital(end + 2)
                && (generic || !covered(end + 2))
            {
                // "Jurdi al-Sharqi": the article in lower case.
                words += 1;
                end += 3;
            } else {
                break;
            }
        }
        while end > i + 1 && t.tok(end - 1) == "-" {
            end -= 1;
        }
        // "Bustan Al-Qasr": the start of a longer name, not a name.
        let continues = end < range.end
            && ((covered(end) && !generic) || matches!(t.tok(end), "al" | "el"))
            && t.tokens[end - 1].end < t.tokens[end].start;
        if continues {
            i = end;
            continue;
        }
        // The word before the name, an article aside ("near al-Kalta").
        let mut b = i;
        while b > range.start && matches!(t.tok(b - 1), "al" | "el" | "-") {
            b -= 1;
        }
        let before = |k: usize| (b >= range.start + k).then(|| t.tok(b - k));
        let cue_before = matches!(before(1), Some("in" | "at" | "between"))
            || before(1).is_some_and(|w| near.contains(w))
            || (before(1) == Some("of")
                && matches!(
                    before(2),
                    Some("village" | "town" | "city" | "neighborhood" | "outskirts")
                ))
            // "between al-Dahla and Jadid Bakkara"
            || (before(1) == Some("and")
                && (b.saturating_sub(6).max(range.start)..b).any(|k| t.tok(k) == "between"));
        let cue_after = end < range.end
            && matches!(
                t.tok(end),
                "village" | "town" | "district" | "neighborhood" | "neighbourhood"
            );
        let sentence_start = t.sentences[t.sentence_of(i)].start == i;
        // Outside a text about the region, only a name that looks Arabic
        // ("Hatetit Al Jarsh", "Al-Kastan").
        let arabic_looking = (i..end).any(|k| matches!(t.tok(k), "al" | "el"));
        if (cue_before || cue_after) && !sentence_start && (regional || arabic_looking) {
            let written = t.original_of(i, end);
            let candidates = transliteration_candidates(gaz, written, region);
            if !candidates.is_empty() {
                found.push(mention(t, range, i, end, candidates));
            }
        }
        i = end;
    }
    found
}

/// An Arabic name after "قرية", "بلدة", "مدينة" or "حي" that the gazetteer
/// writes with the plain letter for an emphatic one (كنصفرة, كنسفرة) or
/// the reverse: writers differ, and the noun says a place follows.
fn arabic_spellings(
    gaz: &Gazetteer,
    t: &Text<'_>,
    range: &std::ops::Range<usize>,
    out: &[PlaceMention],
    region: &[String],
) -> Vec<PlaceMention> {
    static INDEX: OnceLock<HashMap<String, Vec<PlaceIdx>>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut index: HashMap<String, Vec<PlaceIdx>> = HashMap::new();
        for i in 0..gaz.len() as PlaceIdx {
            if !matches!(gaz.place(i).country.as_str(), "SY" | "IQ" | "JO" | "LB") {
                continue;
            }
            for name in gaz.names_of(i) {
                let n = vigil_text::normalize(name);
                // "الكستن التحتاني": the twin villages are "الكستن" too.
                let n = match n.rsplit_once(' ') {
                    Some((bare, q)) if TWIN_QUALIFIERS.contains(&q) => bare.to_string(),
                    _ => n,
                };
                if n.starts_with(|c: char| ('\u{0621}'..='\u{064A}').contains(&c))
                    && !n.contains(' ')
                {
                    let e = index.entry(plain_letters(&n)).or_default();
                    if !e.contains(&i) {
                        e.push(i);
                    }
                }
            }
        }
        index
    });
    let mut found = Vec::new();
    for i in range.start + 1..range.end {
        let w = t.tok(i);
        let arabic = w.starts_with(|c: char| ('\u{0621}'..='\u{064A}').contains(&c));
        if !arabic || w.chars().count() < 4 || out.iter().any(|m| (m.start..m.end).contains(&i)) {
            continue;
        }
        let before = t.tok(i - 1);
        let noun = ["", "و", "ب", "ل", "وب"].iter().any(|p| {
            before
                .strip_prefix(p)
                .is_some_and(|b| matches!(b, "قريه" | "بلده" | "مدينه" | "حي"))
        });
        let key = plain_letters(w);
        if !noun {
            continue;
        }
        let candidates: Vec<PlaceIdx> = index
            .get(&key)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&c| region.contains(&gaz.place(c).country))
            .collect();
        if !candidates.is_empty() {
            found.push(mention(t, range, i, i + 1, candidates));
        }
    }
    found
}

/// The last word of a village's name that tells it from its twin
/// ("Kastan Tahtani" and "Kastan Fawqani", lower and upper): the bare name
/// stands for either.
const TWIN_QUALIFIERS: &[&str] = &[
    "التحتاني",
    "الفوقاني",
    "تحتاني",
    "فوقاني",
    "tahtani",
    "fawqani",
];

/// An Arabic word with its emphatic letters written plain (ص س, ض د,
/// ط ت, ظ ز).
fn plain_letters(w: &str) -> String {
    w.chars()
        .map(|c| match c {
            'ص' => 'س',
            'ض' => 'د',
            'ط' => 'ت',
            'ظ' => 'ز',
            c => c,
        })
        .collect()
}

/// The places of the region one of whose Latin names is `written` in
/// another transliteration.
fn transliteration_candidates(gaz: &Gazetteer, written: &str, region: &[String]) -> Vec<PlaceIdx> {
    static INDEX: OnceLock<HashMap<String, Vec<(PlaceIdx, String)>>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut index: HashMap<String, Vec<(PlaceIdx, String)>> = HashMap::new();
        for i in 0..gaz.len() as PlaceIdx {
            let p = gaz.place(i);
            // Arabic-speaking countries of the region: Turkish names are
            // spelled one way.
            if !matches!(p.country.as_str(), "SY" | "IQ" | "JO" | "LB") {
                continue;
            }
            for name in gaz.names_of(i) {
                if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    continue;
                }
                // "Al Kastan at Tahtani": also "Al Kastan".
                let words: Vec<&str> = name.split(' ').collect();
                let name = match words.as_slice() {
                    [rest @ .., q]
                        if rest.len() >= 2 && TWIN_QUALIFIERS.contains(&skeleton(q).as_str()) =>
                    {
                        let article = ARTICLES.contains(&skeleton(rest[rest.len() - 1]).as_str());
                        rest[..rest.len() - usize::from(article)].join(" ")
                    }
                    _ => name.to_string(),
                };
                let v = vowelled(&name);
                for k in consonant_keys(&v) {
                    let e = index.entry(k).or_default();
                    if !e.iter().any(|(j, _)| *j == i) {
                        e.push((i, v.clone()));
                    }
                }
            }
        }
        index
    });
    let v = vowelled(written);
    let close: Vec<(PlaceIdx, usize)> = consonant_keys(&v)
        .iter()
        .filter_map(|k| index.get(k))
        .flatten()
        .filter(|(i, _)| region.contains(&gaz.place(*i).country))
        .map(|(i, name)| (*i, levenshtein(&v, name), name.chars().count()))
        .filter(|&(_, d, n)| d * 10 <= v.chars().count().max(n) * 4)
        .map(|(i, d, _)| (i, d))
        .collect();
    // The closest spellings only: "Beshiriya" is Bashiriyah, not Bashiri.
    let best = close.iter().map(|c| c.1).min().unwrap_or(0);
    let mut out: Vec<PlaceIdx> = close
        .into_iter()
        .filter(|c| c.1 == best)
        .map(|c| c.0)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// A Latin name in lower-case ASCII letters, articles dropped, words run
/// together, a final "h" dropped ("Hatitat al Jarash" → "hatitajaras").
/// A word before another loses the "t" of the construct state ("Jdidet
/// Bikara" is "Jdide Bikara", as "Jadid Bakkara"), and a word of direction
/// ("al-Sharqiyah", "Eastern") becomes one capital letter at the end, so
/// that "Jurdi al-Sharqi" and "Eastern Jarda" compare.
fn vowelled(name: &str) -> String {
    let mut words: Vec<String> = name
        .split(|c: char| c.is_whitespace() || c == '-')
        .map(skeleton)
        .filter(|w| !w.is_empty() && !ARTICLES.contains(&w.as_str()))
        .collect();
    let mut direction = None;
    if words.len() > 1 {
        if let Some(k) = words.iter().position(|w| direction_of(w).is_some()) {
            direction = direction_of(&words.remove(k));
        }
    }
    let last = words.len().saturating_sub(1);
    for w in &mut words[..last] {
        if w.len() >= 5 && (w.ends_with("et") || w.ends_with("at")) {
            w.pop();
        }
    }
    let mut s = words.concat();
    if s.ends_with('h') && s.len() > 3 {
        s.pop();
    }
    s.extend(direction);
    s
}

/// The direction a word of a village's name gives, in Arabic or English
/// ("al-Sharqiyah", "Eastern"): twin villages are told apart by it.
fn direction_of(w: &str) -> Option<char> {
    let stem = w.trim_end_matches('h');
    let stem = stem
        .strip_suffix("iya")
        .or_else(|| stem.strip_suffix("iye"))
        .or_else(|| stem.strip_suffix("ia"))
        .map_or(stem, |s| s);
    match stem {
        "east" | "eastern" | "sharq" | "sharqi" | "sharki" => Some('E'),
        "west" | "western" | "gharb" | "gharbi" => Some('W'),
        "north" | "northern" | "shamal" | "shamali" | "shimali" => Some('N'),
        "south" | "southern" | "janub" | "janubi" | "janoubi" | "janoub" => Some('S'),
        _ => None,
    }
}

/// The consonants of a vowelled name, doubled letters once, q as k
/// ("hatitajaras" → "htjrs"); "w" and "y" before a vowel ("Mowaileh",
/// "Mweileh") count as consonants, "ou" before a vowel as "w"
/// ("Houeijeh"). A name's keys for lookup: these consonants, and the
/// consonants with every "w" and "y" dropped, as older transliterations
/// write them; keys of fewer than three letters name too many places.
fn consonant_keys(v: &str) -> Vec<String> {
    let vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u');
    let chars: Vec<char> = v.chars().collect();
    let mut strict = String::new();
    let mut loose = String::new();
    let mut k = 0;
    while k < chars.len() {
        let next = chars.get(k + 1).copied();
        let (c, step) = match chars[k] {
            'q' | 'c' => ('k', 1),
            'o' if next == Some('u') && chars.get(k + 2).copied().is_some_and(vowel) => ('w', 2),
            c => (c, 1),
        };
        k += step;
        let consonantal = matches!(c, 'w' | 'y') && chars.get(k).copied().is_some_and(vowel);
        if (vowel(c) || matches!(c, 'w' | 'y')) && !consonantal {
            continue;
        }
        if !strict.ends_with(c) {
            strict.push(c);
        }
        if !matches!(c, 'w' | 'y') && !loose.ends_with(c) {
            loose.push(c);
        }
    }
    let mut keys: Vec<String> = [strict, loose]
        .into_iter()
        .filter(|k| k.chars().count() >= 3)
        .collect();
    keys.dedup();
    keys
}

/// Edit distance of two short strings.
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// "Iskan area of Baghdad", "al-Kifah district in central Baghdad",
/// "Karadah in Baghdad": a quarter named inside a town is in that town.
/// When the quarter's name resolved far from it (a namesake village in
/// another country), it takes its candidate within the town, else the
/// town's own point: the gazetteer lacks most quarters.
fn inside_towns(
    gaz: &Gazetteer,
    t: &Text<'_>,
    range: &std::ops::Range<usize>,
    out: &mut [PlaceMention],
) {
    const NEAR_KM: f64 = 30.0;
    for i in 0..out.len() {
        let mut k = out[i].end;
        let noun = k < range.end && QUARTER_NOUNS.contains(&t.tok(k));
        k += usize::from(noun);
        if k >= range.end || !(t.tok(k) == "in" || (noun && t.tok(k) == "of")) {
            continue;
        }
        k += 1;
        while k < range.end && QUARTER_OF.contains(&t.tok(k)) {
            k += 1;
        }
        let Some(j) = out.iter().position(|m| m.start == k) else {
            continue;
        };
        let town = gaz.place(out[j].place);
        let quarter = gaz.place(out[i].place);
        if !matches!(town.kind, PlaceKind::City | PlaceKind::Town) || !is_local(quarter.kind) {
            continue;
        }
        // "Tamanaa in Idlib": a town in the province that bears the
        // town's name.
        let same_province = quarter.country == town.country && quarter.province == town.province;
        if same_province || haversine_km(town.lat, town.lon, quarter.lat, quarter.lon) <= NEAR_KM {
            continue;
        }
        let near = out[i].candidates.iter().copied().find(|&c| {
            let p = gaz.place(c);
            haversine_km(town.lat, town.lon, p.lat, p.lon) <= NEAR_KM
        });
        out[i].place = near.unwrap_or(out[j].place);
    }
}

/// Nouns between a quarter's name and its town ("Iskan area of Baghdad").
const QUARTER_NOUNS: &[&str] = &[
    "area",
    "district",
    "neighborhood",
    "neighbourhood",
    "quarter",
    "suburb",
    "section",
];

/// Words between "in"/"of" and the town ("in central Baghdad").
const QUARTER_OF: &[&str] = &[
    "the",
    "central",
    "downtown",
    "eastern",
    "western",
    "northern",
    "southern",
    "east",
    "west",
    "north",
    "south",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
];

fn mention(
    t: &Text<'_>,
    range: &std::ops::Range<usize>,
    start: usize,
    end: usize,
    candidates: Vec<PlaceIdx>,
) -> PlaceMention {
    let (precision, relation_start) = relation(t, range.start, start);
    let attributive = end < range.end && ATTRIBUTIVE.contains(&t.tok(end));
    let locative = is_locative(t, range.start, start) && !attributive;
    PlaceMention {
        start,
        end,
        place: candidates[0],
        candidates,
        precision,
        relation_start,
        locative,
        kind_hint: kind_hint(t, range, start, end),
    }
}

/// The kind of place that a noun before or after the name says it is:
/// "the village of Kastan", "Kansafra village", "قرية البشيرية",
/// "بمدينة حلب", "حي جوبر", "al-Kifah district".
fn kind_hint(
    t: &Text<'_>,
    range: &std::ops::Range<usize>,
    start: usize,
    end: usize,
) -> Option<PlaceKind> {
    let noun = |w: &str| -> Option<PlaceKind> {
        // An Arabic noun may carry a proclitic: بقرية، وقرية، لمدينة.
        let bare = ["و", "ب", "ل", "وب", "ول", "ف"]
            .iter()
            .filter_map(|p| w.strip_prefix(p))
            .chain(std::iter::once(w));
        bare.into_iter().find_map(|w| match w {
            "village" | "قريه" => Some(PlaceKind::Village),
            "town" | "بلده" => Some(PlaceKind::Town),
            "city" | "مدينه" => Some(PlaceKind::City),
            "neighborhood" | "neighbourhood" | "quarter" | "حي" => Some(PlaceKind::Neighbourhood),
            _ => None,
        })
    };
    // Before: "قرية X", "the village of X".
    let mut b = start;
    if b > range.start && t.tok(b - 1) == "of" {
        b -= 1;
    }
    if b > range.start {
        if let Some(k) = noun(t.tok(b - 1)) {
            // "the city of X" in English, any noun right before in Arabic.
            let arabic = !t.tok(b - 1).is_ascii();
            if arabic == (b == start) {
                return Some(k);
            }
        }
    }
    // After: "Kansafra village", "Karrada district" (a quarter).
    if end < range.end && t.tok(end).is_ascii() {
        match t.tok(end) {
            "district" | "area" => return Some(PlaceKind::Neighbourhood),
            w => return noun(w),
        }
    }
    None
}

/// Towns named as part of a facility's name in `ranges` ("Baghdad
/// airport", "Mosul University"): `find` leaves them out, for the name is
/// the facility's, but the facility is in the town. For an event whose
/// text names no other local place.
pub fn facilities(
    gaz: &Gazetteer,
    t: &Text<'_>,
    ranges: &[std::ops::Range<usize>],
    context_countries: &[String],
) -> Vec<PlaceMention> {
    let mut out = Vec::new();
    for range in ranges.iter().filter(|r| !r.is_empty()) {
        let from = t.tokens[range.start].start;
        let to = t.tokens[range.end - 1].end;
        let token_at = |byte: usize| t.tokens.partition_point(|tk| tk.start < byte);
        for m in gaz.find_names(&t.norm[from..to]) {
            let (start, end) = (token_at(from + m.start), token_at(from + m.end));
            let facility = end < range.end && FACILITIES.contains(&t.tok(end));
            if start < end && end <= range.end && facility && looks_like_a_name(t, start, end) {
                out.push(mention(t, range, start, end, m.places));
            }
        }
    }
    resolve(gaz, t, &mut out, context_countries, &[], &[], &[]);
    out
}

/// Facilities that bear the name of their town.
const FACILITIES: &[&str] = &[
    "airport",
    "university",
    "hospital",
    "stadium",
    "hotel",
    "prison",
    "refinery",
    "dam",
    "مطار",
    "جامعه",
    "مستشفي",
    "سجن",
];

/// A Latin name followed by an article and another word is the start of
/// a longer name that the gazetteer lacks: "Bab" in "Bab al-Shurji", "Ras"
/// in "Ras al-Nabi" are not the towns of those names, and "Saad bin Mahaz"
/// is a man.
fn continues_in_arabic(
    t: &Text<'_>,
    range: &std::ops::Range<usize>,
    start: usize,
    end: usize,
) -> bool {
    let latin = t
        .original_of(start, end)
        .starts_with(|c: char| c.is_ascii_alphabetic());
    let mut i = end;
    if i < range.end && t.tok(i) == "-" {
        i += 1;
    }
    if !latin || i >= range.end || !matches!(t.tok(i), "al" | "el" | "bin" | "ibn" | "bint") {
        return false;
    }
    let mut j = i + 1;
    if j < range.end && t.tok(j) == "-" {
        j += 1;
    }
    j < range.end && t.kind(j) == Kind::Word
}

/// "Bustan Al-Qasr", "Karam al-Qaterji": a name that opens with the
/// article right after a capitalized word inside a sentence ends a longer
/// name that the gazetteer lacks; al-Qasr alone is another place.
fn ends_a_longer_name(
    t: &Text<'_>,
    range: &std::ops::Range<usize>,
    start: usize,
    out: &[PlaceMention],
) -> bool {
    if start <= range.start || !matches!(t.tok(start), "al" | "el") {
        return false;
    }
    let p = start - 1;
    let capitalized = t.kind(p) == Kind::Word
        && t.original_of(p, p + 1)
            .starts_with(|c: char| c.is_ascii_uppercase());
    let opens_sentence = t.sentences[t.sentence_of(p)].start == p;
    let a_place = out.iter().any(|m| m.end == start);
    capitalized && !opens_sentence && !a_place && t.tokens[p].end < t.tokens[start].start
}

/// "Patriotic Union of Kurdistan", "Islamic Party of Iraq": the place
/// names an organisation, not where something happened.
fn names_an_organisation(t: &Text<'_>, range: &std::ops::Range<usize>, start: usize) -> bool {
    start >= range.start + 2
        && t.tok(start - 1) == "of"
        && ORG_OF.contains(&t.tok(start - 2))
        && t.original_of(start - 2, start - 1)
            .starts_with(|c: char| c.is_uppercase())
}

/// Organisations named "… of <place>".
const ORG_OF: &[&str] = &[
    "union",
    "party",
    "front",
    "movement",
    "brigades",
    "battalion",
    "league",
    "alliance",
    "organization",
    "organisation",
    "association",
    "congress",
    "council",
    "bank",
];

/// Words after a place name that make it an attribute of an office
/// ("in the Karbala police department"): the event is not placed there.
const ATTRIBUTIVE: &[&str] = &[
    "police",
    "governor",
    "governorate",
    "council",
    "department",
    "deputy",
    "provincial",
    "municipal",
    "chief",
    "official",
    "officials",
    "native",
    "resident",
    "residents",
];

/// Whether the place is where someone came from ("from the village of
/// X"), not where anything happened.
pub fn from_there(t: &Text<'_>, m: &PlaceMention) -> bool {
    let mut b = m.start;
    while b > 0
        && matches!(
            t.tok(b - 1),
            "the" | "town" | "city" | "village" | "of" | "al" | "el" | "-" | "area"
        )
    {
        b -= 1;
    }
    b > 0 && matches!(t.tok(b - 1), "from" | "من")
}

/// Whether a locative preposition introduces the name at `start` ("in",
/// "in the town of", "في").
fn is_locative(t: &Text<'_>, floor: usize, start: usize) -> bool {
    start > floor && {
        let mut b = start - 1;
        while b > floor
            && matches!(
                t.tok(b),
                "the" | "town" | "city" | "village" | "of" | "al" | "el" | "-" | "area" | "منطقه"
            )
        {
            b -= 1;
        }
        LOCATIVE.contains(&t.tok(b))
    }
}

/// What the rules need to know about the whole text.
struct Doc<'t> {
    /// Whether the text is written in capitals (a headline, a telegram).
    shouting: bool,
    /// Character spans of the web addresses in the text.
    urls: Vec<(usize, usize)>,
    /// Normalized words that the text also writes in lower case.
    lowercase: HashSet<&'t str>,
}

impl<'t> Doc<'t> {
    fn new(t: &'t Text<'_>, range: std::ops::Range<usize>) -> Doc<'t> {
        let (mut upper, mut letters) = (0usize, 0usize);
        let mut lowercase = HashSet::new();
        for i in range {
            if t.kind(i) != Kind::Word {
                continue;
            }
            let o = t.original_of(i, i + 1);
            for c in o.chars().filter(|c| c.is_ascii_alphabetic()) {
                letters += 1;
                upper += usize::from(c.is_ascii_uppercase());
            }
            if o.starts_with(|c: char| c.is_lowercase()) {
                lowercase.insert(t.tok(i));
            }
        }
        Doc {
            shouting: letters > 0 && upper * 10 > letters * 7,
            urls: urls(t.original),
            lowercase,
        }
    }

    /// Whether the token at `i` is inside a web address
    /// ("facebook.com/Omar.news" names no place).
    fn in_url(&self, t: &Text<'_>, i: usize) -> bool {
        let at = t.span(i, i + 1).start;
        self.urls.iter().any(|&(a, b)| (a..b).contains(&at))
    }

    /// A short name in capitals in a text that is not ("SAMS", "IRS"): an
    /// acronym, not a place; dotted forms ("U.S.") are names.
    fn is_acronym_like(&self, t: &Text<'_>, start: usize, end: usize) -> bool {
        if self.shouting {
            return false;
        }
        let o = t.original_of(start, end);
        let letters: Vec<char> = o.chars().filter(|c| c.is_alphabetic()).collect();
        !o.contains('.')
            && (2..=4).contains(&letters.len())
            && letters.iter().all(|c| c.is_ascii_uppercase())
    }

    /// One word that opens a sentence and that the text also writes in
    /// lower case ("Samples were taken …" beside "samples"): a common word.
    fn common_word_at_sentence_start(&self, t: &Text<'_>, start: usize, end: usize) -> bool {
        if end - start != 1 || self.shouting {
            return false;
        }
        let s = t.sentence_of(start);
        let mut first = t.sentences[s].start;
        while first < start && t.kind(first) == Kind::Punct {
            first += 1;
        }
        first == start && self.lowercase.contains(t.tok(start))
    }
}

/// Character spans of the web addresses of a text: from `http`, `www.`
/// or a `/` to the next space.
fn urls(text: &str) -> Vec<(usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let word_start = i == 0 || chars[i - 1].is_whitespace() || chars[i - 1] == '(';
        let starts = |p: &str| {
            chars[i..]
                .iter()
                .take(p.len())
                .map(|c| c.to_ascii_lowercase())
                .eq(p.chars())
        };
        if word_start && (starts("http") || starts("www.")) {
            let mut j = i;
            while j < chars.len() && !chars[j].is_whitespace() {
                j += 1;
            }
            out.push((i, j));
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// Whether the name is a part of a hashtag of several words
/// (`#Kuwait_floods`): such a tag names a topic, not a place. A tag that is
/// the name (`#Beirut`, `#مرفأ_بيروت` read as one name) is kept.
fn in_hashtag(t: &Text<'_>, range: &std::ops::Range<usize>, start: usize, end: usize) -> bool {
    let joined = |a: usize, b: usize| t.tokens[a].end == t.tokens[b].start;
    let part = |i: usize| t.kind(i) == Kind::Word || t.tok(i) == "_";
    let mut a = start;
    while a > range.start && joined(a - 1, a) && part(a - 1) {
        a -= 1;
    }
    if a == range.start || !joined(a - 1, a) || t.tok(a - 1) != "#" {
        return false;
    }
    let mut b = end;
    while b < range.end && joined(b - 1, b) && part(b) {
        b += 1;
    }
    (a, b) != (start, end)
}

/// If the name is a person's, the word to remember as one: after a title
/// ("Mayor Tom", "Sen. Byrd", "his son Adrian"), after a given name or an
/// initial ("Jason Jones", "George W. Bush"), a given name before a
/// surname ("Henry Smith"), a speaker ("Allison said", "said Nelson"), or
/// a name followed by an age ("Henry, 24,").
fn person_name(
    lex: &Lexicon,
    gaz: &Gazetteer,
    t: &Text<'_>,
    range: &std::ops::Range<usize>,
    start: usize,
    end: usize,
    candidates: &[PlaceIdx],
) -> Option<String> {
    let original = t.original_of(start, end);
    let latin = original.starts_with(|c: char| c.is_ascii_alphabetic());
    let word = |i: usize| (range.contains(&i) && t.kind(i) == Kind::Word).then(|| t.tok(i));
    let capitalized = |i: usize| {
        t.original_of(i, i + 1)
            .starts_with(|c: char| c.is_uppercase())
    };
    // The word before, skipping an abbreviation's period ("Sen. Byrd").
    let (prev, prev_i) = match start.checked_sub(1).filter(|&p| p >= range.start) {
        Some(p) if t.tok(p) == "." => (p.checked_sub(1).and_then(word), p.saturating_sub(1)),
        Some(p) => (word(p), p),
        None => (None, 0),
    };
    let key = || t.tok(start).to_string();
    if let Some(p) = prev {
        let arabic = !p.starts_with(|c: char| c.is_ascii());
        if lex.relations.contains(p) || (lex.titles.contains(p) && (arabic || capitalized(prev_i)))
        {
            return Some(key());
        }
        if latin && capitalized(prev_i) {
            let initial = p.chars().count() == 1 && prev_i + 1 < start;
            if lex.first_names.contains(p) || initial {
                return Some(key());
            }
            // "Hillary Clinton", "Perry Chu": a capitalized word inside a
            // sentence that does not begin a place name. Only for one-word
            // names right after it; the word before must not be a place
            // itself ("Paris Texas" is two names).
            let inside = t.sentences[t.sentence_of(start)].start < prev_i;
            let own_name = !gaz.lookup(p).is_empty();
            if end - start == 1
                && prev_i + 1 == start
                && inside
                && !own_name
                && !lex.place_prefixes.contains(p)
                && !lex.titles.contains(p)
                && !all_caps(t.original_of(prev_i, prev_i + 1))
            {
                return Some(key());
            }
        }
    }
    if !latin || end - start != 1 {
        return None;
    }
    let next = word(end);
    // A given name before a capitalized word that is not a place's
    // ("Henry Smith", not "Tyler Police" or "Tyler County").
    if lex.first_names.contains(t.tok(start))
        && next.is_some_and(|n| !ORG_AFTER.contains(&n) && !NOT_A_SURNAME.contains(&n))
        && capitalized(end)
    {
        return Some(key());
    }
    // Speakers and ages: only for names of small places ("Moscow said"
    // is the government).
    let minor = candidates.iter().all(|&c| {
        let p = gaz.place(c);
        matches!(
            p.kind,
            PlaceKind::Village | PlaceKind::Town | PlaceKind::Neighbourhood | PlaceKind::Other
        ) && !is_region(p)
    });
    if !minor || is_locative(t, range.start, start) {
        return None;
    }
    let after = if next.is_none() && end < range.end && t.tok(end) == "," {
        word(end + 1)
    } else {
        next
    };
    if after.is_some_and(|n| lex.speech_verbs.contains(n))
        || prev.is_some_and(|p| lex.speech_verbs.contains(p))
    {
        return Some(key());
    }
    let age = end + 2 < range.end
        && t.tok(end) == ","
        && t.kind(end + 1) == Kind::Number
        && t.tok(end + 2) == ",";
    // "Hazem, an employee at the hospital": a person in apposition.
    let apposition = end + 2 < range.end
        && t.tok(end) == ","
        && matches!(t.tok(end + 1), "a" | "an")
        && lex.apposition_nouns.contains(t.tok(end + 2));
    (age || apposition).then(key)
}

/// A word written in capitals ("UN", "NATO"): an acronym before a name is
/// no person's first name.
fn all_caps(w: &str) -> bool {
    w.chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase)
}

/// Capitalized words after a given name that make it a place's name, not
/// a person's ("Tyler County", "Jackson Heights").
const NOT_A_SURNAME: &[&str] = &[
    "county",
    "parish",
    "city",
    "police",
    "township",
    "heights",
    "falls",
    "springs",
    "beach",
    "valley",
    "river",
    "lake",
    "island",
    "park",
    "high",
    "middle",
    "elementary",
    "state",
    "area",
    "region",
    "district",
];

/// Latin-script names must be capitalized in the original text ("said" is
/// a village somewhere); common words that are also capitalized names are
/// the gazetteer's stoplist's business.
/// The Arabic article as the press writes it before a capitalized name.
const LOWER_ARTICLES: &[&str] = &[
    "al", "el", "ad", "adh", "an", "ar", "as", "ash", "at", "ath", "az",
];

fn looks_like_a_name(t: &Text<'_>, start: usize, end: usize) -> bool {
    let original = t.original_of(start, end);
    let Some(first) = original.chars().next() else {
        return false;
    };
    let latin = first.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&first);
    if !latin {
        return t.kind(start) == Kind::Word;
    }
    // "near al-Shuhayl", "in el-Arish": the press writes the article in
    // lower case. Only after a locative word: "al-Hayat reported" and "the
    // al-Quds newspaper" are papers, not places.
    let after_article = original
        .split_once('-')
        .filter(|(article, _)| LOWER_ARTICLES.contains(article))
        .and_then(|(_, rest)| rest.chars().next())
        .is_some_and(char::is_uppercase)
        && start > 0
        && (LOCATIVE.contains(&t.tok(start - 1))
            || Lexicon::bundled().near.contains(t.tok(start - 1))
            || matches!(t.tok(start - 1), "to" | "of" | "and" | "or"));
    if !first.is_uppercase() && !after_article {
        return false;
    }
    // Every significant word capitalized ("Ras al-Ain": particles may be
    // lower case), unless the text is all capitals.
    let shouting = original
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase);
    // A particle ends no name: "Zir in Deir ez-Zor" is Zir, not Zir'in.
    let last_lower = original.contains(' ')
        && original
            .rsplit(' ')
            .next()
            .is_some_and(|w| w.chars().all(char::is_lowercase));
    shouting
        || !last_lower
            && original
                .split([' ', '-'])
                .filter(|w| w.chars().count() > 3)
                .all(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// "near X", "35 km west of X", "ريف X", "قرب X": precision 2.
fn relation(t: &Text<'_>, floor: usize, start: usize) -> (GeoPrecision, Option<usize>) {
    let near = &Lexicon::bundled().near;
    let mut b = start;
    let mut steps = 0;
    while b > floor && steps < 6 {
        let w = t.tok(b - 1);
        if near.contains(w) {
            return (GeoPrecision::Near, Some(b - 1));
        }
        if matches!(
            w,
            "of" | "the"
                | "al"
                | "el"
                | "village"
                | "town"
                | "city"
                | "area"
                | "to"
                | "from"
                | "km"
                | "kilometres"
                | "kilometers"
                | "miles"
                | "من"
                | "كم"
                | "كيلومترا"
                | "كيلومتر"
        ) || t.kind(b - 1) == Kind::Number
            || w == "-"
        {
            b -= 1;
            steps += 1;
            continue;
        }
        break;
    }
    (GeoPrecision::Place, None)
}

/// Picks one place per mention. The text's evidence comes first: the
/// countries it names (by name, by a demonym, through a place that has no
/// namesake) and the provinces and states it names; then each mention
/// takes the candidate with the best score, and a second pass adds
/// coherence with the places the other mentions took (the same province,
/// nearness). A mention's own name is no evidence for itself: "Lebanon"
/// in a Pennsylvania paper is not made a country by being a country's name.
fn resolve(
    gaz: &Gazetteer,
    t: &Text<'_>,
    mentions: &mut [PlaceMention],
    context: &[String],
    evidence: &[String],
    theatre: &[(std::ops::Range<usize>, String, String)],
    holders: &[Vec<usize>],
) {
    // A name said again in the same words, with the same candidates and
    // wording, resolves as it did the first time: `rep` is the first such
    // mention, and only those are scored (a long report names its town
    // dozens of times).
    let originals: Vec<&str> = mentions
        .iter()
        .map(|m| t.original_of(m.start, m.end))
        .collect();
    let mut first_of = HashMap::new();
    let rep: Vec<usize> = mentions
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let norm = &t.norm[t.tokens[m.start].start..t.tokens[m.end - 1].end];
            let key = (
                originals[i],
                norm,
                m.end - m.start,
                m.candidates.as_slice(),
                m.kind_hint,
            );
            *first_of.entry(key).or_insert(i)
        })
        .collect();
    // How well each candidate's main name matches the mention: GeoNames
    // gives cities the names of their states as alternate names ("Texas"
    // for San Antonio), and those must not outweigh the state. Arabic
    // names are all alternate names of their places: no candidate gains.
    let mut main: Vec<Vec<f64>> = Vec::with_capacity(mentions.len());
    for (i, m) in mentions.iter().enumerate() {
        let row = if rep[i] < i {
            main[rep[i]].clone()
        } else if originals[i].starts_with(|c: char| c.is_ascii_alphabetic()) {
            let a = skeleton(originals[i]);
            m.candidates
                .iter()
                .map(|&c| resemblance(&a, &skeleton(&gaz.place(c).name)))
                .collect()
        } else {
            vec![0.0; m.candidates.len()]
        };
        main.push(row);
    }
    // "Daraa", "Basra": a city that bears its province's name is the city
    // when the text does not say "province".
    for (m, main) in mentions.iter().zip(main.iter_mut()) {
        let provinces: Vec<&vigil_geo::GeoPlace> = m
            .candidates
            .iter()
            .zip(main.iter())
            .filter(|&(&c, &r)| r >= 5.0 && gaz.place(c).kind == PlaceKind::Province)
            .map(|(&c, _)| gaz.place(c))
            .collect();
        for (&c, r) in m.candidates.iter().zip(main.iter_mut()) {
            let p = gaz.place(c);
            let seat = matches!(p.kind, PlaceKind::City | PlaceKind::Town)
                && provinces
                    .iter()
                    .any(|v| v.country == p.country && v.province == p.province);
            if seat && *r >= 5.0 {
                *r += 1.5;
            }
        }
    }
    // Each mention's evidence for countries.
    let lex = Lexicon::bundled();
    let own: Vec<Vec<(String, f64)>> = mentions
        .iter()
        .zip(&main)
        .map(|(m, main)| {
            let mut e = Vec::new();
            // A demonym ("French") is counted among `evidence`, at the
            // weight of a demonym: the French intelligence report on a
            // Syrian town does not move the text to France.
            if m.end - m.start == 1 && lex.demonyms.contains_key(t.tok(m.start)) {
                return e;
            }
            // A name whose places all lie in one country ("Henry County").
            let first = &gaz.place(m.candidates[0]).country;
            if m.candidates.iter().all(|&c| gaz.place(c).country == *first) {
                e.push((first.clone(), 1.0));
            }
            // A country or state named by its own name, when no other
            // country or state bears it ("Georgia" is both).
            let admins: Vec<&vigil_geo::GeoPlace> = m
                .candidates
                .iter()
                .zip(main)
                .filter(|&(_, &r)| r > 0.0)
                .map(|(&c, _)| gaz.place(c))
                .filter(|p| matches!(p.kind, PlaceKind::Country | PlaceKind::Province))
                .collect();
            if let [p] = admins[..] {
                let w = if p.kind == PlaceKind::Country {
                    1.5
                } else {
                    1.0
                };
                e.push((p.country.clone(), w));
            }
            e
        })
        .collect();
    let mut total: HashMap<String, f64> = HashMap::new();
    for (c, w) in own
        .iter()
        .flatten()
        .cloned()
        // A demonym says less about where a text is than a place does
        // ("the French intelligence report" on Syria).
        .chain(evidence.iter().map(|c| (c.clone(), 0.5)))
    {
        *total.entry(c).or_default() += w;
    }
    // The region's prior: strong when the text points nowhere else.
    let home: f64 = context.iter().filter_map(|c| total.get(c)).sum();
    let abroad: f64 = total
        .iter()
        .filter(|(c, _)| !c.is_empty() && !context.contains(c))
        .map(|(_, w)| w)
        .sum();
    let prior = if abroad < 1.0 {
        2.5
    } else if home >= abroad {
        1.0
    } else {
        0.25
    };
    for c in context {
        *total.entry(c.clone()).or_default() += prior;
    }
    // "Paris, Ill.", "London, Ontario": the place that follows after a
    // comma contains the one before.
    let container: Vec<Option<usize>> = (0..mentions.len())
        .map(|i| {
            let j = i + 1;
            (j < mentions.len()
                && mentions[j].start == mentions[i].end + 1
                && t.tok(mentions[i].end) == ",")
                .then_some(j)
        })
        .collect();
    // The same name said again is no evidence for itself: mentions are
    // told apart by their normalized surface, numbered.
    let mut surfaces: HashMap<String, usize> = HashMap::new();
    let surface: Vec<usize> = originals
        .iter()
        .map(|&o| {
            let n = surfaces.len();
            *surfaces.entry(vigil_text::normalize(o)).or_insert(n)
        })
        .collect();
    let mut chosen: Vec<PlaceIdx> = mentions.iter().map(|m| m.place).collect();
    for pass in 0..3 {
        let coherent = pass > 0;
        // What the places chosen so far say, once per pass, each (surface,
        // place) once: the nearest anchor and the best shared province do
        // not depend on how often a place was named.
        let mut seen: HashSet<(usize, PlaceIdx)> = HashSet::new();
        let mut provinces: Vec<(usize, &str, Option<&str>, PlaceKind)> = Vec::new();
        let mut anchors: Vec<(usize, f64, f64)> = Vec::new();
        if coherent {
            for (&s, &c) in surface.iter().zip(&chosen) {
                if !seen.insert((s, c)) {
                    continue;
                }
                let p = gaz.place(c);
                if p.kind != PlaceKind::Country && !is_region(p) {
                    provinces.push((s, &p.country, p.province.as_deref(), p.kind));
                }
                if is_local(p.kind) && !is_region(p) {
                    anchors.push((s, p.lat, p.lon));
                }
            }
        }
        // A mention's choice depends on its `rep`, on the place named
        // after it (the container) and on the places that hold it
        // ("بريف الرقة"): computed once per such key.
        let mut memo: HashMap<(usize, Option<PlaceIdx>, Vec<PlaceIdx>), PlaceIdx> = HashMap::new();
        let next: Vec<PlaceIdx> = (0..mentions.len())
            .map(|i| {
                let container = container[i]
                    .filter(|_| coherent)
                    .map(|j| chosen[j])
                    .filter(|&c| is_admin(gaz.place(c)));
                let r = rep[i];
                let held: Vec<PlaceIdx> = holders
                    .get(i)
                    .into_iter()
                    .flatten()
                    .map(|&j| chosen[j])
                    .collect();
                *memo.entry((r, container, held.clone())).or_insert_with(|| {
                    let m = &mentions[r];
                    let theatre: Vec<(&str, &str)> = theatre
                        .iter()
                        .filter(|(s, _, _)| s.contains(&m.start))
                        .map(|(_, c, p)| (c.as_str(), p.as_str()))
                        .collect();
                    // "California" in a list of states is the state, not
                    // the village of California in a state the list also
                    // names.
                    let own_admin = m.candidates.iter().zip(&main[r]).any(|(&c, &w)| {
                        w >= 5.0
                            && matches!(gaz.place(c).kind, PlaceKind::Country | PlaceKind::Province)
                    });
                    let ctx = Context {
                        kind_hint: m.kind_hint,
                        own_admin,
                        region: context,
                        theatre: &theatre,
                        countries: &total,
                        own: &own[r],
                        container: container.map(|c| gaz.place(c)),
                        holders: held.iter().map(|&c| gaz.place(c)).collect(),
                        provinces: provinces
                            .iter()
                            .filter(|x| x.0 != surface[r])
                            .map(|&(_, country, province, kind)| (country, province, kind))
                            .collect(),
                        anchors: anchors
                            .iter()
                            .filter(|x| x.0 != surface[r])
                            .map(|&(_, lat, lon)| (lat, lon))
                            .collect(),
                    };
                    m.candidates
                        .iter()
                        .zip(&main[r])
                        .map(|(&c, &w)| (c, score(gaz, c, w, &ctx)))
                        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                        .map_or(m.place, |(c, _)| c)
                })
            })
            .collect();
        chosen = next;
    }
    for (m, c) in mentions.iter_mut().zip(&chosen) {
        m.place = *c;
    }
}

/// What the text says about where one mention is.
struct Context<'g> {
    /// The kind of place the wording names ("the village of X").
    kind_hint: Option<PlaceKind>,
    /// Whether a country or province bears the mention as its own name:
    /// then the other places named lend no weight to its namesakes.
    own_admin: bool,
    /// The region's countries (the prior).
    region: &'g [String],
    /// Where the forces the mention's sentence names hold ground or fight.
    theatre: &'g [(&'g str, &'g str)],
    /// Country code → weight of the text's evidence for it, the mention's
    /// own evidence included ...
    countries: &'g HashMap<String, f64>,
    /// ... and that evidence, taken off in `country_weight`.
    own: &'g [(String, f64)],
    /// The country or state named right after the mention ("Paris, Ill.").
    container: Option<&'g vigil_geo::GeoPlace>,
    /// The places the wording puts the mention in or near, nearest first
    /// ("الكرامة بريف الرقة", "Tayyana, east of Mayadin").
    holders: Vec<&'g vigil_geo::GeoPlace>,
    /// (country, province, kind) of the places the other mentions took.
    provinces: Vec<(&'g str, Option<&'g str>, PlaceKind)>,
    /// The points of the local places the other mentions took.
    anchors: Vec<(f64, f64)>,
}

impl Context<'_> {
    /// The weight of the text's evidence for a country, without the
    /// mention's own.
    fn country_weight(&self, country: &str) -> f64 {
        self.countries.get(country).map_or(0.0, |&total| {
            self.own
                .iter()
                .filter(|(c, _)| c == country)
                .fold(total, |x, (_, w)| x - w)
        })
    }
}

/// How much the main name of a place looks like the mention: 6 when it is
/// the same name (articles, diacritics and spacing aside: "Shaddadi" and
/// "al-Shaddadi"), 5 a letter apart ("Basra", "Al Başrah"), 3 when they
/// begin alike, 0 when the mention is only an alternate name ("Texas" for
/// San Antonio, "Iskandariyah" for İskenderun). Both names come as
/// [`skeleton`]s: a mention's is made once for all its candidates.
fn resemblance(a: &str, b: &str) -> f64 {
    if a.is_empty() || b.is_empty() {
        0.0
    } else if a == b {
        6.0
    } else if near_spelling(a, b) {
        5.0
    } else {
        let n = a.chars().count().min(b.chars().count()).min(4);
        let same = a.chars().take(n).eq(b.chars().take(n));
        if same && n >= 3 {
            3.0
        } else {
            0.0
        }
    }
}

/// Two spellings one letter apart ("Basra", "Basrah"; "Tikrit", "Tekrit").
fn near_spelling(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 1 || a.len().min(b.len()) < 4 {
        return false;
    }
    let pre = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suf = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    pre + suf + 1 >= a.len().max(b.len())
}

/// A Latin name reduced for comparison: ASCII letters in lower case,
/// diacritics and a leading Arabic article dropped, words run together.
fn skeleton(name: &str) -> String {
    let folded: String =
        name.chars()
            .map(|c| match c {
                'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'À' | 'Á' | 'Â' | 'Ä'
                | 'Ā' => 'a',
                'ç' | 'ć' | 'č' | 'Ç' | 'Č' => 'c',
                'ḑ' | 'ď' | 'đ' | 'Ḑ' => 'd',
                'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' | 'É' | 'È' | 'Ē' => 'e',
                'ğ' | 'Ğ' => 'g',
                'ḩ' | 'ħ' | 'Ḩ' => 'h',
                'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' | 'İ' | 'Í' | 'Ī' => 'i',
                'ñ' | 'ń' | 'ň' => 'n',
                'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'Ö' | 'Ó' | 'Ō' => 'o',
                'ş' | 'ś' | 'š' | 'ṣ' | 'Ş' | 'Š' | 'Ṣ' => 's',
                'ţ' | 'ť' | 'ṭ' | 'Ţ' | 'Ṭ' => 't',
                'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'Ü' | 'Ú' | 'Ū' => 'u',
                'ý' | 'ÿ' => 'y',
                'ž' | 'ź' | 'ż' | 'ẓ' | 'Ž' | 'Ẓ' => 'z',
                c => c,
            })
            .collect::<String>()
            .to_ascii_lowercase();
    let words: Vec<String> = folded
        .split(|c: char| !c.is_ascii_alphanumeric() && !matches!(c, '\'' | '’' | '‘' | '`'))
        .map(|w| {
            w.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let skip = usize::from(words.len() > 1 && ARTICLES.contains(&words[0].as_str()));
    words[skip..].concat()
}

/// The Arabic article as transliterations write it.
const ARTICLES: &[&str] = &[
    "al", "el", "as", "ash", "ad", "adh", "ar", "az", "at", "ath", "an", "es", "esh", "ed", "er",
    "ez", "et", "en",
];

/// What a place in the theatre of the forces a text names gains: as much
/// as sharing a province with another place the text names, plus the cost
/// of a town's size (up to a hundred thousand people) and kind over a
/// village's: the forces fight at the village, not at the town of the
/// same name in a province where they have none.
const THEATRE: f64 = 5.0;

fn score(gaz: &Gazetteer, idx: PlaceIdx, main: f64, ctx: &Context<'_>) -> f64 {
    let p = gaz.place(idx);
    // Countries and provinces often come without a population: count them
    // as large as they usually are, so that a city's alternate name does
    // not outweigh a state's own.
    let population = match p.kind {
        _ if p.population > 0 => p.population,
        _ if is_region(p) => 100_000_000,
        PlaceKind::Country => 10_000_000,
        PlaceKind::Province => 10_000,
        _ => 0,
    };
    // A district's population is its area's, not its seat's: counted at
    // half, so that "al-Safira" is the town rather than the district.
    let divisor = if p.kind == PlaceKind::District {
        6.0
    } else {
        3.0
    };
    let mut s = ((population as f64) + 1.0).ln() / divisor;
    s += match p.kind {
        _ if is_region(p) => 4.0,
        PlaceKind::Country => 4.0,
        PlaceKind::Province | PlaceKind::City => 2.0,
        PlaceKind::Town => 1.0,
        PlaceKind::Camp | PlaceKind::Site => 1.0,
        PlaceKind::Village => 0.5,
        // A district is named after its seat: "al-Safira" is the town.
        PlaceKind::District => 0.25,
        // A quarter of one of the region's large cities (Jobar in
        // Damascus, Karrada in Baghdad) is named in the news more than a
        // village of the same name.
        PlaceKind::Neighbourhood
            if ctx.region.contains(&p.country) && near_large_city(gaz, p.lat, p.lon) =>
        {
            1.5
        }
        PlaceKind::Neighbourhood | PlaceKind::Other => 0.0,
    };
    // A small place abroad that bears the name as its main name, in a
    // text that points to the region and nowhere else ("near Palmyra" in
    // a report on Syria): the likeness of names weighs half against the
    // region's place known by the name. (Paris is Paris everywhere.)
    let small =
        p.population < 100_000 && !matches!(p.kind, PlaceKind::Country | PlaceKind::Province);
    let unseen_abroad = small
        && !ctx.region.contains(&p.country)
        && ctx.country_weight(&p.country) <= 0.0
        && ctx.region.iter().any(|c| ctx.country_weight(c) >= 2.5);
    s += if unseen_abroad { main / 2.0 } else { main };
    // "قرية البشيرية": the village of the name, not the town.
    s += match (ctx.kind_hint, p.kind) {
        (Some(h), k) if h == k => 1.5,
        (Some(PlaceKind::Village), PlaceKind::Town)
        | (Some(PlaceKind::Town), PlaceKind::Village | PlaceKind::City)
        | (Some(PlaceKind::City), PlaceKind::Town) => 0.75,
        // "the village of al-Sabha" is no city of 100,000; "قرية القنيطرة"
        // is no province.
        (Some(PlaceKind::Village), PlaceKind::City) => -2.0,
        (Some(PlaceKind::Village | PlaceKind::Town), PlaceKind::Province | PlaceKind::Country) => {
            -4.0
        }
        _ => 0.0,
    };
    // A village or town where the forces the text names fight, over its
    // namesakes elsewhere: "قرية القنيطرة" in a claim against the SDF is
    // the Raqqa village, not the Golan town nor Kenitra.
    let in_theatre = is_local(p.kind)
        && !is_region(p)
        && p.province
            .as_deref()
            .is_some_and(|pr| ctx.theatre.iter().any(|&(c, v)| c == p.country && v == pr));
    if in_theatre {
        s += THEATRE;
    }
    // The text's countries, up to a point: a local paper names its own
    // country often, and a namesake village there is still no country.
    s += ctx.country_weight(&p.country).min(2.5) * 2.0;
    // Beyond that cap the region's countries weigh alike; between two
    // namesake villages (OCHA's Bayaa in Aleppo, Baghdad's quarter) the
    // country the text names more breaks the tie.
    s += ctx.country_weight(&p.country).min(10.0) * 0.01;
    let namesake = ctx.own_admin && !is_admin(p);
    if let (Some(c), false) = (ctx.container, namesake) {
        let inside =
            c.country == p.country && (c.kind != PlaceKind::Province || c.province == p.province);
        if inside && c.kind != p.kind {
            s += 6.0;
        }
    }
    // "الكرامة بريف الرقة": the namesake in the province (and district)
    // of the place that holds it.
    if !namesake && p.province.is_some() {
        for h in &ctx.holders {
            if h.country != p.country || std::ptr::eq(*h, p) {
                continue;
            }
            match h.kind {
                PlaceKind::Province if h.province == p.province && p.kind != h.kind => s += 6.0,
                PlaceKind::City | PlaceKind::Town | PlaceKind::District => {
                    if h.province == p.province {
                        s += 3.0;
                    }
                    if h.district.is_some() && h.district == p.district {
                        s += 2.0;
                    }
                }
                _ => {}
            }
        }
    }
    if p.kind != PlaceKind::Country && p.province.is_some() && !namesake {
        let mut share = 0.0f64;
        for &(country, province, kind) in &ctx.provinces {
            if country == p.country && province == p.province.as_deref() {
                let w = if matches!(kind, PlaceKind::Province | PlaceKind::District) {
                    2.5
                } else {
                    1.5
                };
                share = share.max(w);
            }
        }
        s += share;
    }
    // An anchor more than a degree of latitude away (111 km) is too far
    // to count: no need for its distance.
    if let Some(d) = ctx
        .anchors
        .iter()
        .filter(|&&(la, _)| (la - p.lat).abs() <= 1.0)
        .map(|&(la, lo)| haversine_km(la, lo, p.lat, p.lon))
        .reduce(f64::min)
    {
        if d < 100.0 {
            s += 2.0 * (1.0 - d / 100.0);
        }
    }
    s
}

/// "the capital", "the Iraqi capital" in `ranges`, not followed by "of"
/// (the capital of a province is another town): the capital city of the
/// country of the demonym, else of the one country the mentions name.
pub fn capital_in(
    gaz: &Gazetteer,
    t: &Text<'_>,
    ranges: &[std::ops::Range<usize>],
    mentions: &[&PlaceMention],
) -> Option<PlaceMention> {
    let lex = Lexicon::bundled();
    let countries: HashSet<&str> = mentions
        .iter()
        .map(|m| gaz.place(m.place))
        .filter(|p| p.kind == PlaceKind::Country)
        .map(|p| p.country.as_str())
        .collect();
    for range in ranges {
        for i in range.clone() {
            if t.tok(i) != "capital" || i < range.start + 1 {
                continue;
            }
            if i + 1 < range.end && t.tok(i + 1) == "of" {
                continue;
            }
            let (start, country) = match t.tok(i - 1) {
                "the" => match countries.iter().collect::<Vec<_>>()[..] {
                    [c] => (i - 1, c.to_string()),
                    _ => continue,
                },
                w if i >= range.start + 2 && t.tok(i - 2) == "the" => {
                    let Some(p) = lex.demonyms.get(w).and_then(|n| admin_place(gaz, n)) else {
                        continue;
                    };
                    (i - 2, gaz.place(p).country.clone())
                }
                _ => continue,
            };
            let Some(capital) = (0..gaz.len() as PlaceIdx).find(|&c| {
                let p = gaz.place(c);
                p.fcode == "PPLC" && p.country == country
            }) else {
                continue;
            };
            return Some(PlaceMention {
                start,
                end: i + 1,
                place: capital,
                candidates: vec![capital],
                precision: GeoPrecision::Place,
                relation_start: None,
                locative: false,
                kind_hint: Some(PlaceKind::City),
            });
        }
    }
    None
}

/// Whether a point lies within 15 km of a city of a million people or
/// more.
fn near_large_city(gaz: &Gazetteer, lat: f64, lon: f64) -> bool {
    static CITIES: OnceLock<Vec<(f64, f64)>> = OnceLock::new();
    let cities = CITIES.get_or_init(|| {
        (0..gaz.len())
            .map(|i| gaz.place(i as PlaceIdx))
            .filter(|p| p.population >= 1_000_000 && !is_admin(p))
            .map(|p| (p.lat, p.lon))
            .collect()
    });
    // A tenth of a degree of latitude is 11 km: further than that, the
    // distance is not worth computing.
    cities
        .iter()
        .filter(|&&(a, _)| (a - lat).abs() <= 0.2)
        .any(|&(a, b)| haversine_km(a, b, lat, lon) <= 15.0)
}

/// Whether a place is specific enough to locate an event (a town, not a
/// country).
pub fn is_local(kind: PlaceKind) -> bool {
    !matches!(kind, PlaceKind::Country | PlaceKind::Province)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mentions of a text: (text as written, place chosen, its country,
    /// its kind).
    fn mentions(text: &str) -> Vec<(String, String, String, PlaceKind)> {
        let gaz = Gazetteer::bundled();
        let t = Text::new(text);
        let region = ["SY", "IQ", "TR"].map(String::from);
        find(gaz, &t, 0..t.tokens.len(), &region, &Forces::default())
            .into_iter()
            .map(|m| {
                let p = gaz.place(m.place);
                let s = t.span(m.start, m.end);
                let written: String = text.chars().skip(s.start).take(s.end - s.start).collect();
                (written, p.name.clone(), p.country.clone(), p.kind)
            })
            .collect()
    }

    /// Each row: a sentence, the mentions expected (as written), and for
    /// the first of them the country and kind of the place chosen.
    type Row = (
        &'static str,
        &'static str,
        &'static [&'static str],
        Option<(&'static str, PlaceKind)>,
    );

    fn check(rows: &[Row]) {
        for &(rule, text, want, first) in rows {
            let got = mentions(text);
            let written: Vec<&str> = got.iter().map(|m| m.0.as_str()).collect();
            assert_eq!(written, want, "{rule}: {text:?} gave {got:?}");
            if let Some((country, kind)) = first {
                assert_eq!(
                    (got[0].2.as_str(), got[0].3),
                    (country, kind),
                    "{rule}: {text:?} gave {got:?}"
                );
            }
        }
    }

    #[test]
    fn a_village_is_read_where_the_forces_its_sentence_names_fight() {
        let gaz = Gazetteer::bundled();
        let region = ["SY".to_string(), "IQ".to_string()];
        let read = |text: &str, theatre: &[&str]| {
            let t = Text::new(text);
            let forces = Forces {
                countries: vec!["SY".into()],
                theatre: theatre
                    .iter()
                    .map(|p| (0..t.tokens.len(), "SY".to_string(), p.to_string()))
                    .collect(),
            };
            let found = find(gaz, &t, 0..t.tokens.len(), &region, &forces);
            found
                .last()
                .map(|m| gaz.place(m.place))
                .map(|p| (p.name.clone(), p.province.clone().unwrap_or_default()))
        };
        let quneitra = "الهجوم على حاجز لميليشيا قسد في قرية القنيطرة";
        assert_eq!(read(quneitra, &[]).unwrap().1, "Quneitra");
        assert_eq!(read(quneitra, &["Al-Raqqah"]).unwrap().1, "Al-Raqqah");
        let fas = "مقتل عنصر من قسد برصاص قناص في بلدة فاس";
        assert_eq!(read(fas, &["Al-Hasakah"]).unwrap().1, "Al-Hasakah");
        // "قرية حسن زيد": the village Hassan Zaid, not a "Qaryat Hassan".
        let t = "تفجير عبوة ناسفة على دورية في قرية حسن زيد، مما أدى لهلاك خمسة منهم";
        assert_eq!(read(t, &[]).unwrap().0, "Hassan Zaid");
    }

    #[test]
    fn actors_fight_in_provinces_of_their_countries() {
        let gaz = Gazetteer::bundled();
        let kb = crate::kb::Kb::bundled();
        for a in &kb.actors {
            let theatre = provinces_named(gaz, &a.provinces, &a.countries);
            assert!(theatre.is_ok(), "{}: {theatre:?}", a.key);
        }
        let sdf = &kb.actors[kb.actor_by_key["syrian-democratic-forces"]];
        let theatre = provinces_named(gaz, &sdf.provinces, &sdf.countries).unwrap();
        assert!(theatre.contains(&("SY".to_string(), "Al-Raqqah".to_string())));
        let golan = ["Quneitra".to_string()];
        assert_eq!(
            provinces_named(gaz, &golan, &sdf.countries).unwrap().len(),
            1
        );
        assert_eq!(
            provinces_named(gaz, &golan, &["IQ".to_string()]),
            Err("Quneitra")
        );
    }

    #[test]
    fn lexicon_is_valid() {
        let lex = Lexicon::from_toml(BUNDLED.0, BUNDLED.1, Gazetteer::bundled()).unwrap();
        assert!(lex.first_names.contains("jason"));
        assert_eq!(
            lex.demonyms.get("russian").map(String::as_str),
            Some("Russia")
        );
        let head = "[person]\ntitles=[]\nrelations=[]\nfirst_names=[]\nspeech_verbs=[]\napposition_nouns=[]\n\
                   [names]\nplace_prefixes=[]\narabic_script_countries=[]\n\
                   [relations]\nnear=[]\nlinks=[]\nweak_links=[]\nmax_link_words=2\nplace_nouns=[]\n\
                   [compounds]\nkm=5.0\ngeneric_first_words=[]\n";
        let tail = "[acronyms]\n[state_abbreviations]\n";
        // (what is wrong, the file's middle part); `None` is a valid file.
        let rows: [(&str, Option<&str>); 3] = [
            ("nothing", None),
            ("a demonym of no country", Some("[demonyms]\nmartian = \"Mars\"\n")),
            (
                "a group's province that is no province",
                Some("[[group_province]]\nname_ar=[\"ولاية المريخ\"]\nname_en=[]\nprovince=\"Mars\"\nused_by=\"x\"\n[demonyms]\n"),
            ),
        ];
        for (what, middle) in rows {
            let file = format!("{head}{}{tail}", middle.unwrap_or("[demonyms]\n"));
            let parsed = Lexicon::from_toml("places.toml", &file, Gazetteer::bundled());
            assert_eq!(
                parsed.is_ok(),
                middle.is_none(),
                "{what}: {:?}",
                parsed.err()
            );
        }
        assert_eq!(
            lex.group_provinces.get("ولايه").map(|v| v.len() >= 16),
            Some(true)
        );
    }

    #[test]
    fn people_are_not_places() {
        use PlaceKind::*;
        check(&[
            (
                "title",
                "Mayor Tom Galligan opened the fair in Baghdad.",
                &["Baghdad"],
                Some(("IQ", City)),
            ),
            (
                "title with a period",
                "Sen. Byrd spoke for an hour.",
                &[],
                None,
            ),
            (
                "relation",
                "Her son Adrian lives with his father.",
                &[],
                None,
            ),
            (
                "given name before",
                "The trophy went to Jason Jones and his team.",
                &[],
                None,
            ),
            (
                "given name after title",
                "Detective Sgt. Don Yarbrough said it was a nuisance.",
                &[],
                None,
            ),
            (
                "given name before a surname",
                "Henry Smith won the race.",
                &[],
                None,
            ),
            ("initial", "George W. Bush visited the troops.", &[], None),
            (
                "unknown given name",
                "Her uncle Zbigniew Chu flew in from London.",
                &["London"],
                Some(("GB", City)),
            ),
            ("speaker", "The road was closed, Allison said.", &[], None),
            (
                "article in lower case",
                "A bomb exploded near al-Shuhayl on Monday.",
                &["al-Shuhayl"],
                Some(("SY", Village)),
            ),
            (
                "a lower-case word is not a name",
                "The al-qaeda cell met.",
                &[],
                None,
            ),
            (
                "a paper with a lower-case article",
                "The reporter told al-Hayat that the road was closed.",
                &[],
                None,
            ),
            (
                "the same surname later",
                "Jason Jones won. Jones thanked the coach.",
                &[],
                None,
            ),
            ("age", "Henry, 24, was arrested on Friday.", &[], None),
            (
                "apposition",
                "Hazem, an employee at the clinic, saw the smoke.",
                &[],
                None,
            ),
            ("bin", "A bomb hit the Saad bin Mahaz mosque.", &[], None),
        ]);
    }

    #[test]
    fn words_that_are_no_names() {
        use PlaceKind::*;
        check(&[
            (
                "acronym in capitals",
                "SAMS sent doctors to the camp.",
                &[],
                None,
            ),
            (
                "currency",
                "The fee rose to US$10,000 this year.",
                &[],
                None,
            ),
            (
                "common word opening a sentence",
                "Samples were taken. The samples went to a lab.",
                &[],
                None,
            ),
            (
                "web address",
                "See https://www.facebook.com/Omar.news/posts for more.",
                &[],
                None,
            ),
            (
                "longer Arabic name",
                "A bomb exploded in the Bab al-Shurji market.",
                &[],
                None,
            ),
            (
                "organisation of a place",
                "A leader of the Patriotic Union of Kurdistan was hurt.",
                &[],
                None,
            ),
            (
                "army of a militia",
                "Members of the Mahdi Army were blamed.",
                &[],
                None,
            ),
            ("part of a hashtag", "امطار غزيرة #امطار_الكويت", &[], None),
            (
                "whole hashtag",
                "امطار غزيرة في #الكويت",
                &["الكويت"],
                Some(("KW", Country)),
            ),
            (
                "common Arabic word",
                "شاهد الفيديو الذي نشرته وكالة الأنباء",
                &[],
                None,
            ),
            (
                "Arabic adjective that names a village",
                "استهدف القصف أحياء ذات كثافة سكانية عالية",
                &[],
                None,
            ),
            (
                "Arabic given name that names a town abroad",
                "قالت روان الحسن إن القصف استمر",
                &[],
                None,
            ),
            (
                "Arabic word for pictures",
                "نشر الناشطون صور الدمار",
                &[],
                None,
            ),
        ]);
    }

    #[test]
    fn mentions_without_a_name_index() {
        use PlaceKind::*;
        check(&[
            (
                "demonym",
                "Russian troops moved south.",
                &["Russian"],
                Some(("RU", Country)),
            ),
            (
                "demonym that names a village",
                "Canadian troops moved south.",
                &["Canadian"],
                Some(("CA", Country)),
            ),
            (
                "acronyms",
                "Aid from the US and the UK arrived.",
                &["US", "UK"],
                Some(("US", Country)),
            ),
            ("lower-case us", "He told us nothing.", &[], None),
            (
                "state abbreviation",
                "She was born in Paducah, Ky., in 1950.",
                &["Paducah", "Ky."],
                Some(("US", Town)),
            ),
            ("abbreviation elsewhere", "Ky. is short.", &[], None),
        ]);
    }

    #[test]
    fn other_transliterations() {
        use PlaceKind::*;
        check(&[
            (
                "a spelling the gazetteer lacks, of a name that looks Arabic",
                "An attack was reported in Hatetit Al Jarsh.",
                &["Hatetit Al Jarsh"],
                Some(("SY", Village)),
            ),
            (
                "the closest spelling",
                "Helicopters struck Beshiriya village in Syria.",
                &["Beshiriya", "Syria"],
                Some(("SY", Village)),
            ),
            (
                "a guessed name far from the other places is dropped",
                "Gunmen opened fire in Al-Tayaran and later in Baghdad.",
                &["Baghdad"],
                Some(("IQ", City)),
            ),
            (
                "no guess in a text about elsewhere",
                "Gunmen opened fire in Smithvale on Monday in Ohio.",
                &["Ohio"],
                Some(("US", Province)),
            ),
        ]);
        check(&[
            (
                "an Arabic spelling with a plain letter for an emphatic one",
                "قصفت الطائرات بلدة كنصفرة في ريف إدلب",
                &["كنصفرة", "إدلب"],
                Some(("SY", Village)),
            ),
            (
                "the bare name of twin villages (lower and upper), in Arabic",
                "سقطت قذيفة على قرية الكستن",
                &["الكستن"],
                Some(("SY", Village)),
            ),
            (
                "the bare name of twin villages, in another transliteration",
                "A shell fell on the village of Al-Kastan.",
                &["Al-Kastan"],
                Some(("SY", Village)),
            ),
            (
                "the end of a longer name is no name",
                "An attack hit Bustan Al-Qasr, Aleppo.",
                &["Aleppo"],
                Some(("SY", City)),
            ),
            (
                "a common Arabic word before another",
                "قصف على منطقة بستان القصر في حلب",
                &["حلب"],
                Some(("SY", City)),
            ),
        ]);
        assert_eq!(consonant_keys(&vowelled("Hatitat al Jarash")), ["htjrs"]);
        assert_eq!(consonant_keys(&vowelled("al-Mowaileh")), ["mwl"]);
        assert_eq!(consonant_keys(&vowelled("Mweileh")), ["mwl"]);
        assert_eq!(vowelled("Jurdi al-Sharqi"), "jurdiE");
        assert_eq!(vowelled("Eastern Jarda"), "jardaE");
        assert_eq!(vowelled("Jdidet Bikara"), "jdidebikara");
        assert_eq!(levenshtein("joubar", "jobar"), 1);
    }

    #[test]
    fn spans_of_names() {
        use PlaceKind::*;
        check(&[
            (
                "possessive",
                "Iraq's oil exports fell.",
                &["Iraq"],
                Some(("IQ", Country)),
            ),
            (
                "dotted abbreviation",
                "Troops left the U.S. on Monday.",
                &["U.S."],
                Some(("US", Country)),
            ),
            (
                "county",
                "He was jailed in Laurel County on Monday.",
                &["Laurel County"],
                Some(("US", District)),
            ),
        ]);
    }

    #[test]
    fn resolution() {
        use PlaceKind::*;
        check(&[
            (
                "a state, not the city that lists its name",
                "Rain fell across Texas.",
                &["Texas"],
                Some(("US", Province)),
            ),
            (
                "a country's own name",
                "Talks opened in England.",
                &["England"],
                Some(("GB", Province)),
            ),
            (
                "town, state",
                "He grew up in Paris, Texas, and moved away.",
                &["Paris", "Texas"],
                Some(("US", Town)),
            ),
            (
                "the capital by default",
                "She studied in Paris.",
                &["Paris"],
                Some(("FR", City)),
            ),
            (
                "the region's namesake when nothing else is said",
                "A chemical attack hit Adra.",
                &["Adra"],
                Some(("SY", Village)),
            ),
            (
                "the region's place by its English name, not a namesake abroad by its own",
                "Troops were killed near Palmyra on Thursday.",
                &["Palmyra"],
                Some(("SY", Town)),
            ),
            (
                "the city, not its province",
                "Three policemen were wounded in Basra.",
                &["Basra"],
                Some(("IQ", City)),
            ),
            (
                "the province when the text says so",
                "Gunmen attacked a convoy in Basra province.",
                &["Basra"],
                Some(("IQ", Province)),
            ),
            (
                "the same state as the others",
                "Business owners in Gainesville are hopeful. The town lies in north Texas.",
                &["Gainesville", "Texas"],
                Some(("US", Town)),
            ),
            (
                "a state in a list of states, not its namesake village there",
                "California, Missouri and Texas reported new cases.",
                &["California", "Missouri", "Texas"],
                Some(("US", Province)),
            ),
            (
                "a quarter named inside a town is in the town",
                "A mortar hit the Iskan area of Baghdad.",
                &["Iskan", "Baghdad"],
                Some(("IQ", City)),
            ),
            (
                "a town in the province that bears the town's name",
                "Shells fell on Kafr Zita in Hama.",
                &["Kafr Zita", "Hama"],
                Some(("SY", Town)),
            ),
            (
                "a district seat is a town",
                "A council worker in Mahmudiyah was kidnapped.",
                &["Mahmudiyah"],
                Some(("IQ", Town)),
            ),
            (
                "the village the wording names",
                "سقطت قذائف على قرية البشيرية بريف جسر الشغور",
                &["البشيرية", "جسر الشغور"],
                Some(("SY", Village)),
            ),
            (
                "a quarter of a large city before a village",
                "وقع هجوم في جوبر",
                &["جوبر"],
                Some(("SY", Neighbourhood)),
            ),
            (
                "the town, not the district named after it",
                "A shell hit Al Safira on Monday.",
                &["Al Safira"],
                Some(("SY", Town)),
            ),
            (
                "a demonym does not move the text abroad",
                "Shells hit Adra, a French report said.",
                &["Adra", "French"],
                Some(("SY", Village)),
            ),
            (
                "governorate and town",
                "ريف دمشق: حرستا: قصف على البلدة",
                &["ريف دمشق", "حرستا"],
                Some(("SY", Province)),
            ),
        ]);
        let t = mentions("Gainesville is in north Texas.");
        assert_eq!(t[0].1, "Gainesville");
    }

    /// Where a test expects a mention to resolve.
    #[derive(Debug, Clone, Copy)]
    enum Want {
        /// A place within 5 km of this point (lat, lon).
        At(f64, f64),
        /// The province or country of this main name.
        Named(&'static str),
    }

    /// Each row: what it checks, a text in report style, the mention as
    /// written, where it must resolve. The points are OCHA's.
    const VILLAGES_OF_THE_CLAIMS: &[(&str, &str, &str, Want)] = &[
        (
            "a village OCHA adds",
            "قتل عنصران من قسد بهجوم على حاجز في بلدة الطيانة بريف دير الزور الشرقي",
            "الطيانة",
            Want::At(34.9843, 40.5445),
        ),
        (
            "a village OCHA adds, in English",
            "Two SDF members were killed in an attack on a checkpoint in Tayyana, east of Deir ez-Zor.",
            "Tayyana",
            Want::At(34.9843, 40.5445),
        ),
        (
            "a village whose name is a common word, after its noun",
            "انفجرت عبوة ناسفة بدورية في بلدة الصور بريف دير الزور الشمالي",
            "الصور",
            Want::At(35.5067, 40.6617),
        ),
        (
            "the same village without the article",
            "انفجرت عبوة ناسفة بدورية في بلدة صور بريف دير الزور",
            "صور",
            Want::At(35.5067, 40.6617),
        ),
        (
            "the first word of twin villages, in the province named",
            "استهدف مسلحون حاجزا في سويدان بريف دير الزور الشرقي",
            "سويدان",
            Want::At(34.8965, 40.5901),
        ),
        (
            "a village of that very name in the province named",
            "استهدف مسلحون حاجزا في سويدان بريف الرقة",
            "سويدان",
            Want::At(36.3803, 38.7479),
        ),
        (
            "a common word as a village, linked to its province (Raqqa)",
            "هاجم مسلحون نقطة عسكرية في الكرامة بريف الرقة",
            "الكرامة",
            Want::At(35.8699, 39.2813),
        ),
        (
            "the namesake in Hasakah",
            "هاجم مسلحون نقطة عسكرية في قرية الكرامة بريف الحسكة",
            "قرية الكرامة",
            Want::At(36.3087, 40.7243),
        ),
        (
            "the namesake east of Deir ez-Zor",
            "هاجم مسلحون نقطة عسكرية في قرية الكرامة شرق دير الزور",
            "قرية الكرامة",
            Want::At(34.8925, 40.6041),
        ),
        (
            "a namesake told apart in English",
            "Gunmen attacked a checkpoint in Karama in the Raqqa countryside on Monday.",
            "Karama",
            Want::At(35.8699, 39.2813),
        ),
        (
            "a name that Who's On First put on a village 31 km away",
            "قتل مدني برصاص مجهولين في بلدة الكشكية بريف دير الزور",
            "الكشكية",
            Want::At(34.8117, 40.6947),
        ),
        (
            "the same village in English",
            "A civilian was shot dead by unknown gunmen in Kishkiyeh on Tuesday.",
            "Kishkiyeh",
            Want::At(34.8117, 40.6947),
        ),
        (
            "a village linked through its sub-district",
            "وقع الهجوم في الطيانة التابعة لناحية ذيبان بريف دير الزور",
            "الطيانة",
            Want::At(34.9843, 40.5445),
        ),
        (
            "the group's name for Deir ez-Zor",
            "أعلن التنظيم مقتل عنصر من قسد في ولاية الخير",
            "ولاية الخير",
            Want::Named("Deir ez-Zor"),
        ),
        (
            "the group's name for Hasakah, with a proclitic",
            "قتل عنصر من قسد بهجوم بولاية البركة",
            "بولاية البركة",
            Want::Named("Al-Hasakah"),
        ),
        (
            "the group's name for Hasakah, in English",
            "The group said its fighters attacked a checkpoint in Wilayat al-Barakah.",
            "Wilayat al-Barakah",
            Want::Named("Al-Hasakah"),
        ),
        (
            "the group's name for Syria",
            "نشر التنظيم حصيلة عملياته في ولاية الشام",
            "ولاية الشام",
            Want::Named("Syria"),
        ),
        (
            "the group's name for a province of Iraq",
            "هاجم مسلحون دورية في ولاية كركوك",
            "ولاية كركوك",
            Want::Named("Kirkuk"),
        ),
        (
            "the group's name for the Tigris valley",
            "أعلن التنظيم تفجير عبوة في ولاية دجلة",
            "ولاية دجلة",
            Want::Named("Saladin"),
        ),
        (
            "a village in the group's province",
            "قتل عنصر من قسد بهجوم في بلدة الطيانة في ولاية الخير",
            "الطيانة",
            Want::At(34.9843, 40.5445),
        ),
    ];

    #[test]
    fn villages_of_the_claims() {
        let gaz = Gazetteer::bundled();
        let region = ["SY", "IQ", "TR"].map(String::from);
        let mut failures = Vec::new();
        for &(rule, text, written, want) in VILLAGES_OF_THE_CLAIMS {
            let t = Text::new(text);
            let found = find(gaz, &t, 0..t.tokens.len(), &region, &Forces::default());
            let Some(m) = found
                .iter()
                .find(|m| t.original_of(m.start, m.end) == written)
            else {
                let got: Vec<&str> = found
                    .iter()
                    .map(|m| t.original_of(m.start, m.end))
                    .collect();
                failures.push(format!("{rule}: `{written}` not found in {got:?}"));
                continue;
            };
            let p = gaz.place(m.place);
            let ok = match want {
                Want::At(lat, lon) => haversine_km(lat, lon, p.lat, p.lon) <= 5.0,
                Want::Named(name) => p.name == name && is_admin(p),
            };
            if !ok {
                failures.push(format!(
                    "{rule}: `{written}` is {} ({}, {:.4}, {:.4}, {:?}), want {want:?}",
                    p.name, p.kind, p.lat, p.lon, p.province
                ));
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn facilities_name_their_town() {
        let gaz = Gazetteer::bundled();
        let text = "A bomb went off on the road to Baghdad airport.";
        let t = Text::new(text);
        assert!(find(gaz, &t, 0..t.tokens.len(), &[], &Forces::default()).is_empty());
        let f = facilities(gaz, &t, &t.sentences, &["IQ".to_string()]);
        assert_eq!(gaz.place(f[0].place).name, "Baghdad");
    }

    #[test]
    fn countries_lie_at_the_geonames_point() {
        let gaz = Gazetteer::bundled();
        let russia = admin_place(gaz, "Russia").map(|i| gaz.place(i));
        assert_eq!(russia.map(|p| (p.lat, p.lon)), Some((60.0, 100.0)));
    }

    #[test]
    fn the_capital_of_the_country_named() {
        let gaz = Gazetteer::bundled();
        let region = ["SY".to_string(), "IQ".to_string()];
        for (rule, text, want) in [
            (
                "demonym",
                "A bomb exploded in the Iraqi capital.",
                Some("Baghdad"),
            ),
            (
                "the one country named",
                "A bomb exploded in the capital. Such attacks are frequent in Syria.",
                Some("Damascus"),
            ),
            (
                "a province's capital",
                "A bomb exploded in the capital of the province.",
                None,
            ),
        ] {
            let t = Text::new(text);
            let found = find(gaz, &t, 0..t.tokens.len(), &region, &Forces::default());
            let refs: Vec<&PlaceMention> = found.iter().collect();
            let got =
                capital_in(gaz, &t, &t.sentences, &refs).map(|m| gaz.place(m.place).name.clone());
            assert_eq!(got.as_deref(), want, "{rule}: {text}");
        }
    }

    #[test]
    fn an_area_named_after_a_locative_is_locative() {
        let gaz = Gazetteer::bundled();
        let t = Text::new("وقع الهجوم في منطقة السرمانية");
        let found = find(
            gaz,
            &t,
            0..t.tokens.len(),
            &["SY".to_string()],
            &Forces::default(),
        );
        assert!(found[0].locative, "{found:?}");
    }

    #[test]
    fn resemblance_of_names() {
        let resemblance = |a: &str, b: &str| resemblance(&skeleton(a), &skeleton(b));
        assert_eq!(resemblance("Shaddadi", "al-Shaddadi"), 6.0);
        assert_eq!(resemblance("Basra", "Al Başrah"), 5.0);
        assert_eq!(resemblance("Texas", "San Antonio"), 0.0);
        assert_eq!(resemblance("Iskandariyah", "İskenderun"), 0.0);
        assert_eq!(resemblance("New York", "New York City"), 3.0);
    }
}
