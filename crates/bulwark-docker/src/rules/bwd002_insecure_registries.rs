//! BWD002: insecure registries are allowed.

use bulwark_report::Severity;
use serde_json::Value;

use super::{Emitter, Rule};
use crate::settings::DaemonSettings;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWD002",
    name: "insecure-registries",
    summary: "The daemon pulls from registries over plain HTTP or unverified TLS.",
    severity: Severity::Warning,
    cis: Some("2.5"),
    needs_local_config: false,
    doc: "## What\nFlags registries the engine reports as not secure (`RegistryConfig.IndexConfigs[*].Secure: false`) and insecure CIDRs beyond the loopback ranges Docker always allows (`127.0.0.0/8`, `::1/128`), i.e. `insecure-registries` in daemon.json or `--insecure-registry`.\n\n## Why\nImages from an insecure registry travel without TLS or with unverified certificates: anyone on the path can swap them for their own.\n\n## Example\n```json\n{ \"insecure-registries\": [\"registry.internal:5000\"] }\n```\n\n## Fix\nGive the registry a certificate (`/etc/docker/certs.d/<host>/ca.crt` for a private CA) and remove it from `insecure-registries`.\n",
    run,
};

fn run(d: &DaemonSettings, e: &mut Emitter) {
    let mut insecure: Vec<String> = d
        .info_at("/RegistryConfig/IndexConfigs")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter(|(_, v)| v.get("Secure").and_then(Value::as_bool) == Some(false))
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default();
    for cidr in d
        .info_at("/RegistryConfig/InsecureRegistryCIDRs")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        if let Some(c) = cidr
            .as_str()
            .filter(|c| !matches!(*c, "127.0.0.0/8" | "::1/128"))
        {
            insecure.push(c.to_string());
        }
    }
    insecure.sort();
    insecure.dedup();
    if !insecure.is_empty() {
        e.emit(
            "insecure-registries",
            "info",
            format!(
                "the daemon treats these registries as insecure: {}",
                insecure.join(", ")
            ),
            "give the registries trusted certificates and remove insecure-registries",
        );
    }
}
