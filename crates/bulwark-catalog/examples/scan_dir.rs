//! Walks a directory like a layer (`bulwark fs` style) through the analyzer registry and prints
//! what it found and how long `required` + `analyze_layer` took.
//!
//! `cargo run --release -p bulwark-catalog --example scan_dir -- /usr [--fs]`

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::os::unix::fs::PermissionsExt;
use std::time::Instant;

use bulwark_catalog::{Analyzers, EntryMeta, LayerFiles, ScanMode};

fn main() {
    let mut args = std::env::args().skip(1);
    let root = args.next().unwrap_or_else(|| "/".into());
    let mode = if args.any(|a| a == "--fs") {
        ScanMode::Filesystem
    } else {
        ScanMode::Image
    };
    let reg = Analyzers::for_mode(mode);
    let mut batch = LayerFiles::new();
    let (mut entries, mut wanted) = (0u64, 0u64);
    let mut required_time = std::time::Duration::ZERO;
    let mut stack = vec![std::path::PathBuf::from(&root)];
    while let Some(p) = stack.pop() {
        let Ok(md) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if md.is_dir() {
            if let Ok(rd) = std::fs::read_dir(&p) {
                stack.extend(rd.filter_map(Result::ok).map(|e| e.path()));
            }
            continue;
        }
        if !md.is_file() {
            continue;
        }
        entries += 1;
        let meta = EntryMeta {
            size: md.len(),
            mode: md.permissions().mode(),
        };
        let path = p.to_string_lossy();
        let t = Instant::now();
        let want = reg.required(&path, &meta);
        required_time += t.elapsed();
        if want {
            wanted += 1;
            if let Ok(d) = std::fs::read(&p) {
                batch.insert(&path, meta, d);
            }
        }
    }
    let t = Instant::now();
    let inv = reg.analyze_layer(&batch);
    let analyze = t.elapsed();
    let mut by_type = std::collections::BTreeMap::new();
    for p in &inv.packages {
        *by_type.entry(p.kind.as_str()).or_insert(0u32) += 1;
    }
    println!(
        "entries {entries}, wanted {wanted}, required() total {required_time:?} ({:.0} ns/entry)",
        required_time.as_nanos() as f64 / entries.max(1) as f64
    );
    println!(
        "analyze_layer {analyze:?}: {} packages {by_type:?}, {} owned paths, {} errors",
        inv.packages.len(),
        inv.owned.len(),
        inv.errors.len()
    );
    for e in inv.errors.iter().take(5) {
        eprintln!("error: {e}");
    }
}
