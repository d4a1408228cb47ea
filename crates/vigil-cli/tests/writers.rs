//! Two writers on one store: runs of `vigil ingest`, `extract` and `link`
//! at once all complete and lose nothing (issue 20, item 1). Before
//! transactions started IMMEDIATE, the second writer failed at once with
//! "database is locked" and stored nothing.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

mod support;
use support::{finish, spawn};

/// Records per file: enough that the runs overlap (each takes a few
/// hundred milliseconds), few enough that the test takes seconds.
const RECORDS: usize = 800;

const VILLAGES: [&str; 6] = [
    "al-Shuhayl",
    "Hajin",
    "Dhiban",
    "al-Busayrah",
    "Gharanij",
    "al-Susah",
];

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn count(v: &Value, field: &str) -> u64 {
    v[field]
        .as_u64()
        .unwrap_or_else(|| panic!("no {field} in {v}"))
}

/// A JSONL file of `RECORDS` claims of one source, each a distinct
/// publication with one event report (an attack in one of six villages on
/// a day of its own).
fn claims(dir: &Path, name: &str) -> PathBuf {
    let mut text = String::new();
    for i in 0..RECORDS {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        let year = 2018 + i / (28 * 12);
        let village = VILLAGES[i % VILLAGES.len()];
        let killed = 2 + i % 7;
        text.push_str(&format!(
            "{{\"id\": \"{name}-{i}\", \"source\": \"{name} channel\", \
             \"published\": \"{year}-{month:02}-{day:02}T09:00:00Z\", \"lang\": \"en\", \
             \"text\": \"Fighters of the Islamic State attacked a checkpoint of the Syrian \
             Democratic Forces in the village of {village} in the Deir ez-Zor countryside, \
             killing {killed} of its members. Message {name} {i}.\"}}\n"
        ));
    }
    let path = dir.join(format!("{name}.jsonl"));
    std::fs::write(&path, text).unwrap();
    path
}

fn stats(data: &Path) -> Value {
    json(&finish(spawn(data, &["--json", "stats"]), "stats"))
}

#[test]
fn two_ingests_on_one_store_both_store_every_record() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let a = claims(dir.path(), "alpha");
    let b = claims(dir.path(), "beta");
    // Both start on a store that does not exist yet: creating it and
    // migrating its schema is the first write each of them makes.
    let first = spawn(&data, &["--json", "ingest", a.to_str().unwrap()]);
    let second = spawn(&data, &["--json", "ingest", b.to_str().unwrap()]);
    let first = json(&finish(first, "the first ingest"));
    let second = json(&finish(second, "the second ingest"));
    assert_eq!(count(&first, "new"), RECORDS as u64, "{first}");
    assert_eq!(count(&second, "new"), RECORDS as u64, "{second}");
    assert_eq!(count(&stats(&data), "documents"), 2 * RECORDS as u64);
}

#[test]
fn ingest_extract_and_link_at_once_all_complete() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let a = claims(dir.path(), "alpha");
    let b = claims(dir.path(), "beta");
    finish(
        spawn(&data, &["--quiet", "ingest", a.to_str().unwrap()]),
        "ingesting the first file",
    );
    let ingest = spawn(&data, &["--json", "ingest", b.to_str().unwrap()]);
    let extract = spawn(&data, &["--json", "extract", "-j", "1"]);
    let link = spawn(&data, &["--json", "link"]);
    let link2 = spawn(&data, &["--json", "link"]);
    let ingest = json(&finish(ingest, "ingest"));
    let extract = json(&finish(extract, "extract"));
    finish(link, "the first link");
    finish(link2, "the second link");
    assert_eq!(count(&ingest, "new"), RECORDS as u64, "{ingest}");
    // Extract reads the documents stored when it reaches them: at least
    // the first file's, each of which tells one event.
    let extracted = count(&extract, "documents");
    assert!(extracted >= RECORDS as u64, "{extract}");
    assert_eq!(count(&extract, "reports"), extracted, "{extract}");
    let s = stats(&data);
    assert_eq!(count(&s, "documents"), 2 * RECORDS as u64, "{s}");
    assert_eq!(count(&s, "event_reports"), extracted, "{s}");
    // Nothing was left half-done: one more link puts every report still
    // unlinked into an incident, and then nothing is left.
    finish(spawn(&data, &["--quiet", "link"]), "the last link");
    let again = json(&finish(spawn(&data, &["--json", "link"]), "link again"));
    assert_eq!(count(&again, "new_reports"), 0, "{again}");
}

#[test]
fn a_second_link_waits_its_turn_and_says_so() {
    use std::io::BufRead;

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let a = claims(dir.path(), "alpha");
    finish(
        spawn(&data, &["--quiet", "ingest", a.to_str().unwrap()]),
        "ingest",
    );
    finish(spawn(&data, &["--quiet", "extract"]), "extract");
    // This process links (it holds the lock) while `vigil link` starts.
    let store = vigil_store::open(&data.join("vigil.sqlite")).unwrap();
    let lock = store
        .lock_linking(&mut || panic!("no other link runs"))
        .unwrap();
    let mut link = spawn(&data, &["--json", "link"]);
    let mut stderr = std::io::BufReader::new(link.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "waiting for another link run on this store…");
    drop(lock);
    let out = finish(link, "the waiting link");
    let linked = json(&out);
    assert_eq!(count(&linked, "new_reports"), RECORDS as u64, "{linked}");
    assert!(count(&linked, "incidents") > 0, "{linked}");
}

/// The server's review actions while `extract` and `link` run in other
/// processes: every decision is answered 200 and recorded once (before,
/// one of the writers failed with "database is locked").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn review_actions_while_extract_and_link_run() {
    use axum::body::Body;
    use axum::http::{Method, Request, StatusCode};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let a = claims(dir.path(), "alpha");
    for args in [
        &["--quiet", "ingest", a.to_str().unwrap()][..],
        &["--quiet", "extract"],
        &["--quiet", "link"],
    ] {
        finish(spawn(&data, args), args[1]);
    }
    let path = data.join("vigil.sqlite");
    let app = vigil_server::router(vigil_server::AppState::open(&path).unwrap());
    let call = |method: Method, uri: String| {
        let app = app.clone();
        async move {
            let req = Request::builder()
                .method(method)
                .uri(&uri)
                .header("X-Vigil-Analyst", "Rania")
                .body(Body::empty())
                .unwrap();
            let res = app.oneshot(req).await.unwrap();
            let status = res.status();
            let bytes = res.into_body().collect().await.unwrap().to_bytes();
            let body: Value = serde_json::from_slice(&bytes).unwrap();
            (status, body)
        }
    };
    let (status, list) = call(Method::GET, "/api/v1/incidents?limit=12".into()).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let ids: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 12, "{list}");
    let extract = spawn(&data, &["--json", "extract", "-j", "1"]);
    let link = spawn(&data, &["--json", "link", "--full"]);
    for id in &ids {
        let (status, body) = call(Method::POST, format!("/api/v1/incidents/{id}/confirm")).await;
        assert_eq!(status, StatusCode::OK, "confirm {id}: {body}");
    }
    finish(extract, "extract");
    finish(link, "link");
    let store = vigil_store::open(&path).unwrap();
    assert_eq!(store.decisions().unwrap().len(), ids.len());
    assert_eq!(
        count(&stats(&data), "event_reports"),
        RECORDS as u64,
        "every document extracted once"
    );
}
