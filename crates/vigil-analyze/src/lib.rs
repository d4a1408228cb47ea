//! Vigil's analytics over event reports: incident linking (`link` compares
//! reports, `incident` weighs them together and applies analysts'
//! decisions, `relink` does it incrementally over the store), watched
//! `sites`, weekly `tally` series, and the `surge` tests that say how
//! unusual a week's count is against the weeks before it.
//!
//! ```
//! use vigil_analyze::surge::{run_all, SurgeOptions};
//!
//! // 27 claimed attacks after three weeks of 10.
//! let results = run_all(&[10, 10, 10, 27], &SurgeOptions::default());
//! let poisson = results.iter().find(|r| r.test == "poisson").unwrap();
//! assert!(poisson.surge && poisson.p_value.unwrap() < 1e-5);
//! ```

pub mod incident;
pub mod link;
pub mod relink;
pub mod sites;
pub mod surge;
pub mod tally;
