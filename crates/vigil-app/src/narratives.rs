//! Narratives: the narratives file, and tagging the stored documents with
//! the narratives they carry.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use chrono::Utc;
use serde::Serialize;
use vigil_analyze::narratives::NarrativeSet;
use vigil_model::DocumentId;
use vigil_store::Store;

use crate::Progress;

/// The demo's narratives file, used when no file is given.
pub const BUNDLED: (&str, &str) = (
    "data/demo/narratives.toml",
    include_str!("../../../data/demo/narratives.toml"),
);

/// Reads a narratives file, or the bundled one.
pub fn load(file: Option<&Path>) -> anyhow::Result<NarrativeSet> {
    match file {
        None => NarrativeSet::from_toml(BUNDLED.0, BUNDLED.1)
            .context("the bundled narratives file is broken"),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading the narratives file {}", path.display()))?;
            NarrativeSet::from_toml(&path.display().to_string(), &text)
                .context("the narratives file cannot be used")
        }
    }
}

/// What a tagging run did.
#[derive(Debug, Default, Serialize)]
pub struct TagSummary {
    /// Documents tagged (including those that carry no narrative).
    pub documents: u64,
    /// Documents carrying at least one narrative.
    pub carrying: u64,
    /// Term matches in all.
    pub matches: u64,
    /// Documents per narrative, in file order.
    pub per_narrative: Vec<(String, u64)>,
    /// The narratives file's digest the tags were made with.
    pub digest: String,
    /// Seconds taken.
    pub seconds: f64,
}

/// Documents per batch: each batch is one transaction, so a run killed
/// midway keeps the batches done and the rerun starts after them.
const BATCH: usize = 256;

/// Tags the documents that need it (all with `all`), batch by batch.
pub fn tag<S: Store + ?Sized>(
    store: &mut S,
    set: &NarrativeSet,
    all: bool,
    progress: &dyn Progress,
) -> anyhow::Result<TagSummary> {
    let started = Instant::now();
    let digest = set.digest().to_string();
    let total = store.count_documents_to_tag(&digest, all)?;
    progress.start(total);
    let mut per: Vec<(String, u64)> = set
        .narratives()
        .iter()
        .map(|n| (n.key.clone(), 0))
        .collect();
    let mut summary = TagSummary {
        digest: digest.clone(),
        ..TagSummary::default()
    };
    let mut after = DocumentId(0);
    loop {
        let ids = store.documents_to_tag(&digest, all, after, BATCH)?;
        let Some(&last) = ids.last() else { break };
        let mut batch = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(doc) = store.document(id)? else {
                continue;
            };
            let tags = set.tag(&doc.text);
            summary.matches += tags.len() as u64;
            if !tags.is_empty() {
                summary.carrying += 1;
            }
            for (key, n) in per.iter_mut() {
                if tags.iter().any(|t| &t.narrative == key) {
                    *n += 1;
                }
            }
            batch.push((id, tags));
        }
        store
            .replace_narrative_tags(&digest, Utc::now(), &batch)
            .context("storing narrative tags")?;
        summary.documents += batch.len() as u64;
        progress.advance(batch.len() as u64);
        after = last;
    }
    progress.finish();
    summary.per_narrative = per;
    summary.seconds = started.elapsed().as_secs_f64();
    tracing::info!(
        documents = summary.documents,
        carrying = summary.carrying,
        digest = %digest,
        "narratives tagged"
    );
    Ok(summary)
}
