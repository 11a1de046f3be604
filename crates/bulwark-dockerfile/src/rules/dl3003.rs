use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `cd` in `RUN` instructions.
    ///
    /// ## Why is this bad?
    /// `cd` only lasts for one `RUN`; the next instruction starts in the old directory again, which
    /// is easy to forget. `WORKDIR` changes the directory for every later instruction and creates
    /// it if needed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN cd /usr/src/app && git clone https://example.com/app.git .
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// WORKDIR /usr/src/app
    /// RUN git clone https://example.com/app.git .
    /// ```
    Dl3003 {
        code: "DL3003",
        name: "use-workdir",
        level: Warning,
        message: "Use WORKDIR to switch to a directory",
    }
}

// Top-level `RUN` only: Hadolint 2.15.1 does not check `ONBUILD RUN cd ...` (probed).
simple_run_rule!(Dl3003, Scope::TopLevel, |s| !s.using_program("cd"));
