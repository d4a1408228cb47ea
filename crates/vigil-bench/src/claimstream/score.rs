//! Scoring a store built from a generated stream against its truth.
//!
//! The weekly counts and the surge verdicts come from the `vigil` binary
//! (`vigil tally --measure claims --json`, `vigil surge --json`), so that
//! what is scored is what an analyst sees. What the binary does not print
//! (which document became a copy of which, which report went into which
//! incident) is read from the store file with SQLite, read-only.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use chrono::{Duration, NaiveDate};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use serde_json::Value;
use vigil_geo::haversine_km;

use super::truth::{Attack, Doc, DocKind, Truth};

/// Where the stream, the store and the binary are.
#[derive(Debug, Clone)]
pub struct ScoreOptions {
    /// The stream's directory (holding truth.json).
    pub dir: PathBuf,
    /// The store's data directory (`vigil --data-dir`).
    pub store: PathBuf,
    /// The `vigil` binary.
    pub vigil: PathBuf,
}

/// A place within this distance of the attack's is right.
const PLACE_KM: f64 = 25.0;

/// The score of one stream.
#[derive(Debug, Clone, Serialize)]
pub struct Score {
    /// The stream's seed, shape and registration.
    pub stream: StreamInfo,
    /// Claimed attacks on the counted target per week.
    pub weekly: Weekly,
    /// Surge verdicts.
    pub surge: SurgeScore,
    /// Documents stored as publications and copies.
    pub documents: Documents,
    /// Pairwise linking of the reports of each attack.
    pub linking: Linking,
    /// The official claims' reports, field by field.
    pub extraction: Extraction,
    /// Where the counted attacks were lost, step by step.
    pub funnel: Funnel,
    /// Weekly counts exact, the surge weeks and no other flagged, linking
    /// precision ≥ 0.97 and recall ≥ 0.95.
    pub pass: bool,
}

/// The stream scored.
#[derive(Debug, Clone, Serialize)]
pub struct StreamInfo {
    pub dir: String,
    pub seed: u64,
    pub weeks: Vec<u32>,
    pub start: NaiveDate,
    pub week_start: String,
    pub holdout: bool,
    /// The official channel's registered kind.
    pub registration: String,
}

/// Weekly counts against the truth.
#[derive(Debug, Clone, Serialize)]
pub struct Weekly {
    pub truth: Vec<u32>,
    pub vigil: Vec<u64>,
    pub exact: bool,
    /// Sum over weeks of |vigil - truth|.
    pub abs_error: u64,
    /// "tally", or how they were counted when `vigil tally` refused the
    /// week start.
    pub via: String,
    /// What went wrong, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Surge verdicts against the truth.
#[derive(Debug, Clone, Serialize)]
pub struct SurgeScore {
    /// Weeks (index from 0) that should be flagged.
    pub expected: Vec<usize>,
    /// Weeks flagged, among those tested.
    pub flagged: Vec<usize>,
    /// Weeks tested (those with a full baseline inside the stream).
    pub tested: Vec<usize>,
    /// Flagged = expected.
    pub ok: bool,
    pub via: String,
}

/// How the generated documents were stored.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Documents {
    pub generated: usize,
    pub publications: usize,
    pub copies: usize,
    /// Neither a document nor a copy of one: dropped without a trace.
    pub absent: usize,
    /// Distinct posts (claims, translations, wire items, newsletters,
    /// noise) stored as copies of another or not at all: lost.
    pub publications_lost: usize,
    /// The same, official claims only.
    pub claims_lost: usize,
    /// Forwards and reposts stored as publications (DESIGN.md: copies).
    pub copies_kept_as_publications: usize,
    /// Forwards and reposts stored as copies of a post other than the one
    /// they copy.
    pub copies_of_the_wrong_post: usize,
    /// By kind: [generated, publication, copy, absent].
    pub by_kind: BTreeMap<String, [usize; 4]>,
}

/// Pairwise linking precision and recall.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Linking {
    /// (document, attack) items, noise documents included.
    pub items: usize,
    /// Pairs of items that report one attack.
    pub true_pairs: u64,
    /// Pairs of items sharing an incident.
    pub predicted_pairs: u64,
    /// Both.
    pub correct_pairs: u64,
    /// correct / predicted (1 when nothing was linked).
    pub precision: f64,
    /// correct / true.
    pub recall: f64,
    /// By the kinds of the two documents ("claim+wire"): pairs that
    /// report one attack, of those the ones linked, and pairs linked that
    /// report different attacks.
    pub by_kinds: BTreeMap<String, PairCounts>,
}

/// Pairs of items of two kinds of document.
#[derive(Debug, Clone, Copy, Serialize, Default, PartialEq, Eq)]
pub struct PairCounts {
    /// Report one attack.
    pub true_pairs: u64,
    /// Report one attack and share an incident.
    pub linked: u64,
    /// Report different attacks (or none) and share an incident.
    pub wrongly_linked: u64,
}

/// Field accuracy of the official claims' reports.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Extraction {
    /// Official claims stored as publications.
    pub claims: usize,
    /// Of those, with one report or more.
    pub with_report: usize,
    /// Fractions of `claims` whose report has the field right.
    pub claimed: f64,
    pub perpetrator: f64,
    pub target: f64,
    pub date: f64,
    pub place_25km: f64,
    pub attack_mode: f64,
    pub killed: f64,
    /// Translations and wire items with one report or more, of those
    /// stored as publications.
    pub translations_with_report: [usize; 2],
    pub wire_with_report: [usize; 2],
    /// Noise documents that yielded a report.
    pub noise_with_report: usize,
}

/// Counted attacks, step by step, and the incidents counted.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Funnel {
    /// Attacks on the counted target.
    pub attacks: usize,
    /// Whose official claim is stored as a publication.
    pub claim_stored: usize,
    /// Whose claim has a report.
    pub claim_reported: usize,
    /// Whose claim's report is claimed, names the target and has the
    /// attack's day.
    pub claim_report_right: usize,
    /// That some counted incident holds (a report of one of its
    /// documents), in the attack's week.
    pub counted_in_its_week: usize,
    /// Incidents counted as claimed attacks on the target (status
    /// claim_only or corroborated, target facet) in the stream's weeks.
    pub counted_incidents: usize,
    /// Of those: holding reports of exactly one counted attack.
    pub one_attack: usize,
    /// Holding reports of several attacks (merged).
    pub merged: usize,
    /// Holding reports of no counted attack (another target's attack, a
    /// newsletter alone, noise).
    pub spurious: usize,
    /// Counted attacks held by two or more counted incidents (split).
    pub split_attacks: usize,
}

/// Runs `vigil --data-dir STORE ARGS`, returning stdout or the error.
fn vigil(opts: &ScoreOptions, args: &[&str]) -> Result<String, String> {
    let out = Command::new(&opts.vigil)
        .arg("--data-dir")
        .arg(&opts.store)
        .args(args)
        .env_remove("VIGIL_DATA_DIR")
        .env_remove("RUST_LOG")
        .output()
        .map_err(|e| format!("running {}: {e}", opts.vigil.display()))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!("vigil {}: {}", args.join(" "), err.trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Loads a stream's truth.
pub fn load_truth(dir: &Path) -> Result<Truth> {
    let path = dir.join("truth.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{}: not a claim-stream truth", path.display()))
}

/// `vigil source import`, `ingest` (each channel's folder), `extract`,
/// `link` into the store; returns the ingest summary.
pub fn run_pipeline(opts: &ScoreOptions) -> Result<Value> {
    let truth = load_truth(&opts.dir)?;
    let run = |args: Vec<String>| -> Result<String> {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        vigil(opts, &refs).map_err(anyhow::Error::msg)
    };
    let path = |p: PathBuf| p.display().to_string();
    run(vec![
        "--quiet".into(),
        "source".into(),
        "import".into(),
        path(opts.dir.join("sources.toml")),
    ])?;
    let mut ingest = vec!["--json".into(), "ingest".into()];
    let dirs: BTreeSet<String> = truth
        .channels
        .iter()
        .filter_map(|c| c.file.split('/').next().map(str::to_string))
        .collect();
    for d in dirs {
        ingest.push(path(opts.dir.join(d)));
    }
    let summary = run(ingest)?;
    run(vec!["--quiet".into(), "extract".into()])?;
    run(vec!["--quiet".into(), "link".into()])?;
    serde_json::from_str(&summary).context("vigil ingest --json printed no JSON")
}

/// Where a generated document ended up.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Stored {
    Publication(i64),
    Copy(i64),
    Absent,
}

/// A stored report, the fields scored.
#[derive(Debug, Clone)]
struct Report {
    id: i64,
    date: Option<NaiveDate>,
    lat: Option<f64>,
    lon: Option<f64>,
    claimed: bool,
    perpetrators: Vec<String>,
    targets: Vec<String>,
    attack_mode: Option<String>,
    killed: Option<u64>,
}

/// What the scorer reads from the store.
struct StoreView {
    stored: HashMap<String, Stored>,
    reports: HashMap<i64, Vec<Report>>,
    incident_of: HashMap<i64, i64>,
    counted_incidents: BTreeMap<i64, Option<NaiveDate>>,
}

fn read_store(opts: &ScoreOptions, truth: &Truth) -> Result<StoreView> {
    let path = opts.store.join("vigil.sqlite");
    let db = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("opening {}", path.display()))?;
    let mut sources: HashMap<String, i64> = HashMap::new();
    let mut st = db.prepare("SELECT id, name FROM sources")?;
    for r in st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (id, name) = r?;
        sources.insert(name.to_lowercase(), id);
    }
    let mut docs: HashMap<(i64, String), i64> = HashMap::new();
    let mut st = db.prepare(
        "SELECT id, source_id, external_id FROM documents WHERE external_id IS NOT NULL",
    )?;
    for r in st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (id, src, ext) = r?;
        docs.insert((src, ext), id);
    }
    let mut copies: HashMap<(i64, String), i64> = HashMap::new();
    let has_copies: bool = db
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'document_copies'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)?;
    if has_copies {
        let mut st = db.prepare(
            "SELECT document_id, source_id, external_id FROM document_copies WHERE external_id IS NOT NULL",
        )?;
        for r in st.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })? {
            let (doc, src, ext) = r?;
            copies.insert((src, ext), doc);
        }
    }
    let mut stored = HashMap::new();
    for d in &truth.documents {
        let s = match sources.get(&d.source.to_lowercase()) {
            None => Stored::Absent,
            Some(&src) => {
                let key = (src, d.id.clone());
                match (docs.get(&key), copies.get(&key)) {
                    (Some(&id), _) => Stored::Publication(id),
                    (None, Some(&of)) => Stored::Copy(of),
                    (None, None) => Stored::Absent,
                }
            }
        };
        stored.insert(d.key.clone(), s);
    }
    let mut reports: HashMap<i64, Vec<Report>> = HashMap::new();
    let mut st = db.prepare("SELECT id, document_id, body FROM event_reports")?;
    for r in st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (id, doc, body) = r?;
        let v: Value = serde_json::from_str(&body)
            .with_context(|| format!("report {id}: body is not JSON"))?;
        let names = |field: &str| -> Vec<String> {
            v[field]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a["canonical"].as_str().map(str::to_string))
                .collect()
        };
        reports.entry(doc).or_default().push(Report {
            id,
            date: v["date"]["date"].as_str().and_then(|d| d.parse().ok()),
            lat: v["place"]["lat"].as_f64(),
            lon: v["place"]["lon"].as_f64(),
            claimed: v["claim_status"].as_str() == Some("claimed"),
            perpetrators: names("perpetrators"),
            targets: names("targets"),
            attack_mode: v["attack_mode"].as_str().map(str::to_string),
            killed: v["counts"]["killed"]["value"].as_u64(),
        });
    }
    let mut incident_of = HashMap::new();
    let mut st = db.prepare("SELECT incident_id, report_id FROM incident_reports")?;
    for r in st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
        let (inc, rep) = r?;
        incident_of.insert(rep, inc);
    }
    let mut counted_incidents = BTreeMap::new();
    let mut st = db.prepare(
        "SELECT i.id, i.event_date FROM incidents i
          WHERE i.status IN ('claim_only', 'corroborated')
            AND EXISTS (SELECT 1 FROM incident_facets f
                         WHERE f.incident_id = i.id AND f.dimension = 'target'
                           AND f.value = ?1 COLLATE NOCASE)",
    )?;
    let first = truth.generator.start;
    let last = first + Duration::days(7 * truth.weekly_claimed.len() as i64 - 1);
    for r in st.query_map([&truth.counted_target], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?))
    })? {
        let (id, date) = r?;
        let date: Option<NaiveDate> = date.and_then(|d| d.parse().ok());
        if date.is_some_and(|d| d >= first && d <= last) {
            counted_incidents.insert(id, date);
        }
    }
    Ok(StoreView {
        stored,
        reports,
        incident_of,
        counted_incidents,
    })
}

/// How well a report fits an attack, to tell the attacks of a
/// many-attack document apart.
fn fit(r: &Report, a: &Attack) -> i32 {
    let mut s = 0;
    if r.date == Some(a.day) {
        s += 2;
    } else if r.date.is_some_and(|d| (d - a.day).num_days().abs() <= 1) {
        s += 1;
    }
    if let (Some(lat), Some(lon)) = (r.lat, r.lon) {
        if haversine_km(lat, lon, a.place.lat, a.place.lon) <= PLACE_KM {
            s += 2;
        }
    }
    if r.killed.is_some() && r.killed == a.killed.map(u64::from) {
        s += 1;
    }
    s
}

/// The reports of a document that tell attack `attack` (all of them when
/// it tells one attack).
fn reports_for<'v>(
    view: &'v StoreView,
    doc: &Doc,
    attack: &str,
    attacks: &HashMap<&str, &Attack>,
) -> Vec<&'v Report> {
    let id = match view.stored.get(&doc.key) {
        Some(Stored::Publication(id) | Stored::Copy(id)) => *id,
        _ => return Vec::new(),
    };
    let all: Vec<&Report> = view
        .reports
        .get(&id)
        .map(|v| v.iter().collect())
        .unwrap_or_default();
    if doc.attacks.len() <= 1 {
        return all;
    }
    all.into_iter()
        .filter(|r| {
            let best = doc
                .attacks
                .iter()
                .max_by_key(|a| (fit(r, attacks[a.as_str()]), std::cmp::Reverse(a.as_str())))
                .expect("attacks");
            best == attack
        })
        .collect()
}

/// Scores the store against the stream's truth.
pub fn score(opts: &ScoreOptions) -> Result<Score> {
    let truth = load_truth(&opts.dir)?;
    let view = read_store(opts, &truth)?;
    let attacks: HashMap<&str, &Attack> =
        truth.attacks.iter().map(|a| (a.id.as_str(), a)).collect();
    let weekly = weekly(opts, &truth)?;
    let surge = surge(opts, &truth, &weekly)?;
    let documents = documents(&truth, &view);
    let linking = linking(&truth, &view, &attacks);
    let extraction = extraction(&truth, &view, &attacks);
    let funnel = funnel(&truth, &view, &attacks);
    let official = truth.channels.iter().find(|c| c.key == "official");
    let pass = weekly.exact && surge.ok && linking.precision >= 0.97 && linking.recall >= 0.95;
    Ok(Score {
        stream: StreamInfo {
            dir: opts.dir.display().to_string(),
            seed: truth.generator.seed,
            weeks: truth.generator.weeks.clone(),
            start: truth.generator.start,
            week_start: truth.week_start.clone(),
            holdout: truth.generator.holdout,
            registration: official.map_or("?".into(), |c| c.kind.clone()),
        },
        weekly,
        surge,
        documents,
        linking,
        extraction,
        funnel,
        pass,
    })
}

fn weekly(opts: &ScoreOptions, truth: &Truth) -> Result<Weekly> {
    let n = truth.weekly_claimed.len();
    let from = truth.generator.start;
    let to = from + Duration::days(7 * n as i64 - 1);
    let (from_s, to_s) = (from.to_string(), to.to_string());
    let tally = vigil(
        opts,
        &[
            "--json",
            "tally",
            "--measure",
            "claims",
            "--target",
            &truth.counted_target,
            "--week-start",
            &truth.week_start,
            "--from",
            &from_s,
            "--to",
            &to_s,
        ],
    );
    let (counts, via, note) = match tally {
        Ok(out) => {
            let v: Value =
                serde_json::from_str(&out).context("vigil tally --json printed no JSON")?;
            let series = v
                .as_array()
                .and_then(|s| s.iter().find(|s| s["key"].is_null()))
                .context("vigil tally --json: no series")?;
            let mut counts = vec![0u64; n];
            for w in series["weeks"].as_array().into_iter().flatten() {
                let start: Option<NaiveDate> = w["start"].as_str().and_then(|s| s.parse().ok());
                if let Some(s) = start {
                    let i = (s - from).num_days() / 7;
                    if (0..n as i64).contains(&i) {
                        counts[i as usize] = w["value"].as_u64().unwrap_or(0);
                    }
                }
            }
            (counts, "tally".to_string(), None)
        }
        Err(refused) => {
            // The week start is not one `vigil tally` takes (main takes
            // monday and saturday): count the same incidents by the
            // stream's weeks from `vigil incidents`.
            let out = vigil(
                opts,
                &[
                    "--json",
                    "incidents",
                    "--target",
                    &truth.counted_target,
                    "--status",
                    "claim_only",
                    "--status",
                    "corroborated",
                    "--since",
                    &from_s,
                    "--until",
                    &to_s,
                    "--limit",
                    "1000000",
                ],
            )
            .map_err(anyhow::Error::msg)?;
            let v: Value =
                serde_json::from_str(&out).context("vigil incidents --json printed no JSON")?;
            let mut counts = vec![0u64; n];
            for inc in v.as_array().into_iter().flatten() {
                let day: Option<NaiveDate> =
                    inc["date"]["date"].as_str().and_then(|s| s.parse().ok());
                if let Some(d) = day {
                    let i = (d - from).num_days() / 7;
                    if (0..n as i64).contains(&i) {
                        counts[i as usize] += 1;
                    }
                }
            }
            (counts, "incidents".to_string(), Some(refused))
        }
    };
    let abs_error = counts
        .iter()
        .zip(&truth.weekly_claimed)
        .map(|(v, t)| v.abs_diff(u64::from(*t)))
        .sum();
    Ok(Weekly {
        exact: abs_error == 0,
        truth: truth.weekly_claimed.clone(),
        vigil: counts,
        abs_error,
        via,
        note,
    })
}

fn surge(opts: &ScoreOptions, truth: &Truth, weekly: &Weekly) -> Result<SurgeScore> {
    let mut flagged = Vec::new();
    let mut via = "surge".to_string();
    for &w in &truth.testable_weeks {
        let day = (truth.generator.start + Duration::days(7 * w as i64)).to_string();
        let store = vigil(
            opts,
            &[
                "--json",
                "surge",
                "--measure",
                "claims",
                "--target",
                &truth.counted_target,
                "--week",
                &day,
                "--week-start",
                &truth.week_start,
                "--all",
            ],
        );
        let hit = match store {
            Ok(out) => {
                let v: Value =
                    serde_json::from_str(&out).context("vigil surge --json printed no JSON")?;
                v.as_array()
                    .into_iter()
                    .flatten()
                    .any(|s| s["surge"].as_bool() == Some(true))
            }
            Err(_) => {
                // As for the tally: the week start refused, the weekly
                // counts of the scorer go through `vigil surge --counts`.
                via = "surge --counts".into();
                let series: Vec<String> = weekly.vigil[w - truth.baseline_weeks..=w]
                    .iter()
                    .map(u64::to_string)
                    .collect();
                let baseline = truth.baseline_weeks.to_string();
                let out = vigil(
                    opts,
                    &[
                        "--json",
                        "surge",
                        "--baseline-weeks",
                        &baseline,
                        "--counts",
                        &series.join(","),
                    ],
                )
                .map_err(anyhow::Error::msg)?;
                let v: Value =
                    serde_json::from_str(&out).context("vigil surge --json printed no JSON")?;
                v.as_array()
                    .into_iter()
                    .flatten()
                    .any(|t| t["surge"].as_bool() == Some(true))
            }
        };
        if hit {
            flagged.push(w);
        }
    }
    Ok(SurgeScore {
        ok: flagged == truth.surge_weeks,
        expected: truth.surge_weeks.clone(),
        flagged,
        tested: truth.testable_weeks.clone(),
        via,
    })
}

fn documents(truth: &Truth, view: &StoreView) -> Documents {
    let mut d = Documents {
        generated: truth.documents.len(),
        ..Documents::default()
    };
    for k in DocKind::ALL {
        d.by_kind.insert(k.as_str().to_string(), [0; 4]);
    }
    let stored_id = |key: &str| match view.stored.get(key) {
        Some(Stored::Publication(id) | Stored::Copy(id)) => Some(*id),
        _ => None,
    };
    for doc in &truth.documents {
        let s = view.stored.get(&doc.key).copied().unwrap_or(Stored::Absent);
        let row = d.by_kind.get_mut(doc.kind.as_str()).expect("every kind");
        row[0] += 1;
        match s {
            Stored::Publication(_) => {
                d.publications += 1;
                row[1] += 1;
                if doc.kind.is_copy() {
                    d.copies_kept_as_publications += 1;
                }
            }
            Stored::Copy(of) => {
                d.copies += 1;
                row[2] += 1;
                if doc.kind.is_copy() {
                    let original = doc.original.as_deref().and_then(stored_id);
                    if original != Some(of) {
                        d.copies_of_the_wrong_post += 1;
                    }
                }
            }
            Stored::Absent => {
                d.absent += 1;
                row[3] += 1;
            }
        }
        if !doc.kind.is_copy() && !matches!(s, Stored::Publication(_)) {
            d.publications_lost += 1;
            if doc.kind == DocKind::Claim {
                d.claims_lost += 1;
            }
        }
    }
    d
}

fn linking(truth: &Truth, view: &StoreView, attacks: &HashMap<&str, &Attack>) -> Linking {
    // (attack, incidents, kind) per item; noise items have no attack.
    let mut items: Vec<(Option<&str>, HashSet<i64>, DocKind)> = Vec::new();
    for doc in &truth.documents {
        let incidents_of = |reports: Vec<&Report>| -> HashSet<i64> {
            reports
                .iter()
                .filter_map(|r| view.incident_of.get(&r.id).copied())
                .collect()
        };
        if doc.attacks.is_empty() {
            let reports = reports_for(view, doc, "", attacks);
            items.push((None, incidents_of(reports), doc.kind));
            continue;
        }
        for a in &doc.attacks {
            let reports = reports_for(view, doc, a, attacks);
            items.push((Some(a.as_str()), incidents_of(reports), doc.kind));
        }
    }
    let mut l = Linking {
        items: items.len(),
        ..Linking::default()
    };
    for i in 0..items.len() {
        for j in i + 1..items.len() {
            let same = items[i].0.is_some() && items[i].0 == items[j].0;
            let linked = !items[i].1.is_disjoint(&items[j].1);
            l.true_pairs += u64::from(same);
            l.predicted_pairs += u64::from(linked);
            l.correct_pairs += u64::from(same && linked);
            if same || linked {
                let (a, b) = (items[i].2.min(items[j].2), items[i].2.max(items[j].2));
                let c = l
                    .by_kinds
                    .entry(format!("{}+{}", a.as_str(), b.as_str()))
                    .or_default();
                c.true_pairs += u64::from(same);
                c.linked += u64::from(same && linked);
                c.wrongly_linked += u64::from(!same && linked);
            }
        }
    }
    l.precision = if l.predicted_pairs == 0 {
        1.0
    } else {
        l.correct_pairs as f64 / l.predicted_pairs as f64
    };
    l.recall = if l.true_pairs == 0 {
        1.0
    } else {
        l.correct_pairs as f64 / l.true_pairs as f64
    };
    l
}

/// The report of a claim that fits its attack best.
fn best_report<'v>(
    view: &'v StoreView,
    doc: &Doc,
    a: &Attack,
    attacks: &HashMap<&str, &Attack>,
) -> Option<&'v Report> {
    reports_for(view, doc, &a.id, attacks)
        .into_iter()
        .max_by_key(|r| fit(r, a))
}

fn extraction(truth: &Truth, view: &StoreView, attacks: &HashMap<&str, &Attack>) -> Extraction {
    let mut e = Extraction::default();
    let mut right = [0usize; 7];
    for doc in &truth.documents {
        let published = matches!(view.stored.get(&doc.key), Some(Stored::Publication(_)));
        let has_report = || matches!(view.stored.get(&doc.key), Some(Stored::Publication(id)) if view.reports.get(id).is_some_and(|r| !r.is_empty()));
        match doc.kind {
            DocKind::Translation if published => {
                e.translations_with_report[1] += 1;
                e.translations_with_report[0] += usize::from(has_report());
            }
            DocKind::Wire if published => {
                e.wire_with_report[1] += 1;
                e.wire_with_report[0] += usize::from(has_report());
            }
            DocKind::Noise => e.noise_with_report += usize::from(has_report()),
            DocKind::Claim if published => {
                e.claims += 1;
                let a = attacks[doc.attacks[0].as_str()];
                let Some(r) = best_report(view, doc, a, attacks) else {
                    continue;
                };
                e.with_report += 1;
                let near = match (r.lat, r.lon) {
                    (Some(lat), Some(lon)) => {
                        haversine_km(lat, lon, a.place.lat, a.place.lon) <= PLACE_KM
                    }
                    _ => false,
                };
                let checks = [
                    r.claimed,
                    r.perpetrators.iter().any(|p| p == "Islamic State"),
                    r.targets.contains(&a.target),
                    r.date == Some(a.day),
                    near,
                    r.attack_mode.as_deref() == Some(a.attack_mode.as_str()),
                    r.killed == a.killed.map(u64::from),
                ];
                for (n, ok) in checks.iter().enumerate() {
                    right[n] += usize::from(*ok);
                }
            }
            _ => {}
        }
    }
    let frac = |n: usize| {
        if e.claims == 0 {
            0.0
        } else {
            n as f64 / e.claims as f64
        }
    };
    e.claimed = frac(right[0]);
    e.perpetrator = frac(right[1]);
    e.target = frac(right[2]);
    e.date = frac(right[3]);
    e.place_25km = frac(right[4]);
    e.attack_mode = frac(right[5]);
    e.killed = frac(right[6]);
    e
}

fn funnel(truth: &Truth, view: &StoreView, attacks: &HashMap<&str, &Attack>) -> Funnel {
    let mut f = Funnel::default();
    // Counted incident → the counted attacks whose documents' reports it
    // holds.
    let mut holds: BTreeMap<i64, BTreeSet<&str>> = view
        .counted_incidents
        .keys()
        .map(|&i| (i, BTreeSet::new()))
        .collect();
    let mut incidents_of_attack: HashMap<&str, BTreeSet<i64>> = HashMap::new();
    for doc in &truth.documents {
        for a in &doc.attacks {
            if !attacks[a.as_str()].counted {
                continue;
            }
            for r in reports_for(view, doc, a, attacks) {
                if let Some(inc) = view.incident_of.get(&r.id) {
                    if let Some(set) = holds.get_mut(inc) {
                        set.insert(a.as_str());
                        incidents_of_attack
                            .entry(a.as_str())
                            .or_default()
                            .insert(*inc);
                    }
                }
            }
        }
    }
    f.counted_incidents = holds.len();
    for set in holds.values() {
        match set.len() {
            0 => f.spurious += 1,
            1 => f.one_attack += 1,
            _ => f.merged += 1,
        }
    }
    for a in truth.attacks.iter().filter(|a| a.counted) {
        f.attacks += 1;
        let claim = truth
            .documents
            .iter()
            .find(|d| d.kind == DocKind::Claim && d.attacks.first() == Some(&a.id));
        if let Some(doc) = claim {
            if matches!(view.stored.get(&doc.key), Some(Stored::Publication(_))) {
                f.claim_stored += 1;
                if let Some(r) = best_report(view, doc, a, attacks) {
                    f.claim_reported += 1;
                    if r.claimed && r.targets.contains(&a.target) && r.date == Some(a.day) {
                        f.claim_report_right += 1;
                    }
                }
            }
        }
        let incs = incidents_of_attack.get(a.id.as_str());
        if incs.is_some_and(|s| s.len() > 1) {
            f.split_attacks += 1;
        }
        let week_end = a.week_start + Duration::days(6);
        if incs
            .into_iter()
            .flatten()
            .any(|i| view.counted_incidents[i].is_some_and(|d| d >= a.week_start && d <= week_end))
        {
            f.counted_in_its_week += 1;
        }
    }
    f
}

/// Checks the options point at what they should.
pub fn check(opts: &ScoreOptions) -> Result<()> {
    if !opts.dir.join("truth.json").exists() {
        bail!(
            "{}: no truth.json; write a stream with `vigil-bench claimstream --out DIR` first",
            opts.dir.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    use crate::claimstream::truth::{GeneratorInfo, PlaceTruth};

    fn attack(id: &str, day: u32, lon: f64) -> Attack {
        let day = NaiveDate::from_ymd_opt(2019, 10, day).unwrap();
        Attack {
            id: id.into(),
            day,
            local_time: "20:00".into(),
            week: 0,
            week_start: NaiveDate::from_ymd_opt(2019, 10, 9).unwrap(),
            iso_week: String::new(),
            place: PlaceTruth {
                ar: String::new(),
                latin: String::new(),
                lat: 35.0,
                lon,
                gazetteer_id: 0,
                kind: "village".into(),
                province: "Deir ez-Zor".into(),
            },
            target: "Syrian Democratic Forces".into(),
            counted: true,
            kind: "ied".into(),
            attack_mode: "bombing_ied".into(),
            outcome: "killed".into(),
            killed: Some(2),
            injured: None,
            killed_or_injured: None,
            abducted: None,
            attempted: false,
            claim_family: String::new(),
            same_text_as: None,
        }
    }

    fn doc(key: &str, kind: DocKind, attacks: &[&str], original: Option<&str>) -> Doc {
        Doc {
            key: key.into(),
            file: String::new(),
            channel: String::new(),
            source: String::new(),
            id: key.into(),
            published: Utc.with_ymd_and_hms(2019, 10, 12, 0, 0, 0).unwrap(),
            published_local: NaiveDate::from_ymd_opt(2019, 10, 12)
                .unwrap()
                .and_hms_opt(3, 0, 0)
                .unwrap(),
            kind,
            lang: "ar".into(),
            attacks: attacks.iter().map(|a| a.to_string()).collect(),
            original: original.map(str::to_string),
            family: None,
            when: None,
            relays_claim: None,
            text: String::new(),
        }
    }

    fn report(id: i64, day: u32, lon: f64) -> Report {
        Report {
            id,
            date: NaiveDate::from_ymd_opt(2019, 10, day),
            lat: Some(35.0),
            lon: Some(lon),
            claimed: true,
            perpetrators: vec!["Islamic State".into()],
            targets: vec!["Syrian Democratic Forces".into()],
            attack_mode: Some("bombing_ied".into()),
            killed: Some(2),
        }
    }

    /// Two attacks 100 km apart: a1 told by a claim, its forward (stored as
    /// a copy of the claim), a wire item and a newsletter that also tells
    /// a2; a2 by a claim stored as a copy of a1's claim (lost), and a
    /// noise post. Rows: (report → incident) and the pairs expected.
    #[test]
    fn pairs_documents_and_funnel() {
        let truth = Truth {
            generator: GeneratorInfo {
                seed: 0,
                weeks: vec![2],
                start: NaiveDate::from_ymd_opt(2019, 10, 9).unwrap(),
                holdout: false,
                unknown_source: false,
                version: 1,
            },
            week_start: "wednesday".into(),
            timezone: String::new(),
            counted_target: "Syrian Democratic Forces".into(),
            channels: Vec::new(),
            attacks: vec![attack("a1", 10, 40.0), attack("a2", 11, 41.1)],
            documents: vec![
                doc("c1", DocKind::Claim, &["a1"], None),
                doc("f1", DocKind::Forward, &["a1"], Some("c1")),
                doc("w1", DocKind::Wire, &["a1"], None),
                doc("n1", DocKind::Newsletter, &["a1", "a2"], None),
                doc("c2", DocKind::Claim, &["a2"], None),
                doc("x1", DocKind::Noise, &[], None),
            ],
            weekly_claimed: vec![2],
            weekly_claimed_all: vec![2],
            surge_weeks: Vec::new(),
            surge_week_starts: Vec::new(),
            testable_weeks: Vec::new(),
            baseline_weeks: 3,
            skipped_records: 0,
        };
        let stored: HashMap<String, Stored> = [
            ("c1", Stored::Publication(1)),
            ("f1", Stored::Copy(1)),
            ("w1", Stored::Publication(2)),
            ("n1", Stored::Publication(3)),
            ("c2", Stored::Copy(1)),
            ("x1", Stored::Publication(4)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        // Document 3 (the newsletter) yields a report of each attack; the
        // noise post yields none.
        let reports: HashMap<i64, Vec<Report>> = [
            (1, vec![report(10, 10, 40.0)]),
            (2, vec![report(20, 10, 40.0)]),
            (3, vec![report(30, 10, 40.0), report(31, 11, 41.1)]),
        ]
        .into_iter()
        .collect();
        // The claim, the wire and the newsletter's first line in incident
        // 100; the newsletter's second line alone in 101.
        let incident_of: HashMap<i64, i64> = [(10, 100), (20, 100), (30, 100), (31, 101)]
            .into_iter()
            .collect();
        let view = StoreView {
            stored,
            reports,
            incident_of,
            counted_incidents: [
                (100, NaiveDate::from_ymd_opt(2019, 10, 10)),
                (101, NaiveDate::from_ymd_opt(2019, 10, 11)),
            ]
            .into_iter()
            .collect(),
        };
        let attacks: HashMap<&str, &Attack> =
            truth.attacks.iter().map(|a| (a.id.as_str(), a)).collect();
        let l = linking(&truth, &view, &attacks);
        // Items: c1, f1, w1, n1/a1 (a1); n1/a2, c2 (a2); x1. True pairs:
        // 6 among a1's four, 1 for a2's two. Linked (incident 100): c1,
        // f1, w1, n1/a1 and c2 (a copy of c1) = 10 pairs, 6 of them true;
        // n1/a2 alone in 101.
        assert_eq!(
            (l.items, l.true_pairs, l.predicted_pairs, l.correct_pairs),
            (7, 7, 10, 6)
        );
        // (kinds, true pairs, linked, wrongly linked)
        let by_kinds = [
            ("claim+claim", 0, 0, 1),
            ("claim+forward", 1, 1, 1),
            ("claim+wire", 1, 1, 1),
            ("claim+newsletter", 2, 1, 1),
            ("forward+wire", 1, 1, 0),
            ("forward+newsletter", 1, 1, 0),
            ("wire+newsletter", 1, 1, 0),
        ];
        for (k, t, linked, wrong) in by_kinds {
            let want = PairCounts {
                true_pairs: t,
                linked,
                wrongly_linked: wrong,
            };
            assert_eq!(l.by_kinds.get(k), Some(&want), "{k}");
        }
        let d = documents(&truth, &view);
        assert_eq!(
            (
                d.publications,
                d.copies,
                d.absent,
                d.publications_lost,
                d.claims_lost
            ),
            (4, 2, 0, 1, 1)
        );
        assert_eq!(d.copies_of_the_wrong_post, 0);
        let f = funnel(&truth, &view, &attacks);
        assert_eq!(
            (
                f.attacks,
                f.claim_stored,
                f.claim_reported,
                f.claim_report_right
            ),
            (2, 1, 1, 1)
        );
        // Incident 100 holds a2 through the copy c2: merged; 101 holds
        // a2's newsletter line alone; a2 is in both: split.
        assert_eq!(
            (f.counted_incidents, f.one_attack, f.merged, f.spurious),
            (2, 1, 1, 0)
        );
        assert_eq!((f.counted_in_its_week, f.split_attacks), (2, 1));
    }
}
