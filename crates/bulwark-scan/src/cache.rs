//! Per-layer result cache: one JSON file per (layer diff id, analyzer versions) under the user
//! cache directory. Writes go to a temporary file renamed into place, so a crash or a concurrent
//! scan never leaves a half-written entry; an unreadable entry is treated as a miss.

use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use crate::LayerResult;

/// A directory of cached [`LayerResult`]s.
#[derive(Debug, Clone)]
pub struct LayerCache {
    dir: PathBuf,
}

impl LayerCache {
    /// A cache rooted at `root` (entries live in `root/layers/`).
    #[must_use]
    pub fn new(root: &Path) -> Self {
        Self {
            dir: root.join("layers"),
        }
    }

    /// The directory holding the entries.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, layer_key: &str, analyzers_key: &str) -> PathBuf {
        let mut h = Sha256::new();
        h.update(layer_key.as_bytes());
        h.update([0]);
        h.update(analyzers_key.as_bytes());
        self.dir.join(format!("{}.json", crate::hex(&h.finalize())))
    }

    /// The cached result, if present and readable.
    #[must_use]
    pub fn get(&self, layer_key: &str, analyzers_key: &str) -> Option<LayerResult> {
        let bytes = std::fs::read(self.path(layer_key, analyzers_key)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Stores a result; failures are ignored (a cache must never fail a scan).
    pub fn put(&self, layer_key: &str, analyzers_key: &str, result: &LayerResult) {
        use std::io::Write as _;
        let target = self.path(layer_key, analyzers_key);
        if std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        let tmp = self.dir.join(format!(
            ".{}.{}.tmp",
            target
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            std::process::id()
        ));
        // Streamed to the file: a layer of 100,000 entries is tens of MiB of JSON, which
        // need not be in memory as well as the result it is made from.
        let written = std::fs::File::create(&tmp).is_ok_and(|f| {
            let mut w = std::io::BufWriter::new(f);
            serde_json::to_writer(&mut w, result).is_ok() && w.flush().is_ok()
        });
        if !written || std::fs::rename(&tmp, &target).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    /// Deletes every entry (`bulwark clean`). Returns the number of entries removed.
    pub fn clear(&self) -> std::io::Result<usize> {
        let mut n = 0;
        match std::fs::read_dir(&self.dir) {
            Ok(entries) => {
                for e in entries.flatten() {
                    if std::fs::remove_file(e.path()).is_ok() {
                        n += 1;
                    }
                }
                Ok(n)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(e),
        }
    }
}
