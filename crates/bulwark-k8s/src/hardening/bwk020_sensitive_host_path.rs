//! BWK020: hostPath volumes of sensitive host directories.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK020",
    name: "sensitive-host-path",
    summary: "A hostPath volume mounts a sensitive host directory.",
    severity: Severity::Error,
    doc: bulwark_report::rule_doc! {
        /// ## What
        /// Flags hostPath volumes of `/`, `/boot`, `/dev`, `/etc`, `/lib`, `/proc`, `/sys`, `/usr`, `/root`, `/var/lib/kubelet`, `/var/lib/docker`, `/var/lib/containerd`, `/etc/kubernetes` or anything below them (runtime sockets are BWK019).
        ///
        /// ## Why
        /// These hold host credentials, kubelet certificates, kernel interfaces and binaries; reading them leaks cluster secrets, writing them takes over the node.
        ///
        /// ## Example
        /// ```yaml
        /// volumes:
        /// - {name: etc, hostPath: {path: /etc}}
        /// ```
        ///
        /// ## Fix
        /// Remove the volume; pass configuration through ConfigMaps and Secrets.
    },
    run,
};

/// True for `/` and the host directories listed in the rule (and anything below them).
pub fn sensitive(path: &str) -> bool {
    let p = path.trim_end_matches('/');
    if p.is_empty() {
        return true; // "/" itself
    }
    [
        "/boot",
        "/dev",
        "/etc",
        "/lib",
        "/proc",
        "/sys",
        "/usr",
        "/root",
        "/var/lib/kubelet",
        "/var/lib/docker",
        "/var/lib/containerd",
    ]
    .iter()
    .any(|s| p == *s || p.strip_prefix(s).is_some_and(|rest| rest.starts_with('/')))
}

fn run(w: &Workload, e: &mut Emitter<'_>) {
    for v in &w.spec.volumes {
        if let Some(hp) = v.host_path.as_ref().filter(|hp| {
            hp.value.starts_with('/')
                && sensitive(&hp.value)
                && !super::bwk019_runtime_socket::is_runtime_socket(&hp.value)
        }) {
            e.emit(
                hp.pos,
                None,
                format!(
                    "volume {:?} mounts sensitive host path {}",
                    v.name, hp.value
                ),
                "remove the hostPath volume; use ConfigMaps, Secrets or a CSI driver",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sensitive;

    #[test]
    fn paths() {
        assert!(sensitive("/"));
        assert!(sensitive("/etc"));
        assert!(sensitive("/etc/kubernetes/pki"));
        assert!(sensitive("/var/lib/kubelet/"));
        assert!(!sensitive("/etcetera"));
        assert!(!sensitive("/var/log/app"));
    }
}
