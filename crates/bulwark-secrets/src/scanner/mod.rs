//! The scanner: keyword prefilter, windowed regexes, validation, allow rules, redaction.
//!
//! * [`prefilter`]: where each rule's keywords occur (one pass over the bytes);
//! * this module: the rules, compiled from the built-in table and the user's configuration,
//!   and scanning (windows, regexes, overlap resolution, allow rules, positions, redaction);
//! * [`validate`]: whether a match is a secret (entropy, structure, exclude blocks);
//! * [`text`]: binary files, line windows, test code, positions.

mod prefilter;
mod text;
mod validate;

use std::ops::Range;

use bulwark_report::{Location, RuleInfo, Severity};
use globset::{GlobSet, GlobSetBuilder};
use regex::bytes::Regex;

use crate::config::{DEFAULT_MAX_FILE_SIZE, SecretConfig};
use crate::error::ConfigError;
use crate::finding::SecretFinding;
use crate::patterns::{compile_regex, glob, glob_set, normalise_path};
use crate::redact::Redacted;
use crate::rules::{BUILTIN, Check, Window, help_markdown};
use prefilter::{Prefilter, build_prefilter};
use text::looks_binary;
use text::{
    LineCursor, binary_by_name, first_test_marker, in_doc_comment, is_source_code, line_window,
};
use validate::{Blocks, MatchCtx, validate};

/// Files up to this size are searched whole instead of by windows.
const SMALL_FILE: usize = 8 * 1024;

/// Published, non-secret values that built-in rules would otherwise report.
const BUILTIN_ALLOW_VALUES: &[(&str, &str)] = &[
    (
        "azurite-development-key",
        // The Azure Storage emulator's documented account key, identical on every machine.
        r"^Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==$",
    ),
    (
        "aws-documentation-example",
        // AWS documentation keys: AKIAIOSFODNN7EXAMPLE, wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY.
        r"EXAMPLE(?:KEY)?$",
    ),
];

/// Path allow rules built in, with their reason. Disable with `disable-allow-rules`.
const BUILTIN_ALLOW_PATHS: &[(&str, &[&str], &str)] = &[
    (
        "tests",
        &[
            "**/test/**",
            "**/tests/**",
            "**/testdata/**",
            "**/test-data/**",
            "**/test_data/**",
            "**/__tests__/**",
            "**/fixtures/**",
            "**/benches/**",
            "**/*_test.go",
            "**/*_test.py",
            "**/test_*.py",
            "**/*.test.js",
            "**/*.test.ts",
            "**/*.spec.js",
            "**/*.spec.ts",
        ],
        "test suites and fixtures of installed packages ship deliberately fake keys",
    ),
    (
        "examples",
        &[
            "**/example/**",
            "**/examples/**",
            "**/sample/**",
            "**/samples/**",
            "**/*[eE]xample*",
            "**/*[sS]ample*",
        ],
        "example code, `*.example` templates and `examples-1.json` API samples use \
         illustrative credentials",
    ),
    (
        "source-test-code",
        &[],
        "in source files, matches inside Rust doc comments (`///`, `//!`) or after the first \
         unit-test marker (`#[cfg(test)]`, `#[test]`, `import pytest`, `@Test`, `func Test`) are \
         test or documentation data (checked on content, not path)",
    ),
    (
        "docs",
        &[
            "usr/share/doc/**",
            "usr/share/man/**",
            "usr/share/info/**",
            "**/*.md",
            "**/*.rst",
            "**/*.dist-info/METADATA",
            "**/*.egg-info/PKG-INFO",
        ],
        "documentation shows illustrative credentials",
    ),
];

/// Why a file was not scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// The path matched `skip-files` or `skip-dirs`.
    SkippedPath,
    /// The path matched an allow rule (its ID).
    AllowedPath(String),
    /// Larger than the size cap.
    TooLarge {
        /// File size.
        size: u64,
        /// The cap.
        max: u64,
    },
    /// Looks binary: a binary format by name (`.so`, `.png`, `.gz`, `usr/share/zoneinfo/`...),
    /// or NUL bytes or mostly non-text in the first 8 KiB.
    Binary,
}

/// Result of scanning one file, with the reason when it was not scanned.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileScan {
    /// Findings, in file order.
    pub findings: Vec<SecretFinding>,
    /// Why the file was skipped, if it was.
    pub skipped: Option<SkipReason>,
}

/// One compiled rule.
#[derive(Debug)]
struct CompiledRule {
    id: String,
    title: String,
    severity: Severity,
    regex: Regex,
    secret_group: Option<usize>,
    window: Window,
    check: Check,
    min_entropy: f64,
    low_priority: bool,
    keywords: Vec<(String, bool)>,
    path: Option<GlobSet>,
    /// Per-rule allow rules (custom rules only).
    allow: RuleAllow,
    /// Per-rule exclude-block regexes (custom rules only; empty: nothing to do).
    exclude_block: Vec<Regex>,
    info: RuleInfo,
}

/// A custom rule's own allow rules, as Trivy applies them: a path glob skips the rule for the
/// file, a regex drops a match when it matches the rule's whole match.
#[derive(Debug, Default)]
struct RuleAllow {
    paths: Option<GlobSet>,
    regexes: Vec<Regex>,
}

/// Path allow rule.
#[derive(Debug)]
struct PathAllow {
    id: String,
    globs: GlobSet,
}

/// Value allow rule (regex over the secret; optional path restriction).
#[derive(Debug)]
struct ValueAllow {
    regex: Regex,
    path: Option<GlobSet>,
}

/// A candidate match before overlap resolution.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    rule: usize,
    priority: (bool, usize),
    pub(crate) secret: Range<usize>,
    /// Last byte offset of the whole match (multi-line private keys end far away).
    end: usize,
}

/// The secret scanner. Build once (compiling regexes and automata), share across threads
/// (`Scanner: Send + Sync`), call [`Scanner::scan_file`] per file.
#[derive(Debug)]
pub struct Scanner {
    rules: Vec<CompiledRule>,
    prefilter: Option<Prefilter>,
    always: Vec<usize>,
    value_allows: Vec<ValueAllow>,
    path_allows: Vec<PathAllow>,
    skip: Option<GlobSet>,
    max_file_size: u64,
    source_test_filter: bool,
    scan_package_files: bool,
    /// Global exclude-block regexes (empty: nothing to do).
    exclude_block: Vec<Regex>,
}

impl Scanner {
    /// A scanner with the built-in rules and allow rules only.
    ///
    /// Cannot fail in practice (the built-in regexes are tested); the `Result` keeps the
    /// signature honest about regex compilation.
    pub fn builtin() -> Result<Self, ConfigError> {
        Self::new(&SecretConfig::default())
    }

    /// Builds a scanner from a configuration: built-in rules minus `disable-rules`, plus custom
    /// rules; built-in allow rules minus `disable-allow-rules`, plus custom allow rules.
    pub fn new(config: &SecretConfig) -> Result<Self, ConfigError> {
        let disabled = |id: &str| config.disable_rules.iter().any(|d| d == id);
        let enabled = |id: &str| {
            config.enable_builtin_rules.is_empty()
                || config.enable_builtin_rules.iter().any(|e| e == id)
        };
        let mut rules = Vec::new();
        for spec in BUILTIN.iter().filter(|s| enabled(s.id) && !disabled(s.id)) {
            let regex = compile_regex(spec.id, spec.regex)?;
            let secret_group = regex.capture_names().position(|n| n == Some("secret"));
            rules.push(CompiledRule {
                id: spec.id.to_string(),
                title: spec.title.to_string(),
                severity: spec.severity,
                secret_group,
                regex,
                window: spec.window,
                check: spec.check,
                min_entropy: spec.min_entropy,
                low_priority: spec.low_priority,
                keywords: spec
                    .keywords
                    .iter()
                    .map(|k| ((*k).to_string(), spec.case_sensitive))
                    .collect(),
                path: None,
                allow: RuleAllow::default(),
                exclude_block: Vec::new(),
                info: RuleInfo {
                    code: spec.id.to_string(),
                    name: None,
                    summary: spec.title.to_string(),
                    help_markdown: help_markdown(spec),
                    default_severity: spec.severity,
                    help_uri: None,
                },
            });
        }
        for custom in config.rules.iter().filter(|r| !disabled(&r.id)) {
            if custom.id.trim().is_empty() {
                return Err(ConfigError::EmptyId);
            }
            if rules.iter().any(|r| r.id == custom.id) {
                return Err(ConfigError::DuplicateRule(custom.id.clone()));
            }
            let regex = compile_regex(&custom.id, &custom.regex)?;
            let group_name = custom.secret_group_name.as_deref().unwrap_or("secret");
            let secret_group = regex.capture_names().position(|n| n == Some(group_name));
            if secret_group.is_none() && custom.secret_group_name.is_some() {
                return Err(ConfigError::MissingGroup {
                    rule: custom.id.clone(),
                    group: group_name.to_string(),
                });
            }
            let path = custom
                .path
                .as_deref()
                .map(|p| glob_set(&custom.id, [p]))
                .transpose()?;
            let allow = rule_allow(custom)?;
            let exclude_block = custom
                .exclude_block
                .iter()
                .flat_map(|b| &b.regexes)
                .map(|re| compile_regex(&format!("{}/exclude-block", custom.id), re))
                .collect::<Result<Vec<_>, _>>()?;
            rules.push(CompiledRule {
                id: custom.id.clone(),
                title: custom.description.clone(),
                severity: custom.severity,
                regex,
                secret_group,
                window: Window::Line,
                check: Check::Token,
                min_entropy: custom.min_entropy.unwrap_or(0.0),
                low_priority: false,
                keywords: custom
                    .keywords
                    .iter()
                    .filter(|k| !k.is_empty())
                    .map(|k| (k.clone(), false))
                    .collect(),
                path,
                allow,
                exclude_block,
                info: RuleInfo {
                    code: custom.id.clone(),
                    name: None,
                    summary: custom.description.clone(),
                    help_markdown: format!(
                        "Custom rule from the secret configuration{}.\n\n```\n{}\n```\n",
                        custom
                            .category
                            .as_deref()
                            .map(|c| format!(" (category: {c})"))
                            .unwrap_or_default(),
                        custom.regex
                    ),
                    default_severity: custom.severity,
                    help_uri: None,
                },
            });
        }

        let prefilter = build_prefilter(&rules)?;
        let always = rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.keywords.is_empty())
            .map(|(i, _)| i)
            .collect();

        let disabled_allow = |id: &str| config.disable_allow_rules.iter().any(|d| d == id);
        let mut value_allows = Vec::new();
        for (id, pattern) in BUILTIN_ALLOW_VALUES
            .iter()
            .filter(|(id, _)| !disabled_allow(id))
        {
            value_allows.push(ValueAllow {
                regex: compile_regex(id, pattern)?,
                path: None,
            });
        }
        let mut path_allows = Vec::new();
        for (id, globs, _why) in BUILTIN_ALLOW_PATHS
            .iter()
            .filter(|(id, globs, _)| !disabled_allow(id) && !globs.is_empty())
        {
            path_allows.push(PathAllow {
                id: (*id).to_string(),
                globs: glob_set(id, globs.iter().copied())?,
            });
        }
        for allow in &config.allow_rules {
            if allow.id.trim().is_empty() {
                return Err(ConfigError::EmptyId);
            }
            let path = allow
                .path
                .as_deref()
                .map(|p| glob_set(&allow.id, [p]))
                .transpose()?;
            match (&allow.regex, path) {
                (Some(re), path) => value_allows.push(ValueAllow {
                    regex: compile_regex(&allow.id, re)?,
                    path,
                }),
                (None, Some(globs)) => path_allows.push(PathAllow {
                    id: allow.id.clone(),
                    globs,
                }),
                (None, None) => return Err(ConfigError::EmptyAllowRule(allow.id.clone())),
            }
        }

        let mut skip_patterns: Vec<String> = config.skip_files.clone();
        for d in &config.skip_dirs {
            let d = d.trim_end_matches('/');
            skip_patterns.push(format!("{d}/**"));
        }
        let skip = if skip_patterns.is_empty() {
            None
        } else {
            Some(glob_set(
                "skip-files/skip-dirs",
                skip_patterns.iter().map(String::as_str),
            )?)
        };

        Ok(Self {
            rules,
            prefilter,
            always,
            value_allows,
            path_allows,
            skip,
            max_file_size: config.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
            source_test_filter: !disabled_allow("source-test-code"),
            scan_package_files: config.scan_package_files,
            exclude_block: config
                .exclude_block
                .iter()
                .flat_map(|b| &b.regexes)
                .map(|re| compile_regex("exclude-block", re))
                .collect::<Result<Vec<_>, _>>()?,
        })
    }

    /// Registry entries for every active rule (built-in and custom), in priority order, plus
    /// `secret-in-variable` used by [`Scanner::scan_assignment`].
    #[must_use]
    pub fn rule_infos(&self) -> Vec<RuleInfo> {
        let mut v: Vec<RuleInfo> = self.rules.iter().map(|r| r.info.clone()).collect();
        v.push(crate::rules::secret_in_variable_info());
        v
    }

    /// The size cap in bytes: callers walking layers can skip reading larger files.
    #[must_use]
    pub fn max_file_size(&self) -> u64 {
        self.max_file_size
    }

    /// Whether a file at `path` of `size` bytes would be scanned at all (skip globs, path
    /// allow rules, size cap, binary file names, empty files). Lets a layer walker avoid
    /// reading files that would be skipped.
    #[must_use]
    pub fn wants(&self, path: &str, size: u64) -> bool {
        size > 0
            && size <= self.max_file_size
            && !binary_by_name(normalise_path(path))
            && self.path_skip_reason(path).is_none()
    }

    /// Whether files owned by an OS package (dpkg, apk) are scanned too
    /// (`scan-package-files` in the configuration); by default they are not.
    #[must_use]
    pub fn scan_package_files(&self) -> bool {
        self.scan_package_files
    }

    fn path_skip_reason(&self, path: &str) -> Option<SkipReason> {
        let p = normalise_path(path);
        if self.skip.as_ref().is_some_and(|s| s.is_match(p)) {
            return Some(SkipReason::SkippedPath);
        }
        self.path_allows
            .iter()
            .find(|a| a.globs.is_match(p))
            .map(|a| SkipReason::AllowedPath(a.id.clone()))
    }

    /// Scans one file's bytes; `path` is used for reporting, skip globs and allow rules.
    #[must_use]
    pub fn scan_file(&self, path: &str, content: &[u8]) -> Vec<SecretFinding> {
        self.scan_file_detailed(path, content).findings
    }

    /// Like [`Scanner::scan_file`], also telling why a file was skipped.
    #[must_use]
    pub fn scan_file_detailed(&self, path: &str, content: &[u8]) -> FileScan {
        if let Some(reason) = self.path_skip_reason(path) {
            return FileScan {
                findings: Vec::new(),
                skipped: Some(reason),
            };
        }
        let size = content.len() as u64;
        if size > self.max_file_size {
            return FileScan {
                findings: Vec::new(),
                skipped: Some(SkipReason::TooLarge {
                    size,
                    max: self.max_file_size,
                }),
            };
        }
        if binary_by_name(normalise_path(path)) || looks_binary(content) {
            return FileScan {
                findings: Vec::new(),
                skipped: Some(SkipReason::Binary),
            };
        }
        FileScan {
            findings: self.scan_bytes(path, content, &Location::file(path), true),
            skipped: None,
        }
    }

    /// Runs the rules over `content` with no path/size/binary gate; line numbers are offset
    /// by `base.line` (minus one) when `base` has a line.
    pub(crate) fn scan_bytes(
        &self,
        path: &str,
        content: &[u8],
        base: &Location,
        is_file: bool,
    ) -> Vec<SecretFinding> {
        let kept = self.candidates(path, content, is_file);
        let mut out = Vec::with_capacity(kept.len());
        let mut cursor = LineCursor::default();
        for c in kept {
            let Some(rule) = self.rules.get(c.rule) else {
                continue;
            };
            let Some(secret) = content.get(c.secret.clone()) else {
                continue;
            };
            let (line, column) = cursor.position(content, c.secret.start);
            let (end_line, end_column) =
                cursor.peek(content, c.end.saturating_sub(1).max(c.secret.start));
            let line_offset = base.line.map_or(0, |l| l.saturating_sub(1));
            let mut location = Location::at(base.path.clone(), line + line_offset, Some(column));
            if end_line != line {
                location = location.with_end(end_line + line_offset, Some(end_column));
            }
            out.push(SecretFinding {
                rule_id: rule.id.clone(),
                title: rule.title.clone(),
                severity: rule.severity,
                location,
                redacted: Redacted::new(secret),
                layer_digest: None,
                created_by: None,
                removed_in_later_layer: false,
            });
        }
        out
    }

    /// The kept (validated, allowed, de-overlapped) rule matches in `content`, by position.
    pub(crate) fn candidates(&self, path: &str, content: &[u8], is_file: bool) -> Vec<Candidate> {
        let norm = normalise_path(path);
        let source_code = is_file && is_source_code(norm);
        let test_code_filter = source_code && self.source_test_filter;
        let mut test_region_start: Option<Option<usize>> = None;
        let windows = self.windows(content);
        let mut candidates: Vec<Candidate> = Vec::new();
        let mut global_blocks = Blocks::default();
        for (rule_idx, wins) in windows.iter().enumerate() {
            if wins.is_empty() {
                continue;
            }
            let Some(rule) = self.rules.get(rule_idx) else {
                continue;
            };
            if let Some(p) = &rule.path
                && !p.is_match(norm)
            {
                continue;
            }
            if rule.allow.paths.as_ref().is_some_and(|p| p.is_match(norm)) {
                continue;
            }
            let mut rule_blocks = Blocks::default();
            for w in wins {
                let Some(hay) = content.get(w.clone()) else {
                    continue;
                };
                for caps in rule.regex.captures_iter(hay) {
                    let Some(whole) = caps.get(0) else { continue };
                    let secret = rule
                        .secret_group
                        .and_then(|g| caps.get(g))
                        .map_or(whole.range(), |m| m.range());
                    let abs = (secret.start + w.start)..(secret.end + w.start);
                    let ctx = MatchCtx {
                        content,
                        offset: w.start,
                        caps: &caps,
                        secret: abs.clone(),
                        source_code,
                    };
                    if let Some((secret, end)) = validate(rule, &ctx) {
                        if rule
                            .allow
                            .regexes
                            .iter()
                            .any(|a| a.is_match(whole.as_bytes()))
                        {
                            continue;
                        }
                        if global_blocks.contain(&self.exclude_block, content, &secret)
                            || rule_blocks.contain(&rule.exclude_block, content, &secret)
                        {
                            continue;
                        }
                        let start = whole.start() + w.start;
                        if test_code_filter
                            && (test_region_start
                                .get_or_insert_with(|| first_test_marker(content))
                                .is_some_and(|t| start >= t)
                                || in_doc_comment(content, start))
                        {
                            continue;
                        }
                        candidates.push(Candidate {
                            rule: rule_idx,
                            priority: (rule.low_priority, rule_idx),
                            secret,
                            end,
                        });
                    }
                }
            }
        }
        if candidates.is_empty() {
            return candidates;
        }
        // Overlap resolution: specific rules first, then custom, then generic.
        candidates.sort_by_key(|c| (c.priority, c.secret.start));
        let mut kept: Vec<Candidate> = Vec::new();
        for c in candidates {
            let overlaps = kept
                .iter()
                .any(|k| c.secret.start < k.secret.end && k.secret.start < c.secret.end);
            if overlaps {
                continue;
            }
            let Some(secret) = content.get(c.secret.clone()) else {
                continue;
            };
            let allowed = self.value_allows.iter().any(|a| {
                a.regex.is_match(secret) && a.path.as_ref().is_none_or(|p| p.is_match(norm))
            });
            if !allowed {
                kept.push(c);
            }
        }
        kept.sort_by_key(|c| c.secret.start);
        kept
    }

    /// Per rule, the merged byte windows its regex must run on.
    fn windows(&self, content: &[u8]) -> Vec<Vec<Range<usize>>> {
        let mut windows: Vec<Vec<Range<usize>>> = vec![Vec::new(); self.rules.len()];
        let whole = 0..content.len();
        for &i in &self.always {
            if let Some(w) = windows.get_mut(i) {
                w.push(whole.clone());
            }
        }
        let small = content.len() <= SMALL_FILE;
        let Some(pre) = &self.prefilter else {
            return windows;
        };
        let mut hit = |start: usize, end: usize, pattern: usize| {
            let Some(kw) = pre.keywords.get(pattern) else {
                return;
            };
            if let Some(exact) = &kw.exact
                && content.get(start..end) != Some(exact.as_slice())
            {
                return;
            }
            for &r in &kw.rules {
                let (Some(rule), Some(wins)) = (self.rules.get(r), windows.get_mut(r)) else {
                    continue;
                };
                if wins.last().is_some_and(|last| last.end >= end) {
                    continue;
                }
                let w = if small || rule.window == Window::File {
                    whole.clone()
                } else {
                    line_window(content, start, end)
                };
                match wins.last_mut() {
                    Some(last) if w.start <= last.end => last.end = last.end.max(w.end),
                    _ => wins.push(w),
                }
            }
        };
        match &pre.packed {
            Some(packed) => pre.packed_hits(packed, content, &mut hit),
            None => {
                for m in pre.automaton.find_overlapping_iter(content) {
                    hit(m.start(), m.end(), m.pattern().as_usize());
                }
            }
        }
        windows
    }
}

/// Compiles a custom rule's own allow rules. An allow rule needs a `regex` or a `path`; when
/// it has both, each works alone (as in Trivy).
fn rule_allow(custom: &crate::config::CustomRule) -> Result<RuleAllow, ConfigError> {
    let mut paths = Vec::new();
    let mut regexes = Vec::new();
    for allow in &custom.allow_rules {
        let context = format!("{}/allow-rules/{}", custom.id, allow.id);
        if allow.id.trim().is_empty() {
            return Err(ConfigError::EmptyId);
        }
        if allow.regex.is_none() && allow.path.is_none() {
            return Err(ConfigError::EmptyAllowRule(context));
        }
        if let Some(re) = &allow.regex {
            regexes.push(compile_regex(&context, re)?);
        }
        if let Some(p) = &allow.path {
            paths.push((context, p.as_str()));
        }
    }
    let paths = if paths.is_empty() {
        None
    } else {
        let mut b = GlobSetBuilder::new();
        for (context, p) in &paths {
            b.add(glob(context, p)?);
        }
        Some(b.build().map_err(|source| ConfigError::InvalidGlob {
            context: format!("{}/allow-rules", custom.id),
            glob: String::new(),
            source,
        })?)
    };
    Ok(RuleAllow { paths, regexes })
}
