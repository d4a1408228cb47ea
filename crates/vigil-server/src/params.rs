//! Query parameters, parsed at the boundary: every value is checked once
//! here, and a bad one is answered with a 400 that names the parameter and
//! says what it takes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use vigil_store::{PageAfter, SortOrder};

use crate::ApiError;

/// Items per page when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 50;
/// The largest `limit` accepted.
pub const MAX_LIMIT: usize = 500;

/// Parses a query string into `T` (a struct of `Option<String>` fields with
/// `deny_unknown_fields`): an unknown or repeated parameter is a 400 that
/// names it.
pub fn parse_query<T: DeserializeOwned>(raw: Option<&str>, takes: &[&str]) -> Result<T, ApiError> {
    serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|e| {
        let msg = e.to_string();
        let takes = if takes.is_empty() {
            "none".to_string()
        } else {
            takes.join(", ")
        };
        match msg.strip_prefix("unknown field ") {
            Some(rest) => {
                let name = rest.split(',').next().unwrap_or(rest).trim_matches('`');
                ApiError::bad_request(format!(
                    "unknown query parameter `{name}`; this endpoint takes: {takes}"
                ))
            }
            None => ApiError::bad_request(format!(
                "bad query string: {msg}; this endpoint takes: {takes}, each at most once"
            )),
        }
    })
}

/// `limit`: 1..=500, 50 by default.
pub fn limit(v: &Option<String>) -> Result<usize, ApiError> {
    match v {
        None => Ok(DEFAULT_LIMIT),
        Some(s) => s
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "limit: {s:?} is not a number from 1 to {MAX_LIMIT}"
                ))
            }),
    }
}

/// The most weeks a tally or a narratives table spans: ten years, so
/// that an answer stays a few megabytes (`from=0001-01-01&to=9999-12-31`
/// once made 285 MB).
pub const MAX_WEEKS: u64 = 520;

/// The weeks from the one holding `from` to the one holding `to`, each
/// given or else `default` (the store's first and last days). Given both,
/// more than [`MAX_WEEKS`] is a 400 that says how to page; a bound left
/// out is brought within [`MAX_WEEKS`] of the other (the last weeks when
/// both are left out), so that a default view always answers.
pub fn bounded_weeks(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    default: (NaiveDate, NaiveDate),
    week_start: vigil_model::WeekStart,
) -> Result<(NaiveDate, NaiveDate), ApiError> {
    use vigil_analyze::tally::week_of;
    let first = week_of(from.unwrap_or(default.0), week_start);
    let last = week_of(to.unwrap_or(default.1), week_start);
    if last < first {
        // A default bound on the wrong side of a given one: no weeks.
        return Ok((first, last));
    }
    let weeks = (last - first).num_days() as u64 / 7 + 1;
    if weeks <= MAX_WEEKS {
        return Ok((first, last));
    }
    let span = chrono::Days::new(7 * (MAX_WEEKS - 1));
    match (from, to) {
        (Some(_), Some(_)) => {
            let end = first + span + chrono::Days::new(6);
            Err(ApiError::bad_request(format!(
                "from..to spans {weeks} weeks; at most {MAX_WEEKS} weeks (ten years) are \
                 answered at once: narrow from and to, and ask for the rest in pages, e.g. \
                 from={first}&to={end}, then from={}",
                end + chrono::Days::new(1)
            )))
        }
        (Some(_), None) => Ok((first, first + span)),
        (None, _) => Ok((last - span, last)),
    }
}

/// A day, `YYYY-MM-DD`.
pub fn date(name: &str, v: &Option<String>) -> Result<Option<NaiveDate>, ApiError> {
    v.as_deref()
        .map(|s| {
            NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
                ApiError::bad_request(format!("{name}: {s:?} is not a date; use YYYY-MM-DD"))
            })
        })
        .transpose()
}

/// `from` and `to`, checked to be in order.
pub fn date_range(
    from: &Option<String>,
    to: &Option<String>,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>), ApiError> {
    let (f, t) = (date("from", from)?, date("to", to)?);
    if let (Some(f), Some(t)) = (f, t) {
        if f > t {
            return Err(ApiError::bad_request(format!(
                "from ({f}) is after to ({t}); swap them"
            )));
        }
    }
    Ok((f, t))
}

/// A comma-separated list, each item parsed with `FromStr`.
pub fn list<T: std::str::FromStr>(name: &str, v: &Option<String>) -> Result<Vec<T>, ApiError>
where
    T::Err: std::fmt::Display,
{
    let Some(s) = v else { return Ok(Vec::new()) };
    let items: Vec<&str> = s
        .split(',')
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .collect();
    if items.is_empty() {
        return Err(ApiError::bad_request(format!(
            "{name}: empty; give one value or several separated by commas, or leave it out"
        )));
    }
    items
        .into_iter()
        .map(|i| {
            i.parse::<T>()
                .map_err(|e| ApiError::bad_request(format!("{name}: {e}")))
        })
        .collect()
}

/// `sort`: one of `keys`, `-` in front for descending.
pub fn sort<'a>(v: &Option<String>, keys: &[&'a str]) -> Result<(&'a str, SortOrder), ApiError> {
    let Some(s) = v else {
        return Ok((keys[0], SortOrder::Asc));
    };
    let (name, order) = match s.trim().strip_prefix('-') {
        Some(rest) => (rest, SortOrder::Desc),
        None => (s.trim(), SortOrder::Asc),
    };
    keys.iter()
        .find(|k| **k == name)
        .map(|k| (*k, order))
        .ok_or_else(|| {
            let all: Vec<String> = keys
                .iter()
                .flat_map(|k| [k.to_string(), format!("-{k}")])
                .collect();
            ApiError::bad_request(format!(
                "sort: {s:?} is not a sort order; use one of {}",
                all.join(", ")
            ))
        })
}

/// What a cursor holds: the listing's sort and where the next page starts
/// (a keyset position, or for search an offset in `i`). Opaque to clients:
/// base64url of this JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cursor {
    /// The listing's `sort` as the client gave it (`-published`).
    pub s: String,
    /// The last item's sort key.
    pub k: Option<String>,
    /// The last item's id, or the offset of the next hit.
    pub i: i64,
}

impl Cursor {
    /// The opaque form.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// Reads a cursor this server gave out for a listing sorted by `sort`.
    pub fn decode(v: &Option<String>, sort: &str) -> Result<Option<Cursor>, ApiError> {
        let Some(s) = v else { return Ok(None) };
        let bad = || {
            ApiError::bad_request(
                "cursor: not a cursor this server gave out; pass the next_cursor of the previous page unchanged, or leave cursor out to start at the first page",
            )
        };
        let bytes = URL_SAFE_NO_PAD.decode(s.trim()).map_err(|_| bad())?;
        let c: Cursor = serde_json::from_slice(&bytes).map_err(|_| bad())?;
        if c.i < 0 {
            return Err(bad());
        }
        if c.s != sort {
            return Err(ApiError::bad_request(format!(
                "cursor: it belongs to a listing with sort={}, not sort={sort}; keep the sort of the first page, or leave cursor out",
                c.s
            )));
        }
        Ok(Some(c))
    }

    /// The store's keyset position.
    pub fn after(&self) -> PageAfter {
        PageAfter {
            key: self.k.clone(),
            id: self.i,
        }
    }
}

/// The `sort` parameter as given (normalized), kept in cursors.
/// The paging of a keyset-paged listing: its page size, its sort and
/// where the previous page ended.
#[derive(Debug)]
pub struct Paging<'a> {
    /// Items per page.
    pub limit: usize,
    /// The sort key, one of the listing's keys.
    pub key: &'a str,
    /// Its direction.
    pub order: SortOrder,
    /// The last item of the previous page, if a cursor was given.
    pub after: Option<PageAfter>,
    label: String,
}

impl<'a> Paging<'a> {
    /// Reads `limit`, `sort` (one of `keys`, the first by default) and
    /// `cursor` (refused if it was given out for another sort).
    pub fn parse(
        limit: &Option<String>,
        sort_param: &Option<String>,
        cursor: &Option<String>,
        keys: &[&'a str],
    ) -> Result<Paging<'a>, ApiError> {
        let limit = self::limit(limit)?;
        let (key, order) = sort(sort_param, keys)?;
        let label = sort_label(key, order);
        let after = Cursor::decode(cursor, &label)?.map(|c| c.after());
        Ok(Paging {
            limit,
            key,
            order,
            after,
            label,
        })
    }

    /// The cursor that resumes after an item at `a`.
    pub fn cursor(&self, a: PageAfter) -> Cursor {
        Cursor {
            s: self.label.clone(),
            k: a.key,
            i: a.id,
        }
    }
}

fn sort_label(key: &str, order: SortOrder) -> String {
    match order {
        SortOrder::Asc => key.to_string(),
        SortOrder::Desc => format!("-{key}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_tampering() {
        let c = Cursor {
            s: "-published".into(),
            k: Some("2019-10-11T19:30:00Z".into()),
            i: 9,
        };
        let enc = Some(c.encode());
        assert_eq!(Cursor::decode(&enc, "-published").unwrap(), Some(c));
        assert!(Cursor::decode(&enc, "published").is_err());
        assert!(Cursor::decode(&Some("nonsense!".into()), "published").is_err());
        let other = Some(URL_SAFE_NO_PAD.encode(br#"{"s":"published","i":-1}"#));
        assert!(Cursor::decode(&other, "published").is_err());
    }

    #[test]
    fn week_ranges_are_bounded() {
        use vigil_model::WeekStart::Monday;
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let weeks = |(a, b): (NaiveDate, NaiveDate)| (b - a).num_days() / 7 + 1;
        let store = (d("2019-01-07"), d("2024-06-30"));
        // Within the bound: the weeks asked for.
        let r = bounded_weeks(None, None, store, Monday).unwrap();
        assert_eq!(r, (d("2019-01-07"), d("2024-06-24")));
        // Both given and too far apart: a 400 that says how to page.
        let err =
            bounded_weeks(Some(d("0001-01-01")), Some(d("9999-12-31")), store, Monday).unwrap_err();
        assert!(err.message.contains("at most 520 weeks"), "{err}");
        // A store whose dates went wild (an edit to 0001-01-01): the last
        // 520 weeks by default, or 520 from a given start.
        let wild = (d("0001-01-01"), d("2024-06-30"));
        let r = bounded_weeks(None, None, wild, Monday).unwrap();
        assert_eq!((weeks(r), r.1), (MAX_WEEKS as i64, d("2024-06-24")));
        let r = bounded_weeks(None, Some(d("2024-06-30")), wild, Monday).unwrap();
        assert_eq!(weeks(r), MAX_WEEKS as i64);
        let r = bounded_weeks(
            Some(d("2000-01-03")),
            None,
            (d("2000-01-03"), d("9999-12-31")),
            Monday,
        )
        .unwrap();
        assert_eq!((r.0, weeks(r)), (d("2000-01-03"), MAX_WEEKS as i64));
    }

    #[test]
    fn limits_and_sorts() {
        assert_eq!(limit(&None).unwrap(), 50);
        assert_eq!(limit(&Some("500".into())).unwrap(), 500);
        for bad in ["0", "501", "-1", "ten"] {
            assert!(limit(&Some(bad.into())).is_err(), "{bad}");
        }
        assert_eq!(
            sort(&Some("-date".into()), &["date", "id"]).unwrap(),
            ("date", SortOrder::Desc)
        );
        let err = sort(&Some("rank".into()), &["date", "id"]).unwrap_err();
        assert!(err.message.contains("date, -date, id, -id"), "{err}");
    }
}
