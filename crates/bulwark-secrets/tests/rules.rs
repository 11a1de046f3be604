//! True and false positives per built-in rule. Fake secrets are generated at run time from a
//! seeded generator, so no literal that looks like a live credential is committed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

use bulwark_secrets::{Scanner, SecretConfig};

const B62: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const HEX: &[u8] = b"0123456789abcdef";
const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Deterministic pseudo-random string over `alphabet` (xorshift, seeded per call site).
fn rand(alphabet: &[u8], len: usize, seed: u64) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            alphabet[(x % alphabet.len() as u64) as usize] as char
        })
        .collect()
}

fn scanner() -> Scanner {
    Scanner::builtin().unwrap()
}

fn rules_found(path: &str, text: &str) -> Vec<String> {
    scanner()
        .scan_file(path, text.as_bytes())
        .into_iter()
        .map(|f| f.rule_id)
        .collect()
}

fn assert_finds(rule: &str, text: &str) {
    let got = rules_found("app/config.txt", text);
    assert_eq!(
        got,
        vec![rule.to_string()],
        "expected exactly {rule} in {text:?}"
    );
}

fn assert_clean(text: &str) {
    let got = rules_found("app/config.txt", text);
    assert!(got.is_empty(), "expected nothing in {text:?}, got {got:?}");
}

#[test]
fn aws_access_key_id() {
    let id = format!("AKIA{}", rand(B32, 16, 1));
    assert_finds("aws-access-key-id", &format!("aws_access_key_id = {id}\n"));
    assert_finds(
        "aws-access-key-id",
        &format!("key: \"ASIA{}\"", rand(B32, 16, 2)),
    );
    // Documentation key: deliberately not reported (Trivy's regex would match it; gitleaks
    // allowlists it; we follow gitleaks).
    assert_clean(&["aws_access_key_id = AKIA", "IOSFODNN7", "EXAMPLE"].concat());
    // Embedded in a longer word: no.
    assert_clean(&format!("X{id}Y"));
    // Digits 0, 1, 8, 9 are not in the base32 alphabet of real key IDs.
    assert_clean("AKIA0000111188889999");
}

#[test]
fn aws_secret_access_key() {
    let secret = rand(B64, 40, 3);
    assert_finds(
        "aws-secret-access-key",
        &format!("aws_secret_access_key = {secret}\n"),
    );
    assert_finds(
        "aws-secret-access-key",
        &format!("{{\"SecretAccessKey\": \"{secret}\"}}"),
    );
    assert_clean(
        &[
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY",
            "EXAMPLEKEY",
        ]
        .concat(),
    );
    assert_clean("aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}");
    // 40 characters without the name next to them: not this rule.
    assert_clean(&format!("checksum {secret}"));
}

#[test]
fn github_tokens() {
    let body = rand(B62, 36, 4);
    assert_finds("github-pat", &format!("GITHUB_TOKEN=ghp_{body}"));
    assert_finds("github-oauth", &format!("t: gho_{body}"));
    assert_finds("github-app-token", &format!("t: ghs_{body}"));
    assert_finds("github-app-token", &format!("t: ghu_{body}"));
    assert_finds(
        "github-refresh-token",
        &format!("t: ghr_{}", rand(B62, 76, 5)),
    );
    assert_finds(
        "github-fine-grained-pat",
        &format!("github_pat_{}_{}", rand(B62, 22, 6), rand(B62, 59, 7)),
    );
    assert_clean(&format!("ghp_{}", "x".repeat(36)));
    assert_clean(&format!("ghp_{}", rand(B62, 20, 8)));
}

#[test]
fn gitlab_bitbucket_slack() {
    assert_finds("gitlab-pat", &format!("token: glpat-{}", rand(B62, 20, 9)));
    assert_finds(
        "bitbucket-app-password",
        &format!("BB=ATBB{}", rand(B62, 32, 10)),
    );
    assert_finds(
        "bitbucket-client-secret",
        &format!(
            "bitbucket_client_secret = \"{}\"",
            rand(B62, 32, 11).to_lowercase()
        ),
    );
    assert_finds(
        "slack-access-token",
        &format!(
            "xoxb-{}-{}-{}",
            rand(b"0123456789", 12, 12),
            rand(b"0123456789", 13, 13),
            rand(B62, 24, 14)
        ),
    );
    assert_finds(
        "slack-web-hook",
        &format!(
            "url = https://hooks.slack.com/services/T{}/B{}/{}",
            rand(B32, 8, 15),
            rand(B32, 10, 16),
            rand(B62, 24, 17)
        ),
    );
    assert_clean("https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX");
    assert_clean("xoxb-your-token-here");
}

#[test]
fn payment_and_messaging() {
    assert_finds(
        "stripe-secret-token",
        &format!("sk_live_{}", rand(B62, 24, 18)),
    );
    assert_finds(
        "stripe-restricted-token",
        &format!("rk_live_{}", rand(B62, 24, 19)),
    );
    assert_clean(&format!("sk_test_{}", rand(B62, 24, 20)));
    let sk = format!("SK{}", rand(HEX, 32, 21));
    assert_finds("twilio-api-key", &format!("TWILIO_API_KEY={sk}"));
    // Without any mention of Twilio, `SK` + hex is not reported.
    assert_clean(&format!("value {sk}"));
    assert_finds(
        "twilio-account-sid",
        &format!("# twilio\nsid = AC{}", rand(HEX, 32, 22)),
    );
    assert_finds(
        "sendgrid-api-token",
        &format!("SENDGRID=SG.{}.{}", rand(B62, 22, 23), rand(B62, 43, 24)),
    );
}

#[test]
fn package_registries() {
    assert_finds(
        "npm-access-token",
        &format!("token npm_{}", rand(B62, 36, 25)),
    );
    assert_finds(
        "npmrc-auth-token",
        &format!(
            "//registry.internal/:_authToken={}\n",
            rand(B62, 40, 26).to_lowercase()
        ),
    );
    assert_clean("//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n");
    assert_finds(
        "pypi-upload-token",
        &format!("password = pypi-AgEIcHlwaS5vcmc{}", rand(B62, 60, 27)),
    );
}

#[test]
fn google_and_azure() {
    assert_finds("google-api-key", &format!("key=AIza{}", rand(B62, 35, 28)));
    let pem_body: String = (0..10).map(|i| rand(B64, 64, 100 + i) + "\\n").collect();
    let sa = format!(
        "{{\n  \"type\": \"service_account\",\n  \"project_id\": \"p\",\n  \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n{pem_body}-----END PRIVATE KEY-----\\n\"\n}}\n"
    );
    // The GCP rule wins over the generic private-key rule on the same bytes.
    assert_finds("gcp-service-account", &sa);
    let key = format!("{}==", rand(B64, 86, 29));
    assert_finds(
        "azure-storage-connection-string",
        &format!(
            "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={key};EndpointSuffix=core.windows.net"
        ),
    );
    assert_finds(
        "azure-storage-account-key",
        &format!("AZURE_STORAGE_KEY=\"{key}\""),
    );
    // The storage emulator's published key.
    assert_clean(
        &[
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=",
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
        ]
        .concat(),
    );
}

#[test]
fn docker_config() {
    use base64::Engine as _;
    let auth =
        base64::engine::general_purpose::STANDARD.encode(format!("ci:{}", rand(B62, 20, 30)));
    assert_finds(
        "docker-config-auth",
        &format!(
            "{{\n \"auths\": {{\n  \"registry.example.org\": {{\n   \"auth\": \"{auth}\"\n  }}\n }}\n}}"
        ),
    );
    // Not base64 of user:pass.
    assert_clean("{\"auths\": {\"r\": {\"auth\": \"bm9jb2xvbg==\"}}}");
    // No "auths" object: some other JSON with an `auth` field.
    assert_clean(&format!("{{\"auth\": \"{auth}\"}}"));
}

#[test]
fn private_keys() {
    for label in ["RSA ", "EC ", "DSA ", "OPENSSH ", "ENCRYPTED ", ""] {
        let body: String = (0..8).map(|i| rand(B64, 64, 200 + i) + "\n").collect();
        let pem = format!(
            "x\n-----BEGIN {label}PRIVATE KEY-----\n{body}-----END {label}PRIVATE KEY-----\n"
        );
        let f = scanner().scan_file("k.pem", pem.as_bytes());
        assert_eq!(f.len(), 1, "{label}");
        assert_eq!(f[0].rule_id, "private-key");
        assert_eq!(f[0].location.line, Some(3));
        assert_eq!(f[0].location.end_line, Some(11));
        assert!(!f[0].redacted.as_str().contains(&body[10..20]));
    }
    let pgp_body: String = (0..6).map(|i| rand(B64, 64, 300 + i) + "\n").collect();
    assert_finds(
        "private-key",
        &format!(
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: x\n\n{pgp_body}-----END PGP PRIVATE KEY BLOCK-----\n"
        ),
    );
    // Encrypted legacy PEM with headers.
    let body: String = (0..6).map(|i| rand(B64, 64, 400 + i) + "\n").collect();
    assert_finds(
        "private-key",
        &format!(
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n{body}-----END RSA PRIVATE KEY-----"
        ),
    );
    // Documentation stubs and unterminated blocks are not reported.
    assert_clean("-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----\n");
    assert_clean(&format!("-----BEGIN RSA PRIVATE KEY-----\n{body}"));
    assert_clean(&format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{body}-----END EC PRIVATE KEY-----"
    ));
    assert_clean("if line == \"-----BEGIN PRIVATE KEY-----\" { parse() }");
}

#[test]
fn jwt() {
    use base64::Engine as _;
    let e = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = e.encode(r#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = e.encode(format!(
        r#"{{"sub":"svc-{}","iat":1700000000}}"#,
        rand(B62, 8, 31)
    ));
    let sig = rand(B62, 43, 32);
    assert_finds(
        "jwt-token",
        &format!("Authorization: Bearer {header}.{payload}.{sig}"),
    );
    // Header without alg.
    let bad = e.encode(r#"{"typ":"JWT"}"#);
    assert_clean(&format!("{bad}.{payload}.{sig}"));
    // jwt.io sample.
    let sample = e.encode(r#"{"sub":"1234567890","name":"John Doe","iat":1516239022}"#);
    assert_clean(&format!("{header}.{sample}.{sig}"));
}

#[test]
fn database_urls() {
    let pw = rand(B62, 16, 33);
    for scheme in [
        "postgres",
        "postgresql",
        "mysql",
        "mongodb",
        "mongodb+srv",
        "redis",
        "amqp",
    ] {
        assert_finds(
            "database-url-password",
            &format!("url = \"{scheme}://app:{pw}@db.internal:5432/app\""),
        );
    }
    assert_clean("DATABASE_URL=postgres://postgres:postgres@localhost/db");
    assert_clean("postgres://user:password@localhost/db");
    assert_clean("mysql://root:${MYSQL_PASSWORD}@db/app");
    assert_clean("amqp://guest:guest@rabbit:5672/");
    assert_clean("postgres://app@db/app");
    assert_clean(&format!("mongodb://u:{pw}@mongodb0.example.com:27017"));
}

#[test]
fn generic_assignments() {
    let pw = format!("{}9!", rand(B62, 14, 34));
    assert_finds("generic-secret-assignment", &format!("DB_PASSWORD={pw}\n"));
    assert_finds(
        "generic-secret-assignment",
        &format!("export API_KEY={pw}\n"),
    );
    assert_finds(
        "generic-secret-assignment",
        &format!("  client_secret: \"{pw}\"\n"),
    );
    assert_finds(
        "generic-secret-assignment",
        &format!("{{\"token\": \"{pw}\"}}"),
    );
    for placeholder in [
        "DB_PASSWORD=changeme123",
        "DB_PASSWORD=${DB_PASSWORD}",
        "password: <password>",
        "password = \"xxxxxxxxxxxx\"",
        "api_key: \"your-api-key-here\"",
        "secret = os.environ[\"SECRET\"]",
        "token: {{ .Values.token }}",
        "password=dummy_pass_1",
        "password = \"correct horse battery staple\"",
        "password_file=/run/secrets/db",
        "token_type = \"Bearer9\"",
        "csrf_token = \"a8f9Zk2Lq0\"",
        "password: hunter2",
    ] {
        assert_clean(placeholder);
    }
    // Unquoted values in source code are identifiers, not config.
    let f = scanner().scan_file("src/lib.rs", format!("token: Token{pw}\n").as_bytes());
    assert!(f.is_empty(), "{f:?}");
    // Unquoted but not at line start (an expression) is not reported.
    assert_clean(&format!("if token == {pw} then"));
}

#[test]
fn other_vendors() {
    assert_finds(
        "age-secret-key",
        &format!(
            "AGE-SECRET-KEY-1{}",
            rand(b"QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58, 35)
        ),
    );
    assert_finds(
        "hugging-face-access-token",
        &format!("HF=hf_{}", rand(B62, 34, 36)),
    );
    assert_finds("shopify-token", &format!("shpat_{}", rand(HEX, 32, 37)));
    assert_finds(
        "openai-api-key",
        &format!("sk-proj-{}T3BlbkFJ{}", rand(B62, 30, 38), rand(B62, 30, 39)),
    );
}

#[test]
fn location_and_redaction() {
    let id = format!("AKIA{}", rand(B32, 16, 40));
    let text = format!("line one\nline two é\n  key = {id} # x\n");
    let f = scanner().scan_file("/etc/app.conf", text.as_bytes());
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].location.path, "/etc/app.conf");
    assert_eq!(f[0].location.line, Some(3));
    assert_eq!(f[0].location.column, Some(9));
    let r = f[0].redacted.as_str();
    assert!(r.starts_with("AKIA") && r.ends_with(&id[18..]), "{r}");
    // The full secret appears nowhere: not in Debug, JSON or the converted finding.
    let debug = format!("{:?}", f[0]);
    let json = serde_json::to_string(&f[0].to_finding()).unwrap();
    for out in [debug, json] {
        assert!(!out.contains(&id), "{out}");
        assert!(!out.contains(&id[4..12]), "{out}");
    }
}

#[test]
fn finding_conversion_carries_layer_properties() {
    let text = format!("t=ghp_{}", rand(B62, 36, 41));
    let f = scanner().scan_file("root/.env", text.as_bytes()).remove(0);
    let f = f
        .with_layer("sha256:abc", Some("RUN echo".into()))
        .with_removed_in_later_layer(true);
    let r = f.to_finding();
    assert_eq!(r.code, "github-pat");
    assert_eq!(r.category, bulwark_report::Category::Secret);
    assert_eq!(r.properties["layer_digest"], "sha256:abc");
    assert_eq!(r.properties["created_by"], "RUN echo");
    assert_eq!(r.properties["removed_in_later_layer"], true);
    assert!(r.message.contains("deleted by a later layer"));
}

#[test]
fn skips_binary_large_and_globbed_paths() {
    let text = format!("t=ghp_{}", rand(B62, 36, 42));
    let s = Scanner::new(&SecretConfig {
        skip_files: vec!["**/*.log".into()],
        skip_dirs: vec!["/opt/cache".into()],
        max_file_size: Some(64),
        ..SecretConfig::default()
    })
    .unwrap();
    assert_eq!(s.scan_file("app/.env", text.as_bytes()).len(), 1);
    assert!(s.scan_file("var/log/x.log", text.as_bytes()).is_empty());
    assert!(
        s.scan_file("/opt/cache/a/b.txt", text.as_bytes())
            .is_empty()
    );
    assert!(!s.wants("opt/cache/x", 1));
    let mut big = text.clone().into_bytes();
    big.extend(std::iter::repeat_n(b' ', 100));
    assert!(s.scan_file("app/.env", &big).is_empty());
    let mut bin = text.into_bytes();
    bin.insert(0, 0);
    let r = s.scan_file_detailed("app/.env", &bin);
    assert_eq!(r.skipped, Some(bulwark_secrets::SkipReason::Binary));
}

#[test]
fn builtin_path_allow_rules_can_be_disabled() {
    let text = format!("t=ghp_{}", rand(B62, 36, 43));
    assert!(
        scanner()
            .scan_file("pkg/tests/fixture.txt", text.as_bytes())
            .is_empty()
    );
    let s = Scanner::new(&SecretConfig {
        disable_allow_rules: vec!["tests".into()],
        ..SecretConfig::default()
    })
    .unwrap();
    assert_eq!(
        s.scan_file("pkg/tests/fixture.txt", text.as_bytes()).len(),
        1
    );
}

#[test]
fn custom_rules_and_allow_rules() {
    let cfg: SecretConfig = serde_json::from_str(
        r#"{
        "rules": [{"id": "corp-token", "title": "Corp token", "regex": "corp_(?P<secret>[a-z0-9]{20})",
                   "keywords": ["corp_"], "severity": "CRITICAL"}],
        "allow-rules": [{"id": "known", "regex": "^ghp_A"}],
        "disable-rules": ["jwt-token"]
    }"#,
    )
    .unwrap();
    let s = Scanner::new(&cfg).unwrap();
    let corp = format!(
        "corp_{}",
        rand(b"abcdefghijklmnopqrstuvwxyz0123456789", 20, 44)
    );
    let f = s.scan_file("a.txt", corp.as_bytes());
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule_id, "corp-token");
    assert_eq!(f[0].severity, bulwark_report::Severity::Critical);
    assert!(s.rule_infos().iter().any(|r| r.code == "corp-token"));
    assert!(!s.rule_infos().iter().any(|r| r.code == "jwt-token"));
    let allowed = format!("ghp_A{}", rand(B62, 35, 45));
    assert!(s.scan_file("a.txt", allowed.as_bytes()).is_empty());
    // Errors name the rule.
    let bad = serde_json::from_str::<SecretConfig>(
        r#"{"rules": [{"id": "broken", "description": "d", "regex": "(unclosed"}]}"#,
    )
    .unwrap();
    let err = Scanner::new(&bad).unwrap_err().to_string();
    assert!(err.contains("broken"), "{err}");
    let dup = serde_json::from_str::<SecretConfig>(
        r#"{"rules": [{"id": "github-pat", "description": "d", "regex": "x"}]}"#,
    )
    .unwrap();
    assert!(Scanner::new(&dup).is_err());
}

#[test]
fn every_builtin_rule_is_documented() {
    let infos = bulwark_secrets::builtin_rule_infos();
    assert!(infos.len() >= 30);
    for info in &infos {
        for section in [
            "## What it finds",
            "## Why it matters",
            "## Example",
            "## Fix",
        ] {
            assert!(
                info.help_markdown.contains(section),
                "{} lacks {section}",
                info.code
            );
        }
    }
    let mut codes: Vec<_> = infos.iter().map(|i| i.code.clone()).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), infos.len(), "duplicate rule IDs");
}

#[test]
fn long_minified_line_is_handled() {
    let token = format!("ghp_{}", rand(B62, 36, 46));
    let mut text = "a".repeat(20_000);
    text.push_str(";var t=\"");
    text.push_str(&token);
    text.push_str("\";");
    text.push_str(&"b".repeat(20_000));
    let f = scanner().scan_file("app.min.js", text.as_bytes());
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].location.column, Some(20_009));
}

#[test]
fn source_test_code_and_doc_comments_are_not_reported() {
    let body: String = (0..6).map(|i| rand(B64, 64, 500 + i) + "\n").collect();
    let pem = format!("-----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----");
    let doc: String = pem.lines().flat_map(|l| ["/// ", l, "\n"]).collect();
    let in_tests =
        format!("pub fn f() {{}}\n#[cfg(test)]\nmod tests {{\n const K: &str = \"{pem}\";\n}}\n");
    let before_tests = format!("const K: &str = \"{pem}\";\n#[cfg(test)]\nmod tests {{}}\n");
    let s = scanner();
    assert!(s.scan_file("src/lib.rs", doc.as_bytes()).is_empty());
    assert!(s.scan_file("src/lib.rs", in_tests.as_bytes()).is_empty());
    assert_eq!(s.scan_file("src/lib.rs", before_tests.as_bytes()).len(), 1);
    // Content heuristics apply to source files only: a config file is always scanned.
    assert_eq!(s.scan_file("etc/key.pem", in_tests.as_bytes()).len(), 1);
    let strict = Scanner::new(&SecretConfig {
        disable_allow_rules: vec!["source-test-code".into()],
        ..SecretConfig::default()
    })
    .unwrap();
    assert_eq!(strict.scan_file("src/lib.rs", in_tests.as_bytes()).len(), 1);
}

#[test]
fn scanner_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    let s = scanner();
    assert_send_sync(&s);
    let text = format!("t=ghp_{}", rand(B62, 36, 47));
    let counts: Vec<usize> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|_| scope.spawn(|| s.scan_file("a.env", text.as_bytes()).len()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(counts, vec![1, 1]);
}
