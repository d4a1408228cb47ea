//! `vigil gazetteer`: import a GeoNames dump, show what is in use, look a
//! name up; and the gazetteer the extraction commands use.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;
use std::time::Instant;

use anyhow::Context;
use serde::Serialize;
use vigil_extract::Extractor;
use vigil_geo::{Gazetteer, ImportOptions};

use crate::cli::{GazetteerCommand, ImportArgs};
use crate::output::{print_table, Output};

/// Where an imported gazetteer lives in the data directory.
pub fn imported_dir(dir: &Path) -> PathBuf {
    dir.join("gazetteer")
}

/// The gazetteer in use: the one imported into the data directory, or the
/// bundled one.
pub fn in_use(dir: &Path) -> anyhow::Result<&'static Gazetteer> {
    static IMPORTED: OnceLock<Gazetteer> = OnceLock::new();
    let path = imported_dir(dir);
    if !path.exists() {
        return Ok(Gazetteer::bundled());
    }
    if let Some(g) = IMPORTED.get() {
        return Ok(g);
    }
    let g = Gazetteer::open(&path)?;
    Ok(IMPORTED.get_or_init(|| g))
}

/// The extraction engine over the gazetteer in use.
pub fn extractor(dir: &Path) -> anyhow::Result<Extractor> {
    let gaz = in_use(dir)?;
    Ok(if std::ptr::eq(gaz, Gazetteer::bundled()) {
        Extractor::new()
    } else {
        Extractor::with_gazetteer(gaz)
    })
}

pub fn run(dir: &Path, cmd: GazetteerCommand, out: &Output) -> anyhow::Result<ExitCode> {
    match cmd {
        GazetteerCommand::Import(args) => import(dir, &args, out),
        GazetteerCommand::Info => info(dir, out),
        GazetteerCommand::Lookup { name } => lookup(dir, &name, out),
        GazetteerCommand::Reset => {
            let path = imported_dir(dir);
            if path.exists() {
                std::fs::remove_dir_all(&path)
                    .with_context(|| format!("removing {}", path.display()))?;
                if !out.quiet {
                    println!(
                        "removed {}; the bundled gazetteer is in use",
                        path.display()
                    );
                }
            } else if !out.quiet {
                println!("no imported gazetteer; the bundled one is in use");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[derive(Debug, Serialize)]
struct ImportSummary {
    file: PathBuf,
    saved_to: PathBuf,
    lines: usize,
    added: usize,
    merged: usize,
    skipped: usize,
    alternate_names: usize,
    rejected: usize,
    rejections: Vec<String>,
    places: usize,
    names: usize,
    seconds: f64,
}

fn import(dir: &Path, args: &ImportArgs, out: &Output) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let size = std::fs::metadata(&args.file)
        .with_context(|| format!("{}: cannot read it", args.file.display()))?
        .len();
    let bar = crate::progress::bytes_bar(size, out);
    bar.set_message(format!("reading {}", args.file.display()));
    let opts = ImportOptions {
        alternate_names: args.alternate_names.clone(),
        countries: args.countries.clone(),
        min_population: args.min_population,
        replace: args.replace,
    };
    let (gaz, report) =
        Gazetteer::import_geonames(Gazetteer::bundled(), &args.file, &opts, &mut |n| {
            bar.set_position(n)
        })?;
    bar.set_message("writing the index");
    let path = imported_dir(dir);
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    gaz.save(&path)
        .with_context(|| format!("saving the gazetteer into {}", path.display()))?;
    bar.finish_and_clear();
    let summary = ImportSummary {
        file: args.file.clone(),
        saved_to: path,
        lines: report.lines,
        added: report.added,
        merged: report.merged,
        skipped: report.skipped,
        alternate_names: report.alternate_names,
        rejected: report.rejected_count,
        rejections: report.rejected.iter().map(ToString::to_string).collect(),
        places: report.places,
        names: report.names,
        seconds: started.elapsed().as_secs_f64(),
    };
    if out.json {
        out.json(&summary)?;
    } else {
        for r in summary.rejections.iter().take(20) {
            eprintln!("rejected: {}", crate::output::term(&r.to_string()));
        }
        if summary.rejected > 20 {
            eprintln!(
                "rejected: … and {} more (use --json for the first {})",
                summary.rejected - 20,
                vigil_geo::MAX_REJECTED
            );
        }
        if !out.quiet {
            let rows = [
                ("lines read", summary.lines.to_string()),
                ("places added", summary.added.to_string()),
                ("places given more names", summary.merged.to_string()),
                ("features not kept", summary.skipped.to_string()),
                ("alternate names", summary.alternate_names.to_string()),
                ("lines rejected", summary.rejected.to_string()),
                ("places in the gazetteer", summary.places.to_string()),
                ("names in the gazetteer", summary.names.to_string()),
                ("seconds", format!("{:.1}", summary.seconds)),
            ]
            .map(|(k, v)| vec![k.to_string(), v]);
            print_table(&["import", ""], &rows);
            println!(
                "saved to {}; `vigil extract` now uses it (`vigil gazetteer reset` returns to the bundled one)",
                summary.saved_to.display()
            );
        }
    }
    Ok(if summary.rejected > 0 {
        ExitCode::from(crate::EXIT_REJECTED)
    } else {
        ExitCode::SUCCESS
    })
}

#[derive(Debug, Serialize)]
struct Info {
    source: String,
    path: Option<PathBuf>,
    places: usize,
    names: usize,
}

fn info(dir: &Path, out: &Output) -> anyhow::Result<ExitCode> {
    let gaz = in_use(dir)?;
    let path = imported_dir(dir);
    let imported = path.exists();
    let info = Info {
        source: if imported { "imported" } else { "bundled" }.to_string(),
        path: imported.then_some(path),
        places: gaz.len(),
        names: gaz.name_count(),
    };
    if out.json {
        out.json(&info)?;
    } else {
        let mut rows = vec![
            vec!["in use".to_string(), info.source.clone()],
            vec!["places".to_string(), info.places.to_string()],
            vec!["names".to_string(), info.names.to_string()],
        ];
        if let Some(p) = &info.path {
            rows.push(vec!["directory".to_string(), p.display().to_string()]);
        }
        print_table(&["gazetteer", ""], &rows);
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Serialize)]
struct Hit {
    name: String,
    kind: String,
    country: String,
    province: Option<String>,
    population: u64,
    lat: f64,
    lon: f64,
    geonames_id: Option<i64>,
}

fn lookup(dir: &Path, name: &str, out: &Output) -> anyhow::Result<ExitCode> {
    let gaz = in_use(dir)?;
    let hits: Vec<Hit> = gaz
        .lookup(name)
        .iter()
        .map(|&i| {
            let p = gaz.place(i);
            Hit {
                name: p.name.clone(),
                kind: p.kind.to_string(),
                country: p.country.clone(),
                province: p.province.clone(),
                population: p.population,
                lat: p.lat,
                lon: p.lon,
                geonames_id: (p.id > 0).then_some(p.id),
            }
        })
        .collect();
    if out.json {
        out.json(&hits)?;
    } else if hits.is_empty() {
        println!("no place is named {name:?}");
    } else {
        let rows: Vec<Vec<String>> = hits
            .iter()
            .map(|h| {
                vec![
                    h.name.clone(),
                    h.kind.clone(),
                    h.country.clone(),
                    h.province.clone().unwrap_or_default(),
                    h.population.to_string(),
                    format!("{:.4}, {:.4}", h.lat, h.lon),
                ]
            })
            .collect();
        print_table(
            &[
                "place",
                "kind",
                "country",
                "province",
                "population",
                "lat, lon",
            ],
            &rows,
        );
    }
    Ok(if hits.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
