//! BWC010: sensitive host directories are mounted into the container.

use bulwark_k8s::hardening::{is_runtime_socket, is_sensitive_host_path};
use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::model::{MountKind, Service};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC010",
    name: "sensitive-host-path",
    summary: "A sensitive host directory is mounted into the container.",
    severity: Severity::Error,
    cis: Some("5.6"),
    doc: "## What\nFlags bind mounts of `/`, `/boot`, `/dev`, `/etc`, `/lib`, `/proc`, `/sys`, `/usr` (the CIS list), `/root`, `/var/lib/docker`, `/var/lib/containerd`, `/var/lib/kubelet`, or anything below them. Runtime sockets are BWC009. The message says whether the mount is writable.\n\n## Why\nThese hold host credentials, binaries, kernel interfaces and other containers' data; reading them leaks secrets, writing them takes over the host.\n\n## Example\n```yaml\nservices:\n  agent:\n    image: agent:3\n    volumes: [\"/etc:/host/etc\"]\n```\n\n## Fix\nRemove the mount, or mount the single file needed read-only (`/etc/timezone:/etc/timezone:ro`) and pass configuration through `configs` and `secrets`.\n",
    run,
};

fn run(s: &Service, e: &mut Emitter<'_>) {
    for m in &s.mounts {
        let Some(src) = m.source.as_deref().filter(|_| m.kind == MountKind::Bind) else {
            continue;
        };
        if src.starts_with('/') && is_sensitive_host_path(src) && !is_runtime_socket(src) {
            let mode = if m.read_only { "read-only" } else { "writable" };
            e.emit(
                &m.location,
                "volumes",
                format!(
                    "{} mounts sensitive host path {src} at {} ({mode})",
                    s.describe(),
                    m.target
                ),
                "remove the mount or narrow it to the one file needed, read-only",
            );
        }
    }
}
