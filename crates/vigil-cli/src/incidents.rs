//! `vigil link`, `vigil incidents`, `vigil incident ...`, `vigil tally`,
//! `vigil surge` over the store, `vigil sites ...`.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use chrono::Utc;
use serde::Serialize;
use vigil_analyze::link::LinkOptions;
use vigil_analyze::relink::{RelinkOptions, RelinkSummary};
use vigil_analyze::review::{review, Review, ReviewAction, ReviewError};
use vigil_analyze::surge::SurgeOptions;
use vigil_analyze::tally::{series_from_counts, Series, TallyQuery};
use vigil_app::surges::{at_week, AtWeek, WeekSurges};
use vigil_model::{Decision, Incident, IncidentId, Measure, ReportId};
use vigil_store::{IncidentFilter, IncidentSort, SortOrder, Store};

use crate::cli::{
    IncidentCommand, IncidentsArgs, LinkArgs, ReviewArgs, SitesCommand, SurgeArgs, TallyArgs,
};
use crate::commands::{open_existing, open_for_bulk, open_store};
use crate::output::{clip, print_pairs, print_table, Output};
use crate::progress::Bar;
use vigil_app::Progress;

pub fn link(dir: &Path, args: &LinkArgs, out: &Output) -> anyhow::Result<ExitCode> {
    if !(args.max_km.is_finite() && args.max_km >= 0.0) {
        bail!(
            "--max-km {} must be a distance of 0 or more (e.g. 25)",
            args.max_km
        );
    }
    let link = LinkOptions {
        max_days: args.max_days,
        max_km: args.max_km,
    };
    if let Some(ids) = &args.why {
        return why(dir, (ids[0], ids[1]), &link, out);
    }
    let mut store = open_for_bulk(dir, true)?;
    let started = Instant::now();
    let opts = RelinkOptions {
        link,
        full: args.full,
        ..RelinkOptions::default()
    };
    let summary = vigil_app::link::link(&mut *store, &opts, &Bar::count(out))?;
    let seconds = started.elapsed().as_secs_f64();
    let total = store.stats()?.incidents;
    if out.json {
        #[derive(Serialize)]
        struct J<'a> {
            #[serde(flatten)]
            summary: &'a RelinkSummary,
            incidents: u64,
            seconds: f64,
        }
        out.json(&J {
            summary: &summary,
            incidents: total,
            seconds,
        })?;
    } else if !out.quiet {
        print_pairs(&[
            ("new reports", summary.new_reports.to_string()),
            ("reports relinked", summary.reports_relinked.to_string()),
            ("incidents replaced", summary.incidents_removed.to_string()),
            ("incidents written", summary.incidents_written.to_string()),
            ("incidents in the store", total.to_string()),
            ("time", format!("{seconds:.2} s")),
        ]);
    }
    Ok(ExitCode::SUCCESS)
}

/// `vigil link --why A B`: whether two reports may tell one event, and if
/// not, the first test that keeps them apart.
fn why(
    dir: &Path,
    (a, b): (i64, i64),
    opts: &LinkOptions,
    out: &Output,
) -> anyhow::Result<ExitCode> {
    let store = open_existing(dir)?;
    let ids = [ReportId(a), ReportId(b)];
    let inputs = store.link_inputs_of(&ids, &[])?;
    let find = |id: ReportId| {
        inputs.iter().find(|i| i.report.id == id).ok_or_else(|| {
            anyhow::anyhow!(
                "no report {} in the store (`vigil incident show ID` lists an incident's reports)",
                id.0
            )
        })
    };
    let (x, y) = (find(ids[0])?, find(ids[1])?);
    let apart = vigil_analyze::incident::why_apart(x, y, opts);
    if out.json {
        #[derive(Serialize)]
        struct J {
            reports: [i64; 2],
            may_link: bool,
            apart: Option<String>,
            reason: Option<&'static str>,
        }
        out.json(&J {
            reports: [a, b],
            may_link: apart.is_none(),
            apart: apart.map(|r| format!("{r:?}")),
            reason: apart.map(|r| r.describe()),
        })?;
    } else {
        match apart {
            None => println!("reports {a} and {b} may tell one event (each joins the incident with the most evidence)"),
            Some(r) => println!("reports {a} and {b} are kept apart: {}", r.describe()),
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn count_text(c: Option<vigil_model::Count>) -> String {
    c.map_or("-".into(), |c| c.value.to_string())
}

fn incident_row(i: &Incident) -> Vec<String> {
    vec![
        i.id.0.to_string(),
        i.date.map_or("-".into(), |d| d.date.to_string()),
        i.sub_event_type.as_str().to_string(),
        i.place.as_ref().map_or("-".into(), |p| clip(p.latin(), 20)),
        clip(&i.perpetrators.join(", "), 22),
        clip(&i.targets.join(", "), 22),
        count_text(i.counts.killed),
        count_text(i.claimed_counts.killed),
        i.status.as_str().to_string(),
        i.reports.len().to_string(),
        i.sites.join(","),
    ]
}

const INCIDENT_HEADER: [&str; 11] = [
    "id",
    "date",
    "type",
    "place",
    "perpetrator",
    "target",
    "killed",
    "claimed",
    "status",
    "reports",
    "site",
];

pub fn list(dir: &Path, args: &IncidentsArgs, out: &Output) -> anyhow::Result<ExitCode> {
    let store = open_existing(dir)?;
    let filter = IncidentFilter {
        since: args.since,
        until: args.until,
        statuses: args.status.clone(),
        facets: args.select.all(),
        sort: match args.sort.as_str() {
            "killed" => IncidentSort::Killed,
            "id" => IncidentSort::Id,
            _ => IncidentSort::Date,
        },
        order: SortOrder::Desc,
        limit: args.limit,
        ..IncidentFilter::default()
    };
    let found = store.list_incidents(&filter)?;
    if out.json {
        out.json(&found)?;
        return Ok(ExitCode::SUCCESS);
    }
    if found.is_empty() {
        println!("no incidents match (run `vigil link` after `vigil extract` to build them)");
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = found.iter().map(incident_row).collect();
    print_table(&INCIDENT_HEADER, &rows);
    Ok(ExitCode::SUCCESS)
}

fn who(review: &ReviewArgs) -> String {
    review
        .by
        .clone()
        .or_else(|| std::env::var("VIGIL_ANALYST").ok())
        .or_else(|| std::env::var("USER").ok())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "analyst".into())
}

fn get(store: &dyn Store, id: i64) -> anyhow::Result<Incident> {
    store
        .incident(IncidentId(id))?
        .with_context(|| format!("no incident {id}: `vigil incidents` lists them"))
}

/// Records a review's decisions (once), links, and says where their
/// reports ended up.
fn decide(
    store: &mut dyn Store,
    incident: i64,
    action: ReviewAction,
    review_args: &ReviewArgs,
    out: &Output,
) -> anyhow::Result<ExitCode> {
    let request = Review {
        incident: IncidentId(incident),
        action,
        who: who(review_args),
        at: Utc::now(),
        note: review_args.note.clone(),
        request_key: None,
    };
    let bar = Bar::count(out);
    let done = review(store, &request, &mut || bar.waiting()).map_err(|e| match e {
        ReviewError::NoIncident(id) | ReviewError::NoOtherIncident(id) => {
            anyhow::anyhow!("no incident {id}: `vigil incidents` lists them")
        }
        ReviewError::Store(e) => anyhow::Error::new(e).context("recording the decision"),
        e => anyhow::anyhow!("{e}"),
    })?;
    let now: Vec<i64> = done.incidents.iter().map(|i| i.0).collect();
    if let Some(why) = &done.pending {
        eprintln!(
            "note: the decision is recorded but not yet applied ({}); `vigil link` applies it",
            crate::output::term(why)
        );
    }
    for d in &done.decisions {
        if out.json {
            #[derive(Serialize)]
            struct J<'a> {
                decision: i64,
                #[serde(flatten)]
                d: &'a Decision,
                incidents: &'a [i64],
                repeated: bool,
                applied: bool,
            }
            out.json(&J {
                decision: d.id,
                d,
                incidents: &now,
                repeated: done.repeated,
                applied: done.pending.is_none(),
            })?;
        } else if !out.quiet {
            println!(
                "decision {} {} ({} by {}); its reports are now in incident{} {}",
                d.id,
                if done.repeated {
                    "was recorded before: nothing added"
                } else {
                    "recorded"
                },
                d.action,
                crate::output::term(&d.who),
                if now.len() == 1 { "" } else { "s" },
                now.iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn incident(dir: &Path, cmd: &IncidentCommand, out: &Output) -> anyhow::Result<ExitCode> {
    let store = || open_existing(dir);
    match cmd {
        IncidentCommand::Show { id } => show(dir, *id, out),
        IncidentCommand::Merge { ids, review } => {
            let with = ids[1..].iter().map(|&i| IncidentId(i)).collect();
            decide(
                &mut *store()?,
                ids[0],
                ReviewAction::Merge { with },
                review,
                out,
            )
        }
        IncidentCommand::Split {
            id,
            reports,
            review,
        } => {
            let reports = reports.iter().map(|&r| ReportId(r)).collect();
            decide(
                &mut *store()?,
                *id,
                ReviewAction::Split { reports },
                review,
                out,
            )
        }
        IncidentCommand::Confirm { id, review } => {
            decide(&mut *store()?, *id, ReviewAction::Confirm, review, out)
        }
        IncidentCommand::Dispute { id, review } => {
            decide(&mut *store()?, *id, ReviewAction::Dispute, review, out)
        }
        IncidentCommand::Edit {
            id,
            changes,
            review,
        } => {
            let changes = changes.clone();
            decide(
                &mut *store()?,
                *id,
                ReviewAction::Edit { changes },
                review,
                out,
            )
        }
    }
}

fn show(dir: &Path, id: i64, out: &Output) -> anyhow::Result<ExitCode> {
    let store = open_existing(dir)?;
    let inc = get(&*store, id)?;
    let inputs = store.link_inputs_of(&inc.reports, &[])?;
    if out.json {
        #[derive(Serialize)]
        struct J<'a> {
            #[serde(flatten)]
            incident: &'a Incident,
            report_details: Vec<serde_json::Value>,
        }
        let details = inputs
            .iter()
            .map(|i| {
                serde_json::json!({
                    "key": i.key.to_string(),
                    "source_kind": i.source_kind,
                    "report": i.report,
                })
            })
            .collect();
        out.json(&J {
            incident: &inc,
            report_details: details,
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    let counts = |c: &vigil_model::Counts| {
        format!(
            "killed {}, injured {}, abducted {}, freed {}",
            count_text(c.killed),
            count_text(c.injured),
            count_text(c.abducted),
            count_text(c.freed)
        )
    };
    print_pairs(&[
        ("incident", inc.id.0.to_string()),
        ("status", inc.status.to_string()),
        (
            "type",
            format!("{} / {}", inc.event_type, inc.sub_event_type),
        ),
        (
            "date",
            inc.date
                .map_or("-".into(), |d| format!("{} ({:?})", d.date, d.precision)),
        ),
        (
            "place",
            inc.place.as_ref().map_or("-".into(), |p| {
                format!(
                    "{} ({}){}",
                    p.label(),
                    p.province.as_deref().unwrap_or("-"),
                    p.lat
                        .zip(p.lon)
                        .map_or(String::new(), |(a, b)| format!(" {a:.3}, {b:.3}"))
                )
            }),
        ),
        ("perpetrators", inc.perpetrators.join(", ")),
        ("targets", inc.targets.join(", ")),
        ("sites", inc.sites.join(", ")),
        ("conservative", counts(&inc.counts)),
        ("highest given", counts(&inc.claimed_counts)),
    ]);
    println!();
    let sources = store.sources()?;
    let mut rows = Vec::new();
    for i in &inputs {
        let doc = store.document(i.report.document_id)?;
        let source = doc
            .as_ref()
            .and_then(|d| sources.iter().find(|s| s.source.id == d.source_id))
            .map(|s| s.source.name.clone())
            .unwrap_or_default();
        rows.push(vec![
            i.report.id.0.to_string(),
            i.key.to_string(),
            clip(&source, 24),
            i.source_kind.to_string(),
            doc.as_ref().map_or("-".into(), |d| d.lang.to_string()),
            i.report.claim_status.to_string(),
            i.report.date.map_or("-".into(), |d| d.date.to_string()),
            count_text(i.report.counts.killed),
            i.report
                .place
                .as_ref()
                .map_or("-".into(), |p| clip(p.latin(), 20)),
        ]);
    }
    print_table(
        &[
            "report", "key", "source", "kind", "lang", "claim", "date", "killed", "place",
        ],
        &rows,
    );
    if !inc.edits.is_empty() {
        println!();
        let rows: Vec<Vec<String>> = inc
            .edits
            .iter()
            .map(|e| {
                vec![
                    e.when.format("%Y-%m-%d %H:%M").to_string(),
                    e.who.clone(),
                    e.what.clone(),
                ]
            })
            .collect();
        print_table(&["when", "who", "decision"], &rows);
    }
    Ok(ExitCode::SUCCESS)
}

fn week_days(s: &Series) -> Vec<String> {
    s.weeks.iter().map(|w| w.start.to_string()).collect()
}

pub fn tally_cmd(dir: &Path, args: &TallyArgs, out: &Output) -> anyhow::Result<ExitCode> {
    let store = open_existing(dir)?;
    let span = vigil_store::incident_span(&*store)?;
    let (from, to) = match (args.from, args.to, span) {
        (Some(a), Some(b), _) => (a, b),
        (a, b, Some((first, last))) => (a.unwrap_or(first), b.unwrap_or(last)),
        _ => bail!("no dated incidents in the store: run `vigil extract` and `vigil link` first, or give --from and --to"),
    };
    if from > to {
        bail!("--from {from} is after --to {to}");
    }
    let q = TallyQuery {
        measure: args.measure,
        by: args.by,
        filters: args.select.all(),
        week_start: args.week_start,
        from,
        to,
    };
    let series = series_from_counts(&store.weekly_counts(&q.weekly_count_query())?, &q);
    let format = if out.json {
        "json"
    } else {
        args.format.as_str()
    };
    match format {
        "json" => out.json(&series)?,
        "csv" => {
            let mut w = csv::Writer::from_writer(std::io::stdout());
            w.write_record(["week_start", "series", "measure", "value"])?;
            for s in &series {
                for wk in &s.weeks {
                    w.write_record([
                        wk.start.to_string(),
                        s.key.clone().unwrap_or_else(|| "all".into()),
                        q.measure.to_string(),
                        wk.value.to_string(),
                    ])?;
                }
            }
            w.flush()?;
        }
        _ => {
            let Some(first) = series.first() else {
                println!("no incidents match");
                return Ok(ExitCode::SUCCESS);
            };
            let mut header = vec!["week".to_string()];
            header.extend(
                series
                    .iter()
                    .map(|s| clip(s.key.as_deref().unwrap_or(q.measure.as_str()), 24)),
            );
            let rows: Vec<Vec<String>> = week_days(first)
                .into_iter()
                .enumerate()
                .map(|(n, day)| {
                    let mut row = vec![day];
                    row.extend(series.iter().map(|s| s.weeks[n].value.to_string()));
                    row
                })
                .collect();
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            print_table(&header, &rows);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `vigil surge` over the store: the week tested against the weeks before.
pub fn surge_store(
    dir: &Path,
    args: &SurgeArgs,
    opts: &SurgeOptions,
    out: &Output,
) -> anyhow::Result<ExitCode> {
    let store = open_existing(dir)?;
    let measure = args.measure.unwrap_or(Measure::Incidents);
    let q = AtWeek {
        week: args.week,
        week_start: args.week_start,
        measure,
        by: args.by,
        filters: args.select.all(),
        opts: opts.clone(),
    };
    let Some(WeekSurges {
        week: last,
        tested,
        mut found,
    }) = at_week(&*store, &q)?
    else {
        bail!("no dated incidents in the store: run `vigil extract` and `vigil link` first, or give --counts")
    };
    if !args.all {
        found.retain(|s| s.surge);
    }
    if out.json {
        out.json(&found)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{measure} in the week of {last} against the {} weeks before ({} series tested)",
        opts.baseline_weeks, tested
    );
    if found.is_empty() {
        println!("no surge (add --all to see every series)");
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|s| {
            let flagged: Vec<&str> = s.tests.iter().filter(|t| t.surge).map(|t| t.test).collect();
            let poisson = s.tests.iter().find(|t| t.test == "poisson");
            let nb = s.tests.iter().find(|t| t.test == "negative_binomial");
            let p = |t: Option<&vigil_analyze::surge::SurgeResult>| {
                t.and_then(|t| t.p_value)
                    .map_or("-".into(), |p| format!("{p:.2e}"))
            };
            vec![
                clip(s.key.as_deref().unwrap_or("all"), 28),
                s.count.to_string(),
                poisson.map_or("-".into(), |t| format!("{:.1}", t.baseline)),
                poisson
                    .and_then(|t| t.ratio)
                    .map_or("-".into(), |r| format!("{r:.2}")),
                p(poisson),
                p(nb),
                if s.surge { "SURGE" } else { "no" }.into(),
                flagged.join(","),
                s.incidents
                    .iter()
                    .take(8)
                    .map(|i| i.0.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
                    + if s.incidents.len() > 8 { ",…" } else { "" },
            ]
        })
        .collect();
    print_table(
        &[
            "series",
            "count",
            "baseline",
            "ratio",
            "poisson p",
            "nb p",
            "verdict",
            "flagged by",
            "incidents",
        ],
        &rows,
    );
    Ok(ExitCode::SUCCESS)
}

pub fn sites(dir: &Path, cmd: &SitesCommand, out: &Output) -> anyhow::Result<ExitCode> {
    match cmd {
        SitesCommand::Load { file } => {
            let sites = vigil_app::sites::load(file)?;
            let mut store = open_store(dir)?;
            store.put_sites(&sites)?;
            let summary =
                vigil_app::link::link(&mut *store, &RelinkOptions::default(), &Bar::count(out))?;
            if out.json {
                out.json(&serde_json::json!({"sites": sites.len(), "link": summary}))?;
            } else if !out.quiet {
                println!(
                    "{} sites loaded from {}; {} incidents relinked to attach them",
                    sites.len(),
                    crate::output::term(&file.display().to_string()),
                    summary.incidents_written
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        SitesCommand::List => {
            let store = open_existing(dir)?;
            let totals = vigil_app::sites::totals(&*store)?;
            if out.json {
                out.json(&totals)?;
                return Ok(ExitCode::SUCCESS);
            }
            if totals.is_empty() {
                println!("no sites: load a sites file with `vigil sites load FILE` (the demo's: data/demo/sites.toml)");
                return Ok(ExitCode::SUCCESS);
            }
            let rows: Vec<Vec<String>> = totals
                .iter()
                .map(|t| {
                    vec![
                        t.key.clone(),
                        clip(&t.name, 32),
                        t.kind.clone(),
                        t.incidents.to_string(),
                        t.attacks.to_string(),
                        t.escapes.to_string(),
                        t.freed.to_string(),
                        t.killed.to_string(),
                    ]
                })
                .collect();
            print_table(
                &[
                    "site",
                    "name",
                    "kind",
                    "incidents",
                    "attacks",
                    "escapes",
                    "freed",
                    "killed",
                ],
                &rows,
            );
            Ok(ExitCode::SUCCESS)
        }
        SitesCommand::Show { key } => {
            let store = open_existing(dir)?;
            let sites = store.sites()?;
            let Some(site) = sites.iter().find(|s| s.key == *key) else {
                bail!(
                    "no site {key:?}; the sites are: {}",
                    sites
                        .iter()
                        .map(|s| s.key.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            };
            let incs = vigil_app::sites::incidents_at(&*store, key)?;
            if out.json {
                out.json(&serde_json::json!({"site": site, "incidents": incs}))?;
                return Ok(ExitCode::SUCCESS);
            }
            println!(
                "{} ({}), {} incidents",
                crate::output::term(&site.name),
                site.kind,
                incs.len()
            );
            let rows: Vec<Vec<String>> = incs.iter().map(incident_row).collect();
            print_table(&INCIDENT_HEADER, &rows);
            Ok(ExitCode::SUCCESS)
        }
    }
}
