//! Registry tests against a real local registry (Debian's `docker-registry`), images pushed
//! with `skopeo`. Skipped visibly when the binaries are missing (fails under CI).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;

use bulwark_oci::{
    Credential, CredentialStore, Digest, EntryMeta, ImageSource, LayerVisitor, MergedFs, OciError,
    Platform, Reference, RegistryClient, RegistryOptions, ResolveOptions, SourceKind, WalkOptions,
    WantedFile, media_type, open_image, open_registry_image, walk_layers,
};
use support::{
    TarBuilder, TestLayer, skopeo_copy, start_registry, write_blob, write_docker_archive,
    write_oci_image,
};

#[derive(Default, Debug)]
struct Grab(BTreeMap<String, Vec<u8>>);
impl LayerVisitor for Grab {
    fn wants(&self, path: &str, _: &EntryMeta) -> bool {
        path == "etc/os-release"
    }
    fn visit(&mut self, f: &WantedFile<'_>) {
        self.0.insert(f.path.to_string(), f.data.to_vec());
    }
}

fn os_release(img: &bulwark_oci::Image) -> Vec<u8> {
    let walked = walk_layers(img, &WalkOptions::default(), |_| Some(Grab::default())).unwrap();
    let merged = MergedFs::apply(walked.iter().flatten().map(|w| &w.report));
    let layer = merged.get("etc/os-release").unwrap().layer;
    walked[layer].as_ref().unwrap().visitor.0["etc/os-release"].clone()
}

fn no_creds() -> RegistryOptions {
    RegistryOptions {
        credentials: CredentialStore {
            ignore_docker_config: true,
            ..CredentialStore::default()
        },
        max_attempts: 2,
        ..RegistryOptions::default()
    }
}

fn layers() -> Vec<TestLayer> {
    vec![
        TestLayer::plain(
            TarBuilder::new()
                .file("etc/os-release", b"ID=reg\n")
                .file("etc/k", b"k")
                .finish(),
        ),
        TestLayer::plain(
            TarBuilder::new()
                .file("etc/.wh.k", b"")
                .file("usr/x", b"x")
                .finish(),
        ),
    ]
}

#[test]
fn pull_by_tag_and_digest_list_tags_404_and_push_api() {
    let Some(reg) = start_registry(None) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let ar = dir.path().join("img.tar");
    write_docker_archive(&ar, "app:1", &layers());
    skopeo_copy(
        &format!("docker-archive:{}", ar.display()),
        &format!("docker://{}/team/app:1", reg.host()),
        None,
    );
    skopeo_copy(
        &format!("docker-archive:{}", ar.display()),
        &format!("docker://{}/team/app:2", reg.host()),
        None,
    );

    let client = Arc::new(RegistryClient::new(no_creds()));
    let r = Reference::parse(&format!("{}/team/app:1", reg.host())).unwrap();
    let img = open_registry_image(Arc::clone(&client), &r, None).unwrap();
    assert_eq!(img.source, SourceKind::Registry);
    assert_eq!(img.layers.len(), 2);
    assert!(
        img.layers
            .iter()
            .all(|l| l.size > 0 && l.media_type.contains("gzip")),
        "skopeo compresses: {:?}",
        img.layers
    );
    assert_eq!(os_release(&img), b"ID=reg\n");
    // gzip blobs: the diff id is verified from the decompressed stream
    let walked = walk_layers(&img, &WalkOptions::default(), |_| Some(Grab::default())).unwrap();
    assert!(walked.iter().flatten().all(|w| w.report.diff_id_verified));

    // by digest, via the generic resolver with an explicit transport
    let md = img.manifest_digest.clone().unwrap();
    let by_digest = format!("{}/team/app@{md}", reg.host());
    let opts = ResolveOptions {
        sources: vec![ImageSource::Registry],
        registry: no_creds(),
        ..ResolveOptions::default()
    };
    let img2 = open_image(&by_digest, &opts).unwrap();
    assert_eq!(img2.manifest_digest, Some(md.clone()));
    assert_eq!(img2.config_digest, img.config_digest);
    let head = client.head_manifest(&r).unwrap().unwrap();
    assert_eq!(head.digest, Some(md.clone()));

    let mut tags = client.list_tags(&r).unwrap();
    tags.sort();
    assert_eq!(tags, ["1", "2"]);

    // 404s
    let missing = r.with_tag("nope");
    let e = client.get_manifest(&missing).unwrap_err();
    assert!(matches!(e, OciError::ManifestNotFound { .. }), "{e}");
    assert!(e.to_string().contains("team/app:nope"), "{e}");
    assert!(client.head_manifest(&missing).unwrap().is_none());
    let e = open_image(&format!("registry:{}/team/other:1", reg.host()), &opts).unwrap_err();
    assert!(e.to_string().contains("team/other"), "{e}");
    assert_eq!(
        client.head_blob(&r, &Digest::sha256_of(b"absent")).unwrap(),
        None
    );
    let e = client
        .get_blob(&r, &Digest::sha256_of(b"absent"), None)
        .err()
        .unwrap();
    assert!(matches!(e, OciError::BlobNotFound { .. }), "{e}");

    // push API (what bulwark-sign uses): blob + manifest with subject, then referrers
    let payload = br#"{"critical":{}}"#;
    let pd = client.put_blob(&r, payload).unwrap();
    assert_eq!(pd, Digest::sha256_of(payload));
    assert_eq!(
        client.head_blob(&r, &pd).unwrap(),
        Some(payload.len() as u64)
    );
    assert_eq!(client.get_blob_bytes(&r, &pd, 1024).unwrap(), payload);
    assert_eq!(
        client.put_blob(&r, payload).unwrap(),
        pd,
        "re-upload is a no-op"
    );
    let empty = client.put_blob(&r, b"{}").unwrap();
    let sig_manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2, "mediaType": media_type::OCI_MANIFEST,
        "artifactType": "application/vnd.dev.cosign.artifact.sig.v1+json",
        "config": {"mediaType": media_type::OCI_EMPTY, "digest": empty.to_string(), "size": 2},
        "layers": [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json", "digest": pd.to_string(), "size": payload.len()}],
        "subject": {"mediaType": media_type::DOCKER_MANIFEST, "digest": md.to_string(), "size": head.size}
    }))
    .unwrap();
    let sig_tag = format!("{}-{}.sig", md.algorithm(), md.hex());
    let sd = client
        .put_manifest(
            &r.with_tag(&sig_tag),
            media_type::OCI_MANIFEST,
            &sig_manifest,
        )
        .unwrap();
    let fetched = client.get_manifest(&r.with_tag(&sig_tag)).unwrap();
    assert_eq!(
        (fetched.digest.clone(), fetched.bytes.clone()),
        (sd.clone(), sig_manifest.clone())
    );
    assert_eq!(fetched.media_type, media_type::OCI_MANIFEST);
    // registry 2.8 has no referrers API: the tag-schema fallback finds nothing yet...
    assert!(
        client
            .referrers(&r, &md, None)
            .unwrap()
            .manifests
            .is_empty()
    );
    // ...until the fallback index is pushed
    let idx = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2, "mediaType": media_type::OCI_INDEX,
        "manifests": [{"mediaType": media_type::OCI_MANIFEST, "digest": sd.to_string(), "size": sig_manifest.len(),
                       "artifactType": "application/vnd.dev.cosign.artifact.sig.v1+json"}]
    }))
    .unwrap();
    client
        .put_manifest(
            &r.with_tag(&format!("{}-{}", md.algorithm(), md.hex())),
            media_type::OCI_INDEX,
            &idx,
        )
        .unwrap();
    let refs = client.referrers(&r, &md, None).unwrap();
    assert_eq!(
        refs.manifests
            .iter()
            .map(|d| d.digest.clone())
            .collect::<Vec<_>>(),
        [sd]
    );
    assert!(
        client
            .referrers(&r, &md, Some("application/other"))
            .unwrap()
            .manifests
            .is_empty()
    );
    // push by digest (no tag)
    let untagged = Reference::parse(&format!("{}/team/app", reg.host())).unwrap();
    let by_digest_ref = Reference::from_parts(
        untagged.registry(),
        untagged.repository(),
        None,
        Some(&Digest::sha256_of(&idx)),
    )
    .unwrap();
    let d = client
        .put_manifest(&by_digest_ref, media_type::OCI_INDEX, &idx)
        .unwrap();
    assert_eq!(
        client.get_manifest(&untagged.with_digest(d)).unwrap().bytes,
        idx
    );
}

#[test]
fn multi_platform_index_over_registry() {
    let Some(reg) = start_registry(None) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let lay = dir.path().join("layout");
    std::fs::create_dir_all(&lay).unwrap();
    let amd = write_oci_image(
        &lay,
        &[TestLayer::gz(
            TarBuilder::new()
                .file("etc/os-release", b"ID=amd\n")
                .finish(),
        )],
        "amd64",
    );
    let arm = write_oci_image(
        &lay,
        &[TestLayer::zst(
            TarBuilder::new()
                .file("etc/os-release", b"ID=arm\n")
                .finish(),
        )],
        "arm64",
    );
    let inner = serde_json::to_vec(&serde_json::json!({"schemaVersion": 2, "mediaType": media_type::OCI_INDEX, "manifests": [amd, arm]})).unwrap();
    let inner_d = write_blob(&lay, &inner);
    support::write_index(
        &lay,
        &[
            serde_json::json!({"mediaType": media_type::OCI_INDEX, "digest": inner_d.to_string(), "size": inner.len(),
            "annotations": {"org.opencontainers.image.ref.name": "multi"}}),
        ],
    );
    let out = std::process::Command::new("skopeo")
        .args([
            "--insecure-policy",
            "copy",
            "--multi-arch",
            "all",
            "--dest-tls-verify=false",
        ])
        .arg(format!("oci:{}:multi", lay.display()))
        .arg(format!("docker://{}/multi:1", reg.host()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "skopeo: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let client = Arc::new(RegistryClient::new(no_creds()));
    let r = Reference::parse(&format!("{}/multi:1", reg.host())).unwrap();
    let top = client.get_manifest(&r).unwrap();
    assert_eq!(top.digest, inner_d, "skopeo keeps the index bytes");
    for (p, want) in [("linux/amd64", "ID=amd\n"), ("linux/arm64", "ID=arm\n")] {
        let img = open_registry_image(Arc::clone(&client), &r, Some(&Platform::parse(p).unwrap()))
            .unwrap();
        assert_eq!(os_release(&img), want.as_bytes(), "{p}");
        assert_eq!(img.platform().to_string(), p);
    }
    let e = open_registry_image(client, &r, Some(&Platform::parse("linux/ppc64le").unwrap()))
        .unwrap_err();
    assert!(matches!(e, OciError::NoMatchingPlatform { .. }), "{e}");
}

#[test]
fn basic_auth_registry() {
    let Some(reg) = start_registry(Some(("alice", "s3cret"))) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let ar = dir.path().join("img.tar");
    write_docker_archive(&ar, "app:1", &layers());
    skopeo_copy(
        &format!("docker-archive:{}", ar.display()),
        &format!("docker://{}/private/app:1", reg.host()),
        Some(("alice", "s3cret")),
    );
    let r = Reference::parse(&format!("{}/private/app:1", reg.host())).unwrap();

    let anon = Arc::new(RegistryClient::new(no_creds()));
    let e = open_registry_image(anon, &r, None).unwrap_err();
    assert!(matches!(e, OciError::Unauthorized { .. }), "{e}");
    assert!(e.to_string().contains("no credentials"), "{e}");

    let wrong = RegistryOptions {
        credentials: CredentialStore {
            explicit: Some(Credential::Basic {
                username: "alice".into(),
                password: "wrong".into(),
            }),
            ..CredentialStore::default()
        },
        ..no_creds()
    };
    let e = open_registry_image(Arc::new(RegistryClient::new(wrong)), &r, None).unwrap_err();
    assert!(matches!(e, OciError::Unauthorized { .. }), "{e}");

    // credentials from a docker config.json (auths base64)
    let cfg = dir.path().join("config.json");
    std::fs::write(
        &cfg,
        format!(
            r#"{{"auths":{{"http://{}":{{"auth":"YWxpY2U6czNjcmV0"}}}}}}"#,
            reg.host()
        ),
    )
    .unwrap();
    let good = RegistryOptions {
        credentials: CredentialStore {
            docker_config: Some(cfg),
            ..CredentialStore::default()
        },
        ..no_creds()
    };
    let client = Arc::new(RegistryClient::new(good));
    let img = open_registry_image(Arc::clone(&client), &r, None).unwrap();
    assert_eq!(os_release(&img), b"ID=reg\n");
    // push with the same client
    let d = client.put_blob(&r, b"pushed").unwrap();
    assert_eq!(client.get_blob_bytes(&r, &d, 100).unwrap(), b"pushed");
}
