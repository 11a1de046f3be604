//! Resolve an image and walk its layers once, printing what was found per layer.
//!
//! ```text
//! cargo run -p bulwark-oci --example walk_image -- [--platform os/arch] (--input PATH | REF) [WANTED_PATH...]
//! ```
#![allow(clippy::print_stdout)]

use std::time::Instant;

use bulwark_oci::{
    EntryMeta, LayerVisitor, MergedFs, Platform, ResolveOptions, WalkOptions, WantedFile,
    open_image, open_input, walk_layers,
};

#[derive(Debug, Default)]
struct Wanted {
    paths: Vec<String>,
    got: Vec<(String, usize, bool)>,
}

impl LayerVisitor for Wanted {
    fn wants(&self, path: &str, _: &EntryMeta) -> bool {
        self.paths.iter().any(|p| p == path)
    }
    fn visit(&mut self, f: &WantedFile<'_>) {
        self.got
            .push((f.path.to_string(), f.data.len(), f.truncated));
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).peekable();
    let mut platform = None;
    let mut input = None;
    let mut reference = None;
    let mut wanted = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--platform" => {
                let v = args.next().ok_or("--platform needs a value")?;
                platform = Some(Platform::parse(&v)?);
            }
            "--input" => input = Some(args.next().ok_or("--input needs a path")?),
            _ if reference.is_none() && input.is_none() => reference = Some(a),
            _ => wanted.push(a.trim_start_matches('/').to_string()),
        }
    }
    let t0 = Instant::now();
    let image = match (&input, &reference) {
        (Some(p), _) => open_input(std::path::Path::new(p), None, platform.as_ref())?,
        (None, Some(r)) => open_image(
            r,
            &ResolveOptions {
                platform: platform.clone(),
                ..ResolveOptions::default()
            },
        )?,
        (None, None) => {
            return Err("usage: walk_image (--input PATH | REF) [WANTED_PATH...]".into());
        }
    };
    println!(
        "{} from {}: manifest {:?}, config {}, {} layers ({:.2?} to resolve)",
        image.name,
        image.source,
        image.manifest_digest.as_ref().map(ToString::to_string),
        image.config_digest,
        image.layers.len(),
        t0.elapsed()
    );
    let t1 = Instant::now();
    let walked = walk_layers(&image, &WalkOptions::default(), |_| {
        Some(Wanted {
            paths: wanted.clone(),
            got: Vec::new(),
        })
    })?;
    let walk_time = t1.elapsed();
    let mut total = 0u64;
    for w in walked.iter().flatten() {
        total += w.report.uncompressed_bytes;
        println!(
            "  #{} {:?} {} entries, {} whiteouts, {} opaque, {} bytes, step: {}",
            w.layer.index,
            w.report.compression,
            w.report.entries.len(),
            w.report.whiteouts.len(),
            w.report.opaque_dirs.len(),
            w.report.uncompressed_bytes,
            w.layer
                .history
                .as_ref()
                .map_or("?", |h| h.created_by.as_str())
        );
        for (p, n, t) in &w.visitor.got {
            println!(
                "    wanted {p}: {n} bytes{}",
                if *t { " (truncated)" } else { "" }
            );
        }
    }
    let merged = MergedFs::apply(walked.iter().flatten().map(|w| &w.report));
    let setuid = merged.files().filter(|(_, o)| o.meta.is_setuid()).count();
    println!(
        "walked {} uncompressed bytes in {:.2?} ({:.0} MiB/s); final view {} paths, {} removed/overwritten, {} setuid",
        total,
        walk_time,
        total as f64 / 1_048_576.0 / walk_time.as_secs_f64().max(1e-9),
        merged.len(),
        merged.removed().len(),
        setuid
    );
    Ok(())
}
