//! The load-and-write soak (issue 20): on one store at once, `vigil serve`
//! under read load from a few threads, rounds of two `vigil ingest` runs
//! with `vigil extract` and `vigil link` started while they write, and
//! review actions through the API, each retried once. At the end nothing
//! is lost or doubled: every process exited 0, every record written is one
//! document, every document is extracted, linking leaves nothing waiting,
//! each review decision is recorded once, and SQLite's integrity check is
//! clean.
//!
//! Bounded in time: rounds start for `VIGIL_SOAK_SECONDS` (default 15),
//! then one last round finishes; `scripts/soak SECONDS` runs it longer.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

mod support;
use support::{finish, spawn};

/// Records per file and round: a few thousand in one default run, each
/// ingest taking long enough for extract and link to start under it.
const RECORDS: usize = 1500;
/// Records ingested, extracted and linked before the server starts, so
/// that there are incidents to review from the first second.
const SEED: usize = 300;
/// Threads reading while everything else writes.
const READERS: usize = 3;
/// What the readers ask, in turn: the list, search, incidents and tally.
const READS: [&str; 6] = [
    "/api/v1/documents?limit=50",
    "/api/v1/search?q=checkpoint&limit=20",
    "/api/v1/incidents?limit=50",
    "/api/v1/incidents?sort=-killed&limit=20",
    "/api/v1/tally?by=province",
    "/api/v1/stats",
];

const VILLAGES: [&str; 6] = [
    "al-Shuhayl",
    "Hajin",
    "Dhiban",
    "al-Busayrah",
    "Gharanij",
    "al-Susah",
];

fn soak_seconds() -> u64 {
    match std::env::var("VIGIL_SOAK_SECONDS") {
        Ok(s) => s
            .parse()
            .unwrap_or_else(|_| panic!("VIGIL_SOAK_SECONDS={s:?} is not a number of seconds")),
        Err(_) => 15,
    }
}

fn json(out: &Output, what: &str) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: stdout is not JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn count(v: &Value, field: &str) -> u64 {
    v[field]
        .as_u64()
        .unwrap_or_else(|| panic!("no {field} in {v}"))
}

/// A JSONL file of `n` small report-style records of one source, each a
/// distinct publication telling one attack (in one of six villages, on a
/// day of its own; the same day and village in every file, so that the
/// files' reports link into shared incidents).
fn claims(dir: &Path, name: &str, n: usize) -> PathBuf {
    let mut text = String::new();
    for i in 0..n {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        let year = 2018 + (i / (28 * 12)) % 8;
        let village = VILLAGES[i % VILLAGES.len()];
        let killed = 2 + i % 7;
        text.push_str(&format!(
            "{{\"id\": \"{name}-{i}\", \"source\": \"{name} channel\", \
             \"published\": \"{year}-{month:02}-{day:02}T09:00:00Z\", \"lang\": \"en\", \
             \"text\": \"Fighters attacked a checkpoint in the village of {village} in the \
             Deir ez-Zor countryside, killing {killed} of its members. Message {name} {i}.\"}}\n"
        ));
    }
    let path = dir.join(format!("{name}.jsonl"));
    std::fs::write(&path, text).unwrap();
    path
}

/// One HTTP/1.1 exchange with the server: the status and the body.
fn http(port: u16, method: &str, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port))
        .unwrap_or_else(|e| panic!("connecting to vigil serve on port {port}: {e}"));
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if method == "POST" {
        req.push_str("Content-Length: 0\r\n");
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)
        .unwrap_or_else(|e| panic!("reading the answer to {method} {path}: {e}"));
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("{method} {path}: no end of headers in {raw:?}"));
    let status: u16 = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{method} {path}: no status in {head:?}"));
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_string()
    };
    (status, body)
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

fn get_json(port: u16, path: &str) -> Value {
    let (status, body) = http(port, "GET", path, &[]);
    assert_eq!(status, 200, "GET {path}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: not JSON ({e}): {body}"))
}

/// What the read threads saw, by path and status.
type Tally = BTreeMap<(String, u16), u64>;

/// Reads until told to stop; every answer must be 200 or 429 (the server
/// limits expensive requests), never a 5xx.
fn reader(port: u16, stop: Arc<AtomicBool>, seen: Arc<Mutex<Tally>>, n: usize) -> Vec<String> {
    let mut bad = Vec::new();
    let mut mine = Tally::new();
    let mut i = n;
    while !stop.load(Ordering::Relaxed) {
        let path = READS[i % READS.len()];
        i += 1;
        let (status, body) = http(port, "GET", path, &[]);
        *mine.entry((path.to_string(), status)).or_default() += 1;
        match status {
            200 => {
                if let Err(e) = serde_json::from_str::<Value>(&body) {
                    bad.push(format!("GET {path}: 200 but not JSON ({e})"));
                }
            }
            // The limit on expensive requests: wait a moment, as a client
            // honouring Retry-After would.
            429 => thread::sleep(Duration::from_millis(50)),
            _ => bad.push(format!("GET {path}: {status} {body}")),
        }
    }
    let mut all = seen.lock().unwrap();
    for (k, v) in mine {
        *all.entry(k).or_default() += v;
    }
    bad
}

/// One review decision and its retry.
#[derive(Debug)]
struct Reviewed {
    incident: i64,
    decision: i64,
}

/// Confirms and disputes incidents (alternately) until told to stop, each
/// request sent twice with one Idempotency-Key: the retry must answer the
/// same decision, `"repeated": true`.
fn reviewer(port: u16, stop: Arc<AtomicBool>) -> (Vec<Reviewed>, Vec<String>, u64) {
    let mut done = Vec::new();
    let mut bad = Vec::new();
    let mut gone = 0;
    let mut tried: BTreeSet<i64> = BTreeSet::new();
    let mut n = 0usize;
    // Walks the incidents by id; at the last page it asks that page again,
    // where the incidents that later links make appear.
    let mut cursor: Option<String> = None;
    while !stop.load(Ordering::Relaxed) {
        let path = match &cursor {
            Some(c) => format!("/api/v1/incidents?sort=id&limit=20&cursor={c}"),
            None => "/api/v1/incidents?sort=id&limit=20".to_string(),
        };
        let (status, body) = http(port, "GET", &path, &[]);
        if status == 429 {
            thread::sleep(Duration::from_millis(50));
            continue;
        }
        if status != 200 {
            bad.push(format!("GET {path}: {status} {body}"));
            continue;
        }
        let list: Value = serde_json::from_str(&body).unwrap();
        let fresh: Vec<i64> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|i| i["id"].as_i64())
            .filter(|id| !tried.contains(id))
            .collect();
        if let Some(next) = list["next_cursor"].as_str() {
            cursor = Some(next.to_string());
        } else if fresh.is_empty() {
            // Every incident has a decision; more come with the next
            // link. Reviewing is paced by the analyst, not the store.
            thread::sleep(Duration::from_millis(200));
            continue;
        }
        for id in fresh {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            tried.insert(id);
            let verb = if n.is_multiple_of(2) {
                "confirm"
            } else {
                "dispute"
            };
            n += 1;
            let path = format!("/api/v1/incidents/{id}/{verb}");
            let key = format!("soak-{id}-{verb}");
            let headers = [
                ("X-Vigil-Analyst", "Soak Tester"),
                ("Idempotency-Key", &key),
            ];
            let (status, body) = http(port, "POST", &path, &headers);
            match status {
                200 => {}
                // Relinking may have taken the incident's reports into
                // another one between the listing and the decision.
                404 | 409 => {
                    gone += 1;
                    continue;
                }
                _ => {
                    bad.push(format!("POST {path}: {status} {body}"));
                    continue;
                }
            }
            let first: Value = serde_json::from_str(&body).unwrap();
            if first["repeated"] != false {
                bad.push(format!(
                    "POST {path}: the first request was a repeat: {first}"
                ));
            }
            let (status, body) = http(port, "POST", &path, &headers);
            if status != 200 {
                bad.push(format!("POST {path} (retry): {status} {body}"));
                continue;
            }
            let retry: Value = serde_json::from_str(&body).unwrap();
            if retry["repeated"] != true || retry["decision"] != first["decision"] {
                bad.push(format!(
                    "POST {path}: the retry recorded something new: first {first}, retry {retry}"
                ));
            }
            done.push(Reviewed {
                incident: id,
                decision: first["decision"].as_i64().unwrap(),
            });
        }
    }
    (done, bad, gone)
}

/// Waits (bounded) until `documents` in the server's stats passes `past`:
/// the ingests have begun writing.
fn wait_for_documents(port: u16, past: u64, ingests: &mut [Child]) {
    let start = Instant::now();
    loop {
        let (status, body) = http(port, "GET", "/api/v1/stats", &[]);
        if status == 200 {
            let s: Value = serde_json::from_str(&body).unwrap();
            if count(&s, "documents") > past {
                return;
            }
        }
        // An ingest that already ended (too fast to overlap) is no reason
        // to wait further.
        if ingests
            .iter_mut()
            .any(|c| c.try_wait().ok().flatten().is_some())
        {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no ingested document appeared within a minute"
        );
        thread::sleep(Duration::from_millis(20));
    }
}

struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_ingest_extract_link_and_review_at_once_lose_nothing() {
    let seconds = soak_seconds();
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut written = 0u64;

    // A store with incidents before the server starts.
    let seed = claims(dir.path(), "seed", SEED);
    finish(
        spawn(&data, &["--quiet", "ingest", seed.to_str().unwrap()]),
        "the seed ingest",
    );
    written += SEED as u64;
    finish(spawn(&data, &["--quiet", "extract"]), "the seed extract");
    finish(spawn(&data, &["--quiet", "link"]), "the seed link");

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = std::fs::File::create(dir.path().join("serve.log")).unwrap();
    let serve = Serve(
        Command::new(env!("CARGO_BIN_EXE_vigil"))
            .arg("--data-dir")
            .arg(&data)
            .args(["serve", "--port", &port.to_string()])
            .env_remove("VIGIL_DATA_DIR")
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("starting vigil serve"),
    );
    // Up when it accepts a connection (bounded: 10 s).
    let up = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            up.elapsed() < Duration::from_secs(10),
            "vigil serve did not listen on port {port} within 10 s"
        );
        thread::sleep(Duration::from_millis(20));
    }

    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(Tally::new()));
    let readers: Vec<_> = (0..READERS)
        .map(|n| {
            let (stop, seen) = (stop.clone(), seen.clone());
            thread::spawn(move || reader(port, stop, seen, n))
        })
        .collect();
    let review = {
        let stop = stop.clone();
        thread::spawn(move || reviewer(port, stop))
    };

    // Rounds: two ingests of new files, extract and link started while
    // they write. Rounds start until the time is up; at least one runs.
    let mut rounds = 0;
    let mut extracted_in_rounds = 0;
    let mut round_seconds = Vec::new();
    while rounds == 0 || started.elapsed() < Duration::from_secs(seconds) {
        let round_started = Instant::now();
        let before = count(&get_json(port, "/api/v1/stats"), "documents");
        let a = claims(dir.path(), &format!("alpha{rounds}"), RECORDS);
        let b = claims(dir.path(), &format!("beta{rounds}"), RECORDS);
        let mut ingests = vec![
            spawn(&data, &["--json", "ingest", a.to_str().unwrap()]),
            spawn(&data, &["--json", "ingest", b.to_str().unwrap()]),
        ];
        wait_for_documents(port, before, &mut ingests);
        let extract = spawn(&data, &["--json", "extract", "-j", "1"]);
        let link = spawn(&data, &["--json", "link"]);
        let second = ingests.pop().unwrap();
        let first = ingests.pop().unwrap();
        for (child, what) in [(first, "first"), (second, "second")] {
            let out = json(
                &finish(child, &format!("round {rounds}: the {what} ingest")),
                "ingest",
            );
            assert_eq!(
                count(&out, "new"),
                RECORDS as u64,
                "round {rounds}: the {what} ingest lost records: {out}"
            );
            written += RECORDS as u64;
        }
        let out = json(
            &finish(extract, &format!("round {rounds}: extract")),
            "extract",
        );
        extracted_in_rounds += count(&out, "documents");
        finish(link, &format!("round {rounds}: link"));
        round_seconds.push(round_started.elapsed().as_secs_f64());
        rounds += 1;
    }

    // The last pass: what the rounds' extract and link did not reach.
    let last_started = Instant::now();
    let last = json(
        &finish(spawn(&data, &["--json", "extract"]), "the last extract"),
        "extract",
    );
    finish(spawn(&data, &["--quiet", "link"]), "the last link");
    let last_seconds = last_started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let mut bad = Vec::new();
    for r in readers {
        bad.extend(r.join().expect("a reader thread panicked"));
    }
    let (reviewed, review_bad, gone) = review.join().expect("the reviewer thread panicked");
    bad.extend(review_bad);
    drop(serve);
    let serve_log = std::fs::read_to_string(dir.path().join("serve.log")).unwrap_or_default();
    assert!(
        bad.is_empty(),
        "{} answers were wrong:\n{}\n(server log:\n{serve_log})",
        bad.len(),
        bad.join("\n")
    );

    // Every record written is one document, and every one is extracted:
    // `vigil extract` reads every stored document, and each tells one
    // event, so one report each.
    assert_eq!(
        (count(&last, "documents"), count(&last, "reports")),
        (written, written),
        "the last extract did not read every record written once ({written}): {last}"
    );
    let stats = json(
        &finish(spawn(&data, &["--json", "stats"]), "stats"),
        "stats",
    );
    assert_eq!(
        count(&stats, "documents"),
        written,
        "documents lost or doubled: {written} records written, store has {stats}"
    );
    assert_eq!(
        count(&stats, "event_reports"),
        written,
        "each document tells one event: reports lost or doubled ({stats})"
    );
    // Linking left nothing waiting.
    let link = json(
        &finish(spawn(&data, &["--json", "link"]), "link again"),
        "link",
    );
    assert_eq!(
        count(&link, "new_reports"),
        0,
        "reports left unlinked after the last link: {link}"
    );

    // Each decision answered is recorded once, and nothing else was.
    let store = vigil_store::open(&data.join("vigil.sqlite")).unwrap();
    let decisions = store.decisions().unwrap();
    let recorded: BTreeSet<i64> = decisions.iter().map(|d| d.id).collect();
    let answered: BTreeSet<i64> = reviewed.iter().map(|r| r.decision).collect();
    assert_eq!(
        answered.len(),
        reviewed.len(),
        "two review requests answered with one decision: {reviewed:?}"
    );
    assert_eq!(
        recorded,
        answered,
        "decisions recorded ({}) are not those answered ({}): missing {:?}, extra {:?}",
        recorded.len(),
        answered.len(),
        answered.difference(&recorded).collect::<Vec<_>>(),
        recorded.difference(&answered).collect::<Vec<_>>()
    );
    drop(store);

    let conn = rusqlite::Connection::open(data.join("vigil.sqlite")).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok", "SQLite integrity check");
    let (unextracted, doubled): (u64, u64) = conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM documents d WHERE NOT EXISTS \
                       (SELECT 1 FROM event_reports r WHERE r.document_id = d.id)), \
                    (SELECT COUNT(*) FROM (SELECT document_id FROM event_reports \
                       GROUP BY document_id HAVING COUNT(*) > 1))",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (unextracted, doubled),
        (0, 0),
        "documents without their report, and documents with more than one"
    );

    let seen = seen.lock().unwrap();
    let reads: u64 = seen.values().sum();
    let limited: u64 = seen
        .iter()
        .filter(|((_, s), _)| *s == 429)
        .map(|(_, n)| n)
        .sum();
    let incidents_reviewed: BTreeSet<i64> = reviewed.iter().map(|r| r.incident).collect();
    let slowest = round_seconds.iter().copied().fold(0.0, f64::max);
    eprintln!(
        "soak: {:.1} s in all; {rounds} rounds of 2 x {RECORDS} records ({:.1} s each on \
         average, the slowest {slowest:.1} s); {written} documents, {} incidents; the rounds' \
         extracts read {extracted_in_rounds} documents; the last extract and link {last_seconds:.1} s",
        started.elapsed().as_secs_f64(),
        round_seconds.iter().sum::<f64>() / round_seconds.len() as f64,
        count(&stats, "incidents"),
    );
    eprintln!(
        "soak: {reads} reads ({limited} answered 429); {} review decisions on {} incidents, \
         each retried once; {gone} incidents gone before their review",
        reviewed.len(),
        incidents_reviewed.len(),
    );
    for ((path, status), n) in seen.iter() {
        eprintln!("soak:   {status} {path}: {n}");
    }
}
