//! Days and times as the stream writes them: Syria's local time, and Hijri
//! dates.
//!
//! Hijri dates are the Umm al-Qura calendar's (the month starts are data:
//! `claimstream/hijri_umm_al_qura.toml`, written by
//! `scripts/build_hijri_table.py`); the group's 2019 claims agree with it
//! (18 Safar 1441 was Thursday 17 October 2019). Announced dates follow
//! sighting and may differ from any calendar by a day, so the generator
//! always writes a Hijri date with its weekday ("يوم الخميس 18 صفر 1441هـ").

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};
use serde::Deserialize;

/// The Umm al-Qura month starts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HijriTable {
    /// The day after the table's last month.
    end: NaiveDate,
    /// Each year's twelve month starts.
    year: Vec<HijriYear>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HijriYear {
    year: i64,
    months: [NaiveDate; 12],
}

impl HijriTable {
    /// Reads the table.
    pub fn parse(text: &str) -> Result<HijriTable, toml::de::Error> {
        toml::from_str(text)
    }

    /// The Hijri date of a day: (year, month 1-12, day 1-30), or `None`
    /// outside the table.
    pub fn hijri(&self, day: NaiveDate) -> Option<(i64, u32, u32)> {
        if day >= self.end {
            return None;
        }
        let mut found = None;
        for y in &self.year {
            for (m, start) in y.months.iter().enumerate() {
                if *start <= day {
                    found = Some((y.year, m as u32 + 1, *start));
                }
            }
        }
        let (y, m, start) = found?;
        Some((y, m, (day - start).num_days() as u32 + 1))
    }

    /// The first and last days the table covers.
    pub fn span(&self) -> (NaiveDate, NaiveDate) {
        let first = self.year.first().map_or(self.end, |y| y.months[0]);
        (first, self.end - Duration::days(1))
    }
}

/// The last Friday of a month.
fn last_friday(year: i32, month: u32) -> NaiveDate {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .expect("a valid month");
    let mut d = next - Duration::days(1);
    while d.weekday() != Weekday::Fri {
        d -= Duration::days(1);
    }
    d
}

/// Syria's offset from UTC in hours at a local time: summer time (UTC+3)
/// from the last Friday of March to the last Friday of October, winter
/// time (UTC+2) otherwise, and UTC+3 all year from 28 October 2022 (the
/// tz database's Asia/Damascus from 2012 on; earlier years are given the
/// same rule). The change happens at midnight; the stream posts nothing
/// between 23:00 and 01:00, so the hour of the change never moves a post
/// to another day.
pub fn syria_offset_hours(local: NaiveDateTime) -> i64 {
    let day = local.date();
    let permanent = NaiveDate::from_ymd_opt(2022, 10, 28).expect("a valid day");
    if day >= permanent {
        return 3;
    }
    let y = day.year();
    if day >= last_friday(y, 3) && day < last_friday(y, 10) {
        3
    } else {
        2
    }
}

/// The UTC time of a Syrian local time.
pub fn local_to_utc(local: NaiveDateTime) -> NaiveDateTime {
    local - Duration::hours(syria_offset_hours(local))
}

/// Monday 0 … Sunday 6.
pub fn weekday_index(day: NaiveDate) -> usize {
    day.weekday().num_days_from_monday() as usize
}

/// The week-start day's English name, as `vigil --week-start` takes it.
pub fn weekday_name(day: NaiveDate) -> &'static str {
    match day.weekday() {
        Weekday::Mon => "monday",
        Weekday::Tue => "tuesday",
        Weekday::Wed => "wednesday",
        Weekday::Thu => "thursday",
        Weekday::Fri => "friday",
        Weekday::Sat => "saturday",
        Weekday::Sun => "sunday",
    }
}

/// English weekday names, Monday first.
pub const WEEKDAYS_EN: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn umm_al_qura_dates() {
        // (Gregorian, Hijri): 1 Safar 1441 = 30 September 2019 and
        // 18 Safar 1441 = Thursday 17 October 2019 by Umm al-Qura.
        let table = HijriTable::parse(include_str!("../../claimstream/hijri_umm_al_qura.toml"))
            .expect("the bundled table parses");
        let cases = [
            ("2019-09-30", Some((1441, 2, 1))),
            ("2019-10-17", Some((1441, 2, 18))),
            ("2019-09-29", Some((1441, 1, 30))),
            ("2019-08-31", Some((1441, 1, 1))),
            ("2019-08-30", Some((1440, 12, 29))),
            ("2019-10-29", Some((1441, 3, 1))),
            ("2013-11-03", None),
            ("2029-05-14", None),
        ];
        for (g, want) in cases {
            assert_eq!(table.hijri(day(g)), want, "{g}");
        }
    }

    #[test]
    fn syria_summer_and_winter_time() {
        // (local day at noon, offset): the tz database's Asia/Damascus.
        let cases = [
            ("2019-03-28", 2),
            ("2019-03-29", 3),
            ("2019-10-24", 3),
            ("2019-10-25", 2),
            ("2018-10-25", 3),
            ("2018-10-26", 2),
            ("2021-03-25", 2),
            ("2021-03-26", 3),
            ("2022-10-29", 3),
            ("2023-01-01", 3),
        ];
        for (d, want) in cases {
            let t = day(d).and_hms_opt(12, 0, 0).unwrap();
            assert_eq!(syria_offset_hours(t), want, "{d}");
        }
    }

    #[test]
    fn week_start_names() {
        // (day, its name): 18 September 2019 was a Wednesday.
        let cases = [
            ("2019-09-18", "wednesday"),
            ("2019-09-16", "monday"),
            ("2019-09-22", "sunday"),
        ];
        for (d, want) in cases {
            assert_eq!(weekday_name(day(d)), want, "{d}");
        }
    }
}
