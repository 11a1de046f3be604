//! Fuzz the CVSS v4.0 vector parser and scorer: never panic, and every accepted vector
//! scores within 0.0–10.0 on the one-decimal grid.
#![no_main]

use bulwark_vulndb::cvss::{self, CvssVersion};
use bulwark_vulndb::cvss4::Cvss4;
use libfuzzer_sys::fuzz_target;

fn check(vector: &str) {
    let _ = cvss::base_score(vector);
    let _ = cvss::version_of(vector).map(|v| v == CvssVersion::V4_0);
    if let Ok(v) = Cvss4::parse(vector) {
        let score = v.score();
        assert!((0.0..=10.0).contains(&score), "{vector}: {score}");
        let tenths = score * 10.0;
        assert!((tenths - tenths.round()).abs() < 1e-9, "{vector}: {score}");
        let _ = v.macro_vector();
        let _ = v.nomenclature();
        let _ = v.rating();
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check(&text);
    // Most inputs lack the prefix; also try them as the metric part of a v4.0 vector.
    check(&format!("CVSS:4.0/{text}"));
});
