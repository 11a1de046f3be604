//! CycloneDX 1.6 JSON writer.

use serde_json::{Map, Value, json};

use super::{SbomInput, SubjectKind, content_uuid, package_hash, props, sorted};
use crate::model::Package;

fn prop(name: &str, value: &str) -> Value {
    json!({ "name": name, "value": value })
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
    if !p.licenses.is_empty() {
        let ls: Vec<Value> = p
            .licenses
            .iter()
            .map(|l| json!({ "license": { "name": l } }))
            .collect();
        c.insert("licenses".into(), Value::Array(ls));
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
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
