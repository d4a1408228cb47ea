//! `vigil narratives tag` and `vigil narratives weekly`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use chrono::{NaiveDate, Utc};
use clap::{Args, Subcommand, ValueEnum};
use indicatif::ProgressBar;
use serde::Serialize;
use vigil_analyze::narratives::{weekly, NarrativeSet, WeeklyOptions};
use vigil_analyze::surge::SurgeOptions;
use vigil_model::DocumentId;
use vigil_model::WeekStart;
use vigil_store::Store;

use crate::commands::{open_existing, open_store};
use crate::output::{print_pairs, print_table, Output};

/// The demo's narratives file, used when no --file is given.
pub const BUNDLED: (&str, &str) = (
    "data/demo/narratives.toml",
    include_str!("../../../data/demo/narratives.toml"),
);

#[derive(Debug, Subcommand)]
pub enum NarrativesCommand {
    /// Tag stored documents with the narratives they carry (the matching
    /// terms and their offsets are kept as evidence). Only documents not
    /// yet tagged with this version of the file, unless --all
    Tag(TagArgs),
    /// Weekly share of documents per narrative and source kind, and whether
    /// each narrative is rising against the weeks before
    Weekly(WeeklyArgs),
}

#[derive(Debug, Args)]
pub struct TagArgs {
    /// The narratives file [default: the bundled demo narratives]
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Tag every document again, not only those new since the last run
    #[arg(long)]
    pub all: bool,
}

/// How the weekly table is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns.
    Table,
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array of rows.
    Json,
}

#[derive(Debug, Args)]
pub struct WeeklyArgs {
    /// The narratives file whose narratives are counted [default: the bundled demo narratives]
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// The day weeks start on, any day named in English: monday (ISO), saturday (ACLED), …
    #[arg(long, default_value = "monday", value_name = "DAY")]
    pub week_start: WeekStart,
    /// First week shown (the week holding this day, YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// Last week shown (the week holding this day, YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub to: Option<NaiveDate>,
    /// Output format (--json means json)
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Weeks before a week that make its baseline in the rising test
    #[arg(long, default_value_t = 3, value_name = "K", value_parser = clap::value_parser!(u64).range(1..=520))]
    pub baseline_weeks: u64,
    /// Tail probability below which the Poisson and negative-binomial tests flag a rise
    #[arg(long, default_value_t = 0.01, value_name = "P")]
    pub alpha: f64,
}

/// Reads a narratives file, or the bundled one.
pub fn load(file: Option<&Path>) -> anyhow::Result<NarrativeSet> {
    match file {
        None => NarrativeSet::from_toml(BUNDLED.0, BUNDLED.1)
            .context("the bundled narratives file is broken"),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading the narratives file {}", path.display()))?;
            NarrativeSet::from_toml(&path.display().to_string(), &text)
                .context("the narratives file cannot be used")
        }
    }
}

pub fn run(dir: &Path, cmd: NarrativesCommand, out: &Output) -> anyhow::Result<ExitCode> {
    match cmd {
        NarrativesCommand::Tag(args) => {
            let set = load(args.file.as_deref())?;
            let mut store = open_store(dir)?;
            let summary = tag(&mut store, &set, args.all, out)?;
            if out.json {
                out.json(&summary)?;
            } else if !out.quiet {
                let mut rows = vec![
                    ("documents tagged", summary.documents.to_string()),
                    (
                        "documents carrying a narrative",
                        summary.carrying.to_string(),
                    ),
                    ("term matches", summary.matches.to_string()),
                    ("time", format!("{:.2} s", summary.seconds)),
                ];
                let per: Vec<(String, String)> = summary
                    .per_narrative
                    .iter()
                    .map(|(k, n)| (format!("  {k}"), n.to_string()))
                    .collect();
                rows.extend(per.iter().map(|(k, v)| (k.as_str(), v.clone())));
                print_pairs(&rows);
            }
            Ok(ExitCode::SUCCESS)
        }
        NarrativesCommand::Weekly(args) => {
            if !(args.alpha > 0.0 && args.alpha < 1.0) {
                anyhow::bail!(
                    "--alpha {} must lie between 0 and 1 (e.g. 0.01)",
                    args.alpha
                );
            }
            let set = load(args.file.as_deref())?;
            let store = open_existing(dir)?;
            let counts = store.narrative_day_counts(None, args.to)?;
            let keys: Vec<String> = set.narratives().iter().map(|n| n.key.clone()).collect();
            let opts = WeeklyOptions {
                week_start: args.week_start,
                from: args.from,
                to: args.to,
                surge: SurgeOptions {
                    baseline_weeks: args.baseline_weeks as usize,
                    alpha: args.alpha,
                    ..SurgeOptions::default()
                },
            };
            let rows = weekly(&counts, &keys, &opts);
            let format = if out.json { Format::Json } else { args.format };
            print_weekly(&rows, format, out)?;
            if rows.is_empty() && !out.quiet && format == Format::Table {
                eprintln!("no tagged documents: run `vigil narratives tag` first");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// What a tagging run did.
#[derive(Debug, Default, Serialize)]
pub struct TagSummary {
    /// Documents tagged (including those that carry no narrative).
    pub documents: u64,
    /// Documents carrying at least one narrative.
    pub carrying: u64,
    /// Term matches in all.
    pub matches: u64,
    /// Documents per narrative, in file order.
    pub per_narrative: Vec<(String, u64)>,
    /// The narratives file's digest the tags were made with.
    pub digest: String,
    /// Seconds taken.
    pub seconds: f64,
}

/// Documents per batch: each batch is one transaction, so a run killed
/// midway keeps the batches done and the rerun starts after them.
const BATCH: usize = 256;

/// Tags the documents that need it (all with `all`), batch by batch.
pub fn tag<S: Store>(
    store: &mut S,
    set: &NarrativeSet,
    all: bool,
    out: &Output,
) -> anyhow::Result<TagSummary> {
    let started = Instant::now();
    let digest = set.digest().to_string();
    let total = store.count_documents_to_tag(&digest, all)?;
    let bar = if out.quiet || out.json || total < 1000 {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(total)
    };
    let mut per: Vec<(String, u64)> = set
        .narratives()
        .iter()
        .map(|n| (n.key.clone(), 0))
        .collect();
    let mut summary = TagSummary {
        digest: digest.clone(),
        ..TagSummary::default()
    };
    let mut after = DocumentId(0);
    loop {
        let ids = store.documents_to_tag(&digest, all, after, BATCH)?;
        let Some(&last) = ids.last() else { break };
        let mut batch = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(doc) = store.document(id)? else {
                continue;
            };
            let tags = set.tag(&doc.text);
            summary.matches += tags.len() as u64;
            if !tags.is_empty() {
                summary.carrying += 1;
            }
            for (key, n) in per.iter_mut() {
                if tags.iter().any(|t| &t.narrative == key) {
                    *n += 1;
                }
            }
            batch.push((id, tags));
        }
        store
            .replace_narrative_tags(&digest, Utc::now(), &batch)
            .context("storing narrative tags")?;
        summary.documents += batch.len() as u64;
        bar.inc(batch.len() as u64);
        after = last;
    }
    bar.finish_and_clear();
    summary.per_narrative = per;
    summary.seconds = started.elapsed().as_secs_f64();
    tracing::info!(
        documents = summary.documents,
        carrying = summary.carrying,
        digest = %digest,
        "narratives tagged"
    );
    Ok(summary)
}

fn print_weekly(
    rows: &[vigil_analyze::narratives::NarrativeWeek],
    format: Format,
    out: &Output,
) -> anyhow::Result<()> {
    let kind = |r: &vigil_analyze::narratives::NarrativeWeek| {
        r.source_kind.map_or("all".to_string(), |k| k.to_string())
    };
    let flagged = |r: &vigil_analyze::narratives::NarrativeWeek| -> String {
        match r.rising {
            None => String::new(),
            Some(false) => "no".into(),
            Some(true) => {
                let tests: Vec<&str> = r.tests.iter().filter(|t| t.surge).map(|t| t.test).collect();
                format!("RISING ({})", tests.join(", "))
            }
        }
    };
    match format {
        Format::Json => out.json(&rows),
        Format::Csv => {
            println!("week,narrative,source_kind,documents,tagged,share,rising");
            for r in rows {
                println!(
                    "{},{},{},{},{},{:.4},{}",
                    r.week,
                    csv_cell(&r.narrative),
                    kind(r),
                    r.documents,
                    r.tagged,
                    r.share,
                    r.rising.map_or(String::new(), |b| b.to_string())
                );
            }
            Ok(())
        }
        Format::Table => {
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.week.to_string(),
                        r.narrative.clone(),
                        kind(r),
                        r.documents.to_string(),
                        r.tagged.to_string(),
                        format!("{:.1}%", r.share * 100.0),
                        flagged(r),
                    ]
                })
                .collect();
            if !rows.is_empty() {
                print_table(
                    &[
                        "week",
                        "narrative",
                        "source kind",
                        "docs",
                        "tagged",
                        "share",
                        "rising",
                    ],
                    &table,
                );
            }
            Ok(())
        }
    }
}

/// A CSV cell, quoted when it needs to be.
fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
