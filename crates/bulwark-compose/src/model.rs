//! The normalized service model the checks read: one shape for a Compose service and for a
//! container on an engine (`bulwark-docker` fills it from `docker inspect`). Every value keeps
//! the [`Location`] it came from (file, line, column for Compose; `container:<name>` for a
//! container) so findings point at the setting to change.

use bulwark_report::Location;

use crate::load::{ServiceNode, split_volume};
use crate::tree::{CNode, CValue, location};

/// A value and where it is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field<T> {
    /// The value.
    pub value: T,
    /// Where it is set.
    pub location: Location,
}

/// What a [`Service`] was read from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Origin {
    /// A service of a Compose project.
    #[default]
    Compose,
    /// A container on a Docker engine (created, running or stopped).
    Container {
        /// Container ID.
        id: String,
        /// State (`running`, `created`, `exited`, …).
        state: String,
    },
}

/// How a mount reaches the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MountKind {
    /// A host path (bind mount).
    Bind,
    /// A named or anonymous volume.
    #[default]
    Volume,
    /// A tmpfs.
    Tmpfs,
    /// Anything else (npipe, cluster, image).
    Other,
}

/// A mount of the service.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mount {
    /// Bind, volume, tmpfs.
    pub kind: MountKind,
    /// Host path (bind) or volume name; `None` for anonymous volumes and tmpfs.
    pub source: Option<String>,
    /// Path in the container.
    pub target: String,
    /// Mounted read-only.
    pub read_only: bool,
    /// Bind propagation (`shared`, `rshared`, `slave`, …) when set.
    pub propagation: Option<String>,
    /// Where it is declared.
    pub location: Location,
}

/// An environment variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    /// Name.
    pub name: String,
    /// Value; `None` when taken from the shell at run time (`environment: [NAME]`).
    pub value: Option<String>,
    /// Where it is declared.
    pub location: Location,
}

/// A published port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    /// Host address it binds to; `None` = all interfaces.
    pub host_ip: Option<String>,
    /// Host port or range; `None` = an ephemeral port chosen by the engine.
    pub published: Option<String>,
    /// Container port or range.
    pub target: String,
    /// `tcp`, `udp`, `sctp`.
    pub protocol: String,
    /// Where it is declared.
    pub location: Location,
}

/// A service or container, normalized.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Service {
    /// Service or container name.
    pub name: String,
    /// Compose service or engine container.
    pub origin: Origin,
    /// Where the service is defined (the key in the file, or `container:<name>`).
    pub location: Location,
    /// Compose profiles that activate it (empty = always active).
    pub profiles: Vec<String>,
    /// Image reference.
    pub image: Option<Field<String>>,
    /// The service is built from a `build:` section (its `image` names the result).
    pub builds: bool,
    /// `privileged`.
    pub privileged: Option<Field<bool>>,
    /// `cap_add` (upper case, without `CAP_`).
    pub cap_add: Vec<Field<String>>,
    /// `cap_drop` (upper case, without `CAP_`).
    pub cap_drop: Vec<Field<String>>,
    /// `network_mode`.
    pub network_mode: Option<Field<String>>,
    /// `pid`.
    pub pid: Option<Field<String>>,
    /// `ipc`.
    pub ipc: Option<Field<String>>,
    /// `uts`.
    pub uts: Option<Field<String>>,
    /// `userns_mode`.
    pub userns_mode: Option<Field<String>>,
    /// Volumes and binds.
    pub mounts: Vec<Mount>,
    /// Host devices (host path).
    pub devices: Vec<Field<String>>,
    /// `read_only`.
    pub read_only: Option<Field<bool>>,
    /// `user`; for a container, the effective user (empty = root).
    pub user: Option<Field<String>>,
    /// `security_opt` entries as written (`no-new-privileges:true`, `seccomp=unconfined`).
    pub security_opt: Vec<Field<String>>,
    /// Memory limit.
    pub memory_limit: Option<Field<String>>,
    /// CPU limit or relative weight.
    pub cpu_limit: Option<Field<String>>,
    /// PIDs limit.
    pub pids_limit: Option<Field<i64>>,
    /// Environment variables.
    pub environment: Vec<EnvVar>,
    /// Published ports.
    pub ports: Vec<Port>,
    /// Every port the container exposes is published on all interfaces (`-P`).
    pub publish_all: Option<Field<bool>>,
}

impl Service {
    /// The name to put in messages: `service "web"` or `container "web"`.
    #[must_use]
    pub fn describe(&self) -> String {
        match self.origin {
            Origin::Compose => format!("service {:?}", self.name),
            Origin::Container { .. } => format!("container {:?}", self.name),
        }
    }

    /// A `security_opt` entry by option name (`seccomp`, `apparmor`, `no-new-privileges`,
    /// `label`), with its value (`None` for the bare form); both `:` and `=` separators.
    pub fn security_opts(&self) -> impl Iterator<Item = (&str, Option<&str>, &Location)> {
        self.security_opt.iter().map(|f| {
            let v = f.value.as_str();
            let split = v.find([':', '=']).map(|i| (&v[..i], &v[i + 1..]));
            match split {
                Some((k, val)) => (k, Some(val), &f.location),
                None => (v, None, &f.location),
            }
        })
    }
}

/// Capability name as the engine compares it: upper case, without `CAP_`.
#[must_use]
pub fn normalize_capability(cap: &str) -> String {
    let up = cap.trim().to_ascii_uppercase();
    up.strip_prefix("CAP_").map_or(up.clone(), str::to_string)
}

fn field_text(files: &[String], n: &CNode) -> Option<Field<String>> {
    n.scalar_text().map(|value| Field {
        value,
        location: location(files, n.file, n.pos),
    })
}

fn field_bool(files: &[String], n: &CNode) -> Option<Field<bool>> {
    n.as_bool().map(|value| Field {
        value,
        location: location(files, n.file, n.pos),
    })
}

fn list(files: &[String], n: Option<&CNode>) -> Vec<Field<String>> {
    match n {
        Some(CNode {
            value: CValue::Seq(items),
            ..
        }) => items.iter().filter_map(|i| field_text(files, i)).collect(),
        Some(other) => field_text(files, other).into_iter().collect(),
        None => Vec::new(),
    }
}

/// Builds the model of a loaded Compose service.
#[must_use]
pub fn from_compose(files: &[String], s: &ServiceNode) -> Service {
    let n = &s.node;
    let get = |k: &str| n.get(k).filter(|v| !v.is_null());
    let limits = n
        .get("deploy")
        .and_then(|d| d.get("resources"))
        .and_then(|r| r.get("limits"));
    let limit = |k: &str| limits.and_then(|l| l.get(k)).filter(|v| !v.is_null());
    let caps = |k: &str| {
        list(files, get(k))
            .into_iter()
            .map(|f| Field {
                value: normalize_capability(&f.value),
                location: f.location,
            })
            .collect()
    };
    Service {
        name: s.name.clone(),
        origin: Origin::Compose,
        location: s.location.clone(),
        profiles: list(files, get("profiles"))
            .into_iter()
            .map(|f| f.value)
            .collect(),
        image: get("image").and_then(|v| field_text(files, v)),
        builds: get("build").is_some(),
        privileged: get("privileged").and_then(|v| field_bool(files, v)),
        cap_add: caps("cap_add"),
        cap_drop: caps("cap_drop"),
        network_mode: get("network_mode").and_then(|v| field_text(files, v)),
        pid: get("pid").and_then(|v| field_text(files, v)),
        ipc: get("ipc").and_then(|v| field_text(files, v)),
        uts: get("uts").and_then(|v| field_text(files, v)),
        userns_mode: get("userns_mode").and_then(|v| field_text(files, v)),
        mounts: get("volumes")
            .and_then(CNode::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|v| compose_mount(files, v))
            .chain(list(files, get("tmpfs")).into_iter().map(|f| Mount {
                kind: MountKind::Tmpfs,
                source: None,
                target: f.value.split(':').next().unwrap_or_default().to_string(),
                read_only: false,
                propagation: None,
                location: f.location,
            }))
            .collect(),
        devices: get("devices")
            .and_then(CNode::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|d| match &d.value {
                CValue::Map(_) => d.get("source").and_then(|s| field_text(files, s)),
                _ => field_text(files, d).map(|f| Field {
                    value: f.value.split(':').next().unwrap_or_default().to_string(),
                    location: f.location,
                }),
            })
            .collect(),
        read_only: get("read_only").and_then(|v| field_bool(files, v)),
        user: get("user").and_then(|v| field_text(files, v)),
        security_opt: list(files, get("security_opt")),
        memory_limit: limit("memory")
            .or_else(|| get("mem_limit"))
            .and_then(|v| field_text(files, v)),
        cpu_limit: limit("cpus")
            .or_else(|| get("cpus"))
            .or_else(|| get("cpu_quota"))
            .or_else(|| get("cpu_shares"))
            .or_else(|| get("cpu_count"))
            .or_else(|| get("cpu_percent"))
            .and_then(|v| field_text(files, v)),
        pids_limit: limit("pids").or_else(|| get("pids_limit")).and_then(|v| {
            let value = match &v.value {
                CValue::Int(i) => Some(*i),
                CValue::Str(s) => s.trim().parse().ok(),
                _ => None,
            }?;
            Some(Field {
                value,
                location: location(files, v.file, v.pos),
            })
        }),
        environment: get("environment")
            .and_then(CNode::as_map)
            .unwrap_or_default()
            .iter()
            .map(|e| EnvVar {
                name: e.key.clone(),
                value: e.value.scalar_text(),
                location: location(
                    files,
                    e.value.file,
                    if e.value.is_null() {
                        e.key_pos
                    } else {
                        e.value.pos
                    },
                ),
            })
            .collect(),
        ports: get("ports")
            .and_then(CNode::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|p| compose_port(files, p))
            .collect(),
        publish_all: None,
    }
}

fn compose_mount(files: &[String], v: &CNode) -> Option<Mount> {
    let loc = location(files, v.file, v.pos);
    if let CValue::Map(_) = &v.value {
        let text = |k: &str| v.get(k).and_then(CNode::scalar_text);
        let kind = match text("type").as_deref() {
            Some("bind") => MountKind::Bind,
            Some("volume") | None => MountKind::Volume,
            Some("tmpfs") => MountKind::Tmpfs,
            Some(_) => MountKind::Other,
        };
        return Some(Mount {
            kind,
            source: text("source"),
            target: text("target")?,
            read_only: v.get("read_only").and_then(CNode::as_bool).unwrap_or(false),
            propagation: v
                .get("bind")
                .and_then(|b| b.get("propagation"))
                .and_then(CNode::scalar_text),
            location: loc,
        });
    }
    let text = v.scalar_text()?;
    let parts = split_volume(&text);
    let (source, target, mode) = match parts.as_slice() {
        [t] => (None, (*t).to_string(), ""),
        [s, t] => (Some((*s).to_string()), (*t).to_string(), ""),
        [s, t, m, ..] => (Some((*s).to_string()), (*t).to_string(), *m),
        [] => return None,
    };
    let kind = match &source {
        None => MountKind::Volume,
        Some(s) if is_host_path(s) => MountKind::Bind,
        Some(_) => MountKind::Volume,
    };
    let modes: Vec<&str> = mode.split(',').collect();
    Some(Mount {
        kind,
        source,
        target,
        read_only: modes.contains(&"ro"),
        propagation: modes
            .iter()
            .find(|m| {
                matches!(
                    **m,
                    "shared" | "rshared" | "slave" | "rslave" | "private" | "rprivate"
                )
            })
            .map(|m| (*m).to_string()),
        location: loc,
    })
}

/// True for a short-syntax volume source that is a host path rather than a volume name.
#[must_use]
pub fn is_host_path(s: &str) -> bool {
    s.starts_with('/')
        || s.starts_with('.')
        || s.starts_with('~')
        || s.starts_with('$')
        || s.as_bytes().get(1) == Some(&b':')
        || s.starts_with("\\\\")
}

fn compose_port(files: &[String], p: &CNode) -> Option<Port> {
    let loc = location(files, p.file, p.pos);
    if let CValue::Map(_) = &p.value {
        let text = |k: &str| p.get(k).and_then(CNode::scalar_text);
        return Some(Port {
            host_ip: text("host_ip").filter(|s| !s.is_empty()),
            published: text("published").filter(|s| !s.is_empty()),
            target: text("target")?,
            protocol: text("protocol").unwrap_or_else(|| "tcp".into()),
            location: loc,
        });
    }
    let text = p.scalar_text()?;
    let (spec, protocol) = match text.rsplit_once('/') {
        Some((s, proto)) => (s, proto.to_string()),
        None => (text.as_str(), "tcp".to_string()),
    };
    // `[ip:]published:target`, `target`; an IPv6 address is in brackets.
    let (host_ip, rest) = if let Some(r) = spec.strip_prefix('[') {
        let (ip, after) = r.split_once(']')?;
        (Some(ip.to_string()), after.trim_start_matches(':'))
    } else {
        let parts: Vec<&str> = spec.split(':').collect();
        if parts.len() == 3 {
            (Some(parts[0].to_string()), &spec[parts[0].len() + 1..])
        } else {
            (None, spec)
        }
    };
    let (published, target) = match rest.split_once(':') {
        Some((p, t)) => (Some(p.to_string()).filter(|s| !s.is_empty()), t.to_string()),
        None => (None, rest.to_string()),
    };
    Some(Port {
        host_ip: host_ip.filter(|s| !s.is_empty()),
        published,
        target,
        protocol,
        location: loc,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Input, LoadOptions, load};

    fn service(yaml: &str) -> Service {
        let p = load(
            &[Input {
                display: "c.yml".into(),
                bytes: yaml.as_bytes().to_vec(),
                dir: ".".into(),
            }],
            &LoadOptions {
                environment: Some(std::collections::HashMap::default()),
                ..LoadOptions::default()
            },
        );
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        from_compose(&p.files, &p.services[0])
    }

    #[test]
    fn ports() {
        let s = service(
            "services:\n  a:\n    ports: ['80', '8080:80', '127.0.0.1:9000:9000/udp', '[::1]:1:2', {target: 5, published: '6', host_ip: 0.0.0.0}]\n",
        );
        let got: Vec<_> = s
            .ports
            .iter()
            .map(|p| {
                (
                    p.host_ip.as_deref(),
                    p.published.as_deref(),
                    p.target.as_str(),
                    p.protocol.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (None, None, "80", "tcp"),
                (None, Some("8080"), "80", "tcp"),
                (Some("127.0.0.1"), Some("9000"), "9000", "udp"),
                (Some("::1"), Some("1"), "2", "tcp"),
                (Some("0.0.0.0"), Some("6"), "5", "tcp"),
            ]
        );
        assert_eq!(
            (s.ports[1].location.line, s.ports[1].location.column),
            (Some(3), Some(19))
        );
    }

    #[test]
    fn mounts() {
        let s = service(
            "services:\n  a:\n    volumes: ['/var/run/docker.sock:/var/run/docker.sock:ro', 'data:/data', '/anon', './src:/src:rw,rshared', {type: bind, source: /etc, target: /h, read_only: true}]\n",
        );
        let got: Vec<_> = s
            .mounts
            .iter()
            .map(|m| {
                (
                    m.kind,
                    m.source.as_deref(),
                    m.target.as_str(),
                    m.read_only,
                    m.propagation.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    MountKind::Bind,
                    Some("/var/run/docker.sock"),
                    "/var/run/docker.sock",
                    true,
                    None
                ),
                (MountKind::Volume, Some("data"), "/data", false, None),
                (MountKind::Volume, None, "/anon", false, None),
                (
                    MountKind::Bind,
                    Some("./src"),
                    "/src",
                    false,
                    Some("rshared")
                ),
                (MountKind::Bind, Some("/etc"), "/h", true, None),
            ]
        );
    }

    #[test]
    fn limits_and_options() {
        let s = service(
            "services:\n  a:\n    cap_add: [cap_sys_admin]\n    security_opt: ['seccomp=unconfined', no-new-privileges]\n    deploy: {resources: {limits: {memory: 64M, pids: 100}}}\n    cpus: 0.5\n",
        );
        assert_eq!(s.cap_add[0].value, "SYS_ADMIN");
        assert_eq!(s.memory_limit.as_ref().unwrap().value, "64M");
        assert_eq!(s.cpu_limit.as_ref().unwrap().value, "0.5");
        assert_eq!(s.pids_limit.as_ref().unwrap().value, 100);
        let opts: Vec<_> = s
            .security_opts()
            .map(|(k, v, _)| (k.to_string(), v.map(str::to_string)))
            .collect();
        assert_eq!(
            opts,
            [
                ("seccomp".to_string(), Some("unconfined".to_string())),
                ("no-new-privileges".to_string(), None)
            ]
        );
    }
}
