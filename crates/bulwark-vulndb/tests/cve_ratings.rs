//! Severity for records that carry none (issue 12 item 2): from another record of the same
//! vulnerability in the database, then from CVE data (NVD CVE API 2.0 and CVE JSON 5 records,
//! mixed with OSV records in one import), NVD preferred, the source kept.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns

use std::path::Path;

use bulwark_vulndb::{PackageQuery, Severity, SeveritySource, Store, import, match_package};
use serde_json::Value;

fn unrated(id: &str, alias: &str, eco: &str, name: &str) -> String {
    format!(
        r#"{{"id":"{id}","modified":"2024-01-01T00:00:00Z","aliases":["{alias}"],"affected":[{{"package":{{"ecosystem":"{eco}","name":"{name}"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"99.0"}}]}}]}}]}}"#
    )
}

fn query(name: &str) -> PackageQuery {
    PackageQuery {
        ecosystem: "PyPI".into(),
        name: name.into(),
        version: "1.0".into(),
        ..PackageQuery::default()
    }
}

fn word(s: &str) -> Severity {
    match s.to_ascii_uppercase().as_str() {
        "CRITICAL" => Severity::Critical,
        "HIGH" => Severity::High,
        "MEDIUM" => Severity::Medium,
        "LOW" => Severity::Low,
        "NONE" => Severity::Negligible,
        other => panic!("unexpected baseSeverity {other}"),
    }
}

/// (rank, version tier, score, baseSeverity, origin) of every CVSS entry of the real NVD and
/// CVE List files of `id`, read from the files' own `baseScore`/`baseSeverity` fields.
fn file_ratings(cve_dir: &Path, id: &str) -> Vec<(u8, u8, f64, String, String)> {
    let mut out = Vec::new();
    let tier = |v: &str| match v {
        "3.0" | "3.1" => 2,
        "4.0" => 1,
        _ => 0,
    };
    if let Ok(bytes) = std::fs::read(cve_dir.join("nvd").join(format!("{id}.json"))) {
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        let cna = v["sourceIdentifier"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if let Some(metrics) = v["metrics"].as_object() {
            for (key, list) in metrics {
                if !key.starts_with("cvssMetricV") {
                    continue;
                }
                for m in list.as_array().unwrap() {
                    let d = &m["cvssData"];
                    let version = d["version"].as_str().unwrap();
                    let sev = d["baseSeverity"]
                        .as_str()
                        .or_else(|| m["baseSeverity"].as_str())
                        .unwrap()
                        .to_owned();
                    let source = m["source"].as_str().unwrap_or_default();
                    let rank = if source == "nvd@nist.gov" {
                        3
                    } else if source == cna {
                        4
                    } else {
                        5
                    };
                    let origin = if rank == 3 {
                        "NVD".to_owned()
                    } else {
                        source.to_owned()
                    };
                    out.push((
                        rank,
                        tier(version),
                        d["baseScore"].as_f64().unwrap(),
                        sev,
                        origin,
                    ));
                }
            }
        }
    }
    if let Ok(bytes) = std::fs::read(cve_dir.join("cvelistV5").join(format!("{id}.json"))) {
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        let c = &v["containers"];
        let mut containers = vec![(4u8, &c["cna"])];
        if let Some(adp) = c["adp"].as_array() {
            containers.extend(adp.iter().map(|a| (5u8, a)));
        }
        for (rank, cont) in containers {
            let origin = cont["providerMetadata"]["shortName"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            for m in cont["metrics"].as_array().into_iter().flatten() {
                for (key, version) in [
                    ("cvssV4_0", "4.0"),
                    ("cvssV3_1", "3.1"),
                    ("cvssV3_0", "3.0"),
                    ("cvssV2_0", "2.0"),
                ] {
                    let d = &m[key];
                    if d.is_null() {
                        continue;
                    }
                    let sev = d["baseSeverity"].as_str().map_or_else(
                        || {
                            let s = d["baseScore"].as_f64().unwrap();
                            if s >= 7.0 {
                                "HIGH"
                            } else if s >= 4.0 {
                                "MEDIUM"
                            } else {
                                "LOW"
                            }
                            .to_owned()
                        },
                        str::to_owned,
                    );
                    out.push((
                        rank,
                        tier(version),
                        d["baseScore"].as_f64().unwrap(),
                        sev,
                        origin.clone(),
                    ));
                }
            }
        }
    }
    out
}

/// Every real CVE record of the conformance set rates an unrated OSV record aliasing it with
/// the rating the files themselves state (NVD's own entry first, then the CNA, then others;
/// CVSS v3.x before v4.0 before v2, highest score); a CVE no file rates stays UNKNOWN.
#[test]
fn real_cve_records_rate_unrated_osv_records() {
    let Some(cve_dir) = bulwark_testutil::conformance_dir("cve") else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let osv = t.path().join("osv");
    std::fs::create_dir_all(&osv).unwrap();
    let mut ids: Vec<String> = Vec::new();
    for sub in ["nvd", "cvelistV5"] {
        for e in std::fs::read_dir(cve_dir.join(sub)).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if let Some(id) = name.strip_suffix(".json")
                && !ids.contains(&id.to_owned())
            {
                ids.push(id.to_owned());
            }
        }
    }
    ids.sort();
    assert!(ids.len() > 100, "{}", ids.len());
    for id in &ids {
        std::fs::write(
            osv.join(format!("TEST-{id}.json")),
            unrated(&format!("TEST-{id}"), id, "PyPI", &format!("pkg-{id}")),
        )
        .unwrap();
    }
    let db = t.path().join("osv.db");
    // OSV records and both kinds of CVE records, mixed in one folder tree.
    let mixed = t.path().join("mixed");
    std::fs::create_dir_all(&mixed).unwrap();
    for sub in ["nvd", "cvelistV5"] {
        let dest = mixed.join(sub);
        std::fs::create_dir_all(&dest).unwrap();
        for e in std::fs::read_dir(cve_dir.join(sub)).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), dest.join(e.file_name())).unwrap();
        }
    }
    std::fs::rename(&osv, mixed.join("osv")).unwrap();
    let meta = import(&[mixed], &db).unwrap();
    assert_eq!(meta.stats.records, ids.len() as u64);
    assert_eq!(meta.stats.malformed, 0, "{:?}", meta.stats.rejected);
    let files = std::fs::read_dir(cve_dir.join("nvd")).unwrap().count()
        + std::fs::read_dir(cve_dir.join("cvelistV5"))
            .unwrap()
            .count();
    assert_eq!(meta.stats.cve_records, files as u64);
    let store = Store::open(&db).unwrap();
    let (mut rated, mut unknown) = (0, 0);
    for id in &ids {
        let m = match_package(&store, &query(&format!("pkg-{id}"))).unwrap();
        assert_eq!(m.len(), 1, "{id}");
        let m = &m[0];
        let mut expected = file_ratings(&cve_dir, id);
        // Best: lowest rank, then highest version tier, then highest score.
        expected.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.1.cmp(&a.1))
                .then(b.2.partial_cmp(&a.2).unwrap())
        });
        match expected.first() {
            None => {
                unknown += 1;
                assert_eq!(
                    m.severity,
                    Severity::Unknown,
                    "{id}: {:?}",
                    m.severity_source
                );
                assert_eq!(m.severity_source, SeveritySource::None, "{id}");
            }
            Some((_, _, score, sev, origin)) => {
                rated += 1;
                let SeveritySource::Related {
                    origin: got_origin,
                    record,
                    rating,
                } = &m.severity_source
                else {
                    panic!("{id}: {:?}", m.severity_source)
                };
                assert_eq!(record, id);
                let SeveritySource::Cvss { score: got, .. } = rating.as_ref() else {
                    panic!("{id}: {rating:?}")
                };
                assert!(
                    (got - score).abs() < 0.05,
                    "{id}: computed {got}, file says {score}"
                );
                assert_eq!(m.severity, word(sev), "{id}");
                if origin == "NVD" || !origin.contains('-') {
                    assert_eq!(got_origin, origin, "{id}");
                }
            }
        }
    }
    eprintln!("{rated} rated, {unknown} without any rating in the files");
    assert!(rated > 90, "{rated}");
}

/// A record without a rating takes the GHSA rating of another record of the same CVE in the
/// database; its own rating always wins; CVE data comes after database records.
#[test]
fn alias_records_rate_before_cve_data_and_own_rating_wins() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("go.json"),
        unrated("PYSEC-9", "CVE-2099-0001", "PyPI", "alpha"),
    )
    .unwrap();
    std::fs::write(
        src.join("ghsa.json"),
        r#"{"id":"GHSA-aaaa-bbbb-cccc","aliases":["CVE-2099-0001"],"database_specific":{"severity":"LOW"},
           "affected":[{"package":{"ecosystem":"npm","name":"other"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}"#,
    )
    .unwrap();
    std::fs::write(
        src.join("own.json"),
        r#"{"id":"PYSEC-10","aliases":["CVE-2099-0001"],"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
           "affected":[{"package":{"ecosystem":"PyPI","name":"beta"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}"#,
    )
    .unwrap();
    std::fs::write(
        src.join("CVE-2099-0001.json"),
        r#"{"id":"CVE-2099-0001","sourceIdentifier":"cna@example.org","vulnStatus":"Analyzed",
           "metrics":{"cvssMetricV31":[{"source":"nvd@nist.gov","type":"Primary","cvssData":{"version":"3.1","vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N","baseScore":7.5,"baseSeverity":"HIGH"}}]}}"#,
    )
    .unwrap();
    let db = t.path().join("osv.db");
    let meta = import(std::slice::from_ref(&src), &db).unwrap();
    assert_eq!((meta.stats.records, meta.stats.cve_records), (3, 1));
    let store = Store::open(&db).unwrap();
    let m = match_package(&store, &query("alpha")).unwrap();
    assert_eq!(m[0].severity, Severity::Low);
    assert_eq!(
        m[0].severity_source,
        SeveritySource::Related {
            origin: "GHSA".into(),
            record: "GHSA-aaaa-bbbb-cccc".into(),
            rating: Box::new(SeveritySource::Ghsa("LOW".into())),
        }
    );
    let m = match_package(&store, &query("beta")).unwrap();
    assert_eq!(m[0].severity, Severity::Critical);
    assert!(matches!(m[0].severity_source, SeveritySource::Cvss { .. }));
    // The other PyPI record's CVSS vector is the next alias rating.
    std::fs::remove_file(src.join("ghsa.json")).unwrap();
    import(std::slice::from_ref(&src), &db).unwrap();
    let store = Store::open(&db).unwrap();
    let m = match_package(&store, &query("alpha")).unwrap();
    assert_eq!(m[0].severity, Severity::Critical);
    assert!(
        matches!(&m[0].severity_source, SeveritySource::Related { origin, record, .. } if origin == "PYSEC" && record == "PYSEC-10"),
        "{:?}",
        m[0].severity_source
    );
    // Without alias records, NVD's rating is used.
    std::fs::remove_file(src.join("own.json")).unwrap();
    import(&[src], &db).unwrap();
    let store = Store::open(&db).unwrap();
    let m = match_package(&store, &query("alpha")).unwrap();
    assert_eq!(m[0].severity, Severity::High);
    assert!(
        matches!(&m[0].severity_source, SeveritySource::Related { origin, record, .. } if origin == "NVD" && record == "CVE-2099-0001"),
        "{:?}",
        m[0].severity_source
    );
}
