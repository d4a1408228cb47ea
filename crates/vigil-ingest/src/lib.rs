//! Readers: bytes on disk to documents.
//!
//! Each format has one reader, a function from a file's text to a stream of
//! [`Item`]s: a document, a rejected record with the reason and where it is,
//! or a skipped record (a Telegram service message). A reader never stops
//! at a bad record; only a file that cannot be read at all (missing, binary,
//! not UTF-8, not parseable as its format) is an [`IngestError`].
//! [`prepare`] then turns a [`RawDocument`] into a [`NewDocument`] ready for
//! the store: normalized, language-identified, hashed.
//!
//! ```
//! use vigil_ingest::{read_str, Format, Item, ReadOptions};
//! let mut docs = Vec::new();
//! read_str("notes.txt", "Shelling was reported near Ain Issa.", Format::Text,
//!          &ReadOptions::default(), &mut |item| {
//!     if let Item::Document(d) = item { docs.push(d) }
//! }).unwrap();
//! assert_eq!(docs.len(), 1);
//! ```

mod csv_reader;
mod dates;
mod feed;
mod html;
mod jsonl;
mod prepare;
mod telegram;
mod text;
mod walk;

use std::path::Path;

use chrono::{DateTime, Utc};
use vigil_model::{Lang, Origin, SourceKind};

pub use csv_reader::CsvMap;
pub use dates::parse_datetime;
pub use html::html_to_text;
pub use prepare::{prepare, PrepareOptions};
pub use walk::{walk, SkipReason, WalkEntry};

/// One document as a reader found it, before normalization.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawDocument {
    /// Source name given inside the record (channel, feed title, column).
    pub source_name: Option<String>,
    /// Source kind given inside the record.
    pub source_kind: Option<SourceKind>,
    /// Source address (channel link, feed link), where given.
    pub source_url: Option<String>,
    /// The source's own id for the document.
    pub external_id: Option<String>,
    /// The document's address.
    pub url: Option<String>,
    /// When it was published.
    pub published: Option<DateTime<Utc>>,
    /// When it was last edited.
    pub edited: Option<DateTime<Utc>>,
    /// Where a repost was forwarded from.
    pub forwarded_from: Option<String>,
    /// Language stated by the record (`lang` field, `<html lang>`).
    pub lang_hint: Option<Lang>,
    /// Title or headline.
    pub title: Option<String>,
    /// Text, with markup removed.
    pub text: String,
    /// File, line and record id.
    pub origin: Origin,
}

/// What a reader yields for each record it meets.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A document to store.
    Document(RawDocument),
    /// A record that is wrong; the rest of the file goes on.
    Rejected {
        /// Where it is.
        origin: Origin,
        /// What is wrong and, where possible, the fix.
        reason: String,
    },
    /// A record that is fine but holds no document (a service message,
    /// a photo without a caption).
    Skipped {
        /// Where it is.
        origin: Origin,
        /// Why it holds no document.
        reason: String,
    },
    /// A document was kept but something in it was off (a date that did
    /// not parse).
    Warning {
        /// Where it is.
        origin: Origin,
        /// What was off.
        message: String,
    },
}

/// A file that could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file could not be opened or read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file holds NUL bytes or is not UTF-8 text.
    #[error("{path}: binary or non-UTF-8 file ({detail}); convert it to UTF-8 text first")]
    Binary {
        /// The file.
        path: String,
        /// Where the first bad byte is.
        detail: String,
    },
    /// The file is larger than the limit for its format.
    #[error("{path}: {size} bytes is over the {limit}-byte limit for a {format} file; raise --max-file-bytes or split the file")]
    TooLarge {
        /// The file.
        path: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
        /// Its format.
        format: Format,
    },
    /// The file as a whole does not parse as its format.
    #[error("{path}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Malformed {
        /// The file.
        path: String,
        /// The line where parsing failed, where known.
        line: Option<u64>,
        /// What is wrong.
        message: String,
    },
    /// The format could not be told from the file name.
    #[error("{path}: unknown format; name the file .txt, .md, .html, .jsonl, .csv, .json (Telegram export), .rss/.atom/.xml, or pass --format")]
    UnknownFormat {
        /// The file.
        path: String,
    },
}

/// The formats Vigil reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Plain text with optional front matter.
    Text,
    /// Markdown with optional front matter.
    Markdown,
    /// An HTML page.
    Html,
    /// Vigil JSON Lines.
    Jsonl,
    /// CSV with a header row.
    Csv,
    /// TSV with a header row.
    Tsv,
    /// Telegram Desktop export (`result.json`).
    Telegram,
    /// RSS 2.0 or Atom.
    Feed,
}

impl Format {
    /// Every format, for help and `--format`.
    pub const ALL: &'static [Format] = &[
        Format::Text,
        Format::Markdown,
        Format::Html,
        Format::Jsonl,
        Format::Csv,
        Format::Tsv,
        Format::Telegram,
        Format::Feed,
    ];

    /// The name used by `--format`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Telegram => "telegram",
            Format::Feed => "feed",
        }
    }

    /// The format a file name implies, if any.
    pub fn from_path(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        Some(match ext {
            "txt" | "text" => Format::Text,
            "md" | "markdown" => Format::Markdown,
            "html" | "htm" | "xhtml" => Format::Html,
            "jsonl" | "ndjson" => Format::Jsonl,
            "csv" => Format::Csv,
            "tsv" => Format::Tsv,
            "json" => Format::Telegram,
            "rss" | "atom" | "xml" => Format::Feed,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Format::ALL
            .iter()
            .copied()
            .find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                let names: Vec<_> = Format::ALL.iter().map(|f| f.as_str()).collect();
                format!("unknown format {s:?}: expected one of {}", names.join(", "))
            })
    }
}

/// Options shared by every reader.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// A document whose text is longer than this many bytes is rejected.
    pub max_doc_bytes: usize,
    /// A file larger than this many bytes is refused whole.
    pub max_file_bytes: u64,
    /// Column mapping for CSV and TSV.
    pub csv_map: CsvMap,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_doc_bytes: 2 * 1024 * 1024,
            max_file_bytes: 1024 * 1024 * 1024,
            csv_map: CsvMap::default(),
        }
    }
}

/// Reads one file, calling `sink` for each record. The format is taken from
/// `format`, or else from the file name.
pub fn read_file(
    path: &Path,
    format: Option<Format>,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item),
) -> Result<(), IngestError> {
    let shown = path.display().to_string();
    let format =
        format
            .or_else(|| Format::from_path(path))
            .ok_or_else(|| IngestError::UnknownFormat {
                path: shown.clone(),
            })?;
    let io = |source| IngestError::Io {
        path: shown.clone(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > opts.max_file_bytes {
        return Err(IngestError::TooLarge {
            path: shown,
            size,
            limit: opts.max_file_bytes,
            format,
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    read_bytes(&shown, &bytes, format, opts, sink)
}

/// Reads a file's bytes already in memory; `path` is used for origins and
/// errors. JSONL and Telegram exports are read record by record from the
/// bytes, so that a record that is not UTF-8 text loses only itself;
/// every other format must be UTF-8 text as a whole.
pub fn read_bytes(
    path: &str,
    bytes: &[u8],
    format: Format,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item),
) -> Result<(), IngestError> {
    match format {
        Format::Jsonl | Format::Telegram => {
            if let Some(pos) = memchr_nul(bytes) {
                return Err(IngestError::Binary {
                    path: path.to_string(),
                    detail: format!("NUL byte at offset {pos}"),
                });
            }
            read_checked(path, Input::Bytes(bytes), format, opts, sink)
        }
        _ => {
            let text = decode_text(path, bytes)?;
            read_checked(path, Input::Text(text), format, opts, sink)
        }
    }
}

/// Reads text already in memory; `path` is used for origins and errors.
pub fn read_str(
    path: &str,
    text: &str,
    format: Format,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item),
) -> Result<(), IngestError> {
    read_checked(path, Input::Text(text), format, opts, sink)
}

/// A file's content: checked UTF-8 text, or bytes for the readers that
/// check it record by record.
#[derive(Clone, Copy)]
enum Input<'a> {
    Text(&'a str),
    Bytes(&'a [u8]),
}

impl<'a> Input<'a> {
    fn bytes(self) -> &'a [u8] {
        match self {
            Input::Text(t) => t.as_bytes(),
            Input::Bytes(b) => b,
        }
    }
}

fn read_checked(
    path: &str,
    input: Input<'_>,
    format: Format,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item),
) -> Result<(), IngestError> {
    // Every document leaving a reader passes the size and URL checks here,
    // so that no reader can forget them.
    let mut warned_sources = std::collections::HashSet::new();
    let mut checked = |item: Item| {
        let Item::Document(mut doc) = item else {
            return sink(item);
        };
        for (source, url) in [(false, &mut doc.url), (true, &mut doc.source_url)] {
            if let Some(u) = url.take_if(|u| !web_url(u)) {
                // A feed's own link comes with each of its items: one
                // warning per file says it.
                if source && !warned_sources.insert(u.clone()) {
                    continue;
                }
                let shown: String = u.chars().take(60).collect();
                sink(Item::Warning {
                    origin: doc.origin.clone(),
                    message: format!(
                        "URL {shown:?} dropped: only http and https URLs are kept (a \
                         javascript: or data: URL would run in the dashboard); the document \
                         is kept without it"
                    ),
                });
            }
        }
        if doc.text.len() > opts.max_doc_bytes {
            sink(Item::Rejected {
                reason: format!(
                    "document text is {} bytes, over the {}-byte limit; raise --max-doc-bytes \
                     to keep it",
                    doc.text.len(),
                    opts.max_doc_bytes
                ),
                origin: doc.origin,
            })
        } else {
            sink(Item::Document(doc))
        }
    };
    let text = || match input {
        Input::Text(t) => Ok(t),
        Input::Bytes(b) => decode_text(path, b),
    };
    match format {
        Format::Jsonl => jsonl::read(path, input.bytes(), &mut checked),
        Format::Telegram => telegram::read(path, input.bytes(), &mut checked),
        Format::Text | Format::Markdown => text::read(path, text()?, format, &mut checked),
        Format::Html => html::read(path, text()?, &mut checked),
        Format::Csv => csv_reader::read(path, text()?, b',', &opts.csv_map, &mut checked),
        Format::Tsv => csv_reader::read(path, text()?, b'\t', &opts.csv_map, &mut checked),
        Format::Feed => feed::read(path, text()?, &mut checked),
    }
}

/// Checks that bytes are UTF-8 text (dropping a byte-order mark) and not a
/// binary file.
pub fn decode_text<'a>(path: &str, bytes: &'a [u8]) -> Result<&'a str, IngestError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Some(pos) = memchr_nul(bytes) {
        return Err(IngestError::Binary {
            path: path.to_string(),
            detail: format!("NUL byte at offset {pos}"),
        });
    }
    std::str::from_utf8(bytes).map_err(|e| IngestError::Binary {
        path: path.to_string(),
        detail: format!("invalid UTF-8 at byte {}", e.valid_up_to()),
    })
}

/// An absolute http or https URL: the only kind a document keeps.
fn web_url(url: &str) -> bool {
    let url = url.trim_start();
    ["http://", "https://"].iter().any(|scheme| {
        url.get(..scheme.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
    })
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

/// An origin for a record of `path`.
pub(crate) fn origin(path: &str, line: Option<u64>, record: Option<String>) -> Origin {
    Origin {
        file: Some(path.to_string()),
        line,
        record,
    }
}
