//! Sources: registering the sources of a sources file.

use std::path::Path;

use anyhow::Context;
use serde::Deserialize;
use vigil_model::NewSource;
use vigil_store::Store;

/// The sources file: `[[source]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourcesFile {
    source: Vec<NewSource>,
}

/// Creates or updates every source of a TOML sources file; returns (created, updated).
pub fn import<S: Store + ?Sized>(store: &mut S, file: &Path) -> anyhow::Result<(usize, usize)> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let parsed: SourcesFile = toml::from_str(&text).map_err(|e| {
        let line = e.span().map(|s| text[..s.start].matches('\n').count() + 1);
        anyhow::anyhow!(
            "{}{}: {}",
            file.display(),
            line.map(|l| format!(":{l}")).unwrap_or_default(),
            e.message()
        )
    })?;
    let (mut created, mut updated) = (0, 0);
    for s in &parsed.source {
        let (_, new) = store
            .put_source(s)
            .with_context(|| format!("saving source {:?}", s.name))?;
        if new {
            created += 1;
        } else {
            updated += 1;
        }
    }
    Ok((created, updated))
}
