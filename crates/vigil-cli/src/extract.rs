//! `vigil extract`, `vigil eval`, `vigil kb check`.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use serde::Serialize;
use vigil_app::extract::{all_document_ids, extract_documents, jobs};
use vigil_extract::dates::local_day;
use vigil_extract::kb::{Kb, KbFiles};
use vigil_extract::{DocInput, Extractor};
use vigil_model::{DocumentId, EventReport};

use crate::cli::{EvalArgs, ExtractArgs};
use crate::commands::open_for_bulk;
use crate::output::{print_table, Output};
use crate::progress::Bar;

/// The knowledge base in `dir` (files it lacks are the bundled ones), or
/// the bundled one. Loaded once per process, so it lives as long.
fn knowledge(dir: Option<&Path>) -> anyhow::Result<&'static Kb> {
    let Some(dir) = dir else {
        return Ok(Kb::bundled());
    };
    let kb = KbFiles::from_dir(dir)
        .and_then(|files| Kb::load(&files))
        .with_context(|| format!("loading the knowledge base in {}", dir.display()))?;
    Ok(Box::leak(Box::new(kb)))
}

pub fn run(dir: &Path, args: &ExtractArgs, out: &Output) -> anyhow::Result<ExitCode> {
    let ex = crate::gazetteer::extractor(dir)?.with_kb(knowledge(args.kb.as_deref())?);
    if let Some(text) = &args.text {
        let zone = ex.kb().calendar.zone(args.time_zone, &[]);
        let input = DocInput {
            document_id: DocumentId(0),
            lang: args.lang.clone(),
            published: Some(
                args.date
                    .unwrap_or_else(|| local_day(chrono::Utc::now(), zone)),
            ),
            source_kind: args.source_kind,
            affiliation: args.affiliation.clone(),
            countries: Vec::new(),
        };
        if args.places {
            return print_places(&ex, text, &input, out);
        }
        let reports = ex.extract(text, &input);
        if out.json {
            out.json(&reports)?;
        } else {
            print_reports(text, &reports);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut store = open_for_bulk(dir, false)?;
    let ids: Vec<DocumentId> = if args.docs.is_empty() {
        all_document_ids(&*store)?
    } else {
        args.docs.clone()
    };
    let jobs = jobs(args.jobs.map(usize::from));
    let bar = Bar::count(out);
    let s = extract_documents(&mut *store, &ex, &ids, jobs, args.time_zone, &bar)?;
    if out.json {
        out.json(&s)?;
    } else if !out.quiet {
        println!(
            "{} documents, {} event reports ({:.2} s, {:.0} docs/s, {:.2} MB/s)",
            s.documents, s.reports, s.seconds, s.docs_per_second, s.mb_per_second
        );
        let rows: Vec<Vec<String>> = s
            .by_sub_event_type
            .iter()
            .map(|(k, v)| vec![k.clone(), v.to_string()])
            .collect();
        print_table(&["sub-event type", "reports"], &rows);
    }
    Ok(ExitCode::SUCCESS)
}

/// `vigil extract --text … --places`: the place mentions of one text.
fn print_places(
    ex: &Extractor,
    text: &str,
    input: &DocInput,
    out: &Output,
) -> anyhow::Result<ExitCode> {
    #[derive(Serialize)]
    struct Mention {
        text: String,
        start: usize,
        end: usize,
        place: String,
        country: String,
        kind: String,
        lat: f64,
        lon: f64,
        geonames_id: Option<i64>,
        candidates: usize,
    }
    let gaz = ex.gazetteer();
    let chars: Vec<char> = text.chars().collect();
    let mentions: Vec<Mention> = ex
        .places(text, input)
        .into_iter()
        .map(|(span, idx, cands)| {
            let p = gaz.place(idx);
            Mention {
                text: chars[span.start.min(chars.len())..span.end.min(chars.len())]
                    .iter()
                    .collect(),
                start: span.start,
                end: span.end,
                place: p.name.clone(),
                country: p.country.clone(),
                kind: p.kind.to_string(),
                lat: p.lat,
                lon: p.lon,
                geonames_id: (p.id > 0).then_some(p.id),
                candidates: cands.len(),
            }
        })
        .collect();
    if out.json {
        out.json(&mentions)?;
    } else if mentions.is_empty() {
        println!("no place named");
    } else {
        let rows: Vec<Vec<String>> = mentions
            .iter()
            .map(|m| {
                vec![
                    m.text.clone(),
                    format!("{}..{}", m.start, m.end),
                    format!("{} ({}, {})", m.place, m.country, m.kind),
                    format!("{:.4}, {:.4}", m.lat, m.lon),
                    m.candidates.to_string(),
                ]
            })
            .collect();
        print_table(
            &["mention", "span", "place", "lat, lon", "candidates"],
            &rows,
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn print_reports(text: &str, reports: &[EventReport]) {
    if reports.is_empty() {
        println!("no event reported");
        return;
    }
    let chars: Vec<char> = text.chars().collect();
    for (i, r) in reports.iter().enumerate() {
        println!("report {}: {} / {}", i + 1, r.event_type, r.sub_event_type);
        let count = |c: Option<vigil_model::Count>| {
            c.map(|c| format!("{} ({})", c.value, c.exactness))
                .unwrap_or_else(|| "-".into())
        };
        let rows = [
            (
                "attack mode",
                r.attack_mode
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "-".into()),
            ),
            (
                "date",
                r.date
                    .map(|d| format!("{} ({})", d.date, d.precision))
                    .unwrap_or_else(|| "-".into()),
            ),
            (
                "place",
                r.place
                    .as_ref()
                    .map(|p| {
                        format!(
                            "{} [{:.4}, {:.4}] {} {} ({})",
                            p.label(),
                            p.lat.unwrap_or_default(),
                            p.lon.unwrap_or_default(),
                            p.province.clone().unwrap_or_default(),
                            p.country.clone().unwrap_or_default(),
                            p.precision
                        )
                    })
                    .unwrap_or_else(|| "-".into()),
            ),
            (
                "perpetrator",
                r.perpetrators
                    .iter()
                    .map(|a| a.canonical.clone().unwrap_or_else(|| a.mention.clone()))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            (
                "target",
                r.targets
                    .iter()
                    .map(|a| a.canonical.clone().unwrap_or_else(|| a.mention.clone()))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ("killed", count(r.counts.killed)),
            ("injured", count(r.counts.injured)),
            ("abducted", count(r.counts.abducted)),
            ("freed", count(r.counts.freed)),
            ("claim status", r.claim_status.to_string()),
            (
                "attribution",
                r.attribution.clone().unwrap_or_else(|| "-".into()),
            ),
        ];
        crate::output::print_pairs(&rows);
        println!("evidence:");
        for e in &r.evidence {
            let s: String = chars[e.span.start.min(chars.len())..e.span.end.min(chars.len())]
                .iter()
                .collect();
            println!("  {:<13} {:?}", e.field, s);
        }
        println!();
    }
}

pub fn eval(args: &EvalArgs, out: &Output) -> anyhow::Result<ExitCode> {
    let ex = Extractor::new().with_kb(knowledge(args.kb.as_deref())?);
    let mut all = serde_json::Map::new();
    for file in &args.files {
        let text =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        let text = match args.limit {
            Some(n) => text.lines().take(n).collect::<Vec<_>>().join("\n"),
            None => text,
        };
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if args.errors {
            let errors =
                vigil_extract::eval::tuning_errors(&ex, &file.display().to_string(), &text)?;
            if out.json {
                let rows: Vec<_> = errors
                    .iter()
                    .map(|e| serde_json::json!({"id": e.id, "lang": e.lang, "field": e.field, "gold": e.gold, "ours": e.ours}))
                    .collect();
                all.insert(name, serde_json::Value::Array(rows));
            } else {
                let rows: Vec<Vec<String>> = errors
                    .iter()
                    .map(|e| {
                        vec![
                            e.id.clone(),
                            e.field.to_string(),
                            e.gold.clone(),
                            e.ours.clone(),
                        ]
                    })
                    .collect();
                println!("{name}: {} fields wrong on the tuning part", rows.len());
                print_table(&["id", "field", "gold", "ours"], &rows);
            }
            continue;
        }
        let started = Instant::now();
        let parts = vigil_extract::eval::score_parts(&ex, &file.display().to_string(), &text)?;
        if !out.json {
            println!("{name} ({:.1} s)", started.elapsed().as_secs_f64());
            let cell = |m: &vigil_extract::eval::Metrics, k: &str| {
                m.get(k).map_or("-".to_string(), |v| format!("{v:.4}"))
            };
            let rows: Vec<Vec<String>> = parts
                .all
                .keys()
                .map(|k| {
                    vec![
                        format!("  {k}"),
                        cell(&parts.tuning, k),
                        cell(&parts.check, k),
                        cell(&parts.all, k),
                    ]
                })
                .collect();
            print_table(&["  metric", "tuning", "check", "all"], &rows);
            println!();
        }
        // The whole file's metrics at the top level (as before the split,
        // so that tools reading them keep working), each part beside them.
        let mut v = serde_json::to_value(&parts.all)?;
        v["tuning"] = serde_json::to_value(&parts.tuning)?;
        v["check"] = serde_json::to_value(&parts.check)?;
        all.insert(name, v);
    }
    if out.json {
        out.json(&all)?;
    } else if !out.quiet {
        println!("tuning: write and debug rules against it; check: about a quarter of the records (SHA-256 of the id begins 0-3), never read to write rules");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn kb_check(dir: Option<&Path>, out: &Output) -> anyhow::Result<ExitCode> {
    let files = match dir {
        None => KbFiles::bundled(),
        Some(d) => KbFiles::from_dir(d)
            .with_context(|| format!("reading the knowledge base in {}", d.display()))?,
    };
    let kb = match Kb::load(&files) {
        Ok(kb) => kb,
        Err(e) => bail!("knowledge base is invalid: {e}"),
    };
    let gaz = vigil_geo::Gazetteer::bundled();
    for a in &kb.actors {
        if let Err(name) = vigil_extract::places::provinces_named(gaz, &a.provinces, &a.countries) {
            bail!(
                "knowledge base is invalid: actors.toml: actor {:?}: provinces: {name:?} is no province of its countries {:?} in the gazetteer (`vigil gazetteer lookup NAME` shows what a name is)",
                a.key,
                a.countries
            );
        }
    }
    let (path, text) = files.get("places.toml");
    if let Err(e) =
        vigil_extract::places::Lexicon::from_toml(path, text, vigil_geo::Gazetteer::bundled())
    {
        bail!("knowledge base is invalid: {e}");
    }
    if out.json {
        let sources: Vec<_> = files
            .iter()
            .map(|f| serde_json::json!({"file": f.name, "path": f.path, "bundled": f.bundled}))
            .collect();
        out.json(&serde_json::json!({"actors": kb.actors.len(), "sub_event_types": kb.sub_events.len(), "files": sources, "ok": true}))?;
    } else if !out.quiet {
        for f in files.iter() {
            println!(
                "{:<15} {}",
                f.name,
                if f.bundled {
                    "bundled".to_string()
                } else {
                    f.path.clone()
                }
            );
        }
        println!(
            "knowledge base OK: {} actors, {} sub-event types",
            kb.actors.len(),
            kb.sub_events.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
