//! Image-configuration checks over hand-built inputs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

use std::collections::BTreeMap;

use bulwark_report::{Category, Finding, Severity};
use bulwark_secrets::Scanner;
use bulwark_secrets::image::{
    FileKind, FileMeta, HistoryEntry, ImageInput, LayerFiles, check_image, image_rule_infos,
};

fn file(path: &str, mode: u32, kind: FileKind) -> FileMeta {
    FileMeta {
        path: path.to_string(),
        mode,
        uid: 0,
        gid: 0,
        size: 10,
        kind,
        removed_in_later_layer: false,
    }
}

/// A well-behaved image: non-root user, healthcheck, pinned base, no risky files.
fn clean() -> ImageInput {
    ImageInput {
        reference: "registry.internal/app:1.4.2".into(),
        user: Some("10001:10001".into()),
        env: vec![
            "PATH=/usr/local/bin:/usr/bin".into(),
            "GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D".into(),
            "DB_PASSWORD_FILE=/run/secrets/db".into(),
        ],
        exposed_ports: vec!["8080/tcp".into()],
        labels: BTreeMap::from([(
            "org.opencontainers.image.base.name".to_string(),
            "docker.io/library/debian:bookworm-20240311".to_string(),
        )]),
        healthcheck: Some(vec!["CMD".into(), "/app/health".into()]),
        volumes: vec!["/data".into()],
        history: vec![
            HistoryEntry {
                created_by: "/bin/sh -c #(nop) ADD file:abc in / ".into(),
                empty_layer: false,
            },
            HistoryEntry {
                created_by: "RUN /bin/sh -c apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/* # buildkit".into(),
                empty_layer: false,
            },
        ],
        layers: vec![
            LayerFiles {
                digest: "sha256:base".into(),
                is_base: Some(true),
                files: vec![
                    file("usr/bin/su", 0o104_755, FileKind::File),
                    file("tmp", 0o41_777, FileKind::Dir),
                    file("usr/bin/python", 0o120_777, FileKind::Symlink),
                ],
            },
            LayerFiles {
                digest: "sha256:app".into(),
                is_base: Some(false),
                files: vec![
                    file("app/server", 0o100_755, FileKind::File),
                    file("var/lib/apt/lists/lock", 0o100_640, FileKind::File),
                ],
            },
        ],
        base_layer_count: None,
        packages: vec!["curl".into(), "libc6".into()],
    }
}

fn codes(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.code.as_str()).collect()
}

#[test]
fn clean_image_has_no_findings() {
    let s = Scanner::builtin().unwrap();
    let f = check_image(&clean(), &s);
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn each_check_fires() {
    let s = Scanner::builtin().unwrap();
    let mut img = clean();
    img.reference = "registry.internal/app:latest".into();
    img.user = None;
    img.env.push(["DB_PASSWORD=Zr8", "qL2vX9pT"].concat());
    img.exposed_ports.push("22/tcp".into());
    img.healthcheck = Some(vec!["NONE".into()]);
    img.volumes.push("/etc".into());
    img.labels.insert(
        "org.opencontainers.image.base.name".into(),
        "docker.io/library/debian:latest".into(),
    );
    img.history.push(HistoryEntry {
        created_by: "ADD https://example.org/tool.tgz /opt/ # buildkit".into(),
        empty_layer: false,
    });
    img.history.push(HistoryEntry {
        created_by: "RUN /bin/sh -c sudo apt-get update # buildkit".into(),
        empty_layer: false,
    });
    img.history.push(HistoryEntry {
        created_by: "/bin/sh -c apt-get dist-upgrade -y && apt-get install -y x".into(),
        empty_layer: false,
    });
    img.packages.push("sudo".into());
    img.layers[1].files.extend([
        file("usr/local/bin/helper", 0o104_755, FileKind::File),
        file("app/config", 0o40_777, FileKind::Dir),
        file(
            "var/cache/apt/archives/curl_8.deb",
            0o100_644,
            FileKind::File,
        ),
        file(
            "var/lib/apt/lists/deb.debian.org_dists",
            0o100_644,
            FileKind::File,
        ),
        FileMeta {
            removed_in_later_layer: true,
            ..file("root/.aws/credentials", 0o100_600, FileKind::File)
        },
    ]);
    let f = check_image(&img, &s);
    let mut got = codes(&f);
    got.sort_unstable();
    got.dedup();
    assert_eq!(
        got,
        vec![
            "BWI001", "BWI002", "BWI003", "BWI004", "BWI005", "BWI006", "BWI007", "BWI008",
            "BWI009", "BWI010", "BWI011", "BWI012", "BWI013", "BWI014", "BWI015", "BWI016"
        ]
    );
    // Secrets in the configuration are secrets; everything else is a configuration check.
    assert!(f.iter().all(|x| x.category
        == if x.code == "BWI002" {
            Category::Secret
        } else {
            Category::ImageConfig
        }));
    // Base-image setuid (`su`) is not reported, the image's own is.
    let suid: Vec<_> = f.iter().filter(|x| x.code == "BWI005").collect();
    assert_eq!(suid.len(), 1);
    assert_eq!(suid[0].location.path, "/usr/local/bin/helper");
    assert_eq!(suid[0].severity, Severity::Medium);
    // Two cache kinds: apt archives and apt lists (the lock file alone does not count).
    assert_eq!(f.iter().filter(|x| x.code == "BWI009").count(), 2);
    // The Env secret is redacted.
    let env = f.iter().find(|x| x.code == "BWI002").unwrap();
    assert!(!env.message.contains("qL2vX9pT"), "{}", env.message);
    assert_eq!(env.properties["field"], "env");
    let cred = f.iter().find(|x| x.code == "BWI015").unwrap();
    assert_eq!(cred.properties["removed_in_later_layer"], true);
}

#[test]
fn unknown_base_reports_all_setuid_at_low_severity() {
    let s = Scanner::builtin().unwrap();
    let mut img = clean();
    for l in &mut img.layers {
        l.is_base = None;
    }
    let f = check_image(&img, &s);
    let suid: Vec<_> = f.iter().filter(|x| x.code == "BWI005").collect();
    assert_eq!(suid.len(), 1);
    assert_eq!(suid[0].location.path, "/usr/bin/su");
    assert_eq!(suid[0].severity, Severity::Low);
    assert_eq!(suid[0].properties["base_known"], false);
    // base_layer_count works like per-layer flags.
    img.base_layer_count = Some(1);
    assert!(check_image(&img, &s).iter().all(|x| x.code != "BWI005"));
}

#[test]
fn later_layers_override_and_remove() {
    let s = Scanner::builtin().unwrap();
    let mut img = clean();
    // A later layer fixes the mode of a world-writable directory, and deletes a setuid file.
    img.layers[1]
        .files
        .push(file("app/data", 0o40_777, FileKind::Dir));
    img.layers[1].files.push(FileMeta {
        removed_in_later_layer: true,
        ..file("usr/local/bin/x", 0o104_755, FileKind::File)
    });
    img.layers.push(LayerFiles {
        digest: "sha256:fix".into(),
        is_base: Some(false),
        files: vec![file("/app/data", 0o40_755, FileKind::Dir)],
    });
    let f = check_image(&img, &s);
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn secrets_in_history_and_labels() {
    let s = Scanner::builtin().unwrap();
    let mut img = clean();
    let tok = ["ghp_", "Q9zL2mX0vTb7NcW4rK8yPd3sHf6JgA1eUi5o"].concat();
    img.history.push(HistoryEntry {
        created_by: format!("|1 GH_TOKEN={tok} /bin/sh -c git clone https://x/y"),
        empty_layer: false,
    });
    img.labels.insert("deploy.token".into(), tok.clone());
    let f = check_image(&img, &s);
    let secrets: Vec<_> = f.iter().filter(|x| x.code == "BWI002").collect();
    assert_eq!(secrets.len(), 2, "{secrets:#?}");
    assert!(
        secrets
            .iter()
            .all(|x| x.properties["secret_rule"] == "github-pat")
    );
    let json = serde_json::to_string(&f).unwrap();
    assert!(!json.contains(&tok[4..20]));
}

#[test]
fn many_world_writable_files_are_capped() {
    let s = Scanner::builtin().unwrap();
    let mut img = clean();
    img.layers[1]
        .files
        .extend((0..150).map(|i| file(&format!("app/f{i}"), 0o100_666, FileKind::File)));
    let f = check_image(&img, &s);
    let ww: Vec<_> = f.iter().filter(|x| x.code == "BWI006").collect();
    assert_eq!(ww.len(), 101);
    assert_eq!(ww[100].properties["omitted"], 50);
}

#[test]
fn registry_is_complete_and_documented() {
    let infos = image_rule_infos();
    assert_eq!(infos.len(), 16);
    for (i, info) in infos.iter().enumerate() {
        assert_eq!(info.code, format!("BWI{:03}", i + 1));
        assert!(info.help_markdown.contains("## Fix"));
    }
}
