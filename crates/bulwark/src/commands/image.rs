//! `bulwark image`, `bulwark fs`, `bulwark rootfs`: inventory (and, with the detectors, findings)
//! of an image or a directory, as a report or as an SBOM.

use std::path::PathBuf;

use anyhow::Context;
use bulwark_catalog::{
    SbomInput, SbomVulnerability, ScanMode, write_cyclonedx_with_vulnerabilities, write_spdx,
};
use bulwark_oci::{
    Credential, CredentialStore, ImageSource, Platform, RegistryOptions, ResolveOptions,
};
use bulwark_report::{ExitPolicy, Format, Report};
use bulwark_scan::secrets::SecretScanning;
use bulwark_scan::{Inventory, LayerCache, ScanOptions, default_cache_dir};
use bulwark_secrets::SecretConfig;
use serde_json::json;

use super::UsageError;
use crate::output::{OutputArgs, Ui, emit};

/// Output flags of the image and directory scans: the report formats plus the SBOM formats.
#[derive(Debug, Clone, clap::Args)]
pub struct ScanOutput {
    /// Output format: table, json, sarif, checkstyle, gitlab, or an SBOM: cyclonedx, spdx-json.
    #[arg(short = 'f', long, default_value = "table", env = "BULWARK_FORMAT")]
    pub format: String,
    /// Write the output to FILE instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE", env = "BULWARK_OUTPUT")]
    pub output: Option<PathBuf>,
    /// Exit status to use when findings remain after filtering (default: exit 0 with findings,
    /// as Trivy does).
    #[arg(long, value_name = "N", env = "BULWARK_EXIT_CODE")]
    pub exit_code: Option<i32>,
    /// List every package in table and JSON output (SBOM formats always do).
    #[arg(long)]
    pub list_all_pkgs: bool,
    /// Cache directory for per-layer results (default: the user cache dir).
    #[arg(long, value_name = "DIR", env = "BULWARK_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Do not read or write the per-layer cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Decompressed bytes allowed per layer before the scan fails (decompression-bomb guard;
    /// default 32 GiB).
    #[arg(long, value_name = "BYTES", env = "BULWARK_MAX_LAYER_BYTES")]
    pub max_layer_bytes: Option<u64>,
    /// What to look for: vuln, secret, config (image configuration; images only). SBOM formats
    /// list packages only unless `vuln` is named here explicitly.
    #[arg(long, value_delimiter = ',', env = "BULWARK_SCANNERS")]
    pub scanners: Option<Vec<Scanner>>,
    /// Secret scanner configuration (YAML like Trivy's trivy-secret.yaml, or JSON): extra rules,
    /// allow rules, skipped paths.
    #[arg(long, value_name = "FILE", env = "BULWARK_SECRET_CONFIG")]
    pub secret_config: Option<PathBuf>,
    /// Skip files matching these globs (secret scanning), like Trivy's --skip-files.
    #[arg(long, value_name = "GLOB", value_delimiter = ',')]
    pub skip_files: Vec<String>,
    /// Skip directories matching these globs (secret scanning), like Trivy's --skip-dirs.
    #[arg(long, value_name = "GLOB", value_delimiter = ',')]
    pub skip_dirs: Vec<String>,
    /// Vulnerability scanning: database, `--severity`, `--ignore-unfixed`, ignore files.
    #[command(flatten)]
    pub vuln: super::vuln::VulnArgs,
}

/// The detectors `--scanners` can turn on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scanner {
    /// Known vulnerabilities of packages (needs the OSV database).
    Vuln,
    /// Leaked credentials in files, Env, labels and history.
    Secret,
    /// Image configuration checks.
    #[value(alias = "misconfig")]
    Config,
    /// Nothing but the inventory.
    None,
}

impl ScanOutput {
    fn is_sbom(&self) -> bool {
        matches!(
            self.format.to_ascii_lowercase().as_str(),
            "cyclonedx" | "cyclonedx-json" | "spdx-json" | "spdx"
        )
    }

    /// The scanners in effect: as given, else vuln+secret+config for reports and none for SBOMs.
    pub fn enabled(&self, s: Scanner) -> bool {
        match &self.scanners {
            Some(list) => list.contains(&s),
            None => !self.is_sbom() && s != Scanner::None,
        }
    }
}

/// Flags for `bulwark image`.
#[derive(Debug, clap::Args)]
pub struct ImageArgs {
    /// Image reference (`debian:12`, `registry.example.com/app@sha256:...`) or a transport
    /// (`docker-archive:PATH[:TAG]`, `oci:DIR[:TAG]`, `oci-archive:PATH`).
    #[arg(value_name = "IMAGE", required_unless_present = "input")]
    pub image: Option<String>,
    /// Read the image from a `docker save` archive, an OCI archive or an OCI layout directory.
    #[arg(long, value_name = "FILE|DIR", conflicts_with = "image")]
    pub input: Option<PathBuf>,
    /// Tag to select from an archive or layout holding several images (with --input).
    #[arg(long, value_name = "TAG", requires = "input")]
    pub tag: Option<String>,
    /// Where to look for an image reference, in order: docker (the daemon) and remote.
    #[arg(long, value_delimiter = ',', default_value = "docker,remote")]
    pub image_src: Vec<String>,
    /// Platform of a multi-platform image: os/arch[/variant].
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Option<String>,
    /// Use plain HTTP for the registry (loopback registries always do).
    #[arg(long)]
    pub insecure: bool,
    /// Registry user name.
    #[arg(long, env = "BULWARK_USERNAME", requires = "password")]
    pub username: Option<String>,
    /// Registry password or token.
    #[arg(long, env = "BULWARK_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    #[command(flatten)]
    pub out: ScanOutput,
}

/// Flags for `bulwark fs` and `bulwark rootfs`.
#[derive(Debug, clap::Args)]
pub struct DirArgs {
    /// Directory to scan.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub out: ScanOutput,
}

fn secret_scanning(out: &ScanOutput) -> anyhow::Result<Option<SecretScanning>> {
    if !out.enabled(Scanner::Secret) {
        return Ok(None);
    }
    let (mut config, text) = match &out.secret_config {
        Some(path) => SecretConfig::load(path).map_err(|e| UsageError(e.to_string()))?,
        None => (SecretConfig::default(), String::new()),
    };
    config.skip_files.extend(out.skip_files.iter().cloned());
    config.skip_dirs.extend(out.skip_dirs.iter().cloned());
    let key_text = format!("{text}|{:?}|{:?}", out.skip_files, out.skip_dirs);
    let scanner = bulwark_secrets::Scanner::new(&config)
        .map_err(|e| UsageError(format!("invalid secret configuration: {e}")))?;
    Ok(Some(SecretScanning::new(scanner, &key_text)))
}

fn scan_options(out: &ScanOutput) -> anyhow::Result<ScanOptions> {
    let cache = if out.no_cache {
        None
    } else {
        out.cache_dir
            .clone()
            .or_else(default_cache_dir)
            .map(|d| LayerCache::new(&d))
    };
    let mut walk = bulwark_oci::WalkOptions::default();
    if let Some(n) = out.max_layer_bytes {
        walk.max_layer_bytes = n;
    }
    Ok(ScanOptions {
        cache,
        secrets: secret_scanning(out)?,
        walk,
    })
}

fn resolve_options(args: &ImageArgs) -> anyhow::Result<ResolveOptions> {
    let mut sources = Vec::new();
    for s in &args.image_src {
        sources.push(ImageSource::parse(s.trim()).map_err(|e| UsageError(e.to_string()))?);
    }
    let platform = match &args.platform {
        Some(p) => Some(Platform::parse(p).map_err(|e| UsageError(e.to_string()))?),
        None => None,
    };
    let mut credentials = CredentialStore::standard();
    if let (Some(username), Some(password)) = (&args.username, &args.password) {
        credentials.explicit = Some(Credential::Basic {
            username: username.clone(),
            password: password.clone(),
        });
    }
    Ok(ResolveOptions {
        sources,
        platform,
        registry: RegistryOptions {
            insecure: args.insecure,
            credentials,
            ..RegistryOptions::default()
        },
        ..ResolveOptions::default()
    })
}

/// `bulwark image`.
pub fn run_image(args: &ImageArgs, ui: Ui) -> anyhow::Result<i32> {
    let opts = resolve_options(args)?;
    let (image, label) = if let Some(path) = &args.input {
        let img = bulwark_oci::open_input(path, args.tag.as_deref(), opts.platform.as_ref())
            .with_context(|| format!("cannot read the image in {}", path.display()))?;
        (img, path.display().to_string())
    } else {
        let target = args.image.as_deref().unwrap_or_default();
        let img = bulwark_oci::open_image(target, &opts)
            .with_context(|| format!("cannot open image {target}"))?;
        (img, target.to_string())
    };
    if !ui.quiet {
        eprintln!(
            "bulwark: scanning {label} ({} layer(s), from {})",
            image.layers.len(),
            image.source
        );
    }
    let opts = scan_options(&args.out)?;
    let inv = bulwark_scan::scan_image(&image, &opts)
        .with_context(|| format!("cannot scan image {label}"))?;
    refuse_unsafe_entries(&inv, &label)?;
    let mut findings = Vec::new();
    if args.out.enabled(Scanner::Config) {
        let scanner = match &opts.secrets {
            Some(s) => s.scanner.clone(),
            None => std::sync::Arc::new(
                bulwark_secrets::Scanner::builtin()
                    .map_err(|e| anyhow::anyhow!("built-in secret rules: {e}"))?,
            ),
        };
        findings.extend(bulwark_scan::secrets::check_image_config(
            &image, &inv, &scanner,
        ));
    }
    finish(&inv, &args.out, ui, findings)
}

/// An image whose layer tars hold absolute or `..` paths was not written by a container
/// builder (Docker refuses to load such layers); its inventory would silently differ from what
/// any runtime unpacks, so the scan fails naming the first such entry.
fn refuse_unsafe_entries(inv: &bulwark_scan::Inventory, label: &str) -> anyhow::Result<()> {
    for (report, layer) in inv.reports.iter().zip(&inv.layers) {
        if let Some(s) = report.suspicious_paths.first() {
            let more = report.suspicious_paths.len() - 1;
            anyhow::bail!(
                "image {label}: layer #{} {} has an unsafe tar entry `{}` ({}){}",
                layer.index,
                layer.digest,
                s.raw,
                s.reason,
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            );
        }
    }
    Ok(())
}

/// `bulwark fs` (lock files too) and `bulwark rootfs` (installed packages only).
pub fn run_dir(args: &DirArgs, mode: ScanMode, ui: Ui) -> anyhow::Result<i32> {
    let inv = bulwark_scan::scan_dir(&args.dir, mode, &scan_options(&args.out)?)
        .with_context(|| format!("cannot scan directory {}", args.dir.display()))?;
    finish(&inv, &args.out, ui, Vec::new())
}

/// RFC 3339 UTC time for SBOM metadata; `SOURCE_DATE_EPOCH` makes it reproducible.
fn timestamp() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        });
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

fn write_out(out: &ScanOutput, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    if let Some(p) = &out.output {
        return std::fs::write(p, text)
            .with_context(|| format!("cannot write the output to {}", p.display()));
    }
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("writing to standard output")
        }
        _ => Ok(()),
    }
}

fn inventory_metadata(
    inv: &Inventory,
    with_packages: bool,
) -> serde_json::Map<String, serde_json::Value> {
    let mut m = serde_json::Map::new();
    m.insert(
        "artifact".into(),
        json!({
            "name": inv.subject.name,
            "type": match inv.subject.kind {
                bulwark_catalog::SubjectKind::Image => "container_image",
                bulwark_catalog::SubjectKind::Directory => "filesystem",
            },
            "digest": inv.subject.digest,
            "config_digest": inv.subject.config_digest,
        }),
    );
    m.insert("os".into(), json!(inv.os));
    m.insert("layers".into(), json!(inv.layers));
    m.insert("package_count".into(), json!(inv.packages.len()));
    if with_packages {
        m.insert("packages".into(), json!(inv.packages));
    }
    if !inv.errors.is_empty() {
        m.insert("analysis_errors".into(), json!(inv.errors));
    }
    m
}

fn packages_table(inv: &Inventory) -> String {
    let header = ["Type", "Name", "Version", "Path"];
    let rows: Vec<[String; 4]> = inv
        .packages
        .iter()
        .map(|p| {
            let name = match &p.group {
                Some(g) => format!("{g}:{}", p.name),
                None => p.name.clone(),
            };
            [
                p.kind.as_str().to_string(),
                name,
                p.version.clone(),
                p.location.path.clone(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r.iter()) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut s = String::new();
    for r in std::iter::once(header.map(str::to_string)).chain(rows) {
        let line = format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {}",
            r[0],
            r[1],
            r[2],
            r[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}

/// Groups vulnerability findings by ID into CycloneDX vulnerabilities, each affecting the
/// inventory packages the findings name (matched by PURL, file and version).
fn sbom_vulnerabilities<'a>(
    packages: &'a [bulwark_catalog::Package],
    findings: &[bulwark_report::Finding],
) -> Vec<SbomVulnerability<'a>> {
    let prop = |f: &bulwark_report::Finding, k: &str| -> Option<String> {
        f.properties
            .get(k)
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let index: std::collections::HashMap<(&str, &str, &str, &str), &'a bulwark_catalog::Package> =
        packages
            .iter()
            .map(|p| {
                (
                    (
                        p.name.as_str(),
                        p.version.as_str(),
                        p.purl.as_str(),
                        p.location.path.as_str(),
                    ),
                    p,
                )
            })
            .collect();
    let mut by_id: std::collections::BTreeMap<String, SbomVulnerability<'a>> =
        std::collections::BTreeMap::new();
    for f in findings {
        if f.category != bulwark_report::Category::Vulnerability {
            continue;
        }
        let purl = prop(f, "purl").unwrap_or_default();
        let file = prop(f, "file_path").unwrap_or_default();
        let name = prop(f, "package").unwrap_or_default();
        let version = prop(f, "installed_version").unwrap_or_default();
        let Some(pkg) = index
            .get(&(
                name.as_str(),
                version.as_str(),
                purl.as_str(),
                file.as_str(),
            ))
            .copied()
        else {
            continue;
        };
        let v = by_id
            .entry(f.code.clone())
            .or_insert_with(|| SbomVulnerability {
                id: f.code.clone(),
                aliases: f
                    .properties
                    .get("aliases")
                    .and_then(|a| a.as_array())
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
                url: prop(f, "data_source"),
                description: f.message.clone(),
                severity: f.severity.as_str().to_owned(),
                rating_source: prop(f, "rating_source"),
                cvss_vector: prop(f, "cvss_vector"),
                cvss_score: f
                    .properties
                    .get("cvss_score")
                    .and_then(serde_json::Value::as_f64),
                fixed_versions: Vec::new(),
                affects: Vec::new(),
            });
        if let Some(fixed) = prop(f, "fixed_version") {
            for x in fixed.split(", ") {
                if !v.fixed_versions.iter().any(|y| y == x) {
                    v.fixed_versions.push(x.to_owned());
                }
            }
        }
        v.affects.push(pkg);
    }
    by_id.into_values().collect()
}

fn finish(
    inv: &Inventory,
    out: &ScanOutput,
    ui: Ui,
    extra: Vec<bulwark_report::Finding>,
) -> anyhow::Result<i32> {
    let tool = ("bulwark", env!("CARGO_PKG_VERSION"));
    let ts = timestamp();
    let input = SbomInput {
        subject: &inv.subject,
        os: inv.os.as_ref(),
        packages: &inv.packages,
        timestamp: &ts,
        tool,
    };
    match out.format.to_ascii_lowercase().as_str() {
        "cyclonedx" | "cyclonedx-json" => {
            // Like `trivy image --format cyclonedx --scanners vuln`: the BOM carries the
            // vulnerabilities (after --severity, --ignore-unfixed and ignore files).
            let report = if out.enabled(Scanner::Vuln) {
                Some(super::vuln::vulnerability_report(inv, &out.vuln, ui)?)
            } else {
                None
            };
            let vulns = report
                .as_ref()
                .map(|r| sbom_vulnerabilities(&inv.packages, &r.findings))
                .unwrap_or_default();
            write_out(out, &write_cyclonedx_with_vulnerabilities(&input, &vulns))?;
            return Ok(match (&report, out.exit_code) {
                (Some(r), Some(code)) if !r.findings.is_empty() => code,
                _ => 0,
            });
        }
        "spdx-json" | "spdx" => {
            write_out(out, &write_spdx(&input))?;
            return Ok(0);
        }
        _ => {}
    }
    let format: Format = out.format.parse().map_err(UsageError)?;
    let mut report = Report {
        metadata: inventory_metadata(inv, out.list_all_pkgs || format == Format::Json)
            .into_iter()
            .collect(),
        ..Report::default()
    };
    if out.enabled(Scanner::Vuln) {
        let vulns = super::vuln::vulnerability_report(inv, &out.vuln, ui)?;
        report.findings.extend(vulns.findings);
        report.suppressed.extend(vulns.suppressed);
        for rule in vulns.rules.into_values() {
            report.add_rule(rule);
        }
        report.metadata.extend(vulns.metadata);
    }
    report.findings.extend(inv.secrets.iter().cloned());
    report.findings.extend(extra);
    for info in bulwark_secrets::builtin_rule_infos()
        .into_iter()
        .chain(bulwark_secrets::image::image_rule_infos())
    {
        if report.findings.iter().any(|f| f.code == info.code) {
            report.add_rule(info);
        }
    }
    report.sort();
    if format == Format::Table {
        let mut text = String::new();
        let os = inv
            .os
            .as_ref()
            .and_then(|o| o.pretty_name.clone().or_else(|| Some(o.id.clone())))
            .unwrap_or_else(|| "unknown OS".to_string());
        text.push_str(&format!(
            "{} ({os}): {} package(s) in {} layer(s)\n",
            inv.subject.name,
            inv.packages.len(),
            inv.layers.len()
        ));
        if out.list_all_pkgs {
            text.push('\n');
            text.push_str(&packages_table(inv));
        }
        if !ui.quiet || out.output.is_some() {
            write_out(
                &ScanOutput {
                    output: None,
                    ..out.clone()
                },
                &text,
            )?;
        }
    }
    let output = OutputArgs {
        format,
        output: out.output.clone(),
        exit_code: out.exit_code,
    };
    // Trivy's policy: findings fail the run only when --exit-code is given.
    let policy = ExitPolicy {
        threshold: out.exit_code.map(|_| bulwark_report::Severity::Unknown),
        exit_code: out.exit_code.unwrap_or(1),
    };
    emit(&mut report, &output, ui, policy)
}
