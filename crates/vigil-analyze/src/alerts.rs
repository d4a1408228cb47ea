//! Alerts: rules in a file, evaluated by a pure function over plain inputs
//! that the caller reads from the store, each firing with a dedup key (one
//! alert per condition) and its evidence.
//!
//! A rules file holds `[[rule]]` tables, each with a `kind`:
//!
//! | kind | fires for | dedup key |
//! |---|---|---|
//! | `surge` | a week of a named series (dimension = value, measure) that a surge test flags | rule, series, week |
//! | `site` | an incident attached to a watched site | rule, incident |
//! | `narrative_rising` | a week in which a narrative's documents rise against the weeks before | rule, narrative, week |
//! | `watch` | a new document naming a keyword or an actor | rule, document |
//! | `fatalities` | an incident with at least `min_killed` killed | rule, incident |
//!
//! and `[[webhook]]` tables, the channels rules deliver to (see
//! [`webhook`]). Every alert also goes to the log and the store's feed.
//!
//! ```
//! use vigil_analyze::alerts::{evaluate, Inputs, IncidentFacts, RuleSet};
//! let rules = RuleSet::from_toml("alerts.toml", r#"
//! [[rule]]
//! key = "deadly"
//! kind = "fatalities"
//! min_killed = 3
//! "#).unwrap();
//! let incidents = [IncidentFacts {
//!     id: vigil_model::IncidentId(7),
//!     date: chrono::NaiveDate::from_ymd_opt(2019, 10, 11),
//!     sites: vec![],
//!     killed: Some(3),
//!     summary: "Double suicide bombing in Qamishli".into(),
//!     documents: vec![],
//! }];
//! let inputs = Inputs { incidents: &incidents, ..Inputs::default() };
//! let fired = evaluate(&rules, &inputs, chrono::Utc::now());
//! assert_eq!(fired[0].dedup_key, "deadly:incident:7");
//! ```

pub mod webhook;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use vigil_extract::matcher::Matcher;
use vigil_extract::text::Text;
use vigil_model::{AlertEvidence, DocumentId, IncidentId, Measure, NewAlert};

use crate::file::{field_line, line_of, parse_table, read_tables, FileError, Located};
use crate::surge::{run_all, SurgeOptions};

pub use webhook::WebhookConfig;

/// The surge tests a rule may name.
const TESTS: &[&str] = &[
    "poisson",
    "negative_binomial",
    "ears_c1",
    "ears_c2",
    "ears_c3",
];

/// Fields every rule has.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Common {
    /// Short stable key: part of every dedup key, so renaming a rule fires
    /// its conditions again.
    pub key: String,
    /// The rule's kind.
    pub kind: String,
    /// Display name [default: the key].
    pub name: Option<String>,
    /// Keys of the `[[webhook]]` channels to deliver to (the log and the
    /// store's feed always get it).
    pub channels: Vec<String>,
}

/// `kind = "surge"`: a week of a weekly series that a surge test flags.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurgeRule {
    /// Short stable key.
    pub key: String,
    /// `"surge"`.
    pub kind: String,
    /// Display name.
    pub name: Option<String>,
    /// Webhook channels.
    #[serde(default)]
    pub channels: Vec<String>,
    /// The tally dimension (`perpetrator`, `target`, `event_type`,
    /// `province`, `site`, ...).
    pub dimension: String,
    /// The value along it (`Islamic State`, `Syrian Democratic Forces`).
    pub value: String,
    /// What is counted: incidents, claims or fatalities.
    #[serde(default)]
    pub measure: Measure,
    /// Only this test's verdict counts (poisson, negative_binomial,
    /// ears_c1, ears_c2, ears_c3) [default: any test].
    pub test: Option<String>,
    /// Tail probability below which poisson/negative_binomial flag [default: 0.01].
    pub alpha: Option<f64>,
    /// Weeks in the baseline [default: 3].
    pub baseline_weeks: Option<usize>,
}

/// `kind = "site"`: an incident at a watched site.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteRule {
    /// Short stable key.
    pub key: String,
    /// `"site"`.
    pub kind: String,
    /// Display name.
    pub name: Option<String>,
    /// Webhook channels.
    #[serde(default)]
    pub channels: Vec<String>,
    /// The site's key in the sites file (`al-hol-camp`).
    pub site: String,
}

/// `kind = "narrative_rising"`: a narrative's weekly documents rising.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NarrativeRule {
    /// Short stable key.
    pub key: String,
    /// `"narrative_rising"`.
    pub kind: String,
    /// Display name.
    pub name: Option<String>,
    /// Webhook channels.
    #[serde(default)]
    pub channels: Vec<String>,
    /// The narrative's key in the narratives file.
    pub narrative: String,
    /// Only this test's verdict counts [default: any test].
    pub test: Option<String>,
    /// Tail probability [default: 0.01].
    pub alpha: Option<f64>,
    /// Weeks in the baseline [default: 3].
    pub baseline_weeks: Option<usize>,
    /// A week with fewer documents never fires, whatever the tests say
    /// (after an empty baseline any document is a departure); the surge
    /// tests' `min_count` [default: 3, as theirs].
    #[serde(default = "default_min_documents")]
    pub min_documents: u64,
}

fn default_min_documents() -> u64 {
    SurgeOptions::default().min_count
}

/// `kind = "watch"`: a new document naming a keyword or an actor.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WatchRule {
    /// Short stable key.
    pub key: String,
    /// `"watch"`.
    pub kind: String,
    /// Display name.
    pub name: Option<String>,
    /// Webhook channels.
    #[serde(default)]
    pub channels: Vec<String>,
    /// Words or phrases, any language: matched as whole words of the
    /// normalized text, like narrative terms.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Actors' canonical names (`Islamic State`), matched against the
    /// actors the document's event reports name.
    #[serde(default)]
    pub actors: Vec<String>,
}

/// `kind = "fatalities"`: an incident with at least `min_killed` killed.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FatalitiesRule {
    /// Short stable key.
    pub key: String,
    /// `"fatalities"`.
    pub kind: String,
    /// Display name.
    pub name: Option<String>,
    /// Webhook channels.
    #[serde(default)]
    pub channels: Vec<String>,
    /// Fires at this many killed or more (the incident's best estimate).
    pub min_killed: u64,
}

/// One rule of a rules file.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// See [`SurgeRule`].
    Surge(SurgeRule),
    /// See [`SiteRule`].
    Site(SiteRule),
    /// See [`NarrativeRule`].
    NarrativeRising(NarrativeRule),
    /// See [`WatchRule`].
    Watch(WatchRule),
    /// See [`FatalitiesRule`].
    Fatalities(FatalitiesRule),
}

impl Rule {
    /// The fields every rule has.
    pub fn common(&self) -> Common {
        let (key, kind, name, channels) = match self {
            Rule::Surge(r) => (&r.key, &r.kind, &r.name, &r.channels),
            Rule::Site(r) => (&r.key, &r.kind, &r.name, &r.channels),
            Rule::NarrativeRising(r) => (&r.key, &r.kind, &r.name, &r.channels),
            Rule::Watch(r) => (&r.key, &r.kind, &r.name, &r.channels),
            Rule::Fatalities(r) => (&r.key, &r.kind, &r.name, &r.channels),
        };
        Common {
            key: key.clone(),
            kind: kind.clone(),
            name: name.clone(),
            channels: channels.clone(),
        }
    }

    /// The rule's key.
    pub fn key(&self) -> &str {
        match self {
            Rule::Surge(r) => &r.key,
            Rule::Site(r) => &r.key,
            Rule::NarrativeRising(r) => &r.key,
            Rule::Watch(r) => &r.key,
            Rule::Fatalities(r) => &r.key,
        }
    }
}

/// The rules and channels of a rules file, checked.
#[derive(Debug, Clone)]
pub struct RuleSet {
    rules: Vec<Rule>,
    webhooks: Vec<WebhookConfig>,
    /// Per watch rule: its keyword matcher.
    watchers: BTreeMap<String, Matcher<String>>,
}

#[derive(Deserialize)]
struct KindOnly {
    kind: Option<String>,
}

const RULE_FIX: &str = "a [[rule]] has key, kind (surge, site, narrative_rising, watch, fatalities), optional name and channels, and the fields of its kind (see data/demo/alerts.toml)";
const WEBHOOK_FIX: &str = "a [[webhook]] has key, url, secret_env (or secret), and optional timeout_ms, max_attempts, backoff_ms, backoff_factor, max_backoff_ms";

impl RuleSet {
    /// Reads and checks a rules file given as (name, text).
    pub fn from_toml(file: &str, text: &str) -> Result<RuleSet, FileError> {
        let err = |t: &Located<toml::Table>, field: &str, message: String, fix: &str| FileError {
            file: file.to_string(),
            line: field_line(text, (t.start, t.end), field),
            field: Some(field.to_string()),
            message,
            fix: fix.to_string(),
        };
        let mut rules = Vec::new();
        let mut webhooks = Vec::new();
        let mut rule_at = Vec::new();
        for (name, items) in read_tables(file, text)? {
            for t in items {
                match name.as_str() {
                    "rule" => {
                        let kind = parse_table::<KindOnly>(file, text, "rule", &t, RULE_FIX)?
                            .kind
                            .ok_or_else(|| {
                                err(
                                    &t,
                                    "kind",
                                    "missing field `kind`".into(),
                                    "add kind = \"surge\", \"site\", \"narrative_rising\", \"watch\" or \"fatalities\"",
                                )
                            })?;
                        let rule = match kind.as_str() {
                            "surge" => Rule::Surge(parse_table(file, text, "rule", &t, RULE_FIX)?),
                            "site" => Rule::Site(parse_table(file, text, "rule", &t, RULE_FIX)?),
                            "narrative_rising" => Rule::NarrativeRising(parse_table(
                                file, text, "rule", &t, RULE_FIX,
                            )?),
                            "watch" => Rule::Watch(parse_table(file, text, "rule", &t, RULE_FIX)?),
                            "fatalities" => {
                                Rule::Fatalities(parse_table(file, text, "rule", &t, RULE_FIX)?)
                            }
                            other => {
                                return Err(err(
                                    &t,
                                    "kind",
                                    format!("unknown rule kind {other:?}"),
                                    "use surge, site, narrative_rising, watch or fatalities",
                                ))
                            }
                        };
                        rules.push(rule);
                        rule_at.push(t);
                    }
                    "webhook" => {
                        let w: WebhookConfig = parse_table(file, text, "webhook", &t, WEBHOOK_FIX)?;
                        if let Err((field, message, fix)) = w.check() {
                            return Err(err(&t, field, message, fix));
                        }
                        if webhooks.iter().any(|o: &WebhookConfig| o.key == w.key) {
                            return Err(err(
                                &t,
                                "key",
                                format!("webhook key {:?} is used twice", w.key),
                                "give each webhook its own key",
                            ));
                        }
                        webhooks.push(w);
                    }
                    other => {
                        return Err(FileError {
                            file: file.to_string(),
                            line: line_of(text, t.start),
                            field: Some(other.to_string()),
                            message: format!("unknown list [[{other}]]"),
                            fix: "use [[rule]] and [[webhook]] tables only".into(),
                        })
                    }
                }
            }
        }
        let mut keys = BTreeSet::new();
        let mut watchers = BTreeMap::new();
        for (rule, t) in rules.iter().zip(&rule_at) {
            let c = rule.common();
            if c.key.is_empty()
                || !c
                    .key
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
            {
                return Err(err(
                    t,
                    "key",
                    format!("rule key {:?} is not a short key", c.key),
                    "use letters, digits, dashes and underscores",
                ));
            }
            if !keys.insert(c.key.clone()) {
                return Err(err(
                    t,
                    "key",
                    format!("rule key {:?} is used twice", c.key),
                    "give each rule its own key",
                ));
            }
            for ch in &c.channels {
                if !webhooks.iter().any(|w| &w.key == ch) {
                    return Err(err(
                        t,
                        "channels",
                        format!(
                            "rule {:?} names channel {ch:?}, which no [[webhook]] defines",
                            c.key
                        ),
                        "add a [[webhook]] with that key or remove it from channels",
                    ));
                }
            }
            let (test, alpha, weeks) = match rule {
                Rule::Surge(r) => (&r.test, r.alpha, r.baseline_weeks),
                Rule::NarrativeRising(r) => (&r.test, r.alpha, r.baseline_weeks),
                _ => (&None, None, None),
            };
            if let Some(test) = test {
                if !TESTS.contains(&test.as_str()) {
                    return Err(err(
                        t,
                        "test",
                        format!("unknown surge test {test:?}"),
                        "use poisson, negative_binomial, ears_c1, ears_c2 or ears_c3, or leave it out for any",
                    ));
                }
            }
            if let Some(a) = alpha {
                if !(a > 0.0 && a < 1.0) {
                    return Err(err(
                        t,
                        "alpha",
                        format!("alpha {a} is not between 0 and 1"),
                        "use a tail probability such as 0.01",
                    ));
                }
            }
            if weeks == Some(0) {
                return Err(err(
                    t,
                    "baseline_weeks",
                    "baseline_weeks is 0".into(),
                    "use 1 or more (3 is usual)",
                ));
            }
            match rule {
                Rule::Surge(r) if r.dimension.trim().is_empty() || r.value.trim().is_empty() => {
                    return Err(err(
                        t,
                        if r.dimension.trim().is_empty() {
                            "dimension"
                        } else {
                            "value"
                        },
                        "a surge rule needs a series".into(),
                        "set dimension (e.g. \"perpetrator\") and value (e.g. \"Islamic State\")",
                    ))
                }
                Rule::Site(r) if r.site.trim().is_empty() => {
                    return Err(err(
                        t,
                        "site",
                        "empty site key".into(),
                        "name a site of the sites file",
                    ))
                }
                Rule::NarrativeRising(r) if r.narrative.trim().is_empty() => {
                    return Err(err(
                        t,
                        "narrative",
                        "empty narrative key".into(),
                        "name a narrative of the narratives file",
                    ))
                }
                Rule::Watch(r) => {
                    if r.keywords.is_empty() && r.actors.is_empty() {
                        return Err(err(
                            t,
                            "keywords",
                            format!("watch rule {:?} watches nothing", r.key),
                            "list keywords and/or actors",
                        ));
                    }
                    if let Some(k) = r
                        .keywords
                        .iter()
                        .find(|k| vigil_extract::matcher::joined(k).is_empty())
                    {
                        return Err(err(
                            t,
                            "keywords",
                            format!("keyword {k:?} has no words"),
                            "remove it or write its words",
                        ));
                    }
                    watchers.insert(
                        r.key.clone(),
                        Matcher::new(r.keywords.iter().map(|k| (k.clone(), k.clone()))),
                    );
                }
                _ => {}
            }
        }
        Ok(RuleSet {
            rules,
            webhooks,
            watchers,
        })
    }

    /// The rules, in file order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The webhook channels.
    pub fn webhooks(&self) -> &[WebhookConfig] {
        &self.webhooks
    }

    /// A webhook channel by key.
    pub fn webhook(&self, key: &str) -> Option<&WebhookConfig> {
        self.webhooks.iter().find(|w| w.key == key)
    }
}

/// One week of a series.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WeekCount {
    /// First day of the week.
    pub week: NaiveDate,
    /// The count.
    pub count: u64,
    /// Incidents behind the count (evidence; may be empty).
    pub incidents: Vec<IncidentId>,
    /// Documents behind the count (evidence; may be empty).
    pub documents: Vec<DocumentId>,
}

/// A weekly series of a tally: consecutive weeks, oldest first, weeks
/// with nothing counted as 0.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeeklySeries {
    /// The dimension (`perpetrator`, `target`, ...).
    pub dimension: String,
    /// Its value (`Islamic State`).
    pub value: String,
    /// What is counted.
    pub measure: Measure,
    /// The weeks.
    pub weeks: Vec<WeekCount>,
}

/// A narrative's weekly documents: consecutive weeks, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NarrativeSeries {
    /// The narrative's key.
    pub narrative: String,
    /// The weeks (`documents` holds the documents carrying it).
    pub weeks: Vec<WeekCount>,
}

/// What the site and fatalities rules read of an incident.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IncidentFacts {
    /// The incident.
    pub id: IncidentId,
    /// Its best date.
    pub date: Option<NaiveDate>,
    /// Keys of the watched sites it is attached to.
    pub sites: Vec<String>,
    /// Its best (conservative) killed count.
    pub killed: Option<u64>,
    /// One line describing it, for the alert's title.
    pub summary: String,
    /// Its reports' documents (evidence).
    pub documents: Vec<DocumentId>,
}

/// What a watch rule reads of a new document.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DocumentFacts {
    /// The document.
    pub id: DocumentId,
    /// Its text.
    pub text: String,
    /// Canonical names of the actors its event reports name.
    pub actors: Vec<String>,
}

/// Everything rules are evaluated over; each part may be empty (rules of
/// kinds whose input is empty fire nothing).
#[derive(Debug, Clone, Copy, Default)]
pub struct Inputs<'a> {
    /// Weekly tally series, for `surge` rules.
    pub series: &'a [WeeklySeries],
    /// Incidents, for `site` and `fatalities` rules.
    pub incidents: &'a [IncidentFacts],
    /// Narrative weekly documents, for `narrative_rising` rules.
    pub narratives: &'a [NarrativeSeries],
    /// Documents not yet seen by the watch rules, for `watch` rules.
    pub documents: &'a [DocumentFacts],
}

fn surge_opts(alpha: Option<f64>, weeks: Option<usize>) -> SurgeOptions {
    let d = SurgeOptions::default();
    SurgeOptions {
        alpha: alpha.unwrap_or(d.alpha),
        baseline_weeks: weeks.unwrap_or(d.baseline_weeks),
        ..d
    }
}

/// Which weeks of `weeks` the tests flag: (index, flagging test, facts).
fn flagged_weeks(
    weeks: &[WeekCount],
    opts: &SurgeOptions,
    test: Option<&str>,
    min_count: u64,
) -> Vec<(usize, BTreeMap<String, String>)> {
    let counts: Vec<u64> = weeks.iter().map(|w| w.count).collect();
    let mut out = Vec::new();
    for i in 0..counts.len() {
        if counts[i] < min_count.max(1) {
            continue;
        }
        let results = run_all(&counts[..=i], opts);
        let hits: Vec<_> = results
            .iter()
            .filter(|r| r.surge && test.is_none_or(|t| r.test == t))
            .collect();
        let Some(first) = hits.first() else { continue };
        let mut facts = BTreeMap::new();
        facts.insert("count".into(), first.count.to_string());
        facts.insert("baseline".into(), format!("{:.2}", first.baseline));
        facts.insert(
            "tests".into(),
            hits.iter().map(|r| r.test).collect::<Vec<_>>().join(","),
        );
        for r in &hits {
            if let Some(p) = r.p_value {
                facts.insert(format!("{}_p", r.test), format!("{p:.3e}"));
            }
            if let Some(z) = r.z {
                facts.insert(format!("{}_z", r.test), format!("{z:.2}"));
            }
        }
        out.push((i, facts));
    }
    out
}

/// Evaluates every rule over the inputs. Pure: the same rules and inputs
/// give the same alerts (with `fired_at` as given); the store keeps one
/// alert per dedup key, so evaluating again fires nothing new.
pub fn evaluate(rules: &RuleSet, inputs: &Inputs<'_>, fired_at: DateTime<Utc>) -> Vec<NewAlert> {
    let mut out = Vec::new();
    for rule in &rules.rules {
        let c = rule.common();
        let label = c.name.clone().unwrap_or_else(|| c.key.clone());
        let mut fire = |dedup_key: String, title: String, evidence: AlertEvidence| {
            out.push(NewAlert {
                rule: c.key.clone(),
                kind: c.kind.clone(),
                dedup_key,
                title: format!("{label}: {title}"),
                evidence,
                fired_at,
                channels: c.channels.clone(),
            });
        };
        match rule {
            Rule::Surge(r) => {
                let opts = surge_opts(r.alpha, r.baseline_weeks);
                for s in inputs.series.iter().filter(|s| {
                    s.measure == r.measure
                        && s.dimension.eq_ignore_ascii_case(&r.dimension)
                        && s.value.eq_ignore_ascii_case(&r.value)
                }) {
                    let series = format!("{}={}:{}", s.dimension, s.value, s.measure.as_str());
                    for (i, facts) in flagged_weeks(&s.weeks, &opts, r.test.as_deref(), 1) {
                        let w = &s.weeks[i];
                        fire(
                            format!("{}:{series}:{}", r.key, w.week),
                            format!(
                                "{} {} ({}) in the week of {}, against a baseline of {} a week (flagged by {})",
                                w.count,
                                s.measure.as_str(),
                                format_args!("{} = {}", s.dimension, s.value),
                                w.week,
                                facts["baseline"],
                                facts["tests"]
                            ),
                            AlertEvidence {
                                documents: w.documents.clone(),
                                incidents: w.incidents.clone(),
                                week: Some(w.week),
                                series: Some(series.clone()),
                                facts,
                            },
                        );
                    }
                }
            }
            Rule::NarrativeRising(r) => {
                let opts = SurgeOptions {
                    min_count: r.min_documents,
                    ..surge_opts(r.alpha, r.baseline_weeks)
                };
                for s in inputs
                    .narratives
                    .iter()
                    .filter(|s| s.narrative == r.narrative)
                {
                    for (i, facts) in
                        flagged_weeks(&s.weeks, &opts, r.test.as_deref(), r.min_documents)
                    {
                        let w = &s.weeks[i];
                        fire(
                            format!("{}:{}:{}", r.key, s.narrative, w.week),
                            format!(
                                "{} documents carrying {} in the week of {}, against a baseline of {} a week (flagged by {})",
                                w.count, s.narrative, w.week, facts["baseline"], facts["tests"]
                            ),
                            AlertEvidence {
                                documents: w.documents.clone(),
                                incidents: w.incidents.clone(),
                                week: Some(w.week),
                                series: Some(format!("narrative={}", s.narrative)),
                                facts,
                            },
                        );
                    }
                }
            }
            Rule::Site(r) => {
                for i in inputs
                    .incidents
                    .iter()
                    .filter(|i| i.sites.iter().any(|s| s == &r.site))
                {
                    fire(
                        format!("{}:incident:{}", r.key, i.id),
                        format!(
                            "incident {} at {}{}: {}",
                            i.id,
                            r.site,
                            i.date.map(|d| format!(" on {d}")).unwrap_or_default(),
                            i.summary
                        ),
                        incident_evidence(i, &r.site),
                    );
                }
            }
            Rule::Fatalities(r) => {
                for i in inputs
                    .incidents
                    .iter()
                    .filter(|i| i.killed.is_some_and(|k| k >= r.min_killed))
                {
                    fire(
                        format!("{}:incident:{}", r.key, i.id),
                        format!(
                            "incident {} with {} killed{}: {}",
                            i.id,
                            i.killed.unwrap_or(0),
                            i.date.map(|d| format!(" on {d}")).unwrap_or_default(),
                            i.summary
                        ),
                        incident_evidence(i, ""),
                    );
                }
            }
            Rule::Watch(r) => {
                let matcher = rules.watchers.get(&r.key);
                for d in inputs.documents {
                    let mut found: Vec<String> = Vec::new();
                    if let Some(m) = matcher.filter(|m| !m.is_empty()) {
                        let t = Text::new(&d.text);
                        for hit in m.find(&t, 0..t.tokens.len()) {
                            if !found.contains(hit.value) {
                                found.push(hit.value.clone());
                            }
                        }
                    }
                    for a in &r.actors {
                        if d.actors.iter().any(|x| x.eq_ignore_ascii_case(a)) && !found.contains(a)
                        {
                            found.push(a.clone());
                        }
                    }
                    if found.is_empty() {
                        continue;
                    }
                    let mut facts = BTreeMap::new();
                    facts.insert("matched".into(), found.join(", "));
                    fire(
                        format!("{}:doc:{}", r.key, d.id),
                        format!("document {} names {}", d.id, found.join(", ")),
                        AlertEvidence {
                            documents: vec![d.id],
                            facts,
                            ..AlertEvidence::default()
                        },
                    );
                }
            }
        }
    }
    out
}

fn incident_evidence(i: &IncidentFacts, site: &str) -> AlertEvidence {
    let mut facts = BTreeMap::new();
    if let Some(k) = i.killed {
        facts.insert("killed".into(), k.to_string());
    }
    if !site.is_empty() {
        facts.insert("site".into(), site.to_string());
    }
    AlertEvidence {
        documents: i.documents.clone(),
        incidents: vec![i.id],
        week: None,
        series: None,
        facts,
    }
}

#[cfg(test)]
mod tests;
