use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// When `trustedRegistries` is configured, checks that every image a build pulls comes from
    /// one of them: `FROM` images, `COPY --from=<image>` and the `from=` image of `RUN` cache and
    /// bind mounts (earlier stage names are fine). Docker Hub images count as `docker.io` (or
    /// `hub.docker.com`); entries may use `*` as a prefix or suffix (`*.gcr.io`, `quay.*`) or
    /// alone.
    ///
    /// ## Why is this bad?
    /// Pulling base images from arbitrary registries bypasses the organisation's vetting and
    /// scanning.
    ///
    /// ## Example
    /// ```dockerfile
    /// # trustedRegistries: [my-registry.example.com]
    /// FROM quay.io/someone/image:1.0
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// FROM my-registry.example.com/base/image:1.0
    /// ```
    Dl3026 {
        code: "DL3026",
        name: "trusted-registry",
        level: Error,
        message: "Use only an allowed registry in the FROM image",
    }
}

use std::collections::{BTreeSet, HashSet};

/// Hadolint's `matchRegistry`: `*` alone matches everything, `*.corp` any registry ending in
/// `.corp`, `corp.*` any starting with `corp.`; otherwise an exact match.
fn matches(allow: &str, registry: &str) -> bool {
    if allow == "*" {
        true
    } else if let Some(suffix) = allow.strip_prefix('*') {
        registry.ends_with(suffix)
    } else if let Some(prefix) = allow.strip_suffix('*') {
        registry.starts_with(prefix)
    } else {
        registry == allow
    }
}

/// The image of a `COPY --from=` or a mount's `from=` as Hadolint reads it (language-docker's
/// `IsString Image`): a registry only when the text has a `/` and the part before the first
/// `/` contains a `.`.
fn image_of_text(text: &str) -> (Option<&str>, &str) {
    match text.split_once('/') {
        Some((first, rest)) if first.contains('.') => (Some(first), rest),
        _ => (None, text),
    }
}

/// Hadolint's `doCheck`: a stage name defined earlier, or an allowed registry (an image
/// without a registry is Docker Hub's, allowed when `docker.io` or `hub.docker.com` is; and
/// `scratch` is always allowed).
fn allowed_image(
    allowed: &BTreeSet<String>,
    aliases: &HashSet<String>,
    registry: Option<&str>,
    name: &str,
) -> bool {
    let ok = |r: &str| allowed.iter().any(|a| matches(a, r));
    aliases.contains(name)
        || match registry {
            Some(r) => ok(r),
            None => name == "scratch" || ok("docker.io") || ok("hub.docker.com"),
        }
}

impl Rule for Dl3026 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Violation>) {
        let allowed = &cx.config.trusted_registries;
        if allowed.is_empty() {
            return;
        }
        let mut aliases: HashSet<String> = HashSet::new();
        for v in &cx.instrs {
            let ok = match &v.ins.kind {
                Kind::From(f) => {
                    let img = f.hadolint_image();
                    let ok = allowed_image(allowed, &aliases, img.registry.as_deref(), &img.name);
                    aliases.extend(f.alias.clone());
                    ok
                }
                Kind::Copy(c) => c.from.as_deref().is_none_or(|src| {
                    let (registry, name) = image_of_text(src);
                    allowed_image(allowed, &aliases, registry, name)
                }),
                // Cache and bind mounts may read from an image (`from=`, `scratch` when absent).
                Kind::Run(run) => run.mounts.iter().all(|m| {
                    if !matches!(m.kind.as_str(), "cache" | "bind") {
                        return true;
                    }
                    let from = m
                        .options
                        .iter()
                        .find(|(k, _)| k == "from")
                        .map_or("scratch", |(_, v)| v.as_str());
                    let from = from
                        .strip_prefix('"')
                        .and_then(|f| f.strip_suffix('"'))
                        .unwrap_or(from);
                    let (registry, name) = image_of_text(from);
                    allowed_image(allowed, &aliases, registry, name)
                }),
                _ => true,
            };
            if !ok {
                out.push(Violation::at(&Self::META, v.ins));
            }
        }
    }
}
