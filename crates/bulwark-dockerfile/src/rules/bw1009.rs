use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a final stage built on a full OS or SDK image (`ubuntu`, `debian`, `centos`, `fedora`,
    /// non-slim `node`/`python`/`ruby`/`php`, `golang`, `maven`, `gradle`, JDK images).
    ///
    /// ## Why is this bad?
    /// Every package in the base image is something to patch and something an attacker can use.
    /// Runtime images only need the runtime.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22
    /// COPY . .
    /// RUN go build -o /app .
    /// CMD ["/app"]
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// COPY . .
    /// RUN go build -o /app .
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /app /app
    /// CMD ["/app"]
    /// ```
    Bw1009 {
        code: "BW1009",
        name: "prefer-slim-base",
        level: Info,
        message: "The final stage uses a full distribution or SDK image; a slim, distroless or runtime-only base would reduce the attack surface",
    }
}

const FULL: &[&str] = &["ubuntu", "debian", "centos", "fedora", "rockylinux", "almalinux", "amazonlinux", "oraclelinux", "opensuse/leap", "archlinux"];
const SDK: &[&str] = &["golang", "maven", "gradle", "rust", "openjdk", "eclipse-temurin", "gcc", "buildpack-deps"];
const LANG: &[&str] = &["node", "python", "ruby", "php", "perl"];

fn heavy(name: &str, tag: &str) -> bool {
    let short = name.strip_prefix("library/").unwrap_or(name);
    let slim = ["slim", "alpine", "distroless", "minimal", "micro", "jre", "runtime"].iter().any(|s| tag.contains(s));
    if slim {
        return false;
    }
    FULL.contains(&short) || SDK.contains(&short) || LANG.contains(&short)
}

impl Rule for Bw1009 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        let Some(v) = cx.instrs.iter().rev().find(|v| matches!(v.ins.kind, Kind::From(_))) else { return };
        let Kind::From(f) = &v.ins.kind else { return };
        let img = f.resolved.as_ref().unwrap_or(&f.image);
        if img.registry.as_deref().is_none_or(|r| r == "docker.io") && heavy(&img.name, img.tag.as_deref().unwrap_or("")) {
            out.push(Violation::at_token(&Self::META, cx, v.ins, &f.image_text));
        }
    }
}
