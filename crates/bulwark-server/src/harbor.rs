//! Harbor's Pluggable Scanner Adapter API v1.2: media types, the scan request, and the
//! vulnerability and SBOM report documents (after goharbor/pluggable-scanner-spec and what
//! harbor-scanner-trivy sends).

use std::collections::BTreeMap;

use bulwark_oci::{Credential, Digest};
use bulwark_report::{Finding, Severity};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Metadata response.
pub const MIME_METADATA: &str = "application/vnd.scanner.adapter.metadata+json; version=1.0";
/// Scan request bodies Harbor sends.
pub const MIME_SCAN_REQUEST: &str = "application/vnd.scanner.adapter.scan.request+json";
/// Scan response.
pub const MIME_SCAN_RESPONSE: &str =
    "application/vnd.scanner.adapter.scan.response+json; version=1.0";
/// Error documents.
pub const MIME_ERROR: &str = "application/vnd.scanner.adapter.error+json; version=1.0";
/// Vulnerability report, v1.2 form.
pub const MIME_VULN_1_1: &str = "application/vnd.security.vulnerability.report; version=1.1";
/// Vulnerability report, Harbor 1.0 form.
pub const MIME_VULN_HARBOR: &str =
    "application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0";
/// SBOM report.
pub const MIME_SBOM: &str = "application/vnd.security.sbom.report+json; version=1.0";
/// SPDX media type inside SBOM reports.
pub const MEDIA_SPDX: &str = "application/spdx+json";
/// CycloneDX media type inside SBOM reports.
pub const MEDIA_CYCLONEDX: &str = "application/vnd.cyclonedx+json";
/// Artifact types the scanner consumes.
pub const CONSUMES: [&str; 2] = [
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
];

/// The report a client asks for (from `Accept`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    /// Vulnerabilities, served as the given media type.
    Vulnerability(&'static str),
    /// SBOM.
    Sbom,
}

/// Normalises a media type for comparison: lower case, no spaces around `;` and `=`.
fn normalise(m: &str) -> String {
    m.split(';')
        .map(|p| p.trim().to_ascii_lowercase().replace(' ', ""))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(";")
}

/// The report kind an `Accept` header asks for; `None` when it names nothing we produce.
/// Empty, `*/*` and `application/*` mean the vulnerability report (v1.1), as
/// harbor-scanner-trivy answers.
pub fn report_kind(accept: Option<&str>) -> Option<ReportKind> {
    let Some(accept) = accept.map(str::trim).filter(|a| !a.is_empty()) else {
        return Some(ReportKind::Vulnerability(MIME_VULN_1_1));
    };
    let mut wildcard = false;
    // A comma splits alternatives; media-type parameters never hold commas here.
    for alt in accept.split(',') {
        let n = normalise(alt);
        let base = n.split(";q=").next().unwrap_or("");
        if base == normalise(MIME_VULN_1_1) {
            return Some(ReportKind::Vulnerability(MIME_VULN_1_1));
        }
        if base == normalise(MIME_VULN_HARBOR) {
            return Some(ReportKind::Vulnerability(MIME_VULN_HARBOR));
        }
        if base == normalise(MIME_SBOM) {
            return Some(ReportKind::Sbom);
        }
        if base == "*/*" || base == "application/*" {
            wildcard = true;
        }
    }
    wildcard.then_some(ReportKind::Vulnerability(MIME_VULN_1_1))
}

/// Registry part of a scan request.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Registry {
    /// Base URL of the registry (`https://core.harbor.domain`).
    #[serde(default)]
    pub url: String,
    /// `Basic BASE64` or `Bearer TOKEN` for the registry; never logged or stored.
    #[serde(default)]
    pub authorization: Option<String>,
}

/// The artifact to scan.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Artifact {
    /// Repository name.
    #[serde(default)]
    pub repository: String,
    /// Manifest digest.
    #[serde(default)]
    pub digest: String,
    /// Tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Artifact media type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
}

/// One enabled capability of a scan request.
#[derive(Debug, Clone, Deserialize)]
pub struct EnabledCapability {
    /// `vulnerability` or `sbom`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Report media types wanted.
    #[serde(default)]
    pub produces_mime_types: Option<Vec<String>>,
    /// SBOM parameters.
    #[serde(default)]
    pub parameters: Option<SbomParameters>,
}

/// `sbom_media_types` of an SBOM capability.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SbomParameters {
    /// SPDX and/or CycloneDX.
    #[serde(default)]
    pub sbom_media_types: Option<Vec<String>>,
}

/// A scan request as Harbor sends it.
#[derive(Debug, Clone, Deserialize)]
pub struct ScanRequest {
    /// Where to pull from.
    pub registry: Registry,
    /// What to pull.
    pub artifact: Artifact,
    /// Capabilities wanted (all when absent).
    #[serde(default)]
    pub enabled_capabilities: Option<Vec<EnabledCapability>>,
}

/// A request that cannot be accepted: HTTP status and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// 400 (bad JSON), 422 (invalid field).
    pub status: u16,
    /// What is wrong.
    pub message: String,
}

fn reject(status: u16, message: impl Into<String>) -> Rejection {
    Rejection {
        status,
        message: message.into(),
    }
}

/// A validated scan request.
#[derive(Clone)]
pub struct ValidScan {
    /// `HOST[:PORT]/REPOSITORY@DIGEST`.
    pub image: String,
    /// Registry `HOST[:PORT]`.
    pub registry_host: String,
    /// The URL said `http://`.
    pub plain_http: bool,
    /// The artifact as requested.
    pub artifact: Artifact,
    /// Credentials for this scan only.
    pub credential: Option<Credential>,
}

impl std::fmt::Debug for ValidScan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValidScan")
            .field("image", &self.image)
            .field("plain_http", &self.plain_http)
            .field("credential", &self.credential.as_ref().map(|_| "***"))
            .finish_non_exhaustive()
    }
}

/// `HOST[:PORT]` of a registry URL, and whether it is plain HTTP.
pub fn registry_host(url: &str) -> Result<(String, bool), String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("registry.url `{url}` is not an http(s) URL"))?;
    let plain = match scheme.to_ascii_lowercase().as_str() {
        "http" => true,
        "https" => false,
        other => {
            return Err(format!(
                "registry.url scheme `{other}` is not http or https"
            ));
        }
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let valid = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]_".contains(&b));
    if !valid {
        return Err(format!("registry.url `{url}` has no valid host"));
    }
    Ok((host.to_ascii_lowercase(), plain))
}

/// The registry part of an image reference for `host`: a bare single-label host (`harbor-core`)
/// would read as a Docker Hub namespace, so it gets its scheme's default port, as
/// harbor-scanner-trivy does.
pub fn reference_host(host: &str, plain_http: bool) -> String {
    if host.contains('.') || host.contains(':') || host == "localhost" {
        host.to_owned()
    } else {
        format!("{host}:{}", if plain_http { 80 } else { 443 })
    }
}

/// Parses the `authorization` value: `Basic BASE64(user:password)` or `Bearer TOKEN`.
pub fn parse_authorization(value: &str) -> Result<Credential, String> {
    use base64::Engine as _;
    let (scheme, rest) = value
        .trim()
        .split_once(' ')
        .ok_or("registry.authorization must be `Basic <base64>` or `Bearer <token>`")?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("basic") {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(rest)
            .map_err(|_| "registry.authorization: Basic credentials are not valid base64")?;
        let text = String::from_utf8(bytes)
            .map_err(|_| "registry.authorization: Basic credentials are not UTF-8")?;
        let (user, password) = text
            .split_once(':')
            .ok_or("registry.authorization: Basic credentials lack `user:password`")?;
        Ok(Credential::Basic {
            username: user.to_owned(),
            password: password.to_owned(),
        })
    } else if scheme.eq_ignore_ascii_case("bearer") && !rest.is_empty() {
        Ok(Credential::RegistryToken(rest.to_owned()))
    } else {
        Err("registry.authorization must be `Basic <base64>` or `Bearer <token>`".into())
    }
}

fn valid_repository(r: &str) -> bool {
    !r.is_empty()
        && r.len() <= 255
        && r.split('/').all(|c| {
            !c.is_empty()
                && c.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        })
}

/// Parses and validates a scan request body (as harbor-scanner-trivy does: 400 for bad JSON,
/// 422 for invalid fields).
pub fn parse_scan_request(body: &[u8]) -> Result<ValidScan, Rejection> {
    let req: ScanRequest = serde_json::from_slice(body).map_err(|e| {
        reject(
            400,
            format!("the scan request is not valid JSON of the expected shape: {e}"),
        )
    })?;
    for c in req.enabled_capabilities.iter().flatten() {
        match c.kind.as_str() {
            "vulnerability" => {}
            "sbom" => {
                let types = c
                    .parameters
                    .as_ref()
                    .and_then(|p| p.sbom_media_types.as_ref());
                for t in types.into_iter().flatten() {
                    if t != MEDIA_SPDX && t != MEDIA_CYCLONEDX {
                        return Err(reject(422, format!("unsupported SBOM media type `{t}`")));
                    }
                }
            }
            other => {
                return Err(reject(
                    422,
                    format!("unsupported capability type `{other}`"),
                ));
            }
        }
    }
    if req.registry.url.is_empty() {
        return Err(reject(422, "missing registry.url"));
    }
    let (host, plain_http) = registry_host(&req.registry.url).map_err(|m| reject(422, m))?;
    if !valid_repository(&req.artifact.repository) {
        return Err(reject(
            422,
            format!(
                "artifact.repository `{}` is missing or not a repository name",
                req.artifact.repository
            ),
        ));
    }
    let digest = Digest::parse(&req.artifact.digest).map_err(|e| {
        reject(
            422,
            format!(
                "artifact.digest `{}` is missing or invalid: {}",
                req.artifact.digest, e.reason
            ),
        )
    })?;
    let credential = match req.registry.authorization.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(a) => Some(parse_authorization(a).map_err(|m| reject(422, m))?),
    };
    Ok(ValidScan {
        image: format!(
            "{}/{}@{digest}",
            reference_host(&host, plain_http),
            req.artifact.repository
        ),
        registry_host: host,
        plain_http,
        artifact: Artifact {
            digest: digest.to_string(),
            ..req.artifact
        },
        credential,
    })
}

/// Harbor's severity names.
pub fn harbor_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical",
        Severity::High | Severity::Error => "High",
        Severity::Medium | Severity::Warning => "Medium",
        Severity::Low | Severity::Info | Severity::Style => "Low",
        Severity::Unknown => "Unknown",
    }
}

fn prop<'a>(f: &'a Finding, k: &str) -> Option<&'a str> {
    f.properties.get(k).and_then(Value::as_str)
}

/// One Harbor vulnerability item from a Bulwark vulnerability finding.
pub fn vulnerability_item(f: &Finding) -> Value {
    let mut item = serde_json::Map::new();
    item.insert("id".into(), json!(f.code));
    item.insert("package".into(), json!(prop(f, "package").unwrap_or("")));
    item.insert(
        "version".into(),
        json!(prop(f, "installed_version").unwrap_or("")),
    );
    if let Some(fixed) = prop(f, "fixed_version").filter(|s| !s.is_empty()) {
        item.insert("fix_version".into(), json!(fixed));
    }
    item.insert("severity".into(), json!(harbor_severity(f.severity)));
    item.insert("description".into(), json!(f.message));
    let links: Vec<&String> = f
        .links
        .iter()
        .filter(|l| l.starts_with("http://") || l.starts_with("https://"))
        .collect();
    item.insert("links".into(), json!(links));
    if let (Some(vector), Some(score)) = (
        prop(f, "cvss_vector"),
        f.properties.get("cvss_score").and_then(Value::as_f64),
    ) {
        let v3 = vector.starts_with("CVSS:3");
        let v2 = !vector.starts_with("CVSS:");
        if v3 || v2 {
            let (sk, vk) = if v3 {
                ("score_v3", "vector_v3")
            } else {
                ("score_v2", "vector_v2")
            };
            item.insert("preferred_cvss".into(), json!({ sk: score, vk: vector }));
        }
    }
    if let Some(layer) = prop(f, "layer_digest") {
        item.insert("layer".into(), json!({ "digest": layer }));
    }
    let mut vendor = serde_json::Map::new();
    for k in [
        "purl",
        "package_type",
        "file_path",
        "ecosystem",
        "source_package",
        "severity_source",
        "rating_source",
    ] {
        if let Some(v) = prop(f, k).filter(|v| !v.is_empty()) {
            vendor.insert(k.into(), json!(v));
        }
    }
    if let Some(a) = f.properties.get("aliases").filter(|a| a.is_array()) {
        vendor.insert("aliases".into(), a.clone());
    }
    vendor.insert("target".into(), json!(f.location.path));
    item.insert("vendor_attributes".into(), Value::Object(vendor));
    Value::Object(item)
}

/// The scanner block of reports and metadata.
pub fn scanner() -> Value {
    json!({ "name": "Bulwark", "vendor": "Bulwark", "version": env!("CARGO_PKG_VERSION") })
}

/// The vulnerability report.
pub fn vulnerability_report(
    artifact: &Artifact,
    findings: &[Finding],
    generated_at: &str,
) -> Value {
    let items: Vec<Value> = findings.iter().map(vulnerability_item).collect();
    let mut report = serde_json::Map::new();
    report.insert("generated_at".into(), json!(generated_at));
    report.insert("artifact".into(), json!(artifact));
    report.insert("scanner".into(), scanner());
    if let Some(top) = findings.iter().map(|f| f.severity).max_by_key(|s| s.rank()) {
        report.insert("severity".into(), json!(harbor_severity(top)));
    }
    report.insert("vulnerabilities".into(), json!(items));
    Value::Object(report)
}

/// The SBOM report around an SBOM document.
pub fn sbom_report(
    artifact: &Artifact,
    media_type: &str,
    sbom: &Value,
    generated_at: &str,
) -> Value {
    json!({
        "generated_at": generated_at,
        "artifact": artifact,
        "scanner": scanner(),
        "vendor_attributes": { "created-by": "bulwark" },
        "media_type": media_type,
        "sbom": sbom,
    })
}

/// The metadata document.
pub fn metadata(properties: &BTreeMap<String, String>) -> Value {
    json!({
        "scanner": scanner(),
        "capabilities": [
            {
                "type": "vulnerability",
                "consumes_mime_types": CONSUMES,
                "produces_mime_types": [MIME_VULN_1_1, MIME_VULN_HARBOR],
            },
            {
                "type": "sbom",
                "consumes_mime_types": CONSUMES,
                "produces_mime_types": [MIME_SBOM],
                "additional_attributes": { "sbom_media_types": [MEDIA_SPDX, MEDIA_CYCLONEDX] },
            }
        ],
        "properties": properties,
    })
}

/// An error document.
pub fn error_body(message: &str) -> Value {
    json!({ "error": { "message": message } })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b";

    #[test]
    fn accept_header_selects_the_report() {
        assert_eq!(
            report_kind(None),
            Some(ReportKind::Vulnerability(MIME_VULN_1_1))
        );
        assert_eq!(
            report_kind(Some("*/*")),
            Some(ReportKind::Vulnerability(MIME_VULN_1_1))
        );
        assert_eq!(
            report_kind(Some(
                "application/vnd.scanner.adapter.vuln.report.harbor+json;version=1.0"
            )),
            Some(ReportKind::Vulnerability(MIME_VULN_HARBOR))
        );
        assert_eq!(report_kind(Some(MIME_SBOM)), Some(ReportKind::Sbom));
        assert_eq!(report_kind(Some("text/html")), None);
    }

    #[test]
    fn scan_request_validation() {
        let ok = format!(
            r#"{{"registry":{{"url":"http://127.0.0.1:5000","authorization":"Basic dXNlcjpwYXNz"}},"artifact":{{"repository":"library/app","digest":"{DIGEST}","tag":"1"}}}}"#
        );
        let v = parse_scan_request(ok.as_bytes()).expect("valid");
        assert_eq!(v.image, format!("127.0.0.1:5000/library/app@{DIGEST}"));
        assert!(v.plain_http);
        assert!(
            matches!(v.credential, Some(Credential::Basic { ref username, ref password }) if username == "user" && password == "pass")
        );
        assert!(!format!("{v:?}").contains("pass"));
        assert_eq!(parse_scan_request(b"{").unwrap_err().status, 400);
        let no_digest = r#"{"registry":{"url":"https://r.example"},"artifact":{"repository":"a"}}"#;
        assert_eq!(
            parse_scan_request(no_digest.as_bytes()).unwrap_err().status,
            422
        );
        let bad_url = format!(
            r#"{{"registry":{{"url":"ftp://x"}},"artifact":{{"repository":"a","digest":"{DIGEST}"}}}}"#
        );
        assert_eq!(
            parse_scan_request(bad_url.as_bytes()).unwrap_err().status,
            422
        );
        let bad_sbom = format!(
            r#"{{"registry":{{"url":"https://r"}},"artifact":{{"repository":"a","digest":"{DIGEST}"}},"enabled_capabilities":[{{"type":"sbom","parameters":{{"sbom_media_types":["text/plain"]}}}}]}}"#
        );
        assert_eq!(
            parse_scan_request(bad_sbom.as_bytes()).unwrap_err().status,
            422
        );
    }

    #[test]
    fn bearer_authorization_is_a_registry_token() {
        assert_eq!(
            parse_authorization("Bearer abc.def"),
            Ok(Credential::RegistryToken("abc.def".into()))
        );
        assert!(parse_authorization("Digest x").is_err());
        assert!(parse_authorization("Basic !!!").is_err());
    }

    #[test]
    fn single_label_registry_hosts_keep_their_registry() {
        let body = format!(
            r#"{{"registry":{{"url":"http://harbor-core"}},"artifact":{{"repository":"library/app","digest":"{DIGEST}"}}}}"#
        );
        let v = parse_scan_request(body.as_bytes()).expect("valid");
        assert_eq!(v.image, format!("harbor-core:80/library/app@{DIGEST}"));
        let r = bulwark_oci::Reference::parse(&v.image).expect("reference");
        assert_eq!(r.registry(), "harbor-core:80");
        assert_eq!(
            reference_host("core.harbor.domain", false),
            "core.harbor.domain"
        );
    }
}
