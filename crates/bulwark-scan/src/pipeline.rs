//! The one typed scan API that every front end calls (the CLI's `image`, `fs`, `rootfs` and
//! `sbom` commands, the `bulwark server` service): a [`ScanRequest`] in, a [`ScanResult`] out.
//!
//! ```text
//! target ─► inventory (walk, analyze, apply) ─► detect (typed vulnerabilities)
//!        ─► secrets, image configuration checks ─► policy (severity, unfixed, ignore files)
//!        ─► ScanResult ─► report() (findings, redacted) | sbom_vulnerabilities() (CycloneDX)
//! ```
//!
//! Nothing here renders or prints: what a front end needs to say (coverage gaps, policy
//! warnings, database errors) is in the result, typed.

use std::path::Path;
use std::sync::Arc;

use bulwark_catalog::{OsInfo, Package, SbomVulnerability, ScanMode, Subject, SubjectKind};
use bulwark_oci::{Image, MergedFs};
use bulwark_report::{
    Artifact, ArtifactKind, Category, Finding, Location, Report, RuleInfo, Severity, Suppressed,
};
use bulwark_secrets::Scanner;
use bulwark_vulndb::Store;
use serde_json::{Value, json};

use crate::detect::{DetectDiagnostics, DetectOptions, Vulnerability, detect_packages};
use crate::ignore::{Date, Policy, PolicyOutcome, Subject as PolicySubject, Verdict};
use crate::trace::{DockerfileTrace, TraceError};
use crate::{Inventory, ScanError, ScanOptions};

/// What to look for besides the inventory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scanners {
    /// Known vulnerabilities (needs a database).
    pub vuln: bool,
    /// Leaked credentials in files, Env, labels and history.
    pub secret: bool,
    /// Image configuration checks (images only; secrets in the configuration belong to
    /// `secret`).
    pub config: bool,
}

/// What to scan.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// An image, already resolved (from the daemon, an archive, a layout or a registry).
    Image(&'a Image),
    /// A directory: `Filesystem` mode reads lock files too (`bulwark fs`), `Image` mode only
    /// installed packages (`bulwark rootfs`).
    Directory {
        /// The directory as the user named it.
        path: &'a Path,
        /// Which analyzers run.
        mode: ScanMode,
    },
    /// Packages without a file system: an SBOM's, or a stored inventory being re-matched.
    Packages {
        /// What they describe (the SBOM file, the image reference).
        name: &'a str,
        /// Its operating system, if known.
        os: Option<&'a OsInfo>,
        /// The packages.
        packages: &'a [Package],
    },
}

/// One scan: target, scanners, and the policy that filters the findings.
#[derive(Debug, Clone, Copy)]
pub struct ScanRequest<'a> {
    /// What to scan.
    pub target: Target<'a>,
    /// What to look for.
    pub scanners: Scanners,
    /// Walk bounds, layer cache, secret rules.
    pub options: &'a ScanOptions,
    /// The vulnerability database; required when `scanners.vuln` is set.
    pub store: Option<&'a Store>,
    /// `--severity`, `--ignore-unfixed`, ignore files.
    pub policy: &'a Policy,
    /// Today, for ignore entries' expiry dates.
    pub today: Date,
    /// Treat database lookup errors as warnings instead of a failed scan.
    pub tolerate_db_errors: bool,
}

/// Packages that were not really checked for vulnerabilities, so "no vulnerabilities" says
/// nothing about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoverageGap {
    /// Packages were looked up in an ecosystem or OS release (`Debian:12`, `PyPI`) for which
    /// the database holds no records.
    NoRecords {
        /// The index key looked up.
        ecosystem: String,
    },
    /// OS packages of a distribution the matcher has no data source for.
    UnknownOs {
        /// The OS (`gentoo 2.15`).
        os: String,
        /// How many packages that leaves unchecked.
        packages: usize,
    },
}

impl CoverageGap {
    fn to_json(&self) -> Value {
        match self {
            Self::NoRecords { ecosystem } => json!({ "ecosystem": ecosystem }),
            Self::UnknownOs { os, packages } => json!({ "os": os, "packages": packages }),
        }
    }
}

impl std::fmt::Display for CoverageGap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoRecords { ecosystem } => write!(
                f,
                "the vulnerability database holds no records for {ecosystem}: its packages \
                 were not checked (run `bulwark db update`, or import data for it)"
            ),
            Self::UnknownOs { os, packages } => write!(
                f,
                "no vulnerability data source for {os}: its {packages} OS package(s) were not \
                 checked"
            ),
        }
    }
}

/// The typed outcome of a scan.
#[derive(Debug, Clone)]
pub struct ScanResult {
    /// What is in the target.
    pub inventory: Inventory,
    /// What finding locations are relative to (`None` for SBOM input: locations name the file).
    pub artifact: Option<Artifact>,
    /// Vulnerabilities the policy kept, typed (sorted by target, package, ID).
    pub vulnerabilities: Vec<Vulnerability>,
    /// Vulnerabilities an ignore entry suppressed, with its reason.
    pub suppressed_vulnerabilities: Vec<(Vulnerability, String)>,
    /// Secret and configuration findings the policy kept (locations relative to `artifact`).
    pub findings: Vec<Finding>,
    /// Secret and configuration findings an ignore entry suppressed.
    pub suppressed: Vec<Suppressed>,
    /// Detection diagnostics (packages checked, not checkable, lookup errors), when the
    /// vulnerability scanner ran.
    pub detection: Option<DetectDiagnostics>,
    /// Ecosystems and OS releases the database has no records for.
    pub coverage: Vec<CoverageGap>,
    /// What the policy dropped or warned about.
    pub policy: PolicyOutcome,
    /// Ignore entries that matched nothing (worth a line on stderr).
    pub unused_ignore_entries: Vec<String>,
    /// What the scan could not see: any entry makes the run a runtime error.
    pub errors: Vec<String>,
    /// The database used: path and build time.
    pub database: Option<DatabaseInfo>,
    /// Layers traced to a Dockerfile (`--dockerfile`); see [`ScanResult::trace_to`].
    pub trace: Option<DockerfileTrace>,
    /// The rules used to redact secrets from every string a report carries.
    redactor: Arc<Scanner>,
}

/// Which database a scan used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseInfo {
    /// Its file.
    pub path: String,
    /// When it was built (seconds since the Unix epoch).
    pub built_at_unix: Option<u64>,
}

/// Runs one scan.
pub fn scan(req: &ScanRequest<'_>) -> Result<ScanResult, ScanError> {
    scan_with_progress(req, None)
}

/// [`scan`], reporting the layer walk and matching to `progress` (a terminal's progress bar).
pub fn scan_with_progress(
    req: &ScanRequest<'_>,
    progress: Option<crate::Progress<'_>>,
) -> Result<ScanResult, ScanError> {
    let redactor = match &req.options.secrets {
        Some(s) => Arc::clone(&s.scanner),
        None => Arc::new(Scanner::builtin().map_err(|e| ScanError::Rules(e.to_string()))?),
    };
    let (inventory, artifact, config_findings) = match req.target {
        Target::Image(image) => {
            let inv = crate::scan_image_with_progress(image, req.options, progress)?;
            refuse_unsafe_entries(&inv)?;
            // Secrets in Env, labels and history belong to the secret scanner; the other
            // image checks to the configuration scanner.
            let config = if req.scanners.config || req.scanners.secret {
                crate::checks::check_image(image, &inv, &redactor)
                    .into_iter()
                    .filter(|f| match f.category {
                        Category::Secret => req.scanners.secret,
                        _ => req.scanners.config,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let artifact = Artifact {
                kind: ArtifactKind::Image,
                name: inv.subject.name.clone(),
            };
            (inv, Some(artifact), config)
        }
        Target::Directory { path, mode } => {
            let inv = crate::scan_dir(path, mode, req.options)?;
            // One file (`bulwark fs poetry.lock`) is found in its directory: locations name the
            // file relative to it, as for a scan of that directory.
            let name = if path.is_file() {
                path.parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map_or_else(|| ".".to_owned(), |p| p.display().to_string())
            } else {
                inv.subject.name.clone()
            };
            let artifact = Artifact {
                kind: ArtifactKind::Directory,
                name,
            };
            (inv, Some(artifact), Vec::new())
        }
        Target::Packages { name, os, packages } => (
            Inventory {
                subject: Subject {
                    name: name.to_owned(),
                    kind: SubjectKind::Directory,
                    digest: None,
                    config_digest: None,
                },
                os: os.cloned(),
                packages: packages.to_vec(),
                layers: Vec::new(),
                config: None,
                reports: Vec::new(),
                merged: MergedFs::default(),
                errors: Vec::new(),
                lock_file_errors: Vec::new(),
                secrets: Vec::new(),
            },
            None,
            Vec::new(),
        ),
    };
    let mut result = ScanResult {
        artifact,
        vulnerabilities: Vec::new(),
        suppressed_vulnerabilities: Vec::new(),
        findings: Vec::new(),
        suppressed: Vec::new(),
        detection: None,
        coverage: Vec::new(),
        policy: PolicyOutcome::default(),
        unused_ignore_entries: Vec::new(),
        errors: Vec::new(),
        database: None,
        trace: None,
        redactor,
        inventory,
    };
    if req.scanners.vuln {
        let store = req.store.ok_or(ScanError::NoDatabase)?;
        if let Some(p) = progress {
            p(crate::ScanEvent::Matching {
                packages: result.inventory.packages.len(),
            });
        }
        result.detect(store, req);
    }
    let mut other: Vec<Finding> = Vec::new();
    if req.scanners.secret {
        other.extend(result.inventory.secrets.iter().cloned());
    }
    other.extend(config_findings);
    // An unreadable lock file blinds the vulnerability scanner only: a secret or
    // configuration scan reports nothing about it (the inventory still lists the error).
    if req.scanners.vuln {
        other.extend(
            result
                .inventory
                .lock_file_errors
                .iter()
                .map(|(path, error)| lock_file_finding(path, error)),
        );
    }
    for mut f in other {
        if let Some(a) = &result.artifact {
            anchor(&mut f.location, a);
        }
        match req
            .policy
            .verdict(&PolicySubject::of(&f), req.today, &mut result.policy)
        {
            Verdict::Keep => result.findings.push(f),
            Verdict::Drop => {}
            Verdict::Suppress(reason) => result.suppressed.push(Suppressed { finding: f, reason }),
        }
    }
    result.unused_ignore_entries = result.policy.unused_entries(&req.policy.ignore);
    Ok(result)
}

/// The input error of a lock file that could not be parsed: its dependencies were not
/// scanned, so the scan cannot pass (`--severity` does not hide it).
fn lock_file_finding(path: &str, error: &str) -> Finding {
    let error = error.split_whitespace().collect::<Vec<_>>().join(" ");
    Finding::new(
        crate::LOCK_FILE_PARSE,
        Severity::High,
        Category::InputError,
        format!(
            "lock file could not be parsed, its dependencies were not scanned ({error}); fix or \
             regenerate it, or leave it out of the scanned directory"
        ),
        Location::file(path.trim_start_matches('/')),
    )
}

/// Registry entry of [`crate::LOCK_FILE_PARSE`] (SARIF rules, docs).
#[must_use]
pub fn lock_file_rule() -> RuleInfo {
    RuleInfo {
        code: crate::LOCK_FILE_PARSE.to_string(),
        name: Some("lock-file-unparseable".to_string()),
        summary: "A lock file could not be parsed; the dependencies it declares were not scanned."
            .to_string(),
        help_markdown: String::new(),
        default_severity: Severity::High,
        help_uri: None,
    }
}

impl ScanResult {
    /// Traces the image's layers to the Dockerfile at `path`: from then on every finding
    /// with a layer (vulnerabilities, secrets, file checks) or a history step (configuration
    /// checks) carries the Dockerfile line, instruction and a fix hint, and its
    /// [`Finding::origin`] is that line. Returns the trace's warnings (layers it could not
    /// trace). A scan of a directory or an SBOM has no layers: nothing is traced.
    pub fn trace_to(&mut self, path: &Path) -> Result<Vec<String>, TraceError> {
        let Some(config) = &self.inventory.config else {
            return Ok(vec![format!(
                "--dockerfile {} is ignored: {} is not an image",
                path.display(),
                self.inventory.subject.name
            )]);
        };
        let digests: Vec<String> = self
            .inventory
            .layers
            .iter()
            .map(|l| l.digest.clone())
            .collect();
        let trace = DockerfileTrace::load(path, &config.history, &digests)?;
        let warnings = trace.warnings.clone();
        for f in &mut self.findings {
            trace.annotate(f);
        }
        for s in &mut self.suppressed {
            trace.annotate(&mut s.finding);
        }
        self.trace = Some(trace);
        Ok(warnings)
    }

    fn detect(&mut self, store: &Store, req: &ScanRequest<'_>) {
        let inv = &self.inventory;
        let detection = detect_packages(
            &inv.subject.name,
            inv.os.as_ref(),
            &inv.packages,
            store,
            &DetectOptions::default(),
        );
        for key in &detection.ecosystem_keys {
            match store.has_records_for(key) {
                Ok(true) => {}
                Ok(false) => self.coverage.push(CoverageGap::NoRecords {
                    ecosystem: key.clone(),
                }),
                Err(e) => self.errors.push(format!(
                    "vulnerability database {}: {e}",
                    store.path().display()
                )),
            }
        }
        if let Some(os) = &inv.os {
            let unchecked = inv
                .packages
                .iter()
                .filter(|p| p.kind.is_os() && crate::detect::distro_ecosystem(p.kind, os).is_none())
                .count();
            if unchecked > 0 {
                self.coverage.push(CoverageGap::UnknownOs {
                    os: format!("{} {}", os.id, os.version_id.as_deref().unwrap_or(""))
                        .trim()
                        .to_owned(),
                    packages: unchecked,
                });
            }
        }
        if !req.tolerate_db_errors {
            for e in &detection.diagnostics.errors {
                self.errors.push(format!(
                    "vulnerability lookup failed for {e} (database {}; rebuild it with \
                     `bulwark db update` or `bulwark db import`)",
                    store.path().display()
                ));
            }
        }
        for v in detection.vulnerabilities {
            let Some(pkg) = self.inventory.packages.get(v.package) else {
                continue;
            };
            let subject = PolicySubject {
                code: &v.matched.id,
                aliases: v.matched.aliases.iter().map(String::as_str).collect(),
                severity: Some(v.severity()),
                category: Some(Category::Vulnerability),
                unfixed: Some(v.is_unfixed()),
                paths: vec![pkg.location.path.as_str(), v.target.as_str()],
                purl: Some(pkg.purl.as_str()),
            };
            match req.policy.verdict(&subject, req.today, &mut self.policy) {
                Verdict::Keep => self.vulnerabilities.push(v),
                Verdict::Drop => {}
                Verdict::Suppress(reason) => self.suppressed_vulnerabilities.push((v, reason)),
            }
        }
        self.database = Some(DatabaseInfo {
            path: store.path().display().to_string(),
            built_at_unix: store.metadata().ok().map(|m| m.built_at_unix),
        });
        self.detection = Some(detection.diagnostics);
    }

    /// The location of a vulnerability finding: the file that recorded the package, inside the
    /// scanned artifact (`var/lib/dpkg/status`, `app/package-lock.json`), or the SBOM file.
    fn vulnerability_location(&self, pkg: &Package) -> Location {
        match &self.artifact {
            Some(a) => {
                let mut loc = Location::file(crate::evidence_file(&pkg.location.path));
                anchor(&mut loc, a);
                loc
            }
            None => Location::file(self.inventory.subject.name.clone()),
        }
    }

    /// The vulnerabilities the policy kept, as findings located in the artifact (what the
    /// JSON report lists under `findings` for the vulnerability scanner), redacted.
    #[must_use]
    pub fn vulnerability_findings(&self) -> Vec<Finding> {
        self.vulnerabilities
            .iter()
            .filter_map(|v| self.vulnerability_finding(v))
            .collect()
    }

    fn vulnerability_finding(&self, v: &Vulnerability) -> Option<Finding> {
        let pkg = self.inventory.packages.get(v.package)?;
        let mut f = v.to_finding(pkg, self.vulnerability_location(pkg));
        if let Some(t) = &self.trace {
            t.annotate(&mut f);
        }
        Some(f)
    }

    /// The report of this scan: findings of every kind, suppressed findings with reasons, rule
    /// metadata, metadata about the target and the database, and the errors. Every string in it
    /// is passed through the secret rules' redaction, so no output format prints a secret.
    /// `list_packages` adds the whole inventory to the metadata.
    #[must_use]
    pub fn report(&self, list_packages: bool) -> Report {
        let mut report = Report::default();
        let mut rules: Vec<RuleInfo> = Vec::new();
        for v in &self.vulnerabilities {
            if let Some(f) = self.vulnerability_finding(v) {
                report.findings.push(f);
                rules.push(v.rule_info());
            }
        }
        for (v, reason) in &self.suppressed_vulnerabilities {
            if let Some(f) = self.vulnerability_finding(v) {
                report.suppressed.push(Suppressed {
                    finding: f,
                    reason: reason.clone(),
                });
                rules.push(v.rule_info());
            }
        }
        report.findings.extend(self.findings.iter().cloned());
        report.suppressed.extend(self.suppressed.iter().cloned());
        let codes: std::collections::BTreeSet<String> = report
            .findings
            .iter()
            .chain(report.suppressed.iter().map(|s| &s.finding))
            .map(|f| f.code.clone())
            .collect();
        for info in rules
            .into_iter()
            .chain(self.redactor.rule_infos())
            .chain(crate::checks::rule_infos())
            .chain(std::iter::once(lock_file_rule()))
        {
            if codes.contains(&info.code) {
                report.add_rule(info);
            }
        }
        report.metadata = self.metadata(list_packages);
        report.errors.clone_from(&self.errors);
        redact_report(&mut report, &self.redactor);
        report.sort();
        report
    }

    fn metadata(&self, list_packages: bool) -> std::collections::BTreeMap<String, Value> {
        let inv = &self.inventory;
        let mut m = std::collections::BTreeMap::new();
        m.insert(
            "artifact".into(),
            json!({
                "name": inv.subject.name,
                "type": match (&self.artifact, inv.subject.kind) {
                    (None, _) => "sbom",
                    (Some(_), SubjectKind::Image) => "container_image",
                    (Some(_), SubjectKind::Directory) => "filesystem",
                },
                "digest": inv.subject.digest,
                "config_digest": inv.subject.config_digest,
            }),
        );
        m.insert("os".into(), json!(inv.os));
        if !inv.layers.is_empty() {
            let mut layers = json!(inv.layers);
            if let (Some(t), Some(list)) = (&self.trace, layers.as_array_mut()) {
                for (l, step) in list.iter_mut().zip(&t.layers) {
                    if let (Some(obj), Some(step)) = (l.as_object_mut(), step) {
                        obj.insert("dockerfile".into(), json!(step));
                    }
                }
            }
            m.insert("layers".into(), layers);
        }
        if let Some(t) = &self.trace {
            m.insert(
                "dockerfile".into(),
                json!({ "path": t.path, "stage": t.stage, "warnings": t.warnings }),
            );
        }
        m.insert("package_count".into(), json!(inv.packages.len()));
        if list_packages {
            m.insert("packages".into(), json!(inv.packages));
        }
        if !inv.errors.is_empty() {
            m.insert("analysis_errors".into(), json!(inv.errors));
        }
        if let (Some(db), Some(d)) = (&self.database, &self.detection) {
            m.insert(
                "vulnerability_db".into(),
                json!({
                    "path": db.path,
                    "built_at_unix": db.built_at_unix,
                    "packages_checked": d.packages_checked,
                    "skipped_os_owned": d.skipped_os_owned,
                    "not_checked": d.unsupported,
                    "git_ranges_skipped": d.git_ranges_skipped,
                    "lookup_errors": d.errors,
                    "not_covered": self.coverage.iter().map(CoverageGap::to_json).collect::<Vec<_>>(),
                }),
            );
        }
        m.insert(
            "policy".into(),
            json!({
                "dropped_by_severity": self.policy.dropped_severity,
                "dropped_unknown_severity": self.policy.dropped_unknown,
                "dropped_unfixed": self.policy.dropped_unfixed,
                "unused_ignore_entries": self.unused_ignore_entries,
            }),
        );
        m
    }

    /// The kept vulnerabilities grouped by ID as CycloneDX `vulnerabilities[]` entries, each
    /// affecting the inventory packages it was found in.
    #[must_use]
    pub fn sbom_vulnerabilities(&self) -> Vec<SbomVulnerability<'_>> {
        let mut by_id: std::collections::BTreeMap<&str, SbomVulnerability<'_>> =
            std::collections::BTreeMap::new();
        for v in &self.vulnerabilities {
            let Some(pkg) = self.inventory.packages.get(v.package) else {
                continue;
            };
            let m = &v.matched;
            let (rating_source, cvss_vector, cvss_score) = crate::detect::rating(m);
            let entry = by_id
                .entry(m.id.as_str())
                .or_insert_with(|| SbomVulnerability {
                    id: m.id.clone(),
                    aliases: m.aliases.clone(),
                    url: m.url.clone(),
                    description: if m.summary.is_empty() {
                        format!("{} {} is affected by {}", pkg.name, pkg.version, m.id)
                    } else {
                        m.summary.clone()
                    },
                    severity: v.severity().as_str().to_owned(),
                    rating_source,
                    cvss_vector,
                    cvss_score,
                    fixed_versions: Vec::new(),
                    affects: Vec::new(),
                });
            for fixed in &m.fixed_versions {
                if !entry.fixed_versions.contains(fixed) {
                    entry.fixed_versions.push(fixed.clone());
                }
            }
            entry.affects.push(pkg);
        }
        by_id.into_values().collect()
    }
}

/// Makes `loc` relative to the scanned artifact: in-image paths lose their leading `/`, paths
/// under a scanned directory lose the directory, the artifact's own name becomes the empty path.
fn anchor(loc: &mut Location, artifact: &Artifact) {
    if loc.artifact.is_some() {
        return;
    }
    let path = std::mem::take(&mut loc.path);
    let rel = if path == artifact.name {
        String::new()
    } else {
        let under = match artifact.kind {
            ArtifactKind::Directory => {
                let dir = format!("{}/", artifact.name.trim_end_matches('/'));
                path.strip_prefix(&dir).unwrap_or(&path).to_owned()
            }
            ArtifactKind::Image => path,
        };
        under.trim_start_matches('/').to_owned()
    };
    loc.path = rel;
    loc.artifact = Some(artifact.clone());
}

/// An image whose layer tars hold `..` paths was not written by a container builder (Docker
/// refuses to load such layers); its inventory would silently differ from what any runtime
/// unpacks, so the scan fails naming the first such entry.
fn refuse_unsafe_entries(inv: &Inventory) -> Result<(), ScanError> {
    for (report, layer) in inv.reports.iter().zip(&inv.layers) {
        if let Some(s) = report.suspicious_paths.first() {
            return Err(ScanError::UnsafeEntry {
                image: inv.subject.name.clone(),
                layer: layer.index,
                digest: layer.digest.clone(),
                entry: s.raw.clone(),
                reason: s.reason.clone(),
                more: report.suspicious_paths.len() - 1,
            });
        }
    }
    Ok(())
}

/// Runs every string of `report` through the secret rules' redaction: messages, help texts,
/// properties, metadata (history steps, labels, environment) and errors.
pub fn redact_report(report: &mut Report, scanner: &Scanner) {
    let redact_string = |s: &mut String| {
        if let std::borrow::Cow::Owned(r) = scanner.redact(s) {
            *s = r;
        }
    };
    fn walk(v: &mut Value, f: &dyn Fn(&mut String)) {
        match v {
            Value::String(s) => f(s),
            Value::Array(a) => a.iter_mut().for_each(|x| walk(x, f)),
            Value::Object(o) => o.values_mut().for_each(|x| walk(x, f)),
            _ => {}
        }
    }
    let findings = report
        .findings
        .iter_mut()
        .chain(report.suppressed.iter_mut().map(|s| &mut s.finding));
    for f in findings {
        redact_string(&mut f.message);
        if let Some(h) = &mut f.help {
            redact_string(h);
        }
        for v in f.properties.values_mut() {
            walk(v, &redact_string);
        }
    }
    for v in report.metadata.values_mut() {
        walk(v, &redact_string);
    }
    report.errors.iter_mut().for_each(redact_string);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchored(path: &str, kind: ArtifactKind, name: &str) -> String {
        let mut loc = Location::file(path);
        anchor(
            &mut loc,
            &Artifact {
                kind,
                name: name.to_owned(),
            },
        );
        loc.path
    }

    #[test]
    fn locations_become_relative_to_the_artifact() {
        use ArtifactKind::{Directory, Image};
        assert_eq!(anchored("/usr/lib/x.so", Image, "app:1"), "usr/lib/x.so");
        assert_eq!(anchored("app:1", Image, "app:1"), "");
        assert_eq!(
            anchored("src/app/poetry.lock", Directory, "src/app"),
            "poetry.lock"
        );
        assert_eq!(anchored("/poetry.lock", Directory, "."), "poetry.lock");
    }
}
