use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `curl`/`wget` output piped into a shell or interpreter (`| sh`, `| bash`, `| python`),
    /// and `sh -c "$(curl ...)"` / `bash <(curl ...)`.
    ///
    /// ## Why is this bad?
    /// The build executes whatever the server returns at that moment, with no integrity check: a
    /// compromised or spoofed server gets code execution in your image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/install.sh | sh
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \
    ///  && echo "<sha256>  /tmp/install.sh" | sha256sum -c - \
    ///  && sh /tmp/install.sh
    /// ```
    Bw1004 {
        code: "BW1004",
        name: "curl-pipe-shell",
        level: Warning,
        message: "Remote script piped into a shell (`curl ... | sh`); download, verify a checksum or signature, then run it",
    }
}

const SHELLS: &[&str] = &["sh", "bash", "zsh", "ash", "dash", "ksh", "python", "python3", "perl", "ruby", "node", "php"];

fn downloader(c: &Command) -> bool {
    c.with_wrapped().iter().any(|w| matches!(w.basename(), "curl" | "wget"))
}

fn interpreter(c: &Command) -> bool {
    c.with_wrapped().iter().any(|w| SHELLS.contains(&w.basename()))
}

fn piped(s: &ParsedShell) -> bool {
    s.pipes.iter().any(|&p| {
        let before = s.commands.iter().filter(|c| c.offset < p).max_by_key(|c| c.offset);
        let after = s.commands.iter().filter(|c| c.offset > p).min_by_key(|c| c.offset);
        matches!((before, after), (Some(b), Some(a)) if downloader(b) && interpreter(a))
    })
}

fn substituted(s: &ParsedShell) -> bool {
    let text = s.original.as_str();
    ["$(curl", "$(wget", "<(curl", "<(wget", "`curl", "`wget"].iter().any(|m| text.contains(m))
        && s.commands.iter().any(interpreter)
}

impl Rule for Bw1004 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        cx.each_posix_run(Scope::WithOnbuild, |ins, s| {
            if piped(s) || substituted(s) {
                // Point at the downloader (`curl`/`wget`) when it is written literally.
                let downloader = s.find_map_unwrapped(|c| {
                    matches!(c.basename(), "curl" | "wget").then(|| c.name.clone())
                });
                out.push(Violation::at_token(&Self::META, cx, ins, downloader.as_deref().unwrap_or("")));
            }
        });
    }
}
