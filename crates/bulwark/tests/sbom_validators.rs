//! The SBOMs of `bulwark image`, `bulwark rootfs` and `bulwark fs` pass the reference
//! validators (issue 12, item 6): SPDX 2.3 through `pyspdxtools -i` (PyPI `spdx-tools`, which
//! checks licence expressions against the SPDX licence list and `hasExtractedLicensingInfos`),
//! CycloneDX 1.6 through cyclonedx-python-lib's `JsonStrictValidator`. Subjects: the real test
//! image, its exported root filesystem, and a directory of it (`/usr/local`: Python
//! distributions with free-text licences, a Go binary).
//!
//! Without docker or the validators the tests skip with a visible message, except under CI
//! (`scripts/test` installs the validators).

#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test helpers

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use bulwark_testutil::image::test_image;
use serde_json::Value;

const CDX_VALIDATE: &str = "import sys\n\
from cyclonedx.validation.json import JsonStrictValidator\n\
from cyclonedx.schema import SchemaVersion\n\
err = JsonStrictValidator(SchemaVersion.V1_6).validate_str(open(sys.argv[1]).read())\n\
if err is not None:\n    print(err)\n    sys.exit(1)\n";

/// True when both validators are installed; otherwise a visible skip (a failure under CI).
fn validators_available() -> bool {
    let spdx = Command::new("pyspdxtools")
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let cdx = Command::new("python3")
        .args([
            "-c",
            "import cyclonedx.validation.json, jsonschema, referencing",
        ])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if spdx && cdx {
        return true;
    }
    let msg = "pyspdxtools (PyPI spdx-tools) or cyclonedx-python-lib[json-validation] missing";
    assert!(!bulwark_testutil::is_ci(), "{msg}");
    eprintln!("skipping: {msg} (scripts/test installs them)");
    false
}

/// Writes the SBOM of `args` in both formats into `dir`, runs both validators on them and
/// returns the two documents (SPDX, CycloneDX).
fn sboms_validate(what: &str, args: &[&str], dir: &Path) -> (Value, Value) {
    let mut docs = Vec::new();
    for (format, file) in [("spdx-json", "sbom.spdx.json"), ("cyclonedx", "bom.json")] {
        let out_file = dir.join(format!("{what}-{file}"));
        let out = Command::new(env!("CARGO_BIN_EXE_bulwark"))
            .args(args)
            .args(["--scanners", "none", "-f", format, "-o"])
            .arg(&out_file)
            .arg("--cache-dir")
            .arg(dir.join("cache"))
            .output()
            .expect("run bulwark");
        assert!(
            out.status.success(),
            "{what} {format}: bulwark {args:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let check = if format == "spdx-json" {
            Command::new("pyspdxtools")
                .arg("-i")
                .arg(&out_file)
                .output()
        } else {
            Command::new("python3")
                .args(["-c", CDX_VALIDATE])
                .arg(&out_file)
                .output()
        }
        .expect("run validator");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
        assert!(
            check.status.success() && !text.contains("invalid"),
            "{what}: {format} rejected by the reference validator: {text}"
        );
        let doc: Value =
            serde_json::from_str(&std::fs::read_to_string(&out_file).unwrap()).unwrap();
        docs.push(doc);
    }
    let cdx = docs.pop().unwrap();
    let spdx = docs.pop().unwrap();
    (spdx, cdx)
}

/// Licence fields exercised for real: some SPDX ids, some free text (as `LicenseRef-` with its
/// extracted text in SPDX, as `name` in CycloneDX).
fn assert_licences_exercised(what: &str, spdx: &Value, cdx: &Value) {
    let extracted = spdx["hasExtractedLicensingInfos"]
        .as_array()
        .map_or(0, Vec::len);
    assert!(
        extracted > 0,
        "{what}: no free-text licence in the SPDX document"
    );
    let declared: Vec<&str> = spdx["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["licenseDeclared"].as_str())
        .collect();
    assert!(
        declared.iter().any(|d| d.starts_with("LicenseRef-")),
        "{what}: {declared:?}"
    );
    let licences: Vec<&Value> = cdx["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["licenses"].as_array())
        .flatten()
        .collect();
    assert!(
        licences.iter().any(|l| l["license"]["id"].is_string()),
        "{what}: no CycloneDX licence id"
    );
    assert!(
        licences.iter().any(|l| l["license"]["name"].is_string()),
        "{what}: no CycloneDX licence name"
    );
}

/// The test image's filesystem, exported with `docker export` and unpacked (device nodes
/// left out). Cached per test binary.
fn rootfs() -> Option<&'static Path> {
    static DIR: std::sync::OnceLock<Option<(tempfile::TempDir, PathBuf)>> =
        std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        test_image()?;
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("rootfs");
        std::fs::create_dir(&root).unwrap();
        let id = Command::new("docker")
            .args(["create", "bulwark-test/app:1"])
            .output()
            .expect("docker create");
        assert!(id.status.success(), "docker create failed");
        let id = String::from_utf8_lossy(&id.stdout).trim().to_string();
        let export = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "docker export {id} | tar -x --exclude=dev -C '{}'",
                root.display()
            ))
            .status()
            .expect("docker export");
        let _ = Command::new("docker").args(["rm", &id]).output();
        assert!(export.success(), "docker export | tar failed");
        Some((tmp, root))
    })
    .as_ref()
    .map(|(_, p)| p.as_path())
}

#[test]
fn image_sboms_pass_the_reference_validators() {
    let Some(dir) = test_image() else { return };
    if !validators_available() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let archive = dir.join("image.tar");
    let (spdx, cdx) = sboms_validate(
        "image",
        &["image", "--input", archive.to_str().unwrap()],
        out.path(),
    );
    assert_licences_exercised("image", &spdx, &cdx);
}

#[test]
fn rootfs_and_fs_sboms_pass_the_reference_validators() {
    if test_image().is_none() || !validators_available() {
        return;
    }
    let Some(root) = rootfs() else { return };
    let out = tempfile::tempdir().unwrap();
    let (spdx, cdx) = sboms_validate("rootfs", &["rootfs", root.to_str().unwrap()], out.path());
    assert_licences_exercised("rootfs", &spdx, &cdx);
    assert!(
        spdx["packages"].as_array().unwrap().len() > 100,
        "rootfs: not the whole image"
    );
    let local = root.join("usr/local");
    let (spdx, cdx) = sboms_validate("fs", &["fs", local.to_str().unwrap()], out.path());
    assert_licences_exercised("fs", &spdx, &cdx);
}
