//! vigil-geo against the bundled gazetteer and small hand-made tables.

use vigil_geo::{haversine_km, Gazetteer, GeoError, PlaceKind};

/// Places that reporting on Syria and Iraq names, with a point each is
/// known to be near: (name as written, lat, lon).
const LOOKUPS: &[(&str, f64, f64)] = &[
    // North-east Syria, in both scripts and the common spellings.
    ("Raqqa", 35.95, 39.01),
    ("الرقة", 35.95, 39.01),
    ("Qamishli", 37.05, 41.23),
    ("Qamishlo", 37.05, 41.23),
    ("القامشلي", 37.05, 41.23),
    ("Hasakah", 36.50, 40.75),
    ("الحسكة", 36.50, 40.75),
    ("Deir ez-Zor", 35.33, 40.14),
    ("Deir al-Zour", 35.33, 40.14),
    ("دير الزور", 35.33, 40.14),
    ("Manbij", 36.53, 37.95),
    ("منبج", 36.53, 37.95),
    ("Kobani", 36.89, 38.35),
    ("Kobanê", 36.89, 38.35),
    ("Ayn al-Arab", 36.89, 38.35),
    ("عين العرب", 36.89, 38.35),
    ("Tal Abyad", 36.70, 38.95),
    ("Girê Spî", 36.70, 38.95),
    ("تل أبيض", 36.70, 38.95),
    ("Ras al-Ain", 36.85, 40.07),
    ("Serêkaniyê", 36.85, 40.07),
    ("رأس العين", 36.85, 40.07),
    ("Ain Issa", 36.39, 38.86),
    ("عين عيسى", 36.39, 38.86),
    ("Tabqa", 35.84, 38.55),
    ("al-Thawrah", 35.84, 38.55),
    ("الطبقة", 35.84, 38.55),
    ("Hajin", 34.70, 40.83),
    ("هجين", 34.70, 40.83),
    ("al-Busayrah", 35.16, 40.43),
    ("البصيرة", 35.16, 40.43),
    ("Dhiban", 35.01, 40.51),
    ("ذيبان", 35.01, 40.51),
    ("al-Shuhayl", 35.10, 40.48),
    ("الشحيل", 35.10, 40.48),
    ("al-Shaddadi", 36.06, 40.73),
    ("الشدادي", 36.06, 40.73),
    ("al-Hol", 36.39, 41.15),
    ("al-Hawl", 36.39, 41.15),
    ("الهول", 36.39, 41.15),
    ("Mahmudli", 36.05, 38.63),
    ("محمودلي", 36.05, 38.63),
    ("Gharanij", 34.78, 40.71),
    // Iraq, as English reporting spelled it in 2003-2008.
    ("Mosul", 36.34, 43.12),
    ("Al Mawsil", 36.34, 43.12),
    ("الموصل", 36.34, 43.12),
    ("Baghdad", 33.34, 44.40),
    ("بغداد", 33.34, 44.40),
    ("Fallujah", 33.35, 43.78),
    ("Falluja", 33.35, 43.78),
    ("الفلوجة", 33.35, 43.78),
    ("Ramadi", 33.42, 43.30),
    ("Tikrit", 34.60, 43.68),
    ("Baqubah", 33.75, 44.64),
    ("Baquba", 33.75, 44.64),
    ("Kirkuk", 35.47, 44.39),
    ("Tal Afar", 36.38, 42.45),
    ("Basra", 30.51, 47.78),
    ("Najaf", 32.00, 44.33),
    ("Nasiriyah", 31.05, 46.26),
    // Countries.
    ("Syria", 35.0, 38.5),
    ("سوريا", 35.0, 38.5),
    ("Iraq", 33.0, 43.7),
];

const MAX_KM: f64 = 15.0;

#[test]
fn lookups_find_a_place_near_the_known_point() {
    let gaz = Gazetteer::bundled();
    let mut failures = Vec::new();
    for &(name, lat, lon) in LOOKUPS {
        // Countries are big: their point is only near the middle.
        let max = if ["Syria", "سوريا", "Iraq"].contains(&name) {
            250.0
        } else {
            MAX_KM
        };
        let hits = gaz.lookup(name);
        let best = hits
            .iter()
            .map(|&i| {
                let p = gaz.place(i);
                (haversine_km(lat, lon, p.lat, p.lon), p)
            })
            .min_by(|a, b| a.0.total_cmp(&b.0));
        match best {
            Some((d, _)) if d <= max => {}
            Some((d, p)) => failures.push(format!("{name}: nearest is {} at {d:.0} km", p.name)),
            None => failures.push(format!("{name}: not found")),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// (name, country, expected province): provinces come from the Natural
/// Earth polygons, not from the sources.
const PROVINCES: &[(&str, &str, &str)] = &[
    ("Mahmudli", "SY", "Al-Raqqah"),
    ("Qamishli", "SY", "Al-Hasakah"),
    ("Raqqa", "SY", "Al-Raqqah"),
    ("Hajin", "SY", "Deir ez-Zor"),
    ("al-Shuhayl", "SY", "Deir ez-Zor"),
    ("Manbij", "SY", "Aleppo"),
    ("Ras al-Ain", "SY", "Al-Hasakah"),
    ("Tal Abyad", "SY", "Al-Raqqah"),
    ("Mosul", "IQ", "Nineveh"),
    ("Tikrit", "IQ", "Saladin"),
    ("Fallujah", "IQ", "Al Anbar"),
    ("Ceylanpınar", "TR", "Şanlıurfa"),
];

#[test]
fn provinces_are_assigned_by_polygon() {
    let gaz = Gazetteer::bundled();
    for &(name, country, want) in PROVINCES {
        let provinces: Vec<_> = gaz
            .lookup(name)
            .iter()
            .map(|&i| gaz.place(i))
            .filter(|p| p.country == country && p.kind != PlaceKind::District)
            .map(|p| p.province.clone())
            .collect();
        assert!(
            provinces.iter().any(|p| p.as_deref() == Some(want)),
            "{name}: provinces {provinces:?}, want {want}"
        );
    }
}

#[test]
fn ambiguous_names_have_every_candidate() {
    let gaz = Gazetteer::bundled();
    let countries: Vec<&str> = gaz
        .lookup("Tripoli")
        .iter()
        .map(|&i| gaz.place(i).country.as_str())
        .collect();
    assert!(
        countries.contains(&"LB") && countries.contains(&"LY"),
        "{countries:?}"
    );
    // Ras al-Ain is the Syrian town, not its Turkish twin Ceylanpınar.
    let ras: Vec<&str> = gaz
        .lookup("رأس العين")
        .iter()
        .map(|&i| gaz.place(i).country.as_str())
        .collect();
    assert!(ras.contains(&"SY") && !ras.contains(&"TR"), "{ras:?}");
    // A city and its province share a name.
    let kinds: Vec<PlaceKind> = gaz
        .lookup("Deir ez-Zor")
        .iter()
        .map(|&i| gaz.place(i).kind)
        .collect();
    assert!(
        kinds.contains(&PlaceKind::City) && kinds.contains(&PlaceKind::Province),
        "{kinds:?}"
    );
}

/// (case, text, the spans find_names must return, as normalized text).
const SPOTTING: &[(&str, &str, &[&str])] = &[
    (
        "english multi-token",
        "Shelling near Ras al-Ain on Friday",
        &["ras al-ain"],
    ),
    (
        "two names",
        "Clashes in Tal Abyad and Ras al-Ain",
        &["tal abyad", "ras al-ain"],
    ),
    (
        "punctuation differs",
        "the al Hol camp; al-Hol camp",
        &["al hol camp", "al-hol camp"],
    ),
    (
        "longest wins",
        "A car bomb in Deir ez-Zor city",
        &["deir ez-zor"],
    ),
    ("arabic", "انفجار سيارة مفخخة في القامشلي", &["القامشلي"]),
    (
        "arabic two tokens",
        "قصف تركي على رأس العين وتل أبيض",
        &["راس العين", "وتل ابيض"],
    ),
    (
        "arabic proclitic",
        "هجوم بالرقة ومنبج",
        &["بالرقه", "ومنبج"],
    ),
    ("stopnames", "Police said the market will reopen", &[]),
    ("arabic stopnames", "قال مصدر من المدينة", &[]),
    ("short tokens", "He is at it", &[]),
    (
        "mahmudli",
        "an assault on an SDF base in Mahmudli",
        &["mahmudli"],
    ),
];

#[test]
fn find_names_spans() {
    let gaz = Gazetteer::bundled();
    let mut failures = Vec::new();
    for &(case, text, want) in SPOTTING {
        let norm = vigil_text::normalize(text);
        let got: Vec<&str> = gaz
            .find_names(&norm)
            .iter()
            .map(|m| &norm[m.start..m.end])
            .collect();
        if got != want {
            failures.push(format!("{case}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn find_names_offsets_and_places() {
    let gaz = Gazetteer::bundled();
    let norm = vigil_text::normalize("Qamishli, then Qamishli again");
    let found = gaz.find_names(&norm);
    assert_eq!(found.len(), 2);
    assert_eq!((found[0].start, found[0].end), (0, 8));
    assert_eq!((found[1].start, found[1].end), (15, 23));
    assert_eq!(found[0].places, gaz.lookup("Qamishli"));
    assert!(!found[0].places.is_empty());
}

const SMALL: &str = "id\tname\tlat\tlon\tkind\tfcode\tcountry\tprovince\tpopulation\tnames
-1\tMahmudli\t36.05\t38.63\tvillage\tPPL\tSY\tAl-Raqqah\t0\tMahmudli|محمودلي
172955\tRaqqa\t35.95276\t39.00788\tcity\tPPLA\tSY\tAl-Raqqah\t177636\tRaqqa|Ar Raqqah|الرقة
";

#[test]
fn from_tsv_builds_a_working_index() {
    let gaz = Gazetteer::from_tsv(SMALL.as_bytes()).unwrap();
    assert_eq!(gaz.len(), 2);
    assert!(!gaz.is_empty());
    let raqqa = gaz.lookup("الرَّقَّة");
    assert_eq!(raqqa.len(), 1);
    let p = gaz.place(raqqa[0]);
    assert_eq!(
        (p.id, p.kind, p.population),
        (172955, PlaceKind::City, 177636)
    );
    assert_eq!(p.province.as_deref(), Some("Al-Raqqah"));
    assert_eq!(gaz.lookup("raqqah"), raqqa);
    assert_eq!(gaz.names_of(raqqa[0]), ["Raqqa", "Ar Raqqah", "الرقة"]);
    assert!(gaz.lookup("Tripoli").is_empty());
    let norm = vigil_text::normalize("Attack near Mahmudli, west of Ar-Raqqah");
    let spans: Vec<&str> = gaz
        .find_names(&norm)
        .iter()
        .map(|m| &norm[m.start..m.end])
        .collect();
    assert_eq!(spans, ["mahmudli", "ar-raqqah"]);
}

/// The same places in the current layout, with OCHA's district.
const SMALL_WITH_DISTRICT: &str =
    "id\tname\tlat\tlon\tkind\tfcode\tcountry\tprovince\tdistrict\tpopulation\tnames
-1\tMahmudli\t36.05\t38.63\tvillage\tPPL\tSY\tAl-Raqqah\tAth-Thawrah\t0\tMahmudli|محمودلي
172955\tRaqqa\t35.95276\t39.00788\tcity\tPPLA\tSY\tAl-Raqqah\tAr-Raqqa\t177636\tRaqqa|Ar Raqqah|الرقة
";

#[test]
fn tables_with_and_without_the_district_column() {
    // (table, Mahmudli's district)
    for (table, district) in [(SMALL, None), (SMALL_WITH_DISTRICT, Some("Ath-Thawrah"))] {
        let gaz = Gazetteer::from_tsv(table.as_bytes()).unwrap();
        let p = gaz.place(gaz.lookup("محمودلي")[0]);
        assert_eq!(
            (p.province.as_deref(), p.district.as_deref(), p.population),
            (Some("Al-Raqqah"), district, 0)
        );
        let dir = tempfile::tempdir().unwrap();
        gaz.save(&dir.path().join("gaz")).unwrap();
        let again = Gazetteer::open(&dir.path().join("gaz")).unwrap();
        assert_eq!(again.place(again.lookup("محمودلي")[0]), p);
    }
}

#[test]
fn the_bundled_table_names_ochas_districts() {
    // (village as claims name it, district, province)
    let rows = [
        ("الطيانة", "Al Mayadin", "Deir ez-Zor"),
        ("الكشكية", "Abu Kamal", "Deir ez-Zor"),
        ("المحمودلي", "Ath-Thawrah", "Al-Raqqah"),
    ];
    let gaz = Gazetteer::bundled();
    for (name, district, province) in rows {
        let found: Vec<_> = gaz.lookup(name).iter().map(|&i| gaz.place(i)).collect();
        assert!(
            found.iter().any(|p| p.district.as_deref() == Some(district)
                && p.province.as_deref() == Some(province)),
            "{name}: {found:?}"
        );
    }
}

/// (case, table, the line the error must name).
const MALFORMED: &[(&str, &str, usize)] = &[
    ("bad header", "id\tname\n", 1),
    ("too few fields", "1\tX\t1\t2\tcity\n", 3),
    ("bad latitude", "1\tX\t91\t2\tcity\t\tSY\t\t0\tX\n", 3),
    ("bad kind", "1\tX\t1\t2\tmetropolis\t\tSY\t\t0\tX\n", 3),
    ("bad id", "x\tX\t1\t2\tcity\t\tSY\t\t0\tX\n", 3),
];

#[test]
fn from_tsv_names_the_malformed_line() {
    for &(case, bad, line) in MALFORMED {
        let text = if line == 1 {
            bad.to_string()
        } else {
            format!(
                "{}{}",
                SMALL
                    .lines()
                    .take(2)
                    .map(|l| format!("{l}\n"))
                    .collect::<String>(),
                bad
            )
        };
        let err = Gazetteer::from_tsv(text.as_bytes()).unwrap_err();
        let got = match &err {
            GeoError::Line { line, .. } => *line,
            GeoError::Header { .. } => 1,
            other => panic!("{case}: unexpected error {other}"),
        };
        assert_eq!(got, line, "{case}: {err}");
        assert!(
            err.to_string().contains(&format!("line {line}")),
            "{case}: {err}"
        );
    }
}

#[test]
fn haversine() {
    // Raqqa to Deir ez-Zor: about 122 km.
    let d = haversine_km(35.9528, 39.0079, 35.3359, 40.1408);
    assert!((d - 122.0).abs() < 5.0, "{d}");
    assert_eq!(haversine_km(1.0, 2.0, 1.0, 2.0), 0.0);
}
