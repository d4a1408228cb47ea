//! Expanding the paths given on the command line into files to read.

use std::path::{Path, PathBuf};

use crate::{Format, IngestError};

/// One path met while walking.
#[derive(Debug)]
pub enum WalkEntry {
    /// A file to read, in this format.
    File(PathBuf, Format),
    /// A file found inside a directory whose format is not known: skipped.
    Skipped(PathBuf),
    /// A path that could not be walked or a file named explicitly with an
    /// unknown format.
    Error(IngestError),
}

/// Expands files and directories (recursively, in sorted order so that runs
/// are reproducible) into the files to read. `forced` applies one format to
/// every file. Hidden files and directories (`.git`) are not entered.
pub fn walk(paths: &[PathBuf], forced: Option<Format>) -> Vec<WalkEntry> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let walker = walkdir::WalkDir::new(path)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || !is_hidden(e.path()));
            for entry in walker {
                match entry {
                    Ok(e) if e.file_type().is_file() => {
                        let p = e.into_path();
                        match forced.or_else(|| Format::from_path(&p)) {
                            Some(f) => out.push(WalkEntry::File(p, f)),
                            None => out.push(WalkEntry::Skipped(p)),
                        }
                    }
                    Ok(_) => {}
                    Err(e) => out.push(WalkEntry::Error(IngestError::Io {
                        path: e.path().unwrap_or(path).display().to_string(),
                        source: e
                            .into_io_error()
                            .unwrap_or_else(|| std::io::Error::other("filesystem loop")),
                    })),
                }
            }
        } else if !path.exists() {
            out.push(WalkEntry::Error(IngestError::Io {
                path: path.display().to_string(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no such file or directory",
                ),
            }));
        } else {
            match forced.or_else(|| Format::from_path(path)) {
                Some(f) => out.push(WalkEntry::File(path.clone(), f)),
                None => out.push(WalkEntry::Error(IngestError::UnknownFormat {
                    path: path.display().to_string(),
                })),
            }
        }
    }
    out
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}
