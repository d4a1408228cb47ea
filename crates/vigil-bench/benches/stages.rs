//! Stage benchmarks (divan): each stage of the pipeline on the committed
//! sample of the seeded generator (`fixtures/sample.jsonl`: a short post,
//! a wire story and a long report in English and Arabic) or on seeded
//! synthetic inputs.
//!
//! ```sh
//! cargo bench -p vigil-bench                 # all stages
//! cargo bench -p vigil-bench -- extract      # one stage
//! ```
//!
//! Throughput is shown in bytes of document text (or items) per second.

use std::sync::OnceLock;

use divan::counter::{BytesCount, ItemsCount};
use divan::{black_box, Bencher};
use vigil_bench::floor::Floor;
use vigil_bench::inputs::{sample_docs, synthetic_reports, Rng, SampleDoc};
use vigil_extract::{DocInput, Extractor};
use vigil_ingest::{prepare, PrepareOptions, RawDocument};
use vigil_model::NewDocument;
use vigil_store::{BoxStore, DedupOptions, SearchQuery};

fn main() {
    divan::main();
}

const DOCS: &[&str] = &[
    "claim-en",
    "claim-ar",
    "wire-en",
    "wire-ar",
    "report-en",
    "report-ar",
];

fn doc(label: &str) -> &'static SampleDoc {
    static SAMPLE: OnceLock<Vec<SampleDoc>> = OnceLock::new();
    SAMPLE
        .get_or_init(sample_docs)
        .iter()
        .find(|d| d.label() == label)
        .expect("fixtures/sample.jsonl has one document of each kind and language")
}

/// The extractor, with everything it builds on first use (lazily
/// initialized lexicons) already built, so that no sample pays for it.
fn extractor() -> Extractor {
    static WARM: OnceLock<()> = OnceLock::new();
    let ex = Extractor::new();
    WARM.get_or_init(|| {
        for d in sample_docs() {
            ex.extract(&d.text, &input(&d));
        }
    });
    ex
}

fn input(d: &SampleDoc) -> DocInput {
    DocInput {
        published: d.published(),
        lang: d.lang.parse().ok(),
        ..DocInput::default()
    }
}

#[divan::bench(args = DOCS)]
fn lang_id(bencher: Bencher, label: &str) {
    let d = doc(label);
    bencher
        .counter(BytesCount::of_str(&d.text))
        .bench(|| vigil_text::detect_lang(black_box(&d.text)));
}

#[divan::bench(args = DOCS)]
fn normalize(bencher: Bencher, label: &str) {
    let d = doc(label);
    bencher
        .counter(BytesCount::of_str(&d.text))
        .bench(|| vigil_text::normalize(black_box(&d.text)));
}

/// Gazetteer name spotting over a normalized text (vigil-geo alone).
#[divan::bench(args = DOCS)]
fn gazetteer_find_names(bencher: Bencher, label: &str) {
    let d = doc(label);
    let gaz = vigil_geo::Gazetteer::bundled();
    let normalized = vigil_text::normalize(&d.text);
    bencher
        .counter(BytesCount::of_str(&d.text))
        .bench(|| gaz.find_names(black_box(&normalized)));
}

/// Place extraction over a text: spotting, filtering and resolution.
#[divan::bench(args = DOCS, sample_count = 30)]
fn places(bencher: Bencher, label: &str) {
    let d = doc(label);
    let ex = extractor();
    let inp = input(d);
    bencher
        .counter(BytesCount::of_str(&d.text))
        .bench(|| ex.places(black_box(&d.text), &inp));
}

/// Extraction of one document: every field of every event report.
#[divan::bench(args = DOCS, sample_count = 30)]
fn extract(bencher: Bencher, label: &str) {
    let d = doc(label);
    let ex = extractor();
    let inp = input(d);
    bencher
        .counter(BytesCount::of_str(&d.text))
        .bench(|| ex.extract(black_box(&d.text), &inp));
}

/// The floor: one aho-corasick pass of every gazetteer name and knowledge
/// base word over the same bytes as `extract`.
#[divan::bench(args = DOCS)]
fn floor_aho_corasick(bencher: Bencher, label: &str) {
    static FLOOR: OnceLock<Floor> = OnceLock::new();
    let floor = FLOOR.get_or_init(|| Floor::new(vigil_geo::Gazetteer::bundled()));
    let d = doc(label);
    bencher
        .counter(BytesCount::of_str(&d.text))
        .bench(|| floor.count(black_box(&d.text)));
}

/// `n` distinct documents made from the sample by shuffling its words
/// (seeded): the same bytes and scripts, no near-duplicates.
fn documents(n: usize, seed: u64) -> Vec<NewDocument> {
    let sample = sample_docs();
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|i| {
            let d = &sample[i % sample.len()];
            let mut words: Vec<&str> = d.text.split_whitespace().collect();
            for j in (1..words.len()).rev() {
                words.swap(j, rng.below(j + 1));
            }
            let raw = RawDocument {
                text: words.join(" "),
                source_name: Some(format!("source {}", i % 7)),
                url: Some(format!("https://example.org/{i}")),
                ..RawDocument::default()
            };
            prepare(raw, &PrepareOptions::default())
        })
        .collect()
}

/// One batch of documents into a fresh temporary SQLite store (the
/// store's deduplication included).
#[divan::bench(args = [100, 1000], sample_count = 10)]
fn store_insert(bencher: Bencher, n: usize) {
    let docs = documents(n, 1);
    bencher
        .counter(ItemsCount::new(n))
        .with_inputs(|| {
            let dir = tempfile::tempdir().expect("a temporary directory");
            let store = vigil_store::open(&dir.path().join("vigil.sqlite")).expect("a store");
            (dir, store)
        })
        .bench_local_values(|(dir, mut store)| {
            store
                .insert_documents(&docs, &DedupOptions::default())
                .expect("inserted");
            (dir, store)
        });
}

const QUERIES: &[&str] = &[
    "Raqqa",
    "الرقة",
    "\"car bomb\"",
    "Mosul OR Kirkuk",
    "Qamish*",
];

/// Full-text search on a store of 3,000 documents.
#[divan::bench(args = QUERIES)]
fn search(bencher: Bencher, query: &str) {
    static STORE: OnceLock<(tempfile::TempDir, std::sync::Mutex<BoxStore>)> = OnceLock::new();
    let (_, store) = STORE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut store = vigil_store::open(&dir.path().join("vigil.sqlite")).expect("a store");
        store
            .insert_documents(&documents(3000, 2), &DedupOptions::default())
            .expect("inserted");
        (dir, std::sync::Mutex::new(store))
    });
    let store = store.lock().expect("the store");
    let q = SearchQuery {
        text: query.to_string(),
        limit: 20,
        ..SearchQuery::default()
    };
    bencher.bench_local(|| store.search(black_box(&q)).expect("searched"));
}

/// Incident linking over `n` synthetic reports of a year.
#[divan::bench(args = [1000, 2000, 4000, 8000], sample_count = 5)]
fn link(bencher: Bencher, n: usize) {
    let reports = synthetic_reports(n, 7);
    let opts = vigil_analyze::link::LinkOptions::default();
    bencher
        .counter(ItemsCount::new(n))
        .bench(|| vigil_analyze::link::link(black_box(&reports), &opts));
}

/// A store of 3,000 documents with four synthetic reports of 2019 each,
/// linked into incidents (built once).
fn tally_store() -> &'static std::sync::Mutex<BoxStore> {
    static STORE: OnceLock<(tempfile::TempDir, std::sync::Mutex<BoxStore>)> = OnceLock::new();
    let (_, store) = STORE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut store = vigil_store::open(&dir.path().join("vigil.sqlite")).expect("a store");
        store
            .insert_documents(&documents(3000, 3), &DedupOptions::default())
            .expect("inserted");
        let ids = store
            .document_ids(vigil_model::DocumentId(0), usize::MAX)
            .expect("document ids");
        let reports = synthetic_reports(ids.len() * 4, 11);
        for (doc, reports) in ids.iter().zip(reports.chunks(4)) {
            store
                .replace_reports(*doc, reports)
                .expect("reports stored");
        }
        vigil_analyze::relink::relink(
            &mut *store,
            &vigil_analyze::relink::RelinkOptions::default(),
            &mut |_, _| {},
        )
        .expect("linked");
        (dir, std::sync::Mutex::new(store))
    });
    store
}

const TALLIES: &[&str] = &["all", "by province", "by perpetrator", "one perpetrator"];

/// Weekly incident counts over a year, in the store, on `tally_store`.
#[divan::bench(args = TALLIES)]
fn tally(bencher: Bencher, which: &str) {
    use vigil_model::{Dimension, Measure, WeekStart};
    let store = tally_store().lock().expect("the store");
    let (by, filters) = match which {
        "by province" => (Some(Dimension::Province), Vec::new()),
        "by perpetrator" => (Some(Dimension::Perpetrator), Vec::new()),
        "one perpetrator" => (
            None,
            vec![(Dimension::Perpetrator, "islamic-state".to_string())],
        ),
        _ => (None, Vec::new()),
    };
    let q = vigil_store::WeeklyCountQuery {
        measure: Measure::Incidents,
        by,
        filters,
        week_start: WeekStart::Monday,
        since: chrono::NaiveDate::from_ymd_opt(2018, 12, 31).expect("a date"),
        until: chrono::NaiveDate::from_ymd_opt(2019, 12, 29).expect("a date"),
    };
    bencher.bench_local(|| store.weekly_counts(black_box(&q)).expect("counted"));
}
