//! Vigil's use cases, each written once, over the store contract
//! ([`vigil_store::Store`]): the CLI and the HTTP server only parse, call
//! and print.
//!
//! | use case | here | front ends |
//! | --- | --- | --- |
//! | register sources | [`sources::import`] | `vigil source import`, `vigil demo` |
//! | ingest files | [`ingest::ingest_files`] | `vigil ingest`, `vigil demo` |
//! | extract | [`extract::extract_documents`] | `vigil extract`, `vigil demo` |
//! | link | [`link::link`] | `vigil link`, `vigil sites load`, `vigil demo` |
//! | review decisions | [`vigil_analyze::review::review`] | `vigil incident …`, `POST /api/v1/incidents/{id}/…` |
//! | surges at a week | [`surges::at_week`] | `vigil surge`, `GET /api/v1/surges` |
//! | sites | [`sites::totals`], [`sites::incidents_at`], [`sites::load`] | `vigil sites …`, `GET /api/v1/sites` |
//! | narratives | [`narratives::load`], [`narratives::tag`] | `vigil narratives …`, `vigil alerts check` |
//! | alerts | [`alerts::check_store`], [`alerts::deliver`] | `vigil alerts …`, `vigil demo` |
//!
//! Below this layer the mechanisms live in their stage crates (reading in
//! `vigil-ingest`, extraction in `vigil-extract`, linking, tallies, surge
//! tests, rules and webhooks in `vigil-analyze`); this crate strings them
//! together over a store, with threads where a step needs them, and says
//! how far it is through a [`Progress`]. Nothing here names a backend or
//! prints: a front end opens the store (`vigil_store::open`) and shows the
//! results its own way.
//!
//! ```
//! use vigil_app::{link, NoProgress};
//! let mut store = vigil_store::open_in_memory().unwrap();
//! let done = link::link(&mut *store, &Default::default(), &NoProgress).unwrap();
//! assert_eq!(done.incidents_written, 0);
//! ```

pub mod alerts;
pub mod extract;
pub mod ingest;
pub mod link;
pub mod narratives;
pub mod sites;
pub mod sources;
pub mod surges;

/// How a long step reports how far it is. Every method has a default that
/// does nothing, so a front end implements what it shows (the CLI: a
/// progress bar on a terminal) and tests pass [`NoProgress`].
pub trait Progress {
    /// A step of `total` units begins (bytes, documents, reports).
    fn start(&self, _total: u64) {}
    /// `n` more units are done.
    fn advance(&self, _n: u64) {}
    /// Where a step that counts itself is: `done` of `total` (which may grow).
    fn position(&self, _done: u64, _total: u64) {}
    /// What the step works on now (a file name, from outside: a front end
    /// that prints it makes it safe for its terminal).
    fn message(&self, _text: &str) {}
    /// The step waits for another process to finish the same step on this
    /// store (one link run at a time).
    fn waiting(&self) {}
    /// The step is over.
    fn finish(&self) {}
}

/// Progress that nobody watches.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}
