//! Shared output flags and the one place a report is rendered, written and turned into an exit
//! status, so every command behaves the same in CI.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context;
use bulwark_report::{ExitPolicy, Format, RenderOptions, Report, render};
use clap::Args;

/// `--format`, `--output`, `--exit-code`: the same on every scanning command.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format: table, json, sarif, checkstyle, gitlab (Hadolint's `tty` and
    /// `codeclimate` names are accepted too).
    #[arg(short = 'f', long, default_value = "table", env = "BULWARK_FORMAT", value_parser = parse_format)]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE", env = "BULWARK_OUTPUT")]
    pub output: Option<PathBuf>,
    /// Exit status to use when findings reach the threshold.
    #[arg(long, value_name = "N", env = "BULWARK_EXIT_CODE")]
    pub exit_code: Option<i32>,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
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
    #[allow(dead_code)]
    pub fn progress(self) -> bool {
        !self.quiet && std::io::stderr().is_terminal()
    }
}

/// Renders `report`, writes it where `--output` says, and returns the exit status that `policy`
/// gives (with `--exit-code` applied).
pub fn emit(
    report: &mut Report,
    out: &OutputArgs,
    ui: Ui,
    mut policy: ExitPolicy,
) -> anyhow::Result<i32> {
    report.sort();
    if let Some(code) = out.exit_code {
        policy.exit_code = code;
    }
    let opts = RenderOptions {
        color: out.output.is_none() && out.format == Format::Table && ui.color_for_stdout(),
        ..RenderOptions::default()
    };
    let mut buf = Vec::with_capacity(4096);
    render(report, out.format, &opts, &mut buf).context("rendering the report")?;
    if let Some(path) = &out.output {
        std::fs::write(path, &buf)
            .with_context(|| format!("cannot write the report to {}", path.display()))?;
    } else {
        let mut stdout = std::io::stdout().lock();
        // A closed pipe (`| head`) is not an error worth a stack of messages.
        if let Err(e) = stdout.write_all(&buf).and_then(|()| stdout.flush())
            && e.kind() != std::io::ErrorKind::BrokenPipe
        {
            return Err(e).context("writing the report to standard output");
        }
    }
    Ok(policy.exit_status(report))
}
