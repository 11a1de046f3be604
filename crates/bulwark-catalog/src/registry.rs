//! The analyzer registry ([`Analyzers`]): every analyzer of a scan mode, the merged index of the
//! paths they want, and running them over a layer's files ([`LayerAnalysis`]).

use std::collections::{BTreeMap, HashMap};

use crate::analyzer::{Analyzer, AnalyzerOutput, EntryMeta, FileEntry, LayerFiles, ScanMode};
use crate::analyzers;
use crate::error::AnalyzeError;
use crate::model::{FileOwnership, OsInfo, Package, mark_os_owned};
use crate::path::normalize_path;

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
