//! OCI layouts, OCI archives and docker-save archives built in the test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use bulwark_oci::{
    Digest, EntryMeta, InputKind, LayerVisitor, MergedFs, OciError, Platform, SourceKind,
    WalkOptions, WantedFile, detect_input, open_input, walk_layers,
};
use support::{TarBuilder, TestLayer, tar_dir, write_blob, write_index, write_oci_image};

#[derive(Default, Debug)]
struct Grab(BTreeMap<String, Vec<u8>>);
impl LayerVisitor for Grab {
    fn wants(&self, path: &str, _: &EntryMeta) -> bool {
        path.starts_with("etc/")
    }
    fn visit(&mut self, f: &WantedFile<'_>) {
        self.0.insert(f.path.to_string(), f.data.to_vec());
    }
}

fn layers() -> Vec<TestLayer> {
    vec![
        TestLayer::gz(
            TarBuilder::new()
                .file("etc/os-release", b"ID=base\n")
                .file("etc/key", b"k")
                .finish(),
        ),
        TestLayer::zst(
            TarBuilder::new()
                .file("etc/.wh.key", b"")
                .file("usr/bin/x", b"x")
                .finish(),
        ),
        TestLayer::plain(
            TarBuilder::new()
                .file("etc/os-release", b"ID=top\n")
                .finish(),
        ),
    ]
}

fn merged_os_release(img: &bulwark_oci::Image) -> (Vec<u8>, MergedFs) {
    let walked = walk_layers(img, &WalkOptions::default(), |_| Some(Grab::default())).unwrap();
    let merged = MergedFs::apply(walked.iter().flatten().map(|w| &w.report));
    let origin = merged.get("etc/os-release").unwrap().layer;
    let data = walked[origin].as_ref().unwrap().visitor.0["etc/os-release"].clone();
    (data, merged)
}

#[test]
fn oci_layout_and_archive_multi_platform() {
    let dir = tempfile::tempdir().unwrap();
    let amd = write_oci_image(dir.path(), &layers(), "amd64");
    let arm = write_oci_image(
        dir.path(),
        &[TestLayer::gz(
            TarBuilder::new()
                .file("etc/os-release", b"ID=arm\n")
                .finish(),
        )],
        "arm64",
    );
    write_index(dir.path(), &[amd, arm]);
    assert_eq!(detect_input(dir.path()).unwrap(), InputKind::OciLayout);
    let img = open_input(
        dir.path(),
        None,
        Some(&Platform::parse("linux/amd64").unwrap()),
    )
    .unwrap();
    assert_eq!(img.source, SourceKind::OciLayout);
    assert_eq!(img.layers.len(), 3);
    assert_eq!(img.config.config.user, "app");
    assert_eq!(
        img.config.config.exposed_ports.keys().collect::<Vec<_>>(),
        ["8080/tcp"]
    );
    assert_eq!(
        img.config.config.healthcheck.as_ref().unwrap().retries,
        Some(3)
    );
    assert_eq!(
        img.layers[1].history.as_ref().unwrap().created_by,
        "RUN step 1"
    );
    assert_eq!(
        img.layers[2].cache_key(),
        img.layers[2].diff_id.as_ref().unwrap().to_string()
    );
    let (data, merged) = merged_os_release(&img);
    assert_eq!(data, b"ID=top\n");
    assert!(merged.get("etc/key").is_none());
    assert_eq!(
        merged
            .removed()
            .iter()
            .map(|r| r.path.as_str())
            .collect::<Vec<_>>(),
        ["etc/key", "etc/os-release"]
    );

    let arm_img = open_input(
        dir.path(),
        None,
        Some(&Platform::parse("linux/arm64").unwrap()),
    )
    .unwrap();
    assert_eq!(merged_os_release(&arm_img).0, b"ID=arm\n");
    assert_ne!(arm_img.manifest_digest, img.manifest_digest);
    let e = open_input(
        dir.path(),
        None,
        Some(&Platform::parse("linux/s390x").unwrap()),
    )
    .unwrap_err();
    assert!(matches!(e, OciError::NoMatchingPlatform { .. }), "{e}");

    // the same layout tarred is an OCI archive and yields the same image
    let ar = dir.path().join("../layout.tar");
    let ar = tempfile::NamedTempFile::new().map(|_| ar).unwrap();
    tar_dir(dir.path(), &ar);
    assert_eq!(detect_input(&ar).unwrap(), InputKind::OciArchive);
    let from_ar = open_input(&ar, None, Some(&Platform::parse("linux/amd64").unwrap())).unwrap();
    assert_eq!(from_ar.source, SourceKind::OciArchive);
    assert_eq!(from_ar.manifest_digest, img.manifest_digest);
    assert_eq!(merged_os_release(&from_ar).0, b"ID=top\n");
    std::fs::remove_file(&ar).unwrap();
}

#[test]
fn nested_index_and_ref_name_selection() {
    let dir = tempfile::tempdir().unwrap();
    let amd = write_oci_image(dir.path(), &layers(), "amd64");
    let other = write_oci_image(
        dir.path(),
        &[TestLayer::plain(
            TarBuilder::new()
                .file("etc/os-release", b"ID=other\n")
                .finish(),
        )],
        "amd64",
    );
    let inner = serde_json::to_vec(&serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [amd]})).unwrap();
    let inner_d = write_blob(dir.path(), &inner);
    let mut other_tagged = other.clone();
    other_tagged["annotations"] = serde_json::json!({"org.opencontainers.image.ref.name": "other"});
    write_index(
        dir.path(),
        &[
            serde_json::json!({"mediaType": "application/vnd.oci.image.index.v1+json", "digest": inner_d.to_string(), "size": inner.len(),
                "annotations": {"org.opencontainers.image.ref.name": "v1", "io.containerd.image.name": "docker.io/library/app:v1"}}),
            other_tagged,
        ],
    );
    let amd64 = Platform::parse("linux/amd64").unwrap();
    let e = open_input(dir.path(), None, Some(&amd64)).unwrap_err();
    assert!(
        matches!(e, OciError::AmbiguousImage { count: 2, .. }),
        "{e}"
    );
    assert!(
        e.to_string().contains("other") && e.to_string().contains("v1"),
        "{e}"
    );
    let v1 = open_input(dir.path(), Some("v1"), Some(&amd64)).unwrap();
    assert_eq!(merged_os_release(&v1).0, b"ID=top\n");
    let by_name = open_input(dir.path(), Some("app:v1"), Some(&amd64)).unwrap();
    assert_eq!(by_name.manifest_digest, v1.manifest_digest);
    assert_eq!(
        merged_os_release(&open_input(dir.path(), Some("other"), None).unwrap()).0,
        b"ID=other\n"
    );
    let e = open_input(dir.path(), Some("nope"), None).unwrap_err();
    assert!(matches!(e, OciError::ImageNotFound { .. }), "{e}");
}

fn single_layout(dir: &Path) -> serde_json::Value {
    let d = write_oci_image(dir, &layers(), "amd64");
    write_index(dir, std::slice::from_ref(&d));
    d
}

#[test]
fn missing_blob_in_layout() {
    let dir = tempfile::tempdir().unwrap();
    single_layout(dir.path());
    let img = open_input(dir.path(), None, None).unwrap();
    let victim = &img.layers[1].digest;
    std::fs::remove_file(dir.path().join("blobs/sha256").join(victim.hex())).unwrap();
    let e = walk_layers(&img, &WalkOptions::default(), |_| Some(Grab::default())).unwrap_err();
    assert!(
        matches!(&e, OciError::BlobNotFound { digest, .. } if digest == &victim.to_string()),
        "{e}"
    );
    // missing config: opening fails
    std::fs::remove_file(
        dir.path()
            .join("blobs/sha256")
            .join(img.config_digest.hex()),
    )
    .unwrap();
    let e = open_input(dir.path(), None, None).unwrap_err();
    assert!(matches!(e, OciError::BlobNotFound { .. }), "{e}");
    assert!(
        e.to_string().contains(&dir.path().display().to_string()),
        "{e}"
    );
}

#[test]
fn wrong_blob_digest_in_layout() {
    let dir = tempfile::tempdir().unwrap();
    single_layout(dir.path());
    let img = open_input(dir.path(), None, None).unwrap();
    let victim = img.layers[0].digest.clone();
    let p = dir.path().join("blobs/sha256").join(victim.hex());
    // same size, different content: a valid gzip of a different tar of the same length is
    // hard to make, so flip a byte in the gzip trailer-independent payload area instead
    let mut bytes = std::fs::read(&p).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&p, &bytes).unwrap();
    let e = walk_layers(&img, &WalkOptions::default(), |_| Some(Grab::default())).unwrap_err();
    // either the digest check or gzip's own CRC/size trailer check fires; both name the layer
    assert!(
        matches!(&e, OciError::DigestMismatch { .. } | OciError::Layer { .. }),
        "{e}"
    );
    assert!(
        e.to_string().contains(&victim.to_string()) || e.to_string().contains("layer"),
        "{e}"
    );

    // an uncompressed layer whose content is replaced: digest mismatch for sure
    let plain = img.layers[2].digest.clone();
    let p = dir.path().join("blobs/sha256").join(plain.hex());
    let replacement = TarBuilder::new()
        .file("etc/os-release", b"ID=evil\n")
        .finish();
    std::fs::write(&p, &replacement).unwrap();
    let e = walk_layers(&img, &WalkOptions::default(), |l| {
        (l.index == 2).then(Grab::default)
    })
    .unwrap_err();
    match &e {
        OciError::DigestMismatch {
            expected, actual, ..
        } => {
            assert_eq!(expected, &plain.to_string());
            assert_eq!(actual, &Digest::sha256_of(&replacement).to_string());
        }
        other => panic!("expected digest mismatch, got {other}"),
    }
    // a tampered manifest is caught when opening
    let idx: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("index.json")).unwrap()).unwrap();
    let md = Digest::parse(idx["manifests"][0]["digest"].as_str().unwrap()).unwrap();
    let mp = dir.path().join("blobs/sha256").join(md.hex());
    let mut m = std::fs::read(&mp).unwrap();
    m.push(b' ');
    std::fs::write(&mp, &m).unwrap();
    let e = open_input(dir.path(), None, None).unwrap_err();
    assert!(
        e.to_string().contains("digest mismatch")
            || e.to_string().contains("larger than its declared size"),
        "{e}"
    );
}

#[test]
fn skipping_cached_layers() {
    let dir = tempfile::tempdir().unwrap();
    single_layout(dir.path());
    let img = open_input(dir.path(), None, None).unwrap();
    let walked = walk_layers(&img, &WalkOptions::default(), |l| {
        (l.index != 1).then(Grab::default)
    })
    .unwrap();
    assert!(walked[0].is_some() && walked[1].is_none() && walked[2].is_some());
}

/// A legacy `docker save` archive (`<id>/layer.tar`, `<hex>.json`) with two images, built by hand.
#[test]
fn legacy_docker_archive_with_several_images() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mk = |name: &str, os: &[u8]| {
        let tar = TarBuilder::new().file("etc/os-release", os).finish();
        let l = vec![TestLayer::plain(tar.clone())];
        let cfg = support::config_json(&l, "amd64");
        let cd = Digest::sha256_of(&cfg);
        std::fs::write(d.join(format!("{}.json", cd.hex())), &cfg).unwrap();
        std::fs::create_dir_all(d.join(name)).unwrap();
        std::fs::write(d.join(name).join("layer.tar"), &tar).unwrap();
        (format!("{}.json", cd.hex()), format!("{name}/layer.tar"))
    };
    let (c1, l1) = mk("aaaa", b"ID=one\n");
    let (c2, l2) = mk("bbbb", b"ID=two\n");
    std::fs::write(
        d.join("manifest.json"),
        serde_json::to_vec(&serde_json::json!([
            {"Config": c1, "RepoTags": ["one:latest", "localhost:5000/one:1"], "Layers": [l1]},
            {"Config": c2, "RepoTags": ["two:2"], "Layers": [l2]}
        ]))
        .unwrap(),
    )
    .unwrap();
    let out = tempfile::NamedTempFile::new().unwrap();
    tar_dir(d, out.path());
    assert_eq!(detect_input(out.path()).unwrap(), InputKind::DockerArchive);
    let e = open_input(out.path(), None, None).unwrap_err();
    assert!(
        matches!(e, OciError::AmbiguousImage { count: 2, .. }),
        "{e}"
    );
    for (sel, want) in [
        ("one", "ID=one\n"),
        ("docker.io/library/one:latest", "ID=one\n"),
        ("localhost:5000/one:1", "ID=one\n"),
        ("two:2", "ID=two\n"),
    ] {
        let img = open_input(out.path(), Some(sel), None).unwrap();
        assert_eq!(img.source, SourceKind::DockerArchive);
        assert!(img.manifest_digest.is_none());
        assert_eq!(merged_os_release(&img).0, want.as_bytes(), "{sel}");
        assert_eq!(img.layers[0].digest, img.layers[0].diff_id.clone().unwrap());
    }
    let e = open_input(out.path(), Some("two:3"), None).unwrap_err();
    assert!(
        matches!(e, OciError::ImageNotFound { .. }) && e.to_string().contains("two:2"),
        "{e}"
    );
    // select by image ID prefix
    let id = c2.trim_end_matches(".json");
    let img = open_input(out.path(), Some(&id[..12]), None).unwrap();
    assert_eq!(img.repo_tags, ["two:2"]);
    // an unpacked docker-save directory works too
    let img = open_input(d, Some("two:2"), None).unwrap();
    assert_eq!(merged_os_release(&img).0, b"ID=two\n");
}

#[test]
fn not_an_image_and_compressed_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let e = open_input(dir.path(), None, None).unwrap_err();
    assert!(matches!(e, OciError::NotAnImage { .. }), "{e}");
    let f = dir.path().join("x.tar.gz");
    std::fs::write(&f, support::gzip(b"hello")).unwrap();
    let e = open_input(&f, None, None).unwrap_err();
    assert!(e.to_string().contains("decompress"), "{e}");
    let f = dir.path().join("junk");
    std::fs::write(&f, b"junk").unwrap();
    assert!(open_input(&f, None, None).is_err());
    assert!(open_input(&dir.path().join("missing"), None, None).is_err());
}

/// Docker 25+ `docker save`: `manifest.json` points into `blobs/sha256/`, next to an OCI
/// `index.json` whose manifest has the same config (built by hand: the daemon here is older).
#[test]
fn docker25_oci_in_docker_save_archive() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ls = vec![
        TestLayer::plain(
            TarBuilder::new()
                .file("etc/os-release", b"ID=d25\n")
                .finish(),
        ),
        TestLayer::plain(TarBuilder::new().file("app/bin", b"b").finish()),
    ];
    let mut desc = write_oci_image(d, &ls, "amd64");
    desc["annotations"] = serde_json::json!({"io.containerd.image.name": "docker.io/library/app:25", "org.opencontainers.image.ref.name": "25"});
    write_index(d, std::slice::from_ref(&desc));
    let md = Digest::parse(desc["digest"].as_str().unwrap()).unwrap();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("blobs/sha256").join(md.hex())).unwrap())
            .unwrap();
    let blob_path = |v: &serde_json::Value| {
        format!(
            "blobs/sha256/{}",
            v["digest"].as_str().unwrap().trim_start_matches("sha256:")
        )
    };
    std::fs::write(
        d.join("manifest.json"),
        serde_json::to_vec(&serde_json::json!([{
            "Config": blob_path(&manifest["config"]),
            "RepoTags": ["app:25"],
            "Layers": manifest["layers"].as_array().unwrap().iter().map(blob_path).collect::<Vec<_>>(),
        }]))
        .unwrap(),
    )
    .unwrap();
    let out = tempfile::NamedTempFile::new().unwrap();
    tar_dir(d, out.path());
    let img = open_input(out.path(), Some("app:25"), None).unwrap();
    assert_eq!(img.source, SourceKind::DockerArchive);
    assert_eq!(
        img.manifest_digest,
        Some(md),
        "manifest digest taken from index.json"
    );
    assert!(img.manifest.is_some());
    assert!(
        img.layers
            .iter()
            .all(|l| l.media_type == "application/vnd.oci.image.layer.v1.tar" && l.size > 0)
    );
    assert_eq!(merged_os_release(&img).0, b"ID=d25\n");
    // the same archive read as an OCI layout gives the same image
    let as_oci = bulwark_oci::archive::open_oci_layout(
        std::sync::Arc::new(bulwark_oci::store::TarStore::open(out.path()).unwrap()),
        Some("app:25"),
        None,
        SourceKind::OciArchive,
    )
    .unwrap();
    assert_eq!(as_oci.manifest_digest, img.manifest_digest);
    assert_eq!(as_oci.layers, img.layers);
}

#[test]
fn transports_in_references() {
    let dir = tempfile::tempdir().unwrap();
    let lay = dir.path().join("lay");
    std::fs::create_dir_all(&lay).unwrap();
    let mut desc = write_oci_image(&lay, &layers(), "amd64");
    desc["annotations"] = serde_json::json!({"org.opencontainers.image.ref.name": "v9"});
    write_index(&lay, &[desc]);
    let opts = bulwark_oci::ResolveOptions::default();
    let tagged = bulwark_oci::open_image(&format!("oci:{}:v9", lay.display()), &opts).unwrap();
    assert_eq!(tagged.source, SourceKind::OciLayout);
    let only = bulwark_oci::open_image(&format!("oci:{}", lay.display()), &opts).unwrap();
    assert_eq!(tagged.manifest_digest, only.manifest_digest);
    let err = bulwark_oci::open_image(&format!("oci:{}:v8", lay.display()), &opts).unwrap_err();
    assert!(matches!(err, OciError::ImageNotFound { .. }), "{err}");
    let ar = dir.path().join("lay.tar");
    tar_dir(&lay, &ar);
    let from_ar = bulwark_oci::open_image(&format!("oci-archive:{}", ar.display()), &opts).unwrap();
    assert_eq!(from_ar.source, SourceKind::OciArchive);
    assert_eq!(from_ar.manifest_digest, tagged.manifest_digest);
    let dar = dir.path().join("d.tar");
    support::write_docker_archive(&dar, "x:1", &layers());
    let dimg =
        bulwark_oci::open_image(&format!("docker-archive:{}:x:1", dar.display()), &opts).unwrap();
    assert_eq!(
        dimg.reference
            .as_ref()
            .map(bulwark_oci::Reference::familiar)
            .as_deref(),
        Some("x:1")
    );
    let err = bulwark_oci::open_image(&format!("docker-archive:{}:x:2", dar.display()), &opts)
        .unwrap_err();
    assert!(err.to_string().contains("x:1"), "{err}");
    let whole =
        bulwark_oci::open_image(&format!("docker-archive:{}", dar.display()), &opts).unwrap();
    assert_eq!(whole.source, SourceKind::DockerArchive);
    assert_eq!(whole.repo_tags, ["x:1"]);
}
