//! Linking the store's reports into incidents, incrementally.
//!
//! A link reads only what changed: the reports in no incident yet, and the
//! incidents one of whose reports was re-extracted. It takes the days they
//! span, widened by a margin, in windows of a few weeks; in each window it
//! reads the reports dated there or within the margin before, every
//! incident that holds one of them (whole), and every report an analyst's
//! decision ties to them, relinks that set and replaces those incidents in
//! one transaction. (A report dated only to a month is read by the window
//! of its first day: it links with reports of that window.) Relinking the
//! same store again changes nothing; a link killed half-way leaves whole
//! windows done and the rest still in the backlog, so a rerun completes it.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{Days, NaiveDate};
use vigil_model::{Decision, DocumentId, IncidentId, ReportId};
use vigil_store::{LinkInput, Store, StoreError};

use crate::incident::{build, site_distance};
use crate::link::LinkOptions;
use crate::sites::named_in;

/// Settings of a link run.
#[derive(Debug, Clone)]
pub struct RelinkOptions {
    /// How reports are compared.
    pub link: LinkOptions,
    /// Relink every report, not only what changed.
    pub full: bool,
    /// Days per window (memory grows with the reports in one window).
    pub window_days: u64,
}

impl Default for RelinkOptions {
    fn default() -> Self {
        RelinkOptions {
            link: LinkOptions::default(),
            full: false,
            window_days: 56,
        }
    }
}

/// What a link run did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RelinkSummary {
    /// Reports that were in no incident before the run.
    pub new_reports: u64,
    /// Reports read and relinked (new ones and those of incidents redone).
    pub reports_relinked: u64,
    /// Incidents removed (replaced by those written).
    pub incidents_removed: u64,
    /// Incidents written.
    pub incidents_written: u64,
    /// Windows of days processed.
    pub windows: u64,
}

/// How many times a window is read again when a re-extraction in another
/// process replaced reports it was linking.
const STALE_RETRIES: u32 = 20;

/// Links what changed (or everything, with `full`); `progress` is called
/// after each window with (windows done, windows in all). Waits while
/// another process links the same store.
pub fn relink<S: Store + ?Sized>(
    store: &mut S,
    opts: &RelinkOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<RelinkSummary, StoreError> {
    relink_waiting(store, opts, progress, &mut || {})
}

/// [`relink`], calling `waiting` once if another process is linking the
/// store and this run waits for it to finish (one link at a time: two
/// would each replace the incidents the other wrote). Documents ingested
/// and extracted meanwhile are linked by the next run.
pub fn relink_waiting<S: Store + ?Sized>(
    store: &mut S,
    opts: &RelinkOptions,
    progress: &mut dyn FnMut(u64, u64),
    waiting: &mut dyn FnMut(),
) -> Result<RelinkSummary, StoreError> {
    let _lock = store.lock_linking(waiting)?;
    let decisions = store.decisions()?;
    let sites = store.sites()?;
    if opts.full {
        // Everything back to the backlog; each window then redoes its part,
        // and incidents keep their ids.
        store.mark_incidents_dirty()?;
    }
    let backlog = store.link_backlog()?;
    let mut summary = RelinkSummary {
        new_reports: backlog.unlinked,
        ..RelinkSummary::default()
    };
    // Far enough to reach every report a new one may link with.
    let margin = Days::new(opts.link.max_days.max(0) as u64 + 7);
    let mut windows: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    if let Some((first, last)) = backlog.days {
        let (first, last) = (first - margin, last + margin);
        let mut start = first;
        while start <= last {
            let end = (start + Days::new(opts.window_days.max(1) - 1)).min(last);
            windows.push((start, end));
            start = end + Days::new(1);
        }
    }
    let total = windows.len() as u64 + 1;
    for (n, &(start, end)) in windows.iter().enumerate() {
        // From `margin` before the window: the reports the window's own may
        // link with, whose incidents are then redone whole.
        for attempt in 1.. {
            let inputs = store.link_inputs(Some((start - margin, end)))?;
            match relink_set(store, inputs, &[], &decisions, &sites, opts, &mut summary) {
                Err(StoreError::Stale(_)) if attempt < STALE_RETRIES => {}
                done => {
                    done?;
                    break;
                }
            }
        }
        summary.windows += 1;
        progress(n as u64 + 1, total);
    }
    // Undated reports, and incidents left to redo that no window reached
    // (all their reports gone).
    for attempt in 1.. {
        let backlog = store.link_backlog()?;
        let undated = store.link_inputs_of(&backlog.undated, &[])?;
        let done = relink_set(
            store,
            undated,
            &backlog.dirty,
            &decisions,
            &sites,
            opts,
            &mut summary,
        );
        match done {
            Err(StoreError::Stale(_)) if attempt < STALE_RETRIES => {}
            done => {
                done?;
                break;
            }
        }
    }
    progress(total, total);
    Ok(summary)
}

/// For reports placed near a site, the sites their document names.
fn named_sites<S: Store + ?Sized>(
    store: &S,
    inputs: &[LinkInput],
    sites: &[vigil_model::Site],
) -> Result<HashMap<ReportId, Vec<String>>, StoreError> {
    let mut out: HashMap<ReportId, Vec<String>> = HashMap::new();
    let mut texts: HashMap<DocumentId, Vec<String>> = HashMap::new();
    for i in inputs {
        let Some(place) = &i.report.place else {
            continue;
        };
        let near: Vec<&vigil_model::Site> = sites
            .iter()
            .filter(|s| site_distance(place, s).is_some_and(|km| km <= s.named_km))
            .collect();
        if near.is_empty() {
            continue;
        }
        let doc = i.report.document_id;
        let named = match texts.entry(doc) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(match store.document(doc)? {
                    Some(d) => named_in(&d.normalized, sites),
                    None => Vec::new(),
                })
            }
        };
        let keys: Vec<String> = near
            .iter()
            .filter(|s| named.contains(&s.key))
            .map(|s| s.key.clone())
            .collect();
        if !keys.is_empty() {
            out.insert(i.report.id, keys);
        }
    }
    Ok(out)
}

/// Relinks `inputs` with everything tied to them, replacing the incidents
/// that held any of them (and `also_remove`).
fn relink_set<S: Store + ?Sized>(
    store: &mut S,
    mut inputs: Vec<LinkInput>,
    also_remove: &[IncidentId],
    decisions: &[Decision],
    sites: &[vigil_model::Site],
    opts: &RelinkOptions,
    summary: &mut RelinkSummary,
) -> Result<(), StoreError> {
    if inputs.is_empty() && also_remove.is_empty() {
        return Ok(());
    }
    let mut remove: BTreeSet<IncidentId> = also_remove.iter().copied().collect();
    // Close the set: whole incidents, and every report a decision ties in.
    loop {
        let have: HashSet<ReportId> = inputs.iter().map(|i| i.report.id).collect();
        let have_keys: HashSet<_> = inputs.iter().map(|i| i.key).collect();
        let ids: Vec<ReportId> = have.iter().copied().collect();
        let mut missing_ids: Vec<ReportId> = Vec::new();
        for span in store.incidents_of(&ids)? {
            remove.insert(span.id);
            missing_ids.extend(span.reports.iter().filter(|r| !have.contains(r)));
        }
        let mut missing_keys = Vec::new();
        for d in decisions {
            if d.reports.iter().any(|k| have_keys.contains(k)) {
                missing_keys.extend(d.reports.iter().filter(|k| !have_keys.contains(k)));
            }
        }
        if missing_ids.is_empty() && missing_keys.is_empty() {
            break;
        }
        let more = store.link_inputs_of(&missing_ids, &missing_keys)?;
        let before = inputs.len();
        inputs.extend(more.into_iter().filter(|i| !have.contains(&i.report.id)));
        if inputs.len() == before {
            // Keys of decisions whose reports are gone: nothing to add.
            break;
        }
    }
    inputs.sort_by_key(|i| i.report.id);
    let named = named_sites(store, &inputs, sites)?;
    let built = build(&inputs, decisions, sites, &named, &opts.link);
    let remove: Vec<IncidentId> = remove.into_iter().collect();
    store.replace_incidents(Some(&remove), &built)?;
    summary.reports_relinked += inputs.len() as u64;
    summary.incidents_removed += remove.len() as u64;
    summary.incidents_written += built.len() as u64;
    Ok(())
}
