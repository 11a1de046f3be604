//! rpmdb in all three backends. SQLite and BDB fixtures were written by real rpm / Berkeley DB
//! tools (see tests/fixtures/rpm/README.md); `rpm -qa` output is the oracle for the values.

#![allow(clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

use bulwark_catalog::analyzers::rpm::{bdb, header, ndb, sqlite_blobs};
use bulwark_catalog::{Analyzers, EntryMeta, LayerFiles, OsInfo, PackageType};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/rpm/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

/// What `rpm --dbpath DIR -qa --qf '%{NAME} %{EPOCH} %{VERSION}-%{RELEASE} %{SOURCERPM}\n'` printed.
const RPM_QA: &[(&str, Option<u32>, &str, &str)] = &[
    (
        "bulwark-hello",
        Some(2),
        "1.2.3-4.fc40",
        "bulwark-hello-1.2.3-4.fc40.src.rpm",
    ),
    (
        "bulwark-two",
        None,
        "0.9-4.fc40",
        "bulwark-two-0.9-4.fc40.src.rpm",
    ),
];

fn check_blobs(blobs: &[Vec<u8>]) {
    let mut infos: Vec<header::RpmInfo> = blobs
        .iter()
        .filter_map(|b| header::rpm_info(b).expect("header parses"))
        .collect();
    infos.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(infos.len(), RPM_QA.len());
    for (info, (name, epoch, vr, src)) in infos.iter().zip(RPM_QA) {
        assert_eq!(&info.name, name);
        assert_eq!(info.epoch, *epoch);
        assert_eq!(format!("{}-{}", info.version, info.release), *vr);
        assert_eq!(info.source_rpm.as_deref(), Some(*src));
        assert_eq!(info.arch.as_deref(), Some("noarch"));
        assert_eq!(info.license.as_deref(), Some("MIT AND Apache-2.0"));
        assert_eq!(info.vendor.as_deref(), Some("Bulwark Test"));
    }
    // rpm -qa --qf '[%{FILENAMES}\n]'
    assert_eq!(
        infos[0].files,
        [
            "/usr/lib/python3/site-packages/hello-1.0.dist-info/METADATA",
            "/usr/share/bulwark-hello/readme.txt"
        ]
    );
}

#[test]
fn sqlite_backend() {
    let blobs =
        sqlite_blobs(&fixture("rpmdb.sqlite"), "/var/lib/rpm/rpmdb.sqlite").expect("sqlite");
    check_blobs(&blobs);
}

#[test]
fn bdb_backend() {
    let blobs = bdb::values(&fixture("Packages")).expect("bdb");
    check_blobs(&blobs);
}

/// Lays out an NDB file per rpm's rpmpkg.c: header page with slots, blobs in 16-byte blocks.
fn make_ndb(blobs: &[Vec<u8>]) -> Vec<u8> {
    let mut db = vec![0u8; 4096];
    let le = |v: u32| v.to_le_bytes();
    db[0..4].copy_from_slice(b"RpmP");
    db[4..8].copy_from_slice(&le(0));
    db[8..12].copy_from_slice(&le(1));
    db[12..16].copy_from_slice(&le(1)); // one slot page
    let mut blk = 4096 / 16;
    for (i, b) in blobs.iter().enumerate() {
        let slot = 32 + i * 16;
        let pkg = (i + 1) as u32;
        db[slot..slot + 4].copy_from_slice(b"Slot");
        db[slot + 4..slot + 8].copy_from_slice(&le(pkg));
        db[slot + 8..slot + 12].copy_from_slice(&le(blk as u32));
        let total = 16 + b.len() + 12; // header + data + tail (checksum, len, magic)
        let nblk = total.div_ceil(16);
        db[slot + 12..slot + 16].copy_from_slice(&le(nblk as u32));
        let off = blk * 16;
        db.resize(off + nblk * 16, 0);
        db[off..off + 4].copy_from_slice(b"BlbS");
        db[off + 4..off + 8].copy_from_slice(&le(pkg));
        db[off + 8..off + 12].copy_from_slice(&le(1));
        db[off + 12..off + 16].copy_from_slice(&le(b.len() as u32));
        db[off + 16..off + 16 + b.len()].copy_from_slice(b);
        blk += nblk;
    }
    db
}

#[test]
fn ndb_backend_synthetic_layout() {
    let blobs = sqlite_blobs(&fixture("rpmdb.sqlite"), "x").expect("sqlite");
    let db = make_ndb(&blobs);
    assert_eq!(ndb::values(&db).expect("ndb"), blobs);
    check_blobs(&ndb::values(&db).expect("ndb"));
    assert!(ndb::values(b"RpmQ").is_err());
}

#[test]
fn analyzer_marks_rpm_owned_python_and_builds_purls() {
    let reg = Analyzers::default();
    for (path, file) in [
        ("/var/lib/rpm/rpmdb.sqlite", "rpmdb.sqlite"),
        ("/var/lib/rpm/Packages", "Packages"),
        ("/usr/lib/sysimage/rpm/rpmdb.sqlite", "rpmdb.sqlite"),
    ] {
        let mut batch = LayerFiles::new();
        assert!(reg.required(path, &EntryMeta::default()));
        batch.insert(path, EntryMeta::default(), fixture(file));
        batch.insert(
            "/usr/lib/python3/site-packages/hello-1.0.dist-info/METADATA",
            EntryMeta::default(),
            b"Metadata-Version: 2.1\nName: hello\nVersion: 1.0\n".to_vec(),
        );
        batch.insert(
            "/etc/os-release",
            EntryMeta::default(),
            b"ID=\"rhel\"\nVERSION_ID=\"9.4\"\n".to_vec(),
        );
        let inv = reg.analyze_layer(&batch);
        assert!(inv.errors.is_empty(), "{:?}", inv.errors);
        let rpms: Vec<_> = inv
            .packages
            .iter()
            .filter(|p| p.kind == PackageType::Rpm)
            .collect();
        assert_eq!(rpms.len(), 2);
        assert_eq!(
            rpms[0].purl,
            "pkg:rpm/redhat/bulwark-hello@1.2.3-4.fc40?arch=noarch&distro=rhel-9.4&epoch=2&upstream=bulwark-hello-1.2.3-4.fc40.src.rpm"
        );
        assert_eq!(rpms[0].source_name.as_deref(), Some("bulwark-hello"));
        assert_eq!(rpms[0].source_version.as_deref(), Some("1.2.3-4.fc40"));
        let py = inv
            .packages
            .iter()
            .find(|p| p.kind == PackageType::Python)
            .expect("python");
        assert_eq!(py.owned_by_os_package.as_deref(), Some("bulwark-hello"));
    }
    let _ = OsInfo::default();
}

#[test]
fn corrupt_databases_are_errors_not_panics() {
    let reg = Analyzers::default();
    for path in [
        "/var/lib/rpm/rpmdb.sqlite",
        "/var/lib/rpm/Packages",
        "/var/lib/rpm/Packages.db",
    ] {
        let mut batch = LayerFiles::new();
        batch.insert(
            path,
            EntryMeta::default(),
            b"garbage that is no database at all".to_vec(),
        );
        let inv = reg.analyze_layer(&batch);
        assert!(inv.packages.is_empty());
        assert_eq!(inv.errors.len(), 1, "{path}: {:?}", inv.errors);
    }
    let mut bdb = fixture("Packages");
    // break an overflow chain: point the first value at a page past the end
    for b in bdb.iter_mut().skip(4096).take(4096) {
        *b = b.wrapping_add(1);
    }
    let _ = bdb::values(&bdb);
}
