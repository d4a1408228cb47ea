//! What the integration tests of the HTTP API and the dashboard share:
//! running the `vigil` binary and the demo store, built once per build.

// Each test binary includes this module and uses only part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// Runs `vigil --data-dir DATA ARGS...`.
pub fn vigil(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vigil"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("VIGIL_DATA_DIR")
        .env_remove("RUST_LOG")
        .output()
        .expect("running vigil")
}

/// Starts `vigil --data-dir DATA ARGS...` with its output piped, for
/// tests that run several at once.
pub fn spawn(data: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_vigil"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("VIGIL_DATA_DIR")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting vigil")
}

/// Waits for a process [`spawn`] started; it must have succeeded.
pub fn finish(child: Child, what: &str) -> Output {
    let out = child.wait_with_output().expect("waiting for vigil");
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The demo store, ingested, extracted and linked once per build of the binary and
/// shared by the tests (each test runs in its own process
/// under nextest, so the cache lives on disk).
pub fn demo_store() -> PathBuf {
    let exe = Path::new(env!("CARGO_BIN_EXE_vigil"));
    let stamp = std::fs::metadata(exe)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = root.join(format!("api-demo-{stamp}"));
    if !dir.join("ready").exists() {
        // Stores of earlier builds are stale now.
        for old in std::fs::read_dir(root).into_iter().flatten().flatten() {
            let name = old.file_name().to_string_lossy().into_owned();
            if name.starts_with("api-demo-") && old.path() != dir {
                let _ = std::fs::remove_dir_all(old.path());
            }
        }
        let tmp = tempfile::tempdir_in(root).unwrap();
        let d = tmp.path();
        let out = vigil(d, &["--quiet", "demo", "--into", d.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "demo: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = vigil(d, &["--quiet", "extract"]);
        assert!(
            out.status.success(),
            "extract: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Re-extraction leaves incidents to relink: link them again.
        let out = vigil(d, &["--quiet", "link"]);
        assert!(
            out.status.success(),
            "link: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::write(d.join("ready"), "").unwrap();
        // Another test process may have won the race: either copy will do.
        let _ = std::fs::rename(tmp.keep(), &dir);
    }
    let own = tempfile::tempdir().unwrap().keep();
    std::fs::copy(dir.join("vigil.sqlite"), own.join("vigil.sqlite")).unwrap();
    for wal in ["vigil.sqlite-wal", "vigil.sqlite-shm"] {
        if dir.join(wal).exists() {
            std::fs::copy(dir.join(wal), own.join(wal)).unwrap();
        }
    }
    own
}
