//! The checks `docker build` (BuildKit's Dockerfile frontend) makes on an instruction before
//! it runs anything: instruction flags, `RUN --network`/`--security`/`--mount` values,
//! `key=value` forms, argument counts, `EXPOSE` port specs and `FROM` image references and
//! stage names. A file that fails one of them cannot be built, so the parser reports it as a
//! syntax error (`DL1000`). Values with variables (`$X`) are not checked: they are only known
//! at build time.

use crate::ast::{Args, Flag, Kind, Mount, Port};

/// How BuildKit's `BFlags` declares a flag.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FlagType {
    /// `--name=value`, once.
    String,
    /// `--name=value`, repeatable.
    Strings,
    /// `--name`, `--name=true|false`, once.
    Bool,
}

fn flag_type(instruction: &str, name: &str) -> Option<FlagType> {
    use FlagType::{Bool, String, Strings};
    Some(match (instruction, name) {
        ("FROM", "platform") | ("RUN", "network" | "security") => String,
        ("RUN", "mount" | "device") | ("COPY" | "ADD", "exclude") => Strings,
        ("COPY", "from" | "chown" | "chmod") => String,
        ("COPY", "link" | "parents") => Bool,
        ("ADD", "chown" | "chmod" | "checksum") => String,
        ("ADD", "link" | "keep-git-dir" | "unpack") => Bool,
        ("HEALTHCHECK", "interval" | "timeout" | "start-period" | "start-interval" | "retries") => {
            String
        }
        _ => return None,
    })
}

/// BuildKit's `BFlags.Parse`: known flags only, no repeats (except repeatable ones), values
/// where a value is needed.
pub(crate) fn flags(instruction: &str, flags: &[Flag]) -> Result<(), String> {
    let mut seen: Vec<&str> = Vec::new();
    for f in flags {
        let Some(ty) = flag_type(instruction, &f.name) else {
            return Err(format!("{instruction}: unknown flag: --{}", f.name));
        };
        if ty != FlagType::Strings && seen.contains(&f.name.as_str()) {
            return Err(format!(
                "{instruction}: duplicate flag specified: --{}",
                f.name
            ));
        }
        seen.push(&f.name);
        match (ty, f.value.as_deref()) {
            (FlagType::Bool, Some(v))
                if !v.contains('$')
                    && !matches!(v.to_ascii_lowercase().as_str(), "true" | "false") =>
            {
                return Err(format!(
                    "{instruction}: expecting boolean value for flag --{}, not: {v}",
                    f.name
                ));
            }
            (FlagType::String | FlagType::Strings, None) => {
                return Err(format!(
                    "{instruction}: missing a value on flag: --{}",
                    f.name
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// `RUN --network`, `--security` and `--mount` values.
pub(crate) fn run(flags: &[Flag], mounts: &[Mount]) -> Result<(), String> {
    for f in flags {
        let Some(v) = f.value.as_deref().filter(|v| !v.contains('$')) else {
            continue;
        };
        let ok = match f.name.as_str() {
            "network" => matches!(v, "none" | "host" | "default"),
            "security" => matches!(v, "insecure" | "sandbox"),
            _ => true,
        };
        if !ok {
            return Err(format!("RUN: invalid value for --{}: {v}", f.name));
        }
    }
    mounts.iter().try_for_each(mount)
}

/// BuildKit's `parseMount` checks (with the key validation its dispatcher runs).
fn mount(m: &Mount) -> Result<(), String> {
    let kind = m.kind.to_ascii_lowercase();
    if !kind.contains('$') && !["bind", "cache", "tmpfs", "secret", "ssh"].contains(&kind.as_str())
    {
        return Err(format!("RUN --mount: unsupported mount type {:?}", m.kind));
    }
    let secretish = kind == "secret" || kind == "ssh";
    let has = |k: &[&str]| m.options.iter().any(|(key, _)| k.contains(&key.as_str()));
    for (key, value) in &m.options {
        let bare = !m.options.is_empty() && value.is_empty();
        let variable = value.contains('$');
        let bad_value = |what: &str| Err(format!("RUN --mount: invalid value {value} for {what}"));
        match key.as_str() {
            "type" | "from" | "source" | "src" | "target" | "dst" | "destination" | "id"
            | "env" => {}
            "readonly" | "ro" | "readwrite" | "rw" => {
                if !bare
                    && !variable
                    && !matches!(
                        value.to_ascii_lowercase().as_str(),
                        "1" | "t" | "true" | "0" | "f" | "false"
                    )
                {
                    return bad_value(key);
                }
            }
            "required" if secretish => {}
            "size" if kind == "tmpfs" => {}
            "sharing" => {
                if !variable
                    && !matches!(
                        value.to_ascii_lowercase().as_str(),
                        "shared" | "private" | "locked"
                    )
                {
                    return bad_value("sharing");
                }
                if kind != "cache" {
                    return Err(format!(
                        "RUN --mount: invalid cache sharing set for {kind} mount"
                    ));
                }
            }
            "mode" | "uid" | "gid" => {
                let radix = if key == "mode" { 8 } else { 10 };
                if !variable && u32::from_str_radix(value, radix).is_err() {
                    return bad_value(key);
                }
                if !(secretish || kind == "cache") {
                    return Err(format!(
                        "RUN --mount: {key} not allowed for {kind:?} type mounts"
                    ));
                }
            }
            _ => {
                return Err(format!(
                    "RUN --mount: unexpected key '{key}' for mount type '{kind}'"
                ));
            }
        }
    }
    if matches!(kind.as_str(), "bind" | "cache" | "tmpfs") && m.target.is_none() {
        return Err(format!("RUN --mount: a {kind} mount needs a target"));
    }
    if kind == "secret" {
        if has(&["from"]) {
            return Err("RUN --mount: secret mount should not have a from".into());
        }
        if !has(&["source", "src", "target", "dst", "destination", "id"]) {
            return Err("RUN --mount: invalid secret mount. one of source, target required".into());
        }
        if has(&["source", "src"]) && has(&["id"]) {
            return Err("RUN --mount: both source and id can't be set".into());
        }
    }
    Ok(())
}

/// `ENV`/`LABEL`: `key=value ...`, or the legacy `key value` form (which needs a value).
pub(crate) fn pairs(instruction: &str, words: &[String]) -> Result<(), String> {
    let Some(first) = words.first() else {
        return Err(format!("{instruction} requires at least one argument"));
    };
    if !first.contains('=') {
        if words.len() < 2 {
            return Err(format!("{instruction} must have two arguments"));
        }
        return Ok(());
    }
    for w in words {
        if !w.contains('=') {
            return Err(format!(
                "Syntax error - can't find = in {w:?}. Must be of the form: name=value"
            ));
        }
        if w.starts_with('=') {
            return Err(format!("{instruction} names can not be blank"));
        }
    }
    Ok(())
}

/// The kind-specific checks: argument counts, `HEALTHCHECK CMD` with a command, ports, image
/// references and stage names.
pub(crate) fn kind(instruction: &str, kind: &Kind) -> Result<(), String> {
    match kind {
        Kind::Copy(c) | Kind::Add(c) if c.sources.is_empty() => Err(format!(
            "{instruction} requires at least two arguments, but only one was provided. \
             Destination could not be determined"
        )),
        Kind::Healthcheck(Some(Args::Shell(s))) if s.trim().is_empty() => {
            Err("Missing command after HEALTHCHECK CMD".into())
        }
        Kind::Healthcheck(Some(Args::Exec(v))) if v.is_empty() => {
            Err("Missing command after HEALTHCHECK CMD".into())
        }
        Kind::Shell(Args::Shell(_)) => {
            Err("SHELL requires the arguments to be in JSON form".into())
        }
        Kind::Shell(Args::Exec(v)) if v.is_empty() => {
            Err("SHELL requires at least one argument".into())
        }
        Kind::Volume(Args::Shell(s)) if s.trim().is_empty() => {
            Err("VOLUME requires at least one argument".into())
        }
        Kind::Expose(ports) => ports.iter().try_for_each(|p| match p {
            Port::Other(spec) if !spec.contains('$') => {
                Err(format!("EXPOSE: invalid port specification: {spec}"))
            }
            _ => Ok(()),
        }),
        Kind::From(f) => {
            if let Some(alias) = &f.alias {
                let lower = alias.to_ascii_lowercase();
                let mut chars = lower.chars();
                let ok = chars.next().is_some_and(|c| c.is_ascii_lowercase())
                    && chars
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c));
                if !ok && !alias.contains('$') {
                    return Err(format!(
                        "invalid name for build stage: {alias:?}, name can't start with a number or contain symbols"
                    ));
                }
            }
            if f.image_text.contains('$') || reference_ok(&f.image_text) {
                Ok(())
            } else {
                Err(format!("FROM: invalid reference format: {}", f.image_text))
            }
        }
        _ => Ok(()),
    }
}

/// A Docker image reference (`distribution/reference` grammar): `[host[:port]/]path[:tag][@digest]`
/// with lower-case path components.
fn reference_ok(text: &str) -> bool {
    let (rest, digest) = match text.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (text, None),
    };
    if let Some(d) = digest {
        let Some((algo, hex)) = d.split_once(':') else {
            return false;
        };
        let algo_ok = algo.starts_with(|c: char| c.is_ascii_alphabetic())
            && algo
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_+.".contains(c));
        if !algo_ok || hex.len() < 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return false;
        }
    }
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest.get(last_slash..).and_then(|t| t.find(':')) {
        Some(i) => (
            rest.get(..last_slash + i).unwrap_or(""),
            Some(rest.get(last_slash + i + 1..).unwrap_or("")),
        ),
        None => (rest, None),
    };
    if let Some(t) = tag {
        let ok = t.len() <= 128
            && t.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !ok {
            return false;
        }
    }
    if name.is_empty() || name.len() > 255 {
        return false;
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    if parts.len() > 1
        && let Some(first) = parts.first()
        && (first.contains(['.', ':'])
            || *first == "localhost"
            || first.chars().any(|c| c.is_ascii_uppercase()))
    {
        let (host, port) = match first.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (*first, None),
        };
        let host_ok = !host.is_empty()
            && host.split('.').all(|l| {
                !l.is_empty()
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !l.starts_with('-')
                    && !l.ends_with('-')
            });
        if !host_ok || port.is_some_and(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
        {
            return false;
        }
        parts.remove(0);
    }
    parts.iter().all(|p| path_component_ok(p))
}

/// `[a-z0-9]+` joined by `.`, `_`, `__` or runs of `-`.
fn path_component_ok(p: &str) -> bool {
    if p.is_empty()
        || !p.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        || !p.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        return false;
    }
    let mut sep = String::new();
    for c in p.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if !(sep.is_empty()
                || sep == "."
                || sep == "_"
                || sep == "__"
                || sep.chars().all(|s| s == '-'))
            {
                return false;
            }
            sep.clear();
        } else if ".-_".contains(c) {
            sep.push(c);
        } else {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::reference_ok;

    #[test]
    fn references() {
        for ok in [
            "debian",
            "debian:12",
            "library/debian:12-slim",
            "localhost:5000/app:1",
            "registry.corp:5000/team/base",
            "gcr.io/distroless/base@sha256:0123456789abcdef0123456789abcdef",
            "a__b/c-d--e:v1.0_x",
        ] {
            assert!(reference_ok(ok), "{ok}");
        }
        for bad in [
            ":12",
            "debian:",
            "debian::12",
            "Debian:12",
            "debian@sha256:x",
            "a/-b",
            "a//b",
        ] {
            assert!(!reference_ok(bad), "{bad}");
        }
    }
}
