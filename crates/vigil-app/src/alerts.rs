//! Alerts: rules evaluated over the store, alerts written with their
//! pending deliveries in one transaction (the outbox), and a separate
//! delivery pass that sends them.
//!
//! Delivery never runs inside ingestion or `check`: a webhook that hangs or
//! answers 500 only delays [`deliver`], which bounds each attempt by the
//! channel's timeout and the whole pass by `max_wait`. A pass killed
//! midway leaves the rest pending for the next one; a POST whose answer
//! was not yet recorded is sent again (the receiver can drop the repeat by
//! the alert's `dedup_key`).

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::Serialize;
use vigil_analyze::alerts::webhook::Webhook;
use vigil_analyze::alerts::{
    evaluate, DocumentFacts, IncidentFacts, Inputs, NarrativeSeries, Rule, RuleSet, WeekCount,
    WeeklySeries,
};
use vigil_analyze::narratives::{weekly, NarrativeSet, WeeklyOptions};
use vigil_model::{AlertId, DeliveryAttempt, DeliveryStatus, DocumentId, NewAlert};
use vigil_store::Store;

/// The demo's rules file, used when no rules file is given.
pub const BUNDLED: (&str, &str) = (
    "data/demo/alerts.toml",
    include_str!("../../../data/demo/alerts.toml"),
);

/// Reads a rules file, or the bundled one.
pub fn load_rules(file: Option<&Path>) -> anyhow::Result<RuleSet> {
    match file {
        None => {
            RuleSet::from_toml(BUNDLED.0, BUNDLED.1).context("the bundled rules file is broken")
        }
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading the rules file {}", path.display()))?;
            RuleSet::from_toml(&path.display().to_string(), &text)
                .context("the rules file cannot be used")
        }
    }
}

/// What a check did.
#[derive(Debug, Default, Serialize)]
pub struct CheckSummary {
    /// (id, title) of each alert recorded now.
    pub new_alerts: Vec<(AlertId, String)>,
    /// Firings whose condition already had an alert.
    pub already_recorded: u64,
    /// Documents read by the watch rules.
    pub documents_watched: u64,
    /// What was not evaluated, and why.
    pub notes: Vec<String>,
}

/// The cursor of the watch rules: the last document they have read.
/// One for all watch rules, so that "new" means new since the last check
/// (a rule added later watches from then on, not the whole archive).
const WATCH_CURSOR: &str = "watch";

/// Documents the watch rules read per step; the cursor moves after each
/// step's alerts are stored, so a killed check resumes there.
const WATCH_PAGE: usize = 500;

/// Evaluates the rules over the store (narrative tags, new documents) and
/// over the series and incidents given, and records new alerts with their
/// deliveries. Running it again records nothing new.
pub fn check<S: Store + ?Sized>(
    store: &mut S,
    rules: &RuleSet,
    narratives: &NarrativeSet,
    series: &[WeeklySeries],
    incidents: &[IncidentFacts],
    now: DateTime<Utc>,
) -> anyhow::Result<CheckSummary> {
    let mut summary = CheckSummary::default();
    let kinds: Vec<&Rule> = rules.rules().iter().collect();
    let count = |f: fn(&Rule) -> bool| kinds.iter().filter(|r| f(r)).count();
    let unfed = count(|r| matches!(r, Rule::Surge(_))) * usize::from(series.is_empty())
        + count(|r| matches!(r, Rule::Site(_) | Rule::Fatalities(_)))
            * usize::from(incidents.is_empty());
    if unfed > 0 {
        summary.notes.push(format!(
            "{unfed} surge/site/fatalities rule(s) not evaluated: no weekly series or incidents were given to them"
        ));
    }

    // Series, incidents and narratives: one evaluation.
    let narrative_series = narrative_inputs(store, rules, narratives)?;
    let fired = evaluate(
        rules,
        &Inputs {
            series,
            incidents,
            narratives: &narrative_series,
            documents: &[],
        },
        now,
    );
    record(store, &fired, &mut summary)?;

    // Watch rules: new documents, page by page.
    if rules.rules().iter().any(|r| matches!(r, Rule::Watch(_))) {
        let mut after = store.alert_cursor(WATCH_CURSOR)?.unwrap_or(DocumentId(0));
        loop {
            let ids = store.document_ids(after, WATCH_PAGE)?;
            let Some(&last) = ids.last() else { break };
            let mut docs = Vec::with_capacity(ids.len());
            for id in ids {
                let Some(doc) = store.document(id)? else {
                    continue;
                };
                let mut actors: Vec<String> = Vec::new();
                for r in store.reports(id)? {
                    for a in r.perpetrators.iter().chain(&r.targets) {
                        if let Some(c) = &a.canonical {
                            if !actors.contains(c) {
                                actors.push(c.clone());
                            }
                        }
                    }
                }
                docs.push(DocumentFacts {
                    id,
                    text: doc.text,
                    actors,
                });
            }
            summary.documents_watched += docs.len() as u64;
            let fired = evaluate(
                rules,
                &Inputs {
                    documents: &docs,
                    ..Inputs::default()
                },
                now,
            );
            record(store, &fired, &mut summary)?;
            store.set_alert_cursor(WATCH_CURSOR, last)?;
            after = last;
        }
    }
    Ok(summary)
}

/// `vigil alerts check` over a store: every rule against the store's
/// weekly series, incidents, narrative tags and new documents. Records
/// alerts and their pending deliveries; sends nothing.
pub fn check_store<S: Store + ?Sized>(
    store: &mut S,
    rules: &RuleSet,
    narratives: &NarrativeSet,
    now: DateTime<Utc>,
) -> anyhow::Result<CheckSummary> {
    let series = surge_inputs(store, rules)?;
    let incidents = incident_inputs(store)?;
    check(store, rules, narratives, &series, &incidents, now)
}

/// Every stored incident as the site and fatalities rules read it: its
/// sites, its conservative killed count, and its reports' documents.
/// The weekly series each surge rule watches, from the store's incidents:
/// every ISO week from the first incident's to the last's, zeros included,
/// with the incidents behind each count.
fn surge_inputs<S: Store + ?Sized>(
    store: &S,
    rules: &RuleSet,
) -> anyhow::Result<Vec<WeeklySeries>> {
    use vigil_analyze::tally::{tally, TallyQuery};
    use vigil_model::{Dimension, WeekStart};
    let Some((from, to)) = vigil_store::incident_span(store)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for rule in rules.rules() {
        let Rule::Surge(r) = rule else { continue };
        let dimension: Dimension = r
            .dimension
            .parse()
            .with_context(|| format!("rule {:?}: field `dimension` cannot be tallied", r.key))?;
        let q = TallyQuery {
            measure: r.measure,
            by: None,
            filters: vigil_analyze::incident::canonical_filters(vec![(dimension, r.value.clone())]),
            week_start: WeekStart::Monday,
            from,
            to,
        };
        let rows = store.tally_rows_where(Some(from), Some(to), &q.filters)?;
        let Some(series) = tally(&rows, &q).into_iter().next() else {
            continue;
        };
        out.push(WeeklySeries {
            dimension: r.dimension.clone(),
            value: r.value.clone(),
            measure: r.measure,
            weeks: series
                .weeks
                .into_iter()
                .map(|w| WeekCount {
                    week: w.start,
                    count: w.value,
                    incidents: w.incidents,
                    documents: Vec::new(),
                })
                .collect(),
        });
    }
    Ok(out)
}

fn incident_inputs<S: Store + ?Sized>(store: &S) -> anyhow::Result<Vec<IncidentFacts>> {
    use vigil_store::{incident_page_after, IncidentFilter, IncidentSort};
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = store.list_incidents(&IncidentFilter {
            sort: IncidentSort::Id,
            after: after.clone(),
            limit: 1000,
            ..IncidentFilter::default()
        })?;
        let Some(last) = page.last() else { break };
        after = Some(incident_page_after(last, IncidentSort::Id));
        for i in page {
            let mut documents: Vec<DocumentId> = Vec::new();
            for r in &i.reports {
                if let Some(report) = store.report(*r)? {
                    if !documents.contains(&report.document_id) {
                        documents.push(report.document_id);
                    }
                }
            }
            let place = i.place.as_ref().map(|p| format!(" in {}", p.label()));
            out.push(IncidentFacts {
                id: i.id,
                date: i.date.as_ref().map(|d| d.date),
                sites: i.sites.clone(),
                killed: i.counts.killed.map(|c| u64::from(c.value)),
                summary: format!(
                    "{}{}",
                    i.sub_event_type.to_string().replace('_', " "),
                    place.unwrap_or_default()
                ),
                documents,
            });
        }
    }
    Ok(out)
}

/// The weekly documents of every narrative a rule names, with the
/// documents of each week as evidence.
fn narrative_inputs<S: Store + ?Sized>(
    store: &S,
    rules: &RuleSet,
    narratives: &NarrativeSet,
) -> anyhow::Result<Vec<NarrativeSeries>> {
    let keys: Vec<String> = rules
        .rules()
        .iter()
        .filter_map(|r| match r {
            Rule::NarrativeRising(n) => Some(n.narrative.clone()),
            _ => None,
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    for k in &keys {
        if !narratives.narratives().iter().any(|n| &n.key == k) {
            anyhow::bail!(
                "a narrative_rising rule names narrative {k:?}, which the narratives file does not define"
            );
        }
    }
    let counts = store.narrative_day_counts(None, None)?;
    let rows = weekly(&counts, &keys, &WeeklyOptions::default());
    let mut out: BTreeMap<String, Vec<WeekCount>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.source_kind.is_none()) {
        let documents = if r.documents > 0 {
            let mut ids = store.narrative_documents(
                &r.narrative,
                r.week,
                r.week + chrono::Duration::days(6),
            )?;
            ids.truncate(100);
            ids
        } else {
            Vec::new()
        };
        out.entry(r.narrative.clone()).or_default().push(WeekCount {
            week: r.week,
            count: r.documents,
            incidents: Vec::new(),
            documents,
        });
    }
    Ok(out
        .into_iter()
        .map(|(narrative, weeks)| NarrativeSeries { narrative, weeks })
        .collect())
}

/// Stores each firing (one alert per dedup key) and logs the new ones.
fn record<S: Store + ?Sized>(
    store: &mut S,
    fired: &[NewAlert],
    summary: &mut CheckSummary,
) -> anyhow::Result<()> {
    for a in fired {
        match store
            .insert_alert(a)
            .with_context(|| format!("recording alert {}", a.dedup_key))?
        {
            Some(stored) => {
                tracing::warn!(
                    alert = %stored.id,
                    rule = %stored.rule,
                    kind = %stored.kind,
                    dedup_key = %stored.dedup_key,
                    "alert: {}",
                    stored.title
                );
                summary.new_alerts.push((stored.id, stored.title));
            }
            None => summary.already_recorded += 1,
        }
    }
    Ok(())
}

/// How a delivery pass runs.
#[derive(Debug, Clone)]
pub struct DeliverOptions {
    /// Longest the pass waits for retries to fall due.
    pub max_wait: Duration,
}

/// What a delivery pass did.
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct DeliverSummary {
    /// POSTs made.
    pub attempts: u64,
    /// Deliveries accepted.
    pub delivered: u64,
    /// Failed attempts with a retry scheduled.
    pub retrying: u64,
    /// Deliveries given up (dead letters).
    pub dead: u64,
    /// Deliveries whose channel is missing from the rules or unusable.
    pub skipped: u64,
    /// Deliveries left pending when the pass ended.
    pub pending: u64,
}

/// At most this many pending deliveries are looked at to find the next
/// retry (the outbox is small: deliveries leave it on success or death).
const PENDING_LIMIT: usize = 10_000;

/// Sends the pending deliveries that are due, and those falling due
/// within `max_wait`, recording every attempt.
pub fn deliver<S: Store + ?Sized>(
    store: &mut S,
    rules: &RuleSet,
    opts: &DeliverOptions,
) -> anyhow::Result<DeliverSummary> {
    let started = Instant::now();
    let mut summary = DeliverSummary::default();
    let mut hooks: BTreeMap<String, Result<Webhook, String>> = BTreeMap::new();
    let mut skipped: HashSet<i64> = HashSet::new();
    loop {
        let due: Vec<_> = store
            .due_deliveries(Utc::now(), 100)?
            .into_iter()
            .filter(|d| !skipped.contains(&d.id))
            .collect();
        if due.is_empty() {
            // The next retry falling due, among the deliveries this pass
            // can send.
            let next = store
                .due_deliveries(DateTime::<Utc>::MAX_UTC, PENDING_LIMIT)?
                .into_iter()
                .filter(|d| !skipped.contains(&d.id))
                .map(|d| d.next_attempt_at)
                .min();
            let wait = next.map(|t| (t - Utc::now()).to_std().unwrap_or_default());
            match wait {
                Some(w) if started.elapsed() + w <= opts.max_wait => {
                    std::thread::sleep(w);
                    continue;
                }
                _ => break,
            }
        }
        for d in due {
            let hook = hooks.entry(d.channel.clone()).or_insert_with(|| {
                rules
                    .webhook(&d.channel)
                    .ok_or_else(|| format!("channel {:?} is not in the rules file", d.channel))
                    .and_then(Webhook::build)
            });
            let hook = match hook {
                Ok(h) => h,
                Err(e) => {
                    tracing::warn!(delivery = d.id, channel = %d.channel, "not delivered: {e}");
                    skipped.insert(d.id);
                    summary.skipped += 1;
                    continue;
                }
            };
            let at = Utc::now();
            let outcome = hook.send(&d.payload, d.id);
            summary.attempts += 1;
            let attempts = d.attempts + 1;
            let cfg = hook.config();
            let (status, next) = if outcome.error.is_none() {
                (DeliveryStatus::Delivered, at)
            } else if attempts >= cfg.max_attempts {
                (DeliveryStatus::Dead, at)
            } else {
                let wait = chrono::Duration::from_std(cfg.backoff(attempts))
                    .unwrap_or(chrono::Duration::zero());
                (DeliveryStatus::Pending, Utc::now() + wait)
            };
            store.record_delivery_attempt(
                d.id,
                &DeliveryAttempt {
                    at,
                    http_status: outcome.http_status,
                    error: outcome.error.clone(),
                    status,
                    next_attempt_at: next,
                },
            )?;
            match status {
                DeliveryStatus::Delivered => summary.delivered += 1,
                DeliveryStatus::Pending => {
                    summary.retrying += 1;
                    tracing::info!(
                        delivery = d.id,
                        channel = %d.channel,
                        attempts,
                        "delivery failed, retry at {next}: {}",
                        outcome.error.as_deref().unwrap_or_default()
                    );
                }
                DeliveryStatus::Dead => {
                    summary.dead += 1;
                    tracing::error!(
                        delivery = d.id,
                        alert = %d.alert_id,
                        channel = %d.channel,
                        attempts,
                        "dead letter after the last attempt: {}",
                        outcome.error.as_deref().unwrap_or_default()
                    );
                }
            }
        }
    }
    summary.pending = store
        .due_deliveries(DateTime::<Utc>::MAX_UTC, PENDING_LIMIT)?
        .len() as u64;
    Ok(summary)
}

#[cfg(test)]
mod tests;
