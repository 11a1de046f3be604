//! Java archives built in memory with the zip writer: pom.properties, MANIFEST fallback,
//! file-name fallback, nested Spring Boot jars, corrupt input.

#![allow(clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

use std::io::{Cursor, Write};

use bulwark_catalog::analyzers::java::{name_version_from_file, parse_archive};
use bulwark_catalog::{Analyzers, EntryMeta, LayerFiles};

fn jar(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("start");
        w.write_all(data).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

#[test]
fn spring_boot_fat_jar_with_nested_libs() {
    let lib = jar(&[
        (
            "META-INF/maven/org.yaml/snakeyaml/pom.properties",
            b"#Generated\nversion=2.2\ngroupId=org.yaml\nartifactId=snakeyaml\n",
        ),
        ("org/yaml/Yaml.class", b"\xca\xfe\xba\xbe"),
    ]);
    let manifest_only = jar(&[("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\r\nImplementation-Title: legacy-lib\r\nImplementation-Version: 0.9.1\r\nImplementation-Vendor-Id: com.example\r\n\r\nName: x\r\n")]);
    let bare = jar(&[("a.txt", b"x")]);
    let app = jar(&[
        (
            "META-INF/MANIFEST.MF",
            b"Manifest-Version: 1.0\nMain-Class: org.springframework.boot.loader.JarLauncher\n",
        ),
        (
            "META-INF/maven/com.example/demo/pom.properties",
            b"groupId=com.example\nartifactId=demo\nversion=0.0.1-SNAPSHOT\n",
        ),
        ("BOOT-INF/lib/snakeyaml-2.2.jar", &lib),
        ("BOOT-INF/lib/legacy.jar", &manifest_only),
        ("BOOT-INF/lib/commons-io-2.11.0.jar", &bare),
        ("BOOT-INF/lib/broken.jar", b"not a zip"),
    ]);
    let reg = Analyzers::default();
    assert!(reg.required("/app/app.jar", &EntryMeta::default()));
    let mut batch = LayerFiles::new();
    batch.insert("/app/app.jar", EntryMeta::default(), app);
    let inv = reg.analyze_layer(&batch);
    assert!(inv.errors.is_empty(), "{:?}", inv.errors);
    let got: Vec<(String, String)> = inv
        .packages
        .iter()
        .map(|p| (p.location.path.clone(), p.purl.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "/app/app.jar/BOOT-INF/lib/commons-io-2.11.0.jar".to_owned(),
                "pkg:maven/commons-io@2.11.0".to_owned()
            ),
            (
                "/app/app.jar".to_owned(),
                "pkg:maven/com.example/demo@0.0.1-SNAPSHOT".to_owned()
            ),
            (
                "/app/app.jar/BOOT-INF/lib/legacy.jar".to_owned(),
                "pkg:maven/com.example/legacy-lib@0.9.1".to_owned()
            ),
            (
                "/app/app.jar/BOOT-INF/lib/snakeyaml-2.2.jar".to_owned(),
                "pkg:maven/org.yaml/snakeyaml@2.2".to_owned()
            ),
        ]
    );
}

#[test]
fn not_a_zip_is_an_error() {
    let mut out = Vec::new();
    assert!(parse_archive(b"PK\x03\x04garbage", "/x.jar", 0, &mut out).is_err());
    assert!(out.is_empty());
}

#[test]
fn file_name_versions() {
    assert_eq!(
        name_version_from_file("commons-io-2.11.0.jar"),
        Some(("commons-io".into(), "2.11.0".into()))
    );
    assert_eq!(
        name_version_from_file("spring-boot-3.2.4-SNAPSHOT.jar"),
        Some(("spring-boot".into(), "3.2.4-SNAPSHOT".into()))
    );
    assert_eq!(name_version_from_file("app.jar"), None);
}
