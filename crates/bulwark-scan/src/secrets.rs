//! Secret scanning and image-configuration checks wired into the scan: the scanner runs on every
//! wanted file as the layer streams past, and the configuration checks read the image config,
//! every layer's file metadata (setuid bits, world-writable paths, caches) and the packages.

use std::sync::Arc;

use bulwark_oci::{EntryKind, Image};
use bulwark_report::Finding;
use bulwark_secrets::Scanner;
use bulwark_secrets::image::{FileKind, FileMeta, HistoryEntry, ImageInput, LayerFiles};

use crate::Inventory;

/// A built secret scanner plus the key that identifies its rules in the layer cache.
#[derive(Debug, Clone)]
pub struct SecretScanning {
    /// The scanner (built once; shared by the parallel layer walks).
    pub scanner: Arc<Scanner>,
    /// Changes whenever the rules change (built-in version plus the user config's text).
    pub cache_key: String,
}

impl SecretScanning {
    /// The built-in rules, optionally extended by a user configuration whose raw text is
    /// `config_text` (part of the cache key).
    #[must_use]
    pub fn new(scanner: Scanner, config_text: &str) -> Self {
        use sha2::{Digest as _, Sha256};
        let digest = Sha256::digest(config_text.as_bytes());
        let short = crate::hex(digest.get(..8).unwrap_or_default());
        Self {
            scanner: Arc::new(scanner),
            cache_key: format!("builtin-{}+{short}", env!("CARGO_PKG_VERSION")),
        }
    }
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

/// Runs the image-configuration checks (root user, secrets in Env, no HEALTHCHECK, port 22,
/// setuid binaries, world-writable paths, sudo, remote ADD, package caches, `latest` base ...).
#[must_use]
pub fn check_image_config(image: &Image, inv: &Inventory, scanner: &Scanner) -> Vec<Finding> {
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
    bulwark_secrets::image::check_image(&input, scanner)
}
