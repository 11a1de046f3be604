//! Acceptance of `bulwark image` on a real image (issue "Images in, inventory out").
//!
//! The image is built by `scripts/build-test-image.sh` (mmdebstrap'd Debian bookworm + Python,
//! npm, Go, Java layers + a layer with whiteouts) and exported as a `docker save` archive and an
//! OCI layout; the registry copy goes to a real local `docker-registry`. The tests check that
//! the four sources give the same inventory, that the SBOMs validate against the official
//! schemas, that whiteouts hide packages, that the layer cache works, and that Syft 1.18 agrees.
//!
//! Without docker/mmdebstrap/skopeo the tests skip with a visible message, except under CI.

#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test helpers

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read as _;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

const IMAGE: &str = "bulwark-test/app:1";

use bulwark_testutil::registry::{LocalRegistry, tools_available as tools};

use bulwark_testutil::image::test_image;

fn bulwark() -> Command {
    Command::new(env!("CARGO_BIN_EXE_bulwark"))
}

/// Runs bulwark, asserts success, returns stdout parsed as JSON.
fn run_json(cmd: &mut Command) -> Value {
    let out = cmd.output().expect("run bulwark");
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{cmd:?}: output is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn scan(args: &[&str], cache: &Path) -> Value {
    let mut cmd = bulwark();
    cmd.args([
        "image",
        "-f",
        "json",
        "--scanners",
        "none",
        "--list-all-pkgs",
        "--cache-dir",
    ])
    .arg(cache)
    .args(args);
    run_json(&mut cmd)
}

/// (type, name, version, purl, layer diff id, path) of every package. Layer evidence is
/// compared by diff id: a `docker save` archive stores layers uncompressed and the OCI layout
/// and registry gzip them, so blob digests differ between sources while diff ids do not.
fn inventory(report: &Value) -> Vec<[String; 6]> {
    let meta = &report["metadata"];
    let diff_ids: BTreeMap<&str, &str> = meta["layers"]
        .as_array()
        .expect("metadata.layers")
        .iter()
        .map(|l| {
            (
                l["digest"].as_str().unwrap(),
                l["diff_id"].as_str().unwrap(),
            )
        })
        .collect();
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let mut rows: Vec<[String; 6]> = meta["packages"]
        .as_array()
        .expect("metadata.packages")
        .iter()
        .map(|p| {
            let layer = p["location"]["layer_digest"]
                .as_str()
                .expect("layer digest");
            [
                s(&p["type"]),
                s(&p["name"]),
                s(&p["version"]),
                s(&p["purl"]),
                (*diff_ids
                    .get(layer)
                    .expect("package layer is an image layer"))
                .to_string(),
                s(&p["location"]["path"]),
            ]
        })
        .collect();
    rows.sort();
    rows
}

fn names(report: &Value, kind: &str) -> BTreeSet<String> {
    report["metadata"]["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["type"] == kind)
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

fn start_registry() -> Option<LocalRegistry> {
    bulwark_testutil::registry::start_registry(None)
}

fn push(oci: &Path, dest: &str) {
    let src = format!("oci:{}:app", oci.display());
    let mut last = String::new();
    for _ in 0..3 {
        let out = Command::new("skopeo")
            .args([
                "--insecure-policy",
                "copy",
                "-q",
                "--dest-tls-verify=false",
                &src,
                dest,
            ])
            .output()
            .expect("run skopeo");
        if out.status.success() {
            return;
        }
        last = String::from_utf8_lossy(&out.stderr).into_owned();
        std::thread::sleep(Duration::from_millis(500));
    }
    panic!("skopeo copy {src} {dest} failed: {last}");
}

#[test]
fn four_sources_give_identical_inventories() {
    let Some(dir) = test_image() else { return };
    let Some(reg) = start_registry() else { return };
    let remote = format!("127.0.0.1:{}/bulwark-test/app:1", reg.port);
    push(&dir.join("oci"), &format!("docker://{remote}"));
    let cache = tempfile::tempdir().unwrap();
    let archive = dir.join("image.tar");
    let layout = dir.join("oci");
    let sources: [(&str, Vec<&str>); 4] = [
        ("daemon", vec![IMAGE, "--image-src", "docker"]),
        ("archive", vec!["--input", archive.to_str().unwrap()]),
        ("oci-layout", vec!["--input", layout.to_str().unwrap()]),
        ("registry", vec![&remote, "--image-src", "remote"]),
    ];
    let mut results = Vec::new();
    for (label, args) in &sources {
        let mut a = args.clone();
        a.push("--no-cache");
        let report = scan(&a, cache.path());
        let inv = inventory(&report);
        eprintln!("{label}: {} packages", inv.len());
        results.push((*label, inv));
    }
    let (base_label, base) = &results[0];
    // Every ecosystem the image was built with is found (a vacuous equality proves nothing).
    let kinds: BTreeSet<&str> = base.iter().map(|r| r[0].as_str()).collect();
    for k in ["deb", "python", "npm", "go-module", "java-archive"] {
        assert!(
            kinds.contains(k),
            "{base_label}: no {k} package found: {kinds:?}"
        );
    }
    assert!(
        base.len() > 100,
        "{base_label}: only {} packages",
        base.len()
    );
    for (label, inv) in &results[1..] {
        let a: BTreeSet<_> = base.iter().collect();
        let b: BTreeSet<_> = inv.iter().collect();
        let only_a: Vec<_> = a.difference(&b).collect();
        let only_b: Vec<_> = b.difference(&a).collect();
        assert!(
            only_a.is_empty() && only_b.is_empty() && base.len() == inv.len(),
            "{base_label} vs {label}: only in {base_label}: {only_a:#?}\nonly in {label}: {only_b:#?}"
        );
    }
}

/// The layers of the `docker save` archive, base first, as (path, entry names).
fn archive_layers(archive: &Path) -> Vec<Vec<String>> {
    let read_member = |want: &str| -> Vec<u8> {
        let mut ar = tar::Archive::new(std::fs::File::open(archive).unwrap());
        for e in ar.entries().unwrap() {
            let mut e = e.unwrap();
            if e.path().unwrap().to_string_lossy().trim_start_matches("./") == want {
                let mut v = Vec::new();
                e.read_to_end(&mut v).unwrap();
                return v;
            }
        }
        panic!("{want} not in {}", archive.display());
    };
    let manifest: Value = serde_json::from_slice(&read_member("manifest.json")).unwrap();
    manifest[0]["Layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let data = read_member(l.as_str().unwrap());
            let mut ar = tar::Archive::new(data.as_slice());
            ar.entries()
                .unwrap()
                .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
                .collect()
        })
        .collect()
}

#[test]
fn whiteouts_hide_packages_of_lower_layers() {
    let Some(dir) = test_image() else { return };
    let layers = archive_layers(&dir.join("image.tar"));
    // The image really has the packages in a lower layer and the whiteouts in a later one.
    let pos = |name: &str| layers.iter().position(|l| l.iter().any(|p| p == name));
    let added = pos("app/node_modules/left-pad/package.json").expect("left-pad layer");
    let dir_wh = pos("app/node_modules/.wh.left-pad").expect("directory whiteout");
    let file_wh = pos("app/node_modules/is-number/.wh.package.json").expect("file whiteout");
    assert!(added < dir_wh && added < file_wh);
    assert!(pos("app/node_modules/is-number/package.json").is_some_and(|p| p < file_wh));

    let cache = tempfile::tempdir().unwrap();
    let report = scan(
        &[
            "--input",
            dir.join("image.tar").to_str().unwrap(),
            "--no-cache",
        ],
        cache.path(),
    );
    let npm = names(&report, "npm");
    assert!(
        npm.contains("lodash") && npm.contains("minimist"),
        "npm packages: {npm:?}"
    );
    assert!(
        !npm.contains("left-pad"),
        "whiteout'd directory reported: {npm:?}"
    );
    assert!(
        !npm.contains("is-number"),
        "whiteout'd package.json reported: {npm:?}"
    );
}

fn schema(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../bulwark-catalog/tests/schemas")
        .join(name);
    serde_json::from_str(
        &std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
    )
    .unwrap()
}

/// Serves the schemas bom-1.6 references from the catalog's vendored copies (no network).
struct LocalSchemas;

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        match uri.as_str() {
            "http://cyclonedx.org/schema/spdx.schema.json" => Ok(schema("spdx.schema.json")),
            "http://cyclonedx.org/schema/jsf-0.82.schema.json" => {
                Ok(schema("jsf-0.82.schema.json"))
            }
            other => Err(format!("unexpected schema fetch {other}").into()),
        }
    }
}

fn assert_valid(what: &str, v: &jsonschema::Validator, doc: &Value) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{what}: schema errors: {errors:#?}");
}

#[test]
fn sboms_of_the_image_validate() {
    let Some(dir) = test_image() else { return };
    let cache = tempfile::tempdir().unwrap();
    let archive = dir.join("image.tar");
    let a = archive.to_str().unwrap();
    let report = scan(&["--input", a], cache.path());
    let purls: BTreeSet<String> = report["metadata"]["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["purl"].as_str().unwrap().to_string())
        .collect();

    let cdx = run_json(
        bulwark()
            .args(["image", "--input", a, "-f", "cyclonedx", "--cache-dir"])
            .arg(cache.path()),
    );
    assert_eq!(cdx["specVersion"], "1.6");
    let v = jsonschema::options()
        .with_retriever(LocalSchemas)
        .build(&schema("bom-1.6.schema.json"))
        .unwrap();
    assert_valid("CycloneDX", &v, &cdx);
    let cdx_purls: BTreeSet<String> = cdx["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["purl"].as_str().map(str::to_string))
        .collect();
    assert_eq!(cdx_purls, purls, "CycloneDX components vs JSON packages");

    let spdx = run_json(
        bulwark()
            .args(["image", "--input", a, "-f", "spdx-json", "--cache-dir"])
            .arg(cache.path()),
    );
    assert_eq!(spdx["spdxVersion"], "SPDX-2.3");
    let v = jsonschema::options()
        .build(&schema("spdx-2.3.schema.json"))
        .unwrap();
    assert_valid("SPDX", &v, &spdx);
    let spdx_purls: BTreeSet<String> = spdx["packages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["externalRefs"].as_array().cloned().unwrap_or_default())
        .filter(|r| r["referenceType"] == "purl")
        .map(|r| r["referenceLocator"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(spdx_purls, purls, "SPDX packages vs JSON packages");
}

/// `--format cyclonedx --scanners vuln` carries the same vulnerabilities as the JSON report
/// (one entry per ID, `affects` pointing at the affected components) and stays schema-valid.
#[test]
fn cyclonedx_with_vulnerabilities_matches_the_json_report() {
    let Some(dir) = test_image() else { return };
    let Some(osv) = bulwark_testutil::conformance_dir("osv") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("osv.db");
    let out = bulwark()
        .args(["db", "import", "--db-path"])
        .arg(&db)
        .arg(&osv)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let a = dir.join("image.tar");
    let a = a.to_str().unwrap();
    let common = ["--scanners", "vuln", "--skip-db-update", "--cache-dir"];
    let report = run_json(
        bulwark()
            .args(["image", "--input", a, "-f", "json"])
            .args(common)
            .arg(tmp.path())
            .arg("--db-path")
            .arg(&db),
    );
    let want: BTreeSet<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["properties"]["purl"].as_str().unwrap().to_string(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // The image holds django 3.2.0, urllib3 1.26.4, lodash 4.17.20 ...: real records match.
    assert!(
        want.len() > 10,
        "too few vulnerabilities to compare: {want:?}"
    );

    let cdx = run_json(
        bulwark()
            .args(["image", "--input", a, "-f", "cyclonedx"])
            .args(common)
            .arg(tmp.path())
            .arg("--db-path")
            .arg(&db),
    );
    let v = jsonschema::options()
        .with_retriever(LocalSchemas)
        .build(&schema("bom-1.6.schema.json"))
        .unwrap();
    assert_valid("CycloneDX with vulnerabilities", &v, &cdx);
    let purl_of: std::collections::BTreeMap<&str, &str> = cdx["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| Some((c["bom-ref"].as_str()?, c["purl"].as_str()?)))
        .collect();
    let vulns = cdx["vulnerabilities"].as_array().unwrap();
    let ids: Vec<&str> = vulns.iter().map(|v| v["id"].as_str().unwrap()).collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "one entry per vulnerability ID");
    let mut got = BTreeSet::new();
    for v in vulns {
        assert!(v["ratings"][0]["severity"].is_string(), "{v}");
        for a in v["affects"].as_array().unwrap() {
            let r = a["ref"].as_str().unwrap();
            let purl = purl_of.get(r).unwrap_or_else(|| panic!("dangling ref {r}"));
            got.insert((purl.to_string(), v["id"].as_str().unwrap().to_string()));
        }
    }
    assert_eq!(got, want, "CycloneDX vulnerabilities vs JSON findings");
}

fn cache_entries(cache: &Path) -> usize {
    std::fs::read_dir(cache.join("layers")).map_or(0, |d| {
        d.flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .count()
    })
}

#[test]
fn second_scan_hits_the_cache_and_clean_empties_it() {
    let Some(dir) = test_image() else { return };
    let cache = tempfile::tempdir().unwrap();
    let archive = dir.join("image.tar");
    let a = archive.to_str().unwrap();
    let cached = |r: &Value| -> Vec<bool> {
        r["metadata"]["layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["cached"].as_bool().unwrap())
            .collect()
    };
    let first = scan(&["--input", a], cache.path());
    assert!(
        cached(&first).iter().all(|c| !c),
        "fresh cache: {:?}",
        cached(&first)
    );
    let n = cached(&first).len();
    assert!(cache_entries(cache.path()) >= 1);
    let second = scan(&["--input", a], cache.path());
    assert_eq!(
        cached(&second),
        vec![true; n],
        "second scan must come from the cache"
    );
    assert_eq!(
        inventory(&first),
        inventory(&second),
        "cached inventory differs"
    );

    let out = bulwark()
        .args(["clean", "--cache-dir"])
        .arg(cache.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(cache_entries(cache.path()), 0, "bulwark clean left entries");
    let third = scan(&["--input", a], cache.path());
    assert!(
        cached(&third).iter().all(|c| !c),
        "after clean: {:?}",
        cached(&third)
    );
}

/// Syft's package type as Bulwark names it.
fn syft_type(t: &str) -> &str {
    match t {
        "php-composer" => "composer",
        "dotnet" => "nuget",
        other => other,
    }
}

/// Name as compared: Python names are case- and separator-insensitive (PEP 503); Syft
/// lower-cases them (`django`), Bulwark keeps the METADATA spelling (`Django`).
fn compare_name(kind: &str, name: &str) -> String {
    if kind == "python" {
        let mut out = String::new();
        for part in name
            .to_ascii_lowercase()
            .split(['-', '_', '.'])
            .filter(|p| !p.is_empty())
        {
            if !out.is_empty() {
                out.push('-');
            }
            out.push_str(part);
        }
        out
    } else {
        name.to_string()
    }
}

type Tnv = (String, String, String);

#[test]
#[allow(clippy::cast_precision_loss)]
fn agrees_with_syft() {
    let Some(dir) = test_image() else { return };
    if !tools(&["syft"]) {
        return;
    }
    let archive = dir.join("image.tar");
    let out = Command::new("syft")
        .arg(format!("docker-archive:{}", archive.display()))
        .args(["-o", "json", "-q"])
        .env("SYFT_CHECK_FOR_APP_UPDATE", "false")
        .output()
        .expect("run syft");
    assert!(
        out.status.success(),
        "syft failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let syft: Value = serde_json::from_slice(&out.stdout).unwrap();
    let tnv = |kind: &str, name: &str, version: &str| -> Tnv {
        (
            kind.to_string(),
            compare_name(kind, name),
            version.to_string(),
        )
    };
    let theirs: BTreeSet<Tnv> = syft["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let s = |k: &str| a[k].as_str().unwrap();
            tnv(syft_type(s("type")), s("name"), s("version"))
        })
        .collect();
    let cache = tempfile::tempdir().unwrap();
    let report = scan(
        &["--input", archive.to_str().unwrap(), "--no-cache"],
        cache.path(),
    );
    let ours: BTreeSet<Tnv> = report["metadata"]["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap();
            tnv(s("type"), s("name"), s("version"))
        })
        .collect();
    // Compare only the ecosystems both tools catalog.
    let kinds = |s: &BTreeSet<Tnv>| -> BTreeSet<String> { s.iter().map(|t| t.0.clone()).collect() };
    let common: BTreeSet<String> = kinds(&ours)
        .intersection(&kinds(&theirs))
        .cloned()
        .collect();
    for k in kinds(&ours).symmetric_difference(&kinds(&theirs)) {
        eprintln!("type reported by only one tool (not compared): {k}");
    }
    let ours: BTreeSet<Tnv> = ours.into_iter().filter(|t| common.contains(&t.0)).collect();
    let theirs: BTreeSet<Tnv> = theirs
        .into_iter()
        .filter(|t| common.contains(&t.0))
        .collect();
    for t in ours.difference(&theirs) {
        eprintln!("only bulwark: {t:?}");
    }
    for t in theirs.difference(&ours) {
        eprintln!("only syft:    {t:?}");
    }
    // 1. Versions of the packages both tools report (same type and name).
    let versions = |s: &BTreeSet<Tnv>| -> BTreeMap<(String, String), BTreeSet<String>> {
        let mut m: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
        for (k, n, v) in s {
            m.entry((k.clone(), n.clone()))
                .or_default()
                .insert(v.clone());
        }
        m
    };
    let (ov, tv) = (versions(&ours), versions(&theirs));
    let shared: Vec<_> = ov.keys().filter(|k| tv.contains_key(*k)).collect();
    let same = shared.iter().filter(|k| ov[**k] == tv[**k]).count();
    let version_agreement = same as f64 / shared.len().max(1) as f64;
    // 2. The whole (type, name, version) sets: intersection over union.
    let both = ours.intersection(&theirs).count();
    let union = ours.union(&theirs).count();
    let set_agreement = both as f64 / union.max(1) as f64;
    eprintln!(
        "syft agreement over types {common:?}: versions of packages both report {same}/{} = {:.2}%; \
         (type,name,version) sets {both}/{union} = {:.2}% (bulwark {}, syft {})",
        shared.len(),
        version_agreement * 100.0,
        set_agreement * 100.0,
        ours.len(),
        theirs.len()
    );
    assert!(
        shared.len() > 100,
        "too few packages to compare: {}",
        shared.len()
    );
    assert!(
        version_agreement >= 0.99,
        "version agreement with Syft {:.2}% < 99%",
        version_agreement * 100.0
    );
    // Known, explained set difference: Syft also lists the project's own /app/package.json
    // (`app` 1.0.0). Go modules agree exactly, including the main module of the GOPATH-built
    // runc (version from the binary's strings, as Syft reads it) and `stdlib`.
    let go = |s: &BTreeSet<Tnv>| -> BTreeSet<Tnv> {
        s.iter().filter(|t| t.0 == "go-module").cloned().collect()
    };
    assert_eq!(go(&ours), go(&theirs), "Go modules differ from Syft's");
    assert!(
        go(&ours)
            .iter()
            .any(|t| t.1 == "github.com/opencontainers/runc"),
        "runc's main module missing: {:?}",
        go(&ours)
    );
    assert!(
        set_agreement >= 0.99,
        "(type,name,version) agreement with Syft {:.2}% < 99%",
        set_agreement * 100.0
    );
}

/// Secret-scanning precision: the clean Debian bookworm base (a full mmdebstrap rootfs with
/// /usr/share/doc and /etc) must produce no secret finding at all.
#[test]
fn clean_bookworm_rootfs_has_no_secret_findings() {
    if test_image().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = bulwark();
    cmd.args([
        "image",
        "-f",
        "json",
        "--scanners",
        "secret",
        "--image-src",
        "docker",
        "--cache-dir",
    ])
    .arg(dir.path())
    .arg("bulwark-test/debian:bookworm");
    let report = run_json(&mut cmd);
    let findings = report["findings"].as_array().unwrap();
    assert!(
        report["metadata"]["package_count"].as_u64().unwrap() > 50,
        "not the full rootfs: {report}"
    );
    assert!(
        findings.is_empty(),
        "secret findings on a clean rootfs: {findings:#?}"
    );
}

/// Go binaries built in GOPATH mode (Debian's `docker-registry` and `runc`: build info with a
/// `path` line and no `mod` line) get the same main-module purls as Syft's, with the main
/// package as the purl subpath, and `stdlib` without the `go` prefix.
#[test]
fn gopath_go_binaries_match_syft_purls() {
    if !tools(&["syft", "docker-registry"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let bins = dir.path().join("bin");
    std::fs::create_dir(&bins).unwrap();
    for b in ["/usr/bin/docker-registry", "/usr/sbin/runc"] {
        if Path::new(b).exists() {
            std::fs::copy(b, bins.join(Path::new(b).file_name().unwrap())).unwrap();
        }
    }
    let out = Command::new("syft")
        .arg(format!("dir:{}", bins.display()))
        .args(["-o", "json", "-q"])
        .env("SYFT_CHECK_FOR_APP_UPDATE", "false")
        .output()
        .expect("run syft");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let syft: Value = serde_json::from_slice(&out.stdout).unwrap();
    let theirs: BTreeSet<String> = syft["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["type"] == "go-module")
        .map(|a| a["purl"].as_str().unwrap().to_string())
        .collect();
    let report = run_json(bulwark().arg("fs").arg(&bins).args([
        "-f",
        "json",
        "--scanners",
        "none",
        "--list-all-pkgs",
    ]));
    let ours: BTreeSet<String> = report["metadata"]["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["type"] == "go-module")
        .map(|p| p["purl"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ours, theirs);
    assert!(
        ours.iter().any(
            |p| p.starts_with("pkg:golang/github.com/docker/distribution@")
                && p.ends_with("#cmd/registry")
        ),
        "{ours:?}"
    );
    assert!(
        ours.iter().any(|p| p.starts_with("pkg:golang/stdlib@1.")),
        "{ours:?}"
    );
}
