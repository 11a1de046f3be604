//! Secrets in single values: image config `Env` and `Labels`, history `created_by` steps,
//! Dockerfile `ARG`/`ENV` (shared with the Dockerfile linter through
//! [`Scanner::scan_assignment`]).

use bulwark_report::{Location, RuleInfo, Severity};

use crate::finding::SecretFinding;
use crate::heuristics::{is_placeholder, is_secret_name};
use crate::redact::Redacted;
use crate::scanner::Scanner;

/// Rule ID for a secret-looking variable name with a literal value.
pub const SECRET_IN_VARIABLE: &str = "secret-in-variable";

/// Registry entry for [`SECRET_IN_VARIABLE`].
#[must_use]
pub fn secret_in_variable_info() -> RuleInfo {
    RuleInfo {
        code: SECRET_IN_VARIABLE.to_string(),
        name: None,
        summary: "Secret in environment variable, build argument or label".to_string(),
        help_markdown: "## What it finds\n\nAn environment variable, build argument or label \
            whose name ends like a credential (`*_PASSWORD`, `*_SECRET`, `*_TOKEN`, \
            `*_API_KEY`, `*_ACCESS_KEY`, `*_PRIVATE_KEY`, `*_CREDENTIALS`) with a literal, \
            non-placeholder value.\n\n## Why it matters\n\n`ENV` and `ARG` values are stored in \
            the image configuration and history: `docker inspect` and `docker history` show \
            them to anyone who can pull the image.\n\n## Example\n\n```\nENV DB_PASSWORD=s3cr3t-value\n```\n\n\
            ## Fix\n\nPass the value at run time (`docker run -e`, an orchestrator secret) or \
            use a `*_FILE` variable pointing at a mounted secret; for build-time needs use \
            `RUN --mount=type=secret`.\n"
            .to_string(),
        default_severity: Severity::High,
        help_uri: None,
    }
}

impl Scanner {
    /// Checks one `NAME=value` pair (an `ENV`/`ARG` instruction, an image `Env` entry, a label,
    /// a build argument recorded in history). Every rule runs over the value (tokens, keys,
    /// URLs with passwords); if none matches and the name looks like a credential
    /// ([`is_secret_name`]) with a non-placeholder value ([`is_placeholder`]) of at least
    /// 4 characters, a [`SECRET_IN_VARIABLE`] finding is returned. `location` is copied into
    /// each finding (line numbers of multi-line values are offset from it).
    #[must_use]
    pub fn scan_assignment(
        &self,
        name: &str,
        value: &str,
        location: &Location,
    ) -> Vec<SecretFinding> {
        let mut findings = self.scan_bytes(&location.path, value.as_bytes(), location, false);
        let trimmed = value.trim();
        if findings.is_empty()
            && is_secret_name(name)
            && trimmed.chars().count() >= 4
            && !is_placeholder(trimmed)
        {
            findings.push(SecretFinding {
                rule_id: SECRET_IN_VARIABLE.to_string(),
                title: format!("Secret in variable `{name}`"),
                severity: Severity::High,
                location: location.clone(),
                redacted: Redacted::new(trimmed.as_bytes()),
                layer_digest: None,
                created_by: None,
                removed_in_later_layer: false,
            });
        }
        findings
    }

    /// Checks an image config `Env` list (`KEY=value` strings). Each finding's location is
    /// `path` with the (1-based) index of the entry as its line, so renderers can point at it.
    #[must_use]
    pub fn scan_env(&self, env: &[String], path: &str) -> Vec<SecretFinding> {
        env.iter()
            .enumerate()
            .flat_map(|(i, kv)| {
                let (k, v) = kv.split_once('=').unwrap_or((kv.as_str(), ""));
                let loc = Location::at(path, (i + 1) as u32, None);
                self.scan_assignment(k, v, &loc)
            })
            .collect()
    }

    /// Checks image labels (key, value) pairs; findings point at `path`.
    #[must_use]
    pub fn scan_labels<'a>(
        &self,
        labels: impl IntoIterator<Item = (&'a str, &'a str)>,
        path: &str,
    ) -> Vec<SecretFinding> {
        labels
            .into_iter()
            .flat_map(|(k, v)| self.scan_assignment(k, v, &Location::file(path)))
            .collect()
    }

    /// Checks one history `created_by` string: build arguments recorded in front of a `RUN`
    /// (`|2 TOKEN=... PW=... /bin/sh -c ...`), `ENV`/`ARG`/`LABEL` steps (legacy `#(nop)` and
    /// BuildKit forms), and every rule over the whole command text. A value found twice (by
    /// the assignment check and by a rule over the text) is reported once.
    #[must_use]
    pub fn scan_created_by(&self, created_by: &str, location: &Location) -> Vec<SecretFinding> {
        let mut findings = Vec::new();
        for (k, v) in history_assignments(created_by) {
            findings.extend(self.scan_assignment(&k, &v, location));
        }
        for f in self.scan_bytes(&location.path, created_by.as_bytes(), location, false) {
            // The same value found by another rule (e.g. the generic rule on `ENV K=v`).
            let dup = findings.iter().any(|g| g.redacted == f.redacted);
            if !dup {
                findings.push(f);
            }
        }
        findings
    }
}

/// Byte ranges of the values of credential-named `NAME=value` words in `text` (quotes around
/// the value included), the assignments [`Scanner::scan_assignment`] reports as
/// [`SECRET_IN_VARIABLE`]: a name that looks like a credential, a non-placeholder value of at
/// least 4 characters. Words are split on whitespace, `;`, `&` and `|`, honouring double quotes.
pub(crate) fn assignment_value_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Start of a word.
        while i < bytes.len()
            && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r' | b';' | b'&' | b'|')
        {
            i += 1;
        }
        let start = i;
        let mut in_quotes = false;
        while i < bytes.len() {
            match bytes[i] {
                b'"' => in_quotes = !in_quotes,
                b' ' | b'\t' | b'\n' | b'\r' | b';' | b'&' | b'|' if !in_quotes => break,
                _ => {}
            }
            i += 1;
        }
        let Some(word) = text.get(start..i) else {
            continue;
        };
        let Some(eq) = word.find('=') else { continue };
        let name = word[..eq].trim_start_matches(['-', '"', '\'']);
        let value_start = start + eq + 1;
        let value = unquote(&word[eq + 1..]);
        let trimmed = value.trim();
        if is_secret_name(name) && trimmed.chars().count() >= 4 && !is_placeholder(trimmed) {
            out.push(value_start..i);
        }
    }
    out
}

/// Extracts `NAME=value` pairs from a history `created_by` string.
fn history_assignments(created_by: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = created_by.trim();
    // `|N K=V K=V ... cmd`: build args in front of a RUN.
    if let Some(after_bar) = rest.strip_prefix('|') {
        let (count, tail) = after_bar.split_once(' ').unwrap_or((after_bar, ""));
        if let Ok(n) = count.parse::<usize>() {
            let mut tail = tail.trim_start();
            for _ in 0..n {
                let (word, next) = split_word(tail);
                if let Some((k, v)) = word.split_once('=') {
                    out.push((k.to_string(), v.to_string()));
                }
                tail = next;
            }
            rest = tail;
        }
    }
    let rest = rest
        .strip_prefix("/bin/sh -c ")
        .unwrap_or(rest)
        .trim_start();
    let rest = rest.strip_prefix("#(nop)").unwrap_or(rest).trim_start();
    for kw in ["ENV ", "ARG ", "LABEL "] {
        if let Some(args) = rest.strip_prefix(kw) {
            let args = args.trim_end_matches("# buildkit").trim();
            if args.contains('=') {
                let mut tail = args;
                while !tail.is_empty() {
                    let (word, next) = split_word(tail);
                    if let Some((k, v)) = word.split_once('=') {
                        out.push((k.to_string(), unquote(v)));
                    }
                    tail = next;
                }
            } else if let Some((k, v)) = args.split_once(char::is_whitespace) {
                // Legacy `ENV NAME value`.
                out.push((k.to_string(), v.trim().to_string()));
            }
        }
    }
    out
}

/// Splits off the first whitespace-separated word, honouring double quotes.
fn split_word(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    let mut in_quotes = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            c if c.is_whitespace() && !in_quotes => {
                return (&s[..i], s[i..].trim_start());
            }
            _ => {}
        }
    }
    (s, "")
}

fn unquote(v: &str) -> String {
    let v = v.trim();
    v.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(v)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_history_forms() {
        let got = history_assignments("|2 NPM_TOKEN=abc PW=x /bin/sh -c npm ci");
        assert_eq!(
            got,
            vec![
                ("NPM_TOKEN".into(), "abc".into()),
                ("PW".into(), "x".into())
            ]
        );
        let got = history_assignments("/bin/sh -c #(nop)  ENV DB_PASSWORD=hunter2 A=\"b c\"");
        assert_eq!(
            got,
            vec![
                ("DB_PASSWORD".into(), "hunter2".into()),
                ("A".into(), "b c".into())
            ]
        );
        let got = history_assignments("ENV API_TOKEN=q1 # buildkit");
        assert_eq!(got, vec![("API_TOKEN".into(), "q1".into())]);
        let got = history_assignments("/bin/sh -c #(nop)  ENV OLD_SECRET value here");
        assert_eq!(got, vec![("OLD_SECRET".into(), "value here".into())]);
        assert!(history_assignments("|x").is_empty());
        assert!(history_assignments("").is_empty());
    }
}
