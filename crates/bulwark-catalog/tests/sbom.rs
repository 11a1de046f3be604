//! SBOM writers validated against the official schemas (tests/schemas, see README there),
//! snapshot-tested, and read back by the readers; plus reading Syft- and Trivy-shaped documents.

#![allow(clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

use bulwark_catalog::sbom::{SbomInput, Subject, SubjectKind};
use bulwark_catalog::{
    OsInfo, Package, PackageType, SbomFormat, read_sbom, write_cyclonedx, write_spdx,
};
use serde_json::Value;

fn schema(name: &str) -> Value {
    let p = format!("{}/tests/schemas/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(p).expect("schema")).expect("schema json")
}

/// Serves the two schemas bom-1.6 references from the vendored copies (no network in tests).
struct LocalSchemas;

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        match uri.as_str() {
            "http://cyclonedx.org/schema/spdx.schema.json" => Ok(schema("spdx.schema.json")),
            "http://cyclonedx.org/schema/jsf-0.82.schema.json" => {
                Ok(schema("jsf-0.82.schema.json"))
            }
            other => Err(format!("unexpected schema fetch {other}").into()),
        }
    }
}

fn cyclonedx_validator() -> jsonschema::Validator {
    jsonschema::options()
        .with_retriever(LocalSchemas)
        .build(&schema("bom-1.6.schema.json"))
        .expect("CycloneDX schema compiles")
}

fn spdx_validator() -> jsonschema::Validator {
    jsonschema::options()
        .build(&schema("spdx-2.3.schema.json"))
        .expect("SPDX schema compiles")
}

fn assert_valid(v: &jsonschema::Validator, doc: &Value) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "schema errors: {errors:#?}");
}

fn sample() -> (Subject, OsInfo, Vec<Package>) {
    let subject = Subject {
        name: "docker.io/library/debian:12".into(),
        kind: SubjectKind::Image,
        digest: Some(
            "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".into(),
        ),
        config_digest: Some(
            "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210".into(),
        ),
    };
    let os = OsInfo {
        id: "debian".into(),
        version_id: Some("12".into()),
        codename: Some("bookworm".into()),
        pretty_name: Some("Debian GNU/Linux 12 (bookworm)".into()),
        ..OsInfo::default()
    };
    let layer =
        Some("sha256:1111111111111111111111111111111111111111111111111111111111111111".to_owned());
    let mut openssl = Package::new(
        PackageType::Deb,
        "openssl",
        "3.0.11-1~deb12u2",
        "/var/lib/dpkg/status",
    );
    openssl.arch = Some("amd64".into());
    openssl.source_name = Some("openssl".into());
    openssl.licenses = vec!["Apache-2.0".into()];
    openssl.location.layer_digest.clone_from(&layer);
    let mut yaml = Package::new(
        PackageType::Python,
        "PyYAML",
        "6.0",
        "/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA",
    );
    yaml.owned_by_os_package = Some("python3-yaml".into());
    yaml.licenses = vec!["MIT License".into()];
    yaml.location.layer_digest.clone_from(&layer);
    let mut snake = Package::new(
        PackageType::JavaArchive,
        "snakeyaml",
        "2.2",
        "/app/app.jar/BOOT-INF/lib/snakeyaml-2.2.jar",
    );
    snake.group = Some("org.yaml".into());
    let mut scoped = Package::new(
        PackageType::Npm,
        "@babel/core",
        "7.24.0",
        "/app/node_modules/@babel/core/package.json",
    );
    scoped.licenses = vec![
        "MIT".into(),
        "GPL-2.0-or-later WITH Classpath-exception-2.0".into(),
    ];

    let mut pkgs = vec![scoped, snake, yaml, openssl];
    for p in &mut pkgs {
        p.refresh_purl(Some(&os));
    }
    (subject, os, pkgs)
}

const TS: &str = "2026-01-02T03:04:05Z";

#[test]
fn cyclonedx_is_schema_valid_deterministic_and_round_trips() {
    let (subject, os, pkgs) = sample();
    let input = SbomInput {
        subject: &subject,
        os: Some(&os),
        packages: &pkgs,
        timestamp: TS,
        tool: ("bulwark", "0.1.0"),
    };
    let text = write_cyclonedx(&input);
    let doc: Value = serde_json::from_str(&text).expect("json");
    assert_valid(&cyclonedx_validator(), &doc);
    // order of input does not matter
    let mut rev = pkgs.clone();
    rev.reverse();
    assert_eq!(
        write_cyclonedx(&SbomInput {
            packages: &rev,
            ..input
        }),
        text
    );
    let licenses = |name: &str| {
        doc["components"]
            .as_array()
            .expect("components")
            .iter()
            .find(|c| c["name"] == name)
            .map(|c| c["licenses"].clone())
            .expect("component")
    };
    // an SPDX id as `id`, free text as `name`, a compound expression as the one `expression`
    assert_eq!(licenses("openssl")[0]["license"]["id"], "Apache-2.0");
    assert_eq!(licenses("PyYAML")[0]["license"]["name"], "MIT License");
    assert_eq!(
        licenses("@babel/core"),
        serde_json::json!([{ "expression": "MIT AND (GPL-2.0-or-later WITH Classpath-exception-2.0)", "acknowledgement": "declared" }])
    );
    insta::assert_snapshot!("cyclonedx", text);
    let back = read_sbom(text.as_bytes(), "bom.json").expect("read");
    assert_eq!(back.format, SbomFormat::CycloneDx);
    assert_eq!(
        back.os
            .as_ref()
            .map(|o| (o.id.as_str(), o.version_id.as_deref())),
        Some(("debian", Some("12")))
    );
    let mut expected = pkgs.clone();
    expected.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let strip = |p: &Package| {
        (
            p.kind,
            p.name.clone(),
            p.version.clone(),
            p.purl.clone(),
            p.location.clone(),
            p.owned_by_os_package.clone(),
            p.group.clone(),
            p.arch.clone(),
        )
    };
    assert_eq!(
        back.packages.iter().map(strip).collect::<Vec<_>>(),
        expected.iter().map(strip).collect::<Vec<_>>()
    );
}

#[test]
fn spdx_is_schema_valid_deterministic_and_round_trips() {
    let (subject, os, pkgs) = sample();
    let input = SbomInput {
        subject: &subject,
        os: Some(&os),
        packages: &pkgs,
        timestamp: TS,
        tool: ("bulwark", "0.1.0"),
    };
    let text = write_spdx(&input);
    let doc: Value = serde_json::from_str(&text).expect("json");
    assert_valid(&spdx_validator(), &doc);
    let mut rev = pkgs.clone();
    rev.reverse();
    assert_eq!(
        write_spdx(&SbomInput {
            packages: &rev,
            ..input
        }),
        text
    );
    insta::assert_snapshot!("spdx", text);
    let back = read_sbom(text.as_bytes(), "sbom.spdx.json").expect("read");
    assert_eq!(back.format, SbomFormat::Spdx);
    assert_eq!(back.skipped, 0);
    let mut purls: Vec<&str> = back.packages.iter().map(|p| p.purl.as_str()).collect();
    purls.sort_unstable();
    let mut exp: Vec<&str> = pkgs.iter().map(|p| p.purl.as_str()).collect();
    exp.sort_unstable();
    assert_eq!(purls, exp);
    let yaml = back
        .packages
        .iter()
        .find(|p| p.name == "PyYAML")
        .expect("yaml");
    assert_eq!(yaml.owned_by_os_package.as_deref(), Some("python3-yaml"));
    assert_eq!(
        yaml.location.path,
        "/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA"
    );
    // "MIT License" is not an SPDX expression: a LicenseRef with the text, read back as text
    assert_eq!(yaml.licenses, ["MIT License"]);
    let extracted = doc["hasExtractedLicensingInfos"]
        .as_array()
        .expect("extracted");
    assert_eq!(extracted.len(), 1);
    assert_eq!(extracted[0]["extractedText"], "MIT License");
    let babel = back
        .packages
        .iter()
        .find(|p| p.name == "@babel/core")
        .expect("babel");
    assert_eq!(
        babel.licenses,
        ["GPL-2.0-or-later WITH Classpath-exception-2.0", "MIT"]
    );
    let declared = |name: &str| {
        doc["packages"]
            .as_array()
            .expect("packages")
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["licenseDeclared"].as_str().expect("declared").to_owned())
    };
    assert_eq!(
        declared("@babel/core").as_deref(),
        Some("(GPL-2.0-or-later WITH Classpath-exception-2.0) AND MIT")
    );
    assert_eq!(declared("openssl").as_deref(), Some("Apache-2.0"));
    assert_eq!(declared("snakeyaml").as_deref(), Some("NOASSERTION"));
}

#[test]
fn empty_inventory_is_valid_too() {
    let subject = Subject {
        name: "/src".into(),
        kind: SubjectKind::Directory,
        digest: None,
        config_digest: None,
    };
    let input = SbomInput {
        subject: &subject,
        os: None,
        packages: &[],
        timestamp: TS,
        tool: ("bulwark", "0.1.0"),
    };
    assert_valid(
        &cyclonedx_validator(),
        &serde_json::from_str(&write_cyclonedx(&input)).expect("json"),
    );
    assert_valid(
        &spdx_validator(),
        &serde_json::from_str(&write_spdx(&input)).expect("json"),
    );
}

#[test]
fn schema_rejects_broken_documents() {
    // the validators are real: a document missing required fields fails
    let bad = serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library"}]});
    assert!(!cyclonedx_validator().is_valid(&bad));
    let bad_spdx = serde_json::json!({"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT"});
    assert!(!spdx_validator().is_valid(&bad_spdx));
}

#[test]
fn reads_syft_and_trivy_shaped_cyclonedx() {
    // shapes as written by Syft 1.x (syft:location properties, nested OS component) and Trivy
    // (aquasecurity:trivy properties, metadata.component with nested components)
    let syft = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
      "components":[
        {"bom-ref":"pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&upstream=glibc&distro=debian-12&package-id=1","type":"library","name":"libc6","version":"2.36-9+deb12u7",
         "purl":"pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&upstream=glibc&distro=debian-12",
         "properties":[{"name":"syft:package:type","value":"deb"},{"name":"syft:location:0:layerID","value":"sha256:aaa"},{"name":"syft:location:0:path","value":"/var/lib/dpkg/status"}]},
        {"type":"operating-system","name":"debian","version":"12","description":"Debian GNU/Linux 12 (bookworm)"},
        {"type":"file","name":"/etc/passwd"}
      ]}"#;
    let d = read_sbom(syft, "syft.json").expect("syft");
    assert_eq!(d.os.as_ref().map(|o| o.id.as_str()), Some("debian"));
    assert_eq!(d.packages.len(), 1);
    let p = &d.packages[0];
    assert_eq!(
        (p.kind, p.name.as_str(), p.version.as_str()),
        (PackageType::Deb, "libc6", "2.36-9+deb12u7")
    );
    assert_eq!(p.source_name.as_deref(), Some("glibc"));
    assert_eq!(p.location.layer_digest.as_deref(), Some("sha256:aaa"));
    assert_eq!(p.location.path, "/var/lib/dpkg/status");

    let trivy = br#"{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,
      "metadata":{"component":{"type":"container","name":"alpine:3.20","bom-ref":"x"}},
      "components":[
        {"bom-ref":"a","type":"library","name":"musl","version":"1.2.5-r0","purl":"pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=3.20.1",
         "licenses":[{"license":{"id":"MIT"}}],
         "properties":[{"name":"aquasecurity:trivy:SrcName","value":"musl"},{"name":"aquasecurity:trivy:LayerDiffID","value":"sha256:bbb"}]},
        {"bom-ref":"b","type":"library","name":"golang.org/x/net","version":"v0.20.0","purl":"pkg:golang/golang.org/x/net@v0.20.0"},
        {"bom-ref":"c","type":"library","name":"@babel/core","version":"7.24.0","purl":"pkg:npm/%40babel/core@7.24.0"},
        {"bom-ref":"d","type":"library","name":"noPurl","version":"1"}
      ]}"#;
    let d = read_sbom(trivy, "trivy.json").expect("trivy");
    assert_eq!(d.skipped, 1);
    let names: Vec<(&str, PackageType)> = d
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.kind))
        .collect();
    assert_eq!(
        names,
        [
            ("musl", PackageType::Apk),
            ("@babel/core", PackageType::Npm),
            ("golang.org/x/net", PackageType::GoModule)
        ]
    );
    assert_eq!(d.packages[0].licenses, ["MIT"]);
    assert_eq!(
        d.packages[0].location.layer_digest.as_deref(),
        Some("sha256:bbb")
    );
}

#[test]
fn reader_errors_name_the_input() {
    let e = read_sbom(b"{\"foo\": 1}", "weird.json").expect_err("unknown");
    assert!(e.to_string().contains("weird.json"), "{e}");
    let e = read_sbom(b"<xml/>", "bom.xml").expect_err("not json");
    assert!(e.to_string().contains("bom.xml"), "{e}");
}
