//! SARIF 2.1.0, as GitHub code scanning and editors read it.
//!
//! GitHub rejects absolute and empty artifact URIs and `..` segments, so every path is relative
//! to a declared base (see [`super::machine_path`]): `%SRCROOT%` (the working directory) for
//! host files below it, `FSROOT` (`file:///`) for other host files, `SCANROOT` (the scanned
//! directory) for findings of `bulwark fs DIR`, and `IMAGEROOT` (the scanned image's file
//! system, which has no `file:` URI: it is declared with a description only) for findings
//! inside an image.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Base, RenderOptions, dir_uri, machine_path, uri_encode};
use crate::{ArtifactKind, Finding, Location, Report, RuleInfo, Severity};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High | Severity::Error => "error",
        Severity::Medium | Severity::Warning => "warning",
        Severity::Low | Severity::Info | Severity::Style | Severity::Unknown => "note",
    }
}

/// GitHub's `security-severity` (0.0–10.0) that drives its critical/high/medium/low badges.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High | Severity::Error => "8.0",
        Severity::Medium | Severity::Warning => "5.5",
        Severity::Low | Severity::Info => "2.0",
        Severity::Style | Severity::Unknown => "0.0",
    }
}

fn rule_json(code: &str, info: Option<&RuleInfo>, sample: &Finding) -> Value {
    let summary = info.map_or_else(|| sample.message.clone(), |i| i.summary.clone());
    let sev = info.map_or(sample.severity, |i| i.default_severity);
    let markdown = info
        .map(|i| i.help_markdown.clone())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| summary.clone());
    let mut rule = json!({
        "id": code,
        "shortDescription": { "text": summary },
        "fullDescription": { "text": summary },
        "help": { "text": markdown, "markdown": markdown },
        "defaultConfiguration": { "level": level(sev) },
        "properties": {
            "tags": ["security", format!("{:?}", sample.category).to_lowercase()],
            "security-severity": security_severity(sev),
        },
    });
    if let Some(name) = info.and_then(|i| i.name.clone()) {
        rule["name"] = json!(name);
    }
    if let Some(uri) = info
        .and_then(|i| i.help_uri.clone())
        .or_else(|| sample.links.first().cloned())
    {
        rule["helpUri"] = json!(uri);
    }
    rule
}

/// A SARIF `physicalLocation` for `loc`, declaring the base it is relative to in `bases`.
fn physical(
    loc: &Location,
    opts: &RenderOptions,
    bases: &mut BTreeMap<&'static str, Value>,
) -> Value {
    let (path, base) = machine_path(loc, &opts.base_dir);
    match (base, &loc.artifact) {
        (Base::FsRoot, _) => {
            bases.insert(base.id(), json!({ "uri": "file:///" }));
        }
        (Base::ScanRoot, Some(a)) => {
            bases.insert(
                base.id(),
                json!({ "uri": dir_uri(&a.name, &opts.base_dir) }),
            );
        }
        (Base::ImageRoot, Some(a)) if a.kind == ArtifactKind::Image => {
            bases.insert(
                base.id(),
                json!({ "description": {
                    "text": format!("The file system of the image {}", a.name)
                }}),
            );
        }
        _ => {}
    }
    let mut physical = json!({
        "artifactLocation": { "uri": uri_encode(&path), "uriBaseId": base.id() },
    });
    if let Some(line) = loc.line.filter(|l| *l >= 1) {
        let mut region = json!({ "startLine": line });
        if let Some(c) = loc.column.filter(|c| *c >= 1) {
            region["startColumn"] = json!(c);
        }
        if let Some(el) = loc.end_line.filter(|el| *el >= line) {
            region["endLine"] = json!(el);
            if let Some(ec) = loc.end_column.filter(|c| *c >= 1) {
                // SARIF end columns are exclusive; ours are inclusive.
                region["endColumn"] = json!(ec + 1);
            }
        }
        physical["region"] = region;
    }
    physical
}

pub(super) fn render(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules = Vec::new();
    for f in &report.findings {
        if !index.contains_key(f.code.as_str()) {
            index.insert(&f.code, rules.len());
            rules.push(rule_json(&f.code, report.rules.get(&f.code), f));
        }
    }
    let mut bases: BTreeMap<&'static str, Value> = BTreeMap::new();
    let base = opts.base_dir.to_string_lossy();
    // An absolute base directory `/a/b` becomes `file:///a/b/` (the trailing slash matters).
    bases.insert(
        Base::SrcRoot.id(),
        json!({ "uri": format!("file://{}/", uri_encode(base.trim_end_matches('/'))) }),
    );
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let primary = physical(f.primary_location(), opts, &mut bases);
            let mut result = json!({
                "ruleId": f.code,
                "ruleIndex": index.get(f.code.as_str()).copied().unwrap_or(0),
                "level": level(f.severity),
                "message": { "text": f.message },
                "locations": [{ "physicalLocation": primary }],
            });
            if f.origin.is_some() {
                // The file inside the image stays visible next to the Dockerfile line.
                result["relatedLocations"] = json!([{
                    "id": 1,
                    "physicalLocation": physical(&f.location, opts, &mut bases),
                    "message": { "text": format!("in {}", f.location.display_path()) },
                }]);
            }
            if !f.properties.is_empty() {
                result["properties"] = json!(f.properties);
            }
            result
        })
        .collect();
    // A run that could not see everything says so: GitHub shows failed invocations.
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| json!({ "level": "error", "message": { "text": e } }))
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": opts.tool_name,
                "version": opts.tool_version,
                "semanticVersion": opts.tool_version,
                "informationUri": "https://github.com/bulwark-security/bulwark",
                "rules": rules,
            }},
            "originalUriBaseIds": bases,
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
