//! `bulwark sbom FILE`: vulnerabilities of the packages listed in a CycloneDX or SPDX JSON SBOM
//! (Bulwark's, Syft's, Trivy's).

use std::path::PathBuf;

use anyhow::Context;
use serde_json::json;

use super::vuln::{VulnArgs, exit_policy, packages_report};
use crate::output::{OutputArgs, Ui, emit};

/// Flags for `bulwark sbom`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The SBOM (CycloneDX JSON or SPDX JSON); `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub file: String,
    #[command(flatten)]
    pub vuln: VulnArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Reads the SBOM, matches its packages, renders the report. Exit status per Trivy: 0 unless
/// `--exit-code N` is given and findings remain.
pub fn run(args: &Args, ui: Ui) -> anyhow::Result<i32> {
    let data = super::read_input(&args.file)
        .with_context(|| format!("cannot read the SBOM {}", args.file))?;
    let doc = bulwark_catalog::read_sbom(&data, &args.file)?;
    if !ui.quiet {
        eprintln!(
            "bulwark: {}: {:?} SBOM, {} package(s){}",
            args.file,
            doc.format,
            doc.packages.len(),
            if doc.skipped > 0 {
                format!(", {} skipped (no usable purl)", doc.skipped)
            } else {
                String::new()
            }
        );
    }
    let subject = PathBuf::from(&args.file).display().to_string();
    let mut report = packages_report(&subject, doc.os.as_ref(), &doc.packages, &args.vuln, ui)?;
    report.metadata.insert(
        "artifact".into(),
        json!({
            "name": subject,
            "type": match doc.format {
                bulwark_catalog::SbomFormat::CycloneDx => "cyclonedx",
                bulwark_catalog::SbomFormat::Spdx => "spdx",
            },
            "os": doc.os,
            "package_count": doc.packages.len(),
            "skipped_components": doc.skipped,
        }),
    );
    emit(
        &mut report,
        &args.output,
        ui,
        exit_policy(args.output.exit_code),
    )
}
