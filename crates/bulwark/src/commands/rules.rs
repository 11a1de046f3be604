//! `bulwark rules`: the rule catalogue, from each rule's own documentation.

use bulwark_report::RuleInfo;

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

fn all_rules() -> Vec<RuleInfo> {
    let mut all: Vec<RuleInfo> = bulwark_dockerfile::rules().collect();
    all.extend(bulwark_k8s::rules());
    all
}

/// Lists rules, or prints one rule's documentation.
pub fn run(args: &Args) -> anyhow::Result<i32> {
    let all = all_rules();
    if let Some(code) = &args.code {
        let Some(rule) = all.iter().find(|r| r.code.eq_ignore_ascii_case(code)) else {
            return Err(UsageError(format!(
                "no rule `{code}` (run `bulwark rules` for the list)"
            ))
            .into());
        };
        if args.json {
            crate::outln!("{}", serde_json::to_string_pretty(rule)?);
        } else {
            crate::outln!(
                "{} ({}): {}\n",
                rule.code,
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
    if args.json {
        crate::outln!("{}", serde_json::to_string_pretty(&all)?);
        return Ok(0);
    }
    let width = all.iter().map(|r| r.code.len()).max().unwrap_or(6);
    for r in &all {
        crate::outln!(
            "{:<width$}  {:<8}  {}",
            r.code,
            r.default_severity.as_str(),
            r.summary
        );
    }
    Ok(0)
}
