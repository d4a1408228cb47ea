//! Command-line flags. Every doc comment here is the user's `--help`.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use vigil_ingest::{CsvMap, Format};
use vigil_model::{AlertId, Lang, Reliability, SourceKind, WeekStart};

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
    /// Check the knowledge base (actors, typology, calendar, claims, places, framing)
    #[command(subcommand)]
    Kb(KbCommand),
    /// Serve the JSON API over the store (see /api/openapi.json)
    Serve(ServeArgs),
    /// The gazetteer: import a GeoNames dump, show the one in use, look up a name
    #[command(subcommand)]
    Gazetteer(GazetteerCommand),
    /// Link event reports into incidents (only what changed, unless --full)
    Link(LinkArgs),
    /// List incidents, with filters
    Incidents(IncidentsArgs),
    /// One incident, and the analyst's review: merge, split, confirm, dispute, edit
    #[command(subcommand)]
    Incident(IncidentCommand),
    /// Weekly counts of incidents, claimed attacks or fatalities, split by a dimension
    Tally(TallyArgs),
    /// Surge tests: is this week unusual against the weeks before it?
    Surge(SurgeArgs),
    /// Watched sites (prisons, camps, bases): load the sites file, list, timeline
    #[command(subcommand)]
    Sites(SitesCommand),
    /// Narratives: tag documents with the themes they carry, weekly shares
    #[command(subcommand)]
    Narratives(NarrativesCommand),
    /// Alerts: evaluate rules, deliver webhooks, the alert feed
    #[command(subcommand)]
    Alerts(AlertsCommand),
}

#[derive(Debug, Args)]
pub struct LinkArgs {
    /// Relink every report, not only the new and re-extracted ones
    #[arg(long)]
    pub full: bool,
    /// Days between two reports of one event (both dated to the day)
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(i64).range(0..=30))]
    pub max_days: i64,
    /// Kilometres between two reports' places (both placed at a town)
    #[arg(long, default_value_t = 25.0, value_name = "KM")]
    pub max_km: f64,
    /// Link nothing: say whether two reports may tell one event, and if
    /// not, which test keeps them apart (report ids, as `vigil incident
    /// show` lists them)
    #[arg(long, num_args = 2, value_names = ["REPORT", "REPORT"])]
    pub why: Option<Vec<i64>>,
}

/// Which incidents: the filters shared by `incidents`, `tally` and `surge`.
#[derive(Debug, Args, Clone, Default)]
pub struct IncidentSelection {
    /// Only incidents with this value of a dimension, as DIMENSION=VALUE
    /// (perpetrator, target, event_type, sub_event_type, attack_mode,
    /// province, site, status, source_kind); repeat to combine. An actor
    /// may be named by any alias of the knowledge base (SDF, قسد)
    #[arg(long = "where", value_name = "DIM=VALUE", value_parser = parse_facet)]
    pub filters: Vec<(vigil_model::Dimension, String)>,
    /// Shorthand for --where perpetrator=NAME
    #[arg(long, value_name = "NAME")]
    pub perpetrator: Option<String>,
    /// Shorthand for --where target=NAME
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,
    /// Shorthand for --where province=NAME
    #[arg(long, value_name = "NAME")]
    pub province: Option<String>,
    /// Shorthand for --where site=KEY
    #[arg(long, value_name = "KEY")]
    pub site: Option<String>,
}

impl IncidentSelection {
    /// Every filter, the shorthands included, actors by their canonical
    /// names.
    pub fn all(&self) -> Vec<(vigil_model::Dimension, String)> {
        use vigil_model::Dimension;
        let mut out = self.filters.clone();
        for (dim, v) in [
            (Dimension::Perpetrator, &self.perpetrator),
            (Dimension::Target, &self.target),
            (Dimension::Province, &self.province),
            (Dimension::Site, &self.site),
        ] {
            if let Some(v) = v {
                out.push((dim, v.clone()));
            }
        }
        vigil_analyze::incident::canonical_filters(out)
    }
}

fn parse_facet(s: &str) -> Result<(vigil_model::Dimension, String), String> {
    let (dim, value) = s.split_once('=').ok_or_else(|| {
        format!("{s:?} is not DIMENSION=VALUE (e.g. target=Syrian Democratic Forces)")
    })?;
    let dim = dim
        .parse()
        .map_err(|e: vigil_model::ParseError| e.to_string())?;
    if value.trim().is_empty() {
        return Err(format!("{s:?} gives no value after '='"));
    }
    Ok((dim, value.trim().to_string()))
}

#[derive(Debug, Args)]
pub struct IncidentsArgs {
    #[command(flatten)]
    pub select: IncidentSelection,
    /// Only incidents with this status (claim_only, reported, corroborated, confirmed, disputed)
    #[arg(long, value_name = "STATUS")]
    pub status: Vec<vigil_model::IncidentStatus>,
    /// Events on or after this day
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub since: Option<NaiveDate>,
    /// Events on or before this day
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub until: Option<NaiveDate>,
    /// Order: date, killed or id, newest or highest first
    #[arg(long, default_value = "date", value_name = "KEY", value_parser = ["date", "killed", "id"])]
    pub sort: String,
    /// Incidents to show
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub limit: usize,
}

#[derive(Debug, Subcommand)]
pub enum IncidentCommand {
    /// One incident: estimates, status, sites, every report and the decisions about it
    Show {
        /// The incident's id
        id: i64,
    },
    /// The incidents tell one event: merge them into the first
    Merge {
        /// Two or more incident ids
        #[arg(num_args = 2.., required = true)]
        ids: Vec<i64>,
        #[command(flatten)]
        review: ReviewArgs,
    },
    /// These reports tell an event of their own: take them out of their incident
    Split {
        /// The incident's id
        id: i64,
        /// Report ids to take out (see `vigil incident show`)
        #[arg(long, value_delimiter = ',', required = true, value_name = "ID,...")]
        reports: Vec<i64>,
        #[command(flatten)]
        review: ReviewArgs,
    },
    /// The event is confirmed
    Confirm {
        /// The incident's id
        id: i64,
        #[command(flatten)]
        review: ReviewArgs,
    },
    /// The event is disputed or denied
    Dispute {
        /// The incident's id
        id: i64,
        #[command(flatten)]
        review: ReviewArgs,
    },
    /// Set a field, overriding the estimate: killed, injured, abducted, freed, date, sub_event_type
    Edit {
        /// The incident's id
        id: i64,
        /// FIELD=VALUE, e.g. killed=6 or date=2019-10-11; repeat for several
        #[arg(long = "set", required = true, value_name = "FIELD=VALUE", value_parser = parse_change)]
        changes: Vec<vigil_model::IncidentChange>,
        #[command(flatten)]
        review: ReviewArgs,
    },
}

fn parse_zone(s: &str) -> Result<vigil_extract::dates::Tz, String> {
    s.trim().parse().map_err(|_| {
        format!("{s:?} is not an IANA time-zone name: use one such as Asia/Damascus, Asia/Baghdad, Europe/Istanbul or UTC")
    })
}

fn parse_change(s: &str) -> Result<vigil_model::IncidentChange, String> {
    vigil_model::IncidentChange::parse(s).map_err(|e| e.to_string())
}

/// Who made a review decision, and why.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Who decides [default: $VIGIL_ANALYST, else $USER]
    #[arg(long = "by", value_name = "NAME")]
    pub by: Option<String>,
    /// Why, in a sentence, kept with the decision
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct TallyArgs {
    #[command(flatten)]
    pub select: IncidentSelection,
    /// What to count: incidents, claims (claimed attacks) or fatalities
    #[arg(long, default_value = "incidents", value_name = "MEASURE")]
    pub measure: vigil_model::Measure,
    /// One series per value of this dimension
    #[arg(long, value_name = "DIMENSION")]
    pub by: Option<vigil_model::Dimension>,
    /// First day of the week, any day named in English: monday (ISO weeks),
    /// saturday (ACLED's), wednesday (the week after an event on a Wednesday), …
    #[arg(long, default_value = "monday", value_name = "DAY")]
    pub week_start: vigil_model::WeekStart,
    /// The first week: the one holding this day [default: the earliest incident]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<NaiveDate>,
    /// The last week: the one holding this day [default: the latest incident]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<NaiveDate>,
    /// Output: table, csv or json (--json is the same as --format json)
    #[arg(long, default_value = "table", value_name = "FORMAT", value_parser = ["table", "csv", "json"])]
    pub format: String,
}

#[derive(Debug, Args)]
pub struct SurgeArgs {
    /// Test a series typed by hand instead of the store's: weekly counts,
    /// oldest first, the week to test last (e.g. 10,10,10,27)
    #[arg(long, value_delimiter = ',', value_name = "N,N,...", conflicts_with_all = ["week", "by", "measure"])]
    pub counts: Vec<u64>,
    #[command(flatten)]
    pub select: IncidentSelection,
    /// What to count: incidents, claims (claimed attacks) or fatalities
    #[arg(long, value_name = "MEASURE")]
    pub measure: Option<vigil_model::Measure>,
    /// Test one series per value of this dimension
    #[arg(long, value_name = "DIMENSION")]
    pub by: Option<vigil_model::Dimension>,
    /// The week to test: the one holding this day [default: the latest incident's]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub week: Option<NaiveDate>,
    /// First day of the week, any day named in English: monday (ISO weeks),
    /// saturday (ACLED's), wednesday (the week after an event on a Wednesday), …
    #[arg(long, default_value = "monday", value_name = "DAY")]
    pub week_start: vigil_model::WeekStart,
    /// Show every series, not only those flagged
    #[arg(long)]
    pub all: bool,
    /// Weeks before the tested one that make the baseline
    #[arg(long, default_value_t = 3, value_name = "K", value_parser = clap::value_parser!(u64).range(1..=520))]
    pub baseline_weeks: u64,
    /// Tail probability below which the Poisson and negative-binomial tests flag a surge
    #[arg(long, default_value_t = 0.01, value_name = "P")]
    pub alpha: f64,
    /// Floor of the baseline's standard deviation in the EARS tests
    #[arg(long, default_value_t = 1.0, value_name = "SD")]
    pub min_sigma: f64,
    /// A week with fewer than this is never flagged (an empty baseline makes any count "unusual")
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub min_count: u64,
}

#[derive(Debug, Subcommand)]
pub enum SitesCommand {
    /// Load a sites file (TOML: key, name, kind, lat, lon, radius_km, names), replacing the sites
    Load {
        /// The sites file
        file: PathBuf,
    },
    /// Each site with its incidents, attacks, escapes and people freed
    List,
    /// One site's timeline: its incidents, oldest first
    Show {
        /// The site's key
        key: String,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (127.0.0.1 keeps it to this machine; any other
    /// needs --insecure-bind)
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: std::net::IpAddr,
    /// Allow a non-loopback --bind (0.0.0.0, a LAN address) and answer any
    /// Host name (a reverse proxy's). There are no accounts yet: anyone who
    /// reaches the port reads the store and takes review actions
    #[arg(long)]
    pub insecure_bind: bool,
    /// Port to listen on
    #[arg(long, default_value_t = 8080, value_name = "N")]
    pub port: u16,
    /// The narratives file the store was tagged with (`vigil narratives tag
    /// --file`), for the names and descriptions the dashboard shows
    /// [default: the bundled demo narratives]
    #[arg(long, value_name = "FILE")]
    pub narratives: Option<std::path::PathBuf>,
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
    /// Publication date of --text, for "on Thursday" (YYYY-MM-DD) [default: today, in --time-zone]
    #[arg(long, value_name = "DATE", requires = "text")]
    pub date: Option<NaiveDate>,
    /// The time zone whose local day a publication time (kept in UTC) is
    /// read in: the day "today", "أمس" and "on Thursday" count from and an
    /// undated report is dated to. An IANA name (Asia/Baghdad, UTC)
    /// [default: the region's, Asia/Damascus, from the calendar file's
    /// time_zones]
    #[arg(long, env = "VIGIL_TIME_ZONE", value_name = "ZONE", value_parser = parse_zone)]
    pub time_zone: Option<vigil_extract::dates::Tz>,
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
    /// Use the knowledge base in DIR (an edited copy of data/kb/; a file
    /// it lacks is the bundled one) instead of the bundled one
    #[arg(long, value_name = "DIR", env = "VIGIL_KB")]
    pub kb: Option<PathBuf>,
    /// Threads extracting at once [default: one per core]
    #[arg(long, short = 'j', value_name = "N", conflicts_with = "text",
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,
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
    /// Use the knowledge base in DIR (an edited copy of data/kb/) instead
    /// of the bundled one
    #[arg(long, value_name = "DIR", env = "VIGIL_KB")]
    pub kb: Option<PathBuf>,
    /// List each field the engine got wrong on the tuning part of a claims
    /// file (id, field, gold, ours) instead of the scores. Never the check
    /// part: rules written from its errors would only fit them
    #[arg(long)]
    pub errors: bool,
}

#[derive(Debug, Subcommand)]
pub enum KbCommand {
    /// Load and validate the knowledge-base files (the bundled ones, or those in DIR)
    Check {
        /// A directory holding edited copies of data/kb/'s files (actors,
        /// typology, calendar, claims, places, framing); a file it lacks is
        /// the bundled one
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

    /// Word-shingle resemblance (0–1) from which a new publication is counted as like one seen
    /// before (copies are judged by identity and framing, not by resemblance)
    #[arg(long, value_name = "R", default_value_t = 0.7, value_parser = parse_unit)]
    pub near_threshold: f64,
}

impl IngestArgs {
    /// What `vigil_app::ingest` takes.
    pub fn options(self) -> vigil_app::ingest::IngestOptions {
        vigil_app::ingest::IngestOptions {
            paths: self.paths,
            format: self.format,
            read: vigil_ingest::ReadOptions {
                max_doc_bytes: self.max_doc_bytes,
                max_file_bytes: self.max_file_bytes,
                csv_map: self.csv_map.unwrap_or_default(),
            },
            prepare: vigil_ingest::PrepareOptions {
                source: self.source,
                lang: self.lang,
            },
            dedup: vigil_store::DedupOptions {
                near_threshold: self.near_threshold,
                ..vigil_store::DedupOptions::default()
            },
        }
    }
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

// ---- vigil alerts -----------------------------------------------------------

#[derive(Debug, Subcommand)]
pub enum AlertsCommand {
    /// Evaluate the rules over the store and record new alerts (each
    /// condition fires once) with their pending webhook deliveries
    Check(CheckArgs),
    /// Send pending webhook deliveries, retrying with backoff; a delivery
    /// out of attempts is kept as a dead letter
    Deliver(DeliverArgs),
    /// The alert feed, newest first
    List(ListArgs),
    /// Acknowledge an alert
    Ack(AckArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The rules file [default: the bundled demo rules]
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// The narratives file whose tags narrative_rising rules read [default: the bundled demo narratives]
    #[arg(long, value_name = "FILE")]
    pub narratives: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DeliverArgs {
    /// The rules file holding the [[webhook]] channels [default: the bundled demo rules]
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Longest time the pass waits for retries falling due, in seconds;
    /// later retries are left for the next pass
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub max_wait: u64,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only alerts not yet acknowledged
    #[arg(long)]
    pub unacked: bool,
    /// Alerts to show
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct AckArgs {
    /// The alert's id (`3` or `alert:3`)
    pub id: AlertId,
    /// Who acknowledges it [default: $USER]
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
}

// ---- vigil narratives -------------------------------------------------------

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
pub enum NarrativeFormat {
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
    pub format: NarrativeFormat,
    /// Weeks before a week that make its baseline in the rising test
    #[arg(long, default_value_t = 3, value_name = "K", value_parser = clap::value_parser!(u64).range(1..=520))]
    pub baseline_weeks: u64,
    /// Tail probability below which the Poisson and negative-binomial tests flag a rise
    #[arg(long, default_value_t = 0.01, value_name = "P")]
    pub alpha: f64,
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
