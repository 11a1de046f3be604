//! BWK018: pods that rewrite /etc/hosts.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK018",
    name: "host-aliases",
    summary: "Pod sets hostAliases (manages /etc/hosts).",
    severity: Severity::Info,
    doc: bulwark_report::rule_doc! {
        /// ## What
        /// Flags pod specs with a non-empty `hostAliases` list.
        ///
        /// ## Why
        /// Static `/etc/hosts` entries bypass cluster DNS: names silently point to fixed IPs that go stale, and the entries can redirect traffic meant for trusted services.
        ///
        /// ## Example
        /// ```yaml
        /// hostAliases:
        /// - {ip: 10.0.0.5, hostnames: [db.internal]}
        /// ```
        ///
        /// ## Fix
        /// Use a Service (or an ExternalName Service) and DNS instead.
    },
    run,
};

fn run(w: &Workload, e: &mut Emitter<'_>) {
    if let Some(pos) = w.spec.host_aliases {
        e.emit(
            pos,
            None,
            "pod overrides /etc/hosts with hostAliases".into(),
            "remove hostAliases and resolve the names through Services/DNS",
        );
    }
}
