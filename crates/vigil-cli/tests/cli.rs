//! End-to-end tests of the `vigil` binary: the demo corpus, fixtures of
//! every format, bad input, and the small commands.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn vigil(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vigil"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("VIGIL_DATA_DIR")
        .env_remove("RUST_LOG")
        .output()
        .expect("running vigil")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn fixtures(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn demo_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo")
}

fn count(v: &Value, field: &str) -> u64 {
    v[field]
        .as_u64()
        .unwrap_or_else(|| panic!("no {field} in {v}"))
}

fn search_total(data: &Path, args: &[&str]) -> u64 {
    let mut all = vec!["--json", "search"];
    all.extend_from_slice(args);
    let out = vigil(data, &all);
    assert!(out.status.success(), "search {args:?}: {}", stderr(&out));
    count(&json(&out), "total")
}

/// Known figures of the demo corpus (data/demo/README.md): 143 documents
/// in 23 files, of which 9 copies (2 exact, 4 forwards, 3 reposts with a
/// hashtag or "منقول" added) and 134 publications, 3 of them like another
/// (a word changed: before schema 0008 they were near-duplicates); 6
/// records hold no text; one RSS item has a broken date.
#[test]
fn demo_loads_the_corpus_with_known_counts_and_is_searchable() {
    let dir = tempfile::tempdir().unwrap();
    let out = vigil(dir.path(), &["--json", "demo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let s = json(&out);
    let got: Vec<u64> = [
        "files",
        "new",
        "new_like_seen",
        "copies",
        "recollected",
        "records_rejected",
        "records_skipped",
        "warnings",
    ]
    .iter()
    .map(|f| count(&s, f))
    .collect();
    assert_eq!(
        got,
        [23, 134, 3, 9, 0, 0, 6, 1],
        "files, new, like one seen, copies, same post again, rejected, skipped, warnings"
    );

    let data = dir.path().join("demo");
    let stats = json(&vigil(&data, &["--json", "stats"]));
    assert_eq!(count(&stats, "sources"), 8);
    assert_eq!(count(&stats, "documents"), 134);
    let langs: Vec<(String, u64)> = serde_json::from_value(stats["languages"].clone()).unwrap();
    assert_eq!(
        langs,
        [
            ("ar".to_string(), 82),
            ("en".to_string(), 51),
            ("ku".to_string(), 1)
        ]
    );

    // The registry came from sources.toml, not from the files.
    let sources = json(&vigil(&data, &["--json", "source", "list"]));
    let official = sources
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "militant_official")
        .expect("an official channel");
    assert_eq!(official["reliability"], "e");
    assert_eq!(official["affiliation"], "Islamic State");
    // Supporters' reposts are ingested first (files are read in name
    // order) but the official originals, published earlier, take their
    // place; the reposts become copies. Two of its posts changed a word
    // of the official text (a verb, the time of day): publications of
    // their own, which linking joins to the official claim's incident.
    assert_eq!(
        (official["documents"].as_u64(), official["copies"].as_u64()),
        (Some(69), Some(0))
    );
    let supporter = sources
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "militant_supporter")
        .unwrap();
    assert_eq!(
        (
            supporter["documents"].as_u64(),
            supporter["copies"].as_u64()
        ),
        (Some(7), Some(8))
    );

    // Search in both scripts, with filters.
    assert_eq!(search_total(&data, &["Qamishli", "bombing"]), 5);
    assert!(search_total(&data, &["عين عيسى"]) >= 3);
    assert_eq!(search_total(&data, &["Qamishli"]), 10);
    assert_eq!(search_total(&data, &["Qamishli", "--lang", "ar"]), 0);
    assert_eq!(
        search_total(&data, &["Qamishli -bombing", "--lang", "en"]),
        5
    );
    assert_eq!(
        search_total(
            &data,
            &[
                "مخيم",
                "--since",
                "2019-10-13",
                "--until",
                "2019-10-15",
                "--kind",
                "local_monitor"
            ]
        ),
        search_total(
            &data,
            &[
                "مخيم",
                "--since",
                "2019-10-13",
                "--until",
                "2019-10-15",
                "--source",
                "North-East Monitoring Centre"
            ]
        ),
    );

    // Re-ingesting the corpus adds nothing.
    let mut args = vec!["--json".to_string(), "ingest".to_string()];
    for sub in [
        "feeds",
        "firm",
        "monitor",
        "official",
        "telegram",
        "thinktank",
    ] {
        args.push(demo_corpus().join(sub).display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let again = json(&vigil(&data, &args));
    assert_eq!(count(&again, "new"), 0);
    assert_eq!(count(&again, "copies"), 0);
    assert_eq!(count(&again, "recollected"), 143);
}

#[test]
fn every_format_is_read_and_reposts_are_linked() {
    let dir = tempfile::tempdir().unwrap();
    let out = vigil(
        dir.path(),
        &["--json", "ingest", fixtures("good").to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let s = json(&out);
    assert_eq!(count(&s, "files"), 7);
    assert_eq!(count(&s, "new"), 11);
    assert_eq!(
        count(&s, "copies"),
        1,
        "the channel's forward of its own text with a hashtag"
    );
    assert_eq!(
        count(&s, "records_skipped"),
        2,
        "a service message and a photo without caption"
    );
    assert_eq!(count(&s, "records_rejected"), 0);

    let stats = json(&vigil(dir.path(), &["--json", "stats"]));
    let langs: Vec<(String, u64)> = serde_json::from_value(stats["languages"].clone()).unwrap();
    assert_eq!(langs, [("en".to_string(), 8), ("ar".to_string(), 3)]);

    // The HTML page: title kept, script, style, nav and footer gone.
    let hits = json(&vigil(dir.path(), &["--json", "search", "ثمانمئة"]));
    let id = hits["hits"][0]["id"].as_i64().unwrap().to_string();
    let doc = json(&vigil(dir.path(), &["--json", "show", &id]));
    assert_eq!(doc["document"]["title"], "تقرير ميداني");
    let text = doc["document"]["text"].as_str().unwrap();
    assert!(text.contains("٨٠٠ شخص"), "{text}");
    for gone in ["injected", "color:red", "الرئيسية", "محفوظة"] {
        assert!(!text.contains(gone), "{gone:?} left in {text}");
    }
    assert_eq!(doc["source"]["name"], "Test Monitor");

    // The Telegram repost is linked to the original, with its source.
    let hits = json(&vigil(dir.path(), &["--json", "search", "الشحيل"]));
    assert_eq!(count(&hits, "total"), 1);
    let id = hits["hits"][0]["id"].as_i64().unwrap().to_string();
    let doc = json(&vigil(dir.path(), &["--json", "show", &id]));
    assert_eq!(doc["copies"].as_array().unwrap().len(), 1);
    assert_eq!(doc["copies"][0]["kind"], "forward");
    assert_eq!(doc["copies"][0]["external_id"], "5");
    assert_eq!(doc["document"]["source_id"], doc["copies"][0]["source_id"]);
}

#[test]
fn bad_input_is_named_and_good_records_around_it_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let out = vigil(
        dir.path(),
        &["--json", "ingest", fixtures("bad").to_str().unwrap()],
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "exit 3 when anything was rejected"
    );
    let s = json(&out);
    assert_eq!(
        count(&s, "files_rejected"),
        3,
        "binary, Latin-1, not-a-Telegram-export"
    );
    assert_eq!(
        count(&s, "records_rejected"),
        4,
        "two JSONL lines, two CSV rows"
    );
    assert_eq!(count(&s, "new"), 7);
    assert_eq!(
        count(&s, "warnings"),
        1,
        "the RSS item with a broken date is kept"
    );
    let reasons: Vec<String> = s["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["at"].as_str().unwrap(),
                r["reason"].as_str().unwrap()
            )
        })
        .collect();
    let expect = [
        ("image.txt", "NUL byte"),
        ("latin1.txt", "invalid UTF-8"),
        ("mixed.jsonl:2", "EOF while parsing"),
        ("mixed.jsonl:3", "unknown field `titel`"),
        ("result.json", "not a Telegram export"),
        ("short-row.csv:3", "3 fields, but the header row has 4"),
        ("short-row.csv:4", "\"not-a-date\" is not a date"),
    ];
    for (at, what) in expect {
        assert!(
            reasons.iter().any(|r| r.contains(at) && r.contains(what)),
            "no rejection naming {at} and {what:?} in {reasons:#?}"
        );
    }
    let w = &s["warning_list"][0];
    assert!(
        w["at"]
            .as_str()
            .unwrap()
            .contains("broken.rss:3 (record bw-1)"),
        "{w}"
    );

    // The hostile page is stored as inert text only.
    let hits = json(&vigil(dir.path(), &["--json", "search", "Tabqa"]));
    let id = hits["hits"][0]["id"].as_i64().unwrap().to_string();
    let doc = json(&vigil(dir.path(), &["--json", "show", &id]));
    let text = doc["document"]["text"].as_str().unwrap();
    assert!(text.contains("Visible report text"));
    for gone in ["alert", "fetch(", "onerror", "<"] {
        assert!(!text.contains(gone), "{gone:?} in {text}");
    }
    // The plain view does not pass the RTL override to the terminal.
    let plain = vigil(dir.path(), &["show", &id]);
    assert!(!String::from_utf8_lossy(&plain.stdout).contains('\u{202E}'));

    // Nothing half-written: a second run over the same files adds nothing.
    let again = json(&vigil(
        dir.path(),
        &["--json", "ingest", fixtures("bad").to_str().unwrap()],
    ));
    assert_eq!(count(&again, "new"), 0);
    assert_eq!(count(&again, "recollected"), 7);
}

#[test]
fn oversized_files_and_documents_are_refused_with_the_flag_to_raise() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    std::fs::create_dir(&input).unwrap();
    // A 200 MB text file: one document far over the 2 MiB default.
    let big = input.join("huge.txt");
    let line = "Shelling was reported near the town overnight, the monitor said. ".repeat(16);
    let mut body = String::with_capacity(200 * 1024 * 1024 + line.len());
    while body.len() < 200 * 1024 * 1024 {
        body.push_str(&line);
        body.push('\n');
    }
    std::fs::write(&big, &body).unwrap();
    drop(body);
    std::fs::write(
        input.join("small.txt"),
        "A small report about an IED near Hajin that wounded two.",
    )
    .unwrap();

    let data = dir.path().join("data");
    let out = vigil(&data, &["--json", "ingest", input.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let s = json(&out);
    assert_eq!(count(&s, "new"), 1, "the small file is kept");
    let reason = s["rejections"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("--max-doc-bytes"), "{reason}");
    assert!(s["rejections"][0]["at"]
        .as_str()
        .unwrap()
        .contains("huge.txt"));

    let out = vigil(
        &data,
        &[
            "--json",
            "ingest",
            "--max-file-bytes",
            "1000",
            big.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let reason = json(&out)["rejections"][0]["reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        reason.contains("huge.txt") && reason.contains("--max-file-bytes"),
        "{reason}"
    );
}

#[test]
fn sources_are_managed_from_the_cli_and_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = vigil(
        d,
        &[
            "--json",
            "source",
            "add",
            "Levant Wire",
            "--kind",
            "news_media",
            "--lang",
            "en,ar",
            "--reliability",
            "B",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let s = json(&out);
    assert_eq!(
        (s["kind"].as_str(), s["reliability"].as_str()),
        (Some("news_media"), Some("b"))
    );
    assert_eq!(s["languages"], serde_json::json!(["en", "ar"]));

    let dup = vigil(d, &["source", "add", "levant wire"]);
    assert!(!dup.status.success());
    assert!(stderr(&dup).contains("already exists"), "{}", stderr(&dup));

    let bad = vigil(d, &["source", "add", "X", "--kind", "rumour-mill"]);
    assert_eq!(bad.status.code(), Some(2), "usage errors exit 2");
    assert!(
        stderr(&bad).contains("militant_official"),
        "the error lists valid kinds: {}",
        stderr(&bad)
    );

    let edited = json(&vigil(
        d,
        &[
            "--json",
            "source",
            "edit",
            "Levant Wire",
            "--reliability",
            "none",
            "--affiliation",
            "independent",
        ],
    ));
    assert_eq!(edited["reliability"], Value::Null);
    assert_eq!(edited["affiliation"], "independent");

    let file = d.join("sources.toml");
    std::fs::write(
        &file,
        "[[source]]\nname = \"Levant Wire\"\nkind = \"news_media\"\nreliability = \"A\"\n\n[[source]]\nname = \"Channel X\"\nkind = \"militant_supporter\"\n",
    )
    .unwrap();
    let r = json(&vigil(
        d,
        &["--json", "source", "import", file.to_str().unwrap()],
    ));
    assert_eq!(
        (r["created"].as_u64(), r["updated"].as_u64()),
        (Some(1), Some(1))
    );
    let list = json(&vigil(d, &["--json", "source", "list"]));
    assert_eq!(list.as_array().unwrap().len(), 2);

    std::fs::write(
        &file,
        "[[source]]\nname = \"Y\"\nkind = \"news_media\"\ncolour = \"red\"\n",
    )
    .unwrap();
    let bad = vigil(d, &["source", "import", file.to_str().unwrap()]);
    assert!(!bad.status.success());
    let e = stderr(&bad);
    assert!(e.contains("sources.toml:4") && e.contains("colour"), "{e}");
}

#[test]
fn missing_store_and_bad_queries_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let out = vigil(&dir.path().join("nothing"), &["stats"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("vigil ingest"), "{}", stderr(&out));

    vigil(dir.path(), &["ingest", fixtures("good").to_str().unwrap()]);
    let out = vigil(dir.path(), &["search", "--", "-camp"]);
    assert!(
        stderr(&out).contains("at least one word"),
        "{}",
        stderr(&out)
    );
    let out = vigil(dir.path(), &["show", "doc:999"]);
    assert!(stderr(&out).contains("no document 999"), "{}", stderr(&out));
    let out = vigil(dir.path(), &["show", "abc"]);
    assert_eq!(out.status.code(), Some(2));
    let out = vigil(dir.path(), &["ingest", "/no/such/path"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("/no/such/path"), "{}", stderr(&out));
    let out = vigil(dir.path(), &["ingest", "--format", "pdf", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("telegram"), "{}", stderr(&out));
}

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in [
        vec!["--help"],
        vec!["demo", "--help"],
        vec!["ingest", "--help"],
        vec!["source", "--help"],
        vec!["source", "add", "--help"],
        vec!["source", "edit", "--help"],
        vec!["source", "import", "--help"],
        vec!["source", "list", "--help"],
        vec!["search", "--help"],
        vec!["show", "--help"],
        vec!["stats", "--help"],
        vec!["extract", "--help"],
        vec!["eval", "--help"],
        vec!["kb", "check", "--help"],
        vec!["gazetteer", "--help"],
        vec!["gazetteer", "import", "--help"],
        vec!["gazetteer", "info", "--help"],
        vec!["gazetteer", "lookup", "--help"],
        vec!["gazetteer", "reset", "--help"],
        vec!["surge", "--help"],
    ] {
        let out = vigil(dir.path(), &cmd);
        assert!(out.status.success(), "{cmd:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage"),
            "{cmd:?}"
        );
    }
}

#[test]
fn gazetteer_import_adds_places_names_and_reports_bad_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    let dump = fixtures("geonames/SY-sample.txt");
    let alt = fixtures("geonames/alternateNames-sample.txt");

    // Before: the bundled gazetteer, which lacks the fictional village.
    let before = vigil(data, &["--json", "gazetteer", "info"]);
    assert!(before.status.success(), "{}", stderr(&before));
    assert_eq!(json(&before)["source"], "bundled");
    let missing = vigil(data, &["gazetteer", "lookup", "Tall Warda Vigil"]);
    assert!(!missing.status.success());

    let out = vigil(
        data,
        &[
            "--json",
            "gazetteer",
            "import",
            dump.to_str().unwrap(),
            "--alternate-names",
            alt.to_str().unwrap(),
        ],
    );
    // One malformed line in each file: exit 3, the rest imported.
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let s = json(&out);
    assert_eq!(count(&s, "lines"), 5);
    assert_eq!(count(&s, "added"), 2, "the village and the camp: {s}");
    assert_eq!(count(&s, "merged"), 1, "Shulin gains names: {s}");
    assert_eq!(count(&s, "skipped"), 1, "the hill is not kept: {s}");
    assert_eq!(count(&s, "rejected"), 2, "{s}");
    let rejections = s["rejections"].to_string();
    assert!(
        rejections.contains("SY-sample.txt:3: field 5 (latitude) `north`"),
        "{rejections}"
    );
    assert!(
        rejections.contains("alternateNames-sample.txt:4: field 2 (geonameid)"),
        "{rejections}"
    );

    let info = json(&vigil(data, &["--json", "gazetteer", "info"]));
    assert_eq!(info["source"], "imported");
    assert_eq!(count(&info, "places"), count(&s, "places"));

    // The new village, by its Latin and Arabic names, in its province.
    for name in ["Tall Warda Vigil", "Tell Warda Vigil", "تل وردة فيجل"] {
        let hits = json(&vigil(data, &["--json", "gazetteer", "lookup", name]));
        assert_eq!(hits[0]["country"], "SY", "{name}: {hits}");
        assert_eq!(hits[0]["geonames_id"], 9900001, "{name}: {hits}");
        assert!(hits[0]["province"].is_string(), "{name}: {hits}");
    }
    // Names from the alternate-names file; links are not names.
    let camp = json(&vigil(
        data,
        &["--json", "gazetteer", "lookup", "Vigil Camp"],
    ));
    assert_eq!(camp[0]["kind"], "camp", "{camp}");
    let shulin = json(&vigil(
        data,
        &["--json", "gazetteer", "lookup", "شولين الغربية"],
    ));
    assert_eq!(shulin[0]["geonames_id"], 4517, "{shulin}");

    // Extraction uses it.
    let places = json(&vigil(
        data,
        &[
            "--json",
            "extract",
            "--places",
            "--text",
            "Shelling hit Tall Warda Vigil on Monday.",
        ],
    ));
    assert_eq!(places[0]["geonames_id"], 9900001, "{places}");

    // Reset: the bundled gazetteer again.
    assert!(vigil(data, &["gazetteer", "reset"]).status.success());
    assert_eq!(
        json(&vigil(data, &["--json", "gazetteer", "info"]))["source"],
        "bundled"
    );
}

#[test]
fn gazetteer_import_refuses_archives_and_non_dumps_with_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let zip = tmp.path().join("SY.zip");
    std::fs::write(&zip, b"PK\x03\x04rest of an archive").unwrap();
    let out = vigil(tmp.path(), &["gazetteer", "import", zip.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("unzip it"), "{}", stderr(&out));

    let csv = tmp.path().join("places.csv");
    std::fs::write(&csv, "name,lat,lon\nRaqqa,35.9,39.0\n").unwrap();
    let out = vigil(tmp.path(), &["gazetteer", "import", csv.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("19 tab-separated fields"),
        "{}",
        stderr(&out)
    );
    // Nothing was written.
    assert!(!tmp.path().join("gazetteer").exists());
}

#[test]
fn surge_flags_the_public_example_and_not_a_volatile_history() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |counts: &str| {
        let out = vigil(tmp.path(), &["--json", "surge", "--counts", counts]);
        assert!(out.status.success(), "{}", stderr(&out));
        json(&out)
    };
    let flat = run("10,10,10,27");
    let test = |v: &Value, name: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|t| t["test"] == name)
            .unwrap_or_else(|| panic!("no {name} in {v}"))
            .clone()
    };
    let p = test(&flat, "poisson");
    assert_eq!(p["surge"], true);
    assert_eq!(p["count"], 27);
    assert_eq!(p["baseline"], 10.0);
    let pv = p["p_value"].as_f64().unwrap();
    assert!((6.0e-6..7.0e-6).contains(&pv), "{p}");
    assert_eq!(test(&flat, "ears_c1")["surge"], true);
    assert!(test(&flat, "ears_c1")["z"].is_number());

    let volatile = run("2,25,3,27");
    assert_eq!(test(&volatile, "negative_binomial")["surge"], false);
    assert_eq!(test(&volatile, "poisson")["surge"], true);

    // Table output and bad flags.
    let table = vigil(tmp.path(), &["surge", "--counts", "10,10,10,27"]);
    assert!(String::from_utf8_lossy(&table.stdout).contains("SURGE"));
    let bad = vigil(tmp.path(), &["surge", "--counts", "10,x,27"]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("--counts"), "{}", stderr(&bad));
    let bad = vigil(
        tmp.path(),
        &["surge", "--counts", "1,2,3,4", "--alpha", "2"],
    );
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("between 0 and 1"), "{}", stderr(&bad));
}

#[test]
fn incidents_are_reviewed_and_the_decisions_survive_re_extraction() {
    let tmp = tempfile::tempdir().unwrap();
    let out = vigil(tmp.path(), &["--quiet", "demo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let data = tmp.path().join("demo");
    let run = |args: &[&str]| {
        let out = vigil(&data, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        out
    };
    let show = |id: &str| json(&run(&["--json", "incident", "show", id]));
    // Two incidents the linker keeps apart: the latest two.
    let list = json(&run(&[
        "--json",
        "incidents",
        "--limit",
        "2",
        "--sort",
        "id",
    ]));
    let (a, b) = (list[0]["id"].to_string(), list[1]["id"].to_string());
    let reports = |v: &Value| v["reports"].as_array().unwrap().len();
    let n = reports(&show(&a)) + reports(&show(&b));
    // `link --why` says whether two reports may tell one event, and why not.
    let first = |v: &Value| v["report_details"][0]["report"]["id"].to_string();
    let (ra, rb) = (first(&show(&a)), first(&show(&b)));
    let why = json(&run(&["--json", "link", "--why", &ra, &rb]));
    assert_eq!(
        why["reports"],
        serde_json::json!([ra.parse::<i64>().unwrap(), rb.parse::<i64>().unwrap()])
    );
    assert_eq!(
        why["may_link"].as_bool().unwrap(),
        why["reason"].is_null(),
        "{why}"
    );
    let same = json(&run(&["--json", "link", "--why", &ra, &ra]));
    assert_eq!(same["may_link"], true, "{same}");
    let missing = vigil(&data, &["link", "--why", &ra, "999999"]);
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("no report 999999"),
        "{}",
        stderr(&missing)
    );

    let merged = json(&run(&[
        "--json",
        "incident",
        "merge",
        &a,
        &b,
        "--by",
        "rana",
        "--note",
        "one attack",
    ]));
    let ids = merged["incidents"].as_array().unwrap();
    assert_eq!(ids.len(), 1, "{merged}");
    let m = ids[0].to_string();
    run(&["incident", "edit", &m, "--set", "killed=6", "--by", "rana"]);
    run(&["incident", "confirm", &m, "--by", "omar"]);
    let check = |why: &str| {
        let inc = show(&m);
        assert_eq!(reports(&inc), n, "{why}: {inc}");
        assert_eq!(inc["status"], "confirmed", "{why}");
        assert_eq!(inc["counts"]["killed"]["value"], 6, "{why}");
        let edits: Vec<String> = inc["edits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{} {}",
                    e["who"].as_str().unwrap(),
                    e["what"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(
            edits,
            [
                "rana merge: one attack",
                "rana set killed=6",
                "omar confirm"
            ],
            "{why}"
        );
        inc
    };
    check("after the decisions");
    // Re-extraction replaces every report; linking again keeps the
    // incident, its id and the analysts' decisions.
    run(&["--quiet", "extract"]);
    // Before the link, the incident still holds its reports (their ids
    // survive re-extraction), and the same confirm again (a retry whose
    // answer was lost) adds nothing.
    let retry = json(&run(&["--json", "incident", "confirm", &m, "--by", "omar"]));
    assert_eq!(retry["repeated"], true, "{retry}");
    assert_eq!(
        retry["incidents"],
        serde_json::json!([m.parse::<i64>().unwrap()]),
        "{retry}"
    );
    run(&["--quiet", "link"]);
    let inc = check("after re-extraction and relinking");
    let full = json(&run(&["--json", "link", "--full"]));
    assert!(full["incidents_written"].as_u64().unwrap() > 0);
    check("after a full relink");

    // Split one report back out.
    let last =
        inc["report_details"].as_array().unwrap().last().unwrap()["report"]["id"].to_string();
    let split = json(&run(&[
        "--json",
        "incident",
        "split",
        &m,
        "--reports",
        &last,
    ]));
    assert_eq!(split["incidents"].as_array().unwrap().len(), 1);
    assert_ne!(split["incidents"][0].to_string(), m);
    assert_eq!(reports(&show(&m)), n - 1);

    // Bad review commands say what to do.
    let bad = vigil(&data, &["incident", "show", "999999"]);
    assert!(
        stderr(&bad).contains("no incident 999999"),
        "{}",
        stderr(&bad)
    );
    let bad = vigil(&data, &["incident", "edit", &m, "--set", "killed=many"]);
    assert!(stderr(&bad).contains("whole number"), "{}", stderr(&bad));
    let bad = vigil(&data, &["incident", "edit", &m, "--set", "colour=red"]);
    assert!(stderr(&bad).contains("sub_event_type"), "{}", stderr(&bad));
    let bad = vigil(&data, &["incident", "split", &m, "--reports", "999999"]);
    assert!(
        stderr(&bad).contains("is not in incident"),
        "{}",
        stderr(&bad)
    );
    let bad = vigil(&data, &["incidents", "--where", "colour=red"]);
    assert!(stderr(&bad).contains("perpetrator"), "{}", stderr(&bad));
    let bad = vigil(&data, &["extract", "--time-zone", "Mars/Olympus"]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("Asia/Damascus"), "{}", stderr(&bad));
}

#[test]
fn tallies_surges_and_sites_over_the_demo() {
    let tmp = tempfile::tempdir().unwrap();
    let out = vigil(tmp.path(), &["--quiet", "demo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let data = tmp.path().join("demo");
    let run = |args: &[&str]| {
        let out = vigil(&data, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let sdf = "--target=Syrian Democratic Forces";
    let csv = run(&["tally", "--measure", "claims", sdf, "--format", "csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "week_start,series,measure,value");
    assert_eq!(lines.len(), 1 + 5, "five ISO weeks from 2019-09-16: {csv}");
    assert!(lines[4].starts_with("2019-10-07,all,claims,"), "{csv}");
    // An actor can be named by any alias, in either script.
    for alias in ["--target=SDF", "--target=قسد"] {
        assert_eq!(
            run(&["tally", "--measure", "claims", alias, "--format", "csv"]),
            csv,
            "{alias}"
        );
    }
    // Saturday weeks, split by province, as JSON.
    let by: Value = serde_json::from_str(&run(&[
        "--json",
        "tally",
        "--by",
        "province",
        "--week-start",
        "saturday",
    ]))
    .unwrap();
    let first = by[0]["weeks"][0]["start"].as_str().unwrap();
    assert_eq!(first, "2019-09-14", "a Saturday");
    assert!(by.as_array().unwrap().len() > 3);
    // The week of the offensive is a surge; the week before is not.
    let flagged: Value = serde_json::from_str(&run(&[
        "--json",
        "surge",
        "--measure",
        "claims",
        sdf,
        "--week",
        "2019-10-07",
    ]))
    .unwrap();
    assert_eq!(flagged[0]["surge"], true, "{flagged}");
    assert!(!flagged[0]["incidents"].as_array().unwrap().is_empty());
    let quiet: Value = serde_json::from_str(&run(&[
        "--json",
        "surge",
        "--measure",
        "claims",
        sdf,
        "--week",
        "2019-09-30",
        "--all",
    ]))
    .unwrap();
    assert_eq!(quiet[0]["surge"], false, "{quiet}");
    // Sites: the demo's incidents at the camps and facilities.
    let sites: Value = serde_json::from_str(&run(&["--json", "sites", "list"])).unwrap();
    let ain_issa = sites
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "ain-issa-camp")
        .unwrap();
    assert!(ain_issa["escapes"].as_u64().unwrap() >= 1, "{sites}");
    assert!(ain_issa["freed"].as_u64().unwrap() >= 700, "{sites}");
    assert!(run(&["sites", "show", "al-hol-camp"]).contains("al-Hol camp"));
    // A bad sites file is named with its line, and nothing is replaced.
    let bad = tmp.path().join("bad-sites.toml");
    std::fs::write(
        &bad,
        "[[site]]\nkey = \"x\"\nname = \"X\"\nkind = \"jail\"\nlat = 1\nlon = 1\nradius_km = 1\n",
    )
    .unwrap();
    let out = vigil(&data, &["sites", "load", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("bad-sites.toml:4"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("prison"), "{}", stderr(&out));
    let after: Value = serde_json::from_str(&run(&["--json", "sites", "list"])).unwrap();
    assert_eq!(after.as_array().unwrap().len(), 4);
}

/// Claimed attacks count once, in the week of the attack (a local day),
/// however late the claim arrives: a late claim lands in its own week when
/// later weeks are already linked, and a newsletter's list of last week's
/// claims links to their incidents and adds nothing.
#[test]
fn claims_count_in_the_week_of_the_attack_however_late_they_arrive() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let run = |args: &[&str]| {
        let out = vigil(d, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        out
    };
    run(&[
        "source",
        "add",
        "Wilayat Claims",
        "--kind",
        "militant_official",
        "--affiliation",
        "Islamic State",
    ]);
    // (week start, first week of the tally) -> claims per week.
    let tally = |week_start: &str| -> Vec<(String, u64)> {
        let t = json(&run(&[
            "--json",
            "tally",
            "--measure",
            "claims",
            "--week-start",
            week_start,
            "--from",
            "2019-10-07",
            "--to",
            "2019-10-25",
        ]));
        t[0]["weeks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| {
                (
                    w["start"].as_str().unwrap().to_string(),
                    w["value"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let weeks = |rows: &[(&str, u64)]| -> Vec<(String, u64)> {
        rows.iter().map(|(d, n)| (d.to_string(), *n)).collect()
    };
    let incidents = || json(&run(&["--json", "incidents", "--limit", "100"]));

    run(&[
        "--quiet",
        "ingest",
        fixtures("claims/weeks.jsonl").to_str().unwrap(),
    ]);
    run(&["--quiet", "extract"]);
    run(&["--quiet", "link"]);
    // The claim posted at 22:30 UTC on Sunday 20 October, "today", is of
    // Monday 21 October in Syria: week 3.
    assert_eq!(
        tally("monday"),
        weeks(&[("2019-10-07", 2), ("2019-10-14", 3), ("2019-10-21", 2)])
    );
    let before = incidents().as_array().unwrap().len();
    assert_eq!(before, 7, "one incident per claimed attack");

    // A claim of 9 October posted on 24 October, and the newsletter of
    // 24 October listing two attacks of the week before.
    run(&[
        "--quiet",
        "ingest",
        fixtures("claims/late.jsonl").to_str().unwrap(),
    ]);
    run(&["--quiet", "extract"]);
    run(&["--quiet", "link"]);
    assert_eq!(
        tally("monday"),
        weeks(&[("2019-10-07", 3), ("2019-10-14", 3), ("2019-10-21", 2)]),
        "week 1 rises by one, no other week changes"
    );
    let after = incidents();
    let after = after.as_array().unwrap();
    assert_eq!(after.len(), before + 1, "the newsletter adds no incident");
    let restated: Vec<&Value> = after
        .iter()
        .filter(|i| i["reports"].as_array().unwrap().len() == 2)
        .collect();
    let mut days: Vec<&str> = restated
        .iter()
        .map(|i| i["date"]["date"].as_str().unwrap())
        .collect();
    days.sort();
    assert_eq!(
        days,
        ["2019-10-16", "2019-10-17"],
        "the newsletter's items joined the claims they repeat"
    );
    // Weeks from the Wednesday of the invasion, 9 October.
    assert_eq!(
        tally("Wednesday"),
        weeks(&[
            ("2019-10-02", 1),
            ("2019-10-09", 3),
            ("2019-10-16", 4),
            ("2019-10-23", 0)
        ])
    );
}

/// A channel's claims in the same words on different days are claims of
/// different attacks: each is a publication with its own event report and
/// counts in its week. A supporter's forward and an aggregator's repost
/// with a hashtag are copies: grouped under their originals, no report of
/// their own. Reading the file again adds nothing (README, "Copies and
/// publications").
#[test]
fn identical_claims_on_different_days_are_publications_and_forwards_are_copies() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let run = |args: &[&str]| {
        let out = vigil(d, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        out
    };
    run(&[
        "source",
        "add",
        "Wilayat Claims",
        "--kind",
        "militant_official",
        "--affiliation",
        "Islamic State",
    ]);
    let file = fixtures("claims/repeated.jsonl");
    let s = json(&run(&["--json", "ingest", file.to_str().unwrap()]));
    let got: Vec<u64> = ["new", "new_text_seen", "copies", "recollected"]
        .iter()
        .map(|f| count(&s, f))
        .collect();
    assert_eq!(
        got,
        [4, 2, 2, 0],
        "publications, of which with a text seen before, copies, same post again"
    );
    // The summary names the categories; reading the file again adds
    // nothing.
    let text = run(&["ingest", file.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    for (label, n) in [
        ("publications new", "0"),
        ("with a text seen before", "0"),
        ("copies (same post again)", "6"),
        ("copies (forwards/reposts)", "0"),
    ] {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no {label:?} in\n{text}"));
        assert_eq!(line.split_whitespace().last(), Some(n), "{line}");
    }

    run(&["--quiet", "extract"]);
    run(&["--quiet", "link"]);
    let stats = json(&run(&["--json", "stats"]));
    assert_eq!(count(&stats, "documents"), 4);
    assert_eq!(
        count(&stats, "event_reports"),
        4,
        "one report per publication"
    );
    // The forward, read before the post it forwards, is grouped under that
    // post (the second, same words), not under the first.
    let second = json(&run(&["--json", "show", "2"]));
    assert_eq!(second["document"]["external_id"], "r-2");
    assert_eq!(second["copies"][0]["external_id"], "s-1");
    assert_eq!(second["copies"][0]["kind"], "forward");
    let hajin = json(&run(&["--json", "show", "3"]));
    assert_eq!(hajin["copies"][0]["kind"], "repost");
    // Searches list the three publications with the same words as three
    // rows, and the copies under their originals.
    assert_eq!(search_total(d, &["Shuhayl"]), 3);
    assert_eq!(search_total(d, &["Hajin"]), 1);

    let t = json(&run(&[
        "--json",
        "tally",
        "--measure",
        "claims",
        "--from",
        "2019-10-07",
        "--to",
        "2019-10-27",
    ]));
    let weeks: Vec<(String, u64)> = t[0]["weeks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["start"].as_str().unwrap().to_string(),
                w["value"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        weeks,
        [
            ("2019-10-07".to_string(), 1),
            ("2019-10-14".to_string(), 2),
            ("2019-10-21".to_string(), 1)
        ],
        "each claim in the week of its attack; copies add nothing"
    );
}

/// Titles, source names and file names from outside reach the terminal
/// escaped: an escape sequence could clear the screen or write the
/// clipboard, a newline in a file name forged a summary line (issue 20,
/// item 6).
#[test]
fn hostile_names_and_titles_are_printed_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // A newline and an escape sequence in the file name; its second line
    // is rejected, so the name is printed in the rejection.
    let name = "evil\nfiles read  999\u{1b}[2J.jsonl";
    let file = dir.path().join(name);
    std::fs::write(
        &file,
        "{\"text\": \"Shelling in Raqqa.\", \
          \"title\": \"\\u001b]52;c;cm0gLXJmIH4=\\u0007Shelling\\u001b[2J\", \
          \"source\": \"Wire\\u001b[31m\\u202e\", \"url\": \"javascript:alert(1)\"}\n\
         {\"titel\": \"x\"}\n",
    )
    .unwrap();
    let out = vigil(&data, &["ingest", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    let all = format!("{}{err}", String::from_utf8_lossy(&out.stdout));
    assert!(!all.contains('\u{1b}'), "{all}");
    assert!(
        !all.lines().any(|l| l.starts_with("files read  999")),
        "{all}"
    );
    assert!(
        err.contains("evil\\nfiles read  999\\u{1b}[2J.jsonl:2"),
        "{err}"
    );
    assert!(err.contains("\"javascript:alert(1)\" dropped"), "{err}");
    for args in [
        &["show", "1"][..],
        &["search", "Raqqa"],
        &["source", "list"],
    ] {
        let out = vigil(&data, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let shown = String::from_utf8_lossy(&out.stdout);
        assert!(!shown.contains('\u{1b}'), "{args:?}: {shown}");
        assert!(!shown.contains('\u{7}'), "{args:?}: {shown}");
        assert!(!shown.contains('\u{202e}'), "{args:?}: {shown}");
        assert!(!shown.contains("javascript:"), "{args:?}: {shown}");
    }
    let show = vigil(&data, &["show", "1"]);
    let shown = String::from_utf8_lossy(&show.stdout);
    assert!(
        shown.contains("\\u{1b}]52;c;cm0gLXJmIH4=\\u{7}Shelling\\u{1b}[2J"),
        "{shown}"
    );
    assert!(shown.contains("Wire\\u{1b}[31m\\u{202e}"), "{shown}");
}

/// Issue 20: symbolic links to files and folders were skipped silently,
/// counted nowhere. They are followed; a second path to a file and a link
/// back up are skipped with the reason, a link to nothing is refused, and
/// the summary accounts for every path met.
#[cfg(unix)]
#[test]
fn symbolic_links_are_followed_and_every_path_is_counted() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let (drop, elsewhere) = (tmp.path().join("drop"), tmp.path().join("elsewhere"));
    std::fs::create_dir_all(drop.join("sub")).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    let text = |place: &str| {
        format!("A roadside bomb hit a patrol near {place} on Tuesday, local sources said.\n")
    };
    std::fs::write(drop.join("a.txt"), text("Amuda")).unwrap();
    std::fs::write(elsewhere.join("b.txt"), text("Qamishli")).unwrap();
    std::fs::write(elsewhere.join("c.txt"), text("Hasakah")).unwrap();
    symlink(elsewhere.join("b.txt"), drop.join("b-link.txt")).unwrap();
    symlink(&elsewhere, drop.join("more")).unwrap();
    symlink(&drop, drop.join("sub/up")).unwrap();
    symlink(tmp.path().join("gone.txt"), drop.join("dangling.txt")).unwrap();

    let data = tmp.path().join("data");
    let out = vigil(&data, &["--json", "ingest", drop.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "a link to nothing is refused");
    let s = json(&out);
    assert_eq!(count(&s, "files"), 3, "{s}");
    assert_eq!(count(&s, "new"), 3, "{s}");
    assert_eq!(
        count(&s, "files_skipped"),
        2,
        "more/b.txt again, sub/up: {s}"
    );
    assert_eq!(count(&s, "files_rejected"), 1, "dangling.txt: {s}");
    let skipped: Vec<&str> = s["skip_list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["reason"].as_str().unwrap())
        .collect();
    assert!(skipped[0].contains("the same file as"), "{skipped:?}");
    assert!(skipped[1].contains("symbolic link back to"), "{skipped:?}");
    assert!(
        s["rejections"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("symbolic link to nothing"),
        "{s}"
    );
    // Without --json the summary says so too.
    let out = vigil(&data, &["ingest", drop.to_str().unwrap()]);
    let err = stderr(&out);
    assert!(
        err.contains("skipped: ") && err.contains("read once"),
        "{err}"
    );
}
