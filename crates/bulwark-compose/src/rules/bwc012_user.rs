//! BWC012: the container runs as root.

use bulwark_report::Severity;

use super::{Emitter, Rule};
use crate::model::{Origin, Service};

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWC012",
    name: "root-user",
    summary: "The container runs as root (or sets no user).",
    severity: Severity::Warning,
    cis: Some("4.1"),
    doc: "## What\nFlags `user: root`, `user: 0` or `0:…`, and Compose services that set no `user` (they run as the image's `USER`, root unless the image sets one). For a container, flags an effective user of root (an empty `Config.User`).\n\n## Why\nRoot in a container is root on the host's kernel: any escape, writable mount or added capability is then a host compromise. A non-root user is the single most effective default.\n\n## Example\n```yaml\nservices:\n  worker:\n    image: worker:5\n    user: root\n```\n\n## Fix\n```yaml\nservices:\n  worker:\n    image: worker:5\n    user: \"10001:10001\"\n```\n",
    run,
};

fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or("").trim();
    name.is_empty() || name == "root" || name == "0"
}

fn run(s: &Service, e: &mut Emitter<'_>) {
    match (&s.user, &s.origin) {
        (Some(u), _) if is_root(&u.value) => e.emit(
            &u.location,
            "user",
            format!("{} runs as root (user {:?})", s.describe(), u.value),
            "set user to a non-root UID:GID",
        ),
        (Some(_), _) => {}
        (None, Origin::Compose) => e.emit(
            &s.location,
            "user",
            format!(
                "{} sets no user: it runs as the image's USER, root unless the image sets one",
                s.describe()
            ),
            "set user to a non-root UID:GID",
        ),
        (None, Origin::Container { .. }) => e.emit(
            &s.location,
            "user",
            format!(
                "{} runs as root (no user set by the container or its image)",
                s.describe()
            ),
            "run it with --user UID:GID or set USER in the image",
        ),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn root_spellings() {
        for u in ["root", "0", "0:0", "root:staff", ""] {
            assert!(super::is_root(u), "{u}");
        }
        for u in ["1000", "app", "1000:0", "nobody"] {
            assert!(!super::is_root(u), "{u}");
        }
    }
}
