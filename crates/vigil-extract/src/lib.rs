//! Extraction: from a document and the knowledge base to event reports,
//! each field with the span of text that supports it.
//!
//! ```
//! use vigil_extract::{DocInput, Extractor};
//! let reports = Extractor::new().extract(
//!     "A double suicide bombing at a restaurant in Qamishli killed three people and wounded nine.",
//!     &DocInput { published: chrono::NaiveDate::from_ymd_opt(2019, 10, 11), ..DocInput::default() },
//! );
//! assert_eq!(reports.len(), 1);
//! assert_eq!(reports[0].counts.killed.unwrap().value, 3);
//! assert_eq!(reports[0].place.as_ref().unwrap().name, "Qamishli");
//! ```

pub mod actors;
pub mod claims;
pub mod classify;
pub mod counts;
pub mod dates;
mod engine;
pub mod eval;
pub mod event_model;
pub mod kb;
pub mod matcher;
pub mod numbers;
pub mod places;
pub mod text;

pub use engine::{DocInput, Extraction, Extractor};

/// A knowledge-base file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KbError {
    /// The file does not parse.
    #[error("{file}: {message}")]
    Parse {
        /// The file.
        file: String,
        /// What is wrong, with line where known.
        message: String,
    },
    /// The file parses but a value is wrong.
    #[error("{file}: {what}")]
    Invalid {
        /// The file.
        file: String,
        /// What is wrong.
        what: String,
    },
}
