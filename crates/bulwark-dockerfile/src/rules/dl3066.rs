use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `USER` with a user name instead of a numeric UID.
    ///
    /// ## Why is this bad?
    /// Kubernetes `runAsNonRoot` and host tooling can only verify numeric IDs; a name must be
    /// resolved inside the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// USER app
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// USER 10001
    /// ```
    Dl3066 {
        code: "DL3066",
        name: "numeric-user",
        level: Info,
        message: "Non-numeric user-id may not be resolvable by host system",
    }
}

simple_rule!(Dl3066, |ins| match &ins.kind {
    Kind::User(u) => u.split(':').next().unwrap_or("").chars().all(|c| c.is_ascii_digit()),
    _ => true,
});
