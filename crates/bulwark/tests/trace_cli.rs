//! `bulwark image IMAGE --dockerfile FILE`, end to end: every finding names the Dockerfile line
//! whose build step made its layer, and SARIF locations become that line.
//!
//! * An image built here with `docker build` (the classic builder: this engine has no buildx)
//!   from a multi-stage Dockerfile on the test base image (no pulls): `ARG` (the `|1 PIN=…`
//!   prefix), `ENV`/`LABEL` (empty layers), a `RUN` with continuations, `COPY --from=build`,
//!   `WORKDIR`, a `COPY` of a file with a leaked token.
//! * An image whose config carries the history BuildKit writes (moby/buildkit
//!   `frontend/dockerfile/dockerfile2llb/convert.go` `commitToHistory` / `runCommandString`
//!   and `convert_copy.go`, commit 73ed6825c4b7569379ef89df0aedcdbe64473d31): `RUN |1 PIN=…
//!   /bin/sh -c CMD # buildkit`, a heredoc's body as the command, no `--mount` in the text,
//!   `COPY --chown=… SRC DEST # buildkit`, `WORKDIR` with a layer, `ARG`/`ENV`/`USER` without.
//!
//! Expected lines are found in the Dockerfile text by the instruction they must point at.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use bulwark_testutil::image::{DockerArchive, Layer, fake_token};
use serde_json::Value;

fn bulwark(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bulwark"));
    c.current_dir(dir)
        .env("HOME", dir)
        .env("BULWARK_CACHE_DIR", dir.join("cache"))
        .env_remove("BULWARK_SEVERITY")
        .env_remove("BULWARK_FORMAT")
        .env_remove("BULWARK_DOCKERFILE");
    c
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run bulwark");
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The conformance OSV records plus one Debian 12 record for `apt` (every version affected), so
/// the base image's packages have a finding to attribute to the `FROM` line.
fn database(dir: &Path) -> Option<PathBuf> {
    let osv = bulwark_testutil::conformance_dir("osv")?;
    let extra = dir.join("extra-osv");
    std::fs::create_dir_all(&extra).unwrap();
    std::fs::write(
        extra.join("BW-TEST-2026-0001.json"),
        r#"{"id":"BW-TEST-2026-0001","modified":"2026-01-01T00:00:00Z",
            "summary":"Test record: every apt on Debian 12",
            "affected":[{"package":{"ecosystem":"Debian:12","name":"apt"},
              "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}"#,
    )
    .unwrap();
    let db = dir.join("osv.db");
    stdout_of(
        bulwark(dir)
            .args(["db", "import", "--db-path"])
            .arg(&db)
            .arg(&osv)
            .arg(&extra),
    );
    Some(db)
}

/// 1-based line of the first line of `text` that starts with `prefix`, after `skip` earlier such
/// lines.
fn line_of(text: &str, prefix: &str, skip: usize) -> u64 {
    let i = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with(prefix))
        .nth(skip)
        .unwrap_or_else(|| panic!("no line starting with {prefix:?}"))
        .0;
    u64::try_from(i + 1).unwrap()
}

fn scan(dir: &Path, db: &Path, input: &[&str], format: &str) -> String {
    stdout_of(
        bulwark(dir)
            .arg("image")
            .args(input)
            .args(["--dockerfile", "Dockerfile", "--scanners", "vuln,secret"])
            .args(["--skip-db-update", "--no-cache", "-f", format, "--db-path"])
            .arg(db),
    )
}

/// Checks the JSON findings against `expect` (package or secret rule → line) and returns
/// (code, line) per finding; every finding must be traced.
fn check_json(report: &Value, expect: &BTreeMap<&str, u64>) -> Vec<(String, u64)> {
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty(), "no findings: {report:#}");
    let mut seen = BTreeMap::new();
    let mut out = Vec::new();
    for f in findings {
        let p = &f["properties"];
        let line = p["dockerfile_line"]
            .as_u64()
            .unwrap_or_else(|| panic!("finding not traced: {f:#}"));
        let key = p["package"]
            .as_str()
            .filter(|_| f["category"] == "vulnerability")
            .unwrap_or_else(|| f["code"].as_str().unwrap());
        if let Some(want) = expect.get(key) {
            assert_eq!(line, *want, "{key}: wrong line: {f:#}");
            *seen.entry(key.to_owned()).or_insert(0) += 1;
        }
        assert_eq!(f["origin"]["path"], "Dockerfile", "{f:#}");
        assert_eq!(f["origin"]["line"].as_u64(), Some(line));
        assert!(p["layer_index"].is_u64(), "{f:#}");
        out.push((f["code"].as_str().unwrap().to_owned(), line));
    }
    for k in expect.keys() {
        assert!(seen.contains_key(*k), "no finding for {k}: {report:#}");
    }
    assert!(
        report["metadata"]["dockerfile"]["warnings"]
            .as_array()
            .is_some_and(Vec::is_empty),
        "{:#}",
        report["metadata"]["dockerfile"]
    );
    out.sort();
    out
}

/// SARIF: every result is located at Dockerfile:LINE (relative, under %SRCROOT%), the in-image
/// file is a related location, and the (rule, line) pairs equal the JSON report's.
fn check_sarif(sarif: &str, json_pairs: &[(String, u64)]) {
    let v: Value = serde_json::from_str(sarif).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    let mut pairs: Vec<(String, u64)> = results
        .iter()
        .map(|r| {
            let loc = &r["locations"][0]["physicalLocation"];
            assert_eq!(loc["artifactLocation"]["uri"], "Dockerfile", "{r:#}");
            assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            let related = r["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap();
            assert!(
                !related.contains("..") && !related.starts_with('/'),
                "{related}"
            );
            (
                r["ruleId"].as_str().unwrap().to_owned(),
                loc["region"]["startLine"].as_u64().unwrap(),
            )
        })
        .collect();
    pairs.sort();
    assert_eq!(pairs, json_pairs);
}

const CLASSIC: &str = r"FROM bulwark-test/debian:bookworm AS build
RUN mkdir -p /out/urllib3-1.26.4.dist-info \
 && printf 'Metadata-Version: 2.1\nName: urllib3\nVersion: 1.26.4\n' \
      > /out/urllib3-1.26.4.dist-info/METADATA

FROM bulwark-test/debian:bookworm
ARG PIN=1
ENV APP_HOME=/app
LABEL org.opencontainers.image.title=trace-test
RUN echo requests==2.25.0 > /tmp/requirements.txt \
 && mkdir -p /usr/local/lib/python3.11/dist-packages/requests-2.25.0.dist-info \
 && printf 'Metadata-Version: 2.1\nName: requests\nVersion: 2.25.0\n' \
      > /usr/local/lib/python3.11/dist-packages/requests-2.25.0.dist-info/METADATA
COPY --from=build /out/ /usr/local/lib/python3.11/dist-packages/
WORKDIR /app
COPY app.env /app/.env
USER nobody
";

#[test]
fn classic_builder_multi_stage_image_traces_every_finding() {
    // The test image's build makes the base image this Dockerfile starts from.
    if bulwark_testutil::image::test_image().is_none() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let Some(db) = database(dir) else { return };
    std::fs::write(dir.join("Dockerfile"), CLASSIC).unwrap();
    let token = fake_token("ghp_", 36, 18);
    std::fs::write(dir.join("app.env"), format!("GITHUB_TOKEN={token}\n")).unwrap();
    let tag = format!("bulwark-test/trace:{}", std::process::id());
    let out = Command::new("docker")
        .env("DOCKER_BUILDKIT", "0")
        .args(["build", "-q", "-t", &tag])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "docker build: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let archive = dir.join("image.tar");
    let saved = Command::new("docker")
        .args(["save", "-o"])
        .arg(&archive)
        .arg(&tag)
        .status()
        .unwrap();
    let _ = Command::new("docker").args(["rmi", "-f", &tag]).output();
    assert!(saved.success());

    let expect = BTreeMap::from([
        ("apt", line_of(CLASSIC, "FROM ", 1)),
        ("requests", line_of(CLASSIC, "RUN echo requests", 0)),
        ("urllib3", line_of(CLASSIC, "COPY --from=build", 0)),
        ("github-pat", line_of(CLASSIC, "COPY app.env", 0)),
    ]);
    // Both ways of naming the image: the daemon's tag is gone, so the archive with --input and
    // as a docker-archive: transport.
    let a = archive.to_str().unwrap();
    let report: Value = serde_json::from_str(&scan(dir, &db, &["--input", a], "json")).unwrap();
    let pairs = check_json(&report, &expect);
    let urllib3 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["package"] == "urllib3")
        .unwrap();
    assert!(
        urllib3["properties"]["dockerfile_fix"]
            .as_str()
            .unwrap()
            .contains("stage `build`"),
        "{urllib3:#}"
    );
    let apt = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["package"] == "apt")
        .unwrap();
    assert_eq!(apt["properties"]["dockerfile_base"], true);
    assert!(
        apt["help"]
            .as_str()
            .unwrap()
            .contains("rebuild on a newer base"),
        "{apt:#}"
    );
    let transport = format!("docker-archive:{a}");
    let sarif = scan(dir, &db, &[transport.as_str()], "sarif");
    check_sarif(&sarif, &pairs);
    assert!(!sarif.contains(&token), "the token leaked into SARIF");
    let table = scan(dir, &db, &["--input", a], "table");
    assert!(table.contains("Step"), "{table}");
}

const BUILDKIT: &str = r"# syntax=docker/dockerfile:1
FROM debian:12
ARG PIN=2.25.0
ENV LANG=C.UTF-8
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install requests==2.25.0
RUN <<EOF
set -e
pip install urllib3==1.26.4
EOF
WORKDIR /app
COPY --chown=1000:1000 app.env /app/.env
USER 1000
";

const DPKG_STATUS: &str = "Package: apt\nStatus: install ok installed\nPriority: important\n\
Section: admin\nInstalled-Size: 4000\nMaintainer: APT Development Team <deity@lists.debian.org>\n\
Architecture: amd64\nVersion: 2.6.1\nDescription: commandline package manager\n\n";

#[test]
fn buildkit_history_traces_heredocs_mounts_and_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let Some(db) = database(dir) else { return };
    std::fs::write(dir.join("Dockerfile"), BUILDKIT).unwrap();
    let token = fake_token("ghp_", 36, 81);
    let site = "usr/local/lib/python3.11/site-packages";
    let mut archive = DockerArchive::new(vec![
        Layer::new()
            .file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n")
            .file("var/lib/dpkg/status", DPKG_STATUS),
        Layer::new().file(
            &format!("{site}/requests-2.25.0.dist-info/METADATA"),
            "Metadata-Version: 2.1\nName: requests\nVersion: 2.25.0\n",
        ),
        Layer::new().file(
            &format!("{site}/urllib3-1.26.4.dist-info/METADATA"),
            "Metadata-Version: 2.1\nName: urllib3\nVersion: 1.26.4\n",
        ),
        Layer::new().file("app/.keep", ""),
        Layer::new().file("app/.env", format!("GITHUB_TOKEN={token}\n")),
    ]);
    // As BuildKit writes it: the base image's steps, then one entry per instruction.
    archive.created_by = vec![
        "/bin/sh -c #(nop) ADD file:4d35f6c8bbbe6801c0bc4dd5e1f0ec9bd6a8e3a3 in / ".into(),
        "RUN |1 PIN=2.25.0 /bin/sh -c pip install requests==2.25.0 # buildkit".into(),
        "RUN |1 PIN=2.25.0 /bin/sh -c set -e\npip install urllib3==1.26.4\n # buildkit".into(),
        "WORKDIR /app".into(),
        "COPY --chown=1000:1000 app.env /app/.env # buildkit".into(),
    ];
    archive.empty_steps = vec![
        (0, "/bin/sh -c #(nop)  CMD [\"bash\"]".into()),
        (0, "ARG PIN=2.25.0".into()),
        (0, "ENV LANG=C.UTF-8".into()),
        (4, "USER 1000".into()),
    ];
    let path = archive.write(dir, "buildkit.tar");
    let expect = BTreeMap::from([
        ("apt", line_of(BUILDKIT, "FROM ", 0)),
        ("requests", line_of(BUILDKIT, "RUN --mount", 0)),
        ("urllib3", line_of(BUILDKIT, "RUN <<EOF", 0)),
        ("github-pat", line_of(BUILDKIT, "COPY --chown", 0)),
    ]);
    let a = path.to_str().unwrap();
    let report: Value = serde_json::from_str(&scan(dir, &db, &["--input", a], "json")).unwrap();
    let pairs = check_json(&report, &expect);
    for (pkg, pin) in [
        ("requests", "requests==2.25.0"),
        ("urllib3", "urllib3==1.26.4"),
    ] {
        let f = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["package"] == pkg && f["properties"]["fixed_version"] != "")
            .unwrap_or_else(|| panic!("no fixed {pkg} finding"));
        let fix = f["properties"]["dockerfile_fix"].as_str().unwrap();
        assert!(fix.contains(&format!("Change the pin `{pin}`")), "{fix}");
    }
    check_sarif(&scan(dir, &db, &["--input", a], "sarif"), &pairs);
}

#[test]
fn dockerfile_that_does_not_match_is_a_warning_not_a_guess() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let Some(db) = database(dir) else { return };
    std::fs::write(dir.join("Dockerfile"), "FROM debian:12\nRUN make all\n").unwrap();
    let mut archive = DockerArchive::new(vec![
        Layer::new()
            .file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n")
            .file("var/lib/dpkg/status", DPKG_STATUS),
        Layer::new().file("app/x", "x"),
    ]);
    archive.created_by = vec![
        "/bin/sh -c #(nop) ADD file:1 in / ".into(),
        "/bin/sh -c something else entirely".into(),
    ];
    let path = archive.write(dir, "other.tar");
    let out = bulwark(dir)
        .args(["image", "--input"])
        .arg(&path)
        .args([
            "--dockerfile",
            "Dockerfile",
            "--skip-db-update",
            "--no-cache",
        ])
        .args(["-f", "json", "--db-path"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("does not match the Dockerfile"), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    for f in report["findings"].as_array().unwrap() {
        assert!(f["origin"].is_null(), "guessed a line: {f:#}");
    }
    // A Dockerfile that cannot be read is a usage error naming it.
    let out = bulwark(dir)
        .args(["image", "--input"])
        .arg(&path)
        .args([
            "--dockerfile",
            "missing/Dockerfile",
            "--scanners",
            "secret",
            "--no-cache",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing/Dockerfile"));
}
