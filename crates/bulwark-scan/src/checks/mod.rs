//! Image configuration checks (`BWI001`…): the user, the healthcheck, exposed ports, setuid and
//! world-writable files, sudo, remote `ADD`, package caches, `latest` base images, build-step
//! hygiene, credential files, secrets in the configuration.
//!
//! One check, one file: each file declares its rule with [`Check`], whose doc comment
//! ([`bulwark_report::rule_doc!`]) is the rule's documentation, and its `run` function.
//! [`CHECKS`] is the registry. The checks read an [`ImageInput`] (image config, per-layer entry
//! metadata, package names) and do no I/O; [`check_image`] builds it from a scanned image.
//!
//! ## Mapping to Trivy and Dockle
//!
//! | Bulwark | Trivy (Dockerfile/image config) | Dockle |
//! |---|---|---|
//! | BWI001 root-user | AVD-DS-0002 (DS002) | CIS-DI-0001 |
//! | BWI002 secret-in-config | secret scanner over config | CIS-DI-0010 |
//! | BWI003 no-healthcheck | AVD-DS-0026 (DS026) | CIS-DI-0006 |
//! | BWI004 ssh-port-exposed | AVD-DS-0004 (DS004) | - |
//! | BWI005 setuid-setgid-file | - | CIS-DI-0008 |
//! | BWI006 world-writable | - | - (CIS Docker 4.8 spirit) |
//! | BWI007 sudo-installed | - | DKL-DI-0001 (binary present) |
//! | BWI008 add-remote-url | AVD-DS-0005 (DS005) | CIS-DI-0009 |
//! | BWI009 package-cache-left | AVD-DS-0019/0025 family (cache flags) | DKL-DI-0005 |
//! | BWI010 latest-base-image | AVD-DS-0001 (DS001) | - |
//! | BWI011 image-tag-latest | - | DKL-DI-0006 |
//! | BWI012 sudo-in-history | AVD-DS-0010 (DS010) | DKL-DI-0001 |
//! | BWI013 update-without-install | AVD-DS-0017 (DS017) | CIS-DI-0007 |
//! | BWI014 sensitive-volume | - | DKL-DI-0002 |
//! | BWI015 credential-file-present | secret scanner (files) | CIS-DI-0010 (suspicious files) |
//! | BWI016 dist-upgrade | - | DKL-DI-0003 |
//!
//! Not covered: CIS-DI-0005 (content trust: a daemon setting, not an image property),
//! DKL-LI-0001/0002 (empty or duplicate passwords in `/etc/shadow` / `/etc/passwd`: needs file
//! contents), DKL-LI-0003 (unnecessary files), DKL-DI-0004 (`apk add --no-cache`: BWI009 checks
//! the outcome, the cache, instead).

mod bwi001_root_user;
mod bwi002_secret_in_config;
mod bwi003_no_healthcheck;
mod bwi004_ssh_port;
mod bwi005_setuid_setgid;
mod bwi006_world_writable;
mod bwi007_sudo_installed;
mod bwi008_add_remote_url;
mod bwi009_package_cache;
mod bwi010_latest_base;
mod bwi011_image_tag_latest;
mod bwi012_sudo_in_history;
mod bwi013_update_without_install;
mod bwi014_sensitive_volume;
mod bwi015_credential_file;
mod bwi016_dist_upgrade;

use std::collections::{BTreeMap, HashMap};

use bulwark_oci::{EntryKind, Image};
use bulwark_report::{Category, Finding, Location, RuleInfo, Severity};
use bulwark_secrets::Scanner;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};

use crate::Inventory;

/// One image check: its rule (code, name, severity, summary, documentation) and its run.
#[derive(Debug)]
pub struct Check {
    /// `BWI001`.
    pub code: &'static str,
    /// Kebab-case name.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// One line.
    pub summary: &'static str,
    /// The doc comment: what it finds, why it matters, example, fix, related checks elsewhere.
    pub doc: &'static str,
    /// `Secret` for secrets in the configuration (the secret scanner reports them), else
    /// `ImageConfig`.
    pub category: Category,
    /// The check.
    pub run: fn(&Context<'_>, &mut Vec<Finding>),
}

/// The registry, in code order.
pub static CHECKS: &[&Check] = &[
    &bwi001_root_user::CHECK,
    &bwi002_secret_in_config::CHECK,
    &bwi003_no_healthcheck::CHECK,
    &bwi004_ssh_port::CHECK,
    &bwi005_setuid_setgid::CHECK,
    &bwi006_world_writable::CHECK,
    &bwi007_sudo_installed::CHECK,
    &bwi008_add_remote_url::CHECK,
    &bwi009_package_cache::CHECK,
    &bwi010_latest_base::CHECK,
    &bwi011_image_tag_latest::CHECK,
    &bwi012_sudo_in_history::CHECK,
    &bwi013_update_without_install::CHECK,
    &bwi014_sensitive_volume::CHECK,
    &bwi015_credential_file::CHECK,
    &bwi016_dist_upgrade::CHECK,
];

/// Registry entries for `bulwark rules`, SARIF and the docs.
#[must_use]
pub fn rule_infos() -> Vec<RuleInfo> {
    CHECKS
        .iter()
        .map(|c| RuleInfo {
            code: c.code.to_string(),
            name: Some(c.name.to_string()),
            summary: c.summary.to_string(),
            help_markdown: bulwark_report::doc_markdown(c.doc),
            default_severity: c.severity,
            help_uri: Some(bulwark_report::rule_docs_url(c.code)),
        })
        .collect()
}

/// Kind of a tar entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// Regular file.
    File,
    /// Directory.
    Dir,
    /// Symbolic link (its mode bits are meaningless).
    Symlink,
    /// Hard link to an earlier entry.
    Hardlink,
    /// Device, FIFO or anything else.
    Other,
}

/// Metadata of one entry of a layer tar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileMeta {
    /// Path inside the image (`/usr/bin/su` or `usr/bin/su`).
    pub path: String,
    /// Unix mode including the setuid (0o4000), setgid (0o2000) and sticky (0o1000) bits.
    pub mode: u32,
    /// Owner uid.
    pub uid: u64,
    /// Owner gid.
    pub gid: u64,
    /// Size in bytes.
    pub size: u64,
    /// Entry type.
    pub kind: FileKind,
    /// True when a later layer deletes this path (whiteout or opaque directory).
    #[serde(default)]
    pub removed_in_later_layer: bool,
}

/// One layer's entries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerFiles {
    /// Layer digest (`sha256:...`), reported as a property.
    pub digest: String,
    /// Whether this layer comes from the base image; `None` when unknown.
    #[serde(default)]
    pub is_base: Option<bool>,
    /// The entries of this layer.
    pub files: Vec<FileMeta>,
}

/// One history entry of the image config.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The `created_by` command.
    pub created_by: String,
    /// True for steps that produced no layer (`ENV`, `LABEL`, ...).
    #[serde(default)]
    pub empty_layer: bool,
}

/// Everything the image checks look at.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageInput {
    /// The image as the user named it (`registry/app:1.2`); used as the location of
    /// config-level findings and for the `latest` tag check.
    pub reference: String,
    /// `config.User` (`None` or empty: root).
    #[serde(default)]
    pub user: Option<String>,
    /// `config.Env` (`KEY=value`).
    #[serde(default)]
    pub env: Vec<String>,
    /// `config.ExposedPorts` keys (`22/tcp`).
    #[serde(default)]
    pub exposed_ports: Vec<String>,
    /// `config.Labels`.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// `config.Healthcheck.Test` (`["CMD", ...]`, `["NONE"]`); `None` when not set.
    #[serde(default)]
    pub healthcheck: Option<Vec<String>>,
    /// `config.Volumes` keys.
    #[serde(default)]
    pub volumes: Vec<String>,
    /// `history`, oldest first.
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    /// Layers, bottom first, with their entries.
    #[serde(default)]
    pub layers: Vec<LayerFiles>,
    /// How many bottom layers belong to the base image, when known (alternative to
    /// per-layer `is_base`).
    #[serde(default)]
    pub base_layer_count: Option<usize>,
    /// Installed package names (any ecosystem; `sudo` is looked for).
    #[serde(default)]
    pub packages: Vec<String>,
}

/// At most this many findings per file-based check; the rest are summarised in one finding.
const MAX_FILE_FINDINGS: usize = 100;

/// What every check reads: the input, the secret scanner, and the final file system.
pub struct Context<'a> {
    /// The image.
    pub input: &'a ImageInput,
    /// Secret rules (BWI002).
    pub scanner: &'a Scanner,
    /// Path (normalised) → (layer, entry) of the final file system, last writer wins.
    pub final_fs: HashMap<&'a str, (usize, &'a FileMeta)>,
    /// Files present in the final file system, sorted by path.
    pub final_files: Vec<(usize, &'a FileMeta)>,
    /// Every entry of every layer (deleted ones too: they are still in the image).
    pub all_entries: Vec<(usize, &'a FileMeta)>,
}

impl<'a> Context<'a> {
    fn new(input: &'a ImageInput, scanner: &'a Scanner) -> Self {
        let mut final_fs: HashMap<&str, (usize, &FileMeta)> = HashMap::new();
        let mut all_entries = Vec::new();
        for (li, layer) in input.layers.iter().enumerate() {
            for f in &layer.files {
                final_fs.insert(norm(&f.path), (li, f));
                all_entries.push((li, f));
            }
        }
        let mut final_files: Vec<(usize, &FileMeta)> = final_fs
            .values()
            .filter(|(_, f)| !f.removed_in_later_layer)
            .copied()
            .collect();
        final_files.sort_by(|a, b| norm(&a.1.path).cmp(norm(&b.1.path)));
        Self {
            input,
            scanner,
            final_fs,
            final_files,
            all_entries,
        }
    }

    /// The location of config-level findings: the image itself.
    pub fn here(&self) -> Location {
        Location::file(self.input.reference.clone())
    }

    /// Whether layer `li` belongs to the base image, when known.
    pub fn is_base(&self, li: usize) -> Option<bool> {
        self.input
            .layers
            .get(li)
            .and_then(|l| l.is_base)
            .or_else(|| self.input.base_layer_count.map(|n| li < n))
    }

    /// The digest of layer `li`.
    pub fn layer_digest(&self, li: usize) -> String {
        self.input
            .layers
            .get(li)
            .map(|l| l.digest.clone())
            .unwrap_or_default()
    }
}

impl Check {
    /// A finding of this check.
    pub fn finding(&'static self, message: String, location: Location) -> Finding {
        Finding::new(self.code, self.severity, self.category, message, location)
            .with_help(fix_text(self.doc))
            .with_property("check", self.name)
    }
}

/// The text of the doc comment's `## Fix` section, as the occurrence's help.
fn fix_text(doc: &str) -> String {
    let md = bulwark_report::doc_markdown(doc);
    md.split("## Fix")
        .nth(1)
        .map(|rest| rest.split("\n## ").next().unwrap_or(rest).trim().to_owned())
        .unwrap_or_default()
}

/// Runs every check on `input`.
#[must_use]
pub fn check_input(input: &ImageInput, scanner: &Scanner) -> Vec<Finding> {
    let cx = Context::new(input, scanner);
    let mut out = Vec::new();
    for c in CHECKS {
        (c.run)(&cx, &mut out);
    }
    out
}

fn file_kind(k: EntryKind) -> FileKind {
    match k {
        EntryKind::File => FileKind::File,
        EntryKind::Dir => FileKind::Dir,
        EntryKind::Symlink => FileKind::Symlink,
        EntryKind::HardLink => FileKind::Hardlink,
        _ => FileKind::Other,
    }
}

/// Runs every check on a scanned image: its config, every layer's entry metadata, its packages.
#[must_use]
pub fn check_image(image: &Image, inv: &Inventory, scanner: &Scanner) -> Vec<Finding> {
    let cfg = &image.config.config;
    let layers = inv
        .reports
        .iter()
        .enumerate()
        .map(|(i, r)| LayerFiles {
            digest: inv
                .layers
                .get(i)
                .map(|l| l.digest.clone())
                .unwrap_or_default(),
            is_base: None,
            files: r
                .entries
                .iter()
                .map(|e| FileMeta {
                    path: e.path.clone(),
                    mode: e.meta.mode,
                    uid: e.meta.uid,
                    gid: e.meta.gid,
                    size: e.meta.size,
                    kind: file_kind(e.meta.kind),
                    removed_in_later_layer: inv.merged.is_hidden(&e.path, i),
                })
                .collect(),
        })
        .collect();
    let input = ImageInput {
        reference: inv.subject.name.clone(),
        user: (!cfg.user.is_empty()).then(|| cfg.user.clone()),
        env: cfg.env.clone(),
        exposed_ports: cfg.exposed_ports.keys().cloned().collect(),
        labels: cfg.labels.clone(),
        healthcheck: cfg.healthcheck.as_ref().map(|h| h.test.clone()),
        volumes: cfg.volumes.keys().cloned().collect(),
        history: image
            .config
            .history
            .iter()
            .map(|h| HistoryEntry {
                created_by: h.created_by.clone(),
                empty_layer: h.empty_layer,
            })
            .collect(),
        layers,
        base_layer_count: None,
        packages: inv.packages.iter().map(|p| p.name.clone()).collect(),
    };
    check_input(&input, scanner)
}

/// Keeps at most [`MAX_FILE_FINDINGS`] findings of a file-based check; the rest become one
/// summary finding.
fn push_capped(
    out: &mut Vec<Finding>,
    mut found: Vec<Finding>,
    check: &'static Check,
    reference: &str,
) {
    if found.len() > MAX_FILE_FINDINGS {
        let extra = found.len() - MAX_FILE_FINDINGS;
        found.truncate(MAX_FILE_FINDINGS);
        found.push(
            check
                .finding(
                    format!("... and {extra} more files"),
                    Location::file(reference),
                )
                .with_property("omitted", extra),
        );
    }
    out.extend(found);
}

/// `path` without leading `/` or `./`.
fn norm(path: &str) -> &str {
    let mut p = path;
    while let Some(rest) = p.strip_prefix('/').or_else(|| p.strip_prefix("./")) {
        p = rest;
    }
    p
}

/// The location of a file-based finding: its in-image path.
fn file_loc(f: &FileMeta) -> Location {
    Location::file(format!("/{}", norm(&f.path)))
}

/// A build step that runs a command: the classic builder's `/bin/sh -c cmd` (not `#(nop)`),
/// BuildKit's `RUN …`, or a step with build arguments `|N …`.
fn is_run_step(cmd: &str) -> bool {
    let c = cmd.trim_start();
    (c.starts_with("/bin/sh -c ") && !c.contains("#(nop)"))
        || c.starts_with("RUN ")
        || c.starts_with('|')
}

/// `word` as a command word in `haystack` (not part of a path or a longer name).
fn has_word(haystack: &str, word: &str) -> bool {
    haystack.match_indices(word).any(|(i, _)| {
        let before = haystack[..i].chars().next_back();
        let after = haystack[i + word.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '/')
            && after.is_some_and(char::is_whitespace)
    })
}

fn globs(patterns: &[&str]) -> Result<GlobSet, globset::Error> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(GlobBuilder::new(p).literal_separator(true).build()?);
    }
    b.build()
}

/// True for `name`, `name:latest`, `registry:5000/name` (untagged), but not `name:1.2` or
/// `name@sha256:...`.
fn is_latest_ref(reference: &str) -> bool {
    let r = reference.trim();
    if r.contains('@') {
        return false;
    }
    let last = r.rsplit('/').next().unwrap_or(r);
    match last.rsplit_once(':') {
        Some((_, tag)) => tag == "latest",
        None => true,
    }
}

/// The first 200 characters of a history step, for the `created_by` property.
fn shown(cmd: &str) -> String {
    cmd.chars().take(200).collect()
}
