//! Vigil's analytics over event reports: incident linking (`link` compares
//! reports, `incident` weighs them together and applies analysts'
//! decisions, `relink` does it incrementally over the store), `review`
//! records analysts' decisions for every front end, watched `sites`, weekly `tally` series, the `surge` tests that say how
//! unusual a week's count is against the weeks before it,
//! and `narratives` (tagging and weekly shares) and `alerts` (rules evaluated
//! over plain inputs, webhook channels).
//!
//! ```
//! use vigil_analyze::surge::{run_all, SurgeOptions};
//!
//! // 27 claimed attacks after three weeks of 10.
//! let results = run_all(&[10, 10, 10, 27], &SurgeOptions::default());
//! let poisson = results.iter().find(|r| r.test == "poisson").unwrap();
//! assert!(poisson.surge && poisson.p_value.unwrap() < 1e-5);
//! ```

pub mod alerts;
mod file;
pub mod incident;
pub mod link;
pub mod narratives;
pub mod relink;
pub mod review;
pub mod sites;
pub mod surge;
pub mod tally;

pub use file::FileError;
