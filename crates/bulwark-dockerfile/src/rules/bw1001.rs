use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a Dockerfile whose final build stage never sets `USER` (the image then runs as the
    /// base image's user, which is root for almost every public base image).
    ///
    /// ## Why is this bad?
    /// A process running as root inside the container turns any code-execution bug into root in the
    /// container and widens the impact of a container escape; Kubernetes `runAsNonRoot` rejects
    /// such images.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY app /app
    /// CMD ["python", "/app/main.py"]
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN useradd -r -u 10001 app
    /// COPY app /app
    /// USER 10001
    /// CMD ["python", "/app/main.py"]
    /// ```
    Bw1001 {
        code: "BW1001",
        name: "final-stage-runs-as-root",
        level: Warning,
        message: "The final stage has no `USER` instruction, so the container runs as root",
    }
}

/// `scratch` has no users at all; `*:nonroot` tags (distroless and others) default to a
/// non-root user.
fn runs_as_non_root(f: &crate::ast::From) -> bool {
    let img = f.resolved.as_ref().unwrap_or(&f.image);
    img.name == "scratch" || img.tag.as_deref().is_some_and(|t| t.contains("nonroot"))
}

impl Rule for Bw1001 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        let mut last_from: Option<&Instruction> = None;
        let mut has_user = false;
        for v in &cx.instrs {
            match &v.ins.kind {
                Kind::From(_) => {
                    last_from = Some(v.ins);
                    has_user = false;
                }
                Kind::User(_) => has_user = true,
                _ => {}
            }
        }
        if let Some(from) = last_from
            && !has_user
            && !matches!(&from.kind, Kind::From(f) if runs_as_non_root(f))
        {
            let image = match &from.kind {
                Kind::From(f) => f.image_text.as_str(),
                _ => "",
            };
            out.push(Violation::at_token(&Self::META, cx, from, image));
        }
    }
}
