//! BWK009: secrets written literally into environment variables.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::Workload;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWK009",
    name: "secret-in-env",
    summary: "An environment variable with a secret-like name has a literal value.",
    severity: Severity::Error,
    doc: bulwark_report::rule_doc! {
        /// ## What
        /// Flags `env` entries whose name contains PASSWORD, PASSWD, SECRET, TOKEN, APIKEY, API_KEY, PRIVATE_KEY, ACCESS_KEY, CREDENTIAL or ends in _KEY and that set a non-empty literal `value`.
        ///
        /// ## Why
        /// Literal values live in the manifest: in Git, in CI logs, in `kubectl get -o yaml` output readable by anyone with read access to the workload.
        ///
        /// ## Example
        /// ```yaml
        /// env:
        /// - {name: DB_PASSWORD, value: hunter2}
        /// ```
        ///
        /// ## Fix
        /// ```yaml
        /// env:
        /// - name: DB_PASSWORD
        ///   valueFrom: {secretKeyRef: {name: db, key: password}}
        /// ```
    },
    run,
};

fn secret_like(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "APIKEY",
        "API_KEY",
        "PRIVATE_KEY",
        "ACCESS_KEY",
        "CREDENTIAL",
    ]
    .iter()
    .any(|k| n.contains(k))
        || n.ends_with("_KEY")
        || n == "KEY"
}

fn run(w: &Workload, e: &mut Emitter<'_>) {
    for c in &w.spec.containers {
        for env in &c.env {
            let Some(v) = &env.value else { continue };
            if secret_like(&env.name) && !v.value.is_empty() {
                e.emit(
                    v.pos,
                    Some(c),
                    format!(
                        "container {:?} sets secret-like variable {} to a literal value",
                        c.name, env.name
                    ),
                    "move the value into a Secret and use valueFrom.secretKeyRef",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::secret_like;

    #[test]
    fn names() {
        assert!(secret_like("DB_PASSWORD"));
        assert!(secret_like("github_token"));
        assert!(secret_like("AWS_SECRET_ACCESS_KEY"));
        assert!(secret_like("SIGNING_KEY"));
        assert!(!secret_like("KEYCLOAK_URL"));
        assert!(!secret_like("LOG_LEVEL"));
    }
}
