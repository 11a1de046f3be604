//! The applier: merges per-layer reports in layer order (whiteouts, opaque dirs, overwrites)
//! into the final file view, remembering which layer each surviving path comes from and which
//! paths a later layer removed (so e.g. a secret "removed in a later layer" can be reported).

use std::collections::BTreeMap;
use std::ops::Bound;

use serde::{Deserialize, Serialize};

use crate::walk::{EntryKind, EntryMeta, LayerReport};

/// Where a surviving path comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileOrigin {
    /// Index of the layer that last wrote the path.
    pub layer: usize,
    /// Metadata as written by that layer.
    pub meta: EntryMeta,
}

/// How a lower-layer path disappeared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Removal {
    /// A `.wh.<name>` marker for the path or a parent.
    Whiteout,
    /// An opaque-directory marker on a parent.
    OpaqueDir,
    /// A later layer wrote the same path (or replaced a parent directory by a non-directory).
    Overwritten,
}

/// A path present in some layer but not in the final image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemovedPath {
    /// The path.
    pub path: String,
    /// Layer that had added it.
    pub added_in: usize,
    /// Layer that removed or replaced it.
    pub removed_in: usize,
    /// How.
    pub how: Removal,
    /// Its metadata in the layer that added it.
    pub meta: EntryMeta,
}

/// The merged (final) file view of an image.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergedFs {
    files: BTreeMap<String, FileOrigin>,
    removed: Vec<RemovedPath>,
}

/// Maximum symlinks followed by [`MergedFs::resolve`] (Linux uses 40).
pub const MAX_SYMLINK_HOPS: usize = 40;

impl MergedFs {
    /// Applies `reports` (one per layer, base first; `index` fields are used as layer numbers).
    /// Within a layer, its whiteouts and opaque markers act on lower layers only.
    pub fn apply<'a>(reports: impl IntoIterator<Item = &'a LayerReport>) -> Self {
        let mut fs = Self::default();
        for r in reports {
            for dir in &r.opaque_dirs {
                fs.remove_children(dir, r.index, Removal::OpaqueDir);
            }
            for w in &r.whiteouts {
                fs.remove_tree(w, r.index, Removal::Whiteout);
            }
            for e in &r.entries {
                if let Some(old) = fs.files.get(&e.path)
                    && old.layer != r.index
                {
                    let replaced_dir =
                        old.meta.kind == EntryKind::Dir && e.meta.kind != EntryKind::Dir;
                    if old.meta.kind != EntryKind::Dir {
                        fs.removed.push(RemovedPath {
                            path: e.path.clone(),
                            added_in: old.layer,
                            removed_in: r.index,
                            how: Removal::Overwritten,
                            meta: old.meta.clone(),
                        });
                    }
                    if replaced_dir {
                        fs.remove_children(&e.path, r.index, Removal::Overwritten);
                    }
                }
                fs.files.insert(
                    e.path.clone(),
                    FileOrigin {
                        layer: r.index,
                        meta: e.meta.clone(),
                    },
                );
            }
        }
        fs
    }

    fn remove_tree(&mut self, path: &str, layer: usize, how: Removal) {
        if let Some(old) = self.files.remove(path) {
            self.note(path.to_string(), old, layer, how);
        }
        self.remove_children(path, layer, how);
    }

    fn remove_children(&mut self, dir: &str, layer: usize, how: Removal) {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let keys: Vec<String> = self
            .files
            .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(k, _)| k.clone())
            .collect();
        for k in keys {
            if let Some(old) = self.files.remove(&k) {
                self.note(k, old, layer, how);
            }
        }
    }

    fn note(&mut self, path: String, old: FileOrigin, layer: usize, how: Removal) {
        if old.meta.kind != EntryKind::Dir {
            self.removed.push(RemovedPath {
                path,
                added_in: old.layer,
                removed_in: layer,
                how,
                meta: old.meta,
            });
        }
    }

    /// The surviving entry at `path` (normalised, no leading `/`; a leading `/` is tolerated).
    pub fn get(&self, path: &str) -> Option<&FileOrigin> {
        self.files.get(path.trim_start_matches('/'))
    }

    /// All surviving entries in path order.
    pub fn files(&self) -> impl Iterator<Item = (&str, &FileOrigin)> {
        self.files.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Number of surviving entries.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when the image has no entries.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Non-directory paths removed or replaced by a later layer, in the order it happened.
    pub fn removed(&self) -> &[RemovedPath] {
        &self.removed
    }

    /// True when `path` (added in `layer`) is not visible in the final image from that layer.
    pub fn is_hidden(&self, path: &str, layer: usize) -> bool {
        self.get(path).is_none_or(|o| o.layer != layer)
    }

    /// Resolves `path` inside the image, following symlinks (in every component) the way a
    /// chroot would: absolute targets restart at the image root and `..` never climbs above it,
    /// so the result is always inside the image. Returns `None` on a symlink loop (more than
    /// [`MAX_SYMLINK_HOPS`] links). The returned path need not exist.
    pub fn resolve(&self, path: &str) -> Option<String> {
        let mut pending: Vec<String> = path
            .split('/')
            .rev()
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        let mut cur: Vec<String> = Vec::new();
        let mut hops = 0;
        while let Some(c) = pending.pop() {
            match c.as_str() {
                "." => {}
                ".." => {
                    cur.pop();
                }
                _ => {
                    cur.push(c);
                    let joined = cur.join("/");
                    if let Some(FileOrigin {
                        meta:
                            EntryMeta {
                                kind: EntryKind::Symlink,
                                link_target: Some(target),
                                ..
                            },
                        ..
                    }) = self.files.get(&joined)
                    {
                        hops += 1;
                        if hops > MAX_SYMLINK_HOPS {
                            return None;
                        }
                        cur.pop();
                        if target.starts_with('/') {
                            cur.clear();
                        }
                        pending.extend(
                            target
                                .split('/')
                                .rev()
                                .filter(|c| !c.is_empty())
                                .map(str::to_string),
                        );
                    }
                }
            }
        }
        Some(cur.join("/"))
    }
}
