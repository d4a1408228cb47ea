//! Expanding the paths given on the command line into files to read.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::{Format, IngestError};

/// One path met while walking.
#[derive(Debug)]
pub enum WalkEntry {
    /// A file to read, in this format.
    File(PathBuf, Format),
    /// A path met inside a directory and not read, with why.
    Skipped(PathBuf, SkipReason),
    /// A path that could not be walked (a symbolic link to nothing, a
    /// folder that cannot be listed) or a file named explicitly with an
    /// unknown format.
    Error(IngestError),
}

/// Why a path met inside a directory was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// Its format is not known (by its extension).
    UnknownFormat,
    /// It is a file already listed under another path (through a symbolic
    /// link): read once.
    SameFile(PathBuf),
    /// A symbolic link to a folder that holds it: following it would loop.
    LinkLoop(PathBuf),
    /// Not a regular file (a socket, a FIFO, a device).
    NotAFile,
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::UnknownFormat => f.write_str("not a known format"),
            SkipReason::SameFile(first) => {
                write!(f, "the same file as {}, read once", first.display())
            }
            SkipReason::LinkLoop(to) => write!(
                f,
                "a symbolic link back to {}, which is being walked: not followed",
                to.display()
            ),
            SkipReason::NotAFile => f.write_str("not a regular file"),
        }
    }
}

/// Expands files and directories (recursively, in sorted order so that runs
/// are reproducible) into the files to read. `forced` applies one format to
/// every file. Hidden files and directories (`.git`) are not entered.
/// Symbolic links are followed, to files and to folders; a link back to a
/// folder being walked, and a second path to a file already listed, are
/// skipped with the reason, so that every path met is accounted for.
pub fn walk(paths: &[PathBuf], forced: Option<Format>) -> Vec<WalkEntry> {
    let mut out = Vec::new();
    // Each file's real path, and the first path it was listed under.
    let mut seen: HashMap<PathBuf, PathBuf> = HashMap::new();
    let mut once = |p: &Path| -> Option<PathBuf> {
        let real = std::fs::canonicalize(p).ok()?;
        match seen.get(&real) {
            Some(first) => Some(first.clone()),
            None => {
                seen.insert(real, p.to_path_buf());
                None
            }
        }
    };
    for path in paths {
        if path.is_dir() {
            let walker = walkdir::WalkDir::new(path)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || !is_hidden(e.path()));
            for entry in walker {
                match entry {
                    Ok(e) if e.file_type().is_dir() => {}
                    Ok(e) if e.file_type().is_file() => {
                        let p = e.into_path();
                        if let Some(first) = once(&p) {
                            out.push(WalkEntry::Skipped(p, SkipReason::SameFile(first)));
                            continue;
                        }
                        match forced.or_else(|| Format::from_path(&p)) {
                            Some(f) => out.push(WalkEntry::File(p, f)),
                            None => out.push(WalkEntry::Skipped(p, SkipReason::UnknownFormat)),
                        }
                    }
                    Ok(e) => out.push(WalkEntry::Skipped(e.into_path(), SkipReason::NotAFile)),
                    Err(e) => {
                        let at = e.path().unwrap_or(path).to_path_buf();
                        if let Some(to) = e.loop_ancestor() {
                            let to = to.to_path_buf();
                            out.push(WalkEntry::Skipped(at, SkipReason::LinkLoop(to)));
                            continue;
                        }
                        let dangling = std::fs::symlink_metadata(&at)
                            .is_ok_and(|m| m.file_type().is_symlink())
                            && !at.exists();
                        let source = if dangling {
                            std::io::Error::new(
                                std::io::ErrorKind::NotFound,
                                "a symbolic link to nothing (its target does not exist)",
                            )
                        } else {
                            e.into_io_error()
                                .unwrap_or_else(|| std::io::Error::other("cannot be walked"))
                        };
                        out.push(WalkEntry::Error(IngestError::Io {
                            path: at.display().to_string(),
                            source,
                        }));
                    }
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
        } else if let Some(first) = once(path) {
            out.push(WalkEntry::Skipped(
                path.clone(),
                SkipReason::SameFile(first),
            ));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 20: symbolic links were skipped silently, counted nowhere.
    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_followed_and_every_path_is_accounted_for() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("drop");
        let elsewhere = tmp.path().join("elsewhere");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(root.join("a.txt"), "one").unwrap();
        std::fs::write(root.join("notes.xyz"), "?").unwrap();
        std::fs::write(elsewhere.join("b.txt"), "two").unwrap();
        std::fs::write(elsewhere.join("c.txt"), "three").unwrap();
        // A link to a file outside, a link to a folder outside, a second
        // path to a file inside, a link back up, a link to nothing.
        symlink(elsewhere.join("b.txt"), root.join("b-link.txt")).unwrap();
        symlink(&elsewhere, root.join("more")).unwrap();
        symlink(root.join("a.txt"), root.join("sub/a-again.txt")).unwrap();
        symlink(&root, root.join("sub/up")).unwrap();
        symlink(tmp.path().join("gone.txt"), root.join("dangling.txt")).unwrap();

        let entries = walk(std::slice::from_ref(&root), None);
        let name = |p: &Path| p.strip_prefix(&root).unwrap().display().to_string();
        let mut read = Vec::new();
        let mut skipped = Vec::new();
        let mut errors = Vec::new();
        for e in &entries {
            match e {
                WalkEntry::File(p, _) => read.push(name(p)),
                WalkEntry::Skipped(p, why) => skipped.push((name(p), why.clone())),
                WalkEntry::Error(e) => errors.push(e.to_string()),
            }
        }
        assert_eq!(read, ["a.txt", "b-link.txt", "more/c.txt"]);
        assert_eq!(
            skipped,
            [
                (
                    "more/b.txt".to_string(),
                    SkipReason::SameFile(root.join("b-link.txt"))
                ),
                ("notes.xyz".to_string(), SkipReason::UnknownFormat),
                (
                    "sub/a-again.txt".to_string(),
                    SkipReason::SameFile(root.join("a.txt"))
                ),
                ("sub/up".to_string(), SkipReason::LinkLoop(root.clone())),
            ]
        );
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].contains("dangling.txt") && errors[0].contains("symbolic link to nothing"),
            "{}",
            errors[0]
        );
        // Every path met is listed: 3 read, 4 skipped, 1 refused.
        assert_eq!(entries.len(), 8);
    }
}
