//! Plain text and Markdown: the whole file is one document, with optional
//! front matter (see `docs/formats.md`).
//!
//! The front matter is a flat list of `key: value` lines, not YAML: analysts
//! write it by hand, and a closed list of keys lets a typo (`titel:`) be
//! caught instead of silently dropping the title.

use vigil_model::{Lang, SourceKind};

use crate::{dates, origin, Format, IngestError, Item, RawDocument};

/// The keys front matter may hold, in the order the docs list them.
const KEYS: &[&str] = &[
    "title",
    "source",
    "source_kind",
    "published",
    "url",
    "lang",
    "id",
];

/// Reads one text or Markdown file as one document.
pub(crate) fn read(
    path: &str,
    text: &str,
    format: Format,
    sink: &mut dyn FnMut(Item),
) -> Result<(), IngestError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (mut doc, body) = match split_front_matter(path, text) {
        Ok(parts) => parts,
        Err((line, reason)) => {
            sink(Item::Rejected {
                origin: origin(path, Some(line), None),
                reason: format!("front matter: {reason}"),
            });
            return Ok(());
        }
    };
    if doc.title.is_none() && format == Format::Markdown {
        doc.title = first_heading(body);
    }
    let body = body.trim_end().trim_start_matches(['\n', '\r']);
    if body.trim().is_empty() {
        sink(Item::Skipped {
            origin: doc.origin,
            reason: "empty document".to_string(),
        });
        return Ok(());
    }
    doc.text = body.to_string();
    sink(Item::Document(doc));
    Ok(())
}

/// Splits off the front matter, if the file starts with a `---` line, and
/// reads it into a document's fields. A mistake in it rejects the file's
/// only document: the error is the line and the reason.
fn split_front_matter<'t>(
    path: &str,
    text: &'t str,
) -> Result<(RawDocument, &'t str), (u64, String)> {
    let mut doc = RawDocument {
        origin: origin(path, None, None),
        ..RawDocument::default()
    };
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    if first.trim_end() != "---" {
        return Ok((doc, text));
    }
    let reject = |line: u64, reason: String| (line, reason);
    // Find the closing line first: a missing one is the likely mistake
    // when the lines after it do not parse, and the message should say so.
    let Some(close) = rest.split('\n').position(|line| line.trim() == "---") else {
        return Err(reject(
            1,
            "opened by `---` on line 1 but never closed; add a `---` line after the \
             last key, or remove the first line if the file has no front matter"
                .to_string(),
        ));
    };
    let mut lines = rest.splitn(close + 2, '\n');
    let header: Vec<&str> = lines.by_ref().take(close).collect();
    let _closing = lines.next();
    let body = lines.next().unwrap_or("");
    let mut seen: Vec<(&str, u64)> = Vec::new();
    for (index, line) in header.into_iter().enumerate() {
        let line_no = index as u64 + 2;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(reject(
                line_no,
                format!(
                    "{line:?} is not a `key: value` line; keys are {}",
                    KEYS.join(", ")
                ),
            ));
        };
        let key = key.trim().to_ascii_lowercase();
        let Some(key) = KEYS.iter().copied().find(|k| *k == key) else {
            return Err(reject(
                line_no,
                format!("unknown key `{key}`; valid keys are {}", KEYS.join(", ")),
            ));
        };
        if let Some((_, earlier)) = seen.iter().find(|(k, _)| *k == key) {
            return Err(reject(
                line_no,
                format!("key `{key}` given twice (lines {earlier} and {line_no}); keep one"),
            ));
        }
        seen.push((key, line_no));
        let value = unquote(value.trim());
        if value.is_empty() {
            continue;
        }
        match key {
            "title" => doc.title = Some(value.to_string()),
            "source" => doc.source_name = Some(value.to_string()),
            "url" => doc.url = Some(value.to_string()),
            "id" => {
                doc.external_id = Some(value.to_string());
                doc.origin.record = Some(value.to_string());
            }
            "published" => {
                doc.published = Some(dates::parse_datetime(value).ok_or_else(|| {
                    reject(
                        line_no,
                        format!(
                            "`published` value {value:?} is not a date; {}",
                            dates::EXPECTED
                        ),
                    )
                })?);
            }
            "lang" => {
                let lang: Lang = value
                    .parse()
                    .map_err(|e| reject(line_no, format!("`lang`: {e}")))?;
                doc.lang_hint = Some(lang);
            }
            "source_kind" => {
                let kind: SourceKind = value
                    .parse()
                    .map_err(|e| reject(line_no, format!("`source_kind`: {e}")))?;
                doc.source_kind = Some(kind);
            }
            other => unreachable!("key {other} is in KEYS but has no field"),
        }
    }
    Ok((doc, body))
}

/// Strips one pair of matching quotes: people write YAML habits into front
/// matter (`title: "Shelling: a timeline"`), and the quotes are not part of
/// the title.
fn unquote(value: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
            return inner;
        }
    }
    value
}

/// The text of the first level-one ATX heading (`# Title`), outside fenced
/// code blocks, where a shell comment also starts with `# `.
fn first_heading(body: &str) -> Option<String> {
    let mut fence: Option<&str> = None;
    for line in body.lines() {
        let trimmed = line.trim_start();
        if let Some(open) = fence {
            if trimmed.starts_with(open) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") {
            fence = Some("```");
            continue;
        }
        if trimmed.starts_with("~~~") {
            fence = Some("~~~");
            continue;
        }
        // Up to three spaces of indent; four make a code block.
        if line.len() - trimmed.len() > 3 {
            continue;
        }
        if let Some(title) = trimmed.strip_prefix("# ") {
            // A closing sequence of `#`s is decoration, not title.
            let title = title.trim().trim_end_matches('#').trim_end();
            if !title.is_empty() {
                return Some(title.to_string());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, format: Format) -> Vec<Item> {
        let mut items = Vec::new();
        read("f.md", text, format, &mut |i| items.push(i)).expect("text reader never fails");
        items
    }

    #[test]
    fn front_matter_and_titles() {
        // (input, format, expected title, expected text)
        let cases: &[(&str, Format, Option<&str>, &str)] = &[
            (
                "Shelling near Ain Issa.",
                Format::Text,
                None,
                "Shelling near Ain Issa.",
            ),
            (
                "# Heading\n\nBody.",
                Format::Markdown,
                Some("Heading"),
                "# Heading\n\nBody.",
            ),
            (
                "# Heading\n\nBody.",
                Format::Text,
                None,
                "# Heading\n\nBody.",
            ),
            (
                "## Sub\n# Main #\nx",
                Format::Markdown,
                Some("Main"),
                "## Sub\n# Main #\nx",
            ),
            (
                "```\n# not a title\n```\n# Real",
                Format::Markdown,
                Some("Real"),
                "```\n# not a title\n```\n# Real",
            ),
            (
                "---\ntitle: \"A: B\"\n---\n# H\nBody",
                Format::Markdown,
                Some("A: B"),
                "# H\nBody",
            ),
            (
                "---\r\ntitle: T\r\n---\r\n\r\nBody\r\n",
                Format::Text,
                Some("T"),
                "Body",
            ),
            (
                "---\n# a comment\n\nsource: X\n---\n# H\nBody",
                Format::Markdown,
                Some("H"),
                "# H\nBody",
            ),
            (
                "\u{feff}---\ntitle: T\n---\nBody",
                Format::Text,
                Some("T"),
                "Body",
            ),
        ];
        for (input, format, title, text) in cases {
            let items = run(input, *format);
            let [Item::Document(doc)] = items.as_slice() else {
                panic!("{input:?}: expected one document, got {items:?}");
            };
            assert_eq!(doc.title.as_deref(), *title, "{input:?}");
            assert_eq!(doc.text, *text, "{input:?}");
        }
    }

    #[test]
    fn front_matter_mistakes_reject_the_document_naming_the_line() {
        // (input, expected line, text the reason must contain)
        let cases: &[(&str, u64, &str)] = &[
            (
                "---\ntitel: T\n---\nBody",
                2,
                "unknown key `titel`; valid keys are title, source",
            ),
            (
                "---\ntitle: T\npublished: soon\n---\nBody",
                3,
                "\"soon\" is not a date",
            ),
            ("---\nlang: english!\n---\nBody", 2, "invalid language code"),
            (
                "---\nsource_kind: rumour\n---\nBody",
                2,
                "expected one of militant_official",
            ),
            (
                "---\ntitle: A\ntitle: B\n---\nBody",
                3,
                "given twice (lines 2 and 3)",
            ),
            (
                "---\njust words\n---\nBody",
                2,
                "is not a `key: value` line",
            ),
            (
                "---\ntitle: T\nBody with no closing line",
                1,
                "never closed",
            ),
        ];
        for (input, line, reason_part) in cases {
            let items = run(input, Format::Text);
            let [Item::Rejected { origin, reason }] = items.as_slice() else {
                panic!("{input:?}: expected one rejection, got {items:?}");
            };
            assert_eq!(origin.line, Some(*line), "{input:?}");
            assert!(reason.contains(reason_part), "{input:?}: {reason}");
        }
    }

    #[test]
    fn front_matter_fields_reach_the_document() {
        let input =
            "---\ntitle: T\nsource: North-East Monitoring Centre\nsource_kind: local_monitor\n\
                     published: 2019-10-15T10:00:00Z\nurl: https://example.org/r\nlang: en\n\
                     id: nemc-1\n---\nBody";
        let items = run(input, Format::Text);
        let [Item::Document(doc)] = items.as_slice() else {
            panic!("{items:?}")
        };
        assert_eq!(
            doc.source_name.as_deref(),
            Some("North-East Monitoring Centre")
        );
        assert_eq!(doc.source_kind, Some(SourceKind::LocalMonitor));
        assert_eq!(doc.published, dates::parse_datetime("2019-10-15T10:00:00Z"));
        assert_eq!(doc.url.as_deref(), Some("https://example.org/r"));
        assert_eq!(doc.lang_hint, Some(Lang::en()));
        assert_eq!(doc.external_id.as_deref(), Some("nemc-1"));
        assert_eq!(doc.origin.record.as_deref(), Some("nemc-1"));
    }

    #[test]
    fn empty_bodies_are_skipped() {
        for input in ["", "  \n\n", "---\ntitle: T\n---\n", "---\ntitle: T\n---"] {
            let items = run(input, Format::Markdown);
            assert!(
                matches!(items.as_slice(), [Item::Skipped { reason, .. }] if reason == "empty document"),
                "{input:?}: {items:?}"
            );
        }
    }
}
