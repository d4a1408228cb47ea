//! `vigil extract`, `vigil eval`, `vigil kb check`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::ExitCode;
use std::sync::{mpsc, Arc, Mutex};
use std::time::Instant;

use anyhow::{bail, Context};
use indicatif::ProgressBar;
use serde::Serialize;
use vigil_extract::dates::{local_day, Tz};
use vigil_extract::kb::{Kb, KbFiles};
use vigil_extract::{DocInput, Extractor};
use vigil_model::{DocumentId, EventReport, Source, SourceId};
use vigil_store::{DocumentText, SqliteStore, Store};

use crate::cli::{EvalArgs, ExtractArgs};
use crate::commands::open_for_bulk;
use crate::output::{print_table, Output};

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
        let mut all = Vec::new();
        let mut after = DocumentId(0);
        loop {
            let page = store.document_ids(after, 10_000)?;
            let Some(&last) = page.last() else { break };
            all.extend(page);
            after = last;
        }
        all
    } else {
        args.docs.clone()
    };
    let s = extract_documents(&mut store, &ex, &ids, jobs(args.jobs), args.time_zone, out)?;
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

/// Extraction threads: `--jobs`, else one per core.
pub fn jobs(arg: Option<u16>) -> usize {
    arg.map(usize::from).unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    })
}

/// What an extraction run did.
#[derive(Debug, Default, Serialize)]
pub struct ExtractSummary {
    pub documents: u64,
    pub reports: u64,
    pub by_sub_event_type: BTreeMap<String, u64>,
    pub seconds: f64,
    pub docs_per_second: f64,
    pub mb_per_second: f64,
}

/// Extracts the reports of `ids` and stores them (replacing what each
/// document had), with a progress bar unless `out` is quiet. Each
/// document's day is its publication time's local day in `zone`, else in
/// the region's zone (see [`vigil_extract::dates::Calendar::zone`]).
///
/// `jobs` threads extract while this one reads the documents and writes
/// the reports, in the order of `ids`: the store's report ids do not
/// depend on which thread finished first.
pub fn extract_documents(
    store: &mut SqliteStore,
    ex: &Extractor,
    ids: &[DocumentId],
    jobs: usize,
    zone: Option<Tz>,
    out: &Output,
) -> anyhow::Result<ExtractSummary> {
    let started = Instant::now();
    let calendar = &ex.kb().calendar;
    let bar = if out.quiet || out.json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(ids.len() as u64)
    };
    let mut w = Writer {
        store,
        bar,
        batch: Vec::with_capacity(WRITE_BATCH),
        summary: ExtractSummary::default(),
        bytes: 0,
    };
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let (work_tx, work_rx) = mpsc::sync_channel::<(usize, DocumentText, DocInput)>(QUEUE);
        // Only the workers hold the receiver: if they all die, sending fails
        // instead of waiting for ever.
        let work_rx = Arc::new(Mutex::new(work_rx));
        let (done_tx, done_rx) = mpsc::channel::<(usize, Extracted)>();
        for _ in 0..jobs.max(1) {
            let (work_rx, done_tx) = (work_rx.clone(), done_tx.clone());
            scope.spawn(move || loop {
                let job = work_rx.lock().ok().and_then(|rx| rx.recv().ok());
                let Some((seq, doc, input)) = job else { break };
                let found = Extracted {
                    id: doc.id,
                    bytes: doc.text.len(),
                    reports: ex.extract(&doc.text, &input),
                };
                if done_tx.send((seq, found)).is_err() {
                    break;
                }
            });
        }
        drop((work_rx, done_tx));
        // Results come back in any order; they are written in `ids` order.
        let mut waiting: BTreeMap<usize, Extracted> = BTreeMap::new();
        let mut next = 0;
        let mut write_ready = |w: &mut Writer, waiting: &mut BTreeMap<usize, Extracted>| {
            while let Some(done) = waiting.remove(&next) {
                w.push(done)?;
                next += 1;
            }
            anyhow::Ok(())
        };
        let mut sources: HashMap<SourceId, Option<Source>> = HashMap::new();
        let mut seq = 0;
        for page in ids.chunks(WRITE_BATCH) {
            let docs = w.store.document_texts(page)?;
            if docs.len() < page.len() {
                let missing = page.iter().find(|id| !docs.iter().any(|d| d.id == **id));
                bail!("no document {}", missing.copied().unwrap_or(page[0]));
            }
            for doc in docs {
                let source = match sources.get(&doc.source_id) {
                    Some(s) => s.clone(),
                    None => {
                        let s = w.store.source(&doc.source_id.to_string())?;
                        sources.insert(doc.source_id, s.clone());
                        s
                    }
                };
                let countries = Vec::new();
                let input = DocInput {
                    document_id: doc.id,
                    lang: Some(doc.lang.clone()),
                    published: doc
                        .published
                        .map(|p| local_day(p, calendar.zone(zone, &countries))),
                    source_kind: source.as_ref().map(|s| s.kind),
                    affiliation: source.and_then(|s| s.affiliation),
                    countries,
                };
                if work_tx.send((seq, doc, input)).is_err() {
                    bail!("the extraction threads stopped");
                }
                seq += 1;
                waiting.extend(done_rx.try_iter());
                write_ready(&mut w, &mut waiting)?;
            }
        }
        drop(work_tx);
        for (seq, done) in done_rx {
            waiting.insert(seq, done);
            write_ready(&mut w, &mut waiting)?;
        }
        w.flush()?;
        if next < ids.len() {
            bail!(
                "the extraction threads stopped after {next} of {} documents",
                ids.len()
            );
        }
        Ok(())
    })?;
    w.bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    let mut s = w.summary;
    s.seconds = secs;
    s.docs_per_second = s.documents as f64 / secs.max(1e-9);
    s.mb_per_second = w.bytes as f64 / 1e6 / secs.max(1e-9);
    Ok(s)
}

/// Documents whose reports are written in one transaction: a commit per
/// document took a quarter of a run's time.
const WRITE_BATCH: usize = 64;

/// Documents read ahead for the extraction threads: enough to keep them
/// busy while this thread writes a batch. With a queue of 4 they sat idle
/// through each write: 145% CPU on two cores against 180% with this one.
const QUEUE: usize = 4 * WRITE_BATCH;

/// One document's reports, from an extraction thread.
struct Extracted {
    id: DocumentId,
    bytes: usize,
    reports: Vec<EventReport>,
}

/// Writes extracted reports to the store, `WRITE_BATCH` documents at a time.
struct Writer<'s> {
    store: &'s mut SqliteStore,
    bar: ProgressBar,
    batch: Vec<Extracted>,
    summary: ExtractSummary,
    bytes: u64,
}

impl Writer<'_> {
    fn push(&mut self, done: Extracted) -> anyhow::Result<()> {
        self.batch.push(done);
        if self.batch.len() >= WRITE_BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> anyhow::Result<()> {
        let (Some(first), Some(last)) = (self.batch.first(), self.batch.last()) else {
            return Ok(());
        };
        let docs: Vec<(DocumentId, &[EventReport])> = self
            .batch
            .iter()
            .map(|d| (d.id, d.reports.as_slice()))
            .collect();
        self.store.replace_many_reports(&docs).with_context(|| {
            format!(
                "storing the reports of documents {} to {} (none of them was stored)",
                first.id, last.id
            )
        })?;
        let s = &mut self.summary;
        for done in self.batch.drain(..) {
            for r in &done.reports {
                *s.by_sub_event_type
                    .entry(r.sub_event_type.to_string())
                    .or_default() += 1;
            }
            s.reports += done.reports.len() as u64;
            s.documents += 1;
            self.bytes += done.bytes as u64;
            self.bar.inc(1);
        }
        Ok(())
    }
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
