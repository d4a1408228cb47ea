//! Watched sites: the sites file, the incidents at a site, and what
//! happened at each site (one computation for the CLI and the API).

use std::path::Path;

use anyhow::Context;
use chrono::NaiveDate;
use serde::Serialize;
use vigil_model::{Dimension, EventType, Incident, Site, SubEventType};
use vigil_store::{IncidentFilter, SortOrder, Store};

/// Reads and checks a sites file.
pub fn load(file: &Path) -> anyhow::Result<Vec<Site>> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("reading the sites file {}", file.display()))?;
    vigil_analyze::sites::parse(&file.display().to_string(), &text)
        .context("the sites file cannot be used")
}

/// What happened at a site (its JSON is what `vigil sites list --json`
/// prints).
#[derive(Debug, Clone, Serialize)]
pub struct SiteTotals {
    /// The site.
    #[serde(skip)]
    pub site: Site,
    /// Its key.
    pub key: String,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: String,
    /// Incidents at it.
    pub incidents: u64,
    /// Of those, attacks (battles, explosions and remote violence,
    /// violence against civilians).
    pub attacks: u64,
    /// Of those, incidents in which someone was freed or escaped.
    pub escapes: u64,
    /// People freed or escaped, in all.
    pub freed: u64,
    /// People killed (conservative counts), in all.
    pub killed: u64,
    /// The latest day of a dated incident at it.
    #[serde(skip)]
    pub last: Option<NaiveDate>,
}

fn is_attack(t: SubEventType) -> bool {
    matches!(
        t.event_type(),
        EventType::Battles
            | EventType::ExplosionsRemoteViolence
            | EventType::ViolenceAgainstCivilians
    )
}

/// Every incident at the site `key`, oldest first.
pub fn incidents_at<S: Store + ?Sized>(store: &S, key: &str) -> vigil_store::Result<Vec<Incident>> {
    let mut all = Vec::new();
    let mut filter = IncidentFilter {
        facets: vec![(Dimension::Site, key.to_string())],
        order: SortOrder::Asc,
        limit: 1000,
        ..IncidentFilter::default()
    };
    loop {
        let page = store.list_incidents(&filter)?;
        let Some(last) = page.last() else { break };
        filter.after = Some(vigil_store::incident_page_after(last, filter.sort));
        let done = page.len() < filter.limit;
        all.extend(page);
        if done {
            break;
        }
    }
    Ok(all)
}

/// Every watched site with the totals of its incidents, in the store's
/// order of sites.
pub fn totals<S: Store + ?Sized>(store: &S) -> vigil_store::Result<Vec<SiteTotals>> {
    let mut totals = Vec::new();
    for site in store.sites()? {
        let incs = incidents_at(store, &site.key)?;
        let mut t = SiteTotals {
            key: site.key.clone(),
            name: site.name.clone(),
            kind: site.kind.to_string(),
            incidents: incs.len() as u64,
            attacks: 0,
            escapes: 0,
            freed: 0,
            killed: 0,
            last: incs.iter().filter_map(|i| i.date.map(|d| d.date)).max(),
            site,
        };
        for i in &incs {
            let freed = i.counts.freed.map_or(0, |c| c.value as u64);
            if freed > 0 {
                t.escapes += 1;
                t.freed += freed;
            }
            if is_attack(i.sub_event_type) {
                t.attacks += 1;
            }
            t.killed += i.counts.killed.map_or(0, |c| c.value as u64);
        }
        totals.push(t);
    }
    Ok(totals)
}
