//! Watched sites (prisons, camps, bases): the sites file, and which sites a
//! document names.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;
use vigil_model::Site;

/// What is wrong with a sites file: where, and how to fix it.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct SitesError {
    /// The file.
    pub file: String,
    /// The line, where known.
    pub line: Option<usize>,
    /// What is wrong and the fix.
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SitesFile {
    site: Vec<Site>,
}

/// Reads and checks a sites file.
pub fn load(path: &Path) -> Result<Vec<Site>, SitesError> {
    let text = std::fs::read_to_string(path).map_err(|e| SitesError {
        file: path.display().to_string(),
        line: None,
        message: format!("cannot read it: {e}"),
    })?;
    parse(&path.display().to_string(), &text)
}

/// Parses and checks the text of a sites file named `file`.
pub fn parse(file: &str, text: &str) -> Result<Vec<Site>, SitesError> {
    let parsed: SitesFile = toml::from_str(text).map_err(|e| SitesError {
        file: file.into(),
        line: e.span().map(|s| text[..s.start].matches('\n').count() + 1),
        message: e.message().to_string(),
    })?;
    let mut seen = BTreeSet::new();
    for site in &parsed.site {
        // The line of the site's key, to point at it.
        let line = text
            .lines()
            .position(|l| {
                let l = l.trim_start();
                l.starts_with("key") && l.contains(&format!("\"{}\"", site.key))
            })
            .map(|n| n + 1);
        let fail = |message: String| SitesError {
            file: file.into(),
            line,
            message: format!("site {:?}: {message}", site.key),
        };
        let key_ok = !site.key.is_empty()
            && site
                .key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !key_ok {
            return Err(fail(
                "field `key` must be lower-case letters, digits and '-' (e.g. al-hol-camp)".into(),
            ));
        }
        if !seen.insert(site.key.clone()) {
            return Err(fail(
                "field `key` is given to two sites; keys must differ".into(),
            ));
        }
        if site.name.trim().is_empty() {
            return Err(fail("field `name` is empty".into()));
        }
        if !(-90.0..=90.0).contains(&site.lat) || !(-180.0..=180.0).contains(&site.lon) {
            return Err(fail(format!(
                "fields `lat`/`lon` ({}, {}) are not a point on Earth: latitude -90..90, longitude -180..180",
                site.lat, site.lon
            )));
        }
        for (field, v) in [("radius_km", site.radius_km), ("named_km", site.named_km)] {
            if !(0.0..=100.0).contains(&v) {
                return Err(fail(format!(
                    "field `{field}` is {v}: give a distance from 0 to 100 km"
                )));
            }
        }
        if site.names.iter().any(|n| n.text.trim().is_empty()) {
            return Err(fail("field `names` holds an empty name".into()));
        }
    }
    Ok(parsed.site)
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
            (GOOD.replace("lat = 36.375", "lat = 136.375"), ":3:", "lat"),
            (
                GOOD.replace("radius_km = 3", "radius_km = -3"),
                ":3:",
                "radius_km",
            ),
            (
                GOOD.replace("hasakah-prison", "al-hol-camp"),
                "",
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
