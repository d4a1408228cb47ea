//! Places: gazetteer names found in the text, filtered (an English place
//! name is capitalized; "Aleppo University" is an organisation), resolved
//! to one place each (population, kind, the document's countries, nearness
//! to the other places named), and read with their relation ("near Raqqa",
//! "35 km west of Raqqa": precision 2 at the anchor).

use std::collections::HashMap;

use vigil_geo::{haversine_km, Gazetteer, PlaceIdx, PlaceKind};
use vigil_model::GeoPrecision;

use crate::text::{Kind, Text};

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
}

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
/// Words that put a place near the name rather than at it.
const NEAR: &[&str] = &[
    "near",
    "outside",
    "outskirts",
    "nearby",
    "around",
    "close",
    "west",
    "east",
    "north",
    "south",
    "northwest",
    "northeast",
    "southwest",
    "southeast",
    "countryside",
    "vicinity",
    "قرب",
    "بالقرب",
    "اطراف",
    "محيط",
    "ريف",
    "شرق",
    "غرب",
    "شمال",
    "جنوب",
    "شرقي",
    "غربي",
    "شمالي",
    "جنوبي",
    "ضواحي",
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

/// Places named in tokens `range`.
pub fn find(
    gaz: &Gazetteer,
    t: &Text<'_>,
    range: std::ops::Range<usize>,
    context_countries: &[String],
) -> Vec<PlaceMention> {
    if range.is_empty() {
        return Vec::new();
    }
    let from = t.tokens[range.start].start;
    let to = t.tokens[range.end - 1].end;
    let matches = gaz.find_names(&t.norm[from..to]);
    let token_at = |byte: usize| t.tokens.partition_point(|tk| tk.start < byte);
    let mut out: Vec<PlaceMention> = Vec::new();
    for m in matches {
        let start = token_at(from + m.start);
        let end = token_at(from + m.end);
        if start >= end || end > range.end {
            continue;
        }
        if !looks_like_a_name(t, start, end) {
            continue;
        }
        let next = if end < range.end { t.tok(end) } else { "" };
        if ORG_AFTER.contains(&next) {
            continue;
        }
        if start > range.start && ORG_BEFORE.contains(&t.tok(start - 1)) {
            continue;
        }
        let (precision, relation_start) = relation(t, range.start, start);
        let locative = start > range.start && {
            let mut b = start - 1;
            while b > range.start && matches!(t.tok(b), "the" | "town" | "city" | "village" | "of")
            {
                b -= 1;
            }
            LOCATIVE.contains(&t.tok(b))
        };
        out.push(PlaceMention {
            start,
            end,
            place: m.places[0],
            candidates: m.places,
            precision,
            relation_start,
            locative,
        });
    }
    resolve(gaz, &mut out, context_countries);
    out
}

/// Latin-script names must be capitalized in the original text ("said" is
/// a village somewhere); common words that are also capitalized names are
/// the gazetteer's stoplist's business.
fn looks_like_a_name(t: &Text<'_>, start: usize, end: usize) -> bool {
    let original = t.original_of(start, end);
    let Some(first) = original.chars().next() else {
        return false;
    };
    let latin = first.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&first);
    if !latin {
        return t.kind(start) == Kind::Word;
    }
    if !first.is_uppercase() {
        return false;
    }
    // Every significant word capitalized ("Ras al-Ain": particles may be
    // lower case), unless the text is all capitals.
    let shouting = original
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase);
    shouting
        || original
            .split([' ', '-'])
            .filter(|w| w.chars().count() > 3)
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// "near X", "35 km west of X", "ريف X", "قرب X": precision 2.
fn relation(t: &Text<'_>, floor: usize, start: usize) -> (GeoPrecision, Option<usize>) {
    let mut b = start;
    let mut steps = 0;
    while b > floor && steps < 6 {
        let w = t.tok(b - 1);
        if NEAR.contains(&w) {
            return (GeoPrecision::Near, Some(b - 1));
        }
        if matches!(
            w,
            "of" | "the"
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

/// Picks one place per mention: unambiguous mentions and the document's
/// countries set the context, then each ambiguous name takes the candidate
/// with the best score of population, kind, country and distance to the
/// places already resolved.
fn resolve(gaz: &Gazetteer, mentions: &mut [PlaceMention], context: &[String]) {
    let mut countries: HashMap<String, f64> = HashMap::new();
    for c in context {
        *countries.entry(c.clone()).or_default() += 0.5;
    }
    for m in mentions.iter() {
        if m.candidates.len() == 1 {
            *countries
                .entry(gaz.place(m.candidates[0]).country.clone())
                .or_default() += 1.0;
        }
        for &c in &m.candidates {
            if gaz.place(c).kind == PlaceKind::Country {
                *countries.entry(gaz.place(c).country.clone()).or_default() += 1.5;
            }
        }
    }
    let anchors: Vec<(f64, f64)> = mentions
        .iter()
        .filter(|m| m.candidates.len() == 1)
        .map(|m| {
            let p = gaz.place(m.candidates[0]);
            (p.lat, p.lon)
        })
        .collect();
    for m in mentions.iter_mut() {
        let best = m.candidates.iter().copied().max_by(|&a, &b| {
            score(gaz, a, &countries, &anchors)
                .total_cmp(&score(gaz, b, &countries, &anchors))
                .then(b.cmp(&a))
        });
        if let Some(b) = best {
            m.place = b;
        }
    }
}

fn score(
    gaz: &Gazetteer,
    idx: PlaceIdx,
    countries: &HashMap<String, f64>,
    anchors: &[(f64, f64)],
) -> f64 {
    let p = gaz.place(idx);
    let mut s = ((p.population as f64) + 1.0).ln() / 3.0;
    s += match p.kind {
        PlaceKind::Country => 4.0,
        PlaceKind::Province => 2.5,
        PlaceKind::City => 2.0,
        PlaceKind::Town => 1.0,
        PlaceKind::Camp | PlaceKind::Site => 1.0,
        PlaceKind::Village | PlaceKind::District => 0.5,
        PlaceKind::Neighbourhood | PlaceKind::Other => 0.0,
    };
    s += countries.get(&p.country).copied().unwrap_or(0.0) * 2.0;
    if let Some(d) = anchors
        .iter()
        .map(|&(la, lo)| haversine_km(la, lo, p.lat, p.lon))
        .reduce(f64::min)
    {
        if d < 100.0 {
            s += 2.0 * (1.0 - d / 100.0);
        }
    }
    s
}

/// Whether a place is specific enough to locate an event (a town, not a
/// country).
pub fn is_local(kind: PlaceKind) -> bool {
    !matches!(kind, PlaceKind::Country | PlaceKind::Province)
}
