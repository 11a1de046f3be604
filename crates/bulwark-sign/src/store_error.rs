//! [`StoreError`], shared by the signature store (`store`) and the bundle store trait
//! (`referrers`) so that neither module needs the other's error.

use std::io;
use std::path::PathBuf;

use crate::manifest::ManifestError;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// The directory is not an OCI image layout.
    #[error("{path}: not an OCI image layout ({reason})")]
    NotALayout {
        /// The directory.
        path: PathBuf,
        /// What is missing or wrong.
        reason: String,
    },
    /// `index.json` is malformed.
    #[error("{path}: malformed index.json: {detail}")]
    Index {
        /// The index file.
        path: PathBuf,
        /// The problem.
        detail: String,
    },
    /// A referenced blob is absent.
    #[error("{path}: blob {digest} is missing from the layout")]
    MissingBlob {
        /// The blob digest.
        digest: String,
        /// Where it should be.
        path: PathBuf,
    },
    /// The signature manifest or one of its blobs is invalid.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// A transport-specific failure from another implementation (registry client).
    #[error("{0}")]
    Backend(Box<dyn std::error::Error + Send + Sync>),
}
