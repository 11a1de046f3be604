//! Random-access file stores behind docker-save archives and OCI layouts: a directory, or a
//! tar file indexed once (entry name → byte offset) so blobs are read in place, never extracted.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::error::{OciError, Result};

/// Largest JSON document (manifest.json, index.json, manifests, configs) read into memory.
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// Read-only access to named files of an archive or layout.
pub trait FileStore: Send + Sync {
    /// Name for error messages (the path given by the user).
    fn name(&self) -> &str;
    /// Opens `path` (relative, `/`-separated); `Ok(None)` if absent.
    fn open(&self, path: &str) -> Result<Option<(Box<dyn Read + Send>, u64)>>;
    /// True if `path` exists.
    fn exists(&self, path: &str) -> bool;

    /// Reads a small document fully (bounded by [`MAX_DOCUMENT_BYTES`]).
    fn read_document(&self, path: &str) -> Result<Option<Vec<u8>>> {
        let Some((r, size)) = self.open(path)? else {
            return Ok(None);
        };
        if size > MAX_DOCUMENT_BYTES {
            return Err(OciError::invalid(
                format!("{}: {path}", self.name()),
                format!("document of {size} bytes exceeds {MAX_DOCUMENT_BYTES}"),
            ));
        }
        let mut buf = Vec::with_capacity(size as usize);
        r.take(MAX_DOCUMENT_BYTES)
            .read_to_end(&mut buf)
            .map_err(|e| OciError::io(format!("{}: reading {path}", self.name()), e))?;
        Ok(Some(buf))
    }
}

/// Normalises an in-archive path: strips `./` and leading `/`, drops `.`; `None` for `..`.
pub(crate) fn clean_rel(path: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => return None,
            c => out.push(c),
        }
    }
    Some(out.join("/"))
}

/// Resolves `.`/`..` lexically; `None` if the path climbs above the root.
pub(crate) fn lexical(path: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            c => out.push(c),
        }
    }
    Some(out.join("/"))
}

/// A directory (unpacked docker-save archive or OCI layout).
#[derive(Debug, Clone)]
pub struct DirStore {
    root: PathBuf,
    name: String,
}

impl DirStore {
    /// Uses `root` as the store.
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            name: root.display().to_string(),
        }
    }

    fn resolve(&self, path: &str) -> Option<PathBuf> {
        let rel = clean_rel(path)?;
        let p = Path::new(&rel);
        if p.components().any(|c| !matches!(c, Component::Normal(_))) {
            return None;
        }
        Some(self.root.join(p))
    }
}

impl FileStore for DirStore {
    fn name(&self) -> &str {
        &self.name
    }

    fn open(&self, path: &str) -> Result<Option<(Box<dyn Read + Send>, u64)>> {
        let Some(full) = self.resolve(path) else {
            return Ok(None);
        };
        match File::open(&full) {
            Ok(f) => {
                let size = f
                    .metadata()
                    .map_err(|e| OciError::io(format!("{}: {path}", self.name), e))?
                    .len();
                Ok(Some((
                    Box::new(BufReader::with_capacity(256 * 1024, f)),
                    size,
                )))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(OciError::io(format!("{}: opening {path}", self.name), e)),
        }
    }

    fn exists(&self, path: &str) -> bool {
        self.resolve(path).is_some_and(|p| p.is_file())
    }
}

#[derive(Debug, Clone)]
enum TarItem {
    File { offset: u64, size: u64 },
    Link(String),
}

/// A tar file indexed once: entries are then read with `seek` + `take`, in parallel.
#[derive(Debug)]
pub struct TarStore {
    path: PathBuf,
    name: String,
    items: HashMap<String, TarItem>,
    // Keeps a spooled temp file alive as long as the store.
    _keep: Option<Arc<tempfile::NamedTempFile>>,
}

impl TarStore {
    /// Indexes the tar at `path` (reads headers only, skipping file data).
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_named(path, path.display().to_string(), None)
    }

    /// Indexes a spooled temp file; `name` is shown in errors.
    pub fn open_spooled(tmp: tempfile::NamedTempFile, name: String) -> Result<Self> {
        let path = tmp.path().to_path_buf();
        Self::open_named(&path, name, Some(Arc::new(tmp)))
    }

    fn open_named(
        path: &Path,
        name: String,
        keep: Option<Arc<tempfile::NamedTempFile>>,
    ) -> Result<Self> {
        let f =
            File::open(path).map_err(|e| OciError::io(format!("{name}: opening archive"), e))?;
        let mut ar = tar::Archive::new(BufReader::new(f));
        let mut items = HashMap::new();
        let entries = ar
            .entries()
            .map_err(|e| OciError::io(format!("{name}: reading tar"), e))?;
        for entry in entries {
            let entry = entry.map_err(|e| OciError::io(format!("{name}: reading tar entry"), e))?;
            let raw = entry.path_bytes();
            let Some(p) = clean_rel(&String::from_utf8_lossy(&raw)) else {
                continue;
            };
            let h = entry.header();
            match h.entry_type() {
                tar::EntryType::Regular | tar::EntryType::Continuous => {
                    items.insert(
                        p,
                        TarItem::File {
                            offset: entry.raw_file_position(),
                            size: entry.size(),
                        },
                    );
                }
                tar::EntryType::Symlink | tar::EntryType::Link => {
                    if let Some(t) = entry
                        .link_name_bytes()
                        .map(|b| String::from_utf8_lossy(&b).into_owned())
                    {
                        let target =
                            if h.entry_type() == tar::EntryType::Symlink && !t.starts_with('/') {
                                // relative to the link's directory
                                let dir = p.rsplit_once('/').map_or("", |(d, _)| d);
                                format!("{dir}/{t}")
                            } else {
                                t
                            };
                        if let Some(target) = lexical(&target) {
                            items.insert(p, TarItem::Link(target));
                        }
                    }
                }
                _ => {}
            }
        }
        if items.is_empty() {
            return Err(OciError::NotAnImage {
                path: name,
                reason: "empty or not a tar archive".into(),
            });
        }
        Ok(Self {
            path: path.to_path_buf(),
            name,
            items,
            _keep: keep,
        })
    }

    fn lookup(&self, path: &str) -> Option<(u64, u64)> {
        let mut p = clean_rel(path)?;
        for _ in 0..16 {
            match self.items.get(&p)? {
                TarItem::File { offset, size } => return Some((*offset, *size)),
                TarItem::Link(t) => p.clone_from(t),
            }
        }
        None
    }

    /// Entry names (for diagnostics).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.items.keys().map(String::as_str)
    }
}

impl FileStore for TarStore {
    fn name(&self) -> &str {
        &self.name
    }

    fn open(&self, path: &str) -> Result<Option<(Box<dyn Read + Send>, u64)>> {
        let Some((offset, size)) = self.lookup(path) else {
            return Ok(None);
        };
        let ctx = || format!("{}: reading {path}", self.name);
        let mut f = File::open(&self.path).map_err(|e| OciError::io(ctx(), e))?;
        f.seek(SeekFrom::Start(offset))
            .map_err(|e| OciError::io(ctx(), e))?;
        Ok(Some((
            Box::new(BufReader::with_capacity(256 * 1024, f).take(size)),
            size,
        )))
    }

    fn exists(&self, path: &str) -> bool {
        self.lookup(path).is_some()
    }
}
