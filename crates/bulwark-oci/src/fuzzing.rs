//! Bodies of the fuzz targets (`fuzz/`), shared with the never-panic property tests so they
//! run on stable too. Each takes arbitrary bytes and must never panic.

use crate::applier::MergedFs;
use crate::digest::Digest;
use crate::model::{ImageConfig, ManifestDocument, Platform};
use crate::reference::Reference;
use crate::walk::{
    EntryMeta, LayerContext, LayerVisitor, WalkOptions, WantedFile, walk_layer_stream,
};

/// Parses `data` as every JSON document type and as reference/digest/platform strings.
pub fn documents(data: &[u8]) {
    let _ = ManifestDocument::parse(data, None, "fuzz");
    let _ = ManifestDocument::parse(data, Some(crate::model::media_type::OCI_INDEX), "fuzz");
    let _ = ManifestDocument::parse(
        data,
        Some(crate::model::media_type::DOCKER_MANIFEST),
        "fuzz",
    );
    if let Ok(cfg) = ImageConfig::parse(data, "fuzz") {
        let _ = cfg.layer_history(cfg.rootfs.diff_ids.len() + 1);
        let _ = cfg.platform().to_string();
    }
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(r) = Reference::parse(s) {
            let _ = (
                r.familiar(),
                r.to_string(),
                r.target(),
                r.api_host(),
                r.is_loopback_registry(),
            );
            // round trip must re-parse to the same reference
            assert_eq!(
                Reference::parse(&r.to_string()).ok().as_ref(),
                Some(&r),
                "round trip of {s:?}"
            );
        }
        let _ = Digest::parse(s);
        let _ = Platform::parse(s);
        let _ = crate::registry::parse_challenge(s);
    }
}

struct Everything(usize);
impl LayerVisitor for Everything {
    fn wants(&self, _: &str, _: &EntryMeta) -> bool {
        true
    }
    fn visit(&mut self, f: &WantedFile<'_>) {
        self.0 += f.data.len();
    }
}

/// Walks `data` as a layer blob (any compression) with small bounds, merges it and resolves
/// every symlink found.
pub fn tar_walk(data: &[u8]) {
    let ctx = LayerContext {
        image: "fuzz".into(),
        layer: "fuzz".into(),
        index: 0,
        cache_key: "fuzz".into(),
        diff_id: None,
    };
    let opts = WalkOptions {
        max_layer_bytes: 8 << 20,
        max_file_bytes: 64 << 10,
        ..WalkOptions::default()
    };
    let mut v = Everything(0);
    if let Ok(report) = walk_layer_stream(data, &ctx, &mut v, &opts) {
        let fs = MergedFs::apply([&report, &report]);
        for (p, _) in report.symlinks() {
            if let Some(r) = fs.resolve(p) {
                assert!(
                    !r.starts_with('/') && !r.split('/').any(|c| c == ".."),
                    "escaped root: {r}"
                );
            }
        }
        for e in &report.entries {
            assert!(
                !e.path.starts_with('/') && !e.path.split('/').any(|c| c == ".."),
                "bad path {}",
                e.path
            );
        }
    }
}
