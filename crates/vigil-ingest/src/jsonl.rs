//! Vigil JSON Lines: one document per line, in a strict schema.
//!
//! The schema refuses unknown fields (`deny_unknown_fields`): a typo such
//! as `titel` would otherwise drop the title without a word. Anything else
//! a producer wants to carry goes under `meta`, which is accepted and not
//! interpreted.

use std::fmt;

use serde::de::{self, IgnoredAny, Visitor};
use serde::{Deserialize, Deserializer};
use vigil_model::{Lang, SourceKind};

use crate::{dates, origin, IngestError, Item, RawDocument};

/// One line of a JSONL file, as `docs/formats.md` defines it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a JSON object with a `text` field")]
struct Record {
    text: String,
    title: Option<String>,
    published: Option<String>,
    url: Option<String>,
    id: Option<RecordId>,
    source: Option<String>,
    source_kind: Option<SourceKind>,
    lang: Option<Lang>,
    forwarded_from: Option<String>,
    #[allow(dead_code)] // Accepted so that producers have a place for extras; never read.
    meta: Option<IgnoredAny>,
}

/// A record id, written by producers as a string or a number; kept as the
/// text it was written as.
#[derive(Debug)]
struct RecordId(String);

impl<'de> Deserialize<'de> for RecordId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl Visitor<'_> for IdVisitor {
            type Value = RecordId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RecordId, E> {
                Ok(RecordId(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RecordId, E> {
                Ok(RecordId(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RecordId, E> {
                Ok(RecordId(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RecordId, E> {
                Ok(RecordId(v.to_string()))
            }
        }
        d.deserialize_any(IdVisitor)
    }
}

/// Reads a JSONL file; each bad line is rejected on its own, a line that
/// is not UTF-8 text too (by its line number: the rest of the file is
/// kept).
pub(crate) fn read(
    path: &str,
    bytes: &[u8],
    sink: &mut dyn FnMut(Item),
) -> Result<(), IngestError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    for (index, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line_no = index as u64 + 1;
        let read = match std::str::from_utf8(line) {
            Ok(line) => {
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                read_line(path, line_no, line)
            }
            Err(e) => Err(format!(
                "not UTF-8 text (column {}); the file's other lines are kept; \
                 convert the file to UTF-8 to keep this one",
                e.valid_up_to() + 1
            )),
        };
        sink(match read {
            Ok(doc) => Item::Document(doc),
            Err(reason) => Item::Rejected {
                origin: origin(path, Some(line_no), None),
                reason,
            },
        });
    }
    Ok(())
}

fn read_line(path: &str, line_no: u64, line: &str) -> Result<RawDocument, String> {
    if !line.starts_with('{') {
        return Err(
            "not a JSON object; each line must be one object such as {\"text\": \"...\"}"
                .to_string(),
        );
    }
    let record: Record = serde_json::from_str(line).map_err(|e| describe(&e))?;
    if record.text.trim().is_empty() {
        return Err("`text` is empty; a document needs text".to_string());
    }
    let published = match record
        .published
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        None => None,
        Some(p) => Some(dates::parse_datetime(p).ok_or_else(|| {
            format!("`published` value {p:?} is not a date; {}", dates::EXPECTED)
        })?),
    };
    let id = record.id.map(|RecordId(id)| id);
    Ok(RawDocument {
        source_name: nonempty(record.source),
        source_kind: record.source_kind,
        external_id: id.clone(),
        url: nonempty(record.url),
        published,
        forwarded_from: nonempty(record.forwarded_from),
        lang_hint: record.lang,
        title: nonempty(record.title),
        text: record.text,
        origin: origin(path, Some(line_no), id),
        ..RawDocument::default()
    })
}

fn nonempty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

/// serde's message, which names the field, with its position turned from
/// "line 1 column 20" (always line 1: we parse one line at a time) into
/// the column alone; the caller's origin carries the file's line.
fn describe(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let msg = msg.strip_suffix(&suffix).unwrap_or(&msg);
    let hint = if msg.starts_with("unknown field") {
        "; fix the name or move the field under `meta`"
    } else if e.is_syntax() || e.is_eof() {
        "; each line must be one complete JSON object"
    } else {
        ""
    };
    format!("{msg} (column {}){hint}", e.column())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_documents_or_named_rejections() {
        // (line, Ok(expected external id) or Err(text the reason contains))
        let cases: &[(&str, Result<Option<&str>, &str>)] = &[
            (r#"{"text": "Shelling in Ain Issa."}"#, Ok(None)),
            (r#"{"text": "x", "id": "brief-41"}"#, Ok(Some("brief-41"))),
            (r#"{"text": "x", "id": 41}"#, Ok(Some("41"))),
            (r#"{"text": "x", "meta": {"any": ["thing", 1]}}"#, Ok(None)),
            (r#"{"text": "x", "meta": 3}"#, Ok(None)),
            (r#"{"text": "x", "title": null}"#, Ok(None)),
            (
                r#"{"text": "x", "titel": "T"}"#,
                Err("unknown field `titel`"),
            ),
            (
                r#"{"text": "x", "titel": "T"}"#,
                Err("move the field under `meta`"),
            ),
            (r#"{"title": "T"}"#, Err("missing field `text`")),
            (
                r#"{"text": 5}"#,
                Err("invalid type: integer `5`, expected a string"),
            ),
            (
                r#"{"text": "x", "id": true}"#,
                Err("expected a string or a number"),
            ),
            (
                r#"{"text": "x", "source_kind": "rumour"}"#,
                Err("invalid source kind"),
            ),
            (
                r#"{"text": "x", "lang": "english"}"#,
                Err("invalid language code"),
            ),
            (
                r#"{"text": "x", "published": "soon"}"#,
                Err("\"soon\" is not a date"),
            ),
            (r#"{"text": "  "}"#, Err("`text` is empty")),
            (r#"{"text": "x""#, Err("EOF while parsing")),
            (r#"[{"text": "x"}]"#, Err("not a JSON object")),
            (r#""text""#, Err("not a JSON object")),
            (r#"{"text": "x"} trailing"#, Err("trailing characters")),
        ];
        for (line, want) in cases {
            let got = read_line("f.jsonl", 7, line);
            match (want, &got) {
                (Ok(id), Ok(doc)) => {
                    assert_eq!(doc.external_id.as_deref(), *id, "{line}");
                    assert_eq!(doc.origin.line, Some(7), "{line}");
                }
                (Err(part), Err(reason)) => {
                    assert!(reason.contains(part), "{line}: {reason}");
                    assert!(!reason.contains("line 1 column"), "{line}: {reason}");
                }
                _ => panic!("{line}: expected {want:?}, got {got:?}"),
            }
        }
    }
}
