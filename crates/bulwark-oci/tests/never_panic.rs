//! Never-panic property tests: the fuzz target bodies on random and structured inputs
//! (cargo-fuzz needs nightly, which is not available here).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

mod support;

use proptest::prelude::*;
use support::{TarBuilder, gzip, zstd};

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn documents_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        bulwark_oci::fuzzing::documents(&data);
    }

    #[test]
    fn json_like_documents_never_panic(s in r#"\{("(schemaVersion|mediaType|manifests|config|layers|digest|size|rootfs|diff_ids|history|platform)":(2|null|"[a-z0-9:./+-]{0,70}"|\[\]|\{\}|\[\{"digest":"sha256:[0-9a-f]{64}","size":[0-9]{1,3}\}\]),?){0,6}\}"#) {
        bulwark_oci::fuzzing::documents(s.as_bytes());
    }

    #[test]
    fn references_never_panic(s in "[a-zA-Z0-9._:/@+-]{0,80}") {
        bulwark_oci::fuzzing::documents(s.as_bytes());
    }

    #[test]
    fn random_blobs_never_panic(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
        bulwark_oci::fuzzing::tar_walk(&data);
    }

    #[test]
    fn mutated_tars_never_panic(
        names in proptest::collection::vec("(\\.\\./|/|\\./)?[a-z.]{1,6}(/\\.wh\\.[a-z.]{0,8})?", 1..6),
        targets in proptest::collection::vec("(/|\\.\\./)*[a-z]{0,4}", 1..6),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4),
        comp in 0u8..3,
    ) {
        let mut b = TarBuilder::new();
        for (i, n) in names.iter().enumerate() {
            let t = &targets[i % targets.len()];
            b = match i % 3 {
                0 => b.file(n, n.as_bytes()),
                1 => b.symlink(n, t),
                _ => b.hardlink(n, t),
            };
        }
        let tar = b.finish();
        let mut blob = match comp { 0 => tar, 1 => gzip(&tar), _ => zstd(&tar) };
        for (pos, val) in flips {
            let len = blob.len();
            if len > 0 { blob[pos % len] ^= val; }
        }
        bulwark_oci::fuzzing::tar_walk(&blob);
    }
}
