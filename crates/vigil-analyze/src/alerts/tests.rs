use super::*;

const RULES: &str = r#"
[[webhook]]
key = "ops"
url = "http://127.0.0.1:9/hook"
secret = "s3cret"

[[rule]]
key = "is-sdf-surge"
kind = "surge"
dimension = "perpetrator"
value = "Islamic State"
measure = "claims"
test = "poisson"
channels = ["ops"]

[[rule]]
key = "al-hol"
kind = "site"
site = "al-hol-camp"

[[rule]]
key = "release-rising"
kind = "narrative_rising"
narrative = "detainee-release"
min_documents = 2

[[rule]]
key = "watch-hol"
kind = "watch"
keywords = ["al-Hol", "مخيم الهول"]
actors = ["Islamic State"]

[[rule]]
key = "deadly"
kind = "fatalities"
min_killed = 3
"#;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn weeks(counts: &[u64]) -> Vec<WeekCount> {
    let start = d("2019-09-16");
    counts
        .iter()
        .enumerate()
        .map(|(i, &c)| WeekCount {
            week: start + chrono::Duration::days(7 * i as i64),
            count: c,
            incidents: vec![IncidentId(100 + i as i64)],
            documents: vec![DocumentId(200 + i as i64)],
        })
        .collect()
}

#[test]
fn each_kind_fires_on_its_condition_with_a_dedup_key_and_evidence() {
    let rules = RuleSet::from_toml("alerts.toml", RULES).unwrap();
    let series = [
        WeeklySeries {
            dimension: "perpetrator".into(),
            value: "islamic state".into(),
            measure: Measure::Claims,
            weeks: weeks(&[10, 10, 10, 27, 12]),
        },
        // Same series, another measure: not this rule's.
        WeeklySeries {
            dimension: "perpetrator".into(),
            value: "Islamic State".into(),
            measure: Measure::Fatalities,
            weeks: weeks(&[1, 1, 1, 90]),
        },
    ];
    let incidents = [
        IncidentFacts {
            id: IncidentId(1),
            date: Some(d("2019-10-11")),
            sites: vec![],
            killed: Some(3),
            summary: "Double suicide bombing in Qamishli".into(),
            documents: vec![DocumentId(5)],
        },
        IncidentFacts {
            id: IncidentId(2),
            date: Some(d("2019-10-12")),
            sites: vec!["al-hol-camp".into()],
            killed: Some(2),
            summary: "Roadside bomb on the road to al-Hol camp".into(),
            documents: vec![DocumentId(6)],
        },
        IncidentFacts {
            id: IncidentId(3),
            killed: None,
            ..IncidentFacts::default()
        },
    ];
    let narratives = [NarrativeSeries {
        narrative: "detainee-release".into(),
        // The last week has one document after an empty baseline: below
        // min_documents.
        weeks: weeks(&[0, 0, 0, 3, 0, 0, 0, 1]),
    }];
    let documents = [
        DocumentFacts {
            id: DocumentId(10),
            text: "Families were moved to the AL-HOL camp.".into(),
            actors: vec![],
        },
        DocumentFacts {
            id: DocumentId(11),
            text: "نقل عائلات إلى مخيم الهول".into(),
            actors: vec!["islamic state".into()],
        },
        DocumentFacts {
            id: DocumentId(12),
            text: "The Holiday season; alHol".into(),
            actors: vec!["Syrian Democratic Forces".into()],
        },
    ];
    let at = Utc::now();
    let fired = evaluate(
        &rules,
        &Inputs {
            series: &series,
            incidents: &incidents,
            narratives: &narratives,
            documents: &documents,
        },
        at,
    );
    let keys: Vec<&str> = fired.iter().map(|a| a.dedup_key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "is-sdf-surge:perpetrator=islamic state:claims:2019-10-07",
            "al-hol:incident:2",
            "release-rising:detainee-release:2019-10-07",
            "watch-hol:doc:10",
            "watch-hol:doc:11",
            "deadly:incident:1",
        ]
    );
    let surge = &fired[0];
    assert_eq!(surge.kind, "surge");
    assert_eq!(surge.channels, ["ops"]);
    assert_eq!(surge.evidence.week, Some(d("2019-10-07")));
    assert_eq!(surge.evidence.incidents, [IncidentId(103)]);
    assert_eq!(surge.evidence.facts["count"], "27");
    assert_eq!(surge.evidence.facts["baseline"], "10.00");
    assert!(surge.title.contains("27 claims"), "{}", surge.title);
    assert!(surge.evidence.facts.contains_key("poisson_p"));
    assert_eq!(fired[1].evidence.incidents, [IncidentId(2)]);
    assert_eq!(fired[1].evidence.documents, [DocumentId(6)]);
    assert_eq!(fired[2].evidence.documents, [DocumentId(203)]);
    assert_eq!(
        fired[4].evidence.facts["matched"],
        "مخيم الهول, Islamic State"
    );
    assert!(fired.iter().all(|a| a.fired_at == at));

    // Pure: the same inputs give the same alerts.
    let again = evaluate(
        &rules,
        &Inputs {
            series: &series,
            incidents: &incidents,
            narratives: &narratives,
            documents: &documents,
        },
        at,
    );
    assert_eq!(again, fired);
    // Nothing in, nothing out.
    assert!(evaluate(&rules, &Inputs::default(), at).is_empty());
}

#[test]
fn a_volatile_history_does_not_fire_a_negative_binomial_rule() {
    let rules = RuleSet::from_toml(
        "a.toml",
        "[[rule]]\nkey = \"nb\"\nkind = \"surge\"\ndimension = \"target\"\nvalue = \"SDF\"\nmeasure = \"claims\"\ntest = \"negative_binomial\"\n",
    )
    .unwrap();
    let series = |counts: &[u64]| {
        [WeeklySeries {
            dimension: "target".into(),
            value: "SDF".into(),
            measure: Measure::Claims,
            weeks: weeks(counts),
        }]
    };
    let calm = series(&[10, 10, 10, 27]);
    let volatile = series(&[2, 25, 3, 27]);
    let fires = |s: &[WeeklySeries]| {
        evaluate(
            &rules,
            &Inputs {
                series: s,
                ..Inputs::default()
            },
            Utc::now(),
        )
        .len()
    };
    assert_eq!(fires(&calm), 1);
    assert_eq!(fires(&volatile), 0);
}

#[test]
fn bad_rules_name_file_line_field_and_fix() {
    let hook = "[[webhook]]\nkey = \"ops\"\nurl = \"http://x/\"\nsecret_env = \"S\"\n";
    let rows: &[(&str, String, usize, &str, &str)] = &[
        (
            "unknown kind",
            "[[rule]]\nkey = \"a\"\nkind = \"sites\"\n".into(),
            3,
            "kind",
            "unknown rule kind",
        ),
        (
            "missing kind",
            "[[rule]]\nkey = \"a\"\n".into(),
            1,
            "kind",
            "missing field",
        ),
        (
            "unknown field of the kind",
            "[[rule]]\nkey = \"a\"\nkind = \"site\"\nsite = \"x\"\nmin_killed = 3\n".into(),
            5,
            "min_killed",
            "unknown field",
        ),
        (
            "wrong type",
            "[[rule]]\nkey = \"a\"\nkind = \"fatalities\"\n\nmin_killed = \"three\"\n".into(),
            5,
            "min_killed",
            "",
        ),
        (
            "negative count: the field is named, not the value",
            "[[rule]]\nkey = \"a\"\nkind = \"fatalities\"\nmin_killed = -3\n".into(),
            4,
            "min_killed",
            "invalid value",
        ),
        (
            "unknown test",
            "[[rule]]\nkey = \"a\"\nkind = \"surge\"\ndimension = \"target\"\nvalue = \"SDF\"\ntest = \"chi2\"\n".into(),
            6,
            "test",
            "unknown surge test",
        ),
        (
            "alpha out of range",
            "[[rule]]\nkey = \"a\"\nkind = \"narrative_rising\"\nnarrative = \"n\"\nalpha = 5.0\n".into(),
            5,
            "alpha",
            "not between 0 and 1",
        ),
        (
            "unknown channel",
            format!("{hook}\n[[rule]]\nkey = \"a\"\nkind = \"site\"\nsite = \"x\"\nchannels = [\"pager\"]\n"),
            10,
            "channels",
            "no [[webhook]]",
        ),
        (
            "duplicate rule key",
            "[[rule]]\nkey = \"a\"\nkind = \"site\"\nsite = \"x\"\n[[rule]]\nkey = \"a\"\nkind = \"site\"\nsite = \"y\"\n".into(),
            6,
            "key",
            "used twice",
        ),
        (
            "watch of nothing",
            "[[rule]]\nkey = \"w\"\nkind = \"watch\"\n".into(),
            1,
            "keywords",
            "watches nothing",
        ),
        (
            "webhook without secret",
            "[[webhook]]\nkey = \"ops\"\nurl = \"http://x/\"\n".into(),
            1,
            "secret_env",
            "no signing secret",
        ),
        (
            "webhook url",
            "[[webhook]]\nkey = \"ops\"\nurl = \"ftp://x/\"\nsecret = \"s\"\n".into(),
            3,
            "url",
            "not an http(s) address",
        ),
        (
            "unknown list",
            "[[rules]]\nkey = \"a\"\n".into(),
            1,
            "rules",
            "unknown list",
        ),
    ];
    for (name, text, line, field, msg) in rows {
        let e = RuleSet::from_toml("alerts.toml", text).unwrap_err();
        assert_eq!(
            (e.line, e.field.as_deref()),
            (*line, Some(*field)),
            "{name}: {e}"
        );
        assert!(e.message.contains(msg), "{name}: {e}");
        assert!(
            e.to_string()
                .starts_with(&format!("alerts.toml:{line}: field `{field}`")),
            "{e}"
        );
        assert!(!e.fix.is_empty());
    }
}
