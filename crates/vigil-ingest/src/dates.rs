//! Dates as sources write them.
//!
//! Every reader funnels its date strings through [`parse_datetime`], so a
//! format accepted in one file type is accepted in all of them and the
//! error text can promise the same list everywhere ([`EXPECTED`]).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// The accepted forms, for error messages.
pub(crate) const EXPECTED: &str = "use RFC 3339 (2019-10-15T10:00:00Z), RFC 2822 \
     (Tue, 15 Oct 2019 10:00:00 GMT), YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS] (taken as UTC)";

/// Parses a date as found in feeds, exports and front matter: RFC 3339,
/// RFC 2822 (including the named zones and loose variants feeds use),
/// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` and `YYYY-MM-DDTHH:MM[:SS]`. A
/// date or time without a zone is taken as UTC. Returns `None` for anything
/// else, including impossible dates such as 2019-02-30.
///
/// ```
/// use vigil_ingest::parse_datetime;
/// let d = parse_datetime("Tue, 15 Oct 2019 13:00:00 +0300").unwrap();
/// assert_eq!(d.to_rfc3339(), "2019-10-15T10:00:00+00:00");
/// assert_eq!(parse_datetime("2019-10-15"), parse_datetime("2019-10-15T00:00:00Z"));
/// assert!(parse_datetime("last Tuesday").is_none());
/// ```
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() || s.len() > 100 {
        return None;
    }
    if s.as_bytes()[0].is_ascii_digit() && s.len() >= 10 && s.as_bytes().get(4) == Some(&b'-') {
        return parse_iso(s);
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.with_timezone(&Utc));
    }
    parse_loose_rfc2822(s)
}

/// ISO 8601 shapes: RFC 3339 with a zone, or a bare date or date-time taken
/// as UTC (Telegram exports and spreadsheets write local time without a
/// zone; UTC is the only assumption that does not depend on the machine).
fn parse_iso(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    // RFC 3339 without seconds ("2019-10-15T10:00Z") is common in feeds.
    for fmt in ["%Y-%m-%dT%H:%M%#z", "%Y-%m-%d %H:%M%#z"] {
        if let Ok(d) = DateTime::parse_from_str(s, fmt) {
            return Some(d.with_timezone(&Utc));
        }
    }
    if s.len() == 10 {
        let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
        return Some(Utc.from_utc_datetime(&date.and_time(NaiveTime::MIN)));
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(Utc.from_utc_datetime(&d));
        }
    }
    None
}

/// RFC 2822 as feeds really write it, after chrono's strict parser said no:
/// full weekday and month names, a missing weekday comma, `UTC` or a
/// regional zone name, a missing zone (taken as UTC), missing seconds.
fn parse_loose_rfc2822(s: &str) -> Option<DateTime<Utc>> {
    let mut tokens: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .collect();
    if tokens
        .first()
        .is_some_and(|t| t.chars().all(|c| c.is_ascii_alphabetic()))
    {
        // A weekday; it says nothing the date does not.
        tokens.remove(0);
    }
    let (day, month, year, time, zone) = match tokens.as_slice() {
        [d, m, y, t] => (*d, *m, *y, *t, None),
        [d, m, y, t, z] => (*d, *m, *y, *t, Some(*z)),
        _ => return None,
    };
    let day: u32 = day.parse().ok()?;
    let month = month_number(month)?;
    let year: i32 = match year.len() {
        4 => year.parse().ok()?,
        // RFC 2822 section 4.3: two-digit years below 50 are 20xx.
        2 => {
            let y: i32 = year.parse().ok()?;
            if y < 50 {
                2000 + y
            } else {
                1900 + y
            }
        }
        _ => return None,
    };
    let time = NaiveTime::parse_from_str(time, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(time, "%H:%M"))
        .ok()?;
    let offset_secs = match zone {
        None => 0,
        Some(z) => zone_offset(z)?,
    };
    let local = NaiveDate::from_ymd_opt(year, month, day)?.and_time(time);
    let offset = FixedOffset::east_opt(offset_secs)?;
    let d = offset.from_local_datetime(&local).single()?;
    Some(d.with_timezone(&Utc))
}

fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let prefix = name.get(..3)?.to_ascii_lowercase();
    MONTHS
        .iter()
        .position(|m| *m == prefix)
        .map(|i| i as u32 + 1)
}

/// A zone as a numeric offset (`+0300`, `+03:00`) or a name. Only names with
/// one common meaning are listed: `AST` or `IST` could be several zones, and
/// guessing wrong would move an event by hours, so those fail instead.
fn zone_offset(zone: &str) -> Option<i32> {
    if let Some(sign) = zone
        .strip_prefix('+')
        .map(|_| 1)
        .or(zone.strip_prefix('-').map(|_| -1))
    {
        let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
        if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let hours: i32 = digits[..2].parse().ok()?;
        let minutes: i32 = digits[2..].parse().ok()?;
        if minutes >= 60 {
            return None;
        }
        return Some(sign * (hours * 3600 + minutes * 60));
    }
    let hours = match zone.to_ascii_uppercase().as_str() {
        "UT" | "UTC" | "GMT" | "Z" | "WET" => 0,
        "BST" | "CET" | "WEST" => 1,
        "CEST" | "EET" => 2,
        "EEST" | "MSK" | "TRT" => 3,
        "EDT" => -4,
        "EST" | "CDT" => -5,
        "CST" | "MDT" => -6,
        "MST" | "PDT" => -7,
        "PST" => -8,
        _ => return None,
    };
    Some(hours * 3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_and_refused_forms() {
        // (input, expected instant in RFC 3339 UTC, or None)
        let cases: &[(&str, Option<&str>)] = &[
            // RFC 3339
            ("2019-10-15T10:00:00Z", Some("2019-10-15T10:00:00Z")),
            ("2019-10-15T13:00:00+03:00", Some("2019-10-15T10:00:00Z")),
            ("2019-10-15T10:00:00.250Z", Some("2019-10-15T10:00:00.250Z")),
            ("  2019-10-15T10:00:00Z\n", Some("2019-10-15T10:00:00Z")),
            ("2019-10-15T10:00Z", Some("2019-10-15T10:00:00Z")),
            // Bare dates and date-times are UTC.
            ("2019-10-15", Some("2019-10-15T00:00:00Z")),
            ("2019-10-15 10:00", Some("2019-10-15T10:00:00Z")),
            ("2019-10-15 10:00:30", Some("2019-10-15T10:00:30Z")),
            ("2019-10-15T10:00:30", Some("2019-10-15T10:00:30Z")),
            ("2019-10-15T10:00", Some("2019-10-15T10:00:00Z")),
            // RFC 2822 and its variants in the wild.
            (
                "Tue, 15 Oct 2019 10:00:00 +0000",
                Some("2019-10-15T10:00:00Z"),
            ),
            (
                "Tue, 15 Oct 2019 10:00:00 GMT",
                Some("2019-10-15T10:00:00Z"),
            ),
            (
                "Tue, 15 Oct 2019 06:00:00 EDT",
                Some("2019-10-15T10:00:00Z"),
            ),
            (
                "Tue, 15 Oct 2019 05:00:00 EST",
                Some("2019-10-15T10:00:00Z"),
            ),
            ("Sat, 5 Oct 2019 10:00:00 GMT", Some("2019-10-05T10:00:00Z")),
            ("5 Oct 2019 10:00:00 +0300", Some("2019-10-05T07:00:00Z")),
            ("Tue, 15 Oct 2019 10:00 GMT", Some("2019-10-15T10:00:00Z")),
            (
                "Tue, 15 Oct 2019 10:00:00 UTC",
                Some("2019-10-15T10:00:00Z"),
            ),
            (
                "Tuesday, 15 October 2019 10:00:00 GMT",
                Some("2019-10-15T10:00:00Z"),
            ),
            ("Tue 15 Oct 2019 10:00:00 GMT", Some("2019-10-15T10:00:00Z")),
            (
                "Tue, 15 Oct 2019 13:00:00 EEST",
                Some("2019-10-15T10:00:00Z"),
            ),
            (
                "Tue, 15 Oct 2019 13:00:00 +03:00",
                Some("2019-10-15T10:00:00Z"),
            ),
            ("Tue, 15 Oct 2019 10:00:00", Some("2019-10-15T10:00:00Z")),
            ("Tue, 15 Oct 19 10:00:00 GMT", Some("2019-10-15T10:00:00Z")),
            // Refused.
            ("", None),
            ("   ", None),
            ("yesterday", None),
            ("2019-02-30", None),
            ("2019-10-15T25:00:00Z", None),
            ("15/10/2019", None),
            ("Tue, 15 Oct 2019 10:00:00 AST", None),
            ("Tue, 15 Foo 2019 10:00:00 GMT", None),
            ("Tue, 32 Oct 2019 10:00:00 GMT", None),
            ("Tue, 15 Oct 2019 10:00:00 +9999", None),
            ("2019-10-15garbage", None),
            ("٢٠١٩-١٠-١٥", None),
        ];
        for (input, want) in cases {
            let got = parse_datetime(input);
            let want = want.map(|w| {
                DateTime::parse_from_rfc3339(w)
                    .expect("test expectation is RFC 3339")
                    .with_timezone(&Utc)
            });
            assert_eq!(got, want, "input {input:?}");
        }
    }
}
