//! End-to-end tests of `vigil narratives` and `vigil alerts` on the demo
//! corpus.

use std::path::Path;
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

fn ok_json(data: &Path, args: &[&str]) -> Value {
    let out = vigil(data, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// A data directory holding the demo store.
fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path().to_str().unwrap().to_string();
    let out = vigil(dir.path(), &["-q", "demo", "--into", &into]);
    assert!(
        out.status.success(),
        "demo: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

#[test]
fn narratives_are_tagged_once_and_weekly_shares_add_up() {
    let dir = demo();
    let d = dir.path();
    // `vigil demo` has tagged every document already: tag them all again.
    let first = ok_json(d, &["--json", "narratives", "tag", "--all"]);
    let tagged = first["documents"].as_u64().unwrap();
    let carrying = first["carrying"].as_u64().unwrap();
    assert!(tagged > 100, "{first}");
    assert!(carrying >= 8, "the demo carries every narrative: {first}");
    for (key, n) in first["per_narrative"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().to_string(), p[1].as_u64().unwrap()))
    {
        assert!(n >= 1, "narrative {key} found in no demo document");
    }

    // Incremental: nothing left to tag; --all tags everything again with
    // the same result.
    let again = ok_json(d, &["--json", "narratives", "tag"]);
    assert_eq!(again["documents"], 0);
    let all = ok_json(d, &["--json", "narratives", "tag", "--all"]);
    assert_eq!(all["documents"].as_u64(), Some(tagged));
    assert_eq!(all["carrying"].as_u64(), Some(carrying));
    assert_eq!(all["per_narrative"], first["per_narrative"]);

    let rows = ok_json(d, &["--json", "narratives", "weekly"]);
    let rows = rows.as_array().unwrap();
    // Every all-kinds row is the sum of its per-kind rows.
    for r in rows.iter().filter(|r| r["source_kind"].is_null()) {
        let parts: Vec<&Value> = rows
            .iter()
            .filter(|p| {
                p["week"] == r["week"]
                    && p["narrative"] == r["narrative"]
                    && !p["source_kind"].is_null()
            })
            .collect();
        let sum = |f: &str| parts.iter().map(|p| p[f].as_u64().unwrap()).sum::<u64>();
        assert_eq!(r["documents"].as_u64(), Some(sum("documents")), "{r}");
        assert_eq!(r["tagged"].as_u64(), Some(sum("tagged")), "{r}");
    }
    // Tagged documents per week add up to the dated documents tagged.
    let weekly_tagged: u64 = rows
        .iter()
        .filter(|r| r["source_kind"].is_null() && r["narrative"] == "revenge")
        .map(|r| r["tagged"].as_u64().unwrap())
        .sum();
    assert_eq!(weekly_tagged, tagged - 1, "one demo document has no date");

    let csv = vigil(
        d,
        &[
            "narratives",
            "weekly",
            "--format",
            "csv",
            "--week-start",
            "saturday",
        ],
    );
    assert!(csv.status.success());
    let text = String::from_utf8(csv.stdout).unwrap();
    assert!(text.starts_with("week,narrative,source_kind,documents,tagged,share,rising\n"));
    assert!(text.contains("\n2019-10-05,"), "Saturday weeks: {text}");
}

#[test]
fn a_bad_narratives_file_is_named_with_line_field_and_fix() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("narratives.toml");
    std::fs::write(
        &file,
        "[[narrative]]\nkey = \"a\"\nname = \"A\"\ndescription = \"d\"\nterms = [\"x\"]\n",
    )
    .unwrap();
    let out = vigil(
        dir.path(),
        &["narratives", "tag", "--file", file.to_str().unwrap()],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{}:5: field `terms`", file.display())),
        "{err}"
    );
    assert!(err.contains("fix:"), "{err}");
}

#[test]
fn demo_alerts_fire_once_are_listed_and_acknowledged() {
    let dir = demo();
    let d = dir.path();
    // `vigil demo` tags the narratives and checks the rules itself, so
    // its store already holds the alerts (deliveries pending, none sent).
    let recorded = ok_json(d, &["--json", "alerts", "list", "--limit", "500"]);
    let fired: Vec<String> = recorded
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_string())
        .collect();
    assert!(
        fired.iter().any(|t| t.contains("security-gap")),
        "the narrative rule fires on the demo: {fired:?}"
    );
    assert!(
        fired
            .iter()
            .any(|t| t.starts_with("Incident at al-Hol camp")),
        "the site rule fires on a linked incident: {fired:?}"
    );
    assert!(
        fired
            .iter()
            .any(|t| t.starts_with("Three or more killed") && t.contains("Qamishli")),
        "the fatalities rule fires on the Qamishli bombing: {fired:?}"
    );
    assert!(
        fired
            .iter()
            .filter(|t| t.starts_with("al-Hol named"))
            .count()
            >= 2,
        "the watch fires on English and Arabic documents: {fired:?}"
    );
    let surges: Vec<&String> = fired
        .iter()
        .filter(|t| t.starts_with("Surge of claimed attacks on the SDF"))
        .collect();
    assert_eq!(surges.len(), 1, "the surge rule fires once: {fired:?}");
    assert!(
        surges[0].contains("week of 2019-10-07"),
        "on the week of the offensive, not the weeks before: {surges:?}"
    );
    let again = ok_json(d, &["--json", "alerts", "check"]);
    assert_eq!(again["new_alerts"].as_array().unwrap().len(), 0);
    assert_eq!(
        again["notes"],
        serde_json::json!([]),
        "every rule had its inputs"
    );

    let listed = ok_json(
        d,
        &["--json", "alerts", "list", "--unacked", "--limit", "500"],
    );
    assert_eq!(listed.as_array().unwrap().len(), fired.len());
    let id = listed[0]["id"].as_i64().unwrap().to_string();
    let acked = ok_json(d, &["--json", "alerts", "ack", &id, "--by", "duty-analyst"]);
    assert_eq!(acked["acknowledged_by"], "duty-analyst");
    let unacked = ok_json(
        d,
        &["--json", "alerts", "list", "--unacked", "--limit", "500"],
    );
    assert_eq!(unacked.as_array().unwrap().len(), fired.len() - 1);

    // A bad rules file: file, line, field and the fix.
    let rules = d.join("rules.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nkey = \"x\"\nkind = \"fatalities\"\nmin_killed = -3\n",
    )
    .unwrap();
    let out = vigil(d, &["alerts", "check", "--rules", rules.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{}:4: field `min_killed`", rules.display())),
        "{err}"
    );
    assert!(err.contains("fix:"), "{err}");
}
