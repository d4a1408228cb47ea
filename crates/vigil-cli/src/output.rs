//! Printing: tables for people, JSON for programs (`--json`).

use std::borrow::Cow;
use std::io::Write;

use serde::Serialize;

use vigil_app::ingest::Summary;

/// How results are printed.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// JSON on stdout instead of tables.
    pub json: bool,
    /// No summaries or hints (errors still go to stderr).
    pub quiet: bool,
}

impl Output {
    /// Prints `value` as pretty JSON on stdout.
    pub fn json<T: Serialize>(&self, value: &T) -> anyhow::Result<()> {
        let mut stdout = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut stdout, value)?;
        writeln!(stdout)?;
        Ok(())
    }

    /// Prints an ingest summary.
    pub fn ingest_summary(&self, s: &Summary) -> anyhow::Result<()> {
        if self.json {
            return self.json(s);
        }
        // Rejections go to stderr even when quiet: they are errors.
        const SHOWN: usize = 20;
        for p in s.rejections.iter().take(SHOWN) {
            eprintln!("rejected: {}", at(p.at.as_str(), &p.reason));
        }
        if s.rejections.len() > SHOWN {
            eprintln!(
                "rejected: … and {} more (use --json for the full list)",
                s.rejections.len() - SHOWN
            );
        }
        if self.quiet {
            return Ok(());
        }
        for p in s.skip_list.iter().take(SHOWN) {
            eprintln!("skipped: {}", at(p.at.as_str(), &p.reason));
        }
        if s.skip_list.len() > SHOWN {
            eprintln!(
                "skipped: … and {} more (use --json for the full list)",
                s.skip_list.len() - SHOWN
            );
        }
        for p in s.warning_list.iter().take(SHOWN) {
            eprintln!("warning: {}", at(p.at.as_str(), &p.reason));
        }
        if s.warning_list.len() > SHOWN {
            eprintln!(
                "warning: … and {} more (use --json for the full list)",
                s.warning_list.len() - SHOWN
            );
        }
        let rows = [
            ("files read", s.files.to_string()),
            ("files rejected", s.files_rejected.to_string()),
            ("files skipped", s.files_skipped.to_string()),
            ("publications new", s.new.to_string()),
            ("  with a text seen before", s.new_text_seen.to_string()),
            ("  like one seen before", s.new_like_seen.to_string()),
            ("copies (same post again)", s.recollected.to_string()),
            ("copies (forwards/reposts)", s.copies.to_string()),
            ("records rejected", s.records_rejected.to_string()),
            ("records skipped (no text)", s.records_skipped.to_string()),
            ("warnings", s.warnings.to_string()),
            (
                "time",
                format!(
                    "{:.2} s, {:.0} docs/s, {:.1} MB/s",
                    s.seconds,
                    s.docs_per_second,
                    s.bytes as f64 / 1e6 / s.seconds.max(1e-9)
                ),
            ),
        ];
        print_pairs(&rows);
        Ok(())
    }
}

fn at(at: &str, reason: &str) -> String {
    if at.is_empty() {
        term(reason).into_owned()
    } else {
        format!("{}: {}", term(at), term(reason))
    }
}

/// Text from outside (a title, a source, file or analyst name, a reason
/// quoting one) made safe for one line of a terminal: control characters
/// (escape sequences, newlines, carriage returns, tabs, C1 codes) and bidi
/// overrides and isolates are shown escaped (`\n`, `\u{1b}`), so that they
/// can neither drive the terminal (clear it, write the clipboard) nor forge
/// a line of output nor reorder what the analyst reads.
pub fn term(s: &str) -> Cow<'_, str> {
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn unsafe_char(c: char) -> bool {
    c.is_control() || bidi_control(c)
}

/// Bidi embeddings, overrides and isolates: they reorder the text after
/// them ("evil\u{202E}txt.exe" shows as "evilexe.txt").
fn bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Prints `label  value` rows with the labels aligned.
pub fn print_pairs(rows: &[(&str, String)]) {
    let width = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    for (k, v) in rows {
        out_line(&format!("{k:<width$}  {}", term(v)));
    }
}

/// Prints a table with a header row; columns sized to their widest cell.
pub fn print_table(header: &[&str], rows: &[Vec<String>]) {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|c| term(c).into_owned()).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = widths[i].saturating_sub(c.chars().count());
            s.push_str(c);
            if i + 1 < cells.len() {
                s.push_str(&" ".repeat(pad + 2));
            }
        }
        out_line(s.trim_end());
    };
    line(header.to_vec());
    for row in &rows {
        line(row.iter().map(String::as_str).collect());
    }
}

/// Prints one line of a table on stdout. A reader that stopped early
/// (`vigil gazetteer lookup X | head`) ends the command quietly, as the
/// errors `main` sees do, rather than with a panic.
fn out_line(line: &str) {
    use std::io::Write;
    if let Err(e) = writeln!(std::io::stdout().lock(), "{line}") {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        panic!("cannot write to stdout: {e}");
    }
}

/// Cuts a string to at most `n` characters for a table cell, on one line
/// (control characters as spaces, bidi overrides and isolates dropped).
pub fn clip(s: &str, n: usize) -> String {
    let one_line: String = s
        .chars()
        .filter(|c| !bidi_control(*c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() <= n {
        one_line
    } else {
        let mut out: String = one_line.chars().take(n.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_shown_escaped() {
        // (from outside, as printed)
        let cases = [
            ("plain title", "plain title"),
            ("بيان المكتب الإعلامي", "بيان المكتب الإعلامي"),
            (
                "\u{1b}]52;c;cm0gLXJmIH4=\u{7}",
                "\\u{1b}]52;c;cm0gLXJmIH4=\\u{7}",
            ),
            ("\u{1b}[2J\u{1b}[H", "\\u{1b}[2J\\u{1b}[H"),
            ("a.txt\nfiles read  0", "a.txt\\nfiles read  0"),
            ("cr\rover", "cr\\rover"),
            ("c1 \u{9b}31m", "c1 \\u{9b}31m"),
            ("evil\u{202E}txt.exe", "evil\\u{202e}txt.exe"),
        ];
        for (raw, shown) in cases {
            assert_eq!(term(raw), shown, "{raw:?}");
        }
        assert!(matches!(term("safe"), Cow::Borrowed(_)));
        assert_eq!(clip("a\u{1b}[2Jb\u{202E}c", 20), "a [2Jbc");
    }
}
