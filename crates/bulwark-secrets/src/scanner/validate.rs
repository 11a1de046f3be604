//! Validating a regex match before it is reported: entropy and placeholder checks for generic
//! assignments, JWT structure, PEM private keys up to their END line, exclude blocks.

use std::ops::Range;

use base64::Engine as _;
use regex::bytes::{Captures, Regex};

use super::CompiledRule;
use crate::heuristics::{char_classes, is_obvious_fake, is_placeholder, shannon_entropy};
use crate::rules::Check;

/// How far after `BEGIN ... PRIVATE KEY` the END line is looked for.
const MAX_PEM_BODY: usize = 64 * 1024;

/// Byte ranges of exclude-block matches in one file, found on first use.
#[derive(Debug, Default)]
pub(super) struct Blocks(Option<Vec<Range<usize>>>);

impl Blocks {
    /// Whether `secret` lies entirely inside a match of one of `regexes` in `content`.
    pub(super) fn contain(
        &mut self,
        regexes: &[Regex],
        content: &[u8],
        secret: &Range<usize>,
    ) -> bool {
        if regexes.is_empty() {
            return false;
        }
        self.0
            .get_or_insert_with(|| {
                regexes
                    .iter()
                    .flat_map(|re| re.find_iter(content).map(|m| m.range()))
                    .collect()
            })
            .iter()
            .any(|b| b.start <= secret.start && secret.end <= b.end)
    }
}

/// Everything a validator may look at.
pub(super) struct MatchCtx<'a> {
    pub(super) content: &'a [u8],
    pub(super) offset: usize,
    pub(super) caps: &'a Captures<'a>,
    pub(super) secret: Range<usize>,
    pub(super) source_code: bool,
}

impl MatchCtx<'_> {
    fn group(&self, name: &str) -> Option<Range<usize>> {
        self.caps
            .name(name)
            .map(|m| (m.start() + self.offset)..(m.end() + self.offset))
    }

    fn bytes(&self, r: Range<usize>) -> &[u8] {
        self.content.get(r).unwrap_or_default()
    }
}

/// Returns the secret span and match end to report, or `None` to drop the match.
pub(super) fn validate(rule: &CompiledRule, ctx: &MatchCtx<'_>) -> Option<(Range<usize>, usize)> {
    let secret = ctx.bytes(ctx.secret.clone());
    let keep = Some((ctx.secret.clone(), ctx.secret.end));
    let entropy_ok = |s: &[u8]| rule.min_entropy <= 0.0 || shannon_entropy(s) >= rule.min_entropy;
    match rule.check {
        Check::Token => (entropy_ok(secret) && !is_obvious_fake(secret)).then_some(keep?),
        Check::AwsSecret => {
            (entropy_ok(secret) && !is_obvious_fake(secret) && char_classes(secret) >= 3)
                .then_some(keep?)
        }
        Check::Generic => check_generic(rule, ctx, secret).then_some(keep?),
        Check::NpmAuth => {
            let text = String::from_utf8_lossy(secret);
            (!is_placeholder(&text) && entropy_ok(secret)).then_some(keep?)
        }
        Check::Jwt => check_jwt(secret).then_some(keep?),
        Check::DockerAuth => {
            memchr::memmem::find(ctx.content, b"\"auths\"")?;
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(secret)
                .ok()?;
            let text = String::from_utf8(decoded).ok()?;
            let (user, pass) = text.split_once(':')?;
            (!user.is_empty() && !is_placeholder(pass)).then_some(keep?)
        }
        Check::GcpServiceAccount => {
            memchr::memmem::find(ctx.content, b"service_account")?;
            keep
        }
        Check::DbUrl => {
            let user = ctx.group("user").map(|r| ctx.bytes(r)).unwrap_or_default();
            let host = ctx.group("host").map(|r| ctx.bytes(r)).unwrap_or_default();
            let pass = String::from_utf8_lossy(secret);
            let host_l = String::from_utf8_lossy(host).to_ascii_lowercase();
            let placeholder_host = host_l.contains("example")
                || matches!(host_l.as_str(), "host" | "hostname" | "server" | "dbhost")
                || host_l.contains('{')
                || host_l.contains('$');
            (secret != user && !is_placeholder(&pass) && !placeholder_host).then_some(keep?)
        }
        Check::PrivateKey => check_private_key(ctx),
    }
}

fn check_generic(rule: &CompiledRule, ctx: &MatchCtx<'_>, secret: &[u8]) -> bool {
    // Source code is left to the vendor-specific rules: in code, `token = "..."` is far more
    // often a test value, an RFC example or a type name than a leaked credential.
    if ctx.source_code {
        return false;
    }
    let quote = ctx.group("q").map(|r| ctx.bytes(r)).unwrap_or_default();
    let key_quote = ctx.group("kq").map(|r| ctx.bytes(r)).unwrap_or_default();
    let key = ctx.group("key").map(|r| ctx.bytes(r)).unwrap_or_default();
    let key_start = ctx.group("key").map_or(0, |r| r.start);
    let key_l = String::from_utf8_lossy(key).to_ascii_lowercase();
    const NON_SECRET_KEYS: &[&str] = &[
        "csrf",
        "xsrf",
        "page",
        "next",
        "continuation",
        "cursor",
        "public",
        "sample",
        "example",
        "test",
        "dummy",
        "fake",
        "mock",
        "_name",
        "name_",
        "type",
        "_id",
        "output_token",
        "input_token",
        "purchase",
        "verification",
        "update_token",
        "marker",
        "pagination",
        "changetoken",
        "clienttoken",
        "client_token",
        "idempotency",
    ];
    if NON_SECRET_KEYS.iter().any(|k| key_l.contains(k)) {
        return false;
    }
    let before_key = key_start
        .checked_sub(1)
        .and_then(|i| ctx.content.get(i))
        .copied();
    if let Some(&kq) = key_quote.first() {
        // A quoted key must be the whole string (`"AWS::IAM::AccessKey"` is not a key named
        // `AccessKey`).
        if before_key != Some(kq) {
            return false;
        }
    } else if before_key.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':') {
        // The key must start an identifier.
        return false;
    }
    if let Some(&q) = quote.first() {
        // Quoted: the value must be the whole string literal.
        if ctx.content.get(ctx.secret.end) != Some(&q) {
            return false;
        }
    } else {
        // Unquoted: only config style, `KEY=value` / `key: value` at the start of a line.
        let line_start = ctx
            .content
            .get(..key_start)
            .and_then(|s| memchr::memrchr(b'\n', s))
            .map_or(0, |p| p + 1);
        let prefix = String::from_utf8_lossy(ctx.bytes(line_start..key_start));
        let prefix = prefix.trim();
        let prefix_ok = prefix.is_empty()
            || ["export", "set", "-", "env", "arg", "setenv"]
                .iter()
                .any(|p| prefix.eq_ignore_ascii_case(p));
        if !prefix_ok {
            return false;
        }
        if secret.iter().any(|b| b"(){}[]<>$|\\,;".contains(b)) {
            return false;
        }
        if secret.first() == Some(&b'=') {
            return false;
        }
    }
    let text = String::from_utf8_lossy(secret);
    if is_placeholder(&text) || text.contains("://") || text.contains("::") {
        return false;
    }
    if looks_like_identifier_path(&text) {
        return false;
    }
    // Random credentials almost always contain a digit (a 20-character base64 string lacks
    // one with probability 3%); words, header names and type names rarely do.
    if !secret.iter().any(u8::is_ascii_digit) || char_classes(secret) < 2 {
        return false;
    }
    shannon_entropy(secret) >= rule.min_entropy
}

/// `a.b.c`, `Foo.Bar[-1].Baz`: a dotted path of identifiers, not a secret.
fn looks_like_identifier_path(v: &str) -> bool {
    v.contains('.')
        && v.split('.').all(|seg| {
            seg.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        })
}

fn check_jwt(secret: &[u8]) -> bool {
    let mut parts = secret.split(|&b| b == b'.');
    let (Some(header), Some(payload)) = (parts.next(), parts.next()) else {
        return false;
    };
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let strip = |p: &[u8]| -> Vec<u8> { p.iter().copied().filter(|&b| b != b'=').collect() };
    let Ok(h) = engine.decode(strip(header)) else {
        return false;
    };
    let Ok(serde_json::Value::Object(h)) = serde_json::from_slice::<serde_json::Value>(&h) else {
        return false;
    };
    if !h.get("alg").is_some_and(serde_json::Value::is_string) {
        return false;
    }
    // The jwt.io sample token (sub 1234567890, name John Doe) is documentation, not a leak.
    if let Ok(p) = engine.decode(strip(payload))
        && let Ok(serde_json::Value::Object(p)) = serde_json::from_slice::<serde_json::Value>(&p)
        && p.get("sub").and_then(serde_json::Value::as_str) == Some("1234567890")
    {
        return false;
    }
    true
}

fn check_private_key(ctx: &MatchCtx<'_>) -> Option<(Range<usize>, usize)> {
    let label = ctx.group("label").or_else(|| {
        ctx.caps
            .get(1)
            .map(|m| (m.start() + ctx.offset)..(m.end() + ctx.offset))
    })?;
    let label = ctx.bytes(label);
    let begin_end = ctx.caps.get(0)?.end() + ctx.offset;
    let limit = begin_end
        .saturating_add(MAX_PEM_BODY)
        .min(ctx.content.len());
    let tail = ctx.content.get(begin_end..limit)?;
    let mut end_marker = b"-----END ".to_vec();
    end_marker.extend_from_slice(label);
    end_marker.extend_from_slice(b"-----");
    let rel = memchr::memmem::find(tail, &end_marker)?;
    let body = tail.get(..rel)?;
    // Body: optional RFC 1421 headers (`Proc-Type:`, `DEK-Info:`, PGP `Version:`), then base64.
    // Lines may be real newlines or `\n` escapes inside a string literal.
    let mut b64 = 0usize;
    let text = String::from_utf8_lossy(body)
        .replace("\\n", "\n")
        .replace("\\r", "");
    for line in text.lines() {
        let line = line
            .trim()
            .trim_matches(|c| c == '"' || c == '\'' || c == ',' || c == '+');
        if line.is_empty() || line.contains(':') {
            continue;
        }
        if line.contains("...") || line.contains('<') || line.contains('{') || line.contains('$') {
            return None;
        }
        if !line
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=' || b == b' ')
        {
            return None;
        }
        b64 += line.len();
    }
    if b64 < 64 {
        return None;
    }
    // Report the body (trimmed) as the secret; the match ends at the END line.
    let lead = body.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let trail = body
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_whitespace())
        .count();
    let start = begin_end + lead;
    let end = (begin_end + body.len() - trail).max(start);
    let match_end = begin_end + rel + end_marker.len();
    Some((start..end, match_end))
}
