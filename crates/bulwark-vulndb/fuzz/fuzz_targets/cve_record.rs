//! Fuzz the CVE data readers (NVD CVE API 2.0, CVE JSON 5), the ratings they store and the
//! severity resolution that reads them back.
#![no_main]

use bulwark_vulndb::cve::{Shape, parse, shape};
use bulwark_vulndb::{Importer, PackageQuery, Store, match_package};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for s in [Shape::NvdRecord, Shape::NvdCollection, Shape::Cve5] {
        let _ = parse(data, s);
    }
    let Some(kind) = shape(data) else { return };
    let Ok(list) = parse(data, kind) else { return };
    let db = std::env::temp_dir().join(format!("bwfuzz-cve-{}.bwdb", std::process::id()));
    let mut imp = Importer::new();
    let _ = imp.add_json(data, "fuzz");
    let rec = br#"{"id":"FUZZ-1","aliases":["CVE-FUZZ"],"affected":[{"package":{"ecosystem":"PyPI","name":"fuzz"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}"#;
    let _ = imp.add_json(rec, "fuzz-rec");
    if imp.finish(&db).is_err() {
        return;
    }
    let Ok(store) = Store::open(&db) else { return };
    for c in &list {
        let _ = store.ratings(&c.id);
    }
    let q = PackageQuery {
        ecosystem: "PyPI".into(),
        name: "fuzz".into(),
        version: "1.0".into(),
        ..PackageQuery::default()
    };
    let _ = match_package(&store, &q);
});
