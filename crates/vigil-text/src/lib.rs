//! Text primitives shared by ingestion, search and extraction: one Arabic-
//! and English-aware normalization, tokens, a light Arabic stemmer for
//! search, language identification, content hashes, near-duplicate
//! fingerprints and the framing-free key that tells a repost from a new
//! publication ([`core_hash`]).
//!
//! Search and extraction must fold text the same way, or a query typed with
//! hamza (`أ`) would miss a document written without it; so the folding
//! lives here, once.
//!
//! ```
//! use vigil_text::{normalize, detect_lang};
//! assert_eq!(normalize("الرَّقَّة"), "الرقه");
//! assert_eq!(normalize("قُتِلَ ٣ أشخاص"), "قتل 3 اشخاص");
//! assert_eq!(normalize("SDF  Patrol"), "sdf patrol");
//! assert_eq!(detect_lang("قال المرصد إن ثلاثة أشخاص قتلوا في انفجار بمدينة القامشلي").as_str(), "ar");
//! ```

mod dedup;
mod framing;
mod lang;
mod normalize;

pub use dedup::{content_hash, fingerprint, resemblance, resemblance_of, shingles, BANDS};
pub use framing::{core_hash, Framing, FRAMING_TOML};
pub use lang::detect_lang;
pub use normalize::{
    fold_char, is_alphanumeric, light_stem_ar, normalize, normalize_with_offsets, tokens, Folded,
};
