//! Printing: tables for people, JSON for programs (`--json`).

use std::io::Write;

use serde::Serialize;

use crate::ingest::Summary;

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
            (
                "files skipped (unknown format)",
                s.files_skipped.to_string(),
            ),
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
        reason.to_string()
    } else {
        format!("{at}: {reason}")
    }
}

/// Prints `label  value` rows with the labels aligned.
pub fn print_pairs(rows: &[(&str, String)]) {
    let width = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    for (k, v) in rows {
        println!("{k:<width$}  {v}");
    }
}

/// Prints a table with a header row; columns sized to their widest cell.
pub fn print_table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
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
        println!("{}", s.trim_end());
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

/// Cuts a string to at most `n` characters for a table cell, on one line.
pub fn clip(s: &str, n: usize) -> String {
    let one_line: String = s
        .chars()
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
