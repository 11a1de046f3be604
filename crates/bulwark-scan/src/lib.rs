//! The scan pipeline of `bulwark image` and `bulwark fs`, after Trivy's analyzer → applier
//! shape:
//!
//! 1. **Walk**: every layer's tar stream is read exactly once, layers in parallel
//!    ([`bulwark_oci::walk_layers`]); the catalog analyzers say which paths they want and only
//!    those files' bytes are kept.
//! 2. **Analyze per layer**: each layer's wanted files go to a [`LayerAnalysis`] as they stream
//!    past (files analysed alone are dropped at once, package databases held to the layer's end,
//!    all under the walk's memory budget, [`WalkOptions::max_memory`]); the
//!    result (packages, OS, file ownership, layer metadata) is cached under the layer's blob
//!    digest and diff id plus the analyzers' versions, so a sibling image on the same base costs
//!    only its new layers.
//! 3. **Apply**: layers are merged in order ([`MergedFs`]); a package survives only if the file
//!    that recorded it is still in the final image as written by that layer (a later `dpkg`
//!    status, a whiteout or an overwrite supersedes it). OS packages keep the earliest layer that
//!    installed the same version as evidence, as Trivy reports it.
//! 4. **Inventory**: OS, packages with PURLs and evidence, language packages owned by OS
//!    packages marked, plus the merged file view for the secret and configuration checks.

mod cache;
pub mod checks;
pub mod db;
pub mod detect;
pub mod ignore;
pub mod pipeline;
pub mod sbom;
pub mod secrets;
pub mod time;
pub mod trace;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use bulwark_catalog::{
    Analyzers, FileOwnership, LayerAnalysis, OsInfo, Package, ScanMode, Subject, SubjectKind,
    mark_os_owned,
};
use bulwark_oci::{
    EntryKind, EntryMeta, Image, ImageConfig, LayerReport, LayerVisitor, MergedFs, OciError,
    OwnedFile, WalkOptions, WantedFile, verify_layer_blobs, walk_dir, walk_layers,
};
use serde::{Deserialize, Serialize};

pub use cache::LayerCache;

/// Version of the cached per-layer record; bump when [`LayerResult`] changes shape or meaning.
const CACHE_FORMAT: u32 = 3;

/// Errors of a scan; each names the image or directory.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// Reading the image or its layers failed.
    #[error(transparent)]
    Oci(#[from] OciError),
    /// A layer holds a tar entry no container builder writes (`..` escapes).
    #[error(
        "image {image}: layer #{layer} {digest} has an unsafe tar entry `{entry}` ({reason}){}",
        if *more > 0 { format!(" and {more} more") } else { String::new() }
    )]
    UnsafeEntry {
        /// The image.
        image: String,
        /// Layer position.
        layer: usize,
        /// Layer digest.
        digest: String,
        /// The entry's raw name.
        entry: String,
        /// Why it is unsafe.
        reason: String,
        /// How many more such entries the layer has.
        more: usize,
    },
    /// The vulnerability scanner was asked for without a database.
    #[error("vulnerability scanning needs a database (open one with `bulwark_scan::db`)")]
    NoDatabase,
    /// The built-in secret rules did not compile (a bug, reported rather than panicking).
    #[error("built-in secret rules: {0}")]
    Rules(String),
}

/// How to scan.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Layer-walk bounds (decompression-bomb guard, file size cap, skipped directories).
    pub walk: WalkOptions,
    /// Per-layer cache; `None` disables caching (`--no-cache`).
    pub cache: Option<LayerCache>,
    /// Secret scanning of every layer's files; `None` skips it.
    pub secrets: Option<secrets::SecretScanning>,
}

/// What one layer (or directory) contributed, as cached.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LayerResult {
    /// Entries, whiteouts, opaque dirs of the layer.
    pub report: LayerReport,
    /// OS identified by this layer's release files.
    pub os: Option<OsInfo>,
    /// Packages recorded by this layer's files (layer digest not yet set).
    pub packages: Vec<Package>,
    /// Files owned by OS packages whose databases are in this layer.
    pub owned: FileOwnership,
    /// Per-file analysis problems, as text.
    pub errors: Vec<String>,
    /// Lock files that could not be parsed: (path, error); also in `errors`.
    #[serde(default)]
    pub lock_file_errors: Vec<(String, String)>,
    /// Secrets found in this layer's files (layer digest and removal not yet set).
    #[serde(default)]
    pub secrets: Vec<bulwark_secrets::SecretFinding>,
}

/// One layer in the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerInfo {
    /// Position, 0 = base.
    pub index: usize,
    /// Blob digest.
    pub digest: String,
    /// Diff id (digest of the uncompressed tar), when the config records it.
    pub diff_id: Option<String>,
    /// The Dockerfile step that created the layer, from the config history.
    pub created_by: Option<String>,
    /// True when the layer's analysis came from the cache.
    pub cached: bool,
}

/// Code of the input-error finding for a lock file that could not be parsed (`bulwark fs`).
pub const LOCK_FILE_PARSE: &str = "LOCK-PARSE";

/// The result of a scan: what is in the image or directory.
#[derive(Debug, Clone)]
pub struct Inventory {
    /// The scanned thing.
    pub subject: Subject,
    /// Its operating system.
    pub os: Option<OsInfo>,
    /// Every package, sorted, with PURL and evidence.
    pub packages: Vec<Package>,
    /// Layers (one pseudo-layer for a directory).
    pub layers: Vec<LayerInfo>,
    /// Image configuration (images only).
    pub config: Option<ImageConfig>,
    /// Per-layer walk reports, base first.
    pub reports: Vec<LayerReport>,
    /// The merged file view.
    pub merged: MergedFs,
    /// Per-file analysis problems (the scan went on).
    pub errors: Vec<String>,
    /// Lock files (directory scans) that could not be parsed: (path, error). Also in
    /// `errors`; the pipeline reports each as a [`LOCK_FILE_PARSE`] input-error finding.
    pub lock_file_errors: Vec<(String, String)>,
    /// Secrets in any layer's files, as findings (with layer, Dockerfile step, and whether a
    /// later layer removed the file).
    pub secrets: Vec<bulwark_report::Finding>,
}

/// What a long scan step is doing, for a progress display (`bulwark image` draws it on a
/// terminal). Sent from the layer-walking threads: the callback must be cheap and `Sync`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanEvent {
    /// The walk starts: how many layers will be read (cache misses) and their compressed size.
    WalkStarted {
        /// Layers to read.
        layers: usize,
        /// Their compressed size in bytes, as the manifest records it.
        compressed_bytes: u64,
    },
    /// Uncompressed bytes of tar entries passed in the walk (a delta).
    Walked {
        /// Bytes since the last event.
        bytes: u64,
    },
    /// One layer is read and analyzed.
    LayerDone,
    /// Matching the inventory's packages against the vulnerability database.
    Matching {
        /// Packages to match.
        packages: usize,
    },
}

/// A progress callback (see [`ScanEvent`]).
pub type Progress<'a> = &'a (dyn Fn(ScanEvent) + Sync);

/// Analyses the files the analyzers want from one layer as they stream past (only package
/// databases read together are held until the layer ends), and scans files for secrets (their
/// bytes are not kept).
struct CatalogVisitor<'a> {
    analyzers: &'a Analyzers,
    analysis: Option<LayerAnalysis<'a>>,
    /// The layer's analysis, once the walk finished it.
    finished: Option<bulwark_catalog::LayerInventory>,
    secrets: Option<&'a bulwark_secrets::Scanner>,
    background: Option<secrets::BackgroundScan>,
    /// Prefix shown before a walked path in secret findings (`/` in images, `DIR/` for dirs).
    display_prefix: String,
    /// Where walked bytes are reported.
    progress: Option<Progress<'a>>,
}

fn catalog_meta(entry: &EntryMeta) -> bulwark_catalog::EntryMeta {
    bulwark_catalog::EntryMeta {
        size: entry.size,
        mode: entry.mode,
    }
}

impl LayerVisitor for CatalogVisitor<'_> {
    fn wants(&self, path: &str, entry: &EntryMeta) -> bool {
        if let Some(p) = self.progress
            && entry.size > 0
        {
            p(ScanEvent::Walked { bytes: entry.size });
        }
        match entry.kind {
            EntryKind::File => {
                self.analyzers.required(path, &catalog_meta(entry))
                    || self.secrets.is_some_and(|s| s.wants(path, entry.size))
            }
            // A hard link to a package file (e.g. a dist-info METADATA) is read through its
            // target's kept copy; for secrets the target itself was already scanned.
            EntryKind::HardLink => self.analyzers.required(path, &catalog_meta(entry)),
            _ => false,
        }
    }

    fn keep_for_hard_links(&self, path: &str, entry: &EntryMeta) -> bool {
        // Only analyzer inputs: keeping every file the secret scanner reads would hold a
        // layer's whole text in memory (600+ MiB on a 1.3 GB image).
        self.analyzers.required(path, &catalog_meta(entry))
    }

    fn visit(&mut self, file: &WantedFile<'_>) {
        let mut data = file.data.to_vec();
        self.visit_owned(OwnedFile {
            path: file.path,
            meta: file.meta,
            data: &mut data,
            truncated: file.truncated,
        });
    }

    fn visit_owned(&mut self, file: OwnedFile<'_>) {
        if let Some(scanner) = self.secrets
            && let Some(bg) = &mut self.background
            && file.meta.kind == EntryKind::File
            && scanner.wants(file.path, file.meta.size)
        {
            let shown = format!(
                "{}{}",
                self.display_prefix,
                file.path.trim_start_matches('/')
            );
            bg.submit(shown, file.data);
        }
        if let Some(analysis) = &mut self.analysis {
            analysis.add(file.path, catalog_meta(file.meta), file.data);
        }
    }

    fn held_bytes(&self) -> u64 {
        self.analysis.as_ref().map_or(0, LayerAnalysis::held_bytes)
    }

    fn finish_layer(&mut self) {
        if let Some(analysis) = self.analysis.take() {
            self.finished = Some(analysis.finish());
        }
    }
}

fn analyze(
    report: LayerReport,
    mut visitor: CatalogVisitor<'_>,
    walk: &WalkOptions,
) -> LayerResult {
    visitor.finish_layer();
    let inv = visitor.finished.take().unwrap_or_default();
    let mut found = visitor
        .background
        .map(secrets::BackgroundScan::finish)
        .unwrap_or_default();
    if visitor.secrets.is_some_and(|s| !s.scan_package_files()) {
        secrets::drop_package_owned(&mut found, &inv.owned, &visitor.display_prefix);
    }
    let mut errors: Vec<String> = inv.errors.iter().map(ToString::to_string).collect();
    errors.extend(limit_notes(&report, walk));
    LayerResult {
        report,
        os: inv.os,
        packages: inv.packages,
        owned: inv.owned,
        errors,
        lock_file_errors: inv.lock_file_errors,
        secrets: found,
    }
}

/// Files the walk's limits kept from the analyzers, said rather than silently missing.
fn limit_notes(report: &LayerReport, walk: &WalkOptions) -> Vec<String> {
    let mut notes = Vec::new();
    for path in &report.truncated_files {
        notes.push(format!(
            "/{path}: larger than the per-file limit of {} bytes; only its beginning was \
             analysed (raise it with --max-file-bytes)",
            walk.max_file_bytes
        ));
    }
    for (path, size) in &report.skipped_files {
        notes.push(format!(
            "/{path} ({size} bytes): not analysed: the memory budget of {} bytes for files \
             being analysed was in use (raise it with --max-memory)",
            walk.max_memory
        ));
    }
    notes
}

fn visitor<'a>(
    analyzers: &'a Analyzers,
    opts: &'a ScanOptions,
    display_prefix: String,
    progress: Option<Progress<'a>>,
) -> CatalogVisitor<'a> {
    CatalogVisitor {
        analyzers,
        analysis: Some(LayerAnalysis::new(analyzers)),
        finished: None,
        secrets: opts.secrets.as_ref().map(|s| &*s.scanner),
        background: opts
            .secrets
            .as_ref()
            .map(|s| secrets::BackgroundScan::new(std::sync::Arc::clone(&s.scanner))),
        display_prefix,
        progress,
    }
}

/// Scans an image: walk, analyze, apply, inventory.
pub fn scan_image(image: &Image, opts: &ScanOptions) -> Result<Inventory, ScanError> {
    scan_image_with_progress(image, opts, None)
}

/// [`scan_image`], reporting the walk's progress to `progress`.
pub fn scan_image_with_progress(
    image: &Image,
    opts: &ScanOptions,
    progress: Option<Progress<'_>>,
) -> Result<Inventory, ScanError> {
    let analyzers = Analyzers::for_mode(ScanMode::Image);
    let key_suffix = format!(
        "{CACHE_FORMAT}|{}|secrets={}",
        analyzers.cache_key(),
        opts.secrets
            .as_ref()
            .map_or("off", |s| s.cache_key.as_str())
    );
    let cached: Vec<Option<LayerResult>> = image
        .layers
        .iter()
        .map(|l| {
            opts.cache
                .as_ref()
                .and_then(|c| c.get(&l.cache_key(), &key_suffix))
        })
        .collect();
    // A cache entry stands for the blob it was made from: check that the blobs answered from
    // the cache are those blobs (the walk checks the others as it reads them).
    let hits: Vec<&bulwark_oci::Layer> = image
        .layers
        .iter()
        .zip(&cached)
        .filter(|(_, hit)| hit.is_some())
        .map(|(l, _)| l)
        .collect();
    verify_layer_blobs(image, &hits)?;
    if let Some(p) = progress {
        let misses = image
            .layers
            .iter()
            .zip(&cached)
            .filter(|(_, c)| c.is_none());
        let (layers, compressed_bytes) = misses.fold((0, 0), |(n, b), (l, _)| (n + 1, b + l.size));
        p(ScanEvent::WalkStarted {
            layers,
            compressed_bytes,
        });
    }
    let walked = walk_layers(image, &opts.walk, |layer| {
        cached
            .get(layer.index)
            .is_some_and(Option::is_none)
            .then(|| visitor(&analyzers, opts, "/".to_string(), progress))
    })?;
    let mut results = Vec::with_capacity(image.layers.len());
    let mut layers = Vec::with_capacity(image.layers.len());
    for ((layer, hit), walked) in image.layers.iter().zip(cached).zip(walked) {
        let from_cache = hit.is_some();
        let result = match (hit, walked) {
            (Some(r), _) => r,
            (None, Some(w)) => {
                let r = analyze(w.report, w.visitor, &opts.walk);
                if let Some(p) = progress {
                    p(ScanEvent::LayerDone);
                }
                // Only a layer whose blob was found to decompress to its diff id is cached under
                // that pair (the blob digest itself is checked by every completed walk).
                let verified = r.report.diff_id_verified
                    || layer.diff_id.as_ref().is_none_or(|d| d == &layer.digest);
                if verified && let Some(c) = &opts.cache {
                    c.put(&layer.cache_key(), &key_suffix, &r);
                }
                r
            }
            // walk_layers returns a slot for every layer we asked it to walk.
            (None, None) => continue,
        };
        layers.push(LayerInfo {
            index: layer.index,
            digest: layer.digest.to_string(),
            diff_id: layer.diff_id.as_ref().map(ToString::to_string),
            created_by: layer.history.as_ref().map(|h| h.created_by.clone()),
            cached: from_cache,
        });
        results.push(result);
    }
    let digests: Vec<Option<String>> = layers.iter().map(|l| Some(l.digest.clone())).collect();
    let subject = Subject {
        name: image.name.clone(),
        kind: SubjectKind::Image,
        digest: image.manifest_digest.as_ref().map(ToString::to_string),
        config_digest: Some(image.config_digest.to_string()),
    };
    let created_by: Vec<Option<String>> = layers.iter().map(|l| l.created_by.clone()).collect();
    let mut inv = apply(subject, results, &digests, &created_by, "/");
    inv.layers = layers;
    inv.config = Some(image.config.clone());
    Ok(inv)
}

/// Scans a directory (`bulwark fs` reads lock files too; `bulwark rootfs` only installed
/// packages, like an image), or one file (`bulwark fs package-lock.json`, as `trivy fs FILE`).
pub fn scan_dir(root: &Path, mode: ScanMode, opts: &ScanOptions) -> Result<Inventory, ScanError> {
    let analyzers = Analyzers::for_mode(mode);
    // Walked paths are shown under the directory named; a single file (`bulwark fs
    // poetry.lock`) is walked as itself, so its findings name it alone.
    let prefix = if root.is_file() {
        String::new()
    } else {
        format!("{}/", root.display().to_string().trim_end_matches('/'))
    };
    let mut v = visitor(&analyzers, opts, prefix.clone(), None);
    let report = walk_dir(root, &mut v, &opts.walk)?;
    let result = analyze(report, v, &opts.walk);
    let subject = Subject {
        name: root.display().to_string(),
        kind: SubjectKind::Directory,
        digest: None,
        config_digest: None,
    };
    let mut inv = apply(subject, vec![result], &[None], &[None], &prefix);
    inv.layers = vec![LayerInfo {
        index: 0,
        digest: String::new(),
        diff_id: None,
        created_by: None,
        cached: false,
    }];
    Ok(inv)
}

/// The tar path (no leading `/`) of the file that recorded a package; for nested archives
/// (`/app.jar/BOOT-INF/lib/x.jar`) the outermost archive.
pub(crate) fn evidence_file(path: &str) -> &str {
    let trimmed = path.trim_start_matches('/');
    for ext in [
        ".jar/", ".war/", ".ear/", ".par/", ".sar/", ".jpi/", ".hpi/",
    ] {
        if let Some(i) = trimmed.find(ext) {
            return &trimmed[..i + ext.len() - 1];
        }
    }
    trimmed
}

fn apply(
    subject: Subject,
    results: Vec<LayerResult>,
    digests: &[Option<String>],
    created_by: &[Option<String>],
    display_prefix: &str,
) -> Inventory {
    let merged = MergedFs::apply(results.iter().map(|r| &r.report));
    // Earliest layer in which each OS package version appears (Trivy's "layer that added it").
    let mut first_seen: HashMap<(String, String, String), usize> = HashMap::new();
    for (i, r) in results.iter().enumerate() {
        for p in r.packages.iter().filter(|p| p.kind.is_os()) {
            first_seen
                .entry((
                    p.kind.as_str().to_string(),
                    p.name.clone(),
                    p.version.clone(),
                ))
                .or_insert(i);
        }
    }
    // The OS of the last layer whose release file is still in the final image as that layer
    // wrote it: a later whiteout of `etc/os-release` (or an opaque `/etc`) takes it away.
    let os = results.iter().enumerate().rev().find_map(|(i, r)| {
        let os = r.os.as_ref()?;
        bulwark_catalog::OS_RELEASE_FILES
            .iter()
            .any(|p| {
                merged
                    .get(p.trim_start_matches('/'))
                    .is_some_and(|o| o.layer == i)
            })
            .then(|| os.clone())
    });
    let mut owned = FileOwnership::default();
    let mut packages = Vec::new();
    let mut errors = Vec::new();
    let mut lock_file_errors = Vec::new();
    let mut reports = Vec::with_capacity(results.len());
    let mut secrets = Vec::new();
    for (i, r) in results.into_iter().enumerate() {
        let digest = digests.get(i).cloned().flatten();
        for s in r.secrets {
            let path = s
                .location
                .path
                .strip_prefix(display_prefix)
                .unwrap_or(&s.location.path)
                .to_string();
            let removed = merged.is_hidden(&path, i);
            let step = created_by.get(i).cloned().flatten();
            let mut f = s.with_removed_in_later_layer(removed);
            if let Some(d) = &digest {
                f = f.with_layer(d.clone(), step);
            }
            secrets.push(f.to_finding());
        }
        reports.push(r.report);
        owned.extend(r.owned);
        errors.extend(r.errors);
        lock_file_errors.extend(r.lock_file_errors);
        for mut p in r.packages {
            let file = evidence_file(&p.location.path);
            let survives = merged.get(file).is_some_and(|o| o.layer == i);
            if !survives {
                continue;
            }
            let layer = if p.kind.is_os() {
                first_seen
                    .get(&(
                        p.kind.as_str().to_string(),
                        p.name.clone(),
                        p.version.clone(),
                    ))
                    .copied()
                    .unwrap_or(i)
            } else {
                i
            };
            p.location.layer_digest = digests.get(layer).cloned().flatten();
            packages.push(p);
        }
    }
    mark_os_owned(&mut packages, &owned);
    for p in &mut packages {
        p.refresh_purl(os.as_ref());
    }
    packages.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.location.cmp(&b.location))
    });
    packages.dedup();
    Inventory {
        subject,
        os,
        packages,
        layers: Vec::new(),
        config: None,
        reports,
        merged,
        errors,
        lock_file_errors,
        secrets,
    }
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The user cache directory for Bulwark (`$XDG_CACHE_HOME/bulwark`, `~/.cache/bulwark`).
#[must_use]
pub fn default_cache_dir() -> Option<PathBuf> {
    std::env::var_os("BULWARK_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("XDG_CACHE_HOME")
                .filter(|v| !v.is_empty())
                .map(|x| PathBuf::from(x).join("bulwark"))
        })
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache").join("bulwark"))
        })
}
