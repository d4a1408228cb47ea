//! The places table and its name index: parsing `places.tsv`, the index
//! keys of a name, building the fst, and the binary form bundled into the
//! crate.
//!
//! This file is shared with `build.rs` (included there with `#[path]`), so
//! that the bundled index and one built at run time by
//! [`Gazetteer::from_tsv`](crate::Gazetteer::from_tsv) come from the same
//! code.

use std::io::{BufRead, BufReader, Read};

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Index of a place in a [`Gazetteer`](crate::Gazetteer).
pub type PlaceIdx = u32;

/// What kind of place a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlaceKind {
    /// A country.
    Country,
    /// A first-level division (governorate, province, il).
    Province,
    /// A second-level division (district, mantiqa, qada, ilçe).
    District,
    /// A populated place of 100,000 people or more, or a capital.
    City,
    /// A populated place of 10,000 people or more.
    Town,
    /// A smaller (or unmeasured) populated place.
    Village,
    /// A part of a city.
    Neighbourhood,
    /// A camp for displaced people or detainees.
    Camp,
    /// Another named site: an air base, a dam, a prison.
    Site,
    /// Anything else (a historical place).
    Other,
}

impl PlaceKind {
    /// Every kind, in the order of the enum.
    pub const ALL: [PlaceKind; 10] = [
        PlaceKind::Country,
        PlaceKind::Province,
        PlaceKind::District,
        PlaceKind::City,
        PlaceKind::Town,
        PlaceKind::Village,
        PlaceKind::Neighbourhood,
        PlaceKind::Camp,
        PlaceKind::Site,
        PlaceKind::Other,
    ];

    /// The name used in `places.tsv` (`"city"`, `"neighbourhood"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceKind::Country => "country",
            PlaceKind::Province => "province",
            PlaceKind::District => "district",
            PlaceKind::City => "city",
            PlaceKind::Town => "town",
            PlaceKind::Village => "village",
            PlaceKind::Neighbourhood => "neighbourhood",
            PlaceKind::Camp => "camp",
            PlaceKind::Site => "site",
            PlaceKind::Other => "other",
        }
    }

    /// The kind named `s` in `places.tsv`.
    pub fn parse(s: &str) -> Option<PlaceKind> {
        PlaceKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for PlaceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One place of the gazetteer.
#[derive(Debug, Clone, PartialEq)]
pub struct GeoPlace {
    /// GeoNames id; negative for places without one (Who's On First rows,
    /// built-in countries, the supplement).
    pub id: i64,
    /// Main English/Latin name.
    pub name: String,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// What kind of place this is.
    pub kind: PlaceKind,
    /// GeoNames feature code (`PPLA2`, `ADM1`, …), or empty.
    pub fcode: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// Admin-1 English name (Syria, Iraq, Turkey, Jordan, Lebanon:
    /// assigned by point-in-polygon, in Syria OCHA's governorate; elsewhere
    /// the GeoNames admin-1 code).
    pub province: Option<String>,
    /// Admin-2 (district) English name where the sources give one: OCHA's
    /// district of a Syrian community ("Al Mayadin", "Abu Kamal"). Tells
    /// namesakes of one province apart.
    pub district: Option<String>,
    /// Population, 0 if unknown.
    pub population: u64,
}

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum GeoError {
    /// The places table could not be read.
    #[error("reading the places table: {0}")]
    Io(#[from] std::io::Error),
    /// The first line is not the expected header.
    #[error("places table line 1: expected the header `{expected}`, found `{found}`")]
    Header {
        /// The header a places table starts with.
        expected: &'static str,
        /// What the first line held.
        found: String,
    },
    /// A line of the places table is malformed.
    #[error("places table line {line}: {message}")]
    Line {
        /// 1-based line number (the header is line 1).
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// The name index could not be built.
    #[error("building the name index: {0}")]
    Index(String),
    /// A saved gazetteer could not be read.
    #[error("{}: {message}; run `vigil gazetteer import` again, or remove the directory to use the bundled gazetteer", path.display())]
    Saved {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A GeoNames file could not be imported.
    #[error("{}: {message}", path.display())]
    Import {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong, and what to do.
        message: String,
    },
}

/// The header line of `places.tsv`.
pub const HEADER: &str =
    "id\tname\tlat\tlon\tkind\tfcode\tcountry\tprovince\tdistrict\tpopulation\tnames";

/// The header of a table written before the district column: still read
/// (every district empty).
pub const HEADER_WITHOUT_DISTRICT: &str =
    "id\tname\tlat\tlon\tkind\tfcode\tcountry\tprovince\tpopulation\tnames";

/// Places and their names, as parsed: the names of all places are kept in
/// one string, so that a table of 300,000 places and a million names costs
/// a few allocations per place rather than one per name.
#[derive(Debug, Default)]
pub struct Table {
    pub places: Vec<GeoPlace>,
    /// Every name of every place, concatenated.
    pub names: String,
    /// `(start, end)` of each name in `names`.
    pub name_spans: Vec<(u32, u32)>,
    /// For place `i`, its names are `name_spans[place_names[i]..place_names[i + 1]]`.
    pub place_names: Vec<u32>,
}

impl Table {
    /// Parses a places table (plain TSV, header first).
    pub fn from_tsv(reader: impl Read) -> Result<Table, GeoError> {
        let mut reader = BufReader::with_capacity(1 << 16, reader);
        let mut table = Table {
            place_names: vec![0],
            ..Table::default()
        };
        let mut buf = Vec::new();
        let mut line_no = 0usize;
        let mut with_district = true;
        loop {
            buf.clear();
            if reader.read_until(b'\n', &mut buf)? == 0 {
                break;
            }
            line_no += 1;
            let line = std::str::from_utf8(&buf).map_err(|e| GeoError::Line {
                line: line_no,
                message: format!("not UTF-8 ({e})"),
            })?;
            let line = line.trim_end_matches(['\n', '\r']);
            if line_no == 1 {
                with_district = line != HEADER_WITHOUT_DISTRICT;
                if with_district && line != HEADER {
                    return Err(GeoError::Header {
                        expected: HEADER,
                        found: line.chars().take(200).collect(),
                    });
                }
                continue;
            }
            if line.is_empty() {
                continue;
            }
            table
                .push_line(line, with_district)
                .map_err(|message| GeoError::Line {
                    line: line_no,
                    message,
                })?;
        }
        if line_no == 0 {
            return Err(GeoError::Header {
                expected: HEADER,
                found: String::new(),
            });
        }
        Ok(table)
    }

    fn push_line(&mut self, line: &str, with_district: bool) -> Result<(), String> {
        let mut f: Vec<&str> = line.split('\t').collect();
        let fields = if with_district { 11 } else { 10 };
        if f.len() != fields {
            return Err(format!(
                "expected {fields} tab-separated fields, found {}",
                f.len()
            ));
        }
        // One layout from here on: district at 8, population 9, names 10.
        if !with_district {
            f.insert(8, "");
        }
        let id: i64 = f[0]
            .parse()
            .map_err(|_| format!("id `{}` is not an integer", f[0]))?;
        let name = f[1].trim();
        if name.is_empty() {
            return Err("empty name".into());
        }
        let lat: f64 = f[2]
            .parse()
            .ok()
            .filter(|x: &f64| (-90.0..=90.0).contains(x))
            .ok_or_else(|| format!("lat `{}` is not a latitude", f[2]))?;
        let lon: f64 = f[3]
            .parse()
            .ok()
            .filter(|x: &f64| (-180.0..=180.0).contains(x))
            .ok_or_else(|| format!("lon `{}` is not a longitude", f[3]))?;
        let kind = PlaceKind::parse(f[4]).ok_or_else(|| format!("unknown kind `{}`", f[4]))?;
        let population: u64 = if f[9].is_empty() {
            0
        } else {
            f[9].parse()
                .map_err(|_| format!("population `{}` is not a whole number", f[9]))?
        };
        let place = GeoPlace {
            id,
            name: name.to_string(),
            lat,
            lon,
            kind,
            fcode: f[5].to_string(),
            country: f[6].to_string(),
            province: (!f[7].is_empty()).then(|| f[7].to_string()),
            district: (!f[8].is_empty()).then(|| f[8].to_string()),
            population,
        };
        self.push_place(place, f[10].split('|'));
        Ok(())
    }

    /// Appends a place with its names (trimmed; empty ones and repeats
    /// skipped). Its main name is always one of its names, and the first.
    pub fn push_place<'n>(&mut self, place: GeoPlace, names: impl IntoIterator<Item = &'n str>) {
        let first = self.name_spans.len();
        self.push_name(place.name.trim());
        for n in names.into_iter().map(str::trim) {
            let seen = self.name_spans[first..]
                .iter()
                .any(|&(s, e)| &self.names[s as usize..e as usize] == n);
            if !n.is_empty() && !seen {
                self.push_name(n);
            }
        }
        self.places.push(place);
        self.place_names.push(self.name_spans.len() as u32);
    }

    fn push_name(&mut self, n: &str) {
        let start = self.names.len() as u32;
        self.names.push_str(n);
        self.name_spans.push((start, self.names.len() as u32));
    }

    /// The names of place `idx`, main name first.
    pub fn names_of(&self, idx: usize) -> impl Iterator<Item = &str> + '_ {
        let (a, b) = (
            self.place_names[idx] as usize,
            self.place_names[idx + 1] as usize,
        );
        self.name_spans[a..b]
            .iter()
            .map(move |&(s, e)| &self.names[s as usize..e as usize])
    }

    /// The binary form bundled into the crate and saved by
    /// [`Gazetteer::save`](crate::Gazetteer::save) (see [`Table::from_bytes`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.names.len() * 2);
        out.extend_from_slice(MAGIC);
        put_u32(&mut out, self.places.len() as u32);
        for (i, p) in self.places.iter().enumerate() {
            out.extend_from_slice(&p.id.to_le_bytes());
            out.extend_from_slice(&p.lat.to_le_bytes());
            out.extend_from_slice(&p.lon.to_le_bytes());
            out.extend_from_slice(&p.population.to_le_bytes());
            out.push(p.kind as u8);
            put_str(&mut out, &p.name);
            put_str(&mut out, &p.fcode);
            put_str(&mut out, &p.country);
            put_str(&mut out, p.province.as_deref().unwrap_or(""));
            put_str(&mut out, p.district.as_deref().unwrap_or(""));
            let names: Vec<&str> = self.names_of(i).collect();
            put_u32(&mut out, names.len() as u32);
            for n in names {
                put_str(&mut out, n);
            }
        }
        out
    }

    /// Reads the binary form written by [`Table::to_bytes`]; `None` if it
    /// is malformed.
    pub fn from_bytes(bytes: &[u8]) -> Option<Table> {
        let mut r = Reader { b: bytes };
        // A table saved before the district field (MAGIC_1) is still read.
        let with_district = match r.take(MAGIC.len())? {
            m if m == MAGIC => true,
            m if m == MAGIC_1 => false,
            _ => return None,
        };
        let n = r.u32()? as usize;
        let mut t = Table {
            places: Vec::with_capacity(n),
            names: String::with_capacity(bytes.len() / 2),
            name_spans: Vec::with_capacity(n * 3),
            place_names: Vec::with_capacity(n + 1),
        };
        t.place_names.push(0);
        for _ in 0..n {
            let id = i64::from_le_bytes(r.take(8)?.try_into().ok()?);
            let lat = f64::from_le_bytes(r.take(8)?.try_into().ok()?);
            let lon = f64::from_le_bytes(r.take(8)?.try_into().ok()?);
            let population = u64::from_le_bytes(r.take(8)?.try_into().ok()?);
            let kind = *PlaceKind::ALL.get(r.take(1)?[0] as usize)?;
            let name = r.str()?.to_string();
            let fcode = r.str()?.to_string();
            let country = r.str()?.to_string();
            let province = r.str()?;
            let district = if with_district { r.str()? } else { "" };
            t.places.push(GeoPlace {
                id,
                name,
                lat,
                lon,
                kind,
                fcode,
                country,
                province: (!province.is_empty()).then(|| province.to_string()),
                district: (!district.is_empty()).then(|| district.to_string()),
                population,
            });
            for _ in 0..r.u32()? {
                let s = r.str()?;
                t.push_name(s);
            }
            t.place_names.push(t.name_spans.len() as u32);
        }
        r.b.is_empty().then_some(t)
    }
}

/// The binary form's first bytes; `MAGIC_1` is the form without the
/// district field.
const MAGIC: &[u8] = b"VIGILGEO2\n";
const MAGIC_1: &[u8] = b"VIGILGEO1\n";

fn put_u32(out: &mut Vec<u8>, x: u32) {
    out.extend_from_slice(&x.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u32(out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
}

struct Reader<'a> {
    b: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.b.len() < n {
            return None;
        }
        let (a, rest) = self.b.split_at(n);
        self.b = rest;
        Some(a)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn str(&mut self) -> Option<&'a str> {
        let n = self.u32()? as usize;
        std::str::from_utf8(self.take(n)?).ok()
    }
}

// ---------------------------------------------------------------------------
// Index keys
// ---------------------------------------------------------------------------

/// Characters that transliterations use for ayn and hamza (`Ra’s`, `Sha`fah`).
const APOSTROPHES: &[char] = &['\'', '’', '‘', '`', 'ʿ', 'ʾ', 'ʻ', 'ʼ', '´'];

/// The Arabic article as transliterations write it: `Al`, `Ash`, `Ar`, …
const ARTICLES: &[&str] = &[
    "al", "el", "ul", "as", "ash", "ad", "adh", "ar", "az", "at", "ath", "an", "es", "esh", "ed",
    "er", "ez", "et", "en",
];

/// Countries whose Latin place names carry a transliterated Arabic article
/// (GeoNames writes `Ash Shaddadah`, the press `al-Shaddadi` or
/// `Shaddadi`): for these the index also holds each such name with the
/// article as `al` and without it.
const ARTICLE_COUNTRIES: &[&str] = &[
    "AE", "BH", "DJ", "DZ", "EG", "EH", "IQ", "JO", "KM", "KW", "LB", "LY", "MA", "MR", "OM", "PS",
    "QA", "SA", "SD", "SO", "SY", "TD", "TN", "YE",
];

/// Appends `token` with Latin diacritics removed (`qāmishlī` → `qamishli`,
/// `şanlıurfa` → `sanliurfa`); other scripts are copied unchanged.
pub fn fold_latin(token: &str, out: &mut String) {
    if token.is_ascii() {
        out.push_str(token);
        return;
    }
    for c in token.chars() {
        match c {
            'ı' => out.push('i'),
            'ø' => out.push('o'),
            'ł' => out.push('l'),
            'đ' | 'ð' => out.push('d'),
            'ħ' => out.push('h'),
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'þ' => out.push_str("th"),
            '\u{0300}'..='\u{036F}' => {}
            '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' => {
                decompose_canonical(c, |d| {
                    if !is_combining_mark(d) {
                        out.push(d);
                    }
                });
            }
            c => out.push(c),
        }
    }
}

/// The key of an already-normalized text: its tokens, Latin-folded, joined
/// by single spaces. This is what [`Gazetteer::lookup`](crate::Gazetteer::lookup)
/// and `find_names` look up.
pub fn key_of_normalized(normalized: &str, out: &mut String) {
    for (i, t) in vigil_text::tokens(normalized).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        fold_latin(t, out);
    }
}

/// The key of a raw name: normalized, then as [`key_of_normalized`].
pub fn query_key(name: &str) -> String {
    let mut out = String::new();
    key_of_normalized(&vigil_text::normalize(name), &mut out);
    out
}

/// Every index key of one name of a place in `country`: the name's key;
/// the key of the name without apostrophes (`Ra’s al ‘Ayn` → `ras al ayn`,
/// where the plain key is `ra s al ayn`); and in Arabic-speaking countries,
/// each with a leading article as `al` and without it.
pub fn index_keys(name: &str, country: &str, out: &mut Vec<String>) {
    let start = out.len();
    out.push(query_key(name));
    if name.contains(APOSTROPHES) {
        let bare: String = name.chars().filter(|c| !APOSTROPHES.contains(c)).collect();
        out.push(query_key(&bare));
    }
    if ARTICLE_COUNTRIES.contains(&country) {
        for i in start..out.len() {
            if let Some((first, rest)) = out[i].split_once(' ') {
                if ARTICLES.contains(&first) {
                    let rest = rest.to_string();
                    out.push(format!("al {rest}"));
                    out.push(rest);
                }
            }
        }
    }
    let mut i = start;
    while i < out.len() {
        if out[i].is_empty() || out[start..i].contains(&out[i]) {
            out.swap_remove(i);
        } else {
            i += 1;
        }
    }
}

// ---------------------------------------------------------------------------
// The index
// ---------------------------------------------------------------------------

/// Postings of one key are `postings[start..start + len]`, packed into the
/// fst value as `start << LEN_BITS | len`.
pub const LEN_BITS: u32 = 20;

/// The name index: an fst map from key to a run of place indexes.
pub struct Index {
    pub fst: Vec<u8>,
    pub postings: Vec<PlaceIdx>,
    #[allow(dead_code)] // reported by build.rs
    pub keys: usize,
}

/// Builds the name index of a table.
pub fn build_index(table: &Table) -> Result<Index, GeoError> {
    let mut pairs: Vec<(String, PlaceIdx)> = Vec::with_capacity(table.name_spans.len() * 2);
    let mut keys = Vec::new();
    for (i, p) in table.places.iter().enumerate() {
        keys.clear();
        for n in table.names_of(i) {
            index_keys(n, &p.country, &mut keys);
        }
        keys.sort_unstable();
        keys.dedup();
        for k in keys.drain(..) {
            pairs.push((k, i as PlaceIdx));
        }
    }
    // By key, then the most prominent place first, so that a caller who
    // takes the first candidate gets the city rather than a namesake
    // hamlet: kind (country, city, province, town, …), then population.
    let rank = |i: PlaceIdx| {
        let p = &table.places[i as usize];
        let kind = match p.kind {
            PlaceKind::Country => 0,
            PlaceKind::City => 1,
            PlaceKind::Province => 2,
            PlaceKind::Town => 3,
            PlaceKind::District => 4,
            PlaceKind::Camp => 5,
            PlaceKind::Village => 6,
            PlaceKind::Neighbourhood => 7,
            PlaceKind::Site => 8,
            PlaceKind::Other => 9,
        };
        (kind, std::cmp::Reverse(p.population), i)
    };
    pairs.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| rank(a.1).cmp(&rank(b.1))));
    let mut builder = fst::MapBuilder::memory();
    let mut postings: Vec<PlaceIdx> = Vec::with_capacity(pairs.len());
    let mut n_keys = 0;
    let mut i = 0;
    while i < pairs.len() {
        let key = &pairs[i].0;
        let start = postings.len();
        while i < pairs.len() && pairs[i].0 == *key {
            postings.push(pairs[i].1);
            i += 1;
        }
        let len = postings.len() - start;
        if len >= 1 << LEN_BITS {
            return Err(GeoError::Index(format!("`{key}` names {len} places")));
        }
        let value = ((start as u64) << LEN_BITS) | len as u64;
        builder
            .insert(key, value)
            .map_err(|e| GeoError::Index(e.to_string()))?;
        n_keys += 1;
    }
    let fst = builder
        .into_inner()
        .map_err(|e| GeoError::Index(e.to_string()))?;
    Ok(Index {
        fst,
        postings,
        keys: n_keys,
    })
}

/// Postings as little-endian bytes.
pub fn postings_to_bytes(postings: &[PlaceIdx]) -> Vec<u8> {
    postings.iter().flat_map(|p| p.to_le_bytes()).collect()
}

/// Postings from little-endian bytes.
pub fn postings_from_bytes(bytes: &[u8]) -> Vec<PlaceIdx> {
    bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// The stoplist: one name a line, `#` comments; each line is keyed as a
/// name would be.
#[allow(dead_code)] // used by build.rs
pub fn parse_stopnames(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(query_key)
        .filter(|k| !k.is_empty())
        .collect()
}
