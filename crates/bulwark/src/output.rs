//! The flags every scanning command shares (`-f`, `-o`, `--severity`, `-t/--fail-on`,
//! `--exit-code`) and the one place a report is filtered, rendered, written and turned into an
//! exit status, so every command behaves the same in CI.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context;
use bulwark_report::{
    ExitPolicy, Format, RenderOptions, Report, Severity, SeverityFilter, Threshold, render,
};
use clap::Args;

/// `--format`, `--output`: the same on every command that writes a report.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format: table, json, sarif, checkstyle, gitlab, html (Hadolint's `tty` and
    /// `codeclimate` names are accepted too).
    #[arg(short = 'f', long, default_value = "table", env = "BULWARK_FORMAT", value_parser = parse_format)]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE", env = "BULWARK_OUTPUT")]
    pub output: Option<PathBuf>,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

/// The CI gate, the same on every scanning command.
///
/// Exit status: 0 when no reported finding reaches the threshold; 1 (or `--exit-code N`) when
/// one does; 3 when the scan could not see everything it was asked to (an unreadable input, a
/// failed database lookup), whatever the findings. Input errors (a file that does not parse:
/// `DL1000`, `K8S-PARSE`, …) are never hidden by `--severity` and always fail.
#[derive(Debug, Clone, Args)]
pub struct GateArgs {
    /// Report only these severities, for every kind of finding (comma-separated, e.g.
    /// `CRITICAL,HIGH`). Lint levels count as: error = HIGH, warning = MEDIUM, info and
    /// style = LOW.
    #[arg(long, value_name = "LIST", env = "BULWARK_SEVERITY", value_delimiter = ',', value_parser = parse_severity)]
    pub severity: Vec<Severity>,
    /// Fail when a reported finding is at or above LEVEL (a severity, `any`, or `none` to never
    /// fail). Default: `info` for `dockerfile`, `any` for `k8s`, `none` for image, fs, rootfs
    /// and sbom scans (as Trivy), unless `--exit-code` is given.
    #[arg(
        short = 't',
        long,
        visible_alias = "fail-on",
        value_name = "LEVEL",
        env = "BULWARK_FAILURE_THRESHOLD",
        value_parser = parse_threshold
    )]
    pub failure_threshold: Option<Threshold>,
    /// Exit status when findings reach the threshold (default 1). Given alone, any reported
    /// finding fails the run, as `trivy --exit-code` does.
    #[arg(long, value_name = "N", env = "BULWARK_EXIT_CODE")]
    pub exit_code: Option<i32>,
}

/// Parses one severity name (`CRITICAL`, `high`, `warning`, ...).
pub fn parse_severity(s: &str) -> Result<Severity, String> {
    s.trim().parse::<Severity>().map_err(|e| e.to_string())
}

fn parse_threshold(s: &str) -> Result<Threshold, String> {
    s.parse::<Threshold>()
        .map_err(|e| format!("{e}; or `any` (every finding fails) or `none` (findings never fail)"))
}

impl GateArgs {
    /// The exit policy, given the command's default threshold.
    pub fn exit_policy(&self, default_threshold: Option<Severity>) -> ExitPolicy {
        ExitPolicy::from_flags(self.failure_threshold, self.exit_code, default_threshold)
    }

    /// The `--severity` filter.
    pub fn filter(&self) -> SeverityFilter {
        SeverityFilter::new(self.severity.clone())
    }
}

/// Global switches that affect how things are shown.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ui {
    /// `--no-color` was given (or NO_COLOR is set).
    pub no_color: bool,
    /// `--quiet`: no progress, no summary chatter on stderr.
    pub quiet: bool,
}

impl Ui {
    /// Colour is used only on a terminal, without `--no-color`, and without `NO_COLOR`
    /// (<https://no-color.org>: any non-empty value disables colour).
    pub fn color_for_stdout(self) -> bool {
        if self.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            return false;
        }
        if std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") {
            return true;
        }
        std::io::stdout().is_terminal()
    }

    /// True when progress bars may be drawn (stderr is a terminal and not `--quiet`).
    pub fn progress(self) -> bool {
        !self.quiet && std::io::stderr().is_terminal()
    }

    /// An informational line on stderr, unless `--quiet`.
    pub fn note(self, text: &str) {
        if !self.quiet {
            eprintln!("bulwark: {text}");
        }
    }

    /// A warning on stderr (shown even with `--quiet`: it changes what the result means).
    #[allow(clippy::unused_self)] // a `Ui` method so every message goes through `ui`
    pub fn warn(self, text: &str) {
        eprintln!("bulwark: warning: {text}");
    }
}

/// Writes text to standard output. A closed pipe (`bulwark rules | head`) ends the process
/// quietly with status 0, as ripgrep does; any other write error is a runtime error.
pub fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(bulwark_report::EXIT_CLEAN);
        }
        eprintln!("bulwark: error: writing to standard output: {e}");
        std::process::exit(bulwark_report::EXIT_RUNTIME);
    }
}

/// `println!` that ends quietly on a closed pipe (see [`print`]).
#[macro_export]
macro_rules! outln {
    () => { $crate::output::print("\n") };
    ($($arg:tt)*) => { $crate::output::print(&format!("{}\n", format_args!($($arg)*))) };
}

/// Names `--format` takes; `-o json` is most likely a mistyped `-f json`.
const FORMAT_NAMES: &[&str] = &[
    "table",
    "tty",
    "json",
    "sarif",
    "checkstyle",
    "gitlab",
    "codeclimate",
    "cyclonedx",
    "cyclonedx-json",
    "spdx",
    "spdx-json",
    "html",
];

/// Writes `bytes` where `--output` says (stdout when `None`). Warns when the file name is a
/// format name (`-o json` where `-f json` was meant).
pub fn write_output(output: Option<&PathBuf>, bytes: &[u8], ui: Ui) -> anyhow::Result<()> {
    write_output_with(output, ui, |w| w.write_all(bytes))
}

/// [`write_output`] for output written piece by piece by `write` (a renderer), through a
/// buffer of a few KiB: standard output (a closed pipe ends the program quietly, as
/// [`print`]) or `--output FILE`.
pub fn write_output_with(
    output: Option<&PathBuf>,
    ui: Ui,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let Some(path) = output else {
        let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
        if let Err(e) = write(&mut stdout).and_then(|()| stdout.flush()) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(bulwark_report::EXIT_CLEAN);
            }
            return Err(e).context("cannot write the report to standard output");
        }
        return Ok(());
    };
    if path.parent().is_none_or(|p| p.as_os_str().is_empty())
        && path
            .to_str()
            .is_some_and(|n| FORMAT_NAMES.contains(&n.to_ascii_lowercase().as_str()))
    {
        ui.warn(&format!(
            "writing the report to a file named `{0}`; for the {0} format use `-f {0}`",
            path.display()
        ));
    }
    let file = std::fs::File::create(path)
        .with_context(|| format!("cannot write the report to {}", path.display()))?;
    let mut file = std::io::BufWriter::new(file);
    write(&mut file)
        .and_then(|()| file.flush())
        .with_context(|| format!("cannot write the report to {}", path.display()))
}

/// Columns for the table: `COLUMNS` when set, else the terminal's width when writing to it,
/// else 120 (piped or written to a file).
pub fn table_width(to_stdout: bool) -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
    {
        return n;
    }
    if to_stdout && std::io::stdout().is_terminal() {
        let (_, cols) = console::Term::stdout().size();
        if cols > 0 {
            return usize::from(cols);
        }
    }
    bulwark_report::render::DEFAULT_WIDTH
}

/// Applies `--severity` to `report` (saying on stderr how many findings of unknown severity it
/// hid), renders it, writes it where `--output` says, and returns the exit status of `policy`.
pub fn emit(
    report: &mut Report,
    out: &OutputArgs,
    gate: &GateArgs,
    ui: Ui,
    policy: ExitPolicy,
) -> anyhow::Result<i32> {
    let dropped = gate.filter().apply(report);
    if dropped.unknown > 0 {
        ui.warn(&format!(
            "--severity hid {} finding(s) of unknown severity",
            dropped.unknown
        ));
    }
    report.sort();
    let opts = RenderOptions {
        color: out.output.is_none() && out.format == Format::Table && ui.color_for_stdout(),
        width: Some(table_width(out.output.is_none())),
        ..RenderOptions::default()
    };
    // Rendered straight into its destination: the JSON report of an image with a quarter of a
    // million packages is over 100 MB, which a buffer would hold (and double while growing).
    write_output_with(out.output.as_ref(), ui, |w| {
        render(report, out.format, &opts, w)
    })?;
    Ok(policy.exit_status(report))
}
