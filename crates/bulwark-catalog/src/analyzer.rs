//! The analyzer trait, the per-layer file batch and the registry that routes paths to analyzers.

use std::collections::BTreeMap;

use crate::error::AnalyzeError;

use crate::model::{FileOwnership, OsInfo, Package};
pub use crate::path::{file_name, normalize_path, parent};

/// Tar-entry facts the caller passes to [`Analyzers::required`] besides the path.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EntryMeta {
    /// File size in bytes.
    pub size: u64,
    /// Unix mode bits (permission bits at least; `0o111` marks an executable).
    pub mode: u32,
}

impl EntryMeta {
    /// True when any execute bit is set.
    pub fn is_executable(&self) -> bool {
        self.mode & 0o111 != 0
    }
}

/// One wanted file of a layer (or of a scanned directory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Absolute, normalised path (`/var/lib/dpkg/status`).
    pub path: String,
    /// Size and mode from the tar header.
    pub meta: EntryMeta,
    /// File content.
    pub data: Vec<u8>,
}

/// Wanted files of one layer, keyed by normalised path; analyzers see them all at once so the
/// ones needing several files (dpkg status + `info/*.list`, rpmdb) get them together.
#[derive(Debug, Clone, Default)]
pub struct LayerFiles {
    pub(crate) files: BTreeMap<String, FileEntry>,
}

impl LayerFiles {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file (path is normalised; a later insert of the same path replaces the earlier).
    pub fn insert(&mut self, path: &str, meta: EntryMeta, data: Vec<u8>) {
        let path = normalize_path(path);
        self.files
            .insert(path.clone(), FileEntry { path, meta, data });
    }

    /// The file at `path` (normalised before lookup).
    pub fn get(&self, path: &str) -> Option<&FileEntry> {
        self.files.get(&normalize_path(path))
    }

    /// All files in path order.
    pub fn iter(&self) -> impl Iterator<Item = &FileEntry> {
        self.files.values()
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when the batch is empty.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Scan flavour: images list installed packages; directories (`bulwark fs`) also read lock files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ScanMode {
    /// Container image layers: installed packages and binaries only.
    #[default]
    Image,
    /// A source tree or root filesystem on disk: also lock files and manifests.
    Filesystem,
}

/// Cheap path patterns an analyzer declares; the registry merges them into one index so each tar
/// entry costs a hash lookup or two plus a handful of `ends_with` checks.
#[derive(Debug, Clone, Copy, Default)]
pub struct PathPatterns {
    /// Exact absolute paths.
    pub exact: &'static [&'static str],
    /// File names (last path component) matched anywhere.
    pub file_names: &'static [&'static str],
    /// Path suffixes (`.jar`, `.deps.json`).
    pub suffixes: &'static [&'static str],
    /// Directory prefixes (`/var/lib/dpkg/info/`).
    pub prefixes: &'static [&'static str],
    /// Wants regular files with an execute bit (binaries carrying build info).
    pub executables: bool,
}

/// Result of one analyzer over one batch.
#[derive(Debug, Default)]
pub struct AnalyzerOutput {
    /// Operating system, when this analyzer identifies it.
    pub os: Option<OsInfo>,
    /// Packages found.
    pub packages: Vec<Package>,
    /// Files owned by OS packages.
    pub owned: FileOwnership,
    /// Non-fatal problems with single files.
    pub errors: Vec<AnalyzeError>,
}

/// A package analyzer: a pure function from wanted files to packages.
pub trait Analyzer: Send + Sync {
    /// Stable name (`dpkg`, `python-installed`), part of the cache key.
    fn name(&self) -> &'static str;
    /// Bump when output for the same input changes (cache key part).
    fn version(&self) -> u32;
    /// Patterns for the registry's fast pre-filter; [`Analyzer::required`] makes the final call.
    fn patterns(&self) -> PathPatterns;
    /// Whether this analyzer wants the file at `path` (normalised absolute path). Must be cheap.
    fn required(&self, path: &str, meta: &EntryMeta) -> bool;
    /// Analyses the files of one batch this analyzer declared as required.
    fn analyze(&self, files: &[&FileEntry]) -> AnalyzerOutput;
    /// True when every file is analysed on its own: the output for a batch is the outputs for
    /// its files, in path order. Such files are analysed as they stream past
    /// ([`LayerAnalysis::add`]) and their bytes dropped at once; the others (package databases
    /// read together with their file lists, release files ranked against each other) are held
    /// until the layer ends. Default: false.
    fn per_file(&self) -> bool {
        false
    }
    /// True when the file at `path` is a lock file (a project's declared dependencies, read in
    /// [`ScanMode::Filesystem`]): one that cannot be parsed leaves the project's dependencies
    /// unscanned, which the caller reports as an input error, not only a warning.
    fn is_lock_file(&self, _path: &str) -> bool {
        false
    }
}
