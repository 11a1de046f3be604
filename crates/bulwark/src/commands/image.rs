//! `bulwark image`, `bulwark fs`, `bulwark rootfs`, `bulwark sbom`: flags, the call into
//! [`bulwark_scan::pipeline`], and rendering (a report, or an SBOM).

use std::path::PathBuf;

use anyhow::Context;
use bulwark_catalog::ScanMode;
use bulwark_oci::{
    Credential, CredentialStore, ImageSource, Platform, RegistryOptions, ResolveOptions,
};
use bulwark_report::Format;
use bulwark_scan::pipeline::{ScanRequest, ScanResult, Scanners, Target};
use bulwark_scan::sbom::SbomFormat;
use bulwark_scan::secrets::SecretScanning;
use bulwark_scan::{LayerCache, ScanOptions, default_cache_dir};
use bulwark_secrets::SecretConfig;

use super::UsageError;
use super::vuln::VulnArgs;
use crate::output::{GateArgs, OutputArgs, Ui, emit, write_output};

/// Output flags of the scans: a report format or an SBOM format.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// Output format: table, json, sarif, checkstyle, gitlab, html (one self-contained page), or
    /// an SBOM: cyclonedx, spdx-json.
    #[arg(short = 'f', long, default_value = "table", env = "BULWARK_FORMAT")]
    pub format: String,
    /// Write the output to FILE instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE", env = "BULWARK_OUTPUT")]
    pub output: Option<PathBuf>,
    /// List every package in table and JSON output (SBOM formats always do).
    #[arg(long)]
    pub list_all_pkgs: bool,
    #[command(flatten)]
    pub gate: GateArgs,
    /// Vulnerability scanning: database, `--ignore-unfixed`, ignore files.
    #[command(flatten)]
    pub vuln: VulnArgs,
}

/// What the output flags ask for.
enum Output {
    Report(Format),
    Sbom(SbomFormat),
}

impl ReportArgs {
    fn output(&self) -> Result<Output, UsageError> {
        Ok(match SbomFormat::from_name(&self.format) {
            Some(sbom) => Output::Sbom(sbom),
            None => Output::Report(
                self.format
                    .to_ascii_lowercase()
                    .parse()
                    .map_err(UsageError)?,
            ),
        })
    }
}

/// Flags of the image and directory scans: what to look for, the layer cache and walk bounds.
#[derive(Debug, Clone, clap::Args)]
pub struct ScanFlags {
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
    /// Bytes of one file read for the analyzers and the secret scanner; longer files are
    /// analysed from their beginning, with a warning (default 256 MiB).
    #[arg(long, value_name = "BYTES", env = "BULWARK_MAX_FILE_BYTES")]
    pub max_file_bytes: Option<u64>,
    /// Memory budget for files being analysed, over all layers read at once; a file that does
    /// not fit is skipped with a warning naming it. Also bounds how many layers are read at
    /// once (default 512 MiB).
    #[arg(long, value_name = "BYTES", env = "BULWARK_MAX_MEMORY")]
    pub max_memory: Option<u64>,
    /// What to look for: vuln, secret, config (image configuration checks; images only).
    /// Default: vuln,secret for reports (as Trivy), nothing but the packages for SBOM formats.
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
    #[command(flatten)]
    pub report: ReportArgs,
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

impl ScanFlags {
    /// The scanners in effect: as given, else vuln and secret for reports (Trivy's default)
    /// and none for SBOMs.
    fn scanners(&self) -> Result<Scanners, UsageError> {
        let report = matches!(self.report.output()?, Output::Report(_));
        let on = |s: Scanner| match &self.scanners {
            Some(list) => list.contains(&s),
            None => report && s != Scanner::Config,
        };
        Ok(Scanners {
            vuln: on(Scanner::Vuln),
            secret: on(Scanner::Secret),
            config: on(Scanner::Config),
        })
    }

    fn options(&self, scanners: Scanners) -> anyhow::Result<ScanOptions> {
        let cache = if self.no_cache {
            None
        } else {
            self.cache_dir
                .clone()
                .or_else(default_cache_dir)
                .map(|d| LayerCache::new(&d))
        };
        let mut walk = bulwark_oci::WalkOptions::default();
        if let Some(n) = self.max_layer_bytes {
            walk.max_layer_bytes = n;
        }
        if let Some(n) = self.max_file_bytes {
            walk.max_file_bytes = n;
        }
        if let Some(n) = self.max_memory {
            walk.max_memory = n;
        }
        let secrets = if scanners.secret {
            let (mut config, text) = match &self.secret_config {
                Some(path) => SecretConfig::load(path).map_err(|e| UsageError(e.to_string()))?,
                None => (SecretConfig::default(), String::new()),
            };
            config.skip_files.extend(self.skip_files.iter().cloned());
            config.skip_dirs.extend(self.skip_dirs.iter().cloned());
            let key_text = format!("{text}|{:?}|{:?}", self.skip_files, self.skip_dirs);
            let scanner = bulwark_secrets::Scanner::new(&config)
                .map_err(|e| UsageError(format!("invalid secret configuration: {e}")))?;
            Some(SecretScanning::new(scanner, &key_text))
        } else {
            None
        };
        Ok(ScanOptions {
            walk,
            cache,
            secrets,
        })
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
    /// The Dockerfile the image was built from: every finding then names the layer, the
    /// instruction and the line that made it, with a fix hint, and SARIF, GitLab and
    /// checkstyle locations become FILE at that line.
    #[arg(long, value_name = "FILE", env = "BULWARK_DOCKERFILE")]
    pub dockerfile: Option<PathBuf>,
    #[command(flatten)]
    pub scan: ScanFlags,
}

/// Flags for `bulwark fs` and `bulwark rootfs`.
#[derive(Debug, clap::Args)]
pub struct DirArgs {
    /// Directory to scan; `fs` also takes one lock file (package-lock.json, poetry.lock,
    /// go.sum, Cargo.lock, ...), as `trivy fs FILE` does.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub scan: ScanFlags,
}

/// Flags for `bulwark sbom`.
#[derive(Debug, clap::Args)]
pub struct SbomArgs {
    /// The SBOM (CycloneDX JSON or SPDX JSON); `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub file: String,
    #[command(flatten)]
    pub report: ReportArgs,
}

fn resolve_options(args: &ImageArgs, ui: Ui) -> anyhow::Result<ResolveOptions> {
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
            timeouts: args.scan.report.vuln.db.net.timeouts(),
            notifier: super::net::notifier(ui),
            ..RegistryOptions::default()
        },
        ..ResolveOptions::default()
    })
}

/// `bulwark image`.
pub fn run_image(args: &ImageArgs, ui: Ui) -> anyhow::Result<i32> {
    let scanners = args.scan.scanners()?;
    let opts = args.scan.options(scanners)?;
    let resolve = resolve_options(args, ui)?;
    let spinner = crate::progress::Spinner::new(ui, "reading the image");
    let (image, label) = if let Some(path) = &args.input {
        let img = bulwark_oci::open_input(path, args.tag.as_deref(), resolve.platform.as_ref())
            .with_context(|| format!("cannot read the image in {}", path.display()))?;
        (img, path.display().to_string())
    } else {
        let target = args.image.as_deref().unwrap_or_default();
        let img = bulwark_oci::open_image(target, &resolve)
            .with_context(|| format!("cannot open image {target}"))?;
        (img, target.to_string())
    };
    spinner.finish();
    ui.note(&format!(
        "scanning {label} ({} layer(s), from {})",
        image.layers.len(),
        image.source
    ));
    run(
        Target::Image(&image),
        &label,
        scanners,
        &opts,
        &args.scan.report,
        args.dockerfile.as_deref(),
        ui,
    )
}

/// `bulwark fs` (lock files too) and `bulwark rootfs` (installed packages only).
pub fn run_dir(args: &DirArgs, mode: ScanMode, ui: Ui) -> anyhow::Result<i32> {
    let scanners = args.scan.scanners()?;
    let opts = args.scan.options(scanners)?;
    let label = args.dir.display().to_string();
    let target = Target::Directory {
        path: &args.dir,
        mode,
    };
    run(target, &label, scanners, &opts, &args.scan.report, None, ui)
}

/// `bulwark sbom`: vulnerabilities of the packages an SBOM lists.
pub fn run_sbom(args: &SbomArgs, ui: Ui) -> anyhow::Result<i32> {
    let data = super::read_input(&args.file)
        .with_context(|| format!("cannot read the SBOM {}", args.file))?;
    let doc = bulwark_catalog::read_sbom(&data, &args.file)?;
    ui.note(&format!(
        "{}: {:?} SBOM, {} package(s){}",
        args.file,
        doc.format,
        doc.packages.len(),
        if doc.skipped > 0 {
            format!(", {} skipped (no usable purl)", doc.skipped)
        } else {
            String::new()
        }
    ));
    let target = Target::Packages {
        name: &args.file,
        os: doc.os.as_ref(),
        packages: &doc.packages,
    };
    let scanners = Scanners {
        vuln: true,
        ..Scanners::default()
    };
    run(
        target,
        &args.file,
        scanners,
        &ScanOptions::default(),
        &args.report,
        None,
        ui,
    )
}

/// Opens the database when needed, scans, says what the user must know on stderr, renders.
fn run(
    target: Target<'_>,
    label: &str,
    scanners: Scanners,
    opts: &ScanOptions,
    flags: &ReportArgs,
    dockerfile: Option<&std::path::Path>,
    ui: Ui,
) -> anyhow::Result<i32> {
    let output = flags.output()?;
    let policy = flags.vuln.policy(&flags.gate)?;
    let store = if scanners.vuln {
        Some(super::db::open_for_scan(&flags.vuln, ui)?)
    } else {
        None
    };
    let progress = crate::progress::ScanBar::new(ui);
    let callback = progress.callback();
    let mut result = bulwark_scan::pipeline::scan_with_progress(
        &ScanRequest {
            target,
            scanners,
            options: opts,
            store: store.as_ref(),
            policy: &policy,
            today: bulwark_scan::time::Date::today_utc(),
            tolerate_db_errors: flags.vuln.tolerate_db_errors,
        },
        callback.as_deref(),
    )
    .with_context(|| format!("cannot scan {label}"))?;
    progress.finish();
    if let Some(path) = dockerfile {
        for w in result
            .trace_to(path)
            .map_err(|e| UsageError(e.to_string()))?
        {
            ui.warn(&w);
        }
    }
    tell(&result, ui);
    // Trivy's default: findings fail the run only with --exit-code (or a threshold here).
    let exit = flags.gate.exit_policy(None);
    match output {
        Output::Sbom(format) => {
            // CycloneDX carries the vulnerabilities kept (as `trivy image --format cyclonedx
            // --scanners vuln`), after --severity, --ignore-unfixed and ignore files.
            let text = result.sbom(format);
            write_output(flags.output.as_ref(), text.as_bytes(), ui)?;
            Ok(exit.exit_status(&result.report(false)))
        }
        Output::Report(format) => {
            let mut report =
                result.report(flags.list_all_pkgs || matches!(format, Format::Json | Format::Html));
            if format == Format::Table && (!ui.quiet || flags.output.is_some()) {
                crate::outln!("{}", header(&result, flags.list_all_pkgs));
            }
            let out = OutputArgs {
                format,
                output: flags.output.clone(),
            };
            emit(&mut report, &out, &flags.gate, ui, exit)
        }
    }
}

/// What a user must know about a scan besides its findings, on stderr.
fn tell(result: &ScanResult, ui: Ui) {
    if let Some(d) = &result.detection {
        for u in &d.unsupported {
            ui.note(&format!("note: not checked for vulnerabilities: {u}"));
        }
    }
    for e in &result.inventory.errors {
        ui.warn(e);
    }
    for gap in &result.coverage {
        ui.warn(&gap.to_string());
    }
    for w in &result.policy.warnings {
        ui.warn(w);
    }
    for u in &result.unused_ignore_entries {
        ui.warn(u);
    }
    if result.policy.dropped_unknown > 0 {
        ui.warn(&format!(
            "--severity hid {} finding(s) of unknown severity",
            result.policy.dropped_unknown
        ));
    }
    for e in &result.errors {
        eprintln!("bulwark: error: {e}");
    }
}

/// The table's first lines: the target, its OS and package count (and every package with
/// `--list-all-pkgs`).
fn header(result: &ScanResult, list_all: bool) -> String {
    let inv = &result.inventory;
    let os = inv
        .os
        .as_ref()
        .and_then(|o| o.pretty_name.clone().or_else(|| Some(o.id.clone())))
        .unwrap_or_else(|| "unknown OS".to_string());
    let mut text = format!(
        "{} ({os}): {} package(s){}",
        inv.subject.name,
        inv.packages.len(),
        if inv.layers.is_empty() {
            String::new()
        } else {
            format!(" in {} layer(s)", inv.layers.len())
        }
    );
    if list_all {
        text.push_str("\n\n");
        text.push_str(&packages_table(inv));
    }
    text
}

fn packages_table(inv: &bulwark_scan::Inventory) -> String {
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
