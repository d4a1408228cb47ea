//! Vigil's benchmarks: the inputs shared by the divan stage benches
//! (`benches/stages.rs`) and the `vigil-bench` binary that
//! `benchmarks/run-all.sh` drives for the pipeline and the side-by-side
//! comparisons (see `benchmarks/README.md`), and the claim-stream generator
//! and scorer ([`claimstream`]).
//!
//! ```
//! let docs = vigil_bench::inputs::sample_docs();
//! assert!(docs.iter().any(|d| d.kind == "report" && d.lang == "ar"));
//! ```

pub mod claimstream;
pub mod floor;
pub mod inputs;
