//! The delivery pass against a real HTTP server on 127.0.0.1, and the
//! check's idempotence over a real store.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use vigil_analyze::alerts::webhook::signature;
use vigil_analyze::alerts::RuleSet;
use vigil_model::{AlertEvidence, DeliveryStatus, DocumentId, NewAlert};
use vigil_store::{conformance, BoxStore, DedupOptions, Store};

use super::*;

const SECRET: &str = "test-secret";

/// How the test server answers one request.
#[derive(Debug, Clone, Copy)]
enum Reply {
    Status(u16),
    /// Answer nothing for this long, then close.
    Hang(Duration),
}

/// A request the server received.
#[derive(Debug, Clone)]
struct Received {
    body: String,
    signature_ok: bool,
    delivery: Option<String>,
}

/// A local HTTP server answering by script: the i-th request gets
/// `script[i]`, later ones `then`. Each connection has its own thread, so a
/// hanging answer does not hold up the next request.
struct Server {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Server {
    fn start(script: Vec<Reply>, then: Reply) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&received);
        let n = Arc::new(AtomicUsize::new(0));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let i = n.fetch_add(1, Ordering::SeqCst);
                let reply = script.get(i).copied().unwrap_or(then);
                let seen = Arc::clone(&seen);
                std::thread::spawn(move || handle(stream, reply, &seen));
            }
        });
        Server { url, received }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn handle(mut stream: TcpStream, reply: Reply, seen: &Mutex<Vec<Received>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let line = line.trim_end().to_string();
        if line.is_empty() {
            break;
        }
        headers.push(line);
    }
    let header = |name: &str| {
        headers.iter().find_map(|h| {
            let (k, v) = h.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    };
    let len: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    let want = signature(SECRET.as_bytes(), &body);
    seen.lock().unwrap().push(Received {
        body: String::from_utf8(body).unwrap(),
        signature_ok: header("x-vigil-signature").as_deref() == Some(want.as_str()),
        delivery: header("x-vigil-delivery"),
    });
    match reply {
        Reply::Status(code) => {
            let _ = write!(
                stream,
                "HTTP/1.1 {code} Test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
        Reply::Hang(d) => std::thread::sleep(d),
    }
}

fn rules_for(url: &str, timeout_ms: u64, max_attempts: u32, backoff_ms: u64) -> RuleSet {
    RuleSet::from_toml(
        "test.toml",
        &format!(
            r#"
[[webhook]]
key = "hook"
url = "{url}"
secret = "{SECRET}"
timeout_ms = {timeout_ms}
max_attempts = {max_attempts}
backoff_ms = {backoff_ms}

[[rule]]
key = "watch-hol"
kind = "watch"
keywords = ["al-Hol"]
channels = ["hook"]
"#
        ),
    )
    .unwrap()
}

fn one_alert(store: &mut dyn Store) -> vigil_model::Alert {
    store
        .insert_alert(&NewAlert {
            rule: "watch-hol".into(),
            kind: "watch".into(),
            dedup_key: "watch-hol:doc:1".into(),
            title: "al-Hol named".into(),
            evidence: AlertEvidence {
                documents: vec![DocumentId(1)],
                ..AlertEvidence::default()
            },
            fired_at: Utc::now(),
            channels: vec!["hook".into()],
        })
        .unwrap()
        .unwrap()
}

fn quick() -> DeliverOptions {
    DeliverOptions {
        max_wait: Duration::from_secs(10),
    }
}

#[test]
fn a_delivery_is_posted_once_signed_and_recorded() {
    let server = Server::start(vec![], Reply::Status(200));
    let rules = rules_for(&server.url, 2000, 3, 10);
    let mut store = vigil_store::open_in_memory().unwrap();
    let alert = one_alert(&mut *store);

    let s = deliver(&mut *store, &rules, &quick()).unwrap();
    assert_eq!((s.attempts, s.delivered, s.pending), (1, 1, 0));
    let got = server.received();
    assert_eq!(got.len(), 1);
    assert!(got[0].signature_ok, "the server verifies the HMAC");
    let body: serde_json::Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(body["dedup_key"], "watch-hol:doc:1");
    assert_eq!(body["id"], alert.id.0);
    let d = &store.deliveries(alert.id).unwrap()[0];
    assert_eq!(got[0].delivery.as_deref(), Some(d.id.to_string().as_str()));
    assert_eq!((d.status, d.attempts), (DeliveryStatus::Delivered, 1));

    // Delivering again sends nothing.
    let again = deliver(&mut *store, &rules, &quick()).unwrap();
    assert_eq!(again.attempts, 0);
    assert_eq!(server.received().len(), 1);
}

#[test]
fn a_500_is_retried_after_a_backoff_and_then_delivered() {
    let server = Server::start(vec![Reply::Status(500)], Reply::Status(204));
    let rules = rules_for(&server.url, 2000, 3, 100);
    let mut store = vigil_store::open_in_memory().unwrap();
    let alert = one_alert(&mut *store);
    let started = Instant::now();
    let s = deliver(&mut *store, &rules, &quick()).unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(100),
        "backoff waited"
    );
    assert_eq!((s.attempts, s.retrying, s.delivered, s.dead), (2, 1, 1, 0));
    let d = &store.deliveries(alert.id).unwrap()[0];
    assert_eq!((d.status, d.attempts), (DeliveryStatus::Delivered, 2));
    let statuses: Vec<Option<u16>> = store
        .delivery_attempts(d.id)
        .unwrap()
        .iter()
        .map(|a| a.http_status)
        .collect();
    assert_eq!(statuses, [Some(500), Some(204)]);
    let got = server.received();
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|r| r.signature_ok));
    assert_eq!(got[0].body, got[1].body, "a retry sends the same body");
}

#[test]
fn always_500_ends_as_a_dead_letter_after_the_last_attempt() {
    let server = Server::start(vec![], Reply::Status(500));
    let rules = rules_for(&server.url, 2000, 3, 20);
    let mut store = vigil_store::open_in_memory().unwrap();
    let alert = one_alert(&mut *store);
    let s = deliver(&mut *store, &rules, &quick()).unwrap();
    assert_eq!((s.attempts, s.retrying, s.dead, s.pending), (3, 2, 1, 0));
    let d = &store.deliveries(alert.id).unwrap()[0];
    assert_eq!((d.status, d.attempts), (DeliveryStatus::Dead, 3));
    assert_eq!(d.last_error.as_deref(), Some("HTTP 500"));
    assert_eq!(server.received().len(), 3);
    // A dead letter is not sent again.
    assert_eq!(deliver(&mut *store, &rules, &quick()).unwrap().attempts, 0);
    assert_eq!(server.received().len(), 3);
}

#[test]
fn a_hanging_receiver_times_out_within_the_bound_and_dies() {
    let server = Server::start(vec![], Reply::Hang(Duration::from_secs(3)));
    let rules = rules_for(&server.url, 200, 2, 10);
    let mut store = vigil_store::open_in_memory().unwrap();
    let alert = one_alert(&mut *store);
    let started = Instant::now();
    let s = deliver(&mut *store, &rules, &quick()).unwrap();
    let took = started.elapsed();
    assert!(
        took < Duration::from_millis(2000),
        "bounded by the timeout: {took:?}"
    );
    assert_eq!((s.attempts, s.dead), (2, 1));
    let d = &store.deliveries(alert.id).unwrap()[0];
    assert_eq!(d.status, DeliveryStatus::Dead);
    let err = d.last_error.clone().unwrap_or_default().to_lowercase();
    assert!(
        err.contains("timeout") || err.contains("timed out"),
        "{err}"
    );
}

#[test]
fn a_pass_leaves_retries_beyond_its_wait_for_the_next_pass() {
    let server = Server::start(vec![Reply::Status(503)], Reply::Status(200));
    // The retry falls due in 1 s; this pass waits at most 100 ms.
    let rules = rules_for(&server.url, 2000, 3, 1000);
    let mut store = vigil_store::open_in_memory().unwrap();
    let alert = one_alert(&mut *store);
    let s = deliver(
        &mut *store,
        &rules,
        &DeliverOptions {
            max_wait: Duration::from_millis(100),
        },
    )
    .unwrap();
    assert_eq!((s.attempts, s.retrying, s.pending), (1, 1, 1));
    std::thread::sleep(Duration::from_millis(1100));
    let s = deliver(&mut *store, &rules, &quick()).unwrap();
    assert_eq!((s.attempts, s.delivered), (1, 1));
    assert_eq!(
        store.deliveries(alert.id).unwrap()[0].status,
        DeliveryStatus::Delivered
    );
}

#[test]
fn a_missing_channel_or_secret_skips_without_losing_the_delivery() {
    let rules = RuleSet::from_toml(
        "t.toml",
        "[[webhook]]\nkey = \"hook\"\nurl = \"http://127.0.0.1:9/\"\nsecret_env = \"VIGIL_TEST_SECRET_THAT_IS_NOT_SET\"\n",
    )
    .unwrap();
    let mut store = vigil_store::open_in_memory().unwrap();
    let alert = one_alert(&mut *store);
    let s = deliver(&mut *store, &rules, &quick()).unwrap();
    assert_eq!((s.attempts, s.skipped, s.pending), (0, 1, 1));
    let d = &store.deliveries(alert.id).unwrap()[0];
    assert_eq!((d.status, d.attempts), (DeliveryStatus::Pending, 0));
}

fn watch_store(path: &std::path::Path) -> BoxStore {
    let mut store = vigil_store::open(path).unwrap();
    let docs = [
        conformance::doc(
            "Wire",
            "A roadside bomb on the road to al-Hol camp.",
            "en",
            11,
        ),
        conformance::doc("Wire", "Nothing about camps here at all today.", "en", 12),
        conformance::doc("Wire", "Families moved out of Al Hol on Sunday.", "en", 13),
    ];
    store
        .insert_documents(&docs, &DedupOptions::default())
        .unwrap();
    store
}

#[test]
fn check_fires_once_per_condition_and_a_rerun_after_a_kill_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vigil.sqlite");
    let server = Server::start(vec![], Reply::Status(200));
    let rules = rules_for(&server.url, 2000, 3, 10);
    let narratives = crate::narratives::load(None).unwrap();
    let now = Utc.with_ymd_and_hms(2019, 10, 20, 9, 0, 0).unwrap();

    let mut store = watch_store(&path);
    let first = check(&mut *store, &rules, &narratives, &[], &[], now).unwrap();
    assert_eq!(first.new_alerts.len(), 2, "{first:?}");
    assert_eq!(first.documents_watched, 3);
    let second = check(&mut *store, &rules, &narratives, &[], &[], now).unwrap();
    assert_eq!((second.new_alerts.len(), second.documents_watched), (0, 0));

    // Killed after the alerts were stored but before the cursor moved: the
    // rerun reads the documents again and records no duplicate.
    store.set_alert_cursor(WATCH_CURSOR, DocumentId(0)).unwrap();
    drop(store);
    let mut store = vigil_store::open(&path).unwrap();
    let rerun = check(&mut *store, &rules, &narratives, &[], &[], now).unwrap();
    assert_eq!((rerun.new_alerts.len(), rerun.already_recorded), (0, 2));
    assert_eq!(store.list_alerts(false, 10).unwrap().len(), 2);

    // One POST per alert, however often the pass runs.
    let s = deliver(&mut *store, &rules, &quick()).unwrap();
    assert_eq!(s.delivered, 2);
    deliver(&mut *store, &rules, &quick()).unwrap();
    let got = server.received();
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|r| r.signature_ok));

    // A new document is watched on the next check.
    store
        .insert_documents(
            &[conformance::doc(
                "Wire",
                "Another report from al-Hol camp.",
                "en",
                14,
            )],
            &DedupOptions::default(),
        )
        .unwrap();
    let third = check(&mut *store, &rules, &narratives, &[], &[], now).unwrap();
    assert_eq!((third.new_alerts.len(), third.documents_watched), (1, 1));

    // Acknowledgment takes an alert off the unacknowledged feed.
    let id = first.new_alerts[0].0;
    store.ack_alert(id, "analyst", now).unwrap();
    let unacked: Vec<_> = store
        .list_alerts(true, 10)
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(unacked.len(), 2);
    assert!(!unacked.contains(&id));
}

#[test]
fn a_rising_narrative_fires_once_with_its_documents() {
    let mut store = vigil_store::open_in_memory().unwrap();
    // Three quiet weeks (one untagged document each), then three
    // documents carrying the narrative in the week of 7 October.
    let mut docs = Vec::new();
    let quiet = [
        "Markets reopened in Raqqa after the holiday.",
        "Water supply repairs continued in Hasakah city.",
        "Schools in Qamishli resumed classes this week.",
    ];
    for (day, text) in [16u32, 23, 30].into_iter().zip(quiet) {
        let mut d = conformance::doc("Wire", text, "en", 1);
        d.published = Some(Utc.with_ymd_and_hms(2019, 9, day, 12, 0, 0).unwrap());
        d.external_id = Some(format!("q{day}"));
        docs.push(d);
    }
    let carrying = [
        "Officials said fewer fighters now guard the detention sites.",
        "With fighters redeployed north, patrols near Hajin have thinned.",
        "Local sources describe guarding capacity as the main risk.",
    ];
    for (day, text) in [8u32, 9, 10].into_iter().zip(carrying) {
        docs.push(conformance::doc("Wire", text, "en", day));
    }
    store
        .insert_documents(&docs, &DedupOptions::default())
        .unwrap();
    let narratives = crate::narratives::load(None).unwrap();
    crate::narratives::tag(&mut *store, &narratives, false, &crate::NoProgress).unwrap();
    let rules = RuleSet::from_toml(
        "t.toml",
        "[[rule]]\nkey = \"gap\"\nkind = \"narrative_rising\"\nnarrative = \"security-gap\"\nmin_documents = 2\n",
    )
    .unwrap();
    let now = Utc::now();
    let first = check(&mut *store, &rules, &narratives, &[], &[], now).unwrap();
    assert_eq!(first.new_alerts.len(), 1, "{first:?}");
    let alert = store.alert(first.new_alerts[0].0).unwrap().unwrap();
    assert_eq!(alert.dedup_key, "gap:security-gap:2019-10-07");
    assert_eq!(alert.evidence.documents.len(), 3);
    assert_eq!(alert.evidence.facts["count"], "3");
    let again = check(&mut *store, &rules, &narratives, &[], &[], now).unwrap();
    assert_eq!((again.new_alerts.len(), again.already_recorded), (0, 1));
}
