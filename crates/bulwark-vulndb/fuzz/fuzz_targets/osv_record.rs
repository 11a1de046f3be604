//! Fuzz the OSV JSON parser, the store writer/reader round trip and the matcher.
#![no_main]

use bulwark_vulndb::{
    BulwarkVersions, EcosystemKey, Importer, PackageQuery, Store, match_advisories,
    normalize_name, parse_record,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(rec) = parse_record(data) else { return };
    let db = std::env::temp_dir().join(format!("bwfuzz-rec-{}.bwdb", std::process::id()));
    let mut imp = Importer::new();
    if imp.add_json(data, "fuzz").is_err() || imp.finish(&db).is_err() {
        return;
    }
    let Ok(store) = Store::open(&db) else { return };
    for p in rec.affected.iter().filter_map(|a| a.package.as_ref()) {
        let key = EcosystemKey::parse(&p.ecosystem);
        let Ok(advs) = store.lookup(&key.index_key(), &normalize_name(&key.base, &p.name)) else {
            continue;
        };
        for v in ["0", "1.0.0", "1:2.3-4", "2.0.0-r1", ""] {
            let q = PackageQuery {
                ecosystem: p.ecosystem.clone(),
                name: p.name.clone(),
                version: v.into(),
                ..PackageQuery::default()
            };
            let _ = match_advisories(&advs, &q, &key, &BulwarkVersions);
        }
    }
});
