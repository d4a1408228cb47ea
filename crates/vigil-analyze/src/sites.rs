//! Watched sites (prisons, camps, bases): the sites file, and which sites a
//! document names.

use std::collections::BTreeSet;

use vigil_model::Site;

use crate::file::{field_line, read_list, FileError};

/// Parses and checks the text of a sites file named `file`.
pub fn parse(file: &str, text: &str) -> Result<Vec<Site>, FileError> {
    let list = read_list::<Site>(
        file,
        text,
        "site",
        "each [[site]] has key, name, kind, lat, lon and radius_km, and may have named_km and names; no other fields",
    )?;
    let mut seen = BTreeSet::new();
    for t in &list {
        let site = &t.value;
        let fail = |field: &str, message: String, fix: &str| FileError {
            file: file.to_string(),
            line: field_line(text, (t.start, t.end), field),
            field: Some(field.to_string()),
            message: format!("site {:?}: {message}", site.key),
            fix: fix.to_string(),
        };
        let key_ok = !site.key.is_empty()
            && site
                .key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !key_ok {
            return Err(fail(
                "key",
                "not a short key".into(),
                "use lower-case letters, digits and '-', e.g. \"al-hol-camp\"",
            ));
        }
        if !seen.insert(site.key.clone()) {
            return Err(fail(
                "key",
                "given to two sites".into(),
                "give each site its own key",
            ));
        }
        if site.name.trim().is_empty() {
            return Err(fail("name", "empty name".into(), "write a display name"));
        }
        for (field, v, range) in [("lat", site.lat, 90.0), ("lon", site.lon, 180.0)] {
            if !(-range..=range).contains(&v) {
                return Err(fail(
                    field,
                    format!("{v} is not a point on Earth"),
                    "give latitude from -90 to 90 and longitude from -180 to 180, in degrees",
                ));
            }
        }
        for (field, v) in [("radius_km", site.radius_km), ("named_km", site.named_km)] {
            if !(0.0..=100.0).contains(&v) {
                return Err(fail(
                    field,
                    format!("{v} km"),
                    "give a distance from 0 to 100 km",
                ));
            }
        }
        if site.names.iter().any(|n| n.text.trim().is_empty()) {
            return Err(fail(
                "names",
                "holds an empty name".into(),
                "remove the empty name or write it",
            ));
        }
    }
    Ok(list.into_iter().map(|t| t.value).collect())
}

/// Whether `needle` occurs in `haystack` as whole words (both normalized).
fn has_words(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    haystack.match_indices(needle).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The keys of the sites whose name (or one of `names`) a normalized
/// document text holds as whole words.
pub fn named_in(normalized: &str, sites: &[Site]) -> Vec<String> {
    sites
        .iter()
        .filter(|s| {
            std::iter::once(s.name.as_str())
                .chain(s.names.iter().map(|n| n.text.as_str()))
                .any(|n| has_words(normalized, &vigil_text::normalize(n)))
        })
        .map(|s| s.key.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[site]]
key = "al-hol-camp"
name = "al-Hol camp"
kind = "detention_camp"
lat = 36.375
lon = 41.15
radius_km = 3
names = [{ text = "مخيم الهول", lang = "ar" }]

[[site]]
key = "hasakah-prison"
name = "Hasakah prison"
kind = "prison"
lat = 36.49
lon = 40.74
radius_km = 0.5
named_km = 10
names = [{ text = "سجن", lang = "ar" }, { text = "prison", lang = "en" }]
"#;

    #[test]
    fn a_good_file_loads_with_defaults() {
        let sites = parse("sites.toml", GOOD).unwrap();
        assert_eq!(sites.len(), 2);
        assert_eq!(sites[0].named_km, 25.0);
        assert_eq!(sites[1].named_km, 10.0);
    }

    #[test]
    fn bad_files_name_the_line_and_field() {
        let cases = [
            (GOOD.replace("lat = 36.375", "lat = 136.375"), ":6:", "lat"),
            (
                GOOD.replace("radius_km = 3", "radius_km = -3"),
                ":8:",
                "radius_km",
            ),
            (
                GOOD.replace("hasakah-prison", "al-hol-camp"),
                ":12:",
                "two sites",
            ),
            (GOOD.replace("al-hol-camp", "Al Hol"), ":3:", "lower-case"),
            (
                GOOD.replace("kind = \"prison\"", "kind = \"jail\""),
                ":14:",
                "detention_camp",
            ),
            (
                GOOD.replace("radius_km = 0.5", "radius = 0.5"),
                ":17:",
                "radius",
            ),
        ];
        for (text, line, what) in cases {
            let err = parse("sites.toml", &text).unwrap_err().to_string();
            assert!(err.starts_with("sites.toml"), "{err}");
            assert!(err.contains(line), "{err} should name line {line}");
            assert!(err.contains(what), "{err} should name {what}");
        }
    }

    #[test]
    fn sites_are_named_as_whole_words() {
        let sites = parse("sites.toml", GOOD).unwrap();
        let norm = |s: &str| vigil_text::normalize(s);
        assert_eq!(
            named_in(&norm("انفجار سيارة مفخخة قرب سجن في الحسكة"), &sites),
            ["hasakah-prison"]
        );
        assert_eq!(
            named_in(&norm("IED on the road to al-Hol camp"), &sites),
            ["al-hol-camp"]
        );
        assert!(named_in(&norm("the prisoners were moved"), &sites).is_empty());
        assert_eq!(
            named_in(&norm("الطريق المؤدي إلى مخيم الهول"), &sites),
            ["al-hol-camp"]
        );
    }
}
