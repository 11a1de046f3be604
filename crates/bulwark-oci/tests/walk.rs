//! Layer walking, applier and DirSource tests on tars built in the test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

mod support;

use std::collections::BTreeMap;

use bulwark_oci::{
    Compression, Digest, EntryKind, EntryMeta, LayerContext, LayerReport, LayerVisitor, MergedFs,
    OciError, Removal, WalkOptions, WantedFile, normalize_path, walk::NormalizedPath, walk_dir,
    walk_layer_stream,
};
use support::{TarBuilder, gzip, zstd};

#[derive(Default)]
struct Collect {
    want: Vec<&'static str>,
    /// When set, only these files are kept for later hard links.
    keep: Option<Vec<&'static str>>,
    files: BTreeMap<String, (Vec<u8>, bool)>,
    asked: usize,
}

impl LayerVisitor for Collect {
    fn wants(&self, path: &str, _: &EntryMeta) -> bool {
        self.want.contains(&path)
    }
    fn keep_for_hard_links(&self, path: &str, _: &EntryMeta) -> bool {
        self.keep.as_ref().is_none_or(|k| k.contains(&path))
    }
    fn visit(&mut self, f: &WantedFile<'_>) {
        self.asked += 1;
        self.files
            .insert(f.path.to_string(), (f.data.to_vec(), f.truncated));
    }
}

fn ctx(index: usize, diff_id: Option<Digest>) -> LayerContext {
    LayerContext {
        image: "test-image".into(),
        layer: format!("layer{index}"),
        index,
        cache_key: format!("key{index}"),
        diff_id,
    }
}

fn walk(
    blob: &[u8],
    index: usize,
    v: &mut Collect,
    opts: &WalkOptions,
) -> Result<LayerReport, OciError> {
    walk_layer_stream(blob, &ctx(index, None), v, opts)
}

#[test]
fn delivers_only_wanted_files_and_records_metadata() {
    let tar = TarBuilder::new()
        .dir("./etc/")
        .file("./etc/os-release", b"ID=test\n")
        .file("etc/passwd", b"root:x:0:0\n")
        .file_mode("usr/bin/su", b"ELF", 0o4755, 0)
        .file_mode("tmp/ww", b"x", 0o666, 1000)
        .symlink("etc/alt", "../usr/bin/su")
        .finish();
    for (blob, comp) in [
        (tar.clone(), Compression::None),
        (gzip(&tar), Compression::Gzip),
        (zstd(&tar), Compression::Zstd),
    ] {
        let mut v = Collect {
            want: vec!["etc/os-release"],
            ..Collect::default()
        };
        let opts = WalkOptions::default();
        let r = walk_layer_stream(
            &blob[..],
            &ctx(0, Some(Digest::sha256_of(&tar))),
            &mut v,
            &opts,
        )
        .unwrap();
        assert_eq!(r.compression, comp);
        assert!(r.diff_id_verified);
        assert_eq!(r.uncompressed_bytes, tar.len() as u64);
        assert_eq!(v.files.keys().collect::<Vec<_>>(), ["etc/os-release"]);
        assert_eq!(v.files["etc/os-release"].0, b"ID=test\n");
        let paths: Vec<&str> = r.entries.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "etc",
                "etc/os-release",
                "etc/passwd",
                "usr/bin/su",
                "tmp/ww",
                "etc/alt"
            ]
        );
        let su = &r.entries[3].meta;
        assert!(su.is_setuid() && !su.is_setgid() && su.is_executable());
        let ww = &r.entries[4].meta;
        assert!(ww.is_world_writable() && ww.uid == 1000);
        assert_eq!(
            r.symlinks().collect::<Vec<_>>(),
            [("etc/alt", "../usr/bin/su")]
        );
        assert!(
            !r.entries[5].meta.is_world_writable(),
            "symlink modes are ignored"
        );
    }
}

#[test]
fn wrong_diff_id_is_reported() {
    let tar = TarBuilder::new().file("a", b"1").finish();
    let mut v = Collect::default();
    let e = walk_layer_stream(
        &gzip(&tar)[..],
        &ctx(0, Some(Digest::sha256_of(b"other"))),
        &mut v,
        &WalkOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(e, OciError::DigestMismatch { .. }), "{e}");
    assert!(
        e.to_string().contains("diff id") && e.to_string().contains("test-image"),
        "{e}"
    );
}

#[test]
fn whiteouts_opaque_dirs_and_overwrites_merge_in_layer_order() {
    let l0 = TarBuilder::new()
        .file("etc/secret.key", b"KEY")
        .file("app/a.txt", b"a")
        .file("app/sub/b.txt", b"b")
        .file("keep/x", b"x")
        .file("etc/conf", b"v1")
        .finish();
    let l1 = TarBuilder::new()
        .file("etc/.wh.secret.key", b"")
        .file("app/.wh..wh..opq", b"")
        .file("app/new.txt", b"n")
        .file("etc/conf", b"v2")
        .file(".wh..wh.plnk", b"")
        .finish();
    let l2 = TarBuilder::new()
        .file(".wh.keep", b"")
        .file("etc/secret.key", b"again")
        .finish();
    let opts = WalkOptions::default();
    let reports: Vec<LayerReport> = [l0, l1, l2]
        .iter()
        .enumerate()
        .map(|(i, t)| walk(t, i, &mut Collect::default(), &opts).unwrap())
        .collect();
    assert_eq!(reports[1].whiteouts, ["etc/secret.key"]);
    assert_eq!(reports[1].opaque_dirs, ["app"]);
    assert_eq!(reports[2].whiteouts, ["keep"]);
    assert!(
        !reports[1].entries.iter().any(|e| e.path.contains(".wh.")),
        "markers are not entries"
    );
    let fs = MergedFs::apply(&reports);
    let files: Vec<(&str, usize)> = fs.files().map(|(p, o)| (p, o.layer)).collect();
    assert_eq!(
        files,
        [("app/new.txt", 1), ("etc/conf", 1), ("etc/secret.key", 2)]
    );
    let removed: Vec<(&str, usize, usize, Removal)> = fs
        .removed()
        .iter()
        .map(|r| (r.path.as_str(), r.added_in, r.removed_in, r.how))
        .collect();
    assert_eq!(
        removed,
        [
            ("app/a.txt", 0, 1, Removal::OpaqueDir),
            ("app/sub/b.txt", 0, 1, Removal::OpaqueDir),
            ("etc/secret.key", 0, 1, Removal::Whiteout),
            ("etc/conf", 0, 1, Removal::Overwritten),
            ("keep/x", 0, 2, Removal::Whiteout),
        ]
    );
    assert!(fs.is_hidden("etc/secret.key", 0));
    assert!(!fs.is_hidden("etc/secret.key", 2));
}

#[test]
fn only_files_the_visitor_keeps_serve_hard_links() {
    let tar = TarBuilder::new()
        .file("usr/lib/os-release", b"ID=x\n")
        .file("app/config.txt", b"token=abc\n")
        .hardlink("etc/os-release", "usr/lib/os-release")
        .hardlink("app/config-link.txt", "app/config.txt")
        .finish();
    let mut v = Collect {
        want: vec![
            "usr/lib/os-release",
            "etc/os-release",
            "app/config.txt",
            "app/config-link.txt",
        ],
        keep: Some(vec!["usr/lib/os-release"]),
        ..Collect::default()
    };
    let r = walk(&tar, 0, &mut v, &WalkOptions::default()).unwrap();
    assert_eq!(r.hard_links().count(), 2);
    assert_eq!(v.files["etc/os-release"].0, b"ID=x\n");
    assert!(v.files.contains_key("app/config.txt"));
    assert!(
        !v.files.contains_key("app/config-link.txt"),
        "a file not kept is not copied for its hard links"
    );
}

#[test]
fn hard_links_are_recorded_and_served() {
    let tar = TarBuilder::new()
        .file("usr/lib/os-release", b"ID=x\n")
        .hardlink("etc/os-release", "usr/lib/os-release")
        .hardlink("bad", "../../etc/shadow")
        .finish();
    let mut v = Collect {
        want: vec!["usr/lib/os-release", "etc/os-release"],
        ..Collect::default()
    };
    let r = walk(&tar, 0, &mut v, &WalkOptions::default()).unwrap();
    assert_eq!(
        r.hard_links().collect::<Vec<_>>(),
        [("etc/os-release", "usr/lib/os-release")]
    );
    assert_eq!(v.files["etc/os-release"].0, b"ID=x\n");
    assert!(
        r.entries.iter().all(|e| e.path != "bad"),
        "escaping hard link dropped"
    );
    assert!(
        r.suspicious_paths
            .iter()
            .any(|s| s.raw == "../../etc/shadow" && s.normalized.is_none())
    );
}

#[test]
fn dotdot_entries_are_neutralised_and_absolute_ones_are_relative() {
    let tar = TarBuilder::new()
        .file("../../etc/evil", b"x")
        .file("/abs/file", b"y")
        .file("a/../b/c", b"z")
        .file("./ok", b"o")
        .finish();
    let mut v = Collect {
        want: vec!["abs/file", "etc/evil"],
        ..Collect::default()
    };
    let r = walk(&tar, 0, &mut v, &WalkOptions::default()).unwrap();
    let paths: Vec<&str> = r.entries.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["abs/file", "b/c", "ok"]);
    assert_eq!(v.files.keys().collect::<Vec<_>>(), ["abs/file"]);
    let sus: Vec<(&str, Option<&str>)> = r
        .suspicious_paths
        .iter()
        .map(|s| (s.raw.as_str(), s.normalized.as_deref()))
        .collect();
    assert_eq!(
        sus,
        [
            ("../../etc/evil", None),
            // Docker unpacks `/abs/file` as `abs/file`: not suspicious
            ("a/../b/c", Some("b/c"))
        ]
    );
    assert_eq!(
        normalize_path("/app/x"),
        NormalizedPath::Clean("app/x".into())
    );
    assert_eq!(
        normalize_path("x/./y//z"),
        NormalizedPath::Clean("x/y/z".into())
    );
    assert!(matches!(
        normalize_path("a\0b"),
        NormalizedPath::Rejected(_)
    ));
}

#[test]
fn symlinks_resolve_inside_root_and_loops_stop() {
    let tar = TarBuilder::new()
        .file("etc/real", b"r")
        .symlink("etc/link", "real")
        .symlink("escape", "../../../../etc/real")
        .symlink("abs", "/etc/link")
        .symlink("loop1", "loop2")
        .symlink("loop2", "loop1")
        .symlink("dir", "etc")
        .finish();
    let r = walk(&tar, 0, &mut Collect::default(), &WalkOptions::default()).unwrap();
    let fs = MergedFs::apply([&r]);
    assert_eq!(fs.resolve("etc/link").as_deref(), Some("etc/real"));
    assert_eq!(fs.resolve("escape").as_deref(), Some("etc/real"));
    assert_eq!(fs.resolve("/abs").as_deref(), Some("etc/real"));
    assert_eq!(fs.resolve("dir/link").as_deref(), Some("etc/real"));
    assert_eq!(fs.resolve("../../x").as_deref(), Some("x"));
    assert_eq!(fs.resolve("loop1"), None);
    assert_eq!(fs.resolve("loop1/x"), None);
}

#[test]
fn truncated_gzip_fails_with_layer_error() {
    let tar = TarBuilder::new().file("a", &vec![7u8; 100_000]).finish();
    let gz = gzip(&tar);
    let cut = &gz[..gz.len() / 2];
    let e = walk(cut, 3, &mut Collect::default(), &WalkOptions::default()).unwrap_err();
    assert!(matches!(e, OciError::Layer { .. }), "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("test-image") && msg.contains("layer3"),
        "{msg}"
    );
    // truncated zstd too
    let z = zstd(&tar);
    let e = walk(
        &z[..z.len() - 10],
        0,
        &mut Collect::default(),
        &WalkOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(e, OciError::Layer { .. }), "{e}");
}

#[test]
fn gzip_bomb_is_bounded_per_layer_and_per_file() {
    // 64 MiB of zeros compresses to ~64 KiB
    let big = vec![0u8; 64 << 20];
    let tar = TarBuilder::new()
        .file("etc/big", &big)
        .file("etc/small", b"s")
        .finish();
    let gz = gzip(&tar);
    assert!(gz.len() < 1 << 20);
    let opts = WalkOptions {
        max_layer_bytes: 8 << 20,
        ..WalkOptions::default()
    };
    let e = walk(&gz, 0, &mut Collect::default(), &opts).unwrap_err();
    assert!(
        matches!(e, OciError::LayerTooLarge { limit, .. } if limit == 8 << 20),
        "{e}"
    );
    let opts = WalkOptions {
        max_file_bytes: 1024,
        ..WalkOptions::default()
    };
    let mut v = Collect {
        want: vec!["etc/big", "etc/small"],
        ..Collect::default()
    };
    let r = walk(&gz, 0, &mut v, &opts).unwrap();
    assert_eq!(v.files["etc/big"].0.len(), 1024);
    assert!(v.files["etc/big"].1);
    assert!(!v.files["etc/small"].1);
    assert_eq!(r.truncated_files, ["etc/big"]);
}

#[test]
fn multi_frame_zstd_with_skippable_frame() {
    let tar = TarBuilder::new()
        .file("a", &vec![1u8; 5000])
        .file("b", b"bee")
        .finish();
    let (p1, p2) = tar.split_at(2048);
    let mut blob = zstd(p1);
    blob.extend_from_slice(&[0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9]);
    blob.extend_from_slice(&zstd(p2));
    let mut v = Collect {
        want: vec!["b"],
        ..Collect::default()
    };
    let r = walk(&blob, 0, &mut v, &WalkOptions::default()).unwrap();
    assert_eq!(r.compression, Compression::Zstd);
    assert_eq!(v.files["b"].0, b"bee");
    assert_eq!(r.uncompressed_bytes, tar.len() as u64);
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    for junk in [
        &b"\x1f\x8bnot gzip at all"[..],
        &[0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0],
        &[1u8; 700][..],
    ] {
        let res = walk(junk, 0, &mut Collect::default(), &WalkOptions::default());
        assert!(res.is_err(), "{junk:?}");
    }
    // empty stream = empty layer
    let r = walk(&[], 0, &mut Collect::default(), &WalkOptions::default()).unwrap();
    assert!(r.entries.is_empty());
}

#[test]
fn dir_source_walks_without_following_symlinks() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("shadow"), "secret-outside").unwrap();
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    std::fs::create_dir_all(r.join("etc")).unwrap();
    std::fs::create_dir_all(r.join("proc/1")).unwrap();
    std::fs::write(r.join("etc/os-release"), "ID=dir\n").unwrap();
    std::os::unix::fs::symlink(outside.path().join("shadow"), r.join("etc/shadow")).unwrap();
    std::os::unix::fs::symlink("../../../..", r.join("etc/up")).unwrap();
    let mut v = Collect {
        want: vec!["etc/os-release", "etc/shadow", "etc/up/etc/shadow"],
        ..Collect::default()
    };
    let opts = WalkOptions {
        skip_dirs: vec!["proc".into()],
        ..WalkOptions::default()
    };
    let rep = walk_dir(r, &mut v, &opts).unwrap();
    assert_eq!(v.files.keys().collect::<Vec<_>>(), ["etc/os-release"]);
    let paths: Vec<(&str, EntryKind)> = rep
        .entries
        .iter()
        .map(|e| (e.path.as_str(), e.meta.kind))
        .collect();
    assert_eq!(
        paths,
        [
            ("etc", EntryKind::Dir),
            ("etc/os-release", EntryKind::File),
            ("etc/shadow", EntryKind::Symlink),
            ("etc/up", EntryKind::Symlink)
        ]
    );
    let fs = MergedFs::apply([&rep]);
    assert_eq!(
        fs.resolve("etc/up/etc/os-release").as_deref(),
        Some("etc/os-release")
    );
    // A regular file is a pseudo-layer holding that one file under its own name.
    let mut one = Collect {
        want: vec!["os-release"],
        ..Collect::default()
    };
    let rep = walk_dir(&r.join("etc/os-release"), &mut one, &opts).unwrap();
    assert_eq!(one.files.keys().collect::<Vec<_>>(), ["os-release"]);
    assert_eq!(rep.entries.len(), 1);
    assert_eq!(rep.entries[0].meta.kind, EntryKind::File);
    assert!(walk_dir(&r.join("etc/missing"), &mut Collect::default(), &opts).is_err());
}

/// Keeps every wanted file to the end of the layer (like a package database analyzer) and says
/// so through `held_bytes`, taking the walker's buffer instead of copying it.
#[derive(Default)]
struct Hold {
    files: BTreeMap<String, Vec<u8>>,
    finished_with: Option<usize>,
}

impl LayerVisitor for Hold {
    fn wants(&self, _: &str, _: &EntryMeta) -> bool {
        true
    }
    fn visit(&mut self, _: &WantedFile<'_>) {
        panic!("the walker hands regular files over in its buffer");
    }
    fn visit_owned(&mut self, f: bulwark_oci::OwnedFile<'_>) {
        self.files
            .insert(f.path.to_string(), std::mem::take(f.data));
    }
    fn held_bytes(&self) -> u64 {
        self.files.values().map(|d| d.len() as u64).sum()
    }
    fn finish_layer(&mut self) {
        self.finished_with = Some(self.files.len());
        self.files.clear();
    }
}

#[test]
fn memory_budget_bounds_the_sum_of_held_files_and_names_what_it_skipped() {
    let mib = vec![b'x'; 1 << 20];
    let tar = TarBuilder::new()
        .file("a", &mib)
        .file("b", &mib)
        .file("c", &mib)
        .file("d", b"small")
        .finish();
    // Each file fits the per-file cap; their sum does not fit the budget.
    let opts = WalkOptions {
        max_memory: (2 << 20) + (512 << 10),
        ..WalkOptions::default()
    };
    let mut v = Hold::default();
    let r = walk_layer_stream(tar.as_slice(), &ctx(0, None), &mut v, &opts).unwrap();
    assert_eq!(r.skipped_files, [("c".to_string(), 1 << 20)]);
    assert_eq!(v.finished_with, Some(3), "a, b and d were handed over");
    assert!(r.entries.iter().any(|e| e.path == "c"), "still recorded");

    // With room for all, nothing is skipped.
    let mut v = Hold::default();
    let r = walk_layer_stream(
        tar.as_slice(),
        &ctx(0, None),
        &mut v,
        &WalkOptions::default(),
    )
    .unwrap();
    assert!(r.skipped_files.is_empty());
    assert_eq!(v.finished_with, Some(4));

    // A visitor that drops each file after use never fills the budget.
    let mut v = Collect {
        want: vec!["a", "b", "c", "d"],
        keep: Some(vec![]),
        ..Collect::default()
    };
    let r = walk(&tar, 0, &mut v, &opts).unwrap();
    assert!(r.skipped_files.is_empty(), "{:?}", r.skipped_files);
    assert_eq!(v.files.len(), 4);
}
