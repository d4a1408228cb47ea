//! Linking: the reports that changed since the last run into incidents,
//! one run at a time on a store.

use anyhow::Context;
use vigil_analyze::relink::{relink_waiting, RelinkOptions, RelinkSummary};
use vigil_store::Store;

use crate::Progress;

/// Links what changed (everything with `opts.full`), waiting for another
/// link run on the same store to end first.
pub fn link<S: Store + ?Sized>(
    store: &mut S,
    opts: &RelinkOptions,
    progress: &dyn Progress,
) -> anyhow::Result<RelinkSummary> {
    let summary = relink_waiting(
        store,
        opts,
        &mut |done, total| progress.position(done, total),
        &mut || progress.waiting(),
    )
    .context("linking reports into incidents")?;
    progress.finish();
    Ok(summary)
}
