//! The human format: a summary by severity first, lint-like findings one per line, then one
//! table of vulnerabilities per target, as Trivy lays it out.
//!
//! Lint-like findings print as `path:line:col CODE severity: message` (close to Hadolint's `tty`
//! format, so editors' problem matchers pick them up). Vulnerabilities print per target (`image
//! (debian 12.5)` for OS packages, the file that recorded a language package) with the columns
//! Library, Vulnerability, Severity, Status, Installed, Fixed, Title (one line, cut to the
//! width, the advisory link on the line below) and, when the image was traced to a Dockerfile,
//! Step (`L7 RUN`). The layout fits [`RenderOptions::width`] columns: when the title would get
//! fewer than 24 columns, each vulnerability takes two lines (the title and step below the
//! versions) instead.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::RenderOptions;
use crate::{Category, Finding, Report, Severity};

/// Width used when the caller gives none (output piped to a file or another program).
pub const DEFAULT_WIDTH: usize = 120;

/// The narrowest width laid out (narrower terminals get this and wrap).
const MIN_WIDTH: usize = 60;

/// The fewest columns the title gets on the same line as the versions.
const MIN_TITLE: usize = 24;

fn style_for(s: Severity) -> Style {
    let color = match s {
        Severity::Critical => AnsiColor::BrightRed,
        Severity::High | Severity::Error => AnsiColor::Red,
        Severity::Medium | Severity::Warning => AnsiColor::Yellow,
        Severity::Low | Severity::Info => AnsiColor::Cyan,
        Severity::Style | Severity::Unknown => AnsiColor::BrightBlack,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }
}

fn prop<'a>(f: &'a Finding, key: &str) -> &'a str {
    f.properties
        .get(key)
        .and_then(serde_json::Value::as_str)
        .unwrap_or("")
}

/// The first line of `text`, cut to `max` characters (ending in `…` when cut).
fn cut(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    let more = text.trim().lines().nth(1).is_some();
    let n = line.chars().count();
    if n <= max && !more {
        return line.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let keep = if n < max { n } else { max - 1 };
    let mut s: String = line.chars().take(keep).collect();
    s.push('…');
    s
}

fn pad(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n >= width {
        text.to_string()
    } else {
        format!("{text}{}", " ".repeat(width - n))
    }
}

/// `L7 RUN` for a finding traced to a Dockerfile line.
fn step_of(f: &Finding) -> String {
    let line = f
        .properties
        .get("dockerfile_line")
        .and_then(serde_json::Value::as_u64);
    let instruction = prop(f, "dockerfile_instruction");
    match line {
        Some(l) => {
            let kw = instruction
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_uppercase();
            format!("L{l} {kw}").trim_end().to_string()
        }
        None => String::new(),
    }
}

/// `affected` when no fixed version is known, else `fixed` (Trivy's status names).
fn status_of(f: &Finding) -> &'static str {
    if prop(f, "fixed_version").is_empty() {
        "affected"
    } else {
        "fixed"
    }
}

/// `Total: 3 (CRITICAL: 1, HIGH: 2)`: counts by severity, most serious first.
fn totals(findings: &[&Finding]) -> String {
    let parts: Vec<String> = Severity::ALL
        .into_iter()
        .filter_map(|s| {
            let n = findings.iter().filter(|f| f.severity == s).count();
            (n > 0).then(|| format!("{}: {n}", s.as_str().to_uppercase()))
        })
        .collect();
    format!("Total: {} ({})", findings.len(), parts.join(", "))
}

#[allow(clippy::too_many_lines)] // one layout, read top to bottom
fn write_vuln_table(
    p: &Painter,
    target: &str,
    rows: &[&Finding],
    width: usize,
    with_step: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    // Caps keep one long version string from eating the title.
    const CAPS: [usize; 7] = [28, 22, 8, 8, 24, 24, 10];
    let header = [
        "Library",
        "Vulnerability",
        "Severity",
        "Status",
        "Installed",
        "Fixed",
        "Step",
    ];
    let mut ncols = if with_step { 7 } else { 6 };
    let cells: Vec<[String; 7]> = rows
        .iter()
        .map(|f| {
            [
                prop(f, "package").to_string(),
                f.code.clone(),
                f.severity.as_str().to_uppercase(),
                status_of(f).to_string(),
                prop(f, "installed_version").to_string(),
                prop(f, "fixed_version").to_string(),
                step_of(f),
            ]
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &cells {
        for (i, c) in row.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count().min(CAPS[i]));
        }
    }
    let all_widths = widths.clone();
    widths.truncate(ncols);
    let mut fixed: usize = widths.iter().sum::<usize>() + 2 * ncols;
    let wide = width >= fixed + MIN_TITLE;
    if !wide && with_step {
        // The step gets a line of its own below the title.
        ncols = 6;
        widths = all_widths;
        widths.truncate(ncols);
        fixed = widths.iter().sum::<usize>() + 2 * ncols;
    }
    // In the two-line layout the versions line may still be too wide: shrink the widest
    // capped columns (library, versions) until it fits.
    if !wide {
        let budget = width.saturating_sub(2 * (ncols - 1));
        while widths.iter().sum::<usize>() > budget {
            let Some((i, _)) = widths
                .iter()
                .enumerate()
                .filter(|(i, w)| [0, 4, 5].contains(i) && **w > 8)
                .max_by_key(|(_, w)| **w)
            else {
                break;
            };
            widths[i] -= 1;
        }
    }
    let title_width = width.saturating_sub(fixed);
    writeln!(out)?;
    writeln!(out, "{}", p.paint(Style::new().bold().underline(), target))?;
    writeln!(out, "{}", "=".repeat(target.chars().count().min(width)))?;
    writeln!(out, "{}", totals(rows))?;
    writeln!(out)?;
    let mut head = String::new();
    for (i, h) in header.iter().take(ncols).enumerate() {
        head.push_str(&pad(h, widths[i]));
        head.push_str("  ");
    }
    if wide {
        head.push_str("Title");
    }
    let head = head.trim_end().to_string();
    writeln!(out, "{}", p.paint(Style::new().bold(), &head))?;
    writeln!(out, "{}", "─".repeat(head.chars().count().min(width)))?;
    let indent = if wide { fixed } else { 2 };
    for (f, row) in rows.iter().zip(&cells) {
        let mut line = String::new();
        for (i, c) in row.iter().take(ncols).enumerate() {
            let text = cut(c, widths[i]);
            let padded = pad(&text, widths[i]);
            if i == 2 {
                line.push_str(&p.paint(style_for(f.severity), &padded));
            } else {
                line.push_str(&padded);
            }
            line.push_str("  ");
        }
        let title = &f.message;
        if wide {
            line.push_str(&cut(title, title_width));
            writeln!(out, "{}", line.trim_end())?;
        } else {
            writeln!(out, "{}", line.trim_end())?;
            writeln!(out, "  {}", cut(title, width.saturating_sub(2)))?;
        }
        if let Some(link) = f.links.first() {
            // Links are never cut: a cut URL leads nowhere.
            let room = width.saturating_sub(indent);
            let at = if link.chars().count() <= room {
                indent
            } else {
                2
            };
            writeln!(
                out,
                "{}{}",
                " ".repeat(at),
                p.paint(Style::new().fg_color(Some(AnsiColor::Blue.into())), link)
            )?;
        }
        if !wide && with_step {
            let instruction = prop(f, "dockerfile_instruction");
            if !instruction.is_empty() {
                let text = format!("{}: {instruction}", row[6]);
                writeln!(out, "  {}", cut(&text, width.saturating_sub(2)))?;
            }
        }
    }
    Ok(())
}

/// The overview printed first: counts by severity, then per target and scanner.
fn write_summary(
    p: &Painter,
    report: &Report,
    targets: &[(String, Vec<&Finding>)],
    width: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let all: Vec<&Finding> = report.findings.iter().collect();
    writeln!(out, "{}", p.paint(Style::new().bold(), "Report Summary"))?;
    writeln!(out, "{}", totals(&all))?;
    let count = |c: Category| report.findings.iter().filter(|f| f.category == c).count();
    let secrets = count(Category::Secret);
    let config = count(Category::ImageConfig) + count(Category::Runtime);
    let lint = count(Category::Dockerfile) + count(Category::Kubernetes);
    if targets.is_empty() {
        return Ok(());
    }
    let name_width = targets
        .iter()
        .map(|(t, _)| t.chars().count())
        .max()
        .unwrap_or(6)
        .clamp(6, width.saturating_sub(20).max(20));
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        p.paint(
            Style::new().bold(),
            &format!("{}  Vulnerabilities", pad("Target", name_width))
        )
    )?;
    for (t, rows) in targets {
        writeln!(
            out,
            "{}  {}",
            pad(&cut(t, name_width), name_width),
            rows.len()
        )?;
    }
    let mut other = Vec::new();
    if secrets > 0 {
        other.push(format!("{secrets} secret(s)"));
    }
    if config > 0 {
        other.push(format!("{config} configuration finding(s)"));
    }
    if lint > 0 {
        other.push(format!("{lint} lint finding(s)"));
    }
    if !other.is_empty() {
        writeln!(out, "and {}", other.join(", "))?;
    }
    Ok(())
}

pub(super) fn render(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let p = Painter { color: opts.color };
    let width = opts.width.unwrap_or(DEFAULT_WIDTH).max(MIN_WIDTH);
    let (vulns, lints): (Vec<&Finding>, Vec<&Finding>) = report
        .findings
        .iter()
        .partition(|f| f.category == Category::Vulnerability);
    // Vulnerabilities group by target (Trivy's: `image (debian 12.5)` for OS packages, the file
    // that recorded a language package), in first-seen order.
    let target = |f: &Finding| match prop(f, "target") {
        "" => f.location.display_path(),
        t => t.to_string(),
    };
    let mut targets: Vec<(String, Vec<&Finding>)> = Vec::new();
    for f in &vulns {
        let t = target(f);
        match targets.iter_mut().find(|(name, _)| *name == t) {
            Some((_, rows)) => rows.push(f),
            None => targets.push((t, vec![f])),
        }
    }
    // Scans of images and directories get the overview first; lint runs (`bulwark dockerfile`,
    // `bulwark k8s`) keep Hadolint's plain line format.
    let scan = !vulns.is_empty()
        || report
            .findings
            .iter()
            .any(|f| f.location.artifact.is_some());
    if scan && report.errors.is_empty() {
        write_summary(&p, report, &targets, width, out)?;
        if !lints.is_empty() {
            writeln!(out)?;
        }
    }
    for f in &lints {
        let mut loc = f.location.display_path();
        if let Some(l) = f.location.line {
            loc.push_str(&format!(":{l}"));
            if let Some(c) = f.location.column {
                loc.push_str(&format!(":{c}"));
            }
        }
        let mut line = format!(
            "{} {} {}: {}",
            p.paint(Style::new().bold(), &loc),
            p.paint(
                Style::new().fg_color(Some(AnsiColor::Magenta.into())),
                &f.code
            ),
            p.paint(style_for(f.severity), f.severity.as_str()),
            f.message
        );
        if let Some(o) = &f.origin {
            let at = o.line.map_or_else(String::new, |l| format!(":{l}"));
            let kw = prop(f, "dockerfile_instruction")
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_uppercase();
            line.push_str(&format!(" [{}{at} {kw}]", o.path));
        }
        writeln!(out, "{line}")?;
    }
    let with_step = vulns
        .iter()
        .any(|f| f.properties.contains_key("dockerfile_line"));
    for (t, rows) in &targets {
        write_vuln_table(&p, t, rows, width, with_step, out)?;
    }
    for e in &report.errors {
        writeln!(
            out,
            "{} {e}",
            p.paint(style_for(Severity::Critical), "error: could not check:")
        )?;
    }
    if !report.errors.is_empty() {
        // Never "No findings." after a run that could not see everything.
        writeln!(
            out,
            "\n{} finding(s) in what could be checked; {} problem(s) stopped the check (see above).",
            report.findings.len(),
            report.errors.len()
        )?;
    } else if report.findings.is_empty() {
        writeln!(
            out,
            "{}",
            p.paint(
                Style::new().fg_color(Some(AnsiColor::Green.into())),
                "No findings."
            )
        )?;
    } else {
        let parts: Vec<String> = report
            .counts()
            .into_iter()
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        let mut summary = format!(
            "\n{} finding(s): {}",
            report.findings.len(),
            parts.join(", ")
        );
        if !report.suppressed.is_empty() {
            summary.push_str(&format!(" ({} suppressed)", report.suppressed.len()));
        }
        writeln!(out, "{summary}")?;
    }
    Ok(())
}
