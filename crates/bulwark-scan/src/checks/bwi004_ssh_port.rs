//! BWI004: Port 22 (SSH) exposed.

use bulwark_report::{Category, Finding, Severity};

use super::{Check, Context};

/// The check.
pub(super) static CHECK: Check = Check {
    code: "BWI004",
    name: "ssh-port-exposed",
    severity: Severity::Medium,
    summary: "Port 22 (SSH) exposed",
    doc: bulwark_report::rule_doc! {
        /// ## What it finds
        /// Port 22 (SSH) exposed.
        ///
        /// ## Why it matters
        /// Running sshd in a container widens the attack surface; use `docker exec`/`kubectl exec`.
        ///
        /// ## Example
        /// ```
        /// ExposedPorts: {"22/tcp": {}}
        /// ```
        ///
        /// ## Fix
        /// Remove `EXPOSE 22` and the SSH server.
        ///
        /// ## Related
        /// Trivy AVD-DS-0004
    },
    category: Category::ImageConfig,
    run,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for p in &cx.input.exposed_ports {
        let (port, proto) = p.split_once('/').unwrap_or((p.as_str(), "tcp"));
        if port.trim() == "22" && proto.eq_ignore_ascii_case("tcp") {
            out.push(CHECK.finding(format!("Port {p} (SSH) is exposed"), cx.here()));
        }
    }
}
