//! Docker daemon rules (`BWD…`): CIS Docker Benchmark v1.6.0 section 2 over
//! [`DaemonSettings`]. One rule, one file: the doc is the rule's documentation (what / why /
//! example / fix) and the CIS check it maps to. [`RULES`] is the registry.

mod bwd001_icc;
mod bwd002_insecure_registries;
mod bwd003_tcp_without_tls;
mod bwd004_default_ulimits;
mod bwd005_userns_remap;
mod bwd006_log_driver;
mod bwd007_no_new_privileges;
mod bwd008_live_restore;
mod bwd009_userland_proxy;
mod bwd010_experimental;
mod bwd011_rootful;
mod bwd012_aufs;
mod bwd013_config_not_visible;

use bulwark_report::{Category, Finding, Location, RuleInfo, Severity};

use crate::settings::DaemonSettings;

/// A daemon rule.
pub struct Rule {
    /// Code (`BWD001`).
    pub code: &'static str,
    /// Kebab-case name.
    pub name: &'static str,
    /// One-line summary.
    pub summary: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// CIS Docker Benchmark v1.6.0 check number.
    pub cis: Option<&'static str>,
    /// Needs the daemon's command line and configuration file (local engine only).
    pub needs_local_config: bool,
    /// Markdown: what it does, why, example, fix.
    pub doc: &'static str,
    /// The check.
    pub run: fn(&DaemonSettings, &mut Emitter),
}

/// Collects a rule's findings.
pub struct Emitter {
    rule: &'static Rule,
    location: Location,
    out: Vec<Finding>,
}

impl Emitter {
    /// Reports `message` about daemon `setting`, read from `source` (`info`, `daemon.json`,
    /// `dockerd command line`, `bridge network`).
    pub fn emit(&mut self, setting: &str, source: &str, message: String, help: &str) {
        let mut f = Finding::new(
            self.rule.code,
            self.rule.severity,
            Category::Runtime,
            message,
            self.location.clone(),
        )
        .with_help(help)
        .with_property("setting", setting)
        .with_property("source", source);
        if let Some(c) = self.rule.cis {
            f = f.with_property("cis", c);
        }
        self.out.push(f);
    }
}

/// Every daemon rule.
pub static RULES: &[&Rule] = &[
    &bwd001_icc::RULE,
    &bwd002_insecure_registries::RULE,
    &bwd003_tcp_without_tls::RULE,
    &bwd004_default_ulimits::RULE,
    &bwd005_userns_remap::RULE,
    &bwd006_log_driver::RULE,
    &bwd007_no_new_privileges::RULE,
    &bwd008_live_restore::RULE,
    &bwd009_userland_proxy::RULE,
    &bwd010_experimental::RULE,
    &bwd011_rootful::RULE,
    &bwd012_aufs::RULE,
    &bwd013_config_not_visible::RULE,
];

const CIS_LINK: &str = "https://www.cisecurity.org/benchmark/docker";

/// Rule metadata for `bulwark rules` and SARIF.
pub fn rules() -> impl Iterator<Item = RuleInfo> {
    RULES.iter().map(|r| RuleInfo {
        code: r.code.to_string(),
        name: Some(r.name.to_string()),
        summary: r.summary.to_string(),
        help_markdown: match r.cis {
            Some(c) => format!(
                "{}\n## CIS Docker Benchmark\nv1.6.0, check {c} ({CIS_LINK}).\n",
                r.doc
            ),
            None => r.doc.to_string(),
        },
        default_severity: r.severity,
        help_uri: Some(bulwark_report::rule_docs_url(r.code)),
    })
}

/// The location of daemon findings: `daemon:<endpoint>`.
#[must_use]
pub fn daemon_location(endpoint: &str) -> Location {
    Location::file(format!("daemon:{endpoint}"))
}

/// Runs every daemon rule.
#[must_use]
pub fn check_daemon(d: &DaemonSettings) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in RULES {
        if rule.needs_local_config && !d.local_config_visible() {
            continue;
        }
        let mut e = Emitter {
            rule,
            location: daemon_location(&d.endpoint),
            out: Vec::new(),
        };
        (rule.run)(d, &mut e);
        out.append(&mut e.out);
    }
    out
}

/// A boolean daemon setting from the command line (wins) or the configuration file.
pub(crate) fn setting_bool(
    d: &DaemonSettings,
    flag: &str,
    key: &str,
) -> Option<(bool, &'static str)> {
    if let Some(v) = d.flag(&[flag]).pop() {
        return Some((v != "false", "dockerd command line"));
    }
    d.config(key)
        .and_then(serde_json::Value::as_bool)
        .map(|b| (b, "daemon.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_documented() {
        let mut codes: Vec<_> = RULES.iter().map(|r| r.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), RULES.len());
        for r in RULES {
            for section in ["## What", "## Why", "## Example", "## Fix"] {
                assert!(r.doc.contains(section), "{} lacks {section}", r.code);
            }
        }
    }
}
