//! The dashboard in a real browser: headless Chromium driven over WebDriver
//! (Debian's `chromium` and `chromedriver`; `scripts/setup-browser`
//! installs them) against a real `vigil serve` over the demo store and a
//! hostile document.
//!
//! The WebDriver client is a few functions over `std::net`: WebDriver is
//! JSON over HTTP/1.1, and one request at a time with `Connection: close`
//! needs no HTTP library.
//!
//! Screenshots of each step go to `target/browser-artifacts/` (paths
//! printed). Without a browser the test fails and says how to install one;
//! `VIGIL_SKIP_BROWSER=1` skips it, except when `CI=true`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

mod support;
use support::{demo_store, vigil};

// ---- HTTP, WebDriver ----------------------------------------------------

/// One HTTP/1.1 request to 127.0.0.1:`port`; the status and the body.
fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> (u16, Vec<u8>) {
    try_http(port, method, path, body)
        .unwrap_or_else(|e| panic!("{method} 127.0.0.1:{port}{path}: {e}"))
}

fn try_http(
    port: u16,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> std::io::Result<(u16, Vec<u8>)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
         Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n{payload}",
        payload.len()
    );
    s.write_all(req.as_bytes())?;
    // Read the head, then exactly the body its length says: chromedriver
    // keeps the connection open despite `Connection: close`.
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    let mut raw = Vec::new();
    let mut buf = [0u8; 65536];
    let split = loop {
        if let Some(p) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        let n = s.read(&mut buf)?;
        if n == 0 {
            return Err(bad("the connection closed before the end of the head"));
        }
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status line"))?;
    let mut body = raw[split + 4..].to_vec();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    if let Some(len) = length {
        while body.len() < len {
            let n = s.read(&mut buf)?;
            if n == 0 {
                return Err(bad("the connection closed inside the body"));
            }
            body.extend_from_slice(&buf[..n]);
        }
        body.truncate(len);
    } else if head.contains("transfer-encoding: chunked") {
        while !body.ends_with(b"0\r\n\r\n") {
            let n = s.read(&mut buf)?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&buf[..n]);
        }
        body = dechunk(&body);
    } else {
        s.read_to_end(&mut body)?;
    }
    Ok((status, body))
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size_line = String::from_utf8_lossy(&b[..eol]);
        let size =
            usize::from_str_radix(size_line.split(';').next().unwrap().trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        let start = eol + 2;
        out.extend_from_slice(&b[start..start + size]);
        b = &b[start + size + 2..];
    }
}

fn json_of(port: u16, path: &str) -> Value {
    let (status, body) = http(port, "GET", path, None);
    assert_eq!(
        status,
        200,
        "GET {path}: {}",
        String::from_utf8_lossy(&body)
    );
    serde_json::from_slice(&body).unwrap()
}

/// A chromedriver process and one browser session in it.
struct Browser {
    driver: Child,
    port: u16,
    session: String,
    artifacts: PathBuf,
    shots: Vec<PathBuf>,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Never panics: it also runs while a failed assertion unwinds.
        let _ = try_http(
            self.port,
            "DELETE",
            &format!("/session/{}", self.session),
            None,
        );
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// The WebDriver element key.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Browser {
    fn start(chromium: &Path, chromedriver: &Path, artifacts: PathBuf) -> Browser {
        let port = free_port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", chromedriver.display()));
        let profile = tempfile::tempdir().unwrap();
        let mut b = Browser {
            driver,
            port,
            session: String::new(),
            artifacts,
            shots: Vec::new(),
            _profile: profile,
        };
        wait_until(
            "chromedriver answers /status",
            Duration::from_secs(20),
            || {
                TcpStream::connect(("127.0.0.1", port)).is_ok()
                    && serde_json::from_slice::<Value>(&http(port, "GET", "/status", None).1)
                        .map(|v| v["value"]["ready"] == true)
                        .unwrap_or(false)
            },
        );
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--disable-background-networking",
                    "--no-first-run", "--no-default-browser-check",
                    "--window-size=1400,1000",
                    format!("--user-data-dir={}", b._profile.path().display()),
                ]
            }
        }}});
        let v = b.raw("POST", "/session", Some(&caps));
        b.session = v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_string();
        b
    }

    /// A WebDriver command; its `value`, or a panic naming the error.
    fn raw(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let (status, bytes) = http(self.port, method, path, body);
        let v: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            panic!(
                "{method} {path}: not JSON ({e}): {}",
                String::from_utf8_lossy(&bytes)
            )
        });
        assert_eq!(status, 200, "{method} {path}: {}", v["value"]);
        v["value"].clone()
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.raw(
            method,
            &format!("/session/{}{path}", self.session),
            body.as_ref(),
        )
    }

    fn cmd_status(&self, method: &str, path: &str) -> (u16, Value) {
        let (status, bytes) = http(
            self.port,
            method,
            &format!("/session/{}{path}", self.session),
            None,
        );
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    /// Runs `script` (a function body; `arguments` are `args`) in the page.
    fn js(&self, script: &str, args: Value) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Waits until `expr` (a JS expression) is truthy; returns its value.
    fn wait_for(&self, what: &str, expr: &str) -> Value {
        let script = format!("try {{ return ({expr}) || null; }} catch (e) {{ return null; }}");
        let start = Instant::now();
        loop {
            let v = self.js(&script, json!([]));
            if !v.is_null() && v != false {
                return v;
            }
            if start.elapsed() > Duration::from_secs(20) {
                let url = self.js("return location.href", json!([]));
                let text = self.js(
                    "return document.querySelector('main')?.innerText.slice(0, 800)",
                    json!([]),
                );
                let name: String = what
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                    .collect();
                self.shot(&format!("timeout-{name}"));
                panic!("timed out waiting for {what} ({expr}) at {url}; the page says: {text}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits for the dashboard to finish drawing the page of `hash`.
    fn page(&self, base: &str, hash: &str) {
        // A fragment change does not reload the page: mark the old drawing
        // stale so that the wait below sees the new one finish.
        self.js(
            "if (document.body) document.body.dataset.ready = 'stale'",
            json!([]),
        );
        self.goto(&format!("{base}/{hash}"));
        self.wait_for(
            &format!("page {hash}"),
            "document.body.dataset.ready === 'true' && location.hash.length > 1",
        );
    }

    fn find(&self, css: &str) -> String {
        self.wait_for(
            &format!("element {css}"),
            &format!("document.querySelector({})", json!(css)),
        );
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("{css}: no element in {v}"))
            .to_string()
    }

    fn click(&self, css: &str) {
        let id = self.find(css);
        self.cmd("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    /// Presses keys (WebDriver key codes: "\u{E007}" is Enter).
    fn keys(&self, keys: &[&str]) {
        let mut actions = Vec::new();
        for k in keys {
            actions.push(json!({"type": "keyDown", "value": k}));
            actions.push(json!({"type": "keyUp", "value": k}));
        }
        self.cmd(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        );
    }

    fn shot(&self, name: &str) -> PathBuf {
        let v = self.cmd("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap())
            .unwrap();
        let path = self.artifacts.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        eprintln!("screenshot: {}", path.display());
        path
    }

    fn snap(&mut self, name: &str) {
        let p = self.shot(name);
        self.shots.push(p);
    }

    /// Browser console entries since the last call.
    fn console(&self) -> Vec<Value> {
        self.cmd("POST", "/se/log", Some(json!({"type": "browser"})))
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn no_alert(&self, when: &str) {
        let (status, v) = self.cmd_status("GET", "/alert/text");
        assert_eq!(
            status, 404,
            "{when}: a dialog is open, so a script ran: {v}"
        );
    }
}

fn wait_until(what: &str, limit: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < limit, "timed out: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| names.iter().map(move |n| d.join(n)))
        .find(|p| p.is_file())
}

/// Chromium and chromedriver, from `VIGIL_CHROMIUM` / `VIGIL_CHROMEDRIVER`
/// or the PATH; `None` when the test may be skipped, a panic otherwise.
fn browser_binaries() -> Option<(PathBuf, PathBuf)> {
    let chromium = std::env::var_os("VIGIL_CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| on_path(&["chromium", "chromium-browser", "google-chrome"]));
    let driver = std::env::var_os("VIGIL_CHROMEDRIVER")
        .map(PathBuf::from)
        .or_else(|| on_path(&["chromedriver"]));
    if let (Some(c), Some(d)) = (&chromium, &driver) {
        return Some((c.clone(), d.clone()));
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let skip = std::env::var("VIGIL_SKIP_BROWSER").is_ok_and(|v| v == "1");
    if skip && !ci {
        eprintln!("SKIPPED: no chromium/chromedriver and VIGIL_SKIP_BROWSER=1");
        return None;
    }
    panic!(
        "the browser tests need Chromium and chromedriver (found chromium: {chromium:?}, chromedriver: {driver:?}); \
         run scripts/setup-browser (Debian: apt-get install chromium chromium-driver), \
         or set VIGIL_CHROMIUM and VIGIL_CHROMEDRIVER{}",
        if ci { "" } else { ", or VIGIL_SKIP_BROWSER=1 to skip them here (not under CI=true)" }
    );
}

/// `vigil serve` on a free port; killed on drop.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &Path) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .arg("--data-dir")
        .arg(dir)
        .args(["serve", "--port", &port.to_string()])
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server { child, port };
    wait_until("vigil serve answers", Duration::from_secs(20), || {
        TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    server
}

// ---- the hostile document -------------------------------------------------

/// A document built to attack the page that shows it: scripts, an image
/// whose error handler runs code, a right-to-left override, a `javascript:`
/// link and a 200 kB line.
fn hostile_fixture(dir: &Path) -> PathBuf {
    let long_line = "A".repeat(200 * 1024);
    let text = format!(
        "<script>window.__vigilPwned = 'script'; alert('script')</script>\n\
         <img src=x onerror=\"window.__vigilPwned='img'; alert('img')\">\n\
         <a href=\"javascript:window.__vigilPwned='link'\">click</a>\n\
         Invoice \u{202E}fdp.exe\u{202C} attached.\n\
         {long_line}\n\
         The end near Qamishli: revenge, and al-Hol named."
    );
    let record = json!({
        "text": text,
        "title": "<img src=x onerror=\"window.__vigilPwned='title'\">\u{202E}Hostile",
        "source": "<script>window.__vigilPwned='source'</script>Evil \u{202E}Feed",
        "source_kind": "other",
        "published": "2019-10-20",
        "id": "hostile-1",
    });
    let path = dir.join("hostile.jsonl");
    std::fs::write(&path, format!("{record}\n")).unwrap();
    path
}

// ---- the test -------------------------------------------------------------

#[test]
fn dashboard_in_headless_chromium() {
    let Some((chromium, chromedriver)) = browser_binaries() else {
        return;
    };
    let started = Instant::now();
    let dir = demo_store();
    let fixtures = tempfile::tempdir().unwrap();
    let out = vigil(
        &dir,
        &[
            "--quiet",
            "ingest",
            "--lang",
            "en",
            hostile_fixture(fixtures.path()).to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "ingesting the hostile fixture: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // It carries a narrative's term and names a watched place: tagged and
    // alerted on, it reaches the narratives and alerts pages too.
    for args in [
        &["--quiet", "narratives", "tag"][..],
        &["--quiet", "alerts", "check"],
    ] {
        let out = vigil(&dir, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let server = serve(&dir);
    let base = format!("http://127.0.0.1:{}", server.port);
    let api = |path: &str| json_of(server.port, path);

    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("browser-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let mut b = Browser::start(&chromium, &chromedriver, artifacts);

    // Overview: incidents on the map, the weekly chart, the latest incidents.
    b.page(&base, "#/overview");
    let incidents = walk_all(&api, "/api/v1/incidents");
    assert!(incidents.len() > 20, "the demo store has incidents");
    let markers = b.wait_for(
        "markers on the map",
        "Number(document.querySelector('#map').dataset.markers) > 0 \
         && document.querySelectorAll('#map .leaflet-marker-icon').length > 0 \
         && Number(document.querySelector('#map').dataset.markers)",
    );
    assert_eq!(
        markers,
        json!(placed(&incidents)),
        "every placed incident is on the map"
    );
    let summary = b.js(
        "return Number(document.querySelector('#summary').dataset.incidents)",
        json!([]),
    );
    assert_eq!(summary, json!(incidents.len()));
    // Markers and clusters are drawn (how many are in view depends on the
    // zoom; the layer holds one marker per placed incident, checked above).
    let icons = b.js(
        "return document.querySelectorAll('#map .leaflet-marker-icon.ev, #map .leaflet-marker-icon.cluster').length",
        json!([]),
    );
    assert!(icons.as_u64().unwrap() > 0, "markers drawn: {icons}");
    let basemap_paths = b.js(
        "return document.querySelectorAll('#map path.bm-country').length",
        json!([]),
    );
    assert!(
        basemap_paths.as_u64().unwrap() > 10,
        "the offline basemap is drawn"
    );
    let tally = api("/api/v1/tally");
    let chart_all = chart_state(&b);
    assert_eq!(
        chart_all.total,
        tally_total(&tally),
        "the chart is the tally"
    );
    assert!(chart_all.bars > 2, "a bar per week: {chart_all:?}");
    let latest_all = b.js(
        "return [...document.querySelectorAll('#latest .feed a')].map(a => a.getAttribute('href'))",
        json!([]),
    );
    assert!(!latest_all.as_array().unwrap().is_empty());
    // The latest alerts (`vigil demo` checks the rules), newest first.
    let alerts_all = walk_all(&api, "/api/v1/alerts");
    let latest_alerts = b.wait_for(
        "the latest alerts",
        "Number(document.querySelector('#latest-alerts')?.dataset.count) > 0 \
         && [...document.querySelectorAll('#latest-alerts [data-alert]')].map(a => Number(a.dataset.alert))",
    );
    assert_eq!(
        latest_alerts.as_array().unwrap()[0],
        alerts_all[0]["id"],
        "the newest alert first"
    );
    b.snap("01-overview");

    // The chart marks the surges the API finds: claimed attacks on the SDF.
    b.page(&base, "#/overview?target=Syrian%20Democratic%20Forces");
    let sdf = api("/api/v1/tally?target=Syrian%20Democratic%20Forces");
    let want_surges = tally_surges(&sdf);
    assert!(
        want_surges > 0,
        "the demo's offensive week is a surge: {sdf}"
    );
    let shown = b.wait_for(
        "surge marks",
        "document.querySelectorAll('#chart .surge-mark').length",
    );
    assert_eq!(shown, json!(want_surges));
    assert_eq!(
        b.js(
            "return document.querySelectorAll('#chart rect.bar.surge').length",
            json!([])
        ),
        json!(want_surges)
    );
    assert!(
        b.js(
            "return document.querySelectorAll('#chart polygon.band').length",
            json!([])
        )
        .as_u64()
        .unwrap()
            > 0,
        "the baseline band is drawn"
    );
    b.snap("02-overview-surge");
    // The latest alerts follow the filters: those about the incidents shown.
    let sdf_ids: Vec<Value> = walk_all(
        &api,
        "/api/v1/incidents?target=Syrian%20Democratic%20Forces",
    )
    .iter()
    .map(|i| i["id"].clone())
    .collect();
    let shown_alerts = b.wait_for(
        "the filtered alerts",
        "document.querySelector('#latest-alerts')?.dataset.count !== undefined \
         && [...document.querySelectorAll('#latest-alerts [data-alert]')].map(a => Number(a.dataset.alert))",
    );
    let shown_alerts = shown_alerts.as_array().unwrap();
    assert!(!shown_alerts.is_empty(), "the surge alert is about them");
    for id in shown_alerts {
        let a = api(&format!("/api/v1/alerts/{id}"));
        assert!(
            a["evidence"]["incidents"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| sdf_ids.contains(i)),
            "alert {id} is not about an incident shown"
        );
    }

    // One filter changes all three views, and lands in the URL.
    b.page(&base, "#/overview");
    let id = b.find("#f-event_type");
    b.cmd("POST", &format!("/element/{id}/click"), Some(json!({})));
    b.click("#f-event_type option[value=battles]");
    b.wait_for(
        "the filter in the URL",
        "location.hash.includes('event_type=battles') && document.body.dataset.ready === 'true' \
         && document.querySelector('#summary')?.dataset.incidents",
    );
    let battles = walk_all(&api, "/api/v1/incidents?event_type=battles");
    let markers_b = b.wait_for(
        "filtered markers",
        "document.querySelector('#map').dataset.markers",
    );
    assert_eq!(
        markers_b.as_str().unwrap().parse::<u64>().unwrap(),
        placed(&battles)
    );
    assert!(placed(&battles) < placed(&incidents));
    let chart_b = chart_state(&b);
    assert_eq!(
        chart_b.total,
        tally_total(&api("/api/v1/tally?event_type=battles"))
    );
    assert!(
        chart_b.total < chart_all.total,
        "{chart_b:?} vs {chart_all:?}"
    );
    let tags = b.js(
        "return [...document.querySelectorAll('#latest .feed .tag')].map(t => t.className)",
        json!([]),
    );
    let tags = tags.as_array().unwrap();
    assert!(!tags.is_empty());
    assert!(
        tags.iter()
            .all(|t| t.as_str().unwrap().contains("ev-battles")),
        "latest incidents are battles only: {tags:?}"
    );
    b.snap("03-overview-battles");
    // The filtered view is a link: loading it fresh shows the same.
    let url = b.js("return location.href", json!([]));
    b.goto("about:blank");
    b.goto(url.as_str().unwrap());
    b.wait_for(
        "the shared link",
        "document.body.dataset.ready === 'true' && document.querySelector('#map')?.dataset.markers",
    );
    assert_eq!(
        b.js(
            "return document.querySelector('#f-event_type').value",
            json!([])
        ),
        "battles"
    );

    // The weeks start on the day the analyst picks: the chart counts from
    // Wednesdays, the incidents and the map do not change.
    b.page(&base, "#/overview");
    let id = b.find("#f-week_start");
    b.cmd("POST", &format!("/element/{id}/click"), Some(json!({})));
    b.click("#f-week_start option[value=wednesday]");
    // Every bar a Wednesday's week (waited for: the Monday chart is
    // replaced when the page is drawn again).
    b.wait_for(
        "Wednesday weeks on the chart",
        "location.hash.includes('week_start=wednesday') && document.body.dataset.ready === 'true' \
         && document.querySelector('#summary')?.dataset.incidents \
         && (() => { const days = [...document.querySelectorAll('#chart rect.bar')] \
              .map(r => new Date(r.dataset.week + 'T00:00:00Z').getUTCDay()); \
              return days.length > 0 && days.every(d => d === 3); })()",
    );
    let chart_w = chart_state(&b);
    let tally_w = api("/api/v1/tally?week_start=wednesday");
    assert_eq!(chart_w.total, tally_total(&tally_w));
    assert_eq!(
        chart_w.total, chart_all.total,
        "the same incidents, other weeks"
    );
    assert!(
        b.js(
            "return document.querySelector('#chart svg').textContent",
            json!([])
        )
        .as_str()
        .unwrap()
        .contains("(Wednesdays)"),
        "the axis names the day"
    );
    assert_eq!(
        b.js(
            "return Number(document.querySelector('#summary').dataset.incidents)",
            json!([])
        ),
        json!(incidents.len()),
        "the week start filters no incident"
    );
    b.snap("03b-overview-wednesday-weeks");

    // An incident told by an Arabic and an English report, side by side.
    let mixed = incidents
        .iter()
        .filter(|i| i["reports"].as_array().unwrap().len() >= 2)
        .find_map(|i| {
            let one = api(&format!("/api/v1/incidents/{}", i["id"]));
            let langs: Vec<&str> = one["reports"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["document"]["lang"].as_str().unwrap())
                .collect();
            (langs.contains(&"ar") && langs.contains(&"en")).then_some(one)
        })
        .expect("an incident with an Arabic and an English report");
    let mixed_id = mixed["incident"]["id"].as_i64().unwrap();
    b.page(&base, &format!("#/incidents/{mixed_id}"));
    let cards = b.wait_for(
        "report cards",
        "(() => { const c = [...document.querySelectorAll('#report-grid .report-card')]; return c.length ? c.map(e => ({
            lang: e.dataset.lang,
            dir: getComputedStyle(e.querySelector('.evidence-sentence')).direction,
            marks: e.querySelectorAll('mark.evidence').length,
            gloss: [...e.querySelectorAll('.gloss dd')].map(d => d.textContent),
            gazetteer: e.querySelector('.card-fields .gazetteer-name')?.textContent ?? null,
            text: e.textContent })) : null; })()",
    );
    let cards = cards.as_array().unwrap();
    assert_eq!(cards.len(), mixed["reports"].as_array().unwrap().len());
    for (card, r) in cards.iter().zip(mixed["reports"].as_array().unwrap()) {
        let lang = card["lang"].as_str().unwrap();
        assert_eq!(
            card["dir"],
            if lang == "ar" { "rtl" } else { "ltr" },
            "{card}"
        );
        assert!(
            card["marks"].as_u64().unwrap() > 0,
            "evidence highlighted: {card}"
        );
        let text = card["text"].as_str().unwrap();
        assert!(text.contains(r["source"]["name"].as_str().unwrap()));
        assert!(text.contains(&format!(
            "reliability {}",
            r["source"]["reliability"]
                .as_str()
                .unwrap_or("?")
                .to_uppercase()
        )));
        let claim = r["report"]["claim_status"]
            .as_str()
            .unwrap()
            .replace('_', " ");
        assert!(text.contains(&claim), "claim status shown: {card}");
        // Arabic evidence is glossed in English from the report's fields.
        let gloss = card["gloss"].as_array().unwrap();
        if lang == "ar" {
            let sub = r["report"]["sub_event_type"]
                .as_str()
                .unwrap()
                .replace('_', " ");
            assert!(
                gloss.iter().any(|g| g.as_str().unwrap().contains(&sub)),
                "the event words glossed as {sub}: {card}"
            );
            // An Arabic place name is shown with the gazetteer's.
            if let Some(g) = r["report"]["place"]["gazetteer_name"].as_str() {
                assert_eq!(card["gazetteer"], format!(" ({g})"), "{card}");
            }
        } else {
            assert!(gloss.is_empty(), "English is not glossed: {card}");
        }
    }
    b.snap("04-incident-arabic-english");

    // A site's page: its timeline counts the incidents listed under it.
    let site = "ain-issa-camp";
    let at = api(&format!("/api/v1/incidents?site={site}&limit=500"));
    let at = at["items"].as_array().unwrap();
    assert!(!at.is_empty(), "the demo has incidents at {site}");
    b.page(&base, &format!("#/sites/{site}"));
    let timeline = chart_in(&b, "#site-chart");
    let rows = b.wait_for(
        "the site's incidents",
        "(() => { const r = document.querySelectorAll('#site-incidents tbody tr'); return r.length || null; })()",
    );
    assert_eq!(rows.as_u64().unwrap() as usize, at.len());
    let dated = at.iter().filter(|i| i["date"]["date"].is_string()).count();
    assert_eq!(timeline.total as usize, dated, "{timeline:?}");
    b.snap("04b-site-timeline");

    // A source's page: its timeline counts its dated documents.
    let sources = api("/api/v1/sources?limit=500");
    let source = sources["items"]
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|s| s["documents"].as_u64())
        .unwrap();
    let id = source["id"].as_i64().unwrap();
    let docs = api(&format!("/api/v1/documents?source={id}&limit=500"));
    let dated = docs["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["published"].is_string())
        .count();
    b.page(&base, &format!("#/sources/{id}"));
    let timeline = chart_in(&b, "#source-chart");
    assert_eq!(timeline.total as usize, dated, "{timeline:?}");
    let claims = b.wait_for(
        "the source's reports",
        "document.querySelector('#source-claims')?.textContent",
    );
    assert!(
        claims.as_str().unwrap().contains("claimed")
            || claims.as_str().unwrap().contains("reported"),
        "{claims}"
    );
    b.snap("04c-source-timeline");

    // Reports: keyboard from the search key to a row to its page.
    b.page(&base, "#/reports?lang=ar");
    b.keys(&["/"]);
    let focused = b.js("return document.activeElement.id", json!([]));
    assert!(
        focused.as_str().unwrap().starts_with("f-"),
        "/ focuses a filter: {focused}"
    );
    b.keys(&["\u{E00C}", "j", "j"]);
    let row = b.js(
        "return document.activeElement.dataset.href || null",
        json!([]),
    );
    let rows = b.js(
        "return [...document.querySelectorAll('#report-table tbody tr')].map(r => r.dataset.href)",
        json!([]),
    );
    assert_eq!(row, rows[1], "j moves to the second row");
    b.keys(&["k", "\u{E007}"]);
    b.wait_for(
        "the report page",
        &format!(
            "location.hash === {} && document.body.dataset.ready === 'true' && document.querySelector('#doc-text mark.evidence')",
            json!(rows[0])
        ),
    );
    // An Arabic report: evidence highlighted, the text right to left.
    let dir = b.js(
        "return getComputedStyle(document.querySelector('#doc-text')).direction",
        json!([]),
    );
    assert_eq!(dir, "rtl", "Arabic text runs right to left");
    check_evidence(&b, &api);
    b.snap("05-report-arabic");

    // An English report, reached from the overview's popup link.
    let en = api("/api/v1/reports?lang=en&limit=1");
    let en_id = en["items"][0]["id"].as_i64().unwrap();
    b.page(&base, &format!("#/reports/{en_id}"));
    b.wait_for(
        "evidence",
        "document.querySelector('#doc-text mark.evidence')",
    );
    let dir = b.js(
        "return getComputedStyle(document.querySelector('#doc-text')).direction",
        json!([]),
    );
    assert_eq!(dir, "ltr");
    check_evidence(&b, &api);
    b.snap("06-report-english");

    // Search: hits with highlighted passages.
    b.page(&base, "#/documents?q=Qamishli");
    let hits = b.wait_for(
        "search hits",
        "document.querySelectorAll('.hit mark.hl').length",
    );
    assert!(hits.as_u64().unwrap() > 0);
    let total = api("/api/v1/search?q=Qamishli")["total"].as_u64().unwrap();
    assert!(b
        .js(
            "return document.querySelector('.summary').textContent",
            json!([])
        )
        .as_str()
        .unwrap()
        .starts_with(&format!("{total} documents")));
    b.snap("07-search");

    // The hostile document: shown as text, nothing runs, nothing overflows.
    let hostile = api("/api/v1/search?q=invoice");
    let hostile_id = hostile["items"][0]["id"].as_i64().unwrap();
    b.page(&base, &format!("#/documents/{hostile_id}"));
    b.wait_for("the hostile text", "document.querySelector('#doc-text')");
    b.no_alert("hostile document");
    let pwned = b.js("return window.__vigilPwned ?? null", json!([]));
    assert_eq!(pwned, Value::Null, "a script in the document ran");
    let inert = b.js(
        "const t = document.querySelector('#doc-text'); return {
            text: t.textContent,
            elements: [...t.querySelectorAll('*')].map(e => e.tagName + '.' + e.className),
            imgs: document.querySelectorAll('main img, main script, main a[href^=javascript]').length,
            title: document.querySelector('h1').textContent,
            overflow: t.scrollWidth - t.clientWidth,
            pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
            rlo: t.querySelectorAll('.ctl').length,
            rawOverrides: document.querySelector('main').textContent.includes('\\u202E'),
        }",
        json!([]),
    );
    let text = inert["text"].as_str().unwrap();
    assert!(text.contains("<script>window.__vigilPwned = 'script'; alert('script')</script>"));
    assert!(text.contains("<img src=x onerror="));
    assert!(
        text.contains("⟦RLO⟧fdp.exe⟦PDF⟧"),
        "the override is shown, not applied"
    );
    assert!(!text.contains('\u{202E}'));
    assert_eq!(inert["imgs"], 0, "no element came out of the text: {inert}");
    for e in inert["elements"].as_array().unwrap() {
        let e = e.as_str().unwrap();
        assert!(
            e == "SPAN.ctl" || e.starts_with("MARK."),
            "element {e} in the text"
        );
    }
    assert_eq!(inert["rlo"], 2);
    assert_eq!(
        inert["rawOverrides"], false,
        "no override is applied anywhere on the page (title, source, text)"
    );
    assert!(inert["title"]
        .as_str()
        .unwrap()
        .starts_with("<img src=x onerror="));
    assert!(
        inert["overflow"].as_i64().unwrap() <= 1 && inert["pageOverflow"].as_i64().unwrap() <= 1,
        "the 200 kB line wraps: {}",
        json!({"overflow": inert["overflow"], "page": inert["pageOverflow"]})
    );
    b.snap("08-hostile-document");
    // Its source name is hostile too: the sources page and the filters show it as text.
    b.page(&base, "#/sources");
    b.no_alert("sources page");
    assert_eq!(
        b.js("return window.__vigilPwned ?? null", json!([])),
        Value::Null
    );
    let names = b.js(
        "return [...document.querySelectorAll('#source-table tbody tr td:first-child')].map(td => td.textContent)",
        json!([]),
    );
    assert!(names.as_array().unwrap().iter().any(|n| n
        .as_str()
        .unwrap()
        .starts_with("<script>window.__vigilPwned='source'</script>Evil")));
    b.snap("09-sources");

    // Readable on a projector: the large type and contrast toggles.
    b.page(&base, "#/overview");
    b.click("#toggle-large");
    b.click("#toggle-contrast");
    let size = b.js(
        "return getComputedStyle(document.documentElement).fontSize",
        json!([]),
    );
    assert_eq!(size, "22px");
    b.wait_for(
        "the map after the toggles",
        "Number(document.querySelector('#map')?.dataset.markers) > 0",
    );
    b.snap("10-overview-large-contrast");
    b.click("#toggle-large");
    b.click("#toggle-contrast");

    // A merge from the incident page, recorded with who, that persists.
    let singles: Vec<&Value> = incidents
        .iter()
        .filter(|i| i["reports"].as_array().unwrap().len() == 1)
        .collect();
    assert!(singles.len() >= 2, "two single-report incidents to merge");
    let (a, z) = (
        singles[0]["id"].as_i64().unwrap(),
        singles[1]["id"].as_i64().unwrap(),
    );
    let mut both: Vec<i64> = [singles[0], singles[1]]
        .iter()
        .flat_map(|i| {
            i["reports"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_i64().unwrap())
        })
        .collect();
    both.sort();
    b.page(&base, &format!("#/incidents/{a}"));
    b.wait_for("the review panel", "document.querySelector('#do-merge')");
    b.js(
        "localStorage.removeItem('vigil.analyst'); document.querySelector('#analyst').value = '';",
        json!([]),
    );
    let who = b.find("#analyst");
    b.cmd(
        "POST",
        &format!("/element/{who}/value"),
        Some(json!({"text": "Rania (browser test)"})),
    );
    let with = b.find("#merge-with");
    b.cmd(
        "POST",
        &format!("/element/{with}/value"),
        Some(json!({"text": z.to_string()})),
    );
    b.click("#do-merge");
    b.wait_for(
        "the merged incident",
        "document.body.dataset.ready === 'true' && Number(document.querySelector('#incident-reports')?.textContent) === 2",
    );
    let merged_hash = b.js("return location.hash", json!([]));
    // Reload: the merge is in the store, not only on the page.
    b.goto("about:blank");
    b.page(&base, merged_hash.as_str().unwrap());
    b.wait_for(
        "the incident after reload",
        "document.querySelector('#history')",
    );
    let after = b.js(
        "return {reports: [...document.querySelectorAll('#report-grid .report-card')].map(c => Number(c.dataset.report)).sort((x, y) => x - y),
                 history: document.querySelector('#history').textContent}",
        json!([]),
    );
    assert_eq!(
        after["reports"],
        json!(both),
        "both reports in one incident after reload"
    );
    let history = after["history"].as_str().unwrap();
    assert!(
        history.contains("Rania (browser test)") && history.contains("merge"),
        "{history}"
    );
    let merged_id: i64 = merged_hash
        .as_str()
        .unwrap()
        .trim_start_matches("#/incidents/")
        .parse()
        .unwrap();
    let stored = api(&format!("/api/v1/incidents/{merged_id}"));
    let mut stored_reports: Vec<i64> = stored["incident"]["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_i64().unwrap())
        .collect();
    stored_reports.sort();
    assert_eq!(stored_reports, both);
    assert_eq!(
        stored["incident"]["edits"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()["who"],
        "Rania (browser test)"
    );
    b.snap("11-incident-merged");

    // Alerts: the unacknowledged feed, one alert with the incidents and
    // documents behind it and its delivery, acknowledged in the page, and
    // still acknowledged after a reload.
    b.page(&base, "#/alerts?unacked=true");
    let unacked = walk_all(&api, "/api/v1/alerts?unacked=true");
    assert!(!unacked.is_empty(), "the demo leaves alerts to acknowledge");
    let rows = b.wait_for(
        "alert rows",
        "document.querySelectorAll('#alert-table tbody tr').length",
    );
    assert_eq!(rows, json!(unacked.len().min(50)));
    assert_eq!(
        b.js(
            "return document.querySelector('#f-unacked').value",
            json!([])
        ),
        "true",
        "the filter is in the URL and the bar"
    );
    b.snap("12-alerts");
    let surge = unacked
        .iter()
        .find(|a| a["kind"] == "surge")
        .expect("an unacknowledged surge alert");
    let aid = surge["id"].as_i64().unwrap();
    let detail = api(&format!("/api/v1/alerts/{aid}"));
    b.page(&base, &format!("#/alerts/{aid}"));
    b.wait_for("the ack button", "document.querySelector('#do-ack')");
    let shown = b.js(
        "return {incidents: [...document.querySelectorAll('#alert-incidents tbody tr')].map(r => r.dataset.href),
                 deliveries: document.querySelector('#alert-deliveries').textContent}",
        json!([]),
    );
    let want: Vec<String> = detail["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| format!("#/incidents/{}", i["id"]))
        .collect();
    assert_eq!(shown["incidents"], json!(want), "evidence links");
    assert!(
        shown["deliveries"]
            .as_str()
            .unwrap()
            .contains("ops-webhook: pending"),
        "delivery status: {shown}"
    );
    b.js("document.querySelector('#analyst').value = '';", json!([]));
    let who = b.find("#analyst");
    b.cmd(
        "POST",
        &format!("/element/{who}/value"),
        Some(json!({"text": "Omar (browser test)"})),
    );
    b.click("#do-ack");
    b.wait_for(
        "the acknowledgment",
        "document.querySelector('#ack-state')?.textContent.includes('Omar (browser test)')",
    );
    b.goto("about:blank");
    b.page(&base, &format!("#/alerts/{aid}"));
    let state = b.wait_for(
        "the acknowledgment after reload",
        "document.querySelector('#ack-state')?.textContent",
    );
    assert!(
        state.as_str().unwrap().contains("Omar (browser test)"),
        "{state}"
    );
    assert!(b
        .js("return document.querySelector('#do-ack')", json!([]))
        .is_null());
    assert_eq!(
        api(&format!("/api/v1/alerts/{aid}"))["acknowledged_by"],
        "Omar (browser test)"
    );
    b.snap("13-alert-acknowledged");

    // Narratives: a share chart per narrative, the rising verdicts, and
    // the documents with their matched terms highlighted.
    let narratives = api("/api/v1/narratives");
    b.page(&base, "#/narratives");
    let drawn = b.wait_for(
        "narrative charts and documents",
        "document.querySelectorAll('.narrative-docs mark.hl').length > 0 && [...document.querySelectorAll('.narrative')].map(n => ({
            key: n.dataset.key,
            bars: n.querySelectorAll('svg.chart rect.bar').length,
            line: n.querySelectorAll('svg.chart polyline.share-line').length,
            rising: n.querySelector('.verdict').dataset.rising === 'true',
            marks: n.querySelectorAll('mark.hl').length }))",
    );
    let drawn = drawn.as_array().unwrap();
    let items = narratives["items"].as_array().unwrap();
    assert_eq!(drawn.len(), items.len());
    for (d, n) in drawn.iter().zip(items) {
        assert_eq!(d["key"], n["key"]);
        assert!(d["bars"].as_u64().unwrap() > 0, "a chart: {d}");
        assert_eq!(d["line"], 1, "the all-kinds line: {d}");
        assert_eq!(d["rising"], n["rising"], "{d}");
        assert!(d["marks"].as_u64().unwrap() > 0, "terms highlighted: {d}");
    }
    // The hostile document among them, newest first: its title is text.
    let first = b.js(
        "return document.querySelector('.narrative[data-key=revenge] .hit a')?.textContent",
        json!([]),
    );
    assert!(
        first.as_str().unwrap().starts_with("<img src=x onerror="),
        "{first}"
    );
    b.no_alert("narratives page");
    assert_eq!(
        b.js(
            "return [window.__vigilPwned ?? null, document.querySelectorAll('main img, main script').length]",
            json!([])
        ),
        json!([null, 0])
    );
    b.snap("14-narratives");
    // Sunday weeks on the narratives' charts.
    let id = b.find("#f-week_start");
    b.cmd("POST", &format!("/element/{id}/click"), Some(json!({})));
    b.click("#f-week_start option[value=sunday]");
    b.wait_for(
        "Sunday weeks on every narrative's chart",
        "location.hash.includes('week_start=sunday') && document.body.dataset.ready === 'true' \
         && (() => { const days = [...document.querySelectorAll('.narrative svg.chart rect.bar')] \
              .map(r => new Date(r.dataset.week + 'T00:00:00Z').getUTCDay()); \
              return days.length > 0 && days.every(d => d === 0); })()",
    );
    assert_eq!(
        b.js(
            "return document.querySelector('#f-week_start').value",
            json!([])
        ),
        "sunday"
    );

    // Nothing went wrong in the page: no script errors, no policy violations.
    let errors: Vec<Value> = b
        .console()
        .into_iter()
        .filter(|e| e["level"] == "SEVERE")
        .collect();
    assert!(errors.is_empty(), "console errors: {errors:?}");

    eprintln!(
        "browser suite: {} screenshots in {:.1} s",
        b.shots.len(),
        started.elapsed().as_secs_f64()
    );
    drop(b);
    drop(server);
}

#[derive(Debug)]
struct ChartState {
    bars: u64,
    total: u64,
}

fn chart_state(b: &Browser) -> ChartState {
    chart_in(b, "#chart")
}

/// The weekly chart drawn in the element `selector`.
fn chart_in(b: &Browser, selector: &str) -> ChartState {
    let v = b.wait_for(
        "the chart",
        &format!("(() => {{ const c = document.querySelector('{selector}'); if (!c) return null; const bars = c.querySelectorAll('svg rect.bar');
           return bars.length ? {{bars: bars.length, weeks: Number(c.dataset.weeks), total: Number(c.dataset.total),
             sum: [...bars].reduce((a, r) => a + Number(r.dataset.count), 0)}} : null; }})()"),
    );
    assert_eq!(v["bars"], v["weeks"], "{v}");
    assert_eq!(v["sum"], v["total"], "the bars add up: {v}");
    ChartState {
        bars: v["bars"].as_u64().unwrap(),
        total: v["total"].as_u64().unwrap(),
    }
}

/// Evidence marks in the text are the report's evidence, in order.
fn check_evidence(b: &Browser, api: &dyn Fn(&str) -> Value) {
    let hash = b.js("return location.hash", json!([]));
    let id = hash.as_str().unwrap().trim_start_matches("#/reports/");
    let r = api(&format!("/api/v1/reports/{id}"));
    let want: Vec<String> = r["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap().to_string())
        .collect();
    let marked = b.js(
        "return [...document.querySelectorAll('#doc-text mark.evidence')].map(m => m.textContent).join('')",
        json!([]),
    );
    let marked = marked.as_str().unwrap();
    // Marks are cut at every boundary, but a span's pieces are all marked
    // and adjacent, so each span's words appear whole in the joined marks.
    for w in &want {
        assert!(
            marked.contains(w.as_str()),
            "evidence {w:?} not highlighted in {marked:?}"
        );
    }
    assert!(!marked.is_empty());
    let sentences = b.js(
        "return document.querySelectorAll('#doc-text mark.sentence').length",
        json!([]),
    );
    assert!(
        sentences.as_u64().unwrap() > 0,
        "the evidence sentence is shaded"
    );
}

fn walk_all(api: &dyn Fn(&str) -> Value, path: &str) -> Vec<Value> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut items = Vec::new();
    let mut next = format!("{path}{sep}limit=500");
    loop {
        let page = api(&next);
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => next = format!("{path}{sep}limit=500&cursor={c}"),
            None => return items,
        }
    }
}

/// How many of `items` have a place on the map.
fn placed(items: &[Value]) -> u64 {
    items
        .iter()
        .filter(|r| r["place"]["lat"].is_number() && r["place"]["lon"].is_number())
        .count() as u64
}

fn tally_total(t: &Value) -> u64 {
    t["series"][0]["weeks"]
        .as_array()
        .map(|w| w.iter().map(|w| w["value"].as_u64().unwrap()).sum())
        .unwrap_or(0)
}

fn tally_surges(t: &Value) -> u64 {
    t["series"][0]["weeks"]
        .as_array()
        .map(|w| w.iter().filter(|w| w["surge"] == true).count() as u64)
        .unwrap_or(0)
}
