//! Every rule's documentation carries a bad example (`## Example`) and a fixed one
//! (`## How to fix`). This test lints both: the bad one must trigger the rule, the fixed one must
//! not. The whole table is also snapshotted so changes in any rule's output are reviewed.

use std::fmt::Write;

use bulwark_dockerfile::{Config, LabelType, Level, lint, rules};

fn block_after(md: &str, heading: &str) -> Option<String> {
    let rest = md.split_once(heading)?.1;
    let rest = rest.split_once("```dockerfile\n")?.1;
    // Stop at the next heading so a prose-only section does not borrow a later block.
    let before_next = rest.split_once("\n## ").map_or(rest, |(a, _)| a);
    if before_next.len() < rest.len() && !before_next.contains("```") {
        return None;
    }
    Some(rest.split_once("```")?.0.to_string())
}

fn config_for(code: &str) -> Config {
    let mut c = Config::default();
    c.overrides.insert(code.to_string(), Level::Warning);
    c.trusted_registries
        .insert("my-registry.example.com".into());
    let schema: &[(&str, LabelType)] = match code {
        "DL3052" => &[("org.opencontainers.image.source", LabelType::Url)],
        "DL3053" => &[("org.opencontainers.image.created", LabelType::Rfc3339)],
        "DL3054" => &[("org.opencontainers.image.licenses", LabelType::Spdx)],
        "DL3055" => &[("org.opencontainers.image.revision", LabelType::Hash)],
        "DL3058" => &[("maintainer", LabelType::Email)],
        _ => &[("version", LabelType::Semver)],
    };
    if (code.starts_with("DL305") && code != "DL3057") || code == "DL3049" {
        for (k, t) in schema {
            c.label_schema.insert((*k).to_string(), *t);
        }
        c.strict_labels = code == "DL3050";
    }
    c
}

fn findings(src: &str, c: &Config) -> Vec<String> {
    lint("Dockerfile", src.as_bytes(), c)
        .findings
        .into_iter()
        .map(|f| format!("{}:{}", f.code, f.location.line.unwrap_or(0)))
        .collect()
}

#[test]
fn documented_examples_fire_and_fixes_do_not() {
    let mut table = String::new();
    let mut count = 0;
    for info in rules() {
        let code = info.code.as_str();
        let md = &info.help_markdown;
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## How to fix",
        ] {
            assert!(md.contains(section), "{code}: missing {section}");
        }
        let c = config_for(code);
        let bad = block_after(md, "## Example").unwrap_or_else(|| panic!("{code}: no example"));
        let got_bad = findings(&bad, &c);
        assert!(
            got_bad.iter().any(|f| f.starts_with(&format!("{code}:"))),
            "{code}: example does not trigger the rule:\n{bad}\n{got_bad:?}"
        );
        let _ = writeln!(table, "{code} example: {}", got_bad.join(" "));
        if let Some(good) = block_after(md, "## How to fix") {
            let got_good = findings(&good, &c);
            assert!(
                !got_good.iter().any(|f| f.starts_with(&format!("{code}:"))),
                "{code}: fix still triggers the rule:\n{good}\n{got_good:?}"
            );
            let _ = writeln!(table, "{code} fixed:   {}", got_good.join(" "));
        }
        count += 1;
    }
    assert_eq!(count, 87, "DL1000 + 71 Hadolint rules + 15 Bulwark rules");
    insta::assert_snapshot!(table);
}

#[test]
fn rule_metadata_is_complete() {
    let infos: Vec<_> = rules().collect();
    let mut codes: Vec<&str> = infos.iter().map(|i| i.code.as_str()).collect();
    codes.dedup();
    assert_eq!(codes.len(), infos.len(), "duplicate codes");
    for i in &infos {
        assert!(i.name.as_deref().is_some_and(|n| !n.is_empty()));
        assert!(!i.summary.is_empty());
        assert!(i.help_uri.is_some());
    }
    for removed in ["DL3005", "DL3017", "DL3031", "DL3039", "DL4002"] {
        assert!(
            bulwark_dockerfile::rule(removed).is_none(),
            "{removed} is not in Hadolint 2.15"
        );
    }
    assert!(bulwark_dockerfile::rule("dl3008").is_some());
    assert_eq!(
        bulwark_dockerfile::rule("DL1000").map(|r| r.default_severity),
        Some(bulwark_report::Severity::Error)
    );
}
