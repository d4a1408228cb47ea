//! Vigil's domain types: the nouns of the pipeline, with no I/O.
//!
//! Values that come from outside (a language code, a reliability grade, an
//! event type) are parsed once, here, with a clear error, and trusted after.
//! Every enum serializes to the `snake_case` names used in files, the store
//! and the JSON API, and parses back from them.
//!
//! ```
//! use vigil_model::{Lang, Reliability, SourceKind};
//! let lang: Lang = "AR".parse().unwrap();
//! assert_eq!(lang.as_str(), "ar");
//! assert_eq!("B".parse::<Reliability>().unwrap(), Reliability::B);
//! assert_eq!("militant_official".parse::<SourceKind>().unwrap(), SourceKind::MilitantOfficial);
//! ```

mod enums;
mod types;
mod watch;

pub use enums::*;
pub use types::*;
pub use watch::*;

/// A value from outside did not parse as the domain type it claims to be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} {value:?}: expected {expected}")]
pub struct ParseError {
    /// The kind of value, e.g. "language code".
    pub what: &'static str,
    /// The text that failed to parse.
    pub value: String,
    /// What would have been accepted.
    pub expected: String,
}

impl ParseError {
    pub(crate) fn new(what: &'static str, value: &str, expected: impl Into<String>) -> Self {
        ParseError {
            what,
            value: value.to_string(),
            expected: expected.into(),
        }
    }
}
