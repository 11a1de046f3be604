//! Hadolint's inline pragmas: `# hadolint ignore=…`, `global ignore=…`, `stage ignore=…`
//! (also spelled `# bulwark …` for Bulwark's own codes). Read by the linter and by `DL1001`.

pub(crate) fn is_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// `hadolint` (or `bulwark`) followed by at least one blank; returns the rest and whether the
/// Hadolint code alphabet applies.
pub(crate) fn pragma_head(text: &str) -> Option<(&str, bool)> {
    let t = text.trim_start_matches(is_space);
    let (rest, hadolint) = if let Some(r) = t.strip_prefix("hadolint") {
        (r, true)
    } else {
        (t.strip_prefix("bulwark")?, false)
    };
    let trimmed = rest.trim_start_matches(is_space);
    (trimmed.len() < rest.len()).then_some((trimmed, hadolint))
}

/// Hadolint's `parseIgnorePragma`: `hadolint ignore=DL3008, DL3009 # reason`.
pub(crate) fn parse_ignore_pragma(text: &str) -> Option<Vec<String>> {
    let (rest, hadolint) = pragma_head(text)?;
    rule_list(rest.strip_prefix("ignore")?, hadolint)
}

pub(crate) fn parse_global_ignore_pragma(text: &str) -> Option<Vec<String>> {
    let (rest, hadolint) = pragma_head(text)?;
    let rest = rest.strip_prefix("global")?;
    let trimmed = rest.trim_start_matches(is_space);
    if trimmed.len() == rest.len() {
        return None;
    }
    rule_list(trimmed.strip_prefix("ignore")?, hadolint)
}

pub(crate) fn parse_stage_ignore_pragma(text: &str) -> Option<Vec<String>> {
    let (rest, hadolint) = pragma_head(text)?;
    let rest = rest.strip_prefix("stage")?;
    let trimmed = rest.trim_start_matches(is_space);
    if trimmed.len() == rest.len() {
        return None;
    }
    rule_list(trimmed.strip_prefix("ignore")?, hadolint)
}

fn rule_list(rest: &str, hadolint: bool) -> Option<Vec<String>> {
    let rest = rest.trim_start_matches(is_space).strip_prefix('=')?;
    let allowed = |c: char| {
        if hadolint {
            "DLSC0123456789".contains(c)
        } else {
            c.is_ascii_uppercase() || c.is_ascii_digit()
        }
    };
    let mut codes = Vec::new();
    let mut s = rest.trim_start_matches(is_space);
    loop {
        let end = s.find(|c| !allowed(c)).unwrap_or(s.len());
        if end == 0 {
            return None;
        }
        codes.push(s.get(..end)?.to_string());
        s = s.get(end..)?.trim_start_matches(is_space);
        if let Some(r) = s.strip_prefix(',') {
            s = r.trim_start_matches(is_space);
            continue;
        }
        if s.is_empty() || s.starts_with('#') {
            return Some(codes);
        }
        return None;
    }
}
