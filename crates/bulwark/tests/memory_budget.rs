//! The analyzers' memory budget end to end (issue 17), on the issue's own input: an image whose
//! one gzip layer (about 3 MB) holds twelve 256 MiB zero-filled installed `package.json` files,
//! 3 GiB of analyzer input. Each file fits the per-file limit; the budget (`--max-memory`) is
//! what bounds them. The scan must complete, name every file it did not analyse with the limit
//! and the flag that raises it, and keep the exit status of a clean scan (a skipped file is a
//! coverage warning, as a database coverage gap is: stderr even with `-q`, and
//! `metadata.analysis_errors` in JSON). Peak memory is measured by `bench/memory.sh`, not here.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use bulwark_testutil::cli::run;
use bulwark_testutil::image::sha256_hex;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

const FILES: usize = 12;
const FILE_BYTES: u64 = 256 << 20;

fn hex(d: &[u8]) -> String {
    use std::fmt::Write as _;
    d.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Writes the archive (Docker 25+ `docker save` layout: blobs named by digest) and returns its
/// path. The layer is a multi-member gzip stream: each file's tar header in a member of its
/// own, then one member holding 256 MiB of zeros, compressed once and written twelve times.
fn zero_json_archive(dir: &Path) -> PathBuf {
    // level 6, as gzip's default: 256 MiB of zeros in about 256 KiB
    let mut zeros = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mib = vec![0u8; 1 << 20];
    for _ in 0..(FILE_BYTES >> 20) {
        zeros.write_all(&mib).unwrap();
    }
    let zeros = zeros.finish().unwrap();

    let mut blob = Vec::new();
    let mut diff = Sha256::new();
    for i in 0..FILES {
        let mut h = tar::Header::new_gnu();
        h.set_path(format!("app/node_modules/p{i}/package.json"))
            .unwrap();
        h.set_size(FILE_BYTES);
        h.set_mode(0o644);
        h.set_mtime(1_700_000_000);
        h.set_cksum();
        diff.update(h.as_bytes());
        blob.extend(gzip(h.as_bytes()));
        for _ in 0..(FILE_BYTES >> 20) {
            diff.update(&mib);
        }
        blob.extend_from_slice(&zeros);
    }
    let end = [0u8; 1024];
    diff.update(end);
    blob.extend(gzip(&end));
    let diff_id = hex(&diff.finalize());
    let blob_name = format!("blobs/sha256/{}", sha256_hex(&blob));

    let config = serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64",
        "os": "linux",
        "config": { "Env": ["PATH=/usr/bin:/bin"] },
        "rootfs": { "type": "layers", "diff_ids": [format!("sha256:{diff_id}")] },
        "history": [{ "created_by": "twelve 256 MiB package.json files of zeros" }],
    }))
    .unwrap();
    let config_name = format!("blobs/sha256/{}", sha256_hex(&config));
    let manifest = serde_json::to_vec(&serde_json::json!([{
        "Config": config_name,
        "RepoTags": ["bulwark-test/zero-json:1"],
        "Layers": [blob_name],
    }]))
    .unwrap();
    let path = dir.join("zero-json.tar");
    let mut b = tar::Builder::new(std::fs::File::create(&path).unwrap());
    for (name, data) in [
        (config_name.as_str(), &config),
        (blob_name.as_str(), &blob),
        ("manifest.json", &manifest),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, data.as_slice()).unwrap();
    }
    b.finish().unwrap();
    path
}

fn bulwark(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bulwark"));
    c.current_dir(dir)
        .env("HOME", dir)
        .env("BULWARK_CACHE_DIR", dir.join("cache"))
        .env_remove("BULWARK_MAX_MEMORY")
        .env_remove("BULWARK_MAX_FILE_BYTES")
        .env_remove("BULWARK_FORMAT")
        .args([
            "image",
            "-q",
            "-f",
            "json",
            "--scanners",
            "none",
            "--no-cache",
        ]);
    c
}

fn analysis_errors(stdout: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(stdout).unwrap();
    v["metadata"]["analysis_errors"]
        .as_array()
        .map(|a| a.iter().map(|e| e.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

#[test]
fn files_past_the_memory_budget_are_skipped_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let archive = zero_json_archive(d);
    assert!(
        std::fs::metadata(&archive).unwrap().len() < 8 << 20,
        "the input stays small: {} bytes",
        std::fs::metadata(&archive).unwrap().len()
    );

    // A budget smaller than one file: every file is skipped, each named with the limit and
    // the flag; the scan completes with the status of a clean scan.
    let r = run(bulwark(d)
        .arg("--max-memory")
        .arg((64u64 << 20).to_string())
        .arg("--input")
        .arg(&archive));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let errors = analysis_errors(&r.stdout);
    for i in 0..FILES {
        let want = format!(
            "/app/node_modules/p{i}/package.json ({FILE_BYTES} bytes): not analysed: the \
             memory budget of {} bytes",
            64u64 << 20
        );
        assert!(
            r.stderr
                .lines()
                .any(|l| l.contains(&want) && l.contains("--max-memory")),
            "stderr (even with -q) names p{i} and the flag:\n{}",
            r.stderr
        );
        assert!(
            errors.iter().any(|e| e.contains(&want)),
            "JSON names p{i}: {errors:?}"
        );
    }
    assert_eq!(errors.len(), FILES, "{errors:?}");

    // The default budget (512 MiB) holds one file at a time: each is read, found not to be
    // JSON, and dropped before the next, so all twelve are analysed and none skipped.
    let r = run(bulwark(d).arg("--input").arg(&archive));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let errors = analysis_errors(&r.stdout);
    assert!(
        !errors.iter().any(|e| e.contains("not analysed")),
        "{errors:?}"
    );
    for i in 0..FILES {
        let path = format!("/app/node_modules/p{i}/package.json");
        assert!(
            errors
                .iter()
                .any(|e| e.contains(&path) && e.contains("invalid JSON")),
            "p{i} was analysed: {errors:?}"
        );
    }
}
