//! CycloneDX 1.6 JSON writer.

use serde_json::{Map, Value, json};

use super::license::{Declared, classify};
use super::{SbomInput, SbomVulnerability, SubjectKind, content_uuid, package_hash, props, sorted};
use crate::model::Package;

fn prop(name: &str, value: &str) -> Value {
    json!({ "name": name, "value": value })
}

/// A component's `licenses`: an SPDX id as `license.id`, free text as `license.name`; a
/// compound SPDX expression as the one `expression` entry CycloneDX allows (then every other
/// string must be SPDX too, joined with `AND`; otherwise the expression goes in as a `name`).
fn licenses(declared: &[String]) -> Option<Value> {
    let all: Vec<Declared> = declared.iter().filter_map(|l| classify(l)).collect();
    if all.is_empty() {
        return None;
    }
    let has_expression = all.iter().any(|d| matches!(d, Declared::Expression(_)));
    let all_spdx = all.iter().all(|d| !matches!(d, Declared::Text(_)));
    if has_expression && all_spdx {
        let parts: Vec<String> = all
            .iter()
            .map(|d| match d {
                Declared::Expression(e) if all.len() > 1 => format!("({e})"),
                Declared::Id(e) | Declared::Expression(e) | Declared::Text(e) => e.clone(),
            })
            .collect();
        return Some(json!([{ "expression": parts.join(" AND "), "acknowledgement": "declared" }]));
    }
    let list: Vec<Value> = all
        .iter()
        .map(|d| match d {
            Declared::Id(id) => json!({ "license": { "id": id, "acknowledgement": "declared" } }),
            Declared::Expression(t) | Declared::Text(t) => {
                json!({ "license": { "name": t, "acknowledgement": "declared" } })
            }
        })
        .collect();
    Some(Value::Array(list))
}

fn component(p: &Package) -> Value {
    let mut c = Map::new();
    c.insert("bom-ref".into(), json!(format!("pkg-{}", package_hash(p))));
    c.insert("type".into(), json!("library"));
    if let Some(g) = &p.group {
        c.insert("group".into(), json!(g));
    }
    c.insert("name".into(), json!(p.name));
    if !p.version.is_empty() {
        c.insert("version".into(), json!(p.version));
    }
    if let Some(m) = &p.maintainer {
        c.insert("publisher".into(), json!(m));
    }
    if let Some(ls) = licenses(&p.licenses) {
        c.insert("licenses".into(), ls);
    }
    if !p.purl.is_empty() {
        c.insert("purl".into(), json!(p.purl));
    }
    let mut ps = vec![
        prop(props::PACKAGE_TYPE, p.kind.as_str()),
        prop(props::PACKAGE_PATH, &p.location.path),
    ];
    if let Some(d) = &p.location.layer_digest {
        ps.push(prop(props::LAYER_DIGEST, d));
    }
    if let Some(o) = &p.owned_by_os_package {
        ps.push(prop(props::OWNED_BY, o));
    }
    if let Some(s) = &p.source_name {
        ps.push(prop(props::SOURCE_NAME, s));
    }
    if let Some(s) = &p.source_version {
        ps.push(prop(props::SOURCE_VERSION, s));
    }
    if let Some(a) = &p.arch {
        ps.push(prop("bulwark:package:arch", a));
    }
    if let Some(e) = p.epoch {
        ps.push(prop("bulwark:package:epoch", &e.to_string()));
    }
    for (k, v) in &p.metadata {
        ps.push(prop(&format!("bulwark:metadata:{k}"), v));
    }
    c.insert("properties".into(), Value::Array(ps));
    Value::Object(c)
}

/// Renders a CycloneDX 1.6 JSON BOM. The serial number is derived from the content (packages,
/// subject, OS) so equal scans give equal documents; `input.timestamp` is used verbatim.
pub fn write_cyclonedx(input: &SbomInput<'_>) -> String {
    write_cyclonedx_with_vulnerabilities(input, &[])
}

/// Who publishes advisories with this ID prefix, and where a reader finds the record.
fn id_source(id: &str) -> Option<(&'static str, String)> {
    let prefixes: [(&str, &str, &str); 16] = [
        ("CVE-", "NVD", "https://nvd.nist.gov/vuln/detail/"),
        ("GHSA-", "GitHub", "https://github.com/advisories/"),
        (
            "GO-",
            "Go Vulnerability Database",
            "https://pkg.go.dev/vuln/",
        ),
        (
            "PYSEC-",
            "PyPA Advisory Database",
            "https://osv.dev/vulnerability/",
        ),
        ("RUSTSEC-", "RustSec", "https://rustsec.org/advisories/"),
        (
            "DSA-",
            "Debian",
            "https://security-tracker.debian.org/tracker/",
        ),
        (
            "DLA-",
            "Debian",
            "https://security-tracker.debian.org/tracker/",
        ),
        (
            "DTSA-",
            "Debian",
            "https://security-tracker.debian.org/tracker/",
        ),
        ("USN-", "Ubuntu", "https://ubuntu.com/security/notices/"),
        ("UBUNTU-", "Ubuntu", "https://osv.dev/vulnerability/"),
        ("ALSA-", "AlmaLinux", "https://errata.almalinux.org/"),
        ("RLSA-", "Rocky Linux", "https://errata.rockylinux.org/"),
        ("RHSA-", "Red Hat", "https://access.redhat.com/errata/"),
        ("SUSE-", "SUSE", "https://osv.dev/vulnerability/"),
        ("ALPINE-", "Alpine", "https://osv.dev/vulnerability/"),
        (
            "MAL-",
            "OpenSSF Malicious Packages",
            "https://osv.dev/vulnerability/",
        ),
    ];
    prefixes
        .iter()
        .find(|(p, _, _)| id.starts_with(p))
        .map(|(_, name, base)| (*name, format!("{base}{id}")))
}

fn source_object(id: &str, url: Option<&str>) -> Value {
    match (id_source(id), url) {
        // The ID's publisher and its page; the matched record's URL goes to `advisories`.
        (Some((name, u)), _) => json!({ "name": name, "url": u }),
        (None, Some(u)) => json!({ "url": u }),
        (None, None) => {
            json!({ "name": "OSV", "url": format!("https://osv.dev/vulnerability/{id}") })
        }
    }
}

/// CycloneDX `ratings[].method` for a CVSS vector.
fn cvss_method(vector: &str) -> &'static str {
    if vector.starts_with("CVSS:4.0/") {
        "CVSSv4"
    } else if vector.starts_with("CVSS:3.1/") {
        "CVSSv31"
    } else if vector.starts_with("CVSS:3.0/") {
        "CVSSv3"
    } else if vector.starts_with("AV:") {
        "CVSSv2"
    } else {
        "other"
    }
}

fn vulnerability(v: &SbomVulnerability<'_>, index: usize) -> Value {
    let mut o = Map::new();
    o.insert("bom-ref".into(), json!(format!("vuln-{index}-{}", v.id)));
    o.insert("id".into(), json!(v.id));
    o.insert("source".into(), source_object(&v.id, v.url.as_deref()));
    let refs: Vec<Value> = v
        .aliases
        .iter()
        .filter(|a| **a != v.id)
        .map(|a| json!({ "id": a, "source": source_object(a, None) }))
        .collect();
    if !refs.is_empty() {
        o.insert("references".into(), Value::Array(refs));
    }
    let mut rating = Map::new();
    if let Some(src) = &v.rating_source {
        rating.insert("source".into(), json!({ "name": src }));
    }
    if let Some(score) = v.cvss_score {
        rating.insert("score".into(), json!(score));
    }
    rating.insert("severity".into(), json!(v.severity));
    if let Some(vector) = &v.cvss_vector {
        rating.insert("method".into(), json!(cvss_method(vector)));
        rating.insert("vector".into(), json!(vector));
    }
    o.insert("ratings".into(), json!([Value::Object(rating)]));
    if !v.description.is_empty() {
        o.insert("description".into(), json!(v.description));
    }
    if !v.fixed_versions.is_empty() {
        o.insert(
            "recommendation".into(),
            json!(format!("Upgrade to {}.", v.fixed_versions.join(", "))),
        );
    }
    if let Some(u) = &v.url {
        o.insert("advisories".into(), json!([{ "url": u }]));
    }
    let mut affects: Vec<(String, &str)> = v
        .affects
        .iter()
        .map(|p| (format!("pkg-{}", package_hash(p)), p.version.as_str()))
        .collect();
    affects.sort_unstable();
    affects.dedup();
    let affects: Vec<Value> = affects
        .into_iter()
        .map(|(r, version)| {
            json!({ "ref": r, "versions": [ { "version": version, "status": "affected" } ] })
        })
        .collect();
    o.insert("affects".into(), Value::Array(affects));
    if !v.fixed_versions.is_empty() {
        o.insert(
            "properties".into(),
            json!([prop(
                "bulwark:vulnerability:fixed-versions",
                &v.fixed_versions.join(", ")
            )]),
        );
    }
    Value::Object(o)
}

/// As [`write_cyclonedx`], plus a `vulnerabilities` array (CycloneDX's BOM-with-VEX shape, like
/// `trivy image --format cyclonedx --scanners vuln`). Entries are sorted by ID; each `affects`
/// entry references the component `bom-ref` of an affected package.
pub fn write_cyclonedx_with_vulnerabilities(
    input: &SbomInput<'_>,
    vulnerabilities: &[SbomVulnerability<'_>],
) -> String {
    let mut components: Vec<Value> = sorted(input.packages).into_iter().map(component).collect();
    if let Some(os) = input.os {
        let mut c = Map::new();
        c.insert("bom-ref".into(), json!(format!("os-{}", os.purl_distro())));
        c.insert("type".into(), json!("operating-system"));
        c.insert("name".into(), json!(os.id));
        if let Some(v) = &os.version_id {
            c.insert("version".into(), json!(v));
        }
        if let Some(d) = &os.pretty_name {
            c.insert("description".into(), json!(d));
        }
        let mut ps = Vec::new();
        if let Some(cn) = &os.codename {
            ps.push(prop("bulwark:os:codename", cn));
        }
        if !os.id_like.is_empty() {
            ps.push(prop("bulwark:os:id-like", &os.id_like.join(" ")));
        }
        if os.distroless {
            ps.push(prop("bulwark:os:distroless", "true"));
        }
        if !ps.is_empty() {
            c.insert("properties".into(), Value::Array(ps));
        }
        components.push(Value::Object(c));
    }
    let s = input.subject;
    let mut subject = Map::new();
    subject.insert("bom-ref".into(), json!("subject"));
    subject.insert(
        "type".into(),
        json!(if s.kind == SubjectKind::Image {
            "container"
        } else {
            "file"
        }),
    );
    subject.insert("name".into(), json!(s.name));
    if let Some(d) = &s.digest {
        subject.insert("version".into(), json!(d));
    }
    let mut sp = Vec::new();
    if let Some(d) = &s.digest {
        sp.push(prop(props::IMAGE_DIGEST, d));
    }
    if let Some(d) = &s.config_digest {
        sp.push(prop(props::IMAGE_CONFIG, d));
    }
    if !sp.is_empty() {
        subject.insert("properties".into(), Value::Array(sp));
    }
    let refs: Vec<Value> = components
        .iter()
        .filter_map(|c| c.get("bom-ref").cloned())
        .collect();
    let content = json!([subject, components]);
    let serial = format!("urn:uuid:{}", content_uuid(content.to_string().as_bytes()));
    let doc = json!({
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": serial,
        "version": 1,
        "metadata": {
            "timestamp": input.timestamp,
            "tools": { "components": [ { "type": "application", "author": input.tool.0, "name": input.tool.0, "version": input.tool.1 } ] },
            "component": Value::Object(subject),
        },
        "components": components,
        "dependencies": [ { "ref": "subject", "dependsOn": refs } ],
    });
    let mut doc = doc;
    if !vulnerabilities.is_empty() {
        let mut vs: Vec<&SbomVulnerability<'_>> = vulnerabilities.iter().collect();
        vs.sort_by(|a, b| a.id.cmp(&b.id));
        let list: Vec<Value> = vs
            .iter()
            .enumerate()
            .map(|(i, v)| vulnerability(v, i))
            .collect();
        if let Some(o) = doc.as_object_mut() {
            o.insert("vulnerabilities".into(), Value::Array(list));
        }
    }
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
