//! CVSS v4.0 vectors in OSV `severity[]` rate a match when no vendor rating, no GHSA rating
//! and no CVSS v3.x vector is available (v3 > v4 > v2).
#![allow(clippy::unwrap_used, clippy::float_cmp)] // exact one-decimal scores

use bulwark_vulndb::{Importer, PackageQuery, Severity, SeveritySource, Store, match_package};

const V4_LOW: &str = "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N";
const V4_CRIT: &str = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
const V3_MED: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N";
const V2_HIGH: &str = "AV:N/AC:L/Au:N/C:C/I:C/A:C";

fn severity_of(severities: &[(&str, &str)], ghsa: Option<&str>) -> (Severity, SeveritySource) {
    let sev: Vec<String> = severities
        .iter()
        .map(|(t, s)| format!(r#"{{"type":"{t}","score":"{s}"}}"#))
        .collect();
    let db_specific = ghsa.map_or(String::new(), |g| {
        format!(r#","database_specific":{{"severity":"{g}"}}"#)
    });
    let json = format!(
        r#"{{"id":"GHSA-test","modified":"2024-01-01T00:00:00Z","severity":[{}],"affected":[{{"package":{{"ecosystem":"PyPI","name":"pkg"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"2.0"}}]}}]}}]{db_specific}}}"#,
        sev.join(",")
    );
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.bwdb");
    let mut imp = Importer::new();
    imp.add_json(json.as_bytes(), "t").unwrap();
    imp.finish(&db).unwrap();
    let store = Store::open(&db).unwrap();
    let q = PackageQuery {
        ecosystem: "PyPI".into(),
        name: "pkg".into(),
        version: "1.0".into(),
        ..PackageQuery::default()
    };
    let m = match_package(&store, &q).unwrap();
    assert_eq!(m.len(), 1);
    (m[0].severity, m[0].severity_source.clone())
}

fn cvss(vector: &str, score: f64) -> SeveritySource {
    SeveritySource::Cvss {
        vector: vector.into(),
        score,
    }
}

#[test]
fn v4_alone_is_scored() {
    let (sev, src) = severity_of(&[("CVSS_V4", V4_CRIT)], None);
    let score = bulwark_vulndb::cvss4::score(V4_CRIT).unwrap();
    assert!(score >= 9.0);
    assert_eq!((sev, src), (Severity::Critical, cvss(V4_CRIT, score)));
    let (sev, _) = severity_of(&[("CVSS_V4", V4_LOW)], None);
    assert_eq!(sev, Severity::Low);
}

#[test]
fn v3_beats_v4_and_v4_beats_v2() {
    let (sev, src) = severity_of(&[("CVSS_V4", V4_CRIT), ("CVSS_V3", V3_MED)], None);
    assert_eq!((sev, src), (Severity::Medium, cvss(V3_MED, 6.1)));
    let v4_low = bulwark_vulndb::cvss4::score(V4_LOW).unwrap();
    let (sev, src) = severity_of(&[("CVSS_V2", V2_HIGH), ("CVSS_V4", V4_LOW)], None);
    assert_eq!((sev, src), (Severity::Low, cvss(V4_LOW, v4_low)));
}

#[test]
fn ghsa_rating_beats_v4() {
    let (sev, src) = severity_of(&[("CVSS_V4", V4_CRIT)], Some("MODERATE"));
    assert_eq!(
        (sev, src),
        (Severity::Medium, SeveritySource::Ghsa("MODERATE".into()))
    );
}

#[test]
fn malformed_v4_is_ignored() {
    let bad = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N";
    let (sev, src) = severity_of(&[("CVSS_V4", bad)], None);
    assert_eq!((sev, src), (Severity::Unknown, SeveritySource::None));
}
