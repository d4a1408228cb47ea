//! `vigil demo`: the bundled corpus into a fresh store, and a short tour.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use include_dir::{include_dir, Dir};
use vigil_store::SearchQuery;

use vigil_app::extract::{all_document_ids, extract_documents, jobs};
use vigil_app::ingest::ingest_files;
use vigil_app::NoProgress;

use crate::cli::{DemoArgs, IngestArgs};
use crate::commands::{open_store, print_stats, store_path};
use crate::output::{clip, Output};
use crate::progress::Bar;

/// The demo corpus (see data/demo/README.md), compiled into the binary so
/// that `vigil demo` works from any directory.
static DEMO: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../data/demo");

/// Searches shown in the tour: (query, what it shows).
const TOUR: &[(&str, &str)] = &[
    (
        "Qamishli bombing",
        "an English query across wires and the monitor",
    ),
    ("القامشلي", "the same town in Arabic script"),
    (
        "مخيم عين عيسى",
        "Arabic, matching text written with or without hamza and diacritics",
    ),
    (
        "\"car bomb\" prison OR facility",
        "a phrase and an alternative",
    ),
];

pub fn run(data_dir: &Path, args: &DemoArgs, out: &Output) -> anyhow::Result<ExitCode> {
    let dir = args.into.clone().unwrap_or_else(|| data_dir.join("demo"));
    let db = store_path(&dir);
    for suffix in ["", "-wal", "-shm"] {
        let p = Path::new(&format!("{}{suffix}", db.display())).to_path_buf();
        if p.exists() {
            std::fs::remove_file(&p)
                .with_context(|| format!("removing the old demo store {}", p.display()))?;
        }
    }
    let corpus =
        tempfile::tempdir().context("creating a temporary directory for the demo corpus")?;
    DEMO.extract(corpus.path())
        .context("unpacking the demo corpus")?;

    let mut store = open_store(&dir)?;
    let (created, _) =
        vigil_app::sources::import(&mut *store, &corpus.path().join("sources.toml"))?;
    if !out.quiet && !out.json {
        println!(
            "Vigil demo: north-east Syria, September–October 2019 (see data/demo/README.md)\n"
        );
        println!("{created} sources registered from sources.toml\n");
    }
    // Every sub-directory holds documents; the top-level files are the
    // registry, the ground truth and the README.
    let mut paths: Vec<_> = std::fs::read_dir(corpus.path())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    paths.sort();
    let ingest = IngestArgs {
        paths,
        source: None,
        lang: None,
        format: None,
        csv_map: None,
        max_doc_bytes: 2 * 1024 * 1024,
        max_file_bytes: 1024 * 1024 * 1024,
        near_threshold: 0.7,
    }
    .options();
    let store = &mut *store;
    let rebase = Some((corpus.path(), "data/demo"));
    let summary = ingest_files(store, &ingest, rebase, &Bar::bytes(out))?;
    out.ingest_summary(&summary)?;
    // Events, incidents and watched sites, so that every command has
    // something to show.
    let ex = crate::gazetteer::extractor(&dir)?;
    let ids = all_document_ids(store)?;
    let extracted = extract_documents(store, &ex, &ids, jobs(None), None, &NoProgress)?;
    let sites = vigil_app::sites::load(&corpus.path().join("sites.toml"))?;
    store.put_sites(&sites)?;
    let linked = vigil_app::link::link(store, &Default::default(), &NoProgress)?;
    // Narrative tags and alerts, so that the dashboard's narratives and
    // alerts pages have something to show. Alerts are recorded with their
    // deliveries pending; no webhook is sent (that is `vigil alerts deliver`).
    let narratives = vigil_app::narratives::load(None)?;
    let tagged = vigil_app::narratives::tag(store, &narratives, false, &NoProgress)?;
    let rules = vigil_app::alerts::load_rules(None)?;
    // Each new alert is also logged (a channel of its own); here that would
    // be a screenful of warnings before the tour, and the summary below
    // points to `vigil alerts list` instead.
    let none = tracing::subscriber::NoSubscriber::default();
    let checked = tracing::subscriber::with_default(none, || {
        vigil_app::alerts::check_store(store, &rules, &narratives, chrono::Utc::now())
    })?;
    if out.json || out.quiet {
        return Ok(ExitCode::SUCCESS);
    }
    println!();
    print_stats(&store.stats()?, &db);
    println!(
        "\n{} event reports extracted ({:.2} s), linked into {} incidents; {} watched sites loaded",
        extracted.reports,
        extracted.seconds,
        linked.incidents_written,
        sites.len()
    );
    println!(
        "{} documents carry a narrative; {} alerts recorded (see `vigil alerts list`; webhooks are sent only by `vigil alerts deliver`)",
        tagged.carrying,
        checked.new_alerts.len()
    );
    println!("\nA few searches:");
    for (q, what) in TOUR {
        let r = store.search(&SearchQuery {
            text: (*q).into(),
            limit: 3,
            ..SearchQuery::default()
        })?;
        println!("\n  vigil search '{q}'   — {what}: {} documents", r.total);
        for h in &r.hits {
            println!(
                "    {:>4}  {}  {:<2}  {}",
                h.id,
                h.published
                    .map(|p| p.format("%Y-%m-%d").to_string())
                    .unwrap_or_else(|| "-".into()),
                h.lang,
                clip(h.title.as_deref().unwrap_or(&h.snippet), 70)
            );
        }
    }
    let flag = format!("--data-dir {}", shell_quote(&dir.display().to_string()));
    tour_surge(store)?;
    println!("\nExplore further:");
    println!("  vigil {flag} incidents --target 'Syrian Democratic Forces'");
    println!("  vigil {flag} tally --measure claims --by province");
    println!("  vigil {flag} sites list");
    println!("  vigil {flag} search 'Ain Issa' --lang en");
    println!("  vigil {flag} source list");
    println!("  vigil {flag} show 1");
    println!("  vigil {flag} stats --json");
    if summary.rejected_anything() {
        println!(
            "\n(The corpus includes deliberately broken records to show error handling: {} rejected, {} warnings.)",
            summary.records_rejected + summary.files_rejected,
            summary.warnings
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The question the demo is about: claimed attacks on the SDF per week,
/// and whether the week of the offensive is a surge.
fn tour_surge(store: &dyn vigil_store::Store) -> anyhow::Result<()> {
    use vigil_analyze::surge::SurgeOptions;
    use vigil_analyze::tally::{surges, tally, TallyQuery};
    use vigil_model::{Dimension, Measure, WeekStart};
    let day = |s: &str| s.parse::<chrono::NaiveDate>().expect("a date");
    let q = TallyQuery {
        measure: Measure::Claims,
        by: None,
        filters: vec![(Dimension::Target, "Syrian Democratic Forces".into())],
        week_start: WeekStart::Monday,
        from: day("2019-09-16"),
        to: day("2019-10-07"),
    };
    let series = tally(&store.tally_rows(None, None)?, &q);
    let Some(s) = series.first() else {
        return Ok(());
    };
    println!("\nClaimed attacks on the SDF per week (vigil tally --measure claims --target 'Syrian Democratic Forces'):");
    for w in &s.weeks {
        println!("    {}  {:>3}", w.start, w.value);
    }
    if let Some(found) = surges(&series, &SurgeOptions::default()).first() {
        let poisson = found.tests.iter().find(|t| t.test == "poisson");
        println!(
            "  week of {}: {} against a baseline of {:.1} — {} (Poisson p = {})",
            found.week,
            found.count,
            poisson.map_or(0.0, |t| t.baseline),
            if found.surge { "SURGE" } else { "no surge" },
            poisson
                .and_then(|t| t.p_value)
                .map_or("-".into(), |p| format!("{p:.1e}"))
        );
    }
    Ok(())
}

fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
