//! The small commands: source, search, show, stats.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use serde::Serialize;
use vigil_model::{NewSource, Source};
use vigil_store::{BoxStore, OpenOptions, SearchQuery, SourcePatch};

use crate::cli::{SearchArgs, ShowArgs, SourceCommand, SourceEditArgs};
use crate::output::{clip, print_pairs, print_table, Output};

/// The store file inside a data directory.
pub fn store_path(dir: &Path) -> PathBuf {
    dir.join("vigil.sqlite")
}

/// Opens (creating) the store of a data directory.
pub fn open_store(dir: &Path) -> anyhow::Result<BoxStore> {
    open_with(dir, &OpenOptions::default())
}

/// The CLI's composition root: the store of a data directory, behind its
/// contract (`vigil_store::open_with` picks the backend).
fn open_with(dir: &Path, opts: &OpenOptions) -> anyhow::Result<BoxStore> {
    let path = store_path(dir);
    vigil_store::open_with(&path, opts)
        .with_context(|| format!("opening the store at {}", path.display()))
}

/// Page cache, MiB, of the commands that read and write a whole store.
const BULK_CACHE_MIB: u32 = 256;

/// Opens the store for a command that works through all of it (ingest,
/// extract, link), with a larger page cache.
pub fn open_for_bulk(dir: &Path, must_exist: bool) -> anyhow::Result<BoxStore> {
    if must_exist {
        must_exist_at(dir)?;
    }
    open_with(
        dir,
        &OpenOptions {
            cache_mib: Some(BULK_CACHE_MIB),
        },
    )
}

/// Opens the store of a data directory for reading; a missing store is an
/// error that says how to make one, not a silently created empty file.
pub fn open_existing(dir: &Path) -> anyhow::Result<BoxStore> {
    must_exist_at(dir)?;
    open_store(dir)
}

fn must_exist_at(dir: &Path) -> anyhow::Result<()> {
    let path = store_path(dir);
    if !path.exists() {
        bail!(
            "no store at {}: run `vigil ingest PATH` or `vigil demo` first, or point --data-dir at an existing store",
            path.display()
        );
    }
    Ok(())
}

pub fn source(dir: &Path, cmd: SourceCommand, out: &Output) -> anyhow::Result<ExitCode> {
    let mut store = open_store(dir)?;
    match cmd {
        SourceCommand::Add(f) => {
            if store.source(&f.name)?.is_some() {
                bail!(
                    "a source named {:?} already exists; use `vigil source edit`",
                    f.name
                );
            }
            let (s, _) = store.put_source(&NewSource {
                name: f.name,
                kind: f.kind,
                affiliation: f.affiliation,
                languages: f.languages,
                reliability: f.reliability,
                url: f.url,
                notes: f.notes,
            })?;
            print_source(&s, out)?;
        }
        SourceCommand::List => {
            let all = store.sources()?;
            if out.json {
                return out.json(&all).map(|_| ExitCode::SUCCESS);
            }
            let rows: Vec<Vec<String>> = all
                .iter()
                .map(|s| {
                    let src = &s.source;
                    vec![
                        src.id.to_string(),
                        clip(&src.name, 40),
                        src.kind.to_string(),
                        src.reliability
                            .map(|r| r.letter().to_string())
                            .unwrap_or_else(|| "-".into()),
                        src.languages
                            .iter()
                            .map(|l| l.as_str())
                            .collect::<Vec<_>>()
                            .join(","),
                        clip(src.affiliation.as_deref().unwrap_or("-"), 30),
                        s.documents.to_string(),
                        s.copies.to_string(),
                    ]
                })
                .collect();
            print_table(
                &[
                    "id",
                    "name",
                    "kind",
                    "grade",
                    "langs",
                    "affiliation",
                    "docs",
                    "copies",
                ],
                &rows,
            );
        }
        SourceCommand::Edit(e) => {
            let s = store.edit_source(&e.source.clone(), &patch(e))?;
            print_source(&s, out)?;
        }
        SourceCommand::Import { file } => {
            let (created, updated) = vigil_app::sources::import(&mut *store, &file)?;
            if out.json {
                out.json(&serde_json::json!({"created": created, "updated": updated}))?;
            } else if !out.quiet {
                println!(
                    "{created} sources created, {updated} updated from {}",
                    crate::output::term(&file.display().to_string())
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn patch(e: SourceEditArgs) -> SourcePatch {
    let clearable = |v: Option<String>| v.map(|s| Some(s).filter(|s| !s.is_empty()));
    SourcePatch {
        name: e.name,
        kind: e.kind,
        affiliation: clearable(e.affiliation),
        languages: e.languages,
        reliability: e.reliability.map(|g| g.0),
        url: clearable(e.url),
        notes: clearable(e.notes),
    }
}

fn print_source(s: &Source, out: &Output) -> anyhow::Result<()> {
    if out.json {
        return out.json(s);
    }
    print_pairs(&[
        ("id", s.id.to_string()),
        ("name", s.name.clone()),
        ("kind", s.kind.to_string()),
        (
            "affiliation",
            s.affiliation.clone().unwrap_or_else(|| "-".into()),
        ),
        (
            "languages",
            s.languages
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "reliability",
            s.reliability
                .map(|r| format!("{} ({})", r.letter(), r.meaning()))
                .unwrap_or_else(|| "-".into()),
        ),
        ("url", s.url.clone().unwrap_or_else(|| "-".into())),
        ("notes", s.notes.clone().unwrap_or_else(|| "-".into())),
    ]);
    Ok(())
}

pub fn search(dir: &Path, args: &SearchArgs, out: &Output) -> anyhow::Result<ExitCode> {
    let store = open_existing(dir)?;
    let mut sources = Vec::new();
    for key in &args.source {
        let s = store
            .source(key)?
            .with_context(|| format!("no source {key:?}; see `vigil source list`"))?;
        sources.push(s.id);
    }
    let query = SearchQuery {
        text: args.query.join(" "),
        sources,
        source_kinds: args.kind.clone(),
        langs: args.lang.clone(),
        since: args.since,
        until: args.until,
        limit: args.limit,
        offset: args.offset,
    };
    let results = store.search(&query)?;
    if out.json {
        out.json(&results)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = results
        .hits
        .iter()
        .map(|h| {
            vec![
                h.id.to_string(),
                h.published
                    .map(|p| p.format("%Y-%m-%d").to_string())
                    .unwrap_or_else(|| "-".into()),
                h.lang.to_string(),
                clip(&h.source, 28),
                clip(h.title.as_deref().unwrap_or(&h.snippet), 60),
            ]
        })
        .collect();
    print_table(
        &["id", "published", "lang", "source", "title or passage"],
        &rows,
    );
    if !out.quiet {
        let shown = results.hits.len();
        println!(
            "\n{} of {} matching documents (from {}); `vigil show ID` for one",
            shown,
            results.total,
            args.offset + 1
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct ShowJson<'a> {
    document: &'a vigil_model::Document,
    source: &'a Source,
    copies: &'a [vigil_model::DocumentCopy],
}

pub fn show(dir: &Path, args: &ShowArgs, out: &Output) -> anyhow::Result<ExitCode> {
    let store = open_existing(dir)?;
    let doc = store
        .document(args.id)?
        .with_context(|| format!("no document {}; `vigil search` finds ids", args.id))?;
    let source = store.source(&doc.source_id.to_string())?.with_context(|| {
        format!(
            "document {} names a missing source {}",
            doc.id, doc.source_id
        )
    })?;
    let copies = store.copies(doc.id)?;
    if out.json {
        out.json(&ShowJson {
            document: &doc,
            source: &source,
            copies: &copies,
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut rows = vec![
        ("document", doc.id.to_string()),
        (
            "source",
            format!(
                "{} ({}, grade {})",
                source.name,
                source.kind,
                source
                    .reliability
                    .map(|r| r.letter().to_string())
                    .unwrap_or_else(|| "-".into())
            ),
        ),
        (
            "published",
            doc.published
                .map(|p| p.to_rfc3339())
                .unwrap_or_else(|| "unknown".into()),
        ),
        ("language", doc.lang.to_string()),
        ("title", doc.title.clone().unwrap_or_else(|| "-".into())),
        ("url", doc.url.clone().unwrap_or_else(|| "-".into())),
        ("origin", doc.origin.to_string()),
        ("content hash", doc.content_hash.to_string()),
    ];
    if let Some(f) = &doc.forwarded_from {
        rows.push(("forwarded from", f.clone()));
    }
    print_pairs(&rows);
    println!();
    // Control characters other than newlines and tabs are shown as spaces,
    // and bidi overrides and isolates are dropped: a hostile document must
    // not drive the analyst's terminal or reorder what they read.
    let safe: String = doc
        .text
        .chars()
        .filter(|c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                ' '
            } else {
                c
            }
        })
        .collect();
    println!("{safe}");
    if !copies.is_empty() {
        println!("\nalso seen as:");
        let rows: Vec<Vec<String>> = copies
            .iter()
            .map(|c| {
                let name = store
                    .source(&c.source_id.to_string())
                    .ok()
                    .flatten()
                    .map(|s| s.name)
                    .unwrap_or_else(|| c.source_id.to_string());
                vec![
                    c.kind.to_string(),
                    format!("{:.2}", c.similarity),
                    clip(&name, 30),
                    c.published
                        .map(|p| p.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_else(|| "-".into()),
                    c.origin.to_string(),
                ]
            })
            .collect();
        print_table(
            &["kind", "similarity", "source", "published", "origin"],
            &rows,
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn stats(dir: &Path, out: &Output) -> anyhow::Result<ExitCode> {
    let store = open_existing(dir)?;
    let s = store.stats()?;
    if out.json {
        out.json(&s)?;
        return Ok(ExitCode::SUCCESS);
    }
    print_stats(&s, &store_path(dir));
    Ok(ExitCode::SUCCESS)
}

/// Prints store counts as a table.
pub fn print_stats(s: &vigil_store::Stats, path: &Path) {
    let join = |v: Vec<String>| {
        if v.is_empty() {
            "-".to_string()
        } else {
            v.join(", ")
        }
    };
    let day = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "-".into())
    };
    print_pairs(&[
        ("store", path.display().to_string()),
        ("sources", s.sources.to_string()),
        ("documents", s.documents.to_string()),
        (
            "copies",
            join(s.copies.iter().map(|(k, n)| format!("{n} {k}")).collect()),
        ),
        (
            "languages",
            join(
                s.languages
                    .iter()
                    .map(|(l, n)| format!("{l} {n}"))
                    .collect(),
            ),
        ),
        (
            "source kinds",
            join(
                s.source_kinds
                    .iter()
                    .map(|(k, n)| format!("{k} {n}"))
                    .collect(),
            ),
        ),
        (
            "published",
            format!("{} to {}", day(s.first_published), day(s.last_published)),
        ),
        ("event reports", s.event_reports.to_string()),
        ("incidents", s.incidents.to_string()),
    ]);
    let near = s
        .copies
        .iter()
        .find(|(k, _)| *k == vigil_model::CopyKind::Near)
        .map_or(0, |c| c.1);
    if near > 0 {
        println!(
            "\nnote: {near} near copies were recorded by a Vigil before schema 0008, which took \
             resembling texts for copies; their texts were not kept, so they could not be judged \
             again (some are publications of their own: other villages, numbers or days). \
             Ingest their files again (`vigil show ID` names each copy's file) to judge them \
             by the current rule (README, \"Copies and publications\")."
        );
    }
}
