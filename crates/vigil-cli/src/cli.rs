//! Command-line flags. Every doc comment here is the user's `--help`.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use vigil_ingest::{CsvMap, Format};
use vigil_model::{Lang, Reliability, SourceKind};

/// Vigil: a monitoring workbench for analysts who track armed and extremist
/// groups from open sources.
///
/// Start with `vigil demo`, which loads the bundled demo corpus into a fresh
/// store and shows what is in it.
#[derive(Debug, Parser)]
#[command(name = "vigil", version, propagate_version = true)]
pub struct Cli {
    /// Where Vigil keeps its store [default: the user's data directory + /vigil]
    #[arg(long, global = true, env = "VIGIL_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Print machine-readable JSON instead of tables
    #[arg(long, global = true)]
    pub json: bool,

    /// More log output (-v info, -vv debug, -vvv trace); RUST_LOG also works
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Only errors: no progress bar, no summary tables
    #[arg(short, long, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load the bundled demo corpus into a fresh store and take a tour
    Demo(DemoArgs),
    /// Read files and directories into the store
    Ingest(IngestArgs),
    /// Manage the sources registry (kind, affiliation, reliability)
    #[command(subcommand)]
    Source(SourceCommand),
    /// Full-text search in English and Arabic
    Search(SearchArgs),
    /// Show one document, with its source and reposts
    Show(ShowArgs),
    /// Counts of what the store holds
    Stats,
    /// Extract event reports from stored documents, or from one text
    Extract(ExtractArgs),
    /// Score the extraction engine against gold files
    Eval(EvalArgs),
    /// Check the knowledge base (actors, typology, calendar)
    #[command(subcommand)]
    Kb(KbCommand),
    /// Serve the JSON API over the store (see /api/openapi.json)
    Serve(ServeArgs),
    /// The gazetteer: import a GeoNames dump, show the one in use, look up a name
    #[command(subcommand)]
    Gazetteer(GazetteerCommand),
    /// Surge tests on a weekly series: is the last week unusual?
    Surge(SurgeArgs),
    /// Narratives: tag documents with the themes they carry, weekly shares
    #[command(subcommand)]
    Narratives(crate::narratives::NarrativesCommand),
    /// Alerts: evaluate rules, deliver webhooks, the alert feed
    #[command(subcommand)]
    Alerts(crate::alerts::AlertsCommand),
}

#[derive(Debug, Args)]
pub struct SurgeArgs {
    /// Weekly counts, oldest first, the week to test last (e.g. 10,10,10,27)
    #[arg(long, value_delimiter = ',', required = true, value_name = "N,N,...")]
    pub counts: Vec<u64>,
    /// Weeks before the tested one that make the baseline
    #[arg(long, default_value_t = 3, value_name = "K", value_parser = clap::value_parser!(u64).range(1..=520))]
    pub baseline_weeks: u64,
    /// Tail probability below which the Poisson and negative-binomial tests flag a surge
    #[arg(long, default_value_t = 0.01, value_name = "P")]
    pub alpha: f64,
    /// Floor of the baseline's standard deviation in the EARS tests
    #[arg(long, default_value_t = 1.0, value_name = "SD")]
    pub min_sigma: f64,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (127.0.0.1 keeps it to this machine; 0.0.0.0 opens it to the network)
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: std::net::IpAddr,
    /// Port to listen on
    #[arg(long, default_value_t = 8080, value_name = "N")]
    pub port: u16,
}

#[derive(Debug, Subcommand)]
pub enum GazetteerCommand {
    /// Import a GeoNames dump (allCountries.txt or XX.txt) over the bundled
    /// gazetteer; `vigil extract` uses it from then on
    Import(ImportArgs),
    /// Which gazetteer is in use, and its size
    Info,
    /// The places a name may be, most prominent first
    Lookup {
        /// A place name in any script or spelling ("Raqqa", "الرقة")
        name: String,
    },
    /// Remove the imported gazetteer and use the bundled one again
    Reset,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The GeoNames dump: allCountries.txt or a country's XX.txt (unzipped)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// GeoNames alternateNamesV2.txt, for every language's names of the places
    #[arg(long, value_name = "FILE")]
    pub alternate_names: Option<PathBuf>,
    /// Only this country (ISO code such as SY; repeat for more)
    #[arg(long = "country", value_name = "CC")]
    pub countries: Vec<String>,
    /// Skip populated places smaller than this (0 keeps villages of unknown population)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub min_population: u64,
    /// Start from an empty gazetteer instead of the bundled one
    #[arg(long)]
    pub replace: bool,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Extract from this text instead of the store, and print the reports
    #[arg(long, value_name = "TEXT")]
    pub text: Option<String>,
    /// Language of --text (detected when absent)
    #[arg(long, requires = "text")]
    pub lang: Option<Lang>,
    /// Publication date of --text, for "on Thursday" (YYYY-MM-DD) [default: today]
    #[arg(long, value_name = "DATE", requires = "text")]
    pub date: Option<NaiveDate>,
    /// Kind of source --text comes from (a militant official source's reports are claims)
    #[arg(long, value_parser = parse_kind, requires = "text")]
    pub source_kind: Option<SourceKind>,
    /// The actor the source of --text speaks for (e.g. "Islamic State")
    #[arg(long, requires = "text")]
    pub affiliation: Option<String>,
    /// Print the places named in --text instead of the reports: each
    /// mention's text and character span, the place chosen (name, country,
    /// kind, coordinates) and how many places the name could be
    #[arg(long, requires = "text")]
    pub places: bool,
    /// Only these stored documents (ids); all when absent
    #[arg(long = "doc", value_name = "ID", conflicts_with = "text")]
    pub docs: Vec<vigil_model::DocumentId>,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Gold files (JSON Lines: id, text, lang, reference_date, expect).
    /// Scored with the bundled gazetteer, so scores compare across machines
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Score only the first N records of each file (quick checks)
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum KbCommand {
    /// Load and validate the knowledge-base files (the bundled ones, or those in DIR)
    Check {
        /// A directory holding actors.toml, typology.toml and calendar.toml
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Load the demo into this directory instead of <data-dir>/demo
    #[arg(long, value_name = "DIR")]
    pub into: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files or directories (read recursively)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Attribute every document to this source (created if missing)
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,

    /// Language of every document, instead of detecting it (ISO 639-1)
    #[arg(long, value_name = "CODE")]
    pub lang: Option<Lang>,

    /// Read every file as this format instead of telling by its name
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    pub format: Option<Format>,

    /// CSV/TSV columns, e.g. `text=Story,published=Date` (see docs/formats.md)
    #[arg(long, value_name = "MAP", value_parser = parse_csv_map)]
    pub csv_map: Option<CsvMap>,

    /// Reject a document whose text is longer than this many bytes
    #[arg(long, value_name = "BYTES", default_value_t = 2 * 1024 * 1024)]
    pub max_doc_bytes: usize,

    /// Refuse a file larger than this many bytes
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024 * 1024)]
    pub max_file_bytes: u64,

    /// Word-shingle resemblance (0–1) from which a document is a near-duplicate
    #[arg(long, value_name = "R", default_value_t = 0.7, value_parser = parse_unit)]
    pub near_threshold: f64,
}

#[derive(Debug, Subcommand)]
pub enum SourceCommand {
    /// Register a source
    Add(SourceFields),
    /// List sources with their document counts
    List,
    /// Change a source's fields (by id or name)
    Edit(SourceEditArgs),
    /// Create or update sources from a TOML file (see docs/formats.md)
    Import {
        /// The sources file
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct SourceFields {
    /// Unique name
    pub name: String,
    /// Kind of outlet
    #[arg(long, value_parser = parse_kind, default_value = "other")]
    pub kind: SourceKind,
    /// The actor it speaks for or is aligned with
    #[arg(long)]
    pub affiliation: Option<String>,
    /// Languages it publishes in, comma-separated (ar,en)
    #[arg(long = "lang", value_delimiter = ',', value_name = "CODES")]
    pub languages: Vec<Lang>,
    /// Admiralty reliability grade, A (completely reliable) to F (cannot be judged)
    #[arg(long, value_parser = parse_grade)]
    pub reliability: Option<Reliability>,
    /// Home page, channel link or feed address
    #[arg(long)]
    pub url: Option<String>,
    /// Free-text notes
    #[arg(long)]
    pub notes: Option<String>,
}

#[derive(Debug, Args)]
pub struct SourceEditArgs {
    /// The source's id or name
    pub source: String,
    /// New name
    #[arg(long)]
    pub name: Option<String>,
    /// New kind
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<SourceKind>,
    /// New affiliation (empty string clears it)
    #[arg(long)]
    pub affiliation: Option<String>,
    /// New languages, comma-separated
    #[arg(long = "lang", value_delimiter = ',', value_name = "CODES")]
    pub languages: Option<Vec<Lang>>,
    /// New reliability grade A–F (`none` clears it)
    #[arg(long, value_parser = parse_grade_or_none, value_name = "GRADE")]
    pub reliability: Option<MaybeGrade>,
    /// New address (empty string clears it)
    #[arg(long)]
    pub url: Option<String>,
    /// New notes (empty string clears them)
    #[arg(long)]
    pub notes: Option<String>,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words (all must match), "a phrase", a OR b, -excluded, prefix*; quote
    /// the whole query when it holds -excluded words: 'camp -Hol'
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    pub query: Vec<String>,
    /// Only documents of this source (id or name); repeatable
    #[arg(long, value_name = "SOURCE")]
    pub source: Vec<String>,
    /// Only documents of sources of this kind; repeatable
    #[arg(long, value_parser = parse_kind)]
    pub kind: Vec<SourceKind>,
    /// Only documents in this language (ISO 639-1); repeatable
    #[arg(long)]
    pub lang: Vec<Lang>,
    /// Published on or after this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub since: Option<NaiveDate>,
    /// Published on or before this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub until: Option<NaiveDate>,
    /// Hits to show
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Hits to skip (for paging)
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Document id (`12` or `doc:12`)
    pub id: vigil_model::DocumentId,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

fn parse_csv_map(s: &str) -> Result<CsvMap, String> {
    s.parse::<CsvMap>().map_err(|e| e.to_string())
}

fn parse_kind(s: &str) -> Result<SourceKind, String> {
    s.parse()
        .map_err(|e: vigil_model::ParseError| e.to_string())
}

fn parse_grade(s: &str) -> Result<Reliability, String> {
    s.parse()
        .map_err(|e: vigil_model::ParseError| e.to_string())
}

/// A grade, or `none` to clear it.
#[derive(Debug, Clone, Copy)]
pub struct MaybeGrade(pub Option<Reliability>);

fn parse_grade_or_none(s: &str) -> Result<MaybeGrade, String> {
    if s.eq_ignore_ascii_case("none") || s.is_empty() {
        Ok(MaybeGrade(None))
    } else {
        parse_grade(s).map(|g| MaybeGrade(Some(g)))
    }
}

fn parse_unit(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("{s:?} is not a number between 0 and 1")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn flags_are_consistent() {
        Cli::command().debug_assert();
    }
}
