//! Bulwark's JSON output. The schema is versioned (`schema_version`) and documented in
//! `docs/json-output.md`; fields are only ever added within a schema version.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::RenderOptions;
use crate::Report;

/// Current JSON schema version.
pub const SCHEMA_VERSION: u32 = 1;

pub(super) fn render(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let summary: serde_json::Map<String, Value> = report
        .counts()
        .into_iter()
        .map(|(s, n)| (s.as_str().to_string(), json!(n)))
        .collect();
    let doc = json!({
        "schema_version": SCHEMA_VERSION,
        "tool": { "name": opts.tool_name, "version": opts.tool_version },
        "metadata": report.metadata,
        "summary": { "total": report.findings.len(), "by_severity": summary, "suppressed": report.suppressed.len() },
        "findings": report.findings,
        "suppressed": report.suppressed,
        "rules": report.rules.values().collect::<Vec<_>>(),
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
