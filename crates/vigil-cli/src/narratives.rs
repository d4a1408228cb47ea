//! `vigil narratives tag` and `vigil narratives weekly`.

use std::path::Path;
use std::process::ExitCode;

use vigil_analyze::narratives::{weekly, WeeklyOptions};
use vigil_analyze::surge::SurgeOptions;
use vigil_app::narratives::load;

use crate::cli::{NarrativeFormat as Format, NarrativesCommand};
use crate::commands::{open_existing, open_store};
use crate::output::{print_pairs, print_table, Output};
use crate::progress::Bar;

pub fn run(dir: &Path, cmd: NarrativesCommand, out: &Output) -> anyhow::Result<ExitCode> {
    match cmd {
        NarrativesCommand::Tag(args) => {
            let set = load(args.file.as_deref())?;
            let mut store = open_store(dir)?;
            let bar = Bar::count_from(out, 1000);
            let summary = vigil_app::narratives::tag(&mut *store, &set, args.all, &bar)?;
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
