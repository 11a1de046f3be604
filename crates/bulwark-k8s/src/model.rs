//! Typed, positioned views of the Kubernetes objects the checks read.
//!
//! Extraction mirrors what the API server's JSON decoding would accept: a field of the wrong
//! type (`privileged: "yes"`) is recorded as a [`TypeError`] (the API server would reject the
//! object) and treated as unset by the checks, so one bad field never hides the rest.

use bulwark_yaml::{Node, Pos, Value};

/// A value and where its key (or list item) is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field<T> {
    /// The value.
    pub value: T,
    /// Position of the field's key, or of the list item.
    pub pos: Pos,
}

/// A field whose value has a type the API server would reject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeError {
    /// Where.
    pub pos: Pos,
    /// Dotted path of the field (`spec.containers[0].securityContext.privileged`).
    pub path: String,
    /// The JSON type the API expects.
    pub expected: &'static str,
    /// The JSON type found.
    pub found: &'static str,
}

/// `path.key`, or `key` at the top level.
fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Collects type errors while extracting.
#[derive(Debug, Default)]
pub struct Ctx {
    /// Errors so far.
    pub errors: Vec<TypeError>,
}

impl Ctx {
    fn wrong(&mut self, node: &Node, pos: Pos, path: &str, expected: &'static str) {
        self.errors.push(TypeError {
            pos,
            path: path.to_string(),
            expected,
            found: node.type_name(),
        });
    }

    fn bool(&mut self, map: &Node, key: &str, path: &str) -> Option<Field<bool>> {
        let e = map.entry(key)?;
        match e.value.value {
            Value::Null => None,
            Value::Bool(b) => Some(Field {
                value: b,
                pos: e.key_pos,
            }),
            _ => {
                self.wrong(&e.value, e.key_pos, &join(path, key), "boolean");
                None
            }
        }
    }

    fn string(&mut self, map: &Node, key: &str, path: &str) -> Option<Field<String>> {
        let e = map.entry(key)?;
        match &e.value.value {
            Value::Null => None,
            Value::Str(s) => Some(Field {
                value: s.clone(),
                pos: e.key_pos,
            }),
            _ => {
                self.wrong(&e.value, e.key_pos, &join(path, key), "string");
                None
            }
        }
    }

    fn int(&mut self, map: &Node, key: &str, path: &str) -> Option<Field<i64>> {
        let e = map.entry(key)?;
        match e.value.value {
            Value::Null => None,
            Value::Int(i) => Some(Field {
                value: i,
                pos: e.key_pos,
            }),
            _ => {
                self.wrong(&e.value, e.key_pos, &join(path, key), "integer");
                None
            }
        }
    }

    /// A mapping field: `(key position, node)`.
    fn map<'n>(&mut self, map: &'n Node, key: &str, path: &str) -> Option<(Pos, &'n Node)> {
        let e = map.entry(key)?;
        match e.value.value {
            Value::Null => None,
            Value::Map(_) => Some((e.key_pos, &e.value)),
            _ => {
                self.wrong(&e.value, e.key_pos, &join(path, key), "object");
                None
            }
        }
    }

    fn seq<'n>(&mut self, map: &'n Node, key: &str, path: &str) -> Option<(Pos, &'n [Node])> {
        let e = map.entry(key)?;
        match &e.value.value {
            Value::Null => None,
            Value::Seq(items) => Some((e.key_pos, items)),
            _ => {
                self.wrong(&e.value, e.key_pos, &join(path, key), "array");
                None
            }
        }
    }

    /// Items of a list field that are objects (others are type errors).
    fn objects<'n>(&mut self, map: &'n Node, key: &str, path: &str) -> Vec<(usize, &'n Node)> {
        let Some((_, items)) = self.seq(map, key, path) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if matches!(item.value, Value::Map(_)) {
                out.push((i, item));
            } else if !item.is_null() {
                self.wrong(item, item.pos, &format!("{path}.{key}[{i}]"), "object");
            }
        }
        out
    }

    fn strings(&mut self, map: &Node, key: &str, path: &str) -> Vec<Field<String>> {
        let Some((_, items)) = self.seq(map, key, path) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match &item.value {
                Value::Str(s) => out.push(Field {
                    value: s.clone(),
                    pos: item.pos,
                }),
                Value::Null => {}
                _ => self.wrong(item, item.pos, &format!("{path}.{key}[{i}]"), "string"),
            }
        }
        out
    }

    /// `map[string]string` fields (labels, annotations).
    fn string_map(&mut self, map: &Node, key: &str, path: &str) -> Vec<(String, Field<String>)> {
        let Some((_, node)) = self.map(map, key, path) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for e in node.as_map().unwrap_or_default() {
            match &e.value.value {
                Value::Str(s) => out.push((
                    e.key.clone(),
                    Field {
                        value: s.clone(),
                        pos: e.key_pos,
                    },
                )),
                Value::Null => {}
                _ => self.wrong(
                    &e.value,
                    e.key_pos,
                    &format!("{path}.{key}.{}", e.key),
                    "string",
                ),
            }
        }
        out
    }
}

/// Which list a container comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    /// `spec.initContainers`.
    Init,
    /// `spec.containers`.
    Regular,
    /// `spec.ephemeralContainers`.
    Ephemeral,
}

impl ContainerKind {
    /// The field name of the list.
    #[must_use]
    pub fn field(self) -> &'static str {
        match self {
            Self::Init => "initContainers",
            Self::Regular => "containers",
            Self::Ephemeral => "ephemeralContainers",
        }
    }
}

/// `seLinuxOptions`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeLinux {
    /// Position of the `seLinuxOptions` key.
    pub pos: Pos,
    /// `type`.
    pub type_: Option<Field<String>>,
    /// `user`.
    pub user: Option<Field<String>>,
    /// `role`.
    pub role: Option<Field<String>>,
}

/// A pod- or container-level `securityContext` (the union of the fields the checks read).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecurityContext {
    /// Position of the `securityContext` key.
    pub pos: Pos,
    /// `privileged`.
    pub privileged: Option<Field<bool>>,
    /// `allowPrivilegeEscalation`.
    pub allow_privilege_escalation: Option<Field<bool>>,
    /// Position of `capabilities`, when present.
    pub capabilities: Option<Pos>,
    /// `capabilities.add`.
    pub cap_add: Vec<Field<String>>,
    /// `capabilities.drop`.
    pub cap_drop: Vec<Field<String>>,
    /// `procMount`.
    pub proc_mount: Option<Field<String>>,
    /// `runAsNonRoot`.
    pub run_as_non_root: Option<Field<bool>>,
    /// `runAsUser`.
    pub run_as_user: Option<Field<i64>>,
    /// `runAsGroup`.
    pub run_as_group: Option<Field<i64>>,
    /// `readOnlyRootFilesystem`.
    pub read_only_root_filesystem: Option<Field<bool>>,
    /// `seLinuxOptions`.
    pub se_linux: Option<SeLinux>,
    /// `seccompProfile` (position of the key) and its `type` (empty when unset).
    pub seccomp: Option<Field<String>>,
    /// `appArmorProfile` (position of the key) and its `type`.
    pub apparmor: Option<Field<String>>,
    /// `windowsOptions.hostProcess`.
    pub host_process: Option<Field<bool>>,
    /// `sysctls[*].name` (pod level only).
    pub sysctls: Vec<Field<String>>,
}

/// A probe or lifecycle handler's `host` fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Probe {
    /// Position of the probe key.
    pub pos: Pos,
}

/// One `env` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    /// `name`.
    pub name: String,
    /// `value`, when set literally.
    pub value: Option<Field<String>>,
}

/// One `volumeMounts` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeMount {
    /// `name` (the volume).
    pub name: String,
    /// `readOnly`.
    pub read_only: bool,
    /// Position of the list item.
    pub pos: Pos,
}

/// `resources`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resources {
    /// Position of the `resources` key, when present.
    pub pos: Option<Pos>,
    /// `requests.cpu` set.
    pub requests_cpu: bool,
    /// `requests.memory` set.
    pub requests_memory: bool,
    /// `limits.cpu` set.
    pub limits_cpu: bool,
    /// `limits.memory` set.
    pub limits_memory: bool,
}

/// A container (init, regular or ephemeral).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    /// Which list.
    pub kind: ContainerKind,
    /// `name`.
    pub name: String,
    /// Position of the list item.
    pub pos: Pos,
    /// `image`.
    pub image: Option<Field<String>>,
    /// `imagePullPolicy`.
    pub image_pull_policy: Option<Field<String>>,
    /// `securityContext`.
    pub sc: Option<SecurityContext>,
    /// `ports[*].hostPort` (non-zero).
    pub host_ports: Vec<Field<i64>>,
    /// `ports[*].containerPort`.
    pub container_ports: Vec<Field<i64>>,
    /// `livenessProbe`.
    pub liveness: Option<Probe>,
    /// `readinessProbe`.
    pub readiness: Option<Probe>,
    /// `startupProbe`.
    pub startup: Option<Probe>,
    /// Non-empty `host` fields of probes and lifecycle handlers.
    pub handler_hosts: Vec<Field<String>>,
    /// `resources`.
    pub resources: Resources,
    /// `env`.
    pub env: Vec<EnvVar>,
    /// `volumeMounts`.
    pub volume_mounts: Vec<VolumeMount>,
}

/// One `volumes` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    /// `name`.
    pub name: String,
    /// Position of the list item.
    pub pos: Pos,
    /// Volume source keys with a non-null value, and their positions.
    pub sources: Vec<(String, Pos)>,
    /// `hostPath.path`, when this is a hostPath volume.
    pub host_path: Option<Field<String>>,
}

/// A pod spec (of a Pod, or the pod template of a workload).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PodSpec {
    /// Position of the `spec` key (or of the object when it has none).
    pub pos: Pos,
    /// `hostNetwork`.
    pub host_network: Option<Field<bool>>,
    /// `hostPID`.
    pub host_pid: Option<Field<bool>>,
    /// `hostIPC`.
    pub host_ipc: Option<Field<bool>>,
    /// `hostUsers`.
    pub host_users: Option<Field<bool>>,
    /// `shareProcessNamespace`.
    pub share_process_namespace: Option<Field<bool>>,
    /// `automountServiceAccountToken`.
    pub automount_sa_token: Option<Field<bool>>,
    /// `serviceAccountName`.
    pub service_account_name: Option<Field<String>>,
    /// Deprecated `serviceAccount`.
    pub service_account: Option<Field<String>>,
    /// `os.name`.
    pub os_name: Option<Field<String>>,
    /// `securityContext`.
    pub sc: Option<SecurityContext>,
    /// All containers: init, regular, ephemeral (in that order).
    pub containers: Vec<Container>,
    /// `volumes`.
    pub volumes: Vec<Volume>,
    /// Position of `hostAliases`, when non-empty.
    pub host_aliases: Option<Pos>,
}

impl PodSpec {
    /// True when `spec.os.name` is `windows`.
    #[must_use]
    pub fn is_windows(&self) -> bool {
        self.os_name.as_ref().is_some_and(|o| o.value == "windows")
    }
}

fn security_context(ctx: &mut Ctx, pos: Pos, node: &Node, path: &str) -> SecurityContext {
    let mut sc = SecurityContext {
        pos,
        privileged: ctx.bool(node, "privileged", path),
        allow_privilege_escalation: ctx.bool(node, "allowPrivilegeEscalation", path),
        proc_mount: ctx.string(node, "procMount", path),
        run_as_non_root: ctx.bool(node, "runAsNonRoot", path),
        run_as_user: ctx.int(node, "runAsUser", path),
        run_as_group: ctx.int(node, "runAsGroup", path),
        read_only_root_filesystem: ctx.bool(node, "readOnlyRootFilesystem", path),
        ..SecurityContext::default()
    };
    if let Some((cpos, caps)) = ctx.map(node, "capabilities", path) {
        let cpath = format!("{path}.capabilities");
        sc.capabilities = Some(cpos);
        sc.cap_add = ctx.strings(caps, "add", &cpath);
        sc.cap_drop = ctx.strings(caps, "drop", &cpath);
    }
    if let Some((spos, se)) = ctx.map(node, "seLinuxOptions", path) {
        let spath = format!("{path}.seLinuxOptions");
        sc.se_linux = Some(SeLinux {
            pos: spos,
            type_: ctx.string(se, "type", &spath),
            user: ctx.string(se, "user", &spath),
            role: ctx.string(se, "role", &spath),
        });
    }
    if let Some((ppos, p)) = ctx.map(node, "seccompProfile", path) {
        let t = ctx.string(p, "type", &format!("{path}.seccompProfile"));
        sc.seccomp = Some(t.unwrap_or(Field {
            value: String::new(),
            pos: ppos,
        }));
    }
    if let Some((ppos, p)) = ctx.map(node, "appArmorProfile", path) {
        let t = ctx.string(p, "type", &format!("{path}.appArmorProfile"));
        sc.apparmor = Some(t.unwrap_or(Field {
            value: String::new(),
            pos: ppos,
        }));
    }
    if let Some((_, w)) = ctx.map(node, "windowsOptions", path) {
        sc.host_process = ctx.bool(w, "hostProcess", &format!("{path}.windowsOptions"));
    }
    for (i, s) in ctx.objects(node, "sysctls", path) {
        if let Some(name) = ctx.string(s, "name", &format!("{path}.sysctls[{i}]")) {
            sc.sysctls.push(Field {
                value: name.value,
                pos: s.pos,
            });
        }
    }
    sc
}

fn handler_hosts(ctx: &mut Ctx, handler: &Node, path: &str, out: &mut Vec<Field<String>>) {
    for kind in ["httpGet", "tcpSocket"] {
        if let Some((_, h)) = ctx.map(handler, kind, path)
            && let Some(host) = ctx.string(h, "host", &format!("{path}.{kind}"))
            && !host.value.is_empty()
        {
            out.push(host);
        }
    }
}

fn container(ctx: &mut Ctx, kind: ContainerKind, node: &Node, path: &str) -> Container {
    let name = ctx
        .string(node, "name", path)
        .map(|f| f.value)
        .unwrap_or_default();
    let mut c = Container {
        kind,
        name,
        pos: node.pos,
        image: ctx.string(node, "image", path),
        image_pull_policy: ctx.string(node, "imagePullPolicy", path),
        sc: None,
        host_ports: Vec::new(),
        container_ports: Vec::new(),
        liveness: None,
        readiness: None,
        startup: None,
        handler_hosts: Vec::new(),
        resources: Resources::default(),
        env: Vec::new(),
        volume_mounts: Vec::new(),
    };
    if let Some((pos, sc)) = ctx.map(node, "securityContext", path) {
        c.sc = Some(security_context(
            ctx,
            pos,
            sc,
            &format!("{path}.securityContext"),
        ));
    }
    for (i, p) in ctx.objects(node, "ports", path) {
        let ppath = format!("{path}.ports[{i}]");
        if let Some(hp) = ctx.int(p, "hostPort", &ppath)
            && hp.value != 0
        {
            c.host_ports.push(hp);
        }
        if let Some(cp) = ctx.int(p, "containerPort", &ppath) {
            c.container_ports.push(cp);
        }
    }
    for (key, slot) in [
        ("livenessProbe", 0usize),
        ("readinessProbe", 1),
        ("startupProbe", 2),
    ] {
        if let Some((pos, probe)) = ctx.map(node, key, path) {
            handler_hosts(ctx, probe, &join(path, key), &mut c.handler_hosts);
            let p = Some(Probe { pos });
            match slot {
                0 => c.liveness = p,
                1 => c.readiness = p,
                _ => c.startup = p,
            }
        }
    }
    if let Some((_, lc)) = ctx.map(node, "lifecycle", path) {
        for key in ["postStart", "preStop"] {
            let lpath = format!("{path}.lifecycle");
            if let Some((_, h)) = ctx.map(lc, key, &lpath) {
                handler_hosts(ctx, h, &format!("{lpath}.{key}"), &mut c.handler_hosts);
            }
        }
    }
    if let Some((pos, res)) = ctx.map(node, "resources", path) {
        c.resources.pos = Some(pos);
        let rpath = format!("{path}.resources");
        if let Some((_, req)) = ctx.map(res, "requests", &rpath) {
            c.resources.requests_cpu = req.get("cpu").is_some_and(|n| !n.is_null());
            c.resources.requests_memory = req.get("memory").is_some_and(|n| !n.is_null());
        }
        if let Some((_, lim)) = ctx.map(res, "limits", &rpath) {
            c.resources.limits_cpu = lim.get("cpu").is_some_and(|n| !n.is_null());
            c.resources.limits_memory = lim.get("memory").is_some_and(|n| !n.is_null());
        }
    }
    for (i, e) in ctx.objects(node, "env", path) {
        let epath = format!("{path}.env[{i}]");
        let name = ctx
            .string(e, "name", &epath)
            .map(|f| f.value)
            .unwrap_or_default();
        let value = ctx.string(e, "value", &epath);
        c.env.push(EnvVar { name, value });
    }
    for (i, m) in ctx.objects(node, "volumeMounts", path) {
        let mpath = format!("{path}.volumeMounts[{i}]");
        let name = ctx
            .string(m, "name", &mpath)
            .map(|f| f.value)
            .unwrap_or_default();
        let read_only = ctx.bool(m, "readOnly", &mpath).is_some_and(|f| f.value);
        c.volume_mounts.push(VolumeMount {
            name,
            read_only,
            pos: m.pos,
        });
    }
    c
}

/// Reads a pod spec mapping. `pos` is where findings about missing fields point.
pub fn pod_spec(ctx: &mut Ctx, pos: Pos, node: &Node, path: &str) -> PodSpec {
    let mut spec = PodSpec {
        pos,
        host_network: ctx.bool(node, "hostNetwork", path),
        host_pid: ctx.bool(node, "hostPID", path),
        host_ipc: ctx.bool(node, "hostIPC", path),
        host_users: ctx.bool(node, "hostUsers", path),
        share_process_namespace: ctx.bool(node, "shareProcessNamespace", path),
        automount_sa_token: ctx.bool(node, "automountServiceAccountToken", path),
        service_account_name: ctx.string(node, "serviceAccountName", path),
        service_account: ctx.string(node, "serviceAccount", path),
        ..PodSpec::default()
    };
    if let Some((_, os)) = ctx.map(node, "os", path) {
        spec.os_name = ctx.string(os, "name", &format!("{path}.os"));
    }
    if let Some((scpos, sc)) = ctx.map(node, "securityContext", path) {
        spec.sc = Some(security_context(
            ctx,
            scpos,
            sc,
            &format!("{path}.securityContext"),
        ));
    }
    for kind in [
        ContainerKind::Init,
        ContainerKind::Regular,
        ContainerKind::Ephemeral,
    ] {
        for (i, c) in ctx.objects(node, kind.field(), path) {
            let cpath = format!("{path}.{}[{i}]", kind.field());
            spec.containers.push(container(ctx, kind, c, &cpath));
        }
    }
    for (i, v) in ctx.objects(node, "volumes", path) {
        let vpath = format!("{path}.volumes[{i}]");
        let name = ctx
            .string(v, "name", &vpath)
            .map(|f| f.value)
            .unwrap_or_default();
        let sources = v
            .as_map()
            .unwrap_or_default()
            .iter()
            .filter(|e| e.key != "name" && !e.value.is_null())
            .map(|e| (e.key.clone(), e.key_pos))
            .collect();
        let host_path = ctx.map(v, "hostPath", &vpath).map(|(hpos, hp)| {
            ctx.string(hp, "path", &format!("{vpath}.hostPath"))
                .unwrap_or(Field {
                    value: String::new(),
                    pos: hpos,
                })
        });
        spec.volumes.push(Volume {
            name,
            pos: v.pos,
            sources,
            host_path,
        });
    }
    if let Some((hpos, items)) = ctx.seq(node, "hostAliases", path)
        && !items.is_empty()
    {
        spec.host_aliases = Some(hpos);
    }
    spec
}

/// Object metadata the checks use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    /// `name`.
    pub name: Option<String>,
    /// `namespace`.
    pub namespace: Option<Field<String>>,
    /// `labels`.
    pub labels: Vec<(String, Field<String>)>,
    /// `annotations`.
    pub annotations: Vec<(String, Field<String>)>,
}

impl Meta {
    /// The annotation `key`, if set.
    #[must_use]
    pub fn annotation(&self, key: &str) -> Option<&Field<String>> {
        self.annotations
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The label `key`, if set.
    #[must_use]
    pub fn label(&self, key: &str) -> Option<&Field<String>> {
        self.labels
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

/// Reads `metadata` of `obj` (missing metadata reads as empty).
pub fn meta(ctx: &mut Ctx, obj: &Node, path: &str) -> Meta {
    let Some((_, m)) = ctx.map(obj, "metadata", path) else {
        return Meta::default();
    };
    let mpath = join(path, "metadata");
    Meta {
        name: ctx.string(m, "name", &mpath).map(|f| f.value),
        namespace: ctx.string(m, "namespace", &mpath),
        labels: ctx.string_map(m, "labels", &mpath),
        annotations: ctx.string_map(m, "annotations", &mpath),
    }
}

/// Where a workload kind keeps its pod template, and which API groups define it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplatePath {
    /// `metadata` + `spec` of the object itself (Pod).
    Pod,
    /// `template` (PodTemplate).
    Template,
    /// `spec.template` (Deployment, ReplicaSet, ...).
    SpecTemplate,
    /// `spec.jobTemplate.spec.template` (CronJob).
    JobTemplate,
}

/// The workload kinds checked, their pod template path and the `apiVersion`s that define them.
#[must_use]
pub fn workload_kind(kind: &str) -> Option<(TemplatePath, &'static [&'static str])> {
    const APPS: &[&str] = &[
        "apps/v1",
        "apps/v1beta1",
        "apps/v1beta2",
        "extensions/v1beta1",
    ];
    match kind {
        "Pod" => Some((TemplatePath::Pod, &["v1"])),
        "PodTemplate" => Some((TemplatePath::Template, &["v1"])),
        "ReplicationController" => Some((TemplatePath::SpecTemplate, &["v1"])),
        "Deployment" | "ReplicaSet" | "DaemonSet" => Some((TemplatePath::SpecTemplate, APPS)),
        "StatefulSet" => Some((
            TemplatePath::SpecTemplate,
            &["apps/v1", "apps/v1beta1", "apps/v1beta2"],
        )),
        "Job" => Some((TemplatePath::SpecTemplate, &["batch/v1"])),
        "CronJob" => Some((
            TemplatePath::JobTemplate,
            &["batch/v1", "batch/v1beta1", "batch/v2alpha1"],
        )),
        _ => None,
    }
}
