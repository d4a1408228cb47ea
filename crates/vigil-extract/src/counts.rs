//! Killed, injured, abducted and freed counts, each tied to the words that
//! state it: "killing three people and wounding nine others", "two
//! policemen and a civilian were killed" (3), "nearly 800 escaped",
//! "مقتل عنصرين" (2), "no casualties" (0).

use std::collections::HashSet;

use vigil_model::{Count, CountExactness};

use crate::kb::{Kb, Outcome};
use crate::numbers::NumberPhrase;
use crate::text::{Kind, Text};

/// A count found in the text, with its evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountMention {
    /// What it counts.
    pub outcome: Outcome,
    /// The count.
    pub count: Count,
    /// First token of the evidence (number or cue, whichever comes first).
    pub start: usize,
    /// One past the last token of the evidence.
    pub end: usize,
}

/// Words after a number that make it not a head count ("25-year-old",
/// "35 km", "3 hours").
const UNITS: &[&str] = &[
    "km",
    "kms",
    "kilometers",
    "kilometres",
    "kilometer",
    "kilometre",
    "miles",
    "mile",
    "meters",
    "metres",
    "meter",
    "metre",
    "m",
    "year",
    "years",
    "yr",
    "old",
    "percent",
    "per",
    "%",
    "hours",
    "hour",
    "minutes",
    "minute",
    "days",
    "day",
    "weeks",
    "week",
    "months",
    "month",
    "kg",
    "kilograms",
    "tons",
    "tonnes",
    "am",
    "pm",
    "dollars",
    "dinars",
    "pounds",
    "euros",
    "$",
    "times",
    "mm",
    "كم",
    "كيلومتر",
    "كيلومترات",
    "كلم",
    "متر",
    "عاما",
    "عام",
    "سنه",
    "سنوات",
    "ساعه",
    "ساعات",
    "دقيقه",
    "دقائق",
    "يوم",
    "ايام",
    "اسبوع",
    "شهر",
    "اشهر",
    "دولار",
    "بالمئه",
    "بالمائه",
];

/// Words that make a count zero when they come just before a cue or a
/// casualty noun ("no casualties", "without injuries", "لا اصابات").
const NEGATIONS: &[&str] = &[
    "no", "without", "nobody", "none", "لا", "دون", "بدون", "عدم", "ولا",
];
/// Nouns that stand for killed and injured together, used only for zero.
const CASUALTY_NOUNS: &[&str] = &[
    "casualties",
    "casualty",
    "victims",
    "اصابات",
    "ضحايا",
    "خسائر",
];
/// Words that end the search for a number before a cue.
const STOP_BACK: &[&str] = &[
    "while",
    "but",
    "after",
    "when",
    "which",
    "who",
    "as",
    "بينما",
    "فيما",
    "بعد",
    "حيث",
];
/// Auxiliaries that may sit between a number phrase and a passive cue.
const PASSIVE: &[&str] = &[
    "was",
    "were",
    "been",
    "had",
    "have",
    "has",
    "are",
    "is",
    "reportedly",
    "also",
    "later",
];

/// All counts stated in tokens `range`. `masked` holds tokens that belong
/// to dates (so "on 12 October two were killed" counts 2, not 12).
pub fn find(
    kb: &Kb,
    t: &Text<'_>,
    range: std::ops::Range<usize>,
    masked: &HashSet<usize>,
) -> Vec<CountMention> {
    let cues = kb.count_cues.find(t, range.clone());
    let mut out = Vec::new();
    let number_at = |i: usize| -> Option<NumberPhrase> {
        if i >= range.end || masked.contains(&i) {
            return None;
        }
        if kb.dual_words.contains(t.tok(i)) {
            return Some(NumberPhrase {
                value: 2,
                exactness: CountExactness::Exact,
                start: i,
                end: i + 1,
            });
        }
        let n = kb.numbers.parse_at(t, i)?;
        if n.end > range.end || (n.start..n.end).any(|k| masked.contains(&k)) {
            return None;
        }
        let unit_at = if n.end < range.end && t.tok(n.end) == "-" {
            n.end + 1
        } else {
            n.end
        };
        if unit_at < range.end && UNITS.contains(&t.tok(unit_at)) {
            return None;
        }
        // A bare year is not a count.
        if t.kind(n.end - 1) == Kind::Number
            && (1900..=2100).contains(&n.value)
            && n.exactness == CountExactness::Exact
        {
            return None;
        }
        Some(n)
    };
    let is_cue_start = |i: usize| cues.iter().any(|c| c.start == i);

    for (ci, cue) in cues.iter().enumerate() {
        let outcome = *cue.value;
        // Zero: "no casualties", "no one was killed", "لا اصابات".
        let before = cue.start.checked_sub(1).filter(|&b| b >= range.start);
        if let Some(b) = before {
            if NEGATIONS.contains(&t.tok(b))
                || (b > range.start && t.tok(b) == "one" && t.tok(b - 1) == "no")
            {
                out.push(zero(outcome, b, cue.end));
                continue;
            }
        }
        // Forward: "killing three people", "مقتل 3 اشخاص", "death toll rose to 12".
        let mut forward = None;
        let mut j = cue.end;
        let mut skipped = 0;
        while j < range.end && skipped <= 3 {
            if let Some(n) = number_at(j) {
                forward = Some(n);
                break;
            }
            let w = t.tok(j);
            if t.kind(j) == Kind::Punct || matches!(w, "and" | "و") || is_cue_start(j) {
                break;
            }
            // Only light words may sit between the cue and its number.
            if !matches!(
                w,
                "to" | "at"
                    | "of"
                    | "rose"
                    | "reached"
                    | "climbed"
                    | "stood"
                    | "is"
                    | "was"
                    | "has"
                    | "had"
                    | "risen"
                    | "the"
                    | "a"
                    | "an"
                    | "about"
                    | "الى"
                    | "ل"
                    | "الي"
                    | "عن"
                    | "ارتفعت"
                    | "بلغت"
                    | "وصلت"
            ) {
                break;
            }
            j += 1;
            skipped += 1;
        }
        if let Some(n) = forward {
            out.push(CountMention {
                outcome,
                count: Count {
                    value: n.value,
                    exactness: n.exactness,
                },
                start: cue.start,
                end: n.end,
            });
            continue;
        }
        // Backward: "three people were killed", "two policemen and a
        // civilian were killed", "3 dead".
        let floor = cues[..ci]
            .iter()
            .rev()
            .find(|c| c.end <= cue.start)
            .map_or(range.start, |c| c.end);
        let mut numbers: Vec<NumberPhrase> = Vec::new();
        let mut k = floor;
        let mut window_start = floor;
        // The window starts after the last clause break before the cue.
        for b in floor..cue.start {
            let w = t.tok(b);
            if (t.kind(b) == Kind::Punct && matches!(w, ";" | ":" | "(" | ")"))
                || STOP_BACK.contains(&w)
            {
                window_start = b + 1;
            }
        }
        k = k.max(window_start);
        while k < cue.start {
            if let Some(n) = number_at(k).filter(|n| n.end <= cue.start) {
                numbers.push(n);
                k = n.end;
            } else {
                k += 1;
            }
        }
        // Articles as one: "an office boy was killed", "a policeman and
        // two civilians were wounded".
        let articles: Vec<usize> = (window_start..cue.start)
            .filter(|&a| {
                matches!(t.tok(a), "a" | "an")
                    && a + 1 < cue.start
                    && ((t.kind(a + 1) == Kind::Word && !is_number_word(kb, t, a + 1))
                        // "a 25-year-old man"
                        || (t.kind(a + 1) == Kind::Number && number_at(a + 1).is_none()))
            })
            .collect();
        let value_and_start = if numbers.is_empty() {
            // A lone article only right before "was killed" / "killed".
            let between_ok = |a: usize| {
                (a + 2..cue.start).all(|x| {
                    PASSIVE.contains(&t.tok(x)) || t.kind(x) != Kind::Punct || t.tok(x) == "-"
                })
            };
            articles
                .last()
                .filter(|&&a| between_ok(a) && cue.start - a <= 8)
                .map(|&a| (1, CountExactness::Exact, a))
        } else {
            // Numbers joined by "and" or "," are summed; otherwise the
            // closest one counts.
            let joined = numbers
                .windows(2)
                .all(|w| (w[0].end..w[1].start).any(|x| matches!(t.tok(x), "and" | "," | "و")));
            let last = numbers[numbers.len() - 1];
            // The last number must be close to the cue: "three people were
            // killed", not "three days after the battle … killed".
            let gap_ok = (last.end..cue.start).all(|x| t.kind(x) != Kind::Punct || t.tok(x) == ",")
                && cue.start - last.end <= 5;
            if !gap_ok {
                None
            } else if joined && numbers.len() > 1 {
                let extra_articles = articles
                    .iter()
                    .filter(|&&a| {
                        a > numbers[0].start
                            && !numbers.iter().any(|n| (n.start..n.end).contains(&a))
                    })
                    .count() as u32;
                let exact = numbers.iter().all(|n| n.exactness == CountExactness::Exact);
                let sum: u32 = numbers.iter().map(|n| n.value).sum::<u32>() + extra_articles;
                Some((
                    sum,
                    if exact {
                        CountExactness::Exact
                    } else {
                        CountExactness::About
                    },
                    numbers[0].start,
                ))
            } else {
                // "two policemen and a civilian": one number plus articles.
                let extra = articles
                    .iter()
                    .filter(|&&a| {
                        a > last.end && (last.end..a).any(|x| matches!(t.tok(x), "and" | ","))
                    })
                    .count() as u32;
                Some((last.value + extra, last.exactness, last.start))
            }
        };
        if let Some((value, exactness, start)) = value_and_start {
            out.push(CountMention {
                outcome,
                count: Count { value, exactness },
                start,
                end: cue.end,
            });
        }
    }
    // "no casualties" / "لا اصابات": zero killed and injured.
    for i in range.clone() {
        if CASUALTY_NOUNS.contains(&t.tok(i))
            && i > range.start
            && NEGATIONS.contains(&t.tok(i - 1))
        {
            for o in [Outcome::Killed, Outcome::Injured] {
                if !out.iter().any(|m| m.outcome == o) {
                    out.push(zero(o, i - 1, i + 1));
                }
            }
        }
    }
    out
}

fn is_number_word(kb: &Kb, t: &Text<'_>, i: usize) -> bool {
    kb.numbers.parse_at(t, i).is_some()
}

fn zero(outcome: Outcome, start: usize, end: usize) -> CountMention {
    CountMention {
        outcome,
        count: Count {
            value: 0,
            exactness: CountExactness::Exact,
        },
        start,
        end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(text: &str) -> Vec<(Outcome, u32, CountExactness)> {
        let kb = Kb::bundled();
        let t = Text::new(text);
        find(kb, &t, 0..t.tokens.len(), &HashSet::new())
            .into_iter()
            .map(|m| (m.outcome, m.count.value, m.count.exactness))
            .collect()
    }

    #[test]
    fn count_table() {
        use CountExactness::*;
        use Outcome::*;
        type Row = (&'static str, &'static [(Outcome, u32, CountExactness)]);
        let rows: &[Row] = &[
            ("Two suicide bombers struck a restaurant, killing three people and wounding nine others.", &[(Killed, 3, Exact), (Injured, 9, Exact)]),
            ("Three people were killed and nine wounded.", &[(Killed, 3, Exact), (Injured, 9, Exact)]),
            ("Two policemen and a civilian were killed.", &[(Killed, 3, Exact)]),
            ("An office boy was killed and a cleaning woman wounded by the blast.", &[(Killed, 1, Exact), (Injured, 1, Exact)]),
            ("One pavilion guard and one civilian policeman sustained minor injuries.", &[(Injured, 2, Exact)]),
            ("Nearly 800 people escaped from the camp.", &[(Freed, 800, About)]),
            ("At least 12 soldiers were killed.", &[(Killed, 12, AtLeast)]),
            ("The death toll rose to 15.", &[(Killed, 15, Exact)]),
            ("The blast caused no casualties.", &[(Killed, 0, Exact), (Injured, 0, Exact)]),
            ("Dozens were wounded.", &[(Injured, 24, About)]),
            ("A 25-year-old man was shot dead.", &[(Killed, 1, Exact)]),
            ("مقتل ثلاثة أشخاص وإصابة تسعة آخرين", &[(Killed, 3, Exact), (Injured, 9, Exact)]),
            ("وقال إن عنصرين قتلا", &[(Killed, 2, Exact)]),
            ("أسفر الانفجار عن مقتل عنصرين من قسد", &[(Killed, 2, Exact)]),
            ("فرار نحو ٨٠٠ شخص من المخيم", &[(Freed, 800, About)]),
        ];
        for (text, want) in rows {
            assert_eq!(counts(text), *want, "{text}");
        }
    }
}
