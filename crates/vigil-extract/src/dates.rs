//! Dates in reports, resolved against the report's own date: "on Thursday",
//! "yesterday", "last week", "Oct. 9", "9 October 2019", "يوم الخميس",
//! "9 تشرين الأول", "2019-10-09".

use foldhash::{HashMap, HashMapExt};

use chrono::{Datelike, Duration, NaiveDate};
use serde::Deserialize;
use vigil_model::{DatePrecision, EventDate};

use crate::text::{Kind, Text};
use crate::KbError;

/// The calendar words of `data/kb/calendar.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarFile {
    months: HashMap<String, Vec<String>>,
    weekdays: HashMap<String, Vec<String>>,
    relative: HashMap<String, Relative>,
    periods: Periods,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Relative {
    offset: i64,
    words: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Periods {
    last_week: Vec<String>,
    last_month: Vec<String>,
}

/// What a phrase means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meaning {
    Month(u32),
    Weekday(u32),
    DaysAgo(i64),
    LastWeek,
    LastMonth,
}

/// The calendar, as phrases (token sequences) to meanings.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    /// Phrases by their first token, each list longest first: a token
    /// is compared only with the phrases that can start there.
    by_first: HashMap<String, Vec<(Vec<String>, Meaning)>>,
}

/// A date found in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateMention {
    /// The resolved date.
    pub date: EventDate,
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
}

fn phrase(s: &str) -> Vec<String> {
    let n = vigil_text::normalize(s);
    let t = Text::new(&n);
    (0..t.tokens.len()).map(|i| t.tok(i).to_string()).collect()
}

impl Calendar {
    /// Builds the calendar from its file.
    pub fn from_file(f: &CalendarFile, path: &str) -> Result<Calendar, KbError> {
        let mut phrases = Vec::new();
        let num = |k: &str, max: u32| -> Result<u32, KbError> {
            k.parse::<u32>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| KbError::Invalid {
                    file: path.to_string(),
                    what: format!("key {k:?}: expected a number from 1 to {max}"),
                })
        };
        for (k, names) in &f.months {
            let m = num(k, 12)?;
            phrases.extend(names.iter().map(|n| (phrase(n), Meaning::Month(m))));
        }
        for (k, names) in &f.weekdays {
            let d = num(k, 7)?;
            phrases.extend(names.iter().map(|n| (phrase(n), Meaning::Weekday(d))));
        }
        for r in f.relative.values() {
            phrases.extend(
                r.words
                    .iter()
                    .map(|n| (phrase(n), Meaning::DaysAgo(-r.offset))),
            );
        }
        phrases.extend(
            f.periods
                .last_week
                .iter()
                .map(|n| (phrase(n), Meaning::LastWeek)),
        );
        phrases.extend(
            f.periods
                .last_month
                .iter()
                .map(|n| (phrase(n), Meaning::LastMonth)),
        );
        phrases.retain(|(p, _)| !p.is_empty());
        phrases.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        let mut by_first: HashMap<String, Vec<(Vec<String>, Meaning)>> = HashMap::new();
        for (p, m) in phrases {
            by_first.entry(p[0].clone()).or_default().push((p, m));
        }
        Ok(Calendar { by_first })
    }

    fn meaning_at(&self, text: &Text<'_>, i: usize) -> Option<(Meaning, usize)> {
        if i >= text.tokens.len() {
            return None;
        }
        // "يوم الخميس", "on thursday": the weekday phrase itself decides.
        self.by_first.get(text.tok(i))?.iter().find_map(|(p, m)| {
            let n = p.len();
            (i + n <= text.tokens.len() && (1..n).all(|k| text.tok(i + k) == p[k]))
                .then_some((*m, i + n))
        })
    }

    /// Every date expression in tokens `range`, resolved against `reference`.
    pub fn find(
        &self,
        text: &Text<'_>,
        range: std::ops::Range<usize>,
        reference: NaiveDate,
    ) -> Vec<DateMention> {
        let mut out = Vec::new();
        let mut i = range.start;
        while i < range.end {
            if let Some(m) = self.date_at(text, i, range.end, reference) {
                i = m.end;
                out.push(m);
            } else {
                i += 1;
            }
        }
        out
    }

    fn date_at(
        &self,
        text: &Text<'_>,
        i: usize,
        limit: usize,
        reference: NaiveDate,
    ) -> Option<DateMention> {
        let day = |i: usize| -> Option<u32> {
            (i < limit && text.kind(i) == Kind::Number)
                .then(|| text.tok(i).parse::<u32>().ok())
                .flatten()
                .filter(|d| (1..=31).contains(d))
        };
        let year = |i: usize| -> Option<i32> {
            (i < limit && text.kind(i) == Kind::Number)
                .then(|| text.tok(i).parse::<i32>().ok())
                .flatten()
                .filter(|y| (1900..=2100).contains(y))
        };
        let skip_punct = |i: usize, p: &str| {
            if i < limit && text.tok(i) == p {
                i + 1
            } else {
                i
            }
        };

        // ISO 2019-10-09 and 09/10/2019 (day first, as in the region).
        if let Some(m) = numeric_date(text, i, limit) {
            return Some(m);
        }
        // 9 October [2019] / 9 تشرين الاول
        if let Some(d) = day(i) {
            if let Some((Meaning::Month(m), e)) = self.meaning_at(text, i + 1) {
                let e2 = skip_punct(e, ",");
                let (y, end) = match year(e2) {
                    Some(y) => (Some(y), e2 + 1),
                    None => (None, e),
                };
                return make(d, m, y, reference).map(|date| DateMention {
                    date: EventDate {
                        date,
                        precision: DatePrecision::Day,
                    },
                    start: i,
                    end,
                });
            }
        }
        let (meaning, e) = self.meaning_at(text, i)?;
        match meaning {
            Meaning::Month(m) => {
                // October 9[, 2019] / Oct. 9 / October 2019 / in October
                let e1 = skip_punct(e, ".");
                if let Some(d) = day(e1) {
                    let e2 = skip_punct(e1 + 1, ",");
                    let (y, end) = match year(e2) {
                        Some(y) => (Some(y), e2 + 1),
                        None => (None, e1 + 1),
                    };
                    return make(d, m, y, reference).map(|date| DateMention {
                        date: EventDate {
                            date,
                            precision: DatePrecision::Day,
                        },
                        start: i,
                        end,
                    });
                }
                // A bare month name needs a year or "in" before it: "may"
                // and "march" are ordinary words too.
                let y = year(e1);
                let after_in =
                    i > 0 && matches!(text.tok(i - 1), "in" | "during" | "since" | "في" | "خلال");
                if y.is_none() && !after_in {
                    return None;
                }
                let date = make(1, m, y, reference)?;
                Some(DateMention {
                    date: EventDate {
                        date,
                        precision: DatePrecision::Month,
                    },
                    start: i,
                    end: if y.is_some() { e1 + 1 } else { e },
                })
            }
            Meaning::Weekday(wd) => {
                let back =
                    (reference.weekday().number_from_monday() as i64 - wd as i64).rem_euclid(7);
                Some(DateMention {
                    date: EventDate {
                        date: reference - Duration::days(back),
                        precision: DatePrecision::Day,
                    },
                    start: i,
                    end: e,
                })
            }
            Meaning::DaysAgo(n) => Some(DateMention {
                date: EventDate {
                    date: reference - Duration::days(n),
                    precision: DatePrecision::Day,
                },
                start: i,
                end: e,
            }),
            Meaning::LastWeek => {
                let monday =
                    reference - Duration::days(reference.weekday().num_days_from_monday() as i64);
                Some(DateMention {
                    date: EventDate {
                        date: monday - Duration::days(7),
                        precision: DatePrecision::Week,
                    },
                    start: i,
                    end: e,
                })
            }
            Meaning::LastMonth => {
                let first = reference.with_day(1)?;
                let prev = (first - Duration::days(1)).with_day(1)?;
                Some(DateMention {
                    date: EventDate {
                        date: prev,
                        precision: DatePrecision::Month,
                    },
                    start: i,
                    end: e,
                })
            }
        }
    }
}

/// `2019-10-09` (one token each: 2019 - 10 - 09) or `9/10/2019`.
fn numeric_date(text: &Text<'_>, i: usize, limit: usize) -> Option<DateMention> {
    if i + 5 > limit || text.kind(i) != Kind::Number {
        return None;
    }
    let n = |k: usize| text.tok(i + k).parse::<u32>().ok();
    let sep = text.tok(i + 1);
    if !matches!(sep, "-" | "/" | ".") || text.tok(i + 3) != sep {
        return None;
    }
    let (y, m, d) = if text.tok(i).len() == 4 {
        (n(0)? as i32, n(2)?, n(4)?)
    } else {
        (n(4)? as i32, n(2)?, n(0)?)
    };
    let date = NaiveDate::from_ymd_opt(y, m, d).filter(|_| (1900..=2100).contains(&y))?;
    Some(DateMention {
        date: EventDate {
            date,
            precision: DatePrecision::Day,
        },
        start: i,
        end: i + 5,
    })
}

/// A day and month with an optional year; without one, the year that puts
/// the date on or before the reference (reports look back), allowing a
/// week ahead for announced events.
fn make(d: u32, m: u32, y: Option<i32>, reference: NaiveDate) -> Option<NaiveDate> {
    match y {
        Some(y) => NaiveDate::from_ymd_opt(y, m, d),
        None => {
            let this = NaiveDate::from_ymd_opt(reference.year(), m, d)?;
            if this > reference + Duration::days(7) {
                NaiveDate::from_ymd_opt(reference.year() - 1, m, d)
            } else {
                Some(this)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calendar() -> Calendar {
        let f: CalendarFile =
            toml::from_str(include_str!("../../../data/kb/calendar.toml")).unwrap();
        Calendar::from_file(&f, "calendar.toml").unwrap()
    }

    #[test]
    fn date_table() {
        let cal = calendar();
        // Thursday 17 October 2019.
        let reference = NaiveDate::from_ymd_opt(2019, 10, 17).unwrap();
        let rows: &[(&str, &str, DatePrecision)] = &[
            ("on Thursday", "2019-10-17", DatePrecision::Day),
            ("on Tuesday night", "2019-10-15", DatePrecision::Day),
            ("يوم الخميس", "2019-10-17", DatePrecision::Day),
            ("مساء الثلاثاء", "2019-10-15", DatePrecision::Day),
            ("yesterday", "2019-10-16", DatePrecision::Day),
            ("أمس", "2019-10-16", DatePrecision::Day),
            ("Oct. 9", "2019-10-09", DatePrecision::Day),
            ("October 9, 2019", "2019-10-09", DatePrecision::Day),
            ("9 October", "2019-10-09", DatePrecision::Day),
            ("في 9 تشرين الأول", "2019-10-09", DatePrecision::Day),
            ("٩ أكتوبر ٢٠١٩", "2019-10-09", DatePrecision::Day),
            ("on 2019-10-09", "2019-10-09", DatePrecision::Day),
            ("on 13/10/2019", "2019-10-13", DatePrecision::Day),
            ("on Dec. 24", "2018-12-24", DatePrecision::Day),
            ("last week", "2019-10-07", DatePrecision::Week),
            ("الأسبوع الماضي", "2019-10-07", DatePrecision::Week),
            ("in September", "2019-09-01", DatePrecision::Month),
            ("in March 2003", "2003-03-01", DatePrecision::Month),
        ];
        for (input, want, precision) in rows {
            let t = Text::new(input);
            let found = cal.find(&t, 0..t.tokens.len(), reference);
            assert_eq!(found.len(), 1, "{input}: {found:?}");
            assert_eq!(found[0].date.date.to_string(), *want, "{input}");
            assert_eq!(found[0].date.precision, *precision, "{input}");
        }
        for none in ["they may return", "a march on the capital", "3.5 km"] {
            let t = Text::new(none);
            assert!(
                cal.find(&t, 0..t.tokens.len(), reference).is_empty(),
                "{none}"
            );
        }
    }
}
