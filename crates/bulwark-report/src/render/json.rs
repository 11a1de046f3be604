//! Bulwark's JSON output. The schema is versioned (`schema_version`) and documented in
//! `docs/json-output.md`; fields are only ever added within a schema version.

use std::io::{self, Write};

use std::collections::BTreeMap;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::RenderOptions;
use crate::{Finding, Report, RuleInfo, Severity, Suppressed};

/// Current JSON schema version.
pub const SCHEMA_VERSION: u32 = 1;

// The document is serialized straight from the report (no intermediate `serde_json::Value`
// tree, which doubled peak memory and time on large reports); field order is the schema's.
#[derive(Serialize)]
struct Doc<'a> {
    schema_version: u32,
    tool: Tool<'a>,
    metadata: &'a BTreeMap<String, serde_json::Value>,
    summary: Summary,
    /// What the run could not see (empty when it saw everything); a non-empty list means the
    /// findings are incomplete and the exit status is 3.
    errors: &'a [String],
    findings: &'a [Finding],
    suppressed: &'a [Suppressed],
    rules: Vec<&'a RuleInfo>,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
struct Summary {
    total: usize,
    by_severity: BySeverity,
    suppressed: usize,
}

struct BySeverity(Vec<(Severity, usize)>);

impl Serialize for BySeverity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (sev, n) in &self.0 {
            map.serialize_entry(sev.as_str(), n)?;
        }
        map.end()
    }
}

pub(super) fn render(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let doc = Doc {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: &opts.tool_name,
            version: &opts.tool_version,
        },
        metadata: &report.metadata,
        summary: Summary {
            total: report.findings.len(),
            by_severity: BySeverity(report.counts()),
            suppressed: report.suppressed.len(),
        },
        errors: &report.errors,
        findings: &report.findings,
        suppressed: &report.suppressed,
        rules: report.rules.values().collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
