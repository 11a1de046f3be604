//! BWC020: a secret written into `environment`.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::model::Service;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC020",
    name: "secret-in-environment",
    summary: "An environment variable holds a literal secret.",
    severity: Severity::Error,
    cis: None,
    doc: "## What\nRuns Bulwark's secret scanner over every `environment` entry (the same rules and heuristics that check image `ENV`, Dockerfile `ARG`/`ENV` and Kubernetes `env`): known token formats (cloud keys, GitHub/GitLab/Slack tokens, private keys, URLs with passwords) anywhere, and credential-like names (`*_PASSWORD`, `*_TOKEN`, `*_SECRET`, `*_API_KEY`) with a literal, non-placeholder value. The finding shows the secret masked, never in full.\n\n## Why\nCompose files live in Git; container environments are shown by `docker inspect` to anyone with access to the engine, and are inherited by every child process and crash report.\n\n## Example\n```yaml\nservices:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: Xk9#mQ2v!pL7\n```\n\n## Fix\n```yaml\nservices:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n    secrets: [db_password]\nsecrets:\n  db_password:\n    file: ./db_password.txt\n```\nOr leave the value to the shell: `POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?}` with the variable set at deploy time. (CIS Docker Benchmark 4.10 asks the same of Dockerfiles.)\n",
    run,
};

fn run(s: &Service, e: &mut Emitter<'_>) {
    let Some(scanner) = e.secrets() else { return };
    let mut found = Vec::new();
    for var in &s.environment {
        let Some(value) = var.value.as_deref() else {
            continue;
        };
        for f in scanner.scan_assignment(&var.name, value, &var.location) {
            found.push((var.name.clone(), var.location.clone(), f));
        }
    }
    for (name, location, f) in found {
        e.emit(
            &location,
            "environment",
            format!(
                "{} environment variable {name} holds a secret ({}): {}",
                s.describe(),
                f.title,
                f.redacted
            ),
            "move the value into a Compose/Docker secret (or a *_FILE variable) and rotate it",
        );
    }
}
