//! Built-in secret rules: identifiers (Trivy's where Trivy has one), keywords for the
//! prefilter, regexes, post-match checks and documentation.

use bulwark_report::{RuleInfo, Severity};

/// Which bytes a rule's regex runs on once one of its keywords was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Window {
    /// The line(s) holding the keyword (capped at a few KiB either side for minified files).
    Line,
    /// The whole file (rules whose keyword is context, not part of the match).
    File,
}

/// Validation run on each regex match before it becomes a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    /// Only the rule's entropy floor and the obvious-fake filter.
    Token,
    /// `key = value` assignment: quoting, placeholder, entropy and shape checks.
    Generic,
    /// AWS secret key: 40 chars, entropy, no placeholder.
    AwsSecret,
    /// JWT: header decodes to a JSON object with `alg`.
    Jwt,
    /// Docker config `auth`: base64 of `user:password`, file has `"auths"`.
    DockerAuth,
    /// GCP service-account JSON: file has `"type": "service_account"`.
    GcpServiceAccount,
    /// Database URL: password is not a placeholder and differs from the user.
    DbUrl,
    /// PEM private key: a matching END line and a base64 body follow.
    PrivateKey,
    /// `.npmrc` `_auth`/`_authToken`: value is not a variable reference.
    NpmAuth,
}

/// Static description of one built-in rule.
pub(crate) struct BuiltinSpec {
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub keywords: &'static [&'static str],
    pub case_sensitive: bool,
    pub regex: &'static str,
    pub window: Window,
    pub check: Check,
    pub min_entropy: f64,
    /// Runs after every other rule and yields to any overlapping match of a specific rule.
    pub low_priority: bool,
    pub why: &'static str,
    pub example: &'static str,
    pub fix: &'static str,
}

const ROTATE: &str = "Revoke the credential at its issuer now (it is in the image's layer history \
even if a later layer deletes the file), then pass it at run time through a secret store, a \
mounted secret file or `docker build --secret` instead of baking it into the image.";

/// Every built-in rule, most specific first (order is the overlap priority).
pub(crate) const BUILTIN: &[BuiltinSpec] = &[
    BuiltinSpec {
        id: "aws-access-key-id",
        title: "AWS Access Key ID",
        severity: Severity::Critical,
        keywords: &["AKIA", "ASIA", "ABIA", "ACCA", "A3T"],
        case_sensitive: true,
        regex: r"(?-u)\b(?P<secret>(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b",
        window: Window::Line,
        check: Check::Token,
        min_entropy: 2.5,
        low_priority: false,
        why: "An access key ID (long-term `AKIA`, temporary `ASIA`) names an IAM credential; \
              where it appears its secret key is usually next to it. Keys ending in `EXAMPLE` \
              (the AWS documentation's `AKIAIOSFODNN7EXAMPLE`) are not reported.",
        example: "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "aws-secret-access-key",
        title: "AWS Secret Access Key",
        severity: Severity::Critical,
        keywords: &[
            "secret_access",
            "secret-access",
            "secretaccess",
            "aws_secret",
            "aws-secret",
            "awssecret",
        ],
        case_sensitive: false,
        regex: r#"(?i-u)(?:aws[_-]?secret[_-]?(?:access[_-]?)?key|secret[_-]?access[_-]?key)["']?\s*(?::=|=>|=|:)\s*["']?(?P<secret>[A-Za-z0-9/+=]{40})(?:[^A-Za-z0-9/+=]|$)"#,
        window: Window::Line,
        check: Check::AwsSecret,
        min_entropy: 3.5,
        low_priority: false,
        why: "The 40-character secret access key signs AWS API requests: with it anyone can act \
              as the IAM user. It is only recognised next to its name \
              (`aws_secret_access_key`, `SecretAccessKey`) because 40 base64 characters alone \
              are everywhere.",
        example: "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "github-pat",
        title: "GitHub Personal Access Token",
        severity: Severity::Critical,
        keywords: &["ghp_"],
        case_sensitive: true,
        regex: r"(?-u)\b(?P<secret>ghp_[A-Za-z0-9]{36})\b",
        window: Window::Line,
        check: Check::Token,
        min_entropy: 3.5,
        low_priority: false,
        why: "A classic personal access token acts as its owner on every repository and \
              organisation the token's scopes reach.",
        example: "GITHUB_TOKEN=ghp_<36 letters and digits>",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "github-oauth",
        title: "GitHub OAuth Access Token",
        severity: Severity::Critical,
        keywords: &["gho_"],
        case_sensitive: true,
        regex: r"(?-u)\b(?P<secret>gho_[A-Za-z0-9]{36})\b",
        window: Window::Line,
        check: Check::Token,
        min_entropy: 3.5,
        low_priority: false,
        why: "An OAuth app user token acts as the user who authorised the app.",
        example: "oauth_token: gho_<36 letters and digits>",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "github-app-token",
        title: "GitHub App Token",
        severity: Severity::Critical,
        keywords: &["ghu_", "ghs_"],
        case_sensitive: true,
        regex: r"(?-u)\b(?P<secret>gh[us]_[A-Za-z0-9]{36})\b",
        window: Window::Line,
        check: Check::Token,
        min_entropy: 3.5,
        low_priority: false,
        why: "GitHub App user-to-server (`ghu_`) and installation (`ghs_`) tokens act with the \
              app's permissions.",
        example: "token=ghs_<36 letters and digits>",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "github-refresh-token",
        title: "GitHub Refresh Token",
        severity: Severity::Critical,
        keywords: &["ghr_"],
        case_sensitive: true,
        regex: r"(?-u)\b(?P<secret>ghr_[A-Za-z0-9]{36,76})\b",
        window: Window::Line,
        check: Check::Token,
        min_entropy: 3.5,
        low_priority: false,
        why: "A refresh token mints new user-to-server tokens.",
        example: "refresh_token: ghr_<76 letters and digits>",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "github-fine-grained-pat",
        title: "GitHub Fine-grained Personal Access Token",
        severity: Severity::Critical,
        keywords: &["github_pat_"],
        case_sensitive: true,
        regex: r"(?-u)\b(?P<secret>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b",
        window: Window::Line,
        check: Check::Token,
        min_entropy: 3.5,
        low_priority: false,
        why: "A fine-grained personal access token acts as its owner on the repositories it \
              was granted.",
        example: "GH_TOKEN=github_pat_<22>_<59>",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "gitlab-pat",
        title: "GitLab Personal Access Token",
        severity: Severity::Critical,
        keywords: &["glpat-"],
        case_sensitive: true,
        regex: r"(?-u)\b(?P<secret>glpat-[A-Za-z0-9_-]{20,64})",
        window: Window::Line,
        check: Check::Token,
        min_entropy: 3.2,
        low_priority: false,
        why: "A GitLab personal access token acts as its owner through the API and Git over HTTPS.",
        example: "private_token: glpat-<20 or more characters>",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "bitbucket-app-password",
        title: "Bitbucket App Password",
        severity: Severity::High,
        keywords: &["ATBB"],
        case_sensitive: true,
        regex: r"(?-u)\b(?P<secret>ATBB[A-Za-z0-9_=.-]{28,64})",
        window: Window::Line,
        check: Check::Token,
        min_entropy: 3.5,
        low_priority: false,
        why: "Bitbucket app passwords (prefix `ATBB`) authenticate Git and API calls as the user.",
        example: "BITBUCKET_APP_PASSWORD=ATBB<32 characters>",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "bitbucket-client-secret",
        title: "Bitbucket OAuth Client Secret",
        severity: Severity::High,
        keywords: &["bitbucket"],
        case_sensitive: false,
        regex: r#"(?i-u)bitbucket[a-z0-9_.-]{0,25}(?:secret|key)["']?\s*(?::=|=>|=|:)\s*["']?(?P<secret>[a-z0-9_-]{32,64})(?:[^a-z0-9_-]|$)"#,
        window: Window::Line,
        check: Check::Token,
        min_entropy: 3.5,
        low_priority: false,
        why: "An OAuth consumer secret lets anyone impersonate the Bitbucket integration.",
        example: "BITBUCKET_CLIENT_SECRET=<32 or more characters>",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "slack-access-token",
        title: "Slack Token",
        severity: Severity::High,
        keywords: &["xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-", "xoxe-"],
        case_sensitive: true,
        regex: r"(?-u)\b(?P<secret>xox[baprse]-[0-9A-Za-z-]{10,250})",
        window: Window::Line,
        check: Check::Token,
        min_entropy: 3.0,
        low_priority: false,
        why: "Slack bot, user and app tokens read and post messages in the workspace.",
        example: "SLACK_BOT_TOKEN=xoxb-<team>-<bot>-<24 characters>",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "slack-web-hook",
        title: "Slack Webhook",
        severity: Severity::Medium,
        keywords: &["hooks.slack.com"],
        case_sensitive: false,
        regex: r"(?-u)(?P<secret>https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_-]{20,120})",
        window: Window::Line,
        check: Check::Token,
        min_entropy: 3.5,
        low_priority: false,
        why: "An incoming-webhook URL lets anyone post into the channel it is bound to.",
        example: "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "stripe-secret-token",
        title: "Stripe Secret Key",
        severity: Severity::Critical,
        keywords: &["sk_live_"],
        case_sensitive: true,
        regex: r"(?-u)\b(?P<secret>sk_live_[0-9A-Za-z]{20,247})\b",
        window: Window::Line,
        check: Check::Token,
        min_entropy: 3.5,
        low_priority: false,
        why: "A live-mode secret key moves real money. Test-mode keys (`sk_test_`) are not \
              reported: Stripe publishes some in its documentation and they cannot charge cards.",
        example: "STRIPE_KEY=sk_live_<24 or more characters>",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "stripe-restricted-token",
        title: "Stripe Restricted Key",
        severity: Severity::High,
        keywords: &["rk_live_"],
        case_sensitive: true,
        regex: r"(?-u)\b(?P<secret>rk_live_[0-9A-Za-z]{20,247})\b",
        window: Window::Line,
        check: Check::Token,
        min_entropy: 3.5,
        low_priority: false,
        why: "A live-mode restricted key has the API permissions it was created with.",
        example: "STRIPE_KEY=rk_live_<24 or more characters>",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "twilio-api-key",
        title: "Twilio API Key",
        severity: Severity::High,
        keywords: &["twilio"],
        case_sensitive: false,
        regex: r"(?-u)\b(?P<secret>SK[0-9a-fA-F]{32})\b",
        window: Window::File,
        check: Check::Token,
        min_entropy: 3.0,
        low_priority: false,
        why: "A Twilio API key SID (`SK` + 32 hex) with its secret sends messages and calls on \
              the account. `SK` + hex is too common to match alone, so the file must also \
              mention Twilio.",
        example: "TWILIO_API_KEY=SK<32 hex digits>",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "twilio-account-sid",
        title: "Twilio Account SID",
        severity: Severity::Low,
        keywords: &["twilio"],
        case_sensitive: false,
        regex: r"(?-u)\b(?P<secret>AC[0-9a-f]{32})\b",
        window: Window::File,
        check: Check::Token,
        min_entropy: 3.0,
        low_priority: false,
        why: "An account SID is an identifier, not a secret, but its auth token is usually next \
              to it; reported at low severity so the token is looked for.",
        example: "TWILIO_ACCOUNT_SID=AC<32 hex digits>",
        fix: "Check the surrounding file for the auth token and remove both from the image.",
    },
    BuiltinSpec {
        id: "sendgrid-api-token",
        title: "SendGrid API Token",
        severity: Severity::High,
        keywords: &["SG."],
        case_sensitive: true,
        regex: r"(?-u)\b(?P<secret>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?:[^A-Za-z0-9_-]|$)",
        window: Window::Line,
        check: Check::Token,
        min_entropy: 3.5,
        low_priority: false,
        why: "A SendGrid API key sends e-mail as your domain.",
        example: "SENDGRID_API_KEY=SG.<22>.<43>",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "npm-access-token",
        title: "npm Access Token",
        severity: Severity::Critical,
        keywords: &["npm_"],
        case_sensitive: true,
        regex: r"(?-u)\b(?P<secret>npm_[A-Za-z0-9]{36})\b",
        window: Window::Line,
        check: Check::Token,
        min_entropy: 3.5,
        low_priority: false,
        why: "An npm token publishes packages as its owner: a supply-chain risk for every user of \
              those packages.",
        example: "//registry.npmjs.org/:_authToken=npm_<36 characters>",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "npmrc-auth-token",
        title: "npm Registry Credential in .npmrc",
        severity: Severity::High,
        keywords: &["_auth"],
        case_sensitive: false,
        regex: r#"(?-u)(?:^|[\s:])_auth(?:Token)?\s*=\s*["']?(?P<secret>[^\s"']{8,512})"#,
        window: Window::Line,
        check: Check::NpmAuth,
        min_entropy: 3.0,
        low_priority: false,
        why: "`_authToken=` (a bearer token) or `_auth=` (base64 `user:password`) in an `.npmrc` \
              authenticates to the registry. Values that reference a variable \
              (`${NPM_TOKEN}`) are not reported.",
        example: "//registry.example.org/:_authToken=<token>",
        fix: "Use `_authToken=${NPM_TOKEN}` and pass the token at build time with \
              `--secret`; delete the `.npmrc` in the same RUN step that used it.",
    },
    BuiltinSpec {
        id: "pypi-upload-token",
        title: "PyPI Upload Token",
        severity: Severity::High,
        keywords: &["pypi-AgEIcHlwaS5vcmc"],
        case_sensitive: true,
        regex: r"(?-u)(?P<secret>pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000})",
        window: Window::Line,
        check: Check::Token,
        min_entropy: 3.5,
        low_priority: false,
        why: "A PyPI API token uploads releases of the projects it is scoped to.",
        example: "password = pypi-AgEIcHlwaS5vcmc<macaroon>",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "gcp-service-account",
        title: "Google (GCP) Service Account Key",
        severity: Severity::Critical,
        keywords: &["\"private_key\""],
        case_sensitive: false,
        regex: r#"(?-u)"private_key"\s*:\s*"(?P<secret>-----BEGIN[A-Z ]{0,20}PRIVATE KEY-----[^"]{64,})""#,
        window: Window::Line,
        check: Check::GcpServiceAccount,
        min_entropy: 0.0,
        low_priority: false,
        why: "A service-account key file (`\"type\": \"service_account\"` with a `private_key`) \
              authenticates as that service account to every Google Cloud API it has roles on.",
        example: "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n...\"}",
        fix: "Delete the key in IAM, use workload identity or a mounted secret instead of a key file.",
    },
    BuiltinSpec {
        id: "google-api-key",
        title: "Google API Key",
        severity: Severity::High,
        keywords: &["AIza"],
        case_sensitive: true,
        regex: r"(?-u)\b(?P<secret>AIza[0-9A-Za-z_-]{35})(?:[^0-9A-Za-z_-]|$)",
        window: Window::Line,
        check: Check::Token,
        min_entropy: 3.5,
        low_priority: false,
        why: "A Google API key bills the project for every API the key is not restricted from.",
        example: "GOOGLE_API_KEY=AIza<35 characters>",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "azure-storage-connection-string",
        title: "Azure Storage Connection String",
        severity: Severity::Critical,
        keywords: &["DefaultEndpointsProtocol"],
        case_sensitive: false,
        regex: r"(?i-u)DefaultEndpointsProtocol=https?;(?:[A-Za-z]+=[^;\s]*;)*?AccountKey=(?P<secret>[A-Za-z0-9+/]{86}==)",
        window: Window::Line,
        check: Check::Token,
        min_entropy: 4.0,
        low_priority: false,
        why: "A connection string with `AccountKey=` grants full control of the storage account. \
              The Azurite emulator's published development key is not reported.",
        example: "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=<88 base64>;EndpointSuffix=core.windows.net",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "azure-storage-account-key",
        title: "Azure Storage Account Key",
        severity: Severity::Critical,
        keywords: &[
            "accountkey",
            "account_key",
            "account-key",
            "storage_key",
            "storagekey",
        ],
        case_sensitive: false,
        regex: r#"(?i-u)(?:account|storage)[_-]?key["']?\s*(?::=|=>|=|:)\s*["']?(?P<secret>[A-Za-z0-9+/]{86}==)"#,
        window: Window::Line,
        check: Check::Token,
        min_entropy: 4.0,
        low_priority: false,
        why: "A storage account key (88 base64 characters) grants full control of the account.",
        example: "AZURE_STORAGE_KEY=<88 base64 characters ending in ==>",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "docker-config-auth",
        title: "Docker Registry Credential (config.json auths)",
        severity: Severity::High,
        keywords: &["\"auth\""],
        case_sensitive: false,
        regex: r#"(?-u)"auth"\s*:\s*"(?P<secret>[A-Za-z0-9+/]{6,}={0,2})""#,
        window: Window::Line,
        check: Check::DockerAuth,
        min_entropy: 0.0,
        low_priority: false,
        why: "`~/.docker/config.json` stores `auths.<registry>.auth` as base64 of \
              `user:password`: anyone reading the image can push and pull as that user.",
        example: "{\"auths\": {\"registry.example.org\": {\"auth\": \"dXNlcjpwYXNz\"}}}",
        fix: "Log in inside a single RUN with `--mount=type=secret` and remove the config in \
              that step, or use a credential helper.",
    },
    BuiltinSpec {
        id: "private-key",
        title: "Asymmetric Private Key",
        severity: Severity::High,
        keywords: &["PRIVATE KEY-----", "PRIVATE KEY BLOCK-----"],
        case_sensitive: true,
        regex: r"(?-u)-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP |SSH2 ENCRYPTED |ANY )?PRIVATE KEY(?: BLOCK)?)-----",
        window: Window::Line,
        check: Check::PrivateKey,
        min_entropy: 0.0,
        low_priority: false,
        why: "A PEM/OpenSSH/PGP private key (encrypted or not: an encrypted key falls to an \
              offline passphrase guess) lets anyone impersonate the TLS server, SSH host or \
              signer. Only a complete BEGIN ... END block with a key body is reported.",
        example: "-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----",
        fix: "Replace the key pair and mount the new private key at run time (Kubernetes \
              Secret, Docker secret); never COPY it into the image.",
    },
    BuiltinSpec {
        id: "age-secret-key",
        title: "age Secret Key",
        severity: Severity::High,
        keywords: &["AGE-SECRET-KEY-1"],
        case_sensitive: true,
        regex: r"(?-u)(?P<secret>AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})",
        window: Window::Line,
        check: Check::Token,
        min_entropy: 3.5,
        low_priority: false,
        why: "An age identity decrypts every file encrypted to its recipient.",
        example: "AGE-SECRET-KEY-1<58 bech32 characters>",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "hugging-face-access-token",
        title: "Hugging Face Access Token",
        severity: Severity::High,
        keywords: &["hf_"],
        case_sensitive: true,
        regex: r"(?-u)\b(?P<secret>hf_[A-Za-z0-9]{34,40})\b",
        window: Window::Line,
        check: Check::Token,
        min_entropy: 3.5,
        low_priority: false,
        why: "A Hugging Face token reads (and with write scope, pushes) private models and datasets.",
        example: "HF_TOKEN=hf_<34 or more characters>",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "shopify-token",
        title: "Shopify Token",
        severity: Severity::High,
        keywords: &["shpss_", "shpat_", "shpca_", "shppa_"],
        case_sensitive: true,
        regex: r"(?-u)\b(?P<secret>shp(?:ss|at|ca|pa)_[a-fA-F0-9]{32})\b",
        window: Window::Line,
        check: Check::Token,
        min_entropy: 3.0,
        low_priority: false,
        why: "Shopify access tokens and shared secrets act on the shop's admin API.",
        example: "SHOPIFY_TOKEN=shpat_<32 hex digits>",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "openai-api-key",
        title: "OpenAI API Key",
        severity: Severity::High,
        keywords: &["T3BlbkFJ"],
        case_sensitive: true,
        regex: r"(?-u)\b(?P<secret>sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200})",
        window: Window::Line,
        check: Check::Token,
        min_entropy: 3.5,
        low_priority: false,
        why: "An OpenAI key bills API usage to the organisation.",
        example: "OPENAI_API_KEY=sk-proj-<...>T3BlbkFJ<...>",
        fix: ROTATE,
    },
    BuiltinSpec {
        id: "jwt-token",
        title: "JSON Web Token",
        severity: Severity::Medium,
        keywords: &["eyJ"],
        case_sensitive: true,
        regex: r"(?-u)\b(?P<secret>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{0,1024})",
        window: Window::Line,
        check: Check::Jwt,
        min_entropy: 0.0,
        low_priority: false,
        why: "A bearer JWT is accepted by its audience until it expires (often never, for service \
              tokens). Only three base64url parts whose header decodes to JSON with `alg` are \
              reported; the jwt.io sample token is not.",
        example: "Authorization: Bearer eyJhbGciOi...<payload>.<signature>",
        fix: "Revoke or let the token expire, rotate the signing key if the token never expires, \
              and inject tokens at run time.",
    },
    BuiltinSpec {
        id: "database-url-password",
        title: "Database URL with Password",
        severity: Severity::High,
        keywords: &[
            "postgres://",
            "postgresql://",
            "mysql://",
            "mariadb://",
            "mongodb://",
            "mongodb+srv://",
            "redis://",
            "rediss://",
            "amqp://",
            "amqps://",
            "mssql://",
            "sqlserver://",
        ],
        case_sensitive: false,
        regex: r#"(?i-u)\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver)://(?P<user>[^:@/\s"'<>`]{0,64}):(?P<secret>[^@/\s"'<>`]{1,128})@(?P<host>[^\s/"'<>:`]{1,253})"#,
        window: Window::Line,
        check: Check::DbUrl,
        min_entropy: 0.0,
        low_priority: false,
        why: "A connection URL with an inline password (`postgres://app:pw@db/app`) gives the \
              database to whoever reads the file. Placeholder passwords (`password`, `${PW}`, \
              `<pass>`, `changeme`) and a password equal to the user name (`postgres:postgres`, \
              the documentation default) are not reported.",
        example: "DATABASE_URL=postgres://app:<password>@db.internal:5432/app",
        fix: "Pass the password separately at run time (`PGPASSWORD` from a secret, a \
              `*_FILE` variable) and rotate it.",
    },
    BuiltinSpec {
        id: "generic-secret-assignment",
        title: "Hard-coded Secret Assignment",
        severity: Severity::Medium,
        keywords: &[
            "password",
            "passwd",
            "passphrase",
            "secret",
            "token",
            "api_key",
            "apikey",
            "api-key",
            "access_key",
            "accesskey",
            "private_key",
            "privatekey",
            "credential",
        ],
        case_sensitive: false,
        regex: r#"(?i-u)(?P<key>[a-z0-9_.-]{0,40}?(?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|auth[_-]?key|private[_-]?key|client[_-]?secret|credentials?))(?P<kq>["']?)[ \t]*(?P<op>:=|=>|=|:)[ \t]*(?P<q>["'`]?)(?P<secret>[^\s"'`]{8,200})"#,
        window: Window::Line,
        check: Check::Generic,
        min_entropy: 3.0,
        low_priority: true,
        why: "A literal value assigned to a name like `password`, `secret`, `token` or \
              `api_key` in configuration or code. To stay quiet on real source trees the value \
              must be a single quoted string or an unquoted config value at the start of a \
              line, at least 8 characters, Shannon entropy at least 3 bits per character, two \
              or more character classes, and not a placeholder (`changeme`, `${VAR}`, \
              `<password>`, `xxxx`, `example`, `dummy`, `test`, env lookups, paths). Short or \
              dictionary passwords are therefore missed: a deliberate recall trade-off.",
        example: "DB_PASSWORD=Tr0ub4dor&3x",
        fix: "Read the value from the environment or a mounted secret file at run time.",
    },
];

/// Builds the Markdown help (what / why / example / fix) of a built-in rule.
pub(crate) fn help_markdown(spec: &BuiltinSpec) -> String {
    format!(
        "## What it finds\n\n{title}.\n\n## Why it matters\n\n{why}\n\n## Example\n\n```\n{example}\n```\n\n## Fix\n\n{fix}\n",
        title = spec.title,
        why = spec.why,
        example = spec.example,
        fix = spec.fix,
    )
}

/// Registry entries ([`RuleInfo`]) for every built-in secret rule, in priority order.
///
/// The codes are the rule IDs (`aws-access-key-id`, ...), chosen to match Trivy's where Trivy
/// has the rule, so existing ignore files keep meaning the same thing.
#[must_use]
pub fn builtin_rule_infos() -> Vec<RuleInfo> {
    BUILTIN
        .iter()
        .map(|spec| RuleInfo {
            code: spec.id.to_string(),
            // The code is already the kebab-case name.
            name: None,
            summary: spec.title.to_string(),
            help_markdown: help_markdown(spec),
            default_severity: spec.severity,
            help_uri: Some(bulwark_report::rule_docs_url(spec.id)),
        })
        .collect()
}

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
        help_uri: Some(bulwark_report::rule_docs_url(SECRET_IN_VARIABLE)),
    }
}
