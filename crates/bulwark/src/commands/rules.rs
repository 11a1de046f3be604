//! `bulwark rules`: the rule catalogue, from each rule's own documentation.

use super::UsageError;

/// Flags for `bulwark rules`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the full documentation of this rule (e.g. `DL3008`, `BW1001`, `PSS-privileged`).
    pub code: Option<String>,
    /// Print the catalogue as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Lists rules, or prints one rule's documentation.
pub fn run(args: &Args) -> anyhow::Result<i32> {
    if let Some(code) = &args.code {
        let Some(entry) = bulwark_rules::find(code) else {
            return Err(UsageError(format!(
                "no rule `{code}` (run `bulwark rules` for the list)"
            ))
            .into());
        };
        let rule = &entry.info;
        if args.json {
            crate::outln!("{}", serde_json::to_string_pretty(rule)?);
        } else {
            crate::outln!(
                "{} ({}, {}): {}\n",
                rule.code,
                entry.family,
                rule.default_severity,
                rule.summary
            );
            if !rule.help_markdown.is_empty() {
                crate::outln!("{}", rule.help_markdown.trim_end());
            }
            if let Some(uri) = &rule.help_uri {
                crate::outln!("\nSee also: {uri}");
            }
        }
        return Ok(0);
    }
    let all = bulwark_rules::all();
    if args.json {
        let infos: Vec<_> = all.iter().map(|e| &e.info).collect();
        crate::outln!("{}", serde_json::to_string_pretty(&infos)?);
        return Ok(0);
    }
    let width = all.iter().map(|e| e.info.code.len()).max().unwrap_or(6);
    for e in &all {
        crate::outln!(
            "{:<width$}  {:<10}  {:<8}  {}",
            e.info.code,
            e.family.as_str(),
            e.info.default_severity.as_str(),
            e.info.summary
        );
    }
    Ok(0)
}
