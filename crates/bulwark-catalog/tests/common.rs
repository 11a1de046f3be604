//! Helpers shared by integration tests: feed real directories through the registry the way
//! `bulwark-oci` feeds tar entries (ask `required`, collect wanted files, analyse the batch).

#![allow(dead_code)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use bulwark_catalog::{Analyzers, EntryMeta, LayerFiles};

/// Walks `roots` (files or directories, not following symlinks), adding every file the registry
/// requires to a batch keyed by its absolute path.
pub fn collect(reg: &Analyzers, roots: &[&str], max_depth: usize) -> LayerFiles {
    let mut batch = LayerFiles::new();
    for r in roots {
        walk(reg, Path::new(r), &mut batch, max_depth);
    }
    batch
}

fn walk(reg: &Analyzers, p: &Path, batch: &mut LayerFiles, depth: usize) {
    let Ok(md) = std::fs::symlink_metadata(p) else {
        return;
    };
    if md.is_dir() {
        if depth == 0 {
            return;
        }
        let Ok(rd) = std::fs::read_dir(p) else { return };
        let mut entries: Vec<_> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
        entries.sort();
        for e in entries {
            walk(reg, &e, batch, depth - 1);
        }
    } else if md.is_file() {
        let meta = EntryMeta {
            size: md.len(),
            mode: md.permissions().mode(),
        };
        let path = p.to_string_lossy();
        if reg.required(&path, &meta)
            && let Ok(data) = std::fs::read(p)
        {
            batch.insert(&path, meta, data);
        }
    }
}

/// Runs a command and returns its stdout, or `None` when it is missing or fails.
pub fn run(cmd: &str, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new(cmd).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
