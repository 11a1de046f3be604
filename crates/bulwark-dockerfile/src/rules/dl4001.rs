use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a stage that uses both `curl` and `wget`.
    ///
    /// ## Why is this bad?
    /// Installing two download tools doubles the attack surface and size for no benefit.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -o a https://x/a
    /// RUN wget https://x/b
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// RUN curl -o a https://x/a && curl -o b https://x/b
    /// ```
    Dl4001 {
        code: "DL4001",
        name: "curl-or-wget",
        level: Warning,
        message: "Either use Wget or Curl but not both",
    }
}

fn check_seq<'a>(
    seq: impl Iterator<Item = (&'a Instruction, &'a Instruction, Option<&'a ParsedShell>)>,
    out: &mut Vec<Violation>,
) {
    let (mut curl, mut wget) = (false, false);
    for (report, ins, shell) in seq {
        match (&ins.kind, shell) {
            (Kind::From(_), _) => (curl, wget) = (false, false),
            (Kind::Run(_), Some(s)) => {
                let c = s.using_program("curl");
                let w = s.using_program("wget");
                curl |= c;
                wget |= w;
                if (c || w) && curl && wget {
                    out.push(Violation::at(&Dl4001::META, report));
                }
            }
            _ => {}
        }
    }
}

impl Rule for Dl4001 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        check_seq(cx.top_sequence(), out);
        check_seq(cx.onbuild_sequence(), out);
    }
}
