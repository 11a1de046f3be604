//! Value heuristics shared by the rules, the env/label scanner and the Dockerfile linter:
//! Shannon entropy, placeholder detection, secret-looking variable names.

/// Shannon entropy of `s` in bits per byte (0.0 for an empty string).
///
/// Random base62 tokens score about 5, English words about 2.5 to 3, `xxxxxxxx` scores 0.
#[must_use]
pub fn shannon_entropy(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        counts[usize::from(b)] += 1;
    }
    let len = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

/// Substrings (lower-case) that mark a value as a placeholder, a template or a lookup rather
/// than a literal secret.
const PLACEHOLDER_PARTS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "example",
    "dummy",
    "placeholder",
    "your_",
    "your-",
    "yourpass",
    "yourtoken",
    "yoursecret",
    "xxxx",
    "****",
    "...",
    "redacted",
    "sample",
    "fake",
    "mock",
    "test",
    "todo",
    "fixme",
    "insert",
    "replace",
    "<",
    ">",
    "${",
    "$(",
    "{{",
    "}}",
    "%(",
    "%s",
    "process.env",
    "environ",
    "getenv",
    "env(",
    "env[",
    "env.",
    "secretref",
    "secretkeyref",
    "vault:",
    "password",
    "passwd",
    "secret",
    "token",
    "foobar",
    "hunter2",
    "abcdef",
    "123456",
    "qwerty",
    "lorem",
    "ipsum",
];

/// Whole values (lower-case) that are keywords or type names, never secrets.
const PLACEHOLDER_WORDS: &[&str] = &[
    "none",
    "null",
    "nil",
    "undefined",
    "true",
    "false",
    "default",
    "empty",
    "required",
    "optional",
    "string",
    "unknown",
    "unset",
    "admin",
    "root",
    "guest",
    "user",
    "pass",
    "postgres",
    "mysql",
    "redis",
    "secret",
    "password",
];

/// True when `value` is evidently not a real secret: empty, a template or variable reference
/// (`${VAR}`, `$VAR`, `{{ .x }}`, `%(x)s`, `<password>`), an environment lookup
/// (`os.environ[...]`, `process.env.X`, `getenv`), a well-known filler (`changeme`, `xxxx`,
/// `example`, `dummy`, `test`, `***`), a keyword (`null`, `true`), a path (`/run/secrets/x`,
/// `./file`, `~/x`), or a run of one repeated character.
///
/// Used by the generic assignment rule, database URLs, image `Env`/`Labels`, and the Dockerfile
/// linter's ARG/ENV check, so all of them agree on what a placeholder is.
#[must_use]
pub fn is_placeholder(value: &str) -> bool {
    let v = value
        .trim()
        .trim_matches(|c| c == '"' || c == '\'' || c == '`');
    if v.is_empty() {
        return true;
    }
    let first = v.as_bytes()[0];
    if matches!(first, b'$' | b'@' | b'/' | b'~' | b'%') || v.starts_with("./") {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if PLACEHOLDER_WORDS.contains(&lower.as_str()) {
        return true;
    }
    if PLACEHOLDER_PARTS.iter().any(|p| lower.contains(p)) {
        return true;
    }
    // One repeated character (`aaaaaaaa`, `00000000`, `********`).
    let bytes = lower.as_bytes();
    if bytes.iter().all(|&b| b == bytes[0]) {
        return true;
    }
    false
}

/// True when a value found next to a vendor token prefix is an obvious fake
/// (`ghp_xxxxxxxx...`, `AKIA...EXAMPLE`, `sk_live_0000...`).
#[must_use]
pub fn is_obvious_fake(secret: &[u8]) -> bool {
    let lower: Vec<u8> = secret.iter().map(u8::to_ascii_lowercase).collect();
    let has = |needle: &[u8]| memchr::memmem::find(&lower, needle).is_some();
    has(b"example") || has(b"xxxx") || has(b"0000000") || has(b"your") || has(b"placeholder")
}

/// Suffixes (upper-case, after removing `-` and `.`) that make a variable name secret-looking.
const SECRET_NAME_SUFFIXES: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "PASS",
    "PWD",
    "SECRET",
    "SECRETKEY",
    "SECRET_KEY",
    "TOKEN",
    "APIKEY",
    "API_KEY",
    "ACCESSKEY",
    "ACCESS_KEY",
    "ACCESS_KEY_ID",
    "PRIVATEKEY",
    "PRIVATE_KEY",
    "AUTHKEY",
    "AUTH_KEY",
    "CREDENTIALS",
    "CREDENTIAL",
    "ENCRYPTION_KEY",
    "SIGNING_KEY",
    "MASTER_KEY",
    "CLIENT_SECRET",
    "CONNECTION_STRING",
    "DSN",
];

/// Suffixes that name something about a secret rather than the secret itself
/// (`PASSWORD_FILE=/run/secrets/db`, `TOKEN_URL`, `SECRET_NAME`).
const NON_SECRET_NAME_SUFFIXES: &[&str] = &[
    "_FILE",
    "_PATH",
    "_DIR",
    "_URL",
    "_URI",
    "_HOST",
    "_PORT",
    "_NAME",
    "_USER",
    "_USERNAME",
    "_TYPE",
    "_LENGTH",
    "_LEN",
    "_TTL",
    "_EXPIRY",
    "_EXPIRES",
    "_TIMEOUT",
    "_HEADER",
    "_FIELD",
    "_ENABLED",
    "_REQUIRED",
    "_VERSION",
    "_SHA256",
    "_SHA512",
    "_CHECKSUM",
    "_ID",
];

/// True when an environment variable, build argument or label name looks like it holds a
/// credential: it ends with `PASSWORD`, `SECRET`, `TOKEN`, `API_KEY`, `ACCESS_KEY`,
/// `PRIVATE_KEY`, `CREDENTIALS`, ... (case-insensitive; `-` and `.` count as `_`), and does not
/// end with a suffix that names metadata about a secret (`_FILE`, `_PATH`, `_URL`, `_NAME` ...).
///
/// `GPG_KEY` (a public key fingerprint in official images) and `*_SHA256` are therefore not
/// secret-looking; `DB_PASSWORD`, `NPM_TOKEN`, `AWS_SECRET_ACCESS_KEY` are.
#[must_use]
pub fn is_secret_name(name: &str) -> bool {
    let upper: String = name
        .trim()
        .chars()
        .map(|c| match c {
            '-' | '.' => '_',
            c => c.to_ascii_uppercase(),
        })
        .collect();
    if upper.is_empty() || upper == "PWD" || upper == "OLDPWD" {
        return false;
    }
    if NON_SECRET_NAME_SUFFIXES.iter().any(|s| upper.ends_with(s))
        && !upper.ends_with("ACCESS_KEY_ID")
    {
        return false;
    }
    SECRET_NAME_SUFFIXES.iter().any(|s| {
        upper.ends_with(s)
            && (upper.len() == s.len() || {
                // The suffix starts a word: `BYPASS` must not count as `PASS`.
                let before = upper.as_bytes()[upper.len() - s.len() - 1];
                before == b'_' || s.len() >= 6
            })
    })
}

/// Character-class diversity: how many of lower-case, upper-case, digit and other ASCII
/// punctuation occur in `s`.
#[must_use]
pub fn char_classes(s: &[u8]) -> u8 {
    let lower = s.iter().any(u8::is_ascii_lowercase);
    let upper = s.iter().any(u8::is_ascii_uppercase);
    let digit = s.iter().any(u8::is_ascii_digit);
    let other = s.iter().any(u8::is_ascii_punctuation);
    u8::from(lower) + u8::from(upper) + u8::from(digit) + u8::from(other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_orders_random_above_words() {
        assert!(shannon_entropy(b"") < f64::EPSILON);
        assert!(shannon_entropy(b"aaaaaaaa") < f64::EPSILON);
        assert!((shannon_entropy(b"abab") - 1.0).abs() < 1e-9);
        assert!(shannon_entropy(b"q8Zr2LmX0vTb7NcW") > 3.9);
        assert!(shannon_entropy(b"password") < 3.0);
    }

    #[test]
    fn placeholders() {
        for v in [
            "",
            "changeme",
            "${DB_PASSWORD}",
            "$DB_PASSWORD",
            "<password>",
            "{{ .Values.password }}",
            "%(password)s",
            "xxxxxxxx",
            "EXAMPLE_KEY",
            "dummy123",
            "test-token-1",
            "os.environ['X']",
            "process.env.TOKEN",
            "null",
            "/run/secrets/db",
            "********",
            "zzzzzzzzzz",
        ] {
            assert!(is_placeholder(v), "{v:?} should be a placeholder");
        }
        for v in ["Zq8rL2mX0vTb", "s3cr3tP@ss!", "hf7Dk29aLq"] {
            assert!(!is_placeholder(v), "{v:?} should not be a placeholder");
        }
    }

    #[test]
    fn secret_names() {
        for n in [
            "DB_PASSWORD",
            "password",
            "NPM_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID",
            "stripe.api-key",
            "CLIENT_SECRET",
            "MYSQL_ROOT_PASSWORD",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in [
            "GPG_KEY",
            "PATH",
            "PASSWORD_FILE",
            "TOKEN_URL",
            "SECRET_NAME",
            "PYTHON_SHA256",
            "BYPASS",
            "COMPASS",
            "PWD",
            "OLDPWD",
            "",
        ] {
            assert!(!is_secret_name(n), "{n}");
        }
    }

    #[test]
    fn classes() {
        assert_eq!(char_classes(b"abc"), 1);
        assert_eq!(char_classes(b"aB3!"), 4);
    }
}
