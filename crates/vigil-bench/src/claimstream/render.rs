//! Filling templates: slots, counts in Arabic and English, date
//! expressions.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::calendar::weekday_index;
use super::data::{Data, Noun};
use super::rng::Rng;

/// Slot values by name.
pub type Slots = HashMap<String, String>;

/// Slots that are not counts.
const PLAIN_SLOTS: &[&str] = &[
    "wilaya",
    "wilaya_tag",
    "place",
    "place_bare",
    "area",
    "enemy",
    "enemy_li",
    "enemy_members",
    "when",
    "rockets",
    "range",
    "from",
    "to",
    "year",
    "day",
    "total",
    "action",
    "result",
    "wilaya_en",
    "wilaya_tag_en",
    "place_en",
    "place_bare_en",
    "area_en",
    "enemy_en",
    "when_en",
    "province_en",
    "target_name",
    "target_short",
    "source",
    "weeks",
    "issue",
    "hijri_month",
];

/// The figures a count slot may hold: killed, injured, killed-and-injured,
/// abducted.
const FIGURES: [&str; 4] = ["k", "i", "c", "a"];

/// The forms of a count slot (`{k}`, `{k_acc}`, …).
const FORMS: [&str; 11] = [
    "", "_acc", "_nom", "_of", "_other", "_pron", "_en", "_en_of", "_target", "_num", "_num_cap",
];

/// Whether a slot name is one the generator fills.
pub fn is_known_slot(name: &str) -> bool {
    if PLAIN_SLOTS.contains(&name) {
        return true;
    }
    FIGURES.iter().any(|f| {
        name.strip_prefix(f)
            .is_some_and(|rest| FORMS.contains(&rest))
    })
}

/// The slot names in a template, in order.
pub fn slots_of(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                if !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                    out.push(name);
                }
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    out
}

/// Fills a template; the name of the first slot `slots` lacks is the error.
pub fn fill(template: &str, slots: &Slots) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return Ok(out);
        };
        let name = &after[..close];
        match slots.get(name) {
            Some(v) => out.push_str(v),
            None => return Err(name.to_string()),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The first of `templates`, in a random order, that `slots` fills.
pub fn fill_any(rng: &mut Rng, templates: &[String], slots: &Slots) -> Option<String> {
    let mut order: Vec<usize> = (0..templates.len()).collect();
    rng.shuffle(&mut order);
    order
        .into_iter()
        .find_map(|i| fill(&templates[i], slots).ok())
}

/// How figures are written in one document.
#[derive(Debug, Clone, Copy)]
pub struct CountStyle {
    /// Digits ("3 عناصر") rather than words ("ثلاثة عناصر") for 3-10 in
    /// Arabic, and for 1-9 in English.
    pub digits: bool,
}

/// Arabic forms of a figure `n` with a counted noun, into `slots` under
/// `prefix` (`k`, `i`, `c`, `a`).
pub fn arabic_count(
    slots: &mut Slots,
    prefix: &str,
    n: u32,
    noun: &Noun,
    style: CountStyle,
    data: &Data,
) {
    let num = arabic_number(n, style, data);
    let (gen, acc, nom) = match n {
        1 => (noun.sing.clone(), noun.acc.clone(), noun.sing.clone()),
        2 => (noun.dual.clone(), noun.dual.clone(), noun.dual_nom.clone()),
        3..=10 => {
            let p = format!("{num} {}", noun.plural);
            (p.clone(), p.clone(), p)
        }
        _ => {
            let p = format!("{n} {}", noun.acc);
            (p.clone(), p.clone(), p)
        }
    };
    let of = match n {
        1 => "أحدهم".to_string(),
        2 => "اثنين منهم".to_string(),
        _ => format!("{num} منهم"),
    };
    let other = match n {
        1 => "آخر".to_string(),
        2 => "اثنين آخرين".to_string(),
        _ => format!("{num} آخرين"),
    };
    let pron = match n {
        1 => "ه",
        2 => "هما",
        _ => "هم",
    };
    for (form, v) in [
        ("", gen),
        ("_acc", acc),
        ("_nom", nom),
        ("_of", of),
        ("_other", other),
        ("_pron", pron.to_string()),
    ] {
        slots.insert(format!("{prefix}{form}"), v);
    }
}

/// A figure in Arabic: a word for 3-10 unless digits are the style,
/// digits otherwise (1 and 2 are written with the noun, never alone).
fn arabic_number(n: u32, style: CountStyle, data: &Data) -> String {
    if (3..=10).contains(&n) && !style.digits {
        if let Some(w) = data.lexicon.numbers.get(&n.to_string()) {
            return w.clone();
        }
    }
    n.to_string()
}

/// An English figure: a word for 1-9 unless digits are the style.
pub fn english_number(n: u32, digits: bool, data: &Data) -> String {
    if (1..=9).contains(&n) && !digits {
        return data.en.numbers[n as usize - 1].clone();
    }
    n.to_string()
}

/// English forms of a figure into `slots` under `prefix`: `_en` ("three
/// members", "a member"), `_en_of`, and the wire's `_target`, `_num`,
/// `_num_cap` given the target's singular and plural phrases.
#[allow(clippy::too_many_arguments)]
pub fn english_count(
    slots: &mut Slots,
    prefix: &str,
    n: u32,
    digits: bool,
    sing: &str,
    plural: &str,
    data: &Data,
) {
    let num = english_number(n, digits, data);
    let en = if n == 1 {
        "a member".to_string()
    } else {
        format!("{num} members")
    };
    let of = if n == 1 {
        "one of them".to_string()
    } else {
        format!("{num} of them")
    };
    let target = if n == 1 {
        sing.to_string()
    } else {
        format!("{num} {plural}")
    };
    let cap = capitalize(&num);
    for (form, v) in [
        ("_en", en),
        ("_en_of", of),
        ("_target", target),
        ("_num", num),
        ("_num_cap", cap),
    ] {
        slots.insert(format!("{prefix}{form}"), v);
    }
}

/// The first letter upper-cased.
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// How a post names the day of the attack, relative to its own local day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum When {
    /// Not at all: the post's own day.
    None,
    /// "اليوم".
    Today,
    /// "اليوم الخميس".
    TodayWeekday,
    /// "يوم الخميس".
    Weekday,
    /// "أمس", "يوم أمس".
    Yesterday,
    /// "أمس الخميس".
    YesterdayWeekday,
    /// "مساء أمس".
    YesterdayEvening,
    /// "ليلة أمس".
    LastNight,
    /// "يوم الخميس 18 صفر 1441هـ" (with the weekday always).
    Hijri,
}

impl When {
    /// The expressions a post `delta` local days after the attack (at
    /// `hour`) may use; `dated` leaves out `None`.
    pub fn choices(delta: i64, hour: u32, dated: bool) -> Vec<When> {
        let mut out = match delta {
            0 => vec![When::Today, When::TodayWeekday, When::Weekday, When::Hijri],
            1 => {
                let mut v = vec![
                    When::Yesterday,
                    When::YesterdayWeekday,
                    When::Weekday,
                    When::Hijri,
                ];
                if hour >= 17 {
                    v.push(When::YesterdayEvening);
                }
                if hour >= 19 {
                    v.push(When::LastNight);
                }
                v
            }
            2..=6 => vec![When::Weekday, When::Hijri],
            _ => vec![When::Hijri],
        };
        if !dated && delta == 0 {
            out = vec![When::None];
        }
        out
    }

    /// Whether the expression is right for a post `delta` days after.
    pub fn fits(self, delta: i64, hour: u32) -> bool {
        When::choices(delta, hour, true).contains(&self) || (self == When::None && delta == 0)
    }
}

/// The Arabic date expression, with its leading space ("" for `None`).
pub fn when_ar(when: When, day: NaiveDate, rng: &mut Rng, data: &Data) -> String {
    let wd = &data.lexicon.weekdays[weekday_index(day)];
    match when {
        When::None => String::new(),
        When::Today => " اليوم".into(),
        When::TodayWeekday => format!(" اليوم {wd}"),
        When::Weekday => format!(" يوم {wd}"),
        When::Yesterday => rng.pick(&[" أمس", " يوم أمس"]).to_string(),
        When::YesterdayWeekday => format!(" أمس {wd}"),
        When::YesterdayEvening => " مساء أمس".into(),
        When::LastNight => " ليلة أمس".into(),
        When::Hijri => {
            let (y, m, d) = data
                .hijri
                .hijri(day)
                .expect("days are checked against the table");
            let month = &data.lexicon.hijri_months[m as usize - 1];
            if rng.chance(0.5) {
                format!(" يوم {wd} {d} {month} {y}هـ")
            } else {
                format!(" يوم {wd} {d} {month}")
            }
        }
    }
}

/// The English date expression, with its leading space.
pub fn when_en(when: When, day: NaiveDate, data: &Data) -> String {
    let wd = &data.en.weekdays[weekday_index(day)];
    match when {
        When::None => String::new(),
        When::Today => " today".into(),
        When::TodayWeekday | When::Weekday => format!(" on {wd}"),
        When::Yesterday => " yesterday".into(),
        When::YesterdayWeekday => format!(" yesterday, {wd}"),
        When::YesterdayEvening => " yesterday evening".into(),
        When::LastNight => " last night".into(),
        When::Hijri => {
            let (y, m, d) = data
                .hijri
                .hijri(day)
                .expect("days are checked against the table");
            format!(" on {wd}, {d} {} {y}", data.en.hijri_months[m as usize - 1])
        }
    }
}

/// The Arabic day of a newsletter line: "الخميس 18 صفر".
pub fn day_ar(day: NaiveDate, data: &Data) -> String {
    let (_, m, d) = data
        .hijri
        .hijri(day)
        .expect("days are checked against the table");
    format!(
        "{} {d} {}",
        data.lexicon.weekdays[weekday_index(day)],
        data.lexicon.hijri_months[m as usize - 1]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (template, slots given, expected result or the missing slot)
    type FillCase<'a> = (&'a str, &'a [(&'a str, &'a str)], Result<&'a str, &'a str>);

    #[test]
    fn slots_are_found_and_filled() {
        // (template, slots given, expected result or missing slot)
        let cases: [FillCase; 4] = [
            (
                "في {place}{area}",
                &[("place", "قرية الشحيل"), ("area", "")],
                Ok("في قرية الشحيل"),
            ),
            ("{k} من {enemy}", &[("k", "3 عناصر")], Err("enemy")),
            ("no slots", &[], Ok("no slots")),
            ("{ not a slot", &[], Ok("{ not a slot")),
        ];
        for (t, given, want) in cases {
            let slots: Slots = given
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let got = fill(t, &slots);
            assert_eq!(got.as_deref().map_err(String::as_str), want, "{t}");
        }
        assert_eq!(slots_of("{k_acc} و{when} {x y}"), vec!["k_acc", "when"]);
        for (name, known) in [
            ("k_acc", true),
            ("c_of", true),
            ("a_num_cap", true),
            ("k_plural", false),
            ("place", true),
            ("x", false),
        ] {
            assert_eq!(is_known_slot(name), known, "{name}");
        }
    }

    #[test]
    fn arabic_counts() {
        let data = Data::bundled().unwrap();
        let member = data
            .lexicon
            .noun
            .iter()
            .find(|n| n.key == "member")
            .unwrap();
        // (figure, digits, {k}, {k_acc}, {k_of}, {k_pron})
        let cases = [
            (1, false, "عنصر", "عنصرا", "أحدهم", "ه"),
            (2, true, "عنصرين", "عنصرين", "اثنين منهم", "هما"),
            (3, false, "ثلاثة عناصر", "ثلاثة عناصر", "ثلاثة منهم", "هم"),
            (3, true, "3 عناصر", "3 عناصر", "3 منهم", "هم"),
            (10, false, "عشرة عناصر", "عشرة عناصر", "عشرة منهم", "هم"),
            (14, false, "14 عنصرا", "14 عنصرا", "14 منهم", "هم"),
        ];
        for (n, digits, k, acc, of, pron) in cases {
            let mut s = Slots::new();
            arabic_count(&mut s, "k", n, member, CountStyle { digits }, &data);
            assert_eq!(
                (
                    s["k"].as_str(),
                    s["k_acc"].as_str(),
                    s["k_of"].as_str(),
                    s["k_pron"].as_str()
                ),
                (k, acc, of, pron),
                "{n}"
            );
        }
    }

    #[test]
    fn english_counts() {
        let data = Data::bundled().unwrap();
        // (figure, digits, {k_en}, {k_target}, {k_num_cap})
        let cases = [
            (1, false, "a member", "an SDF fighter", "One"),
            (3, false, "three members", "three SDF fighters", "Three"),
            (3, true, "3 members", "3 SDF fighters", "3"),
            (12, false, "12 members", "12 SDF fighters", "12"),
        ];
        for (n, digits, en, target, cap) in cases {
            let mut s = Slots::new();
            english_count(
                &mut s,
                "k",
                n,
                digits,
                "an SDF fighter",
                "SDF fighters",
                &data,
            );
            assert_eq!(
                (
                    s["k_en"].as_str(),
                    s["k_target"].as_str(),
                    s["k_num_cap"].as_str()
                ),
                (en, target, cap),
                "{n}"
            );
        }
    }

    #[test]
    fn date_expressions_fit_the_post_day() {
        let data = Data::bundled().unwrap();
        let thursday = NaiveDate::from_ymd_opt(2019, 10, 17).unwrap();
        // (expression, Arabic, English): 17 October 2019 = 18 Safar 1441.
        let cases = [
            (When::Weekday, " يوم الخميس", " on Thursday"),
            (
                When::YesterdayWeekday,
                " أمس الخميس",
                " yesterday, Thursday",
            ),
            (When::LastNight, " ليلة أمس", " last night"),
            (When::None, "", ""),
        ];
        let mut rng = Rng::new(1);
        for (w, ar, en) in cases {
            assert_eq!(when_ar(w, thursday, &mut rng, &data), ar, "{w:?}");
            assert_eq!(when_en(w, thursday, &data), en, "{w:?}");
        }
        let hijri = when_ar(When::Hijri, thursday, &mut rng, &data);
        assert!(hijri.starts_with(" يوم الخميس 18 صفر"), "{hijri}");
        assert_eq!(day_ar(thursday, &data), "الخميس 18 صفر");
        // (delta, hour, expression, fits)
        let fits = [
            (0, 10, When::None, true),
            (1, 10, When::None, false),
            (1, 21, When::LastNight, true),
            (1, 10, When::LastNight, false),
            (2, 10, When::Yesterday, false),
            (2, 10, When::Weekday, true),
        ];
        for (delta, hour, w, want) in fits {
            assert_eq!(w.fits(delta, hour), want, "{delta} {hour} {w:?}");
        }
    }
}
