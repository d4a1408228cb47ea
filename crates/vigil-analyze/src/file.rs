//! Reading analyst-edited TOML files (narratives, alert rules) with errors
//! that name the file, the line, the field and the fix.
//!
//! Each file is a list of tables (`[[narrative]]`, `[[rule]]`). The file is
//! first read as spanned tables, so that every table knows its line; then
//! each table is read as its type on its own, so that an error in one names
//! that table's line and, where the message names a field, the line of that
//! field.

use serde::de::DeserializeOwned;
use serde::Deserialize;

/// A file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {}{message}; fix: {fix}", field.as_ref().map(|f| format!("field `{f}`: ")).unwrap_or_default())]
pub struct FileError {
    /// The file.
    pub file: String,
    /// The line (1-based) of the table or field at fault.
    pub line: usize,
    /// The field at fault, where one is.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub fix: String,
}

/// One table of a list, with the byte range it spans in the file.
#[derive(Debug, Clone)]
pub(crate) struct Located<T> {
    pub value: T,
    pub start: usize,
    pub end: usize,
}

/// Line (1-based) of byte `at` in `text`.
pub(crate) fn line_of(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].matches('\n').count() + 1
}

/// The line of `field = ...` inside `range` of `text`, else the range's
/// first line.
pub(crate) fn field_line(text: &str, range: (usize, usize), field: &str) -> usize {
    let (start, end) = (range.0.min(text.len()), range.1.min(text.len()));
    let mut offset = start;
    for l in text[start..end].split_inclusive('\n') {
        let t = l.trim_start();
        if let Some(rest) = t.strip_prefix(field) {
            if rest.trim_start().starts_with('=') {
                return line_of(text, offset);
            }
        }
        offset += l.len();
    }
    line_of(text, start)
}

/// The first `name` in backticks of a serde message ("unknown field
/// `termz`, expected ..." gives `termz`).
fn field_in(message: &str) -> Option<String> {
    // Only messages about a field name one; "invalid value: integer `-3`"
    // names a value.
    if ![
        "unknown field",
        "missing field",
        "duplicate field",
        "duplicate key",
    ]
    .iter()
    .any(|p| message.starts_with(p))
    {
        return None;
    }
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(message[start..start + len].to_string())
}

/// The key of the `key = value` line holding byte `at`, if it is one.
fn key_at(text: &str, at: usize) -> Option<String> {
    let at = at.min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].lines().next()?;
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    (!key.is_empty() && !key.starts_with('[')).then(|| key.to_string())
}

/// Reads the list `list` (e.g. `narrative` for `[[narrative]]`) of `text`
/// as values of `T`, each with its range.
pub(crate) fn read_list<T: DeserializeOwned>(
    file: &str,
    text: &str,
    list: &str,
    fix_hint: &str,
) -> Result<Vec<Located<T>>, FileError> {
    let tables = read_tables(file, text)?;
    let mut out = Vec::new();
    for (name, items) in tables {
        if name != list {
            return Err(FileError {
                file: file.to_string(),
                line: items.first().map_or(1, |t| line_of(text, t.start)),
                field: Some(name.clone()),
                message: format!("unknown list [[{name}]]"),
                fix: format!("use [[{list}]] tables only"),
            });
        }
        for t in items {
            let value = parse_table::<T>(file, text, list, &t, fix_hint)?;
            out.push(Located {
                value,
                start: t.start,
                end: t.end,
            });
        }
    }
    Ok(out)
}

/// Reads one table of list `list` as a `T`, from its own text, so that a
/// wrong value is reported with its position.
pub(crate) fn parse_table<T: DeserializeOwned>(
    file: &str,
    text: &str,
    list: &str,
    t: &Located<toml::Table>,
    fix_hint: &str,
) -> Result<T, FileError> {
    let slice = &text[t.start..t.end];
    let parsed: Result<std::collections::BTreeMap<String, Vec<T>>, _> = toml::from_str(slice);
    match parsed {
        Ok(mut m) => m
            .remove(list)
            .and_then(|mut v| v.pop())
            .ok_or_else(|| FileError {
                file: file.to_string(),
                line: line_of(text, t.start),
                field: None,
                message: format!("[[{list}]] table could not be read on its own"),
                fix: fix_hint.to_string(),
            }),
        Err(e) => {
            let message = e.message().trim().to_string();
            let at = e.span().map_or(t.start, |s| t.start + s.start);
            let field = field_in(&message).or_else(|| key_at(text, at));
            let line = match (&field, e.span()) {
                (Some(f), None) => field_line(text, (t.start, t.end), f),
                _ => line_of(text, at),
            };
            Err(FileError {
                file: file.to_string(),
                line,
                field,
                message,
                fix: fix_hint.to_string(),
            })
        }
    }
}

/// A list of tables: its name and its tables.
pub(crate) type NamedList = (String, Vec<Located<toml::Table>>);

/// Reads the named lists of tables of a file, keeping each table's range.
pub(crate) fn read_tables(file: &str, text: &str) -> Result<Vec<NamedList>, FileError> {
    #[derive(Deserialize)]
    #[serde(transparent)]
    struct Top(std::collections::BTreeMap<String, Vec<toml::Spanned<toml::Table>>>);
    let top: Top = toml::from_str(text).map_err(|e| {
        let message = e.message().trim().to_string();
        FileError {
            file: file.to_string(),
            line: e.span().map_or(1, |s| line_of(text, s.start)),
            field: e.span().and_then(|s| key_at(text, s.start)),
            message,
            fix: "the file is a list of [[tables]] of `key = value` lines (see the bundled demo file)"
                .to_string(),
        }
    })?;
    let mut lists: Vec<NamedList> = top
        .0
        .into_iter()
        .map(|(name, items)| {
            let items = items
                .into_iter()
                .map(|s| {
                    let span = s.span();
                    Located {
                        value: s.into_inner(),
                        start: span.start,
                        end: span.end,
                    }
                })
                .collect();
            (name, items)
        })
        .collect();
    lists.sort_by_key(|(_, items)| items.first().map_or(0, |t| t.start));
    // A table's span is its `[[header]]`: it runs to the next header.
    let mut starts: Vec<usize> = lists
        .iter()
        .flat_map(|(_, items)| items.iter().map(|t| t.start))
        .collect();
    starts.sort_unstable();
    for (_, items) in &mut lists {
        for t in items.iter_mut() {
            let next = starts.partition_point(|&s| s <= t.start);
            t.end = starts.get(next).copied().unwrap_or(text.len());
        }
    }
    Ok(lists)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_lines_are_found_inside_their_table() {
        let text = "[[a]]\nkey = \"x\"\nname = \"y\"\n\n[[a]]\nkey = \"z\"\n";
        assert_eq!(field_line(text, (0, 27), "name"), 3);
        assert_eq!(field_line(text, (28, text.len()), "key"), 6);
        assert_eq!(field_line(text, (28, text.len()), "name"), 5);
    }
}
