//! Loading a Compose project the way `docker compose -f a.yml -f b.yml` does: each file is
//! read with the project's positioned YAML reader (anchors, `<<` merge keys, depth/node/alias
//! budgets), interpolated (shell environment over `.env` / `--env-file`), its `extends` resolved
//! (same file or another, recursively, cycles refused), then the files are merged in order with
//! the Compose merge rules: mappings merged key by key, `volumes`/`devices` by container path,
//! `ports`, `cap_add`, `cap_drop`, `security_opt`, `dns`, … unioned, everything else replaced.
//! List-or-mapping fields (`environment`, `labels`, `extra_hosts`, `sysctls`) are normalized
//! to mappings first, so `environment: [A=1]` and `environment: {A: 1}` merge alike.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use bulwark_report::{Category, Finding, Location, Severity};
use bulwark_yaml::{Documents, Limits, Pos};

use crate::interpolate::{InterpolationError, interpolate, parse_env_file};
use crate::tree::{CEntry, CNode, CValue, location};

/// Code of the finding for a file that is not valid YAML or exceeds a reader limit.
pub const CODE_PARSE: &str = "COMPOSE-PARSE";
/// Code of the finding for a file that is YAML but not a valid Compose model (bad
/// interpolation, `services` not a mapping, an `extends` that cannot be resolved).
pub const CODE_INVALID: &str = "COMPOSE-INVALID";

const MAX_EXTENDS_DEPTH: usize = 32;

/// One Compose file handed to the loader.
#[derive(Debug, Clone)]
pub struct Input {
    /// The name to show in findings (`compose.yaml`, `-` for stdin).
    pub display: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Directory that relative `extends.file` paths are resolved against (the file's own
    /// directory; the working directory for stdin).
    pub dir: PathBuf,
}

impl Input {
    /// An input already read: `display` names it (`-` for standard input, whose relative
    /// paths resolve against the working directory; a file's against its own directory).
    #[must_use]
    pub fn new(display: &str, bytes: Vec<u8>) -> Self {
        let dir = if display == "-" {
            PathBuf::from(".")
        } else {
            Path::new(display)
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
        };
        Self {
            display: display.to_owned(),
            bytes,
            dir,
        }
    }

    /// Reads `path` from disk.
    pub fn read(path: &Path) -> std::io::Result<Self> {
        let bytes = std::fs::read(path)?;
        Ok(Self {
            display: path.to_string_lossy().into_owned(),
            bytes,
            dir: path
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        })
    }
}

/// How to load.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Variables of the shell (highest precedence); `None` = the process environment.
    pub environment: Option<HashMap<String, String>>,
    /// `--env-file`: replaces `<project dir>/.env`.
    pub env_file: Option<PathBuf>,
    /// `--project-directory`: where `.env` is looked for (default: the first file's directory).
    pub project_dir: Option<PathBuf>,
    /// YAML reader budgets.
    pub limits: Limits,
    /// Largest file accepted, in bytes.
    pub max_file_bytes: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            environment: None,
            env_file: None,
            project_dir: None,
            limits: Limits {
                max_depth: 64,
                max_nodes: 1_000_000,
                max_alias_nodes: 100_000,
                // docker-compose (the Python v1 this is checked against) reads YAML 1.1.
                schema: bulwark_yaml::Schema::Yaml11,
            },
            max_file_bytes: 32 * 1024 * 1024,
        }
    }
}

/// A service after interpolation, `extends` and merging.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceNode {
    /// Service name.
    pub name: String,
    /// Where the service's key is (in the first file that defines it).
    pub location: Location,
    /// The merged definition.
    pub node: CNode,
}

/// A loaded project.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Project {
    /// Display paths of every file read (inputs, then files pulled in by `extends`); a node's
    /// `file` indexes this list.
    pub files: Vec<String>,
    /// Services in order of first definition.
    pub services: Vec<ServiceNode>,
    /// Files or parts that could not be loaded, as input-error findings.
    pub problems: Vec<Finding>,
    /// Variables used without a value (each once), as `docker compose` warns about them.
    pub unset_variables: Vec<String>,
}

struct Loader<'a> {
    opts: &'a LoadOptions,
    vars: HashMap<String, String>,
    project: Project,
    /// Parsed `extends` files by canonical path: index into `files` and its root.
    extra: HashMap<PathBuf, Option<(usize, CNode)>>,
}

fn problem(code: &str, message: String, location: Location) -> Finding {
    Finding::new(
        code,
        Severity::Error,
        Category::InputError,
        message,
        location,
    )
}

/// Loads and merges `inputs` in order.
#[must_use]
pub fn load(inputs: &[Input], opts: &LoadOptions) -> Project {
    let mut problems = Vec::new();
    let vars = variables(inputs, opts, &mut problems);
    let mut loader = Loader {
        opts,
        vars,
        project: Project {
            problems,
            ..Project::default()
        },
        extra: HashMap::new(),
    };
    let mut merged: Vec<ServiceNode> = Vec::new();
    for input in inputs {
        let file = loader.project.files.len();
        loader.project.files.push(input.display.clone());
        let Some(root) = loader.parse(file, &input.bytes) else {
            continue;
        };
        let Some(services) = loader.services_of(&root, file) else {
            continue;
        };
        for entry in services {
            let Some(node) =
                loader.resolve_extends(&entry, &root, &input.dir, file, 0, &mut Vec::new())
            else {
                continue;
            };
            let node = normalize_service(node);
            match merged.iter_mut().find(|s| s.name == entry.key) {
                Some(existing) => {
                    let base = std::mem::replace(&mut existing.node, CNode::null(file));
                    existing.node = merge_service(base, node);
                }
                None => merged.push(ServiceNode {
                    location: location(&loader.project.files, file, entry.key_pos),
                    name: entry.key.clone(),
                    node,
                }),
            }
        }
    }
    loader.project.services = merged;
    loader.project.unset_variables.sort();
    loader.project.unset_variables.dedup();
    loader.project
}

/// The shell environment over the `.env` file (or `--env-file`).
fn variables(
    inputs: &[Input],
    opts: &LoadOptions,
    problems: &mut Vec<Finding>,
) -> HashMap<String, String> {
    let shell: HashMap<String, String> = opts
        .environment
        .clone()
        .unwrap_or_else(|| std::env::vars().collect());
    let env_path = opts.env_file.clone().or_else(|| {
        let dir = opts
            .project_dir
            .clone()
            .or_else(|| inputs.first().map(|i| i.dir.clone()))?;
        let p = dir.join(".env");
        p.is_file().then_some(p)
    });
    let mut vars = HashMap::new();
    if let Some(path) = env_path {
        match std::fs::read_to_string(&path) {
            Ok(text) => match parse_env_file(&text, &|n| shell.get(n).cloned()) {
                Ok(pairs) => vars.extend(pairs),
                Err((line, msg)) => problems.push(problem(
                    CODE_INVALID,
                    format!("env file: {msg}"),
                    Location::at(path.to_string_lossy(), line as u32, None),
                )),
            },
            Err(e) => problems.push(problem(
                CODE_INVALID,
                format!("cannot read env file: {e} (check the --env-file path)"),
                Location::file(path.to_string_lossy()),
            )),
        }
    }
    vars.extend(shell);
    vars
}

impl CNode {
    fn null(file: usize) -> Self {
        Self {
            value: CValue::Null,
            pos: Pos::default(),
            file,
        }
    }
}

impl Loader<'_> {
    fn at(&self, file: usize, pos: Pos) -> Location {
        location(&self.project.files, file, pos)
    }

    /// YAML → interpolated tree; problems are recorded and `None` returned.
    fn parse(&mut self, file: usize, bytes: &[u8]) -> Option<CNode> {
        if bytes.len() > self.opts.max_file_bytes {
            let loc = Location::file(self.project.files[file].clone());
            self.project.problems.push(problem(
                CODE_PARSE,
                format!(
                    "file is larger than {} bytes; not a Compose file?",
                    self.opts.max_file_bytes
                ),
                loc,
            ));
            return None;
        }
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t.strip_prefix('\u{feff}').unwrap_or(t),
            Err(e) => {
                let loc = Location::file(self.project.files[file].clone());
                self.project.problems.push(problem(
                    CODE_PARSE,
                    format!("not UTF-8 text ({e})"),
                    loc,
                ));
                return None;
            }
        };
        let doc = match Documents::new(text, self.opts.limits).next() {
            None => return Some(CNode::null(file)),
            Some(Ok(d)) => d,
            Some(Err(e)) => {
                let loc = self.at(file, e.pos());
                self.project
                    .problems
                    .push(problem(CODE_PARSE, e.to_string(), loc));
                return None;
            }
        };
        let vars = &self.vars;
        let mut unset = Vec::new();
        let mut bad: Option<(InterpolationError, Pos)> = None;
        let root = CNode::from_yaml(doc.root, file, &mut |s, pos| {
            interpolate(&s, &|n| vars.get(n).cloned(), &mut unset).inspect_err(|e| {
                bad = Some((e.clone(), pos));
            })
        });
        self.project.unset_variables.extend(unset);
        if let Ok(r) = root {
            Some(r)
        } else {
            if let Some((e, pos)) = bad {
                let loc = self.at(file, pos);
                self.project
                    .problems
                    .push(problem(CODE_INVALID, e.to_string(), loc));
            }
            None
        }
    }

    /// The `services` entries of a file root (a missing or null `services` is an empty list).
    fn services_of(&mut self, root: &CNode, file: usize) -> Option<Vec<CEntry>> {
        match &root.value {
            CValue::Null => return Some(Vec::new()),
            CValue::Map(_) => {}
            _ => {
                let loc = self.at(file, root.pos);
                self.project.problems.push(problem(
                    CODE_INVALID,
                    format!(
                        "top level must be a mapping (services:, volumes:, …), found a {}",
                        type_name(root)
                    ),
                    loc,
                ));
                return None;
            }
        }
        match root.get("services") {
            None => Some(Vec::new()),
            Some(s) if s.is_null() => Some(Vec::new()),
            Some(CNode {
                value: CValue::Map(entries),
                ..
            }) => {
                let mut out = Vec::new();
                for e in entries {
                    if matches!(e.value.value, CValue::Map(_) | CValue::Null) {
                        out.push(e.clone());
                    } else {
                        let loc = self.at(file, e.value.pos);
                        self.project.problems.push(problem(
                            CODE_INVALID,
                            format!(
                                "service {:?} must be a mapping, found a {}",
                                e.key,
                                type_name(&e.value)
                            ),
                            loc,
                        ));
                    }
                }
                Some(out)
            }
            Some(other) => {
                let loc = self.at(file, other.pos);
                self.project.problems.push(problem(
                    CODE_INVALID,
                    format!("`services` must be a mapping, found a {}", type_name(other)),
                    loc,
                ));
                None
            }
        }
    }

    /// The service with its `extends` chain merged in (base first).
    fn resolve_extends(
        &mut self,
        entry: &CEntry,
        root: &CNode,
        dir: &Path,
        file: usize,
        depth: usize,
        chain: &mut Vec<(usize, String)>,
    ) -> Option<CNode> {
        let mut node = entry.value.clone();
        if node.is_null() {
            node.value = CValue::Map(Vec::new());
        }
        let Some(ext) = node.get("extends").cloned() else {
            return Some(node);
        };
        if let CValue::Map(m) = &mut node.value {
            m.retain(|e| e.key != "extends");
        }
        let (base_name, base_file) = match &ext.value {
            CValue::Str(s) => (s.clone(), None),
            CValue::Map(_) => (
                ext.get("service")
                    .and_then(CNode::scalar_text)
                    .unwrap_or_default(),
                ext.get("file").and_then(CNode::scalar_text),
            ),
            _ => (String::new(), None),
        };
        let fail = |this: &mut Self, msg: String| {
            let loc = this.at(file, ext.pos);
            this.project.problems.push(problem(CODE_INVALID, msg, loc));
            None
        };
        if base_name.is_empty() {
            return fail(
                self,
                format!("service {:?}: extends needs a service name", entry.key),
            );
        }
        if depth >= MAX_EXTENDS_DEPTH {
            return fail(
                self,
                format!(
                    "service {:?}: extends chain deeper than {MAX_EXTENDS_DEPTH}",
                    entry.key
                ),
            );
        }
        let (base_root, base_dir, base_file_idx) = match base_file {
            None => (root.clone(), dir.to_path_buf(), file),
            Some(rel) => {
                let path = dir.join(&rel);
                let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
                if !self.extra.contains_key(&key) {
                    let loaded = match std::fs::read(&path) {
                        Ok(bytes) => {
                            let idx = self.project.files.len();
                            let display = Path::new(&self.project.files[file])
                                .parent()
                                .map_or_else(|| PathBuf::from(&rel), |p| p.join(&rel));
                            self.project
                                .files
                                .push(display.to_string_lossy().into_owned());
                            self.parse(idx, &bytes).map(|r| (idx, r))
                        }
                        Err(e) => {
                            return fail(
                                self,
                                format!(
                                    "service {:?}: cannot read extends file {}: {e}",
                                    entry.key,
                                    path.display()
                                ),
                            );
                        }
                    };
                    self.extra.insert(key.clone(), loaded);
                }
                let Some(Some((idx, r))) = self.extra.get(&key).cloned() else {
                    return None;
                };
                (
                    r,
                    path.parent()
                        .map_or_else(|| dir.to_path_buf(), Path::to_path_buf),
                    idx,
                )
            }
        };
        if chain.contains(&(base_file_idx, base_name.clone())) {
            return fail(
                self,
                format!(
                    "service {:?}: extends cycle through service {base_name:?}",
                    entry.key
                ),
            );
        }
        let Some(base_entry) = base_root
            .get("services")
            .and_then(|s| s.entry(&base_name))
            .cloned()
        else {
            return fail(
                self,
                format!(
                    "service {:?} extends {base_name:?}, which is not defined in {}",
                    entry.key, self.project.files[base_file_idx]
                ),
            );
        };
        chain.push((file, entry.key.clone()));
        let base = self.resolve_extends(
            &base_entry,
            &base_root,
            &base_dir,
            base_file_idx,
            depth + 1,
            chain,
        );
        chain.pop();
        let base = base?;
        Some(merge_service(
            normalize_service(base),
            normalize_service(node),
        ))
    }
}

fn type_name(n: &CNode) -> &'static str {
    match n.value {
        CValue::Null => "null",
        CValue::Bool(_) => "boolean",
        CValue::Int(_) | CValue::Float(_) => "number",
        CValue::Str(_) => "string",
        CValue::Seq(_) => "sequence",
        CValue::Map(_) => "mapping",
    }
}

/// Fields that are a mapping or a list of `KEY=VALUE` (or `KEY:VALUE`) strings.
const MAPPING_LIKE: &[(&str, char)] = &[
    ("environment", '='),
    ("labels", '='),
    ("annotations", '='),
    ("sysctls", '='),
    ("extra_hosts", ':'),
    ("build_args", '='),
];

/// Fields whose sequences are merged by union, in order.
const UNION: &[&str] = &[
    "ports",
    "expose",
    "cap_add",
    "cap_drop",
    "security_opt",
    "dns",
    "dns_search",
    "dns_opt",
    "env_file",
    "tmpfs",
    "external_links",
    "links",
    "volumes_from",
    "profiles",
    "device_cgroup_rules",
    "group_add",
    "secrets",
    "configs",
];

/// Fields whose sequences are merged by the container path of each item.
const BY_TARGET: &[&str] = &["volumes", "devices"];

/// Converts list forms of mapping-like fields to mappings (item positions kept).
fn normalize_service(mut node: CNode) -> CNode {
    if let CValue::Map(entries) = &mut node.value {
        for e in entries.iter_mut() {
            if let Some((_, sep)) = MAPPING_LIKE.iter().find(|(k, _)| *k == e.key)
                && let CValue::Seq(items) = &e.value.value
            {
                {
                    let mut map: Vec<CEntry> = Vec::new();
                    for item in items {
                        let Some(text) = item.scalar_text() else {
                            continue;
                        };
                        let split = if *sep == ':' && !text.contains('=') {
                            text.split_once(':')
                        } else {
                            text.split_once('=')
                        };
                        let (k, v) = match split {
                            Some((k, v)) => (
                                k.trim().to_string(),
                                CValue::Str(v.trim_start().to_string()),
                            ),
                            None => (text.trim().to_string(), CValue::Null),
                        };
                        map.retain(|x| x.key != k);
                        map.push(CEntry {
                            key: k,
                            key_pos: item.pos,
                            value: CNode {
                                value: v,
                                pos: item.pos,
                                file: item.file,
                            },
                        });
                    }
                    e.value.value = CValue::Map(map);
                }
            }
        }
    }
    node
}

/// The container path a `volumes`/`devices` item mounts at (its merge key).
#[must_use]
pub fn mount_target(item: &CNode) -> Option<String> {
    if let CValue::Map(_) = &item.value {
        return item.get("target").and_then(CNode::scalar_text);
    }
    let text = item.scalar_text()?;
    let parts = split_volume(&text);
    Some(match parts.as_slice() {
        [only] => (*only).to_string(),
        [_, target, ..] => (*target).to_string(),
        [] => String::new(),
    })
}

/// Splits a short-syntax volume (`src:dst[:mode]`), keeping Windows drive letters (`C:\x`)
/// together.
#[must_use]
pub fn split_volume(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b':' {
            let is_drive = i == start + 1
                && bytes[start].is_ascii_alphabetic()
                && matches!(bytes.get(i + 1), Some(b'\\' | b'/'));
            if !is_drive {
                parts.push(&text[start..i]);
                start = i + 1;
            }
        }
        i += 1;
    }
    parts.push(&text[start..]);
    parts
}

/// Merges `over` onto `base` with the Compose merge rules.
#[must_use]
pub fn merge_service(base: CNode, over: CNode) -> CNode {
    let (CValue::Map(mut base_entries), CValue::Map(over_entries)) = (base.value, over.value)
    else {
        return CNode {
            value: CValue::Map(Vec::new()),
            ..over
        };
    };
    for o in over_entries {
        let Some(b) = base_entries.iter_mut().find(|b| b.key == o.key) else {
            base_entries.push(o);
            continue;
        };
        let key = o.key.clone();
        let b_value = std::mem::replace(&mut b.value, CNode::null(o.value.file));
        b.value = match (b_value, o.value) {
            (
                CNode {
                    value: CValue::Seq(mut bs),
                    ..
                },
                CNode {
                    value: CValue::Seq(os),
                    pos,
                    file,
                },
            ) if UNION.contains(&key.as_str()) || BY_TARGET.contains(&key.as_str()) => {
                if BY_TARGET.contains(&key.as_str()) {
                    for item in os {
                        let t = mount_target(&item);
                        bs.retain(|x| mount_target(x) != t);
                        bs.push(item);
                    }
                } else {
                    for item in os {
                        let text = render(&item);
                        if !bs.iter().any(|x| render(x) == text) {
                            bs.push(item);
                        }
                    }
                }
                CNode {
                    value: CValue::Seq(bs),
                    pos,
                    file,
                }
            }
            (
                bv @ CNode {
                    value: CValue::Map(_),
                    ..
                },
                ov @ CNode {
                    value: CValue::Map(_),
                    ..
                },
            ) => merge_maps(bv, ov),
            (_, ov) => ov,
        };
    }
    CNode {
        value: CValue::Map(base_entries),
        pos: base.pos,
        file: base.file,
    }
}

/// Recursive mapping merge: keys of `over` win, nested mappings merge.
fn merge_maps(base: CNode, over: CNode) -> CNode {
    let (CValue::Map(mut be), CValue::Map(oe)) = (base.value, over.value) else {
        return CNode::null(base.file);
    };
    for o in oe {
        match be.iter_mut().find(|b| b.key == o.key) {
            Some(b) => {
                let bv = std::mem::replace(&mut b.value, CNode::null(o.value.file));
                b.value = if matches!(bv.value, CValue::Map(_))
                    && matches!(o.value.value, CValue::Map(_))
                {
                    merge_maps(bv, o.value)
                } else {
                    o.value
                };
                b.key_pos = o.key_pos;
            }
            None => be.push(o),
        }
    }
    CNode {
        value: CValue::Map(be),
        pos: over.pos,
        file: over.file,
    }
}

/// A canonical text of a node, for union de-duplication.
fn render(n: &CNode) -> String {
    match &n.value {
        CValue::Seq(items) => format!(
            "[{}]",
            items.iter().map(render).collect::<Vec<_>>().join(",")
        ),
        CValue::Map(entries) => {
            let mut parts: Vec<String> = entries
                .iter()
                .map(|e| format!("{}={}", e.key, render(&e.value)))
                .collect();
            parts.sort();
            format!("{{{}}}", parts.join(","))
        }
        _ => n.scalar_text().unwrap_or_default(),
    }
}
