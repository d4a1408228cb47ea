//! Replays the committed fuzz corpora (`fuzz/corpus/<target>/`) through the
//! very functions the fuzz targets call (`fuzz/src/lib.rs`, included here),
//! on the stable toolchain: every seed and every crash the fuzzer once
//! found must now run without a panic. The fuzzing itself is
//! `scripts/fuzz`; this is the cheap part that `./scripts/test` runs.

#[path = "../../../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod fuzz_entry;

use std::path::Path;

#[test]
fn every_fuzz_corpus_input_runs_without_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    let mut failures = Vec::new();
    for (name, run) in fuzz_entry::TARGETS {
        let dir = root.join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{}: no corpus inputs", dir.display());
        for path in files {
            let data = std::fs::read(&path).unwrap();
            if std::panic::catch_unwind(|| run(data.as_slice())).is_err() {
                failures.push(path.display().to_string());
            }
        }
    }
    assert!(failures.is_empty(), "inputs that panicked: {failures:#?}");
}

#[test]
fn every_fuzz_target_has_a_corpus_and_a_source() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut on_disk: Vec<String> = std::fs::read_dir(fuzz.join("fuzz_targets"))
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            p.file_stem().unwrap().to_string_lossy().into_owned()
        })
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = fuzz_entry::TARGETS
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    listed.sort();
    assert_eq!(on_disk, listed, "fuzz_targets/ and TARGETS disagree");
}
