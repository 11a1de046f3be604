//! Compose files for Bulwark: the Compose Specification model (`services`, `x-` extensions,
//! YAML anchors and merge keys, `extends`, profiles, variable interpolation with defaults,
//! several files merged in order as `docker compose -f a.yml -f b.yml` does) normalized into a
//! [`model::Service`] with the source position of every setting, and the container runtime
//! rules (`BWC…`, [`rules::RULES`]) that `bulwark-docker` runs on containers too.
//!
//! ```
//! use bulwark_compose::{Input, Options, check_inputs};
//!
//! let yaml = b"services:\n  web:\n    image: nginx:1.27\n    privileged: true\n";
//! let input = Input { display: "compose.yaml".into(), bytes: yaml.to_vec(), dir: ".".into() };
//! let result = check_inputs(&[input], &Options::default());
//! let f = result.findings.iter().find(|f| f.code == "BWC001").unwrap();
//! assert_eq!((f.location.line, f.location.column), (Some(4), Some(17)));
//! ```
//!
//! Every finding carries the properties `setting` (the Compose key), `service` (or
//! `container`), `profiles` when the service has some, and `cis` (CIS Docker Benchmark v1.6.0
//! check number) when the rule maps to one.

pub mod interpolate;
pub mod load;
pub mod model;
pub mod rules;
pub mod tree;

use std::path::Path;

use bulwark_report::{Finding, Report, RuleInfo, Severity};
use bulwark_secrets::Scanner;

pub use load::{CODE_INVALID, CODE_PARSE, Input, LoadOptions, Project, load};
pub use model::{Service, from_compose};

/// How to check.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Loading (environment, env file, limits).
    pub load: LoadOptions,
    /// Enabled profiles (`--profile`, `COMPOSE_PROFILES`): `None` checks every service
    /// (profiles or not); `Some` checks what `docker compose up` would start with those
    /// profiles (`*` enables all).
    pub profiles: Option<Vec<String>>,
    /// Skip the secret scanner (BWC020).
    pub no_secrets: bool,
}

/// The outcome of checking a project.
#[derive(Debug, Clone, Default)]
pub struct CheckResult {
    /// Findings (input problems included), sorted by position.
    pub findings: Vec<Finding>,
    /// Every file read.
    pub files: Vec<String>,
    /// Services checked.
    pub services_checked: usize,
    /// Services left out because none of their profiles is enabled.
    pub services_inactive: Vec<String>,
    /// Variables used without a value.
    pub unset_variables: Vec<String>,
}

impl CheckResult {
    /// The report of this check: its findings, the rules they come from, and the files read
    /// and services checked as metadata.
    #[must_use]
    pub fn into_report(self) -> Report {
        let mut report = Report {
            findings: self.findings,
            ..Report::default()
        };
        report
            .metadata
            .insert("files".into(), serde_json::json!(self.files));
        report.metadata.insert(
            "services_checked".into(),
            serde_json::json!(self.services_checked),
        );
        report.add_rules_used(rules());
        report
    }
}

/// The file names `docker compose` looks for when none is named, in its order.
pub const DEFAULT_FILES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// The files `docker compose` reads when none is named: the `COMPOSE_FILE` list (split at
/// `COMPOSE_PATH_SEPARATOR`, default `:`) when set, else the first of [`DEFAULT_FILES`] in
/// `dir` and its `.override` file. Names are joined to `dir` (an empty `dir`: the current
/// directory, names as they are). Empty when there is none.
#[must_use]
pub fn default_files(
    dir: &Path,
    compose_file: Option<&str>,
    path_separator: Option<&str>,
) -> Vec<String> {
    if let Some(list) = compose_file.filter(|l| !l.is_empty()) {
        return list
            .split(path_separator.unwrap_or(":"))
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
    }
    let at = |name: &str| dir.join(name).display().to_string();
    let Some(main) = DEFAULT_FILES.iter().find(|f| dir.join(f).is_file()) else {
        return Vec::new();
    };
    let mut files = vec![at(main)];
    let stem = main.rsplit_once('.').map_or(*main, |(s, _)| s);
    for ext in ["yaml", "yml"] {
        let o = format!("{stem}.override.{ext}");
        if dir.join(&o).is_file() {
            files.push(at(&o));
            break;
        }
    }
    files
}

/// True when `docker compose` would start `s` with `enabled` profiles.
#[must_use]
pub fn is_active(s: &Service, enabled: &[String]) -> bool {
    s.profiles.is_empty()
        || enabled
            .iter()
            .any(|p| p == "*" || s.profiles.iter().any(|q| q == p))
}

/// Loads `inputs` as one project (merged in order) and checks every service.
#[must_use]
pub fn check_inputs(inputs: &[Input], opts: &Options) -> CheckResult {
    let project = load(inputs, &opts.load);
    let mut result = CheckResult {
        files: project.files.clone(),
        unset_variables: project.unset_variables.clone(),
        findings: project.problems.clone(),
        ..CheckResult::default()
    };
    let services: Vec<Service> = project
        .services
        .iter()
        .map(|s| from_compose(&project.files, s))
        .collect();
    let (active, inactive): (Vec<Service>, Vec<Service>) = match &opts.profiles {
        None => (services, Vec::new()),
        Some(enabled) => services.into_iter().partition(|s| is_active(s, enabled)),
    };
    result.services_inactive = inactive.into_iter().map(|s| s.name).collect();
    result.services_checked = active.len();
    let scanner = if opts.no_secrets {
        None
    } else {
        builtin_scanner()
    };
    result.findings.extend(check_services(&active, scanner));
    result
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    result
}

/// The built-in secret scanner, compiled once per process (its rule set is fixed).
#[must_use]
pub fn builtin_scanner() -> Option<&'static Scanner> {
    static SCANNER: std::sync::OnceLock<Option<Scanner>> = std::sync::OnceLock::new();
    SCANNER.get_or_init(|| Scanner::builtin().ok()).as_ref()
}

/// Runs every `BWC` rule on each service.
#[must_use]
pub fn check_services(services: &[Service], secrets: Option<&Scanner>) -> Vec<Finding> {
    let ctx = rules::Context { secrets };
    services
        .iter()
        .flat_map(|s| rules::check_service(s, &ctx))
        .collect()
}

/// Every code this crate reports: the `BWC` rules and the input codes.
pub fn rules() -> impl Iterator<Item = RuleInfo> {
    let input = [
        (
            CODE_PARSE,
            "compose-parse-error",
            "The Compose file is not valid YAML or exceeds a reader limit.",
        ),
        (
            CODE_INVALID,
            "compose-invalid",
            "The Compose file cannot be loaded: bad interpolation, wrong structure or an unresolvable extends.",
        ),
    ]
    .into_iter()
    .map(|(code, name, summary)| RuleInfo {
        code: code.to_string(),
        name: Some(name.to_string()),
        summary: summary.to_string(),
        help_markdown: String::new(),
        default_severity: Severity::Error,
        help_uri: Some(bulwark_report::rule_docs_url(code)),
    });
    rules::rules().chain(input)
}
