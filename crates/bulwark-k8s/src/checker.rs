//! The checker: reads sources into workloads and namespaces, then evaluates every workload
//! against the policy of its namespace (PSS checks per mode) and the hardening rules.

use std::collections::HashMap;

use bulwark_report::{Category, Finding, Location, Severity, Suppressed};

use crate::hardening;
use crate::model::{self, Ctx, Meta, PodSpec, TemplatePath, TypeError};
use crate::namespace::{LevelVersion, Mode, NamespaceLabels, Policy, mode_labels};
use crate::pss::{self, Level, PolicyVersion};
use crate::workload::Workload;
use crate::{
    CODE_INVALID, CODE_PARSE, CODE_UNKNOWN_API, CheckResult, IGNORE_ANNOTATION, Options, PSS_LINK,
};
use bulwark_yaml::{Documents, Node, Pos, Value};

/// Checks many sources together, so a Namespace declared in one file applies to workloads in
/// another. Feed sources with [`Checker::add_source`], then call [`Checker::finish`].
pub struct Checker {
    opts: Options,
    pending: Vec<Workload>,
    suppressed: Vec<Suppressed>,
    namespaces: HashMap<String, NamespaceLabels>,
    findings: Vec<Finding>,
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
