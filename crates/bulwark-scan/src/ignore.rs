//! The scan policy: ignore files and the `--severity` / `--ignore-unfixed` filters, applied to
//! every kind of finding (vulnerabilities by ID or alias, secrets by rule ID, configuration
//! checks by code), as Trivy applies `.trivyignore`.
//!
//! Two ignore-file formats are read:
//!
//! * Bulwark's YAML (`.bulwarkignore.yaml`): a list of entries
//!   ```yaml
//!   - id: CVE-2023-0286            # vulnerability ID or alias, secret rule ID, check code
//!     reason: not reachable: we never parse X.400 addresses   # required
//!     paths: ["app/**/requirements.txt"]   # optional globs on the package's file / target
//!     purls: ["pkg:pypi/django"]           # optional; with or without @version
//!     expires: 2026-12-31                  # optional; from that day on the entry no longer applies
//!   ```
//!   (a top-level mapping `{ vulnerabilities: [...] }` is accepted too).
//! * Trivy's `.trivyignore`: one ID per line, `#` comments, and Trivy's `exp:YYYY-MM-DD`
//!   suffix.
//!
//! Matching and the date check are pure: the caller passes today's date.

use std::path::{Path, PathBuf};

use bulwark_report::{Category, Finding, Report, Severity, SeverityFilter, Suppressed};
use globset::{Glob, GlobMatcher};

pub use crate::time::Date;
use bulwark_yaml::{Documents, Limits, Node};
use serde_json::Value;

/// Why an ignore file could not be used; names the file and the entry.
#[derive(Debug, thiserror::Error)]
pub enum IgnoreError {
    /// The file is not YAML.
    #[error("{path}: not valid YAML: {message}")]
    Yaml {
        /// The file.
        path: PathBuf,
        /// Parser message.
        message: String,
    },
    /// The file cannot be read.
    #[error("cannot read ignore file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// An entry is malformed.
    #[error("{path}: entry {index}: {message}")]
    Entry {
        /// The file.
        path: PathBuf,
        /// 1-based entry number.
        index: usize,
        /// What is wrong.
        message: String,
    },
}

/// One ignore entry.
#[derive(Debug, Clone)]
pub struct IgnoreEntry {
    /// Vulnerability ID (matches the primary ID or any alias).
    pub id: String,
    /// Globs on the package's file path or the finding's target; empty: anywhere.
    pub paths: Vec<String>,
    matchers: Vec<GlobMatcher>,
    /// Package URLs (with or without version, qualifiers ignored); empty: any package.
    pub purls: Vec<String>,
    /// From this date on the entry no longer applies.
    pub expires: Option<Date>,
    /// Why the finding is accepted (shown with the suppressed finding).
    pub reason: String,
    /// The file it came from and its 1-based position, for messages.
    pub origin: String,
}

impl IgnoreEntry {
    /// True when the entry has expired on `today`.
    pub fn expired(&self, today: Date) -> bool {
        self.expires.is_some_and(|e| today >= e)
    }

    /// True when the entry covers `f` (ignoring expiry).
    pub fn matches(&self, f: &Finding) -> bool {
        self.covers(&Subject::of(f))
    }

    /// True when the entry covers `s` (ignoring expiry): its ID is the finding's code or one
    /// of its aliases (case-insensitive), and its paths and purls, when given, match.
    pub fn covers(&self, s: &Subject<'_>) -> bool {
        let id_ok = s.code.eq_ignore_ascii_case(&self.id)
            || s.aliases.iter().any(|x| x.eq_ignore_ascii_case(&self.id));
        if !id_ok {
            return false;
        }
        if !self.matchers.is_empty()
            && !self.matchers.iter().any(|m| {
                s.paths
                    .iter()
                    .flat_map(|p| [*p, p.trim_start_matches('/')])
                    .any(|c| !c.is_empty() && m.is_match(c))
            })
        {
            return false;
        }
        if !self.purls.is_empty() {
            let purl = s.purl.unwrap_or("");
            if !self.purls.iter().any(|p| purl_matches(p, purl)) {
                return false;
            }
        }
        true
    }
}

/// What the policy looks at in a finding (a report [`Finding`] or a typed vulnerability).
#[derive(Debug, Clone, Default)]
pub struct Subject<'a> {
    /// Rule or vulnerability ID.
    pub code: &'a str,
    /// Other IDs of the same vulnerability.
    pub aliases: Vec<&'a str>,
    /// Severity.
    pub severity: Option<Severity>,
    /// Category.
    pub category: Option<Category>,
    /// `Some(true)` for a vulnerability with no known fix; `None` for other kinds.
    pub unfixed: Option<bool>,
    /// Paths an ignore entry's `paths` globs are tried on (file, location, target).
    pub paths: Vec<&'a str>,
    /// Package URL, for vulnerabilities.
    pub purl: Option<&'a str>,
}

impl<'a> Subject<'a> {
    /// The facts of a report finding (vulnerability facts from its documented properties).
    pub fn of(f: &'a Finding) -> Self {
        let prop = |k: &str| f.properties.get(k).and_then(Value::as_str);
        let vulnerability = f.category == Category::Vulnerability;
        Subject {
            code: &f.code,
            aliases: f
                .properties
                .get("aliases")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default(),
            severity: Some(f.severity),
            category: Some(f.category),
            unfixed: vulnerability.then(|| prop("fixed_version").is_none_or(str::is_empty)),
            paths: [
                prop("file_path"),
                Some(f.location.path.as_str()),
                prop("target"),
            ]
            .into_iter()
            .flatten()
            .collect(),
            purl: prop("purl"),
        }
    }
}

fn strip_qualifiers(p: &str) -> &str {
    p.split(['?', '#']).next().unwrap_or(p)
}

/// `pattern` with a version must equal `purl` (qualifiers ignored); without one, the names
/// must be equal.
fn purl_matches(pattern: &str, purl: &str) -> bool {
    let pat = strip_qualifiers(pattern.trim());
    let got = strip_qualifiers(purl.trim());
    if pat.contains('@') {
        pat.eq_ignore_ascii_case(got)
    } else {
        got.split('@')
            .next()
            .is_some_and(|n| n.eq_ignore_ascii_case(pat))
    }
}

/// All ignore entries of a run.
#[derive(Debug, Clone, Default)]
pub struct IgnoreRules {
    /// Entries in file order.
    pub entries: Vec<IgnoreEntry>,
}

fn scalar(y: &Node) -> Option<String> {
    match &y.value {
        bulwark_yaml::Value::Str(s) => Some(s.clone()),
        bulwark_yaml::Value::Int(i) => Some(i.to_string()),
        _ => None,
    }
}

impl IgnoreRules {
    /// Parses Bulwark's YAML format; `path` names the file in errors.
    pub fn parse_yaml(text: &str, path: &Path) -> Result<IgnoreRules, IgnoreError> {
        // The first document is the file (YAML 1.2 core schema, like Trivy's go-yaml v3);
        // every document must still be valid YAML.
        let mut root: Option<Node> = None;
        for doc in Documents::new(text, Limits::core()) {
            let doc = doc.map_err(|e| IgnoreError::Yaml {
                path: path.to_owned(),
                message: format!("line {} column {}: {e}", e.pos().line, e.pos().col),
            })?;
            root.get_or_insert(doc.root);
        }
        let entry_err = |index: usize, message: &str| IgnoreError::Entry {
            path: path.to_owned(),
            index,
            message: message.to_owned(),
        };
        let Some(root) = root.filter(|r| !r.is_null()) else {
            return Ok(IgnoreRules::default());
        };
        let list = if let Some(seq) = root.as_seq() {
            seq
        } else if root.as_map().is_some() {
            match root.get("vulnerabilities").and_then(Node::as_seq) {
                Some(seq) => seq,
                None => {
                    return Err(entry_err(
                        0,
                        "expected a list of entries (or `vulnerabilities:` with a list)",
                    ));
                }
            }
        } else {
            return Err(entry_err(0, "expected a list of entries"));
        };
        let mut entries = Vec::new();
        for (i, item) in list.iter().enumerate() {
            let index = i + 1;
            if item.as_map().is_none() {
                return Err(entry_err(
                    index,
                    "expected a mapping with `id` and `reason`",
                ));
            }
            let get = |key: &str| item.get(key);
            let list_of = |key: &str| -> Result<Vec<String>, IgnoreError> {
                match get(key) {
                    None => Ok(Vec::new()),
                    Some(v) if v.is_null() => Ok(Vec::new()),
                    Some(v) => {
                        if let Some(s) = scalar(v) {
                            return Ok(vec![s]);
                        }
                        v.as_seq()
                            .ok_or_else(|| entry_err(index, &format!("`{key}` must be a list")))?
                            .iter()
                            .map(|x| {
                                scalar(x).ok_or_else(|| {
                                    entry_err(index, &format!("`{key}` must list strings"))
                                })
                            })
                            .collect()
                    }
                }
            };
            let id = get("id")
                .and_then(scalar)
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| entry_err(index, "`id` is required"))?;
            let reason = get("reason")
                .and_then(scalar)
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| entry_err(index, &format!("`reason` is required (id {id})")))?;
            let expires = match get("expires").and_then(scalar) {
                None => None,
                Some(s) => Some(Date::parse(&s).ok_or_else(|| {
                    entry_err(index, &format!("`expires` must be YYYY-MM-DD, got `{s}`"))
                })?),
            };
            let paths = list_of("paths")?;
            let matchers = paths
                .iter()
                .map(|p| {
                    Glob::new(p.trim_start_matches('/'))
                        .map(|g| g.compile_matcher())
                        .map_err(|e| entry_err(index, &format!("bad glob `{p}`: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            entries.push(IgnoreEntry {
                id: id.trim().to_owned(),
                paths,
                matchers,
                purls: list_of("purls")?,
                expires,
                reason: reason.trim().to_owned(),
                origin: format!("{}:{index}", path.display()),
            });
        }
        Ok(IgnoreRules { entries })
    }

    /// The ignore files in effect, read and merged: `files` when given, else those of `dir`
    /// that exist among `.bulwarkignore.yaml`, `.bulwarkignore.yml` and `.trivyignore`
    /// (`bulwark image` and friends look in the current directory, as Trivy does). A `.yaml` or
    /// `.yml` file is Bulwark's format, anything else a `.trivyignore` ID list. An empty `dir`
    /// is the current directory, and the files are then named without a `./`.
    pub fn load(files: &[PathBuf], dir: &Path) -> Result<IgnoreRules, IgnoreError> {
        let candidates: Vec<PathBuf> = if files.is_empty() {
            [".bulwarkignore.yaml", ".bulwarkignore.yml", ".trivyignore"]
                .iter()
                .map(|name| dir.join(name))
                .filter(|p| p.is_file())
                .collect()
        } else {
            files.to_vec()
        };
        let mut rules = IgnoreRules::default();
        for path in candidates {
            let text = std::fs::read_to_string(&path).map_err(|source| IgnoreError::Read {
                path: path.clone(),
                source,
            })?;
            let yaml = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
            rules.extend(if yaml {
                Self::parse_yaml(&text, &path)?
            } else {
                Self::parse_trivyignore(&text, &path)
            });
        }
        Ok(rules)
    }

    /// Parses a `.trivyignore` file: IDs one per line, `#` comments, `exp:YYYY-MM-DD`.
    pub fn parse_trivyignore(text: &str, path: &Path) -> IgnoreRules {
        let mut entries = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            let mut words = line.split_whitespace();
            let Some(id) = words.next() else { continue };
            let expires = words
                .find_map(|w| w.strip_prefix("exp:"))
                .and_then(Date::parse);
            entries.push(IgnoreEntry {
                id: id.to_owned(),
                paths: Vec::new(),
                matchers: Vec::new(),
                purls: Vec::new(),
                expires,
                reason: format!("listed in {}", path.display()),
                origin: format!("{}:{}", path.display(), i + 1),
            });
        }
        IgnoreRules { entries }
    }

    /// Adds another file's entries.
    pub fn extend(&mut self, other: IgnoreRules) {
        self.entries.extend(other.entries);
    }
}

/// `--severity`, `--ignore-unfixed` and the ignore files together, for every kind of finding
/// (vulnerabilities, secrets, configuration checks, lint findings), as Trivy applies them.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// `--severity`.
    pub severity: SeverityFilter,
    /// `--ignore-unfixed`: drop vulnerabilities without a fixed version.
    pub ignore_unfixed: bool,
    /// Ignore entries.
    pub ignore: IgnoreRules,
}

/// What the policy decided for one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Reported.
    Keep,
    /// Not reported (`--severity`, `--ignore-unfixed`).
    Drop,
    /// Moved to the suppressed list with this reason (an ignore entry).
    Suppress(String),
}

/// What the policy did besides deciding, over a whole run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyOutcome {
    /// Warnings for the user (expired entries that matched a finding).
    pub warnings: Vec<String>,
    /// Findings dropped by `--severity`.
    pub dropped_severity: usize,
    /// Of those, findings of unknown severity (said on stderr: an unrated vulnerability may
    /// still be critical).
    pub dropped_unknown: usize,
    /// Findings dropped by `--ignore-unfixed`.
    pub dropped_unfixed: usize,
    /// Indexes (in [`IgnoreRules::entries`]) of the entries that matched something.
    matched: std::collections::BTreeSet<usize>,
}

impl PolicyOutcome {
    /// One line per ignore entry that matched no finding of the run (a typo, or a stale entry).
    pub fn unused_entries(&self, rules: &IgnoreRules) -> Vec<String> {
        rules
            .entries
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.matched.contains(i))
            .map(|(_, e)| format!("ignore entry {} ({}) matched no finding", e.origin, e.id))
            .collect()
    }
}

impl Policy {
    /// Decides one finding; counts and warnings go to `out`. Severity and unfixed filters drop
    /// findings; a matching ignore entry suppresses them; an expired entry does not suppress
    /// and gives a warning.
    pub fn verdict(&self, s: &Subject<'_>, today: Date, out: &mut PolicyOutcome) -> Verdict {
        let severity = s.severity.unwrap_or(Severity::Unknown);
        if !self
            .severity
            .keeps_kind(severity, s.category.unwrap_or(Category::Vulnerability))
        {
            out.dropped_severity += 1;
            out.dropped_unknown += usize::from(severity == Severity::Unknown);
            return Verdict::Drop;
        }
        if self.ignore_unfixed && s.unfixed == Some(true) {
            out.dropped_unfixed += 1;
            return Verdict::Drop;
        }
        for (i, e) in self.ignore.entries.iter().enumerate() {
            if !e.covers(s) {
                continue;
            }
            out.matched.insert(i);
            if e.expired(today) {
                let w = format!(
                    "ignore entry {} for {} expired on {}; the finding is reported",
                    e.origin,
                    e.id,
                    e.expires.map(|d| d.to_string()).unwrap_or_default()
                );
                if !out.warnings.contains(&w) {
                    out.warnings.push(w);
                }
            } else {
                return Verdict::Suppress(e.reason.clone());
            }
        }
        Verdict::Keep
    }

    /// Filters `findings` into `report`: kept ones to `report.findings`, suppressed ones to
    /// `report.suppressed` with their reason.
    pub fn apply(
        &self,
        findings: Vec<Finding>,
        today: Date,
        report: &mut Report,
        out: &mut PolicyOutcome,
    ) {
        for f in findings {
            match self.verdict(&Subject::of(&f), today, out) {
                Verdict::Keep => report.findings.push(f),
                Verdict::Drop => {}
                Verdict::Suppress(reason) => {
                    report.suppressed.push(Suppressed { finding: f, reason });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulwark_report::{Category, Location};

    fn finding(id: &str, sev: Severity, fixed: &str, file: &str, purl: &str) -> Finding {
        Finding::new(id, sev, Category::Vulnerability, "x", Location::file(file))
            .with_property("fixed_version", fixed)
            .with_property("file_path", file)
            .with_property("purl", purl)
            .with_property("aliases", vec!["GHSA-aaaa-bbbb-cccc".to_owned()])
    }

    const D: Date = Date {
        year: 2026,
        month: 6,
        day: 1,
    };

    #[test]
    fn unix_days_to_dates() {
        assert_eq!(Date::from_unix_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_unix_days(19_723).to_string(), "2024-01-01");
        assert_eq!(Date::from_unix_days(11_016).to_string(), "2000-02-29");
    }

    #[test]
    fn yaml_requires_reason_and_valid_date() {
        let p = Path::new("i.yaml");
        let e = IgnoreRules::parse_yaml("- id: CVE-1\n", p).expect_err("no reason");
        assert!(e.to_string().contains("reason"), "{e}");
        let e = IgnoreRules::parse_yaml("- id: CVE-1\n  reason: r\n  expires: soon\n", p)
            .expect_err("bad date");
        assert!(e.to_string().contains("entry 1"), "{e}");
        assert!(IgnoreRules::parse_yaml("id: x", p).is_err());
        assert!(IgnoreRules::parse_yaml("- [", p).is_err());
        assert!(
            IgnoreRules::parse_yaml("", p)
                .expect("empty")
                .entries
                .is_empty()
        );
    }

    #[test]
    fn suppress_by_alias_path_purl_and_expiry() {
        let yaml = "vulnerabilities:\n\
- id: GHSA-aaaa-bbbb-cccc\n  reason: accepted risk\n  paths: ['app/**']\n\
- id: CVE-2\n  reason: old\n  expires: 2026-06-01\n\
- id: CVE-3\n  reason: only django\n  purls: ['pkg:pypi/django']\n";
        let rules = IgnoreRules::parse_yaml(yaml, Path::new("b.yaml")).expect("parse");
        let policy = Policy {
            ignore: rules,
            ..Policy::default()
        };
        let findings = vec![
            finding(
                "CVE-1",
                Severity::High,
                "1.0",
                "/app/x/requirements.txt",
                "pkg:pypi/a@1",
            ),
            finding(
                "CVE-1",
                Severity::High,
                "1.0",
                "/other/requirements.txt",
                "pkg:pypi/a@1",
            ),
            finding("CVE-2", Severity::Low, "", "/r.txt", "pkg:pypi/a@1"),
            finding(
                "CVE-3",
                Severity::Low,
                "",
                "/r.txt",
                "pkg:pypi/django@3.2?x=y",
            ),
            finding("CVE-3", Severity::Low, "", "/r.txt", "pkg:pypi/flask@1"),
        ];
        let mut report = Report::default();
        let mut out = PolicyOutcome::default();
        policy.apply(findings, D, &mut report, &mut out);
        let kept: Vec<_> = report
            .findings
            .iter()
            .map(|f| (f.code.as_str(), f.location.path.as_str()))
            .collect();
        assert_eq!(
            kept,
            [
                ("CVE-1", "/other/requirements.txt"),
                ("CVE-2", "/r.txt"),
                ("CVE-3", "/r.txt")
            ]
        );
        let reasons: Vec<_> = report
            .suppressed
            .iter()
            .map(|s| s.reason.as_str())
            .collect();
        assert_eq!(reasons, ["accepted risk", "only django"]);
        assert_eq!(out.warnings.len(), 1);
        assert!(out.warnings[0].contains("b.yaml:2"), "{:?}", out.warnings);
        assert!(out.unused_entries(&policy.ignore).is_empty());
    }

    #[test]
    fn every_kind_of_finding_and_unused_entries() {
        let rules = IgnoreRules::parse_trivyignore(
            "github-pat\nBWI001\nCVE-9999-0001\n",
            Path::new(".trivyignore"),
        );
        let policy = Policy {
            ignore: rules,
            ..Policy::default()
        };
        let secret = Finding::new(
            "github-pat",
            Severity::Critical,
            Category::Secret,
            "GitHub token",
            bulwark_report::Location::file("app/.env"),
        );
        let config = Finding::new(
            "BWI001",
            Severity::Medium,
            Category::ImageConfig,
            "runs as root",
            bulwark_report::Location::file(""),
        );
        let mut report = Report::default();
        let mut out = PolicyOutcome::default();
        policy.apply(vec![secret, config], D, &mut report, &mut out);
        assert!(report.findings.is_empty());
        assert_eq!(report.suppressed.len(), 2);
        assert_eq!(
            out.unused_entries(&policy.ignore),
            ["ignore entry .trivyignore:3 (CVE-9999-0001) matched no finding"]
        );
    }

    #[test]
    fn severity_and_unfixed_filters() {
        let policy = Policy {
            severity: SeverityFilter::new(vec![Severity::Critical, Severity::High]),
            ignore_unfixed: true,
            ignore: IgnoreRules::default(),
        };
        let findings = vec![
            finding("A", Severity::High, "", "/f", ""),
            finding("B", Severity::High, "2.0", "/f", ""),
            finding("C", Severity::Medium, "2.0", "/f", ""),
        ];
        let mut report = Report::default();
        let mut out = PolicyOutcome::default();
        policy.apply(findings, D, &mut report, &mut out);
        assert_eq!(report.findings.len(), 1);
        assert_eq!(report.findings[0].code, "B");
        assert_eq!((out.dropped_severity, out.dropped_unfixed), (1, 1));
    }

    #[test]
    fn trivyignore_lines() {
        let rules = IgnoreRules::parse_trivyignore(
            "# comment\nCVE-1\n\n  CVE-2 exp:2026-01-01 # old\n",
            Path::new(".trivyignore"),
        );
        let ids: Vec<_> = rules.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["CVE-1", "CVE-2"]);
        assert!(rules.entries[1].expired(D));
        assert!(!rules.entries[0].expired(D));
    }

    #[test]
    fn load_takes_the_named_files_or_finds_the_default_ones() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        assert!(IgnoreRules::load(&[], d).unwrap().entries.is_empty());
        std::fs::write(d.join(".trivyignore"), "CVE-2024-1\n").unwrap();
        std::fs::write(
            d.join(".bulwarkignore.yaml"),
            "- id: CVE-2024-2\n  reason: not reachable\n",
        )
        .unwrap();
        std::fs::write(d.join("other.yml"), "- id: CVE-2024-3\n  reason: r\n").unwrap();
        let ids = |r: &IgnoreRules| r.entries.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
        assert_eq!(
            ids(&IgnoreRules::load(&[], d).unwrap()),
            ["CVE-2024-2", "CVE-2024-1"]
        );
        // Named files replace the discovered ones; the extension picks the format.
        let named = IgnoreRules::load(&[d.join("other.yml"), d.join(".trivyignore")], d).unwrap();
        assert_eq!(ids(&named), ["CVE-2024-3", "CVE-2024-1"]);
        let missing = d.join("missing.yaml");
        let e = IgnoreRules::load(std::slice::from_ref(&missing), d).unwrap_err();
        assert!(
            e.to_string().contains(&missing.display().to_string()),
            "{e}"
        );
        std::fs::write(d.join("bad.yaml"), "- id: [\n").unwrap();
        let e = IgnoreRules::load(&[d.join("bad.yaml")], d).unwrap_err();
        assert!(e.to_string().contains("not valid YAML: line "), "{e}");
    }

    #[test]
    fn arbitrary_yaml_never_panics() {
        use proptest::prelude::*;
        proptest!(|(s in "\\PC{0,200}")| {
            let _ = IgnoreRules::parse_yaml(&s, Path::new("f"));
            let _ = IgnoreRules::parse_trivyignore(&s, Path::new("f"));
        });
    }
}
