//! SPDX 2.3 JSON writer.

use serde_json::{Map, Value, json};

use super::license::{LicenseRefs, spdx_declared};
use super::{SbomInput, SubjectKind, content_uuid, package_hash, props, sorted};
use crate::model::Package;
use crate::purl::encode;

/// SPDX IDs allow only `[A-Za-z0-9.-]`.
fn id_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

fn annotation(ts: &str, tool: &str, comment: &str) -> Value {
    json!({ "annotationDate": ts, "annotationType": "OTHER", "annotator": format!("Tool: {tool}"), "comment": comment })
}

fn package(p: &Package, ts: &str, tool: &str, refs: &mut LicenseRefs) -> Value {
    let mut m = Map::new();
    m.insert(
        "SPDXID".into(),
        json!(format!(
            "SPDXRef-Package-{}-{}-{}",
            p.kind.as_str(),
            id_part(&p.name),
            package_hash(p)
        )),
    );
    m.insert("name".into(), json!(p.name));
    if !p.version.is_empty() {
        m.insert("versionInfo".into(), json!(p.version));
    }
    m.insert("downloadLocation".into(), json!("NOASSERTION"));
    m.insert("filesAnalyzed".into(), json!(false));
    m.insert("licenseConcluded".into(), json!("NOASSERTION"));
    m.insert(
        "licenseDeclared".into(),
        json!(spdx_declared(&p.licenses, refs)),
    );
    m.insert("copyrightText".into(), json!("NOASSERTION"));
    if let Some(s) = &p.maintainer {
        m.insert(
            "supplier".into(),
            json!(format!("Organization: {}", s.replace('\n', " "))),
        );
    }
    if let Some(s) = &p.source_name {
        m.insert(
            "sourceInfo".into(),
            json!(format!(
                "acquired package info from {}; source package {s}",
                p.location.path
            )),
        );
    } else {
        m.insert(
            "sourceInfo".into(),
            json!(format!("acquired package info from {}", p.location.path)),
        );
    }
    m.insert("primaryPackagePurpose".into(), json!("LIBRARY"));
    if !p.purl.is_empty() {
        m.insert("externalRefs".into(), json!([{ "referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": p.purl }]));
    }
    let mut ann = vec![
        annotation(
            ts,
            tool,
            &format!("{}={}", props::PACKAGE_TYPE, p.kind.as_str()),
        ),
        annotation(
            ts,
            tool,
            &format!("{}={}", props::PACKAGE_PATH, p.location.path),
        ),
    ];
    if let Some(d) = &p.location.layer_digest {
        ann.push(annotation(
            ts,
            tool,
            &format!("{}={d}", props::LAYER_DIGEST),
        ));
    }
    if let Some(o) = &p.owned_by_os_package {
        ann.push(annotation(ts, tool, &format!("{}={o}", props::OWNED_BY)));
    }
    m.insert("annotations".into(), Value::Array(ann));
    Value::Object(m)
}

/// Renders an SPDX 2.3 JSON document. The document namespace is derived from the content, so
/// equal scans give equal documents; `input.timestamp` is used verbatim.
pub fn write_spdx(input: &SbomInput<'_>) -> String {
    let tool = format!("{}-{}", input.tool.0, input.tool.1);
    let s = input.subject;
    let mut packages: Vec<Value> = Vec::new();
    let mut rels: Vec<Value> = Vec::new();
    let root_id = "SPDXRef-Subject";
    let mut root = Map::new();
    root.insert("SPDXID".into(), json!(root_id));
    root.insert("name".into(), json!(s.name));
    if let Some(d) = &s.digest {
        root.insert("versionInfo".into(), json!(d));
    }
    root.insert("downloadLocation".into(), json!("NOASSERTION"));
    root.insert("filesAnalyzed".into(), json!(false));
    root.insert("licenseConcluded".into(), json!("NOASSERTION"));
    root.insert("licenseDeclared".into(), json!("NOASSERTION"));
    root.insert("copyrightText".into(), json!("NOASSERTION"));
    root.insert(
        "primaryPackagePurpose".into(),
        json!(if s.kind == SubjectKind::Image {
            "CONTAINER"
        } else {
            "SOURCE"
        }),
    );
    let mut root_ann = Vec::new();
    if let Some(d) = &s.digest {
        root_ann.push(annotation(
            input.timestamp,
            &tool,
            &format!("{}={d}", props::IMAGE_DIGEST),
        ));
        if let Some((alg, hexv)) = d.split_once(':')
            && alg == "sha256"
            && hexv.len() == 64
            && hexv.bytes().all(|b| b.is_ascii_hexdigit())
        {
            let name = s.name.split(['@', ':']).next().unwrap_or(&s.name);
            let purl = format!(
                "pkg:oci/{}@{}",
                encode(name.rsplit('/').next().unwrap_or(name)),
                encode(d)
            );
            root.insert("externalRefs".into(), json!([{ "referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": purl }]));
        }
    }
    if let Some(d) = &s.config_digest {
        root_ann.push(annotation(
            input.timestamp,
            &tool,
            &format!("{}={d}", props::IMAGE_CONFIG),
        ));
    }
    if !root_ann.is_empty() {
        root.insert("annotations".into(), Value::Array(root_ann));
    }
    packages.push(Value::Object(root));
    rels.push(json!({ "spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": root_id }));
    if let Some(os) = input.os {
        let id = format!("SPDXRef-OperatingSystem-{}", id_part(&os.purl_distro()));
        let mut m = Map::new();
        m.insert("SPDXID".into(), json!(id));
        m.insert("name".into(), json!(os.id));
        if let Some(v) = &os.version_id {
            m.insert("versionInfo".into(), json!(v));
        }
        m.insert("downloadLocation".into(), json!("NOASSERTION"));
        m.insert("filesAnalyzed".into(), json!(false));
        m.insert("licenseConcluded".into(), json!("NOASSERTION"));
        m.insert("licenseDeclared".into(), json!("NOASSERTION"));
        m.insert("copyrightText".into(), json!("NOASSERTION"));
        if let Some(d) = &os.pretty_name {
            m.insert("description".into(), json!(d));
        }
        m.insert("primaryPackagePurpose".into(), json!("OPERATING-SYSTEM"));
        packages.push(Value::Object(m));
        rels.push(json!({ "spdxElementId": root_id, "relationshipType": "CONTAINS", "relatedSpdxElement": id }));
    }
    let mut refs = LicenseRefs::default();
    for p in sorted(input.packages) {
        let v = package(p, input.timestamp, &tool, &mut refs);
        if let Some(id) = v.get("SPDXID").cloned() {
            rels.push(json!({ "spdxElementId": root_id, "relationshipType": "CONTAINS", "relatedSpdxElement": id }));
        }
        packages.push(v);
    }
    // Free-text licences, referenced as `LicenseRef-…` from `licenseDeclared`.
    let extracted: Vec<Value> = refs
        .extracted()
        .map(|(id, text)| json!({ "licenseId": id, "name": text, "extractedText": text, "comment": "licence as declared by the package metadata; not an SPDX licence-list identifier or expression" }))
        .collect();
    let uuid = content_uuid(json!([packages, rels, extracted]).to_string().as_bytes());
    let mut doc = json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": s.name,
        "documentNamespace": format!("https://bulwark.invalid/spdxdocs/{}-{uuid}", id_part(&s.name)),
        "creationInfo": { "created": input.timestamp, "creators": [format!("Tool: {tool}")] },
        "packages": packages,
        "relationships": rels,
    });
    if !extracted.is_empty()
        && let Some(o) = doc.as_object_mut()
    {
        o.insert("hasExtractedLicensingInfos".into(), Value::Array(extracted));
    }
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
