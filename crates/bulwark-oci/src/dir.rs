//! `DirSource`: a root filesystem directory (`bulwark fs DIR`, `bulwark rootfs DIR`) walked
//! through the same [`LayerVisitor`] interface as one pseudo-layer. Symlinks are recorded,
//! never followed, so nothing outside the directory is read.

use std::fs;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use crate::error::{OciError, Result};
use crate::walk::{
    EntryKind, EntryMeta, EntryRecord, LayerReport, LayerVisitor, OwnedFile, WalkOptions,
};

/// Maximum directory depth followed (guards against pathological trees).
const MAX_DEPTH: usize = 256;

/// A directory scanned as a single pseudo-layer.
#[derive(Debug, Clone)]
pub struct DirSource {
    root: PathBuf,
}

impl DirSource {
    /// Uses `root`; fails if it is not a directory.
    pub fn new(root: &Path) -> Result<Self> {
        let md = fs::metadata(root)
            .map_err(|e| OciError::io(format!("{}: opening directory", root.display()), e))?;
        if !md.is_dir() {
            return Err(OciError::NotAnImage {
                path: root.display().to_string(),
                reason: "not a directory".into(),
            });
        }
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Walks the tree (sorted, deterministic order), recording every entry's metadata and
    /// handing wanted regular files to `visitor`. Unreadable entries are skipped and listed in
    /// the report's `suspicious_paths` with the reason.
    pub fn walk<V: LayerVisitor + ?Sized>(
        &self,
        visitor: &mut V,
        opts: &WalkOptions,
    ) -> Result<LayerReport> {
        walk_dir(&self.root, visitor, opts)
    }
}

/// Walks `root` as one pseudo-layer. See [`DirSource::walk`]. A regular file as `root` is a
/// pseudo-layer holding that one file under its own name.
pub fn walk_dir<V: LayerVisitor + ?Sized>(
    root: &Path,
    visitor: &mut V,
    opts: &WalkOptions,
) -> Result<LayerReport> {
    let mut report = LayerReport {
        index: 0,
        cache_key: format!("dir:{}", root.display()),
        entries: Vec::new(),
        whiteouts: Vec::new(),
        opaque_dirs: Vec::new(),
        suspicious_paths: Vec::new(),
        truncated_files: Vec::new(),
        skipped_files: Vec::new(),
        uncompressed_bytes: 0,
        compression: crate::walk::Compression::None,
        diff_id_verified: false,
    };
    // A regular file as the root (`bulwark fs package-lock.json`, as `trivy fs FILE`): the
    // pseudo-layer holds that one file, under its own name.
    let root_meta =
        fs::metadata(root).map_err(|e| OciError::io(format!("{}: opening", root.display()), e))?;
    let single_file = if root_meta.is_file() {
        root.file_name()
            .map(|n| (n.to_string_lossy().into_owned(), root.to_path_buf()))
    } else {
        None
    };
    if single_file.is_none() {
        fs::read_dir(root)
            .map_err(|e| OciError::io(format!("{}: reading directory", root.display()), e))?;
    }
    let mut stack: Vec<(PathBuf, String, usize)> = vec![(root.to_path_buf(), String::new(), 0)];
    let mut buf = Vec::new();
    while let Some((dir, rel, depth)) = stack.pop() {
        let listed = match (&single_file, depth) {
            (Some(file), 0) => Ok(vec![file.clone()]),
            _ => fs::read_dir(&dir).map(|rd| {
                rd.filter_map(std::result::Result::ok)
                    .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
                    .collect()
            }),
        };
        let mut children: Vec<(String, PathBuf)> = match listed {
            Ok(children) => children,
            Err(e) => {
                skip(&mut report, &rel, &e.to_string());
                continue;
            }
        };
        children.sort();
        let mut subdirs = Vec::new();
        for (name, full) in children {
            let path = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            if opts.skip_dirs.iter().any(|s| s == &path) {
                continue;
            }
            let md = match fs::symlink_metadata(&full) {
                Ok(m) => m,
                Err(e) => {
                    skip(&mut report, &path, &e.to_string());
                    continue;
                }
            };
            let ft = md.file_type();
            let kind = if ft.is_symlink() {
                EntryKind::Symlink
            } else if ft.is_dir() {
                EntryKind::Dir
            } else if ft.is_file() {
                EntryKind::File
            } else if ft.is_char_device() {
                EntryKind::CharDevice
            } else if ft.is_block_device() {
                EntryKind::BlockDevice
            } else if ft.is_fifo() {
                EntryKind::Fifo
            } else {
                EntryKind::Other
            };
            let link_target = if kind == EntryKind::Symlink {
                fs::read_link(&full)
                    .ok()
                    .map(|t| t.to_string_lossy().into_owned())
            } else {
                None
            };
            let meta = EntryMeta {
                kind,
                mode: md.mode() & 0o7777,
                uid: u64::from(md.uid()),
                gid: u64::from(md.gid()),
                size: if kind == EntryKind::File { md.len() } else { 0 },
                mtime: md.mtime().max(0) as u64,
                link_target,
            };
            if kind == EntryKind::File
                && visitor.wants(&path, &meta)
                && visitor
                    .held_bytes()
                    .saturating_add(meta.size.min(opts.max_file_bytes))
                    > opts.max_memory
            {
                report.skipped_files.push((path.clone(), meta.size));
            } else if kind == EntryKind::File && visitor.wants(&path, &meta) {
                buf.clear();
                if buf.capacity() > 1 << 20 {
                    // the last file was large: give its memory back rather than keep it
                    buf = Vec::new();
                }
                buf.reserve_exact(usize::try_from(meta.size.min(opts.max_file_bytes)).unwrap_or(0));
                // O_NOFOLLOW semantics: we checked with symlink_metadata; a race that swaps
                // in a symlink is caught by comparing inode numbers after opening.
                match fs::File::open(&full) {
                    Ok(f) => {
                        let same = f
                            .metadata()
                            .is_ok_and(|m2| m2.ino() == md.ino() && m2.dev() == md.dev());
                        if !same {
                            skip(&mut report, &path, "file changed while scanning");
                        } else if let Err(e) = f.take(opts.max_file_bytes).read_to_end(&mut buf) {
                            skip(&mut report, &path, &e.to_string());
                        } else {
                            report.uncompressed_bytes += buf.len() as u64;
                            let truncated = meta.size > opts.max_file_bytes;
                            if truncated {
                                report.truncated_files.push(path.clone());
                            }
                            visitor.visit_owned(OwnedFile {
                                path: &path,
                                meta: &meta,
                                data: &mut buf,
                                truncated,
                            });
                        }
                    }
                    Err(e) => skip(&mut report, &path, &e.to_string()),
                }
            }
            if kind == EntryKind::Dir {
                if depth + 1 < MAX_DEPTH {
                    subdirs.push((full, path.clone(), depth + 1));
                } else {
                    skip(&mut report, &path, "directory nesting too deep");
                }
            }
            report.entries.push(EntryRecord { path, meta });
        }
        // reverse so the stack pops them in sorted order
        stack.extend(subdirs.into_iter().rev());
    }
    visitor.finish_layer();
    Ok(report)
}

fn skip(report: &mut LayerReport, path: &str, why: &str) {
    report.suspicious_paths.push(crate::walk::SuspiciousPath {
        raw: path.to_string(),
        normalized: None,
        reason: format!("skipped: {why}"),
    });
}
