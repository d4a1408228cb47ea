//! Ingesting files: walk, read, prepare, store, summarize.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use serde::Serialize;
use vigil_ingest::{
    prepare, read_file, walk, Format, Item, PrepareOptions, ReadOptions, SkipReason, WalkEntry,
};
use vigil_model::{NewDocument, Origin};
use vigil_store::{DedupOptions, InsertOutcome, Store};

use crate::Progress;

/// What to ingest, and how.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Files and folders to read (folders are walked).
    pub paths: Vec<PathBuf>,
    /// The format of every file, instead of guessing it from its name.
    pub format: Option<Format>,
    /// How files are read.
    pub read: ReadOptions,
    /// How documents are prepared (the source and language they get).
    pub prepare: PrepareOptions,
    /// How copies are recognized.
    pub dedup: DedupOptions,
}

/// Documents are stored in batches of this many, each in one transaction.
/// A file's documents are read whole before storing, so a file that fails
/// to parse part-way keeps only complete records.
const BATCH: usize = 2_000;

/// A record or file that was not stored, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// Where: file, and line or record where known.
    pub at: String,
    /// What is wrong.
    pub reason: String,
}

/// What an ingest run did.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    /// Files read (wholly or partly).
    pub files: u64,
    /// Files refused whole (unreadable, binary, too large, unparseable).
    pub files_rejected: u64,
    /// Paths met in directories and not read: files whose format is not
    /// known, second paths to a file already read (symbolic links), links
    /// back to a folder being walked, things that are not files.
    pub files_skipped: u64,
    /// Every skipped path but those of an unknown format, with why.
    pub skip_list: Vec<Problem>,
    /// Publications stored: every document that is not a copy, with its
    /// own event reports to come.
    pub new: u64,
    /// Of those, publications whose text (but for framing) a stored
    /// publication already has: a formulaic stream, kept apart.
    pub new_text_seen: u64,
    /// Of those, publications like a stored one (word-shingle resemblance
    /// at least `--near-threshold`) without having its text.
    pub new_like_seen: u64,
    /// Copies of the same post again (same source and message id, guid or
    /// URL; without either, same source, time and text): nothing added.
    pub recollected: u64,
    /// Copies recorded: forwards, reposts and re-runs by another source of
    /// a stored publication (never an independent source).
    pub copies: u64,
    /// Records rejected.
    pub records_rejected: u64,
    /// Records holding no document (service messages, empty posts).
    pub records_skipped: u64,
    /// Documents kept with a warning.
    pub warnings: u64,
    /// Every rejected file and record.
    pub rejections: Vec<Problem>,
    /// Every warning.
    pub warning_list: Vec<Problem>,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Documents (publications and copies) per second.
    pub docs_per_second: f64,
    /// Bytes of input read.
    pub bytes: u64,
}

impl Summary {
    /// Whether any file or record was rejected (exit status 3).
    pub fn rejected_anything(&self) -> bool {
        self.files_rejected > 0 || self.records_rejected > 0
    }

    /// Documents stored or recognized: publications and copies.
    pub fn documents(&self) -> u64 {
        self.new + self.recollected + self.copies
    }

    /// Adds a file's counts of files, records, rejections and warnings.
    fn absorb(&mut self, file: Summary) {
        self.files += file.files;
        self.files_rejected += file.files_rejected;
        self.files_skipped += file.files_skipped;
        self.skip_list.extend(file.skip_list);
        self.records_rejected += file.records_rejected;
        self.records_skipped += file.records_skipped;
        self.warnings += file.warnings;
        self.rejections.extend(file.rejections);
        self.warning_list.extend(file.warning_list);
    }

    fn count(&mut self, outcome: &InsertOutcome) {
        match outcome {
            InsertOutcome::New { seen, .. } => {
                self.new += 1;
                match seen {
                    Some(s) if s.similarity >= 1.0 => self.new_text_seen += 1,
                    Some(_) => self.new_like_seen += 1,
                    None => {}
                }
            }
            InsertOutcome::Recollected { .. } => self.recollected += 1,
            InsertOutcome::Copy { .. } => self.copies += 1,
        }
    }
}

/// One file read and prepared, with what went wrong in it.
struct FileRead {
    /// None for an entry that was not read (skipped, or refused by the walk).
    path: Option<PathBuf>,
    size: u64,
    docs: Vec<NewDocument>,
    /// Its files, records, rejections and warnings (documents are counted
    /// when stored).
    tally: Summary,
}

/// What the reading thread hands to the storing one: a file's documents
/// a batch at a time while it reads (so that a large file is never held
/// whole), then the file itself with the rest.
enum Read {
    Batch(PathBuf, Vec<NewDocument>),
    File(FileRead),
}

impl FileRead {
    fn nothing(tally: Summary) -> FileRead {
        FileRead {
            path: None,
            size: 0,
            docs: Vec::new(),
            tally,
        }
    }
}

/// Ingests the paths of `opts` into `store`, reporting the bytes read to
/// `progress`. With `rebase = Some((root, label))`, file names under `root`
/// are recorded as `label/...` (the demo unpacks into a temporary
/// directory whose name means nothing once it is gone).
pub fn ingest_files<S: Store + ?Sized>(
    store: &mut S,
    opts: &IngestOptions,
    rebase: Option<(&Path, &str)>,
    progress: &dyn Progress,
) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let (read_opts, prep, dedup) = (&opts.read, &opts.prepare, opts.dedup);
    let mut summary = Summary::default();

    let entries = walk(&opts.paths, opts.format);
    let total_bytes: u64 = entries
        .iter()
        .filter_map(|e| match e {
            WalkEntry::File(p, _) => std::fs::metadata(p).ok().map(|m| m.len()),
            _ => None,
        })
        .sum();
    progress.start(total_bytes);

    // One thread reads and prepares the files (parsing, normalization,
    // fingerprints) while this one stores the previous file's documents.
    let read_entry = |entry: WalkEntry, send: &dyn Fn(Read) -> bool| -> FileRead {
        let mut tally = Summary::default();
        let (path, format) = match entry {
            WalkEntry::File(p, f) => (p, f),
            WalkEntry::Skipped(p, why) => {
                tally.files_skipped += 1;
                tracing::debug!(path = %p.display(), reason = %why, "skipped");
                if why != SkipReason::UnknownFormat {
                    tally.skip_list.push(Problem {
                        at: p.display().to_string(),
                        reason: why.to_string(),
                    });
                }
                return FileRead::nothing(tally);
            }
            WalkEntry::Error(e) => {
                tally.files_rejected += 1;
                tally.rejections.push(Problem {
                    at: String::new(),
                    reason: e.to_string(),
                });
                return FileRead::nothing(tally);
            }
        };
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let span = tracing::info_span!("file", path = %path.display(), %format);
        let _guard = span.enter();

        let mut docs = Vec::new();
        let mut sent = 0;
        let shown = rebase.and_then(|(root, label)| {
            let rest = path.strip_prefix(root).ok()?;
            Some(format!("{label}/{}", rest.display()))
        });
        let relabel = |mut origin: Origin| {
            if let Some(s) = &shown {
                origin.file = Some(s.clone());
            }
            origin
        };
        let result = read_file(&path, Some(format), read_opts, &mut |item| match item {
            Item::Document(mut raw) => {
                raw.origin = relabel(raw.origin);
                docs.push(prepare(raw, prep));
                if docs.len() >= BATCH {
                    sent += docs.len();
                    // When the storing side stopped (an error), the rest
                    // of the file is read for nothing: it ends soon.
                    send(Read::Batch(path.clone(), std::mem::take(&mut docs)));
                }
            }
            Item::Rejected { origin, reason } => {
                tally.records_rejected += 1;
                tally.rejections.push(Problem {
                    at: relabel(origin).to_string(),
                    reason,
                });
            }
            Item::Skipped { origin, reason } => {
                tally.records_skipped += 1;
                tracing::trace!(%origin, %reason, "skipped record");
            }
            Item::Warning { origin, message } => {
                tally.warnings += 1;
                tally.warning_list.push(Problem {
                    at: relabel(origin).to_string(),
                    reason: message,
                });
            }
        });
        tally.files += 1;
        if let Err(e) = result {
            tally.files_rejected += 1;
            let kept = if docs.is_empty() && sent == 0 {
                String::new()
            } else {
                format!(
                    " ({} complete records before the error were kept)",
                    sent + docs.len()
                )
            };
            tally.rejections.push(Problem {
                at: String::new(),
                reason: format!("{e}{kept}"),
            });
        }
        FileRead {
            path: Some(path),
            size,
            docs,
            tally,
        }
    };
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Read>(1);
        scope.spawn(move || {
            let send = |read: Read| tx.send(read).is_ok();
            for entry in entries {
                let file = read_entry(entry, &send);
                if !send(Read::File(file)) {
                    break;
                }
            }
        });
        let mut store_batch = |path: &Path, docs: &[NewDocument]| -> anyhow::Result<()> {
            for chunk in docs.chunks(BATCH) {
                let outcomes = store
                    .insert_documents(chunk, &dedup)
                    .with_context(|| format!("storing documents from {}", path.display()))?;
                for o in &outcomes {
                    summary.count(o);
                }
            }
            Ok(())
        };
        let mut files = Vec::new();
        for read in rx {
            match read {
                Read::Batch(path, docs) => {
                    progress.message(&path.display().to_string());
                    store_batch(&path, &docs)?;
                }
                Read::File(file) => {
                    if let Some(path) = &file.path {
                        progress.message(&path.display().to_string());
                        store_batch(path, &file.docs)?;
                        tracing::info!(path = %path.display(), "file stored");
                        progress.advance(file.size);
                    }
                    files.push((file.tally, file.size, file.path.is_some()));
                }
            }
        }
        for (tally, size, read) in files {
            summary.absorb(tally);
            if read {
                summary.bytes += size;
            }
        }
        Ok(())
    })?;
    progress.finish();
    summary.seconds = started.elapsed().as_secs_f64();
    summary.docs_per_second = summary.documents() as f64 / summary.seconds.max(1e-9);
    Ok(summary)
}
