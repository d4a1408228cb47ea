//! Scoring the engine against gold files in the format of the project's
//! evaluation data (one JSON object per line: `id`, `text`, `lang`,
//! optional `reference_date` and `text_en`, and `expect`). The scorer is
//! chosen by what `expect` codes; metric names follow the evaluation
//! README so that runs can be compared across versions.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;
use vigil_geo::{haversine_km, PlaceKind};
use vigil_model::Span;

use crate::engine::{DocInput, Extraction, Extractor};
use crate::text::Text;

/// Metric name → value.
pub type Metrics = BTreeMap<String, f64>;

/// A gold file that cannot be scored.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A line is not a gold record.
    #[error("{file}:{line}: {message}")]
    Record {
        /// The file.
        file: String,
        /// The line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The file codes nothing this scorer knows.
    #[error("{0}: expect codes none of killed, sub_event_code, toponyms, entities, place (parity); nothing to score")]
    Unknown(String),
}

#[derive(Debug, Deserialize)]
struct Record {
    id: Value,
    text: String,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    reference_date: Option<String>,
    #[serde(default)]
    text_en: Option<String>,
    /// The kind of source the text comes from (claims file).
    #[serde(default)]
    source_kind: Option<String>,
    /// The actor the source speaks for (claims file).
    #[serde(default)]
    affiliation: Option<String>,
    expect: Value,
}

/// Which records of a gold file to score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Every record.
    All,
    /// The tuning part: rules are written and debugged against it.
    Tuning,
    /// The check part (about a quarter): scored, never read to write rules.
    Check,
}

impl Part {
    /// The part a record id falls in: the check part holds the ids whose
    /// SHA-256 (of the id's UTF-8 bytes; a number as its decimal digits)
    /// begins with the hex digit 0, 1, 2 or 3, as the gold files'
    /// README defines.
    pub fn of(id: &Value) -> Part {
        use sha2::{Digest, Sha256};
        let id = match id {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let digest = Sha256::digest(id.as_bytes());
        if digest[0] >> 4 <= 3 {
            Part::Check
        } else {
            Part::Tuning
        }
    }
}

/// A gold file's scores on the whole file and on its two parts.
#[derive(Debug, Clone, Default)]
pub struct PartScores {
    /// Every record.
    pub all: Metrics,
    /// The tuning part.
    pub tuning: Metrics,
    /// The check part.
    pub check: Metrics,
}

fn read_records(file: &str, text: &str) -> Result<Vec<Record>, EvalError> {
    let mut records = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let r: Record = serde_json::from_str(line).map_err(|e| EvalError::Record {
            file: file.to_string(),
            line: i + 1,
            message: e.to_string(),
        })?;
        records.push(r);
    }
    Ok(records)
}

/// Scores one gold file's lines.
pub fn score_file(ex: &Extractor, file: &str, text: &str) -> Result<Metrics, EvalError> {
    let records = read_records(file, text)?;
    score_records(ex, file, &records)
}

/// Scores one gold file on the whole, its tuning part and its check part.
/// A part with no records has no metrics.
pub fn score_parts(ex: &Extractor, file: &str, text: &str) -> Result<PartScores, EvalError> {
    let records = read_records(file, text)?;
    let all = score_records(ex, file, &records)?;
    let (check, tuning): (Vec<Record>, Vec<Record>) = records
        .into_iter()
        .partition(|r| Part::of(&r.id) == Part::Check);
    let score = |part: &[Record]| {
        if part.is_empty() {
            Ok(Metrics::new())
        } else {
            score_records(ex, file, part)
        }
    };
    Ok(PartScores {
        tuning: score(&tuning)?,
        check: score(&check)?,
        all,
    })
}

fn score_records(ex: &Extractor, file: &str, records: &[Record]) -> Result<Metrics, EvalError> {
    let Some(first) = records.first() else {
        return Err(EvalError::Unknown(file.to_string()));
    };
    let has = |k: &str| first.expect.get(k).is_some();
    let mut m = if has("claim_status") || has("events") {
        claims(ex, records)
    } else if first.text_en.is_some() && has("place") {
        parity(ex, records)
    } else if has("killed") {
        incidents(ex, records)
    } else if has("sub_event_code") {
        subtypes(ex, records)
    } else if has("toponyms") {
        toponyms(ex, records)
    } else if has("entities") {
        entities(ex, records)
    } else {
        return Err(EvalError::Unknown(file.to_string()));
    };
    m.insert("records".into(), records.len() as f64);
    Ok(m)
}

fn doc_input(r: &Record) -> DocInput {
    DocInput {
        published: r
            .reference_date
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
        lang: r.lang.as_deref().and_then(|l| l.parse().ok()),
        source_kind: r.source_kind.as_deref().and_then(|k| k.parse().ok()),
        affiliation: r.affiliation.clone(),
        ..DocInput::default()
    }
}

/// One field of one claim, scored.
#[derive(Debug, Clone)]
pub struct FieldVerdict {
    /// The record's id.
    pub id: String,
    /// Its language.
    pub lang: String,
    /// The field (`claim_status`, `perpetrator`, `target`, …).
    pub field: &'static str,
    /// Whether the engine got it right.
    pub right: bool,
    /// The gold value, as text.
    pub gold: String,
    /// The engine's value, as text.
    pub ours: String,
}

/// Every field of every claim record scored: one attack a record (or,
/// for a newsletter's list, several under `expect.events`), each field on
/// the report that tells it (the report nearest the gold place).
fn claim_verdicts(ex: &Extractor, r: &Record) -> Vec<FieldVerdict> {
    let kb = ex.kb();
    let lang = r.lang.clone().unwrap_or_default();
    let id = match &r.id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let out = ex.extract_detailed(&r.text, &doc_input(r));
    let events: Vec<&Value> = match r.expect.get("events").and_then(Value::as_array) {
        Some(list) => list.iter().collect(),
        None => vec![&r.expect],
    };
    let mut verdicts = Vec::new();
    let mut used = vec![false; out.len()];
    for g in events {
        let gold_at = g
            .get("place")
            .and_then(|p| Some((p.get("lat")?.as_f64()?, p.get("lon")?.as_f64()?)));
        let pick = (0..out.len()).filter(|&i| !used[i]).min_by(|&a, &b| {
            let d = |i: usize| match (gold_at, report_place(&out[i])) {
                (Some((la, lo)), Some((pa, po))) => haversine_km(la, lo, pa, po),
                _ => f64::MAX,
            };
            d(a).total_cmp(&d(b)).then(a.cmp(&b))
        });
        if let Some(i) = pick {
            used[i] = true;
        }
        let ours = pick.map(|i| &out[i]);
        let rep = ours.map(|x| &x.report);
        let mut score = |field: &'static str, right: bool, gold: String, ours: String| {
            verdicts.push(FieldVerdict {
                id: id.clone(),
                lang: lang.clone(),
                field,
                right,
                gold,
                ours,
            });
        };
        let text = |v: Option<&Value>| match v {
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => "-".into(),
        };
        score(
            "report_found",
            rep.is_some(),
            "a report".into(),
            rep.map_or("none".into(), |x| x.sub_event_type.as_str().to_string()),
        );
        if let Some(gs) = g.get("claim_status").and_then(Value::as_str) {
            let o = rep.map(|x| x.claim_status.as_str());
            score(
                "claim_status",
                o == Some(gs),
                gs.into(),
                o.unwrap_or("-").into(),
            );
        }
        if let Some(gv) = g.get("perpetrator") {
            let op = ours
                .and_then(|x| x.perpetrator_keys.first())
                .and_then(|k| kb.actor_by_key.get(k).copied());
            let right = match gv {
                Value::String(name) => {
                    let g = kb.resolve_actor(name);
                    g.is_some() && g == op
                }
                _ => op.is_none(),
            };
            score(
                "perpetrator",
                right,
                text(Some(gv)),
                op.map_or("-".into(), |a| kb.actors[a].name.clone()),
            );
        }
        if let Some(gt) = g.get("target") {
            let named: Vec<Option<usize>> = rep
                .map(|x| {
                    x.targets
                        .iter()
                        .filter_map(|a| a.canonical.as_deref())
                        .map(|n| kb.resolve_actor(n))
                        .collect()
                })
                .unwrap_or_default();
            let right = match gt {
                Value::String(name) => {
                    let g = kb.resolve_actor(name);
                    g.is_some() && named.first() == Some(&g)
                }
                // No actor: nothing named (a generic term stays so).
                _ => named.is_empty(),
            };
            let o = rep.map_or("-".into(), |x| {
                x.targets
                    .iter()
                    .map(|a| {
                        a.canonical
                            .clone()
                            .unwrap_or_else(|| format!("({})", a.mention))
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            score("target", right, text(Some(gt)), o);
        }
        if let Some(gm) = g.get("attack_mode").and_then(Value::as_str) {
            let o = rep.and_then(|x| x.attack_mode).map(|m| m.as_str());
            score(
                "attack_mode",
                o == Some(gm),
                gm.into(),
                o.unwrap_or("-").into(),
            );
        }
        if let Some((la, lo)) = gold_at {
            let op = rep.and_then(|x| x.place.as_ref());
            let right = ours
                .and_then(report_place)
                .is_some_and(|(pa, po)| haversine_km(la, lo, pa, po) <= 25.0);
            let gname = g
                .get("place")
                .and_then(|p| p.get("name"))
                .map(|n| text(Some(n)));
            score(
                "place_within_25km",
                right,
                gname.unwrap_or_default(),
                op.map_or("-".into(), |p| {
                    format!(
                        "{} [{:.3}, {:.3}]",
                        p.name,
                        p.lat.unwrap_or(0.0),
                        p.lon.unwrap_or(0.0)
                    )
                }),
            );
        }
        if let Some(gk) = g.get("killed").and_then(Value::as_u64) {
            let ok = rep
                .and_then(|x| x.counts.killed)
                .map_or(0, |c| u64::from(c.value));
            score(
                "killed_exact",
                rep.is_some() && ok == gk,
                gk.to_string(),
                ok.to_string(),
            );
        }
        if let Some(gd) = g.get("date").and_then(Value::as_str) {
            let o = rep.and_then(|x| x.date).map(|d| d.date.to_string());
            score(
                "date_exact",
                o.as_deref() == Some(gd),
                gd.into(),
                o.unwrap_or("-".into()),
            );
        }
    }
    verdicts
}

/// The fields the engine got wrong on the tuning part of a claims file
/// (never the check part: reading its errors to write rules would fit
/// them), for `vigil eval --errors`.
pub fn tuning_errors(
    ex: &Extractor,
    file: &str,
    text: &str,
) -> Result<Vec<FieldVerdict>, EvalError> {
    let records = read_records(file, text)?;
    Ok(records
        .iter()
        .filter(|r| Part::of(&r.id) == Part::Tuning)
        .filter(|r| r.expect.get("claim_status").is_some() || r.expect.get("events").is_some())
        .flat_map(|r| claim_verdicts(ex, r))
        .filter(|v| !v.right)
        .collect())
}

/// Claims: every field's accuracy, overall and per language (`ar_…`,
/// `en_…`), and the share of the five fields an analyst checks first.
fn claims(ex: &Extractor, records: &[Record]) -> Metrics {
    // (language, field) → (right, scored); "" is every language.
    let mut tally: BTreeMap<(String, &str), (usize, usize)> = BTreeMap::new();
    for v in records.iter().flat_map(|r| claim_verdicts(ex, r)) {
        for l in [v.lang.clone(), String::new()] {
            let e = tally.entry((l, v.field)).or_default();
            e.0 += usize::from(v.right);
            e.1 += 1;
        }
    }
    // Field scores are accuracies: "claim_status_accuracy"; place, killed
    // and date keep the names of the other files ("place_within_25km").
    let mut m = Metrics::new();
    for ((lang, field), (right, n)) in &tally {
        let name = match *field {
            "claim_status" | "perpetrator" | "target" | "attack_mode" => {
                format!("{field}_accuracy")
            }
            f => f.to_string(),
        };
        let name = if lang.is_empty() {
            name
        } else {
            format!("{lang}_{name}")
        };
        m.insert(name, ratio(*right, *n));
    }
    let five = [
        "claim_status",
        "perpetrator",
        "target",
        "place_within_25km",
        "killed_exact",
    ];
    let (right, n) = five
        .iter()
        .filter_map(|f| tally.get(&(String::new(), *f)))
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    m.insert("fields_right".into(), ratio(right, n));
    m
}

fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 {
        0.0
    } else {
        n as f64 / d as f64
    }
}

/// The gold place's coordinates: the named place in the named country,
/// the most populous candidate.
fn gold_place(ex: &Extractor, name: &str, country: Option<&str>) -> Option<(f64, f64)> {
    let gaz = ex.gazetteer();
    let iso = country.map(|c| match c.to_ascii_lowercase().as_str() {
        "iraq" => "IQ".to_string(),
        "syria" => "SY".to_string(),
        "turkey" => "TR".to_string(),
        "jordan" => "JO".to_string(),
        "lebanon" => "LB".to_string(),
        other if other.len() == 2 => other.to_ascii_uppercase(),
        _ => String::new(),
    });
    let cands = gaz.lookup(name);
    // Reversed so that among equals (villages without a population) the
    // first, most prominent candidate of `lookup` wins: `max_by_key` keeps
    // the last maximum.
    let pick = cands
        .iter()
        .rev()
        .map(|&i| gaz.place(i))
        .filter(|p| {
            iso.as_deref()
                .is_none_or(|c| c.is_empty() || p.country == c)
        })
        .max_by_key(|p| {
            (
                p.kind != PlaceKind::Country && p.kind != PlaceKind::Province,
                p.population,
            )
        })?;
    Some((pick.lat, pick.lon))
}

fn report_place(e: &Extraction) -> Option<(f64, f64)> {
    let p = e.report.place.as_ref()?;
    Some((p.lat?, p.lon?))
}

/// RAND-style incident records: counts, weapon, perpetrator, place, date.
fn incidents(ex: &Extractor, records: &[Record]) -> Metrics {
    let kb = ex.kb();
    let (mut killed, mut killed1, mut killed_unknown) = (0, 0, 0);
    let (mut injured, mut injured1, mut injured_unknown) = (0, 0, 0);
    let mut weapon = 0;
    let (mut named, mut named_right, mut named_lineage) = (0, 0, 0);
    let (mut unnamed, mut unnamed_wrong) = (0, 0);
    let (mut placed, mut place_right, mut place_name) = (0, 0, 0);
    let (mut dated, mut date_right) = (0, 0);
    let (mut with_report, mut total) = (0, 0);
    for r in records {
        total += 1;
        let input = doc_input(r);
        let out = ex.extract_detailed(&r.text, &input);
        let first = out.first();
        with_report += usize::from(first.is_some());
        let e = &r.expect;
        let count = |f: &dyn Fn(&Extraction) -> Option<u32>| first.and_then(f);
        for (gold, ours, right, within, unknown) in [
            (
                e.get("killed"),
                count(&|x| x.report.counts.killed.map(|c| c.value)),
                &mut killed,
                &mut killed1,
                &mut killed_unknown,
            ),
            (
                e.get("injured"),
                count(&|x| x.report.counts.injured.map(|c| c.value)),
                &mut injured,
                &mut injured1,
                &mut injured_unknown,
            ),
        ] {
            let Some(g) = gold.and_then(Value::as_u64) else {
                continue;
            };
            // A report that states no toll says none died: RAND codes 0.
            let o = u64::from(ours.unwrap_or(0));
            *right += usize::from(o == g);
            *within += usize::from(o.abs_diff(g) <= 1);
            *unknown += usize::from(ours.is_none());
        }
        let ours_weapon = match first {
            Some(x) => x.weapon.clone(),
            None => {
                let t = Text::new(&r.text);
                crate::classify::weapon(kb, &t, &t.sentences, None, &|_| true).0
            }
        };
        if let Some(g) = e.get("weapon").and_then(Value::as_str) {
            weapon += usize::from(g == ours_weapon);
        }
        let gold_actor = e
            .get("perpetrator")
            .and_then(Value::as_str)
            .filter(|p| !p.eq_ignore_ascii_case("unknown"))
            .map(|p| kb.resolve_actor(p));
        let ours_actor = first
            .and_then(|x| x.perpetrator_keys.first())
            .and_then(|k| kb.actor_by_key.get(k).copied());
        match gold_actor {
            Some(g) => {
                named += 1;
                if g.is_some() && g == ours_actor {
                    named_right += 1;
                }
                if let (Some(g), Some(o)) = (g, ours_actor) {
                    if kb.lineage(g).contains(&o) || kb.lineage(o).contains(&g) {
                        named_lineage += 1;
                    }
                }
            }
            None => {
                unnamed += 1;
                unnamed_wrong += usize::from(ours_actor.is_some());
            }
        }
        if let Some(p) = e.get("place") {
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            let country = p.get("country").and_then(Value::as_str);
            if let Some((glat, glon)) = gold_place(ex, name, country) {
                placed += 1;
                if let Some((lat, lon)) = first.and_then(report_place) {
                    place_right += usize::from(haversine_km(glat, glon, lat, lon) <= 25.0);
                }
                let ours_name = first
                    .and_then(|x| x.report.place.as_ref())
                    .map(|p| vigil_text::normalize(&p.name));
                place_name +=
                    usize::from(ours_name.as_deref() == Some(vigil_text::normalize(name).as_str()));
            }
        }
        if let Some(g) = e.get("date").and_then(Value::as_str) {
            dated += 1;
            let ours = first
                .and_then(|x| x.report.date)
                .map(|d| d.date.to_string());
            date_right += usize::from(ours.as_deref() == Some(g));
        }
    }
    BTreeMap::from([
        ("killed_exact".into(), ratio(killed, total)),
        ("killed_within_1".into(), ratio(killed1, total)),
        ("killed_unknown".into(), ratio(killed_unknown, total)),
        ("injured_exact".into(), ratio(injured, total)),
        ("injured_within_1".into(), ratio(injured1, total)),
        ("injured_unknown".into(), ratio(injured_unknown, total)),
        ("weapon_accuracy".into(), ratio(weapon, total)),
        (
            "perpetrator_accuracy".into(),
            ratio(named_right + (unnamed - unnamed_wrong), total),
        ),
        (
            "perpetrator_accuracy_named".into(),
            ratio(named_right, named),
        ),
        (
            "perpetrator_accuracy_named_lineage".into(),
            ratio(named_lineage, named),
        ),
        (
            "perpetrator_false_rate_unnamed".into(),
            ratio(unnamed_wrong, unnamed),
        ),
        ("place_within_25km".into(), ratio(place_right, placed)),
        ("place_name_exact".into(), ratio(place_name, placed)),
        ("place_resolved_gold".into(), ratio(placed, total)),
        ("date_exact".into(), ratio(date_right, dated)),
        ("records_with_report".into(), ratio(with_report, total)),
    ])
}

/// Per-class precision/recall/F1 summaries.
fn f1_scores(pairs: &[(String, String)]) -> (f64, f64, f64) {
    let mut tp: HashMap<&str, usize> = HashMap::new();
    let mut pred: HashMap<&str, usize> = HashMap::new();
    let mut gold: HashMap<&str, usize> = HashMap::new();
    for (g, p) in pairs {
        *gold.entry(g).or_default() += 1;
        *pred.entry(p).or_default() += 1;
        if g == p {
            *tp.entry(g).or_default() += 1;
        }
    }
    let n = pairs.len();
    let accuracy = ratio(tp.values().sum(), n);
    let (mut weighted, mut macro_sum) = (0.0, 0.0);
    for (class, &support) in &gold {
        let t = tp.get(class).copied().unwrap_or(0) as f64;
        let p = pred.get(class).copied().unwrap_or(0) as f64;
        let prec = if p > 0.0 { t / p } else { 0.0 };
        let rec = t / support as f64;
        let f = if prec + rec > 0.0 {
            2.0 * prec * rec / (prec + rec)
        } else {
            0.0
        };
        weighted += f * support as f64;
        macro_sum += f;
    }
    (
        accuracy,
        weighted / n.max(1) as f64,
        macro_sum / gold.len().max(1) as f64,
    )
}

/// CASE 2021 sub-event classification.
fn subtypes(ex: &Extractor, records: &[Record]) -> Metrics {
    let pairs: Vec<(String, String)> = records
        .iter()
        .filter_map(|r| {
            let g = r.expect.get("sub_event_code")?.as_str()?.to_string();
            // Nothing recognized: the catch-all class.
            let p = ex.case_code(&r.text).unwrap_or_else(|| "OTHER".to_string());
            Some((g, p))
        })
        .collect();
    let (accuracy, weighted, macro_f1) = f1_scores(&pairs);
    BTreeMap::from([
        ("subtype_accuracy".into(), accuracy),
        ("subtype_weighted_f1".into(), weighted),
        ("subtype_macro_f1".into(), macro_f1),
    ])
}

/// Gold spans, each checked against the text it claims to cover: where a
/// span's text is not the coded name but the span one character earlier
/// is (GeoVirus's spans are shifted by one), the span is corrected. A
/// scorer must not reward or punish a system for the gold's off-by-one.
fn checked_spans(text: &str, v: &Value, key: &str) -> Vec<(Span, Value)> {
    let chars: Vec<char> = text.chars().collect();
    let slice = |s: usize, e: usize| -> String {
        chars
            .get(s..e)
            .map(|c| c.iter().collect())
            .unwrap_or_default()
    };
    spans_of(v, key)
        .into_iter()
        .map(|(s, g)| {
            let name = g
                .get("name")
                .or_else(|| g.get("text"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !name.is_empty()
                && slice(s.start, s.end) != name
                && s.start > 0
                && slice(s.start - 1, s.end - 1) == name
            {
                (
                    Span {
                        start: s.start - 1,
                        end: s.end - 1,
                    },
                    g,
                )
            } else {
                (s, g)
            }
        })
        .collect()
}

fn spans_of(v: &Value, key: &str) -> Vec<(Span, Value)> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| {
                    let s = x.get("start")?.as_u64()? as usize;
                    let e = x.get("end")?.as_u64()? as usize;
                    Some((Span { start: s, end: e }, x.clone()))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn overlaps(a: Span, b: Span) -> bool {
    a.start < b.end && b.start < a.end
}

/// Toponym recognition and resolution.
fn toponyms(ex: &Extractor, records: &[Record]) -> Metrics {
    let gaz = ex.gazetteer();
    let (mut tp, mut tp_overlap, mut n_pred, mut n_gold) = (0usize, 0usize, 0usize, 0usize);
    let mut dists: Vec<f64> = Vec::new();
    for r in records {
        let mut gold = checked_spans(&r.text, &r.expect, "toponyms");
        // The same span coded twice counts once.
        gold.sort_by_key(|(s, _)| (s.start, s.end));
        gold.dedup_by_key(|(s, _)| (s.start, s.end));
        let ours = ex.places(&r.text, &doc_input(r));
        n_pred += ours.len();
        n_gold += gold.len();
        for (span, place, _) in &ours {
            if let Some((_, g)) = gold.iter().find(|(gs, _)| gs == span) {
                tp += 1;
                let (Some(glat), Some(glon)) = (
                    g.get("lat").and_then(Value::as_f64),
                    g.get("lon").and_then(Value::as_f64),
                ) else {
                    continue;
                };
                let p = gaz.place(*place);
                dists.push(haversine_km(glat, glon, p.lat, p.lon));
            }
            if gold.iter().any(|(gs, _)| overlaps(*gs, *span)) {
                tp_overlap += 1;
            }
        }
    }
    let f1 = |tp: usize| {
        let p = ratio(tp, n_pred);
        let r = ratio(tp, n_gold);
        (
            p,
            r,
            if p + r > 0.0 {
                2.0 * p * r / (p + r)
            } else {
                0.0
            },
        )
    };
    let (p, rec, f) = f1(tp);
    let (po, ro, fo) = f1(tp_overlap.min(n_gold));
    dists.sort_by(f64::total_cmp);
    let median = dists.get(dists.len() / 2).copied().unwrap_or(0.0);
    BTreeMap::from([
        ("toponym_precision".into(), p),
        ("toponym_recall".into(), rec),
        ("toponym_f1".into(), f),
        ("toponym_precision_overlap".into(), po),
        ("toponym_recall_overlap".into(), ro),
        ("toponym_f1_overlap".into(), fo),
        (
            "toponym_within_161km".into(),
            ratio(dists.iter().filter(|d| **d <= 161.0).count(), dists.len()),
        ),
        ("toponym_median_km".into(), median),
    ])
}

/// Entity spans of the types Vigil extracts: armed groups and forces
/// (organisations) and places.
fn entities(ex: &Extractor, records: &[Record]) -> Metrics {
    let kb = ex.kb();
    let kind = |t: &str| match t {
        "Location" | "GPE" | "LOC" => Some("place"),
        "Organisation" | "ORG" => Some("organisation"),
        _ => None,
    };
    let mut stats: HashMap<&str, (usize, usize, usize)> = HashMap::new();
    for r in records {
        let gold: Vec<(Span, &str)> = checked_spans(&r.text, &r.expect, "entities")
            .into_iter()
            .filter_map(|(s, v)| Some((s, kind(v.get("type")?.as_str()?)?)))
            .collect();
        let mut ours: Vec<(Span, &str)> = ex
            .places(&r.text, &doc_input(r))
            .into_iter()
            .map(|(s, _, _)| (s, "place"))
            .collect();
        let t = Text::new(&r.text);
        ours.extend(
            kb.actor_names
                .find(&t, 0..t.tokens.len())
                .into_iter()
                .map(|h| (t.span(h.start, h.end), "organisation")),
        );
        for k in ["place", "organisation"] {
            let e = stats.entry(k).or_default();
            let g: Vec<Span> = gold.iter().filter(|x| x.1 == k).map(|x| x.0).collect();
            let o: Vec<Span> = ours.iter().filter(|x| x.1 == k).map(|x| x.0).collect();
            e.0 += o.iter().filter(|s| g.contains(s)).count();
            e.1 += o.len();
            e.2 += g.len();
        }
    }
    let f = |(tp, p, g): (usize, usize, usize)| {
        let (pr, rc) = (ratio(tp, p), ratio(tp, g));
        if pr + rc > 0.0 {
            2.0 * pr * rc / (pr + rc)
        } else {
            0.0
        }
    };
    let total = stats
        .values()
        .fold((0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
    BTreeMap::from([
        ("entity_f1".into(), f(total)),
        (
            "entity_f1_place".into(),
            f(stats.get("place").copied().unwrap_or_default()),
        ),
        (
            "entity_f1_organisation".into(),
            f(stats.get("organisation").copied().unwrap_or_default()),
        ),
    ])
}

/// The place of a text: its first report's, else its first local place.
fn text_place(ex: &Extractor, text: &str, input: &DocInput) -> Option<(f64, f64)> {
    let out = ex.extract_detailed(text, input);
    if let Some(p) = out.first().and_then(report_place) {
        return Some(p);
    }
    let gaz = ex.gazetteer();
    let places = ex.places(text, input);
    let pick = places
        .iter()
        .find(|(_, p, _)| crate::places::is_local(gaz.place(*p).kind))
        .or_else(|| places.first())?;
    let p = gaz.place(pick.1);
    Some((p.lat, p.lon))
}

fn text_weapon(ex: &Extractor, text: &str, input: &DocInput) -> String {
    match ex.extract_detailed(text, input).first() {
        Some(x) => x.weapon.clone(),
        None => {
            let t = Text::new(text);
            crate::classify::weapon(ex.kb(), &t, &t.sentences, None, &|_| true).0
        }
    }
}

/// Whether the coders gave the incident a place name.
fn gold_names_place(r: &Record) -> bool {
    r.expect
        .get("place")
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str)
        .is_some_and(|n| !n.trim().is_empty())
}

/// The same incident told in Arabic and English.
fn parity(ex: &Extractor, records: &[Record]) -> Metrics {
    let (mut agree, mut agree_both, mut both) = (0, 0, 0);
    let (mut ar_ok, mut en_ok, mut coded) = (0, 0, 0);
    let (mut ar_w, mut en_w, mut weapons) = (0, 0, 0);
    for r in records {
        let input = doc_input(r);
        let en = r.text_en.as_deref().unwrap_or_default();
        let ar_place = text_place(ex, &r.text, &input);
        let en_place = text_place(ex, en, &input);
        match (ar_place, en_place) {
            (Some(a), Some(b)) => {
                both += 1;
                let near = usize::from(haversine_km(a.0, a.1, b.0, b.1) <= 25.0);
                agree += near;
                agree_both += near;
            }
            // Neither text names a place: they agree only when the coders
            // found none either; a place both texts miss is a miss.
            (None, None) if !gold_names_place(r) => agree += 1,
            _ => {}
        }
        let gold = r.expect.get("place");
        if let (Some(lat), Some(lon)) = (
            gold.and_then(|p| p.get("lat")).and_then(Value::as_f64),
            gold.and_then(|p| p.get("lon")).and_then(Value::as_f64),
        ) {
            coded += 1;
            ar_ok +=
                usize::from(ar_place.is_some_and(|a| haversine_km(a.0, a.1, lat, lon) <= 25.0));
            en_ok +=
                usize::from(en_place.is_some_and(|a| haversine_km(a.0, a.1, lat, lon) <= 25.0));
        }
        if let Some(w) = r.expect.get("weapon").and_then(Value::as_str) {
            weapons += 1;
            ar_w += usize::from(text_weapon(ex, &r.text, &input) == w);
            en_w += usize::from(text_weapon(ex, en, &input) == w);
        }
    }
    BTreeMap::from([
        ("parity_place_agree".into(), ratio(agree, records.len())),
        (
            "parity_place_agree_when_both".into(),
            ratio(agree_both, both),
        ),
        ("ar_place_within_25km".into(), ratio(ar_ok, coded)),
        ("en_place_within_25km".into(), ratio(en_ok, coded)),
        ("ar_weapon_accuracy".into(), ratio(ar_w, weapons)),
        ("en_weapon_accuracy".into(), ratio(en_w, weapons)),
    ])
}
