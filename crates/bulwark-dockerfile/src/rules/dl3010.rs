use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a local archive that is `COPY`-ed into the image and then extracted with
    /// `tar`/`unzip`/`gunzip`... in a later `RUN` of the same stage.
    ///
    /// ## Why is this bad?
    /// `ADD` extracts local tar archives itself; copying and extracting in two steps keeps the
    /// archive in a layer and costs an extra layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY app.tar.gz /tmp/
    /// RUN tar -xzf /tmp/app.tar.gz -C /opt
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// ADD app.tar.gz /opt/
    /// ```
    Dl3010 {
        code: "DL3010",
        name: "add-for-archives",
        level: Info,
        message: "Use `ADD` for extracting archives into an image",
    }
}

fn basename(p: &str) -> &str {
    let p = drop_quotes(p);
    p.rsplit(['/', '\\']).next().unwrap_or(p)
}

fn is_archive(p: &str) -> bool {
    let p = drop_quotes(p);
    ARCHIVE_EXTENSIONS.iter().any(|e| p.ends_with(e))
}

fn extracts(c: &Command) -> bool {
    let tar = c.name == "tar"
        && c.arguments.iter().any(|a| {
            a.arg == "--extract" || a.arg == "--get" || (a.arg.starts_with('-') && a.arg.contains('x'))
        });
    let unzip = matches!(
        c.name.as_str(),
        "unzip" | "gunzip" | "bunzip2" | "unlzma" | "unxz" | "zgz" | "uncompress" | "zcat" | "gzcat"
    );
    tar || unzip
}

impl Rule for Dl3010 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        // (line, archive basename)
        let mut archives: Option<Vec<(u32, String)>> = None;
        let mut extracted: Vec<(u32, String)> = Vec::new();
        for v in &cx.instrs {
            match &v.ins.kind {
                Kind::From(_) => {
                    archives = None;
                    extracted.clear();
                }
                Kind::Copy(c) if c.from.is_none() => {
                    let list = archives.get_or_insert_with(Vec::new);
                    if is_archive(&c.dest) {
                        list.push((v.ins.line(), basename(&c.dest).to_string()));
                    } else {
                        for s in c.sources.iter().filter(|s| is_archive(basename(s))) {
                            list.push((v.ins.line(), basename(s).to_string()));
                        }
                    }
                }
                Kind::Run(_) => {
                    let (Some(list), Some(shell)) = (&archives, &v.shell) else {
                        continue;
                    };
                    for c in shell.commands.iter().filter(|c| extracts(c)) {
                        let names: Vec<&str> = c.args_no_flags().into_iter().map(basename).collect();
                        for a in list {
                            if names.contains(&a.1.as_str()) && !extracted.contains(a) {
                                extracted.push(a.clone());
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        // One finding per line, however many of its archives are extracted.
        let mut lines: Vec<u32> = extracted.iter().map(|(l, _)| *l).collect();
        lines.sort_unstable();
        lines.dedup();
        out.extend(lines.into_iter().map(|l| Violation::at_line(&Self::META, l)));
    }
}
