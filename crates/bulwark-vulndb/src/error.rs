//! Error type of this crate.

use std::path::{Path, PathBuf};

/// Everything that can go wrong importing, updating, opening or reading a store.
#[derive(Debug, thiserror::Error)]
pub enum VulnDbError {
    /// A filesystem operation on `path` failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The store file is damaged or not a store.
    #[error("vulnerability store {path} is corrupt: {problem}")]
    Corrupt {
        /// The store file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// An import source could not be read (bad zip, bad gzip, unknown kind).
    #[error("cannot import {source_path}: {problem}")]
    Source {
        /// The source given.
        source_path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// Serialising the store failed.
    #[error("cannot encode vulnerability store: {0}")]
    Encode(String),
    /// Offline mode and no store exists.
    #[error(
        "no vulnerability database at {0} and offline mode forbids downloading one (run `bulwark db update` or `bulwark db import` first)"
    )]
    MissingOffline(PathBuf),
    /// Every URL for an ecosystem failed.
    #[error("downloading {ecosystem} failed from every source: {errors}")]
    Download {
        /// The ecosystem being downloaded.
        ecosystem: String,
        /// One line per URL tried.
        errors: String,
    },
    /// An import or update would leave a database that cannot see: no records, a source
    /// that yielded none, or a large drop in records without `force`.
    #[error(
        "refusing to replace the vulnerability database {db}: {reason}; the existing database (if any) is kept"
    )]
    Refused {
        /// The store file.
        db: PathBuf,
        /// Why.
        reason: String,
    },
    /// An argument is invalid (e.g. empty ecosystem list).
    #[error("invalid argument: {0}")]
    Invalid(String),
}

impl VulnDbError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        VulnDbError::Io {
            path: path.to_owned(),
            source,
        }
    }
}
