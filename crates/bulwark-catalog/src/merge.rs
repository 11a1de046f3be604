//! Image-level merge of per-layer inventories.
//!
//! Databases (dpkg `status`, apk `installed`, rpmdb) and manifests are rewritten whole by later
//! layers, so for every evidence file only the packages from the *last* layer that produced it
//! count. Files deleted by a later layer's whiteout are dropped via the caller's predicate.

use std::collections::HashMap;

use crate::analyzer::LayerInventory;
use crate::model::mark_os_owned;

/// The file that decides a package's presence: its evidence path, cut after the outermost
/// archive for nested jar paths (`/app.jar/BOOT-INF/lib/x.jar` → `/app.jar`).
pub fn evidence_file(path: &str) -> &str {
    let lower = path.to_ascii_lowercase();
    [".jar/", ".war/", ".ear/", ".jpi/", ".hpi/"]
        .iter()
        .filter_map(|ext| lower.find(ext).map(|i| i + ext.len() - 1))
        .min()
        .and_then(|end| path.get(..end))
        .unwrap_or(path)
}

/// Merges layer inventories, bottom layer first. `layers` pairs each layer's digest with its
/// inventory; `deleted(path, layer_index)` says whether a layer *above* `layer_index` removed
/// `path` (whiteout or opaque directory). The result has `location.layer_digest` filled, the OS of
/// the topmost layer that had one, PURLs recomputed with that OS, file ownership unioned (later
/// layers win) and language packages marked as owned by OS packages.
pub fn merge_layers(
    layers: Vec<(String, LayerInventory)>,
    deleted: &dyn Fn(&str, usize) -> bool,
) -> LayerInventory {
    let mut last_layer_for: HashMap<String, usize> = HashMap::new();
    for (i, (_, inv)) in layers.iter().enumerate() {
        for p in &inv.packages {
            last_layer_for.insert(evidence_file(&p.location.path).to_owned(), i);
        }
    }
    let mut out = LayerInventory::default();
    for (i, (digest, inv)) in layers.into_iter().enumerate() {
        if inv.os.is_some() {
            out.os = inv.os;
        }
        out.owned.extend(inv.owned);
        out.errors.extend(inv.errors);
        for mut p in inv.packages {
            let file = evidence_file(&p.location.path);
            if last_layer_for.get(file) != Some(&i) || deleted(file, i) {
                continue;
            }
            p.location.layer_digest = Some(digest.clone());
            out.packages.push(p);
        }
    }
    for p in &mut out.packages {
        p.refresh_purl(out.os.as_ref());
        p.owned_by_os_package = None;
    }
    mark_os_owned(&mut out.packages, &out.owned);
    out.packages.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyzer::{Analyzers, EntryMeta, LayerFiles};

    fn layer(files: &[(&str, &str)]) -> LayerInventory {
        let mut b = LayerFiles::new();
        for (p, d) in files {
            b.insert(p, EntryMeta::default(), d.as_bytes().to_vec());
        }
        Analyzers::default().analyze_layer(&b)
    }

    #[test]
    fn later_status_supersedes_whiteouts_drop_and_ownership_spans_layers() {
        let base = layer(&[
            ("/etc/os-release", "ID=debian\nVERSION_ID=12\n"),
            (
                "/var/lib/dpkg/status",
                "Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n\nPackage: b\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n",
            ),
            (
                "/var/lib/dpkg/info/b.list",
                "/usr/lib/python3/dist-packages/b-1.dist-info/METADATA\n",
            ),
        ]);
        // layer 2 removes `a` (status rewritten) and adds a Python package owned by `b` (list in layer 1)
        let top = layer(&[
            (
                "/var/lib/dpkg/status",
                "Package: b\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n",
            ),
            (
                "/usr/lib/python3/dist-packages/b-1.dist-info/METADATA",
                "Name: b\nVersion: 1\n",
            ),
            (
                "/app/node_modules/x/package.json",
                r#"{"name":"x","version":"1.0.0"}"#,
            ),
        ]);
        let gone =
            |path: &str, layer: usize| path == "/app/node_modules/x/package.json" && layer == 1;
        let merged = merge_layers(
            vec![("sha256:l0".into(), base), ("sha256:l1".into(), top)],
            &gone,
        );
        let got: Vec<(String, String, Option<String>, Option<String>)> = merged
            .packages
            .iter()
            .map(|p| {
                (
                    p.name.clone(),
                    p.purl.clone(),
                    p.location.layer_digest.clone(),
                    p.owned_by_os_package.clone(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "b".to_owned(),
                    "pkg:deb/debian/b@1?arch=amd64&distro=debian-12".to_owned(),
                    Some("sha256:l1".to_owned()),
                    None
                ),
                (
                    "b".to_owned(),
                    "pkg:pypi/b@1".to_owned(),
                    Some("sha256:l1".to_owned()),
                    Some("b".to_owned())
                ),
            ]
        );
    }

    #[test]
    fn layer_inventory_survives_a_cache_round_trip() {
        let inv = layer(&[
            ("/etc/os-release", "ID=alpine\nVERSION_ID=3.20.1\n"),
            (
                "/lib/apk/db/installed",
                "P:musl\nV:1.2.5-r0\nA:x86_64\nF:lib\nR:libc.so\n",
            ),
        ]);
        let json = serde_json::to_string(&inv).expect("serialize");
        let back: LayerInventory = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back.packages, inv.packages);
        assert_eq!(back.os, inv.os);
        assert_eq!(back.owned, inv.owned);
        assert_eq!(
            back.packages[0].purl,
            "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.1"
        );
    }

    #[test]
    fn nested_archive_evidence() {
        assert_eq!(evidence_file("/app.jar/BOOT-INF/lib/x.jar"), "/app.jar");
        assert_eq!(evidence_file("/a/b.WAR/WEB-INF/lib/y.jar"), "/a/b.WAR");
        assert_eq!(
            evidence_file("/var/lib/dpkg/status"),
            "/var/lib/dpkg/status"
        );
    }
}
