#![no_main]
//! See `vigil_fuzz::ingest_telegram`: the call made here is shared with the corpus
//! replay in `crates/vigil-cli/tests/fuzz_corpus.rs`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| vigil_fuzz::ingest_telegram(data));
