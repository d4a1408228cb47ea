//! Builds the bundled gazetteer into OUT_DIR from data/gazetteer:
//! `places.bin` (the places table, see `Table::to_bytes`), `names.fst`
//! (normalized name key → run of place indexes) and `postings.bin`.
//! The keys are made by vigil-text's normalization, through the same code
//! (`src/table.rs`) that `Gazetteer::from_tsv` uses at run time.

use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

#[allow(dead_code)]
#[path = "src/table.rs"]
mod table;

fn main() {
    let t0 = Instant::now();
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let data = manifest.join("../../data/gazetteer");
    let places = data.join("places.tsv.gz");
    println!("cargo:rerun-if-changed={}", places.display());
    let stopnames = data.join("stopnames.txt");
    println!("cargo:rerun-if-changed={}", stopnames.display());
    println!("cargo:rerun-if-changed=src/table.rs");

    let file = std::fs::File::open(&places)
        .unwrap_or_else(|e| panic!("opening {}: {e}", places.display()));
    let mut tsv = Vec::new();
    flate2::read::GzDecoder::new(std::io::BufReader::new(file))
        .read_to_end(&mut tsv)
        .unwrap_or_else(|e| panic!("decompressing {}: {e}", places.display()));
    let table = table::Table::from_tsv(tsv.as_slice())
        .unwrap_or_else(|e| panic!("{}: {e}", places.display()));
    let index = table::build_index(&table).unwrap_or_else(|e| panic!("{e}"));

    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let write = |name: &str, bytes: &[u8]| {
        std::fs::write(out.join(name), bytes).unwrap_or_else(|e| panic!("writing {name}: {e}"));
    };
    write("places.bin", &table.to_bytes());
    write("names.fst", &index.fst);
    write("postings.bin", &table::postings_to_bytes(&index.postings));
    let stop = std::fs::read_to_string(&stopnames)
        .unwrap_or_else(|e| panic!("reading {}: {e}", stopnames.display()));
    write(
        "stopnames.txt",
        table::parse_stopnames(&stop).join("\n").as_bytes(),
    );
    let stats = format!(
        "{} places, {} names, {} keys, {} postings, fst {} bytes, built in {:.1?}\n",
        table.places.len(),
        table.name_spans.len(),
        index.keys,
        index.postings.len(),
        index.fst.len(),
        t0.elapsed()
    );
    write("stats.txt", stats.as_bytes());
}
