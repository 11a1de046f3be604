//! Variable interpolation as the Compose Specification defines it (and compose-go implements
//! it): `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`,
//! `${VAR:+replacement}`, `${VAR+replacement}`, `$$` for a literal `$`. Defaults and
//! replacements are interpolated themselves (`${A:-${B:-x}}`). An unset variable without a
//! default becomes the empty string (and is reported as a warning, as `docker compose` does).

/// Why a value could not be interpolated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InterpolationError {
    /// `${VAR:?message}` / `${VAR?message}` with the variable unset (or empty for `:?`).
    #[error("required variable {name} is missing a value: {message}")]
    Required {
        /// The variable.
        name: String,
        /// The message written in the file.
        message: String,
    },
    /// A `$` not followed by a name, `{`, or `$`, or an unterminated `${`.
    #[error("invalid interpolation format in {value:?} (write $$ for a literal $)")]
    Invalid {
        /// The value as written.
        value: String,
    },
    /// Defaults nested deeper than the limit.
    #[error("interpolation nested deeper than {0} levels")]
    TooDeep(usize),
}

const MAX_NESTING: usize = 16;

/// Interpolates `text`, looking variables up with `lookup`; unset variables without a default
/// are pushed to `unset`.
pub fn interpolate(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    unset: &mut Vec<String>,
) -> Result<String, InterpolationError> {
    interpolate_depth(text, lookup, unset, 0)
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn interpolate_depth(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    unset: &mut Vec<String>,
    depth: usize,
) -> Result<String, InterpolationError> {
    if depth > MAX_NESTING {
        return Err(InterpolationError::TooDeep(MAX_NESTING));
    }
    if !text.contains('$') {
        return Ok(text.to_string());
    }
    let invalid = || InterpolationError::Invalid {
        value: text.to_string(),
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let mut chars = after.chars();
        match chars.next() {
            Some('$') => {
                out.push('$');
                rest = &after[1..];
            }
            Some('{') => {
                let body_start = &after[1..];
                let end = matching_brace(body_start).ok_or_else(invalid)?;
                let body = &body_start[..end];
                out.push_str(&expand_braced(body, text, lookup, unset, depth)?);
                rest = &body_start[end + 1..];
            }
            Some(c) if is_name_start(c) => {
                let len = after
                    .char_indices()
                    .find(|(_, c)| !is_name_char(*c))
                    .map_or(after.len(), |(j, _)| j);
                let name = &after[..len];
                match lookup(name) {
                    Some(v) => out.push_str(&v),
                    None => unset.push(name.to_string()),
                }
                rest = &after[len..];
            }
            _ => return Err(invalid()),
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Index of the `}` that closes a `${` whose body starts at `s`, honouring nested `${…}`.
fn matching_brace(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'$') => i += 1,
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' => {
                if depth == 0 {
                    return Some(i);
                }
                depth -= 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn expand_braced(
    body: &str,
    whole: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    unset: &mut Vec<String>,
    depth: usize,
) -> Result<String, InterpolationError> {
    let invalid = || InterpolationError::Invalid {
        value: whole.to_string(),
    };
    let name_len = body
        .char_indices()
        .find(|(_, c)| !is_name_char(*c))
        .map_or(body.len(), |(j, _)| j);
    let name = &body[..name_len];
    if name.is_empty() || !name.starts_with(is_name_start) {
        return Err(invalid());
    }
    let op = &body[name_len..];
    let value = lookup(name);
    let (kind, arg) = if op.is_empty() {
        ("", "")
    } else if let Some(a) = op.strip_prefix(":-") {
        (":-", a)
    } else if let Some(a) = op.strip_prefix(":?") {
        (":?", a)
    } else if let Some(a) = op.strip_prefix(":+") {
        (":+", a)
    } else if let Some(a) = op.strip_prefix('-') {
        ("-", a)
    } else if let Some(a) = op.strip_prefix('?') {
        ("?", a)
    } else if let Some(a) = op.strip_prefix('+') {
        ("+", a)
    } else {
        return Err(invalid());
    };
    let set_nonempty = value.as_deref().is_some_and(|v| !v.is_empty());
    let nested = |a: &str, unset: &mut Vec<String>| interpolate_depth(a, lookup, unset, depth + 1);
    Ok(match kind {
        "" => {
            if value.is_none() {
                unset.push(name.to_string());
            }
            value.unwrap_or_default()
        }
        ":-" if set_nonempty => value.unwrap_or_default(),
        ":-" => nested(arg, unset)?,
        "-" => match value {
            Some(v) => v,
            None => nested(arg, unset)?,
        },
        ":?" if set_nonempty => value.unwrap_or_default(),
        "?" if value.is_some() => value.unwrap_or_default(),
        ":?" | "?" => {
            return Err(InterpolationError::Required {
                name: name.to_string(),
                message: nested(arg, unset)?,
            });
        }
        ":+" if set_nonempty => nested(arg, unset)?,
        "+" if value.is_some() => nested(arg, unset)?,
        _ => String::new(),
    })
}

/// Parses a `.env` file the way Compose reads it: `KEY=VALUE` lines, `#` comments, an optional
/// `export ` prefix, single quotes literal, double quotes with `\n`, `\"`, `\\` escapes, and
/// ` #` starting a comment after an unquoted value. Values are interpolated with the variables
/// defined above them and `lookup` (compose v2 behaviour).
pub fn parse_env_file(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<(String, String)>, (usize, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        let (key, value) = match line.split_once('=') {
            Some((k, v)) => (k.trim(), v.trim_start()),
            None => (line, ""),
        };
        if key.is_empty() || !key.chars().all(|c| is_name_char(c) || c == '.' || c == '-') {
            return Err((i + 1, format!("invalid variable name {key:?}")));
        }
        let value = if let Some(q) = value.strip_prefix('\'') {
            match q.find('\'') {
                Some(end) => q[..end].to_string(),
                None => return Err((i + 1, "unterminated single quote".into())),
            }
        } else if let Some(q) = value.strip_prefix('"') {
            let mut s = String::new();
            let mut chars = q.chars();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '"' => {
                        closed = true;
                        break;
                    }
                    '\\' => match chars.next() {
                        Some('n') => s.push('\n'),
                        Some('t') => s.push('\t'),
                        Some(o) => s.push(o),
                        None => {}
                    },
                    o => s.push(o),
                }
            }
            if !closed {
                return Err((i + 1, "unterminated double quote".into()));
            }
            let defined = out.clone();
            let local = |n: &str| {
                defined
                    .iter()
                    .rev()
                    .find(|(k, _)| k == n)
                    .map(|(_, v)| v.clone())
                    .or_else(|| lookup(n))
            };
            interpolate(&s, &local, &mut Vec::new()).map_err(|e| (i + 1, e.to_string()))?
        } else {
            let v = match value.find(" #") {
                Some(j) => &value[..j],
                None => value,
            };
            let defined = out.clone();
            let local = |n: &str| {
                defined
                    .iter()
                    .rev()
                    .find(|(k, _)| k == n)
                    .map(|(_, v)| v.clone())
                    .or_else(|| lookup(n))
            };
            interpolate(v.trim_end(), &local, &mut Vec::new())
                .map_err(|e| (i + 1, e.to_string()))?
        };
        out.push((key.to_string(), value));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Result<String, InterpolationError> {
        let env = |n: &str| match n {
            "SET" => Some("v".to_string()),
            "EMPTY" => Some(String::new()),
            _ => None,
        };
        interpolate(text, &env, &mut Vec::new())
    }

    #[test]
    fn forms() {
        assert_eq!(run("a-$SET-b").unwrap(), "a-v-b");
        assert_eq!(run("${SET}x").unwrap(), "vx");
        assert_eq!(run("${NOPE}").unwrap(), "");
        assert_eq!(run("${NOPE:-d}").unwrap(), "d");
        assert_eq!(run("${EMPTY:-d}").unwrap(), "d");
        assert_eq!(run("${EMPTY-d}").unwrap(), "");
        assert_eq!(run("${NOPE-d}").unwrap(), "d");
        assert_eq!(run("${SET:+r}").unwrap(), "r");
        assert_eq!(run("${EMPTY:+r}").unwrap(), "");
        assert_eq!(run("${EMPTY+r}").unwrap(), "r");
        assert_eq!(run("${NOPE:-${SET}}").unwrap(), "v");
        assert_eq!(run("${NOPE:-${NOPE2:-deep}}").unwrap(), "deep");
        assert_eq!(run("$$SET $${SET}").unwrap(), "$SET ${SET}");
        assert_eq!(run("${NOPE:-a:b}").unwrap(), "a:b");
    }

    #[test]
    fn errors() {
        assert!(
            matches!(run("${NOPE:?need it}"), Err(InterpolationError::Required { message, .. }) if message == "need it")
        );
        assert!(matches!(
            run("${EMPTY:?x}"),
            Err(InterpolationError::Required { .. })
        ));
        assert_eq!(run("${EMPTY?x}").unwrap(), "");
        assert!(matches!(
            run("${SET"),
            Err(InterpolationError::Invalid { .. })
        ));
        assert!(matches!(
            run("a $ b"),
            Err(InterpolationError::Invalid { .. })
        ));
        assert!(matches!(
            run("${}"),
            Err(InterpolationError::Invalid { .. })
        ));
        assert!(matches!(
            run("${SET!x}"),
            Err(InterpolationError::Invalid { .. })
        ));
        let deep = "${A:-".repeat(40) + &"}".repeat(40);
        assert!(matches!(run(&deep), Err(InterpolationError::TooDeep(_))));
    }

    #[test]
    fn unset_is_reported() {
        let mut unset = Vec::new();
        let _ = interpolate("$X ${Y} ${Z:-d}", &|_| None, &mut unset);
        assert_eq!(unset, ["X", "Y"]);
    }

    #[test]
    fn env_files() {
        let text = "# c\nA=1\nexport B='x $A'\nC=\"q\\n$A\"\nD=v # comment\nE=${A}2\n";
        let got = parse_env_file(text, &|_| None).unwrap();
        assert_eq!(
            got,
            [
                ("A".into(), "1".into()),
                ("B".into(), "x $A".into()),
                ("C".into(), "q\n1".into()),
                ("D".into(), "v".into()),
                ("E".into(), "12".into())
            ]
        );
        assert!(parse_env_file("A=\"open\n", &|_| None).is_err());
    }
}
