//! Narratives: tagging documents with the propaganda themes they carry, and
//! the weekly share of documents per narrative and source kind, with a
//! "rising" verdict from the surge tests.
//!
//! A narratives file is a list of `[[narrative]]` tables (see
//! [`vigil_model::Narrative`]). Terms match whole words of the normalized
//! text, the way the extraction matches actor aliases: case, punctuation,
//! spacing and Arabic spelling variants are folded, an Arabic term also
//! matches behind a fused conjunction or preposition, and a term never
//! matches inside a longer word.
//!
//! ```
//! use vigil_analyze::narratives::NarrativeSet;
//! let set = NarrativeSet::from_toml("narratives.toml", r#"
//! [[narrative]]
//! key = "revenge"
//! name = "Revenge for territorial losses"
//! description = "Attacks presented as revenge for the loss of territory."
//! terms_en = ["revenge"]
//! terms_ar = ["انتقام"]
//! "#).unwrap();
//! let tags = set.tag("منشور يصف الهجمات بأنها انتقام للباغوز");
//! assert_eq!(tags[0].narrative, "revenge");
//! assert_eq!(tags[0].term, "انتقام");
//! ```

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};
use serde::Serialize;
use sha2::{Digest, Sha256};
use vigil_extract::matcher::Matcher;
use vigil_extract::text::Text;
use vigil_model::{Narrative, NarrativeDayCount, NarrativeTag, SourceKind, WeekStart};

use crate::file::{field_line, read_list, FileError};
use crate::surge::{run_all, SurgeOptions, SurgeResult};
use crate::tally::week_of;

/// The narratives of a file, compiled for tagging.
#[derive(Debug, Clone)]
pub struct NarrativeSet {
    narratives: Vec<Narrative>,
    /// (narrative index, term as written in the file).
    matcher: Matcher<(usize, String)>,
    digest: String,
}

impl NarrativeSet {
    /// Reads and checks a narratives file given as (name, text).
    pub fn from_toml(file: &str, text: &str) -> Result<NarrativeSet, FileError> {
        let list = read_list::<Narrative>(
            file,
            text,
            "narrative",
            "each [[narrative]] has key, name, description, and terms_en and/or terms_ar (lists of strings); no other fields",
        )?;
        let mut seen = BTreeSet::new();
        let err = |range: (usize, usize), field: &str, message: String, fix: &str| FileError {
            file: file.to_string(),
            line: field_line(text, range, field),
            field: Some(field.to_string()),
            message,
            fix: fix.to_string(),
        };
        for n in &list {
            let range = (n.start, n.end);
            let v = &n.value;
            if !valid_key(&v.key) {
                return Err(err(
                    range,
                    "key",
                    format!("narrative key {:?} is not a short key", v.key),
                    "use lower-case letters, digits and dashes, e.g. \"detainee-release\"",
                ));
            }
            if !seen.insert(v.key.clone()) {
                return Err(err(
                    range,
                    "key",
                    format!("narrative key {:?} is used twice", v.key),
                    "give each narrative its own key",
                ));
            }
            if v.name.trim().is_empty() {
                return Err(err(
                    range,
                    "name",
                    format!("narrative {:?} has an empty name", v.key),
                    "write a display name",
                ));
            }
            if v.terms_en.is_empty() && v.terms_ar.is_empty() {
                return Err(err(
                    range,
                    "terms_en",
                    format!("narrative {:?} has no terms", v.key),
                    "list at least one term in terms_en or terms_ar",
                ));
            }
            for (field, terms) in [("terms_en", &v.terms_en), ("terms_ar", &v.terms_ar)] {
                for t in terms.iter() {
                    if vigil_extract::matcher::joined(t).is_empty() {
                        return Err(err(
                            range,
                            field,
                            format!("narrative {:?} has a term {t:?} with no words", v.key),
                            "remove the empty term or write its words",
                        ));
                    }
                }
            }
        }
        let narratives: Vec<Narrative> = list.into_iter().map(|n| n.value).collect();
        Ok(NarrativeSet::new(narratives))
    }

    /// Compiles checked narratives.
    pub fn new(narratives: Vec<Narrative>) -> NarrativeSet {
        let matcher = Matcher::new(narratives.iter().enumerate().flat_map(|(i, n)| {
            n.terms_en
                .iter()
                .chain(&n.terms_ar)
                .map(move |t| (t.clone(), (i, t.clone())))
        }));
        // The digest of what tagging depends on: a document tagged under
        // another digest is tagged again by an incremental run.
        let mut h = Sha256::new();
        for n in &narratives {
            h.update(n.key.as_bytes());
            for t in n.terms_en.iter().chain(&n.terms_ar) {
                h.update([0]);
                h.update(vigil_extract::matcher::joined(t).as_bytes());
            }
            h.update([1]);
        }
        let digest = h
            .finalize()
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect();
        NarrativeSet {
            narratives,
            matcher,
            digest,
        }
    }

    /// The narratives, in file order.
    pub fn narratives(&self) -> &[Narrative] {
        &self.narratives
    }

    /// A short digest of the keys and terms: what tags were made with.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// Every term match in `text`, in text order: the evidence of the
    /// document's tags (a narrative is carried when it has one match).
    pub fn tag(&self, text: &str) -> Vec<NarrativeTag> {
        if self.matcher.is_empty() {
            return Vec::new();
        }
        let t = Text::new(text);
        self.matcher
            .find(&t, 0..t.tokens.len())
            .into_iter()
            .map(|hit| {
                let (i, term) = hit.value;
                NarrativeTag {
                    narrative: self.narratives[*i].key.clone(),
                    term: term.clone(),
                    span: t.span(hit.start, hit.end),
                }
            })
            .collect()
    }
}

fn valid_key(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 64
        && k.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// How the weekly table is made.
#[derive(Debug, Clone, Default)]
pub struct WeeklyOptions {
    /// The day weeks start on.
    pub week_start: WeekStart,
    /// First week shown (the week holding this day); earlier weeks still
    /// serve as the baseline of the first ones.
    pub from: Option<NaiveDate>,
    /// Last week shown (the week holding this day).
    pub to: Option<NaiveDate>,
    /// The surge tests' settings for the rising verdict.
    pub surge: SurgeOptions,
}

/// One row of the weekly table: a narrative's documents in a week, from
/// one kind of source or (with `source_kind: None`) from all.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NarrativeWeek {
    /// First day of the week.
    pub week: NaiveDate,
    /// The narrative's key.
    pub narrative: String,
    /// The kind of source, or `None` for all kinds together.
    pub source_kind: Option<SourceKind>,
    /// Documents carrying the narrative.
    pub documents: u64,
    /// Documents tagged (with any narrative or none) in that week and kind.
    pub tagged: u64,
    /// documents / tagged (0 when nothing was tagged).
    pub share: f64,
    /// For the all-kinds row: the surge tests on the narrative's weekly
    /// document counts, this week against the weeks before.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tests: Vec<SurgeResult>,
    /// For the all-kinds row: whether any test flags the week.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rising: Option<bool>,
}

/// The weekly shares of every narrative in `keys`, from per-day counts.
/// Weeks with no documents count as zero; rows run week by week, then in
/// the order of `keys`, the all-kinds row first, then a row per kind of
/// source that has tagged documents that week.
pub fn weekly(
    counts: &[NarrativeDayCount],
    keys: &[String],
    opts: &WeeklyOptions,
) -> Vec<NarrativeWeek> {
    let ws = opts.week_start;
    let Some(first) = counts.iter().map(|c| week_of(c.day, ws)).min() else {
        return Vec::new();
    };
    let last_data = counts
        .iter()
        .map(|c| week_of(c.day, ws))
        .max()
        .unwrap_or(first);
    let to = opts.to.map_or(last_data, |d| week_of(d, ws));
    let from = opts.from.map_or(first, |d| week_of(d, ws));
    let start = first.min(from);
    let weeks: Vec<NaiveDate> = std::iter::successors(Some(start), |w| {
        Some(*w + Duration::days(7)).filter(|n| *n <= to)
    })
    .collect();
    // (week, narrative or None, kind) → documents.
    let mut cells: BTreeMap<(NaiveDate, Option<&str>, SourceKind), u64> = BTreeMap::new();
    for c in counts {
        *cells
            .entry((week_of(c.day, ws), c.narrative.as_deref(), c.source_kind))
            .or_default() += c.documents;
    }
    let kinds: BTreeSet<SourceKind> = counts.iter().map(|c| c.source_kind).collect();
    let get =
        |w: NaiveDate, n: Option<&str>, k: SourceKind| cells.get(&(w, n, k)).copied().unwrap_or(0);
    let share = |d: u64, t: u64| if t == 0 { 0.0 } else { d as f64 / t as f64 };
    let mut out = Vec::new();
    let series: BTreeMap<&str, Vec<u64>> = keys
        .iter()
        .map(|k| {
            let s = weeks
                .iter()
                .map(|&w| kinds.iter().map(|&kind| get(w, Some(k), kind)).sum())
                .collect();
            (k.as_str(), s)
        })
        .collect();
    for (i, &w) in weeks.iter().enumerate() {
        if w < from {
            continue;
        }
        for key in keys {
            let docs: u64 = series[key.as_str()][i];
            let tagged: u64 = kinds.iter().map(|&k| get(w, None, k)).sum();
            let tests = run_all(&series[key.as_str()][..=i], &opts.surge);
            let rising = tests.iter().any(|t| t.surge);
            out.push(NarrativeWeek {
                week: w,
                narrative: key.clone(),
                source_kind: None,
                documents: docs,
                tagged,
                share: share(docs, tagged),
                tests,
                rising: Some(rising),
            });
            for &kind in &kinds {
                let (d, t) = (get(w, Some(key), kind), get(w, None, kind));
                if t == 0 {
                    // Nothing from this kind of source that week.
                    continue;
                }
                out.push(NarrativeWeek {
                    week: w,
                    narrative: key.clone(),
                    source_kind: Some(kind),
                    documents: d,
                    tagged: t,
                    share: share(d, t),
                    tests: Vec::new(),
                    rising: None,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
[[narrative]]
key = "detainee-release"
name = "Freeing detainees"
description = "Prison breaks and the release of detained members presented as a goal."
terms_en = ["prison break", "free inmates", "Abu Ghraib", "Camp Bucca"]
terms_ar = ["اقتحام سجن", "أبو غريب", "معسكر بوكا"]

[[narrative]]
key = "revenge"
name = "Revenge for territorial losses"
description = "Attacks presented as revenge for the loss of territory."
terms_en = ["revenge", "Baghuz"]
terms_ar = ["انتقام", "الباغوز"]
"#;

    fn set() -> NarrativeSet {
        NarrativeSet::from_toml("narratives.toml", FILE).unwrap()
    }

    /// (name, text, expected (narrative, term, original text of the span)).
    #[test]
    fn tagging_table() {
        type Row<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str, &'a str)]);
        let rows: &[Row] = &[
            (
                "english phrase, case and punctuation folded",
                "Officials called it an apparent attempt to FREE  inmates.",
                &[("detainee-release", "free inmates", "FREE  inmates")],
            ),
            (
                "hyphen and case in a name",
                "The 2013 abu-ghraib break is recalled.",
                &[("detainee-release", "Abu Ghraib", "abu-ghraib")],
            ),
            (
                "two narratives, text order",
                "Revenge for Baghuz, and Camp Bucca remembered",
                &[
                    ("revenge", "revenge", "Revenge"),
                    ("revenge", "Baghuz", "Baghuz"),
                    ("detainee-release", "Camp Bucca", "Camp Bucca"),
                ],
            ),
            (
                "no match inside a longer word",
                "The revengeful tone; a prison breaker; Baghuzi",
                &[],
            ),
            (
                "arabic with hamza and a fused preposition",
                "ويستعيد حادثة اقتحام سجن ابو غريب في العراق",
                &[
                    ("detainee-release", "اقتحام سجن", "اقتحام سجن"),
                    ("detainee-release", "أبو غريب", "ابو غريب"),
                ],
            ),
            (
                "arabic diacritics and a proclitic",
                "ويصفها بأنها انتِقام للباغوز",
                &[
                    ("revenge", "انتقام", "انتِقام"),
                    ("revenge", "الباغوز", "للباغوز"),
                ],
            ),
            (
                "arabic: no match inside a longer word",
                "انتقامية الخطاب",
                &[],
            ),
        ];
        let s = set();
        for (name, text, want) in rows {
            let chars: Vec<char> = text.chars().collect();
            let got: Vec<(String, String, String)> = s
                .tag(text)
                .into_iter()
                .map(|t| {
                    (
                        t.narrative,
                        t.term,
                        chars[t.span.start..t.span.end].iter().collect(),
                    )
                })
                .collect();
            let want: Vec<(String, String, String)> = want
                .iter()
                .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
                .collect();
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn bad_files_name_file_line_field_and_fix() {
        let rows: &[(&str, &str, usize, Option<&str>, &str)] = &[
            (
                "unknown field",
                "[[narrative]]\nkey = \"a\"\nname = \"A\"\ndescription = \"d\"\ntermz = [\"x\"]\n",
                5,
                Some("termz"),
                "unknown field",
            ),
            (
                "missing name",
                "[[narrative]]\nkey = \"a\"\ndescription = \"d\"\nterms_en = [\"x\"]\n",
                1,
                Some("name"),
                "missing field",
            ),
            (
                "terms not a list",
                "[[narrative]]\nkey = \"a\"\nname = \"A\"\ndescription = \"d\"\n\nterms_en = \"x\"\n",
                6,
                Some("terms_en"),
                "",
            ),
            (
                "duplicate key",
                "[[narrative]]\nkey = \"a\"\nname = \"A\"\ndescription = \"d\"\nterms_en = [\"x\"]\n\n[[narrative]]\nkey = \"a\"\nname = \"B\"\ndescription = \"d\"\nterms_en = [\"y\"]\n",
                8,
                Some("key"),
                "used twice",
            ),
            (
                "no terms",
                "[[narrative]]\nkey = \"a\"\nname = \"A\"\ndescription = \"d\"\n",
                1,
                Some("terms_en"),
                "no terms",
            ),
            (
                "empty term",
                "[[narrative]]\nkey = \"a\"\nname = \"A\"\ndescription = \"d\"\nterms_ar = [\"  \"]\n",
                5,
                Some("terms_ar"),
                "no words",
            ),
            (
                "bad key",
                "[[narrative]]\nkey = \"Prison Break\"\nname = \"A\"\ndescription = \"d\"\nterms_en = [\"x\"]\n",
                2,
                Some("key"),
                "not a short key",
            ),
            (
                "unknown list",
                "[[narratives]]\nkey = \"a\"\n",
                1,
                Some("narratives"),
                "unknown list",
            ),
            ("broken toml", "[[narrative]]\nkey = \"a\n", 2, Some("key"), ""),
        ];
        for (name, text, line, field, msg) in rows {
            let e = NarrativeSet::from_toml("n.toml", text).unwrap_err();
            assert_eq!(e.file, "n.toml", "{name}");
            assert_eq!(e.line, *line, "{name}: {e}");
            assert_eq!(e.field.as_deref(), *field, "{name}: {e}");
            assert!(e.message.contains(msg), "{name}: {e}");
            assert!(!e.fix.is_empty(), "{name}");
            assert!(
                e.to_string().starts_with(&format!("n.toml:{line}: ")),
                "{e}"
            );
        }
    }

    #[test]
    fn the_digest_follows_the_terms_not_the_descriptions() {
        let a = set();
        let b = NarrativeSet::from_toml("x", &FILE.replace("Prison breaks", "Escapes")).unwrap();
        let c = NarrativeSet::from_toml("x", &FILE.replace("\"Baghuz\"", "\"al-Baghuz\"")).unwrap();
        assert_eq!(a.digest(), b.digest());
        assert_ne!(a.digest(), c.digest());
    }

    fn day(day: &str, kind: SourceKind, narrative: Option<&str>, n: u64) -> NarrativeDayCount {
        NarrativeDayCount {
            day: day.parse().unwrap(),
            source_kind: kind,
            narrative: narrative.map(str::to_string),
            documents: n,
        }
    }

    /// Shares computed by hand: week of 30 Sep: 4 supporter documents
    /// tagged, 1 carries "revenge"; 6 news tagged, none. Week of 7 Oct
    /// (Wed 9 and Sat 12 fall in it with a Monday start): 5 supporter
    /// documents tagged, 4 carry it; 5 news, 1 carries it.
    #[test]
    fn weekly_shares_match_hand_counts() {
        use SourceKind::{MilitantSupporter as Sup, NewsMedia as News};
        let counts = vec![
            day("2019-10-01", Sup, None, 4),
            day("2019-10-01", Sup, Some("revenge"), 1),
            day("2019-10-02", News, None, 6),
            day("2019-10-09", Sup, None, 3),
            day("2019-10-09", Sup, Some("revenge"), 3),
            day("2019-10-12", Sup, None, 2),
            day("2019-10-12", Sup, Some("revenge"), 1),
            day("2019-10-12", News, None, 5),
            day("2019-10-12", News, Some("revenge"), 1),
        ];
        let keys = vec!["revenge".to_string()];
        let rows = weekly(&counts, &keys, &WeeklyOptions::default());
        let find = |w: &str, k: Option<SourceKind>| {
            rows.iter()
                .find(|r| r.week == w.parse::<NaiveDate>().unwrap() && r.source_kind == k)
                .unwrap()
        };
        let all = find("2019-09-30", None);
        assert_eq!((all.documents, all.tagged), (1, 10));
        assert!((all.share - 0.1).abs() < 1e-12);
        let sup = find("2019-09-30", Some(Sup));
        assert_eq!((sup.documents, sup.tagged, sup.share), (1, 4, 0.25));
        let news = find("2019-09-30", Some(News));
        assert_eq!((news.documents, news.tagged, news.share), (0, 6, 0.0));
        let all = find("2019-10-07", None);
        assert_eq!((all.documents, all.tagged, all.share), (5, 10, 0.5));
        let sup = find("2019-10-07", Some(Sup));
        assert_eq!((sup.documents, sup.tagged, sup.share), (4, 5, 0.8));
        let news = find("2019-10-07", Some(News));
        assert_eq!((news.documents, news.tagged, news.share), (1, 5, 0.2));
        assert_eq!(rows.len(), 6, "2 weeks × (all + 2 kinds)");

        // With Saturday weeks, Sat 12 Oct starts a new week.
        let sat = weekly(
            &counts,
            &keys,
            &WeeklyOptions {
                week_start: WeekStart::Saturday,
                ..WeeklyOptions::default()
            },
        );
        let weeks: BTreeSet<NaiveDate> = sat.iter().map(|r| r.week).collect();
        let want: BTreeSet<NaiveDate> = ["2019-09-28", "2019-10-05", "2019-10-12"]
            .iter()
            .map(|d| d.parse().unwrap())
            .collect();
        assert_eq!(weeks, want);
        let w12 = sat
            .iter()
            .find(|r| r.week.to_string() == "2019-10-12" && r.source_kind.is_none())
            .unwrap();
        assert_eq!((w12.documents, w12.tagged), (2, 7));
    }

    #[test]
    fn a_narrative_rising_against_its_baseline_is_flagged() {
        // Weekly documents carrying it: 1, 1, 1, then 9 (Mondays from 16 Sep).
        let mondays = ["2019-09-16", "2019-09-23", "2019-09-30", "2019-10-07"];
        let mut counts = Vec::new();
        for (m, n) in mondays.iter().zip([1, 1, 1, 9]) {
            counts.push(day(m, SourceKind::MilitantSupporter, None, 10));
            counts.push(day(m, SourceKind::MilitantSupporter, Some("revenge"), n));
        }
        let rows = weekly(&counts, &["revenge".to_string()], &WeeklyOptions::default());
        let verdicts: Vec<(String, Option<bool>)> = rows
            .iter()
            .filter(|r| r.source_kind.is_none())
            .map(|r| (r.week.to_string(), r.rising))
            .collect();
        assert_eq!(
            verdicts,
            [
                ("2019-09-16".to_string(), Some(false)),
                ("2019-09-23".to_string(), Some(false)),
                ("2019-09-30".to_string(), Some(false)),
                ("2019-10-07".to_string(), Some(true)),
            ]
        );
        let last = rows.iter().rfind(|r| r.source_kind.is_none()).unwrap();
        let poisson = last.tests.iter().find(|t| t.test == "poisson").unwrap();
        // P(X >= 9 | Poisson(1)) = 1 - sum_{k<9} e^-1/k! ≈ 1.1252e-6.
        assert!(
            (poisson.p_value.unwrap() - 1.1252e-6).abs() < 1e-9,
            "{poisson:?}"
        );

        // --from hides earlier weeks but they stay the baseline.
        let from = weekly(
            &counts,
            &["revenge".to_string()],
            &WeeklyOptions {
                from: Some("2019-10-09".parse().unwrap()),
                ..WeeklyOptions::default()
            },
        );
        assert_eq!(from.len(), 2);
        assert_eq!(from[0].rising, Some(true));
    }
}
