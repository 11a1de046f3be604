//! Image-configuration checks (`BWI001`...): user, secrets in config, healthcheck, ports,
//! setuid/setgid and world-writable files, sudo, remote `ADD`, package-manager caches,
//! `latest` base images, history hygiene.
//!
//! Input is a plain struct ([`ImageInput`]) the caller fills from the image config, the
//! per-layer tar entry metadata and the package inventory; this module does no I/O.
//!
//! ## Mapping to Trivy and Dockle
//!
//! | Bulwark | Trivy (Dockerfile/image config) | Dockle |
//! |---|---|---|
//! | BWI001 root-user | AVD-DS-0002 (DS002) | CIS-DI-0001 |
//! | BWI002 secret-in-config | secret scanner over config | CIS-DI-0010 |
//! | BWI003 no-healthcheck | AVD-DS-0026 (DS026) | CIS-DI-0006 |
//! | BWI004 ssh-port-exposed | AVD-DS-0004 (DS004) | - |
//! | BWI005 setuid-setgid-file | - | CIS-DI-0008 |
//! | BWI006 world-writable | - | - (CIS Docker 4.8 spirit) |
//! | BWI007 sudo-installed | - | DKL-DI-0001 (binary present) |
//! | BWI008 add-remote-url | AVD-DS-0005 (DS005) | CIS-DI-0009 |
//! | BWI009 package-cache-left | AVD-DS-0019/0025 family (cache flags) | DKL-DI-0005 |
//! | BWI010 latest-base-image | AVD-DS-0001 (DS001) | - |
//! | BWI011 image-tag-latest | - | DKL-DI-0006 |
//! | BWI012 sudo-in-history | AVD-DS-0010 (DS010) | DKL-DI-0001 |
//! | BWI013 update-without-install | AVD-DS-0017 (DS017) | CIS-DI-0007 |
//! | BWI014 sensitive-volume | - | DKL-DI-0002 |
//! | BWI015 credential-file-present | secret scanner (files) | CIS-DI-0010 (suspicious files) |
//! | BWI016 dist-upgrade | - | DKL-DI-0003 |
//!
//! Not covered: CIS-DI-0005 (content trust: a daemon setting, not an image property),
//! DKL-LI-0001/0002 (empty or duplicate passwords in `/etc/shadow` / `/etc/passwd`: needs
//! file contents, which the caller can feed to a future check), DKL-LI-0003 (unnecessary
//! files), DKL-DI-0004 (`apk add --no-cache`: BWI009 checks the outcome, the cache, instead).

use std::collections::{BTreeMap, HashMap};

use bulwark_report::{Category, Finding, Location, RuleInfo, Severity};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};

use crate::scanner::Scanner;

/// Kind of a tar entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// Regular file.
    File,
    /// Directory.
    Dir,
    /// Symbolic link (its mode bits are meaningless).
    Symlink,
    /// Hard link to an earlier entry.
    Hardlink,
    /// Device, FIFO or anything else.
    Other,
}

/// Metadata of one entry of a layer tar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileMeta {
    /// Path inside the image (`/usr/bin/su` or `usr/bin/su`).
    pub path: String,
    /// Unix mode including the setuid (0o4000), setgid (0o2000) and sticky (0o1000) bits.
    pub mode: u32,
    /// Owner uid.
    pub uid: u64,
    /// Owner gid.
    pub gid: u64,
    /// Size in bytes.
    pub size: u64,
    /// Entry type.
    pub kind: FileKind,
    /// True when a later layer deletes this path (whiteout or opaque directory).
    #[serde(default)]
    pub removed_in_later_layer: bool,
}

/// One layer's entries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerFiles {
    /// Layer digest (`sha256:...`), reported as a property.
    pub digest: String,
    /// Whether this layer comes from the base image; `None` when unknown.
    #[serde(default)]
    pub is_base: Option<bool>,
    /// The entries of this layer.
    pub files: Vec<FileMeta>,
}

/// One history entry of the image config.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The `created_by` command.
    pub created_by: String,
    /// True for steps that produced no layer (`ENV`, `LABEL`, ...).
    #[serde(default)]
    pub empty_layer: bool,
}

/// Everything the image checks look at. The caller maps bulwark-oci's config into it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageInput {
    /// The image as the user named it (`registry/app:1.2`); used as the location of
    /// config-level findings and for the `latest` tag check.
    pub reference: String,
    /// `config.User` (`None` or empty: root).
    #[serde(default)]
    pub user: Option<String>,
    /// `config.Env` (`KEY=value`).
    #[serde(default)]
    pub env: Vec<String>,
    /// `config.ExposedPorts` keys (`22/tcp`).
    #[serde(default)]
    pub exposed_ports: Vec<String>,
    /// `config.Labels`.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// `config.Healthcheck.Test` (`["CMD", ...]`, `["NONE"]`); `None` when not set.
    #[serde(default)]
    pub healthcheck: Option<Vec<String>>,
    /// `config.Volumes` keys.
    #[serde(default)]
    pub volumes: Vec<String>,
    /// `history`, oldest first.
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    /// Layers, bottom first, with their entries.
    #[serde(default)]
    pub layers: Vec<LayerFiles>,
    /// How many bottom layers belong to the base image, when known (alternative to
    /// per-layer `is_base`).
    #[serde(default)]
    pub base_layer_count: Option<usize>,
    /// Installed package names (any ecosystem; `sudo` is looked for).
    #[serde(default)]
    pub packages: Vec<String>,
}

/// At most this many findings per file-based check; the rest are summarised in one finding.
const MAX_FILE_FINDINGS: usize = 100;

/// Static description of an image check.
struct CheckSpec {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    summary: &'static str,
    why: &'static str,
    example: &'static str,
    fix: &'static str,
    maps_to: &'static str,
}

const CHECKS: &[CheckSpec] = &[
    CheckSpec {
        code: "BWI001",
        name: "root-user",
        severity: Severity::High,
        summary: "Image runs as root",
        why: "With no `USER` (or `USER root`/`0`), the process runs as uid 0: a container escape \
              or a writable host mount becomes root on the host.",
        example: "config.User = \"\"",
        fix: "Create an unprivileged user and add `USER app` (or a numeric uid) to the Dockerfile.",
        maps_to: "Trivy AVD-DS-0002, Dockle CIS-DI-0001",
    },
    CheckSpec {
        code: "BWI002",
        name: "secret-in-config",
        severity: Severity::High,
        summary: "Secret stored in the image configuration (Env, Labels or history)",
        why: "`ENV`, `LABEL`, and build arguments used by `RUN` are stored in the image config \
              and history: `docker inspect` / `docker history` reveal them to anyone who can pull.",
        example: "Env: [\"DB_PASSWORD=s3cr3t-value\"]",
        fix: "Pass secrets at run time or use `RUN --mount=type=secret`; revoke the exposed value.",
        maps_to: "Dockle CIS-DI-0010",
    },
    CheckSpec {
        code: "BWI003",
        name: "no-healthcheck",
        severity: Severity::Low,
        summary: "No HEALTHCHECK",
        why: "Without a healthcheck the engine cannot tell a hung process from a healthy one.",
        example: "config.Healthcheck absent, or Test = [\"NONE\"]",
        fix: "Add `HEALTHCHECK CMD ...` (or rely on orchestrator probes and ignore this check).",
        maps_to: "Trivy AVD-DS-0026, Dockle CIS-DI-0006",
    },
    CheckSpec {
        code: "BWI004",
        name: "ssh-port-exposed",
        severity: Severity::Medium,
        summary: "Port 22 (SSH) exposed",
        why: "Running sshd in a container widens the attack surface; use `docker exec`/`kubectl exec`.",
        example: "ExposedPorts: {\"22/tcp\": {}}",
        fix: "Remove `EXPOSE 22` and the SSH server.",
        maps_to: "Trivy AVD-DS-0004",
    },
    CheckSpec {
        code: "BWI005",
        name: "setuid-setgid-file",
        severity: Severity::Medium,
        summary: "setuid/setgid file added",
        why: "setuid/setgid binaries are privilege-escalation paths. Files from the base image are \
              not reported when the base layers are known; when they are not known every such \
              file is reported at low severity (property `base_known: false`).",
        example: "-rwsr-xr-x /usr/local/bin/helper",
        fix: "`chmod u-s,g-s` the file in the same RUN that installs it, or don't install it.",
        maps_to: "Dockle CIS-DI-0008",
    },
    CheckSpec {
        code: "BWI006",
        name: "world-writable",
        severity: Severity::Medium,
        summary: "World-writable file or directory",
        why: "Any user in the container can modify it (replace a binary, a config, a script). \
              Directories with the sticky bit (`/tmp`) and symlinks are exempt.",
        example: "drwxrwxrwx /app/config",
        fix: "Remove the `o+w` bit (`chmod o-w`), give ownership to the app user instead.",
        maps_to: "CIS Docker Benchmark 4.x (file permissions)",
    },
    CheckSpec {
        code: "BWI007",
        name: "sudo-installed",
        severity: Severity::Medium,
        summary: "sudo installed",
        why: "sudo in a container only serves privilege escalation; containers should start \
              with the privileges they need.",
        example: "package `sudo` installed, /usr/bin/sudo present",
        fix: "Do not install sudo; use `USER` switches in the Dockerfile or gosu at entrypoint.",
        maps_to: "Dockle DKL-DI-0001",
    },
    CheckSpec {
        code: "BWI008",
        name: "add-remote-url",
        severity: Severity::Low,
        summary: "ADD of a remote URL",
        why: "`ADD https://...` fetches without checksum verification (unless `--checksum`) and \
              keeps the download in a layer.",
        example: "ADD https://example.org/tool.tar.gz /opt/",
        fix: "Use `RUN curl -fsSL ... | sha256sum -c` or `ADD --checksum=sha256:...`.",
        maps_to: "Trivy AVD-DS-0005, Dockle CIS-DI-0009, Hadolint DL3020",
    },
    CheckSpec {
        code: "BWI009",
        name: "package-cache-left",
        severity: Severity::Low,
        summary: "Package-manager cache left in the image",
        why: "Downloaded packages and indexes bloat the image and pin stale metadata.",
        example: "/var/lib/apt/lists/* present in the final filesystem",
        fix: "Clean in the same RUN: `rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`, \
              `pip install --no-cache-dir`, `dnf clean all`.",
        maps_to: "Dockle DKL-DI-0005, Hadolint DL3009/DL3019/DL3042",
    },
    CheckSpec {
        code: "BWI010",
        name: "latest-base-image",
        severity: Severity::Medium,
        summary: "Built FROM a `latest` (or untagged) base image",
        why: "A `latest` base changes under you: rebuilds are not reproducible and may pull \
              breaking or vulnerable versions.",
        example: "org.opencontainers.image.base.name = docker.io/library/debian:latest",
        fix: "Pin the base image by version tag and digest.",
        maps_to: "Trivy AVD-DS-0001, Hadolint DL3007",
    },
    CheckSpec {
        code: "BWI011",
        name: "image-tag-latest",
        severity: Severity::Low,
        summary: "Image referenced by the `latest` tag",
        why: "`latest` is mutable: what is scanned may not be what runs.",
        example: "bulwark image app:latest",
        fix: "Deploy by version tag or digest.",
        maps_to: "Dockle DKL-DI-0006",
    },
    CheckSpec {
        code: "BWI012",
        name: "sudo-in-history",
        severity: Severity::Medium,
        summary: "sudo used in a build step",
        why: "Build steps already run as the current USER; sudo means the image ships sudo and \
              has unpredictable TTY/privilege behaviour.",
        example: "RUN sudo apt-get install -y curl",
        fix: "Switch `USER root` for the step and back afterwards.",
        maps_to: "Trivy AVD-DS-0010, Dockle DKL-DI-0001",
    },
    CheckSpec {
        code: "BWI013",
        name: "update-without-install",
        severity: Severity::Low,
        summary: "Package index update alone in a build step",
        why: "A cached `apt-get update` layer goes stale; later installs use old indexes.",
        example: "RUN apt-get update",
        fix: "Combine update and install in one RUN: `apt-get update && apt-get install -y ...`.",
        maps_to: "Trivy AVD-DS-0017, Dockle CIS-DI-0007",
    },
    CheckSpec {
        code: "BWI014",
        name: "sensitive-volume",
        severity: Severity::Medium,
        summary: "VOLUME on a sensitive directory",
        why: "A volume over `/`, `/etc`, `/root`, `/proc`, `/sys`, `/dev`, `/boot`, \
              `/var/run/docker.sock` (or similar) invites mounting host state into the container.",
        example: "VOLUME /etc",
        fix: "Declare volumes only for application data directories.",
        maps_to: "Dockle DKL-DI-0002",
    },
    CheckSpec {
        code: "BWI015",
        name: "credential-file-present",
        severity: Severity::High,
        summary: "Credential file in the image",
        why: "Files such as `.aws/credentials`, `.docker/config.json`, `.git-credentials`, \
              `.netrc`, `.npmrc`, `.pypirc`, `.pgpass`, SSH private keys and `.env` usually hold \
              credentials; deleting them in a later layer does not remove them from the image.",
        example: "/root/.aws/credentials",
        fix: "Never COPY these; use build secrets and run-time secret mounts.",
        maps_to: "Dockle CIS-DI-0010",
    },
    CheckSpec {
        code: "BWI016",
        name: "dist-upgrade",
        severity: Severity::Low,
        summary: "dist-upgrade in a build step",
        why: "`dist-upgrade` can change the distribution release under the image: rebuild the \
              base instead.",
        example: "RUN apt-get dist-upgrade -y",
        fix: "Use an up-to-date base image; install specific packages.",
        maps_to: "Dockle DKL-DI-0003",
    },
];

/// Registry entries for the image checks.
#[must_use]
pub fn image_rule_infos() -> Vec<RuleInfo> {
    CHECKS
        .iter()
        .map(|c| RuleInfo {
            code: c.code.to_string(),
            name: Some(c.name.to_string()),
            summary: c.summary.to_string(),
            help_markdown: format!(
                "## What it finds\n\n{}.\n\n## Why it matters\n\n{}\n\n## Example\n\n```\n{}\n```\n\n## Fix\n\n{}\n\n## Related\n\n{}\n",
                c.summary, c.why, c.example, c.fix, c.maps_to
            ),
            default_severity: c.severity,
            help_uri: None,
        })
        .collect()
}

fn spec(code: &str) -> Option<&'static CheckSpec> {
    CHECKS.iter().find(|c| c.code == code)
}

fn finding(code: &str, message: String, location: Location) -> Finding {
    let severity = spec(code).map_or(Severity::Medium, |s| s.severity);
    // A secret in the configuration is a secret (the secret scanner reports it); the other
    // checks are configuration checks.
    let category = if code == "BWI002" {
        Category::Secret
    } else {
        Category::ImageConfig
    };
    let mut f = Finding::new(code, severity, category, message, location);
    if let Some(s) = spec(code) {
        f = f.with_help(s.fix).with_property("check", s.name);
    }
    f
}

fn norm(path: &str) -> &str {
    let mut p = path;
    while let Some(rest) = p.strip_prefix('/').or_else(|| p.strip_prefix("./")) {
        p = rest;
    }
    p
}

/// Runs every image check. `scanner` finds secrets in `Env`, `Labels` and history (BWI002).
#[must_use]
pub fn check_image(input: &ImageInput, scanner: &Scanner) -> Vec<Finding> {
    let mut out = Vec::new();
    let here = || Location::file(input.reference.clone());

    // BWI001 root user.
    let user = input.user.as_deref().map(str::trim).unwrap_or_default();
    let user_part = user.split(':').next().unwrap_or_default();
    if user_part.is_empty() || user_part == "root" || user_part == "0" {
        let shown = if user.is_empty() { "(not set)" } else { user };
        out.push(
            finding(
                "BWI001",
                format!("Image runs as root (User: {shown})"),
                here(),
            )
            .with_property("user", user),
        );
    }

    // BWI002 secrets in Env, Labels, history.
    let mut config_secrets = Vec::new();
    for (i, kv) in input.env.iter().enumerate() {
        let (k, v) = kv.split_once('=').unwrap_or((kv.as_str(), ""));
        for s in scanner.scan_assignment(k, v, &here()) {
            config_secrets.push(("env", i, k.to_string(), s));
        }
    }
    for (i, (k, v)) in input.labels.iter().enumerate() {
        for s in scanner.scan_assignment(k, v, &here()) {
            config_secrets.push(("label", i, k.clone(), s));
        }
    }
    for (i, h) in input.history.iter().enumerate() {
        for s in scanner.scan_created_by(&h.created_by, &here()) {
            config_secrets.push(("history", i, h.created_by.clone(), s));
        }
    }
    for (field, index, name, s) in config_secrets {
        let what = match field {
            "env" => format!("Env variable `{name}`"),
            "label" => format!("label `{name}`"),
            _ => format!("history step {}", index + 1),
        };
        out.push(
            finding(
                "BWI002",
                format!("{} in {what}: {}", s.title, s.redacted),
                here(),
            )
            .with_property("field", field)
            .with_property("index", index)
            .with_property("secret_rule", s.rule_id.clone())
            .with_property("match", s.redacted.as_str()),
        );
    }

    // BWI003 healthcheck.
    let hc_disabled = input
        .healthcheck
        .as_ref()
        .is_some_and(|t| t.first().is_some_and(|c| c.eq_ignore_ascii_case("NONE")));
    if input.healthcheck.is_none() || hc_disabled {
        let msg = if hc_disabled {
            "HEALTHCHECK is disabled (NONE)"
        } else {
            "No HEALTHCHECK defined"
        };
        out.push(finding("BWI003", msg.to_string(), here()));
    }

    // BWI004 port 22.
    for p in &input.exposed_ports {
        let (port, proto) = p.split_once('/').unwrap_or((p.as_str(), "tcp"));
        if port.trim() == "22" && proto.eq_ignore_ascii_case("tcp") {
            out.push(finding(
                "BWI004",
                format!("Port {p} (SSH) is exposed"),
                here(),
            ));
        }
    }

    // File-based checks over the final filesystem (last writer wins).
    let mut final_fs: HashMap<&str, (usize, &FileMeta)> = HashMap::new();
    let mut all_entries: Vec<(usize, &FileMeta)> = Vec::new();
    for (li, layer) in input.layers.iter().enumerate() {
        for f in &layer.files {
            final_fs.insert(norm(&f.path), (li, f));
            all_entries.push((li, f));
        }
    }
    let mut final_files: Vec<(usize, &FileMeta)> = final_fs
        .values()
        .filter(|(_, f)| !f.removed_in_later_layer)
        .copied()
        .collect();
    final_files.sort_by(|a, b| norm(&a.1.path).cmp(norm(&b.1.path)));
    let is_base = |li: usize| -> Option<bool> {
        input
            .layers
            .get(li)
            .and_then(|l| l.is_base)
            .or_else(|| input.base_layer_count.map(|n| li < n))
    };
    let layer_digest = |li: usize| {
        input
            .layers
            .get(li)
            .map(|l| l.digest.clone())
            .unwrap_or_default()
    };
    let file_loc = |f: &FileMeta| Location::file(format!("/{}", norm(&f.path)));

    // BWI005 setuid/setgid.
    let mut suid = Vec::new();
    for &(li, f) in &final_files {
        if !matches!(f.kind, FileKind::File | FileKind::Hardlink) || f.mode & 0o6000 == 0 {
            continue;
        }
        let base = is_base(li);
        if base == Some(true) {
            continue;
        }
        let bits = match (f.mode & 0o4000 != 0, f.mode & 0o2000 != 0) {
            (true, true) => "setuid+setgid",
            (true, false) => "setuid",
            _ => "setgid",
        };
        let mut fd = finding(
            "BWI005",
            format!(
                "{bits} file /{} (mode {:o})",
                norm(&f.path),
                f.mode & 0o7777
            ),
            file_loc(f),
        )
        .with_property("layer_digest", layer_digest(li))
        .with_property("mode", format!("{:o}", f.mode & 0o7777))
        .with_property("base_known", base.is_some());
        if base.is_none() {
            fd.severity = Severity::Low;
        }
        suid.push(fd);
    }
    push_capped(&mut out, suid, "BWI005", &input.reference);

    // BWI006 world-writable.
    let mut ww = Vec::new();
    for &(li, f) in &final_files {
        let writable = f.mode & 0o002 != 0;
        let sticky_dir = f.kind == FileKind::Dir && f.mode & 0o1000 != 0;
        if !writable
            || sticky_dir
            || !matches!(f.kind, FileKind::File | FileKind::Dir | FileKind::Hardlink)
        {
            continue;
        }
        let what = if f.kind == FileKind::Dir {
            "directory"
        } else {
            "file"
        };
        ww.push(
            finding(
                "BWI006",
                format!(
                    "World-writable {what} /{} (mode {:o})",
                    norm(&f.path),
                    f.mode & 0o7777
                ),
                file_loc(f),
            )
            .with_property("layer_digest", layer_digest(li))
            .with_property("mode", format!("{:o}", f.mode & 0o7777)),
        );
    }
    push_capped(&mut out, ww, "BWI006", &input.reference);

    // BWI007 sudo installed.
    let sudo_pkg = input.packages.iter().any(|p| p == "sudo");
    let sudo_bin = final_fs
        .get("usr/bin/sudo")
        .is_some_and(|(_, f)| !f.removed_in_later_layer);
    if sudo_pkg || sudo_bin {
        out.push(
            finding("BWI007", "sudo is installed".to_string(), here())
                .with_property("package", sudo_pkg)
                .with_property("binary", sudo_bin),
        );
    }

    // History checks (BWI008, BWI012, BWI013, BWI016).
    for (i, h) in input.history.iter().enumerate() {
        let cmd = h.created_by.as_str();
        let lower = cmd.to_ascii_lowercase();
        let step = || Location::file(input.reference.clone());
        let shown: String = cmd.chars().take(200).collect();
        if is_remote_add(cmd) {
            out.push(
                finding(
                    "BWI008",
                    format!("ADD of a remote URL in history step {}", i + 1),
                    step(),
                )
                .with_property("created_by", shown.clone()),
            );
        }
        if is_run_step(cmd) && has_word(&lower, "sudo") {
            out.push(
                finding(
                    "BWI012",
                    format!("sudo used in history step {}", i + 1),
                    step(),
                )
                .with_property("created_by", shown.clone()),
            );
        }
        if is_run_step(cmd) && update_without_install(&lower) {
            out.push(
                finding(
                    "BWI013",
                    format!(
                        "Package index update without install in history step {}",
                        i + 1
                    ),
                    step(),
                )
                .with_property("created_by", shown.clone()),
            );
        }
        if is_run_step(cmd) && lower.contains("dist-upgrade") {
            out.push(
                finding(
                    "BWI016",
                    format!("dist-upgrade in history step {}", i + 1),
                    step(),
                )
                .with_property("created_by", shown),
            );
        }
    }

    // BWI009 package caches.
    for (kind, count, bytes) in package_caches(&final_files) {
        out.push(
            finding(
                "BWI009",
                format!("{kind} cache left in the image: {count} files, {bytes} bytes"),
                here(),
            )
            .with_property("cache", kind)
            .with_property("files", count)
            .with_property("bytes", bytes),
        );
    }

    // BWI010 latest base.
    for key in [
        "org.opencontainers.image.base.name",
        "org.label-schema.base-image",
    ] {
        if let Some(base) = input.labels.get(key)
            && is_latest_ref(base)
        {
            out.push(
                finding(
                    "BWI010",
                    format!("Base image `{base}` is `latest` or untagged"),
                    here(),
                )
                .with_property("base", base.clone()),
            );
        }
    }

    // BWI011 image tag latest.
    if !input.reference.is_empty()
        && is_latest_ref(&input.reference)
        && looks_like_ref(&input.reference)
    {
        out.push(finding(
            "BWI011",
            format!(
                "Image `{}` is referenced by the `latest` tag",
                input.reference
            ),
            here(),
        ));
    }

    // BWI014 sensitive volumes.
    const SENSITIVE: &[&str] = &[
        "",
        "etc",
        "root",
        "proc",
        "sys",
        "dev",
        "boot",
        "lib",
        "lib64",
        "usr",
        "bin",
        "sbin",
        "var/run/docker.sock",
        "run/docker.sock",
        "var/lib/docker",
    ];
    for v in &input.volumes {
        let p = norm(v.trim()).trim_end_matches('/');
        if SENSITIVE.contains(&p) {
            out.push(
                finding("BWI014", format!("VOLUME on sensitive path {v}"), here())
                    .with_property("volume", v.clone()),
            );
        }
    }

    // BWI015 credential files (also those deleted by a later layer: still in the image).
    let mut creds = Vec::new();
    if let Ok(set) = credential_globs() {
        for &(li, f) in &all_entries {
            if !matches!(f.kind, FileKind::File | FileKind::Hardlink) {
                continue;
            }
            let p = norm(&f.path);
            if set.is_match(p) {
                let mut msg = format!("Credential file /{p}");
                if f.removed_in_later_layer {
                    msg.push_str(" (deleted by a later layer, still in the image's layers)");
                }
                creds.push(
                    finding("BWI015", msg, file_loc(f))
                        .with_property("layer_digest", layer_digest(li))
                        .with_property("removed_in_later_layer", f.removed_in_later_layer),
                );
            }
        }
    }
    push_capped(&mut out, creds, "BWI015", &input.reference);

    out
}

fn push_capped(out: &mut Vec<Finding>, mut found: Vec<Finding>, code: &str, reference: &str) {
    if found.len() > MAX_FILE_FINDINGS {
        let extra = found.len() - MAX_FILE_FINDINGS;
        found.truncate(MAX_FILE_FINDINGS);
        found.push(
            finding(
                code,
                format!("... and {extra} more files"),
                Location::file(reference),
            )
            .with_property("omitted", extra),
        );
    }
    out.extend(found);
}

fn is_run_step(cmd: &str) -> bool {
    let c = cmd.trim_start();
    // Legacy builder: `/bin/sh -c cmd` (non-nop); BuildKit: `RUN ...`; with build args `|N ...`.
    (c.starts_with("/bin/sh -c ") && !c.contains("#(nop)"))
        || c.starts_with("RUN ")
        || c.starts_with('|')
}

fn has_word(haystack: &str, word: &str) -> bool {
    haystack.match_indices(word).any(|(i, _)| {
        let before = haystack[..i].chars().next_back();
        let after = haystack[i + word.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '/')
            && after.is_some_and(char::is_whitespace)
    })
}

fn is_remote_add(cmd: &str) -> bool {
    let c = cmd.trim_start();
    let c = c
        .strip_prefix("/bin/sh -c #(nop)")
        .map_or(c, str::trim_start);
    let Some(rest) = c.strip_prefix("ADD ") else {
        return false;
    };
    rest.split_whitespace()
        .filter(|w| !w.starts_with("--"))
        .any(|w| w.starts_with("http://") || w.starts_with("https://"))
}

fn update_without_install(lower: &str) -> bool {
    lower.split("&&").flat_map(|s| s.split(';')).any(|s| {
        let s = s.trim();
        s.contains("apt-get update") || s.contains("apt update") || s.contains("apk update")
    }) && !lower.contains(" install")
        && !lower.contains("apk add")
}

fn package_caches(files: &[(usize, &FileMeta)]) -> Vec<(&'static str, u64, u64)> {
    let kinds: &[(&str, &[&str], &[&str])] = &[
        ("apt archives", &["var/cache/apt/archives/*.deb"], &[]),
        (
            "apt lists",
            &["var/lib/apt/lists/*"],
            &["var/lib/apt/lists/lock"],
        ),
        ("apk", &["var/cache/apk/*"], &[]),
        ("pip", &["root/.cache/pip/**", "home/*/.cache/pip/**"], &[]),
        ("yum", &["var/cache/yum/**"], &[]),
        ("dnf", &["var/cache/dnf/**"], &[]),
        (
            "npm",
            &["root/.npm/_cacache/**", "home/*/.npm/_cacache/**"],
            &[],
        ),
    ];
    let mut out = Vec::new();
    for (name, include, exclude) in kinds {
        let (Ok(inc), Ok(exc)) = (globs(include), globs(exclude)) else {
            continue;
        };
        let mut count = 0u64;
        let mut bytes = 0u64;
        for (_, f) in files {
            let p = norm(&f.path);
            if f.kind == FileKind::File && inc.is_match(p) && !exc.is_match(p) {
                count += 1;
                bytes += f.size;
            }
        }
        if count > 0 {
            out.push((*name, count, bytes));
        }
    }
    out
}

fn globs(patterns: &[&str]) -> Result<GlobSet, globset::Error> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(GlobBuilder::new(p).literal_separator(true).build()?);
    }
    b.build()
}

fn credential_globs() -> Result<GlobSet, globset::Error> {
    globs(&[
        "**/.aws/credentials",
        "**/.docker/config.json",
        "**/.git-credentials",
        "**/.netrc",
        "**/.npmrc",
        "**/.pypirc",
        "**/.pgpass",
        "**/.vault-token",
        "**/.kube/config",
        "**/.ssh/id_rsa",
        "**/.ssh/id_dsa",
        "**/.ssh/id_ecdsa",
        "**/.ssh/id_ed25519",
        "**/.env",
        "**/.htpasswd",
    ])
}

/// True for `name`, `name:latest`, `registry:5000/name` (untagged), but not `name:1.2` or
/// `name@sha256:...`.
fn is_latest_ref(reference: &str) -> bool {
    let r = reference.trim();
    if r.contains('@') {
        return false;
    }
    let last = r.rsplit('/').next().unwrap_or(r);
    match last.rsplit_once(':') {
        Some((_, tag)) => tag == "latest",
        None => true,
    }
}

/// Image references, not archive paths (`./app.tar`, `oci:dir`): a `latest` tag only matters
/// for registry references.
fn looks_like_ref(reference: &str) -> bool {
    let r = reference.trim();
    let lower = r.to_ascii_lowercase();
    !(r.starts_with('/')
        || r.starts_with("./")
        || std::path::Path::new(&lower)
            .extension()
            .is_some_and(|e| e == "tar" || e == "gz" || e == "tgz")
        || r.contains("://"))
        && r.rsplit('/').next().is_some_and(|l| l.contains(':'))
}
