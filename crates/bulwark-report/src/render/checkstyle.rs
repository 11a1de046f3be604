//! Checkstyle XML (the format Hadolint's `--format checkstyle` writes), for Jenkins and friends.

use std::io::{self, Write};

use super::{RenderOptions, machine_path};
use crate::{Report, Severity};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High | Severity::Error => "error",
        Severity::Medium | Severity::Warning => "warning",
        Severity::Low | Severity::Info | Severity::Unknown => "info",
        Severity::Style => "info",
    }
}

/// Escapes text for an XML attribute value; drops characters XML 1.0 cannot carry.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

pub(super) fn render(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<?xml version='1.0' encoding='UTF-8'?>")?;
    writeln!(out, "<checkstyle version='4.3'>")?;
    let mut i = 0;
    let findings = &report.findings;
    // Host files keep the name they were given (as Hadolint writes them); paths inside an
    // image or a scanned directory are relative to it.
    let name = |i: usize| {
        let loc = findings[i].primary_location();
        if loc.artifact.is_some() {
            machine_path(loc, &opts.base_dir).0
        } else {
            loc.path.clone()
        }
    };
    while i < findings.len() {
        let path = name(i);
        writeln!(out, "  <file name='{}'>", escape(&path))?;
        while i < findings.len() && name(i) == path {
            let f = &findings[i];
            let loc = f.primary_location();
            let mut message = f.message.clone();
            if f.origin.is_some() {
                message.push_str(&format!(" (in {})", f.location.display_path()));
            }
            writeln!(
                out,
                "    <error line='{}' column='{}' severity='{}' message='{}' source='{}'/>",
                loc.line.unwrap_or(1),
                loc.column.unwrap_or(1),
                level(f.severity),
                escape(&message),
                escape(&f.code)
            )?;
            i += 1;
        }
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}
