//! Analysing a layer's files as they stream past ([`LayerAnalysis`]) gives what analysing the
//! whole batch at once gives, while holding only the files that analyzers read together.

#![allow(clippy::unwrap_used)]

mod common;

use bulwark_catalog::{Analyzers, LayerAnalysis, LayerInventory, ScanMode};

fn summary(inv: &LayerInventory) -> String {
    format!(
        "{}\n{}\n{}\n{:?}",
        serde_json::to_string(&inv.os).unwrap(),
        serde_json::to_string(&inv.packages).unwrap(),
        serde_json::to_string(&inv.owned).unwrap(),
        inv.errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    )
}

#[test]
fn streamed_analysis_equals_batch_analysis() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    for mode in [ScanMode::Image, ScanMode::Filesystem] {
        let reg = Analyzers::for_mode(mode);
        let batch = common::collect(&reg, &[fixtures], 12);
        assert!(batch.len() > 10, "fixtures found: {}", batch.len());
        let whole = reg.analyze_layer(&batch);
        assert!(!whole.packages.is_empty());

        // Tar order is not path order: feed the files backwards.
        let files: Vec<_> = batch.iter().collect();
        let mut streamed = LayerAnalysis::new(&reg);
        let mut held_max = 0;
        for f in files.iter().rev() {
            let mut data = f.data.clone();
            streamed.add(&f.path, f.meta, &mut data);
            let held = reg.holds(&f.path, &f.meta);
            assert_eq!(data.is_empty() && !f.data.is_empty(), held, "{}", f.path);
            held_max = held_max.max(streamed.held_bytes());
        }
        let total: u64 = files.iter().map(|f| f.data.len() as u64).sum();
        assert!(held_max < total, "held {held_max} of {total} bytes");
        assert_eq!(summary(&streamed.finish()), summary(&whole), "{mode:?}");
    }
}
