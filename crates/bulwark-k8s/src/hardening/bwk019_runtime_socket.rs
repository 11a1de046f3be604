//! BWK019: container runtime sockets mounted into pods.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK019",
    name: "runtime-socket-mount",
    summary: "A hostPath volume exposes the container runtime socket.",
    severity: Severity::Error,
    doc: bulwark_report::rule_doc! {
        /// ## What
        /// Flags hostPath volumes pointing at a container runtime socket or its directory: docker.sock, containerd.sock, crio.sock, cri-dockerd.sock, podman.sock.
        ///
        /// ## Why
        /// Whoever talks to the runtime socket can start a privileged container on the node: it is root on the host.
        ///
        /// ## Example
        /// ```yaml
        /// volumes:
        /// - {name: docker, hostPath: {path: /var/run/docker.sock}}
        /// ```
        ///
        /// ## Fix
        /// Remove the volume. Build images with rootless tools (BuildKit rootless, kaniko) instead of the node's daemon.
    },
    run,
};

/// Socket paths (and socket files) of the common container runtimes.
pub fn is_runtime_socket(path: &str) -> bool {
    let p = path.trim_end_matches('/');
    [
        "docker.sock",
        "containerd.sock",
        "crio.sock",
        "cri-dockerd.sock",
        "podman.sock",
    ]
    .iter()
    .any(|s| p.ends_with(s))
        || matches!(
            p,
            "/var/run/docker"
                | "/run/docker"
                | "/run/containerd"
                | "/var/run/containerd"
                | "/run/crio"
                | "/var/run/crio"
        )
}

fn run(w: &Workload, e: &mut Emitter<'_>) {
    for v in &w.spec.volumes {
        if let Some(hp) = v
            .host_path
            .as_ref()
            .filter(|hp| is_runtime_socket(&hp.value))
        {
            e.emit(
                hp.pos,
                None,
                format!(
                    "volume {:?} mounts the container runtime socket {}",
                    v.name, hp.value
                ),
                "remove the volume; never give workloads access to the runtime socket",
            );
        }
    }
}
