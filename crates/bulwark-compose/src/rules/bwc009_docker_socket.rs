//! BWC009: the Docker (or another runtime's) socket is mounted into the container.

use bulwark_k8s::hardening::is_runtime_socket;
use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::model::{MountKind, Service};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC009",
    name: "docker-socket-mount",
    summary: "The container runtime socket is mounted into the container.",
    severity: Severity::Error,
    cis: Some("5.32"),
    doc: "## What\nFlags bind mounts of `docker.sock`, `containerd.sock`, `crio.sock`, `podman.sock` or their directories (`/var/run/docker.sock:/var/run/docker.sock`), read-only or not.\n\n## Why\nWhoever talks to the engine socket can start a privileged container with `/` mounted: it is root on the host. Mounting it read-only does not help; the API is used through `connect()`, not by writing the file.\n\n## Example\n```yaml\nservices:\n  ci-agent:\n    image: agent:3\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n```\n\n## Fix\nRemove the mount. Build images with rootless BuildKit or kaniko; if an agent must drive Docker, give it a separate rootless engine or a socket proxy that allows only the calls it needs.\n",
    run,
};

fn run(s: &Service, e: &mut Emitter<'_>) {
    for m in &s.mounts {
        let Some(src) = m.source.as_deref().filter(|_| m.kind == MountKind::Bind) else {
            continue;
        };
        if is_runtime_socket(src) {
            e.emit(
                &m.location,
                "volumes",
                format!(
                    "{} mounts the container runtime socket {src} at {}",
                    s.describe(),
                    m.target
                ),
                "remove the mount; whoever reaches the socket is root on the host",
            );
        }
    }
}
