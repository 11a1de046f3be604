//! Docker daemon integration: `docker import` a rootfs tar built here, read the image from the
//! daemon (Engine API export) and from a `docker save` archive, and compare.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

mod support;

use std::collections::BTreeMap;
use std::process::Command;

use bulwark_oci::{
    DockerDaemon, EntryMeta, ImageSource, LayerVisitor, MergedFs, OciError, ResolveOptions,
    SourceKind, WalkOptions, WantedFile, open_daemon_image, open_image, open_input, walk_layers,
};
use support::TarBuilder;

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

fn docker(args: &[&str]) -> String {
    let out = Command::new("docker")
        .args(args)
        .output()
        .expect("run docker");
    assert!(
        out.status.success(),
        "docker {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

struct Cleanup(Vec<String>);
impl Drop for Cleanup {
    fn drop(&mut self) {
        for t in &self.0 {
            let _ = Command::new("docker").args(["rmi", "-f", t]).output();
        }
    }
}

type Summary = (Vec<String>, BTreeMap<String, Vec<u8>>, Vec<(String, usize)>);

fn summary(img: &bulwark_oci::Image) -> Summary {
    let walked = walk_layers(img, &WalkOptions::default(), |_| Some(Grab::default())).unwrap();
    let merged = MergedFs::apply(walked.iter().flatten().map(|w| &w.report));
    let mut files = BTreeMap::new();
    for w in walked.iter().flatten() {
        for (p, d) in &w.visitor.0 {
            if merged.get(p).is_some_and(|o| o.layer == w.layer.index) {
                files.insert(p.clone(), d.clone());
            }
        }
    }
    let diff_ids = img
        .layers
        .iter()
        .map(bulwark_oci::Layer::cache_key)
        .collect();
    let origins = merged
        .files()
        .map(|(p, o)| (p.to_string(), o.layer))
        .collect();
    (diff_ids, files, origins)
}

#[test]
fn daemon_and_docker_save_agree() {
    if !bulwark_testutil::docker_available() {
        return;
    }
    let tag = format!("bulwark-oci-test:{}", std::process::id());
    let tag2 = format!("bulwark-oci-test2:{}", std::process::id());
    let _cleanup = Cleanup(vec![tag.clone(), tag2.clone()]);
    let dir = tempfile::tempdir().unwrap();
    let rootfs = TarBuilder::new()
        .dir("etc/")
        .file("etc/os-release", b"ID=bulwarktest\nVERSION_ID=1.0\n")
        .file("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")
        .file_mode("bin/tool", b"\x7fELF", 0o4755, 0)
        .symlink("etc/alias", "/etc/os-release")
        .finish();
    let tarp = dir.path().join("rootfs.tar");
    std::fs::write(&tarp, &rootfs).unwrap();
    docker(&["import", tarp.to_str().unwrap(), &tag]);
    // a second layer via the classic builder (COPY only: the image has no shell)
    std::fs::write(dir.path().join("secret.txt"), "token=abc\n").unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        format!(
            "FROM {tag}\nENV APP=1\nCOPY secret.txt /etc/secret.txt\nUSER 1000\nEXPOSE 8080/tcp\nLABEL org.example=yes\nHEALTHCHECK --interval=5s CMD [\"/bin/tool\"]\n"
        ),
    )
    .unwrap();
    let out = Command::new("docker")
        .args(["build", "-q", "-t", &tag2, dir.path().to_str().unwrap()])
        .env("DOCKER_BUILDKIT", "0")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "docker build: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let save = dir.path().join("save.tar");
    docker(&["save", "-o", save.to_str().unwrap(), &tag, &tag2]);

    // from the daemon (default source order tries docker first)
    let opts = ResolveOptions {
        sources: vec![ImageSource::Docker],
        spool_dir: Some(dir.path().join("spool")),
        ..ResolveOptions::default()
    };
    let from_daemon = open_image(&tag2, &opts).unwrap();
    assert_eq!(from_daemon.source, SourceKind::DockerDaemon);
    let from_archive = open_input(&save, Some(&tag2), None).unwrap();
    assert_eq!(from_archive.source, SourceKind::DockerArchive);
    assert_eq!(from_daemon.config_digest, from_archive.config_digest);
    let id = docker(&["image", "inspect", "-f", "{{.Id}}", &tag2]);
    assert_eq!(from_daemon.config_digest.to_string(), id);
    assert_eq!(from_daemon.layers.len(), 2);
    let cfg = &from_daemon.config.config;
    assert_eq!(cfg.user, "1000");
    assert!(cfg.env.iter().any(|e| e == "APP=1"));
    assert!(cfg.exposed_ports.contains_key("8080/tcp"));
    assert_eq!(
        cfg.labels.get("org.example").map(String::as_str),
        Some("yes")
    );
    let hc = cfg.healthcheck.as_ref().unwrap();
    assert_eq!(
        (hc.test.as_slice(), hc.interval),
        (
            &["CMD".to_string(), "/bin/tool".to_string()][..],
            Some(5_000_000_000)
        )
    );
    assert!(
        from_daemon.layers[1]
            .history
            .as_ref()
            .unwrap()
            .created_by
            .contains("COPY")
    );
    assert!(from_daemon.config.history.iter().any(|h| h.empty_layer));

    let a = summary(&from_daemon);
    let b = summary(&from_archive);
    assert_eq!(a, b);
    assert_eq!(a.1["etc/os-release"], b"ID=bulwarktest\nVERSION_ID=1.0\n");
    assert_eq!(a.1["etc/secret.txt"], b"token=abc\n");
    assert!(a.2.contains(&("etc/secret.txt".to_string(), 1)));
    assert!(a.2.contains(&("bin/tool".to_string(), 0)));
    // the spool file is gone once the image is dropped
    drop(from_daemon);
    let left: Vec<_> = std::fs::read_dir(dir.path().join("spool"))
        .unwrap()
        .collect();
    assert!(left.is_empty(), "spool not cleaned: {left:?}");

    // the first image, selected from the same two-image archive
    let base = open_input(&save, Some(&tag), None).unwrap();
    assert_eq!(base.layers.len(), 1);
    assert_eq!(
        base.layers[0].diff_id,
        b.0.first().and_then(|k| bulwark_oci::Digest::parse(k).ok())
    );

    // an image the daemon does not have
    let daemon = DockerDaemon::from_env().unwrap();
    daemon.ping().unwrap();
    let e = open_daemon_image(&daemon, "bulwark-oci-test:does-not-exist", None).unwrap_err();
    assert!(matches!(e, OciError::ImageNotInDaemon { .. }), "{e}");
    // docker then registry: both fail and both are reported (the registry is unreachable)
    let opts = ResolveOptions {
        sources: vec![ImageSource::Docker, ImageSource::Registry],
        registry: bulwark_oci::RegistryOptions {
            max_attempts: 1,
            ..Default::default()
        },
        ..ResolveOptions::default()
    };
    let e = open_image("127.0.0.1:1/bulwark-oci-test:none", &opts).unwrap_err();
    match &e {
        OciError::AllSourcesFailed { attempts, .. } => {
            assert_eq!(
                attempts.iter().map(|a| a.0.as_str()).collect::<Vec<_>>(),
                ["docker", "registry"]
            );
        }
        other => panic!("expected AllSourcesFailed, got {other}"),
    }
}
