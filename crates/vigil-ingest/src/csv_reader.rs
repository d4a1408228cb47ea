//! CSV and TSV: a header row, then one document per row.
//!
//! Columns are found by header name, so spreadsheets exported by different
//! tools (`Headline`/`Body`, `title`/`text`) load without configuration;
//! `--csv-map` names the columns when the defaults do not fit. A bad row is
//! rejected on its own; only a header without a text column stops the file,
//! since no row of it could become a document.

use std::str::FromStr;

use vigil_model::{Lang, SourceKind};

use crate::{dates, origin, IngestError, Item, RawDocument};

/// A document field that a CSV column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Text,
    Title,
    Published,
    Url,
    Id,
    Source,
    SourceKind,
    Lang,
}

impl Field {
    const ALL: [Field; 8] = [
        Field::Text,
        Field::Title,
        Field::Published,
        Field::Url,
        Field::Id,
        Field::Source,
        Field::SourceKind,
        Field::Lang,
    ];

    /// The name used in `--csv-map`.
    fn name(self) -> &'static str {
        match self {
            Field::Text => "text",
            Field::Title => "title",
            Field::Published => "published",
            Field::Url => "url",
            Field::Id => "id",
            Field::Source => "source",
            Field::SourceKind => "source_kind",
            Field::Lang => "lang",
        }
    }

    /// Headers recognized without `--csv-map`, best first (the table in
    /// `docs/formats.md`).
    fn default_headers(self) -> &'static [&'static str] {
        match self {
            Field::Text => &["text", "body", "content", "message", "article"],
            Field::Title => &["title", "headline", "subject"],
            Field::Published => &["published", "date", "published_at", "datetime", "time"],
            Field::Url => &["url", "link"],
            Field::Id => &["id", "external_id", "guid"],
            Field::Source => &["source", "outlet", "channel", "publisher"],
            Field::SourceKind => &["source_kind"],
            Field::Lang => &["lang", "language"],
        }
    }

    fn names() -> String {
        Field::ALL
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Which CSV column holds which document field. The default finds columns
/// by the header names listed in `docs/formats.md`; parse
/// `field=HEADER,...` (the `--csv-map` syntax) to name them instead. Fields
/// not named keep their default detection.
///
/// ```
/// use vigil_ingest::CsvMap;
/// let map: CsvMap = "text=Story,published=Date".parse().unwrap();
/// assert_eq!(map.to_string(), "text=Story,published=Date");
/// let err = "body=Story".parse::<CsvMap>().unwrap_err();
/// assert!(err.contains("valid fields are text, title, published"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvMap {
    named: Vec<(Field, String)>,
}

impl FromStr for CsvMap {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let mut named: Vec<(Field, String)> = Vec::new();
        for pair in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((field, header)) = pair.split_once('=') else {
                return Err(format!(
                    "--csv-map entry {pair:?} is not field=HEADER (e.g. text=Story,published=Date)"
                ));
            };
            let (field, header) = (field.trim(), header.trim());
            let Some(field) = Field::ALL
                .iter()
                .copied()
                .find(|f| f.name().eq_ignore_ascii_case(field))
            else {
                return Err(format!(
                    "--csv-map: unknown field {field:?}; valid fields are {}",
                    Field::names()
                ));
            };
            if header.is_empty() {
                return Err(format!("--csv-map: no header given for {}", field.name()));
            }
            if named.iter().any(|(f, _)| *f == field) {
                return Err(format!(
                    "--csv-map: {} is mapped twice; keep one",
                    field.name()
                ));
            }
            named.push((field, header.to_string()));
        }
        Ok(CsvMap { named })
    }
}

impl std::fmt::Display for CsvMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pairs: Vec<String> = self
            .named
            .iter()
            .map(|(field, header)| format!("{}={header}", field.name()))
            .collect();
        f.write_str(&pairs.join(","))
    }
}

/// The column index of each field in one file.
#[derive(Debug, Default)]
struct Columns {
    index: [Option<usize>; Field::ALL.len()],
}

impl Columns {
    fn get(&self, field: Field) -> Option<usize> {
        self.index[field as usize]
    }

    fn resolve(path: &str, headers: &[String], map: &CsvMap) -> Result<Columns, IngestError> {
        let find = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
        let found = || {
            headers
                .iter()
                .map(|h| format!("{h:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut columns = Columns::default();
        for field in Field::ALL {
            columns.index[field as usize] = match map.named.iter().find(|(f, _)| *f == field) {
                Some((_, header)) => Some(find(header).ok_or_else(|| IngestError::Malformed {
                    path: path.to_string(),
                    line: Some(1),
                    message: format!(
                        "--csv-map names column {header:?} for {}, but the header row has {}",
                        field.name(),
                        found()
                    ),
                })?),
                None => field.default_headers().iter().find_map(|h| find(h)),
            };
        }
        if columns.get(Field::Text).is_none() {
            return Err(IngestError::Malformed {
                path: path.to_string(),
                line: Some(1),
                message: format!(
                    "no text column: the header row has {}, and none is one of {}; \
                     name the column with --csv-map text=HEADER",
                    found(),
                    Field::Text.default_headers().join(", ")
                ),
            });
        }
        Ok(columns)
    }
}

/// Reads a CSV (`delimiter` `,`) or TSV (`\t`) file. Quoting is on for TSV
/// too: spreadsheet and pandas exports quote cells that hold tabs or line
/// breaks, and an unquoted TSV reads the same either way unless a cell
/// starts with a quote.
pub(crate) fn read(
    path: &str,
    text: &str,
    delimiter: u8,
    map: &CsvMap,
    sink: &mut dyn FnMut(Item),
) -> Result<(), IngestError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // `flexible` so that a short or long row comes back as a record we can
    // reject with its line, rather than an error that loses its content.
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let malformed = |line: Option<u64>, message: String| IngestError::Malformed {
        path: path.to_string(),
        line,
        message,
    };
    let has_header = reader
        .read_record(&mut record)
        .map_err(|e| malformed(e.position().map(|p| p.line()), e.to_string()))?;
    if !has_header {
        return Err(malformed(
            None,
            "empty file: the first line must be a header row naming the columns \
             (e.g. text,title,published)"
                .to_string(),
        ));
    }
    let headers: Vec<String> = record.iter().map(|h| h.trim().to_string()).collect();
    let columns = Columns::resolve(path, &headers, map)?;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let line = record.position().map(|p| p.line());
                sink(match read_row(path, line, &headers, &columns, &record) {
                    Ok(doc) => Item::Document(doc),
                    Err(reason) => Item::Rejected {
                        origin: origin(path, line, None),
                        reason,
                    },
                });
            }
            // Reading from memory, the only errors left are per-record
            // ones, which carry a position; one without would repeat
            // forever, so it ends the file.
            Err(e) => match e.position() {
                Some(p) => sink(Item::Rejected {
                    origin: origin(path, Some(p.line()), None),
                    reason: e.to_string(),
                }),
                None => return Err(malformed(None, e.to_string())),
            },
        }
    }
}

fn read_row(
    path: &str,
    line: Option<u64>,
    headers: &[String],
    columns: &Columns,
    record: &csv::StringRecord,
) -> Result<RawDocument, String> {
    if record.len() != headers.len() {
        return Err(format!(
            "{} fields, but the header row has {}; quote cells that contain the delimiter",
            record.len(),
            headers.len()
        ));
    }
    let cell = |field: Field| {
        columns
            .get(field)
            .and_then(|i| record.get(i))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let header = |field: Field| {
        columns
            .get(field)
            .and_then(|i| headers.get(i))
            .map_or("", |h| h)
    };
    let text = cell(Field::Text)
        .ok_or_else(|| format!("empty text in column {:?}", header(Field::Text)))?;
    let published = match cell(Field::Published) {
        None => None,
        Some(v) => Some(dates::parse_datetime(v).ok_or_else(|| {
            format!(
                "column {:?} value {v:?} is not a date; {}",
                header(Field::Published),
                dates::EXPECTED
            )
        })?),
    };
    let source_kind = cell(Field::SourceKind)
        .map(|v| v.parse::<SourceKind>())
        .transpose()
        .map_err(|e| format!("column {:?}: {e}", header(Field::SourceKind)))?;
    let lang_hint = cell(Field::Lang)
        .map(|v| v.parse::<Lang>())
        .transpose()
        .map_err(|e| format!("column {:?}: {e}", header(Field::Lang)))?;
    let id = cell(Field::Id).map(str::to_string);
    Ok(RawDocument {
        source_name: cell(Field::Source).map(str::to_string),
        source_kind,
        external_id: id.clone(),
        url: cell(Field::Url).map(str::to_string),
        published,
        lang_hint,
        title: cell(Field::Title).map(str::to_string),
        text: text.to_string(),
        origin: origin(path, line, id),
        ..RawDocument::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_map_syntax() {
        // (input, Ok(canonical form) or Err(text the message contains))
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("", Ok("")),
            ("text=Story", Ok("text=Story")),
            (" TEXT = Story , published=Date ", Ok("text=Story,published=Date")),
            ("source_kind=Kind,lang=L", Ok("source_kind=Kind,lang=L")),
            ("body=Story", Err("unknown field \"body\"; valid fields are text, title, published, url, id, source, source_kind, lang")),
            ("text", Err("is not field=HEADER")),
            ("text=", Err("no header given for text")),
            ("text=A,text=B", Err("text is mapped twice")),
        ];
        for (input, want) in cases {
            let got = input.parse::<CsvMap>().map(|m| m.to_string());
            match (want, &got) {
                (Ok(w), Ok(g)) => assert_eq!(g, w, "{input:?}"),
                (Err(part), Err(msg)) => assert!(msg.contains(part), "{input:?}: {msg}"),
                _ => panic!("{input:?}: expected {want:?}, got {got:?}"),
            }
        }
    }

    #[test]
    fn rows_and_their_lines() {
        let text = "Headline,Body,Date\n\
                    A,first,2019-10-15\n\
                    B,\"multi\nline\",2019-10-16\n\
                    C,short\n\
                    D,,2019-10-17\n\
                    E,bad date,15/10/2019\n\
                    F,last,\n";
        let mut items = Vec::new();
        read("f.csv", text, b',', &CsvMap::default(), &mut |i| {
            items.push(i)
        })
        .expect("header has a text column");
        // (line, Ok(title) or Err(text the reason contains))
        let want: &[(u64, Result<&str, &str>)] = &[
            (2, Ok("A")),
            (3, Ok("B")),
            (5, Err("2 fields, but the header row has 3")),
            (6, Err("empty text in column \"Body\"")),
            (7, Err("column \"Date\" value \"15/10/2019\" is not a date")),
            (8, Ok("F")),
        ];
        assert_eq!(items.len(), want.len(), "{items:?}");
        for (item, (line, expect)) in items.iter().zip(want) {
            match (item, expect) {
                (Item::Document(d), Ok(title)) => {
                    assert_eq!(d.origin.line, Some(*line), "{d:?}");
                    assert_eq!(d.title.as_deref(), Some(*title));
                }
                (Item::Rejected { origin, reason }, Err(part)) => {
                    assert_eq!(origin.line, Some(*line), "{reason}");
                    assert!(reason.contains(part), "{reason}");
                }
                _ => panic!("line {line}: expected {expect:?}, got {item:?}"),
            }
        }
    }
}
