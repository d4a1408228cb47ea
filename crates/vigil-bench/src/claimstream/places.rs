//! The villages and towns a stream's attacks happen in, drawn from the
//! bundled gazetteer.
//!
//! A place qualifies when it is a village, town or city of one of
//! stream.toml's provinces (inside its bounds), has an Arabic name of
//! Arabic letters only and a Latin name of plain letters, and each of the
//! two names finds exactly this place among the gazetteer's places of that
//! province: a name the gazetteer lists twice in one province cannot be
//! placed from the text, so the truth would be a guess.

use vigil_geo::{Gazetteer, PlaceKind};

use super::data::Data;

/// A place attacks may happen in.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// The gazetteer's id of the place.
    pub gazetteer_id: i64,
    /// Its Arabic name, as claims write it.
    pub ar: String,
    /// Its Latin name, as English texts write it.
    pub latin: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// "village", "town" or "city".
    pub kind: &'static str,
    /// Index of its province in stream.toml.
    pub province: usize,
    /// The gazetteer's name of its province.
    pub province_name: String,
    /// On the left (north-east) bank of the Euphrates, where the province
    /// is divided by it; true elsewhere.
    pub left_bank: bool,
}

/// Every qualifying place, in gazetteer order.
pub fn candidates(gaz: &Gazetteer, data: &Data) -> Vec<Place> {
    let mut out = Vec::new();
    for idx in 0..gaz.len() as u32 {
        let p = gaz.place(idx);
        if p.country != "SY" {
            continue;
        }
        let kind = match p.kind {
            PlaceKind::Village => "village",
            PlaceKind::Town => "town",
            PlaceKind::City => "city",
            _ => continue,
        };
        let Some(province_name) = p.province.as_deref() else {
            continue;
        };
        let Some(province) = data
            .stream
            .province
            .iter()
            .position(|pr| pr.gazetteer.iter().any(|g| g == province_name))
        else {
            continue;
        };
        let pr = &data.stream.province[province];
        if let Some(b) = pr.bounds {
            if p.lon < b.min_lon || p.lat < b.min_lat {
                continue;
            }
        }
        let names = gaz.names_of(idx);
        let unique = |name: &str| {
            gaz.lookup(name)
                .iter()
                .filter(|&&i| {
                    let q = gaz.place(i);
                    q.country == "SY" && q.province.as_deref() == Some(province_name)
                })
                .count()
                == 1
        };
        let Some(ar) = names
            .iter()
            .find(|n| is_plain_arabic(n) && unique(n))
            .map(|n| n.to_string())
        else {
            continue;
        };
        let Some(latin) = names
            .iter()
            .find(|n| is_plain_latin(n) && unique(n))
            .map(|n| n.to_string())
        else {
            continue;
        };
        let left_bank = !pr.banks || left_of(&data.stream.euphrates, p.lon, p.lat);
        out.push(Place {
            gazetteer_id: p.id,
            ar,
            latin,
            lat: p.lat,
            lon: p.lon,
            kind,
            province,
            province_name: province_name.to_string(),
            left_bank,
        });
    }
    out
}

/// Arabic letters (hamza to yeh) and single spaces, three letters or more:
/// no Persian or Kurdish letters, no vowel marks, no digits.
fn is_plain_arabic(name: &str) -> bool {
    name.chars().filter(|c| *c != ' ').count() >= 3
        && !name.starts_with(' ')
        && !name.ends_with(' ')
        && !name.contains("  ")
        && name
            .chars()
            .all(|c| c == ' ' || ('\u{0621}'..='\u{064A}').contains(&c))
}

/// ASCII letters, spaces and hyphens, starting with a capital: "Dhiban",
/// "Abu Hamam", "Al-Busayrah".
fn is_plain_latin(name: &str) -> bool {
    name.len() >= 3
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == ' ' || c == '-')
}

/// Whether (lon, lat) lies left of the polyline's nearest segment, looking
/// from its start to its end.
fn left_of(line: &[[f64; 2]], lon: f64, lat: f64) -> bool {
    let scale = lat.to_radians().cos();
    let mut best = (f64::INFINITY, true);
    for seg in line.windows(2) {
        let (ax, ay) = (seg[0][0] * scale, seg[0][1]);
        let (bx, by) = (seg[1][0] * scale, seg[1][1]);
        let (px, py) = (lon * scale, lat);
        let (dx, dy) = (bx - ax, by - ay);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 {
            (((px - ax) * dx + (py - ay) * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (cx, cy) = (ax + t * dx, ay + t * dy);
        let dist = (px - cx).powi(2) + (py - cy).powi(2);
        if dist < best.0 {
            let cross = dx * (py - ay) - dy * (px - ax);
            best = (dist, cross > 0.0);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banks_of_the_euphrates() {
        let data = Data::bundled().unwrap();
        // (place, lon, lat, on the left bank): villages of the Jazira
        // side and of the Shamiya side.
        let cases = [
            ("Dhiban", 40.510, 35.015, true),
            ("Hajin", 40.830, 34.690, true),
            ("al-Busayrah", 40.427, 35.156, true),
            ("al-Shuhayl", 40.452, 35.087, true),
            ("al-Husayniyah", 40.151, 35.359, true),
            ("Baghuz Fawqani", 40.949, 34.461, true),
            ("al-Kasrah", 39.920, 35.567, true),
            ("al-Mayadin", 40.4525, 35.0176, false),
            ("Abu Kamal", 40.918, 34.452, false),
            ("Deir ez-Zor", 40.140, 35.336, false),
            ("Zalmawiyah", 39.416, 35.396, false),
        ];
        for (name, lon, lat, want) in cases {
            assert_eq!(left_of(&data.stream.euphrates, lon, lat), want, "{name}");
        }
    }

    #[test]
    fn names_qualify() {
        // (name, Arabic qualifies, Latin qualifies)
        let cases = [
            ("الشحيل", true, false),
            ("سويّح", false, false),
            ("بیر", false, false),
            ("لجا", true, false),
            ("Dhiban", false, true),
            ("Ma`ishiyah", false, false),
            ("Abu Hamam", false, true),
            ("Ţuhmāz", false, false),
        ];
        for (name, ar, latin) in cases {
            assert_eq!(
                (is_plain_arabic(name), is_plain_latin(name)),
                (ar, latin),
                "{name}"
            );
        }
    }

    #[test]
    fn the_bundled_gazetteer_gives_places_in_every_province() {
        let data = Data::bundled().unwrap();
        let places = candidates(Gazetteer::bundled(), &data);
        for (i, pr) in data.stream.province.iter().enumerate() {
            let n = places.iter().filter(|p| p.province == i).count();
            assert!(n >= 5, "{}: {n} places", pr.name_en);
        }
        for p in &places {
            let gaz = Gazetteer::bundled();
            let in_province = |name: &str| {
                gaz.lookup(name)
                    .iter()
                    .filter(|&&i| {
                        gaz.place(i).province.as_deref() == Some(p.province_name.as_str())
                    })
                    .count()
            };
            assert_eq!((in_province(&p.ar), in_province(&p.latin)), (1, 1), "{p:?}");
        }
    }
}
