//! Claim streams: a seeded generator of the streams an analyst watches (an
//! official channel's formulaic Arabic claims, a supporter channel's
//! forwards and reposts, a translation channel, a wire feed, the weekly
//! newsletter, noise) with their truth, and a scorer of what Vigil makes of
//! them.
//!
//! The generator is independent of Vigil's extraction: its wording is data
//! (`crates/vigil-bench/claimstream/*.toml`, see the README there), written
//! from how the channels phrase their posts, not from what Vigil reads. One
//! family of templates per kind of attack is held out (`holdout = true`):
//! [`Options::holdout`] draws only from those, every other stream never
//! does, so a stream of held-out families is text no rule was tuned on.
//!
//! ```no_run
//! use vigil_bench::claimstream::{generate, Options};
//! let opts = Options {
//!     seed: 1,
//!     weeks: vec![10, 10, 10, 27],
//!     start: chrono::NaiveDate::from_ymd_opt(2019, 9, 18).unwrap(),
//!     holdout: false,
//!     unknown_source: false,
//! };
//! let truth = generate(&opts, vigil_geo::Gazetteer::bundled(), std::path::Path::new("stream"))?;
//! assert_eq!(truth.weekly_claimed, vec![10, 10, 10, 27]);
//! # Ok::<(), anyhow::Error>(())
//! ```

pub mod calendar;
pub mod data;
mod generate;
pub mod places;
pub mod render;
pub mod rng;
pub mod score;
pub mod truth;

pub use generate::{generate, Options};
pub use score::{load_truth, run_pipeline, score, Score, ScoreOptions};
pub use truth::{DocKind, Truth};
