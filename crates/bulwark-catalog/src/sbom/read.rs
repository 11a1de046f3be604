//! SBOM readers: CycloneDX JSON (any 1.x) and SPDX 2.x JSON, as written by Bulwark, Syft or
//! Trivy. Packages come back with their PURL; ecosystem, arch, epoch and source come from it.

use std::collections::BTreeMap;

use serde_json::Value;

use super::props;
use crate::model::{Location, OsInfo, Package, PackageType};
use crate::purl::Purl;

/// Which SBOM format a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SbomFormat {
    /// CycloneDX JSON.
    CycloneDx,
    /// SPDX JSON.
    Spdx,
}

/// Why a document could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SbomError {
    /// Not JSON at all.
    #[error("{source_name}: not a JSON document: {source}")]
    Json {
        /// File name or label of the document.
        source_name: String,
        /// Parser error.
        #[source]
        source: serde_json::Error,
    },
    /// JSON, but neither CycloneDX (`bomFormat`) nor SPDX (`spdxVersion`).
    #[error(
        "{0}: neither CycloneDX JSON (bomFormat) nor SPDX JSON (spdxVersion); only JSON SBOMs are supported"
    )]
    UnknownFormat(String),
}

/// Packages and OS read from an SBOM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SbomDocument {
    /// Detected format.
    pub format: SbomFormat,
    /// Packages whose PURL names an ecosystem Bulwark knows.
    pub packages: Vec<Package>,
    /// Operating system, if the document records one.
    pub os: Option<OsInfo>,
    /// Components/packages skipped for lacking a usable PURL.
    pub skipped: usize,
}

/// Reads a CycloneDX or SPDX JSON SBOM. `source_name` only labels errors.
pub fn read_sbom(data: &[u8], source_name: &str) -> Result<SbomDocument, SbomError> {
    let v: Value = serde_json::from_slice(data).map_err(|source| SbomError::Json {
        source_name: source_name.to_owned(),
        source,
    })?;
    if v.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
        Ok(read_cyclonedx(&v))
    } else if v.get("spdxVersion").is_some() {
        Ok(read_spdx(&v))
    } else {
        Err(SbomError::UnknownFormat(source_name.to_owned()))
    }
}

/// Builds a package from a PURL; `None` for unknown or unsupported types.
pub fn package_from_purl(purl_str: &str, path: &str) -> Option<Package> {
    let purl = Purl::parse(purl_str)?;
    let kind = PackageType::from_purl_type(&purl.ty)?;
    let name = match (kind, purl.namespace.as_deref()) {
        (PackageType::Npm | PackageType::GoModule | PackageType::Composer, Some(ns)) => {
            format!("{ns}/{}", purl.name)
        }
        _ => purl.name.clone(),
    };
    let mut p = Package::new(kind, name, purl.version.clone(), path);
    if kind == PackageType::JavaArchive {
        p.group.clone_from(&purl.namespace);
    }
    p.arch = purl.get("arch").map(str::to_owned);
    p.epoch = purl.get("epoch").and_then(|e| e.parse().ok());
    if let Some(up) = purl.get("upstream") {
        if kind == PackageType::Rpm {
            if let Some((n, v)) = crate::analyzers::rpm::header::split_source_rpm(up) {
                p.source_name = Some(n);
                p.source_version = Some(v);
            }
            p.metadata.insert("sourcerpm".into(), up.to_owned());
        } else {
            match up.split_once('@') {
                Some((n, v)) => {
                    p.source_name = Some(n.to_owned());
                    p.source_version = Some(v.to_owned());
                }
                None => p.source_name = Some(up.to_owned()),
            }
        }
    }
    purl_str.clone_into(&mut p.purl);
    Some(p)
}

fn prop_value<'a>(props: Option<&'a Value>, names: &[&str]) -> Option<&'a str> {
    props?.as_array()?.iter().find_map(|p| {
        let n = p.get("name")?.as_str()?;
        names
            .contains(&n)
            .then(|| p.get("value").and_then(Value::as_str))
            .flatten()
    })
}

fn read_cyclonedx(v: &Value) -> SbomDocument {
    let mut doc = SbomDocument {
        format: SbomFormat::CycloneDx,
        packages: Vec::new(),
        os: None,
        skipped: 0,
    };
    let mut stack: Vec<&Value> = v
        .get("components")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    if let Some(mc) = v.pointer("/metadata/component") {
        stack.extend(
            mc.get("components")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
    }
    while let Some(c) = stack.pop() {
        stack.extend(
            c.get("components")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
        let ty = c.get("type").and_then(Value::as_str).unwrap_or("library");
        if ty == "operating-system" {
            doc.os = Some(OsInfo {
                id: c
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_ascii_lowercase(),
                version_id: c.get("version").and_then(Value::as_str).map(str::to_owned),
                pretty_name: c
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                ..OsInfo::default()
            });
            continue;
        }
        let props = c.get("properties");
        let path = prop_value(
            props,
            &[
                props::PACKAGE_PATH,
                "syft:location:0:path",
                "aquasecurity:trivy:FilePath",
            ],
        )
        .unwrap_or_default();
        let Some(mut p) = c
            .get("purl")
            .and_then(Value::as_str)
            .and_then(|u| package_from_purl(u, path))
        else {
            if ty != "container" && ty != "file" {
                doc.skipped += 1;
            }
            continue;
        };
        p.location = Location {
            layer_digest: prop_value(
                props,
                &[
                    props::LAYER_DIGEST,
                    "syft:location:0:layerID",
                    "aquasecurity:trivy:LayerDiffID",
                    "aquasecurity:trivy:LayerDigest",
                ],
            )
            .map(str::to_owned),
            path: path.to_owned(),
        };
        // the document's own spelling of the name beats the PURL's normalised one (PyYAML vs pyyaml)
        if let Some(n) = c
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
        {
            n.clone_into(&mut p.name);
        }
        if let Some(t) = prop_value(props, &[props::PACKAGE_TYPE]).and_then(PackageType::parse) {
            p.kind = t;
        }
        if let Some(s) = prop_value(props, &[props::SOURCE_NAME, "aquasecurity:trivy:SrcName"]) {
            p.source_name = Some(s.to_owned());
        }
        if let Some(s) = prop_value(
            props,
            &[props::SOURCE_VERSION, "aquasecurity:trivy:SrcVersion"],
        ) {
            p.source_version = Some(s.to_owned());
        }
        p.owned_by_os_package = prop_value(props, &[props::OWNED_BY]).map(str::to_owned);
        if let Some(version) = c.get("version").and_then(Value::as_str)
            && p.version.is_empty()
        {
            version.clone_into(&mut p.version);
        }
        p.licenses = c
            .get("licenses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|l| {
                l.get("expression")
                    .or_else(|| l.pointer("/license/id"))
                    .or_else(|| l.pointer("/license/name"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .collect();
        doc.packages.push(p);
    }
    doc.packages.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    doc
}

fn read_spdx(v: &Value) -> SbomDocument {
    let mut doc = SbomDocument {
        format: SbomFormat::Spdx,
        packages: Vec::new(),
        os: None,
        skipped: 0,
    };
    let extracted: BTreeMap<String, String> = v
        .get("hasExtractedLicensingInfos")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            Some((
                e.get("licenseId")?.as_str()?.to_owned(),
                e.get("extractedText")?.as_str()?.to_owned(),
            ))
        })
        .collect();
    for pkg in v
        .get("packages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let purpose = pkg
            .get("primaryPackagePurpose")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if purpose == "OPERATING-SYSTEM" {
            doc.os = Some(OsInfo {
                id: pkg
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_ascii_lowercase(),
                version_id: pkg
                    .get("versionInfo")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                pretty_name: pkg
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                ..OsInfo::default()
            });
            continue;
        }
        let purl = pkg
            .get("externalRefs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find_map(|r| {
                (r.get("referenceType").and_then(Value::as_str) == Some("purl"))
                    .then(|| r.get("referenceLocator").and_then(Value::as_str))
                    .flatten()
            });
        // Bulwark annotations carry path and layer; Syft puts the path in sourceInfo.
        let ann = |key: &str| {
            pkg.get("annotations")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find_map(|a| {
                    a.get("comment")
                        .and_then(Value::as_str)
                        .and_then(|c| c.strip_prefix(key))
                        .and_then(|c| c.strip_prefix('='))
                        .map(str::to_owned)
                })
        };
        let path = ann(props::PACKAGE_PATH).unwrap_or_default();
        let Some(mut p) = purl.and_then(|u| package_from_purl(u, &path)) else {
            if !matches!(purpose, "CONTAINER" | "SOURCE" | "FILE") {
                doc.skipped += 1;
            }
            continue;
        };
        if let Some(n) = pkg
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
        {
            n.clone_into(&mut p.name);
        }
        p.location.layer_digest = ann(props::LAYER_DIGEST);
        p.owned_by_os_package = ann(props::OWNED_BY);
        if let Some(t) = ann(props::PACKAGE_TYPE)
            .as_deref()
            .and_then(PackageType::parse)
        {
            p.kind = t;
        }
        if let Some(l) = pkg
            .get("licenseDeclared")
            .and_then(Value::as_str)
            .filter(|l| !matches!(*l, "NOASSERTION" | "NONE"))
        {
            p.licenses = declared_licenses(l, &extracted);
        }
        doc.packages.push(p);
    }
    doc.packages.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    doc
}

/// The licence strings of an SPDX `licenseDeclared` value: its top-level `AND` operands (outer
/// parentheses dropped), each `LicenseRef-` id replaced by the extracted text it stands for.
fn declared_licenses(value: &str, extracted: &BTreeMap<String, String>) -> Vec<String> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes.get(i) {
            Some(b'(') => depth += 1,
            Some(b')') => depth = depth.saturating_sub(1),
            Some(b' ') if depth == 0 && value.get(i..).is_some_and(|r| r.starts_with(" AND ")) => {
                parts.push(value.get(start..i).unwrap_or_default());
                i += 5;
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(value.get(start..).unwrap_or_default());
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let inner = p
                .strip_prefix('(')
                .and_then(|x| x.strip_suffix(')'))
                .filter(|x| !x.contains(['(', ')']))
                .unwrap_or(p);
            extracted
                .get(inner)
                .cloned()
                .unwrap_or_else(|| inner.to_owned())
        })
        .collect()
}
