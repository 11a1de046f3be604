//! The scanner: keyword prefilter, windowed regexes, validation, allow rules, redaction.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use base64::Engine as _;
use bulwark_report::{Location, RuleInfo, Severity};
use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use regex::bytes::{Captures, Regex, RegexBuilder};

use crate::config::{ConfigError, DEFAULT_MAX_FILE_SIZE, SecretConfig};
use crate::finding::SecretFinding;
use crate::heuristics::{char_classes, is_obvious_fake, is_placeholder, shannon_entropy};
use crate::redact::Redacted;
use crate::rules::{BUILTIN, Check, Window, help_markdown};

/// Bytes inspected by the binary-file heuristic.
const BINARY_PROBE: usize = 8 * 1024;
/// Files up to this size are searched whole instead of by windows.
const SMALL_FILE: usize = 8 * 1024;
/// A line window never reaches further than this from the keyword (minified files).
const MAX_LINE_REACH: usize = 4 * 1024;
/// How far after `BEGIN ... PRIVATE KEY` the END line is looked for.
const MAX_PEM_BODY: usize = 64 * 1024;

/// Lower-case extensions of files that are binary (or compressed) by format: skipped by name
/// before a byte is read, so a layer walk need not buffer them. Shared libraries are matched
/// separately (`libc.so.6`).
const BINARY_EXTENSIONS: &[&str] = &[
    "a", "o", "ko", "pyc", "pyo", "class", "jar", "war", "ear", "whl", "zip", "gz", "tgz", "bz2",
    "xz", "lz", "lz4", "lzma", "zst", "7z", "rar", "tar", "deb", "rpm", "udeb", "png", "jpg",
    "jpeg", "gif", "bmp", "ico", "webp", "tif", "tiff", "icns", "pdf", "mo", "gmo", "ttf", "otf",
    "ttc", "woff", "woff2", "eot", "mp3", "mp4", "ogg", "wav", "flac", "avi", "mov", "webm",
    "wasm", "node", "dll", "exe", "dylib", "bin", "db", "sqlite", "sqlite3", "gpg", "kbx",
    "cramfs", "squashfs", "iso", "img", "qcow2",
];

/// Directories holding only binary data files (compiled time zones and locales).
const BINARY_DIRS: &[&str] = &["usr/share/zoneinfo/", "usr/lib/locale/"];

/// True when the file name or directory says the file is binary (checked before reading it).
fn binary_by_name(norm_path: &str) -> bool {
    if BINARY_DIRS.iter().any(|d| norm_path.starts_with(d)) {
        return true;
    }
    let name = norm_path.rsplit('/').next().unwrap_or(norm_path);
    // Shared objects, versioned or not: `libssl.so`, `libc.so.6`, `libz.so.1.2.13`.
    if name
        .strip_suffix(".so")
        .is_some_and(|stem| !stem.is_empty())
        || name.split_once(".so.").is_some_and(|(stem, v)| {
            !stem.is_empty() && !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        })
    {
        return true;
    }
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && BINARY_EXTENSIONS
                .iter()
                .any(|e| ext.eq_ignore_ascii_case(e))
    })
}

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

/// Byte ranges of exclude-block matches in one file, found on first use.
#[derive(Debug, Default)]
struct Blocks(Option<Vec<Range<usize>>>);

impl Blocks {
    /// Whether `secret` lies entirely inside a match of one of `regexes` in `content`.
    fn contain(&mut self, regexes: &[Regex], content: &[u8], secret: &Range<usize>) -> bool {
        if regexes.is_empty() {
            return false;
        }
        self.0
            .get_or_insert_with(|| {
                regexes
                    .iter()
                    .flat_map(|re| re.find_iter(content).map(|m| m.range()))
                    .collect()
            })
            .iter()
            .any(|b| b.start <= secret.start && secret.end <= b.end)
    }
}

/// One keyword of the prefilter: its exact bytes when case matters, and the rules it triggers.
#[derive(Debug)]
struct Keyword {
    exact: Option<Vec<u8>>,
    rules: Vec<usize>,
}

/// Keyword automaton (one ASCII-case-insensitive pass for all rules) plus, per pattern, the
/// case-sensitive spelling to verify and the rules it triggers.
///
/// The scan itself uses `packed` when it could be built (SIMD Teddy over the lower-cased
/// keywords' first bytes, run on a lower-cased copy of the text in 64 KiB chunks): several times faster than
/// the automaton, whose case-insensitive search has no SIMD prefilter. Teddy reports
/// non-overlapping leftmost matches only; every keyword occurrence starts inside some reported
/// match `[s, e)` (its prefix is a candidate, and the leftmost search reports the
/// earliest-starting candidate at or after where it resumes), so the overlapping automaton
/// re-run on `s..e + max_len` finds them all.
#[derive(Debug)]
struct Prefilter {
    automaton: AhoCorasick,
    keywords: Vec<Keyword>,
    packed: Option<aho_corasick::packed::Searcher>,
    max_len: usize,
}

/// Keyword bytes the packed prefilter looks for.
const PACKED_PREFIX: usize = 4;

/// Bytes lower-cased and searched at a time by the packed prefilter.
const PREFILTER_CHUNK: usize = 64 * 1024;

impl Prefilter {
    /// Calls `hit(start, end, pattern)` for every keyword occurrence, overlapping ones included.
    fn packed_hits(
        &self,
        packed: &aho_corasick::packed::Searcher,
        content: &[u8],
        hit: &mut impl FnMut(usize, usize, usize),
    ) {
        let overlap = self.max_len.saturating_sub(1);
        let mut lower = Vec::with_capacity(content.len().min(PREFILTER_CHUNK) + overlap);
        let mut from = 0;
        while from < content.len() {
            // This chunk owns matches starting in from..own; it also sees `overlap` bytes
            // more so that a keyword starting near `own` is found whole.
            let own = from.saturating_add(PREFILTER_CHUNK).min(content.len());
            let to = own.saturating_add(overlap).min(content.len());
            lower.clear();
            lower.extend_from_slice(content.get(from..to).unwrap_or_default());
            lower.make_ascii_lowercase();
            for m in packed.find_iter(&lower) {
                let (start, end) = (from + m.start(), from + m.end());
                if start >= own {
                    break;
                }
                let region_end = end.saturating_add(self.max_len).min(content.len());
                let Some(region) = content.get(start..region_end) else {
                    continue;
                };
                for o in self.automaton.find_overlapping_iter(region) {
                    // Occurrences starting at or after `end` belong to a later match.
                    if start + o.start() < end {
                        hit(start + o.start(), start + o.end(), o.pattern().as_usize());
                    }
                }
            }
            from = own;
        }
    }
}

/// Builds the single keyword automaton. Case-sensitive keywords are searched
/// case-insensitively too (one pass over the data instead of two) and verified on hit.
fn build_prefilter(rules: &[CompiledRule]) -> Result<Option<Prefilter>, ConfigError> {
    let mut patterns: Vec<Vec<u8>> = Vec::new();
    let mut keywords: Vec<Keyword> = Vec::new();
    for (idx, rule) in rules.iter().enumerate() {
        for (kw, cs) in &rule.keywords {
            let key = kw.as_bytes().to_ascii_lowercase();
            let exact = cs.then(|| kw.as_bytes().to_vec());
            let found = patterns
                .iter()
                .zip(keywords.iter_mut())
                .find(|(p, k)| **p == key && k.exact == exact);
            if let Some((_, k)) = found {
                if !k.rules.contains(&idx) {
                    k.rules.push(idx);
                }
            } else {
                patterns.push(key);
                keywords.push(Keyword {
                    exact,
                    rules: vec![idx],
                });
            }
        }
    }
    if patterns.is_empty() {
        return Ok(None);
    }
    let automaton = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&patterns)
        .map_err(|e| ConfigError::Keywords(e.to_string()))?;
    // Teddy only finds candidates (the automaton re-run confirms them), so it searches for
    // the keywords' first 4 bytes: fewer patterns (62 for the built-ins; Teddy's limit is 64,
    // 128 without its heuristic limits) and the same coverage argument.
    let mut prefixes: Vec<&[u8]> = patterns
        .iter()
        .map(|p| p.get(..PACKED_PREFIX).unwrap_or(p))
        .collect();
    prefixes.sort_unstable();
    prefixes.dedup();
    let packed = [true, false].into_iter().find_map(|limits| {
        aho_corasick::packed::Config::new()
            .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
            .heuristic_pattern_limits(limits)
            .builder()
            .extend(&prefixes)
            .build()
    });
    let max_len = patterns.iter().map(Vec::len).max().unwrap_or(0);
    Ok(Some(Prefilter {
        automaton,
        keywords,
        packed,
        max_len,
    }))
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
struct Candidate {
    rule: usize,
    priority: (bool, usize),
    secret: Range<usize>,
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

pub(crate) fn compile_regex(rule: &str, pattern: &str) -> Result<Regex, ConfigError> {
    RegexBuilder::new(pattern)
        .size_limit(32 * 1024 * 1024)
        .build()
        .map_err(|e| ConfigError::InvalidRegex {
            rule: rule.to_string(),
            source: Box::new(e),
        })
}

/// Normalises a path for glob matching: no leading `/` or `./`.
fn normalise_path(path: &str) -> &str {
    let mut p = path;
    loop {
        if let Some(rest) = p.strip_prefix("./") {
            p = rest;
        } else if let Some(rest) = p.strip_prefix('/') {
            p = rest;
        } else {
            return p;
        }
    }
}

fn glob(context: &str, pattern: &str) -> Result<Glob, ConfigError> {
    GlobBuilder::new(normalise_path(pattern))
        .literal_separator(true)
        .build()
        .map_err(|source| ConfigError::InvalidGlob {
            context: context.to_string(),
            glob: pattern.to_string(),
            source,
        })
}

fn glob_set<'a>(
    context: &str,
    patterns: impl IntoIterator<Item = &'a str>,
) -> Result<GlobSet, ConfigError> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(glob(context, p)?);
    }
    b.build().map_err(|source| ConfigError::InvalidGlob {
        context: context.to_string(),
        glob: String::new(),
        source,
    })
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
        v.push(crate::values::secret_in_variable_info());
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

    /// The byte ranges of `text` that hold a secret: every rule's match, and the value of
    /// every credential-named `NAME=value` word (as [`Scanner::scan_assignment`] judges them).
    /// Sorted, not overlapping, on character boundaries.
    fn secret_spans(&self, text: &str) -> Vec<Range<usize>> {
        let mut spans: Vec<Range<usize>> = self
            .candidates("", text.as_bytes(), false)
            .into_iter()
            .map(|c| c.secret)
            .collect();
        spans.extend(crate::values::assignment_value_spans(text));
        spans.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(spans.len());
        for mut r in spans {
            while r.start > 0 && !text.is_char_boundary(r.start) {
                r.start -= 1;
            }
            while r.end < text.len() && !text.is_char_boundary(r.end) {
                r.end += 1;
            }
            r.end = r.end.min(text.len());
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        merged
    }

    /// `text` with every secret in it masked as [`Redacted`] masks a finding's match: what the
    /// rules find, and the values of credential-named assignments (`ENV API_TOKEN=…`, build
    /// arguments in a history step, `KEY=value` environment entries, labels). Reports run every
    /// string they carry through this (history steps, labels, environment, messages, properties)
    /// so that no output prints a secret the scanner would flag, whichever scanners ran.
    #[must_use]
    pub fn redact<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        let spans = self.secret_spans(text);
        if spans.is_empty() {
            return std::borrow::Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for r in spans {
            out.push_str(text.get(at..r.start).unwrap_or(""));
            out.push_str(Redacted::new(text.get(r.clone()).unwrap_or("").as_bytes()).as_str());
            at = r.end;
        }
        out.push_str(text.get(at..).unwrap_or(""));
        std::borrow::Cow::Owned(out)
    }

    /// The kept (validated, allowed, de-overlapped) rule matches in `content`, by position.
    fn candidates(&self, path: &str, content: &[u8], is_file: bool) -> Vec<Candidate> {
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

/// The line(s) around `start..end`, each side capped at [`MAX_LINE_REACH`].
fn line_window(content: &[u8], start: usize, end: usize) -> Range<usize> {
    let lo = start.saturating_sub(MAX_LINE_REACH);
    let from = content
        .get(lo..start)
        .and_then(|s| memchr::memrchr(b'\n', s))
        .map_or(lo, |p| lo + p + 1);
    let hi = end.saturating_add(MAX_LINE_REACH).min(content.len());
    let to = content
        .get(end..hi)
        .and_then(|s| memchr::memchr(b'\n', s))
        .map_or(hi, |p| end + p);
    from..to
}

/// Heuristic: NUL in the first 8 KiB, or (when not UTF-8) more than 10% control/high bytes.
pub(crate) fn looks_binary(content: &[u8]) -> bool {
    let probe = content.get(..BINARY_PROBE).unwrap_or(content);
    if memchr::memchr(0, probe).is_some() {
        return true;
    }
    match std::str::from_utf8(probe) {
        Ok(_) => false,
        // A multi-byte character cut by the probe boundary is still text.
        Err(e) if e.error_len().is_none() => false,
        Err(_) => {
            let odd = probe
                .iter()
                .filter(|&&b| {
                    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b >= 0x80
                })
                .count();
            odd * 10 > probe.len()
        }
    }
}

/// Offset of the first unit-test marker in a source file, if any.
fn first_test_marker(content: &[u8]) -> Option<usize> {
    const MARKERS: &[&[u8]] = &[
        b"#[cfg(test)]",
        b"#[test]",
        b"#[tokio::test]",
        b"import pytest",
        b"import unittest",
        b"from unittest",
        b"@Test",
        b"func Test",
    ];
    MARKERS
        .iter()
        .filter_map(|m| memchr::memmem::find(content, m))
        .min()
}

/// True when the line holding `pos` is a Rust doc comment (`///` or `//!`).
fn in_doc_comment(content: &[u8], pos: usize) -> bool {
    let line_start = content
        .get(..pos)
        .and_then(|s| memchr::memrchr(b'\n', s))
        .map_or(0, |p| p + 1);
    let line = content.get(line_start..pos).unwrap_or_default();
    let trimmed = line.trim_ascii_start();
    trimmed.starts_with(b"///") || trimmed.starts_with(b"//!")
}

/// File extensions of programming languages: there, an unquoted `token: Foo` is code, not config.
fn is_source_code(path: &str) -> bool {
    const EXT: &[&str] = &[
        "rs", "go", "py", "pyi", "js", "mjs", "cjs", "ts", "tsx", "jsx", "java", "kt", "scala",
        "c", "h", "cc", "cpp", "hpp", "cxx", "cs", "rb", "php", "swift", "m", "mm", "pl", "pm",
        "lua", "dart", "ex", "exs", "erl", "hs", "ml", "clj", "groovy", "vue", "svelte", "zig",
        "nim", "r", "jl", "el", "lisp", "scm", "tcl",
    ];
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| EXT.iter().any(|e| ext.eq_ignore_ascii_case(e)))
}

/// Incremental byte offset → (line, column) conversion for ascending offsets.
#[derive(Default)]
struct LineCursor {
    offset: usize,
    line: u32,
    line_start: usize,
}

impl LineCursor {
    fn position(&mut self, content: &[u8], pos: usize) -> (u32, u32) {
        let pos = pos.min(content.len());
        if pos < self.offset {
            *self = Self::default();
        }
        if self.line == 0 {
            self.line = 1;
        }
        if let Some(seg) = content.get(self.offset..pos) {
            for nl in memchr::memchr_iter(b'\n', seg) {
                self.line += 1;
                self.line_start = self.offset + nl + 1;
            }
        }
        self.offset = pos;
        let col = content
            .get(self.line_start..pos)
            .map_or(0, |s| s.iter().filter(|&&b| (b & 0xC0) != 0x80).count());
        (self.line, col as u32 + 1)
    }

    fn peek(&self, content: &[u8], pos: usize) -> (u32, u32) {
        let mut copy = Self {
            offset: self.offset,
            line: self.line,
            line_start: self.line_start,
        };
        copy.position(content, pos)
    }
}

/// Everything a validator may look at.
struct MatchCtx<'a> {
    content: &'a [u8],
    offset: usize,
    caps: &'a Captures<'a>,
    secret: Range<usize>,
    source_code: bool,
}

impl MatchCtx<'_> {
    fn group(&self, name: &str) -> Option<Range<usize>> {
        self.caps
            .name(name)
            .map(|m| (m.start() + self.offset)..(m.end() + self.offset))
    }

    fn bytes(&self, r: Range<usize>) -> &[u8] {
        self.content.get(r).unwrap_or_default()
    }
}

/// Returns the secret span and match end to report, or `None` to drop the match.
fn validate(rule: &CompiledRule, ctx: &MatchCtx<'_>) -> Option<(Range<usize>, usize)> {
    let secret = ctx.bytes(ctx.secret.clone());
    let keep = Some((ctx.secret.clone(), ctx.secret.end));
    let entropy_ok = |s: &[u8]| rule.min_entropy <= 0.0 || shannon_entropy(s) >= rule.min_entropy;
    match rule.check {
        Check::Token => (entropy_ok(secret) && !is_obvious_fake(secret)).then_some(keep?),
        Check::AwsSecret => {
            (entropy_ok(secret) && !is_obvious_fake(secret) && char_classes(secret) >= 3)
                .then_some(keep?)
        }
        Check::Generic => check_generic(rule, ctx, secret).then_some(keep?),
        Check::NpmAuth => {
            let text = String::from_utf8_lossy(secret);
            (!is_placeholder(&text) && entropy_ok(secret)).then_some(keep?)
        }
        Check::Jwt => check_jwt(secret).then_some(keep?),
        Check::DockerAuth => {
            memchr::memmem::find(ctx.content, b"\"auths\"")?;
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(secret)
                .ok()?;
            let text = String::from_utf8(decoded).ok()?;
            let (user, pass) = text.split_once(':')?;
            (!user.is_empty() && !is_placeholder(pass)).then_some(keep?)
        }
        Check::GcpServiceAccount => {
            memchr::memmem::find(ctx.content, b"service_account")?;
            keep
        }
        Check::DbUrl => {
            let user = ctx.group("user").map(|r| ctx.bytes(r)).unwrap_or_default();
            let host = ctx.group("host").map(|r| ctx.bytes(r)).unwrap_or_default();
            let pass = String::from_utf8_lossy(secret);
            let host_l = String::from_utf8_lossy(host).to_ascii_lowercase();
            let placeholder_host = host_l.contains("example")
                || matches!(host_l.as_str(), "host" | "hostname" | "server" | "dbhost")
                || host_l.contains('{')
                || host_l.contains('$');
            (secret != user && !is_placeholder(&pass) && !placeholder_host).then_some(keep?)
        }
        Check::PrivateKey => check_private_key(ctx),
    }
}

fn check_generic(rule: &CompiledRule, ctx: &MatchCtx<'_>, secret: &[u8]) -> bool {
    // Source code is left to the vendor-specific rules: in code, `token = "..."` is far more
    // often a test value, an RFC example or a type name than a leaked credential.
    if ctx.source_code {
        return false;
    }
    let quote = ctx.group("q").map(|r| ctx.bytes(r)).unwrap_or_default();
    let key_quote = ctx.group("kq").map(|r| ctx.bytes(r)).unwrap_or_default();
    let key = ctx.group("key").map(|r| ctx.bytes(r)).unwrap_or_default();
    let key_start = ctx.group("key").map_or(0, |r| r.start);
    let key_l = String::from_utf8_lossy(key).to_ascii_lowercase();
    const NON_SECRET_KEYS: &[&str] = &[
        "csrf",
        "xsrf",
        "page",
        "next",
        "continuation",
        "cursor",
        "public",
        "sample",
        "example",
        "test",
        "dummy",
        "fake",
        "mock",
        "_name",
        "name_",
        "type",
        "_id",
        "output_token",
        "input_token",
        "purchase",
        "verification",
        "update_token",
        "marker",
        "pagination",
        "changetoken",
        "clienttoken",
        "client_token",
        "idempotency",
    ];
    if NON_SECRET_KEYS.iter().any(|k| key_l.contains(k)) {
        return false;
    }
    let before_key = key_start
        .checked_sub(1)
        .and_then(|i| ctx.content.get(i))
        .copied();
    if let Some(&kq) = key_quote.first() {
        // A quoted key must be the whole string (`"AWS::IAM::AccessKey"` is not a key named
        // `AccessKey`).
        if before_key != Some(kq) {
            return false;
        }
    } else if before_key.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':') {
        // The key must start an identifier.
        return false;
    }
    if let Some(&q) = quote.first() {
        // Quoted: the value must be the whole string literal.
        if ctx.content.get(ctx.secret.end) != Some(&q) {
            return false;
        }
    } else {
        // Unquoted: only config style, `KEY=value` / `key: value` at the start of a line.
        let line_start = ctx
            .content
            .get(..key_start)
            .and_then(|s| memchr::memrchr(b'\n', s))
            .map_or(0, |p| p + 1);
        let prefix = String::from_utf8_lossy(ctx.bytes(line_start..key_start));
        let prefix = prefix.trim();
        let prefix_ok = prefix.is_empty()
            || ["export", "set", "-", "env", "arg", "setenv"]
                .iter()
                .any(|p| prefix.eq_ignore_ascii_case(p));
        if !prefix_ok {
            return false;
        }
        if secret.iter().any(|b| b"(){}[]<>$|\\,;".contains(b)) {
            return false;
        }
        if secret.first() == Some(&b'=') {
            return false;
        }
    }
    let text = String::from_utf8_lossy(secret);
    if is_placeholder(&text) || text.contains("://") || text.contains("::") {
        return false;
    }
    if looks_like_identifier_path(&text) {
        return false;
    }
    // Random credentials almost always contain a digit (a 20-character base64 string lacks
    // one with probability 3%); words, header names and type names rarely do.
    if !secret.iter().any(u8::is_ascii_digit) || char_classes(secret) < 2 {
        return false;
    }
    shannon_entropy(secret) >= rule.min_entropy
}

/// `a.b.c`, `Foo.Bar[-1].Baz`: a dotted path of identifiers, not a secret.
fn looks_like_identifier_path(v: &str) -> bool {
    v.contains('.')
        && v.split('.').all(|seg| {
            seg.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        })
}

fn check_jwt(secret: &[u8]) -> bool {
    let mut parts = secret.split(|&b| b == b'.');
    let (Some(header), Some(payload)) = (parts.next(), parts.next()) else {
        return false;
    };
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let strip = |p: &[u8]| -> Vec<u8> { p.iter().copied().filter(|&b| b != b'=').collect() };
    let Ok(h) = engine.decode(strip(header)) else {
        return false;
    };
    let Ok(serde_json::Value::Object(h)) = serde_json::from_slice::<serde_json::Value>(&h) else {
        return false;
    };
    if !h.get("alg").is_some_and(serde_json::Value::is_string) {
        return false;
    }
    // The jwt.io sample token (sub 1234567890, name John Doe) is documentation, not a leak.
    if let Ok(p) = engine.decode(strip(payload))
        && let Ok(serde_json::Value::Object(p)) = serde_json::from_slice::<serde_json::Value>(&p)
        && p.get("sub").and_then(serde_json::Value::as_str) == Some("1234567890")
    {
        return false;
    }
    true
}

fn check_private_key(ctx: &MatchCtx<'_>) -> Option<(Range<usize>, usize)> {
    let label = ctx.group("label").or_else(|| {
        ctx.caps
            .get(1)
            .map(|m| (m.start() + ctx.offset)..(m.end() + ctx.offset))
    })?;
    let label = ctx.bytes(label);
    let begin_end = ctx.caps.get(0)?.end() + ctx.offset;
    let limit = begin_end
        .saturating_add(MAX_PEM_BODY)
        .min(ctx.content.len());
    let tail = ctx.content.get(begin_end..limit)?;
    let mut end_marker = b"-----END ".to_vec();
    end_marker.extend_from_slice(label);
    end_marker.extend_from_slice(b"-----");
    let rel = memchr::memmem::find(tail, &end_marker)?;
    let body = tail.get(..rel)?;
    // Body: optional RFC 1421 headers (`Proc-Type:`, `DEK-Info:`, PGP `Version:`), then base64.
    // Lines may be real newlines or `\n` escapes inside a string literal.
    let mut b64 = 0usize;
    let text = String::from_utf8_lossy(body)
        .replace("\\n", "\n")
        .replace("\\r", "");
    for line in text.lines() {
        let line = line
            .trim()
            .trim_matches(|c| c == '"' || c == '\'' || c == ',' || c == '+');
        if line.is_empty() || line.contains(':') {
            continue;
        }
        if line.contains("...") || line.contains('<') || line.contains('{') || line.contains('$') {
            return None;
        }
        if !line
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=' || b == b' ')
        {
            return None;
        }
        b64 += line.len();
    }
    if b64 < 64 {
        return None;
    }
    // Report the body (trimmed) as the secret; the match ends at the END line.
    let lead = body.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let trail = body
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_whitespace())
        .count();
    let start = begin_end + lead;
    let end = (begin_end + body.len() - trail).max(start);
    let match_end = begin_end + rel + end_marker.len();
    Some((start..end, match_end))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The packed (chunked, lower-cased, non-overlapping + re-run) search reports exactly the
    /// occurrences of the plain overlapping automaton, across chunk boundaries and in any case.
    #[test]
    fn packed_prefilter_finds_every_overlapping_occurrence() {
        let scanner = Scanner::builtin().unwrap();
        let pre = scanner.prefilter.as_ref().unwrap();
        let packed = pre.packed.as_ref().expect("Teddy available on this CPU");
        let words: Vec<&str> = BUILTIN
            .iter()
            .flat_map(|r| r.keywords.iter().copied())
            .chain([
                "aws_secret_access_key",
                "xoxb-ghp_",
                " ",
                "\n",
                "x",
                "sEcReT",
            ])
            .collect();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut text = Vec::new();
        while text.len() < 3 * PREFILTER_CHUNK + 1000 {
            let w = words[(next() % words.len() as u64) as usize];
            for b in w.bytes() {
                text.push(if next() % 3 == 0 {
                    b.to_ascii_uppercase()
                } else {
                    b
                });
            }
            if next() % 4 == 0 {
                text.push(b' ');
            }
        }
        let mut expected: Vec<(usize, usize, usize)> = pre
            .automaton
            .find_overlapping_iter(&text)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect();
        let mut got = Vec::new();
        pre.packed_hits(packed, &text, &mut |s, e, p| got.push((s, e, p)));
        expected.sort_unstable();
        got.sort_unstable();
        got.dedup();
        assert!(expected.len() > 1000);
        assert_eq!(got, expected);
    }
}
