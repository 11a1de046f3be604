//! `bulwark image --dockerfile FILE`: the Dockerfile and the image's history are both untrusted
//! (a registry's image, a user's file). Tracing any pair must never panic, and annotating a
//! finding with the result must not either. The input is split at the first NUL: the Dockerfile,
//! then one history `created_by` per line (a leading `-` marks an empty layer).
#![no_main]

use bulwark_oci::HistoryEntry;
use bulwark_report::{Category, Finding, Location, Severity};
use bulwark_scan::trace::DockerfileTrace;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (dockerfile, history) = text.split_once('\0').unwrap_or((text, ""));
    let doc = bulwark_dockerfile::parse(dockerfile);
    let history: Vec<HistoryEntry> = history
        .split('\n')
        .map(|l| HistoryEntry {
            created_by: l.trim_start_matches('-').replace('\u{1}', "\n"),
            empty_layer: l.starts_with('-'),
            ..HistoryEntry::default()
        })
        .collect();
    let layers = history.iter().filter(|h| !h.empty_layer).count();
    let digests: Vec<String> = (0..layers).map(|i| format!("sha256:{i}")).collect();
    let trace = DockerfileTrace::new("Dockerfile", &doc, &history, &digests);
    for (i, d) in digests.iter().enumerate() {
        let mut f = Finding::new(
            "CVE-2024-0001",
            Severity::High,
            Category::Vulnerability,
            "fuzz",
            Location::file("var/lib/dpkg/status"),
        )
        .with_property("layer_digest", d.as_str())
        .with_property("history_index", i)
        .with_property("package", "curl")
        .with_property("installed_version", "7.1")
        .with_property("fixed_version", "7.2, 8.0");
        trace.annotate(&mut f);
    }
});
