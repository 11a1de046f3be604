//! Errors raised while analysing one file (or one group of files) of a layer.

/// Why an analyzer could not read a file. Analysis is best-effort: one bad file yields one of
/// these in [`crate::LayerInventory::errors`] and never stops the rest of the layer.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    /// The file's content does not follow the format the analyzer expects.
    #[error("{analyzer}: {path}: malformed input: {reason}")]
    Malformed {
        /// Analyzer name (e.g. `dpkg`).
        analyzer: &'static str,
        /// Path of the offending file inside the image or directory.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A JSON document (package.json, lock file, SBOM) failed to parse.
    #[error("{analyzer}: {path}: invalid JSON: {source}")]
    Json {
        /// Analyzer name.
        analyzer: &'static str,
        /// Path of the offending file.
        path: String,
        /// Parser error.
        #[source]
        source: serde_json::Error,
    },
    /// An rpm SQLite database could not be opened or queried.
    #[error("rpm: {path}: SQLite rpmdb unreadable: {source}")]
    Sqlite {
        /// Path of the rpmdb.sqlite file.
        path: String,
        /// SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// A temporary file needed to open a SQLite database could not be written.
    #[error("rpm: {path}: cannot stage SQLite rpmdb in a temp file: {source}")]
    Io {
        /// Path of the database inside the image.
        path: String,
        /// I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl AnalyzeError {
    /// The file the error is about.
    pub fn path(&self) -> &str {
        match self {
            Self::Malformed { path, .. }
            | Self::Json { path, .. }
            | Self::Sqlite { path, .. }
            | Self::Io { path, .. } => path,
        }
    }

    /// Shorthand for [`AnalyzeError::Malformed`].
    pub fn malformed(analyzer: &'static str, path: &str, reason: impl Into<String>) -> Self {
        Self::Malformed {
            analyzer,
            path: path.to_owned(),
            reason: reason.into(),
        }
    }
}
