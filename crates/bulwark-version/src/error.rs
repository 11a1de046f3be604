//! The one error type of the crate. Comparators report through it; it names the scheme by
//! [`Scheme`], an identifier that dispatches nothing (the run-time dispatch over schemes is a
//! module above the comparators).

use crate::scheme::Scheme;

/// Errors from parsing versions or ranges.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// A version string the scheme rejects.
    #[error("invalid {scheme} version {input:?}: {reason}")]
    Invalid {
        /// The scheme that rejected it.
        scheme: Scheme,
        /// The offending input (truncated to 200 characters).
        input: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A range / specifier / requirement the scheme rejects.
    #[error("invalid {scheme} range {input:?}: {reason}")]
    InvalidRange {
        /// The scheme that rejected it.
        scheme: Scheme,
        /// The offending input (truncated to 200 characters).
        input: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// Two versions of different schemes were compared.
    #[error("cannot compare a {left} version with a {right} version")]
    SchemeMismatch {
        /// Scheme of the left operand.
        left: Scheme,
        /// Scheme of the right operand.
        right: Scheme,
    },
    /// An OSV ecosystem name with no known version ordering.
    #[error("unsupported OSV ecosystem {0:?}: no version ordering is known for it")]
    UnsupportedEcosystem(String),
}

pub(crate) fn clip(s: &str) -> String {
    match s.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or_default()),
        None => s.to_string(),
    }
}

impl VersionError {
    pub(crate) fn invalid(scheme: Scheme, input: &str, reason: &'static str) -> Self {
        VersionError::Invalid {
            scheme,
            input: clip(input),
            reason,
        }
    }
    pub(crate) fn invalid_range(scheme: Scheme, input: &str, reason: &'static str) -> Self {
        VersionError::InvalidRange {
            scheme,
            input: clip(input),
            reason,
        }
    }
}
