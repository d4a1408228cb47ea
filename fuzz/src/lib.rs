//! One function per fuzz target: the exact call each target makes on the
//! fuzzer's bytes. The targets in `fuzz_targets/` are one line each around
//! these, and `crates/vigil-cli/tests/fuzz_corpus.rs` includes this file to
//! replay the committed corpora on the stable toolchain, so that the
//! fuzzed code and the replayed code cannot drift apart.
//!
//! Every entry point may return an error for bad input (that is its job);
//! only a panic, an abort or a hang is a finding.

use vigil_ingest::{read_bytes, Format, ReadOptions};

/// What a target does with the fuzzer's bytes.
pub type Target = fn(&[u8]);

/// Every target, by the name of its file in `fuzz_targets/` and of its
/// corpus folder in `corpus/`.
pub const TARGETS: &[(&str, Target)] = &[
    ("ingest_text", ingest_text),
    ("ingest_markdown", ingest_markdown),
    ("ingest_html", ingest_html),
    ("ingest_jsonl", ingest_jsonl),
    ("ingest_csv", ingest_csv),
    ("ingest_tsv", ingest_tsv),
    ("ingest_telegram", ingest_telegram),
    ("ingest_feed", ingest_feed),
    ("search_query", search_query),
    ("api_cursor", api_cursor),
    ("extract", extract),
];

/// A reader over a whole file's bytes, as `vigil ingest` calls it, with the
/// default options (2 MB documents); every item it yields is looked at so
/// that nothing is optimized away.
fn ingest(format: Format, data: &[u8]) {
    let mut items = 0usize;
    let _ = read_bytes(
        "fuzz-input",
        data,
        format,
        &ReadOptions::default(),
        &mut |item| {
            items += 1;
            std::hint::black_box(item);
        },
    );
    std::hint::black_box(items);
}

/// Plain text with optional front matter.
pub fn ingest_text(data: &[u8]) {
    ingest(Format::Text, data)
}

/// Markdown with optional front matter.
pub fn ingest_markdown(data: &[u8]) {
    ingest(Format::Markdown, data)
}

/// An HTML page.
pub fn ingest_html(data: &[u8]) {
    ingest(Format::Html, data)
}

/// Vigil JSON Lines.
pub fn ingest_jsonl(data: &[u8]) {
    ingest(Format::Jsonl, data)
}

/// CSV with a header row, default column mapping.
pub fn ingest_csv(data: &[u8]) {
    ingest(Format::Csv, data)
}

/// TSV with a header row, default column mapping.
pub fn ingest_tsv(data: &[u8]) {
    ingest(Format::Tsv, data)
}

/// A Telegram Desktop export (`result.json`).
pub fn ingest_telegram(data: &[u8]) {
    ingest(Format::Telegram, data)
}

/// RSS 2.0 or Atom.
pub fn ingest_feed(data: &[u8]) {
    ingest(Format::Feed, data)
}

/// The analyst's search language compiled to FTS5 (`q=` of the search
/// endpoint and `vigil search`). Text only: the server hands it a `&str`.
pub fn search_query(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = std::hint::black_box(vigil_store::compile_search(text));
    }
}

/// The API's opaque paging cursor, checked against the sort `-published`
/// (a cursor decoded under the wrong sort is refused: that path runs too).
pub fn api_cursor(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let given = Some(text.to_string());
        let _ = std::hint::black_box(vigil_server::Cursor::decode(&given, "-published"));
    }
}

/// The extraction engine on a document's text, with a publication day so
/// that relative dates ("on Thursday", "yesterday") are resolved.
pub fn extract(data: &[u8]) {
    use std::sync::OnceLock;
    use vigil_extract::{DocInput, Extractor};
    // The knowledge base and gazetteer load once per process, not per input.
    static EXTRACTOR: OnceLock<Extractor> = OnceLock::new();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let doc = DocInput {
        published: chrono::NaiveDate::from_ymd_opt(2024, 3, 14),
        ..DocInput::default()
    };
    let ex = EXTRACTOR.get_or_init(Extractor::new);
    std::hint::black_box(ex.extract(text, &doc));
}
