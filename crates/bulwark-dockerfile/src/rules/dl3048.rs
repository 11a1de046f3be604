use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks `LABEL` keys: lower-case letters, digits, `.` and `-`, starting with a letter, ending
    /// with a letter or digit, no `..`/`--`, and not in the reserved `com.docker.`, `io.docker.`,
    /// `org.dockerproject.` namespaces.
    ///
    /// ## Why is this bad?
    /// Docker's label key conventions keep keys portable across tools that read them.
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL Maintainer=someone
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// LABEL org.opencontainers.image.authors=someone
    /// ```
    Dl3048 {
        code: "DL3048",
        name: "label-key-valid",
        level: Style,
        message: "Invalid label key.",
    }
}

fn invalid(key: &str) -> bool {
    let first_ok = key.starts_with(|c: char| c.is_ascii_lowercase());
    let last_ok = key.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit());
    !first_ok
        || !last_ok
        || key.chars().any(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_/".contains(c)))
        || ["com.docker.", "io.docker.", "org.dockerproject."].iter().any(|p| key.starts_with(p))
        || key.contains("..")
        || key.contains("--")
}

simple_rule!(Dl3048, |ins| match &ins.kind {
    Kind::Label(pairs) => !pairs.iter().any(|(k, _)| invalid(k)),
    _ => true,
});
