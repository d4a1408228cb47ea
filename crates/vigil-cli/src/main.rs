//! The `vigil` binary: flags, logging, and wiring of the library crates.
//!
//! Each command parses its flags (`cli.rs`), opens the store through the
//! one composition root (`commands::open_store` and its siblings, over
//! `vigil_store::open`), calls a use case of `vigil_app` (or a single
//! store read) and prints the result (`output.rs`: tables for people,
//! JSON with `--json`). Progress bars are `progress::Bar`, this binary's
//! `vigil_app::Progress`. No use case is written here.

mod alerts;
mod cli;
mod commands;
mod demo;
mod extract;
mod gazetteer;
mod incidents;
mod narratives;
mod output;
mod progress;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use cli::{Cli, Command};

/// Exit status when the command ran but some input was rejected.
pub const EXIT_REJECTED: u8 = 3;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli);
    match run(cli) {
        Ok(code) => code,
        // A reader that stopped early (`vigil tally | head`) is not an error.
        Err(err)
            if err.chain().any(|c| {
                let kind = c
                    .downcast_ref::<std::io::Error>()
                    .map(std::io::Error::kind)
                    .or_else(|| c.downcast_ref::<serde_json::Error>()?.io_error_kind());
                kind == Some(std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(err) => {
            // Messages quote file names and values from outside.
            eprintln!("error: {}", output::term(&err.to_string()));
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {}", output::term(&cause.to_string()));
            }
            ExitCode::FAILURE
        }
    }
}

fn init_logging(cli: &Cli) {
    let default = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// `vigil surge`: every test on a series typed by hand (`--counts`), or on
/// the store's weekly series.
fn surge(
    dir: &std::path::Path,
    args: &cli::SurgeArgs,
    out: &output::Output,
) -> anyhow::Result<ExitCode> {
    use vigil_analyze::surge::{run_all, SurgeOptions};
    if !(args.alpha > 0.0 && args.alpha < 1.0) {
        anyhow::bail!(
            "--alpha {} must lie between 0 and 1 (e.g. 0.01)",
            args.alpha
        );
    }
    if args.min_sigma.is_nan() || args.min_sigma <= 0.0 {
        anyhow::bail!("--min-sigma {} must be above 0 (e.g. 1)", args.min_sigma);
    }
    let opts = SurgeOptions {
        baseline_weeks: args.baseline_weeks as usize,
        alpha: args.alpha,
        min_sigma: args.min_sigma,
        min_count: args.min_count,
        ..SurgeOptions::default()
    };
    if args.counts.is_empty() {
        return incidents::surge_store(dir, args, &opts, out);
    }
    let results = run_all(&args.counts, &opts);
    if out.json {
        out.json(&results)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|r| {
            vec![
                r.test.to_string(),
                r.count.to_string(),
                format!("{:.2}", r.baseline),
                r.ratio.map_or("-".into(), |x| format!("{x:.2}")),
                match (r.p_value, r.z) {
                    (Some(p), _) => format!("p = {p:.3e}"),
                    (_, Some(z)) => format!("z = {z:.2}"),
                    _ => "-".into(),
                },
                if r.surge { "SURGE" } else { "no" }.to_string(),
                r.note.clone().unwrap_or_default(),
            ]
        })
        .collect();
    output::print_table(
        &[
            "test",
            "count",
            "baseline",
            "ratio",
            "statistic",
            "verdict",
            "note",
        ],
        &rows,
    );
    Ok(ExitCode::SUCCESS)
}

/// The data directory: `--data-dir`, `VIGIL_DATA_DIR`, or the platform's
/// user data directory.
fn data_dir(cli: &Cli) -> anyhow::Result<PathBuf> {
    match &cli.data_dir {
        Some(d) => Ok(d.clone()),
        None => dirs::data_dir().map(|d| d.join("vigil")).context(
            "no user data directory on this system; pass --data-dir or set VIGIL_DATA_DIR",
        ),
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let dir = data_dir(&cli)?;
    let out = output::Output {
        json: cli.json,
        quiet: cli.quiet,
    };
    match cli.command {
        Command::Demo(args) => demo::run(&dir, &args, &out),
        Command::Ingest(args) => {
            let mut store = commands::open_for_bulk(&dir, false)?;
            let bar = progress::Bar::bytes(&out);
            let summary =
                vigil_app::ingest::ingest_files(&mut *store, &args.options(), None, &bar)?;
            out.ingest_summary(&summary)?;
            Ok(if summary.rejected_anything() {
                ExitCode::from(EXIT_REJECTED)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Source(cmd) => commands::source(&dir, cmd, &out),
        Command::Search(args) => commands::search(&dir, &args, &out),
        Command::Show(args) => commands::show(&dir, &args, &out),
        Command::Stats => commands::stats(&dir, &out),
        Command::Extract(args) => extract::run(&dir, &args, &out),
        Command::Eval(args) => extract::eval(&args, &out),
        Command::Kb(cli::KbCommand::Check { dir: kb_dir }) => {
            extract::kb_check(kb_dir.as_deref(), &out)
        }
        Command::Serve(args) => serve::run(&dir, &args),
        Command::Gazetteer(cmd) => gazetteer::run(&dir, cmd, &out),
        Command::Surge(args) => surge(&dir, &args, &out),
        Command::Link(args) => incidents::link(&dir, &args, &out),
        Command::Incidents(args) => incidents::list(&dir, &args, &out),
        Command::Incident(cmd) => incidents::incident(&dir, &cmd, &out),
        Command::Tally(args) => incidents::tally_cmd(&dir, &args, &out),
        Command::Sites(cmd) => incidents::sites(&dir, &cmd, &out),
        Command::Narratives(cmd) => narratives::run(&dir, cmd, &out),
        Command::Alerts(cmd) => alerts::run(&dir, cmd, &out),
    }
}
