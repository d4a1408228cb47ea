//! Importing a GeoNames dump (`allCountries.txt` or a country's `XX.txt`,
//! optionally with `alternateNamesV2.txt`) into a gazetteer.
//!
//! The dump is read as GeoNames documents it: one place a line, 19
//! tab-separated fields (id, name, ASCII name, alternate names, latitude,
//! longitude, feature class, feature code, country, cc2, admin1–4 codes,
//! population, elevation, dem, timezone, modification date). What Vigil
//! keeps of it:
//!
//! - populated places (class `P`), countries (`PCL*`), first- to
//!   third-level divisions (`ADM1`–`ADM3`), and the sites analysts watch:
//!   camps, prisons, air bases and airfields, military installations,
//!   dams;
//! - names in Latin and Arabic script, as the bundled table does: no codes,
//!   no names with digits, no lower-case machine transliterations;
//! - a place already in the base gazetteer (same GeoNames id; for a country
//!   or province, the same country and a shared name) gains the dump's
//!   names and keeps its curated position, kind and province.
//!
//! A malformed line is reported with its file and line number and skipped;
//! the lines around it are imported.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use crate::table::{self, GeoError, GeoPlace, PlaceKind, Table};
use crate::Gazetteer;

/// What to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// GeoNames `alternateNamesV2.txt` (or `alternateNames.txt`): more
    /// names, in every language, for the places of the dump.
    pub alternate_names: Option<PathBuf>,
    /// Only these countries (ISO 3166-1 alpha-2); all when empty.
    pub countries: Vec<String>,
    /// Skip populated places smaller than this (0 keeps those of unknown
    /// population, most villages).
    pub min_population: u64,
    /// Start from an empty table instead of the base gazetteer.
    pub replace: bool,
}

/// A line that could not be imported.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    /// The file.
    pub path: PathBuf,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub message: String,
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
    }
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// Lines of the dump read (blank lines and comments excluded).
    pub lines: usize,
    /// Places new to the gazetteer.
    pub added: usize,
    /// Places of the base gazetteer that gained the dump's names.
    pub merged: usize,
    /// Lines of features Vigil does not keep (roads, hills, …) or outside
    /// the options' countries and population.
    pub skipped: usize,
    /// Alternate names taken from the alternate-names file.
    pub alternate_names: usize,
    /// Malformed lines (the first [`MAX_REJECTED`] of them).
    pub rejected: Vec<Rejected>,
    /// Number of malformed lines in all.
    pub rejected_count: usize,
    /// Places in the resulting gazetteer.
    pub places: usize,
    /// Names in the resulting gazetteer.
    pub names: usize,
}

/// How many malformed lines an [`ImportReport`] lists.
pub const MAX_REJECTED: usize = 100;

impl ImportReport {
    fn reject(&mut self, path: &Path, line: usize, message: String) {
        self.rejected_count += 1;
        if self.rejected.len() < MAX_REJECTED {
            self.rejected.push(Rejected {
                path: path.to_path_buf(),
                line,
                message,
            });
        }
    }
}

/// Feature codes of the sites analysts watch, kept whatever their class.
const SITE_CODES: &[&str] = &[
    "CMP", "CMPMN", "CMPRF", "PRN", "PRNJ", "AIRB", "AIRF", "AIRP", "INSM", "MLTY", "DAM",
];

/// Countries whose provinces the bundled table assigns by point in
/// polygon, under their English names.
const POLYGON_COUNTRIES: &[&str] = &["SY", "IQ", "TR", "JO", "LB"];

/// Longest name kept, in characters (as the bundled table).
const MAX_NAME_CHARS: usize = 60;

/// One place of the dump, as kept.
#[derive(Debug)]
struct Row {
    id: i64,
    name: String,
    lat: f64,
    lon: f64,
    code: String,
    country: String,
    admin1: String,
    population: u64,
    names: Vec<String>,
}

impl Gazetteer {
    /// Imports a GeoNames dump over `base` (usually
    /// [`Gazetteer::bundled`]; ignored with [`ImportOptions::replace`]).
    /// `progress` is called with the bytes of the dump read so far.
    ///
    /// Errors only when a file cannot be read at all (missing, a zip
    /// archive, not a GeoNames dump); malformed lines are listed in the
    /// report and skipped.
    pub fn import_geonames(
        base: &Gazetteer,
        dump: &Path,
        opts: &ImportOptions,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(Gazetteer, ImportReport), GeoError> {
        let mut report = ImportReport::default();
        let countries: HashSet<String> = opts.countries.iter().map(|c| c.to_uppercase()).collect();
        let mut rows = read_dump(dump, &countries, opts, &mut report, progress)?;
        if let Some(alt) = &opts.alternate_names {
            read_alternate_names(alt, &mut rows, &mut report)?;
        }
        let table = merge((!opts.replace).then_some(base), rows, &mut report);
        report.places = table.places.len();
        report.names = table.name_spans.len();
        let gaz = Gazetteer::from_table(table)?;
        Ok((gaz, report))
    }
}

/// Opens a file for reading, refusing archives with the fix.
fn open(path: &Path) -> Result<(BufReader<std::fs::File>, u64), GeoError> {
    let err = |message: String| GeoError::Import {
        path: path.to_path_buf(),
        message,
    };
    let file = std::fs::File::open(path).map_err(|e| err(format!("cannot open ({e})")))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let head = reader.fill_buf().map_err(|e| err(e.to_string()))?;
    if head.starts_with(b"PK\x03\x04") {
        return Err(err(
            "a zip archive; unzip it and import the .txt file inside".into(),
        ));
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        return Err(err(
            "gzip-compressed; decompress it (gunzip) and import the .txt file".into(),
        ));
    }
    Ok((reader, size))
}

/// Calls `each(line_no, line)` for every line; a line that is not UTF-8 is
/// reported and skipped.
fn for_each_line(
    path: &Path,
    mut reader: impl BufRead,
    report: &mut ImportReport,
    progress: &mut dyn FnMut(u64),
    mut each: impl FnMut(usize, &str, &mut ImportReport),
) -> Result<(), GeoError> {
    let mut buf = Vec::new();
    let (mut line_no, mut read) = (0usize, 0u64);
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| GeoError::Import {
                path: path.to_path_buf(),
                message: format!("line {}: {e}", line_no + 1),
            })?;
        if n == 0 {
            break;
        }
        line_no += 1;
        read += n as u64;
        if line_no % 65_536 == 0 {
            progress(read);
        }
        match std::str::from_utf8(&buf) {
            Ok(line) => {
                let line = line.trim_end_matches(['\n', '\r']);
                if !line.is_empty() && !line.starts_with('#') {
                    each(line_no, line, report);
                }
            }
            Err(e) => report.reject(path, line_no, format!("not UTF-8 ({e})")),
        }
    }
    progress(read);
    Ok(())
}

fn read_dump(
    path: &Path,
    countries: &HashSet<String>,
    opts: &ImportOptions,
    report: &mut ImportReport,
    progress: &mut dyn FnMut(u64),
) -> Result<Vec<Row>, GeoError> {
    let (reader, _) = open(path)?;
    let mut rows = Vec::new();
    for_each_line(path, reader, report, progress, |line_no, line, report| {
        report.lines += 1;
        match parse_row(line) {
            Ok(Some(row)) => {
                let wanted_country = countries.is_empty() || countries.contains(&row.country);
                let populated = !row.code.starts_with("PCL")
                    && !row.code.starts_with("ADM")
                    && !SITE_CODES.contains(&row.code.as_str());
                if !wanted_country || (populated && row.population < opts.min_population) {
                    report.skipped += 1;
                } else {
                    rows.push(row);
                }
            }
            Ok(None) => report.skipped += 1,
            Err(message) => report.reject(path, line_no, message),
        }
    })?;
    if report.lines > 0 && rows.is_empty() && report.rejected_count == report.lines {
        return Err(GeoError::Import {
            path: path.to_path_buf(),
            message: format!(
                "no line is a GeoNames place ({}); expected the 19 tab-separated fields of allCountries.txt",
                report.rejected.first().map_or(String::new(), |r| r.message.clone())
            ),
        });
    }
    Ok(rows)
}

/// One line of the dump: `None` for a feature Vigil does not keep.
fn parse_row(line: &str) -> Result<Option<Row>, String> {
    let f: Vec<&str> = line.split('\t').collect();
    if f.len() < 15 {
        return Err(format!(
            "expected 19 tab-separated fields (a GeoNames dump line), found {}",
            f.len()
        ));
    }
    let id: i64 = f[0]
        .parse()
        .ok()
        .filter(|&id: &i64| id > 0)
        .ok_or_else(|| format!("field 1 (geonameid) `{}` is not a positive integer", f[0]))?;
    let (class, code) = (f[6], f[7]);
    let kept = class == "P"
        || (class == "A" && (code.starts_with("PCL") || matches!(code, "ADM1" | "ADM2" | "ADM3")))
        || SITE_CODES.contains(&code);
    if !kept {
        return Ok(None);
    }
    let name = f[1].trim();
    if name.is_empty() {
        return Err("field 2 (name) is empty".into());
    }
    let lat: f64 = f[4]
        .parse()
        .ok()
        .filter(|x: &f64| (-90.0..=90.0).contains(x))
        .ok_or_else(|| format!("field 5 (latitude) `{}` is not a latitude", f[4]))?;
    let lon: f64 = f[5]
        .parse()
        .ok()
        .filter(|x: &f64| (-180.0..=180.0).contains(x))
        .ok_or_else(|| format!("field 6 (longitude) `{}` is not a longitude", f[5]))?;
    let population = match f[14].trim() {
        "" => 0,
        p => p
            .parse::<i64>()
            .map_err(|_| format!("field 15 (population) `{p}` is not a whole number"))?
            .max(0) as u64,
    };
    let mut names = Vec::new();
    clean_names([name, f[2]], true, &mut names);
    clean_names(f[3].split(','), false, &mut names);
    // The main name as the bundled table writes it: Latin when the
    // GeoNames name is in another script.
    let main = if is_script(name, Script::Latin) || f[2].trim().is_empty() {
        name
    } else {
        f[2].trim()
    };
    Ok(Some(Row {
        id,
        name: main.to_string(),
        lat,
        lon,
        code: code.to_string(),
        country: f[8].trim().to_uppercase(),
        admin1: f[10].trim().to_string(),
        population,
        names,
    }))
}

fn read_alternate_names(
    path: &Path,
    rows: &mut [Row],
    report: &mut ImportReport,
) -> Result<(), GeoError> {
    let by_id: HashMap<i64, usize> = rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let (reader, _) = open(path)?;
    let mut one = Vec::with_capacity(1);
    for_each_line(
        path,
        reader,
        report,
        &mut |_| {},
        |line_no, line, report| {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 4 {
                report.reject(
                path,
                line_no,
                format!(
                    "expected the tab-separated fields of alternateNamesV2.txt (id, geonameid, language, name, …), found {}",
                    f.len()
                ),
            );
                return;
            }
            let Ok(gid) = f[1].parse::<i64>() else {
                report.reject(
                    path,
                    line_no,
                    format!("field 2 (geonameid) `{}` is not an integer", f[1]),
                );
                return;
            };
            let Some(&i) = by_id.get(&gid) else { return };
            // Not names: links, postal codes, airport and other codes.
            if matches!(
                f[2],
                "link"
                    | "wkdt"
                    | "post"
                    | "iata"
                    | "icao"
                    | "faac"
                    | "tcid"
                    | "unlc"
                    | "abbr"
                    | "fr_1793"
            ) {
                return;
            }
            one.clear();
            clean_names([f[3]], false, &mut one);
            for n in one.drain(..) {
                if !rows[i].names.contains(&n) {
                    rows[i].names.push(n);
                    report.alternate_names += 1;
                }
            }
        },
    )
}

#[derive(Clone, Copy, PartialEq)]
enum Script {
    Latin,
    Arabic,
}

fn script_of(c: char) -> Option<Script> {
    match c {
        'A'..='Z' | 'a'..='z' | '\u{c0}'..='\u{24f}' | '\u{1e00}'..='\u{1eff}' => {
            Some(Script::Latin)
        }
        '\u{600}'..='\u{6ff}' | '\u{750}'..='\u{77f}' | '\u{8a0}'..='\u{8ff}' => {
            Some(Script::Arabic)
        }
        _ => None,
    }
}

fn is_script(s: &str, script: Script) -> bool {
    s.chars().any(char::is_alphabetic)
        && s.chars()
            .filter(|c| c.is_alphabetic())
            .all(|c| script_of(c) == Some(script))
}

/// Appends the names worth keeping: Latin or Arabic script (not mixed), no
/// digits or markup characters, at most 60 characters, not a code of 2–4
/// capitals, and — unless `keep_lowercase` — a Latin name has a capital
/// (lower-case Latin names in GeoNames are machine transliterations). "X
/// (Y)" gives X and Y.
fn clean_names<'a>(
    raw: impl IntoIterator<Item = &'a str>,
    keep_lowercase: bool,
    out: &mut Vec<String>,
) {
    for n in raw {
        let n = n.trim();
        let (a, b) = match n.strip_suffix(')').and_then(|x| x.rsplit_once('(')) {
            Some((a, b)) if !b.contains(['(', ')']) => (a, Some(b)),
            _ => (n, None),
        };
        for part in std::iter::once(a).chain(b) {
            let p = part.split_whitespace().collect::<Vec<_>>().join(" ");
            if p.is_empty()
                || p.chars().count() > MAX_NAME_CHARS
                || p.chars()
                    .any(|c| c.is_ascii_digit() || "|\t/\\;:=@#?!\"<>[]{}()*+".contains(c))
                || (p.len() <= 4 && p.len() >= 2 && p.chars().all(|c| c.is_ascii_uppercase()))
            {
                continue;
            }
            let latin = is_script(&p, Script::Latin);
            if !latin && !is_script(&p, Script::Arabic) {
                continue;
            }
            if latin && !keep_lowercase && !p.chars().any(char::is_uppercase) {
                continue;
            }
            if table::query_key(&p).is_empty() || out.contains(&p) {
                continue;
            }
            out.push(p);
        }
    }
}

/// The kind of a GeoNames feature, as the bundled table assigns it.
fn kind_of(code: &str, population: u64) -> PlaceKind {
    match code {
        c if c.starts_with("PCL") => PlaceKind::Country,
        "ADM1" => PlaceKind::Province,
        c if c.starts_with("ADM") => PlaceKind::District,
        "PPLC" | "PPLA" | "PPLG" => PlaceKind::City,
        "PPLX" => PlaceKind::Neighbourhood,
        "PPLH" => PlaceKind::Other,
        "CMP" | "CMPMN" | "CMPRF" => PlaceKind::Camp,
        c if !c.starts_with("PPL") && c != "STLMT" => PlaceKind::Site,
        _ if population >= 100_000 => PlaceKind::City,
        _ if population >= 10_000 => PlaceKind::Town,
        _ => PlaceKind::Village,
    }
}

/// A grid of the base's places that have a province, to give a new place
/// of a polygon country the province of its nearest neighbour.
struct Grid<'a> {
    places: &'a [GeoPlace],
    cells: HashMap<(i32, i32), Vec<usize>>,
}

const CELL_DEG: f64 = 0.25;

impl<'a> Grid<'a> {
    fn new(places: &'a [GeoPlace]) -> Grid<'a> {
        let mut cells: HashMap<(i32, i32), Vec<usize>> = HashMap::new();
        for (i, p) in places.iter().enumerate() {
            if p.province.is_some()
                && POLYGON_COUNTRIES.contains(&p.country.as_str())
                && !matches!(p.kind, PlaceKind::Country | PlaceKind::Province)
            {
                cells.entry(cell(p.lat, p.lon)).or_default().push(i);
            }
        }
        Grid { places, cells }
    }

    /// The province of the nearest place of `country`, searching rings of
    /// cells outwards (up to about 100 km).
    fn province(&self, country: &str, lat: f64, lon: f64) -> Option<String> {
        let (ci, cj) = cell(lat, lon);
        for ring in 0..=4 {
            let mut best: Option<(f64, usize)> = None;
            for i in ci - ring..=ci + ring {
                for j in cj - ring..=cj + ring {
                    if (i - ci).abs() != ring && (j - cj).abs() != ring {
                        continue;
                    }
                    for &k in self.cells.get(&(i, j)).into_iter().flatten() {
                        let p = &self.places[k];
                        if p.country != country {
                            continue;
                        }
                        let d = crate::haversine_km(lat, lon, p.lat, p.lon);
                        if best.is_none_or(|(bd, _)| d < bd) {
                            best = Some((d, k));
                        }
                    }
                }
            }
            if let Some((_, k)) = best {
                return self.places[k].province.clone();
            }
        }
        None
    }
}

fn cell(lat: f64, lon: f64) -> (i32, i32) {
    (
        (lat / CELL_DEG).floor() as i32,
        (lon / CELL_DEG).floor() as i32,
    )
}

/// The base's places (with the dump's names for those the dump also
/// holds), then the dump's new places.
fn merge(base: Option<&Gazetteer>, rows: Vec<Row>, report: &mut ImportReport) -> Table {
    let mut table = Table {
        place_names: vec![0],
        ..Table::default()
    };
    let mut used = vec![false; rows.len()];
    // The ADM1 names of the dump, for provinces outside the polygon
    // countries when there is no base to take them from.
    let adm1: HashMap<(&str, &str), &str> = rows
        .iter()
        .filter(|r| r.code == "ADM1")
        .map(|r| ((r.country.as_str(), r.admin1.as_str()), r.name.as_str()))
        .collect();
    let mut grid_places = Vec::new();
    if let Some(base) = base {
        let by_id: HashMap<i64, usize> = rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        // Countries and provinces of the base by (country, name key), for
        // the dump's rows whose id the base does not use.
        let mut admin: HashMap<(String, String), usize> = HashMap::new();
        for (i, p) in base.table.places.iter().enumerate() {
            if matches!(p.kind, PlaceKind::Country | PlaceKind::Province) {
                for n in base.table.names_of(i) {
                    admin.insert((p.country.clone(), table::query_key(n)), i);
                }
            }
        }
        let mut extra: HashMap<usize, Vec<usize>> = HashMap::new();
        for (r, row) in rows.iter().enumerate() {
            let target = if row.code.starts_with("PCL") || row.code == "ADM1" {
                let kind = if row.code == "ADM1" {
                    PlaceKind::Province
                } else {
                    PlaceKind::Country
                };
                row.names
                    .iter()
                    .filter_map(|n| admin.get(&(row.country.clone(), table::query_key(n))))
                    .copied()
                    .find(|&i| base.table.places[i].kind == kind)
            } else {
                None
            };
            if let Some(i) = target {
                extra.entry(i).or_default().push(r);
                used[r] = true;
            }
        }
        for (i, p) in base.table.places.iter().enumerate() {
            let mut names: Vec<&str> = base.table.names_of(i).collect();
            let mut merged = false;
            let from_id = (p.id > 0).then(|| by_id.get(&p.id)).flatten().copied();
            for r in from_id
                .into_iter()
                .chain(extra.get(&i).into_iter().flatten().copied())
            {
                used[r] = true;
                merged = true;
                names.extend(rows[r].names.iter().map(String::as_str));
            }
            report.merged += usize::from(merged);
            table.push_place(p.clone(), names);
        }
        grid_places = base.table.places.clone();
    }
    let grid = Grid::new(&grid_places);
    for (r, row) in rows.iter().enumerate() {
        if used[r] {
            continue;
        }
        let polygon = POLYGON_COUNTRIES.contains(&row.country.as_str());
        let province = if row.code.starts_with("PCL") {
            None
        } else if row.code == "ADM1" && polygon {
            Some(row.name.clone())
        } else if polygon && base.is_some() {
            grid.province(&row.country, row.lat, row.lon)
        } else if polygon {
            adm1.get(&(row.country.as_str(), row.admin1.as_str()))
                .map(|s| s.to_string())
        } else {
            (!row.admin1.is_empty()).then(|| row.admin1.clone())
        };
        let place = GeoPlace {
            id: row.id,
            name: row.name.clone(),
            lat: row.lat,
            lon: row.lon,
            kind: kind_of(&row.code, row.population),
            fcode: row.code.clone(),
            country: row.country.clone(),
            province,
            // GeoNames gives admin-2 codes, not names.
            district: None,
            population: row.population,
        };
        table.push_place(place, row.names.iter().map(String::as_str));
        report.added += 1;
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cleaned_as_the_bundled_table() {
        let mut out = Vec::new();
        clean_names(
            [
                "Ar Raqqah",
                "RAQ",
                "almwsl",
                "الرقة",
                "Raqqa (city)",
                "Raqqa 2",
                "Ракка",
                "Ar Raqqah",
            ],
            false,
            &mut out,
        );
        // "(city)" is lower-case Latin: dropped like a machine transliteration.
        assert_eq!(out, ["Ar Raqqah", "الرقة", "Raqqa"]);
    }

    #[test]
    fn kinds_follow_feature_codes_and_population() {
        assert_eq!(kind_of("PCLI", 0), PlaceKind::Country);
        assert_eq!(kind_of("ADM1", 0), PlaceKind::Province);
        assert_eq!(kind_of("ADM2", 0), PlaceKind::District);
        assert_eq!(kind_of("PPLC", 0), PlaceKind::City);
        assert_eq!(kind_of("PPL", 150_000), PlaceKind::City);
        assert_eq!(kind_of("PPL", 12_000), PlaceKind::Town);
        assert_eq!(kind_of("PPL", 0), PlaceKind::Village);
        assert_eq!(kind_of("PPLX", 0), PlaceKind::Neighbourhood);
        assert_eq!(kind_of("CMPRF", 0), PlaceKind::Camp);
        assert_eq!(kind_of("PRN", 0), PlaceKind::Site);
    }

    #[test]
    fn malformed_lines_name_the_field() {
        let bad = |line: &str| parse_row(line).unwrap_err();
        assert!(bad("1\tX").contains("found 2"));
        let mut f = vec![""; 19];
        f[0] = "12";
        f[1] = "Tall Baydar";
        f[4] = "north";
        f[5] = "40.1";
        f[6] = "P";
        f[7] = "PPL";
        assert!(bad(&f.join("\t")).contains("field 5 (latitude) `north`"));
        f[4] = "36.6";
        f[14] = "many";
        assert!(bad(&f.join("\t")).contains("field 15 (population)"));
        f[14] = "";
        f[6] = "T";
        f[7] = "HLL";
        assert!(
            parse_row(&f.join("\t")).unwrap().is_none(),
            "hills are skipped"
        );
    }
}
