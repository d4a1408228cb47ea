//! Dates in reports, resolved against the report's own date: "on Thursday",
//! "yesterday", "last week", "Oct. 9", "9 October 2019", "يوم الخميس",
//! "9 تشرين الأول", "2019-10-09", and Hijri dates: "18 صفر 1441هـ",
//! "ليلة الجمعة 3 ربيع الأول", "18/2/1441هـ".
//!
//! **The report's own date** is a local day: a publication time is stored
//! in UTC, and [`local_day`] turns it into the day of the place the text is
//! about, with that place's real time-zone rules ([`Calendar::zone`]). A
//! claim posted at 23:30 UTC on Thursday 17 October 2019 was posted on
//! Friday at 02:30 in Syria: its "today" is Friday.
//!
//! **Hijri dates** are read with the Umm al-Qura calendar, Saudi Arabia's
//! official one and the reference of the region's press and of the claims
//! Vigil reads: its months start by an astronomical rule at Mecca, not by a
//! formula, so `calendar.toml` carries the first day of each month for
//! 1400-1500 AH (1979-2077), written from a published table by
//! `scripts/build_umm_al_qura.py`. The arithmetic (tabular) Islamic
//! calendar, 30-year cycles of 354- and 355-day years, is a day off the
//! Umm al-Qura one in many months (it puts 1 Safar 1441 on 1 October 2019,
//! Umm al-Qura on 30 September) and is used only outside the table. A
//! group may start a month by its own sighting, a day either way: when the
//! text names the weekday ("يوم الخميس 18 صفر"), a date one day off that
//! weekday is moved onto it. The date's evidence names the calendar
//! ([`DateMention::note`]).

use foldhash::{HashMap, HashMapExt};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use serde::Deserialize;
use vigil_model::{DatePrecision, EventDate};

use crate::text::{Kind, Text};
use crate::KbError;

/// A time zone with its rules and their history, by its IANA name
/// ("Asia/Damascus").
pub use chrono_tz::Tz;

/// The local calendar day, in `zone`, of the instant `at`: the one
/// conversion of a publication time (UTC) into the day that "today",
/// "أمس" and "on Thursday" are read from, and that an undated report is
/// dated to.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use vigil_extract::dates::{local_day, Tz};
/// // Thursday 23:30 UTC is Friday 02:30 in Damascus (summer time, UTC+3).
/// let at = Utc.with_ymd_and_hms(2019, 10, 17, 23, 30, 0).unwrap();
/// assert_eq!(local_day(at, Tz::Asia__Damascus).to_string(), "2019-10-18");
/// assert_eq!(local_day(at, Tz::UTC).to_string(), "2019-10-17");
/// ```
pub fn local_day(at: DateTime<Utc>, zone: Tz) -> NaiveDate {
    at.with_timezone(&zone).date_naive()
}

/// The calendar words of `data/kb/calendar.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarFile {
    months: HashMap<String, Vec<String>>,
    weekdays: HashMap<String, Vec<String>>,
    relative: HashMap<String, Relative>,
    periods: Periods,
    time_zones: TimeZonesFile,
    evening: Evening,
    hijri: HijriFile,
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TimeZonesFile {
    default: String,
    countries: HashMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Evening {
    words: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct HijriFile {
    era: Vec<String>,
    equals: Vec<String>,
    months: HashMap<String, Vec<String>>,
    umm_al_qura: HashMap<String, Vec<String>>,
}

/// What a phrase means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meaning {
    Month(u32),
    Weekday(u32),
    DaysAgo(i64),
    LastWeek,
    LastMonth,
    /// "ليلة": the evening before the weekday that follows.
    Evening,
    HijriMonth(u32),
    /// "هـ", "AH" after a Hijri year.
    Era,
    /// "الموافق": the Gregorian date the Hijri one equals follows.
    Equals,
}

/// The calendar, as phrases (token sequences) to meanings, with the
/// Umm al-Qura table and the time zones of the region.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// Phrases by their first token, each list longest first: a token
    /// is compared only with the phrases that can start there.
    by_first: HashMap<String, Vec<(Vec<String>, Meaning)>>,
    /// The first day of each Umm al-Qura month from 1 Muharram of
    /// `uaq_first_year`, in order.
    uaq_starts: Vec<NaiveDate>,
    uaq_first_year: i32,
    /// The zone of days when the country is not known.
    default_zone: Tz,
    /// Zones by ISO country code (upper case).
    zones: HashMap<String, Tz>,
}

/// How a Hijri date was turned into a Gregorian one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HijriCalendar {
    /// The Umm al-Qura table of `calendar.toml`.
    UmmAlQura,
    /// The arithmetic (tabular) calendar, outside the table's years.
    Tabular,
}

/// A Hijri date as the text gives it, and how it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HijriReading {
    /// Hijri year (taken from the report's day when the text gives none).
    pub year: i32,
    /// Hijri month, 1-12.
    pub month: u32,
    /// Day of the month, 1-30 (`None` for a month and year only).
    pub day: Option<u32>,
    /// The calendar that converted it.
    pub calendar: HijriCalendar,
    /// Days the weekday the text names moved the calendar's date (-1, 0
    /// or 1).
    pub moved: i8,
    /// The text gives the Gregorian date it equals, which is taken.
    pub stated: bool,
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
    /// The Hijri date it was read from, if it was one.
    pub hijri: Option<HijriReading>,
}

impl DateMention {
    fn new(date: NaiveDate, precision: DatePrecision, start: usize, end: usize) -> DateMention {
        DateMention {
            date: EventDate { date, precision },
            start,
            end,
            hijri: None,
        }
    }

    /// What the evidence of the date should say beyond its span: the
    /// calendar of a Hijri date and how it was converted
    /// ("Hijri date 18/2/1441 AH, Umm al-Qura calendar: Thursday 2019-10-17").
    pub fn note(&self) -> Option<String> {
        let h = self.hijri?;
        let hijri = match h.day {
            Some(d) => format!("{d}/{}/{} AH", h.month, h.year),
            None => format!("month {}/{} AH", h.month, h.year),
        };
        let calendar = match h.calendar {
            HijriCalendar::UmmAlQura => "Umm al-Qura calendar",
            HijriCalendar::Tabular => {
                "arithmetic (tabular) Hijri calendar, outside the Umm al-Qura table"
            }
        };
        let day = format!(
            "{} {}",
            weekday_name(self.date.date.weekday()),
            self.date.date
        );
        let how = if h.stated {
            ", the Gregorian date the text gives".to_string()
        } else if h.moved != 0 {
            format!(
                ", moved {} day {} onto the weekday the text names",
                h.moved.abs(),
                if h.moved > 0 { "later" } else { "earlier" }
            )
        } else {
            String::new()
        };
        Some(format!("Hijri date {hijri}, {calendar}: {day}{how}"))
    }
}

fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// Hijri years as texts write them (1300-1600 AH is 1882-2174 CE; no
/// Gregorian year of a report falls there).
const HIJRI_YEARS: std::ops::RangeInclusive<i32> = 1300..=1600;

/// Julian day number of 1 January of year 1 (proleptic Gregorian) less one.
const JDN_CE: i64 = 1_721_425;

/// The Gregorian day of a Hijri date in the arithmetic (tabular) calendar:
/// the civil epoch (1 Muharram 1 AH = 16 July 622, Julian) and the usual
/// leap years 2, 5, 7, 10, 13, 16, 18, 21, 24, 26 and 29 of each 30-year
/// cycle.
fn tabular(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    let (y, m, d) = (i64::from(year), i64::from(month), i64::from(day));
    let jdn = d + (59 * (m - 1) + 1) / 2 + (y - 1) * 354 + (3 + 11 * y).div_euclid(30) + 1_948_439;
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(jdn - JDN_CE).ok()?)
}

/// The Hijri year of a Gregorian day in the arithmetic calendar.
fn tabular_year(day: NaiveDate) -> i32 {
    // A first guess from the mean year, then the year whose 1 Muharram is
    // the last on or before `day`.
    let jdn = i64::from(day.num_days_from_ce()) + JDN_CE;
    let mut y = ((jdn - 1_948_440) * 30 / 10_631 + 1) as i32;
    while tabular(y + 1, 1, 1).is_some_and(|d| d <= day) {
        y += 1;
    }
    while tabular(y, 1, 1).is_some_and(|d| d > day) {
        y -= 1;
    }
    y
}

fn phrase(s: &str) -> Vec<String> {
    let n = vigil_text::normalize(s);
    let t = Text::new(&n);
    (0..t.tokens.len()).map(|i| t.tok(i).to_string()).collect()
}

impl Calendar {
    /// Builds the calendar from its file.
    pub fn from_file(f: &CalendarFile, path: &str) -> Result<Calendar, KbError> {
        let invalid = |what: String| KbError::Invalid {
            file: path.to_string(),
            what,
        };
        let mut phrases = Vec::new();
        let num = |k: &str, max: u32| -> Result<u32, KbError> {
            k.parse::<u32>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| invalid(format!("key {k:?}: expected a number from 1 to {max}")))
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
        phrases.extend(
            f.evening
                .words
                .iter()
                .map(|n| (phrase(n), Meaning::Evening)),
        );
        for (k, names) in &f.hijri.months {
            let m = num(k, 12)?;
            phrases.extend(names.iter().map(|n| (phrase(n), Meaning::HijriMonth(m))));
        }
        phrases.extend(f.hijri.era.iter().map(|n| (phrase(n), Meaning::Era)));
        phrases.extend(f.hijri.equals.iter().map(|n| (phrase(n), Meaning::Equals)));
        phrases.retain(|(p, _)| !p.is_empty());
        phrases.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        let mut by_first: HashMap<String, Vec<(Vec<String>, Meaning)>> = HashMap::new();
        for (p, m) in phrases {
            by_first.entry(p[0].clone()).or_default().push((p, m));
        }

        // The Umm al-Qura table: consecutive years, twelve months each,
        // every month 29 or 30 days after the one before.
        let mut years: Vec<(i32, &Vec<String>)> = Vec::new();
        for (k, starts) in &f.hijri.umm_al_qura {
            let y = k
                .parse::<i32>()
                .ok()
                .filter(|y| HIJRI_YEARS.contains(y))
                .ok_or_else(|| {
                    invalid(format!(
                        "hijri.umm_al_qura: {k:?} is not a Hijri year from 1300 to 1600"
                    ))
                })?;
            years.push((y, starts));
        }
        years.sort_by_key(|(y, _)| *y);
        let uaq_first_year = years.first().map_or(0, |(y, _)| *y);
        let mut uaq_starts: Vec<NaiveDate> = Vec::with_capacity(12 * years.len());
        for (n, (y, starts)) in years.iter().enumerate() {
            if *y != uaq_first_year + n as i32 {
                return Err(invalid(format!(
                    "hijri.umm_al_qura: the year before {y} is missing"
                )));
            }
            if starts.len() != 12 {
                return Err(invalid(format!(
                    "hijri.umm_al_qura.{y}: {} month starts, expected 12",
                    starts.len()
                )));
            }
            for (m, s) in starts.iter().enumerate() {
                let day = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                    invalid(format!(
                        "hijri.umm_al_qura.{y}: {s:?} is not a YYYY-MM-DD date"
                    ))
                })?;
                if let Some(prev) = uaq_starts.last() {
                    let len = (day - *prev).num_days();
                    if !(29..=30).contains(&len) {
                        return Err(invalid(format!(
                            "hijri.umm_al_qura.{y}: month {} starts {len} days after the month before (a month has 29 or 30)",
                            m + 1
                        )));
                    }
                }
                uaq_starts.push(day);
            }
        }

        let zone = |name: &str, what: &str| -> Result<Tz, KbError> {
            name.parse::<Tz>().map_err(|_| {
                invalid(format!(
                    "time_zones.{what}: {name:?} is not an IANA time zone (e.g. Asia/Damascus)"
                ))
            })
        };
        let default_zone = zone(&f.time_zones.default, "default")?;
        let mut zones = HashMap::new();
        for (country, name) in &f.time_zones.countries {
            zones.insert(country.to_ascii_uppercase(), zone(name, country)?);
        }
        Ok(Calendar {
            by_first,
            uaq_starts,
            uaq_first_year,
            default_zone,
            zones,
        })
    }

    /// The zone whose local day a document's publication time is read in:
    /// the analyst's `setting` when there is one, else the zone of the first
    /// of `countries` (ISO codes: the source's or the text's country) that
    /// `calendar.toml` names, else its default, the region's.
    pub fn zone(&self, setting: Option<Tz>, countries: &[String]) -> Tz {
        setting
            .or_else(|| {
                countries
                    .iter()
                    .find_map(|c| self.zones.get(&c.to_ascii_uppercase()).copied())
            })
            .unwrap_or(self.default_zone)
    }

    /// The Gregorian day of a Hijri date: the Umm al-Qura table's within
    /// its years, else the arithmetic calendar's. A 30th of a month the
    /// table gives 29 days is the day after its 29th.
    pub fn hijri_to_gregorian(
        &self,
        year: i32,
        month: u32,
        day: u32,
    ) -> Option<(NaiveDate, HijriCalendar)> {
        if !(1..=12).contains(&month) || !(1..=30).contains(&day) {
            return None;
        }
        let k = (i64::from(year) - i64::from(self.uaq_first_year)) * 12 + i64::from(month) - 1;
        match usize::try_from(k).ok().and_then(|k| self.uaq_starts.get(k)) {
            Some(first) => Some((
                *first + Duration::days(i64::from(day) - 1),
                HijriCalendar::UmmAlQura,
            )),
            None => tabular(year, month, day).map(|d| (d, HijriCalendar::Tabular)),
        }
    }

    /// The Hijri year holding a Gregorian day.
    pub fn hijri_year(&self, day: NaiveDate) -> i32 {
        let inside = self.uaq_starts.first().is_some_and(|f| *f <= day)
            && self
                .uaq_starts
                .last()
                .is_some_and(|l| day < *l + Duration::days(30));
        if inside {
            let months = self.uaq_starts.partition_point(|s| *s <= day) as i32 - 1;
            self.uaq_first_year + months / 12
        } else {
            tabular_year(day)
        }
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
        if let Some(m) = self.explicit_at(text, i, limit, reference) {
            return Some(m);
        }
        let (meaning, e) = self.meaning_at(text, i)?;
        match meaning {
            Meaning::Weekday(wd) => {
                Some(self.weekday_date(text, i, e, limit, wd, false, reference))
            }
            Meaning::Evening => match self.meaning_at(text, e) {
                Some((Meaning::Weekday(wd), e2)) if e2 <= limit => {
                    Some(self.weekday_date(text, i, e2, limit, wd, true, reference))
                }
                _ => None,
            },
            Meaning::DaysAgo(n) => Some(DateMention::new(
                reference - Duration::days(n),
                DatePrecision::Day,
                i,
                e,
            )),
            Meaning::LastWeek => {
                let monday =
                    reference - Duration::days(reference.weekday().num_days_from_monday() as i64);
                Some(DateMention::new(
                    monday - Duration::days(7),
                    DatePrecision::Week,
                    i,
                    e,
                ))
            }
            Meaning::LastMonth => {
                let first = reference.with_day(1)?;
                let prev = (first - Duration::days(1)).with_day(1)?;
                Some(DateMention::new(prev, DatePrecision::Month, i, e))
            }
            Meaning::Month(_) | Meaning::HijriMonth(_) | Meaning::Era | Meaning::Equals => None,
        }
    }

    /// A weekday phrase at tokens `i..e` ("on Thursday", "يوم الخميس",
    /// `evening`: "ليلة الجمعة", the evening before): the date that follows
    /// it when there is one ("الخميس 18 صفر 1441"), a Hijri one moved onto
    /// the weekday when it is a day off it; else the last such day on or
    /// before `reference`.
    #[allow(clippy::too_many_arguments)]
    fn weekday_date(
        &self,
        text: &Text<'_>,
        i: usize,
        e: usize,
        limit: usize,
        wd: u32,
        evening: bool,
        reference: NaiveDate,
    ) -> DateMention {
        // The day meant: the weekday itself, or the one before it.
        let target = if evening { (wd + 5) % 7 + 1 } else { wd };
        let after = skip_commas(text, e, limit);
        if let Some(mut m) = self.explicit_at(text, after, limit, reference) {
            m.start = i;
            if let Some(h) = m.hijri.as_mut().filter(|h| !h.stated && h.day.is_some()) {
                let have = m.date.date.weekday().number_from_monday();
                let moved: i8 = if (have % 7) + 1 == target {
                    1
                } else if (target % 7) + 1 == have {
                    -1
                } else {
                    0
                };
                m.date.date += Duration::days(i64::from(moved));
                h.moved = moved;
            }
            return m;
        }
        let back = (reference.weekday().number_from_monday() as i64 - target as i64).rem_euclid(7);
        DateMention::new(reference - Duration::days(back), DatePrecision::Day, i, e)
    }

    /// A date written out at token `i`: numeric, a day and month (with a
    /// year or not), Gregorian or Hijri.
    fn explicit_at(
        &self,
        text: &Text<'_>,
        i: usize,
        limit: usize,
        reference: NaiveDate,
    ) -> Option<DateMention> {
        if i >= limit {
            return None;
        }
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

        // 18/2/1441هـ, 1441/2/18 هـ
        if let Some((y, m, d, end)) = self.hijri_numeric(text, i, limit) {
            return self.hijri_mention(text, (y, m, Some(d)), i, end, limit, reference);
        }
        // ISO 2019-10-09 and 09/10/2019 (day first, as in the region).
        if let Some(m) = numeric_date(text, i, limit) {
            return Some(m);
        }
        if let Some(d) = day(i) {
            // 18 صفر [1441 [هـ]], 18 من صفر, 3 Rabi al-Awwal 1441 AH
            let mut k = i + 1;
            while k < limit && matches!(text.tok(k), "من" | "شهر") {
                k += 1;
            }
            if let Some((Meaning::HijriMonth(m), e)) = self.meaning_at(text, k) {
                // Another figure after it ("3 صفر 2019") is not a Hijri year:
                // the month's name is a word there ("صفر", zero).
                let figure_after = e < limit
                    && text.kind(e) == Kind::Number
                    && !text
                        .tok(e)
                        .parse::<i32>()
                        .is_ok_and(|y| HIJRI_YEARS.contains(&y));
                if e <= limit && d <= 30 && !figure_after {
                    let (y, end) = self.hijri_year_at(text, skip_punct(e, ","), limit);
                    let end = if y.is_some() { end } else { e };
                    return self.hijri_mention(
                        text,
                        (y.unwrap_or(0), m, Some(d)),
                        i,
                        end,
                        limit,
                        reference,
                    );
                }
            }
            // 9 October [2019] / 9 تشرين الاول
            if let Some((Meaning::Month(m), e)) = self.meaning_at(text, i + 1) {
                let e2 = skip_punct(e, ",");
                let (y, end) = match year(e2) {
                    Some(y) => (Some(y), e2 + 1),
                    None => (None, e),
                };
                return make(d, m, y, reference)
                    .map(|date| DateMention::new(date, DatePrecision::Day, i, end));
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
                    return make(d, m, y, reference)
                        .map(|date| DateMention::new(date, DatePrecision::Day, i, end));
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
                Some(DateMention::new(
                    date,
                    DatePrecision::Month,
                    i,
                    if y.is_some() { e1 + 1 } else { e },
                ))
            }
            Meaning::HijriMonth(m) => {
                // Safar 18[, 1441 AH] / صفر 1441 هـ (the month only). A
                // bare name is not a date: "صفر" is also zero, "رجب" a name.
                if let Some(d) = day(e).filter(|d| *d <= 30) {
                    let (y, end) = self.hijri_year_at(text, skip_punct(e + 1, ","), limit);
                    let end = if y.is_some() { end } else { e + 1 };
                    return self.hijri_mention(
                        text,
                        (y.unwrap_or(0), m, Some(d)),
                        i,
                        end,
                        limit,
                        reference,
                    );
                }
                let (y, end) = self.hijri_year_at(text, e, limit);
                self.hijri_mention(text, (y?, m, None), i, end, limit, reference)
            }
            _ => None,
        }
    }

    /// A Hijri year at token `i` (1300-1600) and the era mark after it,
    /// if any: (the year, one past the year and its mark).
    fn hijri_year_at(&self, text: &Text<'_>, i: usize, limit: usize) -> (Option<i32>, usize) {
        let y = (i < limit && text.kind(i) == Kind::Number)
            .then(|| text.tok(i).parse::<i32>().ok())
            .flatten()
            .filter(|y| HIJRI_YEARS.contains(y));
        match y {
            Some(y) => (Some(y), self.era_end(text, i + 1, limit).unwrap_or(i + 1)),
            None => (None, i),
        }
    }

    /// One past an era mark ("هـ", "AH") at token `i`.
    fn era_end(&self, text: &Text<'_>, i: usize, limit: usize) -> Option<usize> {
        match self.meaning_at(text, i) {
            Some((Meaning::Era, e)) if e <= limit => Some(e),
            _ => None,
        }
    }

    /// `18/2/1441هـ` or `1441/2/18 هـ`: a numeric date with a Hijri year
    /// and the era mark after it (without the mark, such a year is too rare
    /// a Gregorian one to read it as a Hijri date unasked).
    fn hijri_numeric(
        &self,
        text: &Text<'_>,
        i: usize,
        limit: usize,
    ) -> Option<(i32, u32, u32, usize)> {
        if i + 5 > limit || text.kind(i) != Kind::Number {
            return None;
        }
        let sep = text.tok(i + 1);
        if !matches!(sep, "-" | "/" | ".") || text.tok(i + 3) != sep {
            return None;
        }
        let n = |k: usize| text.tok(i + k).parse::<u32>().ok();
        let (y, m, d) = if text.tok(i).len() == 4 {
            (n(0)?, n(2)?, n(4)?)
        } else {
            (n(4)?, n(2)?, n(0)?)
        };
        let y = i32::try_from(y).ok().filter(|y| HIJRI_YEARS.contains(y))?;
        if !(1..=12).contains(&m) || !(1..=30).contains(&d) {
            return None;
        }
        let end = self.era_end(text, i + 5, limit)?;
        Some((y, m, d, end))
    }

    /// The mention of Hijri date (`year` 0: the year of `reference`), the
    /// Gregorian date the text says it equals taken when it follows
    /// ("الموافق 17 تشرين الأول 2019").
    #[allow(clippy::too_many_arguments)]
    fn hijri_mention(
        &self,
        text: &Text<'_>,
        (year, month, day): (i32, u32, Option<u32>),
        start: usize,
        end: usize,
        limit: usize,
        reference: NaiveDate,
    ) -> Option<DateMention> {
        let (year, (date, calendar)) = if year == 0 {
            // Without a year: the one that puts the date on or before the
            // report's day, allowing a week ahead, as for Gregorian dates.
            let this = self.hijri_year(reference);
            let d = day.unwrap_or(1);
            let (date, cal) = self.hijri_to_gregorian(this, month, d)?;
            if date > reference + Duration::days(7) {
                (this - 1, self.hijri_to_gregorian(this - 1, month, d)?)
            } else {
                (this, (date, cal))
            }
        } else {
            (
                year,
                self.hijri_to_gregorian(year, month, day.unwrap_or(1))?,
            )
        };
        let precision = if day.is_some() {
            DatePrecision::Day
        } else {
            DatePrecision::Month
        };
        let mut m = DateMention::new(date, precision, start, end);
        let mut reading = HijriReading {
            year,
            month,
            day,
            calendar,
            moved: 0,
            stated: false,
        };
        // "… 1441هـ الموافق 17 تشرين الأول 2019" or "… 1441 (17 October 2019)".
        let mut k = skip_commas(text, end, limit);
        let equals = match self.meaning_at(text, k) {
            Some((Meaning::Equals, e)) if e <= limit => {
                k = e;
                true
            }
            _ => k < limit && text.tok(k) == "(",
        };
        if equals {
            if k < limit && text.tok(k) == "(" {
                k += 1;
            }
            if let Some(g) = self
                .explicit_at(text, k, limit, reference)
                .filter(|g| g.hijri.is_none() && g.date.precision == DatePrecision::Day)
            {
                m.date = g.date;
                m.end = if g.end < limit && text.tok(g.end) == ")" {
                    g.end + 1
                } else {
                    g.end
                };
                reading.stated = true;
            }
        }
        m.hijri = Some(reading);
        Some(m)
    }
}

/// Past the commas at token `i` ("الخميس، 18 صفر").
fn skip_commas(text: &Text<'_>, mut i: usize, limit: usize) -> usize {
    while i < limit && matches!(text.tok(i), "," | "،") {
        i += 1;
    }
    i
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
    Some(DateMention::new(date, DatePrecision::Day, i, i + 5))
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

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn umm_al_qura_days_are_the_published_ones() {
        let cal = calendar();
        // (Hijri y, m, d, the Umm al-Qura day as Saudi Arabia published it,
        // the arithmetic calendar's).
        let rows: &[(i32, u32, u32, &str, &str)] = &[
            (1441, 1, 1, "2019-08-31", "2019-09-01"),
            (1441, 2, 1, "2019-09-30", "2019-10-01"),
            // The seed's Mahmudli claim: Thursday 17 October 2019.
            (1441, 2, 18, "2019-10-17", "2019-10-18"),
            (1441, 3, 1, "2019-10-29", "2019-10-30"),
            // Ramadan, Eid al-Fitr and Eid al-Adha of 2019.
            (1440, 9, 1, "2019-05-06", "2019-05-06"),
            (1440, 10, 1, "2019-06-04", "2019-06-05"),
            (1440, 12, 10, "2019-08-11", "2019-08-12"),
            (1420, 9, 1, "1999-12-09", "1999-12-09"),
        ];
        for (y, m, d, uaq, arithmetic) in rows {
            let (got, how) = cal.hijri_to_gregorian(*y, *m, *d).unwrap();
            assert_eq!(
                (got, how),
                (day(uaq), HijriCalendar::UmmAlQura),
                "{d}/{m}/{y}"
            );
            assert_eq!(tabular(*y, *m, *d), Some(day(arithmetic)), "{d}/{m}/{y}");
            assert_eq!(cal.hijri_year(got), *y, "{got}");
        }
        // Outside the table's years (1400-1500): the arithmetic calendar.
        assert_eq!(
            cal.hijri_to_gregorian(1380, 1, 1),
            Some((day("1960-06-26"), HijriCalendar::Tabular))
        );
        assert_eq!(
            tabular(1, 1, 1),
            Some(day("0622-07-19")),
            "16 July 622, Julian"
        );
        assert_eq!(cal.hijri_year(day("1960-07-01")), 1380);
        assert_eq!(cal.hijri_to_gregorian(1441, 13, 1), None);
        assert_eq!(cal.hijri_to_gregorian(1441, 2, 31), None);
        // Every day of 2018-2020 lies in the Hijri year whose months hold it.
        let mut d = day("2018-01-01");
        while d < day("2021-01-01") {
            let y = cal.hijri_year(d);
            let (first, _) = cal.hijri_to_gregorian(y, 1, 1).unwrap();
            let (next, _) = cal.hijri_to_gregorian(y + 1, 1, 1).unwrap();
            assert!(first <= d && d < next, "{d}: {y}");
            d += Duration::days(1);
        }
    }

    #[test]
    fn hijri_dates_in_claims() {
        let cal = calendar();
        // (the report's day, text, date, precision, words of the evidence
        // note; "" for a Gregorian date).
        let rows: &[(&str, &str, &str, DatePrecision, &str)] = &[
            (
                "2019-10-17",
                "يوم الخميس 18 صفر 1441هـ",
                "2019-10-17",
                DatePrecision::Day,
                "18/2/1441 AH, Umm al-Qura calendar: Thursday 2019-10-17",
            ),
            (
                "2019-10-18",
                "18 صفر 1441 هـ",
                "2019-10-17",
                DatePrecision::Day,
                "Umm al-Qura",
            ),
            (
                "2019-10-18",
                "الخميس، 18 صفر",
                "2019-10-17",
                DatePrecision::Day,
                "18/2/1441 AH",
            ),
            (
                "2019-10-18",
                "في 18 من صفر",
                "2019-10-17",
                DatePrecision::Day,
                "Umm al-Qura",
            ),
            (
                "2019-10-01",
                "١ صفر ١٤٤١",
                "2019-09-30",
                DatePrecision::Day,
                "Umm al-Qura",
            ),
            // The Arabic night belongs to the day after it: "the night of
            // Friday" is Thursday night, dated by Thursday's Hijri day…
            (
                "2019-11-01",
                "ليلة الجمعة 3 ربيع الأول",
                "2019-10-31",
                DatePrecision::Day,
                "3/3/1441 AH, Umm al-Qura calendar: Thursday 2019-10-31",
            ),
            // …or by the Hijri day that begins at its sunset.
            (
                "2019-11-01",
                "ليلة الجمعة 4 ربيع الأول 1441هـ",
                "2019-10-31",
                DatePrecision::Day,
                "moved 1 day earlier",
            ),
            // A month begun a day off Umm al-Qura's: the weekday settles it.
            (
                "2019-10-17",
                "يوم الأربعاء 18 صفر 1441",
                "2019-10-16",
                DatePrecision::Day,
                "moved 1 day earlier",
            ),
            (
                "2019-10-19",
                "يوم الجمعة 18 صفر 1441",
                "2019-10-18",
                DatePrecision::Day,
                "moved 1 day later",
            ),
            // A weekday further off is not a day's difference: the date stands.
            (
                "2019-10-19",
                "يوم الاثنين 18 صفر 1441",
                "2019-10-17",
                DatePrecision::Day,
                "Thursday 2019-10-17",
            ),
            (
                "2019-10-17",
                "18/2/1441هـ",
                "2019-10-17",
                DatePrecision::Day,
                "18/2/1441 AH",
            ),
            (
                "2019-10-17",
                "1441/2/18 هـ",
                "2019-10-17",
                DatePrecision::Day,
                "18/2/1441 AH",
            ),
            (
                "2019-10-20",
                "on 18 Safar 1441 AH",
                "2019-10-17",
                DatePrecision::Day,
                "Umm al-Qura",
            ),
            (
                "2019-10-20",
                "Thursday, Safar 18, 1441",
                "2019-10-17",
                DatePrecision::Day,
                "Umm al-Qura",
            ),
            (
                "2019-11-02",
                "on 3 Rabi al-Awwal 1441",
                "2019-10-31",
                DatePrecision::Day,
                "3/3/1441 AH",
            ),
            (
                "2019-11-02",
                "3 Rabi' al-Awwal 1441 A.H.",
                "2019-10-31",
                DatePrecision::Day,
                "3/3/1441 AH",
            ),
            (
                "2019-11-02",
                "شهر ربيع الأول 1441 هـ",
                "2019-10-29",
                DatePrecision::Month,
                "month 3/1441 AH",
            ),
            // Given with its Gregorian date: that one is taken.
            (
                "2019-10-20",
                "18 صفر 1441هـ الموافق 16 تشرين الأول 2019",
                "2019-10-16",
                DatePrecision::Day,
                "the Gregorian date the text gives",
            ),
            (
                "2019-10-20",
                "18 Safar 1441 (17 October 2019)",
                "2019-10-17",
                DatePrecision::Day,
                "the Gregorian date the text gives",
            ),
            // Without a year, early in a Hijri year: last year's month.
            (
                "2019-09-05",
                "25 ذو الحجة",
                "2019-08-26",
                DatePrecision::Day,
                "25/12/1440 AH",
            ),
            // Outside the Umm al-Qura table.
            (
                "1960-11-01",
                "5 جمادى الأولى 1380هـ",
                "1960-10-26",
                DatePrecision::Day,
                "arithmetic (tabular) Hijri calendar",
            ),
            // Gregorian dates beside a weekday: one date, the one written.
            (
                "2019-10-20",
                "Thursday, October 17, 2019",
                "2019-10-17",
                DatePrecision::Day,
                "",
            ),
            (
                "2019-11-01",
                "ليلة الجمعة",
                "2019-10-31",
                DatePrecision::Day,
                "",
            ),
            (
                "2019-10-31",
                "ليلة الجمعة",
                "2019-10-31",
                DatePrecision::Day,
                "",
            ),
        ];
        for (reference, input, want, precision, note) in rows {
            let t = Text::new(input);
            let found = cal.find(&t, 0..t.tokens.len(), day(reference));
            assert_eq!(found.len(), 1, "{input}: {found:?}");
            let m = found[0];
            assert_eq!(m.date.date.to_string(), *want, "{input}");
            assert_eq!(m.date.precision, *precision, "{input}");
            // The whole phrase, after a word such as "on" or "يوم".
            assert!(m.start <= 1 && m.end == t.tokens.len(), "{input}: {m:?}");
            match m.note() {
                Some(n) => assert!(!note.is_empty() && n.contains(note), "{input}: {n}"),
                None => assert!(note.is_empty(), "{input}: no note"),
            }
        }
        // Month names are words too: alone, or after a figure that counts
        // something, they are not dates.
        for none in [
            "نسبة صفر بالمئة",
            "الرئيس رجب طيب أردوغان",
            "Ramadan Shallah said",
            "خلال شهر رمضان",
            "3 صفر 2019",
        ] {
            let t = Text::new(none);
            let found = cal.find(&t, 0..t.tokens.len(), day("2019-10-17"));
            assert!(found.iter().all(|m| m.hijri.is_none()), "{none}: {found:?}");
        }
    }

    #[test]
    fn days_are_local_to_the_region() {
        use chrono::TimeZone;
        let cal = calendar();
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        // (instant, zone, local day): real rules, Syria's summer time and
        // its end included.
        let rows: &[(&str, Tz, &str)] = &[
            // A claim posted at 23:30 UTC on Thursday 17 October 2019 was
            // posted on Friday 02:30 in Syria and Iraq (UTC+3).
            ("2019-10-17T23:30:00Z", Tz::Asia__Damascus, "2019-10-18"),
            ("2019-10-17T23:30:00Z", Tz::Asia__Baghdad, "2019-10-18"),
            ("2019-10-17T20:59:00Z", Tz::Europe__Istanbul, "2019-10-17"),
            ("2019-10-17T21:00:00Z", Tz::Europe__Istanbul, "2019-10-18"),
            ("2019-10-17T23:30:00Z", Tz::UTC, "2019-10-17"),
            // Syria left summer time at midnight starting Friday 25 October
            // 2019: 21:30 UTC that night is 23:30 Thursday (UTC+2)…
            ("2019-10-24T21:30:00Z", Tz::Asia__Damascus, "2019-10-24"),
            ("2019-12-17T21:30:00Z", Tz::Asia__Damascus, "2019-12-17"),
            // …while Baghdad stays at UTC+3 the year round.
            ("2019-12-17T21:30:00Z", Tz::Asia__Baghdad, "2019-12-18"),
            // Syria has kept UTC+3 the year round since late 2022.
            ("2023-12-17T21:30:00Z", Tz::Asia__Damascus, "2023-12-18"),
        ];
        for (instant, zone, want) in rows {
            assert_eq!(local_day(at(instant), *zone), day(want), "{instant} {zone}");
        }
        // The zone: the analyst's setting, else the country's, else the
        // region's default (Syria's).
        let c = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(cal.zone(None, &[]), Tz::Asia__Damascus);
        assert_eq!(cal.zone(None, &c(&["iq"])), Tz::Asia__Baghdad);
        assert_eq!(cal.zone(None, &c(&["XX", "TR"])), Tz::Europe__Istanbul);
        assert_eq!(cal.zone(Some(Tz::UTC), &c(&["IQ"])), Tz::UTC);
        // "Today" in a claim posted at 23:30 UTC on a Thursday is Friday.
        let posted = Utc.with_ymd_and_hms(2019, 10, 17, 23, 30, 0).unwrap();
        let reference = local_day(posted, cal.zone(None, &[]));
        for (text, want) in [
            ("اليوم", "2019-10-18"),
            ("أمس", "2019-10-17"),
            ("يوم الخميس", "2019-10-17"),
        ] {
            let t = Text::new(text);
            let found = cal.find(&t, 0..t.tokens.len(), reference);
            assert_eq!(found[0].date.date, day(want), "{text}");
        }
    }

    #[test]
    fn a_broken_table_or_zone_is_named() {
        let good = include_str!("../../../data/kb/calendar.toml");
        let rows: &[(&str, &str, &str)] = &[
            (
                "\"2019-10-29\", \"2019-11-28\"",
                "\"2019-10-29\", \"2019-12-28\"",
                "starts 60 days after",
            ),
            (
                "default = \"Asia/Damascus\"",
                "default = \"Asia/Damaskus\"",
                "not an IANA time zone",
            ),
            ("1441 = [\"2019-08-31\", ", "1441 = [", "month starts"),
        ];
        for (from, to, want) in rows {
            assert!(good.contains(from), "{from}");
            let broken = good.replacen(from, to, 1);
            let f: Result<CalendarFile, _> = toml::from_str(&broken);
            let err = match f {
                Ok(f) => Calendar::from_file(&f, "calendar.toml")
                    .unwrap_err()
                    .to_string(),
                Err(e) => e.to_string(),
            };
            assert!(err.contains(want), "{to}: {err}");
        }
    }
}
