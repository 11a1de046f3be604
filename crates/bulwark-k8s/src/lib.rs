//! Kubernetes manifest checks: Pod Security Standards (every upstream pod-security-admission
//! check, for every policy version v1.0 … v1.37 and `latest`) plus Bulwark's hardening rules.
//!
//! Input is YAML or JSON, multi-document streams and `kind: List` / `*List` objects. Workloads
//! (Pod, Deployment, ReplicaSet, ReplicationController, StatefulSet, DaemonSet, Job, CronJob,
//! PodTemplate) are checked through their pod template; other kinds are read and passed over.
//! A `Namespace` object in the input with `pod-security.kubernetes.io/<MODE>` (and
//! `<MODE>-version`) labels sets the policy of each admission [`Mode`] (enforce, warn, audit)
//! for workloads in that namespace; see `docs/rules.md` for how each mode is evaluated.
//!
//! Every finding points at the line and column of the offending field (or of the container or
//! object when a field is missing) and carries these properties: `document` (0-based index in
//! the stream), `item` (index in a List, when inside one), `kind`, `name`, `namespace`,
//! `container`, and for PSS findings `mode`, `level`, `version` and `check`.
//!
//! Severity: an enforce violation of a PSS baseline check is `high`, of a restricted-only check
//! `medium`; a warn violation is `low`, an audit violation `info`;
//! hardening rules use lint levels (`error`, `warning`, `info`); unreadable input is an
//! `error` with [`Category::InputError`].
//!
//! Suppression: the annotation `bulwark.dev/ignore: "CODE1,CODE2=reason"` on an object (or its
//! pod template) moves matching findings of that object to [`CheckResult::suppressed`].
//!
//! ```
//! use bulwark_k8s::{Level, Options, PolicyVersion, check_source};
//!
//! let manifest = b"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  containers: [{name: c, image: nginx:1.27}]\n";
//! let opts = Options {
//!     level: Level::Baseline,
//!     version: "v1.30".parse::<PolicyVersion>().unwrap(),
//!     hardening: false,
//!     ..Options::default()
//! };
//! let result = check_source("pod.yaml", manifest, &opts);
//! assert_eq!(result.findings.len(), 1);
//! let f = &result.findings[0];
//! assert_eq!(f.code, "PSS-hostNamespaces");
//! assert_eq!((f.location.line, f.location.column), (Some(5), Some(3)));
//! ```
//!
//! For several files at once (so a Namespace in one file governs workloads in another), use
//! [`Checker`]; [`collect_inputs`] expands directories; [`rules`] lists every code.

pub mod hardening;
pub mod model;
pub mod pss;
pub mod yaml;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use bulwark_report::{Category, Finding, Location, RuleInfo, Severity, Suppressed};

use crate::model::{Ctx, Meta, PodSpec, TemplatePath, TypeError};
pub use crate::pss::{Level, ParsePolicyError, PolicyVersion};
use crate::yaml::{Documents, Limits, Node, Pos, Value};

/// Code of the finding for input that is not valid YAML/JSON or exceeds a limit.
pub const CODE_PARSE: &str = "K8S-PARSE";
/// Code of the finding for a field whose type the API server would reject.
pub const CODE_INVALID: &str = "K8S-INVALID";
/// Code of the finding for a workload kind with an `apiVersion` that does not define it.
pub const CODE_UNKNOWN_API: &str = "K8S-UNKNOWN-API";

/// The annotation that suppresses findings on an object.
pub const IGNORE_ANNOTATION: &str = "bulwark.dev/ignore";

const PSS_LINK: &str = "https://kubernetes.io/docs/concepts/security/pod-security-standards/";

/// How to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Pod Security Standards level (default `restricted`).
    pub level: Level,
    /// Policy version (default `latest`).
    pub version: PolicyVersion,
    /// Run the hardening rules (`BWK…`) as well (default true).
    pub hardening: bool,
    /// Relax runAsNonRoot/runAsUser for pods with `hostUsers: false`, as upstream does when the
    /// cluster opts in (`UserNamespacesPodSecurityStandards`; default false).
    pub relax_user_namespace_pods: bool,
    /// Reader limits (depth, node and alias budgets).
    pub limits: Limits,
    /// Largest source accepted, in bytes (default 128 MiB).
    pub max_source_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            level: Level::Restricted,
            version: PolicyVersion::Latest,
            hardening: true,
            relax_user_namespace_pods: false,
            limits: Limits::default(),
            max_source_bytes: 128 * 1024 * 1024,
        }
    }
}

/// Findings, and the findings an ignore annotation suppressed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckResult {
    /// Findings that count, sorted by position.
    pub findings: Vec<Finding>,
    /// Suppressed findings with the reason.
    pub suppressed: Vec<Suppressed>,
}

/// Checks one source (a file's bytes, or stdin as `-`).
#[must_use]
pub fn check_source(display_path: &str, source: &[u8], opts: &Options) -> CheckResult {
    let mut checker = Checker::new(opts.clone());
    checker.add_source(display_path, source);
    checker.finish()
}

/// Every rule this crate reports: PSS checks, hardening rules and input codes.
pub fn rules() -> impl Iterator<Item = RuleInfo> {
    let pss = pss::CHECKS.iter().map(|c| RuleInfo {
        code: c.code(),
        name: Some(format!(
            "pss-{}",
            c.id.to_ascii_lowercase().replace('_', "-")
        )),
        summary: c.summary.to_string(),
        help_markdown: format!(
            "Pod Security Standards check `{}` (level {}, since policy v1.{}).\n\n{}",
            c.id, c.level, c.since, c.doc
        ),
        default_severity: pss_severity(c.level),
        help_uri: Some(PSS_LINK.to_string()),
    });
    let input = [
        (
            CODE_PARSE,
            "k8s-parse-error",
            "The manifest is not valid YAML/JSON or exceeds a reader limit.",
            Severity::Error,
        ),
        (
            CODE_INVALID,
            "k8s-invalid-field",
            "A field has a type the API server would reject (e.g. `privileged: \"yes\"`).",
            Severity::Error,
        ),
        (
            CODE_UNKNOWN_API,
            "k8s-unknown-api-version",
            "A workload kind with an apiVersion that does not define it; the object is not checked.",
            Severity::Info,
        ),
    ]
    .into_iter()
    .map(|(code, name, summary, sev)| RuleInfo {
        code: code.to_string(),
        name: Some(name.to_string()),
        summary: summary.to_string(),
        help_markdown: String::new(),
        default_severity: sev,
        help_uri: None,
    });
    pss.chain(hardening::rules()).chain(input).map(|mut r| {
        r.default_severity = r.default_severity.bucket();
        r
    })
}

fn pss_severity(level: Level) -> Severity {
    if level == Level::Baseline {
        Severity::High
    } else {
        Severity::Medium
    }
}

/// A workload read from the input, ready to check.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Display path of the source.
    pub path: String,
    /// Document index in the source.
    pub document: usize,
    /// Index inside a `List`, if any.
    pub item: Option<usize>,
    /// `kind`.
    pub kind: String,
    /// Where the object starts.
    pub pos: Pos,
    /// Object metadata.
    pub meta: Meta,
    /// Pod template metadata (the object's own for a Pod).
    pub pod_meta: Meta,
    /// The pod spec.
    pub spec: PodSpec,
}

impl Workload {
    /// `metadata.name`, or empty.
    #[must_use]
    pub fn name(&self) -> &str {
        self.meta.name.as_deref().unwrap_or("")
    }

    /// The finding for `code` at `pos`, with the standard properties.
    #[must_use]
    pub fn finding(
        &self,
        code: &str,
        severity: Severity,
        message: impl std::fmt::Display,
        pos: Pos,
        container: Option<&str>,
    ) -> Finding {
        let mut f = Finding::new(
            code,
            severity,
            Category::Kubernetes,
            format!("{} {:?}: {message}", self.kind, self.name()),
            Location::at(&self.path, pos.line, Some(pos.col)),
        )
        .with_property("document", self.document)
        .with_property("kind", self.kind.clone())
        .with_property("name", self.name().to_string());
        if let Some(i) = self.item {
            f = f.with_property("item", i);
        }
        if let Some(ns) = &self.meta.namespace {
            f = f.with_property("namespace", ns.value.clone());
        }
        if let Some(c) = container {
            f = f.with_property("container", c.to_string());
        }
        f
    }
}

/// Checks many sources together, so a Namespace declared in one file applies to workloads in
/// another. Feed sources with [`Checker::add_source`], then call [`Checker::finish`].
pub struct Checker {
    opts: Options,
    pending: Vec<Workload>,
    suppressed: Vec<Suppressed>,
    namespaces: HashMap<String, NamespaceLabels>,
    findings: Vec<Finding>,
}

/// How admission acts on a Pod Security violation: the `<MODE>` of the namespace labels
/// `pod-security.kubernetes.io/<MODE>` and `pod-security.kubernetes.io/<MODE>-version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    /// The pod is rejected.
    Enforce,
    /// The API server returns a warning to the client (`kubectl` prints it) and admits it.
    Warn,
    /// An audit annotation is added to the request's audit event; the object is admitted.
    Audit,
}

impl Mode {
    /// Every mode, strongest first.
    pub const ALL: [Self; 3] = [Self::Enforce, Self::Warn, Self::Audit];

    /// The name used in the namespace labels and in the `mode` property.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Enforce => "enforce",
            Self::Warn => "warn",
            Self::Audit => "audit",
        }
    }

    /// The severity of a violation of `level`'s check in this mode: enforce rejections are
    /// `high` (baseline checks) or `medium` (restricted checks), warnings `low`, audit
    /// annotations `info` (reported as `low`: every Kubernetes finding is on the vulnerability
    /// scale; the `mode` property tells warnings and audit annotations apart).
    #[must_use]
    pub fn severity(self, check_level: Level) -> Severity {
        match self {
            Self::Enforce => pss_severity(check_level),
            Self::Warn => Severity::Low,
            Self::Audit => Severity::Info,
        }
    }

    const fn index(self) -> usize {
        match self {
            Self::Enforce => 0,
            Self::Warn => 1,
            Self::Audit => 2,
        }
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A level at a policy version (upstream `LevelVersion`, printed `restricted:v1.30`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LevelVersion {
    /// The level.
    pub level: Level,
    /// The policy version.
    pub version: PolicyVersion,
}

impl std::fmt::Display for LevelVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.level, self.version)
    }
}

/// The policy of every mode for one namespace (upstream `api.Policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Policy {
    /// Indexed by [`Mode`]: enforce, warn, audit.
    modes: [LevelVersion; 3],
}

impl Policy {
    /// The policy of `mode`.
    #[must_use]
    pub const fn get(&self, mode: Mode) -> LevelVersion {
        self.modes[mode.index()]
    }
}

/// The Pod Security labels a Namespace object sets, already resolved the way upstream
/// `PolicyToEvaluate` resolves them: an invalid enforce level reads as `restricted`, an invalid
/// warn or audit level as `privileged` (fail open), an invalid version as `latest`; an absent
/// label (`None`) falls back to the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct NamespaceLabels {
    levels: [Option<Level>; 3],
    versions: [Option<PolicyVersion>; 3],
}

/// The namespace label that sets `mode`'s level, and its version label.
#[must_use]
pub fn mode_labels(mode: Mode) -> (&'static str, &'static str) {
    match mode {
        Mode::Enforce => (
            "pod-security.kubernetes.io/enforce",
            "pod-security.kubernetes.io/enforce-version",
        ),
        Mode::Warn => (
            "pod-security.kubernetes.io/warn",
            "pod-security.kubernetes.io/warn-version",
        ),
        Mode::Audit => (
            "pod-security.kubernetes.io/audit",
            "pod-security.kubernetes.io/audit-version",
        ),
    }
}

const MAX_LIST_DEPTH: usize = 8;

impl Checker {
    /// A checker with `opts`.
    #[must_use]
    pub fn new(opts: Options) -> Self {
        Self {
            opts,
            pending: Vec::new(),
            suppressed: Vec::new(),
            namespaces: HashMap::new(),
            findings: Vec::new(),
        }
    }

    /// Reads one source. Parse errors become [`CODE_PARSE`] findings; documents before the
    /// error are still checked.
    pub fn add_source(&mut self, display_path: &str, source: &[u8]) {
        if source.len() > self.opts.max_source_bytes {
            self.findings.push(input_error(
                display_path,
                CODE_PARSE,
                format!(
                    "input is {} bytes, more than the {}-byte limit; split it or raise the limit",
                    source.len(),
                    self.opts.max_source_bytes
                ),
                None,
                None,
            ));
            return;
        }
        let text = match std::str::from_utf8(source) {
            Ok(t) => t,
            Err(e) => {
                let valid = source.get(..e.valid_up_to()).unwrap_or_default();
                let line = memchr_count(valid) + 1;
                let col = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
                self.findings.push(input_error(
                    display_path,
                    CODE_PARSE,
                    format!(
                        "input is not UTF-8 (invalid byte at offset {})",
                        e.valid_up_to()
                    ),
                    Some(Pos {
                        line: line as u32,
                        col: col as u32,
                    }),
                    None,
                ));
                return;
            }
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut last_doc = 0;
        for doc in Documents::new(text, self.opts.limits) {
            match doc {
                Ok(doc) => {
                    last_doc = doc.index + 1;
                    self.add_object(display_path, doc.index, None, &doc.root, 0);
                }
                Err(e) => {
                    self.findings.push(input_error(
                        display_path,
                        CODE_PARSE,
                        format!("{e}"),
                        Some(clamp_to_text(text, e.pos())),
                        Some(last_doc),
                    ));
                }
            }
        }
    }

    fn type_errors(
        &mut self,
        path: &str,
        document: usize,
        item: Option<usize>,
        errors: Vec<TypeError>,
    ) {
        for e in errors {
            let mut f = input_error(
                path,
                CODE_INVALID,
                format!(
                    "{}: expected {}, found {} (the API server would reject this object)",
                    e.path, e.expected, e.found
                ),
                Some(e.pos),
                Some(document),
            );
            if let Some(i) = item {
                f = f.with_property("item", i);
            }
            self.findings.push(f);
        }
    }

    fn add_object(
        &mut self,
        path: &str,
        document: usize,
        item: Option<usize>,
        node: &Node,
        depth: usize,
    ) {
        if node.is_null() {
            return;
        }
        if !matches!(node.value, Value::Map(_)) {
            self.findings.push(input_error(
                path,
                CODE_INVALID,
                format!(
                    "document is not a Kubernetes object (expected an object, found {})",
                    node.type_name()
                ),
                Some(node.pos),
                Some(document),
            ));
            return;
        }
        // Not a Kubernetes object (e.g. a Helm values file): pass over quietly.
        let Some(kind) = node.get("kind").and_then(Node::as_str) else {
            return;
        };
        let api_version = node.get("apiVersion").and_then(Node::as_str);
        if kind.ends_with("List") {
            if let Some(items) = node.get("items").and_then(Node::as_seq) {
                if depth >= MAX_LIST_DEPTH {
                    self.findings.push(input_error(
                        path,
                        CODE_PARSE,
                        format!("Lists nested deeper than {MAX_LIST_DEPTH} levels"),
                        Some(node.pos),
                        Some(document),
                    ));
                    return;
                }
                for (i, it) in items.iter().enumerate() {
                    self.add_object(path, document, Some(item.unwrap_or(i)), it, depth + 1);
                }
            }
            return;
        }
        let mut ctx = Ctx::default();
        if kind == "Namespace" && api_version == Some("v1") {
            let meta = model::meta(&mut ctx, node, "");
            self.type_errors(path, document, item, ctx.errors);
            if let Some(name) = &meta.name {
                let labels = self.namespace_labels(path, document, item, &meta);
                self.namespaces.insert(name.clone(), labels);
            }
            return;
        }
        let Some((template, api_versions)) = model::workload_kind(kind) else {
            return;
        };
        let Some(api_version) = api_version else {
            self.findings.push(input_error(
                path,
                CODE_INVALID,
                format!("{kind} has no apiVersion (the API server would reject this object)"),
                Some(node.pos),
                Some(document),
            ));
            return;
        };
        if !api_versions.contains(&api_version) {
            let mut f = input_error(
                path,
                CODE_UNKNOWN_API,
                format!(
                    "{kind} with apiVersion {api_version:?} is not a known workload API (expected one of {}); not checked",
                    api_versions.join(", ")
                ),
                Some(node.pos),
                Some(document),
            );
            f.severity = Severity::Info;
            self.findings.push(f);
            return;
        }
        let meta = model::meta(&mut ctx, node, "");
        let (mut pod_meta, spec) = extract_template(&mut ctx, node, template);
        if template == TemplatePath::Pod {
            pod_meta = meta.clone();
        }
        self.type_errors(path, document, item, ctx.errors);
        let w = Workload {
            path: path.to_string(),
            document,
            item,
            kind: kind.to_string(),
            pos: node.pos,
            meta,
            pod_meta,
            spec,
        };
        // Memory stays bounded by the findings: a workload is checked at once unless it names a
        // namespace not declared yet (a later Namespace object may still set its policy).
        let waits = w
            .meta
            .namespace
            .as_ref()
            .is_some_and(|ns| !self.namespaces.contains_key(&ns.value));
        if waits {
            self.pending.push(w);
        } else {
            self.evaluate(&w);
        }
    }

    /// Reads the Pod Security labels of a Namespace; an invalid value is a [`CODE_INVALID`]
    /// finding (the API server rejects such a Namespace) and resolves as upstream does.
    fn namespace_labels(
        &mut self,
        path: &str,
        document: usize,
        item: Option<usize>,
        meta: &Meta,
    ) -> NamespaceLabels {
        let mut out = NamespaceLabels::default();
        for mode in Mode::ALL {
            let (level_key, version_key) = mode_labels(mode);
            if let Some(l) = meta.label(level_key) {
                let level = Level::from_label(&l.value).unwrap_or_else(|| {
                    let fallback = if mode == Mode::Enforce {
                        Level::Restricted
                    } else {
                        Level::Privileged
                    };
                    self.label_error(
                        path,
                        document,
                        item,
                        level_key,
                        l,
                        "must be one of privileged, baseline, restricted",
                        format_args!("{mode} evaluates as {fallback}"),
                    );
                    fallback
                });
                out.levels[mode.index()] = Some(level);
            }
            if let Some(v) = meta.label(version_key) {
                let version = PolicyVersion::from_label(&v.value).unwrap_or_else(|| {
                    self.label_error(
                        path,
                        document,
                        item,
                        version_key,
                        v,
                        "must be \"latest\" or \"v1.x\"",
                        format_args!("{mode} evaluates at latest"),
                    );
                    PolicyVersion::Latest
                });
                out.versions[mode.index()] = Some(version);
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn label_error(
        &mut self,
        path: &str,
        document: usize,
        item: Option<usize>,
        key: &str,
        value: &model::Field<String>,
        expected: &str,
        consequence: std::fmt::Arguments<'_>,
    ) {
        let mut f = input_error(
            path,
            CODE_INVALID,
            format!(
                "metadata.labels[{key}]: {:?} {expected} (the API server would reject this Namespace; {consequence})",
                value.value
            ),
            Some(value.pos),
            Some(document),
        );
        if let Some(i) = item {
            f = f.with_property("item", i);
        }
        self.findings.push(f);
    }

    /// The policy that applies to `w`: its namespace's labels over the defaults (the
    /// `--pss-level`/`--pss-version` options for enforce, `privileged:latest` for warn and
    /// audit, as in upstream's default admission configuration).
    #[must_use]
    fn policy_for(&self, w: &Workload) -> Policy {
        let defaults = [
            (self.opts.level, self.opts.version),
            (Level::Privileged, PolicyVersion::Latest),
            (Level::Privileged, PolicyVersion::Latest),
        ];
        let labels = w
            .meta
            .namespace
            .as_ref()
            .and_then(|ns| self.namespaces.get(&ns.value))
            .copied()
            .unwrap_or_default();
        let mut modes = [LevelVersion {
            level: Level::Privileged,
            version: PolicyVersion::Latest,
        }; 3];
        for (i, (level, version)) in defaults.into_iter().enumerate() {
            modes[i] = LevelVersion {
                level: labels.levels[i].unwrap_or(level),
                version: labels.versions[i].unwrap_or(version),
            };
        }
        Policy { modes }
    }

    fn evaluate(&mut self, w: &Workload) {
        let policy = self.policy_for(w);
        let mut found = Vec::new();
        let view = pss::PodView {
            meta: &w.pod_meta,
            spec: &w.spec,
            relax_user_namespace_pods: self.opts.relax_user_namespace_pods,
        };
        // Upstream evaluates enforce on Pods only, warn and audit on Pods and pod controllers;
        // a Pod that enforce rejects gets no warning. A controller's pods are rejected when
        // they are created, so a pre-deploy check reports enforce for controllers too.
        let mut reported: Vec<(&'static str, Pos, Option<String>)> = Vec::new();
        let mut evaluated: Vec<LevelVersion> = Vec::new();
        let mut rejected = false;
        for mode in Mode::ALL {
            if mode == Mode::Warn && rejected && w.kind == "Pod" {
                continue;
            }
            let lv = policy.get(mode);
            // The same level and version finds the same fields, all reported already under a
            // stronger mode.
            if lv.level == Level::Privileged || evaluated.contains(&lv) {
                continue;
            }
            evaluated.push(lv);
            for (check, v) in pss::evaluate(&view, lv.level, lv.version) {
                let key = (check.id, v.pos, v.container.clone());
                // Each offending field once, under the strongest mode that catches it.
                if reported.contains(&key) {
                    continue;
                }
                reported.push(key);
                rejected |= mode == Mode::Enforce;
                found.push(pss_finding(w, mode, lv, check, &v));
            }
        }
        if self.opts.hardening {
            found.extend(hardening::check(w));
        }
        // Sorting each workload's few findings keeps the whole list in long sorted runs, so
        // the final sort is close to linear.
        found.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let ignores = ignores(w);
        for f in found {
            match ignores
                .iter()
                .find(|(code, _)| code.eq_ignore_ascii_case(&f.code))
            {
                Some((_, reason)) => self.suppressed.push(Suppressed {
                    finding: f,
                    reason: reason.clone(),
                }),
                None => self.findings.push(f),
            }
        }
    }

    /// Checks the workloads still waiting for their namespace and returns all findings sorted
    /// by position.
    #[must_use]
    pub fn finish(mut self) -> CheckResult {
        for w in std::mem::take(&mut self.pending) {
            self.evaluate(&w);
        }
        let mut result = CheckResult {
            findings: self.findings,
            suppressed: self.suppressed,
        };
        // One severity scale for every Kubernetes finding (PSS checks are rated on the
        // vulnerability scale; hardening and input rules' lint levels map onto it).
        for f in result
            .findings
            .iter_mut()
            .chain(result.suppressed.iter_mut().map(|s| &mut s.finding))
        {
            f.severity = f.severity.bucket();
        }
        if !result
            .findings
            .is_sorted_by(|a, b| a.sort_key() <= b.sort_key())
        {
            result
                .findings
                .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        }
        result
            .suppressed
            .sort_by(|a, b| a.finding.sort_key().cmp(&b.finding.sort_key()));
        result
    }
}

fn pss_finding(
    w: &Workload,
    mode: Mode,
    lv: LevelVersion,
    check: &pss::Check,
    v: &pss::Violation,
) -> Finding {
    let (message, help) = match mode {
        Mode::Enforce => (
            format!("{} ({})", v.reason, v.detail),
            format!("{}; required by Pod Security Standards {lv}", v.help),
        ),
        Mode::Warn => (
            format!(
                "would violate PodSecurity \"{lv}\" (warn): {} ({})",
                v.reason, v.detail
            ),
            format!(
                "{}; the API server warns about it (namespace label pod-security.kubernetes.io/warn: {})",
                v.help, lv.level
            ),
        ),
        Mode::Audit => (
            format!(
                "would violate PodSecurity \"{lv}\" (audit): {} ({})",
                v.reason, v.detail
            ),
            format!(
                "{}; the API server records it in the audit log (namespace label pod-security.kubernetes.io/audit: {})",
                v.help, lv.level
            ),
        ),
    };
    let mut f = w
        .finding(
            &check.code(),
            mode.severity(check.level),
            message,
            v.pos,
            v.container.as_deref(),
        )
        .with_property("mode", mode.as_str())
        .with_property("level", lv.level.as_str())
        .with_property("version", lv.version.to_string())
        .with_property("check", check.id)
        .with_help(help);
    f.links.push(PSS_LINK.to_string());
    f
}

fn extract_template(ctx: &mut Ctx, node: &Node, template: TemplatePath) -> (Meta, PodSpec) {
    let path_to_template: &[&str] = match template {
        TemplatePath::Pod => &[],
        TemplatePath::Template => &["template"],
        TemplatePath::SpecTemplate => &["spec", "template"],
        TemplatePath::JobTemplate => &["spec", "jobTemplate", "spec", "template"],
    };
    let mut cur = node;
    let mut pos = node.pos;
    for key in path_to_template {
        match cur.entry(key) {
            Some(e) if matches!(e.value.value, Value::Map(_)) => {
                pos = e.key_pos;
                cur = &e.value;
            }
            _ => {
                return (
                    Meta::default(),
                    PodSpec {
                        pos,
                        ..PodSpec::default()
                    },
                );
            }
        }
    }
    let dotted = path_to_template.join(".");
    // A Pod's template metadata is the object's own, already read by the caller.
    let meta = if dotted.is_empty() {
        Meta::default()
    } else {
        model::meta(ctx, cur, &dotted)
    };
    let spec_path = if dotted.is_empty() {
        "spec".to_string()
    } else {
        format!("{dotted}.spec")
    };
    let (spec_pos, spec_node) = match cur.entry("spec") {
        Some(e) if matches!(e.value.value, Value::Map(_)) => (e.key_pos, Some(&e.value)),
        _ => (pos, None),
    };
    let spec = spec_node.map_or_else(
        || PodSpec {
            pos: spec_pos,
            ..PodSpec::default()
        },
        |s| model::pod_spec(ctx, spec_pos, s, &spec_path),
    );
    (meta, spec)
}

/// Parses `bulwark.dev/ignore` on the object and its pod template: `CODE[=reason],…`.
fn ignores(w: &Workload) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for meta in [&w.meta, &w.pod_meta] {
        if let Some(v) = meta.annotation(IGNORE_ANNOTATION) {
            for part in v.value.split(',') {
                let (code, reason) = match part.split_once('=') {
                    Some((c, r)) => (c.trim(), r.trim()),
                    None => (part.trim(), ""),
                };
                if code.is_empty() {
                    continue;
                }
                let reason = if reason.is_empty() {
                    format!("{IGNORE_ANNOTATION} annotation")
                } else {
                    reason.to_string()
                };
                out.push((code.to_string(), reason));
            }
        }
    }
    out
}

fn input_error(
    path: &str,
    code: &str,
    message: String,
    pos: Option<Pos>,
    document: Option<usize>,
) -> Finding {
    let location = match pos {
        Some(p) => Location::at(path, p.line, Some(p.col)),
        None => Location::file(path),
    };
    let mut f = Finding::new(
        code,
        Severity::Error,
        Category::InputError,
        message,
        location,
    );
    if let Some(d) = document {
        f = f.with_property("document", d);
    }
    f
}

/// Why an input path could not be listed.
#[derive(Debug, thiserror::Error)]
#[error("cannot read {path}: {source}")]
pub struct InputError {
    /// The path.
    pub path: PathBuf,
    /// The I/O error.
    #[source]
    pub source: std::io::Error,
}

/// Expands `paths`: files are kept as given, directories are walked recursively for
/// `*.yaml`, `*.yml` and `*.json` (sorted, symlinked directories not followed).
pub fn collect_inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>, InputError> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|source| InputError {
            path: p.clone(),
            source,
        })?;
        if meta.is_dir() {
            walk(p, &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), InputError> {
    let err = |source| InputError {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries = std::fs::read_dir(dir)
        .map_err(err)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(err)?;
    entries.sort_by_key(std::fs::DirEntry::path);
    for e in entries {
        let path = e.path();
        let ft = e.file_type().map_err(|source| InputError {
            path: path.clone(),
            source,
        })?;
        if ft.is_dir() {
            walk(&path, out)?;
        } else if (ft.is_file() || ft.is_symlink())
            && path
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| matches!(x, "yaml" | "yml" | "json"))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Number of `\n` bytes (for the line of an encoding error).
fn memchr_count(bytes: &[u8]) -> usize {
    bytes.split(|b| *b == b'\n').count().saturating_sub(1)
}

/// The parser reports end-of-input errors one line past the text; point at its end instead.
fn clamp_to_text(text: &str, pos: Pos) -> Pos {
    let lines = text.split('\n').count();
    if (pos.line as usize) <= lines {
        return pos;
    }
    let last = text.rsplit('\n').next().unwrap_or("");
    Pos {
        line: lines as u32,
        col: last.chars().count() as u32 + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_registry_is_complete_and_unique() {
        let all: Vec<RuleInfo> = rules().collect();
        let mut codes: Vec<&str> = all.iter().map(|r| r.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len(), "duplicate codes");
        assert_eq!(
            all.iter().filter(|r| r.code.starts_with("PSS-")).count(),
            19
        );
        assert_eq!(all.iter().filter(|r| r.code.starts_with("BWK")).count(), 23);
        for r in all.iter().filter(|r| !r.code.starts_with("K8S-")) {
            assert!(!r.help_markdown.is_empty(), "{} undocumented", r.code);
        }
        let sev = |c: &str| all.iter().find(|r| r.code == c).map(|r| r.default_severity);
        assert_eq!(sev("PSS-privileged"), Some(Severity::High));
        assert_eq!(sev("PSS-runAsNonRoot"), Some(Severity::Medium));
    }
}
