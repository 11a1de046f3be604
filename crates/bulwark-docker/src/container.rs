//! A container's effective settings (`docker inspect`, as JSON with the Engine API's field
//! names) mapped onto the Compose service model, so the same `BWC` rules judge both.

use bulwark_compose::model::{
    EnvVar, Field, Mount, MountKind, Origin, Port, Service, normalize_capability,
};
use bulwark_report::Location;
use serde_json::Value;

/// The location of every setting of container `name`: `container:<name>`.
#[must_use]
pub fn container_location(name: &str) -> Location {
    Location::file(format!("container:{name}"))
}

fn s<'a>(v: &'a Value, ptr: &str) -> Option<&'a str> {
    v.pointer(ptr).and_then(Value::as_str)
}

fn strings(v: &Value, ptr: &str) -> Vec<String> {
    v.pointer(ptr)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn int(v: &Value, ptr: &str) -> i64 {
    v.pointer(ptr).and_then(Value::as_i64).unwrap_or(0)
}

/// Maps an inspect document onto a [`Service`]. Settings at their engine default (not
/// privileged, no added capabilities, no limit) are left unset, as a Compose file that does not
/// mention them would.
#[must_use]
pub fn from_inspect(inspect: &Value) -> Service {
    let name = s(inspect, "/Name")
        .unwrap_or("")
        .trim_start_matches('/')
        .to_string();
    let loc = container_location(&name);
    let field = |value: String| Field {
        value,
        location: loc.clone(),
    };
    let mode = |ptr: &str| {
        s(inspect, ptr)
            .filter(|m| !m.is_empty())
            .map(|m| field(m.to_string()))
    };
    let privileged = inspect
        .pointer("/HostConfig/Privileged")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let memory = int(inspect, "/HostConfig/Memory");
    let nano = int(inspect, "/HostConfig/NanoCpus");
    let quota = int(inspect, "/HostConfig/CpuQuota");
    let shares = int(inspect, "/HostConfig/CpuShares");
    let cpu = if nano > 0 {
        Some(format!("{} CPUs", nano as f64 / 1e9))
    } else if quota > 0 {
        Some(format!("cpu-quota {quota}"))
    } else if shares > 0 && shares != 1024 {
        Some(format!("cpu-shares {shares}"))
    } else {
        None
    };
    let pids = int(inspect, "/HostConfig/PidsLimit");
    let mut security_opt: Vec<Field<String>> = strings(inspect, "/HostConfig/SecurityOpt")
        .into_iter()
        .map(&field)
        .collect();
    // The effective AppArmor profile: `unconfined` also when set by the daemon.
    if s(inspect, "/AppArmorProfile") == Some("unconfined")
        && !privileged
        && !security_opt.iter().any(|f| f.value.starts_with("apparmor"))
    {
        security_opt.push(field("apparmor=unconfined".into()));
    }
    let mounts = inspect
        .pointer("/Mounts")
        .and_then(Value::as_array)
        .map(|ms| {
            ms.iter()
                .map(|m| Mount {
                    kind: match s(m, "/Type") {
                        Some("bind") => MountKind::Bind,
                        Some("volume") => MountKind::Volume,
                        Some("tmpfs") => MountKind::Tmpfs,
                        _ => MountKind::Other,
                    },
                    source: s(m, "/Source")
                        .filter(|x| !x.is_empty())
                        .map(str::to_string),
                    target: s(m, "/Destination").unwrap_or("").to_string(),
                    read_only: !m.get("RW").and_then(Value::as_bool).unwrap_or(true),
                    propagation: s(m, "/Propagation")
                        .filter(|x| !x.is_empty())
                        .map(str::to_string),
                    location: loc.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let mut ports = Vec::new();
    if let Some(bindings) = inspect
        .pointer("/HostConfig/PortBindings")
        .and_then(Value::as_object)
    {
        for (spec, list) in bindings {
            let (target, protocol) = spec.split_once('/').unwrap_or((spec, "tcp"));
            for b in list.as_array().map(Vec::as_slice).unwrap_or_default() {
                ports.push(Port {
                    host_ip: s(b, "/HostIp")
                        .filter(|x| !x.is_empty())
                        .map(str::to_string),
                    published: s(b, "/HostPort")
                        .filter(|x| !x.is_empty())
                        .map(str::to_string),
                    target: target.to_string(),
                    protocol: protocol.to_string(),
                    location: loc.clone(),
                });
            }
        }
    }
    ports.sort_by(|a, b| (&a.target, &a.published).cmp(&(&b.target, &b.published)));
    let environment = strings(inspect, "/Config/Env")
        .into_iter()
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv.as_str(), ""));
            EnvVar {
                name: k.to_string(),
                value: Some(v.to_string()),
                location: loc.clone(),
            }
        })
        .collect();
    let caps = |ptr: &str| {
        strings(inspect, ptr)
            .into_iter()
            .map(|c| field(normalize_capability(&c)))
            .collect()
    };
    Service {
        origin: Origin::Container {
            id: s(inspect, "/Id").unwrap_or("").to_string(),
            state: s(inspect, "/State/Status").unwrap_or("").to_string(),
        },
        location: loc.clone(),
        profiles: Vec::new(),
        image: s(inspect, "/Config/Image").map(|i| field(i.to_string())),
        builds: false,
        privileged: privileged.then(|| Field {
            value: true,
            location: loc.clone(),
        }),
        cap_add: caps("/HostConfig/CapAdd"),
        cap_drop: caps("/HostConfig/CapDrop"),
        network_mode: mode("/HostConfig/NetworkMode"),
        pid: mode("/HostConfig/PidMode"),
        ipc: mode("/HostConfig/IpcMode"),
        uts: mode("/HostConfig/UTSMode"),
        userns_mode: mode("/HostConfig/UsernsMode"),
        mounts,
        devices: inspect
            .pointer("/HostConfig/Devices")
            .and_then(Value::as_array)
            .map(|ds| {
                ds.iter()
                    .filter_map(|d| s(d, "/PathOnHost"))
                    .map(|p| field(p.to_string()))
                    .collect()
            })
            .unwrap_or_default(),
        read_only: inspect
            .pointer("/HostConfig/ReadonlyRootfs")
            .and_then(Value::as_bool)
            .filter(|r| *r)
            .map(|value| Field {
                value,
                location: loc.clone(),
            }),
        user: s(inspect, "/Config/User")
            .filter(|u| !u.is_empty())
            .map(|u| field(u.to_string())),
        security_opt,
        memory_limit: (memory > 0).then(|| field(format!("{memory} bytes"))),
        cpu_limit: cpu.map(&field),
        pids_limit: (pids > 0).then(|| Field {
            value: pids,
            location: loc.clone(),
        }),
        environment,
        ports,
        publish_all: inspect
            .pointer("/HostConfig/PublishAllPorts")
            .and_then(Value::as_bool)
            .filter(|p| *p)
            .map(|value| Field {
                value,
                location: loc.clone(),
            }),
        name,
    }
}
