//! The individual Pod Security Standards checks (one function per upstream `check_*.go`).

use super::{Check, Level, PodView, Violation};
use crate::model::{Container, SecurityContext};
use bulwark_yaml::Pos;

/// Every upstream check, in upstream registry order (baseline first).
pub static CHECKS: &[Check] = &[
    Check {
        id: "hostNamespaces",
        level: Level::Baseline,
        since: 0,
        overrides: None,
        summary: "Sharing the host namespaces (hostNetwork, hostPID, hostIPC) is forbidden.",
        doc: "Restricted fields: `spec.hostNetwork`, `spec.hostPID`, `spec.hostIPC`. Allowed: unset or `false`.",
        run: host_namespaces,
    },
    Check {
        id: "privileged",
        level: Level::Baseline,
        since: 0,
        overrides: None,
        summary: "Privileged containers are forbidden.",
        doc: "Restricted field: `securityContext.privileged` of every init, regular and ephemeral container. Allowed: unset or `false`.",
        run: privileged,
    },
    Check {
        id: "capabilities_baseline",
        level: Level::Baseline,
        since: 0,
        overrides: None,
        summary: "Adding capabilities beyond the default set is forbidden.",
        doc: "Restricted field: `securityContext.capabilities.add`. Allowed: AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT.",
        run: capabilities_baseline,
    },
    Check {
        id: "hostPathVolumes",
        level: Level::Baseline,
        since: 0,
        overrides: None,
        summary: "hostPath volumes are forbidden.",
        doc: "Restricted field: `spec.volumes[*].hostPath`. Allowed: unset.",
        run: host_path_volumes,
    },
    Check {
        id: "hostPorts",
        level: Level::Baseline,
        since: 0,
        overrides: None,
        summary: "Host ports are forbidden.",
        doc: "Restricted field: `ports[*].hostPort` of every container. Allowed: unset or `0`.",
        run: host_ports,
    },
    Check {
        id: "appArmorProfile",
        level: Level::Baseline,
        since: 0,
        overrides: None,
        summary: "Overriding or disabling the default AppArmor profile is forbidden.",
        doc: "Restricted fields: `spec.securityContext.appArmorProfile.type`, `securityContext.appArmorProfile.type` of every container (allowed: unset, `RuntimeDefault`, `Localhost`) and the annotations `container.apparmor.security.beta.kubernetes.io/*` (allowed: unset, `runtime/default`, `localhost/*`).",
        run: apparmor_profile,
    },
    Check {
        id: "seLinuxOptions",
        level: Level::Baseline,
        since: 0,
        overrides: None,
        summary: "Setting a custom SELinux user or role, or a non-container SELinux type, is forbidden.",
        doc: "Restricted fields: `seLinuxOptions.type` (allowed: unset, `container_t`, `container_init_t`, `container_kvm_t`, and from v1.31 `container_engine_t`), `seLinuxOptions.user` and `.role` (allowed: unset), at pod and container level.",
        run: se_linux_options,
    },
    Check {
        id: "procMount",
        level: Level::Baseline,
        since: 0,
        overrides: None,
        summary: "Unmasked /proc mounts are forbidden.",
        doc: "Restricted field: `securityContext.procMount` of every container. Allowed: unset, `Default`. From v1.35 pods with `hostUsers: false` (user namespaces) are exempt.",
        run: proc_mount,
    },
    Check {
        id: "seccompProfile_baseline",
        level: Level::Baseline,
        since: 0,
        overrides: None,
        summary: "Explicitly disabling seccomp (Unconfined) is forbidden.",
        doc: "Before v1.19: the annotations `seccomp.security.alpha.kubernetes.io/pod` and `container.seccomp.security.alpha.kubernetes.io/<name>` must not be `unconfined`. From v1.19: `securityContext.seccompProfile.type` (pod and containers) must not be `Unconfined`.",
        run: seccomp_baseline,
    },
    Check {
        id: "sysctls",
        level: Level::Baseline,
        since: 0,
        overrides: None,
        summary: "Only the safe, namespaced sysctls are allowed.",
        doc: "Restricted field: `spec.securityContext.sysctls[*].name`. Allowed: kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_unprivileged_port_start; v1.27 adds net.ipv4.ip_local_reserved_ports; v1.29 adds net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes; v1.32 adds net.ipv4.tcp_rmem, net.ipv4.tcp_wmem; v1.37 adds net.ipv4.tcp_slow_start_after_idle, net.ipv4.tcp_notsent_lowat.",
        run: sysctls,
    },
    Check {
        id: "windowsHostProcess",
        level: Level::Baseline,
        since: 0,
        overrides: None,
        summary: "Windows HostProcess containers are forbidden.",
        doc: "Restricted fields: `securityContext.windowsOptions.hostProcess` at pod and container level. Allowed: unset or `false`.",
        run: windows_host_process,
    },
    Check {
        id: "hostProbesAndHostLifecycle",
        level: Level::Baseline,
        since: 34,
        overrides: None,
        summary: "Probes and lifecycle handlers must not target another host.",
        doc: "Restricted fields (v1.34+): `host` of `httpGet`/`tcpSocket` in liveness, readiness and startup probes and in `lifecycle.postStart`/`preStop`. Allowed: unset or empty.",
        run: host_probes_and_lifecycle,
    },
    Check {
        id: "restrictedVolumes",
        level: Level::Restricted,
        since: 0,
        overrides: None,
        summary: "Only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes are allowed.",
        doc: "Restricted field: `spec.volumes[*]`. Every volume must use one of the allowed volume sources.",
        run: restricted_volumes,
    },
    Check {
        id: "allowPrivilegeEscalation",
        level: Level::Restricted,
        since: 8,
        overrides: None,
        summary: "Containers must set allowPrivilegeEscalation=false.",
        doc: "Restricted field (v1.8+): `securityContext.allowPrivilegeEscalation` of every container must be `false`. From v1.25 Windows pods (`spec.os.name: windows`) are exempt.",
        run: allow_privilege_escalation,
    },
    Check {
        id: "runAsNonRoot",
        level: Level::Restricted,
        since: 0,
        overrides: None,
        summary: "Containers must run as non-root (runAsNonRoot=true).",
        doc: "Restricted fields: `securityContext.runAsNonRoot` must be `true` at pod level or in every container, and must not be `false` anywhere.",
        run: run_as_non_root,
    },
    Check {
        id: "runAsUser",
        level: Level::Restricted,
        since: 23,
        overrides: None,
        summary: "Containers must not run as UID 0.",
        doc: "Restricted fields (v1.23+): `securityContext.runAsUser` at pod and container level must not be `0`.",
        run: run_as_user,
    },
    Check {
        id: "seccompProfile_restricted",
        level: Level::Restricted,
        since: 19,
        overrides: Some(("seccompProfile_baseline", 19)),
        summary: "A seccomp profile (RuntimeDefault or Localhost) must be set.",
        doc: "Restricted fields (v1.19+): `securityContext.seccompProfile.type` must be `RuntimeDefault` or `Localhost` at pod level or in every container. From v1.25 Windows pods are exempt.",
        run: seccomp_restricted,
    },
    Check {
        id: "capabilities_restricted",
        level: Level::Restricted,
        since: 22,
        overrides: Some(("capabilities_baseline", 22)),
        summary: "Containers must drop ALL capabilities and may add only NET_BIND_SERVICE.",
        doc: "Restricted fields (v1.22+): `securityContext.capabilities.drop` must include `ALL`; `capabilities.add` may only contain `NET_BIND_SERVICE`. From v1.25 Windows pods are exempt.",
        run: capabilities_restricted,
    },
    Check {
        id: "procMount_restricted",
        level: Level::Restricted,
        since: 35,
        overrides: Some(("procMount", 35)),
        summary: "Unmasked /proc mounts are forbidden, even in user namespaces.",
        doc: "Restricted field (v1.35+): `securityContext.procMount` of every container. Allowed: unset, `Default`, whatever `hostUsers` says.",
        run: proc_mount_restricted,
    },
];

fn quote(s: &str) -> String {
    format!("{s:?}")
}

fn container_label(c: &Container) -> String {
    format!("container {}", quote(&c.name))
}

/// Where a finding about a missing container setting points: its securityContext, or the container.
fn sc_or_container(c: &Container) -> Pos {
    c.sc.as_ref().map_or(c.pos, |sc| sc.pos)
}

fn violation(
    pos: Pos,
    reason: &str,
    detail: String,
    help: String,
    container: Option<&Container>,
) -> Violation {
    Violation {
        pos,
        reason: reason.to_string(),
        detail,
        help,
        container: container.map(|c| c.name.clone()),
    }
}

fn containers<'a>(
    view: &'a PodView<'_>,
) -> impl Iterator<Item = (&'a Container, Option<&'a SecurityContext>)> {
    view.spec.containers.iter().map(|c| (c, c.sc.as_ref()))
}

fn host_namespaces(view: &PodView<'_>, _minor: u32) -> Vec<Violation> {
    let s = view.spec;
    [
        ("hostNetwork", &s.host_network),
        ("hostPID", &s.host_pid),
        ("hostIPC", &s.host_ipc),
    ]
    .into_iter()
    .filter_map(|(name, f)| {
        f.as_ref().filter(|f| f.value).map(|f| {
            violation(
                f.pos,
                "host namespaces",
                format!("{name}=true"),
                format!("remove spec.{name} or set it to false"),
                None,
            )
        })
    })
    .collect()
}

fn privileged(view: &PodView<'_>, _minor: u32) -> Vec<Violation> {
    containers(view)
        .filter_map(|(c, sc)| {
            let f = sc?.privileged.as_ref().filter(|f| f.value)?;
            Some(violation(
                f.pos,
                "privileged",
                format!(
                    "{} must not set securityContext.privileged=true",
                    container_label(c)
                ),
                "remove securityContext.privileged or set it to false".into(),
                Some(c),
            ))
        })
        .collect()
}

const BASELINE_CAPS: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

fn capabilities_baseline(view: &PodView<'_>, _minor: u32) -> Vec<Violation> {
    let mut out = Vec::new();
    for (c, sc) in containers(view) {
        let Some(sc) = sc else { continue };
        for cap in &sc.cap_add {
            if !BASELINE_CAPS.contains(&cap.value.as_str()) {
                out.push(violation(
                    cap.pos,
                    "non-default capabilities",
                    format!(
                        "{} must not include {} in securityContext.capabilities.add",
                        container_label(c),
                        quote(&cap.value)
                    ),
                    format!(
                        "remove {} from capabilities.add (baseline allows only {})",
                        cap.value,
                        BASELINE_CAPS.join(", ")
                    ),
                    Some(c),
                ));
            }
        }
    }
    out
}

fn host_path_volumes(view: &PodView<'_>, _minor: u32) -> Vec<Violation> {
    view.spec
        .volumes
        .iter()
        .filter_map(|v| {
            let hp = v.host_path.as_ref()?;
            Some(violation(
                hp.pos,
                "hostPath volumes",
                format!("volume {}", quote(&v.name)),
                "replace the hostPath volume with emptyDir, configMap, secret, a persistentVolumeClaim or a CSI volume".into(),
                None,
            ))
        })
        .collect()
}

fn host_ports(view: &PodView<'_>, _minor: u32) -> Vec<Violation> {
    let mut out = Vec::new();
    for (c, _) in containers(view) {
        for p in &c.host_ports {
            out.push(violation(
                p.pos,
                "hostPort",
                format!("{} uses hostPort {}", container_label(c), p.value),
                "remove ports[].hostPort and expose the port through a Service".into(),
                Some(c),
            ));
        }
    }
    out
}

const APPARMOR_ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

fn apparmor_profile(view: &PodView<'_>, _minor: u32) -> Vec<Violation> {
    let mut out = Vec::new();
    let help = "use the RuntimeDefault or a Localhost AppArmor profile (or leave it unset)";
    let bad_type = |t: &str| !t.is_empty() && t != "RuntimeDefault" && t != "Localhost";
    if let Some(sc) = &view.spec.sc
        && let Some(t) = sc.apparmor.as_ref().filter(|t| bad_type(&t.value))
    {
        out.push(violation(
            t.pos,
            "forbidden AppArmor profile",
            format!(
                "pod must not set securityContext.appArmorProfile.type to {}",
                quote(&t.value)
            ),
            help.into(),
            None,
        ));
    }
    for (c, sc) in containers(view) {
        if let Some(t) = sc
            .and_then(|sc| sc.apparmor.as_ref())
            .filter(|t| bad_type(&t.value))
        {
            out.push(violation(
                t.pos,
                "forbidden AppArmor profile",
                format!(
                    "{} must not set securityContext.appArmorProfile.type to {}",
                    container_label(c),
                    quote(&t.value)
                ),
                help.into(),
                Some(c),
            ));
        }
    }
    for (k, v) in &view.meta.annotations {
        let allowed =
            v.value.is_empty() || v.value == "runtime/default" || v.value.starts_with("localhost/");
        if k.starts_with(APPARMOR_ANNOTATION_PREFIX) && !allowed {
            out.push(violation(
                v.pos,
                "forbidden AppArmor profile",
                format!("{k}={}", quote(&v.value)),
                "set the annotation to runtime/default or localhost/<profile>, or use securityContext.appArmorProfile".into(),
                None,
            ));
        }
    }
    out
}

fn se_linux_options(view: &PodView<'_>, minor: u32) -> Vec<Violation> {
    let allowed = |t: &str| {
        matches!(
            t,
            "" | "container_t" | "container_init_t" | "container_kvm_t"
        ) || (minor >= 31 && t == "container_engine_t")
    };
    let mut out = Vec::new();
    let mut visit = |setter: String, sc: Option<&SecurityContext>, c: Option<&Container>| {
        let Some(se) = sc.and_then(|sc| sc.se_linux.as_ref()) else {
            return;
        };
        if let Some(t) = se.type_.as_ref().filter(|t| !allowed(&t.value)) {
            out.push(violation(
                t.pos,
                "seLinuxOptions",
                format!("{setter} set forbidden securityContext.seLinuxOptions: type {}", quote(&t.value)),
                "remove seLinuxOptions.type or use container_t, container_init_t or container_kvm_t".into(),
                c,
            ));
        }
        for (name, f) in [("user", &se.user), ("role", &se.role)] {
            if let Some(f) = f.as_ref().filter(|f| !f.value.is_empty()) {
                out.push(violation(
                    f.pos,
                    "seLinuxOptions",
                    format!("{setter} set forbidden securityContext.seLinuxOptions: {name} may not be set"),
                    format!("remove seLinuxOptions.{name}"),
                    c,
                ));
            }
        }
    };
    visit("pod".into(), view.spec.sc.as_ref(), None);
    for (c, sc) in containers(view) {
        visit(container_label(c), sc, Some(c));
    }
    out
}

fn proc_mount_violations(view: &PodView<'_>) -> Vec<Violation> {
    containers(view)
        .filter_map(|(c, sc)| {
            let f = sc?.proc_mount.as_ref().filter(|f| f.value != "Default")?;
            Some(violation(
                f.pos,
                "procMount",
                format!(
                    "{} must not set securityContext.procMount to {}",
                    container_label(c),
                    quote(&f.value)
                ),
                "remove securityContext.procMount or set it to Default".into(),
                Some(c),
            ))
        })
        .collect()
}

fn host_users_false(view: &PodView<'_>) -> bool {
    view.spec.host_users.as_ref().is_some_and(|f| !f.value)
}

fn proc_mount(view: &PodView<'_>, minor: u32) -> Vec<Violation> {
    if minor >= 35 && host_users_false(view) {
        return Vec::new();
    }
    proc_mount_violations(view)
}

fn proc_mount_restricted(view: &PodView<'_>, _minor: u32) -> Vec<Violation> {
    proc_mount_violations(view)
}

const SECCOMP_POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_ANNOTATION_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";

fn seccomp_baseline(view: &PodView<'_>, minor: u32) -> Vec<Violation> {
    let mut out = Vec::new();
    if minor < 19 {
        if let Some(v) = view
            .meta
            .annotation(SECCOMP_POD_ANNOTATION)
            .filter(|v| v.value == "unconfined")
        {
            out.push(violation(
                v.pos,
                "seccompProfile",
                format!(
                    "forbidden annotation {SECCOMP_POD_ANNOTATION}={}",
                    quote(&v.value)
                ),
                "set the annotation to runtime/default or remove it".into(),
                None,
            ));
        }
        for (c, _) in containers(view) {
            let key = format!("{SECCOMP_CONTAINER_ANNOTATION_PREFIX}{}", c.name);
            if let Some(v) = view
                .meta
                .annotation(&key)
                .filter(|v| v.value == "unconfined")
            {
                out.push(violation(
                    v.pos,
                    "seccompProfile",
                    format!("forbidden annotation {key}={}", quote(&v.value)),
                    "set the annotation to runtime/default or remove it".into(),
                    Some(c),
                ));
            }
        }
        return out;
    }
    let help = "set securityContext.seccompProfile.type to RuntimeDefault or Localhost";
    if let Some(t) = view
        .spec
        .sc
        .as_ref()
        .and_then(|sc| sc.seccomp.as_ref())
        .filter(|t| t.value == "Unconfined")
    {
        out.push(violation(
            t.pos,
            "seccompProfile",
            "pod must not set securityContext.seccompProfile.type to \"Unconfined\"".into(),
            help.into(),
            None,
        ));
    }
    for (c, sc) in containers(view) {
        if let Some(t) = sc
            .and_then(|sc| sc.seccomp.as_ref())
            .filter(|t| t.value == "Unconfined")
        {
            out.push(violation(
                t.pos,
                "seccompProfile",
                format!(
                    "{} must not set securityContext.seccompProfile.type to \"Unconfined\"",
                    container_label(c)
                ),
                help.into(),
                Some(c),
            ));
        }
    }
    out
}

fn allowed_sysctl(name: &str, minor: u32) -> bool {
    const V1_0: &[&str] = &[
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start",
    ];
    const V1_27: &[&str] = &["net.ipv4.ip_local_reserved_ports"];
    const V1_29: &[&str] = &[
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
    ];
    const V1_32: &[&str] = &["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"];
    const V1_37: &[&str] = &[
        "net.ipv4.tcp_slow_start_after_idle",
        "net.ipv4.tcp_notsent_lowat",
    ];
    [
        (0, V1_0),
        (27, V1_27),
        (29, V1_29),
        (32, V1_32),
        (37, V1_37),
    ]
    .iter()
    .any(|(since, list)| minor >= *since && list.contains(&name))
}

fn sysctls(view: &PodView<'_>, minor: u32) -> Vec<Violation> {
    let Some(sc) = &view.spec.sc else {
        return Vec::new();
    };
    sc.sysctls
        .iter()
        .filter(|s| !allowed_sysctl(&s.value, minor))
        .map(|s| {
            violation(
                s.pos,
                "forbidden sysctls",
                s.value.clone(),
                format!(
                    "remove the sysctl {} (only namespaced, isolated sysctls are allowed)",
                    s.value
                ),
                None,
            )
        })
        .collect()
}

fn windows_host_process(view: &PodView<'_>, _minor: u32) -> Vec<Violation> {
    let mut out = Vec::new();
    let help = "remove securityContext.windowsOptions.hostProcess or set it to false";
    if let Some(f) = view
        .spec
        .sc
        .as_ref()
        .and_then(|sc| sc.host_process.as_ref())
        .filter(|f| f.value)
    {
        out.push(violation(
            f.pos,
            "hostProcess",
            "pod must not set securityContext.windowsOptions.hostProcess=true".into(),
            help.into(),
            None,
        ));
    }
    for (c, sc) in containers(view) {
        if let Some(f) = sc
            .and_then(|sc| sc.host_process.as_ref())
            .filter(|f| f.value)
        {
            out.push(violation(
                f.pos,
                "hostProcess",
                format!(
                    "{} must not set securityContext.windowsOptions.hostProcess=true",
                    container_label(c)
                ),
                help.into(),
                Some(c),
            ));
        }
    }
    out
}

fn host_probes_and_lifecycle(view: &PodView<'_>, _minor: u32) -> Vec<Violation> {
    let mut out = Vec::new();
    for (c, _) in containers(view) {
        for h in &c.handler_hosts {
            out.push(violation(
                h.pos,
                "probe or lifecycle host",
                format!(
                    "{} uses probe or lifecycle host {}",
                    container_label(c),
                    quote(&h.value)
                ),
                "remove the host field so the probe or handler targets the pod's own IP".into(),
                Some(c),
            ));
        }
    }
    out
}

const ALLOWED_VOLUME_SOURCES: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

fn restricted_volumes(view: &PodView<'_>, _minor: u32) -> Vec<Violation> {
    view.spec
        .volumes
        .iter()
        // A volume without any source is defaulted to emptyDir by the API server (allowed).
        .filter(|v| {
            !v.sources.is_empty()
                && !v
                    .sources
                    .iter()
                    .any(|(k, _)| ALLOWED_VOLUME_SOURCES.contains(&k.as_str()))
        })
        .map(|v| {
            let (ty, pos) = v
                .sources
                .first()
                .map_or((String::new(), v.pos), |(k, p)| (k.clone(), *p));
            violation(
                pos,
                "restricted volume types",
                format!(
                    "volume {} uses restricted volume type {}",
                    quote(&v.name),
                    quote(&ty)
                ),
                format!(
                    "replace the {ty} volume with one of: {}",
                    ALLOWED_VOLUME_SOURCES.join(", ")
                ),
                None,
            )
        })
        .collect()
}

fn allow_privilege_escalation(view: &PodView<'_>, minor: u32) -> Vec<Violation> {
    if minor >= 25 && view.spec.is_windows() {
        return Vec::new();
    }
    containers(view)
        .filter_map(|(c, sc)| {
            let field = sc.and_then(|sc| sc.allow_privilege_escalation.as_ref());
            if field.is_some_and(|f| !f.value) {
                return None;
            }
            Some(violation(
                field.map_or_else(|| sc_or_container(c), |f| f.pos),
                "allowPrivilegeEscalation != false",
                format!(
                    "{} must set securityContext.allowPrivilegeEscalation=false",
                    container_label(c)
                ),
                "set securityContext.allowPrivilegeEscalation: false".into(),
                Some(c),
            ))
        })
        .collect()
}

fn run_as_non_root(view: &PodView<'_>, _minor: u32) -> Vec<Violation> {
    if view.relax_user_namespace_pods && host_users_false(view) {
        return Vec::new();
    }
    let mut explicit = Vec::new();
    let pod_field = view
        .spec
        .sc
        .as_ref()
        .and_then(|sc| sc.run_as_non_root.as_ref());
    let pod_ok = pod_field.is_some_and(|f| f.value);
    if let Some(f) = pod_field.filter(|f| !f.value) {
        explicit.push(violation(
            f.pos,
            "runAsNonRoot != true",
            "pod must not set securityContext.runAsNonRoot=false".into(),
            "set securityContext.runAsNonRoot: true".into(),
            None,
        ));
    }
    let mut implicit = Vec::new();
    for (c, sc) in containers(view) {
        match sc.and_then(|sc| sc.run_as_non_root.as_ref()) {
            Some(f) if !f.value => explicit.push(violation(
                f.pos,
                "runAsNonRoot != true",
                format!(
                    "{} must not set securityContext.runAsNonRoot=false",
                    container_label(c)
                ),
                "set securityContext.runAsNonRoot: true".into(),
                Some(c),
            )),
            Some(_) => {}
            None if !pod_ok => implicit.push(violation(
                sc_or_container(c),
                "runAsNonRoot != true",
                format!(
                    "pod or {} must set securityContext.runAsNonRoot=true",
                    container_label(c)
                ),
                "set securityContext.runAsNonRoot: true in the pod or in this container".into(),
                Some(c),
            )),
            None => {}
        }
    }
    // Upstream reports explicit `false` settings first and only mentions missing ones otherwise.
    if explicit.is_empty() {
        implicit
    } else {
        explicit
    }
}

fn run_as_user(view: &PodView<'_>, _minor: u32) -> Vec<Violation> {
    if view.relax_user_namespace_pods && host_users_false(view) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let help = "set runAsUser to a non-zero UID (or leave it unset and use a non-root image user)";
    if let Some(f) = view
        .spec
        .sc
        .as_ref()
        .and_then(|sc| sc.run_as_user.as_ref())
        .filter(|f| f.value == 0)
    {
        out.push(violation(
            f.pos,
            "runAsUser=0",
            "pod must not set runAsUser=0".into(),
            help.into(),
            None,
        ));
    }
    for (c, sc) in containers(view) {
        if let Some(f) = sc
            .and_then(|sc| sc.run_as_user.as_ref())
            .filter(|f| f.value == 0)
        {
            out.push(violation(
                f.pos,
                "runAsUser=0",
                format!("{} must not set runAsUser=0", container_label(c)),
                help.into(),
                Some(c),
            ));
        }
    }
    out
}

fn seccomp_restricted(view: &PodView<'_>, minor: u32) -> Vec<Violation> {
    if minor >= 25 && view.spec.is_windows() {
        return Vec::new();
    }
    let valid = |t: &str| t == "RuntimeDefault" || t == "Localhost";
    let help = "set securityContext.seccompProfile.type to RuntimeDefault or Localhost";
    let mut out = Vec::new();
    let mut pod_set = false;
    if let Some(t) = view.spec.sc.as_ref().and_then(|sc| sc.seccomp.as_ref()) {
        if valid(&t.value) {
            pod_set = true;
        } else {
            out.push(violation(
                t.pos,
                "seccompProfile",
                format!(
                    "pod must not set securityContext.seccompProfile.type to {}",
                    quote(&t.value)
                ),
                help.into(),
                None,
            ));
        }
    }
    let mut implicit = Vec::new();
    for (c, sc) in containers(view) {
        match sc.and_then(|sc| sc.seccomp.as_ref()) {
            Some(t) if !valid(&t.value) => out.push(violation(
                t.pos,
                "seccompProfile",
                format!(
                    "{} must not set securityContext.seccompProfile.type to {}",
                    container_label(c),
                    quote(&t.value)
                ),
                help.into(),
                Some(c),
            )),
            Some(_) => {}
            None if !pod_set => implicit.push(violation(
                sc_or_container(c),
                "seccompProfile",
                format!(
                    "pod or {} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"",
                    container_label(c)
                ),
                "set spec.securityContext.seccompProfile.type: RuntimeDefault (or set it in this container)".into(),
                Some(c),
            )),
            None => {}
        }
    }
    out.extend(implicit);
    out
}

fn capabilities_restricted(view: &PodView<'_>, minor: u32) -> Vec<Violation> {
    if minor >= 25 && view.spec.is_windows() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (c, sc) in containers(view) {
        let dropped_all = sc.is_some_and(|sc| sc.cap_drop.iter().any(|d| d.value == "ALL"));
        if !dropped_all {
            let pos = sc
                .and_then(|sc| sc.capabilities)
                .unwrap_or_else(|| sc_or_container(c));
            out.push(violation(
                pos,
                "unrestricted capabilities",
                format!(
                    "{} must set securityContext.capabilities.drop=[\"ALL\"]",
                    container_label(c)
                ),
                "set securityContext.capabilities.drop: [\"ALL\"]".into(),
                Some(c),
            ));
        }
        for cap in sc.map(|sc| sc.cap_add.as_slice()).unwrap_or_default() {
            if cap.value != "NET_BIND_SERVICE" {
                out.push(violation(
                    cap.pos,
                    "unrestricted capabilities",
                    format!(
                        "{} must not include {} in securityContext.capabilities.add",
                        container_label(c),
                        quote(&cap.value)
                    ),
                    format!(
                        "remove {} from capabilities.add (only NET_BIND_SERVICE may be added)",
                        cap.value
                    ),
                    Some(c),
                ));
            }
        }
    }
    out
}
