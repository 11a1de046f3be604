//! The analyzer trait, the per-layer file batch and the registry that routes paths to analyzers.

use std::collections::{BTreeMap, HashMap};

use crate::analyzers;
use crate::error::AnalyzeError;
use crate::model::{FileOwnership, OsInfo, Package, mark_os_owned};

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
    files: BTreeMap<String, FileEntry>,
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

/// Everything found in one layer (or directory). Serializable so the caller can cache it by
/// layer digest + [`Analyzers::cache_key`]; `errors` are not cached.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct LayerInventory {
    /// OS identified from this layer's release files, if any.
    pub os: Option<OsInfo>,
    /// Packages, deterministically sorted; `location.layer_digest` is left `None` for the caller.
    pub packages: Vec<Package>,
    /// Files owned by OS packages whose databases are in this layer.
    pub owned: FileOwnership,
    /// Per-file problems (analysis continued past them).
    #[serde(skip)]
    pub errors: Vec<AnalyzeError>,
    /// Lock files that could not be parsed: (path, error). Also in `errors`.
    #[serde(skip)]
    pub lock_file_errors: Vec<(String, String)>,
}

/// The analyzer registry with its merged path index.
pub struct Analyzers {
    list: Vec<Box<dyn Analyzer>>,
    exact: HashMap<&'static str, u64>,
    file_names: HashMap<&'static str, u64>,
    suffixes: Vec<(&'static str, u64)>,
    prefixes: Vec<(&'static str, u64)>,
    executables: u64,
}

impl std::fmt::Debug for Analyzers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.list.iter().map(|a| a.name()))
            .finish()
    }
}

impl Default for Analyzers {
    /// All analyzers for image scanning.
    fn default() -> Self {
        Self::for_mode(ScanMode::Image)
    }
}

impl Analyzers {
    /// All analyzers appropriate for `mode` (lock-file analyzers only in [`ScanMode::Filesystem`]).
    pub fn for_mode(mode: ScanMode) -> Self {
        Self::new(analyzers::all(mode))
    }

    /// A registry over the given analyzers (at most 64).
    pub fn new(mut list: Vec<Box<dyn Analyzer>>) -> Self {
        list.truncate(64);
        let mut reg = Self {
            list: Vec::new(),
            exact: HashMap::new(),
            file_names: HashMap::new(),
            suffixes: Vec::new(),
            prefixes: Vec::new(),
            executables: 0,
        };
        for (i, a) in list.iter().enumerate() {
            let bit = 1u64 << i;
            let p = a.patterns();
            for e in p.exact {
                *reg.exact.entry(e).or_default() |= bit;
            }
            for n in p.file_names {
                *reg.file_names.entry(n).or_default() |= bit;
            }
            for s in p.suffixes {
                add_bit(&mut reg.suffixes, s, bit);
            }
            for s in p.prefixes {
                add_bit(&mut reg.prefixes, s, bit);
            }
            if p.executables {
                reg.executables |= bit;
            }
        }
        reg.list = list;
        reg
    }

    /// Names of the registered analyzers in order.
    pub fn names(&self) -> Vec<&'static str> {
        self.list.iter().map(|a| a.name()).collect()
    }

    /// Cache key part: `name@version` of every analyzer, joined by `,`.
    pub fn cache_key(&self) -> String {
        self.list
            .iter()
            .map(|a| format!("{}@{}", a.name(), a.version()))
            .collect::<Vec<_>>()
            .join(",")
    }

    fn candidates(&self, path: &str, meta: &EntryMeta) -> u64 {
        let mut mask = self.exact.get(path).copied().unwrap_or(0);
        let file_name = path.rsplit('/').next().unwrap_or(path);
        mask |= self.file_names.get(file_name).copied().unwrap_or(0);
        for (s, bit) in &self.suffixes {
            if path.ends_with(s) {
                mask |= bit;
            }
        }
        for (s, bit) in &self.prefixes {
            if path.starts_with(s) {
                mask |= bit;
            }
        }
        if meta.is_executable() && meta.size >= 1024 {
            mask |= self.executables;
        }
        mask
    }

    /// Whether any analyzer wants this tar entry (call for every regular file; `path` may be
    /// relative, `./`-prefixed or absolute).
    pub fn required(&self, path: &str, meta: &EntryMeta) -> bool {
        // tar paths are usually relative; avoid allocating when the path is already normal
        let path: std::borrow::Cow<'_, str> =
            if path.starts_with('/') && !path.ends_with('/') && !path.starts_with("/./") {
                std::borrow::Cow::Borrowed(path)
            } else {
                std::borrow::Cow::Owned(normalize_path(path))
            };
        let mask = self.candidates(&path, meta);
        mask != 0 && self.each(mask).any(|a| a.required(&path, meta))
    }

    fn each(&self, mask: u64) -> impl Iterator<Item = &dyn Analyzer> {
        self.list
            .iter()
            .enumerate()
            .filter(move |(i, _)| mask & (1u64 << i) != 0)
            .map(|(_, a)| a.as_ref())
    }

    /// Bit mask of the analyzers that want `path` (normalised absolute path).
    fn wanting(&self, path: &str, meta: &EntryMeta) -> u64 {
        let mask = self.candidates(path, meta);
        let mut out = 0;
        for (i, a) in self.list.iter().enumerate() {
            if mask & (1u64 << i) != 0 && a.required(path, meta) {
                out |= 1u64 << i;
            }
        }
        out
    }

    /// Whether some analyzer that wants this file needs it held until the layer ends (it is not
    /// [`Analyzer::per_file`]): what a memory budget must count for the whole layer.
    pub fn holds(&self, path: &str, meta: &EntryMeta) -> bool {
        let path = normalize_path(path);
        let mask = self.wanting(&path, meta);
        self.each(mask).any(|a| !a.per_file())
    }

    /// Runs every analyzer on the files of `batch` it requires and merges the results: packages
    /// sorted deterministically, PURLs computed with this layer's OS (call
    /// [`Package::refresh_purl`] again after merging layers), language packages owned by this
    /// layer's OS packages marked.
    pub fn analyze_layer(&self, batch: &LayerFiles) -> LayerInventory {
        let mut per: Vec<Vec<&FileEntry>> = vec![Vec::new(); self.list.len()];
        for f in batch.iter() {
            let mask = self.wanting(&f.path, &f.meta);
            for (i, v) in per.iter_mut().enumerate() {
                if mask & (1u64 << i) != 0 {
                    v.push(f);
                }
            }
        }
        let outputs = self
            .list
            .iter()
            .zip(per)
            .map(|(a, files)| (!files.is_empty()).then(|| a.analyze(&files)))
            .map(|o| o.into_iter().collect())
            .collect();
        self.merge(outputs)
    }

    /// Merges per-analyzer outputs (in registry order; each analyzer's in path order).
    fn merge(&self, outputs: Vec<Vec<AnalyzerOutput>>) -> LayerInventory {
        let mut inv = LayerInventory::default();
        let per_analyzer = self.list.iter().zip(outputs);
        for (a, out) in per_analyzer.flat_map(|(a, outs)| outs.into_iter().map(move |o| (a, o))) {
            if out.os.is_some() {
                inv.os = out.os;
            }
            inv.packages.extend(out.packages);
            inv.owned.extend(out.owned);
            for e in &out.errors {
                if a.is_lock_file(e.path()) {
                    inv.lock_file_errors
                        .push((e.path().to_owned(), e.to_string()));
                }
            }
            inv.errors.extend(out.errors);
        }
        for p in &mut inv.packages {
            p.refresh_purl(inv.os.as_ref());
        }
        mark_os_owned(&mut inv.packages, &inv.owned);
        inv.packages.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        inv.packages.dedup();
        inv
    }
}

/// One layer's analysis as its files stream past: files of [`Analyzer::per_file`] analyzers are
/// analysed when they arrive and only the results kept, so memory does not grow with the
/// binaries, archives and manifests a layer holds; files other analyzers need together are held
/// until [`LayerAnalysis::finish`]. The result is the one [`Analyzers::analyze_layer`] gives for
/// the same files.
pub struct LayerAnalysis<'a> {
    analyzers: &'a Analyzers,
    held: LayerFiles,
    held_bytes: u64,
    /// Per-file outputs by (analyzer position, path): merged in registry then path order.
    done: BTreeMap<(usize, String), AnalyzerOutput>,
}

impl std::fmt::Debug for LayerAnalysis<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LayerAnalysis")
            .field("held", &self.held.len())
            .field("held_bytes", &self.held_bytes)
            .field("done", &self.done.len())
            .finish()
    }
}

impl<'a> LayerAnalysis<'a> {
    /// An empty analysis over `analyzers`.
    pub fn new(analyzers: &'a Analyzers) -> Self {
        Self {
            analyzers,
            held: LayerFiles::new(),
            held_bytes: 0,
            done: BTreeMap::new(),
        }
    }

    /// Takes one wanted file. Per-file analyzers run now; when another analyzer needs the file
    /// at the end of the layer, `data` is moved into the held batch (left empty), otherwise it is
    /// left as it was for the caller to reuse.
    pub fn add(&mut self, path: &str, meta: EntryMeta, data: &mut Vec<u8>) {
        let path = normalize_path(path);
        let mask = self.analyzers.wanting(&path, &meta);
        if mask == 0 {
            return;
        }
        let entry = FileEntry {
            path,
            meta,
            data: std::mem::take(data),
        };
        let mut hold = false;
        for (i, a) in self.analyzers.list.iter().enumerate() {
            if mask & (1u64 << i) == 0 {
                continue;
            }
            if a.per_file() {
                let out = a.analyze(&[&entry]);
                self.done.insert((i, entry.path.clone()), out);
            } else {
                hold = true;
            }
        }
        if hold {
            if let Some(old) = self.held.files.get(&entry.path) {
                self.held_bytes -= old.data.len() as u64;
            }
            self.held_bytes += entry.data.len() as u64;
            self.held.files.insert(entry.path.clone(), entry);
        } else {
            *data = entry.data;
        }
    }

    /// Bytes of file contents held until [`LayerAnalysis::finish`].
    pub fn held_bytes(&self) -> u64 {
        self.held_bytes
    }

    /// Runs the analyzers that needed the layer's files together and merges everything.
    pub fn finish(self) -> LayerInventory {
        let analyzers = self.analyzers;
        let mut per: Vec<Vec<&FileEntry>> = vec![Vec::new(); analyzers.list.len()];
        for f in self.held.iter() {
            let mask = analyzers.wanting(&f.path, &f.meta);
            for (i, v) in per.iter_mut().enumerate() {
                if mask & (1u64 << i) != 0 && analyzers.list.get(i).is_some_and(|a| !a.per_file()) {
                    v.push(f);
                }
            }
        }
        let mut outputs: Vec<Vec<AnalyzerOutput>> = analyzers
            .list
            .iter()
            .zip(per)
            .map(|(a, files)| {
                if files.is_empty() {
                    Vec::new()
                } else {
                    vec![a.analyze(&files)]
                }
            })
            .collect();
        for ((i, _), out) in self.done {
            if let Some(v) = outputs.get_mut(i) {
                v.push(out);
            }
        }
        analyzers.merge(outputs)
    }
}

fn add_bit(v: &mut Vec<(&'static str, u64)>, s: &'static str, bit: u64) {
    if let Some(e) = v.iter_mut().find(|(x, _)| *x == s) {
        e.1 |= bit;
    } else {
        v.push((s, bit));
    }
}

/// Normalises a tar or filesystem path to an absolute `/`-separated path without `./`.
pub fn normalize_path(path: &str) -> String {
    let p = path.trim_start_matches("./");
    let p = p.trim_start_matches('/');
    let mut out = String::with_capacity(p.len() + 1);
    out.push('/');
    out.push_str(p.trim_end_matches('/'));
    out
}

/// Last path component.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Parent directory (`/a/b/c` → `/a/b`).
pub fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(p, _)| p)
}
