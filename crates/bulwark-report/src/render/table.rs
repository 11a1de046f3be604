//! The human format: one line per finding, grouped by file, then a summary.
//!
//! Lint-like findings print as `path:line:col CODE severity: message` (close to Hadolint's `tty`
//! format, so editors' problem matchers pick them up); vulnerability findings print as a table per
//! target with package, installed and fixed versions.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::RenderOptions;
use crate::{Category, Finding, Report, Severity};

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

fn write_vuln_table(
    p: &Painter,
    target: &str,
    rows: &[&Finding],
    out: &mut dyn Write,
) -> io::Result<()> {
    let header = [
        "Package",
        "Vulnerability",
        "Severity",
        "Installed",
        "Fixed",
        "Title",
    ];
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|f| {
            let fixed = prop(f, "fixed_version");
            [
                prop(f, "package").to_string(),
                f.code.clone(),
                f.severity.as_str().to_uppercase(),
                prop(f, "installed_version").to_string(),
                if fixed.is_empty() {
                    "(unfixed)".to_string()
                } else {
                    fixed.to_string()
                },
                f.message.clone(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row.iter()).take(5) {
            *w = (*w).max(c.chars().count());
        }
    }
    writeln!(
        out,
        "\n{}",
        p.paint(Style::new().bold().underline(), target)
    )?;
    let line = |cols: [&str; 6]| -> String {
        let mut s = String::new();
        for (i, c) in cols.iter().enumerate() {
            if i == 5 {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}  ", w = widths[i]));
            }
        }
        s.trim_end().to_string()
    };
    writeln!(out, "{}", p.paint(Style::new().bold(), &line(header)))?;
    for (f, row) in rows.iter().zip(&cells) {
        let text = line([&row[0], &row[1], &row[2], &row[3], &row[4], &row[5]]);
        let sev_padded = format!("{:<w$}", row[2], w = widths[2]);
        // Colour only the severity cell.
        let painted = text.replacen(&sev_padded, &p.paint(style_for(f.severity), &sev_padded), 1);
        writeln!(out, "{painted}")?;
    }
    Ok(())
}

pub(super) fn render(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let p = Painter { color: opts.color };
    let (vulns, lints): (Vec<&Finding>, Vec<&Finding>) = report
        .findings
        .iter()
        .partition(|f| f.category == Category::Vulnerability);
    for f in &lints {
        let mut loc = f.location.display_path();
        if let Some(l) = f.location.line {
            loc.push_str(&format!(":{l}"));
            if let Some(c) = f.location.column {
                loc.push_str(&format!(":{c}"));
            }
        }
        writeln!(
            out,
            "{} {} {}: {}",
            p.paint(Style::new().bold(), &loc),
            p.paint(
                Style::new().fg_color(Some(AnsiColor::Magenta.into())),
                &f.code
            ),
            p.paint(style_for(f.severity), f.severity.as_str()),
            f.message
        )?;
    }
    // Vulnerabilities group by target (Trivy's: `image (debian 12.5)` for OS packages, the file
    // that recorded a language package), in first-seen order.
    let target = |f: &Finding| match prop(f, "target") {
        "" => f.location.display_path(),
        t => t.to_string(),
    };
    let mut targets: Vec<String> = Vec::new();
    for f in &vulns {
        let t = target(f);
        if !targets.contains(&t) {
            targets.push(t);
        }
    }
    for t in &targets {
        let rows: Vec<&Finding> = vulns.iter().copied().filter(|f| &target(f) == t).collect();
        write_vuln_table(&p, t, &rows, out)?;
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
