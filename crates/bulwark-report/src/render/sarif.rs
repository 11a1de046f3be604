//! SARIF 2.1.0, as GitHub code scanning and editors read it.
//!
//! GitHub rejects absolute and empty artifact URIs, so every path is made relative to the
//! working directory and anchored at `%SRCROOT%`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::{RenderOptions, relative_uri_path, uri_encode};
use crate::{Finding, Report, RuleInfo, Severity};

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

pub(super) fn render(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules = Vec::new();
    for f in &report.findings {
        if !index.contains_key(f.code.as_str()) {
            index.insert(&f.code, rules.len());
            rules.push(rule_json(&f.code, report.rules.get(&f.code), f));
        }
    }
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let uri = uri_encode(&relative_uri_path(&f.location.path, &opts.base_dir));
            let mut physical = json!({
                "artifactLocation": { "uri": uri, "uriBaseId": "%SRCROOT%" },
            });
            if let Some(line) = f.location.line.filter(|l| *l >= 1) {
                let mut region = json!({ "startLine": line });
                if let Some(c) = f.location.column.filter(|c| *c >= 1) {
                    region["startColumn"] = json!(c);
                }
                if let Some(el) = f.location.end_line.filter(|el| *el >= line) {
                    region["endLine"] = json!(el);
                    if let Some(ec) = f.location.end_column.filter(|c| *c >= 1) {
                        // SARIF end columns are exclusive; ours are inclusive.
                        region["endColumn"] = json!(ec + 1);
                    }
                }
                physical["region"] = region;
            }
            let mut result = json!({
                "ruleId": f.code,
                "ruleIndex": index.get(f.code.as_str()).copied().unwrap_or(0),
                "level": level(f.severity),
                "message": { "text": f.message },
                "locations": [{ "physicalLocation": physical }],
            });
            if !f.properties.is_empty() {
                result["properties"] = json!(f.properties);
            }
            result
        })
        .collect();
    let base = opts.base_dir.to_string_lossy();
    // An absolute base directory `/a/b` becomes `file:///a/b/` (the trailing slash matters).
    let base_uri = format!("file://{}/", uri_encode(base.trim_end_matches('/')));
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
            "originalUriBaseIds": { "%SRCROOT%": { "uri": base_uri } },
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
