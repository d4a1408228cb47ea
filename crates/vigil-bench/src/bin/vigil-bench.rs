//! `vigil-bench`: the measurements of `benchmarks/run-all.sh` that need
//! Vigil's library rather than its binary. Each command prints one JSON
//! object on stdout; per-text output (spans, predictions) goes to `--out`.
//!
//! - `floor`: Vigil's extraction and the aho-corasick floor over the same
//!   texts, timed in the same process (`--only` runs one side, for
//!   callgrind: collect with `--toggle-collect='*vigil_pass*'` or
//!   `'*floor_pass*'`); `--out` writes each text's reports, to check that
//!   a change made for speed leaves them the same.
//! - `places`: place names found by Vigil in each text (char spans), timed.
//! - `classify`: CASE 2021 code of each text, timed (`--only rules`: the
//!   rules without the event-type model; `--only model`: the model alone).
//! - `claimstream`: writes a generated claim stream and its truth into
//!   `--out` (see `vigil_bench::claimstream`); prints the weekly truth.
//! - `claimstream-score`: scores a store built from a stream against its
//!   truth (`--run` builds the store first: source import, ingest,
//!   extract, link); prints the score.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use vigil_bench::floor::Floor;
use vigil_extract::dates::local_day;
use vigil_extract::{DocInput, Extractor};

const USAGE: &str = "usage:
  vigil-bench floor    --jsonl FILE... [--limit N] [--reps R] [--only vigil|floor] [--out FILE]
  vigil-bench places   --jsonl FILE [--out FILE] [--reps R]
  vigil-bench classify --jsonl FILE [--out FILE] [--reps R] [--only rules|model]
  vigil-bench claimstream --seed N --weeks N,N,... --start YYYY-MM-DD [--holdout] [--unknown-source] --out DIR
  vigil-bench claimstream-score --dir DIR --store STORE [--vigil PATH] [--run]";

#[derive(Debug, Default)]
struct Args {
    jsonl: Vec<PathBuf>,
    out: Option<PathBuf>,
    limit: usize,
    reps: usize,
    only: Option<String>,
    seed: u64,
    weeks: Vec<u32>,
    start: Option<chrono::NaiveDate>,
    holdout: bool,
    unknown_source: bool,
    dir: Option<PathBuf>,
    store: Option<PathBuf>,
    vigil: Option<PathBuf>,
    run: bool,
}

fn parse(mut it: impl Iterator<Item = String>) -> Result<Args> {
    let mut a = Args {
        limit: usize::MAX,
        reps: 3,
        ..Args::default()
    };
    let mut jsonl = false;
    while let Some(arg) = it.next() {
        let mut val = |name: &str| it.next().with_context(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--jsonl" => {
                jsonl = true;
                a.jsonl.push(val("--jsonl")?.into());
            }
            "--out" => a.out = Some(val("--out")?.into()),
            "--limit" => a.limit = val("--limit")?.parse()?,
            "--reps" => a.reps = val("--reps")?.parse::<usize>()?.max(1),
            "--only" => a.only = Some(val("--only")?),
            "--seed" => {
                a.seed = val("--seed")?
                    .parse()
                    .context("--seed takes a whole number")?
            }
            "--weeks" => {
                a.weeks = val("--weeks")?
                    .split(',')
                    .map(|w| w.trim().parse::<u32>())
                    .collect::<Result<_, _>>()
                    .context("--weeks takes counts separated by commas, e.g. 10,10,10,27")?
            }
            "--start" => {
                a.start = Some(
                    val("--start")?
                        .parse()
                        .context("--start takes a day, YYYY-MM-DD")?,
                )
            }
            "--holdout" => a.holdout = true,
            "--unknown-source" => a.unknown_source = true,
            "--dir" => a.dir = Some(val("--dir")?.into()),
            "--store" => a.store = Some(val("--store")?.into()),
            "--vigil" => a.vigil = Some(val("--vigil")?.into()),
            "--run" => a.run = true,
            s if jsonl && !s.starts_with("--") => a.jsonl.push(s.into()),
            other => bail!("unknown argument {other}\n{USAGE}"),
        }
    }
    Ok(a)
}

/// A text and what the extractor may know about it.
struct Doc {
    text: String,
    input: DocInput,
}

/// The `text` (with `published` and `lang` when given) of each JSON line.
fn read_docs(files: &[PathBuf], limit: usize) -> Result<Vec<Doc>> {
    let mut docs = Vec::new();
    let zone = vigil_extract::kb::Kb::bundled().calendar.zone(None, &[]);
    for f in files {
        let r = BufReader::new(File::open(f).with_context(|| format!("opening {}", f.display()))?);
        for line in r.lines() {
            if docs.len() >= limit {
                return Ok(docs);
            }
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let v: Value = serde_json::from_str(&line)
                .with_context(|| format!("{}: not JSON lines", f.display()))?;
            let text = v["text"].as_str().unwrap_or_default().to_string();
            // A time with its zone is read as the extractor's pipeline
            // reads it (its local day in the region); a day as it is.
            let date = |k: &str| {
                let s = v[k].as_str()?;
                match chrono::DateTime::parse_from_rfc3339(s) {
                    Ok(t) => Some(local_day(t.to_utc(), zone)),
                    Err(_) => s
                        .get(..10)
                        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
                }
            };
            let input = DocInput {
                published: date("published").or_else(|| date("reference_date")),
                lang: v["lang"].as_str().and_then(|l| l.parse().ok()),
                ..DocInput::default()
            };
            docs.push(Doc { text, input });
        }
    }
    Ok(docs)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Loads what the extractor builds on first use (knowledge base, gazetteer,
/// lexicons: lazily initialized statics), so that no timed pass pays for it.
fn warm_up(ex: &Extractor, docs: &[Doc]) {
    for d in docs.iter().take(20) {
        ex.extract(&d.text, &d.input);
        ex.case_code(&d.text);
    }
}

#[inline(never)]
fn floor_pass(floor: &Floor, docs: &[Doc]) -> usize {
    docs.iter().map(|d| floor.count(&d.text)).sum()
}

#[inline(never)]
fn vigil_pass(ex: &Extractor, docs: &[Doc]) -> usize {
    docs.iter()
        .map(|d| ex.extract(&d.text, &d.input).len())
        .sum()
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let out = std::hint::black_box(f());
    (out, t.elapsed().as_secs_f64())
}

fn floor_cmd(a: &Args) -> Result<Value> {
    let docs = read_docs(&a.jsonl, a.limit)?;
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let run_vigil = a.only.as_deref() != Some("floor");
    let run_floor = a.only.as_deref() != Some("vigil");
    let mut out = json!({"docs": docs.len(), "bytes": bytes, "reps": a.reps});
    if run_vigil {
        let (ex, setup) = timed(|| {
            let ex = Extractor::new();
            warm_up(&ex, &docs);
            ex
        });
        let mut times = Vec::new();
        let mut reports = 0;
        for _ in 0..a.reps {
            let (n, s) = timed(|| vigil_pass(&ex, &docs));
            reports = n;
            times.push(s);
        }
        // Every document's reports, outside the timed passes: a change made
        // for speed must leave this file byte for byte the same.
        if let Some(mut w) = writer(&a.out)? {
            for d in &docs {
                writeln!(
                    w,
                    "{}",
                    serde_json::to_string(&ex.extract(&d.text, &d.input))?
                )?;
            }
        }
        out["vigil"] = json!({"setup_s": setup, "times_s": times, "median_s": median(times.clone()), "reports": reports});
    }
    if run_floor {
        let (floor, setup) = timed(|| Floor::new(vigil_geo::Gazetteer::bundled()));
        let mut times = Vec::new();
        let mut matches = 0;
        for _ in 0..a.reps {
            let (n, s) = timed(|| floor_pass(&floor, &docs));
            matches = n;
            times.push(s);
        }
        out["floor"] = json!({"setup_s": setup, "times_s": times, "median_s": median(times.clone()),
            "matches": matches, "patterns": floor.patterns(), "place_names": floor.place_names,
            "kb_words": floor.kb_words});
    }
    Ok(out)
}

fn writer(path: &Option<PathBuf>) -> Result<Option<BufWriter<File>>> {
    path.as_ref()
        .map(|p| {
            File::create(p)
                .map(BufWriter::new)
                .with_context(|| format!("creating {}", p.display()))
        })
        .transpose()
}

fn places_cmd(a: &Args) -> Result<Value> {
    let docs = read_docs(&a.jsonl, a.limit)?;
    let ex = Extractor::new();
    warm_up(&ex, &docs);
    let mut times = Vec::new();
    let mut found: Vec<Vec<(usize, usize)>> = Vec::new();
    for _ in 0..a.reps {
        let (f, s) = timed(|| {
            docs.iter()
                .map(|d| {
                    ex.places(&d.text, &d.input)
                        .iter()
                        .map(|(s, _, _)| (s.start, s.end))
                        .collect()
                })
                .collect::<Vec<Vec<(usize, usize)>>>()
        });
        found = f;
        times.push(s);
    }
    if let Some(mut w) = writer(&a.out)? {
        for spans in &found {
            writeln!(w, "{}", json!({ "spans": spans }))?;
        }
    }
    Ok(
        json!({"docs": docs.len(), "bytes": docs.iter().map(|d| d.text.len()).sum::<usize>(),
        "times_s": times, "median_s": median(times.clone()),
        "spans": found.iter().map(Vec::len).sum::<usize>()}),
    )
}

fn classify_cmd(a: &Args) -> Result<Value> {
    let docs = read_docs(&a.jsonl, a.limit)?;
    let ex = Extractor::new();
    warm_up(&ex, &docs);
    let mut times = Vec::new();
    let mut codes: Vec<String> = Vec::new();
    for _ in 0..a.reps {
        let (c, s) = timed(|| {
            docs.iter()
                // Nothing recognized: the catch-all class, as `vigil eval` scores it.
                // `--only rules|model`: one side without the other.
                .map(|d| {
                    match a.only.as_deref() {
                        Some("rules") => ex.case_code_rules(&d.text),
                        Some("model") => ex.case_code_model(&d.text),
                        _ => ex.case_code(&d.text),
                    }
                    .unwrap_or_else(|| "OTHER".to_string())
                })
                .collect::<Vec<String>>()
        });
        codes = c;
        times.push(s);
    }
    if let Some(mut w) = writer(&a.out)? {
        for c in &codes {
            writeln!(w, "{}", json!({ "code": c }))?;
        }
    }
    Ok(json!({"docs": docs.len(), "times_s": times, "median_s": median(times.clone())}))
}

fn claimstream_cmd(a: &Args) -> Result<Value> {
    use vigil_bench::claimstream::{generate, Options};
    let out = a.out.as_ref().context("claimstream needs --out DIR")?;
    if a.weeks.is_empty() {
        bail!("claimstream needs --weeks, e.g. --weeks 10,10,10,27");
    }
    let opts = Options {
        seed: a.seed,
        weeks: a.weeks.clone(),
        start: a.start.context("claimstream needs --start YYYY-MM-DD")?,
        holdout: a.holdout,
        unknown_source: a.unknown_source,
    };
    let truth = generate(&opts, vigil_geo::Gazetteer::bundled(), out)?;
    let mut kinds = serde_json::Map::new();
    for k in vigil_bench::claimstream::DocKind::ALL {
        let n = truth.documents.iter().filter(|d| d.kind == k).count();
        kinds.insert(k.as_str().to_string(), json!(n));
    }
    Ok(json!({
        "out": out.display().to_string(),
        "attacks": truth.attacks.len(),
        "documents": truth.documents.len(),
        "by_kind": kinds,
        "weekly_claimed": truth.weekly_claimed,
        "week_start": truth.week_start,
        "surge_weeks": truth.surge_weeks,
    }))
}

/// The `vigil` binary: `--vigil`, else the one beside this binary, else
/// `vigil` on the PATH.
fn vigil_binary(a: &Args) -> PathBuf {
    if let Some(v) = &a.vigil {
        return v.clone();
    }
    let beside = std::env::current_exe().ok().and_then(|e| {
        e.parent()
            .map(|d| d.join(format!("vigil{}", std::env::consts::EXE_SUFFIX)))
    });
    match beside {
        Some(p) if p.exists() => p,
        _ => PathBuf::from("vigil"),
    }
}

fn claimstream_score_cmd(a: &Args) -> Result<Value> {
    use vigil_bench::claimstream::{run_pipeline, score, score::check, ScoreOptions};
    let opts = ScoreOptions {
        dir: a
            .dir
            .clone()
            .context("claimstream-score needs --dir DIR (the stream)")?,
        store: a
            .store
            .clone()
            .context("claimstream-score needs --store DIR (vigil's data directory)")?,
        vigil: vigil_binary(a),
    };
    check(&opts)?;
    let ingest = if a.run {
        Some(run_pipeline(&opts)?)
    } else {
        None
    };
    let mut v = serde_json::to_value(score(&opts)?)?;
    if let Some(i) = ingest {
        v["ingest"] = i;
    }
    Ok(v)
}

fn main() -> Result<()> {
    let mut it = std::env::args().skip(1);
    let cmd = it.next().unwrap_or_default();
    let a = parse(it)?;
    let out = match cmd.as_str() {
        "floor" => floor_cmd(&a)?,
        "places" => places_cmd(&a)?,
        "classify" => classify_cmd(&a)?,
        "claimstream" => claimstream_cmd(&a)?,
        "claimstream-score" => claimstream_score_cmd(&a)?,
        _ => bail!("{USAGE}"),
    };
    println!("{out}");
    Ok(())
}
