//! Analysing a layer's files as they stream past ([`LayerAnalysis`]) gives what analysing the
//! whole batch at once gives, while holding only the files that analyzers read together.

#![allow(clippy::unwrap_used)]

use bulwark_catalog::{Analyzers, EntryMeta, LayerAnalysis, LayerFiles, LayerInventory, ScanMode};

/// Keys sorted at every level (the workspace's serde_json keeps insertion order).
fn sorted(v: serde_json::Value) -> String {
    fn sort(v: serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(o) => {
                let m: std::collections::BTreeMap<String, serde_json::Value> =
                    o.into_iter().map(|(k, x)| (k, sort(x))).collect();
                serde_json::Value::Object(m.into_iter().collect())
            }
            serde_json::Value::Array(a) => {
                serde_json::Value::Array(a.into_iter().map(sort).collect())
            }
            other => other,
        }
    }
    sort(v).to_string()
}

fn summary(inv: &LayerInventory) -> String {
    format!(
        "{}\n{}\n{}\n{:?}",
        serde_json::to_string(&inv.os).unwrap(),
        serde_json::to_string(&inv.packages).unwrap(),
        // a hash map inside: compare it as a sorted JSON object
        sorted(serde_json::to_value(&inv.owned).unwrap()),
        inv.errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    )
}

/// Fixture files placed where analyzers look for them in an image or a source tree.
const PLACED: &[(&str, &str)] = &[
    ("os/sid-os-release", "/etc/os-release"),
    ("os/alpine-os-release", "/usr/lib/os-release"),
    ("dpkg/status", "/var/lib/dpkg/status"),
    (
        "dpkg/python3-yaml:amd64.list",
        "/var/lib/dpkg/info/python3-yaml:amd64.list",
    ),
    ("apk/installed", "/lib/apk/db/installed"),
    (
        "python/PyYAML-METADATA",
        "/usr/lib/python3/dist-packages/PyYAML-6.0.1.dist-info/METADATA",
    ),
    (
        "node/scoped-package.json",
        "/app/node_modules/@scope/pkg/package.json",
    ),
    (
        "ruby/rake-13.1.0.gemspec",
        "/usr/lib/ruby/gems/3.1.0/specifications/rake-13.1.0.gemspec",
    ),
    ("php/installed.json", "/app/vendor/composer/installed.json"),
    ("dotnet/app.deps.json", "/app/app.deps.json"),
    ("python/poetry.lock", "/src/poetry.lock"),
    ("python/requirements.txt", "/src/requirements.txt"),
    ("node/package-lock-v3.json", "/src/package-lock.json"),
    ("node/yarn-v1.lock", "/src/yarn.lock"),
    ("ruby/Gemfile.lock", "/src/Gemfile.lock"),
    ("php/composer.lock", "/src/composer.lock"),
    ("rust/Cargo.lock", "/src/Cargo.lock"),
];

#[test]
fn streamed_analysis_equals_batch_analysis() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    for mode in [ScanMode::Image, ScanMode::Filesystem] {
        let reg = Analyzers::for_mode(mode);
        let mut batch = LayerFiles::new();
        for (file, path) in PLACED {
            let data = std::fs::read(format!("{fixtures}/{file}")).unwrap();
            let meta = EntryMeta {
                size: data.len() as u64,
                mode: 0o644,
            };
            if reg.required(path, &meta) {
                batch.insert(path, meta, data);
            }
        }
        assert!(
            batch.len() > 8,
            "{mode:?}: fixtures wanted: {}",
            batch.len()
        );
        let whole = reg.analyze_layer(&batch);
        assert!(!whole.packages.is_empty());

        // Tar order is not path order: feed the files backwards.
        let files: Vec<_> = batch.iter().collect();
        let mut streamed = LayerAnalysis::new(&reg);
        let mut held_max = 0;
        for f in files.iter().rev() {
            let mut data = f.data.clone();
            streamed.add(&f.path, f.meta, &mut data);
            let held = reg.holds(&f.path, &f.meta);
            assert_eq!(data.is_empty() && !f.data.is_empty(), held, "{}", f.path);
            held_max = held_max.max(streamed.held_bytes());
        }
        let total: u64 = files.iter().map(|f| f.data.len() as u64).sum();
        assert!(held_max < total, "held {held_max} of {total} bytes");
        assert_eq!(summary(&streamed.finish()), summary(&whole), "{mode:?}");
    }
}
