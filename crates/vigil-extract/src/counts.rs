//! Killed, injured, abducted and freed counts, each tied to the words that
//! state it: "killing three people and wounding nine others", "two
//! policemen and a civilian were killed" (3), "killing himself and two
//! guards" (3), "Judge Ali Hassan, a court official, was shot dead" (1),
//! "nearly 800 escaped", "مقتل عنصرين" (2), "no casualties" (0).
//!
//! A cue ("killed", "wounding", "dead") takes its figure from the words
//! after it (the object of an active verb, "the death toll rose to 12"), or
//! else from the subject before it ("three people were killed"). Subjects
//! and objects are read as lists of people: numbers, "a policeman", "his
//! driver", "him", a person's name. [`tally`] then turns the mentions of a
//! report into one figure per outcome.

use foldhash::HashSet;
use std::ops::Range;

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
    /// Whether it counts people besides those of an earlier count of the
    /// same outcome: "two others were also killed", "two of the attackers
    /// were killed".
    pub adds: bool,
    /// Whether its cue implies the outcome only when nothing else is said:
    /// "was shot" is a death unless the report tells of wounds.
    pub weak: bool,
    /// Whether it counts victims by kind ("killing six policemen"), not
    /// "people": a suicide attacker who died with them is not among them.
    pub by_kind: bool,
    /// Whether it counts the people of an earlier count rather than a
    /// figure of its own ("six men were kidnapped ... their bodies were
    /// found"): its value is taken from the count before it.
    pub refers_back: bool,
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
    "be",
    "being",
    "reportedly",
    "also",
    "later",
    "all",
    "both",
    "subsequently",
    "allegedly",
    "apparently",
    "instantly",
    "immediately",
    "eventually",
    "then",
    "reported",
    "believed",
    "feared",
    "confirmed",
    "found",
];
/// Light words that may sit between a cue and the number it takes ("the
/// death toll rose to 12", "ارتفعت حصيلة القتلى الى 12").
const LIGHT: &[&str] = &[
    "to",
    "at",
    "of",
    "rose",
    "reached",
    "climbed",
    "stood",
    "is",
    "was",
    "has",
    "had",
    "risen",
    "the",
    "a",
    "an",
    "about",
    "all",
    "total",
    "الى",
    "ل",
    "الي",
    "عن",
    "ارتفعت",
    "بلغت",
    "وصلت",
];
/// Words that end a noun phrase naming people ("two policemen *in* the
/// market", "the driver *who* ...").
const NP_BREAK: &[&str] = &[
    "and",
    "or",
    "but",
    "nor",
    "in",
    "at",
    "on",
    "near",
    "who",
    "whom",
    "whose",
    "which",
    "that",
    "as",
    "when",
    "where",
    "while",
    "with",
    "without",
    "during",
    "after",
    "before",
    "from",
    "by",
    "to",
    "into",
    "inside",
    "outside",
    "was",
    "were",
    "is",
    "are",
    "be",
    "been",
    "being",
    "had",
    "has",
    "have",
    "including",
    "included",
    "also",
    "for",
    "since",
    "because",
    "of",
    "than",
    "then",
    "there",
    "later",
    "along",
    "together",
    "plus",
    "not",
    "no",
    "said",
    "says",
    "according",
    "among",
    "amongst",
    "under",
    "over",
    "across",
    "through",
    "throughout",
    "within",
    "between",
    "around",
    "about",
    "against",
    "upon",
    "despite",
    "if",
    "so",
    "yet",
    "each",
    "it",
    "they",
    "he",
    "she",
    "we",
    "his",
    "her",
    "their",
    "its",
    "the",
    "a",
    "an",
    "this",
    "these",
    "those",
    "whilst",
    "via",
    "onto",
    "toward",
    "towards",
    "behind",
    "beside",
    "beyond",
    "aboard",
    "until",
    "till",
    "once",
    "again",
    "too",
    "only",
    "just",
    "even",
    "however",
    "although",
    "though",
    "whether",
    "yesterday",
    "today",
    "overnight",
];
/// Determiners before a noun naming people: one person when the noun is
/// singular ("his driver"), an unknown number when plural ("his guards").
const DETERMINERS: &[&str] = &["the", "his", "her", "their", "its", "whose"];
/// Plural nouns that do not end in "s".
const PLURAL_NOUNS: &[&str] = &[
    "police",
    "people",
    "children",
    "personnel",
    "staff",
    "family",
    "crew",
    "folk",
    "clergy",
    "youth",
    "militia",
    "public",
    "group",
    "patrol",
    "convoy",
    "unit",
    "team",
    "force",
    "army",
    "dozen",
];
/// Head nouns that name no person ("as a result, ...", "executed a
/// coordinated attack").
const NOT_PEOPLE: &[&str] = &[
    "result",
    "attack",
    "attacks",
    "operation",
    "bombing",
    "raid",
    "assault",
    "plot",
    "plan",
    "number",
    "total",
    "series",
    "wave",
    "car",
    "vehicle",
    "bomb",
    "building",
    "house",
    "home",
    "office",
    "station",
    "checkpoint",
    "patrol",
    "convoy",
    "market",
    "shootout",
    "battle",
    "clash",
    "fire",
    "blast",
    "explosion",
    "area",
    "day",
    "week",
    "month",
    "year",
    "time",
    "statement",
    "report",
    "video",
    "way",
    "part",
    "rest",
    "majority",
    "lot",
    // Places people flee or are held in: "fled a camp", "escaped a prison".
    "camp",
    "prison",
    "jail",
    "facility",
    "centre",
    "center",
    "compound",
    "town",
    "village",
    "city",
    "site",
];
/// Cues that tell of a death only when the report tells of no wounded and
/// no clearer toll ("a policeman was shot"; "was shot and seriously
/// wounded" is a wound).
const WEAK_CUES: &[&str] = &["shot", "stabbed"];
/// Words that tell of a body being found, which makes "his body" a death.
const FINDING: &[&str] = &[
    "found",
    "discovered",
    "recovered",
    "dumped",
    "retrieved",
    "identified",
    "located",
];
/// Words that make what follows uncertain: "it is unclear whether anyone
/// was killed".
const HEDGES: &[&str] = &[
    "unclear",
    "whether",
    "if",
    "unconfirmed",
    "anyone",
    "anybody",
];
/// Small words inside names ("Abu Musab al-Zarqawi", "Usama bin Ladin").
const NAME_PARTICLES: &[&str] = &[
    "al", "el", "bin", "ibn", "abu", "abd", "ad", "as", "ash", "at", "az", "ar", "an", "bint",
    "de", "van", "von",
];
/// Words that mark a count as adding to one stated before.
const ADD_WORDS: &[&str] = &[
    "also",
    "second",
    "third",
    "fourth",
    "fifth",
    "another",
    "other",
    "others",
    "additional",
    "further",
    "اخرين",
    "اخر",
    "ايضا",
];
/// Nouns for attackers: their dead are counted besides their victims
/// ("one of the attackers was also killed").
const ATTACKER_NOUNS: &[&str] = &[
    "attacker",
    "attackers",
    "gunman",
    "gunmen",
    "insurgent",
    "insurgents",
    "militant",
    "militants",
    "bomber",
    "bombers",
    "terrorist",
    "terrorists",
    "assailant",
    "assailants",
    "kidnapper",
    "kidnappers",
    "perpetrator",
    "perpetrators",
    "hijacker",
    "hijackers",
    "guerrilla",
    "guerrillas",
    "killers",
    "abductors",
];
/// Phrases of a sentence about other events than the report's own: its
/// figures give way to the figures of the event itself.
const OTHER_EVENTS: &[&[&str]] = &[
    &["was", "one", "of"],
    &["is", "one", "of"],
    &["were", "among"],
    &["nationwide"],
    &["throughout", "the", "country"],
    &["across", "the", "country"],
    &["the", "previous", "day"],
    &["a", "day", "earlier"],
    &["last", "week"],
    &["a", "week", "before"],
    &["a", "week", "earlier"],
    &["last", "month"],
    &["so", "far"],
    &["this", "year"],
];
/// Phrases that mark a report as one of a series of attacks told
/// separately ("this was one of eight bombings on this day").
const SERIES: &[&[&str]] = &[&["was", "one", "of"], &["is", "one", "of"]];
/// One suicide attacker: counted among the dead when the report counts
/// the victims by kind ("killing six policemen": seven dead).
const SUICIDE_ATTACKER: &[&[&str]] = &[
    &["suicide", "bomber"],
    &["suicide", "attacker"],
    &["suicide", "car", "bomber"],
    &["suicide", "truck", "bomber"],
    &["blew", "himself", "up"],
    &["blew", "herself", "up"],
    &["detonated", "himself"],
    &["detonated", "herself"],
];
/// More than one suicide attacker: their number is seldom told.
const SUICIDE_ATTACKERS: &[&[&str]] = &[
    &["suicide", "bombers"],
    &["suicide", "attackers"],
    &["suicide", "car", "bombers"],
    &["blew", "themselves", "up"],
];
/// Phrases of a total; in a report that is one of a series, a total is the
/// series' ("a total of 10 imams were killed in the attacks").
const TOTALS: &[&[&str]] = &[&["a", "total", "of"], &["in", "total"], &["in", "all"]];

/// All counts stated in tokens `range`. `masked` holds tokens that belong
/// to dates (so "on 12 October two were killed" counts 2, not 12).
pub fn find(
    kb: &Kb,
    t: &Text<'_>,
    range: Range<usize>,
    masked: &HashSet<usize>,
) -> Vec<CountMention> {
    let mut cues = kb.count_cues.find(t, range.clone());
    // "body guards" are no bodies.
    cues.retain(|c| {
        !(c.end == c.start + 1
            && matches!(t.tok(c.start), "body" | "corpse")
            && c.end < range.end
            && matches!(t.tok(c.end), "guard" | "guards" | "armor" | "armour"))
    });
    let s = Scan {
        kb,
        t,
        range: range.clone(),
        masked,
        cues: cues.iter().map(|c| (c.start, c.end)).collect(),
        outcomes: cues.iter().map(|c| *c.value).collect(),
    };
    let mut out = Vec::new();
    // The end of the figures read after earlier cues: "the toll reached 15
    // and 20 were wounded" gives 15 to the toll, and 20 alone to "wounded".
    let mut read_to = range.start;
    for (ci, cue) in cues.iter().enumerate() {
        let outcome = *cue.value;
        let m = s.mention(ci, outcome, read_to).or_else(|| {
            // "three workers were kidnapped from their car and killed": the
            // people of the clause's earlier count.
            let prev = out.last().filter(|p: &&CountMention| p.count.value > 0)?;
            let mut k = cue.start;
            while k > prev.end && matches!(t.tok(k - 1), "later" | "then" | "subsequently") {
                k -= 1;
            }
            let clause = (prev.end..k).all(|x| !matches!(t.tok(x), "." | ";" | ":"));
            (k > range.start && t.tok(k - 1) == "and" && clause && s.passive_at(ci)).then_some(
                CountMention {
                    outcome,
                    start: cue.start,
                    end: cue.end,
                    adds: false,
                    ..*prev
                },
            )
        });
        if let Some(m) = m {
            if m.end > cue.end {
                read_to = read_to.max(m.end);
            }
            out.push(m);
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
                    out.push(s.zero(o, i - 1, i + 1));
                }
            }
        }
    }
    out
}

/// One count per outcome for the mentions of one report (in text order),
/// told in `sentences`: the first figure stated, plus the figures that add
/// to it ("two others were also killed", "one of the attackers was
/// killed"). Figures from sentences about other events, or totals of a
/// series of attacks, do not count; weak cues ("was shot") count only when
/// the report tells of no wounded and no clearer figure. A lone suicide
/// attacker is added to victims counted by kind ("a suicide bomber ...
/// killing six policemen": seven dead), the way tolls such as RAND's count
/// him; "killing six people" may already include him and is left as is.
pub fn tally(
    t: &Text<'_>,
    sentences: &[Range<usize>],
    mentions: &[CountMention],
) -> Vec<CountMention> {
    let series = sentences.iter().any(|r| has_phrase(t, r, SERIES));
    // A one-sentence report that dates itself "last week" is about that
    // event; in a longer one such a sentence recalls another (measured:
    // dropping the condition costs RAND killed 0.895 -> 0.887).
    let lone_sentence = sentences.len() == 1;
    // One suicide attacker, who died in the attack.
    let suicide = sentences.iter().any(|r| has_phrase(t, r, SUICIDE_ATTACKER))
        && !sentences
            .iter()
            .any(|r| has_phrase(t, r, SUICIDE_ATTACKERS));
    let context = |m: &CountMention| {
        t.sentences.get(t.sentence_of(m.start)).is_some_and(|r| {
            has_phrase(t, r, OTHER_EVENTS)
                || (series && has_phrase(t, r, TOTALS))
                // "Note: another source reported that ...": an editor's aside.
                || (r.start < r.end && t.tok(r.start) == "note")
        })
    };
    let mut out: Vec<CountMention> = Vec::new();
    let wounded = mentions
        .iter()
        .any(|m| m.outcome == Outcome::Injured && m.count.value > 0);
    for outcome in [
        Outcome::Killed,
        Outcome::Injured,
        Outcome::Abducted,
        Outcome::Freed,
    ] {
        let mut all: Vec<&CountMention> =
            mentions.iter().filter(|m| m.outcome == outcome).collect();
        if wounded || all.iter().any(|m| !m.weak) {
            all.retain(|m| !m.weak);
        }
        // Other events' figures give way to the event's own; alone in a
        // one-sentence report, they are its figures ("a bomb killed two
        // soldiers last week").
        if !lone_sentence || all.iter().any(|m| !context(m)) {
            all.retain(|m| !context(m));
        }
        let Some((first, rest)) = all.split_first() else {
            continue;
        };
        let mut total = **first;
        if total.refers_back {
            // The figure of the nearest earlier count ("kidnapped six men").
            let Some(earlier) = mentions
                .iter()
                .filter(|m| m.start < total.start && m.count.value > 0 && !m.refers_back)
                .max_by_key(|m| m.start)
            else {
                continue;
            };
            total.count = earlier.count;
        }
        if outcome == Outcome::Killed && suicide && first.by_kind {
            total.count.value += 1;
        }
        for m in rest {
            if m.adds && m.count.value > 0 {
                total.count.value += m.count.value;
                total.count.exactness = weakest(total.count.exactness, m.count.exactness);
            }
        }
        out.push(total);
    }
    out
}

/// Whether tokens `r` hold one of `phrases`.
fn has_phrase(t: &Text<'_>, r: &Range<usize>, phrases: &[&[&str]]) -> bool {
    (r.start..r.end).any(|k| {
        phrases
            .iter()
            .any(|p| k + p.len() <= r.end && p.iter().enumerate().all(|(x, w)| t.tok(k + x) == *w))
    })
}

fn weakest(a: CountExactness, b: CountExactness) -> CountExactness {
    if a == CountExactness::Exact {
        b
    } else {
        a
    }
}

/// People named by a noun phrase or a list of them.
#[derive(Debug, Clone, Copy)]
struct Group {
    /// How many; `None` when a member has no number ("his guards").
    value: Option<u32>,
    exactness: CountExactness,
    /// One past the last token.
    end: usize,
    /// What its last member is: after a name or a number a comma opens an
    /// apposition ("Ali Hassan, a police officer, and his son" are two;
    /// "two men, a father and son" are two).
    last: Member,
}

/// The kind of a member of a list of people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Member {
    /// "three policemen"
    Number,
    /// "Ali Hassan"
    Name,
    /// "his driver": may be followed by a bare noun ("his nephew and son").
    Possessive,
    /// "a policeman", "him"
    Other,
}

impl Group {
    fn join(self, other: Group) -> Group {
        Group {
            value: self.value.zip(other.value).map(|(a, b)| a + b),
            exactness: weakest(self.exactness, other.exactness),
            end: other.end,
            last: other.last,
        }
    }
}

/// The tokens of one search, with the count cues found in them.
struct Scan<'s, 'a> {
    kb: &'s Kb,
    t: &'s Text<'a>,
    range: Range<usize>,
    masked: &'s HashSet<usize>,
    cues: Vec<(usize, usize)>,
    outcomes: Vec<Outcome>,
}

impl Scan<'_, '_> {
    fn tok(&self, i: usize) -> &str {
        if i < self.range.end {
            self.t.tok(i)
        } else {
            ""
        }
    }

    fn is_word(&self, i: usize) -> bool {
        i < self.range.end && self.t.kind(i) == Kind::Word
    }

    fn outcome_at(&self, ci: usize) -> Option<Outcome> {
        self.outcomes.get(ci).copied()
    }

    fn is_cue(&self, i: usize) -> bool {
        self.cues.iter().any(|c| (c.0..c.1).contains(&i))
    }

    fn zero(&self, outcome: Outcome, start: usize, end: usize) -> CountMention {
        CountMention {
            outcome,
            count: Count {
                value: 0,
                exactness: CountExactness::Exact,
            },
            start,
            end,
            adds: false,
            weak: false,
            by_kind: false,
            refers_back: false,
        }
    }

    /// Whether token `i` is written with a capital in the original.
    fn capitalized(&self, i: usize) -> bool {
        self.is_word(i)
            && self
                .t
                .original_of(i, i + 1)
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
    }

    fn sentence_initial(&self, i: usize) -> bool {
        i == self.range.start || self.t.sentences.iter().any(|r| r.start == i)
    }

    /// The number at token `i`, if it counts people.
    fn number_at(&self, i: usize) -> Option<NumberPhrase> {
        let (t, kb, end) = (self.t, self.kb, self.range.end);
        if i >= end || self.masked.contains(&i) {
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
        // "مقتل عنصر": one; "15 عنصرا": the number counts, not the noun.
        if kb.singular_words.contains(t.tok(i))
            && !(i > self.range.start && t.kind(i - 1) == Kind::Number)
            && !(i > self.range.start && kb.numbers.parse_at(t, i - 1).is_some())
        {
            return Some(NumberPhrase {
                value: 1,
                exactness: CountExactness::Exact,
                start: i,
                end: i + 1,
            });
        }
        let n = kb.numbers.parse_at(t, i)?;
        if n.end > end || (n.start..n.end).any(|k| self.masked.contains(&k)) {
            return None;
        }
        let unit_at = if n.end < end && t.tok(n.end) == "-" {
            n.end + 1
        } else {
            n.end
        };
        if unit_at < end && UNITS.contains(&t.tok(unit_at)) {
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
    }

    /// Words of a noun phrase from `i`: its end and its head noun
    /// ("members" in "members of his family").
    fn phrase(&self, i: usize) -> (usize, Option<usize>) {
        let mut j = i;
        let mut head = None;
        let mut words = 0;
        let mut after_hyphen = false;
        while j < self.range.end && words < 8 {
            let w = self.tok(j);
            let age = self.t.kind(j) == Kind::Number && self.number_at(j).is_none();
            if (self.is_word(j) || (age && j < self.range.end))
                && !self.is_cue(j)
                && (after_hyphen
                    || age
                    || (!NP_BREAK.contains(&w)
                        && !(w.ends_with("ing")
                            && w.len() > 5
                            && !(self.is_word(j + 1)
                                && !NP_BREAK.contains(&self.tok(j + 1))
                                && !self.is_cue(j + 1)))
                        && self.number_at(j).is_none()))
            {
                if !(w.ends_with("ed") && w.len() > 4) || after_hyphen {
                    head = Some(j);
                }
                words += 1;
                j += 1;
                after_hyphen = false;
            } else if w == "-" && words > 0 && self.is_word(j + 1) {
                after_hyphen = true;
                j += 1;
            } else {
                break;
            }
        }
        // "two of his guards", "three members of the family", "the head of
        // the council".
        if self.tok(j) == "of" && !self.is_cue(j + 1) {
            let mut k = j + 1;
            if DETERMINERS.contains(&self.tok(k)) || matches!(self.tok(k), "a" | "an") {
                k += 1;
            } else if let Some(n) = self.number_at(k) {
                k = n.end;
            } else if let Some((end, _)) = self.name(k).filter(|n| n.1) {
                k = end;
            }
            let (e, _) = self.phrase_flat(k);
            if e > k {
                j = e;
            }
        }
        (j, head)
    }

    /// [`Scan::phrase`] without an "of" complement.
    fn phrase_flat(&self, i: usize) -> (usize, Option<usize>) {
        let mut j = i;
        let mut words = 0;
        while j < self.range.end && words < 8 {
            if self.is_word(j)
                && !self.is_cue(j)
                && !NP_BREAK.contains(&self.tok(j))
                && self.number_at(j).is_none()
            {
                j += 1;
                words += 1;
            } else if self.tok(j) == "-" && words > 0 && self.is_word(j + 1) {
                // "twelve-year old son"
                j += 1;
            } else {
                break;
            }
        }
        (j, j.checked_sub(1).filter(|&h| h >= i))
    }

    /// A run of capitalized words from `i` ("Col. Musab al-Awadi"): its end
    /// and whether it ends in a possessive ("Hemaiyem's").
    fn name(&self, i: usize) -> Option<(usize, bool)> {
        let starts_name = self.capitalized(i)
            || (NAME_PARTICLES.contains(&self.tok(i))
                && self.tok(i + 1) == "-"
                && self.capitalized(i + 2));
        if !starts_name || self.is_cue(i) || NP_BREAK.contains(&self.tok(i)) {
            return None;
        }
        let mut j = i;
        let mut words = 0;
        while j < self.range.end {
            let w = self.tok(j);
            let particle =
                NAME_PARTICLES.contains(&w) && (self.tok(j + 1) == "-" || self.capitalized(j + 1));
            if (self.capitalized(j) || particle || (words > 0 && self.tok(j - 1) == "-"))
                && !self.is_cue(j)
                && !(words > 0 && DETERMINERS.contains(&w))
            {
                words += 1;
                j += 1;
                if w.ends_with("'s") {
                    return Some((j, true));
                }
            } else if w == "-" && words > 0 && self.is_word(j + 1) {
                j += 1;
            } else if w == "."
                && words > 0
                && self.tok(j - 1).chars().count() <= 4
                && self.capitalized(j - 1)
                && self.capitalized(j + 1)
            {
                // "Col. Musab", "Lt. Gen."
                j += 1;
            } else {
                break;
            }
        }
        (words > 0).then_some((j, false))
    }

    /// One member of a list of people at token `i`.
    fn member(&self, i: usize) -> Option<Group> {
        if i >= self.range.end || self.is_cue(i) {
            return None;
        }
        let w = self.tok(i);
        let one = |end: usize| Group {
            value: Some(1),
            exactness: CountExactness::Exact,
            end,
            last: Member::Other,
        };
        let named = |end: usize| Group {
            last: Member::Name,
            ..one(end)
        };
        let by_head = |end: usize, head: Option<usize>| Group {
            value: head
                .filter(|&h| is_singular(self.tok(h)) && !NOT_PEOPLE.contains(&self.tok(h)))
                .map(|_| 1),
            exactness: CountExactness::Exact,
            end,
            last: Member::Other,
        };
        // "a total of three police officers"
        if w == "a" && self.tok(i + 1) == "total" && self.tok(i + 2) == "of" {
            return self.member(i + 3);
        }
        // "all 10 mourners", "the two men", "his three sons".
        let at = if matches!(w, "all" | "the" | "his" | "her" | "their" | "its")
            && self.number_at(i + 1).is_some()
        {
            i + 1
        } else {
            i
        };
        if let Some(n) = self.number_at(at) {
            // "three of the dead" is part of a figure, not a figure.
            let (end, _) = self.phrase(n.end);
            return Some(Group {
                value: Some(n.value),
                exactness: n.exactness,
                end,
                last: Member::Number,
            });
        }
        // "kidnapped twelve men and shot them (all)": the last number before.
        let them = match (w, self.tok(i + 1), self.tok(i + 2)) {
            ("them", "both", _) | ("both", "of", "them") => {
                return Some(Group {
                    value: Some(2),
                    exactness: CountExactness::Exact,
                    end: if w == "them" { i + 2 } else { i + 3 },
                    last: Member::Other,
                })
            }
            ("them", "all", _) => Some(i + 2),
            ("them", _, _) => Some(i + 1),
            ("all", "of", "them") => Some(i + 3),
            _ => None,
        };
        if let Some(end) = them {
            let sentence = self
                .t
                .sentences
                .get(self.t.sentence_of(i))
                .map_or(0, |r| r.start);
            let before = (sentence.max(self.range.start)..i)
                .rev()
                .find_map(|k| self.number_at(k).filter(|n| n.end <= i));
            return Some(Group {
                value: before.map(|n| n.value),
                exactness: before.map_or(CountExactness::Exact, |n| n.exactness),
                end,
                last: Member::Other,
            });
        }
        // "her" before a noun is a determiner ("her driver").
        let her_noun = w == "her"
            && self.is_word(i + 1)
            && !NP_BREAK.contains(&self.tok(i + 1))
            && !self.is_cue(i + 1);
        match w {
            "him" | "he" | "she" | "himself" | "herself" => return Some(one(i + 1)),
            "her" if !her_noun => return Some(one(i + 1)),
            // Attackers who die with their victims are counted with them.
            "themselves" => {
                return Some(Group {
                    value: Some(2),
                    exactness: CountExactness::About,
                    end: i + 1,
                    last: Member::Other,
                })
            }
            "both" => {
                // "both the policeman and his wife"
                if let Some(g) = self.list(i + 1, false).filter(|g| g.value.is_some()) {
                    return Some(g);
                }
                let (end, _) = self.phrase(i + 1);
                return Some(Group {
                    value: Some(2),
                    exactness: CountExactness::Exact,
                    end,
                    last: Member::Number,
                });
            }
            // "wounding another"
            "another"
                if !self.is_word(i + 1)
                    || NP_BREAK.contains(&self.tok(i + 1))
                    || self.is_cue(i + 1) =>
            {
                return Some(one(i + 1));
            }
            "a" | "an" | "another" => {
                let (end, head) = self.phrase(i + 1);
                let person = head.is_none_or(|h| !NOT_PEOPLE.contains(&self.tok(h)));
                return (end > i + 1 && person).then(|| one(end));
            }
            _ => {}
        }
        if DETERMINERS.contains(&w) {
            let last = if w == "the" {
                Member::Other
            } else {
                Member::Possessive
            };
            if let Some((e, true)) = self.name(i + 1).filter(|_| w == "the") {
                // "the governor's brother"
                let (end, head) = self.phrase(e);
                return (end > e).then(|| Group {
                    last: Member::Possessive,
                    ..by_head(end, head)
                });
            }
            let (end, head) = self.phrase(i + 1);
            return (end > i + 1).then(|| Group {
                last,
                ..by_head(end, head)
            });
        }
        // "police Major Salim Sattar", "local leader Ali Hassan": a title
        // in lower case before a name.
        if self.name(i).is_none() && !NP_BREAK.contains(&w) && self.is_word(i) {
            let title_end = (i..(i + 3).min(self.range.end))
                .take_while(|&k| {
                    self.is_word(k) && !self.capitalized(k) && !NP_BREAK.contains(&self.tok(k))
                })
                .last()?
                + 1;
            let (e, _) = self.name(title_end)?;
            return (e > title_end + 1).then(|| named(e));
        }
        let (e, possessive) = self.name(i)?;
        if possessive {
            let (end, head) = self.phrase(e);
            return Some(if end > e {
                Group {
                    last: Member::Possessive,
                    ..by_head(end, head)
                }
            } else {
                one(e)
            });
        }
        let single = e == i + 1;
        // "Iraqi policemen", "US soldiers": capitalized modifiers.
        let (end, head) = self.phrase(e);
        if end > e {
            return Some(by_head(end, head));
        }
        if single && (self.sentence_initial(i) || !is_singular(w)) {
            // "Gunmen", "Americans": a capital that names no one person.
            return Some(by_head(e, Some(i)));
        }
        Some(named(e))
    }

    /// Whether the people of `r` ("six policemen and a civilian") are
    /// named by kind, not as "people" or by a bare number.
    fn by_kind(&self, r: Range<usize>) -> bool {
        let mut nouns = r.clone().filter(|&k| {
            self.is_word(k)
                && self.number_at(k).is_none()
                && !NP_BREAK.contains(&self.tok(k))
                && self.kb.numbers.parse_at(self.t, k).is_none()
        });
        nouns.next().is_some()
            && !r.clone().any(|k| {
                matches!(
                    self.tok(k),
                    "people"
                        | "persons"
                        | "person"
                        | "individuals"
                        | "others"
                        | "other"
                        | "himself"
                        | "herself"
                        | "themselves"
                )
            })
    }

    /// Past a short modifier at `k` that a list goes on after: "(a guard)
    /// at the bank (and a customer)", "(an official) working for the
    /// ministry (along with ...)". `k` itself when there is none.
    fn past_modifier(&self, k: usize) -> usize {
        let w = self.tok(k);
        let opens = matches!(w, "at" | "from" | "for" | "in" | "with" | "on")
            || (w.ends_with("ing") && w != "including" && self.is_word(k) && !self.is_cue(k));
        if !opens {
            return k;
        }
        let mut j = k + 1;
        while j < self.range.end && j <= k + 7 {
            let x = self.tok(j);
            if matches!(x, "and" | "," | "along" | "together") {
                // Only before a member that cannot be part of a name ("the
                // Ministry of Industry and Minerals"): a number, an article
                // or a possessive.
                let mut n = j + 1;
                if matches!(self.tok(n), "and" | "with") {
                    n += 1;
                }
                let member_like = self.number_at(n).is_some()
                    || matches!(
                        self.tok(n),
                        "a" | "an" | "his" | "her" | "their" | "another"
                    );
                return if j > k + 1 && member_like { j } else { k };
            }
            if !(self.is_word(j) || x == "-" || x == "'s") || self.is_cue(j) {
                break;
            }
            j += 1;
        }
        k
    }

    /// A bare singular noun after "and" in a list: "his nephew and son".
    fn bare_noun(&self, i: usize) -> Option<Group> {
        let w = self.tok(i);
        let (end, head) = self.phrase_flat(i);
        let after = self.tok(end);
        let ends = end >= self.range.end
            || self.t.kind(end) == Kind::Punct
            || (NP_BREAK.contains(&after)
                && !DETERMINERS.contains(&after)
                && !matches!(after, "a" | "an"));
        (self.is_word(i)
            && !self.capitalized(i)
            && end > i
            && ends
            && head.is_some_and(|h| {
                let hw = self.tok(h);
                is_singular(hw)
                    && !NOT_PEOPLE.contains(&hw)
                    && !hw.ends_with("ed")
                    && !hw.ends_with("ing")
            })
            && !NP_BREAK.contains(&w))
        .then_some(Group {
            value: Some(1),
            exactness: CountExactness::Exact,
            end,
            last: Member::Other,
        })
    }

    /// A list of people from token `i`: "three policemen and a civilian",
    /// "him, along with four members of his family". With `clause_stop`, a
    /// member followed by its own verb ("and 20 were wounded") ends the
    /// list before it.
    fn list(&self, i: usize, clause_stop: bool) -> Option<Group> {
        let mut g = self.member(i)?;
        loop {
            // "a guard at the bank and a customer": a short modifier before
            // the next member.
            let k = self.past_modifier(g.end);
            if k >= self.range.end {
                break;
            }
            let joiner = |k: usize| -> Option<usize> {
                match self.tok(k) {
                    "and" | "plus" => Some(k + 1),
                    "along" | "together" if self.tok(k + 1) == "with" => Some(k + 2),
                    "as" if self.tok(k + 1) == "well" && self.tok(k + 2) == "as" => Some(k + 3),
                    _ => None,
                }
            };
            let next = if self.tok(k) == "," {
                if let Some(n) = joiner(k + 1) {
                    Some(n)
                } else if self.number_at(k + 1).is_some_and(|n| {
                    // not an age ("Ali Hassan, 35,") nor a part ("four
                    // people, three of whom were police")
                    self.tok(n.end) != ","
                        && !(self.tok(n.end) == "of"
                            && matches!(self.tok(n.end + 1), "whom" | "them" | "which"))
                }) {
                    Some(k + 1)
                } else if matches!(g.last, Member::Other | Member::Possessive)
                    && self
                        .member(k + 1)
                        .or_else(|| self.bare_noun(k + 1))
                        .is_some_and(|m| {
                            let e = self.past_modifier(m.end);
                            m.last != Member::Name
                                && (self.tok(e) == "and"
                                    || (self.tok(e) == "," && self.tok(e + 1) == "and"))
                        })
                {
                    // "the barber, his partner, and a customer"
                    Some(k + 1)
                } else {
                    // An apposition: "Ali Hassan, a police officer, and his
                    // son". Skip it to its closing comma.
                    let close = (k + 1..(k + 16).min(self.range.end))
                        .take_while(|&a| {
                            // "Dr. Abdul Hassan" does not end it
                            let abbreviation = self.tok(a) == "."
                                && a > 0
                                && self.capitalized(a - 1)
                                && self.tok(a - 1).chars().count() <= 4;
                            (abbreviation || !matches!(self.tok(a), "." | ";" | ":"))
                                && !self.is_cue(a)
                        })
                        .find(|&a| self.tok(a) == ",");
                    match close {
                        Some(a) => {
                            g.end = a + 1;
                            joiner(a + 1)
                        }
                        None => None,
                    }
                }
            } else {
                joiner(k)
            };
            let Some(next) = next else {
                break;
            };
            let Some(m) = self.member(next).or_else(|| {
                (g.last == Member::Possessive || self.tok(next - 1) == ",")
                    .then(|| self.bare_noun(next))
                    .flatten()
            }) else {
                break;
            };
            if clause_stop
                && m.end < self.range.end
                && (PASSIVE.contains(&self.tok(m.end)) || self.is_cue(m.end))
            {
                break;
            }
            g = g.join(m);
        }
        Some(g)
    }

    /// Whether the earlier cue of this clause was passive, so that "and
    /// killed" after it shares its subject ("were kidnapped ... and
    /// killed"), unlike "gunmen kidnapped two men and killed a third".
    fn passive_at(&self, ci: usize) -> bool {
        let Some(&(start, _)) = ci.checked_sub(1).and_then(|p| self.cues.get(p)) else {
            return false;
        };
        start > self.range.start && PASSIVE.contains(&self.t.tok(start - 1))
            || PASSIVE.contains(&self.t.tok(start))
    }

    fn mention(&self, ci: usize, outcome: Outcome, read_to: usize) -> Option<CountMention> {
        let t = self.t;
        let range = &self.range;
        let (cue_start, cue_end) = self.cues[ci];
        let before = cue_start.checked_sub(1).filter(|&b| b >= range.start);
        // Zero: "no casualties", "no one was killed", "لا اصابات".
        if let Some(b) = before {
            if NEGATIONS.contains(&t.tok(b))
                || (b > range.start && t.tok(b) == "one" && t.tok(b - 1) == "no")
            {
                return Some(self.zero(outcome, b, cue_end));
            }
        }
        // "three of the dead", "among the injured", "those killed": part of a
        // figure stated elsewhere.
        let tok_back = |k: usize| {
            cue_start
                .checked_sub(k)
                .filter(|&b| b >= range.start)
                .map_or("", |b| t.tok(b))
        };
        if matches!(tok_back(1), "the" | "those")
            && (matches!(tok_back(2), "of" | "among") || tok_back(1) == "those")
        {
            return None;
        }
        // "attempted to kill", "it is unclear whether anyone was hurt", "did
        // not kill".
        if matches!(tok_back(1), "not" | "never") {
            return None;
        }
        if tok_back(1) == "to" && matches!(t.tok(cue_start), "kill" | "injure" | "wound") {
            return None;
        }
        let clause_start = (range.start..cue_start)
            .rev()
            .find(|&k| matches!(t.tok(k), "." | ";" | ":"))
            .map_or(range.start, |k| k + 1);
        if (clause_start..cue_start).any(|k| HEDGES.contains(&t.tok(k))) {
            return None;
        }
        let weak = cue_end == cue_start + 1 && WEAK_CUES.contains(&t.tok(cue_start));
        // "shot and killed": the later cue speaks for both.
        if self.tok(cue_end) == "and"
            && self.cues.get(ci + 1).is_some_and(|c| c.0 == cue_end + 1)
            && self.outcome_at(ci + 1) == Some(outcome)
        {
            return None;
        }
        // "shot at a patrol": no one hit.
        if weak && matches!(self.tok(cue_end), "at" | "toward" | "towards" | "into") {
            return None;
        }
        let made = |count: Count, start: usize, end: usize, people: Range<usize>| {
            // "the other two" are part of a group already counted; "a second
            // bomb killed two" adds.
            let lo = start.min(cue_start.saturating_sub(3)).max(range.start);
            let with_self = people.clone().any(|k| {
                matches!(
                    t.tok(k),
                    "himself" | "herself" | "him" | "her" | "themselves"
                )
            });
            let adds = (lo..cue_end).chain(people.clone()).any(|k| {
                let w = t.tok(k);
                // "killing himself and two others": others than him
                ADD_WORDS.contains(&w)
                    && !(k > range.start && t.tok(k - 1) == "the")
                    && !(with_self && matches!(w, "other" | "others" | "another"))
            }) || people.clone().any(|k| ATTACKER_NOUNS.contains(&t.tok(k)));
            CountMention {
                outcome,
                count,
                start,
                end,
                adds,
                weak,
                by_kind: false,
                refers_back: false,
            }
        };
        let count = |g: &Group| {
            g.value.map(|value| Count {
                value,
                exactness: g.exactness,
            })
        };

        // "أدى إلى مقتله": the pronoun is the one victim; "مقتلهما", two.
        let cue_word = t.tok(cue_start);
        let pronoun = match cue_word {
            w if self.kb.singular_cues.contains(w) => Some(1),
            w if self.kb.dual_cues.contains(w) => Some(2),
            _ => None,
        };
        if let (true, Some(value)) = (cue_end == cue_start + 1, pronoun) {
            return Some(made(
                Count {
                    value,
                    exactness: CountExactness::Exact,
                },
                cue_start,
                cue_end,
                cue_start..cue_end,
            ));
        }
        // "his body was found": one dead; without a finding it is not a
        // death ("explosives strapped to his body").
        if cue_end == cue_start + 1 && matches!(cue_word, "body" | "corpse") {
            let (s0, s1) = self
                .t
                .sentences
                .get(t.sentence_of(cue_start))
                .map_or((range.start, range.end), |r| (r.start, r.end));
            let found =
                (s0.max(range.start)..s1.min(range.end)).any(|k| FINDING.contains(&t.tok(k)));
            // Weak: a body found is a death only when the report tells of no
            // other toll ("a body rigged with explosives detonated, killing
            // two policemen").
            return found.then(|| CountMention {
                weak: true,
                ..made(
                    Count {
                        value: 1,
                        exactness: CountExactness::Exact,
                    },
                    cue_start.saturating_sub(1).max(range.start),
                    cue_end,
                    cue_start..cue_end,
                )
            });
        }
        // Forward: "killing three people", "مقتل 3 اشخاص", "death toll rose
        // to 12".
        let mut j = cue_end;
        while j < range.end && j <= cue_end + 3 {
            if let Some(n) = self.number_at(j) {
                let g = self.list(j, true).unwrap_or(Group {
                    value: Some(n.value),
                    exactness: n.exactness,
                    end: n.end,
                    last: Member::Number,
                });
                let c = count(&g).unwrap_or(Count {
                    value: n.value,
                    exactness: n.exactness,
                });
                let mut m = made(c, cue_start, g.end, j..g.end);
                m.by_kind = is_active_verb(t.tok(cue_end - 1)) && self.by_kind(j..g.end);
                return Some(m);
            }
            let w = t.tok(j);
            if t.kind(j) == Kind::Punct || matches!(w, "and" | "و") || self.is_cue(j) {
                break;
            }
            if !LIGHT.contains(&w) {
                break;
            }
            j += 1;
        }

        // The object of an active verb: "killing a policeman", "shot and
        // killed him", "killed Judge Ali Hassan".
        // Passive: "were killed", a cue holding its auxiliary ("were
        // wounded"), "was attacked and killed".
        let passive = before.is_some_and(|b| PASSIVE.contains(&t.tok(b)))
            || PASSIVE.contains(&t.tok(cue_start))
            || (tok_back(1) == "and"
                && matches!(
                    tok_back(3),
                    "was" | "were" | "been" | "is" | "are" | "being"
                ));
        if (is_active_verb(t.tok(cue_end - 1)) || t.tok(cue_end - 1) == "of") && !passive {
            if let Some(g) = self.list(cue_end, true) {
                return count(&g).map(|c| made(c, cue_start, g.end, cue_end..g.end));
            }
            // "killing many families": victims, but no figure; the words
            // before the verb are not its victims.
            if self.is_word(cue_end)
                && !self.masked.contains(&cue_end)
                && !NP_BREAK.contains(&self.tok(cue_end))
                && !self.is_cue(cue_end)
            {
                return None;
            }
        }

        // The subject of "Gunmen shot" is no victim.
        if weak && !passive {
            return None;
        }
        // Backward: "three people were killed", "two policemen and a
        // civilian were killed", "3 dead".
        let floor = self.cues[..ci]
            .iter()
            .rev()
            .find(|c| {
                // "were kidnapped and killed": the earlier cue shares the subject.
                c.1 <= cue_start && !(c.1 + 1 == cue_start && t.tok(c.1) == "and")
            })
            .map_or(range.start, |c| c.1)
            .max(read_to.min(cue_start));
        let mut window_start = floor;
        // The window starts after the last clause break before the cue; a
        // closed parenthesis is no break ("two policemen (his guards) were
        // killed").
        let mut b = floor;
        while b < cue_start {
            let w = t.tok(b);
            if w == "(" {
                if let Some(close) = (b + 1..cue_start).find(|&c| t.tok(c) == ")") {
                    b = close + 1;
                    continue;
                }
            }
            if (t.kind(b) == Kind::Punct && matches!(w, ";" | ":" | "(" | ")"))
                || STOP_BACK.contains(&w)
            {
                window_start = b + 1;
            }
            b += 1;
        }
        // The subject ends at the auxiliary: "were (also) killed", "was shot
        // and killed", "were kidnapped and killed".
        let mut aux = cue_start;
        loop {
            while aux > window_start && PASSIVE.contains(&t.tok(aux - 1)) {
                aux -= 1;
            }
            if aux >= window_start + 3
                && t.tok(aux - 1) == "and"
                && t.kind(aux - 2) == Kind::Word
                && (PASSIVE.contains(&t.tok(aux - 3)) || self.is_cue(aux - 2))
            {
                aux -= 2;
            } else {
                break;
            }
        }
        // "was killed", and cues that are singular themselves ("his body was
        // found").
        let singular_aux = (aux..cue_end).any(|k| matches!(t.tok(k), "was" | "has"));
        // "three days after the judge was killed": an earlier event.
        if window_start > range.start
            && matches!(t.tok(window_start - 1), "after" | "since" | "before")
        {
            return None;
        }
        // "the minister was not hurt": about one person, not a count.
        if (aux..cue_start).any(|k| matches!(t.tok(k), "not" | "never")) {
            return None;
        }
        // "no policemen were hurt", "no one was killed" (but "no more than
        // five were hurt").
        if (aux.saturating_sub(3).max(window_start)..aux).any(|k| {
            matches!(t.tok(k), "nobody" | "none")
                || (t.tok(k) == "no" && !matches!(self.tok(k + 1), "more" | "fewer" | "less"))
        }) {
            return Some(self.zero(outcome, aux, cue_end));
        }
        // "along with his two guards" after a passive cue.
        let along = |c: Count, start: usize| -> CountMention {
            let mut c = c;
            let mut end = cue_end;
            // "was killed (by gunmen) along with his bodyguard"
            let with = (cue_end..(cue_end + 7).min(range.end))
                .take_while(|&k| t.kind(k) == Kind::Word && !self.is_cue(k))
                .find(|&k| matches!(self.tok(k), "along" | "together") && self.tok(k + 1) == "with")
                .map(|k| k + 2);
            if let Some(g) = with.and_then(|w| self.list(w, true)) {
                if let Some(v) = g.value {
                    c.value += v;
                    c.exactness = weakest(c.exactness, g.exactness);
                    end = g.end;
                }
            }
            made(c, start, end, start..aux)
        };
        let mut numbers: Vec<NumberPhrase> = Vec::new();
        let mut k = window_start;
        // "ten people, including seven police officers, were killed": the
        // numbers after "including" are part of the figure.
        let part_from = (window_start..cue_start)
            .find(|&k| {
                matches!(t.tok(k), "including" | "among")
                    || (t.tok(k) == "of" && matches!(self.tok(k + 1), "whom" | "them" | "which"))
            })
            .map_or(cue_start, |k| {
                if t.tok(k) == "of" {
                    k.saturating_sub(1).max(window_start)
                } else {
                    k
                }
            });
        while k < part_from {
            if let Some(n) = self.number_at(k).filter(|n| n.end <= cue_start) {
                numbers.push(n);
                k = n.end;
            } else {
                k += 1;
            }
        }
        // Articles as one: "an office boy was killed", "a policeman and
        // two civilians were wounded".
        let articles: Vec<usize> = (window_start..cue_start)
            .filter(|&a| {
                matches!(t.tok(a), "a" | "an")
                    && a + 1 < cue_start
                    && ((t.kind(a + 1) == Kind::Word && self.kb.numbers.parse_at(t, a + 1).is_none())
                        // "a 25-year-old man"
                        || (t.kind(a + 1) == Kind::Number && self.number_at(a + 1).is_none()))
            })
            .collect();
        let value_and_start = if numbers.is_empty() {
            None
        } else {
            // Numbers joined by "and" or "," are summed; otherwise the
            // closest one counts.
            let joined = numbers
                .windows(2)
                .all(|w| (w[0].end..w[1].start).any(|x| matches!(t.tok(x), "and" | "," | "و")));
            let last = numbers[numbers.len() - 1];
            // The last number must be close to the cue: "three people were
            // killed", not "three days after the battle … killed".
            let gap_ok = (last.end..cue_start).all(|x| t.kind(x) != Kind::Punct || t.tok(x) == ",")
                && cue_start - last.end <= 5;
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
        // The subject as a list: from the clause start, or after a comma or
        // "and", the first list that runs up to the auxiliary.
        let subject = (window_start..aux)
            .filter(|&b| {
                // "the blast left a police officer dead"
                b == window_start
                    || matches!(t.tok(b - 1), "," | "and" | "that" | "left" | "leaving")
            })
            .find_map(|b| {
                self.list(b, false)
                    .filter(|g| {
                        g.end == aux
                            || (g.end + 1 == aux && t.tok(g.end) == ",")
                            || self.modifier(g.end, aux)
                            || (t.tok(g.end) == "(" && t.tok(aux - 1) == ")")
                    })
                    .map(|g| (b, g))
            })
            // "the sons of the sheikh were killed": a subject without a
            // figure has none, whatever names follow it.
            .and_then(|(b, g)| count(&g).map(|c| (b, c)))
            // "an official of the council and a leader of the party was
            // killed": one person with two titles.
            .map(|(b, mut c)| {
                if singular_aux && c.value > 1 && !(b..aux).any(|k| self.number_at(k).is_some()) {
                    c.value = 1;
                }
                (b, c)
            });
        // The subject wins, unless numbers joined to it start before it ("left
        // seventeen police officers, five guards, and fourteen attackers dead").
        match (subject, value_and_start) {
            (Some((b, c)), Some((value, exactness, start)))
                if start < b
                    && value > c.value
                    && !(start..b).any(|k| PASSIVE.contains(&t.tok(k))) =>
            {
                return Some(along(Count { value, exactness }, start));
            }
            (Some((b, c)), _) => return Some(along(c, b)),
            (None, Some((value, exactness, start))) => {
                return Some(along(Count { value, exactness }, start));
            }
            (None, None) => {}
        }
        // "Judge Ali Hassan, a senior official, was assassinated": a
        // singular subject is one person.
        if singular_aux && aux > window_start {
            return Some(along(
                Count {
                    value: 1,
                    exactness: CountExactness::Exact,
                },
                aux,
            ));
        }
        // "Three officials of the party in Mosul were killed", "two truck
        // drivers who worked with US forces were killed": the number that
        // opens the sentence, when nothing else stands between it and the
        // plural auxiliary.
        let plural_aux = (aux..cue_start).any(|k| t.tok(k) == "were");
        let opening = t
            .sentences
            .get(t.sentence_of(cue_start))
            .map_or(range.start, |r| r.start)
            .max(range.start);
        let at = if t.tok(opening) == "the" {
            opening + 1
        } else {
            opening
        };
        if plural_aux && aux > at && aux - at <= 25 {
            if let Some(n) = self.number_at(at) {
                let clean = (n.end..aux).all(|k| {
                    !matches!(t.tok(k), "." | ";" | ":")
                        && !self.is_cue(k)
                        && self.number_at(k).is_none()
                });
                if clean {
                    return Some(along(
                        Count {
                            value: n.value,
                            exactness: n.exactness,
                        },
                        at,
                    ));
                }
            }
        }
        // "their bodies were found", "the men's bodies": the people of an
        // earlier count.
        if matches!(cue_word, "bodies" | "corpses")
            && (matches!(tok_back(1), "their" | "the") || tok_back(1).ends_with("'s"))
        {
            let mut m = made(
                Count {
                    value: 0,
                    exactness: CountExactness::Exact,
                },
                cue_start.saturating_sub(1),
                cue_end,
                cue_start..cue_end,
            );
            m.refers_back = true;
            return Some(m);
        }
        None
    }

    /// Whether tokens `a..b` are a short modifier after a subject: "(a
    /// policeman) in Baghdad (was killed)", "(two guards) of the mayor".
    fn modifier(&self, a: usize, b: usize) -> bool {
        a < b
            && b - a <= 6
            && (matches!(
                self.tok(a),
                "in" | "from" | "at" | "near" | "of" | "on" | "with" | "inside" | "outside"
            ) || self.tok(a).ends_with("ing"))
            && (a..b)
                .all(|k| self.is_word(k) && !self.is_cue(k) && !matches!(self.tok(k), "and" | "or"))
    }
}

/// Whether a cue's last word is an active verb form that takes its victims
/// after it ("killing", "killed", "wounded").
fn is_active_verb(w: &str) -> bool {
    (w.ends_with("ing")
        || w.ends_with("ed")
        || matches!(w, "kill" | "kills" | "wound" | "injure" | "shot"))
        && !matches!(w, "died" | "perished" | "martyred")
}

/// Whether an English noun names one person ("driver", "policeman"), not
/// several ("guards", "policemen", "police").
fn is_singular(w: &str) -> bool {
    if PLURAL_NOUNS.contains(&w) || w.ends_with("men") || w.ends_with("people") {
        return false;
    }
    !(w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is"))
}

/// The nominative dual of an Arabic singular noun ("مقاتل" → "مقاتلان",
/// "طفلة" → "طفلتان"); none for an accusative form ("عنصرا") or a short
/// word.
pub fn arabic_nominative_dual(w: &str) -> Option<String> {
    if w.chars().count() < 3
        || w.ends_with('ا')
        || !w.chars().all(|c| ('\u{0621}'..='\u{064A}').contains(&c))
    {
        return None;
    }
    Some(match w.strip_suffix('ة') {
        Some(stem) => format!("{stem}تان"),
        None => format!("{w}ان"),
    })
}

/// A count cue with the dual pronoun in place of the singular one
/// ("مقتله", "مقتلها" → "مقتلهما").
pub fn arabic_dual_pronoun(cue: &str) -> Option<String> {
    cue.strip_suffix("ها")
        .or_else(|| cue.strip_suffix('ه'))
        .filter(|stem| stem.chars().count() >= 3)
        .map(|stem| format!("{stem}هما"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(text: &str) -> Vec<(Outcome, u32, CountExactness)> {
        let kb = Kb::bundled();
        let t = Text::new(text);
        let mut out = Vec::new();
        for r in &t.sentences {
            out.extend(find(kb, &t, r.clone(), &HashSet::default()));
        }
        tally(&t, &t.sentences, &out)
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
            // A place fled is not one person freed.
            ("Nearly 800 relatives of fighters fled a camp in Ain Issa.", &[(Freed, 800, About)]),
            ("At least 12 soldiers were killed.", &[(Killed, 12, AtLeast)]),
            ("The death toll rose to 15.", &[(Killed, 15, Exact)]),
            ("The blast caused no casualties.", &[(Killed, 0, Exact), (Injured, 0, Exact)]),
            ("Dozens were wounded.", &[(Injured, 24, About)]),
            ("A 25-year-old man was shot dead.", &[(Killed, 1, Exact)]),
            ("مقتل ثلاثة أشخاص وإصابة تسعة آخرين", &[(Killed, 3, Exact), (Injured, 9, Exact)]),
            ("وقال إن عنصرين قتلا", &[(Killed, 2, Exact)]),
            ("A roadside bomb killed two soldiers last week.", &[(Killed, 2, Exact)]),
            // A singular noun is one person; a number before it counts.
            ("أدى التفجير إلى مقتل عنصر وإصابة 2 آخرين", &[(Killed, 1, Exact), (Injured, 2, Exact)]),
            ("أسفر الهجوم عن مقتل 15 عنصرا من قسد", &[(Killed, 15, Exact)]),
            ("اغتالوا عنصرا في قسد بإطلاق النار عليه ما أدى إلى مقتله", &[(Killed, 1, Exact)]),
            ("أسفر الانفجار عن مقتل عنصرين من قسد", &[(Killed, 2, Exact)]),
            ("فرار نحو ٨٠٠ شخص من المخيم", &[(Freed, 800, About)]),
            // Rows named after what they broke, in sentences written for
            // the test.
            // a singular subject, even with an apposition, is one person
            ("Judge Ali Hassan, a senior court official, was shot dead in his car.", &[(Killed, 1, Exact)]),
            ("A police officer in Hilla died after being attacked.", &[(Killed, 1, Exact)]),
            // the object of an active verb: articles, names, pronouns, lists
            ("Gunmen killed a teacher near his home.", &[(Killed, 1, Exact)]),
            ("Two gunmen killed a teacher near his home.", &[(Killed, 1, Exact)]),
            ("Gunmen shot and killed police Major Saad Kareem in the market.", &[(Killed, 1, Exact)]),
            ("Gunmen fired on his car, killing him and his son.", &[(Killed, 2, Exact)]),
            ("The blast killed a police commander and two of his guards.", &[(Killed, 3, Exact)]),
            ("Gunmen entered the shop, killing the barber, his partner, and a customer.", &[(Killed, 3, Exact)]),
            ("Gunmen killed Ali Hassan, a police officer, and his son in Mosul.", &[(Killed, 2, Exact)]),
            ("Gunmen killed two brothers, a farmer and a teacher, in Kirkuk.", &[(Killed, 2, Exact)]),
            ("The gunmen killed the mayor along with his nephew and son.", &[(Killed, 3, Exact)]),
            ("The mayor was killed by gunmen along with his two bodyguards.", &[(Killed, 3, Exact)]),
            ("The attack killed a total of twelve people and wounded 30.", &[(Killed, 12, Exact), (Injured, 30, Exact)]),
            ("The blast left a police officer dead and three people wounded.", &[(Killed, 1, Exact), (Injured, 3, Exact)]),
            ("The death toll reached 15 and 20 were wounded.", &[(Killed, 15, Exact), (Injured, 20, Exact)]),
            // subjects as lists, long subjects, parentheses
            ("A policeman and two civilians were wounded.", &[(Injured, 3, Exact)]),
            ("An Iraqi soldier and his driver were killed.", &[(Killed, 2, Exact)]),
            ("As a result of the attack, one man was killed.", &[(Killed, 1, Exact)]),
            ("Two policemen (his guards) were killed in the blast.", &[(Killed, 2, Exact)]),
            ("Three engineers who worked for the ministry were killed by gunmen.", &[(Killed, 3, Exact)]),
            ("The blast left seventeen police officers, five guards, and fourteen attackers dead.", &[(Killed, 36, Exact)]),
            ("Two contractors were kidnapped and killed.", &[(Killed, 2, Exact), (Abducted, 2, Exact)]),
            ("A cleaning woman was wounded.", &[(Injured, 1, Exact)]),
            // the suicide attacker: "himself", and victims counted by kind
            ("A suicide bomber blew himself up at a checkpoint, killing himself and four soldiers.", &[(Killed, 5, Exact)]),
            ("A suicide bomber drove into a police checkpoint, killing six policemen.", &[(Killed, 7, Exact)]),
            ("A suicide bomber drove into a market, killing six people.", &[(Killed, 6, Exact)]),
            // later figures add only when they count other people
            ("A policeman was shot dead. Two of his colleagues were also killed.", &[(Killed, 3, Exact)]),
            ("Gunmen killed two guards. One of the attackers was killed by police.", &[(Killed, 3, Exact)]),
            ("Ten people were killed. Four of the dead were policemen.", &[(Killed, 10, Exact)]),
            ("Three men were found dead. One was beheaded and the other two were shot dead.", &[(Killed, 3, Exact)]),
            ("A car bomb killed four people. A second bomb killed two policemen.", &[(Killed, 6, Exact)]),
            // other events and series totals do not count
            ("A roadside bomb killed two soldiers. Nationwide, forty people were killed on election day.", &[(Killed, 2, Exact)]),
            ("A mosque was attacked in Basra. This was one of many attacks on mosques. A total of ten imams were killed in the attacks.", &[]),
            ("Three days after the judge was killed, a bomb exploded near the court.", &[]),
            // zeros, negations, hedges and intentions
            ("No one was killed in the attack.", &[(Killed, 0, Exact)]),
            ("No policemen were hurt.", &[(Injured, 0, Exact)]),
            ("The governor was not injured, but three of his guards were wounded.", &[(Injured, 3, Exact)]),
            ("It is unclear whether anyone was killed.", &[]),
            ("The gunmen tried to kill the mayor.", &[]),
            ("Several people were wounded.", &[]),
            // bodies: one found is a death, theirs are those taken before
            ("Gunmen abducted a teacher. Police found his body two days later.", &[(Killed, 1, Exact), (Abducted, 1, Exact)]),
            ("Militants kidnapped four drivers near Tikrit. Their bodies were found the next day.", &[(Killed, 4, Exact), (Abducted, 4, Exact)]),
            ("Gunmen took six passengers off a bus and shot them.", &[(Killed, 6, Exact)]),
            ("His two body guards were wounded.", &[(Injured, 2, Exact)]),
            ("The bomber had explosives strapped to his body.", &[]),
            // "shot" is a death unless the report tells of wounds
            ("A police officer was shot in Kirkuk.", &[(Killed, 1, Exact)]),
            ("A judge was shot and seriously wounded.", &[(Injured, 1, Exact)]),
            ("A doctor was shot by gunmen. He was wounded in the leg.", &[(Injured, 1, Exact)]),
            ("Three gunmen shot at the car of the governor.", &[]),
        ];
        let failures: Vec<String> = rows
            .iter()
            .filter_map(|(text, want)| {
                let got = counts(text);
                (got != *want).then(|| format!("{text}\n   got {got:?}\n  want {want:?}"))
            })
            .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
