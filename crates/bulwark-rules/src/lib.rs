//! One registry of every rule Bulwark reports, whatever the family: Dockerfile lint (Hadolint's
//! `DL` codes and Bulwark's `BW`), Kubernetes (Pod Security Standards and `BWK` hardening),
//! image configuration (`BWI`), secrets (rule IDs such as `aws-access-key-id`), Compose (`BWC`)
//! and the Docker engine (`BWD`).
//!
//! Each family declares its rules next to their code (one file per rule, the doc comment is the
//! documentation); this crate only gathers them, so `bulwark rules` lists them all, `bulwark
//! rules CODE` documents any of them, and `docs/rules/<CODE>.md` is generated from the same
//! entries ([`page`], [`index`]; a test keeps the files in sync). A new rule needs no change here.

use std::fmt::Write as _;

use bulwark_report::RuleInfo;

/// The family a rule belongs to: which command reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// `bulwark dockerfile`.
    Dockerfile,
    /// `bulwark k8s`.
    Kubernetes,
    /// `bulwark image` with `--scanners config`.
    Image,
    /// The secret scanner of every scanning command.
    Secret,
    /// `bulwark compose`.
    Compose,
    /// `bulwark docker`.
    Docker,
}

impl Family {
    /// Every family, in listing order.
    pub const ALL: [Family; 6] = [
        Family::Dockerfile,
        Family::Kubernetes,
        Family::Image,
        Family::Secret,
        Family::Compose,
        Family::Docker,
    ];

    /// Short lowercase name (`dockerfile`, `k8s`, `image`, `secret`, `compose`, `docker`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Dockerfile => "dockerfile",
            Family::Kubernetes => "k8s",
            Family::Image => "image",
            Family::Secret => "secret",
            Family::Compose => "compose",
            Family::Docker => "docker",
        }
    }

    /// Heading used in the generated index.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Family::Dockerfile => "Dockerfile (`bulwark dockerfile`)",
            Family::Kubernetes => "Kubernetes (`bulwark k8s`)",
            Family::Image => "Image configuration (`bulwark image --scanners config`)",
            Family::Secret => "Secrets (`--scanners secret`, every scanning command)",
            Family::Compose => "Compose files (`bulwark compose`)",
            Family::Docker => "Docker engine (`bulwark docker`)",
        }
    }

    fn rules(self) -> Vec<RuleInfo> {
        match self {
            Family::Dockerfile => bulwark_dockerfile::rules().collect(),
            Family::Kubernetes => bulwark_k8s::rules().collect(),
            Family::Image => bulwark_scan::checks::rule_infos(),
            Family::Secret => {
                let mut v = bulwark_secrets::rules::builtin_rule_infos();
                v.push(bulwark_secrets::rules::secret_in_variable_info());
                v
            }
            Family::Compose => bulwark_compose::rules().collect(),
            Family::Docker => bulwark_docker::rules().collect(),
        }
    }
}

impl std::fmt::Display for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rule of the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its family.
    pub family: Family,
    /// Code, summary, documentation, default severity, help link.
    pub info: RuleInfo,
}

/// Every rule, family by family, each family in its own order.
#[must_use]
pub fn all() -> Vec<Entry> {
    Family::ALL
        .iter()
        .flat_map(|&family| {
            family
                .rules()
                .into_iter()
                .map(move |info| Entry { family, info })
        })
        .collect()
}

/// The rule with `code` (case-insensitive).
#[must_use]
pub fn find(code: &str) -> Option<Entry> {
    all()
        .into_iter()
        .find(|e| e.info.code.eq_ignore_ascii_case(code))
}

/// The file name of a rule's generated page: `<CODE>.md`.
#[must_use]
pub fn page_file_name(code: &str) -> String {
    format!("{code}.md")
}

/// The generated documentation page of one rule (`docs/rules/<CODE>.md`).
#[must_use]
pub fn page(entry: &Entry) -> String {
    let info = &entry.info;
    let mut out = String::new();
    let _ = writeln!(out, "# {}: {}\n", info.code, one_line(&info.summary));
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| Code | `{}` |", info.code);
    if let Some(name) = &info.name {
        let _ = writeln!(out, "| Name | `{name}` |");
    }
    let _ = writeln!(out, "| Family | {} |", entry.family.title());
    let _ = writeln!(
        out,
        "| Default severity | {} |",
        info.default_severity.as_str()
    );
    if let Some(uri) = info.help_uri.as_deref().filter(|u| !is_own_page(u)) {
        let _ = writeln!(out, "| Upstream documentation | <{uri}> |");
    }
    out.push('\n');
    let help = info.help_markdown.trim();
    if help.is_empty() {
        let _ = writeln!(out, "{}", info.summary.trim());
    } else {
        // Pages are standalone documents: the rule's own top-level headings move one level
        // down under the page title.
        for line in help.lines() {
            if line.starts_with('#') && !line.starts_with("##") {
                out.push('#');
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    let _ = writeln!(
        out,
        "\n---\nGenerated from the rule's source by `bulwark-rules`; `bulwark rules {}` prints \
         the same documentation.",
        info.code
    );
    out
}

/// The generated index of every rule (`docs/rules/README.md`).
#[must_use]
pub fn index(entries: &[Entry]) -> String {
    let mut out = String::from(
        "# Rules\n\nEvery rule Bulwark reports, generated from the rule registry (`bulwark-rules`); \
         `bulwark rules` lists the same, `bulwark rules CODE` prints one rule's page.\n",
    );
    for family in Family::ALL {
        let rules: Vec<&Entry> = entries.iter().filter(|e| e.family == family).collect();
        if rules.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n## {} — {} rules\n\n| Code | Severity | Summary |\n|---|---|---|",
            family.title(),
            rules.len()
        );
        for e in rules {
            let _ = writeln!(
                out,
                "| [{code}]({file}) | {sev} | {summary} |",
                code = e.info.code,
                file = page_file_name(&e.info.code),
                sev = e.info.default_severity.as_str(),
                summary = one_line(&e.info.summary).replace('|', "\\|"),
            );
        }
    }
    out
}

fn is_own_page(uri: &str) -> bool {
    uri.contains("/docs/rules/")
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
